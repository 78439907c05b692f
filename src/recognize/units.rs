//! The money unit a table's amounts are in: said above the table ("单位：元"), after its title,
//! in its header words ("决算数（元）"), in a note under it ("注：本表金额单位为元。"), or — for
//! a table that says nothing — the one most of its workbook's tables say. Amounts in another
//! unit than 万元 are converted as they are read.

use super::{numbers_placed, Outcome, Reader};
use crate::cellref::Place;
use crate::form::{Family, Form, Severity, Vocabulary};
use crate::model::{MoneyUnit, StatedUnit};
use crate::normalize::{a1, label_key};
use crate::read::Cell;
use rust_decimal::Decimal;

/// Where a table's money unit was found.
#[derive(Clone, Copy, PartialEq)]
enum UnitFrom {
    /// A line above the table ("单位：元"), or the title's aside.
    TopLine,
    /// A header word's aside: "决算数（元）".
    Header,
    /// A note under the table: "注：本表金额单位为元。".
    Note,
    /// The workbook's other tables (the table names none).
    Book,
}

/// The rule of the notice saying a table was read in the workbook's money unit.
pub(super) const BOOK_UNIT_RULE: &str = "money-unit-book";

/// Remembers the money unit stated in a top line ("金额单位：元", "（单位：元）") and where.
pub(super) fn note_money_unit(rd: &mut Reader, text: &str, r: u32, c: u16) {
    let vocab = rd.vocab;
    let key = label_key(text);
    if let Some(unit) = vocab
        .money_unit_in(&key)
        .or_else(|| vocab.money_unit_noted(&key))
    {
        adopt_money_unit(rd, unit, r, c, UnitFrom::TopLine);
    }
}

/// Takes `unit` as the table's money unit, found at (r, c): named, unless the workbook's; one
/// other than 万元 converts the amounts read after it to 万元, with a notice saying so. A
/// table that names two units keeps the first, with a warning at the second.
fn adopt_money_unit(rd: &mut Reader, unit: &MoneyUnit, r: u32, c: u16, from: UnitFrom) {
    if let Some((named, at)) = &rd.data.money_unit_named {
        if *named != unit.name {
            let message = format!(
                "{} {at} 注明金额单位为{named}，{} 又注明为{}；已按{named}读取，请核对本表的金额单位",
                rd.form.table_no,
                a1(r, c),
                unit.name
            );
            rd.notice(Severity::Warning, "money-unit-conflict", r, c, message);
        }
        return;
    }
    if from != UnitFrom::Book {
        rd.data.money_unit_named = Some((unit.name.clone(), Place::at(r, c)));
    }
    if unit.in_wan == Decimal::ONE || rd.data.stated_unit.is_some() {
        return;
    }
    rd.data.stated_unit = Some(StatedUnit {
        unit: unit.clone(),
        cell: a1(r, c),
        decimals: 0,
    });
    let (no, name, at) = (&rd.form.table_no, &unit.name, a1(r, c));
    let (rule, message) = match from {
        UnitFrom::TopLine => ("money-unit", format!("{no} {at} 注明金额单位为{name}")),
        UnitFrom::Header => ("money-unit", format!("{no} {at} 表头注明金额单位为{name}")),
        UnitFrom::Note => ("money-unit", format!("{no} {at} 表下注明金额单位为{name}")),
        UnitFrom::Book => (
            BOOK_UNIT_RULE,
            format!("{no} 未注明金额单位，本工作簿多数表注明为{name}，按{name}读取"),
        ),
    };
    let message = format!("{message}，已换算为万元后审核（尾差按{name}计）");
    rd.notice(Severity::Info, rule, r, c, message);
}

/// The money unit a header word gives in parentheses over `header_rows` ("决算数（元）"), for
/// a table whose top lines name none (one that does and differs is warned of); else, for a
/// table naming none, the workbook's (`at`: where to say so).
pub(crate) fn settle_money_unit(
    rd: &mut Reader,
    header_rows: std::ops::Range<u32>,
    at: (u32, u16),
) {
    let data_start = header_rows.end;
    if reads_header_units(rd.form) {
        for (unit, r, c) in header_asides(rd, header_rows) {
            adopt_money_unit(rd, unit, r, c, UnitFrom::Header);
        }
    }
    adopt_noted_unit(rd, data_start);
    let unit = rd.book_unit.filter(|_| takes_book_unit(rd.form));
    if let (None, Some(unit)) = (&rd.data.money_unit_named, unit) {
        adopt_money_unit(rd, unit, at.0, at.1, UnitFrom::Book);
    }
}

/// The money unit a note from row `from` on states (`注：本表金额单位为元。` under the table),
/// taken once a form: as the table's unit when its head names none, warned of when the head
/// names another. Before the amounts are read, so they are read in it.
pub(super) fn adopt_noted_unit(rd: &mut Reader, from: u32) {
    if std::mem::replace(&mut rd.unit_note_read, true) {
        return;
    }
    if let Some((unit, r, c)) = noted_unit(rd, from) {
        adopt_money_unit(rd, unit, r, c, UnitFrom::Note);
    }
}

/// The first row from `from` on holding no figure whose texts each state a money unit as a
/// note does, with that unit and where.
fn noted_unit<'v>(rd: &Reader<'v>, from: u32) -> Option<(&'v MoneyUnit, u32, u16)> {
    let vocab = rd.vocab;
    (from..rd.sheet.height()).find_map(|r| {
        let unread = rd
            .sheet
            .row(r)
            .filter(|(c, _)| !rd.consumed.contains(&(r, *c)));
        let mut found = None;
        for (c, cell) in unread {
            let text = match cell {
                Cell::Empty => continue,
                Cell::Text(t) if t.trim().is_empty() => continue,
                Cell::Text(t) if t.contains("单位") => t,
                _ => return None,
            };
            let unit = vocab.money_unit_noted(&label_key(text))?;
            found = found.or(Some((unit, r, c)));
        }
        found
    })
}

/// The money units header words over `rows` give in parentheses, with where: the first, and
/// the first naming another unit (to be warned of).
fn header_asides<'v>(
    rd: &Reader<'v>,
    rows: std::ops::Range<u32>,
) -> Vec<(&'v MoneyUnit, u32, u16)> {
    let mut asides: Vec<(&MoneyUnit, u32, u16)> = Vec::new();
    for r in rows {
        for (c, _) in rd.sheet.row(r) {
            let key = rd.text_key(r, c).unwrap_or_default();
            let Some(unit) = rd.vocab.money_unit_aside(&key) else {
                continue;
            };
            if asides.iter().all(|(u, ..)| u.name != unit.name) {
                asides.push((unit, r, c));
                if asides.len() == 2 {
                    return asides;
                }
            }
        }
    }
    asides
}

/// Whether a form's header words may state its unit: not a 绩效 form's, whose funds in the
/// labels of its single cells ("项目资金（元）") are not read for one, so that all its amounts
/// and those of the forms it is compared with stay as written.
fn reads_header_units(form: &Form) -> bool {
    form.family != Family::Perf
}

/// Whether a form may be read in its workbook's unit: one of tables only. A form with blocks
/// of single cells (a 绩效自评表's funds) reads them before any table, so before the unit.
fn takes_book_unit(form: &Form) -> bool {
    form.blocks.iter().all(|b| b.is_table())
}

/// An amount as read, in 万元: converted from the sheet's stated unit, whose shown decimals
/// are kept for the 尾差 tolerance.
pub(super) fn in_wan(stated: &mut Option<StatedUnit>, d: Decimal) -> Decimal {
    let Some(s) = stated else {
        return d;
    };
    s.decimals = s.decimals.max(d.normalize().scale().min(2));
    d * s.unit.in_wan
}

/// The money unit each family's tables that name none are read in, and the unit a few of
/// its tables name where that is not enough to read the others in it.
#[derive(Default)]
pub(super) struct BookUnits<'v> {
    inherited: Vec<(Family, &'v MoneyUnit)>,
    /// The units other tables name ("元", "元、万元"), for the tables that name none.
    hinted: Vec<(Family, String)>,
}

impl<'v> BookUnits<'v> {
    /// For each family: when the tables holding figures that name a unit all name the same
    /// one, other than 万元, and are at least as many as those naming none, that unit (a
    /// clerk's 公开02表 in 元 beside the 公开01、04、06表 that say 元). One table saying 元
    /// among many silent ones says nothing of them: it may be the one in another unit; the
    /// silent ones are read in 万元 and warned of, as they are when the units named differ.
    pub(super) fn of(vocab: &'v Vocabulary, out: &[Outcome]) -> BookUnits<'v> {
        let mut units = BookUnits::default();
        for family in [Family::Final, Family::Budget, Family::Perf] {
            let named: Vec<Option<&str>> = with_figures(out, family)
                .map(|rec| rec.data.money_unit_named.as_ref().map(|(u, _)| u.as_str()))
                .collect();
            let said: Vec<&str> = named.iter().flatten().copied().collect();
            let silent = named.len() - said.len();
            let Some(first) = said.first() else { continue };
            let Some(unit) = vocab.money_units.iter().find(|m| m.name == *first) else {
                continue;
            };
            let agreed = said.iter().all(|u| u == first);
            if agreed && unit.in_wan == Decimal::ONE || silent == 0 {
                continue;
            }
            if agreed && said.len() >= silent {
                units.inherited.push((family, unit));
            } else {
                let mut names: Vec<&str> = said.clone();
                names.sort_unstable();
                names.dedup();
                units.hinted.push((family, names.join("、")));
            }
        }
        units
    }

    /// Whether any family's silent tables take a unit.
    pub(super) fn inherits(&self) -> bool {
        !self.inherited.is_empty()
    }

    /// The unit `form`'s family's silent tables are read in.
    pub(super) fn of_form(&self, form: &Form) -> Option<&'v MoneyUnit> {
        self.inherited
            .iter()
            .find(|(f, _)| *f == form.family)
            .map(|(_, u)| *u)
    }

    /// Warns each table holding figures that names no unit, read in 万元, of the units other
    /// tables of its family name (a few the same one other than 万元, or different ones).
    pub(super) fn warn_silent(&self, out: &mut [Outcome]) {
        for (family, units) in &self.hinted {
            let family = *family;
            let silent = out.iter_mut().filter_map(|o| match o {
                Outcome::Form(rec) if rec.form.family == family => Some(rec),
                _ => None,
            });
            for rec in
                silent.filter(|rec| holds_figures(rec) && rec.data.money_unit_named.is_none())
            {
                let message = format!(
                    "{} 未注明金额单位，已按万元读取；本工作簿另有表注明为{units}，请核对本表的金额单位并注明",
                    rec.form.table_no
                );
                rec.notices.push(super::Notice {
                    severity: Severity::Warning,
                    rule: "money-unit-missing",
                    cell: Place::at(0, 0),
                    message,
                });
            }
        }
    }
}

/// Whether a form read may say or take its workbook's unit: a form of tables only holding
/// figures.
fn holds_figures(rec: &super::Recognized) -> bool {
    takes_book_unit(rec.form) && numbers_placed(rec) > 0
}

/// The forms of `family` read in `out` that hold figures.
fn with_figures<'o, 'c>(
    out: &'o [Outcome<'c>],
    family: Family,
) -> impl Iterator<Item = &'o super::Recognized<'c>> {
    out.iter()
        .filter_map(|o| match o {
            Outcome::Form(rec) => Some(rec.as_ref()),
            Outcome::Skipped { .. } => None,
        })
        .filter(move |rec| rec.form.family == family && holds_figures(rec))
}

/// A table given the workbook's money unit that read no number takes no unit: the 元 of the
/// other tables says nothing about it.
pub(super) fn forget_unused_book_unit(outcome: &mut Outcome) {
    let Outcome::Form(rec) = outcome else {
        return;
    };
    if numbers_placed(rec) == 0 && rec.notices.iter().any(|n| n.rule == BOOK_UNIT_RULE) {
        rec.notices.retain(|n| n.rule != BOOK_UNIT_RULE);
        rec.data.stated_unit = None;
    }
}
