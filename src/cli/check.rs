//! `git incident check`: the fragility of what a change touches.

use super::hotspots::OutFormat;
use super::{Ctx, Outcome, Result};
use crate::config::Config;
use crate::error::Error;
use crate::fragility::{self, CheckResult, Level};
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
    let (notes, config) = load_notes_and_config(&repo, ctx)?;
    let result = fragility::check(&repo, base, head, &notes, &config)?;
    if let Some(cut) = &result.history_cut_at {
        ctx.warn(&format!(
            "history is cut at {cut} (shallow clone); scores cover only the commits present"
        ));
        if !ctx.quiet {
            let _ = writeln!(ctx.err, "hint: {}", crate::history::Shallow::hint());
        }
    }
    write_output(ctx, &result, args.format)?;
    match args.fail_on {
        Some(f) if result.risk >= f.level() => Ok(Outcome::Failure),
        _ => Ok(Outcome::Success),
    }
}

/// Notes of the work tree and the team's config; unreadable notes are skipped with a warning.
pub(super) fn load_notes_and_config(repo: &Repo, ctx: &mut Ctx) -> Result<(NoteSet, Config)> {
    let Some(root) = repo.workdir.as_deref() else {
        return Ok((NoteSet::default(), Config::default()));
    };
    let store = Store::new(root);
    let notes = store.load().map_err(|e| {
        Error::new(format!("cannot read the notes: {e}")).hint("check that .incidents/ is readable")
    })?;
    for w in &notes.warnings {
        ctx.warn(&format!("skipping {}: {}", w.file, w.message));
    }
    Ok((notes, Config::default()))
}

fn write_output(ctx: &mut Ctx, result: &CheckResult, format: OutFormat) -> Result<()> {
    let out = &mut *ctx.out;
    let level = super::hotspots::level_name;
    match format {
        OutFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, result)
                .map_err(|e| Error::new(e.to_string()))?;
            writeln!(out)?;
        }
        OutFormat::Markdown => {
            writeln!(out, "**Risk: {}**\n", level(result.risk))?;
            let flagged: Vec<_> = result
                .files
                .iter()
                .filter(|f| f.level > Level::None)
                .collect();
            if flagged.is_empty() {
                writeln!(out, "No changed file has incident or fix history.")?;
            }
            for f in flagged {
                writeln!(
                    out,
                    "- `{}`: {} (score {:.2}, {} fix commits)",
                    f.path,
                    level(f.level),
                    f.score,
                    f.fix_commits
                )?;
                for i in &f.incidents {
                    writeln!(
                        out,
                        "  - incident {}: {}",
                        i.id,
                        i.title.replace(['<', '>'], "")
                    )?;
                }
                for l in &f.lines {
                    writeln!(
                        out,
                        "  - lines {}-{} were written by fix {}",
                        l.start, l.end, l.fix_commit
                    )?;
                }
            }
        }
        _ => {
            writeln!(out, "risk: {}", level(result.risk))?;
            for f in &result.files {
                if f.level == Level::None {
                    continue;
                }
                writeln!(
                    out,
                    "{:<6}  {:>6.2}  {}  ({} fix commits)",
                    level(f.level),
                    f.score,
                    f.path,
                    f.fix_commits
                )?;
                for i in &f.incidents {
                    let sev = i
                        .severity
                        .map(|s| format!(" {s:?}").to_lowercase())
                        .unwrap_or_default();
                    writeln!(out, "        incident {}{sev}: {}", i.id, i.title)?;
                }
                for l in &f.lines {
                    writeln!(
                        out,
                        "        lines {}-{} change code written by fix {}",
                        l.start, l.end, l.fix_commit
                    )?;
                }
            }
            let unflagged = result
                .files
                .iter()
                .filter(|f| f.level == Level::None)
                .count();
            if unflagged > 0 {
                writeln!(
                    out,
                    "{unflagged} other changed file(s) have no incident or fix history"
                )?;
            }
        }
    }
    Ok(())
}
