//! `git incident action`: the GitHub Action's entry point.

use super::{Ctx, Outcome, Result};

/// Run as the GitHub Action on a pull request
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`action` is not built yet"))
}
