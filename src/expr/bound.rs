//! Expressions bound to concrete cells: evaluated exactly in Decimal and emitted as Excel
//! formulas from the same tree, so that what Excel shows and what `check` says cannot drift.

use super::parse::{BinOp, CmpOp, Func};
use crate::quantity::parse_quantity;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write as _;

/// A row key, column id or rule name as the book holds it: shared text, so copying a cell id
/// (every cell a rule reads, every derived cell) counts a reference instead of copying the text.
pub type Name = std::sync::Arc<str>;

/// A logical cell of one form of a workbook: `form` indexes the workbook's forms, `row` is the
/// row's key (or a grid cell's id) and `col` the value column of the row, None for a grid cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId {
    pub form: usize,
    pub row: Name,
    pub col: Option<Name>,
}

impl CellId {
    /// Value cell `col` of row `row`.
    pub fn new(form: usize, row: impl Into<Name>, col: impl Into<Name>) -> Self {
        let col = col.into();
        debug_assert!(!col.is_empty(), "a value cell names its column");
        CellId {
            form,
            row: row.into(),
            col: Some(col),
        }
    }
    /// Grid cell `id` (a cell of its own, not in a table row: `fund_rate`, `total_score`).
    pub fn grid(form: usize, id: impl Into<Name>) -> Self {
        CellId {
            form,
            row: id.into(),
            col: None,
        }
    }
    /// A whole row as one place (a finding about a 科目 row rather than one of its cells): like
    /// a grid cell, it names no column.
    pub fn whole_row(form: usize, key: impl Into<Name>) -> Self {
        CellId::grid(form, key)
    }
    /// The cell a logical name within form `form` names: `L27.amount` or `fund_rate`.
    pub fn of_key(form: usize, key: &str) -> Self {
        match key.rsplit_once('.') {
            Some((row, col)) => CellId::new(form, row, col),
            None => CellId::grid(form, key),
        }
    }
    /// The value column, None for a grid cell.
    pub fn column(&self) -> Option<&str> {
        self.col.as_deref()
    }
    /// The logical name within its form: `L27.amount`, `2010450.c1`, `fund_rate`.
    pub fn key(&self) -> String {
        match &self.col {
            None => self.row.to_string(),
            Some(col) => cell_key(&self.row, col),
        }
    }
}

/// The key of the logical cell in column `col` of row `row`: `row.col`. Built by hand rather
/// than with format!: keys are made for every cell read and looked up.
pub fn cell_key(row: &str, col: &str) -> String {
    let mut key = String::with_capacity(row.len() + 1 + col.len());
    key.push_str(row);
    key.push('.');
    key.push_str(col);
    key
}

#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Num(Decimal),
    Str(String),
    Cell(CellId),
    /// Several cells as one argument (a range, the children of a row, a whole list column).
    Cells(Vec<CellId>),
    /// Blank templates only: the sum of a coded panel's top-level rows, worked out by the
    /// spreadsheet from whatever codes the clerk types.
    TopLevelSum {
        form: usize,
        panel: String,
        col: String,
    },
    Neg(Box<Bound>),
    Bin(BinOp, Box<Bound>, Box<Bound>),
    Cmp(CmpOp, Box<Bound>, Box<Bound>),
    And(Box<Bound>, Box<Bound>),
    Or(Box<Bound>, Box<Bound>),
    Not(Box<Bound>),
    Call(Func, Vec<Bound>),
    /// `sumif`: each cell of the column with its condition, bound with the cell's row as the
    /// current row; the sum of the cells whose condition holds.
    SumIf(Vec<(CellId, Bound)>),
}

/// A cell's value as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Blank,
    /// "——", "-", "/": explicitly nothing.
    Nothing,
    Num(Decimal),
    Text(String),
    Bool(bool),
}

impl Val {
    /// Numeric view: blanks, "——" and text count as zero (text in an amount cell is reported
    /// when the workbook is read, not here).
    pub fn num(&self) -> Decimal {
        match self {
            Val::Num(d) => *d,
            Val::Bool(true) => Decimal::ONE,
            _ => Decimal::ZERO,
        }
    }
    pub fn is_blank(&self) -> bool {
        match self {
            Val::Blank | Val::Nothing => true,
            Val::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
    pub fn truthy(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            Val::Num(d) => !d.is_zero(),
            _ => false,
        }
    }
}

pub trait Env {
    fn value(&self, cell: &CellId) -> Val;
    fn top_level_sum(&self, _form: usize, _panel: &str, _col: &str) -> Decimal {
        Decimal::ZERO
    }
}

pub trait Addresses {
    /// Where a cell sits on its form's sheet (row and column from 0), when it is placed.
    fn position(&self, cell: &CellId) -> Option<(u32, u16)>;
    /// What goes before a reference to a cell of form `form` from form `home`'s sheet: nothing
    /// on the same sheet, else the quoted sheet name and `!`.
    fn sheet_prefix(&self, form: usize, home: usize) -> String;
    /// A1 reference of a cell, with its sheet when it is not `home`'s sheet.
    fn a1(&self, cell: &CellId, home: usize) -> Option<String> {
        let (row, col) = self.position(cell)?;
        let mut out = self.sheet_prefix(cell.form, home);
        crate::cellref::push_a1(&mut out, row, col);
        Some(out)
    }
    /// For blank templates: a SUMPRODUCT over a coded panel's rows whose code is top-level.
    fn top_level_sum(&self, form: usize, panel: &str, col: &str, home: usize) -> Option<String>;
}

/// Round half away from zero, as Excel's ROUND does.
pub fn round_dp(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

impl Bound {
    pub fn eval(&self, env: &dyn Env) -> Val {
        match self {
            Bound::Num(d) => Val::Num(*d),
            Bound::Str(s) => Val::Text(s.clone()),
            Bound::Cell(c) => env.value(c),
            Bound::Cells(cs) => Val::Num(cs.iter().map(|c| env.value(c).num()).sum()),
            Bound::TopLevelSum { form, panel, col } => {
                Val::Num(env.top_level_sum(*form, panel, col))
            }
            Bound::Neg(e) => Val::Num(-e.eval(env).num()),
            Bound::Bin(op, a, b) => {
                let (x, y) = (a.eval(env).num(), b.eval(env).num());
                match op {
                    BinOp::Add => Val::Num(x + y),
                    BinOp::Sub => Val::Num(x - y),
                    BinOp::Mul => Val::Num(x * y),
                    BinOp::Div if y.is_zero() => Val::Nothing,
                    BinOp::Div => Val::Num(x / y),
                }
            }
            Bound::Cmp(op, a, b) => {
                let (x, y) = (a.eval(env).num(), b.eval(env).num());
                Val::Bool(match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Le => x <= y,
                    CmpOp::Ge => x >= y,
                    CmpOp::Lt => x < y,
                    CmpOp::Gt => x > y,
                })
            }
            Bound::And(a, b) => Val::Bool(a.eval(env).truthy() && b.eval(env).truthy()),
            Bound::Or(a, b) => Val::Bool(a.eval(env).truthy() || b.eval(env).truthy()),
            Bound::Not(a) => Val::Bool(!a.eval(env).truthy()),
            Bound::Call(f, args) => eval_call(*f, args, env),
            Bound::SumIf(pairs) => Val::Num(
                pairs
                    .iter()
                    .filter(|(_, when)| when.eval(env).truthy())
                    .map(|(c, _)| env.value(c).num())
                    .sum(),
            ),
        }
    }

    /// The number of rounded terms a value is made of, for the 尾差 tolerance: as
    /// [`Bound::term_count`], but a `sumif` counts only the filled cells it adds up.
    pub fn term_count_in(&self, env: &dyn Env) -> usize {
        match self {
            Bound::SumIf(pairs) => pairs
                .iter()
                .filter(|(c, when)| when.eval(env).truthy() && !env.value(c).is_blank())
                .count(),
            Bound::Neg(e) | Bound::Not(e) => e.term_count_in(env),
            Bound::Bin(_, a, b) | Bound::Cmp(_, a, b) | Bound::And(a, b) | Bound::Or(a, b) => {
                a.term_count_in(env) + b.term_count_in(env)
            }
            Bound::Call(_, args) => args.iter().map(|a| a.term_count_in(env)).sum(),
            other => other.term_count(),
        }
    }

    /// The cells a value is made of, for messages: as [`Bound::cells`], but a `sumif` gives
    /// only the cells it adds up, not those its condition reads.
    pub fn operands(&self, env: &dyn Env, out: &mut Vec<CellId>) {
        match self {
            Bound::SumIf(pairs) => out.extend(
                pairs
                    .iter()
                    .filter(|(_, when)| when.eval(env).truthy())
                    .map(|(c, _)| c.clone()),
            ),
            Bound::Neg(e) | Bound::Not(e) => e.operands(env, out),
            Bound::Bin(_, a, b) | Bound::Cmp(_, a, b) | Bound::And(a, b) | Bound::Or(a, b) => {
                a.operands(env, out);
                b.operands(env, out);
            }
            Bound::Call(_, args) => args.iter().for_each(|a| a.operands(env, out)),
            other => other.cells(out),
        }
    }

    /// Numbers of cells the value is made of (the n of the rounding tolerance).
    pub fn term_count(&self) -> usize {
        match self {
            Bound::Cell(_) | Bound::TopLevelSum { .. } => 1,
            Bound::Cells(cs) => cs.len(),
            Bound::Num(_) | Bound::Str(_) => 0,
            Bound::Neg(e) | Bound::Not(e) => e.term_count(),
            Bound::Bin(_, a, b) | Bound::Cmp(_, a, b) | Bound::And(a, b) | Bound::Or(a, b) => {
                a.term_count() + b.term_count()
            }
            Bound::Call(_, args) => args.iter().map(Bound::term_count).sum(),
            Bound::SumIf(pairs) => pairs.len(),
        }
    }

    /// The cells of a plain sum (`a + b`, `sum(children)`, a range) pushed to `out`; false
    /// for any other expression (what was pushed then means nothing).
    pub fn summands(&self, out: &mut Vec<CellId>) -> bool {
        match self {
            Bound::Cell(c) => out.push(c.clone()),
            Bound::Cells(cs) => out.extend(cs.iter().cloned()),
            Bound::Bin(BinOp::Add, a, b) => return a.summands(out) && b.summands(out),
            Bound::Call(Func::Sum, args) => return args.iter().all(|a| a.summands(out)),
            _ => return false,
        }
        true
    }

    /// Every cell the expression reads.
    pub fn cells(&self, out: &mut Vec<CellId>) {
        self.each_cell(&mut |c| out.push(c.clone()));
    }

    /// Every cell the expression reads, in the order of [`Bound::cells`], handed to `f`
    /// without being copied (a caller that keeps only a few of them).
    pub fn each_cell<F: FnMut(&CellId)>(&self, f: &mut F) {
        match self {
            Bound::Cell(c) => f(c),
            Bound::Cells(cs) => cs.iter().for_each(&mut *f),
            Bound::Neg(e) | Bound::Not(e) => e.each_cell(f),
            Bound::Bin(_, a, b) | Bound::Cmp(_, a, b) | Bound::And(a, b) | Bound::Or(a, b) => {
                a.each_cell(f);
                b.each_cell(f);
            }
            Bound::Call(_, args) => args.iter().for_each(|a| a.each_cell(f)),
            Bound::SumIf(pairs) => {
                for (c, when) in pairs {
                    f(c);
                    when.each_cell(f);
                }
            }
            Bound::Num(_) | Bound::Str(_) | Bound::TopLevelSum { .. } => {}
        }
    }

    /// The Excel formula (without the leading '='); None when a cell has no address.
    pub fn excel(&self, addr: &dyn Addresses, home: usize) -> Option<String> {
        let mut s = String::new();
        self.emit(addr, home, &mut s)?;
        Some(s)
    }

    fn emit(&self, addr: &dyn Addresses, home: usize, out: &mut String) -> Option<()> {
        match self {
            Bound::Num(d) => {
                let _ = write!(out, "{}", d.normalize());
            }
            Bound::Str(s) => {
                let _ = write!(out, "\"{}\"", s.replace('"', "\"\""));
            }
            Bound::Cell(c) => out.push_str(&numeric_ref(&addr.a1(c, home)?)),
            Bound::Cells(_) => emit_plain_call(
                Func::Sum,
                "SUM",
                std::slice::from_ref(self),
                addr,
                home,
                out,
            )?,
            Bound::TopLevelSum { form, panel, col } => {
                out.push_str(&addr.top_level_sum(*form, panel, col, home)?)
            }
            Bound::Neg(e) => {
                out.push_str("-(");
                e.emit(addr, home, out)?;
                out.push(')');
            }
            Bound::Bin(BinOp::Add | BinOp::Sub, _, _) => self.emit_additive(addr, home, out)?,
            Bound::Bin(op, a, b) => {
                emit_operand(a, addr, home, out)?;
                out.push(if *op == BinOp::Mul { '*' } else { '/' });
                emit_operand(b, addr, home, out)?;
            }
            Bound::Cmp(op, a, b) => {
                a.emit(addr, home, out)?;
                out.push_str(op.excel());
                b.emit(addr, home, out)?;
            }
            Bound::And(a, b) | Bound::Or(a, b) => {
                out.push_str(if matches!(self, Bound::And(..)) {
                    "AND("
                } else {
                    "OR("
                });
                a.emit(addr, home, out)?;
                out.push(',');
                b.emit(addr, home, out)?;
                out.push(')');
            }
            Bound::Not(a) => {
                out.push_str("NOT(");
                a.emit(addr, home, out)?;
                out.push(')');
            }
            Bound::Call(f, args) => emit_call(*f, args, addr, home, out)?,
            Bound::SumIf(pairs) => {
                if pairs.is_empty() {
                    out.push('0');
                    return Some(());
                }
                let mut terms = Vec::with_capacity(pairs.len());
                for (c, when) in pairs {
                    let mut term = String::from("IF(");
                    when.emit(addr, home, &mut term)?;
                    let _ = write!(term, ",{},0)", numeric_ref(&addr.a1(c, home)?));
                    terms.push(term);
                }
                out.push_str(&excel_call("SUM", terms));
            }
        }
        Some(())
    }

    /// `a + b - c` as `SUM(a,b)-SUM(c)`: SUM ignores "——" text where `+` would give #VALUE!.
    fn emit_additive(&self, addr: &dyn Addresses, home: usize, out: &mut String) -> Option<()> {
        let mut plus = Vec::new();
        let mut minus = Vec::new();
        flatten_additive(self, true, &mut plus, &mut minus);
        let emit_group = |terms: &[&Bound], out: &mut String| -> Option<()> {
            let mut args = Vec::with_capacity(terms.len());
            for t in terms {
                match t {
                    Bound::Cell(c) => args.push(addr.a1(c, home)?),
                    Bound::Cells(cs) => args.extend(range_parts(cs, addr, home)?),
                    other => args.push(other.excel(addr, home)?),
                }
            }
            out.push_str(&excel_call("SUM", args));
            Some(())
        };
        if plus.is_empty() {
            out.push('0');
        } else {
            emit_group(&plus, out)?;
        }
        if !minus.is_empty() {
            out.push('-');
            emit_group(&minus, out)?;
        }
        Some(())
    }
}

fn flatten_additive<'a>(
    e: &'a Bound,
    positive: bool,
    plus: &mut Vec<&'a Bound>,
    minus: &mut Vec<&'a Bound>,
) {
    match e {
        Bound::Bin(BinOp::Add, a, b) => {
            flatten_additive(a, positive, plus, minus);
            flatten_additive(b, positive, plus, minus);
        }
        Bound::Bin(BinOp::Sub, a, b) => {
            flatten_additive(a, positive, plus, minus);
            flatten_additive(b, !positive, plus, minus);
        }
        other if positive => plus.push(other),
        other => minus.push(other),
    }
}

/// A cell used as a number: N() turns "——" into 0 as our evaluation does.
fn numeric_ref(a1: &str) -> String {
    format!("N({a1})")
}

fn emit_operand(e: &Bound, addr: &dyn Addresses, home: usize, out: &mut String) -> Option<()> {
    let needs_parens = matches!(e, Bound::Bin(BinOp::Add | BinOp::Sub, ..) | Bound::Neg(_));
    if needs_parens {
        out.push('(');
    }
    e.emit(addr, home, out)?;
    if needs_parens {
        out.push(')');
    }
    Some(())
}

fn emit_call(
    f: Func,
    args: &[Bound],
    addr: &dyn Addresses,
    home: usize,
    out: &mut String,
) -> Option<()> {
    let name = match f {
        Func::Sum => "SUM",
        Func::Min => "MIN",
        Func::Max => "MAX",
        Func::Abs => "ABS",
        Func::Round => "ROUND",
        Func::If => "IF",
        Func::Ratio => return emit_ratio(args, addr, home, out),
        Func::Blank => {
            let a = as_is(&args[0], addr, home)?;
            let _ = write!(out, "OR({a}=\"\",{a}=\"——\")");
            return Some(());
        }
        Func::In => {
            // Excel's = compares texts exactly (but for case): the cell as it is, not N().
            let a = as_is(&args[0], addr, home)?;
            return emit_any(&args[1..], out, |t, out| {
                let _ = write!(out, "{a}=");
                t.emit(addr, home, out)
            });
        }
        Func::Contains => {
            let a = as_is(&args[0], addr, home)?;
            return emit_any(&args[1..], out, |t, out| {
                out.push_str("ISNUMBER(FIND(");
                t.emit(addr, home, out)?;
                let _ = write!(out, ",{a}))");
                Some(())
            });
        }
        Func::First => return emit_first(args, addr, home, out),
        // Reading a number out of free text (an amount, the points of a label) has no faithful
        // Excel formula: a derived cell using it is written as its value. `sumif` is bound as
        // `Bound::SumIf` and a lookup is replaced by the cell it found when the rule is bound.
        Func::Amount | Func::Points | Func::SumIf | Func::Lookup => return None,
    };
    emit_plain_call(f, name, args, addr, home, out)
}

/// `ratio(a, b)`: a/b, or "——" when b is 0 as our evaluation gives.
fn emit_ratio(args: &[Bound], addr: &dyn Addresses, home: usize, out: &mut String) -> Option<()> {
    let mut den = String::new();
    args[1].emit(addr, home, &mut den)?;
    let mut num = String::new();
    emit_operand(&args[0], addr, home, &mut num)?;
    let _ = write!(out, "IF({den}=0,\"——\",{num}/{})", paren(&den));
    Some(())
}

/// `first(…)` as IF(C6<>"",C6,IF(C7<>"",C7,…)): the first cell that is not empty.
fn emit_first(args: &[Bound], addr: &dyn Addresses, home: usize, out: &mut String) -> Option<()> {
    let mut cells = Vec::new();
    for a in args {
        match a {
            Bound::Cell(c) => cells.push(addr.a1(c, home)?),
            Bound::Cells(cs) => {
                for c in cs {
                    cells.push(addr.a1(c, home)?);
                }
            }
            _ => return None,
        }
    }
    let Some(last) = cells.pop() else {
        out.push_str("\"\"");
        return Some(());
    };
    for c in &cells {
        let _ = write!(out, "IF({c}<>\"\",{c},");
    }
    out.push_str(&last);
    out.push_str(&")".repeat(cells.len()));
    Some(())
}

/// A function Excel has under its own name (SUM, MIN, MAX, ABS, ROUND, IF), each argument
/// written as that function needs it.
fn emit_plain_call(
    f: Func,
    name: &str,
    args: &[Bound],
    addr: &dyn Addresses,
    home: usize,
    out: &mut String,
) -> Option<()> {
    // A range stands for one cell or more: the arguments are at most this many.
    let most: usize = args
        .iter()
        .map(|a| match a {
            Bound::Cells(cs) => cs.len().max(1),
            _ => 1,
        })
        .sum();
    if !fits_one_call(name, most) {
        let mut texts = Vec::with_capacity(args.len());
        each_argument(f, args, addr, home, &mut |t| texts.push(t.to_string()))?;
        out.push_str(&excel_call(name, texts));
        return Some(());
    }
    // One call: its arguments written straight into the formula.
    out.push_str(name);
    out.push('(');
    let mut first = true;
    each_argument(f, args, addr, home, &mut |t| {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(t);
    })?;
    out.push(')');
    Some(())
}

/// Hands each argument of `f` to `text` as Excel needs it, a range of cells as its ranges.
fn each_argument(
    f: Func,
    args: &[Bound],
    addr: &dyn Addresses,
    home: usize,
    text: &mut dyn FnMut(&str),
) -> Option<()> {
    for a in args {
        match (f, a) {
            // SUM skips text by itself; MIN/MAX of a single "——" cell must count it as 0 as
            // our evaluation does, so it goes through N().
            (Func::Sum, Bound::Cell(c)) => text(&addr.a1(c, home)?),
            (Func::Min | Func::Max, Bound::Cell(c)) => text(&numeric_ref(&addr.a1(c, home)?)),
            (Func::Sum | Func::Min | Func::Max, Bound::Cells(cs)) => {
                for_each_range(cs, addr, home, &mut *text)?
            }
            _ => text(&a.excel(addr, home)?),
        }
    }
    Some(())
}

/// True when `n` arguments of `name` are one call in Excel: SUM, MIN and MAX of more than
/// [`EXCEL_MAX_ARGS`] are nested.
fn fits_one_call(name: &str, n: usize) -> bool {
    n <= EXCEL_MAX_ARGS || !matches!(name, "SUM" | "MIN" | "MAX")
}

/// Excel takes at most 255 arguments in a call.
pub const EXCEL_MAX_ARGS: usize = 255;

/// The most arguments any one call of an Excel formula takes, counted at every depth (at most
/// [`EXCEL_MAX_ARGS`] in a formula Excel accepts); texts in quotes are not looked into.
pub fn widest_call(formula: &str) -> usize {
    let mut stack: Vec<usize> = Vec::new();
    let (mut widest, mut quoted) = (0, false);
    for ch in formula.chars() {
        match ch {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '(' => stack.push(1),
            ',' => {
                if let Some(n) = stack.last_mut() {
                    *n += 1;
                }
            }
            ')' => widest = widest.max(stack.pop().unwrap_or(0)),
            _ => {}
        }
    }
    widest
}

/// `NAME(a,b,…)`; past Excel's 255 arguments, SUM, MIN and MAX (the same over parts as over
/// the whole) nest: `SUM(SUM(a1,…,a255),SUM(…))`.
fn excel_call(name: &str, args: Vec<String>) -> String {
    if fits_one_call(name, args.len()) {
        return format!("{name}({})", args.join(","));
    }
    let parts: Vec<String> = args
        .chunks(EXCEL_MAX_ARGS)
        .map(|chunk| format!("{name}({})", chunk.join(",")))
        .collect();
    excel_call(name, parts)
}

/// A text test's subject in Excel: a cell as it is (its text, not N() of it), anything else as
/// its formula.
fn as_is(e: &Bound, addr: &dyn Addresses, home: usize) -> Option<String> {
    match e {
        Bound::Cell(c) => addr.a1(c, home),
        other => other.excel(addr, home),
    }
}

/// `OR(test1,test2,…)`: one test per target, written by `test`.
fn emit_any(
    targets: &[Bound],
    out: &mut String,
    test: impl Fn(&Bound, &mut String) -> Option<()>,
) -> Option<()> {
    out.push_str("OR(");
    for (i, t) in targets.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        test(t, out)?;
    }
    out.push(')');
    Some(())
}

fn paren(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '$' || c == '(' || c == ')')
    {
        s.to_string()
    } else {
        format!("({s})")
    }
}

/// `C9,C10,C11,C13` → `C9:C11,C13` (same sheet, same column, consecutive rows).
fn range_parts(cells: &[CellId], addr: &dyn Addresses, home: usize) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for_each_range(cells, addr, home, |part| parts.push(part.to_string()))?;
    Some(parts)
}

/// Hands each range of `cells` to `part` in order, as [`range_parts`] lists them (`0` for no
/// cells); None, before any part, when a cell has no place.
fn for_each_range(
    cells: &[CellId],
    addr: &dyn Addresses,
    home: usize,
    mut part: impl FnMut(&str),
) -> Option<()> {
    let mut placed = Vec::with_capacity(cells.len());
    for c in cells {
        let (row, col) = addr.position(c)?;
        placed.push((c.form, row, col));
    }
    if placed.is_empty() {
        part("0");
        return Some(());
    }
    let mut text = String::with_capacity(32);
    let mut i = 0;
    while i < placed.len() {
        let (form, row, col) = placed[i];
        let mut j = i;
        while j + 1 < placed.len() && placed[j + 1] == (form, placed[j].1 + 1, col) {
            j += 1;
        }
        text.clear();
        text.push_str(&addr.sheet_prefix(form, home));
        crate::cellref::push_a1(&mut text, row, col);
        if j > i {
            text.push(':');
            crate::cellref::push_a1(&mut text, placed[j].1, col);
        }
        part(&text);
        i = j + 1;
    }
    Some(())
}

fn eval_call(f: Func, args: &[Bound], env: &dyn Env) -> Val {
    match f {
        Func::Sum => Val::Num(numbers_of(f, args, env).into_iter().sum()),
        Func::Min => numbers_of(f, args, env)
            .into_iter()
            .min()
            .map_or(Val::Blank, Val::Num),
        Func::Max => numbers_of(f, args, env)
            .into_iter()
            .max()
            .map_or(Val::Blank, Val::Num),
        Func::Abs => Val::Num(args[0].eval(env).num().abs()),
        Func::Round => {
            let dp = args[1].eval(env).num();
            let dp = u32::try_from(dp.trunc().mantissa()).unwrap_or(2).min(10);
            Val::Num(round_dp(args[0].eval(env).num(), dp))
        }
        Func::Ratio => {
            let den = args[1].eval(env).num();
            if den.is_zero() {
                Val::Nothing
            } else {
                Val::Num(args[0].eval(env).num() / den)
            }
        }
        Func::If => {
            if args[0].eval(env).truthy() {
                args[1].eval(env)
            } else {
                args[2].eval(env)
            }
        }
        Func::Blank => Val::Bool(args[0].eval(env).is_blank()),
        Func::In => {
            let x = text_key(&args[0].eval(env));
            Val::Bool(args[1..].iter().any(|a| text_key(&a.eval(env)) == x))
        }
        Func::Contains => {
            let x = text_key(&args[0].eval(env));
            Val::Bool(args[1..].iter().any(|a| {
                let part = text_key(&a.eval(env));
                !part.is_empty() && x.contains(&part)
            }))
        }
        Func::Amount => {
            let unit = args.get(1).map(|u| u.eval(env));
            money_in_text(&args[0].eval(env), unit.as_ref()).map_or(Val::Blank, Val::Num)
        }
        Func::First => first_filled(args, env),
        // Bound as `Bound::SumIf`; a bare call cannot occur.
        Func::SumIf => Val::Blank,
        Func::Points => match args[0].eval(env) {
            Val::Text(t) => points_in(&t).map_or(Val::Blank, Val::Num),
            _ => Val::Blank,
        },
        // Bound to a cell or a blank when the rule is bound; never evaluated as a call.
        Func::Lookup => Val::Blank,
    }
}

/// The numbers a SUM, MIN or MAX takes from its arguments, ranges spread out.
fn numbers_of(f: Func, args: &[Bound], env: &dyn Env) -> Vec<Decimal> {
    let mut v = Vec::new();
    for a in args {
        match a {
            // Over a range, spreadsheets skip blanks and text; so do we.
            Bound::Cells(cs) if matches!(f, Func::Min | Func::Max) => {
                v.extend(cs.iter().filter_map(|c| match env.value(c) {
                    Val::Num(d) => Some(d),
                    _ => None,
                }))
            }
            Bound::Cells(cs) => v.extend(cs.iter().map(|c| env.value(c).num())),
            other => v.push(other.eval(env).num()),
        }
    }
    v
}

/// `first(…)`: the first value, ranges spread out, that is not blank.
fn first_filled(args: &[Bound], env: &dyn Env) -> Val {
    for a in args {
        let vals: Vec<Val> = match a {
            Bound::Cells(cs) => cs.iter().map(|c| env.value(c)).collect(),
            other => vec![other.eval(env)],
        };
        if let Some(v) = vals.into_iter().find(|v| !v.is_blank()) {
            return v;
        }
    }
    Val::Blank
}

/// Comparison key of a value as text: spaces and full-width forms folded, numbers as written.
fn text_key(v: &Val) -> String {
    match v {
        Val::Text(t) => crate::normalize::label_key(t),
        Val::Num(d) => d.normalize().to_string(),
        Val::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Val::Blank | Val::Nothing => String::new(),
    }
}

/// The money amount in 万元 that a text states, read by [`parse_quantity`]: "≤3398.91万元",
/// "小于等于79.73万元", "200.35万" as written, "5000元" ÷ 10000, "1.2亿元" × 10000; a bare number
/// takes its unit from `unit` (the 计量单位 cell). `None` for text that is not one quantity,
/// and for quantities that are not money ("100%", "6次", "2023年10月底前").
fn money_in_text(v: &Val, unit: Option<&Val>) -> Option<Decimal> {
    let text = match v {
        Val::Num(d) => d.normalize().to_string(),
        Val::Text(t) => t.clone(),
        _ => return None,
    };
    let mut q = parse_quantity(&text)?;
    if let Some(Val::Text(u)) = unit {
        q = q.with_unit_column(u);
    }
    let factor = match q.unit.as_str() {
        _ if q.percent => return None,
        "万元" | "万" => Decimal::ONE,
        "千元" => Decimal::new(1, 1),
        "元" => Decimal::new(1, 4),
        "亿元" => Decimal::from(10_000),
        _ => return None,
    };
    Some(q.value * factor)
}

/// The points a label prints: the number written right before 分, inside brackets or not —
/// "产出指标（50分）", "产出指标 (40 分)", "效益指标\n（30分）". None when no such number.
pub fn points_in(text: &str) -> Option<Decimal> {
    let key = crate::normalize::label_key(text);
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '分' {
            continue;
        }
        let mut j = i;
        while j > 0 && (chars[j - 1].is_ascii_digit() || chars[j - 1] == '.') {
            j -= 1;
        }
        let digits: String = chars[j..i].iter().collect();
        if let Ok(d) = digits.trim_start_matches('.').parse::<Decimal>() {
            if !digits.is_empty() && !digits.starts_with('.') {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::str::FromStr;

    #[test]
    fn a_cell_names_its_column_and_a_grid_cell_none() {
        let value = CellId::of_key(2, "2010450.c1");
        assert_eq!(value, CellId::new(2, "2010450", "c1"));
        assert_eq!(value.column(), Some("c1"));
        assert_eq!(value.key(), "2010450.c1");
        let grid = CellId::of_key(2, "fund_rate");
        assert_eq!(grid, CellId::grid(2, "fund_rate"));
        assert_eq!(grid.column(), None);
        assert_eq!(grid.key(), "fund_rate");
        assert!(
            CellId::whole_row(2, "2010450") < value,
            "a row as a whole sorts before its cells, as the empty column did"
        );
    }

    struct Sheet(HashMap<String, (String, Val)>);
    impl Env for Sheet {
        fn value(&self, c: &CellId) -> Val {
            self.0
                .get(&c.key())
                .map(|v| v.1.clone())
                .unwrap_or(Val::Blank)
        }
    }
    impl Addresses for Sheet {
        fn position(&self, c: &CellId) -> Option<(u32, u16)> {
            crate::cellref::parse_a1(&self.0.get(&c.key())?.0)
        }
        fn sheet_prefix(&self, _form: usize, _home: usize) -> String {
            String::new()
        }
        fn top_level_sum(&self, _: usize, _: &str, _: &str, _: usize) -> Option<String> {
            None
        }
    }
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn cell(k: &str) -> CellId {
        CellId::new(0, k, "amount")
    }

    #[test]
    fn additive_chain_becomes_sums_and_evaluates_exactly() {
        let mut m = HashMap::new();
        m.insert("L1.amount".into(), ("C5".into(), Val::Num(d("526.36"))));
        m.insert("L2.amount".into(), ("C6".into(), Val::Nothing));
        m.insert("L3.amount".into(), ("C7".into(), Val::Num(d("0.01"))));
        let sheet = Sheet(m);
        let e = Bound::Bin(
            BinOp::Sub,
            Box::new(Bound::Bin(
                BinOp::Add,
                Box::new(Bound::Cell(cell("L1"))),
                Box::new(Bound::Cell(cell("L2"))),
            )),
            Box::new(Bound::Cell(cell("L3"))),
        );
        assert_eq!(e.eval(&sheet), Val::Num(d("526.35")));
        assert_eq!(e.excel(&sheet, 0).unwrap(), "SUM(C5,C6)-SUM(C7)");
        let s = Bound::Cells(vec![cell("L1"), cell("L2"), cell("L3")]);
        assert_eq!(s.excel(&sheet, 0).unwrap(), "SUM(C5:C7)");
        assert_eq!(s.term_count(), 3);
    }

    #[test]
    fn sums_past_excels_255_arguments_nest() {
        // 600 cells two rows apart: no range joins them, 600 arguments.
        let mut m = HashMap::new();
        let mut cells = Vec::new();
        for i in 0..600u32 {
            let key = format!("r{i}");
            m.insert(
                format!("{key}.amount"),
                (format!("C{}", 5 + 2 * i), Val::Num(d("1"))),
            );
            cells.push(cell(&key));
        }
        let sheet = Sheet(m);
        let sum = Bound::Cells(cells.clone());
        let f = sum.excel(&sheet, 0).unwrap();
        assert!(
            f.starts_with("SUM(SUM(C5,C7,") && f.ends_with(",C1203))"),
            "{f}"
        );
        assert_eq!(widest_call(&f), 255);
        assert_eq!(f.matches("C").count(), 600, "every cell once");
        assert_eq!(sum.eval(&sheet), Val::Num(d("600")));
        let call = Bound::Call(Func::Max, cells.into_iter().map(Bound::Cell).collect());
        let f = call.excel(&sheet, 0).unwrap();
        assert!(f.starts_with("MAX(MAX(N(C5),"), "{f}");
        assert_eq!(widest_call(&f), 255);
        let few = excel_call("SUM", vec!["A1".into(), "A3".into()]);
        assert_eq!(few, "SUM(A1,A3)");
        let many: Vec<String> = (0..70_000).map(|i| format!("A{i}")).collect();
        assert_eq!(widest_call(&excel_call("SUM", many)), 255, "nests twice");
    }

    /// A call written straight into the formula is the call its argument texts make: the same
    /// ranges, separators and nesting, on both sides of Excel's 255 arguments.
    #[test]
    fn a_call_written_in_place_is_the_call_of_its_arguments() {
        let mut rng = crate::test_rng::Rng::new(0x5eed_0255);
        for case in 0..300 {
            let mut m = HashMap::new();
            let mut args = Vec::new();
            let mut row = 5u32;
            let count = [1, 2, 3, 60, 250, 256, 300][case % 7];
            for a in 0..count {
                let cells: Vec<CellId> = (0..rng.below(4))
                    .map(|i| {
                        // Mostly consecutive rows, which join into ranges; sometimes a gap.
                        row += 1 + u32::from(rng.below(3) == 0);
                        let key = format!("a{a}c{i}");
                        m.insert(format!("{key}.amount"), (format!("C{row}"), Val::Blank));
                        cell(&key)
                    })
                    .collect();
                args.push(match cells.len() {
                    1 if rng.below(2) == 0 => Bound::Cell(cells[0].clone()),
                    _ => Bound::Cells(cells),
                });
            }
            let sheet = Sheet(m);
            for (f, name) in [(Func::Sum, "SUM"), (Func::Min, "MIN"), (Func::Max, "MAX")] {
                let mut in_place = String::new();
                emit_plain_call(f, name, &args, &sheet, 0, &mut in_place).unwrap();
                let mut texts = Vec::new();
                each_argument(f, &args, &sheet, 0, &mut |t| texts.push(t.to_string())).unwrap();
                assert_eq!(in_place, excel_call(name, texts), "case {case}");
            }
        }
    }

    #[test]
    fn ratio_gives_dashes_on_zero_and_if_in_excel() {
        let mut m = HashMap::new();
        m.insert("a.amount".into(), ("B2".into(), Val::Num(d("33"))));
        m.insert("b.amount".into(), ("C2".into(), Val::Num(d("44"))));
        m.insert("z.amount".into(), ("D2".into(), Val::Blank));
        let sheet = Sheet(m);
        let r = Bound::Call(
            Func::Ratio,
            vec![Bound::Cell(cell("a")), Bound::Cell(cell("b"))],
        );
        assert_eq!(r.eval(&sheet), Val::Num(d("0.75")));
        assert_eq!(
            r.excel(&sheet, 0).unwrap(),
            "IF(N(C2)=0,\"——\",N(B2)/N(C2))"
        );
        let z = Bound::Call(
            Func::Ratio,
            vec![Bound::Cell(cell("a")), Bound::Cell(cell("z"))],
        );
        assert_eq!(z.eval(&sheet), Val::Nothing);
    }

    #[test]
    fn rounding_is_half_away_from_zero_like_excel() {
        assert_eq!(round_dp(d("7.965"), 2), d("7.97"));
        assert_eq!(round_dp(d("-0.005"), 2), d("-0.01"));
    }

    fn text(t: &str) -> Val {
        Val::Text(t.into())
    }

    #[test]
    fn amount_reads_money_targets_in_wanyuan_and_nothing_else() {
        let m = |t: &str, u: Option<&str>| money_in_text(&text(t), u.map(text).as_ref());
        // As seed 002 prints them.
        assert_eq!(m("≤3398.91万元", None), Some(d("3398.91")));
        assert_eq!(m("小于等于79.73万元", None), Some(d("79.73")));
        assert_eq!(m("200.35万", None), Some(d("200.35")));
        assert_eq!(m("3398.91", Some("万元")), Some(d("3398.91")));
        assert_eq!(m("３，３９８．９１ 万元", None), Some(d("3398.91")));
        assert_eq!(m("5000元", None), Some(d("0.5")));
        assert_eq!(m("1.2亿元", None), Some(d("12000")));
        // Not money: percentages, counts, dates, no number at all.
        assert_eq!(m("100%", Some("%")), None);
        assert_eq!(m("6次", Some("次")), None);
        assert_eq!(m("2023年10月底前", None), None);
        assert_eq!(m("稳步推动", Some("万元")), None);
        assert_eq!(m("3398.91", None), None);
        assert_eq!(money_in_text(&Val::Blank, Some(&text("万元"))), None);
    }

    #[test]
    fn text_predicates_fold_spaces_and_full_width_forms() {
        let env = Sheet(HashMap::new());
        let call = |f: Func, args: Vec<Bound>| Bound::Call(f, args).eval(&env);
        let s = |t: &str| Bound::Str(t.into());
        assert_eq!(
            call(
                Func::In,
                vec![s(" 产出 指标"), s("效益指标"), s("产出指标")]
            ),
            Val::Bool(true)
        );
        assert_eq!(
            call(Func::In, vec![s("经济成本指标"), s("成本指标")]),
            Val::Bool(false)
        );
        assert_eq!(
            call(Func::Contains, vec![s("成本控制在预算范围内"), s("成本")]),
            Val::Bool(true)
        );
        assert_eq!(
            call(Func::Contains, vec![s("宣传活动次数"), s("成本")]),
            Val::Bool(false)
        );
    }

    #[test]
    fn first_takes_the_first_filled_cell_and_sumif_only_rows_whose_condition_holds() {
        let mut m = HashMap::new();
        m.insert("#1.fund".into(), ("C6".into(), Val::Num(d("340.42"))));
        m.insert("#1.target".into(), ("D6".into(), Val::Blank));
        m.insert("#2.fund".into(), ("C7".into(), Val::Num(d("79.73"))));
        m.insert("#2.target".into(), ("D7".into(), text("深度推介…")));
        m.insert("#3.fund".into(), ("C8".into(), Val::Blank));
        m.insert("#3.target".into(), ("D7".into(), text("深度推介…")));
        m.insert("#4.fund".into(), ("C9".into(), Val::Num(d("60.34"))));
        m.insert("#4.target".into(), ("D9".into(), text("聚焦…")));
        let sheet = Sheet(m);
        let c = |k: &str, col: &str| CellId::new(0, k, col);
        let first = Bound::Call(
            Func::First,
            vec![Bound::Cells(vec![c("#3", "fund"), c("#2", "fund")])],
        );
        assert_eq!(first.eval(&sheet), Val::Num(d("79.73")));
        assert_eq!(first.excel(&sheet, 0).unwrap(), "IF(C8<>\"\",C8,C7)");
        let when = |k: &str| {
            Bound::Not(Box::new(Bound::Call(
                Func::Blank,
                vec![Bound::Cell(c(k, "target"))],
            )))
        };
        let sumif = Bound::SumIf(
            ["#1", "#2", "#3", "#4"]
                .iter()
                .map(|k| (c(k, "fund"), when(k)))
                .collect(),
        );
        assert_eq!(sumif.eval(&sheet), Val::Num(d("140.07")));
        assert_eq!(sumif.term_count(), 4);
        assert_eq!(sumif.term_count_in(&sheet), 2, "the two filled projects");
        let mut ops = Vec::new();
        sumif.operands(&sheet, &mut ops);
        assert_eq!(ops, vec![c("#2", "fund"), c("#3", "fund"), c("#4", "fund")]);
        assert_eq!(
            sumif.excel(&sheet, 0).unwrap(),
            "SUM(IF(NOT(OR(D6=\"\",D6=\"——\")),N(C6),0),IF(NOT(OR(D7=\"\",D7=\"——\")),N(C7),0),\
             IF(NOT(OR(D7=\"\",D7=\"——\")),N(C8),0),IF(NOT(OR(D9=\"\",D9=\"——\")),N(C9),0))"
        );
    }

    #[test]
    fn points_are_read_off_labels() {
        assert_eq!(points_in("产出指标（50分）"), Some(d("50")));
        assert_eq!(points_in("产出指标\n(50 分)"), Some(d("50")));
        assert_eq!(points_in("效益指标\n（30分）\n　"), Some(d("30")));
        assert_eq!(points_in("产出指标 (7.5分)"), Some(d("7.5")));
        assert_eq!(points_in("成本指标"), None);
        assert_eq!(points_in("评分"), None);
    }
}
