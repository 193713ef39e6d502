//! The RMON2 tables as a manager reads them: the control rows with their figures, and the data
//! of the valid ones merged across shards, each table in its MIB index order.
//!
//! A data row whose protocol left the directory, or whose protocol's Host/Matrix/AddressMap
//! config is no longer supportedOn, is not shown (RFC 4502 deletes such entries).

use std::collections::HashMap;

use crate::mib::rmon2::protocol_dir::ProtocolConfig;
use crate::mib::tc::RowStatus;
use crate::mib::{Oid, Timestamp};
use crate::rmon::address_map::{self, AddressMapControlEntry, AddressMapEntry};
use crate::rmon::al_matrix::AlPairKey;
use crate::rmon::al_matrix_top_n::{self, AlMatrixTopNControlEntry};
use crate::rmon::control::EntryStatus;
use crate::rmon::hl_rows::HlRows;
use crate::rmon::nl_host::HlHostControlEntry;
use crate::rmon::nl_matrix::{self, HlMatrixControlEntry};
use crate::rmon::nl_matrix_top_n::{self, NlMatrixTopNControlEntry};
use crate::rmon::probe::{Probe, RmonTables};
use crate::rmon::protocol_dir::{Directory, ProtocolDirRow};
use crate::rmon::protocol_dist::{self, ProtocolDistControlEntry, ProtocolDistStatsEntry};
use crate::rmon::row::rmon2::Rmon2Control;
use crate::rmon::shard::Shard;
use crate::rmon::usr_history::{UsrHistoryControlEntry, UsrHistoryObjectEntry};

/// The RMON2 objects that are not tables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rmon2Scalars {
    /// protocolDirLastChange, TimeTicks.
    pub protocol_dir_last_change: u64,
    pub address_map_inserts: u64,
    pub address_map_deletes: u64,
    /// addressMapMaxDesiredEntries: what the probe grants each addressMapControl row.
    pub address_map_max_desired_entries: i64,
}

/// Which data rows a manager sees, by the protocol directory as it is now: RFC 4502 deletes the
/// entries of a protocol that left the directory or whose config is no longer supportedOn.
pub(super) struct Shown<'a> {
    /// The directory by local index, looked up once per data row (a linear search of the
    /// directory for each of a busy probe's hundred thousand rows would cost more than the rows).
    by_local: HashMap<u32, &'a ProtocolDirRow>,
}

impl<'a> Shown<'a> {
    pub(super) fn new(directory: &'a Directory) -> Shown<'a> {
        Shown { by_local: directory.iter().map(|(_, r)| (r.local_index, r)).collect() }
    }

    /// Whether the directory holds the protocol.
    pub(super) fn known(&self, local: u32) -> bool {
        self.by_local.contains_key(&local)
    }

    /// Whether the protocol is active with `config` supportedOn.
    fn on(&self, local: u32, config: fn(&ProtocolDirRow) -> ProtocolConfig) -> bool {
        self.by_local
            .get(&local)
            .is_some_and(|r| r.status == RowStatus::Active && config(r) == ProtocolConfig::SupportedOn)
    }

    /// Whether the protocol's nlHost/alHost entries are shown (protocolDirHostConfig).
    pub(super) fn host(&self, local: u32) -> bool {
        self.on(local, |r| r.host_config)
    }

    /// Whether the protocol's nlMatrix/alMatrix entries are shown (protocolDirMatrixConfig).
    pub(super) fn matrix(&self, local: u32) -> bool {
        self.on(local, |r| r.matrix_config)
    }
}

/// Puts a table's rows after those already there (moved, not copied, when there are none).
fn append<T>(to: &mut Vec<T>, mut rows: Vec<T>) {
    if to.is_empty() {
        *to = rows;
    } else {
        to.append(&mut rows);
    }
}

/// A control row's RowStatus as a manager reads it.
fn row_status<K>(row: &Rmon2Control<K>) -> RowStatus {
    match row.status {
        EntryStatus::Valid => RowStatus::Active,
        _ if row.data_source.is_unset() => RowStatus::NotReady,
        _ => RowStatus::NotInService,
    }
}

impl Probe {
    /// Fills `t`'s RMON2 tables from the control rows and `shards`.
    /// The RMON2 tables into `t`, with `hl` (from [`Probe::hl_rows`], on the same shards) as
    /// the hl rows' data.
    pub(super) fn rmon2_tables(&self, t: &mut RmonTables, now: Timestamp, shards: &[&Shard], hl: HlRows) {
        let ticks = |at: Timestamp| at.ticks_since(self.start);
        let shards_of = |status: EntryStatus| if status == EntryStatus::Valid { shards } else { &[] };
        let shown = Shown::new(&self.directory);

        t.protocol_dir = self.directory.entries();
        t.scalars.protocol_dir_last_change = ticks(self.directory.last_change);

        for (&index, row) in &self.protocol_dist {
            t.protocol_dist_control.push(ProtocolDistControlEntry {
                protocol_dist_control_index: index,
                protocol_dist_control_data_source: row.data_source,
                protocol_dist_control_dropped_frames: 0,
                protocol_dist_control_create_time: ticks(row.created),
                protocol_dist_control_owner: row.owner.clone(),
                protocol_dist_control_status: row_status(row),
            });
            let counts: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.protocol_dist(index)).collect();
            for (local, pkts, octets) in protocol_dist::merge(&counts) {
                if shown.known(local) {
                    t.protocol_dist_stats.push(ProtocolDistStatsEntry {
                        protocol_dist_stats_pkts: pkts,
                        protocol_dist_stats_octets: octets,
                        protocol_dist_control_index: index,
                        protocol_dir_local_index: local,
                    });
                }
            }
        }

        t.scalars.address_map_max_desired_entries = i64::try_from(self.limits.address_map_size).unwrap_or(i64::MAX);
        for (&index, row) in &self.address_map {
            t.address_map_control.push(AddressMapControlEntry {
                address_map_control_index: index,
                address_map_control_data_source: row.data_source,
                address_map_control_dropped_frames: 0,
                address_map_control_owner: row.owner.clone(),
                address_map_control_status: row_status(row),
            });
            let maps: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.address_map(index)).collect();
            let merged = address_map::merge(&maps);
            let deletes = maps.iter().map(|m| m.deletes).sum::<u64>();
            // An address two shards learned is one insertion: what is held, and what went.
            let inserts = (merged.len() as u64 + deletes).min(maps.iter().map(|m| m.inserts).sum::<u64>());
            t.scalars.address_map_inserts += inserts;
            t.scalars.address_map_deletes += deletes;
            for (key, m) in merged {
                if shown.on(key.local_index, |r| r.address_map_config) {
                    t.address_map.push(AddressMapEntry {
                        address_map_network_address: key.address,
                        address_map_source: Oid(row.data_source.oid()),
                        address_map_physical_address: m.physical,
                        address_map_last_change: ticks(m.changed),
                        protocol_dir_local_index: key.local_index,
                        source: row.data_source,
                    });
                }
            }
        }
        // Index order; two rows on one data source map the same addresses: one entry each.
        t.address_map.sort_by(|a, b| {
            (a.protocol_dir_local_index, a.address_map_network_address, &a.address_map_source.0).cmp(&(
                b.protocol_dir_local_index,
                b.address_map_network_address,
                &b.address_map_source.0,
            ))
        });
        t.address_map.dedup_by(|later, kept| {
            let same = (later.protocol_dir_local_index, later.address_map_network_address, later.source)
                == (kept.protocol_dir_local_index, kept.address_map_network_address, kept.source);
            if same && later.address_map_last_change > kept.address_map_last_change {
                std::mem::swap(later, kept);
            }
            same
        });

        for ((&index, row), rows) in self.hl_host.iter().zip(hl.hosts) {
            t.hl_host_control.push(HlHostControlEntry {
                hl_host_control_index: index,
                hl_host_control_data_source: row.data_source,
                hl_host_control_nl_dropped_frames: 0,
                hl_host_control_nl_inserts: rows.nl_inserts,
                hl_host_control_nl_deletes: rows.nl_deletes,
                hl_host_control_nl_max_desired_entries: row.nl_max_desired,
                hl_host_control_al_dropped_frames: 0,
                hl_host_control_al_inserts: rows.al_inserts,
                hl_host_control_al_deletes: rows.al_deletes,
                hl_host_control_al_max_desired_entries: row.al_max_desired,
                hl_host_control_owner: row.owner.clone(),
                hl_host_control_status: row_status(row),
            });
            append(&mut t.nl_host, rows.nl_host);
            append(&mut t.al_host, rows.al_host);
        }

        for ((&index, row), rows) in self.hl_matrix.iter().zip(hl.matrices) {
            t.hl_matrix_control.push(HlMatrixControlEntry {
                hl_matrix_control_index: index,
                hl_matrix_control_data_source: row.data_source,
                hl_matrix_control_nl_dropped_frames: 0,
                hl_matrix_control_nl_inserts: rows.nl_inserts,
                hl_matrix_control_nl_deletes: rows.nl_deletes,
                hl_matrix_control_nl_max_desired_entries: row.nl_max_desired,
                hl_matrix_control_al_dropped_frames: 0,
                hl_matrix_control_al_inserts: rows.al_inserts,
                hl_matrix_control_al_deletes: rows.al_deletes,
                hl_matrix_control_al_max_desired_entries: row.al_max_desired,
                hl_matrix_control_owner: row.owner.clone(),
                hl_matrix_control_status: row_status(row),
            });
            append(&mut t.nl_matrix_sd, rows.nl_sd);
            append(&mut t.nl_matrix_ds, rows.nl_ds);
            append(&mut t.al_matrix_sd, rows.al_sd);
            append(&mut t.al_matrix_ds, rows.al_ds);
        }

        for (&index, row) in &self.usr_history {
            t.usr_history_control.push(UsrHistoryControlEntry {
                usr_history_control_index: index,
                usr_history_control_objects: row.objects.as_ref().map(|o| o.len() as u16),
                usr_history_control_buckets_requested: row.buckets_requested,
                usr_history_control_buckets_granted: row.buckets_granted,
                usr_history_control_interval: row.interval,
                usr_history_control_owner: row.owner.clone(),
                usr_history_control_status: match row.status {
                    EntryStatus::Valid => RowStatus::Active,
                    _ if row.problem().is_some() => RowStatus::NotReady,
                    _ => RowStatus::NotInService,
                },
            });
            t.usr_history_object.extend(row.objects.iter().flatten().enumerate().map(|(i, o)| UsrHistoryObjectEntry {
                usr_history_object_index: (i + 1) as u16,
                usr_history_object_variable: o.variable.clone().unwrap_or_default(),
                usr_history_object_sample_type: o.sample_type,
                usr_history_control_index: index,
            }));
            t.usr_history.extend(row.entries(index, &ticks));
        }

        for (&index, row) in &self.nl_matrix_top_n {
            let windows: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.nl_matrix_top_n(index)).collect();
            let current = row.current(now);
            t.nl_matrix_top_n_control.push(NlMatrixTopNControlEntry {
                nl_matrix_top_n_control_index: index,
                nl_matrix_top_n_control_matrix_index: row.matrix_index,
                nl_matrix_top_n_control_rate_base: row.rate_base,
                nl_matrix_top_n_control_time_remaining: row.time_remaining(now),
                nl_matrix_top_n_control_generated_reports: current.map_or(0, |(_, ended)| ended),
                nl_matrix_top_n_control_duration: row.duration,
                nl_matrix_top_n_control_requested_size: row.requested_size,
                nl_matrix_top_n_control_granted_size: row.granted_size,
                nl_matrix_top_n_control_start_time: current.map_or(0, |(start, _)| ticks(start)),
                nl_matrix_top_n_control_owner: row.owner.clone(),
                nl_matrix_top_n_control_status: row.row_status(),
            });
            if let Some(rate_base) = row.rate_base {
                // Only the conversations of a protocol whose matrix the directory still keeps
                // compete, so a report holds its granted size whatever was turned off.
                let admit = |k: &nl_matrix::PairKey| shown.matrix(k.local_index);
                t.nl_matrix_top_n.extend(nl_matrix_top_n::merge(index, rate_base, row.granted_size, &windows, admit));
            }
        }

        // Which protocols are terminals is the directory's now, whatever it was when counted.
        let terminals =
            if self.al_matrix_top_n.is_empty() { Default::default() } else { self.directory.matrix_terminals() };
        for (&index, row) in &self.al_matrix_top_n {
            let windows: Vec<_> = shards_of(row.status).iter().filter_map(|s| s.al_matrix_top_n(index)).collect();
            let current = row.current(now);
            t.al_matrix_top_n_control.push(AlMatrixTopNControlEntry {
                al_matrix_top_n_control_index: index,
                al_matrix_top_n_control_matrix_index: row.matrix_index,
                al_matrix_top_n_control_rate_base: row.rate_base,
                al_matrix_top_n_control_time_remaining: row.time_remaining(now),
                al_matrix_top_n_control_generated_reports: current.map_or(0, |(_, ended)| ended),
                al_matrix_top_n_control_duration: row.duration,
                al_matrix_top_n_control_requested_size: row.requested_size,
                al_matrix_top_n_control_granted_size: row.granted_size,
                al_matrix_top_n_control_start_time: current.map_or(0, |(start, _)| ticks(start)),
                al_matrix_top_n_control_owner: row.owner.clone(),
                al_matrix_top_n_control_status: row.row_status(),
            });
            if let Some(rate_base) = row.rate_base {
                // alMatrix's own rule (entries of a protocol no longer counted go), then the
                // rate base's: the terminals alone, or every entry.
                let ranked = |k: &AlPairKey| {
                    shown.matrix(k.al_local_index)
                        && shown.known(k.nl_local_index)
                        && (!rate_base.terminals() || terminals.contains(&k.al_local_index))
                };
                t.al_matrix_top_n.extend(al_matrix_top_n::merge(index, rate_base, row.granted_size, &windows, ranked));
            }
        }
    }
}
