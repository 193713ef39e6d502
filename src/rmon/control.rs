//! The pieces every RMON-1 control row shares: EntryStatus, OwnerString and the data source.
//!
//! One model of a control row serves the config file, SNMP SET and the TUI alike (DESIGN.md,
//! rule 4). The state machine of EntryStatus (RFC 2819 textual convention) lives here.

use std::fmt;

use serde::Serialize;

/// ifIndex of MIB-II's interfaces table: 1.3.6.1.2.1.2.2.1.1.
pub const IF_INDEX_OID: &str = "1.3.6.1.2.1.2.2.1.1";

/// The arcs of [`IF_INDEX_OID`], to read a dataSource a manager SETs.
pub const IF_INDEX_ARCS: [u32; 10] = [1, 3, 6, 1, 2, 1, 2, 2, 1, 1];

/// Owner of rows the probe makes itself (RFC 2819 OwnerString: "a string starting with
/// 'monitor'").
pub const MONITOR_OWNER: &str = "monitor";

/// RMON-1 EntryStatus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EntryStatus {
    Valid = 1,
    CreateRequest = 2,
    UnderCreation = 3,
    Invalid = 4,
}

impl EntryStatus {
    /// The SNMP integer value.
    pub fn value(self) -> i64 {
        self as i64
    }

    /// Whether a manager may move a row from `self` (None: the row does not exist) to `to`.
    ///
    /// createRequest only creates; a created row sits in underCreation until made valid; a valid
    /// row may go back to underCreation to be changed; invalid deletes from any state.
    pub fn may_become(from: Option<EntryStatus>, to: EntryStatus) -> bool {
        use EntryStatus::*;
        matches!(
            (from, to),
            (None, CreateRequest)
                | (Some(UnderCreation | Valid), Valid)
                | (Some(UnderCreation | Valid), UnderCreation)
                | (Some(_), Invalid)
        )
    }
}

/// OwnerString: who made a row (0..127 octets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(transparent)]
pub struct Owner(pub String);

impl Owner {
    /// Longest OwnerString (RFC 2819: SIZE (0..127)).
    pub const MAX_LEN: usize = 127;

    /// The owner of rows the probe made itself.
    pub fn monitor() -> Owner {
        Owner(MONITOR_OWNER.to_string())
    }

    /// An owner from user input, refused when longer than the MIB allows.
    pub fn new(s: &str) -> Result<Owner, String> {
        if s.len() > Self::MAX_LEN {
            return Err(format!("owner {s:?} is {} octets; the MIB allows at most {}", s.len(), Self::MAX_LEN));
        }
        Ok(Owner(s.to_string()))
    }
}

/// A data source: the interface a control row watches, named by its ifIndex. Reads as the OID
/// `ifIndex.N` (1.3.6.1.2.1.2.2.1.1.N), as RFC 2819 dataSource columns do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DataSource(pub u32);

impl DataSource {
    /// No data source yet: the dataSource of a row a manager created and has not yet given one
    /// (the MIB has no default for it). ifIndex 0 names no interface, so no shard ever counts
    /// for it, and it reads as zeroDotZero (`0.0`), the SMI's OID for "no object", which an
    /// agent may serve as it is. A row cannot become valid with it.
    pub const UNSET: DataSource = DataSource(0);

    /// The ifIndex (0 for [`DataSource::UNSET`]).
    pub fn if_index(self) -> u32 {
        self.0
    }

    pub fn is_unset(self) -> bool {
        self == Self::UNSET
    }

    /// The data source an OID names, if it is `ifIndex.N` with N >= 1.
    pub fn from_oid(arcs: &[u32]) -> Option<DataSource> {
        match arcs.strip_prefix(&IF_INDEX_ARCS[..]) {
            Some(&[n]) if n >= 1 => Some(DataSource(n)),
            _ => None,
        }
    }

    /// The OID a manager reads: `ifIndex.N`, or `0.0` when unset.
    pub fn oid(self) -> Vec<u32> {
        if self.is_unset() {
            return vec![0, 0];
        }
        let mut arcs = IF_INDEX_ARCS.to_vec();
        arcs.push(self.0);
        arcs
    }
}

impl fmt::Display for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_unset() {
            return f.write_str("0.0");
        }
        write!(f, "{IF_INDEX_OID}.{}", self.0)
    }
}

impl Serialize for DataSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for DataSource {
    type Err = String;

    /// Accepts `ifIndex.N`, the OID `1.3.6.1.2.1.2.2.1.1.N` or a bare `N`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tail = s
            .strip_prefix("ifIndex.")
            .or_else(|| s.strip_prefix(IF_INDEX_OID).and_then(|t| t.strip_prefix('.')))
            .or_else(|| {
                s.strip_prefix(".").and_then(|t| t.strip_prefix(IF_INDEX_OID)).and_then(|t| t.strip_prefix('.'))
            })
            .unwrap_or(s);
        match tail.parse::<u32>() {
            Ok(n) if n >= 1 => Ok(DataSource(n)),
            _ => Err(format!("data source {s:?} must be an ifIndex: N, ifIndex.N or {IF_INDEX_OID}.N with N >= 1")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntryStatus::*;

    #[test]
    fn entry_status_transitions() {
        assert!(EntryStatus::may_become(None, CreateRequest));
        assert!(!EntryStatus::may_become(None, Valid));
        assert!(!EntryStatus::may_become(None, UnderCreation));
        assert!(!EntryStatus::may_become(None, Invalid));
        assert!(!EntryStatus::may_become(Some(Valid), CreateRequest));
        assert!(EntryStatus::may_become(Some(UnderCreation), Valid));
        assert!(EntryStatus::may_become(Some(Valid), UnderCreation));
        assert!(EntryStatus::may_become(Some(Valid), Invalid));
        assert!(EntryStatus::may_become(Some(UnderCreation), Invalid));
    }

    #[test]
    fn data_source_forms() {
        let want = DataSource(3);
        for s in ["3", "ifIndex.3", "1.3.6.1.2.1.2.2.1.1.3", ".1.3.6.1.2.1.2.2.1.1.3"] {
            assert_eq!(s.parse::<DataSource>(), Ok(want), "{s}");
        }
        assert!("0".parse::<DataSource>().is_err());
        assert!("1.3.6.1.2.1.2.2.1.2.3".parse::<DataSource>().is_err());
        assert_eq!(want.to_string(), "1.3.6.1.2.1.2.2.1.1.3");
        assert_eq!(serde_json::to_string(&want).unwrap(), "\"1.3.6.1.2.1.2.2.1.1.3\"");
        assert_eq!(serde_json::to_string(&Valid).unwrap(), "\"valid\"");
    }

    #[test]
    fn data_source_oids() {
        let oid = [1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7];
        assert_eq!(DataSource::from_oid(&oid), Some(DataSource(7)));
        assert_eq!(DataSource(7).oid(), oid.to_vec());
        assert_eq!(DataSource::from_oid(&oid[..10]), None);
        assert_eq!(DataSource::from_oid(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 0]), None);
        assert_eq!(DataSource::from_oid(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 7]), None);
        assert_eq!(DataSource::from_oid(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7, 1]), None);
        assert_eq!(DataSource::UNSET.to_string(), "0.0");
        assert_eq!(DataSource::UNSET.oid(), vec![0, 0]);
        assert_eq!(serde_json::to_string(&DataSource::UNSET).unwrap(), "\"0.0\"");
    }

    #[test]
    fn owner_length_limit() {
        assert!(Owner::new(&"x".repeat(127)).is_ok());
        assert!(Owner::new(&"x".repeat(128)).is_err());
    }
}
