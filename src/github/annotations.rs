//! Line annotations as workflow commands (`::warning file=…,line=…::…`). GitHub shows at most
//! 10 annotations of each kind per step, so only the most important findings become warnings
//! and one notice says how many more are in the job summary.

use super::comment::{flagged, level_name, short};
use super::escape::{command_data, command_property, truncate};
use crate::fragility::{CheckResult, CheckedFile};

/// GitHub's per-step limit for each kind of annotation.
pub const GITHUB_LIMIT: usize = 10;

/// One annotation, before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub file: String,
    pub line: Option<(u32, u32)>,
    pub title: String,
    pub message: String,
}

impl Annotation {
    /// The workflow command line.
    pub fn render(&self) -> String {
        let mut props = format!("file={}", command_property(&self.file));
        if let Some((start, end)) = self.line {
            props.push_str(&format!(",line={start},endLine={end}"));
        }
        props.push_str(&format!(",title={}", command_property(&self.title)));
        format!("::warning {props}::{}", command_data(&self.message))
    }
}

/// Every finding as an annotation, most important first: lines a fix wrote, then files.
pub fn findings(result: &CheckResult) -> Vec<Annotation> {
    let files = flagged(result);
    let mut lines = Vec::new();
    let mut whole = Vec::new();
    for file in files {
        let about = incidents_text(file);
        if file.lines.is_empty() {
            whole.push(Annotation {
                file: file.path.clone(),
                line: None,
                title: format!("git-incident: {} fragility", level_name(file.level)),
                message: format!(
                    "This file has incident history ({about}; {} fix commits). See the pull \
                     request comment or job summary.",
                    file.fix_commits
                ),
            });
        }
        for hit in &file.lines {
            // Only the notes naming this very fix commit (G6): never the file's others.
            let about = match hit.incidents.as_slice() {
                [] => "no note names it".to_string(),
                ids => {
                    let named: Vec<String> = ids
                        .iter()
                        .take(3)
                        .map(|id| match file.incidents.iter().find(|i| &i.id == id) {
                            Some(i) => format!(
                                "incident {id}: {}",
                                truncate(&super::escape::collapse(&i.title), 100)
                            ),
                            None => format!("incident {id}"),
                        })
                        .collect();
                    named.join("; ")
                }
            };
            lines.push(Annotation {
                file: file.path.clone(),
                line: Some((hit.start, hit.end.max(hit.start))),
                title: "git-incident: edits lines a fix wrote".to_string(),
                message: format!(
                    "Lines {}-{} were written by fix {} ({about}). Check that this change \
                     keeps what that fix guards against.",
                    hit.start,
                    hit.end,
                    short(&hit.fix_commit)
                ),
            });
        }
    }
    lines.extend(whole);
    spread(lines)
}

/// Findings of one file beyond the first few wait until every other file had its turn: with
/// GitHub's cap of 10, ten warnings on one file would hide the other risky files.
pub const PER_FILE_FIRST: usize = 3;

fn spread(all: Vec<Annotation>) -> Vec<Annotation> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let (mut first, later): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| {
        let n = seen.entry(a.file.clone()).or_insert(0);
        *n += 1;
        *n <= PER_FILE_FIRST
    });
    first.extend(later);
    first
}

fn incidents_text(file: &CheckedFile) -> String {
    match file.incidents.as_slice() {
        [] => "no note names it".to_string(),
        [one] => format!(
            "incident {}: {}",
            one.id,
            truncate(&super::escape::collapse(&one.title), 100)
        ),
        many => {
            let worst = many
                .iter()
                .min_by_key(|i| i.severity.map_or(4, |s| s as u8))
                .map_or(String::new(), |i| {
                    format!(
                        ", e.g. {}: {}",
                        i.id,
                        truncate(&super::escape::collapse(&i.title), 100)
                    )
                });
            format!("{} incidents{worst}", many.len())
        }
    }
}

/// The lines to print: at most `max` warnings (capped at GitHub's limit), then a notice when
/// findings were left out.
pub fn commands(result: &CheckResult, max: usize) -> (Vec<String>, usize) {
    let all = findings(result);
    let max = max.min(GITHUB_LIMIT);
    let mut out: Vec<String> = all.iter().take(max).map(Annotation::render).collect();
    let rest = all.len().saturating_sub(max);
    if rest > 0 {
        out.push(format!(
            "::notice title=git-incident::{}",
            command_data(&format!(
                "{rest} more finding{} not annotated here; see the job summary for all of them.",
                if rest == 1 { " is" } else { "s are" }
            ))
        ));
    }
    (out, rest)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn properties_are_escaped() {
        let a = Annotation {
            file: "src/a,b:c.rs".into(),
            line: Some((3, 9)),
            title: "git-incident: x".into(),
            message: "line one\nline two: 100%".into(),
        };
        assert_eq!(
            a.render(),
            "::warning file=src/a%2Cb%3Ac.rs,line=3,endLine=9,title=git-incident%3A x::line one%0Aline two: 100%25"
        );
    }
}
