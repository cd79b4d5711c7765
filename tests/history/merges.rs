//! Fixes made in a merge's conflict resolution: which merges count, for which files, and how
//! `check` and `import commits` see them.

use super::*;

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
