//! `git incident check`: the fragility of what a change touches.

use super::hotspots::OutFormat;
use super::{Ctx, Outcome, Result};
use crate::config::Config;
use crate::error::Error;
use crate::fragility::{self, CheckResult, CheckedFile, Level};
use crate::repo::Repo;
use crate::store::{NoteSet, Store};

/// Show the incident history of what a change touches
///
/// Compares HEAD (or --head) with the merge base of --base, scores each changed file like
/// `hotspots`, and flags changed lines that a fix commit wrote.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The revision the change is based on (a branch such as origin/main, or a commit)
    #[arg(long, value_name = "REV")]
    pub base: String,
    /// The revision with the change
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub head: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
    /// Exit with 1 when the risk is at least this level
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Low => Level::Low,
            FailOn::Medium => Level::Medium,
            FailOn::High => Level::High,
        }
    }
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let repo = Repo::discover(&ctx.cwd)?;
    let base = repo.resolve_commit(&args.base)?;
    let head = repo.resolve_commit(&args.head)?;
    let (notes, config) = load_notes_and_config(&repo, ctx, &args.base)?;
    // Reading history and blaming can take seconds on a large repository: say what is going
    // on (terminal only, never with --quiet), then clear the line.
    let show = ctx.err_is_tty && !ctx.quiet;
    if show {
        let _ = write!(ctx.err, "reading the history of the changed files…");
    }
    let result = fragility::check(&repo, base, head, &notes, &config);
    if show {
        let _ = write!(ctx.err, "\r\x1b[K");
    }
    let result = result?;
    for w in &result.warnings {
        ctx.warn(w);
    }
    if let Some(cut) = &result.history_cut_at {
        ctx.warn(&format!(
            "history is cut at {cut} (shallow clone); scores cover only the commits present"
        ));
        if !ctx.quiet {
            let _ = writeln!(ctx.err, "hint: {}", crate::history::Shallow::hint());
        }
    }
    write_output(ctx, &result, args.format)?;
    if result.files.is_empty() && !ctx.quiet {
        let _ = writeln!(ctx.err, "hint: {}", empty_range_hint(&repo, base, head));
    }
    match args.fail_on {
        Some(f) if result.risk >= f.level() => Ok(Outcome::Failure),
        _ => Ok(Outcome::Success),
    }
}

/// Why a check found nothing to weigh: head is the base or behind it (the two swapped,
/// perhaps), or the change is not committed (`check` compares commits).
fn empty_range_hint(repo: &Repo, base: gix::ObjectId, head: gix::ObjectId) -> String {
    let behind = head != base
        && repo
            .git
            .merge_base(base, head)
            .is_ok_and(|m| m.is_some_and(|m| m.detach() == head));
    if behind {
        format!(
            "head {} is an ancestor of base {}: did you swap --base and --head?",
            head.to_hex_with_len(12),
            base.to_hex_with_len(12)
        )
    } else {
        "check compares commits; uncommitted changes are not checked (commit them first)".into()
    }
}

/// Notes of the work tree and the team's config; unreadable notes are skipped with a warning.
/// A bare repository has no work tree: there they are read from the commit `rev` names (the
/// one ranked, or the base of a change, as the Action does), warned about the same way.
pub(super) fn load_notes_and_config(
    repo: &Repo,
    ctx: &mut Ctx,
    rev: &str,
) -> Result<(NoteSet, Config)> {
    let Some(root) = repo.workdir.as_deref() else {
        let commit = match repo.resolve_commit(rev) {
            Ok(commit) => commit,
            // No commit yet: no notes either; the history scan says so as in a work tree.
            Err(_) if repo.git.head().is_ok_and(|h| h.is_unborn()) => {
                return Ok((NoteSet::default(), Config::default()));
            }
            Err(e) => return Err(e),
        };
        let (notes, config) = crate::store::load_from_tree_lenient(&repo.git, commit)?;
        for w in &notes.warnings {
            ctx.warn(&w.to_string());
        }
        let config = config.unwrap_or_else(|e| {
            ctx.warn(&format!("{e}; using the default settings"));
            Config::default()
        });
        return Ok((notes, config));
    };
    let store = Store::new(root);
    let notes = store.load().map_err(Error::from)?;
    for w in &notes.warnings {
        ctx.warn(&w.to_string());
    }
    let config = super::report::load_config(&store, ctx);
    Ok((notes, config))
}

/// `notes` with the fix commit derived for each note committed with its fix (DESIGN
/// section 3), read from the history of `rev`; a git failure is a warning.
pub(super) fn with_derived_fixes(
    repo: &Repo,
    rev: Option<gix::ObjectId>,
    notes: NoteSet,
    ctx: &mut Ctx,
) -> NoteSet {
    let Some(rev) = rev else {
        return notes;
    };
    let (notes, warning) = crate::history::derived::with_derived_fixes(repo, rev, notes);
    if let Some(w) = warning {
        ctx.warn(&w);
    }
    notes
}

/// Incidents and line ranges listed per file; the rest are counted, so a row reads in seconds.
const MAX_LISTED: usize = 3;

fn write_output(ctx: &mut Ctx, result: &CheckResult, format: OutFormat) -> Result<()> {
    let out = &mut *ctx.out;
    let level = super::hotspots::level_name;
    let flagged: Vec<&CheckedFile> = result
        .files
        .iter()
        .filter(|f| f.level > Level::None)
        .collect();
    // Below the `low` threshold but not without history: an old fix is still worth naming.
    let weak: Vec<&CheckedFile> = result
        .files
        .iter()
        .filter(|f| f.level == Level::None && (f.fix_commits > 0 || !f.incidents.is_empty()))
        .collect();
    let clean = result.files.len() - flagged.len() - weak.len();
    match format {
        OutFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, result)
                .map_err(|e| Error::new(e.to_string()))?;
            writeln!(out)?;
        }
        OutFormat::Markdown => {
            use crate::github::escape::{code, inline};
            writeln!(out, "**Risk: {}**\n", level(result.risk))?;
            if let Some(cut) = &result.history_cut_at {
                // Never "nothing fragile" from missing history.
                writeln!(
                    out,
                    "History is cut at {} (shallow clone): these figures cover only the commits present; to read all of it, {}.\n",
                    code(cut),
                    crate::history::Shallow::hint()
                )?;
            }
            if result.files.is_empty() {
                writeln!(out, "Nothing changed between the base and head.")?;
            } else if flagged.is_empty() && result.history_cut_at.is_some() {
                writeln!(
                    out,
                    "No changed file has incident or fix history in the commits present."
                )?;
            } else if flagged.is_empty() {
                writeln!(out, "No changed file has recent incident or fix history.")?;
            }
            for f in &flagged {
                writeln!(
                    out,
                    "- {}{}: {} (score {:.2}; {})",
                    code(&f.path),
                    if f.deleted { " (deleted)" } else { "" },
                    level(f.level),
                    f.score,
                    inline(&summary(f), 300)
                )?;
                for l in f.lines.iter().take(MAX_LISTED) {
                    writeln!(
                        out,
                        "  - {}{} written by fix {}{}",
                        if f.deleted { "deletes " } else { "" },
                        lines(l),
                        code(&l.fix_commit),
                        inline(&hit_incidents(f, l), 200)
                    )?;
                }
                if let Some(more) = more(f.lines.len(), "changed range") {
                    writeln!(out, "  - {more}")?;
                }
                for i in f.incidents.iter().take(MAX_LISTED) {
                    writeln!(
                        out,
                        "  - incident {}{}: {}",
                        code(&i.id),
                        sev(i),
                        inline(&i.title, 120)
                    )?;
                }
                if let Some(more) = more(f.incidents.len(), "incident") {
                    writeln!(out, "  - {more}")?;
                }
            }
            if !weak.is_empty() {
                let names: Vec<String> = weak.iter().map(|f| code(&f.path)).collect();
                writeln!(
                    out,
                    "\nOld fix history (below the `low` threshold): {}",
                    names.join(", ")
                )?;
            }
        }
        _ => {
            writeln!(out, "risk: {}", level(result.risk))?;
            if let Some(cut) = &result.history_cut_at {
                writeln!(
                    out,
                    "history is cut at {cut} (shallow clone): only the commits present were read"
                )?;
            }
            if result.files.is_empty() {
                writeln!(out, "nothing changed between the base and head")?;
                return Ok(());
            }
            for f in &flagged {
                writeln!(
                    out,
                    "{:<6}  {:>6.2}  {}{}  ({})",
                    level(f.level),
                    f.score,
                    crate::output::quote_path(&f.path),
                    if f.deleted { " (deleted)" } else { "" },
                    summary(f)
                )?;
                for l in f.lines.iter().take(MAX_LISTED) {
                    let what = if f.deleted {
                        format!("deletes {}", lines(l))
                    } else {
                        format!("{} change code", lines(l))
                    };
                    writeln!(
                        out,
                        "        {what} written by fix {}{}",
                        l.fix_commit,
                        hit_incidents(f, l)
                    )?;
                }
                if let Some(more) = more(f.lines.len(), "changed range") {
                    writeln!(out, "        {more}")?;
                }
                for i in f.incidents.iter().take(MAX_LISTED) {
                    writeln!(out, "        incident {}{}: {}", i.id, sev(i), i.title)?;
                }
                if let Some(more) = more(f.incidents.len(), "incident") {
                    writeln!(out, "        {more}")?;
                }
            }
            if !weak.is_empty() {
                let names: Vec<String> = weak
                    .iter()
                    .take(5)
                    .map(|f| format!("{} ({})", crate::output::quote_path(&f.path), counts(f)))
                    .collect();
                let rest = weak.len().saturating_sub(5);
                writeln!(
                    out,
                    "old fix history (below the low threshold): {}{}",
                    names.join(", "),
                    if rest > 0 {
                        format!(" and {rest} more")
                    } else {
                        String::new()
                    }
                )?;
            }
            if clean > 0 {
                writeln!(
                    out,
                    "{clean} other changed file{} no incident or fix history",
                    if clean == 1 { " has" } else { "s have" }
                )?;
            }
        }
    }
    Ok(())
}

/// "2 fix commits, 1 incident".
fn counts(f: &CheckedFile) -> String {
    let mut parts = Vec::new();
    if f.fix_commits > 0 {
        parts.push(format!(
            "{} fix commit{}",
            f.fix_commits,
            fragility::plural(f.fix_commits)
        ));
    }
    if !f.incidents.is_empty() {
        parts.push(format!(
            "{} incident{}",
            f.incidents.len(),
            fragility::plural(f.incidents.len())
        ));
    }
    if parts.is_empty() {
        "no incident or fix history".into()
    } else {
        parts.join(", ")
    }
}

/// The row's counts, and why the level is what it is when lines written by a fix raised it
/// above what the score alone gives (otherwise `high 0.00` reads as a contradiction).
fn summary(f: &CheckedFile) -> String {
    let mut text = counts(f);
    if let Some(first) = f.lines.first() {
        let short: String = first.fix_commit.chars().take(8).collect();
        let others = f
            .lines
            .iter()
            .map(|l| &l.fix_commit)
            .collect::<std::collections::HashSet<_>>()
            .len()
            - 1;
        let verb = if f.deleted { "deletes" } else { "edits" };
        text.push_str(&format!("; {verb} lines fix {short} wrote"));
        if others > 0 {
            text.push_str(&format!(
                " (and {others} other fix{})",
                if others == 1 { "" } else { "es" }
            ));
        }
    }
    text
}

/// " (incident k3f9x2ab: title)" for the notes naming a hit's fix commit; nothing when no
/// note names it (the fix then stands alone, never borrowing the file's other incidents).
fn hit_incidents(f: &CheckedFile, hit: &fragility::LineHit) -> String {
    let named: Vec<String> = hit
        .incidents
        .iter()
        .take(MAX_LISTED)
        .map(|id| match f.incidents.iter().find(|i| &i.id == id) {
            Some(i) => format!("incident {id}: {}", i.title),
            None => format!("incident {id}"),
        })
        .collect();
    if named.is_empty() {
        return String::new();
    }
    let rest = hit.incidents.len().saturating_sub(MAX_LISTED);
    let more = if rest > 0 {
        format!(" and {rest} more")
    } else {
        String::new()
    };
    format!(" ({}{more})", named.join("; "))
}

fn sev(i: &fragility::IncidentRef) -> String {
    i.severity
        .map(|s| format!(" {s:?}").to_lowercase())
        .unwrap_or_default()
}

/// "… and 4 more incidents" past the listed ones.
fn more(total: usize, what: &str) -> Option<String> {
    let rest = total.checked_sub(MAX_LISTED).filter(|r| *r > 0)?;
    Some(format!(
        "… and {rest} more {what}{}",
        fragility::plural(rest)
    ))
}

/// `line 3` or `lines 3-7`.
fn lines(hit: &fragility::LineHit) -> String {
    if hit.start == hit.end {
        format!("line {}", hit.start)
    } else {
        format!("lines {}-{}", hit.start, hit.end)
    }
}
