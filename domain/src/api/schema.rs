//! The JSON Schema of the values `domain` parses by hand (with the `openapi` feature).
//!
//! Every other wire type derives its schema from its serde attributes. These few read a
//! string and check it themselves, so their schema says in JSON Schema what their parser
//! accepts: the OpenAPI document then refuses what the Worker refuses, and allows what it
//! allows.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::access::{Capability, CapabilitySet};
use crate::agent::{Country, TimeZone, WeeklyHours};
use crate::email::{Email, MAX_LEN, MAX_LOCAL_LEN};
use crate::input::{E164, Name};

/// The characters `char::is_control` names, as a regular expression class body.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// The pattern of a [`Name`]: no control character, and something besides white space.
pub fn name_pattern() -> String {
    format!(r"^[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$")
}

/// The pattern of an [`Email`]: a local part, an `@`, and a domain of two or more labels.
pub fn email_pattern() -> String {
    let part = format!(r"[^@\s<>{CONTROL}]");
    let label = format!(r"[^@.\s<>{CONTROL}]+");
    format!(r"^{part}{{1,{MAX_LOCAL_LEN}}}@{label}(\.{label})+$")
}

impl JsonSchema for Name {
    fn schema_name() -> Cow<'static, str> {
        "Name".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A name: 1 to 100 characters once trimmed, no control characters.",
            "minLength": 1,
            "maxLength": Name::MAX,
            "pattern": name_pattern(),
        })
    }
}

impl JsonSchema for Email {
    fn schema_name() -> Cow<'static, str> {
        "Email".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An e-mail address; stored in lower case.",
            "minLength": 3,
            "maxLength": MAX_LEN,
            "pattern": email_pattern(),
        })
    }
}

impl JsonSchema for E164 {
    fn schema_name() -> Cow<'static, str> {
        "E164".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A phone number in E.164 form: + and 8 to 15 digits.",
            "pattern": r"^\+[1-9][0-9]{7,14}$",
        })
    }
}

impl JsonSchema for TimeZone {
    fn schema_name() -> Cow<'static, str> {
        "TimeZone".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A time zone of the IANA database, like America/New_York.",
            "enum": TimeZone::names().collect::<Vec<_>>(),
        })
    }
}

impl JsonSchema for Country {
    fn schema_name() -> Cow<'static, str> {
        "Country".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A country as two letters (ISO 3166-1 alpha-2), like US or GB.",
            "pattern": "^[A-Za-z]{2}$",
        })
    }
}

impl JsonSchema for WeeklyHours {
    fn schema_name() -> Cow<'static, str> {
        "WeeklyHours".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let span = generator.subschema_for::<crate::agent::Span>();
        json_schema!({
            "type": "object",
            "description": "Seven days, Monday first, each a list of spans in minutes after \
                            midnight; a day's spans may not overlap.",
            "properties": {
                "days": {
                    "type": "array",
                    "minItems": 7,
                    "maxItems": 7,
                    "items": { "type": "array", "items": span },
                },
            },
            "required": ["days"],
        })
    }
}

impl JsonSchema for Capability {
    fn schema_name() -> Cow<'static, str> {
        "Capability".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "What a role allows, as PRODUCT.md names it.",
            "enum": Capability::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        })
    }
}

impl JsonSchema for CapabilitySet {
    fn schema_name() -> Cow<'static, str> {
        "CapabilitySet".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let capability = generator.subschema_for::<Capability>();
        json_schema!({
            "type": "array",
            "items": capability,
        })
    }
}
