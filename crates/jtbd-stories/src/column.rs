//! Columns of numbers kept for every signal of a study (3.6 million at a gigabyte of
//! transcripts), in as few bytes as their values need: a place in a table costs 4 bytes while
//! it fits, and the column widens itself the first time a value does not, so no input is ever
//! cut to fit.

/// Unsigned numbers, 4 bytes each until one needs 8 (then every one takes 8).
#[derive(Debug, Clone)]
pub(crate) enum Wide {
    Narrow(Vec<u32>),
    Full(Vec<u64>),
}

impl Default for Wide {
    fn default() -> Wide {
        Wide::Narrow(Vec::new())
    }
}

impl Wide {
    pub(crate) fn push(&mut self, value: u64) {
        match self {
            Wide::Narrow(v) => match u32::try_from(value) {
                Ok(x) => v.push(x),
                Err(_) => {
                    let mut wide: Vec<u64> = Vec::with_capacity(v.capacity().max(v.len() + 1));
                    wide.extend(v.iter().map(|&x| u64::from(x)));
                    wide.push(value);
                    *self = Wide::Full(wide);
                }
            },
            Wide::Full(v) => v.push(value),
        }
    }

    pub(crate) fn get(&self, i: usize) -> u64 {
        match self {
            Wide::Narrow(v) => u64::from(v[i]),
            Wide::Full(v) => v[i],
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Wide::Narrow(v) => v.len(),
            Wide::Full(v) => v.len(),
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
            for &v in &values {
                wide.push(v);
                few.push(f64::from_bits(v));
            }
            prop_assert_eq!(wide.len(), values.len());
            prop_assert_eq!(few.len(), values.len());
            for (i, &v) in values.iter().enumerate() {
                prop_assert_eq!(wide.get(i), v);
                prop_assert_eq!(few.get(i).to_bits(), v);
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
    }
}
