//! gonghui's HTTP layer: Chinese HTML pages for people (`pages`), a JSON API for programs
//! (`api`, documented at `/api/openapi.json`), and the vendored assets they need.

pub mod api;
mod assets;
mod error;
mod forms;
mod inputs;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use gonghui_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::{AppError, AppResult};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    inner: Arc<Inner>,
}

struct Inner {
    started: std::time::Instant,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState { store, inner: Arc::new(Inner { started: std::time::Instant::now() }) }
    }

    pub fn uptime(&self) -> std::time::Duration {
        self.inner.started.elapsed()
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(api::docs_router(openapi))
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .layer(SetResponseHeaderLayer::overriding(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
