//! Reads PDFs: the real published 2024 决算 against its xlsx transcription, findings and fix's notes located by page, and damaged, scanned and encrypted PDFs refused by every command.

#[path = "support/cli.rs"]
mod cli;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use fiscalform::read::{read_workbook, Cell, Format, ReadError, Sheet};
use rust_decimal::Decimal;
use serde_json::Value;

/// The real disclosure (from ../shared/real, kept here so that CI has it) and its transcription.
fn real(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(format!("2024决算-上海普陀区财政局.{ext}"))
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
    let bytes = std::fs::read(real("pdf")).unwrap();
    let truncated = dir.join("截断.pdf");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let e = read_workbook(&truncated).expect_err("a third of a PDF");
    assert!(matches!(e, ReadError::Document { .. }), "{e:?}");
}

/// A one-page A4 PDF painting `content`.
fn one_page(content: &[u8]) -> pdf_extract::Document {
    use pdf_extract::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
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
    doc
}

/// A one-page PDF that only draws a rectangle (as a scan only draws an image).
fn pdf_without_text(path: &Path) {
    one_page(b"0 0 0 RG 10 10 100 100 re S").save(path).unwrap();
}

/// A PDF with a table that opens only with the password "secret" (RC4, 128 bits).
fn encrypted_pdf(path: &Path) {
    use pdf_extract::{EncryptionState, EncryptionVersion, Object, Permissions};
    let mut doc = one_page(
        b"0 0 0 RG 50 700 200 40 re S 150 700 m 150 740 l S \
          BT /F1 10 Tf 60 715 Td (total) Tj 100 0 Td (526.36) Tj ET",
    );
    let id = Object::string_literal(b"fiscalform-test-1".to_vec());
    doc.trailer.set("ID", vec![id.clone(), id]);
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    doc.save(path).unwrap();
}

#[test]
fn scanned_pdf_is_refused_with_what_to_do() {
    let path = scratch("scan").join("扫描件.pdf");
    pdf_without_text(&path);
    expect_document_error(&path, "扫描件");
}

/// A table ruled only across (三线表): text, but no table rebuilt from cell borders. The
/// message says why and asks for the Excel or Word original.
#[test]
fn pdf_of_tables_ruled_only_across_says_why_it_reads_none() {
    let path = scratch("three-line").join("三线表.pdf");
    one_page(
        b"0 0 0 RG 50 740 m 300 740 l S 50 700 m 300 700 l S \
          BT /F1 10 Tf 60 720 Td (total) Tj 100 0 Td (526.36) Tj ET",
    )
    .save(&path)
    .unwrap();
    expect_document_error(&path, "框线");
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
            s.merges().iter().map(|m| m.to_string()).collect::<Vec<_>>()
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

#[test]
fn encrypted_pdf_is_refused_with_what_to_do() {
    let path = scratch("encrypted").join("加密.pdf");
    encrypted_pdf(&path);
    let mut doc = pdf_extract::Document::load(&path).unwrap();
    assert!(doc.is_encrypted(), "the test file is encrypted");
    assert!(doc.decrypt("secret").is_ok(), "and opens with its password");
    expect_document_error(&path, "加密");
    let msg = read_workbook(&path).unwrap_err().to_string();
    assert!(
        msg.contains("密码") && msg.contains("不加密的 PDF"),
        "{msg}"
    );
}

/// The files no command can read, each with a word its message must hold.
fn unreadable(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let scan = dir.join("扫描件.pdf");
    pdf_without_text(&scan);
    let locked = dir.join("加密.pdf");
    encrypted_pdf(&locked);
    let damaged = dir.join("坏.pdf");
    std::fs::write(&damaged, b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage").unwrap();
    let docx = dir.join("坏.docx");
    std::fs::write(&docx, b"PK\x03\x04 not really a zip").unwrap();
    vec![
        (scan, "扫描件"),
        (locked, "加密"),
        (damaged, "不是完好的 PDF"),
        (docx, "已损坏"),
    ]
}

/// `check`, `fix` and `export` refuse an unreadable document with exit 2 and the reader's
/// message naming the file, and write nothing.
#[test]
fn every_command_refuses_an_unreadable_document_and_writes_nothing() {
    let dir = scratch("cli");
    for (path, zh) in unreadable(&dir) {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let ext = path.extension().unwrap().to_string_lossy().to_string();
        let fixed = dir.join(format!("{stem}-{ext}-已校正.xlsx"));
        let json = dir.join(format!("{stem}-{ext}.json"));
        let p = path.to_str().unwrap();
        for args in [
            vec!["check", p],
            vec!["fix", p, "-o", fixed.to_str().unwrap()],
            vec!["export", p, "-o", json.to_str().unwrap()],
        ] {
            let (code, out, err) = cli::run(&args);
            let shown = out + &err;
            assert_eq!(code, 2, "{args:?}: {shown}");
            assert!(shown.contains(zh) && shown.contains(p), "{args:?}: {shown}");
        }
        assert!(
            !fixed.exists() && !json.exists(),
            "{p}: an output was written"
        );
    }
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".pdf") && !n.ends_with(".docx"))
        .collect();
    assert!(left.is_empty(), "half-written files: {left:?}");
}

/// The page of a finding's cell as the reader has it.
fn page_of_cell(wb: &fiscalform::read::Workbook, sheet: &str, cell: &str) -> Option<u32> {
    let (r, _) = fiscalform::normalize::parse_a1(cell)?;
    wb.page_of(sheet, r)
}

/// `check` on the real PDF: every finding at a cell says the page it is printed on, beside
/// the row and column of the rebuilt table, in the JSON and in the text.
#[test]
fn check_locates_findings_on_the_pdfs_pages() {
    let pdf = real("pdf");
    let wb = read_workbook(&pdf).unwrap();
    let (code, report) = cli::check_json(&pdf);
    let findings = cli::findings(&report);
    // The tables hold nothing beyond 尾差; the one error is a sentence of the 说明 (its
    // 财政拨款收入支出总计 is printed 0.3万元), found by the statement checks.
    let errors: Vec<&Value> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(code, 1, "{report}");
    assert!(
        errors.iter().all(|f| f["rule"] == "text-amount"),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let at_cells: Vec<&Value> = findings
        .iter()
        .filter(|f| f["sheet"].is_string() && f["cell"].is_string())
        .collect();
    assert!(!at_cells.is_empty());
    for f in &at_cells {
        let (sheet, cell) = (f["sheet"].as_str().unwrap(), f["cell"].as_str().unwrap());
        let page = page_of_cell(&wb, sheet, cell).expect("a page");
        assert_eq!(f["page"], page, "{f}");
    }
    // 公开01表 runs over pages 6 and 7; the 尾差 of its 社会保障和就业支出 is on page 6.
    let first = at_cells
        .iter()
        .find(|f| f["form"] == "final-01")
        .expect("a finding of 公开01表");
    assert_eq!(first["page"], 6);
    let (_, text, _) = cli::run(&["check", pdf.to_str().unwrap()]);
    let place = format!(
        "第6页 {}!{}",
        first["sheet"].as_str().unwrap(),
        first["cell"].as_str().unwrap()
    );
    assert!(text.contains(&place), "{place} in {text}");
}

/// The notes of a written workbook's sheet, by cell (`xl/commentsN.xml` found through the
/// sheet's relationships).
fn notes(xlsx: &Path, sheet_index: usize) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut s = String::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut s).unwrap();
        }
        s
    };
    let rels = part(&format!("xl/worksheets/_rels/sheet{sheet_index}.xml.rels"));
    let Some(target) = rels
        .split("Target=\"../")
        .skip(1)
        .map(|t| t.split('"').next().unwrap().to_string())
        .find(|t| t.starts_with("comments"))
    else {
        return BTreeMap::new();
    };
    let xml = part(&format!("xl/{target}"));
    xml.split("<comment ref=\"")
        .skip(1)
        .map(|c| {
            let cell = c.split('"').next().unwrap().to_string();
            let text: String = c
                .split("<t")
                .skip(1)
                .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
                .map(|t| t.split("</t>").next().unwrap())
                .collect();
            (cell, text)
        })
        .collect()
}

/// `fix` on the real PDF notes on every value it read the page it was printed on, and the
/// 审核结果 sheet names the page and the rebuilt table's cell of each finding.
#[test]
fn fix_notes_the_page_of_every_value_read_from_a_pdf() {
    let out = scratch("fix-pages").join("2024决算-已校正.xlsx");
    let _ = std::fs::remove_file(&out);
    let pdf = real("pdf");
    let (code, msg, err) = cli::run(&["fix", pdf.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    // The one error left for a person is its 说明's 财政拨款收入支出总计 printed as 0.3万元.
    assert_eq!(code, 1, "{msg}{err}");
    assert!(msg.contains("错误 1 条"), "{msg}");
    let wb = read_workbook(&out).unwrap();
    let index = wb.sheets.iter().position(|s| s.name == "公开01表").unwrap() + 1;
    let s01 = &wb.sheets[index - 1];
    let notes = notes(&out, index);
    let row_of = |label: &str| {
        (0..s01.height())
            .find(|&r| s01.get(r, 0).as_text().is_some_and(|t| t.contains(label)))
            .unwrap_or_else(|| panic!("{label} in 公开01表"))
    };
    // 公开01表 as fix writes it: 项目 | 行次 | 金额 on each side.
    let note_at = |r: u32| {
        notes
            .get(&fiscalform::normalize::a1(r, 2))
            .cloned()
            .unwrap_or_default()
    };
    let first = note_at(row_of("一般公共预算财政拨款收入"));
    assert!(first.contains("来源：第6页"), "{first:?}");
    let total = note_at(row_of("总计"));
    assert!(total.contains("来源：第7页"), "{total:?}");
    let amounts: Vec<(u32, u16)> = (0..s01.height())
        .flat_map(|r| [2, 5].map(|c| (r, c)))
        .filter(|&(r, c)| matches!(s01.get(r, c), Cell::Number(d) if !d.is_zero()))
        .collect();
    assert!(amounts.len() > 10, "{amounts:?}");
    for (r, c) in amounts {
        let at = fiscalform::normalize::a1(r, c);
        let note = notes.get(&at).cloned().unwrap_or_default();
        assert!(
            note.contains("来源：第6页") || note.contains("来源：第7页"),
            "{at}: {note:?}"
        );
    }
    let audit = wb.sheet("审核结果").unwrap();
    let places: Vec<String> = (0..audit.height())
        .map(|r| audit.get(r, 3).to_string())
        .collect();
    assert!(
        places
            .iter()
            .any(|p| p.contains("（原表 第6页 收入支出决算总表!")),
        "{places:?}"
    );
}

/// The real PDF's tables state no year; its cover's `2024年度部门决算` does.
#[test]
fn the_real_pdfs_year_is_its_covers() {
    let (_, report) = cli::check_json(&real("pdf"));
    assert_eq!(report["files"][0]["glance"]["year"], "2024", "{report}");
}

/// 公开02表 printed by LibreOffice without fit-to-width (tests/fixtures/overflow): page 1
/// holds the code, name and first three amount columns, page 2 columns 4–7 of the same rows
/// (其他收入 6.20, 6.20, 6.20, 0.01, 6.19). Page 2 is read beside its rows, each of its
/// figures at page 2: no column missing, no table left unread.
#[test]
fn right_hand_columns_printed_on_the_next_page_are_read_beside_their_rows() {
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/overflow/final02-columns-on-page2.pdf");
    let (_, report) = cli::check_json(&pdf);
    let said: Vec<String> = cli::findings(&report)
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["message"].to_string())
        .collect();
    assert!(said.is_empty(), "{said:#?}");
    let (code, out, err) = cli::run(&["explain", pdf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for (name, value) in [("合计·其他收入", "6.2"), ("行政运行·其他收入", "0.01")] {
        let line = out.lines().find(|l| l.contains(name));
        let line = line.unwrap_or_else(|| panic!("{name} not read:\n{out}"));
        assert!(line.contains("第2页") && line.ends_with(value), "{line}");
    }
}
