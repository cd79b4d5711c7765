//! The GitHub part: the Action entry point (`git incident action`) and `import github`. The only
//! async code in the program lives here, behind synchronous functions: `api::Client` builds a
//! current-thread tokio runtime and blocks on it, so the CLI never sees async.

pub mod action;
pub mod annotations;
pub mod api;
pub mod checkout;
pub mod comment;
pub mod escape;
pub mod event;
pub mod import;

pub use action::{ActionOptions, ActionReport, CommentOutcome, run_action};
pub use event::{ActionEnv, PullRequest, Token};

use std::path::PathBuf;

/// What can go wrong talking to GitHub or reading what the runner gave us.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("GITHUB_EVENT_PATH is not set, so this is not a GitHub Actions job")]
    NotInAction,
    #[error("cannot read the event at {}: {message}", path.display())]
    Event { path: PathBuf, message: String },
    /// A variable the runner sets holds something unusable (it was overridden).
    #[error("{name} is `{value}`, which {problem}")]
    Env {
        name: &'static str,
        value: String,
        problem: &'static str,
    },
    #[error("no GitHub token (GITHUB_TOKEN is empty)")]
    NoToken,
    #[error("cannot reach {url}: {message}")]
    Transport { url: String, message: String },
    #[error("GitHub answered {status} for {url}: {message}")]
    Status {
        url: String,
        status: u16,
        message: String,
        rate_limited: bool,
    },
    #[error("unexpected answer from {url}: {message}")]
    Decode { url: String, message: String },
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl GithubError {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            GithubError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GithubError::NotInAction => "run it from the git-incident Action on a pull_request \
                event, or use `git incident check --base REV` locally"
                .to_string(),
            GithubError::Event { .. } => "GITHUB_EVENT_PATH must name the event of a \
                `pull_request` or `pull_request_target` run (the only events the Action supports)"
                .to_string(),
            GithubError::Env { name, .. } => {
                format!("GitHub Actions sets {name} itself; do not override it in `env:`")
            }
            GithubError::NoToken => "set GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ \
                github.token }}`)"
                .to_string(),
            GithubError::Status {
                rate_limited: true, ..
            } => "the API rate limit is used up; retry after it resets, or use a token with \
                a higher limit"
                .to_string(),
            GithubError::Status { status: 401, .. } => {
                "the token was refused; check GITHUB_TOKEN".to_string()
            }
            GithubError::Status { status: 403, .. } => "the token lacks a permission (for \
                comments: `pull-requests: write`; for private repositories: `contents: read`, \
                `issues: read`)"
                .to_string(),
            GithubError::Status { status: 404, .. } => "check the repository name and that \
                the token can see it"
                .to_string(),
            GithubError::Transport { .. } => {
                "check GITHUB_API_URL and the network; GitHub Enterprise uses \
                 https://HOST/api/v3"
                    .to_string()
            }
            _ => return None,
        })
    }
}

impl From<GithubError> for crate::error::Error {
    fn from(e: GithubError) -> Self {
        let mut err = crate::error::Error::new(e.to_string());
        if let Some(hint) = e.hint() {
            err = err.hint(hint);
        }
        err
    }
}
