//! The seam between the store and the layers above it, which clippy.toml
//! guards as far as a lint can: these checks cover what it cannot see.

use std::path::{Path, PathBuf};

fn sources(under: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("source directory").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(under), &mut out);
    out.sort();
    out
}

/// The sources under `under` that hold `needle`, named from the
/// repository root.
fn files_with(under: &str, needle: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    sources(under)
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(p)
                .expect("source file")
                .contains(needle)
        })
        .map(|p| p.strip_prefix(root).unwrap_or(&p).display().to_string())
        .collect()
}

#[test]
fn only_the_store_opts_out_of_the_file_system_ban() {
    assert_eq!(
        files_with("src", "clippy::disallowed_"),
        ["src/store/mod.rs"],
        "only src/store/mod.rs may allow clippy::disallowed_methods or disallowed_types"
    );
}

#[test]
fn domain_types_know_nothing_of_the_command_line() {
    assert_eq!(files_with("src/domain", "clap"), Vec::<String>::new());
}
