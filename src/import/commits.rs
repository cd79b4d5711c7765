//! `import commits`, the pure part: from walked history and the notes already in the store, the
//! notes to create (one per ticket that fix commits name, else one per fix commit) and what is
//! already imported. Idempotence rests on the fix commits themselves: a commit that any note
//! already lists in `commits.fixed_by` is never imported again, so a second run finds nothing
//! new. Each note also records its group in `imported_from` (`ticket:#12`, `commit:<id>`), so
//! later fixes of the same ticket find the note to grow.

use super::tickets::{Ticket, tickets};
use crate::history::{ChangeKind, Commit, History};
use crate::store::{Commits, Note, Source, Status};
use gix::bstr::{BString, ByteSlice};
use std::collections::{HashMap, HashSet};

/// What to import, besides the history.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only fix commits authored at or after this time.
    pub since: Option<jiff::Timestamp>,
    /// Paths never listed in a note (the notes directory, lock files...): globs from config.
    pub ignore: Option<globset::GlobSet>,
    /// `https://github.com/owner/name` when the repository lives on GitHub, for ticket links.
    pub github_repo_url: Option<String>,
}

/// One note to create, with the key that identifies its group (`ticket:#12`, `commit:<id>`).
#[derive(Debug, Clone)]
pub struct Draft {
    pub key: String,
    /// The note, with an empty id (the store assigns one).
    pub note: Note,
}

/// A note already imported that the history now shows more fix commits for.
#[derive(Debug, Clone)]
pub struct Growth {
    pub note_id: String,
    pub key: String,
    /// A note made of the new fix commits alone (their ids oldest first, their paths, the
    /// latest one's time as `resolved`), to merge into the existing note.
    pub additions: Note,
}

impl Growth {
    /// `note` with the additions merged in: fix commits appended, new paths added, `resolved`
    /// moved to the latest fix. Everything a person wrote stays as it is.
    pub fn apply(&self, note: &mut Note) {
        for id in &self.additions.commits.fixed_by {
            if !note.commits.fixed_by.contains(id) {
                note.commits.fixed_by.push(id.clone());
            }
        }
        for path in &self.additions.paths {
            if !note.paths.contains(path) {
                note.paths.push(path.clone());
            }
        }
        if self.additions.resolved > note.resolved {
            note.resolved = self.additions.resolved;
        }
    }
}

/// The outcome of planning an import.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// New notes, oldest first.
    pub create: Vec<Draft>,
    /// Groups (tickets or single fixes) whose commits are all in notes already.
    pub already: usize,
    /// Imported notes that could gain newly found fix commits.
    pub grow: Vec<Growth>,
    /// Fix commits considered (after `--since`, merges that changed nothing left out).
    pub fix_commits: usize,
    /// Fix commits recognised as rebased, amended or cherry-picked copies of commits a note
    /// already lists (same author time and subject, or the same ticket and time span).
    pub rewritten: usize,
    /// Changed paths left out of notes because they are not UTF-8 (notes are UTF-8 text, and
    /// a lossily decoded name would match no file), for one warning.
    pub non_utf8_paths: Vec<String>,
}

/// A group of fix commits under one key, oldest first.
struct Group<'a> {
    key: String,
    ticket: Option<Ticket>,
    /// (position in the history, commit), oldest first.
    commits: Vec<(usize, &'a Commit)>,
    other_tickets: Vec<Ticket>,
}

/// Plan the import of `history` (newest first, as the history engine walks it) given the notes
/// already in the store.
pub fn plan(history: &History, existing: &[Note], options: &Options) -> Plan {
    let current = current_names(history);
    let fixes: Vec<(usize, &Commit)> = history
        .commits
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, c)| is_importable(c, options))
        .collect();
    let mut plan = Plan {
        fix_commits: fixes.len(),
        ..Plan::default()
    };

    // Groups in order of their oldest commit, so notes are created oldest first.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (at, commit) in fixes {
        let named = tickets(&commit.message);
        let (key, ticket) = match named.first() {
            Some(t) => (format!("ticket:{t}"), Some(t.clone())),
            None => (format!("commit:{}", commit.id), None),
        };
        let index = *by_key.entry(key.clone()).or_insert_with(|| {
            groups.push(Group {
                key,
                ticket,
                commits: Vec::new(),
                other_tickets: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[index];
        group.commits.push((at, commit));
        for t in named.into_iter().skip(1) {
            if !group.other_tickets.contains(&t) {
                group.other_tickets.push(t);
            }
        }
    }

    let known = Known::new(existing, history);
    for group in groups {
        let mut fresh: Vec<(usize, &Commit)> = Vec::new();
        for &(at, c) in &group.commits {
            if known.listing(&c.id.to_string()).is_some() {
                continue;
            }
            if known.rewritten(c, &group.key) {
                plan.rewritten += 1;
                continue;
            }
            fresh.push((at, c));
        }
        if fresh.is_empty() {
            plan.already += 1;
            continue;
        }
        // The ticket is imported already (found by its key, or as a commit-made note listing
        // some of its fixes): that note grows rather than a second note being made for it.
        let owner = known.by_key(&group.key).or_else(|| {
            group
                .commits
                .iter()
                .filter_map(|(_, c)| known.listing(&c.id.to_string()))
                .find(|n| n.source == Some(Source::Commit))
        });
        let Some(draft) = draft_note(&group, &fresh, &current, options, &mut plan) else {
            continue;
        };
        match owner {
            Some(owner) => {
                plan.already += 1;
                plan.grow.push(Growth {
                    note_id: owner.id.clone(),
                    key: group.key,
                    additions: draft,
                });
            }
            None => plan.create.push(Draft {
                note: draft,
                key: group.key,
            }),
        }
    }
    plan
}

/// The notes already in the store, indexed by their fix commits (lowercased) and import keys,
/// so that each lookup is a few map probes however many notes there are.
struct Known<'a> {
    by_fix: HashMap<String, &'a Note>,
    by_key: HashMap<&'a str, &'a Note>,
    /// Imported notes by (opened, title): the author time and subject of their first fix,
    /// which a rebase, an amend or a cherry-pick keeps while the commit id changes.
    by_signature: HashMap<(i64, &'a str), &'a Note>,
    /// Imported notes listing a fix commit that is no longer in the walked history: their
    /// commits were rewritten (rebase, amend, squash) or dropped.
    stale: HashSet<&'a str>,
}

impl<'a> Known<'a> {
    fn new(existing: &'a [Note], history: &History) -> Self {
        let mut by_fix = HashMap::new();
        let mut by_key = HashMap::new();
        let mut by_signature = HashMap::new();
        let mut stale = HashSet::new();
        let walked: HashSet<String> = history.commits.iter().map(|c| c.id.to_string()).collect();
        for note in existing {
            for id in note.commits.fixed_by.iter().filter(|f| f.len() >= 7) {
                by_fix.entry(id.to_ascii_lowercase()).or_insert(note);
            }
            if let Some(key) = note.imported_from.as_deref() {
                by_key.entry(key).or_insert(note);
            }
            if note.source == Some(Source::Commit) {
                if let Some(opened) = note.opened {
                    by_signature
                        .entry((opened.as_second(), note.title.trim()))
                        .or_insert(note);
                }
                // Only full ids can be checked cheaply against the walk; a short id a person
                // wrote is left alone.
                if note
                    .commits
                    .fixed_by
                    .iter()
                    .any(|f| f.len() == 40 && !walked.contains(&f.to_ascii_lowercase()))
                {
                    stale.insert(note.id.as_str());
                }
            }
        }
        Known {
            by_fix,
            by_key,
            by_signature,
            stale,
        }
    }

    /// `commit` (listed by no note) is a rewritten copy of a fix an imported note already
    /// has: a note's first fix had the same author time and subject, or the note of the
    /// commit's ticket lost some of its commits from history and covers the commit's time.
    fn rewritten(&self, commit: &Commit, key: &str) -> bool {
        if self
            .by_signature
            .contains_key(&(commit.author_time, commit.summary().trim()))
        {
            return true;
        }
        let Some(note) = self.by_key(key).filter(|_| key.starts_with("ticket:")) else {
            return false;
        };
        let within = |t: Option<jiff::Timestamp>, after: bool| {
            t.is_some_and(|t| {
                let t = t.as_second();
                if after {
                    commit.author_time >= t
                } else {
                    commit.author_time <= t
                }
            })
        };
        self.stale.contains(note.id.as_str())
            && within(note.opened, true)
            && within(note.resolved, false)
    }

    /// The note listing commit `id` (full, lowercase) as a fix, by its full id or a prefix of
    /// at least 7 characters as people write them.
    fn listing(&self, id: &str) -> Option<&'a Note> {
        (7..=id.len())
            .rev()
            .filter_map(|k| id.get(..k))
            .find_map(|prefix| self.by_fix.get(prefix).copied())
    }

    fn by_key(&self, key: &str) -> Option<&'a Note> {
        self.by_key.get(key).copied()
    }
}

/// A fix commit worth a note: a fix by the history engine's pattern, not a merge that
/// changed nothing itself (the commits it merges carry the fix and are imported themselves;
/// a merge the engine counts as a fix carries the files its conflict resolution changed, and
/// its note lists those), not before `--since`.
fn is_importable(commit: &Commit, options: &Options) -> bool {
    commit.is_fix
        && !is_revert_like(&commit.message)
        && (commit.parents.len() <= 1 || !commit.changes.is_empty())
        && options
            .since
            .is_none_or(|since| commit.author_time >= since.as_second())
}

/// For every commit, the name at the tip of each path it changed that still exists there,
/// renames followed forward with the history engine's lineage (`touches_by_file`). A path
/// missing from a commit's map was deleted since (or was deleted by that commit). Indexed
/// like `history.commits`. Without a file list (a history built by hand), every path counts
/// as existing, under the names later renames gave it.
fn current_names(history: &History) -> Vec<HashMap<BString, String>> {
    let mut out: Vec<HashMap<BString, String>> = vec![HashMap::new(); history.commits.len()];
    if history.files.is_empty() {
        return renamed_forward(&history.commits);
    }
    for (file, lineage) in history.touches_by_file() {
        // A tip name that is not UTF-8 cannot be written into a note; its changes fall to
        // the caller's non-UTF-8 handling.
        let Ok(name) = file.to_str().map(str::to_string) else {
            continue;
        };
        for &ci in &lineage.commits {
            let Some(commit) = history.commits.get(ci) else {
                continue;
            };
            for change in &commit.changes {
                if change.kind != ChangeKind::Deleted
                    && (change.path == file || lineage.names.contains(&change.path))
                {
                    out[ci].insert(change.path.clone(), name.clone());
                }
            }
        }
    }
    out
}

/// Every changed path under the name later renames gave it (newest first, so each rename is
/// seen before the older commits that used the old name).
fn renamed_forward(history: &[Commit]) -> Vec<HashMap<BString, String>> {
    let mut renamed: HashMap<BString, BString> = HashMap::new();
    let mut out = Vec::with_capacity(history.len());
    for commit in history {
        let mut map = HashMap::new();
        for change in &commit.changes {
            let now = renamed.get(&change.path).unwrap_or(&change.path);
            if let Ok(now) = now.to_str() {
                map.insert(change.path.clone(), now.to_string());
            }
        }
        out.push(map);
        for change in &commit.changes {
            if let (ChangeKind::Renamed, Some(old)) = (change.kind, &change.previous) {
                let now = renamed
                    .get(&change.path)
                    .cloned()
                    .unwrap_or_else(|| change.path.clone());
                renamed.insert(old.clone(), now);
            }
        }
    }
    out
}

/// A revert, or a revert of a revert, in any capitalisation (`revert "fix typo"`, `Revert
/// "Revert ..."`, `Reapply ...`, a `This reverts commit X` body): it undoes or repeats an
/// earlier change and is no new incident. The history engine's matcher catches the usual
/// `Revert "` form; this also catches hand-written ones.
fn is_revert_like(message: &str) -> bool {
    let subject = message
        .lines()
        .next()
        .unwrap_or("")
        .trim_start()
        .to_ascii_lowercase();
    let word = |w: &str| {
        subject
            .strip_prefix(w)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '"', ':', '(']))
    };
    word("revert") || word("reapply") || message.contains("This reverts commit ")
}

fn draft_note(
    group: &Group,
    fresh: &[(usize, &Commit)],
    current: &[HashMap<BString, String>],
    options: &Options,
    plan: &mut Plan,
) -> Option<Note> {
    let (_, first) = fresh.first()?;
    let times = fresh.iter().map(|(_, c)| c.author_time);
    let earliest = times.clone().min().unwrap_or(first.author_time);
    let latest = times.max().unwrap_or(first.author_time);
    // Files under their names at the tip; files deleted since are kept only when none of the
    // note's files exists any more, so that the note still says what was fixed.
    let mut paths: Vec<String> = Vec::new();
    let mut gone: Vec<String> = Vec::new();
    for (at, commit) in fresh {
        let names = current.get(*at);
        for change in &commit.changes {
            let (path, exists) = match names.and_then(|m| m.get(&change.path)) {
                Some(now) => (now.clone(), true),
                None => match change.path.to_str() {
                    Ok(p) => (p.to_string(), false),
                    Err(_) => {
                        let lossy = change.path.to_str_lossy().into_owned();
                        if !plan.non_utf8_paths.contains(&lossy) {
                            plan.non_utf8_paths.push(lossy);
                        }
                        continue;
                    }
                },
            };
            let list = if exists { &mut paths } else { &mut gone };
            if path.starts_with(".incidents/")
                || options.ignore.as_ref().is_some_and(|g| g.is_match(&path))
                || list.contains(&path)
            {
                continue;
            }
            list.push(path);
        }
    }
    if paths.is_empty() {
        paths = gone;
    }
    paths.sort();
    let mut links: Vec<String> = Vec::new();
    for t in group.ticket.iter().chain(&group.other_tickets) {
        if let Some(link) = t.link(options.github_repo_url.as_deref())
            && !links.contains(&link)
        {
            links.push(link);
        }
    }
    let mut tags = Vec::new();
    if let Some(scope) = scope(first.summary()) {
        tags.push(scope);
    }
    Some(Note {
        title: first.summary().trim().to_string(),
        status: Status::Resolved,
        // Author times need not follow commit order (a commit rebased onto a later one keeps
        // its older date): the span is from the earliest to the latest, never backwards.
        opened: jiff::Timestamp::from_second(earliest).ok(),
        resolved: jiff::Timestamp::from_second(latest).ok(),
        paths,
        commits: Commits {
            fixed_by: fresh.iter().map(|(_, c)| c.id.to_string()).collect(),
            ..Commits::default()
        },
        tags,
        links,
        source: Some(Source::Commit),
        imported_from: Some(group.key.clone()),
        ..Note::default()
    })
}

/// The conventional-commit scope or area of a subject (`sync: fix wakeup` -> `sync`,
/// `fix(parser): ...` -> `parser`), a cheap and usually right tag.
fn scope(subject: &str) -> Option<String> {
    let head = subject.split_once(':')?.0.trim();
    let inner = match (head.find('('), head.strip_suffix(')')) {
        (Some(open), Some(stripped)) => &stripped[open + 1..],
        _ => head,
    };
    let inner = inner.trim().trim_end_matches('!');
    let ok = !inner.is_empty()
        && inner.len() <= 24
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    let generic = [
        "fix", "fixes", "fixed", "bugfix", "hotfix", "bug", "chore", "feat", "docs", "test",
        "tests", "refactor", "ci", "build", "perf", "style", "revert",
    ];
    (ok && !generic.contains(&inner.to_ascii_lowercase().as_str()))
        .then(|| inner.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Change;

    /// A commit `n` days after 2024-01-01 with a fixed id made from `n`.
    fn commit(n: i64, message: &str, fix: bool, changes: &[(&str, Option<&str>)]) -> Commit {
        let hex = format!("{n:040x}");
        Commit {
            id: gix::ObjectId::from_hex(hex.as_bytes()).unwrap(),
            parents: Vec::new(),
            author_time: 1_704_067_200 + n * 86_400,
            commit_time: 1_704_067_200 + n * 86_400,
            author: "Ada <ada@example.com>".into(),
            message: message.into(),
            changes: changes
                .iter()
                .map(|(path, previous)| Change {
                    kind: if previous.is_some() {
                        ChangeKind::Renamed
                    } else {
                        ChangeKind::Modified
                    },
                    path: (*path).into(),
                    previous: previous.map(Into::into),
                })
                .collect(),
            is_fix: fix,
        }
    }

    /// Plan over a history built by hand (no tip file list: every path counts as existing).
    fn run(h: &[Commit], existing: &[Note], options: &Options) -> Plan {
        let history = History {
            commits: h.to_vec(),
            ..History::default()
        };
        plan(&history, existing, options)
    }

    /// History newest first, as the engine gives it.
    fn history() -> Vec<Commit> {
        let mut h = vec![
            commit(1, "add parser", false, &[("src/old.rs", None)]),
            commit(
                2,
                "fix overflow in parser (#12)",
                true,
                &[("src/old.rs", None)],
            ),
            commit(
                3,
                "parser: fix overflow again\n\nFixes #12",
                true,
                &[("src/lex.rs", None)],
            ),
            commit(
                4,
                "rename parser",
                false,
                &[("src/parse.rs", Some("src/old.rs"))],
            ),
            commit(
                5,
                "Fix PROJ-7 login",
                true,
                &[("src/login.rs", None), (".incidents/x.yaml", None)],
            ),
            commit(6, "fix typo", true, &[("README.md", None)]),
            commit(7, "prefix the debug output", false, &[("src/a.rs", None)]),
        ];
        h.reverse();
        h
    }

    #[test]
    fn groups_fixes_by_ticket_and_follows_renames() {
        let plan = run(&history(), &[], &Options::default());
        assert_eq!(plan.fix_commits, 4);
        let keys: Vec<&str> = plan.create.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(
            keys,
            ["ticket:#12", "ticket:PROJ-7", &format!("commit:{:040x}", 6)]
        );
        let n12 = &plan.create[0].note;
        assert_eq!(n12.title, "fix overflow in parser (#12)");
        assert_eq!(n12.paths, ["src/lex.rs", "src/parse.rs"]);
        assert_eq!(n12.commits.fixed_by.len(), 2);
        assert_eq!(n12.opened.unwrap().to_string(), "2024-01-03T00:00:00Z");
        assert_eq!(n12.resolved.unwrap().to_string(), "2024-01-04T00:00:00Z");
        assert_eq!(n12.source, Some(Source::Commit));
        assert_eq!(n12.status, Status::Resolved);
        // The notes directory is never a path of a note.
        assert_eq!(plan.create[1].note.paths, ["src/login.rs"]);
        assert_eq!(plan.create[1].note.tags, Vec::<String>::new());
        assert_eq!(plan.create[2].note.paths, ["README.md"]);
    }

    #[test]
    fn importing_what_is_imported_creates_nothing() {
        let h = history();
        let first = run(&h, &[], &Options::default());
        let existing: Vec<Note> = first
            .create
            .into_iter()
            .enumerate()
            .map(|(i, d)| Note {
                id: format!("id{i}"),
                ..d.note
            })
            .collect();
        let second = run(&h, &existing, &Options::default());
        assert!(second.create.is_empty());
        assert_eq!(second.already, 3);
        assert!(second.grow.is_empty());
    }

    #[test]
    fn a_new_fix_for_an_imported_ticket_grows_its_note() {
        let h = history();
        let first = run(&h[1..], &[], &Options::default());
        let existing: Vec<Note> = first.create.into_iter().map(|d| d.note).collect();
        let mut newer = vec![commit(8, "fix overflow, third time (#12)", true, &[])];
        newer.extend(h);
        let second = run(&newer, &existing, &Options::default());
        assert!(second.create.is_empty());
        assert_eq!(second.grow.len(), 1);
        assert_eq!(second.grow[0].key, "ticket:#12");
        assert_eq!(
            second.grow[0].additions.commits.fixed_by,
            [format!("{:040x}", 8)]
        );
        let mut note = existing[0].clone();
        second.grow[0].apply(&mut note);
        assert_eq!(note.commits.fixed_by.len(), 3);
        assert_eq!(note.resolved.unwrap().to_string(), "2024-01-09T00:00:00Z");
    }

    #[test]
    fn since_and_merges_limit_what_is_imported() {
        let mut h = history();
        h[0].parents = vec![h[1].id, h[2].id];
        h[0].is_fix = true;
        h[0].changes.clear();
        let options = Options {
            since: Some("2024-01-05T00:00:00Z".parse().unwrap()),
            ..Options::default()
        };
        let plan = run(&h, &[], &options);
        assert_eq!(plan.fix_commits, 2);
        assert_eq!(plan.create.len(), 2);
    }

    #[test]
    fn a_fix_merge_is_imported_with_the_files_its_resolution_changed() {
        let mut h = history();
        let mut merge = commit(
            9,
            "Merge branch 'topic': fix crash",
            true,
            &[("src/a.rs", None)],
        );
        merge.parents = vec![h[0].id, h[1].id];
        h.insert(0, merge);
        let plan = run(&h, &[], &Options::default());
        let note = &plan
            .create
            .iter()
            .find(|d| d.key == format!("commit:{:040x}", 9))
            .unwrap()
            .note;
        assert_eq!(note.paths, ["src/a.rs"]);
    }

    #[test]
    fn a_manual_note_naming_the_fix_counts_as_imported() {
        let h = history();
        let manual = Note {
            commits: Commits {
                fixed_by: vec![format!("{:040x}", 6)],
                ..Commits::default()
            },
            source: Some(Source::Manual),
            imported_from: None,
            ..run(&h, &[], &Options::default()).create[0].note.clone()
        };
        let plan = run(&h, &[manual], &Options::default());
        assert_eq!(plan.create.len(), 2);
        assert_eq!(plan.already, 1);
    }

    #[test]
    fn scope_tags() {
        assert_eq!(scope("sync: fix wakeup").as_deref(), Some("sync"));
        assert_eq!(scope("fix(parser): x").as_deref(), Some("parser"));
        assert_eq!(scope("fix: x"), None);
        assert_eq!(scope("Fix a thing: really"), None);
    }
}
