//! The agent's protocol core: one datagram in, at most one datagram out, no I/O (ARCHITECTURE.md,
//! "Rules"). The UDP shell in `udp.rs` feeds it; tests, benches and the fuzz target call
//! [`Agent::handle`] directly with the time they choose.
//!
//! SNMPv1 and SNMPv2c command responder (RFC 3416, RFC 3584 for v1):
//! - GET, GETNEXT, GETBULK (v2c), SET; SET checks every varbind, then commits all or none.
//! - v2c answers noSuchObject / noSuchInstance / endOfMibView per varbind; v1 answers
//!   noSuchName for the whole request, and its GETNEXT skips Counter64 objects.
//! - A response larger than `max_message_size` becomes tooBig; GETBULK is trimmed to fit.
//! - An unknown community gets no answer (snmpInBadCommunityNames); a SET with the read-only
//!   community is refused (snmpInBadCommunityUses) and changes nothing.
//! - A datagram that is not a well-formed SNMP message is counted (snmpInASNParseErrs) and
//!   dropped; so is a v1 message carrying a Counter64 or an exception, which SNMPv1 lacks.

use std::net::SocketAddr;

use crate::rmon::edit::{EditError, ProbeEdit};
use crate::rmon::{AlarmRun, Sample, Snapshot, Timestamp};
use crate::snmp::backend::Backend;
use crate::snmp::ber::{Tlv, tag};
use crate::snmp::message::{
    DecodeError, ErrorStatus, PduKind, Request, Response, VarBind, Version, decode_pdu, decode_request,
    encode_response, response_len, varbind_len, write_pdu,
};
use crate::snmp::mib::{Context, Mib, SetAction, SnmpCounters, SystemEdit, SystemGroup};
use crate::snmp::oid::Oid;
use crate::snmp::tables::{registry, registry_with_v3};
use crate::snmp::usm::{Received, Reply, Usm, wire};
use crate::snmp::value::Value;

/// The largest UDP payload over IPv4: the agent's own limit on a response.
pub const MAX_UDP_PAYLOAD: usize = 65507;

/// How the agent is set up.
#[derive(Clone, Debug)]
pub struct AgentConfig {
    /// The read-only community.
    pub community: Vec<u8>,
    /// The read-write community; None: no SET is accepted.
    pub write_community: Option<Vec<u8>>,
    /// The largest response the agent sends (octets of the SNMP message).
    pub max_message_size: usize,
    pub system: SystemGroup,
    /// Whether communities give any access (`[snmp] v1v2c`); false: v1 and v2c messages are
    /// dropped (snmpInBadVersions) and only SNMPv3 users get in.
    pub v1v2c: bool,
    /// SNMPv3's engine and users; None: v3 messages are dropped (snmpInBadVersions).
    pub usm: Option<Usm>,
}

/// What the community of a request allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    ReadOnly,
    ReadWrite,
}

/// The agent: its MIB, its counters and the probe behind it.
pub struct Agent<B> {
    config: AgentConfig,
    backend: B,
    mib: Mib,
    counters: SnmpCounters,
    /// Set when a SET changed something worth persisting.
    changed: bool,
    /// One line per accepted SET, for the operator's log.
    log: Vec<String>,
    /// SNMPv3's engine, taken out of the configuration.
    usm: Option<Usm>,
    /// snmpEngineTime: seconds since the engine started (a real clock, whatever clock the
    /// probe counts on; tests set their own).
    engine_time: Box<dyn FnMut() -> u32 + Send>,
    /// The v3 message being answered: the response is wrapped for its user.
    v3_reply: Option<Reply>,
    /// snmpEngineTime when the datagram being answered came.
    engine_now: u32,
    /// The view of the v3 user being answered (sorted subtrees); None: everything.
    view: Option<Vec<Vec<u32>>>,
    /// Octets a v3 response adds beyond what a v2c one with an empty community takes.
    v3_overhead: usize,
    /// The v3 manager's msgMaxSize: its response may be no larger (RFC 3412 7.1).
    v3_max_size: Option<usize>,
}

impl<B: Backend> Agent<B> {
    pub fn new(mut config: AgentConfig, backend: B) -> Agent<B> {
        let usm = config.usm.take();
        let started = std::time::Instant::now();
        Agent {
            config,
            backend,
            mib: if usm.is_some() { registry_with_v3() } else { registry() },
            counters: SnmpCounters::default(),
            changed: false,
            log: Vec::new(),
            usm,
            engine_time: Box::new(move || u32::try_from(started.elapsed().as_secs()).unwrap_or(u32::MAX)),
            v3_reply: None,
            engine_now: 0,
            view: None,
            v3_overhead: 0,
            v3_max_size: None,
        }
    }

    /// What the MIB's nodes read besides the snapshot, for a request being answered.
    fn context<'a>(&'a self, snapshot: &'a Snapshot) -> Context<'a> {
        Context {
            snapshot,
            system: &self.config.system,
            counters: &self.counters,
            usm: self.usm.as_ref(),
            engine_time: self.engine_now,
        }
    }

    /// The largest response: the agent's own limit, and a v3 manager's msgMaxSize.
    fn max_message_size(&self) -> usize {
        self.v3_max_size.map_or(self.config.max_message_size, |m| m.min(self.config.max_message_size))
    }

    /// Replaces the clock of snmpEngineTime (tests: a message outside the time window).
    pub fn set_engine_clock(&mut self, clock: Box<dyn FnMut() -> u32 + Send>) {
        self.engine_time = clock;
    }

    /// The SNMPv3 engine, if the agent has one.
    pub fn usm(&self) -> Option<&Usm> {
        self.usm.as_ref()
    }

    /// The SNMPv3 engine, to send notifications with (a v3 trap's salt moves on).
    pub fn usm_mut(&mut self) -> Option<&mut Usm> {
        self.usm.as_mut()
    }

    /// Counts a message the notifier took: an inform's Response or a receiver's Report.
    pub fn count_notification_reply(&mut self) {
        self.counters.in_pkts += 1;
        self.counters.in_get_responses += 1;
    }

    /// snmpEngineTime now.
    pub fn engine_time(&mut self) -> u32 {
        (self.engine_time)()
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    pub fn counters(&self) -> &SnmpCounters {
        &self.counters
    }

    pub fn system(&self) -> &SystemGroup {
        &self.config.system
    }

    /// True once after a SET changed control rows or system objects (time to save the state).
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// The accepted SETs since the last call, one line each.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// Steps the event sources to `now`: the channels' events (a channel that matched a packet
    /// since the last step), then the alarms that are due, each reading its variable through
    /// this agent's MIB over a snapshot read afresh, so it can watch any integer the agent
    /// serves. Returns the traps to send; an alarm deleted because its variable went away is
    /// logged and counts as a change (the state file keeps the rows).
    pub fn step_alarms(&mut self, now: Timestamp) -> AlarmRun {
        let mut run = self.step_channel_events(now);
        if self.backend.next_alarm_due().is_none_or(|due| due > now) {
            return run;
        }
        let snapshot = self.backend.alarm_snapshot(now);
        let ctx = Context {
            snapshot: &snapshot,
            system: &self.config.system,
            counters: &self.counters,
            usm: self.usm.as_ref(),
            engine_time: self.engine_now,
        };
        let mib = &self.mib;
        let alarms = self.backend.run_alarms(now, &mut |oid| Sample::of(&mib.get(&ctx, oid.as_slice())));
        run.traps.extend(alarms.traps);
        run.invalidated.extend(alarms.invalidated);
        run.data_control.extend(alarms.data_control);
        for index in &run.invalidated {
            self.log
                .push(format!("alarm {index}: its variable is no longer served or not an integer; the row is deleted"));
            self.changed = true;
        }
        run
    }

    /// Steps only the channels' events to `now`: where a replay's reader steps the alarms on
    /// the packets' clock, the agent's thread still looks at the channels between datagrams.
    pub fn step_channel_events(&mut self, now: Timestamp) -> AlarmRun {
        self.backend.run_channel_events(now)
    }

    /// Counts `n` notifications handed to the transport (snmpOutPkts).
    pub fn count_sent_traps(&mut self, n: u64) {
        self.counters.out_pkts += n;
    }

    /// Answers one datagram from `peer` at probe time `now`; None: no answer is due.
    pub fn handle(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) -> Option<Vec<u8>> {
        self.counters.in_pkts += 1;
        self.engine_now = (self.engine_time)();
        if wire::version_of(datagram) == Some(3) {
            return self.handle_v3(now, peer, datagram);
        }
        let request = match decode_request(datagram) {
            Ok(r) => r,
            Err(DecodeError::BadVersion(_)) => {
                self.counters.in_bad_versions += 1;
                return None;
            }
            Err(DecodeError::NotARequest(tag)) => {
                match tag {
                    0xA2 => self.counters.in_get_responses += 1,
                    0xA4 | 0xA7 => self.counters.in_traps += 1,
                    _ => {}
                }
                return None;
            }
            Err(DecodeError::Asn(_)) => {
                self.counters.in_asn_parse_errs += 1;
                return None;
            }
        };
        // SNMPv1's ObjectSyntax (RFC 1157) has no Counter64 and no exceptions: such a v1 message
        // is not well-formed, and an error response would have to echo them to a v1 manager.
        if request.version == Version::V1 && request.varbinds.iter().any(|vb| not_in_v1(&vb.value)) {
            self.counters.in_asn_parse_errs += 1;
            return None;
        }
        if !self.config.v1v2c {
            // Community-based access is switched off: the version is not served.
            self.counters.in_bad_versions += 1;
            return None;
        }
        let access = if request.community == self.config.community {
            Access::ReadOnly
        } else if self.config.write_community.as_deref() == Some(request.community.as_slice()) {
            Access::ReadWrite
        } else {
            self.counters.in_bad_community_names += 1;
            return None;
        };
        let (status, index, varbinds) = self.dispatch(now, peer, &request, access);
        self.respond(&request, status, index, varbinds)
    }

    /// An SNMPv3 message: USM checks it, then the PDU is served as a v2c one is, with the
    /// user's access, and the response wrapped for the user.
    fn handle_v3(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) -> Option<Vec<u8>> {
        let time = self.engine_now;
        let Some(usm) = self.usm.as_mut() else {
            self.counters.in_bad_versions += 1;
            return None;
        };
        let accepted = match usm.receive(datagram, time) {
            Received::Accepted(accepted) => accepted,
            Received::Refused(report) => {
                self.counters.out_pkts += u64::from(report.is_some());
                return report;
            }
            Received::Malformed(_) => {
                self.counters.in_asn_parse_errs += 1;
                return None;
            }
        };
        let pdu = Tlv { tag: accepted.pdu_tag, content: &accepted.pdu };
        let request = match decode_pdu(Version::V2c, &[], pdu) {
            Ok(r) => r,
            Err(DecodeError::NotARequest(tag)) => {
                match tag {
                    0xA2 | 0xA8 => self.counters.in_get_responses += 1,
                    0xA6 | 0xA7 => self.counters.in_traps += 1,
                    _ => {}
                }
                return None;
            }
            Err(_) => {
                self.counters.in_asn_parse_errs += 1;
                return None;
            }
        };
        let reply = accepted.reply;
        let (level_allowed, may_write) = (reply.level_allowed(usm), reply.may_write(usm));
        // How this user's answer is sized and what it sees, until it is sent.
        self.v3_overhead = usm.overhead(&reply);
        self.v3_max_size = Some(reply.max_size());
        self.view = reply.view(usm).map(<[Vec<u32>]>::to_vec);
        let (status, index, varbinds) = if !level_allowed {
            // VACM: the user's access asks for its own security level; below it, nothing.
            (ErrorStatus::AuthorizationError, 1, request.varbinds.clone())
        } else if request.kind == PduKind::Set && !may_write && !request.varbinds.is_empty() {
            self.counters.in_set_requests += 1;
            (ErrorStatus::AuthorizationError, 1, request.varbinds.clone())
        } else {
            let access = if may_write { Access::ReadWrite } else { Access::ReadOnly };
            self.dispatch(now, peer, &request, access)
        };
        self.v3_reply = Some(reply);
        let response = self.respond(&request, status, index, varbinds);
        self.v3_overhead = 0;
        self.v3_reply = None;
        self.v3_max_size = None;
        self.view = None;
        response
    }

    /// Serves a decoded request with the access its community or user has.
    fn dispatch(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        request: &Request,
        access: Access,
    ) -> (ErrorStatus, u32, Vec<VarBind>) {
        match request.kind {
            PduKind::Get => {
                self.counters.in_get_requests += 1;
                self.get(now, request)
            }
            PduKind::GetNext => {
                self.counters.in_get_nexts += 1;
                self.get_next(now, request)
            }
            PduKind::GetBulk => self.get_bulk(now, request),
            PduKind::Set => {
                self.counters.in_set_requests += 1;
                if request.varbinds.is_empty() {
                    // It changes nothing: no binding to refuse (or to point an error at), and
                    // nothing to save.
                    (ErrorStatus::NoError, 0, Vec::new())
                } else if access == Access::ReadOnly {
                    self.counters.in_bad_community_uses += 1;
                    let status = match request.version {
                        Version::V1 => ErrorStatus::NoSuchName,
                        Version::V2c => ErrorStatus::NoAccess,
                    };
                    (status, 1, request.varbinds.clone())
                } else if self.set_response_too_big(request) {
                    // RFC 3416 4.2.5: refused before anything changes (v1: RFC 1157 4.1.5;
                    // `respond` drops what still does not fit).
                    (ErrorStatus::TooBig, 0, too_big_varbinds(request))
                } else {
                    self.set(now, peer, request)
                }
            }
        }
    }

    /// Whether the response to a SET, which repeats its varbinds, could exceed the message size
    /// with the largest error-status and error-index it may carry.
    fn set_response_too_big(&self, request: &Request) -> bool {
        let content: usize = request.varbinds.iter().map(varbind_len).sum();
        let largest_index = u32::try_from(request.varbinds.len()).unwrap_or(u32::MAX);
        let len = response_len(
            request.community.len() + self.v3_overhead,
            request.request_id,
            ErrorStatus::InconsistentName,
            largest_index,
            content,
        );
        len > self.max_message_size()
    }

    /// Encodes the response, or the tooBig that replaces it, and counts it.
    fn respond(
        &mut self,
        request: &Request,
        mut status: ErrorStatus,
        mut index: u32,
        mut varbinds: Vec<VarBind>,
    ) -> Option<Vec<u8>> {
        let fits = |status, index, varbinds: &[VarBind]| {
            let content: usize = varbinds.iter().map(varbind_len).sum();
            response_len(request.community.len() + self.v3_overhead, request.request_id, status, index, content)
                <= self.max_message_size()
        };
        if !fits(status, index, &varbinds) {
            // RFC 3416 4.2.1 (v1: RFC 1157 4.1.2).
            (status, index, varbinds) = (ErrorStatus::TooBig, 0, too_big_varbinds(request));
            if !fits(status, index, &varbinds) {
                self.counters.silent_drops += 1;
                return None;
            }
        }
        match status {
            ErrorStatus::NoError => {}
            ErrorStatus::TooBig => self.counters.out_too_bigs += 1,
            ErrorStatus::NoSuchName => self.counters.out_no_such_names += 1,
            ErrorStatus::BadValue => self.counters.out_bad_values += 1,
            ErrorStatus::GenErr => self.counters.out_gen_errs += 1,
            _ => {}
        }
        self.counters.out_get_responses += 1;
        self.counters.out_pkts += 1;
        if let (Some(reply), Some(usm)) = (&self.v3_reply, self.usm.as_mut()) {
            let time = self.engine_now;
            return Some(usm.respond(reply, time, |w| {
                write_pdu(w, tag::RESPONSE, request.request_id, i64::from(status.code()), i64::from(index), &varbinds)
            }));
        }
        Some(encode_response(&Response {
            version: request.version,
            community: &request.community,
            request_id: request.request_id,
            error_status: status,
            error_index: index,
            varbinds: &varbinds,
        }))
    }

    /// An error for the whole request at varbind `at` (0-based): the request's varbinds back.
    fn error(request: &Request, status: ErrorStatus, at: usize) -> (ErrorStatus, u32, Vec<VarBind>) {
        (status, u32::try_from(at + 1).unwrap_or(u32::MAX), request.varbinds.clone())
    }

    fn get(&mut self, now: Timestamp, request: &Request) -> (ErrorStatus, u32, Vec<VarBind>) {
        let snapshot = self.backend.snapshot(now);
        let ctx = self.context(&snapshot);
        let mut out = Vec::with_capacity(request.varbinds.len());
        for (i, vb) in request.varbinds.iter().enumerate() {
            let value = match &self.view {
                Some(view) if !in_view(view, &vb.oid.0) => Value::NoSuchObject,
                _ => self.mib.get(&ctx, &vb.oid.0),
            };
            if request.version == Version::V1 && (value.is_exception() || matches!(value, Value::Counter64(_))) {
                return Self::error(request, ErrorStatus::NoSuchName, i);
            }
            out.push(VarBind { oid: vb.oid.clone(), value });
        }
        self.counters.in_total_req_vars += out.len() as u64;
        (ErrorStatus::NoError, 0, out)
    }

    /// The instance after `oid` that the request's version can carry: v1 skips Counter64.
    fn next_for(&self, ctx: &Context<'_>, version: Version, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        let mut found = next_in_view(&self.mib, ctx, self.view.as_deref(), oid)?;
        while version == Version::V1 && matches!(found.1, Value::Counter64(_)) {
            found = next_in_view(&self.mib, ctx, self.view.as_deref(), &found.0)?;
        }
        Some(found)
    }

    fn get_next(&mut self, now: Timestamp, request: &Request) -> (ErrorStatus, u32, Vec<VarBind>) {
        let snapshot = self.backend.snapshot(now);
        let ctx = self.context(&snapshot);
        let mut out = Vec::with_capacity(request.varbinds.len());
        for (i, vb) in request.varbinds.iter().enumerate() {
            match self.next_for(&ctx, request.version, &vb.oid.0) {
                Some((oid, value)) => out.push(VarBind { oid: Oid(oid), value }),
                None if request.version == Version::V1 => return Self::error(request, ErrorStatus::NoSuchName, i),
                None => out.push(VarBind { oid: vb.oid.clone(), value: Value::EndOfMibView }),
            }
        }
        self.counters.in_total_req_vars += out.len() as u64;
        (ErrorStatus::NoError, 0, out)
    }

    /// GETBULK (RFC 3416 4.2.3): N non-repeaters, then up to M rounds over the rest, stopping
    /// early when every repeater has reached the end of the MIB or the response is full.
    fn get_bulk(&mut self, now: Timestamp, request: &Request) -> (ErrorStatus, u32, Vec<VarBind>) {
        let snapshot = self.backend.snapshot(now);
        let ctx = self.context(&snapshot);
        let limit = self.max_message_size();
        let fixed = |content: usize| {
            response_len(
                request.community.len() + self.v3_overhead,
                request.request_id,
                ErrorStatus::NoError,
                0,
                content,
            )
        };
        let mut out: Vec<VarBind> = Vec::new();
        let mut content = 0usize;
        // Adds a varbind if the response still fits; false when it is full.
        let mut push = |out: &mut Vec<VarBind>, vb: VarBind| {
            let len = varbind_len(&vb);
            if fixed(content + len) > limit {
                return false;
            }
            content += len;
            out.push(vb);
            true
        };
        let non_repeaters = (request.non_repeaters as usize).min(request.varbinds.len());
        let next_of = |oid: &Oid| match next_in_view(&self.mib, &ctx, self.view.as_deref(), &oid.0) {
            Some((next, value)) => VarBind { oid: Oid(next), value },
            None => VarBind { oid: oid.clone(), value: Value::EndOfMibView },
        };
        'full: {
            for vb in &request.varbinds[..non_repeaters] {
                if !push(&mut out, next_of(&vb.oid)) {
                    break 'full;
                }
            }
            let mut cursors: Vec<Oid> = request.varbinds[non_repeaters..].iter().map(|vb| vb.oid.clone()).collect();
            if cursors.is_empty() {
                break 'full;
            }
            for _ in 0..request.max_repetitions {
                let mut all_ended = true;
                for cursor in &mut cursors {
                    let vb = next_of(cursor);
                    if vb.value != Value::EndOfMibView {
                        all_ended = false;
                        *cursor = vb.oid.clone();
                    }
                    if !push(&mut out, vb) {
                        break 'full;
                    }
                }
                if all_ended {
                    break;
                }
            }
        }
        let repeaters = request.varbinds.len() - non_repeaters;
        let wanted = non_repeaters > 0 || (repeaters > 0 && request.max_repetitions > 0);
        if out.is_empty() && wanted {
            // Not even one varbind fits.
            return (ErrorStatus::TooBig, 0, Vec::new());
        }
        self.counters.in_total_req_vars += out.len() as u64;
        (ErrorStatus::NoError, 0, out)
    }

    /// SET: every varbind is checked before anything changes; then the row edits go to the
    /// probe in one piece and the system objects change only if the probe took them.
    fn set(&mut self, now: Timestamp, peer: SocketAddr, request: &Request) -> (ErrorStatus, u32, Vec<VarBind>) {
        let v1 = request.version == Version::V1;
        let mut edits: Vec<ProbeEdit> = Vec::new();
        // For each edit, the varbind it came from.
        let mut edit_at: Vec<usize> = Vec::new();
        let mut system: Vec<SystemEdit> = Vec::new();
        if let Some(view) = &self.view
            && let Some(i) = request.varbinds.iter().position(|vb| !in_view(view, &vb.oid.0))
        {
            // VACM: an object outside the user's view is not accessible (RFC 3416 4.2.5).
            return Self::error(request, ErrorStatus::NoAccess, i);
        }
        for (i, vb) in request.varbinds.iter().enumerate() {
            match self.mib.plan_set(&vb.oid.0, &vb.value) {
                Ok(SetAction::Row(edit)) => {
                    edits.push(ProbeEdit::Row(edit));
                    edit_at.push(i);
                }
                Ok(SetAction::Directory(edit)) => {
                    edits.push(ProbeEdit::Directory(edit));
                    edit_at.push(i);
                }
                // RFC 4502: a usrHistory reads any object for whoever may read its buckets, so
                // only a user who may read everything may name the objects.
                Ok(SetAction::Object(_)) if self.view.is_some() => {
                    return Self::error(request, for_version(ErrorStatus::NoAccess, v1), i);
                }
                Ok(SetAction::Object(edit)) => {
                    edits.push(ProbeEdit::Object(edit));
                    edit_at.push(i);
                }
                Ok(SetAction::System(edit)) => system.push(edit),
                Err(status) => return Self::error(request, for_version(status, v1), i),
            }
        }
        if !edits.is_empty()
            && let Err(rejected) = self.backend.apply_probe_edits(now, &edits)
        {
            let at = edit_at.get(rejected.at).copied().unwrap_or(0);
            return Self::error(request, for_version(edit_status(rejected.error), v1), at);
        }
        let sys = &mut self.config.system;
        for edit in system {
            match edit {
                SystemEdit::Contact(s) => sys.contact = s,
                SystemEdit::Name(s) => sys.name = s,
                SystemEdit::Location(s) => sys.location = s,
                SystemEdit::EnableAuthenTraps(on) => sys.enable_authen_traps = on,
            }
        }
        self.counters.in_total_set_vars += request.varbinds.len() as u64;
        self.changed = true;
        for vb in &request.varbinds {
            self.log.push(format!("SET from {peer}: {} = {}", vb.oid, vb.value));
        }
        (ErrorStatus::NoError, 0, request.varbinds.clone())
    }
}

/// The varbinds of a tooBig response: v1 repeats the request's (RFC 1157), v2c sends none
/// (RFC 3416).
fn too_big_varbinds(request: &Request) -> Vec<VarBind> {
    match request.version {
        Version::V1 => request.varbinds.clone(),
        Version::V2c => Vec::new(),
    }
}

/// A value SNMPv1 cannot carry: Counter64 and the SNMPv2 exceptions.
fn not_in_v1(value: &Value) -> bool {
    value.is_exception() || matches!(value, Value::Counter64(_))
}

/// The SNMPv2 error status for an edit the probe refused.
fn edit_status(error: EditError) -> ErrorStatus {
    match error {
        EditError::NotWritable => ErrorStatus::NotWritable,
        EditError::WrongType => ErrorStatus::WrongType,
        EditError::WrongLength => ErrorStatus::WrongLength,
        EditError::WrongValue => ErrorStatus::WrongValue,
        EditError::NoCreation => ErrorStatus::NoCreation,
        EditError::InconsistentValue => ErrorStatus::InconsistentValue,
        EditError::ResourceUnavailable => ErrorStatus::ResourceUnavailable,
        EditError::InconsistentName => ErrorStatus::InconsistentName,
    }
}

/// An SNMPv2 error status as the request's version says it (RFC 3584 4.4 for v1).
fn for_version(status: ErrorStatus, v1: bool) -> ErrorStatus {
    use ErrorStatus::*;
    if !v1 {
        return status;
    }
    match status {
        NoAccess | NotWritable | NoCreation | InconsistentName | AuthorizationError => NoSuchName,
        WrongType | WrongLength | WrongEncoding | WrongValue | InconsistentValue => BadValue,
        ResourceUnavailable | CommitFailed | UndoFailed => GenErr,
        other => other,
    }
}

/// Whether `oid` lies in one of the view's subtrees.
fn in_view(view: &[Vec<u32>], oid: &[u32]) -> bool {
    view.iter().any(|subtree| oid.starts_with(subtree))
}

/// The first instance after `oid` inside the view (sorted subtrees; None: everything): an
/// instance outside it is skipped by going on from the next subtree of the view.
fn next_in_view(mib: &Mib, ctx: &Context<'_>, view: Option<&[Vec<u32>]>, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
    let Some(view) = view else { return mib.next(ctx, oid) };
    let mut from = oid.to_vec();
    loop {
        let found = mib.next(ctx, &from)?;
        if in_view(view, &found.0) {
            return Some(found);
        }
        // The next subtree that starts after what was found, if any.
        from = view.iter().find(|subtree| subtree.as_slice() > found.0.as_slice())?.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rmon::{DataSourceInfo, Limits, Probe, RowRequest};
    use crate::snmp::LocalProbe;
    use crate::snmp::message::encode_request;

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 1))
    }

    /// An agent over a probe with the default rows, with a write community.
    fn agent() -> Agent<LocalProbe> {
        let sources = vec![DataSourceInfo {
            if_index: 1,
            name: "t".into(),
            descr: "t".into(),
            if_speed: 10_000_000,
            live: false,
            phys_address: Vec::new(),
        }];
        let probe =
            Probe::new(Timestamp(0), sources.clone(), Limits::default(), &RowRequest::defaults(&sources)).unwrap();
        let system = SystemGroup {
            descr: String::new(),
            object_id: vec![1, 3, 6, 1, 4, 1, 99999],
            contact: String::new(),
            name: String::new(),
            location: String::new(),
            services: 66,
            enable_authen_traps: false,
            time_filter_walk: Default::default(),
        };
        let config = AgentConfig {
            community: b"public".to_vec(),
            write_community: Some(b"private".to_vec()),
            max_message_size: MAX_UDP_PAYLOAD,
            system,
            v1v2c: true,
            usm: None,
        };
        Agent::new(config, LocalProbe::new(probe))
    }

    /// Found by the fuzz target: a v1 SET whose error response echoed a Counter64 to a v1
    /// manager. Such a v1 request is now dropped as malformed; the same in v2c is answered.
    #[test]
    fn v1_request_with_counter64_or_exception_is_dropped() {
        let mut agent = agent();
        for value in [Value::Counter64(5), Value::NoSuchObject, Value::EndOfMibView] {
            let mut request = Request {
                version: Version::V1,
                community: b"private".to_vec(),
                kind: PduKind::Set,
                request_id: 10,
                non_repeaters: 0,
                max_repetitions: 0,
                varbinds: vec![VarBind { oid: Oid(vec![1, 3, 6, 1, 2, 1, 16, 2, 1, 1, 7, 1]), value }],
            };
            let errs = agent.counters().in_asn_parse_errs;
            assert_eq!(agent.handle(Timestamp(1), peer(), &encode_request(&request)), None);
            assert_eq!(agent.counters().in_asn_parse_errs, errs + 1);
            request.version = Version::V2c;
            assert!(agent.handle(Timestamp(1), peer(), &encode_request(&request)).is_some());
        }
    }

    /// An empty SET with the read-only community was refused with an error-index of 1, naming a
    /// binding it does not have. It changes nothing, so it succeeds.
    #[test]
    fn empty_set_with_read_only_community_succeeds() {
        let mut agent = agent();
        for version in [Version::V1, Version::V2c] {
            let request = Request {
                version,
                community: b"public".to_vec(),
                kind: PduKind::Set,
                request_id: 7,
                non_repeaters: 0,
                max_repetitions: 0,
                varbinds: Vec::new(),
            };
            let response = agent.handle(Timestamp(1), peer(), &encode_request(&request));
            let expected = Response {
                version,
                community: b"public",
                request_id: 7,
                error_status: ErrorStatus::NoError,
                error_index: 0,
                varbinds: &[],
            };
            assert_eq!(response, Some(encode_response(&expected)));
        }
        assert_eq!(agent.counters().in_bad_community_uses, 0);
        assert!(!agent.take_changed());
    }
}
