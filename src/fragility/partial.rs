//! Partial clones (`git clone --filter=blob:none`, an actions/checkout option): blobs that
//! blame needs may be absent locally. gix cannot fetch them, so the git binary does, in one
//! round trip, for every name the scanned history followed each blamed file through;
//! whatever is still missing becomes an error with a hint, never a silent "nothing found".

use crate::error::{Error, Result};
use crate::history::History;
use crate::repo::Repo;
use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use std::process::{Command, Stdio};

/// A blobless or treeless clone (`git clone --filter=...`): objects may be missing locally
/// and only the git binary knows how to fetch them from the promisor remote.
pub(super) fn is_partial_clone(repo: &Repo) -> bool {
    let config = repo.git.config_snapshot();
    config.string("extensions.partialClone").is_some()
        || repo
            .git
            .remote_names()
            .iter()
            .any(|name| config.boolean(format!("remote.{name}.promisor").as_str()) == Some(true))
}

/// The remote missing objects come from (`extensions.partialClone`, else `origin`).
fn promisor_remote(git: &gix::Repository) -> String {
    git.config_snapshot()
        .string("extensions.partialClone")
        .map(|r| r.to_string())
        .unwrap_or_else(|| "origin".to_string())
}

/// One file `check` blames: its name at the base, its name at head, whether the change
/// deletes it.
pub(super) struct BlameJob<'a> {
    pub old: &'a BStr,
    pub new: &'a BStr,
    pub deleted: bool,
}

/// In a partial clone, fetch in one round trip every blob blaming `jobs` may read: each
/// version up to `base` of every name the file had in `history` (its name at the base, at
/// head, and the older names the scan followed it through, so that blame can follow the
/// same renames), and the file's blob at `head`.
pub(super) fn prefetch_for_blame(
    repo: &Repo,
    history: &History,
    base: ObjectId,
    head: ObjectId,
    jobs: &[BlameJob<'_>],
) {
    let mut names: Vec<BString> = Vec::new();
    let mut heads: Vec<ObjectId> = Vec::new();
    for job in jobs {
        let mut add = |name: BString| {
            if !names.contains(&name) {
                names.push(name);
            }
        };
        add(job.old.to_owned());
        add(job.new.to_owned());
        // `history` was scanned from head for a live file, from the base for a deleted one:
        // either way from where the file has the name the lineage starts at.
        let tip = if job.deleted { job.old } else { job.new };
        history.former_names(tip).into_iter().for_each(&mut add);
        if !job.deleted
            && let Some(id) = blob_id(&repo.git, head, job.new)
        {
            heads.push(id);
        }
    }
    if !names.is_empty() {
        prefetch_blobs(repo, base, &names, &heads);
    }
}

/// Fetch in one round trip the blobs of every version of `paths` up to `base` (each diff of
/// a merge too: a conflict resolution's blob is in no other commit), and `also`. This is
/// how git itself fetches missing objects from the promisor remote. Best effort: what is
/// still missing afterwards makes blame fail with a hint.
fn prefetch_blobs(repo: &Repo, base: ObjectId, paths: &[BString], also: &[ObjectId]) {
    let git_dir = repo.git.git_dir();
    let mut log = Command::new("git");
    log.arg("--git-dir")
        .arg(git_dir)
        .arg("--literal-pathspecs")
        .args([
            "log",
            "--format=",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "-m",
        ])
        .arg(base.to_string())
        .arg("--");
    for p in paths {
        log.arg(p.to_str_lossy().as_ref());
    }
    // Listing reads trees only; it must not fetch blobs one by one.
    log.env("GIT_NO_LAZY_FETCH", "1").stdin(Stdio::null());
    let Ok(out) = log.output() else { return };
    if !out.status.success() {
        return;
    }
    // `:100644 100644 <old> <new> M\tpath`: both blob ids, skipping the null id.
    let mut missing: Vec<String> = also
        .iter()
        .filter(|id| !repo.git.has_object(*id))
        .map(|id| id.to_string())
        .collect();
    for line in out.stdout.lines() {
        let Some(meta) = line.strip_prefix(b":") else {
            continue;
        };
        for field in meta.split(|b| *b == b' ').skip(2).take(2) {
            let Ok(id) = ObjectId::from_hex(field) else {
                continue;
            };
            if !id.is_null() && !repo.git.has_object(id) {
                let hex = id.to_string();
                if !missing.contains(&hex) {
                    missing.push(hex);
                }
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    let child = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "fetch.negotiationAlgorithm=noop",
            "fetch",
            "--quiet",
            &promisor_remote(&repo.git),
            "--no-tags",
            "--no-write-fetch-head",
            "--recurse-submodules=no",
            "--filter=blob:none",
            "--stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return };
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        let _ = stdin.write_all(format!("{}\n", missing.join("\n")).as_bytes());
    }
    let _ = child.wait();
}

/// The id of the blob at `path` in `commit`, read from trees only (present in a blobless clone).
fn blob_id(git: &gix::Repository, commit: ObjectId, path: &BStr) -> Option<ObjectId> {
    let tree = git.find_commit(commit).ok()?.tree().ok()?;
    let entry = tree
        .lookup_entry_by_path(gix::path::from_bstr(path).ok()?)
        .ok()??;
    entry.mode().is_blob().then(|| entry.object_id())
}

/// The blob of `path` at `commit`: `Ok(None)` when the path holds no blob there, an error
/// when the blob is named but absent (a partial clone that has not fetched it).
pub(super) fn blob(
    git: &gix::Repository,
    commit: ObjectId,
    path: &BStr,
    partial: bool,
) -> Result<Option<Vec<u8>>> {
    let Some(tree) = git.find_commit(commit).ok().and_then(|c| c.tree().ok()) else {
        return Ok(None);
    };
    let Some(rel) = gix::path::from_bstr(path).ok() else {
        return Ok(None);
    };
    let Some(entry) = tree.lookup_entry_by_path(rel).ok().flatten() else {
        return Ok(None);
    };
    if !entry.mode().is_blob() {
        return Ok(None);
    }
    match entry.object() {
        Ok(object) => Ok(Some(object.data.clone())),
        Err(_) if partial => Err(partial_clone_error(git, path)),
        Err(_) => Ok(None),
    }
}

/// Blame needs blobs that are still missing. `git fetch --refetch` alone would not help: it
/// applies the clone's own `blob:none` filter again and fetches no blob; `--no-filter`
/// overrides it (git 2.36 or newer, checked with 2.47 on a blobless clone).
pub(super) fn partial_clone_error(git: &gix::Repository, path: &BStr) -> Error {
    let remote = promisor_remote(git);
    Error::new(format!(
        "cannot blame {path}: this is a partial clone and objects of its history are missing"
    ))
    .hint(format!("this is a partial clone and {remote} did not send the missing blobs; fetch them all with `git fetch --refetch --no-filter {remote}` (plain `--refetch` keeps the clone's filter and fetches none), or clone without --filter (in GitHub Actions: drop `filter:` from actions/checkout)"))
}
