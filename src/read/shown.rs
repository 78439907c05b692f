//! Numbers as a cell shows them: an amount stored with more decimals than its number format
//! shows (万元 = 元/10000 without ROUND, formatted `0.00`) is the shown figure, the one the
//! unit publishes; a fraction shown as a percentage above 100% (1.0533 as 105.33%) is that
//! percentage. Reading notes each rounded cell, and each formula stored without its result.

use super::Cell;
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
    /// A formula stored without its computed result that could not be computed (`why`),
    /// read as empty.
    FormulaWithoutValue { formula: String, why: String },
    /// A formula stored without its computed result, read as the value it computes to.
    FormulaComputed { formula: String },
    /// A PDF table's row opening page `page` that may be the rest of the row above, cut by
    /// the page break, left as a row of its own.
    MaybeCutRow { page: u32 },
    /// A PDF table on later pages (`pages`) that seems to hold further columns of the table
    /// on pages `of` (a sheet printed wider than the page), its rows pairing with none of
    /// that table's: left as a table of its own.
    UnpairedColumns { pages: Vec<u32>, of: Vec<u32> },
}

/// The fewest decimals a number is read as shown with: the two of an amount in 万元.
const MIN_ROUNDED_DECIMALS: u32 = 2;

/// How each cell style's number format shows a number.
#[derive(Clone, Copy, Default)]
struct Shows {
    /// The decimals it shows (`None`: shown as stored).
    decimals: Option<u32>,
    /// Whether it shows the number as a percentage (`0.00%`: 1.0533 shows 105.33%).
    percent: bool,
}

/// How each cell style's number format shows a number, by style index.
pub(super) struct ShownFormats(Vec<Shows>);

impl ShownFormats {
    pub(super) fn new(styles: &[Style]) -> Self {
        Self::from_codes(
            (styles.iter()).map(|s| s.number_format.as_ref().map(|f| f.format_code.as_str())),
        )
    }

    /// The formats of each style's format code (`None`: General).
    pub(super) fn from_codes<'a>(codes: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let shows = |code: &str| Shows {
            decimals: decimals_shown(code),
            percent: shows_percent(code),
        };
        ShownFormats(
            (codes.into_iter())
                .map(|code| code.map(shows).unwrap_or_default())
                .collect(),
        )
    }

    /// A number stored in a cell of style `style`, read as the cell shows it, with the note
    /// to give when that is not as stored. A percentage (`0.00%`) is read as shown without a
    /// note: 1.0533 is `105.33%` (as a number above 1 it would read as percent points, 1.05%,
    /// as typed rates above 1 are); 0.955556 is 0.9556. Rates are computed without ROUND.
    pub(super) fn as_shown(&self, style: usize, stored: Decimal) -> (Cell, Option<CellNoteKind>) {
        let shows = self.0.get(style).copied().unwrap_or_default();
        let rounded = shows.rounded(stored);
        let shown = rounded.unwrap_or(stored);
        if shows.percent {
            return (percent_as_shown(shown), None);
        }
        let note = rounded.map(|shown| CellNoteKind::RoundedToShown { stored, shown });
        (Cell::Number(shown), note)
    }
}

/// A percentage's stored fraction as the cell is read: above 1 (1.0533) the text it shows,
/// `105.33%`, since a number above 1 in a rate's cell is read as percent points; otherwise
/// the fraction itself.
pub(super) fn percent_as_shown(stored: Decimal) -> Cell {
    if stored.abs() > Decimal::ONE {
        Cell::Text(format!("{}%", (stored * Decimal::ONE_HUNDRED).normalize()))
    } else {
        Cell::Number(stored)
    }
}

impl Shows {
    /// `n` as shown, when that shows fewer decimals than `n` has. A format showing fewer than
    /// two (`0.0`, `#,##0` over amounts in 万元) is taken as the stored figure: the 尾差
    /// tolerance is that of two decimals, not of what such a format hides.
    fn rounded(&self, n: Decimal) -> Option<Decimal> {
        let decimals = self.decimals?;
        (decimals >= MIN_ROUNDED_DECIMALS && n.scale() > decimals)
            .then(|| n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero))
            .filter(|shown| *shown != n)
    }
}

/// Whether the format code `code` shows a positive number as a percentage: a `%` in its first
/// section outside quotes and brackets (`0.00"%"` shows the sign without scaling).
fn shows_percent(code: &str) -> bool {
    first_section(code).contains('%')
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
    use super::{decimals_shown, shows_percent};

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

    #[test]
    fn which_formats_show_a_percentage() {
        for (code, want) in [
            ("0.00%", true),
            ("0%", true),
            ("0.00%;\\-0.00%;;@", true),
            ("[Red]0.0%", true),
            ("0.00", false),
            ("0.00\"%\"", false),
            ("General", false),
            ("#,##0.00;[Red]-0.00%", false),
        ] {
            assert_eq!(shows_percent(code), want, "{code}");
        }
    }
}
