//! The cold path: every commit's changed paths read from `git log --name-status -M -z`.
//! git writes into an unlinked temporary file, which is parsed once git is done: measured on
//! git.git, a pipe cost 0.9 s of extra system time (64 KiB pipe buffer, a context switch per
//! chunk), more than the whole parse, and CPU time is the budget. Why the git binary rather than gix: a gix tree-diff walk of git.git took 21.6 s of
//! CPU against git's 4.8 s (docs/performance.md); git's diff machinery prunes unchanged
//! subtrees and reuses its delta-base cache far better, and a git subcommand always has git
//! beside it. Merges that claim a fix get their conflict resolutions from a second, small
//! `git diff-tree --cc` run over just those merges (`resolutions`).

use super::{Change, ChangeKind, HistoryError, RawCommit};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::process::{Command, Stdio};

/// Start of each commit record; git never writes it inside the fields we ask for.
const RECORD: u8 = 0x01;
const FORMAT: &str = "--format=%x01%H%x00%P%x00%at%x00%ct%x00%aN <%aE>%x00%B%x00";

/// The pathspec of a path-limited walk and how it simplifies history.
#[derive(Debug, Clone, Copy)]
pub struct PathLimit<'a> {
    pub paths: &'a [BString],
    /// Walk with `--full-history` (every side branch) instead of git's default
    /// simplification.
    pub full_history: bool,
}

/// What a `git log` run gave.
pub struct LogOutput {
    pub commits: Vec<RawCommit>,
    /// How many times git skipped rename detection because a commit was over the limit.
    pub rename_limit_hits: usize,
}

/// Run `git log` over `tips` minus everything reachable from `exclude` (an `exclude` of just
/// the null id means "only the tips themselves", `--no-walk`), streaming the
/// records, and report progress (commits parsed, bytes git has written).
pub fn run(
    git_dir: &Path,
    tips: &[ObjectId],
    exclude: &[ObjectId],
    similarity: u8,
    rename_limit: usize,
    paths: Option<PathLimit<'_>>,
    on_progress: &mut dyn FnMut(usize, u64),
) -> Result<LogOutput, HistoryError> {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "log.showSignature=false",
            "-c",
            "core.quotePath=false",
            // Personal settings that would change what git prints: paths relative to the
            // current directory, --follow for a single path, no mailmap.
            "-c",
            "diff.relative=false",
            "-c",
            "log.follow=false",
            "-c",
            "log.mailmap=true",
            // With --git-dir, git looks for `.mailmap` in the current directory, which is not
            // the work tree when run from a subdirectory or a library caller: read the
            // committed one (as git does for bare repositories).
            "-c",
            "mailmap.blob=HEAD:.mailmap",
            "-c",
            &format!("diff.renameLimit={rename_limit}"),
            "log",
            "-z",
            "--no-color",
            "--no-ext-diff",
            "--name-status",
            "--encoding=UTF-8",
            FORMAT,
        ])
        .arg(format!("-M{}%", similarity.min(100)));
    if rename_limit == 0 {
        // git reads 0 as "no limit"; 0 in our config means "no rename detection".
        cmd.arg("--no-renames");
    }
    // Revisions go through stdin so that thousands of excluded tips never hit ARG_MAX.
    if exclude.len() == 1 && exclude[0].is_null() {
        // The marker for "exactly these commits": each diffed against its first parent.
        cmd.arg("--no-walk=unsorted");
    }
    cmd.arg("--stdin");
    if paths.is_some() && !(exclude.len() == 1 && exclude[0].is_null()) {
        // Parents rewritten to the nearest listed commit (git's simplified graph for these
        // paths): `%P` then prints those, which blame walks (`paths::split_graph` restores the
        // real parents for everything else). Measured on git.git with 20 paths: the same
        // commits, and no more CPU than without.
        cmd.arg("--parents");
    }
    if let Some(limit) = &paths {
        // Which side branches a path-limited walk reads. git's default history
        // simplification (as `git log -- <paths>` and `git blame` see it) leaves out a side
        // branch whose changes to these paths a merge discarded; the full scan behind the
        // cache reads every commit's own changes and counts such a branch, so on tokio
        // (whose maintenance branches are merged so) `check` and `hotspots` differed in 7
        // of 20 one-commit changes, once by a level. `--full-history` reads those branches
        // too: no measurable cost on tokio, but 1.8x this walk's CPU on git.git (3.1 s
        // against 1.7 s for 20 paths) and 11,000 more merges in blame's graph (check 8.3 s
        // against 4.0 s), so it is used on histories up to `paths::FULL_HISTORY_UP_TO`.
        if limit.full_history {
            cmd.arg("--full-history");
        }
        cmd.arg("--");
        for p in limit.paths {
            // `:(literal)` so that a file named `*.rs` is not a pathspec glob.
            let literal = [b":(literal)".as_slice(), p.as_slice()].concat();
            let path = gix::path::from_bstring(BString::from(literal))
                .map_err(|e| HistoryError::GitOutput(e.to_string()))?;
            cmd.arg(path);
        }
    }
    let mut output = tempfile::tempfile().map_err(HistoryError::GitSpawn)?;
    let stdout = output.try_clone().map_err(HistoryError::GitSpawn)?;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::piped())
        .env_remove("GIT_EXTERNAL_DIFF")
        .env("GIT_NO_REPLACE_OBJECTS", "1");
    let mut child = cmd.spawn().map_err(HistoryError::GitSpawn)?;
    let mut revs = String::new();
    for t in tips {
        revs.push_str(&format!("{t}\n"));
    }
    for e in exclude.iter().filter(|e| !e.is_null()) {
        revs.push_str(&format!("^{e}\n"));
    }
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = std::io::Write::write_all(&mut stdin, revs.as_bytes());
        }
    });
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = stderr.read_to_string(&mut text);
        }
        text
    });
    // Poll often at first (most runs are short), then every 50 ms for the progress line.
    let mut pause = std::time::Duration::from_millis(1);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(HistoryError::GitSpawn)? {
            break status;
        }
        let written = output.metadata().map(|m| m.len()).unwrap_or(0);
        on_progress(0, written);
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(50));
    };
    let _ = writer.join();
    let stderr = err_reader.join().unwrap_or_default();
    if !status.success() {
        return Err(git_failed(&stderr));
    }
    output
        .seek(SeekFrom::Start(0))
        .map_err(HistoryError::GitSpawn)?;
    let commits = parse(BufReader::with_capacity(1 << 20, output), &mut |n| {
        on_progress(n, 0)
    })?;
    let rename_limit_hits = stderr.matches("rename detection was skipped").count();
    Ok(LogOutput {
        commits,
        rename_limit_hits,
    })
}

/// The conflict resolutions of `merges`: for each, the files where the merge differs from
/// every parent in at least one hunk (`git diff-tree --cc`, the dense combined diff).
///
/// Only the `diff --cc` headers are read, and the patch is asked for with no context lines:
/// `--cc --name-status` (what `-c` lists) also names files both sides changed and git merged
/// cleanly, and context lines would join a hunk from one side with a nearby hunk from the
/// other into one "interesting" hunk. Merges are diffed without rename detection: with `-M`
/// git gives up its one-pass walk over all parents' trees (measured on git.git: `--cc` on
/// every merge in the cold `git log` took 52 s of CPU against 2.7 s without), and a resolved
/// file is listed under its name in the merge either way.
pub fn resolutions(
    git_dir: &Path,
    merges: &[ObjectId],
) -> Result<Vec<(ObjectId, Vec<Change>)>, HistoryError> {
    if merges.is_empty() {
        return Ok(Vec::new());
    }
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir")
        .arg(git_dir)
        .args([
            "-c",
            "core.quotePath=false",
            "diff-tree",
            "--stdin",
            "--cc",
            "-U0",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--format=%x01%H",
        ])
        .env_remove("GIT_EXTERNAL_DIFF")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    // A patch can be large; like `run`, git writes into a file rather than a pipe that
    // would need a reader thread.
    let mut output = tempfile::tempfile().map_err(HistoryError::GitSpawn)?;
    let stdout = output.try_clone().map_err(HistoryError::GitSpawn)?;
    cmd.stdout(Stdio::from(stdout));
    let mut child = cmd.spawn().map_err(HistoryError::GitSpawn)?;
    let revs: String = merges.iter().map(|m| format!("{m}\n")).collect();
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = std::io::Write::write_all(&mut stdin, revs.as_bytes());
        }
    });
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let status = child.wait().map_err(HistoryError::GitSpawn)?;
    let _ = writer.join();
    if !status.success() {
        return Err(git_failed(&stderr));
    }
    output
        .seek(SeekFrom::Start(0))
        .map_err(HistoryError::GitSpawn)?;
    parse_resolutions(BufReader::new(output))
}

/// Parse `diff-tree --cc --format=%x01%H` output: a `\x01<id>` line per merge, then per file
/// a `diff --cc <path>` header, maybe `new file mode` or `deleted file mode`, and hunks whose
/// lines all start with one of ` +-@` (so never with `\x01`, `d` or `n`).
pub fn parse_resolutions(
    mut input: impl BufRead,
) -> Result<Vec<(ObjectId, Vec<Change>)>, HistoryError> {
    let mut out: Vec<(ObjectId, Vec<Change>)> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .map_err(HistoryError::GitSpawn)?
            == 0
        {
            break;
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if let Some(id) = line.strip_prefix(&[RECORD]) {
            out.push((parse_id(id)?, Vec::new()));
            continue;
        }
        let Some((_, changes)) = out.last_mut() else {
            continue;
        };
        if let Some(path) = line.strip_prefix(b"diff --cc ") {
            changes.push(Change {
                kind: ChangeKind::Modified,
                path: unquote(path),
                previous: None,
            });
        } else if let Some(last) = changes.last_mut() {
            if line.starts_with(b"new file mode ") {
                last.kind = ChangeKind::Added;
            } else if line.starts_with(b"deleted file mode ") {
                last.kind = ChangeKind::Deleted;
            }
        }
    }
    Ok(out)
}

/// A path as git prints it in a patch header: as is, or in double quotes with C escapes
/// (control characters, `"` and `\`; octal for other bytes when `core.quotePath` is on).
fn unquote(raw: &[u8]) -> BString {
    let Some(inner) = raw.strip_prefix(b"\"") else {
        return BString::from(raw);
    };
    let inner = inner.strip_suffix(b"\"").unwrap_or(inner);
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        i += 1;
        if b != b'\\' || i >= inner.len() {
            out.push(b);
            continue;
        }
        let e = inner[i];
        i += 1;
        let plain = match e {
            b'a' => 7,
            b'b' => 8,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 11,
            b'f' => 12,
            b'r' => b'\r',
            b'0'..=b'3' => {
                let digits = inner.get(i..i + 2).unwrap_or(&[]);
                if digits.len() == 2 && digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                    i += 2;
                    (e - b'0') * 64 + (digits[0] - b'0') * 8 + (digits[1] - b'0')
                } else {
                    e
                }
            }
            other => other,
        };
        out.push(plain);
    }
    BString::from(out)
}

/// Parse the NUL-separated stream: per commit six header fields, then `STATUS\0path\0`
/// (two paths for renames and copies).
pub fn parse(
    mut input: impl BufRead,
    on_commit: &mut dyn FnMut(usize),
) -> Result<Vec<RawCommit>, HistoryError> {
    let mut commits: Vec<RawCommit> = Vec::new();
    let mut token = Vec::with_capacity(256);
    let mut pending: Option<Vec<u8>> = None;
    loop {
        let start = match pending.take() {
            Some(t) => t,
            None => match next_token(&mut input, &mut token)? {
                Some(t) => t.to_vec(),
                None => break,
            },
        };
        let start = trim_newlines(&start);
        if start.is_empty() {
            continue;
        }
        if start[0] != RECORD {
            return Err(malformed("a commit record", start));
        }
        let id = parse_id(&start[1..])?;
        let parents_field = field(&mut input, &mut token)?;
        let mut parents = Vec::new();
        for p in parents_field
            .split(|b| *b == b' ')
            .filter(|p| !p.is_empty())
        {
            parents.push(parse_id(p)?);
        }
        let author_time = parse_int(&field(&mut input, &mut token)?)?;
        let commit_time = parse_int(&field(&mut input, &mut token)?)?;
        let author = text(field(&mut input, &mut token)?);
        let mut message = text(field(&mut input, &mut token)?);
        message.truncate(message.trim_end().len());
        let mut changes = Vec::new();
        while let Some(t) = next_token(&mut input, &mut token)? {
            let t = trim_newlines(t);
            if t.is_empty() {
                continue;
            }
            if t[0] == RECORD {
                pending = Some(t.to_vec());
                break;
            }
            let status = t[0];
            let kind = match status {
                b'A' | b'C' => ChangeKind::Added,
                b'D' => ChangeKind::Deleted,
                b'R' => ChangeKind::Renamed,
                // M, T (type change), U, X: the path was touched.
                _ => ChangeKind::Modified,
            };
            let first = BString::from(field(&mut input, &mut token)?);
            if status == b'R' || status == b'C' {
                let second = BString::from(field(&mut input, &mut token)?);
                if status == b'R' {
                    changes.push(Change {
                        kind,
                        path: second,
                        previous: Some(first),
                    });
                } else {
                    // A copy leaves the source in place: the new path starts its own history.
                    changes.push(Change {
                        kind,
                        path: second,
                        previous: None,
                    });
                }
            } else {
                changes.push(Change {
                    kind,
                    path: first,
                    previous: None,
                });
            }
        }
        commits.push(RawCommit {
            id,
            parents,
            author_time,
            commit_time,
            author,
            message,
            changes,
            boundary: false,
        });
        if commits.len().is_multiple_of(1024) {
            on_commit(commits.len());
        }
    }
    Ok(commits)
}

fn next_token<'a>(
    input: &mut impl BufRead,
    buf: &'a mut Vec<u8>,
) -> Result<Option<&'a [u8]>, HistoryError> {
    buf.clear();
    let n = input.read_until(0, buf).map_err(HistoryError::GitSpawn)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&0) {
        buf.pop();
    }
    Ok(Some(buf.as_slice()))
}

fn field(input: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<Vec<u8>, HistoryError> {
    match next_token(input, buf)? {
        Some(t) => Ok(t.to_vec()),
        None => Err(HistoryError::GitOutput(
            "the output of git log ended inside a commit".into(),
        )),
    }
}

/// Valid UTF-8 is taken as is (the fast path); anything else is decoded lossily.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn trim_newlines(t: &[u8]) -> &[u8] {
    let start = t.iter().position(|b| *b != b'\n').unwrap_or(t.len());
    &t[start..]
}

fn parse_id(hex: &[u8]) -> Result<ObjectId, HistoryError> {
    ObjectId::from_hex(hex).map_err(|_| malformed("a commit id", hex))
}

fn parse_int(text: &[u8]) -> Result<i64, HistoryError> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| malformed("a timestamp", text))
}

fn malformed(what: &str, got: &[u8]) -> HistoryError {
    let shown: String = got.to_str_lossy().chars().take(60).collect();
    HistoryError::GitOutput(format!("expected {what} in git log output, got {shown:?}"))
}

/// Run git on `git_dir` with `args` (replace refs off, as everywhere in the history) and
/// return its stdout; a failure names `what` was asked and git's own message.
pub(super) fn capture<I, S>(git_dir: &Path, args: I, what: &str) -> Result<Vec<u8>, HistoryError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .stdin(Stdio::null())
        .output()
        .map_err(HistoryError::GitSpawn)?;
    if !out.status.success() {
        return Err(HistoryError::GitOutput(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The error for a git that exited unsuccessfully: its first non-blank line of stderr.
fn git_failed(stderr: &str) -> HistoryError {
    HistoryError::GitFailed {
        message: stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolutions_parse_headers_and_ignore_hunk_lines() {
        let id = "0123456789012345678901234567890123456789";
        let other = "9876543210987654321098765432109876543210";
        let text = format!(
            "\x01{id}\n\ndiff --cc conf.txt\nindex 1,2..3\n@@@ -1,1 -1,1 +1,1 @@@\n- diff --cc no\n ++new file mode 1\n\
             diff --cc \"t\\tab \\\"q\\\" \\303\\251\"\nnew file mode 100644\n\
             diff --cc gone.txt\ndeleted file mode 100644\n\x01{other}\n"
        );
        let got = parse_resolutions(text.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        let paths: Vec<(ChangeKind, BString)> =
            got[0].1.iter().map(|c| (c.kind, c.path.clone())).collect();
        assert_eq!(
            paths,
            vec![
                (ChangeKind::Modified, BString::from("conf.txt")),
                (ChangeKind::Added, BString::from("t\tab \"q\" \u{e9}")),
                (ChangeKind::Deleted, BString::from("gone.txt")),
            ]
        );
        assert!(got[1].1.is_empty());
    }
}
