//! Kubernetes resource quantities (`100m`, `512Mi`, `1.5`, `2e3`).
//!
//! A [`Quantity`] keeps the user's spelling, so output shows what was written,
//! and knows its numeric value, so platc can compare a limit with its request.

use std::cmp::Ordering;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A resource quantity in the Kubernetes serialization format.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quantity {
    text: String,
    value: f64,
}

/// A string that is not a Kubernetes quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a Kubernetes quantity: write a number with an optional suffix such as `250m`, `1`, `512Mi` or `2Gi`"
)]
pub struct QuantityError(pub String);

impl Quantity {
    /// The regular expression of the Kubernetes quantity format.
    pub const PATTERN: &'static str =
        r"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][-+]?[0-9]+))?$";

    /// The identifier of the format in the JSON Schema, under
    /// [`FORMAT_KEYWORD`](crate::names::FORMAT_KEYWORD).
    pub const FORMAT: &'static str = "quantity";

    /// The format in words.
    pub const RULE: &'static str =
        "a number with an optional suffix: `250m` or `1` (CPU cores), `512Mi` or `2Gi` (bytes)";

    /// A valid spelling of a common mistake: `512MB` and `512mb` become
    /// `512Mi`, `1 Gi` becomes `1Gi`.
    #[must_use]
    pub fn suggest(text: &str) -> Option<String> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let split =
            compact.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(compact.len());
        let (number, suffix) = compact.split_at(split);
        let binary = match suffix.to_ascii_lowercase().as_str() {
            "kb" | "kib" | "ki" | "k" => "Ki",
            "mb" | "mib" | "mi" => "Mi",
            "gb" | "gib" | "gi" | "g" => "Gi",
            "tb" | "tib" | "ti" | "t" => "Ti",
            _ => suffix,
        };
        let candidate = format!("{number}{binary}");
        (candidate != text && Self::new(candidate.as_str()).is_ok()).then_some(candidate)
    }

    /// Parses a quantity such as `250m` or `1Gi`.
    pub fn new(text: impl Into<String>) -> Result<Self, QuantityError> {
        let text = text.into();
        match parse(&text) {
            Some(value) => Ok(Self { text, value }),
            None => Err(QuantityError(text)),
        }
    }

    /// The quantity as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The quantity in base units (cores, bytes).
    #[must_use]
    pub fn value(&self) -> f64 {
        self.value
    }
}

fn parse(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    let split =
        unsigned.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(split);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return None;
    }
    let number: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0_f64.powi(2),
        "Gi" => 1024.0_f64.powi(3),
        "Ti" => 1024.0_f64.powi(4),
        "Pi" => 1024.0_f64.powi(5),
        "Ei" => 1024.0_f64.powi(6),
        exponent => {
            let digits = exponent.strip_prefix(['e', 'E'])?;
            let unsigned_digits = digits.strip_prefix(['+', '-']).unwrap_or(digits);
            if unsigned_digits.is_empty() || !unsigned_digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            10f64.powi(digits.parse().ok()?)
        }
    };
    Some(number * multiplier)
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Quantity {}

impl Quantity {
    /// Compares the amounts, whatever their spelling (`1Gi` > `1G`).
    #[must_use]
    pub fn cmp_amount(&self, other: &Self) -> Ordering {
        self.value.total_cmp(&other.value)
    }
}

impl TryFrom<String> for Quantity {
    type Error = QuantityError;
    fn try_from(value: String) -> Result<Self, QuantityError> {
        Self::new(value)
    }
}

impl TryFrom<&str> for Quantity {
    type Error = QuantityError;
    fn try_from(value: &str) -> Result<Self, QuantityError> {
        Self::new(value)
    }
}

impl From<Quantity> for String {
    fn from(q: Quantity) -> String {
        q.text
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": Self::PATTERN,
            "description": Self::RULE,
            crate::names::FORMAT_KEYWORD: Self::FORMAT,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory() {
        assert!((Quantity::new("250m").unwrap().value() - 0.25).abs() < 1e-12);
        assert!((Quantity::new("1.5").unwrap().value() - 1.5).abs() < 1e-12);
        assert!((Quantity::new("512Mi").unwrap().value() - 536_870_912.0).abs() < 1e-3);
        assert!((Quantity::new("2e3").unwrap().value() - 2000.0).abs() < 1e-9);
        assert!((Quantity::new("1G").unwrap().value() - 1e9).abs() < 1e-3);
    }

    #[test]
    fn refuses_what_kubernetes_refuses() {
        for bad in ["", "m", "1.2.3", "12 Mi", "1mi", "1Kb", "-1", "1e", "1e+", "abc"] {
            assert!(Quantity::new(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn pattern_agrees_with_parser() {
        let re = regex::Regex::new(Quantity::PATTERN).unwrap();
        for text in ["250m", "1", "1.5", "512Mi", "2e3", ".5", "+1", "1Kb", "1mi", "-1", "1e"] {
            assert_eq!(re.is_match(text), Quantity::new(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn suggests_fixes_for_common_slips() {
        assert_eq!(Quantity::suggest("512MB").as_deref(), Some("512Mi"));
        assert_eq!(Quantity::suggest("2gb").as_deref(), Some("2Gi"));
        assert_eq!(Quantity::suggest("1 Gi").as_deref(), Some("1Gi"));
        assert_eq!(Quantity::suggest("lots"), None);
    }

    #[test]
    fn compares_amounts_across_spellings() {
        let gi = Quantity::new("1Gi").unwrap();
        let g = Quantity::new("1G").unwrap();
        assert_eq!(gi.cmp_amount(&g), Ordering::Greater);
        assert_eq!(
            Quantity::new("1000m").unwrap().cmp_amount(&Quantity::new("1").unwrap()),
            Ordering::Equal
        );
    }
}
