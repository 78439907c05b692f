//! Hidden old copies: a hidden sheet taken for a form a shown sheet gives as well is set aside
//! with a note, not audited beside the shown one. Of a repeatable form (附件3, one sheet per
//! project) only a hidden sheet that repeats a shown sheet's project, is named as an old or
//! spare copy, or is of an earlier year is one; a hidden sheet with a project of its own is
//! read as any other.

use super::is_hidden;
use crate::expr::Val;
use crate::findings::Finding;
use crate::form::Severity;
use crate::normalize::label_key;
use crate::read::Workbook;
use crate::recognize::{Outcome, Recognized};

/// What makes a hidden copy an old one of a shown copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OldMark {
    /// It names the same project.
    SameProject,
    /// Its sheet's name calls it an old or spare copy (上年, 旧, 备份, …).
    NamedOld,
    /// Its year is before the shown copy's.
    EarlierYear,
    /// It is a form a workbook gives once, hidden beside the shown one.
    SameForm,
}

impl OldMark {
    fn said(self) -> &'static str {
        match self {
            OldMark::SameProject => "填报的是同一项目",
            OldMark::NamedOld => "工作表名标明为旧表或备份",
            OldMark::EarlierYear => "年度更早",
            OldMark::SameForm => "同一张表只应有一份",
        }
    }
}

/// Words of a sheet's name that call it an old or spare copy.
const OLD_WORDS: &[&str] = &[
    "上年", "去年", "往年", "以前", "旧", "备份", "副本", "copy", "bak", "old",
];

/// The text field a repeatable form's copy is named by.
const PROJECT_NAME: &str = "project_name";

/// For the outcome at `at`, a hidden copy of a repeatable form: the shown copy it is an old
/// copy of (its place among `outcomes`) and what says so.
pub(super) fn old_copy_of(
    wb: &Workbook,
    outcomes: &[Outcome],
    at: usize,
) -> Option<(usize, OldMark)> {
    let Outcome::Form(rec) = &outcomes[at] else {
        return None;
    };
    if !rec.form.repeatable || !is_hidden(wb, rec.data.sheet.as_deref()) {
        return None;
    }
    let shown: Vec<(usize, &Recognized)> = (outcomes.iter().enumerate())
        .filter_map(|(i, o)| match o {
            Outcome::Form(k) if k.form.id == rec.form.id => Some((i, &**k)),
            _ => None,
        })
        .filter(|(_, k)| !is_hidden(wb, k.data.sheet.as_deref()))
        .collect();
    let project = project_of(rec);
    let same = (shown.iter()).find(|(_, k)| project.is_some() && project_of(k) == project);
    if let Some(&(i, _)) = same {
        return Some((i, OldMark::SameProject));
    }
    let &(first, _) = shown.first()?;
    if named_old(rec.data.sheet.as_deref().unwrap_or_default()) {
        return Some((first, OldMark::NamedOld));
    }
    let newer = (shown.iter()).find(|(_, k)| is_earlier(rec, k));
    newer.map(|&(i, _)| (i, OldMark::EarlierYear))
}

/// For a hidden copy of a form a workbook gives once, set aside for the shown copy `audited`:
/// what makes it an old copy (its name, its year, else being the same form). None when the
/// copy is shown or the one audited is hidden too (then which is old is not known).
pub(super) fn old_single_copy(
    wb: &Workbook,
    rec: &Recognized,
    audited: &Recognized,
) -> Option<OldMark> {
    let hidden = |k: &Recognized| is_hidden(wb, k.data.sheet.as_deref());
    if rec.form.repeatable || !hidden(rec) || hidden(audited) {
        return None;
    }
    Some(
        if named_old(rec.data.sheet.as_deref().unwrap_or_default()) {
            OldMark::NamedOld
        } else if is_earlier(rec, audited) {
            OldMark::EarlierYear
        } else {
            OldMark::SameForm
        },
    )
}

/// Whether `copy` is of a year before `shown`'s (both stated).
fn is_earlier(copy: &Recognized, shown: &Recognized) -> bool {
    let year = |k: &Recognized| k.data.year.as_deref()?.trim().parse::<u32>().ok();
    year(copy).is_some_and(|y| year(shown) > Some(y))
}

/// The project a copy names, compared as labels are.
fn project_of(rec: &Recognized) -> Option<String> {
    match rec.data.grid.get(PROJECT_NAME)? {
        Val::Text(t) => Some(label_key(t)).filter(|k| !k.is_empty()),
        _ => None,
    }
}

/// Whether a sheet's name calls it an old or spare copy.
fn named_old(sheet: &str) -> bool {
    let name = sheet.to_lowercase();
    OLD_WORDS.iter().any(|w| name.contains(w))
}

/// The note on a hidden old copy set aside for the shown copy on sheet `audited`.
pub(super) fn old_copy_note(rec: &Recognized, mark: OldMark, audited: Option<&str>) -> Finding {
    let sheet = rec.data.sheet.clone().unwrap_or_default();
    let audited = audited.unwrap_or_default();
    let no = &rec.form.table_no;
    Finding::new(
        Severity::Info,
        "duplicate-form",
        &rec.form.id,
        rec.data.sheet.clone(),
        None,
        format!(
            "隐藏的工作表“{sheet}”是工作表“{audited}”的{no}的旧副本（{}），未审核；\
             审核的是工作表“{audited}”",
            mark.said()
        ),
    )
}
