//! Object identifiers: the names of everything an SNMP agent serves.

use core::fmt;
use core::str::FromStr;

/// The most sub-identifiers an OID may have (RFC 2578 section 3.5: "at most 128 sub-identifiers").
///
/// The decoder rejects longer OIDs, so a MIB table never sees one.
pub const MAX_SUB_IDS: usize = 128;

/// An object identifier, as the list of its sub-identifiers (arcs).
///
/// Each sub-identifier is at most 2^32-1 (RFC 2578 section 3.5). The type does not enforce the
/// X.690 rules on the first two arcs (the first is 0, 1 or 2; the second is under 40 unless the
/// first is 2) nor [`MAX_SUB_IDS`]: the decoder only ever builds valid OIDs, and an OID the agent
/// builds itself is its own business (see `BerWriter::oid` in the SNMP encoder for how
/// odd ones are encoded).
///
/// The derived order is the order of `Vec<u32>`, which compares sub-identifier by sub-identifier
/// and puts a prefix before everything that extends it. That is exactly the lexicographic order of
/// SNMP (RFC 3416 section 4.2.2, GetNext), so a `BTreeMap<Oid, _>` walks a MIB in GetNext order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Oid(pub Vec<u32>);

impl Oid {
    /// An OID with these sub-identifiers.
    pub fn from_slice(sub_ids: &[u32]) -> Oid {
        Oid(sub_ids.to_vec())
    }

    /// The sub-identifiers.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// Whether `prefix` names this OID or one of its ancestors: how a MIB registry finds the table
    /// that owns an instance.
    pub fn starts_with(&self, prefix: &[u32]) -> bool {
        self.0.starts_with(prefix)
    }
}

impl From<Vec<u32>> for Oid {
    fn from(sub_ids: Vec<u32>) -> Oid {
        Oid(sub_ids)
    }
}

impl fmt::Display for Oid {
    /// Dotted decimal without a leading dot, as net-snmp prints with `-On`: `1.3.6.1.2.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sub_ids = self.0.iter();
        if let Some(first) = sub_ids.next() {
            write!(f, "{first}")?;
            for sub_id in sub_ids {
                write!(f, ".{sub_id}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Oid {
    type Err = String;

    /// Parses dotted decimal, with or without a leading dot (net-snmp prints `.1.3.6...`).
    ///
    /// The empty string (or a lone dot) is the empty OID, so that `Display` and `FromStr` round
    /// trip. Signs, blanks, empty arcs (`1..3`, `1.3.`), sub-identifiers over 2^32-1 and more than
    /// [`MAX_SUB_IDS`] arcs are errors.
    fn from_str(text: &str) -> Result<Oid, String> {
        let digits = text.strip_prefix('.').unwrap_or(text);
        if digits.is_empty() {
            return Ok(Oid::default());
        }
        let mut sub_ids = Vec::new();
        for arc in digits.split('.') {
            if arc.is_empty() || !arc.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("`{text}` is not an OID: `{arc}` is not a decimal sub-identifier"));
            }
            let sub_id = arc
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not an OID: sub-identifier {arc} is over 4294967295"))?;
            sub_ids.push(sub_id);
        }
        if sub_ids.len() > MAX_SUB_IDS {
            return Err(format!(
                "`{text}` is not an OID: it has {} sub-identifiers, at most {MAX_SUB_IDS} are allowed",
                sub_ids.len()
            ));
        }
        Ok(Oid(sub_ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        assert_eq!(Oid::from_slice(&[1, 3, 6, 1, 2, 1]).to_string(), "1.3.6.1.2.1");
        assert_eq!(Oid::from_slice(&[0]).to_string(), "0");
        assert_eq!(Oid::default().to_string(), "");
        assert_eq!(Oid::from_slice(&[1, u32::MAX]).to_string(), "1.4294967295");
    }

    #[test]
    fn parse() {
        assert_eq!("1.3.6.1.2.1".parse(), Ok(Oid::from_slice(&[1, 3, 6, 1, 2, 1])));
        assert_eq!(".1.3.6.1.2.1".parse(), Ok(Oid::from_slice(&[1, 3, 6, 1, 2, 1])));
        assert_eq!("2.4294967295".parse(), Ok(Oid::from_slice(&[2, u32::MAX])));
        assert_eq!("".parse(), Ok(Oid::default()));
        assert_eq!(".".parse(), Ok(Oid::default()));
        for bad in ["1..3", "1.3.", "..1", "1.+3", "1.-3", "1. 3", "1.3a", "1.4294967296", "a"] {
            assert!(bad.parse::<Oid>().is_err(), "{bad}");
        }
    }

    #[test]
    fn parse_limits_sub_ids() {
        let longest = vec!["1"; MAX_SUB_IDS].join(".");
        assert_eq!(longest.parse::<Oid>().map(|oid| oid.0.len()), Ok(MAX_SUB_IDS));
        let too_long = vec!["1"; MAX_SUB_IDS + 1].join(".");
        assert!(too_long.parse::<Oid>().is_err());
    }

    #[test]
    fn display_parse_round_trip() {
        for oid in [&[][..], &[0, 0], &[1, 3, 6, 1, 4, 1, 32473, 1], &[2, 999, 3], &[u32::MAX; 4]] {
            let oid = Oid::from_slice(oid);
            assert_eq!(oid.to_string().parse(), Ok(oid));
        }
    }

    #[test]
    fn order_is_snmp_lexicographic() {
        let oids: Vec<Oid> =
            ["1.3", "1.3.0", "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.2", "1.3.6.1.10", "1.4", "2"]
                .iter()
                .map(|text| text.parse().unwrap())
                .collect();
        for pair in oids.windows(2) {
            assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
        }
        // Numeric, not textual: 9 comes before 10.
        assert!(Oid::from_slice(&[1, 3, 9]) < Oid::from_slice(&[1, 3, 10]));
        assert!(Oid::from_slice(&[1, 3, u32::MAX]) > Oid::from_slice(&[1, 3, 0x8000_0000]));
    }

    #[test]
    fn starts_with() {
        let sys_descr = Oid::from_slice(&[1, 3, 6, 1, 2, 1, 1, 1, 0]);
        assert!(sys_descr.starts_with(&[1, 3, 6, 1, 2, 1, 1]));
        assert!(sys_descr.starts_with(sys_descr.as_slice()));
        assert!(sys_descr.starts_with(&[]));
        assert!(!sys_descr.starts_with(&[1, 3, 6, 1, 2, 1, 2]));
        assert!(!sys_descr.starts_with(&[1, 3, 6, 1, 2, 1, 1, 1, 0, 0]));
    }
}
