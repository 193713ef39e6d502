//! The data of the hlHostControl and hlMatrixControl rows (nlHost, alHost, nlMatrixSD/DS,
//! alMatrixSD/DS) merged across shards and put in index order: the heaviest part of reading the
//! tables (a busy probe's conversations are hundreds of thousands of rows, each sorted twice).
//!
//! It is worked out on every core, while the RMON-1 tables are read (see `Probe::tables`): each
//! control row's network and application layers side by side, each its own merge, conversion
//! and DS sort. `rmon2_read` then puts the rows in place with their control entries.

use rayon::prelude::*;

use crate::mib::Timestamp;
use crate::rmon::al_host::{self, AlHostEntry, AlHostTable};
use crate::rmon::al_matrix::{self, AlMatrixDsEntry, AlMatrixSdEntry, AlMatrixTable};
use crate::rmon::control::EntryStatus;
use crate::rmon::nl_host::{self, NlHostEntry, NlHostTable};
use crate::rmon::nl_matrix::{self, NlMatrixDsEntry, NlMatrixSdEntry, NlMatrixTable};
use crate::rmon::probe::Probe;
use crate::rmon::rmon2_read::Shown;
use crate::rmon::shard::Shard;
use crate::rmon::table::sort_rows_by_key;

/// One hlHostControl row's data: nlHostTable's and alHostTable's entries, in index order, and
/// the row's insert and delete counts.
#[derive(Debug)]
pub(super) struct HlHostRows {
    pub nl_inserts: u64,
    pub nl_deletes: u64,
    pub al_inserts: u64,
    pub al_deletes: u64,
    pub nl_host: Vec<NlHostEntry>,
    pub al_host: Vec<AlHostEntry>,
}

/// One hlMatrixControl row's data: both directions of nlMatrix and alMatrix, each in its own
/// index order, and the row's insert and delete counts.
#[derive(Debug)]
pub(super) struct HlMatrixRows {
    pub nl_inserts: u64,
    pub nl_deletes: u64,
    pub al_inserts: u64,
    pub al_deletes: u64,
    pub nl_sd: Vec<NlMatrixSdEntry>,
    pub nl_ds: Vec<NlMatrixDsEntry>,
    pub al_sd: Vec<AlMatrixSdEntry>,
    pub al_ds: Vec<AlMatrixDsEntry>,
}

/// Every hlHostControl and hlMatrixControl row's data, in control index order.
#[derive(Debug)]
pub(super) struct HlRows {
    pub hosts: Vec<HlHostRows>,
    pub matrices: Vec<HlMatrixRows>,
}

impl Probe {
    /// The hl rows' data at the end of `shards` (a row that is not valid has none).
    pub(super) fn hl_rows(&self, shards: &[&Shard]) -> HlRows {
        let shown = Shown::new(&self.directory);
        let ticks = |at: Timestamp| at.ticks_since(self.start);
        let shards_of = |status: EntryStatus| if status == EntryStatus::Valid { shards } else { &[] };
        let (hosts, matrices) = rayon::join(
            || {
                self.hl_host
                    .par_iter()
                    .map(|(&index, row)| {
                        let tables: Vec<_> =
                            shards_of(row.status).iter().filter_map(|s| s.nl_host_table(index)).collect();
                        host_rows(index, &tables, &shown, &ticks)
                    })
                    .collect()
            },
            || {
                self.hl_matrix
                    .par_iter()
                    .map(|(&index, row)| {
                        let tables: Vec<_> =
                            shards_of(row.status).iter().filter_map(|s| s.nl_matrix_table(index)).collect();
                        matrix_rows(index, &tables, &shown, &ticks)
                    })
                    .collect()
            },
        );
        HlRows { hosts, matrices }
    }
}

/// hlHostControlIndex `index`'s data from its shards' tables.
fn host_rows(
    index: u16,
    tables: &[&NlHostTable],
    shown: &Shown<'_>,
    ticks: &(impl Fn(Timestamp) -> u64 + Sync),
) -> HlHostRows {
    let al_tables: Vec<&AlHostTable> = tables.iter().map(|t| &t.al).collect();
    let ((nl_host, nl_inserts, nl_deletes), (al_host, al_inserts, al_deletes)) = rayon::join(
        || {
            let merged = nl_host::merge(tables);
            let rows = shown_rows(
                merged.hosts,
                |key| shown.host(key.local_index),
                |key, h| NlHostEntry {
                    nl_host_address: key.address,
                    nl_host_in_pkts: h.in_pkts,
                    nl_host_out_pkts: h.out_pkts,
                    nl_host_in_octets: h.in_octets,
                    nl_host_out_octets: h.out_octets,
                    nl_host_out_mac_non_unicast_pkts: h.out_mac_non_unicast_pkts,
                    nl_host_create_time: ticks(h.created),
                    hl_host_control_index: index,
                    protocol_dir_local_index: key.local_index,
                    last_change: ticks(h.changed),
                },
            );
            (rows, merged.inserts, merged.deletes)
        },
        || {
            let merged = al_host::merge(&al_tables);
            // RFC 4502: the entries of a protocol no longer counted are deleted.
            let rows = shown_rows(
                merged.hosts,
                |key| shown.host(key.al_local_index) && shown.known(key.nl_local_index),
                |key, h| AlHostEntry {
                    al_host_in_pkts: h.in_pkts,
                    al_host_out_pkts: h.out_pkts,
                    al_host_in_octets: h.in_octets,
                    al_host_out_octets: h.out_octets,
                    al_host_create_time: ticks(h.created),
                    hl_host_control_index: index,
                    nl_protocol_dir_local_index: key.nl_local_index,
                    nl_host_address: key.address,
                    al_protocol_dir_local_index: key.al_local_index,
                    last_change: ticks(h.changed),
                },
            );
            (rows, merged.inserts, merged.deletes)
        },
    );
    HlHostRows { nl_inserts, nl_deletes, al_inserts, al_deletes, nl_host, al_host }
}

/// hlMatrixControlIndex `index`'s data from its shards' tables: SD in its index order, DS a
/// copy sorted into its own.
fn matrix_rows(
    index: u16,
    tables: &[&NlMatrixTable],
    shown: &Shown<'_>,
    ticks: &(impl Fn(Timestamp) -> u64 + Sync),
) -> HlMatrixRows {
    let al_tables: Vec<&AlMatrixTable> = tables.iter().map(|t| &t.al).collect();
    let ((nl_sd, nl_ds, nl_inserts, nl_deletes), (al_sd, al_ds, al_inserts, al_deletes)) = rayon::join(
        || {
            let merged = nl_matrix::merge(tables);
            let sd = shown_rows(
                merged.pairs,
                |key| shown.matrix(key.local_index),
                |key, p| NlMatrixSdEntry {
                    source_address: key.source,
                    dest_address: key.dest,
                    pkts: p.pkts,
                    octets: p.octets,
                    create_time: ticks(p.created),
                    hl_matrix_control_index: index,
                    protocol_dir_local_index: key.local_index,
                    last_change: ticks(p.changed),
                },
            );
            let mut ds: Vec<NlMatrixDsEntry> = sd.iter().map(NlMatrixDsEntry::from).collect();
            sort_rows_by_key(&mut ds, |e| (e.protocol_dir_local_index, e.dest_address, e.source_address));
            (sd, ds, merged.inserts, merged.deletes)
        },
        || {
            let merged = al_matrix::merge(&al_tables);
            let sd = shown_rows(
                merged.pairs,
                |key| shown.matrix(key.al_local_index) && shown.known(key.nl_local_index),
                |key, p| AlMatrixSdEntry {
                    pkts: p.pkts,
                    octets: p.octets,
                    create_time: ticks(p.created),
                    hl_matrix_control_index: index,
                    nl_protocol_dir_local_index: key.nl_local_index,
                    source_address: key.source,
                    dest_address: key.dest,
                    al_protocol_dir_local_index: key.al_local_index,
                    last_change: ticks(p.changed),
                },
            );
            let mut ds: Vec<AlMatrixDsEntry> = sd.iter().map(AlMatrixDsEntry::from).collect();
            sort_rows_by_key(&mut ds, |e| {
                (e.nl_protocol_dir_local_index, e.dest_address, e.source_address, e.al_protocol_dir_local_index)
            });
            (sd, ds, merged.inserts, merged.deletes)
        },
    );
    HlMatrixRows { nl_inserts, nl_deletes, al_inserts, al_deletes, nl_sd, nl_ds, al_sd, al_ds }
}

/// The merged entries a manager sees (`shown`), as `entry` makes their rows, in one allocation.
fn shown_rows<K, V, E>(merged: Vec<(K, V)>, shown: impl Fn(&K) -> bool, entry: impl Fn(K, V) -> E) -> Vec<E> {
    let mut rows = Vec::with_capacity(merged.len());
    rows.extend(merged.into_iter().filter(|(key, _)| shown(key)).map(|(key, value)| entry(key, value)));
    rows
}
