//! git-incident: keep debugging knowledge in the repository as small YAML incident notes tied to
//! commits and paths, and put it to work (fragility, pull-request warnings, matching, reports).
//!
//! Layout: `cli` is the only module that knows about clap and the only one that prints; the core
//! modules (`store`, `history`, `fragility`, `import`, `report`, `github`) take plain values and
//! writers and return data or typed errors.

pub mod cli;
pub mod config;
pub mod error;
pub mod fragility;
pub mod github;
pub mod history;
pub mod import;
pub mod output;
pub mod repo;
pub mod report;
pub mod store;
