//! How the UI writes numbers, addresses, objects and times: short enough for an 80-column
//! terminal.

use crate::mib::Oid;
use crate::packet::MacAddr;
use crate::rmon::RmonTables;

/// A count with a unit prefix past 10,000: `9999`, `12.3k`, `4.56M`, `7.89G`.
pub fn si(v: f64) -> String {
    let a = v.abs();
    if a < 10_000.0 {
        return format!("{v:.0}");
    }
    for (scale, unit) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")] {
        if a >= scale {
            let x = v / scale;
            return if x.abs() >= 100.0 { format!("{x:.0}{unit}") } else { format!("{x:.1}{unit}") };
        }
    }
    format!("{v:.0}")
}

/// A counter, exact with thousands separators: `1,234,567`.
pub fn count(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bits per second: `950 b/s`, `12.3 Mb/s`.
pub fn bps(v: f64) -> String {
    format!("{}b/s", si_spaced(v))
}

/// Frames per second: `1.2k p/s`.
pub fn pps(v: f64) -> String {
    format!("{}p/s", si_spaced(v))
}

fn si_spaced(v: f64) -> String {
    let s = si(v);
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{s} ")
    } else {
        format!("{} {}", &s[..s.len() - 1], &s[s.len() - 1..])
    }
}

/// `aa:bb:cc:dd:ee:ff`.
pub fn mac(m: MacAddr) -> String {
    m.to_string()
}

/// An object instance (an alarmVariable, a usrHistoryObjectVariable) by its MIB name where the
/// schemas know its table (`etherStatsPkts.1`, `hostControlTableSize.1`), else the dotted OID.
pub fn object(oid: &Oid) -> String {
    RmonTables::object_name(oid.as_slice()).unwrap_or_else(|| oid.to_string())
}

/// A signed value from its magnitude: `-1.2k`, `590`; exact (`-1,234`) when `exact`.
pub fn signed(negative: bool, magnitude: u64, exact: bool) -> String {
    let digits = if exact { count(magnitude) } else { si(magnitude as f64) };
    if negative && magnitude > 0 { format!("-{digits}") } else { digits }
}

/// TimeTicks (hundredths of a second) as `1d 02:03:04` or `02:03:04.56`.
pub fn ticks(t: u64) -> String {
    let secs = t / 100;
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 { format!("{d}d {h:02}:{m:02}:{s:02}") } else { format!("{h:02}:{m:02}:{s:02}.{:02}", t % 100) }
}

/// Hundredths of a percent (etherHistoryUtilization) as `12.34%`.
pub fn hundredths(u: u64) -> String {
    format!("{}.{:02}%", u / 100, u % 100)
}

/// A bit rate as a share of `speed` in hundredths of a percent, capped at 100%.
pub fn utilization(bits_per_sec: f64, speed: u64) -> u64 {
    if speed == 0 {
        return 0;
    }
    ((bits_per_sec / speed as f64) * 10_000.0).clamp(0.0, 10_000.0) as u64
}

/// ifSpeed as `1 Gb/s`.
pub fn speed(bits: u64) -> String {
    bps(bits as f64)
}

/// Cuts `s` to `width` characters, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A delay in microseconds, three figures in the unit that reads best: `850µs`, `1.23ms`,
/// `45.6ms`, `320ms`, `1.50s`; `-` where there is no sample (a percentile of nothing).
pub fn micros(us: Option<u64>) -> String {
    let Some(us) = us else { return "-".into() };
    let ms = us as f64 / 1000.0;
    match us {
        0..1_000 => format!("{us}µs"),
        1_000..9_995 => format!("{ms:.2}ms"),
        9_995..99_950 => format!("{ms:.1}ms"),
        99_950..999_500 => format!("{ms:.0}ms"),
        999_500..9_995_000 => format!("{:.2}s", ms / 1000.0),
        _ => format!("{:.1}s", ms / 1000.0),
    }
}

/// `n` things, in the singular for one: "1 entry", "3 entries".
pub fn things(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(si(950.0), "950");
        assert_eq!(si(12_345.0), "12.3k");
        assert_eq!(si(4_560_000.0), "4.6M");
        assert_eq!(si(456_000_000.0), "456M");
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(100), "100");
        assert_eq!(bps(12_300_000.0), "12.3 Mb/s");
        assert_eq!(pps(5.0), "5 p/s");
        assert_eq!(speed(1_000_000_000), "1.0 Gb/s");
        assert_eq!(signed(true, 1_234, true), "-1,234");
        assert_eq!(signed(true, 12_345, false), "-12.3k");
        assert_eq!(signed(false, 590, false), "590");
        assert_eq!(signed(true, 0, false), "0");
    }

    #[test]
    fn delays() {
        assert_eq!(micros(None), "-");
        assert_eq!(micros(Some(0)), "0µs");
        assert_eq!(micros(Some(850)), "850µs");
        assert_eq!(micros(Some(1_234)), "1.23ms");
        // Rounding up to the next unit's width moves to it: never `10.00ms`.
        assert_eq!(micros(Some(9_999)), "10.0ms");
        assert_eq!(micros(Some(45_600)), "45.6ms");
        assert_eq!(micros(Some(320_400)), "320ms");
        assert_eq!(micros(Some(999_700)), "1.00s");
        assert_eq!(micros(Some(1_500_000)), "1.50s");
        assert_eq!(micros(Some(12_000_000)), "12.0s");
    }

    #[test]
    fn objects_by_name() {
        let oid = |ids: &[u32]| Oid(ids.to_vec());
        assert_eq!(object(&oid(&[1, 3, 6, 1, 2, 1, 16, 1, 1, 1, 5, 1])), "etherStatsPkts.1");
        assert_eq!(object(&oid(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1])), "1.3.6.1.2.1.2.2.1.10.1");
    }

    #[test]
    fn times_and_shares() {
        assert_eq!(ticks(0), "00:00:00.00");
        assert_eq!(ticks(366_012), "01:01:00.12");
        assert_eq!(ticks(8_640_000 + 360_000), "1d 01:00:00");
        assert_eq!(hundredths(1234), "12.34%");
        assert_eq!(utilization(500_000_000.0, 1_000_000_000), 5000);
        assert_eq!(utilization(5e9, 1_000_000_000), 10_000);
        assert_eq!(utilization(1.0, 0), 0);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
