//! The API's route table: which handler answers a method and a path.
//!
//! It is plain data and a pure function, so tests (and the OpenAPI check) can read every route
//! without a runtime.

use crate::error::ApiError;

/// A route of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Health,
    SignIn,
    SignOut,
    Me,
    ListUsers,
}

/// Every route: method, path under `/api/v1`, and the handler.
pub const ROUTES: &[(&str, &str, Route)] = &[
    ("GET", "/health", Route::Health),
    ("POST", "/session", Route::SignIn),
    ("DELETE", "/session", Route::SignOut),
    ("GET", "/me", Route::Me),
    ("GET", "/users", Route::ListUsers),
];

/// Finds the route for `method` and `path` (the full path, `/api/v1/...`).
pub fn resolve(method: &str, path: &str) -> Result<Route, ApiError> {
    let rest = path
        .strip_prefix(domain::api::API_BASE)
        .ok_or(ApiError::NotFound)?;
    let rest = match rest.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => rest,
    };
    let mut allowed: Vec<&'static str> = Vec::new();
    for &(m, p, route) in ROUTES {
        if p == rest {
            if m == method {
                return Ok(route);
            }
            allowed.push(m);
        }
    }
    if allowed.is_empty() {
        return Err(ApiError::NotFound);
    }
    Err(ApiError::MethodNotAllowed(allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_in_the_table_resolves_to_itself() {
        for &(method, path, route) in ROUTES {
            let full = format!("/api/v1{path}");
            assert_eq!(resolve(method, &full).unwrap(), route);
        }
    }

    #[test]
    fn a_trailing_slash_is_the_same_route() {
        assert_eq!(resolve("GET", "/api/v1/users/").unwrap(), Route::ListUsers);
    }

    #[test]
    fn unknown_paths_are_not_found_and_wrong_methods_say_what_is_allowed() {
        assert!(matches!(
            resolve("GET", "/api/v1/nope"),
            Err(ApiError::NotFound)
        ));
        assert!(matches!(
            resolve("GET", "/api/v2/users"),
            Err(ApiError::NotFound)
        ));
        match resolve("PUT", "/api/v1/session") {
            Err(ApiError::MethodNotAllowed(allowed)) => assert_eq!(allowed, ["POST", "DELETE"]),
            other => panic!("expected 405, got {other:?}"),
        }
    }
}
