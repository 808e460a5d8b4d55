//! Pieces of screens, used everywhere.

pub mod dialog;
pub mod empty;
pub mod form;
pub mod sync_badge;
pub mod sync_panel;
pub mod toast;
pub mod tokens;
pub mod tree_picker;

/// A moment as the browser writes it for this person (their language and time zone).
pub fn local_time(millis: i64) -> String {
    let date = web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}
