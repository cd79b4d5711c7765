//! File scores (DESIGN section 5): incidents whose paths match the file (severity-weighted,
//! decayed by age), fix commits that touched it under any of its names (weighted by recency as
//! in Google's bug-prediction score), and regressions (incidents introduced by the fix of an
//! earlier incident).

use super::{FileScore, Level};
use crate::config::Config;
use crate::history::History;
use crate::store::{LoadedNote, NoteSet, Severity};
use gix::bstr::{BString, ByteSlice};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{HashMap, HashSet};

/// Notes joined with history: which commits they name, which globs they cover.
pub struct NoteIndex<'a> {
    pub notes: Vec<&'a LoadedNote>,
    globs: GlobSet,
    /// Glob index -> note index.
    glob_note: Vec<usize>,
    /// Commit index (in the history) -> notes that name it in `fixed_by`.
    pub fixed_by: HashMap<usize, Vec<usize>>,
    /// Notes whose introducing commit fixed an earlier incident: note -> the earlier note.
    pub regressions: HashMap<usize, usize>,
}

impl<'a> NoteIndex<'a> {
    pub fn new(history: &History, notes: &'a NoteSet) -> NoteIndex<'a> {
        let notes: Vec<&LoadedNote> = notes.notes.iter().collect();
        let mut builder = GlobSetBuilder::new();
        let mut glob_note = Vec::new();
        for (ni, n) in notes.iter().enumerate() {
            for p in &n.note.paths {
                let p = p.trim().trim_start_matches("./");
                let dir = p.trim_end_matches('/');
                // A plain path also covers everything below it when it names a directory.
                for pattern in [p.to_string(), format!("{dir}/**")] {
                    if let Ok(g) = GlobBuilder::new(&pattern).literal_separator(true).build() {
                        builder.add(g);
                        glob_note.push(ni);
                    }
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
        let mut regressions = HashMap::new();
        for (ni, ci) in introduced {
            if let Some(earlier) = fixed_by.get(&ci).and_then(|v| v.iter().find(|e| **e != ni)) {
                regressions.insert(ni, *earlier);
            }
        }
        NoteIndex {
            notes,
            globs,
            glob_note,
            fixed_by,
            regressions,
        }
    }

    /// Notes whose paths match any of `names`.
    pub fn matching(&self, names: &[&[u8]]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for name in names {
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            for gi in self.globs.matches(name) {
                let ni = self.glob_note[gi];
                if !out.contains(&ni) {
                    out.push(ni);
                }
            }
        }
        out.sort();
        out
    }
}

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
    let (t0, t1) = history
        .commits
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), c| {
            (lo.min(c.commit_time), hi.max(c.commit_time))
        });
    let span = (t1 - t0).max(1) as f64;
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
        let fixes: Vec<usize> = file
            .commits
            .iter()
            .copied()
            .filter(|&ci| is_fix[ci])
            .collect();
        let fix_score: f64 = fixes
            .iter()
            .map(|&ci| recency((history.commits[ci].commit_time - t0) as f64 / span))
            .sum();
        let mut names: Vec<&[u8]> = vec![path.as_slice()];
        names.extend(file.names.iter().map(|n| n.as_slice()));
        let matched = index.matching(&names);
        let mut incident_score = 0.0;
        let mut regression_score = 0.0;
        let mut reasons = Vec::new();
        for &ni in &matched {
            let n = index.notes[ni];
            let weight =
                severity_weight(n.note.severity, config) * decay(n, now, config.half_life_days);
            incident_score += weight;
            let sev = n
                .note
                .severity
                .map(|s| format!(" {}", sev_name(s)))
                .unwrap_or_default();
            reasons.push(format!("incident {}{sev}: {}", n.note.id, n.note.title));
            if let Some(&earlier) = index.regressions.get(&ni) {
                regression_score += weight;
                reasons.push(format!(
                    "regression: incident {} was introduced by the fix of incident {}",
                    n.note.id, index.notes[earlier].note.id
                ));
            }
        }
        if let Some(&last) = fixes.first() {
            let c = &history.commits[last];
            reasons.push(format!(
                "{} fix commit{} (recency-weighted {:.2}), last {} {} \"{}\"",
                fixes.len(),
                if fixes.len() == 1 { "" } else { "s" },
                fix_score,
                date(c.commit_time),
                c.id.to_hex_with_len(8),
                truncate(c.summary(), 60)
            ));
        }
        if !file.names.is_empty() {
            let names: Vec<String> = file
                .names
                .iter()
                .map(|n| n.to_str_lossy().into_owned())
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

pub(super) fn sev_name(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "sev1",
        Severity::Sev2 => "sev2",
        Severity::Sev3 => "sev3",
        Severity::Sev4 => "sev4",
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
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
