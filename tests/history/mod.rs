//! Tests: the history engine and fragility (`hotspots`, `check`) on small hermetic
//! repositories built with git, plus a plausibility run on the tokio history.

mod blame;
mod check;
mod lineage;
mod merges;
mod scan;
mod setups;
mod trial;

use crate::common::*;
use serde_json::Value;

pub(super) fn json(out: &Output) -> Value {
    assert_eq!(out.code, 0, "{}", out.snapshot());
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// The entry of `path` in `hotspots --format json --all`, if ranked.
pub(super) fn hotspot(repo: &TestRepo, path: &str) -> Option<Value> {
    let v = json(&repo.run(&["hotspots", "--all", "--format", "json"]));
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .cloned()
}

pub(super) fn fixes(repo: &TestRepo, path: &str) -> u64 {
    hotspot(repo, path).map_or(0, |f| f["fix_commits"].as_u64().unwrap())
}

pub(super) fn lines(n: usize, tag: &str) -> String {
    (1..=n)
        .map(|i| format!("line {i} of the {tag} module, with some words\n"))
        .collect()
}

pub(super) fn write_note(repo: &TestRepo, id: &str, path: &str, extra: &str) {
    repo.write(
        &format!(".incidents/{id}.yaml"),
        &format!(
            "version: 1\nid: {id}\ntitle: Crash on empty input\nstatus: resolved\nseverity: sev1\nopened: 2024-01-02T00:00:00Z\npaths:\n  - {path}\n{extra}"
        ),
    );
}

/// `lines(10, tag)` with line `n` replaced by `text`.
pub(super) fn with_line(tag: &str, n: usize, text: &str) -> String {
    lines(10, tag)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == n {
                format!("{text}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

/// Commit `files` as "Edit" on a new branch `feature` and run `check --base main` with
/// `args` after it.
pub(super) fn check_feature(repo: &mut TestRepo, files: &[(&str, &str)], args: &[&str]) -> Output {
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_files("Edit", files);
    let mut all = vec!["check", "--base", "main"];
    all.extend_from_slice(args);
    repo.run(&all)
}

/// Fails, showing everything the command printed, unless its stdout contains `text`.
pub(super) fn assert_says(out: &Output, text: &str) {
    assert!(out.stdout.contains(text), "{}", out.snapshot());
}

/// The entry of `path` in `check --base main --format json`, if listed, and the whole
/// result (for a failing assertion's message).
pub(super) fn checked(repo: &TestRepo, path: &str) -> (Option<Value>, Value) {
    let v = json(&repo.run(&["check", "--base", "main", "--format", "json"]));
    let entry = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .cloned();
    (entry, v)
}
