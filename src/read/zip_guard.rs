//! Checks a zip container (xlsx, ods, docx) before any parser inflates it: bounded sizes and
//! ratios against zip bombs, the CRC of every entry, and a shared-strings count the file can hold.
//!
//! The parsers trust what a zip claims: calamine reserves memory for as many shared strings as
//! `uniqueCount` says, and reads an entry whole whatever it inflates to. Every entry is
//! therefore inflated here once, under the limits below (an XML part into memory, to be parsed,
//! the rest into nothing); a file that passes holds at most [`TOTAL_LIMIT`] bytes of XML, which
//! bounds what reading it can cost.

use std::io::{self, Read, Seek};

use super::hidden_lines::HiddenLines;
use super::page_header;
use super::part_merges::{MergeCollector, PartMerges};
use super::uncached::UncachedCollector;
use super::xml_scan;
use calamine::Dimensions;
use quick_xml::events::Event;
use zip::ZipArchive;

const MIB: u64 = 1024 * 1024;
/// Largest size one entry may inflate to. A department's real workbook of 50,000 科目 rows has
/// sheets of about 30 MB.
pub(crate) const ENTRY_LIMIT: u64 = 256 * MIB;
/// Largest size all entries together may inflate to.
pub(crate) const TOTAL_LIMIT: u64 = 512 * MIB;
/// Largest inflation ratio of an entry bigger than [`RATIO_FLOOR`]: spreadsheet XML deflates
/// about 10:1 to 30:1; whitespace or one repeated string deflates about 1000:1.
pub(crate) const RATIO_LIMIT: u64 = 200;
const RATIO_FLOOR: u64 = 8 * MIB;
/// How far into the shared-strings part its `uniqueCount` is looked for.
const HEAD: usize = 4096;

/// Why a zip container is refused; its `Display` gives the words of the 损坏 message
/// (Chinese / English).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Refusal {
    /// Entry `n` (1-based) of the directory cannot be read.
    Unreadable { n: usize, detail: String },
    /// An entry declares more than [`ENTRY_LIMIT`] bytes.
    EntryTooLarge { name: String, declared: u64 },
    /// A large entry inflates more than [`RATIO_LIMIT`]-fold.
    RatioTooHigh { name: String, ratio: u64 },
    /// All entries together declare more than [`TOTAL_LIMIT`] bytes.
    TotalTooLarge,
    /// An entry fails its CRC.
    Checksum { name: String },
    /// An entry cannot be inflated.
    Inflate { name: String, detail: String },
    /// An XML part is malformed at byte `at`.
    MalformedXml {
        name: String,
        at: u64,
        detail: String,
    },
    /// An entry inflates past the size it declares.
    PastDeclared { name: String, declared: u64 },
    /// A shared-strings part claims more strings than its bytes can hold.
    StringsClaimed {
        name: String,
        claimed: u64,
        declared: u64,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unreadable { n, detail } => {
                write!(f, "压缩包第 {n} 个条目无法读取 / zip entry {n}: {detail}")
            }
            Refusal::EntryTooLarge { name, declared } => write!(
                f,
                "条目 {name} 解压后为 {}，超过单个条目上限 {}（疑似压缩炸弹）/ entry {name} inflates \
                 to {}, over the limit of {}",
                size(*declared),
                size(ENTRY_LIMIT),
                size(*declared),
                size(ENTRY_LIMIT)
            ),
            Refusal::RatioTooHigh { name, ratio } => write!(
                f,
                "条目 {name} 的压缩比为 {ratio}:1，超过上限 {RATIO_LIMIT}:1（疑似压缩炸弹）/ entry \
                 {name} inflates {ratio}-fold, over the limit of {RATIO_LIMIT}"
            ),
            Refusal::TotalTooLarge => write!(
                f,
                "压缩包解压后超过 {} / the archive inflates to more than {}",
                size(TOTAL_LIMIT),
                size(TOTAL_LIMIT)
            ),
            Refusal::Checksum { name } => write!(
                f,
                "条目 {name} 的校验和（CRC）不符，文件内容已损坏 / entry {name} fails its CRC check"
            ),
            Refusal::Inflate { name, detail } => write!(
                f,
                "条目 {name} 无法解压 / entry {name} cannot be inflated: {detail}"
            ),
            Refusal::MalformedXml { name, at, detail } => write!(
                f,
                "条目 {name} 的 XML 在第 {at} 字节处有误（{detail}）/ entry {name} is malformed XML \
                 at byte {at}: {detail}"
            ),
            Refusal::PastDeclared { name, declared } => write!(
                f,
                "条目 {name} 解压后比声明的 {declared} 字节更大 / entry {name} inflates past its \
                 declared size"
            ),
            Refusal::StringsClaimed {
                name,
                claimed,
                declared,
            } => write!(
                f,
                "共享字符串表 {name} 声称有 {claimed} 个字符串，而它只有 {declared} 字节 / {name} \
                 claims {claimed} strings in {declared} bytes"
            ),
        }
    }
}

/// Inflates every entry of a zip container once, under the limits above, and parses its XML
/// parts; what it learnt of their merged ranges on the way comes back.
pub(crate) fn inspect<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<PartMerges, Refusal> {
    let mut total = 0u64;
    let mut bytes = Vec::new();
    let mut found = PartMerges::default();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| Refusal::Unreadable {
            n: i + 1,
            detail: e.to_string(),
        })?;
        // A directory entry is checked like any other: zip readers open one by its name, and
        // one may hold data (and be named as a sheet's part).
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{}", i + 1));
        let declared = entry.size();
        judge(&name, declared, entry.compressed_size())?;
        total = total.saturating_add(declared);
        if total > TOTAL_LIMIT {
            return Err(Refusal::TotalTooLarge);
        }
        let part = Part::new(&name, declared);
        let inflated =
            inflate(&mut entry, &part, &mut bytes).map_err(|damage| damage.refusal(&name))?;
        if inflated.size > declared {
            return Err(Refusal::PastDeclared { name, declared });
        }
        found.record(
            entry.data_start(),
            inflated.merges,
            inflated.uncached,
            inflated.hidden,
            inflated.page_header,
        );
        if let Some(claimed) = inflated.unique_count {
            let room = declared / 4 + 16;
            if claimed > room {
                return Err(Refusal::StringsClaimed {
                    name,
                    claimed,
                    declared,
                });
            }
        }
    }
    Ok(found)
}

/// Refuses an entry by its declared sizes alone.
pub(crate) fn judge(name: &str, declared: u64, compressed: u64) -> Result<(), Refusal> {
    if declared > ENTRY_LIMIT {
        return Err(Refusal::EntryTooLarge {
            name: name.to_string(),
            declared,
        });
    }
    let ratio = declared / compressed.max(1);
    if declared > RATIO_FLOOR && ratio > RATIO_LIMIT {
        return Err(Refusal::RatioTooHigh {
            name: name.to_string(),
            ratio,
        });
    }
    Ok(())
}

struct Inflated {
    size: u64,
    unique_count: Option<u64>,
    /// An XML part's merged ranges, when the scan is sure of them.
    merges: Option<Vec<Dimensions>>,
    /// Its cells holding a formula and no value (see [`UncachedCollector`]), when the scan
    /// read it.
    uncached: Vec<(u32, u16)>,
    /// The rows and columns it hides, when the scan read it.
    hidden: HiddenLines,
    /// The texts its page header and footer print (see `page_header`).
    page_header: Vec<String>,
}

/// An entry of the container, as the guard treats it.
struct Part {
    declared: u64,
    shared_strings: bool,
    xml: bool,
}

impl Part {
    fn new(name: &str, declared: u64) -> Part {
        let lower = name.to_ascii_lowercase();
        Part {
            declared,
            shared_strings: lower.ends_with("sharedstrings.xml"),
            xml: lower.ends_with(".xml") || lower.ends_with(".rels"),
        }
    }
}

/// Reads an entry to its end (which makes the zip reader verify its CRC), at most one byte
/// past its declared size. An XML part is held in memory (its size is bounded by
/// [`ENTRY_LIMIT`]) and parsed, so that damage the parsers would pass over (a mismatched
/// end tag, a broken attribute, a part cut short) is found here, named by its part: the
/// fast scan accepts what it is sure of, the full parser judges the rest. The head of the
/// shared-strings part gives its `uniqueCount`. `bytes` is the buffer, reused from one part
/// to the next.
fn inflate(entry: &mut impl Read, part: &Part, bytes: &mut Vec<u8>) -> Result<Inflated, Damage> {
    let mut limited = entry.take(part.declared.saturating_add(1));
    bytes.clear();
    if !part.xml && !part.shared_strings {
        let size = io::copy(&mut limited, &mut io::sink()).map_err(Damage::Io)?;
        return Ok(Inflated {
            size,
            unique_count: None,
            merges: None,
            uncached: Vec::new(),
            hidden: HiddenLines::default(),
            page_header: Vec::new(),
        });
    }
    if let Err(e) = limited.read_to_end(bytes) {
        // The CRC is checked when the entry's last byte is read: damage inside the XML it
        // holds was met first, and is named first (its place says where).
        return Err(match well_formed(bytes) {
            Err(xml @ Damage::Xml { at, .. }) if at < bytes.len() as u64 => xml,
            _ => Damage::Io(e),
        });
    }
    // `take` stops before the end when the entry is longer than declared: the CRC was not
    // reached, but the size already condemns the entry.
    let size = bytes.len() as u64;
    let (mut merges, mut uncached, mut hidden) = (None, Vec::new(), HiddenLines::default());
    if part.xml && size <= part.declared {
        let mut collector = MergeCollector::default();
        let mut formulas = UncachedCollector::default();
        let mut lines = HiddenLines::default();
        let visit = |e: &xml_scan::Element| {
            collector.visit(e);
            formulas.visit(e);
            lines.visit(e);
        };
        if xml_scan::sound_with(bytes, visit) {
            merges = collector.finish();
            uncached = formulas.finish();
            hidden = lines.finish();
        } else {
            well_formed(bytes)?;
        }
    }
    let page_header = match part.xml && size <= part.declared {
        true => page_header::page_header_texts(bytes),
        false => Vec::new(),
    };
    Ok(Inflated {
        size,
        merges,
        uncached,
        hidden,
        page_header,
        unique_count: part
            .shared_strings
            .then(|| unique_count(&bytes[..bytes.len().min(HEAD)]))
            .flatten(),
    })
}

/// What reading an entry found wrong.
enum Damage {
    Io(io::Error),
    Xml { at: u64, detail: String },
}

impl Damage {
    fn refusal(self, name: &str) -> Refusal {
        let name = name.to_string();
        match self {
            Damage::Io(e) if e.to_string().contains("checksum") => Refusal::Checksum { name },
            Damage::Io(e) => Refusal::Inflate {
                name,
                detail: e.to_string(),
            },
            Damage::Xml { at, detail } => Refusal::MalformedXml { name, at, detail },
        }
    }
}

/// Parses an XML part to its end: tags closed in order, attributes well formed.
fn well_formed(part: &[u8]) -> Result<(), Damage> {
    let mut reader = quick_xml::Reader::from_reader(part);
    let mut depth = 0usize;
    let bad = |reader: &quick_xml::Reader<&[u8]>, detail: String| Damage::Xml {
        at: reader.buffer_position(),
        detail,
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                attributes_sound(&e).map_err(|d| bad(&reader, d))?;
            }
            Ok(Event::Empty(e)) => attributes_sound(&e).map_err(|d| bad(&reader, d))?,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth > 0 => {
                return Err(bad(&reader, "XML 在元素结束前中断 / cut short".to_string()))
            }
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(quick_xml::Error::Io(e)) => {
                return Err(Damage::Io(io::Error::new(e.kind(), e.to_string())))
            }
            Err(e) => return Err(bad(&reader, e.to_string())),
        }
    }
}

fn attributes_sound(e: &quick_xml::events::BytesStart) -> Result<(), String> {
    for attribute in e.attributes() {
        attribute.map_err(|err| err.to_string())?;
    }
    Ok(())
}

/// The `uniqueCount` attribute of a shared-strings part's head.
fn unique_count(head: &[u8]) -> Option<u64> {
    let key = b"uniqueCount=";
    let at = head.windows(key.len()).position(|w| w == key)? + key.len();
    let quoted = head.get(at + 1..)?;
    let digits: Vec<u8> = quoted
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return None;
    }
    std::str::from_utf8(&digits)
        .ok()?
        .parse()
        .ok()
        .or(Some(u64::MAX))
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * MIB {
        format!("{:.1} GB", bytes as f64 / (1024 * MIB) as f64)
    } else {
        format!("{} MB", bytes / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// Every XML part of the workbooks the project ships, by name.
    fn shipped_parts() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut parts = Vec::new();
        for book in [
            "sample/2023决算-株洲.xlsx",
            "real/2024决算-上海普陀区财政局.xlsx",
        ] {
            let file = std::fs::File::open(root.join(book)).unwrap();
            let mut zip = ZipArchive::new(file).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let name = entry.name().unwrap().into_owned();
                if name.ends_with(".xml") || name.ends_with(".rels") {
                    let mut bytes = Vec::new();
                    entry.read_to_end(&mut bytes).unwrap();
                    parts.push((format!("{book}:{name}"), bytes));
                }
            }
        }
        parts
    }

    #[test]
    fn the_fast_scan_accepts_every_part_of_the_shipped_workbooks() {
        let parts = shipped_parts();
        assert!(parts.len() > 20);
        for (name, bytes) in &parts {
            assert!(xml_scan::sound(bytes), "{name}");
            assert!(well_formed(bytes).is_ok(), "{name}");
        }
    }

    /// The scan may leave a sound part to the parser, but never passes one the parser refuses:
    /// over generated damage to real parts (bytes cut, markup inserted, the part cut short).
    #[test]
    fn what_the_fast_scan_accepts_the_parser_accepts() {
        const MARKUP: [&[u8]; 14] = [
            b"<",
            b">",
            b"/",
            b"\"",
            b"'",
            b"=",
            b" ",
            b"</c>",
            b"<c>",
            b"<c/>",
            b"&",
            b"\xff",
            b"<!--",
            b" r=\"A1\"",
        ];
        let parts = shipped_parts();
        let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| rng.below(n);
        let (mut sound, mut refused) = (0, 0);
        for case in 0..4000 {
            let (name, part) = &parts[next(parts.len())];
            let mut bytes = part.clone();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len() + 1);
                match next(3) {
                    0 => {
                        let end = (at + 1 + next(8)).min(bytes.len());
                        bytes.drain(at.min(end)..end);
                    }
                    1 => {
                        let piece = MARKUP[next(MARKUP.len())];
                        bytes.splice(at..at, piece.iter().copied());
                    }
                    _ => bytes.truncate(at),
                }
            }
            if xml_scan::sound(&bytes) {
                sound += 1;
                if let Err(Damage::Xml { at, detail }) = well_formed(&bytes) {
                    panic!("case {case} of {name}: the parser refuses at {at}: {detail}");
                }
            } else if well_formed(&bytes).is_err() {
                refused += 1;
            }
        }
        // Both sides were met: damage the scan passed (in text, say) and damage refused.
        assert!(
            sound > 200 && refused > 1000,
            "sound {sound}, refused {refused}"
        );
    }

    #[test]
    fn sizes_and_ratios_are_judged_before_inflating() {
        assert!(judge("xl/worksheets/sheet1.xml", 30 * MIB, 3 * MIB).is_ok());
        assert!(
            judge("small", 4 * MIB, 1).is_ok(),
            "small entries may be repetitive"
        );
        let bomb = judge("xl/worksheets/sheet1.xml", 3 * 1024 * MIB, 3 * MIB)
            .unwrap_err()
            .to_string();
        assert!(bomb.contains("3.0 GB") && bomb.contains("256 MB"), "{bomb}");
        let ratio = judge("xl/sharedStrings.xml", 100 * MIB, 100 * 1024)
            .unwrap_err()
            .to_string();
        assert!(ratio.contains("1024:1"), "{ratio}");
    }

    #[test]
    fn unique_count_is_read_from_the_head() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount="4294967296">"#;
        assert_eq!(unique_count(head), Some(4_294_967_296));
        assert_eq!(unique_count(b"<sst count=\"3\">"), None);
        assert_eq!(
            unique_count(b"<sst uniqueCount=\"99999999999999999999999\">"),
            Some(u64::MAX),
            "a count beyond any integer is too many"
        );
    }
}
