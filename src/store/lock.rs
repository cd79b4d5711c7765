//! The store's write lock: `import` reads which notes exist and then writes many, so two at
//! once would each import everything. The lock is an advisory `flock` on a file under the git
//! directory, so the kernel releases it when the process dies (Ctrl-C, SIGKILL) and no stale
//! lock is ever left behind; the file itself stays.

use super::StoreError;
use std::path::Path;

/// The lock file, in the git directory.
pub const LOCK_FILE: &str = "incident.lock";

/// Held while it lives.
#[derive(Debug)]
pub struct StoreLock {
    _file: std::fs::File,
}

/// Takes the store's lock without waiting; `StoreError::Locked` when another process holds
/// it.
pub fn acquire(git_dir: &Path) -> Result<StoreLock, StoreError> {
    let path = git_dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Io {
            action: "open the lock file",
            path: path.display().to_string(),
            source: e,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(StoreLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(StoreError::Locked(path.display().to_string()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Io {
            action: "lock",
            path: path.display().to_string(),
            source: e,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_while_the_first_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        assert!(matches!(acquire(dir.path()), Err(StoreError::Locked(_))));
        drop(first);
        assert!(acquire(dir.path()).is_ok());
    }
}
