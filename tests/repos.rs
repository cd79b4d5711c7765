//! Tests: the shapes a repository comes in (issue 3): `GIT_DIR`, linked worktrees, another
//! default branch, submodules and LFS pointers, `.mailmap`, blobless partial clones, and a
//! base revision that is not there.

use crate::common::*;
use serde_json::Value;

fn hotspots_json(out: &Output) -> Value {
    assert_eq!(out.code, 0, "{}", out.snapshot());
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn ranked(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

/// A small history with one fragile file, `src/parser.rs`.
fn fragile_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.commit_files("Add parser", &[("src/parser.rs", "a\nb\nc\n")]);
    repo.commit_files("Fix crash in parser", &[("src/parser.rs", "a\nB\nc\n")]);
    repo.commit_files("Fix overflow in parser", &[("src/parser.rs", "a\nB\nC\n")]);
    repo.commit_files("Add docs", &[("docs/guide.txt", "hello\n")]);
    repo
}

#[test]
fn git_dir_and_work_tree_from_the_environment() {
    let repo = fragile_repo();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(elsewhere.path())
        .env("GIT_DIR", repo.path().join(".git"))
        .env("GIT_WORK_TREE", repo.path())
        .args(["hotspots", "--format", "json"]);
    let v = hotspots_json(&run(cmd));
    assert_eq!(ranked(&v), ["src/parser.rs"]);
}

#[test]
fn linked_worktree_sees_the_same_history() {
    let repo = fragile_repo();
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        wt_path.to_str().unwrap(),
        "-b",
        "side",
    ]);
    let v = hotspots_json(&repo.run_in(&wt_path, &["hotspots", "--format", "json"]));
    assert_eq!(ranked(&v), ["src/parser.rs"]);
    // Notes written in the linked worktree land in its own work tree.
    let out = repo.run_in(
        &wt_path,
        &["new", "--title", "Parser crash", "--path", "src/parser.rs"],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let id = out.stdout.trim();
    assert!(wt_path.join(format!(".incidents/{id}.yaml")).exists());
}

#[test]
fn default_branch_other_than_main_or_master() {
    let mut repo = TestRepo::new();
    repo.git(&["checkout", "-q", "-b", "trunk"]);
    repo.commit_files("Add parser", &[("src/parser.rs", "a\n")]);
    repo.commit_files("Fix crash in parser", &[("src/parser.rs", "b\n")]);
    assert!(
        repo.git_output(&["rev-parse", "--verify", "-q", "main"])
            .stdout
            .is_empty()
    );
    let v = hotspots_json(&repo.run(&["hotspots", "--format", "json"]));
    assert_eq!(ranked(&v), ["src/parser.rs"]);
}

#[test]
fn submodule_pointers_and_lfs_pointers_count_as_touched_and_never_break_a_scan() {
    let mut sub = TestRepo::new();
    sub.commit_files("Sub", &[("lib.rs", "x\n")]);
    let mut repo = TestRepo::new();
    repo.commit_files("Init", &[("README", "r\n")]);
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        sub.path().to_str().unwrap(),
        "vendor/sub",
    ]);
    repo.commit("Add submodule");
    sub.commit_files("Sub 2", &[("lib.rs", "y\n")]);
    let sub_head = sub.git(&["rev-parse", "HEAD"]);
    let inner = repo.path().join("vendor/sub");
    let mut fetch = std::process::Command::new("git");
    hermetic_env(&mut fetch, repo.home.path());
    fetch.current_dir(&inner).args(["fetch", "-q", "origin"]);
    assert_eq!(run(fetch).code, 0);
    let mut checkout = std::process::Command::new("git");
    hermetic_env(&mut checkout, repo.home.path());
    checkout
        .current_dir(&inner)
        .args(["checkout", "-q", sub_head.trim()]);
    assert_eq!(run(checkout).code, 0);
    repo.commit("Fix crash: bump submodule");
    let lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    repo.commit_files("Fix crash: new model", &[("model.bin", lfs)]);
    let v = hotspots_json(&repo.run(&["hotspots", "--format", "json", "--all"]));
    let files = ranked(&v);
    assert!(files.contains(&"vendor/sub".to_string()), "{files:?}");
    assert!(files.contains(&"model.bin".to_string()), "{files:?}");
    let out = repo.run(&["check", "--base", "HEAD~2"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
}

#[test]
fn mailmap_is_honoured_for_authors() {
    let mut repo = fragile_repo();
    repo.commit_files(
        ".mailmap",
        &[(
            ".mailmap",
            "Ada Lovelace <ada@example.com> Ada Tester <ada@example.com>\n",
        )],
    );
    let git_repo = git_incident::repo::Repo::discover(repo.path()).unwrap();
    let config = git_incident::config::Config::default();
    let mut opts = git_incident::history::ScanOptions::from_config(&config);
    opts.use_cache = false;
    let history = git_incident::history::scan(&git_repo, &opts, &mut |_| {}).unwrap();
    assert!(!history.commits.is_empty());
    for c in &history.commits {
        assert!(c.author.starts_with("Ada Lovelace"), "{}", c.author);
    }
}

#[test]
fn blobless_partial_clone_is_handled_or_refused_clearly() {
    let mut repo = fragile_repo();
    repo.commit_files("Touch the parser", &[("src/parser.rs", "a\nB\nC\nd\n")]);
    repo.git(&["config", "uploadpack.allowfilter", "true"]);
    repo.git(&["config", "uploadpack.allowanysha1inwant", "true"]);
    let dest = tempfile::tempdir().unwrap();
    let clone = dest.path().join("clone");
    let url = format!("file://{}", repo.path().display());
    repo.git(&[
        "clone",
        "-q",
        "--filter=blob:none",
        &url,
        clone.to_str().unwrap(),
    ]);
    let v = hotspots_json(&repo.run_in(&clone, &["hotspots", "--format", "json"]));
    assert_eq!(ranked(&v), ["src/parser.rs"]);
    // `check` blames the base: in a blobless clone the blobs are fetched or the tool says
    // what to do; it never answers from missing data.
    let full = repo.run(&["check", "--base", "HEAD~1", "--format", "json"]);
    let out = repo.run_in(&clone, &["check", "--base", "HEAD~1", "--format", "json"]);
    assert!(out.code == 0 || out.code == 2, "{}", out.snapshot());
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    if out.code == 2 {
        assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    } else {
        assert_eq!(out.stdout, full.stdout);
    }
}

#[test]
fn unreachable_base_is_a_clear_error_never_a_diff_against_the_wrong_tip() {
    let repo = fragile_repo();
    let out = repo.run(&[
        "check",
        "--base",
        "0123456789abcdef0123456789abcdef01234567",
    ]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn fix_cherry_picked_without_x_counts_once() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add parser",
        &[("src/parser.rs", "a\nb\nc\n"), ("x.txt", "x\n")],
    );
    repo.git(&["checkout", "-q", "-b", "release"]);
    let fix = repo.commit_files("Fix crash in parser", &[("src/parser.rs", "a\nB\nc\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Unrelated", &[("x.txt", "y\n")]);
    repo.clock += 3600;
    repo.git(&["cherry-pick", &fix]);
    repo.clock += 86_400;
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge release", "release"]);
    let log = repo.git(&["log", "--format=%s", "--no-merges"]);
    assert_eq!(log.matches("Fix crash in parser").count(), 2, "{log}");
    let v = hotspots_json(&repo.run(&["hotspots", "--format", "json", "--all"]));
    let parser = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/parser.rs")
        .cloned()
        .unwrap();
    assert_eq!(parser["fix_commits"], 1, "{parser}");
    // The same from the warm cache.
    let again = hotspots_json(&repo.run(&["hotspots", "--format", "json", "--all"]));
    assert_eq!(again, v);
}

/// A history whose tip holds a sev1 note on `a.txt`, a broken note and a config that makes
/// `Repair` the fix pattern, then one change to both files; and a bare clone of it.
fn committed_notes_and_bare_clone() -> (TestRepo, tempfile::TempDir, std::path::PathBuf) {
    let mut repo = TestRepo::new();
    repo.commit_files("Add files", &[("a.txt", "a\n"), ("b.txt", "b\n")]);
    repo.commit_files("Repair b", &[("b.txt", "B\n")]);
    repo.commit_files(
        "Record the incident",
        &[
            (
                ".incidents/k3f9x2ab.yaml",
                "version: 1\nid: k3f9x2ab\ntitle: Crash on empty input\nstatus: resolved\nseverity: sev1\nopened: 2024-01-02T00:00:00Z\npaths: [a.txt]\n",
            ),
            (
                ".incidents/bbbbbbbb.yaml",
                "version: 1\nid: bbbbbbbb\ntitle: [unclosed\n",
            ),
            (".incidents/config.yaml", "fix_pattern: '\\bRepair\\b'\n"),
        ],
    );
    repo.commit_files("Change a and b", &[("a.txt", "a2\n"), ("b.txt", "B2\n")]);
    let dest = tempfile::tempdir().unwrap();
    let bare = dest.path().join("bare.git");
    repo.git(&[
        "clone",
        "-q",
        "--bare",
        repo.path().to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    (repo, dest, bare)
}

#[test]
fn bare_repository_ranks_with_the_committed_notes_and_config() {
    let (repo, _dest, bare) = committed_notes_and_bare_clone();
    let clone = repo.run(&["hotspots", "--all"]);
    assert_eq!(clone.code, 0, "{}", clone.snapshot());
    // The note and the config's fix pattern (`Repair b` is a fix only by it) both count, and
    // the broken note is named with its line, as from a work tree.
    assert!(
        clone.stdout.contains("incident k3f9x2ab sev1"),
        "{}",
        clone.stdout
    );
    assert!(clone.stdout.contains("b.txt"), "{}", clone.stdout);
    assert_eq!(
        clone.stderr,
        "warning: skipping .incidents/bbbbbbbb.yaml: line 3, column 8: expected string scalar\n"
    );
    for args in [
        &["hotspots", "--all"][..],
        &["hotspots", "--format", "json", "--all"],
        &["check", "--base", "HEAD~1"],
        &["check", "--base", "HEAD~1", "--fail-on", "medium"],
    ] {
        let out = repo.run_in(&bare, args);
        assert_eq!(
            out.snapshot(),
            repo.run(args).snapshot(),
            "{args:?} in the bare clone"
        );
    }
    let gate = repo.run_in(&bare, &["check", "--base", "HEAD~1", "--fail-on", "medium"]);
    assert_eq!(gate.code, 1, "{}", gate.snapshot());
    assert!(
        gate.stdout.contains("b.txt  (1 fix commit"),
        "{}",
        gate.stdout
    );
    // `--rev` ranks a commit with the notes and config it held: none before they were added.
    let before = repo.run_in(&bare, &["hotspots", "--all", "--rev", "HEAD~2"]);
    assert_eq!(
        before.snapshot(),
        "exit: 0\n--- stdout\nno file has incident or fix history\n--- stderr\n"
    );
    // Writing still needs a work tree.
    let new = repo.run_in(&bare, &["new", "--title", "x", "--path", "a.txt"]);
    assert_eq!(new.code, 2, "{}", new.snapshot());
    assert!(new.stderr.contains("bare"), "{}", new.stderr);
}
