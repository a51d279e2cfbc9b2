//! 会员 pages: the member record (personal data masked), registration, edits, 会籍转接 and status.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{Education, JoinMethod, MemberStatus, NewEmploymentGroup};
use gonghui_store::{Member, MembershipPeriod, OrgRef};

use super::orgs::unprocessable;
use super::{Peer, actor, done, notice, peer};
use crate::forms::FormState;
use crate::inputs::{member_input, org_ref};
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

#[derive(Template, WebTemplate)]
#[template(path = "member.html")]
pub struct MemberPage {
    member: Member,
    org: Option<OrgRef>,
    history: Vec<MembershipPeriod>,
    notice: Option<String>,
    status_form: FormState,
    status_options: Vec<(&'static str, &'static str)>,
}

async fn org_ref_of(st: &AppState, id: Option<i64>) -> AppResult<Option<OrgRef>> {
    match id {
        Some(id) => {
            let o = st.store.org(id).await?;
            Ok(Some(OrgRef { id: o.id, name: o.name }))
        }
        None => Ok(None),
    }
}

async fn member_page(st: &AppState, id: i64, notice: Option<String>, status_form: FormState) -> AppResult<MemberPage> {
    let member = st.store.member(id).await?;
    let org = org_ref_of(st, member.org_id).await?;
    let status_options = MemberStatus::options().into_iter().filter(|(c, _)| *c != member.status.code()).collect();
    Ok(MemberPage { history: st.store.memberships(id).await?, member, org, notice, status_form, status_options })
}

pub async fn show(State(st): State<AppState>, Path(id): Path<i64>, Query(q): Query<Fields>) -> AppResult<MemberPage> {
    member_page(&st, id, notice(&q), FormState::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "member_form.html")]
pub struct MemberFormPage {
    heading: String,
    org: Option<OrgRef>,
    form: FormState,
    editing: bool,
    id_masked: String,
    join_method_options: Vec<(&'static str, &'static str)>,
    education_options: Vec<(&'static str, &'static str)>,
    group_options: Vec<(&'static str, &'static str)>,
    cancel_href: String,
}

fn form_page(heading: String, org: Option<OrgRef>, form: FormState, editing: Option<&Member>, cancel_href: String) -> MemberFormPage {
    MemberFormPage {
        heading,
        org,
        form,
        editing: editing.is_some(),
        id_masked: editing.map(|m| m.id_masked()).unwrap_or_default(),
        join_method_options: JoinMethod::options(),
        education_options: Education::options(),
        group_options: NewEmploymentGroup::options(),
        cancel_href,
    }
}

async fn target_org(st: &AppState, q: &Fields) -> AppResult<OrgRef> {
    let id = q.get("org").and_then(|o| o.parse::<i64>().ok()).ok_or(AppError::not_found("工会组织"))?;
    Ok(org_ref_of(st, Some(id)).await?.expect("an id was given"))
}

/// 登记会员 in the grassroots union `?org=`.
pub async fn new_form(State(st): State<AppState>, Query(q): Query<Fields>) -> AppResult<MemberFormPage> {
    let org = target_org(&st, &q).await?;
    let mut form = FormState::default();
    form.set("join_date", chrono::Local::now().date_naive().to_string());
    form.set("join_method", JoinMethod::Individual.code());
    let heading = format!("在{}登记会员", org.name);
    let cancel = format!("/orgs/{}", org.id);
    Ok(form_page(heading, Some(org), form, None, cancel))
}

pub async fn create(State(st): State<AppState>, p: Peer, Query(q): Query<Fields>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let org = target_org(&st, &q).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = member_input(&mut form) {
        match st.store.create_member(&actor(peer(&p)), org.id, input).await {
            Ok(id) => return Ok(done(&format!("/members/{id}"), "joined").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let heading = format!("在{}登记会员", org.name);
    let cancel = format!("/orgs/{}", org.id);
    Ok(unprocessable(form_page(heading, Some(org), form, None, cancel)))
}

fn member_to_form(m: &Member) -> FormState {
    let mut f = FormState::default();
    f.set("name", m.name.clone());
    f.set("id_number", m.id_number.clone());
    f.set("phone", m.phone.clone().unwrap_or_default());
    f.set("join_date", m.join_date.to_string());
    f.set("join_method", m.join_method.code());
    f.set("ethnicity", m.ethnicity.clone().unwrap_or_default());
    f.set("education", m.education.clone().unwrap_or_default());
    f.set("new_employment_group", m.new_employment_group.clone().unwrap_or_default());
    if m.migrant_worker {
        f.set("migrant_worker", "on");
    }
    if m.dispatched_worker {
        f.set("dispatched_worker", "on");
    }
    f
}

pub async fn edit_form(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<MemberFormPage> {
    let m = st.store.member(id).await?;
    let org = org_ref_of(&st, m.org_id).await?;
    Ok(form_page(format!("修改会员 {}", m.name), org, member_to_form(&m), Some(&m), format!("/members/{id}")))
}

pub async fn update(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let m = st.store.member(id).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = member_input(&mut form) {
        match st.store.update_member(&actor(peer(&p)), id, input).await {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "updated").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let org = org_ref_of(&st, m.org_id).await?;
    Ok(unprocessable(form_page(format!("修改会员 {}", m.name), org, form, Some(&m), format!("/members/{id}"))))
}

#[derive(Template, WebTemplate)]
#[template(path = "member_transfer.html")]
pub struct TransferPage {
    member: Member,
    org: Option<OrgRef>,
    form: FormState,
}

pub async fn transfer_form(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<TransferPage> {
    let member = st.store.member(id).await?;
    let org = org_ref_of(&st, member.org_id).await?;
    Ok(TransferPage { member, org, form: FormState::default() })
}

/// 会籍转接 to another grassroots union.
pub async fn transfer(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let to = org_ref(&st.store, &mut form, "to_org", "转入的基层工会").await?;
    let date = form.date_opt("date");
    if let (Some(to), false) = (to, form.has_errors()) {
        match st.store.transfer_member(&actor(peer(&p)), id, to, date).await {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "transferred").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let member = st.store.member(id).await?;
    let org = org_ref_of(&st, member.org_id).await?;
    Ok(unprocessable(TransferPage { member, org, form }))
}

pub async fn set_status(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let status = form.parse_req("status", "会籍状态", |s| MemberStatus::from_label(s).ok_or("请选择会籍状态"));
    let date = form.date_opt("date");
    if let (Some(status), false) = (status, form.has_errors()) {
        match st.store.set_member_status(&actor(peer(&p)), id, status, date).await {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "status").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(member_page(&st, id, None, form).await?))
}
