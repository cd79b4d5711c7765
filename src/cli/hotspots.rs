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
    /// Show at most N files
    #[arg(long, short = 'n', default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Show every file with a score
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Text)]
    pub format: OutFormat,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let repo = Repo::discover(&ctx.cwd)?;
    let (notes, config) = super::check::load_notes_and_config(&repo, ctx)?;
    let mut opts = ScanOptions::from_config(&config);
    opts.rev = args.rev.clone();
    let history = scan_with_progress(&repo, &opts, ctx)?;
    let mut files = fragility::hotspots(&history, &notes, &config, jiff::Timestamp::now());
    if !args.all {
        files.truncate(args.limit);
    }
    write_output(ctx, &history, &files, args.format)?;
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
                let _ = write!(err, "\r{}: {} commits", p.phase, p.commits);
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
            writeln!(
                out,
                "| score | level | fix commits | incidents | file | why |"
            )?;
            writeln!(out, "|---:|---|---:|---|---|---|")?;
            for f in files {
                writeln!(
                    out,
                    "| {:.2} | {} | {} | {} | `{}` | {} |",
                    f.score,
                    level_name(f.level),
                    f.fix_commits,
                    f.incidents.join(", "),
                    f.path.replace('`', "'"),
                    f.reasons.join("; ").replace('|', "\\|")
                )?;
            }
        }
        _ => {
            if let Some(cut) = &cut {
                writeln!(
                    out,
                    "note: history is cut at {cut} (shallow clone); scores cover only the commits present"
                )?;
            }
            if files.is_empty() {
                writeln!(out, "no file has incident or fix history")?;
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
                    f.path
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
