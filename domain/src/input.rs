//! Values people and scripts send, parsed once into types that cannot be wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest id.
pub const MAX_ID: usize = 100;

/// Whether `id` is an id: 1 to [`MAX_ID`] ASCII letters, digits, '-' or '_'. A node's id is a
/// step of its path (`/root/…/node/`), where being inside a node means starting with its
/// path: an id holding a '/' would put a node inside one it is not under. Every id type reads
/// only these from the wire.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What [`valid_id`] accepts, as the API's JSON Schema states it.
pub const ID_PATTERN: &str = r"^[A-Za-z0-9_-]{1,100}$";

/// Reads an id from the wire, refusing what [`valid_id`] refuses.
pub fn deserialize_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    let id = String::deserialize(deserializer)?;
    if valid_id(&id) {
        Ok(id)
    } else {
        Err(serde::de::Error::custom(format!(
            "{id:?} is not an id: an id is 1 to {MAX_ID} letters, digits, '-' or '_'"
        )))
    }
}

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
    #[error("a password has at least {} characters", Password::MIN)]
    TooShort,
    #[error("a password has at most {} characters", Password::MAX)]
    TooLong,
    #[error("a password needs at least one letter, one digit and one upper-case letter")]
    TooSimple,
}

impl Password {
    /// The shortest password, in characters (R22).
    pub const MIN: usize = 8;
    /// The longest password, in characters (R22).
    pub const MAX: usize = 128;

    /// Parses a new password under R22.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let length = input.chars().count();
        if length < Self::MIN {
            return Err(PasswordError::TooShort);
        }
        if length > Self::MAX {
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

/// How a name sorts and is searched for: ASCII letters in lower case, each accented Latin
/// letter as its plain letter or letters ("Émile" as "emile", "Straße" as "strasse"), every
/// other character as it is. D1 computes the same key in the `users.name_key` column with
/// [`name_key_sql`], so
/// the people list is in one order whether SQL or the device sorts it.
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Ok(at) = FOLDS.binary_search_by_key(&c, |&(from, _)| from) {
            out.push_str(FOLDS[at].1);
        } else {
            out.push(c);
        }
    }
    out
}

/// The generated columns that compute [`name_key`] of `users.name` in SQLite, each as its
/// name and expression, the last being `name_key`: `lower()`, which folds only ASCII, then one
/// `replace()` per accented letter. D1 refuses an expression more than 100 calls deep, so the
/// replacements are spread over columns that each take the one before.
pub fn name_key_sql() -> Vec<(String, String)> {
    const DEPTH: usize = 64;
    let steps = FOLDS.chunks(DEPTH).count();
    let mut columns = Vec::with_capacity(steps);
    let mut from = "lower(name)".to_owned();
    for (i, chunk) in FOLDS.chunks(DEPTH).enumerate() {
        let mut sql = from;
        for (letter, plain) in chunk {
            sql = format!("replace({sql}, '{letter}', '{plain}')");
        }
        let name = if i + 1 == steps {
            "name_key".to_owned()
        } else {
            format!("name_fold{}", i + 1)
        };
        from = name.clone();
        columns.push((name, sql));
    }
    columns
}

/// The accented letters of Latin-1 and Latin Extended-A, in code point order, with the plain
/// letters they sort as.
const FOLDS: &[(char, &str)] = &[
    ('À', "a"),
    ('Á', "a"),
    ('Â', "a"),
    ('Ã', "a"),
    ('Ä', "a"),
    ('Å', "a"),
    ('Æ', "ae"),
    ('Ç', "c"),
    ('È', "e"),
    ('É', "e"),
    ('Ê', "e"),
    ('Ë', "e"),
    ('Ì', "i"),
    ('Í', "i"),
    ('Î', "i"),
    ('Ï', "i"),
    ('Ð', "d"),
    ('Ñ', "n"),
    ('Ò', "o"),
    ('Ó', "o"),
    ('Ô', "o"),
    ('Õ', "o"),
    ('Ö', "o"),
    ('Ø', "o"),
    ('Ù', "u"),
    ('Ú', "u"),
    ('Û', "u"),
    ('Ü', "u"),
    ('Ý', "y"),
    ('Þ', "th"),
    ('ß', "ss"),
    ('à', "a"),
    ('á', "a"),
    ('â', "a"),
    ('ã', "a"),
    ('ä', "a"),
    ('å', "a"),
    ('æ', "ae"),
    ('ç', "c"),
    ('è', "e"),
    ('é', "e"),
    ('ê', "e"),
    ('ë', "e"),
    ('ì', "i"),
    ('í', "i"),
    ('î', "i"),
    ('ï', "i"),
    ('ð', "d"),
    ('ñ', "n"),
    ('ò', "o"),
    ('ó', "o"),
    ('ô', "o"),
    ('õ', "o"),
    ('ö', "o"),
    ('ø', "o"),
    ('ù', "u"),
    ('ú', "u"),
    ('û', "u"),
    ('ü', "u"),
    ('ý', "y"),
    ('þ', "th"),
    ('ÿ', "y"),
    ('Ā', "a"),
    ('ā', "a"),
    ('Ă', "a"),
    ('ă', "a"),
    ('Ą', "a"),
    ('ą', "a"),
    ('Ć', "c"),
    ('ć', "c"),
    ('Ĉ', "c"),
    ('ĉ', "c"),
    ('Ċ', "c"),
    ('ċ', "c"),
    ('Č', "c"),
    ('č', "c"),
    ('Ď', "d"),
    ('ď', "d"),
    ('Đ', "d"),
    ('đ', "d"),
    ('Ē', "e"),
    ('ē', "e"),
    ('Ĕ', "e"),
    ('ĕ', "e"),
    ('Ė', "e"),
    ('ė', "e"),
    ('Ę', "e"),
    ('ę', "e"),
    ('Ě', "e"),
    ('ě', "e"),
    ('Ĝ', "g"),
    ('ĝ', "g"),
    ('Ğ', "g"),
    ('ğ', "g"),
    ('Ġ', "g"),
    ('ġ', "g"),
    ('Ģ', "g"),
    ('ģ', "g"),
    ('Ĥ', "h"),
    ('ĥ', "h"),
    ('Ħ', "h"),
    ('ħ', "h"),
    ('Ĩ', "i"),
    ('ĩ', "i"),
    ('Ī', "i"),
    ('ī', "i"),
    ('Ĭ', "i"),
    ('ĭ', "i"),
    ('Į', "i"),
    ('į', "i"),
    ('İ', "i"),
    ('ı', "i"),
    ('Ĳ', "ij"),
    ('ĳ', "ij"),
    ('Ĵ', "j"),
    ('ĵ', "j"),
    ('Ķ', "k"),
    ('ķ', "k"),
    ('ĸ', "k"),
    ('Ĺ', "l"),
    ('ĺ', "l"),
    ('Ļ', "l"),
    ('ļ', "l"),
    ('Ľ', "l"),
    ('ľ', "l"),
    ('Ŀ', "l"),
    ('ŀ', "l"),
    ('Ł', "l"),
    ('ł', "l"),
    ('Ń', "n"),
    ('ń', "n"),
    ('Ņ', "n"),
    ('ņ', "n"),
    ('Ň', "n"),
    ('ň', "n"),
    ('ŉ', "n"),
    ('Ŋ', "n"),
    ('ŋ', "n"),
    ('Ō', "o"),
    ('ō', "o"),
    ('Ŏ', "o"),
    ('ŏ', "o"),
    ('Ő', "o"),
    ('ő', "o"),
    ('Œ', "oe"),
    ('œ', "oe"),
    ('Ŕ', "r"),
    ('ŕ', "r"),
    ('Ŗ', "r"),
    ('ŗ', "r"),
    ('Ř', "r"),
    ('ř', "r"),
    ('Ś', "s"),
    ('ś', "s"),
    ('Ŝ', "s"),
    ('ŝ', "s"),
    ('Ş', "s"),
    ('ş', "s"),
    ('Š', "s"),
    ('š', "s"),
    ('Ţ', "t"),
    ('ţ', "t"),
    ('Ť', "t"),
    ('ť', "t"),
    ('Ŧ', "t"),
    ('ŧ', "t"),
    ('Ũ', "u"),
    ('ũ', "u"),
    ('Ū', "u"),
    ('ū', "u"),
    ('Ŭ', "u"),
    ('ŭ', "u"),
    ('Ů', "u"),
    ('ů', "u"),
    ('Ű', "u"),
    ('ű', "u"),
    ('Ų', "u"),
    ('ų', "u"),
    ('Ŵ', "w"),
    ('ŵ', "w"),
    ('Ŷ', "y"),
    ('ŷ', "y"),
    ('Ÿ', "y"),
    ('Ź', "z"),
    ('ź', "z"),
    ('Ż', "z"),
    ('ż', "z"),
    ('Ž', "z"),
    ('ž', "z"),
    ('ſ', "s"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_their_letters_whatever_their_accents_and_case() {
        let mut names = vec!["Zoë", "élodie", "Émile", "adam", "Åsa", "Oscar", "Øystein"];
        names.sort_by_key(|n| name_key(n));
        assert_eq!(
            names,
            ["adam", "Åsa", "élodie", "Émile", "Oscar", "Øystein", "Zoë"]
        );
        assert_eq!(name_key("Straße ĲSSEL"), "strasse ijssel");
        // Not a Latin letter: kept as it is, as SQLite keeps it.
        assert_eq!(name_key("Σωκράτης"), "Σωκράτης");
        assert!(
            FOLDS.windows(2).all(|w| w[0].0 < w[1].0),
            "in code point order"
        );
    }

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
