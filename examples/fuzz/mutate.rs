//! The byte-level mutation engine: a seeded generator and stacked mutations (bit flips, byte
//! insert/delete/duplicate, splicing two inputs, dictionary tokens, long digit runs, invalid
//! UTF-8). Pure `std`, so the desktop crate's input fuzz test can include this file as it is.

/// Tokens every parser of outside input should survive: numbers at and past the limits of their
/// types, signed zero, non-finite floats, impossible dates and offsets, separators, BOMs, quotes.
pub const COMMON_TOKENS: &[&str] = &[
    "1e20",
    "-1e20",
    "1e308",
    "1e309",
    "-1e-320",
    "-0",
    "-0.0",
    "0",
    "-1",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "+25:00",
    "-24:00",
    "2026-02-30",
    "2024-02-29",
    "0000-00-00",
    "99999999999-12-31",
    "-9223372036854775808-01-01",
    "T24:00:60Z",
    "\u{FFFD}",
    "\u{feff}",
    "\u{a0}",
    "\r\n",
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "..",
    "NULL",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "9223372036854775808",
    "4294967296",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.0000000000000000000000000001",
    "1_000",
    "1,000",
    "0x10",
    "1.7976931348623157e308",
    "4.9e-324",
    "1e-7",
    "{}",
    "[]",
    "=",
];

/// splitmix64: small, fast and good enough to drive mutations; same seed, same run.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Byte sequences that are not UTF-8: a lone continuation byte, a truncated two- and four-byte
/// sequence, an encoded surrogate, an overlong slash, bytes that never occur in UTF-8.
const INVALID_UTF8: &[&[u8]] = &[
    &[0x80],
    &[0xC3],
    &[0xF0, 0x9F, 0x98],
    &[0xED, 0xA0, 0x80],
    &[0xC0, 0xAF],
    &[0xFF],
    &[0xFE, 0xFF],
];

/// Single bytes that change how text parsers split and read.
const INTERESTING_BYTES: &[u8] = b"\0\n\r\t ,;\"'=.-+eE0123456789[]{}#:/\\";

/// Mutate `data` in place with 1 to 8 stacked mutations. `dict` holds the target's tokens
/// (the common ones are always available); `other` is a second input to splice with; the result
/// is cut to `max_len` bytes.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, dict: &[&[u8]], other: &[u8], max_len: usize) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        mutate_once(rng, data, dict, other, max_len);
        // Cut after every round: stacked repeats of a line would otherwise grow an input
        // geometrically (a 2 GiB input was seen), and the driver, not the parser, runs out.
        data.truncate(max_len);
    }
}

fn token<'a>(rng: &mut Rng, dict: &[&'a [u8]]) -> &'a [u8] {
    if !dict.is_empty() && rng.chance(2, 3) {
        *rng.pick(dict)
    } else {
        rng.pick(COMMON_TOKENS).as_bytes()
    }
}

/// A random `start..end` range of `len` bytes, at most `max` long.
fn span(rng: &mut Rng, len: usize, max: usize) -> (usize, usize) {
    let start = rng.below(len + 1);
    let n = rng.below((len - start).min(max) + 1);
    (start, start + n)
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, dict: &[&[u8]], other: &[u8], max_len: usize) {
    let len = data.len();
    match rng.below(14) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = if rng.chance(1, 2) {
                *rng.pick(INTERESTING_BYTES)
            } else {
                rng.next_u64() as u8
            };
        }
        2 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(4);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, bytes);
        }
        3 if len > 0 => {
            let (a, b) = span(rng, len, 16.max(len / 8));
            data.drain(a..b);
        }
        4 if len > 0 => {
            // Duplicate a chunk somewhere else (repeats rows, keys and cells).
            let (a, b) = span(rng, len, 256);
            let chunk = data[a..b].to_vec();
            let at = rng.below(data.len() + 1);
            data.splice(at..at, chunk);
        }
        5 if !other.is_empty() => {
            // Splice: our head, the other input's tail.
            let cut = rng.below(len + 1);
            let from = rng.below(other.len());
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        6 => {
            let t = token(rng, dict);
            let at = rng.below(len + 1);
            data.splice(at..at, t.iter().copied());
        }
        7 if len > 0 => {
            // Overwrite a span with a token: replaces a number or a key in place.
            let t = token(rng, dict);
            let (a, b) = span(rng, len, 24);
            data.splice(a..b, t.iter().copied());
        }
        8 => {
            let longest = if rng.chance(1, 8) { 5000 } else { 400 };
            let n = 1 + rng.below(longest);
            let digit = b'0' + rng.below(10) as u8;
            let at = rng.below(len + 1);
            data.splice(at..at, std::iter::repeat_n(digit, n));
        }
        9 => {
            let at = rng.below(len + 1);
            data.splice(at..at, rng.pick(INVALID_UTF8).iter().copied());
        }
        10 if len > 0 => {
            // Replace a run of digits with a token (numbers become limits, NaN, dates...).
            let start = rng.below(len);
            if let Some(off) = data[start..].iter().position(u8::is_ascii_digit) {
                let a = start + off;
                let b = a + data[a..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || **c == b'.')
                    .count();
                let t = token(rng, dict);
                data.splice(a..b, t.iter().copied());
            }
        }
        11 if len > 0 => {
            // Repeat a whole line: more rows, repeated keys.
            let at = rng.below(len);
            let a = data[..at].iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
            let b = data[at..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(len, |p| at + p + 1);
            let line = data[a..b].to_vec();
            let most = if rng.chance(1, 16) { 200 } else { 3 };
            // No more copies than fit twice the largest input.
            let room = (2 * max_len).saturating_sub(len) / line.len().max(1);
            let times = (1 + rng.below(most)).min(room);
            for _ in 0..times {
                data.splice(b..b, line.iter().copied());
            }
        }
        12 if len > 0 => {
            data.truncate(rng.below(len));
        }
        _ if len > 1 => {
            // Swap two bytes.
            let (i, j) = (rng.below(len), rng.below(len));
            data.swap(i, j);
        }
        _ => data.push(rng.next_u64() as u8),
    }
}
