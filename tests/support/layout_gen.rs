//! Test support: renders a filled form in randomised but legitimate layouts — the variations
//! real units publish — remembering where every logical value went, so that recognition can be
//! measured against the values a layout was rendered from.
//!
//! A rendering starts from the library's own layout of the form (`fiscalform::layout`), turned
//! into a canvas of placed pieces that know their block, panel and column; each [`Variation`]
//! is one transformation of that canvas (or of its texts); the canvas is then drawn on
//! in-memory sheets. Every choice a variation makes comes from the seed.
#![allow(dead_code)]

use fiscalform::expr::Val;
use fiscalform::form::{ColKind, Form};
use fiscalform::layout::{layout, Content, Style};
use fiscalform::model::FormData;
use fiscalform::normalize::a1;
use fiscalform::read::{Cell, Format, Merge, Sheet, Workbook};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

/// (form id, variation) pairs recognition does not read back yet: the variation alone, on
/// that form, gives other logical values (or loses a value). The test fails when a listed
/// pair reads back (remove it: the combinations then cover it) and when a pair not listed
/// fails.
pub const KNOWN_GAPS: &[(&str, &str)] = &[];

/// A fixture's sheets as the library reads them, built in memory.
pub fn fixture_book(name: &str) -> Workbook {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    grid_workbook(&crate::grid::load(&path), path)
}

/// The sheets of grid book `g` as the library reads them, built in memory, as read from `path`.
pub fn grid_workbook(g: &crate::grid::GridBook, path: PathBuf) -> Workbook {
    let sheets = g
        .sheets
        .iter()
        .map(|s| {
            let cells = s.rows.iter().enumerate().flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(c, cell)| {
                    let v = match cell {
                        crate::grid::GridCell::Empty => Cell::Empty,
                        crate::grid::GridCell::Number(n) => {
                            Cell::Number(Decimal::from_str(n).unwrap())
                        }
                        crate::grid::GridCell::Text(t) => Cell::Text(t.clone()),
                    };
                    (r as u32, c as u16, v)
                })
            });
            let merges = s
                .merges
                .iter()
                .map(|&(a, b, c, d)| fiscalform::read::Merge {
                    first_row: a,
                    first_col: b,
                    last_row: c,
                    last_col: d,
                })
                .collect();
            Sheet::from_cells(s.name.clone(), cells, merges)
        })
        .collect();
    Workbook {
        path,
        format: Format::Xlsx,
        sheets,
        text: Vec::new(),
        cell_notes: Vec::new(),
    }
}

/// A combination's name: `a+b`, `plain` for none.
pub fn names(vs: &[Variation]) -> String {
    if vs.is_empty() {
        return "plain".into();
    }
    vs.iter().map(|v| v.name()).collect::<Vec<_>>().join("+")
}

/// The variations a KNOWN_GAPS entry names (`a` or `a+b`).
pub fn parse_names(spec: &str) -> Vec<Variation> {
    spec.split('+')
        .filter(|n| *n != "plain")
        .map(|n| Variation::from_name(n).unwrap_or_else(|| panic!("unknown variation {n}")))
        .collect()
}

/// KNOWN_GAPS with each combination's name in canonical order.
pub fn known_gaps() -> BTreeSet<(String, String)> {
    KNOWN_GAPS
        .iter()
        .map(|(f, v)| (f.to_string(), names(&parse_names(v))))
        .collect()
}

/// A seeded combination of variations that read back on `form` today (none listed in
/// KNOWN_GAPS, alone or together), rendered: for tests that need layouts that pass.
pub fn passing_layout(form: &Form, data: &FormData, most: usize, seed: u64) -> Rendered {
    let gaps: Vec<Vec<Variation>> = known_gaps()
        .into_iter()
        .filter(|(f, _)| *f == form.id)
        .map(|(_, spec)| parse_names(&spec))
        .collect();
    let pool: Vec<Variation> = Variation::ALL
        .into_iter()
        .filter(|v| !gaps.contains(&vec![*v]))
        .collect();
    let mut vs = pick(form, &pool, most, seed);
    while let Some(g) = gaps.iter().find(|g| g.iter().all(|v| vs.contains(v))) {
        vs.retain(|v| *v != g[0]);
    }
    render(form, data, &vs, seed)
}

/// One way a real layout differs from the template's. Each is a transformation of a
/// rendering; a layout combines several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variation {
    /// The panels of a table block one above the other in the same columns (收入 over 支出).
    Stacked,
    /// The panels after the first on a second sheet, with the title repeated.
    TwoSheets,
    /// Column headers named otherwise (金额 → 决算数 / 本年决算数 / 金额（万元）…).
    HeaderSynonyms,
    /// No 行次 column.
    NoLineColumn,
    /// 行次 numbered otherwise (another template vintage): every number one more, or the
    /// labelled rows numbered on without the spacer rows.
    OtherLineNumbers,
    /// No 栏次 row.
    NoColumnNumbers,
    /// The 栏次 row's numbers written otherwise: `①`, `（1）`, `第1栏`, `1栏`, or the first as
    /// a formula label (`1=2+3`).
    MarkedColumnNumbers,
    /// Each column's number under its header word in the same cell (`本年收入合计\n1`), no
    /// 栏次 row.
    NumbersInHeader,
    /// Header cells merged otherwise: vertical merges broken up, the text on the lowest row.
    HeaderUnmergedDown,
    /// Header cells merged otherwise: horizontal merges broken up, the text repeated.
    HeaderUnmergedAcross,
    /// Codes split over 类/款/项 with the 合计 on the `类 款 项` header row.
    TotalOnSubHeader,
    /// Row labels numbered otherwise: 一、 → 1. or （一）, or not numbered at all.
    OtherOrdinals,
    /// Short row labels spaced out: 本 年 收 入 合 计.
    SpacedLabels,
    /// Long row labels wrapped onto two lines in their cell.
    WrappedLabels,
    /// Labels without their trailing 支出: 社会保障和就业 for 社会保障和就业支出.
    AbbreviatedLabels,
    /// 科目 code and name in one cell: `2010450 事业运行`, `[2010450]事业运行`,
    /// `事业运行（2010450）`, `2010450.事业运行`…
    CodeWithName,
    /// No code column; names indented under their parent.
    IndentedNames,
    /// The code column split over 类/款/项 (economic codes: 类/款).
    SplitCodes,
    /// Split over 类/款/项, each row's whole code under its own level (`201 | 20106 | 2010601`).
    WholeCodesPerLevel,
    /// Split over 类/款/项, each row's code and name in the 类 column (`20106 财政事务`), the
    /// name column left empty.
    CodeNameUnderLei,
    /// Codes with their levels spaced apart: `201 06 01`.
    SpacedCodes,
    /// The side label column (绩效指标) left out: the table starts at column A.
    NoSideLabel,
    /// Two value columns of a list table in the other order.
    ColumnsReordered,
    /// Panels of 科目 rows (公开06表's three) as one vertical list under one header.
    OneList,
    /// The second and later panels of 科目 rows joined into one: two blocks side by side
    /// (公开06表: 人员经费 | 公用经费).
    TwoBlocks,
    /// 预算数 and 决算数 as the lowest header level, under each item (公开09表 as published).
    PairsUnderItems,
    /// 预算数 and 决算数 as two rows under one header of items (公开09表), the year in front or
    /// not (2023年预算数).
    BudgetActualRows,
    /// Two copies of a repeatable form (项目支出绩效自评表) one after another in one sheet.
    SeveralInOneSheet,
    /// The unit line says 编制单位： / 填报单位： / 单位名称： instead of the form's label.
    UnitLabel,
    /// 表号 and the money unit in one cell.
    TableNoWithUnit,
    /// No 表号 at all.
    NoTableNo,
    /// Money in 元 (amounts × 10000).
    MoneyYuan,
    /// Money in 千元 (amounts × 10).
    MoneyThousand,
    /// The money unit said in the header words over the amount columns (`决算数（元）`), the
    /// line above the table that says it gone.
    UnitInHeader,
    /// The money unit said after the title (`收入支出决算总表（单位：元）`), its line gone.
    UnitInTitle,
    /// No money unit said at all (a table in 万元, as most are).
    NoUnitLine,
    /// The table's rows continued on the next sheet under a repeated header.
    ContinuedOnNextSheet,
    /// The header rows repeated in the middle of the rows (a printed page break).
    RepeatedHeader,
    /// Empty rows inside and empty columns between the table's columns.
    ExtraEmpty,
    /// The whole form starting lower and further right.
    Offset,
    /// Sheets named otherwise (Sheet1, 表3, …).
    SheetNames,
    /// A sheet without a form before the form's sheets.
    SheetOrder,
}

use Variation::*;

impl Variation {
    pub const ALL: [Variation; 42] = [
        Stacked,
        TwoSheets,
        HeaderSynonyms,
        NoLineColumn,
        OtherLineNumbers,
        NoColumnNumbers,
        MarkedColumnNumbers,
        NumbersInHeader,
        HeaderUnmergedDown,
        HeaderUnmergedAcross,
        TotalOnSubHeader,
        OtherOrdinals,
        SpacedLabels,
        WrappedLabels,
        AbbreviatedLabels,
        CodeWithName,
        IndentedNames,
        SplitCodes,
        WholeCodesPerLevel,
        CodeNameUnderLei,
        SpacedCodes,
        NoSideLabel,
        ColumnsReordered,
        OneList,
        TwoBlocks,
        PairsUnderItems,
        BudgetActualRows,
        SeveralInOneSheet,
        UnitLabel,
        TableNoWithUnit,
        NoTableNo,
        MoneyYuan,
        MoneyThousand,
        UnitInHeader,
        UnitInTitle,
        NoUnitLine,
        ContinuedOnNextSheet,
        RepeatedHeader,
        ExtraEmpty,
        Offset,
        SheetNames,
        SheetOrder,
    ];

    /// The name used in KNOWN_GAPS, in reports and in `FISCALFORM_GEN_ONLY`.
    pub fn name(self) -> &'static str {
        match self {
            Stacked => "stacked",
            TwoSheets => "two-sheets",
            HeaderSynonyms => "header-synonyms",
            NoLineColumn => "no-line-column",
            OtherLineNumbers => "other-line-numbers",
            NoColumnNumbers => "no-column-numbers",
            MarkedColumnNumbers => "marked-column-numbers",
            NumbersInHeader => "numbers-in-header",
            HeaderUnmergedDown => "header-unmerged-down",
            HeaderUnmergedAcross => "header-unmerged-across",
            TotalOnSubHeader => "total-on-sub-header",
            OtherOrdinals => "other-ordinals",
            SpacedLabels => "spaced-labels",
            WrappedLabels => "wrapped-labels",
            AbbreviatedLabels => "abbreviated-labels",
            CodeWithName => "code-with-name",
            IndentedNames => "indented-names",
            SplitCodes => "split-codes",
            WholeCodesPerLevel => "whole-codes-per-level",
            CodeNameUnderLei => "code-name-under-lei",
            SpacedCodes => "spaced-codes",
            NoSideLabel => "no-side-label",
            ColumnsReordered => "columns-reordered",
            OneList => "one-list",
            TwoBlocks => "two-blocks",
            PairsUnderItems => "pairs-under-items",
            BudgetActualRows => "budget-actual-rows",
            SeveralInOneSheet => "several-in-one-sheet",
            UnitLabel => "unit-label",
            TableNoWithUnit => "table-no-with-unit",
            NoTableNo => "no-table-no",
            MoneyYuan => "money-yuan",
            MoneyThousand => "money-thousand",
            UnitInHeader => "unit-in-header",
            UnitInTitle => "unit-in-title",
            NoUnitLine => "no-unit-line",
            ContinuedOnNextSheet => "continued-on-next-sheet",
            RepeatedHeader => "repeated-header",
            ExtraEmpty => "extra-empty",
            Offset => "offset",
            SheetNames => "sheet-names",
            SheetOrder => "sheet-order",
        }
    }

    pub fn from_name(name: &str) -> Option<Variation> {
        Variation::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Whether the variation changes anything on this form.
    pub fn applies(self, form: &Form) -> bool {
        let tables = || form.blocks.iter().filter(|b| b.is_table());
        let columns = || {
            tables()
                .flat_map(|b| b.panels.iter())
                .flat_map(|p| &p.columns)
        };
        let has_kind = |k: ColKind| columns().any(|c| c.kind == k);
        let has_amount = has_kind(ColKind::Amount)
            || form.blocks.iter().any(|b| {
                b.grid.iter().chain(&b.footer).flatten().any(|c| {
                    matches!(c, fiscalform::form::GridCellDef::Cell { id: Some(_), kind, .. }
                        if kind.unwrap_or(ColKind::Amount) == ColKind::Amount)
                })
            });
        let coded_with_code = tables()
            .flat_map(|b| &b.panels)
            .any(|p| levels_of(p).is_some() && p.column_of_kind(ColKind::Code).is_some());
        let coded_split = tables()
            .flat_map(|b| &b.panels)
            .any(|p| p.coded.is_some() && p.column_of_kind(ColKind::CodeLei).is_some());
        match self {
            Stacked | TwoSheets => tables().any(|b| b.panels.len() > 1 && b.side_label.is_none()),
            HeaderSynonyms => columns().any(|c| synonyms_of(header_word(c)).is_some()),
            NoLineColumn | OtherLineNumbers => has_kind(ColKind::Line),
            NoColumnNumbers | MarkedColumnNumbers | NumbersInHeader => {
                tables().any(|b| b.column_numbers)
            }
            HeaderUnmergedDown => tables().any(|b| b.header.iter().flatten().any(|h| h.rows() > 1)),
            HeaderUnmergedAcross => {
                tables().any(|b| b.header.iter().flatten().any(|h| h.cols() > 1))
            }
            TotalOnSubHeader => coded_split,
            OtherOrdinals => labels(form).any(|l| ordinal_of(&l).is_some()),
            SpacedLabels => labels(form).any(|l| spaceable(&l)),
            WrappedLabels => labels(form).any(|l| wrappable(&l)),
            AbbreviatedLabels => labels(form).any(|l| abbreviated(&l).is_some()),
            CodeWithName | IndentedNames | SplitCodes | SpacedCodes => coded_with_code,
            WholeCodesPerLevel | CodeNameUnderLei => coded_split,
            NoSideLabel => tables().any(|b| b.side_label.is_some()),
            ColumnsReordered => tables()
                .flat_map(|b| &b.panels)
                .any(|p| p.list.is_some() && p.value_columns().count() > 1),
            OneList => joinable_panels(form).is_some(),
            TwoBlocks => joinable_panels(form).is_some_and(|(_, n)| n > 2),
            PairsUnderItems | BudgetActualRows => budget_actual_block(form).is_some(),
            SeveralInOneSheet => form.repeatable,
            UnitLabel => !form.unit_label.is_empty(),
            TableNoWithUnit => !form.money_unit.is_empty(),
            NoTableNo => true,
            MoneyYuan | MoneyThousand => has_amount && form.money_unit.contains("万元"),
            UnitInHeader => has_amount && !form.money_unit.is_empty(),
            UnitInTitle | NoUnitLine => has_amount && !form.money_unit.is_empty(),
            ContinuedOnNextSheet | RepeatedHeader => tables().any(|b| !b.header.is_empty()),
            ExtraEmpty | Offset | SheetNames | SheetOrder => true,
        }
    }
}

/// The sheet columns of panel `pi`'s one-column value columns in block `bi`, as laid out.
fn value_columns(form: &Form, bi: usize, pi: usize) -> Vec<u16> {
    let b = &form.blocks[bi];
    let p = &b.panels[pi];
    (p.columns.iter())
        .filter(|c| c.kind.is_value() && c.span == 1)
        .filter_map(|c| p.column_offset(&c.id))
        .map(|o| b.panel_offset(pi) + o)
        .collect()
}

/// The labels of a form's fixed rows.
fn labels(form: &Form) -> impl Iterator<Item = String> + '_ {
    form.blocks
        .iter()
        .flat_map(|b| &b.panels)
        .flat_map(|p| &p.rows)
        .filter_map(|r| r.label.clone())
}

/// A rendered form: the sheets and where each logical value was drawn.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub book: Workbook,
    /// (sheet, A1, logical key) of every non-blank logical value drawn.
    pub values: Vec<(String, String, String)>,
    pub variations: Vec<Variation>,
    pub seed: u64,
    /// (sheet, region) of every cell of a table — header, labels, codes, values, blank ones
    /// too — which a printed table rules: what `write_ruled_xlsx` draws borders around.
    pub ruled: Vec<(String, Merge)>,
}

impl Rendered {
    /// The sheets as text, one line per row, cells separated by TAB (`\n` in a cell shown as
    /// `⏎`), merges listed after each sheet: what `FISCALFORM_GEN_ONLY` prints.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for s in &self.book.sheets {
            out.push_str(&format!("=== sheet {}\n", s.name));
            for r in 0..s.height() {
                let cells: Vec<String> = (0..s.width())
                    .map(|c| s.get(r, c).to_string().replace('\n', "⏎"))
                    .collect();
                out.push_str(&format!("{:>3} {}\n", r + 1, cells.join("\t").trim_end()));
            }
            let merges: Vec<String> = s.merges().iter().map(|m| m.to_string()).collect();
            out.push_str(&format!("merges: {}\n", merges.join(" ")));
        }
        out
    }

    /// The sheets of `book` other than `own` (the form's sheet there) added after the
    /// rendering's, unless a sheet of that name is drawn already: the other tables of the
    /// workbook the form was filled in.
    pub fn add_companions(&mut self, book: &Workbook, own: Option<&str>) {
        for s in &book.sheets {
            let taken =
                Some(s.name.as_str()) == own || self.book.sheets.iter().any(|d| d.name == s.name);
            if !taken {
                self.book.sheets.push(s.clone());
            }
        }
    }

    /// The layout written as an .xlsx file set up to print as units publish it: thin borders
    /// around every cell of its tables, columns as wide as their texts, each sheet fitted to
    /// the page's width (for a PDF printed from it).
    #[allow(dead_code)] // not every test printing to PDF narrows nothing
    pub fn write_ruled_xlsx(&self, path: &std::path::Path) {
        self.write_printed_xlsx(path, None);
    }

    /// [`Rendered::write_ruled_xlsx`], with every text column (one holding no number) at most
    /// `narrow` characters wide when given, its texts below the table's header not wrapped: a
    /// clerk's print where a long label runs on over an empty cell to its right and is cut
    /// short under a filled one.
    pub fn write_printed_xlsx(&self, path: &std::path::Path, narrow: Option<f64>) {
        use rust_xlsxwriter::{Format, FormatBorder};
        let ruled = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
        let one_line = Format::new().set_border(FormatBorder::Thin);
        let plain = Format::new();
        let wrapped = Format::new().set_text_wrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        for s in &self.book.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).unwrap();
            ws.set_landscape();
            ws.set_print_fit_to_pages(1, 0);
            let regions = table_boxes(
                self.ruled
                    .iter()
                    .filter(|(name, _)| *name == s.name)
                    .map(|(_, m)| *m),
            );
            let in_table = |r: u32, c: u16| {
                regions.iter().any(|m| {
                    (m.first_row..=m.last_row).contains(&r)
                        && (m.first_col..=m.last_col).contains(&c)
                })
            };
            // Columns as wide as their texts (up to 40 characters, longer texts wrap); rows as
            // tall as their wrapped lines, which the spreadsheet does not work out on opening.
            let width = |t: &str| -> f64 {
                t.chars()
                    .map(|ch| if ch.is_ascii() { 1.2 } else { 2.2 })
                    .sum()
            };
            // A narrow print's lines outside the tables (title, unit, notes) are set across
            // the table, as a unit's form sets them, not cut at the narrow column's end.
            let lines_across = match narrow {
                Some(_) => lines_across(s, &regions),
                None => Vec::new(),
            };
            let spans_columns = |r: u32, c: u16| {
                s.merges()
                    .iter()
                    .chain(&lines_across)
                    .find(|m| m.first_row == r && m.first_col == c && m.last_col > c)
                    .copied()
            };
            let mut widths: BTreeMap<u16, f64> = BTreeMap::new();
            for (r, c, cell) in s.cells() {
                if spans_columns(r, c).is_some() {
                    continue;
                }
                let widest = cell.to_string().lines().map(width).fold(0.0, f64::max);
                let e = widths.entry(c).or_insert(6.0);
                *e = e.max(widest.min(40.0));
            }
            let body = body_start(s, &regions);
            let narrowed = narrow.map_or_else(BTreeSet::new, |n| text_columns(s, body, n, &widths));
            for c in &narrowed {
                widths.insert(*c, narrow.unwrap_or_default());
            }
            for (&c, &w) in &widths {
                ws.set_column_width(c, w).unwrap();
            }
            let mut heights: BTreeMap<u32, f64> = BTreeMap::new();
            for (r, c, cell) in s.cells() {
                let across: f64 = match spans_columns(r, c) {
                    Some(m) => (m.first_col..=m.last_col)
                        .map(|k| widths.get(&k).copied().unwrap_or(8.0))
                        .sum(),
                    None => widths.get(&c).copied().unwrap_or(8.0),
                };
                let lines: f64 = match narrowed.contains(&c) && r >= body {
                    true => cell.to_string().lines().count().max(1) as f64,
                    false => cell
                        .to_string()
                        .lines()
                        .map(|l| (width(l) * 1.2 / across).ceil().max(1.0))
                        .sum(),
                };
                let e = heights.entry(r).or_insert(15.0);
                *e = e.max(16.0 * lines);
            }
            for (r, h) in heights {
                ws.set_row_height(r, h).unwrap();
            }
            for m in s.merges().iter().chain(&lines_across) {
                let f = if in_table(m.first_row, m.first_col) {
                    &ruled
                } else {
                    &plain
                };
                ws.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, "", f)
                    .unwrap();
            }
            for m in &regions {
                for r in m.first_row..=m.last_row {
                    for c in m.first_col..=m.last_col {
                        if s.get(r, c).is_empty() && !s.is_covered(r, c) {
                            ws.write_blank(r, c, &ruled).unwrap();
                        }
                    }
                }
            }
            for (r, c, cell) in s.cells() {
                let across = narrow.is_some() && spans_columns(r, c).is_some();
                let f = match in_table(r, c) {
                    true if narrowed.contains(&c) && r >= body => &one_line,
                    true => &ruled,
                    false if across => &wrapped,
                    false => &plain,
                };
                match cell {
                    Cell::Number(d) => {
                        ws.write_number_with_format(r, c, d.to_string().parse::<f64>().unwrap(), f)
                    }
                    Cell::Bool(b) => ws.write_boolean_with_format(r, c, *b, f),
                    other => ws.write_string_with_format(r, c, other.to_string(), f),
                }
                .unwrap();
            }
        }
        wb.save(path).unwrap();
    }

    /// The layout written as an .xlsx file (to read it back through the file path).
    /// `check`'s findings on the layout written as `name`.xlsx in the test folder `dir`.
    pub fn check_written(
        &self,
        catalog: &fiscalform::form::Catalog,
        dir: &str,
        name: &str,
    ) -> Vec<fiscalform::findings::Finding> {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.xlsx"));
        self.write_xlsx(&path);
        let report = fiscalform::report::check_file(catalog, &path);
        assert!(report.error.is_none(), "{name}: {:?}", report.error);
        report.findings
    }

    pub fn write_xlsx(&self, path: &std::path::Path) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for s in &self.book.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(&s.name).unwrap();
            for m in s.merges() {
                ws.merge_range(
                    m.first_row,
                    m.first_col,
                    m.last_row,
                    m.last_col,
                    "",
                    &rust_xlsxwriter::Format::new(),
                )
                .unwrap();
            }
            for (r, c, cell) in s.cells() {
                match cell {
                    Cell::Number(d) => ws.write_number(r, c, d.to_string().parse::<f64>().unwrap()),
                    Cell::Bool(b) => ws.write_boolean(r, c, *b),
                    other => ws.write_string(r, c, other.to_string()),
                }
                .unwrap();
            }
        }
        wb.save(path).unwrap();
    }
}

/// Each line outside the tables holding one text alone, as a region from its cell to the
/// tables' last column.
fn lines_across(s: &Sheet, regions: &[Merge]) -> Vec<Merge> {
    let last = regions.iter().map(|m| m.last_col).max().unwrap_or(0);
    let mut by_row: BTreeMap<u32, Vec<u16>> = BTreeMap::new();
    for (r, c, _) in s.cells() {
        by_row.entry(r).or_default().push(c);
    }
    let outside = |r: u32| {
        !regions
            .iter()
            .any(|m| (m.first_row..=m.last_row).contains(&r))
    };
    let merged = |r: u32| {
        s.merges()
            .iter()
            .any(|m| (m.first_row..=m.last_row).contains(&r))
    };
    by_row
        .into_iter()
        .filter_map(|(r, cols)| match cols[..] {
            [c] if c < last && outside(r) && !merged(r) => Some(Merge {
                first_row: r,
                first_col: c,
                last_row: r,
                last_col: last,
            }),
            _ => None,
        })
        .collect()
}

/// The first row of the sheet's table body: the first row of a table holding a number (the
/// rows above it are the table's header and title).
fn body_start(s: &Sheet, regions: &[Merge]) -> u32 {
    let in_table = |r: u32, c: u16| {
        regions.iter().any(|m| {
            (m.first_row..=m.last_row).contains(&r) && (m.first_col..=m.last_col).contains(&c)
        })
    };
    s.cells()
        .filter(|(r, c, cell)| matches!(cell, Cell::Number(_)) && in_table(*r, *c))
        .map(|(r, ..)| r)
        .min()
        .unwrap_or(u32::MAX)
}

/// The columns holding no number in the table body (from row `body`) and wider than `narrow`.
fn text_columns(s: &Sheet, body: u32, narrow: f64, widths: &BTreeMap<u16, f64>) -> BTreeSet<u16> {
    let figure = |cell: &Cell| match cell {
        Cell::Number(_) => true,
        other => Decimal::from_str(&other.to_string().replace([',', ' '], "")).is_ok(),
    };
    let numeric: BTreeSet<u16> = s
        .cells()
        .filter(|(r, _, cell)| *r >= body && figure(cell))
        .map(|(_, c, _)| c)
        .collect();
    widths
        .iter()
        .filter(|(c, w)| **w > narrow && !numeric.contains(c))
        .map(|(c, _)| *c)
        .collect()
}

/// The boxes a printed table rules: the regions of table cells gathered into one box per run
/// of rows they cover without a gap, as wide as the widest of them.
fn table_boxes(regions: impl Iterator<Item = Merge>) -> Vec<Merge> {
    let mut sorted: Vec<Merge> = regions.collect();
    sorted.sort_by_key(|m| (m.first_row, m.first_col));
    let mut boxes: Vec<Merge> = Vec::new();
    for m in sorted {
        match boxes.last_mut() {
            Some(b) if m.first_row <= b.last_row + 1 => {
                b.last_row = b.last_row.max(m.last_row);
                b.first_col = b.first_col.min(m.first_col);
                b.last_col = b.last_col.max(m.last_col);
            }
            _ => boxes.push(m),
        }
    }
    boxes
}

/// Render `data` (a filled `form`) with the given variations, every choice drawn from `seed`.
pub fn render(form: &Form, data: &FormData, variations: &[Variation], seed: u64) -> Rendered {
    let mut rng = Rng::new(seed);
    let mut canvas = Canvas::from_layout(form, data);
    let mut sorted = variations.to_vec();
    sorted.sort_by_key(|v| apply_order(*v));
    for v in &sorted {
        canvas.apply(*v, form, &mut rng);
    }
    canvas.rendered(variations, seed)
}

/// How a long 科目 table is printed over pages inside one sheet: after every `every` rows a
/// row of the page's totals (`total_word`: 本页小计) and one of the running total
/// (`carried_word`: 承上页 on top of the next page, or 过次页 at the foot of this one), the
/// header repeated on each page or not.
#[derive(Debug, Clone, Copy)]
pub struct PageTotals {
    pub every: u32,
    pub header: bool,
    pub total_word: &'static str,
    pub carried_word: &'static str,
    /// The running total at the foot of each page, under its page total; else on the next
    /// page, under the repeated header.
    pub carried_below: bool,
}

/// `form` drawn with page total rows in its first table (see [`PageTotals`]), and how many
/// such rows: None when it is no 科目 table or fits one page.
pub fn render_page_totals(
    form: &Form,
    data: &FormData,
    pages: PageTotals,
) -> Option<(Rendered, usize)> {
    let mut canvas = Canvas::from_layout(form, data);
    let added = canvas.page_totals(form, pages);
    (added > 0).then(|| (canvas.rendered(&[], 0), added))
}

/// `form` drawn with the value columns of its tables that number their columns (栏次) moved
/// about by `seed`, each with its header and 栏次 cells: None when none could move.
pub fn render_moved_columns(form: &Form, data: &FormData, seed: u64) -> Option<Rendered> {
    let mut canvas = Canvas::from_layout(form, data);
    let moved = canvas.move_numbered_columns(form, &mut Rng::new(seed));
    moved.then(|| canvas.rendered(&[], seed))
}

/// Up to `most` variations that apply to `form`, drawn from `pool` by `seed`.
pub fn pick(form: &Form, pool: &[Variation], most: usize, seed: u64) -> Vec<Variation> {
    let mut rng = Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut choice: Vec<Variation> = pool.iter().copied().filter(|v| v.applies(form)).collect();
    rng.shuffle(&mut choice);
    let n = 1 + rng.below(most.max(1));
    choice.truncate(n);
    // Money in 元 and in 千元 exclude each other; so do the ways codes are shown.
    let exclusive = [
        // A table that does not say its unit is in 万元.
        &[MoneyYuan, MoneyThousand, NoUnitLine][..],
        // The unit is said in one place.
        &[TableNoWithUnit, UnitInHeader, UnitInTitle, NoUnitLine][..],
        &[
            CodeWithName,
            IndentedNames,
            SplitCodes,
            TotalOnSubHeader,
            WholeCodesPerLevel,
            CodeNameUnderLei,
            SpacedCodes,
        ][..],
        &[Stacked, TwoSheets, OneList, TwoBlocks][..],
        &[
            PairsUnderItems,
            BudgetActualRows,
            NoColumnNumbers,
            NumbersInHeader,
        ][..],
        &[HeaderUnmergedDown, HeaderUnmergedAcross][..],
        // Copies one below the other in one sheet are whole forms: none goes on to a sheet
        // of its own.
        &[SeveralInOneSheet, ContinuedOnNextSheet, TwoSheets][..],
    ];
    for group in exclusive {
        let mut seen = false;
        choice.retain(|v| {
            let member = group.contains(v);
            let keep = !(member && seen);
            seen |= member;
            keep
        });
    }
    choice.sort();
    choice
}

/// Variations that change the table's structure run before those that rename its texts,
/// sheet-level ones last.
fn apply_order(v: Variation) -> u8 {
    match v {
        NoSideLabel | ColumnsReordered | PairsUnderItems | BudgetActualRows => 0,
        OneList | TwoBlocks => 0,
        SplitCodes | TotalOnSubHeader | CodeWithName | IndentedNames => 1,
        WholeCodesPerLevel | CodeNameUnderLei | SpacedCodes => 1,
        NoLineColumn | OtherLineNumbers | NoColumnNumbers | NumbersInHeader => 2,
        MarkedColumnNumbers => 2,
        HeaderSynonyms | HeaderUnmergedDown | HeaderUnmergedAcross => 3,
        OtherOrdinals | SpacedLabels | WrappedLabels | AbbreviatedLabels => 4,
        UnitLabel | TableNoWithUnit | NoTableNo | MoneyYuan | MoneyThousand => 5,
        ExtraEmpty | UnitInHeader | UnitInTitle | NoUnitLine => 6,
        Stacked => 7,
        RepeatedHeader => 8,
        TwoSheets | ContinuedOnNextSheet => 9,
        Offset => 10,
        SeveralInOneSheet => 11,
        SheetNames | SheetOrder => 12,
    }
}

// ------------------------------------------------------------------------------------ canvas

/// One way units write a code and its name in one cell.
type CodeNameJoin = fn(&str, &str) -> String;

/// The ways of [`CodeNameJoin`] units and budget systems use.
const CODE_NAME_JOINS: [CodeNameJoin; 7] = [
    |code, name| format!("{code} {name}"),
    |code, name| format!("{code}{name}"),
    |code, name| format!("[{code}]{name}"),
    |code, name| format!("【{code}】{name}"),
    |code, name| format!("{name}（{code}）"),
    |code, name| format!("{code}.{name}"),
    |code, name| format!("{code}-{name}"),
];

/// What a placed piece shows.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Empty,
    Text(String),
    Line(u32),
    /// A logical value (key as in `FormData.origin`) of the given column kind.
    Value {
        key: String,
        val: Val,
        kind: ColKind,
    },
    /// The rest of a merged piece below a page break: drawn empty, its text printed above.
    Rest(Box<Piece>),
}

/// The role of a piece, from the layout's style, with its place in the form's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    TableNo,
    UnitLine,
    Period,
    MoneyUnit,
    Header,
    ColumnNumber,
    SideLabel,
    Label,
    Line,
    Code,
    Name,
    Value,
    Note,
}

#[derive(Debug, Clone)]
struct Item {
    sheet: usize,
    row: u32,
    col: u16,
    rows: u32,
    cols: u16,
    piece: Piece,
    role: Role,
    /// Index of the form's block the piece belongs to (None for title lines and notes).
    block: Option<usize>,
    /// Index of the table panel whose columns hold the piece.
    panel: Option<usize>,
    /// The panel column the piece starts in.
    column: Option<ColKind>,
    /// The data row's key (rows of a table).
    row_key: Option<String>,
}

impl Item {
    fn text(&self) -> &str {
        match &self.piece {
            Piece::Text(t) => t,
            _ => "",
        }
    }
    /// Whether the piece shows something: a text, a 行次 or a value (a blank value shows an
    /// empty ruled cell, which is nothing).
    fn shows_anything(&self) -> bool {
        match &self.piece {
            Piece::Empty | Piece::Rest(_) => false,
            Piece::Text(t) => !t.is_empty(),
            Piece::Line(_) => true,
            Piece::Value { val, .. } => *val != Val::Blank,
        }
    }
    fn last_row(&self) -> u32 {
        self.row + self.rows - 1
    }
    fn last_col(&self) -> u16 {
        self.col + self.cols - 1
    }
}

/// Rows of one table block on the canvas.
#[derive(Debug, Clone, Copy)]
struct BlockRows {
    /// First header row.
    start: u32,
    /// First data row (after the header and the 栏次 row).
    data: u32,
    /// After the last data row (before the footer).
    data_end: u32,
    /// After the block (footer included).
    end: u32,
}

struct Canvas {
    sheets: Vec<String>,
    items: Vec<Item>,
    /// Per form block: its rows when it is a table.
    blocks: Vec<Option<BlockRows>>,
    /// Amounts are drawn multiplied by this (万元 → 元: 10000).
    money_scale: Decimal,
    /// Rows of the title lines (title, 表号, unit line), copied to continuation sheets.
    top_rows: u32,
    form_sheet_name: String,
}

impl Canvas {
    fn from_layout(form: &Form, data: &FormData) -> Canvas {
        let l = layout(form, data, 0, &|_| true);
        let mut blocks = Vec::new();
        for (bi, b) in form.blocks.iter().enumerate() {
            let (start, end) = l.block_rows[bi];
            blocks.push(b.is_table().then(|| {
                let data = start + b.header.len() as u32 + u32::from(b.column_numbers);
                BlockRows {
                    start,
                    data,
                    data_end: end - b.footer.len() as u32,
                    end,
                }
            }));
        }
        let mut items = Vec::new();
        for p in &l.cells {
            let block = l
                .block_rows
                .iter()
                .position(|(s, e)| p.row >= *s && p.row < *e);
            let (panel, column) = block
                .map(|bi| panel_at(form, bi, p.col, p.cols))
                .unwrap_or((None, None));
            let (piece, role, row_key) = piece_of(form, data, &p.content, p.style, column);
            items.push(Item {
                sheet: 0,
                row: p.row,
                col: p.col,
                rows: p.rows,
                cols: p.cols,
                piece,
                role,
                block,
                panel,
                column,
                row_key,
            });
        }
        let mut c = Canvas {
            sheets: vec![form.sheet_name.clone()],
            items,
            blocks,
            money_scale: Decimal::ONE,
            top_rows: 3,
            form_sheet_name: form.sheet_name.clone(),
        };
        c.mark_table_rows(form, data);
        c
    }

    /// Give every piece of a table's data row the key of its row.
    fn mark_table_rows(&mut self, form: &Form, data: &FormData) {
        for (bi, b) in form.blocks.iter().enumerate() {
            let Some(br) = self.blocks[bi] else { continue };
            for (pi, p) in b.panels.iter().enumerate() {
                let keys: Vec<&str> = data
                    .rows
                    .iter()
                    .filter(|r| r.panel == p.id)
                    .map(|r| &*r.key)
                    .collect();
                for it in &mut self.items {
                    if it.block == Some(bi) && it.panel == Some(pi) && it.row >= br.data {
                        let i = (it.row - br.data) as usize;
                        if let Some(k) = keys.get(i) {
                            it.row_key = Some(k.to_string());
                        }
                    }
                }
            }
        }
    }

    fn apply(&mut self, v: Variation, form: &Form, rng: &mut Rng) {
        match v {
            Stacked => self.stack_panels(form, rng, false),
            TwoSheets => self.stack_panels(form, rng, true),
            HeaderSynonyms => self.header_synonyms(form, rng),
            NoLineColumn => self.drop_columns(|it| it.column == Some(ColKind::Line)),
            OtherLineNumbers => self.renumber_lines(rng.below(2) == 0),
            NoColumnNumbers => self.drop_rows(|it| it.role == Role::ColumnNumber),
            MarkedColumnNumbers => self.mark_column_numbers(rng.below(5)),
            NumbersInHeader => self.numbers_into_header(),
            HeaderUnmergedDown => self.unmerge_header_down(),
            HeaderUnmergedAcross => self.unmerge_header_across(),
            TotalOnSubHeader => self.total_on_sub_header(form, rng),
            OtherOrdinals => {
                let style = *rng.choose(&[Ordinal::Arabic, Ordinal::Bracketed, Ordinal::None]);
                self.edit_labels(|l| renumber(l, style));
            }
            SpacedLabels => self.edit_labels(|l| spaceable(l).then(|| spaced(l))),
            WrappedLabels => {
                let at = rng.below(3);
                self.edit_labels(|l| wrappable(l).then(|| wrapped(l, at)))
            }
            AbbreviatedLabels => self.edit_labels(abbreviated),
            CodeWithName => {
                let joined = *rng.choose(&CODE_NAME_JOINS);
                self.codes_into_names(Some(joined))
            }
            IndentedNames => self.codes_into_names(None),
            SplitCodes => {
                let style = *rng.choose(&[SplitStyle::EveryPart, SplitStyle::Parts]);
                self.split_codes(form, style)
            }
            WholeCodesPerLevel => self.split_codes(form, SplitStyle::Whole),
            CodeNameUnderLei => {
                let keep_names = rng.below(2) == 0;
                self.split_codes(form, SplitStyle::WithNameUnderLei { keep_names })
            }
            SpacedCodes => self.space_codes(form),
            NoSideLabel => self.drop_side_label(form),
            ColumnsReordered => self.reorder_columns(form, rng),
            OneList => self.join_panels(form, 1),
            TwoBlocks => self.join_panels(form, 2),
            PairsUnderItems => self.budget_actual(form, false, false),
            BudgetActualRows => {
                let dated = rng.below(2) == 0;
                self.budget_actual(form, true, dated)
            }
            SeveralInOneSheet => {
                let below = self.items.iter().map(|it| it.last_row()).max().unwrap_or(0);
                let down = below + 2 + rng.below(3) as u32;
                let copies: Vec<Item> = self
                    .items
                    .iter()
                    .filter(|it| it.sheet == 0)
                    .cloned()
                    .collect();
                self.items.extend(copies.into_iter().map(|mut it| {
                    it.row += down;
                    it
                }));
            }
            UnitLabel => self.unit_label(form, rng),
            TableNoWithUnit => self.table_no_with_unit(form, rng),
            NoTableNo => self.items.retain(|it| it.role != Role::TableNo),
            MoneyYuan => self.money(Decimal::from(10000), "元"),
            MoneyThousand => self.money(Decimal::from(10), "千元"),
            UnitInHeader => self.unit_elsewhere(Role::Header),
            UnitInTitle => self.unit_elsewhere(Role::Title),
            NoUnitLine => self.items.retain(|it| it.role != Role::MoneyUnit),
            ContinuedOnNextSheet => self.continue_table(form, rng, true),
            RepeatedHeader => self.continue_table(form, rng, false),
            ExtraEmpty => self.extra_empty(rng),
            Offset => {
                // Every sheet of the form is printed from the same template: the sheets it
                // continues on start as far down and right as the first.
                let (down, right) = (1 + rng.below(4) as u32, 1 + rng.below(3) as u16);
                for sheet in 0..self.sheets.len() {
                    self.insert_rows(sheet, 0, down);
                    self.insert_cols(sheet, 0, right);
                }
            }
            SheetNames => {
                let names = ["Sheet1", "表3", "附表", "决算公开表", "2024", "Sheet2"];
                let first = rng.below(names.len());
                for (i, s) in self.sheets.iter_mut().enumerate() {
                    *s = names[(first + i) % names.len()].to_string();
                }
            }
            SheetOrder => {
                // Another sheet before the form's. The form's own sheets keep their order: a
                // table continues on the sheet after it, not before.
                self.sheets.insert(0, "说明".into());
                for it in &mut self.items {
                    it.sheet += 1;
                }
                self.items.push(Item {
                    sheet: 0,
                    row: 0,
                    col: 0,
                    rows: 1,
                    cols: 1,
                    piece: Piece::Text("本套报表为本单位公开数据，请以正式发布为准。".into()),
                    role: Role::Note,
                    block: None,
                    panel: None,
                    column: None,
                    row_key: None,
                });
            }
        }
    }

    /// The sheets with their cells, and where each non-blank logical value went.
    fn draw(&self) -> (Workbook, Vec<(String, String, String)>) {
        let mut sheets = Vec::new();
        let mut values = Vec::new();
        for (si, name) in self.sheets.iter().enumerate() {
            let mut cells = Vec::new();
            let mut merges = Vec::new();
            for it in self.items.iter().filter(|it| it.sheet == si) {
                if it.rows > 1 || it.cols > 1 {
                    merges.push(Merge {
                        first_row: it.row,
                        first_col: it.col,
                        last_row: it.last_row(),
                        last_col: it.last_col(),
                    });
                }
                let cell = self.cell_of(&it.piece);
                if cell.is_empty() {
                    continue;
                }
                if let Piece::Value { key, .. } = &it.piece {
                    values.push((name.clone(), a1(it.row, it.col), key.clone()));
                }
                cells.push((it.row, it.col, cell));
            }
            sheets.push(Sheet::from_cells(name.clone(), cells, merges));
        }
        let book = Workbook {
            path: PathBuf::from(format!("{}.xlsx", self.form_sheet_name)),
            format: Format::Xlsx,
            sheets,
            text: Vec::new(),
            cell_notes: Vec::new(),
        };
        (book, values)
    }

    /// The canvas drawn, as rendered by `variations` and `seed`.
    fn rendered(&self, variations: &[Variation], seed: u64) -> Rendered {
        let (book, values) = self.draw();
        Rendered {
            book,
            values,
            variations: variations.to_vec(),
            seed,
            ruled: self.ruled(),
        }
    }

    /// The regions of the table items (header, labels, codes, values) by sheet.
    fn ruled(&self) -> Vec<(String, Merge)> {
        self.items
            .iter()
            .filter(|it| {
                !matches!(
                    it.role,
                    Role::Title
                        | Role::TableNo
                        | Role::UnitLine
                        | Role::Period
                        | Role::MoneyUnit
                        | Role::Note
                )
            })
            .map(|it| {
                let region = Merge {
                    first_row: it.row,
                    first_col: it.col,
                    last_row: it.last_row(),
                    last_col: it.last_col(),
                };
                (self.sheets[it.sheet].clone(), region)
            })
            .collect()
    }

    fn cell_of(&self, piece: &Piece) -> Cell {
        match piece {
            Piece::Empty | Piece::Rest(_) => Cell::Empty,
            Piece::Text(t) if t.is_empty() => Cell::Empty,
            Piece::Text(t) => Cell::Text(t.clone()),
            Piece::Line(n) => Cell::Number(Decimal::from(*n)),
            Piece::Value { val, kind, .. } => match val {
                Val::Blank => Cell::Empty,
                Val::Nothing => Cell::Text("——".into()),
                Val::Num(d) if *kind == ColKind::Amount => Cell::Number(*d * self.money_scale),
                Val::Num(d) => Cell::Number(*d),
                Val::Text(t) if t.is_empty() => Cell::Empty,
                Val::Text(t) => Cell::Text(t.clone()),
                Val::Bool(b) => Cell::Bool(*b),
            },
        }
    }

    // ------------------------------------------------------------------ geometry

    /// Move every piece of `sheet` at or below `at` down by `n`; pieces spanning `at` grow.
    fn insert_rows(&mut self, sheet: usize, at: u32, n: u32) {
        for it in self.items.iter_mut().filter(|it| it.sheet == sheet) {
            if it.row >= at {
                it.row += n;
            } else if it.last_row() >= at {
                it.rows += n;
            }
        }
        for b in self.blocks.iter_mut().flatten() {
            for r in [&mut b.start, &mut b.data, &mut b.data_end, &mut b.end] {
                if *r >= at && sheet == 0 {
                    *r += n;
                }
            }
        }
        if at < self.top_rows && sheet == 0 {
            self.top_rows += n;
        }
    }

    /// Move every piece of `sheet` at or right of `at` right by `n`; pieces spanning `at` grow.
    fn insert_cols(&mut self, sheet: usize, at: u16, n: u16) {
        for it in self.items.iter_mut().filter(|it| it.sheet == sheet) {
            if it.col >= at {
                it.col += n;
            } else if it.last_col() >= at {
                it.cols += n;
            }
        }
    }

    /// Every 行次 one more (`shift`), or the rows with a label numbered on from 1 panel after
    /// panel, spacer rows (no label) left without one.
    fn renumber_lines(&mut self, shift: bool) {
        let labelled: BTreeSet<(usize, u32, Option<usize>)> = self
            .items
            .iter()
            .filter(|it| it.role == Role::Label && !it.text().trim().is_empty())
            .map(|it| (it.sheet, it.row, it.panel))
            .collect();
        let mut lines: Vec<&mut Item> = self
            .items
            .iter_mut()
            .filter(|it| matches!(it.piece, Piece::Line(_)))
            .collect();
        lines.sort_by_key(|it| (it.panel, it.sheet, it.row));
        let mut next = 1;
        for it in lines {
            let Piece::Line(n) = it.piece else { continue };
            it.piece = if shift {
                Piece::Line(n + 1)
            } else if labelled.contains(&(it.sheet, it.row, it.panel)) {
                next += 1;
                Piece::Line(next - 1)
            } else {
                Piece::Empty
            };
        }
    }

    /// Remove the sheet columns whose pieces all match `gone` (and hold no logical value).
    fn drop_columns(&mut self, gone: impl Fn(&Item) -> bool) {
        let mut cols: Vec<(usize, u16)> = self
            .items
            .iter()
            .filter(|it| gone(it) && it.cols == 1)
            .map(|it| (it.sheet, it.col))
            .collect();
        cols.sort();
        cols.dedup();
        for (sheet, col) in cols.into_iter().rev() {
            let only_here = |it: &Item| it.sheet == sheet && it.col == col && it.cols == 1;
            if self
                .items
                .iter()
                .any(|it| only_here(it) && matches!(it.piece, Piece::Value { .. }))
            {
                continue;
            }
            self.items.retain(|it| !only_here(it));
            for it in self.items.iter_mut().filter(|it| it.sheet == sheet) {
                if it.col > col {
                    it.col -= 1;
                } else if it.last_col() >= col {
                    it.cols -= 1;
                }
            }
        }
    }

    /// Remove the sheet rows holding a piece that matches `gone`.
    /// The 栏次 row's numbers written under the header words just above them, in their cells
    /// (a header cell over several columns keeps its word alone); the row gone.
    fn numbers_into_header(&mut self) {
        let numbers: Vec<(usize, u32, u16, String)> = self
            .items
            .iter()
            .filter(|it| it.role == Role::ColumnNumber && it.cols == 1)
            .filter(|it| !it.text().is_empty() && it.text().bytes().all(|b| b.is_ascii_digit()))
            .map(|it| (it.sheet, it.row, it.col, it.text().to_string()))
            .collect();
        for (sheet, row, col, n) in numbers {
            let above = self.items.iter_mut().find(|it| {
                it.sheet == sheet
                    && it.role == Role::Header
                    && it.col == col
                    && it.cols == 1
                    && it.last_row() + 1 == row
            });
            if let Some(h) = above.filter(|h| !h.text().is_empty()) {
                h.piece = Piece::Text(format!("{}\n{n}", h.text()));
            }
        }
        self.drop_rows(|it| it.role == Role::ColumnNumber);
    }

    /// Each 栏次 number `n` written in mark style `style` (0 `①`, 1 `（1）`, 2 `第1栏`, 3 `1栏`);
    /// style 4 writes the first of each row as a formula label (`1=2+3`).
    fn mark_column_numbers(&mut self, style: usize) {
        let mut firsts: BTreeSet<(usize, u32)> = BTreeSet::new();
        let mut numbers: Vec<&mut Item> = self
            .items
            .iter_mut()
            .filter(|it| it.role == Role::ColumnNumber)
            .filter(|it| it.text().parse::<u32>().is_ok())
            .collect();
        numbers.sort_by_key(|it| (it.sheet, it.row, it.col));
        for it in numbers {
            let n: u32 = it.text().parse().unwrap();
            let marked = match style {
                0 => char::from_u32('①' as u32 + n - 1).unwrap().to_string(),
                1 => format!("（{n}）"),
                2 => format!("第{n}栏"),
                3 => format!("{n}栏"),
                _ if firsts.insert((it.sheet, it.row)) => format!("{n}={}+{}", n + 1, n + 2),
                _ => continue,
            };
            it.piece = Piece::Text(marked);
        }
    }

    fn drop_rows(&mut self, gone: impl Fn(&Item) -> bool) {
        let mut rows: Vec<(usize, u32)> = self
            .items
            .iter()
            .filter(|it| gone(it))
            .map(|it| (it.sheet, it.row))
            .collect();
        rows.sort();
        rows.dedup();
        for (sheet, row) in rows.into_iter().rev() {
            self.remove_row(sheet, row);
        }
    }

    fn remove_row(&mut self, sheet: usize, row: u32) {
        self.items
            .retain(|it| !(it.sheet == sheet && it.row == row && it.rows == 1));
        for it in self.items.iter_mut().filter(|it| it.sheet == sheet) {
            if it.row > row {
                it.row -= 1;
            } else if it.last_row() >= row {
                it.rows -= 1;
            }
        }
        if sheet == 0 {
            for b in self.blocks.iter_mut().flatten() {
                for r in [&mut b.start, &mut b.data, &mut b.data_end, &mut b.end] {
                    if *r > row {
                        *r -= 1;
                    }
                }
            }
        }
    }

    fn reorder_sheets(&mut self, order: &[usize]) {
        let names: Vec<String> = order.iter().map(|&i| self.sheets[i].clone()).collect();
        for it in &mut self.items {
            it.sheet = order.iter().position(|&i| i == it.sheet).unwrap();
        }
        self.sheets = names;
    }

    fn first_table(&self) -> Option<(usize, BlockRows)> {
        self.blocks
            .iter()
            .enumerate()
            .find_map(|(i, b)| b.map(|b| (i, b)))
    }

    // ------------------------------------------------------------------ variations

    /// Panels after the first below it (or on a new sheet), each with its header cells.
    fn stack_panels(&mut self, form: &Form, rng: &mut Rng, new_sheet: bool) {
        let Some(bi) = form
            .blocks
            .iter()
            .position(|b| b.is_table() && b.panels.len() > 1 && b.side_label.is_none())
        else {
            return;
        };
        let br = self.blocks[bi].unwrap();
        let block = &form.blocks[bi];
        let height = br.data_end - br.start;
        let gap = rng.below(2) as u32;
        // Where each panel starts as drawn (columns dropped before may have moved them).
        let first_col = |items: &[Item], pi: usize| {
            items
                .iter()
                .filter(|it| it.sheet == 0 && it.block == Some(bi) && it.panel == Some(pi))
                .map(|it| it.col)
                .min()
                .unwrap_or(0)
        };
        let home = first_col(&self.items, 0);
        if new_sheet {
            self.split_spanning_headers(bi, block.panels.len());
        }
        for pi in 1..block.panels.len() {
            let shift_left = first_col(&self.items, pi).saturating_sub(home);
            let moved = |it: &Item| {
                it.sheet == 0
                    && it.block == Some(bi)
                    && it.row < br.data_end
                    && it.panel == Some(pi)
            };
            let (sheet, down) = if new_sheet {
                let s = self.sheets.len();
                self.sheets
                    .push(format!("{}（{}）", self.form_sheet_name, pi + 1));
                self.copy_top_rows(s);
                (s, self.top_rows as i64 - br.start as i64)
            } else {
                let at = br.data_end + (pi as u32 - 1) * (height + gap);
                self.insert_rows(0, at, height + gap);
                (0, (at + gap) as i64 - br.start as i64)
            };
            for it in self.items.iter_mut().filter(|it| moved(it)) {
                it.sheet = sheet;
                it.row = (it.row as i64 + down) as u32;
                it.col -= shift_left;
            }
        }
    }

    /// Header cells of block `bi` over several panels cut into one per panel (公开06表's
    /// 公用经费 over its second and third), so that each sheet a panel moves to shows it.
    fn split_spanning_headers(&mut self, bi: usize, panels: usize) {
        let drawn = |items: &[Item], pi: usize| {
            let of = items
                .iter()
                .filter(|it| it.sheet == 0 && it.block == Some(bi) && it.panel == Some(pi));
            let lo = of.clone().map(|it| it.col).min()?;
            Some((lo, of.map(|it| it.last_col()).max()?))
        };
        let ranges: Vec<(usize, (u16, u16))> = (0..panels)
            .filter_map(|pi| drawn(&self.items, pi).map(|r| (pi, r)))
            .collect();
        let mut pieces = Vec::new();
        self.items.retain(|it| {
            let header = it.sheet == 0 && it.block == Some(bi) && it.role == Role::Header;
            if !header || it.panel.is_some() {
                return true;
            }
            let cut: Vec<Item> = ranges
                .iter()
                .filter(|(_, (lo, hi))| it.col <= *hi && *lo <= it.last_col())
                .map(|&(pi, (lo, hi))| {
                    let col = it.col.max(lo);
                    Item {
                        col,
                        cols: it.last_col().min(hi) - col + 1,
                        panel: Some(pi),
                        ..it.clone()
                    }
                })
                .collect();
            if cut.len() < 2 {
                return true;
            }
            pieces.extend(cut);
            false
        });
        self.items.extend(pieces);
    }

    /// Copy the title lines of the form's sheet onto `sheet`.
    fn copy_top_rows(&mut self, sheet: usize) {
        let top: Vec<Item> = self
            .items
            .iter()
            .filter(|it| it.sheet == 0 && it.row < self.top_rows && it.block.is_none())
            .filter(|it| !matches!(it.piece, Piece::Value { .. }))
            .cloned()
            .collect();
        for mut it in top {
            it.sheet = sheet;
            self.items.push(it);
        }
    }

    fn header_synonyms(&mut self, form: &Form, rng: &mut Rng) {
        let family = form.family;
        for it in self.items.iter_mut().filter(|it| it.role == Role::Header) {
            if let Some(group) = synonyms_of(it.text()) {
                let group: Vec<&str> = group
                    .iter()
                    .copied()
                    .filter(|s| family_word(s, family))
                    .collect();
                it.piece = Piece::Text(rng.choose(&group).to_string());
            }
        }
    }

    /// Vertical header merges broken up: the text on the merge's lowest row.
    fn unmerge_header_down(&mut self) {
        for it in self.items.iter_mut() {
            if it.role == Role::Header && it.rows > 1 {
                it.row = it.last_row();
                it.rows = 1;
            }
        }
    }

    /// Horizontal header merges broken up: the text in every cell it covered.
    fn unmerge_header_across(&mut self) {
        let mut extra = Vec::new();
        for it in self.items.iter_mut() {
            if it.role == Role::Header && it.cols > 1 {
                for c in 1..it.cols {
                    let mut copy = it.clone();
                    copy.col = it.col + c;
                    copy.cols = 1;
                    extra.push(copy);
                }
                it.cols = 1;
            }
        }
        self.items.extend(extra);
    }

    /// The side label (绩效指标) gone and its table moved left to column A; the rows of other
    /// blocks stay where they are.
    /// The rows the side label spans move left into its column, and with them a totals
    /// block right below the table (总分 under 分值 and 自评得分 stays under them).
    fn drop_side_label(&mut self, form: &Form) {
        let Some(side) = self.items.iter().position(|it| it.role == Role::SideLabel) else {
            return;
        };
        let gone = self.items.remove(side);
        let totals = totals_after(form, gone.block);
        for it in self.items.iter_mut().filter(|it| it.sheet == gone.sheet) {
            let inside = it.row >= gone.row && it.last_row() <= gone.last_row();
            if !(inside || totals.is_some() && it.block == totals) {
                continue;
            }
            if it.col > gone.col {
                it.col -= 1;
            } else if it.cols > 1 {
                it.cols -= 1;
            }
        }
    }

    /// Labels and names of rows rewritten; `None` keeps a label.
    fn edit_labels(&mut self, edit: impl Fn(&str) -> Option<String>) {
        for it in self.items.iter_mut() {
            if matches!(it.role, Role::Label | Role::Name) && it.row_key.is_some() {
                if let Some(new) = edit(it.text()) {
                    it.piece = Piece::Text(new);
                }
            }
        }
    }

    /// The code column of coded panels dropped: its code written before the name
    /// (`2010450 事业运行`), or only the name, indented by level.
    fn codes_into_names(&mut self, joined: Option<CodeNameJoin>) {
        // Each name takes the code of its own panel's row (公开06表 has three side by side).
        let codes: Vec<(usize, u32, Option<usize>, String)> = self
            .items
            .iter()
            .filter(|it| it.role == Role::Code && it.column == Some(ColKind::Code))
            .map(|it| (it.sheet, it.row, it.panel, it.text().to_string()))
            .collect();
        for it in self.items.iter_mut().filter(|it| it.role == Role::Name) {
            let Some((.., code)) = codes.iter().find(|(s, r, p, c)| {
                *s == it.sheet && *r == it.row && *p == it.panel && !c.is_empty()
            }) else {
                continue;
            };
            let name = it.text().to_string();
            it.piece = Piece::Text(match joined {
                None => {
                    let level = match code.len() {
                        0..=3 => 0,
                        4..=5 => 1,
                        _ => 2,
                    };
                    format!("{}{name}", "　".repeat(level * 2))
                }
                Some(join) => join(code, &name),
            });
        }
        // The header over the code column and the 合计 (which spans code and name) stay.
        let is_code = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        self.items.retain(|it| {
            !(it.role == Role::Code && it.column == Some(ColKind::Code) && is_code(it.text()))
        });
        let code_cols: Vec<(usize, u16)> = self
            .items
            .iter()
            .filter(|it| {
                it.role == Role::Header && it.column == Some(ColKind::Code) && it.cols == 1
            })
            .map(|it| (it.sheet, it.col))
            .collect();
        for (sheet, col) in code_cols.into_iter().rev() {
            self.items.retain(|it| {
                !(it.sheet == sheet && it.col == col && it.cols == 1 && it.role == Role::Header)
            });
            self.shift_cols_left(sheet, col);
        }
    }

    fn shift_cols_left(&mut self, sheet: usize, col: u16) {
        for it in self.items.iter_mut().filter(|it| it.sheet == sheet) {
            if it.col > col {
                it.col -= 1;
            } else if it.last_col() >= col && it.cols > 1 {
                it.cols -= 1;
            }
        }
    }

    /// The code column of coded panels split over 类/款/项 (类/款 for two-level codes) under a
    /// new header row; a code shows its own part only or every part, as units print it.
    fn split_codes(&mut self, form: &Form, style: SplitStyle) {
        let mut columns: Vec<(usize, u16, usize, usize)> = Vec::new(); // sheet, col, block, parts
        for it in &self.items {
            if it.role == Role::Header && it.column == Some(ColKind::Code) && it.cols == 1 {
                let Some(bi) = it.block else { continue };
                let levels = code_levels(form, bi, it.panel);
                let parts = levels.map_or(0, |l| l.len());
                let last_header_row = self.blocks[bi].is_some_and(|b| it.last_row() + 1 == b.data);
                if parts > 1 && last_header_row {
                    columns.push((it.sheet, it.col, bi, parts));
                }
            }
        }
        let mut new_rows: Vec<usize> = Vec::new();
        for &(sheet, col, bi, parts) in columns.iter().rev() {
            let br = self.blocks[bi].unwrap();
            if !new_rows.contains(&bi) {
                // One header row more: cells ending on the last header row grow down.
                let last = br.data - 1;
                self.insert_rows(sheet, br.data, 1);
                for it in self.items.iter_mut() {
                    if it.sheet == sheet && it.role == Role::Header && it.last_row() == last {
                        it.rows += 1;
                    }
                }
                new_rows.push(bi);
            }
            let br = self.blocks[bi].unwrap();
            self.insert_cols(sheet, col + 1, parts as u16 - 1);
            let head = br.data - 1;
            for it in self
                .items
                .iter_mut()
                .filter(|it| it.sheet == sheet && it.col == col)
            {
                if it.role == Role::Header && it.cols == 1 {
                    it.cols = parts as u16;
                    it.rows -= 1;
                }
            }
            let lens = code_levels(form, bi, None).unwrap_or(vec![3, 5, 7]);
            let words = ["类", "款", "项"];
            let mut extra = Vec::new();
            for (k, w) in words.iter().take(parts).enumerate() {
                extra.push(header_item(sheet, head, col + k as u16, w, bi));
            }
            for it in self.items.iter_mut() {
                if it.sheet != sheet || it.col != col || it.role != Role::Code || it.cols != 1 {
                    continue;
                }
                let code = it.text().to_string();
                for k in 0..parts {
                    let part = code_part(&code, &lens, k, style);
                    if k == 0 {
                        it.piece = Piece::Text(part);
                    } else {
                        let mut copy = it.clone();
                        copy.col = col + k as u16;
                        copy.piece = Piece::Text(part);
                        extra.push(copy);
                    }
                }
            }
            self.items.extend(extra);
            if let SplitStyle::WithNameUnderLei { keep_names } = style {
                self.names_under_lei(sheet, col, keep_names);
            }
        }
    }

    /// Each name of a code shown under the 类 column `col` written there after its code, its
    /// own cell left empty unless `keep_names`.
    fn names_under_lei(&mut self, sheet: usize, col: u16, keep_names: bool) {
        let names: Vec<(u32, Option<usize>, String)> = self
            .items
            .iter()
            .filter(|it| it.sheet == sheet && it.role == Role::Name && !it.text().is_empty())
            .map(|it| (it.row, it.panel, it.text().to_string()))
            .collect();
        for it in self
            .items
            .iter_mut()
            .filter(|it| it.sheet == sheet && it.role == Role::Code)
        {
            let Some((.., name)) = names
                .iter()
                .find(|(r, p, _)| *r == it.row && *p == it.panel)
            else {
                continue;
            };
            if it.col == col && !it.text().is_empty() {
                it.piece = Piece::Text(format!("{} {name}", it.text()));
            }
        }
        let under_lei: Vec<(u32, Option<usize>)> = self
            .items
            .iter()
            .filter(|it| it.sheet == sheet && it.role == Role::Code && it.col == col)
            .filter(|it| it.text().contains(' ') && !keep_names)
            .map(|it| (it.row, it.panel))
            .collect();
        self.items.retain(|it| {
            !(it.sheet == sheet && it.role == Role::Name && under_lei.contains(&(it.row, it.panel)))
        });
    }

    /// Codes printed with their levels spaced apart (`201 06 01`, `301 01`).
    fn space_codes(&mut self, form: &Form) {
        for it in self.items.iter_mut().filter(|it| it.role == Role::Code) {
            let code = it.text().to_string();
            if code.len() < 5 || !code.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let lens = it
                .block
                .and_then(|bi| code_levels(form, bi, it.panel))
                .unwrap_or(vec![3, 5, 7]);
            let mut parts = Vec::new();
            let mut from = 0;
            for &to in lens.iter().filter(|&&l| l <= code.len()) {
                parts.push(&code[from..to]);
                from = to;
            }
            it.piece = Piece::Text(parts.join(" "));
        }
    }

    /// Split codes with the 合计 row on the `类 款 项` header row.
    fn total_on_sub_header(&mut self, form: &Form, rng: &mut Rng) {
        let style = *rng.choose(&[SplitStyle::EveryPart, SplitStyle::Parts]);
        self.split_codes(form, style);
        self.drop_rows(|it| it.role == Role::ColumnNumber);
        let totals: Vec<(usize, u32)> = self
            .items
            .iter()
            .filter(|it| it.row_key.as_deref() == Some("total"))
            .map(|it| (it.sheet, it.row))
            .collect();
        let Some(&(sheet, row)) = totals.first() else {
            return;
        };
        let words: Vec<Item> = self
            .items
            .iter()
            .filter(|it| it.sheet == sheet && it.row + 1 == row && it.role == Role::Header)
            .filter(|it| ["类", "款", "项"].contains(&it.text()))
            .cloned()
            .collect();
        if words.is_empty() {
            return;
        }
        let last_word = words.iter().map(|w| w.col).max().unwrap();
        for it in self
            .items
            .iter_mut()
            .filter(|it| it.sheet == sheet && it.row == row)
        {
            if it.role == Role::Label || it.role == Role::Code {
                // The 合计 label moves right of the 类/款/项 words, into the name column.
                it.col = last_word + 1;
                it.cols = 1;
            }
        }
        for it in self.items.iter_mut() {
            if it.sheet == sheet && it.row == row {
                it.row -= 1;
            }
        }
        // The header cells that reached down onto that row stop above it.
        for it in self.items.iter_mut() {
            if it.sheet == sheet
                && it.role == Role::Header
                && it.row < row - 1
                && it.last_row() >= row - 1
            {
                let covers_value = it.col > last_word + 1 || it.last_col() > last_word;
                if covers_value {
                    it.rows = row - 1 - it.row;
                }
            }
        }
        self.remove_row(sheet, row);
    }

    /// Two value columns of a list panel swapped, header cells with them.
    fn reorder_columns(&mut self, form: &Form, rng: &mut Rng) {
        for (bi, b) in form.blocks.iter().enumerate() {
            for pi in 0..b.panels.len() {
                if b.panels[pi].list.is_none() {
                    continue;
                }
                let cols = value_columns(form, bi, pi);
                if cols.len() < 2 {
                    continue;
                }
                let i = rng.below(cols.len() - 1);
                if self.swap_columns(form, bi, cols[i], cols[i + 1]) {
                    return;
                }
            }
        }
    }

    /// Columns `a` and `z` (next to each other) of the table of block `bi` swapped with their
    /// header and 栏次 cells, when each of its pieces over them is one cell wide or spans both
    /// (a header merged over the two stays): whether so.
    fn swap_columns(&mut self, form: &Form, bi: usize, a: u16, z: u16) -> bool {
        // A block without header shows its columns under the header of the table
        // it continues: the swap moves that table's every block.
        // A totals block right below the table keeps its values under their columns.
        let table = table_blocks(form, bi);
        let totals = totals_after(form, Some(*table.end()));
        let in_table = |it: &Item| {
            it.block.is_some_and(|b| table.contains(&b)) || totals.is_some() && it.block == totals
        };
        let single_cells = self.items.iter().all(|it| {
            !(in_table(it) && it.col <= z && it.last_col() >= a)
                || (it.cols == 1 && (it.col == a || it.col == z))
                || (it.col <= a && it.last_col() >= z)
        });
        if !single_cells {
            return false;
        }
        for it in self
            .items
            .iter_mut()
            .filter(|it| in_table(it) && it.cols == 1)
        {
            if it.col == a {
                it.col = z;
            } else if it.col == z {
                it.col = a;
            }
        }
        true
    }

    /// The value columns of every table numbering its columns moved about at random, each
    /// with its header and 栏次 cells, by swaps of neighbours: whether any moved.
    fn move_numbered_columns(&mut self, form: &Form, rng: &mut Rng) -> bool {
        let mut moved = false;
        for (bi, b) in form.blocks.iter().enumerate() {
            if !b.is_table() || !b.column_numbers {
                continue;
            }
            for pi in 0..b.panels.len() {
                let cols = value_columns(form, bi, pi);
                for _ in 0..2 * cols.len() * usize::from(cols.len() >= 2) {
                    let i = rng.below(cols.len() - 1);
                    moved |= self.swap_columns(form, bi, cols[i], cols[i + 1]);
                }
            }
        }
        moved
    }

    /// Panels `first..` of the joinable block each moved under the previous one, their
    /// columns gone; values of the footer in those columns move left with them.
    fn join_panels(&mut self, form: &Form, first: usize) {
        let Some((bi, n)) = joinable_panels(form) else {
            return;
        };
        let block = &form.blocks[bi];
        for k in (first..n).rev() {
            let br = self.blocks[bi].unwrap();
            let (j, w) = (k - 1, block.panels[k].width());
            let shift = block.panel_offset(k) - block.panel_offset(j);
            let in_rows = |it: &Item, p: usize| {
                it.sheet == 0
                    && it.block == Some(bi)
                    && it.panel == Some(p)
                    && it.row >= br.data
                    && it.row < br.data_end
            };
            let used = |it: &Item| it.shows_anything();
            let last_j = self
                .items
                .iter()
                .filter(|it| in_rows(it, j) && used(it))
                .map(|it| it.row)
                .max()
                .unwrap_or(br.data - 1);
            let last_k = self
                .items
                .iter()
                .filter(|it| in_rows(it, k) && used(it))
                .map(|it| it.row)
                .max()
                .unwrap_or(br.data);
            let need = last_j + 1 + (last_k - br.data) + 1;
            if need > br.data_end {
                self.insert_rows(0, br.data_end, need - br.data_end);
            }
            self.items.retain(|it| !in_rows(it, k) || used(it));
            for it in self.items.iter_mut().filter(|it| in_rows(it, k)) {
                it.row = it.row - br.data + last_j + 1;
                it.col -= shift;
                it.panel = Some(j);
            }
            let (from, to) = (block.panel_offset(k), block.panel_offset(k) + w);
            self.move_footer_left(bi, from, shift);
            self.items.retain(|it| {
                !(it.sheet == 0
                    && it.block == Some(bi)
                    && it.row < br.data
                    && it.col >= from
                    && it.last_col() < to)
            });
            for col in (from..to).rev() {
                self.items.retain(|it| {
                    !(it.sheet == 0
                        && it.block == Some(bi)
                        && it.col == col
                        && it.cols == 1
                        && !matches!(it.piece, Piece::Value { .. }))
                });
                self.shift_cols_left(0, col);
            }
        }
        self.trim_footer_overlaps(bi);
        if first == 1 && block.header.len() > 1 {
            // One list: the section words over the panels (人员经费 | 公用经费) go.
            let top = self.blocks[bi].unwrap().start;
            self.items.retain(|it| {
                !(it.sheet == 0 && it.block == Some(bi) && it.row == top && it.role == Role::Header)
            });
            self.remove_row(0, top);
        }
    }

    /// Footer pieces starting in columns about to go move `shift` left, onto a new footer
    /// row when their place is taken.
    fn move_footer_left(&mut self, bi: usize, from: u16, shift: u16) {
        let br = self.blocks[bi].unwrap();
        let footer = |it: &Item| it.sheet == 0 && it.block == Some(bi) && it.row >= br.data_end;
        let moving: Vec<usize> = (0..self.items.len())
            .filter(|&i| footer(&self.items[i]) && self.items[i].col >= from)
            .collect();
        let taken = moving.iter().any(|&i| {
            let m = &self.items[i];
            let (a, z) = (m.col - shift, m.last_col() - shift);
            self.items.iter().enumerate().any(|(o, it)| {
                // Labels shrink to make room; only values hold their place.
                matches!(it.piece, Piece::Value { .. })
                    && !moving.contains(&o)
                    && footer(it)
                    && it.row == m.row
                    && it.col <= z
                    && it.last_col() >= a
            })
        });
        let new_row = br.end;
        if taken {
            self.insert_rows(0, new_row, 1);
        }
        for i in moving {
            let it = &mut self.items[i];
            it.col -= shift;
            if taken {
                it.row = new_row;
            }
        }
    }

    /// Footer labels stop before the next piece on their row.
    fn trim_footer_overlaps(&mut self, bi: usize) {
        let br = self.blocks[bi].unwrap();
        let footer: Vec<(u32, u16)> = self
            .items
            .iter()
            .filter(|it| it.sheet == 0 && it.block == Some(bi) && it.row >= br.data_end)
            .map(|it| (it.row, it.col))
            .collect();
        for it in self
            .items
            .iter_mut()
            .filter(|it| it.sheet == 0 && it.block == Some(bi) && it.row >= br.data_end)
        {
            if let Some(next) = footer
                .iter()
                .filter(|(r, c)| *r == it.row && *c > it.col)
                .map(|(_, c)| *c)
                .min()
            {
                if it.last_col() >= next {
                    it.cols = next - it.col;
                }
            }
        }
    }

    /// A table whose header's top row is 预算数 | 决算数 over the same items: 预算数/决算数
    /// under each item instead, or as two rows under the items.
    fn budget_actual(&mut self, form: &Form, as_rows: bool, dated_labels: bool) {
        let Some(bi) = budget_actual_block(form) else {
            return;
        };
        self.drop_rows(|it| it.role == Role::ColumnNumber && it.block == Some(bi));
        let br = self.blocks[bi].unwrap();
        let off = form.blocks[bi].panel_offset(0);
        let half = form.blocks[bi].panels[0].width() / 2;
        let in_block = |it: &Item| it.sheet == 0 && it.block == Some(bi);
        // The top row goes, and the second half's header cells with it.
        self.items.retain(|it| {
            !(in_block(it)
                && it.role == Role::Header
                && (it.row == br.start || it.col >= off + half))
        });
        let data_row = br.data;
        if as_rows {
            for it in self
                .items
                .iter_mut()
                .filter(|it| in_block(it) && it.row == data_row)
            {
                if it.col >= off + half {
                    it.col -= half;
                    it.row += 1;
                }
            }
            self.insert_rows(0, data_row + 1, 1);
            // (insert_rows moved the values just put on data_row + 1 one further down.)
            for it in self
                .items
                .iter_mut()
                .filter(|it| in_block(it) && it.row == data_row + 2)
            {
                it.row -= 1;
            }
            self.insert_cols(0, off, 1);
            // Title lines and notes keep starting where they did, one column wider.
            for it in self
                .items
                .iter_mut()
                .filter(|it| it.block.is_none() && it.col == off + 1)
            {
                it.col = off;
                if it.cols > 1 {
                    it.cols += 1;
                }
            }
            for (row, word) in [(data_row, "预算数"), (data_row + 1, "决算数")] {
                let word = match dated_labels {
                    true => format!("2023年{word}"),
                    false => word.to_string(),
                };
                let mut label = header_item(0, row, off, &word, bi);
                label.role = Role::Label;
                label.column = Some(ColKind::Label);
                self.items.push(label);
            }
            let mut head = header_item(0, br.start, off, "项目", bi);
            head.rows = data_row - br.start;
            head.column = Some(ColKind::Label);
            self.items.push(head);
            self.remove_row(0, br.start);
        } else {
            for it in self.items.iter_mut().filter(|it| in_block(it)) {
                if it.role == Role::Header {
                    it.col = off + 2 * (it.col - off);
                    it.cols *= 2;
                    it.row -= 1;
                } else if it.row == data_row {
                    let k = it.col - off;
                    it.col = if k < half {
                        off + 2 * k
                    } else {
                        off + 2 * (k - half) + 1
                    };
                }
            }
            for k in 0..half {
                for (d, word) in [(0, "预算数"), (1, "决算数")] {
                    self.items
                        .push(header_item(0, data_row - 1, off + 2 * k + d, word, bi));
                }
            }
            // Header cells that reached the lowest row stop above it.
            for it in self
                .items
                .iter_mut()
                .filter(|it| in_block(it) && it.role == Role::Header)
            {
                if it.row < data_row - 1 && it.last_row() >= data_row - 1 {
                    it.rows = data_row - 1 - it.row;
                }
            }
        }
    }

    fn unit_label(&mut self, form: &Form, rng: &mut Rng) {
        let label = *rng.choose(&["编制单位：", "填报单位：", "单位名称：", "部门："]);
        for it in self.items.iter_mut().filter(|it| it.role == Role::UnitLine) {
            let rest = it
                .text()
                .strip_prefix(form.unit_label.as_str())
                .unwrap_or("");
            it.piece = Piece::Text(format!("{label}{rest}"));
        }
    }

    /// The 表号 written in the money unit's cell (`公开01表  单位：万元`), its own cell gone.
    fn table_no_with_unit(&mut self, form: &Form, rng: &mut Rng) {
        let unit = short_money_unit(&form.money_unit, rng);
        let sep = *rng.choose(&["  ", "\n", " "]);
        self.items.retain(|it| it.role != Role::TableNo);
        for it in self
            .items
            .iter_mut()
            .filter(|it| it.role == Role::MoneyUnit)
        {
            it.piece = Piece::Text(format!("{}{sep}{unit}", form.table_no));
        }
    }

    fn money(&mut self, scale: Decimal, unit: &str) {
        self.money_scale = scale;
        for it in self
            .items
            .iter_mut()
            .filter(|it| it.role == Role::MoneyUnit)
        {
            let t = it.text().replace("万元", unit);
            it.piece = Piece::Text(t);
        }
    }

    /// The money unit of the unit line said instead in the header words over the amount
    /// columns (`role` Header) or after the title (Title); the unit line gone.
    fn unit_elsewhere(&mut self, role: Role) {
        let said = self.items.iter().find(|it| it.role == Role::MoneyUnit);
        let Some(unit) = said.and_then(|it| {
            ["万元", "千元", "元"]
                .into_iter()
                .find(|u| it.text().contains(u))
        }) else {
            return;
        };
        self.items.retain(|it| it.role != Role::MoneyUnit);
        let over_amounts = |it: &Item| it.column == Some(ColKind::Amount) && !it.text().is_empty();
        for it in self.items.iter_mut().filter(|it| it.role == role) {
            if role == Role::Title {
                it.piece = Piece::Text(format!("{}（单位：{unit}）", it.text()));
                break;
            }
            if over_amounts(it) {
                // Before the column's number, when the header shows it: `决算数（元）\n1`.
                let (word, number) = it.text().split_once('\n').unwrap_or((it.text(), ""));
                let number = if number.is_empty() {
                    String::new()
                } else {
                    format!("\n{number}")
                };
                it.piece = Piece::Text(format!("{word}（{unit}）{number}"));
            }
        }
    }

    /// The data rows of the first table cut at a seeded row: the rest continues under a copy
    /// of the header rows, on the next sheet or right below.
    fn continue_table(&mut self, form: &Form, rng: &mut Rng, new_sheet: bool) {
        let Some((bi, br)) = self.first_table() else {
            return;
        };
        let rows = br.data_end.saturating_sub(br.data);
        if rows < 3 || br.data == br.start {
            return;
        }
        let cuts: Vec<u32> = (br.data + 1..br.data_end - 1)
            .filter(|&cut| !self.blank_reads_as_above(form, cut))
            .collect();
        if cuts.is_empty() {
            return;
        }
        let cut = *rng.choose(&cuts);
        let header = self.header_copy(bi, br);
        let head_rows = br.data - br.start;
        self.split_rows_at(cut);
        if new_sheet {
            let s = self.sheets.len();
            self.sheets.push(format!("{}（续）", self.form_sheet_name));
            self.copy_top_rows(s);
            let down = self.top_rows as i64 - cut as i64 + head_rows as i64;
            for it in self.items.iter_mut() {
                if it.sheet == 0 && it.row >= cut {
                    it.sheet = s;
                    it.row = (it.row as i64 + down) as u32;
                }
            }
            for mut h in header {
                h.sheet = s;
                h.row = h.row - br.start + self.top_rows;
                self.items.push(h);
            }
        } else {
            self.insert_rows(0, cut, head_rows);
            for mut h in header {
                h.row = h.row - br.start + cut;
                self.items.push(h);
            }
        }
    }

    /// The header pieces of table block `bi` (rows `br`), as a page break repeats them.
    fn header_copy(&self, bi: usize, br: BlockRows) -> Vec<Item> {
        self.items
            .iter()
            .filter(|it| {
                it.sheet == 0 && it.block == Some(bi) && it.row >= br.start && it.row < br.data
            })
            .cloned()
            .map(|mut h| {
                // A label merged down beside the whole table (绩效指标) is repeated over the
                // header rows only; below them, the rest of it is cut like any merged cell.
                h.rows = h.rows.min(br.data - h.row);
                // The header's words are repeated, not the 合计 values on its 类 款 项 row:
                // data is given once (a second 合计 row is reported, not read over the first).
                if matches!(h.piece, Piece::Value { .. }) {
                    h.piece = Piece::Empty;
                }
                h
            })
            .collect()
    }

    /// Page total rows in the first table, a 科目 table (see [`PageTotals`]): how many rows
    /// were added, none when the table is no 科目 table or fits one page.
    fn page_totals(&mut self, form: &Form, pages: PageTotals) -> usize {
        let Some((bi, br)) = self.first_table() else {
            return 0;
        };
        if form.blocks[bi].panels.iter().all(|p| p.coded.is_none()) {
            return 0;
        }
        let every = pages.every.max(1);
        let cuts: Vec<u32> = (1..)
            .map(|n| br.data + n * every)
            .take_while(|&c| c < br.data_end)
            .collect();
        let in_rows = |it: &Item, rows: std::ops::Range<u32>| {
            it.sheet == 0 && it.block == Some(bi) && rows.contains(&it.row)
        };
        let Some(label_col) = (self.items.iter())
            .filter(|it| in_rows(it, br.data..br.data_end))
            .map(|it| it.col)
            .min()
        else {
            return 0;
        };
        let header = match pages.header {
            true => self.header_copy(bi, br),
            false => Vec::new(),
        };
        let head_rows = header.len().min(1) as u32 * (br.data - br.start);
        for (i, &cut) in cuts.iter().enumerate().rev() {
            let from = if i == 0 { br.data } else { cuts[i - 1] };
            let sums = |rows: std::ops::Range<u32>| {
                let mut sums: BTreeMap<u16, Decimal> = BTreeMap::new();
                for it in self.items.iter().filter(|it| in_rows(it, rows.clone())) {
                    if let Piece::Value {
                        val: Val::Num(d),
                        kind: ColKind::Amount,
                        ..
                    } = &it.piece
                    {
                        *sums.entry(it.col).or_default() += d;
                    }
                }
                sums
            };
            let (page, carried) = (sums(from..cut), sums(br.data..cut));
            self.split_rows_at(cut);
            self.insert_rows(0, cut, 2 + head_rows);
            let (carried_at, header_at) = match pages.carried_below {
                true => (cut + 1, cut + 2),
                false => (cut + 1 + head_rows, cut + 1),
            };
            self.figures_row(bi, cut, label_col, pages.total_word, &page);
            self.figures_row(bi, carried_at, label_col, pages.carried_word, &carried);
            for mut h in header.iter().cloned() {
                h.row = h.row - br.start + header_at;
                self.items.push(h);
            }
        }
        2 * cuts.len()
    }

    /// A row of block `bi` at `row` labelled `word` at `label_col`, showing `figures` (by
    /// sheet column) as numbers typed in: no logical value.
    fn figures_row(
        &mut self,
        bi: usize,
        row: u32,
        label_col: u16,
        word: &str,
        figures: &BTreeMap<u16, Decimal>,
    ) {
        let cell = |col: u16, piece: Piece, role: Role| Item {
            sheet: 0,
            row,
            col,
            rows: 1,
            cols: 1,
            piece,
            role,
            block: Some(bi),
            panel: None,
            column: None,
            row_key: None,
        };
        self.items
            .push(cell(label_col, Piece::Text(word.into()), Role::Label));
        for (&col, d) in figures {
            self.items
                .push(cell(col, Piece::Text(d.to_string()), Role::Value));
        }
    }

    /// Whether a cut above row `cut` would leave a blank merged-down text (一级指标) right
    /// under the repeated header, below a text ending just above the cut: every reader takes
    /// that blank for the group going on, so the layout would lose the blank. A clerk's
    /// header goes elsewhere.
    fn blank_reads_as_above(&self, form: &Form, cut: u32) -> bool {
        let printed = |it: &Item| match &it.piece {
            Piece::Rest(above) => (**above).clone(),
            other => other.clone(),
        };
        let merged_text = |it: &Item| match printed(it) {
            Piece::Value {
                key,
                kind: ColKind::Text,
                ..
            } => {
                let col = key.rsplit('.').next().unwrap_or_default();
                let list = it.block.and_then(|b| {
                    let panel = form.blocks[b].panels.get(it.panel?)?;
                    panel.list.as_ref()
                });
                list.is_some_and(|l| l.merge_down.iter().any(|m| m == col))
            }
            _ => false,
        };
        let on_first = || {
            self.items
                .iter()
                .filter(|it| it.sheet == 0 && merged_text(it))
        };
        let blank = |p: &Piece| {
            matches!(
                p,
                Piece::Value {
                    val: Val::Blank,
                    ..
                }
            )
        };
        on_first()
            .filter(|it| it.row == cut && blank(&it.piece))
            .any(|below| {
                on_first().any(|above| {
                    above.col == below.col && above.last_row() + 1 == cut && !blank(&printed(above))
                })
            })
    }

    /// Pieces of the first sheet spanning row `cut` end above it; below, the rest of each is
    /// an empty cell, as a merged cell cut by a page break prints its text once.
    fn split_rows_at(&mut self, cut: u32) {
        let mut rest = Vec::new();
        for it in self.items.iter_mut() {
            if it.sheet == 0 && it.row < cut && it.last_row() >= cut {
                let mut below = it.clone();
                below.row = cut;
                below.rows = it.last_row() + 1 - cut;
                below.piece = Piece::Rest(Box::new(it.piece.clone()));
                it.rows = cut - it.row;
                rest.push(below);
            }
        }
        self.items.extend(rest);
    }

    /// Empty rows among the data rows and empty columns between the table's columns.
    fn extra_empty(&mut self, rng: &mut Rng) {
        let Some((_, br)) = self.first_table() else {
            return;
        };
        let width = self.items.iter().map(|it| it.last_col()).max().unwrap_or(0);
        if width > 1 {
            let at = 1 + rng.below(width as usize) as u16;
            self.insert_cols(0, at, 1);
        }
        if br.data_end > br.data + 1 {
            let at = br.data + 1 + rng.below((br.data_end - br.data - 1) as usize) as u32;
            self.insert_rows(0, at, 1);
        }
        self.insert_rows(0, br.start, 1);
    }
}

/// The first block whose panels of 科目 rows have the same columns: (block, panel count).
fn joinable_panels(form: &Form) -> Option<(usize, usize)> {
    form.blocks.iter().enumerate().find_map(|(bi, b)| {
        let kinds =
            |p: &fiscalform::form::Panel| p.columns.iter().map(|c| c.kind).collect::<Vec<_>>();
        let first = kinds(b.panels.first()?);
        let same = b.panels.len() > 1
            && b.side_label.is_none()
            && first.contains(&ColKind::Code)
            && b.panels.iter().all(|p| kinds(p) == first);
        same.then_some((bi, b.panels.len()))
    })
}

/// The block whose header's top row is 预算数 | 决算数, each over half of its one panel.
fn budget_actual_block(form: &Form) -> Option<usize> {
    form.blocks.iter().position(|b| {
        let top: Vec<&str> = b
            .header
            .first()
            .map_or(vec![], |r| r.iter().map(|h| h.text()).collect());
        b.panels.len() == 1 && top == ["预算数", "决算数"] && b.panels[0].width() % 2 == 0
    })
}

fn header_item(sheet: usize, row: u32, col: u16, text: &str, block: usize) -> Item {
    Item {
        sheet,
        row,
        col,
        rows: 1,
        cols: 1,
        piece: Piece::Text(text.to_string()),
        role: Role::Header,
        block: Some(block),
        panel: None,
        column: Some(ColKind::Code),
        row_key: None,
    }
}

/// The code lengths of the coded panel of block `bi` (the given panel, or the first coded one).
fn code_levels(form: &Form, bi: usize, panel: Option<usize>) -> Option<Vec<usize>> {
    let b = &form.blocks[bi];
    match panel {
        Some(pi) => b.panels.get(pi).and_then(levels_of),
        None => b.panels.iter().find_map(levels_of),
    }
}

/// The code lengths of a panel's 科目 levels: a coded panel's, or those of the codes its fixed
/// rows show (公开06表's economic codes: 类 3, 款 5).
fn levels_of(p: &fiscalform::form::Panel) -> Option<Vec<usize>> {
    if let Some(c) = &p.coded {
        return Some(c.levels.clone());
    }
    let mut lens: Vec<usize> = p
        .rows
        .iter()
        .filter(|r| r.show_code)
        .filter_map(|r| r.code.as_ref().map(String::len))
        .collect();
    lens.sort();
    lens.dedup();
    (lens.len() > 1).then_some(lens)
}

/// How a code split over 类/款/项 columns is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SplitStyle {
    /// Each row's own level only: `| 06 |` under 201.
    Parts,
    /// Every level: `201 | 06 |`.
    EveryPart,
    /// The whole code under the row's own level: `| 20106 |`.
    Whole,
    /// The whole code with the name under 类: `20106 财政事务 | |`, the name column left
    /// empty or not.
    WithNameUnderLei { keep_names: bool },
}

/// Part `k` of a code whose levels have the lengths `lens`, as `style` shows it: with
/// `EveryPart`, each part it has (201 | 06 | 01); with `Parts`, only its own last part (类 row
/// 201, 款 row 06); the whole code in one column with the others.
fn code_part(code: &str, lens: &[usize], k: usize, style: SplitStyle) -> String {
    let own_level = lens.iter().position(|&l| l == code.len());
    match style {
        SplitStyle::Whole if own_level == Some(k) => return code.to_string(),
        SplitStyle::WithNameUnderLei { .. } if k == 0 => return code.to_string(),
        SplitStyle::Whole | SplitStyle::WithNameUnderLei { .. } => return String::new(),
        SplitStyle::Parts | SplitStyle::EveryPart => {}
    }
    let from = if k == 0 { 0 } else { lens[k - 1] };
    let to = lens[k];
    if code.len() < to {
        return String::new();
    }
    if style == SplitStyle::Parts
        && lens.iter().position(|&l| l == code.len()) != Some(k)
        && code.len() != lens[lens.len() - 1]
    {
        return String::new();
    }
    code.get(from..to).unwrap_or("").to_string()
}

/// The panel (and its column kind) holding columns `col..col+cols` of block `bi`.
fn panel_at(form: &Form, bi: usize, col: u16, cols: u16) -> (Option<usize>, Option<ColKind>) {
    let b = &form.blocks[bi];
    for (pi, p) in b.panels.iter().enumerate() {
        let off = b.panel_offset(pi);
        if col >= off && col + cols <= off + p.width() {
            let mut at = off;
            for c in &p.columns {
                if col >= at && col < at + c.span {
                    return (Some(pi), Some(c.kind));
                }
                at += c.span;
            }
        }
    }
    (None, None)
}

fn piece_of(
    form: &Form,
    data: &FormData,
    content: &Content,
    style: Style,
    column: Option<ColKind>,
) -> (Piece, Role, Option<String>) {
    let piece = match content {
        Content::Empty => Piece::Empty,
        Content::Text(t) => Piece::Text(t.clone()),
        Content::Number(n) => Piece::Line(*n),
        Content::Cell(id) => {
            let val = match id.column() {
                None => data.grid.get(&*id.row).cloned().unwrap_or(Val::Blank),
                Some(col) => data.row(&id.row).map_or(Val::Blank, |r| r.get(col)),
            };
            let kind = match style {
                Style::Value { kind, .. } => kind,
                _ => ColKind::Amount,
            };
            Piece::Value {
                key: id.key(),
                val,
                kind,
            }
        }
    };
    let text = match &piece {
        Piece::Text(t) => t.as_str(),
        _ => "",
    };
    let role = match style {
        Style::Title => Role::Title,
        Style::InfoLeft => Role::UnitLine,
        Style::InfoCenter => Role::Period,
        Style::InfoRight if text == form.table_no => Role::TableNo,
        Style::InfoRight => Role::MoneyUnit,
        Style::Header => Role::Header,
        Style::ColumnNumber => Role::ColumnNumber,
        Style::SideLabel => Role::SideLabel,
        Style::Line => Role::Line,
        Style::Code => Role::Code,
        Style::Value { .. } => Role::Value,
        Style::Note => Role::Note,
        Style::Entry if column.is_some_and(|k| k.is_code()) => Role::Code,
        Style::Entry | Style::Label { .. } if column == Some(ColKind::Name) => Role::Name,
        Style::Entry | Style::Label { .. } if column.is_some_and(|k| k.is_code()) => Role::Code,
        Style::Entry | Style::Label { .. } => Role::Label,
    };
    (piece, role, None)
}

// ------------------------------------------------------------------------------------ texts

/// The words one column header is published as, per meaning.
const SYNONYMS: &[&[&str]] = &[
    &[
        "金额",
        "决算数",
        "本年决算数",
        "金额（万元）",
        "预算数",
        "本年预算数",
    ],
    &["决算数", "金额", "本年决算数"],
    &["科目代码", "科目编码", "功能分类科目编码"],
    &["科目名称", "功能分类科目名称", "项目"],
    &["行次", "行"],
];

fn synonyms_of(word: &str) -> Option<&'static [&'static str]> {
    SYNONYMS.iter().copied().find(|g| g[0] == word)
}

/// Whether a synonym is one the family's tables use (决算数 in final accounts, 预算数 in
/// budgets).
fn family_word(word: &str, family: fiscalform::form::Family) -> bool {
    use fiscalform::form::Family;
    match family {
        Family::Final => !word.contains("预算"),
        Family::Budget => !word.contains("决算"),
        Family::Perf => !word.contains("预算") && !word.contains("决算"),
    }
}

fn header_word(c: &fiscalform::form::ColumnDef) -> &str {
    c.label.as_deref().unwrap_or(match c.kind {
        ColKind::Line => "行次",
        ColKind::Code => "科目代码",
        ColKind::Name => "科目名称",
        _ => "",
    })
}

const NUMERALS: &str = "一二三四五六七八九十";

#[derive(Debug, Clone, Copy)]
enum Ordinal {
    Arabic,
    Bracketed,
    None,
}

/// The number of a label's leading Chinese ordinal (`八、社会保障和就业支出` → 8) and the rest.
fn ordinal_of(label: &str) -> Option<(u32, &str)> {
    let (head, rest) = label.split_once('、')?;
    if head.is_empty() || !head.chars().all(|c| NUMERALS.contains(c)) {
        return None;
    }
    let digit = |c: char| NUMERALS.chars().position(|n| n == c).map(|p| p as u32 + 1);
    let chars: Vec<char> = head.chars().collect();
    let n = match chars.as_slice() {
        [a] => digit(*a)?,
        ['十', b] => 10 + digit(*b)?,
        [a, '十'] => digit(*a)? * 10,
        [a, '十', b] => digit(*a)? * 10 + digit(*b)?,
        _ => return None,
    };
    Some((n, rest))
}

fn chinese_number(n: u32) -> String {
    let d = |k: u32| NUMERALS.chars().nth(k as usize - 1).unwrap();
    match n {
        1..=10 => d(n).to_string(),
        11..=19 => format!("十{}", d(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", d(n / 10)),
        _ => format!("{}十{}", d(n / 10), d(n % 10)),
    }
}

fn renumber(label: &str, style: Ordinal) -> Option<String> {
    let (n, rest) = ordinal_of(label)?;
    Some(match style {
        Ordinal::Arabic => format!("{n}.{rest}"),
        Ordinal::Bracketed => format!("（{}）{rest}", chinese_number(n)),
        Ordinal::None => rest.to_string(),
    })
}

fn spaceable(label: &str) -> bool {
    let n = label.chars().count();
    (2..=6).contains(&n)
        && !label
            .chars()
            .any(|c| c.is_ascii() || "、：（）".contains(c))
}

fn spaced(label: &str) -> String {
    label
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(" ")
}

fn wrappable(label: &str) -> bool {
    label.chars().count() >= 10
}

/// A line break after a third, a half or two thirds of the label.
fn wrapped(label: &str, at: usize) -> String {
    let chars: Vec<char> = label.chars().collect();
    let cut = chars.len() * (at + 1) / 4;
    let (a, b) = chars.split_at(cut.max(1));
    format!(
        "{}\n{}",
        a.iter().collect::<String>(),
        b.iter().collect::<String>()
    )
}

/// `社会保障和就业支出` → `社会保障和就业` (labels of at least four characters before 支出).
fn abbreviated(label: &str) -> Option<String> {
    let rest = label.strip_suffix("支出")?;
    let stem = ordinal_of(rest).map_or(rest, |(_, r)| r);
    (stem.chars().count() >= 4 && !stem.ends_with('、')).then(|| rest.to_string())
}

/// `金额单位：万元` as units shorten it when the 表号 shares its cell.
fn short_money_unit(unit: &str, rng: &mut Rng) -> String {
    let amount = unit.rsplit('：').next().unwrap_or("万元");
    let label = *rng.choose(&["单位：", "金额单位："]);
    format!("{label}{amount}")
}

// ------------------------------------------------------------------------------------ rng

/// splitmix64: a small deterministic generator, so a seed names one layout for good.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn choose<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// Block `bi` with the table blocks it continues and those continuing it (blocks without a
/// header of their own, read under the header above them).
/// The grid block right after table block `bi` holding a totals row (总分), if any.
fn totals_after(form: &Form, bi: Option<usize>) -> Option<usize> {
    let next = bi? + 1;
    let b = form.blocks.get(next)?;
    (!b.is_table() && !b.grid.is_empty()).then_some(next)
}

fn table_blocks(form: &Form, bi: usize) -> std::ops::RangeInclusive<usize> {
    let headerless = |b: usize| {
        b > 0
            && form.blocks[b].is_table()
            && form.blocks[b].header.is_empty()
            && form.blocks[b - 1].is_table()
    };
    let mut first = bi;
    while headerless(first) {
        first -= 1;
    }
    let mut last = bi;
    while last + 1 < form.blocks.len() && headerless(last + 1) {
        last += 1;
    }
    first..=last
}
