//! Recognising fix commits: a configurable, word-bounded pattern matched against the subject
//! line, minus reverts and cherry-picked copies, which repeat earlier evidence rather than add
//! new evidence.

use super::HistoryError;
use regex::Regex;
use std::sync::LazyLock;

/// Fixed patterns for markers git itself writes. The regex engine finds their literal part
/// with a vectorised substring search, several times faster than `str::contains` over the
/// messages of a large history. `None` only if a pattern below failed to compile.
static FIXES_TRAILER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*Fixes(?::| #)[^\n]*").ok());
static REVERTS: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"This reverts commit ").ok());
static CHERRY_PICK: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\(cherry picked from commit ([0-9a-fA-F]+)\)").ok());

/// Decides whether a commit message describes a fix.
#[derive(Debug, Clone)]
pub struct FixMatcher {
    pattern: Regex,
}

impl FixMatcher {
    /// Compile the pattern from `config.fix_pattern`.
    pub fn new(pattern: &str) -> Result<FixMatcher, HistoryError> {
        let pattern = Regex::new(pattern).map_err(|e| HistoryError::FixPattern {
            pattern: pattern.to_string(),
            message: e.to_string(),
        })?;
        Ok(FixMatcher { pattern })
    }

    /// The message's subject matches the pattern, and the commit is not a revert or a copy.
    ///
    /// Only the subject is matched: bodies often mention fixes in passing ("before this,
    /// X would crash"), which would make nearly every commit of a well-described history a
    /// fix. `Fixes:`/`Closes` trailers in the body are the exception, since they declare it.
    pub fn is_fix(&self, message: &str) -> bool {
        if is_revert(message) || cherry_picked_from(message).is_some() {
            return false;
        }
        let subject = message.lines().next().unwrap_or("");
        if self.pattern.is_match(subject) {
            return true;
        }
        let Some(trailer) = FIXES_TRAILER.as_ref() else {
            return false;
        };
        trailer
            .find_iter(message)
            .any(|m| m.start() > 0 && self.pattern.is_match(m.as_str()))
    }
}

/// `Revert "..."` subjects (and reverts of reverts) and `This reverts commit X.` bodies.
pub fn is_revert(message: &str) -> bool {
    let subject = message.lines().next().unwrap_or("").trim_start();
    // git writes the "This reverts" line right after the subject; looking only at the head of
    // the message keeps this cheap on histories with long bodies.
    subject.starts_with("Revert \"")
        || subject.starts_with("Reapply \"")
        || REVERTS
            .as_ref()
            .is_some_and(|r| r.is_match(head(message, 1024)))
}

/// At most `n` bytes from the start, cut at a character boundary.
fn head(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// At most `n` bytes from the end, cut at a character boundary.
fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// The source id of a `git cherry-pick -x` copy: `(cherry picked from commit X)`.
pub fn cherry_picked_from(message: &str) -> Option<&str> {
    // `-x` appends the line at the end (before any later trailers).
    let end_part = tail(message, 1024);
    let caps = CHERRY_PICK.as_ref()?.captures_iter(end_part).last()?;
    caps.get(1).map(|m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_FIX_PATTERN;

    fn matcher() -> FixMatcher {
        FixMatcher::new(DEFAULT_FIX_PATTERN).unwrap()
    }

    #[test]
    fn non_fix_words_are_not_fixes() {
        let m = matcher();
        for msg in [
            "Add prefix handling",
            "Update fixtures",
            "debug output for parser",
            "Add fix_utils.rs",
            "Rename prefixes",
        ] {
            assert!(!m.is_fix(msg), "{msg} should not be a fix");
        }
    }

    #[test]
    fn fix_words_are_fixes() {
        let m = matcher();
        for msg in [
            "Fix crash",
            "fixes #12",
            "Bugfix: overflow",
            "rt: fix panic on drop",
        ] {
            assert!(m.is_fix(msg), "{msg} should be a fix");
        }
    }

    #[test]
    fn reverts_and_copies_are_not_new_fixes() {
        let m = matcher();
        assert!(!m.is_fix("Revert \"Fix crash\"\n\nThis reverts commit abc123."));
        assert!(!m.is_fix("Revert \"Revert \"Fix crash\"\""));
        assert!(!m.is_fix("Fix crash\n\n(cherry picked from commit 0123abcd)"));
        assert_eq!(
            cherry_picked_from("Fix\n\n(cherry picked from commit 0123abcd)\n"),
            Some("0123abcd")
        );
    }
}
