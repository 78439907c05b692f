//! A table whose top header row groups its leaf columns (公开09表's 预算数 over 合计 …
//! 公务接待费, 决算数 over the same) printed with the groups as rows: the leaves head the
//! columns once, and a row labelled by each group holds that group's values.
//!
//! A part of the table reader (only `read_table` uses it), so a child of `table` that reads
//! through its column alignment and row reading.

use super::{
    align, dated, names_a_row_exactly, read_row_values, strip_ordinal, undressed, year_in_front,
    CodeSource, DefCol, Slot, DUPLICATE_ROW,
};
use crate::form::Severity;
use crate::layout::header_cells;
use crate::model::FastMap;
use crate::normalize::{parse_amount, Amount};
use crate::recognize::{strip_parens, Reader};
use std::collections::HashSet;

/// The rule of a row holding a group's values under a label that names no group.
pub const UNLABELLED_GROUP_ROW: &str = "group-row-unlabelled";

/// One cell of the top header row over several columns of one panel.
struct Group<'f> {
    /// Keys of its header text (预算数), which a row label prints.
    keys: Vec<String>,
    /// Its header text as the definition writes it, for messages.
    text: String,
    /// The slot of its panel.
    slot: usize,
    /// Its columns: indices into the table's definition columns.
    defs: Vec<usize>,
    /// Where its columns are in the sheet.
    cols: FastMap<&'f str, u16>,
    /// The sheet row it was read from.
    read_at: Option<u32>,
}

/// The groups of a table printed as rows, each read from the row its header text labels.
pub(super) struct GroupRows<'f> {
    groups: Vec<Group<'f>>,
}

impl<'f> GroupRows<'f> {
    /// The groups of block `bi`'s top header row when the sheet prints them as rows: two or more
    /// top cells each over several columns of one panel of a single row, none of their texts in
    /// the sheet's header nor a row's label of the form, some group left without a column by
    /// the alignment `mapping`, and every group alone heading the very same sheet columns (the
    /// header cannot tell them apart: only the rows' labels can).
    pub(super) fn find(
        rd: &Reader,
        bi: usize,
        defs: &[DefCol<'f>],
        mapping: &[Option<u16>],
        sheet_texts: &[HashSet<String>],
    ) -> Option<Self> {
        let groups = top_groups(rd, bi, defs);
        let slot = groups.first()?.slot;
        let panel = rd.form.blocks[bi].panels.get(slot)?;
        let single_row = panel.rows.iter().filter(|x| !x.blank).count() == 1;
        let in_header = |k: &String| sheet_texts.iter().any(|t| t.contains(k));
        let unplaced = |g: &Group| g.defs.iter().all(|&i| mapping[i].is_none());
        let usable = groups.len() >= 2
            && single_row
            && groups.iter().all(|g| g.slot == slot && !g.keys.is_empty())
            && !groups.iter().flat_map(|g| &g.keys).any(in_header)
            && !groups
                .iter()
                .flat_map(|g| &g.keys)
                .any(|k| names_a_row_exactly(rd.form, k))
            && groups.iter().any(unplaced);
        let mut found = GroupRows { groups };
        (usable && found.place(defs, sheet_texts)).then_some(found)
    }

    /// Places each group's columns alone against the sheet's header texts; false (nothing
    /// changed) unless every group heads the same non-empty set of sheet columns.
    pub(super) fn place(&mut self, defs: &[DefCol<'f>], sheet_texts: &[HashSet<String>]) -> bool {
        let placed: Vec<FastMap<&'f str, u16>> = self
            .groups
            .iter()
            .map(|g| {
                let own: Vec<DefCol<'f>> = g.defs.iter().map(|&i| defs[i].clone()).collect();
                own.iter()
                    .zip(align(&own, sheet_texts))
                    .filter_map(|(d, m)| m.map(|m| (&*d.col.id, m)))
                    .collect()
            })
            .collect();
        let columns = |m: &FastMap<&str, u16>| m.values().copied().collect::<HashSet<u16>>();
        let first = columns(&placed[0]);
        if first.is_empty() || placed.iter().any(|m| columns(m) != first) {
            return false;
        }
        for (g, cols) in self.groups.iter_mut().zip(placed) {
            g.cols = cols;
        }
        true
    }

    /// Takes the groups' columns from the panels' own placing: the header alone does not say
    /// which group a sheet column is, so no row but a group's own reads it.
    pub(super) fn unplace(&self, defs: &[DefCol], slots: &mut [Slot]) {
        for g in &self.groups {
            for &i in &g.defs {
                slots[g.slot].cols.remove(&*defs[i].col.id);
            }
        }
    }

    /// Reads sheet row `r` when a cell outside the groups' columns labels it with a group's
    /// text: that group's columns into the panel's one row. A group labelled a second time is
    /// reported and its row left as it is. True when the row was read.
    pub(super) fn read_row(&mut self, rd: &mut Reader, slots: &[Slot], r: u32) -> bool {
        let Some((g, label_col)) = self.label_of(rd, r) else {
            return false;
        };
        let group = &self.groups[g];
        if let Some(first) = group.read_at {
            report_again(rd, &group.text, r, label_col, first);
            return false;
        }
        let panel = slots[group.slot].panel;
        let Some(row) = panel.rows.iter().find(|x| !x.blank) else {
            return false;
        };
        rd.consume(r, label_col);
        let col_of = |_: usize, id: &str| group.cols.get(id).copied();
        read_row_values(rd, group.slot, panel, r, &col_of, CodeSource::None, &row.id);
        self.groups[g].read_at = Some(r);
        true
    }

    /// Reports row `r`, read by no panel, when it holds a number in the groups' columns: its
    /// label names no group, so its values are left where they are.
    pub(super) fn report_unlabelled(&self, rd: &mut Reader, r: u32) {
        let values: HashSet<u16> = self.value_columns();
        let number = values
            .iter()
            .any(|&c| matches!(parse_amount(rd.sheet.get(r, c)), Amount::Value(_)));
        if !number || self.label_of(rd, r).is_some() {
            return;
        }
        let label = rd
            .sheet
            .shown_cols(r)
            .into_iter()
            .filter(|c| !values.contains(c))
            .find(|&c| rd.text_key(r, c).is_some());
        let named = label.map_or("（无行名）".to_string(), |c| {
            format!("“{}”", rd.sheet.shown(r, c).to_string().trim())
        });
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|g| format!("“{}”", g.text))
            .collect();
        let message = format!(
            "{}第 {} 行{named}的数值未读取：表头未分{}，各行须以其中之一为行名",
            rd.form.table_no,
            r + 1,
            groups.concat()
        );
        let at = label.or_else(|| values.iter().min().copied()).unwrap_or(0);
        rd.notice(Severity::Warning, UNLABELLED_GROUP_ROW, r, at, message);
    }

    /// The sheet columns the groups read from.
    fn value_columns(&self) -> HashSet<u16> {
        self.groups
            .iter()
            .flat_map(|g| g.cols.values().copied())
            .collect()
    }

    /// The group whose text labels row `r`, and the cell that does; with the table's year in
    /// front or not (2024年预算数).
    fn label_of(&self, rd: &Reader, r: u32) -> Option<(usize, u16)> {
        let values = self.value_columns();
        let year = year_in_front(rd);
        rd.sheet
            .shown_cols(r)
            .into_iter()
            .filter(|c| !values.contains(c) && !rd.sheet.is_covered(r, *c))
            .find_map(|c| {
                let k = strip_ordinal(&rd.text_key(r, c)?);
                let bare = strip_parens(&k);
                let undated = undressed(&k, &year);
                self.groups
                    .iter()
                    .position(|g| {
                        g.keys.contains(&k)
                            || g.keys.contains(&bare)
                            || undated.iter().any(|u| g.keys.contains(u))
                    })
                    .map(|g| (g, c))
            })
    }
}

/// The cells of block `bi`'s top header row over more than one column, each with the
/// definition columns under it.
fn top_groups<'f>(rd: &Reader, bi: usize, defs: &[DefCol<'f>]) -> Vec<Group<'f>> {
    let block = &rd.form.blocks[bi];
    header_cells(block)
        .into_iter()
        .filter(|h| h.row == 0 && h.cols > 1)
        .map(|h| {
            let under: Vec<usize> = (0..defs.len())
                .filter(|&i| {
                    let d = &defs[i];
                    let pos = block.panel_offset(d.slot)
                        + block.panels[d.slot].column_offset(&d.col.id).unwrap_or(0);
                    d.col.kind.is_value() && h.col <= pos && pos < h.col + h.cols
                })
                .collect();
            let mut keys = dated(rd, &h.text);
            // A unit's word for the group's figures (年初预算数 for 预算数) labels its row too.
            let words: Vec<String> = (keys.iter())
                .flat_map(|k| rd.vocab.figure_words_of(k).iter().cloned())
                .collect();
            keys.extend(words);
            Group {
                keys,
                text: h.text.clone(),
                slot: under.first().map_or(usize::MAX, |&i| defs[i].slot),
                defs: under,
                cols: FastMap::default(),
                read_at: None,
            }
        })
        .collect()
}

/// A group's row printed a second time: reported, its cells left as strays.
fn report_again(rd: &mut Reader, text: &str, r: u32, c: u16, first: u32) {
    let message = format!(
        "{}第 {} 行与第 {} 行都标为“{text}”；只读取第一次出现的数据，本行的内容已保留为表外内容，请核对",
        rd.form.table_no,
        r + 1,
        first + 1
    );
    rd.notice(Severity::Warning, DUPLICATE_ROW, r, c, message);
}
