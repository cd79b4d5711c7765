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
    /// Notes on the base commit that could not be read: named in the summary and annotated.
    pub unreadable: Vec<crate::store::Warning>,
}

impl Default for ActionOptions {
    fn default() -> Self {
        ActionOptions {
            comment: true,
            annotations: true,
            max_annotations: annotations::GITHUB_LIMIT,
            max_wait: Duration::from_secs(120),
            run_url: None,
            unreadable: Vec::new(),
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
        unreadable: &opts.unreadable,
    };
    let flagged = comment::flagged(result).len();
    let stdout_err = |e: std::io::Error| GithubError::Io {
        path: "stdout".into(),
        source: e,
    };

    // The summary first: it is the complete record even if everything after fails.
    // A summary that cannot be written is the least important output: a notice, not a failure.
    let mut summary_failed = None;
    if let Some(path) = &env.step_summary
        && let Err(e) = append(path, &comment::summary(result, &ctx))
    {
        summary_failed = Some(format!("GITHUB_STEP_SUMMARY: {e}"));
    }
    if let Some(reason) = summary_failed {
        writeln!(
            out,
            "::notice title=git-incident::{}",
            command_data(&format!("The job summary could not be written ({reason})."))
        )
        .map_err(stdout_err)?;
    }

    let mut unannotated = 0;
    if opts.annotations {
        // A broken note hides an incident: each one is a warning on its file, ahead of the
        // findings (they share GitHub's budget of 10).
        let notes = opts.unreadable.len().min(opts.max_annotations.min(3));
        for w in opts.unreadable.iter().take(notes) {
            writeln!(
                out,
                "::warning file={},title={}::{}",
                super::escape::command_property(&w.file),
                super::escape::command_property("git-incident: unreadable note"),
                command_data(&format!(
                    "This note could not be read, so its incident is left out of the check: {}",
                    super::escape::collapse(&w.message)
                ))
            )
            .map_err(stdout_err)?;
        }
        let (lines, rest) =
            annotations::commands(result, opts.max_annotations.saturating_sub(notes));
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
        append(path, &text).map_err(|e| match e {
            GithubError::Io { path, source } => GithubError::Io {
                path: format!("{} (GITHUB_OUTPUT)", path.display()).into(),
                source,
            },
            other => other,
        })?;
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
///
/// Only a comment written by the token's own identity counts as ours (a bot, or the login
/// `GET /user` names): a comment by anyone else carrying the marker is ignored, so a pull
/// request author cannot hide or edit the warning. A comment gone between the list and the
/// update (404/410) is posted anew. Before creating, the list is read again so that of two
/// runs at once the second updates the first one's comment instead of adding another.
fn publish_comment(
    env: &ActionEnv,
    pr: &PullRequest,
    result: &CheckResult,
    ctx: &RenderContext,
    opts: &ActionOptions,
) -> Result<CommentOutcome, GithubError> {
    let token = env.token.as_ref().ok_or(GithubError::NoToken)?;
    let client = Client::new(&env.api_url, Some(token))?.with_max_wait(opts.max_wait);
    // The Actions token cannot read `/user` (403): then only bots count.
    let own_login = client
        .get("/user")
        .ok()
        .and_then(|u| u.get("login").and_then(Value::as_str).map(str::to_string));
    let body = comment::comment_body(result, ctx);
    let comment_path = |id: u64| format!("/repos/{}/issues/comments/{id}", pr.repository);
    let target = match &body {
        Some(body) => body.clone(),
        None => comment::resolved_body(ctx),
    };
    let done = |url: String, changed: bool| match (&body, changed) {
        (_, false) => CommentOutcome::Unchanged(url),
        (Some(_), true) => CommentOutcome::Updated(url),
        (None, true) => CommentOutcome::Resolved(url),
    };
    let mut existing = find_comment(&client, pr, own_login.as_deref())?;
    if existing.is_none() && body.is_some() {
        existing = find_comment(&client, pr, own_login.as_deref())?;
    }
    if let Some(found) = existing {
        if found.body == target {
            return Ok(done(found.url, false));
        }
        match client.patch(&comment_path(found.id), &json!({ "body": target })) {
            Ok(reply) => return Ok(done(html_url(&reply).unwrap_or(found.url), true)),
            Err(e) if matches!(e.status(), Some(404) | Some(410)) => {}
            Err(e) => return Err(e),
        }
        if body.is_none() {
            // Our comment is gone and nothing is flagged: nothing to say.
            return Ok(CommentOutcome::NotNeeded);
        }
    }
    match body {
        Some(body) => {
            let reply = client.post(
                &format!("/repos/{}/issues/{}/comments", pr.repository, pr.number),
                &json!({ "body": body }),
            )?;
            Ok(CommentOutcome::Created(
                html_url(&reply).unwrap_or_default(),
            ))
        }
        None => Ok(CommentOutcome::NotNeeded),
    }
}

struct Found {
    id: u64,
    body: String,
    url: String,
}

/// Our comment: among comments starting with the marker and written by us (the token's login
/// when known, else any bot), the newest of the best kind: the token's login, then
/// `github-actions[bot]`, then another bot. The newest, so that after two concurrent runs the
/// last writer's comment is the one kept up to date.
fn find_comment(
    client: &Client,
    pr: &PullRequest,
    own_login: Option<&str>,
) -> Result<Option<Found>, GithubError> {
    let mut best: Option<(u8, Found)> = None;
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
                let Some(rank) = author_rank(&c, own_login) else {
                    continue;
                };
                if best.as_ref().is_some_and(|(r, _)| *r > rank) {
                    continue;
                }
                let found = Found {
                    id,
                    body: body.to_string(),
                    url: html_url(&c).unwrap_or_default(),
                };
                best = Some((rank, found));
            }
            true
        },
    )?;
    Ok(best.map(|(_, f)| f))
}

/// How surely a comment's author is us: `None` when it is someone else.
fn author_rank(c: &Value, own_login: Option<&str>) -> Option<u8> {
    let login = c.pointer("/user/login").and_then(Value::as_str);
    let is_bot = c
        .pointer("/user/type")
        .and_then(Value::as_str)
        .is_some_and(|t| t == "Bot");
    match (login, own_login) {
        (Some(l), Some(own)) if l == own => Some(3),
        (Some("github-actions[bot]"), _) if is_bot => Some(2),
        _ if is_bot => Some(1),
        _ => None,
    }
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
