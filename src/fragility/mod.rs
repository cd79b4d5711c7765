//! Fragility (DESIGN section 5): files ranked by incidents, fix commits and regressions, and
//! `check`, the fragility of what a change touches. Types below are the contract used by the
//! CLI and the GitHub Action.

mod blame;
mod check;
mod partial;
mod score;

pub use check::check;
pub use score::{NoteIndex, hotspots, level_for, plural};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
}

/// `hotspots --format json`: `{"files": [FileScore...]}`, highest score first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileScore {
    pub path: String,
    pub score: f64,
    pub level: Level,
    /// Ids of the notes whose paths match the file.
    pub incidents: Vec<String>,
    pub fix_commits: usize,
    /// Human reasons ("3 fix commits, last 2026-05-01", "incident k3f9x2ab sev2").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// An incident as quoted by `check`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IncidentRef {
    pub id: String,
    pub title: String,
    pub severity: Option<crate::store::Severity>,
}

/// A range of changed lines (in the head version) that a fix commit wrote (blame of the base);
/// for a deleted file, the deleted lines (numbered in the base version). `incidents`: the
/// notes whose `commits.fixed_by` names that fix commit (empty when none does).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LineHit {
    pub start: u32,
    pub end: u32,
    pub fix_commit: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckedFile {
    pub path: String,
    pub level: Level,
    pub score: f64,
    pub incidents: Vec<IncidentRef>,
    pub fix_commits: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineHit>,
    /// The change deletes the file: it is weighed as it stood at the merge base.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// `check --format json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckResult {
    pub base: String,
    pub head: String,
    pub risk: Level,
    pub files: Vec<CheckedFile>,
    /// Set when the clone is shallow: the commit where history stops, so that no figure
    /// is read as covering the whole history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_cut_at: Option<String>,
    /// What the history scans warned of (renames not followed to the end, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}
