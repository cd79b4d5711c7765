//! `import github`: closed bug issues of a GitHub repository become notes (`source: github`),
//! linked to the commits whose messages name them (`#N`, `GH-N`) and to the merged pull
//! requests that close them. Every page is read; a stable key (`imported_from`, plus the
//! issue's URL in `links`) makes a second run add nothing.

use super::GithubError;
use super::api::Client;
use crate::store::{Commits, Note, Severity, Source, Status};
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::LazyLock;

/// Symptoms kept per issue, and characters per symptom: a stack trace, not a log dump.
const MAX_SYMPTOMS: usize = 5;
const MAX_SYMPTOM_CHARS: usize = 2000;
/// Paths and commits kept per note.
const MAX_PATHS: usize = 30;
const MAX_COMMITS: usize = 10;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `OWNER/NAME`.
    pub repo: String,
    /// Only issues with this label (`None`: every closed issue).
    pub label: Option<String>,
    /// Only issues closed at or after this time.
    pub since: Option<jiff::Timestamp>,
    /// Look for merged pull requests that close the issues (one more paginated listing).
    pub pull_requests: bool,
}

/// A closed issue, as the import uses it.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub html_url: String,
    pub created_at: Option<jiff::Timestamp>,
    pub closed_at: Option<jiff::Timestamp>,
    pub labels: Vec<String>,
    /// `completed` or `not_planned`.
    pub state_reason: Option<String>,
}

/// A merged pull request that closes issues.
#[derive(Debug, Clone)]
pub struct ClosingPr {
    pub number: u64,
    pub html_url: String,
    pub merge_commit: Option<String>,
}

/// What the API gave: issues, and how many pull requests the issues list held (skipped).
#[derive(Debug, Default)]
pub struct Fetched {
    pub issues: Vec<Issue>,
    pub skipped_pull_requests: usize,
    /// Issue number -> merged pull requests that close it.
    pub closing: BTreeMap<u64, Vec<ClosingPr>>,
}

/// The stable import key of an issue.
pub fn import_key(repo: &str, number: u64) -> String {
    format!("github:{repo}#{number}")
}

/// Read every page of closed issues (and, if asked, merged pull requests).
pub fn fetch(client: &Client, opts: &ImportOptions) -> Result<Fetched, GithubError> {
    let mut path = format!(
        "/repos/{}/issues?state=closed&per_page=100&sort=created&direction=asc",
        opts.repo
    );
    if let Some(label) = &opts.label {
        path.push_str("&labels=");
        path.push_str(&query_encode(label));
    }
    if let Some(since) = opts.since {
        // `since` filters on updated_at, a superset of what closed since then.
        path.push_str("&since=");
        path.push_str(&query_encode(&since.to_string()));
    }
    let mut fetched = Fetched::default();
    client.for_each_page(&path, |page| {
        for item in page {
            if item.get("pull_request").is_some() {
                fetched.skipped_pull_requests += 1;
                continue;
            }
            if let Some(issue) = parse_issue(&item)
                && opts
                    .since
                    .is_none_or(|s| issue.closed_at.is_some_and(|c| c >= s))
            {
                fetched.issues.push(issue);
            }
        }
        true
    })?;
    if opts.pull_requests && !fetched.issues.is_empty() {
        let wanted: BTreeSet<u64> = fetched.issues.iter().map(|i| i.number).collect();
        let path = format!(
            "/repos/{}/pulls?state=closed&per_page=100&sort=updated&direction=desc",
            opts.repo
        );
        client.for_each_page(&path, |page| {
            for pr in page {
                if pr.get("merged_at").is_none_or(Value::is_null) {
                    continue;
                }
                let Some(number) = pr.get("number").and_then(Value::as_u64) else {
                    continue;
                };
                let text = format!(
                    "{}\n{}",
                    pr.get("title").and_then(Value::as_str).unwrap_or(""),
                    pr.get("body").and_then(Value::as_str).unwrap_or("")
                );
                for issue in closing_refs(&text, &opts.repo) {
                    if wanted.contains(&issue) {
                        fetched.closing.entry(issue).or_default().push(ClosingPr {
                            number,
                            html_url: str_field(&pr, "html_url"),
                            merge_commit: pr
                                .get("merge_commit_sha")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                        });
                    }
                }
            }
            true
        })?;
    }
    Ok(fetched)
}

fn str_field(v: &Value, name: &str) -> String {
    v.get(name)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn time_field(v: &Value, name: &str) -> Option<jiff::Timestamp> {
    v.get(name)?.as_str()?.parse().ok()
}

fn parse_issue(v: &Value) -> Option<Issue> {
    Some(Issue {
        number: v.get("number")?.as_u64()?,
        title: str_field(v, "title"),
        body: str_field(v, "body"),
        html_url: str_field(v, "html_url"),
        created_at: time_field(v, "created_at"),
        closed_at: time_field(v, "closed_at"),
        labels: v
            .get("labels")
            .and_then(Value::as_array)
            .map(|ls| {
                ls.iter()
                    .filter_map(|l| l.get("name").and_then(Value::as_str).or(l.as_str()))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        state_reason: v
            .get("state_reason")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// A commit of the local history that names issues.
#[derive(Debug, Clone)]
pub struct LinkedCommit {
    pub id: String,
    pub files: Vec<String>,
}

/// Issue number -> commits whose messages name it (newest first), from one pass of the git
/// binary over the history of HEAD.
pub fn commits_naming_issues(workdir: &Path) -> Result<BTreeMap<u64, Vec<LinkedCommit>>, String> {
    let out = std::process::Command::new("git")
        .current_dir(workdir)
        .args([
            "log",
            "--no-color",
            "--no-renames",
            "--format=%x1e%H%x1f%B%x1f",
            "--name-only",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("does not have any commits") {
            return Ok(BTreeMap::new());
        }
        return Err(format!("git log failed: {}", err.trim()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut map: BTreeMap<u64, Vec<LinkedCommit>> = BTreeMap::new();
    for record in text.split('\x1e').skip(1) {
        let mut parts = record.split('\x1f');
        let (Some(id), Some(message), files) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let refs = issue_refs(message);
        if refs.is_empty() {
            continue;
        }
        let files: Vec<String> = files
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|f| !f.is_empty() && !f.starts_with(".incidents/"))
            .map(str::to_string)
            .collect();
        for n in refs {
            map.entry(n).or_default().push(LinkedCommit {
                id: id.trim().to_string(),
                files: files.clone(),
            });
        }
    }
    Ok(map)
}

static ISSUE_REF: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)(?:^|[^\w/&#])(?:#|gh-)(\d{1,9})\b").ok());
static CLOSING_REF: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#(\d{1,9})\b",
    )
    .ok()
});

/// Issue numbers a commit message names (`#12`, `(#12)`, `GH-12`; not `&#12;` or `a/b#12`).
pub fn issue_refs(message: &str) -> BTreeSet<u64> {
    let Some(re) = ISSUE_REF.as_ref() else {
        return BTreeSet::new();
    };
    re.captures_iter(message)
        .filter_map(|c| c.get(1)?.as_str().parse().ok())
        .collect()
}

/// Issue numbers of `repo` a pull request closes (`Fixes #12`, `closes: #3`, `closes
/// OWNER/NAME#4` when OWNER/NAME is `repo`; GitHub closes those too).
pub fn closing_refs(text: &str, repo: &str) -> BTreeSet<u64> {
    let Some(re) = CLOSING_REF.as_ref() else {
        return BTreeSet::new();
    };
    re.captures_iter(text)
        .filter(|c| {
            c.get(1)
                .is_none_or(|r| r.as_str().eq_ignore_ascii_case(repo))
        })
        .filter_map(|c| c.get(2)?.as_str().parse().ok())
        .collect()
}

/// Severity from labels like `sev1`, `sev-2`, `severity: 3`, `P1`, `priority/p0`, `critical`.
pub fn severity_from_labels(labels: &[String]) -> Option<Severity> {
    labels.iter().filter_map(|l| severity_of(l)).min()
}

fn severity_of(label: &str) -> Option<Severity> {
    let l = label.to_ascii_lowercase();
    let l = l.trim();
    let by_number = |n: u32| match n {
        0 | 1 => Some(Severity::Sev1),
        2 => Some(Severity::Sev2),
        3 => Some(Severity::Sev3),
        4 | 5 => Some(Severity::Sev4),
        _ => None,
    };
    let digits = |s: &str| -> Option<u32> {
        let s = s.trim_start_matches([' ', ':', '-', '_', '/']);
        (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())?
    };
    for prefix in ["severity", "sev", "s", "priority", "prio", "p"] {
        if let Some(rest) = l.strip_prefix(prefix) {
            if let Some(n) = digits(rest) {
                return by_number(n);
            }
            // `priority/p1`, `severity: sev2`
            let rest = rest.trim_start_matches([' ', ':', '-', '_', '/']);
            for inner in ["sev", "p", "s"] {
                if let Some(n) = rest.strip_prefix(inner).and_then(digits) {
                    return by_number(n);
                }
            }
        }
    }
    match l {
        "critical" | "blocker" | "severity: critical" | "priority: critical" => {
            Some(Severity::Sev1)
        }
        "major" | "high" | "severity: high" | "priority: high" => Some(Severity::Sev2),
        _ => None,
    }
}

/// Fenced code blocks of an issue body (error messages, stack traces), as symptoms.
pub fn code_blocks(body: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        let fence = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (&mut current, fence) {
            (None, Some(f)) => current = Some((f.to_string(), Vec::new())),
            (Some((open, lines)), Some(f)) if *open == f && trimmed.trim() == f => {
                let text = lines.join("\n").trim().to_string();
                if !text.is_empty() {
                    blocks.push(super::escape::truncate(&text, MAX_SYMPTOM_CHARS));
                }
                current = None;
                if blocks.len() == MAX_SYMPTOMS {
                    break;
                }
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    blocks
}

/// The note for an issue, linked to the commits and pull requests found for it.
pub fn to_note(
    repo: &str,
    issue: &Issue,
    commits: &[LinkedCommit],
    prs: &[ClosingPr],
    import_label: Option<&str>,
) -> Note {
    let severity = severity_from_labels(&issue.labels);
    let tags: Vec<String> = issue
        .labels
        .iter()
        .filter(|l| severity_of(l).is_none())
        .filter(|l| import_label.is_none_or(|il| !il.eq_ignore_ascii_case(l)))
        .map(|l| without_bidi(l).to_lowercase())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut fixed_by: Vec<String> = Vec::new();
    for c in commits.iter().take(MAX_COMMITS) {
        if !fixed_by.contains(&c.id) {
            fixed_by.push(c.id.clone());
        }
    }
    let mut paths = BTreeSet::new();
    for c in commits.iter().take(MAX_COMMITS) {
        for f in &c.files {
            if paths.len() < MAX_PATHS {
                paths.insert(f.clone());
            }
        }
    }
    let mut links = vec![issue.html_url.clone()];
    links.extend(
        prs.iter()
            .map(|p| p.html_url.clone())
            .filter(|u| !u.is_empty()),
    );
    links.dedup();
    // A transferred or re-imported issue can report a close before its creation; a note
    // must never be resolved before it opened, so the earlier instant is taken as opened.
    let (opened, resolved) = match (issue.created_at, issue.closed_at) {
        (Some(created), Some(closed)) if closed < created => (Some(closed), Some(created)),
        times => times,
    };
    let status = match issue.state_reason.as_deref() {
        Some("not_planned") => Status::Wontfix,
        _ => Status::Resolved,
    };
    Note {
        title: title_of(issue),
        status,
        severity,
        opened,
        resolved,
        paths: paths.into_iter().collect(),
        symptoms: code_blocks(&issue.body)
            .into_iter()
            .map(|b| without_bidi(&b))
            .collect(),
        commits: Commits {
            fixed_by,
            ..Commits::default()
        },
        tags,
        links,
        source: Some(Source::Github),
        imported_from: Some(import_key(repo, issue.number)),
        ..Note::default()
    }
}

/// The issue's title on one line; a blank one becomes `Issue #N (untitled)`, since `validate`
/// rejects an empty title.
fn title_of(issue: &Issue) -> String {
    let title = super::escape::collapse(&issue.title);
    if title.is_empty() {
        format!("Issue #{} (untitled)", issue.number)
    } else {
        title
    }
}

/// Text without bidi embedding/override/isolate controls, which could make it display in
/// another order than it reads.
fn without_bidi(text: &str) -> String {
    text.chars()
        .filter(|c| !super::escape::is_bidi_control(*c))
        .collect()
}

/// Percent-encode a query value.
fn query_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn issue_references_in_messages() {
        let refs = issue_refs("Fix cart timeout (#12)\n\nCloses #3, see GH-40. &#39; a/b#9");
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), [3, 12, 40]);
    }

    #[test]
    fn closing_keywords() {
        let refs = closing_refs("Fixes #12 and resolves: #14; mentions #15", "o/r");
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), [12, 14]);
    }

    #[test]
    fn closing_owner_name_refs_count_for_this_repository_only() {
        let refs = closing_refs("fixes #41 and closes O/r#42, fixes other/r#43", "o/r");
        assert_eq!(refs.into_iter().collect::<Vec<_>>(), [41, 42]);
    }

    #[test]
    fn severity_labels() {
        let s = |l: &str| severity_from_labels(&[l.to_string()]);
        assert_eq!(s("sev1"), Some(Severity::Sev1));
        assert_eq!(s("Sev-2"), Some(Severity::Sev2));
        assert_eq!(s("P0"), Some(Severity::Sev1));
        assert_eq!(s("priority/p3"), Some(Severity::Sev3));
        assert_eq!(s("severity: 4"), Some(Severity::Sev4));
        assert_eq!(s("critical"), Some(Severity::Sev1));
        assert_eq!(s("bug"), None);
        assert_eq!(s("performance"), None);
        assert_eq!(s("p"), None);
    }

    #[test]
    fn symptoms_from_fenced_blocks() {
        let body = "It broke:\n```\nTimeoutError: checkout exceeded 30s\n```\ntext\n~~~rust\npanic at x\n~~~\n";
        assert_eq!(
            code_blocks(body),
            ["TimeoutError: checkout exceeded 30s", "panic at x"]
        );
        assert!(code_blocks("```\nunclosed").is_empty());
    }

    #[test]
    fn issue_closed_before_created_never_gives_a_note_resolved_before_opened() {
        let issue = Issue {
            created_at: Some("2026-03-02T00:00:00Z".parse().unwrap()),
            closed_at: Some("2026-03-01T00:00:00Z".parse().unwrap()),
            ..Issue::default()
        };
        let note = to_note("o/r", &issue, &[], &[], None);
        assert!(note.opened <= note.resolved);
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(query_encode("type: bug"), "type%3A%20bug");
    }
}
