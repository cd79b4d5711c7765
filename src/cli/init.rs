//! `git incident init`: write `.incidents/config.yaml` with every default shown and commented.

use super::{Ctx, Outcome, Result};

/// Write .incidents/config.yaml with every default, commented
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`init` is not built yet"))
}
