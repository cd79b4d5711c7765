//! `import github` on awkward input: `closes OWNER/NAME#N` for this repository, a blank title,
//! bidi controls in a title; every note it writes passes `validate`.

use super::support::*;
use crate::common::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn issue(n: u64, title: &str) -> serde_json::Value {
    json!({
        "id": 9000 + n, "number": n, "state": "closed", "state_reason": "completed",
        "html_url": format!("https://github.com/{REPO}/issues/{n}"),
        "title": title, "body": "", "labels": [{"name": "bug"}],
        "user": {"login": "octocat", "type": "User"},
        "created_at": "2024-02-01T10:00:00Z", "closed_at": "2024-03-01T10:00:00Z"
    })
}

#[test]
fn import_github_counts_closes_owner_name_refs_and_writes_valid_clean_titles() {
    let gh = FakeGithub::start(false);
    let issues = vec![
        issue(41, "First"),
        issue(42, "Second"),
        issue(43, "   "),
        issue(44, "rtl \u{202E}evil\u{2069} title"),
    ];
    let pulls = vec![json!({
        "number": 200, "html_url": format!("https://github.com/{REPO}/pull/200"),
        "title": "Fix it", "body": format!("This PR fixes #41 and closes {REPO}#42, not other/x#44."),
        "state": "closed", "merged_at": "2024-03-02T08:00:00Z",
        "merge_commit_sha": "0123456789abcdef0123456789abcdef01234567"
    })];
    gh.rt_block(async {
        Mock::given(method("GET"))
            .and(path(format!("/repos/{REPO}/issues")))
            .respond_with(ResponseTemplate::new(200).set_body_json(issues))
            .mount(&gh.server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/repos/{REPO}/pulls")))
            .respond_with(ResponseTemplate::new(200).set_body_json(pulls))
            .mount(&gh.server)
            .await;
    });
    let mut repo = TestRepo::new();
    repo.commit_files("initial", &[("src/a.rs", "fn a() {}\n")]);
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path())
        .env("GITHUB_API_URL", gh.uri())
        .env("GITHUB_TOKEN", "ghs_test_token_value")
        .args(["import", "github", "--repo", REPO]);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let mut notes: Vec<String> = std::fs::read_dir(repo.path().join(".incidents"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    notes.sort();
    let of = |n: u64| {
        notes
            .iter()
            .find(|t| t.contains(&format!("issues/{n}")))
            .unwrap()
            .clone()
    };
    assert!(of(41).contains("pull/200"), "{}", of(41));
    assert!(of(42).contains("pull/200"), "{}", of(42));
    assert!(!of(44).contains("pull/200"), "{}", of(44));
    assert!(of(43).contains("Issue #43 (untitled)"), "{}", of(43));
    assert!(of(44).contains("rtl evil title"), "{}", of(44));
    assert!(!notes.iter().any(|t| t.contains(['\u{202E}', '\u{2069}'])));
    let validate = repo.run(&["validate"]);
    assert_eq!(validate.code, 0, "{}", validate.snapshot());
}
