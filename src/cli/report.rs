//! `git incident report`: the metrics of DESIGN section 6 for a period.

use super::{Ctx, Outcome, Result};

/// Report incident metrics for a period
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`report` is not built yet"))
}
