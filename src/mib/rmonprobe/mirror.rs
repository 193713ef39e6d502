//! Remote mirrors and duplicates (RMONPROBE-MIB's mirror group, rmonprobeObjects.2):
//! mirrorSourceTable (.2.1), one row per data source (ifIndex), with what the probe opened or
//! set aside there: tunnel packets decapsulated (`--decap`), bad encapsulations, frames of
//! sessions over the limit, and duplicates left out (`--dedup`).

use crate::mib::schema::Syntax::*;

crate::mib_table! {
    /// mirrorSourceEntry, indexed by ifIndex.
    pub struct MirrorSourceEntry;
    pub static MIRROR_SOURCE_TABLE = "mirrorSourceTable" at [1, 3, 6, 1, 4, 1, 32473, 21, 3, 2, 1, 1]
        index [if_index = "ifIndex"];
    /// Tunnel packets whose mirrored frame counted on the session's data source instead.
    1 decapsulated: u64 = "mirrorDecapsulated", Counter64, ReadOnly;
    /// Packets of an opened kind without a whole tunnel header or frame (counted here too).
    2 bad_encapsulations: u64 = "mirrorBadEncapsulations", Counter64, ReadOnly;
    /// Mirrored frames of sessions beyond `[limits] tunnel_sources`, counted nowhere.
    3 over_limit: u64 = "mirrorOverLimit", Counter64, ReadOnly;
    /// Frames seen again within the `--dedup` window, counted nowhere.
    4 duplicates: u64 = "mirrorDuplicates", Counter64, ReadOnly;
    extra {
        if_index: u32,
    }
}
