//! The expression language of derived cells and checks: parsing, binding to cells, exact
//! evaluation and Excel emission.

mod bound;
mod parse;
mod template;

pub use bound::{points_in, round_dp, Addresses, Bound, CellId, Env, Val};
pub use parse::{parse, BinOp, CmpOp, Expr, Func, Head, Ref};
pub use template::Template;
