//! Man pages and shell completion: made from the same definitions as the
//! parser, with the environment, exit codes and the guide's examples.

use crate::club::TestClub;

#[test]
fn a_subcommand_has_its_own_page_with_environment_exit_status_and_examples() {
    let club = TestClub::new();
    let roff = club.ok(&["man", "member", "add"]);
    assert!(roff.contains(".TH clubctl-member-add 1"), "{roff}");
    for var in [
        "CLUBCTL_DATA",
        "CLUBCTL_TODAY",
        "CLUBCTL_OPERATOR",
        "CLUBCTL_LANG",
        "COLUMNS",
    ] {
        assert!(
            roff.contains(&format!("\\fB{}\\fR", var.replace('-', "\\-"))),
            "{var}:\n{roff}"
        );
    }
    let exit = roff.split(".SH \"EXIT STATUS\"").nth(1).unwrap_or_default();
    for code in 0..=6 {
        assert!(
            exit.contains(&format!("\\fB{code}\\fR")),
            "exit {code}:\n{roff}"
        );
    }
    let examples = roff.split(".SH EXAMPLES").nth(1).unwrap_or_default();
    assert!(
        examples.contains("$ clubctl member add \\-\\-name"),
        "{roff}"
    );
    assert!(
        !examples.contains("member approve"),
        "another command's example:\n{roff}"
    );
}

#[test]
fn a_page_for_a_command_that_does_not_exist_is_a_usage_error() {
    let club = TestClub::new();
    club.refused(
        &["man", "member", "adopt"],
        2,
        "no command `clubctl member adopt`",
    );
}

#[test]
fn every_page_of_the_set_has_the_closing_sections() {
    let club = TestClub::new();
    let dir = club.dir().parent().expect("temp dir").join("man1");
    club.ok(&["man", "--dir", dir.to_str().unwrap_or_default()]);
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).expect("the man directory") {
        let path = entry.expect("an entry").path();
        let roff = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(roff.contains(".SH ENVIRONMENT"), "{}", path.display());
        assert!(roff.contains(".SH \"EXIT STATUS\""), "{}", path.display());
        pages += 1;
    }
    assert!(pages > 40, "only {pages} pages");
}

#[test]
fn completion_offers_the_values_of_options_that_have_them() {
    let club = TestClub::new();
    let bash = club.ok(&["completions", "bash"]);
    let lang = bash
        .lines()
        .skip_while(|l| !l.contains("--lang)"))
        .nth(1)
        .unwrap_or_default();
    assert!(lang.contains("en zh"), "--lang completes to: {lang}");
    let format = bash
        .lines()
        .skip_while(|l| !l.contains("--format)"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        format.contains("table csv json"),
        "--format completes to: {format}"
    );
    // The aliases still parse.
    club.ok(&["--lang", "zh-CN", "member", "list"]);
    club.refused(&["--lang", "fr", "member", "list"], 2, "en, zh");
}

#[test]
fn the_data_help_names_every_data_command() {
    let club = TestClub::new();
    let help = club.ok(&["--help"]);
    let line = help
        .lines()
        .find(|l| l.trim_start().starts_with("data"))
        .unwrap_or_default();
    for verb in ["check", "repair", "close", "generate"] {
        assert!(line.contains(verb), "{line}");
    }
    let data = club.ok(&["data", "--help"]);
    for verb in ["check", "repair", "close", "generate"] {
        assert!(data.contains(verb), "{data}");
    }
}
