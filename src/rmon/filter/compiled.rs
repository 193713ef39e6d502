//! Filters as the workers run them: the MIB's byte-by-byte rules (`Filter::data_matches`)
//! turned into 64-bit words once, when a channel's filters are set, so that a frame is matched
//! eight octets at a time with no per-octet mask lookups. Same answers as [`Filter::matches`]
//! (a test below checks them against each other on many filters and frames).

use crate::rmon::filter::Filter;

/// One eight-octet word of a pattern: the relevant bits, the wanted bits, and the relevant bits
/// of which at least one must differ (filterPktDataNotMask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Word {
    mask: u64,
    want: u64,
    not_mask: u64,
}

/// A filter ready to match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledFilter {
    /// filterPktDataOffset, and the frame length the pattern needs (rule 1).
    start: usize,
    end: usize,
    words: Vec<Word>,
    /// Some relevant bit has its NotMask bit set (rule 3 applies).
    inverted: bool,
    /// The status match: bits that must equal `status_want`, bits of which one must differ.
    status_mask: u32,
    status_want: u32,
    status_not_mask: u32,
}

impl CompiledFilter {
    pub fn new(f: &Filter) -> CompiledFilter {
        let start = f.pkt_data_offset as usize;
        let len = f.pkt_data.len();
        let mut words = Vec::with_capacity(len.div_ceil(8));
        let mut inverted = false;
        for chunk in 0..len.div_ceil(8) {
            let mut w = Word { mask: 0, want: 0, not_mask: 0 };
            for i in 0..8 {
                let at = chunk * 8 + i;
                let Some(&want) = f.pkt_data.get(at) else { break };
                let mask = f.pkt_data_mask.get(at).copied().unwrap_or(0xff);
                let not_mask = f.pkt_data_not_mask.get(at).copied().unwrap_or(0) & mask;
                w.mask |= u64::from(mask) << (8 * i);
                w.want |= u64::from(want & mask) << (8 * i);
                w.not_mask |= u64::from(not_mask) << (8 * i);
            }
            inverted |= w.not_mask != 0;
            words.push(w);
        }
        // The status rules, as Filter::status_matches reads the Integer32 columns.
        let want = f.pkt_status as u32;
        let mask = f.pkt_status_mask as u32;
        let bits = |v: u32| u32::BITS - v.leading_zeros();
        let low = |n: u32| if n >= u32::BITS { u32::MAX } else { (1u32 << n) - 1 };
        let status_mask = mask | (low(bits(want)) & !low(bits(mask)));
        CompiledFilter {
            start,
            end: start.saturating_add(len),
            words,
            inverted,
            status_mask,
            status_want: want,
            status_not_mask: f.pkt_status_not_mask as u32 & status_mask,
        }
    }

    /// [`Filter::matches`], word by word.
    #[inline]
    pub fn matches(&self, frame: &[u8], status: u8) -> bool {
        let differs = (u32::from(status) ^ self.status_want) & self.status_mask;
        if differs & !self.status_not_mask != 0 || (self.status_not_mask != 0 && differs & self.status_not_mask == 0) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let Some(window) = frame.get(self.start..self.end) else { return false };
        let mut inverted_differs = false;
        for (chunk, w) in window.chunks(8).zip(&self.words) {
            let got = if let Ok(eight) = <[u8; 8]>::try_from(chunk) {
                u64::from_le_bytes(eight)
            } else {
                let mut eight = [0u8; 8];
                eight[..chunk.len()].copy_from_slice(chunk);
                u64::from_le_bytes(eight)
            };
            let differs = (got & w.mask) ^ w.want;
            if differs & !w.not_mask != 0 {
                return false;
            }
            inverted_differs |= differs & w.not_mask != 0;
        }
        !self.inverted || inverted_differs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no crate.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Up to `max - 1` octets from a few values, so that patterns and frames often agree.
    fn bytes(state: &mut u64, max: u64, bias: u8) -> Vec<u8> {
        let n = next(state) % max;
        (0..n).map(|_| [0x00, 0xff, 0x08, bias, 0x0f][(next(state) % 5) as usize]).collect()
    }

    #[test]
    fn compiled_filters_answer_as_the_mib_rules_do() {
        let mut state = 0x9e37_79b9_7f4a_7c15;
        let (mut matched, mut checked) = (0, 0);
        for _ in 0..3000 {
            let f = Filter {
                pkt_data_offset: (next(&mut state) % 6) as u32,
                pkt_data: bytes(&mut state, 20, 0x01),
                pkt_data_mask: bytes(&mut state, 22, 0xf0),
                pkt_data_not_mask: if next(&mut state).is_multiple_of(3) {
                    bytes(&mut state, 22, 0x10)
                } else {
                    Vec::new()
                },
                pkt_status: (next(&mut state) % 8) as i32,
                pkt_status_mask: (next(&mut state) % 8) as i32,
                pkt_status_not_mask: (next(&mut state) % 4) as i32,
            };
            let c = CompiledFilter::new(&f);
            for _ in 0..20 {
                let frame = bytes(&mut state, 30, 0x01);
                let status = (next(&mut state) % 8) as u8;
                let want = f.matches(&frame, status);
                assert_eq!(c.matches(&frame, status), want, "{f:?} on {frame:02x?} status {status}");
                matched += usize::from(want);
                checked += 1;
            }
        }
        // The cases must exercise both answers.
        assert!(matched > checked / 50 && matched < checked - checked / 50, "{matched} of {checked}");
    }
}
