use axum::Json;
use axum::extract::{Query, State};
use gonghui_store::{MaskedMember, Org, SearchScope, Unit};
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::{AppError, AppResult, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Name fragment, pinyin initials (sssz), full pinyin, USCC or ID number.
    pub q: String,
    /// At most this many of each kind (default 20, at most 100).
    pub limit: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub orgs: Vec<Org>,
    pub units: Vec<Unit>,
    pub members: Vec<MaskedMember>,
}

/// Search unions, units and members.
#[utoipa::path(get, path = "/api/v1/search", tag = "查询", params(SearchQuery), responses((status = 200, body = SearchResponse)))]
pub async fn search(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<SearchQuery>,
) -> AppResult<Json<SearchResponse>> {
    auth.require_records().await?;
    let r = st
        .store
        .search(
            &q.q,
            SearchScope::ALL,
            &auth.visibility(),
            q.limit.unwrap_or(20).min(100),
        )
        .await
        .map_err(AppError::json)?;
    Ok(Json(SearchResponse {
        orgs: r.orgs,
        units: r.units,
        members: r.members.iter().map(|m| m.masked()).collect(),
    }))
}
