//! The report's data: every number `report` shows, as serialised to JSON (the contract of
//! issue 2 plus further keys, documented in docs/report.md). `metrics::compute` fills it in.

use super::period::Period;
use super::stats::{Stats, round};
use crate::fragility::FileScore;
use crate::store::{Severity, Status, Tier};
use serde::Serialize;
use std::collections::BTreeMap;

/// The report: the JSON contract of issue 2 (`period`, `incidents`, `repeat_issue_rate`,
/// `regression_rate`, `tiers`, `escalation_rate`, `time_to_resolve`, `fragile_files`) plus
/// further keys.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub period: PeriodOut,
    pub incidents: usize,
    pub repeat_issue_rate: RepeatRate,
    pub regression_rate: RegressionRate,
    pub tiers: BTreeMap<&'static str, Stats>,
    /// Investigation hours over every incident, whatever its tier.
    pub hours: Stats,
    /// Investigation hours of repeats against first occurrences: does knowledge compound?
    pub hours_repeat_vs_first: RepeatVsFirst,
    pub escalation_rate: Option<f64>,
    pub escalation: Escalation,
    pub deflection_rate: Option<f64>,
    pub deflection: Deflection,
    /// Null when `capacity.engineers` is not set in the config.
    pub escalation_load: Option<Load>,
    pub time_to_resolve: BTreeMap<&'static str, Stats>,
    pub time_to_resolve_all: Stats,
    pub fragile_files: Vec<FileScore>,
    /// Paths among `fragile_files` that were not in the top list at the start of the period.
    pub fragile_new_entrants: Vec<String>,
    pub counts: Counts,
    pub previous: Headline,
    pub trend: BTreeMap<&'static str, Trend>,
    /// One row per incident, for csv.
    #[serde(skip)]
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodOut {
    pub since: String,
    /// Exclusive.
    pub until: String,
    pub label: String,
    pub days: f64,
    /// `complete`, `to_date` (a quarter in progress, cut at the time of the report) or
    /// `not_started` (a period that begins after it).
    pub status: &'static str,
    /// For a quarter to date: the days begun so far, and the days in the whole quarter.
    pub days_elapsed: Option<i64>,
    pub days_in_quarter: Option<i64>,
    /// How the period was chosen or cut, when the flags alone do not say (the default
    /// quarter, `--until` alone, the previous period cut to the same length).
    pub note: Option<String>,
}

impl From<&Period> for PeriodOut {
    fn from(p: &Period) -> Self {
        let to_date = p.to_date_days();
        PeriodOut {
            since: p.since.to_string(),
            until: p.until.to_string(),
            label: p.label(),
            days: round(p.days(), 2),
            status: if to_date.is_some() {
                "to_date"
            } else {
                "complete"
            },
            days_elapsed: to_date.map(|d| d.0),
            days_in_quarter: to_date.map(|d| d.1),
            note: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RepeatRate {
    pub declared: Option<f64>,
    /// Needs `match` scoring; null until then.
    pub detected: Option<f64>,
    pub declared_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegressionRate {
    pub bad_fix: Option<f64>,
    /// Needs introducing commits' paths from history; null until then.
    pub re_broken: Option<f64>,
    pub bad_fix_count: usize,
    /// The denominator of `bad_fix`: incidents whose introducing commit is known.
    pub with_introduced_by: usize,
    /// Hours from the earlier incident's resolution to the regression's opening.
    pub bad_fix_lag: Stats,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepeatVsFirst {
    pub repeat: Stats,
    pub first: Stats,
}

#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    /// Incidents with a tier or escalations recorded (the denominator).
    pub with_tier: usize,
    pub reached_l2: usize,
    pub reached_l3: usize,
    /// Share reaching L2 or higher (equals `escalation_rate`).
    pub l2_rate: Option<f64>,
    pub l3_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deflection {
    /// Resolved incidents (the denominator).
    pub resolved: usize,
    pub deflected: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub engineers: f64,
    pub hours_per_week: f64,
    pub capacity_hours: f64,
    /// Investigation hours of incidents that reached L2 or L3.
    pub escalated_hours: f64,
    /// `escalated_hours / capacity_hours`; may exceed 1 when escalations outgrow the team.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub by_status: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<&'static str, usize>,
    pub by_source: BTreeMap<&'static str, usize>,
    /// Notes without an `opened` date, which no period includes.
    pub undated_notes: usize,
}

/// The headline numbers of a period, for trends.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub period: PeriodOut,
    pub incidents: usize,
    pub repeat_issue_rate_declared: Option<f64>,
    pub regression_rate_bad_fix: Option<f64>,
    pub escalation_rate: Option<f64>,
    pub deflection_rate: Option<f64>,
    pub total_hours: f64,
    pub median_time_to_resolve_hours: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub current: Option<f64>,
    pub previous: Option<f64>,
    /// `current - previous`; null when either is.
    pub change: Option<f64>,
}

/// Derived fields of one incident (csv rows, and the building blocks of the metrics).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub severity: Option<Severity>,
    pub tier: Option<Tier>,
    pub highest_tier: Option<Tier>,
    pub opened: Option<String>,
    pub resolved: Option<String>,
    pub hours: Option<f64>,
    pub time_to_resolve_hours: Option<f64>,
    pub repeat_of: Option<String>,
    pub resolved_with: Option<String>,
    pub bad_fix: bool,
    pub deflected: bool,
    pub source: Option<&'static str>,
    pub paths: String,
}
