//! Test support: xorshift64, the small generator of the tests whose seeds name their cases for good — the same seed draws the same cases on every run.

#![allow(dead_code)]

/// xorshift64 (13, 7, 17) from a nonzero seed.
pub struct Xorshift(pub u64);

impl Xorshift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn coin(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
}
