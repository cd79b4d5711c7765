//! File scores (DESIGN section 5): incidents whose paths match the file (severity-weighted,
//! decayed by age), fix commits that touched it under any of its names (weighted by recency as
//! in Google's bug-prediction score), and regressions (incidents introduced by the fix of an
//! earlier incident).

use super::{FileScore, Level};
use crate::config::Config;
use crate::history::History;
use crate::store::{LoadedNote, NoteSet, Severity, Source};
use gix::bstr::{BString, ByteSlice};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{HashMap, HashSet};

/// Notes joined with history: which commits they name, which globs they cover.
pub struct NoteIndex<'a> {
    pub notes: Vec<&'a LoadedNote>,
    globs: GlobSet,
    /// Glob index -> the notes naming it.
    glob_notes: Vec<Vec<usize>>,
    /// Plain paths (files or directories) -> the notes naming them.
    exact: HashMap<String, Vec<usize>>,
    /// Commit index (in the history) -> notes that name it in `fixed_by`.
    pub fixed_by: HashMap<usize, Vec<usize>>,
    /// Notes whose introducing commit fixed an earlier incident: note -> the earlier note.
    pub regressions: HashMap<usize, usize>,
    /// Per note: does it count as an incident? A note imported from a fix commit
    /// (`source: commit`) whose commit is in the history repeats that commit's evidence, so
    /// it counts once, as the fix commit, not a second time as an incident.
    pub counted: Vec<bool>,
}

impl<'a> NoteIndex<'a> {
    pub fn new(history: &History, notes: &'a NoteSet) -> NoteIndex<'a> {
        let notes: Vec<&LoadedNote> = notes.notes.iter().collect();
        // Each distinct pattern is compiled once, whichever notes name it: a glob set's
        // memory grows with its patterns, and notes from a pull request may be hostile
        // (thousands of complex globs). Past the caps, further patterns are not matched.
        let mut builder = GlobSetBuilder::new();
        let mut glob_notes: Vec<Vec<usize>> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut exact: HashMap<String, Vec<usize>> = HashMap::new();
        for (ni, n) in notes.iter().enumerate() {
            for p in &n.note.paths {
                let p = p.trim().trim_start_matches("./");
                if p.len() > MAX_GLOB_LEN {
                    continue;
                }
                if !p.contains(['*', '?', '[', '{', '\\']) {
                    // A plain path (a file, or a directory covering everything below it) is
                    // looked up, not compiled.
                    let list = exact
                        .entry(p.trim_end_matches('/').to_string())
                        .or_default();
                    if !list.contains(&ni) {
                        list.push(ni);
                    }
                    continue;
                }
                let pattern = p.to_string();
                if let Some(&gi) = seen.get(&pattern) {
                    if !glob_notes[gi].contains(&ni) {
                        glob_notes[gi].push(ni);
                    }
                    continue;
                }
                if glob_notes.len() >= MAX_GLOBS {
                    continue;
                }
                if let Ok(g) = GlobBuilder::new(&pattern).literal_separator(true).build() {
                    builder.add(g);
                    seen.insert(pattern, glob_notes.len());
                    glob_notes.push(vec![ni]);
                }
            }
        }
        let globs = builder.build().unwrap_or_else(|_| GlobSet::empty());

        let mut fixed_by: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut introduced: Vec<(usize, usize)> = Vec::new();
        let needs_lookup = notes.iter().any(|n| {
            !n.note.commits.fixed_by.is_empty() || !n.note.commits.introduced_by.is_empty()
        });
        if needs_lookup {
            let lookup = CommitLookup::new(history);
            for (ni, n) in notes.iter().enumerate() {
                for rev in &n.note.commits.fixed_by {
                    if let Some(ci) = lookup.find(rev) {
                        fixed_by.entry(ci).or_default().push(ni);
                    }
                }
                for rev in &n.note.commits.introduced_by {
                    if let Some(ci) = lookup.find(rev) {
                        introduced.push((ni, ci));
                    }
                }
            }
        }
        let counted: Vec<bool> = notes
            .iter()
            .enumerate()
            .map(|(ni, n)| {
                n.note.source != Some(Source::Commit) || !fixed_by.values().any(|v| v.contains(&ni))
            })
            .collect();
        let mut regressions = HashMap::new();
        for (ni, ci) in introduced {
            if let Some(earlier) = fixed_by.get(&ci).and_then(|v| v.iter().find(|e| **e != ni)) {
                regressions.insert(ni, *earlier);
            }
        }
        NoteIndex {
            notes,
            globs,
            glob_notes,
            exact,
            fixed_by,
            regressions,
            counted,
        }
    }

    /// Notes counted as incidents whose paths match any of `names`.
    pub fn matching(&self, names: &[&[u8]]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for name in names {
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            // The file itself and each directory above it.
            let ancestors = name
                .match_indices('/')
                .map(|(i, _)| &name[..i])
                .chain(std::iter::once(name));
            let plain = ancestors.filter_map(|a| self.exact.get(a)).flatten();
            let globbed = self
                .globs
                .matches(name)
                .into_iter()
                .flat_map(|gi| self.glob_notes[gi].iter());
            for &ni in plain.chain(globbed) {
                if self.counted[ni] && !out.contains(&ni) {
                    out.push(ni);
                }
            }
        }
        out.sort();
        out
    }
}

/// Distinct glob patterns (plain paths are not compiled) across all notes; a real
/// repository's notes name a few dozen. Beyond this, patterns are not matched (bounded memory against hostile notes).
const MAX_GLOBS: usize = 2_000;
/// Longest pattern compiled; longer ones are no real path.
const MAX_GLOB_LEN: usize = 1024;

/// Commit ids and unique prefixes (as notes give them) to history indices.
struct CommitLookup {
    sorted: Vec<(String, usize)>,
}

impl CommitLookup {
    fn new(history: &History) -> CommitLookup {
        let mut sorted: Vec<(String, usize)> = history
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.to_string(), i))
            .collect();
        sorted.sort();
        CommitLookup { sorted }
    }

    fn find(&self, rev: &str) -> Option<usize> {
        let rev = rev.trim().to_ascii_lowercase();
        if rev.len() < 4 || !rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let at = self
            .sorted
            .partition_point(|(hex, _)| hex.as_str() < rev.as_str());
        let first = self
            .sorted
            .get(at)
            .filter(|(hex, _)| hex.starts_with(&rev))?;
        let ambiguous = self
            .sorted
            .get(at + 1)
            .is_some_and(|(hex, _)| hex.starts_with(&rev));
        (!ambiguous).then_some(first.1)
    }
}

/// The first commit time and the history's length in seconds (at least 1) that recency is
/// weighed over (`History::recency_span`), safe on an empty history (an empty change, a
/// shallow clone with no commit left). Commits outside it are weighed at its ends.
pub(super) fn time_span(history: &History) -> (i64, f64) {
    match history.recency_span() {
        Some((t0, t1)) => (t0, (t1.saturating_sub(t0)).max(1) as f64),
        None => (0, 1.0),
    }
}

/// Where `commit_time` falls in the span from `time_span`, in [0, 1].
pub(super) fn relative_time(commit_time: i64, (t0, span): (i64, f64)) -> f64 {
    (commit_time.saturating_sub(t0) as f64 / span).clamp(0.0, 1.0)
}

/// Google's bug-prediction weight for a commit at relative time `t` in [0, 1].
pub fn recency(t: f64) -> f64 {
    1.0 / (1.0 + (-12.0 * t + 12.0).exp())
}

pub fn level_for(score: f64, config: &Config) -> Level {
    let t = &config.thresholds;
    if score >= t.high {
        Level::High
    } else if score >= t.medium {
        Level::Medium
    } else if score >= t.low && score > 0.0 {
        Level::Low
    } else {
        Level::None
    }
}

pub(super) fn severity_weight(severity: Option<Severity>, config: &Config) -> f64 {
    let key = match severity {
        Some(Severity::Sev1) => "sev1",
        Some(Severity::Sev2) => "sev2",
        Some(Severity::Sev3) | None => "sev3",
        Some(Severity::Sev4) => "sev4",
    };
    config.severity_weights.get(key).copied().unwrap_or(1.0)
}

fn decay(note: &LoadedNote, now: jiff::Timestamp, half_life_days: f64) -> f64 {
    let Some(when) = note.note.opened.or(note.note.resolved) else {
        return 1.0;
    };
    let days = (now.as_second() - when.as_second()).max(0) as f64 / 86_400.0;
    if half_life_days <= 0.0 {
        return 1.0;
    }
    0.5f64.powf(days / half_life_days)
}

pub(super) fn date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Which commits of the history count as fixes: the pattern's, plus those notes name.
pub fn fix_commits(history: &History, index: &NoteIndex) -> Vec<bool> {
    history
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| c.is_fix || index.fixed_by.contains_key(&i))
        .collect()
}

/// Rank every file at the history's tip; files with no evidence are left out.
pub fn hotspots(
    history: &History,
    notes: &NoteSet,
    config: &Config,
    now: jiff::Timestamp,
) -> Vec<FileScore> {
    score_files(history, notes, config, now, None)
}

/// Score the files at the tip (or only `only`), highest first.
pub(super) fn score_files(
    history: &History,
    notes: &NoteSet,
    config: &Config,
    now: jiff::Timestamp,
    only: Option<&HashSet<BString>>,
) -> Vec<FileScore> {
    let index = NoteIndex::new(history, notes);
    let is_fix = fix_commits(history, &index);
    let ignore = ignore_set(config);
    let span = time_span(history);
    let touches = history.touches_by_file();
    let mut out = Vec::new();
    for (path, file) in &touches {
        if only.is_some_and(|o| !o.contains(path)) {
            continue;
        }
        let path_str = path.to_str_lossy().into_owned();
        if ignore.is_match(path_str.as_str()) {
            continue;
        }
        let mut names: Vec<&[u8]> = vec![path.as_slice()];
        names.extend(file.names.iter().map(|n| n.as_slice()));
        let matched = index.matching(&names);
        // A fix commit named by an incident counted on this file is that incident's
        // evidence: it counts once, as the incident.
        let mut fixes: Vec<usize> = file
            .commits
            .iter()
            .copied()
            .filter(|&ci| is_fix[ci])
            .filter(|ci| {
                index
                    .fixed_by
                    .get(ci)
                    .is_none_or(|v| !v.iter().any(|ni| matched.contains(ni)))
            })
            .collect();
        // Two copies of one fix (`drop_copied_fixes` keeps a copy that also changed other
        // files) count once for the files both changed: the oldest.
        let mut copies = HashSet::new();
        fixes.sort_by_key(|&ci| std::cmp::Reverse(ci));
        fixes.retain(|&ci| copies.insert(history.commits[ci].copy_key()));
        fixes.reverse();
        let fix_score: f64 = fixes
            .iter()
            .map(|&ci| recency(relative_time(history.commits[ci].commit_time, span)))
            .sum();
        let mut incident_score = 0.0;
        let mut regression_score = 0.0;
        let mut reasons = Vec::new();
        for &ni in &matched {
            let n = index.notes[ni];
            let weight =
                severity_weight(n.note.severity, config) * decay(n, now, config.half_life_days);
            incident_score += weight;
            if let Some(&earlier) = index.regressions.get(&ni) {
                regression_score += weight;
                reasons.push(format!(
                    "regression: incident {} was introduced by the fix of incident {}",
                    n.note.id, index.notes[earlier].note.id
                ));
            }
        }
        // A person reads a row in seconds: the most severe, most recent incidents, then a count.
        let mut shown = matched.clone();
        shown.sort_by_key(|&ni| {
            let n = &index.notes[ni].note;
            (
                n.severity.map_or(3, sev_rank),
                std::cmp::Reverse(n.opened.or(n.resolved).map(|t| t.as_second())),
            )
        });
        let mut incident_reasons: Vec<String> = shown
            .iter()
            .take(MAX_INCIDENT_REASONS)
            .map(|&ni| {
                let n = index.notes[ni];
                let sev = n
                    .note
                    .severity
                    .map(|s| format!(" {}", sev_name(s)))
                    .unwrap_or_default();
                format!(
                    "incident {}{sev}: {}",
                    n.note.id,
                    truncate(&n.note.title, 80)
                )
            })
            .collect();
        if shown.len() > MAX_INCIDENT_REASONS {
            incident_reasons.push(format!(
                "… and {} more incident{}",
                shown.len() - MAX_INCIDENT_REASONS,
                plural(shown.len() - MAX_INCIDENT_REASONS)
            ));
        }
        reasons.splice(0..0, incident_reasons);
        if let Some(&last) = fixes.first() {
            let c = &history.commits[last];
            reasons.push(format!(
                "{} fix commit{}, last {} {} \"{}\" ({})",
                fixes.len(),
                plural(fixes.len()),
                date(c.commit_time),
                c.id.to_hex_with_len(8),
                truncate(c.summary(), 60),
                recency_words(fix_score)
            ));
        }
        if !file.names.is_empty() {
            let names: Vec<String> = file
                .names
                .iter()
                .map(|n| crate::output::quote_path(&n.to_str_lossy()).into_owned())
                .collect();
            reasons.push(format!(
                "history followed through former name(s) {}",
                names.join(", ")
            ));
        }
        let w = &config.weights;
        let score = w.incidents * incident_score
            + w.fix_commits * fix_score
            + w.regressions * regression_score;
        if score <= 0.0 && matched.is_empty() && only.is_none() {
            continue;
        }
        out.push(FileScore {
            path: path_str,
            score: (score * 1000.0).round() / 1000.0,
            level: level_for(score, config),
            incidents: matched
                .iter()
                .map(|&ni| index.notes[ni].note.id.clone())
                .collect(),
            fix_commits: fixes.len(),
            reasons,
        });
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// Incidents named in a file's reasons; the rest are counted.
const MAX_INCIDENT_REASONS: usize = 3;

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The fix commits' weight in words. The weight is relative to the history's own span (a fix
/// in the first half of the history weighs almost nothing), which a bare "0.00" hides.
fn recency_words(fix_score: f64) -> String {
    if fix_score < 0.005 {
        "old in this history: weight under 0.01".to_string()
    } else {
        format!("weight {fix_score:.2} by recency")
    }
}

fn sev_rank(s: Severity) -> u8 {
    match s {
        Severity::Sev1 => 0,
        Severity::Sev2 => 1,
        Severity::Sev3 => 2,
        Severity::Sev4 => 3,
    }
}

pub(super) fn sev_name(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "sev1",
        Severity::Sev2 => "sev2",
        Severity::Sev3 => "sev3",
        Severity::Sev4 => "sev4",
    }
}

/// A title or subject for a reason line: its first line, control characters (a terminal's
/// escape sequences in a commit subject) made harmless, cut to `n` characters.
fn truncate(s: &str, n: usize) -> String {
    crate::output::excerpt(s, n)
}

pub(super) fn ignore_set(config: &Config) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in &config.ignore {
        if let Ok(g) = GlobBuilder::new(g).literal_separator(true).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_weights_recent_commits_most() {
        assert!(recency(1.0) > 0.49 && recency(1.0) < 0.51);
        assert!(recency(0.0) < 1e-4);
        assert!(recency(0.9) > recency(0.5));
    }
}
