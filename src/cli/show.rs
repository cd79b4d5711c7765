//! `git incident show`: one note.

use super::{Ctx, Outcome, Result};

/// Show one incident note
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`show` is not built yet"))
}
