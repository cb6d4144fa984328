//! Every console example in README.md and docs/*.md runs here, so no page
//! can drift from what clubctl prints.
//!
//! A page is read as a newcomer would follow it: its ```console blocks in
//! order, each `$ ` line typed into one shell that lives for the whole page,
//! in a folder holding a fresh copy of the sample club as `data/` (and
//! `examples/`). What a command writes to standard output and standard
//! error, in the order it writes it, must be what the page shows below the
//! command, up to the next `$ ` line or the end of the block.
//!
//! - `clubctl` is the binary under test; `cargo run --release -- ARGS` runs
//!   it too. The environment is cleared but for `PATH`, `HOME` and `TZ=UTC`,
//!   so a page fixes its business day itself (`export CLUBCTL_TODAY=...` or
//!   `--today`), exactly as a reader would have to.
//! - A line `...` in the shown output stands for any number of lines, and
//!   `[..]` inside a line for any text; trailing blanks are ignored.
//! - A block whose info string is `console ignore` is not run (the test
//!   command itself, say).
//! - A line that ends in `\` continues on the next line.
//!
//! After an intended change of output, `CLUBCTL_DOCS=bless cargo test
//! --release --test cli docs` writes what the commands now print into the
//! pages (keeping a cut `...` where the page had one at the end of an
//! output); review the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Separates one command's output from the next in the shell's output.
const MARK: char = '\u{1e}';

#[derive(Debug)]
struct Example {
    /// Line of the `$ ` command in the page (1-based).
    line: usize,
    command: String,
    /// The shown output, one entry a line.
    expected: Vec<String>,
    /// The page's lines the shown output occupies: `start..end`.
    span: (usize, usize),
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The examples of a page, in order.
fn examples(text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_end();
        i += 1;
        let Some(info) = fence.strip_prefix("```") else {
            continue;
        };
        let run = info.split_whitespace().collect::<Vec<_>>() == ["console"];
        let mut current: Option<Example> = None;
        while i < lines.len() && !lines[i].starts_with("```") {
            let line = lines[i];
            if !run {
                i += 1;
                continue;
            }
            if let Some(cmd) = line.strip_prefix("$ ") {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                let first = i + 1;
                let mut command = cmd.to_string();
                while command.ends_with('\\') && i + 1 < lines.len() {
                    command.pop();
                    i += 1;
                    command.push('\n');
                    command.push_str(lines[i]);
                }
                current = Some(Example {
                    line: first,
                    command,
                    expected: Vec::new(),
                    span: (i + 1, i + 1),
                });
            } else if let Some(ex) = current.as_mut() {
                ex.expected.push(line.to_string());
                ex.span.1 = i + 1;
            }
            i += 1;
        }
        if let Some(done) = current.take() {
            out.push(done);
        }
        i += 1;
    }
    out
}

/// Whether `got` matches the shown `line`, where `[..]` is any text.
fn line_matches(pattern: &str, got: &str) -> bool {
    let pattern = pattern.trim_end();
    let got = got.trim_end();
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == got;
    }
    let mut rest = got;
    for (k, part) in parts.iter().enumerate() {
        if k == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if k == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Whether the output lines match the shown ones, where a `...` line is
/// any number of lines.
fn matches(expected: &[String], got: &[&str]) -> bool {
    match expected.split_first() {
        None => got.iter().all(|l| l.trim().is_empty()),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=got.len()).any(|skip| matches(rest, &got[skip..]))
        }
        Some((first, rest)) => match got.split_first() {
            Some((g, grest)) => line_matches(first, g) && matches(rest, grest),
            None => false,
        },
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating a folder for the copy");
    for entry in std::fs::read_dir(from).expect("reading the sample") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_name() == "clubctl.lock" {
            continue;
        }
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a file");
        }
    }
}

/// Runs every example of a page in one shell; returns each one's output.
fn run_page(examples: &[Example]) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("work");
    copy_dir(&root().join("data"), &work.join("data"));
    copy_dir(&root().join("examples"), &work.join("examples"));
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).expect("a home folder");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_clubctl"));
    let bin_dir = bin.parent().expect("the binary's folder");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut script = String::from(
        "exec 2>&1\n\
         cargo() { if [ \"$1\" = run ]; then while [ \"$1\" != -- ]; do shift; done; shift; clubctl \"$@\"; \
         else echo \"cargo $* is not run by the examples\"; return 1; fi; }\n",
    );
    for ex in examples {
        script.push_str(&ex.command);
        script.push_str("\n__rc=$?; printf '\\036'; (exit $__rc)\n");
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&work)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .output()
        .expect("running bash");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split(MARK).map(str::to_string).collect()
}

/// What a page should say after blessing: each example's output replaced
/// by what it printed, keeping a trailing `...` cut where there was one.
fn bless(text: &str, examples: &[Example], outputs: &[String]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut result: Vec<String> = Vec::new();
    let mut next = 0;
    for (ex, got) in examples.iter().zip(outputs) {
        let (start, end) = ex.span;
        result.extend(lines[next..start].iter().map(|l| l.to_string()));
        let got_lines: Vec<&str> = got.lines().collect();
        if matches(&ex.expected, &got_lines) {
            result.extend(ex.expected.iter().cloned());
        } else {
            let cut = ex.expected.last().is_some_and(|l| l.trim() == "...");
            let keep = if cut {
                ex.expected.len() - 1
            } else {
                got_lines.len()
            };
            result.extend(
                got_lines
                    .iter()
                    .take(keep)
                    .map(|l| l.trim_end().to_string()),
            );
            if cut && got_lines.len() > keep {
                result.push("...".into());
            }
        }
        next = end;
    }
    result.extend(lines[next..].iter().map(|l| l.to_string()));
    let mut out = result.join("\n");
    out.push('\n');
    out
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root().join("docs")) {
        let mut docs: Vec<PathBuf> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        pages.extend(docs);
    }
    pages
}

fn check_page(page: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(page).expect("reading a page");
    let examples = examples(&text);
    if examples.is_empty() {
        return Vec::new();
    }
    let outputs = run_page(&examples);
    let name = page
        .strip_prefix(root())
        .unwrap_or(page)
        .display()
        .to_string();
    if std::env::var("CLUBCTL_DOCS").as_deref() == Ok("bless") {
        let blessed = bless(&text, &examples, &outputs);
        if blessed != text {
            std::fs::write(page, blessed).expect("writing a blessed page");
        }
        return Vec::new();
    }
    let mut failures = Vec::new();
    for (ex, got) in examples.iter().zip(outputs.iter()) {
        let got_lines: Vec<&str> = got.lines().collect();
        if !matches(&ex.expected, &got_lines) {
            failures.push(format!(
                "{name}:{}: $ {}\n--- the page shows:\n{}\n--- clubctl printed:\n{}",
                ex.line,
                ex.command,
                ex.expected.join("\n"),
                got.trim_end()
            ));
        }
    }
    failures
}

#[test]
fn every_console_example_prints_what_its_page_shows() {
    let mut failures = Vec::new();
    let mut count = 0;
    for page in pages() {
        count += examples(&std::fs::read_to_string(&page).expect("a page")).len();
        failures.extend(check_page(&page));
    }
    assert!(count > 0, "no console examples were found");
    assert!(
        failures.is_empty(),
        "{} of {count} examples drifted (CLUBCTL_DOCS=bless rewrites them; review the diff):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_harness_sees_commands_outputs_and_cuts() {
    let page = "text\n```console\n$ clubctl a \\\n  --b\none\n...\n$ echo x\nx\n```\n```console ignore\n$ cargo test\n```\n";
    let ex = examples(page);
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0].command, "clubctl a \n  --b");
    assert_eq!(ex[0].expected, vec!["one", "..."]);
    assert_eq!(ex[1].command, "echo x");
    assert!(matches(&ex[0].expected, &["one", "two", "three"]));
    assert!(!matches(&ex[0].expected, &["two"]));
    assert!(matches(&ex[1].expected, &["x"]));
    assert!(!matches(&ex[1].expected, &["x", "y"]));
    assert!(line_matches("id [..] at [..]", "id M1 at 2026"));
    assert!(!line_matches("id [..] at", "id M1 on"));
    let blessed = bless(page, &ex, &["one\nfour\nfive\n".into(), "y\n".into()]);
    assert!(blessed.contains("one\n...\n$ echo x\ny\n```"), "{blessed}");
}

/// The settings of a club.toml text: every `[table]` or `[[table]]` name and
/// every `key =` line, commented-out examples included (`# key = ...`).
fn settings(toml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in toml.lines() {
        let line = line.trim_start_matches('#').trim();
        if let Some(table) = line.strip_prefix('[') {
            let name = table.trim_matches(|c| c == '[' || c == ']');
            if !name.is_empty() && !name.contains(' ') {
                out.push(name.to_string());
            }
        } else if let Some((key, _)) = line.split_once(" = ") {
            let key = key.trim();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(key.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_club_toml_setting_is_in_the_reference() {
    let toml = std::fs::read_to_string(root().join("src/app/club.default.toml"))
        .expect("reading src/app/club.default.toml");
    let reference = std::fs::read_to_string(root().join("docs/club-toml.md"))
        .expect("reading docs/club-toml.md");
    let found = settings(&toml);
    assert!(found.len() > 30, "too few settings read: {found:?}");
    let missing: Vec<&String> = found
        .iter()
        .filter(|s| {
            ![format!("`{s}`"), format!(".{s}`"), format!("[{s}]")]
                .iter()
                .any(|form| reference.contains(form.as_str()))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/club-toml.md does not name these settings of src/app/club.default.toml: {missing:?}"
    );
}

#[test]
fn the_settings_reader_sees_tables_keys_and_commented_examples() {
    let found = settings("[club]\nname = \"x\"\n# a comment = no\n# [[rewards]]\n# code = \"MUG\"\nkpi = { target = 1 }\n");
    assert_eq!(found, vec!["club", "code", "kpi", "name", "rewards"]);
}

/// The relative targets of the markdown links `](target)` of a text,
/// without any `#anchor`; web addresses are left out.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or_default();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            out.push(target.to_string());
        }
        rest = &rest[end..];
    }
    out
}

#[test]
fn every_guide_page_is_in_the_index_and_every_link_resolves() {
    let index =
        std::fs::read_to_string(root().join("docs/README.md")).expect("reading docs/README.md");
    let indexed = links(&index);
    let mut problems = Vec::new();
    for page in pages() {
        let name = page
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let in_docs = page.parent().is_some_and(|p| p.ends_with("docs"));
        if in_docs && name != "README.md" && !indexed.contains(&name) {
            problems.push(format!("docs/{name} is not linked from docs/README.md"));
        }
        let text = std::fs::read_to_string(&page).expect("reading a page");
        let base = page.parent().expect("a page's folder");
        for target in links(&text) {
            if !base.join(&target).exists() {
                problems.push(format!(
                    "{}: the link to {target} leads nowhere",
                    page.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_link_reader_sees_relative_targets_only() {
    let found = links("see [a](a.md#x), [b](../README.md) and [c](https://x.org/y) [d]( e");
    assert_eq!(found, vec!["a.md", "../README.md"]);
}
