//! Writing a note as YAML by hand, so that key order is the DESIGN order and every scalar that
//! a YAML reader could take for something other than text (commit ids like `0192117` or
//! `83e2010`, `no`, `on`, `~`, dates, numbers) is quoted. Multi-line text is written as a
//! block literal when that is unambiguous, else double-quoted with escapes.

use super::note::{Checked, Note};
use std::fmt::Write;

/// The note as the tool writes it.
pub fn render(note: &Note) -> String {
    let mut w = Emitter::default();
    w.raw("version", &note.version.to_string());
    w.quoted("id", &note.id);
    w.text("title", &note.title);
    w.raw("status", enum_text(&note.status));
    if let Some(s) = &note.severity {
        w.raw("severity", enum_text(s));
    }
    if let Some(t) = &note.tier {
        w.raw("tier", enum_text(t));
    }
    if let Some(ts) = &note.opened {
        w.raw("opened", &ts.to_string());
    }
    if let Some(ts) = &note.resolved {
        w.raw("resolved", &ts.to_string());
    }
    w.list("paths", &note.paths, false);
    w.list("symptoms", &note.symptoms, false);
    let c = &note.commits;
    if !c.fixed_by.is_empty() || !c.introduced_by.is_empty() || c.introduced_confidence.is_some() {
        w.open("commits");
        w.flow_quoted("fixed_by", &c.fixed_by);
        w.flow_quoted("introduced_by", &c.introduced_by);
        if let Some(conf) = &c.introduced_confidence {
            w.raw("introduced_confidence", enum_text(conf));
        }
        w.close();
    }
    if let Some(s) = &note.root_cause {
        w.text("root_cause", s);
    }
    if let Some(s) = &note.fix {
        w.text("fix", s);
    }
    if let Some(inv) = &note.investigation
        && (inv.hours.is_some() || !inv.checked.is_empty() || !inv.escalations.is_empty())
    {
        w.open("investigation");
        if let Some(h) = inv.hours {
            w.raw("hours", &format_float(h));
        }
        if !inv.checked.is_empty() {
            w.key("checked");
            w.out.push('\n');
            for item in &inv.checked {
                w.checked(item);
            }
        }
        if !inv.escalations.is_empty() {
            let tiers: Vec<&str> = inv.escalations.iter().map(enum_text).collect();
            w.raw("escalations", &format!("[{}]", tiers.join(", ")));
        }
        w.close();
    }
    if let Some(id) = &note.repeat_of {
        w.quoted("repeat_of", id);
    }
    if let Some(id) = &note.resolved_with {
        w.quoted("resolved_with", id);
    }
    if let Some(env) = &note.environment
        && !env.is_empty()
    {
        w.open("environment");
        for (k, v) in env {
            let key = scalar(k);
            w.indent();
            let _ = write!(w.out, "{key}:");
            w.value(v);
        }
        w.close();
    }
    w.list("tags", &note.tags, false);
    w.list("links", &note.links, false);
    if let Some(s) = &note.source {
        w.raw("source", enum_text(s));
    }
    if let Some(key) = &note.imported_from {
        w.quoted("imported_from", key);
    }
    w.out
}

/// A float as YAML reads it back exactly (Rust's shortest round-trip form).
fn format_float(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else if x.is_nan() {
        ".nan".to_string()
    } else if x > 0.0 {
        ".inf".to_string()
    } else {
        "-.inf".to_string()
    }
}

/// The serde name of a unit enum variant (`sev2`, `L3`, `resolved`).
fn enum_text<T: super::note::Named>(value: &T) -> &'static str {
    value.as_str()
}

#[derive(Default)]
struct Emitter {
    out: String,
    depth: usize,
}

impl Emitter {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn key(&mut self, key: &str) {
        self.indent();
        self.out.push_str(key);
        self.out.push(':');
    }

    fn raw(&mut self, key: &str, value: &str) {
        self.key(key);
        self.out.push(' ');
        self.out.push_str(value);
        self.out.push('\n');
    }

    fn quoted(&mut self, key: &str, value: &str) {
        self.raw(key, &double_quoted(value));
    }

    /// A free-text value after `key:` (plain, quoted or block literal).
    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        self.value(value);
    }

    /// Writes ` value\n` or a block literal, after a key or a `-` already written.
    fn value(&mut self, value: &str) {
        if let Some(header) = block_literal_header(value) {
            self.out.push(' ');
            self.out.push_str(header);
            self.out.push('\n');
            self.depth += 1;
            for line in value.strip_suffix('\n').unwrap_or(value).split('\n') {
                if !line.is_empty() {
                    self.indent();
                    self.out.push_str(line);
                }
                self.out.push('\n');
            }
            self.depth -= 1;
        } else {
            self.out.push(' ');
            self.out.push_str(&scalar(value));
            self.out.push('\n');
        }
    }

    fn open(&mut self, key: &str) {
        self.key(key);
        self.out.push('\n');
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
    }

    fn list(&mut self, key: &str, items: &[String], _flow: bool) {
        if items.is_empty() {
            return;
        }
        self.key(key);
        self.out.push('\n');
        self.depth += 1;
        for item in items {
            self.indent();
            self.out.push('-');
            self.value(item);
        }
        self.depth -= 1;
    }

    /// Commit ids, always quoted, on one line: `fixed_by: ["0192117", "83e2010"]`.
    fn flow_quoted(&mut self, key: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let items: Vec<String> = items.iter().map(|s| double_quoted(s)).collect();
        self.raw(key, &format!("[{}]", items.join(", ")));
    }

    fn checked(&mut self, item: &Checked) {
        self.depth += 1;
        self.indent();
        self.out.push_str("- ");
        // The item's mapping sits one level deeper than the `-`, and so does what a block
        // literal under its keys must be indented past.
        self.depth += 1;
        self.out.push_str("what:");
        self.value(&item.what);
        if let Some(result) = &item.result {
            self.key("result");
            self.value(result);
        }
        self.depth -= 2;
    }
}

/// A single-line scalar: plain when no YAML reader could take it for anything but this text,
/// double-quoted otherwise.
pub fn scalar(s: &str) -> String {
    if is_safe_plain(s) {
        s.to_string()
    } else {
        double_quoted(s)
    }
}

/// Words that some YAML reader (1.1 or 1.2) takes for a boolean or null.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf", "infinity",
];

/// Conservative: starts with a letter, `_` or `/`; then only letters, digits and a few
/// punctuation marks that mean nothing to YAML in block context; no trailing space.
fn is_safe_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if s.ends_with(' ') || s.contains("  ") {
        return false;
    }
    let ok = s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '_' | '.' | '/' | '-' | '*' | '+' | '(' | ')' | '=' | '@'
            )
    });
    if !ok {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !RESERVED.contains(&lower.as_str())
}

/// `"..."` with every character YAML could misread escaped.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{85}' | '\u{a0}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `|` or `|-` when `s` reads back exactly as a block literal, else `None`.
///
/// Kept to the cases with no corner: several lines, at most one final newline, no line
/// starting with whitespace (no indentation indicator needed), no trailing whitespace, no
/// control characters or line breaks other than `\n`.
fn block_literal_header(s: &str) -> Option<&'static str> {
    if !s.contains('\n') {
        return None;
    }
    let (body, header) = match s.strip_suffix('\n') {
        Some(body) => (body, "|"),
        None => (s, "|-"),
    };
    if body.is_empty() || body.ends_with('\n') {
        return None;
    }
    for line in body.split('\n') {
        if line.starts_with([' ', '\t']) || line.ends_with([' ', '\t']) {
            return None;
        }
        if line.chars().any(|c| {
            (c.is_control() && c != '\t')
                || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
        }) {
            return None;
        }
    }
    // The first line must not be empty (it would need an indentation indicator when the
    // next lines are indented, and reads oddly anyway).
    if body.starts_with('\n') {
        return None;
    }
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::note::*;
    use crate::store::parse::parse_note;

    const TRICKY: &[&str] = &[
        "0192117",
        "83e2010",
        "1e10",
        "0x1F",
        "0o17",
        "1_000",
        "+1",
        "-1",
        ".5",
        "1.",
        "no",
        "No",
        "NO",
        "on",
        "off",
        "yes",
        "y",
        "n",
        "true",
        "False",
        "null",
        "Null",
        "~",
        "",
        " ",
        "  lead",
        "trail ",
        "2026-09-14",
        "2026-09-14T08:12:00Z",
        "12:30",
        "1:2:3",
        ".inf",
        "-.inf",
        ".nan",
        "nan",
        "- item",
        "-",
        "? q",
        ": x",
        "a: b",
        "a #b",
        "#c",
        "&anchor",
        "*alias",
        "!tag",
        "!!str x",
        "%YAML",
        "@at",
        "`tick",
        "|",
        ">",
        "'q'",
        "\"dq\"",
        "{a: 1}",
        "[1, 2]",
        "a,b",
        "line1\nline2",
        "line1\nline2\n",
        "line1\n\nline3",
        "\n",
        "\nlead",
        "tail\n\n",
        "  indented\nsecond",
        "tab\there",
        "trailing \nspace",
        "cr\r\nlf",
        "nul\0x",
        "bell\x07",
        "uni é ✓ 漢字",
        "\u{2028}sep",
        "\u{feff}bom",
        "\u{85}nel",
        "\u{a0}nbsp",
        "back\\slash",
        "src/pricing/**",
        "---",
        "...",
        "--- x",
        "TimeoutError: checkout exceeded 30s",
        "=",
        "<<",
        "a\tb\n\tc",
        "thread 'main' panicked at src/main.rs:2:5:\nexplicit panic\n",
    ];

    /// A small deterministic generator (xorshift) so the property test is reproducible.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[(self.next() % xs.len() as u64) as usize]
        }
        fn string(&mut self) -> String {
            let n = 1 + self.next() % 3;
            (0..n).map(|_| self.pick(TRICKY)).collect()
        }
    }

    fn note_with(rng: &mut Rng) -> Note {
        let mut env = std::collections::BTreeMap::new();
        env.insert(rng.string(), rng.string());
        Note {
            version: 1,
            id: "k3f9x2ab".into(),
            title: rng.string(),
            status: Status::Resolved,
            severity: Some(Severity::Sev2),
            tier: Some(Tier::L3),
            opened: Some("2026-09-14T08:12:00Z".parse().unwrap()),
            resolved: Some("2026-09-15T16:40:00.5Z".parse().unwrap()),
            paths: vec![rng.string(), rng.string()],
            symptoms: vec![rng.string(), rng.string()],
            commits: Commits {
                fixed_by: vec!["0192117".into(), rng.string()],
                introduced_by: vec!["83e2010".into()],
                introduced_confidence: Some(Confidence::Suggested),
            },
            root_cause: Some(rng.string()),
            fix: Some(rng.string()),
            investigation: Some(Investigation {
                hours: Some((rng.next() % 1000) as f64 / 7.0),
                checked: vec![
                    Checked {
                        what: rng.string(),
                        result: Some(rng.string()),
                    },
                    Checked {
                        what: rng.string(),
                        result: None,
                    },
                ],
                escalations: vec![Tier::L1, Tier::L3],
            }),
            repeat_of: Some("abc12345".into()),
            resolved_with: Some("0000aaaa".into()),
            environment: Some(env),
            tags: vec![rng.string()],
            links: vec![rng.string()],
            source: Some(Source::Manual),
            imported_from: Some("ticket:#12".into()),
        }
    }

    #[test]
    fn every_tricky_string_round_trips_in_every_text_field() {
        for s in TRICKY {
            let mut note = note_with(&mut Rng(1));
            note.title = s.to_string();
            note.symptoms = vec![s.to_string()];
            note.paths = vec![s.to_string()];
            note.root_cause = Some(s.to_string());
            let text = render(&note);
            let back = parse_note(&text).unwrap_or_else(|e| panic!("{s:?}: {e:?}\n{text}"));
            assert_eq!(back, note, "{s:?}\n{text}");
        }
    }

    #[test]
    fn random_notes_round_trip() {
        let mut rng = Rng(0x9e3779b97f4a7c15);
        for _ in 0..2000 {
            let note = note_with(&mut rng);
            let text = render(&note);
            let back = parse_note(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
            assert_eq!(back, note, "\n{text}");
            assert_eq!(render(&back), text);
        }
    }

    #[test]
    fn render_escapes_control_characters_in_every_text_field_whoever_calls_it() {
        // `import github` passes issue titles straight through: an ESC from a stranger's
        // issue must never reach the file (or a terminal that cats it) raw.
        let nasty = "fix \u{1b}[31mred\u{1b}[0m \u{7}bell \u{9b}csi\u{85}nel";
        let mut note = note_with(&mut Rng(3));
        note.title = nasty.to_string();
        note.symptoms = vec![nasty.to_string(), format!("{nasty}\nsecond line")];
        note.root_cause = Some(nasty.to_string());
        note.tags = vec![nasty.to_string()];
        note.environment = Some([(nasty.to_string(), nasty.to_string())].into());
        note.investigation = Some(super::super::note::Investigation {
            hours: None,
            checked: vec![Checked {
                what: nasty.to_string(),
                result: Some(nasty.to_string()),
            }],
            escalations: vec![],
        });
        let text = render(&note);
        for c in text.chars() {
            assert!(
                c == '\n' || !(c.is_control() || c == '\u{85}'),
                "raw {c:?} in\n{text}"
            );
        }
        assert!(text.contains("\\x1b[31m"), "{text}");
        let back = parse_note(&text).unwrap();
        assert_eq!(back, note);
    }

    #[test]
    fn ambiguous_scalars_are_quoted() {
        for s in [
            "0192117",
            "83e2010",
            "1e10",
            "no",
            "on",
            "yes",
            "off",
            "null",
            "~",
            "2026-09-14",
        ] {
            assert_eq!(scalar(s), format!("\"{s}\""));
        }
        assert_eq!(scalar("src/pricing/**"), "src/pricing/**");
    }

    #[test]
    fn keys_follow_the_design_order() {
        let text = render(&note_with(&mut Rng(7)));
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with(' ') && l.contains(':'))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        // The emitter writes every field of the format, in the order `validate` knows them.
        assert_eq!(keys, crate::store::validate::KNOWN_FIELDS);
    }
}
