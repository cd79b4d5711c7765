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
        ".incidents/stat0001.yaml:4:9: error: unknown variant `closed`",
    ),
    (
        "date0001",
        "version: 1\nid: date0001\ntitle: x\nstatus: open\nopened: 2026-13-45\n",
        ".incidents/date0001.yaml:5:9: error: `2026-13-45` is not a date",
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
        "version: 1\nid: type0001\ntitle: x\nstatus: open\npaths: src/cart.rs\n",
        ".incidents/type0001.yaml:5:8: error: expected a list",
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
        "ABC",
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
    assert!(
        out.stderr.contains(&format!("{file}:4:9")),
        "{}",
        out.stderr
    );
    assert_eq!(repo.read(&file), before);
    let kept = repo.path().join(format!(".git/INCIDENT_EDIT_{id}.yaml"));
    assert!(
        std::fs::read_to_string(kept)
            .unwrap()
            .contains("status: closed")
    );
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
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--force"));
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
