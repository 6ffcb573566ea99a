//! Reading one catalog file: TOML → platforms and prices, each with the `file:line` it was
//! defined at. Validation is [`crate::pricing::check::validate_file`], which every loader calls.

use crate::pricing::catalog::{CatalogError, Origin, Platform, PriceEntry, Result};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    schema: u32,
    provider: String,
    #[serde(default)]
    platforms: Vec<Spanned<Platform>>,
    #[serde(default)]
    prices: Vec<Spanned<PriceEntry>>,
}

/// The entries of one file in file order, with where each was defined.
pub struct FileEntries {
    pub platforms: Vec<(Platform, Origin)>,
    pub prices: Vec<(PriceEntry, Origin)>,
}

/// Parse one catalog file (syntax and schema only; the rules are checked by the caller).
pub fn read(file: &str, text: &str) -> Result<FileEntries> {
    let parsed: CatalogFile = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
        CatalogError::Syntax {
            file: file.to_string(),
            line,
            column,
            message: e.message().to_string(),
        }
    })?;
    if parsed.schema != 1 {
        return Err(CatalogError::Invalid {
            file: file.to_string(),
            line: 1,
            message: format!(
                "unsupported catalog schema {} (this build reads schema 1)",
                parsed.schema
            ),
        });
    }
    let lines = LineIndex::new(text);
    let origin = |offset: usize| Origin {
        file: file.to_string(),
        line: lines.line(offset),
    };
    let platforms = parsed
        .platforms
        .into_iter()
        .map(|p| {
            let o = origin(p.span().start);
            let mut platform = p.into_inner();
            if platform.provider.is_empty() {
                platform.provider = parsed.provider.clone();
            }
            (platform, o)
        })
        .collect();
    let prices = parsed
        .prices
        .into_iter()
        .map(|e| {
            let o = origin(e.span().start);
            (e.into_inner(), o)
        })
        .collect();
    Ok(FileEntries { platforms, prices })
}

/// Byte offsets where each line starts, so the line of an entry is a binary search rather than a
/// count of every newline before it (which made a 16,000-entry file take seconds).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting_newlines() {
        let text = "a\n\nbc\nd";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(idx.line(offset), line_col(text, offset).0, "offset {offset}");
        }
    }
}
