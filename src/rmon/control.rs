//! The pieces every RMON-1 control row shares: EntryStatus, OwnerString and the data source,
//! defined with the other textual conventions in `mib/tc.rs` and named here for the groups.

pub use crate::mib::tc::{DataSource, EntryStatus, IF_INDEX_ARCS, IF_INDEX_OID, MONITOR_OWNER, Owner};
