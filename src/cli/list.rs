//! `git incident list`: the notes, filtered, sorted by their dates. Also the helpers the other
//! note commands share (opening the store from any subdirectory, date flags, warnings).

use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::repo::Repo;
use crate::store::{self, LoadedNote, NoteSet, Status, Store};

/// List incident notes
///
/// Notes are sorted by the date they were opened. Broken notes are skipped with a warning;
/// `git incident validate` shows what is wrong with them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only notes with this status (repeatable)
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<Status>,
    /// Only notes about this file or directory (matched against the notes' paths and globs)
    #[arg(long, value_name = "PATH")]
    pub path: Vec<String>,
    /// Only notes opened on or after this date (2026-09-14 or RFC 3339)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<jiff::Timestamp>,
    /// Only notes opened before the end of this date (2026-09-30 includes the whole day and
    /// nothing after; a time is excluded itself)
    #[arg(long, value_name = "DATE", value_parser = parse_until)]
    pub until: Option<jiff::Timestamp>,
    /// Only notes with this tag (repeatable: any of them)
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Output format: text (a table) or json (an array of notes, see docs/notes.md)
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// `--format` of the note commands that print text for people or JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

/// A date flag: RFC 3339 or a bare date (midnight UTC).
pub(super) fn parse_date(s: &str) -> std::result::Result<jiff::Timestamp, String> {
    if s == "now" {
        return Ok(now());
    }
    store::timestamp::parse(s)
}

/// An `--until` date: a bare date means the end of that day.
fn parse_until(s: &str) -> std::result::Result<jiff::Timestamp, String> {
    let ts = parse_date(s)?;
    if s.len() == 10 {
        ts.checked_add(jiff::SignedDuration::from_hours(24))
            .map_err(|e| e.to_string())
    } else {
        Ok(ts)
    }
}

/// Now, to the second (notes keep whole seconds).
pub(super) fn now() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second()).unwrap_or(now)
}

/// The repository and the store of its work tree, found from the current directory.
pub(super) fn open(ctx: &Ctx) -> Result<(Repo, Store)> {
    let repo = Repo::discover(&ctx.cwd)?;
    let root = repo.require_workdir()?.to_path_buf();
    Ok((repo, Store::new(&root)))
}

/// Loads every note, warning about broken ones.
pub(super) fn load(store: &Store, ctx: &mut Ctx) -> Result<NoteSet> {
    let set = store.load()?;
    for w in &set.warnings {
        ctx.warn(&w.to_string());
    }
    Ok(set)
}

/// True when one of the note's paths or globs covers `path` (a file or a directory).
pub(super) fn note_touches(note: &store::Note, path: &str) -> bool {
    let path = path.trim_start_matches("./").trim_end_matches('/');
    // A glob typed by the user (`src/sync/**`) is matched against the notes' paths.
    if path.contains(['*', '?', '[', '{']) {
        return note.paths.iter().any(|p| {
            let p = p.trim_start_matches("./").trim_end_matches('/');
            p == path || store::validate::path_matches(path, &[p.to_string()]).unwrap_or(false)
        });
    }
    note.paths.iter().any(|p| {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if p == path || p.starts_with(&format!("{path}/")) || path.starts_with(&format!("{p}/")) {
            return true;
        }
        store::validate::path_matches(p, &[path.to_string()]).unwrap_or(false)
    })
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let (repo, store) = open(ctx)?;
    let set = load(&store, ctx)?;
    // Paths on the command line are relative to where the user is, like git's.
    let prefix = relative_prefix(&repo, ctx);
    let paths: Vec<String> = args.path.iter().map(|p| join_prefix(&prefix, p)).collect();
    let notes: Vec<&LoadedNote> = set
        .notes
        .iter()
        .filter(|n| args.status.is_empty() || args.status.contains(&n.note.status))
        .filter(|n| paths.is_empty() || paths.iter().any(|p| note_touches(&n.note, p)))
        .filter(|n| args.tag.is_empty() || n.note.tags.iter().any(|t| args.tag.contains(t)))
        .filter(|n| match (args.since, n.note.opened) {
            (Some(since), Some(opened)) => opened >= since,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .filter(|n| match (args.until, n.note.opened) {
            // Half-open, like `report`: `--until 2026-03-31` ends at 2026-04-01T00:00:00Z,
            // which it does not include.
            (Some(until), Some(opened)) => opened < until,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    match args.format {
        TextOrJson::Json => {
            let items: Vec<serde_json::Value> =
                notes.iter().map(|n| store.to_json_as_stored(n)).collect();
            let text = serde_json::to_string_pretty(&items)
                .map_err(|e| Error::new(format!("cannot write JSON: {e}")))?;
            writeln!(ctx.out, "{text}")?;
        }
        TextOrJson::Text => {
            if notes.is_empty() {
                if !ctx.quiet {
                    let skipped = set.warnings.len();
                    let message = if set.notes.is_empty() && skipped > 0 {
                        format!("no readable notes, {skipped} skipped")
                    } else if set.notes.is_empty() {
                        "no incident notes".to_string()
                    } else {
                        format!("no note matches, of {} notes", set.notes.len())
                    };
                    writeln!(ctx.err, "{message}")?;
                }
                return Ok(Outcome::Success);
            }
            let rows: Vec<Vec<String>> = notes
                .iter()
                .map(|n| {
                    let note = &n.note;
                    vec![
                        note.id.clone(),
                        note.opened
                            .map(|t| t.strftime("%Y-%m-%d").to_string())
                            .unwrap_or_else(|| "-".into()),
                        note.status.to_string(),
                        note.severity
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| "-".into()),
                        crate::output::excerpt(&note.title, 80),
                    ]
                })
                .collect();
            let table = crate::output::table(&["ID", "OPENED", "STATUS", "SEV", "TITLE"], &rows);
            write!(ctx.out, "{table}")?;
        }
    }
    Ok(Outcome::Success)
}

/// Where the user stands inside the work tree (`src/` when run from there), `/`-separated.
pub(super) fn relative_prefix(repo: &Repo, ctx: &Ctx) -> String {
    let Some(root) = repo.workdir.as_deref() else {
        return String::new();
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let cwd = ctx.cwd.canonicalize().unwrap_or_else(|_| ctx.cwd.clone());
    match cwd.strip_prefix(&root) {
        Ok(rel) if !rel.as_os_str().is_empty() => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{}/", parts.join("/"))
        }
        _ => String::new(),
    }
}

/// A path typed by the user made repository-relative (`..` segments folded).
pub(super) fn join_prefix(prefix: &str, path: &str) -> String {
    let mut parts: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}
