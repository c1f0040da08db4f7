//! Unsigned integers in LEB128 (7 bits a byte, low first), for numbers kept by the million that
//! are mostly small: the stories' records in their temporary file, the scan's table of rows,
//! the report's turn starts.

/// Appends `n`.
pub fn put(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a number off the front of `r`; `None` when `r` ends first or holds more than 64 bits.
pub fn get(r: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *take(r, 1)?.first()?;
        // The tenth byte holds the 64th bit only: anything more is not a u64.
        if shift == 63 && b > 1 {
            return None;
        }
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// Takes `n` bytes off the front of `r`, if it has them.
pub fn take<'a>(r: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if r.len() < n {
        return None;
    }
    let (head, rest) = r.split_at(n);
    *r = rest;
    Some(head)
}
