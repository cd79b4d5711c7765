//! Finding and opening the repository the way git does (from a subdirectory, a linked
//! worktree, `GIT_DIR`), and resolving revisions to commit ids with errors that say what to do.

use crate::error::Error;
use gix::ObjectId;
use std::path::{Path, PathBuf};

/// An opened repository and its work tree (if any).
pub struct Repo {
    pub git: gix::Repository,
    /// Root of the work tree; `None` for a bare repository.
    pub workdir: Option<PathBuf>,
}

impl Repo {
    /// Discover the repository containing `cwd`, honouring `GIT_DIR` and friends.
    pub fn discover(cwd: &Path) -> Result<Repo, Error> {
        if !cwd.is_dir() {
            return Err(Error::new(format!("no such directory: {}", cwd.display()))
                .hint("check the directory given with -C"));
        }
        // gix's own cause chain (which config file, which discovery step) helps nobody here:
        // one line and a hint, like git.
        let mut git = gix::discover_with_environment_overrides(cwd).map_err(|_| {
            Error::new(format!(
                "not a git repository (or any parent up to the root): {}",
                cwd.display()
            ))
            .hint("run git-incident inside a git repository, or pass -C DIR")
        })?;
        if git.git_dir_trust() != gix::sec::Trust::Full {
            // Owned by another user and not listed in `safe.directory`: git refuses such a
            // repository (its config could run commands), and so do we.
            let dir = git
                .workdir()
                .unwrap_or_else(|| git.git_dir())
                .display()
                .to_string();
            return Err(Error::new(format!(
                "detected dubious ownership in repository at '{dir}': it is owned by another user"
            ))
            .hint(format!(
                "if you trust it, tell git so: git config --global --add safe.directory {dir}"
            )));
        }
        git.object_cache_size_if_unset(64 * 1024 * 1024);
        let workdir = git.workdir().map(Path::to_path_buf);
        Ok(Repo { git, workdir })
    }

    /// Where a shallow clone's history stops, if it is one.
    pub fn shallow_boundary(&self) -> Option<ObjectId> {
        let list = self.git.shallow_commits().ok()??;
        list.iter().next().copied()
    }

    /// The work tree root, or an error for a bare repository.
    pub fn require_workdir(&self) -> Result<&Path, Error> {
        self.workdir.as_deref().ok_or_else(|| {
            Error::new("this command needs a work tree, and this repository is bare")
                .hint("run it in a clone with a checkout")
        })
    }

    /// Resolve a revision (`HEAD~3`, a branch, an id prefix) to a commit id.
    pub fn resolve_commit(&self, rev: &str) -> Result<ObjectId, Error> {
        let unknown = || {
            match self.shallow_boundary() {
            // In a shallow clone `HEAD~10` or an old base often lies beyond the cut.
            Some(cut) => Error::new(format!(
                "unknown revision `{rev}`: this clone is shallow (history is cut at {}), and it may lie beyond the cut",
                cut.to_hex_with_len(8)
            ))
            .hint(crate::history::Shallow::hint()),
            None => match self.git.head().map(|h| h.is_unborn()) {
                Ok(true) => Error::new(format!(
                    "unknown revision `{rev}`: the repository has no commits yet"
                ))
                .hint("make a first commit, then run this again"),
                _ => Error::new(format!("unknown revision `{rev}`"))
                    .hint("give a commit id, branch or tag that `git rev-parse` accepts"),
            },
        }
        };
        // gix's causes ("delegate.traverse(NthAncestor(99999)) failed") are dropped: the
        // message and hint say what to do.
        let id = self
            .git
            .rev_parse_single(rev)
            .map_err(|_| unknown())?
            .object()
            .map_err(|_| unknown())?
            .peel_to_commit()
            .map_err(|_| {
                Error::new(format!("`{rev}` does not name a commit"))
                    .hint("give a commit id, branch or tag")
            })?
            .id;
        Ok(id)
    }
}
