//! Fix commits derived from history (DESIGN section 3): a note that names no fix commit and
//! was added in a commit that also changed code outside `.incidents/` has that commit as its
//! fix. This survives squash merges and rebases, where a commit id written into the note
//! would not. Two `git log` runs, only when some note names no fix: one lists the commits
//! that added those notes' files (on a large history bounded by the oldest `opened` date),
//! one lists what each of those commits changed. The latest addition of a file counts.

use super::HistoryError;
use crate::repo::Repo;
use crate::store::NoteSet;
use gix::ObjectId;
use std::collections::HashMap;

/// Where the notes live; a commit that changed only this directory is no fix.
const NOTES_DIR: &[u8] = b".incidents/";

/// Fill `commits.fixed_by` of each note that names no fix commit with the commit (reachable
/// from `rev`) that added its file, when that commit changed code outside `.incidents/`. The
/// note files on disk are left alone. Returns how many notes were given a fix.
pub fn derive_fixed_by(
    repo: &Repo,
    rev: ObjectId,
    notes: &mut NoteSet,
) -> Result<usize, HistoryError> {
    let mut wanted: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, n) in notes.notes.iter().enumerate() {
        if n.note.commits.fixed_by.is_empty() && n.file.as_bytes().starts_with(NOTES_DIR) {
            wanted.entry(n.file.clone()).or_default().push(i);
        }
    }
    if wanted.is_empty() {
        return Ok(0);
    }
    // A note is committed after the incident opened; a day's margin covers clock skew. The
    // bound only matters on a large history (it spares a whole path-limited walk); on one
    // of up to 20,000 commits git walks it all, so that a wrong clock loses nothing.
    let small = super::paths::history_up_to(repo, rev, super::paths::FULL_HISTORY_UP_TO);
    let since = notes
        .notes
        .iter()
        .filter(|n| n.note.commits.fixed_by.is_empty())
        .map(|n| n.note.opened.map(|t| t.as_second() - 86_400))
        .try_fold(i64::MAX, |lo, t| t.map(|t| lo.min(t)));
    let mut args: Vec<String> = vec![
        "log".into(),
        "-z".into(),
        "--format=%x01%H".into(),
        "--diff-filter=A".into(),
        "--name-only".into(),
        "--no-renames".into(),
    ];
    if let Some(since) = since.filter(|_| !small) {
        args.push(format!("--since=@{since}"));
    }
    args.push(rev.to_string());
    args.push("--".into());
    args.extend(wanted.keys().cloned());
    // Newest first: the first record naming a file is its latest addition (a draft added,
    // removed, then added again with the fix counts from the last time).
    let mut added_in: HashMap<String, ObjectId> = HashMap::new();
    for (commit, paths) in log(repo, &args)? {
        for path in paths {
            added_in.entry(path).or_insert(commit);
        }
    }
    if added_in.is_empty() {
        return Ok(0);
    }
    let mut commits: Vec<ObjectId> = added_in.values().copied().collect();
    commits.sort();
    commits.dedup();
    let mut args: Vec<String> = [
        "log",
        "-z",
        "--no-walk=unsorted",
        "--format=%x01%H",
        "--name-only",
        "--no-renames",
        "--root",
    ]
    .map(String::from)
    .to_vec();
    args.extend(commits.iter().map(ObjectId::to_string));
    let with_code: Vec<ObjectId> = log(repo, &args)?
        .into_iter()
        .filter(|(_, paths)| paths.iter().any(|p| !p.as_bytes().starts_with(NOTES_DIR)))
        .map(|(id, _)| id)
        .collect();
    let mut given = 0;
    for (file, commit) in added_in {
        if !with_code.contains(&commit) {
            continue;
        }
        for &i in wanted.get(file.as_str()).into_iter().flatten() {
            notes.notes[i]
                .note
                .commits
                .fixed_by
                .push(commit.to_string());
            given += 1;
        }
    }
    Ok(given)
}

/// `notes` with derived fix commits (`derive_fixed_by`), and a warning when git could not
/// tell them: the notes are then as written (nothing is filled in before both git runs
/// succeed).
pub fn with_derived_fixes(
    repo: &Repo,
    rev: ObjectId,
    mut notes: NoteSet,
) -> (NoteSet, Option<String>) {
    let warning = derive_fixed_by(repo, rev, &mut notes).err().map(|e| {
        format!("the fix commits of notes that name none were not derived from history: {e}")
    });
    (notes, warning)
}

/// Run `git log -z --format=%x01%H --name-only ...` and split it into commits and paths.
fn log(repo: &Repo, args: &[String]) -> Result<Vec<(ObjectId, Vec<String>)>, HistoryError> {
    let mut all = vec![
        "-c".to_string(),
        "core.quotePath=false".into(),
        "--literal-pathspecs".into(),
    ];
    all.extend(args.iter().cloned());
    let stdout = super::gitlog::capture(repo.git.git_dir(), all, "git log of the notes' commits")?;
    let mut records = Vec::new();
    for record in stdout.split(|b| *b == 0x01).skip(1) {
        let mut fields = record.split(|b| *b == 0);
        let Some(id) = fields
            .next()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| ObjectId::from_hex(h.trim().as_bytes()).ok())
        else {
            continue;
        };
        let paths = fields
            .map(|p| String::from_utf8_lossy(p.strip_prefix(b"\n").unwrap_or(p)).into_owned())
            .filter(|p| !p.is_empty())
            .collect();
        records.push((id, paths));
    }
    Ok(records)
}
