//! `git incident validate`: check every note; exit 1 on any error.

use super::{Ctx, Outcome, Result};

/// Check every incident note
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`validate` is not built yet"))
}
