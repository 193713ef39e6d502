//! The protocol directory (RFC 4502 protocolDirTable, identifiers as RFC 2895 encodes them):
//! which protocols the probe counts, each with the local index the other RMON2 tables name it
//! by, and whether its hosts, conversations and address mappings are kept.
//!
//! The control plane owns the [`Directory`]; the shards count through a [`DirectoryMap`], the
//! same directory compiled to the lookups a frame needs (its EtherType, IP protocol and ports),
//! sent to them whenever the directory changes.

use std::collections::{BTreeMap, HashSet};

use crate::mib::rmon2::protocol_dir::{ProtocolConfig, ProtocolDirEntry, protocol_type};
use crate::mib::tc::{Owner, RowStatus};
use crate::mib::{NetAddr, Timestamp};
use crate::packet::network::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, IpVersion, Layers, Link};

/// protocolDirID's layer identifiers for the link layer (RFC 2895 section 5).
const LINK_ETHER2: u32 = 1;
const LINK_LLC: u32 = 2;

/// Most protocols of one frame's stack the directory can name (ether2, ip, tcp, a port).
pub const MAX_STACK: usize = 4;

/// One protocol of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolDirRow {
    pub local_index: u32,
    pub descr: String,
    /// protocolDirType's bits ([`protocol_type`]).
    pub type_bits: u8,
    pub address_map_config: ProtocolConfig,
    pub host_config: ProtocolConfig,
    pub matrix_config: ProtocolConfig,
    pub owner: Owner,
    pub status: RowStatus,
}

/// (protocolDirID, protocolDirParameters): a protocol's identity, and its index.
pub type ProtocolKey = (Vec<u8>, Vec<u8>);

/// The protocol directory: the built-in protocols and those a manager added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directory {
    rows: BTreeMap<ProtocolKey, ProtocolDirRow>,
    next_local_index: u32,
    /// protocolDirLastChange: when a protocol was last added, removed or changed.
    pub last_change: Timestamp,
}

/// A protocolDirTable row as a configuration (`[[protocol]]`) or the `--state` file asks for it:
/// a protocol to add, active from the start, under one the directory has; or, for one it has
/// (a built-in), the columns to change. Columns left None keep what the directory gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtocolRequest {
    pub id: Vec<u8>,
    pub parameters: Vec<u8>,
    pub descr: Option<String>,
    pub address_map_config: Option<ProtocolConfig>,
    pub host_config: Option<ProtocolConfig>,
    pub matrix_config: Option<ProtocolConfig>,
    pub owner: Option<Owner>,
}

impl ProtocolRequest {
    /// The protocol's name for messages: its descr if given, else its layers.
    pub fn name(&self) -> String {
        match (&self.descr, layers_of(&self.id)) {
            (Some(descr), _) => descr.clone(),
            (None, Some(layers)) => layers.iter().map(u32::to_string).collect::<Vec<_>>().join("."),
            (None, None) => "protocol".into(),
        }
    }
}

/// Whether the application-layer tables count a protocol added at `layers`: one above the
/// network layer (a transport, or a port of one) under ether2.ip or ether2.ipv6.
pub fn above_ip(layers: &[u32]) -> bool {
    matches!(layers, [LINK_ETHER2, 0x0800 | 0x86dd, _, ..])
}

/// `now`, where it differs from what the built-in directory has (`then`).
fn changed<T: PartialEq>(now: T, then: Option<T>) -> Option<T> {
    (then.as_ref() != Some(&now)).then_some(now)
}

/// The identifier of a protocol stack given one number per layer: four octets each.
pub fn protocol_id(layers: &[u32]) -> Vec<u8> {
    layers.iter().flat_map(|l| l.to_be_bytes()).collect()
}

/// The layers of an identifier (None: not a whole number of four-octet layers).
pub fn layers_of(id: &[u8]) -> Option<Vec<u32>> {
    if id.is_empty() || !id.len().is_multiple_of(4) {
        return None;
    }
    Some(id.chunks(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// The built-in protocols below the applications: name (RFC 2896), layers, whether a manager
/// may add children, whether the probe knows its addresses (then nlHost, nlMatrix and
/// addressMap are on), and whether the application-layer tables count it (alHost, alMatrix:
/// the transports, which every IP packet counts under).
const BUILT_IN: &[(&str, &[u32], bool, bool, bool)] = &[
    ("ether2", &[LINK_ETHER2], true, false, false),
    ("llc", &[LINK_LLC], false, false, false),
    ("ether2.ip", &[LINK_ETHER2, 0x0800], true, true, false),
    ("ether2.ipv6", &[LINK_ETHER2, 0x86dd], true, true, false),
    ("ether2.arp", &[LINK_ETHER2, 0x0806], false, false, false),
    ("ether2.ip.icmp", &[LINK_ETHER2, 0x0800, 1], false, false, true),
    ("ether2.ip.tcp", &[LINK_ETHER2, 0x0800, 6], true, false, true),
    ("ether2.ip.udp", &[LINK_ETHER2, 0x0800, 17], true, false, true),
    ("ether2.ipv6.icmpv6", &[LINK_ETHER2, 0x86dd, 58], false, false, true),
    ("ether2.ipv6.tcp", &[LINK_ETHER2, 0x86dd, 6], true, false, true),
    ("ether2.ipv6.udp", &[LINK_ETHER2, 0x86dd, 17], true, false, true),
];

/// IP protocol numbers of the transports the applications run over.
const TCP: u32 = 6;
const UDP: u32 = 17;

/// The built-in applications: the well-known IANA services with their RFC 2896 names, each
/// over the transports it uses, under both ip and ipv6 (local indexes after [`BUILT_IN`], ip
/// first, in this order).
pub const APPLICATIONS: &[(&str, u16, &[u32])] = &[
    ("ftp-data", 20, &[TCP]),
    ("ftp", 21, &[TCP]),
    ("ssh", 22, &[TCP]),
    ("telnet", 23, &[TCP]),
    ("smtp", 25, &[TCP]),
    ("domain", 53, &[TCP, UDP]),
    ("bootps", 67, &[UDP]),
    ("bootpc", 68, &[UDP]),
    ("tftp", 69, &[UDP]),
    ("www-http", 80, &[TCP]),
    ("pop3", 110, &[TCP]),
    ("ntp", 123, &[UDP]),
    ("imap", 143, &[TCP]),
    ("snmp", 161, &[UDP]),
    ("snmptrap", 162, &[UDP]),
    ("ldap", 389, &[TCP]),
    ("https", 443, &[TCP]),
    ("syslog", 514, &[UDP]),
    ("submission", 587, &[TCP]),
    ("imaps", 993, &[TCP]),
    ("pop3s", 995, &[TCP]),
    ("mysql", 3306, &[TCP]),
    ("ms-wbt-server", 3389, &[TCP]),
    ("postgresql", 5432, &[TCP]),
    ("http-alt", 8080, &[TCP]),
];

impl Default for Directory {
    fn default() -> Self {
        Directory::built_in()
    }
}

impl Directory {
    /// The built-in directory, local indexes 1.. in the order above, made by the probe
    /// (owner "monitor").
    pub fn built_in() -> Directory {
        let mut d = Directory { rows: BTreeMap::new(), next_local_index: 1, last_change: Timestamp(0) };
        let row = |name: String, type_bits: u8, address_map: bool, hosts: bool| {
            let config = |on: bool| if on { ProtocolConfig::SupportedOn } else { ProtocolConfig::NotSupported };
            ProtocolDirRow {
                local_index: 0,
                descr: name,
                type_bits,
                address_map_config: config(address_map),
                host_config: config(hosts),
                matrix_config: config(hosts),
                owner: Owner::monitor(),
                status: RowStatus::Active,
            }
        };
        for (name, layers, extensible, addresses, application) in BUILT_IN {
            let mut type_bits = 0;
            if *extensible {
                type_bits |= protocol_type::EXTENSIBLE;
            }
            if *addresses {
                type_bits |= protocol_type::ADDRESS_RECOGNITION_CAPABLE;
            }
            let row = row((*name).to_string(), type_bits, *addresses, *addresses || *application);
            d.insert(protocol_id(layers), vec![0; layers.len()], row);
        }
        for (network, ether_type) in [("ip", 0x0800), ("ipv6", 0x86dd)] {
            for (name, port, transports) in APPLICATIONS {
                for transport in *transports {
                    let via = if *transport == TCP { "tcp" } else { "udp" };
                    let layers = [LINK_ETHER2, ether_type, *transport, u32::from(*port)];
                    let row = row(format!("ether2.{network}.{via}.{name}"), 0, false, true);
                    d.insert(protocol_id(&layers), vec![0; layers.len()], row);
                }
            }
        }
        d
    }

    /// The identifier of the protocol named `descr` (its protocolDirDescr), if the directory
    /// has it.
    pub fn id_of(&self, descr: &str) -> Option<&ProtocolKey> {
        self.rows.iter().find(|(_, r)| r.descr == descr).map(|(k, _)| k)
    }

    /// What makes this directory from the built-in one, as rows a configuration would give:
    /// every protocol a manager added, and every built-in one whose descr, configs or owner
    /// changed. (A built-in protocol a manager removed is not among them: it comes back.)
    pub fn requests(&self) -> Vec<ProtocolRequest> {
        let built_in = Directory::built_in();
        let mut rows: Vec<_> = self.rows.iter().filter(|(_, r)| r.status == RowStatus::Active).collect();
        // Added protocols in the order they were added, so their local indexes come back.
        rows.sort_by_key(|(_, r)| r.local_index);
        rows.into_iter()
            .filter_map(|((id, parameters), r)| {
                let was = built_in.get(&(id.clone(), parameters.clone()));
                let request = ProtocolRequest {
                    id: id.clone(),
                    parameters: parameters.clone(),
                    descr: changed(&r.descr, was.map(|w| &w.descr)).cloned(),
                    address_map_config: changed(r.address_map_config, was.map(|w| w.address_map_config)),
                    host_config: changed(r.host_config, was.map(|w| w.host_config)),
                    matrix_config: changed(r.matrix_config, was.map(|w| w.matrix_config)),
                    owner: changed(&r.owner, was.map(|w| &w.owner)).cloned(),
                };
                let unchanged =
                    ProtocolRequest { id: id.clone(), parameters: parameters.clone(), ..Default::default() };
                (was.is_none() || request != unchanged).then_some(request)
            })
            .collect()
    }

    /// Adds a protocol with the next local index; it keeps `row`'s other columns.
    pub fn insert(&mut self, id: Vec<u8>, parameters: Vec<u8>, mut row: ProtocolDirRow) -> u32 {
        let local = self.next_local_index;
        row.local_index = local;
        self.next_local_index += 1;
        self.rows.insert((id, parameters), row);
        local
    }

    pub fn get(&self, key: &ProtocolKey) -> Option<&ProtocolDirRow> {
        self.rows.get(key)
    }

    pub fn get_mut(&mut self, key: &ProtocolKey) -> Option<&mut ProtocolDirRow> {
        self.rows.get_mut(key)
    }

    pub fn remove(&mut self, key: &ProtocolKey) -> Option<ProtocolDirRow> {
        self.rows.remove(key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ProtocolKey, &ProtocolDirRow)> {
        self.rows.iter()
    }

    /// The protocol of a local index, if any.
    pub fn by_local_index(&self, local: u32) -> Option<(&ProtocolKey, &ProtocolDirRow)> {
        self.rows.iter().find(|(_, r)| r.local_index == local)
    }

    /// protocolDirTable as a manager reads it, in index order: each OCTET STRING index is
    /// length-prefixed, so shorter identifiers come first.
    pub fn entries(&self) -> Vec<ProtocolDirEntry> {
        let mut rows: Vec<_> = self.rows.iter().collect();
        rows.sort_by(|((a, p), _), ((b, q), _)| (a.len(), a, p.len(), p).cmp(&(b.len(), b, q.len(), q)));
        rows.into_iter()
            .map(|((id, parameters), r)| ProtocolDirEntry {
                protocol_dir_id: id.clone(),
                protocol_dir_parameters: parameters.clone(),
                protocol_dir_local_index: r.local_index,
                protocol_dir_descr: r.descr.clone(),
                protocol_dir_type: vec![r.type_bits],
                protocol_dir_address_map_config: r.address_map_config,
                protocol_dir_host_config: r.host_config,
                protocol_dir_matrix_config: r.matrix_config,
                protocol_dir_owner: r.owner.clone(),
                protocol_dir_status: r.status,
            })
            .collect()
    }

    /// The local indexes of the terminal protocols of alMatrix (RFC 4502,
    /// alMatrixTopNControlRateBase): those it counts (active, protocolDirMatrixConfig
    /// supportedOn) with no child protocol that it counts too. With the built-in directory these
    /// are the applications and icmp/icmpv6; ether2.ip.tcp is not, while any application under
    /// it is counted. A child is a protocol whose identifier extends the parent's by whole
    /// layers.
    pub fn matrix_terminals(&self) -> HashSet<u32> {
        let counted = || {
            self.rows
                .iter()
                .filter(|(_, r)| r.status == RowStatus::Active && r.matrix_config == ProtocolConfig::SupportedOn)
        };
        let parents: HashSet<&[u8]> =
            counted().flat_map(|((id, _), _)| (4..id.len()).step_by(4).map(move |end| &id[..end])).collect();
        counted().filter(|((id, _), _)| !parents.contains(id.as_slice())).map(|(_, r)| r.local_index).collect()
    }

    /// The directory as the shards count by it: only active protocols.
    pub fn compile(&self) -> DirectoryMap {
        let mut map = DirectoryMap::default();
        for ((id, _), row) in self.rows.iter().filter(|(_, r)| r.status == RowStatus::Active) {
            let Some(layers) = layers_of(id) else { continue };
            let local = row.local_index;
            match layers.as_slice() {
                [LINK_ETHER2] => map.ether2 = Some(local),
                [LINK_LLC] => map.llc = Some(local),
                [LINK_ETHER2, ether_type] => {
                    if let Ok(ether_type) = u16::try_from(*ether_type) {
                        map.ether_types.push((ether_type, local));
                        let on = |c: ProtocolConfig| c == ProtocolConfig::SupportedOn;
                        let network = NetworkProtocol {
                            local_index: local,
                            host: on(row.host_config),
                            matrix: on(row.matrix_config),
                            address_map: on(row.address_map_config),
                        };
                        match ether_type {
                            ETHERTYPE_IPV4 => map.ipv4 = Some(network),
                            ETHERTYPE_IPV6 => map.ipv6 = Some(network),
                            _ => {}
                        }
                    }
                }
                [LINK_ETHER2, net @ (0x0800 | 0x86dd), protocol] => {
                    if let Ok(protocol) = u8::try_from(*protocol) {
                        map.transports.push((version_of(*net), protocol, AppProtocol::of(row)));
                    }
                }
                [LINK_ETHER2, net @ (0x0800 | 0x86dd), protocol, port] => {
                    if let (Ok(protocol), Ok(port)) = (u8::try_from(*protocol), u16::try_from(*port)) {
                        map.ports.push(((version_of(*net), protocol, port), AppProtocol::of(row)));
                    }
                }
                _ => {}
            }
        }
        map.ether_types.sort_unstable();
        map.transports.sort_unstable_by_key(|(v, p, _)| (*v, *p));
        map.ports.sort_unstable_by_key(|(k, _)| *k);
        map
    }
}

fn version_of(ether_type: u32) -> u8 {
    if ether_type == u32::from(ETHERTYPE_IPV6) { 6 } else { 4 }
}

/// A network-layer protocol of the directory, and which of its tables are on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetworkProtocol {
    pub local_index: u32,
    /// protocolDirHostConfig is supportedOn: nlHost counts it.
    pub host: bool,
    /// protocolDirMatrixConfig is supportedOn: nlMatrix counts it.
    pub matrix: bool,
    /// protocolDirAddressMapConfig is supportedOn: addressMap learns it.
    pub address_map: bool,
}

/// A protocol above the network layer (a transport or an application), and whether the
/// application-layer tables count it: alHost by its protocolDirHostConfig, alMatrix by its
/// protocolDirMatrixConfig.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppProtocol {
    pub local_index: u32,
    pub host: bool,
    pub matrix: bool,
}

impl AppProtocol {
    fn of(row: &ProtocolDirRow) -> AppProtocol {
        AppProtocol {
            local_index: row.local_index,
            host: row.host_config == ProtocolConfig::SupportedOn,
            matrix: row.matrix_config == ProtocolConfig::SupportedOn,
        }
    }
}

/// The directory compiled for counting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryMap {
    ether2: Option<u32>,
    llc: Option<u32>,
    /// (EtherType, local index), sorted.
    ether_types: Vec<(u16, u32)>,
    ipv4: Option<NetworkProtocol>,
    ipv6: Option<NetworkProtocol>,
    /// (IP version 4 or 6, protocol, the transport), sorted.
    transports: Vec<(u8, u8, AppProtocol)>,
    /// ((IP version, protocol, port), the application), sorted.
    ports: Vec<((u8, u8, u16), AppProtocol)>,
}

/// What a frame is to RMON2: the directory's protocols in its stack, and its network layer
/// where the directory knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Classified {
    /// Local indexes of the protocols of the stack, outermost first.
    pub protocols: [u32; MAX_STACK],
    pub depth: usize,
    pub network: Option<(NetworkProtocol, NetAddr, NetAddr)>,
    /// The protocols above the network layer: the transport, then the application.
    pub applications: [AppProtocol; 2],
    pub application_depth: usize,
}

impl Classified {
    pub fn protocols(&self) -> &[u32] {
        &self.protocols[..self.depth]
    }

    /// The transport and the application the application-layer tables count the frame under.
    pub fn applications(&self) -> &[AppProtocol] {
        &self.applications[..self.application_depth]
    }

    fn push_application(&mut self, protocol: Option<AppProtocol>) -> bool {
        match protocol {
            Some(p) if self.push(Some(p.local_index)) => {
                self.applications[self.application_depth] = p;
                self.application_depth += 1;
                true
            }
            _ => false,
        }
    }

    fn push(&mut self, local: Option<u32>) -> bool {
        match local {
            Some(local) if self.depth < MAX_STACK => {
                self.protocols[self.depth] = local;
                self.depth += 1;
                true
            }
            _ => false,
        }
    }
}

impl DirectoryMap {
    /// The protocols of a frame's stack the directory holds, each layer only under the one
    /// above it: a port counts under its transport, the destination port's protocol first,
    /// else the source port's.
    pub fn classify(&self, layers: &Layers) -> Classified {
        let mut c = Classified::default();
        let ether_type = match layers.link {
            Link::Llc => {
                c.push(self.llc);
                return c;
            }
            Link::Ether2(t) => t,
        };
        if !c.push(self.ether2) {
            return c;
        }
        let found = self.ether_types.binary_search_by_key(&ether_type, |(t, _)| *t).ok();
        if !c.push(found.map(|at| self.ether_types[at].1)) {
            return c;
        }
        let Some(n) = layers.network else { return c };
        let (version, network) = match n.version {
            IpVersion::V4 => (4, self.ipv4),
            IpVersion::V6 => (6, self.ipv6),
        };
        let Some(network) = network else { return c };
        c.network = Some((network, n.source, n.dest));
        let transport = self.transports.iter().find(|(v, p, _)| *v == version && *p == n.protocol).map(|t| t.2);
        if !c.push_application(transport) {
            return c;
        }
        if let Some((source_port, dest_port)) = n.ports
            && !self.ports.is_empty()
        {
            let port = |p: u16| {
                self.ports.binary_search_by_key(&(version, n.protocol, p), |(k, _)| *k).ok().map(|at| self.ports[at].1)
            };
            c.push_application(port(dest_port).or_else(|| port(source_port)));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::network::Network;

    fn ip_layers(version: IpVersion, protocol: u8, ports: Option<(u16, u16)>) -> Layers {
        let (ether_type, a, b) = match version {
            IpVersion::V4 => (0x0800, NetAddr::v4([10, 0, 0, 1]), NetAddr::v4([10, 0, 0, 2])),
            IpVersion::V6 => (0x86dd, NetAddr::v6([1; 16]), NetAddr::v6([2; 16])),
        };
        Layers {
            link: Link::Ether2(ether_type),
            network: Some(Network { version, source: a, dest: b, protocol, ports, tcp: None }),
        }
    }

    #[test]
    fn built_in_identifiers_and_local_indexes() {
        let d = Directory::built_in();
        let ip = d.get(&(vec![0, 0, 0, 1, 0, 0, 8, 0], vec![0, 0])).unwrap();
        assert_eq!((ip.local_index, ip.descr.as_str()), (3, "ether2.ip"));
        let v6 = d.get(&(vec![0, 0, 0, 1, 0, 0, 0x86, 0xdd], vec![0, 0])).unwrap();
        assert_eq!(v6.host_config, ProtocolConfig::SupportedOn);
        let tcp = d.iter().find(|(_, r)| r.descr == "ether2.ip.tcp").map(|(_, r)| r.local_index);
        assert_eq!(tcp, Some(7));
        let applications: usize = APPLICATIONS.iter().map(|(_, _, t)| t.len()).sum();
        assert_eq!(d.entries().len(), BUILT_IN.len() + 2 * applications);
        let http = d.iter().find(|(_, r)| r.descr == "ether2.ip.tcp.www-http").unwrap();
        assert_eq!(http.0.0, protocol_id(&[1, 0x0800, 6, 80]));
        assert_eq!(http.1.host_config, ProtocolConfig::SupportedOn);
        assert!(d.iter().any(|(_, r)| r.descr == "ether2.ipv6.udp.domain"));
    }

    #[test]
    fn a_frame_counts_under_each_protocol_of_its_stack() {
        let d = Directory::built_in();
        let map = d.compile();
        let tcp = map.classify(&ip_layers(IpVersion::V4, 6, Some((40000, 5))));
        assert_eq!(tcp.protocols(), &[1, 3, 7]);
        let http = map.classify(&ip_layers(IpVersion::V4, 6, Some((40000, 80))));
        let www = d.iter().find(|(_, r)| r.descr == "ether2.ip.tcp.www-http").unwrap().1.local_index;
        assert_eq!(http.protocols(), &[1, 3, 7, www]);
        let apps: Vec<u32> = http.applications().iter().map(|a| a.local_index).collect();
        assert_eq!(apps, vec![7, www], "the transport, then the application");
        // The destination port's application first, else the source port's.
        let reply = map.classify(&ip_layers(IpVersion::V4, 6, Some((80, 40000))));
        assert_eq!(reply.protocols(), &[1, 3, 7, www]);
        assert!(tcp.network.is_some_and(|(n, _, _)| n.local_index == 3 && n.host));
        let icmp6 = map.classify(&ip_layers(IpVersion::V6, 58, None));
        assert_eq!(icmp6.protocols(), &[1, 4, 9]);
        // A protocol the directory lacks ends the stack (GRE under ip).
        assert_eq!(map.classify(&ip_layers(IpVersion::V4, 47, None)).protocols(), &[1, 3]);
        assert_eq!(map.classify(&Layers { link: Link::Llc, network: None }).protocols(), &[2]);
        assert_eq!(map.classify(&Layers { link: Link::Ether2(0x88cc), network: None }).protocols(), &[1]);
        assert_eq!(map.classify(&Layers { link: Link::Ether2(0x0806), network: None }).protocols(), &[1, 5]);
    }

    #[test]
    fn an_added_port_counts_by_destination_then_source() {
        let mut d = Directory::built_in();
        let row = d.get(&(protocol_id(&[1, 0x0800, 6]), vec![0, 0, 0])).unwrap().clone();
        let local = d.insert(protocol_id(&[1, 0x0800, 6, 8443]), vec![0; 4], row);
        assert_eq!(local, 64, "after the 11 built-in protocols and the 52 applications");
        let map = d.compile();
        assert_eq!(map.classify(&ip_layers(IpVersion::V4, 6, Some((40000, 8443)))).protocols(), &[1, 3, 7, 64]);
        assert_eq!(map.classify(&ip_layers(IpVersion::V4, 6, Some((8443, 40000)))).protocols(), &[1, 3, 7, 64]);
        assert_eq!(map.classify(&ip_layers(IpVersion::V4, 6, Some((1, 2)))).protocols(), &[1, 3, 7]);
        // Not under IPv6's tcp.
        assert_eq!(map.classify(&ip_layers(IpVersion::V6, 6, Some((1, 8443)))).protocols(), &[1, 4, 10]);
    }

    #[test]
    fn terminals_are_the_counted_protocols_without_counted_children() {
        let mut d = Directory::built_in();
        let mut terminals: Vec<u32> = d.matrix_terminals().into_iter().collect();
        terminals.sort_unstable();
        let want: Vec<u32> = [6, 9].into_iter().chain(12..=63).collect();
        assert_eq!(terminals, want, "icmp, icmpv6 and the applications; not the transports above them");
        // ipv6's udp applications off (or not active): ether2.ipv6.udp becomes a terminal.
        let udp6 = d.iter().find(|(_, r)| r.descr == "ether2.ipv6.udp").unwrap().1.local_index;
        let under: Vec<ProtocolKey> =
            d.iter().filter(|(_, r)| r.descr.starts_with("ether2.ipv6.udp.")).map(|(k, _)| k.clone()).collect();
        for (i, key) in under.iter().enumerate() {
            let row = d.get_mut(key).unwrap();
            if i == 0 {
                row.status = RowStatus::NotInService;
            } else {
                row.matrix_config = ProtocolConfig::SupportedOff;
            }
        }
        let terminals = d.matrix_terminals();
        assert!(terminals.contains(&udp6) && !terminals.contains(&10));
        assert!(under.iter().all(|k| !terminals.contains(&d.get(k).unwrap().local_index)), "not counted: not ranked");
        // A port a manager adds under icmp makes icmp a parent.
        let row = d.get(&(protocol_id(&[1, 0x0800, 1]), vec![0; 3])).unwrap().clone();
        let local = d.insert(protocol_id(&[1, 0x0800, 1, 8]), vec![0; 4], row);
        let terminals = d.matrix_terminals();
        assert!(terminals.contains(&local) && !terminals.contains(&6));
    }

    #[test]
    fn host_config_off_leaves_the_network_out_of_the_host_tables() {
        let mut d = Directory::built_in();
        let key = (protocol_id(&[1, 0x0800]), vec![0, 0]);
        d.get_mut(&key).unwrap().host_config = ProtocolConfig::SupportedOff;
        let c = d.compile().classify(&ip_layers(IpVersion::V4, 17, None));
        assert!(c.network.is_some_and(|(n, _, _)| !n.host && n.matrix));
    }
}
