//! The preview of what a change would do to seats and cost (§6), decided exactly as it would
//! be saved. Who takes a seat is counted in [`crate::counts`].

use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::decide::decide;
use crate::model::{Millis, Plan};
use crate::rule::Refusal;
use crate::snapshot::Snapshot;
use crate::user::UserId;

/// Seats and cost before and after a change, shown before it is saved (§6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SeatPreview {
    pub plan: Plan,
    /// The plan's limit after the change; `None` for no limit.
    pub limit: Option<u32>,
    pub seats_before: u32,
    pub seats_after: u32,
    pub monthly_cost_before_cents: u64,
    pub monthly_cost_after_cents: u64,
}

impl Snapshot {
    /// What `command` would do to seats and cost, decided exactly as it would be saved: a
    /// refusal (an over-limit one included) comes back as the refusal.
    pub fn seat_preview(
        &self,
        actor: &UserId,
        command: &Command,
        now: Millis,
    ) -> Result<SeatPreview, Refusal> {
        let events = decide(self, actor, command, now)?;
        let mut after = self.clone();
        after.apply_all(&events);
        let before_plan = self.agency.plan;
        let plan = after.agency.plan;
        let seats_before = self.seats_used(now);
        // The agency's seats under the new plan, moved by what the change does to the people
        // it touches: right for a whole snapshot and for a partial one alike.
        let seats_after = (i64::from(self.seats_under(plan, now))
            + i64::from(after.held_seats(plan, now))
            - i64::from(self.held_seats(plan, now)))
        .max(0) as u32;
        Ok(SeatPreview {
            plan,
            limit: plan.seat_limit(),
            seats_before,
            seats_after,
            monthly_cost_before_cents: self.monthly_cost_cents(before_plan, seats_before),
            monthly_cost_after_cents: self.monthly_cost_cents(plan, seats_after),
        })
    }
}
