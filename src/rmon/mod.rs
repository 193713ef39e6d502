//! The RMON-MIB core (RFC 2819), pure: no I/O, no threads, no system clock (ARCHITECTURE.md, "Rules").
//!
//! It takes classified frames with their timestamps and answers reads. The data plane is the
//! [`Shard`] (one per worker); the control plane is the [`Probe`], which owns the control tables
//! and merges shards into [`RmonTables`]. One file per RMON-1 group:
//!
//! | group      | file            | tables                                           |
//! |------------|-----------------|--------------------------------------------------|
//! | statistics | `statistics.rs` | etherStatsTable                                  |
//! | history    | `history.rs`    | historyControlTable, etherHistoryTable           |
//! | hosts      | `hosts.rs`      | hostControlTable, hostTable, hostTimeTable       |
//! | hostTopN   | `topn.rs`       | hostTopNControlTable, hostTopNTable              |
//! | matrix     | `matrix.rs`     | matrixControlTable, matrixSDTable, matrixDSTable |
//! | filter     | `filter.rs`     | filterTable, channelTable                        |
//! | alarm      | `alarm.rs`      | alarmTable                                       |
//! | event      | `event.rs`      | eventTable, logTable                             |
//!
//! RMON2 (RFC 4502), the network layer: `protocol_dir.rs` (protocolDirTable, and the
//! directory compiled for counting), `protocol_dist.rs`, `address_map.rs`, `nl_host.rs`,
//! `nl_matrix.rs`; their control rows are in `row.rs` like RMON-1's.
//!
//! The alarm and event groups live in the control plane only: an alarm samples any object the
//! agent serves, which only merged reads can give ([`Probe::run_alarms`]). RMON2's user history
//! (`usr_history.rs`) samples through the same port.
//!
//! What a manager may do to the control rows (the EntryStatus life cycle, SET's checks) is in
//! `edit.rs`; what each change means for each kind of row, and the commands it sends the shards,
//! in `row.rs`.

pub mod address_map;
pub mod al_host;
pub mod al_matrix;
pub mod al_matrix_top_n;
pub mod alarm;
pub mod capture;
pub mod control;
pub mod edit;
pub mod event;
pub mod filter;
pub mod history;
mod hl_rows;
pub mod hosts;
pub mod matrix;
pub mod matrix_top_n;
pub mod media_independent;
pub mod nl_host;
pub mod nl_matrix;
pub mod nl_matrix_top_n;
pub mod probe;
pub mod protocol_dir;
pub mod protocol_dist;
mod rmon2_read;
mod row;
pub mod shard;
pub mod snapshot;
pub mod statistics;
pub mod table;
pub mod tables;
pub mod tcp_latency;
pub use crate::mib::time;
pub mod topn;
pub mod usr_history;

pub use alarm::{AlarmConfig, Sample, SampleType, StartupAlarm};
pub use edit::{
    ControlTable, ControlValue, DirectoryEdit, EditError, ObjectEdit, ProbeEdit, RejectedEdit, RowEdit,
    UNDER_CREATION_TIMEOUT,
};
pub use event::{EventType, TrapCause, TrapRequest};
pub use probe::{AlarmRun, DataSourceInfo, Limits, Probe, RmonTables, RowError, RowRequest};
pub use shard::{Group, Shard, ShardCommand, ShardParts};
pub use snapshot::{Interface, Snapshot};
pub use time::Timestamp;
