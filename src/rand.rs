//! A small, fast, per-thread pseudo-random number generator.
//!
//! `select!` starts polling its branches at a random one, so that a branch
//! that is always ready cannot starve the branches written after it. That
//! needs a number that is different from one poll to the next, cheaply, on
//! every thread, without a lock and without a crate: not a cryptographic
//! one.
//!
//! The generator is Marsaglia's xorshift64 ("Xorshift RNGs", Journal of
//! Statistical Software 8(14), 2003): three shift-xors of a 64-bit word,
//! with the shift triple (13, 7, 17) from the paper's list of full-period
//! triples, so every nonzero state recurs only after 2^64 - 1 steps. A
//! number below `n` is the high half of the 64-bit product of the top 32
//! bits of the state and `n` (Lemire's multiply-shift reduction): no
//! division, and a bias below `n / 2^32`, which nothing here can notice.
//!
//! Each thread seeds its own state the first time it asks, from std's
//! `RandomState` (which std fills from the operating system's randomness
//! source), so two threads, or two runs of one program, do not repeat each
//! other's sequence.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

thread_local! {
    /// This thread's xorshift state; 0 means "not seeded yet" (xorshift
    /// never reaches 0 from a nonzero state).
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// A pseudo-random number in `0..n`, from this thread's generator.
///
/// # Panics
///
/// If `n` is 0 (there is no number in `0..0`).
pub(crate) fn below(n: u32) -> u32 {
    assert!(n > 0, "rand::below(0): the range 0..0 is empty");
    let x = STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            x = seed();
        }
        x = step(x);
        state.set(x);
        x
    });
    (((x >> 32) * u64::from(n)) >> 32) as u32
}

/// One xorshift64 step (13, 7, 17). Maps nonzero to nonzero.
fn step(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// A nonzero seed from std's per-process random keys.
fn seed() -> u64 {
    // Each `RandomState::new()` on a thread has fresh keys (std bumps them),
    // so hashing nothing still gives a different word per call.
    let word = RandomState::new().build_hasher().finish();
    // xorshift must not start at 0; any nonzero constant will do.
    if word == 0 { 0x9E37_79B9_7F4A_7C15 } else { word }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_reaches_every_value() {
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            let v = below(7);
            assert!(v < 7);
            seen[v as usize] += 1;
        }
        // Each value's expected count is 1000; a fair generator falls below
        // 500 with probability far under 1e-50.
        assert!(seen.iter().all(|&count| count > 500), "{seen:?}");
    }

    #[test]
    fn below_one_is_always_zero() {
        assert!((0..100).all(|_| below(1) == 0));
    }

    #[test]
    fn xorshift_never_reaches_zero_from_a_nonzero_state() {
        let mut x = 1;
        for _ in 0..10_000 {
            x = step(x);
            assert_ne!(x, 0);
        }
    }
}
