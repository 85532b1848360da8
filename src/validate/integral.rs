//! JSON Schema's integers, for serde: `tier: 1.0` is an integer to the schema (JSON Schema
//! 2020-12 counts any number with a zero fractional part), so cairn takes it as one too.
//!
//! YAML reads `1.0` as a float, and serde will not put a float into a `u8`. Rather than mark
//! every integer field of the model, [`typed`] retries a failed deserialisation after turning
//! the integral float it failed on into an integer. Floats elsewhere (`attributes: {version:
//! 1.0}`, SLA targets) are left as written, and a document without integral floats, nearly
//! every one, is deserialised once, as before.

use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// Deserialises `value`, taking integral floats where serde wants integers. The error is the
/// first one that is not about an integral float.
pub(super) fn typed<T: DeserializeOwned>(
    value: Value,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    let mut budget = integral_floats(&value);
    if budget == 0 {
        return serde_path_to_error::deserialize(value);
    }
    let mut value = value;
    loop {
        let error = match serde_path_to_error::deserialize(value.clone()) {
            Ok(typed) => return Ok(typed),
            Err(e) => e,
        };
        let pointer = pointer(error.path());
        let Some(slot) = value.pointer_mut(&pointer) else { return Err(error) };
        let Some(integer) = as_integer(slot) else { return Err(error) };
        if budget == 0 {
            return Err(error);
        }
        budget -= 1;
        *slot = Value::Number(integer);
    }
}

/// How many numbers in `value` are floats with no fractional part (iteratively: documents may
/// be deep).
fn integral_floats(value: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Number(_) => count += usize::from(as_integer(value).is_some()),
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// The integer an integral float stands for, when it fits one.
fn as_integer(value: &Value) -> Option<Number> {
    let Value::Number(n) = value else { return None };
    if !n.is_f64() {
        return None;
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 {
        return None;
    }
    // Exactly representable range only: beyond 2^53 a float no longer names one integer.
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    if (0.0..=LIMIT).contains(&f) {
        Some(Number::from(f as u64))
    } else if (-LIMIT..0.0).contains(&f) {
        Some(Number::from(f as i64))
    } else {
        None
    }
}

/// The JSON pointer of a serde path, relative to the deserialised value.
pub(super) fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Spec {
        tier: u8,
        tiers: Vec<u32>,
        target: f64,
        attributes: serde_json::Map<String, Value>,
    }

    #[test]
    fn integral_floats_are_integers_where_integers_are_wanted() {
        let value = json!({"tier": 1.0, "tiers": [2.0, 3], "target": 99.0, "attributes": {"version": 1.0}});
        let spec: Spec = typed(value).unwrap();
        assert_eq!((spec.tier, spec.tiers), (1, vec![2, 3]));
        assert_eq!(spec.target, 99.0);
        // Free-form values keep the number as written.
        assert_eq!(spec.attributes["version"], json!(1.0));
    }

    #[test]
    fn other_errors_are_kept() {
        let error =
            typed::<Spec>(json!({"tier": 1.5, "tiers": [], "target": 1, "attributes": {}})).unwrap_err();
        assert_eq!(error.path().to_string(), "tier");
        let error =
            typed::<Spec>(json!({"tier": 300.0, "tiers": [], "target": 1, "attributes": {}})).unwrap_err();
        assert_eq!(error.path().to_string(), "tier");
        let error =
            typed::<Spec>(json!({"tier": 1.0, "tiers": ["x"], "target": 1, "attributes": {}})).unwrap_err();
        assert_eq!(error.path().to_string(), "tiers[0]");
    }
}
