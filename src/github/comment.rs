//! The Markdown the Action posts: the pull request comment (short, readable in ten seconds) and
//! the job summary (everything). Both quote notes only through `escape`, and link each incident
//! to its note file as of the base commit, the version the warning was computed from.

use super::escape::{self, MAX_FIELD_CHARS};
use crate::fragility::{CheckResult, CheckedFile, IncidentRef, Level};
use crate::store::LoadedNote;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The hidden marker that identifies our comment among all others on the pull request.
pub const MARKER: &str = "<!-- git-incident -->";

/// Files listed in the comment; the rest are counted and left to the job summary.
const COMMENT_FILES: usize = 15;
/// Incidents detailed in the comment.
const COMMENT_INCIDENTS: usize = 8;
/// Line ranges shown per file in a table cell.
const RANGES_PER_CELL: usize = 3;
/// GitHub rejects comments over 65,536 characters; stay well below.
const MAX_BODY_CHARS: usize = 60_000;

/// What the rendering needs besides the check result.
pub struct RenderContext<'a> {
    /// `OWNER/NAME`.
    pub repository: &'a str,
    /// `https://github.com` or the Enterprise server.
    pub server_url: &'a str,
    pub base_sha: &'a str,
    pub head_sha: &'a str,
    /// Notes as of the base commit.
    pub notes: &'a [LoadedNote],
    /// Link to the workflow run, where the job summary is.
    pub run_url: Option<&'a str>,
    /// Note files on the base commit that could not be read (a broken note hides an
    /// incident, so the reader is told).
    pub unreadable: &'a [crate::store::Warning],
}

impl RenderContext<'_> {
    fn note(&self, id: &str) -> Option<&LoadedNote> {
        self.notes.iter().find(|n| n.note.id == id)
    }

    /// The note file on the base commit.
    fn note_url(&self, id: &str) -> String {
        let file = self
            .note(id)
            .map(|n| n.file.clone())
            .unwrap_or_else(|| format!("{}/{id}.yaml", crate::store::DIR));
        escape::url(&format!(
            "{}/{}/blob/{}/{}",
            self.server_url, self.repository, self.base_sha, file
        ))
    }
}

/// Files the check flagged, most important first: files where the change edits lines a fix
/// wrote, then by level and score.
pub fn flagged(result: &CheckResult) -> Vec<&CheckedFile> {
    let mut files: Vec<&CheckedFile> = result
        .files
        .iter()
        .filter(|f| f.level > Level::None)
        .collect();
    files.sort_by(|a, b| {
        (!b.lines.is_empty(), b.level)
            .cmp(&(!a.lines.is_empty(), a.level))
            .then(b.score.total_cmp(&a.score))
            .then(a.path.cmp(&b.path))
    });
    files
}

/// The pull request comment, or `None` when nothing is flagged.
pub fn comment_body(result: &CheckResult, ctx: &RenderContext) -> Option<String> {
    let files = flagged(result);
    if files.is_empty() {
        return None;
    }
    let mut out = format!("{MARKER}\n");
    render(
        &mut out,
        result,
        &files,
        ctx,
        Some((COMMENT_FILES, COMMENT_INCIDENTS)),
    );
    let _ = write!(
        out,
        "\n<sub>Computed by git-incident from the notes on the base commit `{}`; this comment \
         is updated on every push.",
        short(ctx.base_sha)
    );
    if let Some(run) = ctx.run_url {
        let _ = write!(out, " [Full result]({}).", escape::url(run));
    }
    out.push_str("</sub>\n");
    Some(cap(out))
}

/// The comment once a later push no longer touches code with history: the same comment, so
/// no stale warning stays on the pull request.
pub fn resolved_body(ctx: &RenderContext) -> String {
    format!(
        "{MARKER}\n### ✅ git-incident: nothing flagged any more\n\nAs of head `{}`, this pull \
         request no longer touches code with incident history; earlier warnings here no longer \
         apply.\n",
        short(ctx.head_sha)
    )
}

/// The job summary: the whole result, every file and incident.
pub fn summary(result: &CheckResult, ctx: &RenderContext) -> String {
    let files = flagged(result);
    let mut out = String::new();
    if files.is_empty() {
        let _ = writeln!(
            out,
            "### ✅ git-incident: no touched file has incident history\n\nChecked `{}`..`{}` \
             against {} on the base commit.",
            short(ctx.base_sha),
            short(ctx.head_sha),
            plural(ctx.notes.len(), "note", "notes")
        );
        unreadable_lines(&mut out, ctx);
        return out;
    }
    render(&mut out, result, &files, ctx, None);
    let _ = writeln!(
        out,
        "\nChecked `{}`..`{}` against {} on the base commit.",
        short(ctx.base_sha),
        short(ctx.head_sha),
        plural(ctx.notes.len(), "note", "notes")
    );
    unreadable_lines(&mut out, ctx);
    cap(out)
}

/// The notes that could not be read, named, so a broken note cannot silently hide an incident.
fn unreadable_lines(out: &mut String, ctx: &RenderContext) {
    if ctx.unreadable.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n⚠️ {} on the base commit could not be read and {} left out:\n",
        plural(ctx.unreadable.len(), "note", "notes"),
        if ctx.unreadable.len() == 1 {
            "was"
        } else {
            "were"
        }
    );
    for w in ctx.unreadable {
        let _ = writeln!(
            out,
            "- {}: {}",
            escape::code(&w.file),
            escape::inline(&w.message, 200)
        );
    }
}

fn render(
    out: &mut String,
    result: &CheckResult,
    files: &[&CheckedFile],
    ctx: &RenderContext,
    limits: Option<(usize, usize)>,
) {
    let incidents = incident_ids(files, ctx);
    // The comment stays short; the summary lists more of each file's incidents.
    let ids_per_cell = if limits.is_some() { 3 } else { 10 };
    let _ = writeln!(
        out,
        "### ⚠️ git-incident: this change touches code with incident history\n\n**Risk: {}** · \
         {} with history · {}\n",
        level_name(result.risk),
        plural(files.len(), "file", "files"),
        plural(incidents.len(), "incident", "incidents"),
    );
    out.push_str("| File | Risk | Incidents | Fix commits | Lines a fix wrote |\n");
    out.push_str("|---|---|---|---|---|\n");
    let shown_files = limits.map_or(files.len(), |(f, _)| f.min(files.len()));
    for file in &files[..shown_files] {
        let mut refs: Vec<&IncidentRef> = file.incidents.iter().collect();
        refs.sort_by_key(|i| rank(i, ctx));
        let mut ids: Vec<String> = refs
            .iter()
            .take(ids_per_cell)
            .map(|i| format!("[{}]({})", escape::inline(&i.id, 40), ctx.note_url(&i.id)))
            .collect();
        if refs.len() > ids_per_cell {
            ids.push(format!("+{}", refs.len() - ids_per_cell));
        }
        let _ = writeln!(
            out,
            "| {} | {} {} | {} | {} | {} |",
            escape::code(&file.path),
            level_mark(file.level),
            level_name(file.level),
            if ids.is_empty() {
                "–".to_string()
            } else {
                ids.join(", ")
            },
            file.fix_commits,
            ranges(file)
        );
    }
    if shown_files < files.len() {
        let _ = writeln!(
            out,
            "\n…and {} more in the job summary.",
            plural(files.len() - shown_files, "file", "files")
        );
    }
    if !incidents.is_empty() {
        out.push_str("\n**Incidents behind these files**\n\n");
        let shown = limits.map_or(incidents.len(), |(_, i)| i.min(incidents.len()));
        for (id, fallback) in &incidents[..shown] {
            out.push_str(&incident_line(id, fallback, ctx));
            out.push('\n');
        }
        if shown < incidents.len() {
            let _ = writeln!(
                out,
                "- …and {} more in the job summary.",
                plural(incidents.len() - shown, "incident", "incidents")
            );
        }
    }
    let line_hits = files.iter().any(|f| !f.lines.is_empty());
    out.push_str("\n**What to check:** ");
    out.push_str(match (line_hits, incidents.is_empty()) {
        (true, false) => {
            "this change edits lines that earlier fixes wrote; make sure it keeps what those \
             fixes guard against (root causes above).\n"
        }
        (true, true) => {
            "this change edits lines that earlier fixes wrote; read those fix commits and make \
             sure this change keeps what they guard against.\n"
        }
        (false, false) => {
            "these files broke before; make sure this change does not bring back the root \
             causes above, and that tests cover them.\n"
        }
        (false, true) => {
            "these files needed many fixes before (no incident note names them yet); make sure \
             tests cover this change.\n"
        }
    });
}

/// One incident: linked title, severity, when, root cause.
fn incident_line(
    id: &str,
    fallback: &crate::fragility::IncidentRef,
    ctx: &RenderContext,
) -> String {
    let note = ctx.note(id).map(|n| &n.note);
    let title = note.map_or(fallback.title.as_str(), |n| n.title.as_str());
    let severity = note.and_then(|n| n.severity).or(fallback.severity);
    let mut line = format!(
        "- [**{}**]({})",
        escape::inline(title, 120),
        ctx.note_url(id)
    );
    if let Some(sev) = severity {
        let _ = write!(line, " · {}", severity_name(sev));
    }
    if let Some(note) = note {
        match (note.opened, note.resolved) {
            (Some(o), Some(r)) => {
                let _ = write!(line, " · {} → {}", date(o), date(r));
            }
            (Some(o), None) => {
                let _ = write!(line, " · opened {}", date(o));
            }
            (None, Some(r)) => {
                let _ = write!(line, " · resolved {}", date(r));
            }
            (None, None) => {}
        }
        if let Some(cause) = note.root_cause.as_deref().filter(|c| !c.trim().is_empty()) {
            let _ = write!(
                line,
                " · root cause: {}",
                escape::inline(cause, MAX_FIELD_CHARS)
            );
        }
    }
    line
}

/// Unique incident ids over the files, most important first.
fn incident_ids<'a>(
    files: &[&'a CheckedFile],
    ctx: &RenderContext,
) -> Vec<(String, &'a IncidentRef)> {
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for file in files {
        for inc in &file.incidents {
            if seen.insert(inc.id.clone(), ()).is_none() {
                out.push((inc.id.clone(), inc));
            }
        }
    }
    out.sort_by_key(|(_, inc)| rank(inc, ctx));
    out
}

/// Order of importance: most severe first, then most recent, then by id.
fn rank(inc: &IncidentRef, ctx: &RenderContext) -> (u8, std::cmp::Reverse<i64>, String) {
    let note = ctx.note(&inc.id).map(|n| &n.note);
    let severity = note.and_then(|n| n.severity).or(inc.severity);
    let sev = severity.map_or(4, |s| s as u8);
    let when = note
        .and_then(|n| n.opened.or(n.resolved))
        .map_or(i64::MIN, |t| t.as_second());
    (sev, std::cmp::Reverse(when), inc.id.clone())
}

fn ranges(file: &CheckedFile) -> String {
    if file.lines.is_empty() {
        return "–".to_string();
    }
    let mut parts: Vec<String> = file
        .lines
        .iter()
        .take(RANGES_PER_CELL)
        .map(|l| {
            let span = if l.start == l.end {
                l.start.to_string()
            } else {
                format!("{}–{}", l.start, l.end)
            };
            format!("{span} (fix {})", escape::code(short(&l.fix_commit)))
        })
        .collect();
    if file.lines.len() > RANGES_PER_CELL {
        parts.push(format!("+{}", file.lines.len() - RANGES_PER_CELL));
    }
    parts.join(", ")
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::None => "none",
        Level::Low => "low",
        Level::Medium => "medium",
        Level::High => "high",
    }
}

fn level_mark(level: Level) -> &'static str {
    match level {
        Level::High => "🔴",
        Level::Medium => "🟠",
        Level::Low => "🟡",
        Level::None => "⚪",
    }
}

pub fn severity_name(sev: crate::store::Severity) -> &'static str {
    match sev {
        crate::store::Severity::Sev1 => "sev1",
        crate::store::Severity::Sev2 => "sev2",
        crate::store::Severity::Sev3 => "sev3",
        crate::store::Severity::Sev4 => "sev4",
    }
}

fn date(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// The first 7 characters of a commit id (ids are ASCII hex; anything else is kept whole).
pub fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn cap(mut body: String) -> String {
    if body.len() > MAX_BODY_CHARS {
        let mut cut = MAX_BODY_CHARS;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
        body.push_str("\n\n…cut to fit GitHub's size limit; the job summary has the rest.\n");
    }
    body
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fragility::{IncidentRef, LineHit};
    use crate::store::{Note, Severity};

    fn note(id: &str, title: &str, cause: &str) -> LoadedNote {
        let yaml = format!(
            "version: 1\nid: {id}\ntitle: {title:?}\nstatus: resolved\nseverity: sev2\n\
             opened: 2026-09-14T08:12:00Z\nresolved: 2026-09-15T16:40:00Z\n\
             root_cause: {cause:?}\n"
        );
        LoadedNote {
            note: serde_saphyr::from_str::<Note>(&yaml).unwrap(),
            file: format!(".incidents/{id}.yaml"),
        }
    }

    pub(crate) fn example() -> (CheckResult, Vec<LoadedNote>) {
        let inc = |id: &str, title: &str| IncidentRef {
            id: id.to_string(),
            title: title.to_string(),
            severity: Some(Severity::Sev2),
        };
        let result = CheckResult {
            history_cut_at: None,
            warnings: Vec::new(),
            base: "1111111111111111111111111111111111111111".into(),
            head: "2222222222222222222222222222222222222222".into(),
            risk: Level::High,
            files: vec![
                CheckedFile {
                    path: "src/pricing/rules.rs".into(),
                    level: Level::Medium,
                    score: 2.5,
                    incidents: vec![inc("q7d2m4xa", "Wrong VAT for @acme <b>EU</b> orders")],
                    fix_commits: 2,
                    lines: vec![],
                    deleted: false,
                },
                CheckedFile {
                    path: "src/checkout/cart.rs".into(),
                    level: Level::High,
                    score: 7.1,
                    incidents: vec![inc(
                        "k3f9x2ab",
                        "Checkout times out for carts with more than 100 items",
                    )],
                    fix_commits: 3,
                    lines: vec![LineHit {
                        start: 40,
                        end: 52,
                        fix_commit: "83e2010aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
                        incidents: vec!["k3f9x2ab".into()],
                    }],
                    deleted: false,
                },
                CheckedFile {
                    path: "README.md".into(),
                    level: Level::None,
                    score: 0.0,
                    incidents: vec![],
                    fix_commits: 0,
                    lines: vec![],
                    deleted: false,
                },
            ],
        };
        let notes = vec![
            note(
                "k3f9x2ab",
                "Checkout times out for carts with more than 100 items",
                "N+1 price lookups per item once the cache is cold",
            ),
            note(
                "q7d2m4xa",
                "Wrong VAT for @acme <b>EU</b> orders",
                "rates table | keyed by\nshipping country",
            ),
        ];
        (result, notes)
    }

    fn ctx(notes: &[LoadedNote]) -> RenderContext<'_> {
        RenderContext {
            repository: "octo/shop",
            server_url: "https://github.com",
            base_sha: "1111111111111111111111111111111111111111",
            head_sha: "2222222222222222222222222222222222222222",
            notes,
            run_url: Some("https://github.com/octo/shop/actions/runs/42"),
            unreadable: &[],
        }
    }

    #[test]
    fn comment_example() {
        let (result, notes) = example();
        let body = comment_body(&result, &ctx(&notes)).unwrap();
        assert!(body.starts_with(MARKER));
        insta::assert_snapshot!(body);
    }

    #[test]
    fn nothing_flagged_gives_no_comment() {
        let (mut result, notes) = example();
        result.files.retain(|f| f.level == Level::None);
        result.risk = Level::None;
        assert!(comment_body(&result, &ctx(&notes)).is_none());
        assert!(summary(&result, &ctx(&notes)).contains("no touched file"));
    }

    #[test]
    fn lines_a_fix_wrote_come_first() {
        let (result, _) = example();
        let order: Vec<&str> = flagged(&result).iter().map(|f| f.path.as_str()).collect();
        assert_eq!(order, ["src/checkout/cart.rs", "src/pricing/rules.rs"]);
    }

    #[test]
    fn many_incidents_per_file_are_capped_in_the_comment() {
        let (mut result, notes) = example();
        let more: Vec<IncidentRef> = (0..5)
            .map(|i| IncidentRef {
                id: format!("zz{i:06}"),
                title: format!("old {i}"),
                severity: Some(Severity::Sev4),
            })
            .collect();
        result.files[1].incidents.extend(more);
        let body = comment_body(&result, &ctx(&notes)).unwrap();
        let row = body.lines().find(|l| l.contains("cart.rs")).unwrap();
        assert!(
            row.contains("[k3f9x2ab]"),
            "the sev2 incident comes first: {row}"
        );
        assert!(row.contains(" +3 "), "{row}");
        assert_eq!(row.matches("](").count(), 3, "{row}");
    }
}
