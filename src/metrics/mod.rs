//! The probe's figures for Prometheus: `--metrics ADDR:PORT` serves GET /metrics, in the
//! Prometheus text format or, when the scraper asks for it, OpenMetrics.
//!
//! - `exposition.rs`: a snapshot as metric families, derived from the tables' schemas.
//! - `encode.rs`: the families in either text format, through the prometheus-client crate.
//! - `http.rs`: the small HTTP/1.1 server a scraper talks to.

pub mod encode;
pub mod exposition;
pub mod http;

pub use encode::{Format, render};
pub use exposition::{ExpositionOptions, families};
pub use http::{MetricsServer, MetricsSetup};
