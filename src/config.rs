//! The team's settings, `.incidents/config.yaml`. Every field has a default, so the tool works
//! with no config file at all; `git incident init` writes the defaults out, commented.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Default fix-commit pattern: word-bounded, case-insensitive. `prefix`, `fixtures`, `debug`
/// and `fix_utils.rs` do not match (`_` is a word character), nor do hyphenated compounds such
/// as `fix-up` or `bug-free`, which name chores rather than fixes.
pub const DEFAULT_FIX_PATTERN: &str = r"(?i)(?:^|[^\w-])(?:fix(?:e[sd]|ing)?|bug ?fix(?:es)?|hot ?fix(?:es)?|bugs?|regression|crash(?:es|ed)?|panic(?:s|ked)?)(?:[^\w-]|$)";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub version: u32,
    /// Regular expression (Rust `regex` syntax) that marks a commit message as a fix.
    pub fix_pattern: String,
    /// Weight of an incident by severity when scoring fragility.
    pub severity_weights: BTreeMap<String, f64>,
    /// Weight of a tier when weighing investigation effort.
    pub tier_weights: BTreeMap<String, f64>,
    /// Age, in days, after which an incident counts half as much.
    pub half_life_days: f64,
    /// How much each kind of evidence counts in a file's fragility score.
    pub weights: Weights,
    /// Score at or above which a file is `low`, `medium`, `high`.
    pub thresholds: Thresholds,
    /// Rename detection: minimum similarity in percent (git's `-M50%` by default).
    pub rename_similarity: u8,
    /// Rename detection: most files a commit may add and delete before renames are not tracked
    /// (git's `diff.renameLimit`).
    pub rename_limit: usize,
    /// Globs of paths never ranked as fragile (lock files, generated code, the notes themselves).
    pub ignore: Vec<String>,
    /// Team capacity, for the escalation-load metric.
    pub capacity: Capacity,
    /// Similarity (0 to 1) from which an incident is taken for a repeat of an earlier one.
    pub match_threshold: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub incidents: f64,
    pub fix_commits: f64,
    pub regressions: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub low: f64,
    pub medium: f64,
    pub high: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Capacity {
    /// Engineers on the team; `null` leaves escalation load out of the report.
    pub engineers: Option<f64>,
    pub hours_per_week: f64,
}

impl Default for Config {
    fn default() -> Self {
        let severity_weights = [("sev1", 8.0), ("sev2", 4.0), ("sev3", 2.0), ("sev4", 1.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let tier_weights = [("L1", 1.0), ("L2", 2.0), ("L3", 4.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        Config {
            version: 1,
            fix_pattern: DEFAULT_FIX_PATTERN.to_string(),
            severity_weights,
            tier_weights,
            half_life_days: 180.0,
            weights: Weights::default(),
            thresholds: Thresholds::default(),
            rename_similarity: 50,
            rename_limit: 1000,
            ignore: vec![
                ".incidents/**".to_string(),
                "**/*.lock".to_string(),
                "**/package-lock.json".to_string(),
                "**/CHANGELOG*".to_string(),
            ],
            capacity: Capacity::default(),
            match_threshold: 0.6,
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            incidents: 1.0,
            fix_commits: 1.0,
            regressions: 2.0,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            low: 0.5,
            medium: 2.0,
            high: 5.0,
        }
    }
}

impl Default for Capacity {
    fn default() -> Self {
        Capacity {
            engineers: None,
            hours_per_week: 40.0,
        }
    }
}

/// A setting that parses but cannot work: its dotted key and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigProblem {
    /// The key as written in the file, dotted for nested ones (`weights.incidents`).
    pub key: String,
    pub message: String,
}

impl Config {
    /// Every setting that parses but cannot work (a regex that does not compile, a half-life
    /// of 0, an infinite weight, an unknown version...), in the file's key order.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        let mut push = |key: &str, message: String| {
            out.push(ConfigProblem {
                key: key.to_string(),
                message,
            })
        };
        if self.version != 1 {
            push(
                "version",
                format!(
                    "unsupported config version {} (this tool reads 1)",
                    self.version
                ),
            );
        }
        if self.fix_pattern.trim().is_empty() {
            push(
                "fix_pattern",
                "an empty fix_pattern would make every commit a fix".into(),
            );
        } else if let Err(e) = regex::Regex::new(&self.fix_pattern) {
            let first = e.to_string();
            let reason = first.lines().last().unwrap_or("invalid").trim();
            let reason = reason.strip_prefix("error:").unwrap_or(reason).trim();
            push(
                "fix_pattern",
                format!("fix_pattern is not a valid regular expression: {reason}"),
            );
        }
        let weight = |v: f64| v.is_finite() && v >= 0.0;
        for (name, map, known) in [
            (
                "severity_weights",
                &self.severity_weights,
                &["sev1", "sev2", "sev3", "sev4"][..],
            ),
            ("tier_weights", &self.tier_weights, &["L1", "L2", "L3"][..]),
        ] {
            for (k, v) in map {
                if !known.contains(&k.as_str()) {
                    push(
                        &format!("{name}.{k}"),
                        format!("{name} has `{k}`, which is not one of {}", known.join(", ")),
                    );
                } else if !weight(*v) {
                    push(
                        &format!("{name}.{k}"),
                        format!("{name}.{k} is {v}; a weight is a finite number of 0 or more"),
                    );
                }
            }
        }
        if !(self.half_life_days.is_finite() && self.half_life_days > 0.0) {
            push(
                "half_life_days",
                format!(
                    "half_life_days is {}; it must be a number of days above 0",
                    self.half_life_days
                ),
            );
        }
        for (k, v) in [
            ("incidents", self.weights.incidents),
            ("fix_commits", self.weights.fix_commits),
            ("regressions", self.weights.regressions),
        ] {
            if !weight(v) {
                push(
                    &format!("weights.{k}"),
                    format!("weights.{k} is {v}; a weight is a finite number of 0 or more"),
                );
            }
        }
        let t = &self.thresholds;
        if ![t.low, t.medium, t.high].iter().all(|v| v.is_finite()) {
            push("thresholds", "thresholds must be finite numbers".into());
        } else if !(t.low <= t.medium && t.medium <= t.high) {
            push(
                "thresholds",
                format!(
                    "thresholds must rise: low {} <= medium {} <= high {}",
                    t.low, t.medium, t.high
                ),
            );
        }
        if self.rename_similarity > 100 {
            push(
                "rename_similarity",
                format!(
                    "rename_similarity is {}; it is a percentage (0 to 100)",
                    self.rename_similarity
                ),
            );
        }
        for glob in &self.ignore {
            if let Err(e) = globset::Glob::new(glob) {
                push(
                    "ignore",
                    format!("ignore: `{glob}` is not a valid glob: {}", e.kind()),
                );
            }
        }
        if let Some(e) = self.capacity.engineers
            && !(e.is_finite() && e > 0.0)
        {
            push(
                "capacity.engineers",
                format!("capacity.engineers is {e}; give a number above 0, or null"),
            );
        }
        let hpw = self.capacity.hours_per_week;
        if !(hpw.is_finite() && hpw > 0.0) {
            push(
                "capacity.hours_per_week",
                format!("capacity.hours_per_week is {hpw}; it must be above 0"),
            );
        }
        if !(0.0..=1.0).contains(&self.match_threshold) {
            push(
                "match_threshold",
                format!(
                    "match_threshold is {}; it is between 0 and 1",
                    self.match_threshold
                ),
            );
        }
        out
    }
}

/// The text `git incident init` writes: every setting at its default, each explained.
pub fn init_template() -> String {
    let d = Config::default();
    let q = crate::store::emit::double_quoted;
    let map = |m: &BTreeMap<String, f64>| {
        m.iter()
            .map(|(k, v)| format!("  {k}: {v:?}\n"))
            .collect::<String>()
    };
    let ignore: String = d.ignore.iter().map(|g| format!("  - {}\n", q(g))).collect();
    format!(
        "# git-incident settings. Every value below is the default: delete a line to keep the
# default, change it to override. Notes are the other files in this directory.
version: {version}

# A commit whose message matches this regular expression (Rust regex syntax) counts as a fix.
# Word-bounded, so `prefix`, `fixtures`, `debug` and `fix_utils.rs` are not fixes.
fix_pattern: {fix_pattern}

# How much an incident counts in a file's fragility, by severity.
severity_weights:
{severity}
# How much an hour of investigation counts, by the tier that did it.
tier_weights:
{tier}
# Age in days after which an incident counts half as much.
half_life_days: {half_life:?}

# How much each kind of evidence counts in a file's fragility score.
weights:
  incidents: {w_inc:?}
  fix_commits: {w_fix:?}
  regressions: {w_reg:?}

# Score from which a file is flagged low, medium, high (`check --fail-on` uses these).
thresholds:
  low: {t_low:?}
  medium: {t_med:?}
  high: {t_high:?}

# Rename detection while walking history: minimum similarity in percent (git's -M50%), and
# the most added plus deleted files in one commit for which renames are still looked for.
rename_similarity: {sim}
rename_limit: {limit}

# Paths never ranked as fragile (globs).
ignore:
{ignore}
# Team capacity, for the escalation-load metric of `report`. engineers: null leaves it out.
capacity:
  engineers: {engineers}
  hours_per_week: {hpw:?}

# Similarity (0 to 1) from which an incident is taken for a repeat of an earlier one.
match_threshold: {mt:?}
",
        version = d.version,
        fix_pattern = q(&d.fix_pattern),
        severity = map(&d.severity_weights),
        tier = map(&d.tier_weights),
        half_life = d.half_life_days,
        w_inc = d.weights.incidents,
        w_fix = d.weights.fix_commits,
        w_reg = d.weights.regressions,
        t_low = d.thresholds.low,
        t_med = d.thresholds.medium,
        t_high = d.thresholds.high,
        sim = d.rename_similarity,
        limit = d.rename_limit,
        engineers = d
            .capacity
            .engineers
            .map_or("null".to_string(), |e| format!("{e:?}")),
        hpw = d.capacity.hours_per_week,
        mt = d.match_threshold,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_compounds_are_not_fixes_but_words_are() {
        let re = regex::Regex::new(DEFAULT_FIX_PATTERN).unwrap();
        for not_fix in [
            "fix-up whitespace",
            "bug-free parser",
            "prefix",
            "fixtures",
            "debug",
            "fix_utils.rs",
        ] {
            assert!(!re.is_match(not_fix), "{not_fix}");
        }
        for fix in [
            "Fix crash",
            "fix: overflow",
            "rt: fix panic",
            "Bugfix",
            "fixes #12",
            "(fix)",
        ] {
            assert!(re.is_match(fix), "{fix}");
        }
    }

    #[test]
    fn config_that_parses_but_cannot_work_is_a_problem() {
        assert!(Config::default().problems().is_empty());
        let text = "version: 2\nfix_pattern: \"(unclosed\"\nhalf_life_days: 0\n\
                    severity_weights: {sev1: .nan}\n";
        let config: Config = serde_saphyr::from_str(text).unwrap_or_else(|_| {
            // The parser's non-finite policy may refuse `.nan` first; check the rest.
            crate::store::parse::parse_config(
                "version: 2\nfix_pattern: \"(unclosed\"\nhalf_life_days: 0\n",
            )
            .unwrap()
        });
        let keys: Vec<String> = config.problems().into_iter().map(|p| p.key).collect();
        assert!(keys.contains(&"version".to_string()), "{keys:?}");
        assert!(keys.contains(&"fix_pattern".to_string()), "{keys:?}");
        assert!(keys.contains(&"half_life_days".to_string()), "{keys:?}");
        let empty = Config {
            fix_pattern: String::new(),
            ..Config::default()
        };
        assert_eq!(empty.problems().len(), 1);
    }

    #[test]
    fn init_template_reads_back_as_the_defaults() {
        let text = init_template();
        let parsed = crate::store::parse::parse_config(&text).unwrap();
        assert_eq!(parsed, Config::default());
    }
}
