//! The deterministic generator unit tests draw their generated cases from (xorshift64), so
//! that a seed names the same cases for good and a failure can be replayed.

pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from `seed`, which must not be 0.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
