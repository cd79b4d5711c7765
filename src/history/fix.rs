//! Recognising fix commits: a configurable, word-bounded pattern matched against the subject
//! line, minus reverts and cherry-picked copies, which repeat earlier evidence rather than add
//! new evidence.

use super::HistoryError;
use regex::Regex;

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
        message.lines().skip(1).any(|line| {
            let line = line.trim_start();
            (line.starts_with("Fixes:") || line.starts_with("Fixes #"))
                && self.pattern.is_match(line)
        })
    }
}

/// `Revert "..."` subjects (and reverts of reverts) and `This reverts commit X.` bodies.
pub fn is_revert(message: &str) -> bool {
    let subject = message.lines().next().unwrap_or("").trim_start();
    subject.starts_with("Revert \"")
        || subject.starts_with("Reapply \"")
        || message.contains("This reverts commit ")
}

/// The source id of a `git cherry-pick -x` copy: `(cherry picked from commit X)`.
pub fn cherry_picked_from(message: &str) -> Option<&str> {
    const TRAILER: &str = "(cherry picked from commit ";
    let start = message.rfind(TRAILER)? + TRAILER.len();
    let rest = &message[start..];
    let end = rest.find(')')?;
    let id = rest[..end].trim();
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
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
