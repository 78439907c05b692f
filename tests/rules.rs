//! Tests of score::rules: every 评（扣）分标准 text of the seeds, clerk-style variants per shape, non-rules, scores and formulas.

use fiscalform::score::quantity::{parse_quantity, Cmp, Quantity};
use fiscalform::score::rules::{
    parse_rule, FailOutcome, Points, Rule, RuleKind, Shape, Staircase, StepRounding,
};
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
