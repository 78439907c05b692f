//! The texts a worksheet prints in its page header and footer (`<headerFooter>` of an xlsx
//! sheet part, or as an .xls stores them), formatting codes removed: a form's title printed on
//! every page and in no cell.

use memchr::memmem;

/// The header and footer elements of a sheet part, in the order their texts are kept.
const PARTS: [&str; 6] = [
    "oddHeader",
    "firstHeader",
    "evenHeader",
    "oddFooter",
    "firstFooter",
    "evenFooter",
];

/// Each line of each section (left, centre, right) of the part's page headers and footers
/// with text, once each, in the order of [`PARTS`]; empty when the part prints none.
pub(crate) fn page_header_texts(part: &[u8]) -> Vec<String> {
    let Some(at) = memmem::find(part, b"<headerFooter") else {
        return Vec::new();
    };
    let Ok(block) = std::str::from_utf8(&part[at..]) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for name in PARTS {
        let Some(raw) = element_text(block, name) else {
            continue;
        };
        let Ok(text) = quick_xml::escape::unescape(raw) else {
            continue;
        };
        add_lines(&mut out, &text);
    }
    out
}

/// The lines of header and footer texts as stored, codes and all (`&C2025年…表`), each line of
/// each section once, in their order: what they print above and below a sheet's pages.
pub(crate) fn printed_lines<'t>(texts: impl IntoIterator<Item = &'t str>) -> Vec<String> {
    let mut out = Vec::new();
    for text in texts {
        add_lines(&mut out, text);
    }
    out
}

/// The sections of `text` not yet in `out`, added to it.
fn add_lines(out: &mut Vec<String>, text: &str) {
    for section in sections(text) {
        if !out.contains(&section) {
            out.push(section);
        }
    }
}

/// The raw content of the first `<name>` element in `xml` (with attributes or none).
fn element_text<'x>(xml: &'x str, name: &str) -> Option<&'x str> {
    let open = format!("<{name}");
    let mut from = 0;
    loop {
        let at = from + xml.get(from..)?.find(&open)?;
        let rest = xml.get(at + open.len()..)?;
        match rest.chars().next()? {
            '>' => return content(&rest[1..], name),
            c if c.is_whitespace() => {
                let close = rest.find('>')?;
                // `<oddHeader/>` holds nothing.
                if rest[..close].ends_with('/') {
                    return None;
                }
                return content(&rest[close + 1..], name);
            }
            _ => from = at + open.len(),
        }
    }
}

/// What stands before `</name>`.
fn content<'x>(rest: &'x str, name: &str) -> Option<&'x str> {
    rest.find(&format!("</{name}>")).map(|end| &rest[..end])
}

/// The sections of one header or footer text, its codes removed: `&L`, `&C`, `&R` start a
/// section; `&P`, `&N`, `&D`, `&T`, `&F`, `&A` (fields filled when printing), `&"font"`,
/// `&12` (size), `&Kcolour` and the style switches print nothing of their own; `&&` is `&`.
fn sections(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            current.push(c);
            continue;
        }
        match chars.next() {
            Some('&') => current.push('&'),
            Some('L' | 'C' | 'R') => out.push(std::mem::take(&mut current)),
            Some('"') => {
                chars.by_ref().find(|&c| c == '"');
            }
            Some('K') => {
                for _ in 0..6 {
                    chars.next_if(char::is_ascii_alphanumeric);
                }
            }
            Some(d) if d.is_ascii_digit() => while chars.next_if(char::is_ascii_digit).is_some() {},
            _ => {}
        }
    }
    out.push(current);
    // A section of several lines prints them one below the other, as lines above a table.
    out.iter()
        .flat_map(|s| s.lines())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(header_footer: &str) -> Vec<String> {
        let xml = format!("<worksheet><sheetData/>{header_footer}</worksheet>");
        page_header_texts(xml.as_bytes())
    }

    #[test]
    fn sections_are_read_without_their_codes() {
        let hf = "<headerFooter><oddHeader>&amp;L&amp;\"宋体,常规\"&amp;12附件1&amp;C2025年\
                  &#37096;门预算表&amp;R&amp;D</oddHeader><oddFooter>&amp;C第 &amp;P 页，共 \
                  &amp;N 页</oddFooter><evenHeader/></headerFooter>";
        assert_eq!(
            texts(hf),
            vec!["附件1", "2025年部门预算表", "第  页，共  页"]
        );
    }

    #[test]
    fn a_sheet_without_header_prints_none() {
        assert!(texts("").is_empty());
        assert!(texts("<headerFooter><oddHeader></oddHeader></headerFooter>").is_empty());
        assert_eq!(
            texts(
                "<headerFooter differentFirst=\"1\"><firstHeader xml:space=\"preserve\">\
                 A &amp;&amp; B&amp;KFF0000C\n附件2</firstHeader></headerFooter>"
            ),
            vec!["A & BC", "附件2"]
        );
    }
}
