//! `git incident resolve`: mark a note resolved, with its fix.

use super::{Ctx, Outcome, Result};

/// Mark an incident resolved
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`resolve` is not built yet"))
}
