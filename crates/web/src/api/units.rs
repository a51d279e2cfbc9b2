use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gonghui_store::Unit;
use serde::{Deserialize, Serialize};

use super::{ApiError, created, form_of, invalid};
use crate::auth::Auth;
use crate::inputs::unit_input;
use crate::{AppError, AppResult, AppState};

/// A unit (employer) of the directory as submitted.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRequest {
    /// 统一社会信用代码 (18 characters, check character verified).
    pub uscc: String,
    pub name: String,
    /// GB/T 2260 six-digit code.
    pub region_code: String,
    pub industry_code: Option<String>,
    /// state, collective, private, foreign, hk_macao_taiwan, individual, other (or the Chinese label).
    pub ownership: String,
    pub employees: i64,
    #[serde(default)]
    pub women_employees: i64,
    #[serde(default)]
    pub above_scale: bool,
    #[serde(default)]
    pub dispatch_agency: bool,
    pub park: Option<String>,
    /// Grassroots union covering the unit from today (create only).
    #[serde(skip_serializing)]
    pub covering_org_id: Option<i64>,
}

/// Add a unit to the directory, optionally covered by a grassroots union.
#[utoipa::path(post, path = "/api/v1/units", tag = "单位", request_body = UnitRequest,
    responses((status = 201, body = super::Created), (status = 422, body = ApiError)))]
pub async fn create_unit(
    State(st): State<AppState>,
    auth: Auth,
    Json(body): Json<UnitRequest>,
) -> AppResult<Response> {
    let mut form = form_of(&body);
    let Some(input) = unit_input(&mut form) else {
        return Ok(invalid(&form));
    };
    match body.covering_org_id {
        Some(o) => {
            let org = st.store.org(o).await.map_err(AppError::json)?;
            auth.write_org(&org).await?;
        }
        // An uncovered unit joins the directory of the account's own area.
        None => auth.write_directory(input.region.as_str()).await?,
    }
    let id = st
        .store
        .create_unit(&auth.actor(), input, body.covering_org_id)
        .await
        .map_err(AppError::json)?;
    Ok(created(id))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "单位", params(("id" = i64, Path, description = "单位 id")),
    responses((status = 200, body = Unit), (status = 404, body = ApiError)))]
pub async fn get_unit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Json<Unit>> {
    let unit = st.store.unit(id).await.map_err(AppError::json)?;
    auth.read_unit(&unit).await?;
    Ok(Json(unit))
}

/// Edit a unit.
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "单位", params(("id" = i64, Path, description = "单位 id")),
    request_body = UnitRequest, responses((status = 204), (status = 422, body = ApiError)))]
pub async fn update_unit(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Json(body): Json<UnitRequest>,
) -> AppResult<Response> {
    let unit = st.store.unit(id).await.map_err(AppError::json)?;
    auth.write_unit(&unit).await?;
    let mut form = form_of(&body);
    let Some(input) = unit_input(&mut form) else {
        return Ok(invalid(&form));
    };
    st.store
        .update_unit(&auth.actor(), id, input)
        .await
        .map_err(AppError::json)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
