//! 执业律师兼职县级工会副主席: which county federations in scope still lack one, the roster of
//! appointments, and (on a county federation) appointing and ending.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{OrgKind, Phone};
use gonghui_store::{CountyLawyers, LawyerAppointment, LawyerInput, Org, OrgRef};

use super::{Fields, crumbs, notice, readable, today};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppError, AppResult, AppState};

pub struct LawyerView {
    pub l: LawyerAppointment,
    pub status: &'static str,
    pub serving: bool,
    pub phone: String,
    pub end_form: FormState,
}

#[derive(Template, WebTemplate)]
#[template(path = "instr_lawyers.html")]
pub struct LawyersPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    today: String,
    is_county: bool,
    counties: Vec<CountyLawyers>,
    lacking: usize,
    lawyers: Vec<LawyerView>,
    can_write: bool,
    form: FormState,
}

#[derive(Default)]
struct Forms {
    appoint: Option<FormState>,
    end: Option<(i64, FormState)>,
}

async fn page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    notice: Option<String>,
    forms: Forms,
) -> AppResult<LawyersPage> {
    let day = today();
    let counties = st.store.counties_lawyers(&org, day).await?;
    let lawyers = st
        .store
        .lawyers_in(&org)
        .await?
        .into_iter()
        .map(|l| {
            let mut end_form = match &forms.end {
                Some((id, f)) if *id == l.id => f.clone(),
                _ => FormState::default(),
            };
            if end_form.values.is_empty() {
                end_form.set("ended_on", day.to_string());
            }
            LawyerView {
                status: l.status_label(day),
                serving: l.ended_on.is_none(),
                phone: l
                    .phone
                    .as_deref()
                    .and_then(|p| Phone::parse(p).ok())
                    .map(|p| p.masked())
                    .unwrap_or_default(),
                end_form,
                l,
            }
        })
        .collect();
    let is_county = org.kind == OrgKind::CountyFederation;
    let mut form = forms.appoint.unwrap_or_default();
    if form.values.is_empty() {
        form.set("appointed_on", day.to_string());
    }
    Ok(LawyersPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        notice,
        today: day.to_string(),
        is_county,
        lacking: counties.iter().filter(|c| c.active == 0).count(),
        counties,
        lawyers,
        can_write: is_county && org.is_active() && auth.writes(&org),
        form,
        org,
    })
}

fn here(id: i64) -> String {
    format!("/orgs/{id}/lawyers")
}

/// 律师兼职副主席 of the county federations in scope.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<LawyersPage> {
    let org = readable(&st, &auth, id).await?;
    page(&st, &auth, org, notice(&q), Forms::default()).await
}

/// 聘任: the appointment and the officer row on the county federation.
pub async fn appoint(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    let name = form.required("name", "姓名");
    let law_firm = form.required("law_firm", "律师事务所");
    let cert_no = form.required("cert_no", "律师执业证号");
    let document_no = form.required("document_no", "聘任文号");
    let appointed_on = form.date_req("appointed_on", "聘任日期");
    let term_end = form.date_req("term_end", "任期届满日期");
    let phone = form.parse_opt("phone", Phone::parse);
    if let (
        Some(name),
        Some(law_firm),
        Some(cert_no),
        Some(document_no),
        Some(appointed_on),
        Some(term_end),
        false,
    ) = (
        name,
        law_firm,
        cert_no,
        document_no,
        appointed_on,
        term_end,
        form.has_errors(),
    ) {
        let input = LawyerInput {
            name,
            law_firm,
            cert_no,
            document_no,
            appointed_on,
            term_end,
            phone,
        };
        match st.store.appoint_lawyer(&auth.actor(), id, input).await {
            Ok(_) => return Ok(done(&here(id), "appointed").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        appoint: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(page(&st, &auth, org, None, forms).await?))
}

/// 离任: the appointment and the officer both end.
pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let lid = fields
        .get("appointment")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .ok_or(AppError::not_found("律师兼职副主席聘任记录"))?;
    let l = st.store.lawyer_appointment(lid).await?;
    if l.org_id != id {
        return Err(AppError::not_found("律师兼职副主席聘任记录"));
    }
    let mut form = FormState::from_values(fields);
    let date = form.date_opt("ended_on").unwrap_or_else(today);
    if !form.has_errors() {
        let reason = form.v("end_reason").to_owned();
        match st.store.end_lawyer(&auth.actor(), lid, date, &reason).await {
            Ok(()) => return Ok(done(&here(id), "lawyer_ended").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        end: Some((lid, form)),
        ..Default::default()
    };
    Ok(unprocessable(page(&st, &auth, org, None, forms).await?))
}
