//! Rename lineage: which commits touched a file at the tip under any of its names, and what
//! those older names were. Walks newest first; a rename `a -> b` hands `b`'s identity to `a`
//! for older commits, an addition ends it (older changes to that path belong to an earlier,
//! deleted file of the same name).

use super::{ChangeKind, History};
use gix::bstr::{BStr, BString};
use std::collections::HashMap;

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
            for change in &commit.changes {
                if change.path != current {
                    continue;
                }
                match (change.kind, &change.previous) {
                    (ChangeKind::Renamed, Some(previous)) => {
                        current = previous.clone();
                        if !names.contains(&current)
                            && current.as_slice() != path.as_ref() as &[u8]
                        {
                            names.push(current.clone());
                        }
                    }
                    (ChangeKind::Added, _) => return names,
                    _ => {}
                }
            }
        }
        names
    }

    /// For each file at the tip, the indices (into `commits`) of the commits that touched it
    /// under this or an older name, newest first. Files that are not at the tip are left out.
    pub fn touches_by_file(&self) -> HashMap<BString, FileHistory> {
        // alias: path as named at this point of the walk -> index into `self.files`.
        let mut alias: HashMap<BString, usize> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect();
        let mut touches: Vec<FileHistory> = vec![FileHistory::default(); self.files.len()];
        for (ci, commit) in self.commits.iter().enumerate() {
            for change in &commit.changes {
                let Some(&fi) = alias.get(&change.path) else {
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
                            let names = &mut touches[fi].names;
                            if *previous != self.files[fi] && !names.contains(previous) {
                                names.push(previous.clone());
                            }
                        }
                    }
                    ChangeKind::Added | ChangeKind::Deleted => {
                        alias.remove(&change.path);
                    }
                    ChangeKind::Modified => {}
                }
            }
        }
        self.files.iter().cloned().zip(touches).collect()
    }
}
