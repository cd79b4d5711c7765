//! Bootstrapping notes from what a repository already knows: fix commits in its history
//! (`import commits`). The planning is pure (history and existing notes in, notes to create
//! out); the CLI writes them through the store.

pub mod commits;
pub mod tickets;
