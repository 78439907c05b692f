//! Rule expressions parsed once, when the definitions are loaded. The per-row placeholders
//! `{code}` and `{line}` stay in the tree as written and are filled in for each row by
//! substitution in the tree, never by parsing the text again.

use super::parse::{parse, Expr, Head, ParseError, Ref};
use std::borrow::Cow;

const CODE: &str = "{code}";
const LINE: &str = "{line}";

/// A parsed rule expression that may hold `{code}`/`{line}` (inside `[…]`, `'…'` or `"…"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    expr: Expr,
    per_row: bool,
}

impl Template {
    /// Parses `src`; the error's `Display` says what is wrong in Chinese.
    pub fn parse(src: &str) -> Result<Template, TemplateError> {
        let per_row = src.contains(CODE) || src.contains(LINE);
        let expr = parse(src).map_err(|error| TemplateError { error, per_row })?;
        Ok(Template { expr, per_row })
    }

    /// The tree as written, placeholders unfilled.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Whether the expression holds `{code}` or `{line}`.
    pub fn per_row(&self) -> bool {
        self.per_row
    }

    /// The expression for a row with this code and 行次 (empty when the row has none).
    pub fn for_row(&self, code: &str, line: &str) -> Cow<'_, Expr> {
        if !self.per_row {
            return Cow::Borrowed(&self.expr);
        }
        Cow::Owned(Fill { code, line }.expr(&self.expr))
    }
}

/// What is wrong with a rule expression, and whether it holds placeholders (then the message
/// says where they may stand).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub error: ParseError,
    pub per_row: bool,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if self.per_row {
            write!(
                f,
                "（{CODE}、{LINE} 只能写在科目代码 [{CODE}]、表名 '…' 或文字 \"…\" 之中）"
            )?;
        }
        Ok(())
    }
}

/// The values the placeholders take for one row.
struct Fill<'a> {
    code: &'a str,
    line: &'a str,
}

impl Fill<'_> {
    fn text(&self, s: &str) -> String {
        s.replace(CODE, self.code).replace(LINE, self.line)
    }

    fn reference(&self, r: &Ref) -> Ref {
        Ref {
            form: r.form.as_deref().map(|f| self.text(f)),
            // The parser trims a code; so does the filled one.
            head: match &r.head {
                Head::Code(c) => Head::Code(self.text(c).trim().to_string()),
                other => other.clone(),
            },
            col: r.col.clone(),
        }
    }

    fn boxed(&self, e: &Expr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    fn expr(&self, e: &Expr) -> Expr {
        match e {
            Expr::Num(_) | Expr::Children => e.clone(),
            Expr::Str(s) => Expr::Str(self.text(s)),
            Expr::Ref(r) => Expr::Ref(self.reference(r)),
            Expr::Range(a, b) => Expr::Range(self.reference(a), self.reference(b)),
            Expr::All { form, panel, col } => Expr::All {
                form: form.as_deref().map(|f| self.text(f)),
                panel: panel.clone(),
                col: col.clone(),
            },
            Expr::Neg(x) => Expr::Neg(self.boxed(x)),
            Expr::Not(x) => Expr::Not(self.boxed(x)),
            Expr::Bin(op, a, b) => Expr::Bin(*op, self.boxed(a), self.boxed(b)),
            Expr::Cmp(op, a, b) => Expr::Cmp(*op, self.boxed(a), self.boxed(b)),
            Expr::And(a, b) => Expr::And(self.boxed(a), self.boxed(b)),
            Expr::Or(a, b) => Expr::Or(self.boxed(a), self.boxed(b)),
            Expr::Call(f, args) => Expr::Call(*f, args.iter().map(|a| self.expr(a)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Filling the tree gives what parsing the filled text gives.
    #[test]
    fn filled_tree_equals_parsed_filled_text() {
        let src = "amount == 'final-03'![{code}].c1 + sum([ {line} ].c2:[{code}].c3) and in(name, \"{code}号\")";
        let t = Template::parse(src).unwrap();
        for (code, line) in [("2010450", "27"), ("", "")] {
            let text = src.replace(CODE, code).replace(LINE, line);
            assert_eq!(*t.for_row(code, line), parse(&text).unwrap(), "{code}");
        }
    }

    #[test]
    fn without_placeholders_the_tree_is_lent() {
        let t = Template::parse("L1 + L2").unwrap();
        assert!(matches!(t.for_row("201", "3"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_placeholder_outside_brackets_quotes_and_texts_is_refused() {
        let e = Template::parse("L{line} + 1").unwrap_err().to_string();
        assert!(e.contains("只能写在科目代码"), "{e}");
    }
}
