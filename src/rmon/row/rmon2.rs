//! The RMON2 control rows whose row is a data source (protocolDistControl, addressMapControl,
//! hlHostControl, hlMatrixControl): one row type, [`Rmon2Control`], told apart by a kind that
//! names its table, its shard group, and the data it starts. Beside them, the reports that rank
//! an hlMatrixControl row's conversations: nlMatrixTopNControl and alMatrixTopNControl.

use std::marker::PhantomData;

use crate::mib::rmon2::al_matrix_top_n::AlMatrixTopNRateBase;
use crate::mib::rmon2::nl_matrix_top_n::NlMatrixTopNRateBase;
use crate::mib::time::Timestamp;
use crate::rmon::control::{DataSource, EntryStatus, Owner};
use crate::rmon::edit::ControlTable;
use crate::rmon::matrix_top_n::{DEFAULT_REQUESTED_SIZE, DEFAULT_TIME_REMAINING, MatrixTopNControl};
use crate::rmon::probe::{Limits, RowRequest};
use crate::rmon::row::{ControlRow, Setting};
use crate::rmon::shard::{Group, ShardCommand};

/// What tells the four RMON2 data-source tables apart.
pub trait Rmon2Kind: Clone + std::fmt::Debug + PartialEq + Eq {
    const TABLE: ControlTable;
    const GROUP: Group;
    /// The MIB name of the row's data source column.
    const SOURCE_COLUMN: &'static str;
    /// The command that starts a valid row's data, with at most `sizes.0` entries (and, for the
    /// hl rows, `sizes.1` in the application layer's table; 0: none kept).
    fn start(index: u16, source: DataSource, sizes: (usize, usize)) -> ShardCommand;
    /// The most entries the probe grants a row of this table.
    fn granted(limits: &Limits) -> usize;
}

/// A control row of an RMON2 table over a data source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rmon2Control<K> {
    pub data_source: DataSource,
    pub owner: Owner,
    pub status: EntryStatus,
    /// When the row last became active (protocolDistControlCreateTime).
    pub created: Timestamp,
    /// hl*ControlNlMaxDesiredEntries, hl*ControlAlMaxDesiredEntries: -1 asks for as many as
    /// the probe grants.
    pub nl_max_desired: i32,
    pub al_max_desired: i32,
    kind: PhantomData<K>,
}

impl<K> Rmon2Control<K> {
    pub fn new(data_source: DataSource, owner: Owner, status: EntryStatus, created: Timestamp) -> Self {
        Rmon2Control { data_source, owner, status, created, nl_max_desired: -1, al_max_desired: -1, kind: PhantomData }
    }
}

impl<K: Rmon2Kind> Rmon2Control<K> {
    /// The entries granted: what the manager desires, within what the probe gives.
    pub fn size_limit(&self, limits: &Limits) -> usize {
        let most = K::granted(limits);
        usize::try_from(self.nl_max_desired).map_or(most, |desired| desired.clamp(1, most.max(1)))
    }

    /// The application layer's entries granted: its AlMaxDesiredEntries within what the probe
    /// gives; 0 asks for none, and the application layer is then not counted at all.
    pub fn al_size_limit(&self, limits: &Limits) -> usize {
        let most = K::granted(limits);
        usize::try_from(self.al_max_desired).map_or(most, |desired| desired.min(most))
    }
}

macro_rules! kind {
    ($(#[$meta:meta])* $kind:ident, $table:ident, $group:ident, $column:literal, |$index:ident, $source:ident, $size:ident| $start:expr, |$limits:ident| $granted:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $kind;

        impl Rmon2Kind for $kind {
            const TABLE: ControlTable = ControlTable::$table;
            const GROUP: Group = Group::$group;
            const SOURCE_COLUMN: &'static str = $column;
            fn start($index: u16, $source: DataSource, $size: (usize, usize)) -> ShardCommand {
                $start
            }
            fn granted($limits: &Limits) -> usize {
                $granted
            }
        }
    };
}

kind!(
    /// protocolDistControlTable.
    ProtocolDistKind, ProtocolDistControl, ProtocolDist, "protocolDistControlDataSource",
    |index, source, _size| ShardCommand::StartProtocolDist { index, source },
    |_limits| 0
);
kind!(
    /// addressMapControlTable.
    AddressMapKind, AddressMapControl, AddressMap, "addressMapControlDataSource",
    |index, source, sizes| ShardCommand::StartAddressMap { index, source, size_limit: sizes.0 },
    |limits| limits.address_map_size
);
kind!(
    /// hlHostControlTable (the network and application layers).
    NlHostKind, HlHostControl, NlHost, "hlHostControlDataSource",
    |index, source, sizes| ShardCommand::StartNlHost { index, source, size_limit: sizes.0, al_size_limit: sizes.1 },
    |limits| limits.nl_host_table_size
);
kind!(
    /// hlMatrixControlTable.
    NlMatrixKind, HlMatrixControl, NlMatrix, "hlMatrixControlDataSource",
    |index, source, sizes| ShardCommand::StartNlMatrix { index, source, size_limit: sizes.0, al_size_limit: sizes.1 },
    |limits| limits.nl_matrix_table_size
);

pub type ProtocolDistControl = Rmon2Control<ProtocolDistKind>;
pub type AddressMapControl = Rmon2Control<AddressMapKind>;
pub type HlHostControl = Rmon2Control<NlHostKind>;
pub type HlMatrixControl = Rmon2Control<NlMatrixKind>;

impl<K: Rmon2Kind> ControlRow for Rmon2Control<K> {
    const GROUP: Option<Group> = Some(K::GROUP);

    fn created(_: &Limits, now: Timestamp) -> Self {
        Rmon2Control::new(DataSource::UNSET, Owner::default(), EntryStatus::UnderCreation, now)
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if status == EntryStatus::Valid && self.status != EntryStatus::Valid {
            self.created = now;
        }
        self.status = status;
    }

    fn set(&mut self, setting: &Setting, _: &Limits, _: Timestamp) {
        match setting {
            Setting::DataSource(s) => self.data_source = *s,
            Setting::Owner(o) => self.owner = o.clone(),
            Setting::NlMaxDesiredEntries(n) => self.nl_max_desired = *n,
            Setting::AlMaxDesiredEntries(n) => self.al_max_desired = *n,
            _ => {}
        }
    }

    fn missing(&self) -> Option<&'static str> {
        self.data_source.is_unset().then_some(K::SOURCE_COLUMN)
    }

    fn start(&self, index: u16, limits: &Limits) -> Option<ShardCommand> {
        Some(K::start(index, self.data_source, (self.size_limit(limits), self.al_size_limit(limits))))
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| RowRequest::Rmon2 {
            table: K::TABLE,
            index,
            data_source: self.data_source,
            owner: self.owner.clone(),
            nl_max_desired: self.nl_max_desired,
            al_max_desired: self.al_max_desired,
        })
    }
}

/// What tells nlMatrixTopNControl and alMatrixTopNControl apart: their rate base, which names
/// the table's columns, its shard group, and the command and request of its rows.
pub trait TopNRateBase: Copy + Default + std::fmt::Debug + PartialEq + Eq {
    const GROUP: Group;
    /// The MatrixIndex and RateBase columns' names, for a row that lacks them.
    const MATRIX_INDEX: &'static str;
    const RATE_BASE: &'static str;

    /// The rate base a setting sets, if it is this table's.
    fn of(setting: &Setting) -> Option<Self>;

    /// The command that starts a row's reports in a shard.
    fn start(index: u16, matrix_index: u16, start: Timestamp, duration: u32) -> ShardCommand;

    /// The row as a configuration asks for it.
    fn request(row: &MatrixTopNControl<Self>, index: u16) -> RowRequest;
}

/// [`TopNRateBase`] for one table's rate base: its group, column prefix, setting, shard command
/// and row request (the two tables differ in nothing else).
macro_rules! top_n_rate_base {
    ($rate_base:ty, $group:ident, $prefix:literal, $setting:ident, $start:ident, $request:ident) => {
        impl TopNRateBase for $rate_base {
            const GROUP: Group = Group::$group;
            const MATRIX_INDEX: &'static str = concat!($prefix, "MatrixIndex");
            const RATE_BASE: &'static str = concat!($prefix, "RateBase");

            fn of(setting: &Setting) -> Option<Self> {
                match setting {
                    Setting::$setting(r) => Some(*r),
                    _ => None,
                }
            }

            fn start(index: u16, matrix_index: u16, start: Timestamp, duration: u32) -> ShardCommand {
                ShardCommand::$start { index, matrix_index, start, duration }
            }

            fn request(row: &MatrixTopNControl<Self>, index: u16) -> RowRequest {
                RowRequest::$request {
                    index,
                    matrix_index: row.matrix_index.unwrap_or(0),
                    rate_base: row.rate_base.unwrap_or_default(),
                    time_remaining: row.duration,
                    requested_size: row.requested_size,
                    owner: row.owner.clone(),
                }
            }
        }
    };
}

top_n_rate_base!(
    NlMatrixTopNRateBase,
    NlMatrixTopN,
    "nlMatrixTopNControl",
    NlMatrixRateBase,
    StartNlMatrixTopN,
    NlMatrixTopN
);
top_n_rate_base!(
    AlMatrixTopNRateBase,
    AlMatrixTopN,
    "alMatrixTopNControl",
    AlMatrixRateBase,
    StartAlMatrixTopN,
    AlMatrixTopN
);

impl<R: TopNRateBase> ControlRow for MatrixTopNControl<R> {
    const GROUP: Option<Group> = Some(R::GROUP);

    fn created(limits: &Limits, _: Timestamp) -> Self {
        MatrixTopNControl {
            matrix_index: None,
            rate_base: None,
            duration: DEFAULT_TIME_REMAINING,
            requested_size: DEFAULT_REQUESTED_SIZE,
            granted_size: DEFAULT_REQUESTED_SIZE.min(limits.top_n_size),
            start_time: None,
            owner: Owner::default(),
            status: EntryStatus::UnderCreation,
        }
    }

    fn status(&self) -> EntryStatus {
        self.status
    }

    /// Made valid, the row starts its reports; leaving valid, it stops them.
    fn set_status(&mut self, status: EntryStatus, now: Timestamp) {
        if status == EntryStatus::Valid && self.status != EntryStatus::Valid {
            self.start_time = (self.duration > 0).then_some(now);
        } else if status != EntryStatus::Valid {
            self.start_time = None;
        }
        self.status = status;
    }

    /// Setting TimeRemaining on an active row starts a new series of reports of that many
    /// seconds at `now` (RFC 4502: the old report's entries go).
    fn set(&mut self, setting: &Setting, limits: &Limits, now: Timestamp) {
        match setting {
            Setting::Owner(o) => self.owner = o.clone(),
            Setting::MatrixIndex(i) => self.matrix_index = Some(*i),
            Setting::TimeRemaining(t) => {
                self.duration = *t;
                self.start_time = (self.status == EntryStatus::Valid && *t > 0).then_some(now);
            }
            Setting::RequestedSize(n) => {
                self.requested_size = *n;
                self.granted_size = (*n).min(limits.top_n_size);
            }
            other => {
                if let Some(r) = R::of(other) {
                    self.rate_base = Some(r);
                }
            }
        }
    }

    fn missing(&self) -> Option<&'static str> {
        if self.matrix_index.is_none() {
            Some(R::MATRIX_INDEX)
        } else if self.rate_base.is_none() {
            Some(R::RATE_BASE)
        } else {
            None
        }
    }

    fn start(&self, index: u16, _: &Limits) -> Option<ShardCommand> {
        Some(R::start(index, self.matrix_index?, self.start_time?, self.duration))
    }

    fn update(&self, before: &Self, index: u16) -> Option<ShardCommand> {
        if (self.start_time, self.duration) == (before.start_time, before.duration) {
            return None;
        }
        self.start(index, &Limits::default()).or(Some(ShardCommand::Stop { group: R::GROUP, index }))
    }

    fn request(&self, index: u16) -> Option<RowRequest> {
        (self.status == EntryStatus::Valid).then(|| R::request(self, index))
    }
}
