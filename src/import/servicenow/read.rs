//! Reading ServiceNow exports into records of the fields the import uses.
//!
//! Table API JSON (`{"result": [...]}`) and JSONv2 (`{"records": [...]}`, or a bare array) are
//! deserialised straight into [`Record`]s, field by field, without building a JSON tree of the
//! file (a CMDB export of 300,000 relations is a large file). A reference field may be a plain
//! string, `{link, value}` or `{display_value, value}`; any other field may be a string, a
//! number, a boolean or `{display_value, value}`. CSV list exports give display values.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// The fields the import reads, by position in [`Record::fields`].
pub const FIELDS: &[&str] = &[
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
    "ip_address",
    "fqdn",
    "dns_domain",
    "os",
    "os_version",
    "version",
    "serial_number",
    "cpu_count",
    "ram",
    "disk_space",
    "port",
    "mac_address",
];

/// Index of a field in [`FIELDS`].
pub fn field(name: &str) -> usize {
    FIELDS.iter().position(|f| *f == name).expect("a field in FIELDS")
}

/// One value: what ServiceNow stores (`value`: a code, a sys_id) and what it shows
/// (`display`: a label, a name). Either may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub value: String,
    pub display: String,
}

impl Field {
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

/// Where a record is in its file: a JSON pointer to it, or a CSV line with the byte offset of
/// the record (columns are found when a finding needs them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    Json { pointer: String },
    Csv { line: u64, offset: u64 },
}

/// One record of an export.
#[derive(Debug, Clone)]
pub struct Record {
    pub file: Arc<str>,
    pub at: At,
    /// The fields the record has, by position in [`FIELDS`] (kept sparse: a relation has
    /// three fields of the thirty read, and there may be hundreds of thousands of them).
    pub fields: Vec<(u8, Field)>,
}

static EMPTY: Field = Field { value: String::new(), display: String::new() };

impl Record {
    pub fn get(&self, index: usize) -> &Field {
        self.fields.iter().find(|(i, _)| usize::from(*i) == index).map_or(&EMPTY, |(_, f)| f)
    }

    pub fn named(&self, name: &str) -> &Field {
        self.get(field(name))
    }
}

/// The records of one export, and for a CSV file the column of each field (by position in
/// [`FIELDS`]), to locate findings.
#[derive(Debug, Default)]
pub struct Export {
    pub records: Vec<Record>,
    pub csv_columns: Option<Vec<Option<usize>>>,
}

/// Reads one export, JSON or CSV (told apart by the first character).
pub fn read(file: &Arc<str>, text: &str) -> Result<Export, String> {
    match text.trim_start().chars().next() {
        Some('{') | Some('[') => Ok(Export { records: read_json(file, text)?, csv_columns: None }),
        Some(_) => read_csv(file, text),
        None => Ok(Export::default()),
    }
}

fn read_json(file: &Arc<str>, text: &str) -> Result<Vec<Record>, String> {
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
    type Value = Vec<Record>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"{"result": [...]}, {"records": [...]} or an array of records"#)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        records(&self.file, "", seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = None;
        while let Some(key) = map.next_key::<String>()? {
            if (key == "result" || key == "records") && out.is_none() {
                let seed = RecordsSeed { file: self.file.clone(), prefix: format!("/{key}") };
                out = Some(map.next_value_seed(seed)?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        out.ok_or_else(|| de::Error::custom("no `result` or `records` list"))
    }
}

struct RecordsSeed {
    file: Arc<str>,
    prefix: String,
}

impl<'de> de::DeserializeSeed<'de> for RecordsSeed {
    type Value = Vec<Record>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed {
    type Value = Vec<Record>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        records(&self.file, &self.prefix, seq)
    }
}

fn records<'de, A: SeqAccess<'de>>(
    file: &Arc<str>,
    prefix: &str,
    mut seq: A,
) -> Result<Vec<Record>, A::Error> {
    let mut out = Vec::new();
    while let Some(fields) = seq.next_element_seed(RecordSeed)? {
        let pointer = format!("{prefix}/{}", out.len());
        out.push(Record { file: file.clone(), at: At::Json { pointer }, fields });
    }
    Ok(out)
}

struct RecordSeed;

impl<'de> de::DeserializeSeed<'de> for RecordSeed {
    type Value = Vec<(u8, Field)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed {
    type Value = Vec<(u8, Field)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record (an object of fields)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields: Vec<(u8, Field)> = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
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
        Ok(fields)
    }
}

struct FieldSeed;

impl<'de> de::DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string, a number, or {value, link} / {display_value, value}")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
        Ok(Field { value: v.to_owned(), display: String::new() })
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Field, E> {
        Ok(Field { value: v, display: String::new() })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Field, E> {
        Ok(Field { value: v.to_string(), display: String::new() })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Field, E> {
        Ok(Field { value: v.to_string(), display: String::new() })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Field, E> {
        Ok(Field { value: v.to_string(), display: String::new() })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Field, E> {
        Ok(Field { value: v.to_string(), display: String::new() })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Field, E> {
        Ok(Field::default())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let mut field = Field::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
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
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Field::default())
    }
}

/// A CSV list export: a header of field names (or of labels: `Name`, `Class`…), then one
/// record a row; every value is what the list shows.
fn read_csv(file: &Arc<str>, text: &str) -> Result<Export, String> {
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
                fields.push((*i as u8, Field { value: value.to_owned(), display: value.to_owned() }));
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

    fn one(text: &str) -> Vec<Record> {
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
        assert_eq!(both[0].at, At::Json { pointer: "/records/0".into() });
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
