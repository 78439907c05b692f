//! Tests of score::rules: every 评（扣）分标准 text of the seeds, clerk-style variants per shape, non-rules, scores and formulas.

use fiscalform::quantity::{parse_quantity, Cmp, Quantity};
use fiscalform::score::rules::{parse_rule, FailOutcome, Points, Rule, RuleKind, Shape, Staircase};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn rule(text: &str) -> Rule {
    match parse_rule(text) {
        Some(r) => r,
        None => panic!("should parse as a rule: {text:?}"),
    }
}

fn q(text: &str) -> Quantity {
    match parse_quantity(text) {
        Some(q) => q,
        None => panic!("should parse as a quantity: {text:?}"),
    }
}

fn pts(p: &Points) -> String {
    match p {
        Points::Full => "F".to_string(),
        Points::Abs(v) => v.normalize().to_string(),
        Points::Share(f) => format!("s{}", f.normalize()),
        Points::Deduct(d) => format!("-{}", d.normalize()),
    }
}

fn stair_sig(st: &Staircase) -> String {
    let mut parts: Vec<String> = st
        .steps
        .iter()
        .map(|s| {
            format!(
                "{}{}:{}",
                s.cmp.symbol(),
                s.threshold.normalize(),
                pts(&s.points)
            )
        })
        .collect();
    parts.push(format!("else:{}", pts(&st.otherwise)));
    parts.join("|")
}

/// A compact, exact rendering of a rule's parameters, for table-driven tests.
fn sig(r: &Rule) -> String {
    match &r.kind {
        RuleKind::Tiers(st) => format!("T {}", stair_sig(st)),
        RuleKind::DeviationBands(st) => format!("D {}", stair_sig(st)),
        RuleKind::DeductPerPoint(d) => format!(
            "P {} limit={} step={} per={} {:?}{}{}",
            if d.over { "over" } else { "under" },
            d.limit
                .map_or("target".to_string(), |l| l.normalize().to_string()),
            d.step.normalize(),
            d.per_step.normalize(),
            d.rounding,
            d.max_deduction
                .map_or(String::new(), |m| format!(" max={}", m.normalize())),
            d.zero_beyond
                .map_or(String::new(), |z| format!(" zero={}", z.normalize())),
        ),
        RuleKind::LinearAboveFloor(l) => {
            format!(
                "L floor={} full={}",
                l.floor.normalize(),
                l.full_at.normalize()
            )
        }
        RuleKind::Proportional(p) => format!(
            "R{}",
            p.floor
                .map_or(String::new(), |f| format!(" floor={}", f.normalize()))
        ),
        RuleKind::PassFail(pf) => {
            let fail = match &pf.on_fail {
                FailOutcome::Zero => "0".to_string(),
                FailOutcome::Judgement => "?".to_string(),
                FailOutcome::Points(p) => pts(p),
            };
            let levels: Vec<String> = pf
                .levels
                .iter()
                .map(|(c, p)| format!("{c}={}", pts(p)))
                .collect();
            format!(
                "F pass={} fail={}{}{}",
                pts(&pf.on_pass),
                fail,
                if levels.is_empty() {
                    String::new()
                } else {
                    format!(" levels={}", levels.join(","))
                },
                if pf.exception.is_some() { " exc" } else { "" }
            )
        }
        RuleKind::Checklist(items) => {
            let v: Vec<String> = items
                .iter()
                .map(|i| i.points.normalize().to_string())
                .collect();
            format!("C {}", v.join("+"))
        }
    }
}

fn check_table(shape: Shape, table: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in table {
        match parse_rule(text) {
            Some(r) if r.shape() == shape && sig(&r) == *want => {}
            Some(r) => failures.push(format!("{text:?}\n   want {want}\n   got  {}", sig(&r))),
            None => failures.push(format!("{text:?}\n   want {want}\n   got  None")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn score(text: &str, target: Option<&str>, actual: &str, weight: Decimal) -> Option<Decimal> {
    let r = rule(text);
    let t = target.map(q);
    r.score(t.as_ref(), &q(actual), weight).map(|s| s.score)
}

// ---------------------------------------------------------------------------------------------
// Seed 000 附件2 (rule text in the 年度指标值 column)
// ---------------------------------------------------------------------------------------------

const S000_STAFF: &str =
    "以100%为标准。在职人员控制率≦100%，计5分；每超过一个百分点扣0.5分，扣完为止。";
const S000_CHECKLIST: &str = "①有内部财务管理制度、会计核算制度等管理制度，2分；\n②有本部门厉行节约制度，2分；\n③相关管理制度合法、合规、完整，2分；④相关管理制度得到有效执行，2分。";
const S000_CONTROL: &str = "100%以下（含）计满分，每超出1%扣1分，扣完为止。";
const S000_SATISFACTION: &str =
    "90%（含）以上计10分；\n80%（含）-90%，计8分；\n70%（含）-80%，计6分；\n低于70%计0分。";

#[test]
fn seed000_staff_control_rate() {
    let r = rule(S000_STAFF);
    assert_eq!(r.shape(), Shape::DeductPerPoint);
    assert_eq!(sig(&r), "P over limit=1 step=0.01 per=0.5 Whole");
    assert_eq!(r.stated_full_points(), Some(dec!(5)));
    // Actual 75%, weight 8 (the stated 5 differs: the caller warns).
    assert_eq!(score(S000_STAFF, None, "75%", dec!(8)), Some(dec!(8)));
}

#[test]
fn seed000_management_checklist() {
    let r = rule(S000_CHECKLIST);
    assert_eq!(r.shape(), Shape::Checklist);
    assert_eq!(sig(&r), "C 2+2+2+2");
    assert_eq!(r.stated_full_points(), Some(dec!(8)));
    assert!(r.explain().contains("有本部门厉行节约制度"));
    let actual = Quantity::number(dec!(1));
    assert_eq!(r.score(None, &actual, dec!(10)), None);
    assert_eq!(r.excel_formula("F5", None, "G5", None), None);
}

#[test]
fn seed000_public_funds_control_rate() {
    let r = rule(S000_CONTROL);
    assert_eq!(r.shape(), Shape::DeductPerPoint);
    assert_eq!(sig(&r), "P over limit=1 step=0.01 per=1 Whole");
    assert_eq!(r.stated_full_points(), None);
    assert_eq!(score(S000_CONTROL, None, "79.85%", dec!(6)), Some(dec!(6)));
}

#[test]
fn seed000_three_public_expenses_control_rate() {
    // Same text as 公用经费控制率, another row.
    assert_eq!(score(S000_CONTROL, None, "18.09%", dec!(6)), Some(dec!(6)));
}

#[test]
fn seed000_satisfaction_tiers() {
    let r = rule(S000_SATISFACTION);
    assert_eq!(r.shape(), Shape::Tiers);
    assert_eq!(sig(&r), "T ≥0.9:10|≥0.8:8|≥0.7:6|else:0");
    assert_eq!(r.stated_full_points(), Some(dec!(10)));
    assert_eq!(
        r.explain(),
        "分档计分：≥90% 得10分；80%–90% 得8分；70%–80% 得6分；<70% 得0分"
    );
    assert_eq!(
        score(S000_SATISFACTION, None, "90%", dec!(10)),
        Some(dec!(10))
    );
}

#[test]
fn seed000_texts_that_are_not_rules() {
    for t in [
        "2023年底以前。",
        "搭建招商平台。",
        "都市圈四大片区建设规划编制成果。",
        "绿心保护绿心生态环境。",
        "战略宣传深入人心。",
    ] {
        assert!(parse_rule(t).is_none(), "{t}");
    }
}

#[test]
fn seed000_project_targets_are_quantities_not_rules() {
    // 附件3 年度指标值 cells: targets, not rules.
    for t in [
        "满意度90%以上。",
        "社会公众满意度90%以上。",
        "相关社会宣传活动次数大于1次。",
    ] {
        assert!(parse_rule(t).is_none(), "{t}");
        assert!(parse_quantity(t).is_some(), "{t}");
    }
    assert_eq!(q("相关社会宣传活动次数大于1次。").cmp, Some(Cmp::Gt));
}

// ---------------------------------------------------------------------------------------------
// Seed 002 budget-09 / budget-10 评（扣）分标准
// ---------------------------------------------------------------------------------------------

const S002_DEVIATION: &str = "偏离目标40%及以上不得分；偏离30%及以上得5分；偏离20%及以上得10分；偏离10%及以上得15分，偏离10%以内得20分。";
const S002_PROPORTIONAL_TYPO: &str = "全部完成得满分，为完成按比例计分";
const S002_PROPORTIONAL: &str = "全部完成得满分，未完成按比例计分";
const S002_LINEAR: &str =
    "完成率小于60%不得分，大于等于60%，得分=（完成率-60%）/（1-60%）*指标分值";
const S002_PASS: &str = "符合要求得满分，不符合要求扣相应分数";
const S002_EFFECT: &str = "提升效果符合预期得满分，提升效果一般得分50%，否则不得分。";
const S002_EFFECT2: &str = "提升效果符合预期得满分，提升效果一般得50%，否则不得分。";
const S002_SATISFACTION: &str =
    "满意度小于90%且大于等于80%的得8分，满意度小于80%且大于等于60%的得5分，满意度小于60%不得分。";
const S002_PREPARATION: &str = "筹备工作完成得满分，未完成筹备工作不得分（因客观原因未完成的除外）";

#[test]
fn seed002_cost_deviation_bands() {
    let r = rule(S002_DEVIATION);
    assert_eq!(r.shape(), Shape::DeviationBands);
    assert_eq!(sig(&r), "D <0.1:20|<0.2:15|<0.3:10|<0.4:5|else:0");
    assert_eq!(r.stated_full_points(), Some(dec!(20)));
    // 成本控制在预算范围内 ≤79.73万元, weight 20.
    assert_eq!(
        score(S002_DEVIATION, Some("≤79.73万元"), "79.73万元", dec!(20)),
        Some(dec!(20))
    );
}

#[test]
fn seed002_proportional_with_typo() {
    let r = rule(S002_PROPORTIONAL_TYPO);
    assert_eq!(r.shape(), Shape::Proportional);
    assert_eq!(sig(&r), "R");
    // 宣传活动次数 6次, weight 20.
    assert_eq!(
        score(S002_PROPORTIONAL_TYPO, Some("6次"), "6次", dec!(20)),
        Some(dec!(20))
    );
}

#[test]
fn seed002_proportional() {
    let r = rule(S002_PROPORTIONAL);
    assert_eq!(r.shape(), Shape::Proportional);
    assert_eq!(sig(&r), "R");
    // 政策研究及建议 2 (次), weight 5; one done.
    assert_eq!(
        score(S002_PROPORTIONAL, Some("2"), "1", dec!(5)),
        Some(dec!(2.5))
    );
}

#[test]
fn seed002_linear_above_floor() {
    let r = rule(S002_LINEAR);
    assert_eq!(r.shape(), Shape::LinearAboveFloor);
    assert_eq!(sig(&r), "L floor=0.6 full=1");
    // 完成年度宣传任务及时性 100% (≤), weight 10.
    assert_eq!(
        score(S002_LINEAR, Some("≤100%"), "100%", dec!(10)),
        Some(dec!(10))
    );
}

#[test]
fn seed002_pass_fail_left_to_judgement() {
    let r = rule(S002_PASS);
    assert_eq!(r.shape(), Shape::PassFail);
    assert_eq!(sig(&r), "F pass=F fail=?");
    // 宣传活动覆盖10万人次: target "是" is text, nothing to compute.
    assert!(parse_quantity("是").is_none());
}

#[test]
fn seed002_effect_levels() {
    for t in [S002_EFFECT, S002_EFFECT2] {
        let r = rule(t);
        assert_eq!(r.shape(), Shape::PassFail, "{t}");
        assert_eq!(sig(&r), "F pass=F fail=0 levels=提升效果一般=s0.5", "{t}");
    }
}

#[test]
fn seed002_satisfaction_without_top_tier() {
    let r = rule(S002_SATISFACTION);
    assert_eq!(r.shape(), Shape::Tiers);
    assert_eq!(sig(&r), "T ≥0.9:F|≥0.8:8|≥0.6:5|else:0");
    assert_eq!(r.stated_full_points(), None);
    assert!(r.explain().contains("最高档未写明，按满分计"));
    // 相关单位满意度 90 (unit column %), weight 10.
    let target = q("90").with_unit_column("%");
    let got = r.score(Some(&target), &q("85%"), dec!(10)).map(|s| s.score);
    assert_eq!(got, Some(dec!(8)));
}

#[test]
fn seed002_preparation_with_exception() {
    let r = rule(S002_PREPARATION);
    assert_eq!(r.shape(), Shape::PassFail);
    assert_eq!(sig(&r), "F pass=F fail=0 exc");
    // Met: full marks; not met: excused or not is for a person.
    assert_eq!(
        score(S002_PREPARATION, Some("1次"), "1次", dec!(4)),
        Some(dec!(4))
    );
    assert_eq!(score(S002_PREPARATION, Some("1次"), "0次", dec!(4)), None);
}

#[test]
fn seed002_none_is_not_a_rule() {
    assert!(parse_rule("无").is_none());
}

// ---------------------------------------------------------------------------------------------
// Variants per shape
// ---------------------------------------------------------------------------------------------

#[test]
fn tiers_variants() {
    check_table(
        Shape::Tiers,
        &[
            ("满意度≥90%得10分；80%≤满意度<90%得8分；70%≤满意度<80%得6分；满意度<70%不得分。", "T ≥0.9:10|≥0.8:8|≥0.7:6|else:0"),
            ("90%以上得满分，80%-90%得8分，80%以下不得分", "T ≥0.9:F|≥0.8:8|else:0"),
            ("满意度达到90%及以上的得10分，80%（含）至90%的得8分，60%（含）至80%的得5分，60%以下的不得分。", "T ≥0.9:10|≥0.8:8|≥0.6:5|else:0"),
            ("满意度95%以上计5分，90%-95%计4分，85%-90%计3分，85%以下计0分", "T ≥0.95:5|≥0.9:4|≥0.85:3|else:0"),
            ("①满意度≥95%，得10分；②90%≤满意度＜95%，得8分；③满意度＜90%，得5分。", "T ≥0.95:10|≥0.9:8|else:5"),
            ("满意度大于等于90%得满分；满意度大于等于80%小于90%得6分；满意度小于80%不得分", "T ≥0.9:F|≥0.8:6|else:0"),
            ("满意度在90%以上的得10分，在80%-90%之间的得7分，在80%以下的得0分。", "T ≥0.9:10|≥0.8:7|else:0"),
            ("满意度≧90％，计10分；≧80％且＜90％，计8分；＜80％，计0分。", "T ≥0.9:10|≥0.8:8|else:0"),
            ("覆盖率100%得10分，90%（含）-100%得8分，90%以下得5分", "T ≥1:10|≥0.9:8|else:5"),
            ("满意度达90%（含）以上得满分，未达到90%不得分", "T ≥0.9:F|else:0"),
            ("达到95%以上得15分，90%-95%得10分，低于90%得5分", "T ≥0.95:15|≥0.9:10|else:5"),
            ("满意度90分以上得10分，80-90分得8分，80分以下不得分", "T ≥90:10|≥80:8|else:0"),
            ("完成率100%得10分，完成率90%（含）-100%得7分，完成率低于90%不得分", "T ≥1:10|≥0.9:7|else:0"),
            ("满意度≥90%得满分，满意度80%—89%得8分，满意度70%—79%得6分，70%以下不得分", "T ≥0.9:F|≥0.8:8|≥0.7:6|else:0"),
            ("满意度大于或等于90%计10分，满意度大于或等于80%计8分，其余不得分", "T ≥0.9:10|≥0.8:8|else:0"),
            ("满意度 90%（含）以上 计 10 分；\n80%（含）- 90%，计 8 分；\n70%（含）- 80%，计 6 分；", "T ≥0.9:10|≥0.8:8|≥0.7:6|else:0"),
            ("满意度高于90%得10分，85%-90%（含）得8分，低于85%得0分", "T >0.9:10|≥0.85:8|else:0"),
            ("满意度达到90%得满分，达到80%得分值的80%，达到70%得分值的50%，低于70%不得分", "T ≥0.9:F|≥0.8:s0.8|≥0.7:s0.5|else:0"),
            ("90%以上得满分，80%-90%扣2分，80%以下扣5分", "T ≥0.9:F|≥0.8:-2|else:-5"),
            ("投诉0次得满分，1-2次得5分，3次及以上不得分", "T ≤0:F|≤2:5|else:0"),
            ("举办培训6次以上得10分，4-5次得6分，3次以下得0分", "T ≥6:10|≥4:6|else:0"),
            ("满意度百分之九十以上得满分，百分之八十至九十得八分，百分之八十以下零分", "T ≥0.9:F|≥0.8:8|else:0"),
            ("低于70%计0分；70%（含）-80%，计6分；80%（含）-90%，计8分；90%（含）以上计10分。", "T ≥0.9:10|≥0.8:8|≥0.7:6|else:0"),
            ("满意度90%（含）以上，得10分\n满意度80%（含）-90%（不含），得8分\n满意度80%以下，得0分", "T ≥0.9:10|≥0.8:8|else:0"),
            ("满意度≥90%，得满分；满意度<90%，不得分", "T ≥0.9:F|else:0"),
            ("群众满意度不低于85%得满分，75%-85%得分值的60%，低于75%不得分", "T ≥0.85:F|≥0.75:s0.6|else:0"),
            ("满意度超过95%得5分,90%-95%(含)得3分,90%以下得1分", "T >0.95:5|≥0.9:3|else:1"),
            ("90%以上得10分80%-90%得8分80%以下得0分", "T ≥0.9:10|≥0.8:8|else:0"),
        ],
    );
}

#[test]
fn deduction_variants() {
    check_table(
        Shape::DeductPerPoint,
        &[
            (
                "在职人员控制率≤100%得满分，每超过1个百分点扣1分，扣完为止",
                "P over limit=1 step=0.01 per=1 Whole",
            ),
            (
                "控制率不超过100%的得满分；超过100%的，每超出一个百分点扣0.5分，扣完为止。",
                "P over limit=1 step=0.01 per=0.5 Whole",
            ),
            (
                "以100%为标准，每超过1%扣0.5分",
                "P over limit=1 step=0.01 per=0.5 Whole",
            ),
            (
                "公用经费控制率≤100%，计6分；每超1个百分点，扣1分，扣完为止",
                "P over limit=1 step=0.01 per=1 Whole",
            ),
            (
                "满意度90%以上得满分，低于90%的，每低1个百分点扣1分，扣完为止",
                "P under limit=0.9 step=0.01 per=1 Whole",
            ),
            (
                "满意度≥90%得满分，每降低1%扣0.5分，最多扣5分",
                "P under limit=0.9 step=0.01 per=0.5 Whole max=5",
            ),
            (
                "完成率100%得满分，每少1个百分点扣0.2分",
                "P under limit=1 step=0.01 per=0.2 Whole",
            ),
            (
                "每少完成1次扣2分，扣完为止",
                "P under limit=target step=1 per=2 Whole",
            ),
            (
                "未完成的，每少1次扣1分",
                "P under limit=target step=1 per=1 Whole",
            ),
            (
                "按时完成得满分，每延迟1天扣1分",
                "P over limit=target step=1 per=1 Whole",
            ),
            (
                "“三公”经费控制率100%以内得满分，超出部分每1%扣1分",
                "P over limit=1 step=0.01 per=1 Whole",
            ),
            (
                "执行率达到100%得满分，每降低1个百分点扣0.1分，低于60%不得分",
                "P under limit=1 step=0.01 per=0.1 Whole zero=0.6",
            ),
            (
                "每超过一个百分点扣两分，扣完为止",
                "P over limit=target step=0.01 per=2 Whole",
            ),
            (
                "控制率≤100%的计满分，每超出1%扣1分（不足1%按1%计）",
                "P over limit=1 step=0.01 per=1 Started",
            ),
            (
                "控制率≤100%的计满分，超出部分按比例扣分，每超出1%扣1分",
                "P over limit=1 step=0.01 per=1 Exact",
            ),
            (
                "支出控制在预算内得满分，每超支1万元扣1分",
                "P over limit=target step=1 per=1 Whole",
            ),
            (
                "每增加1人扣1分，扣完为止",
                "P over limit=target step=1 per=1 Whole",
            ),
            (
                "以95%为基准，每下降1个百分点扣0.5分，扣完为止",
                "P under limit=0.95 step=0.01 per=0.5 Whole",
            ),
            (
                "人员控制率≦100％，计５分；每超过一个百分点扣０.５分，扣完为止。",
                "P over limit=1 step=0.01 per=0.5 Whole",
            ),
            (
                "群众投诉每发生1次扣2分",
                "P over limit=0 step=1 per=2 Whole",
            ),
            (
                "每减少一项扣2分，扣完为止",
                "P under limit=target step=1 per=2 Whole",
            ),
            (
                "差错率≤1%得满分，每超过1个百分点扣2分",
                "P over limit=0.01 step=0.01 per=2 Whole",
            ),
            (
                "三公经费支出不超过预算得满分，每超出预算1%扣1分",
                "P over limit=target step=0.01 per=1 Whole",
            ),
            (
                "在职人员控制率在100%以内的得满分，每超出5个百分点扣1分",
                "P over limit=1 step=0.05 per=1 Whole",
            ),
            (
                "每超过1个百分点扣半分，扣完为止",
                "P over limit=target step=0.01 per=0.5 Whole",
            ),
        ],
    );
}

#[test]
fn linear_variants() {
    check_table(
        Shape::LinearAboveFloor,
        &[
            ("完成率低于60%的不得分，60%及以上的，得分=(完成率-60%)÷40%×分值", "L floor=0.6 full=1"),
            ("完成率＜60%，得0分；完成率≥60%，得分＝（完成率－60%）／（1－60%）×该项分值", "L floor=0.6 full=1"),
            ("得分=（实际完成率-60%）/（100%-60%）×指标分值，完成率低于60%不得分", "L floor=0.6 full=1"),
            ("完成率小于50%不得分，大于等于50%，得分=（完成率-50%）/（1-50%）*指标分值", "L floor=0.5 full=1"),
            ("完成率小于60%不得分，大于等于60%，得分=（完成率-60%）/（1-60%）*指标分值。", "L floor=0.6 full=1"),
            ("完成率小于60%不得分，\n大于等于60%，\n得分=（完成率-60%）/（1-60%）*指标分值", "L floor=0.6 full=1"),
            ("完成率小于60%不得分；大于等于60%，得分=（完成率-60%）/（1-60%）×指标分值", "L floor=0.6 full=1"),
            ("完成率小于７０％不得分，大于等于７０％，得分＝（完成率－７０％）／（１－７０％）＊指标分值", "L floor=0.7 full=1"),
            ("得分=(完成率-60%)/(1-60%)*指标分值", "L floor=0.6 full=1"),
            ("得分=(完成率-80%)/20%*分值，完成率低于80%不得分", "L floor=0.8 full=1"),
            ("执行率低于60%不得分，得分=（执行率-60%）/（1-60%）*分值", "L floor=0.6 full=1"),
            ("完成率小于60%不得分,大于等于60%,得分=(完成率-60%)/(1-60%)*指标分值", "L floor=0.6 full=1"),
            ("完成率小于60%得0分，大于等于60%时得分=（完成率-60%）/（1-60%）*指标分值", "L floor=0.6 full=1"),
            ("到位率低于60%不得分，到位率≥60%的，得分=（到位率-60%）/（1-60%）×分值", "L floor=0.6 full=1"),
            ("计分=（完成率-60%）/（1-60%）*指标分值，完成率小于60%不得分", "L floor=0.6 full=1"),
            ("完成率小于60%不得分，大于等于60%，得分=（完成率-60%）/（100%-60%）*指标分值", "L floor=0.6 full=1"),
            ("完成率达到60%以上的，得分=（完成率-60%）÷（1-60%）×指标分值；低于60%的不得分", "L floor=0.6 full=1"),
            ("使用率小于60%不得分，大于等于60%，得分=（使用率-60%）/（1-60%）*指标分值", "L floor=0.6 full=1"),
            ("支付率小于40%不得分，大于等于40%，得分=（支付率-40%）/（1-40%）*指标分值", "L floor=0.4 full=1"),
            ("完成率低于60%不计分，得分=（实际完成值-60%）/（1-60%）*指标分值", "L floor=0.6 full=1"),
            ("完成率≥60%，得分=(完成率-60%)/(1-60%)*指标分值；完成率<60%，不得分", "L floor=0.6 full=1"),
        ],
    );
}

#[test]
fn deviation_variants() {
    check_table(
        Shape::DeviationBands,
        &[
            ("偏离度在10%以内得满分，10%-20%得8分，20%以上不得分", "D ≤0.1:F|≤0.2:8|else:0"),
            ("偏差率≤5%得10分，5%＜偏差率≤10%得6分，偏差率＞10%不得分", "D ≤0.05:10|≤0.1:6|else:0"),
            ("偏离目标10%以内得20分，偏离10%-20%得15分，偏离20%-30%得10分，偏离30%-40%得5分，偏离40%及以上不得分", "D ≤0.1:20|≤0.2:15|≤0.3:10|<0.4:5|else:0"),
            ("偏离目标值20%以内计满分，偏离20%以上不得分", "D ≤0.2:F|else:0"),
            ("实际与目标偏离不超过10%得满分，偏离10%以上20%以内得5分，偏离20%以上不得分", "D ≤0.1:F|≤0.2:5|else:0"),
            ("偏离目标40%及以上不得分；偏离30%及以上得5分；偏离20%及以上得10分；偏离10%及以上得15分；偏离10%以内得20分", "D <0.1:20|<0.2:15|<0.3:10|<0.4:5|else:0"),
            ("偏离目标４０％及以上不得分；偏离３０％及以上得５分；偏离２０％及以上得１０分；偏离１０％及以上得１５分，偏离１０％以内得２０分。", "D <0.1:20|<0.2:15|<0.3:10|<0.4:5|else:0"),
            ("偏离10%以内得20分，偏离10%及以上得15分，偏离20%及以上得10分，偏离30%及以上得5分，偏离40%及以上不得分", "D <0.1:20|<0.2:15|<0.3:10|<0.4:5|else:0"),
            ("偏离目标40%及以上不得分；\n偏离30%及以上得5分；\n偏离20%及以上得10分；\n偏离10%及以上得15分，\n偏离10%以内得20分。", "D <0.1:20|<0.2:15|<0.3:10|<0.4:5|else:0"),
            ("偏差在5%以内得满分，偏差5%-10%得分值的60%，偏差10%以上不得分", "D ≤0.05:F|≤0.1:s0.6|else:0"),
            ("偏离度≤10%，得10分；10%＜偏离度≤20%，得6分；偏离度＞20%，得0分", "D ≤0.1:10|≤0.2:6|else:0"),
            ("与目标值偏差不超过5%的得满分，超过5%不得分", "D ≤0.05:F|else:0"),
            ("偏离目标30%及以上不得分；偏离20%及以上得4分；偏离10%及以上得7分，偏离10%以内得10分。", "D <0.1:10|<0.2:7|<0.3:4|else:0"),
            ("偏离度小于10%得满分，偏离度大于等于10%小于20%得分值的50%，偏离度大于等于20%不得分", "D <0.1:F|<0.2:s0.5|else:0"),
            ("成本偏离目标10%以内得满分，10%（含）-30%得3分，30%（含）以上不得分", "D <0.1:F|<0.3:3|else:0"),
            ("偏差率在±5%以内得10分，±5%-±10%得5分，超过±10%不得分", "D ≤0.05:10|≤0.1:5|else:0"),
            ("偏离目标50%及以上不得分；偏离25%及以上得5分；偏离25%以内得10分", "D <0.25:10|<0.5:5|else:0"),
            ("偏离度≤5%得满分；5%<偏离度≤15%得分值的70%；偏离度>15%不得分", "D ≤0.05:F|≤0.15:s0.7|else:0"),
            ("偏离10%以内得满分，偏离10%（含）以上不得分", "D <0.1:F|else:0"),
            ("偏离程度在10%以内的得20分；偏离程度在10%-20%的得10分；偏离程度在20%以上的不得分", "D ≤0.1:20|≤0.2:10|else:0"),
            ("实际成本与预算偏差率≤10%得5分，10%＜偏差率≤20%得3分，偏差率＞20%得0分", "D ≤0.1:5|≤0.2:3|else:0"),
        ],
    );
}

#[test]
fn proportional_variants() {
    check_table(
        Shape::Proportional,
        &[
            ("全部完成得满分，未完成按完成比例计分", "R"),
            ("按实际完成比例计分", "R"),
            ("完成目标得满分，未完成的按完成率×分值计分", "R"),
            ("完成率低于60%不得分，60%以上按比例计分", "R floor=0.6"),
            ("得分=完成率×指标分值", "R"),
            ("达到目标值得满分，未达到按实际完成比例得分", "R"),
            ("全部完成得满分，未完成按比例计分。", "R"),
            ("全部完成得满分；未完成按比例计分", "R"),
            ("全部完成得满分,未完成按比例计分", "R"),
            ("全部完成得满分，\n未完成按比例计分", "R"),
            ("完成得满分，未完成按比例得分", "R"),
            ("按完成比例得分", "R"),
            ("按完成率计分", "R"),
            ("得分=完成率*指标分值", "R"),
            ("按比例计分，全部完成得满分", "R"),
            ("完成全部任务得满分，部分完成的按比例计分", "R"),
            ("达到指标值得满分，未达到的按实际完成比例计算得分", "R"),
            ("完成率低于50%不得分，其余按比例计分", "R floor=0.5"),
            ("全部完成计满分，未全部完成的按比例计分", "R"),
            ("按完成进度计分", "R"),
            ("全部完成得满分，为完成按比例计分。", "R"),
        ],
    );
}

#[test]
fn pass_fail_variants() {
    check_table(
        Shape::PassFail,
        &[
            ("完成得满分，未完成不得分", "F pass=F fail=0"),
            ("达到预期目标得满分，未达到不得分", "F pass=F fail=0"),
            ("按时完成得满分，否则不得分", "F pass=F fail=0"),
            ("达到要求得5分，未达到不得分", "F pass=5 fail=0"),
            ("完成得满分，部分完成酌情扣分", "F pass=F fail=?"),
            ("实现目标得满分，未实现扣相应分", "F pass=F fail=?"),
            ("达标得10分，不达标得0分", "F pass=10 fail=0"),
            (
                "全部完成得满分，部分完成得分50%，未完成不得分",
                "F pass=F fail=0 levels=部分完成=s0.5",
            ),
            ("符合要求得满分，不符合要求扣相应分数。", "F pass=F fail=?"),
            ("符合要求得满分；不符合要求扣相应分数", "F pass=F fail=?"),
            ("符合要求得满分,\n不符合要求扣相应分数", "F pass=F fail=?"),
            ("完成得满分，未完成得0分", "F pass=F fail=0"),
            (
                "按期完成得满分，未按期完成不得分（因不可抗力除外）",
                "F pass=F fail=0 exc",
            ),
            (
                "符合预期得满分，基本符合得分60%，不符合不得分",
                "F pass=F fail=0 levels=基本符合=s0.6",
            ),
            ("验收合格得满分，不合格不得分", "F pass=F fail=0"),
            (
                "效果明显得满分，效果一般得一半分，无效果不得分",
                "F pass=F fail=0 levels=效果一般=s0.5",
            ),
            ("达到目标得满分，未达到目标视情况扣分", "F pass=F fail=?"),
            (
                "符合要求得满分，不符合要求扣相应分数（扣完为止）",
                "F pass=F fail=?",
            ),
            ("完成目标得满分，未完成的得5分", "F pass=F fail=5"),
            ("实现得满分，否则不得分。", "F pass=F fail=0"),
            ("有序推进得满分，推进缓慢酌情扣分", "F pass=F fail=?"),
        ],
    );
}

#[test]
fn checklist_variants() {
    check_table(
        Shape::Checklist,
        &[
            (
                "①制度健全得3分；②执行有效得3分；③资料完整得4分。",
                "C 3+3+4",
            ),
            ("①按时报送得2分②数据准确得3分", "C 2+3"),
            (
                "①有绩效目标，1分；②目标明确，1分；③目标细化量化，1分。",
                "C 1+1+1",
            ),
        ],
    );
}

#[test]
fn texts_that_are_not_rules() {
    for t in [
        "搭建招商平台。",
        "无",
        "已完成。",
        "2023年底以前。",
        "都市圈四大片区建设规划编制成果。",
        "绿心保护绿心生态环境。",
        "满意度90%以上。",
        "相关社会宣传活动次数大于1次。",
        "加强日常调度，推进年度任务如期完成。",
        "项目经费不超预算。",
        "/",
        "——",
        "",
        "目标完成率100%",
        "宣传活动达到预期效果，年度累计覆盖10万人次以上",
        "2023年10月底前完成1场主题宣传活动；12月底前完成10篇媒体宣传报道",
        "按照2023年政府工作报告、十大片区考核相关指标，有序推进各项工作",
        "小于等于3398.91万元",
        "分析评价报告1份",
        "十分满意",
        "评分标准详见附件",
        "得分情况良好",
        "出现1次投诉扣2分",
        "满意度90%以上的，得满分；满意度低于90%的，按每下降一档扣2分",
        "满意度九十以上得十分，八十至九十得八分，八十以下不得分",
    ] {
        assert!(
            parse_rule(t).is_none(),
            "{t:?} should not be a rule: {:?}",
            parse_rule(t)
        );
    }
}

#[test]
fn odd_text_never_panics() {
    for t in [
        "每",
        "扣",
        "每扣",
        "每超过扣分",
        "得分=",
        "得分=(完成率-",
        "偏离",
        "①",
        "①②③",
        "%分",
        "99999999999999999999999999999999%以上得满分",
        "得9999999999999999999999999999分",
        "每超过0%扣1分",
        "0%以上得满分，0%以下不得分",
        "(((((",
        "得分=(完成率-100%)/(1-100%)*分值",
        "满意度≥≥90%得10分",
        "90%-得分",
        "-得10分",
        "每超过1%扣",
        "偏离%以内得分",
        "得79228162514264337593543950335分，90%以上得满分，80%-90%得分50%，80%以下扣79228162514264337593543950335分",
        "偏离10%以内得79228162514264337593543950335分，偏离10%以上不得分",
        "每超过0.0000000000000000000000000001%扣79228162514264337593543950335分",
        "得分=(完成率-60%)/79228162514264337593543950335%*分值",
        "九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百九百次以上得满分",
    ] {
        let Some(r) = parse_rule(t) else {
            continue;
        };
        let _ = r.explain();
        for a in [
            "0%",
            "100%",
            "0",
            "-5",
            "1e3",
            "99999999999999999999999999",
            "-79228162514264337593543950335",
            "79228162514264337593543950335%",
        ] {
            let Some(aq) = parse_quantity(a) else {
                continue;
            };
            for w in [dec!(10), Decimal::MAX, Decimal::MIN] {
                let _ = r.score(Some(&aq), &aq, w);
                let _ = r.score(None, &aq, w);
            }
            let _ = r.cell_values(Some(&aq), &aq);
            let _ = r.excel_formula("A1", Some("T1"), "W1", Some(&aq));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------------------------

#[test]
fn tiers_at_every_boundary() {
    let cases = [
        ("100%", dec!(10)),
        ("90.01%", dec!(10)),
        ("90%", dec!(10)),
        ("89.99%", dec!(8)),
        ("80%", dec!(8)),
        ("79.99%", dec!(6)),
        ("70%", dec!(6)),
        ("69.99%", dec!(0)),
        ("0%", dec!(0)),
        ("0.9", dec!(10)),
        ("0.8999", dec!(8)),
    ];
    for (actual, want) in cases {
        assert_eq!(
            score(S000_SATISFACTION, None, actual, dec!(10)),
            Some(want),
            "{actual}"
        );
    }
    // Implied top tier and exclusive upper bounds (seed 002).
    let cases = [
        ("90%", dec!(10)),
        ("89.99%", dec!(8)),
        ("80%", dec!(8)),
        ("79.99%", dec!(5)),
        ("60%", dec!(5)),
        ("59.99%", dec!(0)),
    ];
    for (actual, want) in cases {
        assert_eq!(
            score(S002_SATISFACTION, None, actual, dec!(10)),
            Some(want),
            "{actual}"
        );
    }
}

#[test]
fn tiers_scale_to_the_weight() {
    // Stated top 10, weight 5: 8 points become 4.
    let r = rule(S000_SATISFACTION);
    let s = r.score(None, &q("85%"), dec!(5));
    let s = s.expect("computable");
    assert_eq!(s.score, dec!(4));
    assert!(s.explanation.contains("折算"), "{}", s.explanation);
    // Implied top: stated points are kept, capped at the weight.
    assert_eq!(
        score(S002_SATISFACTION, None, "85%", dec!(20)),
        Some(dec!(8))
    );
    assert_eq!(
        score(S002_SATISFACTION, None, "95%", dec!(20)),
        Some(dec!(20))
    );
    assert_eq!(
        score(S002_SATISFACTION, None, "85%", dec!(6)),
        Some(dec!(6))
    );
    // Shares and deductions.
    let t = "满意度达到90%得满分，达到80%得分值的80%，达到70%得分值的50%，低于70%不得分";
    assert_eq!(score(t, None, "85%", dec!(5)), Some(dec!(4)));
    assert_eq!(score(t, None, "75%", dec!(5)), Some(dec!(2.5)));
    let t = "90%以上得满分，80%-90%扣2分，80%以下扣5分";
    assert_eq!(score(t, None, "85%", dec!(10)), Some(dec!(8)));
    assert_eq!(score(t, None, "50%", dec!(4)), Some(dec!(0)));
}

#[test]
fn tiers_explanation_is_chinese() {
    let r = rule(S000_SATISFACTION);
    let s = r.score(None, &q("90%"), dec!(10)).expect("computable");
    assert_eq!(s.explanation, "实际完成值 90% ≥ 90%，得 10 分");
    let s = r.score(None, &q("65%"), dec!(10)).expect("computable");
    assert_eq!(s.explanation, "实际完成值 65% 低于各档，得 0 分");
}

#[test]
fn tiers_on_counts_and_bare_numbers() {
    let t = "举办培训6次以上得10分，4-5次得6分，3次以下得0分";
    assert_eq!(score(t, None, "6次", dec!(10)), Some(dec!(10)));
    assert_eq!(score(t, None, "5次", dec!(10)), Some(dec!(6)));
    assert_eq!(score(t, None, "4", dec!(10)), Some(dec!(6)));
    assert_eq!(score(t, None, "3次", dec!(10)), Some(dec!(0)));
    // A percentage against count tiers does not fit.
    assert_eq!(score(t, None, "50%", dec!(10)), None);
    // A bare 95 against percentage tiers is read as 95%, and said so.
    let r = rule(S000_SATISFACTION);
    let s = r.score(None, &q("85"), dec!(10)).expect("computable");
    assert_eq!(s.score, dec!(8));
    assert!(s.explanation.contains("按 85% 理解"), "{}", s.explanation);
    // An amount against percentage tiers does not fit.
    assert_eq!(score(S000_SATISFACTION, None, "85万元", dec!(10)), None);
}

#[test]
fn deduction_scores() {
    // Whole points exceeded.
    for (actual, want) in [
        ("100%", dec!(8)),
        ("100.5%", dec!(8)),
        ("101%", dec!(7.5)),
        ("101.99%", dec!(7.5)),
        ("104%", dec!(6)),
        ("116%", dec!(0)),
        ("150%", dec!(0)),
        ("1.03", dec!(6.5)),
    ] {
        assert_eq!(
            score(S000_STAFF, None, actual, dec!(8)),
            Some(want),
            "{actual}"
        );
    }
    // Started points.
    let t = "控制率≤100%的计满分，每超出1%扣1分（不足1%按1%计）";
    assert_eq!(score(t, None, "100.2%", dec!(6)), Some(dec!(5)));
    assert_eq!(score(t, None, "102%", dec!(6)), Some(dec!(4)));
    // Exact proportion.
    let t = "控制率≤100%的计满分，超出部分按比例扣分，每超出1%扣1分";
    assert_eq!(score(t, None, "102.5%", dec!(6)), Some(dec!(3.5)));
    // Under a floor, with a cap and a cut-off.
    let t = "满意度≥90%得满分，每降低1%扣0.5分，最多扣5分";
    assert_eq!(score(t, None, "85%", dec!(10)), Some(dec!(7.5)));
    assert_eq!(score(t, None, "50%", dec!(10)), Some(dec!(5)));
    let t = "执行率达到100%得满分，每降低1个百分点扣0.1分，低于60%不得分";
    assert_eq!(score(t, None, "90%", dec!(10)), Some(dec!(9)));
    assert_eq!(score(t, None, "59%", dec!(10)), Some(dec!(0)));
    // Against the target, in counts.
    let t = "每少完成1次扣2分，扣完为止";
    assert_eq!(score(t, Some("≥6次"), "4次", dec!(10)), Some(dec!(6)));
    assert_eq!(score(t, Some("≥6次"), "7次", dec!(10)), Some(dec!(10)));
    assert_eq!(score(t, None, "4次", dec!(10)), None);
    // Relative overrun of a budget.
    let t = "三公经费支出不超过预算得满分，每超出预算1%扣1分";
    assert_eq!(
        score(t, Some("≤100万元"), "103万元", dec!(10)),
        Some(dec!(7))
    );
    // Complaints from zero.
    assert_eq!(
        score("群众投诉每发生1次扣2分", None, "2次", dec!(5)),
        Some(dec!(1))
    );
}

#[test]
fn deviation_on_both_sides_of_the_target() {
    let t = Some("≤79.73万元");
    // 79.73 ± 5%, 10%, 25%, 45%.
    for (actual, want) in [
        ("79.73万元", dec!(20)),
        ("75.7435万元", dec!(20)), // −5%
        ("83.7165万元", dec!(20)), // +5%
        ("71.757万元", dec!(15)),  // −10% exactly: "10%及以上" → 15
        ("87.703万元", dec!(15)),  // +10%
        ("59.7975万元", dec!(10)), // −25%
        ("99.6625万元", dec!(10)), // +25%
        ("47.838万元", dec!(0)),   // −40% exactly: "40%及以上不得分"
        ("43.8515万元", dec!(0)),  // −45%
        ("115.6085万元", dec!(0)), // +45%
    ] {
        assert_eq!(
            score(S002_DEVIATION, t, actual, dec!(20)),
            Some(want),
            "{actual}"
        );
    }
    // Weight different from the top band: scaled.
    assert_eq!(
        score(S002_DEVIATION, t, "87.703万元", dec!(10)),
        Some(dec!(7.5))
    );
    // No target, zero target or mismatched units: not computable.
    assert_eq!(score(S002_DEVIATION, None, "80万元", dec!(20)), None);
    assert_eq!(
        score(S002_DEVIATION, Some("0万元"), "80万元", dec!(20)),
        None
    );
    assert_eq!(
        score(S002_DEVIATION, Some("80万元"), "80次", dec!(20)),
        None
    );
    // Explanation.
    let r = rule(S002_DEVIATION);
    let s = r
        .score(Some(&q("≤79.73万元")), &q("71.757万元"), dec!(20))
        .expect("computable");
    assert_eq!(
        s.explanation,
        "实际 71.757万元 对目标 ≤79.73万元，偏离度 10% < 20%，得 15 分"
    );
}

#[test]
fn linear_floor_and_cap() {
    let t = Some("100%");
    for (actual, want) in [
        ("59.99%", dec!(0)),
        ("60%", dec!(0)),
        ("80%", dec!(5)),
        ("90%", dec!(7.5)),
        ("100%", dec!(10)),
        ("120%", dec!(10)),
    ] {
        assert_eq!(
            score(S002_LINEAR, t, actual, dec!(10)),
            Some(want),
            "{actual}"
        );
    }
    // Completion rate from counts: 8 of 10.
    assert_eq!(
        score(S002_LINEAR, Some("10次"), "8次", dec!(5)),
        Some(dec!(2.5))
    );
    // No target: the actual is the rate.
    assert_eq!(score(S002_LINEAR, None, "80%", dec!(10)), Some(dec!(5)));
    // Another floor.
    let r = "得分=(完成率-80%)/20%*分值，完成率低于80%不得分";
    assert_eq!(score(r, t, "90%", dec!(10)), Some(dec!(5)));
}

#[test]
fn proportional_over_and_under() {
    assert_eq!(
        score(S002_PROPORTIONAL, Some("6次"), "3次", dec!(20)),
        Some(dec!(10))
    );
    assert_eq!(
        score(S002_PROPORTIONAL, Some("6次"), "9次", dec!(20)),
        Some(dec!(20))
    );
    assert_eq!(
        score(S002_PROPORTIONAL, Some("≥1次"), "0次", dec!(4)),
        Some(dec!(0))
    );
    assert_eq!(
        score(S002_PROPORTIONAL, Some("2"), "1", dec!(5)),
        Some(dec!(2.5))
    );
    assert_eq!(
        score(S002_PROPORTIONAL, Some("100%"), "95%", dec!(10)),
        Some(dec!(9.5))
    );
    // 1 of 3: exact, unrounded.
    let got = score(S002_PROPORTIONAL, Some("3项"), "1项", dec!(10)).expect("computable");
    assert_eq!(got.round_dp(6), dec!(3.333333));
    let floored = "完成率低于60%不得分，60%以上按比例计分";
    assert_eq!(score(floored, Some("10次"), "5次", dec!(10)), Some(dec!(0)));
    assert_eq!(score(floored, Some("10次"), "7次", dec!(10)), Some(dec!(7)));
}

#[test]
fn pass_fail_scores() {
    let done = "完成得满分，未完成不得分";
    assert_eq!(score(done, Some("≥6次"), "6次", dec!(4)), Some(dec!(4)));
    assert_eq!(score(done, Some("≥6次"), "5次", dec!(4)), Some(dec!(0)));
    assert_eq!(
        score(done, Some("≤79.73万元"), "70万元", dec!(20)),
        Some(dec!(20))
    );
    assert_eq!(
        score(done, Some("≤79.73万元"), "80万元", dec!(20)),
        Some(dec!(0))
    );
    assert_eq!(score(done, Some(">1次"), "1次", dec!(5)), Some(dec!(0)));
    // Without a numeric target nothing is computed.
    assert_eq!(score(done, None, "6次", dec!(4)), None);
    // "扣相应分数": full when met, the person decides otherwise.
    assert_eq!(
        score(S002_PASS, Some("≥90%"), "95%", dec!(10)),
        Some(dec!(10))
    );
    assert_eq!(score(S002_PASS, Some("≥90%"), "85%", dec!(10)), None);
    // Qualitative levels: a failure cannot tell "一般" from "否则".
    assert_eq!(
        score(S002_EFFECT, Some("≥90%"), "95%", dec!(10)),
        Some(dec!(10))
    );
    assert_eq!(score(S002_EFFECT, Some("≥90%"), "85%", dec!(10)), None);
}

#[test]
fn checklist_is_for_a_person() {
    assert_eq!(score(S000_CHECKLIST, Some("8"), "8", dec!(10)), None);
}

// ---------------------------------------------------------------------------------------------
// Excel formulas
// ---------------------------------------------------------------------------------------------

#[test]
fn excel_formula_texts() {
    let r = rule(S000_SATISFACTION);
    assert_eq!(
        r.excel_formula("F12", None, "G12", None).as_deref(),
        Some("IF(ROUND(F12,10)>=0.9,G12*10/10,IF(ROUND(F12,10)>=0.8,G12*8/10,IF(ROUND(F12,10)>=0.7,G12*6/10,0)))")
    );
    let r = rule(S000_CONTROL);
    assert_eq!(
        r.excel_formula("F8", None, "G8", None).as_deref(),
        Some("IF((ROUND(F8,10)-1)<=0,G8,MAX(0,G8-INT(ROUND((ROUND(F8,10)-1)/0.01,9))*1))")
    );
    let r = rule(S002_LINEAR);
    assert_eq!(
        r.excel_formula("F9", Some("E9"), "G9", None).as_deref(),
        Some("IF(ROUND(F9/E9,10)<0.6,0,G9*MIN(1,(ROUND(F9/E9,10)-0.6)/(1-0.6)))")
    );
    let r = rule(S002_PROPORTIONAL);
    assert_eq!(
        r.excel_formula("F9", Some("E9"), "G9", None).as_deref(),
        Some("G9*MIN(ROUND(F9/E9,10),1)")
    );
    let r = rule(S002_DEVIATION);
    assert_eq!(
        r.excel_formula("F9", Some("E9"), "G9", None).as_deref(),
        Some("IF(ROUND(ABS(F9-E9)/ABS(E9),10)<0.1,G9*20/20,IF(ROUND(ABS(F9-E9)/ABS(E9),10)<0.2,G9*15/20,IF(ROUND(ABS(F9-E9)/ABS(E9),10)<0.3,G9*10/20,IF(ROUND(ABS(F9-E9)/ABS(E9),10)<0.4,G9*5/20,0))))")
    );
    let done = rule("完成得满分，未完成不得分");
    let target = q("≤79.73万元");
    assert_eq!(
        done.excel_formula("F9", Some("E9"), "G9", Some(&target))
            .as_deref(),
        Some("IF(ROUND(F9,10)<=ROUND(E9,10),G9,0)")
    );
    // Not expressible: judgement or checklist.
    assert_eq!(
        rule(S002_PASS).excel_formula("F9", Some("E9"), "G9", None),
        None
    );
    assert_eq!(
        rule(S000_CHECKLIST).excel_formula("F9", None, "G9", None),
        None
    );
    assert_eq!(
        rule(S002_DEVIATION).excel_formula("F9", None, "G9", None),
        None
    );
}

#[test]
fn cell_values_follow_the_score_reading() {
    let r = rule(S000_SATISFACTION);
    assert_eq!(
        r.cell_values(None, &q("79.85%")),
        Some((dec!(0.7985), None))
    );
    assert_eq!(r.cell_values(None, &q("85")), Some((dec!(0.85), None)));
    let r = rule(S002_PROPORTIONAL);
    assert_eq!(
        r.cell_values(Some(&q("6次")), &q("3次")),
        Some((dec!(3), Some(dec!(6))))
    );
}

// ---------------------------------------------------------------------------------------------
// Formula ≡ score: a tiny exact evaluator for the Excel subset the rules emit
// ---------------------------------------------------------------------------------------------

/// Evaluates IF/MIN/MAX/ABS/ROUND/INT, + − × ÷, comparisons and cell names, in Decimal.
struct Eval<'a> {
    s: Vec<char>,
    i: usize,
    cells: &'a [(&'a str, Decimal)],
}

impl Eval<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn cmp(&mut self) -> Decimal {
        let a = self.add();
        for op in ["<=", ">=", "<", ">", "="] {
            let n = op.chars().count();
            if self.s[self.i..].iter().take(n).copied().eq(op.chars()) {
                self.i += n;
                let b = self.add();
                let t = match op {
                    "<=" => a <= b,
                    ">=" => a >= b,
                    "<" => a < b,
                    ">" => a > b,
                    _ => a == b,
                };
                return if t { Decimal::ONE } else { Decimal::ZERO };
            }
        }
        a
    }
    fn add(&mut self) -> Decimal {
        let mut a = self.mul();
        loop {
            if self.eat('+') {
                a += self.mul();
            } else if self.eat('-') {
                a -= self.mul();
            } else {
                return a;
            }
        }
    }
    fn mul(&mut self) -> Decimal {
        let mut a = self.unary();
        loop {
            if self.eat('*') {
                a *= self.unary();
            } else if self.eat('/') {
                a /= self.unary();
            } else {
                return a;
            }
        }
    }
    fn unary(&mut self) -> Decimal {
        if self.eat('-') {
            -self.unary()
        } else {
            self.atom()
        }
    }
    fn args(&mut self) -> Vec<Decimal> {
        let mut v = Vec::new();
        assert!(self.eat('('));
        loop {
            v.push(self.cmp());
            if self.eat(')') {
                return v;
            }
            assert!(self.eat(','));
        }
    }
    fn atom(&mut self) -> Decimal {
        if self.eat('(') {
            let v = self.cmp();
            assert!(self.eat(')'));
            return v;
        }
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            self.i += 1;
        }
        let word: String = self.s[start..self.i].iter().collect();
        if let Ok(d) = word.parse::<Decimal>() {
            return d;
        }
        if let Some((_, v)) = self.cells.iter().find(|(n, _)| *n == word) {
            return *v;
        }
        let a = self.args();
        match word.as_str() {
            "IF" => {
                if a[0] != Decimal::ZERO {
                    a[1]
                } else {
                    a[2]
                }
            }
            "MIN" => a[0].min(a[1]),
            "MAX" => a[0].max(a[1]),
            "ABS" => a[0].abs(),
            "INT" => a[0].floor(),
            "ROUND" => a[0].round_dp_with_strategy(
                u32::try_from(a[1].mantissa()).unwrap_or(0),
                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            ),
            other => panic!("unexpected function {other}"),
        }
    }
}

fn eval(formula: &str, cells: &[(&str, Decimal)]) -> Decimal {
    let mut e = Eval {
        s: formula.chars().collect(),
        i: 0,
        cells,
    };
    let v = e.cmp();
    assert_eq!(e.i, e.s.len(), "trailing text in {formula}");
    v
}

#[test]
fn formulas_agree_with_scores() {
    let rules: &[(&str, Option<&str>)] = &[
        (S000_SATISFACTION, None),
        (S000_STAFF, None),
        (S000_CONTROL, None),
        (S002_SATISFACTION, None),
        (S002_DEVIATION, Some("≤79.73万元")),
        (S002_LINEAR, Some("100%")),
        (S002_PROPORTIONAL, Some("6次")),
        ("完成得满分，未完成不得分", Some("≥6次")),
        ("完成得满分，未完成不得分", Some("≤79.73万元")),
        ("满意度≥90%得满分，每降低1%扣0.5分，最多扣5分", None),
        (
            "执行率达到100%得满分，每降低1个百分点扣0.1分，低于60%不得分",
            None,
        ),
        ("控制率≤100%的计满分，每超出1%扣1分（不足1%按1%计）", None),
        (
            "控制率≤100%的计满分，超出部分按比例扣分，每超出1%扣1分",
            None,
        ),
        ("每少完成1次扣2分，扣完为止", Some("≥6次")),
        (
            "三公经费支出不超过预算得满分，每超出预算1%扣1分",
            Some("≤100万元"),
        ),
        (
            "满意度达到90%得满分，达到80%得分值的80%，达到70%得分值的50%，低于70%不得分",
            None,
        ),
        ("90%以上得满分，80%-90%扣2分，80%以下扣5分", None),
        ("举办培训6次以上得10分，4-5次得6分，3次以下得0分", None),
        ("投诉0次得满分，1-2次得5分，3次及以上不得分", None),
        ("完成率低于60%不得分，60%以上按比例计分", Some("10次")),
        (
            "偏差率≤5%得10分，5%＜偏差率≤10%得6分，偏差率＞10%不得分",
            Some("100%"),
        ),
    ];
    let actuals = [
        "0%",
        "50%",
        "59.99%",
        "60%",
        "69.99%",
        "70%",
        "79.99%",
        "80%",
        "85%",
        "89.99%",
        "90%",
        "94.5%",
        "95%",
        "100%",
        "100.5%",
        "101%",
        "103.3%",
        "110%",
        "130%",
        "0次",
        "1次",
        "2次",
        "3次",
        "4次",
        "5次",
        "6次",
        "7次",
        "12次",
        "60万元",
        "71.757万元",
        "79.73万元",
        "87.703万元",
        "96万元",
        "103万元",
        "120万元",
    ];
    let mut checked = 0;
    for (text, target) in rules {
        let r = rule(text);
        let tq = target.map(q);
        for a in actuals {
            let aq = q(a);
            for w in [dec!(4), dec!(10), dec!(20)] {
                let Some(s) = r.score(tq.as_ref(), &aq, w) else {
                    continue;
                };
                let f = r
                    .excel_formula("A1", tq.as_ref().map(|_| "T1"), "W1", tq.as_ref())
                    .unwrap_or_else(|| panic!("no formula for {text}"));
                let (av, tv) = r.cell_values(tq.as_ref(), &aq).expect("cell values");
                let mut cells = vec![("A1", av), ("W1", w)];
                if let Some(tv) = tv {
                    cells.push(("T1", tv));
                }
                let got = eval(&f, &cells);
                assert_eq!(
                    got.round_dp(8),
                    s.score.round_dp(8),
                    "{text} / actual {a} / weight {w}\n{f}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} combinations checked");
}

// ---------------------------------------------------------------------------------------------
// Generated: criteria that add up, alternatives that do not, and points that are no threshold
// ---------------------------------------------------------------------------------------------

/// Criteria each worth points, written as clauses ("有制度得4分，执行到位得6分"): the full
/// marks are their sum, however many, however written and separated; degrees of one
/// criterion stay alternatives (`alternatives_failures`).
#[test]
fn generated_criteria_points_add_up() {
    let criteria = [
        "有制度",
        "执行到位",
        "档案资料齐全",
        "按时报送",
        "信息公开",
        "台账规范",
    ];
    let forms = ["{c}得{p}分", "{c}计{p}分", "{c}，{p}分", "{c}的得{p}分"];
    let seps = ["，", "；", "\n", "。"];
    let mut failures = Vec::new();
    let mut cases = 0;
    for n in 2..=4 {
        for (fi, form) in forms.iter().enumerate() {
            for (si, sep) in seps.iter().enumerate() {
                // Listed from the least: a clause worth less than one before it is read as a
                // lesser outcome (`alternatives_failures`).
                let mut points: Vec<u32> =
                    (0..n).map(|i| 1 + (i * 3 + fi + si) as u32 % 7).collect();
                points.sort();
                let parts: Vec<String> = (0..n)
                    .map(|i| {
                        form.replace("{c}", criteria[(i + fi + si) % criteria.len()])
                            .replace("{p}", &points[i].to_string())
                    })
                    .collect();
                let text = parts.join(sep);
                let want = Decimal::from(points.iter().sum::<u32>());
                cases += 1;
                match parse_rule(&text) {
                    Some(r) if r.stated_full_points() == Some(want) => {}
                    got => failures.push(format!(
                        "{text:?}: want 满分 {want}, got {:?}",
                        got.map(|r| r.stated_full_points())
                    )),
                }
            }
        }
    }
    failures.extend(alternatives_failures());
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Degrees of one criterion are alternatives: the full marks are the best of them, never
/// their sum.
fn alternatives_failures() -> Vec<String> {
    let pairs = [
        ("全部完成", "部分完成"),
        ("按期完成", "延期完成"),
        ("满意", "基本满意"),
        ("完成", "未完成"),
        ("优秀", "良好"),
        ("当年完成", "次年完成"),
        ("一次性通过验收", "整改后通过"),
        ("市级表彰", "区级表彰"),
    ];
    let mut failures = Vec::new();
    for (a, b) in pairs {
        for (hi, lo) in [(10, 5), (6, 3), (8, 4)] {
            let text = format!("{a}得{hi}分，{b}得{lo}分");
            let got = parse_rule(&text).and_then(|r| r.stated_full_points());
            if got != Some(Decimal::from(hi)) {
                failures.push(format!("{text:?}: want 满分 {hi}, got {got:?}"));
            }
        }
    }
    failures
}

/// "按时完成得5分，每延迟一个月扣1分": the 5 is points, not a limit of 5 months; the limit
/// is the target, or a number of the step's measure where the text gives one. Scored here
/// by hand: weight − whole steps beyond the limit × points per step, not below 0.
#[test]
fn generated_points_are_no_deduction_limit() {
    let steps = [
        ("延迟", "个月", true),
        ("延迟", "天", true),
        ("少", "次", false),
        ("少", "项", false),
    ];
    let mut failures = Vec::new();
    let mut cases = 0;
    for (word, unit, over) in steps {
        for p in [3u32, 5, 8, 12] {
            for limit in [None, Some(2u32), Some(10)] {
                let cond = match limit {
                    None => "按时完成".to_string(),
                    Some(l) if over => format!("{l}{unit}内完成"),
                    Some(l) => format!("完成{l}{unit}"),
                };
                let text = format!("{cond}得{p}分，每{word}1{unit}扣1分");
                let target = limit.unwrap_or(4);
                for actual in [0u32, 3, 4, 6, 11, 15] {
                    cases += 1;
                    let gap = if over {
                        actual.saturating_sub(target)
                    } else {
                        target.saturating_sub(actual)
                    };
                    let weight = Decimal::from(p);
                    let want = (weight - Decimal::from(gap)).max(Decimal::ZERO);
                    let t = format!("{target}{unit}");
                    let a = format!("{actual}{unit}");
                    let got = parse_rule(&text)
                        .and_then(|r| r.score(Some(&q(&t)), &q(&a), weight).map(|s| s.score));
                    if got != Some(want) {
                        failures.push(format!(
                            "{text:?} target {t} actual {a}: want {want}, got {got:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
