//! `git incident import commits`: notes from fix commits in history, one per ticket they name.
//! Planning is `import::commits::plan` (pure); this file reads history and notes, writes the
//! new notes, prints their ids on stdout and a summary on stderr.

use crate::cli::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::import::commits::{Options, plan};
use crate::store::{Note, Store};
use std::io::Write;

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
    let config = crate::cli::report::load_config(&root, ctx);
    let fix_pattern = regex::Regex::new(&config.fix_pattern).map_err(|e| {
        Error::new("the fix_pattern in .incidents/config.yaml is not a valid regular expression")
            .hint("fix it, or remove it to use the default")
            .with_source(e)
    })?;
    let start = repo.resolve_commit(&args.rev)?;
    let history = crate::import::gitlog::scan(&root, &start.to_string(), &fix_pattern)
        .map_err(|e| Error::new("cannot read the history").with_source(e))?;
    for w in &history.warnings {
        ctx.warn(w);
    }

    let store = Store::new(&root);
    let set = store
        .load()
        .map_err(|e| Error::new("cannot read the notes in .incidents/").with_source(e))?;
    for w in &set.warnings {
        ctx.warn(&format!("skipping {}: {}", w.file, w.message));
    }
    let existing: Vec<Note> = set.notes.into_iter().map(|n| n.note).collect();

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
    let plan = plan(&history.commits, &existing, &options);

    if args.dry_run {
        for draft in &plan.create {
            writeln!(ctx.out, "{}\t{}", draft.key, draft.note.title)?;
        }
        if !ctx.quiet {
            writeln!(
                ctx.err,
                "would create {} notes from {} fix commits, {} already imported",
                plan.create.len(),
                plan.fix_commits,
                plan.already
            )?;
        }
        return Ok(Outcome::Success);
    }

    let mut created = 0;
    for draft in plan.create {
        let id = create(&store, draft.note)
            .map_err(|e| Error::new("cannot write a note in .incidents/").with_source(e))?;
        writeln!(ctx.out, "{id}")?;
        created += 1;
    }
    for grow in &plan.grow {
        ctx.warn(&format!(
            "note {} ({}) has {} newer fix commits not listed; add them with `git incident edit {}`",
            grow.note_id,
            grow.key,
            grow.new_commits.len(),
            grow.note_id
        ));
    }
    if !ctx.quiet {
        writeln!(
            ctx.err,
            "created {created} notes from {} fix commits, {} already imported",
            plan.fix_commits, plan.already
        )?;
    }
    Ok(Outcome::Success)
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

/// Write a new note with a fresh id. A stand-in until `Store::create` lands: ids are 8 random
/// characters of `[0-9a-z]`, and the file is created exclusively so no note is overwritten.
fn create(store: &Store, mut note: Note) -> std::io::Result<String> {
    use std::hash::{BuildHasher, Hasher};
    const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    std::fs::create_dir_all(store.dir())?;
    loop {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        let mut bits = h.finish();
        let id: String = (0..8)
            .map(|_| {
                let c = ALPHABET[(bits % 36) as usize] as char;
                bits /= 36;
                c
            })
            .collect();
        note.id = id.clone();
        let text = serde_saphyr::to_string(&note).map_err(std::io::Error::other)?;
        let path = store.dir().join(format!("{id}.yaml"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())?;
                return Ok(id);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}
