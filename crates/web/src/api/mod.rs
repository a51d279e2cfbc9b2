//! JSON API under `/api/v1`, for programs. Same rules and messages as the pages: request
//! bodies are read through the same parsers (`crate::inputs`), and errors come back as
//! [`ApiError`] with the wrong field named.

mod campaigns;
mod members;
mod orgs;
mod search;
mod stats;
mod units;

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
pub use crate::error::ApiError;
use crate::forms::FormState;

/// Programs sign in like people (POST /login) and send the session cookie; every unsafe
/// request also carries the session's CSRF token in `X-CSRF-Token`.
struct SessionAuth;

impl utoipa::Modify for SessionAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "gh_session",
                "登录（POST /login）后得到的会话 Cookie；30 分钟无操作失效",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "会话的 CSRF 令牌（页面 body 的 hx-headers 中给出）；POST/PUT 必须携带",
            ))),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "session",
            Vec::<String>::new(),
        )]);
    }
}

#[derive(OpenApi)]
#[openapi(
    modifiers(&SessionAuth),
    info(
        title = "gonghui 工会组织建设管理平台 API",
        description = "工会组织、单位（企业法人单位名录）与会员的读写接口。需要登录：以会话 Cookie 访问，POST/PUT 另需 X-CSRF-Token。只返回账号管理范围内的数据；身份证号码和手机号码一律脱敏返回。错误以 ApiError 返回，message 为中文说明，field 指出出错的字段；未登录 401，越权 403。",
        version = "1"
    ),
    tags(
        (name = "工会组织", description = "组织树、隶属关系、合计"),
        (name = "单位", description = "单位名录与覆盖（建会）"),
        (name = "会员", description = "会员与会籍"),
        (name = "查询", description = "按名称、拼音首字母或代码查询"),
        (name = "统计", description = "企业建会率、职工入会率等实时统计，可按日期和条件查询"),
        (name = "达标创建", description = "达标创建活动的进度：各下级组织的验收状态、等级分布和选树名额")
    )
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(orgs::create_org))
        .routes(routes!(orgs::get_org, orgs::update_org))
        .routes(routes!(orgs::children))
        .routes(routes!(orgs::totals))
        .routes(routes!(orgs::move_org))
        .routes(routes!(orgs::members_of))
        .routes(routes!(orgs::units_of))
        .routes(routes!(units::create_unit))
        .routes(routes!(units::get_unit, units::update_unit))
        .routes(routes!(members::create_member))
        .routes(routes!(members::get_member, members::update_member))
        .routes(routes!(members::transfer))
        .routes(routes!(search::search))
        .routes(routes!(stats::org_stats))
        .routes(routes!(stats::children_stats))
        .routes(routes!(campaigns::progress))
}

/// `/api/openapi.json` and an offline Swagger UI at `/api/docs`.
pub fn docs_router(openapi: utoipa::openapi::OpenApi) -> Router<AppState> {
    Router::new()
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi))
}

/// Read a JSON request body into the same form state the pages use: strings as typed,
/// booleans as ticked checkboxes, numbers as text.
pub(crate) fn form_of<T: Serialize>(body: &T) -> FormState {
    let mut f = FormState::default();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(body) {
        for (k, v) in map {
            match v {
                serde_json::Value::String(s) => f.set(&k, s),
                serde_json::Value::Bool(true) => f.set(&k, "on"),
                serde_json::Value::Number(n) => f.set(&k, n.to_string()),
                _ => {}
            }
        }
    }
    f
}

/// 422 with every field error of a form, the first one as `field`/`message`.
pub(crate) fn invalid(form: &FormState) -> Response {
    let errors: BTreeMap<String, String> = form
        .errors
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (field, message) = match errors.iter().next() {
        Some((k, v)) => (Some(k.clone()), v.clone()),
        None => (
            None,
            form.general
                .clone()
                .unwrap_or_else(|| "请求内容有误".into()),
        ),
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ApiError {
            error: "invalid",
            field,
            message,
            errors,
        }),
    )
        .into_response()
}

/// The new record's id, returned by every create.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

fn created(id: i64) -> Response {
    (StatusCode::CREATED, Json(Created { id })).into_response()
}

/// Paging of list endpoints.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Rows to skip (default 0).
    pub offset: Option<u64>,
    /// Rows to return (default 100, at most 1000).
    pub limit: Option<u64>,
}

impl Paging {
    fn bounds(&self) -> (u64, u64) {
        (
            self.offset.unwrap_or(0),
            self.limit.unwrap_or(100).min(1000),
        )
    }
}
