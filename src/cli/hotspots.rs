//! `git incident hotspots`: files ranked by fragility.

use super::{Ctx, Outcome, Result};

/// Rank files by fragility
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`hotspots` is not built yet"))
}
