//! The per-commit cache of changed paths, `<git common dir>/incident-cache/history-v1.bin`.
//!
//! A commit's changed paths never change, so entries are keyed by commit id and only new
//! commits are ever computed. Besides the commits, the file lists the tips whose whole
//! ancestry it holds; an update walks `new tip --not <tips>` only. The settings that shape the
//! result (rename similarity and limit, the shallow boundary) are part of the header: a
//! mismatch rebuilds. Writes go to a temporary file renamed into place, so two processes
//! never see half a file (the later rename wins, and both files are complete). Anything
//! unreadable is treated as absent and rebuilt.
//!
//! Layout (little-endian): magic, params string, tips, commit count, commits, end magic, and
//! the CRC-32 of everything before it: a flipped bit (a bad disk, a stray write) rebuilds the
//! cache instead of changing a score.
//! A commit: id(20), parent count(u16), parents, author time(i64), commit time(i64), flags(u8),
//! author, message, change count(u32), changes (kind u8, path, previous if renamed).
//! Strings are u32 length + bytes.
//!
//! Beside it, `merges-v1.bin` holds the conflict resolutions of merges (the files where the
//! merge differs from every parent), by merge id. Only merges whose message claims a fix are
//! ever resolved, and which those are depends on the fix pattern, so the entries are filled
//! lazily and kept apart: a new pattern resolves a few more merges without rewriting the
//! history file, and the history file's format (and every existing cache) stays as it was.
//! Layout: magic, entry count(u64), entries (id, change count(u32), changes), end magic.

use super::{Change, ChangeKind, RawCommit};
use gix::ObjectId;
use gix::bstr::BString;
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"GINCHv02";
const END: &[u8; 8] = b"GINCHend";
const FILE: &str = "history-v1.bin";
const MERGES_MAGIC: &[u8; 8] = b"GINCMv02";
const MERGES_FILE: &str = "merges-v1.bin";

/// Conflict resolutions by merge id (an empty list: the merge resolved nothing by hand).
pub type Resolutions = std::collections::HashMap<ObjectId, Vec<Change>>;

/// A loaded cache: tips fully covered, and commits newest batch first.
#[derive(Debug, Default)]
pub struct Cache {
    pub tips: Vec<ObjectId>,
    /// Commits where git skipped rename detection (over the rename limit), kept so that a
    /// warm run warns like the cold one did.
    pub rename_limit_hits: u32,
    pub commits: Vec<RawCommit>,
}

/// Where the cache lives for a repository.
pub fn path(common_dir: &Path) -> PathBuf {
    common_dir.join("incident-cache").join(FILE)
}

/// Where the merges' conflict resolutions live for a repository.
pub fn merges_path(common_dir: &Path) -> PathBuf {
    common_dir.join("incident-cache").join(MERGES_FILE)
}

/// Read the stored resolutions; empty when absent or damaged (they are computed again).
pub fn load_resolutions(file: &Path) -> Resolutions {
    std::fs::read(file)
        .ok()
        .and_then(|data| checked(&data).and_then(decode_resolutions))
        .unwrap_or_default()
}

/// The content of a file whose last four bytes are the CRC-32 of the rest, if they are.
fn checked(data: &[u8]) -> Option<&[u8]> {
    let (body, sum) = data.split_at_checked(data.len().checked_sub(4)?)?;
    (crc32fast::hash(body).to_le_bytes() == sum).then_some(body)
}

/// A writer that keeps the CRC-32 of what went through it.
struct Summed<'a> {
    inner: &'a mut dyn Write,
    crc: crc32fast::Hasher,
}

impl Write for Summed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Write the resolutions atomically, like the history cache.
pub fn store_resolutions(file: &Path, resolutions: &Resolutions) -> std::io::Result<()> {
    write_atomic(file, |w| encode_resolutions(w, resolutions))
}

/// Read the cache; `None` when absent, written with other settings, or damaged.
pub fn load(file: &Path, params: &str) -> Option<Cache> {
    let data = std::fs::read(file).ok()?;
    decode(checked(&data)?, params)
}

/// Write the cache atomically (temporary file, then rename).
pub fn store(file: &Path, params: &str, cache: &Cache) -> std::io::Result<()> {
    write_atomic(file, |w| encode(w, params, cache))
}

/// Write through a temporary file in the same directory, renamed into place.
fn write_atomic(
    file: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        let mut summed = Summed {
            inner: &mut w,
            crc: crc32fast::Hasher::new(),
        };
        write(&mut summed)?;
        let sum = summed.crc.finalize();
        w.write_all(&sum.to_le_bytes())?;
        w.flush()?;
    }
    share_like_the_repository(dir, tmp.as_file());
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Give the cache the read and write bits of the repository's own `config` file (what
/// the umask and `core.sharedRepository` gave it), instead of the temporary file's private
/// 0600: a shared repository's other users, or its owner after a run by root, can use it.
#[cfg(unix)]
fn share_like_the_repository(cache_dir: &Path, file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    let Some(config) = cache_dir.parent().map(|common| common.join("config")) else {
        return;
    };
    if let Ok(meta) = std::fs::metadata(config) {
        let mode = meta.permissions().mode() & 0o666;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode | 0o600));
    }
}

#[cfg(not(unix))]
fn share_like_the_repository(_: &Path, _: &std::fs::File) {}

fn encode_resolutions(out: &mut dyn Write, resolutions: &Resolutions) -> std::io::Result<()> {
    out.write_all(MERGES_MAGIC)?;
    out.write_all(&(resolutions.len() as u64).to_le_bytes())?;
    for (id, changes) in resolutions {
        out.write_all(id.as_bytes())?;
        put_changes(out, changes)?;
    }
    out.write_all(END)
}

fn decode_resolutions(data: &[u8]) -> Option<Resolutions> {
    let mut r = Reader { data, pos: 0 };
    if r.take(8)? != MERGES_MAGIC {
        return None;
    }
    let n = r.u64()? as usize;
    let mut out = Resolutions::with_capacity(n.min(data.len() / 24));
    for _ in 0..n {
        let id = r.id()?;
        out.insert(id, r.changes()?);
    }
    if r.take(8)? != END || r.pos != data.len() {
        return None;
    }
    Some(out)
}

fn encode(out: &mut dyn Write, params: &str, cache: &Cache) -> std::io::Result<()> {
    out.write_all(MAGIC)?;
    put_bytes(out, params.as_bytes())?;
    out.write_all(&(cache.tips.len() as u32).to_le_bytes())?;
    for t in &cache.tips {
        out.write_all(t.as_bytes())?;
    }
    out.write_all(&cache.rename_limit_hits.to_le_bytes())?;
    out.write_all(&(cache.commits.len() as u64).to_le_bytes())?;
    for c in &cache.commits {
        out.write_all(c.id.as_bytes())?;
        out.write_all(&(c.parents.len() as u16).to_le_bytes())?;
        for p in &c.parents {
            out.write_all(p.as_bytes())?;
        }
        out.write_all(&c.author_time.to_le_bytes())?;
        out.write_all(&c.commit_time.to_le_bytes())?;
        out.write_all(&[u8::from(c.boundary)])?;
        put_bytes(out, c.author.as_bytes())?;
        put_bytes(out, c.message.as_bytes())?;
        put_changes(out, &c.changes)?;
    }
    out.write_all(END)
}

fn put_changes(out: &mut dyn Write, changes: &[Change]) -> std::io::Result<()> {
    out.write_all(&(changes.len() as u32).to_le_bytes())?;
    for ch in changes {
        let kind = match ch.kind {
            ChangeKind::Added => b'A',
            ChangeKind::Modified => b'M',
            ChangeKind::Deleted => b'D',
            ChangeKind::Renamed => b'R',
        };
        out.write_all(&[kind])?;
        put_bytes(out, &ch.path)?;
        if ch.kind == ChangeKind::Renamed {
            put_bytes(out, ch.previous.as_deref().map(|p| &p[..]).unwrap_or(b""))?;
        }
    }
    Ok(())
}

fn put_bytes(out: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(bytes)
}

/// A bounds-checked reader: every read returns `None` past the end, so a truncated or
/// corrupted file is rejected instead of panicking.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn id(&mut self) -> Option<ObjectId> {
        ObjectId::try_from(self.take(20)?).ok()
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn changes(&mut self) -> Option<Vec<Change>> {
        let nc = self.u32()? as usize;
        // Each change takes at least 5 bytes: a corrupt count must not reserve gigabytes.
        let mut changes = Vec::with_capacity(nc.min(self.data.len() / 5));
        for _ in 0..nc {
            let kind = match self.u8()? {
                b'A' => ChangeKind::Added,
                b'M' => ChangeKind::Modified,
                b'D' => ChangeKind::Deleted,
                b'R' => ChangeKind::Renamed,
                _ => return None,
            };
            let path = BString::from(self.bytes()?);
            let previous = if kind == ChangeKind::Renamed {
                Some(BString::from(self.bytes()?))
            } else {
                None
            };
            changes.push(Change {
                kind,
                path,
                previous,
            });
        }
        Some(changes)
    }
}

/// Text as stored (valid UTF-8 in practice, since it was decoded before it was written).
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn decode(data: &[u8], params: &str) -> Option<Cache> {
    let mut r = Reader { data, pos: 0 };
    if r.take(8)? != MAGIC || r.bytes()? != params.as_bytes() {
        return None;
    }
    let ntips = r.u32()? as usize;
    let mut tips = Vec::with_capacity(ntips.min(1024));
    for _ in 0..ntips {
        tips.push(r.id()?);
    }
    let rename_limit_hits = r.u32()?;
    let n = r.u64()? as usize;
    // A corrupt count must not make us reserve gigabytes: each commit takes > 40 bytes.
    let mut commits = Vec::with_capacity(n.min(data.len() / 40));
    for _ in 0..n {
        let id = r.id()?;
        let np = r.u16()? as usize;
        let mut parents = Vec::with_capacity(np);
        for _ in 0..np {
            parents.push(r.id()?);
        }
        let author_time = r.i64()?;
        let commit_time = r.i64()?;
        let boundary = r.u8()? != 0;
        let author = text(r.bytes()?);
        let message = text(r.bytes()?);
        let changes = r.changes()?;
        commits.push(RawCommit {
            id,
            parents,
            author_time,
            commit_time,
            author,
            message,
            changes,
            boundary,
        });
    }
    if r.take(8)? != END || r.pos != data.len() {
        return None;
    }
    Some(Cache {
        tips,
        rename_limit_hits,
        commits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cache {
        let id = ObjectId::from_hex(b"0123456789012345678901234567890123456789").unwrap();
        Cache {
            tips: vec![id],
            rename_limit_hits: 0,
            commits: vec![RawCommit {
                id,
                parents: vec![id],
                author_time: 5,
                commit_time: 6,
                author: "A <a@b>".into(),
                message: "Fix crash".into(),
                changes: vec![Change {
                    kind: ChangeKind::Renamed,
                    path: "b\u{ff}".into(),
                    previous: Some("a".into()),
                }],
                boundary: false,
            }],
        }
    }

    #[test]
    fn round_trip() {
        let mut bytes = Vec::new();
        encode(&mut bytes, "p", &sample()).unwrap();
        let back = decode(&bytes, "p").unwrap();
        assert_eq!(back.commits[0].changes, sample().commits[0].changes);
        assert_eq!(back.tips, sample().tips);
    }

    #[test]
    fn resolutions_round_trip_and_reject_damage() {
        let id = ObjectId::from_hex(b"0123456789012345678901234567890123456789").unwrap();
        let other = ObjectId::from_hex(b"9876543210987654321098765432109876543210").unwrap();
        let mut res = Resolutions::new();
        res.insert(id, sample().commits[0].changes.clone());
        res.insert(other, Vec::new());
        let mut bytes = Vec::new();
        encode_resolutions(&mut bytes, &res).unwrap();
        assert_eq!(decode_resolutions(&bytes), Some(res));
        for cut in 0..bytes.len() {
            assert!(decode_resolutions(&bytes[..cut]).is_none());
        }
        let mut history = Vec::new();
        encode(&mut history, "p", &sample()).unwrap();
        assert!(decode_resolutions(&history).is_none());
    }

    #[test]
    fn truncated_or_foreign_cache_is_rejected() {
        let mut bytes = Vec::new();
        encode(&mut bytes, "p", &sample()).unwrap();
        assert!(decode(&bytes, "other").is_none());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut], "p").is_none());
        }
    }

    #[test]
    fn a_flipped_bit_anywhere_rebuilds_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("incident-cache").join(FILE);
        store(&file, "p", &sample()).unwrap();
        assert!(load(&file, "p").is_some());
        let good = std::fs::read(&file).unwrap();
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            std::fs::write(&file, &bad).unwrap();
            assert!(
                load(&file, "p").is_none(),
                "a flip at byte {at} went unnoticed"
            );
        }
        let merges = dir.path().join("incident-cache").join(MERGES_FILE);
        let mut res = Resolutions::new();
        res.insert(sample().commits[0].id, sample().commits[0].changes.clone());
        store_resolutions(&merges, &res).unwrap();
        assert_eq!(load_resolutions(&merges), res);
        let mut bad = std::fs::read(&merges).unwrap();
        bad[30] ^= 0x01;
        std::fs::write(&merges, &bad).unwrap();
        assert!(load_resolutions(&merges).is_empty());
    }
}
