//! The history engine: walk commits from a revision, each commit's changed paths against its
//! first parent (renames followed, merges once), fix commits recognised by a word-bounded
//! pattern. The public types below are the contract other modules use; fields and functions
//! may be added, not renamed.
//!
//! How a scan runs: the changed paths of every commit come from a per-commit cache under the
//! git directory (`cache`), and commits the cache lacks are read from `git log` (`gitlog`),
//! then added to it. Fix recognition (`fix`) runs on every scan, so a changed pattern never
//! needs a rebuild. Rename lineage (`lineage`) maps a file at the tip to its older names.

mod ancestors;
mod beside;
mod cache;
mod copies;
pub mod derived;
pub mod fix;
mod gitlog;
mod lineage;
mod merges;
mod order;

mod paths;
mod span;
pub use fix::{FixMatcher, cherry_picked_from, is_revert};
pub use lineage::FileHistory;

use crate::config::Config;
use crate::repo::Repo;
use gix::ObjectId;
use gix::bstr::BString;
use std::collections::HashSet;

/// What happened to a path in a commit, against the commit's first parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    /// Renamed (and maybe edited); `Change::previous` holds the old path.
    Renamed,
}

/// One changed path. Paths are kept as bytes (they need not be UTF-8) and shown lossily.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: gix::bstr::BString,
    pub previous: Option<gix::bstr::BString>,
}

/// One commit with the facts the rest of the tool needs.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Author time, seconds since the epoch.
    pub author_time: i64,
    /// Committer time, seconds since the epoch.
    pub commit_time: i64,
    /// Author as `Name <email>`, after `.mailmap`.
    pub author: String,
    /// The full message, lossily decoded.
    pub message: String,
    /// Paths changed against the first parent. Empty for merges (their side branches'
    /// commits carry the changes) and for the shallow boundary (its parent is missing),
    /// except a merge that is a fix: the files its conflict resolution changed (where it
    /// differs from every parent), as `Modified`, `Added` or `Deleted`.
    pub changes: Vec<Change>,
    /// The message matches the fix pattern (and the commit is not a revert or a copy).
    pub is_fix: bool,
}

impl Commit {
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("")
    }

    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// What a copy of this commit made without `-x` (a cherry-pick, a rebase) keeps: author,
    /// author time and subject.
    pub fn copy_key(&self) -> (String, i64, String) {
        (
            self.author.clone(),
            self.author_time,
            self.summary().to_string(),
        )
    }
}

/// Where a shallow clone's history stops.
#[derive(Debug, Clone)]
pub struct Shallow {
    pub boundary: Vec<ObjectId>,
}

impl Shallow {
    /// The sentence every command shows when history is cut.
    pub fn message(&self) -> String {
        let at = self
            .boundary
            .first()
            .map(|id| id.to_hex_with_len(12).to_string())
            .unwrap_or_default();
        format!("history is cut at {at} (shallow clone); figures cover only the commits present")
    }

    /// How to get the whole history.
    pub fn hint() -> &'static str {
        "run `git fetch --unshallow` (in GitHub Actions: `fetch-depth: 0` on actions/checkout)"
    }
}

/// The walked history, newest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub commits: Vec<Commit>,
    pub shallow: Option<Shallow>,
    pub warnings: Vec<String>,
    /// The commit the walk started from.
    pub tip: Option<ObjectId>,
    /// Every file (blob, symlink, submodule) in the tip's tree: the files that can rank.
    pub files: Vec<BString>,
    /// The span recency is weighed over (`span`), read from the whole history by a
    /// path-limited scan (which holds only some commits) so that it weighs a fix exactly as
    /// a full scan does; `None` means "from `commits`" (`History::recency_span`).
    pub span: Option<(i64, i64)>,
    /// For a path-limited scan, the simplified graph of each of its walks (empty otherwise).
    pub graphs: Vec<PathGraph>,
}

/// The simplified graph of one path-limited `git log` walk: for every commit it listed, the
/// parents git rewrote to the nearest listed commit (`--parents`). Between a commit's real
/// parent and its rewritten one no commit changes any of `paths`, so a blame of one of them
/// may step straight from one to the other (`fragility::blame`).
#[derive(Debug, Clone, Default)]
pub struct PathGraph {
    /// The pathspec of the walk.
    pub paths: Vec<BString>,
    /// Rewritten parents of each listed commit, in the order of its real parents (a parent
    /// whose line holds no listed commit is dropped, as are duplicates).
    pub parents: gix::hashtable::HashMap<ObjectId, Vec<ObjectId>>,
}

/// A commit as read from git or the cache, before fix recognition.
#[derive(Debug, Clone)]
pub(crate) struct RawCommit {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    pub author_time: i64,
    pub commit_time: i64,
    pub author: String,
    pub message: String,
    pub changes: Vec<Change>,
    /// A shallow-boundary commit: its parents are missing, its changes unknown.
    pub boundary: bool,
}

/// How to scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Start here instead of `HEAD`.
    pub rev: Option<String>,
    /// `config.fix_pattern`.
    pub fix_pattern: String,
    /// Minimum rename similarity in percent (git's 50 by default).
    pub rename_similarity: u8,
    /// Most added plus deleted files per commit for rename detection; 0 turns it off.
    pub rename_limit: usize,
    /// Read and update the per-commit cache under the git directory.
    pub use_cache: bool,
    /// Only commits touching these paths (no cache, no rename following across them).
    pub paths: Option<Vec<BString>>,
    /// Path-limited walks read every side branch (`--full-history`); set by the
    /// path-limited scan itself on histories small enough to afford it.
    pub full_history: bool,
}

impl ScanOptions {
    pub fn from_config(config: &Config) -> ScanOptions {
        ScanOptions {
            rev: None,
            fix_pattern: config.fix_pattern.clone(),
            rename_similarity: config.rename_similarity,
            rename_limit: config.rename_limit,
            use_cache: true,
            paths: None,
            full_history: false,
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions::from_config(&Config::default())
    }
}

/// Progress of a long scan, for a progress line on stderr.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Commits parsed so far.
    pub commits: usize,
    /// Bytes git has written so far, while it walks.
    pub bytes: u64,
    pub phase: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("the repository has no commits yet")]
    Empty,
    #[error("unknown revision `{rev}`")]
    UnknownRevision { rev: String },
    #[error("cannot read the repository: {0}")]
    Repository(String),
    #[error("cannot run git: {0}")]
    GitSpawn(#[source] std::io::Error),
    #[error("git log failed: {message}")]
    GitFailed { message: String },
    #[error("cannot read git's output: {0}")]
    GitOutput(String),
    #[error("the fix pattern `{pattern}` is not a valid regular expression: {message}")]
    FixPattern { pattern: String, message: String },
}

impl From<HistoryError> for crate::error::Error {
    fn from(e: HistoryError) -> Self {
        let hint = match &e {
            HistoryError::Empty => "make a first commit, then run this again",
            HistoryError::UnknownRevision { .. } => {
                "give a commit id, branch or tag that `git rev-parse` accepts"
            }
            HistoryError::GitSpawn(_) => "git-incident needs the `git` binary on PATH",
            HistoryError::FixPattern { .. } => {
                "fix `fix_pattern` in .incidents/config.yaml (Rust regex syntax)"
            }
            _ => "run `git fsck` to check the repository",
        };
        crate::error::Error::new(e.to_string()).hint(hint)
    }
}

fn repo_err(e: impl std::fmt::Display) -> HistoryError {
    HistoryError::Repository(e.to_string())
}

/// Walk the history from `opts.rev` (or `HEAD`): every commit once, newest first, with its
/// changed paths and whether it is a fix.
pub fn scan(
    repo: &Repo,
    opts: &ScanOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<History, HistoryError> {
    let git = &repo.git;
    let matcher = FixMatcher::new(&opts.fix_pattern)?;
    let start = resolve_start(repo, opts.rev.as_deref())?;
    let boundary: HashSet<ObjectId> = match git.shallow_commits().map_err(repo_err)? {
        Some(list) => list.iter().copied().collect(),
        None => HashSet::new(),
    };
    let mut boundary_sorted: Vec<ObjectId> = boundary.iter().copied().collect();
    boundary_sorted.sort();
    let params = format!(
        "M{} l{} shallow:{} mailmap:{}",
        opts.rename_similarity,
        opts.rename_limit,
        boundary_sorted
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(","),
        mailmap_version(repo)
    );

    let mut warnings = Vec::new();
    let mut span = None;
    let mut graphs = Vec::new();
    let (mut raw, rename_limit_hits, limited) = if let Some(paths) = &opts.paths {
        let scanned = paths::scan_paths(repo, opts, start, paths, progress)?;
        span = scanned.span;
        if scanned.renames_cut_short {
            warnings.push(format!(
                "a changed file was renamed more than {} times; its history before that is left out (run `git incident hotspots` once to build the cache, which follows every rename)",
                paths::MAX_RENAME_GENERATIONS
            ));
        }
        graphs = scanned.graphs;
        (scanned.commits, scanned.rename_limit_hits, true)
    } else if opts.use_cache {
        let (commits, hits) = scan_cached(repo, opts, start, &params, progress, &mut warnings)?;
        (commits, hits, false)
    } else {
        let out = run_log(repo, opts, &[start], &[], None, progress)?;
        (out.commits, out.rename_limit_hits as u32, false)
    };

    for c in &mut raw {
        if boundary.contains(&c.id) {
            // git shows a boundary commit as a root that adds every file; it is not one.
            c.boundary = true;
            c.parents.clear();
            c.changes.clear();
        }
    }
    if !limited && !opts.use_cache {
        // Freshly read from git: every ancestor is there (or beyond a shallow boundary).
        // (`scan_cached` keeps only `start`'s ancestors itself: the cache holds other tips'.)
        let all = raw.len();
        raw = order::reachable(raw, start).ok_or_else(|| {
            HistoryError::GitOutput(format!(
                "git log listed {all} commits but not all ancestors of {start}"
            ))
        })?;
    }
    let mut raw = order::topological(raw, &graphs);
    merges::resolve_fix_merges(repo, &matcher, &mut raw, opts.use_cache, &mut warnings);

    if rename_limit_hits > 0 {
        // git reports this once per walk, not per commit, so no count is given.
        warnings.push(format!(
            "rename detection was skipped in commits that add and delete more than {} files; files renamed there lose their older history (raise `rename_limit` in .incidents/config.yaml)",
            opts.rename_limit
        ));
    }

    let ids: gix::hashtable::HashSet<ObjectId> = raw.iter().map(|c| c.id).collect();
    let commits = raw
        .into_iter()
        .map(|c| {
            let is_fix = decide_fix(&matcher, &c.parents, &c.message, &ids);
            Commit {
                id: c.id,
                parents: c.parents,
                author_time: c.author_time,
                commit_time: c.commit_time,
                author: c.author,
                message: c.message,
                changes: c.changes,
                is_fix,
            }
        })
        .collect::<Vec<Commit>>();
    let mut commits = drop_copied_fixes(commits);
    copies::drop_reworded_copies(repo, &mut commits);

    let shallow = (!boundary.is_empty()).then_some(Shallow {
        boundary: boundary_sorted,
    });
    let files = tip_files(repo, start)?;
    Ok(History {
        commits,
        shallow,
        warnings,
        tip: Some(start),
        files,
        span,
        graphs,
    })
}

/// A fix cherry-picked without `-x` keeps its author, author time and subject: a later such
/// copy (in commit order) that changed nothing the earlier ones had not is the same evidence
/// again, not a new fix. Cheaper than patch-ids (no diff is read), and as strict in practice:
/// the author time is to the second. A copy that also changed other files (a partial backport
/// beside the full fix, say) keeps its credit; scoring then counts the shared files once
/// (`Commit::copy_key`), so a path-limited history, which sees only some of each copy's
/// files, scores every file as the full history does.
fn drop_copied_fixes(mut commits: Vec<Commit>) -> Vec<Commit> {
    let mut seen: std::collections::HashMap<(String, i64, String), Vec<BString>> =
        std::collections::HashMap::new();
    // Newest first: walk from the oldest so the original keeps the credit.
    for c in commits.iter_mut().rev() {
        if !c.is_fix {
            continue;
        }
        let paths = seen.entry(c.copy_key()).or_default();
        let first = paths.is_empty();
        let covered = c.changes.iter().all(|ch| paths.contains(&ch.path));
        paths.extend(c.changes.iter().map(|ch| ch.path.clone()));
        if !first && covered {
            c.is_fix = false;
        }
    }
    commits
}

/// Whether a commit is a fix among the commits `ids`. A `-x` copy of a commit we also have is
/// the same evidence twice; a copy whose source is elsewhere is the only evidence here, so it
/// counts. A merge's changes are its side branch's commits, which count on their own; a merge
/// is a fix only for what its conflict resolution changed (`merges`).
fn decide_fix(
    matcher: &FixMatcher,
    parents: &[ObjectId],
    message: &str,
    ids: &gix::hashtable::HashSet<ObjectId>,
) -> bool {
    let source = cherry_picked_from(message);
    let copy_of_known = source
        .and_then(|src| ObjectId::from_hex(src.as_bytes()).ok())
        .is_some_and(|src| ids.contains(&src));
    !copy_of_known
        && if parents.len() < 2 {
            fix_message(matcher, message, source.is_some())
        } else {
            matcher.is_merge_fix(message)
        }
}

/// The fix test without the cherry-pick rule, which `scan` applies knowing the history.
fn fix_message(matcher: &FixMatcher, message: &str, is_copy: bool) -> bool {
    if is_copy {
        let stripped: String = message
            .lines()
            .filter(|l| !l.contains("(cherry picked from commit "))
            .collect::<Vec<_>>()
            .join("\n");
        return matcher.is_fix(&stripped);
    }
    matcher.is_fix(message)
}

fn resolve_start(repo: &Repo, rev: Option<&str>) -> Result<ObjectId, HistoryError> {
    // `HEAD` (import's default) in a repository with no commits is the same situation as no
    // revision at all, and gets the same message.
    let rev = rev.filter(|r| *r != "HEAD");
    match rev {
        Some(rev) => repo
            .git
            .rev_parse_single(rev)
            .ok()
            .and_then(|id| id.object().ok())
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id)
            .ok_or_else(|| HistoryError::UnknownRevision {
                rev: rev.to_string(),
            }),
        None => {
            let mut head = repo.git.head().map_err(repo_err)?;
            if head.is_unborn() {
                return Err(HistoryError::Empty);
            }
            head.peel_to_commit().map(|c| c.id).map_err(repo_err)
        }
    }
}

fn run_log(
    repo: &Repo,
    opts: &ScanOptions,
    tips: &[ObjectId],
    exclude: &[ObjectId],
    paths: Option<&[BString]>,
    progress: &mut dyn FnMut(Progress),
) -> Result<gitlog::LogOutput, HistoryError> {
    gitlog::run(
        repo.git.git_dir(),
        tips,
        exclude,
        opts.rename_similarity,
        opts.rename_limit,
        paths.map(|paths| gitlog::PathLimit {
            paths,
            full_history: opts.full_history,
        }),
        &mut |commits, bytes| {
            progress(Progress {
                commits,
                bytes,
                phase: if commits == 0 {
                    "git log"
                } else {
                    "reading history"
                },
            })
        },
    )
}

/// Tips kept in the cache; older ones are dropped (their commits stay, only the
/// `--not` list that bounds the next update gets shorter).
const MAX_TIPS: usize = 64;

fn scan_cached(
    repo: &Repo,
    opts: &ScanOptions,
    start: ObjectId,
    params: &str,
    progress: &mut dyn FnMut(Progress),
    warnings: &mut Vec<String>,
) -> Result<(Vec<RawCommit>, u32), HistoryError> {
    let file = cache::path(repo.git.common_dir());
    let mut cached = cache::load(&file, params).unwrap_or_default();
    if cached.commits.iter().any(|c| c.id == start) {
        let hits = cached.rename_limit_hits;
        match order::reachable(std::mem::take(&mut cached.commits), start) {
            Some(commits) => return Ok((commits, hits)),
            // Present but with holes: the file is not what we wrote. Start over.
            None => cached = cache::Cache::default(),
        }
    }
    // A tip that no longer exists (a branch rewritten by a rebase or an amend, then
    // garbage-collected) cannot bound the walk: git would stop with "bad object". The other
    // tips' ancestry is still all in the cache, and the lost commits are never asked for again.
    cached.tips.retain(|t| repo.git.has_object(t));
    let out = run_log(repo, opts, &[start], &cached.tips, None, progress)?;
    let mut commits = out.commits;
    commits.append(&mut cached.commits);
    let mut tips = vec![start];
    tips.extend(
        cached
            .tips
            .into_iter()
            .filter(|t| *t != start)
            .take(MAX_TIPS - 1),
    );
    let updated = cache::Cache {
        tips,
        rename_limit_hits: cached.rename_limit_hits + out.rename_limit_hits as u32,
        commits,
    };
    if let Err(e) = cache::store(&file, params, &updated) {
        warnings.push(format!(
            "cannot write the history cache {}: {e}; the next run reads history again",
            file.display()
        ));
    }
    let all = updated.commits.len();
    let commits = order::reachable(updated.commits, start).ok_or_else(|| {
        HistoryError::GitOutput(format!(
            "git log listed {all} commits but not all ancestors of {start}"
        ))
    })?;
    Ok((commits, updated.rename_limit_hits))
}

/// What the authors in the cache were mapped with: the committed `.mailmap` (which `gitlog`
/// tells git to read) and the content of a `mailmap.file` from the configuration. A change
/// to either rebuilds the cache, so that warm and cold runs count people alike.
fn mailmap_version(repo: &Repo) -> String {
    let committed = repo
        .git
        .head_commit()
        .ok()
        .and_then(|c| c.tree().ok())
        .and_then(|t| t.lookup_entry_by_path(".mailmap").ok().flatten())
        .map(|e| e.object_id().to_string())
        .unwrap_or_default();
    let configured = repo
        .git
        .config_snapshot()
        .string("mailmap.file")
        .and_then(|p| gix::path::from_bstr(p).ok().map(|p| p.into_owned()))
        .and_then(|p| std::fs::read(p).ok())
        .map(|bytes| format!("{:08x}", crc32fast::hash(&bytes)))
        .unwrap_or_default();
    format!("{committed}/{configured}")
}

/// Files in the tip's tree (not directories).
fn tip_files(repo: &Repo, start: ObjectId) -> Result<Vec<BString>, HistoryError> {
    let tree = repo
        .git
        .find_commit(start)
        .map_err(repo_err)?
        .tree()
        .map_err(repo_err)?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(repo_err)?;
    let mut files: Vec<BString> = recorder
        .records
        .into_iter()
        .filter(|e| !e.mode.is_tree())
        .map(|e| e.filepath)
        .collect();
    files.sort();
    Ok(files)
}

/// The default cache location, for benchmarks and `--no-cache` style cleanups.
pub fn cache_path(repo: &Repo) -> std::path::PathBuf {
    cache::path(repo.git.common_dir())
}
