//! Building blocks shared by several kinds: metadata, contacts, links, durations, environments.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Free tags, e.g. `[payments]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Links to runbooks, dashboards, repositories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
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
    use super::Duration;

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
