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

/// A partial clone (`--filter=blob:none`, an actions/checkout option) lacks blobs that gix
/// cannot fetch: notes and blame of the base would be silently missing. Fetch every missing
/// object reachable from both ends with the git binary (as git's own lazy fetch does), or stop:
/// a report from missing data would under-report. Returns `true` when objects were fetched.
pub fn ensure_objects(
    git: &gix::Repository,
    workdir: &Path,
    pr: &PullRequest,
    fetched: &mut Fetched,
) -> Result<bool, Error> {
    if !is_partial_clone(git) {
        return Ok(false);
    }
    let missing = missing_objects(workdir, pr)?;
    if missing.is_empty() {
        return Ok(false);
    }
    fetched.messages.push(format!(
        "the checkout is a partial clone; fetching {} missing object(s)",
        missing.len()
    ));
    let ok = git_with_stdin(
        workdir,
        &[
            "-c",
            "fetch.negotiationAlgorithm=noop",
            "fetch",
            "--no-tags",
            "--quiet",
            "--no-write-fetch-head",
            "--recurse-submodules=no",
            "--filter=blob:none",
            "--stdin",
            "origin",
        ],
        &missing.join("\n"),
    );
    if !ok || !missing_objects(workdir, pr)?.is_empty() {
        return Err(partial_error());
    }
    Ok(true)
}

/// `extensions.partialClone`, any `remote.*.promisor = true`, or a `.promisor` pack (which
/// stays behind when the remote's configuration is removed).
fn is_partial_clone(git: &gix::Repository) -> bool {
    let config = git.config_snapshot();
    if config.string("extensions.partialClone").is_some() {
        return true;
    }
    let promisor_remote = git.remote_names().iter().any(|name| {
        config
            .boolean(format!("remote.{name}.promisor").as_str())
            .unwrap_or(false)
    });
    promisor_remote
        || std::fs::read_dir(git.objects.store_ref().path().join("pack")).is_ok_and(|dir| {
            dir.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "promisor"))
        })
}

/// Objects reachable from the pull request's ends that are not in the clone.
fn missing_objects(workdir: &Path, pr: &PullRequest) -> Result<Vec<String>, Error> {
    let output = Command::new("git")
        .current_dir(workdir)
        .args([
            "rev-list",
            "--objects",
            "--missing=print",
            "--no-object-names",
        ])
        .args([&pr.base_sha, &pr.head_sha])
        .env("GIT_TERMINAL_PROMPT", "0")
        // Listing must not trigger one lazy fetch per object.
        .env("GIT_NO_LAZY_FETCH", "1")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::new(format!("cannot run git: {e}")).hint("install git"))?;
    if !output.status.success() {
        return Err(partial_error());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix('?'))
        .map(str::to_string)
        .collect())
}

fn partial_error() -> Error {
    Error::new(
        "the checkout is a partial clone and the objects it lacks could not be fetched: \
         git-incident will not report from missing notes and history",
    )
    .hint("set `fetch-depth: 0` without `filter` on the actions/checkout step")
    .hint("outside Actions: `git fetch --refetch --no-filter origin` (plain `--refetch` keeps the clone's filter) or a full clone")
}

fn git_with_stdin(workdir: &Path, args: &[&str], input: &str) -> bool {
    use std::io::Write;
    let child = Command::new("git")
        .current_dir(workdir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take()
        && stdin.write_all(input.as_bytes()).is_err()
    {
        let _ = child.wait();
        return false;
    }
    child.wait().is_ok_and(|s| s.success())
}
