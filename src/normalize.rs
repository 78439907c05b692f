//! Normalises what clerks type into the forms: label comparison keys, amounts, rates, subject codes (whole or split over 类/款/项) and A1 cell notation.
//!
//! Everything here is pure and total: any input gives an answer, never a panic.
//!
//! Decisions worth knowing:
//! * Amount text may carry thousands separators (commas, or spaces as some exports print
//!   them) only in standard 3-digit groups ("1,643.36", "１，６４３.３６", "1 643.36"); "1,6433",
//!   "526,36" and "12 34" are [`Amount::Invalid`], so a mistyped decimal comma is reported
//!   rather than read as a number 100 times too big.
//! * "(12.50)" is the accounting notation for −12.50 and reads as `Value(-12.50)`; so is
//!   "△12.50" (or "▲12.50"), the triangle Chinese accounting writes for minus.
//! * A code typed as text may carry a zero decimal tail ("2010450.0", "201.00": a number
//!   shown as text) or its levels apart, spaced, dotted or dashed ("201 04 50", "201.04.50",
//!   "201-04-50"); either reads as its digits.
//! * Unit words are not stripped: "12.50万元" or "12.50元" is [`Amount::Invalid`], because the
//!   unit may disagree with the table's 金额单位 and only the caller can judge that. A leading
//!   "¥"/"￥" is accepted.
//! * Placeholders for "nothing to report" ("—", "——", "-", "--", "/", "／", "\", "无") are
//!   [`Amount::Nothing`], distinct from an empty cell ([`Amount::Blank`]) and from zero.

use std::str::FromStr;

use rust_decimal::Decimal;

pub use crate::cellref::{a1, col_name, parse_a1, parse_a1_range};
use crate::read::Cell;

/// The Kangxi radicals U+2F00..=U+2FD5 mapped to the unified ideographs they look like
/// (their NFKC forms). Text copied out of PDFs often carries them: "⼀般公共预算" for "一般公共预算".
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// Whitespace and invisible characters that never matter in a label or a number:
/// all Unicode whitespace (space, U+3000, NBSP, \t, \r, \n, …) plus zero-width characters and BOM.
fn is_space(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Folds one character: full-width ASCII to half-width, Kangxi radicals to ideographs,
/// minus signs to '-', every kind of quote to '"'.
fn fold_char(ch: char) -> char {
    let ch = match ch {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
        '\u{2F00}'..='\u{2FD5}' => KANGXI
            .chars()
            .nth((ch as u32 - 0x2F00) as usize)
            .unwrap_or(ch),
        '\u{2E9F}' => '母',
        '\u{2EF3}' => '龟',
        '\u{FFE5}' => '¥',
        '\u{2212}' | '\u{FE63}' => '-',
        _ => ch,
    };
    match ch {
        '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '〝' | '〞' | '\'' | '"' => {
            '"'
        }
        _ => ch,
    }
}

/// Label comparison key: removes all whitespace (incl. U+3000, NBSP, \n, \r, \t) and
/// zero-width characters, maps full-width ASCII (！–～: digits, letters, （）：，；) to half-width,
/// Kangxi radicals to ideographs, unifies quotes (“”‘’「」『』"') to `"`, writes a year in
/// Chinese numerals in digits (二〇二三年 → 2023年, see [`fold_numeral_years`]) and drops
/// trailing colons. Chinese text is kept; ASCII letter case is kept.
///
/// `label_key("本 年 收 入 合 计") == label_key("本年收入合计")`,
/// `label_key("因公出国（境）费") == "因公出国(境)费"`.
pub fn label_key(s: &str) -> String {
    // Most texts (codes, names) have nothing to fold: copied whole rather than char by char
    // (a key is made for every text cell a table's rows are read by).
    let mut out = match s.chars().all(is_kept) {
        true => s.to_owned(),
        false => folded(s),
    };
    while out.ends_with(':') {
        out.pop();
    }
    fold_numeral_years(&mut out);
    out
}

/// Whether [`label_key`] keeps `ch` as it is: no space, nothing to fold.
fn is_kept(ch: char) -> bool {
    (ch.is_ascii_graphic() && ch != '\'') || (!is_space(ch) && fold_char(ch) == ch)
}

/// `s` without its spaces, each character folded (see [`fold_char`]).
fn folded(s: &str) -> String {
    // Room for the text as it is: folding keeps or shortens it.
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|&c| !is_space(c)).map(fold_char));
    out
}

/// The zeros a year in Chinese numerals is written with (二〇二三, 二零二三, 二○二三, 二O二三).
const NUMERAL_ZEROS: [char; 4] = ['〇', '零', '○', 'O'];

/// Writes the years of a key given in Chinese numerals in digits, one character for one:
/// four numerals of 2000–2099 (二〇二三, 二零二三) right before 年, not inside a longer run
/// of numerals. Every such year has a zero, so a key without one is left as it is at once.
fn fold_numeral_years(key: &mut String) {
    if !key.contains('年') || !key.contains(NUMERAL_ZEROS) {
        return;
    }
    let chars: Vec<char> = key.chars().collect();
    let mut out = String::with_capacity(key.len());
    let mut i = 0;
    while i < chars.len() {
        match numeral_year_at(&chars, i) {
            Some(digits) => {
                out.extend(digits);
                i += digits.len();
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    *key = out;
}

/// The year in digits when `chars` holds one in Chinese numerals at `i` (see
/// [`fold_numeral_years`]).
fn numeral_year_at(chars: &[char], i: usize) -> Option<[char; 4]> {
    let starts_run = i == 0 || numeral_digit(chars[i - 1]).is_none();
    if !starts_run || chars.get(i + 4) != Some(&'年') {
        return None;
    }
    let four = chars.get(i..i + 4)?;
    let mut digits = ['0'; 4];
    for (d, &c) in digits.iter_mut().zip(four) {
        *d = numeral_digit(c)?;
    }
    (digits[0] == '2' && digits[1] == '0').then_some(digits)
}

/// A Chinese numeral as the digit it writes.
fn numeral_digit(c: char) -> Option<char> {
    if NUMERAL_ZEROS.contains(&c) {
        return Some('0');
    }
    let at = "一二三四五六七八九".chars().position(|n| n == c)?;
    char::from_digit(at as u32 + 1, 10)
}

/// A count up to 99 in Chinese numerals ("三", "十二", "二十", "四十五"), as a 栏次 may be
/// numbered.
pub fn chinese_count(s: &str) -> Option<u32> {
    let digit = |c: char| {
        numeral_digit(c)
            .and_then(|d| d.to_digit(10))
            .filter(|&d| d > 0)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [one] => digit(*one).or((*one == '十').then_some(10)),
        ['十', one] => Some(10 + digit(*one)?),
        [tens, '十'] => Some(10 * digit(*tens)?),
        [tens, '十', one] => Some(10 * digit(*tens)? + digit(*one)?),
        _ => None,
    }
}

/// A money amount (or a rate) read from a cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Amount {
    /// Empty cell, or text of whitespace only.
    Blank,
    /// A placeholder saying "nothing": "—", "——", "-", "--", "/", "／", "\", "无".
    Nothing,
    /// A number, exactly as typed (scale kept: "0.00" has scale 2 and equals 0).
    Value(Decimal),
    /// Anything else; carries the cell's text (or error/boolean spelling) for messages.
    Invalid(String),
}

impl Amount {
    /// The number, for [`Amount::Value`].
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Amount::Value(d) => Some(*d),
            _ => None,
        }
    }

    /// The amount for arithmetic: blank and "nothing" count as zero; `None` for invalid input.
    pub fn or_zero(&self) -> Option<Decimal> {
        match self {
            Amount::Blank | Amount::Nothing => Some(Decimal::ZERO),
            Amount::Value(d) => Some(*d),
            Amount::Invalid(_) => None,
        }
    }
}

/// Trims outer whitespace and folds full-width characters.
pub(crate) fn fold_text(raw: &str) -> String {
    raw.trim_matches(is_space).chars().map(fold_char).collect()
}

fn is_dash(c: char) -> bool {
    // Not '一' (the numeral one), although clerks sometimes type it as a dash.
    matches!(c, '-' | '—' | '–' | '―' | '‒' | '─' | '━' | '﹘' | '⁃')
}

/// Whether folded, trimmed text is a "nothing to report" placeholder.
fn is_nothing(s: &str) -> bool {
    let compact: String = s.chars().filter(|&c| !is_space(c)).collect();
    if compact.is_empty() {
        return false;
    }
    compact.chars().all(is_dash) || matches!(compact.as_str(), "/" | "//" | "\\" | "无")
}

/// The digits of an integer part written in thousands, `sep` between the groups: one to three
/// digits, then groups of three ("2,946" and "2 946"; not "29,46" nor "2,946 000").
fn grouped_digits(int_part: &str, sep: char) -> Option<String> {
    let mut groups = int_part.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // "0 326.71" is two figures run together (a PDF cell missing its ruling), not thousands.
    if sep != ',' && first.starts_with('0') {
        return None;
    }
    let mut all = first.to_string();
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        all.push_str(g);
    }
    Some(all)
}

/// The triangles Chinese accounting writes before a negative amount ("△12.30" is −12.30).
const TRIANGLE_MINUS: [char; 2] = ['△', '▲'];

/// Whether a cell's text writes its number's minus as a triangle ("△12.30"): read as −12.30,
/// but a reader should be told, since the triangle is not a minus everywhere.
pub fn has_triangle_minus(cell: &Cell) -> bool {
    let Cell::Text(t) = cell else { return false };
    let s = t.trim_start_matches(is_space);
    let s = s.strip_prefix(['¥', '￥']).unwrap_or(s);
    s.starts_with(TRIANGLE_MINUS)
}

/// Parses a plain number: optional sign (`-`, `+`, or the minus triangle `△`) or accounting
/// parentheses, optional leading ¥,
/// digits with optional thousands separators (commas or spaces), optional fraction and
/// exponent.
fn parse_number_text(s: &str) -> Option<Decimal> {
    let (paren, s) = match s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, s),
    };
    let s = s.strip_prefix('¥').unwrap_or(s);
    let (neg, s) = match s.chars().next() {
        Some(sign @ ('-' | '+')) => (sign == '-', &s[1..]),
        Some(t) if TRIANGLE_MINUS.contains(&t) => {
            (true, s[t.len_utf8()..].trim_start_matches(is_space))
        }
        _ => (false, s),
    };
    if paren && neg {
        return None;
    }
    let s = s.strip_prefix('¥').unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    if let Some(f) = frac_part {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let digits = match int_part.chars().find(|c| !c.is_ascii_digit()) {
        None => int_part.to_string(),
        // Thousands separated by commas, or by spaces as some exports print them.
        Some(sep) if (sep == ',' || is_space(sep)) && exponent.is_none() => {
            grouped_digits(int_part, sep)?
        }
        Some(_) => return None,
    };
    let mut text = String::with_capacity(s.len() + 2);
    if neg || paren {
        text.push('-');
    }
    text.push_str(if digits.is_empty() { "0" } else { &digits });
    if let Some(f) = frac_part.filter(|f| !f.is_empty()) {
        text.push('.');
        text.push_str(f);
    }
    match exponent {
        None => Decimal::from_str(&text).ok(),
        Some(e) => {
            let body = e.strip_prefix(['+', '-']).unwrap_or(e);
            if body.is_empty() || body.len() > 3 || !body.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Decimal::from_scientific(&format!("{text}e{e}")).ok()
        }
    }
}

fn non_text_invalid(cell: &Cell) -> Amount {
    Amount::Invalid(cell.to_string())
}

/// The largest magnitude an input number may have (1e15): no amount in 万元, rate, score or
/// count comes near it, and sums and ratios of such numbers stay far inside `Decimal`'s range,
/// so no arithmetic on input can overflow.
const INPUT_MAX: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);
/// The smallest non-zero magnitude an input number may have (1e-10): finer is no figure.
const INPUT_MIN: Decimal = Decimal::from_parts(1, 0, 0, false, 10);

/// Whether a number read from a file or a document is in the range of real figures; one
/// outside it is refused at its cell, never computed with.
pub fn in_input_range(d: Decimal) -> bool {
    d.is_zero() || (d.abs() <= INPUT_MAX && d.abs() >= INPUT_MIN)
}

/// Reads a money amount from a cell.
///
/// * number cells → `Value`;
/// * text "1,643.36", "１，６４３.３６", "1 643.36", " 526.36 ", "-12.5", "+3", "¥12.00", "1.2E+3"
///   → `Value`;
///   "(12.50)", "（12.50）", "△12.50", "－12.50" → `Value(-12.50)`;
/// * empty or whitespace-only → `Blank`; "—", "——", "-", "--", "/", "／", "\", "无" → `Nothing`;
/// * everything else, including "12.50万元", "1,6433", "526,36", "12%", booleans and error values
///   → `Invalid` carrying the original text.
pub fn parse_amount(cell: &Cell) -> Amount {
    match cell {
        Cell::Empty => Amount::Blank,
        Cell::Number(d) => Amount::Value(*d),
        Cell::Text(raw) => {
            let s = fold_text(raw);
            if s.is_empty() {
                Amount::Blank
            } else if is_nothing(&s) {
                Amount::Nothing
            } else {
                match parse_number_text(&s) {
                    Some(d) => Amount::Value(d),
                    None => Amount::Invalid(raw.clone()),
                }
            }
        }
        Cell::Bool(_) | Cell::Error(_) => non_text_invalid(cell),
    }
}

/// A number in a rate column as a fraction: magnitudes above 1 are percent points (79.68 → 0.7968),
/// magnitudes up to 1 are already fractions (0.7968, 1 = 100%).
///
/// Ambiguity: 1.05 reads as 1.05 percent points (0.0105), not 105%. Excel cells formatted as
/// percent store fractions, so this only bites hand-typed fractions above 1.
fn rate_from_number(d: Decimal) -> Decimal {
    if d.abs() > Decimal::ONE {
        d / Decimal::ONE_HUNDRED
    } else {
        d
    }
}

/// Reads a rate as a fraction: 0.7968, "79.68%", "79.68％", "79.68", 79.68 (number > 1 means
/// percent points), "100%" → 1, "5‰" → 0.005. Blank and placeholders as in [`parse_amount`].
pub fn parse_rate(cell: &Cell) -> Amount {
    match cell {
        Cell::Empty => Amount::Blank,
        Cell::Number(d) => Amount::Value(rate_from_number(*d)),
        Cell::Text(raw) => {
            let s = fold_text(raw);
            if s.is_empty() {
                return Amount::Blank;
            }
            if is_nothing(&s) {
                return Amount::Nothing;
            }
            let parsed = if let Some(body) = s.strip_suffix('%') {
                parse_number_text(body.trim_end_matches(is_space)).map(|d| d / Decimal::ONE_HUNDRED)
            } else if let Some(body) = s.strip_suffix('‰') {
                parse_number_text(body.trim_end_matches(is_space))
                    .map(|d| d / Decimal::ONE_THOUSAND)
            } else {
                parse_number_text(&s).map(rate_from_number)
            };
            match parsed {
                Some(d) => Amount::Value(d),
                None => Amount::Invalid(raw.clone()),
            }
        }
        Cell::Bool(_) | Cell::Error(_) => non_text_invalid(cell),
    }
}

/// Reads a budget-subject or economic code as its digit string: 201 (number), 201.0, "201",
/// " 2010450 ", "２０１", "201.0", "2010450.00", "201 04 50", "201.04.50", "201-04-50". `None`
/// for anything else (negative, fractional, letters, blanks).
///
/// A number cell loses leading zeros ("04" typed as a number is 4 → "4"); [`SplitCodeState`]
/// pads 款/项 parts back to two digits.
pub fn parse_code(cell: &Cell) -> Option<String> {
    let s = match cell {
        Cell::Number(d) => {
            if d.is_sign_negative() || !d.fract().is_zero() {
                return None;
            }
            decimal_text(d.trunc())
        }
        Cell::Text(t) => {
            let folded = fold_text(t);
            match zero_tail(&folded) {
                Some(whole) => whole.to_string(),
                None => spaced_code(&folded).unwrap_or(folded),
            }
        }
        _ => return None,
    };
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// The whole number of digits written with a zero decimal tail ("201.0", "2010450.00", as a
/// number cell shows when its text is copied): "201".
pub fn zero_tail(text: &str) -> Option<&str> {
    let (whole, tail) = text.split_once('.')?;
    let digits = |s: &str, z: fn(&u8) -> bool| !s.is_empty() && s.as_bytes().iter().all(z);
    (digits(whole, u8::is_ascii_digit) && digits(tail, |&b| b == b'0')).then_some(whole)
}

/// "201 06 01" (a 类, 款 and 项 printed apart in one cell) as "2010601": a group of three digits,
/// then one or two groups of two, spaced, dotted ("201.06.01") or dashed ("201-06-01").
pub(crate) fn spaced_code(text: &str) -> Option<String> {
    let apart = |c: char| is_space(c) || c == '.' || c == '-';
    let groups: Vec<&str> = text.split(apart).filter(|g| !g.is_empty()).collect();
    let digits = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
    let shaped = matches!(groups.len(), 2 | 3)
        && digits(groups[0], 3)
        && groups[1..].iter().all(|g| digits(g, 2));
    shaped.then(|| groups.concat())
}

/// Rebuilds full subject codes from tables that split them over 类/款/项 columns
/// (as the Changsha budget tables do):
///
/// | 类  | 款 | 项 | result    |
/// |-----|----|----|-----------|
/// | 201 |    |    | "201"     |
/// |     | 04 |    | "20104"   |
/// | 201 | 04 | 50 | "2010450" |
/// |     |    | 06 | "2010406" |
///
/// 款 and 项 parts are padded to two digits (a number cell 4 is "04"). A full 5- or 7-digit code
/// typed into the 类 column alone is accepted as is and sets the context. Rows without any code
/// (header, 合计) give `None` and keep the context; parts that cannot be placed (a 项 without a
/// known 类/款, wrong lengths) give `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitCodeState {
    lei: Option<String>,
    kuan: Option<String>,
}

impl SplitCodeState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the current 类/款 context (call at the start of each table).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The full code of the row with these 类, 款, 项 cells.
    pub fn next(&mut self, lei: &Cell, kuan: &Cell, xiang: &Cell) -> Option<String> {
        fn pad2(s: String) -> String {
            if s.len() == 1 {
                format!("0{s}")
            } else {
                s
            }
        }
        let l = parse_code(lei);
        let k = parse_code(kuan).map(pad2);
        let x = parse_code(xiang).map(pad2);
        // A whole code in one of the columns ("2010601" under 项, "20106" under 款 beside its
        // 类): the others only repeat its parts, or (a 2-digit 项 after a whole 款) go on
        // below it.
        if let Some(whole) = [&x, &k, &l]
            .into_iter()
            .flatten()
            .find(|c| matches!(c.len(), 5 | 7))
        {
            let full = match &x {
                Some(x) if whole.len() == 5 && x.len() == 2 => format!("{whole}{x}"),
                _ => whole.clone(),
            };
            // Each part as the code up to its level, or as that level's own digits.
            let repeats = |part: &Option<String>, to: usize| {
                part.as_ref().is_none_or(|p| {
                    let own = to.checked_sub(p.len()).and_then(|from| full.get(from..to));
                    *p == full || full.get(..to) == Some(p.as_str()) || own == Some(p.as_str())
                })
            };
            let fits = repeats(&l, 3) && repeats(&k, 5) && (full.len() < 7 || repeats(&x, 7));
            return fits.then(|| self.enter(&full));
        }
        if l.as_ref().is_some_and(|l| l.len() != 3)
            || k.as_ref().is_some_and(|k| k.len() != 2)
            || x.as_ref().is_some_and(|x| x.len() != 2)
        {
            return None;
        }
        match (l, k, x) {
            (None, None, None) => None,
            (Some(l), None, None) => {
                self.lei = Some(l.clone());
                self.kuan = None;
                Some(l)
            }
            (l, Some(k), None) => {
                let lei = l.or_else(|| self.lei.clone())?;
                self.lei = Some(lei.clone());
                self.kuan = Some(k.clone());
                Some(lei + &k)
            }
            (l, k, Some(x)) => {
                let kuan = match (&k, &l) {
                    (Some(k), _) => k.clone(),
                    // A 项 under a different 类 without its 款 cannot be placed.
                    (None, Some(l)) if self.lei.as_ref() != Some(l) => return None,
                    (None, _) => self.kuan.clone()?,
                };
                let lei = l.or_else(|| self.lei.clone())?;
                self.lei = Some(lei.clone());
                self.kuan = Some(kuan.clone());
                Some(format!("{lei}{kuan}{x}"))
            }
        }
    }

    /// A 款 code typed as a number with its levels dotted (`201.05`, stored 201.05; `208.10`
    /// in a cell formatted `0.00`, stored 208.1): its five digits, when its 类 is the one of the
    /// rows above. Any other number with a fraction is an amount, not a code.
    pub fn dotted_number(&self, cell: &Cell) -> Option<String> {
        let Cell::Number(d) = cell else {
            return None;
        };
        let mut shown = d.normalize();
        if shown.is_sign_negative() || shown.fract().is_zero() || shown.scale() > 2 {
            return None;
        }
        shown.rescale(2);
        let text = shown.to_string();
        let (lei, kuan) = text.split_once('.')?;
        (lei.len() == 3 && self.lei.as_deref() == Some(lei)).then(|| format!("{lei}{kuan}"))
    }

    /// Takes a whole code (3, 5 or 7 digits) read on its own as the context of the rows below
    /// it; returns it.
    pub fn enter(&mut self, code: &str) -> String {
        self.lei = code.get(..3).map(str::to_string);
        self.kuan = code.get(3..5).map(str::to_string);
        code.to_string()
    }
}

/// Leading 一、 (一) 1、 1. and 其中： removed from a label key, so "一、基本支出" matches
/// "基本支出" and "其中:公车购置" matches "公车购置".
pub fn strip_ordinal(k: &str) -> String {
    // Read for every row of a table: slices of `k`, one allocation at the end.
    let numerals = |c: char| {
        matches!(
            c,
            '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '0'..='9'
        )
    };
    // `strip_prefix` in a loop, not `trim_start_matches`: a pattern searcher built twice for
    // every label read cost more than the rest of this function.
    fn without_of_which(mut s: &str) -> &str {
        while let Some(rest) = s.strip_prefix("其中:") {
            s = rest;
        }
        s
    }
    let mut s = without_of_which(k);
    if s.starts_with('(') {
        if let Some(end) = s.find(')') {
            if s[1..end].chars().all(numerals) && end > 1 {
                s = &s[end + 1..];
            }
        }
    }
    let lead: usize = s
        .chars()
        .take_while(|c| numerals(*c))
        .map(char::len_utf8)
        .sum();
    if lead > 0 {
        let rest = &s[lead..];
        if let Some(r) = rest
            .strip_prefix('、')
            .or_else(|| rest.strip_prefix('.'))
            .or_else(|| rest.strip_prefix('．'))
        {
            s = r;
        }
    }
    without_of_which(s).to_string()
}

/// Whether two item names (projects, units) name the same thing as clerks write them: equal
/// once spacing, numbering ("1、") and 其中 are ignored, or — names of at least four
/// characters — one is the other with a few characters left out ("其他事业发展资金" for
/// "其他事业发展类资金"): a subsequence holding at least 80% of the longer name.
pub fn names_match(a: &str, b: &str) -> bool {
    let (a, b) = (strip_ordinal(&label_key(a)), strip_ordinal(&label_key(b)));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long): (Vec<char>, Vec<char>) = if a.chars().count() <= b.chars().count() {
        (a.chars().collect(), b.chars().collect())
    } else {
        (b.chars().collect(), a.chars().collect())
    };
    if short.len() < 4 || short.len() * 5 < long.len() * 4 {
        return false;
    }
    let mut it = long.iter();
    short.iter().all(|c| it.any(|x| x == c))
}

/// Whether two statements (a form's 注, a remark under a table) say the same in slightly
/// different words: their letters and ideographs — punctuation, spacing, quotes and digits
/// (a year written in, a numbering) ignored — share a common subsequence of at least 90% of
/// their average length (`注：本表反映部门本年度2023年公共财政拨款…` against the standard
/// `注：本表反映部门本年度公共财政拨款…`); a different statement on the same table, sharing
/// its stock phrases only, is not taken for it.
pub fn same_wording(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<char> {
        label_key(s)
            .chars()
            .filter(|c| c.is_alphanumeric() && !c.is_ascii_digit())
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return a == b;
    }
    common_subsequence(&a, &b) * 20 >= (a.len() + b.len()) * 9
}

/// The length of the longest common subsequence of `a` and `b` (one row of the table at a
/// time: statements are a few hundred characters at most).
fn common_subsequence(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The label key of a text with, for each of its characters, the byte offset in the original
/// text where it came from (so a part found by comparing keys can be cut from the original
/// with its spacing intact). Unlike [`label_key`], trailing colons are kept.
pub fn key_with_offsets(s: &str) -> Vec<(char, usize)> {
    s.char_indices()
        .filter(|&(_, c)| !is_space(c))
        .map(|(i, c)| (fold_char(c), i))
        .collect()
}

/// A number as the forms show it: no trailing zeros, no exponent, `-` before a negative
/// (`526.36`, `0.05`, `-12`); what `d.normalize().to_string()` gives, made without the general
/// formatter for the amounts a workbook holds (keys are made for every number cell read).
pub fn decimal_text(d: Decimal) -> String {
    let d = d.normalize();
    let Ok(units) = u64::try_from(d.mantissa().unsigned_abs()) else {
        return d.to_string();
    };
    let digits = units.to_string();
    let scale = d.scale() as usize;
    let mut out = String::with_capacity(digits.len() + scale + 3);
    if d.is_sign_negative() {
        out.push('-');
    }
    match digits.len().checked_sub(scale) {
        Some(0) | None => {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
            out.push_str(&digits);
        }
        Some(whole) if scale > 0 => {
            out.push_str(&digits[..whole]);
            out.push('.');
            out.push_str(&digits[whole..]);
        }
        Some(_) => out.push_str(&digits),
    }
    out
}

/// Characters that tell sibling units apart rather than being typed wrong: numbers (第一中学,
/// 第二中学; 1 and 2), 甲乙丙丁 and the quarters (城东, 城西).
const SIBLING_MARKS: &str =
    "0123456789０１２３４５６７８９一二三四五六七八九十零〇甲乙丙丁东西南北";

/// Whether two unit names in tables' heads name one unit: the same, or but a character
/// apart (株洲市… on most tables, 株州市… on one: a typo, not another unit) — unless a
/// character that differs is one that numbers or places sibling units (一中, 二中).
pub fn one_unit(a: &str, b: &str) -> bool {
    let mut rest: Vec<char> = b.chars().collect();
    let mut only_a = Vec::new();
    for c in a.chars() {
        match rest.iter().position(|&r| r == c) {
            Some(at) => {
                rest.swap_remove(at);
            }
            None => only_a.push(c),
        }
    }
    let sibling = |c: &char| SIBLING_MARKS.contains(*c);
    only_a.len() + rest.len() <= 2 && !only_a.iter().chain(&rest).any(sibling)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    #[test]
    fn sibling_units_are_not_typos() {
        assert!(one_unit("株洲市财政局", "株州市财政局"));
        assert!(one_unit(
            "长株潭一体化发展事务中心",
            "长株潭一体化发展事务中心"
        ));
        for (a, b) in [
            ("长沙市第一中学", "长沙市第二中学"),
            ("某某区2中", "某某区3中"),
            ("城东街道办事处", "城西街道办事处"),
            ("甲单位", "乙单位"),
        ] {
            assert!(!one_unit(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn decimal_text_is_the_normalised_display() {
        for (text, want) in [("526.360", "526.36"), ("-0.050", "-0.05"), ("-0.00", "0")] {
            assert_eq!(decimal_text(dec(text)), want);
        }
        assert_eq!(decimal_text(dec("12e3")), "12000");
        // Generated: mantissas up to 96 bits (past u64, the general formatter's share), every
        // scale, both signs.
        let mut rng = Rng::new(0x1234_5678_9abc_def1);
        let mut next = || rng.next();
        for _ in 0..20_000 {
            let bits = next() % 97;
            let mantissa = (i128::from(next()) << 32 | i128::from(next() as u32)) >> (96 - bits);
            let d = Decimal::from_i128_with_scale(mantissa, (next() % 29) as u32);
            let d = if next() % 2 == 0 { -d } else { d };
            assert_eq!(decimal_text(d), d.normalize().to_string(), "{d:?}");
        }
    }

    /// Generated texts mixing characters kept as they are with spaces and characters folded
    /// (full-width, quotes, Kangxi radicals, minus signs): the key made by copying a text with
    /// nothing to fold is the key made by folding it character by character.
    #[test]
    fn label_key_copies_only_what_folding_keeps() {
        const KEPT: &[char] = &[
            '2', 'a', 'Z', '(', ':', '"', '年', '〇', '二', '合', '计', '\u{1}',
        ];
        const CHANGED: &[char] = &[
            ' ', '\u{3000}', '\u{200B}', '（', '：', '“', '\'', '⼀', '\u{2212}',
        ];
        let mut rng = Rng::new(0x1abe_1c0d);
        for _ in 0..20_000 {
            let len = rng.next() % 9;
            let fold_some = rng.next().is_multiple_of(2);
            let s: String = (0..len)
                .map(|_| {
                    let n = rng.next() as usize;
                    match fold_some && n.is_multiple_of(4) {
                        true => CHANGED[n / 4 % CHANGED.len()],
                        false => KEPT[n / 4 % KEPT.len()],
                    }
                })
                .collect();
            let mut want = folded(&s);
            while want.ends_with(':') {
                want.pop();
            }
            fold_numeral_years(&mut want);
            assert_eq!(label_key(&s), want, "{s:?}");
        }
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
    fn num(s: &str) -> Cell {
        Cell::Number(dec(s))
    }

    #[test]
    fn label_key_examples_from_the_brief() {
        assert_eq!(label_key("本 年 收 入 合 计"), label_key("本年收入合计"));
        assert_eq!(label_key("年度预\n算申请"), label_key("年度预算申请"));
        assert_eq!(label_key("因公出国（境）费"), label_key("因公出国(境)费"));
        assert_eq!(label_key("因公出国（境）费"), "因公出国(境)费");
    }

    #[test]
    fn years_in_chinese_numerals_are_keyed_in_digits() {
        for year in [
            "二〇二三年度",
            "二零二三年度",
            "二○二三年度",
            "二Ｏ二三年度",
            "２０２３年度",
        ] {
            assert_eq!(label_key(year), "2023年度", "{year}");
        }
        assert_eq!(
            label_key("株洲市某某局二〇二四年收入支出决算总表"),
            "株洲市某某局2024年收入支出决算总表"
        );
        // Not a year: no 年 after it, part of a longer run, or no year of 2000–2099.
        for kept in [
            "二〇二三",
            "一二〇二三年",
            "一二三四年",
            "零星支出年度合计",
            "三〇二三年",
        ] {
            assert_eq!(label_key(kept), kept, "{kept}");
        }
    }

    #[test]
    fn label_key_real_variants() {
        let same = [
            ("项 目", "项目"),
            ("金 额", "金额"),
            ("总 计", "总计"),
            ("收 入", "收入"),
            ("　合计　", "合计"),
            ("栏\u{a0}次", "栏次"),
            ("科目编码\r\n", "科目编码"),
            ("科目\t名称", "科目名称"),
            ("因公出国 (境)费", "因公出国（境）费"),
            ("公务用车购 置费", "公务用车购置费"),
            ("退职（役）费", "退职(役)费"),
            ("维修（护）费", "维修(护)费"),
            ("评（扣）分标准", "评(扣)分标准"),
            ("单位（项目）名称", "单位(项目)名称"),
            (
                "部门：株洲市长株潭一体化发展事务中心",
                "部门:株洲市长株潭一体化发展事务中心",
            ),
            ("金额单位：万元", "金额单位: 万元"),
            ("其中：经费拨款", "其中:经费拨款"),
            ("单位：", "单位"),
            ("部门名称：", "部门名称:"),
            ("公开０１表", "公开01表"),
            ("１、一般公共预算拨款收入", "1、一般公共预算拨款收入"),
            (
                "财政拨款“三公”经费支出决算表",
                "财政拨款\"三公\"经费支出决算表",
            ),
            (
                "财政拨款‘三公’经费支出决算表",
                "财政拨款'三公'经费支出决算表",
            ),
            ("「三公」经费", "“三公”经费"),
            ("⼀般公共服务⽀出", "一般公共服务支出"),
            ("ＰＰＰ项目", "PPP项目"),
            ("其他收入；合计", "其他收入;合计"),
            ("基本支出，项目支出", "基本支出,项目支出"),
            ("\u{FEFF}合计\u{200B}", "合计"),
        ];
        for (a, b) in same {
            assert_eq!(label_key(a), label_key(b), "{a:?} vs {b:?}");
        }
        assert_eq!(
            label_key("一、一般公共预算财政拨款收入"),
            "一、一般公共预算财政拨款收入"
        );
        assert_eq!(label_key("2023年度部门决算"), "2023年度部门决算");
        assert_eq!(label_key("单位：万元"), "单位:万元");
        assert_eq!(label_key(""), "");
        assert_eq!(label_key(" ：："), "");
        // No over-merging of distinct labels.
        assert_ne!(label_key("基本支出"), label_key("项目支出"));
        assert_ne!(label_key("人员经费合计"), label_key("公用经费合计"));
        assert_ne!(label_key("一、本年收入"), label_key("二、本年收入"));
    }

    #[test]
    fn amounts() {
        use Amount::*;
        let cases: &[(Cell, Amount)] = &[
            (Cell::Empty, Blank),
            (num("526.36"), Value(dec("526.36"))),
            (text("1,643.36"), Value(dec("1643.36"))),
            (text("１，６４３.３６"), Value(dec("1643.36"))),
            (text("１，６４３．３６"), Value(dec("1643.36"))),
            (text(" 526.36 "), Value(dec("526.36"))),
            (text("\u{3000}526.36\u{a0}"), Value(dec("526.36"))),
            (text("(12.50)"), Value(dec("-12.50"))),
            (text("（12.50）"), Value(dec("-12.50"))),
            (text("-12.5"), Value(dec("-12.5"))),
            (text("－12.5"), Value(dec("-12.5"))),
            (text("\u{2212}12.5"), Value(dec("-12.5"))),
            (text("+3"), Value(dec("3"))),
            (text("¥1,200.00"), Value(dec("1200"))),
            (text("￥12"), Value(dec("12"))),
            (text("-¥12"), Value(dec("-12"))),
            (text("0.00"), Value(Decimal::ZERO)),
            (text("0"), Value(Decimal::ZERO)),
            (text(".5"), Value(dec("0.5"))),
            (text("12."), Value(dec("12"))),
            (text("1,234,567.89"), Value(dec("1234567.89"))),
            (text("1 643.36"), Value(dec("1643.36"))),
            (text("2 946.25"), Value(dec("2946.25"))),
            (text("1\u{a0}234.56"), Value(dec("1234.56"))),
            (text("1\u{2009}234"), Value(dec("1234"))),
            (
                text("-1\u{202f}234\u{202f}567.00"),
                Value(dec("-1234567.00")),
            ),
            (text("1.2E+3"), Value(dec("1200"))),
            (text("5e-2"), Value(dec("0.05"))),
            (text(""), Blank),
            (text("   "), Blank),
            (text("\u{3000}"), Blank),
            (text("—"), Nothing),
            (text("——"), Nothing),
            (text("-"), Nothing),
            (text("--"), Nothing),
            (text("— —"), Nothing),
            (text("–"), Nothing),
            (text("/"), Nothing),
            (text("／"), Nothing),
            (text("\\"), Nothing),
            (text("无"), Nothing),
            (text(" 无 "), Nothing),
        ];
        for (cell, want) in cases {
            assert_eq!(&parse_amount(cell), want, "{cell:?}");
        }
        // Scale is kept as typed.
        assert_eq!(parse_amount(&text("0.00")).value().unwrap().scale(), 2);
    }

    /// Generated amounts written negative with the minus triangle (`△`, `▲`), grouped or not,
    /// full-width or not, read as the negative amount and told apart from a plain minus; a
    /// triangle beside another sign is refused.
    #[test]
    fn amounts_with_the_minus_triangle_are_negative() {
        let mut rng = crate::test_rng::Rng::new(0x7417);
        for _ in 0..2000 {
            let cents = rng.next() % 10u64.pow(1 + rng.below(10) as u32);
            let plain = format!("{}.{:02}", cents / 100, cents % 100);
            let want = -dec(&plain);
            let grouped = grouped(&plain);
            let wide: String = plain
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect();
            for body in [&plain, &grouped, &wide] {
                for t in ["△", "▲", " △", "△ "] {
                    let cell = text(&format!("{t}{body}"));
                    assert_eq!(parse_amount(&cell), Amount::Value(want), "{cell:?}");
                    assert!(has_triangle_minus(&cell), "{cell:?}");
                }
                for bad in [
                    format!("△-{body}"),
                    format!("(△{body})"),
                    format!("-△{body}"),
                ] {
                    assert!(
                        matches!(parse_amount(&text(&bad)), Amount::Invalid(_)),
                        "{bad}"
                    );
                }
                assert!(!has_triangle_minus(&text(&format!("-{body}"))));
            }
        }
        assert!(!has_triangle_minus(&num("-12.30")));
        assert!(matches!(parse_amount(&text("△")), Amount::Invalid(_)));
    }

    /// `plain` ("1234567.89") with its whole part in comma-separated thousands.
    fn grouped(plain: &str) -> String {
        let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{out}.{frac}")
    }

    /// Generated amounts written in thousands with each separator (comma, space, no-break,
    /// thin and narrow no-break space) read back as the amount; with one group a digit short
    /// they are refused.
    #[test]
    fn amounts_in_thousands_read_back_whatever_the_separator() {
        let mut rng = crate::test_rng::Rng::new(11);
        for _ in 0..2000 {
            let int = (rng.next() % 10u64.pow(1 + rng.below(12) as u32)).to_string();
            let frac = ["", ".5", ".05", ".36", ".00"][rng.below(5)];
            let sep = [',', ' ', '\u{a0}', '\u{2009}', '\u{202f}'][rng.below(5)];
            let mut grouped = String::new();
            for (i, ch) in int.chars().enumerate() {
                if i > 0 && (int.len() - i).is_multiple_of(3) {
                    grouped.push(sep);
                }
                grouped.push(ch);
            }
            let typed = format!("{grouped}{frac}");
            let want = dec(&format!("{int}{frac}"));
            assert_eq!(
                parse_amount(&text(&typed)),
                Amount::Value(want),
                "{typed:?}"
            );
            if let Some(cut) = typed.rfind(sep) {
                let short = format!(
                    "{}{}",
                    &typed[..cut + sep.len_utf8()],
                    &typed[cut + sep.len_utf8() + 1..]
                );
                assert!(
                    matches!(parse_amount(&text(&short)), Amount::Invalid(_)),
                    "{short:?} is a group short"
                );
            }
        }
    }

    #[test]
    fn invalid_amounts() {
        use Amount::*;
        for bad in [
            "12.50万元",
            "12.50元",
            "1,6433",
            "526,36",
            "1,643,36",
            ",643",
            "643,",
            "526。36",
            "12 34",
            "1 2345",
            "1, 234",
            "1,234 567",
            "1 234e3",
            "0 326.71",
            "1  234",
            "12%",
            "abc",
            "一",
            "合计",
            ".",
            "-.",
            "1.2.3",
            "(-12)",
            "(12",
            "1e",
            "1e99999",
            "1,2e3",
            "99999999999999999999999999999999",
            "++1",
        ] {
            assert_eq!(
                parse_amount(&text(bad)),
                Invalid(bad.to_string()),
                "{bad:?} must be invalid"
            );
        }
        assert_eq!(parse_amount(&Cell::Bool(true)), Invalid("TRUE".into()));
        assert_eq!(
            parse_amount(&Cell::Error("#DIV/0!".into())),
            Invalid("#DIV/0!".into())
        );
        assert_eq!(Nothing.or_zero(), Some(Decimal::ZERO));
        assert_eq!(Blank.or_zero(), Some(Decimal::ZERO));
        assert_eq!(Invalid("x".into()).or_zero(), None);
        assert_eq!(Nothing.value(), None);
    }

    #[test]
    fn rates() {
        use Amount::*;
        let cases: &[(Cell, Amount)] = &[
            (num("0.7968"), Value(dec("0.7968"))),
            (num("79.68"), Value(dec("0.7968"))),
            (num("1"), Value(Decimal::ONE)),
            (num("100"), Value(Decimal::ONE)),
            (num("0"), Value(Decimal::ZERO)),
            (text("79.68%"), Value(dec("0.7968"))),
            (text("79.68％"), Value(dec("0.7968"))),
            (text(" 79.68 % "), Value(dec("0.7968"))),
            (text("100%"), Value(Decimal::ONE)),
            (text("105%"), Value(dec("1.05"))),
            (text("0.7968"), Value(dec("0.7968"))),
            (text("79.68"), Value(dec("0.7968"))),
            (text("5‰"), Value(dec("0.005"))),
            (text("-3.5%"), Value(dec("-0.035"))),
            (text("——"), Nothing),
            (text("/"), Nothing),
            (Cell::Empty, Blank),
            (text(" "), Blank),
        ];
        for (cell, want) in cases {
            assert_eq!(&parse_rate(cell), want, "{cell:?}");
        }
        for bad in ["≥95%", "%", "百分之八十", "80%%", "是"] {
            assert_eq!(parse_rate(&text(bad)), Invalid(bad.into()), "{bad:?}");
        }
        assert_eq!(
            parse_rate(&Cell::Error("#N/A".into())),
            Invalid("#N/A".into())
        );
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code(&num("201")), Some("201".into()));
        assert_eq!(parse_code(&num("201.0")), Some("201".into()));
        assert_eq!(parse_code(&num("2010450")), Some("2010450".into()));
        assert_eq!(parse_code(&text("201")), Some("201".into()));
        assert_eq!(parse_code(&text(" 2010450 ")), Some("2010450".into()));
        assert_eq!(parse_code(&text("２０１")), Some("201".into()));
        assert_eq!(parse_code(&text("04")), Some("04".into()));
        assert_eq!(parse_code(&num("4")), Some("4".into()));
        assert_eq!(parse_code(&text("430001")), Some("430001".into()));
        for bad in [
            Cell::Empty,
            num("201.5"),
            num("-201"),
            text(""),
            text("合计"),
            text("201-4"),
            text("2010 450"),
            text("2010.450"),
            text("201.5"),
            text("201.04.5"),
            text(".0"),
            text("201."),
            text("**"),
            Cell::Bool(true),
            Cell::Error("#REF!".into()),
        ] {
            assert_eq!(parse_code(&bad), None, "{bad:?}");
        }
    }

    /// Every 类, 款 and 项 code of a generated set typed as clerks type it as text: with a
    /// number's zero tail, its levels dotted, dashed or spaced, in full-width digits.
    #[test]
    fn codes_typed_with_tails_and_separators() {
        let mut rng = Rng::new(0x5eed_c0de);
        for _ in 0..2_000 {
            let lei = 200 + rng.next() % 30;
            let kuan = 1 + rng.next() % 99;
            let xiang = 1 + rng.next() % 99;
            let levels = [
                format!("{lei}"),
                format!("{kuan:02}"),
                format!("{xiang:02}"),
            ];
            let depth = 1 + (rng.next() % 3) as usize;
            let parts = &levels[..depth];
            let want = parts.concat();
            let zeros = "0".repeat(1 + (rng.next() % 3) as usize);
            let wide: String = want
                .chars()
                .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
                .collect();
            let mut typed = vec![format!("{want}.{zeros}"), format!(" {want}.0\u{a0}"), wide];
            if depth > 1 {
                typed.extend([".", "-", " ", "－", "．"].map(|sep| parts.join(sep)));
            }
            for t in typed {
                assert_eq!(parse_code(&text(&t)), Some(want.clone()), "{t:?}");
            }
        }
    }

    #[test]
    fn counts_in_chinese_numerals() {
        let numerals = "一二三四五六七八九";
        let ones = |n: usize| {
            numerals
                .chars()
                .nth(n - 1)
                .map(String::from)
                .unwrap_or_default()
        };
        for n in 1..100usize {
            let written = match (n / 10, n % 10) {
                (0, o) => ones(o),
                (1, o) => format!("十{}", if o == 0 { String::new() } else { ones(o) }),
                (t, o) => format!(
                    "{}十{}",
                    ones(t),
                    if o == 0 { String::new() } else { ones(o) }
                ),
            };
            assert_eq!(chinese_count(&written), Some(n as u32), "{written}");
        }
        for bad in ["", "零", "〇", "百", "一二", "十十", "一十一十", "1", "十1"] {
            assert_eq!(chinese_count(bad), None, "{bad}");
        }
    }

    #[test]
    fn split_codes_like_the_changsha_tables() {
        let e = Cell::Empty;
        let mut st = SplitCodeState::new();
        // Header rows and the 合计 row carry no code.
        assert_eq!(st.next(&text("类"), &text("款"), &text("项")), None);
        assert_eq!(st.next(&text("**"), &text("**"), &text("**")), None);
        assert_eq!(st.next(&e, &e, &e), None);
        assert_eq!(st.next(&text("201"), &e, &e), Some("201".into()));
        assert_eq!(st.next(&e, &text("04"), &e), Some("20104".into()));
        assert_eq!(
            st.next(&text("201"), &text("04"), &text("06")),
            Some("2010406".into())
        );
        assert_eq!(st.next(&e, &e, &text("50")), Some("2010450".into()));
        // Numbers lose their leading zero; padding restores it.
        assert_eq!(st.next(&num("208"), &e, &e), Some("208".into()));
        assert_eq!(st.next(&e, &num("5"), &e), Some("20805".into()));
        assert_eq!(st.next(&e, &e, &num("2")), Some("2080502".into()));
        assert_eq!(
            st.next(&num("208"), &num("5"), &num("5")),
            Some("2080505".into())
        );
        // A new 类 forgets the 款: a bare 项 cannot be placed.
        assert_eq!(st.next(&text("210"), &e, &e), Some("210".into()));
        assert_eq!(st.next(&e, &e, &text("02")), None);
        assert_eq!(
            st.next(&e, &text("11"), &text("02")),
            Some("2101102".into())
        );
        // A 项 with a different 类 and no 款 cannot be placed either.
        assert_eq!(st.next(&text("221"), &e, &text("01")), None);
        // A full code typed in the 类 column sets the context.
        assert_eq!(st.next(&text("2210201"), &e, &e), Some("2210201".into()));
        assert_eq!(st.next(&e, &e, &text("03")), Some("2210203".into()));
        assert_eq!(st.next(&text("22102"), &e, &e), Some("22102".into()));
        // Wrong lengths are rejected.
        assert_eq!(st.next(&text("2011"), &e, &e), None);
        assert_eq!(st.next(&e, &text("104"), &e), None);
        // Without any 类 context a 款 cannot be placed.
        st.reset();
        assert_eq!(st.next(&e, &text("04"), &e), None);
        assert_eq!(st.next(&e, &e, &text("50")), None);
    }

    /// Whole codes under the 款 and 项 columns (`201 | 20106 | 2010601`), and codes printed with
    /// spaces between their levels (`201 06 01`), as published.
    #[test]
    fn whole_and_spaced_codes_in_split_columns() {
        let e = Cell::Empty;
        let mut st = SplitCodeState::new();
        assert_eq!(st.next(&text("201"), &e, &e), Some("201".into()));
        assert_eq!(st.next(&e, &text("20106"), &e), Some("20106".into()));
        assert_eq!(st.next(&e, &e, &num("2010601")), Some("2010601".into()));
        // The next bare 项 goes on under the 款 the whole code set.
        assert_eq!(st.next(&e, &e, &text("02")), Some("2010602".into()));
        // Parts beside a whole code repeat it.
        assert_eq!(
            st.next(&text("208"), &text("05"), &text("2080501")),
            Some("2080501".into())
        );
        assert_eq!(
            st.next(&text("208"), &text("20805"), &text("2080505")),
            Some("2080505".into())
        );
        // A whole 款 with its 项 beside it.
        assert_eq!(
            st.next(&text("201"), &text("20106"), &text("01")),
            Some("2010601".into())
        );
        assert_eq!(
            st.next(&e, &text("20106"), &text("02")),
            Some("2010602".into())
        );
        // Parts that contradict it leave the row unplaced: another 类, another 款, a 类 that
        // is only the code's first digit (a 序号 2 beside 20106).
        assert_eq!(st.next(&text("210"), &e, &text("2080501")), None);
        assert_eq!(st.next(&e, &text("06"), &text("2080501")), None);
        assert_eq!(st.next(&text("2"), &text("20106"), &e), None);
        assert_eq!(st.next(&text("202"), &text("20106"), &text("01")), None);
        // Spaced levels in one cell.
        assert_eq!(st.next(&text("221 02"), &e, &e), Some("22102".into()));
        assert_eq!(
            st.next(&text(" 221\u{3000}02 01 "), &e, &e),
            Some("2210201".into())
        );
        assert_eq!(st.next(&e, &e, &text("03")), Some("2210203".into()));
        assert_eq!(parse_code(&text("201 06 01")), Some("2010601".into()));
        // A dotted 款 typed as a number is a code only under its 类.
        let mut state = SplitCodeState::new();
        assert_eq!(state.dotted_number(&num("201.05")), None, "no 类 above");
        state.enter("2010450");
        assert_eq!(state.dotted_number(&num("201.05")), Some("20105".into()));
        assert_eq!(state.dotted_number(&num("201.1")), Some("20110".into()));
        for amount in ["208.05", "201.055", "-201.05", "2010.5", "201"] {
            assert_eq!(state.dotted_number(&num(amount)), None, "{amount}");
        }
        assert_eq!(parse_code(&text("301 02")), Some("30102".into()));
        // Not a code: other groupings, a fourth level, a name after the code.
        for t in [
            "20 106",
            "201 6",
            "201 06 01 02",
            "2010 601",
            "201 一般公共服务支出",
        ] {
            assert_eq!(parse_code(&text(t)), None, "{t}");
        }
    }

    #[test]
    fn a1_notation() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(29, 2), "C30");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
        assert_eq!(col_name(51), "AZ");
        assert_eq!(col_name(52), "BA");
        assert_eq!(col_name(701), "ZZ");
        assert_eq!(col_name(702), "AAA");
        assert_eq!(col_name(16383), "XFD");
        assert_eq!(col_name(u16::MAX), "CRXP");
        assert_eq!(a1(1_048_575, 16383), "XFD1048576");
        assert_eq!(a1(u32::MAX, 0), "A4294967296");
        assert_eq!(parse_a1("A1"), Some((0, 0)));
        assert_eq!(parse_a1("C30"), Some((29, 2)));
        assert_eq!(parse_a1("c30"), Some((29, 2)));
        assert_eq!(parse_a1("$C$30"), Some((29, 2)));
        assert_eq!(parse_a1(" AA10 "), Some((9, 26)));
        assert_eq!(parse_a1("XFD1048576"), Some((1_048_575, 16383)));
        for bad in [
            "",
            "A",
            "1",
            "A0",
            "XFE1",
            "A1048577",
            "AAAA1",
            "A1B",
            "A-1",
            "1A",
            "A 1",
            "$$A1",
            "A1:B2",
            "中1",
            "A99999999",
        ] {
            assert_eq!(parse_a1(bad), None, "{bad:?}");
        }
        for col in [0u16, 1, 25, 26, 27, 701, 702, 16383] {
            for row in [0u32, 9, 1_048_575] {
                assert_eq!(parse_a1(&a1(row, col)), Some((row, col)));
            }
        }
        assert_eq!(parse_a1_range("A1:C3"), Some(((0, 0), (2, 2))));
        assert_eq!(parse_a1_range("C3:A1"), Some(((0, 0), (2, 2))));
        assert_eq!(parse_a1_range("B2"), Some(((1, 1), (1, 1))));
        assert_eq!(parse_a1_range("A1:"), None);
    }

    #[test]
    fn item_names_match_across_numbering_spacing_and_a_left_out_character() {
        assert!(names_match("    1、业务工作经费", "业务工作经费"));
        assert!(names_match("2、其他事业发展资金", "其他事业发展类资金"));
        assert!(!names_match(
            "1、一般公共服务支出",
            "新区范围内工程建设及相关日常维护"
        ));
        // short names must match exactly: 办公费 is not 办公经费
        assert!(!names_match("办公费", "办公经费"));
        assert!(!names_match("", ""));
        assert_eq!(strip_ordinal("其中:公车购置"), "公车购置");
        assert_eq!(strip_ordinal("(一)基本支出"), "基本支出");
        assert_eq!(strip_ordinal("12．其他支出"), "其他支出");
        assert_eq!(strip_ordinal("其中:(十)3、项目"), "项目");
        // A name that merely starts with a numeral keeps it; empty parentheses are no ordinal.
        assert_eq!(strip_ordinal("一般公共服务支出"), "一般公共服务支出");
        assert_eq!(strip_ordinal("()项目"), "()项目");
    }

    #[test]
    fn key_offsets_point_into_the_original_text() {
        let s = "填表人：彭紫叶 填报日期";
        let k = key_with_offsets(s);
        assert_eq!(k[3].0, ':');
        assert_eq!(&s[k[4].1..k[7].1], "彭紫叶 ");
    }
}
