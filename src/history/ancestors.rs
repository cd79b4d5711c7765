//! A scanned history cut down to an older commit's ancestry, for callers that need the history
//! as of two commits (`report` ranks files at the end and at the start of a period): the
//! second history is derived from the first instead of reading and walking the cache again.
//!
//! The result must equal what `scan` returns from that commit; tests/report.rs compares the
//! two. Three things depend on the set of commits rather than on each commit alone, so they
//! are decided again here: which commits are reachable, whether a cherry-picked copy's source
//! is among them (a copy counts as a fix only when its source is not), and which of two
//! copies of a fix keeps the credit. The files that can rank are those of the older tip.

use super::{FixMatcher, History, HistoryError};
use crate::repo::Repo;
use gix::ObjectId;

impl History {
    /// The history `scan` would return from `start`, derived from this one without reading
    /// git again. `self` must come from a full scan (not path-limited) of a descendant of
    /// `start`, with the same `fix_pattern`. The commits keep their order (newest first).
    ///
    /// `Ok(None)` when `start` or one of its ancestors is missing here (a path-limited or
    /// unrelated history): the caller scans from `start` instead.
    pub fn into_ancestors(
        self,
        repo: &Repo,
        start: ObjectId,
        fix_pattern: &str,
    ) -> Result<Option<History>, HistoryError> {
        let matcher = FixMatcher::new(fix_pattern)?;
        let mut history = self;
        // Shallow-boundary commits have no parents listed: the walk stops there, as in `scan`.
        let Some(commits) = super::order::reachable(std::mem::take(&mut history.commits), start)
        else {
            return Ok(None);
        };
        // Ordered as `scan` orders: a commit that is not an ancestor can no longer hold one
        // of these back.
        history.commits = super::order::topological(commits, &[]);
        let ids: gix::hashtable::HashSet<ObjectId> = history.commits.iter().map(|c| c.id).collect();
        for c in &mut history.commits {
            // The same decision as `scan` makes, over this smaller set of commits.
            c.is_fix = super::decide_fix(&matcher, &c.parents, &c.message, &ids);
        }
        history.commits = super::drop_copied_fixes(std::mem::take(&mut history.commits));
        super::copies::drop_reworded_copies(repo, &mut history.commits);
        history.files = super::tip_files(repo, start)?;
        history.tip = Some(start);
        history.span = None;
        Ok(Some(history))
    }
}
