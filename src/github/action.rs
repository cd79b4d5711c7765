//! The Action's publishing step, once `check` has run: the pull request comment (created once,
//! updated in place, marked resolved when nothing is flagged any more), the annotations, the
//! job summary and the step outputs. Posting the comment may fail (a fork's read-only token);
//! everything else still happens and a notice says why the comment is missing.

use super::api::Client;
use super::comment::{self, MARKER, RenderContext};
use super::escape::command_data;
use super::event::{ActionEnv, PullRequest};
use super::{GithubError, annotations};
use crate::fragility::{CheckResult, Level};
use crate::store::LoadedNote;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// The Action's switches (inputs of `action.yml`).
#[derive(Debug, Clone)]
pub struct ActionOptions {
    pub comment: bool,
    pub annotations: bool,
    /// Warnings to print at most (GitHub shows 10 per kind per step).
    pub max_annotations: usize,
    /// Longest wait on a rate limit before giving up.
    pub max_wait: Duration,
    /// Link to the workflow run (`{server}/{repo}/actions/runs/{id}`), for the comment.
    pub run_url: Option<String>,
}

impl Default for ActionOptions {
    fn default() -> Self {
        ActionOptions {
            comment: true,
            annotations: true,
            max_annotations: annotations::GITHUB_LIMIT,
            max_wait: Duration::from_secs(120),
            run_url: None,
        }
    }
}

/// What happened to the pull request comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentOutcome {
    Created(String),
    Updated(String),
    /// The existing comment already says this.
    Unchanged(String),
    /// Nothing flagged any more: the earlier comment now says so.
    Resolved(String),
    /// Nothing flagged and no earlier comment: nothing posted.
    NotNeeded,
    /// `--no-comment`.
    Disabled,
    /// Could not post (reason for the notice).
    Failed(String),
}

impl CommentOutcome {
    pub fn url(&self) -> Option<&str> {
        match self {
            CommentOutcome::Created(u)
            | CommentOutcome::Updated(u)
            | CommentOutcome::Unchanged(u)
            | CommentOutcome::Resolved(u) => Some(u),
            _ => None,
        }
    }
}

/// The Action's result, for the exit code and the log.
#[derive(Debug, Clone)]
pub struct ActionReport {
    pub risk: Level,
    pub flagged: usize,
    pub comment: CommentOutcome,
    /// Findings left out of the annotations (they are in the summary).
    pub unannotated: usize,
}

/// Publish a check result on a pull request. Workflow commands (annotations, notices) go to
/// `out`, which is the step's stdout.
pub fn run_action(
    env: &ActionEnv,
    pr: &PullRequest,
    result: &CheckResult,
    notes: &[LoadedNote],
    opts: &ActionOptions,
    out: &mut dyn Write,
) -> Result<ActionReport, GithubError> {
    let ctx = RenderContext {
        repository: &pr.repository,
        server_url: &env.server_url,
        base_sha: &pr.base_sha,
        head_sha: &pr.head_sha,
        notes,
        run_url: opts.run_url.as_deref(),
    };
    let flagged = comment::flagged(result).len();
    let stdout_err = |e: std::io::Error| GithubError::Io {
        path: "stdout".into(),
        source: e,
    };

    // The summary first: it is the complete record even if everything after fails.
    if let Some(path) = &env.step_summary {
        append(path, &comment::summary(result, &ctx))?;
    }

    let mut unannotated = 0;
    if opts.annotations {
        let (lines, rest) = annotations::commands(result, opts.max_annotations);
        unannotated = rest;
        for line in lines {
            writeln!(out, "{line}").map_err(stdout_err)?;
        }
    }

    let outcome = if opts.comment {
        match publish_comment(env, pr, result, &ctx, opts) {
            Ok(outcome) => outcome,
            Err(e) => CommentOutcome::Failed(failure_reason(&e, pr)),
        }
    } else {
        CommentOutcome::Disabled
    };
    if let CommentOutcome::Failed(reason) = &outcome {
        writeln!(
            out,
            "::notice title=git-incident::{}",
            command_data(&format!(
                "The pull request comment could not be posted: {reason} The annotations and the \
                 job summary show the result."
            ))
        )
        .map_err(stdout_err)?;
    }

    if let Some(path) = &env.output {
        let mut text = output_line("risk", comment::level_name(result.risk));
        text.push_str(&output_line("flagged", &flagged.to_string()));
        text.push_str(&output_line("comment-url", outcome.url().unwrap_or("")));
        append(path, &text)?;
    }

    Ok(ActionReport {
        risk: result.risk,
        flagged,
        comment: outcome,
        unannotated,
    })
}

fn failure_reason(e: &GithubError, pr: &PullRequest) -> String {
    match e.status() {
        Some(403) | Some(401) if pr.from_fork => {
            format!("GitHub refused it ({e}); pull requests from forks get a read-only token.")
        }
        Some(403) => format!(
            "GitHub refused it ({e}); give the workflow `permissions: pull-requests: write`."
        ),
        _ => format!("{e}."),
    }
}

/// Find our comment (across every page), then create, update or resolve it.
fn publish_comment(
    env: &ActionEnv,
    pr: &PullRequest,
    result: &CheckResult,
    ctx: &RenderContext,
    opts: &ActionOptions,
) -> Result<CommentOutcome, GithubError> {
    let token = env.token.as_ref().ok_or(GithubError::NoToken)?;
    let client = Client::new(&env.api_url, Some(token))?.with_max_wait(opts.max_wait);
    let body = comment::comment_body(result, ctx);
    let existing = find_comment(&client, pr)?;
    let comment_path = |id: u64| format!("/repos/{}/issues/comments/{id}", pr.repository);
    match (existing, body) {
        (Some(found), Some(body)) => {
            if found.body == body {
                return Ok(CommentOutcome::Unchanged(found.url));
            }
            let reply = client.patch(&comment_path(found.id), &json!({ "body": body }))?;
            Ok(CommentOutcome::Updated(
                html_url(&reply).unwrap_or(found.url),
            ))
        }
        (Some(found), None) => {
            let resolved = comment::resolved_body(ctx);
            if found.body == resolved {
                return Ok(CommentOutcome::Unchanged(found.url));
            }
            let reply = client.patch(&comment_path(found.id), &json!({ "body": resolved }))?;
            Ok(CommentOutcome::Resolved(
                html_url(&reply).unwrap_or(found.url),
            ))
        }
        (None, Some(body)) => {
            let reply = client.post(
                &format!("/repos/{}/issues/{}/comments", pr.repository, pr.number),
                &json!({ "body": body }),
            )?;
            Ok(CommentOutcome::Created(
                html_url(&reply).unwrap_or_default(),
            ))
        }
        (None, None) => Ok(CommentOutcome::NotNeeded),
    }
}

struct Found {
    id: u64,
    body: String,
    url: String,
}

/// Our comment: the first whose body starts with the marker, preferring one written by a bot
/// (the Actions token posts as `github-actions[bot]`), so a person quoting the marker is not
/// mistaken for it.
fn find_comment(client: &Client, pr: &PullRequest) -> Result<Option<Found>, GithubError> {
    let mut by_person = None;
    let mut by_bot = None;
    client.for_each_page(
        &format!(
            "/repos/{}/issues/{}/comments?per_page=100",
            pr.repository, pr.number
        ),
        |page| {
            for c in page {
                let body = c.get("body").and_then(Value::as_str).unwrap_or("");
                let Some(id) = c.get("id").and_then(Value::as_u64) else {
                    continue;
                };
                if !body.trim_start().starts_with(MARKER) {
                    continue;
                }
                let found = Found {
                    id,
                    body: body.to_string(),
                    url: html_url(&c).unwrap_or_default(),
                };
                let is_bot = c
                    .pointer("/user/type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t == "Bot");
                if is_bot {
                    by_bot = Some(found);
                    return false;
                }
                by_person.get_or_insert(found);
            }
            true
        },
    )?;
    Ok(by_bot.or(by_person))
}

fn html_url(v: &Value) -> Option<String> {
    v.get("html_url")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// One `$GITHUB_OUTPUT` entry in the multi-line form, with a delimiter that cannot occur in the
/// value (the form GitHub documents as safe against injected `name=value` lines).
pub fn output_line(name: &str, value: &str) -> String {
    let mut n: u64 = u64::from(std::process::id());
    let mut delimiter = format!("ghadelimiter_{n:x}");
    while value.contains(&delimiter) {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        delimiter = format!("ghadelimiter_{n:x}");
    }
    format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
}

fn append(path: &Path, text: &str) -> Result<(), GithubError> {
    let io = |e| GithubError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    if !text.ends_with('\n') {
        file.write_all(b"\n").map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn output_values_cannot_inject_lines() {
        let line = output_line("risk", "high\nflagged=999");
        let delim = line.lines().next().unwrap().split("<<").nth(1).unwrap();
        assert_eq!(line, format!("risk<<{delim}\nhigh\nflagged=999\n{delim}\n"));
    }
}
