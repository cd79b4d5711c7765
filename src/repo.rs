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
        let mut git = gix::discover_with_environment_overrides(cwd).map_err(|e| {
            Error::new(format!(
                "not a git repository (or any parent up to the root): {}",
                cwd.display()
            ))
            .hint("run git-incident inside a git repository, or pass -C DIR")
            .with_source(e)
        })?;
        git.object_cache_size_if_unset(64 * 1024 * 1024);
        let workdir = git.workdir().map(Path::to_path_buf);
        Ok(Repo { git, workdir })
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
        let id = self
            .git
            .rev_parse_single(rev)
            .map_err(|e| {
                Error::new(format!("unknown revision `{rev}`"))
                    .hint("give a commit id, branch or tag that `git rev-parse` accepts")
                    .with_source(e)
            })?
            .object()
            .map_err(|e| Error::new(format!("cannot read `{rev}`")).with_source(e))?
            .peel_to_commit()
            .map_err(|e| Error::new(format!("`{rev}` does not name a commit")).with_source(e))?
            .id;
        Ok(id)
    }
}
