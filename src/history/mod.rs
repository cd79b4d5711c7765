//! The history engine: walk commits from a revision, each commit's changed paths against its
//! first parent (renames followed, merges once), fix commits recognised by a word-bounded
//! pattern. The public types below are the contract other modules use; fields and functions
//! may be added, not renamed.

use gix::ObjectId;

/// What happened to a path in a commit, against the commit's first parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Renamed (and maybe edited); `Change::previous` holds the old path.
    Renamed,
}

/// One changed path. Paths are kept as bytes (they need not be UTF-8) and shown lossily.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: gix::bstr::BString,
    pub previous: Option<gix::bstr::BString>,
}

/// One commit with the facts the rest of the tool needs.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Author time, seconds since the epoch.
    pub author_time: i64,
    /// Committer time, seconds since the epoch.
    pub commit_time: i64,
    /// Author as `Name <email>`, after `.mailmap`.
    pub author: String,
    /// The full message, lossily decoded.
    pub message: String,
    pub changes: Vec<Change>,
    /// The message matches the fix pattern (and the commit is not a revert or a copy).
    pub is_fix: bool,
}

impl Commit {
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("")
    }
}

/// Where a shallow clone's history stops.
#[derive(Debug, Clone)]
pub struct Shallow {
    pub boundary: Vec<ObjectId>,
}

/// The walked history, newest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub commits: Vec<Commit>,
    pub shallow: Option<Shallow>,
    pub warnings: Vec<String>,
}
