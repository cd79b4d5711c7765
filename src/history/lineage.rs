//! Rename lineage: which commits touched a file at the tip under any of its names, and what
//! those older names were. Walks newest first; a rename `a -> b` hands `b`'s identity to `a`
//! for older commits, an addition ends it (older changes to that path belong to an earlier,
//! deleted file of the same name; unless a revert made the addition, bringing back the file
//! a deletion removed), and so does a rename of that path to another name.

use super::{ChangeKind, History};
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
        let mut beside: FastMap<BString, Vec<usize>> = FastMap::default();
        // Names a revert brought back, and the commit it reverted, until that deletion is
        // reached; a name deleted on the way by another commit had a later life in between
        // (walked past, its file waiting in `suspended`).
        let mut restored: FastMap<BString, String> = FastMap::default();
        let mut suspended: FastMap<BString, (usize, String)> = FastMap::default();
        let mut touches: Vec<FileHistory> = vec![FileHistory::default(); self.files.len()];
        let mut unordered = Vec::new();
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
                            ChangeKind::Added | ChangeKind::Renamed => {
                                beside.remove(&change.path);
                            }
                            ChangeKind::Modified | ChangeKind::Deleted => {
                                beside.entry(change.path.clone()).or_default().push(ci);
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
                match change.kind {
                    ChangeKind::Renamed => {
                        alias.remove(&change.path);
                        if let Some(previous) = &change.previous {
                            alias.insert(previous.clone(), fi);
                            if let Some(edits) = beside.remove(previous) {
                                touches[fi].commits.extend(edits);
                                unordered.push(fi);
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
        for fi in unordered {
            let commits = &mut touches[fi].commits;
            commits.sort_unstable();
            commits.dedup();
        }
        self.files.iter().cloned().zip(touches).collect()
    }
}
