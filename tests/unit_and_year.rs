//! The unit and the year read where units print them without a label: the unit's name in the
//! title (`株洲市交通运输局2023年度收入支出决算总表`), alone on a line over the title or over the
//! table, or with the year on a line of its own over the title's words; the year in digits,
//! in Chinese numerals (`二〇二三年度`, `二零二三年`) or in full-width digits. Seed 001's nine
//! tables with their top lines rewritten in every combination of unit, shape, year and the
//! sheets that name the unit are checked one workbook each (the workbook's unit and year
//! exactly, nothing of them left as a stray), as Word documents too, and `review` pairs two
//! years of a unit by them.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use grid::{fixture, GridBook, GridCell, GridSheet};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Names units print, of the endings they end in.
const UNITS: [&str; 5] = [
    "株洲市长株潭一体化发展事务中心",
    "株洲市交通运输局",
    "株洲市发展和改革委员会",
    "株洲市人民政府办公室",
    "株洲市第二中学",
];

/// Where a sheet names its unit.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// In front of the year and the title: `株洲市某某局2023年度收入支出决算总表`.
    InTitle,
    /// Between the year and the title's words: `2023年度株洲市某某局收入支出决算总表`.
    AfterYearInTitle,
    /// Alone on a line over the title (`2023年度收入支出决算总表`).
    OverTitle,
    /// With the year on a line over the title's words: `株洲市某某局2023年度` / `收入支出决算总表`.
    WithYearOverTitle,
    /// Alone on the line over the table, where `部门：…` was.
    OverTable,
}

const SHAPES: [Shape; 5] = [
    Shape::InTitle,
    Shape::AfterYearInTitle,
    Shape::OverTitle,
    Shape::WithYearOverTitle,
    Shape::OverTable,
];

/// How a year is written.
#[derive(Clone, Copy, Debug)]
enum Numerals {
    /// 2023年度
    Digits,
    /// 2023年
    DigitsNoDu,
    /// 二〇二三年度
    ChineseLing,
    /// 二零二三年
    ChineseZero,
    /// ２０２３年度
    FullWidth,
}

const NUMERALS: [Numerals; 5] = [
    Numerals::Digits,
    Numerals::DigitsNoDu,
    Numerals::ChineseLing,
    Numerals::ChineseZero,
    Numerals::FullWidth,
];

/// Which of the nine sheets name the unit (the others print the year and the title only).
#[derive(Clone, Copy, Debug)]
enum Carriers {
    All,
    /// 公开01表 only.
    First,
    /// Every other sheet.
    Alternate,
    /// Every sheet, each in the next shape.
    MixedShapes,
}

const CARRIERS: [Carriers; 4] = [
    Carriers::All,
    Carriers::First,
    Carriers::Alternate,
    Carriers::MixedShapes,
];

/// `year` written in `numerals`.
fn written(year: u32, numerals: Numerals) -> String {
    let chinese = |zero: char| -> String {
        year.to_string()
            .chars()
            .map(|d| match d {
                '0' => zero,
                d => "一二三四五六七八九"
                    .chars()
                    .nth(d.to_digit(10).unwrap() as usize - 1)
                    .unwrap(),
            })
            .collect()
    };
    match numerals {
        Numerals::Digits => format!("{year}年度"),
        Numerals::DigitsNoDu => format!("{year}年"),
        Numerals::ChineseLing => format!("{}年度", chinese('〇')),
        Numerals::ChineseZero => format!("{}年", chinese('零')),
        Numerals::FullWidth => {
            let wide: String = year
                .to_string()
                .chars()
                .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
                .collect();
            format!("{wide}年度")
        }
    }
}

/// The unit line of seed 001's sheets (`部门：…    金额单位：万元`): row 3.
const UNIT_ROW: u32 = 2;

/// Rewrites a seed 001 sheet's title and unit lines: the unit named in `shape` (or not at all)
/// and the year `year` in front of the title; the `部门：` cell gone.
fn rewrite(sheet: &mut GridSheet, unit: Option<&str>, shape: Shape, year: &str) {
    let title = sheet.cell(0, 0).as_str().to_string();
    sheet.put(UNIT_ROW, 0, GridCell::Empty);
    let Some(unit) = unit else {
        sheet.put(0, 0, GridCell::text(&format!("{year}{title}")));
        return;
    };
    match shape {
        Shape::InTitle => sheet.put(0, 0, GridCell::text(&format!("{unit}{year}{title}"))),
        Shape::AfterYearInTitle => sheet.put(0, 0, GridCell::text(&format!("{year}{unit}{title}"))),
        Shape::OverTable => {
            sheet.put(0, 0, GridCell::text(&format!("{year}{title}")));
            sheet.put(UNIT_ROW, 0, GridCell::text(unit));
        }
        Shape::OverTitle | Shape::WithYearOverTitle => {
            sheet.insert_row(0);
            let (over, words) = match shape {
                Shape::OverTitle => (unit.to_string(), format!("{year}{title}")),
                _ => (format!("{unit}{year}"), title),
            };
            sheet.put(0, 0, GridCell::text(&over));
            sheet.put(1, 0, GridCell::text(&words));
        }
    }
}

/// Seed 001's nine tables with the unit and the year printed as one variant says.
fn variant(unit: &str, shape: Shape, year: &str, carriers: Carriers) -> GridBook {
    let mut book = fixture("seed001_final.grid");
    for (i, sheet) in book.sheets.iter_mut().enumerate() {
        let (named, shape) = match carriers {
            Carriers::All => (true, shape),
            Carriers::First => (i == 0, shape),
            Carriers::Alternate => (i % 2 == 0, shape),
            Carriers::MixedShapes => (true, SHAPES[i % SHAPES.len()]),
        };
        rewrite(sheet, named.then_some(unit), shape, year);
    }
    book
}

fn out_dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("unit_and_year")
        .join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The unit and the year `check --format json` gives a file, and the findings naming the unit
/// (a unit read as a value outside its table).
fn read_back(path: &Path, unit: &str) -> (Option<String>, Option<String>, Vec<String>) {
    let (_, report) = cli::check_json(path);
    let file = &report["files"][0];
    assert_eq!(
        file["forms"].as_array().map(Vec::len),
        Some(9),
        "{}: {file:#}",
        path.display()
    );
    let text = |v: &Value| v.as_str().map(str::to_string);
    let naming: Vec<String> = cli::findings(&report)
        .iter()
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains(unit))
        .map(str::to_string)
        .collect();
    (
        text(&file["glance"]["unit"]),
        text(&file["glance"]["year"]),
        naming,
    )
}

/// Notes in `failures`, under `what`, a file whose unit is not `unit`, whose year is not
/// 2023 or that leaves a line of the unit as a stray.
fn expect_unit(path: &Path, unit: &str, what: String, failures: &mut Vec<String>) {
    let got = read_back(path, unit);
    let want = (Some(unit.to_string()), Some("2023".to_string()), vec![]);
    if got != want {
        failures.push(format!("{what}: {got:?} ({})", path.display()));
    }
}

/// Every unit, shape, way of writing the year and choice of the sheets naming the unit: the
/// workbook's unit and year are the ones printed, and no line of them is left as a stray.
#[test]
fn the_unit_and_the_year_are_read_in_every_shape_units_print_them() {
    let dir = out_dir("xlsx");
    let mut failures = Vec::new();
    let mut n = 0;
    for (s, &shape) in SHAPES.iter().enumerate() {
        for (y, &numerals) in NUMERALS.iter().enumerate() {
            let carriers = CARRIERS[(s + y) % CARRIERS.len()];
            let unit = UNITS[(s * NUMERALS.len() + y) % UNITS.len()];
            let book = variant(unit, shape, &written(2023, numerals), carriers);
            let path = dir.join(format!("{n:02}.xlsx"));
            book.write_xlsx(&path);
            n += 1;
            let got = read_back(&path, unit);
            let want = (Some(unit.to_string()), Some("2023".to_string()), vec![]);
            if got != want {
                failures.push(format!(
                    "{shape:?} {numerals:?} {carriers:?} {unit}: {got:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same variants as Word documents: the lines over each table are its paragraphs.
#[test]
fn the_unit_and_the_year_are_read_from_the_lines_over_a_word_table() {
    let dir = out_dir("docx");
    let mut failures = Vec::new();
    for (i, &shape) in SHAPES.iter().enumerate() {
        let numerals = NUMERALS[(i + 2) % NUMERALS.len()];
        let unit = UNITS[i % UNITS.len()];
        let book = variant(unit, shape, &written(2023, numerals), Carriers::All);
        let path = dir.join(format!("{i}.docx"));
        docx::write_docx(&book, &path);
        expect_unit(
            &path,
            unit,
            format!("{shape:?} {numerals:?} {unit}"),
            &mut failures,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A line over the table that is no unit's name (a note, the document's heading, a sign-off,
/// a date) names no unit; a labelled unit line wins over a bare name on another line.
#[test]
fn lines_that_are_no_units_name_none_and_a_labelled_line_wins() {
    let dir = out_dir("not-units");
    for (i, line) in [
        "本表反映部门本年度的总收支",
        "2023年度部门决算",
        "单位负责人：张三",
        "（2024年4月编制）",
        "株洲市财政局关于部门决算公开的说明。",
        "株洲市财政局：",
        "株洲市人民政府办公室  2024年9月10日印发",
    ]
    .into_iter()
    .enumerate()
    {
        let mut book = fixture("seed001_final.grid");
        for sheet in &mut book.sheets {
            rewrite(sheet, None, Shape::OverTable, "");
            sheet.put(UNIT_ROW, 0, GridCell::text(line));
        }
        let path = dir.join(format!("{i}.xlsx"));
        book.write_xlsx(&path);
        let (unit, _, _) = read_back(&path, "株洲");
        assert_eq!(unit, None, "{line}");
    }
    let mut book = fixture("seed001_final.grid");
    for sheet in &mut book.sheets {
        sheet.insert_row(0);
        sheet.put(0, 0, GridCell::text("株洲市财政局"));
    }
    let path = dir.join("labelled.xlsx");
    book.write_xlsx(&path);
    let (unit, _, _) = read_back(&path, "株洲市财政局");
    assert_eq!(unit.as_deref(), Some("株洲市长株潭一体化发展事务中心"));
}

/// Seed 001's 三公 data row (合计 13.35 first) a quarter of what it is: last year's figures,
/// every item moved.
fn quartered_three_costs(book: &mut GridBook) {
    let sheet = book.sheet_mut("公开09表");
    let (r, _) = sheet.find("13.35").expect("三公 row");
    for col in 0..sheet.width() {
        if let Ok(v) = sheet.cell(r, col).as_str().parse::<f64>() {
            sheet.put(r, col, GridCell::num(&format!("{:.2}", v / 4.0)));
        }
    }
}

/// Two units, each with this year's file (its year in Chinese numerals) and last year's, named
/// without a year: `review` reads each file's unit and year from its tables and compares each
/// unit's two years, and only those.
#[test]
fn review_pairs_two_years_of_a_unit_named_only_in_its_titles() {
    let dir = out_dir("review");
    let folder = dir.join("收到");
    std::fs::create_dir_all(&folder).unwrap();
    let units = [(UNITS[1], Shape::InTitle), (UNITS[0], Shape::OverTitle)];
    for (i, (unit, shape)) in units.iter().enumerate() {
        let this = variant(
            unit,
            *shape,
            &written(2023, Numerals::ChineseLing),
            Carriers::All,
        );
        this.write_xlsx(&folder.join(format!("单位{i}-本年.xlsx")));
        let mut last = variant(
            unit,
            *shape,
            &written(2022, Numerals::Digits),
            Carriers::All,
        );
        quartered_three_costs(&mut last);
        last.write_xlsx(&folder.join(format!("单位{i}-上年.xlsx")));
    }
    let out = dir.join("review.json");
    let (code, text, err) = cli::run(&[
        "review",
        folder.to_str().unwrap(),
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(code < 2, "{text}{err}");
    let review: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let name = |v: &Value| {
        Path::new(v.as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string()
    };
    for (i, (unit, _)) in units.iter().enumerate() {
        for (which, year) in [("本年", "2023"), ("上年", "2022")] {
            let file = format!("单位{i}-{which}.xlsx");
            let row = review["files"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| name(&f["path"]) == file)
                .unwrap_or_else(|| panic!("{file}: {review:#}"));
            assert_eq!(row["unit"], *unit, "{file}");
            assert_eq!(row["year"], year, "{file}");
        }
        let prior: Vec<&Value> = review["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with("prior-"))
            .filter(|f| name(&f["file"]).starts_with(&format!("单位{i}-")))
            .collect();
        assert!(
            prior.iter().any(|f| f["rule"] == "prior-change"),
            "单位{i}: {review:#}"
        );
        for f in prior {
            assert_eq!(name(&f["file"]), format!("单位{i}-本年.xlsx"));
            let message = f["message"].as_str().unwrap();
            assert!(message.contains(&format!("单位{i}-上年.xlsx")), "{message}");
        }
    }
}

/// Names as units print them beyond the plain `株洲市某某局`: with a suffix after the
/// organisation's ending, with digits or Latin letters.
const PRINTED_NAMES: [&str; 7] = [
    "株洲市财政局（本级）",
    "株洲市交通运输局（汇总）",
    "株洲市财政局本级",
    "株洲市第2中学",
    "株洲市第十二中学",
    "湖南省120急救中心",
    "株洲市CBD建设管理委员会",
];

/// Labels units print in front of their name.
const LABELS: [&str; 7] = [
    "编制单位:",
    "单位名称：",
    "部门名称：",
    "填报单位（盖章）：",
    "编制单位：",
    "编制部门：",
    "部门（单位）名称：",
];

/// Where, beyond the shapes of [`Shape`], a sheet names its unit.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// Alone on the line over the table.
    Alone,
    /// In front of the year and the title: `株洲市第2中学2023年度收入支出决算总表`.
    InTitle,
    /// After the title, in brackets: `2023年度收入支出决算总表（株洲市某某中心）`.
    BracketsAfterTitle,
    /// Alone over the table in square brackets: `【株洲市某某局】`.
    SquareBracketsOverTable,
    /// In an attachment line over the title: `附件1：株洲市某某局2023年部门决算公开表`.
    Attachment,
    /// Over the table after a label, in one cell.
    Labelled(&'static str),
    /// The label in one cell, the name in the next.
    LabelApart(&'static str),
    /// After a label, with `金额单位：万元` after it in the same cell.
    LabelledWithMoneyUnit(&'static str),
}

/// Seed 001's `金额单位：万元` cell on its unit line.
const MONEY_UNIT_COL: u16 = 5;

/// Rewrites a seed 001 sheet (the `i`th) to name `unit` the `way` given, its year 2023.
fn print_unit(sheet: &mut GridSheet, i: usize, unit: &str, way: Way) {
    let title = sheet.cell(0, 0).as_str().to_string();
    sheet.put(UNIT_ROW, 0, GridCell::Empty);
    sheet.put(0, 0, GridCell::text(&format!("2023年度{title}")));
    match way {
        Way::Alone => sheet.put(UNIT_ROW, 0, GridCell::text(unit)),
        Way::InTitle => sheet.put(0, 0, GridCell::text(&format!("{unit}2023年度{title}"))),
        Way::BracketsAfterTitle => {
            sheet.put(0, 0, GridCell::text(&format!("2023年度{title}（{unit}）")))
        }
        Way::SquareBracketsOverTable => {
            sheet.put(UNIT_ROW, 0, GridCell::text(&format!("【{unit}】")))
        }
        Way::Attachment => {
            sheet.put(0, 0, GridCell::text(&title));
            sheet.insert_row(0);
            let line = format!("附件{}：{unit}2023年部门决算公开表", i + 1);
            sheet.put(0, 0, GridCell::text(&line));
        }
        Way::Labelled(label) => sheet.put(UNIT_ROW, 0, GridCell::text(&format!("{label}{unit}"))),
        Way::LabelApart(label) => {
            sheet.put(UNIT_ROW, 0, GridCell::text(label));
            sheet.put(UNIT_ROW, 1, GridCell::text(unit));
        }
        Way::LabelledWithMoneyUnit(label) => {
            let line = format!("{label}{unit}    金额单位：万元");
            sheet.put(UNIT_ROW, MONEY_UNIT_COL, GridCell::Empty);
            sheet.put(UNIT_ROW, 0, GridCell::text(&line));
        }
    }
}

/// The ways a unit is named without a label, and with one (each label in turn).
fn ways() -> Vec<Way> {
    let mut ways = vec![
        Way::Alone,
        Way::InTitle,
        Way::BracketsAfterTitle,
        Way::SquareBracketsOverTable,
        Way::Attachment,
    ];
    for label in LABELS {
        ways.extend([
            Way::Labelled(label),
            Way::LabelApart(label),
            Way::LabelledWithMoneyUnit(label),
        ]);
    }
    ways
}

/// Whether `way` puts the name in brackets of its own (a name ending in a bracketed suffix is
/// not printed so).
fn brackets(way: Way) -> bool {
    matches!(way, Way::BracketsAfterTitle | Way::SquareBracketsOverTable)
}

/// Every printed name in every way (a short name such as `财政局` only after a label): the
/// workbook's unit is the name as printed, its year 2023, and no line of it is left a stray.
#[test]
fn names_with_suffixes_digits_labels_and_brackets_are_read_as_printed() {
    let dir = out_dir("printed");
    let mut failures = Vec::new();
    let mut n = 0;
    for way in ways() {
        let labelled = matches!(
            way,
            Way::Labelled(_) | Way::LabelApart(_) | Way::LabelledWithMoneyUnit(_)
        );
        let short = ["财政局", "审计局"];
        let names = PRINTED_NAMES
            .iter()
            .chain(short.iter().filter(|_| labelled));
        for &unit in names {
            if brackets(way) && unit.ends_with('）') {
                continue;
            }
            let mut book = fixture("seed001_final.grid");
            for (i, sheet) in book.sheets.iter_mut().enumerate() {
                print_unit(sheet, i, unit, way);
            }
            let path = dir.join(format!("{n:03}.xlsx"));
            n += 1;
            book.write_xlsx(&path);
            expect_unit(&path, unit, format!("{way:?} {unit}"), &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{} failed",
        failures.join("\n"),
        failures.len()
    );
}

/// The ways a cover names its unit, one line a paragraph: alone over the report's name, in
/// front of the year, after a label, between the year and the report's words, in brackets.
fn covers(unit: &str) -> Vec<Vec<String>> {
    [
        vec![unit.to_string(), "2023年度部门决算".into()],
        vec![format!("{unit}2023年度部门决算")],
        vec!["2023年度".into(), unit.to_string(), "部门决算".into()],
        vec![format!("单位名称：{unit}"), "2023年度部门决算公开".into()],
        vec![format!("2023年度{unit}部门决算"), "（公开）".into()],
        vec![format!("【{unit}】"), "2023年度部门决算报告".into()],
    ]
    .into()
}

/// Seed 001's nine tables with the year in their titles and no unit anywhere on them, as a
/// workbook read back (the sheets a Word document is typed from).
fn tables_naming_no_unit(dir: &Path) -> Vec<fiscalform::read::Sheet> {
    tables_of_year(dir, "2023年度")
}

/// Seed 001's nine tables with `year` (may be empty) in front of their titles and no unit
/// anywhere on them, as a workbook read back.
fn tables_of_year(dir: &Path, year: &str) -> Vec<fiscalform::read::Sheet> {
    let mut book = fixture("seed001_final.grid");
    for sheet in &mut book.sheets {
        rewrite(sheet, None, Shape::InTitle, year);
    }
    let path = dir.join(format!("tables{year}.xlsx"));
    book.write_xlsx(&path);
    fiscalform::read::read_workbook(&path).unwrap().sheets
}

/// A Word document of `sheets` after a cover page of `cover`'s lines.
fn document_with_cover(sheets: &[fiscalform::read::Sheet], cover: &[String], path: &Path) {
    let layout = docx::WordLayout {
        cover: cover.to_vec(),
        page_per_form: true,
        ..docx::WordLayout::default()
    };
    docx::ruled_form_docx(sheets, &layout, path);
}

/// A Word document whose tables name no unit and whose cover does, in every wording: the
/// unit is the cover's; a cover naming none (the report's name, 目录, a part's heading) gives
/// none.
#[test]
fn a_word_document_names_its_unit_on_its_cover_only() {
    let dir = out_dir("cover-docx");
    let sheets = tables_naming_no_unit(&dir);
    let mut failures = Vec::new();
    let names = UNITS.iter().chain(PRINTED_NAMES.iter());
    for (i, unit) in names.take(covers("").len()).enumerate() {
        let cover = &covers(unit)[i];
        let path = dir.join(format!("{i}.docx"));
        document_with_cover(&sheets, cover, &path);
        expect_unit(&path, unit, format!("{cover:?}"), &mut failures);
    }
    let plain: Vec<String> = ["2023年度部门决算", "目  录", "第一部分 部门概况"]
        .map(String::from)
        .into();
    let path = dir.join("none.docx");
    document_with_cover(&sheets, &plain, &path);
    let (unit, _, _) = read_back(&path, "株洲");
    assert_eq!(unit, None, "{plain:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same covers printed to PDF by LibreOffice (three wordings): the unit is the cover's.
#[test]
fn a_pdf_names_its_unit_on_its_cover_only() {
    let dir = out_dir("cover-pdf");
    let sheets = tables_naming_no_unit(&dir);
    let mut failures = Vec::new();
    for i in (0..covers("").len()).step_by(2) {
        let unit = PRINTED_NAMES[i % PRINTED_NAMES.len()];
        let cover = &covers(unit)[i];
        let path = dir.join(format!("{i}.docx"));
        document_with_cover(&sheets, cover, &path);
        let pdf = lo::convert(&path, "pdf", &dir);
        expect_unit(&pdf, unit, format!("{cover:?}"), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A 科目 row named only (no code, no amount) whose name ends like a unit's (疾病预防控制中心,
/// 综合医院), under 卫生健康支出 in the tables listing 科目: the workbook's unit stays the one
/// its unit lines name, and the row is read as the table's row, not passed over as the top of
/// a page repeated.
#[test]
fn a_subject_named_like_a_unit_is_no_unit_and_no_page_top() {
    let dir = out_dir("subject-named-like-a-unit");
    for (i, name) in ["疾病预防控制中心", "综合医院"].into_iter().enumerate() {
        let mut book = fixture("seed001_final.grid");
        for sheet in &mut book.sheets {
            if let Some((r, c)) = sheet.find("卫生健康支出") {
                sheet.insert_row(r + 1);
                sheet.put(r + 1, c, GridCell::text(name));
            }
        }
        let path = dir.join(format!("{i}.xlsx"));
        book.write_xlsx(&path);
        let (unit, _, naming) = read_back(&path, name);
        assert_eq!(unit.as_deref(), Some(UNITS[0]), "{name}");
        assert!(!naming.is_empty(), "{name}: the row is passed over unsaid");
    }
}

/// A unit label with, in the next cell, what is no name (another field, a seal's aside, a
/// money unit, a code, a date): no unit is read, and the cell is said to be outside the form
/// rather than taken silently and written back as the unit.
#[test]
fn what_follows_a_unit_label_names_the_unit_only_if_it_is_a_name() {
    let dir = out_dir("label-then-no-name");
    let mut n = 0;
    for label in LABELS {
        for other in ["负责人：张三", "（公章）", "元", "430201001", "2024-03-15"] {
            let mut book = fixture("seed001_final.grid");
            for (i, sheet) in book.sheets.iter_mut().enumerate() {
                print_unit(sheet, i, other, Way::LabelApart(label));
            }
            let path = dir.join(format!("{n:02}.xlsx"));
            n += 1;
            book.write_xlsx(&path);
            let (unit, _, naming) = read_back(&path, other);
            assert_eq!(unit, None, "{label} | {other}");
            assert!(!naming.is_empty(), "{label} | {other}: not reported");
        }
    }
}

/// A heading over the tables about the unit (关于…的说明) names it, without its 关于.
#[test]
fn a_heading_about_the_unit_names_it() {
    let dir = out_dir("about");
    let unit = UNITS[0];
    let mut book = fixture("seed001_final.grid");
    for sheet in &mut book.sheets {
        rewrite(sheet, None, Shape::OverTable, "2023年度");
        sheet.insert_row(0);
        let line = format!("关于{unit}2023年度部门决算的说明");
        sheet.put(0, 0, GridCell::text(&line));
    }
    let path = dir.join("about.xlsx");
    book.write_xlsx(&path);
    let (got, _, _) = read_back(&path, unit);
    assert_eq!(got.as_deref(), Some(unit));
}

/// A heading over each table numbered as a part of the document (`第二部分 某某局2023年度部门决算表`,
/// `第3章`, `第十篇`) names the unit without the part's number.
#[test]
fn a_part_number_in_front_of_the_unit_is_not_its_name() {
    let dir = out_dir("part-number");
    let mut failures = Vec::new();
    for (u, unit) in UNITS.iter().enumerate() {
        for (p, part) in ["第二部分 ", "第2部分", "第十一部分　", "第3章 ", "第一篇"]
            .iter()
            .enumerate()
        {
            let mut book = fixture("seed001_final.grid");
            for sheet in &mut book.sheets {
                rewrite(sheet, None, Shape::OverTable, "2023年度");
                sheet.insert_row(0);
                let line = format!("{part}{unit}2023年度部门决算表");
                sheet.put(0, 0, GridCell::text(&line));
            }
            let path = dir.join(format!("{u}-{p}.xlsx"));
            book.write_xlsx(&path);
            expect_unit(&path, unit, format!("{part}{unit}"), &mut failures);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The ids of the forms `check --format json` reads in a file.
fn form_ids(path: &Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let forms = report["files"][0]["forms"].as_array().cloned();
    (forms.unwrap_or_default().iter())
        .filter_map(|f| f["id"].as_str().map(str::to_string))
        .collect()
}

/// The ways a 目录 page is typed: its heading alone (spaced or not), or with entry lines and
/// their page numbers (after dot leaders or spaces).
fn contents_pages() -> Vec<Vec<String>> {
    let entries = [
        "一、收入支出决算总表……………………3",
        "二、收入决算表……………………4",
        "公开07表 政府性基金预算财政拨款收入支出决算表    10",
    ];
    [
        vec!["目  录"],
        vec!["目录"],
        vec!["目 录", entries[0], entries[1]],
        vec!["目  录", entries[2]],
        vec!["目录", entries[0], entries[1], entries[2]],
    ]
    .iter()
    .map(|page| page.iter().map(|l| l.to_string()).collect())
    .collect()
}

/// A Word document whose first table is preceded by a 目录 page, the table's title in the
/// paragraph before that page or in the table's own top rows: the first table is still read
/// as 公开01表, and all nine forms are read.
#[test]
fn a_contents_page_right_before_the_first_table_leaves_it_the_first_form() {
    let dir = out_dir("contents-docx");
    let sheets = tables_naming_no_unit(&dir);
    let mut failures = Vec::new();
    let mut n = 0;
    for contents in contents_pages() {
        for (title_rows, unit_row) in [(false, false), (false, true), (true, false)] {
            let layout = docx::WordLayout {
                contents: contents.clone(),
                title_rows,
                unit_row,
                page_per_form: true,
                ..docx::WordLayout::default()
            };
            let path = dir.join(format!("{n:02}.docx"));
            n += 1;
            docx::ruled_form_docx(&sheets, &layout, &path);
            let ids = form_ids(&path);
            if ids.len() != 9 || ids.first().map(String::as_str) != Some("final-01") {
                failures.push(format!(
                    "{contents:?} title_rows {title_rows} unit_row {unit_row}: {ids:?} ({})",
                    path.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{} of {n} failed",
        failures.join("\n"),
        failures.len()
    );
}

/// Tables stating no year under a cover stating it, in every wording of [`covers`]: the year
/// is the cover's; tables stating another year keep theirs, the first table too (no 年度
/// warning).
#[test]
fn a_cover_states_the_year_the_tables_do_not() {
    let dir = out_dir("cover-year");
    let mut failures = Vec::new();
    for (tables_year, want) in [("", "2023"), ("2022年度", "2022")] {
        let sheets = tables_of_year(&dir, tables_year);
        for (i, cover) in covers(UNITS[1]).iter().enumerate() {
            let path = dir.join(format!("{want}-{i}.docx"));
            document_with_cover(&sheets, cover, &path);
            let (_, year, _) = read_back(&path, UNITS[1]);
            if year.as_deref() != Some(want) {
                failures.push(format!(
                    "{cover:?} over tables of {tables_year:?}: {year:?}"
                ));
            }
            // Nor is the cover's year the first table's, beside its own title's.
            let (_, report) = cli::check_json(&path);
            let years = cli::findings(&report)
                .into_iter()
                .filter(|f| f["rule"] == "year");
            failures.extend(years.map(|f| format!("{cover:?}: {}", f["message"])));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n{} failed",
        failures.join("\n"),
        failures.len()
    );
}

/// A line of the year alone under each title, bare or in brackets as some provinces print it
/// (`（2023年度）`): the year is read from it and the line is no stray.
#[test]
fn a_year_line_under_the_title_gives_the_year() {
    let dir = out_dir("year-line");
    let lines = [
        "2023年度",
        "（2023年度）",
        "(2023年)",
        "【2023年度】",
        "〔2023年度〕",
    ];
    let mut failures = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut book = fixture("seed001_final.grid");
        for sheet in &mut book.sheets {
            sheet.insert_row(1);
            sheet.put(1, 0, GridCell::text(line));
        }
        let path = dir.join(format!("{i}.xlsx"));
        book.write_xlsx(&path);
        let (_, report) = cli::check_json(&path);
        let year = report["files"][0]["glance"]["year"]
            .as_str()
            .map(str::to_string);
        let strays: Vec<Value> = cli::findings(&report)
            .into_iter()
            .filter(|f| f["rule"] == "value-outside-form")
            .collect();
        if year.as_deref() != Some("2023") || !strays.is_empty() {
            failures.push(format!("{line}: year {year:?}, strays {strays:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
