//! The statement patterns of `templates/statements.toml`: the labels a text restates a table
//! figure under, and the cells holding that figure.

use super::error::DefError;
use super::source::Source;
use serde::Deserialize;

/// The built-in patterns, embedded like the form definitions.
pub const BUILT_IN: &str = include_str!("../../templates/statements.toml");
/// The file name the patterns are known by among the definitions.
pub const FILE_NAME: &str = "statements.toml";

/// Which figure of a form a sentence states: the executed amount, the (adjusted) budget or the
/// budget at the start of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Actual,
    Budget,
    Initial,
    /// Last year's figure: never in this year's tables.
    Prior,
}

/// What the stated number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Unit {
    #[default]
    #[serde(rename = "万元")]
    Wan,
    #[serde(rename = "分")]
    Points,
}

/// A cell of a form, as the definitions name cells.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellRef {
    pub form: String,
    pub cell: String,
}

/// One example sentence and the amount the pattern's label takes in it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub text: String,
    pub amount: String,
}

/// One figure a text may restate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub id: String,
    pub labels: Vec<String>,
    #[serde(default)]
    pub unit: Unit,
    #[serde(default)]
    pub part: bool,
    #[serde(default)]
    pub actual: Vec<CellRef>,
    #[serde(default)]
    pub budget: Vec<CellRef>,
    #[serde(default)]
    pub initial: Vec<CellRef>,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// The name a 科目 found in a table is shown by (it has no label when its name is not
    /// its own).
    #[serde(skip)]
    pub shown: Option<String>,
    /// The figure as a part of another (by that one's id): a 科目 listed under 项目支出 is
    /// its 项目支出 column, not its total.
    #[serde(skip)]
    pub as_part_of: Vec<(String, Pattern)>,
}

impl Pattern {
    /// The cells holding the figure on `basis`.
    pub fn cells(&self, basis: Basis) -> &[CellRef] {
        match basis {
            Basis::Actual => &self.actual,
            Basis::Budget => &self.budget,
            Basis::Initial => &self.initial,
            Basis::Prior => &[],
        }
    }
    /// The figure this one is when stated as a part of the figure `parent`.
    pub fn as_part_of(&self, parent: &str) -> Option<&Pattern> {
        self.as_part_of
            .iter()
            .find_map(|(of, p)| (of == parent).then_some(p))
    }
    /// The name people read: the first label.
    pub fn name(&self) -> &str {
        self.shown
            .as_deref()
            .or(self.labels.first().map(String::as_str))
            .unwrap_or(self.id.as_str())
    }
}

/// Every pattern of the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patterns {
    #[serde(default)]
    pub statement: Vec<Pattern>,
    /// The coded tables whose 科目 are figures too, each with the column holding them.
    #[serde(default)]
    pub subjects: Vec<SubjectSource>,
}

/// A coded table whose rows' names a sentence may state, and the column of their amounts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectSource {
    pub form: String,
    pub column: String,
    /// The column holding a 科目's part of another figure, by that figure's id:
    /// `parts = { basic = "c2", project = "c3" }`.
    #[serde(default)]
    pub parts: std::collections::BTreeMap<String, String>,
}

impl Patterns {
    /// Parses and validates a patterns file; `name` is what an error names.
    pub fn parse(name: &str, text: &str) -> Result<Patterns, DefError> {
        Patterns::parse_from(name, Source::Toml(text))
    }

    /// [`Patterns::parse`] of the file in either of its texts.
    pub(crate) fn parse_from(name: &str, source: Source) -> Result<Patterns, DefError> {
        let err = |form: &str, field: &str, message: String| DefError {
            file: name.to_string(),
            form: form.to_string(),
            field: field.to_string(),
            message,
        };
        let patterns: Patterns = source
            .parse()
            .map_err(|e| err("-", "-", format!("语句模式文件无法解析：{}", e.full)))?;
        for p in &patterns.statement {
            if p.labels.iter().any(|l| l.trim().is_empty()) || p.labels.is_empty() {
                return Err(err(&p.id, "labels", "语句模式须有非空的名称".into()));
            }
            if let Some(e) = p
                .examples
                .iter()
                .find(|e| e.amount.parse::<rust_decimal::Decimal>().is_err())
            {
                return Err(err(
                    &p.id,
                    "examples",
                    format!("示例金额“{}”不是数字", e.amount),
                ));
            }
        }
        Ok(patterns)
    }

    /// The patterns built into the binary.
    pub fn built_in() -> Patterns {
        Patterns::parse(FILE_NAME, BUILT_IN).expect("the built-in statement patterns parse")
    }

    /// The pattern whose label is the longest found starting at `chars[at..]`, with the
    /// label's length in characters.
    pub fn label_at(&self, chars: &[char], at: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (i, p) in self.statement.iter().enumerate() {
            for l in &p.labels {
                let n = l.chars().count();
                let fits =
                    chars.len() >= at + n && l.chars().zip(&chars[at..]).all(|(a, b)| a == *b);
                if fits && best.is_none_or(|(_, m)| n > m) {
                    best = Some((i, n));
                }
            }
        }
        best
    }
}

/// Whether a definition file is the statement patterns, known by its name.
pub fn is_patterns_file(name: &str) -> bool {
    std::path::Path::new(name)
        .file_name()
        .is_some_and(|f| f == FILE_NAME)
}
