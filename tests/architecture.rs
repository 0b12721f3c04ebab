//! The shape of `src/`, checked: dependencies between top-level modules run one way (no import
//! cycle), every file stays under 800 lines before its tests, and only `bindings.rs` (and `bindings_workbook.rs`) use
//! wasm-bindgen. Reads the sources as text: a `crate::name` outside a file's tests is a
//! dependency of that file's top-level module on `name`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES_BEFORE_TESTS: usize = 800;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The library's files (not the binaries), with their top-level module and their text before
/// any `#[cfg(test)]` item; files that are test modules themselves are left out.
fn library_sources() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("bin/") || rel == "lib.rs" || rel.ends_with("/tests.rs") {
            continue;
        }
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let code = match text.find("\n#[cfg(test)]") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        out.push((top, path, code));
    }
    out
}

/// The top-level modules a text names as `crate::x` (also inside `use crate::{x, y::z}`).
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            // only the first path segment of each item, at the list's top nesting level
            for item in list[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn top_level_modules_depend_on_each_other_one_way() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (top, _, code) in library_sources() {
        let deps = graph.entry(top.clone()).or_default();
        for d in uses(&code) {
            if d != top {
                deps.insert(d);
            }
        }
    }
    // depth-first search for a cycle, reporting its path
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|p| p == node).unwrap();
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut state, &mut Vec::new()) {
            panic!(
                "import cycle between top-level modules: {}",
                cycle.join(" → ")
            );
        }
    }
    // the layers the README names, in order: nothing depends on a later layer
    let layer = |m: &str| -> Option<usize> {
        Some(match m {
            "error" | "rng" | "math" | "matrix" | "metrics" | "clock" | "messages" | "truth"
            | "sort" => 0,
            "data" => 1,
            "target" => 2,
            "preprocess" => 3,
            "models" | "trees" => 4,
            "search" | "forecast" => 5,
            "results" => 6,
            "bench" | "bindings" | "bindings_workbook" => 7,
            _ => return None,
        })
    };
    for (module, deps) in &graph {
        let Some(l) = layer(module) else {
            panic!("src/{module} is not in a layer of the README's order: add it to this test and the README");
        };
        for d in deps {
            if let Some(ld) = layer(d) {
                assert!(
                    ld <= l,
                    "{module} (layer {l}) depends on {d} (layer {ld}), a later layer"
                );
            }
        }
    }
}

#[test]
fn no_file_is_over_800_lines_before_its_tests() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut long = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let before = text
            .lines()
            .position(|l| l.starts_with("#[cfg(test)]"))
            .unwrap_or_else(|| text.lines().count());
        if before > MAX_LINES_BEFORE_TESTS {
            long.push(format!("{} ({before} lines)", path.display()));
        }
    }
    assert!(long.is_empty(), "split these at a natural seam: {long:?}");
}

#[test]
fn only_the_bindings_use_wasm_bindgen() {
    for (top, path, code) in library_sources() {
        if top == "bindings" || top == "bindings_workbook" {
            continue;
        }
        assert!(
            !code.contains("wasm_bindgen") && !code.contains("js_sys"),
            "{} uses wasm-bindgen; only src/bindings.rs and src/bindings_workbook.rs may",
            path.display()
        );
    }
}

#[test]
fn the_dependency_reader_sees_lists_and_paths() {
    let found = uses("use crate::data::{Table, Task};\nuse crate::{error::Result, rng::Rng};\nlet x = crate::math::exp(1.0);");
    assert_eq!(
        found,
        ["data", "error", "math", "rng"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
