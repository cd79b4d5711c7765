//! `git incident new`: create a note from flags, from a commit, or in the editor (like
//! `git commit`). Prints the new note's id alone on stdout.

use super::list::{now, open, parse_date};
use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::repo::Repo;
use crate::store::{
    self, Checked, Investigation, Note, Severity, Source, Status, Store, Tier, editor,
};

/// Record a new incident note
///
/// With --title (or --from-commit, which takes the commit's subject as the title), the note is
/// made from the flags. Otherwise your editor opens on a template, like `git commit`; an empty
/// title aborts. --edit opens the editor on the pre-filled note in any case.
#[derive(Debug, clap::Args)]
pub struct Args {
    // Boxed: the flags are many, and the command enum should stay small.
    #[command(flatten)]
    pub fields: Box<Fields>,
}

/// The flags of `new`.
#[derive(Debug, clap::Args)]
pub struct Fields {
    /// One line saying what went wrong
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// A file or glob of the code involved, relative to the current directory like a git
    /// pathspec (repeatable)
    #[arg(long = "path", value_name = "PATH")]
    pub paths: Vec<String>,
    /// An error message, log line or stack trace as reported (repeatable)
    #[arg(long = "symptom", value_name = "TEXT", allow_hyphen_values = true)]
    pub symptoms: Vec<String>,
    /// A tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A link to a ticket or chat thread (repeatable)
    #[arg(long = "link", value_name = "URL")]
    pub links: Vec<String>,
    /// sev1 (worst) .. sev4
    #[arg(long)]
    pub severity: Option<Severity>,
    /// Who had to resolve it: L1 support, L2 engineering, L3 senior/owner
    #[arg(long)]
    pub tier: Option<Tier>,
    /// open, investigating, resolved or wontfix (default: open, or resolved with --resolved
    /// or --from-commit)
    #[arg(long)]
    pub status: Option<Status>,
    /// Hours spent investigating
    #[arg(long, value_parser = parse_hours, allow_negative_numbers = true)]
    pub hours: Option<f64>,
    /// What caused it
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub root_cause: Option<String>,
    /// What fixed it
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub fix: Option<String>,
    /// A commit that fixed it (repeatable; any revision git understands)
    #[arg(long = "fixed-by", value_name = "REV")]
    pub fixed_by: Vec<String>,
    /// A commit that introduced it, confirmed by you (repeatable)
    #[arg(long = "introduced-by", value_name = "REV")]
    pub introduced_by: Vec<String>,
    /// When it was opened (default: now; 2026-09-14 or RFC 3339)
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub opened: Option<jiff::Timestamp>,
    /// When it was resolved
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub resolved: Option<jiff::Timestamp>,
    /// An earlier incident this one repeats (id or unique prefix)
    #[arg(long, value_name = "ID")]
    pub repeat_of: Option<String>,
    /// An earlier incident whose knowledge resolved this one (id or unique prefix)
    #[arg(long, value_name = "ID")]
    pub resolved_with: Option<String>,
    /// Pre-fill title, paths and fix commit from this commit
    #[arg(long, value_name = "REV")]
    pub from_commit: Option<String>,
    /// Read the note from a file instead of the editor (for example a draft kept after an
    /// edit that did not parse)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["title", "edit"])]
    pub file: Option<std::path::PathBuf>,
    /// Open the editor on the pre-filled note even though --title or --from-commit gave a
    /// title
    #[arg(long, short)]
    pub edit: bool,
}

/// The error when no editor is configured and the terminal cannot run `vi`.
pub(super) fn no_editor() -> Error {
    Error::new("no editor is set and the terminal is dumb")
        .hint("set GIT_EDITOR or EDITOR (or core.editor), or give the note with --title")
}

fn parse_hours(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(h) if h.is_finite() && (0.0..=store::MAX_HOURS).contains(&h) => Ok(h),
        Ok(h) if h < 0.0 => Err(format!("`{s}` is negative; hours spent are 0 or more")),
        _ => Err(format!("`{s}` is not a number of hours (like 6.5)")),
    }
}

fn empty_title() -> Error {
    Error::new("aborting: the title is empty").hint("give a one-line --title")
}

/// Where the editor's text lives while `new` runs (and stays when it does not parse).
const DRAFT: &str = "INCIDENT_EDITMSG";

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let args = *args.fields;
    // An empty --title is a slip, not a request for the editor (as `git commit -m ''`).
    if args.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(empty_title());
    }
    let (repo, store) = open(ctx)?;
    // Paths on the command line are relative to where the user stands, like a pathspec;
    // those taken from --from-commit are repository-relative already.
    let prefix = super::list::relative_prefix(&repo, ctx);
    let paths = args
        .paths
        .iter()
        .map(|p| repo_path(&prefix, p))
        .collect::<Result<Vec<_>>>()?;
    let mut note = from_flags(&args, paths, &repo, &store)?;
    if let Some(file) = &args.file {
        let path = ctx.cwd.join(file);
        let text = store::parse::read_limited(&path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        note = parse_draft(&text, &path.display().to_string())?;
    } else if args.edit || note.title.is_empty() {
        let draft = repo.git.git_dir().join(DRAFT);
        let command = editor::editor_command(&repo.git).ok_or_else(no_editor)?;
        let text = editor::edit_file(&command, &draft, &editor::template(&note))
            .map_err(|e| Error::new(e.to_string()).hint("set GIT_EDITOR or pass --title"))?;
        if is_blank(&text) {
            let _ = std::fs::remove_file(&draft);
            return Err(Error::new("aborting: the note is empty"));
        }
        note = parse_draft(&text, &draft.display().to_string()).map_err(|e| {
            e.hint(format!(
                "your text is kept in {}; fix it and run `git incident new --file {}`",
                draft.display(),
                draft.display()
            ))
        })?;
        let _ = std::fs::remove_file(&draft);
    }
    if note.title.trim().is_empty() {
        return Err(empty_title());
    }
    check_values(&note)?;
    for warning in oddities(&note) {
        ctx.warn(&warning);
    }
    if let Some(files) = super::validate::head_files(&repo) {
        for p in &note.paths {
            if !store::validate::path_matches(p, &files).unwrap_or(true) {
                ctx.warn(&format!(
                    "path `{}` matches no file at HEAD (paths are relative to the current \
                     directory)",
                    crate::output::sanitize(p)
                ));
            }
        }
    }
    if note.opened.is_none() {
        note.opened = Some(now());
    }
    if let (Some(o), Some(r)) = (note.opened, note.resolved)
        && r < o
    {
        return Err(Error::new(format!("resolved ({r}) is before opened ({o})"))
            .hint("check --opened and --resolved"));
    }
    let created = store.create(note)?;
    writeln!(ctx.out, "{}", created.note.id)?;
    Ok(Outcome::Success)
}

/// A path given on the command line made repository-relative, like a git pathspec: relative
/// to the current directory; `/`-absolute paths and paths that climb out of the repository
/// are refused (a note names code of this repository only).
pub(super) fn repo_path(prefix: &str, path: &str) -> Result<String> {
    let refuse = |why: &str| {
        Error::new(format!("--path `{}` {why}", crate::output::sanitize(path)))
            .hint("give a path inside the repository, relative to the current directory")
    };
    if path.trim().is_empty() {
        return Err(refuse("is empty"));
    }
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(refuse("is absolute"));
    }
    if path.chars().any(char::is_control) {
        return Err(refuse("contains a control character"));
    }
    let mut parts: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(refuse("leads outside the repository"));
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if let Err(e) = store::validate::path_matches(&joined, &[]) {
        return Err(refuse(&format!("is not a valid glob: {e}")));
    }
    if joined.is_empty() {
        return Err(refuse("names the whole repository"));
    }
    if joined == store::DIR
        || joined.starts_with(".incidents/")
        || joined == ".git"
        || joined.starts_with(".git/")
    {
        return Err(refuse("names the tool's own files, not code"));
    }
    Ok(joined)
}

/// Refuses values that can never be right: a title or tag on several lines, a tag with
/// spaces or `#`.
fn check_values(note: &Note) -> Result<()> {
    if note.title.contains(['\n', '\r']) {
        return Err(Error::new("the title has several lines")
            .hint("give one line; put details in --symptom or --root-cause"));
    }
    for tag in &note.tags {
        if tag.is_empty()
            || tag
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '#')
        {
            return Err(Error::new(format!(
                "tag `{}` is not a word",
                crate::output::sanitize(tag)
            ))
            .hint("tags are single words like `performance` or `db-timeout`"));
        }
    }
    Ok(())
}

/// Values that are allowed but probably a slip, each as a one-line warning.
fn oddities(note: &Note) -> Vec<String> {
    let mut out = Vec::new();
    let now = now();
    let day = jiff::SignedDuration::from_hours(24);
    for (name, ts) in [("opened", note.opened), ("resolved", note.resolved)] {
        if let Some(ts) = ts {
            if ts.duration_since(now) > day {
                out.push(format!("{name} {ts} is in the future"));
            } else if ts.as_second() < 0 {
                out.push(format!("{name} {ts} is before 1970"));
            }
        }
    }
    if let Some(h) = note.hours()
        && h > 2000.0
    {
        out.push(format!(
            "{h} hours of investigation is more than a person-year; is the unit right?"
        ));
    }
    if !note.commits.fixed_by.is_empty()
        && matches!(note.status, Status::Open | Status::Investigating)
    {
        out.push(format!(
            "the note has a fix commit but its status is {}; pass --status resolved or \
             --resolved DATE if it is fixed",
            note.status
        ));
    }
    if note
        .commits
        .introduced_by
        .iter()
        .any(|c| note.commits.fixed_by.contains(c))
    {
        out.push("the same commit is given as introducing and fixing the incident".into());
    }
    out
}

/// A note from the edited text (its id, if any, is kept only when valid).
fn parse_draft(text: &str, place: &str) -> Result<Note> {
    store::parse::parse_note(text).map_err(|at| {
        let mut e = Error::new(format!("{place}:{}:{}: {}", at.line, at.column, at.message));
        if let Some(h) = at.hint {
            e = e.hint(h);
        }
        e
    })
}

/// True when only comments and blank lines are left.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

/// The note the flags describe (title may still be empty).
fn from_flags(args: &Fields, paths: Vec<String>, repo: &Repo, store: &Store) -> Result<Note> {
    let mut note = Note {
        title: args.title.clone().unwrap_or_default(),
        severity: args.severity,
        tier: args.tier,
        opened: args.opened,
        resolved: args.resolved,
        paths,
        symptoms: args.symptoms.clone(),
        root_cause: args.root_cause.clone(),
        fix: args.fix.clone(),
        investigation: args.hours.map(|h| Investigation {
            hours: Some(h),
            checked: Vec::<Checked>::new(),
            escalations: Vec::new(),
        }),
        tags: args.tags.clone(),
        links: args.links.clone(),
        source: Some(Source::Manual),
        ..Note::default()
    };
    if let Some(rev) = &args.from_commit {
        prefill_from_commit(&mut note, repo, rev)?;
    }
    for rev in &args.fixed_by {
        push_unique(&mut note.commits.fixed_by, resolve_rev(repo, rev)?);
    }
    for rev in &args.introduced_by {
        push_unique(&mut note.commits.introduced_by, resolve_rev(repo, rev)?);
    }
    if !note.commits.introduced_by.is_empty() {
        note.commits.introduced_confidence = Some(store::Confidence::Confirmed);
    }
    if let Some(id) = &args.repeat_of {
        note.repeat_of = Some(store.resolve_id(id)?);
    }
    if let Some(id) = &args.resolved_with {
        note.resolved_with = Some(store.resolve_id(id)?);
    }
    note.status = match args.status {
        Some(s) => s,
        None if note.resolved.is_some() => Status::Resolved,
        None => Status::Open,
    };
    Ok(note)
}

pub(super) fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// A revision as a full commit id; an unknown one is an input error with a hint.
pub(super) fn resolve_rev(repo: &Repo, rev: &str) -> Result<String> {
    Ok(repo.resolve_commit(rev)?.to_hex().to_string())
}

/// Title (subject), paths (changed against the first parent) and fix commit from `rev`;
/// the note is resolved at the commit's time.
fn prefill_from_commit(note: &mut Note, repo: &Repo, rev: &str) -> Result<()> {
    let id = repo.resolve_commit(rev)?;
    let commit = repo
        .git
        .find_commit(id)
        .map_err(|e| Error::new(format!("cannot read commit {id}")).with_source(e))?;
    let message = commit
        .message_raw()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .unwrap_or_default();
    if note.title.is_empty() {
        note.title = message.lines().next().unwrap_or("").trim().to_string();
    }
    let time = commit
        .time()
        .ok()
        .and_then(|t| jiff::Timestamp::from_second(t.seconds).ok());
    if note.resolved.is_none() {
        note.resolved = time;
    }
    if note.opened.is_none() {
        note.opened = note.resolved;
    }
    for path in changed_paths(repo, id)? {
        if !path.starts_with(".incidents/") {
            push_unique(&mut note.paths, path);
        }
    }
    push_unique(&mut note.commits.fixed_by, id.to_hex().to_string());
    Ok(())
}

/// Files a commit added or modified against its first parent (every file for a root
/// commit).
fn changed_paths(repo: &Repo, id: gix::ObjectId) -> Result<Vec<String>> {
    let commit = repo
        .git
        .find_commit(id)
        .map_err(|e| Error::new(format!("cannot read commit {id}")).with_source(e))?;
    let tree = commit
        .tree()
        .map_err(|e| Error::new(format!("cannot read the tree of {id}")).with_source(e))?;
    let parent_tree = match commit.parent_ids().next() {
        Some(parent) => Some(
            repo.git
                .find_commit(parent)
                .and_then(|p| p.tree())
                .map_err(|e| {
                    Error::new(format!("cannot read the parent of {id}")).with_source(e)
                })?,
        ),
        None => None,
    };
    let files =
        |tree: &gix::Tree<'_>| -> Result<std::collections::BTreeMap<String, gix::ObjectId>> {
            let mut recorder = gix::traverse::tree::Recorder::default();
            tree.traverse()
                .breadthfirst(&mut recorder)
                .map_err(|e| Error::new(format!("cannot read the tree of {id}")).with_source(e))?;
            Ok(recorder
                .records
                .into_iter()
                .filter(|r| !r.mode.is_tree())
                .map(|r| (r.filepath.to_string(), r.oid))
                .collect())
        };
    let new = files(&tree)?;
    let old = match &parent_tree {
        Some(t) => files(t)?,
        None => Default::default(),
    };
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, oid)| old.get(*path) != Some(oid))
        .map(|(path, _)| path.clone())
        .collect();
    // Files the commit deleted are left out: a note names code that still exists.
    changed.sort();
    Ok(changed)
}
