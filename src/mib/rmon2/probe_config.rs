//! probeConfig (1.3.6.1.2.1.16.19): the read-only objects a manager reads first to learn what
//! the probe is: probeCapabilities (which RMON groups it implements), probeSoftwareRev,
//! probeHardwareRev and probeDateTime.

/// 1.3.6.1.2.1.16.19: the probeConfig group.
pub const PROBE_CONFIG: [u32; 8] = [1, 3, 6, 1, 2, 1, 16, 19];

/// probeCapabilities' bits (RFC 4502), the groups this probe implements.
pub mod capability {
    pub const ETHER_STATS: u32 = 0;
    pub const HISTORY_CONTROL: u32 = 1;
    pub const ETHER_HISTORY: u32 = 2;
    pub const ALARM: u32 = 3;
    pub const HOSTS: u32 = 4;
    pub const HOST_TOP_N: u32 = 5;
    pub const MATRIX: u32 = 6;
    pub const FILTER: u32 = 7;
    pub const CAPTURE: u32 = 8;
    pub const EVENT: u32 = 9;
    pub const PROTOCOL_DIRECTORY: u32 = 18;
    pub const PROTOCOL_DISTRIBUTION: u32 = 19;
    pub const ADDRESS_MAPPING: u32 = 20;
    pub const NL_HOST: u32 = 21;
    pub const NL_MATRIX: u32 = 22;
    pub const AL_HOST: u32 = 23;
    pub const AL_MATRIX: u32 = 24;
    pub const USR_HISTORY: u32 = 25;
    pub const PROBE_CONFIG: u32 = 26;
}

/// A BITS value (RFC 2578 7.1.4: bit 0 is the high bit of the first octet) with `bits` set.
pub fn bits(bits: &[u32]) -> Vec<u8> {
    let octets = bits.iter().map(|b| b / 8 + 1).max().unwrap_or(0) as usize;
    let mut out = vec![0u8; octets];
    for &b in bits {
        out[(b / 8) as usize] |= 0x80 >> (b % 8);
    }
    out
}

/// probeDateTime (RFC 4502, a DateAndTime of 8 or 11 octets): year (2), month, day, hour,
/// minutes, seconds, deci-seconds, then '+', 0, 0 for UTC.
pub fn date_time(unix_nanos: u128) -> Vec<u8> {
    let secs = (unix_nanos / 1_000_000_000) as i64;
    let deci = ((unix_nanos / 100_000_000) % 10) as u8;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let year = u16::try_from(year).unwrap_or(0).to_be_bytes();
    vec![year[0], year[1], month, day, (rem / 3600) as u8, (rem % 3600 / 60) as u8, (rem % 60) as u8, deci, b'+', 0, 0]
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_numbered_from_the_high_bit() {
        assert_eq!(bits(&[0, 9]), vec![0x80, 0x40]);
        assert_eq!(bits(&[26]), vec![0, 0, 0, 0x20]);
    }

    #[test]
    fn date_time_of_known_instants() {
        // 2026-12-03 10:11:31.5 UTC
        let t = 1_796_292_691u128 * 1_000_000_000 + 500_000_000;
        assert_eq!(date_time(t), vec![0x07, 0xea, 12, 3, 10, 11, 31, 5, b'+', 0, 0]);
        assert_eq!(date_time(0), vec![0x07, 0xb2, 1, 1, 0, 0, 0, 0, b'+', 0, 0]);
    }
}
