//! A blobless partial clone (`actions/checkout` with `filter: blob:none`): the notes and the
//! history of the base are fetched with the git binary before `check`, or the Action stops with
//! exit 2; it never reports from missing blobs.

use super::support::*;
use crate::common::*;
use std::path::Path;

fn git(pr: &Pr, dir: &Path, args: &[&str]) {
    let mut cmd = std::process::Command::new("git");
    hermetic_env(&mut cmd, pr.repo.home.path());
    cmd.current_dir(dir).args(args);
    let out = run(cmd);
    assert_eq!(out.code, 0, "git {args:?}: {}", out.snapshot());
}

/// `git clone --filter=blob:none --no-checkout` of the pull request's repository: no blob of
/// the base (its notes included) is in the clone.
fn blobless_clone(pr: &Pr) -> tempfile::TempDir {
    git(
        pr,
        pr.repo.path(),
        &["config", "uploadpack.allowfilter", "true"],
    );
    git(
        pr,
        pr.repo.path(),
        &["config", "uploadpack.allowanysha1inwant", "true"],
    );
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", pr.repo.path().display());
    let target = dir.path().join("clone");
    let target = target.to_str().unwrap();
    git(
        pr,
        dir.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--no-checkout",
            &url,
            target,
        ],
    );
    dir
}

fn action_in(pr: &Pr, dir: &Path, api: &str) -> Output {
    let mut cmd = bin();
    hermetic_env(&mut cmd, pr.repo.home.path());
    cmd.current_dir(dir)
        .env("GITHUB_EVENT_PATH", pr.event())
        .env("GITHUB_API_URL", api)
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_TOKEN", "ghs_test_token_value")
        .env("GITHUB_STEP_SUMMARY", pr.summary_path())
        .arg("action");
    run(cmd)
}

#[test]
fn action_on_a_blobless_clone_fetches_the_notes_before_checking() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(2, "Checkout times out");
    let clone = blobless_clone(&pr);
    let dir = clone.path().join("clone");
    let out = action_in(&pr, &dir, &gh.uri());
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stderr.contains("partial clone"), "{}", out.stderr);
    assert!(!out.stderr.contains("skipped"), "{}", out.stderr);
    assert_eq!(warnings(&out), 2, "{}", out.stdout);
    let ours = gh.ours();
    assert_eq!(ours.len(), 1);
    assert!(
        ours[0].body.contains("Checkout times out"),
        "{}",
        ours[0].body
    );
}

#[test]
fn action_on_a_blobless_clone_it_cannot_complete_stops_with_a_hint() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    let clone = blobless_clone(&pr);
    let dir = clone.path().join("clone");
    git(&pr, &dir, &["remote", "remove", "origin"]);
    let out = action_in(&pr, &dir, &gh.uri());
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("partial clone"), "{}", out.stderr);
    assert!(out.stderr.contains("without `filter`"), "{}", out.stderr);
    assert_eq!(gh.state.lock().unwrap().posts, 0);
}
