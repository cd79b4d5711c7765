//! `git incident import github`: Notes from closed bug issues of a GitHub repository.

use crate::cli::{Ctx, Outcome, Result};

/// Notes from closed bug issues of a GitHub repository
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`import github` is not built yet"))
}
