//! Edits of an old name made beside its rename, for the lineage (`lineage`). A branch that
//! forked before a rename `a -> b` and edited `a` is merged after it; git's merge carries
//! the edit into `b`, as `git blame` shows. Walking newest first, such an edit comes before
//! the rename, while `a` does not yet name the file: it is kept aside per old name and
//! handed to the file at the rename. A newer file made under the old name (born after the
//! fork, perhaps renamed again itself) must not take it: an edit is the file's only if the
//! file's birth of that name is an ancestor of it. Ancestry is asked only when a name was
//! born more than once, with generation numbers to prune.

use super::lineage::FastMap;
use super::{Change, ChangeKind, History};
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

/// Most edits kept aside whose ancestry is asked at a birth of their name; beyond, they are
/// taken for the newer file's (a name made anew and edited often), which bounds the cost.
const MOST_ASKED: usize = 32;

/// Edits to credit to a file (an index into `History::files`): commit indices.
pub(super) type Credit = (usize, Vec<usize>);

/// The edits kept aside during one lineage walk.
pub(super) struct Beside<'h> {
    /// Names some commit renamed away: only they can have edits beside a rename.
    renamed_from: FastMap<&'h BStr, ()>,
    /// The oldest birth (addition or rename to it) of each such name: an edit of the name
    /// descends from some birth of it, so when a claim is resolved at the oldest, nothing
    /// needs asking (the common case, and the costly question).
    oldest_birth: FastMap<&'h BStr, usize>,
    kept: FastMap<BString, Kept>,
    /// Edits a rename took, by old name, until the birth of that name in the renamed
    /// file's line says which are the file's.
    claims: FastMap<BString, Credit>,
    graph: Ancestry<'h>,
}

impl<'h> Beside<'h> {
    pub(super) fn new(history: &'h History) -> Self {
        let renamed_from: FastMap<&BStr, ()> = history
            .commits
            .iter()
            .flat_map(|c| c.changes.iter())
            .filter(|c| c.kind == ChangeKind::Renamed)
            .filter_map(|c| c.previous.as_ref().map(|p| (p.as_ref(), ())))
            .collect();
        let mut oldest_birth: FastMap<&BStr, usize> = FastMap::default();
        for (ci, commit) in history.commits.iter().enumerate() {
            for c in &commit.changes {
                if matches!(c.kind, ChangeKind::Added | ChangeKind::Renamed)
                    && renamed_from.contains_key(c.path.as_slice().as_bstr())
                {
                    oldest_birth.insert(c.path.as_slice().as_bstr(), ci);
                }
            }
        }
        Beside {
            renamed_from,
            oldest_birth,
            kept: FastMap::default(),
            claims: FastMap::default(),
            graph: Ancestry::new(history),
        }
    }

    /// `change` of commit `ci` to a name no file at the tip holds at this point of the walk.
    pub(super) fn unnamed(&mut self, ci: usize, change: &Change) {
        if self
            .renamed_from
            .contains_key(change.path.as_slice().as_bstr())
        {
            match change.kind {
                // A birth of the name: the edits kept that descend from it were that file's,
                // the others (a branch beside it) may still be an older file's of the name.
                // Which is which is asked only if a rename claims them; past a few dozen
                // edits they are all taken for the newer file's, unasked.
                ChangeKind::Added | ChangeKind::Renamed => {
                    if let Some(kept) = self.kept.get_mut(&change.path) {
                        if kept.edits.len() > MOST_ASKED {
                            self.kept.remove(&change.path);
                        } else {
                            kept.births.push(ci);
                        }
                    }
                }
                ChangeKind::Modified | ChangeKind::Deleted => {
                    self.kept
                        .entry(change.path.clone())
                        .or_default()
                        .edits
                        .push(ci);
                }
            }
        }
        // What was kept for the old name of a rename to a file not at the tip went into that
        // file, not into an older rename of the same name.
        if let (ChangeKind::Renamed, Some(previous)) = (change.kind, &change.previous) {
            self.kept.remove(previous);
        }
    }

    /// The birth of `name` at commit `ci` in a tip file's line (an addition, or a rename to
    /// it): the edits a rename of it took that descend from here, for the file that took
    /// them; the others are kept for an older file of the name.
    pub(super) fn born(&mut self, ci: usize, name: &BString) -> Option<Credit> {
        let (owner, edits) = self.claims.remove(name)?;
        let oldest = self.oldest_birth.get(name.as_slice().as_bstr()) == Some(&ci);
        let graph = &mut self.graph;
        let (mine, not): (Vec<usize>, Vec<usize>) = edits
            .into_iter()
            .partition(|&e| oldest || graph.is_ancestor(ci, e));
        if !not.is_empty() {
            let kept = self.kept.entry(name.clone()).or_default();
            kept.edits.extend(not);
            kept.births.clear();
        }
        Some((owner, mine))
    }

    /// Tip file `fi` was renamed from `previous` here: it claims what was kept for that
    /// name. An older claim on the same name (never resolved by a birth) is returned, to be
    /// credited as it stands.
    pub(super) fn renamed(&mut self, previous: &BString, fi: usize) -> Option<Credit> {
        let kept = self.kept.remove(previous)?;
        let edits = kept.unclaimed(&mut self.graph);
        if edits.is_empty() {
            return None;
        }
        self.claims.insert(previous.clone(), (fi, edits))
    }

    /// Claims whose name was never born in the walk (a shallow or path-limited history that
    /// stops before it) keep what they took.
    pub(super) fn finish(self) -> impl Iterator<Item = Credit> {
        self.claims.into_values()
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
