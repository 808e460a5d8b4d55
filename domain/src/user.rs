//! Users and their lifecycle states.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A user's id: opaque text, unique within the whole service.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct UserId(
    #[serde(deserialize_with = "crate::input::deserialize_id")]
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::input::ID_PATTERN)))]
    pub String,
);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a user stands in the lifecycle of PRODUCT.md §5:
/// `invited → active → suspended ⇄ active → deleted`, and `notification_only` (no sign-in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserState {
    Invited,
    Active,
    Suspended,
    Deleted,
    NotificationOnly,
}

impl UserState {
    /// Every state, in lifecycle order.
    pub const ALL: [UserState; 5] = [
        UserState::Invited,
        UserState::Active,
        UserState::Suspended,
        UserState::Deleted,
        UserState::NotificationOnly,
    ];

    /// The name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            UserState::Invited => "invited",
            UserState::Active => "active",
            UserState::Suspended => "suspended",
            UserState::Deleted => "deleted",
            UserState::NotificationOnly => "notification_only",
        }
    }

    /// Whether a user in this state may open a session at all (R16, R23, R24).
    pub fn may_sign_in(self) -> bool {
        matches!(self, UserState::Active)
    }

    /// The words an administrator reads in the user list.
    pub fn label(self) -> &'static str {
        match self {
            UserState::Invited => "Invited",
            UserState::Active => "Active",
            UserState::Suspended => "Suspended",
            UserState::Deleted => "Deleted",
            UserState::NotificationOnly => "Notifications only",
        }
    }
}

/// A stored state name that is not one of [`UserState::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown user state {0:?}")]
pub struct UnknownUserState(pub String);

impl FromStr for UserState {
    type Err = UnknownUserState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownUserState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips_through_its_name() {
        for state in UserState::ALL {
            assert_eq!(state.as_str().parse::<UserState>(), Ok(state));
        }
        assert!("archived".parse::<UserState>().is_err());
    }

    #[test]
    fn only_active_users_sign_in() {
        // R16: notification-only users have no login; R23: suspended users are stopped.
        let allowed: Vec<_> = UserState::ALL
            .into_iter()
            .filter(|s| s.may_sign_in())
            .collect();
        assert_eq!(allowed, vec![UserState::Active]);
    }
}
