//! Partial clones (`git clone --filter=blob:none`, an actions/checkout option): blobs that
//! blame needs may be absent locally. gix cannot fetch them, so the git binary does, in one
//! round trip; whatever is still missing becomes an error with a hint, never a silent
//! "nothing found".

use crate::error::Error;
use crate::repo::Repo;
use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use std::process::Command;

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

/// In a partial clone, fetch in one round trip the blobs blame will read: every version of
/// `paths` up to `base`. This is how git itself fetches missing objects from the promisor
/// remote. Best effort: what is still missing afterwards makes blame fail with a hint.
pub(super) fn prefetch_blobs(repo: &Repo, base: ObjectId, paths: &[&BStr], also: &[ObjectId]) {
    let git_dir = repo.git.git_dir();
    let mut log = Command::new("git");
    log.arg("--git-dir")
        .arg(git_dir)
        .args(["log", "--format=", "--raw", "--no-abbrev", "--no-renames"])
        .arg(base.to_string())
        .arg("--");
    for p in paths {
        log.arg(p.to_str_lossy().as_ref());
    }
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
    let config = repo.git.config_snapshot();
    let remote = config
        .string("extensions.partialClone")
        .map(|r| r.to_string())
        .unwrap_or_else(|| "origin".to_string());
    let child = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "fetch.negotiationAlgorithm=noop",
            "fetch",
            "--quiet",
            &remote,
            "--no-tags",
            "--no-write-fetch-head",
            "--recurse-submodules=no",
            "--filter=blob:none",
            "--stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return };
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write as _;
        let _ = stdin.write_all(format!("{}\n", missing.join("\n")).as_bytes());
    }
    let _ = child.wait();
}

/// The id of the blob at `path` in `commit`, read from trees only (present in a blobless clone).
pub(super) fn blob_id(git: &gix::Repository, commit: ObjectId, path: &BStr) -> Option<ObjectId> {
    let tree = git.find_commit(commit).ok()?.tree().ok()?;
    let entry = tree
        .lookup_entry_by_path(gix::path::from_bstr(path).ok()?)
        .ok()??;
    entry.mode().is_blob().then(|| entry.object_id())
}

pub(super) fn partial_clone_error(path: &BStr) -> Error {
    Error::new(format!(
        "cannot blame {path}: this is a partial clone and objects of its history are missing"
    ))
    .hint("this is a partial clone; run `git fetch --refetch` or clone without --filter (in GitHub Actions: drop `filter:` from actions/checkout)")
}
