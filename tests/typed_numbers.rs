//! Numbers typed the ways clerks type them read as the numbers they are: 科目 codes as text
//! with a number's zero tail (`2010450.0`) or their levels dotted, dashed or spaced
//! (`201.04.50`), 栏次 as `1.00` or `一 二 三`, 行次 as `1.00`, amounts with thousands
//! separators, full-width digits and stray spaces. Generated layouts of seed 001's 决算 and
//! seed 002's 预算 tables, their cells rewritten in those shapes (each cell's shape drawn), are
//! audited exactly as when the cells hold the numbers; a negative written `△12.30` is audited
//! as `-12.30` is (refused where the form has no negative), with one warning a table that the
//! triangle was read as minus.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::findings::Finding;
use fiscalform::form::{Catalog, Severity};
use fiscalform::load::recognize_book;
use fiscalform::normalize::a1;
use fiscalform::read::{Cell, Sheet};
use layout_gen::{fixture_book, passing_layout, Rendered, Rng};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// The fixtures whose tables are drawn, and the layouts drawn of each table.
const FIXTURES: [&str; 2] = ["seed001_final.grid", "seed002_budget.grid"];
const SEEDS: u64 = 3;

/// What a number cell of a drawn table is to the clerk typing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Amount,
    Code,
    /// A number of the 栏次 row.
    ColumnNumber,
    /// A 行次 beside a row of figures.
    LineNumber,
}

/// A drawn number cell: its sheet (index), row, column, kind and number.
type Drawn = (usize, u32, u16, Kind, Decimal);

/// The number cells of `drawn` by kind: its values are amounts; of the others (numbers or
/// texts of digits), whole numbers of 3, 5 or 7 digits are codes, and 1 to 60 are 行次 on a
/// row with values, 栏次 elsewhere.
fn classify(drawn: &Rendered) -> Vec<Drawn> {
    let values: BTreeSet<(&str, &str)> = drawn
        .values
        .iter()
        .map(|(s, at, _)| (s.as_str(), at.as_str()))
        .collect();
    let mut out = Vec::new();
    for (si, sheet) in drawn.book.sheets.iter().enumerate() {
        let is_value = |r: u32, c: u16| values.contains(&(sheet.name.as_str(), a1(r, c).as_str()));
        let rows_with_values: BTreeSet<u32> = sheet
            .cells()
            .filter(|&(r, c, _)| is_value(r, c))
            .map(|(r, _, _)| r)
            .collect();
        for (r, c, cell) in sheet.cells() {
            // Codes and 栏次 are drawn as the template's texts ("201", "1").
            let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
            let d = match cell {
                Cell::Number(d) => d,
                Cell::Text(t) if digits(t) => &t.parse::<Decimal>().unwrap(),
                _ => continue,
            };
            let whole = d.fract().is_zero() && d.is_sign_positive();
            let kind = if is_value(r, c) {
                Kind::Amount
            } else if whole && [3, 5, 7].contains(&d.trunc().to_string().len()) {
                Kind::Code
            } else if whole && (Decimal::ONE..=Decimal::from(60)).contains(d) {
                match rows_with_values.contains(&r) {
                    true => Kind::LineNumber,
                    false => Kind::ColumnNumber,
                }
            } else {
                continue;
            };
            out.push((si, r, c, kind, *d));
        }
    }
    out
}

/// `drawn` with the cells `rewrite` answers for replaced.
fn rewritten(drawn: &Rendered, rewrite: &mut dyn FnMut(&Drawn) -> Option<Cell>) -> Rendered {
    let mut out = drawn.clone();
    let mut new: BTreeMap<(usize, u32, u16), Cell> = BTreeMap::new();
    for d in classify(drawn) {
        if let Some(cell) = rewrite(&d) {
            new.insert((d.0, d.1, d.2), cell);
        }
    }
    for (si, sheet) in drawn.book.sheets.iter().enumerate() {
        let cells: Vec<(u32, u16, Cell)> = sheet
            .cells()
            .map(|(r, c, cell)| (r, c, new.get(&(si, r, c)).unwrap_or(cell).clone()))
            .collect();
        out.book.sheets[si] = Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec());
    }
    out
}

fn text(s: String) -> Option<Cell> {
    Some(Cell::Text(s))
}

/// Digits (and the point) in full width: `１２３．４５`.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '.' | ',' | '-' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

/// `1234567.89` as `1,234,567.89`, `sep` between the thousands.
fn thousands(plain: &str, sep: &str) -> String {
    let (sign, plain) = plain.strip_prefix('-').map_or(("", plain), |p| ("-", p));
    let (int, frac) = plain
        .split_once('.')
        .map_or((plain, None), |(i, f)| (i, Some(f)));
    let mut out = sign.to_string();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(ch);
    }
    match frac {
        Some(f) => format!("{out}.{f}"),
        None => out,
    }
}

/// A count in Chinese numerals as 栏次 are numbered: 一 … 十 … 十二 … 二十三.
fn numerals(n: u32) -> String {
    let digit = |d: u32| {
        "一二三四五六七八九"
            .chars()
            .nth(d as usize - 1)
            .unwrap()
            .to_string()
    };
    let ones = |d: u32| if d == 0 { String::new() } else { digit(d) };
    match n / 10 {
        0 => digit(n),
        1 => format!("十{}", ones(n % 10)),
        t => format!("{}十{}", digit(t), ones(n % 10)),
    }
}

/// A code typed as text: with a number's zero tail, or its levels (3, 2, 2 digits) apart.
fn typed_code(code: &str, rng: &mut Rng) -> String {
    let levels: Vec<&str> = [0..3, 3..5, 5..7]
        .into_iter()
        .filter_map(|r| code.get(r))
        .collect();
    match rng.below(7) {
        0 => format!("{code}.0"),
        1 => format!("{code}.00"),
        2 => full_width(code),
        3 if levels.len() == 1 => format!("{code}.0"),
        3 => levels.join("."),
        4 => levels.join("-"),
        5 => levels.join(" "),
        _ => format!(" {code}.0\u{a0}"),
    }
}

/// An amount typed as text, its digits as the cell shows them.
fn typed_amount(shown: &str, rng: &mut Rng) -> String {
    match rng.below(7) {
        0 => thousands(shown, ","),
        1 => thousands(shown, "，"),
        2 => full_width(shown),
        3 => full_width(&thousands(shown, ",")),
        4 => format!("\u{a0}{shown}\u{a0}"),
        5 => format!("  {shown} "),
        _ => format!("\u{3000}{shown}"),
    }
}

/// `check`'s findings on `drawn`, written as `name`.xlsx.
fn judged(catalog: &Catalog, name: &str, drawn: &Rendered) -> Vec<Finding> {
    drawn.check_written(catalog, "typed_numbers", name)
}

type Judged = BTreeSet<(
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
)>;

/// The findings but those of `but_rule` and the once-a-table warning that amounts are stored
/// as text (told of in [`amounts_typed_as_text_are_told_once_a_table`]).
fn keys(findings: &[Finding], but_rule: &str) -> Judged {
    findings
        .iter()
        .filter(|f| f.rule != but_rule && f.rule != TEXT_NUMBERS)
        .map(|f| {
            let severity = f.severity.as_str().to_string();
            let (expected, found) = (f.expected.clone(), f.found.clone());
            (
                severity,
                f.form.clone(),
                f.rule.clone(),
                f.cell.clone(),
                expected,
                found,
            )
        })
        .collect()
}

/// Each generated layout of the fixtures' tables: its name and the drawing.
fn layouts(catalog: &Catalog) -> Vec<(String, Rendered)> {
    let mut out = Vec::new();
    for fixture in FIXTURES {
        for (form, data) in recognize_book(catalog, &fixture_book(fixture)).forms {
            for seed in 1..=SEEDS {
                let drawn = passing_layout(form, &data, 3, seed);
                out.push((format!("{}-{seed}", form.id), drawn));
            }
        }
    }
    out
}

/// Codes, 栏次, 行次 and amounts typed as text in clerks' shapes (each cell's shape drawn) are
/// audited as the numbers are: the same findings, cell for cell.
#[test]
fn codes_column_numbers_and_amounts_typed_as_text_read_as_numbers() {
    let catalog = Catalog::embedded().unwrap();
    let mut rewritten_kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (name, drawn) in layouts(&catalog) {
        let base = keys(&judged(&catalog, &name, &drawn), "");
        let mut rng = Rng::new(name.len() as u64 * 7919 + 1);
        let shapes: [(&str, Kind); 4] = [
            ("codes", Kind::Code),
            ("column-numbers", Kind::ColumnNumber),
            ("line-numbers", Kind::LineNumber),
            ("amounts", Kind::Amount),
        ];
        for (shape, kind) in shapes {
            let mut count = 0;
            let typed = rewritten(&drawn, &mut |&(_, _, _, k, d)| {
                if k != kind {
                    return None;
                }
                count += 1;
                let shown = d.to_string();
                match kind {
                    Kind::Code => text(typed_code(&shown, &mut rng)),
                    Kind::ColumnNumber if rng.below(2) == 0 => text(numerals(d.to_u32().unwrap())),
                    Kind::ColumnNumber | Kind::LineNumber => text(format!("{shown}.00")),
                    Kind::Amount => text(typed_amount(&shown, &mut rng)),
                }
            });
            if count == 0 {
                continue;
            }
            *rewritten_kinds.entry(shape).or_default() += count;
            let got = keys(&judged(&catalog, &format!("{name}-{shape}"), &typed), "");
            if got != base {
                let extra: Vec<_> = got.difference(&base).take(3).collect();
                let lost: Vec<_> = base.difference(&got).take(3).collect();
                failures.push(format!("{name} {shape}: extra {extra:?}, lost {lost:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.len(),
        failures.join("\n")
    );
    for shape in ["codes", "column-numbers", "line-numbers", "amounts"] {
        assert!(
            rewritten_kinds.get(shape).is_some_and(|&n| n >= 50),
            "{rewritten_kinds:?}"
        );
    }
}

/// Amounts written negative with the minus triangle (`△12.30`, `▲12.30`) are audited as the
/// negative numbers are — a negative where the form has none still an error — with one warning
/// a table, at one such cell, that the triangle was read as minus.
#[test]
fn negatives_written_with_the_triangle_are_negative_and_said_once_a_table() {
    let catalog = Catalog::embedded().unwrap();
    let mut refused = 0;
    let mut failures = Vec::new();
    for (name, drawn) in layouts(&catalog) {
        let mut rng = Rng::new(name.len() as u64 * 104_729 + 3);
        // Every third nonzero amount made negative: as a number, and typed with a triangle.
        let chosen: BTreeSet<(usize, u32, u16)> = classify(&drawn)
            .into_iter()
            .filter(|&(_, _, _, k, d)| k == Kind::Amount && !d.is_zero())
            .filter(|_| rng.below(3) == 0)
            .map(|(s, r, c, _, _)| (s, r, c))
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let negative = rewritten(&drawn, &mut |&(s, r, c, _, d)| {
            chosen.contains(&(s, r, c)).then(|| Cell::Number(-d))
        });
        let triangled = rewritten(&drawn, &mut |&(s, r, c, _, d)| {
            let triangle = ["△", "▲", "△ "][rng.below(3)];
            let shown = typed_amount(&d.to_string(), &mut rng);
            chosen
                .contains(&(s, r, c))
                .then(|| Cell::Text(format!("{triangle}{}", shown.trim())))
        });
        let want = judged(&catalog, &format!("{name}-negative"), &negative);
        let got = judged(&catalog, &format!("{name}-triangle"), &triangled);
        refused += want.iter().filter(|f| f.rule == "negative-amount").count();
        if keys(&got, "triangle-minus") != keys(&want, "") {
            failures.push(format!(
                "{name}: {:?}",
                keys(&got, "")
                    .difference(&keys(&want, ""))
                    .take(3)
                    .collect::<Vec<_>>()
            ));
        }
        // Told once (the table's sheets are read as one), at one of its triangles.
        let said: Vec<&Finding> = got.iter().filter(|f| f.rule == "triangle-minus").collect();
        let typed_at = |f: &&Finding| {
            let sheet = drawn
                .book
                .sheets
                .iter()
                .position(|s| f.sheet.as_ref() == Some(&s.name));
            chosen
                .iter()
                .any(|&(s, r, c)| Some(s) == sheet && f.cell.as_deref() == Some(&a1(r, c)))
        };
        let well_told = said
            .iter()
            .all(|f| f.severity == Severity::Warning && typed_at(f));
        if said.len() != 1 || !well_told {
            let at: Vec<_> = said.iter().map(|f| (&f.sheet, &f.cell)).collect();
            failures.push(format!("{name}: triangle told at {at:?}"));
        }
        for f in &said {
            assert!(
                f.message.contains('△') && f.message.contains("负数"),
                "{}",
                f.message
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        refused >= 20,
        "negatives the forms forbid are refused: {refused}"
    );
}

const TEXT_NUMBERS: &str = "text-numbers";

/// Amounts stored as text are read as the numbers they show, and told once a table (a
/// spreadsheet's SUM leaves text out, so the sheet's own totals may show less): one warning at
/// one of the cells typed, naming the cause; none where every amount is a number.
#[test]
fn amounts_typed_as_text_are_told_once_a_table() {
    let catalog = Catalog::embedded().unwrap();
    let mut failures = Vec::new();
    let mut told = 0;
    for (name, drawn) in layouts(&catalog) {
        let mut rng = Rng::new(name.len() as u64 * 6007 + 5);
        let mut typed_cells = BTreeSet::new();
        let typed = rewritten(&drawn, &mut |&(s, r, c, k, d)| {
            (k == Kind::Amount && rng.below(4) == 0).then(|| {
                typed_cells.insert((s, r, c));
                Cell::Text(typed_amount(&d.to_string(), &mut rng))
            })
        });
        let plain = judged(&catalog, &format!("{name}-numbers"), &drawn);
        if plain.iter().any(|f| f.rule == TEXT_NUMBERS) {
            failures.push(format!(
                "{name}: told of text where every amount is a number"
            ));
        }
        let got = judged(&catalog, &format!("{name}-text"), &typed);
        let said: Vec<&Finding> = got.iter().filter(|f| f.rule == TEXT_NUMBERS).collect();
        let sheet_of = |f: &Finding| {
            (drawn.book.sheets.iter()).position(|s| f.sheet.as_ref() == Some(&s.name))
        };
        let at_typed = |f: &&Finding| {
            typed_cells
                .iter()
                .any(|&(s, r, c)| Some(s) == sheet_of(f) && f.cell.as_deref() == Some(&a1(r, c)))
        };
        let forms: BTreeSet<&str> = said.iter().map(|f| f.form.as_str()).collect();
        let well_told = said.iter().all(|f| {
            f.severity == Severity::Warning && at_typed(f) && f.message.contains("存为文本")
        });
        if typed_cells.is_empty() != said.is_empty() || forms.len() != said.len() || !well_told {
            let at: Vec<_> = said.iter().map(|f| (&f.form, &f.cell)).collect();
            failures.push(format!(
                "{name}: {} typed, told at {at:?}",
                typed_cells.len()
            ));
        }
        told += said.len();
    }
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(told >= 20, "tables told: {told}");
}
