//! What the Applications screen shows, read from the latest snapshot: RMON2's application layer
//! (alHostTable, alMatrixSDTable) of the data source shown, each protocol named by the
//! directory.
//!
//! alHost and alMatrix count an IP packet under its transport (tcp, udp, icmp) and, where the
//! directory has the port, under its application too (RFC 4502; the README's counting
//! contract). The screen lists the applications; the transports give the total their shares
//! are of, as every IP packet alHost counts is under exactly one of them.

use std::collections::{BTreeMap, HashMap};

use crate::mib::NetAddr;
use crate::mib::rmon2::protocol_dir::ProtocolDirEntry;
use crate::rmon::al_host::AlHostEntry;
use crate::rmon::al_matrix::AlMatrixSdEntry;
use crate::tui::app::App;

/// One application of the distribution: its alHostTable rows summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRow {
    /// The application's protocolDirLocalIndex (alHost's alProtocolDirLocalIndex).
    pub local_index: u32,
    /// protocolDirDescr: `ether2.ip.tcp.www-http`.
    pub descr: String,
    /// The sums of its hosts' alHostOutPkts and alHostOutOctets: a packet counts once under its
    /// source's Out and once under its destination's In, so the Out side counts each once.
    pub pkts: u64,
    pub octets: u64,
}

/// An application's name: protocolDirDescr's last component (`www-http`), as the Protocols
/// screen names it.
pub fn application_name(descr: &str) -> &str {
    descr.rsplit('.').next().unwrap_or(descr)
}

/// What an application runs over: the components between the link layer and its name
/// (`ip.tcp` of `ether2.ip.tcp.www-http`), which tell domain over udp from domain over tcp.
pub fn application_over(descr: &str) -> String {
    let parts: Vec<&str> = descr.split('.').collect();
    parts.get(1..parts.len().saturating_sub(1)).map(|p| p.join(".")).unwrap_or_default()
}

/// An application's transport: the component before its name (`tcp`).
pub fn application_transport(descr: &str) -> &str {
    descr.rsplit('.').nth(1).unwrap_or_default()
}

/// The protocol directory by local index, built once per question.
struct Directory<'a>(HashMap<u32, &'a ProtocolDirEntry>);

impl<'a> Directory<'a> {
    fn of(app: &'a App) -> Directory<'a> {
        let rows = app.snapshot().map(|s| s.tables.protocol_dir.as_slice()).unwrap_or_default();
        Directory(rows.iter().map(|d| (d.protocol_dir_local_index, d)).collect())
    }

    /// protocolDirID's layers (four octets each: ether2, ip, tcp, the port).
    fn layers(&self, local_index: u32) -> Option<usize> {
        self.0.get(&local_index).map(|d| d.protocol_dir_id.len() / 4)
    }

    /// Whether `al` is an application over the network protocol `nl`: two layers or more
    /// below it (ip, then tcp, then the port), where its transport is one. A protocol the
    /// directory does not name is listed, by its index, rather than hidden.
    fn is_application(&self, nl: u32, al: u32) -> bool {
        match (self.layers(nl), self.layers(al)) {
            (Some(network), Some(protocol)) => protocol > network + 1,
            _ => true,
        }
    }

    fn descr(&self, local_index: u32) -> String {
        self.0.get(&local_index).map_or_else(|| format!("protocol {local_index}"), |d| d.protocol_dir_descr.clone())
    }
}

impl App {
    /// alHostTable's rows of the hlHostControl row shown.
    fn al_hosts(&self) -> impl Iterator<Item = &AlHostEntry> {
        let index = self.hl_host_control_index();
        self.snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.al_host)
            .filter(move |h| Some(h.hl_host_control_index) == index)
    }

    /// Whether the address filter (`/`, the IP screens' text) lets `address` through.
    fn address_shown(&self, address: &NetAddr) -> bool {
        self.ip.filter.is_empty() || address.to_string().contains(self.ip.filter.as_str())
    }

    /// Whether an application is shown in the hosts and conversations: every one, or the one
    /// picked.
    fn application_shown(&self, al: u32) -> bool {
        self.applications.picked.is_none_or(|picked| picked == al)
    }

    /// Every protocolDirDescr by local index, for the screen to name many rows with one
    /// directory read.
    pub fn protocol_descrs(&self) -> HashMap<u32, String> {
        let directory = Directory::of(self);
        directory.0.keys().map(|i| (*i, directory.descr(*i))).collect()
    }

    /// The applications seen on the data source shown, busiest (octets) first.
    pub fn application_rows(&self) -> Vec<ApplicationRow> {
        let directory = Directory::of(self);
        let mut sums: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for h in self.al_hosts() {
            if directory.is_application(h.nl_protocol_dir_local_index, h.al_protocol_dir_local_index) {
                let sum = sums.entry(h.al_protocol_dir_local_index).or_default();
                sum.0 += h.al_host_out_pkts;
                sum.1 += h.al_host_out_octets;
            }
        }
        let mut rows: Vec<ApplicationRow> = sums
            .into_iter()
            .map(|(local_index, (pkts, octets))| ApplicationRow {
                local_index,
                descr: directory.descr(local_index),
                pkts,
                octets,
            })
            .collect();
        rows.sort_by(|a, b| b.octets.cmp(&a.octets).then(b.pkts.cmp(&a.pkts)).then(a.descr.cmp(&b.descr)));
        rows
    }

    /// The octets the applications' shares are of: every packet alHost counts, once, under its
    /// transport's Out (where the directory counts no transport in alHost, the applications'
    /// own octets).
    pub fn application_total_octets(&self) -> u64 {
        let directory = Directory::of(self);
        let transports: u64 = self
            .al_hosts()
            .filter(|h| !directory.is_application(h.nl_protocol_dir_local_index, h.al_protocol_dir_local_index))
            .map(|h| h.al_host_out_octets)
            .sum();
        if transports > 0 { transports } else { self.application_rows().iter().map(|a| a.octets).sum() }
    }

    /// Each host's applications (alHostTable), filtered by address (`/`) and to the
    /// application picked: the busiest host first (its applications' octets both ways), and
    /// each host's busiest application first.
    pub fn application_hosts(&self) -> Vec<&AlHostEntry> {
        let directory = Directory::of(self);
        let rows: Vec<&AlHostEntry> = self
            .al_hosts()
            .filter(|h| directory.is_application(h.nl_protocol_dir_local_index, h.al_protocol_dir_local_index))
            .filter(|h| self.application_shown(h.al_protocol_dir_local_index) && self.address_shown(&h.nl_host_address))
            .collect();
        let both = |h: &AlHostEntry| h.al_host_in_octets + h.al_host_out_octets;
        let mut per_host: HashMap<(u32, NetAddr), u64> = HashMap::new();
        for h in &rows {
            *per_host.entry((h.nl_protocol_dir_local_index, h.nl_host_address)).or_default() += both(h);
        }
        let host = |h: &AlHostEntry| per_host.get(&(h.nl_protocol_dir_local_index, h.nl_host_address)).copied();
        let mut rows = rows;
        rows.sort_by(|a, b| {
            host(b)
                .cmp(&host(a))
                .then(a.nl_host_address.cmp(&b.nl_host_address))
                .then(both(b).cmp(&both(a)))
                .then(a.al_protocol_dir_local_index.cmp(&b.al_protocol_dir_local_index))
        });
        rows
    }

    /// The application conversations (alMatrixSDTable) of the hlMatrixControl row shown,
    /// filtered by either address and to the application picked, busiest (octets) first.
    pub fn application_pairs(&self) -> Vec<&AlMatrixSdEntry> {
        let directory = Directory::of(self);
        let index = self.hl_matrix_control_index();
        let mut pairs: Vec<&AlMatrixSdEntry> = self
            .snapshot()
            .into_iter()
            .flat_map(|s| &s.tables.al_matrix_sd)
            .filter(|p| Some(p.hl_matrix_control_index) == index)
            .filter(|p| directory.is_application(p.nl_protocol_dir_local_index, p.al_protocol_dir_local_index))
            .filter(|p| self.application_shown(p.al_protocol_dir_local_index))
            .filter(|p| self.address_shown(&p.source_address) || self.address_shown(&p.dest_address))
            .collect();
        pairs.sort_by(|a, b| {
            b.octets
                .cmp(&a.octets)
                .then(a.source_address.cmp(&b.source_address))
                .then(a.dest_address.cmp(&b.dest_address))
                .then(a.al_protocol_dir_local_index.cmp(&b.al_protocol_dir_local_index))
        });
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_description() {
        let descr = "ether2.ip.udp.domain";
        assert_eq!(application_name(descr), "domain");
        assert_eq!(application_over(descr), "ip.udp");
        assert_eq!(application_transport(descr), "udp");
        // A name without layers (a directory entry a manager wrote so) is its own name.
        assert_eq!(
            (application_name("odd"), application_over("odd").as_str(), application_transport("odd")),
            ("odd", "", "")
        );
    }
}
