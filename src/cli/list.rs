//! `git incident list`: the notes, filtered, sorted by their dates.

use super::{Ctx, Outcome, Result};

/// List incident notes
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`list` is not built yet"))
}
