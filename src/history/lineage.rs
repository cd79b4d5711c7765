//! Rename lineage: which commits touched a file at the tip under any of its names, and what
//! those older names were. Walks newest first; a rename `a -> b` hands `b`'s identity to `a`
//! for older commits, an addition ends it (older changes to that path belong to an earlier,
//! deleted file of the same name; unless a revert made the addition, bringing back the file
//! a deletion removed), and so does a rename of that path to another name.

use super::{ChangeKind, History};
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: paths are short and trusted enough (they come from the repository being
/// scanned), and SipHash was a tenth of a warm run on git.git.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Whether `commit` renamed `name` to another path without making a new file of that name.
fn moved_away(commit: &super::Commit, name: &BStr) -> bool {
    commit
        .changes
        .iter()
        .any(|c| c.kind == ChangeKind::Renamed && c.previous.as_ref().is_some_and(|p| p == name))
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Most edits kept aside whose ancestry is asked at a birth of their name; beyond, they are
/// taken for the newer file's (a name made anew and edited often), which bounds the cost.
const MOST_ASKED: usize = 32;

/// A file at the tip and its past.
#[derive(Debug, Clone, Default)]
pub struct FileHistory {
    /// Indices into `History::commits` of the commits that touched it, newest first.
    pub commits: Vec<usize>,
    /// Its older names (renames followed), newest first.
    pub names: Vec<BString>,
}

impl History {
    /// Every older name of `path` (a file at the tip), newest first, following renames.
    pub fn former_names(&self, path: &BStr) -> Vec<BString> {
        let mut current = BString::from(path);
        let mut names = Vec::new();
        for commit in &self.commits {
            let Some(change) = commit.changes.iter().find(|c| c.path == current) else {
                // Renamed away here: the older file of this name is the one it became (it was
                // made again by a merge, whose changes are not listed).
                if moved_away(commit, current.as_ref()) {
                    return names;
                }
                continue;
            };
            match (change.kind, &change.previous) {
                (ChangeKind::Renamed, Some(previous)) => {
                    current = previous.clone();
                    if !names.contains(&current) && current.as_slice() != path.as_ref() as &[u8] {
                        names.push(current.clone());
                    }
                }
                // A revert that brings back a deleted file continues its history.
                (ChangeKind::Added, _)
                    if super::fix::reverted_commit(&commit.message).is_none() =>
                {
                    return names;
                }
                _ => {}
            }
        }
        names
    }

    /// For each file at the tip, the indices (into `commits`) of the commits that touched it
    /// under this or an older name, newest first. Files that are not at the tip are left out.
    ///
    /// An edit of an old name made beside its rename (on a branch that forked before the
    /// rename and was merged after it) comes before the rename in the walk, while the old name
    /// does not yet name the file; git's merge carried that edit into the renamed file, as
    /// `git blame` shows. Such edits are kept aside per old name (`beside`) and handed to the
    /// file when the rename is reached; a birth of the old name (an addition, or a rename to
    /// it) newer than the rename starts a different file and drops what was kept.
    pub fn touches_by_file(&self) -> HashMap<BString, FileHistory> {
        // alias: path as named at this point of the walk -> index into `self.files`.
        let mut alias: FastMap<BString, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect();
        // Only names some commit renamed away can have edits beside a rename.
        let renamed_from: FastMap<&BStr, ()> = self
            .commits
            .iter()
            .flat_map(|c| c.changes.iter())
            .filter(|c| c.kind == ChangeKind::Renamed)
            .filter_map(|c| c.previous.as_ref().map(|p| (p.as_ref(), ())))
            .collect();
        // The oldest birth (addition or rename to it) of each such name: an edit of the name
        // descends from some birth of it, so when the one a claim is resolved at is the
        // oldest, nothing needs asking (the common case, and the costly question).
        let mut oldest_birth: FastMap<&BStr, usize> = FastMap::default();
        for (ci, commit) in self.commits.iter().enumerate() {
            for c in &commit.changes {
                if matches!(c.kind, ChangeKind::Added | ChangeKind::Renamed)
                    && renamed_from.contains_key(c.path.as_slice().as_bstr())
                {
                    oldest_birth.insert(c.path.as_slice().as_bstr(), ci);
                }
            }
        }
        let mut beside: FastMap<BString, Kept> = FastMap::default();
        // Names a revert brought back, and the commit it reverted, until that deletion is
        // reached; a name deleted on the way by another commit had a later life in between
        // (walked past, its file waiting in `suspended`).
        let mut restored: FastMap<BString, String> = FastMap::default();
        let mut suspended: FastMap<BString, (usize, String)> = FastMap::default();
        // Edits kept aside that a rename took, by old name: they are its file's only if the
        // birth of that name in the file's line (reached later in the walk) is an ancestor of
        // them; a newer file made under the old name and renamed again must not take the
        // older file's edits.
        let mut claims: FastMap<BString, (usize, Vec<usize>)> = FastMap::default();
        let mut graph = Ancestry::new(self);
        let mut touches: Vec<FileHistory> = vec![FileHistory::default(); self.files.len()];
        let mut unordered = Vec::new();
        let mut credit = |touches: &mut Vec<FileHistory>, fi: usize, edits: Vec<usize>| {
            if !edits.is_empty() {
                touches[fi].commits.extend(edits);
                unordered.push(fi);
            }
        };
        for (ci, commit) in self.commits.iter().enumerate() {
            // A name renamed away here no longer names its file for older commits: they belong
            // to the file it became (which a merge, whose changes are not listed, replaced at
            // the old name). A path-limited scan that does not cover the new name sees the same
            // rename as a deletion, which ends the name too.
            for change in &commit.changes {
                if let (ChangeKind::Renamed, Some(previous)) = (change.kind, &change.previous)
                    && *previous != change.path
                    && !commit.changes.iter().any(|c| c.path == *previous)
                {
                    alias.remove(previous);
                }
            }
            // Only a pending revert needs the commit's id in hex.
            let id = if restored.is_empty() && suspended.is_empty() {
                String::new()
            } else {
                commit.id.to_string()
            };
            for change in &commit.changes {
                if change.kind == ChangeKind::Deleted
                    && let Some((fi, target)) = suspended.get(&change.path)
                    && id.starts_with(target.as_str())
                {
                    // The deletion the revert undid: the file's first life goes on from here.
                    let fi = *fi;
                    if let Some((_, target)) = suspended.remove(&change.path) {
                        restored.insert(change.path.clone(), target);
                    }
                    alias.insert(change.path.clone(), fi);
                }
                let Some(&fi) = alias.get(&change.path) else {
                    if renamed_from.contains_key(change.path.as_slice().as_bstr()) {
                        match change.kind {
                            // A birth of a name that no tip file holds here: the edits kept
                            // that descend from it were that file's, the others (a branch
                            // beside it) may still be an older file's of the name. Which is
                            // which is asked only if a rename claims them; past a few dozen
                            // edits they are all taken for the newer file's, unasked.
                            ChangeKind::Added | ChangeKind::Renamed => {
                                if let Some(kept) = beside.get_mut(&change.path) {
                                    if kept.edits.len() > MOST_ASKED {
                                        beside.remove(&change.path);
                                    } else {
                                        kept.births.push(ci);
                                    }
                                }
                            }
                            ChangeKind::Modified | ChangeKind::Deleted => {
                                beside
                                    .entry(change.path.clone())
                                    .or_default()
                                    .edits
                                    .push(ci);
                            }
                        }
                    }
                    // What was kept for the old name of a rename to a file not at the tip
                    // went into that file, not into an older rename of the same name.
                    if let (ChangeKind::Renamed, Some(previous)) = (change.kind, &change.previous) {
                        beside.remove(previous);
                    }
                    continue;
                };
                if touches[fi].commits.last() != Some(&ci) {
                    touches[fi].commits.push(ci);
                }
                // The birth of this name in the file's line (an addition, or a rename to it):
                // edits a rename of it took are the file's if they descend from here.
                let born = match change.kind {
                    ChangeKind::Renamed => true,
                    ChangeKind::Added => super::fix::reverted_commit(&commit.message).is_none(),
                    _ => false,
                };
                if born && let Some((owner, edits)) = claims.remove(&change.path) {
                    let oldest = oldest_birth.get(change.path.as_slice().as_bstr()) == Some(&ci);
                    let (mine, not): (Vec<usize>, Vec<usize>) = edits
                        .into_iter()
                        .partition(|&e| oldest || graph.is_ancestor(ci, e));
                    credit(&mut touches, owner, mine);
                    if !not.is_empty() {
                        let kept = beside.entry(change.path.clone()).or_default();
                        kept.edits.extend(not);
                        kept.births.clear();
                    }
                }
                match change.kind {
                    ChangeKind::Renamed => {
                        alias.remove(&change.path);
                        if let Some(previous) = &change.previous {
                            alias.insert(previous.clone(), fi);
                            if let Some(kept) = beside.remove(previous)
                                && let edits = kept.unclaimed(&mut graph)
                                && !edits.is_empty()
                                && let Some((other, older)) =
                                    claims.insert(previous.clone(), (fi, edits))
                            {
                                credit(&mut touches, other, older);
                            }
                            let names = &mut touches[fi].names;
                            if *previous != self.files[fi] && !names.contains(previous) {
                                names.push(previous.clone());
                            }
                        }
                    }
                    // A revert that brings back a deleted file (the deletion reverted)
                    // continues its history through that deletion, as `git log -- PATH`
                    // lists both lives.
                    ChangeKind::Added => match super::fix::reverted_commit(&commit.message) {
                        Some(target) => {
                            restored.insert(change.path.clone(), target.to_string());
                        }
                        None => {
                            alias.remove(&change.path);
                        }
                    },
                    ChangeKind::Deleted if restored.contains_key(&change.path) => {
                        if let Some(target) = restored.remove(&change.path)
                            && !id.starts_with(target.as_str())
                        {
                            // Another life's deletion, not this file's.
                            if touches[fi].commits.last() == Some(&ci) {
                                touches[fi].commits.pop();
                            }
                            alias.remove(&change.path);
                            suspended.insert(change.path.clone(), (fi, target));
                        }
                    }
                    ChangeKind::Deleted => {
                        alias.remove(&change.path);
                    }
                    ChangeKind::Modified => {}
                }
            }
        }
        // A claim whose name was never born in the walk (a shallow or path-limited history
        // that stops before it) keeps what it took.
        for (_, (owner, edits)) in claims {
            credit(&mut touches, owner, edits);
        }
        for fi in unordered {
            let commits = &mut touches[fi].commits;
            commits.sort_unstable();
            commits.dedup();
        }
        self.files.iter().cloned().zip(touches).collect()
    }
}

/// Edits of a name kept aside while the walk has not reached a rename of it, and the births
/// of that name (newer files of it) passed since.
#[derive(Default)]
struct Kept {
    edits: Vec<usize>,
    births: Vec<usize>,
}

impl Kept {
    /// The edits no passed birth is an ancestor of: those of an older file of the name.
    fn unclaimed(self, graph: &mut Ancestry<'_>) -> Vec<usize> {
        let Kept { edits, births } = self;
        edits
            .into_iter()
            .filter(|&e| !births.iter().any(|&b| graph.is_ancestor(b, e)))
            .collect()
    }
}

/// Ancestry between commits of a history, for the few questions `touches_by_file` asks:
/// built on first use from the commits' parents and, for a path-limited scan (where most
/// parents are not listed), the parents each walk rewrote to listed commits. Generation
/// numbers (one more than the highest parent's) prune the search: a commit of a generation
/// no higher than the ancestor's cannot reach it.
struct Ancestry<'h> {
    history: &'h History,
    built: Option<(FastMap<ObjectId, usize>, Vec<u32>)>,
}

impl<'h> Ancestry<'h> {
    fn new(history: &'h History) -> Self {
        Ancestry {
            history,
            built: None,
        }
    }

    /// The listed parents of commit `i`, real and rewritten, as indices.
    fn parents<'a>(
        history: &'a History,
        index: &'a FastMap<ObjectId, usize>,
        i: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let commit = &history.commits[i];
        let rewritten = history
            .graphs
            .iter()
            .filter_map(move |g| g.parents.get(&commit.id))
            .flatten();
        // Real parents reversed and last, so that a stack pops the first parent first: a
        // birth far back is usually on the first-parent line.
        rewritten
            .chain(commit.parents.iter().rev())
            .filter_map(|p| index.get(p).copied())
    }

    /// Whether commit `ancestor` (an index into `commits`) is an ancestor of `of`. Commits
    /// are in topological order, newest first, so the search never goes past `ancestor`.
    fn is_ancestor(&mut self, ancestor: usize, of: usize) -> bool {
        let history = self.history;
        let (index, generation) = self.built.get_or_insert_with(|| {
            let index: FastMap<ObjectId, usize> = history
                .commits
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id, i))
                .collect();
            let mut generation = vec![0u32; history.commits.len()];
            for i in (0..history.commits.len()).rev() {
                generation[i] = Self::parents(history, &index, i)
                    .filter(|&p| p > i)
                    .map(|p| generation[p])
                    .max()
                    .map_or(1, |g| g.saturating_add(1));
            }
            (index, generation)
        });
        if ancestor <= of || generation[of] <= generation[ancestor] {
            return ancestor == of;
        }
        let floor = generation[ancestor];
        let mut seen = vec![false; ancestor - of + 1];
        let mut stack = vec![of];
        while let Some(i) = stack.pop() {
            if i == ancestor {
                return true;
            }
            if i > ancestor
                || i < of
                || generation[i] <= floor
                || std::mem::replace(&mut seen[i - of], true)
            {
                continue;
            }
            stack.extend(Self::parents(history, index, i));
        }
        false
    }
}
