//! Markdown building blocks: tables, and making a whole document inert (no raw HTML reaches a
//! viewer).

use std::fmt::Write;

/// The document with `&`, `<` and `>` as entities. Names come from scenario files, catalogs and
/// cloud accounts; Markdown viewers render raw HTML, so a name like `<img src=x onerror=…>` must
/// reach the reader as text. Breakeven's own Markdown uses none of the three characters.
pub fn inert(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for ch in md.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A table cell: pipes escaped, line breaks flattened.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(crate) fn table<H: AsRef<str>>(out: &mut String, header: &[H], rows: &[Vec<String>]) {
    let header: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", header.iter().map(|_| "---|").collect::<String>());
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn markdown_report_names_with_raw_html_are_inert() {
        let md = inert("# Cost report: <img src=x onerror=alert(1)>\n| R&D <b>x</b> |");
        assert!(!md.contains('<') && !md.contains('>'));
        assert_eq!(
            md,
            "# Cost report: &lt;img src=x onerror=alert(1)&gt;\n| R&amp;D &lt;b&gt;x&lt;/b&gt; |"
        );
    }
}
