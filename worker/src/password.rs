//! Salted, slow password hashes: PBKDF2-HMAC-SHA256.
//!
//! The stored form is self-describing, `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url),
//! so the cost can rise later without invalidating stored hashes: a hash is always checked with
//! the parameters it was made with.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Iterations for new hashes. 100,000 is the most that Cloudflare's WebCrypto PBKDF2 accepts,
/// which keeps a later move to the runtime's native implementation open.
pub const ITERATIONS: u32 = 100_000;

const SCHEME: &str = "pbkdf2-sha256";
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

/// Why a password could not be hashed or a stored hash could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("the random number generator failed")]
    Random,
    #[error("the stored password hash is not in a known format")]
    UnknownFormat,
    #[error("the runtime's WebCrypto failed")]
    Unavailable,
}

/// Hashes `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    Ok(hash_with(password, &salt()?, ITERATIONS))
}

/// Hashes `password` with the given salt and cost.
pub fn hash_with(password: &str, salt: &[u8], iterations: u32) -> String {
    let mut out = [0u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    format(salt, iterations, &out)
}

/// A stored hash, read.
#[derive(Debug)]
pub struct Stored {
    pub iterations: u32,
    pub salt: Vec<u8>,
    expected: Vec<u8>,
}

impl Stored {
    /// Whether a key derived from a candidate password is the stored one (constant time).
    pub fn matches(&self, derived: &[u8]) -> bool {
        bool::from(derived.ct_eq(&self.expected[..]))
    }
}

/// The stored form of a derived key.
pub fn format(salt: &[u8], iterations: u32, derived: &[u8]) -> String {
    format!(
        "{SCHEME}${iterations}${}${}",
        B64.encode(salt),
        B64.encode(derived)
    )
}

/// A fresh random salt.
pub fn salt() -> Result<[u8; SALT_LEN], PasswordError> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt).map_err(|_| PasswordError::Random)?;
    Ok(salt)
}

/// Whether `password` matches the stored hash, compared in constant time.
pub fn verify(password: &str, stored: &str) -> Result<bool, PasswordError> {
    let stored = parse(stored)?;
    let mut actual = [0u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(
        password.as_bytes(),
        &stored.salt,
        stored.iterations,
        &mut actual,
    );
    Ok(stored.matches(&actual))
}

/// Reads a stored hash.
pub fn parse(stored: &str) -> Result<Stored, PasswordError> {
    let mut parts = stored.split('$');
    let (Some(SCHEME), Some(iterations), Some(salt), Some(expected), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(PasswordError::UnknownFormat);
    };
    let iterations: u32 = iterations
        .parse()
        .map_err(|_| PasswordError::UnknownFormat)?;
    let salt = B64.decode(salt).map_err(|_| PasswordError::UnknownFormat)?;
    let expected = B64
        .decode(expected)
        .map_err(|_| PasswordError::UnknownFormat)?;
    if iterations == 0 || expected.len() != HASH_LEN {
        return Err(PasswordError::UnknownFormat);
    }
    Ok(Stored {
        iterations,
        salt,
        expected,
    })
}

/// A hash of no one's password, checked when an e-mail has no account so that the answer takes
/// as long as a real check and timing does not tell whether the address is known.
pub fn decoy() -> String {
    // A fixed salt and key in the stored form: reading it costs nothing, checking a password
    // against it costs exactly one derivation, as for a real account.
    format(b"switchboard-decoy", ITERATIONS, &[0x5a; HASH_LEN])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let stored = hash_with("Correct-horse1", b"0123456789abcdef", 1_000);
        assert_eq!(verify("Correct-horse1", &stored), Ok(true));
        assert_eq!(verify("correct-horse1", &stored), Ok(false));
        assert_eq!(verify("", &stored), Ok(false));
    }

    #[test]
    fn two_hashes_of_one_password_differ_by_their_salt() {
        let a = hash("Correct-horse1").unwrap();
        let b = hash("Correct-horse1").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pbkdf2-sha256$100000$"));
    }

    #[test]
    fn matches_the_rfc_7914_pbkdf2_sha256_vector() {
        // RFC 7914 §11: P="passwd", S="salt", c=1, dkLen=64 (first 32 bytes).
        let stored = hash_with("passwd", b"salt", 1);
        let hash = B64.decode(stored.rsplit('$').next().unwrap()).unwrap();
        let expected = [
            0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f, 0xec, 0x16, 0x91, 0xc2, 0x25, 0x44,
            0xb6, 0x05, 0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65, 0xe6, 0x8b, 0x9d, 0x57,
            0xc2, 0x0d, 0xac, 0xbc,
        ];
        assert_eq!(hash, expected);
    }

    #[test]
    fn unreadable_hashes_are_an_error_not_a_match() {
        for bad in [
            "",
            "plain",
            "md5$1$a$b",
            "pbkdf2-sha256$x$AA$AA",
            "pbkdf2-sha256$0$AA$AA",
        ] {
            assert_eq!(verify("x", bad), Err(PasswordError::UnknownFormat), "{bad}");
        }
    }
}

#[cfg(test)]
mod decoy_tests {
    use super::*;

    #[test]
    fn the_decoy_costs_one_full_derivation_and_matches_nothing() {
        let stored = parse(&decoy()).unwrap();
        assert_eq!(
            stored.iterations, ITERATIONS,
            "as slow to check as a real hash"
        );
        assert!(!verify("decoy password, never matches", &decoy()).unwrap());
        assert!(!verify("", &decoy()).unwrap());
    }
}
