//! The SNMP agent as managers meet it. Over UDP, an independent client (csnmp) reads what the
//! probe counted and walks the five control tables through their life cycle; through the sans-IO
//! core, whole-MIB walks (GETNEXT, GETBULK, SNMPv1), GETBULK's shape, and tooBig. Responses of the
//! core are read back with snmp-parser, not with the crate's own decoder. The error statuses, the
//! dropped datagrams and the restart from the state file are in `snmp_agent_errors.rs`; the
//! helpers both share, in `common/mod.rs`.

mod common;

use std::collections::BTreeMap;

use csnmp::{ObjectIdentifier, ObjectValue, Snmp2cClient, SnmpClientError};
use rmonprobe::packet::MacAddr;
use rmonprobe::snmp::Backend;
use rmonprobe::snmp::message::{ErrorStatus, PduKind, VarBind, Version};
use rmonprobe::snmp::oid::Oid;
use rmonprobe::snmp::value::Value;

use common::*;

/// HC-RMON-MIB's etherStatsHighCapacityEntry, matrixSDHighCapacityEntry and
/// matrixDSHighCapacityEntry.
const ETHER_STATS_HC: &str = "1.3.6.1.2.1.16.1.7.1";
const MATRIX_SD_HC: &str = "1.3.6.1.2.1.16.6.5.1";
const MATRIX_DS_HC: &str = "1.3.6.1.2.1.16.6.6.1";
/// HC-RMON-MIB's mediaIndependentEntry.
const MEDIA_INDEPENDENT: &str = "1.3.6.1.2.1.16.21.1.1";

// ---------------------------------------------------------------------------------------------
// csnmp over UDP
// ---------------------------------------------------------------------------------------------

fn coid(o: &Oid) -> ObjectIdentifier {
    ObjectIdentifier::try_from(o.as_slice()).unwrap()
}

/// A csnmp value as the agent's type, to compare with the oracles.
fn from_csnmp(v: &ObjectValue) -> Value {
    match v {
        ObjectValue::Integer(i) => Value::Integer(*i),
        ObjectValue::String(s) => Value::OctetString(s.clone()),
        ObjectValue::ObjectId(o) => Value::ObjectId(Oid(o.as_slice().to_vec())),
        ObjectValue::IpAddress(a) => Value::IpAddress(a.octets()),
        ObjectValue::Counter32(n) => Value::Counter32(*n),
        ObjectValue::Unsigned32(n) => Value::Gauge32(*n),
        ObjectValue::TimeTicks(n) => Value::TimeTicks(*n),
        ObjectValue::Opaque(b) => Value::Opaque(b.clone()),
        ObjectValue::Counter64(n) => Value::Counter64(*n),
    }
}

fn from_csnmp_map(m: BTreeMap<ObjectIdentifier, ObjectValue>) -> BTreeMap<Oid, Value> {
    m.iter().map(|(k, v)| (Oid(k.as_slice().to_vec()), from_csnmp(v))).collect()
}

async fn client(served: &Served, community: &[u8]) -> Snmp2cClient {
    let bind = "127.0.0.1:0".parse().unwrap();
    Snmp2cClient::new(served.addr, community.to_vec(), Some(bind), Some(std::time::Duration::from_secs(3)), 2)
        .await
        .unwrap()
}

/// GET through csnmp: the value, or the exception csnmp reports as a failed binding.
async fn cget(c: &Snmp2cClient, o: &Oid) -> Value {
    match c.get(coid(o)).await {
        Ok(v) => from_csnmp(&v),
        Err(SnmpClientError::FailedBinding { binding }) => match binding.value {
            csnmp::message::BindingValue::NoSuchObject => Value::NoSuchObject,
            csnmp::message::BindingValue::NoSuchInstance => Value::NoSuchInstance,
            other => panic!("GET {o}: {other:?}"),
        },
        Err(e) => panic!("GET {o}: {e}"),
    }
}

async fn cwalk(c: &Snmp2cClient, top: &Oid) -> BTreeMap<Oid, Value> {
    from_csnmp_map(c.walk_bulk(coid(top), 7).await.unwrap())
}

/// csnmp does not look at the error-status of a SET's response: what a SET did is read back with
/// GETs by the callers.
async fn cset(c: &Snmp2cClient, vbs: &[(Oid, Value)]) {
    let vals = vbs.iter().map(|(o, v)| {
        let v = match v {
            Value::Integer(i) => ObjectValue::Integer(*i),
            Value::OctetString(s) => ObjectValue::String(s.clone()),
            Value::ObjectId(o) => ObjectValue::ObjectId(coid(o)),
            other => panic!("{other:?}"),
        };
        (coid(o), v)
    });
    c.set_multiple(vals.collect::<Vec<_>>()).await.unwrap();
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

#[test]
fn csnmp_reads_what_the_probe_counted() {
    let served = serve(counted_probe(), None);
    let (a, b, c, bc) = (mac(1), mac(2), mac(3), MacAddr::BROADCAST);
    block_on(async {
        let public = client(&served, b"public").await;
        // GET: sysUpTime is NOW - START in hundredths; the counts are those of `known_frames`.
        assert_eq!(cget(&public, &o("1.3.6.1.2.1.1.3.0", &[])).await, Value::TimeTicks(10_000));
        assert_eq!(
            cget(&public, &o("1.3.6.1.2.1.1.2.0", &[])).await,
            Value::ObjectId(o("1.3.6.1.4.1.32473.21.1.1", &[]))
        );
        let stats = |col: u32| o(ETHER_STATS, &[col, 1]);
        for (col, want) in [(4, 2282), (5, 7), (6, 1), (7, 0), (14, 1), (15, 3), (16, 2), (17, 0), (19, 1)] {
            assert_eq!(cget(&public, &stats(col)).await, Value::Counter32(want), "etherStats column {col}");
        }
        assert_eq!(cget(&public, &stats(22)).await, Value::NoSuchObject);
        assert_eq!(cget(&public, &o(ETHER_STATS, &[5, 2])).await, Value::NoSuchInstance);

        // GETNEXT across the boundaries of tables, groups and MIB modules.
        let crossings = [
            (o("1.3.6.1.2.1.1.7.0", &[]), o("1.3.6.1.2.1.2.1.0", &[]), Some(Value::Integer(1))),
            // etherStatsTable, then RMON2's etherStats2Table (1.4), HC-RMON's
            // etherStatsHighCapacityTable (1.7), then history.
            (o(ETHER_STATS, &[21, 1]), o("1.3.6.1.2.1.16.1.4.1.1.1", &[]), Some(Value::Counter32(0))),
            (o("1.3.6.1.2.1.16.1.4.1.2.1", &[]), o(ETHER_STATS_HC, &[1, 1]), Some(Value::Counter32(0))),
            (o(ETHER_STATS_HC, &[16, 1]), o(HISTORY_CONTROL, &[1, 1]), Some(Value::Integer(1))),
            (o(HOST_CONTROL, &[6, 1]), o(HOST, &[1, 1]).then(&mac_index(a)), Some(Value::OctetString(a.0.to_vec()))),
            (o("1.3.6.1.2.1.2.2.1.20.1", &[]), o("1.3.6.1.2.1.11.1.0", &[]), None),
            // matrixDSTable, then HC-RMON's matrixSDHighCapacityTable (6.5) and
            // matrixDSHighCapacityTable (6.6), then RMON2's protocolDirLastChange (11.1), ...,
            // HC-RMON's mediaIndependentTable (21.1; its index is not-accessible, so column 2
            // comes first), then IF-MIB.
            // (RMON2's matrixControl2Table, 6.4, between them.)
            (
                o(MATRIX_DS, &[6, 1]).then(&mac_index(bc)).then(&mac_index(c)),
                o("1.3.6.1.2.1.16.6.4.1.1.1", &[]),
                Some(Value::Counter32(0)),
            ),
            (
                o("1.3.6.1.2.1.16.6.4.1.2.1", &[]),
                o(MATRIX_SD_HC, &[1, 1]).then(&mac_index(a)).then(&mac_index(b)),
                Some(Value::Counter32(0)),
            ),
            (
                o(MATRIX_DS_HC, &[4, 1]).then(&mac_index(bc)).then(&mac_index(c)),
                o("1.3.6.1.2.1.16.11.1.0", &[]),
                Some(Value::TimeTicks(0)),
            ),
            (
                o("1.3.6.1.2.1.16.19.16.0", &[]),
                o(MEDIA_INDEPENDENT, &[2, 1]),
                Some(Value::ObjectId(o("1.3.6.1.2.1.2.2.1.1.1", &[]))),
            ),
            (o(MEDIA_INDEPENDENT, &[31, 1]), o(IF_X, &[1, 1]), Some(Value::OctetString(b"test0".to_vec()))),
        ];
        for (from, want_oid, want) in crossings {
            let (next, value) = public.get_next(coid(&from)).await.unwrap();
            assert_eq!(Oid(next.as_slice().to_vec()), want_oid, "GETNEXT {from}");
            match want {
                Some(want) => assert_eq!(from_csnmp(&value), want, "GETNEXT {from}"),
                None => assert!(matches!(value, ObjectValue::Counter32(n) if n > 0), "{value:?}"),
            }
        }

        // GETBULK: one non-repeater (sysUpTime.0 -> sysContact.0), three repetitions of hostInPkts.
        let bulk = public.get_bulk(&[coid(&o("1.3.6.1.2.1.1.3.0", &[])), coid(&o(HOST, &[4]))], 1, 3).await.unwrap();
        let want: BTreeMap<Oid, Value> = [
            (o("1.3.6.1.2.1.1.4.0", &[]), text("noc@example.net")),
            (o(HOST, &[4, 1]).then(&mac_index(a)), Value::Counter32(2)),
            (o(HOST, &[4, 1]).then(&mac_index(b)), Value::Counter32(3)),
            (o(HOST, &[4, 1]).then(&mac_index(c)), Value::Counter32(1)),
        ]
        .into();
        assert!(!bulk.end_of_mib_view);
        assert_eq!(from_csnmp_map(bulk.values), want);
        // Near the end of the MIB the repetitions stop at endOfMibView.
        let bulk = public.get_bulk(&[coid(&o(IF_X, &[18, 1]))], 0, 5).await.unwrap();
        assert!(bulk.end_of_mib_view);
        assert_eq!(from_csnmp_map(bulk.values), [(o(IF_X, &[19, 1]), Value::TimeTicks(0))].into());

        // hostTable by GETBULK walk: the hand-made tally, and what the probe's tables say.
        let walked = cwalk(&public, &o(HOST, &[])).await;
        // (address, creation order, in pkts, out pkts, in octets, out octets, out broadcast)
        let tally =
            [(a, 1, 2, 4, 400, 1818, 0), (b, 2, 3, 2, 300, 400, 0), (c, 3, 1, 1, 1518, 64, 1), (bc, 4, 1, 0, 64, 0, 0)];
        let mut want = BTreeMap::new();
        for (m, order, inp, outp, ino, outo, outb) in tally {
            let row = |col: u32, v: Value| (o(HOST, &[col, 1]).then(&mac_index(m)), v);
            let cols = [
                row(1, Value::OctetString(m.0.to_vec())),
                row(2, Value::Integer(order)),
                row(3, Value::Integer(1)),
                row(4, Value::Counter32(inp)),
                row(5, Value::Counter32(outp)),
                row(6, Value::Counter32(ino)),
                row(7, Value::Counter32(outo)),
                row(8, Value::Counter32(0)),
                row(9, Value::Counter32(outb)),
                row(10, Value::Counter32(0)),
            ];
            want.extend(cols);
        }
        assert_eq!(walked, want);
        let tables = served.tables();
        assert_eq!(tables.hosts.len(), 4);
        for h in &tables.hosts {
            let at = |col: u32| &walked[&o(HOST, &[col, u32::from(h.host_index)]).then(&mac_index(h.host_address))];
            assert_eq!(at(4), &Value::Counter32(h.host_in_pkts as u32));
            assert_eq!(at(7), &Value::Counter32(h.host_out_octets as u32));
        }
        // The GETNEXT walk of csnmp agrees with its GETBULK walk.
        let by_next = from_csnmp_map(public.walk(coid(&o(HOST_CONTROL, &[]))).await.unwrap());
        assert_eq!(by_next, cwalk(&public, &o(HOST_CONTROL, &[])).await);
        assert_eq!(by_next[&o(HOST_CONTROL, &[3, 1])], Value::Integer(4), "hostControlTableSize");
    });
    let agent = served.stop();
    assert_eq!(agent.counters().in_bad_community_names, 0);
    assert!(agent.counters().in_get_nexts > 5);
}

/// The five control tables through createRequest -> underCreation -> valid -> invalid with
/// csnmp, their data rows appearing while valid and going with the row.
#[test]
fn csnmp_sets_walk_control_rows_through_their_life_cycle() {
    let served = serve(counted_probe(), None);
    let mut seq = 100;
    let mut frames = |served: &Served, at: u64, list: &[(MacAddr, MacAddr)]| {
        let fs: Vec<_> = list
            .iter()
            .map(|(s, d)| {
                seq += 1;
                frame(NOW.plus_secs(at), seq, *s, *d, 100)
            })
            .collect();
        served.count(&fs);
        served.set_time(NOW.plus_secs(at));
    };
    let if1 = Value::ObjectId(o(IF_INDEX, &[1]));
    let owner = text("tester");
    block_on(async {
        let public = client(&served, b"public").await;
        let private = client(&served, b"private").await;
        let get = |oid: Oid| {
            let public = &public;
            async move { cget(public, &oid).await }
        };

        // etherStats 5.
        let es = |col: u32| o(ETHER_STATS, &[col, 5]);
        cset(&private, &[(es(21), Value::Integer(2))]).await;
        assert_eq!(get(es(21)).await, Value::Integer(3), "createRequest leaves the row underCreation");
        assert_eq!(get(es(2)).await, Value::ObjectId(o("0.0", &[])), "no data source yet");
        cset(&private, &[(es(2), if1.clone()), (es(20), owner.clone())]).await;
        assert_eq!(get(es(20)).await, owner);
        assert_eq!(get(es(21)).await, Value::Integer(3));
        cset(&private, &[(es(21), Value::Integer(1))]).await;
        assert_eq!(get(es(21)).await, Value::Integer(1));
        assert_eq!(get(es(5)).await, Value::Counter32(0), "a new row counts from its creation");
        frames(&served, 1, &[(mac(1), mac(2)); 4]);
        served.set_time(NOW.plus_secs(2));
        assert_eq!(get(es(5)).await, Value::Counter32(4));
        assert_eq!(get(o(ETHER_STATS, &[5, 1])).await, Value::Counter32(11));
        cset(&private, &[(es(21), Value::Integer(4))]).await;
        assert_eq!(get(es(21)).await, Value::NoSuchInstance);
        assert_eq!(get(es(5)).await, Value::NoSuchInstance);

        // historyControl 3: 10-second buckets from when it becomes valid (NOW + 2 s).
        let hc = |col: u32| o(HISTORY_CONTROL, &[col, 3]);
        cset(
            &private,
            &[
                (hc(7), Value::Integer(2)),
                (hc(2), if1.clone()),
                (hc(5), Value::Integer(10)),
                (hc(3), Value::Integer(4)),
                (hc(6), owner.clone()),
            ],
        )
        .await;
        assert_eq!(get(hc(7)).await, Value::Integer(3));
        cset(&private, &[(hc(7), Value::Integer(1))]).await;
        assert_eq!((get(hc(7)).await, get(hc(4)).await), (Value::Integer(1), Value::Integer(4)));
        frames(&served, 5, &[(mac(1), mac(3)); 3]);
        assert!(cwalk(&public, &o(ETHER_HISTORY, &[6, 3])).await.is_empty(), "the bucket being filled is hidden");
        served.set_time(NOW.plus_secs(13));
        assert_eq!(get(o(ETHER_HISTORY, &[6, 3, 1])).await, Value::Counter32(3));
        assert_eq!(get(o(ETHER_HISTORY, &[2, 3, 1])).await, Value::Integer(1));
        cset(&private, &[(hc(7), Value::Integer(4))]).await;
        assert_eq!(get(hc(7)).await, Value::NoSuchInstance);
        assert!(cwalk(&public, &o(ETHER_HISTORY, &[6, 3])).await.is_empty());

        // hostControl 2: learns only what it sees once valid.
        let hcl = |col: u32| o(HOST_CONTROL, &[col, 2]);
        cset(&private, &[(hcl(6), Value::Integer(2)), (hcl(2), if1.clone()), (hcl(5), owner.clone())]).await;
        assert_eq!(get(hcl(6)).await, Value::Integer(3));
        cset(&private, &[(hcl(6), Value::Integer(1))]).await;
        assert!(cwalk(&public, &o(HOST, &[1, 2])).await.is_empty());
        frames(&served, 14, &[(mac(4), mac(5)), (mac(4), mac(5))]);
        served.set_time(NOW.plus_secs(15));
        let learned: Vec<Value> = cwalk(&public, &o(HOST, &[1, 2])).await.into_values().collect();
        assert_eq!(learned, vec![Value::OctetString(mac(4).0.to_vec()), Value::OctetString(mac(5).0.to_vec())]);
        assert_eq!(get(o(HOST, &[4, 2]).then(&mac_index(mac(5)))).await, Value::Counter32(2));
        assert_eq!(get(hcl(3)).await, Value::Integer(2));
        // Back to underCreation: the data go; invalid: the row goes.
        cset(&private, &[(hcl(6), Value::Integer(3))]).await;
        assert!(cwalk(&public, &o(HOST, &[1, 2])).await.is_empty());
        cset(&private, &[(hcl(6), Value::Integer(4))]).await;
        assert_eq!(get(hcl(6)).await, Value::NoSuchInstance);

        // hostTopNControl 1 over hostControl 1: a 10-second report of hostInPkts.
        let tc = |col: u32| o(TOP_N_CONTROL, &[col, 1]);
        cset(
            &private,
            &[
                (tc(10), Value::Integer(2)),
                (tc(2), Value::Integer(1)),
                (tc(3), Value::Integer(1)),
                (tc(4), Value::Integer(10)),
                (tc(6), Value::Integer(3)),
                (tc(9), owner.clone()),
            ],
        )
        .await;
        assert_eq!(get(tc(10)).await, Value::Integer(3));
        cset(&private, &[(tc(10), Value::Integer(1))]).await;
        assert_eq!(get(tc(4)).await, Value::Integer(10));
        frames(&served, 17, &[(mac(6), mac(1)), (mac(6), mac(1)), (mac(6), mac(2)), (mac(6), mac(1))]);
        served.set_time(NOW.plus_secs(20));
        assert!(cwalk(&public, &o(TOP_N, &[])).await.is_empty(), "no report before the time is up");
        served.set_time(NOW.plus_secs(26));
        assert_eq!(get(tc(4)).await, Value::Integer(0));
        let report: Vec<Value> = cwalk(&public, &o(TOP_N, &[])).await.into_values().collect();
        let am = |m: MacAddr| Value::OctetString(m.0.to_vec());
        #[rustfmt::skip]
        let want = [
            Value::Integer(1), Value::Integer(1), // hostTopNReport
            Value::Integer(1), Value::Integer(2), // hostTopNIndex
            am(mac(1)), am(mac(2)),               // hostTopNAddress
            Value::Integer(3), Value::Integer(1), // hostTopNRate
        ];
        assert_eq!(report, want);
        cset(&private, &[(tc(10), Value::Integer(4))]).await;
        assert_eq!(get(tc(10)).await, Value::NoSuchInstance);
        assert!(cwalk(&public, &o(TOP_N, &[])).await.is_empty());

        // matrixControl 2.
        let mc = |col: u32| o(MATRIX_CONTROL, &[col, 2]);
        cset(&private, &[(mc(6), Value::Integer(2)), (mc(2), if1.clone()), (mc(5), owner.clone())]).await;
        assert_eq!(get(mc(6)).await, Value::Integer(3));
        cset(&private, &[(mc(6), Value::Integer(1))]).await;
        frames(&served, 27, &[(mac(7), mac(8)), (mac(7), mac(8))]);
        served.set_time(NOW.plus_secs(28));
        let sd = o(MATRIX_SD, &[4, 2]).then(&mac_index(mac(7))).then(&mac_index(mac(8)));
        let ds = o(MATRIX_DS, &[4, 2]).then(&mac_index(mac(8))).then(&mac_index(mac(7)));
        assert_eq!(cwalk(&public, &o(MATRIX_SD, &[4, 2])).await, [(sd, Value::Counter32(2))].into());
        assert_eq!(cwalk(&public, &o(MATRIX_DS, &[4, 2])).await, [(ds, Value::Counter32(2))].into());
        cset(&private, &[(mc(6), Value::Integer(4))]).await;
        assert_eq!(get(mc(6)).await, Value::NoSuchInstance);
        assert!(cwalk(&public, &o(MATRIX_SD, &[4, 2])).await.is_empty());
        assert!(cwalk(&public, &o(MATRIX_DS, &[4, 2])).await.is_empty());
    });
    // Nothing is left of the rows made, and the default rows are untouched.
    let rows = served.probe.lock().unwrap().persistent_rows();
    assert_eq!(rows, rmonprobe::rmon::RowRequest::defaults(&sources()));
    // 17 SETs, all of them taken: 31 varbinds set.
    let agent = served.stop();
    assert_eq!((agent.counters().in_set_requests, agent.counters().in_total_set_vars), (17, 31));
}

// ---------------------------------------------------------------------------------------------
// Walks through the sans-IO core
// ---------------------------------------------------------------------------------------------

/// Walks the whole MIB with GETNEXT from `start`; the (OID, value) of each step.
fn walk_next(agent: &mut TestAgent, version: Version, start: &Oid) -> Vec<(Oid, Value)> {
    let mut out: Vec<(Oid, Value)> = Vec::new();
    let mut cur = start.clone();
    for _ in 0..100_000 {
        let ans = ask(agent, &request(version, PduKind::GetNext, b"public", vec![null(&cur)])).unwrap();
        if version == Version::V1 && ans.status != 0 {
            assert_eq!((ans.status, ans.index), (ErrorStatus::NoSuchName.code().into(), 1), "at {cur}");
            return out;
        }
        assert_eq!((ans.status, ans.varbinds.len()), (0, 1), "at {cur}");
        let (next, value) = ans.varbinds.into_iter().next().unwrap();
        if value == Value::EndOfMibView {
            assert_eq!(next, cur, "endOfMibView names the OID asked for");
            return out;
        }
        assert!(next > cur, "GETNEXT {cur} went back to {next}");
        assert!(!value.is_exception(), "{next}: {value:?}");
        out.push((next.clone(), value));
        cur = next;
    }
    panic!("the walk did not end");
}

/// The snmp group counts the walk's own requests: its values differ from one walk to the next.
/// A walk with the values that move between two walks left out: the snmp group's counts, and
/// probeDateTime (RMON2's probeConfig: the wall clock).
fn without_snmp_counts(walk: &[(Oid, Value)]) -> Vec<(Oid, Option<Value>)> {
    let snmp = o("1.3.6.1.2.1.11", &[]);
    let date_time = o("1.3.6.1.2.1.16.19.4.0", &[]);
    walk.iter()
        .map(|(k, v)| (k.clone(), (!k.starts_with(snmp.as_slice()) && *k != date_time).then(|| v.clone())))
        .collect()
}

#[test]
fn whole_mib_walks_are_ordered_complete_and_agree() {
    let (frames, tally) = crowd(300, 1500);
    let mut agent = agent_with(default_config(), &frames);
    let walk = walk_next(&mut agent, Version::V2c, &o("1.3.6.1", &[]));
    assert!(walk.len() > 8000, "{} instances", walk.len());
    let from_zero = ask(&mut agent, &request(Version::V2c, PduKind::GetNext, b"public", vec![null(&o("0.0", &[]))]));
    assert_eq!(from_zero.unwrap().varbinds, vec![walk[0].clone()]);
    assert_eq!(walk[0].0, o("1.3.6.1.2.1.1.1.0", &[]));

    // hostTable: every row's hostInPkts is the tally's and the probe's.
    let in_pkts: BTreeMap<MacAddr, Value> = walk
        .iter()
        .filter_map(|(k, v)| {
            let tail = k.as_slice().strip_prefix(o(HOST, &[4, 1, 6]).as_slice())?;
            let octets: Vec<u8> = tail.iter().map(|&b| u8::try_from(b).unwrap()).collect();
            Some((MacAddr(octets.try_into().unwrap()), v.clone()))
        })
        .collect();
    let want: BTreeMap<MacAddr, Value> = tally.iter().map(|(m, n)| (*m, Value::Counter32(*n))).collect();
    assert_eq!(in_pkts.len(), 301, "300 stations and the broadcast address");
    assert_eq!(in_pkts, want);
    let tables = agent.backend_mut().snapshot(NOW).tables.clone();
    let probe: BTreeMap<MacAddr, Value> =
        tables.hosts.iter().map(|h| (h.host_address, Value::Counter32(h.host_in_pkts as u32))).collect();
    assert_eq!(in_pkts, probe);

    // GETBULK, 25 at a time, sees the same sequence.
    let mut bulk: Vec<(Oid, Value)> = Vec::new();
    let mut cur = o("1.3.6.1", &[]);
    'walk: for _ in 0..10_000 {
        let mut req = request(Version::V2c, PduKind::GetBulk, b"public", vec![null(&cur)]);
        req.max_repetitions = 25;
        let ans = ask(&mut agent, &req).unwrap();
        assert_eq!(ans.status, 0);
        assert!(!ans.varbinds.is_empty() && ans.varbinds.len() <= 25);
        for (k, v) in ans.varbinds {
            if v == Value::EndOfMibView {
                break 'walk;
            }
            cur = k.clone();
            bulk.push((k, v));
        }
    }
    assert_eq!(without_snmp_counts(&bulk), without_snmp_counts(&walk));

    // SNMPv1 sees the same walk less the Counter64 objects (RFC 3584 4.2.2.1).
    let v1 = walk_next(&mut agent, Version::V1, &o("1.3.6.1", &[]));
    let v2_less_64: Vec<_> = walk.iter().filter(|(_, v)| !matches!(v, Value::Counter64(_))).cloned().collect();
    assert!(v2_less_64.len() < walk.len());
    assert_eq!(without_snmp_counts(&v1), without_snmp_counts(&v2_less_64));
}

/// GETBULK's shape (RFC 3416 4.2.3): N non-repeaters once, then M rounds over the R others in
/// order, an ended repeater repeating its endOfMibView.
#[test]
fn getbulk_interleaves_repeaters_after_non_repeaters() {
    let mut agent = agent_with(default_config(), &known_frames());
    let mut req = request(
        Version::V2c,
        PduKind::GetBulk,
        b"public",
        vec![null(&o("1.3.6.1.2.1.1.3.0", &[])), null(&o(ETHER_STATS, &[5])), null(&o(IF_X, &[19]))],
    );
    (req.non_repeaters, req.max_repetitions) = (1, 3);
    let ans = ask(&mut agent, &req).unwrap();
    let want = vec![
        (o("1.3.6.1.2.1.1.4.0", &[]), text("noc@example.net")),
        (o(ETHER_STATS, &[5, 1]), Value::Counter32(7)),
        (o(IF_X, &[19, 1]), Value::TimeTicks(0)),
        (o(ETHER_STATS, &[6, 1]), Value::Counter32(1)),
        (o(IF_X, &[19, 1]), Value::EndOfMibView),
        (o(ETHER_STATS, &[7, 1]), Value::Counter32(0)),
        (o(IF_X, &[19, 1]), Value::EndOfMibView),
    ];
    assert_eq!((ans.status, ans.index), (0, 0));
    assert_eq!(ans.varbinds, want);
    // No repetitions: the non-repeaters alone; more non-repeaters than varbinds: all of them.
    (req.non_repeaters, req.max_repetitions) = (1, 0);
    assert_eq!(ask(&mut agent, &req).unwrap().varbinds, want[..1].to_vec());
    (req.non_repeaters, req.max_repetitions) = (9, 4);
    let ans = ask(&mut agent, &req).unwrap();
    assert_eq!(
        ans.varbinds.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        vec![o("1.3.6.1.2.1.1.4.0", &[]), o(ETHER_STATS, &[5, 1]), o(IF_X, &[19, 1])]
    );
}

#[test]
fn too_big_answers_and_trimmed_getbulk() {
    let config = rmonprobe::snmp::AgentConfig { max_message_size: 200, ..default_config() };
    let mut agent = agent_with(config, &known_frames());
    let descr = vec![null(&o("1.3.6.1.2.1.1.1.0", &[])); 6];
    // v2c: tooBig, error-index 0, no varbinds (RFC 3416 4.2.1).
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", descr.clone())).unwrap();
    assert_eq!((ans.status, ans.index, ans.varbinds.len()), (ErrorStatus::TooBig.code().into(), 0, 0));
    // v1: tooBig with the request's varbinds (RFC 1157 4.1.2).
    let ans = ask(&mut agent, &request(Version::V1, PduKind::Get, b"public", descr.clone())).unwrap();
    assert_eq!((ans.status, ans.index), (ErrorStatus::TooBig.code().into(), 0));
    assert_eq!(ans.varbinds, descr.iter().map(|v| (v.oid.clone(), Value::Null)).collect::<Vec<_>>());
    // The GETNEXT chain, to compare the trimmed GETBULK with.
    let mut chain = Vec::new();
    let mut cur = o("1.3.6.1.2.1.1", &[]);
    for _ in 0..12 {
        let ans = ask(&mut agent, &request(Version::V2c, PduKind::GetNext, b"public", vec![null(&cur)])).unwrap();
        cur = ans.varbinds[0].0.clone();
        chain.push(ans.varbinds[0].clone());
    }
    let mut req = request(Version::V2c, PduKind::GetBulk, b"public", vec![null(&o("1.3.6.1.2.1.1", &[]))]);
    req.max_repetitions = 12;
    let bytes = agent.handle(NOW, peer(), &rmonprobe::snmp::message::encode_request(&req)).unwrap();
    assert!(bytes.len() <= 200, "{} octets", bytes.len());
    let ans = decode(&bytes);
    assert_eq!(ans.status, 0);
    let n = ans.varbinds.len();
    assert!((1..12).contains(&n), "{n} varbinds");
    assert_eq!(ans.varbinds, chain[..n]);
    // Full: one more varbind would not fit.
    let one_more: Vec<VarBind> =
        chain[..=n].iter().map(|(k, v)| VarBind { oid: k.clone(), value: v.clone() }).collect();
    let longer = rmonprobe::snmp::message::encode_response(&rmonprobe::snmp::message::Response {
        version: Version::V2c,
        community: b"public",
        request_id: req.request_id,
        error_status: ErrorStatus::NoError,
        error_index: 0,
        varbinds: &one_more,
    });
    assert!(longer.len() > 200);
    // Two tooBigs counted, not the trimmed GETBULK.
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", vec![null(&o(SNMP, &[20, 0]))]));
    assert_eq!(ans.unwrap().varbinds[0].1, Value::Counter32(2));

    // v1 whose tooBig (the request's varbinds) would not fit either: dropped, snmpSilentDrops.
    let many = vec![null(&o("1.3.6.1.2.1.1.1.0", &[])); 14];
    assert!(
        agent
            .handle(
                NOW,
                peer(),
                &rmonprobe::snmp::message::encode_request(&request(Version::V1, PduKind::Get, b"public", many))
            )
            .is_none()
    );
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", vec![null(&o(SNMP, &[31, 0]))]));
    assert_eq!(ans.unwrap().varbinds[0].1, Value::Counter32(1));
}

/// RFC 3416 4.2.5: a SET whose response would not fit is answered tooBig "and processing of the
/// SetRequest-PDU terminates immediately": nothing changes.
#[test]
fn a_set_too_big_to_answer_changes_nothing() {
    let config = rmonprobe::snmp::AgentConfig { max_message_size: 200, ..default_config() };
    let mut agent = agent_with(config, &known_frames());
    let contact = o("1.3.6.1.2.1.1.4.0", &[]);
    let set = vec![VarBind { oid: contact.clone(), value: Value::OctetString(vec![b'c'; 190]) }];
    let ans = ask(&mut agent, &request(Version::V2c, PduKind::Set, b"private", set.clone())).unwrap();
    assert_eq!((ans.status, ans.index, ans.varbinds.len()), (ErrorStatus::TooBig.code().into(), 0, 0));
    // v1: the tooBig repeats the varbinds, which do not fit either: no answer at all.
    assert!(ask(&mut agent, &request(Version::V1, PduKind::Set, b"private", set)).is_none());
    let read = ask(&mut agent, &request(Version::V2c, PduKind::Get, b"public", vec![null(&contact)])).unwrap();
    assert_eq!(read.varbinds, vec![(contact, text("noc@example.net"))]);
    assert!(!agent.take_changed(), "nothing to save");
}
