use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_store::ProgressCounts;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::auth::Auth;
use crate::pages::campaigns::progress_org;
use crate::{AppError, AppResult, AppState};

/// Assessments counted by state and grade.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignCounts {
    /// Assessments (orgs taking part).
    pub total: i64,
    /// 未开始
    pub not_started: i64,
    /// 自评中
    pub self_review: i64,
    /// 已提交
    pub submitted: i64,
    /// 审核中
    pub in_review: i64,
    /// 已退回
    pub returned: i64,
    /// 验收通过, and everything after it (公示中, 已授予称号, 奖励已发放).
    pub accepted: i64,
    /// 公示中
    pub published: i64,
    /// 已授予称号 (including those whose reward was paid).
    pub titled: i64,
    /// 奖励已发放
    pub rewarded: i64,
    /// 未通过
    pub failed: i64,
    /// Grades of the decided assessments: first, second, third, below_third, pass, fail.
    pub grades: BTreeMap<String, i64>,
}

impl From<&ProgressCounts> for CampaignCounts {
    fn from(c: &ProgressCounts) -> CampaignCounts {
        CampaignCounts {
            total: c.total,
            not_started: c.not_started,
            self_review: c.self_review,
            submitted: c.submitted,
            in_review: c.in_review,
            returned: c.returned,
            accepted: c.accepted(),
            published: c.published,
            titled: c.titled_or_later(),
            rewarded: c.rewarded,
            failed: c.failed,
            grades: c
                .by_grade()
                .into_iter()
                .map(|(g, n)| (g.code().to_owned(), n))
                .collect(),
        }
    }
}

/// One child org with the assessments of its subtree.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignChildProgress {
    pub org_id: i64,
    pub name: String,
    /// The child's own assessment (when the child itself takes part).
    pub assessment_id: Option<i64>,
    /// Its state code (not_started, self_review, submitted, in_review, returned, passed,
    /// failed, published, titled, rewarded).
    pub state: Option<String>,
    pub counts: CampaignCounts,
}

/// A campaign's progress under one org.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignProgress {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub org_id: i64,
    pub org_name: String,
    /// 选树 quota of the whole campaign (null: none).
    pub quota: Option<i64>,
    /// Accepted unions of the whole campaign reach the quota (null without a quota).
    pub quota_reached: Option<bool>,
    /// The whole campaign.
    pub campaign: CampaignCounts,
    /// Everything under the org, its own assessment included.
    pub total: CampaignCounts,
    pub children: Vec<CampaignChildProgress>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// The org whose children are counted (default: the campaign's org, or where the account
    /// stands inside the campaign).
    pub org: Option<String>,
}

/// Progress of a 达标创建 campaign under an org, by child org: counts per state, grade
/// distribution and the quota. Each assessed union is counted once, under the child whose
/// subtree holds it (affiliation only).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/progress", tag = "达标创建",
    params(("id" = i64, Path, description = "达标创建活动 id"), ProgressParams),
    responses((status = 200, body = CampaignProgress), (status = 403, body = ApiError),
        (status = 404, body = ApiError)))]
pub async fn progress(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(params): Query<ProgressParams>,
) -> AppResult<Response> {
    let c = st.store.campaign(id).await.map_err(AppError::json)?;
    auth.read_campaign(&c).await?;
    let mut q = HashMap::new();
    if let Some(o) = params.org {
        q.insert("org".to_owned(), o);
    }
    let org = progress_org(&st, &auth, &c, &q)
        .await
        .map_err(|e| AppError {
            error: e.error,
            json: true,
        })?;
    let p = st
        .store
        .campaign_progress(&c, &org)
        .await
        .map_err(AppError::json)?;
    Ok(Json(CampaignProgress {
        campaign_id: c.id,
        campaign_name: c.name.clone(),
        org_id: org.id,
        org_name: org.name.clone(),
        quota: c.quota,
        quota_reached: p.quota_reached(),
        campaign: CampaignCounts::from(&p.campaign_total),
        total: CampaignCounts::from(&p.total),
        children: p
            .children
            .iter()
            .map(|r| CampaignChildProgress {
                org_id: r.org_id,
                name: r.name.clone(),
                assessment_id: r.own.as_ref().map(|o| o.id),
                state: r.own.as_ref().map(|o| o.state.code().to_owned()),
                counts: CampaignCounts::from(&r.counts),
            })
            .collect(),
    })
    .into_response())
}
