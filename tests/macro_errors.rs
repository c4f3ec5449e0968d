//! Misusing `#[groundup::main]` or `#[groundup::test]` is a compile error
//! that says what is wrong, at the tokens that are wrong.
//!
//! The test writes a small crate that depends on groundup by path, with one
//! misuse per module, runs `cargo check --offline` on it, and looks for each
//! expected message at the expected `line:col`. A misuse's source marks the
//! token the error must point at with `/*@*/` (a comment: the compiler
//! ignores it). All the expansion-time errors are reported by one check;
//! two more check what the compiler reports only after a clean expansion:
//! an unresolved `crate` path, and a type error in the body (which must
//! point into the user's body, not at the attribute). The crate and its target directory stay in
//! `CARGO_TARGET_TMPDIR`, so later runs rebuild only the small crate.
//!
//! Not on Windows: there the suite runs cross-built under Wine, which cannot
//! start the host's cargo. The expansion does not depend on the target (a
//! procedural macro runs on the compiler's host), so Linux and macOS runs
//! cover it.
#![cfg(not(windows))]

use std::path::{Path, PathBuf};
use std::process::Command;

/// One misuse and the message its error must contain.
struct Misuse {
    source: &'static str,
    message: &'static str,
}

const MISUSES: &[Misuse] = &[
    Misuse {
        source: "#[groundup::main]\n/*@*/fn main() {}",
        message: "the `async` keyword is missing from the function declaration",
    },
    Misuse {
        source: "#[groundup::test]\n/*@*/fn not_async() {}",
        message: "the `async` keyword is missing from the function declaration",
    },
    Misuse {
        source: "#[groundup::test(/*@*/retries = 3)]\nasync fn t() {}",
        message: "Unknown attribute retries is specified; expected one of: `flavor`",
    },
    Misuse {
        source: "#[groundup::main(flavor = /*@*/\"multi_thread\")]\nasync fn main() {}",
        message: "groundup has no `multi_thread` runtime: its executor is single-threaded by design",
    },
    Misuse {
        source: "#[groundup::main(/*@*/multi_thread)]\nasync fn main() {}",
        message: "groundup has no `multi_thread` runtime",
    },
    Misuse {
        source: "#[groundup::main(/*@*/worker_threads = 4)]\nasync fn main() {}",
        message: "`worker_threads` sets the thread count of tokio's `multi_thread` runtime",
    },
    Misuse {
        source: "#[groundup::test(flavor = /*@*/\"single\")]\nasync fn t() {}",
        message: "No such runtime flavor `single`",
    },
    Misuse {
        source: "#[groundup::test(start_paused = /*@*/\"yes\")]\nasync fn t() {}",
        message: "Failed to parse value of `start_paused` as bool",
    },
    Misuse {
        source: "#[groundup::test(start_paused = true, /*@*/start_paused = false)]\nasync fn t() {}",
        message: "`start_paused` set multiple times",
    },
    Misuse {
        source: "#[groundup::test(/*@*/unhandled_panic = \"shutdown_runtime\")]\nasync fn t() {}",
        message: "is not supported by groundup",
    },
    Misuse {
        source: "#[groundup::main(/*@*/flavor(\"current_thread\"))]\nasync fn main() {}",
        message: "Unknown attribute inside the macro",
    },
    Misuse {
        source: "#[groundup::main]\nasync fn /*@*/main(args: Vec<String>) { let _ = args; }",
        message: "the main function cannot accept arguments",
    },
    Misuse {
        source: "#[groundup::test]\n/*@*/#[test]\nasync fn twice() {}",
        message: "second test attribute is supplied",
    },
    Misuse {
        source: "#[groundup::main]\n/*@*/struct NotAFunction;",
        message: "the attribute applies to an `async fn` item",
    },
];

/// A `crate` path that does not resolve is reported at the string that
/// names it. (Name resolution reports nothing once expansion failed, hence
/// a check of its own.)
const UNRESOLVED_CRATE: Misuse = Misuse {
    source: "#[groundup::main(crate = /*@*/\"no_such_crate\")]\nasync fn main() {}",
    message: "no_such_crate",
};

/// A body whose value does not match the return type: the error must point
/// at the body's last statement (tokio's diagnostic), not at the attribute.
/// (Type errors are reported only once names resolved.)
const TYPE_ERROR: Misuse = Misuse {
    source: "#[groundup::main]\nasync fn main() -> u32 {\n    let x = 1;\n    /*@*/\"not a number\"\n}",
    message: "mismatched types",
};

const MARK: &str = "/*@*/";

#[test]
fn misuse_is_a_compile_error_at_the_offending_tokens() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("macro-errors");
    let rounds =
        [MISUSES, std::slice::from_ref(&UNRESOLVED_CRATE), std::slice::from_ref(&TYPE_ERROR)];
    for misuses in rounds {
        let (lib, expected) = crate_source(misuses);
        let output = check(&dir, &lib);
        for (at, message) in expected {
            assert_reported(&output, &at, message);
        }
    }
}

/// The crate's `lib.rs`, one module per misuse, and where each error must
/// be reported (`src/lib.rs:line:col`).
fn crate_source(misuses: &[Misuse]) -> (String, Vec<(String, &'static str)>) {
    let mut lib = String::from("#![allow(dead_code)]\n");
    let mut expected = Vec::new();
    for (i, misuse) in misuses.iter().enumerate() {
        lib.push_str(&format!("mod misuse_{i} {{\n"));
        let mark = lib.len() + misuse.source.find(MARK).expect("each misuse marks its token");
        lib.push_str(misuse.source);
        let (line, col) = line_col(&lib, mark + MARK.len());
        expected.push((format!("src/lib.rs:{line}:{col}: error"), misuse.message));
        lib.push_str("\n}\n");
    }
    (lib, expected)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    (line, col)
}

fn assert_reported(output: &str, at: &str, message: &str) {
    assert!(
        output.lines().any(|l| l.starts_with(at) && l.contains(message)),
        "expected an error at {at} containing {message:?}; cargo said:\n{output}"
    );
}

/// Writes the crate and runs `cargo check` on it; returns what cargo
/// printed, after checking that it failed.
fn check(dir: &Path, lib: &str) -> String {
    let groundup = env!("CARGO_MANIFEST_DIR");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"macro-errors\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ngroundup = {{ path = {groundup:?} }}\n\n\
         # Its own workspace, not a member of groundup's.\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--message-format=short", "--target-dir"])
        .arg(dir.join("target"))
        .current_dir(dir)
        // The outer build's flags (a sanitizer's, a target's) are not this
        // crate's: a sanitizer flag would also reach the proc-macro crate,
        // which the compiler then cannot load.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "the misuses compiled:\n{stderr}");
    stderr
}
