//! The macros: `select!`, `join!`, `try_join!` and `pin!`, with tokio's
//! names, syntax and semantics, as `macro_rules!` (no procedural macro, so
//! no crate).
//!
//! They compose futures *inside one task*: the task that awaits the macro
//! polls all of its futures itself, each time it is woken. Nothing is
//! spawned, nothing is allocated, and nothing here knows of the executor:
//! the futures' own wakers do the waking.
//!
//! `#[macro_export]` puts each macro at the crate root (`groundup::select!`).
//! Their expansions run in the caller's crate, so they reach what they need
//! only through `$crate::__private` ([`support`]), never through names the
//! caller may have shadowed.

mod join;
mod pin;
mod select;
pub mod support;
