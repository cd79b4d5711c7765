//! Escaping of everything quoted from notes before it is posted to GitHub. Notes can arrive
//! from strangers' pull requests (the base branch holds whatever was merged), so a title must
//! not be able to ping people, inject HTML or break the comment's Markdown tables.

/// Longest run of characters kept from one quoted field; the rest is cut with an ellipsis so
/// that one huge root cause cannot push everything else out of a comment.
pub const MAX_FIELD_CHARS: usize = 300;

/// Text for inline Markdown (also safe inside a table cell): newlines collapsed to spaces, HTML
/// escaped, Markdown punctuation backslash-escaped, `@mentions` broken with a zero-width joiner
/// so they do not notify anyone, and the result cut to `max` characters.
pub fn inline(text: &str, max: usize) -> String {
    let collapsed = collapse(text);
    let cut = truncate(&collapsed, max);
    let mut out = String::with_capacity(cut.len() + 8);
    let mut prev: Option<char> = None;
    for c in cut.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                // GitHub links `@name` (and `@org/team`) only when a word character follows.
                out.push('\u{200D}');
            }
            ':' if prev.is_some_and(|p| p.is_ascii_alphanumeric()) => {
                // `javascript:`-style autolinks and `:emoji:` stay plain text.
                out.push_str("&#58;");
            }
            _ => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// A path or id as a code span when that is safe, else as escaped inline text. Code spans stop
/// mentions and Markdown, but a backtick or a `|` inside would end the span or split a cell.
pub fn code(text: &str) -> String {
    let collapsed = collapse(text);
    let cut = truncate(&collapsed, MAX_FIELD_CHARS);
    if cut.is_empty() || cut.contains(['`', '|', '<', '>', '&']) {
        return inline(&cut, MAX_FIELD_CHARS);
    }
    format!("`{cut}`")
}

/// A URL placed in a Markdown link target: only characters that cannot close the link or
/// start HTML are kept as they are.
pub fn url(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            ' ' => out.push_str("%20"),
            '`' => out.push_str("%60"),
            '|' => out.push_str("%7C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
/// they can make text display in another order than it reads (Trojan Source).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Newlines, tabs and runs of spaces become one space; control characters (bidi controls too)
/// are dropped.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            space = true;
        } else if c.is_control() || is_bidi_control(c) {
            continue;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// At most `max` characters, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Escape the message part of a workflow command (`::warning ...::message`).
pub fn command_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value of a workflow command (`file=`, `title=`).
pub fn command_property(text: &str) -> String {
    command_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn mention_and_html_are_neutralised() {
        let s = inline("@someone <img src=x>", 100);
        assert!(!s.contains("@someone"));
        assert!(!s.contains('<'));
        assert!(s.contains("&lt;img src=x&gt;"));
        assert!(s.contains("someone"));
    }

    #[test]
    fn table_breaking_characters_are_escaped() {
        let s = inline("a | b\n\n* c _d_ `e` [f](g)", 100);
        assert_eq!(s, r"a \| b \* c \_d\_ \`e\` \[f\]\(g\)");
    }

    #[test]
    fn code_span_falls_back_when_unsafe() {
        assert_eq!(code("src/a.rs"), "`src/a.rs`");
        assert_eq!(code("a|b.rs"), r"a\|b.rs");
    }

    #[test]
    fn long_text_is_cut() {
        let s = inline(&"x".repeat(500), 10);
        assert_eq!(s.chars().count(), 10);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(command_property("a,b:c%\nd"), "a%2Cb%3Ac%25%0Ad");
        assert_eq!(command_data("a,b:c\r\n"), "a,b:c%0D%0A");
    }

    #[test]
    fn javascript_scheme_does_not_autolink() {
        assert!(!inline("javascript:alert(1)", 100).contains("javascript:"));
    }
}
