//! `git incident action` through the real binary, with the environment the Action sets.

use super::support::*;
use crate::common::*;
use serde_json::json;
use std::path::Path;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

#[test]
fn action_creates_one_comment_then_updates_it_past_45_other_comments() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(3, "Checkout times out");
    let first = pr.action(&gh.uri(), Some(&pr.result(1, "Checkout times out")), &[]);
    assert_eq!(first.code, 0, "{}", first.snapshot());
    assert_eq!(gh.ours().len(), 1);
    assert!(gh.ours()[0].body.contains("src/mod0.rs"));

    // 45 comments from people arrive after ours was deleted and re-posted at the end: ours is
    // now on page 2 of 30-comment pages.
    {
        let mut state = gh.state.lock().unwrap();
        let ours = state.comments.remove(0);
        for i in 0..45 {
            state.comments.push(Comment {
                id: 10 + i,
                body: format!("LGTM {i}"),
                bot: false,
            });
        }
        state.comments.push(ours);
        state.pages_served.clear();
    }
    let second = pr.action(&gh.uri(), Some(&pr.result(3, "Checkout times out")), &[]);
    assert_eq!(second.code, 0, "{}", second.snapshot());
    let state = gh.state.lock().unwrap();
    assert_eq!(state.posts, 1, "no second comment");
    assert_eq!(state.patches, 1);
    assert_eq!(state.comments.len(), 46);
    assert_eq!(state.pages_served, vec![1, 2]);
    let ours: Vec<_> = state
        .comments
        .iter()
        .filter(|c| c.body.starts_with(MARKER))
        .collect();
    assert_eq!(ours.len(), 1);
    assert!(ours[0].body.contains("src/mod2.rs"));
    let output = std::fs::read_to_string(pr.output_path()).unwrap();
    assert!(output.contains("comment-url<<"), "{output}");
    assert!(output.contains("https://github.com/octo/shop/pull/7#issuecomment-1001"));
}

#[test]
fn action_marks_the_comment_resolved_when_nothing_is_flagged_any_more() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "Checkout times out");
    assert_eq!(pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]).code, 0);
    let out = pr.action(&gh.uri(), Some(&pr.result(0, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let ours = gh.ours();
    assert_eq!(ours.len(), 1);
    assert!(
        ours[0].body.contains("nothing flagged any more"),
        "{}",
        ours[0].body
    );
    assert!(!ours[0].body.contains("src/mod0.rs"));
}

#[test]
fn action_posts_nothing_when_nothing_is_flagged_and_no_comment_exists() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(0, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(gh.state.lock().unwrap().posts, 0);
    let output = std::fs::read_to_string(pr.output_path()).unwrap();
    assert!(
        output.contains("\nnone\n") && output.contains("flagged<<"),
        "{output}"
    );
}

#[test]
fn action_falls_back_to_annotations_and_summary_on_403() {
    let gh = FakeGithub::start(true);
    let pr = pull_request(2, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(2, "Checkout times out")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("::notice") && l.contains("could not be posted")),
        "{}",
        out.stdout
    );
    assert_eq!(warnings(&out), 2);
    assert!(!out.stdout.contains("ghs_test_token_value"));
    assert!(!out.stderr.contains("ghs_test_token_value"));
    let summary = std::fs::read_to_string(pr.summary_path()).unwrap();
    assert!(summary.contains("src/mod1.rs"), "{summary}");
    assert!(summary.contains("Checkout times out"));
}

#[test]
fn action_fail_on_still_fails_after_a_403() {
    let gh = FakeGithub::start(true);
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(
        &gh.uri(),
        Some(&pr.result(1, "x")),
        &["--fail-on", "medium"],
    );
    assert_eq!(out.code, 1, "{}", out.snapshot());
    assert!(std::fs::read_to_string(pr.summary_path()).is_ok());
}

#[test]
fn action_annotates_ten_of_25_flagged_files_and_says_how_many_more() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(25, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(25, "Checkout times out")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(warnings(&out), 10, "{}", out.stdout);
    let notices: Vec<_> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect();
    assert_eq!(notices.len(), 1, "{}", out.stdout);
    assert!(notices[0].contains("15 more"), "{}", notices[0]);
    let summary = std::fs::read_to_string(pr.summary_path()).unwrap();
    assert!(summary.contains("src/mod24.rs"));
    let output = std::fs::read_to_string(pr.output_path()).unwrap();
    assert!(output.contains("\n25\n"), "{output}");
}

#[test]
fn action_escapes_mentions_and_html_from_note_titles() {
    let gh = FakeGithub::start(false);
    let title = "@someone <img src=x> | *boom*";
    let pr = pull_request(1, title);
    let out = pr.action(&gh.uri(), Some(&pr.result(1, title)), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let ours = gh.ours();
    assert_eq!(ours.len(), 1);
    let body = &ours[0].body;
    assert!(!body.contains("@someone"), "{body}");
    assert!(!body.contains("<img"), "{body}");
    assert!(body.contains("&lt;img src=x&gt;"), "{body}");
    assert!(body.contains(r"\| \*boom\*"), "{body}");
    let link = format!(
        "https://github.com/{REPO}/blob/{}/.incidents/inc00000.yaml",
        pr.base
    );
    assert!(body.contains(&link), "{body}");
}

#[test]
fn action_without_a_pull_request_event_is_a_usage_error() {
    let pr = pull_request(1, "x");
    let path = pr.files.path().join("push.json");
    std::fs::write(&path, r#"{"ref": "refs/heads/main"}"#).unwrap();
    let mut cmd = bin();
    hermetic_env(&mut cmd, pr.repo.home.path());
    cmd.current_dir(pr.repo.path())
        .env("GITHUB_EVENT_PATH", &path)
        .arg("action");
    let out = run(cmd);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("pull_request"), "{}", out.stderr);
}

#[test]
fn action_with_the_real_check_annotates_ten_of_25_flagged_files() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(25, "Checkout times out");
    let out = pr.action(&gh.uri(), None, &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(warnings(&out), 10, "{}", out.stdout);
    let notice: Vec<_> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect();
    assert_eq!(notice.len(), 1, "{}", out.stdout);
    assert!(notice[0].contains("15 more"), "{}", notice[0]);
    let ours = gh.ours();
    assert_eq!(ours.len(), 1);
    assert!(ours[0].body.contains("src/mod0.rs"), "{}", ours[0].body);
    let output = std::fs::read_to_string(pr.output_path()).unwrap();
    assert!(output.contains("\n25\n"), "{output}");
}

#[test]
fn action_reads_notes_from_the_base_so_a_pr_cannot_delete_its_warning() {
    let gh = FakeGithub::start(false);
    let mut pr = pull_request(1, "Checkout times out");
    std::fs::remove_file(pr.repo.path().join(".incidents/inc00000.yaml")).unwrap();
    pr.repo.write("src/mod0.rs", "fn f0() { h() }\n");
    pr.head = pr.repo.commit("delete the note and touch the file again");
    let out = pr.action(&gh.uri(), None, &["--fail-on", "low"]);
    assert_eq!(out.code, 1, "{}", out.snapshot());
    let ours = gh.ours();
    assert_eq!(ours.len(), 1);
    assert!(
        ours[0].body.contains("Checkout times out"),
        "{}",
        ours[0].body
    );
}

/// A `--depth 1` clone of the pull request's repository, checked out at the head.
fn shallow_clone(pr: &Pr) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("git");
    hermetic_env(&mut cmd, pr.repo.home.path());
    cmd.arg("clone")
        .arg("-q")
        .arg("--depth=1")
        .arg(format!("file://{}", pr.repo.path().display()))
        .arg(dir.path().join("clone"));
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.snapshot());
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
        .arg("action")
        .arg("--check-result")
        .arg(pr.result(1, "x"));
    run(cmd)
}

#[test]
fn action_deepens_a_shallow_checkout() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    let clone = shallow_clone(&pr);
    let dir = clone.path().join("clone");
    assert!(dir.join(".git/shallow").exists());
    let out = action_in(&pr, &dir, &gh.uri());
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(out.stderr.contains("shallow"), "{}", out.stderr);
    assert!(!dir.join(".git/shallow").exists());
}

#[test]
fn action_on_a_shallow_checkout_it_cannot_deepen_says_fetch_depth_0() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "x");
    let clone = shallow_clone(&pr);
    let dir = clone.path().join("clone");
    let mut cmd = std::process::Command::new("git");
    hermetic_env(&mut cmd, pr.repo.home.path());
    cmd.current_dir(&dir).args(["remote", "remove", "origin"]);
    assert_eq!(run(cmd).code, 0);
    let out = action_in(&pr, &dir, &gh.uri());
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
    assert!(!out.stdout.contains("nothing"), "{}", out.stdout);
    assert_eq!(gh.state.lock().unwrap().posts, 0);
}

#[test]
fn action_waits_out_a_rate_limit_then_posts() {
    let gh = FakeGithub::start(false);
    let reset = jiff::Timestamp::now().as_second().to_string();
    gh.rt_block(
        Mock::given(method("GET"))
            .and(path_regex(r"^/repos/octo/shop/issues/\d+/comments$"))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("x-ratelimit-limit", "5000")
                    .insert_header("x-ratelimit-remaining", "0")
                    .insert_header("x-ratelimit-reset", reset.as_str())
                    .set_body_json(json!({
                        "message": "API rate limit exceeded for installation ID 1.",
                        "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
                    })),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&gh.server),
    );
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        !out.stdout.contains("could not be posted"),
        "{}",
        out.stdout
    );
    assert_eq!(gh.ours().len(), 1);
}

#[test]
fn action_without_a_token_still_annotates_and_says_why_there_is_no_comment() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action_env(
        &gh.uri(),
        Some(&pr.result(1, "x")),
        &[],
        &[("GITHUB_TOKEN", "")],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(warnings(&out), 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("could not be posted") && out.stdout.contains("GITHUB_TOKEN"),
        "{}",
        out.stdout
    );
    assert_eq!(gh.state.lock().unwrap().posts, 0);
}

#[test]
fn action_no_comment_and_no_annotations_only_write_the_summary() {
    let gh = FakeGithub::start(false);
    let pr = pull_request(2, "Checkout times out");
    let out = pr.action(
        &gh.uri(),
        Some(&pr.result(2, "x")),
        &["--no-comment", "--no-annotations"],
    );
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert_eq!(out.stdout, "", "{}", out.snapshot());
    assert_eq!(gh.state.lock().unwrap().posts, 0);
    assert!(
        std::fs::read_to_string(pr.summary_path())
            .unwrap()
            .contains("src/mod1.rs")
    );
}
