//! Pieces of screens, used everywhere.

pub mod dialog;
pub mod empty;
pub mod form;
pub mod sync_badge;
pub mod sync_panel;
pub mod toast;
pub mod tokens;
pub mod tree_picker;

/// What shows while the console opens: before its data is known, or while the file of a
/// screen is loading.
pub fn splash() -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    view! {
        <main class="splash" data-testid="splash">
            <p>"Opening Switchboard…"</p>
        </main>
    }
    .into_any()
}

/// The splash until `load` is done, then `view`: for what must not be drawn before a file of
/// screens is here. The person may have left before it is; then nothing is drawn.
pub fn once_loaded(
    load: impl std::future::Future<Output = ()> + 'static,
    view: impl Fn() -> leptos::prelude::AnyView + Send + Sync + 'static,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    let here = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        load.await;
        let _ = here.try_set(true);
    });
    move || if here.get() { view() } else { splash() }
}

/// A fresh id for something this browser creates (`u_…`, `n_…`), so that saving twice makes
/// it once: the Worker takes the client's id.
pub fn fresh_id(prefix: &str) -> String {
    let uuid = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default();
    format!("{prefix}_{}", uuid.replace('-', ""))
}

/// What a read gave, picked out: empty while it loads, or when it failed (the screen reads
/// which from the resource itself).
pub fn loaded<T, U>(
    resource: leptos::prelude::LocalResource<Result<T, crate::api::ApiError>>,
    pick: fn(T) -> U,
) -> leptos::prelude::Signal<U>
where
    T: Clone + 'static,
    U: Default + Clone + Send + Sync + 'static,
{
    use leptos::prelude::*;
    Signal::derive(move || {
        resource
            .get()
            .and_then(Result::ok)
            .map(pick)
            .unwrap_or_default()
    })
}

/// A moment as the browser writes it for this person (their language and time zone).
pub fn local_time(millis: i64) -> String {
    let date = web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

/// How long ago a sign-in was, in words: "Just now", "5 minutes ago", "Yesterday", a date for
/// anything older than a month, or "Never" for someone who has not signed in.
pub fn since(at: Option<i64>, now: i64) -> String {
    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let Some(at) = at else {
        return "Never".to_owned();
    };
    let ago = now.saturating_sub(at).max(0);
    let count = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one} ago")
        } else {
            format!("{n} {many} ago")
        }
    };
    match ago {
        a if a < MINUTE => "Just now".to_owned(),
        a if a < HOUR => count(a / MINUTE, "minute", "minutes"),
        a if a < DAY => count(a / HOUR, "hour", "hours"),
        a if a < 2 * DAY => "Yesterday".to_owned(),
        a if a < 30 * DAY => count(a / DAY, "day", "days"),
        _ => local_date(at),
    }
}

/// A day as the browser writes it for this person.
pub fn local_date(millis: i64) -> String {
    let date = web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    date.to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::since;

    #[test]
    fn a_sign_in_is_told_in_words() {
        let now = 1_800_000_000_000;
        assert_eq!(since(None, now), "Never");
        assert_eq!(since(Some(now - 5_000), now), "Just now");
        assert_eq!(since(Some(now - 60_000), now), "1 minute ago");
        assert_eq!(since(Some(now - 5 * 3_600_000), now), "5 hours ago");
        assert_eq!(since(Some(now - 30 * 3_600_000), now), "Yesterday");
        assert_eq!(since(Some(now - 3 * 86_400_000), now), "3 days ago");
        assert_eq!(
            since(Some(now + 9_000), now),
            "Just now",
            "a clock ahead is not the future"
        );
    }
}
