use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_store::{MaskedMember, Org, OrgChild, SubtreeTotals, Unit};
use serde::{Deserialize, Serialize};

use super::{ApiError, Paging, created, form_of, invalid};
use crate::auth::Auth;
use crate::inputs::org_input;
use crate::{AppError, AppResult, AppState};

/// A union organization as submitted. Codes are checked exactly as on the pages.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgRequest {
    /// Parent org id (required when creating anything but the city federation).
    #[serde(skip_serializing)]
    pub parent_id: Option<i64>,
    /// 工会名称
    pub name: String,
    /// Kind code or Chinese label: city_federation, county_federation, industrial_union,
    /// sector_federation, area_federation, grassroots.
    pub kind: String,
    /// For grassroots: enterprise, public_institution, social_organization, joint, cooperative;
    /// for area federations: township, street, development_zone, community, village.
    pub sub_kind: Option<String>,
    pub short_name: Option<String>,
    /// GB/T 2260 six-digit code, e.g. 421081.
    pub region_code: Option<String>,
    /// GB/T 4754-2017 门类 letter or 大类 digits.
    pub industry_code: Option<String>,
    /// YYYY-MM-DD
    pub founded_on: Option<String>,
    /// The union's own 18-character code (starts with 81).
    pub uscc: Option<String>,
    pub legal_person_cert: Option<String>,
    #[serde(default)]
    pub independent_account: bool,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
}

/// Create a union organization under `parent_id`.
#[utoipa::path(post, path = "/api/v1/orgs", tag = "工会组织", request_body = OrgRequest,
    responses((status = 201, body = super::Created), (status = 422, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_org(
    State(st): State<AppState>,
    auth: Auth,
    Json(body): Json<OrgRequest>,
) -> AppResult<Response> {
    let mut form = form_of(&body);
    let Some(input) = org_input(&mut form) else {
        return Ok(invalid(&form));
    };
    let Some(pid) = body.parent_id else {
        form.error("parent_id", "请指定上级工会（parent_id）");
        return Ok(invalid(&form));
    };
    let parent = st.store.org(pid).await.map_err(AppError::json)?;
    auth.write_org(&parent).await?;
    let id = st
        .store
        .create_org(&auth.actor(), pid, input, None)
        .await
        .map_err(AppError::json)?;
    Ok(created(id))
}

/// One union organization.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "工会组织", params(("id" = i64, Path, description = "工会组织 id")),
    responses((status = 200, body = Org), (status = 404, body = ApiError)))]
pub async fn get_org(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Json<Org>> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    Ok(Json(org))
}

/// Edit a union organization's own record (its place in the tree changes via `/move`).
#[utoipa::path(put, path = "/api/v1/orgs/{id}", tag = "工会组织", params(("id" = i64, Path, description = "工会组织 id")),
    request_body = OrgRequest, responses((status = 204), (status = 422, body = ApiError), (status = 404, body = ApiError)))]
pub async fn update_org(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(body): Json<OrgRequest>,
) -> AppResult<Response> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.write_org(&org).await?;
    let mut form = form_of(&body);
    let Some(input) = org_input(&mut form) else {
        return Ok(invalid(&form));
    };
    st.store
        .update_org(&auth.actor(), id, input)
        .await
        .map_err(AppError::json)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Direct children (active ones), a page at a time, with their counts.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/children", tag = "工会组织",
    params(("id" = i64, Path, description = "工会组织 id"), Paging), responses((status = 200, body = Vec<OrgChild>)))]
pub async fn children(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(pg): Query<Paging>,
) -> AppResult<Json<Vec<OrgChild>>> {
    let (offset, limit) = pg.bounds();
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    st.store
        .children(id, false, offset, limit)
        .await
        .map(Json)
        .map_err(AppError::json)
}

/// Live totals over the org's subtree, each member and unit counted once along affiliation.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/totals", tag = "工会组织", params(("id" = i64, Path, description = "工会组织 id")),
    responses((status = 200, body = SubtreeTotals), (status = 404, body = ApiError)))]
pub async fn totals(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Json<SubtreeTotals>> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    st.store
        .subtree_totals(&org)
        .await
        .map(Json)
        .map_err(AppError::json)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MoveRequest {
    /// The new parent org id.
    pub parent_id: i64,
    /// Effective date (default today).
    pub date: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// Move an org with its subtree under a new parent; the old affiliation is kept as history.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/move", tag = "工会组织", params(("id" = i64, Path, description = "工会组织 id")),
    request_body = MoveRequest, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn move_org(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(body): Json<MoveRequest>,
) -> AppResult<Response> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.write_org(&org).await?;
    for other in [org.parent_id, Some(body.parent_id)].into_iter().flatten() {
        let o = st.store.org(other).await.map_err(AppError::json)?;
        auth.write_org(&o).await?;
    }
    st.store
        .move_org(&auth.actor(), id, body.parent_id, body.date, body.reason)
        .await
        .map_err(AppError::json)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The member roster of a grassroots union, personal data masked.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/members", tag = "会员",
    params(("id" = i64, Path, description = "基层工会 id"), Paging), responses((status = 200, body = Vec<MaskedMember>)))]
pub async fn members_of(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(pg): Query<Paging>,
) -> AppResult<Json<Vec<MaskedMember>>> {
    let (offset, limit) = pg.bounds();
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    let rows = st
        .store
        .members_of(id, offset, limit)
        .await
        .map_err(AppError::json)?;
    Ok(Json(rows.iter().map(|m| m.masked()).collect()))
}

/// Units covered by a grassroots union.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/units", tag = "单位",
    params(("id" = i64, Path, description = "基层工会 id"), Paging), responses((status = 200, body = Vec<Unit>)))]
pub async fn units_of(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(pg): Query<Paging>,
) -> AppResult<Json<Vec<Unit>>> {
    let (offset, limit) = pg.bounds();
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    st.store
        .units_of(id, offset, limit)
        .await
        .map(Json)
        .map_err(AppError::json)
}
