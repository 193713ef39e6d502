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
        match self.text() {
            Some(text) => f.pad(text.as_str()),
            None => f.pad(&crate::mib::tc::Octets::display(self.as_bytes()).to_string()),
        }
    }
}

/// The text of an IPv4 or IPv6 address, made on the stack: a report writes one or two for every
/// row of the RMON2 tables (hundreds of thousands on a busy link), and the standard library's
/// formatting machinery costs more than the rest of the row.
pub struct AddrText {
    buf: [u8; 40],
    len: usize,
}

impl AddrText {
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, dots, hex digits and colons are ever written.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The text's bytes (ASCII), for a writer that wants no `str`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len.min(self.buf.len())]
    }

    fn push(&mut self, byte: u8) {
        if let Some(b) = self.buf.get_mut(self.len) {
            *b = byte;
            self.len += 1;
        }
    }

    /// An IPv4 address dotted.
    fn push_v4(&mut self, octets: &[u8]) {
        for (i, &octet) in octets.iter().enumerate() {
            if i > 0 {
                self.push(b'.');
            }
            if octet >= 100 {
                self.push(b'0' + octet / 100);
            }
            if octet >= 10 {
                self.push(b'0' + octet / 10 % 10);
            }
            self.push(b'0' + octet % 10);
        }
    }

    /// One IPv6 group in lower-case hex without leading zeros.
    fn push_group(&mut self, group: u16) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let digit = (group >> shift) & 0xf;
            if digit != 0 || started || shift == 0 {
                self.push(HEX[usize::from(digit)]);
                started = true;
            }
        }
    }

    /// An IPv6 address as RFC 5952 and the standard library write it: the longest run of two
    /// or more zero groups (the first of equal runs) as `::`, and an IPv4-mapped address as
    /// `::ffff:a.b.c.d`. Written here rather than through `Display`: a report writes hundreds
    /// of thousands of them, and the formatting machinery made this its costliest part.
    fn push_v6(&mut self, octets: &[u8; 16]) {
        let groups: [u16; 8] = std::array::from_fn(|i| u16::from_be_bytes([octets[2 * i], octets[2 * i + 1]]));
        if groups[..5] == [0; 5] && groups[5] == 0xffff {
            self.buf[..7].copy_from_slice(b"::ffff:");
            self.len = 7;
            self.push_v4(&octets[12..]);
            return;
        }
        // The longest run of zero groups, the first of equal ones.
        let (mut best_at, mut best_len, mut run_at, mut run_len) = (0, 0, 0, 0);
        for (i, &g) in groups.iter().enumerate() {
            if g == 0 {
                if run_len == 0 {
                    run_at = i;
                }
                run_len += 1;
                if run_len > best_len {
                    (best_at, best_len) = (run_at, run_len);
                }
            } else {
                run_len = 0;
            }
        }
        let push_all = |text: &mut AddrText, groups: &[u16]| {
            for (i, &g) in groups.iter().enumerate() {
                if i > 0 {
                    text.push(b':');
                }
                text.push_group(g);
            }
        };
        if best_len > 1 {
            push_all(self, &groups[..best_at]);
            self.push(b':');
            self.push(b':');
            push_all(self, &groups[best_at + best_len..]);
        } else {
            push_all(self, &groups);
        }
    }
}

impl fmt::Write for AddrText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The text of an address given as its octets (as an index or a report holds it): IPv4 dotted,
/// IPv6 as RFC 5952 writes it; None for other lengths.
pub fn addr_text(octets: &[u8]) -> Option<AddrText> {
    let mut text = AddrText { buf: [0; 40], len: 0 };
    if let Ok(v6) = <&[u8; 16]>::try_from(octets) {
        text.push_v6(v6);
    } else if octets.len() == 4 {
        text.push_v4(octets);
    } else {
        return None;
    }
    Some(text)
}

impl NetAddr {
    /// The address's text (as `Display` writes it) for an IPv4 or IPv6 address; None for
    /// other lengths.
    pub fn text(&self) -> Option<AddrText> {
        addr_text(self.as_bytes())
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
        assert_eq!(format!("[{:>12}]", NetAddr::v4([1, 2, 3, 4])), "[     1.2.3.4]", "padding honoured");
        let longest: NetAddr = "1111:2222:3333:4444:5555:6666:7777:8888".parse().unwrap();
        assert_eq!(longest.to_string(), "1111:2222:3333:4444:5555:6666:7777:8888");
    }

    /// Every IPv4 octet value, against the standard library's text.
    #[test]
    fn ipv4_text_matches_std() {
        for v in 0..=255u8 {
            let octets = [v, 255 - v, v / 3, 0];
            assert_eq!(NetAddr::v4(octets).to_string(), Ipv4Addr::from(octets).to_string());
        }
    }

    /// IPv6 text against the standard library's, over addresses with many zero groups (runs of
    /// every length and place, ties) and the IPv4-mapped and -compatible forms.
    #[test]
    fn ipv6_text_matches_std() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let r = next();
            // Each group zero with probability 1/2, else a value of 1 to 4 hex digits.
            let groups: [u16; 8] = std::array::from_fn(|i| {
                let bits = (r >> (i * 8)) as u16;
                if bits & 1 == 0 { 0 } else { (bits >> 1) & [0xf, 0xff, 0xfff, 0x7fff][usize::from(bits >> 6 & 3)] }
            });
            let addr = Ipv6Addr::from(groups);
            assert_eq!(NetAddr::v6(addr.octets()).to_string(), addr.to_string(), "{groups:x?}");
            checked += 1;
        }
        for text in
            ["::", "::1", "1::", "::ffff:1.2.3.4", "::ffff:0.0.0.0", "::1.2.3.4", "::ffff:0:1", "1:0:0:1:0:0:1:0"]
        {
            let addr: Ipv6Addr = text.parse().unwrap();
            assert_eq!(NetAddr::v6(addr.octets()).to_string(), addr.to_string(), "{text}");
        }
        assert_eq!(checked, 200_000);
        assert_eq!(addr_text(&[1, 2, 3]).map(|t| t.as_str().to_string()), None);
        assert_eq!(addr_text(&[10, 0, 0, 1]).unwrap().as_bytes(), b"10.0.0.1");
    }

    #[test]
    fn ordered_as_the_index_is() {
        let a = NetAddr::v4([10, 0, 0, 2]);
        let b = NetAddr::v4([10, 0, 0, 10]);
        let c = NetAddr::v6([0; 16]);
        assert!(a < b && b < c, "length first, then octets");
    }
}
