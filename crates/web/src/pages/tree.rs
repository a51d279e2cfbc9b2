use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use gonghui_store::{Org, OrgChild, OrgRef};

use crate::auth::Auth;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

/// Children shown per request; a township can hold hundreds of unions, so the rest load on demand.
const PAGE: u64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "tree.html")]
pub struct TreePage {
    nav: Nav,
    root: Option<Org>,
    /// Orgs above the shown root that the account may open.
    above: Vec<OrgRef>,
    children: Vec<OrgChild>,
    parent_id: i64,
    next_offset: Option<u64>,
    remaining: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "tree_children.html")]
pub struct TreeChildren {
    children: Vec<OrgChild>,
    parent_id: i64,
    next_offset: Option<u64>,
    remaining: i64,
}

/// 组织树: the account's own scope (or `?open=` any org in it) with its first level open;
/// deeper levels load when expanded.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<TreePage> {
    auth.require_records().await?;
    let root = match q.get("open").and_then(|o| o.parse::<i64>().ok()) {
        Some(id) => {
            let org = st.store.org(id).await?;
            auth.read_org(&org).await?;
            Some(org)
        }
        None => auth.home_org().cloned(),
    };
    let nav = Nav::of(&auth);
    let Some(r) = &root else {
        return Err(AppError {
            error: gonghui_store::Error::Forbidden,
            json: false,
        });
    };
    let above = auth.crumbs(r, st.store.lineage(r).await?);
    let (children, next_offset, remaining) = page_of(&st, r.id, 0).await?;
    Ok(TreePage {
        nav,
        parent_id: r.id,
        root,
        above,
        children,
        next_offset,
        remaining,
    })
}

/// The fragment htmx swaps in when a tree row is expanded (or "显示更多" is pressed).
pub async fn children(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<TreeChildren> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let offset = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let (children, next_offset, remaining) = page_of(&st, id, offset).await?;
    Ok(TreeChildren {
        children,
        parent_id: id,
        next_offset,
        remaining,
    })
}

async fn page_of(
    st: &AppState,
    id: i64,
    offset: u64,
) -> AppResult<(Vec<OrgChild>, Option<u64>, i64)> {
    let children = st.store.children(id, false, offset, PAGE).await?;
    let total = st.store.child_count(id).await?;
    let shown = offset as i64 + children.len() as i64;
    let next = (shown < total).then_some(shown as u64);
    Ok((children, next, total - shown))
}
