//! The time span recency is weighed over (`fragility::score`): from the oldest root commit
//! (or shallow boundary, which has no parents either) to the tip's commit time, or to its
//! first parent's when that is later. Not from the oldest to the newest commit time: one
//! commit with a wrong clock (2099, or 1971, which real histories hold) would squeeze every
//! other commit to one end of the weight curve, and a pull request committed on a machine
//! whose clock is behind would make every fix look new. A merge's other parents are the
//! branches it brought in, whose clocks may be the wrong ones. One rule, fed by the full
//! scan's commits (`History::recency_span`) and by the path-limited scan's own walk of the
//! whole history (`paths`).

use super::History;

/// What the span is made of, gathered commit by commit.
#[derive(Debug, Default)]
pub(super) struct SpanOf {
    tip: Option<i64>,
    tip_parent: Option<i64>,
    oldest_root: Option<i64>,
    oldest: Option<i64>,
}

impl SpanOf {
    /// A commit of the history, at `time`, with or without parents.
    pub(super) fn commit(&mut self, time: i64, root: bool) {
        self.oldest = Some(self.oldest.map_or(time, |o| o.min(time)));
        if root {
            self.oldest_root = Some(self.oldest_root.map_or(time, |o| o.min(time)));
        }
    }

    /// The tip's time (its commit is given to `commit` as well).
    pub(super) fn tip(&mut self, time: i64) {
        self.tip = Some(time);
    }

    /// The tip's first parent's time.
    pub(super) fn tip_parent(&mut self, time: i64) {
        self.tip_parent = Some(time);
    }

    /// Oldest and newest time of the span; `None` for an empty history.
    pub(super) fn finish(self) -> Option<(i64, i64)> {
        let hi = self.tip.or(self.oldest)?;
        let hi = self.tip_parent.map_or(hi, |p| p.max(hi));
        // At least a second long, ending at the tip: a history made within one second (a
        // new user's first try) is all new, not all old.
        let lo = self.oldest_root.or(self.oldest).unwrap_or(hi).min(hi - 1);
        Some((lo, hi))
    }
}

impl History {
    /// The span recency is weighed over: the whole history's, as the scan read it (a
    /// path-limited scan holds only some commits), or else from `commits`.
    pub fn recency_span(&self) -> Option<(i64, i64)> {
        if self.span.is_some() {
            return self.span;
        }
        let mut span = SpanOf::default();
        for c in &self.commits {
            span.commit(c.commit_time, c.parents.is_empty());
        }
        let time_of = |id: &gix::ObjectId| self.commits.iter().find(|c| c.id == *id);
        if let Some(tip) = self.tip.as_ref().and_then(time_of) {
            span.tip(tip.commit_time);
            if let Some(parent) = tip.parents.first().and_then(time_of) {
                span.tip_parent(parent.commit_time);
            }
        } else if let Some(first) = self.commits.first() {
            span.tip(first.commit_time);
        }
        span.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skewed_commit_in_between_does_not_stretch_the_span() {
        let mut span = SpanOf::default();
        span.commit(500, false);
        span.tip(500);
        span.commit(4_000_000_000, false);
        span.commit(10, false);
        span.commit(100, true);
        assert_eq!(span.finish(), Some((100, 500)));
    }

    #[test]
    fn a_history_made_within_one_second_ends_at_it() {
        let mut span = SpanOf::default();
        span.commit(70, false);
        span.tip(70);
        span.commit(70, true);
        assert_eq!(span.finish(), Some((69, 70)));
    }

    #[test]
    fn a_tip_behind_its_first_parent_ends_at_the_parent() {
        let mut span = SpanOf::default();
        span.commit(50, false);
        span.tip(50);
        span.commit(400, false);
        span.tip_parent(400);
        span.commit(100, true);
        assert_eq!(span.finish(), Some((100, 400)));
    }
}
