//! Scalars typed by the YAML 1.2 core schema (`yes`/`on` stay strings), and tags.

use super::*;

pub(super) const CORE: &str = "tag:yaml.org,2002:";

pub(super) fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn as_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

pub(super) fn digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

pub(super) fn float_value(f: f64, written: &str) -> Value {
    Number::from_f64(f).map_or_else(|| Value::String(written.to_string()), Value::Number)
}

/// Core-schema integer: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
pub(super) fn as_int(s: &str) -> Option<Value> {
    let radix = |body: &str, radix: u32| {
        if !digits(body, radix) {
            return None;
        }
        Some(match u64::from_str_radix(body, radix) {
            Ok(n) => Value::from(n),
            Err(_) => {
                let f = body
                    .chars()
                    .filter_map(|c| c.to_digit(radix))
                    .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d));
                float_value(f, s)
            }
        })
    };
    if let Some(hex) = s.strip_prefix("0x") {
        return radix(hex, 16);
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return radix(oct, 8);
    }
    if !digits(s.strip_prefix(['-', '+']).unwrap_or(s), 10) {
        return None;
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(Value::from(n));
    }
    if let Ok(n) = s.parse::<u64>() {
        return Some(Value::from(n));
    }
    Some(float_value(s.parse::<f64>().unwrap_or(f64::INFINITY), s))
}

/// Core-schema float: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `.inf`, `.nan`.
/// Infinities and NaN cannot be JSON numbers: they stay the string as written.
pub(super) fn as_float(s: &str) -> Option<Value> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(Value::String(s.to_string()));
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, frac) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let ok_mantissa = match frac {
        None => digits(whole, 10),
        Some(frac) if whole.is_empty() => digits(frac, 10),
        Some(frac) => digits(whole, 10) && (frac.is_empty() || digits(frac, 10)),
    };
    let ok_exponent = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !(ok_mantissa && ok_exponent) {
        return None;
    }
    Some(float_value(s.parse::<f64>().ok()?, s))
}

/// Scalar text as an owned string of its own size. saphyr-parser reserves room for at least 128
/// more bytes on every plain scalar it scans; kept as is, each name or label that ends up in an
/// entity would hold ~160 bytes for a dozen characters.
pub(super) fn owned(text: Cow<str>) -> String {
    let mut text = text.into_owned();
    text.shrink_to_fit();
    text
}

pub(super) fn plain(s: Cow<str>) -> Value {
    if is_null(&s) {
        Value::Null
    } else if let Some(b) = as_bool(&s) {
        Value::Bool(b)
    } else {
        as_int(&s).or_else(|| as_float(&s)).unwrap_or_else(|| Value::String(owned(s)))
    }
}

/// How a tag is written in messages.
pub(super) fn tag_name(tag: &Tag) -> String {
    if tag.handle == CORE {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("!<{}{}>", tag.handle, tag.suffix)
    }
}

/// The value of a scalar, and the problem with its tag if any.
pub(super) fn scalar(text: Cow<str>, style: ScalarStyle, tag: Option<&Tag>) -> (Value, Option<String>) {
    let untagged = |text: Cow<str>| {
        if style == ScalarStyle::Plain {
            plain(text)
        } else {
            Value::String(owned(text))
        }
    };
    let Some(tag) = tag else {
        return (untagged(text), None);
    };
    if tag.handle.is_empty() && tag.suffix == "!" {
        return (Value::String(text.to_string()), None);
    }
    if tag.handle != CORE {
        return (untagged(text), Some(format!("custom tags are not supported: `{}`", tag_name(tag))));
    }
    let typed = match tag.suffix.as_str() {
        "str" => return (Value::String(owned(text)), None),
        "null" => is_null(&text).then_some(Value::Null),
        "bool" => as_bool(&text).map(Value::Bool),
        "int" => as_int(&text),
        "float" => as_float(&text).or_else(|| {
            as_int(&text).map(|v| v.as_f64().map_or_else(|| v.clone(), |f| float_value(f, &text)))
        }),
        "map" | "seq" => None,
        other => {
            let msg = format!("tag `!!{other}` is not supported");
            return (untagged(text), Some(msg));
        }
    };
    match typed {
        Some(v) => (v, None),
        None => (untagged(text), Some(format!("value does not fit its tag `{}`", tag_name(tag)))),
    }
}

/// The problem with a mapping's or sequence's tag, if any.
pub(super) fn collection_tag_problem(tag: Option<&Tag>, mapping: bool) -> Option<String> {
    let tag = tag?;
    let fits = (tag.handle.is_empty() && tag.suffix == "!")
        || (tag.handle == CORE && tag.suffix == if mapping { "map" } else { "seq" });
    if fits {
        None
    } else if tag.handle == CORE
        && matches!(tag.suffix.as_str(), "str" | "int" | "float" | "bool" | "null" | "map" | "seq")
    {
        Some(format!("value does not fit its tag `{}`", tag_name(tag)))
    } else if tag.handle == CORE {
        Some(format!("tag `{}` is not supported", tag_name(tag)))
    } else {
        Some(format!("custom tags are not supported: `{}`", tag_name(tag)))
    }
}
