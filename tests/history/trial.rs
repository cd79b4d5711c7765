//! Regressions found by a new user's trial on real and hand-built repositories (history
//! order, the cache's integrity and key, the rename limit in `check`, large changes).

use super::*;

/// Guards: with every commit in the same second, the union of two path-limited walks was
/// ordered by commit time alone, so a file's birth could come before a later fix of it and
/// `check` lost that fix (`hotspots` counted it).
#[test]
fn check_counts_a_fix_made_in_the_same_second_as_the_files_birth() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("b.txt", &lines(10, "b"))],
    );
    repo.clock -= 86_400;
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.commit_files(
        "Fix crash in a",
        &[
            ("a.txt", &with_line("a", 5, "A5")),
            ("b.txt", &with_line("b", 5, "B5")),
        ],
    );
    repo.clock -= 86_400;
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files(
        "Same edit of a, made on main",
        &[("a.txt", &with_line("a", 5, "A5"))],
    );
    repo.clock -= 86_400;
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Edit a and b",
        &[
            (
                "a.txt",
                &with_line("a", 5, "A5").replace("line 9 of", "nine of"),
            ),
            (
                "b.txt",
                &with_line("b", 5, "B5").replace("line 9 of", "nine of"),
            ),
        ],
    );
    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let b = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "b.txt");
    assert_eq!(b.map(|f| f["fix_commits"].clone()), Some(1.into()), "{v}");
}

/// Guards: `check` said nothing when git skipped rename detection in a commit that renamed
/// a changed file, and reported the file as having no history.
#[test]
fn check_warns_when_rename_detection_was_skipped() {
    let mut repo = TestRepo::new();
    let files: Vec<(String, String)> = (1..=5)
        .map(|i| (format!("f{i}.txt"), lines(20, &format!("f{i}"))))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    repo.commit_files("Initial commit", &refs);
    for i in 1..=5 {
        // Renames with edits: exact renames are found whatever the limit.
        let old = format!("f{i}.txt");
        repo.git(&["mv", &old, &format!("g{i}.txt")]);
        let text = repo.read(&format!("g{i}.txt")) + "edited\n";
        repo.write(&format!("g{i}.txt"), &text);
    }
    repo.commit("Move all");
    repo.commit_files(
        ".incidents/config.yaml",
        &[(".incidents/config.yaml", "version: 1\nrename_limit: 2\n")],
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit g1", &[("g1.txt", &(repo.read("g1.txt") + "more\n"))]);
    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stderr.contains("rename detection was skipped"),
        "{}",
        out.snapshot()
    );
}

/// Guards: one flipped bit in the cache changed scores silently (no checksum).
#[test]
fn a_damaged_cache_is_rebuilt_not_believed() {
    let mut repo = TestRepo::new();
    for i in 1..=6 {
        repo.commit_files(&format!("Fix crash {i}"), &[("a.txt", &lines(i, "a"))]);
    }
    let before = repo.run(&["hotspots", "--format", "json"]);
    let file = repo.path().join(".git/incident-cache/history-v1.bin");
    let good = std::fs::read(&file).unwrap();
    for at in (0..good.len()).step_by(7) {
        let mut bad = good.clone();
        bad[at] ^= 0x04;
        std::fs::write(&file, &bad).unwrap();
        let after = repo.run(&["hotspots", "--format", "json"]);
        assert_eq!(before.stdout, after.stdout, "flip at byte {at}");
    }
}

/// Guards: a new `.mailmap` did not invalidate the cache, so a warm run counted people (and
/// copies of a fix, which are told apart by author) differently from a cold one.
#[test]
fn a_changed_mailmap_rebuilds_the_cache() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("b.txt", "b\n")],
    );
    let date = format!("@{} +0000", 1_700_000_000);
    let copy = |name: &str, email: &str, file: &str, text: &str| {
        repo.write(file, text);
        repo.git(&["add", "-A"]);
        repo.git(&[
            "-c",
            &format!("user.name={name}"),
            "-c",
            &format!("user.email={email}"),
            "commit",
            "-q",
            "-m",
            "Fix crash in a",
            &format!("--date={date}"),
            &format!("--author={name} <{email}>"),
        ]);
    };
    copy("bob old", "bob@old", "a.txt", &with_line("a", 2, "two"));
    copy(
        "Bob New",
        "bob@new",
        "a.txt",
        &with_line("a", 2, "two").replace("line 3 of", "three of"),
    );
    let cold_before = fixes(&repo, "a.txt");
    assert_eq!(cold_before, 2);
    repo.commit_files(
        ".mailmap",
        &[(".mailmap", "Bob New <bob@new> bob old <bob@old>\n")],
    );
    let warm = fixes(&repo, "a.txt");
    std::fs::remove_dir_all(repo.path().join(".git/incident-cache")).unwrap();
    let cold = fixes(&repo, "a.txt");
    assert_eq!(warm, cold);
}

/// Commit every file of `names` with the content `content` gives it.
fn commit_each(
    repo: &mut TestRepo,
    message: &str,
    names: &[String],
    content: impl Fn(&str) -> String,
) {
    let files: Vec<(String, String)> = names.iter().map(|n| (n.clone(), content(n))).collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    repo.commit_files(message, &refs);
}

/// Guards: a change touching hundreds of files read each file's history with a path-limited
/// walk and blamed every file with history (git.git, 167 files: over two minutes). Past 40
/// files the whole history is read once (through the cache); on a long history only the
/// highest-scoring files are blamed (`most_blamed`, unit-tested), on a short one all are.
#[test]
fn a_large_change_is_scored_from_the_whole_history() {
    let mut repo = TestRepo::new();
    let names: Vec<String> = (0..45).map(|i| format!("src/m{i:02}.rs")).collect();
    commit_each(&mut repo, "Initial commit", &names, |n| lines(10, n));
    commit_each(&mut repo, "Fix crash everywhere", &names, |n| {
        with_line(n, 3, "checked")
    });
    repo.git(&["checkout", "-q", "-b", "feature"]);
    commit_each(&mut repo, "Edit everything", &names, |n| {
        with_line(n, 3, "checked again")
    });
    let out = repo.run(&["check", "--base", "main", "--format", "json"]);
    let v = json(&out);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 45, "{v}");
    assert!(files.iter().all(|f| f["fix_commits"] == 1), "{v}");
    let blamed = files
        .iter()
        .filter(|f| f["lines"].as_array().is_some_and(|l| !l.is_empty()))
        .count();
    assert_eq!(blamed, 45, "{v}");
    assert!(v.get("warnings").is_none(), "{v}");
    assert!(
        repo.path().join(".git/incident-cache").exists(),
        "a large change reads the whole history through the cache"
    );
}

/// Guards: a fix cherry-picked onto another branch with a reworded subject ("... (backport
/// to main)") kept its author, author time and patch, yet counted as a second fix.
#[test]
fn a_reworded_cherry_pick_of_a_fix_counts_once() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("b.txt", &lines(10, "b"))],
    );
    repo.git(&["checkout", "-q", "-b", "rel"]);
    repo.commit_files(
        "Fix crash in a",
        &[("a.txt", &with_line("a", 4, "checked"))],
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Unrelated", &[("b.txt", &with_line("b", 2, "two"))]);
    repo.git(&["cherry-pick", "rel"]);
    repo.git(&[
        "commit",
        "-q",
        "--amend",
        "-m",
        "Fix crash in a (backport to main)",
    ]);
    repo.clock += 86_400;
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "rel"]);
    assert_eq!(fixes(&repo, "a.txt"), 1);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files(
        "Edit a",
        &[(
            "a.txt",
            &with_line("a", 4, "checked").replace("line 9 of", "nine of"),
        )],
    );
    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    assert_eq!(v["files"][0]["fix_commits"], 1, "{v}");
}

/// Guards: `import commits` in a repository with no commits said "unknown revision `HEAD`"
/// where every other command says there are no commits yet.
#[test]
fn import_in_an_empty_repository_says_there_are_no_commits_yet() {
    let repo = TestRepo::new();
    let out = repo.run(&["import", "commits"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("no commits yet"), "{}", out.snapshot());
}

/// Guards: a base on an unrelated (orphan) history got the hint about shallow clones in a
/// repository that is not shallow.
#[test]
fn an_unrelated_base_is_not_blamed_on_a_shallow_clone() {
    let mut repo = TestRepo::new();
    repo.commit_files("Initial commit", &[("a.txt", "a\n")]);
    repo.git(&["checkout", "-q", "--orphan", "lonely"]);
    repo.git(&["rm", "-q", "-rf", "."]);
    repo.commit_files("Orphan", &[("q.txt", "q\n")]);
    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.contains("share no history"),
        "{}",
        out.snapshot()
    );
    assert!(
        out.stderr.contains("unrelated histories"),
        "{}",
        out.snapshot()
    );
    assert!(!out.stderr.contains("unshallow"), "{}", out.snapshot());
}

/// Guards: the cache was always written 0600, so in a shared repository (or after a run by
/// root) the other users could never read it and warned on every run.
#[cfg(unix)]
#[test]
fn the_cache_is_as_readable_as_the_repository() {
    use std::os::unix::fs::PermissionsExt;
    let mut repo = TestRepo::new();
    repo.commit_files("Fix crash", &[("a.txt", "a\n")]);
    let config = repo.path().join(".git/config");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    let cache = repo.path().join(".git/incident-cache/history-v1.bin");
    let mode = std::fs::metadata(cache).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}

/// Guards: recency was weighed over the oldest and newest commit time, so one merged commit
/// with a wrong clock (2099, or 1971) squeezed every fix to one end of the weight curve:
/// nothing ranked, or everything ranked high.
#[test]
fn a_commit_with_a_wrong_clock_does_not_change_the_weights() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("b.txt", &lines(10, "b"))],
    );
    for i in 0..8 {
        repo.commit_files(
            "Work on b",
            &[("b.txt", &with_line("b", 2, &i.to_string()))],
        );
    }
    repo.commit_files("Fix crash in a", &[("a.txt", &with_line("a", 5, "A5"))]);
    repo.commit_files("Work on b", &[("b.txt", &lines(10, "b"))]);
    let tip_clock = repo.clock - 86_400;
    let before = hotspot(&repo, "a.txt").map(|f| f["score"].clone());
    assert!(before.is_some(), "a.txt ranks before the skewed commits");

    for (branch, skewed) in [("future", 2_370_000_000_i64), ("past", -1_650_000_000)] {
        repo.git(&["checkout", "-q", "-b", branch, "HEAD~5"]);
        let back = repo.clock;
        repo.clock = skewed;
        repo.commit_files(
            "Commit from a wrong clock",
            &[(&format!("{branch}.txt"), "x\n")],
        );
        repo.clock = tip_clock;
        repo.git(&["checkout", "-q", "main"]);
        repo.git(&["merge", "-q", "--no-edit", branch]);
        repo.clock = back;
        let after = hotspot(&repo, "a.txt").map(|f| f["score"].clone());
        assert_eq!(
            after, before,
            "after a merged commit dated from the {branch}"
        );
    }

    repo.git(&["checkout", "-q", "-b", "feature"]);
    // A pull request committed on a machine whose clock is 40 days behind: the span still
    // ends at the base, so the file weighs as `hotspots` weighs it there.
    repo.clock = tip_clock - 40 * 86_400;
    repo.commit_files(
        "Edit a",
        &[("a.txt", &with_line("a", 5, "A5").replace("line 9", "nine"))],
    );
    let (a, v) = checked(&repo, "a.txt");
    assert_eq!(a.as_ref().map(|f| f["score"].clone()), before, "{v}");
    assert!(a.is_some_and(|f| f["fix_commits"] == 1), "{v}");
}

/// Guards: a note committed together with its fix names that commit (DESIGN section 3), so
/// the fix counts even though its message does not say "fix", and a change to the lines it
/// wrote names the incident. A note added alone names no fix.
#[test]
fn a_note_committed_with_its_fix_has_that_commit_as_its_fix() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add cart", &[("a.txt", &lines(10, "a"))]);
    let note = |id: &str| {
        format!(
            "version: 1\nid: {id}\ntitle: Cart total wrong\nstatus: resolved\nseverity: sev1\nopened: 2024-01-01T00:00:00Z\n"
        )
    };
    repo.write(".incidents/k3f9x2ab.yaml", &note("k3f9x2ab"));
    let fix = repo.commit_files("Handle large carts", &[("a.txt", &with_line("a", 5, "A5"))]);
    repo.commit_files(
        "Write down an old outage",
        &[(".incidents/q7w8e9r0.yaml", &note("q7w8e9r0"))],
    );
    assert_eq!(fixes(&repo, "a.txt"), 1, "the note's commit is its fix");

    let out = check_feature(&mut repo, &[("a.txt", &with_line("a", 5, "changed"))], &[]);
    assert_says(
        &out,
        &format!(
            "line 5 change code written by fix {} (incident k3f9x2ab)",
            &fix[..12]
        ),
    );
}

/// Guards: a file name holding a newline or a tab was printed raw, so one row of the
/// `hotspots` and `check` tables spread over two lines; it is quoted as git quotes it.
#[test]
fn a_path_with_a_newline_is_quoted_in_text_tables() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add", &[("new\nline.txt", &lines(10, "n"))]);
    repo.commit_files("Fix crash", &[("new\nline.txt", &with_line("n", 5, "N5"))]);
    let out = repo.run(&["hotspots", "--all"]);
    assert!(
        out.stdout.contains("  \"new\\nline.txt\"\n"),
        "{}",
        out.snapshot()
    );
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit", &[("new\nline.txt", &with_line("n", 5, "changed"))]);
    let out = repo.run(&["check", "--base", "main"]);
    assert!(
        out.stdout.contains("  \"new\\nline.txt\"  ("),
        "{}",
        out.snapshot()
    );
}

/// Guards: `check` walked with git's default history simplification, which leaves out a
/// side branch whose changes a merge discarded, while `hotspots` counts that branch's fixes:
/// on tokio the two differed in 7 of 20 one-commit changes, once by a level. On histories
/// of up to 20,000 commits the walk reads every side branch, and the two agree.
#[test]
fn check_counts_a_fix_on_a_branch_whose_changes_a_merge_discarded_as_hotspots_does() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("b.txt", &lines(10, "b"))],
    );
    repo.git(&["checkout", "-q", "-b", "maintenance"]);
    repo.commit_files("Fix crash in a", &[("a.txt", &with_line("a", 5, "A5"))]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Work on b", &[("b.txt", &with_line("b", 2, "B2"))]);
    repo.git(&["merge", "-q", "--no-edit", "-s", "ours", "maintenance"]);
    repo.clock += 86_400;
    let at_main = hotspot(&repo, "a.txt").expect("a.txt ranks");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit a", &[("a.txt", &with_line("a", 7, "changed"))]);
    let (a, v) = checked(&repo, "a.txt");
    assert_eq!(
        a.map(|f| f["fix_commits"].clone()),
        Some(at_main["fix_commits"].clone()),
        "{v}"
    );
}

/// Guards: a former name holding a newline, and an escape sequence in a fix's subject,
/// reached the terminal raw in the reasons under a `hotspots` row.
#[test]
fn reasons_quote_former_names_and_defuse_escapes_in_subjects() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add", &[("old\nname.txt", &lines(10, "n"))]);
    repo.commit_files(
        "Fix crash \u{1b}[2J now",
        &[("old\nname.txt", &with_line("n", 5, "N5"))],
    );
    repo.git(&["mv", "old\nname.txt", "new.txt"]);
    repo.commit("Rename");
    let out = repo.run(&["hotspots", "--all"]);
    assert!(
        out.stdout.contains("former name(s) \"old\\nname.txt\"") && !out.stdout.contains('\u{1b}'),
        "{}",
        out.snapshot()
    );
}

/// Guards: the derived fix of a note came from the first commit that added its file (a
/// draft later removed) and was lost when the note's `opened` was later than its commit.
#[test]
fn a_note_added_again_with_its_fix_takes_that_commit_whatever_its_opened_date() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add cart", &[("a.txt", &lines(10, "a"))]);
    let note = "version: 1\nid: k3f9x2ab\ntitle: Cart total wrong\nstatus: resolved\nseverity: sev1\nopened: 2030-01-01T00:00:00Z\n";
    repo.commit_files("Draft the note", &[(".incidents/k3f9x2ab.yaml", note)]);
    repo.git(&["rm", "-q", ".incidents/k3f9x2ab.yaml"]);
    repo.commit("Drop the draft");
    repo.write(".incidents/k3f9x2ab.yaml", note);
    repo.commit_files("Handle large carts", &[("a.txt", &with_line("a", 5, "A5"))]);
    assert_eq!(
        fixes(&repo, "a.txt"),
        1,
        "the note's latest addition is its fix"
    );
}

/// Guards: in a history made within one second (a new user's first try), the span had no
/// length and a fix made a moment ago was called "old in this history".
#[test]
fn a_fix_in_a_history_made_within_one_second_is_new() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add a", &[("a.txt", &lines(10, "a"))]);
    repo.clock -= 86_400;
    repo.commit_files("Fix crash in a", &[("a.txt", &with_line("a", 5, "A5"))]);
    let out = repo.run(&["hotspots", "--all"]);
    assert_says(&out, "(weight 0.50 by recency)");
}
