//! `git incident import github` over a paginated, rate-limited fake issues API.

use super::support::*;
use crate::common::*;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

fn issue_json(base: &str, n: u64, title: &str, labels: &[&str], body: &str, pr: bool) -> Value {
    let mut v = json!({
        "id": 9000 + n,
        "node_id": format!("I_{n}"),
        "url": format!("{base}/repos/{REPO}/issues/{n}"),
        "html_url": format!("https://github.com/{REPO}/issues/{n}"),
        "number": n,
        "state": "closed",
        "state_reason": "completed",
        "title": title,
        "body": body,
        "user": {"login": "octocat", "id": 1, "type": "User"},
        "labels": labels.iter().map(|l| json!({"id": 1, "name": l, "color": "d73a4a"})).collect::<Vec<_>>(),
        "comments": 0,
        "created_at": format!("2024-02-{n:02}T10:00:00Z"),
        "updated_at": format!("2024-03-{n:02}T10:00:00Z"),
        "closed_at": format!("2024-03-{n:02}T09:00:00Z"),
        "author_association": "OWNER"
    });
    if pr {
        v["pull_request"] = json!({
            "url": format!("{base}/repos/{REPO}/pulls/{n}"),
            "html_url": format!("https://github.com/{REPO}/pull/{n}"),
            "merged_at": "2024-03-01T00:00:00Z"
        });
    }
    v
}

/// Closed issues in two pages (page 2 answered once with a rate limit first), and one merged
/// pull request that closes issue 2.
fn fake_issues() -> FakeGithub {
    let gh = FakeGithub::start(false);
    let base = gh.uri();
    let issues = format!("/repos/{REPO}/issues");
    let page1 = vec![
        issue_json(
            &base,
            1,
            "Checkout times out for big carts",
            &["bug", "sev2", "checkout"],
            "Seen in prod:\n```\nTimeoutError: checkout exceeded 30s\n```\n",
            false,
        ),
        issue_json(
            &base,
            2,
            "VAT wrong for EU",
            &["bug", "P1"],
            "no trace",
            false,
        ),
        issue_json(&base, 3, "Fix the timeout", &["bug"], "", true),
    ];
    let page2 = vec![issue_json(
        &base,
        4,
        "@someone crash on start <script>",
        &["bug", "critical"],
        "",
        false,
    )];
    let link1 = format!(
        "<{base}{issues}?state=closed&labels=bug&per_page=100&page=2>; rel=\"next\", <{base}{issues}?state=closed&labels=bug&per_page=100&page=2>; rel=\"last\""
    );
    let link2 = format!(
        "<{base}{issues}?state=closed&labels=bug&per_page=100&page=1>; rel=\"prev\", <{base}{issues}?state=closed&labels=bug&per_page=100&page=1>; rel=\"first\""
    );
    let pulls = vec![json!({
        "number": 5,
        "html_url": format!("https://github.com/{REPO}/pull/5"),
        "title": "Use the right VAT table",
        "body": "Fixes #2",
        "state": "closed",
        "merged_at": "2024-03-02T08:00:00Z",
        "merge_commit_sha": "0123456789abcdef0123456789abcdef01234567"
    })];
    gh.rt_block(async {
        use wiremock::matchers::{path, query_param};
        Mock::given(method("GET"))
            .and(path(issues.as_str()))
            .and(query_param("page", "2"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "0")
                    .set_body_json(json!({"message": "You have exceeded a secondary rate limit."})),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&gh.server)
            .await;
        Mock::given(method("GET"))
            .and(path(issues.as_str()))
            .and(query_param("page", "2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(page2)
                    .insert_header("link", link2.as_str()),
            )
            .with_priority(2)
            .mount(&gh.server)
            .await;
        Mock::given(method("GET"))
            .and(path(issues.as_str()))
            .and(query_param("labels", "bug"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(page1)
                    .insert_header("link", link1.as_str()),
            )
            .with_priority(3)
            .mount(&gh.server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/repos/{REPO}/pulls")))
            .respond_with(ResponseTemplate::new(200).set_body_json(pulls))
            .mount(&gh.server)
            .await;
    });
    gh
}

fn import(repo: &TestRepo, api: &str) -> Output {
    let mut cmd = bin();
    hermetic_env(&mut cmd, repo.home.path());
    cmd.current_dir(repo.path())
        .env("GITHUB_API_URL", api)
        .env("GITHUB_TOKEN", "ghs_test_token_value")
        .args(["import", "github", "--repo", REPO, "--label", "bug"]);
    run(cmd)
}

fn notes_in(repo: &TestRepo) -> Vec<String> {
    let mut notes: Vec<String> = std::fs::read_dir(repo.path().join(".incidents"))
        .map(|d| {
            d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    notes.sort();
    notes
}

#[test]
fn import_github_reads_every_page_and_is_idempotent() {
    let gh = fake_issues();
    let mut repo = TestRepo::new();
    repo.commit_files("initial", &[("src/cart.rs", "fn cart() {}\n")]);
    let fix = repo.commit_files(
        "Batch price lookups\n\nFixes #1",
        &[("src/cart.rs", "fn cart() { batch() }\n")],
    );
    repo.commit_files(
        "Use the right VAT table (#5)",
        &[("src/vat.rs", "fn vat() {}\n")],
    );

    let first = import(&repo, &gh.uri());
    assert_eq!(first.code, 0, "{}", first.snapshot());
    assert_eq!(first.stdout.lines().count(), 3, "{}", first.snapshot());
    assert!(
        first.stderr.contains("1 pull request(s) skipped"),
        "{}",
        first.stderr
    );
    let notes = notes_in(&repo);
    assert_eq!(notes.len(), 3);
    let all = notes.join("\n---\n");
    assert!(all.contains("github:octo/shop#1"), "{all}");
    assert!(all.contains("github:octo/shop#4"), "{all}");
    assert!(
        !all.contains("Fix the timeout"),
        "pull requests are skipped: {all}"
    );

    let cart = notes.iter().find(|n| n.contains("big carts")).unwrap();
    assert!(cart.contains(&fix), "{cart}");
    assert!(cart.contains("src/cart.rs"), "{cart}");
    assert!(
        cart.contains("TimeoutError: checkout exceeded 30s"),
        "{cart}"
    );
    assert!(cart.contains("sev2"), "{cart}");
    assert!(cart.contains("source: github"), "{cart}");
    assert!(cart.contains("2024-02-01T10:00:00Z"), "{cart}");
    let vat = notes.iter().find(|n| n.contains("VAT wrong")).unwrap();
    assert!(vat.contains("sev1"), "{vat}");
    assert!(
        vat.contains("src/vat.rs"),
        "squash commit of the closing PR: {vat}"
    );
    assert!(vat.contains("https://github.com/octo/shop/pull/5"), "{vat}");

    let second = import(&repo, &gh.uri());
    assert_eq!(second.code, 0, "{}", second.snapshot());
    assert_eq!(second.stdout, "", "{}", second.snapshot());
    assert!(
        second.stderr.contains("3 already imported"),
        "{}",
        second.stderr
    );
    assert_eq!(notes_in(&repo), notes);
}

#[test]
fn import_github_rejects_a_bad_repo_name() {
    let repo = TestRepo::new();
    let out = repo.run(&["import", "github", "--repo", "not-a-repo"]);
    assert_eq!(out.code, 2, "{}", out.snapshot());
    assert!(out.stderr.contains("hint:"), "{}", out.stderr);
}
