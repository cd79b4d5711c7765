//! Tests of `git incident action` and `import github` through the real binary, against a fake
//! GitHub API (wiremock on 127.0.0.1) that answers like GitHub's documented REST responses:
//! issue comments 30 to a page with `Link` headers, `201` on create, `403` for a read-only token.

#![allow(clippy::unwrap_used)]

use crate::common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const REPO: &str = "octo/shop";
const MARKER: &str = "<!-- git-incident -->";
/// GitHub's default page size, which the fake uses whatever `per_page` asks.
const PAGE: usize = 30;

/// One comment as the fake keeps it.
#[derive(Clone, Debug)]
struct Comment {
    id: u64,
    body: String,
    bot: bool,
}

/// The fake API's state, shared with its responders.
#[derive(Default)]
struct State {
    comments: Vec<Comment>,
    next_id: u64,
    posts: usize,
    patches: usize,
    /// Pages of comments served, to see that every page was read.
    pages_served: Vec<usize>,
}

type Shared = Arc<Mutex<State>>;

fn comment_json(base: &str, c: &Comment) -> Value {
    json!({
        "id": c.id,
        "node_id": format!("IC_{}", c.id),
        "url": format!("{base}/repos/{REPO}/issues/comments/{}", c.id),
        "html_url": format!("https://github.com/{REPO}/pull/7#issuecomment-{}", c.id),
        "body": c.body,
        "user": if c.bot {
            json!({"login": "github-actions[bot]", "id": 41898282, "type": "Bot"})
        } else {
            json!({"login": "octocat", "id": 1, "type": "User"})
        },
        "created_at": "2024-01-05T00:00:00Z",
        "updated_at": "2024-01-05T00:00:00Z",
        "author_association": "NONE"
    })
}

fn page_param(req: &Request) -> usize {
    req.url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

/// `Link` header for page `page` of `last` pages of `path`.
fn link_header(base: &str, path: &str, page: usize, last: usize) -> Option<String> {
    let url = |p: usize| format!("<{base}{path}?per_page=100&page={p}>");
    let mut parts = Vec::new();
    if page < last {
        parts.push(format!("{}; rel=\"next\"", url(page + 1)));
        parts.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"prev\"", url(page - 1)));
        parts.push(format!("{}; rel=\"first\"", url(1)));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

struct ListComments(Shared, String);
impl Respond for ListComments {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        let page = page_param(req);
        state.pages_served.push(page);
        let last = state.comments.len().div_ceil(PAGE).max(1);
        let items: Vec<Value> = state
            .comments
            .iter()
            .skip((page - 1) * PAGE)
            .take(PAGE)
            .map(|c| comment_json(&self.1, c))
            .collect();
        let mut resp = ResponseTemplate::new(200).set_body_json(items);
        if let Some(link) = link_header(&self.1, req.url.path(), page, last) {
            resp = resp.insert_header("link", link.as_str());
        }
        resp
    }
}

struct CreateComment(Shared, String);
impl Respond for CreateComment {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = req.body_json().unwrap();
        let mut state = self.0.lock().unwrap();
        state.next_id += 1;
        let c = Comment {
            id: 1000 + state.next_id,
            body: body["body"].as_str().unwrap().to_string(),
            bot: true,
        };
        state.posts += 1;
        state.comments.push(c.clone());
        ResponseTemplate::new(201).set_body_json(comment_json(&self.1, &c))
    }
}

struct UpdateComment(Shared, String);
impl Respond for UpdateComment {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let id: u64 = req.url.path().rsplit('/').next().unwrap().parse().unwrap();
        let body: Value = req.body_json().unwrap();
        let mut state = self.0.lock().unwrap();
        state.patches += 1;
        let Some(c) = state.comments.iter_mut().find(|c| c.id == id) else {
            return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
        };
        c.body = body["body"].as_str().unwrap().to_string();
        let c = c.clone();
        ResponseTemplate::new(200).set_body_json(comment_json(&self.1, &c))
    }
}

fn forbidden() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        "status": "403"
    }))
}

/// A fake GitHub on 127.0.0.1 with its own runtime; `read_only` refuses every write.
struct FakeGithub {
    _rt: tokio::runtime::Runtime,
    server: MockServer,
    state: Shared,
}

impl FakeGithub {
    fn start(read_only: bool) -> FakeGithub {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = rt.block_on(MockServer::start());
        let state: Shared = Arc::default();
        let base = server.uri();
        let comments = r"^/repos/octo/shop/issues/\d+/comments$";
        let one = r"^/repos/octo/shop/issues/comments/\d+$";
        rt.block_on(async {
            Mock::given(method("GET"))
                .and(path_regex(comments))
                .respond_with(ListComments(state.clone(), base.clone()))
                .mount(&server)
                .await;
            if read_only {
                Mock::given(method("POST"))
                    .respond_with(forbidden())
                    .mount(&server)
                    .await;
                Mock::given(method("PATCH"))
                    .respond_with(forbidden())
                    .mount(&server)
                    .await;
            } else {
                Mock::given(method("POST"))
                    .and(path_regex(comments))
                    .respond_with(CreateComment(state.clone(), base.clone()))
                    .mount(&server)
                    .await;
                Mock::given(method("PATCH"))
                    .and(path_regex(one))
                    .respond_with(UpdateComment(state.clone(), base.clone()))
                    .mount(&server)
                    .await;
            }
        });
        FakeGithub {
            _rt: rt,
            server,
            state,
        }
    }

    fn uri(&self) -> String {
        self.server.uri()
    }

    fn ours(&self) -> Vec<Comment> {
        let state = self.state.lock().unwrap();
        state
            .comments
            .iter()
            .filter(|c| c.body.starts_with(MARKER))
            .cloned()
            .collect()
    }
}

/// A pull request in a test repository: base commit with notes, head commit touching files.
struct Pr {
    repo: TestRepo,
    base: String,
    head: String,
    files: tempfile::TempDir,
}

fn note_yaml(id: &str, title: &str, path: &str) -> String {
    format!(
        "version: 1\nid: {id}\ntitle: {}\nstatus: resolved\nseverity: sev2\ntier: L2\n\
         opened: 2023-11-02T09:00:00Z\nresolved: 2023-11-03T17:30:00Z\npaths:\n  - {path}\n\
         root_cause: \"N+1 price lookups once the cache is cold\"\nsource: manual\n",
        serde_json::to_string(title).unwrap()
    )
}

/// `n` fragile files `src/mod{i}.rs`, one note each (`title` for the first), all edited by
/// the pull request.
fn pull_request(n: usize, title: &str) -> Pr {
    let mut repo = TestRepo::new();
    for i in 0..n {
        repo.write(&format!("src/mod{i}.rs"), &format!("fn f{i}() {{}}\n"));
        let t = if i == 0 {
            title.to_string()
        } else {
            format!("Incident {i}")
        };
        repo.write(
            &format!(".incidents/inc{i:05}.yaml"),
            &note_yaml(&format!("inc{i:05}"), &t, &format!("src/mod{i}.rs")),
        );
    }
    let base = repo.commit("base with notes");
    for i in 0..n {
        repo.write(&format!("src/mod{i}.rs"), &format!("fn f{i}() {{ g() }}\n"));
    }
    let head = repo.commit("touch the fragile files");
    let files = tempfile::tempdir().unwrap();
    Pr {
        repo,
        base,
        head,
        files,
    }
}

impl Pr {
    fn event(&self) -> PathBuf {
        let event = json!({
            "action": "synchronize",
            "number": 7,
            "pull_request": {
                "number": 7,
                "html_url": format!("https://github.com/{REPO}/pull/7"),
                "base": {"ref": "main", "sha": self.base, "repo": {"full_name": REPO}},
                "head": {"ref": "feature", "sha": self.head, "repo": {"full_name": REPO}}
            },
            "repository": {"full_name": REPO}
        });
        let path = self.files.path().join("event.json");
        std::fs::write(&path, event.to_string()).unwrap();
        path
    }

    /// A check result flagging the first `n` files (what `check --format json` prints).
    fn result(&self, n: usize, title: &str) -> PathBuf {
        let files: Vec<Value> = (0..n)
            .map(|i| {
                json!({
                    "path": format!("src/mod{i}.rs"),
                    "level": if i == 0 { "high" } else { "medium" },
                    "score": 6.0 - i as f64 * 0.1,
                    "incidents": [{
                        "id": format!("inc{i:05}"),
                        "title": if i == 0 { title.to_string() } else { format!("Incident {i}") },
                        "severity": "sev2"
                    }],
                    "fix_commits": 1,
                })
            })
            .collect();
        let risk = if n == 0 { "none" } else { "high" };
        let result = json!({"base": self.base, "head": self.head, "risk": risk, "files": files});
        let path = self.files.path().join(format!("result-{n}.json"));
        std::fs::write(&path, result.to_string()).unwrap();
        path
    }

    fn summary_path(&self) -> PathBuf {
        self.files.path().join("summary.md")
    }

    fn output_path(&self) -> PathBuf {
        self.files.path().join("output.txt")
    }

    /// Run `git incident action` the way action.yml does.
    fn action(&self, api: &str, result: Option<&Path>, extra: &[&str]) -> Output {
        let mut cmd = bin();
        hermetic_env(&mut cmd, self.repo.home.path());
        cmd.current_dir(self.repo.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", self.event())
            .env("GITHUB_API_URL", api)
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_TOKEN", "ghs_test_token_value")
            .env("GITHUB_STEP_SUMMARY", self.summary_path())
            .env("GITHUB_OUTPUT", self.output_path())
            .arg("action");
        if let Some(result) = result {
            cmd.arg("--check-result").arg(result);
        }
        cmd.args(extra);
        run(cmd)
    }
}

fn warnings(out: &Output) -> usize {
    out.stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count()
}

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

// ---- import github ----

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

impl FakeGithub {
    fn rt_block<F: std::future::Future>(&self, f: F) -> F::Output {
        self._rt.block_on(f)
    }
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

// ---- shallow checkouts ----

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
