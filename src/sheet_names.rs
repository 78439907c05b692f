//! Sheets that share a name. Excel refuses two sheets of one name, but a hand-edited .xlsx
//! can list them, and a reader that finds sheets by name reads the first one twice: the
//! second one's content would be lost. `check`, `fix` and `export` therefore read such a
//! workbook from a temporary copy in which every later sheet of a name is renamed `名称 (2)`,
//! `名称 (3)` … (within Excel's 31 characters), and report each rename.

use crate::findings::Finding;
use crate::form::Severity;
use crate::read::{read_workbook_with, ColumnNames, Format, ReadError, Workbook};
use std::collections::HashSet;
use std::fmt;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The part of an .xlsx that lists its sheets.
const WORKBOOK_PART: &str = "xl/workbook.xml";
/// No real sheet list is near this; a larger part is left to the reader to judge.
const WORKBOOK_PART_LIMIT: u64 = 16 << 20;

/// A sheet read under another name than the one the workbook gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// 1-based place of the sheet among the workbook's sheets.
    pub position: usize,
    pub from: String,
    pub to: String,
}

/// Why a file could not be opened as a workbook: what the reader says of it, or sheets that
/// share a name and cannot be read apart.
#[derive(Debug)]
pub enum OpenError {
    Read(Box<ReadError>),
    /// The renamed copy of `path` was read and failed: the reader's message names `path`.
    ReadCopy {
        path: PathBuf,
        copy: PathBuf,
        error: Box<ReadError>,
    },
    /// An .xlsx whose shared sheet names must be renamed, and whose renamed copy could not be
    /// written.
    RenamedCopy {
        path: PathBuf,
        renamed: Vec<Renamed>,
        detail: String,
    },
    /// Two sheets of an .xls or .ods share a name: the reader may read one for the other.
    SharedName {
        path: PathBuf,
        sheet: String,
    },
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Read(e) => write!(f, "{e}"),
            OpenError::ReadCopy { path, copy, error } => write!(
                f,
                "{}",
                error
                    .to_string()
                    .replace(&copy.display().to_string(), &path.display().to_string())
            ),
            OpenError::RenamedCopy {
                path,
                renamed,
                detail,
            } => write!(
                f,
                "{} 中有同名的工作表（{}），需要改名后读取，但无法在临时目录写出改名后的副本：{detail}（请检查临时目录的空间和权限，或在 Excel/WPS 中给同名的工作表改名后再试）",
                path.display(),
                renamed
                    .iter()
                    .map(|r| format!("第 {} 个工作表“{}”", r.position, r.from))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            OpenError::SharedName { path, sheet } => write!(
                f,
                "{} 中有两个工作表都叫“{sheet}”，无法分别读取（后一个可能被读成前一个的内容）；请在 Excel/WPS 中给其中一个改名后再试",
                path.display(),
            ),
        }
    }
}

impl std::error::Error for OpenError {}

/// The file to read in place of the workbook, when sheets had to be renamed.
pub struct Prepared {
    /// The temporary copy (removed when dropped); `None`: read the workbook itself.
    pub copy: Option<tempfile::NamedTempFile>,
    pub renamed: Vec<Renamed>,
}

/// For an .xlsx that lists a sheet name more than once: a temporary copy with the later
/// ones renamed. Anything else (another format, a damaged file, distinct names) gives no copy
/// and is left to the reader, which says what is wrong with it.
pub fn prepare(path: &Path) -> Result<Prepared, OpenError> {
    let none = || Prepared {
        copy: None,
        renamed: Vec::new(),
    };
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(none());
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(none());
    };
    let Some(xml) = workbook_part(&mut zip) else {
        return Ok(none());
    };
    let Some((xml, renamed)) = rename_duplicates(&xml) else {
        return Ok(none());
    };
    let copy = rewrite(&mut zip, &xml).map_err(|e| OpenError::RenamedCopy {
        path: path.to_path_buf(),
        detail: crate::files::describe_io(&e),
        renamed: renamed.clone(),
    })?;
    Ok(Prepared {
        copy: Some(copy),
        renamed,
    })
}

/// Read a workbook as [`read_workbook_with`] does, sheets that share a name from a copy in which
/// the later ones are renamed; with the renames. Error messages and `Workbook::path` name the
/// file given, not the copy. `names` judges a PDF's pages of further columns.
pub fn read(path: &Path, names: &dyn ColumnNames) -> Result<(Workbook, Vec<Renamed>), OpenError> {
    let prepared = prepare(path)?;
    let wb = match &prepared.copy {
        None => read_workbook_with(path, names).map_err(|e| OpenError::Read(Box::new(e)))?,
        Some(copy) => {
            let mut wb =
                read_workbook_with(copy.path(), names).map_err(|error| OpenError::ReadCopy {
                    path: path.to_path_buf(),
                    copy: copy.path().to_path_buf(),
                    error: Box::new(error),
                })?;
            wb.path = path.to_path_buf();
            wb
        }
    };
    refuse_shared_names(&wb)?;
    Ok((wb, prepared.renamed))
}

/// Sheets still sharing a name after reading (an .xls or .ods, whose sheet list is not
/// rewritten): the reader may have read one of them in place of the other, so the file is
/// refused rather than read with a sheet lost.
fn refuse_shared_names(wb: &Workbook) -> Result<(), OpenError> {
    // A PDF's or Word document's sheets are named by us, uniquely.
    if !matches!(wb.format, Format::Xlsx | Format::Xls | Format::Ods) {
        return Ok(());
    }
    let mut seen = HashSet::new();
    for s in &wb.sheets {
        if !seen.insert(s.name.as_str()) {
            return Err(OpenError::SharedName {
                path: wb.path.clone(),
                sheet: s.name.clone(),
            });
        }
    }
    Ok(())
}

/// One warning per renamed sheet, at the name it was read and written under.
pub fn findings(wb: &Workbook, renamed: &[Renamed]) -> Vec<Finding> {
    renamed
        .iter()
        .map(|r| {
            Finding::new(
                Severity::Warning,
                "duplicate-sheet-name",
                "",
                Some(r.to.clone()),
                None,
                format!(
                    "{} 的第 {} 个工作表与前面的工作表同名，都叫“{}”：已改名为“{}”读取，内容全部保留；请在原表中给它改一个不重复的名称",
                    wb.path.display(),
                    r.position,
                    r.from,
                    r.to
                ),
            )
        })
        .collect()
}

fn workbook_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    let f = zip.by_name(WORKBOOK_PART).ok()?;
    if f.size() > WORKBOOK_PART_LIMIT {
        return None;
    }
    let mut text = String::new();
    f.take(WORKBOOK_PART_LIMIT).read_to_string(&mut text).ok()?;
    Some(text)
}

/// A name for the `n`th sheet called `base`: `base (n)`, cut to 31 characters.
fn numbered(base: &str, n: usize) -> String {
    let suffix = format!(" ({n})");
    let keep = 31usize.saturating_sub(suffix.chars().count());
    let head: String = base.chars().take(keep).collect();
    format!("{head}{suffix}")
}

/// The workbook part with every later sheet of a name renamed, and the renames; `None` when
/// every sheet's name is its own (or the part cannot be parsed: the reader reports that).
pub fn rename_duplicates(xml: &str) -> Option<(String, Vec<Renamed>)> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(xml);
    // (byte span of the tag, the tag, its name) of every <sheet>.
    let mut sheets: Vec<(std::ops::Range<usize>, BytesStart<'static>, bool, String)> = Vec::new();
    loop {
        let start = reader.buffer_position() as usize;
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::Eof) => break,
            Ok(_) => continue,
            Err(_) => return None,
        };
        if e.local_name().as_ref() != "sheet" {
            continue;
        }
        let name = e
            .try_get_attribute("name")
            .ok()??
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?
            .into_owned();
        let end = reader.buffer_position() as usize;
        sheets.push((start..end, e.into_owned(), empty, name));
    }
    // Every name in use, compared as Excel does (case-insensitively).
    let mut used: HashSet<String> = sheets.iter().map(|s| s.3.to_lowercase()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut renamed = Vec::new();
    let mut out = String::with_capacity(xml.len() + 64);
    let mut at = 0;
    for (i, (span, tag, empty, name)) in sheets.iter().enumerate() {
        if seen.insert(name.as_str()) {
            continue;
        }
        let mut n = 2;
        let to = loop {
            let candidate = numbered(name, n);
            if used.insert(candidate.to_lowercase()) {
                break candidate;
            }
            n += 1;
        };
        let tag_name = tag.name().as_ref().to_string();
        let mut new = BytesStart::new(tag_name);
        for a in tag.attributes().flatten() {
            if a.key.as_ref() == "name" {
                new.push_attribute(("name", to.as_str()));
            } else {
                new.push_attribute(a);
            }
        }
        let mut w = quick_xml::Writer::new(Vec::new());
        let written = if *empty {
            w.write_event(Event::Empty(new))
        } else {
            w.write_event(Event::Start(new))
        };
        written.ok()?;
        out.push_str(&xml[at..span.start]);
        out.push_str(&String::from_utf8(w.into_inner()).ok()?);
        at = span.end;
        renamed.push(Renamed {
            position: i + 1,
            from: name.clone(),
            to,
        });
    }
    if renamed.is_empty() {
        return None;
    }
    out.push_str(&xml[at..]);
    Some((out, renamed))
}

/// A copy of the archive with its workbook part replaced, every other part copied as it is.
fn rewrite<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    xml: &str,
) -> std::io::Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(crate::files::TEMP_PREFIX)
        .suffix(".xlsx")
        .tempfile()?;
    let mut out = zip::ZipWriter::new(std::io::BufWriter::new(tmp.reopen()?));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(std::io::Error::other)?;
        if entry.name().is_ok_and(|n| n == WORKBOOK_PART) {
            drop(entry);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            out.start_file(WORKBOOK_PART, options)
                .map_err(std::io::Error::other)?;
            out.write_all(xml.as_bytes())?;
        } else {
            out.raw_copy_file(entry).map_err(std::io::Error::other)?;
        }
    }
    out.finish().map_err(std::io::Error::other)?.flush()?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sheets_of_a_name_are_numbered_and_the_rest_is_kept() {
        let xml = r#"<workbook><sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="A&amp;B" sheetId="2" r:id="rId2"/><sheet name="说明" sheetId="3" r:id="rId3"/><sheet name="说明 (2)" sheetId="4" r:id="rId4"/><sheet name="说明" sheetId="5" r:id="rId5"></sheet></sheets></workbook>"#;
        let (out, renamed) = rename_duplicates(xml).unwrap();
        let to: Vec<_> = renamed
            .iter()
            .map(|r| (r.position, r.to.as_str()))
            .collect();
        assert_eq!(to, [(3, "说明 (3)"), (5, "说明 (4)")]);
        assert!(
            out.contains(r#"<sheet name="说明 (3)" sheetId="3" r:id="rId3"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<sheet name="说明 (4)" sheetId="5" r:id="rId5"></sheet>"#),
            "{out}"
        );
        assert!(out.contains(r#"name="A&amp;B""#), "{out}");
        assert!(
            rename_duplicates(r#"<sheets><sheet name="a"/><sheet name="b"/></sheets>"#).is_none()
        );
        let long = "一".repeat(31);
        assert_eq!(numbered(&long, 2).chars().count(), 31);
    }
}
