//! Recognising fix commits: a configurable, word-bounded pattern matched against the subject
//! line, minus reverts and cherry-picked copies, which repeat earlier evidence rather than add
//! new evidence. A merge is a fix only by a message someone wrote: the subjects git and
//! forges generate (`Merge branch 'fix-foo'`) name a branch whose fixes count on their own.

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
/// Merge subjects that tools generate, whole: git's fmt-merge-msg (`Merge branch 'a'`,
/// `Merge branches 'a' and 'b'`, `Merge remote-tracking branch 'o/a'`, `Merge tag 'v1'`,
/// `Merge commit 'x'`, any of them `of <url>` and `into <branch>`), a pull of a remote's HEAD
/// (`Merge git://host/repo`), GitHub (`Merge pull request #N from owner/branch`), GitLab
/// (`Merge branch 'a' into 'main'`) and Bitbucket (`Merged in a (pull request #N)`).
/// Anchored at both ends: `Merge branch 'topic': fix crash` is written by a person.
static GENERATED_MERGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let kind = r"(?:(?:branch|branches|remote-tracking branch|remote-tracking branches|remote branch|tag|tags|commit|commits) )?";
    let of = r"(?: of \S+)?";
    let names = format!(r"{kind}'[^']*'{of}(?:(?:, | and |; ){kind}'[^']*'{of})*");
    Regex::new(&format!(
        r"^(?:Merge (?:{names}|pull request #\d+ from \S+|\S*:\S*|[0-9a-f]{{7,64}})(?: into \S+)?|Merged in \S+ \(pull request #\d+\))\s*$"
    ))
    .ok()
});

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
        self.pattern.is_match(subject) || self.has_fix_trailer(message)
    }

    /// The same test for a merge commit, whose subject counts only when a person wrote it:
    /// a generated one (`is_generated_merge_subject`) names the merged branch, and the
    /// fixes on that branch are counted through their own commits. A `Fixes:` trailer
    /// counts either way.
    pub fn is_merge_fix(&self, message: &str) -> bool {
        if is_revert(message) || cherry_picked_from(message).is_some() {
            return false;
        }
        let subject = message.lines().next().unwrap_or("");
        // The pattern first: most merge subjects hold no fix word, and it is the cheaper test.
        (self.pattern.is_match(subject) && !is_generated_merge_subject(subject))
            || self.has_fix_trailer(message)
    }

    /// A `Fixes:` (or `Fixes #N`) line in the body that matches the pattern.
    fn has_fix_trailer(&self, message: &str) -> bool {
        let Some(trailer) = FIXES_TRAILER.as_ref() else {
            return false;
        };
        trailer
            .find_iter(message)
            .any(|m| m.start() > 0 && self.pattern.is_match(m.as_str()))
    }
}

/// A merge subject a tool wrote (git, GitHub, GitLab, Bitbucket), not a person.
pub fn is_generated_merge_subject(subject: &str) -> bool {
    GENERATED_MERGE
        .as_ref()
        .is_some_and(|r| r.is_match(subject.trim()))
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

/// The commit a revert names in its `This reverts commit <id>.` line (as git writes it,
/// near the head of the message), as the hex it gives (at least 7 digits).
pub fn reverted_commit(message: &str) -> Option<&str> {
    const MARK: &str = "This reverts commit ";
    let head = head(message, 1024);
    let at = head.find(MARK)? + MARK.len();
    let rest = &head[at..];
    let hex = &rest[..rest
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(rest.len())];
    (hex.len() >= 7).then_some(hex)
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
    fn generated_merge_subjects_are_not_fixes_but_written_ones_are() {
        let m = matcher();
        for msg in [
            "Merge branch 'fix/crash'",
            "Merge branch 'jc/fix bug' into maint",
            "Merge branches 'fix/a' and 'fix b'",
            "Merge branches 'a', 'fix-b' and 'c' of https://example.com/fix.git into next",
            "Merge remote-tracking branch 'origin/hotfix'",
            "Merge remote-tracking branch 'origin/main' into fix/crash",
            "Merge tag 'v1.2 fixes' of git://example.com/repo",
            "Merge commit 'abc123' into fix",
            "Merge branch 'fix'; tag 'v1' of ../fix",
            "Merge branch 'a' of git://x/fix; branch 'fix' of git://y",
            "Merge pull request #12 from ada/fix/panic",
            "Merge pull request #12 from ada/fix/panic\n\nFix panic on empty input",
            "Merge branch 'fix/crash' into 'main'",
            "Merged in bugfix/crash (pull request #7)",
            "Merge git://git.kernel.org/pub/scm/fix/gitk",
        ] {
            assert!(!m.is_merge_fix(msg), "{msg:?} should not be a fix");
            // The subject alone is what makes it no fix: the words are there.
            let subject = msg.lines().next().unwrap();
            assert!(m.is_fix(subject), "{subject:?} should hold a fix word");
        }
        for msg in [
            "Merge branch 'topic': fix crash in parser",
            "Merge fixes up to v1.2.3",
            "Merge branch 'topic'\n\nFixes: #12 crash in parser",
            "Fix crash while merging 'topic'",
        ] {
            assert!(m.is_merge_fix(msg), "{msg:?} should be a fix");
        }
        assert!(!m.is_merge_fix("Revert \"Merge branch 'topic': fix crash\""));
    }

    #[test]
    fn reverted_commit_is_read_from_gits_revert_line() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        let message = format!("Revert \"Remove x\"\n\nThis reverts commit {id}.\n");
        assert_eq!(reverted_commit(&message), Some(id));
        assert_eq!(
            reverted_commit("Revert \"x\"\n\nThis reverts commit abc."),
            None
        );
        assert_eq!(reverted_commit("Fix crash"), None);
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
