//! Tests: the history engine and fragility (`hotspots`, `check`) on small hermetic
//! repositories built with git, plus a plausibility run on the tokio history.

use crate::common::*;
use serde_json::Value;

fn json(out: &Output) -> Value {
    assert_eq!(out.code, 0, "{}", out.snapshot());
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// The entry of `path` in `hotspots --format json --all`, if ranked.
fn hotspot(repo: &TestRepo, path: &str) -> Option<Value> {
    let v = json(&repo.run(&["hotspots", "--all", "--format", "json"]));
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .cloned()
}

fn fixes(repo: &TestRepo, path: &str) -> u64 {
    hotspot(repo, path).map_or(0, |f| f["fix_commits"].as_u64().unwrap())
}

fn lines(n: usize, tag: &str) -> String {
    (1..=n)
        .map(|i| format!("line {i} of the {tag} module, with some words\n"))
        .collect()
}

fn write_note(repo: &TestRepo, id: &str, path: &str, extra: &str) {
    repo.write(
        &format!(".incidents/{id}.yaml"),
        &format!(
            "version: 1\nid: {id}\ntitle: Crash on empty input\nstatus: resolved\nseverity: sev1\nopened: 2024-01-02T00:00:00Z\npaths:\n  - {path}\n{extra}"
        ),
    );
}

#[test]
fn rename_chain_with_edits_keeps_fix_history_like_git_log_follow() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add parser", &[("src/a.rs", &lines(30, "a"))]);
    repo.commit_files(
        "Fix crash in parser",
        &[("src/a.rs", &(lines(30, "a") + "fixed\n"))],
    );
    repo.git(&["mv", "src/a.rs", "src/b.rs"]);
    repo.commit("Move parser");
    repo.commit_files(
        "fixes #12: overflow",
        &[("src/b.rs", &(lines(30, "a") + "fixed twice\n"))],
    );
    repo.git(&["mv", "src/b.rs", "src/c.rs"]);
    repo.write(
        "src/c.rs",
        &(lines(30, "a") + "fixed twice\nand edited while renamed\n"),
    );
    repo.commit("Rename and edit parser");

    assert_eq!(fixes(&repo, "src/c.rs"), 2);
    assert!(
        hotspot(&repo, "src/a.rs").is_none(),
        "old names do not rank"
    );
    let follow = repo.git(&["log", "-M", "--follow", "--format=%s", "--", "src/c.rs"]);
    let git_fixes = follow
        .lines()
        .filter(|s| s.to_lowercase().contains("fix"))
        .count();
    assert_eq!(git_fixes, 2, "git log --follow sees the same fixes");
    let reasons = hotspot(&repo, "src/c.rs").unwrap()["reasons"].to_string();
    assert!(
        reasons.contains("src/b.rs") && reasons.contains("src/a.rs"),
        "{reasons}"
    );
}

#[test]
fn renamed_fragile_file_is_flagged_under_its_new_name() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add old", &[("src/old.rs", &lines(20, "old"))]);
    write_note(&repo, "k3f9x2ab", "src/old.rs", "");
    repo.commit("Record the incident");
    repo.git(&["mv", "src/old.rs", "src/new.rs"]);
    repo.commit("Rename old to new");
    let file = hotspot(&repo, "src/new.rs").expect("new name ranked");
    assert_eq!(file["incidents"][0], "k3f9x2ab");
}

#[test]
fn merged_side_branch_fix_counts_once() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.commit_files("Fix crash on side", &[("lib.rs", "a\nb\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Add other", &[("other.rs", "x\n")]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'fix-crash'",
        "side",
    ]);
    assert_eq!(fixes(&repo, "lib.rs"), 1);
    assert_eq!(fixes(&repo, "other.rs"), 0);
}

#[test]
fn non_fix_words_are_not_fixes() {
    let mut repo = TestRepo::new();
    for (i, msg) in [
        "Add prefix handling",
        "Update fixtures",
        "debug output",
        "Add fix_utils.rs",
    ]
    .iter()
    .enumerate()
    {
        repo.commit_files(msg, &[("x.rs", &format!("{i}\n"))]);
    }
    for (i, msg) in ["Fix crash", "fixes #12", "Bugfix: overflow"]
        .iter()
        .enumerate()
    {
        repo.commit_files(msg, &[("y.rs", &format!("{i}\n"))]);
    }
    assert_eq!(fixes(&repo, "x.rs"), 0);
    assert_eq!(fixes(&repo, "y.rs"), 3);
}

#[test]
fn reverts_and_cherry_picked_copies_are_not_new_fixes() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add z", &[("z.rs", "a\n"), ("w.rs", "a\n")]);
    repo.git(&["branch", "release"]);
    repo.commit_files("Fix crash in z", &[("z.rs", "a\nb\n")]);
    let fix = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.commit_files("Fix crash in w", &[("w.rs", "a\nb\n")]);
    repo.git(&["revert", "--no-edit", "HEAD"]);
    repo.git(&["checkout", "-q", "release"]);
    repo.git(&["cherry-pick", "-x", &fix]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-s",
        "ours",
        "-m",
        "Merge release",
        "release",
    ]);
    assert_eq!(fixes(&repo, "z.rs"), 1, "the -x copy is not a second fix");
    assert_eq!(fixes(&repo, "w.rs"), 1, "the revert is not a fix");
}

#[test]
fn shallow_clone_is_detected_and_boundary_is_not_a_root() {
    let mut origin = TestRepo::new();
    origin.commit_files("Fix crash in old", &[("old.rs", "1\n")]);
    origin.commit_files("Fix crash in keep", &[("keep.rs", "1\n")]);
    for i in 0..3 {
        origin.commit_files("Fix crash in new", &[("new.rs", &format!("{i}\n"))]);
    }
    let clone = TestRepo::new();
    let url = format!("file://{}", origin.path().display());
    let dest = clone.path().join("shallow");
    clone.git(&["clone", "-q", "--depth", "3", &url, dest.to_str().unwrap()]);
    let out = clone.run_in(&dest, &["hotspots", "--all", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stderr.contains("history is cut at"), "{}", out.stderr);
    assert!(
        out.stderr.contains("git fetch --unshallow"),
        "{}",
        out.stderr
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["history_cut_at"].is_string());
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.contains(&"old.rs"),
        "boundary commit counted as adding every file: {paths:?}"
    );
    let text = clone.run_in(&dest, &["hotspots"]);
    assert!(text.stdout.contains("history is cut at"), "{}", text.stdout);
}

#[test]
fn empty_repository_gives_a_clear_message() {
    let repo = TestRepo::new();
    let out = repo.run(&["hotspots"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("no commits yet"), "{}", out.stderr);
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
}

#[test]
fn detached_head_and_subdirectory_work() {
    let mut repo = TestRepo::new();
    repo.commit_files("Fix crash", &[("src/deep/a.rs", "1\n")]);
    repo.commit_files("Fix panic", &[("src/deep/a.rs", "2\n")]);
    let root = repo.run(&["hotspots", "--format", "json"]);
    let sub = repo.run_in(
        &repo.path().join("src/deep"),
        &["hotspots", "--format", "json"],
    );
    assert_eq!(json(&root), json(&sub));
    repo.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    assert_eq!(fixes(&repo, "src/deep/a.rs"), 1);
}

#[test]
fn warm_cache_gives_the_same_result_and_survives_corruption() {
    let mut repo = TestRepo::new();
    repo.commit_files("Fix crash", &[("a.rs", "1\n")]);
    let cold = repo.run(&["hotspots", "--format", "json"]);
    let cache = repo.path().join(".git/incident-cache/history-v1.bin");
    assert!(cache.exists());
    assert_eq!(
        repo.run(&["hotspots", "--format", "json"]).stdout,
        cold.stdout
    );
    std::fs::write(&cache, b"garbage").unwrap();
    assert_eq!(
        repo.run(&["hotspots", "--format", "json"]).stdout,
        cold.stdout
    );
    repo.commit_files("Fix panic", &[("a.rs", "2\n")]);
    assert_eq!(
        fixes(&repo, "a.rs"),
        2,
        "new commits are added to the cache"
    );
}

/// A base where `lib.rs` line 3 was written by a fix, and a feature branch editing it.
fn fix_then_edit(note_fix: bool) -> (TestRepo, String) {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add lib",
        &[("lib.rs", &lines(10, "lib")), ("other.rs", "x\n")],
    );
    let fixed = lines(10, "lib").replace("line 3 of", "guarded line 3 of");
    let fix = repo.commit_files("Fix crash on empty input", &[("lib.rs", &fixed)]);
    if note_fix {
        write_note(
            &repo,
            "a1b2c3d4",
            "docs/none.md",
            &format!("commits:\n  fixed_by: [\"{fix}\"]\n"),
        );
        repo.commit("Record the incident");
    }
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Tweak",
        &[
            ("lib.rs", &fixed.replace("guarded line 3", "tweaked line 3")),
            ("other.rs", "y\n"),
        ],
    );
    (repo, fix)
}

#[test]
fn check_flags_lines_written_by_a_fix_commit() {
    let (repo, fix) = fix_then_edit(false);
    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let lib = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "lib.rs")
        .unwrap()
        .clone();
    assert_eq!(lib["lines"][0]["start"], 3, "{v}");
    assert!(fix.starts_with(lib["lines"][0]["fix_commit"].as_str().unwrap()));
    assert_eq!(v["risk"], "medium");
    let other = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "other.rs")
        .unwrap()
        .clone();
    assert_eq!(other["level"], "none");
}

#[test]
fn check_fail_on_sets_the_exit_code() {
    let (repo, _) = fix_then_edit(false);
    assert_eq!(repo.run(&["check", "--base", "main"]).code, 0);
    assert_eq!(
        repo.run(&["check", "--base", "main", "--fail-on", "medium"])
            .code,
        1
    );
    assert_eq!(
        repo.run(&["check", "--base", "main", "--fail-on", "high"])
            .code,
        0
    );
    let (noted, _) = fix_then_edit(true);
    let out = noted.run(&["check", "--base", "main", "--fail-on", "high"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(out.stdout.contains("written by fix"), "{}", out.stdout);
    let bad = noted.run(&["check", "--base", "no-such-branch"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn tokio_hotspots_rank_plausibly() {
    let Some(path) = shared_history("tokio") else {
        return;
    };
    let mut cmd = bin();
    cmd.current_dir(&path)
        .args(["hotspots", "-n", "10", "--format", "json"]);
    let out = run(cmd);
    let v = json(&out);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 10);
    let scores: Vec<f64> = files.iter().map(|f| f["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for f in files {
        assert!(f["fix_commits"].as_u64().unwrap() >= 2, "{f}");
        assert!(!f["path"].as_str().unwrap().ends_with(".lock"));
    }
    assert!(
        files
            .iter()
            .filter(|f| f["path"].as_str().unwrap().starts_with("tokio/src/"))
            .count()
            >= 5,
        "mostly runtime source, not docs: {files:?}"
    );
}

#[test]
fn commit_over_the_rename_limit_warns() {
    let mut repo = TestRepo::new();
    let files: Vec<(String, String)> = (0..1001)
        .map(|i| (format!("old/f{i}.txt"), lines(8, &format!("file {i}"))))
        .collect();
    for (p, c) in &files {
        repo.write(p, c);
    }
    repo.commit("Add many files");
    // New base names too: git pairs files with equal base names before the limit applies.
    std::fs::remove_dir_all(repo.path().join("old")).unwrap();
    for (p, c) in &files {
        repo.write(&p.replacen("old/f", "new/g", 1), &format!("{c}edited\n"));
    }
    repo.commit("Move and edit every file");
    let out = repo.run(&["hotspots"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stderr.contains("rename detection was skipped"),
        "{}",
        out.stderr
    );
    // The warning is kept for warm runs too.
    let warm = repo.run(&["hotspots"]);
    assert!(
        warm.stderr.contains("rename detection was skipped"),
        "{}",
        warm.stderr
    );
}
