//! Who takes a seat (R31), how many are taken (R30), and what they cost: queries on a snapshot,
//! which deciding and the preview of a change both read.

use crate::access::{Capability, CapabilitySet};
use crate::model::{Millis, Plan};
use crate::snapshot::{AgencyCounts, Snapshot, UserEntry};
use crate::user::{UserId, UserState};

impl Snapshot {
    /// The capability that makes a person take a seat under the plan (R31).
    fn seat_capability(plan: Plan) -> Capability {
        match plan {
            // BatchDialer bills only the people who dial.
            Plan::Seats { .. } => Capability::CallsMake,
            _ => Capability::Login,
        }
    }

    fn entry_takes_seat(&self, entry: &UserEntry, plan: Plan, now: Millis) -> bool {
        let user = &entry.user;
        let holds = match user.state {
            UserState::Active | UserState::Suspended => true,
            // An invitation holds its seat until it is accepted, revoked or expires.
            UserState::Invited => user.invitation_expires_at.is_some_and(|at| now < at),
            // Notification users never count; deleting frees the seat (R24).
            UserState::NotificationOnly | UserState::Deleted => false,
        };
        if !holds || user.support {
            return false;
        }
        let caps = entry
            .grants
            .iter()
            .filter(|g| g.grant.ends_at.is_none_or(|end| now < end))
            .fold(CapabilitySet::EMPTY, |caps, g| caps.union(g.caps));
        Self::switches(user, caps).contains(Self::seat_capability(plan))
    }

    /// Whether the person takes a seat now (R31).
    pub fn takes_seat(&self, user: &UserId, now: Millis) -> bool {
        self.takes_seat_under(user, self.agency.plan, now)
    }

    /// Whether the person would take a seat under `plan`.
    pub fn takes_seat_under(&self, user: &UserId, plan: Plan, now: Millis) -> bool {
        self.user_ix
            .get(user)
            .is_some_and(|&u| self.entry_takes_seat(&self.users[u as usize], plan, now))
    }

    /// How many seats are in use at `now` (R31).
    pub fn seats_used(&self, now: Millis) -> u32 {
        self.seats_under(self.agency.plan, now)
    }

    /// How many seats the people of the agency would take under `plan`: counted for a whole
    /// agency, given by [`AgencyCounts`] for a partial one.
    pub fn seats_under(&self, plan: Plan, now: Millis) -> u32 {
        if let Some(counts) = self.counts {
            return match plan {
                Plan::Seats { .. } => counts.dialers,
                _ => counts.logins,
            };
        }
        self.users
            .iter()
            .filter(|e| self.entry_takes_seat(e, plan, now))
            .count() as u32
    }

    /// The counts a partial snapshot of this (whole) agency needs.
    pub fn counts(&self, now: Millis) -> AgencyCounts {
        AgencyCounts {
            logins: self.seats_under(Plan::Unlimited, now),
            dialers: self.seats_under(Plan::Seats { seats: 0 }, now),
            top_administrators: self.top_administrator_count(now),
        }
    }

    /// The seats the people this snapshot holds take under `plan`.
    pub(crate) fn held_seats(&self, plan: Plan, now: Millis) -> u32 {
        self.users
            .iter()
            .filter(|e| self.entry_takes_seat(e, plan, now))
            .count() as u32
    }

    /// The counts among the people this snapshot holds, whatever the agency-wide counts say.
    /// For a partial snapshot, the difference of this before and after a change is the change's
    /// difference to the agency's counts: nobody outside the snapshot is touched by it.
    pub fn held_counts(&self, now: Millis) -> AgencyCounts {
        AgencyCounts {
            logins: self.held_seats(Plan::Unlimited, now),
            dialers: self.held_seats(Plan::Seats { seats: 0 }, now),
            top_administrators: self.top_administrators(now).len() as u32,
        }
    }

    /// The first moment after `now` at which the counts of the people held could change with
    /// no change being made: a grant starts or ends, or an invitation expires.
    pub fn next_count_change(&self, now: Millis) -> Option<Millis> {
        let grants = self
            .users
            .iter()
            .flat_map(|e| e.grants.iter())
            .flat_map(|g| [g.grant.starts_at, g.grant.ends_at]);
        let invitations = self
            .users
            .iter()
            .filter(|e| e.user.state == UserState::Invited)
            .map(|e| e.user.invitation_expires_at);
        grants
            .chain(invitations)
            .flatten()
            .filter(|&at| at > now)
            .min()
    }

    /// The monthly cost of `seats` seats under `plan`: per seat on Solo, Team and Seats (where
    /// the purchased number is billed), flat (not per seat) on Unlimited.
    pub fn monthly_cost_cents(&self, plan: Plan, seats: u32) -> u64 {
        let price = u64::from(self.agency.seat_price_cents);
        match plan {
            Plan::Solo | Plan::Team { .. } => price * u64::from(seats),
            Plan::Seats { seats: bought } => price * u64::from(bought.max(seats)),
            Plan::Unlimited => 0,
        }
    }
}
