//! HC-RMON-MIB's mediaIndependentTable (1.3.6.1.2.1.16.21.1): per data source, the traffic
//! counts any medium has (packets, octets, non-unicast packets, errors), each as a Counter32,
//! its overflow and its exact Counter64, with the link's speed and duplex mode. A control
//! table of its own (RowStatus), unlike HC-RMON's other tables, which are views over RMON-1
//! rows (`hcrmon.rs`).

use crate::mib::schema::{Column, Field, INDEX, IndexPart, OWNER, Syntax, Table};
use crate::mib::tc::{DataSource, Owner, RowStatus};

crate::mib_enum! {
    /// mediaIndependentDuplexMode.
    pub enum DuplexMode {
        HalfDuplex = 1 => "halfduplex",
        FullDuplex = 2 => "fullduplex",
    }
    default HalfDuplex
}

/// mediaIndependentEntry as a manager reads it. Each count is kept once, exact; its Counter32,
/// Overflow and HighCapacity columns are read from it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MediaIndependentEntry {
    pub media_independent_index: u16,
    pub media_independent_data_source: DataSource,
    pub media_independent_drop_events: u64,
    pub media_independent_dropped_frames: u64,
    pub media_independent_in_pkts: u64,
    pub media_independent_out_pkts: u64,
    pub media_independent_in_octets: u64,
    pub media_independent_out_octets: u64,
    pub media_independent_in_nucast_pkts: u64,
    pub media_independent_out_nucast_pkts: u64,
    pub media_independent_in_errors: u64,
    pub media_independent_out_errors: u64,
    /// Kilobits per second (0: unknown).
    pub media_independent_input_speed: u64,
    pub media_independent_output_speed: u64,
    pub media_independent_duplex_mode: DuplexMode,
    pub media_independent_duplex_changes: u64,
    /// sysUpTime of the last duplex change, in TimeTicks (0: none since the row became active).
    pub media_independent_duplex_last_change: u64,
    pub media_independent_owner: Owner,
    pub media_independent_status: RowStatus,
}

/// A column over one field of the entry.
macro_rules! field {
    ($num:literal $name:literal $field:ident, $syntax:expr, $access:ident $(, $frozen:ident)?) => {
        crate::mib_field_column!(MediaIndependentEntry, $num, $name, $field, $syntax, $access $(, $frozen)?)
    };
}

/// The columns in MIB order. Each count has three: Counter32 (the count modulo 2^32), Overflow
/// (the count divided by 2^32) and HighCapacity (the exact Counter64).
static COLUMNS: [Column<MediaIndependentEntry>; 31] = [
    field!(1 "mediaIndependentIndex" media_independent_index, INDEX, NotAccessible),
    field!(2 "mediaIndependentDataSource" media_independent_data_source, Syntax::Source, ReadCreate, frozen),
    field!(3 "mediaIndependentDropEvents" media_independent_drop_events, Syntax::Counter32, ReadOnly),
    field!(4 "mediaIndependentDroppedFrames" media_independent_dropped_frames, Syntax::Counter32, ReadOnly),
    field!(5 "mediaIndependentInPkts" media_independent_in_pkts, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        6,
        "mediaIndependentInOverflowPkts",
        overflow,
        media_independent_in_pkts
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        7,
        "mediaIndependentInHighCapacityPkts",
        count,
        media_independent_in_pkts
    ),
    field!(8 "mediaIndependentOutPkts" media_independent_out_pkts, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        9,
        "mediaIndependentOutOverflowPkts",
        overflow,
        media_independent_out_pkts
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        10,
        "mediaIndependentOutHighCapacityPkts",
        count,
        media_independent_out_pkts
    ),
    field!(11 "mediaIndependentInOctets" media_independent_in_octets, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        12,
        "mediaIndependentInOverflowOctets",
        overflow,
        media_independent_in_octets
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        13,
        "mediaIndependentInHighCapacityOctets",
        count,
        media_independent_in_octets
    ),
    field!(14 "mediaIndependentOutOctets" media_independent_out_octets, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        15,
        "mediaIndependentOutOverflowOctets",
        overflow,
        media_independent_out_octets
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        16,
        "mediaIndependentOutHighCapacityOctets",
        count,
        media_independent_out_octets
    ),
    field!(17 "mediaIndependentInNUCastPkts" media_independent_in_nucast_pkts, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        18,
        "mediaIndependentInNUCastOverflowPkts",
        overflow,
        media_independent_in_nucast_pkts
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        19,
        "mediaIndependentInNUCastHighCapacityPkts",
        count,
        media_independent_in_nucast_pkts
    ),
    field!(20 "mediaIndependentOutNUCastPkts" media_independent_out_nucast_pkts, Syntax::Counter32, ReadOnly),
    crate::mib_view_column!(
        MediaIndependentEntry,
        21,
        "mediaIndependentOutNUCastOverflowPkts",
        overflow,
        media_independent_out_nucast_pkts
    ),
    crate::mib_view_column!(
        MediaIndependentEntry,
        22,
        "mediaIndependentOutNUCastHighCapacityPkts",
        count,
        media_independent_out_nucast_pkts
    ),
    field!(23 "mediaIndependentInErrors" media_independent_in_errors, Syntax::Counter32, ReadOnly),
    field!(24 "mediaIndependentOutErrors" media_independent_out_errors, Syntax::Counter32, ReadOnly),
    field!(25 "mediaIndependentInputSpeed" media_independent_input_speed, Syntax::Gauge32, ReadOnly),
    field!(26 "mediaIndependentOutputSpeed" media_independent_output_speed, Syntax::Gauge32, ReadOnly),
    field!(27 "mediaIndependentDuplexMode" media_independent_duplex_mode, Syntax::Enum(DuplexMode::NAMES), ReadOnly),
    field!(28 "mediaIndependentDuplexChanges" media_independent_duplex_changes, Syntax::Counter32, ReadOnly),
    field!(29 "mediaIndependentDuplexLastChange" media_independent_duplex_last_change, Syntax::TimeTicks, ReadOnly),
    field!(30 "mediaIndependentOwner" media_independent_owner, OWNER, ReadCreate),
    field!(31 "mediaIndependentStatus" media_independent_status, Syntax::RowStatus, ReadCreate),
];

pub static MEDIA_INDEPENDENT_TABLE: Table<MediaIndependentEntry> = Table {
    name: "mediaIndependentTable",
    entry: &[1, 3, 6, 1, 2, 1, 16, 21, 1, 1],
    index: &[IndexPart {
        name: "",
        field: "media_independent_index",
        read: |e: &MediaIndependentEntry| Field::cell(&e.media_independent_index),
        parse: |e: &mut MediaIndependentEntry, ids: &mut &[u32]| {
            e.media_independent_index = Field::from_index(ids)?;
            Some(())
        },
    }],
    columns: &COLUMNS,
    view: false,
    time_filter: None,
};

impl serde::Serialize for MediaIndependentEntry {
    /// As the JSON report writes a row: keyed by the columns' MIB names.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&crate::mib::schema::JsonRow(&MEDIA_INDEPENDENT_TABLE, self), s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::Value;
    use crate::mib::schema::Cell;

    #[test]
    fn columns_are_numbered_in_order_and_counts_read_three_ways() {
        let numbers: Vec<u32> = MEDIA_INDEPENDENT_TABLE.columns.iter().map(|c| c.number).collect();
        assert_eq!(numbers, (1..=31).collect::<Vec<u32>>());
        let row = MediaIndependentEntry { media_independent_in_octets: 4_554_000_000, ..Default::default() };
        let value = |n: u32| MEDIA_INDEPENDENT_TABLE.column(n).and_then(|c| c.value(&row));
        assert_eq!(value(11), Some(Value::Counter32(259_032_704)));
        assert_eq!(value(12), Some(Value::Counter32(1)));
        assert_eq!(value(13), Some(Value::Counter64(4_554_000_000)));
        assert_eq!(value(31), Some(Value::Integer(3)), "a new row is notReady");
        assert!(matches!(MEDIA_INDEPENDENT_TABLE.column(27).map(|c| (c.read)(&row)), Some(Cell::Int(1))));
    }
}
