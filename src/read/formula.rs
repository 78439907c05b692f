//! Computes what a formula stored without its result shows, as a spreadsheet does on opening.
//!
//! Workbooks written by scripts and some exporters keep `<f>SUM(B5:B30)</f>` with no `<v>`:
//! Excel, WPS and LibreOffice compute it when the file is opened, so the clerk sees the total.
//! Reading, before recognition, computes the formulas these forms use (references, ranges,
//! `+ - * / &`, comparisons, SUM, ROUND, IF, IFERROR, MIN, MAX, ABS, and the N, AND, OR,
//! NOT, ISNUMBER, COUNT and LEN of fiscalform's own workbooks) with decimal arithmetic,
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

/// How many times formulas refused as too deep are tried again, each time from the far end
/// of their chains (chains up to about MAX_DEPTH × MAX_PASSES are computed).
const MAX_PASSES: usize = 64;

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
    for at in &places {
        let _ = book.slot_value(*at, 0);
    }
    // A chain deeper than MAX_DEPTH is computed from its far end, one stretch a pass.
    for _ in 0..MAX_PASSES {
        let too_deep: Vec<At> = book
            .slots
            .iter()
            .filter(|(_, s)| s.too_deep())
            .map(|(at, _)| *at)
            .collect();
        if too_deep.is_empty() {
            break;
        }
        for at in &too_deep {
            if let Some(slot) = book.slots.get_mut(at) {
                slot.state = State::Waiting;
            }
        }
        for at in too_deep.iter().rev() {
            let _ = book.slot_value(*at, 0);
        }
    }
    places
        .into_iter()
        .map(|at| (at, book.slot_value(at, 0).and_then(shown_cell)))
        .collect()
}

impl Slot {
    fn too_deep(&self) -> bool {
        matches!(self.state, State::Done(Err(Refusal::TooDeep)))
    }
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
        self.left_to_right(['+', '-'], Self::term)
    }

    fn term(&mut self) -> Computed {
        self.left_to_right(['*', '/'], Self::unary)
    }

    /// Operands read by `operand`, joined from left to right by either of `ops` (operators of
    /// one precedence).
    fn left_to_right(&mut self, ops: [char; 2], operand: fn(&mut Self) -> Computed) -> Computed {
        let mut left = operand(self)?;
        loop {
            let eaten = ops
                .into_iter()
                .find(|op| self.eat(op.encode_utf8(&mut [0; 4])));
            let Some(op) = eaten else {
                return Ok(left);
            };
            let right = single(operand(self)?)?;
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
            ("N", 1) => n_value(args),
            ("AND" | "OR", 1..) => Ok(logical(args, upper == "AND")),
            ("NOT", 1) => Ok(
                match truth(single(args.into_iter().next().unwrap_or(Value::Empty))?) {
                    Ok(b) => Value::Bool(!b),
                    Err(e) => Value::Error(e),
                },
            ),
            ("ISNUMBER", 1) => Ok(Value::Bool(matches!(
                single(args.into_iter().next().unwrap_or(Value::Empty))?,
                Value::Num(_)
            ))),
            ("COUNT", _) => Ok(count(args)),
            ("LEN", 1) => Ok(
                match text_of(&single(args.into_iter().next().unwrap_or(Value::Empty))?) {
                    Ok(t) => Value::Num(Decimal::from(t.chars().count())),
                    Err(e) => Value::Error(e),
                },
            ),
            (
                "ABS" | "ROUND" | "IF" | "IFERROR" | "N" | "AND" | "OR" | "NOT" | "ISNUMBER"
                | "LEN",
                _,
            ) => Err(wrong()),
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

/// A condition's truth: a number is true when not 0, an empty cell false; a text is an error.
fn truth(condition: Value) -> Result<bool, String> {
    match condition {
        Value::Bool(b) => Ok(b),
        Value::Num(n) => Ok(!n.is_zero()),
        Value::Empty => Ok(false),
        Value::Error(e) => Err(e),
        _ => Err(VALUE.into()),
    }
}

/// IF(condition, then, else).
fn if_value(args: Vec<Value>) -> Computed {
    let mut args = args.into_iter();
    let condition = single(args.next().unwrap_or(Value::Empty))?;
    let (then, otherwise) = (args.next(), args.next());
    let truth = match truth(condition) {
        Ok(b) => b,
        Err(e) => return Ok(Value::Error(e)),
    };
    let chosen = if truth { then } else { otherwise };
    match chosen {
        Some(Value::Empty) => Ok(Value::Num(Decimal::ZERO)),
        Some(v) => single(v),
        None => Ok(Value::Bool(false)),
    }
}

/// N(x): a number as itself, TRUE as 1, anything else but an error 0; of a range, its first
/// cell.
fn n_value(args: Vec<Value>) -> Computed {
    let value = match args.into_iter().next() {
        Some(Value::Cells(cells)) => cells.into_iter().next().unwrap_or(Value::Empty),
        Some(v) => v,
        None => Value::Empty,
    };
    Ok(match value {
        Value::Num(n) => Value::Num(n),
        Value::Bool(b) => Value::Num(Decimal::from(u8::from(b))),
        Value::Error(e) => Value::Error(e),
        _ => Value::Num(Decimal::ZERO),
    })
}

/// AND (`all`) or OR of the arguments' truths: in a reference texts and empty cells are
/// passed over; no truth at all is an error.
fn logical(args: Vec<Value>, all: bool) -> Value {
    let mut truths = Vec::new();
    for arg in args {
        let values = match arg {
            Value::Cells(cells) => cells
                .into_iter()
                .filter(|v| !matches!(v, Value::Text(_) | Value::Empty))
                .collect(),
            v => vec![v],
        };
        for v in values {
            match truth(v) {
                Ok(b) => truths.push(b),
                Err(e) => return Value::Error(e),
            }
        }
    }
    if truths.is_empty() {
        return Value::Error(VALUE.into());
    }
    Value::Bool(if all {
        truths.iter().all(|b| *b)
    } else {
        truths.iter().any(|b| *b)
    })
}

/// COUNT: how many numbers the arguments hold (a number typed as text counts when given
/// directly, not in a reference).
fn count(args: Vec<Value>) -> Value {
    let n = args
        .into_iter()
        .map(|arg| match arg {
            Value::Cells(cells) => cells.iter().filter(|v| matches!(v, Value::Num(_))).count(),
            Value::Num(_) | Value::Bool(_) => 1,
            Value::Text(t) => usize::from(t.trim().parse::<Decimal>().is_ok()),
            _ => 0,
        })
        .sum::<usize>();
    Value::Num(Decimal::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn num(s: &str) -> Cell {
        Cell::Number(Decimal::from_str(s).unwrap())
    }

    /// Two sheets, `公开01表` (B1..B4 = 1.25, 2.5, text, empty; C1 = 0.1) and `Sheet 2`
    /// (A1 = 10), and the formulas `(place, text)`, computed.
    fn computed(formulas: &[(&str, &str)]) -> Vec<(String, Result<Cell, Refusal>)> {
        let rows = vec![
            vec![(1, num("1.25")), (2, num("0.1"))],
            vec![(1, num("2.5"))],
            vec![(1, Cell::Text("合计".into()))],
        ];
        let sheets = [
            Sheet::from_rows("公开01表".into(), false, rows, Vec::new()),
            Sheet::from_rows(
                "Sheet 2".into(),
                false,
                vec![vec![(0, num("10"))]],
                Vec::new(),
            ),
        ];
        let asked = formulas
            .iter()
            .map(|(at, f)| {
                let (r, c) = parse_a1(at).unwrap();
                ((0, r, c), Some(f.to_string()))
            })
            .collect();
        compute_all(&sheets, asked)
            .into_iter()
            .map(|((_, r, c), v)| (a1(r, c), v))
            .collect()
    }

    fn one(formula: &str) -> Result<Cell, Refusal> {
        computed(&[("Z9", formula)]).pop().unwrap().1
    }

    #[test]
    fn arithmetic_references_and_functions_compute_as_a_spreadsheet_shows_them() {
        let cases = [
            ("B1+B2", num("3.75")),
            ("C1+0.2", num("0.3")),
            ("-B1*2+10/4", num("0")),
            ("(1+2)*3-2*-1", num("11")),
            ("$B$1+B$2", num("3.75")),
            ("'公开01表'!B1+公开01表!$B2", num("3.75")),
            ("'Sheet 2'!A1*B2", num("25")),
            ("SUM(B1:B4)", num("3.75")),
            ("SUM(B1,B2,5,B3)", num("8.75")),
            ("SUM(B4:B1)", num("3.75")),
            ("ROUND(2.345,2)", num("2.35")),
            ("ROUND(-2.345,2)", num("-2.35")),
            ("ROUND(1250,-2)", num("1300")),
            ("IF(B1>=B2,\"大\",\"小\")", Cell::Text("小".into())),
            ("IF(B3=\"合计\",1,0)", num("1")),
            ("IF(B4=0,\"\",B4)", Cell::Empty),
            ("IF(B1<>1.25,1)", Cell::Bool(false)),
            ("MIN(B1:B3,3)", num("1.25")),
            ("MAX(B1:B3)", num("2.5")),
            ("ABS(-B2)", num("2.5")),
            ("B3&\"(\"&B1&\")\"", Cell::Text("合计(1.25)".into())),
            ("B4", num("0")),
            ("1.5E+2", num("150")),
            ("IFERROR(1/0,7)", num("7")),
            ("50%", num("0.5")),
        ];
        for (formula, want) in cases {
            assert_eq!(one(formula), Ok(want), "{formula}");
        }
    }

    #[test]
    fn errors_are_shown_as_a_spreadsheet_shows_them() {
        assert_eq!(one("1/0"), Ok(Cell::Error(DIV0.into())));
        assert_eq!(one("SUM(B1,1/0)"), Ok(Cell::Error(DIV0.into())));
        assert_eq!(one("B3+1"), Ok(Cell::Error(VALUE.into())));
        assert_eq!(one("#REF!+1"), Ok(Cell::Error("#REF!".into())));
    }

    #[test]
    fn formulas_are_computed_after_those_they_refer_to() {
        let got = computed(&[
            ("D1", "D2+1"),
            ("D2", "D3*2"),
            ("D3", "SUM(B1:B2)"),
            ("D4", "SUM(D1:D3)"),
        ]);
        let want = [
            ("D1", "8.5"),
            ("D2", "7.5"),
            ("D3", "3.75"),
            ("D4", "19.75"),
        ];
        for ((at, v), (want_at, want)) in got.into_iter().zip(want) {
            assert_eq!((at.as_str(), v), (want_at, Ok(num(want))));
        }
    }

    #[test]
    fn what_cannot_be_computed_is_refused_with_its_reason() {
        let got = computed(&[("D1", "D2+1"), ("D2", "D1"), ("D3", "D1+1"), ("D4", "B1")]);
        assert_eq!(got[0].1, Err(Refusal::Cycle));
        assert_eq!(got[1].1, Err(Refusal::Cycle));
        assert_eq!(got[2].1, Err(Refusal::Cycle));
        assert_eq!(got[3].1, Ok(num("1.25")));
        assert_eq!(
            one("VLOOKUP(1,B1:C3,2)"),
            Err(Refusal::Unsupported("VLOOKUP()".into()))
        );
        assert_eq!(one("某名称*2"), Err(Refusal::Unsupported("某名称".into())));
        assert_eq!(one("'无此表'!A1"), Err(Refusal::NoSheet("无此表".into())));
        assert!(matches!(one("B1:B2+1"), Err(Refusal::Unsupported(_))));
        assert!(matches!(one("SUM(B1"), Err(Refusal::Unsupported(_))));
        assert!(matches!(one("2^3"), Err(Refusal::Unsupported(_))));
        assert!(matches!(one(""), Err(Refusal::Unsupported(_))));
        let got = computed(&[("E1", "E2"), ("E2", "FOO()")]);
        assert_eq!(got[0].1, Err(Refusal::Depends("E2".into())));
    }

    #[test]
    fn a_long_chain_is_computed_or_refused_without_overflowing() {
        let chain = |n: u32| {
            let places: Vec<String> = (1..=n).map(|r| format!("F{r}")).collect();
            let texts: Vec<String> = (1..=n).map(|r| format!("F{}+1", r + 1)).collect();
            let formulas: Vec<(&str, &str)> = places
                .iter()
                .zip(&texts)
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect();
            computed(&formulas)
        };
        // A running total down a long table: computed, whichever end is met first.
        let got = chain(2000);
        assert_eq!(got[0].1, Ok(num("2000")));
        assert_eq!(
            got.last().unwrap().1,
            Ok(num("1")),
            "the last refers to an empty cell"
        );
        // Far longer than any form: still computed from its far end, never a crash.
        let got = chain(20_000);
        assert_eq!(got[0].1, Ok(num("20000")));
        assert_eq!(got.last().unwrap().1, Ok(num("1")));
    }
}
