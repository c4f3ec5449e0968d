//! Declares `cfg(groundup_loom)` for every target of the harness: the
//! library's protocol files compile their own unit tests only when it is
//! not set, since those create loom's types outside a `loom::model`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(groundup_loom)");
    println!("cargo::rustc-cfg=groundup_loom");
}
