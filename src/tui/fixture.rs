//! Fixed data for the UI's tests: the bundled lab capture replayed with one row of every group
//! the screens show. The replay samples the alarm and the user histories on the packets' clock,
//! so the alarm's value, the log entries it fired and the usrHistory buckets are the same every
//! time.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::replay::{ReplayOptions, Speed, replay};
use crate::rmon::{Shard, Snapshot};
use crate::tui::app::{App, Event};
use crate::tui::source::{Groups, Reading};

pub const CONFIG: &str = r#"
[[event]]
eventIndex = 1
eventType = "logandtrap"
eventDescription = "busy segment"

[[alarm]]
alarmIndex = 1
alarmInterval = 10
alarmVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
alarmSampleType = "deltaValue"
alarmRisingThreshold = 200
alarmFallingThreshold = 50
alarmRisingEventIndex = 1
alarmFallingEventIndex = 1

[[channel]]
channelIndex = 1
channelDataControl = "on"
channelDescription = "IPv4 ICMP"

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"

[[bufferControl]]
bufferControlIndex = 1
bufferControlChannelIndex = 1
bufferControlFullAction = "wrapWhenFull"

# The data source's packets and octets every 10 s: the lab capture's 100 s fill 10 buckets.
[[usrHistoryControl]]
usrHistoryControlIndex = 1
usrHistoryControlInterval = 10
usrHistoryControlBucketsRequested = 50

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.4.1"
usrHistoryObjectSampleType = "deltaValue"

# Over 30 s, as historyControl 1: its packets equal etherHistoryPkts bucket for bucket. And the
# hosts learned so far (hostControlTableSize.1, absoluteValue).
[[usrHistoryControl]]
usrHistoryControlIndex = 2
usrHistoryControlInterval = 30
usrHistoryControlBucketsRequested = 50

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.1.1.1.5.1"
usrHistoryObjectSampleType = "deltaValue"

[[usrHistoryControl.objects]]
usrHistoryObjectVariable = "1.3.6.1.2.1.16.4.1.1.3.1"
usrHistoryObjectSampleType = "absoluteValue"
"#;

/// The lab capture's snapshot at its end.
pub fn snapshot() -> Snapshot {
    let capture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/lab-basic.pcapng");
    let config = Config::parse(CONFIG).expect("the fixture's configuration");
    let options = ReplayOptions { files: vec![capture], fcs_present: false, speed: Speed::Max, config, workers: 1 };
    let replayed = replay(&options).expect("the lab capture replays");
    let shards: Vec<&Shard> = replayed.shards.iter().collect();
    let mut s = Snapshot::take(&replayed.probe, replayed.end_time(), &shards);
    // ifDescr names the file by the path given: the same wherever the checkout is.
    for i in &mut s.interfaces {
        i.info.descr = "replay of captures/lab-basic.pcapng".into();
    }
    s
}

/// An App that has taken the fixture's snapshot as its one reading.
pub fn app(groups: Groups) -> App {
    app_of(snapshot(), groups)
}

/// An App that has taken `snapshot` (the fixture's, changed by a test) as its one reading.
pub fn app_of(snapshot: Snapshot, groups: Groups) -> App {
    let mut app = App::new("fixture: lab-basic.pcapng".into(), PathBuf::from("."));
    app.update(Event::Reading(Ok(Reading { snapshot: Arc::new(snapshot), groups, finished: true, every_table: true })));
    app
}
