//! Building blocks shared by several kinds: metadata, contacts, links, durations, environments.

use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::NAME_PATTERN;

/// Identity and description of an entity, common to every kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metadata {
    /// Unique name within the kind: lower-case letters, digits and inner hyphens, at most 63
    /// characters (a DNS label). Change requests use it as their id, e.g. `chg-2026-0042`.
    #[schemars(regex(pattern = NAME_PATTERN))]
    pub name: String,
    /// Human-readable title shown in reports and the rendered site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Longer description, in Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free key/value labels, e.g. `{domain: commerce}`.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub labels: SortedMap<String, String>,
    /// Free tags, e.g. `[payments]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Links to runbooks, dashboards, repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A map kept as a vector sorted by key. An entity's few labels or attributes then cost one
/// allocation of their exact size instead of a B-tree node (over 500 bytes even for one entry),
/// which adds up over 100,000 entities. It reads, writes and describes its schema
/// exactly as a `BTreeMap` does: keys in order, the last of duplicate keys wins.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K, V> SortedMap<K, V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.0.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok()?;
        Some(&self.0[at].1)
    }

    /// Sorts entries in written order into a map; of entries with the same key, the last wins.
    fn from_vec(mut entries: Vec<(K, V)>) -> Self {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
        entries.shrink_to_fit();
        SortedMap(entries)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        SortedMap::from_vec(iter.into_iter().collect())
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> serde::de::Visitor<'de> for Entries<K, V> {
            type Value = SortedMap<K, V>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                // A size hint comes from the input: trust it only so far.
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(SortedMap::from_vec(entries))
            }
        }
        d.deserialize_map(Entries(PhantomData))
    }
}

impl<K: JsonSchema, V: JsonSchema> JsonSchema for SortedMap<K, V> {
    fn inline_schema() -> bool {
        <BTreeMap<K, V>>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <BTreeMap<K, V>>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <BTreeMap<K, V>>::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <BTreeMap<K, V>>::json_schema(generator)
    }
}

/// A link shown with the entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Link {
    /// The address.
    pub url: String,
    /// Text to show instead of the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What the link is, e.g. `runbook`, `dashboard`, `repository`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
}

/// How to reach a team or a service's people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    /// The channel.
    #[serde(rename = "type")]
    pub contact_type: ContactType,
    /// Address, channel name or number.
    pub value: String,
}

/// A contact channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContactType {
    Email,
    Chat,
    Pager,
    Phone,
}

/// The environment a configuration item runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Production,
    Staging,
    Test,
    Development,
    Dr,
}

/// A length of time, written either in the friendly form (`4h`, `90m`, `2d`, `1h30m`, `1w`)
/// or in ISO 8601 (`PT4H`, `P2D`, `P1DT12H`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    /// Length in seconds.
    pub seconds: u64,
}

/// The schema pattern of [`Duration`]; the parser below accepts exactly this language.
pub const DURATION_PATTERN: &str =
    r"^(?:(?:[0-9]+[wdhms])+|P(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?)$";

impl Duration {
    pub fn parse(text: &str) -> Option<Duration> {
        let seconds = if let Some(iso) = text.strip_prefix('P') {
            parse_iso(iso)?
        } else {
            parse_units(text, |c| match c {
                'w' => Some(604_800),
                'd' => Some(86_400),
                'h' => Some(3_600),
                'm' => Some(60),
                's' => Some(1),
                _ => None,
            })?
        };
        (seconds > 0).then_some(Duration { seconds })
    }
}

/// Parses a run of `<digits><unit>` pairs, each unit at most once and in the order given.
fn parse_units(text: &str, unit: impl Fn(char) -> Option<u64>) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut last_unit = u64::MAX;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let factor = unit(c)?;
        if digits.is_empty() || factor >= last_unit {
            return None;
        }
        last_unit = factor;
        let n: u64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(factor)?)?;
        digits.clear();
    }
    digits.is_empty().then_some(total)
}

fn parse_iso(text: &str) -> Option<u64> {
    let (date, time) = match text.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (text, None),
    };
    let date_part = if date.is_empty() {
        0
    } else {
        parse_units(date, |c| match c {
            'W' => Some(604_800),
            'D' => Some(86_400),
            _ => None,
        })?
    };
    let time_part = match time {
        Some(t) => parse_units(t, |c| match c {
            'H' => Some(3_600),
            'M' => Some(60),
            'S' => Some(1),
            _ => None,
        })?,
        None if date.is_empty() => return None,
        None => 0,
    };
    date_part.checked_add(time_part)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.seconds;
        for (unit, size) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(d)?;
        Duration::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a duration; write e.g. `4h`, `90m`, `2d`, `1h30m` or ISO 8601 `PT4H`"
            ))
        })
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Duration")
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A positive length of time: `4h`, `90m`, `2d`, `1h30m`, `1w`, or ISO 8601 such as `PT4H`, `P2D`.",
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::{Duration, SortedMap};

    #[test]
    fn sorted_maps_read_write_and_describe_themselves_as_btree_maps() {
        let written = r#"{"zone": "b", "app": "x", "mid": "y", "app": "z"}"#;
        let sorted: SortedMap<String, String> = serde_json::from_str(written).unwrap();
        let btree: BTreeMap<String, String> = serde_json::from_str(written).unwrap();
        assert_eq!(serde_json::to_string(&sorted).unwrap(), serde_json::to_string(&btree).unwrap());
        assert_eq!(
            sorted.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>(),
            ["app=z", "mid=y", "zone=b"]
        );
        assert_eq!(
            (sorted.len(), sorted.get("mid").map(String::as_str), sorted.get("nope")),
            (3, Some("y"), None)
        );
        assert_eq!(format!("{sorted:?}"), format!("{btree:?}"));
        let from_value: SortedMap<String, serde_json::Value> =
            serde_json::from_value(json!({"b": 1, "a": [2]})).unwrap();
        assert_eq!(serde_json::to_value(&from_value).unwrap(), json!({"a": [2], "b": 1}));
        let err = serde_json::from_value::<SortedMap<String, String>>(json!([1])).unwrap_err().to_string();
        let btree_err =
            serde_json::from_value::<BTreeMap<String, String>>(json!([1])).unwrap_err().to_string();
        assert_eq!(err, btree_err);
        let schema = |s: schemars::Schema| serde_json::to_string(&s).unwrap();
        assert_eq!(
            schema(schemars::schema_for!(SortedMap<String, serde_json::Value>)),
            schema(schemars::schema_for!(BTreeMap<String, serde_json::Value>))
        );
    }

    #[test]
    fn durations_in_both_forms() {
        let s = |t: &str| Duration::parse(t).map(|d| d.seconds);
        assert_eq!(s("4h"), Some(14_400));
        assert_eq!(s("1h30m"), Some(5_400));
        assert_eq!(s("2d"), Some(172_800));
        assert_eq!(s("PT4H"), Some(14_400));
        assert_eq!(s("P1DT12H"), Some(129_600));
        assert_eq!(s("P2W"), Some(1_209_600));
        for bad in ["", "4", "h", "30m1h", "4hh", "P", "PT", "0h", "-4h", "4 h", "99999999999999999999h"] {
            assert_eq!(s(bad), None, "{bad}");
        }
        assert_eq!(Duration::parse("90m").unwrap().to_string(), "1h30m");
    }
}
