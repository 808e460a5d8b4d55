//! The rules of PRODUCT.md that a decision applies, and a refusal: which rule, and why in
//! plain words. How the API answers a refusal (its HTTP status) belongs to [`crate::api`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// The rules of PRODUCT.md that a refusal can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum Rule {
    /// A grant made at a node reaches that node and everything below it.
    R1,
    /// Nothing reaches across agencies: an id from another agency (or one the actor may not see)
    /// is answered exactly like an id that does not exist.
    R2,
    /// A person may hold several roles, each at one node; what they may do at a node is the union
    /// of the grants there and above.
    R3,
    /// The contact-edit switch is a grant of `contacts.edit`; one's own calling can be switched
    /// off and back on (seats permitting).
    R4,
    /// To add, edit, suspend or delete someone, the actor needs the matching `users.*` capability
    /// at every node where that person holds a grant.
    R10,
    /// No escalation: an actor gives a role at a node only if they hold every capability of that
    /// role there (roles, custom roles and API tokens alike).
    R11,
    /// Nobody changes their own roles, suspends or deletes themself.
    R12,
    /// Demotion is one step, with the same checks as promotion.
    R13,
    /// The last administrator of the whole agency cannot be demoted, suspended or deleted.
    R14,
    /// Only an actor with `accounts.create` at a node creates accounts, groups or locations under
    /// it.
    R15,
    /// Giving a notification-only person a role that signs in takes an invitation.
    R16,
    /// Custom roles are named capability sets; R11 applies to defining and editing them, and an
    /// edit changes every holder at once.
    R20,
    /// An invitation is a single-use link, valid 7 days, stored only as a hash; resending replaces
    /// it, revoking kills it.
    R21,
    /// A password has 8 to 128 characters with letters, digits and an upper-case letter.
    R22,
    /// Suspension takes effect at once: sessions and API tokens stop on their next request.
    R23,
    /// Deleting removes access at once and frees the seat; the person's history keeps their name,
    /// and their work can be handed to someone else first.
    R24,
    /// Every change writes an audit entry (who, what, when, before and after), which nobody edits
    /// or deletes; the log is for administrators of the agency.
    R25,
    /// Plans and their limits (Solo, Team up to 25 unless support raised it, Seats, Unlimited); a
    /// change past the limit is refused, naming the limit and how to raise it.
    R30,
    /// Who takes a seat: on Solo and Team everyone not deleted who signs in (pending invitations
    /// included); on Seats those who make calls; never notification-only people.
    R31,
    /// §11: ownership, support access and time-limited grants.
    Beyond,
    /// The request contradicts the current state (a name taken, a node not empty).
    Conflict,
    /// A value is not acceptable.
    Input,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Beyond => f.write_str("§11"),
            Rule::Conflict => f.write_str("conflict"),
            Rule::Input => f.write_str("input"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A command refused: which rule, and in plain words why and what would make it possible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Refusal {
    pub rule: Rule,
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason, self.rule)
    }
}

impl std::error::Error for Refusal {}

pub(crate) fn refuse<T>(rule: Rule, reason: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal {
        rule,
        reason: reason.into(),
    })
}
