//! The modules of `domain` are layers (see the crate's documentation): each may use only the
//! modules listed before it here. This reads every `crate::…` path in the sources, so a module
//! that reaches down (or two that reach for each other) fails here, naming the file.

use std::collections::BTreeMap;
use std::path::Path;

/// Every top-level module, in the order of the layers; within a layer, a module may use the
/// ones before it in the list.
const ORDER: &[&str] = &[
    // 1. model and inputs
    "access", "email", "input", "user", "agent", "model", "rule",
    // 2. snapshot and its queries
    "snapshot", "counts", "campaign", "scope", "explain", "read",
    // 3. commands and events
    "command", "needs", "event",  // 4. deciding
    "decide", // 5. what a decision leads to
    "audit", "seats", "import", // 6. the contract
    "api",    // 7. sync
    "sync",
];

/// The top-level module of each source file, with the modules its `crate::` paths name.
fn uses() -> BTreeMap<String, Vec<(String, String)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("the source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if relative == "lib.rs" {
                continue;
            }
            let module = relative
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("a source file");
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let used: String = line[at + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !used.is_empty() && used != module {
                        out.entry(module.clone())
                            .or_default()
                            .push((used, relative.clone()));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_module_is_in_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(src).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let module = name.trim_end_matches(".rs");
        assert!(
            module == "lib" || ORDER.contains(&module),
            "{module} is in no layer: add it to ORDER and to the crate's documentation"
        );
    }
}

#[test]
fn modules_use_only_the_layers_before_them() {
    let rank = |m: &str| ORDER.iter().position(|o| *o == m);
    let mut wrong = Vec::new();
    for (module, used) in uses() {
        let here = rank(&module).unwrap_or_else(|| panic!("{module} is in no layer"));
        for (other, file) in used {
            match rank(&other) {
                Some(there) if there < here => {}
                Some(_) => wrong.push(format!("{file} uses crate::{other}, a later layer")),
                None => wrong.push(format!("{file} uses crate::{other}, which is in no layer")),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
