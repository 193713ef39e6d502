//! RMON-MIB rows read over SNMP, back into the probe's own row types: a walk of a table gives
//! `(OID, value)` pairs, which are grouped by row index and read column by column.
//!
//! Indexes are taken from the OIDs rather than the index columns, which some agents do not
//! serve. A column an agent leaves out reads as zero (or empty); a row whose index does not
//! parse is skipped. Counters are what the agent serves: Counter32, wrapped as the MIB says.

use std::collections::BTreeMap;

use crate::packet::MacAddr;
use crate::rmon::alarm::AlarmEntry;
use crate::rmon::capture::{BufferControlEntry, CaptureBufferEntry, FullAction, FullStatus};
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::event::{EventEntry, LogEntry};
use crate::rmon::filter::{AcceptType, ChannelEntry, ChannelEventStatus, DataControl, FilterEntry, Octets};
use crate::rmon::history::{EtherHistoryEntry, HistoryControlEntry};
use crate::rmon::hosts::{HostControlEntry, HostEntry};
use crate::rmon::matrix::{MatrixControlEntry, MatrixSdEntry};
use crate::rmon::statistics::EtherStatsEntry;
use crate::rmon::topn::{HostTopNControlEntry, HostTopNEntry, RateBase};
use crate::rmon::{EventType, SampleType, StartupAlarm};
use crate::snmp::oid::Oid;
use crate::snmp::value::Value;

/// `1.3.6.1.2.1.16.group.table.1`: where a table's rows are, for a walk.
pub const fn entry_oid(group: u32, table: u32) -> [u32; 10] {
    [1, 3, 6, 1, 2, 1, 16, group, table, 1]
}

/// One row of a walked table: its index and its columns.
pub struct Row<'a> {
    pub index: &'a [u32],
    columns: &'a BTreeMap<u32, Value>,
}

/// A walked table: rows by index, in index order.
#[derive(Default)]
pub struct Rows(BTreeMap<Vec<u32>, BTreeMap<u32, Value>>);

impl Rows {
    /// Groups the bindings of a walk under `entry` (column, then index); others are ignored.
    pub fn from_walk(entry: &[u32], bindings: &[(Vec<u32>, Value)]) -> Rows {
        let mut rows: BTreeMap<Vec<u32>, BTreeMap<u32, Value>> = BTreeMap::new();
        for (oid, value) in bindings {
            let Some(rest) = oid.strip_prefix(entry) else { continue };
            let Some((&column, index)) = rest.split_first() else { continue };
            if matches!(value, Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView) {
                continue;
            }
            rows.entry(index.to_vec()).or_default().insert(column, value.clone());
        }
        Rows(rows)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.0.iter().map(|(index, columns)| Row { index, columns })
    }

    /// Each row read by `read`, skipping those it refuses.
    pub fn read<T>(&self, read: impl Fn(&Row<'_>) -> Option<T>) -> Vec<T> {
        self.rows().filter_map(|r| read(&r)).collect()
    }
}

impl Row<'_> {
    fn value(&self, column: u32) -> Option<&Value> {
        self.columns.get(&column)
    }

    /// Any numeric column as an unsigned number (negative integers read as 0).
    pub fn u64(&self, column: u32) -> u64 {
        match self.value(column) {
            Some(Value::Integer(i)) => u64::try_from(*i).unwrap_or(0),
            Some(Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v)) => u64::from(*v),
            Some(Value::Counter64(v)) => *v,
            _ => 0,
        }
    }

    pub fn u32(&self, column: u32) -> u32 {
        u32::try_from(self.u64(column)).unwrap_or(u32::MAX)
    }

    pub fn i32(&self, column: u32) -> i32 {
        match self.value(column) {
            Some(Value::Integer(i)) => *i,
            _ => i32::try_from(self.u64(column)).unwrap_or(i32::MAX),
        }
    }

    pub fn u16(&self, column: u32) -> u16 {
        u16::try_from(self.u64(column)).unwrap_or(0)
    }

    pub fn octets(&self, column: u32) -> Vec<u8> {
        match self.value(column) {
            Some(Value::OctetString(s)) => s.clone(),
            _ => Vec::new(),
        }
    }

    pub fn string(&self, column: u32) -> String {
        String::from_utf8_lossy(&self.octets(column)).into_owned()
    }

    pub fn owner(&self, column: u32) -> Owner {
        Owner(self.string(column))
    }

    pub fn mac(&self, column: u32) -> MacAddr {
        mac(&self.octets(column)).unwrap_or_default()
    }

    pub fn oid(&self, column: u32) -> Oid {
        match self.value(column) {
            Some(Value::ObjectId(oid)) => oid.clone(),
            _ => Oid(vec![0, 0]),
        }
    }

    /// A dataSource column (`ifIndex.N`).
    pub fn data_source(&self, column: u32) -> DataSource {
        DataSource::from_oid(&self.oid(column).0).unwrap_or(DataSource::UNSET)
    }

    pub fn status(&self, column: u32) -> EntryStatus {
        match self.i32(column) {
            1 => EntryStatus::Valid,
            2 => EntryStatus::CreateRequest,
            3 => EntryStatus::UnderCreation,
            _ => EntryStatus::Invalid,
        }
    }

    /// The first index sub-identifier as a control index (1..65535).
    pub fn control_index(&self) -> Option<u16> {
        self.index.first().and_then(|&i| u16::try_from(i).ok())
    }
}

fn mac(octets: &[u8]) -> Option<MacAddr> {
    <[u8; 6]>::try_from(octets).ok().map(MacAddr)
}

/// A length-prefixed MAC address in an index; the rest of the index after it.
fn index_mac(index: &[u32]) -> Option<(MacAddr, &[u32])> {
    let (&len, rest) = index.split_first()?;
    if len != 6 || rest.len() < 6 {
        return None;
    }
    let mut m = [0u8; 6];
    for (b, &arc) in m.iter_mut().zip(rest) {
        *b = u8::try_from(arc).ok()?;
    }
    Some((MacAddr(m), &rest[6..]))
}

pub fn ether_stats(rows: &Rows) -> Vec<EtherStatsEntry> {
    rows.read(|r| {
        Some(EtherStatsEntry {
            ether_stats_index: r.control_index()?,
            ether_stats_data_source: r.data_source(2),
            ether_stats_drop_events: r.u64(3),
            ether_stats_octets: r.u64(4),
            ether_stats_pkts: r.u64(5),
            ether_stats_broadcast_pkts: r.u64(6),
            ether_stats_multicast_pkts: r.u64(7),
            ether_stats_crc_align_errors: r.u64(8),
            ether_stats_undersize_pkts: r.u64(9),
            ether_stats_oversize_pkts: r.u64(10),
            ether_stats_fragments: r.u64(11),
            ether_stats_jabbers: r.u64(12),
            ether_stats_collisions: r.u64(13),
            ether_stats_pkts_64_octets: r.u64(14),
            ether_stats_pkts_65_to_127_octets: r.u64(15),
            ether_stats_pkts_128_to_255_octets: r.u64(16),
            ether_stats_pkts_256_to_511_octets: r.u64(17),
            ether_stats_pkts_512_to_1023_octets: r.u64(18),
            ether_stats_pkts_1024_to_1518_octets: r.u64(19),
            ether_stats_owner: r.owner(20),
            ether_stats_status: r.status(21),
        })
    })
}

pub fn history_control(rows: &Rows) -> Vec<HistoryControlEntry> {
    rows.read(|r| {
        Some(HistoryControlEntry {
            history_control_index: r.control_index()?,
            history_control_data_source: r.data_source(2),
            history_control_buckets_requested: r.u16(3),
            history_control_buckets_granted: r.u16(4),
            history_control_interval: r.u32(5),
            history_control_owner: r.owner(6),
            history_control_status: r.status(7),
        })
    })
}

pub fn ether_history(rows: &Rows) -> Vec<EtherHistoryEntry> {
    rows.read(|r| {
        let &[index, sample] = r.index else { return None };
        Some(EtherHistoryEntry {
            ether_history_index: u16::try_from(index).ok()?,
            ether_history_sample_index: u64::from(sample),
            ether_history_interval_start: r.u64(3),
            ether_history_drop_events: r.u64(4),
            ether_history_octets: r.u64(5),
            ether_history_pkts: r.u64(6),
            ether_history_broadcast_pkts: r.u64(7),
            ether_history_multicast_pkts: r.u64(8),
            ether_history_crc_align_errors: r.u64(9),
            ether_history_undersize_pkts: r.u64(10),
            ether_history_oversize_pkts: r.u64(11),
            ether_history_fragments: r.u64(12),
            ether_history_jabbers: r.u64(13),
            ether_history_collisions: r.u64(14),
            ether_history_utilization: r.u32(15),
        })
    })
}

pub fn host_control(rows: &Rows) -> Vec<HostControlEntry> {
    rows.read(|r| {
        Some(HostControlEntry {
            host_control_index: r.control_index()?,
            host_control_data_source: r.data_source(2),
            host_control_table_size: r.u64(3),
            host_control_last_delete_time: r.u64(4),
            host_control_owner: r.owner(5),
            host_control_status: r.status(6),
        })
    })
}

/// hostTable: INDEX { hostIndex, hostAddress }.
pub fn hosts(rows: &Rows) -> Vec<HostEntry> {
    rows.read(|r| {
        let (&index, rest) = r.index.split_first()?;
        let (address, _) = index_mac(rest)?;
        Some(HostEntry {
            host_address: address,
            host_creation_order: r.u32(2),
            host_index: u16::try_from(index).ok()?,
            host_in_pkts: r.u64(4),
            host_out_pkts: r.u64(5),
            host_in_octets: r.u64(6),
            host_out_octets: r.u64(7),
            host_out_errors: r.u64(8),
            host_out_broadcast_pkts: r.u64(9),
            host_out_multicast_pkts: r.u64(10),
        })
    })
}

pub fn host_top_n_control(rows: &Rows) -> Vec<HostTopNControlEntry> {
    rows.read(|r| {
        Some(HostTopNControlEntry {
            host_top_n_control_index: r.control_index()?,
            host_top_n_host_index: Some(r.u16(2)).filter(|&i| i != 0),
            host_top_n_rate_base: RateBase::from_value(i64::from(r.i32(3))),
            host_top_n_time_remaining: r.u32(4),
            host_top_n_duration: r.u32(5),
            host_top_n_requested_size: r.u32(6),
            host_top_n_granted_size: r.u32(7),
            host_top_n_start_time: r.u64(8),
            host_top_n_owner: r.owner(9),
            host_top_n_status: r.status(10),
        })
    })
}

/// hostTopNTable: INDEX { hostTopNReport, hostTopNIndex }.
pub fn host_top_n(rows: &Rows) -> Vec<HostTopNEntry> {
    rows.read(|r| {
        let &[report, index] = r.index else { return None };
        Some(HostTopNEntry {
            host_top_n_report: u16::try_from(report).ok()?,
            host_top_n_index: index,
            host_top_n_address: r.mac(3),
            host_top_n_rate: r.u64(4),
        })
    })
}

pub fn matrix_control(rows: &Rows) -> Vec<MatrixControlEntry> {
    rows.read(|r| {
        Some(MatrixControlEntry {
            matrix_control_index: r.control_index()?,
            matrix_control_data_source: r.data_source(2),
            matrix_control_table_size: r.u64(3),
            matrix_control_last_delete_time: r.u64(4),
            matrix_control_owner: r.owner(5),
            matrix_control_status: r.status(6),
        })
    })
}

/// matrixSDTable: INDEX { matrixSDIndex, matrixSDSourceAddress, matrixSDDestAddress }.
pub fn matrix_sd(rows: &Rows) -> Vec<MatrixSdEntry> {
    rows.read(|r| {
        let (&index, rest) = r.index.split_first()?;
        let (source, rest) = index_mac(rest)?;
        let (dest, _) = index_mac(rest)?;
        Some(MatrixSdEntry {
            source_address: source,
            dest_address: dest,
            index: u16::try_from(index).ok()?,
            pkts: r.u64(4),
            octets: r.u64(5),
            errors: r.u64(6),
        })
    })
}

pub fn alarm(rows: &Rows) -> Vec<AlarmEntry> {
    rows.read(|r| {
        Some(AlarmEntry {
            alarm_index: r.control_index()?,
            alarm_interval: r.u32(2),
            alarm_variable: r.oid(3),
            alarm_sample_type: SampleType::from_value(i64::from(r.i32(4))).unwrap_or(SampleType::AbsoluteValue),
            alarm_value: i64::from(r.i32(5)),
            alarm_startup_alarm: StartupAlarm::from_value(i64::from(r.i32(6)))
                .unwrap_or(StartupAlarm::RisingOrFallingAlarm),
            alarm_rising_threshold: r.i32(7),
            alarm_falling_threshold: r.i32(8),
            alarm_rising_event_index: r.u16(9),
            alarm_falling_event_index: r.u16(10),
            alarm_owner: r.owner(11),
            alarm_status: r.status(12),
        })
    })
}

pub fn event(rows: &Rows) -> Vec<EventEntry> {
    rows.read(|r| {
        Some(EventEntry {
            event_index: r.control_index()?,
            event_description: r.string(2),
            event_type: EventType::from_value(i64::from(r.i32(3))).unwrap_or(EventType::None),
            event_community: r.octets(4),
            event_last_time_sent: r.u64(5),
            event_owner: r.owner(6),
            event_status: r.status(7),
        })
    })
}

/// logTable: INDEX { logEventIndex, logIndex }.
pub fn log(rows: &Rows) -> Vec<LogEntry> {
    rows.read(|r| {
        let &[event, index] = r.index else { return None };
        Some(LogEntry {
            log_event_index: u16::try_from(event).ok()?,
            log_index: index,
            log_time: r.u64(3),
            log_description: r.string(4),
        })
    })
}

pub fn filter(rows: &Rows) -> Vec<FilterEntry> {
    rows.read(|r| {
        Some(FilterEntry {
            filter_index: r.control_index()?,
            filter_channel_index: r.u16(2),
            filter_pkt_data_offset: r.u32(3),
            filter_pkt_data: Octets(r.octets(4)),
            filter_pkt_data_mask: Octets(r.octets(5)),
            filter_pkt_data_not_mask: Octets(r.octets(6)),
            filter_pkt_status: r.i32(7),
            filter_pkt_status_mask: r.i32(8),
            filter_pkt_status_not_mask: r.i32(9),
            filter_owner: r.owner(10),
            filter_status: r.status(11),
        })
    })
}

pub fn channel(rows: &Rows) -> Vec<ChannelEntry> {
    rows.read(|r| {
        Some(ChannelEntry {
            channel_index: r.control_index()?,
            channel_if_index: r.u32(2),
            channel_accept_type: if r.i32(3) == 2 { AcceptType::AcceptFailed } else { AcceptType::AcceptMatched },
            channel_data_control: if r.i32(4) == 1 { DataControl::On } else { DataControl::Off },
            channel_turn_on_event_index: r.u16(5),
            channel_turn_off_event_index: r.u16(6),
            channel_event_index: r.u16(7),
            channel_event_status: match r.i32(8) {
                2 => ChannelEventStatus::EventFired,
                3 => ChannelEventStatus::EventAlwaysReady,
                _ => ChannelEventStatus::EventReady,
            },
            channel_matches: r.u64(9),
            channel_description: r.string(10),
            channel_owner: r.owner(11),
            channel_status: r.status(12),
        })
    })
}

pub fn buffer_control(rows: &Rows) -> Vec<BufferControlEntry> {
    rows.read(|r| {
        Some(BufferControlEntry {
            buffer_control_index: r.control_index()?,
            buffer_control_channel_index: r.u16(2),
            buffer_control_full_status: if r.i32(3) == 2 { FullStatus::Full } else { FullStatus::SpaceAvailable },
            buffer_control_full_action: if r.i32(4) == 1 { FullAction::LockWhenFull } else { FullAction::WrapWhenFull },
            buffer_control_capture_slice_size: r.u32(5),
            buffer_control_download_slice_size: r.u32(6),
            buffer_control_download_offset: r.u32(7),
            buffer_control_max_octets_requested: r.i32(8),
            buffer_control_max_octets_granted: r.i32(9),
            buffer_control_captured_packets: r.u64(10),
            buffer_control_turn_on_time: r.u64(11),
            buffer_control_owner: r.owner(12),
            buffer_control_status: r.status(13),
        })
    })
}

/// captureBufferTable: INDEX { captureBufferControlIndex, captureBufferIndex }.
pub fn capture_buffer(rows: &Rows) -> Vec<CaptureBufferEntry> {
    rows.read(|r| {
        let &[control, index] = r.index else { return None };
        Some(CaptureBufferEntry {
            capture_buffer_control_index: u16::try_from(control).ok()?,
            capture_buffer_index: index,
            capture_buffer_packet_id: r.u32(3),
            capture_buffer_packet_data: Octets(r.octets(4)),
            capture_buffer_packet_length: r.u32(5),
            capture_buffer_packet_time: r.u64(6),
            capture_buffer_packet_status: u8::try_from(r.u64(7)).unwrap_or(0),
        })
    })
}
