//! The catalogue of forms: every definition compiled, with the shared vocabulary and the
//! statement patterns. Loading a folder of definitions and validating them as a set is
//! `crate::definitions` (it needs the calculator and the layout, which build on forms).

use super::compile::compile_form_from;
use super::compiled::Form;
use super::def::Family;
use super::error::DefError;
use super::rules_once::RulesAt;
use super::source::Source;
use super::vocabulary::{Vocabulary, FILE_NAME as VOCABULARY_FILE};
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub forms: Vec<Form>,
    /// The shared words recognition reads headers and labels through.
    pub vocabulary: Vocabulary,
    /// The statements a disclosure's texts restate its tables with (`statements.toml`).
    pub statements: super::statement_patterns::Patterns,
}

impl Catalog {
    /// The definitions built into the binary, as JSON the build made of `templates/*.toml`.
    /// They are not validated as a set (binding every rule to a blank book was three quarters
    /// of loading them) and each form's rules are compiled on first use (recognition needs
    /// none, a workbook only those of its forms): they cannot change after the build, and a
    /// test compiles and validates them (`embedded_definitions_validate`).
    pub fn embedded() -> Result<Catalog, DefError> {
        Catalog::compiled(
            embedded::EMBEDDED
                .iter()
                .map(|(n, json)| (n.to_string(), Source::Json(json))),
            RulesAt::FirstUse,
        )
    }

    /// Every definition of `sources` (file name, text) compiled, with the vocabulary and
    /// statement patterns; the forms' rules when `at` says.
    pub(crate) fn compiled<'s>(
        sources: impl IntoIterator<Item = (String, Source<'s>)>,
        at: RulesAt,
    ) -> Result<Catalog, DefError> {
        let mut forms: Vec<Form> = Vec::new();
        let mut vocabulary = None;
        let mut statements = None;
        for (name, source) in sources {
            let name = &name;
            if super::statement_patterns::is_patterns_file(name) {
                statements = Some(super::statement_patterns::Patterns::parse_from(
                    name, source,
                )?);
                continue;
            }
            if is_vocabulary_file(name) {
                vocabulary = Some(Vocabulary::parse_from(name, source)?);
                continue;
            }
            let form = compile_form_from(name, source, at)?;
            if let Some(other) = forms.iter().find(|f| f.id == form.id) {
                return Err(DefError {
                    file: name.clone(),
                    form: form.id.clone(),
                    field: "id".into(),
                    message: format!("表 id 与 {} 重复", other.file),
                });
            }
            forms.push(form);
        }
        let mut vocabulary = vocabulary.unwrap_or_else(Vocabulary::built_in);
        for row in forms
            .iter()
            .flat_map(|f| &f.blocks)
            .flat_map(|b| &b.panels)
            .flat_map(|p| &p.rows)
            .filter(|r| r.show_code)
        {
            if let (Some(code), Some(label)) = (&row.code, &row.label) {
                vocabulary.add_subject(code, label);
            }
        }
        let statements = statements.unwrap_or_else(super::statement_patterns::Patterns::built_in);
        Ok(Catalog {
            forms,
            vocabulary,
            statements,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn family(&self, family: Family) -> impl Iterator<Item = &Form> {
        self.forms.iter().filter(move |f| f.family == family)
    }

    /// Every form's id, comma-separated: what a message about an unknown id offers instead.
    pub fn ids(&self) -> String {
        self.forms
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The shared vocabulary is a file of its own among the definitions, known by its name.
fn is_vocabulary_file(name: &str) -> bool {
    Path::new(name)
        .file_name()
        .is_some_and(|f| f == VOCABULARY_FILE)
}
