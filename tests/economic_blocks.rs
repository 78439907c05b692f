//! 公开06表 and 部门公开表06 (基本支出 by economic classification) in the layouts units publish:
//! the 公用经费 block printed below the 人员经费 block under the same header (blank rows between
//! or none; that header's merges kept or lost), the header repeated inside the 预算 table, and one column holding each code with
//! its name ("30101 基本工资") under the header words units give it. Generated from the real
//! 决算 workbook, seed 001's 决算 and seed 002's 预算: each layout reads the values of the
//! unchanged workbook, with no error or warning it does not raise.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::expr::Val;
use fiscalform::form::{Catalog, Severity};
use fiscalform::load::recognize_book;
use fiscalform::read::{Cell, Merge, Sheet, Workbook};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// What a workbook reads as: every form's non-blank logical values, and how many errors and
/// warnings of each (severity, rule, form) the whole audit raises.
type Reading = (BTreeMap<String, String>, BTreeMap<String, usize>);

fn reading(book: &Workbook) -> Reading {
    use fiscalform::calc::{compute, Book, Mode};
    let rec = recognize_book(catalog(), book);
    let mut values = BTreeMap::new();
    for (form, data) in &rec.forms {
        for row in &data.rows {
            for (col, v) in &row.values {
                if let Some(s) = shown(v) {
                    values.insert(format!("{} {}.{col}", form.id, row.key), s);
                }
            }
        }
        for (k, v) in &data.grid {
            if let Some(s) = shown(v) {
                values.insert(format!("{} {k}", form.id), s);
            }
        }
    }
    let audited = Book::new(recognize_book(catalog(), book).forms);
    let calc = compute(&audited, Mode::Check, false);
    let (found, _) = fiscalform::check::audit_covered(&audited, &calc);
    let mut findings = BTreeMap::new();
    for f in rec.findings.iter().chain(found.iter()) {
        if f.severity != Severity::Info {
            *findings
                .entry(format!("{:?} {} {}", f.severity, f.rule, f.form))
                .or_insert(0) += 1;
        }
    }
    (values, findings)
}

fn shown(v: &Val) -> Option<String> {
    match v {
        Val::Blank => None,
        Val::Num(d) => Some(d.normalize().to_string()),
        Val::Text(t) if t.trim().is_empty() => None,
        other => Some(format!("{other:?}")),
    }
}

/// The cell holding exactly `text` (trimmed), first in reading order.
fn find(s: &Sheet, text: &str) -> Option<(u32, u16)> {
    s.cells()
        .find(|(_, _, c)| c.as_text().is_some_and(|t| t.trim() == text))
        .map(|(r, c, _)| (r, c))
}

/// A 3- or 5-digit economic code as the cell shows it.
fn code_of(cell: &Cell) -> Option<String> {
    let text = match cell {
        Cell::Number(n) => n.normalize().to_string(),
        Cell::Text(t) => t.trim().to_string(),
        _ => return None,
    };
    let digits = text.bytes().all(|b| b.is_ascii_digit());
    (digits && [3, 5].contains(&text.len())).then_some(text)
}

fn rebuilt(s: &Sheet, cells: Vec<(u32, u16, Cell)>, merges: Vec<Merge>) -> Sheet {
    let merges = merges
        .into_iter()
        .filter(|m| m.first_row != m.last_row || m.first_col != m.last_col)
        .collect();
    Sheet::from_cells(s.name.clone(), cells, merges)
}

/// Each panel's code column folded into its name column: "30101 基本工资" under `word`; a
/// text the code column held besides codes (人员经费合计, 人员经费) moves into the name column.
fn code_in_name(s: &Sheet, word: &str) -> Sheet {
    let heads: Vec<(u32, u16)> = s
        .cells()
        .filter(|(_, _, c)| {
            c.as_text()
                .is_some_and(|t| ["科目代码", "经济科目编码"].contains(&t.trim()))
        })
        .map(|(r, c, _)| (r, c))
        .collect();
    assert!(!heads.is_empty(), "no code column in {}", s.name);
    let gone: Vec<u16> = heads.iter().map(|&(_, c)| c).collect();
    let mut at: BTreeMap<(u32, u16), Cell> =
        s.cells().map(|(r, c, v)| ((r, c), v.clone())).collect();
    for &(h, k) in &heads {
        at.insert((h, k + 1), Cell::Text(word.into()));
        for r in 0..s.height() {
            let Some(cell) = at.remove(&(r, k)) else {
                continue;
            };
            let name = at.get(&(r, k + 1)).cloned().unwrap_or(Cell::Empty);
            let joined = match (r > h, code_of(&cell), name.as_text()) {
                (true, Some(code), Some(n)) => Some(Cell::Text(format!("{code} {}", n.trim()))),
                (_, None, None) if r != h && name.is_empty() => Some(cell),
                _ => None,
            };
            if let Some(j) = joined {
                at.insert((r, k + 1), j);
            }
        }
    }
    let new_col = |c: u16| c - gone.iter().filter(|&&g| g < c).count() as u16;
    let cells = at
        .into_iter()
        .map(|((r, c), v)| (r, new_col(c), v))
        .collect();
    let merges = s
        .merges()
        .iter()
        .filter_map(|m| {
            let kept: Vec<u16> = (m.first_col..=m.last_col)
                .filter(|c| !gone.contains(c))
                .collect();
            Some(Merge {
                first_col: new_col(*kept.first()?),
                last_col: new_col(*kept.last()?),
                ..*m
            })
        })
        .collect();
    rebuilt(s, cells, merges)
}

/// The 公用经费 block (the columns from the second block's header on, header to footer)
/// printed below the 人员经费 block, `gap` blank rows between; the notes below both.
fn stacked(s: &Sheet, gap: u32) -> Sheet {
    let top = ["人员经费", "经济分类"]
        .iter()
        .find_map(|t| find(s, t))
        .expect("the header's first row")
        .0;
    let split = s
        .row(top)
        .filter(|&(c, cell)| {
            c > 0
                && cell
                    .as_text()
                    .is_some_and(|t| ["公用经费", "经济分类"].contains(&t.trim()))
        })
        .map(|(c, _)| c)
        .next()
        .expect("the second block's header");
    let foot = find(s, "人员经费合计").expect("the 人员经费 footer").0;
    let height = foot - top + 1;
    let moved = |r: u32, c: u16| -> (u32, u16) {
        if r > foot {
            (r + height + gap, c)
        } else if r >= top && c >= split {
            (r + height + gap, c - split)
        } else {
            (r, c)
        }
    };
    let cells = s
        .cells()
        .map(|(r, c, v)| {
            let (r, c) = moved(r, c);
            (r, c, v.clone())
        })
        .collect();
    let merges = s
        .merges()
        .iter()
        .map(|m| {
            let inside = m.first_row >= top && m.first_row <= foot;
            assert!(
                !inside || m.last_col < split || m.first_col >= split,
                "a merge across the blocks: {m:?}"
            );
            let (first_row, first_col) = moved(m.first_row, m.first_col);
            let (last_row, last_col) = moved(m.last_row, m.last_col);
            Merge {
                first_row,
                first_col,
                last_row,
                last_col,
            }
        })
        .collect();
    rebuilt(s, cells, merges)
}

/// [`stacked`] with the merges of the block below (its header's) lost, as when the 公用经费
/// block was pasted below as values: the header's words stand unmerged, each in its cell.
fn stacked_unmerged(s: &Sheet, gap: u32) -> Sheet {
    let out = stacked(s, gap);
    let foot = find(&out, "人员经费合计").expect("the 人员经费 footer").0;
    let cells = out.cells().map(|(r, c, v)| (r, c, v.clone())).collect();
    let merges = (out.merges().iter())
        .filter(|m| m.first_row <= foot)
        .copied()
        .collect();
    rebuilt(&out, cells, merges)
}

/// The 预算 table's header (its two rows from 总计's) printed again above the 302 group,
/// `gap` blank rows above it: the table printed in two blocks.
fn header_again(s: &Sheet, gap: u32) -> Sheet {
    let (h, _) = find(s, "总计").expect("the header");
    let at = (h + 2..s.height())
        .find(|&r| {
            s.row(r).any(|(_, c)| {
                code_of(c).as_deref() == Some("302")
                    || c.as_text().is_some_and(|t| t.trim().starts_with("302 "))
            })
        })
        .expect("the 302 row");
    let shift = gap + 2;
    let down = |r: u32| if r >= at { r + shift } else { r };
    let copied = s
        .cells()
        .filter(|&(r, _, _)| r == h || r == h + 1)
        .map(|(r, c, v)| (at + gap + r - h, c, v.clone()));
    let cells = s
        .cells()
        .map(|(r, c, v)| (down(r), c, v.clone()))
        .chain(copied)
        .collect();
    let merges = s
        .merges()
        .iter()
        .map(|m| Merge {
            first_row: down(m.first_row),
            last_row: down(m.last_row),
            ..*m
        })
        .collect();
    rebuilt(s, cells, merges)
}

/// One source workbook: its name, the workbook, its 06 sheet and whether it is a 预算.
fn sources() -> Vec<(&'static str, Workbook, &'static str, bool)> {
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
    vec![
        (
            "real",
            fiscalform::read::read_workbook(&real).unwrap(),
            "一般公共预算财政拨款基本支出决算表",
            false,
        ),
        (
            "seed001",
            layout_gen::fixture_book("seed001_final.grid"),
            "公开06表",
            false,
        ),
        (
            "seed002",
            layout_gen::fixture_book("seed002_budget.grid"),
            "一般公共预算基本支出情况表",
            true,
        ),
    ]
}

/// The header words units give one column holding each economic code with its name.
const WORDS: &[&str] = &[
    "经济科目",
    "经济分类科目",
    "部门预算支出经济分类科目",
    "支出经济分类科目",
    "支出经济分类",
    "经济科目名称",
    "科目编码及名称",
    "科目名称",
    "科目",
];

/// `book` with its sheet `sheet` laid out again by `shape`.
fn varied(book: &Workbook, sheet: &str, shape: impl Fn(&Sheet) -> Sheet) -> Workbook {
    let mut out = book.clone();
    let s = out.sheets.iter_mut().find(|s| s.name == sheet).unwrap();
    *s = shape(s);
    out
}

/// What reads differently from `want`: values and new errors or warnings.
fn differences(want: &Reading, got: &Reading) -> Vec<String> {
    let mut out: Vec<String> = want
        .0
        .keys()
        .chain(got.0.keys())
        .filter(|k| want.0.get(*k) != got.0.get(*k))
        .map(|k| format!("{k}: want {:?}, read {:?}", want.0.get(k), got.0.get(k)))
        .collect();
    for (f, n) in &got.1 {
        if want.1.get(f).copied().unwrap_or(0) < *n {
            out.push(format!("new finding {f} ×{n}"));
        }
    }
    out.dedup();
    out
}

#[test]
fn basic_spending_blocks_and_code_name_columns_read_as_the_unchanged_workbook() {
    let mut problems = Vec::new();
    let mut tried = 0;
    for (name, book, sheet, budget) in sources() {
        let want = reading(&book);
        let words = std::iter::once(None).chain(WORDS.iter().map(|w| Some(*w)));
        // The real workbook splits its codes over 类 | 款: its layouts keep them.
        let words: Vec<Option<&str>> = if name == "real" {
            vec![None]
        } else {
            words.collect()
        };
        for word in words {
            let gaps = [None, Some(0), Some(1), Some(2)];
            for (gap, unmerged) in gaps.into_iter().flat_map(|g| [(g, false), (g, true)]) {
                if word.is_none() && gap.is_none() || unmerged && (gap.is_none() || budget) {
                    continue;
                }
                let shape = |s: &Sheet| {
                    let s = word.map_or_else(|| s.clone(), |w| code_in_name(s, w));
                    match gap {
                        Some(g) if budget => header_again(&s, g),
                        Some(g) if unmerged => stacked_unmerged(&s, g),
                        Some(g) => stacked(&s, g),
                        None => s,
                    }
                };
                tried += 1;
                let got = reading(&varied(&book, sheet, shape));
                let mut wrong = differences(&want, &got);
                if !wrong.is_empty() {
                    wrong.truncate(4);
                    let how = format!("{name} {word:?} gap {gap:?} unmerged {unmerged}");
                    problems.push(format!("{how}: {}", wrong.join("; ")));
                }
            }
        }
    }
    assert!(tried >= 100, "only {tried} layouts");
    assert!(
        problems.is_empty(),
        "{} of {tried} layouts read otherwise:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
