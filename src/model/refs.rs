//! Typed references between entities (`kind:name`, or a bare `name` where one kind fits).
//!
//! The set of kinds a field admits is part of its type (`Ref<Team>`, `Ref<ServiceOrCi>`), so the
//! schema pattern, the parser and the cross-file resolver can never disagree about it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::kind::Kind;
use super::NAME_PATTERN_BODY;

/// A reference to an entity: its kind and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityRef {
    pub kind: Kind,
    pub name: String,
}

impl EntityRef {
    pub fn new(kind: Kind, name: impl Into<String>) -> EntityRef {
        EntityRef { kind, name: name.into() }
    }

    /// Parses `kind:name` (any short kind) into a reference.
    pub fn parse(text: &str) -> Option<EntityRef> {
        let (kind, name) = text.split_once(':')?;
        let kind = Kind::from_short(kind)?;
        is_valid_name(name).then(|| EntityRef::new(kind, name))
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.short(), self.name)
    }
}

impl Serialize for EntityRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Whether `name` is a valid entity name: `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let ok_end = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 63
        && ok_end(bytes[0])
        && ok_end(bytes[bytes.len() - 1])
        && bytes.iter().all(|&b| ok_end(b) || b == b'-')
}

/// The kinds a reference field admits.
pub trait Targets {
    const KINDS: &'static [Kind];
    /// Name of the schema definition, e.g. `TeamRef`.
    const SCHEMA_NAME: &'static str;
}

macro_rules! targets {
    ($($name:ident => $schema:literal [$($kind:ident),+];)+) => {$(
        #[doc = concat!("Marker for references that admit: ", $(stringify!($kind), " "),+)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name;
        impl Targets for $name {
            const KINDS: &'static [Kind] = &[$(Kind::$kind),+];
            const SCHEMA_NAME: &'static str = $schema;
        }
    )+};
}

targets! {
    ToTeam => "TeamRef" [Team];
    ToService => "ServiceRef" [Service];
    ToCi => "CiRef" [ConfigurationItem];
    ToCatalog => "CatalogRef" [CatalogItem];
    ToSla => "SlaRef" [Sla];
    ToChange => "ChangeRef" [ChangeRequest];
    ToWindow => "WindowRef" [Window];
    ToServiceOrCi => "ServiceOrCiRef" [Service, ConfigurationItem];
}

/// A reference whose admissible kinds are fixed by `T`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ref<T> {
    pub target: EntityRef,
    _kinds: PhantomData<T>,
}

impl<T: Targets> Ref<T> {
    /// Parses a reference as written in YAML, checking the kind is admissible.
    pub fn parse(text: &str) -> Result<Ref<T>, String> {
        let target = match text.split_once(':') {
            Some((short, name)) => {
                let kind = Kind::from_short(short).ok_or_else(|| unknown_kind_message::<T>(short))?;
                if !T::KINDS.contains(&kind) {
                    return Err(format!("a `{}` reference is not allowed here; {}", short, expected::<T>()));
                }
                EntityRef::new(kind, name)
            }
            None if T::KINDS.len() == 1 => EntityRef::new(T::KINDS[0], text),
            None => return Err(format!("`{text}` needs a kind prefix; {}", expected::<T>())),
        };
        if !is_valid_name(&target.name) {
            return Err(format!("`{}` is not a valid entity name", target.name));
        }
        Ok(Ref { target, _kinds: PhantomData })
    }

    pub fn kind(&self) -> Kind {
        self.target.kind
    }

    pub fn name(&self) -> &str {
        &self.target.name
    }

    /// The regular expression the schema uses for this reference.
    pub fn pattern() -> String {
        let shorts: Vec<&str> = T::KINDS.iter().map(|k| k.short()).collect();
        let prefix = format!("(?:{}):", shorts.join("|"));
        let prefix = if T::KINDS.len() == 1 { format!("(?:{prefix})?") } else { prefix };
        format!("^{prefix}{NAME_PATTERN_BODY}$")
    }
}

fn expected<T: Targets>() -> String {
    let forms: Vec<String> = T::KINDS.iter().map(|k| format!("`{}:NAME`", k.short())).collect();
    if T::KINDS.len() == 1 {
        format!("expected {} or a bare `NAME`", forms[0])
    } else {
        format!("expected one of {}", forms.join(", "))
    }
}

fn unknown_kind_message<T: Targets>(short: &str) -> String {
    format!("`{short}` is not a kind; {}", expected::<T>())
}

impl<T> fmt::Display for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.target.fmt(f)
    }
}

impl<T> Serialize for Ref<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.target.serialize(s)
    }
}

impl<'de, T: Targets> Deserialize<'de> for Ref<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(d)?;
        Ref::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl<T: Targets> JsonSchema for Ref<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(T::SCHEMA_NAME)
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let shorts: Vec<&str> = T::KINDS.iter().map(|k| k.short()).collect();
        let description = if T::KINDS.len() == 1 {
            format!("A reference to a {} entity: `{}:NAME` or just `NAME`.", T::KINDS[0].name(), shorts[0])
        } else {
            format!("A reference written `kind:NAME`, where kind is one of: {}.", shorts.join(", "))
        };
        json_schema!({
            "type": "string",
            "pattern": Self::pattern(),
            "description": description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_only_where_one_kind_fits() {
        assert_eq!(Ref::<ToTeam>::parse("sre").unwrap().to_string(), "team:sre");
        assert_eq!(Ref::<ToTeam>::parse("team:sre").unwrap().to_string(), "team:sre");
        assert!(Ref::<ToServiceOrCi>::parse("pg-main").unwrap_err().contains("kind prefix"));
        assert_eq!(Ref::<ToServiceOrCi>::parse("ci:pg-main").unwrap().kind(), Kind::ConfigurationItem);
        assert!(Ref::<ToTeam>::parse("service:x").unwrap_err().contains("not allowed"));
        assert!(Ref::<ToTeam>::parse("Team:x").is_err());
        assert!(Ref::<ToTeam>::parse("bad_name").is_err());
    }

    #[test]
    fn names_follow_the_dns_label_rule() {
        assert!(is_valid_name("a"));
        assert!(is_valid_name("chg-2026-0042"));
        assert!(!is_valid_name("-a"));
        assert!(!is_valid_name("a-"));
        assert!(!is_valid_name("Aa"));
        assert!(!is_valid_name(&"a".repeat(64)));
        assert!(is_valid_name(&"a".repeat(63)));
    }

    #[test]
    fn pattern_matches_the_parser() {
        assert_eq!(Ref::<ToTeam>::pattern(), format!("^(?:(?:team):)?{NAME_PATTERN_BODY}$"));
        assert_eq!(Ref::<ToServiceOrCi>::pattern(), format!("^(?:service|ci):{NAME_PATTERN_BODY}$"));
    }
}
