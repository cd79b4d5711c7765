//! Making sure the Action's checkout holds what `check` needs: the whole history (CI checkouts
//! are shallow by default) and both ends of the pull request. Missing history is fetched with
//! the git binary (gix cannot deepen a clone); when that fails the error says to set
//! `fetch-depth: 0`, because fragility from a cut history would look like "nothing fragile".

use super::event::PullRequest;
use crate::error::Error;
use std::path::Path;
use std::process::Command;

/// What was done to the checkout, for the log.
#[derive(Debug, Default)]
pub struct Fetched {
    pub messages: Vec<String>,
}

/// Deepen a shallow clone and fetch missing pull request commits. Returns `true` when the
/// repository changed on disk (the caller reopens it).
pub fn ensure_history(
    git: &gix::Repository,
    workdir: &Path,
    pr: &PullRequest,
    fetched: &mut Fetched,
) -> Result<bool, Error> {
    let mut changed = false;
    let shallow = git.is_shallow().unwrap_or(false);
    if shallow {
        fetched
            .messages
            .push("the checkout is shallow; fetching the full history".to_string());
        let ok = run_git(
            workdir,
            &["fetch", "--no-tags", "--quiet", "--unshallow", "origin"],
        ) || run_git(workdir, &["fetch", "--no-tags", "--quiet", "--unshallow"]);
        if !ok {
            return Err(shallow_error());
        }
        changed = true;
    }
    for (sha, what, pr_ref) in [
        (&pr.base_sha, "base", None),
        (
            &pr.head_sha,
            "head",
            Some(format!("refs/pull/{}/head", pr.number)),
        ),
    ] {
        let Ok(id) = gix::ObjectId::from_hex(sha.as_bytes()) else {
            continue;
        };
        if git.has_object(id) {
            continue;
        }
        fetched
            .messages
            .push(format!("fetching the pull request's {what} commit {sha}"));
        let ok = run_git(workdir, &["fetch", "--no-tags", "--quiet", "origin", sha])
            || pr_ref.is_some_and(|r| {
                run_git(workdir, &["fetch", "--no-tags", "--quiet", "origin", &r])
            });
        if !ok {
            return Err(Error::new(format!(
                "the pull request's {what} commit {sha} is not in this checkout and could not be \
                 fetched"
            ))
            .hint("check out with `actions/checkout` and `fetch-depth: 0`"));
        }
        changed = true;
    }
    Ok(changed)
}

/// After fetching: still shallow means the history is cut, and no figure may be trusted.
pub fn require_full_history(git: &gix::Repository) -> Result<(), Error> {
    if git.is_shallow().unwrap_or(false) {
        return Err(shallow_error());
    }
    Ok(())
}

fn shallow_error() -> Error {
    Error::new(
        "the checkout is shallow and its history could not be fetched: git-incident will not \
         report \"nothing fragile\" from a cut history",
    )
    .hint("set `fetch-depth: 0` on the actions/checkout step")
    .hint("outside Actions: `git fetch --unshallow`")
}

fn run_git(workdir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .current_dir(workdir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
