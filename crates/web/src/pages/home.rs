use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use gonghui_domain::Role;
use gonghui_store::{Org, OrgChild, SubtreeTotals};

use crate::auth::Auth;
use crate::nav::Nav;
use crate::{AppResult, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    nav: Nav,
    root: Option<Org>,
    totals: SubtreeTotals,
    children: Vec<OrgChild>,
    /// A third-party assessor's other assigned orgs.
    assigned: Vec<Org>,
    today: chrono::NaiveDate,
    /// 待办 of 达标创建.
    inbox: super::campaigns::InboxSummary,
}

/// 首页: the live totals of the account's own scope, and its direct children. Administrators
/// go to their own pages; they see no business records.
pub async fn show(State(st): State<AppState>, auth: Auth) -> AppResult<Response> {
    match auth.role() {
        Role::SystemAdmin | Role::SecurityAdmin => {
            return Ok(Redirect::to("/admin/accounts").into_response());
        }
        Role::AuditAdmin => return Ok(Redirect::to("/admin/audit").into_response()),
        _ => {}
    }
    let root = auth.home_org().cloned();
    // A grassroots union's own page (roster, units, officers) is its chair's home.
    if let Some(r) = root
        .as_ref()
        .filter(|r| r.kind == gonghui_domain::OrgKind::Grassroots && auth.role() == Role::Chair)
    {
        return Ok(Redirect::to(&format!("/orgs/{}", r.id)).into_response());
    }
    let (totals, children) = match &root {
        Some(r) => (
            st.store.subtree_totals(r).await?,
            st.store.children(r.id, false, 0, 100).await?,
        ),
        None => (SubtreeTotals::default(), vec![]),
    };
    let assigned = if auth.role() == Role::Assessor {
        auth.assigned.clone()
    } else {
        vec![]
    };
    Ok(HomePage {
        nav: Nav::of(&auth),
        root,
        totals,
        children,
        assigned,
        today: chrono::Local::now().date_naive(),
        inbox: super::campaigns::inbox_summary(&st, &auth).await?,
    }
    .into_response())
}
