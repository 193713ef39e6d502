//! The probe's figures for Prometheus: `--metrics ADDR:PORT` serves GET /metrics, in the
//! Prometheus text format or, when the scraper asks for it, OpenMetrics.
//!
//! - `exposition.rs`: a snapshot as metric families, derived from the tables' schemas.
//! - `encode.rs`: the families in either text format, through the prometheus-client crate.
//! - `http.rs`: the small HTTP/1.1 server a scraper talks to.
//! - `push.rs`, `remote_write.rs`, `spool.rs`: `--push`, Prometheus remote write from the
//!   probe, with what could not be sent kept in order on disk.

pub mod encode;
pub mod exposition;
pub mod http;
pub mod push;
pub mod remote_write;
pub mod spool;

pub use encode::{Format, render};
pub use exposition::{ExpositionOptions, families};
pub use http::{MetricsServer, MetricsSetup};
pub use push::{PushSetup, PushUrl};
