//! History scans through `hotspots`: renames, merges, reverts and copies, the fix pattern,
//! odd file kinds, and a plausibility run on the tokio history.

use super::*;

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

/// `report` ranks files at a period's start from the end's history cut down to the start
/// (`History::into_ancestors`) rather than a second scan: the two must agree, including the
/// decisions that depend on which commits exist (a copy counts while its source is not yet
/// merged) and the files that can rank (those at the start).
#[test]
fn history_cut_to_an_older_commit_equals_a_scan_from_it() {
    use git_incident::history::{self, ScanOptions};
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", &lines(10, "lib")), ("x.rs", "x\n")]);
    repo.git(&["checkout", "-q", "-b", "side"]);
    let picked = repo.commit_files(
        "Fix crash in lib",
        &[(
            "lib.rs",
            &lines(10, "lib").replace("line 2 of", "fixed line 2 of"),
        )],
    );
    let copied = repo.commit_files("Fix leak in x", &[("x.rs", "y\n")]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["cherry-pick", "-x", &picked]);
    repo.git(&["cherry-pick", &copied]);
    let start = repo.commit_files("Add gone", &[("gone.rs", "g\n")]);
    repo.git(&["rm", "-q", "gone.rs"]);
    repo.commit("Fix build: drop gone.rs");
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    repo.commit_files(
        "Fix typo in lib",
        &[("lib.rs", &(repo.read("lib.rs") + "z\n"))],
    );

    let git = git_incident::repo::Repo::discover(repo.path()).unwrap();
    let config = git_incident::config::Config::default();
    let scan = |rev: &str| {
        let mut opts = ScanOptions::from_config(&config);
        opts.rev = Some(rev.to_string());
        opts.use_cache = false;
        history::scan(&git, &opts, &mut |_| {}).unwrap()
    };
    let view = |h: &history::History| {
        let commits: Vec<String> = h
            .commits
            .iter()
            .map(|c| format!("{} {} {} {:?}", c.id, c.summary(), c.is_fix, c.changes))
            .collect();
        (commits, h.files.clone(), h.tip, h.span)
    };
    let start_id = gix::ObjectId::from_hex(start.as_bytes()).unwrap();
    let derived = scan("HEAD")
        .into_ancestors(&git, start_id, &config.fix_pattern)
        .unwrap()
        .expect("the start is an ancestor");
    let direct = scan(&start);
    assert_eq!(view(&derived), view(&direct));
    // The copies were the only evidence at the start, and are not at the end.
    let fixes = |h: &history::History| h.commits.iter().filter(|c| c.is_fix).count();
    assert_eq!(fixes(&direct), 2, "{:#?}", view(&direct).0);
    assert!(direct.files.iter().any(|f| f == "gone.rs"));
}

/// Guards: a file renamed away from a name that a merge later filled again (a subtree merged
/// in, whose own `README.md` was moved aside) kept lending its older commits to the file now
/// at that name, with a cache; `check` without one saw the rename as a deletion and did not.
#[test]
fn a_name_renamed_away_and_filled_by_a_merge_keeps_only_its_own_history() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add readme", &[("README.md", &lines(10, "readme"))]);
    repo.git(&["checkout", "-q", "--orphan", "sub"]);
    repo.git(&["rm", "-q", "-r", "--cached", "."]);
    std::fs::remove_file(repo.path().join("README.md")).unwrap();
    repo.commit_files("Add sub", &[("README.md", &lines(12, "sub"))]);
    repo.commit_files(
        "Fix typo in sub README",
        &[(
            "README.md",
            &lines(12, "sub").replace("line 3 of", "the line 3 of"),
        )],
    );
    repo.git(&["mv", "README.md", "SUB.md"]);
    repo.commit("Move the sub readme aside");
    repo.git(&["checkout", "-q", "main"]);
    let fixed = lines(10, "readme").replace("line 2 of", "linked line 2 of");
    repo.commit_files("Fix link in README", &[("README.md", &fixed)]);
    repo.git(&[
        "merge",
        "-q",
        "--no-edit",
        "--allow-unrelated-histories",
        "sub",
    ]);
    repo.clock += 86_400;
    repo.git(&["rm", "-q", "SUB.md"]);
    repo.commit("Drop the sub readme");
    assert_eq!(fixes(&repo, "README.md"), 1, "only main's own fix");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit readme", &[("README.md", &(fixed + "more\n"))]);
    let args = ["check", "--base", "main", "--format", "json"];
    std::fs::remove_dir_all(repo.path().join(".git/incident-cache")).unwrap();
    let cold = json(&repo.run(&args));
    assert_eq!(cold["files"][0]["fix_commits"], 1, "{cold}");
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    assert_eq!(cold, json(&repo.run(&args)));
}
