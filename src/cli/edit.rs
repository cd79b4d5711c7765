//! `git incident edit`: open a note in the editor and check it before saving.

use super::{Ctx, Outcome, Result};

/// Edit an incident note in your editor
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &mut Ctx) -> Result<Outcome> {
    Err(crate::error::Error::new("`edit` is not built yet"))
}
