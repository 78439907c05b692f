//! What a workbook holds besides its forms' cells, kept as it was read so nothing is lost:
//! values outside a form (kept beside it, also those a previous fix put there) and the sheets
//! no form was recognised in.

use super::own::{is_own_audit_sheet, kept_values_of};
use crate::cellref::Place;
use crate::findings::Finding;
use crate::form::{Form, Severity};
use crate::model::FormData;
use crate::read::{Cell, Merge, Sheet, Workbook};
use std::collections::{HashMap, HashSet};

/// A cell kept as it was read: its address and value, and the merged range it heads.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptCell {
    /// On the sheet it is kept on (so never another sheet's: `sheet` is None).
    pub cell: Place,
    pub value: Cell,
    pub merge: Option<Merge>,
}

/// A sheet no form was recognised in: carried over value by value with its merges.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherSheet {
    pub name: String,
    pub cells: Vec<KeptCell>,
    pub merges: Vec<Merge>,
}

/// Everything of the workbook outside its forms: per form (parallel to `forms`) the values
/// kept beside it — read outside it, or kept beside it by a previous fix, each with a
/// finding — and the sheets no form was recognised in. Drops the 审核结果 a previous fix
/// wrote, and the reading findings on the sheets it carries back.
pub(super) fn outside_forms(
    wb: &Workbook,
    forms: &[(&Form, FormData)],
    reading: &mut Vec<Finding>,
) -> (Vec<Vec<KeptCell>>, Vec<OtherSheet>) {
    // A form's sheet and the sheets its table continues on.
    let form_sheet_names: HashSet<String> = forms
        .iter()
        .flat_map(|(_, d)| {
            let more = d.continued.iter().map(|(name, _)| name.clone());
            d.sheet.clone().into_iter().chain(more)
        })
        .collect();
    // Every sheet's merged regions by their first cell.
    let heads: HashMap<&str, MergeHeads> = wb
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), merge_heads(s)))
        .collect();
    let mut strays: Vec<Vec<KeptCell>> = forms
        .iter()
        .map(|(_, data)| {
            data.strays
                .iter()
                .filter_map(|s| kept_stray(wb, &heads, data, &s.cell))
                .collect()
        })
        .collect();
    let mut others = Vec::new();
    for sheet in &wb.sheets {
        if form_sheet_names.contains(&sheet.name) {
            continue;
        }
        let sheet_heads = &heads[sheet.name.as_str()];
        if is_own_audit_sheet(sheet) {
            reading.retain(|f| f.sheet.as_deref() != Some(sheet.name.as_str()));
            continue;
        }
        // The values a previous fix moved beside a form go back beside that form.
        let owner = kept_values_of(wb, sheet).and_then(|base| {
            forms
                .iter()
                .position(|(_, d)| d.sheet.as_deref() == Some(base))
        });
        if let Some(fi) = owner {
            reading.retain(|f| f.sheet.as_deref() != Some(sheet.name.as_str()));
            carry_back(sheet, sheet_heads, forms[fi].0, &mut strays[fi], reading);
            continue;
        }
        others.push(OtherSheet {
            name: sheet.name.clone(),
            cells: sheet
                .cells()
                .filter_map(|(r, c, _)| kept_cell(sheet, sheet_heads, r, c))
                .map(|k| KeptCell { merge: None, ..k })
                .collect(),
            merges: sheet.merges().to_vec(),
        });
    }
    (strays, others)
}

/// The values of a sheet a previous fix kept beside `form`, back among the form's kept
/// values (`strays`), each with its finding.
fn carry_back(
    sheet: &Sheet,
    heads: &MergeHeads,
    form: &Form,
    strays: &mut Vec<KeptCell>,
    reading: &mut Vec<Finding>,
) {
    // The cells the form's kept values take, and their merges: a value carried back moves
    // down past them (looked up, not searched for: such sheets can be large).
    let mut taken: HashSet<Place> = strays.iter().map(|s| s.cell.clone()).collect();
    let mut covered = PlacedMerges::default();
    for m in strays.iter().filter_map(|s| s.merge) {
        covered.add(m);
    }
    let single = |r: u32, c: u16| Merge {
        first_row: r,
        first_col: c,
        last_row: r,
        last_col: c,
    };
    for (r, c, cell) in sheet.cells() {
        let Some(mut k) = kept_cell(sheet, heads, r, c) else {
            continue;
        };
        let mut row = r;
        while taken.contains(&k.cell) || covered.overlaps(&single(row, c)) {
            row += 1;
            k.cell = Place::at(row, c);
            k.merge = None;
        }
        taken.insert(k.cell.clone());
        if let Some(m) = k.merge {
            covered.add(m);
        }
        reading.push(Finding::new(
            Severity::Warning,
            "value-outside-form",
            &form.id,
            Some(sheet.name.clone()),
            Some(k.cell.to_string()),
            format!(
                "{}!{} 处有内容“{cell}”：{}中没有对应的单元格，已在表旁保留；请核对是否填错位置",
                sheet.name, k.cell, form.table_no
            ),
        ));
        strays.push(k);
    }
}

/// A sheet's merged regions by their first cell.
type MergeHeads = HashMap<(u32, u16), Merge>;

fn merge_heads(sheet: &Sheet) -> MergeHeads {
    let mut heads = HashMap::new();
    for m in sheet.merges() {
        // The first region listed from a cell, as a search through them would find.
        heads.entry((m.first_row, m.first_col)).or_insert(*m);
    }
    heads
}

fn kept_cell(sheet: &Sheet, heads: &MergeHeads, r: u32, c: u16) -> Option<KeptCell> {
    let value = sheet.get(r, c).clone();
    if value.is_empty() {
        return None;
    }
    let merge = heads.get(&(r, c)).copied();
    Some(KeptCell {
        cell: Place::at(r, c),
        value,
        merge,
    })
}

/// A value read outside a form, to be kept beside it: from the form's sheet (`C5`), or from a
/// sheet its table continues on (`'续表'!C5`, kept below the first sheet's, as it was read).
fn kept_stray(
    wb: &Workbook,
    heads: &HashMap<&str, MergeHeads>,
    data: &FormData,
    at: &Place,
) -> Option<KeptCell> {
    let (name, offset) = match &at.sheet {
        Some(name) => {
            let (_, offset) = data.continued.iter().find(|(n, _)| n == name)?;
            (name.as_str(), *offset)
        }
        None => (data.sheet.as_deref()?, 0),
    };
    let (r, c) = (at.row, at.col);
    let mut kept = kept_cell(wb.sheet(name)?, heads.get(name)?, r, c)?;
    if offset > 0 {
        kept.cell = Place::at(r + offset, c);
        kept.merge = kept.merge.map(|m| Merge {
            first_row: m.first_row + offset,
            last_row: m.last_row + offset,
            ..m
        });
    }
    Some(kept)
}

/// Merged regions placed on a sheet, to ask whether a new one would overlap any, without
/// comparing it with every one: the cells of small regions are kept in a set; the few large
/// ones (more than [`PlacedMerges::SMALL`] cells) are compared one by one.
#[derive(Default)]
pub struct PlacedMerges {
    cells: HashSet<(u32, u16)>,
    all: Vec<Merge>,
    large: Vec<Merge>,
}

impl PlacedMerges {
    const SMALL: u64 = 1024;

    fn area(m: &Merge) -> u64 {
        (u64::from(m.last_row.saturating_sub(m.first_row)) + 1)
            * (u64::from(m.last_col.saturating_sub(m.first_col)) + 1)
    }
    fn cells_of(m: &Merge) -> impl Iterator<Item = (u32, u16)> + '_ {
        (m.first_row..=m.last_row)
            .flat_map(move |r| (m.first_col..=m.last_col).map(move |c| (r, c)))
    }
    pub fn overlaps(&self, m: &Merge) -> bool {
        if Self::area(m) > Self::SMALL {
            return self.all.iter().any(|o| overlap(o, m));
        }
        Self::cells_of(m).any(|rc| self.cells.contains(&rc))
            || self.large.iter().any(|o| overlap(o, m))
    }
    pub fn add(&mut self, m: Merge) {
        if Self::area(&m) > Self::SMALL {
            self.large.push(m);
        } else {
            self.cells.extend(Self::cells_of(&m));
        }
        self.all.push(m);
    }
}

fn overlap(a: &Merge, b: &Merge) -> bool {
    !(a.last_row < b.first_row
        || b.last_row < a.first_row
        || a.last_col < b.first_col
        || b.last_col < a.first_col)
}
