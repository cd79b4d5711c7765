//! The report as plain text for a terminal: headline numbers with their trend, then tables.

use super::metrics::{Report, Trend};
use super::stats::Stats;
use std::fmt::Write;

/// A rate as a percentage (`25.0%`), or `n/a` when it has no denominator.
pub fn pct(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.1}%", r * 100.0),
        None => "n/a".to_string(),
    }
}

/// Hours with at most two decimals (`6.5`, `12`), or `-`.
pub fn hours(h: Option<f64>) -> String {
    match h {
        Some(h) => {
            let s = format!("{h:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        None => "-".to_string(),
    }
}

/// `28 h`, or `n/a`.
pub fn with_unit(h: Option<f64>, unit: &str) -> String {
    match h {
        Some(_) => format!("{} {unit}", hours(h)),
        None => "n/a".to_string(),
    }
}

/// The change against the previous period: `+3`, `-12.5 pts`, or empty when unknown.
pub fn change(trend: Option<&Trend>, is_rate: bool) -> String {
    let Some(t) = trend else {
        return String::new();
    };
    match (t.change, t.previous) {
        (Some(c), Some(p)) if is_rate => format!(
            "previous {}, {}{:.1} pts",
            pct(Some(p)),
            sign(c),
            c.abs() * 100.0
        ),
        (Some(c), Some(p)) => format!(
            "previous {}, {}{}",
            hours(Some(p)),
            sign(c),
            hours(Some(c.abs()))
        ),
        (None, Some(p)) if is_rate => format!("previous {}", pct(Some(p))),
        (None, Some(p)) => format!("previous {}", hours(Some(p))),
        _ => "previous n/a".to_string(),
    }
}

fn sign(c: f64) -> &'static str {
    if c < 0.0 { "-" } else { "+" }
}

/// The period line: `2026Q3 (2026-07-01 to 2026-09-30)`.
pub fn period_line(report: &Report) -> String {
    let last_day = report
        .period
        .until
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| jiff::Timestamp::from_second(t.as_second() - 1).ok())
        .map(|t| {
            t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string()
        })
        .unwrap_or_default();
    let first_day = report.period.since.get(..10).unwrap_or_default();
    let range = format!("{first_day} to {last_day}");
    if report.period.label == range {
        range
    } else {
        format!("{} ({range})", report.period.label)
    }
}

/// The line about notes that no period includes.
pub fn undated(n: usize) -> String {
    if n == 1 {
        "1 note has no `opened` date and is in no period.".to_string()
    } else {
        format!("{n} notes have no `opened` date and are in no period.")
    }
}

pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Incident report {}", period_line(report));
    let _ = writeln!(o, "Compared with {}", report.previous.period.label);
    if let Some(note) = &report.period.note {
        let _ = writeln!(o, "Note: {note}.");
    }
    let _ = writeln!(o);
    if report.incidents == 0 {
        let _ = writeln!(
            o,
            "No incidents were opened in this period ({} in the previous one).",
            report.previous.incidents
        );
        if report.counts.undated_notes > 0 {
            let _ = writeln!(o, "{}", undated(report.counts.undated_notes));
        }
        return o;
    }
    let lines = headline_rows(report);
    for (name, value, detail, trend) in lines {
        let mut line = format!("{name:<20} {value:>7}  {detail}");
        if !trend.is_empty() {
            let _ = write!(line, " ({trend})");
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "Investigation hours by tier");
    let _ = writeln!(
        o,
        "  {:<8} {:>9} {:>10} {:>8} {:>8} {:>8}",
        "tier", "incidents", "with hours", "total", "median", "p90"
    );
    let mut tier_rows: Vec<(&str, &Stats)> = report.tiers.iter().map(|(k, v)| (*k, v)).collect();
    tier_rows.push(("repeats", &report.hours_repeat_vs_first.repeat));
    tier_rows.push(("firsts", &report.hours_repeat_vs_first.first));
    tier_rows.push(("all", &report.hours));
    for (name, s) in tier_rows {
        let _ = writeln!(
            o,
            "  {:<8} {:>9} {:>10} {:>8} {:>8} {:>8}",
            name,
            s.count,
            s.measured,
            hours(Some(s.total_hours)),
            hours(s.median_hours),
            hours(s.p90_hours)
        );
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "Time to resolve by severity (hours)");
    let _ = writeln!(
        o,
        "  {:<8} {:>9} {:>8} {:>8} {:>8}",
        "severity", "incidents", "measured", "median", "p90"
    );
    let mut sev_rows: Vec<(&str, &Stats)> = report
        .time_to_resolve
        .iter()
        .map(|(k, v)| (*k, v))
        .collect();
    sev_rows.push(("all", &report.time_to_resolve_all));
    for (name, s) in sev_rows {
        let _ = writeln!(
            o,
            "  {:<8} {:>9} {:>8} {:>8} {:>8}",
            name,
            s.count,
            s.measured,
            hours(s.median_hours),
            hours(s.p90_hours)
        );
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "Most fragile files");
    if report.fragile_files.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for f in &report.fragile_files {
        let _ = writeln!(
            o,
            "  {:>6.2}  {:<6}  {}  ({} incidents, {} fix commits){}",
            f.score,
            format!("{:?}", f.level).to_lowercase(),
            f.path,
            f.incidents.len(),
            f.fix_commits,
            if report.fragile_new_entrants.contains(&f.path) {
                "  new this period"
            } else {
                ""
            }
        );
    }
    if report.counts.undated_notes > 0 {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", undated(report.counts.undated_notes));
    }
    o
}

/// The headline metrics, one row each: name, value, detail, change against the previous
/// period. Text and Markdown print the same rows.
pub(super) fn headline_rows(report: &Report) -> Vec<(&'static str, String, String, String)> {
    let t = |k: &str| report.trend.get(k);
    vec![
        (
            "Incidents",
            report.incidents.to_string(),
            String::new(),
            change(t("incidents"), false),
        ),
        (
            "Repeat-issue rate",
            pct(report.repeat_issue_rate.declared),
            format!(
                "{} of {} declared repeat_of; detected: not computed",
                report.repeat_issue_rate.declared_count, report.incidents
            ),
            change(t("repeat_issue_rate_declared"), true),
        ),
        (
            "Regression rate",
            pct(report.regression_rate.bad_fix),
            format!(
                "{} of {} with a known introducing commit were a fix's regression",
                report.regression_rate.bad_fix_count, report.regression_rate.with_introduced_by
            ),
            change(t("regression_rate_bad_fix"), true),
        ),
        (
            "Escalation rate",
            pct(report.escalation_rate),
            format!(
                "{} of {} with a tier reached L2 or L3 ({} reached L3)",
                report.escalation.reached_l2,
                report.escalation.with_tier,
                report.escalation.reached_l3
            ),
            change(t("escalation_rate"), true),
        ),
        (
            "Deflection rate",
            pct(report.deflection_rate),
            format!(
                "{} of {} resolved reused an earlier incident, below L3",
                report.deflection.deflected, report.deflection.resolved
            ),
            change(t("deflection_rate"), true),
        ),
        (
            "Escalation load",
            match &report.escalation_load {
                Some(l) => pct(l.share),
                None => "n/a".into(),
            },
            match &report.escalation_load {
                Some(l) => format!(
                    "{} escalated hours of {} capacity hours",
                    hours(Some(l.escalated_hours)),
                    hours(Some(l.capacity_hours))
                ),
                None => "set capacity.engineers in .incidents/config.yaml".into(),
            },
            String::new(),
        ),
        (
            "Investigation hours",
            hours(Some(report.hours.total_hours)),
            format!(
                "recorded on {} of {}",
                report.hours.measured, report.hours.count
            ),
            change(t("total_hours"), false),
        ),
        (
            "Time to resolve",
            with_unit(report.time_to_resolve_all.median_hours, "h"),
            format!(
                "median; p90 {}; {} of {} timed",
                with_unit(report.time_to_resolve_all.p90_hours, "h"),
                report.time_to_resolve_all.measured,
                report.time_to_resolve_all.count
            ),
            change(t("median_time_to_resolve_hours"), false),
        ),
    ]
}
