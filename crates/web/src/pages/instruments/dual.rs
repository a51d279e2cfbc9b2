//! 双亮 (亮牌子、亮身份、亮作为): a federation's coverage among enterprises of N or more
//! employees against the target (per child, each number a link, exportable); a grassroots
//! union's own check and what it means for the honors (市级以上评选).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{
    DualDisplay, OrgKind, check_min_employees, check_target_percent, dual_display_eligible,
};
use gonghui_store::{DualDisplayInput, DualDisplayRecord, InstrumentSetting, Org, OrgRef, Target};

use super::{
    CoverageLine, Fields, LIST_LIMIT, city_staff, coverage_lines, crumbs, list_request, list_scope,
    notice, readable, require_city_staff, today, write_parent, writes_parent, xlsx,
};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppResult, AppState};

pub struct DualLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub employees: i64,
    pub org_id: i64,
    pub org_name: String,
    pub marks: Vec<(&'static str, Option<bool>)>,
    pub checked_on: String,
}

pub struct DualList {
    pub title: String,
    pub rows: Vec<DualLine>,
    pub shown_all: bool,
    pub count: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "instr_dual.html")]
pub struct DualPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    min_employees: i64,
    target: i64,
    may_set: bool,
    setting_form: FormState,
    is_grassroots: bool,
    lines: Vec<CoverageLine>,
    total: CoverageLine,
    list: Option<DualList>,
    record: Option<DualDisplayRecord>,
    marks: Vec<(&'static str, Option<bool>)>,
    /// None: may take part in 市级以上评选; Some: the rule's refusal.
    ineligible: Option<String>,
    can_write: bool,
    form: FormState,
    own_units: Vec<DualLine>,
}

#[derive(Default)]
struct Forms {
    check: Option<FormState>,
    setting: Option<FormState>,
}

fn marks_of(s: Option<DualDisplay>) -> Vec<(&'static str, Option<bool>)> {
    vec![
        ("亮牌子", s.map(|s| s.sign)),
        ("亮身份", s.map(|s| s.identity)),
        ("亮作为", s.map(|s| s.deeds)),
    ]
}

fn dual_line(u: &gonghui_store::DualEligibleUnit) -> DualLine {
    DualLine {
        unit_id: u.unit_id,
        unit_name: u.unit_name.clone(),
        employees: u.employees,
        org_id: u.org_id,
        org_name: u.org_name.clone(),
        marks: marks_of(u.status()),
        checked_on: u.checked_on.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    q: &Fields,
    notice: Option<String>,
    forms: Forms,
) -> AppResult<DualPage> {
    let s = &st.store;
    let settings = s.instrument_settings().await?;
    let (n, target) = (settings.dual_min_employees, settings.dual_target_percent);
    let is_grassroots = org.kind == OrgKind::Grassroots;
    let coverage = s.dual_display_coverage(&org, n).await?;
    let (lines, total) = coverage_lines(&coverage, Some(target));
    let mut list = None;
    if !is_grassroots && let Some((child, which)) = list_request(q) {
        let scope = list_scope(st, &org, child).await?;
        let mut units = s.dual_display_units(&scope, n).await?;
        units.retain(|u| match which.as_str() {
            "done" => u.done(),
            "missing" => !u.done(),
            _ => true,
        });
        let what = match which.as_str() {
            "done" => "三亮已到位的",
            "missing" => "尚未三亮到位的",
            _ => "",
        };
        let count = units.len();
        list = Some(DualList {
            title: format!("{}：{what}{n}人以上已建会企业（{count}家）", scope.name),
            rows: units.iter().take(LIST_LIMIT).map(dual_line).collect(),
            shown_all: count <= LIST_LIMIT,
            count,
        });
    }
    let (record, can_write, own_units) = if is_grassroots {
        (
            s.dual_display(org.id).await?,
            org.is_active() && writes_parent(st, auth, &org).await?,
            s.dual_display_units(&org, 1)
                .await?
                .iter()
                .map(dual_line)
                .collect(),
        )
    } else {
        (None, false, vec![])
    };
    let status = record.as_ref().map(DualDisplayRecord::status);
    let mut form = forms.check.unwrap_or_default();
    if form.values.is_empty() {
        if let Some(r) = &record {
            for (name, on) in [
                ("sign", r.sign),
                ("identity", r.identity),
                ("deeds", r.deeds),
            ] {
                if on {
                    form.set(name, "on");
                }
            }
            form.set("note", r.note.clone().unwrap_or_default());
        }
        form.set("checked_on", today().to_string());
        form.set("checked_by", auth.account.display_name.clone());
    }
    let mut setting_form = forms.setting.unwrap_or_default();
    if setting_form.values.is_empty() {
        setting_form.set("min_employees", n.to_string());
        setting_form.set("target_percent", target.to_string());
    }
    Ok(DualPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        notice,
        min_employees: n,
        target,
        may_set: city_staff(auth),
        setting_form,
        is_grassroots,
        lines,
        total,
        list,
        marks: marks_of(status),
        ineligible: dual_display_eligible(status).err().map(|e| e.0),
        record,
        can_write,
        form,
        own_units,
        org,
    })
}

fn here(id: i64) -> String {
    format!("/orgs/{id}/dual-display")
}

/// 双亮 of an org: coverage per child (and `?export=xlsx`), or a grassroots union's check.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let org = readable(&st, &auth, id).await?;
    if q.get("export").is_some_and(|e| e == "xlsx") {
        let settings = st.store.instrument_settings().await?;
        let (n, target) = (settings.dual_min_employees, settings.dual_target_percent);
        let coverage = st.store.dual_display_coverage(&org, n).await?;
        let units = st.store.dual_display_units(&org, n).await?;
        let bytes =
            xlsx::dual_display(&org, n, target, &coverage, &units).map_err(super::xlsx_error)?;
        st.store
            .audit_event(
                &auth.actor(),
                "dual_display.export",
                Target::new("org", Some(org.id), Some(org.id)),
                true,
                Some(&serde_json::json!({ "rows": units.len() })),
            )
            .await?;
        return Ok(super::xlsx_response(bytes, "dual-display"));
    }
    Ok(page(&st, &auth, org, &q, notice(&q), Forms::default())
        .await?
        .into_response())
}

/// 登记双亮检查结果 of a grassroots union (by the upper union).
pub async fn record(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let mut form = FormState::from_values(fields);
    let checked_on = form.date_req("checked_on", "检查日期");
    if let (Some(checked_on), false) = (checked_on, form.has_errors()) {
        let input = DualDisplayInput {
            status: DualDisplay {
                sign: form.checked("sign"),
                identity: form.checked("identity"),
                deeds: form.checked("deeds"),
            },
            checked_on,
            checked_by: form.v("checked_by").to_owned(),
            note: form.text("note"),
        };
        match st.store.record_dual_display(&auth.actor(), id, input).await {
            Ok(()) => return Ok(done(&here(id), "checked").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        check: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(
        page(&st, &auth, org, &Fields::new(), None, forms).await?,
    ))
}

/// 修改双亮的职工人数门槛和目标覆盖面 (staff of the city federation only).
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
    let target = form.count_req("target_percent", "目标覆盖面");
    // Both are checked before either is written.
    if let Some(n) = n
        && let Err(e) = check_min_employees(n)
    {
        form.error("min_employees", e.0);
    }
    if let Some(t) = target
        && let Err(e) = check_target_percent(t)
    {
        form.error("target_percent", e.0);
    }
    if let (Some(n), Some(target), false) = (n, target, form.has_errors()) {
        let now = st.store.instrument_settings().await?;
        let mut result = Ok(());
        if n != now.dual_min_employees {
            result = st
                .store
                .set_instrument_setting(&auth.actor(), InstrumentSetting::DualMinEmployees, n)
                .await;
        }
        if result.is_ok() && target != now.dual_target_percent {
            result = st
                .store
                .set_instrument_setting(&auth.actor(), InstrumentSetting::DualTargetPercent, target)
                .await;
        }
        match result {
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
