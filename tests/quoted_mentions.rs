//! A table's name in book-title marks (`《部门财政拨款收支预算总表》`) is a mention of the table,
//! never its title: a reviewer's 公开情况检查表 listing the tables it checked, generated with
//! every form's title quoted in its rows in many arrangements, is no form (no 是/否 read as a
//! form's stray cells), and beside a unit's forms it leaves their reading as it was. A title
//! printed alone on its row in book-title marks (a table stacked under another), or beside its
//! table's own lines only (单位, 表号, 部门, a year), is still the form's title: the seeds' forms
//! so titled, generated in many layouts, read as unquoted. A 目录 listing the tables' names in
//! book-title marks, one a row, is no table wherever it stands.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell, GridSheet};
use layout_gen::Rng;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The forms' titles, as `fiscalform forms` lists them (its third column).
fn titles() -> Vec<String> {
    let (code, out, _) = cli::run(&["forms"]);
    assert_eq!(code, 0);
    let title = |line: &str| line.split_whitespace().nth(2).map(str::to_string);
    out.lines().filter_map(title).collect()
}

/// A checklist sheet: its title, the unit, a header, general items, then one row per quoted
/// table name (a unit's wording: with or without the year and 部门), each answered 是 or 否.
fn checklist(rng: &mut Rng, titles: &[String]) -> GridBook {
    let mut s = GridSheet::new("2026年部门预算");
    let family = ["预算", "决算"][rng.below(2)];
    s.set(
        "A1",
        GridCell::text(&format!("2026年度某区部门{family}公开情况检查表")),
    );
    s.set("A3", GridCell::text("部门名称：某区司法局"));
    let header = ["检查项目", "检查内容", "是否公开", "符合要求", "问题说明"];
    for (c, h) in header.iter().enumerate() {
        s.put(4, c as u16, GridCell::text(h));
    }
    let mut r = 5;
    for item in ["封面", "目录", "主要职能", "机构设置", "名词解释"] {
        s.put(r, 1, GridCell::text(item));
        s.put(r, 3, GridCell::text(["是", "否"][rng.below(2)]));
        r += 1;
    }
    let (first, count) = (rng.below(titles.len()), 1 + rng.below(5));
    for title in titles.iter().cycle().skip(first).take(count) {
        let year = ["", "2026年", "2026年度"][rng.below(3)];
        let name = format!("{year}{title}");
        s.put(
            r,
            1 + rng.below(2) as u16,
            GridCell::text(&format!("《{name}》")),
        );
        s.put(r, 3, GridCell::text(["是", "否"][rng.below(2)]));
        if rng.below(3) == 0 {
            s.put(r, 4, GridCell::text("表中数据与说明不一致，请核对"));
        }
        r += 1;
    }
    GridBook { sheets: vec![s] }
}

/// The findings on cells a form has no place for.
fn strays(findings: &[serde_json::Value]) -> usize {
    let outside = |f: &&serde_json::Value| f["rule"] == "value-outside-form";
    findings.iter().filter(outside).count()
}

/// Whether the report says the workbook holds no form.
fn no_form(findings: &[serde_json::Value]) -> bool {
    let says = |f: &serde_json::Value| {
        f["message"]
            .as_str()
            .unwrap_or("")
            .contains("没有识别出任何标准表格")
    };
    findings.iter().any(says)
}

#[test]
fn a_checklist_naming_tables_in_book_title_marks_is_no_form() {
    let titles = titles();
    let mut failed = Vec::new();
    let cases = 40;
    for seed in 1..=cases {
        let mut rng = Rng::new(seed as u64 * 7919);
        let book = checklist(&mut rng, &titles);
        let name = format!("quoted-{seed}");
        let (_, findings) = mutation::check_book(&book, "quoted-mentions", &name);
        if !no_form(&findings) || strays(&findings) > 0 {
            failed.push(format!("{name}: {findings:?}"));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 40);
}

#[test]
fn a_checklist_sheet_beside_the_forms_leaves_their_reading_alone() {
    let titles = titles();
    let base = grid::fixture("seed001_final.grid");
    let (_, want) = mutation::check_book(&base, "quoted-mentions", "base");
    let mut failed = Vec::new();
    let cases = 8;
    for seed in 1..=cases {
        let mut book = base.clone();
        let mut rng = Rng::new(seed as u64 * 104_729);
        book.sheets.extend(checklist(&mut rng, &titles).sheets);
        let name = format!("beside-{seed}");
        let (_, got) = mutation::check_book(&book, "quoted-mentions", &name);
        let on_forms: Vec<_> = got
            .iter()
            .filter(|f| f["sheet"] != "2026年部门预算")
            .collect();
        let on_list: Vec<_> = got
            .iter()
            .filter(|f| f["sheet"] == "2026年部门预算")
            .collect();
        let list_skipped = on_list.iter().all(|f| f["severity"] == "info");
        if on_forms.len() != want.len() || !list_skipped {
            failed.push(format!("{name}: {on_list:?}"));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 8);
}

/// The seed's sheets `upper` and `lower` stacked on one sheet, two blank rows between, the
/// lower one's title printed in book-title marks when `quote` (alone on its row, as before).
fn stacked(base: &GridBook, (upper, lower): (usize, usize), title: &str, quote: bool) -> GridBook {
    let mut book = base.clone();
    let mut low = book.sheets[lower].clone();
    if quote {
        let (r, c) = low.find(title).expect("the lower sheet's title");
        low.put(r, c, GridCell::text(&format!("《{title}》")));
    }
    let up = &mut book.sheets[upper];
    let offset = up.rows.len() as u32 + 2;
    for (r, row) in low.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            up.put(offset + r as u32, c as u16, cell.clone());
        }
    }
    let moved = low
        .merges
        .iter()
        .map(|&(r1, c1, r2, c2)| (r1 + offset, c1, r2 + offset, c2));
    up.merges.extend(moved);
    book.sheets.remove(lower);
    book
}

#[test]
fn a_stacked_table_titled_in_book_title_marks_is_its_own_form() {
    let base = grid::fixture("seed001_final.grid");
    let at = |title: &str| (base.sheets.iter()).position(|s| s.find(title).is_some());
    let pairs = [
        (
            "一般公共预算财政拨款支出决算表",
            "一般公共预算财政拨款基本支出决算明细表",
        ),
        ("收入决算表", "支出决算表"),
    ];
    let mut failed = Vec::new();
    for (upper, lower) in pairs {
        let (Some(u), Some(l)) = (at(upper), at(lower)) else {
            panic!("seed001 has no sheet titled {upper} or {lower}");
        };
        let plain = stacked(&base, (u, l), lower, false);
        let (_, want) = mutation::check_book(&plain, "quoted-mentions", &format!("stack-{u}"));
        let quoted = stacked(&base, (u, l), lower, true);
        let (_, got) = mutation::check_book(&quoted, "quoted-mentions", &format!("stackq-{u}"));
        if got.len() != want.len() {
            failed.push(format!(
                "{lower} under {upper}: {} findings, {} unquoted",
                got.len(),
                want.len()
            ));
        }
    }
    mutation::assert_cases_passed(&failed, pairs.len(), 2);
}

/// The seeds' forms: 决算 公开01–09表 and 预算 部门公开表01–10, one a sheet, each titled in A1.
const SEEDS: [&str; 2] = ["seed001_final.grid", "seed002_budget.grid"];

/// What reading a workbook gave: its findings (rule, form, severity, sheet, and the cell when
/// `cells`) and its forms' sheets, sorted, and its forms' logical cells as exported.
type Reading = (Vec<String>, BTreeMap<(String, String), serde_json::Value>);

/// `book` written as `<name>.xlsx`, checked and exported.
fn read(book: &GridBook, name: &str, cells: bool, least: &str) -> Reading {
    let path = scratch(&format!("{name}.xlsx"));
    book.write_xlsx(&path);
    read_file(&path, cells, least)
}

/// The path of `file` in this test file's scratch folder.
fn scratch(file: &str) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("quoted-titles");
    std::fs::create_dir_all(&folder).unwrap();
    folder.join(file)
}

/// The file at `path` checked and exported: its findings of severity `least` and above (with
/// their sheets, and their cells when `cells`) and the sheet each form is read from, and its
/// forms' logical cells.
fn read_file(path: &std::path::Path, cells: bool, least: &str) -> Reading {
    let (_, json) = cli::check_json(path);
    let rank = |s: &str| ["info", "warning", "error"].iter().position(|&w| w == s);
    let mut findings: Vec<String> = (cli::findings(&json).iter())
        .filter(|f| rank(f["severity"].as_str().unwrap_or("")) >= rank(least))
        .map(|f| {
            let cell = if cells {
                &f["cell"]
            } else {
                &serde_json::Value::Null
            };
            let at = format!("{} {}", f["sheet"], cell);
            format!("{} {} {} {at}", f["rule"], f["form"], f["severity"])
        })
        .collect();
    let forms = json["files"][0]["forms"].as_array().unwrap().iter();
    findings.extend(forms.map(|f| format!("{} read from {}", f["id"], f["sheet"])));
    findings.sort();
    let doc = export::exported(path);
    (findings, export::logical_cells(&doc, &["unit", "year"]))
}

/// The lines printed about a table (its 表号, 单位：万元, 部门：…) in the rows under its title,
/// with their places.
fn own_lines(sheet: &GridSheet) -> Vec<(u32, u16, String)> {
    let about = |t: &str| {
        let field = t.contains(['：', ':']) && (t.contains("单位") || t.starts_with("部门"));
        field || (t.starts_with("公开") && t.ends_with('表'))
    };
    (1..3)
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .map(|(r, c)| (r, c, sheet.cell(r, c).as_str().trim().to_string()))
        .filter(|(_, _, t)| !t.is_empty() && about(t))
        .collect()
}

/// The sheet with its title row unmerged and one or two of the table's own lines (or a year,
/// or its 表号) moved up beside the title, in columns right of it; the title in book-title
/// marks when `quote`. The same `rng` draws give the same layout quoted or not.
fn title_row_with_lines(sheet: &mut GridSheet, rng: &mut Rng, no: &str, quote: bool) {
    let title = sheet.cell(0, 0).as_str().trim().to_string();
    assert!(!title.is_empty(), "{}: no title in A1", sheet.name);
    sheet.merges.retain(|m| m.0 != 0);
    if quote {
        sheet.put(0, 0, GridCell::text(&format!("《{title}》")));
    }
    let mut lines = own_lines(sheet);
    rng.shuffle(&mut lines);
    let mut moved: Vec<String> = Vec::new();
    for (r, c, text) in lines.into_iter().take(1 + rng.below(2)) {
        sheet.put(r, c, GridCell::Empty);
        sheet.merges.retain(|m| (m.0, m.1) != (r, c));
        moved.push(text);
    }
    match rng.below(3) {
        0 => moved.push("2023年度".into()),
        1 if !sheet.rows.iter().flatten().any(|c| c.as_str().trim() == no) => moved.push(no.into()),
        _ => {}
    }
    let width = sheet.width().max(moved.len() as u16 + 3);
    for (i, text) in moved.iter().enumerate() {
        let from = 2 + i as u16;
        let col = from + rng.below((width - from) as usize) as u16;
        let col = (col..width)
            .find(|&c| sheet.cell(0, c).is_empty())
            .unwrap_or(from);
        sheet.put(0, col, GridCell::text(text));
    }
}

/// A seed's forms with their titles' rows laid out by `rng` (quoted when `quote`), a random
/// pair of them stacked on one sheet, the sheets renamed Sheet1… when drawn so.
fn titled_book(base: &GridBook, nos: &[String], seed: u64, quote: bool) -> GridBook {
    let mut rng = Rng::new(seed);
    let mut book = base.clone();
    for (sheet, no) in book.sheets.iter_mut().zip(nos) {
        title_row_with_lines(sheet, &mut rng, no, quote);
    }
    if rng.below(2) == 0 {
        let upper = rng.below(book.sheets.len() - 1);
        book = stacked(&book, (upper, upper + 1), "", false);
    }
    if rng.below(2) == 0 {
        for (i, s) in book.sheets.iter_mut().enumerate() {
            s.name = format!("Sheet{}", i + 1);
        }
    }
    book
}

/// The 表号 of each form of a seed, in its sheets' order (both seeds print their forms in
/// catalog order).
fn table_nos(base: &GridBook) -> Vec<String> {
    let (_, out, _) = cli::run(&["forms"]);
    let family = if base.sheets.len() == 9 {
        "final"
    } else {
        "budget"
    };
    let no = |line: &str| {
        let mut words = line.split_whitespace();
        let (id, no) = (words.next()?, words.next()?);
        id.starts_with(family).then(|| no.to_string())
    };
    out.lines().filter_map(no).collect()
}

/// A title in book-title marks with its table's own lines beside it on its row (单位：万元,
/// 公开08表, 部门：…, a year) is the table's title: every form of both seeds, one a sheet or two
/// stacked, renamed or not, reads as with the title unquoted — the same findings, the same
/// figures.
#[test]
fn a_title_in_book_title_marks_beside_its_own_lines_is_the_title() {
    let mut failed = Vec::new();
    let cases = 24;
    for case in 0..cases {
        let base = grid::fixture(SEEDS[case % 2]);
        let nos = table_nos(&base);
        let seed = 0x7171 + case as u64 * 6151;
        let plain = read(
            &titled_book(&base, &nos, seed, false),
            &format!("plain-{case}"),
            true,
            "info",
        );
        let quoted = read(
            &titled_book(&base, &nos, seed, true),
            &format!("quoted-{case}"),
            true,
            "info",
        );
        if quoted != plain {
            failed.push(format!(
                "case {case}: {:?}\n  unquoted {:?}",
                quoted.0, plain.0
            ));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 24);
}

/// A 目录 of the forms' names in book-title marks, one a row (with or without a heading): put
/// on a sheet of its own in front (the sheets named Sheet1… or not), or above the first
/// table on its sheet, or under it (or under two tables stacked on one sheet), it is no form
/// and no value misplaced: the forms read as without it, with no warning more.
#[test]
fn a_list_of_names_in_book_title_marks_is_no_table() {
    let mut failed = Vec::new();
    let cases = 24;
    for case in 0..cases {
        let mut rng = Rng::new(0x3a1d + case as u64 * 7727);
        let base = grid::fixture(SEEDS[case % 2]);
        let mut plain = base.clone();
        if rng.below(2) == 0 {
            plain = stacked(&plain, (0, 1), "", false);
        }
        if rng.below(2) == 0 {
            for (i, s) in plain.sheets.iter_mut().enumerate() {
                s.name = format!("Sheet{}", i + 1);
            }
        }
        let listed = with_contents(&plain, &base, &mut rng);
        let want = read(&plain, &format!("unlisted-{case}"), false, "warning");
        let got = read(&listed, &format!("listed-{case}"), false, "warning");
        if got != want {
            failed.push(format!("case {case}: {:?}\n  without {:?}", got.0, want.0));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 24);
}

/// `book` with a 目录 naming the forms of `base` (every title in book-title marks, one a row,
/// in column A or B) put where `rng` draws: a sheet of its own in front, above the first
/// sheet's table, or under the first sheet's table (or two tables stacked).
fn with_contents(book: &GridBook, base: &GridBook, rng: &mut Rng) -> GridBook {
    let heading = ["", "目录", "2023年度部门决算公开目录"][rng.below(3)];
    let col = rng.below(2) as u16;
    let mut lines: Vec<String> = vec![heading.to_string()];
    lines.retain(|l| !l.is_empty());
    let names = base
        .sheets
        .iter()
        .map(|s| format!("《{}》", s.cell(0, 0).as_str().trim()));
    lines.extend(names);
    let mut book = book.clone();
    match rng.below(3) {
        0 => {
            let mut list = GridSheet::new(["目录", "Sheet0"][rng.below(2)]);
            for (r, line) in lines.iter().enumerate() {
                list.put(r as u32, col, GridCell::text(line));
            }
            book.sheets.insert(0, list);
        }
        1 => {
            for _ in 0..=lines.len() {
                book.sheets[0].insert_row(0);
            }
            for (r, line) in lines.iter().enumerate() {
                book.sheets[0].put(r as u32, col, GridCell::text(line));
            }
        }
        _ => {
            let first = &mut book.sheets[0];
            let at = first.rows.len() as u32 + 2;
            for (r, line) in lines.iter().enumerate() {
                first.put(at + r as u32, col, GridCell::text(line));
            }
        }
    }
    book
}

/// A Word document listing the tables' names in book-title marks, one a paragraph with no page
/// number (under `目录` or not), before its tables (their titles quoted or not): the list is no
/// heading of the first table, whose sheet is named by its own title, and nothing of it is a
/// value misplaced: the forms read as in the document without the list.
#[test]
fn a_list_of_names_before_a_word_document_s_tables_is_no_heading() {
    let base = grid::fixture(SEEDS[0]);
    let mut failed = Vec::new();
    let cases = 8;
    for case in 0..cases {
        let mut rng = Rng::new(0x5eed + case as u64 * 3571);
        let mut book = base.clone();
        for sheet in book.sheets.iter_mut().filter(|_| rng.below(2) == 0) {
            let title = sheet.cell(0, 0).as_str().trim().to_string();
            sheet.put(0, 0, GridCell::text(&format!("《{title}》")));
        }
        let heading = ["", "目录", "目  录"][rng.below(3)];
        let names = (base.sheets.iter()).map(|s| format!("《{}》", s.cell(0, 0).as_str().trim()));
        let list: Vec<String> = std::iter::once(heading.to_string())
            .filter(|h| !h.is_empty())
            .chain(names)
            .collect();
        let (plain, listed) = (
            scratch(&format!("doc-{case}.docx")),
            scratch(&format!("doc-listed-{case}.docx")),
        );
        docx::write_docx(&book, &plain);
        let body = docx::paragraphs(&list.join("\n")) + &docx::tables_xml(&book);
        docx::write_docx_xml(&body, &listed);
        let (want, got) = (
            read_file(&plain, false, "warning"),
            read_file(&listed, false, "warning"),
        );
        if got != want {
            failed.push(format!("case {case}: {:?}\n  without {:?}", got.0, want.0));
        }
    }
    mutation::assert_cases_passed(&failed, cases, 8);
}

/// What `check` makes of a reviewer's workbook under tests/fixtures/review: the forms read
/// (id and sheet) and the errors and warnings (rule and cell).
fn forms_and_findings(name: &str) -> (Vec<(String, String)>, Vec<String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review")
        .join(name);
    let (_, report) = cli::check_json(&path);
    let forms = report["files"][0]["forms"].as_array().unwrap();
    let forms = forms
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["sheet"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let findings = cli::findings(&report)
        .into_iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| format!("{} {} {}", f["rule"], f["cell"], f["message"]))
        .collect();
    (forms, findings)
}

/// A 目录 listing each table as `公开0N表 | 《…》` (or `《…》 | 2024年`): a list, not a table
/// titled by its 表号, whether a listed table is missing from the workbook (07 here: before, the
/// 目录 was read as 公开07表, with a false 空表 error) or all are there (a false duplicate
/// warning before).
#[test]
fn a_contents_list_beside_table_numbers_is_no_table() {
    for (name, forms) in [
        ("目录-表号与表名-缺07.xlsx", 8),
        ("目录-表名与年度-全部表.xlsx", 9),
    ] {
        let (read, findings) = forms_and_findings(name);
        assert_eq!(read.len(), forms, "{name}: {read:?}");
        assert!(
            read.iter().all(|(_, sheet)| sheet != "目录"),
            "{name}: {read:?}"
        );
        // Left as it was before: the first 表号 of the list still makes the 目录 look like a
        // skipped copy of 公开01表 (a warning); it is never read as a table.
        let other: Vec<&String> = (findings.iter())
            .filter(|f| !f.starts_with("\"duplicate-form\""))
            .collect();
        assert!(other.is_empty(), "{name}: {other:?}");
    }
}

/// A 情况说明 sheet: a heading naming no table (…情况说明), a line of prose with figures, and a
/// small summary of the year's figures under its own header, its rows named as a form's
/// (本年收入合计, 本年支出合计…), generated in several wordings and places.
fn explanation_sheet(rng: &mut Rng) -> GridSheet {
    let mut s = GridSheet::new("情况说明");
    let headings = [
        "关于2024年度收入支出决算总体情况说明",
        "一、收入支出决算总体情况说明",
        "部门收支总体情况说明",
        "财政拨款收入支出决算总体情况说明",
        "（三）一般公共预算支出情况说明",
    ];
    let at = rng.below(3) as u16;
    s.put(1, at, GridCell::text(headings[rng.below(headings.len())]));
    let prose = "2024年度收入、支出总计988.05万元，与上年相比增加123.45万元，增长4.3%。";
    s.put(2, at, GridCell::text(prose));
    let header = ["主要指标", "金额（万元）", "比上年增减（%）"];
    for (c, h) in header.iter().enumerate() {
        s.put(4, at + c as u16, GridCell::text(h));
    }
    let rows = [
        "本年收入合计",
        "本年支出合计",
        "基本支出",
        "项目支出",
        "年末结转和结余",
    ];
    let first = rng.below(2);
    for (i, label) in rows.iter().skip(first).enumerate() {
        let r = 5 + i as u32;
        s.put(r, at, GridCell::text(label));
        s.put(
            r,
            at + 1,
            GridCell::num(&format!("{}.{:02}", 100 + rng.below(900), rng.below(100))),
        );
        s.put(
            r,
            at + 2,
            GridCell::num(&format!("{}.{}", rng.below(20), rng.below(10))),
        );
    }
    s
}

#[test]
fn an_explanation_sheet_with_a_summary_of_figures_is_no_form() {
    let mut failed = Vec::new();
    let mut cases = 0;
    for base_name in ["seed001_final.grid", "seed002_budget.grid"] {
        let base = grid::fixture(base_name);
        let (_, want) = mutation::check_book(&base, "quoted-mentions", "explained-base");
        for seed in 1..=6 {
            cases += 1;
            let mut book = base.clone();
            let mut rng = Rng::new(seed as u64 * 15_485_863);
            let place = rng.below(book.sheets.len() + 1);
            book.sheets.insert(place, explanation_sheet(&mut rng));
            let name = format!("explained-{base_name}-{seed}");
            let (_, got) = mutation::check_book(&book, "quoted-mentions", &name);
            let on_forms = got.iter().filter(|f| f["sheet"] != "情况说明").count();
            let on_note: Vec<_> = got.iter().filter(|f| f["sheet"] == "情况说明").collect();
            let skipped = on_note.iter().all(|f| f["severity"] == "info");
            if on_forms != want.len() || !skipped {
                failed.push(format!("{name}: {on_note:?}"));
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, cases);
}
