//! The agency: plan and seats, agent statuses and groups, two-factor requirement, ownership,
//! support access and tracking numbers.

use domain::api::{
    AgencySettingsEdit, AgencyView, NumberAssignment, NumberLine, NumberList, OwnershipTransfer,
    PlanChange, SupportAccess,
};
use domain::{Capability, Command, E164, GrantId, Needs, UserId};
use worker::{Request, Response};

use super::commands::{answer, answer_all, given_or_fresh};
use super::session::load_caller;
use super::users::reach_or_refuse;
use super::{Ctx, json, read_json, session::authenticate};
use crate::error::ApiError;
use crate::store::numbers;

/// `GET /api/v1/agency`: plan, seats in use and their cost, the agent lists and whether
/// two-factor sign-in is required. Any member may read it.
pub async fn get(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let (_, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let agency = snapshot.agency();
    let seats_used = snapshot.seats_used(ctx.now);
    json(
        200,
        &AgencyView {
            id: agency.id.clone(),
            name: agency.name.clone(),
            owner: agency.owner.0.clone(),
            plan: agency.plan,
            seat_limit: agency.plan.seat_limit(),
            seats_used,
            monthly_cost_cents: snapshot.monthly_cost_cents(agency.plan, seats_used),
            agent_statuses: agency.agent_statuses.clone(),
            agent_groups: agency.agent_groups.clone(),
            require_two_factor: agency.require_two_factor,
            session_idle_minutes: agency.session_idle_minutes,
        },
    )
}

/// `PATCH /api/v1/agency`: agent statuses, agent groups, required two-factor sign-in.
pub async fn configure(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let actor = authenticate(req, ctx).await?;
    let body: AgencySettingsEdit = read_json(req).await?;
    if body.require_two_factor == Some(true) && actor.totp_enabled == 0 {
        return Err(ApiError::Conflict(
            "Turn on two-factor sign-in for yourself first, so that requiring it cannot lock \
             you out"
                .into(),
        ));
    }
    let command = Command::ConfigureAgency {
        agent_statuses: body.agent_statuses,
        agent_groups: body.agent_groups,
        require_two_factor: body.require_two_factor,
        session_idle_minutes: body.session_idle_minutes,
    };
    answer(req, ctx, command, 200).await
}

/// `PUT /api/v1/agency/plan`: changes the plan (R30).
pub async fn change_plan(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: PlanChange = read_json(req).await?;
    answer(req, ctx, Command::ChangePlan { plan: body.plan }, 200).await
}

/// `POST /api/v1/agency/seat-preview`: what a command would do to seats and cost, decided
/// exactly as it would be saved, without saving it.
pub async fn preview(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let command: Command = read_json(req).await?;
    let (actor, snapshot) = load_caller(req, ctx, command.needs_beside_actor()).await?;
    let preview = snapshot
        .seat_preview(&actor.user_id, &command, ctx.now)
        .map_err(ApiError::Refused)?;
    json(200, &preview)
}

/// `POST /api/v1/agency/owner`: the owner hands the agency to another member.
pub async fn transfer(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: OwnershipTransfer = read_json(req).await?;
    let command = Command::TransferOwnership {
        to: body.to,
        grant: given_or_fresh(body.grant, "g", GrantId)?,
    };
    answer(req, ctx, command, 200).await
}

/// `POST /api/v1/support-access`: lets platform support in, until a time, for a reason.
pub async fn support(req: &mut Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let body: SupportAccess = read_json(req).await?;
    let command = Command::GrantSupportAccess {
        user: given_or_fresh(body.id, "u", UserId)?,
        grant: given_or_fresh(body.grant, "g", GrantId)?,
        email: body.email,
        reason: body.reason,
        until: body.until,
    };
    answer(req, ctx, command, 201).await
}

/// `GET /api/v1/numbers`: tracking numbers whose person the caller may see with
/// `numbers.view`.
pub async fn numbers(req: &Request, ctx: &Ctx) -> Result<Response, ApiError> {
    let (actor, snapshot) = load_caller(req, ctx, Needs::default()).await?;
    let reach = reach_or_refuse(&snapshot, &actor.user_id, Capability::NumbersView, ctx.now)?;
    let numbers: Vec<NumberLine> = numbers::within(&ctx.db, &actor.agency_id, &reach).await?;
    json(200, &NumberList { numbers })
}

/// `PUT /api/v1/numbers/{number}`: sends the number's calls to another person: it leaves its
/// current person's settings and joins the new one's, decided and written together (a number
/// has one destination, §7).
pub async fn assign(req: &mut Request, ctx: &Ctx, number: &str) -> Result<Response, ApiError> {
    let number = E164::parse(number).map_err(|e| ApiError::field("number", e.to_string()))?;
    let body: NumberAssignment = read_json(req).await?;
    let mut needs = Needs::default();
    needs.users.insert(body.user.clone());
    needs.numbers.insert(number.as_str().to_owned());
    let (_, snapshot) = load_caller(req, ctx, needs).await?;
    let Some(to) = snapshot.user(&body.user) else {
        return Err(ApiError::NotFound);
    };
    let mut commands = Vec::new();
    let from = snapshot
        .users()
        .find(|u| u.settings.tracking_numbers.contains(&number));
    if let Some(from) = from {
        if from.id == to.id {
            return Err(ApiError::Conflict(format!(
                "{} already goes to {}",
                number.as_str(),
                to.name
            )));
        }
        let mut settings = from.settings.clone();
        settings.tracking_numbers.retain(|n| *n != number);
        commands.push(Command::EditAgentSettings {
            user: from.id.clone(),
            settings: Box::new(settings),
        });
    }
    let mut settings = to.settings.clone();
    settings.tracking_numbers.push(number);
    commands.push(Command::EditAgentSettings {
        user: to.id.clone(),
        settings: Box::new(settings),
    });
    answer_all(req, ctx, &commands, 200).await
}
