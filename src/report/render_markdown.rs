//! The report as GitHub-flavoured Markdown: tables, and charts as mermaid blocks (GitHub
//! renders them in issues, pull requests, wikis and `.md` files).

use super::metrics::Report;
use super::render_text::{hours, period_line};
use super::stats::Stats;
use std::fmt::Write;

/// Text safe inside a table cell: pipes escaped, no line breaks, no HTML.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// A label inside a mermaid string: its quotes and brackets would end the string.
fn chart_label(s: &str) -> String {
    s.replace(['"', '[', ']'], "'")
}

pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Incident report {}", period_line(report));
    let _ = writeln!(o);
    let _ = writeln!(o, "Compared with {}.", report.previous.period.label);
    if let Some(note) = &report.period.note {
        let _ = writeln!(o);
        let _ = writeln!(o, "_Note: {note}._");
    }
    let _ = writeln!(o);
    if report.incidents == 0 {
        let _ = writeln!(
            o,
            "No incidents were opened in this period ({} in the previous one).",
            report.previous.incidents
        );
        return o;
    }
    let _ = writeln!(
        o,
        "| metric | value | detail | against the previous period |"
    );
    let _ = writeln!(o, "|---|---:|---|---|");
    let rows = super::render_text::headline_rows(report);
    for (name, value, detail, trend) in rows {
        let detail = cell(&detail);
        let _ = writeln!(o, "| {name} | {value} | {detail} | {trend} |");
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "## Investigation hours by tier");
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "| tier | incidents | with hours | total | median | p90 |"
    );
    let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|");
    let mut tier_rows: Vec<(&str, &Stats)> = report.tiers.iter().map(|(k, v)| (*k, v)).collect();
    tier_rows.push(("repeats", &report.hours_repeat_vs_first.repeat));
    tier_rows.push(("first occurrences", &report.hours_repeat_vs_first.first));
    tier_rows.push(("all", &report.hours));
    for (name, s) in &tier_rows {
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {} | {} | {} |",
            s.count,
            s.measured,
            hours(Some(s.total_hours)),
            hours(s.median_hours),
            hours(s.p90_hours)
        );
    }
    let tiers_with_hours: Vec<(&str, f64)> = report
        .tiers
        .iter()
        .map(|(k, s)| (*k, s.total_hours))
        .collect();
    if tiers_with_hours.iter().any(|(_, h)| *h > 0.0) {
        let _ = writeln!(o);
        let _ = writeln!(o, "```mermaid");
        let _ = writeln!(o, "xychart-beta");
        let _ = writeln!(o, "    title \"Investigation hours by tier\"");
        let names: Vec<String> = tiers_with_hours
            .iter()
            .map(|(k, _)| (*k).to_string())
            .collect();
        let values: Vec<String> = tiers_with_hours
            .iter()
            .map(|(_, h)| hours(Some(*h)))
            .collect();
        let _ = writeln!(o, "    x-axis [{}]", names.join(", "));
        let _ = writeln!(o, "    y-axis \"hours\"");
        let _ = writeln!(o, "    bar [{}]", values.join(", "));
        let _ = writeln!(o, "```");
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "## Time to resolve by severity");
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "| severity | incidents | measured | median hours | p90 hours |"
    );
    let _ = writeln!(o, "|---|---:|---:|---:|---:|");
    for (name, s) in report
        .time_to_resolve
        .iter()
        .map(|(k, v)| (*k, v))
        .chain([("all", &report.time_to_resolve_all)])
    {
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {} | {} |",
            s.count,
            s.measured,
            hours(s.median_hours),
            hours(s.p90_hours)
        );
    }
    if !report.counts.by_severity.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "```mermaid");
        let _ = writeln!(o, "pie title Incidents by severity");
        for (sev, n) in &report.counts.by_severity {
            let _ = writeln!(o, "    \"{}\" : {n}", chart_label(sev));
        }
        let _ = writeln!(o, "```");
    }

    let _ = writeln!(o);
    let _ = writeln!(o, "## Most fragile files");
    let _ = writeln!(o);
    if report.fragile_files.is_empty() {
        let _ = writeln!(o, "None.");
    } else {
        let _ = writeln!(
            o,
            "| file | score | level | incidents | fix commits | new |"
        );
        let _ = writeln!(o, "|---|---:|---|---:|---:|---|");
        for f in &report.fragile_files {
            let _ = writeln!(
                o,
                "| `{}` | {:.2} | {} | {} | {} | {} |",
                cell(&f.path).replace('`', "'"),
                f.score,
                format!("{:?}", f.level).to_lowercase(),
                f.incidents.len(),
                f.fix_commits,
                if report.fragile_new_entrants.contains(&f.path) {
                    "yes"
                } else {
                    ""
                }
            );
        }
    }
    o
}
