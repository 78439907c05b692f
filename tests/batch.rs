//! A reviewer's batch: folders (recursively) and patterns expanded by the tool itself, in a
//! stable order; `--min-severity` filtering what is printed but not what is counted; JSON
//! with per-file and overall counts; `fix` of a folder; no progress bar when piped.

#[path = "support/cli.rs"]
mod cli;

use cli::run;
use fiscalform::batch::{expand, Found};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("batch")
        .join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

fn real() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder as a reviewer receives it: forms in subfolders, a stray text file, Excel's lock
/// file of an open workbook and a hidden file.
fn received(tag: &str) -> PathBuf {
    let d = dir(tag);
    std::fs::create_dir_all(d.join("乙单位/附件")).unwrap();
    std::fs::copy(sample(), d.join("甲单位.xlsx")).unwrap();
    std::fs::copy(real(), d.join("乙单位/决算.xlsx")).unwrap();
    std::fs::copy(sample(), d.join("乙单位/附件/复核.xlsx")).unwrap();
    std::fs::write(d.join("说明.txt"), "不是报表").unwrap();
    std::fs::write(d.join("~$甲单位.xlsx"), "lock").unwrap();
    std::fs::write(d.join(".隐藏.xlsx"), "hidden").unwrap();
    d
}

fn heads(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("== "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_folder_is_checked_recursively_in_path_order_without_lock_or_hidden_files() {
    let d = received("folder");
    let (code, out, err) = run(&["check", s(&d)]);
    assert_eq!(code, 1, "the sample's error: {out}{err}");
    let expected: Vec<String> = ["甲单位.xlsx", "乙单位/决算.xlsx", "乙单位/附件/复核.xlsx"]
        .iter()
        .map(|f| d.join(f).display().to_string())
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(heads(&out), sorted, "{out}");
    assert!(
        out.ends_with(
            "合计：3 个文件（0 个无法读取），识别 27 张表；错误 2 条，警告 2 条，提示 33 条\n"
        ),
        "{out}"
    );
}

#[test]
fn a_quoted_pattern_is_expanded_by_the_tool() {
    let d = received("pattern");
    let pattern = format!("{}/*/*.xlsx", d.display());
    let (code, out, _) = run(&["check", &pattern]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        heads(&out),
        [d.join("乙单位/决算.xlsx").display().to_string()]
    );

    let pattern = format!("{}/*", d.display());
    let (_, out, _) = run(&["check", &pattern]);
    assert_eq!(heads(&out).len(), 3, "a matched folder is searched: {out}");
}

#[test]
fn a_pattern_or_folder_with_no_forms_cannot_run() {
    let d = dir("nothing");
    std::fs::write(d.join("说明.txt"), "x").unwrap();
    let (code, out, err) = run(&["check", s(&d)]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("中没有可读取的表格") && err.contains(".xlsx"),
        "{err}"
    );

    let pattern = format!("{}/*.xlsx", d.display());
    let (code, _, err) = run(&["check", &pattern]);
    assert_eq!(code, 2);
    assert!(err.contains("没有文件与") && err.contains("匹配"), "{err}");

    let (code, _, err) = run(&["fix", &pattern]);
    assert_eq!(code, 2, "fix refuses it the same way: {err}");
    assert!(err.contains("匹配"), "{err}");
}

#[test]
fn min_severity_filters_the_lines_but_not_the_counts() {
    let (_, all, _) = run(&["check", s(&sample())]);
    let (code, errors, _) = run(&["check", "--min-severity", "error", s(&sample())]);
    assert_eq!(code, 1, "the exit code still follows the errors");
    let (_, warnings, _) = run(&["check", "--min-severity", "warning", s(&sample())]);
    let count = |text: &str| {
        ["错误", "警告", "提示"].map(|word| {
            text.lines()
                .filter(|l| l.trim_start().starts_with(word))
                .count()
        })
    };
    assert_eq!(count(&all), [1, 1, 9], "{all}");
    assert_eq!(count(&errors), [1, 0, 0], "{errors}");
    assert_eq!(count(&warnings), [1, 1, 0], "{warnings}");
    let summary = "错误 1 条，警告 1 条，提示 9 条";
    assert!(errors.contains(summary) && warnings.contains(summary));

    let (_, bad, err) = run(&["check", "--min-severity", "fatal", s(&sample())]);
    assert!(bad.is_empty() && err.contains("fatal"), "{err}");
}

#[test]
fn json_keeps_everything_and_counts_per_file_and_overall() {
    let d = received("json");
    let (code, out, _) = run(&[
        "check",
        "--format",
        "json",
        "--min-severity",
        "error",
        s(&d),
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let mut sums = [0u64; 3];
    for f in files {
        let findings = f["findings"].as_array().unwrap();
        for (i, (name, sev)) in [
            ("errors", "error"),
            ("warnings", "warning"),
            ("infos", "info"),
        ]
        .iter()
        .enumerate()
        {
            let n = findings.iter().filter(|x| x["severity"] == *sev).count() as u64;
            assert_eq!(f["counts"][name], n, "{name} of {}", f["path"]);
            sums[i] += n;
        }
    }
    let totals = &report["totals"];
    assert_eq!(totals["files"], 3);
    assert_eq!(totals["unreadable"], 0);
    assert_eq!(totals["forms"], 27);
    assert_eq!(
        [&totals["errors"], &totals["warnings"], &totals["infos"]],
        sums.map(Value::from).each_ref()
    );
    assert!(
        sums[2] > 0,
        "infos are kept in JSON whatever --min-severity says"
    );
}

#[test]
fn fix_of_a_folder_writes_beside_each_input_and_skips_its_own_outputs_next_time() {
    let d = received("fix-beside");
    let (code, out, err) = run(&["fix", s(&d)]);
    assert_eq!(
        code, 1,
        "the sample's error is left for a person: {out}{err}"
    );
    for f in [
        "甲单位-已校正.xlsx",
        "乙单位/决算-已校正.xlsx",
        "乙单位/附件/复核-已校正.xlsx",
    ] {
        assert!(d.join(f).is_file(), "{f}: {out}");
    }
    assert!(
        out.ends_with("合计：3 个文件，写出 3 个校正后的工作簿，0 个未写出\n"),
        "{out}"
    );
    let (_, again, _) = run(&["fix", s(&d)]);
    assert_eq!(
        heads(&again).len(),
        3,
        "the corrected copies are not fixed again: {again}"
    );
    assert!(!d.join("甲单位-已校正-已校正.xlsx").exists());
}

#[test]
fn fix_of_many_into_a_folder_keeps_files_of_the_same_name_apart() {
    let d = received("fix-into");
    let target = d.join("校正结果");
    let a = d.join("甲单位.xlsx");
    let b = d.join("乙单位/附件/复核.xlsx");
    std::fs::copy(&a, d.join("乙单位/甲单位.xlsx")).unwrap();
    let pattern = format!("{}/**/甲单位.xlsx", d.display());
    let (code, out, err) = run(&["fix", &pattern, s(&b), "-o", s(&target)]);
    assert_eq!(code, 1, "{out}{err}");
    let mut written: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "复核-已校正.xlsx",
            "甲单位-已校正(2).xlsx",
            "甲单位-已校正.xlsx"
        ]
    );

    let (code, _, err) = run(&["fix", s(&a), s(&b), "-o", s(&d.join("一个.xlsx"))]);
    assert_eq!(code, 2);
    assert!(err.contains("文件夹"), "{err}");
    assert!(!d.join("一个.xlsx").exists());
}

#[test]
fn a_piped_batch_draws_no_progress_bar() {
    let d = received("piped");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fiscalform"))
        .args(["check", s(&d), "--min-severity", "error"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tiny deterministic generator (xorshift), so that failures repeat.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Over many generated folder trees, a folder gives exactly the files of the forms' extensions
/// (any case) that are not hidden, not lock files and not inside a hidden folder, sorted by
/// path; `fix` leaves out its own outputs.
#[test]
fn generated_trees_give_exactly_their_forms_in_path_order() {
    const NAMES: [&str; 6] = ["甲", "b", "B2", "单位10", "单位2", "z"];
    const EXTS: [(&str, bool); 8] = [
        ("xlsx", true),
        ("XLSX", true),
        ("xls", true),
        ("pdf", true),
        ("docx", true),
        ("ods", true),
        ("txt", false),
        ("json", false),
    ];
    for seed in 1..=60u64 {
        let mut rng = Rng(seed * 0x9E37_79B9_7F4A_7C15);
        let root = dir(&format!("gen-{seed}"));
        let (mut check, mut fix) = (Vec::new(), Vec::new());
        for i in 0..(3 + rng.below(12)) {
            let depth = rng.below(3);
            let mut folder = root.clone();
            let mut hidden = false;
            for _ in 0..depth {
                let hide = rng.below(8) == 0;
                hidden |= hide;
                let name = NAMES[rng.below(6) as usize];
                folder.push(if hide {
                    format!(".{name}")
                } else {
                    name.to_string()
                });
            }
            std::fs::create_dir_all(&folder).unwrap();
            let (ext, form) = EXTS[rng.below(8) as usize];
            let prefix = ["", "", "", "~$", "."][rng.below(5) as usize];
            let fixed = ["", "", "", "", "", "", "-已校正", "-报送版"][rng.below(8) as usize];
            let file = folder.join(format!(
                "{prefix}{}{i}{fixed}.{ext}",
                NAMES[rng.below(6) as usize]
            ));
            std::fs::write(&file, b"x").unwrap();
            if form && prefix.is_empty() && !hidden {
                check.push(file.clone());
                if fixed.is_empty() {
                    fix.push(file);
                }
            }
        }
        check.sort();
        fix.sort();
        let got = expand(std::slice::from_ref(&root), Found::Forms);
        if check.is_empty() {
            assert!(got.is_err(), "seed {seed}: {got:?}");
            continue;
        }
        assert_eq!(got.unwrap(), check, "seed {seed}");
        match expand(std::slice::from_ref(&root), Found::FormsToFix) {
            Ok(got) => assert_eq!(got, fix, "seed {seed}"),
            Err(_) => assert!(fix.is_empty(), "seed {seed}"),
        }
    }
}

#[test]
fn export_of_a_folder_writes_one_document_per_workbook() {
    let d = received("export");
    let target = d.join("导出");
    let (code, out, err) = run(&["export", s(&d), "-o", s(&target)]);
    assert_eq!(code, 0, "{out}{err}");
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["决算.json", "复核.json", "甲单位.json"]);
    let doc: Value =
        serde_json::from_slice(&std::fs::read(target.join("甲单位.json")).unwrap()).unwrap();
    assert_eq!(doc["forms"].as_array().unwrap().len(), 9);
    assert!(
        out.ends_with("合计：3 个文件，导出 3 个，0 个未导出（见各文件的说明）\n"),
        "{out}"
    );

    let csv = d.join("csv");
    let (code, _, err) = run(&["export", s(&d), "--format", "csv", "-o", s(&csv)]);
    assert_eq!(code, 0, "{err}");
    let per_form = csv.join("甲单位").read_dir().unwrap().count();
    assert_eq!(
        per_form, 9,
        "a folder of one CSV per form for each workbook"
    );
    assert!(csv.join("甲单位").join("final-01_公开01表.csv").is_file());

    let (code, out, err) = run(&["export", s(&d), "-o", "-"]);
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("文件夹"), "{err}");
}
