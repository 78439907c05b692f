//! Hostile and broken inputs on the writing side: a symlink planted where a temporary file
//! used to be predictable, a CSV set that fails half-way, deep expressions in form
//! definitions, a quadratic import, duplicate sheet names and over-long strings.

#[path = "support/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};

/// A fresh folder of its own for one test (the tests run at once).
fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_write")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn temporaries(d: &Path) -> Vec<String> {
    names(d)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

// ------------------------------------------------------------------ temporary output file

#[cfg(unix)]
#[test]
fn a_symlink_at_the_old_temporary_name_cannot_make_fix_overwrite_the_input() {
    let d = dir("symlink");
    let input = d.join("in.xlsx");
    std::fs::copy(sample(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let out = d.join("out.xlsx");
    // The name the temporary file used to have: `.out.xlsx.<pid>.tmp`.
    let planted = d.join(format!(".out.xlsx.{}.tmp", std::process::id()));
    std::os::unix::fs::symlink(&input, &planted).unwrap();
    let (code, _, err) = cli::run(&["fix", s(&input), "-o", s(&out)]);
    assert!(code <= 1, "{err}");
    assert!(
        std::fs::read(&input).unwrap() == before,
        "the input is unchanged"
    );
    assert!(out.exists());
    assert!(std::fs::symlink_metadata(&planted)
        .unwrap()
        .file_type()
        .is_symlink());
    // The written workbook is an ordinary file, readable by others as a new file would be.
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.is_file());
    use std::os::unix::fs::PermissionsExt;
    assert_ne!(
        meta.permissions().mode() & 0o044,
        0,
        "not a private 0600 file"
    );
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let d = dir("failed-write");
    // The output's name is taken by a folder with something in it: the rename fails.
    let out = d.join("out.xlsx");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "x").unwrap();
    let (code, _, err) = cli::run(&["fix", s(&sample()), "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("无法写入文件") && err.contains("out.xlsx"),
        "{err}"
    );
    assert_eq!(names(&d), ["out.xlsx"]);
    assert_eq!(names(&out), ["keep.txt"]);
}

#[test]
fn a_later_run_removes_temporaries_an_interrupted_run_left_an_hour_ago() {
    let d = dir("stale");
    let old = d.join(".fiscalform-OLDOLDOLD0.tmp");
    let fresh = d.join(".fiscalform-NEWNEWNEW0.tmp");
    let other = d.join(".other-old.tmp");
    for p in [&old, &fresh, &other] {
        std::fs::write(p, b"half").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for p in [&old, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let out = d.join("out.xlsx");
    let (code, _, err) = cli::run(&["fix", s(&sample()), "-o", s(&out)]);
    assert!(code <= 1, "{err}");
    assert!(!old.exists(), "an hour-old leftover of ours is removed");
    assert!(fresh.exists(), "a run may still be writing a recent one");
    assert!(other.exists(), "files not ours are left alone");
}

// ------------------------------------------------------------------ CSV set

fn csv_names(d: &Path) -> Vec<String> {
    names(d)
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .collect()
}

#[test]
fn a_csv_set_that_fails_at_one_form_leaves_none_of_the_others() {
    let d = dir("csv");
    // The full set, to learn the names.
    let full = d.join("full");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&full)]);
    assert_eq!(code, 0, "{err}");
    let set = csv_names(&full);
    assert!(set.len() >= 5, "{set:?}");
    assert!(temporaries(&d).is_empty(), "{:?}", names(&d));

    // Into an existing folder whose fifth file name is taken by a folder: nothing written,
    // and an older file of the set is put back as it was.
    let out = d.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::create_dir(out.join(&set[4])).unwrap();
    std::fs::write(out.join(&set[4]).join("x"), "x").unwrap();
    std::fs::write(out.join(&set[0]), "older export").unwrap();
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&set[4]) && err.contains("未写出"), "{err}");
    assert_eq!(csv_names(&out), [set[0].clone(), set[4].clone()]);
    assert_eq!(
        std::fs::read_to_string(out.join(&set[0])).unwrap(),
        "older export"
    );
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
    assert!(temporaries(&d).is_empty(), "{:?}", names(&d));

    // Once the name is free, the same export writes the whole set over the older file.
    std::fs::remove_dir_all(out.join(&set[4])).unwrap();
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv_names(&out), set);
    for n in &set {
        assert!(
            std::fs::read(out.join(n)).unwrap() == std::fs::read(full.join(n)).unwrap(),
            "{n}"
        );
    }
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
}

#[cfg(unix)]
#[test]
fn a_new_csv_folder_appears_whole_or_not_at_all() {
    let d = dir("csv-new");
    // A folder that cannot be created where a file has its name: nothing is left beside it.
    let blocked = d.join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    let out = blocked.join("out");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("无法写入目录"), "{err}");
    assert_eq!(names(&d), ["blocked"]);
    // A new folder in a folder that does not exist yet.
    let out = d.join("a").join("b");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(csv_names(&out).len() >= 5);
    assert!(temporaries(&d.join("a")).is_empty());
}

// ------------------------------------------------------------------ expression depth

/// The shipped definitions copied into a folder of their own, with `rule` appended to
/// final-01.toml as one more check.
fn templates_with(name: &str, expr: &str) -> PathBuf {
    let d = dir(name);
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    for e in std::fs::read_dir(&shipped).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    let path = d.join("final-01.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[[check]]\nid = \"deep\"\nname = \"很深的规则\"\nexpr = \"{expr}\"\n"
    ));
    std::fs::write(&path, text).unwrap();
    d
}

/// `fiscalform check SAMPLE --templates DIR`: exit code and standard error.
fn check_with(templates: &Path) -> (i32, String) {
    let (code, _, err) = cli::run(&["--templates", s(templates), "check", s(&sample())]);
    (code, err)
}

fn assert_refused_as_too_deep(name: &str, expr: &str) {
    let (code, err) = check_with(&templates_with(name, expr));
    assert_eq!(code, 2, "{name}: {err}");
    for said in ["final-01.toml", "final-01", "deep", "嵌套过深", "sum("] {
        assert!(err.contains(said), "{name}: {said} missing from {err}");
    }
}

#[test]
fn deeply_nested_parentheses_are_refused_with_the_rule_named() {
    let n = 3000;
    let expr = format!("{}L27{} == L27", "(".repeat(n), ")".repeat(n));
    assert_refused_as_too_deep("parens", &expr);
    // Through functions, minus signs and `not` as well.
    let expr = format!("{}L27{} == L27", "abs(".repeat(n), ")".repeat(n));
    assert_refused_as_too_deep("calls", &expr);
    let expr = format!("{}L27 == L27", "-".repeat(n));
    assert_refused_as_too_deep("minus", &expr);
    let expr = format!("{}L27 == L27", "not ".repeat(n));
    assert_refused_as_too_deep("not", &expr);
}

#[test]
fn long_operator_chains_are_refused_not_overflowed() {
    // 6,000 terms overflowed the binder; 200,000 the dropping of the parsed tree.
    for (name, n) in [("chain-6000", 6_000), ("chain-200000", 200_000)] {
        let expr = format!("L27{} == L27", " + L27".repeat(n));
        assert_refused_as_too_deep(name, &expr);
    }
    let expr = format!("L27{} == L27", " * L27".repeat(6_000));
    assert_refused_as_too_deep("product", &expr);
    let expr = format!("L27 == L27{}", " and L27 == L27".repeat(6_000));
    assert_refused_as_too_deep("and", &expr);
}

#[test]
fn rules_within_the_limit_still_run() {
    // 150 parentheses, and a sum of 5,000 terms written as a function's arguments.
    let n = 150;
    let expr = format!("{}L27{} == L27", "(".repeat(n), ")".repeat(n));
    let (code, err) = check_with(&templates_with("within-parens", &expr));
    assert!(code <= 1, "{err}");
    let expr = format!("sum(L27{}) == 5000 * L27", ", L27".repeat(4_999));
    let (code, err) = check_with(&templates_with("within-sum", &expr));
    assert!(code <= 1, "{err}");
    let expr = format!("L27{} == 100 * L27", " + L27".repeat(99));
    let (code, err) = check_with(&templates_with("within-chain", &expr));
    assert!(code <= 1, "{err}");
}
