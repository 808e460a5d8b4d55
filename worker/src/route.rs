//! The API's route table: which handler answers a method and a path.
//!
//! It is plain data and a pure function, so tests (and the OpenAPI check) can read every route
//! without a runtime. `{id}` in a pattern matches one path segment.

use domain::input::MAX_ID;

use crate::error::ApiError;

/// A route of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Health,
    SignIn,
    SignOut,
    SignOutEverywhere,
    SwitchAgency,
    Me,
    MyAgencies,
    MySessions,
    EndMySession,
    ChangePassword,
    ChangeEmail,
    ConfirmEmail,
    ForgotPassword,
    ResetPassword,
    PreviewInvitation,
    TotpSetup,
    TotpConfirm,
    OpenApi,
    Command,
    ListUsers,
    Invite,
    ImportUsers,
    GetUser,
    EditUser,
    DeleteUser,
    EditSettings,
    Suspend,
    Unsuspend,
    ResendInvitation,
    RevokeInvitation,
    Access,
    AddGrant,
    AddNotificationUser,
    ListInvitations,
    AcceptInvitation,
    ChangeGrant,
    RemoveGrant,
    ListRoles,
    CreateRole,
    EditRole,
    DeleteRole,
    ListNodes,
    CreateNode,
    EditNode,
    DeleteNode,
    ListNumbers,
    AssignNumber,
    ListCampaigns,
    CreateCampaign,
    EditCampaign,
    DeleteCampaign,
    CampaignDialers,
    GroupMembers,
    Agency,
    ConfigureAgency,
    ChangePlan,
    SeatPreview,
    TransferOwnership,
    SupportAccess,
    Audit,
    AuditCsv,
    Explain,
    ListTokens,
    CreateToken,
    RevokeToken,
    Check,
    Filter,
    ListServiceTokens,
    CreateServiceToken,
    RevokeServiceToken,
    ListWebhooks,
    AddWebhook,
    RemoveWebhook,
    Deliveries,
    Replay,
    SyncPush,
    SyncPull,
    Outbox,
    Kept,
    Noop,
}

/// Every route: method, path pattern under `/api/v1`, and the handler.
pub const ROUTES: &[(&str, &str, Route)] = &[
    ("GET", "/health", Route::Health),
    ("POST", "/session", Route::SignIn),
    ("DELETE", "/session", Route::SignOut),
    ("DELETE", "/sessions", Route::SignOutEverywhere),
    ("POST", "/session/agency", Route::SwitchAgency),
    ("GET", "/me", Route::Me),
    ("GET", "/me/agencies", Route::MyAgencies),
    ("GET", "/me/sessions", Route::MySessions),
    ("DELETE", "/me/sessions/{id}", Route::EndMySession),
    ("PUT", "/me/password", Route::ChangePassword),
    ("POST", "/me/email", Route::ChangeEmail),
    ("POST", "/me/email/confirm", Route::ConfirmEmail),
    ("POST", "/password/forgot", Route::ForgotPassword),
    ("POST", "/password/reset", Route::ResetPassword),
    ("POST", "/invitations/preview", Route::PreviewInvitation),
    ("POST", "/me/totp", Route::TotpSetup),
    ("POST", "/me/totp/confirm", Route::TotpConfirm),
    ("GET", "/openapi.json", Route::OpenApi),
    ("POST", "/commands", Route::Command),
    ("GET", "/users", Route::ListUsers),
    ("POST", "/users", Route::Invite),
    ("POST", "/users/import", Route::ImportUsers),
    ("GET", "/users/{id}", Route::GetUser),
    ("PATCH", "/users/{id}", Route::EditUser),
    ("DELETE", "/users/{id}", Route::DeleteUser),
    ("PUT", "/users/{id}/settings", Route::EditSettings),
    ("POST", "/users/{id}/suspend", Route::Suspend),
    ("POST", "/users/{id}/unsuspend", Route::Unsuspend),
    ("POST", "/users/{id}/invitation", Route::ResendInvitation),
    ("DELETE", "/users/{id}/invitation", Route::RevokeInvitation),
    ("GET", "/users/{id}/access", Route::Access),
    ("POST", "/users/{id}/grants", Route::AddGrant),
    ("POST", "/notification-users", Route::AddNotificationUser),
    ("GET", "/invitations", Route::ListInvitations),
    ("POST", "/invitations/accept", Route::AcceptInvitation),
    ("PATCH", "/grants/{id}", Route::ChangeGrant),
    ("DELETE", "/grants/{id}", Route::RemoveGrant),
    ("GET", "/roles", Route::ListRoles),
    ("POST", "/roles", Route::CreateRole),
    ("PUT", "/roles/{id}", Route::EditRole),
    ("DELETE", "/roles/{id}", Route::DeleteRole),
    ("GET", "/nodes", Route::ListNodes),
    ("POST", "/nodes", Route::CreateNode),
    ("PATCH", "/nodes/{id}", Route::EditNode),
    ("DELETE", "/nodes/{id}", Route::DeleteNode),
    ("GET", "/numbers", Route::ListNumbers),
    ("PUT", "/numbers/{id}", Route::AssignNumber),
    ("GET", "/campaigns", Route::ListCampaigns),
    ("POST", "/campaigns", Route::CreateCampaign),
    ("PUT", "/campaigns/{id}", Route::EditCampaign),
    ("DELETE", "/campaigns/{id}", Route::DeleteCampaign),
    ("GET", "/campaigns/{id}/dialers", Route::CampaignDialers),
    ("POST", "/agent-groups/members", Route::GroupMembers),
    ("GET", "/agency", Route::Agency),
    ("PATCH", "/agency", Route::ConfigureAgency),
    ("PUT", "/agency/plan", Route::ChangePlan),
    ("POST", "/agency/seat-preview", Route::SeatPreview),
    ("POST", "/agency/owner", Route::TransferOwnership),
    ("POST", "/support-access", Route::SupportAccess),
    ("GET", "/audit", Route::Audit),
    ("GET", "/audit.csv", Route::AuditCsv),
    ("GET", "/explain", Route::Explain),
    ("GET", "/tokens", Route::ListTokens),
    ("POST", "/tokens", Route::CreateToken),
    ("DELETE", "/tokens/{id}", Route::RevokeToken),
    ("POST", "/check", Route::Check),
    ("GET", "/filter", Route::Filter),
    ("GET", "/service-tokens", Route::ListServiceTokens),
    ("POST", "/service-tokens", Route::CreateServiceToken),
    ("DELETE", "/service-tokens/{id}", Route::RevokeServiceToken),
    ("GET", "/webhooks", Route::ListWebhooks),
    ("POST", "/webhooks", Route::AddWebhook),
    ("DELETE", "/webhooks/{id}", Route::RemoveWebhook),
    ("GET", "/webhooks/deliveries", Route::Deliveries),
    ("POST", "/webhooks/deliveries/{id}/replay", Route::Replay),
    ("POST", "/sync/push", Route::SyncPush),
    ("GET", "/sync/pull", Route::SyncPull),
    ("GET", "/dev/outbox", Route::Outbox),
    ("GET", "/dev/kept", Route::Kept),
    ("GET", "/dev/noop", Route::Noop),
];

/// The OpenAPI 3.1 document of this API, served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The path parameters of `path` if it fits `pattern`.
fn fit(pattern: &str, path: &str) -> Option<Vec<String>> {
    let mut params = Vec::new();
    let mut want = pattern.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some("{id}"), Some(segment))
                if !segment.is_empty()
                    && segment.len() <= MAX_ID
                    && segment.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'+'
                    }) =>
            {
                params.push(segment.to_owned());
            }
            (Some(w), Some(h)) if w == h => {}
            _ => return None,
        }
    }
}

/// Finds the route for `method` and `path` (the full path, `/api/v1/...`), with its parameters.
pub fn resolve(method: &str, path: &str) -> Result<(Route, Vec<String>), ApiError> {
    let rest = path
        .strip_prefix(domain::api::API_BASE)
        .ok_or(ApiError::NotFound)?;
    let rest = match rest.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => rest,
    };
    // A path that one route spells out (`/users/import`) is that route's alone, though it
    // fits a pattern too (`/users/{id}`): only the spelled-out routes answer it.
    let literal = ROUTES
        .iter()
        .any(|(_, pattern, _)| !pattern.contains('{') && *pattern == rest);
    let mut allowed: Vec<&'static str> = Vec::new();
    for &(m, pattern, route) in ROUTES {
        if literal && pattern.contains('{') {
            continue;
        }
        if let Some(params) = fit(pattern, rest) {
            if m == method {
                return Ok((route, params));
            }
            allowed.push(m);
        }
    }
    if allowed.is_empty() {
        return Err(ApiError::NotFound);
    }
    Err(ApiError::MethodNotAllowed(allowed))
}

/// The query of a request's URL as the runtime serialized it (WHATWG), without parsing the
/// whole URL again: serialization percent-encodes any `?` of the path, so the first one starts
/// the query, which runs to the fragment, if any.
pub fn query_of(url: &str) -> &str {
    url.split_once('?')
        .map_or("", |(_, rest)| rest.split('#').next().unwrap_or_default())
}

/// The origin (`scheme://host[:port]`) of a request's serialized URL, as
/// `url::Origin::ascii_serialization` writes it for http and https: serialization already
/// lower-cases the host, writes it in ASCII and leaves out a default port, so the origin is
/// what comes before the path, less any user information.
pub fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "null".to_owned();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spelled_out_path_answers_only_its_own_methods() {
        let allowed = |path: &str| match resolve("GET", path) {
            Err(ApiError::MethodNotAllowed(allowed)) => allowed,
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!(allowed("/api/v1/users/import"), ["POST"]);
        assert!(matches!(
            resolve("GET", "/api/v1/users/u_1"),
            Ok((Route::GetUser, _))
        ));
        assert!(matches!(
            resolve("QUERY", "/api/v1/health"),
            Err(ApiError::MethodNotAllowed(_))
        ));
    }

    #[test]
    fn a_query_and_an_origin_are_read_from_the_serialized_url() {
        assert_eq!(
            query_of("http://127.0.0.1:8790/api/v1/users?limit=5&q=a%3Fb"),
            "limit=5&q=a%3Fb"
        );
        assert_eq!(query_of("https://x.example/api/v1/users"), "");
        assert_eq!(query_of("https://x.example/a?b=1#frag"), "b=1");
        assert_eq!(query_of("https://x.example/a%3Fb?c=1"), "c=1");
        assert_eq!(
            origin_of("http://127.0.0.1:8790/api/v1/users?x=1"),
            "http://127.0.0.1:8790"
        );
        assert_eq!(
            origin_of("https://console.example/"),
            "https://console.example"
        );
        assert_eq!(
            origin_of("https://user:pw@console.example:8443/a"),
            "https://console.example:8443"
        );
        assert_eq!(
            origin_of("https://console.example?x"),
            "https://console.example"
        );
        assert_eq!(origin_of("data:text/plain,x"), "null");
    }

    #[test]
    fn every_route_in_the_table_resolves_to_itself() {
        for &(method, pattern, route) in ROUTES {
            let full = format!("/api/v1{}", pattern.replace("{id}", "u_1"));
            assert_eq!(resolve(method, &full).unwrap().0, route);
        }
    }

    #[test]
    fn path_parameters_are_read_and_bounded() {
        let (route, params) = resolve("POST", "/api/v1/users/u_kai/suspend").unwrap();
        assert_eq!((route, params), (Route::Suspend, vec!["u_kai".to_owned()]));
        assert!(resolve("POST", "/api/v1/users//suspend").is_err());
        assert!(
            resolve("POST", "/api/v1/users/a%27b/suspend").is_err(),
            "quotes and escapes"
        );
        let long = format!("/api/v1/users/{}/suspend", "x".repeat(101));
        assert!(matches!(resolve("POST", &long), Err(ApiError::NotFound)));
    }

    #[test]
    fn the_openapi_document_describes_exactly_the_routes_that_exist() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        let mut served: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        documented.sort();
        served.sort();
        let missing: Vec<_> = served.iter().filter(|r| !documented.contains(r)).collect();
        let invented: Vec<_> = documented.iter().filter(|r| !served.contains(r)).collect();
        assert!(
            missing.is_empty(),
            "routes missing from openapi.json: {missing:?}"
        );
        assert!(
            invented.is_empty(),
            "openapi.json describes routes that do not exist: {invented:?}"
        );
    }

    #[test]
    fn a_trailing_slash_is_the_same_route() {
        assert_eq!(
            resolve("GET", "/api/v1/users/").unwrap().0,
            Route::ListUsers
        );
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
