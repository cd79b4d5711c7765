//! Blame of a few base lines driven by the history already scanned, for `check`.
//!
//! gix's `blame_file` visits every commit from the base and looks the file up in each one's
//! tree and its parents' (3.5 s for a 20-file check on git.git). This walk gives the same
//! answer but steps only between commits that can change the file:
//! - a path-limited history holds the simplified graph of each `git log --parents` walk
//!   (`History::graphs`): from a listed commit it jumps to the rewritten parent, and nothing
//!   between the two changes any path of that walk;
//! - a whole history (warm cache) knows each non-merge commit's changes: one that leaves the
//!   path alone is skipped for its parent without reading a tree;
//! - anywhere else (the base itself, a merge of a whole history, a commit the graph lacks) it
//!   takes one ordinary step over the real parents.
//!
//! The step follows gix-blame's rules exactly, since `check` must report what the gix blame
//! reported: commits are visited newest first by commit time; a commit whose blob equals a
//! parent's (first in parent order) passes every line to it; otherwise each parent's diff
//! (gix's own imara line diff, with the repository's `diff.algorithm`, Myers by default, and
//! gix's post-processing) hands the lines it leaves unchanged to that parent, and a line no
//! parent takes is the commit's. A line goes to the first parent (in parent order) whose
//! diff leaves it unchanged, as in git. A file added without a parent of the same name is
//! looked for as a rename with gix's own tree diff (its default rename settings).
//!
//! Whenever the walk meets something it cannot follow the same way (a binary blob, a rename
//! at a merge, lines of one commit under two names, a fix commit as a root, any object it
//! cannot read), it returns `None` and the caller runs gix's blame for the whole file.

use crate::history::History;
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use std::collections::{BinaryHeap, HashMap};

/// One line of interest of the base blob: who may have written it, and under which name.
struct Line {
    /// 0-based line in the base blob.
    blamed: u32,
    /// The commit that may have written it (gix's suspect), with the line's number in that
    /// commit's blob.
    suspect: (ObjectId, u32),
    /// The file's name at the suspect.
    path: BString,
}

/// What the walk knows of the history it blames through.
pub(super) struct Walk<'a> {
    history: &'a History,
    index: HashMap<ObjectId, usize>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(history: &'a History) -> Walk<'a> {
        let index = history
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        Walk { history, index }
    }

    /// Where a blame of `path` from `base` may start: a commit with the same blob. The base
    /// of a check is usually not listed by a path-limited walk from head, but the oldest
    /// commits of the change are, and their rewritten parent is the base's.
    fn start(&self, base: ObjectId, path: &BStr) -> ObjectId {
        for g in &self.history.graphs {
            if !g.paths.iter().any(|p| p.as_bstr() == path) || g.parents.contains_key(&base) {
                continue;
            }
            for (child, rewritten) in &g.parents {
                let Some(&ci) = self.index.get(child) else {
                    continue;
                };
                let real = &self.history.commits[ci].parents;
                if real.len() != rewritten.len() {
                    continue;
                }
                if let Some(i) = real.iter().position(|p| *p == base) {
                    return rewritten[i];
                }
            }
        }
        base
    }

    /// Where the lines that `commit`'s real parent `parent` (at position `i` of `real`)
    /// keeps under `path` are next worth looking at: a commit with the same blob of `path`.
    fn next(
        &self,
        commit: ObjectId,
        i: usize,
        parent: ObjectId,
        path: &BStr,
        real: usize,
    ) -> ObjectId {
        if !self.history.graphs.is_empty() {
            for g in &self.history.graphs {
                if !g.paths.iter().any(|p| p.as_bstr() == path) {
                    continue;
                }
                let Some(rewritten) = g.parents.get(&commit).filter(|r| r.len() == real) else {
                    continue;
                };
                // Listed commits of this walk that leave `path` alone (other paths of the
                // walk made git list them) are skipped too.
                let mut at = rewritten[i];
                while self.leaves_alone(at, path) {
                    match g.parents.get(&at).map(Vec::as_slice) {
                        Some([only]) => at = *only,
                        _ => break,
                    }
                }
                return at;
            }
            return parent;
        }
        // A whole history: skip non-merge commits that leave `path` alone.
        let mut at = parent;
        while self.leaves_alone(at, path) {
            match self.index.get(&at) {
                Some(&ci) => at = self.history.commits[ci].parents[0],
                None => break,
            }
        }
        at
    }

    /// `commit` is in the history, has one parent, and its changes (against that parent)
    /// do not name `path`.
    fn leaves_alone(&self, commit: ObjectId, path: &BStr) -> bool {
        let Some(&ci) = self.index.get(&commit) else {
            return false;
        };
        let c = &self.history.commits[ci];
        c.parents.len() == 1
            && !c
                .changes
                .iter()
                .any(|ch| ch.path == path || ch.previous.as_ref().is_some_and(|p| p == path))
    }
}

/// Commit facts and tree lookups, cached for one blame.
struct Objects<'r> {
    git: &'r gix::Repository,
    commits: HashMap<ObjectId, (i64, Vec<ObjectId>, ObjectId)>,
    entries: HashMap<(ObjectId, BString), Option<ObjectId>>,
}

impl Objects<'_> {
    /// Commit time, parents and tree of `id`.
    fn commit(&mut self, id: ObjectId) -> Option<(i64, Vec<ObjectId>, ObjectId)> {
        if let Some(c) = self.commits.get(&id) {
            return Some(c.clone());
        }
        let commit = self.git.find_commit(id).ok()?;
        let time = commit.time().ok()?.seconds;
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        let tree = commit.tree_id().ok()?.detach();
        self.commits.insert(id, (time, parents.clone(), tree));
        Some((time, parents, tree))
    }

    /// The entry `path` names in `commit`'s tree; `Err` when the commit cannot be read.
    fn entry(&mut self, commit: ObjectId, path: &BStr) -> Result<Option<ObjectId>, ()> {
        let key = (commit, path.to_owned());
        if let Some(e) = self.entries.get(&key) {
            return Ok(*e);
        }
        let (_, _, tree) = self.commit(commit).ok_or(())?;
        let tree = self.git.find_tree(tree).map_err(|_| ())?;
        let rel = gix::path::from_bstr(path).map_err(|_| ())?;
        let entry = tree
            .lookup_entry_by_path(rel)
            .map_err(|_| ())?
            .map(|e| e.object_id());
        self.entries.insert(key, entry);
        Ok(entry)
    }

    fn blob(&self, id: ObjectId) -> Option<Vec<u8>> {
        let object = self.git.find_object(id).ok()?;
        (object.kind == gix::object::Kind::Blob).then(|| object.data.clone())
    }
}

/// How lines of `new` map into `old`: for each line of `new`, its line in `old` when the diff
/// leaves it unchanged.
fn unchanged(old: &[u8], new: &[u8], algorithm: gix::diff::blob::Algorithm) -> Vec<Option<u32>> {
    use gix::diff::blob::{Diff, InternedInput};
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(algorithm, &input);
    diff.postprocess_lines(&input);
    let mut map = vec![None; input.after.len()];
    let (mut o, mut n) = (0u32, 0u32);
    for hunk in diff.hunks() {
        while n < hunk.after.start {
            map[n as usize] = Some(o);
            n += 1;
            o += 1;
        }
        n = hunk.after.end;
        o = hunk.before.end;
    }
    while (n as usize) < map.len() {
        map[n as usize] = Some(o);
        n += 1;
        o += 1;
    }
    map
}

fn is_binary(data: &[u8]) -> bool {
    data.iter().take(8000).any(|b| *b == 0)
}

/// The rename source gix's tree diff finds for `path`, added in `commit` against `parent`:
/// `Ok(None)` when it is a plain addition.
fn rename_source(
    git: &gix::Repository,
    parent: ObjectId,
    commit: ObjectId,
    path: &BStr,
) -> Result<Option<BString>, ()> {
    let tree_of = |id: ObjectId| git.find_commit(id).ok().and_then(|c| c.tree().ok());
    let (old, new) = (tree_of(parent).ok_or(())?, tree_of(commit).ok_or(())?);
    let mut options = gix::diff::Options::default();
    options.track_path();
    let options = options.with_rewrites(Some(gix::diff::Rewrites::default()));
    let changes = git.diff_tree_to_tree(&old, &new, options).map_err(|_| ())?;
    use gix::object::tree::diff::ChangeDetached;
    for change in changes {
        match change {
            ChangeDetached::Rewrite {
                source_location,
                location,
                copy: false,
                ..
            } if location == path => return Ok(Some(source_location)),
            ChangeDetached::Addition { location, .. } if location == path => return Ok(None),
            _ => {}
        }
    }
    Err(())
}

/// Blame the 0-based `lines` of `path` at `base`: the commit each came from (lines gix would
/// leave unattributed are left out), or `None` when gix must do it.
pub(super) fn blame(
    git: &gix::Repository,
    walk: &Walk<'_>,
    base: ObjectId,
    path: &BStr,
    lines: &[u32],
    is_fix: &dyn Fn(ObjectId) -> bool,
) -> Option<Vec<(u32, ObjectId)>> {
    let algorithm = git.diff_algorithm().ok()?;
    let mut objects = Objects {
        git,
        commits: HashMap::new(),
        entries: HashMap::new(),
    };
    let start = walk.start(base, path);
    let mut todo: Vec<Line> = lines
        .iter()
        .map(|&l| Line {
            blamed: l,
            suspect: (start, l),
            path: path.to_owned(),
        })
        .collect();
    let mut out: Vec<(u32, ObjectId)> = Vec::new();
    let mut queue: BinaryHeap<(i64, ObjectId)> = BinaryHeap::new();
    queue.push((objects.commit(start)?.0, start));
    let mut blobs: HashMap<ObjectId, Vec<u8>> = HashMap::new();
    let mut load = |objects: &Objects<'_>, id: ObjectId| -> Option<Vec<u8>> {
        if let Some(b) = blobs.get(&id) {
            return Some(b.clone());
        }
        let data = objects.blob(id)?;
        if is_binary(&data) {
            return None;
        }
        blobs.insert(id, data.clone());
        Some(data)
    };

    while let Some((_, suspect)) = queue.pop() {
        if todo.is_empty() {
            break;
        }
        let mine: Vec<usize> = (0..todo.len())
            .filter(|&i| todo[i].suspect.0 == suspect)
            .collect();
        let Some(&first) = mine.first() else {
            continue;
        };
        let current = todo[first].path.clone();
        if mine.iter().any(|&i| todo[i].path != current) {
            return None;
        }
        let (_, parents, _) = objects.commit(suspect)?;
        if parents.is_empty() {
            // gix gives a root's lines to it only when nothing else is queued; a fix as a
            // root is left to gix itself.
            if is_fix(suspect) {
                return None;
            }
            take_all(&mut todo, &mut out, suspect);
            continue;
        }
        let Some(entry) = objects.entry(suspect, current.as_bstr()).ok()? else {
            // gix leaves these lines unattributed.
            continue;
        };
        let nexts: Vec<ObjectId> = parents
            .iter()
            .enumerate()
            .map(|(i, &p)| walk.next(suspect, i, p, current.as_bstr(), parents.len()))
            .collect();
        // A parent with the very same blob takes every line.
        let mut passed = false;
        for &next in &nexts {
            if objects.entry(next, current.as_bstr()).ok()? == Some(entry) {
                for &li in &mine {
                    todo[li].suspect.0 = next;
                }
                queue.push((objects.commit(next)?.0, next));
                passed = true;
                break;
            }
        }
        if passed {
            continue;
        }
        let merge = parents.len() > 1;
        let mut new_blob: Option<Vec<u8>> = None;
        for (i, &parent) in parents.iter().enumerate() {
            let next = nexts[i];
            queue.push((objects.commit(next)?.0, next));
            let (source, previous) = match objects.entry(parent, current.as_bstr()).ok()? {
                Some(previous) => (current.clone(), previous),
                None => {
                    if merge {
                        // gix's renames at merges name the whole hunk's source: not followed.
                        return None;
                    }
                    match rename_source(git, parent, suspect, current.as_bstr()).ok()? {
                        None => {
                            take_all(&mut todo, &mut out, suspect);
                            continue;
                        }
                        Some(source) => {
                            let previous = objects.entry(parent, source.as_bstr()).ok()??;
                            (source, previous)
                        }
                    }
                }
            };
            // The lines go to where the parent's blob of `source` next changes.
            let next = if source == current {
                next
            } else {
                let n = walk.next(suspect, i, parent, source.as_bstr(), parents.len());
                queue.push((objects.commit(n)?.0, n));
                n
            };
            if new_blob.is_none() {
                new_blob = Some(load(&objects, entry)?);
            }
            let old = load(&objects, previous)?;
            let map = unchanged(&old, new_blob.as_deref()?, algorithm);
            for &li in &mine {
                let line = &mut todo[li];
                // Lines an earlier parent took are no longer this commit's.
                let (who, at) = line.suspect;
                if who != suspect {
                    continue;
                }
                if let Some(Some(to)) = map.get(at as usize) {
                    line.suspect = (next, *to);
                    if source != current {
                        line.path = source.clone();
                    }
                }
            }
        }
        // Lines no parent took are this commit's; the others leave it.
        let mut k = 0;
        while k < todo.len() {
            let line = &mut todo[k];
            if line.suspect.0 == suspect {
                out.push((line.blamed, suspect));
                todo.swap_remove(k);
                continue;
            }
            k += 1;
        }
    }
    out.sort_unstable();
    Some(out)
}

/// Give `suspect` every line it is a suspect of.
fn take_all(todo: &mut Vec<Line>, out: &mut Vec<(u32, ObjectId)>, suspect: ObjectId) {
    todo.retain(|line| {
        if line.suspect.0 == suspect {
            out.push((line.blamed, suspect));
            false
        } else {
            true
        }
    });
}
