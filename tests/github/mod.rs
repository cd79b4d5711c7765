//! Tests of `git incident action` and `import github` through the real binary, against a fake
//! GitHub API on 127.0.0.1.

#![allow(clippy::unwrap_used)]

mod action;
mod action_yml;
mod env;
mod findings;
mod import;
mod import_text;
mod ours;
mod partial;
mod support;
