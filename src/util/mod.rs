//! Small pieces every layer may use, and that name no layer: they sit at
//! the bottom of the module graph beside `loom`, so that a lower layer
//! never has to reach up into a higher one to find them.

pub(crate) mod panic;
