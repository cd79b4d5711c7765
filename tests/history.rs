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
    // Said once, on stderr, not again on stdout.
    let text = clone.run_in(&dest, &["hotspots"]);
    assert_eq!(
        text.stderr.matches("history is cut at").count(),
        1,
        "{}",
        text.stderr
    );
    assert!(
        !text.stdout.contains("history is cut at"),
        "{}",
        text.stdout
    );
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

#[test]
fn rename_similarity_and_fix_pattern_come_from_the_config() {
    let mut repo = TestRepo::new();
    let original = lines(10, "core");
    repo.commit_files("Fix crash in core", &[("core.rs", &original)]);
    // Keep 6 of 10 lines: about 60% similar, a rename at git's 50%, not at 90%.
    let edited: String = original
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i < 6 {
                format!("{l}\n")
            } else {
                format!("new line {i}\n")
            }
        })
        .collect();
    std::fs::remove_file(repo.path().join("core.rs")).unwrap();
    repo.commit_files("Move core", &[("engine.rs", &edited)]);
    assert_eq!(fixes(&repo, "engine.rs"), 1, "followed at 50%");

    repo.write(
        ".incidents/config.yaml",
        "rename_similarity: 90\nfix_pattern: '(?i)\\bpatch\\b'\n",
    );
    repo.commit("Configure");
    assert_eq!(
        fixes(&repo, "engine.rs"),
        0,
        "not a rename at 90%, and `Fix` is no fix any more"
    );
    repo.commit_files("Patch overflow", &[("engine.rs", &format!("{edited}x\n"))]);
    assert_eq!(fixes(&repo, "engine.rs"), 1);
}

#[test]
fn case_only_rename_keeps_history_and_deleted_files_leave_the_ranking() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Fix crash in readme parser",
        &[("Readme.md", "a\n"), ("gone.rs", "x\n")],
    );
    repo.commit_files("Fix panic in gone", &[("gone.rs", "y\n")]);
    repo.git(&["mv", "Readme.md", "README.md"]);
    repo.git(&["rm", "-q", "gone.rs"]);
    repo.commit("Rename readme, drop gone.rs");
    assert_eq!(fixes(&repo, "README.md"), 1);
    assert!(
        hotspot(&repo, "gone.rs").is_none(),
        "deleted files leave the ranking"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_binary_files_and_non_utf8_paths_never_break_a_scan() {
    use std::os::unix::ffi::OsStrExt;
    let mut repo = TestRepo::new();
    repo.commit_files("Add", &[("target.rs", "x\n")]);
    std::os::unix::fs::symlink("target.rs", repo.path().join("link.rs")).unwrap();
    std::fs::write(repo.path().join("blob.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    std::fs::write(repo.path().join(name), "x\n").unwrap();
    repo.commit("Fix crash with odd files");
    let v = json(&repo.run(&["hotspots", "--all", "--format", "json"]));
    let paths: Vec<String> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    for p in ["link.rs", "blob.bin", "caf\u{fffd}.rs"] {
        assert!(paths.iter().any(|x| x == p), "{p} missing from {paths:?}");
    }
}

#[test]
fn check_in_a_shallow_clone_says_history_is_cut() {
    let mut origin = TestRepo::new();
    for i in 0..5 {
        origin.commit_files("Fix crash", &[("a.rs", &format!("{i}\n"))]);
    }
    let clone = TestRepo::new();
    let url = format!("file://{}", origin.path().display());
    let dest = clone.path().join("shallow");
    clone.git(&["clone", "-q", "--depth", "3", &url, dest.to_str().unwrap()]);
    let out = clone.run_in(&dest, &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stderr.contains("history is cut at"), "{}", out.stderr);
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["history_cut_at"].is_string(), "{v}");
    // A base beyond the cut: say so, and how to deepen, not "unknown revision".
    let out = clone.run_in(&dest, &["check", "--base", "HEAD~4"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("shallow"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: run `git fetch --unshallow`"),
        "{}",
        out.stderr
    );
    // hotspots says the history is cut once (stderr), and no verdict from missing history.
    let out = clone.run_in(&dest, &["hotspots"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(
        out.stderr.matches("history is cut at").count(),
        1,
        "{}",
        out.snapshot()
    );
    assert!(!out.stdout.contains("history is cut at"), "{}", out.stdout);
}

#[test]
fn check_without_a_cache_follows_renames_of_the_changed_files() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add parser",
        &[("src/a.rs", &lines(20, "a")), ("x.rs", "x\n")],
    );
    repo.commit_files(
        "Fix crash in parser",
        &[("src/a.rs", &(lines(20, "a") + "fixed\n"))],
    );
    write_note(&repo, "k3f9x2ab", "src/a.rs", "");
    repo.commit("Record the incident");
    repo.git(&["mv", "src/a.rs", "src/b.rs"]);
    repo.commit("Move parser");
    repo.git(&["mv", "src/b.rs", "src/c.rs"]);
    repo.commit_files("Fix panic, move again", &[("x.rs", "y\n")]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Tweak",
        &[("src/c.rs", &(lines(20, "a") + "fixed\ntweaked\n"))],
    );
    let out = repo.run(&["check", "--base", "main", "--format", "json"]);
    assert!(
        !repo.path().join(".git/incident-cache").exists(),
        "check needs no cache"
    );
    let v = json(&out);
    let c = &v["files"][0];
    assert_eq!(c["path"], "src/c.rs", "{v}");
    assert_eq!(c["fix_commits"], 2, "{v}");
    assert_eq!(c["incidents"][0]["id"], "k3f9x2ab", "{v}");
}

#[test]
fn check_on_an_empty_range_says_nothing_changed() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    // A single-commit history, base equal to head.
    let out = repo.run(&["check", "--base", "HEAD"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains("risk: none"), "{}", out.stdout);
    assert!(out.stdout.contains("nothing changed"), "{}", out.stdout);
    repo.commit_files("Fix crash", &[("lib.rs", "b\n")]);
    // Head an ancestor of base.
    let out = repo.run(&[
        "check", "--base", "HEAD", "--head", "HEAD~1", "--format", "json",
    ]);
    let v = json(&out);
    assert_eq!(v["risk"], "none");
    assert_eq!(v["files"].as_array().unwrap().len(), 0);
    let md = repo.run(&["check", "--base", "HEAD", "--format", "markdown"]);
    assert_eq!(md.code, 0, "{}", md.snapshot());
}

#[test]
fn imported_note_and_its_fix_commit_count_once() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    let fix = repo.commit_files("Fix crash in lib", &[("lib.rs", "b\n")]);
    let before = hotspot(&repo, "lib.rs").unwrap();
    // What `import commits` writes: a note naming the fix commit, with the same paths.
    repo.write(
        ".incidents/imp00001.yaml",
        &format!(
            "version: 1\nid: imp00001\ntitle: Fix crash in lib\nstatus: resolved\nopened: 2024-01-02T00:00:00Z\nsource: commit\npaths:\n  - lib.rs\ncommits:\n  fixed_by: [\"{fix}\"]\n"
        ),
    );
    let after = hotspot(&repo, "lib.rs").unwrap();
    assert_eq!(after["score"], before["score"], "{after}");
    assert_eq!(after["fix_commits"], 1);
    assert_eq!(after["incidents"].as_array().unwrap().len(), 0);
    // A note a person wrote counts as the incident, and its fix commit is not counted again.
    write_note(
        &repo,
        "man00001",
        "lib.rs",
        &format!("commits:\n  fixed_by: [\"{fix}\"]\n"),
    );
    let manual = hotspot(&repo, "lib.rs").unwrap();
    assert_eq!(manual["fix_commits"], 0, "{manual}");
    assert_eq!(manual["incidents"][0], "man00001");
}

#[test]
fn hotspots_text_lists_at_most_three_incidents_per_file() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    for i in 0..6 {
        write_note(&repo, &format!("n000000{i}"), "lib.rs", "");
    }
    let out = repo.run(&["hotspots"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(
        out.stdout.matches("incident n0").count(),
        3,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("… and 3 more incidents"),
        "{}",
        out.stdout
    );
}

#[test]
fn hotspots_hides_level_none_rows_and_rejects_limit_zero() {
    let mut repo = TestRepo::new();
    repo.commit_files("Fix crash in a", &[("a.rs", "a\n")]);
    for i in 0..30 {
        repo.commit_files("Add more", &[("b.rs", &format!("{i}\n"))]);
    }
    let out = repo.run(&["hotspots"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(!out.stdout.contains("none"), "{}", out.stdout);
    assert!(out.stdout.contains("see --all"), "{}", out.stdout);
    assert!(hotspot(&repo, "a.rs").is_some(), "--all still lists it");
    assert_eq!(repo.run(&["hotspots", "-n", "0"]).code, 2);
}

#[test]
fn check_row_gives_the_reason_when_lines_raise_the_level() {
    let (repo, fix) = fix_then_edit(false);
    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("lib.rs"))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains("(1 fix commit;"), "{}", out.stdout);
    assert!(
        row.contains(&format!("edits lines fix {} wrote", &fix[..8])),
        "{row}"
    );
}

#[test]
fn check_names_files_with_old_fix_history() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add a", &[("a.rs", &lines(10, "a"))]);
    repo.commit_files("Fix off-by-one", &[("a.rs", &(lines(10, "a") + "x\n"))]);
    for i in 0..30 {
        repo.commit_files("Add more", &[("b.rs", &format!("{i}\n"))]);
    }
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit a", &[("a.rs", &(lines(10, "a") + "x\ny\n"))]);
    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains("old fix history"), "{}", out.stdout);
    assert!(out.stdout.contains("a.rs (1 fix commit)"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("no incident or fix history"),
        "{}",
        out.stdout
    );
}

#[test]
fn markdown_outputs_escape_text_quoted_from_notes() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", &lines(5, "lib"))]);
    repo.write(
        ".incidents/evil0001.yaml",
        "version: 1\nid: evil0001\ntitle: \"@octocat <img src=x onerror=alert(1)> **bold** [x](http://evil) | pipe\"\nstatus: resolved\nseverity: sev1\nopened: 2024-01-02T00:00:00Z\npaths:\n  - lib.rs\n",
    );
    // No decay, so the incident alone flags the file whatever today's date.
    repo.write(".incidents/config.yaml", "half_life_days: 1000000\n");
    repo.commit("Record");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit", &[("lib.rs", &lines(6, "lib"))]);
    for args in [
        &["hotspots", "--format", "markdown"][..],
        &["check", "--base", "main", "--format", "markdown"][..],
    ] {
        let out = repo.run(args);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        assert!(out.stdout.contains("octocat"), "{}", out.stdout);
        for raw in ["@octocat", "<img", "**bold**", "[x](", " | pipe"] {
            assert!(
                !out.stdout.contains(raw),
                "{args:?} kept {raw}: {}",
                out.stdout
            );
        }
    }
}

#[test]
fn hostile_glob_notes_compile_each_glob_once_and_stay_bounded() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("src/lib.rs", "a\n")]);
    // Fifteen notes at the store's limit of paths, 2,985 distinct complex globs in all (past
    // the cap of compiled globs), each note also naming the plain directory `src`.
    let ids: Vec<String> = (0..15).map(|i| format!("bomb{i:04}")).collect();
    for (n, id) in ids.iter().enumerate() {
        let globs: String = (0..199)
            .map(|i| format!("  - \"**/*{{a,b,c}}*[!x]*{}**/**\"\n", n * 199 + i))
            .collect();
        write_note(&repo, id, "src", "tags: []\n");
        let text = repo.read(&format!(".incidents/{id}.yaml"));
        let text = text.replace("paths:\n  - src\n", &format!("paths:\n  - src\n{globs}"));
        repo.write(&format!(".incidents/{id}.yaml"), &text);
    }
    let file = hotspot(&repo, "src/lib.rs").expect("ranked through the directory path");
    assert_eq!(file["incidents"].as_array().unwrap().len(), 15, "{file}");
}

#[test]
fn errors_are_one_line_and_a_hint() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    let out = repo.run(&["check", "--base", "HEAD~99999"]);
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("caused by"), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: unknown revision"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("\nhint: "), "{}", out.stderr);
    let out = repo.run(&["-C", "/nonexistent/dir", "hotspots"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no such directory"), "{}", out.stderr);
}

#[test]
fn repository_owned_by_another_user_gets_the_safe_directory_hint() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", "a\n")]);
    // Only root can give the repository away; elsewhere there is nothing to test.
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return;
    }
    let chown = std::process::Command::new("chown")
        .args(["-R", "65534"])
        .arg(repo.path())
        .status()
        .unwrap();
    assert!(chown.success());
    let out = repo.run(&["hotspots"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("dubious ownership"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("git config --global --add safe.directory"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_flags_a_deleted_file_with_fix_history_in_every_format() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add lib",
        &[
            ("lib.rs", &lines(10, "lib")),
            ("other.rs", "x\n"),
            ("gone.rs", "y\n"),
        ],
    );
    let fixed = lines(10, "lib").replace("line 3 of", "guarded line 3 of");
    let fix = repo.commit_files("Fix crash on empty input", &[("lib.rs", &fixed)]);
    write_note(
        &repo,
        "a1b2c3d4",
        "lib.rs",
        &format!("commits:\n  fixed_by: [\"{fix}\"]\n"),
    );
    repo.commit("Record the incident");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["rm", "-q", "lib.rs", "gone.rs"]);
    repo.commit_files("Remove lib", &[("other.rs", "z\n")]);

    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let files = v["files"].as_array().unwrap();
    let lib = files.iter().find(|f| f["path"] == "lib.rs").unwrap();
    assert_eq!(lib["deleted"], true, "{v}");
    assert_eq!(lib["level"], "high", "{v}");
    assert_eq!(lib["incidents"][0]["id"], "a1b2c3d4", "{v}");
    assert_eq!(lib["lines"][0]["start"], 3, "{v}");
    assert_eq!(lib["lines"][0]["end"], 3, "{v}");
    assert_eq!(lib["lines"][0]["incidents"][0], "a1b2c3d4", "{v}");
    assert!(fix.starts_with(lib["lines"][0]["fix_commit"].as_str().unwrap()));
    assert_eq!(v["risk"], "high");

    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains("lib.rs (deleted)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("deletes line 3 written by fix"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("incident a1b2c3d4"), "{}", out.stdout);
    // Every changed file is accounted for: the edited and the deleted file without history.
    assert!(
        out.stdout
            .contains("2 other changed files have no incident or fix history"),
        "{}",
        out.stdout
    );

    let out = repo.run(&["check", "--base", "main", "--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains("(deleted)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("deletes line 3 written by fix"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("a1b2c3d4"), "{}", out.stdout);
}

#[test]
fn line_hit_names_only_the_incidents_whose_fixed_by_holds_that_fix() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", &lines(10, "lib"))]);
    let guarded = lines(10, "lib").replace("line 3 of", "guarded line 3 of");
    let fix = repo.commit_files("Fix crash on empty input", &[("lib.rs", &guarded)]);
    let both = guarded.replace("line 7 of", "patched line 7 of");
    let other_fix = repo.commit_files("Fix a leak", &[("lib.rs", &both)]);
    let all = both.replace("line 9 of", "bounded line 9 of");
    let imported_fix = repo.commit_files("Fix overflow", &[("lib.rs", &all)]);
    // An imported note counts once, as its fix commit, but still names that fix's lines.
    repo.write(
        ".incidents/m3n4p5q6.yaml",
        &format!("version: 1\nid: m3n4p5q6\ntitle: Fix overflow\nstatus: resolved\nsource: commit\nopened: 2024-01-04T00:00:00Z\npaths:\n  - lib.rs\ncommits:\n  fixed_by: [\"{imported_fix}\"]\n"),
    );
    // The note names the first fix by an abbreviated id; a second note on the same file
    // names no fix commit and must not be quoted for either range.
    write_note(
        &repo,
        "a1b2c3d4",
        "lib.rs",
        &format!("commits:\n  fixed_by: [\"{}\"]\n", &fix[..9]),
    );
    repo.write(
        ".incidents/zz9yy8xx.yaml",
        "version: 1\nid: zz9yy8xx\ntitle: Unrelated outage\nstatus: resolved\nseverity: sev1\nopened: 2024-01-03T00:00:00Z\npaths:\n  - lib.rs\n",
    );
    repo.commit("Record the incidents");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let edited = all
        .replace("guarded line 3", "tweaked line 3")
        .replace("patched line 7", "tweaked line 7")
        .replace("bounded line 9", "tweaked line 9");
    repo.commit_files("Tweak", &[("lib.rs", &edited)]);

    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let lib = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "lib.rs")
        .unwrap()
        .clone();
    let hits = lib["lines"].as_array().unwrap();
    assert_eq!(hits.len(), 3, "{v}");
    assert!(
        imported_fix.starts_with(hits[2]["fix_commit"].as_str().unwrap()),
        "{v}"
    );
    assert_eq!(hits[2]["incidents"], serde_json::json!(["m3n4p5q6"]), "{v}");
    assert!(
        fix.starts_with(hits[0]["fix_commit"].as_str().unwrap()),
        "{v}"
    );
    assert_eq!(hits[0]["incidents"], serde_json::json!(["a1b2c3d4"]), "{v}");
    assert!(
        other_fix.starts_with(hits[1]["fix_commit"].as_str().unwrap()),
        "{v}"
    );
    assert!(hits[1].get("incidents").is_none(), "{v}");

    for format in ["text", "markdown"] {
        let out = repo.run(&["check", "--base", "main", "--format", format]);
        assert_eq!(out.code, 0, "{}", out.snapshot());
        let first = out.stdout.lines().find(|l| l.contains("line 3")).unwrap();
        assert!(first.contains("a1b2c3d4"), "{}", out.stdout);
        assert!(!first.contains("zz9yy8xx"), "{}", out.stdout);
        let second = out.stdout.lines().find(|l| l.contains("line 7")).unwrap();
        assert!(!second.contains("incident"), "{}", out.stdout);
        let third = out.stdout.lines().find(|l| l.contains("line 9")).unwrap();
        assert!(third.contains("m3n4p5q6"), "{}", out.stdout);
        assert!(!third.contains("a1b2c3d4"), "{}", out.stdout);
    }
}

#[test]
fn blobless_clone_check_matches_a_full_clone_or_says_it_cannot() {
    let (origin, _fix) = fix_then_edit(true);
    origin.git(&["config", "uploadpack.allowfilter", "true"]);
    origin.git(&["config", "uploadpack.allowanysha1inwant", "true"]);
    let url = format!("file://{}", origin.path().display());
    let clones = TestRepo::new();
    let full = clones.path().join("full");
    let blobless = clones.path().join("blobless");
    clones.git(&["clone", "-q", &url, full.to_str().unwrap()]);
    let orphan = clones.path().join("orphan");
    for dest in [&blobless, &orphan] {
        clones.git(&[
            "clone",
            "-q",
            "--filter=blob:none",
            &url,
            dest.to_str().unwrap(),
        ]);
    }
    let args = [
        "check",
        "--base",
        "origin/main",
        "--head",
        "origin/feature",
        "--format",
        "json",
    ];
    let expected = clones.run_in(&full, &args);
    assert_eq!(expected.code, 0, "{}", expected.snapshot());
    assert!(expected.stdout.contains("\"lines\""), "{}", expected.stdout);
    // The blobs blame needs are fetched from the promisor remote: the same findings.
    let out = clones.run_in(&blobless, &args);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout, expected.stdout);
    // A promisor remote that is gone: no silent "nothing found", an error and the way out.
    std::fs::rename(origin.path(), clones.path().join("moved")).unwrap();
    let out = clones.run_in(&orphan, &args);
    let _keep = origin;
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("partial clone"), "{}", out.stderr);
    assert!(out.stderr.contains("git fetch --refetch"), "{}", out.stderr);
}

/// `lines(10, tag)` with line `n` replaced by `text`.
fn with_line(tag: &str, n: usize, text: &str) -> String {
    lines(10, tag)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == n {
                format!("{text}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// A merge of branch `branch` into main with a conflict: both sides edit line 3 of lib.rs,
/// both edit both.rs far apart (git merges it cleanly), only the branch edits clean.rs. The
/// merge resolves lib.rs and also edits evil.rs, which neither side touched (an evil merge),
/// and is committed with `message`. Returns the repository and the merge's id.
fn conflicted_merge(branch: &str, side_message: &str, message: &str) -> (TestRepo, String) {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add modules",
        &[
            ("lib.rs", &lines(10, "lib")),
            ("both.rs", &lines(10, "both")),
            ("clean.rs", &lines(10, "clean")),
            ("evil.rs", &lines(10, "evil")),
        ],
    );
    repo.git(&["checkout", "-q", "-b", branch]);
    repo.commit_files(
        side_message,
        &[
            ("lib.rs", &with_line("lib", 3, "side line 3")),
            ("both.rs", &with_line("both", 1, "side line 1")),
            ("clean.rs", &with_line("clean", 5, "side line 5")),
        ],
    );
    repo.git(&["checkout", "-q", "main"]);
    let mut both = with_line("both", 1, "side line 1");
    both = both.replace("line 10 of", "main line 10 of");
    repo.commit_files(
        "Tune modules",
        &[
            ("lib.rs", &with_line("lib", 3, "main line 3")),
            (
                "both.rs",
                &lines(10, "both").replace("line 10 of", "main line 10 of"),
            ),
        ],
    );
    let out = repo.git_output(&["merge", "-q", "--no-ff", branch]);
    assert_ne!(out.code, 0, "lib.rs should conflict: {}", out.snapshot());
    assert_eq!(repo.read("both.rs"), both, "both.rs merges cleanly");
    repo.write("lib.rs", &with_line("lib", 3, "resolved line 3"));
    repo.write("evil.rs", &with_line("evil", 5, "evil line 5"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", message]);
    repo.clock += 86_400;
    let id = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    (repo, id)
}

#[test]
fn a_fix_in_a_merge_conflict_resolution_counts_for_the_resolved_files_only() {
    for message in [
        "Merge branch 'topic': fix crash in parser",
        "Merge branch 'topic'\n\nFixes: #12 crash in parser",
    ] {
        let (repo, _) = conflicted_merge("topic", "Rework modules", message);
        // Twice: the first run is cold, the second reads the caches.
        for run in ["cold", "warm"] {
            assert_eq!(fixes(&repo, "lib.rs"), 1, "{message:?} {run}: conflicted");
            assert_eq!(fixes(&repo, "evil.rs"), 1, "{message:?} {run}: evil");
            assert_eq!(
                fixes(&repo, "both.rs"),
                0,
                "{message:?} {run}: merged cleanly"
            );
            assert_eq!(fixes(&repo, "clean.rs"), 0, "{message:?} {run}: one side");
        }
    }
}

#[test]
fn a_generated_merge_subject_is_no_fix_even_for_a_fix_branch() {
    // `fix/crash`, not `fix-crash`: the default pattern sees no fix word in `fix-crash`.
    for message in [
        "Merge branch 'fix/crash'",
        "Merge pull request #7 from ada/fix/crash",
    ] {
        let (repo, _) = conflicted_merge("fix/crash", "Fix crash in lib", message);
        assert_eq!(
            fixes(&repo, "lib.rs"),
            1,
            "{message:?}: the branch's fix, once"
        );
        assert_eq!(fixes(&repo, "clean.rs"), 1, "{message:?}: the branch's fix");
        assert_eq!(
            fixes(&repo, "evil.rs"),
            0,
            "{message:?}: the merge is no fix"
        );
    }
}

#[test]
fn a_new_fix_pattern_resolves_merges_the_warm_cache_has_not_seen() {
    let (mut repo, _) = conflicted_merge("topic", "Rework modules", "Merge 'topic', hardening lib");
    assert_eq!(
        fixes(&repo, "lib.rs"),
        0,
        "not a fix by the default pattern"
    );
    repo.commit_files(
        "Configure",
        &[(".incidents/config.yaml", "fix_pattern: '(?i)\\bharden'\n")],
    );
    assert_eq!(fixes(&repo, "lib.rs"), 1);
    assert_eq!(fixes(&repo, "both.rs"), 0);
    assert!(
        repo.path()
            .join(".git/incident-cache/merges-v1.bin")
            .exists()
    );
}

#[test]
fn check_flags_lines_written_by_a_fix_merge_resolution() {
    let (mut repo, merge) = conflicted_merge(
        "topic",
        "Rework modules",
        "Merge branch 'topic': fix crash in parser",
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Tweak",
        &[
            ("lib.rs", &with_line("lib", 3, "tweaked line 3")),
            ("both.rs", &lines(10, "both")),
        ],
    );
    // First without a cache (a path-limited scan), then with the one `hotspots` writes.
    for run in ["path-limited", "cached"] {
        let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
        let file = |path: &str| {
            v["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"] == path)
                .unwrap()
                .clone()
        };
        let lib = file("lib.rs");
        assert_eq!(lib["fix_commits"], 1, "{run}: {v}");
        assert_eq!(lib["lines"][0]["start"], 3, "{run}: {v}");
        let blamed = lib["lines"][0]["fix_commit"].as_str().unwrap();
        assert!(merge.starts_with(blamed), "{run}: {v}");
        assert_eq!(file("both.rs")["level"], "none", "{run}: {v}");
        assert_eq!(file("both.rs")["fix_commits"], 0, "{run}: {v}");
        assert_eq!(repo.run(&["hotspots"]).code, 0);
    }
}

#[test]
fn import_commits_turns_a_fix_merge_into_a_note_on_its_resolved_files() {
    let (repo, merge) = conflicted_merge(
        "topic",
        "Rework modules",
        "Merge branch 'topic': fix crash in parser",
    );
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let mut found = false;
    for entry in std::fs::read_dir(repo.path().join(".incidents")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        if text.contains(&merge) {
            found = true;
            assert!(
                text.contains("lib.rs") && text.contains("evil.rs"),
                "{text}"
            );
            assert!(
                !text.contains("both.rs") && !text.contains("clean.rs"),
                "{text}"
            );
        }
    }
    assert!(found, "{}", out.snapshot());
}
