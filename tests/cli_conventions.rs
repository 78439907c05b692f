//! The command line fits a clerk's habits: Chinese help with an example and the exit codes
//! for every command, `fix IN` writing beside IN, `-` for standard input and output, shell
//! completions, aligned `forms` columns, OS errors in Chinese, a reading error said once.

#[path = "support/cli.rs"]
mod cli;

use cli::run;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const COMMANDS: [&str; 9] = [
    "forms",
    "template",
    "check",
    "review",
    "fix",
    "export",
    "import",
    "rules",
    "completions",
];

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-conventions")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The binary with `stdin` as its standard input: exit code, stdout bytes, stderr.
fn piped(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fiscalform"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_command_has_chinese_help_with_an_example_and_the_exit_codes() {
    let (code, top, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(top.contains("用法：") && top.contains("退出码："), "{top}");
    for c in COMMANDS {
        let (code, help, _) = run(&[c, "--help"]);
        assert_eq!(code, 0, "{c}");
        for word in ["用法：", "示例：", "退出码：", "显示帮助"] {
            assert!(help.contains(word), "{c} --help lacks {word}: {help}");
        }
        for english in ["Usage:", "Options:", "Arguments:", "Print help"] {
            assert!(!help.contains(english), "{c} --help says {english}: {help}");
        }
    }
}

/// A command line clap cannot take is told in Chinese, with clap's suggestion, the usage (where
/// clap gives it: not for a wrong value) and how to see the help; exit 2 and nothing on stdout.
#[test]
fn usage_errors_are_told_in_chinese() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["chek", "a.xlsx"],
            &["没有命令“chek”", "“check”", "用法："],
        ),
        (
            &["check", "--formt", "json", "a.xlsx"],
            &["无法识别的参数“--formt”", "“--format”", "用法："],
        ),
        (
            &["review", "a.xlsx"],
            &["缺少必需的参数", "--output", "用法："],
        ),
        (&["check"], &["缺少必需的参数", "用法："]),
        (
            &["check", "--format", "xml", "a.xlsx"],
            &["“xml”无效", "json"],
        ),
        (
            &["template", "final-01", "--year"],
            &["--year <年度> 缺少值"],
        ),
        (&["completions", "tcsh"], &["“tcsh”无效", "bash"]),
    ];
    for (args, words) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.starts_with("命令行有误："), "{args:?}: {err}");
        for word in words.iter().chain(&["--help"]) {
            assert!(err.contains(word), "{args:?} lacks {word}: {err}");
        }
        for english in ["error:", "Usage:", "tip:", "For more information"] {
            assert!(!err.contains(english), "{args:?} says {english}: {err}");
        }
    }
}

#[test]
fn fix_without_output_writes_beside_the_input_and_leaves_it_untouched() {
    let d = dir("beside");
    let input = d.join("2023决算.xlsx");
    std::fs::copy(sample(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let expected = d.join("2023决算-已校正.xlsx");
    let _ = std::fs::remove_file(&expected);
    let (code, out, err) = run(&["fix", s(&input)]);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(expected.exists(), "{out}");
    assert!(out.contains("2023决算-已校正.xlsx"), "{out}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn the_clean_copy_beside_the_input_keeps_the_reviewed_copy() {
    let d = dir("clean-beside");
    let input = d.join("2023决算.xlsx");
    std::fs::copy(sample(), &input).unwrap();
    let reviewed = d.join("2023决算-已校正.xlsx");
    let clean = d.join("2023决算-报送版.xlsx");
    for f in [&reviewed, &clean] {
        let _ = std::fs::remove_file(f);
    }
    let (code, out, err) = run(&["fix", s(&input)]);
    assert!(code == 0 || code == 1, "{out}{err}");
    let reviewed_bytes = std::fs::read(&reviewed).unwrap();
    let (code, out, err) = run(&["fix", s(&reviewed), "--clean"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(
        clean.exists(),
        "the copy to submit is named for the unit: {out}"
    );
    assert!(out.contains("2023决算-报送版.xlsx"), "{out}");
    assert_eq!(std::fs::read(&reviewed).unwrap(), reviewed_bytes);
    std::fs::remove_file(&clean).unwrap();
    let (code, out, err) = run(&["fix", s(&input), "--clean"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(clean.exists(), "{out}");
    assert_eq!(
        std::fs::read(&reviewed).unwrap(),
        reviewed_bytes,
        "the clean copy of the original does not replace its reviewed copy"
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(
            out.contains("fiscalform") && out.contains("template"),
            "{shell}"
        );
    }
    let (code, _, _) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
}

#[test]
fn forms_columns_line_up_in_display_width() {
    use unicode_width::UnicodeWidthStr;
    let (code, out, _) = run(&["forms"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() > 20);
    // Where the title column starts: after id and 表号 and their padding.
    let title_start = |line: &str| {
        let title = line.split("  ").filter(|p| !p.is_empty()).nth(2).unwrap();
        line[..line.find(title.trim()).unwrap()].width()
    };
    let first = title_start(lines[0]);
    for l in &lines {
        assert_eq!(title_start(l), first, "{l}");
    }
}

#[test]
fn a_dash_reads_standard_input_and_writes_standard_output() {
    let d = dir("dash");
    let (code, out, err) = piped(&["check", "-"], &std::fs::read(sample()).unwrap());
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("== 标准输入"), "{out}");
    assert!(out.contains("562.36"), "{out}");
    // export -o - prints the JSON document only; import - reads it back.
    let (code, json, err) = piped(&["export", s(&sample()), "-o", "-"], b"");
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("JSON on stdout");
    assert_eq!(doc["format"], "fiscalform");
    let built = d.join("imported.xlsx");
    let (code, out, err) = piped(&["import", "-", "-o", s(&built)], &json);
    assert!(code == 0 || code == 1, "{err}");
    assert!(built.exists(), "{}", String::from_utf8_lossy(&out));
}

#[test]
fn os_errors_are_said_in_chinese() {
    let d = dir("os");
    // Written into the test's folder, never the working directory, were the import to run.
    let out = d.join("x.xlsx");
    let (code, _, err) = run(&["import", s(&d.join("没有这个文件.json")), "-o", s(&out)]);
    assert_eq!(code, 2);
    assert!(err.contains("文件或目录不存在"), "{err}");
    assert!(!err.contains("os error"), "{err}");
    let out = d.join("没有这个目录").join("x.xlsx");
    let (code, _, err) = run(&["fix", s(&sample()), "-o", s(&out)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("无法写入文件") && err.contains("文件或目录不存在"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn the_reason_a_file_cannot_be_read_is_said_once() {
    let d = dir("once");
    let missing = d.join("没有这个文件.xlsx");
    let (code, out, err) = run(&["check", s(&missing)]);
    assert_eq!(code, 2);
    assert!(out.contains("没有这个文件.xlsx"), "{out}");
    assert!(err.is_empty(), "said twice: {err}");
}

#[test]
fn wps_et_and_ett_files_are_read_by_their_content() {
    let d = dir("wps");
    let (code, plain, _) = run(&["check", "--format", "json", s(&sample())]);
    assert_eq!(code, 1, "{plain}");
    let findings = |json: &str| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["files"][0]["findings"].clone()
    };
    for ext in ["et", "ett", "xltx"] {
        let copy = d.join(format!("2023决算.{ext}"));
        std::fs::copy(sample(), &copy).unwrap();
        let (code, out, err) = run(&["check", "--format", "json", s(&copy)]);
        assert_eq!(code, 1, ".{ext}: {out}{err}");
        assert_eq!(findings(&out), findings(&plain), ".{ext}");
    }
    // An .et that holds neither kind of workbook is refused for what it is, not for its name.
    let text = d.join("备注.et");
    std::fs::write(&text, "这不是表格").unwrap();
    let (code, out, _) = run(&["check", s(&text)]);
    assert_eq!(code, 2);
    assert!(out.contains("纯文本"), "{out}");
}

/// A batch is checked on every core but reported in the order given, each file as soon as it
/// is ready, and ends with one total line; JSON holds every file in that order.
#[test]
fn a_batch_is_reported_in_order_with_a_total() {
    let d = dir("batch");
    let empty_book = d.join("空.xlsx");
    run(&["template", "final-07", "-o", s(&empty_book)]);
    let missing = d.join("不存在.xlsx");
    let files = [sample(), missing.clone(), empty_book.clone(), sample()];
    let mut args = vec!["check"];
    args.extend(files.iter().map(|p| s(p)));
    let (code, out, _) = run(&args);
    assert_eq!(code, 2, "a file could not be read");
    let heads: Vec<&str> = out.lines().filter(|l| l.starts_with("== ")).collect();
    let expected: Vec<String> = files
        .iter()
        .map(|p| format!("== {}", p.display()))
        .collect();
    assert_eq!(heads, expected);
    let last = out.lines().last().unwrap();
    assert_eq!(
        last, "合计：4 个文件（1 个无法读取），识别 19 张表；错误 2 条，警告 2 条，提示 18 条",
        "{out}"
    );
    let (_, one, _) = run(&["check", s(&sample())]);
    assert!(!one.contains("合计："), "one file needs no total");

    args.insert(1, "--format");
    args.insert(2, "json");
    let (code, out, err) = run(&args);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(paths, expected);
    assert!(err.contains("不存在.xlsx"), "{err}");
}

/// A file in which no form is recognised — an empty workbook, a list of names and numbers —
/// is not a clean file in a batch: `check` says nothing was audited and exits 1, as `fix`
/// does; the sample in the same batch is still checked.
#[test]
fn a_file_without_any_form_is_an_error_not_a_pass() {
    let d = dir("no-form");
    let empty = d.join("空.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet();
    wb.save(&empty).unwrap();
    let list = d.join("名单.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for r in 0..20u32 {
        ws.write_string(r, 0, format!("职工{r}")).unwrap();
        ws.write_number(r, 1, f64::from(r) * 1.5).unwrap();
    }
    wb.save(&list).unwrap();
    for f in [&empty, &list] {
        let (code, out, err) = run(&["check", s(f)]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("没有识别出任何标准表格"), "{out}");
        assert!(out.contains("未进行任何审核"), "{out}");
        let fixed = d.join("fixed.xlsx");
        let (code, out, err) = run(&["fix", s(f), "-o", s(&fixed)]);
        assert_eq!(code, 1, "{out}{err}");
    }
    let (code, out, _) = run(&["check", s(&empty), s(&sample())]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("C33"), "the sample is checked too: {out}");
}
