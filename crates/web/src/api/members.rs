use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_store::MaskedMember;
use serde::{Deserialize, Serialize};

use super::{ApiError, created, form_of, invalid};
use crate::auth::Auth;
use crate::inputs::member_input;
use crate::{AppError, AppResult, AppState};

/// A member as submitted. The response never echoes the full ID number or phone.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct MemberRequest {
    /// Grassroots union holding the membership (create only).
    #[serde(skip_serializing)]
    pub org_id: Option<i64>,
    pub name: String,
    /// 18-digit resident ID (15-digit numbers are converted).
    pub id_number: String,
    pub phone: Option<String>,
    /// YYYY-MM-DD
    pub join_date: String,
    /// individual, collective, door_to_door, online (or the Chinese label).
    pub join_method: String,
    pub ethnicity: Option<String>,
    pub education: Option<String>,
    pub new_employment_group: Option<String>,
    #[serde(default)]
    pub migrant_worker: bool,
    #[serde(default)]
    pub dispatched_worker: bool,
}

/// Register a member in a grassroots union (409 if the person is an active member elsewhere).
#[utoipa::path(post, path = "/api/v1/members", tag = "会员", request_body = MemberRequest,
    responses((status = 201, body = super::Created), (status = 422, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create_member(
    State(st): State<AppState>,
    auth: Auth,
    Json(body): Json<MemberRequest>,
) -> AppResult<Response> {
    let mut form = form_of(&body);
    let org = body.org_id;
    if org.is_none() {
        form.error("org_id", "请指定会员所在的基层工会（org_id）");
    }
    let input = member_input(&mut form);
    let (Some(org), Some(input)) = (org, input) else {
        return Ok(invalid(&form));
    };
    let o = st.store.org(org).await.map_err(AppError::json)?;
    auth.write_org(&o).await?;
    let id = st.store.create_member(&auth.actor(), org, input).await;
    let id = match id {
        Ok(id) => id,
        Err(e) => return Err(AppError::json(auth.explain(e).await)),
    };
    Ok(created(id))
}

/// One member, personal data masked.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "会员", params(("id" = i64, Path, description = "会员 id")),
    responses((status = 200, body = MaskedMember), (status = 404, body = ApiError)))]
pub async fn get_member(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Json<MaskedMember>> {
    let m = st.store.member(id).await.map_err(AppError::json)?;
    auth.read_member(&m).await?;
    Ok(Json(m.masked()))
}

/// Edit a member's data (the ID number cannot change).
#[utoipa::path(put, path = "/api/v1/members/{id}", tag = "会员", params(("id" = i64, Path, description = "会员 id")),
    request_body = MemberRequest, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn update_member(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(body): Json<MemberRequest>,
) -> AppResult<Response> {
    let m = st.store.member(id).await.map_err(AppError::json)?;
    auth.write_member(&m).await?;
    let mut form = form_of(&body);
    let Some(input) = member_input(&mut form) else {
        return Ok(invalid(&form));
    };
    st.store
        .update_member(&auth.actor(), id, input)
        .await
        .map_err(AppError::json)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TransferRequest {
    /// The grassroots union the membership moves to.
    pub to_org: i64,
    /// Effective date (default today).
    pub date: Option<NaiveDate>,
}

/// 会籍转接: move an active membership to another grassroots union.
#[utoipa::path(post, path = "/api/v1/members/{id}/transfer", tag = "会员", params(("id" = i64, Path, description = "会员 id")),
    request_body = TransferRequest, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn transfer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(body): Json<TransferRequest>,
) -> AppResult<Response> {
    let m = st.store.member(id).await.map_err(AppError::json)?;
    auth.write_member(&m).await?;
    let to = st.store.org(body.to_org).await.map_err(AppError::json)?;
    auth.write_org(&to).await?;
    st.store
        .transfer_member(&auth.actor(), id, body.to_org, body.date)
        .await
        .map_err(AppError::json)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
