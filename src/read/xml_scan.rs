//! A fast scan of an XML part that accepts only what it is sure is well formed: the zip guard
//! parses every part of a workbook, and a full parser costs as much as calamine's own reading.
//!
//! The scan knows the shapes spreadsheet parts are written in (an XML declaration, elements,
//! quoted attributes, text). Whatever it does not know (comments, CDATA, a DOCTYPE, another
//! encoding) or finds wrong is left to the full parser, which decides and names the damage; so
//! the scan can only be stricter than the parser, never more lenient.

use memchr::{memchr2, memchr3, memmem};

/// [`sound_with`] with no visitor.
#[cfg(test)]
pub(crate) fn sound(xml: &[u8]) -> bool {
    sound_with(xml, |_| {})
}

/// An element as the scan meets it (a start or empty tag), for a visitor gathering facts.
pub(crate) struct Element<'s, 'x> {
    pub name: &'x [u8],
    /// Its attributes as written, (key, raw value), in order; keys are unique.
    pub attrs: &'s [(&'x [u8], &'x [u8])],
    /// The element it sits in, if any.
    pub parent: Option<&'x [u8]>,
    /// Nothing inside it: written `<name/>` or `<name></name>`.
    pub empty: bool,
}

/// True when `xml` is sound: valid UTF-8, every element closed in order, every attribute quoted
/// and named once; each element is handed to `visit` on the way. False means "not sure": the
/// full parser must look, and what the visitor gathered is not to be trusted.
pub(crate) fn sound_with(xml: &[u8], mut visit: impl FnMut(&Element)) -> bool {
    if std::str::from_utf8(xml).is_err() {
        return false;
    }
    let mut scan = Scan {
        xml,
        at: 0,
        open: Vec::new(),
        attrs: Vec::new(),
    };
    if xml.starts_with(b"\xEF\xBB\xBF") {
        scan.at = 3;
    }
    if xml[scan.at..].starts_with(b"<?") && !scan.declaration() {
        return false;
    }
    while let Some(mark) = scan.next_markup() {
        scan.at += mark;
        if xml[scan.at] == b'&' {
            if !scan.reference() {
                return false;
            }
            continue;
        }
        scan.at += 1;
        let done = match xml.get(scan.at) {
            Some(b'/') => scan.end_tag(),
            Some(b'?' | b'!') | None => false,
            Some(_) => scan.start_tag(&mut visit),
        };
        if !done {
            return false;
        }
    }
    scan.open.is_empty()
}

/// The scan's position and the elements still open.
struct Scan<'x> {
    xml: &'x [u8],
    at: usize,
    open: Vec<&'x [u8]>,
    /// The attributes of the element being read.
    attrs: Vec<(&'x [u8], &'x [u8])>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The bytes that end an element or attribute name here: spaces and markup. A table, as
/// names are read a byte at a time over every tag of a sheet.
const ENDS_NAME: [bool; 256] = {
    let mut ends = [false; 256];
    let enders = *b" \t\r\n<>/=\"'?!";
    let mut i = 0;
    while i < enders.len() {
        ends[enders[i] as usize] = true;
        i += 1;
    }
    ends
};

/// How far ahead markup is looked for byte by byte before a vectorised search: most text
/// between a sheet's tags (a cell's value, a style number) is shorter.
const SHORT_TEXT: usize = 16;

impl<'x> Scan<'x> {
    /// `<?xml …?>` at the start, in UTF-8 (or with no encoding named).
    fn declaration(&mut self) -> bool {
        let rest = &self.xml[self.at..];
        let Some(end) = memmem::find(rest, b"?>") else {
            return false;
        };
        let decl = &rest[..end];
        if !decl.starts_with(b"<?xml") || !decl.get(5).is_some_and(|&b| is_space(b)) {
            return false;
        }
        if let Some(e) = memmem::find(decl, b"encoding") {
            let value = decl[e + 8..]
                .iter()
                .copied()
                .filter(|&b| !matches!(b, b'=' | b'"' | b'\'') && !is_space(b))
                .take(5)
                .collect::<Vec<u8>>();
            if !value.eq_ignore_ascii_case(b"utf-8") {
                return false;
            }
        }
        self.at += end + 2;
        true
    }

    /// `&name;` in text: closed by `;` before another `&` or markup.
    fn reference(&mut self) -> bool {
        let rest = &self.xml[self.at + 1..];
        match memchr3(b';', b'&', b'<', rest) {
            Some(i) if rest[i] == b';' => {
                self.at += i + 2;
                true
            }
            _ => false,
        }
    }

    /// How far from here the next `<` or `&` is.
    fn next_markup(&self) -> Option<usize> {
        let rest = &self.xml[self.at..];
        let near = &rest[..rest.len().min(SHORT_TEXT)];
        match near.iter().position(|&b| b == b'<' || b == b'&') {
            Some(i) => Some(i),
            None if near.len() == rest.len() => None,
            None => memchr2(b'<', b'&', &rest[near.len()..]).map(|i| i + near.len()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.xml.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.at += 1;
        }
    }

    fn name(&mut self) -> &'x [u8] {
        let rest = &self.xml[self.at..];
        let len = rest
            .iter()
            .position(|&b| ENDS_NAME[usize::from(b)])
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    /// `</name>` (spaces allowed before `>`), closing the element open last.
    fn end_tag(&mut self) -> bool {
        self.at += 1;
        let name = self.name();
        self.skip_space();
        if self.peek() != Some(b'>') || self.open.pop() != Some(name) || name.is_empty() {
            return false;
        }
        self.at += 1;
        true
    }

    /// `<name a="…" b='…'>` or `<name …/>`.
    fn start_tag(&mut self, visit: &mut impl FnMut(&Element)) -> bool {
        let name = self.name();
        if name.is_empty() {
            return false;
        }
        self.attrs.clear();
        let parent = self.open.last().copied();
        let empty = loop {
            let spaced = self.peek().is_some_and(is_space);
            self.skip_space();
            match self.peek() {
                Some(b'>') => {
                    self.at += 1;
                    self.open.push(name);
                    // Content right after the tag starting `</` can only be its own end tag.
                    break self.xml[self.at..].starts_with(b"</");
                }
                Some(b'/') if self.xml.get(self.at + 1) == Some(&b'>') => {
                    self.at += 2;
                    break true;
                }
                Some(_) if spaced => {
                    if !self.attribute() {
                        return false;
                    }
                }
                _ => return false,
            }
        };
        visit(&Element {
            name,
            attrs: &self.attrs,
            parent,
            empty,
        });
        true
    }

    /// `key = "value"`, the key not met before in this element.
    fn attribute(&mut self) -> bool {
        let key = self.name();
        self.skip_space();
        if key.is_empty() || self.peek() != Some(b'=') {
            return false;
        }
        self.at += 1;
        self.skip_space();
        let quote = match self.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return false,
        };
        let start = self.at + 1;
        // Up to the closing quote; a tag broken inside a value would run on to the next quote
        // over a `<` or `>`. Values are short (a cell's reference, a style's number), so
        // byte by byte.
        let Some(len) = self.xml[start..]
            .iter()
            .position(|&b| b == quote || b == b'<' || b == b'>')
        else {
            return false;
        };
        let value = &self.xml[start..start + len];
        if self.xml[start + len] != quote || self.attrs.iter().any(|&(k, _)| k == key) {
            return false;
        }
        self.attrs.push((key, value));
        self.at = start + len + 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(xml: &str) -> bool {
        sound(xml.as_bytes())
    }

    #[test]
    fn spreadsheet_shapes_are_sound() {
        assert!(ok(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
             <worksheet xmlns=\"x\"><sheetData><row r=\"1\" spans='1:3'>\
             <c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\"/></row></sheetData>\
             <mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells></worksheet >"
        ));
        assert!(ok("\u{feff}<a><b x = \"1\"\ty='2' /></a  >"));
        assert!(ok("<a>text with > and &amp; &#36895; in it</a>"));
    }

    #[test]
    fn damage_and_unknown_shapes_are_left_to_the_parser() {
        for bad in [
            "<a><b></a></b>",
            "<a>",
            "</a>",
            "<a><b/>",
            "<row r=\"7\" << spans=\"1:3\"></row>",
            "<a x=\"1\" x=\"2\"/>",
            "<a x=1/>",
            "<a x=\"1/>",
            "<a x=\"1\"y=\"2\"/>",
            "<a x/>",
            "<a><!-- note --></a>",
            "<a><![CDATA[x]]></a>",
            "<!DOCTYPE a><a/>",
            "<?xml version=\"1.0\" encoding=\"GBK\"?><a/>",
            "<a><?pi x?></a>",
            "<>",
            "<a></>",
            "<a",
            "<a/",
            "<a>Exc&el</a>",
            "<a>&amp</a>",
            "<a>&</a>",
        ] {
            assert!(!ok(bad), "{bad}");
        }
        assert!(!sound(b"<a>\xff</a>"));
    }

    #[test]
    fn the_visitor_sees_each_element_with_its_attributes_and_parent() {
        let mut seen = Vec::new();
        let xml = "<a k=\"1\"><b/><c x='2' y=\"&amp;\"><d/></c></a>";
        assert!(sound_with(xml.as_bytes(), |e| {
            let text = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
            let attrs: Vec<String> = e
                .attrs
                .iter()
                .map(|(k, v)| format!("{}={}", text(k), text(v)))
                .collect();
            seen.push(format!(
                "{}[{}]<{}",
                text(e.name),
                attrs.join(","),
                e.parent.map(text).unwrap_or_default()
            ));
        }));
        assert_eq!(seen, ["a[k=1]<", "b[]<a", "c[x=2,y=&amp;]<a", "d[]<c"]);
    }
}
