//! A tall merged cell that starts in a header row set to repeat on every page (Word's 标题行重复) is printed cut on each page below: the repeated row shows what of its text fits (`年度预算申请`), and the rest (`（万元）`) stands in the same column of the first row under it, alone or printed over that row's own text.

use super::squeezed;

/// The rest of a header cell's `full` text that the repeated row shows cut to `shown`: what
/// follows it, where `shown` is a shorter beginning of `full` (spaces aside).
pub(super) fn rest_after(shown: &str, full: &str) -> Option<String> {
    let (shown, full) = (squeezed(shown), squeezed(full));
    let rest = full.strip_prefix(shown.as_str())?;
    (!shown.is_empty() && !rest.is_empty()).then(|| rest.to_string())
}

/// `cell` without the characters of `rest` it holds in their order (the rest of a header
/// cell printed alone in it, or over its own text): none when it does not hold them all.
pub(super) fn without_rest(cell: &str, rest: &str) -> Option<String> {
    let mut wanted = rest.chars().filter(|c| !c.is_whitespace()).peekable();
    let mut kept = String::new();
    for c in cell.chars() {
        match wanted.peek() {
            Some(&w) if w == c => {
                wanted.next();
            }
            _ => kept.push(c),
        }
    }
    wanted
        .peek()
        .is_none()
        .then(|| kept.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Fewest characters of a header cell whose whole text is looked for in the cell under it:
/// a shorter word may be one of that cell's own.
const MIN_WHOLE_CHARS: usize = 4;

/// The whole text `full` of a header cell its repeated row shows blank, when it stands in
/// `cell` under it: alone, or printed over the cell's own text (their characters mixed). A
/// short header, or one standing unbroken in a longer text, is taken for the cell's own words.
pub(super) fn whole_rest(full: &str, cell: &str) -> Option<String> {
    let (full, cell) = (squeezed(full), squeezed(cell));
    let alone = !full.is_empty() && cell == full;
    let over = full.chars().count() >= MIN_WHOLE_CHARS
        && !cell.contains(full.as_str())
        && without_rest(&cell, &full).is_some();
    (alone || over).then_some(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_header_cell_leaves_its_rest() {
        assert_eq!(
            rest_after("年度预算申请", "年度预算申请（万元）").as_deref(),
            Some("（万元）")
        );
        assert_eq!(
            rest_after("年度预算申请（万元）", "年度预算申请（万元）"),
            None
        );
        assert_eq!(rest_after("", "年度预算申请（万元）"), None);
        assert_eq!(rest_after("全年预算数", "年初预算数"), None);
    }

    #[test]
    fn the_rest_is_taken_from_text_it_was_printed_over() {
        assert_eq!(without_rest("（万元）", "（万元）").as_deref(), Some(""));
        assert_eq!(
            without_rest("员   3情、况公务（接人待）", "员情况（人）").as_deref(),
            Some("3、公务接待")
        );
        assert_eq!(without_rest("3、公务接待", "员情况（人）"), None);
    }

    #[test]
    fn a_header_shown_blank_is_taken_whole_from_text_it_was_printed_over() {
        let full = "财政供养人员情况（人）";
        let whole = |cell: &str| whole_rest(full, cell);
        assert_eq!(whole("财政供养人员情况（人）").as_deref(), Some(full));
        assert_eq!(
            whole("财政供养人员情况3、公务（人）接待").as_deref(),
            Some(full)
        );
        assert_eq!(
            whole("财政供养人员情况政府采购金（人）额").as_deref(),
            Some(full)
        );
        assert_eq!(whole("3、公务接待"), None);
        assert_eq!(whole(""), None);
        // A header's words standing whole in a label, or a short header's characters
        // scattered in one, are the label's own.
        assert_eq!(whole_rest("项目支出", "项目支出："), None);
        assert_eq!(whole_rest("人数", "财政供养人员总数"), None);
        assert_eq!(whole_rest("人员情况", "财政供养人员情况"), None);
    }
}
