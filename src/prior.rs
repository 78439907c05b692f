//! Last year's workbook against this year's: this year's 年初 balances are last year's 年末
//! (an error at this year's cell, naming last year's), and the items a reviewer must see
//! explained — a 类 or a “三公” item that moved by more than the form's threshold, or appeared
//! from zero — as warnings with both years' values; a figure this year restates from last year's
//! published tables (perf-base 上年决算数 from last year's 决算公开) must equal it, within 尾差.
//! What to compare is in the form definitions (`[prior]`).

use crate::calc::{compute, Book, Calc, Mode};
use crate::expr::{CellId, Val};
use crate::findings::{Finding, PRIOR_CARRY, PRIOR_CHANGE, PRIOR_FINAL, PRIOR_YEAR};
use crate::form::show;
use crate::form::{ColKind, Form, PublishedDef, Severity};
use rust_decimal::Decimal;

/// Last year's workbook, read and computed once for every file compared with it.
pub struct Prior<'c> {
    /// The file, as messages name it.
    pub name: String,
    pub book: Book<'c>,
    pub calc: Calc,
}

/// Why last year's workbook cannot be compared with.
#[derive(Debug)]
pub enum PriorError {
    Open(crate::load::OpenError),
    NoForm {
        path: std::path::PathBuf,
    },
    /// It holds several units' sets: which one is last year's of this file is not known.
    SeveralUnits {
        path: std::path::PathBuf,
        units: Vec<String>,
    },
}

impl std::fmt::Display for PriorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PriorError::Open(e) => write!(f, "无法读取上年的工作簿：{e}"),
            PriorError::NoForm { path } => write!(
                f,
                "上年的工作簿 {} 中没有识别出任何表，无法与上年比较",
                path.display()
            ),
            PriorError::SeveralUnits { path, units } => write!(
                f,
                "上年的工作簿 {} 中有 {} 个单位的报表（{}），不知与哪一个比较；请给出只含本单位报表的上年工作簿",
                path.display(),
                units.len(),
                units.join("、")
            ),
        }
    }
}

impl std::error::Error for PriorError {}

impl<'c> Prior<'c> {
    /// Reads last year's workbook `path`.
    pub fn load(
        catalog: &'c crate::form::Catalog,
        path: &std::path::Path,
    ) -> Result<Self, PriorError> {
        let (_, mut units) = crate::load::read(catalog, path).map_err(PriorError::Open)?;
        if units.len() > 1 {
            return Err(PriorError::SeveralUnits {
                path: path.to_path_buf(),
                units: units
                    .iter()
                    .filter_map(|u| Some(u.unit.as_ref()?.name.clone()))
                    .collect(),
            });
        }
        let rec = units.remove(0);
        if rec.forms.is_empty() {
            return Err(PriorError::NoForm {
                path: path.to_path_buf(),
            });
        }
        let book = Book::new(rec.forms);
        let calc = compute(&book, Mode::Check, false);
        let name = path.file_name().map_or(path.display().to_string(), |n| {
            n.to_string_lossy().to_string()
        });
        Ok(Prior { name, book, calc })
    }
}

/// The findings of this year's `book` against last year's.
pub fn compare(book: &Book, calc: &Calc, prior: &Prior) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(year_apart(book, prior));
    for (fi, (form, _)) in book.forms.iter().enumerate() {
        let this = Side { book, calc, fi };
        for entry in &form.prior.published {
            out.extend(published(&this, entry, prior));
        }
        let Some(li) = prior.book.form_index(&form.id) else {
            continue;
        };
        let last = Side {
            book: &prior.book,
            calc: &prior.calc,
            fi: li,
        };
        carried(&this, &last, &prior.name, &mut out);
        changes(&this, &last, &prior.name, &mut out);
    }
    out
}

/// A warning when the tables of both workbooks state years that are not one apart.
fn year_apart(book: &Book, prior: &Prior) -> Option<Finding> {
    let year = |b: &Book| -> Option<i32> {
        let stated =
            crate::figures::workbook_year(b.forms.iter().filter_map(|(_, d)| d.year.as_deref()));
        stated.and_then(crate::figures::year_number)
    };
    let (this, last) = (year(book)?, year(&prior.book)?);
    if this - last == 1 {
        return None;
    }
    let (form, data) = &book.forms[0];
    let message = format!(
        "本年工作簿为 {this} 年，用作上年比较的 {} 为 {last} 年，不是上一年度；请核对 --prior 给出的文件",
        prior.name
    );
    Some(Finding::new(
        Severity::Warning,
        PRIOR_YEAR,
        &form.id,
        data.sheet.clone(),
        None,
        message,
    ))
}

/// One form of one year's workbook.
struct Side<'s, 'c> {
    book: &'s Book<'c>,
    calc: &'s Calc,
    fi: usize,
}

impl Side<'_, '_> {
    fn form(&self) -> &Form {
        self.book.forms[self.fi].0
    }

    fn cell(&self, reference: &str) -> Option<CellId> {
        self.book.cell_named(self.fi, reference).ok()
    }

    /// The amount at `c` as filled (as computed where left blank); blank reads as zero.
    fn amount(&self, c: &CellId) -> Decimal {
        match crate::figures::value_at(self.book, self.calc, c) {
            Val::Num(d) => d,
            _ => Decimal::ZERO,
        }
    }

    /// The 尾差 one rounded amount of this form may carry.
    fn tail(&self) -> Decimal {
        self.book.forms[self.fi].1.rounding_per_term()
    }

    /// `收入支出决算总表!D33`: a cell of last year's file, by its sheet.
    fn place(&self, c: &CellId) -> String {
        let data = &self.book.forms[self.fi].1;
        let sheet = data
            .sheet
            .clone()
            .unwrap_or_else(|| self.form().table_no.clone());
        match data.origin.get(&c.key()) {
            Some(at) => format!("{sheet}!{at}"),
            None => sheet,
        }
    }

    fn finding(&self, severity: Severity, rule: &str, c: &CellId, message: String) -> Finding {
        let data = &self.book.forms[self.fi].1;
        Finding {
            target: Some(c.clone()),
            ..Finding::new(
                severity,
                rule,
                &self.form().id,
                data.sheet.clone(),
                data.origin.get(&c.key()).map(ToString::to_string),
                message,
            )
        }
    }
}

fn money(d: Decimal) -> String {
    show(ColKind::Amount, &Val::Num(d))
}

/// This year's opening balances against last year's closing ones.
fn carried(this: &Side, last: &Side, last_name: &str, out: &mut Vec<Finding>) {
    for carry in &this.form().prior.carry {
        let (Some(now), Some(then)) = (this.cell(&carry.this), last.cell(&carry.last)) else {
            continue;
        };
        let (a, b) = (this.amount(&now), last.amount(&then));
        if a.round_dp(2) == b.round_dp(2) {
            continue;
        }
        let then_at = format!("{last_name} {}", last.place(&then));
        let message = format!(
            "{}：{}，本年为 {}，上年（{then_at}）为 {}，相差 {}",
            crate::findings::place(this.book, &now),
            carry.name,
            money(a),
            money(b),
            money(a - b)
        );
        let f = this.finding(Severity::Error, PRIOR_CARRY, &now, message);
        out.push(against_last(f, then_at, a, b));
    }
}

/// `f` with last year's cell `then_at` and both years' values.
fn against_last(mut f: Finding, then_at: String, this: Decimal, last: Decimal) -> Finding {
    f.related = vec![then_at];
    f.expected = Some(money(last));
    f.found = Some(money(this));
    f
}

/// A cell of this year's form that restates a figure of last year's published form `entry.form`
/// (of any family): an error when it differs beyond 尾差 or is blank, info within 尾差.
fn published(this: &Side, entry: &PublishedDef, prior: &Prior) -> Option<Finding> {
    let last = Side {
        book: &prior.book,
        calc: &prior.calc,
        fi: prior.book.form_index(&entry.form)?,
    };
    let (now, then) = (this.cell(&entry.this)?, last.cell(&entry.last)?);
    let blank = matches!(
        crate::figures::value_at(this.book, this.calc, &now),
        Val::Blank
    );
    let (a, b) = (this.amount(&now), last.amount(&then));
    let diff = (a - b).round_dp(2);
    if diff.is_zero() {
        return None;
    }
    let tolerance = this.tail() + last.tail();
    let then_at = format!("{} {}", prior.name, last.place(&then));
    let head = format!(
        "{}：{}",
        crate::findings::place(this.book, &now),
        entry.name
    );
    let (severity, message) = if blank {
        (
            Severity::Error,
            format!("{head}，未填写，上年决算（{then_at}）为 {}", money(b)),
        )
    } else {
        let stated = format!(
            "{head}，本年填报 {}，上年决算（{then_at}）为 {}，相差 {}",
            money(a),
            money(b),
            money(diff)
        );
        match diff.abs() <= tolerance {
            true => (
                Severity::Info,
                format!("{stated}（允许 ±{}），可能为尾差", tolerance.normalize()),
            ),
            false => (Severity::Error, stated),
        }
    };
    let f = this.finding(severity, PRIOR_FINAL, &now, message);
    Some(against_last(f, then_at, a, b))
}

/// Items that moved by more than the threshold, or appeared from zero.
fn changes(this: &Side, last: &Side, last_name: &str, out: &mut Vec<Finding>) {
    let Some(rule) = &this.form().prior.changes else {
        return;
    };
    let data = &this.book.forms[this.fi].1;
    for row in data
        .rows
        .iter()
        .filter(|r| rule.selects_row(&r.key, r.code.as_deref()))
    {
        for col in &rule.columns {
            let now = CellId::new(this.fi, row.key.clone(), col.clone());
            let then = CellId::new(last.fi, row.key.clone(), col.clone());
            let (a, b) = (this.amount(&now), last.amount(&then));
            let moved = (a - b).abs();
            let beyond = moved > rule.amount && (b.is_zero() || moved > b.abs() * rule.ratio);
            if a.is_zero() && b.is_zero() || !beyond {
                continue;
            }
            let how = if b.is_zero() {
                "上年为 0，本年新增".to_string()
            } else {
                let pct = ((a - b) / b.abs() * Decimal::ONE_HUNDRED).round_dp(1);
                let verb = if a > b { "增加" } else { "减少" };
                format!("{verb} {}（{}%）", money(moved), pct.abs().normalize())
            };
            let message = format!(
                "{}：本年 {}，上年（{last_name}）{}，{how}；变动超过 {}% 且 {} 万元，请在情况说明中解释",
                crate::findings::place(this.book, &now),
                money(a),
                money(b),
                (rule.ratio * Decimal::ONE_HUNDRED).normalize(),
                rule.amount.normalize()
            );
            let mut f = this.finding(Severity::Warning, PRIOR_CHANGE, &now, message);
            f.expected = Some(money(b));
            f.found = Some(money(a));
            out.push(f);
        }
    }
}
