//! `check`: line hits on a fix's lines, levels and exit codes, renames and deleted files,
//! shallow clones, and the same scores with and without a cache.

use super::*;

/// A base where `lib.rs` line 3 was written by a fix, and a feature branch editing it.
pub(super) fn fix_then_edit(note_fix: bool) -> (TestRepo, String) {
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
    // Guards: text and Markdown (the PR comment's body) said "no history" with no word of
    // the cut, as if the missing history were known to be clean.
    let out = clone.run_in(
        &dest,
        &["check", "--base", "HEAD~1", "--format", "markdown"],
    );
    assert!(out.stdout.contains("History is cut at"), "{}", out.stdout);
    assert!(out.stdout.contains("fetch-depth: 0"), "{}", out.stdout);
    let out = clone.run_in(&dest, &["check", "--base", "HEAD~1"]);
    assert!(out.stdout.contains("history is cut at"), "{}", out.stdout);
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
    assert!(
        out.stderr.contains("uncommitted changes are not checked"),
        "{}",
        out.snapshot()
    );
    repo.commit_files("Fix crash", &[("lib.rs", "b\n")]);
    let swapped = repo.run(&["check", "--base", "HEAD", "--head", "HEAD~1"]);
    assert!(
        swapped.stderr.contains("did you swap --base and --head?"),
        "{}",
        swapped.snapshot()
    );
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

/// Guards: `check` without a cache (a path-limited walk) scored a file differently from `check`
/// with one (a full scan). Recency was weighed over the path-limited commits' span instead of
/// the whole history's, and a side branch that fixed a file's old name and was merged after
/// the rename was pruned from the old name's walk.
#[test]
fn check_scores_the_same_with_and_without_a_cache() {
    let mut repo = TestRepo::new();
    repo.commit_files("Initial commit", &[("README", "hello\n")]);
    // The file is born long after the root: recency must span the whole history.
    repo.clock += 1_000 * 86_400;
    repo.commit_files("Add store", &[("src/old.rs", &lines(20, "store"))]);
    let fixed = lines(20, "store").replace("line 2 of", "checked line 2 of");
    repo.commit_files("Fix crash in store", &[("src/old.rs", &fixed)]);
    repo.git(&["checkout", "-q", "-b", "side"]);
    let side = fixed.replace("line 18 of", "bounded line 18 of");
    repo.commit_files("Fix overflow in store", &[("src/old.rs", &side)]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["mv", "src/old.rs", "src/new.rs"]);
    repo.commit("Move store");
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    repo.clock += 86_400;
    let merged = repo.read("src/new.rs");
    assert!(merged.contains("bounded line 18"), "{merged}");
    repo.commit_files(
        "Fix leak in store",
        &[(
            "src/new.rs",
            &merged.replace("line 10 of", "freed line 10 of"),
        )],
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Tweak store",
        &[("src/new.rs", &(repo.read("src/new.rs") + "tweaked\n"))],
    );

    let args = ["check", "--base", "main", "--format", "json"];
    let cold = json(&repo.run(&args));
    assert!(
        !repo.path().join(".git/incident-cache").exists(),
        "the first check runs without a cache"
    );
    assert_eq!(cold["files"][0]["fix_commits"], 3, "{cold}");
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    assert!(repo.path().join(".git/incident-cache").exists());
    let warm = json(&repo.run(&args));
    assert_eq!(cold, warm);
}

/// Guards: a fix and its partial backport (same author, author time and subject; the backport
/// committed first and changing fewer files) made `check` without a cache count the fix for
/// a file only it changed, and `check` with a cache not count it at all: the later copy lost
/// its credit everywhere. Now a copy loses credit only for files an earlier copy changed.
#[test]
fn a_partial_backport_of_a_fix_does_not_hide_the_fix_from_other_files() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add parser",
        &[("a.rs", &lines(10, "a")), ("b.rs", &lines(10, "b"))],
    );
    let fixed_a = lines(10, "a").replace("line 2 of", "checked line 2 of");
    let fixed_b = lines(10, "b").replace("line 4 of", "checked line 4 of");
    let authored = format!("@{} +0000", EPOCH + repo.clock);
    repo.git(&["checkout", "-q", "-b", "maint"]);
    repo.commit_files("Fix crash in parser", &[("a.rs", &fixed_a)]);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("a.rs", &fixed_a);
    repo.write("b.rs", &fixed_b);
    repo.git(&["add", "-A"]);
    repo.git(&[
        "commit",
        "-q",
        "-m",
        "Fix crash in parser",
        "--date",
        &authored,
    ]);
    repo.clock += 86_400;
    repo.git(&["merge", "-q", "--no-edit", "maint"]);
    let ids = repo.git(&["log", "--format=%at %s", "--no-merges", "--grep=Fix"]);
    let times: Vec<&str> = ids
        .lines()
        .map(|l| l.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(times.len(), 2, "{ids}");
    assert_eq!(
        times[0], times[1],
        "both copies share the author time: {ids}"
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Tweak b", &[("b.rs", &(fixed_b.clone() + "tweak\n"))]);

    let args = ["check", "--base", "main", "--format", "json"];
    let cold = json(&repo.run(&args));
    assert_eq!(cold["files"][0]["path"], "b.rs", "{cold}");
    assert_eq!(cold["files"][0]["fix_commits"], 1, "{cold}");
    assert_eq!(fixes(&repo, "a.rs"), 1, "the copies count once for a.rs");
    let warm = json(&repo.run(&args));
    assert_eq!(cold, warm);
}

/// Guards: without a cache, a file the change itself renamed lost its fix history (the two
/// split walks saw the rename as a deletion and an addition, and the deletion ended the
/// file's lineage), so the Action said nothing on such pull requests.
#[test]
fn check_without_a_cache_follows_a_rename_made_by_the_change() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add a", &[("a.rs", &lines(10, "a"))]);
    let fixed = lines(10, "a").replace("line 2 of", "fixed line 2 of");
    repo.commit_files("Fix crash in a", &[("a.rs", &fixed)]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["mv", "a.rs", "b.rs"]);
    repo.commit_files(
        "Move a to b and tweak",
        &[(
            "b.rs",
            &fixed.replace("fixed line 2 of", "tweaked line 2 of"),
        )],
    );
    let args = ["check", "--base", "main", "--format", "json"];
    let cold = json(&repo.run(&args));
    assert_eq!(cold["files"][0]["path"], "b.rs", "{cold}");
    assert_eq!(cold["files"][0]["fix_commits"], 1, "{cold}");
    assert_eq!(cold["risk"], "medium", "{cold}");
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    assert_eq!(cold, json(&repo.run(&args)));
}

/// Guards: without a cache, renames were followed back 5 generations only, silently.
#[test]
fn check_without_a_cache_follows_a_long_rename_chain() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add f0", &[("f0.rs", &lines(10, "f"))]);
    let fixed = lines(10, "f").replace("line 2 of", "fixed line 2 of");
    repo.commit_files("Fix crash in f", &[("f0.rs", &fixed)]);
    for i in 1..=7 {
        repo.git(&["mv", &format!("f{}.rs", i - 1), &format!("f{i}.rs")]);
        repo.commit(&format!("Rename to f{i}"));
    }
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Tweak",
        &[(
            "f7.rs",
            &fixed.replace("fixed line 2 of", "tweaked line 2 of"),
        )],
    );
    let args = ["check", "--base", "main", "--format", "json"];
    let cold = json(&repo.run(&args));
    assert_eq!(cold["files"][0]["fix_commits"], 1, "{cold}");
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    assert_eq!(cold, json(&repo.run(&args)));
}

/// Guards: a hunk that rewrote ten lines, one of them a fix's, was reported as ten lines
/// "written by fix".
#[test]
fn line_hit_names_only_the_fix_lines_of_a_replaced_block() {
    let mut repo = TestRepo::new();
    let base: String = (1..=20).map(|i| format!("line {i}\n")).collect();
    repo.commit_files("Add a", &[("a.rs", &base)]);
    let fixed = base.replace("line 5\n", "fixed 5\n");
    repo.commit_files("Fix crash on line 5", &[("a.rs", &fixed)]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let edited: String = fixed
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i < 10 {
                format!("X {l}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    repo.commit_files("Prefix the first ten lines", &[("a.rs", &edited)]);
    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let hits = v["files"][0]["lines"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{v}");
    assert_eq!(hits[0]["start"], 5, "{v}");
    assert_eq!(hits[0]["end"], 5, "{v}");
}
