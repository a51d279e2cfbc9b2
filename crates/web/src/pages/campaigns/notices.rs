//! 公示 (publishing the accepted unions for a period; a printable page with names and grades,
//! nothing personal) and 授予称号 after it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, TimeDelta};
use gonghui_domain::{AssessmentState, HonorLevel};
use gonghui_store::{Campaign, NoticeInput, NoticeView};

use super::{Fields, notice, put, today};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppResult, AppState};

/// A union that may be put on a 公示.
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub grade: String,
    pub score: String,
    pub checked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notice_new.html")]
pub struct NewNoticePage {
    nav: Nav,
    c: Campaign,
    form: FormState,
    candidates: Vec<Candidate>,
}

async fn new_page(
    st: &AppState,
    auth: &Auth,
    c: Campaign,
    mut form: FormState,
    chosen: Option<&[i64]>,
) -> AppResult<NewNoticePage> {
    let org = st.store.org(c.org_id).await?;
    let mut passed = st
        .store
        .campaign_assessments(c.id, &org, &[AssessmentState::Passed])
        .await?;
    // Best grade first, then the highest score.
    passed.sort_by(|a, b| {
        let rank = |x: &gonghui_store::Assessment| {
            x.grade()
                .map(|g| {
                    gonghui_domain::Grade::ALL
                        .iter()
                        .position(|y| *y == g)
                        .unwrap_or(9)
                })
                .unwrap_or(9)
        };
        rank(&a.0)
            .cmp(&rank(&b.0))
            .then(b.0.total.cmp(&a.0.total))
            .then(a.1.cmp(&b.1))
    });
    if form.values.is_empty() {
        let t = today();
        form.set(
            "title",
            format!(
                "{}年度{}验收结果公示",
                c.start_on.year(),
                c.honor_title.clone().unwrap_or_else(|| c.name.clone())
            ),
        );
        form.set("start_on", t.to_string());
        form.set("end_on", (t + TimeDelta::days(6)).to_string());
        form.set("contact", format!("{}组织部", c.org_name));
    }
    let candidates = passed
        .iter()
        .map(|(a, name, _)| Candidate {
            id: a.id,
            name: name.clone(),
            grade: a.grade_text(),
            score: a.score_text(),
            checked: chosen.is_none_or(|ids| ids.contains(&a.id)),
        })
        .collect();
    Ok(NewNoticePage {
        nav: Nav::of(auth),
        c,
        form,
        candidates,
    })
}

/// 发布公示 (form): the campaign's accepted unions not yet published.
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = st.store.campaign(id).await?;
    auth.require_campaign_staff(&c).await?;
    Ok(new_page(&st, &auth, c, FormState::default(), None)
        .await?
        .into_response())
}

/// 发布公示.
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let c = st.store.campaign(id).await?;
    auth.require_campaign_staff(&c).await?;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "assessment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut form = FormState::from_values(
        pairs
            .into_iter()
            .filter(|(k, _)| k != "assessment")
            .collect(),
    );
    let title = form.required("title", "公示标题");
    let start = form.date_req("start_on", "公示开始日期");
    let end = form.date_req("end_on", "公示结束日期");
    if let (Some(title), Some(start), Some(end), false) = (title, start, end, form.has_errors()) {
        let input = NoticeInput {
            title,
            start_on: start,
            end_on: end,
            contact: form.v("contact").to_owned(),
            assessment_ids: ids.clone(),
        };
        match st.store.publish_notice(&auth.actor(), c.id, input).await {
            Ok(nid) => return Ok(done(&format!("/notices/{nid}"), "published").into_response()),
            Err(e) => put(
                &mut form,
                e,
                &["title", "start_on", "end_on", "contact", "assessments"],
            )?,
        }
    }
    Ok(unprocessable(
        new_page(&st, &auth, c, form, Some(&ids)).await?,
    ))
}

/// One line of the printed 公示.
pub struct Line {
    pub assessment_id: i64,
    pub name: String,
    pub grade: String,
    pub awaiting: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
pub struct NoticePage {
    nav: Nav,
    notice: Option<String>,
    v: NoticeView,
    lines: Vec<Line>,
    /// Lines out of the account's scope are left off (staff of a county see their own unions).
    partial: bool,
    level: String,
    honor: String,
    ended: bool,
    grant_from: NaiveDate,
    may_grant: bool,
    awaiting: usize,
    form: FormState,
    year: i32,
}

async fn notice_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    form: FormState,
    notice: Option<String>,
) -> AppResult<NoticePage> {
    let v = st.store.notice(id).await?;
    let lines: Vec<Line> = v
        .lines
        .iter()
        .filter(|l| auth.sees_path(&l.org_path))
        .map(|l| Line {
            assessment_id: l.assessment_id,
            name: l.org_name.clone(),
            grade: l.grade_text().to_owned(),
            awaiting: l.state == AssessmentState::Published,
        })
        .collect();
    let level = v
        .campaign
        .honor_level
        .unwrap_or(HonorLevel::granted_by(v.campaign.org_kind));
    let t = today();
    Ok(NoticePage {
        nav: Nav::of(auth),
        notice,
        partial: lines.len() < v.lines.len(),
        level: level.label().to_owned(),
        honor: v.campaign.honor_title.clone().unwrap_or_default(),
        ended: v.notice.ended(t),
        grant_from: v.notice.grant_from(),
        may_grant: auth.manages_campaign(&v.campaign) && v.campaign.honor_title.is_some(),
        awaiting: v.awaiting_grant(),
        year: v.notice.start_on.year(),
        lines,
        form,
        v,
    })
}

/// 公示 (printable): the unions, their grade and the period for objections.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let v = st.store.notice(id).await?;
    auth.read_campaign(&v.campaign).await?;
    Ok(
        notice_page(&st, &auth, id, FormState::default(), notice(&q))
            .await?
            .into_response(),
    )
}

/// 授予称号 to the unions of an ended 公示 (those ticked).
pub async fn grant(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let v = st.store.notice(id).await?;
    auth.require_campaign_staff(&v.campaign).await?;
    let only: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "assessment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let mut form = FormState::from_values(
        pairs
            .into_iter()
            .filter(|(k, _)| k != "assessment")
            .collect(),
    );
    let document_no = form.text("document_no");
    match st
        .store
        .grant_titles(&auth.actor(), id, &only, document_no.as_deref())
        .await
    {
        Ok(_) => Ok(done(&format!("/notices/{id}"), "granted").into_response()),
        Err(e) => {
            put(&mut form, e, &["document_no"])?;
            Ok(unprocessable(
                notice_page(&st, &auth, id, form, None).await?,
            ))
        }
    }
}
