use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{once_loaded, splash};
use crate::pages::account::{
    ChooseAgency, ConfirmAddress, Forgot, Reset, go, link_token, opened_at,
};
use crate::pages::shell::Shell;
use crate::pages::{accept::Accept, accept::invitation_token, sign_in::SignIn};
use crate::state::{AppState, Sync};

/// The whole console: the user list for a signed-in person, the sign-in page otherwise.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    // Sync when the network comes back, when the person returns to the tab, and every half
    // minute; say so at once when the browser knows it went offline.
    window_event_listener(leptos::ev::online, move |_| spawn_local(state.sync_now()));
    window_event_listener(leptos::ev::offline, move |_| state.sync.set(Sync::Offline));
    window_event_listener(leptos::ev::focus, move |_| spawn_local(state.sync_now()));
    let _ = set_interval_with_handle(
        move || spawn_local(state.sync_now()),
        std::time::Duration::from_secs(30),
    );
    // A link (`/accept#<token>`, `/reset#<token>`) or the forgotten-password page opens before
    // anything else; the console starts once the person leaves it.
    let screen = RwSignal::new(Screen::opened());
    let notice = RwSignal::new(None::<String>);
    if screen.get_untracked() == Screen::Console {
        spawn_local(state.start());
    }
    let to_console = move |said: Option<String>| {
        go("/");
        notice.set(said);
        screen.set(Screen::Console);
        if !state.started.get_untracked() {
            spawn_local(state.start());
        }
    };

    // Which page is shown, as a Memo: only a change of page rebuilds it. A fresher `me`, or
    // start-up finishing while the console is already on screen, must not (it would throw away
    // what the person was doing: a form typed in, a row chosen).
    let signed_in = Memo::new(move |_| state.me.with(Option::is_some));
    let choosing = Memo::new(move |_| state.choosing.with(|c| c.len() > 1));
    let shown = Memo::new(
        move |_| match (screen.get(), signed_in.get(), state.started.get()) {
            (Screen::Console, true, _) if choosing.get() => Shown::Choose,
            (Screen::Console, true, _) => Shown::Console,
            (Screen::Console, false, true) => Shown::SignIn,
            (Screen::Console, false, false) => Shown::Splash,
            (other, _, _) => Shown::Link(other),
        },
    );
    let to_console = Callback::new(to_console);
    move || match shown.get() {
        Shown::Console | Shown::Link(Screen::Console) => view! { <Shell /> }.into_any(),
        Shown::SignIn => view! {
            <SignIn notice=notice on_forgot=move || {
                go("/forgot");
                screen.set(Screen::Forgot);
            } />
        }
        .into_any(),
        Shown::Splash => splash(),
        Shown::Link(Screen::Accept(token)) => {
            let done = Callback::new(move |()| screen.set(Screen::Console));
            view! { <Linked page=LinkPage::Accept(token, done) /> }.into_any()
        }
        Shown::Link(Screen::Reset(token)) => {
            view! { <Linked page=LinkPage::Reset(token, to_console) /> }.into_any()
        }
        Shown::Link(Screen::ConfirmAddress(token)) => {
            view! { <Linked page=LinkPage::ConfirmAddress(token, to_console) /> }.into_any()
        }
        Shown::Link(Screen::Forgot) => {
            let back = Callback::new(move |()| to_console.run(None));
            view! { <Linked page=LinkPage::Forgot(back) /> }.into_any()
        }
        Shown::Choose => view! { <Linked page=LinkPage::Choose /> }.into_any(),
    }
}

/// The pages a mailed link opens, and the choice of agency after signing in: few first loads
/// show one, so they come in a file of their own (`#[lazy]`, as the screens do), loaded when
/// one of them opens.
#[derive(Clone)]
enum LinkPage {
    Accept(String, Callback<()>),
    Reset(String, Callback<Option<String>>),
    ConfirmAddress(String, Callback<Option<String>>),
    Forgot(Callback<()>),
    Choose,
}

#[lazy]
fn link_pages(page: LinkPage) -> AnyView {
    match page {
        LinkPage::Accept(token, on_done) => {
            view! { <Accept token=token on_done=on_done /> }.into_any()
        }
        LinkPage::Reset(token, on_done) => {
            view! { <Reset token=token on_done=on_done /> }.into_any()
        }
        LinkPage::ConfirmAddress(token, on_done) => {
            view! { <ConfirmAddress token=token on_done=on_done /> }.into_any()
        }
        LinkPage::Forgot(on_back) => view! { <Forgot on_back=on_back /> }.into_any(),
        LinkPage::Choose => view! { <ChooseAgency /> }.into_any(),
    }
}

/// A page of `link_pages`, once its file is here: until then, the splash.
#[component]
fn Linked(page: LinkPage) -> impl IntoView {
    once_loaded(__preload_link_pages(), move || {
        Suspend::new(link_pages(page.clone())).into_any()
    })
}

/// The page on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Shown {
    /// A page a link opened.
    Link(Screen),
    Choose,
    Console,
    SignIn,
    Splash,
}

/// What the console shows before (or instead of) the signed-in pages.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Screen {
    Console,
    Accept(String),
    Reset(String),
    ConfirmAddress(String),
    Forgot,
}

impl Screen {
    /// The screen the address opens.
    fn opened() -> Self {
        if let Some(token) = invitation_token() {
            Screen::Accept(token)
        } else if let Some(token) = link_token("/reset") {
            Screen::Reset(token)
        } else if let Some(token) = link_token("/confirm-email") {
            Screen::ConfirmAddress(token)
        } else if opened_at("/forgot") {
            Screen::Forgot
        } else {
            Screen::Console
        }
    }
}
