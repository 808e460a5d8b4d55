//! Password hashing through the runtime's WebCrypto: the same PBKDF2-HMAC-SHA256 and the same
//! stored form as `password`, computed natively by workerd instead of in WASM, so a sign-in
//! costs the Worker a fraction of the CPU time (see the README's security section).

use worker::js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

use crate::password::{self, ITERATIONS, PasswordError};

fn field(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
}

/// PBKDF2-HMAC-SHA256 of `password` and `salt`: 32 bytes.
async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, JsValue> {
    let subtle = field(&field(&worker::js_sys::global(), "crypto")?, "subtle")?;
    let import: Function = field(&subtle, "importKey")?.dyn_into()?;
    let key = import.apply(
        &subtle,
        &Array::of5(
            &"raw".into(),
            &Uint8Array::from(password.as_bytes()),
            &"PBKDF2".into(),
            &false.into(),
            &Array::of1(&"deriveBits".into()),
        ),
    )?;
    let key = JsFuture::from(Promise::from(key)).await?;
    let params = Object::new();
    Reflect::set(&params, &"name".into(), &"PBKDF2".into())?;
    Reflect::set(&params, &"hash".into(), &"SHA-256".into())?;
    Reflect::set(&params, &"salt".into(), &Uint8Array::from(salt))?;
    Reflect::set(&params, &"iterations".into(), &JsValue::from(iterations))?;
    let derive_bits: Function = field(&subtle, "deriveBits")?.dyn_into()?;
    let bits = derive_bits.call3(&subtle, &params, &key, &JsValue::from(256))?;
    let bits = JsFuture::from(Promise::from(bits)).await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Whether `password` matches the stored hash.
pub async fn verify(password: &str, stored: &str) -> Result<bool, PasswordError> {
    let stored = password::parse(stored)?;
    let derived = derive(password, &stored.salt, stored.iterations)
        .await
        .map_err(|_| PasswordError::Unavailable)?;
    Ok(stored.matches(&derived))
}

/// Hashes `password` with a fresh random salt.
pub async fn hash(password: &str) -> Result<String, PasswordError> {
    let salt = password::salt()?;
    let derived = derive(password, &salt, ITERATIONS)
        .await
        .map_err(|_| PasswordError::Unavailable)?;
    Ok(password::format(&salt, ITERATIONS, &derived))
}
