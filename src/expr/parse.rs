//! Parser of the small Excel-like language that derived cells and checks are written in.
//!
//! ```text
//! expr    := or
//! or      := and ('or' and)*            and := not ('and' not)*       not := 'not' not | cmp
//! cmp     := add (('=='|'!='|'<='|'>='|'<'|'>') add)?
//! add     := mul (('+'|'-') mul)*       mul := unary (('*'|'/') unary)*
//! unary   := '-' unary | primary
//! primary := NUMBER | "text" | '(' expr ')' | NAME '(' args ')' | 'children'
//!          | ("'" FORM "'" '!')? '@' NAME '.' NAME | ref
//!            ('@group.col': the column over the current row's list group)
//! ref     := ("'" FORM "'" '!')? (NAME | '[' CODE ']') ('.' NAME)?      range := ref ':' ref
//! ```
//! References stay symbolic here (`L27`, `total.c1`, `[201].c1`, `c2`); they are bound to
//! concrete cells by the caller, which knows the form and the row the rule is applied to.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Str(String),
    Ref(Ref),
    /// `a:b` — only meaningful as a function argument.
    Range(Ref, Ref),
    /// The child rows of the current row, in the current column.
    Children,
    /// `@panel.col`: the column over every variable row of a panel (of another form with
    /// `'form'!@panel.col`).
    All {
        form: Option<String>,
        panel: String,
        col: String,
    },
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ref {
    /// Another form of the same workbook (`'final-02'!total.c1`).
    pub form: Option<String>,
    pub head: Head,
    pub col: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Head {
    Name(String),
    Code(String),
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(form) = &self.form {
            write!(f, "'{form}'!")?;
        }
        match &self.head {
            Head::Name(n) => write!(f, "{n}")?,
            Head::Code(c) => write!(f, "[{c}]")?,
        }
        if let Some(c) = &self.col {
            write!(f, ".{c}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Le,
    Ge,
    Lt,
    Gt,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Le => "≤",
            CmpOp::Ge => "≥",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
        }
    }
    pub fn excel(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Le => "<=",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Gt => ">",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Sum,
    Min,
    Max,
    Abs,
    Round,
    /// `ratio(a, b)`: a ÷ b, or "——" when b is zero or empty.
    Ratio,
    If,
    /// `blank(x)`: the cell holds nothing (empty or "——").
    Blank,
    /// `in(x, "a", "b", …)`: the text of x is one of the texts (spaces and full-width forms
    /// ignored).
    In,
    /// `contains(x, "a", …)`: the text of x contains one of the texts.
    Contains,
    /// `amount(text, unit)`: the money amount in 万元 a text states ("≤3398.91万元" →
    /// 3398.91, "5000元" → 0.5); a bare number takes its unit from the optional second
    /// argument (a 计量单位 cell); blank when no money amount is found.
    Amount,
    /// `first(cells…)`: the first value that is not blank (a list group's merged cell).
    First,
    /// `sumif(@panel.col, condition)`: the sum of the column over the rows where the
    /// condition, read with that row as the current row, holds.
    SumIf,
    /// `points(x)`: the points printed in a label, "产出指标（50分）" → 50; blank when none.
    Points,
    /// `lookup(key, @p.names, @p.values)`: the value in the row whose name matches the key's
    /// text (numbering and spacing ignored); resolved to one cell when the rule is bound.
    Lookup,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "sum" => Func::Sum,
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "ratio" => Func::Ratio,
            "if" => Func::If,
            "blank" => Func::Blank,
            "in" => Func::In,
            "contains" => Func::Contains,
            "amount" => Func::Amount,
            "first" => Func::First,
            "sumif" => Func::SumIf,
            "points" => Func::Points,
            "lookup" => Func::Lookup,
            _ => return None,
        })
    }
}

/// A token of the expression language; a parse error names the one it did not expect.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(Decimal),
    Str(String),
    Name(String),
    Code(String),
    Form(String),
    Bang,
    Dot,
    Colon,
    Comma,
    LParen,
    RParen,
    At,
    Op(&'static str),
}

/// What is wrong with an expression; shown to the user through its `Display`, in Chinese.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// A character no token starts with.
    UnknownChar(char),
    /// Digits and dots that make no number.
    BadNumber(String),
    /// A text `"…"` without its closing quote.
    UnclosedText,
    /// A form name `'…'` without its closing quote.
    UnclosedFormName,
    /// A subject code `[…]` without its closing bracket.
    UnclosedCode,
    /// Nesting past [`MAX_DEPTH`].
    TooDeep,
    /// Something else where this (described in words) must stand.
    Expected(&'static str),
    /// A call of a function the language does not have.
    UnknownFunction(String),
    /// A token that cannot stand here.
    Unexpected(Tok),
    /// The expression ends where more must follow.
    Incomplete,
    /// A call with a number of arguments its function does not take.
    Arity { func: Func, n: usize },
    /// Tokens left over after a whole expression, counted in tokens.
    Trailing { after: usize },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::UnknownChar(c) => write!(f, "无法识别的字符“{c}”"),
            ParseError::BadNumber(text) => write!(f, "数字写法有误：{text}"),
            ParseError::UnclosedText => f.write_str("引号未闭合"),
            ParseError::UnclosedFormName => f.write_str("表名引号未闭合"),
            ParseError::UnclosedCode => f.write_str("科目代码的方括号未闭合"),
            ParseError::TooDeep => write!(
                f,
                "表达式嵌套过深（超过 {MAX_DEPTH} 层；括号、函数、负号以及连续的 + - * / and or 每一项都算一层）：\
                 请把长串相加改写为 sum(起始单元格:结束单元格) 或 sum(a, b, …)，或把规则拆成几条"
            ),
            ParseError::Expected(what) => write!(f, "此处应为{what}"),
            ParseError::UnknownFunction(n) => write!(f, "未知函数 {n}"),
            ParseError::Unexpected(t) => write!(f, "此处不应出现 {t:?}"),
            ParseError::Incomplete => f.write_str("表达式不完整"),
            ParseError::Arity { func, n } => write!(f, "函数 {func:?} 的参数个数不对（{n} 个）"),
            ParseError::Trailing { after } => write!(f, "表达式在第 {after} 个记号后多出内容"),
        }
    }
}

fn lex(src: &str) -> Result<Vec<Tok>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let rest = &chars[i..];
        let (tok, len) = if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_digit() {
            lex_number(rest)?
        } else if c.is_alphabetic() || c == '_' {
            lex_name(rest)
        } else {
            match c {
                '"' => lex_quoted(rest, '"', ParseError::UnclosedText, Tok::Str)?,
                '\'' => lex_quoted(rest, '\'', ParseError::UnclosedFormName, Tok::Form)?,
                '[' => lex_quoted(rest, ']', ParseError::UnclosedCode, Tok::Code)?,
                other => lex_symbol(rest).ok_or(ParseError::UnknownChar(other))?,
            }
        };
        out.push(tok);
        i += len;
    }
    Ok(out)
}

/// A number at the start of `rest` (digits and dots) and how many characters it takes.
fn lex_number(rest: &[char]) -> Result<(Tok, usize), ParseError> {
    let len = rest
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == '.')
        .count();
    let text: String = rest[..len].iter().collect();
    let n = Decimal::from_str(&text).map_err(|_| ParseError::BadNumber(text.clone()))?;
    Ok((Tok::Num(n), len))
}

/// A name at the start of `rest` (letters, digits, `_`) and how many characters it takes.
fn lex_name(rest: &[char]) -> (Tok, usize) {
    let len = rest
        .iter()
        .take_while(|c| c.is_alphanumeric() || **c == '_')
        .count();
    (Tok::Name(rest[..len].iter().collect()), len)
}

/// The text between the opening character at the start of `rest` and `close` — a string,
/// a quoted form name or a bracketed subject code — and how many characters it takes with
/// both delimiters; `unclosed` when `close` never comes.
fn lex_quoted(
    rest: &[char],
    close: char,
    unclosed: ParseError,
    tok: fn(String) -> Tok,
) -> Result<(Tok, usize), ParseError> {
    let Some(end) = rest[1..].iter().position(|c| *c == close).map(|p| p + 1) else {
        return Err(unclosed);
    };
    Ok((tok(rest[1..end].iter().collect()), end + 1))
}

/// The punctuation or operator at the start of `rest` and how many characters it takes.
fn lex_symbol(rest: &[char]) -> Option<(Tok, usize)> {
    let then_eq = rest.get(1) == Some(&'=');
    Some(match rest[0] {
        '!' if then_eq => (Tok::Op("!="), 2),
        '!' => (Tok::Bang, 1),
        '.' => (Tok::Dot, 1),
        ':' => (Tok::Colon, 1),
        ',' => (Tok::Comma, 1),
        '(' => (Tok::LParen, 1),
        ')' => (Tok::RParen, 1),
        '@' => (Tok::At, 1),
        '=' if then_eq => (Tok::Op("=="), 2),
        '<' if then_eq => (Tok::Op("<="), 2),
        '<' => (Tok::Op("<"), 1),
        '>' if then_eq => (Tok::Op(">="), 2),
        '>' => (Tok::Op(">"), 1),
        '+' => (Tok::Op("+"), 1),
        '-' => (Tok::Op("-"), 1),
        '*' => (Tok::Op("*"), 1),
        '/' => (Tok::Op("/"), 1),
        _ => return None,
    })
}

/// How deep an expression may nest: parentheses, function calls, `-`/`not` and every
/// operator of a chain (`a+b+c` is two levels) together. Every walk over an expression (bind,
/// evaluation, the Excel formula, dropping it) recurses once per level, so a definition given
/// with `--templates` cannot overflow the stack; no real rule comes near it — a long sum is
/// written `sum(a:b)` or `sum(a, b, …)`, whose arguments do not nest.
pub const MAX_DEPTH: usize = 200;

/// An expression under construction with the depth of its tree.
type Node = (Expr, usize);

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Parentheses, calls, `-` and `not` the parser is inside of.
    nesting: usize,
}

/// The node over `children`: one level deeper than the deepest of them, refused past
/// [`MAX_DEPTH`] before it is built, so that no tree deeper than that ever exists.
fn deeper(depths: &[usize]) -> Result<usize, ParseError> {
    let d = depths.iter().copied().max().unwrap_or(0) + 1;
    if d > MAX_DEPTH {
        return Err(ParseError::TooDeep);
    }
    Ok(d)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == w)
    }
    fn expect(&mut self, t: &Tok, what: &'static str) -> Result<(), ParseError> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(ParseError::Expected(what))
        }
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        let (mut l, mut dl) = self.and()?;
        while self.is_word("or") {
            self.pos += 1;
            let (r, dr) = self.and()?;
            dl = deeper(&[dl, dr])?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok((l, dl))
    }
    fn and(&mut self) -> Result<Node, ParseError> {
        let (mut l, mut dl) = self.not()?;
        while self.is_word("and") {
            self.pos += 1;
            let (r, dr) = self.not()?;
            dl = deeper(&[dl, dr])?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok((l, dl))
    }
    fn not(&mut self) -> Result<Node, ParseError> {
        if self.is_word("not") {
            self.pos += 1;
            self.enter()?;
            let (e, d) = self.not()?;
            self.leave();
            return Ok((Expr::Not(Box::new(e)), deeper(&[d])?));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Node, ParseError> {
        let (l, dl) = self.add()?;
        let op = match self.peek() {
            Some(Tok::Op("==")) => CmpOp::Eq,
            Some(Tok::Op("!=")) => CmpOp::Ne,
            Some(Tok::Op("<=")) => CmpOp::Le,
            Some(Tok::Op(">=")) => CmpOp::Ge,
            Some(Tok::Op("<")) => CmpOp::Lt,
            Some(Tok::Op(">")) => CmpOp::Gt,
            _ => return Ok((l, dl)),
        };
        self.pos += 1;
        let (r, dr) = self.add()?;
        Ok((Expr::Cmp(op, Box::new(l), Box::new(r)), deeper(&[dl, dr])?))
    }
    fn add(&mut self) -> Result<Node, ParseError> {
        let (mut l, mut dl) = self.mul()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("+")) => BinOp::Add,
                Some(Tok::Op("-")) => BinOp::Sub,
                _ => return Ok((l, dl)),
            };
            self.pos += 1;
            let (r, dr) = self.mul()?;
            dl = deeper(&[dl, dr])?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn mul(&mut self) -> Result<Node, ParseError> {
        let (mut l, mut dl) = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("*")) => BinOp::Mul,
                Some(Tok::Op("/")) => BinOp::Div,
                _ => return Ok((l, dl)),
            };
            self.pos += 1;
            let (r, dr) = self.unary()?;
            dl = deeper(&[dl, dr])?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn unary(&mut self) -> Result<Node, ParseError> {
        if self.eat(&Tok::Op("-")) {
            self.enter()?;
            let (e, d) = self.unary()?;
            self.leave();
            return Ok((Expr::Neg(Box::new(e)), deeper(&[d])?));
        }
        self.primary()
    }
    /// One more level of the parser's own recursion (a parenthesis, a call, `-`, `not`):
    /// refused past [`MAX_DEPTH`] before recursing, whatever the tree below would be.
    fn enter(&mut self) -> Result<(), ParseError> {
        self.nesting += 1;
        deeper(&[self.nesting - 1]).map(|_| ())
    }
    fn leave(&mut self) {
        self.nesting -= 1;
    }
    fn primary(&mut self) -> Result<Node, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok((Expr::Num(n), 1))
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok((Expr::Str(s), 1))
            }
            Some(Tok::LParen) => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                self.leave();
                self.expect(&Tok::RParen, "“)”")?;
                Ok(e)
            }
            Some(Tok::At) => {
                self.pos += 1;
                Ok((self.all(None)?, 1))
            }
            Some(Tok::Form(f))
                if self.toks.get(self.pos + 1) == Some(&Tok::Bang)
                    && self.toks.get(self.pos + 2) == Some(&Tok::At) =>
            {
                self.pos += 3;
                Ok((self.all(Some(f))?, 1))
            }
            Some(Tok::Name(n)) if n == "children" => {
                self.pos += 1;
                Ok((Expr::Children, 1))
            }
            Some(Tok::Name(n)) if self.toks.get(self.pos + 1) == Some(&Tok::LParen) => {
                let func =
                    Func::from_name(&n).ok_or_else(|| ParseError::UnknownFunction(n.clone()))?;
                self.pos += 2;
                self.enter()?;
                let mut args = Vec::new();
                let mut depths = Vec::new();
                if !self.eat(&Tok::RParen) {
                    loop {
                        let (a, d) = self.arg()?;
                        args.push(a);
                        depths.push(d);
                        if self.eat(&Tok::RParen) {
                            break;
                        }
                        self.expect(&Tok::Comma, "“,”或“)”")?;
                    }
                }
                self.leave();
                check_arity(func, args.len())?;
                Ok((Expr::Call(func, args), deeper(&depths)?))
            }
            Some(Tok::Name(_)) | Some(Tok::Code(_)) | Some(Tok::Form(_)) => {
                Ok((Expr::Ref(self.reference()?), 1))
            }
            Some(t) => Err(ParseError::Unexpected(t)),
            None => Err(ParseError::Incomplete),
        }
    }
    fn arg(&mut self) -> Result<Node, ParseError> {
        let save = self.pos;
        if matches!(
            self.peek(),
            Some(Tok::Name(_)) | Some(Tok::Code(_)) | Some(Tok::Form(_))
        ) && !self.is_word("children")
        {
            if let Ok(a) = self.reference() {
                if self.eat(&Tok::Colon) {
                    let b = self.reference()?;
                    return Ok((Expr::Range(a, b), 1));
                }
            }
            self.pos = save;
        }
        self.or()
    }
    /// `panel.col` after the `@`.
    fn all(&mut self, form: Option<String>) -> Result<Expr, ParseError> {
        let panel = self.name("栏目组名")?;
        self.expect(&Tok::Dot, "“.”")?;
        let col = self.name("列名")?;
        Ok(Expr::All { form, panel, col })
    }
    fn name(&mut self, what: &'static str) -> Result<String, ParseError> {
        match self.next() {
            Some(Tok::Name(n)) => Ok(n),
            _ => Err(ParseError::Expected(what)),
        }
    }
    fn reference(&mut self) -> Result<Ref, ParseError> {
        let form = if let Some(Tok::Form(f)) = self.peek().cloned() {
            self.pos += 1;
            self.expect(&Tok::Bang, "“!”")?;
            Some(f)
        } else {
            None
        };
        let head = match self.next() {
            Some(Tok::Name(n)) => Head::Name(n),
            Some(Tok::Code(c)) => Head::Code(c.trim().to_string()),
            _ => return Err(ParseError::Expected("单元格引用")),
        };
        let col = if self.eat(&Tok::Dot) {
            Some(self.name("列名")?)
        } else {
            None
        };
        Ok(Ref { form, head, col })
    }
}

fn check_arity(func: Func, n: usize) -> Result<(), ParseError> {
    let ok = match func {
        Func::Sum | Func::Min | Func::Max => n >= 1,
        Func::Abs | Func::Blank | Func::Points => n == 1,
        Func::Round | Func::Ratio => n == 2,
        Func::If | Func::Lookup => n == 3,
        Func::In | Func::Contains => n >= 2,
        Func::Amount => (1..=2).contains(&n),
        Func::First => n >= 1,
        Func::SumIf => n == 2,
    };
    if ok {
        Ok(())
    } else {
        Err(ParseError::Arity { func, n })
    }
}

/// Parse one expression; the error's `Display` says what is wrong in Chinese.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        nesting: 0,
    };
    let (e, _) = p.or()?;
    if p.pos < p.toks.len() {
        return Err(ParseError::Trailing { after: p.pos });
    }
    Ok(e)
}

impl Expr {
    /// Ids of the other forms the expression reads (`'final-02'!…`, `'perf-base'!@p.c`).
    pub fn forms(&self, out: &mut Vec<String>) {
        let mut refs = Vec::new();
        self.refs(&mut refs);
        out.extend(refs.into_iter().filter_map(|r| r.form));
        self.all_forms(out);
    }
    fn all_forms(&self, out: &mut Vec<String>) {
        match self {
            Expr::All { form: Some(f), .. } => out.push(f.clone()),
            Expr::Neg(e) | Expr::Not(e) => e.all_forms(out),
            Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.all_forms(out);
                b.all_forms(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.all_forms(out)),
            _ => {}
        }
    }
    /// Every reference the expression names (ranges give both ends), for validation.
    pub fn refs(&self, out: &mut Vec<Ref>) {
        match self {
            Expr::Ref(r) => out.push(r.clone()),
            Expr::Range(a, b) => {
                out.push(a.clone());
                out.push(b.clone());
            }
            Expr::Neg(e) | Expr::Not(e) => e.refs(out),
            Expr::Bin(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.refs(out);
                b.refs(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.refs(out)),
            Expr::Num(_) | Expr::Str(_) | Expr::Children | Expr::All { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What parsing `src` refuses, in words.
    fn refusal(src: &str) -> String {
        parse(src).unwrap_err().to_string()
    }

    #[test]
    fn parses_sums_ranges_and_cross_form_refs() {
        let e = parse("sum(L1:L8)").unwrap();
        assert!(matches!(e, Expr::Call(Func::Sum, ref a) if matches!(a[0], Expr::Range(..))));
        let e = parse("amount == 'final-03'![201].c1").unwrap();
        let mut refs = Vec::new();
        e.refs(&mut refs);
        assert_eq!(refs[1].form.as_deref(), Some("final-03"));
        assert_eq!(refs[1].head, Head::Code("201".into()));
        assert_eq!(refs[1].col.as_deref(), Some("c1"));
        assert_eq!(refs[1].to_string(), "'final-03'![201].c1");
    }

    #[test]
    fn precedence_and_booleans() {
        let e = parse("c1 + c2 - c3 * 2 <= total.c1 and not blank(reason)").unwrap();
        assert!(matches!(e, Expr::And(..)));
        let e = parse("-(a - b)").unwrap();
        assert!(matches!(e, Expr::Neg(_)));
    }

    #[test]
    fn parses_list_group_functions() {
        let e = parse("sum(@group.weight) == 100").unwrap();
        let Expr::Cmp(CmpOp::Eq, l, _) = e else {
            panic!("{e:?}")
        };
        assert!(matches!(*l, Expr::Call(Func::Sum, ref a)
            if a[0] == Expr::All { form: None, panel: "group".into(), col: "weight".into() }));
        let e = parse("in(level1, \"产出指标\", \"效益指标\")").unwrap();
        assert!(matches!(e, Expr::Call(Func::In, ref a) if a.len() == 3));
        assert!(parse("sumif(@projects.fund, not blank(target))").is_ok());
        assert!(parse("amount(value, measure) <= first(@group.fund)").is_ok());
        assert!(refusal("in(level1)").contains("参数个数"));
        assert!(refusal("sumif(@projects.fund)").contains("参数个数"));
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert!(parse("sum(L1:").is_err());
        assert!(refusal("foo(1)").contains("未知函数"));
        assert!(refusal("a ＋ b").contains("无法识别"));
        assert!(refusal("round(a)").contains("参数个数"));
        assert!(parse("a b").is_err());
    }

    #[test]
    fn another_forms_list_column_and_lookup() {
        let e =
            parse("lookup(project_name, 'perf-base'!@projects.name, 'perf-base'!@projects.budget)")
                .unwrap();
        let Expr::Call(Func::Lookup, args) = &e else {
            panic!("{e:?}")
        };
        assert!(matches!(&args[1], Expr::All { form: Some(f), panel, col }
            if f == "perf-base" && panel == "projects" && col == "name"));
        let mut forms = Vec::new();
        e.forms(&mut forms);
        assert_eq!(forms, ["perf-base", "perf-base"]);
        assert!(parse("points(level1) == sum(@group.weight)").is_ok());
        assert!(refusal("lookup(a, b)").contains("参数个数"));
    }

    #[test]
    fn error_messages_read_as_written() {
        let cases = [
            ("L1 # L2", "无法识别的字符“#”"),
            ("1.2.3", "数字写法有误：1.2.3"),
            ("\"abc", "引号未闭合"),
            ("'final-01!L1", "表名引号未闭合"),
            ("[201.c1", "科目代码的方括号未闭合"),
            ("(L1", "此处应为“)”"),
            ("sum(L1 L2)", "此处应为“,”或“)”"),
            ("@group", "此处应为“.”"),
            ("@1", "此处应为栏目组名"),
            ("L1.", "此处应为列名"),
            ("'x'!1", "此处应为单元格引用"),
            ("foo(1)", "未知函数 foo"),
            (")", "此处不应出现 RParen"),
            ("L1 +", "表达式不完整"),
            ("abs(1, 2)", "函数 Abs 的参数个数不对（2 个）"),
            ("L1 L2", "表达式在第 1 个记号后多出内容"),
        ];
        for (src, message) in cases {
            assert_eq!(refusal(src), message, "{src}");
        }
        let deep = format!(
            "{}1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(refusal(&deep).starts_with(&format!("表达式嵌套过深（超过 {MAX_DEPTH} 层；")));
    }
}
