//! The order of a history's commits: children before their parents (what lineage and
//! copy detection walk by), newest commit time first where the graph leaves a choice; and
//! which commits are reachable from a tip at all (a cache holds other tips' too).
//!
//! Commit times alone are not an order: commits made in the same second, or with a skewed
//! clock, would put a file's birth before an edit of it, and lineage would end the file
//! there. Each `git log` prints a child before its parents; the union of two path-limited
//! walks, or of their rename walks, needs the same guarantee across the lists.

use super::{Commit, PathGraph, RawCommit};
use gix::ObjectId;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Sort `commits` so that every commit comes before its parents, taking parent links from
/// the commits themselves and from `graphs` (the rewritten parents of path-limited walks,
/// which link commits whose real parents were not listed). Among commits free to go next,
/// the newest commit time goes first, then the earlier position in the input. Stable for
/// input already in that order; a cycle (impossible in git) leaves the rest in time order.
pub(super) fn topological<C: Linked>(commits: Vec<C>, graphs: &[PathGraph]) -> Vec<C> {
    let n = commits.len();
    let mut index: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    index.reserve(n);
    for (i, c) in commits.iter().enumerate() {
        index.insert(c.id(), i);
    }
    // Edges child -> parent, within the list.
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut children = vec![0usize; n];
    let mut link = |child: usize, parent: &ObjectId| {
        if let Some(&p) = index.get(parent)
            && p != child
            && !parents[child].contains(&p)
        {
            parents[child].push(p);
            children[p] += 1;
        }
    };
    for (i, c) in commits.iter().enumerate() {
        for p in c.parents() {
            link(i, p);
        }
    }
    for graph in graphs {
        for (child, rewritten) in &graph.parents {
            if let Some(&i) = index.get(child) {
                for p in rewritten {
                    link(i, p);
                }
            }
        }
    }
    let key = |i: usize| (commits[i].commit_time(), Reverse(i));
    let mut ready: BinaryHeap<(i64, Reverse<usize>)> =
        (0..n).filter(|&i| children[i] == 0).map(key).collect();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while order.len() < n {
        let Some((_, Reverse(i))) = ready.pop() else {
            // A cycle: place the newest remaining commit and go on.
            let Some(i) = (0..n).filter(|&i| !placed[i]).max_by_key(|&i| key(i)) else {
                break;
            };
            children[i] = 0;
            ready.push(key(i));
            continue;
        };
        if placed[i] {
            continue;
        }
        placed[i] = true;
        order.push(i);
        for &p in &parents[i] {
            children[p] = children[p].saturating_sub(1);
            if children[p] == 0 && !placed[p] {
                ready.push(key(p));
            }
        }
    }
    let mut slots: Vec<Option<C>> = commits.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Keep the commits reachable from `start`, in their current order; `None` when an ancestor
/// is missing (a damaged or foreign cache: shallow boundaries have no parents listed).
pub(super) fn reachable<C: Linked>(commits: Vec<C>, start: ObjectId) -> Option<Vec<C>> {
    let mut index: gix::hashtable::HashMap<ObjectId, usize> = Default::default();
    index.reserve(commits.len());
    for (i, c) in commits.iter().enumerate() {
        index.insert(c.id(), i);
    }
    let mut keep = vec![false; commits.len()];
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        let &i = index.get(&id)?;
        if keep[i] {
            continue;
        }
        keep[i] = true;
        stack.extend(commits[i].parents().iter().copied());
    }
    let mut commits = commits;
    let mut flags = keep.into_iter();
    commits.retain(|_| flags.next().unwrap_or(false));
    Some(commits)
}

/// A commit as `reachable` walks it: raw from git or the cache, or classified.
pub(super) trait Linked {
    fn id(&self) -> ObjectId;
    fn parents(&self) -> &[ObjectId];
    fn commit_time(&self) -> i64;
}

impl Linked for RawCommit {
    fn id(&self) -> ObjectId {
        self.id
    }
    fn parents(&self) -> &[ObjectId] {
        &self.parents
    }
    fn commit_time(&self) -> i64 {
        self.commit_time
    }
}

impl Linked for Commit {
    fn id(&self) -> ObjectId {
        self.id
    }
    fn parents(&self) -> &[ObjectId] {
        &self.parents
    }
    fn commit_time(&self) -> i64 {
        self.commit_time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(n: u8, parents: &[u8], time: i64) -> RawCommit {
        let id = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        RawCommit {
            id: id(n),
            parents: parents.iter().map(|p| id(*p)).collect(),
            author_time: time,
            commit_time: time,
            author: String::new(),
            message: String::new(),
            changes: Vec::new(),
            boundary: false,
        }
    }

    fn ids(commits: &[RawCommit]) -> Vec<u8> {
        commits.iter().map(|c| c.id.as_bytes()[0]).collect()
    }

    #[test]
    fn children_precede_parents_whatever_their_times() {
        // 3 -> 2 -> 1, with 2 and 1 in the same second and 3 older than both (skewed clock).
        let list = vec![commit(1, &[], 10), commit(3, &[2], 5), commit(2, &[1], 10)];
        assert_eq!(ids(&topological(list, &[])), vec![3, 2, 1]);
    }

    #[test]
    fn newest_first_where_the_graph_leaves_a_choice_and_input_order_on_ties() {
        let list = vec![
            commit(1, &[], 1),
            commit(2, &[], 3),
            commit(3, &[], 3),
            commit(4, &[], 2),
        ];
        assert_eq!(ids(&topological(list, &[])), vec![2, 3, 4, 1]);
    }

    #[test]
    fn rewritten_parents_of_a_path_graph_order_unlinked_commits() {
        // 2's real parent is not listed; the walk rewrote it to 1.
        let list = vec![commit(1, &[], 7), commit(2, &[9], 7)];
        let mut graph = PathGraph::default();
        graph.parents.insert(
            ObjectId::from_bytes_or_panic(&[2; 20]),
            vec![ObjectId::from_bytes_or_panic(&[1; 20])],
        );
        assert_eq!(ids(&topological(list.clone(), &[])), vec![1, 2]);
        assert_eq!(ids(&topological(list, &[graph])), vec![2, 1]);
    }
}
