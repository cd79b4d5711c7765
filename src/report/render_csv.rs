//! The report as CSV: one row per incident of the period with its derived fields (RFC 4180:
//! comma-separated, fields quoted when they hold a comma, quote or line break).

use super::metrics::{Report, severity_name, status_name, tier_name};

const HEADER: &[&str] = &[
    "id",
    "title",
    "status",
    "severity",
    "tier",
    "highest_tier",
    "opened",
    "resolved",
    "hours",
    "time_to_resolve_hours",
    "repeat_of",
    "resolved_with",
    "bad_fix",
    "deflected",
    "source",
    "paths",
];

fn field(s: &str) -> String {
    // A leading `=`, `+`, `-` or `@` makes spreadsheets run the cell as a formula; so does a
    // tab or carriage return before one (OWASP's CSV injection list).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn num(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

pub fn render(report: &Report) -> String {
    let mut o = HEADER.join(",");
    o.push('\n');
    for r in &report.rows {
        let cells = [
            field(&r.id),
            field(&r.title),
            status_name(r.status).to_string(),
            r.severity
                .map(severity_name)
                .unwrap_or_default()
                .to_string(),
            r.tier.map(tier_name).unwrap_or_default().to_string(),
            r.highest_tier
                .map(tier_name)
                .unwrap_or_default()
                .to_string(),
            r.opened.clone().unwrap_or_default(),
            r.resolved.clone().unwrap_or_default(),
            num(r.hours),
            num(r.time_to_resolve_hours),
            field(r.repeat_of.as_deref().unwrap_or_default()),
            field(r.resolved_with.as_deref().unwrap_or_default()),
            r.bad_fix.to_string(),
            r.deflected.to_string(),
            r.source.unwrap_or_default().to_string(),
            field(&r.paths),
        ];
        o.push_str(&cells.join(","));
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn csv_cells_that_spreadsheets_would_run_as_formulas_are_neutralised() {
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\t=cmd"), "'\t=cmd");
        assert_eq!(field("\r=cmd"), "\"'\r=cmd\"");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("plain"), "plain");
    }
}
