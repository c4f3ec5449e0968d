//! What the reactor puts in a [`Token`](crate::poll::Token): which slot an
//! event is for, and which of the slot's successive owners.
//!
//! ```text
//!  64-bit usize:  [ generation (40 bits) | index (24 bits) ]
//!  32-bit usize:  [ generation  (8 bits) | index (24 bits) ]
//! ```
//!
//! - **index**: the slot in the reactor's [`Slab`](super::slab::Slab). 24
//!   bits, on every target: 16 million sources, more descriptors than any
//!   process gets, while a smaller field on 32-bit targets would only move
//!   the generation problem below, not solve it.
//! - **generation**: bumped each time the slot is released. A token
//!   carries the generation it was issued with, and the slot's readiness
//!   word keeps the current one, so an event for a previous owner (still in
//!   the batch the reactor is dispatching when the source goes away, see
//!   `poll`'s "deregistration is final") fails the comparison and is
//!   dropped. The generation is whatever the index leaves: 40 bits on 64-bit
//!   targets, 8 on 32-bit ones.
//!
//! ## Why 8 bits are enough on 32-bit targets
//!
//! A generation of `B` bits repeats after `2^B` releases of one slot, so a
//! stale event would be accepted if a slot went through 256 owners between
//! the poll that collected the event and its dispatch. On a loaded machine
//! the reactor thread can be descheduled for milliseconds right there, and
//! a busy executor can close and open 256 sockets in that time: 8 bits
//! alone are not a proof. The [`Slab`](super::slab::Slab) makes them one:
//! it hands a released slot out again only a bounded number of times
//! (`2^B - 2`, see [`REUSE_BUDGET`]) until the reactor has finished the
//! batch that was in flight when the slot was released. Every generation
//! that can still appear in a batch being dispatched then differs from the
//! slot's current one, however small `B` is. The trade-off: when a slot's
//! budget runs out while the reactor sleeps, the slab uses another slot (and
//! wakes the reactor to take the released ones back), so a 32-bit runtime
//! that churns sockets while no event arrives grows its slab by one slot
//! per 254 churns, until the reactor comes round. On 64-bit targets the
//! budget (2^40 - 2) is never reached.

/// Bits of a token that hold the slot index.
pub(crate) const INDEX_BITS: u32 = 24;
/// Bits of a token that hold the generation: the rest of a `usize`.
pub(crate) const GENERATION_BITS: u32 = usize::BITS - INDEX_BITS;

const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
const GENERATION_MASK: usize = usize::MAX >> (usize::BITS - GENERATION_BITS);

/// How many times the slab may hand out one slot again before the reactor
/// has finished the batch in flight when the slot was first released: one
/// less than the generations that still differ from the current one.
pub(crate) const REUSE_BUDGET: usize = GENERATION_MASK - 1;

const _: () = assert!(GENERATION_BITS >= 2, "a generation needs room to differ from the last");

/// A slot owner's generation, wrapping at [`GENERATION_BITS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Generation(usize);

impl Generation {
    /// The generation after this one.
    pub(crate) fn next(self) -> Generation {
        Generation((self.0 + 1) & GENERATION_MASK)
    }

    /// As a number below `2^GENERATION_BITS`, to store elsewhere.
    pub(crate) fn bits(self) -> usize {
        self.0
    }

    /// From [`bits`](Self::bits). Extra high bits are dropped.
    pub(crate) fn from_bits(bits: usize) -> Generation {
        Generation(bits & GENERATION_MASK)
    }
}

/// The token value for slot `index` held by `generation`.
pub(crate) fn pack(index: usize, generation: Generation) -> usize {
    debug_assert!(index <= INDEX_MASK, "slot index {index} does not fit a token");
    index | generation.0 << INDEX_BITS
}

/// The slot index and generation in a token value.
pub(crate) fn unpack(token: usize) -> (usize, Generation) {
    (token & INDEX_MASK, Generation(token >> INDEX_BITS))
}

#[cfg(all(test, not(groundup_loom)))] // under loom, see checks/loom/build.rs
mod tests {
    use super::*;

    #[test]
    fn a_token_gives_back_its_index_and_generation_at_the_extremes() {
        let last = Generation::from_bits(usize::MAX);
        for (index, generation) in
            [(0, Generation::default()), (INDEX_MASK, last), (1, Generation::from_bits(7))]
        {
            assert_eq!(unpack(pack(index, generation)), (index, generation));
        }
        assert_eq!(last.next(), Generation::default(), "the generation wraps");
    }

    #[test]
    fn the_layout_fills_the_pointer_width() {
        assert_eq!(INDEX_BITS + GENERATION_BITS, usize::BITS);
        assert_eq!(REUSE_BUDGET, (1 << GENERATION_BITS) - 2);
    }
}
