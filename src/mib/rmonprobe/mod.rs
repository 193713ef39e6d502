//! RMONPROBE-MIB (`mibs/RMONPROBE-MIB`): what the probe serves beyond the standard modules,
//! under rmonprobeMIB (1.3.6.1.4.1.32473.21, the documentation enterprise number until the
//! project has its own), its objects under rmonprobeObjects (.3).

pub mod mirror;
pub mod tcp_latency;

/// rmonprobeObjects: 1.3.6.1.4.1.32473.21.3.
pub const OBJECTS: [u32; 9] = [1, 3, 6, 1, 4, 1, 32473, 21, 3];
