//! The one integration-test binary: each module tests one part through the real binary on
//! throwaway repositories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod cli;
mod commit_ids;
mod github;
mod history;
mod import;
mod report;
mod repos;
mod store;
