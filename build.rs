//! Embeds every form definition of `templates/` in the binary, as JSON: read with serde_json
//! at start-up, the same content parses several times faster than its TOML.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut out = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let text = fs::read_to_string(f).unwrap();
        // A built-in definition that is not TOML stops the build, naming the file.
        let json = match toml::from_str::<toml::Table>(&text) {
            Ok(table) => serde_json::to_string(&table).unwrap(),
            Err(e) => panic!("{} is not valid TOML: {e}", f.display()),
        };
        out.push_str(&format!("    ({name:?}, {json:?}),\n"));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("templates.rs"),
        out,
    )
    .unwrap();
}
