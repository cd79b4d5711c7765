//! The history-driven blame behind `check`'s line hits: a fix line reached through a merged
//! side branch, a merge's conflict resolution, a rename with edits, a line unchanged since
//! the root; each without a cache (path-limited history) and with one (whole history).

use super::*;

/// On a `feature` branch from main, rewrite line `n` of `path` (a `lines(10, tag)` file
/// with that line replaced), then run `check --base main` twice: without a cache and with
/// the one `hotspots` writes. Returns the line hits of `path` of each run.
fn hits_after_editing(repo: &mut TestRepo, path: &str, content: &str) -> Vec<Value> {
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Tweak", &[(path, content), ("unrelated.txt", "u\n")]);
    let mut runs = Vec::new();
    for run in ["path-limited", "cached"] {
        let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
        let file = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{run}: {path} not checked: {v}"))
            .clone();
        runs.push(file["lines"].clone());
        assert_eq!(repo.run(&["hotspots"]).code, 0);
    }
    runs
}

fn assert_hit(runs: &[Value], start: u64, fix: &str) {
    for (run, lines) in ["path-limited", "cached"].iter().zip(runs) {
        let hit = lines
            .as_array()
            .and_then(|l| l.iter().find(|h| h["start"] == start))
            .unwrap_or_else(|| panic!("{run}: no hit at line {start}: {lines}"));
        let blamed = hit["fix_commit"].as_str().unwrap();
        assert!(
            fix.starts_with(blamed),
            "{run}: {blamed} is not {fix}: {lines}"
        );
    }
}

#[test]
fn a_fix_line_arriving_through_a_merged_side_branch_is_blamed_on_the_fix() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add lib",
        &[("lib.rs", &lines(10, "lib")), ("other.rs", "o\n")],
    );
    repo.git(&["checkout", "-q", "-b", "topic"]);
    let fixed = with_line("lib", 4, "guarded line 4");
    let fix = repo.commit_files("Fix crash on empty input", &[("lib.rs", &fixed)]);
    repo.commit_files("Document it", &[("notes.txt", "n\n")]);
    repo.git(&["checkout", "-q", "main"]);
    // Main moves on elsewhere in the file and in other files, so the merge is a real one.
    let main_side = fixed.replace("line 9 of", "main line 9 of");
    repo.commit_files(
        "Rework tail",
        &[
            (
                "lib.rs",
                &lines(10, "lib").replace("line 9 of", "main line 9 of"),
            ),
            ("other.rs", "p\n"),
        ],
    );
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'topic'",
        "topic",
    ]);
    assert_eq!(repo.read("lib.rs"), main_side);
    repo.commit_files("Later", &[("other.rs", "q\n")]);
    let runs = hits_after_editing(
        &mut repo,
        "lib.rs",
        &main_side.replace("guarded line 4", "tweaked line 4"),
    );
    assert_hit(&runs, 4, &fix);
}

#[test]
fn a_line_written_by_a_merge_conflict_resolution_is_blamed_on_the_merge() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add lib", &[("lib.rs", &lines(10, "lib"))]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit_files("Rework", &[("lib.rs", &with_line("lib", 3, "side line 3"))]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Tune", &[("lib.rs", &with_line("lib", 3, "main line 3"))]);
    let out = repo.git_output(&["merge", "-q", "--no-ff", "topic"]);
    assert_ne!(out.code, 0, "lib.rs should conflict: {}", out.snapshot());
    let resolved = with_line("lib", 3, "resolved line 3");
    repo.write("lib.rs", &resolved);
    repo.git(&["add", "-A"]);
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "Merge branch 'topic': fix crash in parser",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let runs = hits_after_editing(
        &mut repo,
        "lib.rs",
        &resolved.replace("resolved line 3", "tweaked line 3"),
    );
    assert_hit(&runs, 3, &merge);
}

#[test]
fn a_fix_line_is_followed_through_a_rename_with_edits() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add parser", &[("src/old.rs", &lines(20, "parser"))]);
    let fixed = lines(20, "parser").replace("line 6 of", "guarded line 6 of");
    let fix = repo.commit_files("Fix overflow in parser", &[("src/old.rs", &fixed)]);
    // Renamed and edited in one commit (still similar enough to be a rename).
    repo.git(&["mv", "src/old.rs", "src/new.rs"]);
    let moved = fixed.replace("line 15 of", "moved line 15 of");
    repo.commit_files("Move parser", &[("src/new.rs", &moved)]);
    let edited = moved.replace("line 1 of", "edited line 1 of");
    repo.commit_files("Touch parser", &[("src/new.rs", &edited)]);
    let runs = hits_after_editing(
        &mut repo,
        "src/new.rs",
        &edited.replace("guarded line 6 of", "tweaked line 6 of"),
    );
    assert_hit(&runs, 6, &fix);
}

#[test]
fn a_line_unchanged_since_the_root_is_blamed_on_the_root() {
    let mut repo = TestRepo::new();
    let root = repo.commit_files(
        "Fix the build: add lib",
        &[("lib.rs", &lines(10, "lib")), ("other.rs", "o\n")],
    );
    repo.commit_files(
        "Grow lib",
        &[("lib.rs", &with_line("lib", 8, "grown line 8"))],
    );
    repo.commit_files("Other", &[("other.rs", "p\n")]);
    let runs = hits_after_editing(
        &mut repo,
        "lib.rs",
        &with_line("lib", 8, "grown line 8").replace("line 2 of", "tweaked line 2 of"),
    );
    assert_hit(&runs, 2, &root);
    // Line 8 came later, from a commit that is no fix: no hit there.
    for lines in &runs {
        assert!(
            lines.as_array().unwrap().iter().all(|h| h["start"] != 8),
            "{lines}"
        );
    }
}
