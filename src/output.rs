//! Small text helpers shared by the commands: aligned tables for people, one-line excerpts.

/// An aligned table: a header row, then rows; columns separated by two spaces, the last column
/// left unpadded so long titles do not drag trailing spaces. Widths count characters.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate().take(columns) {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            if i + 1 < columns {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// The first line of `text`, cut to `max` characters with an ellipsis; control characters
/// (escape sequences from a hostile note) replaced so a terminal shows them harmlessly.
pub fn excerpt(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut cut: String = clean.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// `text` with control characters other than newline and tab made visible, for printing
/// free text from notes on a terminal.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// A path for a line of text output, quoted the way git quotes one (`core.quotePath`) when
/// it holds a control character, a double quote or a backslash: a newline in a file name
/// must not break a table row. Other paths are shown as they are.
pub fn quote_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 2);
    out.push('"');
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_path_quotes_like_git_only_when_needed() {
        assert_eq!(quote_path("src/a b.rs"), "src/a b.rs");
        assert_eq!(quote_path("new\nline.txt"), "\"new\\nline.txt\"");
        assert_eq!(quote_path("t\tab \"q\".txt"), "\"t\\tab \\\"q\\\".txt\"");
        assert_eq!(quote_path("bell\u{7}"), "\"bell\\007\"");
    }

    #[test]
    fn table_aligns_columns_and_leaves_the_last_unpadded() {
        let t = table(
            &["ID", "TITLE"],
            &[
                vec!["abc".into(), "x".into()],
                vec!["a".into(), "long title".into()],
            ],
        );
        assert_eq!(t, "ID   TITLE\nabc  x\na    long title\n");
    }

    #[test]
    fn excerpt_cuts_and_neutralises_escapes() {
        assert_eq!(excerpt("abcdef\nsecond", 4), "abc…");
        assert_eq!(excerpt("a\u{1b}[31m", 10), "a\u{fffd}[31m");
    }
}
