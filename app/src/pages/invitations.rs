//! Pending invitations (R21): who was invited, until when the link works, and sending it again
//! or revoking it. The list comes from the Worker; offline, the screen says so.

use domain::api::InvitationLine;
use leptos::prelude::*;

use crate::api;
use crate::components::local_time;
use crate::pages::account::words;

/// The pending invitations the signed-in person may see.
#[component]
pub fn Invitations() -> impl IntoView {
    let list = LocalResource::new(api::invitations);
    // The outcome of the last action, in words.
    let said = RwSignal::new(None::<(bool, String)>);
    // The invitation whose revocation waits for a second click.
    let confirming = RwSignal::new(None::<String>);
    let acting = Action::new_local(move |(line, revoke): &(InvitationLine, bool)| {
        let (line, revoke) = (line.clone(), *revoke);
        async move {
            let outcome = if revoke {
                api::revoke_invitation(&line.id.0).await
            } else {
                api::resend_invitation(&line.id.0).await
            };
            said.set(Some(match outcome {
                Ok(()) if revoke => (true, format!("{}'s invitation is revoked.", line.name)),
                Ok(()) => (
                    true,
                    format!(
                        "A new link is on its way to {}; the old one no longer works.",
                        line.email
                    ),
                ),
                Err(e) => (false, words(e)),
            }));
            list.refetch();
        }
    });
    let act = move |line: InvitationLine, revoke: bool| {
        confirming.set(None);
        acting.dispatch((line, revoke));
    };
    view! {
        <main class="page">
            <div class="page-head">
                <h1>"Invitations"</h1>
                <span class="count" data-testid="invitation-count">
                    {move || list.get().and_then(Result::ok).map(|l| match l.invitations.len() {
                        1 => "1 pending".to_owned(),
                        n => format!("{n} pending"),
                    })}
                </span>
            </div>
            {move || said.get().map(|(ok, text)| view! {
                <p class=if ok { "notice toast" } else { "error toast" } role="status"
                    data-testid="invitation-outcome">{text}</p>
            })}
            {move || match list.get() {
                None => view! { <p class="muted">"Loading invitations…"</p> }.into_any(),
                Some(Err(e)) => view! {
                    <p class="error" role="alert" data-testid="invitations-error">{words(e)}</p>
                }.into_any(),
                Some(Ok(l)) if l.invitations.is_empty() => view! {
                    <p class="muted empty" data-testid="invitations-empty">
                        "Nobody is waiting to accept an invitation."
                    </p>
                }.into_any(),
                Some(Ok(l)) => view! {
                    <ul class="invitation-list">
                        {l.invitations.into_iter().map(|line| {
                            let id = line.id.0.clone();
                            let asking = {
                                let id = id.clone();
                                move || confirming.get().as_deref() == Some(id.as_str())
                            };
                            let (resend, revoke, ask) = (line.clone(), line.clone(), id.clone());
                            let until = line.expires_at.map(local_time).unwrap_or_default();
                            view! {
                                <li data-testid="invitation-row">
                                    <span class="invitee">
                                        <strong>{line.name.clone()}</strong>
                                        <span class="muted">{line.email.clone()}</span>
                                    </span>
                                    <span class=if line.expired { "state invited expired" } else { "muted" }>
                                        {if line.expired {
                                            "Expired: the link no longer works".to_owned()
                                        } else {
                                            format!("Link works until {until}")
                                        }}
                                    </span>
                                    <span class="actions">
                                        <button class="small" data-testid="invitation-resend"
                                            prop:disabled=move || acting.pending().get()
                                            on:click=move |_| act(resend.clone(), false)>
                                            "Send again"
                                        </button>
                                        <Show when=asking.clone() fallback=move || {
                                            let ask = ask.clone();
                                            view! {
                                                <button class="small secondary" data-testid="invitation-revoke"
                                                    on:click=move |_| confirming.set(Some(ask.clone()))>
                                                    "Revoke"
                                                </button>
                                            }
                                        }>
                                            {
                                                let revoke = revoke.clone();
                                                view! {
                                                    <span class="confirm" role="group"
                                                        aria-label="Revoke this invitation?">
                                                        "Revoke? The link stops working."
                                                        <button class="small destructive"
                                                            data-testid="invitation-revoke-confirm"
                                                            on:click=move |_| act(revoke.clone(), true)>
                                                            "Revoke"
                                                        </button>
                                                        <button class="small secondary"
                                                            on:click=move |_| confirming.set(None)>
                                                            "Keep it"
                                                        </button>
                                                    </span>
                                                }
                                            }
                                        </Show>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </main>
    }
}
