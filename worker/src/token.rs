//! Bearer secrets (session tokens, later invitation links and API tokens).
//!
//! A secret is 256 random bits shown once to its holder; storage keeps only its SHA-256, so a
//! leaked database yields no usable token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

/// A freshly generated secret, base64url without padding (43 characters).
pub fn generate() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(B64.encode(bytes))
}

/// The form in which a secret is stored and looked up.
pub fn digest(secret: &str) -> String {
    B64.encode(Sha256::digest(secret.as_bytes()))
}

/// A random identifier for a new row, with a readable prefix (`u_`, `g_`, …).
pub fn new_id(prefix: &str) -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes)?;
    Ok(format!("{prefix}_{}", B64.encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_carry_256_bits_and_never_repeat() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn the_digest_is_stable_and_does_not_reveal_the_secret() {
        let secret = generate().unwrap();
        assert_eq!(digest(&secret), digest(&secret));
        assert_ne!(digest(&secret), secret);
    }
}
