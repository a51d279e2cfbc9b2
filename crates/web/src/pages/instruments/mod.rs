//! The city's instruments (seed 000): 工会主席协议管理 ([`chair`]), 律师兼职副主席
//! ([`lawyers`]), 开发区/工业园区工会 四个到位 ([`parks`]) and 双亮 ([`dual`]).
//!
//! Who may do what (a rule of this area, documented in docs/guide/instruments.md):
//! * reading follows the org's scope, as everywhere;
//! * agreements with chairs, 双亮 checks, 四个到位 checks and subsidies are the upper union's
//!   business: they are written by those who may write the union's affiliation parent, so a
//!   chair (or a park union's own staff) sees their record but cannot certify themselves;
//! * lawyer vice-chairs are officers of a county federation: written by those who may write it;
//! * the thresholds ("*人以上", the target %) are the city's: only staff of the city federation
//!   change them; everybody else sees them.

pub mod chair;
pub mod dual;
pub mod lawyers;
pub mod parks;
mod xlsx;

use std::collections::HashMap;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_domain::Role;
use gonghui_store::{Org, OrgRef, Target};

use crate::auth::Auth;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The org of the URL, which the account must be allowed to read.
async fn readable(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    Ok(org)
}

/// Whether the account may write the org's affiliation parent (no audit entry: for buttons).
/// The city federation has no parent and answers for itself.
async fn writes_parent(st: &AppState, auth: &Auth, org: &Org) -> AppResult<bool> {
    Ok(match org.parent_id {
        Some(p) => auth.writes(&st.store.org(p).await?),
        None => auth.writes(org),
    })
}

/// Refuse (audited) unless the account may write the org's affiliation parent: the upper
/// union records agreements, checks and subsidies of the unions below it (the same check as
/// moving an org or approving its election).
async fn write_parent(st: &AppState, auth: &Auth, org: &Org) -> AppResult<()> {
    match org.parent_id {
        Some(p) => auth.write_org(&st.store.org(p).await?).await,
        None => auth.write_org(org).await,
    }
}

/// Staff of the city federation (the deployment root) set the thresholds.
fn city_staff(auth: &Auth) -> bool {
    auth.role() == Role::Staff && auth.scope.parent_id.is_none()
}

async fn require_city_staff(auth: &Auth) -> AppResult<()> {
    if city_staff(auth) {
        Ok(())
    } else {
        Err(auth
            .forbid("write", Target::new("setting", None, Some(auth.scope.id)))
            .await)
    }
}

/// Breadcrumbs the account may open, ending with the org itself.
async fn crumbs(st: &AppState, auth: &Auth, org: &Org) -> AppResult<Vec<OrgRef>> {
    let lineage = st.store.lineage(org).await?;
    Ok(auth.crumbs(org, lineage))
}

/// The notices of this area's `done=` codes, then the common ones.
fn notice(q: &Fields) -> Option<String> {
    let text = match q.get("done").map(String::as_str) {
        Some("agreement") => "工会主席协议已登记。",
        Some("assessed") => "年度考核结果已登记。",
        Some("agreement_ended") => "协议已终止，作为历史保留。",
        Some("appointed") => "已聘任，并已登记为本会兼职副主席。",
        Some("lawyer_ended") => "已办理离任，任职记录同时结束。",
        Some("checked") => "检查结果已保存。",
        Some("subsidy") => "补助经费划拨已登记。",
        Some("setting") => "设置已修改，所有统计即时按新标准计算。",
        _ => return super::notice(q),
    };
    Some(text.to_owned())
}

/// `?child=` when it names a child row of the table (else the whole org), and `?list=`.
fn list_request(q: &Fields) -> Option<(Option<i64>, String)> {
    let list = q.get("list")?;
    if !matches!(list.as_str(), "all" | "done" | "missing") {
        return None;
    }
    let child = q.get("child").and_then(|c| c.parse::<i64>().ok());
    Some((child, list.clone()))
}

/// An .xlsx download (the export itself is audited by the caller).
fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{name}-{}.xlsx\"",
        chrono::Local::now().format("%Y%m%d")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

fn xlsx_error(e: String) -> AppError {
    AppError::from(gonghui_store::Error::Io(e))
}

/// A year typed in a form: 2000–2100.
fn parse_year(s: &str) -> Result<i32, String> {
    s.trim()
        .trim_end_matches(['年', '度'])
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| "请填写四位数的年度，例如 2024".to_owned())
}

/// A row of a coverage table as the templates show it, with the links behind its numbers.
pub struct CoverageLine {
    pub name: String,
    pub kind_label: &'static str,
    pub org_id: i64,
    /// `child=…&` for a child row, empty for the total row.
    pub query: String,
    pub eligible: i64,
    pub done: i64,
    pub missing: i64,
    pub percent: String,
    /// 达标 / 未达标 / —, against a target when there is one.
    pub verdict: Option<bool>,
}

impl CoverageLine {
    fn of(row: &gonghui_store::CoverageRow, total: bool, target: Option<i64>) -> CoverageLine {
        CoverageLine {
            name: row.name.clone(),
            kind_label: row.kind_label,
            org_id: row.org_id,
            query: if total {
                String::new()
            } else {
                format!("child={}&", row.org_id)
            },
            eligible: row.eligible,
            done: row.done,
            missing: row.missing(),
            percent: row.percent(),
            verdict: target.and_then(|t| gonghui_domain::reaches_target(row.done, row.eligible, t)),
        }
    }
}

fn coverage_lines(
    c: &gonghui_store::InstrumentCoverage,
    target: Option<i64>,
) -> (Vec<CoverageLine>, CoverageLine) {
    (
        c.children
            .iter()
            .map(|r| CoverageLine::of(r, false, target))
            .collect(),
        CoverageLine::of(&c.total, true, target),
    )
}

/// The path of the org a drill-down list is about: a child row of `org`, or `org` itself.
async fn list_scope(st: &AppState, org: &Org, child: Option<i64>) -> AppResult<Org> {
    match child {
        Some(c) => {
            let o = st.store.org(c).await?;
            // Only a child of the page's org (and so inside the scope already checked).
            if o.parent_id == Some(org.id) {
                Ok(o)
            } else {
                Err(AppError::not_found("下级组织"))
            }
        }
        None => Ok(org.clone()),
    }
}

/// Rows shown in a drill-down list at most; the export has them all.
const LIST_LIMIT: usize = 500;
