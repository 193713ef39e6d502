//! MAC vendor names from the IEEE OUI registry: Debian's ieee-data package
//! (`/usr/share/ieee-data/oui.txt`), read at run time when it is there, so that the screens can
//! say "Cisco" beside 00:00:0c:... . Without it, no names: nothing else depends on them.

use std::collections::HashMap;
use std::path::Path;

use crate::packet::MacAddr;

/// Where Debian and Ubuntu keep the registry.
pub const IEEE_OUI: &str = "/usr/share/ieee-data/oui.txt";

/// Organization names by their 24-bit OUI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vendors {
    names: HashMap<[u8; 3], String>,
}

impl Vendors {
    /// The registry at `RMONPROBE_OUI` (a file in oui.txt's format), else Debian's, else none.
    pub fn load() -> Vendors {
        let path = std::env::var_os("RMONPROBE_OUI").map(std::path::PathBuf::from);
        let path = path.as_deref().unwrap_or(Path::new(IEEE_OUI));
        std::fs::read_to_string(path).map(|text| Vendors::parse(&text)).unwrap_or_default()
    }

    /// Reads oui.txt's `00-00-0C   (hex)\t\tCisco Systems, Inc` lines; any other line is skipped.
    pub fn parse(text: &str) -> Vendors {
        let mut names = HashMap::new();
        for line in text.lines() {
            let Some((prefix, name)) = line.split_once("(hex)") else { continue };
            let octets: Vec<u8> = prefix.trim().split('-').filter_map(|o| u8::from_str_radix(o, 16).ok()).collect();
            if let ([a, b, c], name) = (octets.as_slice(), name.trim())
                && !name.is_empty()
            {
                names.insert([*a, *b, *c], name.to_string());
            }
        }
        Vendors { names }
    }

    /// The vendor of an address by its first three octets, the group bit cleared (a multicast
    /// address is its owner's: 01:00:5e:... is IANA's 00-00-5E). Locally administered addresses
    /// are in no registry, so they find none.
    pub fn of(&self, mac: MacAddr) -> Option<&str> {
        self.names.get(&[mac.0[0] & 0xfe, mac.0[1], mac.0[2]]).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "OUI/MA-L            Organization\n\
        company_id          Organization\n\
                            Address\n\
        \n\
        00-00-0C   (hex)\t\tCisco Systems, Inc\n\
        00000C     (base 16)\t\tCisco Systems, Inc\n\
        \t\t\t\t170 WEST TASMAN DRIVE\n\
        \n\
        3C-FD-FE   (hex)\t\tIntel Corporate\n";

    #[test]
    fn names_by_oui() {
        let v = Vendors::parse(SAMPLE);
        assert_eq!(v.of(MacAddr([0x00, 0x00, 0x0c, 1, 2, 3])), Some("Cisco Systems, Inc"));
        assert_eq!(v.of(MacAddr([0x3c, 0xfd, 0xfe, 0, 0, 0])), Some("Intel Corporate"));
        // A multicast address of the same OUI is the vendor's too; a local one is nobody's.
        assert_eq!(v.of(MacAddr([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc])), Some("Cisco Systems, Inc"));
        assert_eq!(v.of(MacAddr([0x02, 0x00, 0x0c, 0, 0, 1])), None, "locally administered");
        assert_eq!(v.of(MacAddr([0x00, 0x11, 0x22, 0, 0, 1])), None);
        assert!(Vendors::parse("garbage\n(hex)\nzz-zz-zz (hex) x").is_empty());
    }

    #[test]
    fn the_debian_registry_is_read_when_installed() {
        // scripts/deps.sh installs ieee-data with the build's packages.
        assert!(Path::new(IEEE_OUI).exists(), "{IEEE_OUI}: install ieee-data (scripts/deps.sh build)");
        let v = Vendors::load();
        assert!(v.names.len() > 10_000, "{} organizations", v.names.len());
        assert!(v.of(MacAddr([0x00, 0x00, 0x0c, 0x07, 0xac, 0x01])).is_some_and(|n| n.starts_with("Cisco")));
    }
}
