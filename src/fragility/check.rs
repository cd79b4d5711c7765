//! `check`: the fragility of what a change touches. The files changed between
//! merge-base(base, head) and head are scored like `hotspots`; the lines the change modifies
//! or deletes are blamed on the base, and lines written by a fix commit are reported: editing
//! code that fixed a bug is the strongest warning the tool gives.

use super::partial::{BlameJob, blob, is_partial_clone, partial_clone_error, prefetch_for_blame};
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
        let error = Error::new(format!(
            "{} and {} share no history",
            base.to_hex_with_len(12),
            head.to_hex_with_len(12)
        ));
        // Only a shallow clone can hide their common history; otherwise they are unrelated.
        return Err(if repo.shallow_boundary().is_some() {
            error.hint("this clone is shallow and the base's history may be missing: `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0`)")
        } else {
            error.hint("they are unrelated histories (an orphan branch, another project): give a base that the head grew from")
        });
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
            warnings: Vec::new(),
        });
    }
    let live: Vec<&Changed> = changed.iter().filter(|c| !c.deleted).collect();
    let deleted: Vec<&Changed> = changed.iter().filter(|c| c.deleted).collect();
    let partial = is_partial_clone(repo);

    // Only the commits that touched the changed files (and their older names), read the
    // same way whether or not a cache exists: a full scan counts a side branch whose changes
    // a merge discarded, git's path-limited walk does not, and a pull request's comment must
    // not change with the cache. This keeps a 20-file check fast on a large history too.
    let mut opts = ScanOptions::from_config(config);
    opts.rev = Some(head.to_string());
    if live.len() <= MAX_LIMITED_PATHS {
        opts.paths = Some(scan_paths(&live));
        opts.use_cache = false;
    }
    let history = if live.is_empty() {
        History::default()
    } else {
        history::scan(repo, &opts, &mut |_| {})?
    };
    // A note committed with its fix names that commit (DESIGN section 3).
    let (notes, derive_warning) =
        crate::history::derived::with_derived_fixes(repo, head, notes.clone());
    let ctx = Assess {
        repo,
        notes: &notes,
        config,
        merge_base,
        head,
        partial,
    };
    let (mut files, mut unblamed) = ctx.files(&history, &live)?;
    let mut warnings = history.warnings.clone();
    warnings.extend(derive_warning);
    // A deleted file no longer exists at head: weigh it as it stood at the merge base, so a
    // change deleting fragile code is flagged like one editing it.
    let mut cut = history
        .shallow
        .as_ref()
        .and_then(|s| s.boundary.first())
        .copied();
    if !deleted.is_empty() {
        let mut opts = ScanOptions::from_config(config);
        opts.rev = Some(merge_base.to_string());
        opts.paths = Some(scan_paths(&deleted));
        opts.use_cache = false;
        let at_base = history::scan(repo, &opts, &mut |_| {})?;
        cut = cut.or_else(|| {
            at_base
                .shallow
                .as_ref()
                .and_then(|s| s.boundary.first())
                .copied()
        });
        let (more, left) = ctx.files(&at_base, &deleted)?;
        files.extend(more);
        unblamed += left;
        warnings.extend(
            at_base
                .warnings
                .iter()
                .filter(|w| !warnings.contains(w))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    if unblamed > 0 {
        warnings.push(format!(
            "{unblamed} changed file(s) with history were scored but not blamed line by line (on a history this long only the highest-scoring are): a smaller change gets line hits for every file"
        ));
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
        history_cut_at: cut.map(|id| id.to_string()),
        warnings,
    })
}

/// Most changed files whose history is read path-limited. Beyond, a whole scan (through the
/// cache) costs less: on git.git one path-limited walk of 83 paths took 100 s of CPU, the
/// whole scan 3.5 s cold and 0.2 s warm.
const MAX_LIMITED_PATHS: usize = 40;

/// Blame's work is about files times commits: at most this many, and never fewer than
/// `MIN_BLAMED_FILES` files (the highest-scoring first). git.git (82k commits): 24 files,
/// about 8 s; tokio (4.6k): 430.
const BLAME_BUDGET: usize = 2_000_000;
const MIN_BLAMED_FILES: usize = 20;

/// How many files `check` blames line by line in a history of `commits` commits.
fn most_blamed(commits: usize) -> usize {
    (BLAME_BUDGET / commits.max(1)).max(MIN_BLAMED_FILES)
}

/// Paths a history scan limited to `changes` must follow (old names of renames too).
fn scan_paths(changes: &[&Changed]) -> Vec<BString> {
    let mut paths: Vec<BString> = Vec::new();
    for c in changes {
        paths.push(c.path.clone());
        if let Some(old) = c.old_path.as_ref().filter(|o| !paths.contains(o)) {
            paths.push(old.clone());
        }
    }
    paths
}

/// What scoring and blaming a set of changed files needs besides their history.
struct Assess<'a> {
    repo: &'a Repo,
    notes: &'a NoteSet,
    config: &'a Config,
    merge_base: ObjectId,
    head: ObjectId,
    partial: bool,
}

impl Assess<'_> {
    /// Scores and line hits of `changes`, read from `history` (scanned at head for live
    /// files, at the merge base for deleted ones).
    /// Also says how many files with history were left unblamed (`BLAME_BUDGET`).
    fn files(&self, history: &History, changes: &[&Changed]) -> Result<(Vec<CheckedFile>, usize)> {
        let (notes, config) = (self.notes, self.config);
        let only: HashSet<BString> = changes.iter().map(|c| c.path.clone()).collect();
        let scores = score_files(history, notes, config, jiff::Timestamp::now(), Some(&only));
        let index = NoteIndex::new(history, notes);
        let is_fix = fix_commits(history, &index);
        let commit_index: HashMap<ObjectId, usize> = history
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();

        // Blame only files with fix history: blame attributes lines to commits that touched
        // the file, so a file none of whose commits is a fix cannot have a line hit. The
        // blames run in parallel, each thread with its own handle on the repository.
        // A line hit names the notes whose `commits.fixed_by` holds that very fix commit (an
        // imported note included: it is exactly that fix's incident), never the file's others.
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
                        .map(|&ni| index.notes[ni].note.id.clone())
                        .collect()
                })
                .unwrap_or_default();
            Some(ids)
        };
        let counted_ids: HashSet<&str> = index
            .notes
            .iter()
            .enumerate()
            .filter(|(ni, _)| index.counted[*ni])
            .map(|(_, n)| n.note.id.as_str())
            .collect();
        let mut jobs: Vec<(usize, BString, BString, bool)> = scores
            .iter()
            .enumerate()
            .filter(|(_, s)| s.fix_commits > 0 || !s.incidents.is_empty())
            .filter_map(|(i, s)| {
                let c = changes.iter().find(|c| c.path.to_str_lossy() == s.path)?;
                Some((i, c.old_path.clone()?, c.path.clone(), c.deleted))
            })
            .collect();
        // Blame costs up to a second a file on a large history: a change touching hundreds of
        // files with history gets line hits for the highest-scoring ones (said in a warning).
        let most = most_blamed(history.commits.len());
        let unblamed = jobs.len().saturating_sub(most);
        if unblamed > 0 {
            jobs.sort_by(|a, b| {
                scores[b.0]
                    .score
                    .total_cmp(&scores[a.0].score)
                    .then(a.0.cmp(&b.0))
            });
            jobs.truncate(most);
        }
        if self.partial {
            let blamed: Vec<BlameJob<'_>> = jobs
                .iter()
                .map(|(_, old, new, deleted)| BlameJob {
                    old: old.as_bstr(),
                    new: new.as_bstr(),
                    deleted: *deleted,
                })
                .collect();
            prefetch_for_blame(self.repo, history, self.merge_base, self.head, &blamed);
        }
        let walk = super::blame::Walk::new(history);
        let is_fix_commit = |id: ObjectId| commit_index.get(&id).is_some_and(|&ci| is_fix[ci]);
        let shared = self.repo.git.clone().into_sync();
        let (base, head, partial) = (self.merge_base, self.head, self.partial);
        let mut blamed: HashMap<usize, Vec<LineHit>> = jobs
            .par_iter()
            .map(|(i, old, new, deleted)| {
                let mut git = shared.to_thread_local();
                git.object_cache_size_if_unset(64 * 1024 * 1024);
                let to = BlameTarget {
                    base,
                    head: (!deleted).then_some(head),
                    old_path: old.as_bstr(),
                    new_path: new.as_bstr(),
                    partial,
                };
                line_hits(&git, &to, &walk, &is_fix_commit, &fix_of).map(|hits| (*i, hits))
            })
            .collect::<Result<_>>()?;

        let deleted: HashSet<String> = changes
            .iter()
            .filter(|c| c.deleted)
            .map(|c| c.path.to_str_lossy().into_owned())
            .collect();
        let mut files = Vec::new();
        for (si, score) in scores.into_iter().enumerate() {
            let lines = blamed.remove(&si).unwrap_or_default();
            let mut level = score.level;
            if !lines.is_empty() {
                // Lines of a fix named by a counted incident: high; lines of a
                // pattern-matched or imported fix: at least medium (weaker evidence).
                let named = lines.iter().any(|l| {
                    l.incidents
                        .iter()
                        .any(|id| counted_ids.contains(id.as_str()))
                });
                level = level.max(if named { Level::High } else { Level::Medium });
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
            let path = score.path;
            files.push(CheckedFile {
                deleted: deleted.contains(&path),
                path,
                level,
                score: score.score,
                incidents,
                fix_commits: score.fix_commits,
                lines,
            });
        }
        Ok((files, unblamed))
    }
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

fn is_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|b| *b == 0)
}

/// What `line_hits` compares: `old_path` at the merge base against `new_path` at head, or,
/// for a file the change deletes (`head: None`), against nothing.
struct BlameTarget<'a> {
    base: ObjectId,
    head: Option<ObjectId>,
    old_path: &'a BStr,
    new_path: &'a BStr,
    partial: bool,
}

/// Hunks of head that modify or delete base lines written by a fix commit. `fix_of` says
/// whether a commit is a fix, and which incidents name it. For an edited file the ranges are
/// where the change sits in head; for a deleted file, the deleted base lines a fix wrote.
fn line_hits(
    git: &gix::Repository,
    to: &BlameTarget<'_>,
    walk: &super::blame::Walk<'_>,
    is_fix: &(dyn Fn(ObjectId) -> bool + Sync),
    fix_of: &(dyn Fn(ObjectId) -> Option<Vec<String>> + Sync),
) -> Result<Vec<LineHit>> {
    let Some(old) = blob(git, to.base, to.old_path, to.partial)? else {
        return Ok(Vec::new());
    };
    let new = match to.head {
        Some(head) => match blob(git, head, to.new_path, to.partial)? {
            Some(new) => new,
            None => return Ok(Vec::new()),
        },
        None => Vec::new(),
    };
    if is_binary(&old) || is_binary(&new) {
        return Ok(Vec::new());
    }
    let deleted = to.head.is_none();
    let (base, old_path) = (to.base, to.old_path);
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
    let lines: Vec<u32> = hunks
        .iter()
        .flat_map(|(o, _)| o.start as u32..o.end as u32)
        .collect();
    let fast = super::blame::blame(git, walk, base, old_path, &lines, is_fix);
    // (first line in the base blob, line count, commit) of each blamed run.
    let entries: Vec<(usize, usize, ObjectId)> = match fast {
        Some(lines) => lines
            .into_iter()
            .map(|(line, commit)| (line as usize, 1, commit))
            .collect(),
        None => match gix_blame(git, to, &hunks)? {
            Some(entries) => entries,
            None => return Ok(Vec::new()),
        },
    };
    let mut hits: Vec<LineHit> = Vec::new();
    for &(start, len, commit_id) in &entries {
        let Some(incidents) = fix_of(commit_id) else {
            continue;
        };
        let end = start + len;
        for (o, n) in &hunks {
            if o.start >= end || start >= o.end {
                continue;
            }
            // Report where the change sits in head: the replacement lines, or for a pure
            // deletion the line after it; a deleted file has no head, so the base lines.
            let (head_start, head_end) = if deleted {
                let from = start.max(o.start) as u32 + 1;
                (from, (end.min(o.end) as u32).max(from))
            } else if o.len() == n.len() {
                // A line-for-line replacement: the head lines that replaced the fix's lines,
                // not the whole hunk.
                let from = (n.start + (start.max(o.start) - o.start)) as u32 + 1;
                let to = (n.start + (end.min(o.end) - o.start)) as u32;
                (from, to.max(from))
            } else {
                let from = n.start as u32 + 1;
                (from, (n.end as u32).max(from))
            };
            let fix_commit = commit_id.to_hex_with_len(12).to_string();
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
    // Blame splits a fix's lines into several entries; adjacent ranges of one fix read as one.
    let mut merged: Vec<LineHit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match merged.last_mut() {
            Some(last) if last.fix_commit == hit.fix_commit && hit.start <= last.end + 1 => {
                last.end = last.end.max(hit.end);
            }
            _ => merged.push(hit),
        }
    }
    Ok(merged)
}

/// gix's blame of the base lines `hunks` touch, for what the history-driven blame cannot
/// follow: `None` when gix cannot blame the file (the file-level score still stands).
fn gix_blame(
    git: &gix::Repository,
    to: &BlameTarget<'_>,
    hunks: &[(std::ops::Range<usize>, std::ops::Range<usize>)],
) -> Result<Option<Vec<(usize, usize, ObjectId)>>> {
    let ranges: Vec<std::ops::RangeInclusive<u32>> = hunks
        .iter()
        .map(|(o, _)| (o.start as u32 + 1)..=(o.end as u32))
        .collect();
    let Ok(ranges) = gix::blame::BlameRanges::from_one_based_inclusive_ranges(ranges) else {
        return Ok(None);
    };
    let options = gix::repository::blame_file::Options {
        ranges,
        rewrites: Some(gix::diff::Rewrites::default()),
        ..Default::default()
    };
    match git.blame_file(to.old_path, to.base, options) {
        Ok(outcome) => Ok(Some(
            outcome
                .entries
                .iter()
                .map(|e| {
                    (
                        e.start_in_blamed_file as usize,
                        e.len.get() as usize,
                        e.commit_id,
                    )
                })
                .collect(),
        )),
        // A partial clone lacks blobs of the file's history: never report fewer hits than a
        // full clone would without saying so.
        Err(_) if to.partial => Err(partial_clone_error(git, to.old_path)),
        // Blame can fail on odd objects (a submodule); the file-level score still stands,
        // so go on without line hits.
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn blame_is_limited_on_long_histories_only() {
        assert_eq!(super::most_blamed(81_966), 24);
        assert_eq!(super::most_blamed(4_625), 432);
        assert_eq!(super::most_blamed(1_000_000), 20);
        assert!(super::most_blamed(0) >= 20);
    }
}
