//! The data plane: one shard of the probe's counters, owned by one worker.
//!
//! A shard counts frames for every valid control row of the data sources it sees. Nothing in it is
//! shared: the control plane ([`crate::rmon::Probe`]) changes its configuration with
//! [`ShardCommand`]s applied between batches and reads it by merging several shards (ARCHITECTURE.md,
//! "Rules"). Time-driven work (closing history buckets, starting and ending hostTopN reports) is
//! done here, on the shard's own clock, when a frame or a tick crosses the next deadline; a frame
//! therefore costs one comparison for all of it.

use std::hash::BuildHasher;
use std::sync::Arc;

use crate::capture::MirrorCounts;
use crate::mib::time::Timestamp;
use crate::packet::network::TcpSegment;
use crate::packet::{Frame, network};
use crate::rmon::address_map::AddressMapTable;
use crate::rmon::al_matrix_top_n::AlMatrixTopNWindow;
use crate::rmon::capture::CaptureBuffer;
use crate::rmon::control::DataSource;
use crate::rmon::filter::{ChannelCounter, ChannelFilters};
use crate::rmon::history::HistoryRecorder;
use crate::rmon::hosts::HostTable;
use crate::rmon::matrix::{MatrixTable, Pair};
use crate::rmon::nl_host::HostKey;
use crate::rmon::nl_host::NlHostTable;
use crate::rmon::nl_matrix::NlMatrixTable;
use crate::rmon::nl_matrix::PairKey;
use crate::rmon::nl_matrix_top_n::NlMatrixTopNWindow;
use crate::rmon::protocol_dir::{Classified, Directory, DirectoryMap};
use crate::rmon::protocol_dist::ProtocolDistCounts;
use crate::rmon::statistics::EtherStatsCounters;
use crate::rmon::table::TableHasher;
use crate::rmon::tcp_latency::{Endpoint, LatencyLimits, TcpLatencyTable};
use crate::rmon::topn::{RateBase, TopNWindow};

/// The groups a shard keeps data for (RMON-1, HC-RMON's mediaIndependent, RMON2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    EtherStats,
    History,
    Hosts,
    HostTopN,
    Matrix,
    Channel,
    Buffer,
    MediaIndependent,
    ProtocolDist,
    AddressMap,
    NlHost,
    NlMatrix,
    NlMatrixTopN,
    AlMatrixTopN,
}

/// A configuration change sent from the control plane to every shard. Starting a row that exists
/// starts it afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShardCommand {
    /// A data source that appeared while the probe runs (`--decap`): ifIndex `if_index` is
    /// counted from now on (its rows come in the commands that follow).
    AddSource {
        if_index: u32,
    },
    /// `--dedup`: a frame seen again on its data source within this many nanoseconds is a
    /// duplicate (0: off). Sent once, when the shard starts; the worker keeps the frames seen.
    Dedup {
        window_ns: u64,
    },
    StartEtherStats {
        index: u16,
        source: DataSource,
    },
    /// A mediaIndependent row: counts from the data source's etherStats counters, like an
    /// etherStats row.
    StartMediaIndependent {
        index: u16,
        source: DataSource,
    },
    StartHistory {
        index: u16,
        source: DataSource,
        interval: u32,
        granted: u16,
        start: Timestamp,
    },
    StartHosts {
        index: u16,
        source: DataSource,
        size_limit: usize,
    },
    StartHostTopN {
        index: u16,
        host_index: u16,
        rate_base: RateBase,
        start: Timestamp,
        duration: u32,
    },
    StartMatrix {
        index: u16,
        source: DataSource,
        size_limit: usize,
    },
    /// A channel on `source`: every frame of the source is run through `filters`, and the
    /// accepted ones counted in channelMatches.
    StartChannel {
        index: u16,
        source: DataSource,
        filters: ChannelFilters,
        /// channelDataControl is on.
        on: bool,
    },
    /// channelDataControl of a running channel changed (by SET or by a turnOn/turnOff event).
    ChannelDataControl {
        index: u16,
        on: bool,
    },
    /// A capture buffer, empty, taking what its channel passes on from now.
    StartBuffer {
        index: u16,
        buffer: CaptureBuffer,
    },
    /// A running capture buffer's new grant, in octets.
    ResizeBuffer {
        index: u16,
        limit: u64,
    },
    /// A running channel's new filter set (a filter added, changed or gone); channelMatches
    /// goes on counting.
    SetChannelFilters {
        index: u16,
        filters: ChannelFilters,
    },
    /// historyControlBucketsGranted of a valid row changed: keep at most `granted` buckets,
    /// the oldest going first, without restarting the row.
    ResizeHistory {
        index: u16,
        granted: u16,
    },
    /// RMON2 rows on `source`: protocolDist counts by the directory; addressMap, nlHost and
    /// nlMatrix learn at most `size_limit` entries.
    StartProtocolDist {
        index: u16,
        source: DataSource,
    },
    StartAddressMap {
        index: u16,
        source: DataSource,
        size_limit: usize,
    },
    /// An hlHostControl row: at most `size_limit` network-layer hosts and `al_size_limit`
    /// application-layer ones (0: the application layer is not counted).
    StartNlHost {
        index: u16,
        source: DataSource,
        size_limit: usize,
        al_size_limit: usize,
    },
    /// An hlMatrixControl row, likewise.
    StartNlMatrix {
        index: u16,
        source: DataSource,
        size_limit: usize,
        al_size_limit: usize,
    },
    /// nlMatrixTopN reports of `duration` seconds on hlMatrixControl `matrix_index`'s
    /// conversations, one after the other from `start`.
    StartNlMatrixTopN {
        index: u16,
        matrix_index: u16,
        start: Timestamp,
        duration: u32,
    },
    /// alMatrixTopN reports of `duration` seconds on hlMatrixControl `matrix_index`'s
    /// application-layer conversations, one after the other from `start`.
    StartAlMatrixTopN {
        index: u16,
        matrix_index: u16,
        start: Timestamp,
        duration: u32,
    },
    /// The protocol directory changed: count by this one from now on.
    SetDirectory(Arc<DirectoryMap>),
    /// Follow passive TCP latency on every data source, within these limits (0 connections:
    /// not at all). Sent once, when the shard starts.
    TcpLatency(LatencyLimits),
    /// The row left valid: its data goes.
    Stop {
        group: Group,
        index: u16,
    },
}

/// Rows kept as (control index, data), sorted by index.
type Rows<T> = Vec<(u16, T)>;

fn upsert<T>(rows: &mut Rows<T>, index: u16, value: T) {
    match rows.binary_search_by_key(&index, |(i, _)| *i) {
        Ok(at) => rows[at].1 = value,
        Err(at) => rows.insert(at, (index, value)),
    }
}

fn remove<T>(rows: &mut Rows<T>, index: u16) {
    rows.retain(|(i, _)| *i != index);
}

fn find<T>(rows: &Rows<T>, index: u16) -> Option<&T> {
    rows.binary_search_by_key(&index, |(i, _)| *i).ok().map(|at| &rows[at].1)
}

fn find_mut<T>(rows: &mut Rows<T>, index: u16) -> Option<&mut T> {
    rows.binary_search_by_key(&index, |(i, _)| *i).ok().map(|at| &mut rows[at].1)
}

/// Everything one shard counts for one data source.
#[derive(Clone, Debug, Default)]
struct SourceShard {
    /// Running etherStats counters of the data source since the shard started.
    counters: EtherStatsCounters,
    /// etherStats rows: the running counters when the row became valid.
    ether_stats: Rows<EtherStatsCounters>,
    /// mediaIndependent rows: the running counters when the row became active.
    media_independent: Rows<EtherStatsCounters>,
    history: Rows<HistoryRecorder>,
    hosts: Rows<HostTable>,
    matrix: Rows<MatrixTable>,
    channels: Rows<ChannelCounter>,
    protocol_dist: Rows<ProtocolDistCounts>,
    address_map: Rows<AddressMapTable>,
    nl_host: Rows<NlHostTable>,
    nl_matrix: Rows<NlMatrixTable>,
    /// Passive TCP latency, when the probe follows it.
    tcp_latency: Option<TcpLatencyTable>,
    /// Remote mirrors' packets opened or set aside, and duplicates left out.
    mirror: MirrorCounts,
}

impl SourceShard {
    /// Whether some RMON2 row (or the passive latency) counts this source's frames: only then
    /// is the network layer parsed.
    fn has_rmon2(&self) -> bool {
        !(self.protocol_dist.is_empty()
            && self.address_map.is_empty()
            && self.nl_host.is_empty()
            && self.nl_matrix.is_empty()
            && self.tcp_latency.is_none())
    }

    /// Starts loading the RMON2 table slots a frame will use (see [`Shard::count_batch`]).
    fn prefetch_rmon2(&self, facts: &Rmon2Facts) {
        let Some((net, _, _)) = facts.classified.network else { return };
        let applications = facts.classified.applications();
        for (_, hosts) in &self.nl_host {
            if net.host {
                hosts.prefetch(facts.source_hash, facts.dest_hash);
            }
            hosts.al.prefetch(facts.source_hash, facts.dest_hash, applications);
        }
        for (_, matrix) in &self.nl_matrix {
            if net.matrix {
                matrix.prefetch(facts.pair_hash);
            }
            matrix.al.prefetch(facts.pair_hash, applications);
        }
        if net.address_map {
            for (_, map) in &self.address_map {
                map.prefetch(facts.source_hash);
            }
        }
        if let (Some(latency), Some(_)) = (&self.tcp_latency, &facts.tcp) {
            latency.prefetch(facts.tcp_hash);
        }
    }

    /// Counts a good frame in the RMON2 tables, by the protocols of its stack the directory holds,
    /// and follows its TCP segment's latency.
    fn count_rmon2(&mut self, frame: &Frame, facts: &Rmon2Facts) {
        if let (Some(latency), Some((source, dest, segment))) = (&mut self.tcp_latency, &facts.tcp) {
            latency.count_hashed(frame.time, *source, *dest, segment, facts.tcp_hash);
        }
        let c = &facts.classified;
        for (_, dist) in &mut self.protocol_dist {
            dist.count(frame, c.protocols());
        }
        let Some((net, source, dest)) = c.network else { return };
        let applications = c.applications();
        for (_, hosts) in &mut self.nl_host {
            if net.host {
                hosts.count_hashed(frame, net, (source, facts.source_hash), (dest, facts.dest_hash));
            }
            hosts.al.count_hashed(frame, net, (source, facts.source_hash), (dest, facts.dest_hash), applications);
        }
        for (_, matrix) in &mut self.nl_matrix {
            if net.matrix {
                matrix.count_hashed(frame, net, source, dest, facts.pair_hash);
            }
            matrix.al.count_hashed(frame, net, source, dest, facts.pair_hash, applications);
        }
        if net.address_map {
            for (_, map) in &mut self.address_map {
                map.learn_hashed(frame, net.local_index, source, facts.source_hash);
            }
        }
    }
}

/// What RMON2 counts a frame by, worked out once: the directory's protocols of its stack, its
/// network addresses, and the hashes of its table keys under the shard's hasher.
#[derive(Clone, Copy, Debug, Default)]
struct Rmon2Facts {
    classified: Classified,
    /// HostKey of the source (nlHost, addressMap) and of the destination (nlHost).
    source_hash: u64,
    dest_hash: u64,
    /// PairKey (nlMatrix).
    pair_hash: u64,
    /// A TCP segment's ends and header, for the passive latency, and its connection's hash.
    tcp: Option<(Endpoint, Endpoint, TcpSegment)>,
    tcp_hash: u64,
}

impl Rmon2Facts {
    /// `latency`: whether the source follows passive TCP latency (else a TCP segment's ends are
    /// neither kept nor hashed).
    fn of(bytes: &[u8], directory: &DirectoryMap, hasher: &TableHasher, latency: bool) -> Option<Rmon2Facts> {
        let layers = network::parse(bytes)?;
        let classified = directory.classify(&layers);
        let tcp = layers.network.filter(|_| latency).and_then(|n| {
            let ((sport, dport), seg) = (n.ports?, n.tcp?);
            Some((Endpoint { address: n.source, port: sport }, Endpoint { address: n.dest, port: dport }, seg))
        });
        let tcp_hash = tcp.map_or(0, |(a, b, _)| TcpLatencyTable::connection_hash(hasher, a, b));
        let mut facts = Rmon2Facts { classified, tcp, tcp_hash, ..Default::default() };
        if let Some((net, source, dest)) = classified.network {
            let local_index = net.local_index;
            facts.source_hash = hasher.hash_one(HostKey { local_index, address: source });
            facts.dest_hash = hasher.hash_one(HostKey { local_index, address: dest });
            facts.pair_hash = hasher.hash_one(PairKey { local_index, source, dest });
        }
        Some(facts)
    }
}

/// Which of a shard's large tables a copy carries ([`Shard::copy_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardParts {
    /// hostTable and hostTimeTable (and hostControlTableSize).
    pub hosts: bool,
    /// matrixSD and matrixDS (and matrixControlTableSize).
    pub matrix: bool,
    /// The capture buffers' frames.
    pub buffers: bool,
}

impl ShardParts {
    pub const ALL: ShardParts = ShardParts { hosts: true, matrix: true, buffers: true };
}

/// One worker's share of the probe's data.
#[derive(Clone, Debug)]
pub struct Shard {
    /// The shard's clock: the latest frame or tick time; it never goes back.
    now: Timestamp,
    /// The earliest instant at which some bucket or report needs attention.
    next_deadline: Timestamp,
    /// Indexed by ifIndex - 1.
    sources: Vec<SourceShard>,
    top_n: Rows<TopNWindow>,
    nl_top_n: Rows<NlMatrixTopNWindow>,
    al_top_n: Rows<AlMatrixTopNWindow>,
    /// Shared by every host and matrix table of the shard, so that an address or a pair is
    /// hashed once per frame however many tables count it.
    hasher: TableHasher,
    /// Scratch: the key hashes of the batch being counted, and what RMON2 counts each frame by.
    hashes: Vec<KeyHashes>,
    rmon2_facts: Vec<Option<Rmon2Facts>>,
    /// Whether some data source has a channel: only then does counting look at frame bytes.
    has_channels: bool,
    /// Capture buffers, each fed by its channel (bufferControlChannelIndex) while it is on.
    buffers: Rows<CaptureBuffer>,
    /// Whether some data source has RMON2 rows: then counting parses the network layer.
    has_rmon2: bool,
    /// The protocol directory, as the control plane last sent it.
    directory: Arc<DirectoryMap>,
    /// `--dedup`'s window in nanoseconds (0: off).
    dedup_window_ns: u64,
    /// The passive latency's limits, for a data source added later.
    latency_limits: Option<LatencyLimits>,
}

/// Frames whose table slots are requested from memory together before they are counted. With
/// every default row a frame touches about twenty cache lines: 64 frames' worth (80 KiB) is
/// enough for the misses to overlap and little enough to be still in cache when the frames are
/// counted (on the IMIX bench, 64 took 10 % less time than 256; 16 to 128 were within 5 %).
const PREFETCH_WINDOW: usize = 64;

/// The hashes of a frame's table keys, under the shard's hasher.
#[derive(Clone, Copy, Debug, Default)]
struct KeyHashes {
    src: u64,
    dst: u64,
    pair: u64,
}

impl Shard {
    /// A shard for data sources ifIndex 1..=`sources`, its clock starting at `start`.
    pub fn new(sources: u32, start: Timestamp) -> Shard {
        Shard {
            now: start,
            next_deadline: Timestamp(u64::MAX),
            sources: vec![SourceShard::default(); sources as usize],
            top_n: Vec::new(),
            nl_top_n: Vec::new(),
            al_top_n: Vec::new(),
            hasher: TableHasher::default(),
            hashes: Vec::new(),
            rmon2_facts: Vec::new(),
            has_channels: false,
            buffers: Vec::new(),
            has_rmon2: false,
            directory: Arc::new(Directory::built_in().compile()),
            dedup_window_ns: 0,
            latency_limits: None,
        }
    }

    /// The shard's clock.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    fn key_hashes(&self, frame: &Frame) -> KeyHashes {
        match frame.addresses {
            Some((dest, source)) => KeyHashes {
                src: self.hasher.hash_one(source),
                dst: self.hasher.hash_one(dest),
                pair: self.hasher.hash_one(Pair { source, dest }),
            },
            None => KeyHashes::default(),
        }
    }

    /// Counts one classified frame whose captured bytes are not at hand (groups that need none,
    /// and their tests): a channel sees it as a frame of no bytes, which no data filter matches.
    /// Time never goes back: a frame stamped earlier than one already counted is counted at the
    /// later time.
    pub fn count(&mut self, frame: &Frame) {
        self.count_with_bytes(frame, &[]);
    }

    /// Counts one classified frame with its captured bytes (from the destination address on),
    /// which the channels' filters look at.
    pub fn count_with_bytes(&mut self, frame: &Frame, bytes: &[u8]) {
        let hashes = self.key_hashes(frame);
        let facts = self.rmon2_facts_of(frame, bytes);
        self.count_hashed(frame, hashes, bytes, facts.as_ref());
    }

    /// What RMON2 counts `frame` by; None where no RMON2 row counts it (a bad frame, a data
    /// source without RMON2 rows), so the network layer is parsed only when needed.
    fn rmon2_facts_of(&self, frame: &Frame, bytes: &[u8]) -> Option<Rmon2Facts> {
        if !self.has_rmon2 || !frame.is_good() {
            return None;
        }
        let source = self.sources.get((frame.if_index as usize).wrapping_sub(1))?;
        if !source.has_rmon2() {
            return None;
        }
        Rmon2Facts::of(bytes, &self.directory, &self.hasher, source.tcp_latency.is_some())
    }

    #[inline]
    fn count_hashed(&mut self, frame: &Frame, hashes: KeyHashes, bytes: &[u8], rmon2: Option<&Rmon2Facts>) {
        let mut frame = *frame;
        if frame.time < self.now {
            frame.time = self.now;
        }
        if frame.time >= self.next_deadline {
            self.advance(frame.time);
        }
        self.now = frame.time;
        let Some(source) = self.sources.get_mut((frame.if_index as usize).wrapping_sub(1)) else {
            // The capture layer only hands out frames of the sources the shard was made for.
            debug_assert!(false, "frame of ifIndex {} the shard does not know", frame.if_index);
            return;
        };
        source.counters.count(&frame);
        for (_, hosts) in &mut source.hosts {
            hosts.count_hashed(&frame, hashes.src, hashes.dst);
        }
        for (_, matrix) in &mut source.matrix {
            matrix.count_hashed(&frame, hashes.pair);
        }
        for (index, channel) in &mut source.channels {
            if channel.count(bytes, frame.status) {
                for (_, buffer) in self.buffers.iter_mut().filter(|(_, b)| b.channel_index == *index) {
                    buffer.capture(&frame, bytes);
                }
            }
        }
        // RMON2 counts good frames only (RFC 4502: no counters for packets with MAC errors).
        if let Some(facts) = rmon2 {
            source.count_rmon2(&frame, facts);
        }
    }

    /// Counts a batch of classified frames; `bytes` yields the captured bytes of each frame in
    /// the same order (filters are byte masks over the raw frame, RMON2 parses the network
    /// layer). The bytes are only looked at when some channel or RMON2 row exists, so a probe
    /// without either pays nothing for them; they are gathered once a batch. The table slots
    /// of every [`PREFETCH_WINDOW`] frames are requested from memory before those frames are
    /// counted, so their cache misses overlap instead of adding up.
    pub fn count_batch<'a>(&mut self, frames: &[Frame], bytes: impl IntoIterator<Item = &'a [u8]>) {
        let bytes: Vec<&[u8]> =
            if self.has_rmon2 || self.has_channels { bytes.into_iter().collect() } else { Vec::new() };
        for (n, window) in frames.chunks(PREFETCH_WINDOW).enumerate() {
            self.count_window(window, bytes.get(n * PREFETCH_WINDOW..).unwrap_or_default());
        }
    }

    /// [`Shard::count_batch`] of at most [`PREFETCH_WINDOW`] frames. A frame `bytes` has
    /// nothing for (a caller that has none, or no channel or RMON2 row to look at them) is a
    /// frame of no bytes, as with `count`.
    fn count_window(&mut self, frames: &[Frame], bytes: &[&[u8]]) {
        let bytes_of = |at: usize| bytes.get(at).copied().unwrap_or_default();
        let mut batch_hashes = std::mem::take(&mut self.hashes);
        batch_hashes.clear();
        for frame in frames {
            let hashes = self.key_hashes(frame);
            batch_hashes.push(hashes);
            if frame.addresses.is_none() {
                continue;
            }
            if let Some(source) = self.sources.get((frame.if_index as usize).wrapping_sub(1)) {
                for (_, hosts) in &source.hosts {
                    hosts.prefetch(hashes.src, hashes.dst);
                }
                for (_, matrix) in &source.matrix {
                    matrix.prefetch(hashes.pair);
                }
            }
        }
        let mut facts = std::mem::take(&mut self.rmon2_facts);
        facts.clear();
        if self.has_rmon2 {
            // RMON2's facts of every frame first, and their table slots requested, as above.
            for (at, frame) in frames.iter().enumerate() {
                facts.push(self.rmon2_facts_of(frame, bytes_of(at)));
            }
            // In a loop of its own, with nothing else to do, so that the loads overlap.
            for (frame, f) in frames.iter().zip(&facts) {
                if let (Some(f), Some(source)) = (f, self.sources.get((frame.if_index as usize).wrapping_sub(1))) {
                    source.prefetch_rmon2(f);
                }
            }
        }
        for (at, (frame, hashes)) in frames.iter().zip(&batch_hashes).enumerate() {
            self.count_hashed(frame, *hashes, bytes_of(at), facts.get(at).and_then(Option::as_ref));
        }
        self.rmon2_facts = facts;
        self.hashes = batch_hashes;
    }

    /// Moves the clock to `now` without a frame (live capture on a quiet link, the end of a
    /// replay), completing what ends by then.
    pub fn tick(&mut self, now: Timestamp) {
        if now >= self.next_deadline {
            self.advance(now);
        }
        self.now = self.now.max(now);
        for latency in self.sources.iter_mut().filter_map(|s| s.tcp_latency.as_mut()) {
            latency.tick(self.now);
        }
    }

    /// Adds what the capture thread (or the worker's `--dedup`) counted for a data source.
    pub fn add_mirror_counts(&mut self, source: DataSource, counts: &MirrorCounts) {
        if let Some(s) = self.source_mut(source) {
            s.mirror = s.mirror.plus(counts);
        }
    }

    /// What was opened or set aside on a data source ([`MirrorCounts`]).
    pub fn mirror_counts(&self, source: DataSource) -> Option<MirrorCounts> {
        self.source(source).map(|s| s.mirror)
    }

    /// `--dedup`'s window in nanoseconds, 0 when off.
    pub fn dedup_window_ns(&self) -> u64 {
        self.dedup_window_ns
    }

    /// Adds drop events reported by the capture layer for a data source.
    pub fn add_drop_events(&mut self, source: DataSource, events: u64) {
        if let Some(s) = self.source_mut(source) {
            s.counters.drop_events += events;
        }
    }

    /// Applies a configuration change from the control plane.
    pub fn apply(&mut self, command: &ShardCommand) {
        let now = self.now;
        match *command {
            ShardCommand::AddSource { if_index } => {
                let count = if_index as usize;
                if self.sources.len() < count {
                    self.sources.resize_with(count, SourceShard::default);
                }
                // A new source follows the passive latency like the others.
                if let Some(limits) = self.latency_limits {
                    for s in self.sources.iter_mut().filter(|s| s.tcp_latency.is_none()) {
                        s.tcp_latency = Some(TcpLatencyTable::new(limits, self.hasher.clone()));
                    }
                }
                self.has_rmon2 = self.sources.iter().any(SourceShard::has_rmon2);
            }
            ShardCommand::Dedup { window_ns } => self.dedup_window_ns = window_ns,
            ShardCommand::StartEtherStats { index, source } => {
                if let Some(s) = self.source_mut(source) {
                    let baseline = s.counters;
                    upsert(&mut s.ether_stats, index, baseline);
                }
            }
            ShardCommand::StartMediaIndependent { index, source } => {
                if let Some(s) = self.source_mut(source) {
                    let baseline = s.counters;
                    upsert(&mut s.media_independent, index, baseline);
                }
            }
            ShardCommand::StartHistory { index, source, interval, granted, start } => {
                if let Some(s) = self.source_mut(source) {
                    let mut recorder = HistoryRecorder::new(start, interval, granted, &s.counters);
                    recorder.advance(now, &s.counters);
                    upsert(&mut s.history, index, recorder);
                }
            }
            ShardCommand::ResizeHistory { index, granted } => {
                for s in &mut self.sources {
                    if let Some(at) = s.history.iter().position(|(i, _)| *i == index) {
                        s.history[at].1.set_granted(granted);
                    }
                }
            }
            ShardCommand::StartHosts { index, source, size_limit } => {
                let hasher = self.hasher.clone();
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.hosts, index, HostTable::with_hasher(size_limit, hasher));
                }
            }
            ShardCommand::StartHostTopN { index, host_index, rate_base, start, duration } => {
                let mut window = TopNWindow::new(host_index, rate_base, start, duration);
                window.advance(now, self.host_table(host_index));
                upsert(&mut self.top_n, index, window);
            }
            ShardCommand::StartMatrix { index, source, size_limit } => {
                let hasher = self.hasher.clone();
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.matrix, index, MatrixTable::with_hasher(size_limit, hasher));
                }
            }
            ShardCommand::StartChannel { index, source, ref filters, on } => {
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.channels, index, ChannelCounter::new(filters.clone(), on));
                }
            }
            ShardCommand::ChannelDataControl { index, on } => {
                if let Some(channel) = self.channel_mut(index) {
                    channel.on = on;
                }
            }
            ShardCommand::StartBuffer { index, ref buffer } => upsert(&mut self.buffers, index, buffer.clone()),
            ShardCommand::ResizeBuffer { index, limit } => {
                if let Some(buffer) = find_mut(&mut self.buffers, index) {
                    buffer.resize(limit);
                }
            }
            ShardCommand::SetChannelFilters { index, ref filters } => {
                if let Some(channel) = self.channel_mut(index) {
                    channel.set_filters(filters);
                }
            }
            ShardCommand::StartProtocolDist { index, source } => {
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.protocol_dist, index, ProtocolDistCounts::default());
                }
            }
            ShardCommand::StartAddressMap { index, source, size_limit } => {
                let hasher = self.hasher.clone();
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.address_map, index, AddressMapTable::new(size_limit, hasher));
                }
            }
            ShardCommand::StartNlHost { index, source, size_limit, al_size_limit } => {
                let hasher = self.hasher.clone();
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.nl_host, index, NlHostTable::new(size_limit, al_size_limit, hasher));
                }
            }
            ShardCommand::StartNlMatrix { index, source, size_limit, al_size_limit } => {
                let hasher = self.hasher.clone();
                if let Some(s) = self.source_mut(source) {
                    upsert(&mut s.nl_matrix, index, NlMatrixTable::new(size_limit, al_size_limit, hasher));
                }
            }
            ShardCommand::SetDirectory(ref map) => self.directory = Arc::clone(map),
            ShardCommand::TcpLatency(limits) => {
                self.latency_limits = (limits.connections > 0).then_some(limits);
                for s in &mut self.sources {
                    s.tcp_latency = (limits.connections > 0).then(|| TcpLatencyTable::new(limits, self.hasher.clone()));
                }
                self.has_rmon2 = self.sources.iter().any(SourceShard::has_rmon2);
            }
            ShardCommand::StartNlMatrixTopN { index, matrix_index, start, duration } => {
                let mut window = NlMatrixTopNWindow::new(matrix_index, start, duration);
                window.advance(now, self.nl_matrix_table(matrix_index));
                upsert(&mut self.nl_top_n, index, window);
            }
            ShardCommand::StartAlMatrixTopN { index, matrix_index, start, duration } => {
                let mut window = AlMatrixTopNWindow::new(matrix_index, start, duration);
                window.advance(now, self.nl_matrix_table(matrix_index).map(|t| &t.al));
                upsert(&mut self.al_top_n, index, window);
            }
            ShardCommand::Stop { group, index } => match group {
                Group::HostTopN => remove(&mut self.top_n, index),
                Group::NlMatrixTopN => remove(&mut self.nl_top_n, index),
                Group::AlMatrixTopN => remove(&mut self.al_top_n, index),
                Group::Buffer => remove(&mut self.buffers, index),
                _ => {
                    for s in &mut self.sources {
                        match group {
                            Group::EtherStats => remove(&mut s.ether_stats, index),
                            Group::MediaIndependent => remove(&mut s.media_independent, index),
                            Group::History => remove(&mut s.history, index),
                            Group::Hosts => remove(&mut s.hosts, index),
                            Group::Matrix => remove(&mut s.matrix, index),
                            Group::Channel => remove(&mut s.channels, index),
                            Group::ProtocolDist => remove(&mut s.protocol_dist, index),
                            Group::AddressMap => remove(&mut s.address_map, index),
                            Group::NlHost => remove(&mut s.nl_host, index),
                            Group::NlMatrix => remove(&mut s.nl_matrix, index),
                            Group::HostTopN | Group::Buffer | Group::NlMatrixTopN | Group::AlMatrixTopN => {}
                        }
                    }
                }
            },
        }
        self.next_deadline = self.compute_deadline();
        self.has_channels = self.sources.iter().any(|s| !s.channels.is_empty());
        self.has_rmon2 = self.sources.iter().any(SourceShard::has_rmon2);
    }

    /// Completes history buckets and hostTopN reports due by `now`.
    fn advance(&mut self, now: Timestamp) {
        for source in &mut self.sources {
            for (_, recorder) in &mut source.history {
                recorder.advance(now, &source.counters);
            }
        }
        let mut windows = std::mem::take(&mut self.top_n);
        for (_, window) in &mut windows {
            window.advance(now, self.host_table(window.host_index));
        }
        self.top_n = windows;
        let mut windows = std::mem::take(&mut self.nl_top_n);
        for (_, window) in &mut windows {
            window.advance(now, self.nl_matrix_table(window.matrix_index));
        }
        self.nl_top_n = windows;
        let mut windows = std::mem::take(&mut self.al_top_n);
        for (_, window) in &mut windows {
            window.advance(now, self.nl_matrix_table(window.matrix_index).map(|t| &t.al));
        }
        self.al_top_n = windows;
        self.next_deadline = self.compute_deadline();
    }

    fn compute_deadline(&self) -> Timestamp {
        let buckets = self.sources.iter().flat_map(|s| s.history.iter().map(|(_, r)| r.bucket_end()));
        let reports = self.top_n.iter().filter_map(|(_, w)| w.next_deadline());
        let nl_reports = self.nl_top_n.iter().map(|(_, w)| w.next_deadline());
        let al_reports = self.al_top_n.iter().map(|(_, w)| w.next_deadline());
        buckets.chain(reports).chain(nl_reports).chain(al_reports).min().unwrap_or(Timestamp(u64::MAX))
    }

    /// Channel `index`, on whichever data source it runs.
    fn channel_mut(&mut self, index: u16) -> Option<&mut ChannelCounter> {
        self.sources.iter_mut().find_map(|s| find_mut(&mut s.channels, index))
    }

    fn source_mut(&mut self, source: DataSource) -> Option<&mut SourceShard> {
        self.sources.get_mut((source.if_index() as usize).wrapping_sub(1))
    }

    fn source(&self, source: DataSource) -> Option<&SourceShard> {
        self.sources.get((source.if_index() as usize).wrapping_sub(1))
    }

    /// The running counters of a data source since the shard started: the interface counters of
    /// IF-MIB, independent of any control row.
    pub fn source_counters(&self, source: DataSource) -> Option<EtherStatsCounters> {
        self.source(source).map(|s| s.counters)
    }

    /// The etherStats counters of row `index` on `source`: what was counted since it became valid.
    pub fn ether_stats(&self, source: DataSource, index: u16) -> Option<EtherStatsCounters> {
        let s = self.source(source)?;
        find(&s.ether_stats, index).map(|baseline| s.counters.since(baseline))
    }

    /// The counters of mediaIndependent row `index` on `source`, since it became active.
    pub fn media_independent(&self, source: DataSource, index: u16) -> Option<EtherStatsCounters> {
        let s = self.source(source)?;
        find(&s.media_independent, index).map(|baseline| s.counters.since(baseline))
    }

    pub fn history(&self, source: DataSource, index: u16) -> Option<&HistoryRecorder> {
        find(&self.source(source)?.history, index)
    }

    /// A copy with only the large tables in `parts`; the counters, history, channels and
    /// hostTopN reports always come along. A copy without hosts or matrix answers those tables
    /// empty: it is for reading what does not need them (an alarm on etherStatsPkts) without the
    /// cost of copying and merging tens of thousands of entries.
    ///
    /// A copy never carries the TCP connections the passive latency follows (tens of megabytes
    /// on a busy link), only its figures: it is read, never counted into.
    pub fn copy_of(&self, parts: ShardParts) -> Shard {
        let sources = self
            .sources
            .iter()
            .map(|s| SourceShard {
                counters: s.counters,
                ether_stats: s.ether_stats.clone(),
                media_independent: s.media_independent.clone(),
                history: s.history.clone(),
                hosts: if parts.hosts { s.hosts.clone() } else { Vec::new() },
                matrix: if parts.matrix { s.matrix.clone() } else { Vec::new() },
                channels: s.channels.clone(),
                protocol_dist: s.protocol_dist.clone(),
                address_map: if parts.hosts { s.address_map.clone() } else { Vec::new() },
                nl_host: if parts.hosts { s.nl_host.clone() } else { Vec::new() },
                nl_matrix: if parts.matrix { s.nl_matrix.clone() } else { Vec::new() },
                tcp_latency: if parts.matrix { s.tcp_latency.as_ref().map(TcpLatencyTable::readings) } else { None },
                mirror: s.mirror,
            })
            .collect();
        Shard {
            now: self.now,
            next_deadline: self.next_deadline,
            sources,
            top_n: self.top_n.clone(),
            nl_top_n: self.nl_top_n.clone(),
            al_top_n: self.al_top_n.clone(),
            hasher: self.hasher.clone(),
            hashes: Vec::new(),
            rmon2_facts: Vec::new(),
            has_channels: self.has_channels,
            buffers: if parts.buffers { self.buffers.clone() } else { Vec::new() },
            has_rmon2: self.has_rmon2,
            directory: Arc::clone(&self.directory),
            dedup_window_ns: self.dedup_window_ns,
            latency_limits: self.latency_limits,
        }
    }

    /// The passive TCP latency of data source `if_index` (ifIndex, from 1), if followed.
    pub fn tcp_latency(&self, if_index: u32) -> Option<&TcpLatencyTable> {
        self.sources.get((if_index as usize).wrapping_sub(1))?.tcp_latency.as_ref()
    }

    /// The host table of hostControlIndex `index`, whatever its data source.
    pub fn host_table(&self, index: u16) -> Option<&HostTable> {
        self.sources.iter().find_map(|s| find(&s.hosts, index))
    }

    pub fn matrix_table(&self, index: u16) -> Option<&MatrixTable> {
        self.sources.iter().find_map(|s| find(&s.matrix, index))
    }

    pub fn protocol_dist(&self, index: u16) -> Option<&ProtocolDistCounts> {
        self.sources.iter().find_map(|s| find(&s.protocol_dist, index))
    }

    pub fn address_map(&self, index: u16) -> Option<&AddressMapTable> {
        self.sources.iter().find_map(|s| find(&s.address_map, index))
    }

    pub fn nl_host_table(&self, index: u16) -> Option<&NlHostTable> {
        self.sources.iter().find_map(|s| find(&s.nl_host, index))
    }

    pub fn nl_matrix_table(&self, index: u16) -> Option<&NlMatrixTable> {
        self.sources.iter().find_map(|s| find(&s.nl_matrix, index))
    }

    pub fn nl_matrix_top_n(&self, index: u16) -> Option<&NlMatrixTopNWindow> {
        find(&self.nl_top_n, index)
    }

    pub fn al_matrix_top_n(&self, index: u16) -> Option<&AlMatrixTopNWindow> {
        find(&self.al_top_n, index)
    }

    pub fn top_n(&self, index: u16) -> Option<&TopNWindow> {
        find(&self.top_n, index)
    }

    /// This shard's channelMatches of channel `index`, whatever its interface.
    pub fn channel_matches(&self, index: u16) -> Option<u64> {
        self.sources.iter().find_map(|s| find(&s.channels, index)).map(|c| c.matches)
    }

    /// This shard's share of capture buffer `index`.
    pub fn capture_buffer(&self, index: u16) -> Option<&CaptureBuffer> {
        find(&self.buffers, index)
    }

    /// channelMatches of every channel of this shard, by channelIndex: what the channels'
    /// events watch, without copying the whole shard.
    pub fn channel_counts(&self) -> Vec<(u16, u64)> {
        self.sources.iter().flat_map(|s| s.channels.iter().map(|(index, c)| (*index, c.matches))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::time::NANOS_PER_SEC;
    use crate::packet::Condition;
    use crate::rmon::filter::{AcceptType, Filter};
    use crate::rmon::hosts::tests::{frame, mac};

    const SEC: u64 = NANOS_PER_SEC;

    fn at(secs: u64, seq: u64) -> Frame {
        let mut f = frame(seq, mac(1), mac(2), 100, Condition::Good);
        f.time = Timestamp(secs * SEC);
        f
    }

    fn shard() -> Shard {
        let mut s = Shard::new(1, Timestamp(0));
        for c in [
            ShardCommand::StartEtherStats { index: 1, source: DataSource(1) },
            ShardCommand::StartHistory {
                index: 1,
                source: DataSource(1),
                interval: 10,
                granted: 50,
                start: Timestamp(0),
            },
            ShardCommand::StartHosts { index: 1, source: DataSource(1), size_limit: 100 },
            ShardCommand::StartMatrix { index: 1, source: DataSource(1), size_limit: 100 },
        ] {
            s.apply(&c);
        }
        s
    }

    #[test]
    fn a_frame_at_the_boundary_belongs_to_the_next_bucket() {
        let mut s = shard();
        s.count(&at(0, 0));
        s.count(&at(9, 1));
        s.count(&at(10, 2));
        let h = s.history(DataSource(1), 1).unwrap();
        let got: Vec<_> = h.samples().map(|x| (x.sample_index, x.counters.pkts)).collect();
        assert_eq!(got, vec![(1, 2)]);
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().pkts, 3);
    }

    #[test]
    fn time_never_goes_back() {
        let mut s = shard();
        s.count(&at(15, 0));
        s.count(&at(3, 1)); // stamped earlier: counted at 15 s, in bucket 2
        s.tick(Timestamp(20 * SEC));
        let got: Vec<_> = s.history(DataSource(1), 1).unwrap().samples().map(|x| x.counters.pkts).collect();
        assert_eq!(got, vec![0, 2]);
        assert_eq!(s.now(), Timestamp(20 * SEC));
    }

    #[test]
    fn a_row_made_later_counts_from_then() {
        let mut s = shard();
        s.count(&at(1, 0));
        s.apply(&ShardCommand::StartEtherStats { index: 2, source: DataSource(1) });
        s.count(&at(2, 1));
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().pkts, 2);
        assert_eq!(s.ether_stats(DataSource(1), 2).unwrap().pkts, 1);
    }

    #[test]
    fn a_copy_without_hosts_and_matrix_keeps_the_counters_and_history() {
        let mut s = shard();
        for (i, secs) in [1, 5, 12].into_iter().enumerate() {
            s.count(&at(secs, i as u64));
        }
        let light = s.copy_of(ShardParts { hosts: false, matrix: true, buffers: false });
        assert_eq!(light.ether_stats(DataSource(1), 1), s.ether_stats(DataSource(1), 1));
        assert_eq!(light.source_counters(DataSource(1)), s.source_counters(DataSource(1)));
        let samples = |x: &Shard| x.history(DataSource(1), 1).map(|h| h.samples().count());
        assert_eq!((samples(&light), samples(&s)), (Some(1), Some(1)));
        assert!(light.host_table(1).is_none() && s.host_table(1).is_some_and(|h| h.len() == 2));
        assert_eq!(light.matrix_table(1).map(|m| m.len()), Some(1));
        assert_eq!(light.now(), s.now());
        let whole = s.copy_of(ShardParts::ALL);
        assert_eq!(whole.host_table(1).map(|h| h.len()), Some(2));
    }

    #[test]
    fn stop_removes_the_data() {
        let mut s = shard();
        s.count(&at(1, 0));
        for group in [Group::EtherStats, Group::History, Group::Hosts, Group::Matrix] {
            s.apply(&ShardCommand::Stop { group, index: 1 });
        }
        assert!(s.ether_stats(DataSource(1), 1).is_none());
        assert!(s.history(DataSource(1), 1).is_none());
        assert!(s.host_table(1).is_none());
        assert!(s.matrix_table(1).is_none());
        // Frames still count for the data source but no row shows them.
        s.count(&at(2, 1));
    }

    #[test]
    fn resize_keeps_the_history_running() {
        let mut s = shard();
        s.tick(Timestamp(30 * SEC));
        s.apply(&ShardCommand::ResizeHistory { index: 1, granted: 2 });
        let got: Vec<_> = s.history(DataSource(1), 1).unwrap().samples().map(|x| x.sample_index).collect();
        assert_eq!(got, vec![2, 3]);
        s.apply(&ShardCommand::ResizeHistory { index: 9, granted: 2 });
    }

    #[test]
    fn top_n_report_runs_on_the_shard_clock() {
        let mut s = shard();
        s.apply(&ShardCommand::StartHostTopN {
            index: 3,
            host_index: 1,
            rate_base: RateBase::OutPkts,
            start: Timestamp(0),
            duration: 5,
        });
        s.count(&at(1, 0));
        s.count(&at(4, 1));
        assert!(s.top_n(3).unwrap().result().is_none());
        s.count(&at(5, 2)); // at the end: not in the report
        let result = s.top_n(3).unwrap().result().unwrap().to_vec();
        assert_eq!(result, vec![(mac(1), 2)]);
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn a_frame_of_an_unknown_data_source_counts_nowhere() {
        let mut s = shard();
        let mut f = at(1, 0);
        f.if_index = 7;
        s.count(&f);
        f.if_index = 0;
        s.count(&f);
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().pkts, 0);
    }

    fn icmp_channel(accept_type: AcceptType) -> ShardCommand {
        ShardCommand::StartChannel {
            index: 4,
            source: DataSource(1),
            filters: ChannelFilters {
                accept_type,
                filters: vec![Filter::data(12, &[0x08, 0x00]), Filter::data(23, &[0x01])],
            },
            on: false,
        }
    }

    /// Bytes 12..=13 (ethertype) and 23 (IPv4 protocol) of a frame; the rest zero.
    fn bytes(ether_type: [u8; 2], protocol: u8) -> [u8; 34] {
        let mut b = [0u8; 34];
        b[12..14].copy_from_slice(&ether_type);
        b[23] = protocol;
        b
    }

    /// An Ethernet II frame of IPv4 TCP from 10.0.0.`a` to 10.0.0.`b` port 80 (www-http).
    fn tcp_bytes(a: u8, b: u8) -> [u8; 54] {
        let mut f = [0u8; 54];
        f[12..14].copy_from_slice(&[0x08, 0x00]);
        f[14] = 0x45;
        f[16..18].copy_from_slice(&40u16.to_be_bytes());
        f[22] = 64;
        f[23] = 6;
        f[26..30].copy_from_slice(&[10, 0, 0, a]);
        f[30..34].copy_from_slice(&[10, 0, 0, b]);
        f[34..36].copy_from_slice(&(1024 + u16::from(a)).to_be_bytes());
        f[36..38].copy_from_slice(&80u16.to_be_bytes());
        f[46] = 0x50;
        f
    }

    /// Counting a batch requests its slots a window ahead; what it counts must be what the
    /// same frames counted one by one give, in every RMON2 table, with the tables growing and
    /// evicting (limits below the 40 hosts) across windows.
    #[test]
    fn a_batch_counts_what_its_frames_count_one_by_one() {
        let rmon2 = |s: &mut Shard| {
            let source = DataSource(1);
            for c in [
                ShardCommand::StartProtocolDist { index: 1, source },
                ShardCommand::StartAddressMap { index: 1, source, size_limit: 30 },
                ShardCommand::StartNlHost { index: 1, source, size_limit: 25, al_size_limit: 45 },
                ShardCommand::StartNlMatrix { index: 1, source, size_limit: 200, al_size_limit: 150 },
            ] {
                s.apply(&c);
            }
        };
        let (mut batched, mut single) = (Shard::new(1, Timestamp(0)), Shard::new(1, Timestamp(0)));
        rmon2(&mut batched);
        rmon2(&mut single);
        let mut x = 7u64;
        let (mut frames, mut bytes) = (Vec::new(), Vec::new());
        for seq in 0..3 * PREFETCH_WINDOW as u64 + 5 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let (a, b) = ((x >> 33) as u8 % 40 + 1, (x >> 45) as u8 % 40 + 1);
            frames.push(frame(seq, mac(a), mac(b), 60 + u32::from(a), Condition::Good));
            bytes.push(tcp_bytes(a, b));
        }
        batched.count_batch(&frames, bytes.iter().map(|b| &b[..]));
        for (f, b) in frames.iter().zip(&bytes) {
            single.count_with_bytes(f, b);
        }
        let (b, s) = (batched.nl_host_table(1).unwrap(), single.nl_host_table(1).unwrap());
        let hosts = crate::rmon::nl_host::merge(&[b]);
        assert_eq!(hosts, crate::rmon::nl_host::merge(&[s]));
        assert!(hosts.hosts.len() == 25 && hosts.deletes > 0, "{} hosts, {} deleted", hosts.hosts.len(), hosts.deletes);
        let al_hosts = crate::rmon::al_host::merge(&[&b.al]);
        assert_eq!(al_hosts, crate::rmon::al_host::merge(&[&s.al]));
        assert!(al_hosts.hosts.len() == 45 && al_hosts.deletes > 0);
        let (b, s) = (batched.nl_matrix_table(1).unwrap(), single.nl_matrix_table(1).unwrap());
        assert_eq!(crate::rmon::nl_matrix::merge(&[b]), crate::rmon::nl_matrix::merge(&[s]));
        let al_pairs = crate::rmon::al_matrix::merge(&[&b.al]);
        assert_eq!(al_pairs, crate::rmon::al_matrix::merge(&[&s.al]));
        assert!(al_pairs.pairs.len() == 150 && al_pairs.deletes > 0);
        let (b, s) = (batched.address_map(1).unwrap(), single.address_map(1).unwrap());
        assert_eq!(crate::rmon::address_map::merge(&[b]), crate::rmon::address_map::merge(&[s]));
        let dist = crate::rmon::protocol_dist::merge(&[batched.protocol_dist(1).unwrap()]);
        assert_eq!(dist, crate::rmon::protocol_dist::merge(&[single.protocol_dist(1).unwrap()]));
        assert!(dist.iter().any(|(_, pkts, _)| *pkts == frames.len() as u64), "{dist:?}");
    }

    #[test]
    fn channel_matches_count_accepted_frames_of_its_source() {
        let mut s = Shard::new(2, Timestamp(0));
        s.apply(&icmp_channel(AcceptType::AcceptMatched));
        s.apply(&ShardCommand::StartEtherStats { index: 1, source: DataSource(1) });
        let ipv4 = bytes([0x08, 0x00], 17);
        let arp_1 = bytes([0x08, 0x06], 1);
        let arp = bytes([0x08, 0x06], 0);
        let frames: Vec<Frame> = (0..4).map(|i| at(1, i)).collect();
        s.count_batch(&frames, [&ipv4[..], &arp_1[..], &arp[..], &ipv4[..20]]);
        assert_eq!(s.channel_matches(4), Some(3), "ORed: IPv4, protocol byte 1, IPv4 (20 bytes suffice)");
        // A frame of another data source is not the channel's.
        let mut other = at(2, 4);
        other.if_index = 2;
        s.count_with_bytes(&other, &ipv4);
        assert_eq!(s.channel_matches(4), Some(3));
        // A frame counted without its bytes matches no data filter.
        s.count(&at(3, 5));
        assert_eq!(s.channel_matches(4), Some(3));
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().pkts, 5);
    }

    #[test]
    fn accept_failed_counts_the_rest() {
        let mut s = Shard::new(1, Timestamp(0));
        s.apply(&icmp_channel(AcceptType::AcceptFailed));
        let frames: Vec<Frame> = (0..3).map(|i| at(1, i)).collect();
        let ipv4 = bytes([0x08, 0x00], 1);
        let arp = bytes([0x08, 0x06], 0);
        s.count_batch(&frames, [&ipv4[..], &arp[..], &arp[..12]]);
        assert_eq!(s.channel_matches(4), Some(2), "the ARP frame and the one too short for any filter");
    }

    #[test]
    fn a_batch_without_bytes_still_counts_when_no_channel_exists() {
        let mut s = shard();
        let frames: Vec<Frame> = (0..3).map(|i| at(1, i)).collect();
        s.count_batch(&frames, std::iter::empty());
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().pkts, 3);
        assert!(s.channel_matches(1).is_none());
    }

    #[test]
    fn stopping_a_channel_drops_its_matches_and_restarting_starts_from_zero() {
        let mut s = Shard::new(1, Timestamp(0));
        s.apply(&icmp_channel(AcceptType::AcceptMatched));
        s.count_with_bytes(&at(1, 0), &bytes([0x08, 0x00], 1));
        assert_eq!(s.channel_matches(4), Some(1));
        s.apply(&ShardCommand::Stop { group: Group::Channel, index: 4 });
        assert!(s.channel_matches(4).is_none());
        s.count_with_bytes(&at(2, 1), &bytes([0x08, 0x00], 1));
        s.apply(&icmp_channel(AcceptType::AcceptMatched));
        assert_eq!(s.channel_matches(4), Some(0));
    }

    #[test]
    fn drop_events_reach_the_counters() {
        let mut s = shard();
        s.add_drop_events(DataSource(1), 3);
        s.add_drop_events(DataSource(9), 3);
        assert_eq!(s.ether_stats(DataSource(1), 1).unwrap().drop_events, 3);
    }
}
