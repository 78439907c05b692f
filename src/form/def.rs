//! The form-definition files of `templates/` as serde reads them, before any validation.
//!
//! A form is a vertical stack of blocks. A block is either a table (header rows, then one or
//! more panels side by side, each with its columns and its rows) or a grid of free cells
//! (label/value layouts such as the performance forms' fund rows). Rows of a panel are fixed
//! (with 行次, label, optional code), code-keyed (科目 rows found in the data) or a list
//! (indicator rows). Derived cells and checks are expressions over logical references; see
//! `docs/templates.md` for the language.

use super::text_or_table::text_or_table;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Final,
    Budget,
    Perf,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Final => "final",
            Family::Budget => "budget",
            Family::Perf => "perf",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Family::Final => "部门决算公开",
            Family::Budget => "部门预算公开",
            Family::Perf => "绩效自评",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormFile {
    pub id: String,
    pub table_no: String,
    /// Title as printed; `{year}` is replaced by the year (or blanks when none is known).
    pub title: String,
    pub family: Family,
    /// Sheet name for written workbooks (≤ 31 characters); defaults to `table_no`.
    #[serde(default)]
    pub sheet_name: Option<String>,
    /// Other titles a filled workbook may carry for this form (recognition only).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Left part of the unit line, e.g. "部门：" or "部门名称：".
    #[serde(default = "default_unit_label")]
    pub unit_label: String,
    /// The grid cell holding the unit's name, for a form that prints it in its grid
    /// (绩效自评表's 预算部门、单位名称) rather than on a unit line.
    #[serde(default)]
    pub unit_field: Option<String>,
    /// Text centred on the unit line, e.g. "{year}年度"; none when absent.
    #[serde(default)]
    pub period: Option<String>,
    /// Right part of the unit line; empty string for forms without one.
    #[serde(default = "default_money_unit")]
    pub money_unit: String,
    #[serde(default)]
    pub landscape: bool,
    /// A workbook may hold several sheets of this form (one 项目支出绩效自评表 per project:
    /// 附件3-1, 附件3-2 …); each is audited on its own and no other form may refer to it.
    #[serde(default)]
    pub repeatable: bool,
    #[serde(default)]
    pub notes: Vec<String>,
    /// The statement an empty table must carry (空表说明), e.g. "本单位没有…故本表无数据".
    #[serde(default)]
    pub empty_note: Option<EmptyNoteDef>,
    /// Lines under the table such as 填表人/填报日期: label cells followed by a value cell.
    #[serde(default)]
    pub signature: Vec<GridCellDef>,
    pub blocks: Vec<BlockDef>,
    #[serde(default)]
    pub derive: Vec<RuleDef>,
    #[serde(default)]
    pub check: Vec<RuleDef>,
    /// Indicator rows scored by a 评（扣）分标准 (performance forms, budget-09/10).
    #[serde(default)]
    pub scoring: Option<ScoringDef>,
    /// Limits of what `fix` corrects without a person (default 1% and 1 万元).
    #[serde(default)]
    pub review: ReviewDef,
    /// The key figures a reviewer compares across units (审核汇总): a name and the cell that
    /// holds it, as a rule's `cells` names one (`L27`, `data.c7`, `total_score`).
    #[serde(default)]
    pub figures: Vec<FigureDef>,
    /// What `check --prior` compares with last year's workbook.
    #[serde(default)]
    pub prior: PriorDef,
    /// Where an amount may be negative (结余分配, 年初 and 年末 balances); anywhere else a
    /// negative amount is an error.
    #[serde(default)]
    pub negative: NegativeDef,
}

/// The rows (by key) and columns (by id) whose amounts may be negative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NegativeDef {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
}

impl NegativeDef {
    /// Whether the amount of row `key`, column `col` may be negative.
    pub fn allows(&self, key: &str, col: &str) -> bool {
        self.rows.iter().any(|r| r == key) || self.columns.iter().any(|c| c == col)
    }
}

/// Comparisons with last year's workbook.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PriorDef {
    /// This year's opening balance equals last year's closing one.
    pub carry: Vec<CarryDef>,
    /// Items whose change a reviewer must see explained.
    pub changes: Option<ChangesDef>,
    /// This year's cells that restate last year's published figures of another form (perf-base
    /// 上年决算数 against last year's 决算公开 tables).
    pub published: Vec<PublishedDef>,
}

/// `this` (a cell of this year's form) equals `last` of last year's form `form`, which may be
/// of another family (`final-09`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedDef {
    pub name: String,
    pub this: String,
    pub form: String,
    pub last: String,
}

/// `this` (a cell of this year's form) equals `last` (a cell of last year's same form).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarryDef {
    pub name: String,
    pub this: String,
    pub last: String,
}

/// Items compared column by column with last year's: a change beyond `ratio` of last year's
/// value and beyond `amount` 万元, or from zero beyond `amount`, is a warning.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesDef {
    pub columns: Vec<String>,
    /// The rows compared, by key; none: the 类 rows (three-digit codes).
    #[serde(default)]
    pub rows: Vec<String>,
    #[serde(default = "ten_percent")]
    pub ratio: rust_decimal::Decimal,
    #[serde(default = "one_wan")]
    pub amount: rust_decimal::Decimal,
}

fn ten_percent() -> rust_decimal::Decimal {
    rust_decimal::Decimal::new(10, 2)
}

fn one_wan() -> rust_decimal::Decimal {
    rust_decimal::Decimal::ONE
}

impl ChangesDef {
    /// Whether the row `key` (with `code`) is compared.
    pub fn selects_row(&self, key: &str, code: Option<&str>) -> bool {
        if self.rows.is_empty() {
            code.is_some_and(|c| c.chars().count() == 3)
        } else {
            self.rows.iter().any(|r| r == key)
        }
    }
}

/// One key figure of a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDef {
    pub name: String,
    pub cell: String,
}

/// How far a filled amount may be from the value its rule computes for `fix` to correct it as
/// certain: a larger difference (beyond `ratio` of the larger figure or beyond `amount` 万元)
/// may be a wrong part as well as a wrong total, and is left for a person to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewDef {
    pub ratio: rust_decimal::Decimal,
    pub amount: rust_decimal::Decimal,
}

impl Default for ReviewDef {
    fn default() -> Self {
        ReviewDef {
            ratio: rust_decimal::Decimal::new(1, 2),
            amount: rust_decimal::Decimal::ONE,
        }
    }
}

impl ReviewDef {
    /// Whether replacing `filled` by `computed` needs a person's confirmation.
    pub fn needs_review(
        &self,
        filled: rust_decimal::Decimal,
        computed: rust_decimal::Decimal,
    ) -> bool {
        let diff = (filled - computed).abs();
        diff > self.amount || diff > self.ratio * filled.abs().max(computed.abs())
    }
}

fn default_unit_label() -> String {
    "部门：".to_string()
}
fn default_money_unit() -> String {
    "金额单位：万元".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmptyNoteDef {
    /// Text written under an empty table by `fix`, e.g. "本单位没有政府性基金收入…故本表无数据。"
    pub text: String,
    /// Normalised fragments any of which marks a statement as the 空表说明 ("无数据", "无该项支出").
    pub keywords: Vec<String>,
    /// Words that name another table's fund (国有资本经营 under 公开07表): a 空表说明 holding
    /// one was copied from that table.
    #[serde(default)]
    pub other_words: Vec<String>,
    /// The table's own fund (政府性基金): a note naming it as well as another is fine.
    #[serde(default)]
    pub fund: Option<String>,
}

impl EmptyNoteDef {
    /// Whether `text` says the table is empty: it holds one of the keywords, or says in the
    /// words any 空表说明 uses that there is nothing (本单位无此项支出, 本表为空表).
    pub fn said_by(&self, text: &str) -> bool {
        let k = crate::normalize::label_key(text);
        let funds: Vec<&str> = self
            .fund
            .iter()
            .chain(&self.other_words)
            .map(String::as_str)
            .collect();
        self.keywords
            .iter()
            .any(|w| k.contains(&crate::normalize::label_key(w)))
            || super::says_nothing::says_nothing(text, &funds)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    pub id: String,
    /// Header rows; each row lists its cells left to right, skipping columns covered by a cell
    /// spanning down from a row above (as in an HTML table).
    #[serde(default)]
    pub header: Vec<Vec<HeaderCellDef>>,
    /// Write the 栏次 row under the header (texts from the columns' `no`).
    #[serde(default)]
    pub column_numbers: bool,
    /// A label in an extra first column merged down the whole block ("绩效指标").
    #[serde(default)]
    pub side_label: Option<String>,
    #[serde(default)]
    pub panels: Vec<PanelDef>,
    /// Free rows (grid blocks) — cells placed left to right like header cells.
    #[serde(default)]
    pub grid: Vec<Vec<GridCellDef>>,
    /// Free rows written after the table rows (totals spanning panels).
    #[serde(default)]
    pub footer: Vec<Vec<GridCellDef>>,
}

#[derive(Debug, Clone)]
pub enum HeaderCellDef {
    Text(String),
    Cell { text: String, cols: u16, rows: u32 },
}

/// The fields of [`HeaderCellDef::Cell`] as a table gives them.
#[derive(Deserialize)]
struct HeaderCellFields {
    text: String,
    #[serde(default = "one")]
    cols: u16,
    #[serde(default = "one_u32")]
    rows: u32,
}

impl<'de> Deserialize<'de> for HeaderCellDef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let cell = |f: HeaderCellFields| HeaderCellDef::Cell {
            text: f.text,
            cols: f.cols,
            rows: f.rows,
        };
        text_or_table(d, "HeaderCellDef", HeaderCellDef::Text, cell)
    }
}

impl HeaderCellDef {
    pub fn text(&self) -> &str {
        match self {
            HeaderCellDef::Text(t) => t,
            HeaderCellDef::Cell { text, .. } => text,
        }
    }
    pub fn cols(&self) -> u16 {
        match self {
            HeaderCellDef::Text(_) => 1,
            HeaderCellDef::Cell { cols, .. } => *cols,
        }
    }
    pub fn rows(&self) -> u32 {
        match self {
            HeaderCellDef::Text(_) => 1,
            HeaderCellDef::Cell { rows, .. } => *rows,
        }
    }
}

pub fn grid_cols(c: &GridCellDef) -> u16 {
    match c {
        GridCellDef::Text(_) => 1,
        GridCellDef::Cell { cols, .. } => *cols,
    }
}

pub fn grid_rows(c: &GridCellDef) -> u32 {
    match c {
        GridCellDef::Text(_) => 1,
        GridCellDef::Cell { rows, .. } => *rows,
    }
}

fn one() -> u16 {
    1
}
fn one_u32() -> u32 {
    1
}

/// A free cell: a fixed label, or a logical value cell with an id.
#[derive(Debug, Clone)]
pub enum GridCellDef {
    Text(String),
    Cell {
        text: Option<String>,
        id: Option<String>,
        kind: Option<ColKind>,
        cols: u16,
        rows: u32,
        /// Other labels that name this value in filled workbooks (recognition).
        aliases: Vec<String>,
    },
}

/// The fields of [`GridCellDef::Cell`] as a table gives them.
#[derive(Deserialize)]
struct GridCellFields {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    kind: Option<ColKind>,
    #[serde(default = "one")]
    cols: u16,
    #[serde(default = "one_u32")]
    rows: u32,
    #[serde(default)]
    aliases: Vec<String>,
}

impl<'de> Deserialize<'de> for GridCellDef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let cell = |f: GridCellFields| GridCellDef::Cell {
            text: f.text,
            id: f.id,
            kind: f.kind,
            cols: f.cols,
            rows: f.rows,
            aliases: f.aliases,
        };
        text_or_table(d, "GridCellDef", GridCellDef::Text, cell)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ColKind {
    /// Row label (项目).
    Label,
    /// 行次.
    Line,
    /// Whole 科目 code in one column.
    Code,
    /// Code split over 类/款/项 columns.
    CodeLei,
    CodeKuan,
    CodeXiang,
    /// 科目名称 / 功能科目.
    Name,
    /// Money, 万元 with two decimals.
    Amount,
    /// Percentage, stored as a fraction, shown 0.00%.
    Rate,
    /// Score points (分值 / 得分), shown with up to two decimals.
    Score,
    /// Plain number (people, ㎡).
    Number,
    /// Free text (targets, reasons, explanations).
    Text,
}

impl ColKind {
    pub fn is_value(self) -> bool {
        matches!(
            self,
            ColKind::Amount | ColKind::Rate | ColKind::Score | ColKind::Number | ColKind::Text
        )
    }
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ColKind::Amount | ColKind::Rate | ColKind::Score | ColKind::Number
        )
    }
    pub fn is_code(self) -> bool {
        matches!(
            self,
            ColKind::Code | ColKind::CodeLei | ColKind::CodeKuan | ColKind::CodeXiang
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelDef {
    pub id: String,
    pub columns: Vec<ColumnDef>,
    #[serde(default)]
    pub rows: Vec<RowDef>,
    #[serde(default)]
    pub coded: Option<CodedDef>,
    #[serde(default)]
    pub list: Option<ListDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    /// Shared by every row's value in the column (a row's values are keyed by it).
    pub id: crate::expr::Name,
    pub kind: ColKind,
    /// The header label a filled workbook shows for this column (recognition); defaults to the
    /// header text directly above it.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Text of the 栏次 row.
    #[serde(default)]
    pub no: Option<String>,
    /// Width in characters.
    #[serde(default)]
    pub width: Option<f64>,
    /// Sheet columns the column spans (merged).
    #[serde(default = "one")]
    pub span: u16,
    /// A column the printed form does not have, read when a filled sheet shows it (a
    /// 评（扣）分标准 column some units add to the 绩效自评表): the block's `header` leaves it
    /// out, and the written workbook has it only when a row fills it.
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// 科目 or economic code (final-06 rows; the class code of final-01/04 expenditure lines).
    #[serde(default)]
    pub code: Option<String>,
    /// The code is shown in the code column (final-06); otherwise it is only a key for checks.
    #[serde(default)]
    pub show_code: bool,
    /// Value columns that take input; by default every value column not derived.
    #[serde(default)]
    pub inputs: Option<Vec<String>>,
    /// A row that only shows its 行次 (the empty lines 9–26 of 公开01表's income side).
    #[serde(default)]
    pub blank: bool,
    /// Indentation of the label (其中 rows).
    #[serde(default)]
    pub indent: u8,
    /// Id of the row this one is part of (其中 rows, hierarchy of fixed rows).
    #[serde(default)]
    pub parent: Option<String>,
    /// Label spans this many columns (label + code/name columns of a total row).
    #[serde(default)]
    pub label_span: Option<u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedDef {
    /// Label of the total row ("合计"); the row is keyed `total`.
    #[serde(default = "default_total_label")]
    pub total: String,
    /// Code lengths of the hierarchy levels: 类 3, 款 5, 项 7.
    #[serde(default = "default_levels")]
    pub levels: Vec<usize>,
    /// Empty rows a blank template offers.
    #[serde(default = "default_blank_rows")]
    pub blank_rows: u32,
    /// The total row comes after the coded rows instead of before.
    #[serde(default)]
    pub total_last: bool,
}

fn default_total_label() -> String {
    "合计".to_string()
}
fn default_levels() -> Vec<usize> {
    vec![3, 5, 7]
}
fn default_blank_rows() -> u32 {
    15
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDef {
    /// Pre-filled groups of a blank template: fixed texts of some columns and how many rows.
    #[serde(default)]
    pub groups: Vec<ListGroupDef>,
    /// Empty rows a blank template offers when there are no groups.
    #[serde(default = "default_blank_rows")]
    pub blank_rows: u32,
    /// Columns whose equal consecutive values are merged down (一级指标, 二级指标).
    #[serde(default)]
    pub merge_down: Vec<String>,
    /// The column whose text is the row's label for messages (三级指标).
    #[serde(default)]
    pub label_column: Option<String>,
    /// Rows form groups by this column (a project, a unit, a 一级指标): a row starts a group
    /// where the column shows a new value — a new merged cell, or a value unlike the group's;
    /// a blank cell or one merged down from above continues it. Gives the `panel:groups`
    /// selector and `@group.col` to every rule on the panel's rows.
    #[serde(default)]
    pub group_by: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListGroupDef {
    pub values: indexmap::IndexMap<String, String>,
    #[serde(default = "default_group_rows")]
    pub rows: u32,
}

fn default_group_rows() -> u32 {
    2
}

/// A derived cell or a check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Stable rule id (used in JSON findings).
    pub id: String,
    /// Chinese name of the rule for messages ("本年收入合计等于各项收入之和").
    pub name: String,
    /// Explicit target cells ("L27", "L59.gpb"); or use `rows` + `columns`.
    #[serde(default)]
    pub cells: Vec<String>,
    /// Row selector: a panel id, `panel:parents`, `panel:leaves`, `panel:coded`, `panel:list`,
    /// `panel:fixed`, `panel:groups` (the first row of each group of a list with `group_by`),
    /// or a row id; the rule applies to each selected row that has the column.
    #[serde(default)]
    pub rows: Option<String>,
    #[serde(default)]
    pub columns: Vec<String>,
    /// Checks only: apply the rule only where this holds — `"code"` (rows that have a code)
    /// or a boolean expression read in the rule's scope on the values as filled
    /// (`in(level1, "成本指标")`, `not blank(target)`).
    #[serde(default)]
    pub r#where: Option<String>,
    /// Checks only: the id of a derive rule of the same form whose finding at the same cell this
    /// check's finding replaces (the check says what is wrong, the derivation would not).
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Derive only: a filled value within this distance of the computed one is accepted
    /// (预算执行率得分: 0.5 point).
    #[serde(default)]
    pub tolerance: Option<String>,
    /// Derive only: severity when every cell the expression reads is blank while the derived
    /// cell is filled — the breakdown was left empty, which is not a wrong total. Without it
    /// the rule's own severity applies.
    #[serde(default)]
    pub blank_parts: Option<String>,
    /// For derive: the value expression. For check: a comparison (==, <=, >=, <, >) or a
    /// boolean expression.
    pub expr: String,
    #[serde(default)]
    pub severity: Option<String>,
    /// Checks only: Chinese message template; `{expected}`, `{found}` and `{place}` are filled
    /// in.
    #[serde(default)]
    pub message: Option<String>,
}

/// Which columns of a list panel make an indicator row that a 评（扣）分标准 scores.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringDef {
    /// The list panel of the indicator rows.
    pub panel: String,
    /// Column naming the indicator in messages (三级指标).
    pub name: String,
    /// Column holding the 评（扣）分标准. Without one, a 年度指标值 text that reads as a rule is
    /// the rule (seed 000 附件2 writes the rule there).
    #[serde(default)]
    pub rule: Option<String>,
    /// 年度指标值.
    pub target: String,
    /// 实际完成值; forms without one (targets tables) are only described, never scored.
    #[serde(default)]
    pub actual: Option<String>,
    /// 计量单位 column, when the unit is written apart from the value.
    #[serde(default)]
    pub unit: Option<String>,
    /// 分值.
    pub weight: String,
    /// 自评得分.
    #[serde(default)]
    pub score: Option<String>,
    /// Grid cells holding a score, each with the grid cell of its 分值
    /// (`fund_score = "fund_weight"`): the written workbook accepts there a number between 0
    /// and that 分值.
    #[serde(default)]
    pub score_cells: std::collections::BTreeMap<String, String>,
    /// Indicators whose 实际完成值 follows from another form (perf-base).
    #[serde(default)]
    pub actual_from: Vec<ActualFromDef>,
    /// Indicators (三级指标 names, compared as `actual_from`'s) whose 实际完成值 is a rate met
    /// only at 100% or below (在职人员控制率, 公用经费控制率): one over 100% given full marks
    /// is a warning.
    #[serde(default)]
    pub met_at_most_100: Vec<String>,
}

/// "在职人员控制率 is perf-base's 控制率": the indicators it applies to and the expression.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActualFromDef {
    /// Stable id (used in JSON findings).
    pub id: String,
    /// Chinese name of the check for messages ("在职人员控制率等于基础数据表的控制率").
    pub name: String,
    /// Indicator names (三级指标) it applies to, compared without spaces and punctuation.
    pub indicators: Vec<String>,
    /// The actual value as an expression over other forms ("'perf-base'!staff_rate").
    pub expr: String,
}
