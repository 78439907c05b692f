//! A definition's text as the compilers read it: TOML as people write it, or the JSON the
//! build made of a built-in TOML file — the same content, read several times faster (reading
//! the built-in definitions was most of start-up).

use serde::de::DeserializeOwned;

/// The text of one definition file.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Toml(&'a str),
    /// The build's JSON of a built-in TOML file (`build.rs`).
    Json(&'a str),
}

/// Why a text did not deserialize: its line, when known, and the parser's message (`brief`
/// alone, `full` with the parser's own context).
pub struct SourceError {
    pub line: Option<usize>,
    pub brief: String,
    pub full: String,
}

impl Source<'_> {
    pub fn parse<T: DeserializeOwned>(self) -> Result<T, SourceError> {
        match self {
            Source::Toml(text) => toml::from_str(text).map_err(|e| SourceError {
                line: e.span().map(|s| line_of(text, s.start)),
                brief: e.message().to_string(),
                full: e.to_string(),
            }),
            Source::Json(text) => serde_json::from_str(text).map_err(|e| SourceError {
                line: Some(e.line()),
                brief: e.to_string(),
                full: e.to_string(),
            }),
        }
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}
