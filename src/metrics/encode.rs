//! Metric families in the Prometheus text format (0.0.4) or OpenMetrics 1.0, written by the
//! prometheus-client crate (the Prometheus project's own Rust client) from a collector over one
//! snapshot's families.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use crate::metrics::exposition::{Family, Kind, SampleValue};

/// Which text format a scraper gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `text/plain; version=0.0.4`: what Prometheus asks for by default, and what `curl` gets.
    Prometheus,
    /// `application/openmetrics-text; version=1.0.0`, when the Accept header asks for it.
    OpenMetrics,
}

impl Format {
    /// The format an Accept header asks for: OpenMetrics if it names it, else Prometheus text.
    pub fn from_accept(accept: &str) -> Format {
        if accept.contains("application/openmetrics-text") { Format::OpenMetrics } else { Format::Prometheus }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// The families of one scrape, as the registry's one collector.
#[derive(Debug)]
struct Families(Vec<Family>);

impl Collector for Families {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for family in &self.0 {
            let kind = match family.kind {
                Kind::Counter => MetricType::Counter,
                Kind::Gauge => MetricType::Gauge,
                Kind::Histogram => MetricType::Histogram,
            };
            let mut metric = encoder.encode_descriptor(&family.name, &family.help, None, kind)?;
            for sample in &family.samples {
                let labels: Vec<(&str, &str)> = sample.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let encoder = metric.encode_family(&labels)?;
                match &sample.value {
                    SampleValue::Count(n) => ConstCounter::new(*n).encode(encoder)?,
                    SampleValue::Level(n) => ConstGauge::new(*n).encode(encoder)?,
                    SampleValue::Histogram { sum, count, buckets } => {
                        let mut encoder = encoder;
                        encoder.encode_histogram::<NoLabelSet>(*sum, *count, buckets, None)?
                    }
                }
            }
        }
        Ok(())
    }
}

/// The families as a scrape's body.
pub fn render(families: Vec<Family>, format: Format) -> String {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Families(families)));
    let mut out = String::new();
    let written = match format {
        Format::Prometheus => prometheus_client::encoding::prometheus_text::encode(&mut out, &registry),
        Format::OpenMetrics => prometheus_client::encoding::text::encode(&mut out, &registry),
    };
    // Writing to a String cannot fail; a label the encoder refused would show as a short body.
    if written.is_err() {
        out.push_str("# rmonprobe: the exposition could not be written whole\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::exposition::Sample;

    fn families() -> Vec<Family> {
        vec![
            Family {
                name: "rmon_ether_stats_pkts".into(),
                help: "etherStatsPkts (etherStatsTable).".into(),
                kind: Kind::Counter,
                samples: vec![Sample {
                    labels: vec![("ether_stats_index".into(), "1".into()), ("interface".into(), "eth\"1".into())],
                    value: SampleValue::Count(u64::MAX),
                }],
            },
            Family {
                name: "rmon_host_control_table_size".into(),
                help: "hostControlTableSize (hostControlTable).".into(),
                kind: Kind::Gauge,
                samples: vec![Sample { labels: vec![], value: SampleValue::Level(-3) }],
            },
        ]
    }

    #[test]
    fn both_formats_name_counters_with_total_and_escape_labels() {
        let text = render(families(), Format::Prometheus);
        assert!(text.contains("# TYPE rmon_ether_stats_pkts_total counter\n"), "{text}");
        assert!(
            text.contains(
                r#"rmon_ether_stats_pkts_total{ether_stats_index="1",interface="eth\"1"} 18446744073709551615"#
            ),
            "{text}"
        );
        assert!(text.contains("rmon_host_control_table_size -3\n"), "{text}");
        assert!(!text.contains("# EOF"));
        let open = render(families(), Format::OpenMetrics);
        assert!(open.contains("# TYPE rmon_ether_stats_pkts counter\n"), "{open}");
        assert!(open.ends_with("# EOF\n"), "{open}");
    }

    #[test]
    fn accept_header_chooses_the_format() {
        assert_eq!(
            Format::from_accept("application/openmetrics-text;version=1.0.0,text/plain;q=0.5"),
            Format::OpenMetrics
        );
        assert_eq!(Format::from_accept("text/plain;version=0.0.4;q=0.5,*/*;q=0.1"), Format::Prometheus);
        assert_eq!(Format::from_accept(""), Format::Prometheus);
    }
}
