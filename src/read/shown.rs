//! Numbers as a cell shows them: an amount stored with more decimals than its number format
//! shows (万元 = 元/10000 without ROUND, formatted `0.00`) is the shown figure, the one the
//! unit publishes. Reading notes each such cell, and each formula stored without its result.

use calamine::Style;
use rust_decimal::{Decimal, RoundingStrategy};

/// Something reading did to a stored cell that the audit says.
#[derive(Debug, Clone, PartialEq)]
pub struct CellNote {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
    pub kind: CellNoteKind,
}

impl CellNote {
    /// A note on cell (`row`, `col`) of `sheet`, zero-based (a column past Excel's last is
    /// named as its last).
    pub(super) fn new(sheet: &str, row: u32, col: u32, kind: CellNoteKind) -> CellNote {
        CellNote {
            sheet: sheet.to_string(),
            row,
            col: u16::try_from(col).unwrap_or(u16::MAX),
            kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CellNoteKind {
    /// A number stored with more decimals than its format shows, read as shown.
    RoundedToShown { stored: Decimal, shown: Decimal },
    /// A formula stored without its computed result, read as empty.
    FormulaWithoutValue,
    /// A PDF table's row opening page `page` that may be the rest of the row above, cut by
    /// the page break, left as a row of its own.
    MaybeCutRow { page: u32 },
}

/// The fewest decimals a number is read as shown with: the two of an amount in 万元.
const MIN_ROUNDED_DECIMALS: u32 = 2;

/// The decimals each cell style's number format shows (`None`: shown as stored).
pub(super) struct ShownDecimals(Vec<Option<u32>>);

impl ShownDecimals {
    pub(super) fn new(styles: &[Style]) -> Self {
        ShownDecimals(
            styles
                .iter()
                .map(|s| {
                    s.number_format
                        .as_ref()
                        .and_then(|f| decimals_shown(&f.format_code))
                })
                .collect(),
        )
    }

    /// `n` as style `style` shows it, when that shows fewer decimals than `n` has. A format
    /// showing fewer than two (`0.0`, `#,##0` over amounts in 万元) is taken as the stored
    /// figure: the 尾差 tolerance is that of two decimals, not of what such a format hides.
    pub(super) fn rounded(&self, style: usize, n: Decimal) -> Option<Decimal> {
        let decimals = (*self.0.get(style)?)?;
        (decimals >= MIN_ROUNDED_DECIMALS && n.scale() > decimals)
            .then(|| n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
            .filter(|shown| *shown != n)
    }
}

/// How many decimals of a number the format code `code` shows (its first section: positive
/// numbers): the digit places after its decimal point, two more per `%`. `None` for General,
/// text, scientific and scaled (`0.00,`) formats, which show a number otherwise.
pub fn decimals_shown(code: &str) -> Option<u32> {
    let section = first_section(code);
    let lower = section.to_ascii_lowercase();
    if lower.is_empty() || lower.contains("general") || lower.contains('@') || lower.contains('e') {
        return None;
    }
    let digit = |c: char| matches!(c, '0' | '#' | '?');
    if section.trim_end_matches('%').ends_with(',') {
        return None;
    }
    if !section.chars().any(digit) {
        return None;
    }
    let after_point = section.split_once('.').map_or(0, |(_, rest)| {
        rest.chars().take_while(|&c| digit(c)).count()
    });
    let percents = section.matches('%').count();
    Some((after_point + 2 * percents) as u32)
}

/// The first section of a format code, without quoted text, escaped characters and
/// bracketed parts (colours, conditions, locales).
fn first_section(code: &str) -> String {
    let mut out = String::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decimals_shown;

    #[test]
    fn the_decimals_a_format_shows() {
        for (code, want) in [
            ("0.00", Some(2)),
            ("#,##0.00", Some(2)),
            ("#,##0.00_);[Red]\\(#,##0.00\\)", Some(2)),
            ("0.0000", Some(4)),
            ("0", Some(0)),
            ("#,##0", Some(0)),
            ("0.00%", Some(4)),
            ("0%", Some(2)),
            ("\"¥\"#,##0.00", Some(2)),
            ("[$-804]#,##0.00;-#,##0.00", Some(2)),
            ("0.00\"万元\"", Some(2)),
            ("General", None),
            ("@", None),
            ("0.00E+00", None),
            ("#,##0.00,", None),
            ("", None),
        ] {
            assert_eq!(decimals_shown(code), want, "{code}");
        }
    }
}
