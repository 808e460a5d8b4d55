//! The answer to a request that failed: `application/problem+json` (RFC 9457), and the HTTP
//! status each kind of refusal is answered with.

use serde::{Deserialize, Serialize};

use crate::rule::{Refusal, Rule};

/// An error answer, `application/problem+json` (RFC 9457).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words for a person.
    pub detail: String,
    /// The rule of PRODUCT.md that refused the request (`R10`, …), when one did: for logs,
    /// scripts and a small "why" beside the sentence, never the sentence itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// One message per invalid field, for 400 and 422 answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// What is wrong with one field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl From<&Refusal> for Problem {
    /// The refusal as the API answers it (RFC 9457): 403 with the reason in words and the rule
    /// in `rule`, 409 for a conflict, 422 for bad input, and for R2 exactly the answer of an id
    /// that never existed.
    fn from(refusal: &Refusal) -> Problem {
        let (status, title) = match refusal.rule {
            Rule::R2 => {
                return Problem {
                    kind: "about:blank".to_owned(),
                    title: "Not found".to_owned(),
                    status: 404,
                    detail: "There is nothing at this address.".to_owned(),
                    rule: None,
                    errors: Vec::new(),
                };
            }
            Rule::Conflict => (409, "Conflict"),
            Rule::Input => (422, "Invalid request"),
            _ => (403, "Forbidden"),
        };
        // The sentence is for a person; the rule it applies rides beside it.
        Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status,
            detail: refusal.reason.clone(),
            rule: Some(refusal.rule.to_string()),
            errors: Vec::new(),
        }
    }
}
