//! People: the list, one person, inviting, notification-only people, profile, switches and
//! agent settings, deleting with reassignment, invitations and effective access.

use std::cell::RefCell;
use std::collections::HashMap;

use domain::api::{RoleAtNode, UserDetail};
use domain::read::{self, Reader};
use domain::{AgentSettings, Capability, Command, GrantId, Needs, UserId, UserState};
use serde::Deserialize;
use worker::{Request, Response};

use super::commands::{answer, answer_all, given_or_fresh};
use super::query::{self, decode_cursor};
use super::session::{load_caller, load_caller_with};
use super::{Ctx, json, json_text, read_json};
use crate::error::ApiError;
use crate::store::part;
use crate::store::users::{self, Filter, Reach, Shape, Sort};

/// The caller's reach for a capability, or the refusal when they have none anywhere.
pub(super) fn reach_or_refuse<'s>(
    snapshot: &'s domain::Snapshot,
    user: &UserId,
    capability: Capability,
    now: domain::Millis,
) -> Result<Vec<&'s str>, ApiError> {
    let reader = Reader {
        snapshot,
        user,
        now,
    };
    let reach = read::reach(&reader, capability).map_err(ApiError::Refused)?;
    Ok(reach.into_iter().map(|n| n.0.as_str()).collect())
}

/// The nodes where the caller may see people (R1), or the R10 refusal when nowhere.
pub(super) fn people_reach<'s>(
    snapshot: &'s domain::Snapshot,
    user: &UserId,
    now: domain::Millis,
) -> Result<Vec<&'s str>, ApiError> {
    reach_or_refuse(snapshot, user, Capability::UsersView, now)
}

pub(super) fn filter_of(params: &HashMap<String, String>) -> Result<Filter, ApiError> {
    let (sort, descending) = match params.get("sort").map(String::as_str) {
        None | Some("name") => (Sort::Name, false),
        Some("-name") => (Sort::Name, true),
        Some("email") => (Sort::Email, false),
        Some("-email") => (Sort::Email, true),
        Some("created") => (Sort::Created, false),
        Some("-created") => (Sort::Created, true),
        Some(_) => {
            return Err(ApiError::field(
                "sort",
                "one of name, -name, email, -email, created, -created",
            ));
        }
    };
    let state = params
        .get("state")
        .map(|s| {
            serde_json::from_value::<UserState>(serde_json::Value::String(s.clone())).map_err(
                |_| {
                    ApiError::field(
                        "state",
                        "one of invited, active, suspended, notification_only",
                    )
                },
            )
        })
        .transpose()?;
    let search = params
        .get("q")
        .map(|q| domain::input::name_key(q.trim()))
        .filter(|q| !q.is_empty());
    let after = params
        .get("after")
        .map(|c| decode_cursor::<(serde_json::Value, String)>(c))
        .transpose()?;
    Ok(Filter {
        search,
        state,
        role: params.get("role").cloned(),
        node: params.get("node").cloned(),
        group: params.get("group").cloned(),
        sort,
        descending,
        after,
        limit: query::limit(params, 50, 200)?,
        ids: None,
        shape: Shape::Summary,
    })
}

/// The reach of a page as `domain` found it: everywhere when it holds the agency's own node.
pub(super) fn page_reach<'a>(
    snapshot: &domain::Snapshot,
    agency: &'a str,
    reach: &'a [&'a str],
) -> Reach<'a> {
    let top = |node: &&str| {
        snapshot
            .node(&domain::NodeId::from(*node))
            .is_some_and(|n| n.parent.is_none())
    };
    if reach.iter().any(top) {
        Reach::Everywhere { agency }
    } else {
        Reach::Nodes {
            agency,
            nodes: reach,
        }
    }
}

/// What an isolate remembers of a session's reach over people, to send the right page with
/// the caller's load: only a guess, used if `domain`, deciding on that load, finds the same.
#[derive(Clone, PartialEq, Eq)]
enum Seen {
    Everyone,
    /// The paths of the reach's nodes, sorted.
    Paths(Vec<String>),
}

thread_local! {
    /// For the sessions this isolate served lately, the reach `domain` last found.
    static SEEN: RefCell<HashMap<String, Seen>> = RefCell::new(HashMap::new());
}

/// How many sessions `SEEN` remembers before it starts again.
const REMEMBERED_SESSIONS: usize = 4096;

fn remember(digest: String, seen: Option<Seen>) {
    SEEN.with(|remembered| {
        let mut remembered = remembered.borrow_mut();
        let Some(seen) = seen else {
            remembered.remove(&digest);
            return;
        };
        if remembered.len() >= REMEMBERED_SESSIONS && !remembered.contains_key(&digest) {
            remembered.clear();
        }
        remembered.insert(digest, seen);
    });
}

/// The reach as remembered: everyone, or the sorted paths of its nodes (`None` if a node's
/// place in the tree was not loaded, which the caller's load always does).
fn seen_of(snapshot: &domain::Snapshot, reach: &Reach<'_>) -> Option<Seen> {
    match reach {
        Reach::Nodes { nodes, .. } => {
            let mut paths = nodes
                .iter()
                .map(|n| snapshot.node_path(&domain::NodeId::from(*n)))
                .collect::<Option<Vec<String>>>()?;
            paths.sort();
            Some(Seen::Paths(paths))
        }
        _ => Some(Seen::Everyone),
    }
}

/// `GET /api/v1/users`: one page of the people the caller may see (R1, R10), with search
/// (`q`), filters (`state`, `role`, `node`), order (`sort`) and cursor paging (`limit`,
/// `after`).
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(
        req,
        &[
            "q", "state", "role", "node", "group", "sort", "limit", "after",
        ],
    )?;
    let mut filter = filter_of(&params)?;
    filter.limit += 1;
    // For a session, the page goes in the same batch as the caller's load, for the reach this
    // isolate last found for the session (everyone, the first time). It is used only if
    // `domain`, deciding on the loaded rows, finds that same reach. Otherwise (a first guess
    // that was wrong, a reach that changed, a token's narrower scope) the page is asked again
    // with `domain`'s reach: one more round trip. A part is remembered as its nodes' paths,
    // which the load holds (each node's ancestry), so SQL need not work out the reach again.
    let mut sent: Option<(String, Seen)> = None;
    let (actor, snapshot, extra) = load_caller_with(req, ctx, Needs::default(), |who| match who {
        part::Who::Session(digest) => {
            let guess = SEEN
                .with(|seen| seen.borrow().get(digest).cloned())
                .unwrap_or(Seen::Everyone);
            let reach = match &guess {
                Seen::Everyone => Reach::SessionEverywhere { digest },
                Seen::Paths(paths) => Reach::Session { digest, paths },
            };
            let column = users::page_column(reach, &filter)?;
            sent = Some((digest.to_owned(), guess));
            Ok(vec![column])
        }
        _ => Ok(vec![]),
    })
    .await?;
    let nodes = people_reach(&snapshot, &actor.user_id, ctx.now)?;
    let reach = page_reach(&snapshot, &actor.agency_id, &nodes);
    let usable = match sent {
        Some((digest, guess)) => {
            let found = seen_of(&snapshot, &reach);
            let same = found.as_ref() == Some(&guess);
            remember(digest, found);
            same
        }
        None => false,
    };
    // SQL wrote the answer whole (a `domain::api::UsersPage`); it is handed on untouched.
    let page = if usable {
        users::page_document(extra.into_iter().next().flatten())?
    } else {
        users::page(&ctx.db, reach, &filter).await?
    };
    json_text(200, page)
}

/// `GET /api/v1/users/{id}`: one person and the grants of theirs the caller may see; anyone
/// the caller may not see is answered exactly as someone who does not exist (R1, R2).
pub async fn get(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let target = UserId(id.to_owned());
    let mut needs = Needs::default();
    needs.users.insert(target.clone());
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    let Some(user) = snapshot.user(&target) else {
        return Err(ApiError::NotFound);
    };
    if user.state == UserState::Deleted {
        // R24: a deleted person's page is their history, for those who read the audit log.
        let reader = Reader {
            snapshot: &snapshot,
            user: &actor.user_id,
            now: ctx.now,
        };
        if read::audit_log(&reader).is_err() {
            return Err(ApiError::NotFound);
        }
        let history = super::audit::history_of(ctx, &actor.agency_id, id).await?;
        return json(
            200,
            &UserDetail {
                user: user.clone(),
                roles: Vec::new(),
                last_sign_in_at: None,
                history,
            },
        );
    }
    if !snapshot.can_view_user(&actor.user_id, &target, ctx.now) {
        return Err(ApiError::NotFound);
    }
    let mut roles: Vec<RoleAtNode> = snapshot
        .grants_of(&target)
        .filter(|g| {
            actor.user_id == target
                || snapshot.can(&actor.user_id, Capability::UsersView, &g.node, ctx.now)
        })
        .map(|g| role_at_node(&snapshot, g))
        .collect();
    roles.sort_by(RoleAtNode::list_order);
    let last_sign_in_at = users::last_sign_in(&ctx.db, &actor.agency_id, id).await?;
    json(
        200,
        &UserDetail {
            user: user.clone(),
            roles,
            last_sign_in_at,
            history: Vec::new(),
        },
    )
}

/// One grant as the user list shows it.
pub fn role_at_node(snapshot: &domain::Snapshot, g: &domain::Grant) -> RoleAtNode {
    RoleAtNode {
        role: snapshot.role_name(&g.role),
        node: snapshot
            .node(&g.node)
            .map(|n| n.name.clone())
            .unwrap_or_default(),
        grant: g.id.0.clone(),
        node_id: g.node.0.clone(),
        custom_role: match &g.role {
            domain::RoleRef::Custom(id) => Some(id.0.clone()),
            domain::RoleRef::Builtin(_) => None,
        },
        starts_at: g.starts_at,
        ends_at: g.ends_at,
    }
}

/// `POST /api/v1/users`: invites a person with one role at one node (R21).
pub async fn invite(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: domain::api::NewPerson = read_json(req).await?;
    let command = Command::Invite {
        user: given_or_fresh(body.id, "u", UserId)?,
        grant: given_or_fresh(body.grant, "g", GrantId)?,
        email: body.email,
        name: body.name,
        role: body.role,
        node: body.node,
    };
    answer(req, ctx, command, 201).await
}

/// `POST /api/v1/notification-users`: someone who only receives notifications (R16).
pub async fn add_notification(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: domain::api::NewNotificationPerson = read_json(req).await?;
    let command = Command::AddNotificationUser {
        user: given_or_fresh(body.id, "u", UserId)?,
        grant: given_or_fresh(body.grant, "g", GrantId)?,
        email: body.email,
        name: body.name,
        node: body.node,
    };
    answer(req, ctx, command, 201).await
}

/// `PATCH /api/v1/users/{id}`: name and address, and the dialer and contact-edit switches
/// (R4), decided and written together.
pub async fn edit(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let body: domain::api::PersonEdit = read_json(req).await?;
    let user = UserId(id.to_owned());
    let mut commands = Vec::new();
    if body.name.is_some() || body.email.is_some() {
        commands.push(Command::EditProfile {
            user: user.clone(),
            name: body.name,
            email: body.email,
        });
    }
    if body.calling_enabled.is_some() || body.contact_edit.is_some() {
        commands.push(Command::SetSwitches {
            user,
            calling_enabled: body.calling_enabled,
            contact_edit: body.contact_edit,
        });
    }
    answer_all(req, ctx, &commands, 200).await
}

/// `PUT /api/v1/users/{id}/settings`: the person's agent settings, whole (§7).
pub async fn settings(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let settings: AgentSettings = read_json(req).await?;
    let command = Command::EditAgentSettings {
        user: UserId(id.to_owned()),
        settings: Box::new(settings),
    };
    answer(req, ctx, command, 200).await
}

/// `DELETE /api/v1/users/{id}?reassign_to=`: deletes the person, first handing their work to
/// another (R24).
pub async fn delete(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let params = query::params(req, &["reassign_to"])?;
    let command = Command::Delete {
        user: UserId(id.to_owned()),
        reassign_to: params.get("reassign_to").map(|u| UserId(u.clone())),
    };
    answer(req, ctx, command, 200).await
}

/// `POST /api/v1/users/{id}/invitation`: a new link; the old one dies (R21).
pub async fn resend(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let user = UserId(id.to_owned());
    answer(req, ctx, Command::ResendInvitation { user }, 200).await
}

/// `DELETE /api/v1/users/{id}/invitation`: revokes a pending invitation (R21).
pub async fn revoke(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let user = UserId(id.to_owned());
    answer(req, ctx, Command::RevokeInvitation { user }, 200).await
}

/// `GET /api/v1/invitations`: pending invitations the caller may see, with their expiry.
pub async fn pending(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let params = query::params(req, &["limit", "after"])?;
    let mut filter = filter_of(&params)?;
    filter.state = Some(UserState::Invited);
    filter.sort = Sort::Created;
    filter.shape = Shape::Invitation;
    filter.limit += 1;
    let (actor, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let reach = people_reach(&snapshot, &actor.user_id, ctx.now)?;
    let reach = page_reach(&snapshot, &actor.agency_id, &reach);
    let page = users::page(&ctx.db, reach, &filter).await?;
    #[derive(Deserialize)]
    struct Invitation {
        id: String,
        name: String,
        email: String,
        expires_at: Option<domain::Millis>,
    }
    let page: domain::api::UsersPage<Vec<Invitation>> = serde_json::from_str(&page)
        .map_err(|e| ApiError::Internal(format!("the invitations' JSON: {e}")))?;
    let invitations = page
        .users
        .into_iter()
        .map(|row| domain::api::InvitationLine {
            id: UserId(row.id),
            name: row.name,
            email: row.email,
            expires_at: row.expires_at,
            expired: row.expires_at.is_none_or(|at| at <= ctx.now),
        })
        .collect();
    json(
        200,
        &domain::api::InvitationList {
            invitations,
            next: page.next,
        },
    )
}

/// `GET /api/v1/users/{id}/access`: what the person may do where, and why (§9).
pub async fn access(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let target = UserId(id.to_owned());
    let mut needs = Needs::default();
    needs.users.insert(target.clone());
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    if snapshot.user(&target).is_none() || !snapshot.can_view_user(&actor.user_id, &target, ctx.now)
    {
        return Err(ApiError::NotFound);
    }
    let access: Vec<_> = snapshot
        .effective_access(&target, ctx.now)
        .into_iter()
        .filter(|a| {
            actor.user_id == target
                || snapshot.can(&actor.user_id, Capability::UsersView, &a.node, ctx.now)
        })
        .collect();
    json(
        200,
        &domain::api::UserAccess {
            user: target,
            access,
        },
    )
}
