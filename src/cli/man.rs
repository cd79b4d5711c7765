//! `git incident man`: the man page, printed or installed where `man` finds it, so that
//! `git incident --help` (which git turns into `man git-incident`) works.
//!
//! `cargo install` cannot install a man page, so the binary installs its own: every run checks
//! (one `stat`) that `<bin>/../share/man/man1/git-incident.1` exists, and writes it when it does
//! not. man-db looks there for every directory on PATH, so `~/.cargo/bin` gets
//! `~/.cargo/share/man`. Failure to write is silent: the page is a convenience.

use super::{Ctx, Outcome, Result};
use std::path::{Path, PathBuf};

/// Print the man page, or install it where `man` finds it
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Install into DIR/man1 instead of printing (default DIR: <bin>/../share/man)
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "")]
    pub install: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &mut Ctx) -> Result<Outcome> {
    let page = render()?;
    match args.install {
        None => ctx.out.write_all(&page)?,
        Some(dir) => {
            let dir = if dir.as_os_str().is_empty() {
                default_dir().ok_or_else(|| {
                    crate::error::Error::new("cannot tell where this binary is installed")
                        .hint("give the directory: git incident man --install ~/.local/share/man")
                })?
            } else {
                dir
            };
            let path = write_page(&dir, &page)?;
            if !ctx.quiet {
                writeln!(ctx.err, "installed {}", path.display())?;
            }
        }
    }
    Ok(Outcome::Success)
}

use std::io::Write;

fn render() -> Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(super::command().name("git-incident"))
        .render(&mut page)
        .map_err(|e| crate::error::Error::new("cannot render the man page").with_source(e))?;
    Ok(page)
}

/// `<bin>/../share/man`, beside the running binary.
fn default_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.join("share").join("man"))
}

fn write_page(dir: &Path, page: &[u8]) -> std::io::Result<PathBuf> {
    let man1 = dir.join("man1");
    std::fs::create_dir_all(&man1)?;
    let path = man1.join("git-incident.1");
    let mut tmp = tempfile::NamedTempFile::new_in(&man1)?;
    tmp.write_all(page)?;
    // A temporary file is private (0600); a man page is for everyone, like git's own.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

/// Install the man page beside the binary when it is missing. Best effort, silent.
pub fn ensure_installed() {
    let Some(dir) = default_dir() else { return };
    if dir.join("man1").join("git-incident.1").exists() {
        return;
    }
    // Only where the binary looks installed (`.../bin/git-incident`), never in a build tree.
    let installed = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|p| p.ends_with("bin")))
        .unwrap_or(false);
    if installed && let Ok(page) = render() {
        let _ = write_page(&dir, &page);
    }
}
