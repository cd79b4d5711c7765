//! `git incident hotspots`: files ranked by fragility.

use super::{Ctx, Outcome, Result};
use crate::error::Error;
use crate::fragility::{self, FileScore};
use crate::history::{self, History, ScanOptions};
use crate::repo::Repo;

/// Output formats of `hotspots` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Text,
    Json,
    Markdown,
}

/// Rank files by fragility
///
/// Scores every file at the tip from the incidents whose paths match it, the fix commits
/// that touched it (under this or an older name, recent ones weighing most) and regressions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rank the files of this revision instead of HEAD
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Show at most N files (at least 1)
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: u32,
    /// Show every file with any history, including those below the `low` threshold
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let repo = Repo::discover(&ctx.cwd)?;
    let rev = args.rev.as_deref().unwrap_or("HEAD");
    let (notes, config) = super::check::load_notes_and_config(&repo, ctx, rev)?;
    let mut opts = ScanOptions::from_config(&config);
    opts.rev = args.rev.clone();
    let history = scan_with_progress(&repo, &opts, ctx)?;
    let notes = super::check::with_derived_fixes(&repo, history.tip, notes, ctx);
    let mut files = fragility::hotspots(&history, &notes, &config, jiff::Timestamp::now());
    let mut below = 0;
    if !args.all && args.format != OutFormat::Json {
        // A file below the `low` threshold is not a hotspot; a row at level `none` reads as
        // a contradiction to a person. JSON keeps every file with evidence, with its level.
        let before = files.len();
        files.retain(|f| f.level != fragility::Level::None);
        below = before - files.len();
    }
    if !args.all {
        files.truncate(args.limit as usize);
    }
    write_output(ctx, &history, &files, below, args.format)?;
    // Freeing a whole history (every commit's message and paths) one allocation at a time
    // costs more than the rest of a warm run; the process is about to exit anyway.
    std::mem::forget(history);
    Ok(Outcome::Success)
}

/// Scan with a progress line on stderr (only on a terminal, never with --quiet), then show
/// the scan's warnings and the shallow-clone notice.
pub(super) fn scan_with_progress(
    repo: &Repo,
    opts: &ScanOptions,
    ctx: &mut Ctx,
) -> Result<History> {
    let show = ctx.err_is_tty && !ctx.quiet;
    let history = {
        let err = &mut *ctx.err;
        let mut progress = |p: history::Progress| {
            if show {
                if p.commits > 0 {
                    let _ = write!(err, "\r\x1b[K{}: {} commits", p.phase, p.commits);
                } else {
                    let _ = write!(err, "\r\x1b[K{}: {} MB", p.phase, p.bytes >> 20);
                }
            }
        };
        let result = history::scan(repo, opts, &mut progress);
        if show {
            let _ = write!(err, "\r\x1b[K");
        }
        result.map_err(Error::from)?
    };
    for w in &history.warnings {
        ctx.warn(w);
    }
    if let Some(shallow) = &history.shallow {
        ctx.warn(&shallow.message());
        if !ctx.quiet {
            let _ = writeln!(ctx.err, "hint: {}", history::Shallow::hint());
        }
    }
    Ok(history)
}

fn write_output(
    ctx: &mut Ctx,
    history: &History,
    files: &[FileScore],
    below: usize,
    format: OutFormat,
) -> Result<()> {
    let out = &mut *ctx.out;
    let cut = history
        .shallow
        .as_ref()
        .and_then(|s| s.boundary.first())
        .map(|id| id.to_string());
    match format {
        OutFormat::Json => {
            #[derive(serde::Serialize)]
            struct Json<'a> {
                files: &'a [FileScore],
                #[serde(skip_serializing_if = "Option::is_none")]
                history_cut_at: Option<&'a str>,
            }
            let value = Json {
                files,
                history_cut_at: cut.as_deref(),
            };
            serde_json::to_writer_pretty(&mut *out, &value)
                .map_err(|e| Error::new(e.to_string()))?;
            writeln!(out)?;
        }
        OutFormat::Markdown => {
            if let Some(cut) = &cut {
                writeln!(
                    out,
                    "> **History is cut at `{cut}`** (shallow clone): scores cover only the commits present.\n"
                )?;
            }
            if files.is_empty() {
                writeln!(out, "No file scores at level low or above.")?;
                return Ok(());
            }
            writeln!(
                out,
                "| score | level | fix commits | incidents | file | why |"
            )?;
            writeln!(out, "|---:|---|---:|---|---|---|")?;
            // Reasons quote note titles, which may come from a stranger's pull request:
            // escaped like the Action's comments (no mentions, HTML, links or table breaks).
            use crate::github::escape::{code, inline};
            for f in files {
                let ids: Vec<String> = f.incidents.iter().take(3).map(|i| code(i)).collect();
                let more = f.incidents.len().saturating_sub(3);
                let reasons: Vec<String> = f.reasons.iter().map(|r| inline(r, 200)).collect();
                writeln!(
                    out,
                    "| {:.2} | {} | {} | {}{} | {} | {} |",
                    f.score,
                    level_name(f.level),
                    f.fix_commits,
                    ids.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    },
                    code(&f.path),
                    reasons.join("; ")
                )?;
            }
        }
        _ => {
            // The cut is already a warning on stderr (scan_with_progress); saying it on
            // stdout too doubled it on a terminal.
            if files.is_empty() {
                if below > 0 {
                    writeln!(
                        out,
                        "no file scores at level low or above; {below} file{} with older or weaker history (see --all)",
                        fragility::plural(below)
                    )?;
                } else if cut.is_some() {
                    // Never a "nothing fragile" verdict from history that is not there.
                    writeln!(
                        out,
                        "no file has incident or fix history in the commits present (shallow clone)"
                    )?;
                } else {
                    writeln!(out, "no file has incident or fix history")?;
                }
                return Ok(());
            }
            writeln!(
                out,
                "{:>7}  {:<6}  {:>5}  {:>9}  PATH",
                "SCORE", "LEVEL", "FIXES", "INCIDENTS"
            )?;
            for f in files {
                writeln!(
                    out,
                    "{:>7.2}  {:<6}  {:>5}  {:>9}  {}",
                    f.score,
                    level_name(f.level),
                    f.fix_commits,
                    f.incidents.len(),
                    crate::output::quote_path(&f.path)
                )?;
                for r in &f.reasons {
                    writeln!(out, "{:>36}{r}", "")?;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn level_name(level: fragility::Level) -> &'static str {
    match level {
        fragility::Level::None => "none",
        fragility::Level::Low => "low",
        fragility::Level::Medium => "medium",
        fragility::Level::High => "high",
    }
}
