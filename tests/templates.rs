//! Blank templates: every form's workbook, read back with calamine, has each label, 行次 and
//! merge where its definition puts it and a live formula in every derived cell; bad
//! definitions are refused with a message naming file, form and field.

#[path = "support/cli.rs"]
mod cli;
use calamine::{open_workbook, Data, Reader, Xlsx};
use cli::run;
use fiscalform::calc::{blank_data, compute, Book, Mode};
use fiscalform::form::{Catalog, Family};
use fiscalform::layout::{a1, Content};
use fiscalform::write::place;
use std::path::PathBuf;

fn out_dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text_of(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn every_form_is_written_as_its_definition_lays_it_out() {
    let catalog = Catalog::embedded().expect("built-in definitions compile");
    let dir = out_dir("templates-layout");
    for family in [Family::Final, Family::Budget, Family::Perf] {
        let forms: Vec<_> = catalog.family(family).collect();
        if forms.is_empty() {
            continue;
        }
        let path = dir.join(format!("{}.xlsx", family.as_str()));
        fiscalform::cli::write_template(&forms, Some("2023"), Some("测试单位"), &path).unwrap();
        // The layout the definitions give, computed independently of the file.
        let book = Book::new(
            forms
                .iter()
                .map(|f| (*f, blank_data(f, Some("测试单位"), Some("2023"), true)))
                .collect(),
        );
        let calc = compute(&book, Mode::Fix, true);
        let placement = place(&book, &calc);

        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(
            wb.sheet_names(),
            placement.sheets,
            "one sheet per form, in order"
        );
        for (fi, sheet) in placement.sheets.iter().enumerate() {
            let values = wb.worksheet_range(sheet).unwrap();
            let formulas = wb.worksheet_formula(sheet).unwrap();
            let merges: Vec<_> = wb
                .merge_cells_by_sheet_name(sheet)
                .unwrap()
                .into_iter()
                .map(|d| (d.start, d.end))
                .collect();
            let layout = &placement.layouts[fi];
            let mut derived = 0;
            for p in &layout.cells {
                let at = (p.row, u32::from(p.col));
                let here = format!("{} {}!{}", forms[fi].id, sheet, a1(p.row, p.col));
                let got = values.get_value(at).map(text_of).unwrap_or_default();
                match &p.content {
                    Content::Text(t) => assert_eq!(&got, t, "label at {here}"),
                    Content::Number(n) => assert_eq!(got, n.to_string(), "行次 at {here}"),
                    Content::Cell(id) if calc.derived.contains_key(id) => {
                        derived += 1;
                        let f = formulas.get_value(at).cloned().unwrap_or_default();
                        assert!(
                            !f.is_empty(),
                            "derived cell {} has a formula at {here}",
                            id.key()
                        );
                        // A spare row's formula shows (and stores) "" until the row is filled.
                        let blank_until_filled =
                            f.starts_with("IF(COUNT(") && f.contains(")=0,\"\",");
                        assert!(
                            !got.is_empty() || blank_until_filled,
                            "derived cell {} stores its result at {here}",
                            id.key()
                        );
                    }
                    _ => {}
                }
                if p.rows > 1 || p.cols > 1 {
                    let want = (at, (p.row + p.rows - 1, u32::from(p.col + p.cols - 1)));
                    assert!(merges.contains(&want), "merge {:?} at {here}", want);
                }
            }
            assert_eq!(
                derived,
                calc.derived.keys().filter(|c| c.form == fi).count()
            );
        }
    }
}

#[test]
fn template_titles_carry_year_unit_and_table_number() {
    let dir = out_dir("templates-titles");
    let path = dir.join("f.xlsx");
    let (code, out, err) = run(&[
        "template",
        "final-01",
        "final-02",
        "--year",
        "2023",
        "--unit",
        "株洲市长株潭一体化发展事务中心",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("公开01表"));
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let r = wb.worksheet_range("公开01表").unwrap();
    let cell = |a: (u32, u32)| r.get_value(a).map(text_of).unwrap_or_default();
    assert_eq!(cell((0, 0)), "收入支出决算总表");
    assert!(cell((2, 0)).contains("部门：株洲市长株潭一体化发展事务中心"));
    let row2: Vec<String> = (0..6).map(|c| cell((2, c))).collect();
    assert!(row2.iter().any(|t| t == "2023年度"), "{row2:?}");
    assert!(row2.iter().any(|t| t == "金额单位：万元"), "{row2:?}");
    let row1: Vec<String> = (0..6).map(|c| cell((1, c))).collect();
    assert!(row1.iter().any(|t| t == "公开01表"), "{row1:?}");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    // The test's own folder, not one every program on the machine shares, were it written.
    let x = out_dir("bad-arguments").join("x.xlsx");
    let x = x.to_str().unwrap();
    let (code, _, err) = run(&["template", "final-99", "-o", x]);
    assert_eq!(code, 2);
    assert!(
        err.contains("final-99") && err.contains("fiscalform forms"),
        "{err}"
    );
    let (code, _, err) = run(&["template", "-o", x]);
    assert_eq!(code, 2);
    assert!(err.contains("--family"), "{err}");
    let (code, _, err) = run(&["template", "final-01", "-o", "/nonexistent-dir/x.xlsx"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent-dir/x.xlsx"), "{err}");
    assert!(!std::path::Path::new("/nonexistent-dir").exists());
    let dir = out_dir("bad-year");
    for year in ["24", "2024年度", "二〇二四", "12024"] {
        let out = dir.join("bad-year.xlsx");
        let (code, err) = final_01_of_year(year, &out);
        assert_eq!(code, 2, "{year}: {err}");
        assert!(err.contains("应为四位数字的年份"), "{year}: {err}");
        assert!(!out.exists(), "{year}");
    }
}

/// `template final-01 --year YEAR -o OUT`: the exit code and stderr.
fn final_01_of_year(year: &str, out: &std::path::Path) -> (i32, String) {
    let (code, _, err) = run(&[
        "template",
        "final-01",
        "--year",
        year,
        "-o",
        out.to_str().unwrap(),
    ]);
    (code, err)
}

/// `--year 2024年` and full-width digits give the same titles as `--year 2024`.
#[test]
fn a_year_written_with_its_character_is_the_year() {
    let dir = out_dir("year-forms");
    for (i, year) in ["2024", "2024年", "２０２４"].into_iter().enumerate() {
        let out = dir.join(format!("y{i}.xlsx"));
        let (code, err) = final_01_of_year(year, &out);
        assert_eq!(code, 0, "{year}: {err}");
        let wb = fiscalform::read::read_workbook(&out).unwrap();
        let texts: Vec<String> = (wb.sheets[0].cells())
            .filter_map(|(_, _, cell)| cell.as_text().map(str::to_string))
            .collect();
        assert!(
            texts.iter().any(|t| t.contains("2024年度")),
            "{year}: {texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t.contains("年年度")),
            "{year}: {texts:?}"
        );
    }
}

const MINIMAL: &str = r#"
id = "t-01"
table_no = "测试01表"
title = "测试表"
family = "final"
[[blocks]]
id = "main"
header = [["项目", "行次", "金额"]]
[[blocks.panels]]
id = "p"
columns = [{ id = "item", kind = "label" }, { id = "line", kind = "line" }, { id = "amount", kind = "amount" }]
rows = [{ line = 1, label = "甲" }, { line = 2, label = "乙" }, { line = 3, label = "合计" }]
"#;

fn refused(extra: &str) -> String {
    refused_source(format!("{MINIMAL}{extra}"))
}

/// The message refusing the definition `src` (as file t-01.toml).
fn refused_source(src: String) -> String {
    Catalog::from_sources(vec![("t-01.toml".into(), src)])
        .expect_err("definition must be refused")
        .to_string()
}

#[test]
fn a_valid_minimal_definition_compiles() {
    let extra = "[[derive]]\nid = \"t\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\n";
    let cat =
        Catalog::from_sources(vec![("t-01.toml".into(), format!("{MINIMAL}{extra}"))]).unwrap();
    assert_eq!(cat.forms[0].derive().len(), 1);
}

#[test]
fn unknown_reference_is_refused_naming_file_form_and_field() {
    let msg =
        refused("[[derive]]\nid = \"t\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L9\"\n");
    assert!(
        msg.contains("t-01.toml") && msg.contains("t-01") && msg.contains("derive[0]（t）"),
        "{msg}"
    );
    assert!(msg.contains("L9"), "{msg}");
    let msg = refused("[[check]]\nid = \"x\"\nname = \"跨表\"\nexpr = \"L3 == 'final-77'!L1\"\n");
    assert!(
        msg.contains("check[0]（x）") && msg.contains("final-77"),
        "{msg}"
    );
}

#[test]
fn cycle_between_derived_cells_is_refused() {
    let msg = refused(
        "[[derive]]\nid = \"a\"\nname = \"甲\"\ncells = [\"L1\"]\nexpr = \"L3 - L2\"\n\
         [[derive]]\nid = \"b\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\n",
    );
    assert!(
        msg.contains("循环引用") && msg.contains("L1.amount") && msg.contains("L3.amount"),
        "{msg}"
    );
}

#[test]
fn derived_cell_declared_as_input_is_refused() {
    let src = MINIMAL.replace(
        "{ line = 3, label = \"合计\" }",
        "{ line = 3, label = \"合计\", inputs = [\"amount\"] }",
    );
    let src = format!(
        "{src}[[derive]]\nid = \"t\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\n"
    );
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), src)])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("既是计算单元格又被声明为填报单元格") && msg.contains("derive[0]（t）"),
        "{msg}"
    );
}

#[test]
fn row_selectors_and_cells_are_read_when_loaded() {
    let rule = |target: &str| {
        refused(&format!(
            "[[check]]\nid = \"t\"\nname = \"甲\"\n{target}\nexpr = \"amount >= 0\"\n"
        ))
    };
    let msg = rule("rows = \"p:bogus\"\ncolumns = [\"amount\"]");
    assert!(
        msg.contains("check[0]（t）.rows") && msg.contains("未知的行选择“bogus”"),
        "{msg}"
    );
    let msg = rule("rows = \"p:groups\"\ncolumns = [\"amount\"]");
    assert!(msg.contains("没有分组"), "{msg}");
    let msg = rule("rows = \"nowhere\"\ncolumns = [\"amount\"]");
    assert!(msg.contains("未知的行或栏目组“nowhere”"), "{msg}");
    let msg = rule("cells = [\"L1 + L2\"]");
    assert!(
        msg.contains("check[0]（t）.cells") && msg.contains("不是单元格引用"),
        "{msg}"
    );
}

#[test]
fn a_row_placeholder_outside_a_code_form_name_or_text_is_refused() {
    let msg = refused(
        "[[check]]\nid = \"t\"\nname = \"甲\"\nrows = \"p\"\ncolumns = [\"amount\"]\nexpr = \"amount >= L{line}\"\n",
    );
    assert!(msg.contains("expr") && msg.contains("{line}"), "{msg}");
}

#[test]
fn duplicate_ids_are_refused() {
    let src = MINIMAL.replace(
        "{ line = 2, label = \"乙\" }",
        "{ line = 2, label = \"乙\", id = \"L1\" }",
    );
    let msg = refused_source(src);
    assert!(
        msg.contains("行 id“L1”重复") && msg.contains("rows[1]"),
        "{msg}"
    );
    let msg = refused(
        "[[derive]]\nid = \"t\"\nname = \"甲\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\n\
         [[check]]\nid = \"t\"\nname = \"乙\"\nexpr = \"L3 >= 0\"\n",
    );
    assert!(msg.contains("规则 id“t”重复"), "{msg}");
    let two = vec![
        ("a.toml".to_string(), MINIMAL.to_string()),
        ("b.toml".to_string(), MINIMAL.to_string()),
    ];
    let msg = Catalog::from_sources(two).unwrap_err().to_string();
    assert!(
        msg.contains("b.toml") && msg.contains("表 id 与 a.toml 重复"),
        "{msg}"
    );
}

#[test]
fn overlapping_merges_are_refused() {
    // A header cell spanning down three rows runs into the first data row.
    let src = MINIMAL.replace(
        "header = [[\"项目\", \"行次\", \"金额\"]]",
        "header = [[{ text = \"项目\", rows = 3 }, \"行次\", \"金额\"], [\"a\", \"b\"]]",
    );
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), src)])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("重叠") && msg.contains("blocks"), "{msg}");
    // A label spanning past its own row's cells.
    let src = MINIMAL.replace(
        "{ line = 1, label = \"甲\" }",
        "{ line = 1, label = \"甲\", label_span = 9 }",
    );
    assert!(Catalog::from_sources(vec![("t-01.toml".into(), src)]).is_err());
}

#[test]
fn header_narrower_than_the_table_is_refused() {
    let src = MINIMAL.replace(
        "header = [[\"项目\", \"行次\", \"金额\"]]",
        "header = [[\"项目\", \"金额\"]]",
    );
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), src)])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("header[0]") && msg.contains("表格有 3 列"),
        "{msg}"
    );
}

/// MINIMAL with a 备注 column that is not on the printed form, the header left as printed.
fn with_optional_note(columns_tail: &str) -> String {
    MINIMAL.replace(
        "{ id = \"amount\", kind = \"amount\" }]",
        &format!("{{ id = \"amount\", kind = \"amount\" }}{columns_tail}]"),
    )
}

#[test]
fn an_optional_column_is_read_under_its_label_and_printed_only_when_filled() {
    let src = with_optional_note(
        ", { id = \"note\", kind = \"text\", label = \"备注\", optional = true }",
    );
    let cat = Catalog::from_sources(vec![("t-01.toml".into(), src)]).unwrap();
    let form = &cat.forms[0];
    let header: Vec<&str> = form.blocks[0].header[0].iter().map(|h| h.text()).collect();
    assert_eq!(header, ["项目", "行次", "金额", "备注"]);
    assert_eq!(form.width, 4);
    let printed = form
        .printed(|_, _| false)
        .expect("the blank column is left out");
    let header: Vec<&str> = printed.blocks[0].header[0]
        .iter()
        .map(|h| h.text())
        .collect();
    assert_eq!(header, ["项目", "行次", "金额"]);
    assert_eq!(
        (printed.width, printed.blocks[0].panels[0].columns.len()),
        (3, 3)
    );
    assert!(
        form.printed(|_, col| col == "note").is_none(),
        "a filled one is printed"
    );
}

#[test]
fn misplaced_optional_columns_are_refused() {
    // 金额 printed over two columns, the optional one between them.
    let inside = with_optional_note(
        ", { id = \"note\", kind = \"text\", label = \"备注\", optional = true }, { id = \"amount2\", kind = \"amount\" }",
    )
    .replace(
        "header = [[\"项目\", \"行次\", \"金额\"]]",
        "header = [[\"项目\", \"行次\", { text = \"金额\", cols = 2 }]]",
    );
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), inside)])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("columns.note") && msg.contains("两格之间"),
        "{msg}"
    );
    let unlabelled = with_optional_note(", { id = \"note\", kind = \"text\", optional = true }");
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), unlabelled)])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("columns.note") && msg.contains("label"),
        "{msg}"
    );
    let counted = with_optional_note(
        ", { id = \"note\", kind = \"text\", label = \"备注\", optional = true }",
    )
    .replace(
        "header = [[\"项目\", \"行次\", \"金额\"]]",
        "header = [[\"项目\", \"行次\", \"金额\", \"备注\"]]",
    );
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), counted)])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("表格有 3 列（不计可选列）"), "{msg}");
}

#[test]
fn syntax_errors_name_the_line() {
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), "id = \"x\"\ntitle = 3\n".into())])
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("t-01.toml") && msg.contains("第 2 行"),
        "{msg}"
    );
}

#[test]
fn templates_dir_replaces_the_built_in_definitions() {
    let dir = out_dir("templates-dir");
    std::fs::write(dir.join("t-01.toml"), MINIMAL).unwrap();
    let (code, out, err) = run(&["--templates", dir.to_str().unwrap(), "forms"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("t-01") && out.contains("测试01表") && !out.contains("final-01"),
        "{out}"
    );
    std::fs::write(dir.join("t-02.toml"), "id = \"t-02\"\n").unwrap();
    let (code, _, err) = run(&["--templates", dir.to_str().unwrap(), "forms"]);
    assert_eq!(code, 2);
    assert!(err.contains("t-02.toml"), "{err}");
}

#[test]
fn misused_rule_options_are_refused_naming_the_field() {
    let msg = refused(
        "[[derive]]\nid = \"t\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\ntolerance = \"-1\"\n",
    );
    assert!(msg.contains("derive[0]（t）.tolerance"), "{msg}");
    let msg =
        refused("[[check]]\nid = \"c\"\nname = \"甲\"\nexpr = \"L1 <= L3\"\ntolerance = \"0.5\"\n");
    assert!(msg.contains("check[0]（c）.tolerance"), "{msg}");
    let msg = refused(
        "[[check]]\nid = \"c\"\nname = \"甲\"\nrows = \"p:groups\"\ncolumns = [\"amount\"]\nexpr = \"amount >= 0\"\n",
    );
    // Groups are a list's (`list.group_by`); panel p is fixed rows.
    assert!(
        msg.contains("check[0]（c）") && msg.contains("group_by"),
        "{msg}"
    );
    let msg = refused(
        "[[check]]\nid = \"c\"\nname = \"甲\"\nexpr = \"L1 <= L3\"\nsupersedes = \"nope\"\n",
    );
    assert!(msg.contains("supersedes") && msg.contains("nope"), "{msg}");
    let msg =
        refused("[[check]]\nid = \"c\"\nname = \"甲\"\nexpr = \"L1 <= L3\"\nwhere = \"L1 +\"\n");
    assert!(msg.contains("check[0]（c）.where"), "{msg}");
    let msg = refused(
        "[[derive]]\nid = \"t\"\nname = \"合计\"\ncells = [\"L3\"]\nexpr = \"L1 + L2\"\nblank_parts = \"loud\"\n",
    );
    assert!(msg.contains("blank_parts") && msg.contains("loud"), "{msg}");
}

#[test]
fn a_unit_field_must_be_a_cell_of_the_grid() {
    let src = MINIMAL.replace(
        "family = \"final\"\n",
        "family = \"final\"\nunit_field = \"nope\"\n",
    );
    let msg = refused_source(src);
    assert!(msg.contains("unit_field") && msg.contains("nope"), "{msg}");
}

#[test]
fn no_form_may_refer_to_a_repeatable_one() {
    let other = MINIMAL
        .replace("t-01", "t-02")
        .replace("测试01表", "测试02表")
        .replace(
            "title = \"测试表\"",
            "title = \"测试表二\"\nrepeatable = true",
        );
    let src =
        format!("{MINIMAL}[[check]]\nid = \"x\"\nname = \"跨表\"\nexpr = \"L3 == 't-02'!L3\"\n");
    let msg = Catalog::from_sources(vec![("t-01.toml".into(), src), ("t-02.toml".into(), other)])
        .expect_err("refused")
        .to_string();
    assert!(msg.contains("t-02") && msg.contains("可重复"), "{msg}");
}

/// A form id names the files `export --format csv` writes: one that could reach outside the
/// folder (`../../x`) is refused when the definition is loaded.
#[test]
fn a_form_id_that_could_name_a_path_is_refused() {
    for bad in ["../../x", "a/b", "final 01", "表01"] {
        let src = MINIMAL.replace("id = \"t-01\"", &format!("id = \"{bad}\""));
        let msg = Catalog::from_sources(vec![("t-01.toml".into(), src)])
            .expect_err(bad)
            .to_string();
        assert!(
            msg.contains("只能由英文字母、数字、- 和 _ 组成"),
            "{bad}: {msg}"
        );
    }
    assert!(Catalog::from_sources(vec![("t-01.toml".into(), MINIMAL.to_string())]).is_ok());
}

#[test]
fn each_reason_a_rule_cannot_be_bound_is_named() {
    let check = |expr: &str| {
        refused(&format!(
            "[[check]]\nid = \"t\"\nname = \"甲\"\nexpr = \"{expr}\"\n"
        ))
    };
    let cases = [
        ("L1.bogus >= 0", "引用“L1.bogus”：栏目组“p”没有列“bogus”"),
        ("sum(L1:L9) >= 0", "未知的引用“L9”（表 t-01）"),
        ("sum(@group.amount) >= 0", "@group 只能用于按行的规则"),
        ("children >= 0", "children 只能用于按行的规则"),
        ("sum(@q.amount) >= 0", "未知的栏目组“q”"),
        ("sum(@p.bogus) >= 0", "栏目组“p”没有列“bogus”"),
        (
            "sumif(1, 1 > 0) >= 0",
            "sumif 的第一个参数应为一列单元格（如 @projects.fund）",
        ),
        (
            "lookup(1, 2, 3) >= 0",
            "lookup 的第 2、3 个参数须为 @栏目组.列",
        ),
    ];
    for (expr, reason) in cases {
        let msg = check(expr);
        assert!(
            msg.contains("check[0]（t）") && msg.contains(reason),
            "{expr}: {msg}"
        );
    }
    // A rule that binds is not refused: the reasons above are the expressions', not the form's.
    let fine = format!("{MINIMAL}[[check]]\nid = \"t\"\nname = \"甲\"\nexpr = \"L1 + L2 >= 0\"\n");
    assert!(Catalog::from_sources(vec![("t-01.toml".into(), fine)]).is_ok());
}
