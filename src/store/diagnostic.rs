//! A problem in a note shown the way compilers show one: the file, the offending line with
//! its neighbours, and a caret under the column (rendered by miette, without colours so the
//! text is the same in a terminal, a log or a test).

use super::parse::Located;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct NoteDiagnostic {
    message: String,
    #[source_code]
    source_code: miette::NamedSource<String>,
    #[label("here")]
    span: miette::SourceSpan,
}

/// The snippet of `text` (the note `file`) around `at`, or `None` when it cannot be drawn.
pub fn snippet(file: &str, text: &str, at: &Located) -> Option<String> {
    let offset = byte_offset(text, at.line, at.column)?;
    let diagnostic = NoteDiagnostic {
        message: at.message.clone(),
        source_code: miette::NamedSource::new(file, text.to_string()),
        span: (offset, 0).into(),
    };
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_context_lines(1);
    let mut out = String::new();
    handler.render_report(&mut out, &diagnostic).ok()?;
    Some(out)
}

/// Byte offset of 1-based `line` and `column` (in characters), if inside the text.
fn byte_offset(text: &str, line: u64, column: u64) -> Option<usize> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let column = usize::try_from(column).ok()?.saturating_sub(1);
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let within = l
                .char_indices()
                .nth(column)
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return Some(start + within);
        }
        start += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_points_at_the_line_and_column() {
        let text = "version: 1\nid: abcd1234\nstatus: closed\ntitle: x\n";
        let at = Located::new(3, 9, "status: `closed` is not one of open, resolved");
        let out = snippet(".incidents/abcd1234.yaml", text, &at).unwrap();
        assert!(out.contains(".incidents/abcd1234.yaml:3:9"), "{out}");
        assert!(out.contains("status: closed"), "{out}");
        assert!(out.contains("here"), "{out}");
    }

    #[test]
    fn positions_outside_the_text_draw_nothing() {
        let at = Located::new(9, 1, "x");
        assert!(snippet("f.yaml", "a: 1\n", &at).is_none());
    }
}
