//! The quarterly report (DESIGN section 6): metrics computed from notes and a period
//! (`metrics`, pure), and renderers for each format. docs/report.md defines every number.

pub mod metrics;
pub mod model;
pub mod period;
pub mod render_csv;
pub mod render_html;
pub mod render_markdown;
pub mod render_text;
pub mod stats;

pub use metrics::{Report, compute};
pub use period::{Period, PeriodError};

/// The report as pretty JSON (the documented, stable shape), with a final newline.
pub fn render_json(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
