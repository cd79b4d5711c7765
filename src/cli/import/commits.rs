//! `git incident import commits`: Notes from fix commits in history, one per ticket they name.

use crate::cli::{Ctx, Outcome, Result};

/// Notes from fix commits in history, one per ticket they name
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new(
        "`import commits` is not built yet",
    ))
}
