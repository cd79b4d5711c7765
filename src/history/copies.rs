//! Copies of a fix that are not new evidence: a cherry-pick or rebase keeps the author and
//! the author time, and the patch. Copies with the same subject are found without reading a
//! diff (`drop_copied_fixes` in the parent module); a copy whose subject was reworded
//! ("... (backport)") is found here by its patch id (`git patch-id --stable`), computed only
//! for fix commits that share an author and author time with another fix commit.

use super::Commit;
use crate::repo::Repo;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};

/// Mark as no fix every later copy (in commit order: the oldest keeps the credit) of a fix
/// commit with the same author, author time and patch id. Best effort: when git cannot give
/// patch ids, nothing is marked.
pub(super) fn drop_reworded_copies(repo: &Repo, commits: &mut [Commit]) {
    let mut groups: HashMap<(&str, i64), Vec<usize>> = HashMap::new();
    for (i, c) in commits.iter().enumerate() {
        if c.is_fix && !c.is_merge() {
            groups
                .entry((c.author.as_str(), c.author_time))
                .or_default()
                .push(i);
        }
    }
    let candidates: Vec<usize> = groups
        .into_values()
        .filter(|g| {
            g.len() > 1
                && g.iter()
                    .any(|&i| commits[i].summary() != commits[g[0]].summary())
        })
        .flatten()
        .collect();
    if candidates.is_empty() {
        return;
    }
    let ids: Vec<String> = candidates
        .iter()
        .map(|&i| commits[i].id.to_string())
        .collect();
    let Some(patch_ids) = patch_ids(repo, &ids) else {
        return;
    };
    let mut seen: HashSet<(&str, i64, &str)> = HashSet::new();
    let mut order = candidates;
    // Newest first in the history: walk from the oldest.
    order.sort_unstable_by(|a, b| b.cmp(a));
    let mut drop = Vec::new();
    for i in order {
        let c = &commits[i];
        let Some(pid) = patch_ids.get(&c.id.to_string()) else {
            continue;
        };
        if !seen.insert((c.author.as_str(), c.author_time, pid.as_str())) {
            drop.push(i);
        }
    }
    for i in drop {
        commits[i].is_fix = false;
    }
}

/// `commit id -> patch id` for `ids`, from `git log -p | git patch-id --stable`.
fn patch_ids(repo: &Repo, ids: &[String]) -> Option<HashMap<String, String>> {
    let git_dir = repo.git.git_dir();
    let mut log = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "diff.relative=false",
            "log",
            "--no-walk=unsorted",
            "--stdin",
            "-p",
            "--no-color",
            "--no-ext-diff",
            "--format=commit %H",
        ])
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = log.stdin.take()?;
    let input = ids.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let patch = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["patch-id", "--stable"])
        .stdin(Stdio::from(log.stdout.take()?))
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let _ = writer.join();
    if !log.wait().ok()?.success() || !patch.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&patch.stdout);
    Some(
        text.lines()
            .filter_map(|l| {
                let (pid, cid) = l.split_once(' ')?;
                Some((cid.to_string(), pid.to_string()))
            })
            .collect(),
    )
}
