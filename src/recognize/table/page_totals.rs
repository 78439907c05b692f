//! Rows a long table prints at its page breaks (本页小计, 承上页, 过次页): no row of the form.

use super::Reader;
use crate::cellref::col_name;
use crate::form::Severity;
use crate::normalize::{parse_amount, Amount};
use crate::read::Cell;

/// The rule of the note that a page's total row was left unread.
pub const PAGE_TOTAL_ROW: &str = "page-total-row";

/// Labels of the rows a table prints at a page break: the page's own total, the running total
/// carried over from the page before or on to the next.
const PAGE_TOTAL_WORDS: [&str; 9] = [
    "本页小计",
    "本页合计",
    "承上页",
    "过次页",
    "转下页",
    "转次页",
    "累计",
    "上页累计",
    "本页累计",
];

/// The sheet column of row `r`'s page-total label, when the row is one: its first key a label
/// among [`PAGE_TOTAL_WORDS`] (a 科目 so named has its code first) and nothing else but figures.
pub(super) fn page_total_label(rd: &Reader, r: u32, keys: &[String]) -> Option<u16> {
    let word = |k: &str| PAGE_TOTAL_WORDS.contains(&k);
    let figure = |k: &String| !matches!(parse_amount(&Cell::Text(k.clone())), Amount::Invalid(_));
    let only_word = keys.first().is_some_and(|k| word(k))
        && keys.iter().filter(|k| !figure(k)).all(|k| word(k));
    if !only_word {
        return None;
    }
    (rd.sheet.shown_cols(r).into_iter()).find(|&c| rd.text_key(r, c).is_some_and(|k| word(&k)))
}

/// Notes the page-total row `r` (its label at column `c`), read as nothing of the form.
pub(super) fn note_page_total(rd: &mut Reader, r: u32, c: u16) {
    let word = rd.text_key(r, c).unwrap_or_default();
    let message = format!(
        "{} {}{}：“{word}”是分页打印时的小计行，不是本表的行，未读入本表，其数值未参与核对",
        rd.form.table_no,
        col_name(c),
        r + 1,
    );
    rd.notice(Severity::Info, PAGE_TOTAL_ROW, r, c, message);
}
