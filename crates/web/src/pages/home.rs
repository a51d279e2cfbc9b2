use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use gonghui_store::{Org, OrgChild, SubtreeTotals};

use crate::{AppResult, AppState};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    root: Option<Org>,
    totals: SubtreeTotals,
    children: Vec<OrgChild>,
    today: chrono::NaiveDate,
}

/// 首页: the root's live totals and its direct children.
pub async fn show(State(st): State<AppState>) -> AppResult<HomePage> {
    let root = st.store.root().await?;
    let (totals, children) = match &root {
        Some(r) => (st.store.subtree_totals(r).await?, st.store.children(r.id, false, 0, 100).await?),
        None => (SubtreeTotals::default(), vec![]),
    };
    Ok(HomePage { root, totals, children, today: chrono::Local::now().date_naive() })
}
