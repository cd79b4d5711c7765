//! `git incident report`: the metrics of DESIGN section 6 for a period, as text, markdown,
//! json, csv or a self-contained html page. The numbers come from `report::compute` (pure);
//! this file reads the notes and the config, picks the period and the renderer.

use super::{Ctx, Format, Outcome, Result};
use crate::error::Error;
use crate::report::{self, Period, PeriodError};

/// Report incident metrics for a period
///
/// Counts the incidents opened in the period and computes the repeat-issue, regression,
/// escalation and deflection rates, investigation hours by tier, time to resolve by severity
/// and the most fragile files, each against the previous period. Without a period flag the
/// report covers the last complete calendar quarter. docs/report.md defines every number.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Calendar quarter to report on, as YYYYQn (e.g. 2026Q3)
    #[arg(long, value_name = "YYYYQn", conflicts_with_all = ["since", "until"])]
    pub quarter: Option<String>,

    /// Start of the period: a date (2026-07-01, midnight UTC) or an RFC 3339 time
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// End of the period, included when a bare date (default: now; alone, the period is the
    /// three months before it)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// How many fragile files to list (0 skips reading history)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

fn period_error(e: PeriodError) -> Error {
    let hint = e.hint();
    Error::new(e.to_string()).hint(hint)
}

/// The period the flags name, and a sentence saying how it was chosen when the flags alone do
/// not: `now` decides the default (the last complete quarter) and cuts a quarter in progress.
pub fn period(args: &Args, now: jiff::Timestamp) -> Result<(Period, Option<String>)> {
    if let Some(q) = &args.quarter {
        let period = Period::quarter(q).map_err(period_error)?.as_of(now);
        let note = if let Some((elapsed, total)) = period.to_date_days() {
            Some(format!(
                "{} is in progress: figures are to date ({}), {elapsed} of {total} days, compared with the same {elapsed} days of the previous quarter",
                period.label().trim_end_matches(" to date"),
                day(now)
            ))
        } else if period.not_started(now) {
            Some(format!(
                "{} has not started yet (it begins {}): there is nothing to report",
                period.label(),
                day(period.since)
            ))
        } else {
            None
        };
        return Ok((period, note));
    }
    match (&args.since, &args.until) {
        (Some(since), until) => Period::between(since, until.as_deref(), now)
            .map(|p| (p, None))
            .map_err(period_error),
        (None, Some(until)) => {
            let period = Period::quarter_until(until).map_err(period_error)?;
            let note = format!(
                "--until without --since: the period is the three months before {} ({} to {})",
                until.trim(),
                day(period.since),
                period.label().rsplit(' ').next().unwrap_or_default()
            );
            Ok((period, Some(note)))
        }
        (None, None) => {
            let period = Period::quarter_of(now)
                .map(|q| q.previous())
                .ok_or_else(|| Error::new("cannot tell the current quarter from the clock"))?;
            let current = Period::quarter_of(now)
                .map(|q| q.label())
                .unwrap_or_default();
            let note = format!(
                "no period given: {} is the last complete quarter (--quarter {current} for the quarter to date)",
                period.label()
            );
            Ok((period, Some(note)))
        }
    }
}

fn day(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let now = jiff::Timestamp::now();
    let (period, note) = period(&args, now)?;
    let repo = crate::repo::Repo::discover(&ctx.cwd)?;
    let root = repo.require_workdir()?.to_path_buf();
    let store = crate::store::Store::new(&root);
    let set = store.load().map_err(|e| {
        Error::new(format!("cannot read the notes: {e}")).hint("check that .incidents/ is readable")
    })?;
    for w in &set.warnings {
        ctx.warn(&format!("skipping {}: {}", w.file, w.message));
    }
    // A note committed with its fix names that commit (DESIGN section 3); regressions need it.
    let head = repo.resolve_commit("HEAD").ok();
    let set = super::check::with_derived_fixes(&repo, head, set, ctx);
    let config = load_config(&store, ctx);
    let fragile = fragile_files(&repo, &set, &config, args.top, &period, now, ctx);
    let notes: Vec<crate::store::Note> = set.notes.into_iter().map(|n| n.note).collect();
    let mut report = report::compute(&notes, &period, &config.capacity, fragile);
    report.period.note = note;
    if period.not_started(now) {
        report.period.status = "not_started";
    }
    let text = match args.format {
        Format::Text => report::render_text::render(&report),
        Format::Markdown => report::render_markdown::render(&report),
        Format::Json => report::render_json(&report),
        Format::Csv => report::render_csv::render(&report),
        Format::Html => report::render_html::render(&report),
    };
    ctx.out.write_all(text.as_bytes())?;
    Ok(Outcome::Success)
}

/// The top files of `hotspots` as of the end of the period (history up to its last commit,
/// notes opened before it, ages decayed to it), and which of them are new since its start. A
/// history that cannot be read (no commits yet, say) leaves the list empty with a warning
/// rather than failing the report, whose other numbers come from the notes alone.
///
/// History is read once: the ranking at the period's start uses the history of the end,
/// cut down to the start commit's ancestry (`History::into_ancestors`), which equals a scan
/// from that commit and costs a fraction of one (reading the cache is most of a warm scan).
fn fragile_files(
    repo: &crate::repo::Repo,
    notes: &crate::store::NoteSet,
    config: &crate::config::Config,
    top: usize,
    period: &Period,
    now: jiff::Timestamp,
    ctx: &mut Ctx,
) -> report::metrics::Fragile {
    use report::metrics::Fragile;
    if top == 0 {
        return Fragile::default();
    }
    let end = now.min(period.until);
    let mut scan = crate::history::ScanOptions::from_config(config);
    if end < now {
        // No commit before the end: nothing was fragile yet.
        let Some(id) = commit_before(repo, end) else {
            return Fragile::default();
        };
        scan.rev = Some(id.to_string());
    }
    let Some(history) = scan_or_warn(repo, &scan, ctx) else {
        return Fragile::default();
    };
    let current = rank(&history, notes, config, end, top);
    if current.is_empty() {
        return Fragile::default();
    }
    // A period that has not started is ranked at its start on today's history, like its end.
    let history = if period.since < now {
        match history_at(repo, history, period.since, config, scan, ctx) {
            Some(h) => h,
            None => return Fragile::new(current, &[]),
        }
    } else {
        history
    };
    let at_start = rank(&history, notes, config, period.since, top);
    Fragile::new(current, &at_start)
}

/// The history as of the last commit before `at`, derived from `history` (which holds it);
/// read again only when it cannot be (the start is not an ancestor of the end). `None`, with
/// a warning where something failed, when there is none.
fn history_at(
    repo: &crate::repo::Repo,
    history: crate::history::History,
    at: jiff::Timestamp,
    config: &crate::config::Config,
    mut scan: crate::history::ScanOptions,
    ctx: &mut Ctx,
) -> Option<crate::history::History> {
    let start = commit_before(repo, at)?;
    if history.tip == Some(start) {
        return Some(history);
    }
    match history.into_ancestors(repo, start, &config.fix_pattern) {
        Ok(Some(h)) => Some(h),
        Ok(None) => {
            scan.rev = Some(start.to_string());
            scan_or_warn(repo, &scan, ctx)
        }
        Err(e) => {
            ctx.warn(&format!("fragile files left out: {e}"));
            None
        }
    }
}

/// Scan with a progress line, or warn and give nothing.
fn scan_or_warn(
    repo: &crate::repo::Repo,
    scan: &crate::history::ScanOptions,
    ctx: &mut Ctx,
) -> Option<crate::history::History> {
    match super::hotspots::scan_with_progress(repo, scan, ctx) {
        Ok(h) => Some(h),
        Err(e) => {
            ctx.warn(&format!("fragile files left out: {}", e.message));
            None
        }
    }
}

/// The top `top` files of `hotspots` on `history`, counting the notes opened before `at` and
/// decaying incident ages to it.
fn rank(
    history: &crate::history::History,
    notes: &crate::store::NoteSet,
    config: &crate::config::Config,
    at: jiff::Timestamp,
    top: usize,
) -> Vec<crate::fragility::FileScore> {
    let known = crate::store::NoteSet {
        notes: notes
            .notes
            .iter()
            .filter(|n| n.note.opened.is_none_or(|o| o < at))
            .cloned()
            .collect(),
        warnings: Vec::new(),
    };
    let mut files = crate::fragility::hotspots(history, &known, config, at);
    // As `hotspots` shows them: files below the low threshold are not fragile.
    files.retain(|f| f.level != crate::fragility::Level::None);
    files.truncate(top);
    files
}

/// The last commit on `HEAD`'s history committed before `at` (the git binary answers this
/// directly; gix would need a full walk).
fn commit_before(repo: &crate::repo::Repo, at: jiff::Timestamp) -> Option<gix::ObjectId> {
    let out = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(repo.git.git_dir())
        .args(["rev-list", "-1", "--first-parent"])
        .arg(format!("--before={}", at.as_second() - 1))
        .arg("HEAD")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    gix::ObjectId::from_hex(String::from_utf8_lossy(&out.stdout).trim().as_bytes()).ok()
}

/// The team's config, or the defaults (with a warning) when it is broken: `validate` reports
/// the problem with its place; the report goes on.
pub(crate) fn load_config(store: &crate::store::Store, ctx: &mut Ctx) -> crate::config::Config {
    match store.config() {
        Ok(config) => config,
        Err(e) => {
            ctx.warn(&format!("{e}; using the default settings"));
            crate::config::Config::default()
        }
    }
}
