//! The metrics of DESIGN section 6, computed from notes and a period: pure (no git, no I/O),
//! so the same numbers come out of every format. docs/report.md defines each one; the
//! comments here say why where the definition is a choice.

pub use super::model::*;
use super::period::Period;
use super::stats::{Stats, hours_between, round};
use crate::config::Capacity;
use crate::fragility::FileScore;
use crate::store::{Note, Severity, Status, Tier};
use std::collections::BTreeMap;

/// The fragile files as the fragility engine ranked them at the end of the period and at its
/// start (each list the top N, highest first).
#[derive(Debug, Clone, Default)]
pub struct Fragile {
    pub current: Vec<FileScore>,
    pub new_entrants: Vec<String>,
}

impl Fragile {
    /// The top files at the end of the period, and which of them were not in the top list at
    /// its start.
    pub fn new(current: Vec<FileScore>, at_start: &[FileScore]) -> Fragile {
        let new_entrants = current
            .iter()
            .filter(|f| !at_start.iter().any(|s| s.path == f.path))
            .map(|f| f.path.clone())
            .collect();
        Fragile {
            current,
            new_entrants,
        }
    }
}

/// Compute the report over `notes` (all of them: earlier incidents matter for regressions) for
/// `period`, with the previous period for trends. `fragile` comes from the fragility engine.
pub fn compute(notes: &[Note], period: &Period, capacity: &Capacity, fragile: Fragile) -> Report {
    let fixes = FixIndex::new(notes);
    let current = Part::new(notes, period, &fixes);
    let previous = Part::new(notes, &period.previous(), &fixes);
    let current_head = current.headline(period);
    let previous_head = previous.headline(&period.previous());
    let trend = trends(&current_head, &previous_head);

    let mut tiers = BTreeMap::new();
    for tier in [Tier::L1, Tier::L2, Tier::L3] {
        let members: Vec<&Facts> = current
            .facts
            .iter()
            .filter(|f| f.tier == Some(tier))
            .collect();
        tiers.insert(tier_name(tier), hours_stats(&members));
    }
    let all: Vec<&Facts> = current.facts.iter().collect();
    let repeats: Vec<&Facts> = all.iter().copied().filter(|f| f.repeat).collect();
    let firsts: Vec<&Facts> = all.iter().copied().filter(|f| !f.repeat).collect();

    let mut time_to_resolve = BTreeMap::new();
    for sev in [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ] {
        let members: Vec<&Facts> = current
            .facts
            .iter()
            .filter(|f| f.note.severity == Some(sev))
            .collect();
        let values: Vec<f64> = members.iter().filter_map(|f| f.ttr).collect();
        time_to_resolve.insert(
            severity_name(sev),
            Stats::of_members(members.len(), &values),
        );
    }
    let ttr_all: Vec<f64> = current.facts.iter().filter_map(|f| f.ttr).collect();
    let ttr_all = Stats::of_members(current.facts.len(), &ttr_all);

    let with_tier = current.facts.iter().filter(|f| f.highest.is_some()).count();
    let reached_l2 = current
        .facts
        .iter()
        .filter(|f| f.highest >= Some(Tier::L2))
        .count();
    let reached_l3 = current
        .facts
        .iter()
        .filter(|f| f.highest == Some(Tier::L3))
        .count();

    let escalation_load = capacity.engineers.filter(|e| *e > 0.0).map(|engineers| {
        let capacity_hours = engineers * capacity.hours_per_week * period.days() / 7.0;
        let escalated_hours: f64 = current
            .facts
            .iter()
            .filter(|f| f.highest >= Some(Tier::L2))
            .filter_map(|f| f.note.hours())
            .sum();
        Load {
            engineers,
            hours_per_week: capacity.hours_per_week,
            capacity_hours: round(capacity_hours, 2),
            escalated_hours: round(escalated_hours, 2),
            share: ratio_f(escalated_hours, capacity_hours),
        }
    });

    let lags: Vec<f64> = current.facts.iter().filter_map(|f| f.bad_fix_lag).collect();
    let rows = current.facts.iter().map(Facts::row).collect();

    Report {
        period: period.into(),
        incidents: current.facts.len(),
        repeat_issue_rate: RepeatRate {
            declared: current_head.repeat_issue_rate_declared,
            detected: None,
            declared_count: current.facts.iter().filter(|f| f.repeat).count(),
        },
        regression_rate: RegressionRate {
            bad_fix: current_head.regression_rate_bad_fix,
            re_broken: None,
            bad_fix_count: current.facts.iter().filter(|f| f.bad_fix).count(),
            with_introduced_by: current.with_introduced_by(),
            bad_fix_lag: Stats::of(&lags),
        },
        tiers,
        hours: hours_stats(&all),
        hours_repeat_vs_first: RepeatVsFirst {
            repeat: hours_stats(&repeats),
            first: hours_stats(&firsts),
        },
        escalation_rate: current_head.escalation_rate,
        escalation: Escalation {
            with_tier,
            reached_l2,
            reached_l3,
            l2_rate: ratio(reached_l2, with_tier),
            l3_rate: ratio(reached_l3, with_tier),
        },
        deflection_rate: current_head.deflection_rate,
        deflection: Deflection {
            resolved: current.resolved(),
            deflected: current.facts.iter().filter(|f| f.deflected).count(),
        },
        escalation_load,
        time_to_resolve,
        time_to_resolve_all: ttr_all,
        fragile_files: fragile.current,
        fragile_new_entrants: fragile.new_entrants,
        counts: current.counts(notes),
        previous: previous_head,
        trend,
        rows,
    }
}

/// `part / whole` rounded, or null when there is no denominator.
pub fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| round(part as f64 / whole as f64, 4))
}

fn ratio_f(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| round(part / whole, 4))
}

pub fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::L1 => "L1",
        Tier::L2 => "L2",
        Tier::L3 => "L3",
    }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Sev1 => "sev1",
        Severity::Sev2 => "sev2",
        Severity::Sev3 => "sev3",
        Severity::Sev4 => "sev4",
    }
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Investigating => "investigating",
        Status::Resolved => "resolved",
        Status::Wontfix => "wontfix",
    }
}

fn source_name(s: Option<crate::store::Source>) -> &'static str {
    use crate::store::Source;
    match s {
        None | Some(Source::Manual) => "manual",
        Some(Source::Commit) => "commit",
        Some(Source::Github) => "github",
    }
}

fn hours_stats(facts: &[&Facts]) -> Stats {
    let values: Vec<f64> = facts.iter().filter_map(|f| f.note.hours()).collect();
    Stats::of_members(facts.len(), &values)
}

fn trends(current: &Headline, previous: &Headline) -> BTreeMap<&'static str, Trend> {
    let pairs: [(&'static str, Option<f64>, Option<f64>); 7] = [
        (
            "incidents",
            Some(current.incidents as f64),
            Some(previous.incidents as f64),
        ),
        (
            "repeat_issue_rate_declared",
            current.repeat_issue_rate_declared,
            previous.repeat_issue_rate_declared,
        ),
        (
            "regression_rate_bad_fix",
            current.regression_rate_bad_fix,
            previous.regression_rate_bad_fix,
        ),
        (
            "escalation_rate",
            current.escalation_rate,
            previous.escalation_rate,
        ),
        (
            "deflection_rate",
            current.deflection_rate,
            previous.deflection_rate,
        ),
        (
            "total_hours",
            Some(current.total_hours),
            Some(previous.total_hours),
        ),
        (
            "median_time_to_resolve_hours",
            current.median_time_to_resolve_hours,
            previous.median_time_to_resolve_hours,
        ),
    ];
    pairs
        .into_iter()
        .map(|(key, c, p)| {
            let change = match (c, p) {
                (Some(c), Some(p)) => Some(round(c - p, 4)),
                _ => None,
            };
            (
                key,
                Trend {
                    current: c,
                    previous: p,
                    change,
                },
            )
        })
        .collect()
}

/// Fix commits of every note, lowercased and sorted, so that "was this introducing commit an
/// earlier incident's fix" is a range lookup, not a scan (10,000 notes in well under a second).
struct FixIndex<'a> {
    by_id: BTreeMap<String, Vec<&'a Note>>,
}

impl<'a> FixIndex<'a> {
    fn new(notes: &'a [Note]) -> Self {
        let mut by_id: BTreeMap<String, Vec<&Note>> = BTreeMap::new();
        for note in notes {
            for id in &note.commits.fixed_by {
                if id.len() >= 7 {
                    by_id.entry(id.to_ascii_lowercase()).or_default().push(note);
                }
            }
        }
        FixIndex { by_id }
    }

    /// Notes whose fix ids match `intro`: ids match when one is a prefix of the other (people
    /// write short ids), with at least 7 characters in common.
    fn fixed_by(&self, intro: &str) -> impl Iterator<Item = &'a Note> + '_ {
        let intro = intro.to_ascii_lowercase();
        // Fix ids that `intro` is a prefix of: a contiguous range from `intro` on.
        let longer: Vec<&'a Note> = self
            .by_id
            .range(intro.clone()..)
            .take_while(|(id, _)| id.starts_with(&intro))
            .flat_map(|(_, notes)| notes.iter().copied())
            .collect();
        // Fix ids that are a proper prefix of `intro`: one exact lookup per length.
        let shorter: Vec<&'a Note> = (7..intro.len())
            .filter_map(|k| intro.get(..k))
            .filter_map(|p| self.by_id.get(p))
            .flat_map(|notes| notes.iter().copied())
            .collect();
        longer.into_iter().chain(shorter)
    }

    /// The earliest-resolved note, opened before `note`, that lists one of `note`'s introducing
    /// commits as its fix.
    fn earlier_fix(&self, note: &Note) -> Option<&'a Note> {
        let opened = note.opened?;
        let mut found: Option<&Note> = None;
        for intro in note.commits.introduced_by.iter().filter(|i| i.len() >= 7) {
            for other in self.fixed_by(intro) {
                let earlier = other.opened.is_some_and(|o| o < opened);
                if earlier
                    && other.id != note.id
                    && found.is_none_or(|f| other.resolved < f.resolved)
                {
                    found = Some(other);
                }
            }
        }
        found
    }
}

/// What the metrics need to know about one incident.
struct Facts<'a> {
    note: &'a Note,
    /// The tier that resolved it: `tier`, else the last escalation.
    tier: Option<Tier>,
    /// The highest tier it reached: the highest of `tier` and `escalations`.
    highest: Option<Tier>,
    repeat: bool,
    bad_fix: bool,
    bad_fix_lag: Option<f64>,
    deflected: bool,
    ttr: Option<f64>,
}

impl<'a> Facts<'a> {
    fn new(note: &'a Note, fixes: &FixIndex<'a>) -> Self {
        let escalations = note.escalations();
        let tier = note.tier.or_else(|| escalations.last().copied());
        let highest = escalations.iter().copied().chain(note.tier).max();
        let earlier = fixes.earlier_fix(note);
        let bad_fix_lag = earlier
            .and_then(|e| e.resolved)
            .zip(note.opened)
            .and_then(|(r, o)| hours_between(r, o));
        let has = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
        Facts {
            note,
            tier,
            highest,
            repeat: has(&note.repeat_of),
            bad_fix: earlier.is_some(),
            bad_fix_lag,
            deflected: note.status == Status::Resolved
                && has(&note.resolved_with)
                && highest != Some(Tier::L3),
            // A note imported from commits has the first fix as `opened`: when the fix was
            // made, not when the incident was reported, so it says nothing about resolving.
            ttr: note
                .opened
                .zip(note.resolved)
                .filter(|_| note.source != Some(crate::store::Source::Commit))
                .and_then(|(o, r)| hours_between(o, r)),
        }
    }

    fn row(&self) -> Row {
        let n = self.note;
        Row {
            id: n.id.clone(),
            title: n.title.clone(),
            status: n.status,
            severity: n.severity,
            tier: self.tier,
            highest_tier: self.highest,
            opened: n.opened.map(|t| t.to_string()),
            resolved: n.resolved.map(|t| t.to_string()),
            hours: n.hours(),
            time_to_resolve_hours: self.ttr.map(|h| round(h, 2)),
            repeat_of: n.repeat_of.clone(),
            resolved_with: n.resolved_with.clone(),
            bad_fix: self.bad_fix,
            deflected: self.deflected,
            source: Some(source_name(n.source)),
            paths: n.paths.join(";"),
        }
    }
}

/// The incidents of one period.
struct Part<'a> {
    facts: Vec<Facts<'a>>,
}

impl<'a> Part<'a> {
    fn new(notes: &'a [Note], period: &Period, fixes: &FixIndex<'a>) -> Self {
        let mut facts: Vec<Facts> = notes
            .iter()
            .filter(|n| n.opened.is_some_and(|o| period.contains(o)))
            .map(|n| Facts::new(n, fixes))
            .collect();
        facts.sort_by(|a, b| (a.note.opened, &a.note.id).cmp(&(b.note.opened, &b.note.id)));
        Part { facts }
    }

    fn with_introduced_by(&self) -> usize {
        self.facts
            .iter()
            .filter(|f| !f.note.commits.introduced_by.is_empty())
            .count()
    }

    fn resolved(&self) -> usize {
        self.facts
            .iter()
            .filter(|f| f.note.status == Status::Resolved)
            .count()
    }

    fn headline(&self, period: &Period) -> Headline {
        let n = self.facts.len();
        let count = |pred: &dyn Fn(&Facts) -> bool| self.facts.iter().filter(|f| pred(f)).count();
        let with_tier = count(&|f| f.highest.is_some());
        let ttr: Vec<f64> = self.facts.iter().filter_map(|f| f.ttr).collect();
        let total_hours: f64 = self.facts.iter().filter_map(|f| f.note.hours()).sum();
        Headline {
            period: period.into(),
            incidents: n,
            repeat_issue_rate_declared: ratio(count(&|f| f.repeat), n),
            regression_rate_bad_fix: ratio(count(&|f| f.bad_fix), self.with_introduced_by()),
            escalation_rate: ratio(count(&|f| f.highest >= Some(Tier::L2)), with_tier),
            deflection_rate: ratio(count(&|f| f.deflected), self.resolved()),
            total_hours: round(total_hours, 2),
            median_time_to_resolve_hours: Stats::of(&ttr).median_hours,
        }
    }

    fn counts(&self, all: &[Note]) -> Counts {
        let mut c = Counts::default();
        for f in &self.facts {
            *c.by_status.entry(status_name(f.note.status)).or_default() += 1;
            let sev = f.note.severity.map(severity_name).unwrap_or("unrated");
            *c.by_severity.entry(sev).or_default() += 1;
            *c.by_source.entry(source_name(f.note.source)).or_default() += 1;
        }
        c.undated_notes = all.iter().filter(|n| n.opened.is_none()).count();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Investigation;

    fn note(id: &str, opened: &str) -> Note {
        Note {
            id: id.into(),
            title: id.into(),
            status: Status::Resolved,
            opened: Some(opened.parse().unwrap()),
            ..Note::default()
        }
    }

    fn q3() -> Period {
        Period::quarter("2026Q3").unwrap()
    }

    #[test]
    fn reaching_l3_is_not_a_deflection() {
        let mut a = note("a", "2026-07-01T00:00:00Z");
        a.resolved_with = Some("x".into());
        a.tier = Some(Tier::L1);
        a.investigation = Some(Investigation {
            escalations: vec![Tier::L1, Tier::L3],
            ..Investigation::default()
        });
        let mut b = note("b", "2026-07-02T00:00:00Z");
        b.resolved_with = Some("x".into());
        b.tier = Some(Tier::L2);
        let r = compute(&[a, b], &q3(), &Capacity::default(), Fragile::default());
        assert_eq!(r.deflection_rate, Some(0.5));
        // a reached L3 on its way, though L1 resolved it.
        assert_eq!(r.escalation.reached_l3, 1);
        assert_eq!(r.tiers["L1"].count, 1);
        assert!(r.escalation_load.is_none());
    }

    #[test]
    fn a_bad_fix_needs_an_earlier_note_and_matches_short_ids() {
        let mut fix = note("fix", "2026-06-01T00:00:00Z");
        fix.commits.fixed_by = vec!["abcdef0123456789abcdef0123456789abcdef01".into()];
        let mut reg = note("reg", "2026-07-05T00:00:00Z");
        reg.commits.introduced_by = vec!["ABCDEF0".into()];
        let mut later = note("later", "2026-07-09T00:00:00Z");
        later.commits.fixed_by = vec!["1234567".into()];
        let mut not_reg = note("not", "2026-07-06T00:00:00Z");
        // Fixed by `later`, which opened after it: not an earlier incident's fix.
        not_reg.commits.introduced_by = vec!["1234567890".into()];
        let r = compute(
            &[fix, reg, later, not_reg],
            &q3(),
            &Capacity::default(),
            Fragile::default(),
        );
        assert_eq!(r.regression_rate.with_introduced_by, 2);
        assert_eq!(r.regression_rate.bad_fix_count, 1);
        assert_eq!(r.regression_rate.bad_fix, Some(0.5));
    }

    #[test]
    fn ten_thousand_notes_compute() {
        let notes: Vec<Note> = (0..10_000)
            .map(|i| {
                let mut n = note(&format!("n{i}"), "2026-08-01T00:00:00Z");
                n.commits.fixed_by = vec![format!("{i:040x}")];
                n.commits.introduced_by = vec![format!("{:040x}", i / 2)];
                n
            })
            .collect();
        let r = compute(&notes, &q3(), &Capacity::default(), Fragile::default());
        assert_eq!(r.incidents, 10_000);
        // Same opening time: no note is earlier than another.
        assert_eq!(r.regression_rate.bad_fix, Some(0.0));
    }
}
