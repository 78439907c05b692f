//! Cells of a sheet as the program keeps them ([`Place`]) and the A1 notation people and files
//! use for them, Excel's sheet limits and the sheet names it accepts: shared by reading,
//! normalising, exchanging and writing.

/// Number of rows in an Excel worksheet (1..=1_048_576).
pub const MAX_ROWS: u32 = 1_048_576;
/// Number of columns in an Excel worksheet (A..=XFD).
pub const MAX_COLS: u32 = 16_384;

/// A cell of a workbook as the program keeps it: zero-based row and column on the sheet a
/// form was read from, or on a sheet its table continues on. A1 is only how it is shown
/// (`C8`, `'续表'!C8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The sheet, when it is not the form's own: one the table continues on.
    pub sheet: Option<String>,
    pub row: u32,
    pub col: u16,
}

impl Place {
    /// A cell of the form's own sheet.
    pub fn at(row: u32, col: u16) -> Self {
        Place {
            sheet: None,
            row,
            col,
        }
    }
    /// A cell of the form's own sheet by its A1 name (`C8`, `$C$8`); None for anything else.
    pub fn from_a1(s: &str) -> Option<Self> {
        parse_a1(s).map(|(row, col)| Place::at(row, col))
    }
    /// Row and column on the form's own sheet; None for a cell of another sheet.
    pub fn local(&self) -> Option<(u32, u16)> {
        self.sheet.is_none().then_some((self.row, self.col))
    }
}

/// `text` with its first mention of the cell `from` (as a whole name: `C1` is not the start
/// of `C10` nor the end of `AC1`) renamed `to`; unchanged when it names no such cell.
pub fn rename_cell_in(text: &str, from: &Place, to: &Place) -> String {
    let (from, to) = (from.to_string(), to.to_string());
    let whole = |at: usize| {
        let before = text[..at].chars().next_back();
        let after = text[at + from.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
            && !after.is_some_and(|c| c.is_ascii_digit())
    };
    match text
        .match_indices(&from)
        .map(|(at, _)| at)
        .find(|&at| whole(at))
    {
        Some(at) => format!("{}{to}{}", &text[..at], &text[at + from.len()..]),
        None => text.to_string(),
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(sheet) = &self.sheet {
            write!(f, "'{sheet}'!")?;
        }
        f.write_str(&a1(self.row, self.col))
    }
}

/// Column letters for a zero-based column: 0 → "A", 25 → "Z", 26 → "AA", 16383 → "XFD".
pub fn col_name(col: u16) -> String {
    let mut s = String::with_capacity(4);
    push_col_name(&mut s, col);
    s
}

/// Appends the letters of a zero-based column (a name is built for every cell written or
/// read, so without a buffer of its own).
fn push_col_name(out: &mut String, col: u16) {
    let mut n = col as u32 + 1;
    // Four letters hold every u16 column (Excel's own stop at three, XFD).
    let mut letters = [0u8; 4];
    let mut start = letters.len();
    while n > 0 {
        n -= 1;
        start -= 1;
        letters[start] = b'A' + (n % 26) as u8;
        n /= 26;
    }
    out.extend(letters[start..].iter().map(|&b| char::from(b)));
}

/// A1 notation for a zero-based (row, col): (0, 0) → "A1", (29, 2) → "C30".
pub fn a1(row: u32, col: u16) -> String {
    let mut s = String::with_capacity(14);
    push_a1(&mut s, row, col);
    s
}

/// Appends the A1 notation of a zero-based (row, col) to `out`.
pub fn push_a1(out: &mut String, row: u32, col: u16) {
    push_col_name(out, col);
    push_row_number(out, row);
}

/// Appends the one-based number of a zero-based row, digit by digit (a formula names
/// thousands of cells; the formatting machinery cost more than the rest of the name).
fn push_row_number(out: &mut String, row: u32) {
    let mut n = row as u64 + 1;
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    while n > 0 {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
}

/// Parses "C30", "c30", "$C$30" (surrounding whitespace allowed) to a zero-based (row, col).
/// `None` unless it is one cell inside Excel's limits (A1..XFD1048576).
pub fn parse_a1(s: &str) -> Option<(u32, u16)> {
    let s = s.trim();
    let s = s.strip_prefix('$').unwrap_or(s);
    let letters_end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    let (letters, rest) = s.split_at(letters_end);
    let digits = rest.strip_prefix('$').unwrap_or(rest);
    if letters.is_empty()
        || letters.len() > 3
        || digits.is_empty()
        || digits.len() > 7
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| {
        acc * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32
    });
    let row: u32 = digits.parse().ok()?;
    if col == 0 || col > MAX_COLS || row == 0 || row > MAX_ROWS {
        return None;
    }
    Some((row - 1, (col - 1) as u16))
}

/// Parses a range "A1:C3" (or a single cell "B2", meaning B2:B2) to zero-based inclusive
/// ((first_row, first_col), (last_row, last_col)), corners put in order.
pub fn parse_a1_range(s: &str) -> Option<((u32, u16), (u32, u16))> {
    let (a, b) = match s.split_once(':') {
        Some((a, b)) => (parse_a1(a)?, parse_a1(b)?),
        None => {
            let a = parse_a1(s)?;
            (a, a)
        }
    };
    Some(((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1))))
}

/// What Excel accepts as a sheet name: 1–31 characters, none of []:*?/\, not quoted.
pub fn valid_sheet_name(s: &str) -> bool {
    let n = s.chars().count();
    n > 0
        && n <= 31
        && !s.contains(['[', ']', ':', '*', '?', '/', '\\'])
        && !s.starts_with('\'')
        && !s.ends_with('\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_renamed_only_where_it_is_named_whole() {
        let (c1, d5) = (Place::at(0, 2), Place::at(4, 3));
        assert_eq!(rename_cell_in("C10 与 C1 不符", &c1, &d5), "C10 与 D5 不符");
        assert_eq!(rename_cell_in("AC1、C1。", &c1, &d5), "AC1、D5。");
        assert_eq!(rename_cell_in("C1", &c1, &d5), "D5");
        assert_eq!(rename_cell_in("C12 only", &c1, &d5), "C12 only");
    }

    #[test]
    fn column_letters_at_each_length_boundary() {
        let cases = [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (701, "ZZ"),
            (702, "AAA"),
            (16_383, "XFD"),
            (18_277, "ZZZ"),
            (18_278, "AAAA"),
            (u16::MAX, "CRXP"),
        ];
        for (col, name) in cases {
            assert_eq!(col_name(col), name, "column {col}");
        }
    }

    #[test]
    fn a1_names_and_parses_back() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(29, 2), "C30");
        assert_eq!(a1(MAX_ROWS - 1, (MAX_COLS - 1) as u16), "XFD1048576");
        for (r, c) in [(0, 0), (9, 26), (99_999, 701), (MAX_ROWS - 1, 16_383)] {
            assert_eq!(parse_a1(&a1(r, c)), Some((r, c)));
        }
        for row in [1, 8, 9, 10, 98, 99, 100, 999_999, u32::MAX - 1, u32::MAX] {
            assert_eq!(a1(row, 0), format!("A{}", row as u64 + 1));
        }
    }

    #[test]
    fn a_place_is_shown_in_a1_and_names_another_sheet() {
        let here = Place::at(29, 2);
        assert_eq!(here.to_string(), "C30");
        assert_eq!(here.local(), Some((29, 2)));
        let there = Place {
            sheet: Some("公开01表（续）".into()),
            ..Place::at(7, 2)
        };
        assert_eq!(there.to_string(), "'公开01表（续）'!C8");
        assert_eq!(
            there.local(),
            None,
            "a cell of another sheet is not on this one"
        );
        assert_eq!(Place::from_a1("$C$30"), Some(here));
        assert_eq!(Place::from_a1("'公开01表（续）'!C8"), None);
        assert_eq!(Place::from_a1("第14行"), None);
    }

    #[test]
    fn every_place_reads_back_from_what_it_shows() {
        let mut seed = 7u64;
        for _ in 0..2_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let row = (seed >> 33) as u32 % MAX_ROWS;
            let col = (seed >> 17) as u16 % MAX_COLS as u16;
            let place = Place::at(row, col);
            assert_eq!(Place::from_a1(&place.to_string()), Some(place));
        }
    }
}
