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

/// Appends a signed `n` (zigzag: 0, -1, 1, -2, … become 0, 1, 2, 3, …, so a small step either
/// way takes a byte).
pub fn put_signed(out: &mut Vec<u8>, n: i64) {
    put(out, ((n << 1) ^ (n >> 63)) as u64);
}

/// Reads a number [`put_signed`] wrote off the front of `r`.
pub fn get_signed(r: &mut &[u8]) -> Option<i64> {
    let z = get(r)?;
    Some((z >> 1) as i64 ^ -((z & 1) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any numbers, written one after another, read back in order, and nothing is left.
        #[test]
        fn numbers_read_back_as_written(
            unsigned in proptest::collection::vec(any::<u64>(), 0..20),
            signed in proptest::collection::vec(any::<i64>(), 0..20),
        ) {
            let mut out = Vec::new();
            for (&u, &s) in unsigned.iter().zip(&signed) {
                put(&mut out, u);
                put_signed(&mut out, s);
            }
            let mut r = &out[..];
            for (&u, &s) in unsigned.iter().zip(&signed) {
                prop_assert_eq!(get(&mut r), Some(u));
                prop_assert_eq!(get_signed(&mut r), Some(s));
            }
            prop_assert!(r.is_empty());
        }
    }

    #[test]
    fn small_steps_either_way_take_a_byte_and_a_cut_number_is_none() {
        for n in -64..64 {
            let mut out = Vec::new();
            put_signed(&mut out, n);
            assert_eq!(out.len(), 1, "{n}");
        }
        let mut out = Vec::new();
        put(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        assert_eq!(get(&mut &out[..9]), None);
    }
}
