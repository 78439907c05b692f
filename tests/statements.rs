//! The words against the numbers: the 情况说明 and 自评报告 texts of documents built from the seeds (their tables and their own sentences) checked against their tables and against themselves, one test per statement shape with a right and a wrong number, and the real published PDF.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/grid.rs"]
mod grid;

use fiscalform::statements::parse::{read, Kind};
use fiscalform::statements::{text, Patterns, Piece, SentenceAt};
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("statements")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The seed's report text as its author's paragraphs: the text dump breaks a paragraph where
/// a page ended (a line ending in neither 。 nor ：, the next not a heading); those are joined.
/// A heading that is a title (no 。 and no ，) is a paragraph of its own.
fn report_text(name: &str) -> String {
    let raw = std::fs::read_to_string(fixture_path(name)).unwrap();
    let mut out = String::new();
    let mut title = false;
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let ends = out.ends_with(['。', '：', ':', '；']) || out.is_empty() || title;
        title = text::is_heading(line) && !line.contains(['。', '，', ',']);
        if !ends && !text::is_heading(line) {
            out.push_str(line);
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
    }
    out
}

/// `fiscalform check` of a Word document holding the tables of `tables` and then `text`.
fn check_document(tables: &str, text: &str, tag: &str) -> (i32, Value) {
    let path = scratch(tag).join("公开.docx");
    docx::write_docx_with_text(&grid::fixture(tables), text, &path);
    let (code, report) = cli::check_json(&path);
    (code, report)
}

/// The findings of the statement rules (`text-…`).
fn text_findings(report: &Value) -> Vec<Value> {
    cli::findings(report)
        .into_iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("text-")))
        .collect()
}

fn tally(report: &Value) -> (u64, u64, u64) {
    let t = &report["files"][0]["coverage"]["statements"];
    let n = |k: &str| t[k].as_u64().unwrap();
    (n("agreed"), n("differed"), n("untied"))
}

/// The statement findings of seed 001's tables with one sentence after them.
fn judge_001(sentence: &str, tag: &str) -> Vec<Value> {
    let (_, report) = check_document("seed001_final.grid", sentence, tag);
    text_findings(&report)
}

/// Asserts the one finding of `found`: its rule, severity and words of its message.
fn assert_one(found: &[Value], rule: &str, severity: &str, words: &[&str]) {
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["rule"], rule, "{f}");
    assert_eq!(f["severity"], severity, "{f}");
    let message = f["message"].as_str().unwrap();
    for w in words {
        assert!(message.contains(w), "“{w}” in {message}");
    }
}

#[test]
fn every_pattern_finds_its_examples() {
    let patterns = Patterns::built_in();
    for (i, p) in patterns.statement.iter().enumerate() {
        assert!(!p.examples.is_empty(), "{}: no example", p.id);
        for e in &p.examples {
            let piece = Piece {
                place: SentenceAt::Paragraph(1),
                text: e.text.clone(),
            };
            let sentence = &text::sentences(&[piece])[0];
            let want: Decimal = e.amount.parse().unwrap();
            let found = read(&patterns, &sentence.chars, None).into_iter().any(|s| {
                matches!(s.kind, Kind::Amount { label: Some(l), .. } if l == i)
                    && s.number.value == want
            });
            assert!(found, "{}: {} in “{}”", p.id, e.amount, e.text);
        }
    }
}

#[test]
fn an_amount_agrees_with_its_table_cell_or_is_an_error() {
    assert!(judge_001("本年收入合计526. 36万元。", "amount-right").is_empty());
    let wrong = judge_001("本年收入合计562.36万元。", "amount-wrong");
    assert_one(
        &wrong,
        "text-amount",
        "error",
        &[
            "第",
            "段",
            "“本年收入合计562.36万元。”",
            "562.36万元",
            "公开01表",
            "526.36万元",
        ],
    );
    assert_eq!(wrong[0]["expected"], "526.36");
    assert!(wrong[0]["related"][0]
        .as_str()
        .unwrap()
        .contains("公开01表"));
}

#[test]
fn an_amount_is_read_at_the_precision_written() {
    // 项目支出 9.80 written 9.8, 公务用车运行维护费 12.00 written 12.
    let right = "本年支出合计526.36万元，其中：基本支出516.56万元，项目支出9.8万元。";
    assert!(judge_001(right, "precision-right").is_empty());
    let wrong = "本年支出合计526.36万元，其中：基本支出516.56万元，项目支出9.9万元。";
    let found = judge_001(wrong, "precision-wrong");
    let amount: Vec<&Value> = found
        .iter()
        .filter(|f| f["rule"] == "text-amount")
        .collect();
    assert_eq!(amount.len(), 1, "{found:#?}");
    assert!(amount[0]["message"]
        .as_str()
        .unwrap()
        .contains("项目支出9.9万元"));
}

#[test]
fn a_budget_amount_is_checked_against_the_budget_column() {
    let right = "“三公”经费财政拨款支出预算为13.35万元，支出决算为13.35万元，完成预算的100%。";
    assert!(judge_001(right, "budget-right").is_empty());
    let wrong = "“三公”经费财政拨款支出预算为17万元，支出决算为13.35万元，完成预算的78.5%。";
    let found = judge_001(wrong, "budget-wrong");
    assert_one(
        &found,
        "text-amount",
        "error",
        &["“三公”经费17万元", "公开09表", "13.35万元"],
    );
}

#[test]
fn a_share_is_recomputed_from_the_amounts_of_its_sentence() {
    let right =
        "本年支出合计526. 36万元，其中：基本支出516. 56万元，占98. 1%；项目支出9. 8万元，占1. 9%。";
    assert!(judge_001(right, "share-right").is_empty());
    let wrong =
        "本年支出合计526.36万元，其中：基本支出516.56万元，占96.1%；项目支出9.8万元，占1.9%。";
    let found = judge_001(wrong, "share-wrong");
    assert_one(
        &found,
        "text-share",
        "warning",
        &["占比96.1%", "98.14%", "516.56 ÷ 526.36"],
    );
}

#[test]
fn a_share_of_a_named_figure_takes_that_figure_as_its_base() {
    let right = "2023年度一般公共预算财政拨款基本支出516.56万元，其中：人员经费299.85万元，占基本支出的58.0%；公用经费216.71万元，占基本支出的42.0%。";
    assert!(judge_001(right, "named-right").is_empty());
    let wrong = right.replace("占基本支出的42.0%", "占基本支出的41.0%");
    let found = judge_001(&wrong, "named-wrong");
    assert_one(
        &found,
        "text-share",
        "warning",
        &["41%", "41.95%", "216.71 ÷ 516.56"],
    );
}

#[test]
fn a_completion_rate_is_the_actual_over_the_budget_stated() {
    let right = "公务用车运行维护费支出预算为12万元，支出决算为12万元，完成预算的100%。";
    assert!(judge_001(right, "completion-right").is_empty());
    let wrong = right.replace("100%", "90%");
    let found = judge_001(&wrong, "completion-wrong");
    assert_one(
        &found,
        "text-completion",
        "warning",
        &["完成预算比例90%", "100%"],
    );
}

#[test]
fn a_change_rate_is_the_change_over_last_years_figure() {
    let right = "2023年度收、支总计526. 36万元。与上年相比，减少196. 48万元，减少27. 18%。";
    assert!(judge_001(right, "change-right").is_empty());
    let wrong = right.replace("27. 18%", "37. 18%");
    let found = judge_001(&wrong, "change-wrong");
    assert_one(
        &found,
        "text-change",
        "warning",
        &["增减率37.18%", "27.18%", "196.48 ÷ 722.84"],
    );
}

#[test]
fn an_increase_is_not_a_decrease() {
    let right = "公务接待费支出决算为1.35万元，与上年相比增加0.83万元，增加159.6%。";
    assert!(judge_001(right, "direction-right").is_empty());
    let wrong = "公务接待费支出决算为1.35万元，与上年相比增加0.83万元，下降159.6%。";
    let found = judge_001(wrong, "direction-wrong");
    assert_one(
        &found,
        "text-change",
        "error",
        &["增减方向前后矛盾", "金额增加", "比率减少"],
    );
}

#[test]
fn a_growth_from_zero_is_not_a_percentage() {
    let right = "公务接待费支出决算为1.35万元，与上年相比增加0.83万元，增长159.6%。";
    assert!(judge_001(right, "zero-right").is_empty());
    let wrong = "公务接待费支出决算为1.35万元，与上年相比增加1.35万元，增长100%。";
    let found = judge_001(wrong, "zero-wrong");
    assert_one(&found, "text-change", "warning", &["基数为0", "从零起算"]);
}

#[test]
fn flat_is_no_change() {
    let right = "因公出国（境）费支出预算为0万元，支出决算为0万元，与上年相比持平。";
    assert!(judge_001(right, "flat-right").is_empty());
    let wrong = "因公出国（境）费支出决算为0万元，与上年相比持平，减少0.5万元。";
    let found = judge_001(wrong, "flat-wrong");
    assert_one(&found, "text-flat", "error", &["持平", "0.5万元"]);
}

/// 持平 says so of its own clause: a change stated in another clause of the sentence (after
/// a ；) is no contradiction, in whichever order the clauses come.
#[test]
fn flat_holds_for_its_own_clause_only() {
    let changed = "一般公共预算财政拨款支出526. 36万元，比上年增加793.14万元";
    let flats = [
        "政府性基金预算财政拨款支出0万元，与上年持平",
        "国有资本经营预算财政拨款支出0万元，与上年相比持平",
    ];
    for (i, flat) in flats.iter().enumerate() {
        for (j, sentence) in [
            format!("{changed}；{flat}。"),
            format!("{flat}；{changed}。"),
            format!("财政拨款支出中，{changed}；{flat}；{}。", flats[1 - i]),
        ]
        .iter()
        .enumerate()
        {
            let found = judge_001(sentence, &format!("flat-clause-{i}-{j}"));
            assert!(
                found.iter().all(|f| f["rule"] != "text-flat"),
                "{sentence}: {found:#?}"
            );
        }
    }
    // Within one clause it still is.
    let wrong = format!("{changed}，与上年持平。");
    let found = judge_001(&wrong, "flat-clause-wrong");
    assert_one(&found, "text-flat", "error", &["持平", "793.14万元"]);
}

/// A clause naming another figure (`政府性基金预算财政拨款支出0万元`) does not restate the
/// figure before it, though it says 预算: its amount is not tied to that figure's cell. A
/// clause saying only the basis (`支出决算为`) still is.
#[test]
fn a_clause_naming_another_figure_does_not_carry_the_one_before() {
    let others = [
        "政府性基金预算拨款支出预算",
        "政府性基金拨款支出预算",
        "国有资本经营预算拨款支出预算",
        "社会保险基金预算支出",
    ];
    for (i, other) in others.iter().enumerate() {
        for amount in ["0", "12.5"] {
            // A 预算 document: its sentences' budgets are tied to its tables.
            let sentence = format!("一般公共预算拨款支出预算938.91万元；{other}{amount}万元。");
            let tag = format!("carry-{i}-{amount}");
            let (_, report) = check_document("seed002_budget.grid", &sentence, &tag);
            let found = text_findings(&report);
            assert!(
                found.iter().all(|f| f["found"] != amount),
                "{sentence}: {found:#?}"
            );
        }
    }
    let carried = [
        "支出决算为",
        "2023年度决算为",
        "本年度支出决算为",
        "2023年预算安排",
        "全年预算数为",
    ];
    for (i, words) in carried.iter().enumerate() {
        let sentence = format!("公务接待费支出决算为1.35万元，{words}9.35万元。");
        let found = judge_001(&sentence, &format!("carry-basis-{i}"));
        assert_one(&found, "text-amount", "error", &["9.35万元", "1.35万元"]);
    }
    // A year before the tables' (seed 002's are of 2023) is last year's figure, in no table.
    for (i, words) in ["2022年预算为", "2022年度预算安排", "2021年预算数为"]
        .iter()
        .enumerate()
    {
        let sentence = format!("一般公共预算拨款支出预算938.91万元，{words}9.35万元。");
        let tag = format!("carry-earlier-{i}");
        let (_, report) = check_document("seed002_budget.grid", &sentence, &tag);
        assert_eq!(report["files"][0]["glance"]["year"], "2023");
        let found = text_findings(&report);
        assert!(found.is_empty(), "{sentence}: {found:#?}");
    }
}

/// A 科目 whose name begins a body's name (`司法` in `普陀区司法局`, `教育` in `教育委员会`) is not
/// stated by that name: the amount after it is the body's, not the 科目's. The same name
/// followed by its amount is.
#[test]
fn a_subject_inside_a_bodys_name_is_not_the_figure() {
    let names = [
        "司法",
        "公安",
        "教育",
        "财政",
        "审计",
        "统计",
        "民政",
        "文化和旅游",
        "卫生健康",
        "应急管理",
    ];
    let endings = ["局", "厅", "委员会", "分局", "中心", "所", "办公室"];
    let regions = ["上海市普陀区", "株洲市", "", "湖南省", "本"];
    let mut patterns = Patterns::built_in();
    let subjects = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("[[statement]]\nid = \"subject-{i}\"\nlabels = [\"{n}\"]\n"))
        .collect::<String>();
    let first_subject = patterns.statement.len();
    patterns.statement.extend(
        Patterns::parse("subjects.toml", &subjects)
            .unwrap()
            .statement,
    );
    let label_of_first = |sentence: &str| {
        let chars: Vec<char> = sentence.chars().collect();
        match &read(&patterns, &chars, None)[0].kind {
            Kind::Amount { label, .. } => *label,
            other => panic!("{sentence}: {other:?}"),
        }
    };
    let mut cases = 0;
    for (i, name) in names.iter().enumerate() {
        for ending in endings {
            for region in regions {
                for tail in [
                    "收入预算9628.22万元",
                    "2023年度支出决算为526.36万元",
                    "收入合计1.5万元",
                ] {
                    let sentence =
                        format!("{region}{name}{ending}{tail}，其中：财政拨款收入1万元。");
                    let label = label_of_first(&sentence);
                    assert_ne!(label, Some(first_subject + i), "{sentence}");
                    cases += 1;
                }
            }
        }
        for stated in [
            format!("其中：{name}9.5万元。"),
            format!("{name}支出9.5万元。"),
            format!("{name}所占9.5万元。"),
        ] {
            assert_eq!(label_of_first(&stated), Some(first_subject + i), "{stated}");
        }
    }
    assert_eq!(cases, names.len() * endings.len() * regions.len() * 3);
}

#[test]
fn an_amount_split_two_ways_adds_up_each_way() {
    let right = "2023年基本支出决算数为1,008.84万元，按支出性质分类包括：人员经费861.26万元，公用经费147.58万元；按支出经济分类包括：工资福利支出853.90万元，商品和服务支出147.58万元，对个人和家庭的补助7.36万元。";
    let sums = |s: &str, tag: &str| -> Vec<Value> {
        let found = judge_001(s, tag);
        found
            .into_iter()
            .filter(|f| f["rule"] == "text-sum")
            .collect()
    };
    assert!(sums(right, "two-ways-right").is_empty());
    let wrong = right.replace("853.90", "835.90");
    assert_one(
        &sums(&wrong, "two-ways-wrong"),
        "text-sum",
        "error",
        &["990.84万元", "1008.84万元"],
    );
}

#[test]
fn the_parts_listed_add_up_to_their_total() {
    let right = "2023年度政府采购支出总额135.24万元，其中：政府采购货物支出30.84万元、政府采购工程支出0万元、政府采购服务支出104.4万元。";
    assert!(judge_001(right, "sum-right").is_empty());
    let wrong = right.replace("30.84", "30.8");
    let found = judge_001(&wrong, "sum-wrong");
    assert_one(
        &found,
        "text-sum",
        "error",
        &["135.2万元", "30.8 + 0 + 104.4", "135.24万元"],
    );
}

#[test]
fn a_sentence_opening_with_qizhong_lists_the_parts_of_the_sentence_before() {
    let right = "1. 年初预算公共专项资金 418 万元。其中“长株潭一体化发展专项资金”388 万元、“湘赣区域合作示范区建设专项引导资金”30 万元。";
    assert!(judge_001(right, "carried-right").is_empty());
    let wrong = right.replace("388 万元", "378 万元");
    let found = judge_001(&wrong, "carried-wrong");
    assert_one(
        &found,
        "text-sum",
        "error",
        &[
            "“其中“长株潭一体化发展专项资金”378 万元",
            "408万元",
            "418万元",
        ],
    );
}

#[test]
fn parts_in_parentheses_and_after_a_semicolon_belong_to_their_own_total() {
    // Seed 003's words; its 基本支出 is not seed 001's, so only the sums are judged here.
    let sums = |s: &str, tag: &str| -> Vec<Value> {
        let found = judge_001(s, tag);
        found
            .into_iter()
            .filter(|f| f["rule"] == "text-sum")
            .collect()
    };
    let right = "批复部门预算支出209.45万元,其中:基本支出149.45万元(含工资福利支出 118.25 万元,商品服务支出 25.59 万元,对个人和家庭补助支出5.61万元);项目支出60万元(含业务性专项60万元、项目性专项0万元)。";
    assert!(sums(right, "nested-right").is_empty());
    let wrong = right.replace("25.59", "26.59");
    let found = sums(&wrong, "nested-wrong");
    assert_one(&found, "text-sum", "error", &["150.45万元", "149.45万元"]);
}

#[test]
fn parts_said_to_be_the_main_ones_may_leave_some_out_but_not_exceed() {
    let right = "2023年度一般公共预算财政拨款支出526.36万元，主要用于以下方面：一般公共服务（类）支出428.48万元，占81.4%；社会保障和就业支出47.76万元，占9.1%。";
    assert!(judge_001(right, "main-right").is_empty());
    // A class the tables do not hold, so that only the sum is judged.
    let wrong = right.replace(
        "社会保障和就业支出47.76万元，占9.1%",
        "城乡社区支出147.76万元，占28.1%",
    );
    let found = judge_001(&wrong, "main-wrong");
    assert_one(&found, "text-sum", "error", &["576.24万元", "526.36万元"]);
}

#[test]
fn a_score_is_checked_against_the_self_evaluation_table() {
    let check = |s: &str, tag: &str| {
        let (_, report) = check_document("seed001_perf.grid", s, tag);
        text_findings(&report)
    };
    assert!(check("自评得分为98.3分。", "score-right").is_empty());
    let found = check("自评得分为96.3分。", "score-wrong");
    assert_one(
        &found,
        "text-amount",
        "error",
        &["自评得分96.3分", "98.3分"],
    );
}

#[test]
fn a_class_stated_by_its_name_is_its_row_of_the_table() {
    let right = "2023年度一般公共预算财政拨款支出526. 36万元，主要用于以下方面：一般公共服务（类）支出428. 48万元，占81. 4%；社会保障和就业支出47. 76万元，占9. 1%。";
    assert!(judge_001(right, "class-right").is_empty());
    let wrong = right.replace("47. 76万元，占9. 1%", "46. 76万元，占8. 9%");
    let found = judge_001(&wrong, "class-wrong");
    assert_one(
        &found,
        "text-amount",
        "error",
        &["208 社会保障和就业支出46.76万元", "公开05表", "47.76万元"],
    );
}

#[test]
fn an_item_named_by_its_path_heads_the_sentences_after_it() {
    let text = |actual: &str| {
        format!("2、一般公共服务（类）发展与改革事务（款）事业运行（项）。\n年初预算为532.93万元，支出决算为{actual}万元，完成年初预算的78.6%。")
    };
    assert!(judge_001(&text("418.68"), "item-right").is_empty());
    let found = judge_001(&text("481.68"), "item-wrong");
    let amounts: Vec<Value> = found
        .into_iter()
        .filter(|f| f["rule"] == "text-amount")
        .collect();
    assert_one(
        &amounts,
        "text-amount",
        "error",
        &["2010450 事业运行481.68万元", "418.68万元"],
    );
    // A 项 the tables do not hold is not confused with the one before it.
    let other = format!(
        "{}\n3、一般公共服务（类）发展与改革事务（款）行政运行（项）。\n年初预算为0万元，支出决算为9万元。",
        text("418.68")
    );
    assert!(judge_001(&other, "item-other").is_empty());
}

#[test]
fn a_statement_no_table_holds_is_counted_not_reported() {
    let (_, report) = check_document(
        "seed001_final.grid",
        "机关运行经费支出184.65万元。",
        "untied",
    );
    assert!(text_findings(&report).is_empty());
    assert_eq!(tally(&report), (0, 0, 1));
}

/// Seed 001's 情况说明 and 自评报告 after its nine tables: every amount restating a table
/// agrees; what disagrees is found at its sentence.
#[test]
fn seed001_report_restates_its_tables_but_for_three_sentences() {
    let (code, report) = check_document(
        "seed001_final.grid",
        &report_text("seed001_report.txt"),
        "seed001",
    );
    assert_eq!(code, 1, "errors found");
    let found = text_findings(&report);
    let quotes: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    let has = |rule: &str, words: &str| {
        quotes
            .iter()
            .any(|(r, s, m)| *r == rule && *s == "error" && m.contains(words))
    };
    // 公开09表 prints the 预算数 columns with the 决算 figures (合计 13.35, 公务接待费 1.35); the
    // 说明 states the budget as 17 and 5.
    assert!(
        has("text-amount", "“三公”经费财政拨款支出预算为17万元"),
        "{quotes:#?}"
    );
    assert!(
        has("text-amount", "“三公”经费17万元与公开09表"),
        "{quotes:#?}"
    );
    assert!(
        has("text-amount", "公务接待费支出预算为5万元"),
        "{quotes:#?}"
    );
    // 30.8 + 0 + 104.4 = 135.2, not the 135.24 stated.
    assert!(has("text-sum", "政府采购支出总额135.24万元"), "{quotes:#?}");
    assert_eq!(quotes.len(), 3, "nothing else: {quotes:#?}");
    let (agreed, differed, _) = tally(&report);
    assert_eq!(differed, 3);
    assert!(agreed >= 40, "the other statements agree: {agreed}");
}

/// Seed 000's 自评报告 (its tables are the 绩效 forms): its lists of parts and its rates add up.
#[test]
fn seed000_report_adds_up() {
    let (_, report) = check_document(
        "seed000_perf.grid",
        &report_text("seed000_report.txt"),
        "seed000",
    );
    assert!(
        text_findings(&report).is_empty(),
        "{:#?}",
        text_findings(&report)
    );
    let (agreed, _, _) = tally(&report);
    assert!(agreed >= 10, "{agreed}");
}

/// Seed 003's 绩效评价报告 states its 支出 and its parts in a text cell: 173.02 + 38.38 +
/// 147.20 = 358.60, not 358.65. The finding is at that cell.
#[test]
fn seed003_report_cell_states_parts_that_miss_the_total() {
    let path = scratch("seed003").join("报告.xlsx");
    grid::fixture("seed003_report.grid").write_xlsx(&path);
    let (_, report) = cli::check_json(&path);
    let found = text_findings(&report);
    assert_one(
        &found,
        "text-sum",
        "error",
        &[
            "2021年度财政拨款支出为358.65万元",
            "358.6万元",
            "173.02 + 38.38 + 147.2",
        ],
    );
    assert!(found[0]["sheet"].is_string() && found[0]["cell"].is_string());
}

/// `fix` gives back the same statement findings in 审核结果: a wrong sentence is left for the
/// clerk (exit 1), quoted at its cell.
#[test]
fn fix_lists_the_statements_found_wrong_in_its_audit_sheet() {
    let dir = scratch("seed003-fix");
    let path = dir.join("报告.xlsx");
    grid::fixture("seed003_report.grid").write_xlsx(&path);
    let out = dir.join("报告-已修正.xlsx");
    let (code, o, e) = cli::run(&["fix", path.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "a wrong sentence is left for a person: {o}{e}");
    let wb = fiscalform::read::read_workbook(&out).unwrap();
    let audit = wb.sheet("审核结果").expect("审核结果");
    let quoted = audit.cells().any(|(_, _, c)| {
        c.as_text()
            .is_some_and(|t| t.contains("2021年度财政拨款支出为358.65万元") && t.contains("358.6"))
    });
    assert!(quoted, "{:#?}", audit.cells().collect::<Vec<_>>());
}

/// The real published 决算: its 说明 restates its tables. Two sentences are really wrong: the
/// 财政拨款收入支出总计 printed as 0.3万元 (公开04表: 2,961.68) and 一般公共服务支出 2106.66 of
/// 2940.05 stated as 71.73% (it is 71.65%).
#[test]
fn real_disclosure_restates_its_tables() {
    let pdf = fixture_path("real/2024决算-上海普陀区财政局.pdf");
    let (_, report) = cli::check_json(&pdf);
    let found = text_findings(&report);
    let errors: Vec<&Value> = found.iter().filter(|f| f["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{found:#?}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("财政拨款收入支出总计0.3万元"), "{message}");
    assert!(message.contains("2961.68万元"), "{message}");
    assert_eq!(errors[0]["page"], 21);
    assert_eq!(errors[0]["cell"], "第14行");
    let warnings: Vec<&Value> = found
        .iter()
        .filter(|f| f["severity"] == "warning")
        .collect();
    assert_eq!(warnings.len(), 1, "{found:#?}");
    assert!(warnings[0]["message"].as_str().unwrap().contains("71.73%"));
    let (agreed, _, _) = tally(&report);
    assert!(agreed >= 25, "{agreed}");
}

/// Seed 002's 部门预算 说明 after its budget tables: its sentences state the budget with or
/// without the word 预算, and a class listed under 项目支出 is that class's 项目支出 column.
/// Every amount restating a table agrees; a retyped one is an error at its sentence.
#[test]
fn seed002_budget_report_restates_its_tables() {
    let text = report_text("seed002_report.txt");
    let (_, report) = check_document("seed002_budget.grid", &text, "seed002");
    let found = text_findings(&report);
    assert!(found.is_empty(), "{found:#?}");
    let (agreed, differed, _) = tally(&report);
    assert_eq!(differed, 0);
    assert!(agreed >= 15, "the restated amounts are tied: {agreed}");

    let cases = [
        (
            "“三公”经费预算数为 42.34 万元",
            "“三公”经费预算数为 43.34 万元",
            "43.34",
        ),
        (
            "其中：一般公共服务支出 340.42 万元",
            "其中：一般公共服务支出 938.91 万元",
            "项目支出",
        ),
    ];
    for (i, (right, wrong, words)) in cases.into_iter().enumerate() {
        assert!(text.contains(right), "{right}");
        let (_, report) = check_document(
            "seed002_budget.grid",
            &text.replace(right, wrong),
            &format!("seed002-wrong-{i}"),
        );
        assert_one(
            &text_findings(&report),
            "text-amount",
            "error",
            &[wrong, words],
        );
    }
}

/// A sentence naming its 项 by the path `类（类）款（款）项（项）` states that 项, not the 类 or
/// 款 whose names are in the path (`8. “…（项）”科目418.68万元`, as budget 说明 list them).
#[test]
fn a_sentence_naming_an_item_by_its_path_states_the_item() {
    // The 类 written with its 支出, as many units print it, is the 类's own label.
    for path in [
        "一般公共服务支出（类）发展与改革事务（款）事业运行（项）",
        "一般公共服务（类）发展与改革事务（款）事业运行（项）",
    ] {
        states_the_item(path);
    }
}

/// A 项 named alone with its mark (`其中：事业运行（项）428.68万元`) is no path: its name
/// states it.
#[test]
fn an_item_named_alone_with_its_mark_is_stated_by_its_name() {
    for (i, shape) in [
        "其中：事业运行（项）{}万元。",
        "事业运行(项)支出{}万元。",
        "发展与改革事务（款）事业运行（项）支出{}万元。",
    ]
    .iter()
    .enumerate()
    {
        let right = format!(
            "2023年度一般公共预算财政拨款支出526. 36万元，{}",
            shape.replace("{}", "418.68")
        );
        assert!(
            judge_001(&right, &format!("alone-right-{i}"))
                .iter()
                .all(|f| f["rule"] != "text-amount"),
            "{right}"
        );
        let wrong = right.replace("418.68", "428.68");
        let found: Vec<Value> = judge_001(&wrong, &format!("alone-wrong-{i}"))
            .into_iter()
            .filter(|f| f["rule"] == "text-amount")
            .collect();
        assert_one(
            &found,
            "text-amount",
            "error",
            &["事业运行428.68万元", "418.68万元"],
        );
    }
}

fn states_the_item(path: &str) {
    let forms = [
        |p: &str, v: &str| format!("8. “{p}”科目{v}万元，主要用于事业运行。"),
        |p: &str, v: &str| format!("（八）{p}支出{v}万元。"),
        |p: &str, v: &str| format!("{p}科目支出决算为{v}万元，比上年减少0万元。"),
        |p: &str, v: &str| format!("“{p}”{v}万元，主要用于事业运行。"),
    ];
    for (i, form) in forms.iter().enumerate() {
        let right = judge_001(
            &form(path, "418.68"),
            &format!("path-right-{i}-{}", path.len()),
        );
        let amounts: Vec<&Value> = right
            .iter()
            .filter(|f| f["rule"] == "text-amount")
            .collect();
        assert!(amounts.is_empty(), "{}: {right:#?}", form(path, "418.68"));
        let wrong = judge_001(
            &form(path, "481.68"),
            &format!("path-wrong-{i}-{}", path.len()),
        );
        let amounts: Vec<Value> = wrong
            .into_iter()
            .filter(|f| f["rule"] == "text-amount")
            .collect();
        assert_eq!(amounts.len(), 1, "{}", form(path, "481.68"));
        assert_one(
            &amounts,
            "text-amount",
            "error",
            &["事业运行481.68万元", "418.68万元"],
        );
    }
}

/// A change's way is said outside parentheses: a template's `下降（增长）` kept as printed is
/// a fall, not a contradiction of the 减少 before it; the reverse still is one.
#[test]
fn a_direction_in_parentheses_is_the_templates_alternative() {
    for (down, up) in [("下降", "增长"), ("减少", "增加"), ("降低", "上升")] {
        let right =
            format!("公务接待费支出决算为1.35万元，与上年相比减少0.5万元，{down}（{up}）27.03%。");
        let found = judge_001(&right, &format!("paren-{down}"));
        assert!(found.is_empty(), "{right}: {found:#?}");
        let wrong =
            format!("公务接待费支出决算为1.35万元，与上年相比减少0.5万元，{up}（{down}）27.03%。");
        let found = judge_001(&wrong, &format!("paren-wrong-{down}"));
        assert_one(&found, "text-change", "error", &["增减方向前后矛盾"]);
        // Said only inside parentheses, the way is still read (and held against the rate's).
        let only =
            format!("公务接待费支出决算为1.35万元，与上年相比（{down}）0.5万元，{up}27.03%。");
        let found = judge_001(&only, &format!("paren-only-{down}"));
        assert_one(&found, "text-change", "error", &["增减方向前后矛盾"]);
    }
}

/// A PDF sentence wrapped just before its amount (`…政府采购服务预算` / `983.05万元。`) is one
/// sentence: the line starting with the amount is no numbered heading (`1.`, `2、`), which
/// still starts its own paragraph.
#[test]
fn a_line_starting_with_an_amount_goes_on_the_sentence_before() {
    use fiscalform::read::{Format, Passage, Workbook};
    let amounts = ["983.05", "1.5", "12.00", "２０.５", "7．25", "3.8"];
    for amount in amounts {
        for tail in ["万元。", "万元，占20%。", "万元；其他1万元。"] {
            let lines = [
                "三、政府采购预算情况".to_string(),
                "2025年本部门政府采购预算4821.20万元，其中：政府采购货物预算57.43万元、政府采购服务预算".to_string(),
                format!("{amount}{tail}"),
                "1.基本情况".to_string(),
                "2. 本部门共有车辆8辆。".to_string(),
            ];
            let wb = Workbook {
                path: "说明.pdf".into(),
                format: Format::Pdf,
                sheets: vec![],
                text: lines
                    .iter()
                    .map(|t| Passage {
                        page: Some(3),
                        text: t.clone(),
                    })
                    .collect(),
                cell_notes: vec![],
            };
            let runs = fiscalform::statements::document_runs(&wb);
            assert_eq!(runs.len(), 4, "{lines:?}: {runs:#?}");
            let sentences = text::sentences(&runs[1]);
            let joined: String = sentences.iter().map(|s| s.text.clone()).collect();
            assert!(joined.contains(&format!("服务预算{amount}")), "{joined}");
        }
    }
}

/// Two published 部门预算 (tests/fixtures/shanghai_budget): every sentence of their 编制说明
/// that restates a table agrees with it, so no statement is an error. Their unit names hold
/// 科目 names, 持平 and a change share a sentence, items are named by their paths and a
/// sentence wraps before its amount.
#[test]
fn published_budget_statements_agree_with_their_tables() {
    for (name, least_agreed) in [
        ("2026预算-普陀区司法局.pdf", 15),
        ("2025预算-万里街道办事处.pdf", 30),
    ] {
        let (_, report) = cli::check_json(&fixture_path(&format!("shanghai_budget/{name}")));
        let found = text_findings(&report);
        let errors: Vec<&Value> = found.iter().filter(|f| f["severity"] == "error").collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        let (agreed, differed, _) = tally(&report);
        assert_eq!(differed, 0, "{name}");
        assert!(agreed >= least_agreed, "{name}: {agreed}");
    }
}
