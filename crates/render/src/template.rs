//! String templates (minijinja): `"api.{{ environment.domain }}"`.
//!
//! Only strings that contain `{{` or `{%` are templates; every other string is
//! used as written, so Kubernetes' own `$(VAR)` references pass through.
//! Undefined variables are errors, reported with the closest known name.

use std::collections::BTreeMap;

use minijinja::{Environment as Jinja, UndefinedBehavior, Value};
use platc_spec::Code;
use platc_spec::Diagnostic;
use platc_spec::diagnostic::suggest;

/// The values templates can read, built once per service and environment.
#[derive(Debug, Clone, Default)]
pub struct Context {
    root: BTreeMap<String, Value>,
    /// Every dotted path a template may read (`environment.domain`), for suggestions.
    known: Vec<String>,
}

impl Context {
    /// Adds a top-level object (`environment`) with string fields.
    pub fn insert_object(&mut self, name: &str, fields: &[(&str, Value)]) {
        let mut map = BTreeMap::new();
        for (key, value) in fields {
            self.known.push(format!("{name}.{key}"));
            map.insert((*key).to_owned(), value.clone());
        }
        self.root.insert(name.to_owned(), Value::from(map));
    }

    /// Adds a top-level object of objects (`resources.db.host`).
    pub fn insert_nested(&mut self, name: &str, entries: &BTreeMap<String, Vec<(&str, Value)>>) {
        let mut outer = BTreeMap::new();
        for (entry, fields) in entries {
            let mut inner = BTreeMap::new();
            for (key, value) in fields {
                self.known.push(format!("{name}.{entry}.{key}"));
                inner.insert((*key).to_owned(), value.clone());
            }
            outer.insert(entry.clone(), Value::from(inner));
        }
        self.root.insert(name.to_owned(), Value::from(outer));
    }
}

/// Renders templates against one context.
pub struct Renderer {
    jinja: Jinja<'static>,
    context: Value,
    known: Vec<String>,
}

impl Renderer {
    /// A renderer for `context`.
    #[must_use]
    pub fn new(context: Context) -> Self {
        let mut jinja = Jinja::new();
        jinja.set_undefined_behavior(UndefinedBehavior::Strict);
        // Booleans print the way YAML, JSON and shells spell them, not Python's `True`.
        jinja.set_formatter(|out, state, value| {
            if value.kind() == minijinja::value::ValueKind::Bool {
                let text = if value.is_true() { "true" } else { "false" };
                out.write_str(text).map_err(minijinja::Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        // A file's final newline is part of its content.
        if let Ok(syntax) =
            minijinja::syntax::SyntaxConfig::builder().keep_trailing_newline(true).build()
        {
            jinja.set_syntax(syntax);
        }
        Self { jinja, context: Value::from(context.root), known: context.known }
    }

    /// Whether a string is a template at all.
    #[must_use]
    pub fn is_template(text: &str) -> bool {
        text.contains("{{") || text.contains("{%")
    }

    /// Renders `text` if it is a template. The error is a diagnostic without
    /// origin; the caller points it at the field the text came from.
    pub fn render(&self, text: &str) -> Result<String, Diagnostic> {
        if !Self::is_template(text) {
            return Ok(text.to_owned());
        }
        let template = self.jinja.template_from_str(text).map_err(|e| Self::error(&e, text))?;
        for variable in template.undeclared_variables(true) {
            if !self.is_known(&variable) {
                return Err(self.unknown_variable(&variable, text));
            }
        }
        template.render(&self.context).map_err(|e| Self::error(&e, text))
    }

    fn is_known(&self, variable: &str) -> bool {
        self.known.iter().any(|k| {
            k == variable || k.starts_with(variable) && k[variable.len()..].starts_with('.')
        })
    }

    fn unknown_variable(&self, variable: &str, text: &str) -> Diagnostic {
        let help = match suggest(variable, self.known.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "templates can read {}",
                self.known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        Diagnostic::error(
            Code::RenderTemplate,
            format!("unknown template variable `{variable}`{}", line_note(text, None)),
        )
        .with_help(help)
    }

    fn error(error: &minijinja::Error, text: &str) -> Diagnostic {
        let detail = error.detail().map_or_else(|| error.kind().to_string(), ToOwned::to_owned);
        Diagnostic::error(
            Code::RenderTemplate,
            format!("template error: {detail}{}", line_note(text, error.line())),
        )
        .with_help("templates use minijinja syntax: `{{ environment.domain }}`; write `{{ '{{' }}` for a literal brace")
    }
}

/// " (line N of the template)" when the template spans several lines.
fn line_note(text: &str, line: Option<usize>) -> String {
    match line {
        Some(line) if text.trim_end().contains('\n') => format!(" (line {line} of the template)"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer() -> Renderer {
        let mut context = Context::default();
        context.insert_object(
            "environment",
            &[("domain", Value::from("example.com")), ("name", Value::from("prod"))],
        );
        let mut resources = BTreeMap::new();
        resources.insert(
            "db".to_owned(),
            vec![("host", Value::from("db.internal")), ("port", Value::from(5432))],
        );
        context.insert_nested("resources", &resources);
        Renderer::new(context)
    }

    #[test]
    fn renders_known_variables() {
        let r = renderer();
        assert_eq!(r.render("api.{{ environment.domain }}").unwrap(), "api.example.com");
        assert_eq!(
            r.render("{{ resources.db.host }}:{{ resources.db.port }}").unwrap(),
            "db.internal:5432"
        );
        assert_eq!(r.render("$(DB_HOST) stays").unwrap(), "$(DB_HOST) stays");
        assert_eq!(r.render("a: {{ environment.name | upper }}\n").unwrap(), "a: PROD\n");
    }

    #[test]
    fn unknown_variables_suggest_the_closest() {
        let err = renderer().render("api.{{ environment.domian }}").unwrap_err();
        assert_eq!(err.message, "unknown template variable `environment.domian`");
        assert_eq!(err.help.as_deref(), Some("did you mean `environment.domain`?"));
        let err = renderer().render("{{ resources.cache.host }}").unwrap_err();
        assert_eq!(err.message, "unknown template variable `resources.cache.host`");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = renderer()
            .render("first\nsecond {{ environment.domain | nosuchfilter }}\nthird\n")
            .unwrap_err();
        assert_eq!(err.code, Code::RenderTemplate);
        assert!(err.message.starts_with("template error: "), "{}", err.message);
        assert!(err.message.contains("(line 2 of the template)"), "{}", err.message);
    }
}
