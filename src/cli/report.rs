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

    /// End of the period, included when a bare date (default: now)
    #[arg(long, value_name = "DATE", requires = "since")]
    pub until: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// How many fragile files to list
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

fn period_error(e: PeriodError) -> Error {
    let hint = e.hint();
    Error::new(e.to_string()).hint(hint)
}

/// The period the flags name; `now` decides the default (the last complete quarter).
pub fn period(args: &Args, now: jiff::Timestamp) -> Result<Period> {
    if let Some(q) = &args.quarter {
        return Period::quarter(q).map_err(period_error);
    }
    if let Some(since) = &args.since {
        return Period::between(since, args.until.as_deref(), now).map_err(period_error);
    }
    Period::quarter_of(now)
        .map(|q| q.previous())
        .ok_or_else(|| Error::new("cannot tell the current quarter from the clock"))
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let period = period(&args, jiff::Timestamp::now())?;
    let repo = crate::repo::Repo::discover(&ctx.cwd)?;
    let root = repo.require_workdir()?.to_path_buf();
    let store = crate::store::Store::new(&root);
    let set = store
        .load()
        .map_err(|e| Error::new("cannot read the notes in .incidents/").with_source(e))?;
    for w in &set.warnings {
        ctx.warn(&format!("skipping {}: {}", w.file, w.message));
    }
    let config = load_config(&root, ctx);
    let notes: Vec<crate::store::Note> = set.notes.into_iter().map(|n| n.note).collect();
    // The fragility engine fills this in once `fragility::hotspots` lands.
    let fragile: Vec<crate::fragility::FileScore> = Vec::new();
    let fragile = fragile.into_iter().take(args.top).collect();
    let report = report::compute(&notes, &period, &config.capacity, fragile);
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

/// The team's config, or the defaults (with a warning) when the file is unreadable. A stand-in
/// until the store offers its own loader with locations and hints.
pub(crate) fn load_config(root: &std::path::Path, ctx: &mut Ctx) -> crate::config::Config {
    let path = root.join(crate::store::CONFIG_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => match serde_saphyr::from_str::<crate::config::Config>(&text) {
            Ok(config) => config,
            Err(e) => {
                ctx.warn(&format!(
                    "ignoring {}: {e}; using the defaults",
                    crate::store::CONFIG_FILE
                ));
                crate::config::Config::default()
            }
        },
        Err(_) => crate::config::Config::default(),
    }
}
