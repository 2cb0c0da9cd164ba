//! The YAML writer: the direct writer writes what serde-saphyr writes, byte
//! for byte, on generated values with every kind of string YAML treats
//! specially and on every object of the example platform; what it writes
//! reads back as the value written.

use std::collections::BTreeMap;
use std::path::Path;

use platc_render::render_all;
use platc_render::yaml::{direct, saphyr, to_yaml};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Pieces of strings: plain words, indicators, YAML 1.1 and 1.2 booleans,
/// nulls, numbers and dates, document markers, comments, quotes, escapes,
/// line breaks, Unicode, and strings Kubernetes objects hold.
const PIECES: &[&str] = &[
    "a",
    "b",
    "Z",
    "x1",
    "-",
    "_",
    ".",
    "/",
    ":",
    ": ",
    " ",
    "#",
    " #",
    "'",
    "\"",
    "\n",
    "\t",
    "\r",
    "é",
    "🚀",
    "0",
    "1",
    "9",
    "e",
    "E",
    "+",
    "~",
    "=",
    "<<",
    "?",
    "!",
    "&",
    "*",
    "%",
    "@",
    "`",
    ",",
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "null",
    "true",
    "False",
    "nan",
    "inf",
    ".inf",
    "0x1F",
    "1e3",
    "12:30",
    "2026-01-01",
    "0755",
    "100m",
    "128Mi",
    "1.4.2",
    "---",
    "...",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "\\",
    "Host(`x`) && PathPrefix(`/`)",
    "  ",
    "\n\n",
    "http://svc-1:8080",
    "app.kubernetes.io/name",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..5).prop_map(|pieces| pieces.concat())
}

/// JSON values of up to four levels, without floats (their text is
/// serde-saphyr's, and `1.0` reads back as a float that compares unequal
/// to the integer it may have been).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #[test]
    fn the_direct_writer_writes_what_serde_saphyr_writes(value in value()) {
        let expected = saphyr(&value).expect("serde-saphyr writes every JSON value");
        if let Some(written) = direct(&value) {
            prop_assert_eq!(&written, &expected);
        }
        prop_assert_eq!(to_yaml(&value).expect("writes"), expected);
    }

    #[test]
    fn what_is_written_reads_back(value in value()) {
        let written = to_yaml(&value).expect("writes");
        let read: Value = serde_saphyr::from_str(&written).expect("reads");
        prop_assert_eq!(read, value, "{}", written);
    }

    #[test]
    fn floats_are_written_as_serde_saphyr_writes_them(x in any::<f64>(), y in any::<f32>()) {
        let value = BTreeMap::from([("x", x)]);
        prop_assert_eq!(to_yaml(&value).expect("writes"), saphyr(&value).expect("writes"));
        prop_assert_eq!(to_yaml(&y).expect("writes"), saphyr(&y).expect("writes"));
    }
}

#[test]
fn every_object_of_the_example_platform_is_written_directly() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let platform = platc_spec::load_dir(&example).expect("the example platform loads").platform;
    let mut objects = 0;
    for rendered in render_all(&platform).expect("renders") {
        for placed in &rendered.objects {
            let expected = saphyr(&placed.object).expect("writes");
            let written = direct(&placed.object);
            assert_eq!(written.as_ref(), Some(&expected), "{}", placed.object.describe());
            objects += 1;
        }
        for release in &rendered.releases {
            let expected = saphyr(&release.values).expect("writes");
            assert_eq!(direct(&release.values).as_ref(), Some(&expected), "{}", release.name);
        }
    }
    assert!(objects > 400, "{objects} objects");
}

#[test]
fn strings_yaml_would_misread_are_quoted_and_blocks_indented_in_place() {
    let value: Value = serde_json::json!({
        "on": "yes",
        "port": "8080",
        "version": "1.4.2",
        "match": "Host(`a.example.com`) && PathPrefix(`/`)",
        "list": [{"script": "set -e\nexit 0\n", "n": "n"}, ["a: b"]],
    });
    let text = to_yaml(&value).expect("writes");
    assert_eq!(
        text,
        "\"on\": \"yes\"\nport: \"8080\"\nversion: \"1.4.2\"\nmatch: Host(`a.example.com`) && PathPrefix(`/`)\nlist:\n- script: |\n    set -e\n    exit 0\n  \"n\": \"n\"\n- - \"a: b\"\n"
    );
}
