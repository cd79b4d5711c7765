//! Changing a few fields of a note that a person wrote, without rewriting the rest: comments,
//! key order and fields this version does not know stay as they were. Only simple shapes are
//! patched (one-line top-level values, a one-line `fixed_by` under `commits:`); the result is
//! parsed back and must equal the intended note, else `None` and the caller writes the note in
//! the tool's own form.

use super::Note;
use super::emit::{double_quoted, scalar};

/// `text` (which parses to `old`) changed so that it parses to `new`, when that can be done
/// line by line.
pub fn patch(text: &str, old: &Note, new: &Note) -> Option<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let simple = |n: &Note| {
        let mut n = n.clone();
        n.status = old.status;
        n.resolved = old.resolved;
        n.root_cause = old.root_cause.clone();
        n.fix = old.fix.clone();
        n.commits.fixed_by = old.commits.fixed_by.clone();
        n
    };
    // Only these fields can be patched; anything else changed means a full rewrite.
    if simple(new) != *old {
        return None;
    }
    if new.status != old.status {
        set_top(&mut lines, "status", new.status.to_string())?;
    }
    if new.resolved != old.resolved {
        set_top(&mut lines, "resolved", new.resolved?.to_string())?;
    }
    if new.root_cause != old.root_cause {
        set_top(
            &mut lines,
            "root_cause",
            one_line(new.root_cause.as_deref()?),
        )?;
    }
    if new.fix != old.fix {
        set_top(&mut lines, "fix", one_line(new.fix.as_deref()?))?;
    }
    if new.commits.fixed_by != old.commits.fixed_by {
        let list: Vec<String> = new
            .commits
            .fixed_by
            .iter()
            .map(|c| double_quoted(c))
            .collect();
        set_fixed_by(&mut lines, format!("[{}]", list.join(", ")))?;
    }
    // A file written with CRLF line ends (Windows editors) keeps them: changing every line
    // of it would hide the real change in `git diff`.
    let newline = if uses_crlf(text) { "\r\n" } else { "\n" };
    let mut out = lines.join(newline);
    out.push_str(newline);
    let back = super::parse::parse_note(&out).ok()?;
    (back == *new).then_some(out)
}

/// True when the text's first line ends in CRLF.
pub fn uses_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| text[..i].ends_with('\r'))
}

fn one_line(s: &str) -> String {
    if s.contains('\n') {
        double_quoted(s)
    } else {
        scalar(s)
    }
}

/// Index of the top-level `key:` line.
fn find_top(lines: &[String], key: &str) -> Option<usize> {
    let prefix = format!("{key}:");
    lines.iter().position(|l| l.starts_with(&prefix))
}

/// True when the value after line `i` does not continue on the next lines.
fn single_line_value(lines: &[String], i: usize) -> bool {
    let value = lines[i].split_once(':').map_or("", |(_, v)| v).trim();
    if value.is_empty() || value.starts_with(['|', '>', '"', '\'', '[', '{']) && !closed(value) {
        return false;
    }
    match lines.get(i + 1) {
        None => true,
        Some(next) => !next.starts_with([' ', '\t', '-']) || next.trim().is_empty(),
    }
}

/// A flow or quoted value that ends on its own line (conservative).
fn closed(value: &str) -> bool {
    let v = value.split(" #").next().unwrap_or(value).trim_end();
    (v.starts_with('"') && v.len() > 1 && v.ends_with('"'))
        || (v.starts_with('\'') && v.len() > 1 && v.ends_with('\''))
        || (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('{') && v.ends_with('}'))
}

/// Replaces a one-line top-level value, or appends the key when it is absent.
fn set_top(lines: &mut Vec<String>, key: &str, value: String) -> Option<()> {
    let line = format!("{key}: {value}");
    match find_top(lines, key) {
        Some(i) if single_line_value(lines, i) => lines[i] = line,
        Some(_) => return None,
        None => lines.push(line),
    }
    Some(())
}

/// Replaces `  fixed_by: [...]` under `commits:`, or adds it.
fn set_fixed_by(lines: &mut Vec<String>, value: String) -> Option<()> {
    let Some(c) = find_top(lines, "commits") else {
        lines.push("commits:".into());
        lines.push(format!("  fixed_by: {value}"));
        return Some(());
    };
    if !lines[c].trim_end().ends_with(':') {
        return None;
    }
    let mut i = c + 1;
    while i < lines.len() && (lines[i].starts_with(' ') || lines[i].trim().is_empty()) {
        if let Some(rest) = lines[i].strip_prefix("  fixed_by:") {
            if !closed(rest.trim()) {
                return None;
            }
            lines[i] = format!("  fixed_by: {value}");
            return Some(());
        }
        i += 1;
    }
    let indented_two = lines
        .get(c + 1)
        .is_some_and(|l| l.starts_with("  ") && !l.starts_with("   "));
    if !indented_two {
        return None;
    }
    lines.insert(c + 1, format!("  fixed_by: {value}"));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::parse::parse_note;

    #[test]
    fn resolving_keeps_comments_and_unknown_fields() {
        let text = "version: 1\nid: \"abcd1234\"\ntitle: x  # short\nstatus: open # triage\n\
                    custom_field: kept\ncommits:\n  introduced_by: [\"83e2010\"]\n";
        let old = parse_note(text).unwrap();
        let mut new = old.clone();
        new.status = crate::store::Status::Resolved;
        new.resolved = Some("2026-09-15T16:40:00Z".parse().unwrap());
        new.root_cause = Some("no".into());
        new.commits.fixed_by = vec!["0192117".into()];
        let out = patch(text, &old, &new).unwrap();
        assert!(out.contains("title: x  # short\n"));
        assert!(out.contains("status: resolved\n"));
        assert!(out.contains("custom_field: kept\n"));
        assert!(out.contains("  fixed_by: [\"0192117\"]\n"));
        assert!(out.contains("root_cause: \"no\"\n"));
        assert_eq!(parse_note(&out).unwrap(), new);
    }

    #[test]
    fn multi_line_values_are_left_to_a_full_rewrite() {
        let text = "version: 1\nid: \"abcd1234\"\ntitle: x\nstatus: open\nfix: |\n  a\n  b\n";
        let old = parse_note(text).unwrap();
        let mut new = old.clone();
        new.fix = Some("c".into());
        assert_eq!(patch(text, &old, &new), None);
    }
}
