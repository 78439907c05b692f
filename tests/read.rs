//! Reads real-shaped workbooks (built with rust_xlsxwriter, converted to .xls/.ods by LibreOffice) and checks cells, positions, merges and errors.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use fiscalform::normalize::{parse_amount, parse_code, Amount, SplitCodeState};
use fiscalform::read::{
    read_workbook, Cell, CellNoteKind, Format, Merge, ReadError, Sheet, Workbook,
};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Formula, Workbook as XWorkbook};

// ---------------------------------------------------------------------------------------------
// Helpers

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn num(s: &str) -> Cell {
    Cell::Number(dec(s))
}
fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}
fn merge(r1: u32, c1: u16, r2: u32, c2: u16) -> Merge {
    Merge {
        first_row: r1,
        first_col: c1,
        last_row: r2,
        last_col: c2,
    }
}

/// A fresh directory under cargo's per-target temporary directory.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "read-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        name
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Converts `src` with LibreOffice to `ext` (xls or ods) in `outdir`, with a private profile so
/// parallel runs do not clash. Fails loudly when LibreOffice is missing.
fn soffice_convert(src: &Path, ext: &str, outdir: &Path) -> PathBuf {
    let found = Command::new("soffice").arg("--version").output();
    if !matches!(&found, Ok(o) if o.status.success()) {
        panic!(
            "LibreOffice (`soffice`) is needed to build the .xls/.ods test inputs but was not \
             found on PATH: install it with `apt-get install -y libreoffice-calc-nogui` (or \
             libreoffice-calc) and run the tests again."
        );
    }
    let profile = scratch(&format!("lo-profile-{ext}"));
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to", ext, "--outdir"])
        .arg(outdir)
        .arg(src)
        .output()
        .expect("run soffice");
    let target = outdir.join(src.with_extension(ext).file_name().unwrap());
    assert!(
        out.status.success() && target.exists(),
        "soffice failed to convert {} to {ext}: status {:?}\nstdout: {}\nstderr: {}",
        src.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&profile);
    target
}

// ---------------------------------------------------------------------------------------------
// The test workbook, laid out like the 部门决算 公开01表/公开02表 and a Changsha 收入总表.

const SHEET1: &str = "公开01表";
const SHEET2: &str = "公开02表";
const SHEET3: &str = "收入总表";
const SHEET4: &str = "说明";

fn build_forms(path: &Path) {
    let mut wb = XWorkbook::new();
    let plain = XFormat::new();
    let bold = XFormat::new().set_bold();
    let two_digits = XFormat::new().set_num_format("00");
    let date = XFormat::new().set_num_format("yyyy-mm-dd");
    let percent = XFormat::new().set_num_format("0.00%");

    // 公开01表, from A1, with merged title and 收入/支出 header blocks.
    let ws = wb.add_worksheet().set_name(SHEET1).unwrap();
    ws.merge_range(0, 0, 0, 5, "收入支出决算总表", &plain)
        .unwrap();
    ws.write_string(1, 0, "部门：株洲市长株潭一体化发展事务中心")
        .unwrap();
    ws.write_string(1, 5, "公开01表").unwrap();
    ws.write_string(2, 5, "金额单位：万元").unwrap();
    ws.merge_range(3, 0, 3, 2, "收入", &plain).unwrap();
    ws.merge_range(3, 3, 3, 5, "支出", &plain).unwrap();
    for (c, h) in ["项目", "行次", "金额", "项目", "行次", "金额"]
        .iter()
        .enumerate()
    {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    ws.write_string(5, 0, "栏次").unwrap();
    ws.write_number(5, 2, 1).unwrap();
    ws.write_string(5, 3, "栏次").unwrap();
    ws.write_number(5, 5, 2).unwrap();
    ws.write_string(6, 0, "一、一般公共预算财政拨款收入")
        .unwrap();
    ws.write_number(6, 1, 1).unwrap();
    ws.write_number(6, 2, 526.36).unwrap();
    ws.write_string(6, 3, "一、一般公共服务支出").unwrap();
    ws.write_number(6, 4, 32).unwrap();
    ws.write_number(6, 5, 428.48).unwrap();
    ws.write_string(7, 0, "二、政府性基金预算财政拨款收入")
        .unwrap();
    ws.write_number(7, 1, 2).unwrap();
    ws.write_number(7, 2, 0.0).unwrap();
    ws.write_string(7, 3, "二、外交支出").unwrap();
    ws.write_number(7, 4, 33).unwrap();
    ws.write_string(7, 5, "——").unwrap();
    ws.write_string(8, 0, "八、其他收入").unwrap();
    ws.write_number(8, 1, 8).unwrap();
    ws.write_string(8, 2, "1,643.36").unwrap();
    ws.write_string(8, 3, "八、社会保障和就业支出").unwrap();
    ws.write_number(8, 4, 39).unwrap();
    ws.write_number(8, 5, 47.76).unwrap();
    ws.write_number(9, 1, 9).unwrap();
    ws.write_string(9, 3, "九、卫生健康支出").unwrap();
    ws.write_number(9, 4, 40).unwrap();
    ws.write_number(9, 5, 25.59).unwrap();
    ws.write_string(10, 0, "本 年 收 入 合 计").unwrap();
    ws.write_number(10, 1, 27).unwrap();
    ws.write_formula(10, 2, Formula::new("=C7+C8").set_result("526.36"))
        .unwrap();
    ws.write_string(10, 3, "本年支出合计").unwrap();
    ws.write_number(10, 4, 58).unwrap();
    ws.write_formula(10, 5, Formula::new("=SUM(F7:F10)").set_result("501.83"))
        .unwrap();
    // A sum as a program would store it: 418.68 + 9.8 is 428.48000000000002 in binary.
    ws.write_string(11, 0, "总计").unwrap();
    ws.write_number(11, 2, 418.68 + 9.8).unwrap();
    // Odd values clerks leave around.
    ws.write_string(12, 0, "年度预\n算申请").unwrap();
    ws.write_rich_string(12, 1, &[(&bold, "本年"), (&plain, "收入合计")])
        .unwrap();
    ws.write_boolean(12, 2, true).unwrap();
    ws.write_datetime_with_format(12, 3, ExcelDateTime::from_ymd(2023, 12, 31).unwrap(), &date)
        .unwrap();
    ws.write_formula(12, 4, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    ws.write_string(12, 5, " ").unwrap();
    ws.write_number(13, 2, 1e-7).unwrap();
    ws.write_number(13, 3, -12.5).unwrap();
    ws.write_number_with_format(13, 4, 0.7968, &percent)
        .unwrap();
    // Identical neighbours and identical rows: ODS stores them once with a repeat count.
    for r in 14..17 {
        ws.write_string(r, 0, "0.00").unwrap();
        for c in 1..6 {
            ws.write_number(r, c, 0.0).unwrap();
        }
    }

    // 公开02表: the used range starts at C5.
    let ws = wb.add_worksheet().set_name(SHEET2).unwrap();
    ws.merge_range(4, 2, 4, 3, "项目", &plain).unwrap();
    ws.merge_range(4, 4, 6, 4, "本年收入合计", &plain).unwrap();
    ws.merge_range(4, 5, 6, 5, "财政拨款收入", &plain).unwrap();
    ws.write_string(5, 2, "科目代码").unwrap();
    ws.write_string(5, 3, "科目名称").unwrap();
    ws.write_string(7, 2, "栏次").unwrap();
    ws.write_number(7, 4, 1).unwrap();
    ws.write_number(7, 5, 2).unwrap();
    ws.merge_range(8, 2, 8, 3, "合计", &plain).unwrap();
    ws.write_number(8, 4, 526.36).unwrap();
    ws.write_number(8, 5, 526.36).unwrap();
    ws.write_number(9, 2, 201).unwrap();
    ws.write_string(9, 3, "一般公共服务支出").unwrap();
    ws.write_number(9, 4, 428.48).unwrap();
    ws.write_string(9, 5, "428.48").unwrap();
    ws.write_string(10, 2, "20104").unwrap();
    ws.write_string(10, 3, "发展与改革事务").unwrap();
    ws.write_number(10, 4, 428.48).unwrap();
    ws.write_number(10, 5, 428.48).unwrap();
    ws.write_number(11, 2, 2010450).unwrap();
    ws.write_string(11, 3, "事业运行").unwrap();
    ws.write_number(11, 4, 418.68).unwrap();
    ws.write_number(11, 5, 418.68).unwrap();
    ws.write_string(12, 2, " 2010499 ").unwrap();
    ws.write_string(12, 3, "其他发展与改革事务支出").unwrap();
    ws.write_number(12, 4, 9.8).unwrap();
    ws.write_number(12, 5, 9.80).unwrap();
    ws.write_number(13, 2, 208).unwrap();
    ws.write_string(13, 3, "社会保障和就业支出").unwrap();
    ws.write_string(13, 4, "——").unwrap();
    ws.write_string(13, 5, "-").unwrap();

    // Changsha 收入总表 with the code split over 类/款/项.
    let ws = wb.add_worksheet().set_name(SHEET3).unwrap();
    ws.merge_range(0, 0, 0, 2, "科目编码", &plain).unwrap();
    ws.merge_range(0, 3, 1, 3, "功能科目", &plain).unwrap();
    ws.merge_range(0, 4, 1, 4, "合计", &plain).unwrap();
    for (c, h) in ["类", "款", "项"].iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for c in 0..4 {
        ws.write_string(2, c, "**").unwrap();
    }
    ws.write_number(2, 4, 1).unwrap();
    ws.write_string(3, 3, "合计").unwrap();
    ws.write_number(3, 4, 938.91).unwrap();
    ws.write_string(4, 0, "201").unwrap();
    ws.write_string(4, 3, "一般公共服务支出").unwrap();
    ws.write_number(4, 4, 938.91).unwrap();
    ws.write_string(5, 1, "04").unwrap();
    ws.write_string(5, 3, "发展与改革事务").unwrap();
    ws.write_number(5, 4, 938.91).unwrap();
    ws.write_string(6, 0, "201").unwrap();
    ws.write_string(6, 1, "04").unwrap();
    ws.write_string(6, 2, "06").unwrap();
    ws.write_string(6, 3, "社会事业发展规划").unwrap();
    ws.write_number(6, 4, 340.42).unwrap();
    // Codes typed as numbers, shown with two digits by a "00" format.
    ws.write_number(7, 0, 201).unwrap();
    ws.write_number_with_format(7, 1, 4, &two_digits).unwrap();
    ws.write_number_with_format(7, 2, 50, &two_digits).unwrap();
    ws.write_string(7, 3, "事业运行").unwrap();
    ws.write_number(7, 4, 598.49).unwrap();

    let ws = wb.add_worksheet().set_name(SHEET4).unwrap();
    ws.write_string(0, 0, "隐藏的说明").unwrap();
    ws.set_hidden(true);

    wb.save(path).unwrap();
}

struct Inputs {
    xlsx: PathBuf,
    xls: PathBuf,
    ods: PathBuf,
}

/// Builds the forms workbook once and converts it once per format for all tests.
fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let dir = scratch("forms");
        let xlsx = dir.join("决算公开表.xlsx");
        build_forms(&xlsx);
        let xls = soffice_convert(&xlsx, "xls", &dir);
        let ods = soffice_convert(&xlsx, "ods", &dir);
        Inputs { xlsx, xls, ods }
    })
}

fn read(path: &Path) -> Workbook {
    read_workbook(path).unwrap_or_else(|e| panic!("{e}"))
}

fn sheet<'a>(wb: &'a Workbook, name: &str) -> &'a Sheet {
    wb.sheet(name)
        .unwrap_or_else(|| panic!("no sheet {name} in {}", wb.path.display()))
}

// ---------------------------------------------------------------------------------------------
// What the xlsx reads as

/// The cells every format must agree on.
fn check_common_cells(wb: &Workbook) {
    let s1 = sheet(wb, SHEET1);
    assert_eq!(s1.get(0, 0), &text("收入支出决算总表"));
    assert_eq!(
        s1.get(0, 1),
        &Cell::Empty,
        "covered part of a merge is empty"
    );
    assert_eq!(s1.get(1, 0), &text("部门：株洲市长株潭一体化发展事务中心"));
    assert_eq!(s1.get(2, 5), &text("金额单位：万元"));
    assert_eq!(s1.get(3, 3), &text("支出"));
    assert_eq!(s1.get(6, 2), &num("526.36"));
    assert_eq!(s1.get(6, 2).to_string(), "526.36");
    assert_eq!(s1.get(6, 4), &num("32"));
    assert_eq!(s1.get(7, 2), &num("0"));
    assert_eq!(s1.get(7, 5), &text("——"));
    assert_eq!(s1.get(8, 2), &text("1,643.36"));
    assert_eq!(s1.get(9, 0), &Cell::Empty);
    assert_eq!(s1.get(9, 2), &Cell::Empty);
    assert_eq!(s1.get(10, 0), &text("本 年 收 入 合 计"));
    assert_eq!(s1.get(10, 2), &num("526.36"), "cached formula result");
    assert_eq!(s1.get(10, 5), &num("501.83"), "cached formula result");
    assert_eq!(s1.get(11, 2), &num("428.48"), "binary noise rounded away");
    assert_eq!(s1.get(12, 0), &text("年度预\n算申请"));
    assert_eq!(
        s1.get(12, 1),
        &text("本年收入合计"),
        "rich text runs joined"
    );
    if wb.format == Format::Ods {
        // LibreOffice has no boolean type: it writes TRUE as the formula =TRUE() with the
        // number 1 as result.
        assert_eq!(s1.get(12, 2), &num("1"));
    } else {
        assert_eq!(s1.get(12, 2), &Cell::Bool(true));
    }
    assert_eq!(s1.get(12, 3), &num("45291"), "date as its 1900 serial");
    assert_eq!(s1.get(12, 4), &Cell::Error("#DIV/0!".into()));
    assert_eq!(s1.get(12, 5), &text(" "));
    assert_eq!(s1.get(13, 2), &num("0.0000001"));
    assert_eq!(s1.get(13, 3), &num("-12.5"));
    assert_eq!(
        s1.get(13, 4),
        &num("0.7968"),
        "percent format keeps the fraction"
    );
    for r in 14..17 {
        assert_eq!(s1.get(r, 0), &text("0.00"));
        for c in 1..6 {
            assert_eq!(
                s1.get(r, c),
                &num("0"),
                "{}",
                fiscalform::normalize::a1(r, c)
            );
        }
    }
    assert_eq!(s1.height(), 17);
    assert_eq!(s1.width(), 6);
    assert_eq!(
        s1.merges().to_vec(),
        vec![merge(0, 0, 0, 5), merge(3, 0, 3, 2), merge(3, 3, 3, 5)]
    );
    assert_eq!(s1.merge_at(3, 4), Some(&merge(3, 3, 3, 5)));
    assert_eq!(s1.shown(0, 4), &text("收入支出决算总表"));
    assert_eq!(s1.merge_at(4, 4), None);
    assert!(!s1.hidden);

    let s2 = sheet(wb, SHEET2);
    // Absolute positions although the used range starts at C5.
    assert_eq!(s2.get(4, 2), &text("项目"));
    assert_eq!(s2.get(4, 4), &text("本年收入合计"));
    assert_eq!(s2.get(5, 2), &text("科目代码"));
    assert_eq!(s2.get(8, 2), &text("合计"));
    assert_eq!(s2.get(8, 4), &num("526.36"));
    assert_eq!(s2.get(9, 2), &num("201"));
    assert_eq!(s2.get(9, 5), &text("428.48"));
    assert_eq!(s2.get(10, 2), &text("20104"));
    assert_eq!(s2.get(11, 2), &num("2010450"));
    assert_eq!(s2.get(12, 2), &text(" 2010499 "));
    assert_eq!(s2.get(12, 4), &num("9.8"));
    assert_eq!(s2.get(13, 4), &text("——"));
    for r in 0..4 {
        for c in 0..10 {
            assert_eq!(s2.get(r, c), &Cell::Empty);
        }
    }
    for r in 0..s2.height() {
        assert_eq!(s2.get(r, 0), &Cell::Empty);
        assert_eq!(s2.get(r, 1), &Cell::Empty);
    }
    assert_eq!(s2.height(), 14);
    assert_eq!(s2.width(), 6);
    assert_eq!(
        s2.merges().to_vec(),
        vec![
            merge(4, 2, 4, 3),
            merge(4, 4, 6, 4),
            merge(4, 5, 6, 5),
            merge(8, 2, 8, 3)
        ]
    );
    assert_eq!(s2.merge_at(6, 4), Some(&merge(4, 4, 6, 4)));
    assert_eq!(s2.shown(5, 5), &text("财政拨款收入"));
    let codes: Vec<Option<String>> = (9..14).map(|r| parse_code(s2.get(r, 2))).collect();
    assert_eq!(
        codes,
        ["201", "20104", "2010450", "2010499", "208"].map(|c| Some(c.to_string()))
    );
    let amounts: Vec<Amount> = (8..14).map(|r| parse_amount(s2.get(r, 5))).collect();
    assert_eq!(
        amounts,
        vec![
            Amount::Value(dec("526.36")),
            Amount::Value(dec("428.48")),
            Amount::Value(dec("428.48")),
            Amount::Value(dec("418.68")),
            Amount::Value(dec("9.80")),
            Amount::Nothing,
        ]
    );
    assert_eq!(
        parse_amount(sheet(wb, SHEET1).get(8, 2)),
        Amount::Value(dec("1643.36"))
    );

    let s3 = sheet(wb, SHEET3);
    let mut state = SplitCodeState::new();
    let codes: Vec<(u32, String)> = (0..s3.height())
        .filter_map(|r| {
            state
                .next(s3.get(r, 0), s3.get(r, 1), s3.get(r, 2))
                .map(|c| (r, c))
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (4, "201".to_string()),
            (5, "20104".to_string()),
            (6, "2010406".to_string()),
            (7, "2010450".to_string()),
        ]
    );
    assert_eq!(
        s3.merges().to_vec(),
        vec![merge(0, 0, 0, 2), merge(0, 3, 1, 3), merge(0, 4, 1, 4)]
    );

    let s4 = sheet(wb, SHEET4);
    assert!(s4.hidden);
    assert_eq!(s4.get(0, 0), &text("隐藏的说明"));
    assert_eq!(
        wb.sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec![SHEET1, SHEET2, SHEET3, SHEET4]
    );
}

#[test]
fn xlsx_reads_to_absolute_exact_cells_and_merges() {
    let wb = read(&inputs().xlsx);
    assert_eq!(wb.format, Format::Xlsx);
    assert_eq!(wb.path, inputs().xlsx);
    check_common_cells(&wb);
}

#[test]
fn xls_from_libreoffice_reads_the_same() {
    let wb = read(&inputs().xls);
    assert_eq!(wb.format, Format::Xls);
    check_common_cells(&wb);
    assert_same_cells(&read(&inputs().xlsx), &wb);
}

#[test]
fn ods_from_libreoffice_reads_the_same() {
    let wb = read(&inputs().ods);
    assert_eq!(wb.format, Format::Ods);
    check_common_cells(&wb);
    assert_same_cells(&read(&inputs().xlsx), &wb);
}

/// Every sheet, every cell, every merge equal.
fn assert_same_cells(a: &Workbook, b: &Workbook) {
    assert_eq!(a.sheets.len(), b.sheets.len());
    for (sa, sb) in a.sheets.iter().zip(&b.sheets) {
        assert_eq!(sa.name, sb.name);
        assert_eq!(sa.hidden, sb.hidden, "{}", sa.name);
        assert_eq!(sa.merges(), sb.merges(), "merges of {}", sa.name);
        assert_eq!(sa.height(), sb.height(), "height of {}", sa.name);
        assert_eq!(sa.width(), sb.width(), "width of {}", sa.name);
        for r in 0..sa.height() {
            for c in 0..sa.width() {
                if (sa.get(r, c), sb.get(r, c)) == (&Cell::Bool(true), &num("1")) {
                    continue; // LibreOffice's ODS booleans, see check_common_cells
                }
                assert_eq!(
                    sa.get(r, c),
                    sb.get(r, c),
                    "{}!{} differs between {} and {}",
                    sa.name,
                    fiscalform::normalize::a1(r, c),
                    a.path.display(),
                    b.path.display()
                );
            }
        }
    }
}

#[test]
fn misnamed_xlsx_is_read_by_content() {
    let dir = scratch("misnamed");
    let as_xls = dir.join("其实是xlsx.xls");
    std::fs::copy(&inputs().xlsx, &as_xls).unwrap();
    let wb = read(&as_xls);
    assert_eq!(wb.format, Format::Xlsx);
    check_common_cells(&wb);
    let xlsm = dir.join("带宏.xlsm");
    std::fs::copy(&inputs().xlsx, &xlsm).unwrap();
    check_common_cells(&read(&xlsm));
    let upper = dir.join("UPPER.XLSX");
    std::fs::copy(&inputs().xlsx, &upper).unwrap();
    assert_eq!(read(&upper).format, Format::Xlsx);
}

// ---------------------------------------------------------------------------------------------
// Formula cells and their cached values (xlsx only: LibreOffice would store computed values).

/// Rewrites one part of a zip archive.
fn rewrite_zip_part(src: &Path, dst: &Path, part: &str, edit: impl Fn(String) -> String) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            data = edit(String::from_utf8(data).unwrap()).into_bytes();
        }
        zout.start_file(
            name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn formula_cells_read_their_cached_value_or_empty() {
    let dir = scratch("formulas");
    let path = dir.join("formulas.xlsx");
    let mut wb = XWorkbook::new();
    let ws = wb.add_worksheet().set_name("有结果").unwrap();
    ws.write_number(0, 0, 1.5).unwrap();
    ws.write_formula(0, 1, Formula::new("=A1*2").set_result("3"))
        .unwrap();
    ws.write_formula(0, 2, Formula::new("=\"合\"&\"计\"").set_result("合计"))
        .unwrap();
    // rust_xlsxwriter stores "0" when no result is given: that is what Excel would show
    // until it recalculates, and all we can read.
    ws.write_formula(0, 3, "=A1*2").unwrap();
    let ws = wb.add_worksheet().set_name("空结果").unwrap();
    ws.set_formula_result_default("");
    ws.write_formula(0, 0, "=1+1").unwrap();
    ws.write_string(0, 1, "").unwrap();
    ws.write_string(1, 0, "x").unwrap();
    wb.save(&path).unwrap();

    let got = read(&path);
    let s = sheet(&got, "有结果");
    assert_eq!(s.get(0, 1), &num("3"));
    assert_eq!(s.get(0, 2), &text("合计"));
    assert_eq!(s.get(0, 3), &num("0"));
    let s = sheet(&got, "空结果");
    assert_eq!(s.get(0, 0), &Cell::Empty, "empty cached result");
    assert_eq!(s.get(0, 1), &Cell::Empty, "empty string");
    assert_eq!(s.width(), 1);

    // A formula with no <v> at all, as some generators write it.
    let stripped = dir.join("no-cache.xlsx");
    rewrite_zip_part(&path, &stripped, "xl/worksheets/sheet1.xml", |xml| {
        let edited = xml.replace("<v>3</v>", "");
        assert_ne!(edited, xml, "fixture must contain the cached value");
        edited
    });
    // Computed as a spreadsheet shows it (A1*2), and noted as computed.
    let got = read(&stripped);
    assert_eq!(sheet(&got, "有结果").get(0, 1), &num("3"));
    assert_eq!(sheet(&got, "有结果").get(0, 0), &num("1.5"));
    let computed = |wb: &Workbook| -> Vec<(String, u32, u16)> {
        wb.cell_notes
            .iter()
            .filter(|n| matches!(n.kind, CellNoteKind::FormulaComputed { .. }))
            .map(|n| (n.sheet.clone(), n.row, n.col))
            .collect()
    };
    assert_eq!(computed(&read(&path)), vec![]);
    assert_eq!(computed(&got), vec![("有结果".to_string(), 0, 1)]);
    // A formula that cannot be computed is read as empty, noted (an empty text result is a
    // result) and warned of.
    let stripped = dir.join("no-cache-unknown.xlsx");
    rewrite_zip_part(&path, &stripped, "xl/worksheets/sheet1.xml", |xml| {
        let edited = xml.replace("<f>A1*2</f><v>3</v>", "<f>FOO(A1)</f>");
        assert_ne!(edited, xml, "fixture must contain the cached value");
        edited
    });
    let got = read(&stripped);
    assert_eq!(sheet(&got, "有结果").get(0, 1), &Cell::Empty);
    let uncached = |wb: &Workbook| -> Vec<(String, u32, u16)> {
        wb.cell_notes
            .iter()
            .filter(|n| matches!(n.kind, CellNoteKind::FormulaWithoutValue { .. }))
            .map(|n| (n.sheet.clone(), n.row, n.col))
            .collect()
    };
    assert_eq!(uncached(&read(&path)), vec![]);
    assert_eq!(uncached(&got), vec![("有结果".to_string(), 0, 1)]);
    let catalog = fiscalform::form::Catalog::embedded().unwrap();
    let rec = fiscalform::load::recognize_file(&catalog, &stripped).unwrap();
    let warned: Vec<_> = rec
        .findings
        .iter()
        .filter(|f| f.rule == "formula-without-value")
        .map(|f| (f.sheet.clone(), f.cell.clone(), f.severity))
        .collect();
    assert_eq!(
        warned,
        vec![(
            Some("有结果".to_string()),
            Some("B1".to_string()),
            fiscalform::form::Severity::Warning
        )]
    );
    // `<v/>`, as openpyxl writes a formula it did not compute.
    let empty_v = dir.join("empty-v.xlsx");
    rewrite_zip_part(&path, &empty_v, "xl/worksheets/sheet1.xml", |xml| {
        xml.replace("<f>A1*2</f><v>3</v>", "<f>FOO(A1)</f><v/>")
    });
    assert_eq!(
        uncached(&read(&empty_v)),
        vec![("有结果".to_string(), 0, 1)]
    );
}

// ---------------------------------------------------------------------------------------------
// Errors: each names the file, none panics.

fn expect_err(path: &Path) -> ReadError {
    match read_workbook(path) {
        Ok(wb) => panic!("{} read unexpectedly: {:?}", path.display(), wb.format),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(&path.display().to_string()),
                "message must name the file: {msg}"
            );
            assert_eq!(e.path(), path);
            e
        }
    }
}

#[test]
fn missing_file() {
    let path = scratch("missing").join("没有这个文件.xlsx");
    let e = expect_err(&path);
    assert!(matches!(e, ReadError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("找不到文件"));
}

#[test]
fn text_renamed_xlsx() {
    let path = scratch("txt").join("notes.xlsx");
    std::fs::write(&path, "项目,金额\n合计,526.36\n").unwrap();
    let e = expect_err(&path);
    assert!(
        matches!(&e, ReadError::NotAWorkbook { ext, found, .. } if ext == "xlsx" && found.contains("plain text")),
        "{e:?}"
    );
    // GBK text has no valid UTF-8 but is still text.
    let gbk = path.with_file_name("gbk.xls");
    std::fs::write(&gbk, b"\xcf\xee\xc4\xbf,\xbd\xf0\xb6\xee\r\n").unwrap();
    assert!(matches!(expect_err(&gbk), ReadError::NotAWorkbook { .. }));
}

#[test]
fn html_saved_as_xls() {
    let path = scratch("html").join("系统导出.xls");
    std::fs::write(
        &path,
        "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>合计</td></tr></table></body></html>",
    )
    .unwrap();
    let e = expect_err(&path);
    assert!(
        matches!(&e, ReadError::NotAWorkbook { found, .. } if found.contains("HTML")),
        "{e:?}"
    );
    assert!(e.to_string().contains("另存为 .xlsx"));
}

#[test]
fn empty_file() {
    let path = scratch("empty").join("空.xlsx");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(expect_err(&path), ReadError::EmptyFile { .. }));
}

#[test]
fn directory() {
    let path = scratch("dir").join("folder.xlsx");
    std::fs::create_dir_all(&path).unwrap();
    assert!(matches!(expect_err(&path), ReadError::IsDirectory { .. }));
}

#[test]
fn unsupported_extensions() {
    let dir = scratch("ext");
    for (name, ext) in [("data.csv", "csv"), ("report.txt", "txt"), ("noext", "")] {
        let path = dir.join(name);
        std::fs::copy(&inputs().xlsx, &path).unwrap();
        let e = expect_err(&path);
        assert!(
            matches!(&e, ReadError::UnsupportedFormat { ext: got, .. } if got == ext),
            "{e:?}"
        );
        assert!(e.to_string().contains("不支持的文件类型"));
    }
}

#[test]
fn zip_that_is_not_a_workbook() {
    let dir = scratch("zip");
    let path = dir.join("word.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"<w:document/>").unwrap();
    z.finish().unwrap();
    // Read as what it is, a Word document: this one has no table to audit.
    let e = expect_err(&path);
    assert!(
        matches!(&e, ReadError::Document { .. }) && e.to_string().contains("Word"),
        "{e:?}"
    );
}

#[test]
fn ole_file_with_garbage_is_an_error() {
    let path = scratch("ole").join("bad.xls");
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend(std::iter::repeat_n(0x42u8, 4096));
    std::fs::write(&path, bytes).unwrap();
    let e = expect_err(&path);
    assert!(
        matches!(
            e,
            ReadError::Corrupt { .. } | ReadError::NotAWorkbook { .. }
        ),
        "{e:?}"
    );
}

/// Truncated and bit-flipped copies of real workbooks give Ok or an error naming the file,
/// never a panic.
#[test]
fn damaged_workbooks_never_panic() {
    let dir = scratch("damaged");
    let sources = [&inputs().xlsx, &inputs().xls, &inputs().ods];
    for src in sources {
        let bytes = std::fs::read(src).unwrap();
        let ext = src.extension().unwrap().to_str().unwrap();
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for frac in [1, 2, 5, 10, 30, 50, 80, 95, 99] {
            variants.push(bytes[..bytes.len() * frac / 100].to_vec());
        }
        for (i, step) in [7usize, 97, 331, 1009, 4099].iter().enumerate() {
            let mut v = bytes.clone();
            let mut k = 512 + i * 13;
            while k < v.len() {
                v[k] ^= 0x5A;
                k += step * 17;
            }
            variants.push(v);
        }
        for (i, v) in variants.iter().enumerate() {
            let path = dir.join(format!("v{i}.{ext}"));
            std::fs::write(&path, v).unwrap();
            if let Err(e) = read_workbook(&path) {
                assert!(e.to_string().contains(&path.display().to_string()), "{e}");
            }
        }
    }
}

/// tests/data/encrypted-password-123.xlsx is a small workbook encrypted with the opening
/// password "123" (made once with msoffcrypto-tool; Excel and WPS write the same OLE container
/// with an EncryptedPackage stream).
#[test]
fn password_protected_xlsx_and_misnamed_copy() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/encrypted-password-123.xlsx");
    let e = expect_err(&fixture);
    assert!(matches!(e, ReadError::Encrypted { .. }), "{e:?}");
    assert!(e.to_string().contains("密码"));
    let as_xls = scratch("enc").join("加密.xls");
    std::fs::copy(&fixture, &as_xls).unwrap();
    assert!(matches!(expect_err(&as_xls), ReadError::Encrypted { .. }));
}

#[test]
fn password_protected_ods() {
    let dir = scratch("enc-ods");
    let path = dir.join("加密.ods");
    rewrite_zip_part(&inputs().ods, &path, "META-INF/manifest.xml", |xml| {
        let edited = xml.replacen(
            "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>",
            "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">\
             <manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"x\"/>\
             </manifest:file-entry>",
            1,
        );
        assert_ne!(edited, xml, "fixture manifest must list content.xml");
        edited
    });
    assert!(matches!(expect_err(&path), ReadError::Encrypted { .. }));
}

/// An OLE compound file whose only document stream is "WordDocument" (a Word .doc renamed .xls):
/// made from the LibreOffice .xls by renaming its "Workbook" directory entry, since Writer may
/// not be installed.
#[test]
fn word_document_renamed_xls() {
    let mut bytes = std::fs::read(&inputs().xls).unwrap();
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let name = utf16("Workbook");
    let at = bytes
        .windows(name.len())
        .enumerate()
        .position(|(i, w)| i % 128 == 0 && w == name.as_slice())
        .expect("directory entry of the Workbook stream");
    let new_name = utf16("WordDocument");
    bytes[at..at + new_name.len()].copy_from_slice(&new_name);
    bytes[at + 64..at + 66].copy_from_slice(&((new_name.len() as u16 + 2).to_le_bytes()));
    let path = scratch("doc").join("说明.xls");
    std::fs::write(&path, bytes).unwrap();
    let e = expect_err(&path);
    assert!(
        matches!(&e, ReadError::NotAWorkbook { found, .. } if found.contains("Word")),
        "{e:?}"
    );
}

/// LibreOffice may store identical consecutive rows once with `table:number-rows-repeated`
/// (7.4 does it only for empty rows); both calamine's values and our merge positions must
/// expand it.
#[test]
fn ods_repeated_value_rows_expand() {
    let dir = scratch("ods-repeat");
    let path = dir.join("repeated.ods");
    rewrite_zip_part(&inputs().ods, &path, "content.xml", |xml| {
        let start = xml
            .find("<table:table-row table:style-name=\"ro1\"><table:table-cell office:value-type=\"string\" calcext:value-type=\"string\"><text:p>0.00</text:p>")
            .expect("the 0.00 rows");
        let len = xml[start..].find("</table:table-row>").unwrap() + "</table:table-row>".len();
        let row = &xml[start..start + len];
        let three = row.repeat(3);
        assert_eq!(&xml[start..start + 3 * len], three, "three identical rows");
        let once = row.replacen(
            "<table:table-row table:style-name=\"ro1\">",
            "<table:table-row table:style-name=\"ro1\" table:number-rows-repeated=\"3\">",
            1,
        );
        format!("{}{}{}", &xml[..start], once, &xml[start + 3 * len..])
    });
    let wb = read(&path);
    check_common_cells(&wb);
    assert_same_cells(&read(&inputs().xlsx), &wb);
}

/// An xlsx whose workbook lists no sheet holds nothing we can read: it cannot be checked,
/// which is exit 2, not a clean report of nothing.
#[test]
fn a_workbook_without_a_sheet_cannot_be_read() {
    let path = scratch("no-sheet").join("no-sheet.xlsx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
    let office =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
    let parts = [
        ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>".to_string()),
        ("_rels/.rels", format!("<Relationships xmlns=\"{rels}\"><Relationship Id=\"rId1\" Type=\"{office}\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets/></workbook>".to_string()),
        ("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{rels}\"/>")),
    ];
    for (name, text) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    let e = expect_err(&path);
    assert!(matches!(e, ReadError::Corrupt { .. }), "{e:?}");
    assert!(e.to_string().contains("没有可读取的工作表"), "{e}");
}
