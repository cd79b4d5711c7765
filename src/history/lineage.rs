//! Rename lineage: which commits touched a file at the tip under any of its names, and what
//! those older names were. Walks newest first; a rename `a -> b` hands `b`'s identity to `a`
//! for older commits, an addition ends it (older changes to that path belong to an earlier,
//! deleted file of the same name; unless a revert made the addition, bringing back the file
//! a deletion removed), and so does a rename of that path to another name.

use super::beside::{Beside, Credit};
use super::{ChangeKind, History};
use gix::ObjectId;
use gix::bstr::{BStr, BString};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: paths are short and trusted enough (they come from the repository being
/// scanned), and SipHash was a tenth of a warm run on git.git.
#[derive(Default)]
pub(super) struct Fnv(u64);

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

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

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
    /// Edits of an old name made beside its rename are handed over by `beside`, and a file
    /// brought back by a revert goes on through the deletion it reverted (`Restores`).
    pub fn touches_by_file(&self) -> HashMap<BString, FileHistory> {
        // alias: path as named at this point of the walk -> index into `self.files`.
        let mut alias: FastMap<BString, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect();
        let mut beside = Beside::new(self);
        let mut restores = Restores::default();
        let mut touches: Vec<FileHistory> = vec![FileHistory::default(); self.files.len()];
        let mut unordered = Vec::new();
        let mut credit = |touches: &mut Vec<FileHistory>, (fi, edits): Credit| {
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
            // Read only for additions: most commits add nothing.
            let reverted = || super::fix::reverted_commit(&commit.message);
            for change in &commit.changes {
                if let Some(fi) = restores.resume(commit.id, change) {
                    alias.insert(change.path.clone(), fi);
                }
                let Some(&fi) = alias.get(&change.path) else {
                    beside.unnamed(ci, change);
                    continue;
                };
                if touches[fi].commits.last() != Some(&ci) {
                    touches[fi].commits.push(ci);
                }
                // The birth of this name in the file's line (an addition that is no revert's,
                // or a rename to it).
                let born = match change.kind {
                    ChangeKind::Renamed => true,
                    ChangeKind::Added => reverted().is_none(),
                    _ => false,
                };
                if born && let Some(found) = beside.born(ci, &change.path) {
                    credit(&mut touches, found);
                }
                match change.kind {
                    ChangeKind::Renamed => {
                        alias.remove(&change.path);
                        if let Some(previous) = &change.previous {
                            alias.insert(previous.clone(), fi);
                            if let Some(older) = beside.renamed(previous, fi) {
                                credit(&mut touches, older);
                            }
                            let names = &mut touches[fi].names;
                            if *previous != self.files[fi] && !names.contains(previous) {
                                names.push(previous.clone());
                            }
                        }
                    }
                    ChangeKind::Added => match reverted() {
                        Some(target) => restores.restored(&change.path, target),
                        None => {
                            alias.remove(&change.path);
                        }
                    },
                    ChangeKind::Deleted => match restores.deleted(commit.id, &change.path, fi) {
                        Deletion::Reverted => {}
                        Deletion::OfAnotherLife => {
                            if touches[fi].commits.last() == Some(&ci) {
                                touches[fi].commits.pop();
                            }
                            alias.remove(&change.path);
                        }
                        Deletion::Ends => {
                            alias.remove(&change.path);
                        }
                    },
                    ChangeKind::Modified => {}
                }
            }
        }
        for found in beside.finish() {
            credit(&mut touches, found);
        }
        for fi in unordered {
            let commits = &mut touches[fi].commits;
            commits.sort_unstable();
            commits.dedup();
        }
        self.files.iter().cloned().zip(touches).collect()
    }
}

/// Files a revert brought back: a revert that adds a file a deletion removed continues its
/// history through that deletion, as `git log -- PATH` lists both lives. Walking newest
/// first, the revert comes first; the deletion it names (`This reverts commit <id>`) may
/// come after a later life of the name (added and deleted again in between), which is
/// walked past while the file waits.
#[derive(Default)]
struct Restores {
    /// Name -> the commit (hex, as the revert gives it) whose deletion brought it back.
    restored: FastMap<BString, String>,
    /// Name -> the file waiting for that deletion, past another life of the name.
    waiting: FastMap<BString, (usize, String)>,
}

impl Restores {
    /// A revert of `target` added `name` back.
    fn restored(&mut self, name: &BString, target: &str) {
        self.restored.insert(name.clone(), target.to_string());
    }

    /// The file whose history goes on at `change`: the deletion a waiting file was
    /// restored from.
    fn resume(&mut self, commit: ObjectId, change: &super::Change) -> Option<usize> {
        if change.kind != ChangeKind::Deleted {
            return None;
        }
        let (_, target) = self.waiting.get(&change.path)?;
        if !commit.to_string().starts_with(target.as_str()) {
            return None;
        }
        let (fi, target) = self.waiting.remove(&change.path)?;
        self.restored.insert(change.path.clone(), target);
        Some(fi)
    }

    /// `commit` deleted `name` of file `fi`: the deletion a revert brought it back from
    /// (the file goes on), another life's deletion of a restored name (the file waits for
    /// its own), or the end of the file.
    fn deleted(&mut self, commit: ObjectId, name: &BString, fi: usize) -> Deletion {
        let Some(target) = self.restored.remove(name) else {
            return Deletion::Ends;
        };
        if commit.to_string().starts_with(target.as_str()) {
            return Deletion::Reverted;
        }
        self.waiting.insert(name.clone(), (fi, target));
        Deletion::OfAnotherLife
    }
}

/// What a deletion of a file's name means for its history (`Restores::deleted`).
enum Deletion {
    Reverted,
    OfAnotherLife,
    Ends,
}
