//! The Worker's one error type, answered as `application/problem+json` (RFC 9457).
//!
//! Internal failures are logged with their cause and answered with a fixed sentence: no SQL,
//! stack or data of another agency ever reaches a client.

use domain::api::{FieldError, Problem};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not the JSON this route reads.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The JSON is well formed but some fields are not acceptable.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// No valid session or token.
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    /// A rule of PRODUCT.md refuses the request.
    #[error("forbidden by {rule}: {reason}")]
    Forbidden { rule: &'static str, reason: String },
    /// A cross-site request that carried the session cookie.
    #[error("cross-site request refused")]
    CrossSite,
    /// No such route, or no such thing in the caller's agency (R2).
    #[error("not found")]
    NotFound,
    /// `domain` refused the command: the rule and the plain-words reason.
    #[error("refused: {0}")]
    Refused(domain::Refusal),
    /// The request contradicts the current state.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("method not allowed")]
    MethodNotAllowed(Vec<&'static str>),
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The password was right; the authenticator code is missing.
    #[error("code required")]
    CodeRequired,
    /// The thing existed but is gone for good (a used or replaced link).
    #[error("gone")]
    Gone(&'static str),
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// A failure of ours or of the platform; the cause is logged, never sent.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    /// A single invalid field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Malformed(_) => 400,
            ApiError::Invalid(_) => 422,
            ApiError::Unauthenticated(_) => 401,
            ApiError::Forbidden { .. } | ApiError::CrossSite => 403,
            ApiError::NotFound => 404,
            ApiError::Conflict(_) => 409,
            // R2: another agency's id is answered as one that never existed (see `domain`).
            ApiError::Refused(refusal) => Problem::from(refusal).status,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::Gone(_) => 410,
            ApiError::CodeRequired => 401,
            ApiError::Internal(_) => 500,
        }
    }

    /// The problem document sent to the client.
    pub fn problem(&self) -> Problem {
        let mut rule = None;
        let (title, detail, errors) = match self {
            // `domain` words its refusals, so the console shows the same on the device.
            ApiError::Refused(refusal) => return Problem::from(refusal),
            ApiError::Malformed(why) => (
                "Malformed request",
                format!("The request body could not be read: {why}."),
                vec![],
            ),
            ApiError::Invalid(fields) => (
                "Invalid request",
                "Some fields are not acceptable; see errors.".to_owned(),
                fields.clone(),
            ),
            ApiError::Unauthenticated(why) => ("Unauthorized", (*why).to_owned(), vec![]),
            ApiError::Forbidden {
                rule: which,
                reason,
            } => {
                rule = Some((*which).to_owned());
                ("Forbidden", reason.clone(), vec![])
            }
            ApiError::CrossSite => (
                "Forbidden",
                "This request came from another site and was refused.".to_owned(),
                vec![],
            ),
            ApiError::NotFound => (
                "Not found",
                "There is nothing at this address.".to_owned(),
                vec![],
            ),
            ApiError::Conflict(why) => ("Conflict", why.clone(), vec![]),
            ApiError::Gone(why) => ("Gone", (*why).to_owned(), vec![]),
            ApiError::CodeRequired => (
                "Code required",
                "Enter the 6-digit code from your authenticator app.".to_owned(),
                vec![FieldError {
                    field: "code".into(),
                    message: "enter the 6-digit code from your authenticator app".into(),
                }],
            ),
            ApiError::TooManyRequests { retry_after_secs } => (
                "Too many attempts",
                format!(
                    "Too many failed sign-ins; try again in {} minutes.",
                    retry_after_secs.div_ceil(60).max(1)
                ),
                vec![],
            ),
            ApiError::MethodNotAllowed(allowed) => (
                "Method not allowed",
                format!("This address answers {}.", allowed.join(", ")),
                vec![],
            ),
            ApiError::PayloadTooLarge { limit } => (
                "Payload too large",
                format!("A request body may have at most {limit} bytes."),
                vec![],
            ),
            ApiError::UnsupportedMediaType => (
                "Unsupported media type",
                "Send the body as application/json.".to_owned(),
                vec![],
            ),
            ApiError::Internal(_) => (
                "Internal error",
                "Something went wrong on our side; nothing was changed. Try again.".to_owned(),
                vec![],
            ),
        };
        Problem {
            kind: "about:blank".to_owned(),
            title: title.to_owned(),
            status: self.status(),
            detail,
            rule,
            errors,
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl From<worker::Error> for ApiError {
    fn from(error: worker::Error) -> Self {
        ApiError::Internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Rule;

    #[test]
    fn a_refusal_says_why_in_words_and_names_its_rule_beside() {
        let problem = ApiError::Forbidden {
            rule: "R10",
            reason: "Managers act only inside the accounts assigned to them".into(),
        }
        .problem();
        assert_eq!(problem.status, 403);
        assert_eq!(
            problem.detail,
            "Managers act only inside the accounts assigned to them"
        );
        assert_eq!(problem.rule.as_deref(), Some("R10"));
    }

    #[test]
    fn refusals_map_to_statuses_and_r2_reads_as_not_found() {
        let refusal = |rule| {
            ApiError::Refused(domain::Refusal {
                rule,
                reason: "why".into(),
            })
        };
        assert_eq!(refusal(Rule::R10).status(), 403);
        assert_eq!(refusal(Rule::R10).problem().detail, "why");
        assert_eq!(refusal(Rule::R10).problem().rule.as_deref(), Some("R10"));
        assert_eq!(refusal(Rule::Conflict).status(), 409);
        assert_eq!(refusal(Rule::Input).status(), 422);
        let hidden = refusal(Rule::R2).problem();
        assert_eq!(hidden.status, 404);
        assert_eq!(hidden.rule, None, "R2 says nothing, not even its name");
        assert_eq!(
            hidden.detail,
            ApiError::NotFound.problem().detail,
            "exactly as a missing id"
        );
    }

    #[test]
    fn internal_causes_never_reach_the_client() {
        let problem = ApiError::Internal("D1_ERROR: no such table: users".into()).problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.contains("D1"));
    }

    #[test]
    fn invalid_fields_are_listed_one_by_one() {
        let problem = ApiError::field("email", "enter an e-mail address").problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "email");
    }
}
