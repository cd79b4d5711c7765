//! `check`: the fragility of what a change touches. The files changed between
//! merge-base(base, head) and head are scored like `hotspots`; the lines the change modifies
//! or deletes are blamed on the base, and lines written by a fix commit are reported: editing
//! code that fixed a bug is the strongest warning the tool gives.

use super::score::{NoteIndex, fix_commits, score_files};
use super::{CheckResult, CheckedFile, IncidentRef, Level, LineHit};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::history::{self, History, ScanOptions};
use crate::repo::Repo;
use crate::store::NoteSet;
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::process::Command;

/// One changed file between the merge base and head.
struct Changed {
    path: BString,
    /// Name at the merge base (differs for renames); `None` when added.
    old_path: Option<BString>,
    deleted: bool,
}

pub fn check(
    repo: &Repo,
    base: ObjectId,
    head: ObjectId,
    notes: &NoteSet,
    config: &Config,
) -> Result<CheckResult> {
    let merge_base = repo
        .git
        .merge_base(base, head)
        .map_err(|e| {
            Error::new(format!(
                "cannot find where {} and {} meet",
                base.to_hex_with_len(12),
                head.to_hex_with_len(12)
            ))
            .hint("if this is a shallow clone, fetch the whole history: `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0`)")
            .with_source(e)
        })?
        .map(|id| id.detach());
    let Some(merge_base) = merge_base else {
        return Err(Error::new(format!(
            "{} and {} share no history",
            base.to_hex_with_len(12),
            head.to_hex_with_len(12)
        ))
        .hint("in a shallow clone the base may be missing: `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0`)"));
    };

    let changed = changed_files(repo, merge_base, head, config)?;
    if changed.is_empty() {
        // Head equals the base, or is an ancestor of it: nothing to weigh.
        return Ok(CheckResult {
            base: base.to_string(),
            head: head.to_string(),
            risk: Level::None,
            files: Vec::new(),
            history_cut_at: None,
        });
    }
    let live: Vec<&Changed> = changed.iter().filter(|c| !c.deleted).collect();

    // With a cache the whole history is at hand (and updating it costs only the new
    // commits); without one, read only the commits that touched the changed files, which
    // keeps a 20-file check fast on a large history.
    let mut opts = ScanOptions::from_config(config);
    opts.rev = Some(head.to_string());
    if !history::cache_path(repo).exists() {
        let mut paths: Vec<BString> = Vec::new();
        for c in &live {
            paths.push(c.path.clone());
            if let Some(old) = c.old_path.as_ref().filter(|o| !paths.contains(o)) {
                paths.push(old.clone());
            }
        }
        opts.paths = Some(paths);
        opts.use_cache = false;
    }
    let history = if live.is_empty() {
        History::default()
    } else {
        history::scan(repo, &opts, &mut |_| {})?
    };

    let only: HashSet<BString> = live.iter().map(|c| c.path.clone()).collect();
    let scores = score_files(&history, notes, config, jiff::Timestamp::now(), Some(&only));
    let index = NoteIndex::new(&history, notes);
    let is_fix = fix_commits(&history, &index);
    let commit_index: HashMap<ObjectId, usize> = history
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();

    // Blame only files with fix history: blame attributes lines to commits that touched the
    // file, so a file none of whose commits is a fix cannot have a line hit. The blames run
    // in parallel, each thread with its own handle on the repository.
    let fix_of = |id: ObjectId| -> Option<Vec<String>> {
        let ci = commit_index.get(&id)?;
        if !is_fix[*ci] {
            return None;
        }
        let ids: Vec<String> = index
            .fixed_by
            .get(ci)
            .map(|v| {
                v.iter()
                    .filter(|&&ni| index.counted[ni])
                    .map(|&ni| index.notes[ni].note.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        Some(ids)
    };
    let jobs: Vec<(usize, BString, BString)> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.fix_commits > 0 || !s.incidents.is_empty())
        .filter_map(|(i, s)| {
            let c = live.iter().find(|c| c.path.to_str_lossy() == s.path)?;
            Some((i, c.old_path.clone()?, c.path.clone()))
        })
        .collect();
    let shared = repo.git.clone().into_sync();
    let mut blamed: HashMap<usize, Vec<LineHit>> = jobs
        .par_iter()
        .map(|(i, old, new)| {
            let mut git = shared.to_thread_local();
            git.object_cache_size_if_unset(64 * 1024 * 1024);
            line_hits(
                &git,
                merge_base,
                head,
                old.as_bstr(),
                new.as_bstr(),
                &fix_of,
            )
            .map(|hits| (*i, hits))
        })
        .collect::<Result<_>>()?;

    let mut files = Vec::new();
    for (si, score) in scores.into_iter().enumerate() {
        let lines = blamed.remove(&si).unwrap_or_default();
        let mut level = score.level;
        if !lines.is_empty() {
            // Lines of a fix named by an incident: high; lines of a pattern-matched fix:
            // at least medium (a fix pattern alone is weaker evidence).
            let floor = if lines.iter().any(|l| !l.incidents.is_empty()) {
                Level::High
            } else {
                Level::Medium
            };
            level = level.max(floor);
        }
        let mut notes_of: Vec<&crate::store::LoadedNote> = score
            .incidents
            .iter()
            .filter_map(|id| index.notes.iter().find(|n| &n.note.id == id).copied())
            .collect();
        // Most severe first, then most recent: the order a reader should see them in.
        notes_of.sort_by_key(|n| {
            (
                n.note.severity.map_or(2, |s| s as u8),
                std::cmp::Reverse(n.note.opened.or(n.note.resolved).map(|t| t.as_second())),
            )
        });
        let incidents = notes_of
            .into_iter()
            .map(|n| IncidentRef {
                id: n.note.id.clone(),
                title: n.note.title.clone(),
                severity: n.note.severity,
            })
            .collect();
        files.push(CheckedFile {
            path: score.path,
            level,
            score: score.score,
            incidents,
            fix_commits: score.fix_commits,
            lines,
        });
    }
    files.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.path.cmp(&b.path))
    });
    let risk = files.iter().map(|f| f.level).max().unwrap_or(Level::None);
    Ok(CheckResult {
        base: base.to_string(),
        head: head.to_string(),
        risk,
        files,
        history_cut_at: history
            .shallow
            .as_ref()
            .and_then(|s| s.boundary.first())
            .map(|id| id.to_string()),
    })
}

/// Files changed between the merge base and head, renames detected like the history scan.
fn changed_files(
    repo: &Repo,
    from: ObjectId,
    to: ObjectId,
    config: &Config,
) -> Result<Vec<Changed>> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(repo.git.git_dir())
        .args([
            "-c",
            "diff.relative=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
        ])
        .args(["--name-status", "-z"])
        .arg(format!("-M{}%", config.rename_similarity.min(100)))
        .arg(from.to_string())
        .arg(to.to_string())
        .output()
        .map_err(|e| {
            Error::new("cannot run git diff")
                .hint("git-incident needs `git` on PATH")
                .with_source(e)
        })?;
    if !out.status.success() {
        return Err(Error::new(format!(
            "git diff failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut tokens = out.stdout.split(|b| *b == 0).filter(|t| !t.is_empty());
    let mut files = Vec::new();
    while let Some(status) = tokens.next() {
        let Some(first) = tokens.next() else { break };
        let first = BString::from(first);
        match status.first() {
            Some(b'R') | Some(b'C') => {
                let Some(second) = tokens.next() else { break };
                let renamed = status.first() == Some(&b'R');
                files.push(Changed {
                    path: BString::from(second),
                    old_path: renamed.then_some(first),
                    deleted: false,
                });
            }
            Some(b'A') => files.push(Changed {
                path: first,
                old_path: None,
                deleted: false,
            }),
            Some(b'D') => files.push(Changed {
                path: first.clone(),
                old_path: Some(first),
                deleted: true,
            }),
            _ => files.push(Changed {
                path: first.clone(),
                old_path: Some(first),
                deleted: false,
            }),
        }
    }
    Ok(files)
}

fn blob(git: &gix::Repository, commit: ObjectId, path: &BStr) -> Option<Vec<u8>> {
    let tree = git.find_commit(commit).ok()?.tree().ok()?;
    let entry = tree
        .lookup_entry_by_path(gix::path::from_bstr(path).ok()?)
        .ok()??;
    if !entry.mode().is_blob() {
        return None;
    }
    let object = entry.object().ok()?;
    Some(object.data.clone())
}

fn is_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|b| *b == 0)
}

/// Hunks of head that modify or delete base lines written by a fix commit. `fix_of` says
/// whether a commit is a fix, and which incidents name it.
fn line_hits(
    git: &gix::Repository,
    base: ObjectId,
    head: ObjectId,
    old_path: &BStr,
    new_path: &BStr,
    fix_of: &(dyn Fn(ObjectId) -> Option<Vec<String>> + Sync),
) -> Result<Vec<LineHit>> {
    let (Some(old), Some(new)) = (blob(git, base, old_path), blob(git, head, new_path)) else {
        return Ok(Vec::new());
    };
    if is_binary(&old) || is_binary(&new) {
        return Ok(Vec::new());
    }
    let old_text = String::from_utf8_lossy(&old);
    let new_text = String::from_utf8_lossy(&new);
    let diff = similar::TextDiff::from_lines(old_text.as_ref(), new_text.as_ref());
    // (old range, new range) of every hunk that touches base lines.
    let mut hunks: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    for op in diff.ops() {
        let old_range = op.old_range();
        if op.tag() == similar::DiffTag::Equal || old_range.is_empty() {
            continue;
        }
        hunks.push((old_range, op.new_range()));
    }
    if hunks.is_empty() {
        return Ok(Vec::new());
    }
    let ranges: Vec<std::ops::RangeInclusive<u32>> = hunks
        .iter()
        .map(|(o, _)| (o.start as u32 + 1)..=(o.end as u32))
        .collect();
    let Ok(ranges) = gix::blame::BlameRanges::from_one_based_inclusive_ranges(ranges) else {
        return Ok(Vec::new());
    };
    let options = gix::repository::blame_file::Options {
        ranges,
        rewrites: Some(gix::diff::Rewrites::default()),
        ..Default::default()
    };
    let outcome = match git.blame_file(old_path, base, options) {
        Ok(o) => o,
        // Blame can fail on odd objects (a submodule, a missing blob in a partial clone);
        // the file-level score still stands, so go on without line hits.
        Err(_) => return Ok(Vec::new()),
    };
    let mut hits: Vec<LineHit> = Vec::new();
    for entry in &outcome.entries {
        let Some(incidents) = fix_of(entry.commit_id) else {
            continue;
        };
        let start = entry.start_in_blamed_file as usize;
        let end = start + entry.len.get() as usize;
        for (o, n) in &hunks {
            if o.start >= end || start >= o.end {
                continue;
            }
            // Report where the change sits in head: the replacement lines, or for a pure
            // deletion the line after it.
            let head_start = n.start as u32 + 1;
            let head_end = (n.end as u32).max(head_start);
            let fix_commit = entry.commit_id.to_hex_with_len(12).to_string();
            if hits
                .iter()
                .any(|h| h.start == head_start && h.fix_commit == fix_commit)
            {
                continue;
            }
            hits.push(LineHit {
                start: head_start,
                end: head_end,
                fix_commit,
                incidents: incidents.clone(),
            });
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    Ok(hits)
}
