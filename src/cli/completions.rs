//! `git incident completions`: shell completions.

use super::{Ctx, Outcome, Result};

/// Print shell completions
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`completions` is not built yet"))
}
