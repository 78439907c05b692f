//! A form's derive and check rules, compiled when the form is loaded (a user's definitions:
//! their errors show at once) or on first use (the built-in ones: a workbook of two forms
//! compiles the rule expressions of those two only, recognition needs none).

use super::compile_rule::{compile_form_rules, RuleSources};
use super::error::DefError;
use super::rule::{CompiledRules, Rule};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// When a form's rules are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesAt {
    /// With the form: a definition that does not compile is refused at once.
    Load,
    /// When first asked for: definitions known to compile (the built-in ones, see the test
    /// `embedded_definitions_validate`).
    FirstUse,
}

/// The rules of a form and their definitions, compiled at most once and shared by the form's
/// copies (`Form::printed` copies forms).
#[derive(Clone)]
pub struct Rules(Arc<RulesOnce>);

struct RulesOnce {
    sources: RuleSources,
    compiled: OnceLock<Result<CompiledRules, DefError>>,
}

impl Rules {
    /// The rules of `sources`, compiled now when `at` says so (refused with their first error).
    pub(super) fn new(sources: RuleSources, at: RulesAt) -> Result<Rules, DefError> {
        let rules = Rules(Arc::new(RulesOnce {
            sources,
            compiled: OnceLock::new(),
        }));
        if at == RulesAt::Load {
            rules.compiled()?;
        }
        Ok(rules)
    }

    /// The compiled rules, or the first error of their definitions.
    pub(super) fn compiled(&self) -> Result<&CompiledRules, DefError> {
        let once = &self.0;
        once.compiled
            .get_or_init(|| compile_form_rules(&once.sources))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether they were compiled yet.
    pub(super) fn is_compiled(&self) -> bool {
        self.0.compiled.get().is_some()
    }

    /// The rules of one set; none when they do not compile, which only a built-in definition
    /// loaded for first use could do, and a test rules out.
    pub(super) fn of(&self, pick: fn(&CompiledRules) -> &[Rule]) -> &[Rule] {
        self.compiled().map(pick).unwrap_or_default()
    }
}

/// As the compiled rules: two forms whose rules compile alike show alike, compiled or not.
impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.compiled() {
            Ok(c) => f
                .debug_struct("Rules")
                .field("derive", &c.derive)
                .field("check", &c.check)
                .finish(),
            Err(e) => write!(f, "Rules({e})"),
        }
    }
}
