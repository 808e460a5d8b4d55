//! Form pieces used everywhere: a labelled input with its own error beside it, and the
//! errors of a form, from the checks made here or from the Worker's answer.

use leptos::prelude::*;

use crate::api::ApiError;

/// What is wrong with a form: messages per field (beside their input), and one for the form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub form: Option<String>,
}

impl FormErrors {
    /// One field's message, as a check here finds it before anything is sent.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            fields: vec![(field.to_owned(), message.into())],
            form: None,
        }
    }

    /// A message for the whole form, about no one field.
    pub fn form(message: impl Into<String>) -> Self {
        Self {
            fields: Vec::new(),
            form: Some(message.into()),
        }
    }

    /// The Worker's answer: each field's message beside its field, anything else for the form.
    pub fn from_api(error: ApiError) -> Self {
        match error {
            ApiError::Problem(problem) if !problem.errors.is_empty() => Self {
                fields: problem
                    .errors
                    .into_iter()
                    .map(|e| (e.field, e.message))
                    .collect(),
                form: None,
            },
            other => Self::form(other.to_string()),
        }
    }

    /// The message of one field, if it has one.
    pub fn of(&self, field: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }
}

/// A labelled input bound to `value`; the message `errors` hold for `name` shows beside it
/// (`data-testid` `<testid>-error`) and marks it invalid.
#[component]
pub fn Field(
    label: &'static str,
    /// The input's type: `email`, `password`, …
    kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
    /// The field's name as the Worker's errors name it.
    name: &'static str,
    errors: RwSignal<FormErrors>,
    testid: &'static str,
) -> impl IntoView {
    let message = move || errors.with(|e| e.of(name));
    let error_id = format!("{testid}-error");
    let described = error_id.clone();
    view! {
        <label>
            {label}
            <input type=kind autocomplete=autocomplete required bind:value=value
                data-testid=testid
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=move || message().map(|_| described.clone()) />
            {move || message().map(|m| view! {
                <span class="field-error" role="alert" id=error_id.clone()
                    data-testid=error_id.clone()>{m}</span>
            })}
        </label>
    }
}

/// The form's own message (not about one field), if any.
#[component]
pub fn FormError(errors: RwSignal<FormErrors>, testid: &'static str) -> impl IntoView {
    move || {
        errors.with(|e| e.form.clone()).map(|m| {
            view! { <p class="error" role="alert" data-testid=testid>{m}</p> }
        })
    }
}

/// A message from `domain` ("enter a name") as a sentence ("Enter a name.").
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
