//! Real workbooks are laid out in many ways: the same seed-001 tables with split 类/款/项
//! codes, amounts as text with thousands separators, no 行次 column, renamed and reordered
//! sheets, the header lower down, extra empty rows and columns, and as .xls and .ods copies
//! must read to exactly the same values by logical cell as the plain workbook.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use fiscalform::expr::Val;
use fiscalform::findings::Finding;
use fiscalform::form::Catalog;
use fiscalform::form::Severity;
use fiscalform::load::recognize_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("layout-variants");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every recognised value: (form, logical cell) → value, plus unit, year and row labels.
fn values(catalog: &Catalog, path: &Path) -> BTreeMap<(String, String), String> {
    let (out, warnings) = values_and_warnings(catalog, path);
    assert!(
        warnings.is_empty(),
        "{}: reading found {warnings:#?}",
        path.display()
    );
    out
}

type Values = BTreeMap<(String, String), String>;

/// [`values`], with what reading warned about.
fn values_and_warnings(catalog: &Catalog, path: &Path) -> (Values, Vec<Finding>) {
    let rec = recognize_file(catalog, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for (form, data) in &rec.forms {
        let id = form.id.clone();
        out.insert(
            (id.clone(), "unit".into()),
            data.unit.clone().unwrap_or_default(),
        );
        for row in &data.rows {
            if let Some(label) = &row.label {
                out.insert((id.clone(), format!("{}#label", row.key)), label.clone());
            }
            for (col, v) in &row.values {
                let shown = match v {
                    Val::Num(d) => d.normalize().to_string(),
                    other => format!("{other:?}"),
                };
                out.insert((id.clone(), format!("{}.{col}", row.key)), shown);
            }
        }
        for (k, v) in &data.grid {
            let shown = match v {
                Val::Num(d) => format!("Num({})", d.normalize()),
                other => format!("{other:?}"),
            };
            out.insert((id.clone(), k.clone()), shown);
        }
    }
    // Amounts stored as text are read as shown and told once a table (tests/typed_numbers.rs):
    // the layouts here are about where values are, not how they are stored.
    let warnings: Vec<Finding> = rec
        .findings
        .into_iter()
        .filter(|f| f.severity != Severity::Info && f.rule != "text-numbers")
        .collect();
    (out, warnings)
}

fn same_as_plain(name: &str, book: &grid::GridBook) {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, name);
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let got = values(&catalog, &path);
    assert_eq!(got, want, "variant {name} reads differently");
}

/// The values of the seed's plain workbook, written for the variant `name`.
fn plain_values(catalog: &Catalog, name: &str) -> Values {
    let plain = dir().join(format!("plain-{name}.xlsx"));
    seed().write_xlsx(&plain);
    let want = values(catalog, &plain);
    assert!(
        want.len() > 300,
        "the plain workbook reads {} values",
        want.len()
    );
    want
}

/// The first few values of `want` that `got` reads otherwise (or not at all).
fn differing<'w>(want: &'w Values, got: &Values) -> Vec<(&'w (String, String), &'w String)> {
    want.iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .take(5)
        .collect()
}

/// Asserts the workbook at `path` reads every value of `want` and warns of `added` values
/// outside the form and of nothing else: the columns a unit added to compare, read as nothing
/// of the form, and told in one warning a table naming how many figures they hold.
fn assert_read_with_added_values(
    catalog: &Catalog,
    want: &Values,
    path: &Path,
    label: &str,
    added: usize,
) {
    let (got, warnings) = values_and_warnings(catalog, path);
    assert_eq!(differing(want, &got), Vec::new(), "{label}");
    assert!(
        warnings.iter().all(|w| w.rule == "value-outside-form"),
        "{label}: {warnings:#?}"
    );
    let told: usize = warnings.iter().map(cells_told).sum();
    assert_eq!(
        told, added,
        "{label}: every added value told: {warnings:#?}"
    );
    let mut tables: Vec<&str> = warnings.iter().map(|w| w.form.as_str()).collect();
    tables.sort_unstable();
    tables.dedup();
    assert_eq!(
        tables.len(),
        warnings.len(),
        "{label}: one warning a table: {warnings:#?}"
    );
}

/// How many values outside the form a warning tells: those of a comparison column, counted in
/// its message (`E列的 10 处数字`), or its own cell.
fn cells_told(w: &Finding) -> usize {
    let Some((_, after)) = w.message.split_once("的 ") else {
        return 1;
    };
    match w.message.contains("比较栏") {
        true => (after.split(' ').next().and_then(|n| n.parse().ok()))
            .unwrap_or_else(|| panic!("no count in {}", w.message)),
        false => 1,
    }
}

/// Numbers below a bound from a xorshift sequence started at `state`: generated cases that
/// are the same on every run.
fn xorshift(mut state: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

/// Puts `header` at the top of column `col` of a 科目 table's header rows (between its unit
/// line and its first row of numbers), merged down over them; the table's data rows: its rows
/// of numbers but the 栏次 row, told by column `label_col`.
fn head_column(sheet: &mut grid::GridSheet, col: u16, header: &str, label_col: u16) -> Vec<u32> {
    let rows = sheet.rows.len() as u32;
    let unit_line = (0..rows)
        .find(|&r| {
            sheet.rows[r as usize]
                .iter()
                .any(|c| c.as_str().contains("单位"))
        })
        .expect("a unit line");
    let numbers = |r: u32| {
        sheet.rows[r as usize]
            .iter()
            .any(|c| matches!(c, grid::GridCell::Number(_)))
    };
    let first_numbers = (unit_line + 1..rows)
        .find(|&r| numbers(r))
        .expect("numbers");
    let data: Vec<u32> = (first_numbers..rows)
        .filter(|&r| numbers(r) && sheet.cell(r, label_col).as_str() != "栏次")
        .collect();
    sheet.put(unit_line + 1, col, grid::GridCell::text(header));
    if first_numbers > unit_line + 2 {
        sheet
            .merges
            .push((unit_line + 1, col, first_numbers - 1, col));
    }
    data
}

/// The seed sheet without its first two rows (the title and 表号 lines), its merges moved up
/// and its bold marks (the title's) gone.
fn cut_title_lines(sheet: &mut grid::GridSheet) {
    sheet.rows.drain(0..2);
    sheet.bold.clear();
    sheet.merges = sheet
        .merges
        .iter()
        .filter(|m| m.0 >= 2)
        .map(|&(r1, c1, r2, c2)| (r1 - 2, c1, r2 - 2, c2))
        .collect();
}

fn seed() -> grid::GridBook {
    grid::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"))
}

#[test]
fn split_codes_read_like_one_code_column() {
    same_as_plain("split-codes", &seed().split_codes());
}

#[test]
fn amounts_as_text_with_thousands_separators() {
    same_as_plain("commas", &seed().amounts_as_text_with_commas());
}

#[test]
fn no_line_number_column() {
    same_as_plain("no-line", &seed().drop_line_number_column());
}

#[test]
fn renamed_and_reordered_sheets() {
    same_as_plain("renamed", &seed().rename_and_reorder_sheets());
}

#[test]
fn header_two_rows_lower_and_extra_empty_rows_and_columns() {
    same_as_plain("lower", &seed().shift_down(2));
    same_as_plain("extra", &seed().extra_empty_rows_and_cols());
    same_as_plain(
        "all-at-once",
        &seed()
            .shift_down(2)
            .extra_empty_rows_and_cols()
            .amounts_as_text_with_commas()
            .split_codes(),
    );
}

#[test]
fn xls_and_ods_copies_read_like_the_xlsx() {
    let catalog = Catalog::embedded().unwrap();
    let plain = dir().join("plain-for-lo.xlsx");
    seed().write_xlsx(&plain);
    let want = values(&catalog, &plain);
    for fmt in ["xls", "ods"] {
        let copy = lo::convert(&plain, fmt, &dir().join(format!("lo-{fmt}")));
        assert_eq!(
            values(&catalog, &copy),
            want,
            "{fmt} copy reads differently"
        );
    }
}

/// A sheet that is not a table but is taken for one — a 说明 or 概况 whose lines name a table —
/// placed before the tables is set aside with one warning naming the sheet audited instead; a
/// hidden old copy of a table with other numbers is set aside with a note only; a 目录 listing
/// the tables with their 表号 and pages is skipped. The values read are the plain workbook's. Over generated sheets at
/// generated places.
#[test]
fn sheets_taken_for_a_table_before_it_are_set_aside() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-extra-sheets");
    let titles: Vec<(String, String)> = seed()
        .sheets
        .iter()
        .map(|s| (s.name.clone(), s.cell(0, 0).as_str().to_string()))
        .collect();
    let mut below = xorshift(0x9e37_79b9_7f4a_7c15_u64);
    for case in 0..12 {
        let mut book = seed();
        let (no, title) = titles[below(titles.len())].clone();
        let mut extra = grid::GridSheet::new(["说明", "部门概况", "目录", "旧表"][case % 4]);
        match case % 4 {
            0 => extra.put(0, 0, grid::GridCell::text(&title)),
            1 => {
                extra.put(0, 0, grid::GridCell::text("2023年度部门决算情况说明"));
                extra.put(
                    1,
                    0,
                    grid::GridCell::text(&format!("一、{title}：本表反映本年收支总体情况。")),
                );
            }
            2 => {
                extra.put(0, 0, grid::GridCell::text("目录"));
                for (i, (no, title)) in titles.iter().enumerate() {
                    extra.put(i as u32 + 1, 0, grid::GridCell::text(no));
                    extra.put(i as u32 + 1, 1, grid::GridCell::text(title));
                    extra.put(i as u32 + 1, 2, grid::GridCell::num(&(i + 3).to_string()));
                }
            }
            _ => {
                extra = book.sheet(&no).clone();
                extra.name = format!("{no}(旧)");
                extra.hidden = true;
                for row in &mut extra.rows {
                    for cell in row.iter_mut() {
                        if let grid::GridCell::Number(n) = cell {
                            *n = format!("{n}1");
                        }
                    }
                }
            }
        }
        let name = extra.name.clone();
        let at = below(book.sheets.len() + 1)
            .min(book.sheets.iter().position(|s| s.name == no).unwrap_or(0));
        book.sheets.insert(at, extra);
        let path = dir().join(format!("extra-sheet-{case}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        let differing = differing(&want, &got);
        assert!(
            differing.is_empty() && got.len() == want.len(),
            "case {case}: sheet {name} before {no} changes what is read: {differing:?}"
        );
        // A 目录 is no form: skipped, not set aside as a copy, its page numbers no values. A
        // hidden old copy is set aside with a note, no warning (its note: hidden_copies).
        if case % 4 >= 2 {
            assert!(warnings.is_empty(), "case {case}: {warnings:#?}");
            continue;
        }
        // One warning names the sheet set aside and the one audited; the figures on it are
        // reported where they are.
        let duplicate: Vec<_> = warnings
            .iter()
            .filter(|w| w.rule == "duplicate-form")
            .collect();
        assert_eq!(duplicate.len(), 1, "case {case}: {warnings:#?}");
        assert!(
            duplicate[0].message.contains("审核的是工作表"),
            "case {case}: {}",
            duplicate[0].message
        );
        for w in &warnings {
            assert!(
                matches!(w.rule.as_str(), "duplicate-form" | "value-outside-form"),
                "case {case}: {w:?}"
            );
            assert_eq!(
                w.sheet.as_deref(),
                Some(name.as_str()),
                "case {case}: {w:?}"
            );
        }
    }
}

/// Header words dressed as units print them — with the unit ("决算数（万元）", "基本支出(万元)"),
/// with the year in front ("2023年决算数", "2023年度合计"), with both — read like the plain
/// words, over generated dressings of every table's header cells (the 项目/行次/栏次 and 科目
/// headers left as they are).
#[test]
fn header_words_with_a_unit_or_a_year_read_like_the_plain_words() {
    let mut below = xorshift(0x2545_f491_4f6c_dd1d_u64);
    for case in 0..6 {
        let mut book = seed();
        for sheet in &mut book.sheets {
            let unit_line = (0..sheet.rows.len() as u32)
                .find(|&r| {
                    sheet.rows[r as usize]
                        .iter()
                        .any(|c| c.as_str().contains("单位"))
                })
                .unwrap_or(0);
            let first_values = (unit_line + 1..sheet.rows.len() as u32)
                .find(|&r| {
                    sheet.rows[r as usize]
                        .iter()
                        .any(|c| matches!(c, grid::GridCell::Number(_)) || c.as_str() == "栏次")
                })
                .unwrap_or(unit_line + 1);
            for r in unit_line + 1..first_values {
                for cell in sheet.rows[r as usize].iter_mut() {
                    let grid::GridCell::Text(t) = cell else {
                        continue;
                    };
                    if t.chars().count() <= 2 || t.contains("科目") || t.contains("行次") {
                        continue;
                    }
                    *t = match below(5) {
                        0 => format!("{t}（万元）"),
                        1 => format!("{t}(万元)"),
                        2 => format!("2023年{t}"),
                        3 => format!("2023年度{t}（万元）"),
                        _ => t.clone(),
                    };
                }
            }
        }
        same_as_plain(&format!("dressed-headers-{case}"), &book);
    }
}

/// A column the form lacks (上年决算数, 备注数) added at the right of a 科目 table, its header
/// merged down over the header rows, leaves the table's own values as they were: its cells are
/// values outside the form, one warning a table, and nothing else is reported. Over the seed's
/// coded tables, one at a time and all at once.
#[test]
fn a_column_the_form_lacks_leaves_the_table_read() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-extra-column");
    let tables = ["公开02表", "公开03表", "公开05表"];
    for (case, chosen) in [&tables[..1], &tables[1..2], &tables[2..], &tables[..]]
        .iter()
        .enumerate()
    {
        let mut book = seed();
        let mut added = 0;
        for name in chosen.iter() {
            let sheet = book.sheet_mut(name);
            let w = sheet.width();
            let data = head_column(sheet, w, "上年决算数", 0);
            for (i, r) in data.into_iter().enumerate() {
                sheet.put(r, w, grid::GridCell::num(&format!("{}.50", 10 + i)));
                added += 1;
            }
        }
        let path = dir().join(format!("extra-column-{case}.xlsx"));
        book.write_xlsx(&path);
        let label = format!("case {case}");
        assert_read_with_added_values(&catalog, &want, &path, &label, added);
    }
}

/// A 序号 column put in front of a 科目 table, its header merged down over the header rows and
/// the rows numbered 1, 2, 3…, is read as nothing: every value as in the plain workbook and
/// no warning. A cell of it holding something else than a row number (2.5) is still a value
/// outside the form.
#[test]
fn a_serial_number_column_is_read_as_nothing() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-serial");
    for odd in [false, true] {
        let mut book = seed();
        for name in ["公开02表", "公开03表", "公开05表"] {
            let sheet = book.sheet_mut(name);
            sheet.insert_col(0);
            let data = head_column(sheet, 0, "序号", 1);
            for (i, r) in data.into_iter().enumerate() {
                let n = if odd && i == 2 {
                    "2.5".to_string()
                } else {
                    (i + 1).to_string()
                };
                sheet.put(r, 0, grid::GridCell::num(&n));
            }
        }
        let path = dir().join(format!("serial-{odd}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(got.len(), want.len(), "odd {odd}");
        let differing = differing(&want, &got);
        assert!(differing.is_empty(), "odd {odd}: {differing:?}");
        let outside: Vec<_> = warnings
            .iter()
            .filter(|w| w.rule == "value-outside-form")
            .collect();
        assert_eq!(
            outside.len(),
            if odd { 3 } else { 0 },
            "odd {odd}: {warnings:#?}"
        );
        assert_eq!(warnings.len(), outside.len(), "{warnings:#?}");
    }
}

/// Sheets whose title and 表号 lines are cut off, named by the 表号 or by the title, read like
/// the plain workbook whatever their order: the name tells the form (公开07表 and 公开08表
/// have the same columns and rows, so the table alone cannot).
#[test]
fn sheets_without_title_are_told_by_their_names() {
    let titles: Vec<String> = seed()
        .sheets
        .iter()
        .map(|s| s.cell(0, 0).as_str().to_string())
        .collect();
    for by_title in [false, true] {
        let mut book = seed();
        for (sheet, title) in book.sheets.iter_mut().zip(&titles) {
            cut_title_lines(sheet);
            if by_title {
                sheet.name = title.clone();
            }
        }
        book.sheets.reverse();
        same_as_plain(&format!("named-{by_title}"), &book);
    }
}

/// The seed's 公开09表 printed transposed — its items down the rows, 预算数 and 决算数 across —
/// with only 公务接待费 spent, the other items left out: four numbers.
fn transposed_09(book: &mut grid::GridBook) {
    let sheet = book.sheet_mut("公开09表");
    let title = sheet.cell(0, 0).as_str().to_string();
    let unit = sheet.cell(2, 0).as_str().to_string();
    let mut t = grid::GridSheet::new("公开09表");
    t.put(0, 0, grid::GridCell::text(&title));
    t.put(1, 0, grid::GridCell::text(&unit));
    for (c, h) in ["项目", "预算数", "决算数"].iter().enumerate() {
        t.put(2, c as u16, grid::GridCell::text(h));
    }
    for (i, (item, amount)) in [("合计", "1.35"), ("公务接待费", "1.35")]
        .iter()
        .enumerate()
    {
        let r = 3 + i as u32;
        t.put(r, 0, grid::GridCell::text(item));
        t.put(r, 1, grid::GridCell::num(amount));
        t.put(r, 2, grid::GridCell::num(amount));
    }
    *sheet = t;
}

/// A 说明 page naming 公开09表 in front of a transposed 公开09表: the page is set aside as a
/// copy, and it does not take the table's figures with it — the four figures are read into
/// 合计 and 公务接待费, 预算数 and 决算数.
#[test]
fn figures_of_a_copy_set_aside_are_still_reported() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = seed();
    transposed_09(&mut book);
    let mut note = grid::GridSheet::new("说明");
    note.put(0, 0, grid::GridCell::text("财政拨款“三公”经费支出决算表"));
    note.put(
        1,
        0,
        grid::GridCell::text("本表反映本年度“三公”经费支出情况。"),
    );
    let at = book
        .sheets
        .iter()
        .position(|s| s.name == "公开09表")
        .unwrap();
    book.sheets.insert(at, note);
    let path = dir().join("note-before-transposed-09.xlsx");
    book.write_xlsx(&path);
    let (values, _) = values_and_warnings(&catalog, &path);
    // c1/c6: 预算数 合计 and 公务接待费; c7/c12: 决算数 合计 and 公务接待费.
    for col in ["c1", "c6", "c7", "c12"] {
        let key = ("final-09".to_string(), format!("data.{col}"));
        assert_eq!(
            values.get(&key).map(String::as_str),
            Some("1.35"),
            "{col}: {values:#?}"
        );
    }
}

/// A header showing two years (2022年金额 over the income, 2023年金额 over the spending) names
/// its columns by them: neither is taken for the plain 金额, so the figures are not read as
/// this year's but reported.
#[test]
fn a_header_of_two_years_keeps_the_years() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = seed();
    let sheet = book.sheet_mut("公开01表");
    let cells = sheet.find_all("金额");
    assert_eq!(cells.len(), 2, "two 金额 headers");
    for ((r, c), year) in cells.into_iter().zip(["2022", "2023"]) {
        sheet.put(r, c, grid::GridCell::text(&format!("{year}年金额")));
    }
    let path = dir().join("two-years.xlsx");
    book.write_xlsx(&path);
    let (got, findings) = values_and_warnings(&catalog, &path);
    assert!(
        !got.contains_key(&("final-01".to_string(), "L1.amount".to_string())),
        "read as this year's: {:?}",
        got.get(&("final-01".to_string(), "L1.amount".to_string()))
    );
    assert!(
        findings
            .iter()
            .any(|f| f.form == "final-01" && f.severity == Severity::Error),
        "{findings:#?}"
    );
}

/// A total column headed 总计 rather than 小计 or 合计 (as budget forms print it) reads like it.
#[test]
fn a_total_column_headed_zongji_reads_like_heji() {
    let mut book = seed();
    let sheet = book.sheet_mut("公开05表");
    let (r, c) = sheet.find("小计").expect("the 小计 header of 公开05表");
    sheet.put(r, c, grid::GridCell::text("总计"));
    // No 本年支出 over the three amounts, as the real 决算 prints them.
    let (gr, gc) = sheet.find("本年支出").expect("the 本年支出 header");
    sheet.put(gr, gc, grid::GridCell::Empty);
    sheet.merges.retain(|m| (m.0, m.1) != (gr, gc));
    same_as_plain("zongji", &book);
}

/// Empty 公开07表 and 公开08表 (no figure at all) whose title and 表号 lines are cut off are each
/// taken for its own form by its sheet's name: their columns and rows are the same.
#[test]
fn empty_sheets_without_title_are_told_by_their_names() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = seed();
    for sheet in &mut book.sheets {
        cut_title_lines(sheet);
        if matches!(sheet.name.as_str(), "公开07表" | "公开08表") {
            for cell in sheet.rows.iter_mut().flatten() {
                if matches!(cell, grid::GridCell::Number(_)) {
                    *cell = grid::GridCell::Empty;
                }
            }
        }
    }
    let path = dir().join("empty-07-08-named.xlsx");
    book.write_xlsx(&path);
    let rec = recognize_file(&catalog, &path).unwrap();
    for (sheet, id) in [("公开07表", "final-07"), ("公开08表", "final-08")] {
        assert!(
            rec.forms
                .iter()
                .any(|(f, d)| f.id == id && d.sheet.as_deref() == Some(sheet)),
            "{sheet} not read as {id}: {:?}",
            rec.forms
                .iter()
                .map(|(f, d)| (f.id.clone(), d.sheet.clone()))
                .collect::<Vec<_>>()
        );
    }
}

/// 公开01表 going on below a header printed over its 支出 columns only (on a second sheet or
/// inside the first): the 收入 rows below it (本年收入合计, 年初结转和结余, 总计) are still read
/// through their own columns, at every place the page may break.
#[test]
fn a_header_over_one_panel_leaves_the_other_read() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "half-headed");
    let mut next = xorshift(0x0137_5eed);
    for case in 0..8 {
        let mut book = seed();
        let first = &mut book.sheets[0];
        let heads = first.find_all("项目");
        let (header, right) = (heads[0].0, heads[1].1);
        let head: Vec<grid::GridCell> = (right..right + 3)
            .map(|c| first.cell(header, c).clone())
            .collect();
        // A break between the first data row and 本年收入合计.
        let total = first.find("本年收入合计").expect("本年收入合计").0;
        let at = header + 3 + next((total - header - 3) as usize) as u32;
        if case % 2 == 0 {
            first.insert_row(at);
            for (k, cell) in head.into_iter().enumerate() {
                first.put(at, right + k as u16, cell);
            }
        } else {
            let mut rest = grid::GridSheet::new("公开01表（续）");
            rest.rows = first.rows.split_off(at as usize);
            rest.rows.insert(0, Vec::new());
            for (k, cell) in head.into_iter().enumerate() {
                rest.put(0, right + k as u16, cell);
            }
            for m in first.merges.iter().filter(|m| m.0 >= at) {
                rest.merges.push((m.0 - at + 1, m.1, m.2 - at + 1, m.3));
            }
            first.merges.retain(|m| m.0 < at);
            book.sheets.insert(1, rest);
        }
        let path = dir().join(format!("half-headed-{case}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        let off = differing(&want, &got);
        assert!(
            off.is_empty(),
            "case {case}, break at row {}: {off:?}",
            at + 1
        );
        assert!(warnings.is_empty(), "case {case}: {warnings:#?}");
    }
}

/// The 行次 cells below each 行次 header of `book` (公开01表's two, 公开04表's), as (sheet,
/// row, column).
fn line_cells(book: &grid::GridBook) -> Vec<(usize, u32, u16)> {
    let mut out = Vec::new();
    for (si, s) in book.sheets.iter().enumerate() {
        for (hr, c) in s.find_all("行次") {
            out.extend(
                (hr + 1..s.rows.len() as u32)
                    .filter(|&r| matches!(s.cell(r, c), grid::GridCell::Number(_)))
                    .map(|r| (si, r, c)),
            );
        }
    }
    out
}

/// 行次 typed as text (a column formatted 文本) name their rows as numbers do, spacer rows'
/// 行次 included: nothing is left over.
#[test]
fn line_numbers_typed_as_text_read_like_numbers() {
    let mut book = seed();
    let cells = line_cells(&book);
    assert!(cells.len() > 60, "{} 行次 cells", cells.len());
    for (si, r, c) in cells {
        let shown = book.sheets[si].cell(r, c).as_str().to_string();
        book.sheets[si].put(r, c, grid::GridCell::text(&shown));
    }
    same_as_plain("line-numbers-as-text", &book);
}

/// A 行次 that names another row than its label (a clerk's typo, one row of another template)
/// does not move the row: the table is read by its labels, the same values as the plain
/// workbook, and one note names the cell. With the 行次 as the form has them, no note.
#[test]
fn a_line_number_naming_another_row_is_overruled_by_its_label_and_noted() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "line-typo");
    let plain = dir().join("plain-line-typo.xlsx");
    let notes = |path: &Path| -> Vec<String> {
        let rec = recognize_file(&catalog, path).unwrap();
        rec.findings
            .iter()
            .filter(|f| f.rule == "line-mismatch")
            .map(|f| {
                format!(
                    "{}!{}",
                    f.sheet.clone().unwrap_or_default(),
                    f.cell.clone().unwrap_or_default()
                )
            })
            .collect()
    };
    assert_eq!(notes(&plain), Vec::<String>::new());
    let book = seed();
    let cells = line_cells(&book);
    let mut next = xorshift(0x0011_02e5);
    for case in 0..6 {
        let mut book = book.clone();
        // A labelled row's 行次 set to the next labelled row's.
        let (si, r, c) = loop {
            let (si, r, c) = cells[next(cells.len())];
            let sheet = &book.sheets[si];
            if !sheet.cell(r, c - 1).is_empty() && !sheet.cell(r + 1, c - 1).is_empty() {
                break (si, r, c);
            }
        };
        let other = book.sheets[si].cell(r + 1, c).clone();
        book.sheets[si].put(r, c, other);
        let path = dir().join(format!("line-typo-{case}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        let off = differing(&want, &got);
        assert!(off.is_empty(), "case {case}, {}: {off:?}", grid::a1(r, c));
        assert!(warnings.is_empty(), "case {case}: {warnings:#?}");
        let at = format!("{}!{}", book.sheets[si].name, grid::a1(r, c));
        assert_eq!(notes(&path), vec![at], "case {case}");
    }
}

/// The seed workbook with each two-decimal amount stored off its shown figure by less than
/// half its last digit (万元 = 元/10000 without ROUND), formatted `0.00` or `#,##0.00`; with
/// the first such cell of each sheet.
fn unrounded_book() -> (grid::GridBook, BTreeMap<String, String>) {
    use rust_decimal::prelude::*;
    let mut next = xorshift(0x00de_c1a1);
    let mut book = seed();
    let mut first_changed: BTreeMap<String, String> = BTreeMap::new();
    for sheet in &mut book.sheets {
        for (r, c, shown) in sheet.numbers() {
            if shown.split_once('.').is_none_or(|(_, d)| d.len() != 2) {
                continue;
            }
            let off = Decimal::new(next(9999) as i64 - 4999, 6);
            let stored = Decimal::from_str(&shown).unwrap() + off;
            if off.is_zero() {
                continue;
            }
            let format = ["0.00", "#,##0.00", "#,##0.00_ ;[Red]-#,##0.00 "][next(3)];
            sheet.number_formats.insert((r, c), format.to_string());
            sheet.put(r, c, grid::GridCell::Number(stored.to_string()));
            first_changed
                .entry(sheet.name.clone())
                .or_insert_with(|| grid::a1(r, c));
        }
    }
    assert!(first_changed.len() >= 8, "{first_changed:?}");
    (book, first_changed)
}

/// The first cell of each sheet `path` notes as read rounded to its shown figure.
fn noted_rounded(catalog: &Catalog, path: &Path) -> BTreeMap<String, String> {
    let rec = recognize_file(catalog, path).unwrap();
    (rec.findings.iter())
        .filter(|f| f.rule == "shown-rounded")
        .map(|f| (f.sheet.clone().unwrap(), f.cell.clone().unwrap()))
        .collect()
}

/// Amounts stored with more decimals than their cells show read as shown, the figures the
/// unit publishes: the same values as the plain workbook, and one note per sheet naming its
/// first such cell. Shown as stored (General), they read as stored.
#[test]
fn amounts_stored_with_more_decimals_than_shown_read_as_shown() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "unrounded");
    let (mut book, first_changed) = unrounded_book();
    let path = dir().join("unrounded.xlsx");
    book.write_xlsx(&path);
    let (got, warnings) = values_and_warnings(&catalog, &path);
    assert_eq!(differing(&want, &got), Vec::new());
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!(noted_rounded(&catalog, &path), first_changed);
    // Shown as stored: read as stored, nothing noted.
    for sheet in &mut book.sheets {
        for f in sheet.number_formats.values_mut() {
            *f = "General".to_string();
        }
    }
    book.write_xlsx(&path);
    assert!(noted_rounded(&catalog, &path).is_empty());
    let (got, _) = values_and_warnings(&catalog, &path);
    assert!(
        !differing(&want, &got).is_empty(),
        "read as shown under General"
    );
}

/// The same workbook saved as .xls (and as WPS's .et, the same bytes) reads as shown too: the
/// number formats come from the file's own records.
#[test]
fn xls_amounts_stored_with_more_decimals_than_shown_read_as_shown() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "unrounded-xls");
    let (book, first_changed) = unrounded_book();
    let path = dir().join("unrounded-xls.xlsx");
    book.write_xlsx(&path);
    let xls = lo::convert(&path, "xls", &dir().join("lo-unrounded"));
    let et = xls.with_extension("et");
    std::fs::copy(&xls, &et).unwrap();
    for copy in [xls, et] {
        let (got, warnings) = values_and_warnings(&catalog, &copy);
        assert_eq!(differing(&want, &got), Vec::new(), "{}", copy.display());
        assert!(warnings.is_empty(), "{}: {warnings:#?}", copy.display());
        assert_eq!(noted_rounded(&catalog, &copy), first_changed);
    }
}

/// A sign-off line under each table (单位负责人：… 制表人：…, in one cell or label by label)
/// is one of its notes: the same values, no warning.
#[test]
fn a_sign_off_line_under_a_table_is_a_note() {
    let mut book = seed();
    for (i, sheet) in book.sheets.iter_mut().enumerate() {
        // Tables without 注 lines, which would end them above the sign-off line.
        let is_note = |row: &Vec<grid::GridCell>| {
            row.iter()
                .any(|c| c.as_str().starts_with("注") || c.as_str().starts_with("说明"))
        };
        while sheet
            .rows
            .last()
            .is_some_and(|r| r.iter().all(|c| c.is_empty()) || is_note(r))
        {
            sheet.rows.pop();
        }
        let below = sheet.rows.len() as u32 + 1;
        if i % 2 == 0 {
            let line = "单位负责人：张三    财务负责人：李四    制表人：王五";
            sheet.put(below, 0, grid::GridCell::text(line));
        } else {
            for (c, t) in [
                "单位负责人：",
                "张三",
                "制表人：",
                "王五",
                "联系电话：",
                "0731-1234567",
            ]
            .iter()
            .enumerate()
            {
                sheet.put(below, c as u16, grid::GridCell::text(t));
            }
        }
    }
    same_as_plain("sign-off", &book);
}

/// Numbers typed with the unit their column is read in read as the numbers: amounts of a
/// table in 万元 as `526.36万元`, scores as `10分`. The same values, no warning.
#[test]
fn numbers_typed_with_their_unit_read_as_numbers() {
    let catalog = Catalog::embedded().unwrap();
    // The amounts (two decimals) of the 决算 tables; the 分值 and 得分 of the 绩效 tables.
    let amount = |_: &grid::GridSheet, _: u32, _: u16, n: &str| n.contains('.');
    let score = |sheet: &grid::GridSheet, r: u32, c: u16, _: &str| {
        let heading = (0..r)
            .rev()
            .map(|h| sheet.cell(h, c))
            .find(|cell| matches!(cell, grid::GridCell::Text(_)));
        heading.is_some_and(|h| ["分值", "自评得分", "得分"].contains(&h.squeezed().as_str()))
    };
    type Pick = dyn Fn(&grid::GridSheet, u32, u16, &str) -> bool;
    for (fixture, unit, pick) in [
        ("seed001_final.grid", "万元", &amount as &Pick),
        ("seed004_perf.grid", "分", &score as &Pick),
    ] {
        let plain = grid::fixture(fixture);
        let plain_path = dir().join(format!("{fixture}-plain-units.xlsx"));
        plain.write_xlsx(&plain_path);
        let want = values(&catalog, &plain_path);
        let mut book = plain.clone();
        let mut typed = 0;
        for sheet in &mut book.sheets {
            for (r, c, n) in sheet.numbers() {
                if pick(sheet, r, c, &n) {
                    sheet.put(r, c, grid::GridCell::text(&format!("{n}{unit}")));
                    typed += 1;
                }
            }
        }
        assert!(typed >= 8, "{fixture}: {typed} numbers typed with {unit}");
        let path = dir().join(format!("{fixture}-with-units.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(differing(&want, &got), Vec::new(), "{fixture}");
        assert!(warnings.is_empty(), "{fixture}: {warnings:#?}");
    }
}

/// A line under the title dating the table (（2024年4月编制）) is one of the lines above the
/// table, not the year it reports on: the same values and years, no warning.
#[test]
fn a_date_line_under_the_title_is_a_line_above_the_table() {
    let mut book = seed();
    for sheet in &mut book.sheets {
        sheet.insert_row(1);
        sheet.put(1, 0, grid::GridCell::text("（2024年4月编制）"));
    }
    same_as_plain("date-line", &book);
    let catalog = Catalog::embedded().unwrap();
    let years = |file: &str| -> Vec<(String, Option<String>)> {
        let rec = recognize_file(&catalog, &dir().join(file)).unwrap();
        rec.forms
            .iter()
            .map(|(f, d)| (f.id.clone(), d.year.clone()))
            .collect()
    };
    assert_eq!(years("date-line.xlsx"), years("plain-date-line.xlsx"));
}

/// The money unit stated on the unit's line, in the same cell (`部门：某某中心    单位：元`,
/// as a Word paragraph or a merged cell is typed): the unit's name without it, and the
/// amounts in that unit. In 元 (every amount ×10000), the same values in 万元 as the plain
/// workbook.
#[test]
fn a_money_unit_on_the_units_line_is_the_tables_unit() {
    for (unit, scale) in [("万元", 1i64), ("元", 10_000)] {
        let mut book = seed();
        for sheet in &mut book.sheets {
            let Some((ur, uc)) = sheet.find_all("部门").into_iter().next().or_else(|| {
                (0..sheet.rows.len() as u32).find_map(|r| {
                    let row = &sheet.rows[r as usize];
                    row.iter()
                        .position(|c| c.as_str().starts_with("部门"))
                        .map(|c| (r, c as u16))
                })
            }) else {
                continue;
            };
            let name = sheet.cell(ur, uc).as_str().to_string();
            for c in 0..sheet.rows[ur as usize].len() as u16 {
                if sheet.cell(ur, c).as_str().contains("单位") {
                    sheet.put(ur, c, grid::GridCell::Empty);
                }
            }
            sheet.put(
                ur,
                uc,
                grid::GridCell::text(&format!("{name}          单位：{unit}")),
            );
            for (r, c, n) in sheet.numbers() {
                if r > ur && n.contains('.') {
                    let v = rust_decimal::Decimal::from_str_exact(&n).unwrap()
                        * rust_decimal::Decimal::from(scale);
                    sheet.put(r, c, grid::GridCell::Number(v.normalize().to_string()));
                }
            }
        }
        let catalog = Catalog::embedded().unwrap();
        let name = format!("unit-on-units-line-{unit}");
        let want = plain_values(&catalog, &name);
        let path = dir().join(format!("{name}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(differing(&want, &got), Vec::new(), "{unit}");
        assert!(warnings.is_empty(), "{unit}: {warnings:#?}");
    }
}

/// A 备注 column a unit adds right of a table, a remark on one row: kept where it is and
/// noted (info), not warned about; the same values.
#[test]
fn a_remark_column_added_to_a_table_is_kept_and_noted() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = seed();
    let sheet = book
        .sheets
        .iter_mut()
        .find(|s| s.find("基本支出").is_some() && s.find("项目支出").is_some())
        .expect("a table with 基本支出 and 项目支出");
    let (hr, _) = sheet.find("基本支出").unwrap();
    let right = sheet.width();
    sheet.put(hr, right, grid::GridCell::text("备注"));
    let data = (hr + 1..sheet.rows.len() as u32)
        .filter(|&r| matches!(sheet.cell(r, right - 1), grid::GridCell::Number(_)))
        .nth(2)
        .expect("a data row");
    sheet.put(data, right, grid::GridCell::text("含以前年度结转"));
    let at = format!("{}!{}", sheet.name, grid::a1(data, right));
    same_as_plain("remark-column", &book);
    let rec = recognize_file(&catalog, &dir().join("remark-column.xlsx")).unwrap();
    let noted: Vec<String> = rec
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info && f.message.contains("含以前年度结转"))
        .map(|f| format!("{}!{}", f.sheet.clone().unwrap(), f.cell.clone().unwrap()))
        .collect();
    assert_eq!(noted, vec![at]);
}

/// A 目录 sheet listing the tables with their page numbers (序号 | 报表名称 | 页码) before
/// them is none of them: the same values, no warning, no error.
#[test]
fn a_contents_sheet_with_page_numbers_is_no_form() {
    let catalog = Catalog::embedded().unwrap();
    let mut book = seed();
    let mut contents = grid::GridSheet::new("目录");
    contents.put(0, 0, grid::GridCell::text("目  录"));
    for (c, h) in ["序号", "报表名称", "页码"].iter().enumerate() {
        contents.put(1, c as u16, grid::GridCell::text(h));
    }
    for (i, sheet) in book.sheets.iter().enumerate() {
        let title = sheet.cell(0, 0).as_str().to_string();
        let r = i as u32 + 2;
        contents.put(r, 0, grid::GridCell::num(&(i + 1).to_string()));
        contents.put(r, 1, grid::GridCell::text(&title));
        contents.put(r, 2, grid::GridCell::num(&(i + 3).to_string()));
    }
    book.sheets.insert(0, contents);
    same_as_plain("contents-with-pages", &book);
    let rec = recognize_file(&catalog, &dir().join("contents-with-pages.xlsx")).unwrap();
    assert!(
        !rec.findings.iter().any(|f| f.severity == Severity::Error),
        "{:#?}",
        rec.findings
    );
}

/// A table number printed above the title (表一, 表1, 附表1, or a bare 附件 without its
/// number) is one of the lines above the table: the same values, no warning.
#[test]
fn a_table_number_above_the_title_is_a_line_above_the_table() {
    let mut book = seed();
    for (i, sheet) in book.sheets.iter_mut().enumerate() {
        let marks = ["表一", "附件", "表1", "附表1", "附件：", "表 3-1", "附表"];
        sheet.insert_row(0);
        sheet.put(0, 0, grid::GridCell::text(marks[i % marks.len()]));
    }
    same_as_plain("table-number-above", &book);
}

/// A 决算 workbook printing no 表号, its sheets named Sheet1…, with one title copied from the
/// budget set (决算 → 预算): the sheet is still the workbook's 决算 form its body fits, its
/// values read as before; only the title is pointed out.
#[test]
fn a_title_saying_budget_in_a_final_workbook_keeps_its_form() {
    for i in 0..seed().sheets.len() {
        let mut book = seed();
        for (j, sheet) in book.sheets.iter_mut().enumerate() {
            sheet.name = format!("Sheet{}", j + 1);
            for r in 0..4 {
                for (_, c) in (0..sheet.width())
                    .map(|c| (r, c))
                    .filter(|&(r, c)| sheet.cell(r, c).as_str().starts_with("公开0"))
                    .collect::<Vec<_>>()
                {
                    sheet.put(r, c, grid::GridCell::Empty);
                }
            }
        }
        let sheet = &mut book.sheets[i];
        let title = sheet.cell(0, 0).as_str().replace("决算", "预算");
        sheet.put(0, 0, grid::GridCell::text(&title));
        let catalog = Catalog::embedded().unwrap();
        let want = plain_values(&catalog, &format!("budget-title-{i}"));
        let path = dir().join(format!("budget-title-{i}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(differing(&want, &got), Vec::new(), "{title}");
        // The title itself, no title of the form it is read as, is pointed out; nothing else.
        assert!(
            warnings
                .iter()
                .all(|w| w.cell.as_deref() == Some("A1") && w.message.contains(&title)),
            "{title}: {warnings:#?}"
        );
    }
}

/// The amounts of `values` alone (what a label, a unit's name may change around them).
fn amounts(values: &Values) -> Values {
    values
        .iter()
        .filter(|((_, k), _)| k.contains('.') && !k.ends_with("#label"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Near misses of the rules above, read as before them: a unit named 元江… on the unit's
/// line is no money unit; a label copied over a labelled row's, its 行次 right, leaves the
/// rows to their 行次; amounts formatted to fewer than two decimals are read as stored.
#[test]
fn near_misses_of_the_unit_line_the_line_numbers_and_the_shown_decimals() {
    let catalog = Catalog::embedded().unwrap();
    let want = amounts(&plain_values(&catalog, "near-misses"));
    // 元江县 after 单位：.
    let mut book = seed();
    for sheet in &mut book.sheets {
        if let Some((r, c)) = sheet.find_all("部门").into_iter().next() {
            sheet.put(
                r,
                c,
                grid::GridCell::text("主管部门：元江县教育局    预算单位：元江县第一中学"),
            );
        }
    }
    let path = dir().join("near-miss-yuanjiang.xlsx");
    book.write_xlsx(&path);
    assert_eq!(
        differing(&want, &amounts(&values_and_warnings(&catalog, &path).0)),
        Vec::new()
    );
    // A label copied from the row above, over 公开01表's 八、社会保障和就业支出.
    let mut book = seed();
    let sheet = &mut book.sheets[0];
    let (r, c) = sheet.find("八、社会保障和就业支出").expect("the label");
    let above = sheet.cell(r - 1, c).clone();
    sheet.put(r, c, above);
    let path = dir().join("near-miss-label-copy.xlsx");
    book.write_xlsx(&path);
    assert_eq!(
        differing(&want, &amounts(&values_and_warnings(&catalog, &path).0)),
        Vec::new()
    );
    // Every amount formatted 0.0 or #,##0.
    for (i, format) in ["0.0", "#,##0"].iter().enumerate() {
        let mut book = seed();
        for sheet in &mut book.sheets {
            for (r, c, n) in sheet.numbers() {
                if n.contains('.') {
                    sheet.number_formats.insert((r, c), format.to_string());
                }
            }
        }
        let path = dir().join(format!("near-miss-format-{i}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(differing(&want, &amounts(&got)), Vec::new(), "{format}");
        assert!(warnings.is_empty(), "{format}: {warnings:#?}");
    }
}

/// Titles in a unit's own words, some nearer a budget form's title than their own
/// (一般公共预算支出决算表 is one character off 一般公共预算支出情况表): the 表号 printed
/// beside them names the form, so each sheet reads as the one it is.
#[test]
fn a_title_in_the_units_own_words_is_told_by_its_table_no() {
    for (sheet_name, title) in [
        ("公开04表", "财政拨款收支决算总表"),
        ("公开05表", "一般公共预算支出决算表"),
        ("公开06表", "一般公共预算基本支出决算表"),
        ("公开08表", "国有资本经营预算支出决算表"),
        ("公开09表", "“三公”经费支出决算表"),
    ] {
        let mut book = seed();
        let sheet = book.sheet_mut(sheet_name);
        assert!(
            sheet.find(sheet_name).is_some(),
            "{sheet_name} shows its 表号"
        );
        sheet.put(0, 0, grid::GridCell::text(title));
        same_as_plain(&format!("own-title-{sheet_name}"), &book);
    }
}

/// A column comparing with another year or the budget (上年决算数, 年初预算数, 预算数 before
/// or after the 决算数, another year's 决算数, 增减额) beside each amount column of 公开01表 —
/// as many figures as the form's own: the table is read as it was, the added figures are
/// values outside the form (one warning each), and nothing else is reported.
#[test]
fn a_comparison_column_beside_the_total_tables_amounts_leaves_it_read() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-comparison-column");
    let headers = [
        "上年决算数",
        "年初预算数",
        "预算数",
        "2022年决算数",
        "增减额",
    ];
    for (case, header) in headers.iter().enumerate() {
        for before in [false, true] {
            let mut book = seed();
            let sheet = book.sheet_mut("公开01表");
            let mut amounts = sheet.find_all("金额");
            amounts.retain(|&(r, _)| sheet.cell(r, 0).as_str() == "项目");
            assert_eq!(amounts.len(), 2, "{amounts:?}");
            let header_row = amounts[0].0;
            let mut added = 0;
            for &(_, col) in amounts.iter().rev() {
                let at = if before { col } else { col + 1 };
                sheet.insert_col(at);
                let own = if before { col + 1 } else { col };
                sheet.put(header_row, at, grid::GridCell::text(header));
                let data: Vec<u32> = (header_row + 2..sheet.rows.len() as u32)
                    .filter(|&r| matches!(sheet.cell(r, own), grid::GridCell::Number(_)))
                    .collect();
                for r in data {
                    sheet.put(r, at, grid::GridCell::num(&format!("{}.25", r)));
                    added += 1;
                }
            }
            let path = dir().join(format!("comparison-column-{case}-{before}.xlsx"));
            book.write_xlsx(&path);
            let label = format!("{header}, before: {before}");
            assert_read_with_added_values(&catalog, &want, &path, &label, added);
        }
    }
}

/// A 决算 set whose 公开06表 prints no 表号 and a title as near the budget's
/// 一般公共预算基本支出情况表 as its own (一般公共预算基本支出决算情况表): among a workbook of
/// 决算 tables it is the 决算 one, read as in the plain workbook.
#[test]
fn a_near_title_is_read_as_the_form_of_the_workbooks_family() {
    let mut book = seed();
    let sheet = book.sheet_mut("公开06表");
    let (r, c) = sheet.find("公开06表").expect("the 表号");
    sheet.put(r, c, grid::GridCell::Empty);
    sheet.put(0, 0, grid::GridCell::text("一般公共预算基本支出决算情况表"));
    same_as_plain("near-title-of-the-family", &book);
}

/// The seed's 公开09表 as many county units print it: its items down the rows (numbered as
/// row labels, 其中：…), 预算数 and 决算数 across, a note below. It reads as the plain table,
/// each value at its own cell; a wrong 决算数 合计 is found at that cell.
#[test]
fn a_three_public_table_printed_down_the_rows_is_read() {
    let catalog = Catalog::embedded().unwrap();
    let vertical = |total_spent: &str| {
        let mut book = seed();
        let sheet = book.sheet_mut("公开09表");
        let mut t = grid::GridSheet::new("公开09表");
        t.put(0, 0, sheet.cell(0, 0).clone());
        t.put(1, 2, grid::GridCell::text("公开09表"));
        t.put(2, 0, sheet.cell(2, 0).clone());
        t.put(2, 2, grid::GridCell::text("金额单位：万元"));
        for (c, h) in ["项目", "预算数", "决算数"].iter().enumerate() {
            t.put(3, c as u16, grid::GridCell::text(h));
        }
        let items = [
            ("合计", "13.35", total_spent),
            ("1、因公出国（境）费", "0.00", "0.00"),
            ("2、公务用车购置及运行维护费", "12.00", "12.00"),
            ("其中：公务用车购置费", "0.00", "0.00"),
            ("公务用车运行费", "12.00", "12.00"),
            ("3、公务接待费", "1.35", "1.35"),
        ];
        for (i, (item, budget, spent)) in items.iter().enumerate() {
            let r = 4 + i as u32;
            t.put(r, 0, grid::GridCell::text(item));
            t.put(r, 1, grid::GridCell::num(budget));
            t.put(r, 2, grid::GridCell::num(spent));
        }
        t.put(
            10,
            0,
            grid::GridCell::text("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。"),
        );
        *sheet = t;
        book
    };
    let path = dir().join("three-public-down-the-rows.xlsx");
    vertical("13.35").write_xlsx(&path);
    let got = values(&catalog, &path);
    let want = plain_values(&catalog, "three-public-down-the-rows");
    let of_09 = |v: &Values| -> Values {
        v.iter()
            .filter(|((form, _), _)| form == "final-09")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert!(of_09(&want).len() >= 12, "{want:?}");
    assert_eq!(of_09(&got), of_09(&want));
    let path = dir().join("three-public-down-the-rows-wrong.xlsx");
    vertical("15.35").write_xlsx(&path);
    let report = fiscalform::report::check_file(&catalog, &path);
    let at_total: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.form == "final-09" && f.severity == Severity::Error)
        .map(|f| f.cell.clone().unwrap_or_default())
        .collect();
    assert!(
        at_total.contains(&"C5".to_string()),
        "{:#?}",
        report.findings
    );
}

/// 公开05表 with its 科目代码 column kept but left empty (names only, as some units publish
/// it): read as a table without codes, each row taking the code its name has in 公开03表, so
/// the values are those of the plain workbook.
#[test]
fn a_code_column_left_empty_reads_as_no_code_column() {
    let mut book = seed();
    let sheet = book.sheet_mut("公开05表");
    let (header_row, code_col) = sheet.find("科目代码").expect("the code column");
    let blanked: Vec<u32> = (header_row + 1..sheet.rows.len() as u32)
        .filter(|&r| {
            let code = sheet.cell(r, code_col).as_str().to_string();
            code.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    assert!(blanked.len() > 5, "{blanked:?}");
    for &r in &blanked {
        sheet.put(r, code_col, grid::GridCell::Empty);
    }
    same_as_plain("code-column-left-empty", &book);
}

/// Every sheet without its title and 表号 lines, named Sheet1…Sheet9 (titles in text boxes,
/// which are not read), in another order: each is told by its columns and rows alone —
/// 公开07表 by the columns it has beyond 公开05表's, the empty 公开08表 by the fund its 空表说明
/// names — and reads as in the plain workbook.
#[test]
fn untitled_sheets_with_plain_names_are_told_by_their_tables() {
    let mut book = seed();
    for (n, sheet) in book.sheets.iter_mut().enumerate() {
        cut_title_lines(sheet);
        sheet.name = format!("Sheet{}", n + 1);
    }
    book.sheets.reverse();
    same_as_plain("untitled-plain-names", &book);
}

/// 公开03表 printed with the 表号 of 公开02表 (copied with the sheet) and its title after the
/// unit's name: the table's columns and rows are 公开03表's, so it is read as 公开03表, as in
/// the plain workbook, with one warning at the 表号; the same for 公开09表 carrying 公开08表's
/// 表号 and a longer title, and for 公开08表 (whose labels are 公开05表's) carrying 公开05表's
/// 表号 under a title with the unit's name.
#[test]
fn a_table_no_copied_from_another_table_yields_to_the_table_itself() {
    let catalog = Catalog::embedded().unwrap();
    for (sheet_name, copied_no, title) in [
        (
            "公开03表",
            "公开02表",
            "株洲市长株潭一体化发展事务中心支出决算表",
        ),
        (
            "公开09表",
            "公开08表",
            "一般公共预算财政拨款“三公”经费支出决算表",
        ),
        (
            "公开08表",
            "公开05表",
            "株洲市长株潭一体化发展事务中心国有资本经营预算财政拨款支出决算表",
        ),
    ] {
        let mut book = seed();
        let sheet = book.sheet_mut(sheet_name);
        let (r, c) = sheet.find(sheet_name).expect("the 表号");
        sheet.put(r, c, grid::GridCell::text(copied_no));
        sheet.put(0, 0, grid::GridCell::text(title));
        let path = dir().join(format!("copied-table-no-{sheet_name}.xlsx"));
        book.write_xlsx(&path);
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert_eq!(
            differing(&plain_values(&catalog, "copied-table-no"), &got),
            Vec::<(&(String, String), &String)>::new(),
            "{sheet_name}"
        );
        let said: Vec<(&str, Option<&str>)> = warnings
            .iter()
            .map(|w| (w.rule.as_str(), w.cell.as_deref()))
            .collect();
        let at = grid::a1(r, c);
        assert_eq!(
            said,
            [("table-no-mismatch", Some(at.as_str()))],
            "{sheet_name}"
        );
    }
}

/// A 表号 printed without its leading zero (公开5表) is the table's own: read as in the plain
/// workbook, nothing said.
#[test]
fn a_table_no_without_its_zero_is_the_tables_own() {
    let mut book = seed();
    let sheet = book.sheet_mut("公开05表");
    let (r, c) = sheet.find("公开05表").expect("the 表号");
    sheet.put(r, c, grid::GridCell::text("公开5表"));
    same_as_plain("unpadded-table-no", &book);
}

/// Moves sheet `from` into sheet `into`, its cells and merges shifted by `rows` and `cols`,
/// and drops sheet `from`: two tables printed in one sheet.
fn print_into(book: &mut grid::GridBook, from: &str, into: &str, rows: u32, cols: u16) {
    let moved = book.sheet(from).clone();
    book.sheets.retain(|s| s.name != from);
    let target = book.sheet_mut(into);
    for (r, line) in moved.rows.iter().enumerate() {
        for (c, cell) in line.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            target.put(r as u32 + rows, c as u16 + cols, cell.clone());
        }
    }
    let shift =
        |&(r1, c1, r2, c2): &(u32, u16, u32, u16)| (r1 + rows, c1 + cols, r2 + rows, c2 + cols);
    target.merges.extend(moved.merges.iter().map(shift));
}

/// Fills the 合计 row of `sheet` (a 公开07表 or 公开08表 printed empty) with amounts drawn
/// from `next`, one in each column right of its label.
fn fill_total_row(sheet: &mut grid::GridSheet, next: &mut impl FnMut(usize) -> usize) {
    // The last 合计: 公开08表's header has one over its amounts.
    let (r, label) = *sheet.find_all("合计").last().expect("a 合计 row");
    for c in label + 1..sheet.width() {
        let amount = format!("{}.{:02}", next(900), next(100));
        sheet.put(r, c, grid::GridCell::num(&amount));
    }
}

/// 公开07表 and 公开08表 printed in one sheet, each with its own title, 表号 and unit line:
/// side by side (no column, one or two empty columns between them) or one under the other,
/// both empty with their 空表说明 lines or filled with generated amounts. Each reads to the
/// values of the two printed on sheets of their own, nothing warned about, neither missing.
#[test]
fn the_two_fund_tables_in_one_sheet_read_as_on_two_sheets() {
    let catalog = Catalog::embedded().unwrap();
    for case in 0..8u64 {
        let mut next = xorshift(0x0708_5eed + case);
        let mut plain = seed();
        if case % 2 == 1 {
            fill_total_row(plain.sheet_mut("公开07表"), &mut next);
            fill_total_row(plain.sheet_mut("公开08表"), &mut next);
        }
        let mut printed = plain.clone();
        let width = printed.sheet("公开07表").width();
        let height = printed.sheet("公开07表").rows.len() as u32;
        let gap = (case / 2 % 3) as u16;
        let (rows, cols, how) = match case / 2 {
            3 => (height + 2, 0, "under"),
            _ => (0, width + gap, "beside"),
        };
        print_into(&mut printed, "公开08表", "公开07表", rows, cols);
        let name = format!("fund-tables-{how}-{case}");
        let plain_path = dir().join(format!("plain-{name}.xlsx"));
        plain.write_xlsx(&plain_path);
        let path = dir().join(format!("{name}.xlsx"));
        printed.write_xlsx(&path);
        let want = values(&catalog, &plain_path);
        let got = values(&catalog, &path);
        assert!(want.keys().any(|(form, _)| form == "final-08"), "{name}");
        assert_eq!(differing(&want, &got), [], "{name}");
        assert_eq!(got, want, "{name}");
    }
}

/// 公开09表's amounts drawn from `next`: 预算数 and 决算数 of 因公出国（境）费, 公务用车购置费,
/// 公务用车运行费 and 公务接待费, with their 小计 and 合计 — the six items' (预算数, 决算数)
/// in the order the form's columns print them.
fn three_public_amounts(next: &mut impl FnMut(usize) -> usize) -> [(String, String); 6] {
    let mut draw = || rust_decimal::Decimal::new(next(5000) as i64, 2);
    let half = |d: &mut dyn FnMut() -> rust_decimal::Decimal| {
        let (abroad, buy, run, host) = (d(), d(), d(), d());
        [abroad + buy + run + host, abroad, buy + run, buy, run, host]
    };
    let budget = half(&mut draw);
    let spent = half(&mut draw);
    std::array::from_fn(|i| (format!("{:.2}", budget[i]), format!("{:.2}", spent[i])))
}

/// How a 公开09表 is printed down the rows: what a unit adds to it.
struct Turned09<'a> {
    serial: bool,
    /// Comparison columns after 预算数 and 决算数.
    extra: &'a [&'a str],
    /// How many times the note under the table is printed.
    notes: u32,
}

/// The seed's 公开09表 printed with `amounts` in its one row (the plain workbook), and the same
/// printed down the rows as `how` says; the columns of the second holding the added
/// comparison figures.
fn three_public_pair(
    amounts: &[(String, String); 6],
    how: &Turned09,
) -> (grid::GridBook, grid::GridBook, Vec<String>) {
    let mut plain = seed();
    let sheet = plain.sheet_mut("公开09表");
    let (row, _) = sheet.find("13.35").expect("the row of figures");
    for (i, (budget, spent)) in amounts.iter().enumerate() {
        sheet.put(row, i as u16, grid::GridCell::num(budget));
        sheet.put(row, i as u16 + 6, grid::GridCell::num(spent));
    }
    let mut turned = plain.clone();
    let sheet = turned.sheet_mut("公开09表");
    let mut t = grid::GridSheet::new("公开09表");
    t.put(0, 0, sheet.cell(0, 0).clone());
    t.put(1, 2, grid::GridCell::text("公开09表"));
    t.put(2, 0, sheet.cell(2, 0).clone());
    t.put(2, 2, grid::GridCell::text("金额单位：万元"));
    let first = u16::from(how.serial);
    let headers = ["项目", "预算数", "决算数"]
        .into_iter()
        .chain(how.extra.iter().copied());
    if how.serial {
        t.put(3, 0, grid::GridCell::text("序号"));
    }
    for (c, h) in headers.enumerate() {
        t.put(3, first + c as u16, grid::GridCell::text(h));
    }
    let items = [
        "合计",
        "1、因公出国（境）费",
        "2、公务用车购置及运行维护费",
        "其中：公务用车购置费",
        "公务用车运行费",
        "3、公务接待费",
    ];
    for (i, (item, (budget, spent))) in items.iter().zip(amounts).enumerate() {
        let r = 4 + i as u32;
        if how.serial {
            t.put(r, 0, grid::GridCell::num(&(i + 1).to_string()));
        }
        t.put(r, first, grid::GridCell::text(item));
        t.put(r, first + 1, grid::GridCell::num(budget));
        t.put(r, first + 2, grid::GridCell::num(spent));
        let (b, s): (rust_decimal::Decimal, rust_decimal::Decimal) =
            (budget.parse().unwrap(), spent.parse().unwrap());
        for (k, h) in how.extra.iter().enumerate() {
            let shown = match *h {
                "增减率" if b.is_zero() => String::new(),
                "增减率" => format!("{:.2}%", (s - b) / b * rust_decimal::Decimal::ONE_HUNDRED),
                _ => format!("{:.2}", s - b),
            };
            t.put(r, first + 3 + k as u16, grid::GridCell::text(&shown));
        }
    }
    for n in 0..how.notes {
        t.put(
            11 + n,
            0,
            grid::GridCell::text("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。"),
        );
    }
    *sheet = t;
    let extra_cols = (0..how.extra.len() as u16)
        .map(|k| grid::col_name(first + 3 + k))
        .collect();
    (plain, turned, extra_cols)
}

/// 公开09表 printed down the rows, over generated amounts: with a 序号 column, with the
/// comparison columns units add (增减额, 增减率, 上年决算数 — the form knows none of them), with
/// its note printed twice. Its values are those of the plain table; the comparison figures
/// are warned about in their own columns, and nothing else is.
#[test]
fn a_three_public_table_down_the_rows_with_added_columns_is_read() {
    let catalog = Catalog::embedded().unwrap();
    let extras: [&[&str]; 5] = [
        &[],
        &["增减额"],
        &["增减额", "增减率"],
        &["上年决算数"],
        &["增减率"],
    ];
    for case in 0..10u64 {
        let mut next = xorshift(0x09_5eed + case);
        let amounts = three_public_amounts(&mut next);
        let how = Turned09 {
            serial: case % 2 == 0,
            extra: extras[case as usize % extras.len()],
            notes: 1 + (case % 3 == 2) as u32,
        };
        let (plain, turned, extra_cols) = three_public_pair(&amounts, &how);
        let name = format!("three-public-turned-{case}");
        let plain_path = dir().join(format!("plain-{name}.xlsx"));
        plain.write_xlsx(&plain_path);
        let path = dir().join(format!("{name}.xlsx"));
        turned.write_xlsx(&path);
        let of_09 = |v: Values| -> Values {
            v.into_iter()
                .filter(|((form, _), _)| form == "final-09")
                .collect()
        };
        let want = of_09(values(&catalog, &plain_path));
        let (got, warnings) = values_and_warnings(&catalog, &path);
        assert!(want.len() >= 12, "{name}: {want:?}");
        assert_eq!(of_09(got), want, "{name}");
        let column = |f: &Finding| {
            let cell = f.cell.clone().unwrap_or_default();
            cell.trim_end_matches(|c: char| c.is_ascii_digit())
                .to_string()
        };
        let stray = warnings
            .iter()
            .filter(|f| f.rule != "value-outside-form" || !extra_cols.contains(&column(f)));
        assert_eq!(stray.count(), 0, "{name}: {warnings:#?}");
    }
}

/// A header band a unit prints above a table's header, under its unit line: `项目` over the
/// label columns beside a word over the figures that reads like a title (上海's 项目 |
/// 一般公共预算支出 under 编制部门：…). Its words are the table's header, not lines above it
/// left half read: every table so banded reads the same values, with no warning. Each
/// wording of the band's figure word: the title, the title without its 表, without 决算表.
#[test]
fn a_header_band_under_the_unit_line_is_the_tables_header() {
    let cuts: [fn(&str) -> String; 3] = [
        |t| t.to_string(),
        |t| t.trim_end_matches('表').to_string(),
        |t| t.trim_end_matches("决算表").to_string(),
    ];
    for (i, cut) in cuts.iter().enumerate() {
        let mut book = seed();
        let mut banded = 0;
        for sheet in &mut book.sheets {
            let title = sheet.cell(0, 0).as_str().to_string();
            let unit_line = (0..sheet.rows.len() as u32).find(|&r| {
                sheet.rows[r as usize]
                    .iter()
                    .any(|c| c.as_str().starts_with("部门"))
            });
            let Some(unit_line) = unit_line else { continue };
            let figures = sheet
                .numbers()
                .into_iter()
                .find(|&(r, c, _)| r > unit_line && c > 1);
            let Some((_, col, _)) = figures else { continue };
            sheet.insert_row(unit_line + 1);
            sheet.put(unit_line + 1, 0, grid::GridCell::text("项目"));
            sheet.put(unit_line + 1, col, grid::GridCell::text(&cut(&title)));
            banded += 1;
        }
        assert!(banded >= 8, "only {banded} tables banded");
        same_as_plain(&format!("header-band-{i}"), &book);
    }
}

/// Whether row `r` is a table's 栏次 row: headed 栏次, or its numbers 1, 2, 3… left to right.
fn is_column_numbers_row(sheet: &grid::GridSheet, r: u32) -> bool {
    let row = &sheet.rows[r as usize];
    let numbers: Vec<&str> = row
        .iter()
        .filter(|c| matches!(c, grid::GridCell::Number(_)))
        .map(|c| c.as_str())
        .collect();
    row.iter().any(|c| c.as_str() == "栏次")
        || (numbers.len() > 2
            && numbers
                .iter()
                .enumerate()
                .all(|(i, n)| *n == (i + 1).to_string()))
}

/// A change column in percent (增减%, 增减（%）, 增长率(%)) added at the right of every table,
/// headed on its lowest header row (the row above its first row of numbers — 科目编码's row on
/// 公开02表, 预算数 | 决算数 on 公开09表): each table reads as the plain one, and the added
/// figures are values outside the form, one warning each.
#[test]
fn a_change_column_in_percent_on_the_lowest_header_row_leaves_every_table_read() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-percent-column");
    let headers = ["增减%", "增减（%）", "增长率(%)", "比上年增减%"];
    for (case, (header, drop_column_numbers)) in headers
        .iter()
        .flat_map(|h| [(h, false), (h, true)])
        .enumerate()
    {
        let mut book = seed();
        let mut added = 0;
        for sheet in &mut book.sheets {
            // Without its 栏次 row, a table's lowest header row is right above its figures.
            let marks = (0..sheet.rows.len() as u32).find(|&r| is_column_numbers_row(sheet, r));
            if let Some(r) = marks.filter(|_| drop_column_numbers) {
                sheet.delete_row(r);
            }
            let numbers = |s: &grid::GridSheet, r: u32| {
                s.rows[r as usize]
                    .iter()
                    .any(|c| matches!(c, grid::GridCell::Number(_)))
            };
            let rows = sheet.rows.len() as u32;
            let Some(first) = (1..rows).find(|&r| numbers(sheet, r)) else {
                continue;
            };
            let w = sheet.width();
            sheet.put(first - 1, w, grid::GridCell::text(header));
            let data: Vec<u32> = (first..rows)
                .filter(|&r| numbers(sheet, r) && !is_column_numbers_row(sheet, r))
                .collect();
            for (i, r) in data.into_iter().enumerate() {
                sheet.put(
                    r,
                    w,
                    grid::GridCell::text(&format!("{}.{}%", i % 30, i % 10)),
                );
                added += 1;
            }
        }
        let path = dir().join(format!("percent-column-{case}.xlsx"));
        book.write_xlsx(&path);
        let label = format!("{header}, 栏次 rows dropped: {drop_column_numbers}");
        assert_read_with_added_values(&catalog, &want, &path, &label, added);
    }
}

/// A column the unit added (上年决算数, 增减%) at the right of every table that has a 栏次 row,
/// headed on that row alone (the column numbers 1, 2, 3… beside its header): the row is still
/// the 栏次 row, each table reads as the plain one, and the added figures are values outside
/// the form, one warning a table.
#[test]
fn an_added_columns_header_on_the_column_numbers_row_leaves_it_that_row() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-header-on-marks");
    for (case, header) in ["上年决算数", "增减%", "2022年决算数"].iter().enumerate() {
        let mut book = seed();
        let mut added = 0;
        for sheet in &mut book.sheets {
            let rows = sheet.rows.len() as u32;
            let Some(marks) = (0..rows).find(|&r| is_column_numbers_row(sheet, r)) else {
                continue;
            };
            let w = sheet.width();
            sheet.put(marks, w, grid::GridCell::text(header));
            let figures = (marks + 1..rows).filter(|&r| {
                sheet.rows[r as usize]
                    .iter()
                    .any(|c| matches!(c, grid::GridCell::Number(_)))
            });
            for r in figures.collect::<Vec<_>>() {
                sheet.put(r, w, grid::GridCell::num(&format!("{}.25", r)));
                added += 1;
            }
        }
        assert!(added > 20, "{header}: {added} figures added");
        let path = dir().join(format!("header-on-marks-{case}.xlsx"));
        book.write_xlsx(&path);
        assert_read_with_added_values(&catalog, &want, &path, header, added);
    }
}

/// 公开06表 with a 行次 column after the 人员经费 block's 科目名称, numbering its rows and its
/// 人员经费合计 row (the number right of that row's label), typed as numbers or as text: the
/// row's figure is the one after its 行次, and the table reads as the plain one, with no
/// warning.
#[test]
fn a_line_number_column_beside_a_total_rows_label_is_no_figure_of_it() {
    let catalog = Catalog::embedded().unwrap();
    let want = plain_values(&catalog, "for-line-column-06");
    for as_text in [false, true] {
        let mut book = seed();
        let sheet = book.sheet_mut("公开06表");
        let (header_row, name_col) = sheet.find("科目名称").expect("a name header");
        let (total_row, _) = sheet.find("人员经费合计").expect("the staff total row");
        sheet.insert_col(name_col + 1);
        sheet.put(header_row, name_col + 1, grid::GridCell::text("行次"));
        let coded = (header_row + 1..total_row).filter(|&r| !sheet.cell(r, 0).is_empty());
        let numbered: Vec<u32> = coded.chain([total_row]).collect();
        for (i, r) in numbered.into_iter().enumerate() {
            let n = (i + 1).to_string();
            let cell = match as_text {
                true => grid::GridCell::text(&n),
                false => grid::GridCell::num(&n),
            };
            sheet.put(r, name_col + 1, cell);
        }
        let path = dir().join(format!("line-column-06-{as_text}.xlsx"));
        book.write_xlsx(&path);
        let label = format!("行次 typed as text: {as_text}");
        assert_read_with_added_values(&catalog, &want, &path, &label, 0);
    }
}
