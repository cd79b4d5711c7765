//! A stand-in history source for `import commits`: the `git log` binary, parsed into the
//! history engine's `Commit` values. It exists so that import works and is tested before
//! `crate::history::scan` lands; the CLI switches to the engine then and this file goes.

use crate::history::{Change, ChangeKind, Commit, History};
use regex::Regex;
use std::path::Path;
use std::process::Command;

/// Errors reading history through git.
#[derive(Debug, thiserror::Error)]
pub enum GitLogError {
    #[error("cannot run git: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("git log failed: {0}")]
    Failed(String),
}

/// Every commit reachable from `rev`, newest first, with changed paths against the first
/// parent (renames detected as git does by default) and `is_fix` from `fix_pattern`.
pub fn scan(root: &Path, rev: &str, fix_pattern: &Regex) -> Result<History, GitLogError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "-M",
            "--name-status",
            "-z",
            "--format=%x1e%H%x1f%P%x1f%at%x1f%ct%x1f%aN <%aE>%x1f%B%x1f",
            rev,
            "--",
        ])
        .output()?;
    if !out.status.success() {
        return Err(GitLogError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut history = History::default();
    for record in text.split('\x1e').filter(|r| !r.is_empty()) {
        let fields: Vec<&str> = record.splitn(7, '\x1f').collect();
        let [id, parents, at, ct, author, message, rest] = fields[..] else {
            history
                .warnings
                .push("a commit record from git log was cut short".into());
            continue;
        };
        let Ok(id) = gix::ObjectId::from_hex(id.as_bytes()) else {
            continue;
        };
        let parents = parents
            .split_whitespace()
            .filter_map(|p| gix::ObjectId::from_hex(p.as_bytes()).ok())
            .collect();
        let mut changes = Vec::new();
        let mut tokens = rest
            .split('\0')
            .map(|t| t.trim_start_matches('\n'))
            .filter(|t| !t.is_empty());
        while let Some(status) = tokens.next() {
            let kind = match status.chars().next() {
                Some('A') => ChangeKind::Added,
                Some('D') => ChangeKind::Deleted,
                Some('R') => ChangeKind::Renamed,
                Some('C') => ChangeKind::Added,
                _ => ChangeKind::Modified,
            };
            let two = matches!(status.chars().next(), Some('R' | 'C'));
            let first = tokens.next().unwrap_or_default();
            let (path, previous) = if two {
                (tokens.next().unwrap_or_default(), Some(first))
            } else {
                (first, None)
            };
            changes.push(Change {
                kind,
                path: path.into(),
                previous: if kind == ChangeKind::Renamed {
                    previous.map(Into::into)
                } else {
                    None
                },
            });
        }
        let is_revert = message.starts_with("Revert \"");
        history.commits.push(Commit {
            id,
            parents,
            author_time: at.parse().unwrap_or_default(),
            commit_time: ct.parse().unwrap_or_default(),
            author: author.to_string(),
            is_fix: !is_revert && fix_pattern.is_match(message),
            message: message.to_string(),
            changes,
        });
    }
    Ok(history)
}
