//! The module graph reads like the layer diagram: no source file names a
//! file of a higher layer, and the protocol files the model checker
//! includes name nothing in groundup but `crate::loom`.
//!
//! The layers, bottom-up, are listed in `LAYERS` (the same order as the
//! crate docs' diagram). A reference is any `crate::…` or `super::…` path,
//! or a path through a child module, outside comments; it is resolved to the
//! file of the longest module path it names. Files of one layer may name
//! each other freely (a module and its children usually do); a file naming
//! a higher layer, or a file in no layer, fails the test. Since every
//! reference goes to the same layer or a lower one, the layers form a DAG.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom-up. Each entry: the layer's name, and the files in it (a path
/// ending in `/` takes a whole directory).
const LAYERS: &[(&str, &[&str])] = &[
    ("leaf modules", &["loom.rs", "coop.rs", "rand.rs", "util/"]),
    ("poll's vocabulary", &["poll/token.rs", "poll/interest.rs"]),
    ("system calls and backends", &["sys/"]),
    ("poll", &["poll/"]),
    ("reactor", &["reactor/"]),
    ("blocking pool", &["blocking/pool.rs", "blocking/spawner.rs"]),
    (
        "tasks (the internals)",
        &["task/state.rs", "task/id.rs", "task/raw.rs", "task/join.rs", "task/slot.rs"],
    ),
    (
        "executor and timer driver",
        &["executor/", "time/driver.rs", "time/wheel.rs", "time/clock.rs", "time/instant.rs"],
    ),
    ("ambient context", &["context.rs"]),
    ("runtime", &["runtime.rs", "runtime/"]),
    (
        "public leaves",
        &[
            "blocking/mod.rs",
            "task/mod.rs",
            "task/join_set.rs",
            "task/budget.rs",
            "task/task_local.rs",
            "task/local_set.rs",
            "time/",
            "fs/",
            "io/",
            "net/",
            "sync/",
            "signal/",
            "process/",
            "stats.rs",
        ],
    ),
    ("the macros' support", &["macros/"]),
    ("crate root", &["lib.rs"]),
];

/// Files the model checker includes with `#[path]`: they may name only
/// `crate::loom` and each other.
const PROTOCOL_FILES: &[&str] = &[
    "task/state.rs",
    "executor/park.rs",
    "executor/queue.rs",
    "executor/inject.rs",
    "blocking/pool.rs",
    "task/slot.rs",
    "util/linked_list.rs",
    "util/wait_list.rs",
    "reactor/atomic_waker.rs",
    "reactor/handoff.rs",
    "sync/oneshot/protocol.rs",
    "sync/batch_semaphore.rs",
    "sync/mpsc/chan.rs",
    "sync/notify.rs",
    "sync/watch.rs",
    "sync/broadcast.rs",
    // Not a protocol, but the channels above spend from it: it names
    // nothing, so the harness includes it as it is.
    "coop.rs",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as a path relative to it with `/`.
fn source_files() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap();
                let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&src(), &src(), &mut out);
    out.sort();
    out
}

/// The layer of `file`: the most specific entry that covers it.
fn layer_of(file: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None; // (specificity, layer)
    for (layer, (_, entries)) in LAYERS.iter().enumerate() {
        for entry in *entries {
            let covers =
                if entry.ends_with('/') { file.starts_with(entry) } else { file == *entry };
            if covers && best.is_none_or(|(len, _)| entry.len() > len) {
                best = Some((entry.len(), layer));
            }
        }
    }
    best.map(|(_, layer)| layer)
}

/// The module path of a file (`task/raw.rs` → `["task", "raw"]`).
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> =
        file.trim_end_matches(".rs").split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// `code` without `//` comments (doc comments included: their links are
/// not dependencies) and without its unit tests (`#[cfg(test)] mod …`,
/// always at the end of a file here), which are not part of the library.
fn library_code(code: &str) -> String {
    // The unit tests: `mod tests` after a `#[cfg(...test...)]` line.
    let tests = code.match_indices("\nmod tests {").map(|(i, _)| i).find(|&i| {
        let attribute = code[..i].rsplit('\n').next().unwrap_or("");
        attribute.starts_with("#[cfg(") && attribute.contains("test")
    });
    let code = match tests {
        Some(i) => &code[..code[..i].rfind('\n').map_or(0, |start| start + 1)],
        None => code,
    };
    code.lines().map(|line| line.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path in `code`, with `use` groups expanded (`a::{b, c::d}` gives
/// `a::b` and `a::c::d`). A path is two or more segments.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if starts_word && is_ident(chars[i]) {
            i = path_at(&chars, i, Vec::new(), &mut out);
        } else {
            i += 1;
        }
    }
    out.retain(|p| p.len() >= 2);
    out
}

/// Reads the path (or use tree) starting at `i`, after `prefix`; pushes
/// what it names to `out` and returns where it ends.
fn path_at(
    chars: &[char],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    loop {
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        if i > start {
            prefix.push(chars[start..i].iter().collect());
        }
        let double_colon = chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':');
        if !double_colon {
            out.push(prefix);
            return i;
        }
        i += 2;
        if chars.get(i) == Some(&'{') {
            i += 1;
            loop {
                while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    i += 1;
                }
                match chars.get(i) {
                    None => return i,
                    Some('}') => return i + 1,
                    Some(c) if is_ident(*c) => i = path_at(chars, i, prefix.clone(), out),
                    Some(_) => i += 1, // `*`, `as`-renames' spaces and the like
                }
            }
        }
    }
}

/// The paths `code` names in groundup, absolute from the crate root:
/// `crate::a::b`, `super::a` (relative to `module`), and paths through a
/// child module of `module` (`child::X`).
fn referenced_paths(
    module: &[String],
    code: &str,
    modules: &BTreeMap<Vec<String>, String>,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for segments in paths_in(code) {
        let path = match segments[0].as_str() {
            "crate" => segments[1..].to_vec(),
            "super" => {
                let mut base = module[..module.len().saturating_sub(1)].to_vec();
                let mut rest = &segments[1..];
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                base
            }
            "self" => [module, &segments[1..]].concat(),
            _ => {
                let child = [module, &segments[..1]].concat();
                if !modules.contains_key(&child) {
                    continue;
                }
                [module, &segments[..]].concat()
            }
        };
        out.push(path);
    }
    out
}

/// The file that defines what `path` names: that of its longest prefix that
/// is a module, followed through the module's re-exports (`pub use
/// child::X`) to the child that really defines `X`.
fn resolve<'a>(
    path: &[String],
    modules: &'a BTreeMap<Vec<String>, String>,
    reexports: &BTreeMap<Vec<String>, Vec<String>>,
) -> Option<&'a String> {
    let n = (1..=path.len()).rev().find(|&n| modules.contains_key(&path[..n]))?;
    if let Some(item) = path.get(n) {
        let mut named = path[..n].to_vec();
        named.push(item.clone());
        if let Some(target) = reexports.get(&named) {
            if target.as_slice() != path {
                return resolve(target, modules, reexports);
            }
        }
    }
    modules.get(&path[..n])
}

/// Each module's re-exports of its children's items: `["poll", "Token"]` →
/// `["poll", "token", "Token"]`.
fn reexports_of(
    files: &[String],
    modules: &BTreeMap<Vec<String>, String>,
) -> BTreeMap<Vec<String>, Vec<String>> {
    let mut out = BTreeMap::new();
    for file in files {
        let module = module_of(file);
        let code = library_code(&fs::read_to_string(src().join(file)).unwrap());
        for statement in code.split(';') {
            let statement = statement.trim();
            let Some(tree) = statement
                .strip_prefix("pub use ")
                .or_else(|| statement.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            for path in paths_in(tree) {
                let child = [&module[..], &path[..1]].concat();
                if modules.contains_key(&child) {
                    let name = [&module[..], &path[path.len() - 1..]].concat();
                    out.insert(name, [&module[..], &path[..]].concat());
                }
            }
        }
    }
    out
}

#[test]
fn no_file_names_a_higher_layer() {
    let files = source_files();
    let modules: BTreeMap<Vec<String>, String> =
        files.iter().map(|f| (module_of(f), f.clone())).collect();
    let reexports = reexports_of(&files, &modules);
    let mut problems = Vec::new();
    for file in &files {
        let Some(layer) = layer_of(file) else {
            problems.push(format!("src/{file} is in no layer: add it to LAYERS"));
            continue;
        };
        let code = library_code(&fs::read_to_string(src().join(file)).unwrap());
        for path in referenced_paths(&module_of(file), &code, &modules) {
            let Some(target) = resolve(&path, &modules, &reexports) else { continue };
            let target_layer = layer_of(target).unwrap_or(usize::MAX);
            if target_layer > layer {
                problems.push(format!(
                    "src/{file} ({}) names {} in src/{target} ({})",
                    LAYERS[layer].0,
                    path.join("::"),
                    LAYERS.get(target_layer).map_or("no layer", |l| l.0),
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "upward references:\n{}", problems.join("\n"));
}

#[test]
fn protocol_files_name_nothing_in_groundup_but_crate_loom() {
    for file in PROTOCOL_FILES {
        let code = library_code(&fs::read_to_string(src().join(file)).unwrap());
        for (n, line) in code.lines().enumerate() {
            // Another protocol file is fine: the harness includes it too.
            let allowed = |path: &str| {
                path.starts_with("crate::loom::")
                    || PROTOCOL_FILES.iter().any(|other| {
                        let module = format!("crate::{}::", other.trim_end_matches(".rs"));
                        path.starts_with(&module.replace('/', "::"))
                    })
            };
            let names_crate = line.match_indices("crate::").any(|(i, _)| !allowed(&line[i..]));
            assert!(
                !names_crate,
                "src/{file}:{}: names groundup outside crate::loom: {line}",
                n + 1
            );
            assert!(!line.contains("super::"), "src/{file}:{}: names its parent: {line}", n + 1);
            assert!(
                !line.contains("std::sync::atomic") && !line.contains("std::cell::UnsafeCell"),
                "src/{file}:{}: takes a synchronisation type from std, not crate::loom: {line}",
                n + 1
            );
        }
    }
}
