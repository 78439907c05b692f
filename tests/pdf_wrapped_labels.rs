//! Filled 公开01/02/04/05表 printed by LibreOffice as clerks print them: label columns 8–14 characters wide, labels wrapped (left, right or centred) in rows that keep their height, so each wrapped label is printed over the rows around it, on A4 or A5 pages; and 部门公开表04 with its numbered labels on one line, printed over the empty cells beside them: the figures and errors read from the PDF are the workbook's.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use xorshift::Xorshift;

/// The sheets printed: the forms whose labels wrap the most.
const SHEETS: &str = "公开01表,公开02表,公开04表,公开05表";
/// The sheet `fiscalform template budget-04` writes.
const BUDGET_04_SHEET: &str = "04财政拨款收支总表";
/// How many prints the generator draws.
const PRINTS: usize = 10;

/// One print: label column width (characters), alignment, paper and row height (points).
#[derive(Debug)]
struct Print {
    width: usize,
    align: &'static str,
    paper: &'static str,
    row_height: f64,
}

impl Print {
    /// A print drawn from `rng`. Rows of A5 pages are kept 13.5 points high or more: at 13
    /// points or less, 公开02表's last 科目 and 公开04表's 一般公共预算 column are lost still.
    fn draw(rng: &mut Xorshift) -> Print {
        let paper = ["A4", "A5"][rng.below(2)];
        let lowest = if paper == "A4" { 12.0 } else { 13.5 };
        Print {
            width: 8 + rng.below(7),
            align: ["left", "right", "center"][rng.below(3)],
            paper,
            row_height: lowest + 0.5 * rng.below(4) as f64,
        }
    }

    fn tag(&self) -> String {
        format!(
            "w{}{}-{}-h{}",
            self.width, self.align, self.paper, self.row_height
        )
    }
}

fn manifest(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The sample workbook restyled for `print` (tests/support/lo_wrap_labels.py) in `dir`.
fn restyled(print: &Print, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}.xlsx", print.tag()));
    restyle(
        print,
        &manifest("tests/fixtures/sample/2023决算-株洲.xlsx"),
        SHEETS,
        "wrap",
        &out,
    );
    out
}

/// `xlsx`'s sheets `sheets` restyled for `print` into `out`, labels wrapped or on one line
/// (`flow`: wrap | clip).
fn restyle(print: &Print, xlsx: &Path, sheets: &str, flow: &str, out: &Path) {
    let (width, height) = (print.width.to_string(), print.row_height.to_string());
    let args: [&std::ffi::OsStr; 8] = [
        xlsx.as_ref(),
        out.as_ref(),
        sheets.as_ref(),
        width.as_ref(),
        print.align.as_ref(),
        print.paper.as_ref(),
        height.as_ref(),
        flow.as_ref(),
    ];
    python("tests/support/lo_wrap_labels.py", &args);
}

/// The figures of `path`: (form, logical cell) → number, zero as blank.
fn figures(path: &Path) -> BTreeMap<(String, String), Decimal> {
    export::figures(&export::exported(path))
}

/// The errors `check` finds in `path`, as `form rule` lines, sorted.
fn errors(path: &Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let mut out: Vec<String> = cli::findings(&report)
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}", f["form"], f["rule"]))
        .collect();
    out.sort();
    out
}

/// What the PDF of `xlsx` reads otherwise than the workbook: figures and errors.
fn differences(xlsx: &Path, pdf: &Path) -> Vec<String> {
    let (want, got) = (figures(xlsx), figures(pdf));
    let mut out: Vec<String> = want
        .keys()
        .chain(got.keys())
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| format!("{k:?}: workbook {:?}, PDF {:?}", want.get(k), got.get(k)))
        .collect();
    let (want, got) = (errors(xlsx), errors(pdf));
    if want != got {
        out.push(format!("errors: workbook {want:?}, PDF {got:?}"));
    }
    out
}

/// Runs `script` (tests/support) with `args`; fails the test when it fails.
fn python(script: &str, args: &[&std::ffi::OsStr]) {
    let status = Command::new("python3")
        .arg(manifest(script))
        .args(args)
        .status()
        .expect("run python3");
    assert!(status.success(), "{script} {args:?} failed");
}

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-wrapped-labels");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn wrapped_labels_printed_over_their_rows_read_as_the_workbook() {
    lo::require_chinese_font();
    let dir = scratch();
    let mut rng = Xorshift(0x25_a5_0c);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let print = Print::draw(&mut rng);
        let xlsx = restyled(&print, &dir);
        failed.extend(misread(&xlsx, &print, &dir, differences));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The sample's 科目 rows with code and name in one cell (`2080505 机关事业单位基本养老保险缴费支出`,
/// tests/support/join_code_names.py), printed as above: the label, wrapped over three or four
/// lines in a row that keeps its height, is printed centred on its row, its first line (the
/// code) mostly cut away at the row's top rule and its last at the bottom one. Each row is
/// still read with its code and figures, none lost to the row above or left out of the form.
#[test]
fn code_and_name_in_one_wrapped_cell_read_as_the_workbook() {
    lo::require_chinese_font();
    let dir = scratch().join("code-and-name");
    std::fs::create_dir_all(&dir).unwrap();
    let joined = dir.join("joined.xlsx");
    let coded = "公开02表,公开03表,公开05表";
    python(
        "tests/support/join_code_names.py",
        &[
            manifest("tests/fixtures/sample/2023决算-株洲.xlsx").as_ref(),
            joined.as_ref(),
            coded.as_ref(),
        ],
    );
    let mut rng = Xorshift(0x0208_0505);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let print = Print::draw(&mut rng);
        let xlsx = dir.join(format!("{}.xlsx", print.tag()));
        restyle(&print, &joined, &format!("公开01表,{coded}"), "wrap", &xlsx);
        failed.extend(misread(&xlsx, &print, &dir, differences));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The real disclosure's workbook (no 行次 columns) with the labels of 公开01/04表 cut as a
/// narrow print shows them when a wrapped label's first line, and maybe its last, is cut off
/// (tests/support/clip_labels.py, seeded): each cut label still names its row, the next of
/// the rows it fits down the form (公开04表's 一般公共预算财政拨款 under 年初结转和结余 too).
#[test]
fn labels_cut_to_their_middle_lines_name_their_rows() {
    let dir = scratch();
    // Exported beside itself: a copy, so the fixtures folder is left as it is.
    let real = dir.join("real.xlsx");
    std::fs::copy(
        manifest("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx"),
        &real,
    )
    .unwrap();
    let mut failed = Vec::new();
    for seed in 1..=8 {
        let cut = dir.join(format!("cut-{seed}.xlsx"));
        let out = Command::new("python3")
            .arg(manifest("tests/support/clip_labels.py"))
            .arg(&real)
            .arg(&cut)
            .arg(seed.to_string())
            .arg("收入支出决算总表,财政拨款收入支出决算总表")
            .output()
            .expect("run python3");
        assert!(out.status.success(), "cutting labels (seed {seed}) failed");
        let diff = differences(&real, &cut);
        if !diff.is_empty() {
            let cuts = String::from_utf8_lossy(&out.stdout);
            failed.push(format!("seed {seed}:\n{cuts}  {}", diff.join("\n  ")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The real disclosure's 公开01表 with its labels on one line in label columns 8–12 characters
/// wide (left, right or centred), seeded: LibreOffice cuts a label at a filled cell beside it
/// (`十九、住房保` of 十九、住房保障支出, `政拨款收入` of 一、一般公共预算财政拨款收入 right-aligned)
/// and prints a right-aligned one back over the empty cells to its left (二十二、灾害防治及应急管理
/// 支出 over 收入's 决算数 column). Each cut label names its row (by its ordinal, or as the next
/// of the rows it ends, down the form), and every label is read in its own column: the
/// figures and errors read from the PDF are the workbook's.
#[test]
fn labels_clipped_on_one_line_name_their_rows() {
    lo::require_chinese_font();
    let dir = scratch().join("clipped");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Xorshift(0x38_c11b);
    let mut failed = Vec::new();
    for seed in 1..=PRINTS {
        let mut print = Print::draw(&mut rng);
        print.width = 8 + rng.below(5);
        let xlsx = dir.join(format!("{seed}-{}.xlsx", print.tag()));
        let real = manifest("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
        restyle(&print, &real, "收入支出决算总表", "clip", &xlsx);
        failed.extend(misread(&xlsx, &print, &dir, differences));
    }
    assert!(
        failed.is_empty(),
        "{} of {PRINTS} prints:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The real disclosure's 公开01表 (no 行次: labels and figures only) printed with its columns
/// 9–12 characters wide, labels wrapped and centred on rows of the default height, and a page
/// break after one of its last rows (tests/support/lo_page_break.py). Calc sets a cell's text
/// at its foot, so a label filling its narrow box looks like text a page break cut, as in a
/// Word table: yet a spreadsheet breaks pages between rows, and the rows on both sides of the
/// break are read as rows of their own (本年收入合计 2,946.25 was read under 使用非财政拨款结余,
/// the row opening the next page).
#[test]
fn a_spreadsheet_printed_over_pages_keeps_each_row_whole() {
    lo::require_chinese_font();
    let dir = scratch().join("page-breaks");
    std::fs::create_dir_all(&dir).unwrap();
    let real = manifest("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
    let mut rng = Xorshift(0x0129_4625);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let (width, align) = (9 + rng.below(4), ["left", "right", "center"][rng.below(3)]);
        let after = 27 + rng.below(7);
        let xlsx = dir.join(format!("w{width}{align}-after{after}.xlsx"));
        let args = [width.to_string(), align.to_string(), after.to_string()];
        let args: Vec<&std::ffi::OsStr> = [real.as_os_str(), xlsx.as_os_str()]
            .into_iter()
            .chain(args.iter().map(|a| a.as_ref()))
            .collect();
        python("tests/support/lo_page_break.py", &args);
        let print = format!("width {width}, {align}, page break after row {after}");
        failed.extend(misread(&xlsx, &print, &dir, differences));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The sample's 科目 cells holding code and name (join_code_names.py) with the code line
/// clipped away as a print with rows too low for the wrapped cell shows them, the name maybe
/// cut at one or both ends (`关事业单位职业年金缴费`; tests/support/drop_code_lines.py,
/// seeded), in one of 公开02/03/05表 while the others print the row whole: each such row takes
/// the code its name has there and the workbook's figures and errors are read.
#[test]
fn names_whose_code_line_was_clipped_take_the_code_they_have_elsewhere() {
    let dir = scratch().join("code-line-clipped").join("some");
    let joined = joined_code_names(&dir);
    let mut failed = Vec::new();
    for seed in 1..=8 {
        let (cut, cuts) = drop_code_lines(&joined, &dir, (seed, "some"), None);
        let diff = differences(&joined, &cut);
        if !diff.is_empty() {
            failed.push(format!("seed {seed}:\n{cuts}  {}", diff.join("\n  ")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// As above with one 项 clipped alike in every table that has it, so no table carries its
/// code: 事业运行, a name of many 款 the national classification does not tell apart, makes
/// each of those tables give one code-unknown error and go unjudged, rather than leaving the
/// row out and reporting its parents' sums as wrong.
#[test]
fn a_name_clipped_in_every_table_is_reported_not_left_out_of_the_sums() {
    let dir = scratch().join("code-line-clipped").join("unknown");
    let joined = joined_code_names(&dir);
    let (cut, cuts) = drop_code_lines(&joined, &dir, (1, "all"), Some("2010450"));
    let got = errors(&cut);
    let want = unjudged_where_clipped(&joined, &cuts);
    assert_eq!(got, want, "{cuts}");
}

/// As above for the personnel 项 every unit reports (their national names known without
/// another table giving their codes) and for 其他… items (under 20104 and 21011, taking the
/// parent's code and 99), cut at either end: each table is read as the workbook with its
/// codes; only a 其他… name whose 其他 was clipped whole stays unknown (code-unknown).
#[test]
fn names_clipped_in_every_table_take_their_national_codes() {
    let dir = scratch().join("code-line-clipped").join("national");
    let joined = joined_code_names(&dir);
    let whole = ["2080502", "2080505", "2080506", "2101102", "2210201"];
    let others = ["2010499", "2101199"];
    let runs = whole.iter().map(|c| (1, "whole", *c)).chain(
        others
            .iter()
            .flat_map(|c| (1..=8).map(move |s| (s, "all", *c))),
    );
    let mut failed = Vec::new();
    for (seed, mode, code) in runs {
        let (cut, cuts) = drop_code_lines(&joined, &dir, (seed, mode), Some(code));
        // `sheet cell original cut`, the cut name last: a 其他… name must keep at least its 他.
        let other_lost = others.contains(&code)
            && cuts.lines().any(|l| {
                l.rsplit(' ')
                    .next()
                    .is_some_and(|n| !n.starts_with(['其', '他']))
            });
        let want = match other_lost {
            true => unjudged_where_clipped(&joined, &cuts),
            false => errors(&joined),
        };
        let diff = if other_lost {
            Vec::new()
        } else {
            differences(&joined, &cut)
        };
        let got = errors(&cut);
        if got != want || !diff.is_empty() {
            failed.push(format!(
                "{code} seed {seed}:\n{cuts}  want {want:?}\n  got {got:?}\n  {}",
                diff.join("\n  ")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// As above, one 项 clipped alike in every table (seeded, and 事业运行), or the 款 20104 发展与
/// 改革事务 over its two 项, with its 公开03表 本年支出合计 one more than its columns: a table
/// with a name no rule gives a code keeps every figure it read — the row by its name — and
/// judges that row's own total and every other rule not summing it, its one code-unknown
/// error standing for the sums not judged (and for the parent its 项 seem to lack).
#[test]
fn a_table_with_a_name_no_rule_codes_keeps_its_figures_and_its_rules() {
    let dir = scratch().join("code-line-clipped").join("kept");
    let joined = joined_code_names(&dir);
    let runs = (1..=8).map(|s| (s, None)).chain(
        ["2010450", "20104"]
            .into_iter()
            .flat_map(|c| (1..=4).map(move |s| (s, Some(c)))),
    );
    let (mut failed, mut unknown) = (Vec::new(), 0);
    for (seed, code) in runs {
        let (cut, cuts) = drop_code_lines(&joined, &dir, (seed, "all"), code);
        let planted = dir.join(format!("planted-{seed}-{}.xlsx", code.unwrap_or("any")));
        let (sheet, cell) = clipped_cell(&cuts, "公开03表");
        let row = cell.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        python(
            "tests/support/add_to_cell.py",
            &[
                cut.as_ref(),
                planted.as_ref(),
                sheet.as_ref(),
                format!("C{row}").as_ref(),
                "1".as_ref(),
            ],
        );
        let want = figures(&planted_copy(&joined, &dir, &sheet, row));
        let got = figures_by_code(&planted, &cuts);
        let mut amiss: Vec<String> = want
            .keys()
            .chain(got.keys())
            .filter(|k| want.get(*k) != got.get(*k))
            .map(|k| format!("{k:?}: workbook {:?}, read {:?}", want.get(k), got.get(k)))
            .collect();
        let errs = errors(&planted);
        if errs.iter().any(|e| e.ends_with("\"code-unknown\"")) {
            unknown += 1;
            let mut expected = unjudged_where_clipped(&joined, &cuts);
            expected.push("\"final-03\" \"row-total\"".to_string());
            expected.sort();
            if errs != expected {
                amiss.push(format!("errors: want {expected:?}, got {errs:?}"));
            }
        }
        if !amiss.is_empty() {
            failed.push(format!(
                "seed {seed} {code:?}:\n{cuts}  {}",
                amiss.join("\n  ")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(unknown >= 4, "only {unknown} runs left a name without code");
}

/// The sheet and cell of the row `cuts` clipped in sheet `sheet`.
fn clipped_cell(cuts: &str, sheet: &str) -> (String, String) {
    let line = cuts
        .lines()
        .find(|l| l.starts_with(sheet))
        .expect("a row clipped");
    let mut words = line.split_whitespace();
    let sheet = words.next().unwrap_or_default().to_string();
    (sheet, words.next().unwrap_or_default().to_string())
}

/// `joined` with the same cell as the planted one (C of `row` in `sheet`) one more: what the
/// clipped workbook should read.
fn planted_copy(joined: &Path, dir: &Path, sheet: &str, row: &str) -> PathBuf {
    let copy = dir.join(format!("planted-whole-{row}.xlsx"));
    python(
        "tests/support/add_to_cell.py",
        &[
            joined.as_ref(),
            copy.as_ref(),
            sheet.as_ref(),
            format!("C{row}").as_ref(),
            "1".as_ref(),
        ],
    );
    copy
}

/// The figures of `path` as [`figures`], a row exported by its name (its code unknown) under
/// the code `cuts` clipped from that name (`sheet cell code name… cut`).
fn figures_by_code(path: &Path, cuts: &str) -> BTreeMap<(String, String), Decimal> {
    let code_of: BTreeMap<&str, &str> = cuts
        .lines()
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            Some((*words.last()?, *words.get(2)?))
        })
        .collect();
    let mut doc = export::exported(path);
    for form in doc["forms"].as_array_mut().unwrap() {
        for row in form["rows"].as_array_mut().unwrap() {
            let named = row["key"].as_str().filter(|k| k.starts_with('?')).is_some();
            let code = row["label"].as_str().and_then(|l| code_of.get(l));
            if let (true, Some(code)) = (named, code) {
                row["key"] = (*code).into();
            }
        }
    }
    export::figures(&doc)
}

/// The errors of `joined` with, in place of those of each table `cuts` clipped a row of, its
/// one code-unknown error.
fn unjudged_where_clipped(joined: &Path, cuts: &str) -> Vec<String> {
    let clipped: Vec<String> = ["公开02表", "公开03表", "公开05表"]
        .iter()
        .zip(["final-02", "final-03", "final-05"])
        .filter(|(sheet, _)| cuts.lines().any(|l| l.starts_with(**sheet)))
        .map(|(_, form)| form.to_string())
        .collect();
    // `errors` lines are JSON values: `"final-02" "row-total"`.
    let in_clipped = |e: &String| clipped.iter().any(|f| e.starts_with(&format!("\"{f}\" ")));
    let mut want: Vec<String> = errors(joined)
        .into_iter()
        .filter(|e| !in_clipped(e))
        .collect();
    want.extend(clipped.iter().map(|f| format!("\"{f}\" \"code-unknown\"")));
    want.sort();
    want
}

/// The sample workbook with code and name in one cell in 公开02/03/05表, in `dir` (one for
/// each test: tests run at once).
fn joined_code_names(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let joined = dir.join("joined.xlsx");
    python(
        "tests/support/join_code_names.py",
        &[
            manifest("tests/fixtures/sample/2023决算-株洲.xlsx").as_ref(),
            joined.as_ref(),
            "公开02表,公开03表,公开05表".as_ref(),
        ],
    );
    joined
}

/// `joined` with code lines clipped (drop_code_lines.py, `mode` some | all | whole, of `code`
/// when given) by `seed`: the workbook written in `dir`, and the cuts made, one a line.
fn drop_code_lines(
    joined: &Path,
    dir: &Path,
    (seed, mode): (u32, &str),
    code: Option<&str>,
) -> (PathBuf, String) {
    let cut = dir.join(format!("{mode}-{seed}-{}.xlsx", code.unwrap_or("any")));
    let out = Command::new("python3")
        .arg(manifest("tests/support/drop_code_lines.py"))
        .arg(joined)
        .arg(&cut)
        .arg(seed.to_string())
        .arg("公开02表,公开03表,公开05表")
        .arg(mode)
        .args(code)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "clipping code lines (seed {seed}) failed"
    );
    (cut, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A blank 部门公开表04 filled with seeded amounts (tests/support/fill_budget04.py), its
/// numbered labels (`10、节能环保支出`) centred or right-aligned on one line in label columns
/// 8–12 characters wide, so a long label is printed over the empty cell to its left, its
/// list number there alone: that number is the label's, no figure of the cell it stands in.
/// (Some of these prints still lose a figure: a label printed over the cell to its right is
/// left outside the form there.)
#[test]
fn list_numbers_printed_over_the_cell_beside_their_label_are_no_figures() {
    lo::require_chinese_font();
    let dir = scratch().join("list-numbers");
    std::fs::create_dir_all(&dir).unwrap();
    let blank = dir.join("blank.xlsx");
    let (code, _, err) = cli::run(&[
        "template",
        "budget-04",
        "--year",
        "2023",
        "--unit",
        "某某中心",
        "-o",
        blank.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rng = Xorshift(0x04_1157);
    let mut failed = Vec::new();
    for seed in 1..=PRINTS {
        let mut print = Print::draw(&mut rng);
        print.width = 8 + rng.below(5);
        print.align = ["center", "right"][rng.below(2)];
        let filled = dir.join(format!("filled-{seed}.xlsx"));
        python(
            "tests/support/fill_budget04.py",
            &[blank.as_ref(), filled.as_ref(), seed.to_string().as_ref()],
        );
        let xlsx = dir.join(format!("{seed}-{}.xlsx", print.tag()));
        restyle(&print, &filled, BUDGET_04_SHEET, "clip", &xlsx);
        failed.extend(misread(&xlsx, &print, &dir, figures_read_wrong));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// `xlsx` printed to PDF in `dir` and read back: what `compare` (the workbook, the PDF) finds
/// amiss, told with the print's settings, or nothing.
fn misread(
    xlsx: &Path,
    print: &dyn std::fmt::Debug,
    dir: &Path,
    compare: fn(&Path, &Path) -> Vec<String>,
) -> Option<String> {
    let pdf = lo::convert(xlsx, "pdf", dir);
    let amiss = compare(xlsx, &pdf);
    (!amiss.is_empty()).then(|| {
        let listed = amiss.join("\n  ");
        format!("{} ({print:?}):\n  {listed}", pdf.display())
    })
}

/// The figures the PDF of `xlsx` reads that the workbook does not hold in that cell (a
/// figure the PDF loses is another fault, told by `differences`).
fn figures_read_wrong(xlsx: &Path, pdf: &Path) -> Vec<String> {
    let want = figures(xlsx);
    figures(pdf)
        .into_iter()
        .filter(|(k, v)| want.get(k) != Some(v))
        .map(|(k, v)| format!("{k:?}: workbook {:?}, PDF {v}", want.get(&k)))
        .collect()
}
