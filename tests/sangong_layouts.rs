//! 公开09表 (财政拨款“三公”经费支出决算表) in the layouts units print it, generated: items down
//! the rows (`项目 | 预算数 | 决算数`) or the national interleaved layout (each item a
//! `预算数 | 决算数` pair, merged or copied from a web page without its merges), in the words
//! units head the figures by, with the items nothing was spent on left blank (one item, the
//! car items, a whole column, all but 合计 and 公务接待费 as the real unit publishes), put in
//! place of the 09 sheet of both source workbooks (the real published one and the sample). Every
//! case reads back to the figures it was generated from — each under the column its header
//! names, a blank item blank — with no figure left outside the form.

use fiscalform::expr::Val;
use fiscalform::form::{Catalog, Form};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::read::{read_workbook, Cell, Merge, Sheet, Workbook};
use fiscalform::recognize::absent_columns;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The two source workbooks, by their path under the crate.
const BOOKS: &[&str] = &[
    "tests/fixtures/real/2024决算-上海普陀区财政局.xlsx",
    "tests/fixtures/sample/2023决算-株洲.xlsx",
];

/// The items as the vertical layout labels its rows, in the form's column order (c1–c6 are
/// their 预算数, c7–c12 their 决算数).
const ITEMS: [&str; 6] = [
    "合计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "其中：公务用车购置费",
    "公务用车运行费",
    "公务接待费",
];

/// The words heading the budget and the final figures.
const WORDS: &[(&str, &str)] = &[
    ("预算数", "决算数"),
    ("年初预算数", "本年决算数"),
    ("预算", "决算"),
    ("全年预算数", "决算数"),
];

/// Which items are left blank: the parts (因公出国, 购置费, 运行费, 接待费) of the budget
/// and of the final figures, as indexes into `ITEMS` (totals are blank when all their parts
/// are).
const BLANKS: &[(&str, &[usize], &[usize])] = &[
    ("none", &[], &[]),
    ("abroad", &[1], &[1]),
    ("cars", &[3, 4], &[3, 4]),
    ("reception", &[5], &[5]),
    ("all-final", &[], &[1, 3, 4, 5]),
    ("all-budget", &[1, 3, 4, 5], &[]),
    ("real-unit", &[1, 3, 4], &[1, 3, 4, 5]),
    ("only-reception", &[1, 3, 4], &[1, 3, 4]),
    ("everything", &[1, 3, 4, 5], &[1, 3, 4, 5]),
];

#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Items down the rows, the two figures across.
    Vertical,
    /// The national layout, each item a pair of columns, header merges kept or lost.
    Interleaved { merged: bool },
}

/// One generated case.
struct Case {
    shape: Shape,
    words: (&'static str, &'static str),
    final_first: bool,
    blanks: (&'static str, &'static [usize], &'static [usize]),
    seed: u32,
}

impl Case {
    fn name(&self, book: &str) -> String {
        format!(
            "{book}: {:?} {}/{} final_first={} blanks={}",
            self.shape, self.words.0, self.words.1, self.final_first, self.blanks.0
        )
    }

    /// The six figures of one kind (budget or final), `None` when blank: parts drawn from the
    /// seed, 小计 and 合计 their sums.
    fn figures(&self, blank: &[usize], base: u32) -> [Option<Decimal>; 6] {
        let mut f = [None; 6];
        for i in [1, 3, 4, 5] {
            if !blank.contains(&i) {
                let cents = base + 100 * (i as u32 + 1) + (self.seed * 37 + i as u32 * 11) % 97;
                f[i] = Some(Decimal::new(i64::from(cents), 2));
            }
        }
        let sum = |parts: &[Option<Decimal>]| {
            let given: Vec<Decimal> = parts.iter().flatten().copied().collect();
            (!given.is_empty()).then(|| given.iter().sum())
        };
        f[2] = sum(&[f[3], f[4]]);
        f[0] = sum(&[f[1], f[2], f[5]]);
        f
    }

    /// The expected values: c1–c6 the budget figures, c7–c12 the final ones.
    fn expected(&self) -> BTreeMap<String, Decimal> {
        let budget = self.figures(self.blanks.1, 1000);
        let fin = self.figures(self.blanks.2, 2050);
        budget
            .iter()
            .chain(fin.iter())
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (format!("c{}", i + 1), v)))
            .collect()
    }

    /// The two kinds in printed order, each with its word and figures.
    fn kinds(&self) -> [(&'static str, [Option<Decimal>; 6]); 2] {
        let budget = (self.words.0, self.figures(self.blanks.1, 1000));
        let fin = (self.words.1, self.figures(self.blanks.2, 2050));
        if self.final_first {
            [fin, budget]
        } else {
            [budget, fin]
        }
    }
}

fn text(t: &str) -> Cell {
    Cell::Text(t.to_string())
}

fn merge(first_row: u32, first_col: u16, last_row: u32, last_col: u16) -> Merge {
    Merge {
        first_row,
        first_col,
        last_row,
        last_col,
    }
}

/// The table of `case` from row `top`: its cells and merges.
fn table(case: &Case, top: u32) -> (Vec<(u32, u16, Cell)>, Vec<Merge>) {
    let kinds = case.kinds();
    let mut cells = Vec::new();
    let mut merges = Vec::new();
    match case.shape {
        Shape::Vertical => {
            cells.push((top, 0, text("项目")));
            for (k, (word, _)) in kinds.iter().enumerate() {
                cells.push((top, 1 + k as u16, text(word)));
            }
            for (i, item) in ITEMS.iter().enumerate() {
                let r = top + 1 + i as u32;
                cells.push((r, 0, text(item)));
                for (k, (_, figures)) in kinds.iter().enumerate() {
                    if let Some(v) = figures[i] {
                        cells.push((r, 1 + k as u16, Cell::Number(v)));
                    }
                }
            }
        }
        Shape::Interleaved { merged } => {
            // As the real unit prints it (tests/fixtures/real): the heading, the items, the car
            // items, a row the merges cover, the pair words, the figures.
            cells.push((top, 0, text("财政拨款“三公”经费")));
            let items = [
                (0, "合计"),
                (2, "因公出国（境）费"),
                (4, "公务用车购置及运行费"),
                (10, "公务接待费"),
            ];
            for (c, t) in items {
                cells.push((top + 1, c, text(t)));
            }
            for (c, t) in [(4, "小计"), (6, "公务用车购置费"), (8, "公务用车运行费")]
            {
                cells.push((top + 2, c, text(t)));
            }
            let column_of = [0u16, 2, 4, 6, 8, 10];
            for (i, &c) in column_of.iter().enumerate() {
                for (k, (word, figures)) in kinds.iter().enumerate() {
                    cells.push((top + 4, c + k as u16, text(word)));
                    if let Some(v) = figures[i] {
                        cells.push((top + 5, c + k as u16, Cell::Number(v)));
                    }
                }
            }
            if merged {
                merges = vec![
                    merge(top, 0, top, 11),
                    merge(top + 1, 0, top + 2, 1),
                    merge(top + 1, 2, top + 2, 3),
                    merge(top + 1, 4, top + 1, 9),
                    merge(top + 1, 10, top + 3, 11),
                    merge(top + 2, 4, top + 2, 5),
                    merge(top + 2, 6, top + 3, 7),
                    merge(top + 2, 8, top + 2, 9),
                ];
            }
        }
    }
    let end = cells.iter().map(|(r, _, _)| *r).max().unwrap_or(top);
    cells.push((
        end + 2,
        0,
        text("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。"),
    ));
    (cells, merges)
}

/// The index of the 09 sheet of `wb` and the row its table starts at (the rows above are its
/// title, 表号 and unit lines, kept).
fn sheet_09(wb: &Workbook) -> (usize, u32) {
    let i = wb
        .sheets
        .iter()
        .position(|s| {
            s.cells()
                .any(|(_, _, c)| c.as_text().is_some_and(|t| t.contains("三公")))
        })
        .expect("a 09 sheet");
    let starts = |t: &str| ["预算数", "合计", "财政拨款“三公”经费"].contains(&t.trim());
    let top = wb.sheets[i]
        .cells()
        .find(|(_, _, c)| c.as_text().is_some_and(starts))
        .map(|(r, _, _)| r)
        .expect("a 09 header");
    (i, top)
}

/// `wb` with its 09 sheet's table replaced by the table of `case`.
fn with_case(wb: &Workbook, case: &Case) -> Workbook {
    let (i, top) = sheet_09(wb);
    let old = &wb.sheets[i];
    let mut cells: Vec<(u32, u16, Cell)> = old
        .cells()
        .filter(|(r, _, _)| *r < top)
        .map(|(r, c, cell)| (r, c, cell.clone()))
        .collect();
    let mut merges: Vec<Merge> = (old.merges().iter())
        .filter(|m| m.last_row < top)
        .cloned()
        .collect();
    let (table_cells, table_merges) = table(case, top);
    cells.extend(table_cells);
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    merges.extend(table_merges);
    let mut out = wb.clone();
    out.sheets[i] = Sheet::from_cells(old.name.clone(), cells, merges);
    out
}

fn cases() -> Vec<Case> {
    let shapes = [
        Shape::Vertical,
        Shape::Interleaved { merged: true },
        Shape::Interleaved { merged: false },
    ];
    let mut out = Vec::new();
    let mut seed = 0;
    for shape in shapes {
        for &words in WORDS {
            for final_first in [false, true] {
                for &blanks in BLANKS {
                    seed += 1;
                    out.push(Case {
                        shape,
                        words,
                        final_first,
                        blanks,
                        seed,
                    });
                }
            }
        }
    }
    out
}

/// The 公开09表 of `case` put into `wb`, read: its definition and data.
fn read_09<'c>(catalog: &'c Catalog, wb: &Workbook, case: &Case) -> Option<(&'c Form, FormData)> {
    let rec = recognize_book(catalog, &with_case(wb, case));
    rec.forms.into_iter().find(|(f, _)| f.id == "final-09")
}

/// What a case reads wrong: its 09 figures against the expected ones, and the figures of the
/// sheet left outside the form; empty when it reads right.
fn misread(catalog: &Catalog, wb: &Workbook, case: &Case) -> Option<String> {
    let Some((_, data)) = read_09(catalog, wb, case) else {
        return Some("公开09表 not recognised".into());
    };
    let got: BTreeMap<String, Decimal> = data
        .rows
        .iter()
        .flat_map(|r| r.values.iter())
        .filter_map(|(col, v)| match v {
            Val::Num(n) => Some((col.to_string(), *n)),
            _ => None,
        })
        .collect();
    let outside: Vec<String> = data
        .strays
        .iter()
        .filter(|s| s.text.trim().parse::<Decimal>().is_ok())
        .map(|s| format!("{}={}", s.cell, s.text))
        .collect();
    let want = case.expected();
    (got != want || !outside.is_empty())
        .then(|| format!("read {got:?}\n  want {want:?}\n  outside {outside:?}"))
}

/// Runs `wrong` (what a case gets wrong, None when nothing) over every generated case of both
/// source workbooks, and fails with every case it names.
fn assert_every_case(what: &str, wrong: impl Fn(&Catalog, &Workbook, &Case) -> Option<String>) {
    let catalog = Catalog::embedded().unwrap();
    let cases = cases();
    let mut failed = Vec::new();
    let mut total = 0;
    for book in BOOKS {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(book);
        let wb = read_workbook(&path).unwrap();
        for case in &cases {
            total += 1;
            if let Some(why) = wrong(&catalog, &wb, case) {
                failed.push(format!("{}\n  {why}", case.name(book)));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {total} cases {what}:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Every generated case of both source workbooks reads each figure into the column its header
/// names (never a budget figure into a 决算数 cell), blank items blank, nothing outside.
#[test]
fn every_generated_sangong_layout_reads_each_figure_under_its_own_header() {
    assert_every_case("misread", misread);
}

/// The columns of the case's 公开09表 taken for absent; None when none is.
fn absent_of(catalog: &Catalog, wb: &Workbook, case: &Case) -> Option<String> {
    let Some((form, data)) = read_09(catalog, wb, case) else {
        return Some("公开09表 not recognised".into());
    };
    let absent: Vec<String> = absent_columns(form, &data)
        .iter()
        .map(|a| a.col.to_string())
        .collect();
    (!absent.is_empty()).then(|| format!("absent {absent:?}"))
}

/// Every generated case prints all twelve columns, some of them blank (a whole 预算数 or 决算数
/// column when nothing was budgeted or spent): none of them is taken for a column the table
/// lacks.
#[test]
fn no_column_of_a_generated_sangong_layout_is_taken_for_absent() {
    assert_every_case("took a column for absent", absent_of);
}
