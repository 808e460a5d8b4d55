//! The rules of PRODUCT.md that a decision applies, and a refusal: which rule, and why in
//! plain words. How the API answers a refusal (its HTTP status) belongs to [`crate::api`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// The rules of PRODUCT.md that a refusal can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
    R20,
    R21,
    R22,
    R23,
    R24,
    R25,
    R30,
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
