//! What can go wrong in the store, each with the hint that fixes it.

use super::DIR;
use super::parse::Located;
use std::path::Path;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("{file}:{}:{}: {}", .at.line, .at.column, .at.message)]
    Parse { file: String, at: Located },
    #[error("{file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("`{0}` is not a note id")]
    InvalidId(String),
    #[error("no note with id `{0}`")]
    NotFound(String),
    #[error("`{prefix}` is ambiguous: it starts {}", .candidates.join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
    },
    /// A note the tool would refuse to read back (too large, too many paths...).
    #[error("refusing to write a note the tool could not read back: {0}")]
    WouldNotRead(String),
    #[error("a note {0} already exists")]
    Exists(String),
    #[error("cannot read the notes in commit {commit}: {message}")]
    Tree { commit: String, message: String },
    /// `.incidents` is a symbolic link, not a directory, or resolves outside the work tree.
    #[error("{DIR} {0}; refusing to read or write notes outside the repository")]
    Outside(String),
    /// Another git-incident holds the store's lock.
    #[error("another git-incident is writing notes in this repository ({0} is locked)")]
    Locked(String),
}

impl StoreError {
    pub(super) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::Parse { at, .. } => at.hint.clone(),
            StoreError::WouldNotRead(_) => Some(
                "keep long logs out of the note: link to them (--link) and quote the key lines"
                    .into(),
            ),
            StoreError::InvalidId(_) => {
                Some("note ids are lowercase letters and digits, like `k3f9x2ab`".into())
            }
            StoreError::NotFound(_) => Some("`git incident list` shows the ids".into()),
            StoreError::Ambiguous { .. } => Some("type more characters of the id".into()),
            StoreError::Unreadable { .. } => {
                Some("`git incident validate` shows every problem".into())
            }
            StoreError::Outside(_) => Some(format!(
                "make {DIR} a real directory of the repository (`rm {DIR} && mkdir {DIR}`), \
                 then move the notes into it"
            )),
            StoreError::Locked(_) => Some(
                "wait for the other command (an import?) to finish, then run this again".into(),
            ),
            _ => None,
        }
    }
}

impl From<StoreError> for crate::error::Error {
    fn from(e: StoreError) -> Self {
        let mut err = crate::error::Error::new(e.to_string());
        if let Some(hint) = e.hint() {
            err = err.hint(hint);
        }
        err
    }
}
