//! Tests: rename lineage on hand-built histories (issue 3), from new users' trials: edits of
//! an old name made beside its rename, and files brought back by reverting their deletion.

use super::*;

/// Guards: a fix of `a.txt` made on main while a branch renamed it to `b.txt` (merged
/// afterwards; git carries the fix into `b.txt`, and `git blame` credits it) came before the
/// rename in the walk, while `a.txt` did not yet name the file, and was lost by `hotspots`
/// and `check`. A new file made under the old name after the rename keeps its own history.
#[test]
fn a_fix_of_the_old_name_beside_a_rename_counts_for_the_renamed_file() {
    let mut repo = TestRepo::new();
    repo.commit_files("Initial commit", &[("a.txt", &lines(10, "a"))]);
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.git(&["mv", "a.txt", "b.txt"]);
    repo.commit("Rename a to b");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_files("Fix crash in a", &[("a.txt", &with_line("a", 5, "A5"))]);
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    repo.clock += 86_400;
    assert_eq!(
        repo.read("b.txt"),
        with_line("a", 5, "A5"),
        "git merged the fix into b.txt"
    );
    repo.commit_files("Add a new a", &[("a.txt", &lines(10, "new a"))]);
    repo.commit_files(
        "Fix crash in the new a",
        &[("a.txt", &with_line("new a", 2, "N2"))],
    );

    assert_eq!(fixes(&repo, "b.txt"), 1, "the fix beside the rename");
    assert_eq!(fixes(&repo, "a.txt"), 1, "only the new a's own fix");
    let out = check_feature(&mut repo, &[("b.txt", &with_line("a", 5, "changed"))], &[]);
    assert_says(&out, "line 5 change code written by fix");
}

/// Guards: a file deleted and brought back by `git revert` of the deletion lost the fix
/// history of its first life (`git log -- PATH` lists both lives); a file deleted and made
/// anew by an ordinary commit still starts a new history.
#[test]
fn a_file_restored_by_reverting_its_deletion_keeps_its_fix_history() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Add files",
        &[("a.txt", &lines(10, "a")), ("b.txt", &lines(10, "b"))],
    );
    repo.commit_files(
        "Fix crash in both",
        &[
            ("a.txt", &with_line("a", 5, "A5")),
            ("b.txt", &with_line("b", 5, "B5")),
        ],
    );
    repo.git(&["rm", "-q", "a.txt", "b.txt"]);
    repo.commit("Remove a and b");
    repo.git(&["revert", "--no-edit", "HEAD"]);
    repo.clock += 86_400;
    repo.git(&["rm", "-q", "b.txt"]);
    repo.commit("Remove b again");
    repo.commit_files("Write a new b", &[("b.txt", &lines(10, "new b"))]);
    assert_eq!(fixes(&repo, "a.txt"), 1, "a.txt came back by a revert");
    assert_eq!(fixes(&repo, "b.txt"), 0, "the new b.txt is another file");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit a", &[("a.txt", &with_line("a", 7, "changed"))]);
    let (a, v) = checked(&repo, "a.txt");
    assert!(a.is_some_and(|f| f["fix_commits"] == 1), "{v}");
}

/// Guards: a revert continued a file's history through whichever deletion came first, so
/// reverting an old deletion credited a later, different file of that name; and any
/// "This reverts commit" line (a squash merge's body) made an ordinary re-add inherit the
/// deleted file's history. Only the deletion the revert names is walked through.
#[test]
fn a_revert_continues_only_through_the_deletion_it_reverted() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("x.txt", &lines(10, "x")), ("z.txt", &lines(10, "z"))],
    );
    repo.commit_files(
        "Fix crash in x (life 1)",
        &[("x.txt", &with_line("x", 3, "X3"))],
    );
    repo.git(&["rm", "-q", "x.txt"]);
    let removed = repo.commit("Remove x");
    repo.commit_files("Add a new x", &[("x.txt", &lines(10, "y"))]);
    repo.commit_files(
        "Fix bug in new x (life 2)",
        &[("x.txt", &with_line("y", 5, "Y5"))],
    );
    repo.git(&["rm", "-q", "x.txt"]);
    repo.commit("Drop new x");
    repo.git(&["revert", "--no-edit", &removed]);
    repo.clock += 86_400;
    assert_eq!(
        repo.read("x.txt"),
        with_line("x", 3, "X3"),
        "life 1 is back"
    );
    let out = repo.run(&["hotspots", "--all"]);
    assert!(
        out.stdout.contains("life 1") && !out.stdout.contains("life 2"),
        "{}",
        out.snapshot()
    );

    // A squash merge's body quoting a revert of something else is no restore.
    repo.git(&["rm", "-q", "x.txt"]);
    repo.commit("Remove x again");
    repo.write("x.txt", &lines(10, "brand new"));
    repo.commit(
        "Rewrite parser (#42)\n\n* Revert \"tweak z\"\n\nThis reverts commit 1234567890abcdef1234567890abcdef12345678.",
    );
    assert_eq!(fixes(&repo, "x.txt"), 0, "a new x.txt is another file");
}

/// Guards: an edit of an old name beside its rename was handed to the first rename of that
/// name the walk met, which could be a newer file made under the old name and renamed
/// again: the renamed file git merged the edit into lost it, and `check` missed the line.
#[test]
fn an_edit_beside_a_rename_is_not_taken_by_a_newer_file_of_the_old_name() {
    let mut repo = TestRepo::new();
    repo.commit_files(
        "Initial commit",
        &[("a.txt", &lines(10, "a")), ("z.txt", &lines(10, "z"))],
    );
    repo.git(&["branch", "side"]);
    repo.git(&["mv", "a.txt", "b.txt"]);
    repo.commit("Rename a to b");
    repo.commit_files("Add a new a", &[("a.txt", &lines(10, "new"))]);
    repo.git(&["mv", "a.txt", "c.txt"]);
    repo.commit("Rename the new a to c");
    repo.git(&["checkout", "-q", "side"]);
    repo.commit_files("Fix crash in a", &[("a.txt", &with_line("a", 3, "A3"))]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-edit", "side"]);
    repo.clock += 86_400;
    assert_eq!(
        repo.read("b.txt"),
        with_line("a", 3, "A3"),
        "git merged the fix into b"
    );
    assert_eq!(fixes(&repo, "b.txt"), 1, "the fix is b's");
    assert_eq!(
        fixes(&repo, "c.txt"),
        0,
        "c was born after the fix's branch forked"
    );

    let out = check_feature(&mut repo, &[("b.txt", &with_line("a", 3, "changed"))], &[]);
    assert_says(&out, "line 3 change code written by fix");
}
