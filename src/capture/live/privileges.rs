//! `--user`: giving up root once the capture sockets are open.
//!
//! Opening a capture needs CAP_NET_RAW and CAP_NET_ADMIN (AF_XDP also CAP_BPF); reading from an
//! open socket needs nothing. So the probe opens everything as root and then becomes an ordinary
//! user, with that user's groups only: a bug in frame or SNMP parsing can then do no more than
//! that user could. Changing the user id away from 0 clears every capability.

use std::ffi::CString;

use nix::unistd::{Gid, Uid, User, initgroups, setgid, setuid};

/// Becomes `name` (its uid, gid and supplementary groups). Fails, with the reason, when the user
/// is unknown, when not root, or when the change does not hold.
pub fn drop_privileges(name: &str) -> Result<(), String> {
    let user = User::from_name(name)
        .map_err(|e| format!("cannot look the user up: {e}"))?
        .ok_or_else(|| "no such user".to_string())?;
    if !Uid::effective().is_root() {
        return Err("only root can change to another user".into());
    }
    let c_name = CString::new(name).map_err(|_| "the name holds a NUL byte".to_string())?;
    // The group first: once the uid is not 0, the groups can no longer be changed.
    initgroups(&c_name, user.gid).map_err(|e| format!("cannot set its groups: {e}"))?;
    setgid(user.gid).map_err(|e| format!("cannot set group {}: {e}", user.gid))?;
    setuid(user.uid).map_err(|e| format!("cannot set user {}: {e}", user.uid))?;
    // Trust, but verify: there must be no way back to root.
    if user.uid != Uid::from_raw(0) && (setuid(Uid::from_raw(0)).is_ok() || Uid::effective().is_root()) {
        return Err("still able to become root after the change".into());
    }
    if Gid::effective() != user.gid {
        return Err(format!("group is {} after the change, not {}", Gid::effective(), user.gid));
    }
    Ok(())
}
