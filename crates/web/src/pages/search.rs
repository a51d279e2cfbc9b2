use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use gonghui_domain::OrgKind;
use gonghui_store::{Org, SearchResults, SearchScope};

use crate::auth::Auth;
use crate::nav::Nav;
use crate::{AppResult, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchPage {
    nav: Nav,
    q: String,
    results: SearchResults,
}

/// 查询: one box for unions, units and members, within the account's scope only.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Query(p): Query<HashMap<String, String>>,
) -> AppResult<SearchPage> {
    auth.require_records().await?;
    let q = p.get("q").map(|s| s.trim().to_owned()).unwrap_or_default();
    let results = st
        .store
        .search(&q, SearchScope::ALL, &auth.visibility(), 30)
        .await?;
    Ok(SearchPage {
        nav: Nav::of(&auth),
        q,
        results,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "suggest.html")]
pub struct Suggest {
    orgs: Vec<Org>,
    target: String,
    q: String,
}

/// Suggestions under an org picker. `field` names the input whose value is the query;
/// `kinds` narrows the list to what the form can accept. Only orgs in the account's scope.
pub async fn suggest(
    State(st): State<AppState>,
    auth: Auth,
    Query(p): Query<HashMap<String, String>>,
) -> AppResult<Suggest> {
    let field = p.get("field").cloned().unwrap_or_default();
    let q = p
        .get(&field)
        .or(p.get("q"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let mut orgs = if q.is_empty() {
        vec![]
    } else {
        st.store
            .search(&q, SearchScope::ORGS, &auth.picker_visibility(), 30)
            .await?
            .orgs
    };
    orgs.retain(|o| o.is_active());
    match p.get("kinds").map(String::as_str) {
        Some("grassroots") => orgs.retain(|o| o.kind == OrgKind::Grassroots),
        Some("upper") => orgs.retain(|o| o.kind != OrgKind::Grassroots),
        _ => {}
    }
    orgs.truncate(10);
    Ok(Suggest {
        orgs,
        target: format!("f-{field}"),
        q,
    })
}
