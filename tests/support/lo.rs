//! Test support: has LibreOffice (headless, a private profile with OOXMLRecalcMode 0 so it
//! recalculates every formula on load) re-save a workbook, so tests can compare a real
//! client's results with ours.

use std::path::{Path, PathBuf};
use std::process::Command;

const PROFILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#;

fn soffice() -> &'static str {
    for cand in ["soffice", "libreoffice"] {
        if Command::new(cand)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return cand;
        }
    }
    panic!(
        "LibreOffice is needed for the real-client tests: install it (apt-get install -y libreoffice-calc) \
         — .ci/run does this on CI"
    );
}

/// Convert `input` with LibreOffice to `format` ("xlsx", "xls", "ods") in `outdir`, recalculating
/// on load; returns the new file.
#[allow(dead_code)] // not every test converts one file alone
pub fn convert(input: &Path, format: &str, outdir: &Path) -> PathBuf {
    convert_all(&[input.to_path_buf()], format, outdir).remove(0)
}

/// [`convert`] for many files in one run of LibreOffice (its start is most of the time a
/// conversion takes); the new files in the order of `inputs`.
pub fn convert_all(inputs: &[PathBuf], format: &str, outdir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(outdir).unwrap();
    let outs: Vec<PathBuf> = (inputs.iter())
        .map(|input| outdir.join(input.with_extension(format).file_name().unwrap()))
        .collect();
    // A file left by an earlier run is no proof of this one.
    outs.iter().for_each(|out| drop(std::fs::remove_file(out)));
    let profile = outdir.join(format!(".lo-profile-{}", std::process::id()));
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(profile.join("user/registrymodifications.xcu"), PROFILE).unwrap();
    let status = Command::new(soffice())
        .arg("--headless")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .arg("--convert-to")
        .arg(format)
        .arg("--outdir")
        .arg(outdir)
        .args(inputs)
        .output()
        .expect("run soffice");
    let _ = std::fs::remove_dir_all(&profile);
    let missing: Vec<&PathBuf> = outs.iter().filter(|out| !out.exists()).collect();
    assert!(
        status.status.success() && missing.is_empty(),
        "LibreOffice could not convert {missing:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    outs
}

/// Has LibreOffice insert a row above the 1-based `row` of `sheet` in `input` through its
/// 插入行 command (so the sheet's protection decides), type `cells` ("A=201", "D=12.5") into
/// it, recalculate and save `output` as xlsx. False when LibreOffice refused the insertion.
/// Needs Debian's python3 with the uno module (python3-uno; .ci/run installs it).
#[allow(dead_code)] // only the LibreOffice tests insert rows
pub fn insert_row(input: &Path, output: &Path, sheet: &str, row: u32, cells: &[&str]) -> bool {
    soffice();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/lo_insert_row.py");
    let mut failures = Vec::new();
    // A headless LibreOffice started while another one is starting sometimes aborts
    // (signal 6); that is the office, not the workbook: try again.
    for _ in 0..3 {
        let run = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(input)
            .arg(output)
            .arg(sheet)
            .arg(row.to_string())
            .args(cells)
            .output()
            .expect("run /usr/bin/python3 (python3-uno)");
        match run.status.code() {
            Some(0) => return output.exists(),
            Some(3) => return false,
            _ => failures.push(String::from_utf8_lossy(&run.stderr).into_owned()),
        }
    }
    panic!("LibreOffice row insertion failed: {failures:#?}")
}

/// LibreOffice prints Chinese with a Chinese font only: without one the PDF holds blank
/// glyphs, and no reader could find the forms in it.
#[allow(dead_code)] // only the tests printing to PDF need it
pub fn require_chinese_font() {
    let fonts = std::process::Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    assert!(
        !fonts.is_empty(),
        "a Chinese font is needed to print the forms to PDF: install one \
         (apt-get install -y fonts-wqy-microhei) — .ci/run does this on CI"
    );
}
