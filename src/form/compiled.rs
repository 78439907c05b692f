//! A form definition compiled: blocks, panels, fixed rows, rules and scoring, as every other
//! stage uses it (the compiler is `compile.rs`).

use super::def::*;
use super::error::DefError;
use super::rule::Rule;
pub use super::rule::Severity;
use super::rules_once::Rules;
use crate::expr::Expr;

#[derive(Debug, Clone)]
pub struct Form {
    pub file: String,
    pub id: String,
    pub table_no: String,
    pub title: String,
    pub family: Family,
    pub sheet_name: String,
    pub aliases: Vec<String>,
    pub unit_label: String,
    /// The grid cell holding the unit's name, if the form prints it in its grid.
    pub unit_field: Option<String>,
    pub period: Option<String>,
    pub money_unit: String,
    pub landscape: bool,
    pub repeatable: bool,
    pub notes: Vec<String>,
    pub empty_note: Option<EmptyNoteDef>,
    pub signature: Vec<GridCellDef>,
    pub blocks: Vec<Block>,
    /// The derive and check rules (`derive()`, `check()`).
    pub(super) rules: Rules,
    pub scoring: Option<Scoring>,
    pub review: ReviewDef,
    pub figures: Vec<FigureDef>,
    pub prior: PriorDef,
    pub negative: NegativeDef,
    /// Sheet columns the widest block needs.
    pub width: u16,
    /// The form as printed when no row fills an optional column, made on first use
    /// (`printed`): blank templates and most workbooks are laid out without them.
    pub(super) without_optional: PrintedOnce,
}

/// A form made once from the form holding it: left out of its `Debug` (two equal forms are
/// equal whether made or not) and not copied by `Clone` (a copy may be changed).
#[derive(Default)]
pub(super) struct PrintedOnce(pub(super) std::sync::OnceLock<Option<Box<Form>>>);

impl Clone for PrintedOnce {
    fn clone(&self) -> Self {
        PrintedOnce::default()
    }
}

impl std::fmt::Debug for PrintedOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrintedOnce")
    }
}

/// The columns of the rows a 评（扣）分标准 scores (see [`ScoringDef`]).
#[derive(Debug, Clone)]
pub struct Scoring {
    pub panel: String,
    pub name: String,
    pub rule: Option<String>,
    pub target: String,
    pub actual: Option<String>,
    pub unit: Option<String>,
    pub weight: String,
    pub score: Option<String>,
    /// Grid score cells with the grid cell of their 分值 (see [`ScoringDef`]).
    pub score_cells: Vec<(String, String)>,
    pub actual_from: Vec<ActualFrom>,
    /// Indicators whose rate is met only at 100% or below (`met_at_most_100`).
    pub met_at_most_100: Vec<String>,
}

/// An indicator whose actual value another form gives.
#[derive(Debug, Clone)]
pub struct ActualFrom {
    pub id: String,
    pub name: String,
    pub indicators: Vec<String>,
    pub expr: Expr,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    pub header: Vec<Vec<HeaderCellDef>>,
    pub column_numbers: bool,
    pub side_label: Option<String>,
    pub panels: Vec<Panel>,
    pub grid: Vec<Vec<GridCellDef>>,
    pub footer: Vec<Vec<GridCellDef>>,
    pub width: u16,
}

impl Block {
    pub fn is_table(&self) -> bool {
        !self.panels.is_empty()
    }
    /// Sheet column (relative to the form's first column) where a panel starts.
    pub fn panel_offset(&self, index: usize) -> u16 {
        let side = u16::from(self.side_label.is_some());
        side + self.panels[..index].iter().map(Panel::width).sum::<u16>()
    }
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub id: String,
    pub columns: Vec<ColumnDef>,
    pub rows: Vec<FixedRow>,
    pub coded: Option<CodedDef>,
    pub list: Option<ListDef>,
}

impl Panel {
    pub fn width(&self) -> u16 {
        self.columns.iter().map(|c| c.span).sum()
    }
    /// Sheet columns of the printed form: the optional columns left out.
    pub fn printed_width(&self) -> u16 {
        self.columns
            .iter()
            .filter(|c| !c.optional)
            .map(|c| c.span)
            .sum()
    }
    pub fn column(&self, id: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| *c.id == *id)
    }
    /// Offset of a column inside the panel.
    pub fn column_offset(&self, id: &str) -> Option<u16> {
        let mut off = 0;
        for c in &self.columns {
            if *c.id == *id {
                return Some(off);
            }
            off += c.span;
        }
        None
    }
    pub fn value_columns(&self) -> impl Iterator<Item = &ColumnDef> {
        self.columns.iter().filter(|c| c.kind.is_value())
    }
    pub fn column_of_kind(&self, kind: ColKind) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.kind == kind)
    }
    /// The one amount/number column a bare row reference means, when there is just one.
    pub fn default_column(&self) -> Option<&str> {
        let mut numeric = self.columns.iter().filter(|c| c.kind.is_numeric());
        match (numeric.next(), numeric.next()) {
            (Some(c), None) => Some(&c.id),
            _ => None,
        }
    }
    pub fn is_variable(&self) -> bool {
        self.coded.is_some() || self.list.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct FixedRow {
    pub id: String,
    pub line: Option<u32>,
    pub label: Option<String>,
    pub aliases: Vec<String>,
    pub code: Option<String>,
    pub show_code: bool,
    pub inputs: Option<Vec<String>>,
    pub blank: bool,
    pub indent: u8,
    pub parent: Option<String>,
    pub label_span: Option<u16>,
}

impl FixedRow {
    /// Whether the row declares value column `col` a cell the clerk fills (`inputs`); a grid
    /// cell (no column) is none of a row's.
    pub fn declares_input(&self, col: Option<&str>) -> bool {
        let declared = self.inputs.as_deref().unwrap_or_default();
        col.is_some_and(|col| declared.iter().any(|x| x == col))
    }
}

impl Scoring {
    /// The key of the cell holding the 分值 that bounds score cell `id`: a grid cell named in
    /// `score_cells`, or the row's 分值 in the score column.
    pub fn weight_of(&self, id: &crate::expr::CellId) -> Option<String> {
        let Some(col) = id.column() else {
            return self
                .score_cells
                .iter()
                .find(|(s, _)| **s == *id.row)
                .map(|(_, w)| w.clone());
        };
        if self.score.as_deref() == Some(col) {
            Some(format!("{}.{}", id.row, self.weight))
        } else {
            None
        }
    }
}

impl Form {
    /// The derive rules, compiled on first use for a built-in form.
    pub fn derive(&self) -> &[Rule] {
        self.rules.of(|c| &c.derive)
    }
    /// The check rules, compiled on first use for a built-in form.
    pub fn check(&self) -> &[Rule] {
        self.rules.of(|c| &c.check)
    }
    /// The rules compiled now, or the first error of their definitions.
    pub fn compile_rules(&self) -> Result<(), DefError> {
        self.rules.compiled().map(|_| ())
    }
    /// Whether the rules were compiled yet (a built-in form's are on first use).
    pub fn rules_compiled(&self) -> bool {
        self.rules.is_compiled()
    }
    /// Title with the year filled in (blanks for the clerk to fill when unknown).
    pub fn title_for(&self, year: Option<&str>) -> String {
        self.title.replace("{year}", year.unwrap_or("    "))
    }
    /// Title without the year placeholder, for listings.
    pub fn plain_title(&self) -> String {
        self.title
            .replace("{year}年度", "")
            .replace("{year}年", "")
            .replace("{year}", "")
    }
    pub fn period_for(&self, year: Option<&str>) -> Option<String> {
        self.period
            .as_ref()
            .map(|p| p.replace("{year}", year.unwrap_or("    ")))
    }
    pub fn panels(&self) -> impl Iterator<Item = &Panel> {
        self.blocks.iter().flat_map(|b| b.panels.iter())
    }
    pub fn panel(&self, id: &str) -> Option<&Panel> {
        self.panels().find(|p| p.id == id)
    }
    pub fn fixed_row(&self, id: &str) -> Option<(&Panel, &FixedRow)> {
        self.panels()
            .find_map(|p| p.rows.iter().find(|r| r.id == id).map(|r| (p, r)))
    }
    pub fn line_row(&self, line: u32) -> Option<(&Panel, &FixedRow)> {
        self.panels()
            .find_map(|p| p.rows.iter().find(|r| r.line == Some(line)).map(|r| (p, r)))
    }
    /// Every grid cell definition with an id, with its kind.
    pub fn grid_cells(&self) -> impl Iterator<Item = (&str, ColKind, &GridCellDef)> {
        self.blocks
            .iter()
            .flat_map(|b| b.grid.iter().chain(b.footer.iter()))
            .flatten()
            .chain(self.signature.iter())
            .filter_map(|c| match c {
                GridCellDef::Cell {
                    id: Some(id), kind, ..
                } => Some((id.as_str(), kind.unwrap_or(ColKind::Amount), c)),
                _ => None,
            })
    }
    pub fn grid_kind(&self, id: &str) -> Option<ColKind> {
        self.grid_cells()
            .find(|(i, _, _)| *i == id)
            .map(|(_, k, _)| k)
    }
}
