//! The unit a document (PDF, Word) names only in its opening text — its cover or first page
//! (`株洲市某某局` / `2023年度部门决算`, `单位名称：某某中心`) — for when no table names one.

use super::{heading_unit, labelled_unit, named_line};
use crate::form::{Form, Vocabulary};
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

/// Gives every form the unit the document's opening text names, when no table names one.
pub fn name_unit_from_opening(
    vocab: &Vocabulary,
    text: &[Passage],
    forms: &mut [(&Form, FormData)],
) {
    if forms.iter().any(|(_, d)| d.unit.is_some()) {
        return;
    }
    if let Some(unit) = unit_of_opening(vocab, text) {
        for (_, d) in forms {
            d.unit = Some(unit.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unit_of_opening;
    use crate::form::Vocabulary;
    use crate::read::Passage;

    fn opening(lines: &[&str]) -> Option<String> {
        let text: Vec<Passage> = (lines.iter())
            .map(|t| Passage {
                page: Some(1),
                text: t.to_string(),
            })
            .collect();
        unit_of_opening(&Vocabulary::built_in(), &text)
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
