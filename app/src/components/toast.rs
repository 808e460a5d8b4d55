//! Outcomes said briefly, in a corner, read out by screen readers, gone after a few seconds.

use leptos::prelude::*;

/// How an outcome went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Done,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    tone: Tone,
    text: String,
}

/// The toasts on screen, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

thread_local! {
    /// The console's toasts: outcomes arrive after an `await`, where no context is in reach.
    static TOASTS: std::cell::Cell<Option<Toasts>> = const { std::cell::Cell::new(None) };
}

impl Toasts {
    /// Makes the toasts the console's, for every screen.
    pub fn provide() -> Self {
        let toasts = Self {
            shown: RwSignal::new(Vec::new()),
            next: StoredValue::new(0),
        };
        provide_context(toasts);
        TOASTS.with(|t| t.set(Some(toasts)));
        toasts
    }

    fn current() -> Option<Self> {
        TOASTS.with(std::cell::Cell::get)
    }

    /// Says `text` for a few seconds.
    pub fn say(self, tone: Tone, text: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.shown.update(|s| {
            s.push(Toast {
                id,
                tone,
                text: text.into(),
            })
        });
        let shown = self.shown;
        set_timeout(
            move || shown.update(|s| s.retain(|t| t.id != id)),
            std::time::Duration::from_secs(6),
        );
    }
}

/// Says that something was done.
pub fn done(text: impl Into<String>) {
    if let Some(toasts) = Toasts::current() {
        toasts.say(Tone::Done, text);
    }
}

/// Says that something failed, and why.
pub fn failed(text: impl Into<String>) {
    if let Some(toasts) = Toasts::current() {
        toasts.say(Tone::Failed, text);
    }
}

/// Where toasts appear.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.shown.get() key=|t| t.id let(toast)>
                <p class="toast" class:failed=toast.tone == Tone::Failed data-testid="toast">
                    {toast.text}
                </p>
            </For>
        </div>
    }
}
