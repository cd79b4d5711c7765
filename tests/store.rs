//! Tests of the note store through the real binary: notes made with flags survive every
//! reading command byte for byte, broken notes are reported at their file, line and column,
//! ids resolve from prefixes and never lead outside `.incidents/`, hostile notes are refused,
//! and the editor flows work like `git commit`'s.

use crate::common::*;
use std::path::Path;

/// A repository with one commit touching `src/cart.rs`; returns it and the commit id.
fn repo_with_commit() -> (TestRepo, String) {
    let mut repo = TestRepo::new();
    let id = repo.commit_files(
        "Fix checkout timeout",
        &[("src/cart.rs", "fn cart() {}\n"), ("README.md", "hi\n")],
    );
    (repo, id)
}

/// Runs the binary with extra environment variables (the editor).
fn run_env(repo: &TestRepo, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(cmd)
}

/// Writes an executable shell script and returns its path.
fn script(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

fn new_note(repo: &TestRepo, args: &[&str]) -> String {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    let out = repo.run(&all);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let id = out.stdout.trim().to_string();
    assert_eq!(out.stdout, format!("{id}\n"), "new prints the id alone");
    assert_eq!(id.len(), 8);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    );
    id
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Writes a note file by hand (for broken and hostile notes).
fn write_note(repo: &TestRepo, id: &str, text: &str) -> String {
    let file = format!(".incidents/{id}.yaml");
    repo.write(&file, text);
    file
}

#[test]
fn note_made_with_flags_survives_list_show_validate_byte_for_byte() {
    let (repo, commit) = repo_with_commit();
    let id = new_note(
        &repo,
        &[
            "--title",
            "Checkout times out: carts > 100 items",
            "--path",
            "src/cart.rs",
            "--symptom",
            "TimeoutError: checkout exceeded 30s",
            "--symptom",
            "thread 'main' panicked at src/cart.rs:2:5:\nexplicit panic",
            "--tag",
            "performance",
            "--severity",
            "sev2",
            "--tier",
            "L3",
            "--hours",
            "6.5",
            "--fixed-by",
            "HEAD",
            "--root-cause",
            "N+1 price lookups",
            "--opened",
            "2026-09-14T08:12:00Z",
            "--resolved",
            "2026-09-15",
        ],
    );
    let file = format!(".incidents/{id}.yaml");
    let before = std::fs::read(repo.path().join(&file)).unwrap();
    let mtime = std::fs::metadata(repo.path().join(&file))
        .unwrap()
        .modified()
        .unwrap();

    let list = repo.run(&["list"]);
    assert_eq!(list.code, 0, "{}", list.snapshot());
    assert!(list.stdout.contains(&id) && list.stdout.contains("2026-09-14"));
    assert!(list.stdout.contains("resolved") && list.stdout.contains("sev2"));
    let shown = repo.run(&["show", &id]);
    assert_eq!(shown.code, 0, "{}", shown.snapshot());
    let yaml = repo.run(&["show", &id, "--format", "yaml"]);
    assert_eq!(yaml.stdout.as_bytes(), &before[..]);
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["id"], id.as_str());
    assert_eq!(value["path"], file.as_str());
    assert_eq!(value["title"], "Checkout times out: carts > 100 items");
    assert_eq!(value["status"], "resolved");
    assert_eq!(value["opened"], "2026-09-14T08:12:00Z");
    assert_eq!(value["resolved"], "2026-09-15T00:00:00Z");
    assert_eq!(value["commits"]["fixed_by"][0], commit.as_str());
    assert_eq!(value["investigation"]["hours"], 6.5);
    assert_eq!(
        value["symptoms"][1],
        "thread 'main' panicked at src/cart.rs:2:5:\nexplicit panic"
    );
    let listed = json(&repo.run(&["list", "--format", "json"]).stdout);
    assert_eq!(listed[0], value);
    let valid = repo.run(&["validate"]);
    assert_eq!(valid.code, 0, "{}", valid.snapshot());
    assert_eq!(valid.stdout, "");

    assert_eq!(std::fs::read(repo.path().join(&file)).unwrap(), before);
    assert_eq!(
        std::fs::metadata(repo.path().join(&file))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
    // Nothing but the note (no temporary files left behind).
    let names: Vec<_> = std::fs::read_dir(repo.path().join(".incidents"))
        .unwrap()
        .collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn ambiguous_scalars_are_written_quoted_and_round_trip() {
    let (repo, _) = repo_with_commit();
    let tricky = [
        "0192117",
        "83e2010",
        "1e10",
        "no",
        "on",
        "yes",
        "off",
        "null",
        "~",
        "2026-09-14",
    ];
    let mut args = vec!["--title", "83e2010"];
    for t in &tricky {
        args.push("--tag");
        args.push(t);
        args.push("--symptom");
        args.push(t);
    }
    let id = new_note(&repo, &args);
    let text = repo.read(&format!(".incidents/{id}.yaml"));
    for t in &tricky {
        assert!(
            text.contains(&format!("- \"{t}\"\n")),
            "{t} unquoted in\n{text}"
        );
    }
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["title"], "83e2010");
    let tags: Vec<&str> = value["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(tags, tricky);
    assert_eq!(value["symptoms"], value["tags"]);
}

#[test]
fn unquoted_commit_ids_in_a_hand_written_note_are_read_as_text() {
    let (repo, commit) = repo_with_commit();
    let short = &commit[..7];
    write_note(
        &repo,
        "abcd1234",
        &format!(
            "version: 1\nid: abcd1234\ntitle: no\nstatus: open\nopened: 2026-09-14\ncommits:\n  fixed_by: [{short}]\n"
        ),
    );
    let value = json(&repo.run(&["show", "abcd", "--format", "json"]).stdout);
    assert_eq!(value["title"], "no");
    assert_eq!(value["commits"]["fixed_by"][0], short);
    assert_eq!(value["opened"], "2026-09-14T00:00:00Z");
    let valid = repo.run(&["validate"]);
    assert_eq!(valid.code, 0, "{}", valid.snapshot());
}

/// Each hand-broken note and the first line `validate` must print for it.
const BROKEN: &[(&str, &str, &str)] = &[
    (
        "dup00001",
        "version: 1\nid: dup00001\ntitle: x\nstatus: open\nstatus: resolved\n",
        ".incidents/dup00001.yaml:5:1: error: duplicate mapping key: status",
    ),
    (
        "stat0001",
        "version: 1\nid: stat0001\ntitle: x\nstatus: closed\n",
        ".incidents/stat0001.yaml:4:9: error: status: `closed` is not one of open",
    ),
    (
        "date0001",
        "version: 1\nid: date0001\ntitle: x\nstatus: open\nopened: 2026-13-45\n",
        ".incidents/date0001.yaml:5:9: error: opened: `2026-13-45` is not a date",
    ),
    (
        "merge001",
        "version: 1\nid: merge001\n<<<<<<< HEAD\ntitle: x\n=======\ntitle: y\n>>>>>>> other\nstatus: open\n",
        ".incidents/merge001.yaml:3:1: error: merge-conflict marker",
    ),
    (
        "yaml0001",
        "version: 1\nid: yaml0001\ntitle: [x\nstatus: open\n",
        ".incidents/yaml0001.yaml:3:",
    ),
    (
        "commit01",
        "version: 1\nid: commit01\ntitle: x\nstatus: open\ncommits:\n  fixed_by: [\"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef\"]\n",
        ".incidents/commit01.yaml:6:14: error: commits.fixed_by: commit deadbeefdeadbeefdeadbeefdeadbeefdeadbeef is not in this repository",
    ),
    (
        "name0001",
        "version: 1\nid: other001\ntitle: x\nstatus: open\n",
        ".incidents/name0001.yaml:2:5: error: id `other001` does not match the file name",
    ),
    (
        "type0001",
        "version: 1\nid: type0001\ntitle: x\nstatus: open\npaths: {src: cart.rs}\n",
        ".incidents/type0001.yaml:5:8: error: paths must be a list",
    ),
    (
        "order001",
        "version: 1\nid: order001\ntitle: x\nstatus: resolved\nopened: 2026-09-14\nresolved: 2026-09-01\n",
        ".incidents/order001.yaml:6:11: error: resolved (2026-09-01T00:00:00Z) is before opened",
    ),
    (
        "repeat01",
        "version: 1\nid: repeat01\ntitle: x\nstatus: open\nrepeat_of: zzzzzzzz\n",
        ".incidents/repeat01.yaml:5:12: error: repeat_of names no note",
    ),
];

#[test]
fn validate_reports_each_broken_note_at_its_file_line_and_column() {
    for (id, text, expected) in BROKEN {
        let (repo, _) = repo_with_commit();
        write_note(&repo, id, text);
        let out = repo.run(&["validate"]);
        assert_eq!(out.code, 1, "{id}: {}", out.snapshot());
        let first = out.stdout.lines().next().unwrap_or("");
        assert!(
            first.starts_with(expected),
            "{id}: got {first:?}, want {expected:?}"
        );
        assert!(
            out.stdout
                .lines()
                .nth(1)
                .unwrap_or("")
                .starts_with("  hint: "),
            "{id}: {}",
            out.stdout
        );
        let value = json(&repo.run(&["validate", "--format", "json"]).stdout);
        assert!(value["errors"].as_u64().unwrap() >= 1);
        assert_eq!(
            value["problems"][0]["file"],
            format!(".incidents/{id}.yaml")
        );
    }
}

#[test]
fn other_commands_skip_a_broken_note_with_a_warning_naming_it() {
    let (repo, _) = repo_with_commit();
    let good = new_note(&repo, &["--title", "fine"]);
    write_note(
        &repo,
        "broken01",
        "version: 1\nid: broken01\ntitle: x\nstatus: closed\n",
    );
    let out = repo.run(&["list"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains(&good));
    assert!(!out.stdout.contains("broken01"));
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("warning: ") && out.stderr.contains(".incidents/broken01.yaml"));
}

#[test]
fn missing_paths_are_warnings_not_errors() {
    let (repo, _) = repo_with_commit();
    new_note(
        &repo,
        &[
            "--title",
            "x",
            "--path",
            "src/gone.rs",
            "--path",
            "src/*.rs",
        ],
    );
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stdout
            .contains(": warning: path `src/gone.rs` matches no file at HEAD")
    );
    assert!(!out.stdout.contains("src/*.rs"));
}

#[test]
fn ids_resolve_from_a_unique_prefix_and_ambiguity_is_an_error() {
    let (repo, _) = repo_with_commit();
    for id in ["abc11111", "abc22222"] {
        write_note(
            &repo,
            id,
            &format!("version: 1\nid: {id}\ntitle: t {id}\nstatus: open\n"),
        );
    }
    let out = repo.run(&["show", "abc1", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(json(&out.stdout)["id"], "abc11111");
    let out = repo.run(&["show", "abc"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("abc11111") && out.stderr.contains("abc22222"));
    assert!(out.stderr.contains("hint: "));
    let out = repo.run(&["show", "zz"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.starts_with("error: no note"));
}

#[test]
fn path_traversal_through_ids_is_refused() {
    let (repo, _) = repo_with_commit();
    for arg in [
        "../../etc/passwd",
        "../x",
        "/etc/passwd",
        "A.B",
        ".incidents/../README",
    ] {
        for cmd in [&["show", arg][..], &["edit", arg], &["resolve", arg]] {
            let out = repo.run(cmd);
            assert_eq!(out.code, 2, "{cmd:?}: {}", out.snapshot());
            assert!(
                out.stderr.contains("is not a note id"),
                "{cmd:?}: {}",
                out.stderr
            );
        }
    }
    let out = repo.run(&["new", "--title", "x", "--repeat-of", "../x"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    // A note claiming a path-like id is refused everywhere.
    write_note(
        &repo,
        "evil0001",
        "version: 1\nid: ../x\ntitle: x\nstatus: open\n",
    );
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with(".incidents/evil0001.yaml:2:5: error: `../x` is not a note id"),
        "{}",
        out.stdout
    );
    let out = repo.run(&["list", "--format", "json"]);
    assert_eq!(out.code, 0);
    assert_eq!(json(&out.stdout), serde_json::json!([]));
    assert!(out.stderr.contains("evil0001"));
    let out = repo.run(&["show", "evil0001"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
}

#[cfg(unix)]
#[test]
fn symlinked_notes_are_not_followed() {
    let (repo, _) = repo_with_commit();
    std::fs::create_dir_all(repo.path().join(".incidents")).unwrap();
    std::os::unix::fs::symlink(
        "/etc/hostname",
        repo.path().join(".incidents/link0001.yaml"),
    )
    .unwrap();
    let out = repo.run(&["list", "--format", "json"]);
    assert_eq!(json(&out.stdout), serde_json::json!([]));
    let out = repo.run(&["show", "link0001", "--format", "yaml"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("link0001.yaml:1:1: error: not a regular file")
    );
}

#[test]
fn billion_laughs_note_is_rejected() {
    let (repo, _) = repo_with_commit();
    let mut text = String::from("version: 1\nid: laugh001\ntitle: x\nstatus: open\n");
    text.push_str(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("symptoms: *a9\n");
    write_note(&repo, "laugh001", &text);
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(
        out.stdout.contains("beyond the parser's limits"),
        "{}",
        out.stdout
    );
    let out = repo.run(&["list"]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("laugh001"));
}

#[test]
fn oversized_note_is_rejected() {
    let (repo, _) = repo_with_commit();
    let mut text = String::from("version: 1\nid: big00001\ntitle: x\nstatus: open\nsymptoms:\n");
    while text.len() < 1_100_000 {
        text.push_str("  - \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n");
    }
    write_note(&repo, "big00001", &text);
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("big00001.yaml:1:1: error: larger than"),
        "{}",
        out.stdout
    );
}

#[test]
fn new_opens_the_editor_without_a_title() {
    let (repo, _) = repo_with_commit();
    let editor = script(
        repo.home.path(),
        "ed.sh",
        r#"sed -i.bak 's/^title: ""/title: From the editor/' "$1""#,
    );
    let out = run_env(
        &repo,
        &[("GIT_EDITOR", &editor)],
        &["new", "--severity", "sev1"],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let id = out.stdout.trim();
    let value = json(&repo.run(&["show", id, "--format", "json"]).stdout);
    assert_eq!(value["title"], "From the editor");
    assert_eq!(value["severity"], "sev1");
    assert!(!repo.path().join(".git/INCIDENT_EDITMSG").exists());

    // An untouched template has an empty title: abort, nothing written.
    let out = run_env(&repo, &[("GIT_EDITOR", "true")], &["new"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("aborting"));
    assert_eq!(
        repo.run(&["list", "--format", "json"])
            .stdout
            .matches("\"id\"")
            .count(),
        1
    );
}

#[test]
fn new_keeps_the_text_when_the_edit_does_not_parse() {
    let (repo, _) = repo_with_commit();
    let editor = script(
        repo.home.path(),
        "bad.sh",
        r#"printf 'title: [broken\n' > "$1""#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &editor)], &["new"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    let draft = repo.path().join(".git/INCIDENT_EDITMSG");
    assert!(out.stderr.contains("INCIDENT_EDITMSG:1:"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&draft).unwrap(), "title: [broken\n");
    std::fs::write(&draft, "version: 1\ntitle: fixed\nstatus: open\n").unwrap();
    let out = repo.run(&["new", "--file", ".git/INCIDENT_EDITMSG"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
}

#[test]
fn edit_saves_a_valid_edit_as_written_and_refuses_a_broken_one() {
    let (repo, _) = repo_with_commit();
    let id = new_note(&repo, &["--title", "x"]);
    let file = format!(".incidents/{id}.yaml");
    let good = script(
        repo.home.path(),
        "good.sh",
        r#"sed -i.bak 's/^status: open/status: investigating # looking at it/' "$1""#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &good)], &["edit", &id[..4]]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        repo.read(&file)
            .contains("status: investigating # looking at it\n")
    );

    let before = repo.read(&file);
    let bad = script(
        repo.home.path(),
        "bad.sh",
        r#"sed -i.bak 's/^status: investigating.*/status: closed/' "$1""#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &bad)], &["edit", &id]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    // The position is in the edited text, which is the kept file.
    assert!(
        out.stderr.contains(&format!("INCIDENT_EDIT_{id}.yaml:4:9")),
        "{}",
        out.stderr
    );
    assert_eq!(repo.read(&file), before);
    let kept = repo.path().join(format!(".git/INCIDENT_EDIT_{id}.yaml"));
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains("status: closed")
    );

    // Guards: the next `edit` started from the note again and deleted the kept text ("no
    // changes"). It goes on from the kept edit instead.
    let out = run_env(&repo, &[("GIT_EDITOR", "true")], &["edit", &id]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.contains("resuming your earlier edit"),
        "{}",
        out.snapshot()
    );
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains("status: closed")
    );
    let fix = script(
        repo.home.path(),
        "fix.sh",
        r#"sed -i.bak 's/^status: closed/status: investigating/' "$1""#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &fix)], &["edit", &id]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(repo.read(&file).contains("status: investigating\n"));
    assert!(!kept.exists());
}

#[test]
fn resolve_sets_status_date_and_fix_commit() {
    let (repo, commit) = repo_with_commit();
    let id = new_note(&repo, &["--title", "x", "--opened", "2026-01-01"]);
    let out = repo.run(&[
        "resolve",
        &id[..5],
        "--fixed-by",
        "HEAD",
        "--root-cause",
        "no",
        "--resolved",
        "2026-01-02",
    ]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["status"], "resolved");
    assert_eq!(value["resolved"], "2026-01-02T00:00:00Z");
    assert_eq!(value["root_cause"], "no");
    assert_eq!(value["commits"]["fixed_by"][0], commit.as_str());
    let out = repo.run(&["resolve", &id, "--fixed-by", "nosuchrev"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("unknown revision") && out.stderr.contains("hint:"));
    let out = repo.run(&[
        "resolve",
        &id,
        "--status",
        "wontfix",
        "--resolved",
        "2025-01-01",
    ]);
    assert_eq!(out.code, 2, "resolved before opened: {}", out.snapshot());
}

#[test]
fn new_from_commit_prefills_title_paths_and_fix() {
    let (mut repo, _) = repo_with_commit();
    let fix = repo.commit_files("Fix rounding in totals", &[("src/total.rs", "fn t() {}\n")]);
    let id = new_note(&repo, &["--from-commit", "HEAD", "--severity", "sev3"]);
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["title"], "Fix rounding in totals");
    assert_eq!(value["paths"], serde_json::json!(["src/total.rs"]));
    assert_eq!(value["commits"]["fixed_by"], serde_json::json!([fix]));
    let out = repo.run(&["new", "--title", "x", "--fixed-by", "v9.9.9"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("hint:"));
}

#[test]
fn commands_work_from_a_subdirectory() {
    let (repo, _) = repo_with_commit();
    let id = new_note(&repo, &["--title", "x", "--path", "src/cart.rs"]);
    let sub = repo.path().join("src");
    let out = repo.run_in(&sub, &["list", "--path", "cart.rs"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains(&id));
    let out = repo.run_in(
        &sub,
        &["list", "--path", "../README.md", "--format", "json"],
    );
    assert_eq!(json(&out.stdout), serde_json::json!([]));
    assert_eq!(repo.run_in(&sub, &["show", &id]).code, 0);
    assert_eq!(repo.run_in(&sub, &["validate"]).code, 0);
    let out = repo.run_in(&sub, &["new", "--title", "from src"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        repo.path()
            .join(format!(".incidents/{}.yaml", out.stdout.trim()))
            .exists()
    );
}

#[test]
fn list_filters_by_status_tag_and_dates() {
    let (repo, _) = repo_with_commit();
    let a = new_note(
        &repo,
        &["--title", "a", "--opened", "2026-01-10", "--tag", "db"],
    );
    let b = new_note(
        &repo,
        &[
            "--title",
            "b",
            "--opened",
            "2026-02-10",
            "--status",
            "resolved",
        ],
    );
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--format", "json"];
        all.extend_from_slice(args);
        let out = repo.run(&all);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        json(&out.stdout)
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&[]), [a.clone(), b.clone()]);
    assert_eq!(ids(&["--status", "resolved"]), vec![b.clone()]);
    assert_eq!(ids(&["--tag", "db"]), vec![a.clone()]);
    assert_eq!(ids(&["--since", "2026-02-01"]), vec![b]);
    assert_eq!(ids(&["--until", "2026-01-10"]), vec![a]);
    assert_eq!(repo.run(&["list", "--status", "closed"]).code, 2);
}

#[test]
fn init_writes_the_defaults_once_and_a_broken_config_is_located() {
    let (repo, _) = repo_with_commit();
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let text = repo.read(".incidents/config.yaml");
    assert!(text.contains("half_life_days: 180.0") && text.contains("# "));
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "init twice is harmless, like git init");
    assert!(out.stdout.contains("already exists"));
    assert_eq!(repo.run(&["init", "--force"]).code, 0);
    assert_eq!(repo.run(&["validate"]).code, 0);
    repo.write(".incidents/config.yaml", "version: 1\nhalf_life_dayz: 3\n");
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .starts_with(".incidents/config.yaml:2:1: error: unknown field"),
        "{}",
        out.stdout
    );
}

#[test]
fn help_works_on_every_store_subcommand() {
    let repo = TestRepo::new();
    for sub in ["init", "new", "list", "show", "edit", "resolve", "validate"] {
        for flag in ["-h", "--help"] {
            let out = repo.run(&[sub, flag]);
            assert_eq!(out.code, 0, "{sub} {flag}: {}", out.snapshot());
            assert!(out.stdout.contains("Usage:"));
        }
    }
}

#[test]
fn notes_are_read_from_a_commit_tree() {
    let (mut repo, _) = repo_with_commit();
    let id = new_note(&repo, &["--title", "in base"]);
    repo.write(".incidents/config.yaml", "half_life_days: 30\n");
    let base = repo.commit("Add a note");
    new_note(&repo, &["--title", "only in the work tree"]);
    let git = gix::open(repo.path()).unwrap();
    let oid = gix::ObjectId::from_hex(base.as_bytes()).unwrap();
    let (set, config) = git_incident::store::load_from_tree(&git, oid).unwrap();
    assert_eq!(set.notes.len(), 1);
    assert_eq!(set.notes[0].note.id, id);
    assert_eq!(set.notes[0].file, format!(".incidents/{id}.yaml"));
    assert_eq!(config.half_life_days, 30.0);
}

#[test]
fn hundreds_of_notes_made_at_once_get_distinct_ids() {
    let dir = tempfile::tempdir().unwrap();
    let store = git_incident::store::Store::new(dir.path());
    let mut ids = std::collections::BTreeSet::new();
    for i in 0..500 {
        let note = git_incident::store::parse::parse_note(&format!(
            "version: 1\ntitle: note {i}\nstatus: open\n"
        ))
        .unwrap();
        ids.insert(store.create(note).unwrap().note.id);
    }
    assert_eq!(ids.len(), 500);
    assert_eq!(store.load().unwrap().notes.len(), 500);
}

#[test]
fn editor_is_chosen_like_git() {
    let (repo, _) = repo_with_commit();
    let marker = repo.home.path().join("used");
    let editor = script(
        repo.home.path(),
        "core.sh",
        &format!(
            r#"touch {}; sed -i.bak 's/^title: ""/title: t/' "$1""#,
            marker.display()
        ),
    );
    repo.git(&["config", "core.editor", &editor]);
    let out = run_env(&repo, &[("EDITOR", "false")], &["new"]);
    assert_eq!(
        out.code,
        0,
        "core.editor wins over EDITOR: {}",
        out.snapshot()
    );
    assert!(marker.exists());
}

#[test]
fn new_without_title_or_editor_refuses_instead_of_starting_vi_blind() {
    let (repo, _) = repo_with_commit();
    let out = repo.run(&["new"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("no editor") && out.stderr.contains("hint: "));
}

#[test]
fn resolve_keeps_comments_and_unknown_fields_of_a_hand_written_note() {
    let (repo, commit) = repo_with_commit();
    let file = write_note(
        &repo,
        "hand0001",
        "# Written by hand\nversion: 1\nid: hand0001\ntitle: x # short\nstatus: open\nopened: 2026-01-01\nteam: payments\n",
    );
    let out = repo.run(&[
        "resolve",
        "hand",
        "--fixed-by",
        "HEAD",
        "--resolved",
        "2026-01-02",
    ]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stderr, "");
    assert_eq!(
        repo.read(&file),
        format!(
            "# Written by hand\nversion: 1\nid: hand0001\ntitle: x # short\nstatus: resolved\nopened: 2026-01-01\nteam: payments\nresolved: 2026-01-02T00:00:00Z\ncommits:\n  fixed_by: [\"{commit}\"]\n"
        )
    );
}

/// Note files under `.incidents/` (ids only, sorted).
fn note_files(repo: &TestRepo) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.path().join(".incidents"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") && n != "config.yaml")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn symlinked_incidents_directory_is_never_read_or_written() {
    let (repo, _) = repo_with_commit();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("aaaa0001.yaml"),
        "version: 1\nid: \"aaaa0001\"\ntitle: outside\nstatus: open\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".incidents")).unwrap();
    for cmd in [
        &["new", "--title", "x"][..],
        &["init"],
        &["list"],
        &["validate"],
        &["show", "aaaa0001"],
        &["resolve", "aaaa0001"],
        &["import", "commits"],
    ] {
        let out = repo.run(cmd);
        assert_eq!(out.code, 2, "{cmd:?}: {}", out.snapshot());
        assert!(
            out.stderr.contains("symbolic link") && out.stderr.contains("hint:"),
            "{cmd:?}: {}",
            out.stderr
        );
        assert!(
            !out.stdout.contains("outside"),
            "{cmd:?} read through the link"
        );
    }
    let mut left: Vec<String> = std::fs::read_dir(outside.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, vec!["aaaa0001.yaml"], "nothing written outside");
}

#[cfg(unix)]
#[test]
fn notes_are_written_readable_by_others_under_the_umask_like_git() {
    use std::os::unix::fs::PermissionsExt;
    let (repo, _) = repo_with_commit();
    let mut cmd = std::process::Command::new("sh");
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path()).args([
        "-c",
        "umask 022 && \"$0\" init >/dev/null && exec \"$0\" new --title perm",
        env!("CARGO_BIN_EXE_git-incident"),
    ]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let id = out.stdout.trim();
    for file in [
        format!(".incidents/{id}.yaml"),
        ".incidents/config.yaml".into(),
    ] {
        let mode = std::fs::metadata(repo.path().join(&file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{file}");
    }
}

#[test]
fn second_import_is_refused_while_the_store_lock_is_held() {
    let (repo, _) = repo_with_commit();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(repo.path().join(".git/incident.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("another git-incident is writing notes"));
    assert!(out.stderr.contains("hint:"));
    assert!(note_files(&repo).is_empty());
    lock.unlock().unwrap();
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(note_files(&repo).len(), 1, "the fix commit, once");
}

#[test]
fn resolve_keeps_an_existing_resolved_date_unless_resolved_is_given() {
    let (repo, commit) = repo_with_commit();
    write_note(
        &repo,
        "date0001",
        "version: 1\nid: \"date0001\"\ntitle: x\nstatus: resolved\nopened: 2026-01-09T00:00:00Z\nresolved: 2026-01-10T00:00:00Z\n",
    );
    let out = repo.run(&["resolve", "date0001", "--fixed-by", &commit]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let text = repo.read(".incidents/date0001.yaml");
    assert!(text.contains("resolved: 2026-01-10T00:00:00Z"), "{text}");
    assert!(text.contains(&commit), "{text}");
    let out = repo.run(&["resolve", "date0001", "--resolved", "2026-01-12"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        repo.read(".incidents/date0001.yaml")
            .contains("resolved: 2026-01-12T00:00:00Z")
    );
}

#[test]
fn note_with_too_many_globs_is_an_error_in_validate_and_skipped_elsewhere() {
    let (repo, _) = repo_with_commit();
    let mut text = "version: 1\nid: \"bomb0001\"\ntitle: bomb\nstatus: open\npaths:\n".to_string();
    for i in 0..201 {
        text.push_str(&format!("  - \"**/*{{a,b,c}}*[!x]*{i}**/**\"\n"));
    }
    write_note(&repo, "bomb0001", &text);
    let long = format!(
        "version: 1\nid: \"long0001\"\ntitle: long\nstatus: open\npaths: [\"{}\"]\n",
        "a*".repeat(300)
    );
    write_note(&repo, "long0001", &long);
    let plain = format!(
        "version: 1\nid: \"long0002\"\ntitle: long\nstatus: open\npaths: [\"{}\"]\n",
        "a/".repeat(257)
    );
    write_note(&repo, "long0002", &plain);
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(
        out.stdout.contains(
            ".incidents/bomb0001.yaml:5:1: error: the note holds 201 paths (at most 200)"
        )
    );
    assert!(out.stdout.contains(
        ".incidents/long0001.yaml:5:1: error: the note holds a glob of 600 characters (at most 128)"
    ));
    assert!(
        out.stdout.contains(
            ".incidents/long0002.yaml:5:1: error: the note holds a path of 514 characters"
        ),
        "{}",
        out.stdout
    );
    for cmd in [&["list"][..], &["hotspots"]] {
        let out = repo.run(cmd);
        assert_eq!(out.code, 0, "{cmd:?}: {}", out.snapshot());
        assert!(
            out.stderr
                .contains("warning: skipping .incidents/bomb0001.yaml: the note holds 201 paths"),
            "{cmd:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn new_path_is_relative_to_the_current_directory_and_stays_inside_the_repository() {
    let (repo, _) = repo_with_commit();
    let src = repo.path().join("src");
    let out = repo.run_in(&src, &["new", "--title", "t", "--path", "cart.rs"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let id = out.stdout.trim().to_string();
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["paths"][0], "src/cart.rs");
    for bad in ["/etc/passwd", "../../outside.rs", "../.incidents/x.yaml"] {
        let out = repo.run_in(&src, &["new", "--title", "t", "--path", bad]);
        assert_eq!(out.code, 2, "{bad}: {}", out.snapshot());
        assert!(out.stderr.contains("hint:"), "{bad}");
    }
    let out = repo.run_in(&src, &["new", "--title", "t", "--path", "nosuch.rs"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr
            .contains("src/nosuch.rs` matches no file at HEAD"),
        "{}",
        out.stderr
    );
    assert_eq!(note_files(&repo).len(), 2);
}

#[test]
fn validate_in_a_shallow_clone_does_not_fail_on_commits_beyond_the_cut() {
    let (mut repo, first) = repo_with_commit();
    repo.commit_files("second", &[("src/b.rs", "b\n")]);
    repo.commit_files("third", &[("src/c.rs", "c\n")]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let target = clone.path().join("shallow");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::create_dir_all(target.join(".incidents")).unwrap();
    std::fs::write(
        target.join(".incidents/shal0001.yaml"),
        format!("version: 1\nid: \"shal0001\"\ntitle: x\nstatus: open\ncommits:\n  fixed_by: [\"{first}\"]\n"),
    )
    .unwrap();
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(&target).arg("validate");
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        !out.stdout.contains("not in this repository"),
        "{}",
        out.stdout
    );
    let cut: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("history is cut"))
        .collect();
    assert_eq!(cut.len(), 1, "{}", out.stderr);
    assert!(cut[0].contains("git fetch --unshallow"));
}

#[test]
fn new_refuses_a_note_it_could_not_read_back() {
    let (repo, _) = repo_with_commit();
    let trace = "x".repeat(100 * 1024);
    let mut args = vec!["new", "--title", "big"];
    for _ in 0..12 {
        args.extend(["--symptom", trace.as_str()]);
    }
    let out = repo.run(&args);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("could not read back"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"));
    assert!(note_files(&repo).is_empty());
}

#[test]
fn list_until_a_date_excludes_the_next_midnight_like_report() {
    let (repo, _) = repo_with_commit();
    write_note(
        &repo,
        "aaaa000a",
        "version: 1\nid: \"aaaa000a\"\ntitle: a\nstatus: open\nopened: 2026-03-31T23:59:59Z\n",
    );
    write_note(
        &repo,
        "aaaa000b",
        "version: 1\nid: \"aaaa000b\"\ntitle: b\nstatus: open\nopened: 2026-04-01T00:00:00Z\n",
    );
    let out = repo.run(&["list", "--until", "2026-03-31", "--format", "json"]);
    let ids: Vec<String> = json(&out.stdout)
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec!["aaaa000a"]);
}

#[test]
fn hours_that_are_infinite_or_negative_are_errors_at_their_line() {
    let (repo, _) = repo_with_commit();
    for (id, hours) in [
        ("hour0001", ".inf"),
        ("hour0002", "-5"),
        ("hour0003", ".nan"),
        ("hour0004", "1e308"),
    ] {
        write_note(
            &repo,
            id,
            &format!(
                "version: 1\nid: \"{id}\"\ntitle: x\nstatus: open\ninvestigation:\n  hours: {hours}\n"
            ),
        );
    }
    write_note(
        &repo,
        "date9999",
        "version: 1\nid: \"date9999\"\ntitle: x\nstatus: open\nresolved: 9999-12-31T23:59:59Z\n",
    );
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    for id in ["hour0001", "hour0002", "hour0003", "hour0004"] {
        assert!(
            out.stdout
                .contains(&format!(".incidents/{id}.yaml:6:10: error:")),
            "{id}: {}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("has no `id`"), "{}", out.stdout);
    assert!(
        out.stdout.contains("beyond the latest date"),
        "{}",
        out.stdout
    );
    let list = repo.run(&["list"]);
    assert_eq!(
        list.stderr.matches("warning: skipping").count(),
        5,
        "{}",
        list.stderr
    );
}

#[test]
fn readme_new_from_commit_with_flags_prints_the_id_without_an_editor() {
    let (repo, _) = repo_with_commit();
    let out = run_env(
        &repo,
        &[("GIT_EDITOR", "false"), ("EDITOR", "false")],
        &[
            "new",
            "--from-commit",
            "HEAD",
            "--severity",
            "sev2",
            "--tier",
            "L2",
            "--hours",
            "3",
            "--root-cause",
            "cache cold",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout.trim().len(), 8);
}

#[test]
fn init_twice_is_harmless_and_force_keeps_a_backup() {
    let (repo, _) = repo_with_commit();
    assert_eq!(repo.run(&["init"]).code, 0);
    repo.write(".incidents/config.yaml", "version: 1\nhalf_life_days: 30\n");
    let out = repo.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        repo.read(".incidents/config.yaml")
            .contains("half_life_days: 30")
    );
    assert_eq!(repo.run(&["init", "--force"]).code, 0);
    assert_eq!(
        repo.read(".incidents/config.yaml.bak"),
        "version: 1\nhalf_life_days: 30\n"
    );
}

#[test]
fn list_says_how_many_notes_were_skipped_and_takes_globs() {
    let (repo, _) = repo_with_commit();
    write_note(&repo, "brok0001", "version: 1\nid: [x\n");
    let out = repo.run(&["list"]);
    assert!(
        out.stderr.contains("no readable notes, 1 skipped"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(repo.path().join(".incidents/brok0001.yaml")).unwrap();
    let id = new_note(&repo, &["--title", "t", "--path", "src/cart.rs"]);
    let out = repo.run(&["list", "--path", "src/**"]);
    assert!(out.stdout.contains(&id), "{}", out.snapshot());
    let out = repo.run(&["list", "--path", "docs/**"]);
    assert!(!out.stdout.contains(&id));
}

#[cfg(unix)]
#[test]
fn unreadable_notes_are_named_by_every_command_and_show_agrees_with_list() {
    let (repo, _) = repo_with_commit();
    std::fs::create_dir_all(repo.path().join(".incidents")).unwrap();
    std::fs::write(
        repo.path().join(".incidents/bin00001.yaml"),
        [0xff, 0xfe, 0x00],
    )
    .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join(".incidents/link0001.yaml"))
        .unwrap();
    write_note(
        &repo,
        "mism0001",
        "version: 1\nid: \"zzzzzzzz\"\ntitle: m\nstatus: open\n",
    );
    let out = repo.run(&["validate"]);
    assert!(
        out.stdout
            .contains("bin00001.yaml:1:1: error: not UTF-8 text\n  hint:")
    );
    let out = repo.run(&["list"]);
    for f in ["bin00001", "link0001", "mism0001"] {
        assert!(
            out.stderr
                .contains(&format!("skipping .incidents/{f}.yaml")),
            "{f}: {}",
            out.stderr
        );
    }
    assert_eq!(repo.run(&["show", "mism"]).code, 2);
    let id = new_note(&repo, &["--title", "upper"]);
    let out = repo.run(&["show", &id[..4].to_ascii_uppercase()]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
}

#[test]
fn new_refuses_multi_line_titles_and_spaced_tags_but_takes_dash_led_text() {
    let (repo, _) = repo_with_commit();
    assert_eq!(repo.run(&["new", "--title", "l1\nl2"]).code, 2);
    assert_eq!(repo.run(&["new", "--title", "t", "--tag", "a b"]).code, 2);
    assert!(note_files(&repo).is_empty());
    let id = new_note(&repo, &["--title", "- dash", "--symptom", "-1 returned"]);
    let value = json(&repo.run(&["show", &id, "--format", "json"]).stdout);
    assert_eq!(value["title"], "- dash");
    assert_eq!(value["symptoms"][0], "-1 returned");
}

#[test]
fn validate_warns_about_likely_typos_of_fields_but_not_a_teams_own_fields() {
    let (repo, _) = repo_with_commit();
    write_note(
        &repo,
        "extr0001",
        "version: 1\nid: \"extr0001\"\ntitle: x\nstatus: open\ncustomer: acme\nsevrity: sev2\n",
    );
    let out = repo.run(&["validate"]);
    assert!(!out.stdout.contains("customer"), "{}", out.stdout);
    assert!(
        out.stdout.contains("unknown field `sevrity`"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("did you mean `severity`"));
}

#[test]
fn validate_reports_every_config_setting_that_cannot_work_and_others_warn_in_one_line() {
    let (repo, _) = repo_with_commit();
    repo.write(
        ".incidents/config.yaml",
        "version: 2\nfix_pattern: \"(unclosed\"\nhalf_life_days: 0\nweights:\n  regressions: -1\n",
    );
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    for expected in [
        ".incidents/config.yaml:1:1: error: unsupported config version 2",
        ".incidents/config.yaml:2:1: error: fix_pattern is not a valid regular expression: unclosed group",
        ".incidents/config.yaml:3:1: error: half_life_days is 0",
        ".incidents/config.yaml:5:3: error: weights.regressions is -1",
    ] {
        assert!(out.stdout.contains(expected), "{expected}: {}", out.stdout);
    }
    let out = repo.run(&["report"]);
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("config.yaml"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(
        warnings[0].starts_with("warning: ") && warnings[0].contains("using the default settings")
    );
}

#[test]
fn notes_validate_rejects_are_skipped_with_a_warning_by_every_other_command() {
    let (repo, _) = repo_with_commit();
    let cases = [
        (
            "vers0001",
            "version: 7\nid: \"vers0001\"\ntitle: x\nstatus: open\n",
        ),
        (
            "titl0001",
            "version: 1\nid: \"titl0001\"\ntitle: \"\"\nstatus: open\n",
        ),
        (
            "ordr0001",
            "version: 1\nid: \"ordr0001\"\ntitle: x\nstatus: resolved\nopened: 2026-09-14\nresolved: 2026-09-01\n",
        ),
        (
            "glob0001",
            "version: 1\nid: \"glob0001\"\ntitle: x\nstatus: open\npaths: [\"a[b\"]\n",
        ),
    ];
    for (id, text) in cases {
        write_note(&repo, id, text);
    }
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1);
    let out = repo.run(&["list"]);
    for (id, _) in cases {
        assert!(
            out.stderr
                .contains(&format!("warning: skipping .incidents/{id}.yaml")),
            "{id}: {}",
            out.stderr
        );
    }
    assert!(
        out.stderr.contains("no readable notes, 4 skipped"),
        "{}",
        out.stderr
    );
}

#[test]
fn validate_names_files_no_command_reads_and_a_second_document() {
    let (repo, commit) = repo_with_commit();
    repo.write(".incidents/x.yml", "version: 1\n");
    repo.write(".incidents/sub/abcd0001.yaml", "version: 1\n");
    write_note(
        &repo,
        "docs0001",
        "version: 1\nid: \"docs0001\"\ntitle: x\nstatus: open\n---\nversion: 1\n",
    );
    write_note(
        &repo,
        "reso0001",
        &format!(
            "version: 1\nid: \"reso0001\"\ntitle: x\nstatus: resolved\ncommits:\n  fixed_by: [\"{}\"]\n",
            &commit[..7]
        ),
    );
    let out = repo.run(&["validate"]);
    assert!(
        out.stdout
            .contains(".incidents/x.yml:1:1: warning: is not read"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(".incidents/sub:1:1: warning:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(".incidents/docs0001.yaml:5:1: error: a second YAML document"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            ".incidents/reso0001.yaml:4:1: warning: the note is resolved but has no `resolved` date"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("not in this repository"),
        "{}",
        out.stdout
    );
}

#[test]
fn show_and_list_json_keep_a_teams_own_fields() {
    let (repo, _) = repo_with_commit();
    write_note(
        &repo,
        "cust0001",
        "version: 1\nid: \"cust0001\"\ntitle: x\nstatus: open\ncustomer: acme\nimpact: {users: 12}\n",
    );
    let value = json(&repo.run(&["show", "cust0001", "--format", "json"]).stdout);
    assert_eq!(value["customer"], "acme");
    assert_eq!(value["impact"]["users"], 12);
    let list = json(&repo.run(&["list", "--format", "json"]).stdout);
    assert_eq!(list[0]["customer"], "acme");
    assert_eq!(list[0]["path"], ".incidents/cust0001.yaml");
}

#[test]
fn a_single_path_written_for_a_list_reads_as_a_list_of_one() {
    let (repo, _) = repo_with_commit();
    write_note(
        &repo,
        "one00001",
        "version: 1\nid: \"one00001\"\ntitle: x\nstatus: open\npaths: src/cart.rs\ntags: perf\n",
    );
    write_note(
        &repo,
        "one00002",
        "version: 1\nid: \"one00002\"\ntitle: x\nstatus: open\npaths: src/gone.rs\n",
    );
    let value = json(&repo.run(&["show", "one00001", "--format", "json"]).stdout);
    assert_eq!(value["paths"][0], "src/cart.rs");
    assert_eq!(value["tags"][0], "perf");
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stdout.contains(
            ".incidents/one00002.yaml:5:8: warning: path `src/gone.rs` matches no file at HEAD"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("has no `id`"));
}

#[test]
fn new_warns_about_values_that_are_probably_a_slip() {
    let (repo, _) = repo_with_commit();
    let out = repo.run(&[
        "new",
        "--title",
        "t",
        "--opened",
        "3026-01-01",
        "--hours",
        "1e5",
        "--fixed-by",
        "HEAD",
        "--introduced-by",
        "HEAD",
        "--status",
        "open",
    ]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    for expected in [
        "in the future",
        "person-year",
        "status is open",
        "introducing and fixing",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    let out = repo.run(&["new", "--title", "fine", "--hours", "3"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn edit_refuses_to_save_a_note_over_the_limits() {
    let (repo, _) = repo_with_commit();
    let id = new_note(&repo, &["--title", "x"]);
    let file = format!(".incidents/{id}.yaml");
    let before = repo.read(&file);
    let bomb = script(
        repo.home.path(),
        "bomb.sh",
        r#"echo 'paths:' >> "$1"; i=0; while [ $i -lt 201 ]; do echo "  - \"**/*{a,b}*$i\"" >> "$1"; i=$((i+1)); done"#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &bomb)], &["edit", &id]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("201 paths"), "{}", out.stderr);
    assert_eq!(repo.read(&file), before);
}

#[test]
fn temp_files_left_by_a_killed_run_are_swept_when_old() {
    let (repo, _) = repo_with_commit();
    repo.write(".incidents/.tmp-old.yaml.part", "");
    repo.write(".incidents/.tmp-new.yaml.part", "");
    let status = std::process::Command::new("touch")
        .args(["-d", "2000-01-01"])
        .arg(repo.path().join(".incidents/.tmp-old.yaml.part"))
        .status()
        .unwrap();
    assert!(status.success());
    new_note(&repo, &["--title", "x"]);
    assert!(!repo.path().join(".incidents/.tmp-old.yaml.part").exists());
    assert!(repo.path().join(".incidents/.tmp-new.yaml.part").exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_incidents_in_a_commit_tree_is_named_not_followed() {
    let (mut repo, _) = repo_with_commit();
    std::os::unix::fs::symlink("/tmp", repo.path().join(".incidents")).unwrap();
    let head = repo.commit("Link the notes away");
    let git = gix::open(repo.path()).unwrap();
    let oid = gix::ObjectId::from_hex(head.as_bytes()).unwrap();
    let (set, _) = git_incident::store::load_from_tree(&git, oid).unwrap();
    assert!(set.notes.is_empty());
    assert_eq!(set.warnings.len(), 1);
    assert_eq!(set.warnings[0].file, ".incidents");
}

#[test]
fn validate_lists_every_error_but_only_the_first_warnings_unless_all() {
    let mut repo = TestRepo::new();
    repo.commit_files("Init", &[("src/lib.rs", "x\n")]);
    for i in 0..25 {
        repo.write(
            &format!(".incidents/w{i:07}.yaml"),
            &format!(
                "version: 1\nid: w{i:07}\ntitle: Gone\nstatus: open\npaths:\n  - gone{i}.rs\n"
            ),
        );
    }
    repo.write(
        ".incidents/zbad0000.yaml",
        "version: 1\nid: zbad0000\ntitle: Bad\nstatus: closed\n",
    );
    let out = repo.run(&["validate"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(out.stdout.contains("zbad0000.yaml:4:"), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches(": warning: ").count(),
        20,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("... and 5 more warnings"),
        "{}",
        out.stdout
    );
    let all = repo.run(&["validate", "--all"]);
    assert_eq!(
        all.stdout.matches(": warning: ").count(),
        25,
        "{}",
        all.stdout
    );
}

#[test]
fn edit_with_a_bad_value_shows_the_line_and_a_caret_and_keeps_the_note() {
    let (repo, _) = repo_with_commit();
    let id = repo
        .run(&["new", "--title", "Crash", "--severity", "sev2"])
        .stdout;
    let id = id.trim();
    let before = repo.read(&format!(".incidents/{id}.yaml"));
    let editor = script(
        repo.home.path(),
        "bad.sh",
        r#"sed -i.bak 's/^status: open/status: closed/' "$1""#,
    );
    let out = run_env(&repo, &[("GIT_EDITOR", &editor)], &["edit", id]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr
            .starts_with(&format!("error: .git/INCIDENT_EDIT_{id}.yaml:4:9: ")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("4 │ status: closed"), "{}", out.stderr);
    assert!(out.stderr.contains("▲"), "{}", out.stderr);
    assert_eq!(repo.read(&format!(".incidents/{id}.yaml")), before);
}

/// Guards: `new --title ''` opened the editor as if no title were given, and `--hours -1`
/// was refused by the argument parser as an unknown flag `-1`.
#[test]
fn new_refuses_an_empty_title_and_negative_hours_by_name() {
    let (repo, _) = repo_with_commit();
    let out = repo.run(&["new", "--title", ""]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.contains("the title is empty"),
        "{}",
        out.snapshot()
    );
    let out = repo.run(&["new", "--title", "t", "--hours", "-1"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.contains("`-1` is negative"),
        "{}",
        out.snapshot()
    );
    assert!(note_files(&repo).is_empty());
}

/// Guards: `resolve` on a note written with CRLF line ends (a Windows editor) rewrote every
/// line with LF, so `git diff` showed the whole file changed.
#[test]
fn resolve_keeps_crlf_line_ends_of_a_hand_written_note() {
    let (repo, _) = repo_with_commit();
    let patched = write_note(
        &repo,
        "crlf0001",
        "version: 1\r\nid: \"crlf0001\"\r\n# why: the cart\r\ntitle: crlf note\r\nstatus: open\r\n",
    );
    // A block scalar cannot be patched line by line: the note is rewritten whole.
    let rewritten = write_note(
        &repo,
        "crlf0002",
        "version: 1\r\nid: \"crlf0002\"\r\ntitle: crlf note\r\nstatus: open\r\nroot_cause: |\r\n  two\r\n  lines\r\n",
    );
    for (id, path) in [("crlf0001", &patched), ("crlf0002", &rewritten)] {
        let out = repo.run(&["resolve", id, "--fixed-by", "HEAD", "--root-cause", "cause"]);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        let text = std::fs::read_to_string(repo.dir.path().join(path)).unwrap();
        assert!(text.contains("status: resolved\r\n"), "{text:?}");
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{id}: {text:?}"
        );
        let value = json(&repo.run(&["show", id, "--format", "json"]).stdout);
        assert_eq!(value["root_cause"], "cause", "{id}");
    }
    assert_eq!(repo.run(&["validate"]).code, 0);
}
