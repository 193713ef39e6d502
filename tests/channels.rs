//! Channels over the golden captures: channels and filters set up from a configuration file, and
//! their channelMatches after a replay against the number of frames tshark shows for an
//! equivalent display filter.
//!
//! The counts were taken with tshark 4 (`tshark -r CAPTURE -Y FILTER | wc -l`) and are written
//! here, so the test runs where tshark is missing; where it is installed, the test asks it again,
//! so the two cannot drift apart. Display filters name header fields, not byte offsets, so they
//! check the offsets of the filters as well as the matching. (tshark's `icmp` alone shows 117
//! frames of lab-basic, not 149: it puts the ICMP layer only on the last fragment of a reassembled
//! ping, while every fragment carries IPv4 protocol 1, which is what a byte filter sees.)

use std::path::{Path, PathBuf};
use std::process::Command;

use rmonprobe::config::Config;
use rmonprobe::replay::{ReplayOptions, Speed, replay};
use serde_json::Value;

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(name)
}

/// Frames of `capture` that tshark shows for `display_filter`; None without tshark.
fn tshark_count(capture: &Path, display_filter: &str) -> Option<u64> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(capture)
        .args(["-Y", display_filter, "-T", "fields", "-e", "frame.number"])
        .output()
        .ok()?;
    assert!(out.status.success(), "tshark -Y {display_filter:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.trim().is_empty()).count() as u64)
}

/// channelMatches of each channel after replaying `capture` with `config` on `workers` workers.
fn channel_matches(capture: &Path, config: &str, workers: usize) -> Vec<(u64, u64)> {
    let config = Config::parse(config).expect("config");
    let options =
        ReplayOptions { files: vec![capture.to_path_buf()], fcs_present: false, speed: Speed::Max, config, workers };
    let result = replay(&options).expect("replay");
    let report = serde_json::to_value(result.tables()).expect("report");
    report["channelTable"]
        .as_array()
        .expect("channelTable")
        .iter()
        .map(|c| (c["channelIndex"].as_u64().unwrap(), c["channelMatches"].as_u64().unwrap()))
        .collect()
}

/// Checks each channel's matches against its recorded count and, where tshark is installed,
/// against tshark's count for its display filter.
fn check(capture_name: &str, config: &str, expected: &[(u64, &str, u64)]) {
    let path = capture(capture_name);
    for &(_, display_filter, recorded) in expected {
        if let Some(count) = tshark_count(&path, display_filter) {
            assert_eq!(count, recorded, "{capture_name}: tshark -Y {display_filter:?} no longer agrees with the test");
        }
    }
    let want: Vec<(u64, u64)> = expected.iter().map(|&(index, _, count)| (index, count)).collect();
    // One worker, and frames spread over three (channelMatches summed on read).
    for workers in [1, 3] {
        assert_eq!(channel_matches(&path, config, workers), want, "{capture_name} on {workers} workers");
    }
}

const BYTE_CHANNELS: &str = r#"
# IPv4 and ICMP as one filter: the ethertype at 12, the IPv4 protocol at 23, the bytes between
# masked out.
[[channel]]
channelIndex = 1
channelDescription = "IPv4 ICMP"

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktDataOffset = 12
filterPktData     = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"

# Everything but IPv4: the IPv4 filter, inverted by the channel.
[[channel]]
channelIndex = 2
channelAcceptType = "acceptFailed"
channelDataControl = "on"

[[filter]]
filterIndex = 2
filterChannelIndex = 2
filterPktDataOffset = 12
filterPktData = "0800"

# IPv4 but not ICMP: the protocol byte under filterPktDataNotMask.
[[channel]]
channelIndex = 3

[[filter]]
filterIndex = 3
filterChannelIndex = 3
filterPktDataOffset = 12
filterPktData        = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask    = "ff:ff:00:00:00:00:00:00:00:00:00:ff"
filterPktDataNotMask = "00:00:00:00:00:00:00:00:00:00:00:ff"

# ICMP or ARP: two filters of one channel are ORed.
[[channel]]
channelIndex = 4

[[filter]]
filterIndex = 4
filterChannelIndex = 4
filterPktDataOffset = 12
filterPktData     = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"

[[filter]]
filterIndex = 5
filterChannelIndex = 4
filterPktDataOffset = 12
filterPktData = "08:06"
"#;

#[test]
fn byte_filters_agree_with_tshark_on_lab_basic() {
    check(
        "lab-basic.pcapng",
        BYTE_CHANNELS,
        &[
            (1, "eth.type == 0x0800 && ip.proto == 1", 149),
            (2, "!(eth.type == 0x0800)", 165),
            (3, "eth.type == 0x0800 && !(ip.proto == 1)", 2286),
            (4, "(eth.type == 0x0800 && ip.proto == 1) || arp", 149 + ARP_FRAMES),
        ],
    );
}

/// ARP frames of lab-basic (`tshark -Y arp`).
const ARP_FRAMES: u64 = 60;

const STATUS_CHANNELS: &str = r#"
# Frames longer than 1518 octets (status bit 0), good or bad FCS.
[[channel]]
channelIndex = 1

[[filter]]
filterIndex = 1
filterChannelIndex = 1
filterPktStatus = 1
filterPktStatusMask = 1

# IPv4 ICMP again, on a capture that carries the FCS and has damaged and cut frames.
[[channel]]
channelIndex = 2

[[filter]]
filterIndex = 2
filterChannelIndex = 2
filterPktDataOffset = 12
filterPktData     = "08:00:00:00:00:00:00:00:00:00:00:01"
filterPktDataMask = "ff:ff:00:00:00:00:00:00:00:00:00:ff"
"#;

#[test]
fn status_filters_agree_with_tshark_on_lab_fcs() {
    // lab-fcs keeps the FCS, so tshark's frame.len is the length on the wire.
    check(
        "lab-fcs.pcapng",
        STATUS_CHANNELS,
        &[(1, "frame.len > 1518", 3), (2, "eth.type == 0x0800 && ip.proto == 1", 96)],
    );
}

#[test]
fn the_report_shows_the_filter_and_channel_rows() {
    let config = Config::parse(BYTE_CHANNELS).expect("config");
    let options = ReplayOptions {
        files: vec![capture("lab-vlan.pcapng")],
        fcs_present: false,
        speed: Speed::Max,
        config,
        workers: 1,
    };
    let report = serde_json::to_value(replay(&options).expect("replay").tables()).expect("report");
    let channel: &Value = &report["channelTable"][1];
    assert_eq!(channel["channelAcceptType"], "acceptFailed");
    assert_eq!(channel["channelDataControl"], "on");
    assert_eq!(channel["channelOwner"], "monitor");
    assert_eq!(channel["channelStatus"], "valid");
    assert_eq!(report["channelTable"][0]["channelDataControl"], "off", "the MIB's DEFVAL");
    assert_eq!(report["filterTable"].as_array().map(Vec::len), Some(5));
    assert_eq!(report["filterTable"][2]["filterPktDataNotMask"], "00:00:00:00:00:00:00:00:00:00:00:ff");
}

#[test]
fn a_filter_of_a_missing_channel_is_refused() {
    let config = Config::parse("[[filter]]\nfilterIndex = 1\nfilterChannelIndex = 9\n").expect("config");
    let options = ReplayOptions {
        files: vec![capture("lab-basic.pcapng")],
        fcs_present: false,
        speed: Speed::Max,
        config,
        workers: 1,
    };
    let err = replay(&options).err().expect("refused").to_string();
    assert!(err.contains("filter 1") && err.contains("channel"), "{err}");
}
