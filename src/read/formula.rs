//! Computes what a formula stored without its result shows, as a spreadsheet does on opening.
//!
//! Workbooks written by scripts and some exporters keep `<f>SUM(B5:B30)</f>` with no `<v>`:
//! Excel, WPS and LibreOffice compute it when the file is opened, so the clerk sees the total.
//! Reading, before recognition, computes the formulas these forms use (references, ranges,
//! `+ - * / &`, comparisons, SUM, ROUND, IF, IFERROR, MIN, MAX, ABS) with decimal arithmetic,
//! each after the uncached formulas it refers to. Anything else (another function, a name, a
//! cycle, a sheet not in the workbook) is refused with its reason, never guessed.

use super::{Cell, Sheet};
use crate::cellref::{a1, parse_a1};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A cell of the workbook: (sheet index, row, column), zero-based.
pub(super) type At = (usize, u32, u16);

/// How deep formulas may refer to other uncached formulas before computing is refused.
const MAX_DEPTH: usize = 64;

/// How many cells one range may cover: a whole-sheet range is not walked.
const MAX_RANGE_CELLS: u64 = 2_000_000;

/// Why a formula was not computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The file gave no formula text for the cell.
    NoText,
    /// A function, name or way of writing not computed here.
    Unsupported(String),
    /// The formula refers, directly or through others, to itself.
    Cycle,
    /// It refers to a sheet the workbook does not have.
    NoSheet(String),
    /// It refers to a formula that could not be computed.
    Depends(String),
    /// Formulas refer to formulas more than [`MAX_DEPTH`] deep.
    TooDeep,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoText => write!(f, "文件中读不到公式内容"),
            Refusal::Unsupported(what) => write!(f, "含无法计算的内容“{what}”"),
            Refusal::Cycle => write!(f, "公式循环引用自身"),
            Refusal::NoSheet(name) => write!(f, "引用的工作表“{name}”不存在"),
            Refusal::Depends(cell) => write!(f, "引用的 {cell} 也无法计算"),
            Refusal::TooDeep => write!(f, "公式之间的引用层次过深"),
        }
    }
}

/// A value met while computing: a cell's, a literal's or an operation's.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Num(Decimal),
    Text(String),
    Bool(bool),
    Empty,
    /// A spreadsheet error (`#DIV/0!`), carried on as a spreadsheet carries it.
    Error(String),
    /// The cells a reference covers (one for `B5`), in no particular order.
    Cells(Vec<Value>),
}

type Computed = Result<Value, Refusal>;

const DIV0: &str = "#DIV/0!";
const VALUE: &str = "#VALUE!";
const NUM: &str = "#NUM!";

/// One uncached formula and, once asked for, what it computes to.
struct Slot {
    text: Option<String>,
    state: State,
}

enum State {
    Waiting,
    Busy,
    Done(Computed),
}

/// The workbook's sheets and its uncached formulas.
struct Book<'s> {
    sheets: &'s [Sheet],
    slots: BTreeMap<At, Slot>,
}

/// Computes each uncached formula (`text` as stored, without `=`; `None` when the file gave
/// none) over `sheets`: the cell it shows, or why it was not computed.
pub(super) fn compute_all(
    sheets: &[Sheet],
    formulas: Vec<(At, Option<String>)>,
) -> Vec<(At, Result<Cell, Refusal>)> {
    let slots = formulas
        .into_iter()
        .map(|(at, text)| {
            let state = State::Waiting;
            (at, Slot { text, state })
        })
        .collect();
    let mut book = Book { sheets, slots };
    let places: Vec<At> = book.slots.keys().copied().collect();
    places
        .into_iter()
        .map(|at| (at, book.slot_value(at, 0).and_then(shown_cell)))
        .collect()
}

/// The cell a formula's final value shows: a reference to an empty cell shows 0, an empty
/// text shows nothing.
fn shown_cell(value: Value) -> Result<Cell, Refusal> {
    Ok(match value {
        Value::Num(n) => Cell::Number(n),
        Value::Empty => Cell::Number(Decimal::ZERO),
        Value::Text(t) if t.is_empty() => Cell::Empty,
        Value::Text(t) => Cell::Text(t),
        Value::Bool(b) => Cell::Bool(b),
        Value::Error(e) => Cell::Error(e),
        Value::Cells(_) => return Err(Refusal::Unsupported("区域".into())),
    })
}

impl Book<'_> {
    /// The value of the uncached formula at `at`, computed once.
    fn slot_value(&mut self, at: At, depth: usize) -> Computed {
        let Some(slot) = self.slots.get_mut(&at) else {
            return Err(Refusal::NoText);
        };
        let text = match &slot.state {
            State::Done(done) => return done.clone(),
            State::Busy => return Err(Refusal::Cycle),
            State::Waiting => slot.text.clone(),
        };
        if depth > MAX_DEPTH {
            return Err(Refusal::TooDeep);
        }
        slot.state = State::Busy;
        let computed = match text {
            None => Err(Refusal::NoText),
            Some(text) => Parser::new(&text, at.0, self, depth).formula(),
        }
        .and_then(|v| {
            single(v).map(|v| {
                if v == Value::Empty {
                    Value::Num(Decimal::ZERO)
                } else {
                    v
                }
            })
        });
        if let Some(slot) = self.slots.get_mut(&at) {
            slot.state = State::Done(computed.clone());
        }
        computed
    }

    /// The value a reference reads at `at`: the stored cell, or the uncached formula's.
    fn cell_value(&mut self, at: At, depth: usize) -> Computed {
        if self.slots.contains_key(&at) {
            return self.slot_value(at, depth + 1).map_err(|why| match why {
                Refusal::Cycle | Refusal::TooDeep => why,
                _ => Refusal::Depends(a1(at.1, at.2)),
            });
        }
        Ok(stored_value(self.sheets[at.0].get(at.1, at.2)))
    }

    /// The values of the cells of a range (rows r0..=r1, columns c0..=c1) holding something.
    fn range_values(
        &mut self,
        sheet: usize,
        from: (u32, u16),
        to: (u32, u16),
        depth: usize,
    ) -> Computed {
        let (r0, r1) = (from.0.min(to.0), from.0.max(to.0));
        let (c0, c1) = (from.1.min(to.1), from.1.max(to.1));
        let area = u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1);
        if area > MAX_RANGE_CELLS {
            return Err(Refusal::Unsupported(format!(
                "{}:{}",
                a1(r0, c0),
                a1(r1, c1)
            )));
        }
        let mut places: Vec<At> = Vec::new();
        let sheet_rows = &self.sheets[sheet].rows;
        let last_row = (sheet_rows.len() as u32).min(r1.saturating_add(1));
        for r in r0..last_row {
            let line = &sheet_rows[r as usize];
            let from = line.partition_point(|(c, _)| *c < c0);
            places.extend(
                line[from..]
                    .iter()
                    .take_while(|(c, _)| *c <= c1)
                    .map(|(c, _)| (sheet, r, *c)),
            );
        }
        let pending = self
            .slots
            .range((sheet, r0, c0)..=(sheet, r1, c1))
            .map(|(at, _)| *at)
            .filter(|at| (c0..=c1).contains(&at.2));
        places.extend(pending.collect::<Vec<_>>());
        places.sort_unstable();
        places.dedup();
        let mut values = Vec::with_capacity(places.len());
        for at in places {
            values.push(self.cell_value(at, depth)?);
        }
        Ok(Value::Cells(values))
    }
}

/// A stored cell as a formula reads it.
fn stored_value(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Empty,
        Cell::Number(n) => Value::Num(*n),
        Cell::Text(t) => Value::Text(t.clone()),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Error(e) => Value::Error(e.clone()),
    }
}

/// A reference used as one value: a single cell's; a range of several is not computed.
fn single(value: Value) -> Computed {
    match value {
        Value::Cells(mut cells) => match cells.len() {
            0 => Ok(Value::Empty),
            1 => Ok(cells.pop().unwrap_or(Value::Empty)),
            _ => Err(Refusal::Unsupported("区域用作单个数值".into())),
        },
        v => Ok(v),
    }
}

/// A value as a number in arithmetic, or the error it gives.
fn number(value: &Value) -> Result<Decimal, String> {
    match value {
        Value::Num(n) => Ok(*n),
        Value::Empty => Ok(Decimal::ZERO),
        Value::Bool(b) => Ok(Decimal::from(u8::from(*b))),
        Value::Text(t) => t.trim().parse().map_err(|_| VALUE.to_string()),
        Value::Error(e) => Err(e.clone()),
        Value::Cells(_) => Err(VALUE.to_string()),
    }
}

/// A value as text, for `&`.
fn text_of(value: &Value) -> Result<String, String> {
    Ok(match value {
        Value::Num(n) => n.normalize().to_string(),
        Value::Text(t) => t.clone(),
        Value::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        Value::Empty => String::new(),
        Value::Error(e) => return Err(e.clone()),
        Value::Cells(_) => return Err(VALUE.to_string()),
    })
}

/// Applies `op` to two numbers; an error operand or result gives the error value.
fn arithmetic(a: &Value, b: &Value, op: char) -> Value {
    let (x, y) = match (number(a), number(b)) {
        (Err(e), _) | (_, Err(e)) => return Value::Error(e),
        (Ok(x), Ok(y)) => (x, y),
    };
    let result = match op {
        '+' => x.checked_add(y),
        '-' => x.checked_sub(y),
        '*' => x.checked_mul(y),
        _ if y.is_zero() => return Value::Error(DIV0.into()),
        _ => x.checked_div(y),
    };
    result.map_or(Value::Error(NUM.into()), Value::Num)
}

/// Orders two values as a spreadsheet compares them: numbers before texts before booleans,
/// texts without regard to case, an empty cell as the other side's zero value.
fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Num(_) | Value::Empty => 0,
            Value::Text(_) => 1,
            _ => 2,
        }
    }
    let blank = |other: &Value| match other {
        Value::Text(_) => Value::Text(String::new()),
        Value::Bool(_) => Value::Bool(false),
        _ => Value::Num(Decimal::ZERO),
    };
    let (a, b) = match (a, b) {
        (Value::Error(e), _) | (_, Value::Error(e)) => return Err(e.clone()),
        (Value::Empty, b) => (blank(b), b.clone()),
        (a, Value::Empty) => (a.clone(), blank(a)),
        (a, b) => (a.clone(), b.clone()),
    };
    Ok(match (&a, &b) {
        (Value::Num(x), Value::Num(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(&a).cmp(&rank(&b)),
    })
}

/// Reads and computes one formula, left to right (operators by spreadsheet precedence).
struct Parser<'b, 's> {
    chars: Vec<char>,
    at: usize,
    sheet: usize,
    book: &'b mut Book<'s>,
    depth: usize,
}

impl<'b, 's> Parser<'b, 's> {
    fn new(text: &str, sheet: usize, book: &'b mut Book<'s>, depth: usize) -> Self {
        let text = text.strip_prefix('=').unwrap_or(text);
        Parser {
            chars: text.chars().collect(),
            at: 0,
            sheet,
            book,
            depth,
        }
    }

    fn formula(&mut self) -> Computed {
        let value = self.comparison()?;
        self.skip_space();
        match self.peek() {
            None => Ok(value),
            Some(c) => Err(self.unsupported(c)),
        }
    }

    fn unsupported(&self, c: char) -> Refusal {
        let rest: String = self.chars[self.at..].iter().take(12).collect();
        Refusal::Unsupported(if rest.is_empty() { c.to_string() } else { rest })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// Takes `s` if it comes next (after spaces).
    fn eat(&mut self, s: &str) -> bool {
        self.skip_space();
        let n = s.chars().count();
        let next = self.chars.get(self.at..self.at + n);
        if next.is_some_and(|next| next.iter().copied().eq(s.chars())) {
            self.at += n;
            return true;
        }
        false
    }

    fn comparison(&mut self) -> Computed {
        let mut left = self.concat()?;
        loop {
            let op = ["<=", ">=", "<>", "=", "<", ">"]
                .into_iter()
                .find(|op| self.eat(op));
            let Some(op) = op else { return Ok(left) };
            let right = single(self.concat()?)?;
            left = match compare(&single(left)?, &right) {
                Err(e) => Value::Error(e),
                Ok(o) => Value::Bool(match op {
                    "<=" => o.is_le(),
                    ">=" => o.is_ge(),
                    "<>" => o.is_ne(),
                    "=" => o.is_eq(),
                    "<" => o.is_lt(),
                    _ => o.is_gt(),
                }),
            };
        }
    }

    fn concat(&mut self) -> Computed {
        let mut left = self.additive()?;
        while self.eat("&") {
            let right = single(self.additive()?)?;
            left = match (text_of(&single(left)?), text_of(&right)) {
                (Err(e), _) | (_, Err(e)) => Value::Error(e),
                (Ok(a), Ok(b)) => Value::Text(a + &b),
            };
        }
        Ok(left)
    }

    fn additive(&mut self) -> Computed {
        let mut left = self.term()?;
        loop {
            let op = if self.eat("+") {
                '+'
            } else if self.eat("-") {
                '-'
            } else {
                return Ok(left);
            };
            let right = single(self.term()?)?;
            left = arithmetic(&single(left)?, &right, op);
        }
    }

    fn term(&mut self) -> Computed {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat("*") {
                '*'
            } else if self.eat("/") {
                '/'
            } else {
                return Ok(left);
            };
            let right = single(self.unary()?)?;
            left = arithmetic(&single(left)?, &right, op);
        }
    }

    fn unary(&mut self) -> Computed {
        if self.eat("-") {
            let v = single(self.unary()?)?;
            return Ok(arithmetic(&Value::Num(Decimal::ZERO), &v, '-'));
        }
        if self.eat("+") {
            return self.unary();
        }
        let value = self.primary()?;
        if self.eat("%") {
            return Ok(arithmetic(
                &single(value)?,
                &Value::Num(Decimal::ONE_HUNDRED),
                '/',
            ));
        }
        Ok(value)
    }

    fn primary(&mut self) -> Computed {
        self.skip_space();
        let Some(c) = self.peek() else {
            return Err(Refusal::Unsupported("公式不完整".into()));
        };
        match c {
            '(' => {
                self.at += 1;
                let v = self.comparison()?;
                if !self.eat(")") {
                    return Err(Refusal::Unsupported("(".into()));
                }
                Ok(v)
            }
            '0'..='9' | '.' => self.number(),
            '"' => self.string(),
            '#' => self.error_literal(),
            '\'' => {
                let name = self.quoted_name()?;
                self.sheet_reference(&name)
            }
            c if c.is_alphanumeric() || c == '$' || c == '_' => self.word_item(),
            c => Err(self.unsupported(c)),
        }
    }

    fn number(&mut self) -> Computed {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.at += 1;
        }
        let mut text: String = self.chars[start..self.at].iter().collect();
        if self.peek().is_some_and(|c| c == 'E' || c == 'e') {
            let mark = self.at;
            self.at += 1;
            if self.peek().is_some_and(|c| c == '+' || c == '-') {
                self.at += 1;
            }
            let digits = self.at;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
            if digits == self.at {
                self.at = mark;
            } else {
                text = self.chars[start..self.at].iter().collect();
                return Decimal::from_scientific(&text)
                    .map(Value::Num)
                    .map_err(|_| Refusal::Unsupported(text));
            }
        }
        text.parse()
            .map(Value::Num)
            .map_err(|_| Refusal::Unsupported(text))
    }

    fn string(&mut self) -> Computed {
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(Refusal::Unsupported("\"".into())),
                Some('"') if self.chars.get(self.at + 1) == Some(&'"') => {
                    out.push('"');
                    self.at += 2;
                }
                Some('"') => {
                    self.at += 1;
                    return Ok(Value::Text(out));
                }
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn error_literal(&mut self) -> Computed {
        let rest: String = self.chars[self.at..].iter().collect();
        let known = [
            "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
        ];
        match known
            .into_iter()
            .find(|e| rest.to_uppercase().starts_with(e))
        {
            Some(e) => {
                self.at += e.chars().count();
                Ok(Value::Error(e.to_string()))
            }
            None => Err(self.unsupported('#')),
        }
    }

    /// A sheet name written in quotes (`'公开01表 (2)'`, a quote doubled inside).
    fn quoted_name(&mut self) -> Result<String, Refusal> {
        self.at += 1;
        let mut name = String::new();
        loop {
            match self.peek() {
                None => return Err(Refusal::Unsupported("'".into())),
                Some('\'') if self.chars.get(self.at + 1) == Some(&'\'') => {
                    name.push('\'');
                    self.at += 2;
                }
                Some('\'') => {
                    self.at += 1;
                    return Ok(name);
                }
                Some(c) => {
                    name.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// A run of letters, digits, `$`, `_` and `.`: a function, sheet, cell or boolean.
    fn word(&mut self) -> String {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '$' | '_' | '.'))
        {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn word_item(&mut self) -> Computed {
        let word = self.word();
        match self.peek() {
            Some('!') => return self.sheet_reference(&word),
            Some('(') => {
                self.at += 1;
                return self.function(&word);
            }
            _ => {}
        }
        match word.to_uppercase().as_str() {
            "TRUE" => return Ok(Value::Bool(true)),
            "FALSE" => return Ok(Value::Bool(false)),
            _ => {}
        }
        match parse_a1(&word) {
            Some(cell) => self.reference(self.sheet, cell),
            None => Err(Refusal::Unsupported(word)),
        }
    }

    /// `name!B5` or `name!B5:C9`, the name read.
    fn sheet_reference(&mut self, name: &str) -> Computed {
        if !self.eat("!") {
            return Err(Refusal::Unsupported(name.to_string()));
        }
        let sheet = self
            .book
            .sheets
            .iter()
            .position(|s| s.name.to_lowercase() == name.to_lowercase())
            .ok_or_else(|| Refusal::NoSheet(name.to_string()))?;
        let word = self.word();
        let cell = parse_a1(&word).ok_or(Refusal::Unsupported(word))?;
        self.reference(sheet, cell)
    }

    /// A cell of `sheet`, or the range it opens when `:` follows.
    fn reference(&mut self, sheet: usize, from: (u32, u16)) -> Computed {
        let mut to = from;
        if self.peek() == Some(':') {
            self.at += 1;
            let word = self.word();
            to = parse_a1(&word).ok_or(Refusal::Unsupported(word))?;
        }
        if from == to {
            let value = self.book.cell_value((sheet, from.0, from.1), self.depth)?;
            return Ok(Value::Cells(vec![value]));
        }
        self.book.range_values(sheet, from, to, self.depth)
    }

    /// The arguments of a function, its `(` taken: each as computed (an omitted one empty).
    fn arguments(&mut self) -> Result<Vec<Value>, Refusal> {
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            self.skip_space();
            if matches!(self.peek(), Some(',' | ')')) {
                args.push(Value::Empty);
            } else {
                args.push(self.comparison()?);
            }
            if self.eat(")") {
                return Ok(args);
            }
            if !self.eat(",") {
                return Err(self.unsupported(self.peek().unwrap_or(')')));
            }
        }
    }

    fn function(&mut self, name: &str) -> Computed {
        let upper = name.to_uppercase();
        let upper = upper.trim_start_matches("_XLFN.");
        let args = self.arguments()?;
        let wrong = || Refusal::Unsupported(format!("{name}（参数个数）"));
        match (upper, args.len()) {
            ("SUM", _) => Ok(fold_numbers(args, Decimal::ZERO, |a, b| a.checked_add(b))),
            ("MIN", _) => Ok(extreme(args, Ordering::Less)),
            ("MAX", _) => Ok(extreme(args, Ordering::Greater)),
            ("ABS", 1) => Ok(one_number(&args[0], |n| Some(n.abs()))?),
            ("ROUND", 2) => round(&args[0], &args[1]),
            ("IF", 2 | 3) => if_value(args),
            ("IFERROR", 2) => {
                let mut args = args.into_iter();
                let (value, alt) = (args.next(), args.next());
                let value = single(value.unwrap_or(Value::Empty))?;
                Ok(if matches!(value, Value::Error(_)) {
                    single(alt.unwrap_or(Value::Empty))?
                } else {
                    value
                })
            }
            ("ABS" | "ROUND" | "IF" | "IFERROR", _) => Err(wrong()),
            _ => Err(Refusal::Unsupported(format!("{name}()"))),
        }
    }
}

/// The numbers of a function's arguments, as SUM takes them: in a reference only numbers
/// count (texts and booleans are passed over); a value typed in is converted; an error
/// anywhere is the result.
fn numbers(args: Vec<Value>) -> Result<Vec<Decimal>, String> {
    let mut out = Vec::new();
    for arg in args {
        match arg {
            Value::Cells(cells) => {
                for cell in cells {
                    match cell {
                        Value::Num(n) => out.push(n),
                        Value::Error(e) => return Err(e),
                        _ => {}
                    }
                }
            }
            v => out.push(number(&v)?),
        }
    }
    Ok(out)
}

fn fold_numbers(
    args: Vec<Value>,
    start: Decimal,
    op: impl Fn(Decimal, Decimal) -> Option<Decimal>,
) -> Value {
    match numbers(args) {
        Err(e) => Value::Error(e),
        Ok(ns) => ns
            .into_iter()
            .try_fold(start, op)
            .map_or(Value::Error(NUM.into()), Value::Num),
    }
}

/// MIN (`Less`) or MAX (`Greater`) of the arguments' numbers; 0 when there is none.
fn extreme(args: Vec<Value>, wanted: Ordering) -> Value {
    match numbers(args) {
        Err(e) => Value::Error(e),
        Ok(ns) => Value::Num(
            ns.into_iter()
                .reduce(|a, b| if b.cmp(&a) == wanted { b } else { a })
                .unwrap_or(Decimal::ZERO),
        ),
    }
}

fn one_number(arg: &Value, f: impl Fn(Decimal) -> Option<Decimal>) -> Computed {
    Ok(match number(&single(arg.clone())?) {
        Err(e) => Value::Error(e),
        Ok(n) => f(n).map_or(Value::Error(NUM.into()), Value::Num),
    })
}

/// ROUND(x, digits), halves away from zero; negative digits round to tens, hundreds….
fn round(x: &Value, digits: &Value) -> Computed {
    let digits = match number(&single(digits.clone())?) {
        Err(e) => return Ok(Value::Error(e)),
        Ok(d) => d.trunc(),
    };
    let Ok(digits) = i32::try_from(digits.mantissa() / 10i128.pow(digits.scale())) else {
        return Ok(Value::Error(NUM.into()));
    };
    let away = RoundingStrategy::MidpointAwayFromZero;
    one_number(x, |n| match digits {
        0.. => Some(n.round_dp_with_strategy(digits.min(28) as u32, away)),
        -15..=-1 => {
            let unit = Decimal::from(10i64.pow(digits.unsigned_abs()));
            n.checked_div(unit)
                .map(|q| q.round_dp_with_strategy(0, away))
                .and_then(|q| q.checked_mul(unit))
        }
        _ => Some(Decimal::ZERO),
    })
}

/// IF(condition, then, else): a number is true when not 0; a text is an error.
fn if_value(args: Vec<Value>) -> Computed {
    let mut args = args.into_iter();
    let condition = single(args.next().unwrap_or(Value::Empty))?;
    let (then, otherwise) = (args.next(), args.next());
    let truth = match condition {
        Value::Bool(b) => b,
        Value::Num(n) => !n.is_zero(),
        Value::Empty => false,
        Value::Error(e) => return Ok(Value::Error(e)),
        _ => return Ok(Value::Error(VALUE.into())),
    };
    let chosen = if truth { then } else { otherwise };
    match chosen {
        Some(Value::Empty) => Ok(Value::Num(Decimal::ZERO)),
        Some(v) => single(v),
        None => Ok(Value::Bool(false)),
    }
}
