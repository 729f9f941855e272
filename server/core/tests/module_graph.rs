//! The crate reads bottom-up: no import cycle between the modules of `src`, and `model` is a
//! leaf. A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`); it depends on every module
//! it names through `use crate::…`, a `crate::…` path or `use super::…`. A parent declaring
//! or re-exporting its own children is containment, not a dependency.
//!
//! Run alone: `cargo test -p decentra-core --test module_graph`.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every module of `src`, with its source (comments and unit-test modules removed).
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).expect("under src");
            let mut parts: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let source = std::fs::read_to_string(&path).expect("read file");
            out.insert(parts.join("::"), strip(&source));
        }
    }
    out
}

/// Drops comment lines and everything from a `#[cfg(test)] mod tests` on.
fn strip(source: &str) -> String {
    let code = match source.find("#[cfg(test)]\nmod tests") {
        Some(i) => &source[..i],
        None => source,
    };
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Expands a use tree (`a::{b, c::{d, e}}, f`) into full paths.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    let join = |p: &str| {
        if prefix.is_empty() {
            p.to_owned()
        } else if p.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}::{p}")
        }
    };
    let (mut depth, mut item) = (0usize, String::new());
    for ch in tree.chars().chain([',']) {
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if ch == ',' && depth == 0 {
            let it = item.trim();
            if let Some(open) = it.find('{') {
                let head = it[..open].trim_end_matches("::");
                let inner = it[open + 1..].trim_end();
                let inner = inner.strip_suffix('}').unwrap_or(inner);
                expand(&join(head), inner, out);
            } else if !it.is_empty() {
                let name = it.split(" as ").next().unwrap_or(it).trim();
                out.push(join(name));
            }
            item.clear();
        } else {
            item.push(ch);
        }
    }
}

/// The bodies of every `use <root>::…;` statement of `source`.
fn use_trees<'a>(source: &'a str, root: &str) -> Vec<&'a str> {
    let needle = format!("use {root}::");
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        let end = after.find(';').unwrap_or(after.len());
        out.push(&after[..end]);
        rest = &after[end..];
    }
    out
}

/// The longest module named by `path`, if it names one.
fn resolve(path: &str, modules: &BTreeMap<String, String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find(|m| modules.contains_key(m))
}

fn graph() -> Graph {
    let modules = modules();
    let mut graph = Graph::new();
    for (module, source) in &modules {
        if module.is_empty() {
            continue;
        }
        let mut paths = Vec::new();
        for tree in use_trees(source, "crate") {
            expand("", tree, &mut paths);
        }
        for (i, _) in source.match_indices("crate::") {
            let tail: String = source[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(tail.trim_end_matches(':').to_owned());
        }
        let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
        for tree in use_trees(source, "super") {
            let mut rel = Vec::new();
            expand("", tree, &mut rel);
            paths.extend(rel.into_iter().map(|p| {
                if parent.is_empty() {
                    p
                } else {
                    format!("{parent}::{p}")
                }
            }));
        }
        let deps = graph.entry(module.clone()).or_default();
        for path in paths {
            if let Some(dep) = resolve(&path, &modules)
                && dep != *module
                && !dep.is_empty()
            {
                deps.insert(dep);
            }
        }
    }
    graph
}

/// A cycle of `graph`, if there is one (depth-first search with colours).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Active) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Active);
        path.push(node.to_owned());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut marks, &mut Vec::new()))
}

#[test]
fn no_import_cycle_between_modules() {
    let graph = graph();
    assert!(
        graph.len() > 30,
        "the scan found too few modules: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn model_is_a_leaf() {
    let graph = graph();
    let allowed: BTreeSet<&str> = ["error", "id", "model", "model::rows"].into();
    for module in ["model", "model::rows"] {
        let deps = &graph[module];
        let above: Vec<_> = deps
            .iter()
            .filter(|d| !allowed.contains(d.as_str()))
            .collect();
        assert!(above.is_empty(), "{module} imports {above:?}");
    }
}

#[test]
fn the_scan_sees_imports_and_cycles() {
    let mut paths = Vec::new();
    expand("", "a::{b, c::{d, e as f}}, g", &mut paths);
    assert_eq!(paths, ["a::b", "a::c::d", "a::c::e", "g"]);
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
    // And the real crate's store depends on the model, never the other way round.
    let real = self::graph();
    assert!(real["store"].contains("model::rows"));
    assert!(!real["model"].contains("store"));
}
