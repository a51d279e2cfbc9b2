//! 工会主席协议管理: the coverage table of a federation (per child, each number a link to its
//! enterprises, exportable), and a grassroots union's agreements with their yearly assessments.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gonghui_domain::{AssessmentResult, ChairSelection, OfficerRole, OrgKind, parse_yuan};
use gonghui_store::{
    AgreementRecord, ChairAgreement, ChairAgreementInput, ChairAssessment, InstrumentSetting, Org,
    OrgRef, Target,
};

use super::{
    CoverageLine, Fields, LIST_LIMIT, city_staff, coverage_lines, crumbs, list_request, list_scope,
    notice, parse_year, readable, require_city_staff, today, write_parent, writes_parent, xlsx,
};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppError, AppResult, AppState};

pub struct AgreementView {
    pub a: ChairAgreement,
    pub status: &'static str,
    pub open: bool,
    pub assessments: Vec<ChairAssessment>,
    pub assess_form: FormState,
    pub end_form: FormState,
}

pub struct UnitLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub employees: i64,
    pub ownership: &'static str,
    pub org_id: i64,
    pub org_name: String,
    pub chair_name: String,
    pub agreement_end: String,
    pub done: bool,
}

pub struct ListView {
    pub title: String,
    pub rows: Vec<UnitLine>,
    pub shown_all: bool,
    pub count: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "instr_chair.html")]
pub struct ChairPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    today: String,
    min_employees: i64,
    may_set: bool,
    setting_form: FormState,
    is_grassroots: bool,
    // A federation: the table.
    lines: Vec<CoverageLine>,
    total: CoverageLine,
    list: Option<ListView>,
    // A grassroots union: its agreements.
    can_write: bool,
    own_units: Vec<UnitLine>,
    agreements: Vec<AgreementView>,
    /// An agreement is in force or about to start: a new one comes after it.
    has_current: bool,
    new_form: FormState,
    selection_options: Vec<(&'static str, &'static str)>,
    result_options: Vec<(&'static str, &'static str)>,
}

#[derive(Default)]
struct Forms {
    new: Option<FormState>,
    assess: Option<(i64, FormState)>,
    end: Option<(i64, FormState)>,
    setting: Option<FormState>,
}

/// The last day of the agreement in force or still to come, if any.
fn current_end(agreements: &[AgreementView]) -> Option<chrono::NaiveDate> {
    agreements
        .iter()
        .filter(|v| v.open)
        .map(|v| v.a.effective_end())
        .max()
}

fn unit_line(u: &gonghui_store::ChairEligibleUnit) -> UnitLine {
    UnitLine {
        unit_id: u.unit_id,
        unit_name: u.unit_name.clone(),
        employees: u.employees,
        ownership: u.ownership.label(),
        org_id: u.org_id,
        org_name: u.org_name.clone(),
        chair_name: u.chair_name.clone().unwrap_or_default(),
        agreement_end: u.agreement_end.map(|d| d.to_string()).unwrap_or_default(),
        done: u.done(),
    }
}

async fn default_new_form(st: &AppState, org: &Org) -> AppResult<FormState> {
    let mut f = FormState::default();
    let chair = st
        .store
        .officers(org.id)
        .await?
        .into_iter()
        .find(|o| o.role == OfficerRole::Chair && o.left_on.is_none());
    if let Some(c) = chair {
        f.set("chair_name", c.name);
        if let Some(e) = c.term_end {
            f.set("end_on", e.to_string());
        }
    }
    f.set("selection", ChairSelection::Elected.code());
    f.set("start_on", today().to_string());
    Ok(f)
}

async fn page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    q: &Fields,
    notice: Option<String>,
    mut forms: Forms,
) -> AppResult<ChairPage> {
    let s = &st.store;
    let settings = s.instrument_settings().await?;
    let n = settings.chair_min_employees;
    let day = today();
    let is_grassroots = org.kind == OrgKind::Grassroots;
    let coverage = s.chair_agreement_coverage(&org, n, day).await?;
    let (lines, total) = coverage_lines(&coverage, None);
    let mut list = None;
    if !is_grassroots && let Some((child, which)) = list_request(q) {
        let scope = list_scope(st, &org, child).await?;
        let mut units = s.chair_agreement_units(&scope, n, day).await?;
        units.retain(|u| match which.as_str() {
            "done" => u.done(),
            "missing" => !u.done(),
            _ => true,
        });
        let what = match which.as_str() {
            "done" => "已签订协议的",
            "missing" => "尚未签订协议的",
            _ => "",
        };
        let count = units.len();
        list = Some(ListView {
            title: format!("{}：{what}{n}人以上已建会非公企业（{count}家）", scope.name),
            rows: units.iter().take(LIST_LIMIT).map(unit_line).collect(),
            shown_all: count <= LIST_LIMIT,
            count,
        });
    }
    let (can_write, own_units, agreements, new_form) = if is_grassroots {
        let can_write = writes_parent(st, auth, &org).await? && org.is_active();
        // The union's own non-public units of any size: small ones may sign but are not counted.
        let own_units = s
            .chair_agreement_units(&org, 1, day)
            .await?
            .iter()
            .map(unit_line)
            .collect();
        let records: Vec<AgreementRecord> = s.chair_agreements_of(org.id).await?;
        let agreements: Vec<AgreementView> = records
            .into_iter()
            .map(|r| {
                let id = r.agreement.id;
                let mut assess_form = match &forms.assess {
                    Some((a, f)) if *a == id => f.clone(),
                    _ => FormState::default(),
                };
                if assess_form.values.is_empty() {
                    assess_form.set("year", (day.year() - 1).to_string());
                }
                let mut end_form = match &forms.end {
                    Some((a, f)) if *a == id => f.clone(),
                    _ => FormState::default(),
                };
                if end_form.values.is_empty() {
                    end_form.set("ended_on", day.to_string());
                }
                AgreementView {
                    status: r.agreement.status_label(day),
                    open: r.agreement.ended_on.is_none() && r.agreement.end_on >= day,
                    a: r.agreement,
                    assessments: r.assessments,
                    assess_form,
                    end_form,
                }
            })
            .collect();
        let new_form = match forms.new.take() {
            Some(f) => f,
            None => {
                let mut f = default_new_form(st, &org).await?;
                // With an agreement in force, the next one starts the day after it ends.
                if let Some(end) = current_end(&agreements) {
                    f.set("start_on", (end + chrono::TimeDelta::days(1)).to_string());
                    f.set("end_on", "");
                }
                f
            }
        };
        (can_write, own_units, agreements, new_form)
    } else {
        // A refused post to a federation shows its message at the top.
        (false, vec![], vec![], forms.new.take().unwrap_or_default())
    };
    let has_current = current_end(&agreements).is_some();
    let mut setting_form = forms.setting.unwrap_or_default();
    if setting_form.values.is_empty() {
        setting_form.set("min_employees", n.to_string());
    }
    Ok(ChairPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        notice,
        today: day.to_string(),
        min_employees: n,
        may_set: city_staff(auth),
        setting_form,
        is_grassroots,
        lines,
        total,
        list,
        can_write,
        own_units,
        agreements,
        has_current,
        new_form,
        selection_options: ChairSelection::options(),
        result_options: AssessmentResult::options(),
        org,
    })
}

fn here(id: i64) -> String {
    format!("/orgs/{id}/chair-agreements")
}

/// 工会主席协议管理 of an org: a federation's coverage per child (and `?export=xlsx`), or a
/// grassroots union's agreements.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = readable(&st, &auth, id).await?;
    if q.get("export").is_some_and(|e| e == "xlsx") {
        return export(&st, &auth, &org).await;
    }
    Ok(page(&st, &auth, org, &q, notice(&q), Forms::default())
        .await?
        .into_response())
}

async fn export(st: &AppState, auth: &Auth, org: &Org) -> AppResult<Response> {
    let n = st.store.instrument_settings().await?.chair_min_employees;
    let day = today();
    let coverage = st.store.chair_agreement_coverage(org, n, day).await?;
    let units = st.store.chair_agreement_units(org, n, day).await?;
    let bytes =
        xlsx::chair_agreements(org, n, day, &coverage, &units).map_err(super::xlsx_error)?;
    st.store
        .audit_event(
            &auth.actor(),
            "chair_agreement.export",
            Target::new("org", Some(org.id), Some(org.id)),
            true,
            Some(&serde_json::json!({ "rows": units.len() })),
        )
        .await?;
    Ok(super::xlsx_response(bytes, "chair-agreements"))
}

/// 签订工会主席协议 for a grassroots union (by the upper union).
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let mut form = FormState::from_values(fields);
    let chair_name = form.required("chair_name", "工会主席姓名");
    let selection = form.parse_req("selection", "选配方式", |s| {
        ChairSelection::from_label(s).ok_or("请从列表中选择选配方式")
    });
    let start_on = form.date_req("start_on", "协议起始日期");
    let end_on = form.date_req("end_on", "协议终止日期");
    let allowance = match form.text("monthly_allowance") {
        Some(_) => form.parse_opt("monthly_allowance", |s| parse_yuan(s, "月补贴")),
        None => Some(0),
    };
    if let (Some(chair_name), Some(selection), Some(start_on), Some(end_on), Some(fen), false) = (
        chair_name,
        selection,
        start_on,
        end_on,
        allowance,
        form.has_errors(),
    ) {
        let input = ChairAgreementInput {
            chair_name,
            selection,
            start_on,
            end_on,
            monthly_allowance_fen: fen,
            note: form.text("note"),
        };
        match st
            .store
            .create_chair_agreement(&auth.actor(), id, input)
            .await
        {
            Ok(_) => return Ok(done(&here(id), "agreement").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        new: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(
        page(&st, &auth, org, &Fields::new(), None, forms).await?,
    ))
}

/// The agreement named by the form's `agreement` field, which must belong to the union of the
/// URL (whose scope has been checked).
async fn agreement_of(st: &AppState, org: &Org, fields: &Fields) -> AppResult<ChairAgreement> {
    let aid = fields
        .get("agreement")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .ok_or(AppError::not_found("工会主席协议"))?;
    let a = st.store.chair_agreement(aid).await?;
    if a.org_id != org.id {
        return Err(AppError::not_found("工会主席协议"));
    }
    Ok(a)
}

/// 登记年度考核结果.
pub async fn assess(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let aid = agreement_of(&st, &org, &fields).await?.id;
    let mut form = FormState::from_values(fields);
    let year = form.parse_req("year", "考核年度", parse_year);
    let result = form.parse_req("result", "考核结果", |s| {
        AssessmentResult::from_label(s).ok_or("请从列表中选择考核结果")
    });
    if let (Some(year), Some(result), false) = (year, result, form.has_errors()) {
        match st
            .store
            .assess_chair(&auth.actor(), aid, year, result, form.text("note"))
            .await
        {
            Ok(_) => return Ok(done(&here(id), "assessed").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        assess: Some((aid, form)),
        ..Default::default()
    };
    Ok(unprocessable(
        page(&st, &auth, org, &Fields::new(), None, forms).await?,
    ))
}

/// 终止协议 (主席离任、企业注销、协议解除…).
pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let aid = agreement_of(&st, &org, &fields).await?.id;
    let mut form = FormState::from_values(fields);
    let date = form.date_opt("ended_on").unwrap_or_else(today);
    if !form.has_errors() {
        let reason = form.v("end_reason").to_owned();
        match st
            .store
            .end_chair_agreement(&auth.actor(), aid, date, &reason)
            .await
        {
            Ok(()) => return Ok(done(&here(id), "agreement_ended").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        end: Some((aid, form)),
        ..Default::default()
    };
    Ok(unprocessable(
        page(&st, &auth, org, &Fields::new(), None, forms).await?,
    ))
}

/// 修改纳入协议管理的职工人数门槛 (staff of the city federation only).
pub async fn settings(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    require_city_staff(&auth).await?;
    let org = readable(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let n = form.count_req("min_employees", "职工人数门槛");
    if let (Some(n), false) = (n, form.has_errors()) {
        match st
            .store
            .set_instrument_setting(&auth.actor(), InstrumentSetting::ChairMinEmployees, n)
            .await
        {
            Ok(()) => return Ok(done(&here(id), "setting").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        setting: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(
        page(&st, &auth, org, &Fields::new(), None, forms).await?,
    ))
}
