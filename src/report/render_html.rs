//! The report as one self-contained HTML file: inline CSS, charts as inline SVG, no scripts and
//! nothing fetched, so it reads offline and can be mailed or attached as is.

use super::metrics::Report;
use super::render_text::{hours, period_line};
use super::stats::Stats;
use std::fmt::Write;

/// Text safe inside HTML elements and attribute values.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// A horizontal bar chart as inline SVG; bars are scaled to the largest value.
fn bar_chart(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let row = 26.0;
    let label_w = 110.0;
    let bar_w = 300.0;
    let height = 30.0 + row * bars.len() as f64;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\"><title>{t}</title>\
         <text x=\"0\" y=\"16\" class=\"ct\">{t}</text>",
        w = label_w + bar_w + 80.0,
        t = esc(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 26.0 + row * i as f64;
        let w = if max > 0.0 { value / max * bar_w } else { 0.0 };
        let _ = write!(
            o,
            "<text x=\"0\" y=\"{ty}\" class=\"cl\">{l}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" class=\"bar\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"cl\">{v} {u}</text>",
            ty = y + 14.0,
            l = esc(label),
            vx = label_w + w + 6.0,
            v = hours(Some(*value)),
            u = esc(unit)
        );
    }
    o.push_str("</svg>");
    o
}

fn stats_row(o: &mut String, name: &str, s: &Stats, with_total: bool) {
    let _ = write!(
        o,
        "<tr><td>{}</td><td>{}</td><td>{}</td>",
        esc(name),
        s.count,
        s.measured
    );
    if with_total {
        let _ = write!(o, "<td>{}</td>", hours(Some(s.total_hours)));
    }
    let _ = writeln!(
        o,
        "<td>{}</td><td>{}</td></tr>",
        hours(s.median_hours),
        hours(s.p90_hours)
    );
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#1f2328}table{border-collapse:collapse;margin:1rem 0}\
td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}\
td:nth-child(n+2){text-align:right}th{background:#f6f8fa}.bar{fill:#0969da}\
.ct{font:bold 13px sans-serif}.cl{font:12px sans-serif}.muted{color:#59636e}";

pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let title = format!("Incident report {}", period_line(report));
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n\
         <p class=\"muted\">Compared with {p}. Definitions: docs/report.md.</p>",
        t = esc(&title),
        p = esc(&report.previous.period.label)
    );
    if let Some(note) = &report.period.note {
        let _ = writeln!(o, "<p class=\"muted\">Note: {}.</p>", esc(note));
    }
    if report.incidents == 0 {
        let _ = writeln!(
            o,
            "<p>No incidents were opened in this period ({} in the previous one).</p>\
             </body></html>",
            report.previous.incidents
        );
        return o;
    }
    // The same rows as the text and Markdown reports.
    o.push_str(
        "<table><tr><th>metric</th><th>value</th><th>detail</th>\
         <th>against the previous period</th></tr>\n",
    );
    for (name, value, detail, trend) in super::render_text::headline_rows(report) {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&value),
            esc(&detail),
            esc(&trend)
        );
    }
    o.push_str("</table>\n<h2>Investigation hours by tier</h2>\n");
    let bars: Vec<(String, f64)> = report
        .tiers
        .iter()
        .map(|(k, s)| ((*k).to_string(), s.total_hours))
        .collect();
    o.push_str(&bar_chart("Total investigation hours", "h", &bars));
    o.push_str(
        "\n<table><tr><th>tier</th><th>incidents</th><th>with hours</th><th>total</th>\
         <th>median</th><th>p90</th></tr>\n",
    );
    for (k, s) in &report.tiers {
        stats_row(&mut o, k, s, true);
    }
    stats_row(
        &mut o,
        "repeats",
        &report.hours_repeat_vs_first.repeat,
        true,
    );
    stats_row(
        &mut o,
        "first occurrences",
        &report.hours_repeat_vs_first.first,
        true,
    );
    stats_row(&mut o, "all", &report.hours, true);
    o.push_str("</table>\n<h2>Time to resolve by severity</h2>\n");
    let bars: Vec<(String, f64)> = report
        .time_to_resolve
        .iter()
        .filter_map(|(k, s)| s.median_hours.map(|m| ((*k).to_string(), m)))
        .collect();
    if !bars.is_empty() {
        o.push_str(&bar_chart("Median hours to resolve", "h", &bars));
    }
    o.push_str(
        "\n<table><tr><th>severity</th><th>incidents</th><th>measured</th>\
         <th>median hours</th><th>p90 hours</th></tr>\n",
    );
    for (k, s) in &report.time_to_resolve {
        stats_row(&mut o, k, s, false);
    }
    stats_row(&mut o, "all", &report.time_to_resolve_all, false);
    o.push_str("</table>\n<h2>Most fragile files</h2>\n");
    if report.fragile_files.is_empty() {
        o.push_str("<p>None.</p>\n");
    } else {
        o.push_str(
            "<table><tr><th>file</th><th>score</th><th>level</th><th>incidents</th>\
             <th>fix commits</th><th>new</th></tr>\n",
        );
        for f in &report.fragile_files {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td></tr>",
                esc(&f.path),
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
        o.push_str("</table>\n");
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::esc("<img src=x> & \"q\""),
            "&lt;img src=x&gt; &amp; &quot;q&quot;"
        );
    }
}
