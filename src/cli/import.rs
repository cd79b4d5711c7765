//! `git incident import`: bootstrap notes from fix commits or GitHub issues.

use super::{Ctx, Outcome, Result};

/// Bootstrap notes from fix commits or closed GitHub issues
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`import` is not built yet"))
}
