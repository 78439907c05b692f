//! Reads Word documents (.docx) written here from the seed fixtures — tables with gridSpan and vMerge, titles and notes as paragraphs — and damaged ones.

#[path = "support/docx.rs"]
mod docx;
#[path = "support/grid.rs"]
mod grid;

use std::io::Write;
use std::path::{Path, PathBuf};

use docx::{
    in_text_box, paragraphs, table_rows, tables_xml_with, write_docx, write_docx_xml, write_zip,
    TextBox,
};
use fiscalform::read::{read_workbook, Cell, Format, Merge, ReadError, Sheet};
use grid::{GridBook, GridCell, GridSheet};
use rust_decimal::Decimal;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("read_docx")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(name: &str) -> GridBook {
    grid::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

/// Whether a read cell holds the fixture's value: numbers by value, a text that is an amount
/// as the number a clerk would type, other text exactly.
fn same_value(expected: &GridCell, got: &Cell) -> bool {
    let amount = |s: &str| s.replace(',', "").parse::<Decimal>().ok();
    match (expected, got) {
        (GridCell::Empty, Cell::Empty) => true,
        (GridCell::Number(s), Cell::Number(d)) => amount(s) == Some(*d),
        (GridCell::Text(t), Cell::Number(d)) => amount(t.trim()) == Some(*d),
        (GridCell::Text(t), Cell::Text(u)) => t == u,
        _ => false,
    }
}

fn assert_same_cells(expected: &GridSheet, got: &Sheet) {
    let rows = expected.rows.len().max(got.height() as usize) as u32;
    let cols = expected.width().max(got.width());
    for r in 0..rows {
        for c in 0..cols {
            let (e, g) = (expected.cell(r, c), got.get(r, c));
            assert!(
                same_value(e, g),
                "{} {}: expected {e:?}, read {g:?}",
                expected.name,
                grid::a1(r, c)
            );
        }
    }
}

/// The fixture's merges inside its table rows, as read merges.
fn table_merges(sheet: &GridSheet) -> Vec<Merge> {
    let (top, end) = table_rows(sheet);
    let mut merges: Vec<Merge> = sheet
        .merges
        .iter()
        .filter(|m| m.0 >= top && m.0 < end)
        .map(|&(first_row, first_col, last_row, last_col)| Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        })
        .collect();
    merges.sort();
    merges
}

fn read_fixture_as_docx(name: &str) -> (GridBook, fiscalform::read::Workbook) {
    let book = fixture(name);
    let path = scratch(name).join("自评表.docx");
    write_docx(&book, &path);
    let wb = read_workbook(&path).unwrap_or_else(|e| panic!("{e}"));
    (book, wb)
}

fn check_same_book(name: &str) {
    let (book, wb) = read_fixture_as_docx(name);
    assert_eq!(wb.format, Format::Docx);
    assert_eq!(wb.sheets.len(), book.sheets.len(), "one sheet per table");
    for (expected, got) in book.sheets.iter().zip(&wb.sheets) {
        assert_same_cells(expected, got);
        let (top, end) = table_rows(expected);
        let read: Vec<Merge> = got
            .merges()
            .iter()
            .filter(|m| m.first_row >= top && m.first_row < end)
            .copied()
            .collect();
        assert_eq!(read, table_merges(expected), "{}: merges", expected.name);
        let paged = wb.sheets.iter().any(|s| !s.row_pages.is_empty());
        assert!(!paged, "Word has no pages");
    }
}

/// The sheets of `got` that differ from `plain`'s, cell for cell, or in number.
fn differing_sheets(
    plain: &fiscalform::read::Workbook,
    got: &fiscalform::read::Workbook,
) -> Vec<String> {
    if got.sheets.len() != plain.sheets.len() {
        return vec![format!(
            "{} sheets read, {} typed",
            got.sheets.len(),
            plain.sheets.len()
        )];
    }
    let same = |e: &Sheet, g: &Sheet| {
        (e.height(), e.width()) == (g.height(), g.width())
            && (0..e.height()).all(|r| (0..e.width()).all(|c| e.get(r, c) == g.get(r, c)))
    };
    plain
        .sheets
        .iter()
        .zip(&got.sheets)
        .filter(|(e, g)| !same(e, g))
        .map(|(e, _)| e.name.clone())
        .collect()
}

/// How a test lays a table out in a document.
type Placing = Box<dyn Fn(String) -> String>;

/// Every table of the seeds in a floating text box — stored as Word and LibreOffice store one
/// (a DrawingML shape and its VML fallback, each holding the table), as either alone, or with
/// a Choice the reader does not follow — and in a text box inside a 1×1 frame table: each
/// document reads as the same tables typed plainly, each table once.
#[test]
fn tables_in_text_boxes_read_once_as_plain_tables() {
    let framed = |t: String| {
        let boxed = in_text_box(&t, TextBox::ChoiceAndFallback);
        format!("<w:tbl><w:tr><w:tc>{boxed}</w:tc></w:tr></w:tbl>")
    };
    let ways: [(&str, Placing); 5] = [
        (
            "choice-and-fallback",
            Box::new(|t| in_text_box(&t, TextBox::ChoiceAndFallback)),
        ),
        (
            "choice-only",
            Box::new(|t| in_text_box(&t, TextBox::ChoiceOnly)),
        ),
        (
            "fallback-only",
            Box::new(|t| in_text_box(&t, TextBox::FallbackOnly)),
        ),
        (
            "unknown-choice",
            Box::new(|t| in_text_box(&t, TextBox::UnknownChoice)),
        ),
        ("in-a-frame-table", Box::new(framed)),
    ];
    let seeds = [
        "seed001_final.grid",
        "seed002_budget.grid",
        "seed003_report.grid",
        "seed004_perf.grid",
    ];
    let mut failed = Vec::new();
    for seed in seeds {
        let book = fixture(seed);
        let plain_path = scratch("text-boxes").join(format!("plain-{seed}.docx"));
        write_docx(&book, &plain_path);
        let plain = read_workbook(&plain_path).unwrap_or_else(|e| panic!("{e}"));
        for (name, place) in &ways {
            let path = scratch("text-boxes").join(format!("{name}-{seed}.docx"));
            write_docx_xml(&tables_xml_with(&book, place), &path);
            let wb = read_workbook(&path).unwrap_or_else(|e| panic!("{e}"));
            let wrong = differing_sheets(&plain, &wb);
            if !wrong.is_empty() {
                failed.push(format!("{seed} {name}: {}", wrong.join(", ")));
            }
        }
    }
    let cases = seeds.len() * ways.len();
    assert!(
        failed.is_empty(),
        "{} of {cases} documents misread:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn seed003_report_reads_back_cell_for_cell() {
    check_same_book("seed003_report.grid");
}

#[test]
fn seed004_three_forms_in_one_document_read_as_three_sheets() {
    check_same_book("seed004_perf.grid");
    let (_, wb) = read_fixture_as_docx("seed004_perf.grid");
    let names: Vec<_> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["附件一", "附件二", "附件三"]);
    // Titles and notes are kept as the document's text too, in order.
    let text: Vec<_> = wb.text.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(text[0], "附件一");
    assert_eq!(text[1], "2023年度部门整体支出绩效评价基础数据表");
    assert!(text
        .iter()
        .any(|t| t.starts_with("说明：“项目支出”需要填报")));
    assert!(wb.text.iter().all(|p| p.page.is_none()));
}

#[test]
fn nested_tables_grid_before_and_text_between_tables() {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", paragraphs(t));
    let nested = format!(
        "<w:tc><w:p><w:r><w:t>外层</w:t></w:r></w:p><w:tbl><w:tr>{}{}</w:tr></w:tbl></w:tc>",
        cell("内1"),
        cell("内2")
    );
    let body = format!(
        "<w:p><w:r><w:t>附件1</w:t></w:r></w:p>\
         <w:tbl><w:tr>{}{nested}</w:tr>\
         <w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr></w:tbl>\
         <w:p><w:r><w:t>一、情况说明：本年度&amp;无变化，这是两张表格之间的一段较长的正文，既不是标题也不是表格的注释，应当只作为文档文本保留下来。</w:t></w:r></w:p>\
         <w:p><w:r><w:t>附件2</w:t></w:r></w:p>\
         <w:tbl><w:tr>{}</w:tr></w:tbl>",
        cell("甲\n乙"),
        cell("1,234.50"),
        cell("06"),
    );
    let path = scratch("nested").join("两表.docx");
    write_docx_xml(&body, &path);
    let wb = read_workbook(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(wb.sheets.len(), 2);
    let first = &wb.sheets[0];
    assert_eq!(first.name, "附件1");
    assert_eq!(first.get(1, 0), &Cell::Text("甲\n乙".into()));
    assert_eq!(first.get(1, 1), &Cell::Text("外层\n内1\n内2".into()));
    assert_eq!(first.get(2, 0), &Cell::Empty);
    assert_eq!(first.get(2, 1), &Cell::Number("1234.50".parse().unwrap()));
    assert_eq!(wb.sheets[1].name, "附件2");
    assert_eq!(wb.sheets[1].get(1, 0), &Cell::Text("06".into()));
    assert!(wb.text[1].text.contains("本年度&无变化"));
}

/// A form table laid inside a 1×1 frame table, with its title above it in the frame (as
/// documents pasted from web pages have it): the frame gives its title line and the table,
/// cell by cell — not one cell holding all of the table's text.
#[test]
fn a_table_inside_a_frame_table_is_read_as_the_table() {
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", paragraphs(t));
    let row = |cells: &[&str]| {
        let cells: String = cells.iter().map(|t| cell(t)).collect();
        format!("<w:tr>{cells}</w:tr>")
    };
    let table = format!(
        "<w:tbl>{}{}{}</w:tbl>",
        row(&["科目名称", "决算数"]),
        row(&["合计", "2,940.05"]),
        row(&["一般公共服务支出", "2106.66"])
    );
    let body = format!(
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>支出决算表</w:t></w:r></w:p>{table}</w:tc></w:tr></w:tbl>\
         <w:p><w:r><w:t>注：本表反映部门本年度各项支出情况。</w:t></w:r></w:p>"
    );
    let path = scratch("framed").join("框内表.docx");
    write_docx_xml(&body, &path);
    let wb = read_workbook(&path).unwrap_or_else(|e| panic!("{e}"));
    let cells: Vec<(u32, u16, String)> = wb
        .sheets
        .iter()
        .flat_map(|s| s.cells().map(|(r, c, cell)| (r, c, cell.to_string())))
        .collect();
    let at = |text: &str| {
        cells
            .iter()
            .find(|(_, _, t)| t == text)
            .map(|(r, c, _)| (*r, *c))
    };
    let (total_row, total_col) = at("合计").unwrap_or_else(|| panic!("{cells:?}"));
    assert_eq!(at("2940.05"), Some((total_row, total_col + 1)), "{cells:?}");
    assert_eq!(at("一般公共服务支出"), Some((total_row + 1, total_col)));
    assert_eq!(at("科目名称"), Some((total_row - 1, total_col)));
    let title = at("支出决算表").expect("the title line");
    assert!(title.0 < total_row - 1, "{cells:?}");
}

fn expect_document_error(path: &Path, zh: &str) -> String {
    let e = read_workbook(path).expect_err("must not read");
    assert!(matches!(e, ReadError::Document { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains(zh), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    msg
}

#[test]
fn damaged_documents_are_refused_with_what_to_do() {
    let dir = scratch("bad");
    let good = dir.join("good.docx");
    write_docx_xml("<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>", &good);
    assert!(read_workbook(&good).is_ok());

    let truncated = dir.join("截断.docx");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    // A zip without its directory is damaged before it is known to be Word.
    assert!(read_workbook(&truncated).is_err());

    let bad_xml = dir.join("坏XML.docx");
    write_zip(
        &bad_xml,
        &[("word/document.xml", "<w:document><w:body><w:tbl></w:body")],
    );
    expect_document_error(&bad_xml, "不是完好的 Word 文档");

    let no_table = dir.join("无表格.docx");
    write_docx_xml("<w:p><w:r><w:t>只有文字</w:t></w:r></w:p>", &no_table);
    expect_document_error(&no_table, "没有任何表格");
}

#[test]
fn a_document_part_that_inflates_too_far_is_refused() {
    let path = scratch("bomb").join("炸弹.docx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..65 {
        z.write_all(&block).unwrap();
    }
    z.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    expect_document_error(&path, "超过");
}
