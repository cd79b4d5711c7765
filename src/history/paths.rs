//! Path-limited scans (`check` without a cache): only the commits that touch the changed
//! files, each followed back through its renames, with the paths split over two `git log`
//! processes so both cores work.

use super::span::SpanOf;
use super::{
    ChangeKind, HistoryError, PathGraph, Progress, RawCommit, ScanOptions, gitlog, repo_err,
    run_log,
};
use crate::repo::Repo;
use gix::ObjectId;
use gix::bstr::BString;
use std::path::Path;

/// Most rename generations followed back by a path-limited scan: each is one more walk, and
/// a name moved back and forth uses one per move. Reaching it is a warning.
pub(super) const MAX_RENAME_GENERATIONS: usize = 64;

/// Histories of at most this many commits are walked with `--full-history`, so that `check`
/// counts what `hotspots` counts (`gitlog::PathLimit`); beyond, the walk's cost on the
/// largest histories outweighs the few side-branch commits it adds.
pub(super) const FULL_HISTORY_UP_TO: usize = 20_000;

/// Whether `start` has at most `most` commits in its history (a walk that stops after
/// `most + 1`; the commit-graph makes it a few milliseconds where there is one).
pub(super) fn history_up_to(repo: &Repo, start: ObjectId, most: usize) -> bool {
    let Ok(walk) = repo.git.rev_walk([start]).all() else {
        return false;
    };
    walk.take(most + 1).filter(|info| info.is_ok()).count() <= most
}

/// What a path-limited scan read.
pub(super) struct PathScan {
    pub commits: Vec<RawCommit>,
    pub rename_limit_hits: u32,
    /// Oldest and newest commit time of the whole history from the start.
    pub span: Option<(i64, i64)>,
    /// More renames were left to follow after `MAX_RENAME_GENERATIONS`.
    pub renames_cut_short: bool,
    /// The simplified graph of each walk, for blame.
    pub graphs: Vec<PathGraph>,
}

/// Commits touching `paths`, following each path back through renames: a path-limited
/// `git log` sees a renamed file appear as added, so the commit that added it is diffed
/// again in full, and if it was a rename, the older name's history is read too. The whole
/// history's time span is read alongside (one more git process, on the core the walks leave
/// idle), so that recency weighs a fix exactly as a full scan does.
pub(super) fn scan_paths(
    repo: &Repo,
    opts: &ScanOptions,
    start: ObjectId,
    paths: &[BString],
    progress: &mut dyn FnMut(Progress),
) -> Result<PathScan, HistoryError> {
    let git_dir = repo.git.git_dir().to_path_buf();
    let opts = &ScanOptions {
        full_history: history_up_to(repo, start, FULL_HISTORY_UP_TO),
        ..opts.clone()
    };
    std::thread::scope(|scope| {
        let span = scope.spawn(move || history_span(&git_dir, start));
        let mut renames_cut_short = false;
        let followed = follow_paths(repo, opts, start, paths, progress, &mut renames_cut_short);
        let span = span.join().unwrap_or_else(|_| {
            Err(HistoryError::GitOutput(
                "the commit-time reader stopped".into(),
            ))
        });
        let (commits, rename_limit_hits, graphs) = followed?;
        Ok(PathScan {
            commits,
            rename_limit_hits,
            span: span?,
            renames_cut_short,
            graphs,
        })
    })
}

/// The span a full scan's commits weigh recency over (`span`), from a walk of the whole
/// history without diffs: a fifth of a path-limited walk's cost.
fn history_span(git_dir: &Path, start: ObjectId) -> Result<Option<(i64, i64)>, HistoryError> {
    let stdout = gitlog::capture(
        git_dir,
        [
            "log".to_string(),
            "--no-color".into(),
            "--format=%H %ct %P".into(),
            start.to_string(),
        ],
        "git log --format=%ct",
    )?;
    let mut span = SpanOf::default();
    // `start` is the walk's only tip, so git lists it first.
    let mut tip_parent: Option<Option<&str>> = None;
    for line in stdout.split(|b| *b == b'\n') {
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let mut fields = line.split_whitespace();
        let (Some(id), Some(t)) = (
            fields.next(),
            fields.next().and_then(|t| t.parse::<i64>().ok()),
        ) else {
            continue;
        };
        let first_parent = fields.next();
        match tip_parent {
            None => {
                span.tip(t);
                tip_parent = Some(first_parent);
            }
            Some(Some(parent)) if parent == id => span.tip_parent(t),
            Some(_) => {}
        }
        span.commit(t, first_parent.is_none());
    }
    Ok(span.finish())
}

fn follow_paths(
    repo: &Repo,
    opts: &ScanOptions,
    start: ObjectId,
    paths: &[BString],
    progress: &mut dyn FnMut(Progress),
    cut_short: &mut bool,
) -> Result<(Vec<RawCommit>, u32, Vec<PathGraph>), HistoryError> {
    let (mut commits, mut hits, mut graphs) = log_paths_split(repo, opts, start, paths, progress)?;
    let mut wanted: Vec<BString> = paths.to_vec();
    for generation in 0..=MAX_RENAME_GENERATIONS {
        // Where each wanted path was born under its name (the oldest `Added`).
        let mut births: Vec<(usize, BString)> = Vec::new();
        for path in &wanted {
            let born = commits.iter().enumerate().rev().find(|(_, c)| {
                c.changes
                    .iter()
                    .any(|ch| ch.kind == ChangeKind::Added && &ch.path == path)
            });
            if let Some((i, _)) = born {
                births.push((i, path.clone()));
            }
        }
        // One `git log --no-walk` diffs every birth commit in full, with rename detection.
        births.retain(|(i, _)| commits[*i].parents.len() == 1);
        if births.is_empty() {
            break;
        }
        if generation == MAX_RENAME_GENERATIONS {
            *cut_short = true;
            break;
        }
        let born: Vec<ObjectId> = births.iter().map(|(i, _)| commits[*i].id).collect();
        let full = gitlog::run(
            repo.git.git_dir(),
            &born,
            &[ObjectId::null(repo.git.object_hash())],
            opts.rename_similarity,
            opts.rename_limit,
            None,
            &mut |_, _| {},
        )?;
        // Over the rename limit here, the file's older name is lost as in a full scan.
        hits += full.rename_limit_hits as u32;
        let mut older: Vec<(BString, BString)> = Vec::new();
        for (i, path) in births {
            let id = commits[i].id;
            let renamed_from = full
                .commits
                .iter()
                .filter(|c| c.id == id)
                .flat_map(|c| c.changes.iter())
                .find(|ch| ch.kind == ChangeKind::Renamed && ch.path == path)
                .and_then(|ch| ch.previous.clone());
            if let Some(previous) = renamed_from {
                for ch in &mut commits[i].changes {
                    if ch.kind == ChangeKind::Added && ch.path == path {
                        ch.kind = ChangeKind::Renamed;
                        ch.previous = Some(previous.clone());
                    }
                }
                // The walk whose pathspec held the old name (the paths are split over two
                // walks) saw it deleted.
                drop_deletions_of_renamed(&mut commits[i].changes);
                older.push((previous, path));
            }
        }
        if older.is_empty() {
            break;
        }
        // From the start, not from the rename's parent: a side branch that still edited the
        // old name and was merged after the rename is history of this file too, as the full
        // scan's lineage counts it (by commit time). The newer name goes into the pathspec as
        // well: the merge that carried such an edit into the renamed file differs from both
        // parents only across the two names, and git's history simplification would
        // otherwise prune that side branch.
        wanted = older.iter().map(|(old, _)| old.clone()).collect();
        let mut pathspec = wanted.clone();
        pathspec.extend(older.into_iter().map(|(_, new)| new));
        let mut out = run_log(repo, opts, &[start], &[], Some(&pathspec), progress)?;
        hits += out.rename_limit_hits as u32;
        graphs.push(split_graph(repo, &pathspec, &mut out.commits)?);
        merge_commits(&mut commits, out.commits);
        // The next generation looks for births by position: oldest last.
        commits = super::order::topological(commits, &graphs);
    }
    Ok((commits, hits, graphs))
}

/// Keep the parents `git log --parents` rewrote as the walk's graph over `paths`, and give
/// every commit its real parents back (from its object) for everything else that reads the
/// history: merge handling counts parents, and a merge whose rewritten parents collapsed into
/// one was printed with a diff that a walk without `--parents` does not show.
fn split_graph(
    repo: &Repo,
    paths: &[BString],
    commits: &mut [RawCommit],
) -> Result<PathGraph, HistoryError> {
    let mut graph = PathGraph {
        paths: paths.to_vec(),
        parents: Default::default(),
    };
    graph.parents.reserve(commits.len());
    for c in commits.iter_mut() {
        let real: Vec<ObjectId> = repo
            .git
            .find_commit(c.id)
            .map_err(repo_err)?
            .parent_ids()
            .map(|id| id.detach())
            .collect();
        if real.len() > 1 && c.parents.len() < 2 {
            c.changes.clear();
        }
        let rewritten = std::mem::replace(&mut c.parents, real);
        graph.parents.insert(c.id, rewritten);
    }
    Ok(graph)
}

/// Drop the deletion of a path that a rename in the same commit moved away: walks whose
/// pathspec holds only the old name see a deletion, and lineage must not read it as the end
/// of the file.
fn drop_deletions_of_renamed(changes: &mut Vec<super::Change>) {
    let moved: Vec<BString> = changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Renamed)
        .filter_map(|c| c.previous.clone())
        .collect();
    changes.retain(|c| !(c.kind == ChangeKind::Deleted && moved.contains(&c.path)));
}

/// Add `more` to `commits`, joining the changes of commits both lists hold.
fn merge_commits(commits: &mut Vec<RawCommit>, more: Vec<RawCommit>) {
    let mut index: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    for (i, c) in commits.iter().enumerate() {
        index.insert(c.id, i);
    }
    for c in more {
        match index.get(&c.id) {
            Some(&i) => {
                let existing = &mut commits[i].changes;
                for ch in c.changes {
                    if !existing.contains(&ch) {
                        existing.push(ch);
                    }
                }
                // A walk limited to a rename's old name sees that commit delete it.
                drop_deletions_of_renamed(existing);
            }
            None => commits.push(c),
        }
    }
}

/// The path-limited `git log`, split over two git processes (half the paths each) when
/// there are several paths: the walk is CPU-bound in git, and `check` waits on it. The
/// union is sorted newest first like one walk's output.
fn log_paths_split(
    repo: &Repo,
    opts: &ScanOptions,
    start: ObjectId,
    paths: &[BString],
    progress: &mut dyn FnMut(Progress),
) -> Result<(Vec<RawCommit>, u32, Vec<PathGraph>), HistoryError> {
    if paths.len() < 2 {
        let mut out = run_log(repo, opts, &[start], &[], Some(paths), progress)?;
        let graph = split_graph(repo, paths, &mut out.commits)?;
        return Ok((out.commits, out.rename_limit_hits as u32, vec![graph]));
    }
    // Alternate paths between the halves: neighbours in sorted order share directories, and
    // the cost of a walk follows the directories it must diff (measured on git.git: halves
    // by position took 1.4 s and 2.7 s, alternating 1.6 s and 2.0 s).
    let first: Vec<BString> = paths.iter().step_by(2).cloned().collect();
    let second: Vec<BString> = paths.iter().skip(1).step_by(2).cloned().collect();
    let (first, second) = (first.as_slice(), second.as_slice());
    let (a, b) = std::thread::scope(|scope| {
        // A gix repository is not shared across threads; git only needs the directory.
        let git_dir = repo.git.git_dir().to_path_buf();
        let other = scope.spawn(move || {
            gitlog::run(
                &git_dir,
                &[start],
                &[],
                opts.rename_similarity,
                opts.rename_limit,
                Some(gitlog::PathLimit {
                    paths: second,
                    full_history: opts.full_history,
                }),
                &mut |_, _| {},
            )
        });
        let mine = run_log(repo, opts, &[start], &[], Some(first), progress);
        let theirs = other.join().unwrap_or_else(|_| {
            Err(HistoryError::GitOutput(
                "the second git log reader stopped".into(),
            ))
        });
        (mine, theirs)
    });
    let (mut a, mut b) = (a?, b?);
    let hits = (a.rename_limit_hits + b.rename_limit_hits) as u32;
    let graphs = vec![
        split_graph(repo, first, &mut a.commits)?,
        split_graph(repo, second, &mut b.commits)?,
    ];
    let mut commits = a.commits;
    merge_commits(&mut commits, b.commits);
    Ok((super::order::topological(commits, &graphs), hits, graphs))
}
