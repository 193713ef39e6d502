//! RMON2-MIB (RFC 4502), the network and application layers, one schema file per group, and their HC-RMON-MIB
//! (RFC 3273) views: each declares the group's rows as a manager reads them and the
//! description of each table.
//!
//! RMON2 tables differ from RMON-1's in three ways the schemas carry: control rows have a
//! RowStatus and a not-accessible index column; data tables are indexed by
//! protocolDirLocalIndex and network addresses (length-prefixed OCTET STRINGs); and the host,
//! matrix and address-map tables have a TimeFilter index component (`time_filter(..)`), so a
//! manager can read only the rows changed since a time.

pub mod address_map;
pub mod al_host;
pub mod al_matrix;
pub mod al_matrix_top_n;
pub mod nl_host;
pub mod nl_matrix;
pub mod nl_matrix_top_n;
pub mod probe_config;
pub mod protocol_dir;
pub mod protocol_dist;
pub mod rmon1_additions;
pub mod usr_history;

/// A data table's size column, read-create, of the hl control tables: -1 asks for as many
/// entries as the probe can give.
pub const MAX_DESIRED: crate::mib::schema::Syntax =
    crate::mib::schema::Syntax::Integer { min: -1, max: i32::MAX as i64 };
