//! What the Action runner tells us: the environment variables GitHub sets for a step and the
//! pull request event payload at `$GITHUB_EVENT_PATH`.

use super::GithubError;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The API token. Its `Debug` and `Display` never show the value, so it cannot leak into logs
/// or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token from a non-empty string.
    pub fn new(value: impl Into<String>) -> Option<Token> {
        let value = value.into();
        let trimmed = value.trim();
        (!trimmed.is_empty()).then(|| Token(trimmed.to_string()))
    }

    /// The secret itself, for the one place that builds the Authorization header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// The default API base (github.com); GitHub Enterprise sets `GITHUB_API_URL` to its own.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// The default web base, for links in the comment.
pub const DEFAULT_SERVER_URL: &str = "https://github.com";

/// The Action's environment, read once at the entry point.
#[derive(Debug, Clone)]
pub struct ActionEnv {
    pub event_name: Option<String>,
    pub event_path: PathBuf,
    pub api_url: String,
    pub server_url: String,
    /// `OWNER/NAME` of the repository the workflow runs in (the base repository).
    pub repository: Option<String>,
    pub token: Option<Token>,
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

impl ActionEnv {
    /// Read from a lookup function (the process environment in production, a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<ActionEnv, GithubError> {
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let event_path = non_empty("GITHUB_EVENT_PATH").ok_or(GithubError::NotInAction)?;
        Ok(ActionEnv {
            event_name: non_empty("GITHUB_EVENT_NAME"),
            event_path: PathBuf::from(event_path),
            api_url: non_empty("GITHUB_API_URL")
                .unwrap_or_else(|| DEFAULT_API_URL.to_string())
                .trim_end_matches('/')
                .to_string(),
            server_url: non_empty("GITHUB_SERVER_URL")
                .unwrap_or_else(|| DEFAULT_SERVER_URL.to_string())
                .trim_end_matches('/')
                .to_string(),
            repository: non_empty("GITHUB_REPOSITORY"),
            token: non_empty("GITHUB_TOKEN").and_then(Token::new),
            step_summary: non_empty("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: non_empty("GITHUB_OUTPUT").map(PathBuf::from),
        })
    }

    /// Read from the process environment.
    pub fn from_env() -> Result<ActionEnv, GithubError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }
}

/// The parts of a `pull_request` / `pull_request_target` event the Action uses.
#[derive(Debug, Clone)]
pub struct PullRequest {
    pub number: u64,
    pub base_sha: String,
    pub head_sha: String,
    pub base_ref: String,
    /// `OWNER/NAME` of the base repository (where the comment goes).
    pub repository: String,
    /// The head repository differs from the base: a fork, whose token is read-only.
    pub from_fork: bool,
    pub html_url: Option<String>,
}

#[derive(Deserialize)]
struct Payload {
    pull_request: Option<PrPayload>,
    repository: Option<RepoPayload>,
}

#[derive(Deserialize)]
struct PrPayload {
    number: u64,
    base: RefPayload,
    head: RefPayload,
    html_url: Option<String>,
}

#[derive(Deserialize)]
struct RefPayload {
    sha: String,
    #[serde(rename = "ref", default)]
    git_ref: String,
    repo: Option<RepoPayload>,
}

#[derive(Deserialize)]
struct RepoPayload {
    full_name: String,
}

impl PullRequest {
    /// Parse the event file; `repository` (from `GITHUB_REPOSITORY`) wins over the payload's.
    pub fn from_file(path: &Path, repository: Option<&str>) -> Result<PullRequest, GithubError> {
        if let Some(repo) = repository.filter(|r| !is_repo_name(r)) {
            return Err(GithubError::Env {
                name: "GITHUB_REPOSITORY",
                value: super::escape::truncate(&super::escape::collapse(repo), 100),
                problem: "is not an OWNER/NAME repository",
            });
        }
        let text = std::fs::read_to_string(path).map_err(|e| GithubError::Event {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::from_json(&text, repository).map_err(|message| GithubError::Event {
            path: path.to_path_buf(),
            message,
        })
    }

    pub fn from_json(text: &str, repository: Option<&str>) -> Result<PullRequest, String> {
        let payload: Payload = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let pr = payload.pull_request.ok_or_else(|| {
            "the event has no `pull_request` (run the Action on `pull_request` or \
             `pull_request_target`)"
                .to_string()
        })?;
        let repository = repository
            .map(str::to_string)
            .or_else(|| pr.base.repo.as_ref().map(|r| r.full_name.clone()))
            .or_else(|| payload.repository.as_ref().map(|r| r.full_name.clone()))
            .ok_or_else(|| "the event names no repository".to_string())?;
        if !is_repo_name(&repository) {
            return Err(format!("`{repository}` is not an OWNER/NAME repository"));
        }
        for sha in [&pr.base.sha, &pr.head.sha] {
            if sha.len() < 7 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("`{sha}` is not a commit id"));
            }
        }
        let from_fork = match (&pr.head.repo, &pr.base.repo) {
            (Some(h), Some(b)) => !h.full_name.eq_ignore_ascii_case(&b.full_name),
            // A deleted fork has no head repo.
            (None, _) => true,
            _ => false,
        };
        Ok(PullRequest {
            number: pr.number,
            base_sha: pr.base.sha,
            head_sha: pr.head.sha,
            base_ref: pr.base.git_ref,
            repository,
            from_fork,
            html_url: pr.html_url,
        })
    }
}

/// `OWNER/NAME` with characters GitHub allows, so it can go into a URL path as it is.
pub fn is_repo_name(name: &str) -> bool {
    let mut parts = name.split('/');
    let ok = |s: Option<&str>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_hides_the_secret() {
        let t = Token::new("ghp_secret123").unwrap();
        assert_eq!(format!("{t:?}"), "Token(***)");
        let env = ActionEnv::from_lookup(|n| match n {
            "GITHUB_EVENT_PATH" => Some("/e.json".into()),
            "GITHUB_TOKEN" => Some("ghp_secret123".into()),
            _ => None,
        })
        .unwrap();
        assert!(!format!("{env:?}").contains("secret123"));
        assert_eq!(env.api_url, DEFAULT_API_URL);
    }

    #[test]
    fn parses_a_fork_pull_request() {
        let json = r#"{"number": 7, "pull_request": {"number": 7,
            "html_url": "https://github.com/o/r/pull/7",
            "base": {"ref": "main", "sha": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "repo": {"full_name": "o/r"}},
            "head": {"ref": "x", "sha": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "repo": {"full_name": "f/r"}}},
            "repository": {"full_name": "o/r"}}"#;
        let pr = PullRequest::from_json(json, None).unwrap();
        assert_eq!(pr.number, 7);
        assert_eq!(pr.repository, "o/r");
        assert!(pr.from_fork);
    }

    #[test]
    fn rejects_a_push_event() {
        assert!(PullRequest::from_json(r#"{"ref": "refs/heads/main"}"#, None).is_err());
    }

    #[test]
    fn repo_names() {
        assert!(is_repo_name("BurntSushi/ripgrep"));
        assert!(!is_repo_name("a/b/c"));
        assert!(!is_repo_name("../x"));
        assert!(!is_repo_name("a/b?x=1"));
    }
}
