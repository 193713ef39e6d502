//! Prometheus remote-write 1.0: metric families as time series, encoded as the protobuf
//! WriteRequest and compressed with snappy's block format, as the protocol's receivers
//! (Prometheus with `--web.enable-remote-write-receiver`, Mimir, Thanos, VictoriaMetrics) take
//! it. The protobuf is three small messages, written here by hand:
//!
//! ```text
//! WriteRequest { repeated TimeSeries timeseries = 1; }
//! TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//! Label        { string name = 1; string value = 2; }
//! Sample       { double value = 1; int64 timestamp = 2; }   // milliseconds since the epoch
//! ```

use crate::metrics::exposition::{Family, SampleValue};

/// One series and its value: labels sorted by name, `__name__` among them, as remote write
/// requires.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

/// A bucket bound as a label value: `0.0001`, `2.5`, `10`, `+Inf`.
fn bound(le: f64) -> String {
    if le.is_infinite() { "+Inf".to_string() } else { format!("{le}") }
}

/// The families as the series a scrape of them would give: counters with `_total`, histograms
/// as cumulative `_bucket{le}`, `_sum` and `_count`; `extra` labels (job, instance) on each.
pub fn series(families: &[Family], extra: &[(String, String)]) -> Vec<Series> {
    let mut out = Vec::new();
    for family in families {
        for sample in &family.samples {
            let mut push = |suffix: &str, more: Option<(String, String)>, value: f64| {
                let mut labels = vec![("__name__".to_string(), format!("{}{suffix}", family.name))];
                labels.extend(sample.labels.iter().cloned());
                labels.extend(more);
                labels.extend(extra.iter().filter(|(k, _)| !sample.labels.iter().any(|(l, _)| l == k)).cloned());
                labels.sort();
                out.push(Series { labels, value });
            };
            match &sample.value {
                SampleValue::Count(n) => push("_total", None, *n as f64),
                SampleValue::Level(n) => push("", None, *n as f64),
                SampleValue::Histogram { sum, count, buckets } => {
                    let mut cumulative = 0u64;
                    for (le, n) in buckets {
                        cumulative += n;
                        push("_bucket", Some(("le".to_string(), bound(*le))), cumulative as f64);
                    }
                    push("_sum", None, *sum);
                    push("_count", None, *count as f64);
                }
            }
        }
    }
    out
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A length-delimited field (wire type 2).
fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, u64::from(field << 3 | 2));
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The WriteRequest of `series`, each with one sample at `timestamp_ms`, uncompressed.
pub fn encode(series: &[Series], timestamp_ms: i64) -> Vec<u8> {
    let mut request = Vec::new();
    let (mut ts, mut label, mut sample) = (Vec::new(), Vec::new(), Vec::new());
    for s in series {
        ts.clear();
        for (name, value) in &s.labels {
            label.clear();
            bytes_field(&mut label, 1, name.as_bytes());
            bytes_field(&mut label, 2, value.as_bytes());
            bytes_field(&mut ts, 1, &label);
        }
        sample.clear();
        sample.push(1 << 3 | 1); // value: double, fixed 64 bits
        sample.extend_from_slice(&s.value.to_le_bytes());
        varint(&mut sample, 2 << 3); // timestamp: int64, varint (two's complement)
        varint(&mut sample, timestamp_ms as u64);
        bytes_field(&mut ts, 2, &sample);
        bytes_field(&mut request, 1, &ts);
    }
    request
}

/// The body of a remote-write POST: the request, snappy-compressed (block format).
pub fn body(series: &[Series], timestamp_ms: i64) -> Vec<u8> {
    let raw = encode(series, timestamp_ms);
    // Compressing into memory fails only on input beyond snappy's 4 GiB block limit.
    snap::raw::Encoder::new().compress_vec(&raw).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::exposition::{Kind, Sample};

    #[test]
    fn a_series_encodes_as_the_protobuf_spells_it() {
        let s = Series { labels: vec![("__name__".into(), "up".into())], value: 1.0 };
        let bytes = encode(&[s], 1000);
        // TimeSeries (field 1), its length, then a Label (field 1) of 14 octets: name and value.
        assert_eq!(bytes[0], 0x0a);
        assert_eq!(bytes[1] as usize, bytes.len() - 2);
        let label = [0x0a, 0x0e, 0x0a, 0x08];
        assert_eq!(&bytes[2..6], &label);
        assert_eq!(&bytes[6..14], b"__name__");
        assert_eq!(&bytes[14..16], &[0x12, 0x02]);
        assert_eq!(&bytes[16..18], b"up");
        // Sample: tag 0x12, length 12: 0x09 + 8 octets of 1.0, 0x10 + varint 1000 (0xe8 0x07).
        assert_eq!(&bytes[18..20], &[0x12, 0x0c]);
        assert_eq!(bytes[20], 0x09);
        assert_eq!(&bytes[21..29], &1.0f64.to_le_bytes());
        assert_eq!(&bytes[29..], &[0x10, 0xe8, 0x07]);
        // And it round-trips through snappy.
        let compressed = body(&[Series { labels: vec![("__name__".into(), "up".into())], value: 1.0 }], 1000);
        assert_eq!(snap::raw::Decoder::new().decompress_vec(&compressed).unwrap(), bytes);
    }

    #[test]
    fn families_flatten_as_a_scrape_would() {
        let families = vec![
            Family {
                name: "rmon_x".into(),
                help: String::new(),
                kind: Kind::Counter,
                samples: vec![Sample { labels: vec![("z".into(), "1".into())], value: SampleValue::Count(7) }],
            },
            Family {
                name: "rmon_h_seconds".into(),
                help: String::new(),
                kind: Kind::Histogram,
                samples: vec![Sample {
                    labels: vec![],
                    value: SampleValue::Histogram { sum: 0.5, count: 3, buckets: vec![(0.1, 1), (f64::INFINITY, 2)] },
                }],
            },
        ];
        let got = series(&families, &[("job".into(), "rmonprobe".into())]);
        let names: Vec<String> = got.iter().map(|s| format!("{:?}={}", s.labels, s.value)).collect();
        assert_eq!(got.len(), 5, "{names:#?}");
        assert_eq!(
            got[0].labels,
            vec![
                ("__name__".to_string(), "rmon_x_total".to_string()),
                ("job".to_string(), "rmonprobe".to_string()),
                ("z".to_string(), "1".to_string())
            ]
        );
        assert_eq!(got[0].value, 7.0);
        assert_eq!((got[1].labels[2].1.as_str(), got[1].value), ("0.1", 1.0));
        assert_eq!((got[2].labels[2].1.as_str(), got[2].value), ("+Inf", 3.0));
        assert_eq!((got[3].labels[0].1.as_str(), got[3].value), ("rmon_h_seconds_sum", 0.5));
        assert_eq!((got[4].labels[0].1.as_str(), got[4].value), ("rmon_h_seconds_count", 3.0));
    }
}
