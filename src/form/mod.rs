//! Form definitions: the serde schema, its compiler, and the catalogue of all forms (embedded
//! in the binary or read from `--templates DIR`), validated as a whole.

mod catalog;
mod compile;
mod compile_rule;
mod compiled;
mod def;
mod error;
mod printed;
mod rule;
mod rules_once;
mod says_nothing;
mod show;
mod source;
pub mod statement_patterns;
mod text_or_table;
mod vocabulary;

pub use catalog::Catalog;
pub use compile::compile_form;
pub use compiled::{ActualFrom, Block, FixedRow, Form, Panel, Scoring, Severity};
pub use def::{
    grid_cols, grid_rows, ColKind, ColumnDef, EmptyNoteDef, Family, GridCellDef, HeaderCellDef,
    ListDef, PublishedDef, ReviewDef, ScoringDef,
};
pub use error::DefError;
pub use rule::{RowFilter, Rule, Selector, Target};
pub use rules_once::RulesAt;
pub use show::show;
pub use source::Source;
pub use vocabulary::{opens_with_label, MoneyUnit, Vocabulary};
