//! Every code link in `docs/GUIDE.md` (and the README) points at a file that
//! exists and, for a `#L<line>` link, at a line that still holds what the
//! link names. Code moves; this test says when the guide has fallen behind.
//!
//! The link text names the target: ``[`Selector::select`](../src/sys/epoll.rs#L92)``
//! must land on the line that defines `select` (`fn select`, `struct …`,
//! …); a text with a space, such as ``[`impl AsyncRead for TcpStream`](…)``,
//! must appear on the line as written.
//!
//! `GROUNDUP_FIX_GUIDE=1 cargo test --test guide_links` rewrites the line
//! numbers to where the named items are now, for the author to review.

use std::path::{Path, PathBuf};

/// One `[text](target)` link.
#[derive(Debug)]
struct Link {
    text: String,
    path: String,
    line: Option<usize>,
    /// Byte range of the target in the document, for fixing.
    target_span: (usize, usize),
}

fn links(doc: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = doc[rest..].find("](").map(|i| i + rest) {
        let Some(close) = doc[open..].find(')').map(|i| i + open) else { break };
        let text_start = doc[..open].rfind('[').unwrap_or(open);
        let text = doc[text_start + 1..open].to_string();
        let target = &doc[open + 2..close];
        rest = close;
        if target.starts_with("http") || target.starts_with('#') || target.contains(' ') {
            continue;
        }
        let (path, line) = match target.split_once("#L") {
            Some((p, l)) => (p.to_string(), l.split('-').next().and_then(|n| n.parse().ok())),
            None => (target.to_string(), None),
        };
        out.push(Link { text, path, line, target_span: (open + 2, close) });
    }
    out
}

/// What the line a link points at must contain, and whether that is a
/// definition to look for.
fn needle(text: &str) -> Option<(String, bool)> {
    let inner = text.strip_prefix('`')?.strip_suffix('`')?;
    if inner.contains(' ') {
        return Some((inner.to_string(), false));
    }
    Some((inner.rsplit("::").next().unwrap_or(inner).to_string(), true))
}

fn defines(line: &str, name: &str) -> bool {
    const KEYWORDS: [&str; 9] =
        ["fn", "struct", "enum", "trait", "type", "const", "static", "mod", "union"];
    let words: Vec<&str> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|w| KEYWORDS.contains(&w[0]) && w[1] == name)
}

fn holds(line: &str, needle: &str, definition: bool) -> bool {
    if definition { defines(line, needle) } else { line.contains(needle) }
}

fn check_document(doc_path: &Path) -> Vec<String> {
    let doc = std::fs::read_to_string(doc_path).unwrap();
    let base = doc_path.parent().unwrap();
    let mut problems = Vec::new();
    let mut fixed = doc.clone();
    for link in links(&doc).into_iter().rev() {
        let file = base.join(&link.path);
        let Ok(source) = std::fs::read_to_string(&file) else {
            if !file.is_dir() {
                problems.push(format!("{}: `{}` does not exist", doc_path.display(), link.path));
            }
            continue;
        };
        let (Some(line), Some((needle, definition))) = (link.line, needle(&link.text)) else {
            continue;
        };
        let lines: Vec<&str> = source.lines().collect();
        if lines.get(line - 1).is_some_and(|l| holds(l, &needle, definition)) {
            continue;
        }
        let now = lines.iter().position(|l| holds(l, &needle, definition)).map(|i| i + 1);
        problems.push(format!(
            "{}: {} at {}#L{line} is now at {}",
            doc_path.display(),
            link.text,
            link.path,
            now.map_or("no line".to_string(), |n| format!("line {n}"))
        ));
        if let Some(now) = now {
            let (start, end) = link.target_span;
            fixed.replace_range(start..end, &format!("{}#L{now}", link.path));
        }
    }
    if std::env::var_os("GROUNDUP_FIX_GUIDE").is_some() && fixed != doc {
        std::fs::write(doc_path, fixed).unwrap();
    }
    problems
}

#[test]
fn every_code_link_in_the_guide_and_readme_points_at_what_it_names() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let guide = root.join("docs/GUIDE.md");
    let count = links(&std::fs::read_to_string(&guide).unwrap()).len();
    assert!(count > 40, "the guide has only {count} links; did the parser break?");
    let mut problems = check_document(&guide);
    problems.extend(check_document(&root.join("README.md")));
    assert!(
        problems.is_empty(),
        "stale links (GROUNDUP_FIX_GUIDE=1 fixes line numbers):\n{}",
        problems.join("\n")
    );
}
