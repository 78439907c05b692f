//! The clerk's loop without noise: a blank template checks clean, a template with a few rows
//! filled (and recalculated by a real client) gives only the findings of those rows, and fix
//! adds nothing for the rows left empty; fix leaves a large difference to a person.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use fiscalform::read::{read_workbook, Cell};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use cli::run;

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("clerk-loop")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn template(family: &str, out: &Path) {
    let (code, o, e) = run(&["template", "--family", family, "-o", s(out)]);
    assert_eq!(code, 0, "{o}{e}");
}

#[test]
fn a_blank_template_of_each_family_checks_clean() {
    let d = dir("blank");
    for family in ["final", "budget", "perf"] {
        let path = d.join(format!("{family}.xlsx"));
        template(family, &path);
        let (code, report) = cli::check_json(&path);
        let findings = cli::findings(&report);
        assert_eq!(code, 0, "{family}: {findings:#?}");
        assert!(findings.is_empty(), "{family}: {findings:#?}");
    }
}

/// An xlsx with some cells of one worksheet part set, as a clerk typing them would: the
/// template's empty styled cells (`<c r="D8" s="8"/>`) get a value, the style kept.
fn fill(input: &Path, part: &str, cells: &[(&str, Typed)], out: &Path) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(input).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name == part {
            let mut xml = String::from_utf8(data).unwrap();
            for (at, value) in cells {
                xml = set_cell(&xml, at, *value);
            }
            data = xml.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

/// What a clerk types: a text (codes too) or a number.
#[derive(Clone, Copy)]
enum Typed {
    T(&'static str),
    N(&'static str),
}
use Typed::{N, T};

fn set_cell(xml: &str, at: &str, value: Typed) -> String {
    let key = format!("<c r=\"{at}\" ");
    let start = xml.find(&key).unwrap_or_else(|| panic!("no cell {at}"));
    let len = xml[start..].find("/>").unwrap() + 2;
    let empty = &xml[start..start + len];
    assert_eq!(
        empty.matches('>').count(),
        1,
        "{at} is not an empty cell: {empty}"
    );
    let head = empty.trim_end_matches("/>");
    let cell = match value {
        N(n) => format!("{head}><v>{n}</v></c>"),
        T(t) => format!("{head} t=\"inlineStr\"><is><t>{t}</t></is></c>"),
    };
    format!("{}{cell}{}", &xml[..start], &xml[start + len..])
}

/// The template with three 科目 rows of 公开02表 filled — 201, 20101 and 2010101 — where the
/// 款 says 100 and its only 项 90, then recalculated by LibreOffice as Excel would on typing.
fn filled_final_template(d: &Path) -> PathBuf {
    let blank = d.join("blank.xlsx");
    template("final", &blank);
    let typed = d.join("typed.xlsx");
    fill(
        &blank,
        "xl/worksheets/sheet2.xml",
        &[
            ("A8", T("201")),
            ("B8", T("一般公共服务支出")),
            ("D8", N("100")),
            ("A9", T("20101")),
            ("B9", T("人大事务")),
            ("D9", N("100")),
            ("A10", T("2010101")),
            ("B10", T("行政运行")),
            ("D10", N("90")),
        ],
        &typed,
    );
    lo::convert(&typed, "xlsx", &d.join("recalculated"))
}

#[test]
fn a_filled_template_gives_only_the_findings_of_its_filled_rows() {
    let d = dir("filled");
    let filled = filled_final_template(&d);
    let (code, report) = cli::check_json(&filled);
    let findings = cli::findings(&report);
    assert_eq!(code, 1, "{findings:#?}");
    assert!(
        findings
            .iter()
            .all(|f| f["severity"] == "error" || f["rule"] == "blank-is-zero"),
        "no stray warning, only the suggestion to write the zeros: {findings:#?}"
    );
    // In 公开02表: the 合计 row and the two rows above the 项 (本年收入合计 and 财政拨款收入).
    let faults: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] != "blank-is-zero")
        .collect();
    let cells_02: BTreeSet<&str> = faults
        .iter()
        .filter(|f| f["form"] == "final-02")
        .map(|f| f["cell"].as_str().unwrap())
        .collect();
    assert_eq!(
        cells_02,
        BTreeSet::from(["C7", "C8", "C9", "D7", "D8", "D9"]),
        "{findings:#?}"
    );
    // Elsewhere: 公开01表 against the new 合计, and the tables now empty in a filled workbook.
    for f in faults.iter().filter(|f| f["form"] != "final-02") {
        let message = f["message"].as_str().unwrap();
        assert!(
            f["rule"] == "empty-table-note" || message.contains("公开02表"),
            "{f:#?}"
        );
    }
    // Fix keeps the rows left empty empty: no sheet of values outside the form.
    let out = d.join("fixed.xlsx");
    let (code, o, e) = run(&["fix", s(&filled), "-o", s(&out)]);
    assert!(code == 0 || code == 1, "{o}{e}");
    let wb = read_workbook(&out).unwrap();
    let strays: Vec<&str> = wb
        .sheets
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.contains("表外内容"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
    // …and its spare rows still read as empty.
    let s02 = wb.sheet("公开02表").unwrap();
    assert_eq!(s02.get(11, 2), &Cell::Empty, "公开02表 C12 of a spare row");
}

/// A spare row's formula shows an empty cell to every reader until the row is filled: calamine
/// reads "" (stored), LibreOffice computes "" too.
#[test]
fn spare_rows_read_empty_before_and_after_a_recalculation() {
    let d = dir("spare");
    let blank = d.join("final.xlsx");
    template("final", &blank);
    let recalculated = lo::convert(&blank, "xlsx", &d.join("lo"));
    for path in [&blank, &recalculated] {
        let wb = read_workbook(path).unwrap();
        let s02 = wb.sheet("公开02表").unwrap();
        for row in 7..22 {
            assert_eq!(
                s02.get(row, 2),
                &Cell::Empty,
                "{} C{}",
                path.display(),
                row + 1
            );
        }
    }
}

// ------------------------------------------------------------------ large corrections

fn seed000(d: &Path, edit: impl FnOnce(&mut grid::GridBook)) -> PathBuf {
    let mut book = grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed000_perf.grid"),
    );
    edit(&mut book);
    let x = d.join("seed000.xlsx");
    book.write_xlsx(&x);
    x
}

/// Seed 000's 附件1 项目支出 上年决算数 is published as 182.51 where its projects add up to
/// 2810.04: fix writes the formula but leaves the cell red for a person, with both figures,
/// and exits 1.
#[test]
fn fix_leaves_a_large_difference_to_a_person() {
    let d = dir("seed000-large");
    let x = seed000(&d, |_| {});
    let out = d.join("fixed.xlsx");
    let (code, stdout, err) = run(&["fix", s(&x), "-o", s(&out)]);
    assert_eq!(code, 1, "{stdout}{err}");
    assert!(
        stdout.contains(
            "核对  附件1!C13  需人工核对：填报数 182.51，按各项计算为 2810.04，相差 2627.53"
        ),
        "{stdout}"
    );
    let wb = read_workbook(&out).unwrap();
    let audit = wb.sheet("审核结果").unwrap();
    let line = (0..audit.height())
        .find(|&r| matches!(audit.get(r, 3), Cell::Text(t) if t.starts_with("附件1!C13")))
        .expect("listed in 审核结果");
    assert_eq!(audit.get(line, 1), &Cell::Text("错误".into()));
    assert!(matches!(audit.get(line, 6), Cell::Text(t) if t.starts_with("需人工核对")));
}

/// 0.01 off is a 尾差: kept as published, the difference a visible term of the formula.
#[test]
fn fix_keeps_a_tail_difference_as_such() {
    let d = dir("seed000-tail");
    let x = seed000(&d, |book| {
        grid::corrected_seed000(book);
        let sheet = book.sheet_mut("附件1");
        let (r, c) = sheet.find("2,810.04").expect("the corrected total");
        sheet.put(r, c, grid::GridCell::text("2,810.03"));
    });
    let out = d.join("fixed.xlsx");
    let (code, stdout, err) = run(&["fix", s(&x), "-o", s(&out)]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(!stdout.contains("附件1!C13"), "{stdout}");
    let wb = read_workbook(&out).unwrap();
    let (r, c) = fiscalform::normalize::parse_a1("C13").unwrap();
    assert_eq!(
        wb.sheet("附件1").unwrap().get(r, c),
        &Cell::Number("2810.03".parse().unwrap())
    );
}

/// The limits are the form definition's: with `review` raised to 10% and 100 万元 for
/// 公开01表, the sample's 36 万元 difference is corrected as certain.
#[test]
fn the_review_limits_are_set_in_the_form_definition() {
    let d = dir("review-limits");
    let defs = d.join("templates");
    std::fs::create_dir_all(&defs).unwrap();
    let builtin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    for e in std::fs::read_dir(&builtin).unwrap() {
        let path = e.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "final-01.toml" {
            text = format!("review = {{ ratio = \"0.1\", amount = \"100\" }}\n{text}");
        }
        std::fs::write(defs.join(path.file_name().unwrap()), text).unwrap();
    }
    let sample =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
    let out = d.join("fixed.xlsx");
    let (code, stdout, err) = run(&["--templates", s(&defs), "fix", s(&sample), "-o", s(&out)]);
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("校正  公开01表!C33  原值 562.36 → 526.36"),
        "{stdout}"
    );
}
