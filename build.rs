//! Gathers the command lines of the console examples in README.md and
//! docs/*.md, so that each man page's EXAMPLES section shows commands the
//! test suite runs (tests/cli/docs.rs) and can never drift from them.

// The build script reads the docs before the program exists: clippy.toml's
// rule that only src/store touches files is for the program, not for it.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=README.md");
    println!("cargo:rerun-if-changed=docs");
    let mut pages = vec![Path::new("README.md").to_path_buf()];
    if let Ok(dir) = std::fs::read_dir("docs") {
        let mut docs: Vec<_> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        pages.extend(docs);
    }
    let mut lines = String::new();
    for page in pages {
        let Ok(text) = std::fs::read_to_string(&page) else {
            continue;
        };
        let mut in_console = false;
        for line in text.lines() {
            if let Some(info) = line.strip_prefix("```") {
                in_console = !in_console && info.trim() == "console";
                continue;
            }
            if let Some(cmd) = line.strip_prefix("$ clubctl ") {
                if in_console && !cmd.ends_with('\\') {
                    lines.push_str(cmd.trim_end());
                    lines.push('\n');
                }
            }
        }
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("examples.txt"), lines).expect("writing examples.txt");
}
