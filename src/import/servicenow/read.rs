//! Reading ServiceNow exports into records of the fields the import uses.
//!
//! Table API JSON (`{"result": [...]}`) and JSONv2 (`{"records": [...]}`, or a bare array) are
//! deserialised straight into [`Record`]s, field by field, without building a JSON tree of the
//! file (a CMDB export of 300,000 relations is a large file). A reference field may be a plain
//! string, `{link, value}` or `{display_value, value}`; any other field may be a string, a
//! number, a boolean or `{display_value, value}`. CSV list exports give display values.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::ATTRIBUTES;

/// The fields the import reads besides the CI attributes it copies.
const READ: &[&str] = &[
    "sys_id",
    "name",
    "sys_class_name",
    "install_status",
    "operational_status",
    "environment",
    "managed_by_group",
    "support_group",
    "assignment_group",
    "owned_by",
    "managed_by",
    "short_description",
    "busines_criticality",
    "business_criticality",
    "parent",
    "child",
    "type",
    "email",
    "description",
    "manager",
    "group",
    "user",
    "user.user_name",
    "user.email",
];

/// The fields the import reads, by position in [`Record::fields`]: [`READ`], then the
/// attributes ([`super::ATTRIBUTES`]), so the two lists cannot drift apart.
pub const FIELDS: &[&str] = &concat::<{ READ.len() + ATTRIBUTES.len() }>(READ, ATTRIBUTES);

// A record keeps its field indices in a `u8`.
const _: () = assert!(FIELDS.len() <= u8::MAX as usize);

const fn concat<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[i + j] = b[j];
        j += 1;
    }
    out
}

/// Index of a field in [`FIELDS`].
pub fn field(name: &str) -> usize {
    FIELDS.iter().position(|f| *f == name).expect("a field in FIELDS")
}

/// One value: what ServiceNow stores (`value`: a code, a sys_id) and what it shows
/// (`display`: a label, a name). Either may be empty. Borrowed from the export's text when it
/// holds no escapes (most values), so reading an export copies little of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field<'a> {
    pub value: Cow<'a, str>,
    pub display: Cow<'a, str>,
}

impl Field<'_> {
    pub fn is_empty(&self) -> bool {
        self.value.trim().is_empty() && self.display.trim().is_empty()
    }

    /// The shown text when there is one, else the stored value.
    pub fn text(&self) -> &str {
        let d = self.display.trim();
        if d.is_empty() {
            self.value.trim()
        } else {
            d
        }
    }
}

/// Where a record is in its file: its index in the JSON list (under `result`, `records`, or
/// at the top), or a CSV line with the byte offset of the record (columns are found when a
/// finding needs them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    Json { list: &'static str, index: u32 },
    Csv { line: u64, offset: u64 },
}

impl At {
    /// The JSON pointer of a JSON record (`/result/12`).
    pub fn pointer(&self) -> Option<String> {
        match self {
            At::Json { list, index } => Some(format!("{list}/{index}")),
            At::Csv { .. } => None,
        }
    }
}

/// One record of an export.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub file: Arc<str>,
    pub at: At,
    /// The fields the record has, by position in [`FIELDS`] (kept sparse: a relation has
    /// three fields of the thirty read, and there may be hundreds of thousands of them).
    pub fields: Vec<(u8, Field<'a>)>,
}

static EMPTY: Field<'static> = Field { value: Cow::Borrowed(""), display: Cow::Borrowed("") };

impl<'a> Record<'a> {
    pub fn get(&self, index: usize) -> &Field<'a> {
        self.fields.iter().find(|(i, _)| usize::from(*i) == index).map_or(&EMPTY, |(_, f)| f)
    }

    pub fn named(&self, name: &str) -> &Field<'a> {
        self.get(field(name))
    }
}

/// The records of one export, and for a CSV file the column of each field (by position in
/// [`FIELDS`]), to locate findings.
#[derive(Debug, Default)]
pub struct Export<'a> {
    pub records: Vec<Record<'a>>,
    pub csv_columns: Option<Vec<Option<usize>>>,
}

/// Reads one export, JSON or CSV (told apart by the first character). JSON values are
/// borrowed from `text`; CSV values are copied (the csv reader unquotes them).
pub fn read<'a>(file: &Arc<str>, text: &'a str) -> Result<Export<'a>, String> {
    match text.trim_start().chars().next() {
        Some('{') | Some('[') => Ok(Export { records: read_json(file, text)?, csv_columns: None }),
        Some(_) => read_csv(file, text),
        None => Ok(Export::default()),
    }
}

fn read_json<'a>(file: &Arc<str>, text: &'a str) -> Result<Vec<Record<'a>>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = TopVisitor { file: file.clone() };
    let records = de.deserialize_any(top).map_err(|e| format!("not a ServiceNow JSON export: {e}"))?;
    de.end().map_err(|e| format!("not a ServiceNow JSON export: {e}"))?;
    Ok(records)
}

/// `{"result": [...]}`, `{"records": [...]}` or `[...]`.
struct TopVisitor {
    file: Arc<str>,
}

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Vec<Record<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"{"result": [...]}, {"records": [...]} or an array of records"#)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        records(&self.file, "", seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = None;
        while let Some(key) = map.next_key_seed(Text)? {
            let list = match &*key {
                "result" if out.is_none() => "/result",
                "records" if out.is_none() => "/records",
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
            };
            out = Some(map.next_value_seed(RecordsSeed { file: self.file.clone(), list })?);
        }
        out.ok_or_else(|| de::Error::custom("no `result` or `records` list"))
    }
}

struct RecordsSeed {
    file: Arc<str>,
    list: &'static str,
}

impl<'de> de::DeserializeSeed<'de> for RecordsSeed {
    type Value = Vec<Record<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed {
    type Value = Vec<Record<'de>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        records(&self.file, self.list, seq)
    }
}

fn records<'de, A: SeqAccess<'de>>(
    file: &Arc<str>,
    list: &'static str,
    mut seq: A,
) -> Result<Vec<Record<'de>>, A::Error> {
    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(fields) = seq.next_element_seed(RecordSeed)? {
        let index = u32::try_from(out.len()).map_err(|_| de::Error::custom("more than 2^32 records"))?;
        out.push(Record { file: file.clone(), at: At::Json { list, index }, fields });
    }
    Ok(out)
}

/// A string borrowed from the text when it has no escapes (serde's own `Cow<str>` always
/// copies).
struct Text;

impl<'de> de::DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

struct RecordSeed;

impl<'de> de::DeserializeSeed<'de> for RecordSeed {
    type Value = Vec<(u8, Field<'de>)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Vec<(u8, Field<'de>)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record (an object of fields)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: Vec<(u8, Field<'de>)> = Vec::new();
        while let Some(key) = map.next_key_seed(Text)? {
            match FIELDS.iter().position(|f| *f == key) {
                Some(i) => {
                    let value = map.next_value_seed(FieldSeed)?;
                    if !value.is_empty() {
                        fields.retain(|(j, _)| usize::from(*j) != i);
                        fields.push((i as u8, value));
                    }
                }
                None => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        fields.shrink_to_fit();
        Ok(fields)
    }
}

struct FieldSeed;

impl<'de> de::DeserializeSeed<'de> for FieldSeed {
    type Value = Field<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn stored<'a>(value: Cow<'a, str>) -> Field<'a> {
    Field { value, display: Cow::Borrowed("") }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, a number, or {value, link} / {display_value, value}")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(stored(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(stored(Cow::Owned(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut field = Field::default();
        while let Some(key) = map.next_key_seed(Text)? {
            match &*key {
                "value" => field.value = map.next_value_seed(FieldSeed)?.value,
                "display_value" => field.display = map.next_value_seed(FieldSeed)?.value,
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(field)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Field::default())
    }
}

/// A CSV list export: a header of field names (or of labels: `Name`, `Class`…), then one
/// record a row; every value is what the list shows.
fn read_csv<'a>(file: &Arc<str>, text: &str) -> Result<Export<'a>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("not a CSV export: {e}"))?.clone();
    let columns: Vec<Option<usize>> = headers.iter().map(column_field).collect();
    if !columns.iter().any(Option::is_some) {
        return Err("not a ServiceNow CSV export: no column is a field cairn reads (sys_id, name, …)".into());
    }
    let mut out = Vec::new();
    let mut row = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("not a CSV export: {e}")),
        }
        let position = row.position().cloned().unwrap_or_else(csv::Position::new);
        let mut fields: Vec<(u8, Field)> = Vec::new();
        for (value, column) in row.iter().zip(&columns) {
            if let (Some(i), false) = (column, value.trim().is_empty()) {
                // Shown values are all a list export has; a sys_id or a name is both.
                fields.retain(|(j, _)| usize::from(*j) != *i);
                let value: Cow<'a, str> = Cow::Owned(value.to_owned());
                fields.push((*i as u8, Field { display: value.clone(), value }));
            }
        }
        out.push(Record {
            file: file.clone(),
            at: At::Csv { line: position.line(), offset: position.byte() },
            fields,
        });
    }
    let mut by_field = vec![None; FIELDS.len()];
    for (column, field) in columns.iter().enumerate() {
        if let Some(i) = field {
            by_field[*i].get_or_insert(column);
        }
    }
    Ok(Export { records: out, csv_columns: Some(by_field) })
}

/// The field a CSV column holds: its header is the field name (`sys_class_name`), or the
/// label ServiceNow shows for it by default (`Class`).
fn column_field(header: &str) -> Option<usize> {
    let h = header.trim().trim_start_matches('\u{feff}');
    if let Some(i) = FIELDS.iter().position(|f| f.eq_ignore_ascii_case(h)) {
        return Some(i);
    }
    let name = match h.to_ascii_lowercase().as_str() {
        "sys id" => "sys_id",
        "class" => "sys_class_name",
        "status" | "install status" => "install_status",
        "operational status" => "operational_status",
        "managed by group" => "managed_by_group",
        "support group" => "support_group",
        "assignment group" => "assignment_group",
        "owned by" => "owned_by",
        "managed by" => "managed_by",
        "description" => "short_description",
        "business criticality" => "busines_criticality",
        "ip address" => "ip_address",
        "fully qualified domain name" => "fqdn",
        "operating system" => "os",
        "os version" => "os_version",
        "serial number" => "serial_number",
        "cpu count" => "cpu_count",
        "disk space (gb)" => "disk_space",
        "mac address" => "mac_address",
        "user id" | "user.user id" | "user_name" => "user.user_name",
        "user.email" | "user email" => "user.email",
        _ => return None,
    };
    FIELDS.iter().position(|f| *f == name)
}

/// The 1-based line and column of field `index` of the CSV record starting at byte `offset`.
pub fn csv_position(text: &str, line: u64, offset: u64, index: usize) -> (u32, u32) {
    let line = u32::try_from(line).unwrap_or(u32::MAX).max(1);
    let Some(rest) = usize::try_from(offset).ok().and_then(|o| text.get(o..)) else { return (line, 1) };
    let (mut field, mut quoted, mut col, mut line_now) = (0usize, false, 1u32, line);
    for c in rest.chars() {
        if field == index {
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            '\n' if !quoted => break,
            '\n' => {
                line_now += 1;
                col = 0;
            }
            _ => {}
        }
        col += 1;
    }
    (line_now, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Vec<Record<'_>> {
        read(&Arc::from("x"), text).unwrap().records
    }

    #[test]
    fn the_three_reference_shapes_read_alike() {
        let plain = one(r#"{"result": [{"sys_id": "a1", "support_group": "g1", "cpu_count": 4}]}"#);
        let link = one(
            r#"{"result": [{"sys_id": "a1", "support_group": {"link": "https://x/api/now/table/sys_user_group/g1", "value": "g1"}}]}"#,
        );
        let both = one(
            r#"{"records": [{"sys_id": "a1", "support_group": {"display_value": "DBA", "value": "g1"}}]}"#,
        );
        let group = field("support_group");
        assert_eq!(plain[0].get(group).value, "g1");
        assert_eq!(link[0].get(group).value, "g1");
        assert_eq!(both[0].get(group), &Field { value: "g1".into(), display: "DBA".into() });
        assert_eq!(plain[0].named("cpu_count").value, "4");
        assert_eq!(both[0].at.pointer().as_deref(), Some("/records/0"));
    }

    #[test]
    fn the_fields_read_include_every_attribute_and_owner_field_once() {
        for name in super::super::ATTRIBUTES.iter().chain(super::super::tables::OWNER_FIELDS) {
            assert_eq!(FIELDS.iter().filter(|f| *f == name).count(), 1, "{name}");
        }
        let unique: std::collections::BTreeSet<&str> = FIELDS.iter().copied().collect();
        assert_eq!(unique.len(), FIELDS.len(), "a field listed twice");
    }

    #[test]
    fn csv_headers_may_be_names_or_labels() {
        let rows = one(
            "\"Name\",\"Class\",\"sys_id\"\n\"db, one\",\"Linux Server\",\"a1\"\nweb,Windows Server,a2\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].named("name").text(), "db, one");
        assert_eq!(rows[1].named("sys_class_name").text(), "Windows Server");
        assert_eq!(rows[1].at, At::Csv { line: 3, offset: 54 });
        let text = "a,b,c\n1,\"x,y\",3\n";
        assert_eq!(csv_position(text, 2, 6, 2), (2, 9));
    }

    #[test]
    fn what_is_not_an_export_is_an_error() {
        assert!(read(&Arc::from("x"), r#"{"error": {}}"#).is_err());
        assert!(read(&Arc::from("x"), "{").is_err());
        assert!(read(&Arc::from("x"), "just,some\ncsv,here\n").is_err());
    }
}
