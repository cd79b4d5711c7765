//! Tests: commit ids in a note's `commits` that name something other than a commit (a tree, a
//! blob, an annotated tag) are named for what they are, with how to find the commit, in
//! `validate` (exit 1) and when an edit is refused (exit 2).

use crate::common::*;

/// A repository with one commit and a tag on it; returns it and the ids of its tree, of
/// `src/cart.rs`'s blob and of the annotated tag.
fn repo_with_objects() -> (TestRepo, [String; 3]) {
    let mut repo = TestRepo::new();
    repo.commit_files("Fix checkout timeout", &[("src/cart.rs", "fn cart() {}\n")]);
    repo.git(&["tag", "-a", "-m", "release", "v1"]);
    let ids = ["HEAD^{tree}", "HEAD:src/cart.rs", "v1"]
        .map(|rev| repo.git(&["rev-parse", rev]).trim().to_string());
    (repo, ids)
}

fn note_fixed_by(id: &str, commit: &str) -> String {
    format!("version: 1\nid: {id}\ntitle: x\nstatus: open\ncommits:\n  fixed_by: [\"{commit}\"]\n")
}

#[test]
fn fixed_by_naming_a_tree_says_it_is_not_a_commit() {
    let (repo, [tree, blob, tag]) = repo_with_objects();
    repo.write(
        ".incidents/tree0001.yaml",
        &note_fixed_by("tree0001", &tree),
    );
    repo.write(
        ".incidents/blob0001.yaml",
        &note_fixed_by("blob0001", &blob[..12]),
    );
    repo.write(".incidents/tag00001.yaml", &note_fixed_by("tag00001", &tag));
    let out = repo.run(&["validate"]);
    let short = &blob[..12];
    let log = "give the id of a commit: `git log --format='%H %s' -- PATH` lists the commits that changed a file";
    assert_eq!(
        out.snapshot(),
        format!(
            "exit: 1\n--- stdout\n\
             .incidents/blob0001.yaml:6:14: error: commits.fixed_by: {short} names a blob (a file's content), not a commit\n  hint: {log}\n\
             .incidents/tag00001.yaml:6:14: error: commits.fixed_by: {tag} names an annotated tag, not a commit\n  hint: give the commit it points to: `git rev-parse {tag}^{{commit}}`\n\
             .incidents/tree0001.yaml:6:14: error: commits.fixed_by: {tree} names a tree, not a commit\n  hint: {log}\n\
             --- stderr\n3 notes checked: 3 errors, 0 warnings\n"
        )
    );
}

#[test]
fn editing_fixed_by_to_a_tree_is_refused_saying_it_is_not_a_commit() {
    let (repo, [tree, ..]) = repo_with_objects();
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write(
        ".incidents/edit0001.yaml",
        &note_fixed_by("edit0001", &head),
    );
    let script = repo.home.path().join("editor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nsed -i 's/{head}/{tree}/' \"$1\"\n"),
    )
    .unwrap();
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path())
        .env("GIT_EDITOR", format!("sh {}", script.display()))
        .args(["edit", "edit0001"]);
    let out = run(cmd);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.starts_with(&format!(
            ".incidents/edit0001.yaml:6:14: error: commits.fixed_by: {tree} names a tree, not a commit\n"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}
