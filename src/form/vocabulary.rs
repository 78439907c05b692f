//! The shared words of `templates/vocabulary.toml`: header synonyms, code-column headers,
//! unit-line labels, money units and droppable label endings, as comparison keys.

use super::error::DefError;
use super::source::Source;
use crate::normalize::{label_key, strip_ordinal};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;

/// The built-in vocabulary, used when a `--templates` folder brings none.
pub const BUILT_IN: &str = include_str!("../../templates/vocabulary.toml");
/// The file name the catalogue reads the vocabulary from.
pub const FILE_NAME: &str = "vocabulary.toml";

/// The longest unit's name taken from a line above a table (株洲市长株潭一体化发展事务中心 is 15).
const MAX_NAME_CHARS: usize = 40;
/// Characters no unit's name holds: those of a field, a sentence or a list (keys are folded,
/// so the full-width ones are their ASCII twins).
const NOT_IN_A_NAME: [char; 8] = [':', '。', ',', ';', '!', '?', '、', '"'];

/// Whether a key holds a date or a year (2023年, 4月, 10日) or a run of four digits: no
/// unit's name does.
fn is_dated(key: &str) -> bool {
    let mut run = 0;
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        let dates = run > 0 && chars.peek().is_some_and(|n| "年月日".contains(*n));
        if run >= 4 || dates {
            return true;
        }
    }
    false
}

/// Whether key `k` is one of `labels` alone or opens with one and a colon ("制表人：王五").
pub fn opens_with_label(labels: &[String], k: &str) -> bool {
    labels.iter().any(|label| {
        k.strip_prefix(label.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
    })
}

/// Each word of a list as its key.
fn keys(words: &[String]) -> Vec<String> {
    words.iter().map(|w| label_key(w)).collect()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    code_headers: Vec<String>,
    #[serde(default)]
    code_header_endings: Vec<String>,
    column_synonyms: Vec<Vec<String>>,
    #[serde(default)]
    label_synonyms: Vec<Vec<String>>,
    #[serde(default)]
    folded_labels: Vec<Vec<String>>,
    unit_labels: Vec<String>,
    #[serde(default)]
    organisation_endings: Vec<String>,
    #[serde(default)]
    organisation_suffixes: Vec<String>,
    #[serde(default)]
    report_words: Vec<String>,
    money_units: Vec<MoneyUnitDef>,
    label_endings: Vec<String>,
    #[serde(default)]
    subjects: Vec<[String; 2]>,
    #[serde(default)]
    serial_headers: Vec<String>,
    #[serde(default)]
    sign_off_labels: Vec<String>,
    #[serde(default)]
    form_number_labels: Vec<String>,
    #[serde(default)]
    other_field_labels: Vec<String>,
    #[serde(default)]
    remark_headers: Vec<String>,
    #[serde(default)]
    comparison_headers: Vec<String>,
    #[serde(default)]
    figure_words: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyUnitDef {
    name: String,
    in_wan: String,
}

pub use crate::model::MoneyUnit;

/// The vocabulary as comparison keys ([`label_key`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vocabulary {
    pub code_headers: Vec<String>,
    /// How other headers of a 科目 column end (经济科目, 部门预算支出经济分类科目): see
    /// [`Vocabulary::is_code_header`].
    pub code_header_endings: Vec<String>,
    /// Headers of a column numbering the rows (序号): no form has one.
    pub serial_headers: Vec<String>,
    /// Key → the other keys of its synonym groups (column headers).
    synonyms: HashMap<String, Vec<String>>,
    /// Key → the other keys of its groups of grid row labels (the 资金 rows of 绩效).
    label_synonyms: HashMap<String, Vec<String>>,
    /// Grid row labels (其他资金), each led by the form's label and followed by the labels of
    /// rows another province prints whose figures it takes in: see [`Vocabulary::folded_into`].
    folded_labels: Vec<Vec<String>>,
    pub unit_labels: Vec<String>,
    /// How a unit's name ends (局, 中心, 委员会 …): see [`Vocabulary::is_organisation`].
    pub organisation_endings: Vec<String>,
    /// What may follow a unit's name's ending: the part of it a report covers (（本级）, 汇总).
    pub organisation_suffixes: Vec<String>,
    /// The words a document's heading names its report by after the unit and the year
    /// (部门决算, 部门预算): `株洲市某某局2023年度部门决算`.
    pub report_words: Vec<String>,
    /// Labels of a sign-off line under a table (单位负责人：, 制表人：), each followed by a colon.
    pub sign_off_labels: Vec<String>,
    /// Labels of a line giving the form's number in a reporting system (报表编号：), each
    /// followed by a colon: a mark above the table.
    pub form_number_labels: Vec<String>,
    /// Labels of fields another province's form prints that no form here has (项目实施内容及
    /// 过程概述): words of that form, not values.
    pub other_field_labels: Vec<String>,
    /// Headers of a column of remarks (备注) a unit adds to a table.
    pub remark_headers: Vec<String>,
    /// Headers of a column comparing with another year or the budget (上年决算数) a unit adds.
    pub comparison_headers: Vec<String>,
    /// The words a unit heads one kind of figure by (预算, 年初预算数 for 预算数), each list
    /// led by the form's own word: see [`Vocabulary::figure_words_of`].
    figure_words: Vec<Vec<String>>,
    /// Longest name first, so "千元" is found before "元".
    pub money_units: Vec<MoneyUnit>,
    pub label_endings: Vec<String>,
    /// 科目 name key (ordinal stripped) → the codes it stands for in the national
    /// classifications: the vocabulary's function classes, and every code a form's fixed rows
    /// show (公开06表's economic codes, added by the catalogue).
    subjects: HashMap<String, Vec<String>>,
    /// Code → the name key it was given first, for the national name of a parent code.
    subject_names: HashMap<String, String>,
}

/// Each key of the groups → the other keys of its groups.
fn synonym_map(groups: &[Vec<String>]) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in groups {
        let keys: Vec<String> = group.iter().map(|w| label_key(w)).collect();
        for k in &keys {
            let others = map.entry(k.clone()).or_default();
            others.extend(keys.iter().filter(|o| *o != k).cloned());
        }
    }
    map
}

impl Vocabulary {
    pub fn parse(file: &str, text: &str) -> Result<Vocabulary, DefError> {
        Vocabulary::parse_from(file, Source::Toml(text))
    }

    /// [`Vocabulary::parse`] of the file in either of its texts.
    pub(crate) fn parse_from(file: &str, source: Source) -> Result<Vocabulary, DefError> {
        let err = |message: String| DefError {
            file: file.to_string(),
            form: "-".into(),
            field: "vocabulary".into(),
            message,
        };
        let def: VocabularyFile = source
            .parse()
            .map_err(|e| err(format!("词表格式有误：{}", e.full)))?;
        let synonyms = synonym_map(&def.column_synonyms);
        let label_synonyms = synonym_map(&def.label_synonyms);
        let mut money_units = Vec::new();
        for m in &def.money_units {
            let in_wan: Decimal = m.in_wan.parse().map_err(|_| {
                err(format!(
                    "金额单位“{}”的折算值“{}”不是数字",
                    m.name, m.in_wan
                ))
            })?;
            money_units.push(MoneyUnit {
                name: label_key(&m.name),
                in_wan,
            });
        }
        money_units.sort_by_key(|m| std::cmp::Reverse(m.name.chars().count()));
        let mut v = Vocabulary {
            code_headers: def.code_headers.iter().map(|w| label_key(w)).collect(),
            code_header_endings: keys(&def.code_header_endings),
            serial_headers: def.serial_headers.iter().map(|w| label_key(w)).collect(),
            synonyms,
            label_synonyms,
            folded_labels: def.folded_labels.iter().map(|l| keys(l)).collect(),
            unit_labels: def.unit_labels.iter().map(|w| label_key(w)).collect(),
            organisation_endings: def
                .organisation_endings
                .iter()
                .map(|w| label_key(w))
                .collect(),
            organisation_suffixes: keys(&def.organisation_suffixes),
            report_words: keys(&def.report_words),
            sign_off_labels: def.sign_off_labels.iter().map(|w| label_key(w)).collect(),
            form_number_labels: keys(&def.form_number_labels),
            other_field_labels: keys(&def.other_field_labels),
            remark_headers: def.remark_headers.iter().map(|w| label_key(w)).collect(),
            comparison_headers: def
                .comparison_headers
                .iter()
                .map(|w| label_key(w))
                .collect(),
            figure_words: def.figure_words.iter().map(|l| keys(l)).collect(),
            money_units,
            label_endings: def.label_endings.iter().map(|w| label_key(w)).collect(),
            subjects: HashMap::new(),
            subject_names: HashMap::new(),
        };
        for [code, name] in &def.subjects {
            v.add_subject(code, name);
        }
        Ok(v)
    }

    /// Records that the 科目 `name` has `code`.
    pub fn add_subject(&mut self, code: &str, name: &str) {
        let key = strip_ordinal(&label_key(name));
        self.subject_names
            .entry(code.to_string())
            .or_insert_with(|| key.clone());
        let codes = self.subjects.entry(key).or_default();
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_string());
        }
    }

    /// The national name key of a 科目 code, when the vocabulary knows it.
    pub fn subject_name(&self, code: &str) -> Option<&str> {
        self.subject_names.get(code).map(String::as_str)
    }

    /// The codes a 科目 name key (ordinal stripped) stands for.
    pub fn subject_codes(&self, key: &str) -> &[String] {
        self.subjects.get(key).map_or(&[], Vec::as_slice)
    }

    /// Every 科目 name key the vocabulary knows, with its codes.
    pub fn subjects(&self) -> impl Iterator<Item = (&str, &[String])> + Clone {
        self.subjects
            .iter()
            .map(|(k, codes)| (k.as_str(), codes.as_slice()))
    }

    /// Whether key `k` is a line giving the form's number (报表编号：510000_0013zp).
    pub fn is_form_number_line(&self, k: &str) -> bool {
        opens_with_label(&self.form_number_labels, k)
    }

    pub fn built_in() -> Vocabulary {
        Vocabulary::parse(FILE_NAME, BUILT_IN).expect("the built-in vocabulary parses")
    }

    /// Whether header key `k` heads a column no form has that units add to a table: its 序号,
    /// 备注 or a comparison (上年决算数).
    pub fn heads_added_column(&self, k: &str) -> bool {
        [&self.serial_headers, &self.remark_headers]
            .iter()
            .any(|words| words.iter().any(|w| w == k))
            || self.is_comparison_header(k)
    }

    /// Whether header key `k` heads a column a unit adds to compare (上年决算数, 增减额): one of
    /// [`Self::comparison_headers`], also when it says the column is in percent (`增减%`,
    /// `增减(%)`, `增长率(%)`).
    pub fn is_comparison_header(&self, k: &str) -> bool {
        let plain = k
            .strip_suffix("(%)")
            .or_else(|| k.strip_suffix('%'))
            .unwrap_or(k);
        self.comparison_headers.iter().any(|w| w == plain)
    }

    /// Whether a header key names a 科目 column (its codes, its names, or both in one cell):
    /// one of the code headers, or a header ending as they end (经济科目, 支出经济分类科目).
    pub fn is_code_header(&self, key: &str) -> bool {
        self.code_headers.iter().any(|w| w == key)
            || self
                .code_header_endings
                .iter()
                .any(|e| key.ends_with(e.as_str()))
    }

    /// The words standing for `key` in column headers (not `key` itself).
    pub fn synonyms_of(&self, key: &str) -> &[String] {
        self.synonyms.get(key).map_or(&[], Vec::as_slice)
    }

    /// The words standing for `key` as a grid form's row label (not `key` itself).
    pub fn label_synonyms_of(&self, key: &str) -> &[String] {
        self.label_synonyms.get(key).map_or(&[], Vec::as_slice)
    }

    /// The labels of the rows whose figures the form's grid row `key` takes in (财政专户管理资金
    /// and 单位资金 for 其他资金); empty for most rows.
    pub fn folded_into(&self, key: &str) -> &[String] {
        self.folded_labels
            .iter()
            .find(|l| l.first().is_some_and(|w| w == key))
            .map_or(&[], |l| &l[1..])
    }

    /// The words standing for the figures a form's header word `key` heads (预算, 年初预算数
    /// for 预算数), `key` first; empty when it leads no list of the vocabulary's figure words.
    pub fn figure_words_of(&self, key: &str) -> &[String] {
        self.figure_words
            .iter()
            .find(|l| l.first().is_some_and(|w| w == key))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a key is a unit's name and nothing else: one of the organisation endings
    /// after at least three other characters, then maybe one of the suffixes naming the part
    /// covered (株洲市财政局（本级）); no date (a year, a month: 2023年), no colon (a field:
    /// 部门：…) and no sentence's punctuation (a note: 注：本表…). Digits in a name are kept
    /// (株洲市第2中学, 湖南省120急救中心).
    pub fn is_organisation(&self, key: &str) -> bool {
        let chars = key.chars().count();
        let plain = !key.contains(NOT_IN_A_NAME) && !is_dated(key);
        let name = (self.organisation_suffixes.iter())
            .find_map(|s| key.strip_suffix(s.as_str()))
            .unwrap_or(key);
        (4..=MAX_NAME_CHARS).contains(&chars)
            && plain
            && !key.starts_with('注')
            && (self.organisation_endings.iter()).any(|e| name.ends_with(e.as_str()))
    }

    /// Whether a key may be the name a unit label gives (编制单位：某某中心, or the label alone
    /// and the name in the next cell): of any length, but a name — some Chinese, no colon (a
    /// second field: 负责人：张三), not an aside alone ((公章)), not a money unit (元, 万元).
    pub fn may_be_labelled_name(&self, key: &str) -> bool {
        let aside = key.starts_with('(') && key.ends_with(')');
        let money = self.money_units.iter().any(|m| m.name == key);
        let chinese = key.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        chinese && !aside && !money && !key.contains(':')
    }

    /// The money unit a text names after "单位" ("金额单位：元", "单位：千元", "单位:万元").
    pub fn money_unit_in(&self, key: &str) -> Option<&MoneyUnit> {
        let (_, after) = key.rsplit_once("单位:")?;
        let after = after.trim_start_matches(':');
        self.money_units.iter().find(|m| after.starts_with(&m.name))
    }

    /// The money unit a note under a table states as one of its sentences, the sentence saying
    /// nothing else: `注：本表金额单位为元。`, `单位：元`, `（单位：万元）`, `金额以千元为单位`.
    /// A sentence merely naming an amount (`本年收入较上年增加12万元`) states none.
    pub fn money_unit_noted(&self, key: &str) -> Option<&MoneyUnit> {
        let body = key.strip_prefix("注:").unwrap_or(key);
        body.split(['。', ';', '；'])
            .find_map(|sentence| self.unit_sentence(sentence))
    }

    /// The unit a sentence of a note states when it states only that (see
    /// [`Vocabulary::money_unit_noted`]).
    fn unit_sentence(&self, sentence: &str) -> Option<&MoneyUnit> {
        // A note's items may be numbered: "2.本表金额单位为元".
        let s = sentence.trim_start_matches(|c: char| c.is_ascii_digit());
        let s = s.strip_prefix(['.', '、']).unwrap_or(s);
        let s = s.trim_end_matches(['.', ',']);
        let s = match (s.strip_prefix('('), s.strip_suffix(')')) {
            (Some(_), Some(_)) => &s[1..s.len() - 1],
            _ => s,
        };
        let s = s.strip_prefix("本表").unwrap_or(s);
        let s = s.strip_prefix("金额").unwrap_or(s);
        let name = match s.strip_prefix("以") {
            Some(rest) => rest.strip_suffix("为单位")?,
            None => {
                let s = s.strip_prefix("单位")?;
                ["为", ":", "是"]
                    .iter()
                    .find_map(|w| s.strip_prefix(w))
                    .unwrap_or(s)
            }
        };
        self.money_units.iter().find(|m| m.name == name)
    }

    /// The money unit a header word gives in parentheses ("决算数(元)", "金额(单位:万元)"):
    /// the aside is the unit's name alone, after an optional "单位:" or "金额单位:".
    pub fn money_unit_aside(&self, key: &str) -> Option<&MoneyUnit> {
        let (_, aside) = key.split_once('(')?;
        let aside = aside.strip_suffix(')')?;
        let name = aside
            .strip_prefix("金额单位:")
            .or_else(|| aside.strip_prefix("单位:"))
            .unwrap_or(aside);
        self.money_units.iter().find(|m| m.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_vocabulary_parses_and_groups_synonyms() {
        let v = Vocabulary::built_in();
        assert!(v.synonyms_of("决算数").contains(&"金额".to_string()));
        assert!(v.synonyms_of("金额").contains(&"决算数".to_string()));
        assert!(v.synonyms_of("无此词").is_empty());
        assert!(v
            .figure_words_of("预算数")
            .contains(&"年初预算数".to_string()));
        assert!(!v
            .figure_words_of("决算数")
            .iter()
            .any(|w| w.contains("预算")));
        assert!(v.code_headers.contains(&"科目编码".to_string()));
    }

    #[test]
    fn headers_ending_as_code_headers_name_subject_columns() {
        let v = Vocabulary::built_in();
        for key in [
            "经济科目",
            "经济分类科目",
            "部门预算支出经济分类科目",
            "科目",
            "支出经济分类",
        ] {
            assert!(v.is_code_header(key), "{key}");
        }
        for key in ["决算数", "总计", "人员经费", "科目名称合计"] {
            assert!(!v.is_code_header(key), "{key}");
        }
    }

    #[test]
    fn function_classes_have_their_codes() {
        let v = Vocabulary::built_in();
        assert_eq!(v.subject_codes("社会保障和就业支出"), ["208"]);
        assert_eq!(v.subject_codes("卫生健康支出"), ["210"]);
        assert!(v.subject_codes("事业运行").is_empty());
    }

    #[test]
    fn personnel_items_have_their_national_codes() {
        let v = Vocabulary::built_in();
        assert_eq!(
            v.subject_codes("机关事业单位基本养老保险缴费支出"),
            ["2080505"]
        );
        assert_eq!(v.subject_codes("行政事业单位医疗"), ["21011"]);
        assert_eq!(v.subject_name("22102"), Some("住房改革支出"));
        assert_eq!(v.subject_name("208"), Some("社会保障和就业支出"));
    }

    #[test]
    fn unit_names_are_told_from_other_lines() {
        let v = Vocabulary::built_in();
        let named = |t: &str| v.is_organisation(&label_key(t));
        for name in [
            "株洲市长株潭一体化发展事务中心",
            "株洲市交通运输局",
            "株洲市发展和改革委员会",
            "株洲市人民政府办公室",
            "株洲市第二中学",
            "上海市普陀区财政局",
            "株洲市第2中学",
            "湖南省120急救中心",
            "株洲市财政局（本级）",
            "株洲市某某局（汇总）",
            "株洲市财政局本级",
        ] {
            assert!(named(name), "{name}");
        }
        for other in [
            "收入支出决算总表",
            "部门：株洲市交通运输局",
            "2023年度部门决算",
            "金额单位：万元",
            "注：本表反映部门本年度的总收支",
            "全部",
            "本表反映单位、部门及所属事务中心",
            "财政拨款“三公”经费支出决算表",
            "2023年度株洲市交通运输局",
            "株洲市交通运输局2023年4月",
            "（本级）",
            "公开10表汇总",
        ] {
            assert!(!named(other), "{other}");
        }
    }

    #[test]
    fn money_units_are_found_after_their_label() {
        let v = Vocabulary::built_in();
        let unit = |t: &str| v.money_unit_in(&label_key(t)).map(|m| m.in_wan.to_string());
        assert_eq!(unit("金额单位：元"), Some("0.0001".into()));
        assert_eq!(unit("单位：千元"), Some("0.1".into()));
        assert_eq!(unit("公开01表 单位：万元"), Some("1".into()));
        assert_eq!(unit("单位：美元"), None);
        assert_eq!(unit("编制单位：某某中心"), None);
    }

    #[test]
    fn money_units_are_found_in_a_note_stating_only_them() {
        let v = Vocabulary::built_in();
        let unit = |t: &str| {
            v.money_unit_noted(&label_key(t))
                .map(|m| m.in_wan.to_string())
        };
        assert_eq!(unit("注：本表金额单位为元。"), Some("0.0001".into()));
        assert_eq!(unit("单位：元"), Some("0.0001".into()));
        assert_eq!(unit("金额单位：千元"), Some("0.1".into()));
        assert_eq!(unit("（单位：万元）"), Some("1".into()));
        assert_eq!(unit("注：本表金额以元为单位。"), Some("0.0001".into()));
        assert_eq!(
            unit("注：本表反映收支情况。本表金额单位为元。"),
            Some("0.0001".into())
        );
        assert_eq!(
            unit("注：1. 本表反映收支情况。2. 本表金额单位为千元。"),
            Some("0.1".into())
        );
        assert_eq!(unit("注：本年收入较上年增加12万元。"), None);
        assert_eq!(unit("注：单位：元以下四舍五入"), None);
        assert_eq!(unit("编制单位：某某中心"), None);
        assert_eq!(unit("单位：美元"), None);
        assert_eq!(unit("决算数（元）"), None);
    }

    #[test]
    fn money_units_are_found_in_a_header_words_aside() {
        let v = Vocabulary::built_in();
        let unit = |t: &str| {
            v.money_unit_aside(&label_key(t))
                .map(|m| m.in_wan.to_string())
        };
        assert_eq!(unit("决算数（元）"), Some("0.0001".into()));
        assert_eq!(unit("金额(单位：千元)"), Some("0.1".into()));
        assert_eq!(unit("金额（金额单位：万元）"), Some("1".into()));
        assert_eq!(unit("金额（元/人）"), None);
        assert_eq!(unit("决算数（美元）"), None);
        assert_eq!(unit("决算数元"), None);
        assert_eq!(unit("部门（单位）名称"), None);
    }

    #[test]
    fn a_bad_vocabulary_is_refused_with_its_file() {
        let e = Vocabulary::parse("x.toml", "code_headers = 1").unwrap_err();
        assert_eq!(e.file, "x.toml");
        assert!(e.message.contains("词表"));
    }
}
