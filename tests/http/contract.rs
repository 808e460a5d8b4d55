//! Every answer an HTTP test receives is held to the OpenAPI document the Worker serves: the
//! status must be one its operation lists, and a JSON body must fit the schema listed for
//! that status. A request the Worker's route table does not serve (an unknown path or method,
//! which the tests send on purpose) is not checked; the document describes exactly that table.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

use crate::Answer;

/// The document, as checked in beside the Worker and served at `/api/v1/openapi.json`.
static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../worker/openapi.json")).expect("openapi.json")
});

/// One validator per operation and status, built once.
static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The route-table pattern a request resolves to (`/users/u_kai` to `/users/{id}`), as the
/// Worker resolves it; `None` for a path or method the Worker does not serve.
fn template(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next()?;
    let (route, _) = switchboard_worker::route::resolve(method, path).ok()?;
    switchboard_worker::route::ROUTES
        .iter()
        .find(|(m, _, r)| *r == route && *m == method)
        .map(|(_, pattern, _)| *pattern)
}

/// Panics, saying why, when `answer` breaks the document for `method` and `path`.
pub fn check(method: &str, path: &str, answer: &Answer) {
    let Some(pattern) = template(method, path) else {
        return;
    };
    let operation = &DOCUMENT["paths"][pattern][method.to_lowercase()];
    if operation.is_null() {
        return;
    }
    let status = answer.status.to_string();
    let documented = &operation["responses"][&status];
    assert!(
        !documented.is_null(),
        "{method} {pattern} answered {status}, a status openapi.json does not list for it: {:?}",
        answer.body
    );
    let media = answer
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim();
    let Some(content) = documented.get("content") else {
        assert!(
            answer.body.is_null(),
            "{method} {pattern} {status} has no body in openapi.json, but answered {:?}",
            answer.body
        );
        return;
    };
    let Some(schema) = content.get(media).map(|c| &c["schema"]) else {
        panic!("{method} {pattern} {status} answered {media}, which openapi.json does not list");
    };
    if media != "application/json" && media != "application/problem+json" {
        return;
    }
    let key = format!("{method} {pattern} {status} {media}");
    let validator = {
        let mut validators = VALIDATORS.lock().unwrap_or_else(|e| e.into_inner());
        validators
            .entry(key.clone())
            .or_insert_with(|| {
                // The document is the root, so the schema's references resolve inside it.
                let mut root = DOCUMENT.clone();
                root["$defs"] = json!({ "answer": schema });
                root["$ref"] = json!("#/$defs/answer");
                Arc::new(
                    jsonschema::options()
                        .with_draft(Draft::Draft202012)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("the schema of {key} does not compile: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(&answer.body)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{key}: the answer breaks its schema in openapi.json:\n  {}\nThe answer: {}",
        errors.join("\n  "),
        answer.body
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: Value) -> Answer {
        Answer {
            status,
            content_type: "application/json".into(),
            set_cookie: vec![],
            retry_after: None,
            d1_round_trips: None,
            body,
        }
    }

    #[test]
    fn an_answer_that_fits_its_schema_passes() {
        let health = json!({ "status": "ok", "version": "0.1.0+dev", "schema_version": 18 });
        check("GET", "/api/v1/health", &answer(200, health));
    }

    #[test]
    #[should_panic(expected = "breaks its schema")]
    fn an_answer_that_breaks_its_schema_fails() {
        let health = json!({ "status": "ok", "version": 1 });
        check("GET", "/api/v1/health", &answer(200, health));
    }

    #[test]
    #[should_panic(expected = "does not list")]
    fn a_status_the_document_does_not_list_fails() {
        check("GET", "/api/v1/users/u_kai", &answer(418, json!({})));
    }

    #[test]
    fn a_path_fits_its_template() {
        assert_eq!(
            template("POST", "/api/v1/users/import"),
            Some("/users/import")
        );
        assert_eq!(
            template("POST", "/api/v1/users/u_kai/grants"),
            Some("/users/{id}/grants")
        );
        assert_eq!(template("GET", "/api/v1/users?limit=5"), Some("/users"));
        assert_eq!(template("GET", "/api/v1/nope"), None);
        assert_eq!(template("PUT", "/api/v1/session"), None);
    }
}
