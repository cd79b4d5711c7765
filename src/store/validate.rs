//! The checks behind `git incident validate`: every problem in every note and in the config,
//! each with its file, line and column and a hint. Repository facts (does a commit exist,
//! which files are at HEAD) come in through `Checks`, so this module stays free of git.

use super::{DIR, Located, Note, Store, StoreError, commit_id, id, parse};
pub use commit_id::Named;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeSet;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem, at a place in a file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub level: Level,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Problem {
    fn new(file: &str, at: Located, level: Level) -> Self {
        Problem {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            level,
            message: at.message,
            hint: at.hint,
        }
    }
}

/// What the repository can tell about a note.
pub struct Checks<'a> {
    /// What the text (a full or abbreviated hex id) names in the repository.
    pub lookup: &'a dyn Fn(&str) -> Named,
    /// Files at HEAD (`None` when there is no HEAD commit: path checks are skipped).
    pub head_files: Option<&'a [String]>,
    /// A shallow clone: a commit id that is not found may be beyond the cut, so it is not an
    /// error (the command says once that history is cut).
    pub shallow: bool,
}

/// Field names of note format v1 (others are kept but reported, in case of a typo).
pub(crate) const KNOWN_FIELDS: &[&str] = &[
    "version",
    "id",
    "title",
    "status",
    "severity",
    "tier",
    "opened",
    "resolved",
    "paths",
    "symptoms",
    "commits",
    "root_cause",
    "fix",
    "investigation",
    "repeat_of",
    "resolved_with",
    "environment",
    "tags",
    "links",
    "source",
    "imported_from",
];

/// Where the fields that later checks point at are.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Positions {
    id: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
    version: Option<Spanned<u32>>,
    resolved: Option<Spanned<String>>,
    #[serde(deserialize_with = "spanned_list")]
    paths: Vec<Spanned<String>>,
    commits: CommitPositions,
    repeat_of: Option<Spanned<String>>,
    resolved_with: Option<Spanned<String>>,
    investigation: InvestigationPositions,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InvestigationPositions {
    hours: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CommitPositions {
    fixed_by: Vec<Spanned<String>>,
    introduced_by: Vec<Spanned<String>>,
}

/// Places of a list's items; a single value written for a list gives its own place.
fn spanned_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Spanned<String>>, D::Error> {
    Ok(match Option::<Spanned<OneOrManyRaw>>::deserialize(d)? {
        None => Vec::new(),
        Some(s) => match s.value {
            OneOrManyRaw::Many(items) => items,
            OneOrManyRaw::One(text) => vec![Spanned {
                value: text,
                referenced: s.referenced,
                defined: s.defined,
            }],
        },
    })
}

/// A list of placed items, or one value written where a list was expected.
enum OneOrManyRaw {
    Many(Vec<Spanned<String>>),
    One(String),
}

impl<'de> Deserialize<'de> for OneOrManyRaw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OneOrManyRaw;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list or a single value")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OneOrManyRaw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    items.push(item);
                }
                Ok(OneOrManyRaw::Many(items))
            }
            fn visit_str<E>(self, v: &str) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::One(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::One(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::One(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::One(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::One(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<OneOrManyRaw, E> {
                Ok(OneOrManyRaw::Many(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

fn at<T>(s: &Spanned<T>, message: impl Into<String>) -> Located {
    Located::new(
        s.referenced.line().max(1),
        s.referenced.column().max(1),
        message,
    )
}

/// Checks the config and every note in the work tree; problems sorted by file and line.
pub fn validate(store: &Store, checks: &Checks) -> Result<Vec<Problem>, StoreError> {
    let mut problems = Vec::new();
    match store.config_checked() {
        Ok((_, config_problems)) => problems.extend(
            config_problems
                .into_iter()
                .map(|at| Problem::new(super::CONFIG_FILE, at, Level::Error)),
        ),
        Err(e) => match e {
            StoreError::Parse { file, at } => problems.push(Problem::new(&file, at, Level::Error)),
            StoreError::Unreadable { file, message } => problems.push(Problem::new(
                &file,
                Located::new(1, 1, message),
                Level::Error,
            )),
            other => return Err(other),
        },
    }
    let mut notes: Vec<(String, String, Note)> = Vec::new();
    let Some(dir) = store.checked_dir()? else {
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        return Ok(problems);
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Io {
                action: "read",
                path: dir.display().to_string(),
                source: e,
            })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(StoreError::Io {
                action: "read",
                path: dir.display().to_string(),
                source: e,
            });
        }
    };
    let mut names: Vec<(String, bool)> = entries
        .iter()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let regular = e.file_type().map(|t| t.is_file()).unwrap_or(false);
            Some((name, regular))
        })
        .collect();
    names.sort();
    for (name, regular) in names {
        if name.ends_with(".yml") || (!regular && !name.contains('.') && !name.starts_with('.')) {
            // A note no command will ever read: `x.yml`, or notes in a subdirectory.
            let what = if name.ends_with(".yml") {
                "is not read: note files end in .yaml"
            } else {
                "is a directory; notes in it are not read"
            };
            problems.push(Problem::new(
                &format!("{DIR}/{name}"),
                Located::new(1, 1, what)
                    .hint("notes live directly in .incidents/ as <id>.yaml; rename or move it"),
                Level::Warning,
            ));
            continue;
        }
        if !name.ends_with(".yaml") || name == "config.yaml" {
            continue;
        }
        let file = format!("{DIR}/{name}");
        if id::from_file_name(&name).is_none() {
            problems.push(Problem::new(
                &file,
                Located::new(1, 1, "file name is not a note id")
                    .hint("name note files <id>.yaml with an id of lowercase letters and digits"),
                Level::Error,
            ));
            continue;
        }
        if !regular {
            problems.push(Problem::new(
                &file,
                Located::new(1, 1, "not a regular file (symlinks are not followed)")
                    .hint("replace the link with the note itself"),
                Level::Error,
            ));
            continue;
        }
        let text = match parse::read_limited(&store.root.join(&file)) {
            Ok(text) => text,
            Err(e) => {
                let hint = match e {
                    parse::ReadError::NotUtf8 => {
                        "a note is YAML text in UTF-8; delete the file \
                                                  or save it as UTF-8"
                    }
                    parse::ReadError::TooLarge => "split the note, or link to long logs",
                    parse::ReadError::Io(_) => "check the file's permissions",
                };
                problems.push(Problem::new(
                    &file,
                    Located::new(1, 1, e.to_string()).hint(hint),
                    Level::Error,
                ));
                continue;
            }
        };
        match parse::parse_note(&text) {
            Ok(note) => match super::limits::exceeded(&note) {
                // Over a limit: report it and check nothing else (compiling tens of thousands
                // of globs is what the limit prevents).
                Some(message) => problems.push(Problem::new(
                    &file,
                    limit_location(&text, &note, message),
                    Level::Error,
                )),
                None => notes.push((file, text, note)),
            },
            Err(at) => problems.extend(
                super::loose::problems(&text, at)
                    .into_iter()
                    .map(|at| Problem::new(&file, at, Level::Error)),
            ),
        }
    }
    let ids: BTreeSet<&str> = notes.iter().map(|(_, _, n)| n.id.as_str()).collect();
    for (file, text, note) in &notes {
        check_note(file, text, note, &ids, checks, &mut problems);
    }
    problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(problems)
}

/// The checks that need the parsed note and the other notes' ids.
pub fn check_note(
    file: &str,
    text: &str,
    note: &Note,
    ids: &BTreeSet<&str>,
    checks: &Checks,
    problems: &mut Vec<Problem>,
) {
    let mut error = |at: Located| problems.push(Problem::new(file, at, Level::Error));
    let pos: Positions = parse::parse(text).unwrap_or_default();
    let stem = file
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".yaml"))
        .unwrap_or("");

    match &pos.id {
        None => error(Located::new(1, 1, "the note has no `id`").hint(format!(
            "add `id: \"{stem}\"` (the file name without .yaml)"
        ))),
        Some(s) if !id::is_valid(&s.value) => error(
            at(s, format!("`{}` is not a note id", s.value.escape_debug()))
                .hint("ids are lowercase letters and digits, the file name without .yaml"),
        ),
        Some(s) if s.value != stem => error(
            at(
                s,
                format!("id `{}` does not match the file name {file}", s.value),
            )
            .hint(format!(
                "set `id: \"{stem}\"`, or rename the file to {}.yaml",
                s.value
            )),
        ),
        Some(_) => {}
    }
    if note.version != 1 {
        let loc = pos
            .version
            .as_ref()
            .map_or(Located::new(1, 1, ""), |s| at(s, ""));
        error(Located {
            message: format!("unsupported note version {}", note.version),
            hint: Some("this tool reads version 1 notes".into()),
            ..loc
        });
    }
    if note.title.trim().is_empty() {
        let loc = pos
            .title
            .as_ref()
            .map_or(Located::new(1, 1, ""), |s| at(s, ""));
        error(Located {
            message: "the title is empty".into(),
            hint: Some("say in one line what went wrong".into()),
            ..loc
        });
    }
    if note.status == super::Status::Resolved && note.resolved.is_none() {
        let line = text
            .lines()
            .position(|l| l.starts_with("status:"))
            .map_or(1, |i| i as u64 + 1);
        problems.push(Problem::new(
            file,
            Located::new(line, 1, "the note is resolved but has no `resolved` date")
                .hint("add `resolved: 2026-09-14T08:12:00Z`; time to resolve leaves it out"),
            Level::Warning,
        ));
    }
    let mut error = |at: Located| problems.push(Problem::new(file, at, Level::Error));
    if let (Some(opened), Some(resolved)) = (note.opened, note.resolved)
        && resolved < opened
    {
        let loc = pos
            .resolved
            .as_ref()
            .map_or(Located::new(1, 1, ""), |s| at(s, ""));
        error(Located {
            message: format!("resolved ({resolved}) is before opened ({opened})"),
            hint: Some("check both dates".into()),
            ..loc
        });
    }
    if let Some(h) = note.hours()
        && !(h.is_finite() && (0.0..=super::MAX_HOURS).contains(&h))
    {
        let loc = pos
            .investigation
            .hours
            .as_ref()
            .map_or(Located::new(1, 1, ""), |s| at(s, ""));
        error(Located {
            message: format!(
                "investigation.hours is {}, not a number of hours",
                hours_text(h)
            ),
            hint: Some(format!(
                "write the hours spent as a number from 0 to {}, like 6.5",
                super::MAX_HOURS
            )),
            ..loc
        });
    }
    for (field, value) in [
        ("repeat_of", &pos.repeat_of),
        ("resolved_with", &pos.resolved_with),
    ] {
        let Some(s) = value else { continue };
        let matches = ids
            .iter()
            .filter(|i| i.starts_with(s.value.as_str()))
            .count();
        if !id::is_valid(&s.value) || matches == 0 {
            error(
                at(
                    s,
                    format!("{field} names no note: `{}`", s.value.escape_debug()),
                )
                .hint("give the id of an existing note (`git incident list` shows them)"),
            );
        } else if matches > 1 && !ids.contains(s.value.as_str()) {
            error(
                at(s, format!("{field} `{}` matches several notes", s.value))
                    .hint("write the note's full id"),
            );
        } else if s.value == note.id {
            error(at(s, format!("{field} names the note itself")).hint("name an earlier note"));
        }
    }
    for (field, list) in [
        ("fixed_by", &pos.commits.fixed_by),
        ("introduced_by", &pos.commits.introduced_by),
    ] {
        for s in list {
            let v = s.value.trim();
            let hex = v.len() >= 4 && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit());
            if !hex {
                error(
                    at(
                        s,
                        format!("commits.{field}: `{}` is not a commit id", v.escape_debug()),
                    )
                    .hint("write the full commit id, quoted: \"0192117...\""),
                );
            } else if let Some((message, hint)) =
                commit_id::problem(field, v, (checks.lookup)(v), checks.shallow)
            {
                error(at(s, message).hint(hint));
            }
        }
    }
    if let Some(files) = checks.head_files {
        for s in &pos.paths {
            match path_matches(&s.value, files) {
                Ok(true) => {}
                Ok(false) => problems.push(Problem::new(
                    file,
                    at(s, format!("path `{}` matches no file at HEAD", s.value))
                        .hint("the file may have been deleted or renamed; update the path"),
                    Level::Warning,
                )),
                Err(e) => problems.push(Problem::new(
                    file,
                    at(s, format!("path `{}` is not a valid glob: {e}", s.value))
                        .hint("globs use *, ** and ?; see docs/notes.md"),
                    Level::Error,
                )),
            }
        }
    }
    for (i, line) in text.lines().enumerate() {
        let Some((key, _)) = line.split_once(':') else {
            continue;
        };
        let is_key = !key.is_empty()
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && key.as_bytes()[0].is_ascii_alphabetic();
        // Fields of a team's own are welcome (kept by every command that writes); only a
        // near miss of a known field is worth a word, as it is probably a typo.
        if is_key
            && !KNOWN_FIELDS.contains(&key)
            && let Some(known) = near_miss(key)
        {
            problems.push(Problem::new(
                file,
                Located::new(i as u64 + 1, 1, format!("unknown field `{key}`"))
                    .hint(format!("did you mean `{known}`? no command reads `{key}`")),
                Level::Warning,
            ));
        }
    }
}

/// The known field `key` is probably a misspelling of (edit distance 1 or 2).
fn near_miss(key: &str) -> Option<&'static str> {
    KNOWN_FIELDS
        .iter()
        .copied()
        .find(|known| edit_distance(key, known) <= 2.min(known.len() / 3))
}

/// Levenshtein distance, for short field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn hours_text(h: f64) -> String {
    if h.is_nan() {
        ".nan".into()
    } else if h.is_infinite() {
        if h > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        }
    } else {
        format!("{h}")
    }
}

/// Where the field over a limit starts (its key's line), with the message.
fn limit_location(text: &str, note: &Note, message: String) -> Located {
    let key = if message.contains("symptom") {
        "symptoms:"
    } else {
        "paths:"
    };
    let line = text
        .lines()
        .position(|l| l.starts_with(key))
        .map_or(1, |i| i as u64 + 1);
    let _ = note;
    Located::new(line, 1, format!("the note holds {message}")).hint(
        "notes are read with limits so a hostile note cannot exhaust memory; \
         name directories or fewer globs, link to long logs",
    )
}

/// True when a note's path or glob names a file in `files` (a plain path also matches the
/// files under it, as a directory).
pub fn path_matches(pattern: &str, files: &[String]) -> Result<bool, String> {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    if pattern.contains(['*', '?', '[', '{']) {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| e.kind().to_string())?
            .compile_matcher();
        Ok(files.iter().any(|f| glob.is_match(f)))
    } else {
        let dir = format!("{pattern}/");
        Ok(files.iter().any(|f| f == pattern || f.starts_with(&dir)))
    }
}
