//! Reading the probes of a Fleet: a few small requests each (sysUpTime, etherStatsTable, the
//! data source's ifSpeed, hostControlDataSource and two hostTable columns of its row,
//! alarmStatus), by a pool of at most [`MAX_IN_FLIGHT`] threads, so a dead probe holds one
//! thread for its timeout and never the others. Each request goes through the remote source's
//! [`Walker`] (csnmp over SNMPv2c).

use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::packet::MacAddr;
use crate::snmp::value::Value;
use crate::tui::fleet::{Counters, ProbeReading, ProbeSpec};
use crate::tui::source::decode::{Rows, entry_oid};
use crate::tui::source::remote::{Snmp2c, Walker};

/// Probes read at once, at most.
pub const MAX_IN_FLIGHT: usize = 8;

/// sysUpTime.0.
const SYS_UP_TIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
/// IF-MIB's ifSpeed and ifHighSpeed columns (ifHighSpeed in Mb/s, for ifSpeed's 2^32 - 1).
const IF_SPEED: [u32; 10] = [1, 3, 6, 1, 2, 1, 2, 2, 1, 5];
const IF_HIGH_SPEED: [u32; 11] = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15];
/// etherStatsEntry's columns (RFC 2819).
mod ether_stats {
    pub const DATA_SOURCE: u32 = 2;
    pub const DROP_EVENTS: u32 = 3;
    pub const OCTETS: u32 = 4;
    pub const PKTS: u32 = 5;
    /// CRCAlignErrors, UndersizePkts, OversizePkts, Fragments, Jabbers.
    pub const ERRORS: [u32; 5] = [8, 9, 10, 11, 12];
}
/// hostControlEntry's hostControlDataSource; hostEntry's hostInOctets and hostOutOctets;
/// alarmEntry's alarmStatus.
const HOST_CONTROL_DATA_SOURCE: u32 = 2;
const HOST_IN_OCTETS: u32 = 6;
const HOST_OUT_OCTETS: u32 = 7;
const ALARM_STATUS: u32 = 12;
/// EntryStatus valid(1).
const VALID: i32 = 1;

/// Reads one probe through `walker`. Only sysUpTime failing makes the probe unreachable; a
/// group the agent lacks just leaves its figure unknown.
pub fn read_probe(walker: &mut dyn Walker) -> Result<ProbeReading, String> {
    let ticks = match walker.get(&SYS_UP_TIME)? {
        Value::TimeTicks(t) => u64::from(t),
        other => return Err(format!("sysUpTime.0 is {other:?}")),
    };
    let stats_entry = entry_oid(1, 1);
    let stats = Rows::from_walk(&stats_entry, &walker.walk(&stats_entry).unwrap_or_default());
    let first = stats
        .read(|r| {
            let counters = Counters {
                octets: r.u64(ether_stats::OCTETS),
                pkts: r.u64(ether_stats::PKTS),
                errors: ether_stats::ERRORS.iter().map(|c| r.u64(*c)).sum(),
                drops: r.u64(ether_stats::DROP_EVENTS),
            };
            Some((r.data_source(ether_stats::DATA_SOURCE).0, counters))
        })
        .into_iter()
        .next();
    let if_speed = first.and_then(|(if_index, _)| if_speed(walker, if_index));
    Ok(ProbeReading {
        ticks,
        if_speed,
        counters: first.map(|(_, c)| c),
        busiest: busiest(walker, first.map(|(if_index, _)| if_index)),
        alarms: valid_alarms(walker),
    })
}

/// ifSpeed of `if_index`, or ifHighSpeed where ifSpeed latches at 2^32 - 1; None when
/// unknown (no such interface, or a speed of 0).
fn if_speed(walker: &mut dyn Walker, if_index: u32) -> Option<u64> {
    let instance = |column: &[u32]| {
        let mut oid = column.to_vec();
        oid.push(if_index);
        oid
    };
    let speed = match walker.get(&instance(&IF_SPEED)) {
        Ok(Value::Gauge32(s)) => u64::from(s),
        _ => 0,
    };
    let speed = if speed >= u64::from(u32::MAX) {
        match walker.get(&instance(&IF_HIGH_SPEED)) {
            Ok(Value::Gauge32(mbps)) => u64::from(mbps) * 1_000_000,
            _ => speed,
        }
    } else {
        speed
    };
    (speed > 0).then_some(speed)
}

/// hostTable's busiest host by hostInOctets + hostOutOctets, among the hosts of the data
/// source `if_index` (its hostControl row; every row's when none names it): two columns of
/// that row's hosts walked, not the whole table.
fn busiest(walker: &mut dyn Walker, if_index: Option<u32>) -> Option<MacAddr> {
    let control = entry_oid(4, 1);
    let mut data_sources = control.to_vec();
    data_sources.push(HOST_CONTROL_DATA_SOURCE);
    let rows = Rows::from_walk(&control, &walker.walk(&data_sources).unwrap_or_default());
    let host_index = rows
        .read(|r| (Some(r.data_source(HOST_CONTROL_DATA_SOURCE).0) == if_index).then(|| r.index.first().copied())?)
        .into_iter()
        .next();
    let entry = entry_oid(4, 2);
    let mut bindings = Vec::new();
    for column in [HOST_IN_OCTETS, HOST_OUT_OCTETS] {
        let mut oid = entry.to_vec();
        oid.push(column);
        oid.extend(host_index);
        bindings.extend(walker.walk(&oid).ok()?);
    }
    Rows::from_walk(&entry, &bindings)
        .read(|r| {
            // The index is hostIndex and hostAddress, an OCTET STRING (its length, then its
            // octets): the MAC is the last six arcs.
            let start = r.index.len().checked_sub(6).filter(|s| *s >= 1)?;
            let octets: Option<Vec<u8>> = r.index[start..].iter().map(|a| u8::try_from(*a).ok()).collect();
            let mac: [u8; 6] = octets?.try_into().ok()?;
            Some((r.u64(HOST_IN_OCTETS) + r.u64(HOST_OUT_OCTETS), mac))
        })
        .into_iter()
        .max_by_key(|(octets, _)| *octets)
        .map(|(_, mac)| MacAddr(mac))
}

/// alarmTable's rows whose alarmStatus is valid.
fn valid_alarms(walker: &mut dyn Walker) -> usize {
    let mut column = entry_oid(3, 1).to_vec();
    column.push(ALARM_STATUS);
    walker.walk(&column).unwrap_or_default().iter().filter(|(_, v)| *v == Value::Integer(VALID)).count()
}

/// How every probe is reached.
#[derive(Clone, Debug)]
pub struct PollOptions {
    /// The read community of the probes the `--agents` file gives none.
    pub community: String,
    pub timeout: Duration,
}

/// A probe to read: its position in the order given, and where it is.
pub type Job = (usize, ProbeSpec);
/// A reading of the probe at a position, or why it failed.
pub type Answer = (usize, Result<ProbeReading, String>);

/// The pool: send a probe's position and spec to read it; each answer comes back on the
/// receiver with the position.
pub fn spawn_pool(options: PollOptions) -> std::io::Result<(Sender<Job>, Receiver<Answer>)> {
    let (jobs, inbox) = unbounded::<Job>();
    let (outbox, answers) = unbounded::<Answer>();
    for n in 0..MAX_IN_FLIGHT {
        let inbox = inbox.clone();
        let outbox = outbox.clone();
        let options = options.clone();
        std::thread::Builder::new().name(format!("rmonprobe-fleet-{n}")).spawn(move || {
            for (index, spec) in inbox {
                let community = spec.community.as_deref().unwrap_or(&options.community);
                let result = Snmp2c::connect(&spec.address, community, None, options.timeout)
                    .and_then(|mut walker| read_probe(&mut walker));
                if outbox.send((index, result)).is_err() {
                    return;
                }
            }
        })?;
    }
    Ok((jobs, answers))
}
