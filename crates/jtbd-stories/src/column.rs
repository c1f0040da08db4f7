//! Columns of numbers kept for every signal of a study (3.6 million at a gigabyte of
//! transcripts), in as few bytes as their values need: a place in a table costs 4 bytes while
//! it fits, and the column widens itself the first time a value does not, so no input is ever
//! cut to fit.

/// Unsigned numbers of type `W`, each kept as the narrower `N` until one does not fit (then
/// every one takes a `W`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Widening<N, W> {
    Narrow(Vec<N>),
    Full(Vec<W>),
}

/// 4 bytes a number until one needs 8 (a place in a file, a place in a table).
pub(crate) type Wide = Widening<u32, u64>;

/// 2 bytes a number until one needs 4 (a turn in an interview, a sentence in a turn, a theme).
pub(crate) type Half = Widening<u16, u32>;

impl<N, W> Default for Widening<N, W> {
    fn default() -> Self {
        Widening::Narrow(Vec::new())
    }
}

impl<N: Copy + TryFrom<W> + Into<W>, W: Copy> Widening<N, W> {
    /// `len` places, each `value`.
    pub(crate) fn filled(len: usize, value: W) -> Self {
        match N::try_from(value) {
            Ok(x) => Widening::Narrow(vec![x; len]),
            Err(_) => Widening::Full(vec![value; len]),
        }
    }

    pub(crate) fn push(&mut self, value: W) {
        match self {
            Widening::Narrow(v) => match N::try_from(value) {
                Ok(x) => v.push(x),
                Err(_) => {
                    self.widen();
                    self.push(value);
                }
            },
            Widening::Full(v) => v.push(value),
        }
    }

    /// Puts `value` at place `i` (which must exist).
    pub(crate) fn set(&mut self, i: usize, value: W) {
        match self {
            Widening::Narrow(v) => match N::try_from(value) {
                Ok(x) => v[i] = x,
                Err(_) => {
                    self.widen();
                    self.set(i, value);
                }
            },
            Widening::Full(v) => v[i] = value,
        }
    }

    pub(crate) fn get(&self, i: usize) -> W {
        match self {
            Widening::Narrow(v) => v[i].into(),
            Widening::Full(v) => v[i],
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Widening::Narrow(v) => v.len(),
            Widening::Full(v) => v.len(),
        }
    }

    /// Every place as a `W` from now on.
    fn widen(&mut self) {
        if let Widening::Narrow(v) = self {
            let mut wide: Vec<W> = Vec::with_capacity(v.capacity().max(v.len() + 1));
            wide.extend(v.iter().map(|&x| x.into()));
            *self = Widening::Full(wide);
        }
    }
}

/// Numbers a study holds few distinct values of (a rule's confidence: a handful of values
/// over millions of signals), each kept once: 2 bytes a place while there are at most 65,536
/// distinct values, the values themselves past that. Values are compared by their bits, so
/// each comes back exactly as it went in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Few {
    /// Each place's value: its number in `values`, or the value itself once there are too many.
    places: Places,
    values: Vec<f64>,
    numbers: rustc_hash::FxHashMap<u64, u16>,
}

#[derive(Debug, Clone)]
enum Places {
    Numbered(Vec<u16>),
    Plain(Vec<f64>),
}

impl Default for Places {
    fn default() -> Places {
        Places::Numbered(Vec::new())
    }
}

impl Few {
    pub(crate) fn push(&mut self, value: f64) {
        match &mut self.places {
            Places::Numbered(places) => {
                let known = self.numbers.get(&value.to_bits()).copied();
                let number = known.or_else(|| {
                    let n = u16::try_from(self.values.len()).ok()?;
                    self.values.push(value);
                    self.numbers.insert(value.to_bits(), n);
                    Some(n)
                });
                match number {
                    Some(n) => places.push(n),
                    None => {
                        let values = &self.values;
                        let mut plain: Vec<f64> =
                            places.iter().map(|&n| values[usize::from(n)]).collect();
                        plain.push(value);
                        self.places = Places::Plain(plain);
                        self.values = Vec::new();
                        self.numbers = Default::default();
                    }
                }
            }
            Places::Plain(v) => v.push(value),
        }
    }

    pub(crate) fn get(&self, i: usize) -> f64 {
        match &self.places {
            Places::Numbered(places) => self.values[usize::from(places[i])],
            Places::Plain(v) => v[i],
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        match &self.places {
            Places::Numbered(v) => v.len(),
            Places::Plain(v) => v.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever values come, in whatever order, each place gives back what was pushed,
        /// bit for bit, before and after the column widens.
        #[test]
        fn columns_give_back_what_was_pushed(
            values in proptest::collection::vec(
                prop_oneof![0u64..10, any::<u32>().prop_map(u64::from), any::<u64>()],
                0..200,
            ),
        ) {
            let mut wide = Wide::default();
            let mut few = Few::default();
            let mut half = Half::default();
            for &v in &values {
                wide.push(v);
                few.push(f64::from_bits(v));
                half.push(v as u32);
            }
            // Set in reverse over a column filled with the first value: the same places.
            let mut set = Half::filled(values.len(), values.first().map_or(0, |&v| v as u32));
            for (i, &v) in values.iter().enumerate().rev() {
                set.set(i, v as u32);
            }
            prop_assert_eq!(wide.len(), values.len());
            prop_assert_eq!(few.len(), values.len());
            for (i, &v) in values.iter().enumerate() {
                prop_assert_eq!(wide.get(i), v);
                prop_assert_eq!(few.get(i).to_bits(), v);
                prop_assert_eq!(half.get(i), v as u32);
                prop_assert_eq!(set.get(i), v as u32);
            }
        }
    }

    #[test]
    fn a_column_of_few_values_widens_past_the_numbers_it_can_give() {
        let mut few = Few::default();
        let n = usize::from(u16::MAX) + 2;
        for i in 0..n {
            few.push(i as f64 / 7.0);
        }
        few.push(0.0);
        assert!(matches!(few.places, Places::Plain(_)));
        assert_eq!(few.len(), n + 1);
        assert_eq!(few.get(n - 1), (n - 1) as f64 / 7.0);
        assert_eq!(few.get(n), 0.0);
        let mut wide = Wide::default();
        wide.push(7);
        wide.push(u64::from(u32::MAX) + 1);
        assert!(matches!(wide, Wide::Full(_)));
        assert_eq!((wide.get(0), wide.get(1)), (7, u64::from(u32::MAX) + 1));
        let mut half = Half::filled(3, 0);
        half.set(1, 9);
        assert!(matches!(half, Half::Narrow(_)));
        half.set(2, u32::from(u16::MAX) + 1);
        assert!(matches!(half, Half::Full(_)));
        assert_eq!((half.get(0), half.get(1), half.get(2)), (0, 9, 65_536));
    }
}
