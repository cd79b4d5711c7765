//! Ticket references in commit messages: `#123`, `(#1234)`, `GH-12`, `owner/repo#5` and Jira-style
//! `PROJ-123`. `import commits` groups fix commits by the ticket they name, so a false ticket
//! (`UTF-8`, `ISO-8601`, `sha256-1`, `C#`, a `#` inside code) would glue unrelated fixes into one
//! note; the rules below err on the side of not seeing a ticket.

use regex::Regex;
use std::sync::LazyLock;

/// A ticket named by a commit message, normalised: `#123` (also for `GH-123`), `owner/repo#123`,
/// or `PROJ-123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub String);

impl Ticket {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A ticket of another GitHub repository (`owner/name#12`).
    pub fn is_other_repo(&self) -> bool {
        self.0.contains('/')
    }

    /// The issue number of a GitHub-style ticket in this repository (`#123`).
    pub fn github_number(&self) -> Option<&str> {
        self.0.strip_prefix('#')
    }

    /// A web address for the ticket, when one can be derived: GitHub tickets of a repository
    /// on GitHub (`https://github.com/owner/name`). GitHub sends `issues/N` to `pull/N` for
    /// pull requests, so one form serves both.
    pub fn link(&self, github_repo_url: Option<&str>) -> Option<String> {
        if let Some(n) = self.github_number() {
            return github_repo_url.map(|base| format!("{base}/issues/{n}"));
        }
        let (repo, n) = self.0.split_once('#')?;
        Some(format!("https://github.com/{repo}/issues/{n}"))
    }
}

impl std::fmt::Display for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Uppercase words that look like `KEY-123` but name standards, encodings, licences and
/// protocols rather than tickets.
const NOT_TICKET_KEYS: &[&str] = &[
    "AES", "AGPL", "ANSI", "ARM", "BSD", "CC", "CP", "CVE", "CWE", "ECMA", "ES", "GHSA", "GMT",
    "GPL", "HTTP", "HTTPS", "IEC", "IEEE", "IP", "IPV", "ISO", "LGPL", "LTS", "MD", "MPL", "PEP",
    "POSIX", "RC", "RFC", "RSA", "SHA", "SSL", "TCP", "TLS", "UCS", "UDP", "UTC", "UTF", "WCAG",
    "WIN", "X",
];

static FENCED: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)```.*?(```|\z)"));
static INLINE_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"`[^`\n]*`"));
static HASH: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[\s(\[{,;:])(?:([A-Za-z0-9][\w.-]*/[\w.-]+))?#([1-9][0-9]{0,6})\b"));
static GH: LazyLock<Regex> = LazyLock::new(|| re(r"\bGH-([1-9][0-9]{0,6})\b"));
static KEYED: LazyLock<Regex> = LazyLock::new(|| re(r"([A-Z][A-Z0-9_]*[A-Z])-([1-9][0-9]{0,6})"));
/// Words before `#N` that make it an ordinal (`take #4`, `part #2`), not a ticket.
static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(take|part|try|attempt|round|step|phase|pass|iteration|patch|version|v)\s*$")
});
static CLOSING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(close[sd]?|fix(e[sd])?|resolve[sd]?)\b\s*:?\s*\(?$"));

/// The patterns above are literals exercised by the unit tests, so building them cannot fail
/// on any input.
#[allow(clippy::expect_used)]
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a literal pattern")
}

/// A commit message with code removed: fenced blocks, inline code spans and indented lines
/// (stack traces, code samples), where `#3` or `ABC-1` are not tickets.
fn prose(message: &str) -> String {
    let text = FENCED.replace_all(message, " ");
    let text = INLINE_CODE.replace_all(&text, " ");
    text.lines()
        .filter(|l| !(l.starts_with("    ") || l.starts_with('\t')))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every ticket a message names, in order of first mention, without duplicates; the first is
/// the one that a closing keyword (`Fixes #12`, `closes PROJ-3`) names, if any.
pub fn tickets(message: &str) -> Vec<Ticket> {
    let text = prose(message);
    let mut found: Vec<(usize, bool, Ticket)> = Vec::new();
    let mut push = |at: usize, ticket: Ticket| {
        let closing = CLOSING.is_match(&text[..at]);
        found.push((at, closing, ticket));
    };
    for c in HASH.captures_iter(&text) {
        let (Some(whole), Some(n)) = (c.get(0), c.get(2)) else {
            continue;
        };
        let start = whole.start() + whole.as_str().len() - whole.as_str().trim_start().len();
        let start = if text[start..].starts_with(['(', '[', '{', ',', ';', ':']) {
            start + 1
        } else {
            start
        };
        let name = match c.get(1) {
            Some(repo) => format!("{}#{}", repo.as_str(), n.as_str()),
            None if ORDINAL.is_match(&text[..start]) => continue,
            None => format!("#{}", n.as_str()),
        };
        push(start, Ticket(name));
    }
    for c in GH.captures_iter(&text) {
        if let (Some(whole), Some(n)) = (c.get(0), c.get(1)) {
            push(whole.start(), Ticket(format!("#{}", n.as_str())));
        }
    }
    for c in KEYED.captures_iter(&text) {
        let (Some(whole), Some(key), Some(n)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if key.as_str() == "GH" || NOT_TICKET_KEYS.contains(&key.as_str()) {
            continue;
        }
        let before = text[..whole.start()].chars().next_back();
        if before.is_some_and(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.')) {
            continue;
        }
        let mut after = text[whole.end()..].chars();
        let next = after.next();
        let next2 = after.next();
        let continues = match next {
            Some(ch) if ch.is_alphanumeric() || ch == '_' => true,
            // `CVE-2021-1234`, `ABC-1.2`: a longer identifier or a version, not a ticket.
            Some('-' | '.') => next2.is_some_and(|ch| ch.is_ascii_digit()),
            _ => false,
        };
        if continues {
            continue;
        }
        push(
            whole.start(),
            Ticket(format!("{}-{}", key.as_str(), n.as_str())),
        );
    }
    // This repository's tickets before other repositories' (`Fix for rust-lang/rust#64477
    // (#1618)` is about #1618 here), and within each, the one a closing keyword names first.
    found.sort_by_key(|(at, closing, t)| (t.is_other_repo(), !closing, *at));
    let mut out: Vec<Ticket> = Vec::new();
    for (_, _, t) in found {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(message: &str) -> Vec<String> {
        tickets(message).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn finds_the_usual_ticket_forms() {
        assert_eq!(names("fix crash on empty input #12"), ["#12"]);
        assert_eq!(names("Fix timeout (#1234)"), ["#1234"]);
        assert_eq!(names("fix: GH-12 overflow"), ["#12"]);
        assert_eq!(names("PROJ-123: fix login"), ["PROJ-123"]);
        assert_eq!(
            names("fix parser\n\nSee tokio-rs/tokio#77"),
            ["tokio-rs/tokio#77"]
        );
        assert_eq!(names("fix\n\nhttps://jira.example/browse/ABC-9"), ["ABC-9"]);
    }

    #[test]
    fn standards_encodings_and_code_are_not_tickets() {
        assert!(names("fix UTF-8 decoding of ISO-8601 dates").is_empty());
        assert!(names("fix sha256-1 digest and SHA256-1 too").is_empty());
        assert!(names("fix C# bindings").is_empty());
        assert!(names("fix `#1` in docs and `PROJ-3`").is_empty());
        assert!(names("fix\n\n```\nlet x = a#3;\nPROJ-4\n```\n").is_empty());
        assert!(names("fix\n\n    at frame #2 in main\n").is_empty());
        assert!(names("fix CVE-2021-1234 and RFC-7231").is_empty());
        assert!(names("fix &#123; entity and url http://x/y#5").is_empty());
        assert!(names("bump ABC-1.2.3").is_empty());
        assert!(names("Fix diff output take #4.").is_empty());
        assert!(names("fix case #0 and zone GMT-0600 and UTC-5").is_empty());
        assert!(names("fix part #2 of the series").is_empty());
    }

    #[test]
    fn the_closing_reference_comes_first() {
        assert_eq!(
            names("sync: fix wakeup (#1300)\n\nFixes #1200"),
            ["#1200", "#1300"]
        );
        assert_eq!(names("fix a (#5)\n\nsee #6"), ["#5", "#6"]);
        assert_eq!(names("Fix #7, closes GH-8"), ["#7", "#8"]);
        assert_eq!(
            names("Fix for rust-lang/rust#64477 (#1618)"),
            ["#1618", "rust-lang/rust#64477"]
        );
    }

    #[test]
    fn links_for_github_tickets() {
        let t = Ticket("#12".into());
        assert_eq!(
            t.link(Some("https://github.com/o/r")).as_deref(),
            Some("https://github.com/o/r/issues/12")
        );
        assert_eq!(t.link(None), None);
        assert_eq!(Ticket("PROJ-1".into()).link(Some("x")), None);
    }
}
