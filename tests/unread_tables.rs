//! Tables of a Word document that no form is recognised in but that hold figures, generated in many shapes: never skipped in silence — an error when the table has no title, a warning naming its title otherwise, with the pages and the count of figures.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/xorshift.rs"]
mod xorshift;

use serde_json::Value;
use std::path::PathBuf;
use xorshift::Xorshift as Rng;

fn scratch() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("unread-tables");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Words no form's header is made of.
const HEADS: [&str; 5] = ["指标", "数量", "金额", "占比", "备注"];

/// A bordered table of `rows` rows of figures under a header of `cols` columns.
fn table_xml(rng: &mut Rng, rows: usize, cols: usize) -> (String, usize) {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", docx::paragraphs(t));
    let mut xml = String::from("<w:tbl><w:tblPr><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        xml.push_str(&format!(r#"<w:{side} w:val="single" w:sz="4"/>"#));
    }
    xml.push_str("</w:tblBorders></w:tblPr>");
    let head: String = (0..cols).map(|c| cell(HEADS[c % HEADS.len()])).collect();
    xml.push_str(&format!("<w:tr>{head}</w:tr>"));
    let mut figures = 0;
    for r in 0..rows {
        let mut row = cell(&format!("第{}组", r + 1));
        for _ in 1..cols {
            row.push_str(&cell(&format!(
                "{}.{:02}",
                rng.below(9000) + 10,
                rng.below(100)
            )));
            figures += 1;
        }
        xml.push_str(&format!("<w:tr>{row}</w:tr>"));
    }
    (xml + "</w:tbl>", figures)
}

/// The findings of `rule` in `check --format json` of `path`, and the exit code.
fn findings_of(path: &std::path::Path, rule: &str) -> (i32, Vec<Value>) {
    let (code, doc) = cli::check_json(path);
    let found = cli::findings(&doc)
        .into_iter()
        .filter(|f| f["rule"] == rule)
        .collect();
    (code, found)
}

#[test]
fn a_document_table_with_figures_no_form_takes_is_told() {
    let d = scratch();
    let mut rng = Rng(0x5eed_2201);
    let mut problems = Vec::new();
    for i in 0..12 {
        let titled = i % 2 == 1;
        let (rows, cols) = (2 + rng.below(12), 3 + rng.below(3));
        let (table, figures) = table_xml(&mut rng, rows, cols);
        let mut body = String::new();
        if titled {
            body.push_str(&docx::paragraphs("机关运行经费明细情况表"));
        }
        body.push_str(&docx::paragraphs(
            ["单位：万元", "金额单位：万元"][i % 4 / 2],
        ));
        body.push_str(&table);
        let path = d.join(format!("unread-{i}.docx"));
        docx::write_docx_xml(&body, &path);
        let (code, found) = findings_of(&path, "table-not-read");
        let severity = if titled { "warning" } else { "error" };
        let told = found.iter().any(|f| {
            let m = f["message"].as_str().unwrap_or("");
            f["severity"] == severity
                && m.contains(&format!("{figures} 个数值"))
                && (!titled || m.contains("机关运行经费明细情况表"))
        });
        if !told || code == 0 {
            problems.push(format!(
                "{} (titled {titled}, {figures} figures): exit {code}, {found:?}",
                path.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A list of units numbered by 序号 (1, 2, 3 …, as a 决算's 单位构成 prints it) holds no
/// figures left unread: no finding, titled or not.
#[test]
fn a_list_numbered_by_its_serial_numbers_is_no_table_of_figures() {
    let d = scratch();
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", docx::paragraphs(t));
    for units in [2, 3, 7] {
        let mut xml = String::from(
            r#"<w:tbl><w:tblPr><w:tblBorders><w:insideH w:val="single" w:sz="4"/></w:tblBorders></w:tblPr>"#,
        );
        xml.push_str(&format!(
            "<w:tr>{}{}{}</w:tr>",
            cell("序号"),
            cell("单位名称"),
            cell("备注")
        ));
        for n in 1..=units {
            let row = [
                n.to_string(),
                format!("某某区财政局第{n}所"),
                "预算不单列，并入本级".into(),
            ];
            xml.push_str(&format!(
                "<w:tr>{}</w:tr>",
                row.iter().map(|t| cell(t)).collect::<String>()
            ));
        }
        xml.push_str("</w:tbl>");
        let path = d.join(format!("units-{units}.docx"));
        docx::write_docx_xml(
            &(docx::paragraphs("纳入部门决算编制范围的单位包括：") + &xml),
            &path,
        );
        let (_, found) = findings_of(&path, "table-not-read");
        assert!(found.is_empty(), "{}: {found:?}", path.display());
    }
}
