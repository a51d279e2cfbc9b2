use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_store::Stats;
use serde::{Deserialize, Serialize};

use super::{ApiError, invalid};
use crate::auth::Auth;
use crate::pages::stats::parse_query;
use crate::{AppError, AppResult, AppState};

/// The question: as of which date, the period of the “new” counts, and filters on units and
/// unions. Every parameter is optional; wrong values are refused with 422 and the parameter
/// named.
#[derive(Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Statistics date, YYYY-MM-DD (default today; not in the future). A past date is answered
    /// from the history: the tree, coverage and membership of that day.
    pub as_of: Option<String>,
    /// Calendar year of 新建工会 and 新入会会员 (default: the year of `as_of`).
    pub year: Option<String>,
    /// Start of a period for the “new” counts instead of a year (with `period_to`).
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// Ownership code (state, collective, private, foreign, hk_macao_taiwan, individual, other)
    /// or `non_public` for all 非公 ownerships.
    pub ownership: Option<String>,
    /// Only units with at least this many employees.
    pub min_employees: Option<String>,
    /// `true`: only “三上” units.
    pub above_scale: Option<String>,
    /// Only units in this park (所在园区, exact name).
    pub park: Option<String>,
    /// Only units whose region code starts with these digits (2, 4, 6 or 9 digits).
    pub region: Option<String>,
    /// Only units of this industry: a 门类 letter (C) or 大类 code (C17 or 17).
    pub industry: Option<String>,
    /// Only grassroots unions of this kind: enterprise, public_institution,
    /// social_organization, joint, cooperative.
    pub grassroots_kind: Option<String>,
}

fn fields(p: &StatsParams) -> HashMap<String, String> {
    match serde_json::to_value(p) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                _ => None,
            })
            .collect(),
        _ => HashMap::new(),
    }
}

/// Live statistics of an org's subtree (企业建会率、职工入会率 and the counts behind them), as of
/// a date and with filters. Each member and each covered unit is counted once, at its
/// grassroots union, along affiliation only.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/stats", tag = "统计",
    params(("id" = i64, Path, description = "工会组织 id"), StatsParams),
    responses((status = 200, body = Stats), (status = 403, body = ApiError), (status = 404, body = ApiError),
        (status = 422, body = ApiError)))]
pub async fn org_stats(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(params): Query<StatsParams>,
) -> AppResult<Response> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    let (q, form) = parse_query(&fields(&params));
    if form.has_errors() {
        return Ok(invalid(&form));
    }
    let s = st
        .store
        .stats(id, &q, &auth.visibility())
        .await
        .map_err(AppError::json)?;
    Ok(Json(s).into_response())
}

/// An org's statistics and those of each of its children (on the date asked).
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatsWithChildren {
    pub org: Stats,
    pub children: Vec<Stats>,
}

/// The statistics of an org and of each of its direct children, same question.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/stats/children", tag = "统计",
    params(("id" = i64, Path, description = "工会组织 id"), StatsParams),
    responses((status = 200, body = StatsWithChildren), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn children_stats(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(params): Query<StatsParams>,
) -> AppResult<Response> {
    let org = st.store.org(id).await.map_err(AppError::json)?;
    auth.read_org(&org).await?;
    let (q, form) = parse_query(&fields(&params));
    if form.has_errors() {
        return Ok(invalid(&form));
    }
    let (org, children) = st
        .store
        .children_stats(id, &q, &auth.visibility())
        .await
        .map_err(AppError::json)?;
    Ok(Json(StatsWithChildren { org, children }).into_response())
}
