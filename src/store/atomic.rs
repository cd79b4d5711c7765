//! Atomic writes: a note is written to a temporary file beside it, synced, then renamed into
//! place, so a reader or an interrupted run never sees half a note.

use super::StoreError;
use std::path::Path;

/// Removes temporary files that a killed run left behind (Ctrl-C skips destructors), once per
/// process and only when over an hour old, so a concurrent writer's file is never touched.
pub(super) fn sweep_stale_temps(dir: &Path) {
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if SWEPT.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(".tmp-") && name.ends_with(".yaml.part")) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

pub(super) fn write_temp(dir: &Path, text: &str) -> Result<tempfile::NamedTempFile, StoreError> {
    use std::io::Write;
    let mut builder = tempfile::Builder::new();
    // 0666 before the umask, like git writes files (a temp file alone would be 0600).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .prefix(".tmp-")
        .suffix(".yaml.part")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::io("write", tmp.path(), e))?;
    Ok(tmp)
}
