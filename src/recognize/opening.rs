//! The unit and the year a document (PDF, Word) names only in its opening text — its cover or
//! first page (`株洲市某某局` / `2023年度部门决算`, `单位名称：某某中心`) — for when no table
//! states them.

use super::{heading_unit, labelled_unit, named_line, year_only, year_span};
use crate::form::{Family, Form, Vocabulary};
use crate::model::FormData;
use crate::normalize::label_key;
use crate::read::Passage;

/// How many of a document's first lines are its opening: a cover's or a first page's.
const OPENING_LINES: usize = 12;

/// The unit the first of a document's opening lines naming one names: after a label, alone
/// (in brackets or not, with the year after it), or in a heading before the year or the
/// report's words (`株洲市某某局2023年度部门决算`).
pub(crate) fn unit_of_opening(vocab: &Vocabulary, text: &[Passage]) -> Option<String> {
    text.iter().take(OPENING_LINES).find_map(|p| {
        let t = p.text.trim();
        let labelled = labelled_unit(vocab, std::iter::empty(), t, &label_key(t));
        match labelled {
            Some((name, _)) => (!name.is_empty()).then(|| name.to_string()),
            None => named_line(vocab, t)
                .or_else(|| heading_unit(vocab, t))
                .map(|named| named.name),
        }
    })
}

/// The year the first of a document's opening lines heading a report of `family` states:
/// before the report's words (`2023年度部门决算`, `株洲市某某局2023年度部门决算公开`), or alone
/// as a 年度 (`2023年度`) over the lines naming the unit and the report. A date
/// (`2024年9月10日印发`), a year alone (`2025年`, when the cover was printed), a sentence or a
/// heading of another kind of report (`2025年度部门预算` on a 决算's cover) states none.
pub(crate) fn year_of_opening(
    vocab: &Vocabulary,
    text: &[Passage],
    family: Option<Family>,
) -> Option<String> {
    text.iter().take(OPENING_LINES).find_map(|p| {
        let k = label_key(&p.text);
        if k.ends_with("年度") {
            if let Some(year) = year_only(&k) {
                return Some(year);
            }
        }
        let (span, year) = year_span(&k)?;
        let sentence = k.contains(['。', ',', ';']);
        let report = (vocab.report_words.iter()).any(|w| k[span.end..].contains(w.as_str()));
        (report && !sentence && !heads_other_family(&k, family)).then_some(year)
    })
}

/// Whether a heading names a report of another family than `family`'s (预算 for a 决算).
fn heads_other_family(key: &str, family: Option<Family>) -> bool {
    let (budget, final_) = (key.contains("预算"), key.contains("决算"));
    match family {
        Some(Family::Final) => budget && !final_,
        Some(Family::Budget) => final_ && !budget,
        _ => false,
    }
}

/// Gives every form the unit and the year the document's opening text names, each only when
/// no table states one.
pub fn name_unit_and_year_from_opening(
    vocab: &Vocabulary,
    text: &[Passage],
    forms: &mut [(&Form, FormData)],
) {
    fill_from_opening(forms, |d| &mut d.unit, || unit_of_opening(vocab, text));
    let family = forms.first().map(|(form, _)| form.family);
    fill_from_opening(
        forms,
        |d| &mut d.year,
        || year_of_opening(vocab, text, family),
    );
}

/// Sets `field` of every form to what `found` gives, when no form has it.
fn fill_from_opening(
    forms: &mut [(&Form, FormData)],
    field: fn(&mut FormData) -> &mut Option<String>,
    found: impl FnOnce() -> Option<String>,
) {
    if forms.iter_mut().any(|(_, d)| field(d).is_some()) {
        return;
    }
    if let Some(value) = found() {
        for (_, d) in forms {
            *field(d) = Some(value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{unit_of_opening, year_of_opening};
    use crate::form::Family;
    use crate::form::Vocabulary;
    use crate::read::Passage;

    fn passages(lines: &[&str]) -> Vec<Passage> {
        (lines.iter())
            .map(|t| Passage {
                page: Some(1),
                text: t.to_string(),
            })
            .collect()
    }

    fn opening(lines: &[&str]) -> Option<String> {
        unit_of_opening(&Vocabulary::built_in(), &passages(lines))
    }

    /// A heading's year before the report's words is the year; a date, a sentence or a year
    /// before no report's words is not.
    #[test]
    fn the_year_of_a_heading_over_the_report_is_read() {
        let year = |lines: &[&str]| {
            year_of_opening(
                &Vocabulary::built_in(),
                &passages(lines),
                Some(Family::Final),
            )
        };
        for line in [
            "2024年度部门决算",
            "上海市普陀区财政局2024年度部门决算",
            "二〇二四年度部门决算公开",
            "２０２４年部门决算",
            "2024年度",
            "2024年度部门决算（预算执行情况）",
        ] {
            assert_eq!(
                year(&["上海市普陀区财政局", line]).as_deref(),
                Some("2024"),
                "{line}"
            );
        }
        for line in [
            "株洲市人民政府办公室  2024年9月10日印发",
            "编制日期：2024年8月",
            "2024年度，本部门决算收入增加。",
            "2024年度预计",
            "2025年",
            "2025年度部门预算",
        ] {
            assert_eq!(year(&[line]), None, "{line}");
        }
    }

    /// Lines of a cover that name no reporting unit are passed over: a money unit after a
    /// bare 单位 label, a letter's addressee, the office that issued the paper and when; a
    /// heading about the unit names it without its 关于.
    #[test]
    fn only_a_line_naming_the_reporting_unit_names_it() {
        const UNIT: &str = "株洲市长株潭一体化发展事务中心";
        let heading = format!("{UNIT}2023年度部门决算");
        for line in [
            "单位：万元",
            "单位：元",
            "株洲市财政局：",
            "各县市区财政局：",
            "株洲市人民政府办公室  2024年9月10日印发",
            "编制单位：（盖章）",
        ] {
            assert_eq!(opening(&[line]), None, "{line}");
            assert_eq!(opening(&[line, &heading]).as_deref(), Some(UNIT), "{line}");
        }
        let about = format!("关于{UNIT}2023年度部门决算的说明");
        assert_eq!(opening(&[&about]).as_deref(), Some(UNIT));
        assert_eq!(opening(&["编制单位：财政局"]).as_deref(), Some("财政局"));
    }
}
