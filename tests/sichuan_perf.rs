//! Sichuan's 部门预算项目支出绩效自评表 (the layout of 青神县发展和改革局's published 2023 form)
//! read as 附件3, over generated layouts: the fund and indicator columns in any order and in
//! the wordings units use, headers merged or not, with or without the 报表编号 line above the
//! title, amounts in 万元 or 元, scores filled or left blank. Each workbook reads as one form
//! whose every figure is in its cell (调整后预算数 as 全年预算数, 预算执行数 as 全年执行数, 总额 as
//! 年度资金总额, 财政资金 as 当年财政拨款, 权重 as 分值, 完成值 as 实际完成值, 指标性质 and 度量单位
//! kept as text), the 合计 row as 总分, 评价结论/存在问题/改进措施 kept; and its findings are
//! the genuine ones only (blank 得分 where the scores are blank, none where they are filled).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use grid::{a1, GridBook, GridCell, GridSheet};
use layout_gen::Rng;
use serde_json::Value;
use std::collections::BTreeMap;

/// How one generated workbook varies from the published page.
struct Variant {
    bianhao: bool,
    merged: bool,
    yuan: bool,
    filled: bool,
    rng: Rng,
}

/// What the generator wrote where, to be found again in the export: logical cell id → value.
struct Expected {
    cells: BTreeMap<String, String>,
    /// Each indicator's values by column id (level3 first).
    indicators: Vec<BTreeMap<String, String>>,
    /// The cells holding the form's values (no finding may call them outside the form).
    placed: Vec<String>,
    /// Whether the rows of the fund block the form has no cells for (财政专户管理资金,
    /// 单位资金) have figures, which its 其他资金 takes in and an info tells.
    folded: bool,
    /// The rows naming the fund columns and the indicator columns, with the columns each
    /// names by id.
    fund_header: (u32, Vec<(&'static str, u16)>),
    indicator_header: (u32, Vec<(&'static str, u16)>),
}

const LAST_COL: u16 = 10;

fn text(s: &str) -> GridCell {
    GridCell::text(s)
}

/// Merges the range (first row, first column, last row, last column) when the variant merges.
fn merge(s: &mut GridSheet, v: &Variant, (r1, c1, r2, c2): (u32, u16, u32, u16)) {
    if v.merged && (r1, c1) != (r2, c2) {
        s.merges.push((r1, c1, r2, c2));
    }
}

fn words<'a>(v: &mut Variant, choices: &[&'a str]) -> &'a str {
    choices[v.rng.below(choices.len())]
}

/// The money amount `wan` (hundredths of 万元) as the sheet shows it.
fn amount(v: &Variant, hundredths: u64) -> String {
    if v.yuan {
        (hundredths * 100).to_string()
    } else {
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }
}

/// The top of the form: 报表编号, title, project rows and the goal rows; returns the next row.
fn head(s: &mut GridSheet, v: &mut Variant, ex: &mut Expected) -> u32 {
    let mut r = 0;
    if v.bianhao {
        s.put(r, 0, text("报表编号：510000_0013zp"));
        merge(s, v, (r, 0, r, LAST_COL));
        r += 1;
    }
    s.put(r, 0, text("部门预算项目支出绩效自评表（2023年度）"));
    merge(s, v, (r, 0, r, LAST_COL));
    let name = "51000021R000000019951-工资性支出";
    s.put(r + 1, 0, text("项目名称"));
    s.put(r + 1, 1, text(name));
    merge(s, v, (r + 1, 1, r + 1, LAST_COL));
    s.put(r + 2, 0, text("主管部门"));
    s.put(r + 2, 1, text("青神县发展和改革局本级"));
    merge(s, v, (r + 2, 1, r + 2, 4));
    s.put(r + 2, 5, text("实施单位（盖章）"));
    s.put(r + 2, 6, text("青神县发展和改革局"));
    merge(s, v, (r + 2, 6, r + 2, LAST_COL));
    ex.cells.insert("project_name".into(), name.into());
    let g = r + 3;
    s.put(g, 0, text("项目基本情况"));
    merge(s, v, (g, 0, g + 2, 0));
    s.put(g, 1, text("1.项目年度目标完成情况"));
    merge(s, v, (g, 1, g + 1, 1));
    s.put(g, 2, text("项目年度目标"));
    merge(s, v, (g, 2, g, 5));
    s.put(g, 6, text("年度目标完成情况"));
    merge(s, v, (g, 6, g, LAST_COL));
    let goal = "保障工资及时、足额发放，预算编制科学合理。";
    s.put(g + 1, 2, text(goal));
    merge(s, v, (g + 1, 2, g + 1, 5));
    ex.cells.insert("goal_expected".into(), goal.into());
    if v.filled {
        let done = "工资及社保按月足额发放。";
        s.put(g + 1, 6, text(done));
        ex.cells.insert("goal_actual".into(), done.into());
    }
    merge(s, v, (g + 1, 6, g + 1, LAST_COL));
    s.put(g + 2, 1, text("2.项目实施内容及过程概述"));
    merge(s, v, (g + 2, 2, g + 2, LAST_COL));
    g + 3
}

/// The fund block from row `r`: its six columns in any order; returns the next row.
fn funds(s: &mut GridSheet, v: &mut Variant, ex: &mut Expected, r: u32) -> u32 {
    s.put(r, 0, text("预算执行情况（10分）"));
    merge(s, v, (r, 0, r + 5, 0));
    let unit = if v.yuan {
        "年度预算数（元）"
    } else {
        "年度预算数（万元）"
    };
    s.put(r, 1, text(unit));
    let mut cols = ["start", "plan", "exec", "rate", "weight", "score"];
    v.rng.shuffle(&mut cols);
    let header = |v: &mut Variant, id: &str| match id {
        "start" => words(v, &["年初预算", "年初预算数"]),
        "plan" => words(v, &["调整后预算数", "调整后预算", "全年预算数"]),
        "exec" => words(v, &["预算执行数", "全年执行数"]),
        "rate" => words(v, &["预算执行率", "执行率"]),
        "weight" => words(v, &["权重", "分值"]),
        _ => words(v, &["得分", "自评得分"]),
    };
    for (i, id) in cols.iter().enumerate() {
        let h = header(v, id);
        s.put(r, 2 + i as u16, text(h));
        ex.fund_header.1.push((id, 2 + i as u16));
    }
    ex.fund_header.0 = r;
    s.put(r, 8, text("原因"));
    merge(s, v, (r, 8, r, LAST_COL));
    let start = 20_000 + v.rng.below(30_000) as u64;
    let plan = start + v.rng.below(3_000) as u64;
    let other = if v.rng.below(2) == 0 {
        0
    } else {
        v.rng.below(plan as usize / 4) as u64
    };
    let mut fold = || {
        let none = v.rng.below(2) == 0;
        if none {
            0
        } else {
            1 + v.rng.below(5_000) as u64
        }
    };
    let folds = [fold(), fold()];
    let folded: u64 = folds.iter().sum();
    ex.folded = folded > 0;
    let rows: [(&str, &str, u64, u64); 5] = [
        (
            "总额",
            "fund",
            start + other + folded,
            plan + other + folded,
        ),
        (
            words(v, &["其中：财政资金", "其中:财政资金", "财政资金"]),
            "cur",
            start,
            plan,
        ),
        ("财政专户管理资金", "", folds[0], folds[0]),
        ("单位资金", "", folds[1], folds[1]),
        ("其他资金", "other", other, other),
    ];
    // 其他资金 with nothing of its own: 0, or a dash, a slash or nothing, as units print it.
    let none_shown = match other {
        0 => ["0", "—", "-", "/", ""][v.rng.below(5)],
        _ => "0",
    };
    let col_of = |id: &str| 2 + cols.iter().position(|c| *c == id).unwrap() as u16;
    for (i, (label, id, start, plan)) in rows.into_iter().enumerate() {
        let row = r + 1 + i as u32;
        s.put(row, 1, text(label));
        for (col, value) in [("start", start), ("plan", plan), ("exec", plan)] {
            let shown = amount(v, value);
            let placeholder = id == "other" && none_shown != "0";
            match placeholder {
                true if none_shown.is_empty() => {}
                true => s.put(row, col_of(col), text(none_shown)),
                false => s.put(row, col_of(col), GridCell::num(&shown)),
            }
            if id.is_empty() || (placeholder && folded == 0) {
                continue;
            }
            let value = if id == "other" { value + folded } else { value };
            let wan = format!("{}.{:02}", value / 100, value % 100);
            let wan = if v.yuan { amount(v, value) } else { wan };
            ex.cells.insert(format!("{id}_{col}"), wan);
            ex.placed.push(a1(row, col_of(col)));
        }
        if i > 0 {
            s.put(row, col_of("weight"), text("/"));
            s.put(row, col_of("score"), text("/"));
        }
    }
    s.put(r + 1, col_of("rate"), text("100.00%"));
    s.put(r + 1, col_of("weight"), GridCell::num("10"));
    ex.cells.insert("fund_weight".into(), "10".into());
    ex.placed.push(a1(r + 1, col_of("weight")));
    if v.filled {
        s.put(r + 1, col_of("score"), GridCell::num("10"));
        ex.cells.insert("fund_score".into(), "10".into());
    }
    s.put(
        r + 1,
        8,
        text("1.预算执行率=预算执行数/调整后预算数，预算执行率未达到90%的需说明原因。"),
    );
    merge(s, v, (r + 1, 8, r + 5, LAST_COL));
    r + 6
}

/// The indicator block and its 合计 from row `r`; returns the next row.
fn indicators(s: &mut GridSheet, v: &mut Variant, ex: &mut Expected, r: u32) -> u32 {
    let n = 2 + v.rng.below(4) as u32;
    s.put(r, 0, text("绩效指标（90分）"));
    merge(s, v, (r, 0, r + n, 0));
    for (i, h) in ["一级指标", "二级指标", "三级指标"].iter().enumerate() {
        s.put(r, 1 + i as u16, text(h));
    }
    let mut cols = [
        "nature", "target", "measure", "actual", "weight", "score", "reason",
    ];
    v.rng.shuffle(&mut cols);
    for (i, id) in cols.iter().enumerate() {
        let h = match *id {
            "nature" => "指标性质",
            "target" => words(v, &["指标值", "年度指标值"]),
            "measure" => "度量单位",
            "actual" => words(v, &["完成值", "实际完成值"]),
            "weight" => words(v, &["权重", "分值"]),
            "score" => words(v, &["得分", "自评得分"]),
            _ => words(v, &["未完成原因分析", "偏差原因分析及改进措施"]),
        };
        s.put(r, 4 + i as u16, text(h));
        ex.indicator_header.1.push((id, 4 + i as u16));
    }
    ex.indicator_header.0 = r;
    let col_of = |id: &str| 4 + cols.iter().position(|c| *c == id).unwrap() as u16;
    let mut left = 90;
    for i in 0..n {
        let row = r + 1 + i;
        let weight = if i + 1 == n {
            left
        } else {
            10 + 5 * v.rng.below(3) as u32
        };
        left -= weight;
        let name = format!("发放覆盖率{}", i + 1);
        let mut values = BTreeMap::from([("level3".to_string(), name.clone())]);
        let mut put = |id: &str, cell: GridCell, s: &mut GridSheet| {
            values.insert(id.to_string(), cell.as_str().to_string());
            s.put(row, col_of(id), cell);
        };
        s.put(
            row,
            1,
            text(if i.is_multiple_of(2) {
                "产出指标"
            } else {
                "效益指标"
            }),
        );
        s.put(row, 2, text("数量指标"));
        s.put(row, 3, text(&name));
        put("nature", text(words(v, &["=", "≥", "定性"])), s);
        put("target", GridCell::num("100"), s);
        put("measure", text("%"), s);
        put("weight", GridCell::num(&weight.to_string()), s);
        if v.filled {
            put("actual", GridCell::num("100"), s);
            put("score", GridCell::num(&weight.to_string()), s);
        }
        ex.placed.push(a1(row, col_of("weight")));
        ex.indicators.push(values);
    }
    let total = r + 1 + n;
    s.put(total, 0, text("合计"));
    merge(s, v, (total, 0, total, 3));
    s.put(total, col_of("weight"), GridCell::num("100"));
    ex.cells.insert("total_weight".into(), "100".into());
    ex.placed.push(a1(total, col_of("weight")));
    if v.filled {
        s.put(total, col_of("score"), GridCell::num("100"));
        ex.cells.insert("total_score".into(), "100".into());
    }
    total + 1
}

/// 评价结论, 存在问题, 改进措施 and the sign-off line from row `r`.
fn conclusions(s: &mut GridSheet, v: &mut Variant, r: u32) {
    for (i, label) in ["评价结论", "存在问题", "改进措施"].iter().enumerate() {
        let row = r + i as u32;
        s.put(row, 0, text(label));
        s.put(row, 1, text(&format!("{label}：结合自评情况说明。")));
        merge(s, v, (row, 1, row, LAST_COL));
    }
    s.put(r + 3, 0, text("项目负责人："));
    s.put(r + 3, 6, text("财务负责人："));
}

fn generate(seed: u64) -> (GridBook, Expected, Variant) {
    let mut v = Variant {
        bianhao: seed.is_multiple_of(2),
        merged: (seed / 2).is_multiple_of(2),
        yuan: (seed / 4).is_multiple_of(2),
        filled: (seed / 8).is_multiple_of(2),
        rng: Rng::new(seed),
    };
    let mut ex = Expected {
        cells: BTreeMap::new(),
        indicators: Vec::new(),
        placed: Vec::new(),
        folded: false,
        fund_header: (0, Vec::new()),
        indicator_header: (0, Vec::new()),
    };
    let mut s = GridSheet::new("项目支出绩效自评表");
    let r = head(&mut s, &mut v, &mut ex);
    let r = funds(&mut s, &mut v, &mut ex, r);
    let r = indicators(&mut s, &mut v, &mut ex, r);
    conclusions(&mut s, &mut v, r);
    (GridBook { sheets: vec![s] }, ex, v)
}

fn export(path: &std::path::Path, out: &std::path::Path) -> Value {
    let (code, _, err) = cli::run(&[
        "export",
        "--output",
        out.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "export failed: {err}");
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

/// What is wrong with one generated workbook's reading, if anything.
fn problems(seed: u64, dir: &std::path::Path) -> Vec<String> {
    let (book, ex, v) = generate(seed);
    let path = dir.join(format!("sichuan_{seed}.xlsx"));
    book.write_xlsx(&path);
    let mut out = Vec::new();
    let data = export(&path, &dir.join(format!("sichuan_{seed}.json")));
    let forms = data["forms"].as_array().unwrap();
    if forms.len() != 1 || forms[0]["id"] != "perf-project" {
        let ids: Vec<&Value> = forms.iter().map(|f| &f["id"]).collect();
        return vec![format!("read as {ids:?}, not one 附件3")];
    }
    let form = &forms[0];
    for (id, want) in &ex.cells {
        let got = form["cells"][id].as_str().unwrap_or("");
        if !same_number(got, want) {
            out.push(format!("{id} = {got:?}, want {want:?}"));
        }
    }
    let rows = form["rows"].as_array().unwrap();
    if rows.len() != ex.indicators.len() {
        out.push(format!(
            "{} indicator rows, want {}",
            rows.len(),
            ex.indicators.len()
        ));
    }
    for (row, want) in rows.iter().zip(&ex.indicators) {
        for (id, value) in want {
            let got = row["values"][id].as_str().unwrap_or("");
            if !same_number(got, value) {
                out.push(format!("{}·{id} = {got:?}, want {value:?}", want["level3"]));
            }
        }
    }
    if !form["remarks"].to_string().contains("评价结论") {
        out.push("评价结论 not kept".into());
    }
    out.extend(wrong_findings(&path, &ex, &v));
    out
}

fn same_number(got: &str, want: &str) -> bool {
    let num = |s: &str| {
        s.parse::<rust_decimal::Decimal>()
            .ok()
            .map(|d| d.normalize())
    };
    match (num(got), num(want)) {
        (Some(a), Some(b)) => a == b,
        _ => got == want,
    }
}

/// Findings a reader of the form would call false: an error or warning but the blank scores
/// where they are blank, and any value kept outside the form (财政专户管理资金 and 单位资金 are
/// taken into 其他资金, told by an info exactly when they hold figures).
fn wrong_findings(path: &std::path::Path, ex: &Expected, v: &Variant) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let mut out = Vec::new();
    let mut rules = Vec::new();
    for f in cli::findings(&report) {
        let (rule, sev) = (
            f["rule"].as_str().unwrap_or(""),
            f["severity"].as_str().unwrap_or(""),
        );
        let cell = f["cell"].as_str().unwrap_or("");
        let message = f["message"].as_str().unwrap_or("");
        rules.push(rule.to_string());
        if sev == "info" {
            continue;
        }
        let blank_score = !v.filled && matches!(rule, "fund-score" | "total-score");
        if !blank_score {
            out.push(format!("{sev} {rule} {cell}: {message}"));
        }
    }
    if ex.folded != rules.iter().any(|r| r == "folded-row") {
        out.push(format!(
            "folded rows with figures {}, told otherwise",
            ex.folded
        ));
    }
    if !v.filled && !rules.iter().any(|r| r == "total-score") {
        out.push("blank 得分 not reported".into());
    }
    out
}

#[test]
fn sichuan_project_forms_read_in_every_generated_layout() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sichuan-perf");
    std::fs::create_dir_all(&dir).unwrap();
    let mut failed = Vec::new();
    for seed in 0..48 {
        let p = problems(seed, &dir);
        if !p.is_empty() {
            failed.push(format!("seed {seed}: {}", p.join("; ")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 48 generated Sichuan forms misread:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// A Hunan 附件3 of the 绩效 seeds with 其他资金 filled and, under it, its own parts printed
/// as a 其中 list (`其中：财政专户管理资金`, `单位资金`, adding up to less): they are parts of
/// 其他资金, never taken into it again. Each 附件3 sheet, both orders of the two parts.
#[test]
fn parts_listed_under_other_funds_are_not_taken_in_again() {
    let base = grid::fixture("seed000_perf.grid");
    let mut failed = Vec::new();
    let mut cases = 0;
    for (si, sheet) in base.sheets.iter().enumerate() {
        let Some((r, c)) = sheet
            .find("其他资金")
            .filter(|_| sheet.find("项目支出名称").is_some())
        else {
            continue;
        };
        for order in [
            ["财政专户管理资金", "单位资金"],
            ["单位资金", "财政专户管理资金"],
        ] {
            cases += 1;
            let mut book = base.clone();
            let s = &mut book.sheets[si];
            for (k, v) in [(2u16, "10"), (3, "10"), (4, "8")] {
                s.put(r, c + k, GridCell::num(v));
            }
            for (i, (word, v)) in order.iter().zip(["5", "3"]).enumerate() {
                let at = r + 1 + i as u32;
                s.insert_row(at);
                let label = if i == 0 {
                    format!("其中：{word}")
                } else {
                    word.to_string()
                };
                s.put(at, c, GridCell::text(&label));
                for k in 2..=4 {
                    s.put(at, c + k, GridCell::num(v));
                }
            }
            let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("folded-parts");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("case{si}-{}.xlsx", order[0]));
            book.write_xlsx(&path);
            let (_, report) = cli::check_json(&path);
            let findings = cli::findings(&report);
            let folded: Vec<&Value> = findings
                .iter()
                .filter(|f| f["rule"] == "folded-row")
                .collect();
            if !folded.is_empty() {
                failed.push(format!("{} {order:?}: {folded:?}", sheet.name));
            }
        }
    }
    assert!(cases >= 4, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} cases:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// How a damaged copy lost its headers: whole header rows, or one column's header text.
#[derive(Debug, Clone, Copy)]
enum Cut {
    FundRow,
    IndicatorRow,
    BothRows,
    FundColumn,
    IndicatorColumn,
}

/// The generated form `seed` with its headers cut as `cut` says (a column picked by the seed).
fn damaged(seed: u64, cut: Cut) -> (GridBook, Expected, Variant) {
    let (mut book, ex, v) = generate(seed);
    let s = &mut book.sheets[0];
    let pick = |cols: &[(&'static str, u16)], ids: &[&str]| {
        let some: Vec<u16> = (cols.iter())
            .filter(|(id, _)| ids.contains(id))
            .map(|&(_, c)| c)
            .collect();
        some[seed as usize / 5 % some.len()]
    };
    let fund_ids = ["start", "plan", "exec", "rate", "weight", "score"];
    match cut {
        Cut::FundRow => s.delete_row(ex.fund_header.0),
        Cut::IndicatorRow => s.delete_row(ex.indicator_header.0),
        Cut::BothRows => {
            s.delete_row(ex.indicator_header.0);
            s.delete_row(ex.fund_header.0);
        }
        Cut::FundColumn => {
            let c = pick(&ex.fund_header.1, &fund_ids);
            s.put(ex.fund_header.0, c, GridCell::Empty);
        }
        Cut::IndicatorColumn => {
            let c = pick(&ex.indicator_header.1, &["weight", "score"]);
            s.put(ex.indicator_header.0, c, GridCell::Empty);
        }
    }
    (book, ex, v)
}

/// What is wrong with the reading of a damaged copy: refused, a figure read into another
/// cell, an error that is not a blank score, or the lost header not told.
fn damaged_problems(seed: u64, cut: Cut, dir: &std::path::Path) -> Vec<String> {
    let (book, ex, v) = damaged(seed, cut);
    let path = dir.join(format!("cut_{seed}_{cut:?}.xlsx"));
    book.write_xlsx(&path);
    let data = export(&path, &dir.join(format!("cut_{seed}.json")));
    let forms = data["forms"].as_array().unwrap();
    if forms.len() != 1 || forms[0]["id"] != "perf-project" {
        let ids: Vec<&Value> = forms.iter().map(|f| &f["id"]).collect();
        return vec![format!("read as {ids:?}, not one 附件3")];
    }
    let mut out = Vec::new();
    for (id, got) in forms[0]["cells"].as_object().unwrap() {
        let got = got.as_str().unwrap_or("");
        match ex.cells.get(id) {
            Some(want) if !same_number(got, want) => {
                out.push(format!("{id} = {got:?}, want {want:?}"))
            }
            _ => {}
        }
    }
    let (_, report) = cli::check_json(&path);
    let findings = cli::findings(&report);
    let told = findings
        .iter()
        .any(|f| f["rule"] == "values-unheaded" || f["rule"] == "column-absent");
    if !told {
        out.push("the lost header is not told".into());
    }
    for f in &findings {
        let rule = f["rule"].as_str().unwrap_or("");
        let blank_score = !v.filled && matches!(rule, "fund-score" | "total-score");
        if f["severity"] == "error" && !blank_score {
            out.push(format!("error {rule} {}: {}", f["cell"], f["message"]));
        }
    }
    out
}

/// A damaged copy of the Sichuan form whose header rows (or one column's header) were cut
/// away: its values are not read by position into the wrong cells, the part without its
/// header is told (无法识别…的数值位置, naming the cells), the rules needing it are not judged,
/// and no false error is raised; nor is the whole form refused.
#[test]
fn sichuan_forms_with_headers_cut_are_told_not_misread() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sichuan-cut");
    std::fs::create_dir_all(&dir).unwrap();
    let cuts = [
        Cut::FundRow,
        Cut::IndicatorRow,
        Cut::BothRows,
        Cut::FundColumn,
        Cut::IndicatorColumn,
    ];
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in 0..40 {
        let cut = cuts[seed as usize % cuts.len()];
        cases += 1;
        let p = damaged_problems(seed, cut, &dir);
        if !p.is_empty() {
            failed.push(format!("seed {seed} {cut:?}: {}", p.join("; ")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {cases} damaged Sichuan forms misread:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
