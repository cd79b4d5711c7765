//! Repository setups the engine must handle: shallow and blobless clones, empty repositories,
//! detached HEAD and subdirectories, the cache, another user's repository, error shape.

use super::check::fix_then_edit;
use super::*;

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

/// Guards: after an amend (or a rebase) and `git gc`, the cache's tip no longer existed and
/// every later `hotspots` and `check` stopped with git's "bad object".
#[test]
fn cache_whose_tip_was_rewritten_and_collected_still_works() {
    let mut repo = TestRepo::new();
    repo.commit_files("Add a", &[("a.rs", "1\n")]);
    repo.commit_files("Fix crash in a", &[("a.rs", "2\n")]);
    assert_eq!(repo.run(&["hotspots"]).code, 0);
    repo.git(&["commit", "-q", "--amend", "-m", "Fix crash in a (reworded)"]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.git(&["gc", "-q", "--prune=now"]);
    let out = repo.run(&["hotspots", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(fixes(&repo, "a.rs"), 1);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Tweak a", &[("a.rs", "3\n")]);
    let out = repo.run(&["check", "--base", "main"]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
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
    assert!(
        out.stderr
            .contains("git fetch --refetch --no-filter origin"),
        "{}",
        out.stderr
    );
}

#[test]
fn blobless_clone_check_follows_renames_for_blame() {
    // A fix written under `a.txt`, then the file renamed to `b.txt`: blaming `b.txt` needs
    // the blobs under its older name, which a blobless clone lacks until they are fetched.
    let fifty: String = (1..=50).map(|i| format!("{i}\n")).collect();
    let mut origin = TestRepo::new();
    origin.commit_files("Add a", &[("a.txt", &fifty)]);
    origin.commit_files(
        "Fix crash in a",
        &[("a.txt", &fifty.replace("\n5\n", "\nfive\n"))],
    );
    origin.git(&["mv", "a.txt", "b.txt"]);
    origin.commit("Rename a to b");
    let worked = format!("{}x\n", fifty.replace("\n5\n", "\nfive\n"));
    origin.commit_files("Work on b", &[("b.txt", &worked)]);
    origin.git(&["config", "uploadpack.allowfilter", "true"]);
    let url = format!("file://{}", origin.path().display());
    let clones = TestRepo::new();
    let dirs = ["full", "blobless", "gone"].map(|d| clones.path().join(d));
    for (i, dest) in dirs.iter().enumerate() {
        let filter = if i == 0 {
            "--no-filter"
        } else {
            "--filter=blob:none"
        };
        clones.git(&["clone", "-q", filter, &url, dest.to_str().unwrap()]);
        let dir = dest.to_str().unwrap();
        clones.git(&["-C", dir, "checkout", "-q", "-b", "pr"]);
        std::fs::write(dest.join("b.txt"), worked.replace("five", "FIVE")).unwrap();
        clones.git(&["-C", dir, "commit", "-q", "-am", "Edit the fixed line"]);
    }
    let args = ["check", "--base", "origin/main", "--format", "json"];
    let expected = clones.run_in(&dirs[0], &args);
    assert_eq!(expected.code, 0, "{}", expected.snapshot());
    assert!(expected.stdout.contains("\"lines\""), "{}", expected.stdout);
    let out = clones.run_in(&dirs[1], &args);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout, expected.stdout);
    // With the remote gone the blobs cannot come: the hint's command, once the remote is
    // back, fetches them (a plain `git fetch --refetch` keeps the filter and fetches none).
    let moved = clones.path().join("moved");
    std::fs::rename(origin.path(), &moved).unwrap();
    let out = clones.run_in(&dirs[2], &args);
    std::fs::rename(&moved, origin.path()).unwrap();
    assert_eq!(out.code, 2, "{}", out.snapshot());
    let advice = "git fetch --refetch --no-filter origin";
    assert!(out.stderr.contains(advice), "{}", out.stderr);
    assert!(out.stderr.contains("drop `filter:`"), "{}", out.stderr);
    let gone = dirs[2].to_str().unwrap();
    clones.git(&[
        "-C",
        gone,
        "fetch",
        "-q",
        "--refetch",
        "--no-filter",
        "origin",
    ]);
    std::fs::rename(origin.path(), &moved).unwrap();
    let out = clones.run_in(&dirs[2], &args);
    std::fs::rename(&moved, origin.path()).unwrap();
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout, expected.stdout);
}
