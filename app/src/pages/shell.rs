//! The signed-in console: a URL per screen, a top bar with what the person may use, and a
//! home for everyone (someone who may see people lands on them, anyone else on their account).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, path};

use crate::api;
use crate::components::toast::{ToastRegion, Toasts};
use crate::components::{local_time, once_loaded, splash, sync_badge::SyncBadge, tokens::Tokens};
use crate::pages::account::{AgencySwitcher, ChangeAddress, ChangePassword, words};
use crate::pages::accounts::{AccountPage, Accounts};
use crate::pages::add_person::AddPerson;
use crate::pages::agent_settings::MySettings;
use crate::pages::agents::Agents;
use crate::pages::audit::Audit;
use crate::pages::import::Import;
use crate::pages::invitations::Invitations;
use crate::pages::numbers::Numbers;
use crate::pages::people::People;
use crate::pages::person::Person;
use crate::pages::plan::PlanAndSeats;
use crate::pages::platform::Platform;
use crate::pages::roles::Roles;
use crate::pages::security::Security;
use crate::state::AppState;

/// The screens of a signed-in person. The file of the screen the address opens is loaded
/// before anything is shown (a screen whose file came after the person had already moved on
/// would be drawn over the one they chose); the other files follow in the background, so that
/// moving between screens waits for nothing.
#[component]
pub fn Shell() -> impl IntoView {
    Toasts::provide();
    let state = expect_context::<AppState>();
    let path = window().location().pathname().unwrap_or_default();
    let known = state
        .me
        .with_untracked(|me| me.as_ref().is_some_and(|me| !me.access.is_empty()));
    let sees_people = !known || state.may_anywhere(domain::Capability::UsersView);
    let first = ScreenFile::of(&path, sees_people);
    let load = async move {
        if let Some(file) = first {
            file.load().await;
        }
        set_timeout(
            move || {
                spawn_local(async move {
                    for file in ScreenFile::ALL {
                        if Some(file) != first {
                            file.load().await;
                        }
                    }
                })
            },
            std::time::Duration::from_secs(1),
        );
    };
    once_loaded(load, || view! { <Screens /> }.into_any())
}

/// Starts loading People's file (where most people land), for the sign-in page to call while
/// the person types. Loading it twice fetches it once.
pub fn load_people_screen() {
    spawn_local(ScreenFile::People.load());
}

/// The four files of screens (see `screens!`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScreenFile {
    People,
    Account,
    Person,
    Agency,
}

impl ScreenFile {
    const ALL: [ScreenFile; 4] = [Self::People, Self::Account, Self::Person, Self::Agency];

    /// The file of the screen at `path`; `/` leads to People for someone who may see people
    /// (or whose access is not known yet), else to their account.
    fn of(path: &str, sees_people: bool) -> Option<Self> {
        let first = path.trim_matches('/').split('/').next().unwrap_or_default();
        match first {
            "" if sees_people => Some(Self::People),
            "" | "account" => Some(Self::Account),
            "people" if path.trim_end_matches('/') == "/people" => Some(Self::People),
            "people" | "invitations" => Some(Self::Person),
            "accounts" | "roles" | "numbers" | "agents" | "plan" | "audit" | "security"
            | "platform" => Some(Self::Agency),
            _ => None,
        }
    }

    async fn load(self) {
        match self {
            Self::People => __preload_people_screens().await,
            Self::Account => __preload_account_screens().await,
            Self::Person => __preload_person_screens().await,
            Self::Agency => __preload_agency_screens().await,
        }
    }
}

/// The router and the screens, once the first one's file is here.
#[component]
fn Screens() -> impl IntoView {
    view! {
        <Router>
            <TopBar />
            <div class="layout">
            <SideNav />
            <Routes fallback=|| view! {
                <main class="page" data-testid="not-found">
                    <h1>"Nothing here"</h1>
                    <p class="muted">"This address names no screen of Switchboard."</p>
                    <A href="/">"Go to the start"</A>
                </main>
            }>
                <Route path=path!("/") view=Home />
                <Route path=path!("/people") view={Lazy::<PeopleScreen>::new()} />
                <Route path=path!("/people/new") view={Lazy::<AddPersonScreen>::new()} />
                <Route path=path!("/people/import") view={Lazy::<PeopleImportScreen>::new()} />
                <Route path=path!("/people/:id") view={Lazy::<PersonScreen>::new()} />
                <Route path=path!("/invitations") view={Lazy::<InvitationsScreen>::new()} />
                <Route path=path!("/accounts") view={Lazy::<AccountsScreen>::new()} />
                <Route path=path!("/numbers") view={Lazy::<NumbersScreen>::new()} />
                <Route path=path!("/agents") view={Lazy::<AgentsScreen>::new()} />
                <Route path=path!("/plan") view={Lazy::<PlanScreen>::new()} />
                <Route path=path!("/audit") view={Lazy::<AuditScreen>::new()} />
                <Route path=path!("/security") view={Lazy::<SecurityScreen>::new()} />
                <Route path=path!("/platform") view={Lazy::<PlatformScreen>::new()} />
                <Route path=path!("/roles") view={Lazy::<RolesScreen>::new()} />
                <Route path=path!("/accounts/:id") view={Lazy::<AccountPageScreen>::new()} />
                <Route path=path!("/account") view={Lazy::<MyAccountScreen>::new()} />
            </Routes>
            </div>
            <ToastRegion />
        </Router>
    }
}

/// The screens are loaded in four files besides the shell, each the first time one of its
/// screens opens (`#[lazy]`; scripts/split.mjs splits the WASM): People, where most people
/// land; My account, where everyone else lands; the work on one person; and the agency's
/// screens. A file per screen would make a first load fetch a hundred small shared pieces.
macro_rules! screens {
    ($($file:ident($group:ident) { $($route:ident => $view:expr;)* })*) => {$(
        // Each variant is named after its route.
        #[allow(clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        enum $group {
            $($route,)*
        }

        #[lazy]
        fn $file(screen: $group) -> AnyView {
            match screen {
                $($group::$route => $view.into_any(),)*
            }
        }

        $(
            struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $file($group::$route).await
                }
            }
        )*
    )*};
}

screens! {
    people_screens(PeopleScreens) {
        PeopleScreen => view! { <Allowed capability=domain::Capability::UsersView doing="see other people"><People /></Allowed> };
    }
    account_screens(AccountScreens) {
        MyAccountScreen => view! { <MyAccount /> };
    }
    person_screens(PersonScreens) {
        PersonScreen => view! { <Person /> };
        AddPersonScreen => view! { <Allowed capability=domain::Capability::UsersInvite doing="add people"><AddPerson /></Allowed> };
        PeopleImportScreen => view! { <Allowed capability=domain::Capability::UsersInvite doing="add people"><Import /></Allowed> };
        InvitationsScreen => view! { <Invitations /> };
    }
    agency_screens(AgencyScreens) {
        AccountsScreen => view! { <Allowed capability=domain::Capability::UsersView doing="see the accounts"><Accounts /></Allowed> };
        AccountPageScreen => view! { <Allowed capability=domain::Capability::UsersView doing="see the accounts"><AccountPage /></Allowed> };
        RolesScreen => view! { <Allowed capability=domain::Capability::UsersView doing="see the roles"><Roles /></Allowed> };
        NumbersScreen => view! { <Allowed capability=domain::Capability::NumbersView doing="see the phone numbers"><Numbers /></Allowed> };
        AgentsScreen => view! { <Allowed capability=domain::Capability::CampaignsView doing="see the agents' lists and campaigns"><Agents /></Allowed> };
        PlanScreen => view! { <Allowed capability=domain::Capability::BillingView doing="see the plan and its seats"><PlanAndSeats /></Allowed> };
        AuditScreen => view! { <Allowed capability=domain::Capability::SettingsEdit doing="read the audit log"><Audit /></Allowed> };
        SecurityScreen => view! { <Allowed capability=domain::Capability::SettingsEdit doing="change the agency's security"><Security /></Allowed> };
        PlatformScreen => view! { <Allowed capability=domain::Capability::PlatformConnect doing="connect the platform"><Platform /></Allowed> };
    }
}

/// A screen for people who hold `capability` somewhere; anyone else reads why not, and where
/// to go instead. The Worker refuses them anyway.
#[component]
fn Allowed(
    capability: domain::Capability,
    doing: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Memos: a fresher `me` that says the same rebuilds nothing (a form being typed in stays).
    let known = Memo::new(move |_| {
        state
            .me
            .with(|me| me.as_ref().is_some_and(|me| !me.access.is_empty()))
    });
    let may = Memo::new(move |_| state.may_anywhere(capability));
    move || {
        if !known.get() {
            splash()
        } else if may.get() {
            children().into_any()
        } else {
            view! {
                <main class="page" data-testid="not-allowed">
                    <h1>"Not available to you"</h1>
                    <p>{format!("Your roles do not let you {doing}. An administrator of your agency can change that.")}</p>
                    <A href="/account">"Go to your account"</A>
                </main>
            }.into_any()
        }
    }
}

/// Where `/` leads: to the people for someone who may see them, else to their own account.
/// Until the Worker has said what the person may do, nothing is decided.
#[component]
fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    let known = move || {
        state
            .me
            .with(|me| me.as_ref().is_some_and(|me| !me.access.is_empty()))
    };
    // Home stays on screen while the file of a screen the person chose meanwhile is loading:
    // once they have left `/`, it leads nowhere.
    let location = leptos_router::hooks::use_location();
    move || {
        if !known() {
            splash()
        } else if location.pathname.get_untracked() != "/" {
            ().into_any()
        } else if state.may_anywhere(domain::Capability::UsersView) {
            view! { <Redirect path="/people" /> }.into_any()
        } else {
            view! { <Redirect path="/account" /> }.into_any()
        }
    }
}

/// The bar above every screen: the agency, the sync state, the screens the person may use,
/// the agency switcher and signing out.
#[component]
fn TopBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let agency = move || state.me.get().map(|me| me.agency.name).unwrap_or_default();
    let who = move || state.me.get().map(|me| me.name).unwrap_or_default();
    // Signing out forgets this browser's data, queued changes too: never without asking.
    let sign_out = move |_| {
        if state.may_forget_pending("Sign out") {
            spawn_local(state.sign_out());
        }
    };
    view! {
        <header class="top-bar">
            <span class="brand">"Switchboard"</span>
            <span class="agency" data-testid="agency-name">{agency}</span>
            <SyncBadge sync=state.sync />
            <span class="spacer"></span>
            <AgencySwitcher />
            <span class="who" data-testid="signed-in-as">{who}</span>
            <button class="link" on:click=sign_out data-testid="sign-out">"Sign out"</button>
        </header>
    }
}

/// The screens the person may use: a column on a desktop, a strip under the bar on a phone.
#[component]
fn SideNav() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sees_people = move || state.may_anywhere(domain::Capability::UsersView);
    let adds_people = move || state.may_anywhere(domain::Capability::UsersInvite);
    // The audit log is for administrators of the whole agency (R25): decided as the Worker
    // decides it, from what `/me` lists and the tree, read again when the person changes.
    let tree = LocalResource::new(move || {
        state.me.track();
        api::nodes()
    });
    let tree = crate::components::loaded(tree, |l| l.nodes);
    let at_the_top = move |may: fn(&domain::read::Listed<'_>) -> bool| {
        state.me.with(|me| {
            me.as_ref().is_some_and(|me| {
                tree.with(|nodes| {
                    may(&domain::read::Listed {
                        access: &me.access,
                        nodes,
                    })
                })
            })
        })
    };
    let reads_audit = move || at_the_top(|l| domain::read::audit_log(l).is_ok());
    let connects = move || at_the_top(|l| domain::read::platform(l).is_ok());
    // On a phone the screens are one line that scrolls sideways: the current one is kept in
    // sight.
    let nav = NodeRef::<leptos::html::Nav>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let _ = location.pathname.get();
        let Some(nav) = nav.get() else {
            return;
        };
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            let current = nav
                .query_selector("a[aria-current=page]")
                .ok()
                .flatten()
                .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(current) = current {
                // Only sideways, and only when it is out of sight: the page does not move.
                let (left, width) = (current.offset_left(), current.offset_width());
                let (seen, shown) = (nav.scroll_left(), nav.client_width());
                if left < seen || left + width > seen + shown {
                    nav.set_scroll_left(left - 16);
                }
            }
        });
    });
    view! {
        <nav class="screens" aria-label="Screens" node_ref=nav>
            <Show when=sees_people>
                <A href="/people" attr:data-testid="nav-people">"People"</A>
            </Show>
            <Show when=adds_people>
                <A href="/invitations" attr:data-testid="nav-invitations">"Invitations"</A>
            </Show>
            <Show when=sees_people>
                <A href="/accounts" attr:data-testid="nav-accounts">"Accounts"</A>
                <A href="/roles" attr:data-testid="nav-roles">"Roles"</A>
            </Show>
            <Show when=move || state.may_anywhere(domain::Capability::NumbersView)>
                <A href="/numbers" attr:data-testid="nav-numbers">"Phone numbers"</A>
            </Show>
            <Show when=move || state.may_anywhere(domain::Capability::CampaignsView)>
                <A href="/agents" attr:data-testid="nav-agents">"Agents and campaigns"</A>
            </Show>
            <Show when=move || state.may_anywhere(domain::Capability::BillingView)>
                <A href="/plan" attr:data-testid="nav-plan">"Plan and seats"</A>
            </Show>
            <Show when=reads_audit>
                <A href="/audit" attr:data-testid="nav-audit">"Audit log"</A>
            </Show>
            <Show when=move || state.may_anywhere(domain::Capability::SettingsEdit)>
                <A href="/security" attr:data-testid="nav-security">"Security"</A>
            </Show>
            <Show when=connects>
                <A href="/platform" attr:data-testid="nav-platform">"Platform"</A>
            </Show>
            <A href="/account" attr:data-testid="nav-account">"My account"</A>
        </nav>
    }
}

/// The signed-in person's own account: who they are, their password, where they are signed
/// in, and their API tokens.
#[component]
fn MyAccount() -> impl IntoView {
    let state = expect_context::<AppState>();
    let me = move || state.me.get();
    view! {
        <main class="page account">
            <div class="page-head">
                <h1>"My account"</h1>
            </div>
            <section class="card panel" data-testid="profile">
                <h2>"Profile"</h2>
                <p>
                    <strong data-testid="profile-name">{move || me().map(|m| m.name).unwrap_or_default()}</strong>
                    <br />
                    <span class="muted" data-testid="profile-email">
                        {move || me().map(|m| m.email).unwrap_or_default()}
                    </span>
                </p>
                <p class="muted">
                    {move || me().map(|m| format!("Signed in to {}.", m.agency.name)).unwrap_or_default()}
                </p>
            </section>
            <MySettings />
            <ChangeAddress />
            <ChangePassword />
            <TwoFactor />
            <Sessions />
            <Tokens />
        </main>
    }
}

/// Turning on two-factor sign-in: a key for the authenticator app, then a code from it.
#[component]
fn TwoFactor() -> impl IntoView {
    let setup = RwSignal::new(None::<domain::api::TotpSetup>);
    let code = RwSignal::new(String::new());
    let said = RwSignal::new(None::<(bool, String)>);
    let starting = Action::new_local(move |(): &()| async move {
        match api::totp_setup().await {
            Ok(s) => {
                said.set(None);
                setup.set(Some(s));
            }
            Err(e) => said.set(Some((false, words(e)))),
        }
    });
    let confirming = Action::new_local(move |typed: &String| {
        let typed = typed.clone();
        async move {
            match api::totp_confirm(&typed).await {
                Ok(()) => {
                    setup.set(None);
                    said.set(Some((
                        true,
                        "Two-factor sign-in is on. Each sign-in now asks for a code from your app."
                            .into(),
                    )));
                }
                Err(e) => said.set(Some((false, words(e)))),
            }
        }
    });
    let start = move |_| {
        starting.dispatch(());
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed: String = code
            .get_untracked()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if typed.len() != 6 {
            said.set(Some((
                false,
                "Enter the 6 digits your authenticator app shows.".into(),
            )));
            return;
        }
        confirming.dispatch(typed);
    };
    // The key in groups of four, as authenticator apps show it.
    let grouped = move || {
        setup.with(|s| {
            s.as_ref().map(|s| {
                s.secret
                    .as_bytes()
                    .chunks(4)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        })
    };
    view! {
        <section class="card panel" data-testid="two-factor">
            <h2>"Two-factor sign-in"</h2>
            <p class="muted">"A code from an authenticator app on your phone, asked at each sign-in, in every agency you belong to."</p>
            {move || match grouped() {
                None => view! {
                    <button class="secondary" data-testid="totp-start" on:click=start
                        prop:disabled=move || starting.pending().get()>"Set up two-factor sign-in"</button>
                }.into_any(),
                Some(key) => view! {
                    <form on:submit=confirm novalidate>
                        <p>"In your authenticator app, add an account with this key:"</p>
                        <code class="secret-key" data-testid="totp-secret">{key}</code>
                        <a class="link" href=move || setup.with(|s| s.as_ref().map(|s| s.otpauth_url.clone()).unwrap_or_default())>
                            "Or open it in an authenticator app on this device"
                        </a>
                        <label>"The 6-digit code it shows"
                            <input type="text" inputmode="numeric" autocomplete="one-time-code"
                                bind:value=code data-testid="totp-code" />
                        </label>
                        <button type="submit" data-testid="totp-confirm"
                            prop:disabled=move || confirming.pending().get()>"Turn on"</button>
                    </form>
                }.into_any(),
            }}
            {move || said.get().map(|(ok, text)| view! {
                <p class=if ok { "notice" } else { "error" } role="status" data-testid="totp-said">{text}</p>
            })}
        </section>
    }
}

/// Where the person is signed in, in all their agencies; any one can be ended.
#[component]
fn Sessions() -> impl IntoView {
    let sessions = LocalResource::new(api::my_sessions);
    let error = RwSignal::new(None::<String>);
    let ending = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::end_session(&id).await {
                Ok(()) => sessions.refetch(),
                Err(e) => error.set(Some(words(e))),
            }
        }
    });
    let end = move |id: String| {
        ending.dispatch(id);
    };
    view! {
        <section class="card panel" data-testid="sessions">
            <h2>"Where you are signed in"</h2>
            <ul class="session-list">
                {move || sessions.get().and_then(Result::ok).map(|list| {
                    list.sessions.into_iter().map(|s| {
                        let id = s.id.clone();
                        let seen = local_time(s.last_seen_at);
                        view! {
                            <li data-testid="session-row">
                                <span class="session-device">{short_device(&s.device)}</span>
                                <span class="muted">
                                    {format!("{} · {} · last seen {seen}", s.agency.name, s.address)}
                                </span>
                                {if s.current {
                                    view! { <span class="badge fresh">"This browser"</span> }.into_any()
                                } else {
                                    view! {
                                        <button class="link" data-testid="session-end"
                                            on:click=move |_| end(id.clone())>
                                            "Sign out there"
                                        </button>
                                    }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()
                })}
            </ul>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}

/// A browser's own long name, cut to what a person recognises.
fn short_device(device: &str) -> String {
    for (marker, name) in [
        ("Edg/", "Edge"),
        ("Chrome/", "Chrome"),
        ("Firefox/", "Firefox"),
        ("Safari/", "Safari"),
    ] {
        if device.contains(marker) {
            let system = ["Android", "iPhone", "Windows", "Mac OS", "Linux"]
                .into_iter()
                .find(|s| device.contains(s))
                .unwrap_or("another system");
            return format!("{name} on {system}");
        }
    }
    if device.is_empty() {
        "A program".to_owned()
    } else {
        device.chars().take(40).collect()
    }
}
