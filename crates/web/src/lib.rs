//! gonghui's HTTP layer: Chinese HTML pages for people (`pages`), a JSON API for programs
//! (`api`, documented at `/api/openapi.json`), and the vendored assets they need.

pub mod api;
mod assets;
pub mod auth;
mod error;
mod export;
mod forms;
mod inputs;
mod nav;
pub mod pages;
pub mod security;
pub mod uploads;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use gonghui_store::Store;

pub use error::{AppError, AppResult};
pub use security::SecurityConfig;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub security: Arc<SecurityConfig>,
    pub(crate) limiter: Arc<security::LoginLimiter>,
    /// Where uploaded files wait between preview and commit (`imports/` inside it).
    pub data_dir: Arc<std::path::PathBuf>,
}

impl AppState {
    pub fn new(store: Store, security: SecurityConfig) -> AppState {
        AppState {
            store,
            security: Arc::new(security),
            limiter: Arc::default(),
            data_dir: Arc::new(
                std::env::temp_dir().join(format!("gonghui-{}", std::process::id())),
            ),
        }
    }

    /// Keep uploads in the deployment's data directory (the default is a temporary one).
    pub fn with_data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> AppState {
        self.data_dir = Arc::new(dir.into());
        self
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::session_layer,
        ))
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
