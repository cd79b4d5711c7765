//! The incident note, format v1 (DESIGN section 3). Field names are the contract: fields may be
//! added, never renamed. Unknown fields are kept in `extra` so that a newer note survives an
//! older tool.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Open,
    Investigating,
    Resolved,
    Wontfix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    L1,
    L2,
    L3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Confirmed,
    Suggested,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Manual,
    Commit,
    Github,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Commits {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub introduced_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced_confidence: Option<Confidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Investigation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<Checked>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub escalations: Vec<Tier>,
}

/// One incident note. Timestamps are RFC 3339 in UTC (`2026-09-14T08:12:00Z`); reading also
/// takes a bare date (`2026-09-14`, midnight UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub version: u32,
    /// Empty in a note being written (the store assigns it); must match the file name.
    #[serde(default)]
    pub id: String,
    pub title: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "timestamp::deserialize"
    )]
    pub opened: Option<jiff::Timestamp>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "timestamp::deserialize"
    )]
    pub resolved: Option<jiff::Timestamp>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many::deserialize"
    )]
    pub paths: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many::deserialize"
    )]
    pub symptoms: Vec<String>,
    #[serde(default)]
    pub commits: Commits,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investigation: Option<Investigation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_with: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many::deserialize"
    )]
    pub tags: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many::deserialize"
    )]
    pub links: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Stable key of what an import made this note from (`github:OWNER/NAME#12`), so that
    /// re-running the import adds nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

/// The text a unit enum is written as in a note (its serde name).
pub trait Named {
    fn as_str(&self) -> &'static str;
}

macro_rules! named {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl Named for $t {
            fn as_str(&self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok(Self::$v),)*
                    _ => Err(format!(
                        "`{s}` is not one of: {}",
                        [$($s),*].join(", ")
                    )),
                }
            }
        }
    };
}

named!(Status { Open => "open", Investigating => "investigating", Resolved => "resolved", Wontfix => "wontfix" });
named!(Severity { Sev1 => "sev1", Sev2 => "sev2", Sev3 => "sev3", Sev4 => "sev4" });
named!(Tier { L1 => "L1", L2 => "L2", L3 => "L3" });
named!(Confidence { Confirmed => "confirmed", Suggested => "suggested" });
named!(Source { Manual => "manual", Commit => "commit", Github => "github" });

/// A blank v1 note (no id yet, status open), for building notes with
/// `Note { title, ..Note::default() }` so that adding a field touches no caller.
impl Default for Note {
    fn default() -> Self {
        Note {
            version: 1,
            id: String::new(),
            title: String::new(),
            status: Status::Open,
            severity: None,
            tier: None,
            opened: None,
            resolved: None,
            paths: Vec::new(),
            symptoms: Vec::new(),
            commits: Commits::default(),
            root_cause: None,
            fix: None,
            investigation: None,
            repeat_of: None,
            resolved_with: None,
            environment: None,
            tags: Vec::new(),
            links: Vec::new(),
            source: None,
            imported_from: None,
        }
    }
}

impl Note {
    /// Investigation hours, when recorded.
    pub fn hours(&self) -> Option<f64> {
        self.investigation.as_ref().and_then(|i| i.hours)
    }

    /// The tiers the incident passed through; falls back to its resolving tier.
    pub fn escalations(&self) -> Vec<Tier> {
        match &self.investigation {
            Some(i) if !i.escalations.is_empty() => i.escalations.clone(),
            _ => self.tier.into_iter().collect(),
        }
    }
}

/// A list field written as a single value by hand (`paths: src/a.rs`, very common) reads as
/// a list of that one value: the meaning is unambiguous (DESIGN 3: reading tolerates it).
pub mod one_or_many {
    use serde::de::{Deserializer, SeqAccess, Visitor};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_any(OneOrMany)
    }

    struct OneOrMany;

    impl<'de> Visitor<'de> for OneOrMany {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list (`- item` lines or [a, b]) or a single value")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
        fn visit_str<E>(self, v: &str) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_string<E>(self, v: String) -> Result<Vec<String>, E> {
            Ok(vec![v])
        }
        fn visit_i64<E>(self, v: i64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_u64<E>(self, v: u64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_f64<E>(self, v: f64) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_bool<E>(self, v: bool) -> Result<Vec<String>, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<String>, E> {
            Ok(Vec::new())
        }
    }
}

/// Reading timestamps: RFC 3339 (`2026-09-14T08:12:00Z`, any offset) or a bare date
/// (`2026-09-14`, taken as midnight UTC).
pub mod timestamp {
    use serde::Deserialize;

    /// Parse a timestamp as a note may spell it.
    pub fn parse(s: &str) -> Result<jiff::Timestamp, String> {
        let s = s.trim();
        if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            return Ok(ts);
        }
        if s.len() == 10
            && let Ok(date) = s.parse::<jiff::civil::Date>()
        {
            return date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .map_err(|e| e.to_string());
        }
        // Year 9999 is valid RFC 3339, but its last hours are beyond what a timestamp holds
        // here; say so rather than "not a date".
        if s.get(..4).is_some_and(|y| y == "9999") {
            return Err(format!(
                "`{s}` is beyond the latest date this tool handles (9999-12-30)"
            ));
        }
        Err(format!(
            "`{s}` is not a date: write RFC 3339 (2026-09-14T08:12:00Z) or a date (2026-09-14)"
        ))
    }

    pub fn deserialize<'de, D>(d: D) -> Result<Option<jiff::Timestamp>, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}
