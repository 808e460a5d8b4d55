//! A modal dialog asking to confirm what cannot be undone, drawn with the browser's own
//! `<dialog>`: focus stays inside, Escape cancels, the page behind is inert.

use leptos::html;
use leptos::prelude::*;

/// A confirmation: `open` shows it; the confirm button runs `on_confirm` and closes it.
/// With `type_to_confirm`, the button waits until that text is typed (a name, before a
/// deletion).
#[component]
pub fn Confirm(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    /// A destructive action's button is red.
    #[prop(optional)]
    destructive: bool,
    #[prop(optional, into)] type_to_confirm: Option<Signal<String>>,
    #[prop(into)] on_confirm: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        let Some(element) = dialog.get() else {
            return;
        };
        if open.get() {
            typed.set(String::new());
            if !element.open() {
                let _ = element.show_modal();
            }
        } else if element.open() {
            element.close();
        }
    });
    let ready = move || match type_to_confirm {
        Some(expected) => typed.with(|t| t.trim() == expected.get().trim()),
        None => true,
    };
    let confirm = move |_| {
        if ready() {
            open.set(false);
            on_confirm.run(());
        }
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="dialog-title"
            data-testid="dialog"
            on:close=move |_| open.set(false)>
            <h2 id="dialog-title">{title}</h2>
            <div class="dialog-body">{children()}</div>
            {type_to_confirm.map(|expected| view! {
                <label>
                    {move || format!("Type {} to confirm", expected.get())}
                    <input type="text" autocomplete="off" bind:value=typed
                        data-testid="dialog-type" />
                </label>
            })}
            <div class="dialog-actions">
                <button type="button" class="secondary" data-testid="dialog-cancel"
                    on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="button" class:destructive=destructive data-testid="dialog-confirm"
                    prop:disabled=move || !ready() on:click=confirm>
                    {confirm_label}
                </button>
            </div>
        </dialog>
    }
}
