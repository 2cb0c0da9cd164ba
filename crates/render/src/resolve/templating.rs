//! Rendering the templates of one service's values, each error pointed at
//! the field its template came from.

use platc_spec::{Diagnostic, Origin};

use crate::template::Renderer;

/// Renders templates and collects their errors, pointed at the fields the
/// templates came from.
pub(super) struct Templating<'d> {
    pub renderer: Renderer,
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl Templating<'_> {
    pub fn render(&mut self, text: &str, origin: &Origin, pointer: String) -> String {
        self.renderer.render(text).unwrap_or_else(|d| {
            self.diagnostics.push(d.at(origin.clone(), pointer));
            String::new()
        })
    }

    pub fn render_all(&mut self, texts: &[String], origin: &Origin, pointer: &str) -> Vec<String> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| self.render(t, origin, format!("{pointer}/{i}")))
            .collect()
    }
}
