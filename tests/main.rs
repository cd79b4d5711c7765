//! The one integration-test binary: each module tests one part through the real binary on
//! throwaway repositories.

mod common;

mod cli;
mod github;
mod history;
mod import;
mod report;
mod store;
