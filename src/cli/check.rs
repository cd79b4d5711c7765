//! `git incident check`: the fragility of what a change touches.

use super::{Ctx, Outcome, Result};

/// Show the incident history of what a change touches
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`check` is not built yet"))
}
