//! Reads PDFs: the real published 2024 决算 against its xlsx transcription, and damaged, scanned and encrypted PDFs.

use std::path::{Path, PathBuf};

use fiscalform::read::{read_workbook, Cell, Format, ReadError, Sheet};
use rust_decimal::Decimal;

fn real(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real")
        .join(format!("2024决算-上海普陀区财政局.{ext}"))
}

fn real_dir_exists() -> bool {
    real("pdf").exists()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("read_pdf")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A cell as a number when it reads as one (codes typed as text included), else squeezed text.
fn value(cell: &Cell) -> Option<Result<Decimal, String>> {
    match cell {
        Cell::Empty => None,
        Cell::Number(d) => Some(Ok(d.normalize())),
        other => {
            let t: String = other
                .to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            match t.replace(',', "").parse::<Decimal>() {
                Ok(d) => Some(Ok(d.normalize())),
                Err(_) if t.is_empty() => None,
                Err(_) => Some(Err(t)),
            }
        }
    }
}

/// Every row holding a number, as (its texts joined, its numbers in order), sorted.
fn labelled_rows(sheet: &Sheet) -> Vec<(String, Vec<Decimal>)> {
    let mut rows = Vec::new();
    for r in 0..sheet.height() {
        let (mut label, mut numbers) = (String::new(), Vec::new());
        for c in 0..sheet.width() {
            match value(sheet.get(r, c)) {
                Some(Ok(d)) => numbers.push(d),
                Some(Err(t)) => label.push_str(&t),
                None => {}
            }
        }
        if !numbers.is_empty() {
            rows.push((label, numbers));
        }
    }
    rows.sort();
    rows
}

fn numbers(sheet: &Sheet) -> Vec<Decimal> {
    let mut all: Vec<Decimal> = labelled_rows(sheet).into_iter().flat_map(|r| r.1).collect();
    all.sort();
    all
}

#[test]
fn real_disclosure_tables_read_as_their_transcription() {
    if !real_dir_exists() {
        eprintln!("shared/real is not beside the repository: skipped");
        return;
    }
    let pdf = read_workbook(&real("pdf")).unwrap_or_else(|e| panic!("{e}"));
    let xlsx = read_workbook(&real("xlsx")).unwrap();
    assert_eq!(pdf.format, Format::Pdf);
    // The nine tables, named by their titles, in the PDF's order; the document's other table
    // (its list of member units, in 概况) is read too.
    let names: Vec<_> = pdf.sheets.iter().map(|s| s.name.as_str()).collect();
    let typed_names: Vec<_> = xlsx.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[0], "表1", "{names:?}");
    assert_eq!(
        pdf.sheets[0].get(1, 1).as_text(),
        Some("上海市普陀区财政局（本级）")
    );
    assert_eq!(names[1..], typed_names, "{names:?}");
    for (typed, read) in xlsx.sheets.iter().zip(&pdf.sheets[1..]) {
        assert_eq!(numbers(read), numbers(typed), "{}: the numbers", typed.name);
        assert_eq!(
            labelled_rows(read),
            labelled_rows(typed),
            "{}: the rows",
            typed.name
        );
        assert_eq!(
            read.get(0, 0),
            typed.get(0, 0),
            "{}: title line",
            typed.name
        );
    }
}

#[test]
fn real_disclosure_keeps_pages_and_text() {
    if !real_dir_exists() {
        return;
    }
    let pdf = read_workbook(&real("pdf")).unwrap_or_else(|e| panic!("{e}"));
    let first = pdf.sheet("收入支出决算总表").expect("公开01表");
    let total = (0..first.height())
        .find(|&r| first.get(r, 0).as_text() == Some("总计"))
        .expect("总计 row of 收入支出决算总表");
    // The table starts on page 6 and runs over to page 7, where 总计 is printed.
    assert_eq!(pdf.page_of(&first.name, 0), Some(6));
    assert_eq!(pdf.page_of(&first.name, total), Some(7));
    assert!(pdf.text.iter().any(|p| p.text.contains("单位：万元")));
    assert!(
        pdf.text.windows(2).all(|w| w[0].page <= w[1].page),
        "reading order"
    );
    assert!(pdf.text.iter().all(|p| p.page.is_some()));
}

fn expect_document_error(path: &Path, zh: &str) {
    let e = read_workbook(path).expect_err("must not read");
    assert!(matches!(e, ReadError::Document { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(zh) && msg.contains(&path.display().to_string()),
        "{msg}"
    );
}

#[test]
fn damaged_pdf_is_refused() {
    let dir = scratch("damaged");
    let garbage = dir.join("坏.pdf");
    std::fs::write(&garbage, b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage").unwrap();
    expect_document_error(&garbage, "不是完好的 PDF");
    if real_dir_exists() {
        let bytes = std::fs::read(real("pdf")).unwrap();
        let truncated = dir.join("截断.pdf");
        std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
        let e = read_workbook(&truncated).expect_err("a third of a PDF");
        assert!(matches!(e, ReadError::Document { .. }), "{e:?}");
    }
}

/// A one-page PDF that only draws a rectangle (as a scan only draws an image).
fn pdf_without_text(path: &Path) {
    use pdf_extract::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = Stream::new(dictionary! {}, b"0 0 0 RG 10 10 100 100 re S".to_vec());
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.save(path).unwrap();
}

#[test]
fn scanned_pdf_is_refused_with_what_to_do() {
    let path = scratch("scan").join("扫描件.pdf");
    pdf_without_text(&path);
    expect_document_error(&path, "扫描件");
}

#[test]
fn pdf_found_by_content_not_extension() {
    let path = scratch("misnamed").join("扫描件.xlsx");
    pdf_without_text(&path);
    expect_document_error(&path, "扫描件");
}

/// Prints what the reader makes of the real PDF (run with `--ignored --nocapture`).
#[test]
#[ignore]
fn print_real_disclosure() {
    let pdf = read_workbook(&real("pdf")).unwrap_or_else(|e| panic!("{e}"));
    for s in &pdf.sheets {
        println!(
            "=== {} {:?}",
            s.name,
            s.merges.iter().map(|m| m.to_string()).collect::<Vec<_>>()
        );
        for r in 0..s.height() {
            let row: Vec<String> = (0..s.width()).map(|c| s.get(r, c).to_string()).collect();
            println!("{:?} {}", pdf.page_of(&s.name, r), row.join(" | "));
        }
    }
    for p in &pdf.text {
        println!("{:?} {}", p.page, p.text);
    }
}

/// `check` refuses an unreadable document with exit 2 and the reader's message.
#[test]
fn check_exits_2_on_a_scanned_pdf_and_a_damaged_docx() {
    let dir = scratch("cli");
    let scan = dir.join("扫描件.pdf");
    pdf_without_text(&scan);
    let docx = dir.join("坏.docx");
    std::fs::write(&docx, b"PK\x03\x04 not really a zip").unwrap();
    for (path, zh) in [(&scan, "扫描件"), (&docx, "已损坏")] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = fiscalform::cli::run(
            ["fiscalform", "check", path.to_str().unwrap()],
            &mut out,
            &mut err,
        );
        let shown = String::from_utf8_lossy(&out).to_string() + &String::from_utf8_lossy(&err);
        assert_eq!(code, 2, "{shown}");
        assert!(shown.contains(zh), "{shown}");
    }
}
