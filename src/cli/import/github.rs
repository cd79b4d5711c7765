//! `git incident import github`: notes from closed bug issues of a GitHub repository.

use crate::cli::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::github::api::Client;
use crate::github::event::{DEFAULT_API_URL, Token, is_repo_name};
use crate::github::import::{self, ImportOptions};
use crate::repo::Repo;
use crate::store::{LoadedNote, Store};
use std::collections::BTreeSet;

/// Notes from closed bug issues of a GitHub repository
///
/// Each closed issue with the label becomes a note (`source: github`) with its title, dates,
/// labels as tags and severity, code blocks as symptoms, and the commits whose messages name
/// it (`#N`) as fixes. Running it again adds only issues not imported yet. The token comes
/// from GITHUB_TOKEN (optional for public repositories); GITHUB_API_URL selects GitHub
/// Enterprise.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository, as OWNER/NAME
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: String,

    /// Only issues with this label
    #[arg(long, default_value = "bug")]
    pub label: String,

    /// Import every closed issue, whatever its labels
    #[arg(long, conflicts_with = "label")]
    pub all_labels: bool,

    /// Only issues closed on or after this date (YYYY-MM-DD or RFC 3339)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Do not look for merged pull requests that close the issues
    #[arg(long)]
    pub no_pull_requests: bool,

    /// Show what would be imported without writing notes
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    if !is_repo_name(&args.repo) {
        return Err(
            Error::new(format!("`{}` is not a repository name", args.repo))
                .hint("pass --repo OWNER/NAME, as in github.com/OWNER/NAME"),
        );
    }
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let repo = Repo::discover(&ctx.cwd)?;
    let workdir = repo.require_workdir()?.to_path_buf();
    let store = Store::new(&workdir);
    // Held to the end: reading the notes and writing new ones must not interleave with
    // another import (each would import everything).
    let _lock = crate::store::lock::acquire(repo.git.git_dir())?;
    let existing = store.load().map_err(|e| {
        Error::new(format!(
            "cannot read the notes in {}: {e}",
            store.dir().display()
        ))
    })?;
    let (keys, links) = known(&existing.notes);

    let api_url = std::env::var("GITHUB_API_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_API_URL.to_string());
    let token = std::env::var("GITHUB_TOKEN").ok().and_then(Token::new);
    if token.is_none() {
        ctx.warn("GITHUB_TOKEN is not set: reading anonymously (public repositories only, 60 requests an hour)");
    }
    let client = Client::new(&api_url, token.as_ref())?;
    let opts = ImportOptions {
        repo: args.repo.clone(),
        label: (!args.all_labels).then(|| args.label.clone()),
        since,
        pull_requests: !args.no_pull_requests,
    };
    let fetched = import::fetch(&client, &opts)?;
    let commits = import::commits_naming_issues(&workdir).unwrap_or_else(|e| {
        ctx.warn(&format!("{e}; notes are imported without commits"));
        Default::default()
    });

    let mut created = 0;
    let mut already = 0;
    for issue in &fetched.issues {
        let key = import::import_key(&args.repo, issue.number);
        if keys.contains(&key) || links.contains(&issue.html_url) {
            already += 1;
            continue;
        }
        let prs = fetched
            .closing
            .get(&issue.number)
            .cloned()
            .unwrap_or_default();
        let mut linked = commits.get(&issue.number).cloned().unwrap_or_default();
        // Squash merges name the pull request, not the issue.
        for pr in &prs {
            linked.extend(commits.get(&pr.number).cloned().unwrap_or_default());
        }
        let note = import::to_note(&args.repo, issue, &linked, &prs, opts.label.as_deref());
        if args.dry_run {
            writeln!(ctx.out, "#{}\t{}", issue.number, note.title)?;
        } else {
            let written = store.create(note)?;
            writeln!(ctx.out, "{}", written.note.id)?;
        }
        created += 1;
    }
    if !ctx.quiet {
        let verb = if args.dry_run {
            "would import"
        } else {
            "imported"
        };
        let _ = writeln!(
            ctx.err,
            "{verb} {created} note(s) from {} closed issue(s) of {}; {already} already imported, \
             {} pull request(s) skipped",
            fetched.issues.len(),
            args.repo,
            fetched.skipped_pull_requests
        );
    }
    Ok(Outcome::Success)
}

/// Import keys and issue URLs of the notes already in the store.
fn known(notes: &[LoadedNote]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut keys = BTreeSet::new();
    let mut links = BTreeSet::new();
    for n in notes {
        if let Some(k) = &n.note.imported_from {
            keys.insert(k.clone());
        }
        links.extend(n.note.links.iter().cloned());
    }
    (keys, links)
}

fn parse_since(s: &str) -> Result<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.to_zoned_datetime(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            Error::new(format!("`{s}` is not a date"))
                .hint("use YYYY-MM-DD or an RFC 3339 time such as 2024-01-31T12:00:00Z")
        })
}
