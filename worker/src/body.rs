//! Reading a JSON request body into a wire type.

use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

/// Reads `bytes` as `T`. A number written with a zero fraction (`481.0`) is the whole number
/// it equals, as JSON Schema counts it an integer: the OpenAPI document's `integer` allows it,
/// so the Worker does too. Any other number where a whole one belongs is refused as before.
///
/// A tag that names a variant (`"command"`, `"plan"`, `"kind"`) must be its name: serde would
/// also read a number there as the variant's position, which the API does not offer. Bodies of
/// up to 64 KB are checked (every body with a tag; a 5 MB import has none).
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    let value: T = read_numbers(bytes)?;
    if bytes.len() <= 64 * 1024
        && let Ok(tree) = serde_json::from_slice::<Value>(bytes)
        && let Some(tag) = numbered_tag(&tree)
    {
        return Err(serde::de::Error::custom(format!(
            "\"{tag}\" names a kind by its name, not a number"
        )));
    }
    Ok(value)
}

/// The tags of the wire's tagged types.
const TAGS: [&str; 3] = ["command", "plan", "kind"];

/// The first tag in `value` that holds a number.
fn numbered_tag(value: &Value) -> Option<&'static str> {
    match value {
        Value::Object(map) => TAGS
            .into_iter()
            .find(|tag| map.get(*tag).is_some_and(Value::is_number))
            .or_else(|| map.values().find_map(numbered_tag)),
        Value::Array(items) => items.iter().find_map(numbered_tag),
        _ => None,
    }
}

fn read_numbers<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes).or_else(|first| {
        // Only a body that failed is read again, so a well-formed one costs one parse.
        let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
            return Err(first);
        };
        if !whole_numbers(&mut value) {
            return Err(first);
        }
        // Read again from text, not from the value: `from_value` would build a second reader
        // of every body type into the Worker's WebAssembly (about 300 KB).
        let text = serde_json::to_vec(&value).map_err(|_| first)?;
        serde_json::from_slice(&text)
    })
}

/// Writes every integral float in `value` as an integer; whether there was one.
fn whole_numbers(value: &mut Value) -> bool {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // 2^53: beyond it a float no longer says which integer it is.
            if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 {
                *n = Number::from(f as i64);
                true
            } else {
                false
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, v| whole_numbers(v) | any),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |any, v| whole_numbers(v) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Span {
        start: u16,
        end: i64,
        #[serde(default)]
        ratio: Option<f64>,
    }

    #[test]
    fn a_whole_number_written_with_a_fraction_of_zero_is_that_number() {
        let span: Span = read(br#"{"start": 481.0, "end": -3.0}"#).unwrap();
        assert_eq!((span.start, span.end), (481, -3));
    }

    #[test]
    fn a_fraction_or_a_number_out_of_range_is_still_refused() {
        let error = read::<Span>(br#"{"start": 481.5, "end": 1}"#).unwrap_err();
        assert!(error.to_string().contains("481.5"), "{error}");
        assert!(read::<Span>(br#"{"start": 70000.0, "end": 1}"#).is_err());
        assert!(read::<Span>(br#"{"start": 1, "end": 1e300}"#).is_err());
    }

    #[test]
    fn floats_stay_floats_where_floats_belong() {
        let span: Span = read(br#"{"start": 1, "end": 2.0, "ratio": 0.5}"#).unwrap();
        assert_eq!(span.ratio, Some(0.5));
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(tag = "plan", rename_all = "snake_case")]
    enum Plan {
        Solo,
        Unlimited,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(tag = "command", rename_all = "snake_case")]
    enum Command {
        ChangePlan { plan: Plan },
    }

    /// Inside another tagged type, serde reads a buffered tag that is a number as a variant's
    /// position (`0`, Solo); `read` refuses it.
    #[test]
    fn a_tag_is_a_name_never_a_position() {
        let named = read::<Command>(br#"{"command": "change_plan", "plan": {"plan": "solo"}}"#);
        assert_eq!(named.unwrap(), Command::ChangePlan { plan: Plan::Solo });
        let numbered = br#"{"command": "change_plan", "plan": {"plan": 1}}"#;
        assert!(
            serde_json::from_slice::<Command>(numbered).is_ok(),
            "serde reads it"
        );
        let error = read::<Command>(numbered).unwrap_err();
        assert!(error.to_string().contains("by its name"), "{error}");
    }

    #[test]
    fn malformed_json_says_so() {
        let error = read::<Span>(b"{\"start\": ").unwrap_err();
        assert!(error.is_eof());
    }
}
