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
