//! YAML writing: [`to_yaml`], the one function every output file is written
//! with. A direct writer handles the shapes Kubernetes objects and Helm
//! values take — block mappings and sequences, integers, booleans, nulls and
//! strings — and writes exactly what serde-saphyr would write with platc's
//! options; it leaves every decision it cannot take cheaply to serde-saphyr
//! itself:
//!
//! - a key or string value made of plain characters that no YAML 1.1 or 1.2
//!   reader could take for anything but a string (it starts with a letter,
//!   or a value with `/`, and is not `yes`, `null`, `inf`, ...) is written
//!   as it is; that is most of them, and the check is a scan of its bytes;
//! - any other string (quoted, or a literal block for several lines), and
//!   any float, is written by serde-saphyr on its own and the result reused
//!   (and remembered: quantities like `100m` recur in every object);
//! - anything else (externally tagged enums, byte strings, keys that are not
//!   strings, serde-saphyr's own wrappers) makes the whole document fall back
//!   to serde-saphyr.
//!
//! The output is therefore serde-saphyr's, byte for byte: the tests compare
//! both writers on every object of the example platform and on generated
//! values.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// The options of every output file: two-space indentation, lists flush
/// with their key (as kubectl prints them), literal blocks for multi-line
/// strings, no folding of long lines, YAML 1.1 quoting.
fn options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: true,
        prefer_block_scalars: true,
        folded_wrap_chars: usize::MAX,
    }
}

/// Serializes one value as a YAML document, the way every output file is written:
/// two-space indentation, lists flush with their key (as kubectl prints them),
/// literal blocks for multi-line strings, no folding of long lines, and
/// quoting of every string a YAML 1.1 reader would take for something else.
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    match direct(value) {
        Some(text) => Ok(text),
        None => saphyr(value),
    }
}

/// The document as the direct writer writes it, or `None` where it leaves
/// the document to serde-saphyr (for tests: [`to_yaml`] is the function to call).
#[must_use]
pub fn direct<T: Serialize>(value: &T) -> Option<String> {
    let mut writer = Writer { out: String::with_capacity(1024) };
    value.serialize(Slot { writer: &mut writer, at: At::Root }).ok()?;
    // A rendered tree keeps hundreds of thousands of documents: each at
    // its size, not at the capacity it grew to.
    writer.out.shrink_to_fit();
    Some(writer.out)
}

/// The document as serde-saphyr writes it, with the options of every
/// output file (for tests: [`to_yaml`] is the function to call).
pub fn saphyr<T: Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    let mut out = String::new();
    serde_saphyr::to_fmt_writer_with_options(&mut out, value, options())?;
    Ok(out)
}

/// Why the direct writer gave up: serde-saphyr writes the document instead
/// (and reports the error, if the value has one).
#[derive(Debug)]
pub struct Fallback;

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not written directly")
    }
}

impl std::error::Error for Fallback {}

impl ser::Error for Fallback {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Fallback
    }
}

type Result<T = (), E = Fallback> = std::result::Result<T, E>;

struct Writer {
    out: String,
}

impl Writer {
    fn indent(&mut self, column: usize) {
        const SPACES: &str = "                                                                ";
        let mut left = column;
        while left > 0 {
            let step = left.min(SPACES.len());
            self.out.push_str(&SPACES[..step]);
            left -= step;
        }
    }

    /// A scalar's text in `at`, then the end of its line.
    fn scalar(&mut self, at: At, text: &str) {
        if let At::Value(_) = at {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A string in `at`: plain when that is certain, else as serde-saphyr
    /// writes it on its own (a literal block re-indented to its place).
    fn string(&mut self, at: At, s: &str) -> Result {
        if is_plain_value(s) {
            self.scalar(at, s);
            return Ok(());
        }
        with_rendered(s, |rendered| {
            let Some(block) = rendered.strip_suffix('\n') else { return Err(Fallback) };
            if !matches!(block.as_bytes().first(), Some(b'|' | b'>')) {
                if block.contains('\n') {
                    return Err(Fallback);
                }
                self.scalar(at, block);
                return Ok(());
            }
            // A block scalar alone is its header, then its lines indented
            // by two; in place, by two more than the key or dash.
            let base = at.column();
            let mut lines = block.split('\n');
            let header = lines.next().unwrap_or_default();
            self.scalar(at, header);
            for line in lines {
                if !line.is_empty() {
                    self.indent(base);
                    self.out.push_str(line);
                }
                self.out.push('\n');
            }
            Ok(())
        })
    }

    /// A key at `column` (or right after a dash), with its colon.
    fn key(&mut self, column: usize, inline: bool, key: &str) -> Result {
        if !inline {
            self.indent(column);
        }
        if is_plain_key(key) {
            self.out.push_str(key);
        } else {
            with_rendered_key(key, |text| {
                self.out.push_str(text.ok_or(Fallback)?);
                Ok(())
            })?;
        }
        self.out.push(':');
        Ok(())
    }
}

/// Where a value goes.
#[derive(Clone, Copy, Debug)]
enum At {
    /// The document itself.
    Root,
    /// After `key:` of a key at this column.
    Value(usize),
    /// After `- ` of a dash at this column.
    Item(usize),
}

impl At {
    /// The column a block scalar's lines and a mapping's keys are indented from.
    fn column(self) -> usize {
        match self {
            At::Root => 0,
            At::Value(column) | At::Item(column) => column,
        }
    }
}

/// Strings and keys serde-saphyr wrote on their own, by content, per
/// thread (a lookup, never iterated). Writing a string is pure, so
/// remembering it changes nothing but time.
const REMEMBERED: usize = 4096;
/// Longer strings are written again each time.
const REMEMBERED_LEN: usize = 64;

thread_local! {
    static VALUES: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static KEYS: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

/// Calls `then` with what `compute` gives for `s`, remembered in `cache`.
fn remembered<V, R>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, V>>>,
    s: &str,
    compute: impl FnOnce() -> V,
    then: impl FnOnce(&V) -> R,
) -> R {
    if s.len() > REMEMBERED_LEN {
        return then(&compute());
    }
    cache.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(s) {
            if cache.len() >= REMEMBERED {
                cache.clear();
            }
            cache.insert(s.to_owned(), compute());
        }
        then(&cache[s])
    })
}

/// Calls `then` with serde-saphyr's document of the string `s` alone.
fn with_rendered<R>(s: &str, then: impl FnOnce(&str) -> Result<R>) -> Result<R> {
    remembered(&VALUES, s, || saphyr(&s).unwrap_or_default(), |text| then(text))
}

/// Calls `then` with how serde-saphyr writes `key` as a simple key, or
/// `None` when it needs the explicit form (or fails).
fn with_rendered_key<R>(key: &str, then: impl FnOnce(Option<&str>) -> Result<R>) -> Result<R> {
    let compute = || {
        let one = std::collections::BTreeMap::from([(key, 0_u8)]);
        saphyr(&one)
            .ok()
            .and_then(|doc| doc.strip_suffix(": 0\n").map(str::to_owned))
            .filter(|text| !text.starts_with('?') && !text.contains('\n'))
    };
    remembered(&KEYS, key, compute, |text| then(text.as_deref()))
}

/// Words a YAML 1.1 or 1.2 reader takes for a boolean, a null or a float.
fn is_reserved_word(s: &str) -> bool {
    s.len() <= 5
        && ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"]
            .iter()
            .any(|word| s.eq_ignore_ascii_case(word))
}

/// Whether `s` is certainly written as a plain value: it starts with a letter
/// or `/` (so it is no number, date, indicator or document marker), holds
/// only characters without meaning in a plain block scalar, has no `: ` and
/// does not end in `:` or a space, and is no reserved word. Strings outside
/// this are left to serde-saphyr.
fn is_plain_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else { return false };
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return false;
    }
    let mut previous = first;
    for &b in rest {
        let ok = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'/'
                    | b'='
                    | b'@'
                    | b','
                    | b'('
                    | b')'
                    | b'`'
                    | b'&'
                    | b'+'
                    | b'*'
                    | b'%'
                    | b'~'
            )
            || (b == b' ' && previous != b':')
            || b == b':';
        if !ok {
            return false;
        }
        previous = b;
    }
    previous != b':' && previous != b' ' && !is_reserved_word(s)
}

/// Whether `key` is certainly written as a plain simple key: a letter, then
/// letters, digits and `-_./`, at most 1,024 bytes, no reserved word.
fn is_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else { return false };
    first.is_ascii_alphabetic()
        && bytes.len() <= 1024
        && rest.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        && !is_reserved_word(key)
}

/// A value about to be written at `at`.
struct Slot<'w> {
    writer: &'w mut Writer,
    at: At,
}

impl<'w> Slot<'w> {
    fn integer(self, text: fmt::Arguments<'_>) {
        use fmt::Write as _;
        if let At::Value(_) = self.at {
            self.writer.out.push(' ');
        }
        let _ = self.writer.out.write_fmt(text);
        self.writer.out.push('\n');
    }

    /// A float, as serde-saphyr writes it alone.
    fn float<F: Serialize>(self, v: F) -> Result {
        let text = saphyr(&v).map_err(|_| Fallback)?;
        let text = text.strip_suffix('\n').ok_or(Fallback)?;
        self.writer.scalar(self.at, text);
        Ok(())
    }

    fn block(self) -> Block<'w> {
        Block { writer: self.writer, at: self.at, entries: 0, key_column: 0 }
    }
}

/// A mapping or a sequence being written.
struct Block<'w> {
    writer: &'w mut Writer,
    at: At,
    entries: usize,
    /// The column of the current key (mappings).
    key_column: usize,
}

impl Block<'_> {
    /// Before the first entry: break the line after a key.
    fn open(&mut self) {
        if self.entries == 0
            && let At::Value(_) = self.at
        {
            self.writer.out.push('\n');
        }
    }

    /// After the last entry, or the empty form.
    fn close(self, empty: &str) {
        if self.entries == 0 {
            self.writer.scalar(self.at, empty);
        }
    }

    /// The column of this mapping's keys.
    fn keys_at(&self) -> usize {
        match self.at {
            At::Root => 0,
            At::Value(column) | At::Item(column) => column + 2,
        }
    }

    /// The column of this sequence's dashes.
    fn dashes_at(&self) -> usize {
        match self.at {
            At::Root => 0,
            At::Value(column) => column,
            At::Item(column) => column + 2,
        }
    }

    fn key(&mut self, key: &str) -> Result {
        self.open();
        let column = self.keys_at();
        let inline = self.entries == 0 && matches!(self.at, At::Item(_));
        self.writer.key(column, inline, key)?;
        self.key_column = column;
        self.entries += 1;
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(Slot { writer: self.writer, at: At::Value(self.key_column) })
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.open();
        let column = self.dashes_at();
        let inline = self.entries == 0 && matches!(self.at, At::Item(_));
        if !inline {
            self.writer.indent(column);
        }
        self.writer.out.push_str("- ");
        self.entries += 1;
        value.serialize(Slot { writer: self.writer, at: At::Item(column) })
    }
}

impl<'w> ser::Serializer for Slot<'w> {
    type Ok = ();
    type Error = Fallback;
    type SerializeSeq = Block<'w>;
    type SerializeTuple = Block<'w>;
    type SerializeTupleStruct = Block<'w>;
    type SerializeTupleVariant = Impossible<(), Fallback>;
    type SerializeMap = Block<'w>;
    type SerializeStruct = Block<'w>;
    type SerializeStructVariant = Impossible<(), Fallback>;

    fn serialize_bool(self, v: bool) -> Result {
        self.writer.scalar(self.at, if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.integer(format_args!("{v}"));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.float(v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result {
        let mut buf = [0; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.writer.string(self.at, v)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(Fallback)
    }
    fn serialize_none(self) -> Result {
        self.writer.scalar(self.at, "null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        // serde-saphyr's own wrappers (flow style, block strings, ...) ask
        // for layouts this writer does not know.
        if name.starts_with("__yaml") {
            return Err(Fallback);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Fallback)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Block<'w>> {
        Ok(self.block())
    }
    fn serialize_tuple(self, _: usize) -> Result<Block<'w>> {
        Ok(self.block())
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Block<'w>> {
        if name.starts_with("__yaml") {
            return Err(Fallback);
        }
        Ok(self.block())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Fallback)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Block<'w>> {
        Ok(self.block())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Block<'w>> {
        Ok(self.block())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Fallback)
    }
}

impl ser::SerializeSeq for Block<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close("[]");
        Ok(())
    }
}

impl ser::SerializeTuple for Block<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close("[]");
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Block<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }
    fn end(self) -> Result {
        self.close("[]");
        Ok(())
    }
}

impl ser::SerializeMap for Block<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        key.serialize(KeySlot { block: self })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.value(value)
    }
    fn end(self) -> Result {
        self.close("{}");
        Ok(())
    }
}

impl ser::SerializeStruct for Block<'_> {
    type Ok = ();
    type Error = Fallback;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.key(key)?;
        self.value(value)
    }
    fn end(self) -> Result {
        self.close("{}");
        Ok(())
    }
}

/// A mapping key, written as it is serialized: string keys only.
struct KeySlot<'b, 'w> {
    block: &'b mut Block<'w>,
}

macro_rules! no_key {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result { Err(Fallback) })*
    };
}

impl ser::Serializer for KeySlot<'_, '_> {
    type Ok = ();
    type Error = Fallback;
    type SerializeSeq = Impossible<(), Fallback>;
    type SerializeTuple = Impossible<(), Fallback>;
    type SerializeTupleStruct = Impossible<(), Fallback>;
    type SerializeTupleVariant = Impossible<(), Fallback>;
    type SerializeMap = Impossible<(), Fallback>;
    type SerializeStruct = Impossible<(), Fallback>;
    type SerializeStructVariant = Impossible<(), Fallback>;

    no_key!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );
    fn serialize_char(self, v: char) -> Result {
        let mut buf = [0; 4];
        self.block.key(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.block.key(v)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
        Err(Fallback)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.block.key(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result {
        if name.starts_with("__yaml") {
            return Err(Fallback);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(Fallback)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(Fallback)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(Fallback)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(Fallback)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Fallback)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(Fallback)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(Fallback)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Fallback)
    }
}
