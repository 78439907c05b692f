//! A1 notation of sheet cells, Excel's sheet limits and the sheet names it accepts: the
//! addresses people and files use, shared by reading, normalising, exchanging and writing.

/// Number of rows in an Excel worksheet (1..=1_048_576).
pub const MAX_ROWS: u32 = 1_048_576;
/// Number of columns in an Excel worksheet (A..=XFD).
pub const MAX_COLS: u32 = 16_384;

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
    use std::fmt::Write;
    let mut s = String::with_capacity(12);
    push_col_name(&mut s, col);
    let _ = write!(s, "{}", row as u64 + 1);
    s
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
    }
}
