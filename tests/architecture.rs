//! The module graph of `src/` has no circle: no file imports, through others, a file that
//! imports it, and no top-level module (`read`, `calc`, `write` …) does either. The graph is
//! read from the code's own `crate::…` and `super::…` paths, resolved to files (a file that
//! re-exports a name with `pub use` sends the path on to the file that defines it), as in
//! docs/architecture.md. A module and the children it declares are one unit, as Rust's module
//! tree makes them: a parent's use of its own children (by their bare names) is not read, so
//! a child may use its parent's items, and siblings are what must not import each other in a
//! loop. Every top-level module also has its row in the page's module table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source files relative to `src/`, with `/` separators.
fn source_files(src: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The module path of a file: `recognize/table.rs` → [recognize, table]; `calc/mod.rs` →
/// [calc]; the crate root → [].
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

struct Tree {
    files: BTreeSet<String>,
    /// (folder's mod.rs, a name it re-exports) → the child file it comes from.
    reexports: BTreeMap<(String, String), String>,
}

impl Tree {
    fn file_of(&self, module: &[String]) -> Option<String> {
        let base = module.join("/");
        [format!("{base}.rs"), format!("{base}/mod.rs")]
            .into_iter()
            .find(|f| self.files.contains(f))
    }
    /// The file a path names: its longest prefix that is a module, passed on to the child a
    /// folder re-exports the next name from.
    fn resolve(&self, path: &[String]) -> Option<String> {
        (1..=path.len()).rev().find_map(|k| {
            let file = self.file_of(&path[..k])?;
            match path.get(k) {
                Some(name) => Some(
                    self.reexports
                        .get(&(file.clone(), name.clone()))
                        .cloned()
                        .unwrap_or(file),
                ),
                None => Some(file),
            }
        })
    }
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path a file's code names through `crate::` or `super::`, a `use` group
/// (`crate::a::{b, c::d}`) giving one path per member.
fn paths_named(file: &str, code: &str) -> Vec<Vec<String>> {
    let me = module_of(file);
    let mut out = Vec::new();
    for (head, base) in [
        ("crate::", Vec::new()),
        ("super::", me[..me.len().saturating_sub(1)].to_vec()),
    ] {
        for (at, _) in code.match_indices(head) {
            let before = code[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[at + head.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let mut path = base.clone();
            for seg in rest[..end].split("::").filter(|s| !s.is_empty()) {
                if seg == "super" {
                    path.pop();
                } else {
                    path.push(seg.to_string());
                }
            }
            if rest[end..].starts_with('{') && rest[..end].ends_with("::") {
                let group = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |i| end + i)];
                for member in group.split(',') {
                    let first = words(member).into_iter().next();
                    match first {
                        Some(w) if w != "self" => out.push([path.clone(), vec![w]].concat()),
                        _ => out.push(path.clone()),
                    }
                }
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The `pub use` statements of a file (over several lines too): the path before the names,
/// and the names (`pub use bound::{Bound, CellId};` → [bound], [Bound, CellId]).
fn reexports(code: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for head in ["pub use ", "pub(crate) use "] {
        for (at, _) in code.match_indices(head) {
            let rest = &code[at + head.len()..];
            let stmt: String = rest[..rest.find(';').unwrap_or(rest.len())]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let (prefix, names) = match stmt.find('{') {
                Some(b) => (&stmt[..b], words(&stmt[b..])),
                None => match stmt.rfind("::") {
                    Some(c) => (&stmt[..c], words(&stmt[c..])),
                    None => continue,
                },
            };
            let names = names
                .into_iter()
                .filter(|n| n != "self" && n != "as")
                .collect();
            out.push((words(prefix), names));
        }
    }
    out
}

fn read_tree(src: &Path) -> (Tree, BTreeMap<String, BTreeSet<String>>) {
    let files: BTreeSet<String> = source_files(src).into_iter().collect();
    let mut tree = Tree {
        files: files.clone(),
        reexports: BTreeMap::new(),
    };
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            (
                f.clone(),
                code(&std::fs::read_to_string(src.join(f)).unwrap()),
            )
        })
        .collect();
    for (f, text) in &texts {
        for (prefix, names) in reexports(text) {
            let base = match prefix.first().map(String::as_str) {
                Some("crate") => prefix[1..].to_vec(),
                Some("self") => [module_of(f), prefix[1..].to_vec()].concat(),
                _ => [module_of(f), prefix].concat(),
            };
            for n in names {
                if let Some(target) = tree.resolve(&[base.clone(), vec![n.clone()]].concat()) {
                    if target != *f {
                        tree.reexports.insert((f.clone(), n), target);
                    }
                }
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (f, text) in &texts {
        let targets: BTreeSet<String> = paths_named(f, text)
            .iter()
            .filter_map(|p| tree.resolve(p))
            .filter(|t| t != f && t != "lib.rs" && t != "main.rs")
            .collect();
        edges.insert(f.clone(), targets);
    }
    (tree, edges)
}

/// The groups of nodes that reach each other (strongly connected, more than one node).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|n| (n, reach(n))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (n, r) in &reached {
        if !r.contains(*n) || out.iter().any(|c| c.contains(n)) {
            continue;
        }
        let group = reached
            .iter()
            .filter(|(m, rm)| r.contains(**m) && rm.contains(*n))
            .map(|(m, _)| (*m).clone())
            .collect();
        out.push(group);
    }
    out
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let (_, edges) = read_tree(&src());
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 100,
        "the graph was read"
    );
    assert_eq!(circles(&edges), Vec::<Vec<String>>::new());
}

#[test]
fn no_top_level_module_depends_on_itself_through_others() {
    let (_, edges) = read_tree(&src());
    let top = |f: &str| {
        f.split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string()
    };
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (f, targets) in &edges {
        let from = top(f);
        let entry = modules.entry(from.clone()).or_default();
        entry.extend(targets.iter().map(|t| top(t)).filter(|t| *t != from));
    }
    let circles = circles(&modules);
    let why: Vec<String> = edges
        .iter()
        .flat_map(|(f, ts)| ts.iter().map(move |t| (f, t)))
        .filter(|(f, t)| {
            circles
                .iter()
                .any(|c| c.contains(&top(f)) && c.contains(&top(t)) && top(f) != top(t))
        })
        .map(|(f, t)| format!("{f} → {t}"))
        .collect();
    assert!(circles.is_empty(), "{circles:?}\n{}", why.join("\n"));
}

/// The reader finds a circle where there is one, and none where there is none.
#[test]
fn a_circle_is_found_and_a_chain_is_not() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            m.entry(a.to_string()).or_default().insert(b.to_string());
            m.entry(b.to_string()).or_default();
        }
        m
    };
    assert_eq!(
        circles(&edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
    assert!(circles(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
    let named = paths_named(
        "recognize/table.rs",
        "use super::group_rows::GroupRows;\nuse crate::form::{Catalog, compiled::Form};",
    );
    let multi_line =
        "pub use bound::{\n    Bound,\n    CellId,\n};\npub use crate::sheet_names::OpenError;";
    assert_eq!(
        reexports(multi_line),
        vec![
            (
                vec!["bound".to_string()],
                vec!["Bound".to_string(), "CellId".into()]
            ),
            (
                vec!["crate".to_string(), "sheet_names".into()],
                vec!["OpenError".to_string()]
            ),
        ]
    );
    assert_eq!(
        named,
        vec![
            vec!["form".to_string(), "Catalog".into()],
            vec!["form".to_string(), "compiled".into()],
            vec![
                "recognize".to_string(),
                "group_rows".into(),
                "GroupRows".into()
            ],
        ]
    );
}

/// Top-level modules `lib_rs` declares that `doc` gives no row of its module table
/// (`| \`name\` | what it does |`), and rows naming no module.
fn undocumented(lib_rs: &str, doc: &str) -> (Vec<String>, Vec<String>) {
    let declared: BTreeSet<String> = lib_rs
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect();
    let rows: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| {
            l.strip_prefix("| `")?
                .split_once('`')
                .map(|(m, _)| m.to_string())
        })
        .collect();
    (
        declared.difference(&rows).cloned().collect(),
        rows.difference(&declared).cloned().collect(),
    )
}

#[test]
fn every_top_level_module_has_its_sentence_in_the_architecture_page() {
    let lib_rs = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let doc_path = src().join("../docs/architecture.md");
    let doc = std::fs::read_to_string(doc_path).unwrap();
    let (missing, stale) = undocumented(&lib_rs, &doc);
    assert!(
        missing.is_empty(),
        "modules without a row in docs/architecture.md: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows of docs/architecture.md naming no module: {stale:?}"
    );
}

#[test]
fn a_module_left_out_of_the_page_is_found() {
    let lib_rs = "pub mod calc;\nmod files;\npub mod gone_soon;\n";
    let doc = "| module | what |\n|---|---|\n| `calc` | computes |\n| `gone` | was here |\n";
    let (missing, stale) = undocumented(lib_rs, doc);
    assert_eq!(missing, ["files", "gone_soon"]);
    assert_eq!(stale, ["gone"]);
}
