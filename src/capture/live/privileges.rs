//! `--user`: giving up root once the capture sockets are open.
//!
//! Opening a capture needs CAP_NET_RAW and CAP_NET_ADMIN (AF_XDP also CAP_BPF); reading from an
//! open socket needs nothing. So the probe opens everything as root and then becomes an ordinary
//! user, with that user's groups only: a bug in frame or SNMP parsing can then do no more than
//! that user could, except capture. It keeps exactly the capabilities a capture needs to be
//! opened again (an interface that goes down and up, the probe takes it up again):
//! CAP_NET_RAW and CAP_NET_ADMIN, and for AF_XDP CAP_BPF and CAP_IPC_LOCK (its UMEM is
//! locked memory, beyond an ordinary user's RLIMIT_MEMLOCK). Nothing else: no file access
//! beyond the user's, no way back to root.

use std::ffi::CString;

use caps::{CapSet, Capability, CapsHashSet};
use nix::unistd::{Gid, Uid, User, initgroups, setgid, setuid};

/// The capabilities kept: those that open a capture.
const KEPT: [Capability; 4] =
    [Capability::CAP_NET_RAW, Capability::CAP_NET_ADMIN, Capability::CAP_BPF, Capability::CAP_IPC_LOCK];

/// Why `--user` could not be honoured; each says which step failed.
#[derive(Debug, thiserror::Error)]
pub enum PrivilegeError {
    #[error("cannot look the user up: {0}")]
    Lookup(nix::Error),
    #[error("no such user")]
    NoSuchUser,
    #[error("only root can change to another user")]
    NotRoot,
    #[error("the name holds a NUL byte")]
    NulInName,
    /// A step of the change that the kernel refused.
    #[error("cannot {step}: {reason}")]
    Refused { step: String, reason: String },
    #[error("still able to become root after the change")]
    RootStillReachable,
    #[error("group is {now} after the change, not {wanted}")]
    WrongGroup { now: Gid, wanted: Gid },
}

fn refused(step: impl Into<String>) -> impl FnOnce(nix::Error) -> PrivilegeError {
    let step = step.into();
    move |e| PrivilegeError::Refused { step, reason: e.to_string() }
}

fn caps_refused(step: impl Into<String>) -> impl FnOnce(caps::errors::CapsError) -> PrivilegeError {
    let step = step.into();
    move |e| PrivilegeError::Refused { step, reason: e.to_string() }
}

/// Becomes `name` (its uid, gid and supplementary groups), keeping only [`KEPT`]. Fails, with
/// the reason, when the user is unknown, when not root, or when the change does not hold.
pub fn drop_privileges(name: &str) -> Result<(), PrivilegeError> {
    let user = User::from_name(name).map_err(PrivilegeError::Lookup)?.ok_or(PrivilegeError::NoSuchUser)?;
    if !Uid::effective().is_root() {
        return Err(PrivilegeError::NotRoot);
    }
    let c_name = CString::new(name).map_err(|_| PrivilegeError::NulInName)?;
    // The group first: once the uid is not 0, the groups can no longer be changed.
    initgroups(&c_name, user.gid).map_err(refused("set its groups"))?;
    setgid(user.gid).map_err(refused(format!("set group {}", user.gid)))?;
    // Keep the permitted capabilities across the change of user; the effective ones are then
    // cleared by the kernel, and set again below to the capture's only.
    nix::sys::prctl::set_keepcaps(true).map_err(refused("keep capabilities"))?;
    setuid(user.uid).map_err(refused(format!("set user {}", user.uid)))?;
    let kept: CapsHashSet = KEPT.into_iter().collect();
    for set in [CapSet::Permitted, CapSet::Effective] {
        caps::set(None, set, &kept).map_err(caps_refused(format!("set the {set:?} capabilities")))?;
    }
    caps::clear(None, CapSet::Inheritable).map_err(caps_refused("clear the inheritable capabilities"))?;
    caps::clear(None, CapSet::Ambient).map_err(caps_refused("clear the ambient capabilities"))?;
    nix::sys::prctl::set_keepcaps(false).map_err(refused("reset keep-capabilities"))?;
    // Trust, but verify: there must be no way back to root.
    if user.uid != Uid::from_raw(0) && (setuid(Uid::from_raw(0)).is_ok() || Uid::effective().is_root()) {
        return Err(PrivilegeError::RootStillReachable);
    }
    if Gid::effective() != user.gid {
        return Err(PrivilegeError::WrongGroup { now: Gid::effective(), wanted: user.gid });
    }
    Ok(())
}
