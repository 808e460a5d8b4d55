//! E-mail addresses, parsed once at the edge.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest address SMTP can carry (RFC 5321, 4.5.3.1.3), counted in characters as the
/// API's JSON Schema counts a string's length.
pub const MAX_LEN: usize = 254;
/// The longest part before the `@`, in characters.
pub const MAX_LOCAL_LEN: usize = 64;

/// A syntactically valid e-mail address, stored in lower case so that comparisons and the
/// unique index in storage agree on what "the same address" means.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why a string is not an [`Email`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an e-mail address")]
    Empty,
    #[error("an e-mail address has at most {MAX_LEN} characters")]
    TooLong,
    #[error("an e-mail address looks like name@example.com")]
    Malformed,
}

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces or
    /// control characters. Surrounding white space is ignored.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = trimmed.split_once('@').ok_or(EmailError::Malformed)?;
        let well_formed = !local.is_empty()
            && local.chars().count() <= MAX_LOCAL_LEN
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && trimmed
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '<' && c != '>');
        if !well_formed {
            return Err(EmailError::Malformed);
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Email::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("no-at-sign"), Err(EmailError::Malformed));
        assert_eq!(Email::parse("a@b@c.com"), Err(EmailError::Malformed));
        assert_eq!(Email::parse("a@localhost"), Err(EmailError::Malformed));
        assert_eq!(Email::parse("a b@c.com"), Err(EmailError::Malformed));
        assert_eq!(Email::parse("a@c..com"), Err(EmailError::Malformed));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn deserializing_parses() {
        let ok: Email = serde_json::from_str("\"X@Y.io\"").unwrap();
        assert_eq!(ok.as_str(), "x@y.io");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
