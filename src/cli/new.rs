//! `git incident new`: create a note from flags, from a commit, or in the editor.

use super::{Ctx, Outcome, Result};

/// Record a new incident note
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`new` is not built yet"))
}
