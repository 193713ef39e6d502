//! A network-layer address as RMON2 indexes its tables by it (nlHostAddress,
//! nlMatrixSDSourceAddress, addressMapNetworkAddress): the address octets of the protocol that
//! protocolDirLocalIndex names, four for IPv4, sixteen for IPv6.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// An IPv4 or IPv6 address, kept inline so that it is a cheap key of the probe's tables.
/// Ordered as its index sub-identifiers are: by length, then octet by octet.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct NetAddr {
    len: u8,
    octets: [u8; 16],
}

impl NetAddr {
    pub fn v4(octets: [u8; 4]) -> NetAddr {
        let mut all = [0u8; 16];
        all[..4].copy_from_slice(&octets);
        NetAddr { len: 4, octets: all }
    }

    pub fn v6(octets: [u8; 16]) -> NetAddr {
        NetAddr { len: 16, octets }
    }

    /// Any address of at most 16 octets (what an agent served); None beyond.
    pub fn from_octets(octets: &[u8]) -> Option<NetAddr> {
        let mut all = [0u8; 16];
        all.get_mut(..octets.len())?.copy_from_slice(octets);
        Some(NetAddr { len: octets.len() as u8, octets: all })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.octets[..usize::from(self.len).min(16)]
    }

    pub fn is_v6(&self) -> bool {
        self.len == 16
    }
}

impl fmt::Display for NetAddr {
    /// IPv4 dotted, IPv6 as RFC 5952 writes it; anything else as hex octets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.len {
            4 => {
                let [a, b, c, d, ..] = self.octets;
                f.pad(&Ipv4Addr::new(a, b, c, d).to_string())
            }
            16 => f.pad(&Ipv6Addr::from(self.octets).to_string()),
            _ => f.pad(&crate::mib::tc::Octets::display(self.as_bytes()).to_string()),
        }
    }
}

impl fmt::Debug for NetAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for NetAddr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(v4) = s.parse::<Ipv4Addr>() {
            return Ok(NetAddr::v4(v4.octets()));
        }
        s.parse::<Ipv6Addr>().map(|v6| NetAddr::v6(v6.octets())).map_err(|_| format!("{s:?} is not an IP address"))
    }
}

impl serde::Serialize for NetAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        assert_eq!(NetAddr::v4([10, 77, 0, 1]).to_string(), "10.77.0.1");
        let v6: NetAddr = "fe80:0:0:0:0:0:0:1".parse().unwrap();
        assert_eq!(v6.to_string(), "fe80::1", "RFC 5952: the longest run of zeros compressed");
        assert_eq!("2001:db8::1:0:0:1".parse::<NetAddr>().unwrap().to_string(), "2001:db8::1:0:0:1");
        assert_eq!(NetAddr::from_octets(&[1, 2]).unwrap().to_string(), "01:02");
        assert!(NetAddr::from_octets(&[0; 17]).is_none());
    }

    #[test]
    fn ordered_as_the_index_is() {
        let a = NetAddr::v4([10, 0, 0, 2]);
        let b = NetAddr::v4([10, 0, 0, 10]);
        let c = NetAddr::v6([0; 16]);
        assert!(a < b && b < c, "length first, then octets");
    }
}
