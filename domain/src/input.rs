//! Values people and scripts send, parsed once into types that cannot be wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A name of a person, a node or a role: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Name(String);

/// Why a string is not a [`Name`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("enter a name")]
    Empty,
    #[error("a name has at most {} characters", Name::MAX)]
    TooLong,
    #[error("a name cannot contain control characters")]
    Control,
}

impl Name {
    /// The longest name, in characters.
    pub const MAX: usize = 100;

    /// Parses a name.
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NameError::Empty);
        }
        if trimmed.chars().count() > Self::MAX {
            return Err(NameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(NameError::Control);
        }
        Ok(Name(trimmed.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Name::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// A password that meets R22: 8 to 128 characters with a letter, a digit and an upper-case
/// letter. It is never serialized, logged or shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a string is not an acceptable [`Password`] (R22).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has at least 8 characters")]
    TooShort,
    #[error("a password has at most 128 characters")]
    TooLong,
    #[error("a password needs at least one letter, one digit and one upper-case letter")]
    TooSimple,
}

impl Password {
    /// Parses a new password under R22.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let length = input.chars().count();
        if length < 8 {
            return Err(PasswordError::TooShort);
        }
        if length > 128 {
            return Err(PasswordError::TooLong);
        }
        let letter = input.chars().any(char::is_alphabetic);
        let digit = input.chars().any(|c| c.is_ascii_digit());
        let upper = input.chars().any(char::is_uppercase);
        if !(letter && digit && upper) {
            return Err(PasswordError::TooSimple);
        }
        Ok(Password(input.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(••••)")
    }
}

/// A phone number in E.164 form: `+`, a country code, at most 15 digits in all.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct E164(String);

/// Why a string is not an [`E164`] number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum E164Error {
    #[error("a phone number starts with + and its country code, like +14155550123")]
    NoPlus,
    #[error("a phone number has 8 to 15 digits after the +")]
    Length,
    #[error("a phone number has only digits after the +")]
    NotDigits,
    #[error("no country code starts with 0")]
    ZeroCountryCode,
}

impl E164 {
    /// Parses a number, allowing the spaces, dots, dashes and parentheses people type.
    pub fn parse(input: &str) -> Result<Self, E164Error> {
        let rest = input.trim().strip_prefix('+').ok_or(E164Error::NoPlus)?;
        let mut digits = String::with_capacity(15);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(E164Error::NotDigits),
            }
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(E164Error::Length);
        }
        if digits.starts_with('0') {
            return Err(E164Error::ZeroCountryCode);
        }
        Ok(E164(format!("+{digits}")))
    }

    /// The number as `+` and digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for E164 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        E164::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert_eq!(Name::parse("   "), Err(NameError::Empty));
        assert_eq!(Name::parse(&"x".repeat(101)), Err(NameError::TooLong));
        assert_eq!(Name::parse("a\u{0}b"), Err(NameError::Control));
        assert!(
            Name::parse(&"é".repeat(100)).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn r22_passwords_need_length_letters_digits_and_an_upper_case_letter() {
        assert!(Password::parse("Switchboard1").is_ok());
        assert_eq!(Password::parse("Sh0rt"), Err(PasswordError::TooShort));
        assert_eq!(
            Password::parse("alllowercase1"),
            Err(PasswordError::TooSimple)
        );
        assert_eq!(
            Password::parse("NoDigitsHere"),
            Err(PasswordError::TooSimple)
        );
        assert_eq!(Password::parse("12345678A").map(|_| ()), Ok(()));
        assert_eq!(
            Password::parse(&format!("A1{}", "a".repeat(127))),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            format!("{:?}", Password::parse("Secret-pass1").unwrap()),
            "Password(••••)"
        );
    }

    #[test]
    fn e164_numbers_are_normalised() {
        assert_eq!(
            E164::parse("+1 (415) 555-0123").unwrap().as_str(),
            "+14155550123"
        );
        assert_eq!(E164::parse("4155550123"), Err(E164Error::NoPlus));
        assert_eq!(E164::parse("+1415"), Err(E164Error::Length));
        assert_eq!(E164::parse("+1234567890123456"), Err(E164Error::Length));
        assert_eq!(E164::parse("+1415555012a"), Err(E164Error::NotDigits));
        assert_eq!(E164::parse("+04155550123"), Err(E164Error::ZeroCountryCode));
    }
}
