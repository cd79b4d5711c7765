//! Errors about the runner's environment name the variable that is wrong, not the event file.

use super::support::*;

#[test]
fn action_with_a_bad_github_repository_names_the_variable() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    let out = pr.action_env(
        &gh.uri(),
        Some(&pr.result(1, "x")),
        &[],
        &[("GITHUB_REPOSITORY", "o/r/../../x")],
    );
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(
        out.stderr.contains("GITHUB_REPOSITORY is `o/r/../../x`"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("cannot read the event"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("events"), "{}", out.stderr);
    assert_eq!(gh.state.lock().unwrap().posts, 0);
}

#[test]
fn action_with_an_unwritable_step_summary_still_posts_and_names_the_variable() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    let dir = pr.files.path().join("no-such-dir/summary.md");
    let out = pr.action_env(
        &gh.uri(),
        Some(&pr.result(1, "x")),
        &[],
        &[("GITHUB_STEP_SUMMARY", dir.to_str().unwrap())],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stdout.contains("GITHUB_STEP_SUMMARY"), "{}", out.stdout);
    assert_eq!(gh.ours().len(), 1);
}
