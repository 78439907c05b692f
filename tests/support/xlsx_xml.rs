//! Reading what calamine does not expose from an xlsx's XML parts: a cell's style and whether
//! that style is locked (sheet protection), for the tests of protection.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;

/// The text of part `name` (`xl/styles.xml`) of the xlsx at `path`.
pub fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The XML of the sheet named `sheet` (by its position in workbook.xml, as writers number
/// their sheet parts).
pub fn sheet_part(path: &Path, sheet: &str) -> String {
    let book = part(path, "xl/workbook.xml");
    let index = book
        .split("<sheet ")
        .skip(1)
        .position(|s| s.contains(&format!("name=\"{sheet}\"")))
        .unwrap_or_else(|| panic!("no sheet {sheet} in workbook.xml"));
    part(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

/// Style index of a cell (`<c r="C33" s="7"`), or 0.
pub fn style_of(sheet_xml: &str, a1: &str) -> usize {
    let key = format!("<c r=\"{a1}\"");
    let Some(i) = sheet_xml.find(&key) else {
        return 0;
    };
    let rest = &sheet_xml[i..];
    let end = rest.find('>').unwrap();
    rest[..end]
        .split(" s=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Whether cell style `xf` of styles.xml is unlocked (`locked="0"`, or LibreOffice's
/// `locked="false"`); a style says nothing of it is locked.
pub fn unlocked(styles: &str, xf: usize) -> bool {
    let cell_xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let xfs: Vec<&str> = cell_xfs.split("<xf ").skip(1).collect();
    let this = xfs[xf];
    let this = &this[..this
        .find("</xf>")
        .or_else(|| this.find("/>"))
        .unwrap_or(this.len())];
    this.contains("locked=\"0\"") || this.contains("locked=\"false\"")
}

/// Whether cell `a1` of `sheet` in the xlsx at `path` is locked.
pub fn locked(path: &Path, sheet: &str, a1: &str) -> bool {
    let styles = part(path, "xl/styles.xml");
    !unlocked(&styles, style_of(&sheet_part(path, sheet), a1))
}
