//! The layer rules of `app/src` (DESIGN.md, "Layers"), checked from the source text: the
//! top-level modules must form no dependency cycle, nothing but the crate root may reach into
//! `shell` (pages and the access registry are assembled there), and server-only data access and
//! services never reach the UI. The compiler accepts all of these, so only a test keeps them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a dependency was seen, to name it when a rule breaks.
#[derive(Debug, Clone)]
struct Seen {
    file: String,
    line: usize,
}

/// A dependency of one top-level module on another (or on a path below it).
#[derive(Debug, Clone)]
struct Use {
    /// The path named, resolved from the crate root (`alerts::views::AlertsPage`).
    path: Vec<String>,
    seen: Seen,
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The source with comments, string and character literals blanked out (newlines kept, so line
/// numbers still hold): a path in a doc comment or a message is not a dependency.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            for &skipped in &chars[i..j.min(chars.len())] {
                out.push(blank(skipped));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // An escaped character literal such as '\n' or '\''.
            out.push_str("  ");
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else {
            // Anything else, lifetimes included, is kept.
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The module path of a file below `app/src`: `alerts/views/page.rs` → `[alerts, views, page]`,
/// `alerts/mod.rs` → `[alerts]`, `lib.rs` → `[]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Reads a path at `at` (`a::b::{c, d::e}`) and returns every full path it names; group members
/// each become their own path.
fn read_paths(code: &[char], mut at: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        while code.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        if code.get(at) == Some(&'{') {
            at += 1;
            loop {
                while code.get(at).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    at += 1;
                }
                match code.get(at) {
                    None => return at,
                    Some('}') => return at + 1,
                    _ => {}
                }
                let before = at;
                at = read_paths(code, at, path.clone(), out);
                if at == before {
                    at += 1;
                }
            }
        }
        let start = at;
        while code.get(at).copied().is_some_and(is_ident) {
            at += 1;
        }
        if at == start {
            out.push(path);
            return at;
        }
        path.push(code[start..at].iter().collect());
        if code.get(at) == Some(&':') && code.get(at + 1) == Some(&':') {
            at += 2;
        } else {
            out.push(path);
            return at;
        }
    }
}

/// Every crate-relative path a file names, through `crate::…` or `super::…`, with inline
/// `mod x { … }` blocks taken into account for `super`.
fn uses_of(file: &Path, relative: &Path) -> Vec<Use> {
    let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    let code: Vec<char> = code_only(&source).chars().collect();
    let here = module_path(relative);
    let mut uses = Vec::new();
    // Inline modules open at a brace depth; their names extend `here` until it closes.
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1;
    let mut i = 0;
    let word_at = |i: usize, word: &str| {
        let w: Vec<char> = word.chars().collect();
        code.get(i..i + w.len()) == Some(&w[..])
            && !code.get(i + w.len()).copied().is_some_and(is_ident)
            && (i == 0 || !is_ident(code[i - 1]) && code[i - 1] != '$')
    };
    while i < code.len() {
        let c = code[i];
        if c == '\n' {
            line += 1;
        } else if c == '{' {
            depth += 1;
        } else if c == '}' {
            depth = depth.saturating_sub(1);
            while inline.last().is_some_and(|(d, _)| *d > depth) {
                inline.pop();
            }
        } else if word_at(i, "mod") {
            let mut j = i + 3;
            while code.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let start = j;
            while code.get(j).copied().is_some_and(is_ident) {
                j += 1;
            }
            let name: String = code[start..j].iter().collect();
            while code.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            if !name.is_empty() && code.get(j) == Some(&'{') {
                inline.push((depth + 1, name));
            }
        } else if word_at(i, "crate") || word_at(i, "super") {
            let mut module: Vec<String> = here.clone();
            module.extend(inline.iter().map(|(_, name)| name.clone()));
            let mut j = i;
            let mut resolved = Vec::new();
            if word_at(j, "crate") {
                j += 5;
            } else {
                resolved = module;
                while word_at(j, "super") {
                    resolved.pop();
                    j += 5;
                    if code.get(j) == Some(&':') && code.get(j + 1) == Some(&':') {
                        j += 2;
                    } else {
                        break;
                    }
                }
                // `read_paths` expects to start after a `::`.
                j = j.saturating_sub(2);
            }
            if code.get(j) == Some(&':') && code.get(j + 1) == Some(&':') {
                let mut paths = Vec::new();
                let end = read_paths(&code, j + 2, resolved, &mut paths);
                for path in paths {
                    uses.push(Use {
                        path,
                        seen: Seen {
                            file: relative.display().to_string(),
                            line,
                        },
                    });
                }
                line += code[i..end].iter().filter(|c| **c == '\n').count();
                i = end;
                continue;
            }
        }
        i += 1;
    }
    uses
}

struct Crate {
    /// Every file's module path and what it uses.
    files: Vec<(Vec<String>, Vec<Use>)>,
}

fn app_crate(src: &Path) -> Crate {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    let files = paths
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(src).expect("below src");
            (module_path(relative), uses_of(path, relative))
        })
        .collect();
    Crate { files }
}

/// The unit of the graph: a module one level below the crate (`alerts::views`, `auth::context`,
/// or `auth` for what `auth/mod.rs` holds itself) or a single-file module (`error`). Finer than
/// the domains because a domain spans layers: every domain's server functions use
/// `auth::context`, which uses `audit::db`, and that is no cycle between layers.
type Unit = String;

/// Unit → (the units it uses → where first seen).
type Graph = BTreeMap<Unit, BTreeMap<Unit, Seen>>;

fn domain(unit: &str) -> &str {
    unit.split("::").next().unwrap_or(unit)
}

fn module_graph(krate: &Crate) -> Graph {
    let units: BTreeSet<Unit> = krate
        .files
        .iter()
        .filter(|(m, _)| !m.is_empty())
        .map(|(m, _)| m.iter().take(2).cloned().collect::<Vec<_>>().join("::"))
        .collect();
    let unit_of = |path: &[String]| -> Option<Unit> {
        let two = path.iter().take(2).cloned().collect::<Vec<_>>().join("::");
        if path.len() >= 2 && units.contains(&two) {
            return Some(two);
        }
        path.first().filter(|one| units.contains(*one)).cloned()
    };
    let mut graph = Graph::new();
    for (module, uses) in &krate.files {
        // The crate root declares the modules and re-exports the app; it is above every layer.
        let Some(from) = unit_of(module) else { continue };
        let edges = graph.entry(from.clone()).or_default();
        for used in uses {
            if let Some(to) = unit_of(&used.path).filter(|to| *to != from) {
                edges.entry(to).or_insert_with(|| used.seen.clone());
            }
        }
    }
    graph
}

/// The shortest path from `from` to `to` in `graph`, staying inside `allowed`.
fn path_between(graph: &Graph, from: &str, to: &str, allowed: &BTreeSet<Unit>) -> Option<Vec<Unit>> {
    let mut previous: BTreeMap<Unit, Unit> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from.to_owned()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flat_map(|edges| edges.keys()) {
            if !allowed.contains(next) || previous.contains_key(next) || next == from {
                continue;
            }
            previous.insert(next.clone(), node.clone());
            if next == to {
                let mut path = vec![to.to_owned()];
                while let Some(back) = previous.get(path.last().expect("non-empty")) {
                    path.push(back.clone());
                    if back == from {
                        break;
                    }
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next.clone());
        }
    }
    None
}

/// The strongly connected components of `graph` (Tarjan), each a set of units.
fn components(graph: &Graph) -> Vec<BTreeSet<Unit>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<BTreeSet<Unit>>,
    }
    fn connect<'g>(state: &mut State<'g>, node: &'g str) {
        let at = state.index.len();
        state.index.insert(node, at);
        state.low.insert(node, at);
        state.stack.push(node);
        state.on_stack.insert(node);
        let graph = state.graph;
        for next in graph.get(node).into_iter().flat_map(|edges| edges.keys()) {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                connect(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = BTreeSet::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.insert(member.to_owned());
                if member == node {
                    break;
                }
            }
            state.found.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            connect(&mut state, node);
        }
    }
    state.found
}

/// One cycle that passes through two or more top-level modules, as the units in order (the
/// first repeated at the end). A cycle inside one domain (its api and its types) is its own
/// business; one across domains ties them into a knot no layer order can untie.
fn find_cycle(graph: &Graph) -> Option<Vec<Unit>> {
    components(graph).into_iter().find_map(|component| {
        let start = component.first()?.clone();
        let other = component.iter().find(|unit| domain(unit) != domain(&start))?.clone();
        let mut cycle = path_between(graph, &start, &other, &component)?;
        let back = path_between(graph, &other, &start, &component)?;
        cycle.extend(back.into_iter().skip(1));
        Some(cycle)
    })
}

fn describe(cycle: &[Unit], graph: &Graph) -> String {
    cycle
        .windows(2)
        .map(|pair| {
            let seen = &graph[&pair[0]][&pair[1]];
            format!("  {} -> {} ({}:{})", pair[0], pair[1], seen.file, seen.line)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn top_level_modules_form_no_cycle() {
    let graph = module_graph(&app_crate(&src()));
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules of app/src depend on each other in a cycle: {}\n{}",
            cycle.join(" -> "),
            describe(&cycle, &graph)
        );
    }
}

#[test]
fn only_the_crate_root_reaches_into_the_shell() {
    let krate = app_crate(&src());
    let offenders: Vec<String> = krate
        .files
        .iter()
        .filter(|(module, _)| module.first().is_some_and(|m| m != "shell"))
        .flat_map(|(_, uses)| uses.iter())
        .filter(|used| used.path.first().is_some_and(|m| m == "shell"))
        .map(|used| format!("  {} ({}:{})", used.path.join("::"), used.seen.file, used.seen.line))
        .collect();
    assert!(
        offenders.is_empty(),
        "the shell is the top layer; these reach into it:\n{}",
        offenders.join("\n")
    );
}

/// Server-only data access and services: they may use shared types and each other, never
/// pages, components or the shell.
const SERVER_ONLY: &[&str] = &["db", "service", "evaluate", "outbox", "ingest", "effective", "rollup"];

#[test]
fn server_only_code_never_reaches_the_ui() {
    let krate = app_crate(&src());
    let offenders: Vec<String> = krate
        .files
        .iter()
        .filter(|(module, _)| module.len() >= 2 && module.last().is_some_and(|m| SERVER_ONLY.contains(&m.as_str())))
        .flat_map(|(_, uses)| uses.iter())
        .filter(|used| {
            used.path.iter().any(|part| part == "views")
                || matches!(used.path.first().map(String::as_str), Some("components" | "shell"))
        })
        .map(|used| format!("  {} ({}:{})", used.path.join("::"), used.seen.file, used.seen.line))
        .collect();
    assert!(
        offenders.is_empty(),
        "server-only code reaches the UI:\n{}",
        offenders.join("\n")
    );
}

/// The scanner itself: groups, `super` chains and inline modules resolve as the compiler would,
/// and a cycle is found and named.
#[test]
fn the_scanner_reads_paths_and_finds_cycles() {
    let dir = std::env::temp_dir().join(format!("atrium-layers-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).expect("temp dir");
    std::fs::create_dir_all(dir.join("b")).expect("temp dir");
    std::fs::write(
        dir.join("a/mod.rs"),
        "//! a\n// crate::c::x in a comment\nuse crate::{b::api::thing, d::{e, f}};\nconst S: &str = \"crate::c\";\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("b/api.rs"),
        "mod ssr {\n    use super::super::db::x;\n}\nfn f() { super::super::a::g(); }\n",
    )
    .expect("write");
    std::fs::write(dir.join("b/db.rs"), "").expect("write");
    std::fs::write(dir.join("b/mod.rs"), "pub mod api;\npub mod db;\n").expect("write");
    std::fs::write(dir.join("c.rs"), "").expect("write");
    std::fs::write(dir.join("d.rs"), "").expect("write");
    let graph = module_graph(&app_crate(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    let edges = |from: &str| graph[from].keys().cloned().collect::<Vec<_>>();
    assert_eq!(edges("a"), ["b::api", "d"], "comments and strings are not paths");
    // `super::super::db` inside `mod ssr` of `b/api.rs` is `b::db`, not the top-level `db`.
    assert_eq!(edges("b::api"), ["a", "b::db"]);
    let cycle = find_cycle(&graph).expect("a and b::api form a cycle");
    assert_eq!(cycle, ["a", "b::api", "a"]);
    assert!(describe(&cycle, &graph).contains("b/api.rs:4"));
}
