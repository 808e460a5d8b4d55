//! Dialer campaigns, who dials on them, and who is in an agent group (§7).

use domain::api::{CampaignDraft, CampaignList, DialerList, GroupMembers};
use domain::{CampaignId, Capability, Command, Needs, UserId};
use worker::{Request, Response};

use super::commands::{answer, answer_all, given_or_fresh};
use super::session::load_caller;
use super::{Ctx, json, read_json};
use crate::error::ApiError;

/// What reading campaigns loads: all of them, with the nodes they live at.
fn campaigns() -> Needs {
    Needs {
        campaigns: true,
        ..Needs::default()
    }
}

fn refused_everywhere() -> ApiError {
    ApiError::Forbidden {
        rule: "R10",
        reason: format!(
            "Your roles do not let you {} in any account",
            Capability::CampaignsView.words()
        ),
    }
}

/// `GET /api/v1/campaigns`: the campaigns at nodes where the caller may see campaigns, by
/// name.
pub async fn list(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let (actor, snapshot) = load_caller(req, ctx, campaigns()).await?;
    let me = &actor.user_id;
    if snapshot
        .reach(me, Capability::CampaignsView, ctx.now)
        .is_empty()
    {
        return Err(refused_everywhere());
    }
    let mut campaigns: Vec<domain::Campaign> = snapshot
        .campaigns()
        .filter(|c| snapshot.can(me, Capability::CampaignsView, &c.node, ctx.now))
        .cloned()
        .collect();
    campaigns.sort_by_cached_key(|c| (domain::input::name_key(&c.name), c.id.clone()));
    json(200, &CampaignList { campaigns })
}

/// `POST /api/v1/campaigns`: a new campaign.
pub async fn create(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: CampaignDraft = read_json(req).await?;
    let command = Command::CreateCampaign {
        campaign: given_or_fresh(body.id, "c", CampaignId)?,
        name: body.name,
        node: body.node,
        agent_groups: body.agent_groups,
    };
    answer(req, ctx, command, 201).await
}

/// `PUT /api/v1/campaigns/{id}`: a campaign's name, node and groups, replaced. Editing is not
/// creating: `domain` answers an id the agency does not have as not found.
pub async fn edit(req: &mut Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let body: CampaignDraft = read_json(req).await?;
    if body.id.as_ref().is_some_and(|given| given.0 != id) {
        return Err(ApiError::field(
            "id",
            "the body names another campaign than the path",
        ));
    }
    let command = Command::EditCampaign {
        campaign: CampaignId(id.to_owned()),
        name: body.name,
        node: body.node,
        agent_groups: body.agent_groups,
    };
    answer(req, ctx, command, 200).await
}

/// `DELETE /api/v1/campaigns/{id}`.
pub async fn delete(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let command = Command::DeleteCampaign {
        campaign: CampaignId(id.to_owned()),
    };
    answer(req, ctx, command, 200).await
}

/// `GET /api/v1/campaigns/{id}/dialers`: everyone in the campaign's groups, and whether each
/// dials on it (and why not). A campaign the caller may not see reads as one that does not
/// exist (R2).
pub async fn dialers(req: &Request, ctx: &Ctx, id: &str) -> Result<Response, ApiError> {
    let needs = Needs {
        listed: true,
        ..campaigns()
    };
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    let campaign = snapshot
        .campaign(&CampaignId(id.to_owned()))
        .filter(|c| snapshot.can(&actor.user_id, Capability::CampaignsView, &c.node, ctx.now))
        .ok_or(ApiError::NotFound)?;
    let dialers = snapshot.dialers(campaign, ctx.now);
    json(
        200,
        &DialerList {
            campaign: campaign.clone(),
            dialers,
        },
    )
}

/// `POST /api/v1/agent-groups/members`: puts people in an agent group and takes others out,
/// all or nothing; each change is a change of that person's agent settings, decided as one.
pub async fn members(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: GroupMembers = read_json(req).await?;
    let group = body.group.as_str().to_owned();
    if body.add.iter().any(|u| body.remove.contains(u)) {
        return Err(ApiError::field(
            "add",
            "a person is both added and taken out",
        ));
    }
    if body.add.len() + body.remove.len() > domain::api::MAX_GROUP_CHANGE {
        return Err(ApiError::field(
            "add",
            format!(
                "at most {} people change in one request",
                domain::api::MAX_GROUP_CHANGE
            ),
        ));
    }
    let mut needs = Needs::default();
    needs.users.extend(body.add.iter().cloned());
    needs.users.extend(body.remove.iter().cloned());
    let (actor, snapshot) = load_caller(req, ctx, needs).await?;
    // Each person named is decided on, changed or not: a request that changes nothing is
    // still refused to someone who may not change them, so it tells them nothing either.
    let mut commands = Vec::new();
    let change = |user: &UserId, join: bool| -> Result<Option<Command>, ApiError> {
        let person = snapshot
            .user(user)
            .filter(|u| u.state != domain::UserState::Deleted)
            .ok_or(ApiError::NotFound)?;
        let mut settings = person.settings.clone();
        let inside = settings.agent_groups.contains(&group);
        if join && !inside {
            settings.agent_groups.push(group.clone());
        } else if !join {
            settings.agent_groups.retain(|g| *g != group);
        }
        let command = Command::EditAgentSettings {
            user: user.clone(),
            settings: Box::new(settings),
        };
        if join != inside {
            return Ok(Some(command));
        }
        domain::decide(&snapshot, &actor.user_id, &command, ctx.now).map_err(ApiError::Refused)?;
        Ok(None)
    };
    for user in &body.add {
        commands.extend(change(user, true)?);
    }
    for user in &body.remove {
        commands.extend(change(user, false)?);
    }
    if !snapshot.agency().agent_groups.contains(&group) && !body.add.is_empty() {
        return Err(ApiError::field(
            "group",
            format!("{group:?} is not one of the agency's agent groups"),
        ));
    }
    if commands.is_empty() {
        return json(200, &domain::api::CommandOutcome { events: vec![] });
    }
    answer_all(req, ctx, &commands, 200).await
}
