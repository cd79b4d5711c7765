//! `git incident import commits`: notes from fix commits in history, one per ticket they name.
//! Planning is `import::commits::plan` (pure); this file reads history and notes, writes the
//! new notes, prints their ids on stdout and a summary on stderr.

use crate::cli::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::history::ScanOptions;
use crate::import::commits::{Growth, Options, plan};
use crate::store::{LoadedNote, Note, Store};

/// Notes from fix commits in history, one per ticket they name
///
/// Walks the history from --rev, keeps the commits whose message matches the fix pattern
/// (config `fix_pattern`), and groups them by the ticket they name (`#123`, `(#1234)`, `GH-12`,
/// `PROJ-123`); a fix that names no ticket gets a note of its own. Each note gets the first
/// fix's subject as title, the files the fixes changed (under their current names), the fix
/// commits, and their dates as opened and resolved. Running it again creates nothing new: a
/// commit that a note already lists as its fix is never imported twice. Prints the new ids on
/// stdout and a summary on stderr.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Revision to walk history from
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,

    /// Only fix commits authored on or after DATE (2024-01-01 or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Show what would be created (key and title) without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let since = match &args.since {
        Some(s) => Some(crate::report::period::parse_date(s, false).ok_or_else(|| {
            Error::new(format!("`{s}` given to --since is not a date"))
                .hint("write a date as 2024-01-01 or a time as 2024-01-01T08:00:00Z")
        })?),
        None => None,
    };
    let repo = crate::repo::Repo::discover(&ctx.cwd)?;
    let root = repo.require_workdir()?.to_path_buf();
    let store = Store::new(&root);
    // Held to the end: reading the notes and writing new ones must not interleave with
    // another import (each would import everything).
    let _lock = crate::store::lock::acquire(repo.git.git_dir())?;
    let config = crate::cli::report::load_config(&store, ctx);
    let mut scan = ScanOptions::from_config(&config);
    scan.rev = Some(args.rev.clone());
    let history = crate::cli::hotspots::scan_with_progress(&repo, &scan, ctx)?;

    let set = store.load().map_err(|e| {
        Error::new(format!("cannot read the notes: {e}")).hint("check that .incidents/ is readable")
    })?;
    let mut existing: Vec<Note> = set.notes.iter().map(|n| n.note.clone()).collect();
    for w in &set.warnings {
        ctx.warn(&format!("skipping {}: {}", w.file, w.message));
        // Its commits still count as imported: a note that parses but is left out must not
        // get a fresh copy on every run.
        let file = root.join(&w.file);
        if std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file())
            && let Ok(text) = std::fs::read_to_string(&file)
            && let Some(note) = crate::store::parse_note_leniently(&text)
        {
            existing.push(note);
        }
    }

    let mut ignore = globset::GlobSetBuilder::new();
    for pattern in &config.ignore {
        match globset::Glob::new(pattern) {
            Ok(g) => {
                ignore.add(g);
            }
            Err(e) => ctx.warn(&format!("ignoring the ignore glob `{pattern}`: {e}")),
        }
    }
    let options = Options {
        since,
        ignore: ignore.build().ok(),
        github_repo_url: github_url(&repo),
    };
    let plan = plan(&history, &existing, &options);
    if let Some(first) = plan.non_utf8_paths.first() {
        // Notes are UTF-8 text: a lossily decoded name would match no file, so such paths are
        // left out (the note still lists the fix commit) and said so once.
        ctx.warn(&format!(
            "left out {} file name(s) that are not UTF-8 (such as `{first}`): notes can only name UTF-8 paths",
            plan.non_utf8_paths.len()
        ));
    }

    if args.dry_run {
        for draft in &plan.create {
            writeln!(ctx.out, "{}\t{}", draft.key, draft.note.title)?;
        }
        if !ctx.quiet {
            writeln!(
                ctx.err,
                "would create {} notes from {} fix commits, {} already imported, {} to update",
                plan.create.len(),
                plan.fix_commits,
                plan.already,
                plan.grow.len()
            )?;
        }
        return Ok(Outcome::Success);
    }

    let mut created = 0;
    for mut draft in plan.create {
        // A sweeping fix (hundreds of files) is trimmed to what a note may hold.
        crate::store::limits::fit(&mut draft.note);
        let note = store.create(draft.note).map_err(|e| {
            Error::new(format!("cannot write a note: {e}"))
                .hint("check that .incidents/ is writable")
        })?;
        writeln!(ctx.out, "{}", note.note.id)?;
        created += 1;
    }
    let mut updated = 0;
    for grow in &plan.grow {
        if let Some(loaded) = set.get(&grow.note_id) {
            updated += usize::from(grow_note(&store, loaded, grow, ctx)?);
        }
    }
    if !ctx.quiet {
        let mut summary = format!(
            "created {created} notes from {} fix commits, {} already imported",
            plan.fix_commits, plan.already
        );
        if updated > 0 {
            summary.push_str(&format!(", {updated} updated with newer fix commits"));
        }
        if plan.rewritten > 0 {
            summary.push_str(&format!(
                ", {} recognised as rebased or amended copies of imported fixes",
                plan.rewritten
            ));
        }
        writeln!(ctx.err, "{summary}")?;
    }
    Ok(Outcome::Success)
}

/// Add newly found fix commits to an imported note, but only when the file is exactly as the
/// tool wrote it: a note a person edited (comments, order, wording) is never rewritten; the
/// warning says what to add by hand instead.
fn grow_note(store: &Store, loaded: &LoadedNote, grow: &Growth, ctx: &mut Ctx) -> Result<bool> {
    let id = &loaded.note.id;
    let untouched = store
        .read_text(id)
        .is_ok_and(|text| text == crate::store::render(&loaded.note));
    if !untouched {
        ctx.warn(&format!(
            "note {id} ({}) was edited by hand, so its {} newer fix commits were not added: {}",
            grow.key,
            grow.additions.commits.fixed_by.len(),
            grow.additions.commits.fixed_by.join(", ")
        ));
        return Ok(false);
    }
    let mut note = loaded.clone();
    grow.apply(&mut note.note);
    crate::store::limits::fit(&mut note.note);
    store.update(&note).map_err(|e| {
        Error::new(format!("cannot update note {id}: {e}"))
            .hint("check that .incidents/ is writable")
    })?;
    Ok(true)
}

/// `https://github.com/owner/name` when `origin` points at GitHub, for ticket links.
fn github_url(repo: &crate::repo::Repo) -> Option<String> {
    let url = repo
        .git
        .config_snapshot()
        .string("remote.origin.url")?
        .to_string();
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))?;
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let mut parts = rest.split('/');
    let (owner, name) = (parts.next()?, parts.next()?);
    (!owner.is_empty() && !name.is_empty() && parts.next().is_none())
        .then(|| format!("https://github.com/{owner}/{name}"))
}
