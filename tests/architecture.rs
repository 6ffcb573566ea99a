//! The direction of imports between the modules of `src/` (see "Layers" in README.md): no import
//! circle between modules, and none of the directions the layering forbids.
//!
//! Read from the source text: every `crate::…` path (and `super::…`, and `breakeven::…` in the
//! CLI) outside comments is resolved to the deepest module it names. Two modules depend on each
//! other when they are siblings (or top-level modules) and one names the other or anything inside
//! it; a module naming its own parent or child is how Rust shares a module's items and is not an
//! edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path below the crate root, e.g. `["report", "format", "html"]`.
type ModPath = Vec<String>;

/// One reference from a file's module to a module of the crate.
#[derive(Debug, Clone)]
struct Reference {
    from: ModPath,
    to: ModPath,
    /// The path as written (resolved to the crate root), for messages.
    path: String,
    file: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a file defines: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`; the crate roots
/// (`lib.rs`, `main.rs`) are the empty path.
fn module_of(src: &Path, file: &Path) -> ModPath {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The code without comments, string and char literals (a doc link to a module is not an import).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == b'r' && matches!(b.get(i + 1), Some(b'"' | b'#')) && !ident_byte(b, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(c as char);
                i += 1;
                continue;
            }
            j += 1;
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < b.len() && !b[j..].starts_with(&close) {
                j += 1;
            }
            i = j + close.len();
            out.push_str("\"\"");
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): skip only the former.
            let end = if b.get(i + 1) == Some(&b'\\') {
                // The escaped character may itself be a quote: search after it.
                b.get(i + 3..)
                    .and_then(|rest| rest.iter().position(|&x| x == b'\''))
                    .map(|p| i + 3 + p)
            } else {
                let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (b.get(i + 1 + ch_len) == Some(&b'\'')).then_some(i + 1 + ch_len)
            };
            match end {
                Some(e) => {
                    out.push_str("' '");
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = text[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn ident_byte(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every path starting at a root keyword (`crate`, `super`, `self`, or the library's name),
/// with `{…}` groups expanded: `crate::a::{b, c::d}` gives `crate::a::b` and `crate::a::c::d`.
fn paths(code: &str, roots: &[&str]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if is_ident(chars[i]) && (i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if roots.contains(&word.as_str()) && chars[i..].starts_with(&[':', ':']) {
                let mut found = Vec::new();
                i = path_tail(&chars, i, vec![word], &mut found);
                out.extend(found);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Read `::seg::seg…` or `::{…}` after `prefix` from `i`; returns where it stopped.
fn path_tail(chars: &[char], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    loop {
        let skip_ws = |mut k: usize| {
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
            k
        };
        i = skip_ws(i);
        if !chars[i..].starts_with(&[':', ':']) {
            out.push(prefix);
            return i;
        }
        i = skip_ws(i + 2);
        if i < chars.len() && chars[i] == '{' {
            i += 1;
            loop {
                i = skip_ws(i);
                if i >= chars.len() {
                    return i;
                }
                if chars[i] == '}' {
                    return i + 1;
                }
                if chars[i] == ',' {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
                if start == i {
                    // `*` or something this reader does not follow: the group itself counts.
                    out.push(prefix.clone());
                    i += 1;
                    continue;
                }
                let word: String = chars[start..i].iter().collect();
                let mut p = prefix.clone();
                if word != "self" {
                    p.push(word);
                }
                i = path_tail(chars, i, p, out);
                // Skip an `as name` rename.
                i = skip_ws(i);
                if chars[i..].starts_with(&['a', 's']) && chars.get(i + 2).is_some_and(|c| c.is_whitespace())
                {
                    i += 2;
                    i = skip_ws(i);
                    while i < chars.len() && is_ident(chars[i]) {
                        i += 1;
                    }
                }
            }
        }
        let start = i;
        while i < chars.len() && is_ident(chars[i]) {
            i += 1;
        }
        if start == i {
            out.push(prefix);
            return i;
        }
        prefix.push(chars[start..i].iter().collect());
    }
}

/// All references of the library (`src/` but the CLI) and of the CLI (`src/main.rs`, `src/cli/`).
fn references() -> (BTreeSet<ModPath>, Vec<Reference>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let modules: BTreeSet<ModPath> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut refs = Vec::new();
    for f in &files {
        let module = module_of(&src, f);
        let in_cli = f.ends_with("main.rs") || module.first().is_some_and(|m| m == "cli");
        let text = std::fs::read_to_string(f).unwrap();
        let roots: &[&str] = if in_cli {
            &["crate", "super", "self", "breakeven"]
        } else {
            &["crate", "super", "self"]
        };
        for p in paths(&code_only(&text), roots) {
            let mut abs: ModPath = match p[0].as_str() {
                // The CLI's `crate::` is the binary, whose modules sit beside the library's.
                "crate" | "breakeven" => Vec::new(),
                "self" => module.clone(),
                _ => {
                    let mut m = module.clone();
                    let mut k = 0;
                    while p.get(k).is_some_and(|s| s == "super") {
                        m.pop();
                        k += 1;
                    }
                    m.extend(p[k..].iter().cloned());
                    refs_push(&modules, &mut refs, &module, m, f);
                    continue;
                }
            };
            abs.extend(p[1..].iter().filter(|s| *s != "self").cloned());
            refs_push(&modules, &mut refs, &module, abs, f);
        }
    }
    (modules, refs)
}

fn refs_push(
    modules: &BTreeSet<ModPath>,
    refs: &mut Vec<Reference>,
    from: &ModPath,
    abs: ModPath,
    file: &Path,
) {
    let path = abs.join("::");
    let mut to = abs;
    while !to.is_empty() && !modules.contains(&to) {
        to.pop();
    }
    refs.push(Reference {
        from: from.clone(),
        to,
        path,
        file: file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(file)
            .display()
            .to_string(),
    });
}

/// The edge between siblings that `from` naming `to` makes: the two children of their deepest
/// common ancestor that contain them, unless one contains the other.
fn sibling_edge(from: &ModPath, to: &ModPath) -> Option<(ModPath, ModPath)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

/// Circles in a directed graph (one per strongly connected component of more than one node).
fn circles(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    // Tarjan's algorithm.
    struct State<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    fn visit(s: &mut State<'_>, v: &ModPath) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    let nodes: Vec<ModPath> = edges.keys().cloned().collect();
    for v in &nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn show(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Where each edge of a circle comes from, for the failure message.
fn evidence(refs: &[Reference], component: &[ModPath]) -> Vec<String> {
    let mut lines = BTreeSet::new();
    for r in refs {
        if let Some((a, b)) = sibling_edge(&r.from, &r.to) {
            if component.contains(&a) && component.contains(&b) {
                lines.insert(format!(
                    "  {} -> {}: {} names {}",
                    show(&a),
                    show(&b),
                    r.file,
                    r.path
                ));
            }
        }
    }
    lines.into_iter().collect()
}

#[test]
fn no_import_circle_between_modules_of_src() {
    let (_, refs) = references();
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for r in &refs {
        if let Some((a, b)) = sibling_edge(&r.from, &r.to) {
            edges.entry(a).or_default().insert(b);
        }
    }
    let found = circles(&edges);
    let mut message = String::new();
    for c in &found {
        let names: Vec<String> = c.iter().map(show).collect();
        message.push_str(&format!("import circle between {}:\n", names.join(", ")));
        for l in evidence(&refs, c) {
            message.push_str(&l);
            message.push('\n');
        }
    }
    assert!(found.is_empty(), "{message}");
}

/// A module (or anything inside it) naming a module it must not.
fn forbidden(refs: &[Reference], from: &[&str], to: &[&str], allowed: &[&str]) -> Vec<String> {
    refs.iter()
        .filter(|r| {
            r.from
                .starts_with(&from.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        })
        .filter(|r| {
            r.to.starts_with(&to.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        })
        .filter(|r| !allowed.contains(&r.path.as_str()))
        .map(|r| format!("  {}: {} names {}", r.file, show(&r.from), r.path))
        .collect()
}

#[test]
fn imports_point_down_the_layers() {
    let (modules, refs) = references();
    for m in [
        &["model"][..],
        &["store"],
        &["ingest"],
        &["report", "format"],
        &["report", "scenario"],
        &["report", "account"],
        &["bench"],
        &["cli"],
    ] {
        let m: ModPath = m.iter().map(|s| s.to_string()).collect();
        assert!(modules.contains(&m), "{} is gone: update this test", show(&m));
    }
    let rules: &[(&[&str], &[&str], &[&str], &str)] = &[
        (
            &["model"],
            &["store"],
            &[],
            "the shared model imports nothing of the store",
        ),
        (
            &["model"],
            &["ingest"],
            &[],
            "the shared model imports nothing of the sources",
        ),
        (
            &["store"],
            &["ingest"],
            &[],
            "the store applies the model's batches, never the sources'",
        ),
        (
            &["ingest"],
            &["store"],
            &["store::StoreError"],
            "a source reads the store only through model::SyncState (its error is the store's)",
        ),
        (
            &["report", "format"],
            &["report", "scenario"],
            &[],
            "format primitives know no document",
        ),
        (
            &["report", "format"],
            &["report", "account"],
            &[],
            "format primitives know no document",
        ),
        (
            &["report", "format"],
            &["report", "model"],
            &[],
            "format primitives know no document",
        ),
        (
            &["report", "charts"],
            &["report", "account"],
            &[],
            "charts draw plain data, not documents",
        ),
        (
            &["report", "charts"],
            &["report", "scenario"],
            &[],
            "charts draw plain data, not documents",
        ),
        (
            &["report", "scenario"],
            &["report", "account"],
            &[],
            "one document does not import another",
        ),
        (
            &["report", "account"],
            &["report", "scenario"],
            &[],
            "one document does not import another",
        ),
        (
            &["report", "scenario"],
            &["report", "export"],
            &[],
            "documents do not pick exporters",
        ),
        (
            &["report", "account"],
            &["report", "export"],
            &[],
            "documents do not pick exporters",
        ),
        (&["app"], &["cli"], &[], "the application layer knows no shell"),
        (
            &["app"],
            &["bench"],
            &[],
            "benchmarks sit above the application layer",
        ),
        (&["analytics"], &["app"], &[], "analytics is below the use cases"),
        (&["store"], &["app"], &[], "the store is below the use cases"),
        (&["ingest"], &["app"], &[], "sources are below the use cases"),
        (&["report"], &["app"], &[], "reports are below the use cases"),
    ];
    let mut message = String::new();
    for (from, to, allowed, why) in rules {
        let bad = forbidden(&refs, from, to, allowed);
        if !bad.is_empty() {
            message.push_str(&format!(
                "{} must not import {}: {why}\n",
                from.join("::"),
                to.join("::")
            ));
            for l in bad {
                message.push_str(&l);
                message.push('\n');
            }
        }
    }
    assert!(message.is_empty(), "{message}");
}

#[test]
fn the_reader_finds_grouped_and_relative_paths() {
    let code = code_only(
        "use crate::a::{b, c::{d, e as f}, self};\n// crate::z::y\nlet s = \"crate::q\"; super::x::y(); crate::k::l(1);",
    );
    let found: Vec<String> = paths(&code, &["crate", "super"])
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c::e",
            "crate::a",
            "super::x::y",
            "crate::k::l"
        ]
    );
    assert_eq!(
        sibling_edge(
            &vec!["a".into(), "b".into()],
            &vec!["a".into(), "c".into(), "d".into()]
        ),
        Some((vec!["a".into(), "b".into()], vec!["a".into(), "c".into()]))
    );
    assert_eq!(
        sibling_edge(&vec!["a".into(), "b".into()], &vec!["a".into()]),
        None
    );
}
