//! One error type for every handler. Pages get a Chinese HTML page; the API gets JSON with the
//! field that was wrong. Database details go to the log, never to the person.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gonghui_store::Error;
use serde::Serialize;

#[derive(Debug)]
pub struct AppError {
    pub error: Error,
    pub json: bool,
}

pub type AppResult<T> = Result<T, AppError>;

impl From<Error> for AppError {
    fn from(error: Error) -> Self {
        AppError { error, json: false }
    }
}

impl AppError {
    pub fn json(error: Error) -> AppError {
        AppError { error, json: true }
    }

    pub fn not_found(what: &'static str) -> AppError {
        AppError {
            error: Error::NotFound(what),
            json: false,
        }
    }

    fn status(&self) -> StatusCode {
        match &self.error {
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) | Error::HeldElsewhere { .. } => StatusCode::CONFLICT,
            Error::Forbidden | Error::StaleForm => StatusCode::FORBIDDEN,
            Error::Db(_) | Error::Migrate(_) | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The JSON body of every API error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// Machine-readable kind: invalid, not_found, conflict, internal.
    pub error: &'static str,
    /// The form field (request property) that was wrong, if any.
    pub field: Option<String>,
    /// A Chinese message for the person.
    pub message: String,
    /// Every wrong field with its message, when the request had several.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub errors: std::collections::BTreeMap<String, String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: crate::nav::Nav,
    status: u16,
    title: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self.error, "request failed");
        }
        let message = self.error.to_string();
        if self.json {
            let (kind, field) = match &self.error {
                Error::Invalid { field, .. } => ("invalid", *field),
                Error::NotFound(_) => ("not_found", None),
                Error::Conflict(_) | Error::HeldElsewhere { .. } => ("conflict", None),
                Error::Forbidden => ("forbidden", None),
                Error::StaleForm => ("csrf", None),
                _ => ("internal", None),
            };
            let body = ApiError {
                error: kind,
                field: field.map(str::to_owned),
                message,
                errors: Default::default(),
            };
            return (status, Json(body)).into_response();
        }
        let title = match status {
            StatusCode::NOT_FOUND => "没有找到",
            StatusCode::CONFLICT => "无法办理",
            StatusCode::FORBIDDEN => "没有权限",
            StatusCode::UNPROCESSABLE_ENTITY => "填写有误",
            _ => "系统出错",
        };
        let page = ErrorPage {
            nav: crate::nav::Nav::anonymous(),
            status: status.as_u16(),
            title,
            message: message.clone(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message).into_response(),
        }
    }
}
