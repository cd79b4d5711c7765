//! `git incident action`: the GitHub Action's entry point. Reads the pull request event, makes
//! sure the checkout has the history, computes `check` between the pull request's merge base
//! and head with the notes and config of the base commit, and hands the result to
//! `github::run_action` to publish (comment, annotations, summary, outputs).

use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::fragility::{CheckResult, Level};
use crate::github::{self, ActionEnv, ActionOptions, CommentOutcome, PullRequest};
use crate::repo::Repo;
use std::path::PathBuf;

/// Run as the GitHub Action on a pull request
///
/// Reads GITHUB_EVENT_PATH, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN,
/// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT as set by GitHub Actions. Notes are read from the pull
/// request's base commit, so a pull request cannot hide its own warnings.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Exit 1 when the change's risk reaches this level
    #[arg(long, value_enum, env = "INPUT_FAIL_ON", default_value = "none")]
    pub fail_on: FailOn,

    /// Do not post or update the pull request comment
    #[arg(long)]
    pub no_comment: bool,

    /// Do not print line annotations
    #[arg(long)]
    pub no_annotations: bool,

    /// Most warnings to annotate (GitHub shows at most 10 per step)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_annotations: usize,

    /// Publish a result saved by `git incident check --format json` instead of computing it
    #[arg(long, value_name = "FILE", hide = true)]
    pub check_result: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    None,
    Low,
    Medium,
    High,
}

impl FailOn {
    fn fails(self, risk: Level) -> bool {
        let threshold = match self {
            FailOn::None => return false,
            FailOn::Low => Level::Low,
            FailOn::Medium => Level::Medium,
            FailOn::High => Level::High,
        };
        risk >= threshold
    }
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let env = ActionEnv::from_env()?;
    let pr = PullRequest::from_file(&env.event_path, env.repository.as_deref())?;
    let mut repo = Repo::discover(&ctx.cwd)?;
    let workdir = repo.require_workdir()?.to_path_buf();
    let mut fetched = github::checkout::Fetched::default();
    let changed = github::checkout::ensure_history(&repo.git, &workdir, &pr, &mut fetched);
    for message in &fetched.messages {
        ctx.warn(message);
    }
    if changed? {
        repo = Repo::discover(&ctx.cwd)?;
    }
    github::checkout::require_full_history(&repo.git)?;
    let mut fetched = github::checkout::Fetched::default();
    let changed = github::checkout::ensure_objects(&repo.git, &workdir, &pr, &mut fetched);
    for message in &fetched.messages {
        ctx.warn(message);
    }
    if changed? {
        repo = Repo::discover(&ctx.cwd)?;
    }
    let base = repo.resolve_commit(&pr.base_sha)?;
    let head = repo.resolve_commit(&pr.head_sha)?;
    let (notes, config) = crate::store::load_from_tree(&repo.git, base)?;
    for w in &notes.warnings {
        ctx.warn(&format!("{}: {} (skipped)", w.file, w.message));
    }

    let result = match &args.check_result {
        Some(path) => read_result(path)?,
        None => crate::fragility::check(&repo, base, head, &notes, &config)?,
    };
    if let Some(cut) = &result.history_cut_at {
        // Never publish "nothing fragile" from a cut history.
        return Err(
            Error::new(format!("history is cut at {cut} (shallow clone)"))
                .hint("set `fetch-depth: 0` on the actions/checkout step"),
        );
    }

    let opts = ActionOptions {
        comment: !args.no_comment,
        annotations: !args.no_annotations,
        max_annotations: args.max_annotations,
        run_url: run_url(&env),
        unreadable: notes.warnings.clone(),
        ..ActionOptions::default()
    };
    let report = github::run_action(&env, &pr, &result, &notes.notes, &opts, ctx.out)?;
    if !ctx.quiet {
        let comment = match &report.comment {
            CommentOutcome::Created(u) => format!("comment created: {u}"),
            CommentOutcome::Updated(u) => format!("comment updated: {u}"),
            CommentOutcome::Unchanged(u) => format!("comment unchanged: {u}"),
            CommentOutcome::Resolved(u) => format!("comment marked resolved: {u}"),
            CommentOutcome::NotNeeded => "nothing flagged, no comment needed".to_string(),
            CommentOutcome::Disabled => "comment disabled".to_string(),
            CommentOutcome::Failed(reason) => format!("comment not posted: {reason}"),
        };
        let _ = writeln!(
            ctx.err,
            "git-incident: risk {}, {} flagged file(s); {comment}",
            github::comment::level_name(report.risk),
            report.flagged
        );
    }
    Ok(if args.fail_on.fails(report.risk) {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn read_result(path: &std::path::Path) -> Result<CheckResult> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::new(format!("{} is not a check result: {e}", path.display()))
            .hint("write it with `git incident check --format json`")
    })
}

fn run_url(env: &ActionEnv) -> Option<String> {
    let id = std::env::var("GITHUB_RUN_ID")
        .ok()
        .filter(|v| !v.is_empty())?;
    let repo = env.repository.as_deref()?;
    Some(format!("{}/{repo}/actions/runs/{id}", env.server_url))
}
