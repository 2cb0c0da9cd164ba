//! Plaintext secret detection: whether a string that would reach output
//! looks like a credential. A value is suspect when it sits under a
//! secret-like name (`DB_PASSWORD`, `stripeApiKey`), when it is a URL with a
//! password in its userinfo (`postgres://app:hunter2@db`), or when it has the
//! shape of a well-known credential, whatever its name (the rules of
//! `credentials/formats.txt`, taken from gitleaks). Names are checked first,
//! then every format at once with one `RegexSet`.
//!
//! This module knows strings only: where a value comes from, whether the
//! environment tolerates it and how it is reported is resolve's business
//! (`resolve/plaintext.rs`).

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// The rules: `<id><TAB><regex>` per line, `#` comments.
const FORMATS: &str = include_str!("../credentials/formats.txt");

/// A URL whose userinfo holds a password: `scheme://user:password@`.
const URL_PASSWORD: &str = r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\s:@]*:([^/?#\s@]+)@";

/// Parts of a name that mark its value as a secret, in the name's
/// upper-case, underscore-separated form.
const SECRET_WORDS: [&str; 8] =
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"];

/// Endings of names whose values say *how long* or *where*, not what:
/// durations (`ACCESS_TOKEN_TTL`), files and addresses (`PASSWORD_FILE`,
/// `TOKEN_URL`), and the names of Secrets and their keys (`SECRET_NAME`,
/// `userPasswordKey`).
const NOT_SECRET_ENDINGS: [&str; 22] = [
    "_TTL",
    "_TIMEOUT",
    "_EXPIRY",
    "_EXPIRES",
    "_EXPIRES_IN",
    "_EXPIRATION",
    "_LIFETIME",
    "_DURATION",
    "_MAX_AGE",
    "_INTERVAL",
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_PORT",
    "_NAME",
    "_REF",
    "PASSWORD_KEY",
    "TOKEN_KEY",
];

/// Why a value looks like a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// It sits under a secret-like name.
    Name,
    /// It is a URL with a password in its userinfo.
    UrlPassword,
    /// It has the shape of a well-known credential: the gitleaks rule id.
    Format(&'static str),
}

impl Cause {
    /// What the value looks like, for a message.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Self::Name => "a value under a secret-like name".to_owned(),
            Self::UrlPassword => "a URL with a password in its userinfo".to_owned(),
            Self::Format(id) => format!("a credential (gitleaks rule `{id}`)"),
        }
    }
}

struct Formats {
    /// Every credential format, then [`URL_PASSWORD`] last.
    set: RegexSet,
    ids: Vec<&'static str>,
    url_password: Regex,
}

static COMPILED: LazyLock<Formats> = LazyLock::new(|| {
    let rules = rules();
    let mut patterns: Vec<&str> = rules.iter().map(|(_, regex)| *regex).collect();
    patterns.push(URL_PASSWORD);
    Formats {
        set: RegexSet::new(patterns).expect("the credential formats compile (tested)"),
        ids: rules.iter().map(|(id, _)| *id).collect(),
        url_password: Regex::new(URL_PASSWORD).expect("the URL pattern compiles (tested)"),
    }
});

/// Compiles the credential formats now rather than at the first value
/// checked (see [`crate::prepare`]).
pub fn prepare() {
    LazyLock::force(&COMPILED);
}

/// The rules of `credentials/formats.txt` as (id, regex).
fn rules() -> Vec<(&'static str, &'static str)> {
    FORMATS
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .collect()
}

/// The gitleaks rule ids platc checks, in file order.
#[must_use]
pub fn format_ids() -> Vec<&'static str> {
    rules().into_iter().map(|(id, _)| id).collect()
}

/// `name` in upper case with `_` between words: `stripeApiKey`,
/// `stripe-api-key` and `STRIPE_API_KEY` all become `STRIPE_API_KEY`.
fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' });
    }
    out
}

/// Whether values under `name` are secrets: it holds a secret word and is
/// not a duration, a place or the name of a Secret (`ACCESS_TOKEN_TTL`,
/// `PASSWORD_FILE`, `existingSecret`).
#[must_use]
pub fn secret_name(name: &str) -> bool {
    let name = normalized(name);
    SECRET_WORDS.iter().any(|word| name.contains(word))
        && !name.starts_with("EXISTING_")
        && !NOT_SECRET_ENDINGS.iter().any(|ending| name.ends_with(ending))
}

/// Whether `value` only refers to values kept elsewhere: Kubernetes'
/// `$(VAR)` and shell `${VAR}` references, or the name of an environment
/// variable (`STRIPE_WEBHOOK_SECRET`).
#[must_use]
pub fn is_reference(value: &str) -> bool {
    let value = value.trim();
    if is_variable_name(value) {
        return true;
    }
    let mut rest = value;
    let mut referred = false;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        let (open, close) = match after.chars().next() {
            Some('(') => ('(', ')'),
            Some('{') => ('{', '}'),
            _ => return false,
        };
        let Some(end) = after.find(close) else { return false };
        let inner = &after[open.len_utf8()..end];
        if !rest[..start].trim().is_empty() || !is_identifier(inner) {
            return false;
        }
        referred = true;
        rest = &after[end + 1..];
    }
    referred && rest.trim().is_empty()
}

/// An upper-case name of at least two words: `STRIPE_WEBHOOK_SECRET`.
fn is_variable_name(value: &str) -> bool {
    value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && !value.ends_with('_')
        && !value.contains("__")
        && value.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_identifier(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether a template's text is only a reference to a Secret:
/// `{{ resources.db.password_secret }}` renders the Secret's name.
#[must_use]
pub fn template_reference(text: &str) -> bool {
    let text = text.trim();
    text.strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .is_some_and(|inner| !inner.contains("{{") && inner.contains("password_secret"))
}

/// Why `value` under `name` looks like a secret, if it does. Empty values
/// and references are not secrets.
#[must_use]
pub fn scan(name: &str, value: &str) -> Option<Cause> {
    if value.trim().is_empty() || is_reference(value) {
        return None;
    }
    if secret_name(name) {
        return Some(Cause::Name);
    }
    shape(value)
}

/// Why `value` looks like a secret by its shape alone: a credential format
/// or a URL with a password.
#[must_use]
pub fn shape(value: &str) -> Option<Cause> {
    let formats = &*COMPILED;
    let matches = formats.set.matches(value);
    if let Some(index) = matches.iter().find(|&i| i < formats.ids.len()) {
        return Some(Cause::Format(formats.ids[index]));
    }
    if matches.matched(formats.ids.len())
        && formats
            .url_password
            .captures_iter(value)
            .any(|c| c.get(1).is_some_and(|password| !is_reference(password.as_str())))
    {
        return Some(Cause::UrlPassword);
    }
    None
}

/// Why a text of many lines (a config file, an argument) looks like it
/// holds a secret, and on which line (from 1): a credential or URL
/// anywhere, or a line `key: value`, `key = value` or `--key=value` under a
/// secret-like key.
#[must_use]
pub fn scan_text(text: &str) -> Option<(Cause, usize)> {
    if let Some(cause) = shape(text) {
        let line = text.lines().position(|line| shape(line).is_some()).map_or(1, |index| index + 1);
        return Some((cause, line));
    }
    text.lines().enumerate().find_map(|(index, line)| {
        let (key, value) = assignment(line)?;
        (secret_name(key) && !is_reference(value)).then_some((Cause::Name, index + 1))
    })
}

/// The key and the scalar value of a line that assigns one: YAML, JSON,
/// INI, dotenv and `--flag=value` forms. Lines opening a block (`key:`,
/// `"key": {`) assign nothing.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start().trim_start_matches(['-', '{', ' ']);
    let line = line.strip_prefix("export ").unwrap_or(line);
    let split = line.find([':', '='])?;
    let key = line[..split].trim().trim_matches(['"', '\'']);
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
        return None;
    }
    let value = line[split + 1..].trim().trim_start_matches('=').trim();
    let value = value.strip_suffix(',').unwrap_or(value).trim();
    let value = value.trim_matches(['"', '\'']);
    if value.is_empty()
        || value.starts_with(['{', '[', '|', '>', '#', '&', '*'])
        || value.starts_with("//")
        || matches!(value, "null" | "~" | "true" | "false")
    {
        return None;
    }
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles_alone_and_in_the_set() {
        let rules = rules();
        assert!(rules.len() >= 30, "{} rules", rules.len());
        for (id, regex) in &rules {
            assert!(Regex::new(regex).is_ok(), "rule `{id}` does not compile: {regex}");
        }
        assert_eq!(COMPILED.set.len(), rules.len() + 1);
        let lines = FORMATS.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).count();
        assert_eq!(lines, rules.len(), "every rule line is `<id><TAB><regex>`");
    }

    #[test]
    fn names_are_normalized_before_they_are_judged() {
        assert_eq!(normalized("stripeApiKey"), "STRIPE_API_KEY");
        assert_eq!(normalized("stripe-api.key"), "STRIPE_API_KEY");
        assert_eq!(normalized("OAuth2Token"), "OAUTH2_TOKEN");
        for name in [
            "DB_PASSWORD",
            "rootPassword",
            "SMTP_PASSWD",
            "SESSION_SECRET",
            "GITHUB_TOKEN",
            "STRIPE_API_KEY",
            "MAPS_APIKEY",
            "JWT_PRIVATE_KEY",
            "GCP_CREDENTIALS",
            "password",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "ACCESS_TOKEN_TTL",
            "TOKEN_TIMEOUT",
            "SESSION_SECRET_EXPIRY",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "existingSecret",
            "userPasswordKey",
            "SECRET_NAME",
            "LOG_LEVEL",
            "API_URL",
            "PUBLIC_KEY",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }

    #[test]
    fn references_are_not_values() {
        for value in ["$(DB_PASSWORD)", "${DB_PASSWORD}", " $(A)$(B) ", "STRIPE_WEBHOOK_SECRET"] {
            assert!(is_reference(value), "{value}");
        }
        for value in ["hunter2", "$(A)x", "x$(A)", "$5", "$(a b)", "PASSWORD", "AB__C"] {
            assert!(!is_reference(value), "{value}");
        }
        assert!(template_reference("{{ resources.db.password_secret }}"));
        assert!(!template_reference("x{{ resources.db.password_secret }}"));
    }

    #[test]
    fn urls_with_a_password_are_secrets_unless_it_is_a_reference() {
        assert_eq!(shape("postgres://u:p@h/db"), Some(Cause::UrlPassword));
        assert_eq!(shape("amqp://guest:guest@rabbit:5672"), Some(Cause::UrlPassword));
        assert_eq!(shape("postgres://u@h/db"), None);
        assert_eq!(shape("postgres://u:$(DB_PASSWORD)@h/db"), None);
        assert_eq!(shape("https://h:8443/path"), None);
        assert_eq!(shape("mailto:ops@example.com"), None);
    }

    #[test]
    fn config_lines_under_secret_keys_are_secrets() {
        let yaml = "server:\n  port: 8080\n  password: hunter2\n";
        assert_eq!(scan_text(yaml), Some((Cause::Name, 3)));
        assert_eq!(scan_text(r#"{"apiKey": "abc123"}"#), Some((Cause::Name, 1)));
        assert_eq!(scan_text("--db-password=hunter2"), Some((Cause::Name, 1)));
        assert_eq!(scan_text("secretEnv: STRIPE_WEBHOOK_SECRET\ntokenTtl: 5m\n"), None);
        assert_eq!(scan_text("auth:\n  password:\n"), None);
        assert_eq!(scan_text("a: 1\nurl: postgres://u:p@h\n"), Some((Cause::UrlPassword, 2)));
    }
}
