//! The fake GitHub API (wiremock on 127.0.0.1, answering like GitHub's documented REST
//! responses: issue comments 30 to a page with `Link` headers, `201` on create, `403` for a
//! read-only token) and pull request fixtures: a test repository with notes on the base commit
//! and a head commit touching the fragile files.

use crate::common::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const REPO: &str = "octo/shop";
pub const MARKER: &str = "<!-- git-incident -->";
/// GitHub's default page size, which the fake uses whatever `per_page` asks.
pub const PAGE: usize = 30;

/// One comment as the fake keeps it.
#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub body: String,
    pub bot: bool,
}

/// The fake API's state, shared with its responders.
#[derive(Default)]
pub struct State {
    pub comments: Vec<Comment>,
    pub next_id: u64,
    pub posts: usize,
    pub patches: usize,
    /// Pages of comments served, to see that every page was read.
    pub pages_served: Vec<usize>,
}

pub type Shared = Arc<Mutex<State>>;

pub fn comment_json(base: &str, c: &Comment) -> Value {
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

pub fn page_param(req: &Request) -> usize {
    req.url
        .query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

/// `Link` header for page `page` of `last` pages of `path`.
pub fn link_header(base: &str, path: &str, page: usize, last: usize) -> Option<String> {
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

pub struct ListComments(Shared, String);
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

pub struct CreateComment(Shared, String);
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

pub struct UpdateComment(Shared, String);
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

pub fn forbidden() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        "status": "403"
    }))
}

/// A fake GitHub on 127.0.0.1 with its own runtime; `read_only` refuses every write.
pub struct FakeGithub {
    pub _rt: tokio::runtime::Runtime,
    pub server: MockServer,
    pub state: Shared,
}

impl FakeGithub {
    pub fn start(read_only: bool) -> FakeGithub {
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

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn ours(&self) -> Vec<Comment> {
        let state = self.state.lock().unwrap();
        state
            .comments
            .iter()
            .filter(|c| c.body.starts_with(MARKER))
            .cloned()
            .collect()
    }
}

impl FakeGithub {
    pub fn rt_block<F: std::future::Future>(&self, f: F) -> F::Output {
        self._rt.block_on(f)
    }
}

/// A pull request in a test repository: base commit with notes, head commit touching files.
pub struct Pr {
    pub repo: TestRepo,
    pub base: String,
    pub head: String,
    pub files: tempfile::TempDir,
}

/// A sev2 note opened ten days ago (fragility decays with age from today, so a fixed old date
/// would score nothing with the real `check`).
pub fn note_yaml(id: &str, title: &str, path: &str) -> String {
    let day = 86_400;
    let now = jiff::Timestamp::now().as_second();
    let opened = jiff::Timestamp::from_second(now - 10 * day).unwrap();
    let resolved = jiff::Timestamp::from_second(now - 9 * day).unwrap();
    format!(
        "version: 1\nid: {id}\ntitle: {}\nstatus: resolved\nseverity: sev2\ntier: L2\n\
         opened: {opened}\nresolved: {resolved}\npaths:\n  - {path}\n\
         root_cause: \"N+1 price lookups once the cache is cold\"\nsource: manual\n",
        serde_json::to_string(title).unwrap()
    )
}

/// `n` fragile files `src/mod{i}.rs`, one note each (`title` for the first), all edited by
/// the pull request.
pub fn pull_request(n: usize, title: &str) -> Pr {
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
    pub fn event(&self) -> PathBuf {
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
    pub fn result(&self, n: usize, title: &str) -> PathBuf {
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

    pub fn summary_path(&self) -> PathBuf {
        self.files.path().join("summary.md")
    }

    pub fn output_path(&self) -> PathBuf {
        self.files.path().join("output.txt")
    }

    /// Run `git incident action` the way action.yml does.
    pub fn action(&self, api: &str, result: Option<&Path>, extra: &[&str]) -> Output {
        self.action_env(api, result, extra, &[])
    }

    /// `action` with some variables of the Action's environment replaced.
    pub fn action_env(
        &self,
        api: &str,
        result: Option<&Path>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Output {
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
        cmd.envs(env.iter().copied());
        run(cmd)
    }
}

pub fn warnings(out: &Output) -> usize {
    out.stdout
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .count()
}
