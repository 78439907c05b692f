//! Reading what real units publish: the real 2024 部门决算 (its nine tables typed in as
//! published, tests/fixtures/real/) is recognised table by table with every value in place,
//! `explain` shows where each value came from, and over every fixture every non-empty cell
//! ends somewhere: a logical cell, the form's own words, or a reported stray.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use fiscalform::form::Catalog;
use fiscalform::normalize::a1;
use fiscalform::read::read_workbook;
use fiscalform::recognize::{recognize_workbook, Outcome};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn real() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx")
}

#[test]
fn the_real_published_workbook_is_nine_tables_with_only_rounding_infos() {
    let (code, report) = cli::check_json(&real());
    let forms: Vec<(String, String)> = report["files"][0]["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().into(),
                f["sheet"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("final-01", "收入支出决算总表"),
        ("final-02", "收入决算表"),
        ("final-03", "支出决算表"),
        ("final-04", "财政拨款收入支出决算总表"),
        ("final-05", "一般公共预算财政拨款支出决算表"),
        ("final-06", "一般公共预算财政拨款基本支出决算表"),
        ("final-09", "财政拨款“三公”经费支出决算表"),
        ("final-07", "政府性基金预算财政拨款收入支出决算表"),
        ("final-08", "国有资本经营预算财政拨款收入支出决算表"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(forms, want);
    let findings = cli::findings(&report);
    let not_info: Vec<&Value> = findings
        .iter()
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(not_info.is_empty(), "{not_info:#?}");
    assert_eq!(code, 0);
    // The 尾差 of the document: 社会保障和就业支出 326.71 in 公开01表 against 326.72 in 公开03表.
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "class-vs-final-03" && f["cell"] == "D12"),
        "{findings:#?}"
    );
}

/// The logical cells `explain --format json` shows for a form: key → (address, value).
fn explained(file: &Path, form: &str) -> Vec<(String, String, String)> {
    let (code, out, _) = cli::run(&["explain", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let sheet = v["files"][0]["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["form"] == form)
        .unwrap_or_else(|| panic!("no {form} in {out}"))
        .clone();
    sheet["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                c["address"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn explain_shows_every_final_01_value_of_the_real_workbook_with_its_cell() {
    let mut cells = explained(&real(), "final-01");
    cells.sort();
    let want = [
        ("L1.amount", "B5", "2940.05"),
        ("L8.amount", "B12", "6.2"),
        ("L27.amount", "B31", "2946.25"),
        ("L29.amount", "B33", "49.14"),
        ("L31.amount", "B34", "2995.39"),
        ("L32.amount", "D5", "2106.66"),
        ("L39.amount", "D12", "326.71"),
        ("L40.amount", "D13", "60.99"),
        ("L50.amount", "D23", "445.69"),
        ("L58.amount", "D31", "2940.05"),
        ("L60.amount", "D33", "55.34"),
        ("L62.amount", "D34", "2995.39"),
    ];
    let mut want: Vec<(String, String, String)> = want
        .iter()
        .map(|(k, a, v)| (k.to_string(), a.to_string(), v.to_string()))
        .collect();
    want.sort();
    assert_eq!(cells, want);
    let (_, text, _) = cli::run(&["explain", real().to_str().unwrap()]);
    assert!(
        text.contains("工作表“收入支出决算总表”：认定为公开01表"),
        "{text}"
    );
    assert!(
        text.contains("B31    本年收入合计·金额  = 2946.25"),
        "{text}"
    );
}

#[test]
fn explain_of_an_unreadable_file_exits_2() {
    let (code, out, _) = cli::run(&["explain", "/nonexistent/x.xlsx"]);
    assert_eq!(code, 2);
    assert!(out.contains("无法读取"), "{out}");
}

/// Every non-empty cell of every recognised sheet is a logical cell's source, one of the
/// form's own words, or a stray; a sheet no form was recognised in is kept whole by fix.
fn assert_conserved(path: &Path) {
    let catalog = Catalog::embedded().unwrap();
    let wb = read_workbook(path).unwrap();
    for outcome in recognize_workbook(&catalog, &wb) {
        let Outcome::Form(rec) = outcome else {
            continue;
        };
        let sheet = wb.sheet(rec.data.sheet.as_deref().unwrap()).unwrap();
        let mut placed: HashSet<String> =
            rec.data.origin.values().map(ToString::to_string).collect();
        placed.extend(rec.words.iter().map(|&(r, c)| a1(r, c)));
        placed.extend(rec.data.strays.iter().map(|s| s.cell.to_string()));
        let lost: Vec<String> = sheet
            .cells()
            .filter(|&(r, c, _)| !sheet.is_covered(r, c))
            .filter(|(_, _, cell)| !cell.to_string().trim().is_empty())
            .map(|(r, c, cell)| format!("{}「{cell}」", a1(r, c)))
            .filter(|s| !placed.contains(s.split('「').next().unwrap()))
            .collect();
        assert!(
            lost.is_empty(),
            "{} {}: cells in no place: {lost:?}",
            path.display(),
            rec.form.id
        );
    }
}

#[test]
fn every_cell_of_every_fixture_lands_somewhere() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reading-conservation");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "grid") {
            let out = dir.join(path.file_stem().unwrap()).with_extension("xlsx");
            grid::load(&path).write_xlsx(&out);
            assert_conserved(&out);
            seen += 1;
        }
    }
    assert!(seen >= 6, "only {seen} fixtures");
    assert_conserved(&real());
    assert_conserved(&fixtures.join("sample/2023决算-株洲.xlsx"));
}

/// Every recognised value of a file: (form, logical cell) → value as shown.
fn logical_values(path: &Path) -> std::collections::BTreeMap<(String, String), String> {
    let catalog = Catalog::embedded().unwrap();
    let rec = fiscalform::load::recognize_file(&catalog, path).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for (form, data) in &rec.forms {
        for row in &data.rows {
            for (col, v) in &row.values {
                // 6.20 as printed in the PDF is the 6.2 typed into the workbook.
                let shown = match v {
                    fiscalform::expr::Val::Num(d) => d.normalize().to_string(),
                    other => format!("{other:?}"),
                };
                out.insert((form.id.clone(), format!("{}.{col}", row.key)), shown);
            }
        }
    }
    out
}

#[test]
fn the_real_published_pdf_reads_to_the_values_of_its_transcription() {
    let pdf = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real/2024决算-上海普陀区财政局.pdf");
    if !pdf.exists() {
        // CI and every session have shared/ beside the repository; a bare clone does not.
        eprintln!("{} is not there: skipped", pdf.display());
        return;
    }
    let want = logical_values(&real());
    assert!(want.len() > 150, "{}", want.len());
    assert_eq!(logical_values(&pdf), want);
    let (code, report) = cli::check_json(&pdf);
    let findings = cli::findings(&report);
    // The tables hold nothing beyond 尾差. The sentences of its 说明 are judged in
    // tests/statements.rs: one of them is really wrong, so the exit code is 1.
    let of_tables = |f: &&Value| !f["rule"].as_str().unwrap_or("").starts_with("text-");
    let not_info: Vec<&Value> = findings
        .iter()
        .filter(of_tables)
        .filter(|f| f["severity"] != "info")
        .collect();
    assert!(not_info.is_empty(), "{not_info:#?}");
    assert_eq!(code, 1);
}

/// Seed 001 with 公开01表's row labels replaced by words no form knows: its figures cannot
/// be placed, so it is said once as an error naming the cells, and no rule judges zeros read
/// in their place (neither 公开01表's own nor the cross-table ones).
#[test]
fn a_table_whose_values_cannot_be_placed_is_said_and_not_judged() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reading-unplaced");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut book = grid::load(&fixtures.join("seed001_final.grid"));
    let plain = dir.join("plain.xlsx");
    book.write_xlsx(&plain);
    let sheet = book
        .sheets
        .iter_mut()
        .find(|s| s.name.contains("01"))
        .expect("公开01表");
    // No label a form knows, and no 行次 to place the rows by.
    let mut renamed = 0;
    for row in sheet.rows.iter_mut().skip(5) {
        for (c, cell) in row.iter_mut().enumerate() {
            match cell {
                grid::GridCell::Text(t) if t.chars().count() > 3 && !t.starts_with('注') => {
                    *t = format!("第{renamed}项");
                    renamed += 1;
                }
                grid::GridCell::Number(_) if c == 1 || c == 4 => *cell = grid::GridCell::Empty,
                _ => {}
            }
        }
    }
    assert!(renamed > 40, "{renamed}");
    let broken = dir.join("labels-unknown.xlsx");
    book.write_xlsx(&broken);

    let (_, report) = cli::check_json(&plain);
    let said = |f: &Value| f["rule"] == "values-not-placed";
    assert!(!cli::findings(&report).iter().any(said), "plain seed 001");

    let (code, report) = cli::check_json(&broken);
    let findings = cli::findings(&report);
    assert_eq!(code, 1);
    let not_placed: Vec<&Value> = findings.iter().filter(|f| said(f)).collect();
    assert_eq!(not_placed.len(), 1, "{findings:#?}");
    assert_eq!(not_placed[0]["form"], "final-01");
    assert_eq!(not_placed[0]["severity"], "error");
    let message = not_placed[0]["message"].as_str().unwrap();
    assert!(message.contains("无法识别公开01表的数值位置"), "{message}");
    assert!(
        message.contains(not_placed[0]["cell"].as_str().unwrap()),
        "{message}"
    );
    // Nothing else about 公开01表, and no cross-table rule reads it.
    let about_01: Vec<&Value> = findings
        .iter()
        .filter(|f| !said(f))
        .filter(|f| {
            f["form"] == "final-01"
                || f["message"].as_str().unwrap().contains("公开01表")
                    && f["rule"] != "cross-table-skipped"
        })
        .collect();
    assert!(about_01.is_empty(), "{about_01:#?}");
    // explain says why the sheet was not checked.
    let (_, text, _) = cli::run(&["explain", broken.to_str().unwrap()]);
    assert!(text.contains("无法识别数值位置"), "{text}");
    // fix keeps the sheet as it is and leaves it for a person.
    let fixed = dir.join("labels-unknown-fixed.xlsx");
    let (code, text, _) = cli::run(&[
        "fix",
        broken.to_str().unwrap(),
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("仍需人工核对：错误 1 条"), "{text}");
    let kept = read_workbook(&fixed).unwrap();
    assert!(kept
        .sheets
        .iter()
        .any(|s| s.cells().any(|(_, _, c)| c.to_string() == "第0项")));
}

/// 公开03表 printed without its code column, names indented under their parent, as many units
/// publish it: each name takes the code it has in 公开02表 (under the parent read before it),
/// so the checks are those of the coded table. A name found in no other table is one error
/// naming it and its cell, and the table is not judged (its sums would miss that row).
#[test]
fn indented_names_take_their_codes_from_the_other_tables() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reading-indented");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let plain_book = grid::load(&fixtures.join("seed001_final.grid"));
    let indented = |rename: Option<(&str, &str)>| {
        let mut book = plain_book.clone();
        let sheet = book.sheet_mut("公开03表");
        for row in sheet.rows.iter_mut() {
            let code = row
                .first()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default();
            let is_code =
                [3, 5, 7].contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
            if code == "科目代码" {
                row[0] = grid::GridCell::Empty;
            }
            if !is_code {
                continue;
            }
            let mut name = row[1].as_str().to_string();
            if let Some((_, to)) = rename.filter(|(from, _)| *from == name) {
                name = to.to_string();
            }
            let indent = "　".repeat(code.len() - 3);
            row[1] = grid::GridCell::text(&format!("{indent}{name}"));
            row[0] = grid::GridCell::Empty;
        }
        book
    };
    let findings_of = |book: &grid::GridBook, name: &str| {
        let path = dir.join(name);
        book.write_xlsx(&path);
        let (_, report) = cli::check_json(&path);
        cli::findings(&report)
    };
    let summary = |fs: &[Value]| {
        let mut v: Vec<String> = fs
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {}",
                    f["severity"], f["rule"], f["form"], f["cell"]
                )
            })
            .collect();
        v.sort();
        v
    };
    let plain = findings_of(&plain_book, "plain.xlsx");
    let read = findings_of(&indented(None), "indented.xlsx");
    assert_eq!(summary(&read), summary(&plain), "{read:#?}");

    let renamed = findings_of(
        &indented(Some(("事业单位医疗", "某某医疗"))),
        "renamed.xlsx",
    );
    let unknown: Vec<&Value> = renamed
        .iter()
        .filter(|f| f["rule"] == "code-unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{renamed:#?}");
    let message = unknown[0]["message"].as_str().unwrap();
    let cell = unknown[0]["cell"].as_str().unwrap();
    assert!(
        message.contains("某某医疗") && message.contains(cell),
        "{message}"
    );
    // The row keeps its values; the sums of the parent it may belong to are not judged.
    assert!(
        message.contains("21011") && message.contains("未进行"),
        "{message}"
    );
    assert_eq!(unknown[0]["severity"], "error");
    // No rule judges a sum with the row left out of it.
    let judged: Vec<&Value> = renamed
        .iter()
        .filter(|f| f["rule"] != "code-unknown" && f["rule"] != "cross-table-skipped")
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(judged.is_empty(), "{judged:#?}");
}

/// 公开09表 as some units print it: the items head the columns once, and 预算数 and 决算数 are
/// two rows under them (rows `rows`, each "label\tvalues…"), written to `name` in a fresh folder.
fn budget_actual_as_rows(name: &str, rows: &[&str]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reading-budget-actual-rows");
    std::fs::create_dir_all(&dir).unwrap();
    let text = format!(
        "=== sheet 公开09表\n\
         # merge A1:G1\n# merge A4:A5\n# merge B4:B5\n# merge C4:C5\n# merge D4:F4\n# merge G4:G5\n\
         财政拨款“三公”经费支出决算表\n\
         \t\t\t\t\t\t公开09表\n\
         部门：某某中心\t2023年度\t\t\t\t\t金额单位：万元\n\
         项目\t合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t公务接待费\n\
         \t\t\t小计\t公务用车购置费\t公务用车运行费\n\
         {}\n",
        rows.join("\n")
    );
    let path = dir.join(name);
    grid::parse(&text, name).write_xlsx(&path);
    path
}

/// The findings of rule `rule`.
fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

const BUDGET_ROW: &str = "预算数\t20.00\t3.00\t12.00\t4.00\t8.00\t5.00";
const ACTUAL_ROW: &str = "决算数\t15.50\t2.00\t10.50\t3.50\t7.00\t3.00";

/// Each row labelled 预算数 or 决算数 fills that group's columns (c1–c6, c7–c12), whichever
/// comes first; the labels and every value land somewhere, and nothing is reported.
#[test]
fn budget_and_actual_printed_as_rows_read_into_their_own_columns() {
    let want: Vec<(String, String)> = [
        ("c1", "20"),
        ("c2", "3"),
        ("c3", "12"),
        ("c4", "4"),
        ("c5", "8"),
        ("c6", "5"),
        ("c7", "15.5"),
        ("c8", "2"),
        ("c9", "10.5"),
        ("c10", "3.5"),
        ("c11", "7"),
        ("c12", "3"),
    ]
    .iter()
    .map(|(c, v)| (format!("data.{c}"), v.to_string()))
    .collect();
    for (name, rows) in [
        ("in-order.xlsx", [BUDGET_ROW, ACTUAL_ROW]),
        ("actual-first.xlsx", [ACTUAL_ROW, BUDGET_ROW]),
    ] {
        let path = budget_actual_as_rows(name, &rows);
        let mut got: Vec<(String, String)> = logical_values(&path)
            .into_iter()
            .filter(|((form, _), _)| form == "final-09")
            .map(|((_, cell), v)| (cell, v))
            .collect();
        let order = |k: &String| k[6..].parse::<u32>().unwrap_or(0);
        got.sort_by_key(|(k, _)| order(k));
        assert_eq!(got, want, "{name}");
        assert_conserved(&path);
        let (_, report) = cli::check_json(&path);
        let about_09: Vec<Value> = cli::findings(&report)
            .into_iter()
            .filter(|f| f["form"] == "final-09" && f["severity"] != "info")
            .collect();
        assert!(about_09.is_empty(), "{name}: {about_09:#?}");
        // explain names the group of columns labelled alike.
        let (_, text, _) = cli::run(&["explain", path.to_str().unwrap()]);
        for shown in ["·预算数·合计  = 20", "·决算数·合计  = 15.5"] {
            assert!(text.contains(shown), "{name}: {text}");
        }
    }
}

/// Rows labelled with neither group's text are read into neither: the header alone cannot
/// say whether its columns are 预算数 or 决算数, so the values are reported as not placed; a
/// group labelled twice is read once, the second row reported and kept.
#[test]
fn rows_not_labelled_budget_or_actual_are_reported_not_read() {
    let unrelated = budget_actual_as_rows(
        "unrelated.xlsx",
        &[
            &BUDGET_ROW.replace("预算数", "上年数"),
            &ACTUAL_ROW.replace("决算数", "本年数"),
        ],
    );
    let (code, report) = cli::check_json(&unrelated);
    assert_eq!(code, 1);
    let findings = cli::findings(&report);
    let not_placed = of_rule(&findings, "values-not-placed");
    assert_eq!(not_placed.len(), 1, "{findings:#?}");
    assert_eq!(not_placed[0]["form"], "final-09");
    let message = not_placed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("B6") && message.contains("等 12 处"),
        "{message}"
    );
    assert!(
        message.contains("第 6 行“上年数”的数值未读取：表头未分“预算数”“决算数”"),
        "{message}"
    );
    assert!(!logical_values(&unrelated)
        .keys()
        .any(|(form, _)| form == "final-09"));
    assert_conserved(&unrelated);

    let twice = budget_actual_as_rows(
        "twice.xlsx",
        &[
            BUDGET_ROW,
            ACTUAL_ROW,
            &ACTUAL_ROW.replace("15.50", "16.50"),
        ],
    );
    let values = logical_values(&twice);
    let at = |c: &str| values.get(&("final-09".to_string(), format!("data.{c}")));
    assert_eq!(at("c7").map(String::as_str), Some("15.5"));
    let (_, report) = cli::check_json(&twice);
    let findings = cli::findings(&report);
    let again = of_rule(&findings, "duplicate-row");
    assert_eq!(again.len(), 1, "{findings:#?}");
    assert_eq!(again[0]["cell"], "A8");
    let message = again[0]["message"].as_str().unwrap();
    assert!(
        message.contains("第 8 行与第 7 行都标为“决算数”"),
        "{message}"
    );
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "value-outside-form" && f["cell"] == "B8"));
    assert_conserved(&twice);

    // A third row under another label, beside the two groups: said, and kept.
    let extra = budget_actual_as_rows(
        "extra.xlsx",
        &[
            BUDGET_ROW,
            ACTUAL_ROW,
            &ACTUAL_ROW.replace("决算数", "上年数"),
        ],
    );
    let (_, report) = cli::check_json(&extra);
    let findings = cli::findings(&report);
    let unlabelled = of_rule(&findings, "group-row-unlabelled");
    assert_eq!(unlabelled.len(), 1, "{findings:#?}");
    assert_eq!(unlabelled[0]["cell"], "A8");
    assert_eq!(unlabelled[0]["severity"], "warning");
    assert!(findings
        .iter()
        .any(|f| f["rule"] == "value-outside-form" && f["cell"] == "G8"));
    assert_eq!(
        logical_values(&extra)
            .get(&("final-09".to_string(), "data.c7".to_string()))
            .map(String::as_str),
        Some("15.5")
    );
    assert_conserved(&extra);
}

/// Seed 001's 公开06表 with its first panel's 科目名称 header printed as `word`, written to
/// `name`; its findings.
fn final_06_names_headed(word: &str, name: &str) -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reading-names-headed");
    std::fs::create_dir_all(&dir).unwrap();
    let mut book = grid::fixture("seed001_final.grid");
    let sheet = book.sheet_mut("公开06表");
    let at = sheet.find("科目名称").expect("科目名称 header");
    sheet.put(at.0, at.1, grid::GridCell::text(word));
    let path = dir.join(name);
    book.write_xlsx(&path);
    assert_conserved(&path);
    cli::findings(&cli::check_json(&path).1)
}

/// 科目编码 | 项目 | 决算数: 项目 beside a placed code column heads the names, which are read
/// as the rows' names rather than left outside the table; a header no code column's word
/// (摘要) leaves them outside, reported.
#[test]
fn names_headed_by_a_code_header_word_beside_the_code_column_are_names() {
    let outside = |fs: &[Value]| -> Vec<String> {
        fs.iter()
            .filter(|f| f["rule"] == "value-outside-form" && f["form"] == "final-06")
            .map(|f| f["cell"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let read = final_06_names_headed("项目", "xiangmu.xlsx");
    assert!(outside(&read).is_empty(), "{read:#?}");
    let kept = final_06_names_headed("摘要", "zhaiyao.xlsx");
    let cells = outside(&kept);
    assert!(cells.contains(&"B6".to_string()), "{kept:#?}");
    assert!(cells.iter().all(|c| c.starts_with('B')), "{cells:?}");
}
