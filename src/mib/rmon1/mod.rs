//! RMON-MIB (RFC 2819), one schema file per group: each declares the group's enumerations, its
//! rows as a manager reads them, and the description of each table.

pub mod alarm;
pub mod capture;
pub mod event;
pub mod filter;
pub mod history;
pub mod hosts;
pub mod matrix;
pub mod statistics;
pub mod topn;

/// `1.3.6.1.2.1.16`: the rmon subtree.
pub const RMON: [u32; 7] = [1, 3, 6, 1, 2, 1, 16];
