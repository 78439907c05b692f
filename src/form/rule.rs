//! Rules of a form as compiled once at load (by `compile_rule.rs`): targets with their row
//! selectors read, expressions and conditions parsed into [`Template`]s that later bind to each
//! row without parsing again, and how serious a broken rule is.

use crate::expr::{Ref, Template};

/// The cells a rule defines or judges.
#[derive(Debug, Clone)]
pub enum Target {
    /// Named cells (`L27`, `total.c1`, `fund_score`); none for a check of the whole form.
    Cells(Vec<Ref>),
    /// Each selected row, in each of `columns`.
    Rows {
        selector: Selector,
        columns: Vec<String>,
        /// `where = "code"`: only the rows that have a code.
        only_coded: bool,
    },
}

/// Which rows a row rule applies to (`rows = "…"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Rows of a panel of the form (`items`, `items:leaves`).
    Panel { panel: String, rows: RowFilter },
    /// One row by id (`L27`, `total`).
    Row(String),
}

/// Which rows of a panel a selector keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFilter {
    All,
    /// Rows with children (a coded panel's total always).
    Parents,
    Leaves,
    Coded,
    List,
    Fixed,
    /// The first row of each list group (`list.group_by`).
    Groups,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: crate::expr::Name,
    pub name: crate::expr::Name,
    pub target: Target,
    /// The expression, parsed once; `{code}` and `{line}` are filled in per row.
    pub expr: Template,
    pub severity: Severity,
    pub message: Option<String>,
    /// Checks: the `where` condition under which the rule applies, other than `"code"` (see
    /// [`Target::Rows`]); placeholders as in `expr`.
    pub condition: Option<Template>,
    /// Check: the derive rule whose finding at the same cell this check's finding replaces.
    pub supersedes: Option<String>,
    /// Derive: accepted distance between filled and computed values.
    pub tolerance: Option<rust_decimal::Decimal>,
    /// Derive: severity when every part is blank while the derived cell is filled.
    pub blank_parts: Option<Severity>,
}

/// What kind of rule a list of definitions holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RuleSet {
    Derive,
    Check,
}

impl RuleSet {
    pub(super) fn field(self) -> &'static str {
        match self {
            RuleSet::Derive => "derive",
            RuleSet::Check => "check",
        }
    }
}

pub(super) fn severity_of(s: &str) -> Option<Severity> {
    match s {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

/// How serious a finding is; ordered from the most serious (`Error < Warning < Info`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A form's derive and check rules once compiled.
#[derive(Debug, Default)]
pub(super) struct CompiledRules {
    pub(super) derive: Vec<Rule>,
    pub(super) check: Vec<Rule>,
}
