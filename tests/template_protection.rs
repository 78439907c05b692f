//! A clerk cannot overwrite a formula by accident but can unprotect: every template sheet is
//! protected without a password, derived cells use a locked style (but the row totals of 科目 rows) and input cells an
//! unlocked one, amounts only take numbers and 自评得分 only 0 … the row's 分值 (read from the
//! sheets' XML, which calamine does not expose).

#[path = "support/xlsx_xml.rs"]
mod xlsx_xml;

use calamine::{open_workbook, Reader, Xlsx};
use fiscalform::cellref::parse_a1;
use fiscalform::form::{Catalog, Family};
use std::path::PathBuf;
use xlsx_xml::{part, style_of, unlocked};

/// The type of the `<dataValidation>` whose `sqref` (cells and blocks, space-separated) covers
/// cell `a1`, if any.
fn validation_at(sheet_xml: &str, a1: &str) -> Option<String> {
    let (row, col) = parse_a1(a1).unwrap();
    let inside = |block: &str| {
        let (first, last) = block.split_once(':').unwrap_or((block, block));
        let ((r1, c1), (r2, c2)) = (parse_a1(first).unwrap(), parse_a1(last).unwrap());
        (r1..=r2).contains(&row) && (c1..=c2).contains(&col)
    };
    sheet_xml.split("<dataValidation ").skip(1).find_map(|v| {
        let attr = |name: &str| v.split(&format!(" {name}=\"")).nth(1)?.split('"').next();
        let kind = v.split("type=\"").nth(1)?.split('"').next()?;
        attr("sqref")?
            .split(' ')
            .any(inside)
            .then(|| kind.to_string())
    })
}

fn write(family: Family, name: &str) -> PathBuf {
    write_from(&Catalog::embedded().unwrap(), family, name)
}

fn write_from(catalog: &Catalog, family: Family, name: &str) -> PathBuf {
    let forms: Vec<_> = catalog.family(family).collect();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("protection");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    fiscalform::cli::write_template(&forms, Some("2023"), Some("测试单位"), &path).unwrap();
    path
}

#[test]
fn sheets_are_protected_without_password_formulas_locked_inputs_open() {
    let path = write(Family::Final, "final.xlsx");
    let styles = part(&path, "xl/styles.xml");
    let wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names().len(), 9);
    for i in 1..=9 {
        let xml = part(&path, &format!("xl/worksheets/sheet{i}.xml"));
        let prot = &xml[xml.find("<sheetProtection").expect("sheet protected")..];
        let prot = &prot[..prot.find("/>").unwrap()];
        assert!(
            !prot.contains("password"),
            "sheet {i} protected without a password: {prot}"
        );
        // Rows may be inserted (more 科目 than spare rows) and deleted.
        assert!(
            prot.contains("insertRows=\"0\"") && prot.contains("deleteRows=\"0\""),
            "sheet {i} allows inserting and deleting rows: {prot}"
        );
    }
    // 公开01表: line 27 本年收入合计 (C33) is a formula, line 1 (C7) an input.
    let s1 = part(&path, "xl/worksheets/sheet1.xml");
    assert!(
        s1.contains("<c r=\"C33\"")
            && s1[s1.find("<c r=\"C33\"").unwrap()..]
                .split("</c>")
                .next()
                .unwrap()
                .contains("<f>")
    );
    assert!(
        !unlocked(&styles, style_of(&s1, "C33")),
        "formula cell locked"
    );
    assert!(
        unlocked(&styles, style_of(&s1, "C7")),
        "input cell unlocked"
    );
    // 公开02表: codes and names of the 科目 rows are typed by the clerk.
    let s2 = part(&path, "xl/worksheets/sheet2.xml");
    assert!(
        unlocked(&styles, style_of(&s2, "A8")),
        "code cell of a 科目 row unlocked"
    );
    assert!(
        unlocked(&styles, style_of(&s2, "B8")),
        "name cell of a 科目 row unlocked"
    );
    // Its row total is a formula, yet not locked: a row the clerk inserts below copies the
    // row's protection, and the formula must be filled down into it.
    assert!(
        s2[s2.find("<c r=\"C8\"").unwrap()..]
            .split("</c>")
            .next()
            .unwrap()
            .contains("<f>"),
        "本年收入合计 of a 科目 row is a formula"
    );
    assert!(
        unlocked(&styles, style_of(&s2, "C8")),
        "本年收入合计 of a 科目 row unlocked"
    );
    assert!(
        !unlocked(&styles, style_of(&s2, "C7")),
        "本年收入合计 of the 合计 row locked"
    );
    // Amount inputs only take numbers.
    assert!(
        s1.contains("<dataValidation type=\"decimal\""),
        "amount validation"
    );
    assert_eq!(
        validation_at(&s1, "C7").as_deref(),
        Some("decimal"),
        "line 1 validated"
    );
    assert_eq!(
        validation_at(&s1, "C33"),
        None,
        "a formula is not validated"
    );
    assert_eq!(validation_at(&s2, "D8").as_deref(), Some("decimal"));
    // A blank form prints no 0.00: amounts show nothing for zero.
    assert!(
        styles.contains("formatCode=\"#,##0.00;-#,##0.00;;@\""),
        "zero-hiding amount format"
    );
    // The sums of a 科目 panel cover its whole block of rows, so a row inserted inside it is
    // added: 公开02表's 合计 adds the top-level rows of 8 … 22.
    assert!(s2.contains("SUMPRODUCT((LEN(A8:A22)=3),D8:D22)"), "{s2}");
}

/// The `<dataValidation type="custom"` formulas of the 附件2 (perf-dept) sheet of a workbook.
fn custom_validations(path: &std::path::Path) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook(path).unwrap();
    let i = wb
        .sheet_names()
        .iter()
        .position(|n| n == "附件2")
        .expect("perf-dept sheet")
        + 1;
    let xml = part(path, &format!("xl/worksheets/sheet{i}.xml"));
    xml.split("<dataValidation type=\"custom\"")
        .skip(1)
        .map(|v| {
            v.split("<formula1>")
                .nth(1)
                .unwrap()
                .split("</formula1>")
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn the_score_column_is_bounded_as_scoring_names_it() {
    // perf-dept with its 自评得分 column renamed "mark" everywhere.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("protection-renamed");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "perf-dept.toml" {
            for (from, to) in [
                ("{ id = \"score\"", "{ id = \"mark\""),
                ("@ind.score", "@ind.mark"),
                ("columns = [\"score\"]", "columns = [\"mark\"]"),
                ("\"score <= weight\"", "\"mark <= weight\""),
                ("\"score >= weight\"", "\"mark >= weight\""),
                ("not blank(score)", "not blank(mark)"),
                ("score = \"score\"", "score = \"mark\""),
            ] {
                assert!(text.contains(from), "{from}");
                text = text.replace(from, to);
            }
        }
        std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
    }
    let renamed = write_from(
        &Catalog::from_dir(&dir).unwrap(),
        Family::Perf,
        "perf-renamed.xlsx",
    );
    let original = custom_validations(&write(Family::Perf, "perf-for-renamed.xlsx"));
    assert!(original.len() > 2, "{original:?}");
    assert_eq!(custom_validations(&renamed), original);
}

#[test]
fn self_evaluation_scores_are_bounded_by_the_rows_weight() {
    let custom = custom_validations(&write(Family::Perf, "perf.xlsx"));
    assert!(
        !custom.is_empty(),
        "自评得分 cells have a custom validation"
    );
    for v in &custom {
        let formula = v.replace("&gt;", ">").replace("&lt;", "<");
        assert!(
            formula.starts_with("AND(ISNUMBER(")
                && formula.contains(">=0")
                && formula.contains("<="),
            "{formula}"
        );
    }
}
