//! The expression language of derived cells and checks: parsing, binding to cells, exact
//! evaluation and Excel emission.

mod bound;
mod parse;
mod template;

pub use bound::{
    cell_key, points_in, round_dp, widest_call, Addresses, Bound, CellId, Env, Name, Val,
    EXCEL_MAX_ARGS,
};
pub use parse::{parse, BinOp, CmpOp, Expr, Func, Head, ParseError, Ref};
pub use template::{Template, TemplateError};
