//! 会员 pages: the member record (personal data masked), registration, edits, 会籍转接 and status.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{Education, JoinMethod, MemberStatus, NewEmploymentGroup};
use gonghui_store::{Member, MembershipPeriod, OrgRef};

use super::orgs::{target_org, unprocessable};
use super::{done, notice};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::inputs::member_input;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

#[derive(Template, WebTemplate)]
#[template(path = "member.html")]
pub struct MemberPage {
    nav: Nav,
    can_write: bool,
    may_reveal: bool,
    /// Full ID number and phone, only after an audited reveal.
    revealed: Option<(String, String)>,
    member: Member,
    org: Option<OrgRef>,
    history: Vec<MembershipPeriod>,
    notice: Option<String>,
    status_form: FormState,
    status_options: Vec<(&'static str, &'static str)>,
}

async fn org_ref_of(st: &AppState, auth: &Auth, id: Option<i64>) -> AppResult<Option<OrgRef>> {
    match id {
        Some(id) => {
            let o = st.store.org(id).await?;
            let (id, name) = auth.show_org(o.id, &o.name, &o.path);
            Ok(Some(OrgRef { id, name }))
        }
        None => Ok(None),
    }
}

async fn member_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    status_form: FormState,
) -> AppResult<MemberPage> {
    let member = st.store.member(id).await?;
    auth.read_member(&member).await?;
    let can_write = auth.may_write_member(&member).await?;
    let mut history = st.store.memberships(id).await?;
    for p in &mut history {
        (p.org_id, p.org_name) = auth.show_org(p.org_id, &p.org_name, &p.org_path);
    }
    let org = org_ref_of(st, auth, member.org_id).await?;
    let status_options = MemberStatus::options()
        .into_iter()
        .filter(|(c, _)| *c != member.status.code())
        .collect();
    Ok(MemberPage {
        nav: Nav::of(auth),
        can_write,
        may_reveal: can_write && auth.may_reveal(),
        revealed: None,
        history,
        member,
        org,
        notice,
        status_form,
        status_options,
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<MemberPage> {
    member_page(&st, &auth, id, notice(&q), FormState::default()).await
}

/// 查看完整信息: the full ID number and phone, for roles that work with the record; each
/// reveal is audited.
pub async fn reveal(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<MemberPage> {
    let mut page = member_page(&st, &auth, id, None, FormState::default()).await?;
    if !page.may_reveal {
        auth.write_member(&page.member).await?;
        return Err(AppError {
            error: gonghui_store::Error::Forbidden,
            json: false,
        });
    }
    let target = gonghui_store::Target::new("member", Some(id), page.member.org_id);
    st.store
        .audit_event(&auth.actor(), "member.reveal", target, true, None::<&()>)
        .await?;
    page.revealed = Some((
        page.member.id_number.clone(),
        page.member.phone.clone().unwrap_or_default(),
    ));
    Ok(page)
}

#[derive(Template, WebTemplate)]
#[template(path = "member_form.html")]
pub struct MemberFormPage {
    nav: Nav,
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

fn form_page(
    auth: &Auth,
    heading: String,
    org: Option<OrgRef>,
    form: FormState,
    editing: Option<&Member>,
    cancel_href: String,
) -> MemberFormPage {
    MemberFormPage {
        nav: Nav::of(auth),
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

/// The grassroots union of `?org=`, which the account must be allowed to write to.
async fn roster_org(st: &AppState, auth: &Auth, q: &Fields) -> AppResult<OrgRef> {
    let id = q
        .get("org")
        .and_then(|o| o.parse::<i64>().ok())
        .ok_or(AppError::not_found("工会组织"))?;
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    Ok(OrgRef {
        id: org.id,
        name: org.name,
    })
}

/// 登记会员 in the grassroots union `?org=`.
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<MemberFormPage> {
    let org = roster_org(&st, &auth, &q).await?;
    let mut form = FormState::default();
    form.set("join_date", chrono::Local::now().date_naive().to_string());
    form.set("join_method", JoinMethod::Individual.code());
    let heading = format!("在{}登记会员", org.name);
    let cancel = format!("/orgs/{}", org.id);
    Ok(form_page(&auth, heading, Some(org), form, None, cancel))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = roster_org(&st, &auth, &q).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = member_input(&mut form) {
        match st.store.create_member(&auth.actor(), org.id, input).await {
            Ok(id) => return Ok(done(&format!("/members/{id}"), "joined").into_response()),
            Err(e) => form.absorb(auth.explain(e).await)?,
        }
    }
    let heading = format!("在{}登记会员", org.name);
    let cancel = format!("/orgs/{}", org.id);
    Ok(unprocessable(form_page(
        &auth,
        heading,
        Some(org),
        form,
        None,
        cancel,
    )))
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
    f.set(
        "new_employment_group",
        m.new_employment_group.clone().unwrap_or_default(),
    );
    if m.migrant_worker {
        f.set("migrant_worker", "on");
    }
    if m.dispatched_worker {
        f.set("dispatched_worker", "on");
    }
    f
}

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<MemberFormPage> {
    let m = st.store.member(id).await?;
    auth.write_member(&m).await?;
    let org = org_ref_of(&st, &auth, m.org_id).await?;
    Ok(form_page(
        &auth,
        format!("修改会员 {}", m.name),
        org,
        member_to_form(&m),
        Some(&m),
        format!("/members/{id}"),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let m = st.store.member(id).await?;
    auth.write_member(&m).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = member_input(&mut form) {
        match st.store.update_member(&auth.actor(), id, input).await {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "updated").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let org = org_ref_of(&st, &auth, m.org_id).await?;
    Ok(unprocessable(form_page(
        &auth,
        format!("修改会员 {}", m.name),
        org,
        form,
        Some(&m),
        format!("/members/{id}"),
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "member_transfer.html")]
pub struct TransferPage {
    nav: Nav,
    member: Member,
    org: Option<OrgRef>,
    form: FormState,
}

pub async fn transfer_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<TransferPage> {
    let member = st.store.member(id).await?;
    auth.write_member(&member).await?;
    let org = org_ref_of(&st, &auth, member.org_id).await?;
    Ok(TransferPage {
        nav: Nav::of(&auth),
        member,
        org,
        form: FormState::default(),
    })
}

/// 会籍转接 to another grassroots union.
pub async fn transfer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let current = st.store.member(id).await?;
    auth.write_member(&current).await?;
    let mut form = FormState::from_values(fields);
    let to = target_org(&st, &auth, &mut form, "to_org", "转入的基层工会").await?;
    let date = form.date_opt("date");
    if let (Some(to), false) = (to, form.has_errors()) {
        match st.store.transfer_member(&auth.actor(), id, to, date).await {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "transferred").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let member = st.store.member(id).await?;
    let org = org_ref_of(&st, &auth, member.org_id).await?;
    Ok(unprocessable(TransferPage {
        nav: Nav::of(&auth),
        member,
        org,
        form,
    }))
}

pub async fn set_status(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let current = st.store.member(id).await?;
    auth.write_member(&current).await?;
    let mut form = FormState::from_values(fields);
    let status = form.parse_req("status", "会籍状态", |s| {
        MemberStatus::from_label(s).ok_or("请选择会籍状态")
    });
    let date = form.date_opt("date");
    if let (Some(status), false) = (status, form.has_errors()) {
        match st
            .store
            .set_member_status(&auth.actor(), id, status, date)
            .await
        {
            Ok(()) => return Ok(done(&format!("/members/{id}"), "status").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(
        member_page(&st, &auth, id, None, form).await?,
    ))
}
