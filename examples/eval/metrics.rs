//! Precision, recall and F1 of a binary detector, shared by every set `just eval` scores.

/// Counts of one detector.
#[derive(Default, Clone, Copy)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fneg: usize,
    pub pos: usize,
}

impl Counts {
    pub fn add(&mut self, actual: bool, predicted: bool) {
        self.pos += usize::from(actual);
        match (actual, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fneg += 1,
            (false, false) => {}
        }
    }

    pub fn prf(self) -> (f64, f64, f64) {
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.pos);
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f1)
    }
}

/// `a / b`, 0 when `b` is.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
