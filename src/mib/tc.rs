//! The textual conventions the RMON MIBs share, as typed values: EntryStatus (RFC 2819),
//! OwnerString, a dataSource (`ifIndex.N`) and a MAC address. They sit at the bottom so that
//! the counting (`rmon/`), the classification (`packet`) and the views all speak of the same
//! types.

use std::fmt;

use serde::Serialize;

/// ifIndex of MIB-II's interfaces table: 1.3.6.1.2.1.2.2.1.1.
pub const IF_INDEX_OID: &str = "1.3.6.1.2.1.2.2.1.1";

/// The arcs of [`IF_INDEX_OID`], to read a dataSource a manager SETs.
pub const IF_INDEX_ARCS: [u32; 10] = [1, 3, 6, 1, 2, 1, 2, 2, 1, 1];

/// Owner of rows the probe makes itself (RFC 2819 OwnerString: "a string starting with
/// 'monitor'").
pub const MONITOR_OWNER: &str = "monitor";

/// RMON-1 EntryStatus. The default, invalid, is "no such row": what a row read from an agent
/// that left its status out is taken to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum EntryStatus {
    Valid = 1,
    CreateRequest = 2,
    UnderCreation = 3,
    #[default]
    Invalid = 4,
}

impl EntryStatus {
    /// The SNMP integer value.
    pub fn value(self) -> i64 {
        self as i64
    }

    /// The MIB's name, as the JSON report writes it.
    pub fn name(self) -> &'static str {
        match self {
            EntryStatus::Valid => "valid",
            EntryStatus::CreateRequest => "createRequest",
            EntryStatus::UnderCreation => "underCreation",
            EntryStatus::Invalid => "invalid",
        }
    }

    /// The status an SNMP integer names, if any.
    pub fn from_value(v: i64) -> Option<EntryStatus> {
        match v {
            1 => Some(EntryStatus::Valid),
            2 => Some(EntryStatus::CreateRequest),
            3 => Some(EntryStatus::UnderCreation),
            4 => Some(EntryStatus::Invalid),
            _ => None,
        }
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

crate::mib_enum! {
    /// SMIv2's RowStatus (RFC 2579): the status column of HC-RMON's and RMON2's control tables.
    /// A row reads active(1), notInService(2) or notReady(3); a manager writes active,
    /// notInService, createAndGo(4), createAndWait(5) or destroy(6).
    pub enum RowStatus {
        Active = 1 => "active",
        NotInService = 2 => "notInService",
        NotReady = 3 => "notReady",
        CreateAndGo = 4 => "createAndGo",
        CreateAndWait = 5 => "createAndWait",
        Destroy = 6 => "destroy",
    }
    default NotReady
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
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

/// A 48-bit MAC address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// ff:ff:ff:ff:ff:ff.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// True for ff:ff:ff:ff:ff:ff.
    pub fn is_broadcast(&self) -> bool {
        *self == Self::BROADCAST
    }

    /// True when the group (I/G) bit is set: multicast and broadcast addresses.
    pub fn is_group(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// The address as a number, for cheap hashing and packing into keys.
    pub fn to_u64(self) -> u64 {
        let b = self.0;
        u64::from_be_bytes([0, 0, b[0], b[1], b[2], b[3], b[4], b[5]])
    }
}

impl std::hash::Hash for MacAddr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.to_u64());
    }
}

impl MacAddr {
    /// `aa:bb:cc:dd:ee:ff`, built without the formatting machinery: reports print hundreds of
    /// thousands of addresses.
    pub fn to_text(self) -> [u8; 17] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b':'; 17];
        for (i, b) in self.0.iter().enumerate() {
            out[3 * i] = HEX[usize::from(b >> 4)];
            out[3 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        out
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.to_text();
        f.pad(std::str::from_utf8(&text).unwrap_or_default())
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for MacAddr {
    type Err = String;

    /// Parses `aa:bb:cc:dd:ee:ff` (or with `-`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 6];
        let mut parts = s.split([':', '-']);
        for byte in out.iter_mut() {
            let part = parts.next().ok_or_else(|| format!("{s:?} is not a MAC address"))?;
            *byte = u8::from_str_radix(part, 16).map_err(|_| format!("{s:?} is not a MAC address"))?;
        }
        if parts.next().is_some() {
            return Err(format!("{s:?} is not a MAC address"));
        }
        Ok(MacAddr(out))
    }
}

impl serde::Serialize for MacAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.to_text();
        s.serialize_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// An OCTET STRING column as the JSON report and the configuration write it: hex octets
/// separated by colons (`08:00`), like a MAC address; empty for a zero-length string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Octets(pub Vec<u8>);

impl Octets {
    /// How any octets are written: `Octets::display(&bytes).to_string()`.
    pub fn display(bytes: &[u8]) -> OctetsText<'_> {
        OctetsText(bytes)
    }
}

/// Octets written as [`Octets`] writes them, without owning them.
pub struct OctetsText<'a>(&'a [u8]);

impl fmt::Display for Octets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        OctetsText(&self.0).fmt(f)
    }
}

impl fmt::Display for OctetsText<'_> {
    /// Written into one string first: a capture buffer's report has millions of octets, and a
    /// formatter call per octet was a good part of writing it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = String::with_capacity(self.0.len() * 3);
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                text.push(':');
            }
            text.push(char::from(HEX[usize::from(b >> 4)]));
            text.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        f.write_str(&text)
    }
}

impl std::str::FromStr for Octets {
    type Err = String;

    /// Parses hex octets: `08:00`, `08-00`, `08 00` or `0800` (pairs of digits when unseparated).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a string of hex octets (write them as 08:00 or 0800)");
        let mut out = Vec::new();
        for part in s.split([':', '-', ' ']).filter(|p| !p.is_empty()) {
            if part.len() % 2 != 0 || !part.is_ascii() {
                return Err(bad());
            }
            for pair in part.as_bytes().chunks(2) {
                let text = std::str::from_utf8(pair).map_err(|_| bad())?;
                out.push(u8::from_str_radix(text, 16).map_err(|_| bad())?);
            }
        }
        Ok(Octets(out))
    }
}

impl Serialize for Octets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Octets {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
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
