//! 单位 pages: the unit record, its form, and coverage by a grassroots union.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::Ownership;
use gonghui_store::{Coverage, OrgRef, Unit};

use super::orgs::{target_org, unprocessable};
use super::{done, industry_label, notice, region_label};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::inputs::unit_input;
use crate::nav::Nav;
use crate::{AppResult, AppState};

type Fields = HashMap<String, String>;

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
pub struct UnitPage {
    nav: Nav,
    can_write: bool,
    unit: Unit,
    covering: Option<OrgRef>,
    coverages: Vec<Coverage>,
    region_name: String,
    industry_name: String,
    notice: Option<String>,
    cover_form: FormState,
}

async fn unit_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    cover_form: FormState,
) -> AppResult<UnitPage> {
    let unit = st.store.unit(id).await?;
    auth.read_unit(&unit).await?;
    let covering = match unit.covering_org_id {
        Some(o) => {
            let org = st.store.org(o).await?;
            let (id, name) = auth.show_org(org.id, &org.name, &org.path);
            Some(OrgRef { id, name })
        }
        None => None,
    };
    let can_write = auth.may_write_unit(&unit).await?;
    let mut coverages = st.store.unit_coverages(id).await?;
    for c in &mut coverages {
        (c.org_id, c.org_name) = auth.show_org(c.org_id, &c.org_name, &c.org_path);
    }
    Ok(UnitPage {
        nav: Nav::of(auth),
        can_write,
        region_name: region_label(Some(&unit.region_code)),
        industry_name: industry_label(unit.industry_code.as_deref()),
        coverages,
        unit,
        covering,
        notice,
        cover_form,
    })
}

pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<UnitPage> {
    unit_page(&st, &auth, id, notice(&q), FormState::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "unit_form.html")]
pub struct UnitFormPage {
    nav: Nav,
    heading: String,
    org: Option<OrgRef>,
    form: FormState,
    ownership_options: Vec<(&'static str, &'static str)>,
    cancel_href: String,
}

fn form_page(
    auth: &Auth,
    heading: String,
    org: Option<OrgRef>,
    form: FormState,
    cancel_href: String,
) -> UnitFormPage {
    UnitFormPage {
        nav: Nav::of(auth),
        heading,
        org,
        form,
        ownership_options: Ownership::options(),
        cancel_href,
    }
}

/// The grassroots union of `?org=`, which the account must be allowed to write to. Without
/// one, the unit goes into the directory uncovered (staff of an area federation).
async fn org_of(st: &AppState, auth: &Auth, q: &Fields) -> AppResult<Option<OrgRef>> {
    match q.get("org").and_then(|o| o.parse::<i64>().ok()) {
        Some(id) => {
            let o = st.store.org(id).await?;
            auth.write_org(&o).await?;
            Ok(Some(OrgRef {
                id: o.id,
                name: o.name,
            }))
        }
        None => {
            // Into the directory of the account's own area, if it keeps one.
            let region = auth.scope.region_code.clone().unwrap_or_default();
            auth.write_directory(&region).await?;
            Ok(None)
        }
    }
}

fn new_heading(org: &Option<OrgRef>) -> String {
    match org {
        Some(o) => format!("登记{}覆盖的单位", o.name),
        None => "登记单位".to_owned(),
    }
}

/// 登记单位 (`?org=` makes the new unit covered by that grassroots union).
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<UnitFormPage> {
    let org = org_of(&st, &auth, &q).await?;
    let mut form = FormState::default();
    form.set("ownership", Ownership::Private.code());
    if let Some(o) = &org {
        if let Some(r) = st.store.org(o.id).await?.region_code {
            form.set("region_code", r);
        }
    }
    let cancel = org
        .as_ref()
        .map(|o| format!("/orgs/{}", o.id))
        .unwrap_or_else(|| "/".into());
    Ok(form_page(&auth, new_heading(&org), org, form, cancel))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = org_of(&st, &auth, &q).await?;
    let mut form = FormState::from_values(fields);
    let input = unit_input(&mut form);
    if let (Some(i), None) = (&input, &org)
        && !auth.writes_directory(i.region.as_str())
    {
        form.error("region_code", "只能登记您所在地区（管理范围）内的单位");
    }
    if let (Some(input), false) = (input, form.has_errors()) {
        match st
            .store
            .create_unit(&auth.actor(), input, org.as_ref().map(|o| o.id))
            .await
        {
            Ok(id) => return Ok(done(&format!("/units/{id}"), "created").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let cancel = org
        .as_ref()
        .map(|o| format!("/orgs/{}", o.id))
        .unwrap_or_else(|| "/".into());
    Ok(unprocessable(form_page(
        &auth,
        new_heading(&org),
        org,
        form,
        cancel,
    )))
}

fn unit_to_form(u: &Unit) -> FormState {
    let mut f = FormState::default();
    f.set("uscc", u.uscc.clone());
    f.set("name", u.name.clone());
    f.set("region_code", u.region_code.clone());
    f.set("industry_code", u.industry_code.clone().unwrap_or_default());
    f.set("ownership", u.ownership.code());
    f.set("employees", u.employees.to_string());
    f.set("women_employees", u.women_employees.to_string());
    f.set("park", u.park.clone().unwrap_or_default());
    if u.above_scale {
        f.set("above_scale", "on");
    }
    if u.dispatch_agency {
        f.set("dispatch_agency", "on");
    }
    f
}

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<UnitFormPage> {
    let unit = st.store.unit(id).await?;
    auth.write_unit(&unit).await?;
    Ok(form_page(
        &auth,
        format!("修改 {}", unit.name),
        None,
        unit_to_form(&unit),
        format!("/units/{id}"),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let unit = st.store.unit(id).await?;
    auth.write_unit(&unit).await?;
    let mut form = FormState::from_values(fields);
    let input = unit_input(&mut form);
    if let Some(i) = &input
        && unit.covering_org_id.is_none()
        && !auth.writes_directory(i.region.as_str())
    {
        form.error("region_code", "只能登记您所在地区（管理范围）内的单位");
    }
    if let (Some(input), false) = (input, form.has_errors()) {
        match st.store.update_unit(&auth.actor(), id, input).await {
            Ok(()) => return Ok(done(&format!("/units/{id}"), "updated").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(form_page(
        &auth,
        format!("修改 {}", unit.name),
        None,
        form,
        format!("/units/{id}"),
    )))
}

/// 登记覆盖: a grassroots union (its own or a joint one) covers the unit from a date.
pub async fn cover(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let unit = st.store.unit(id).await?;
    auth.write_unit(&unit).await?;
    let mut form = FormState::from_values(fields);
    let org = target_org(&st, &auth, &mut form, "covering_org_id", "基层工会").await?;
    let date = form.date_opt("date");
    if let (Some(org), false) = (org, form.has_errors()) {
        match st.store.cover_unit(&auth.actor(), id, org, date).await {
            Ok(()) => return Ok(done(&format!("/units/{id}"), "covered").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(unit_page(&st, &auth, id, None, form).await?))
}

pub async fn uncover(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let unit = st.store.unit(id).await?;
    auth.write_unit(&unit).await?;
    st.store.uncover_unit(&auth.actor(), id, None).await?;
    Ok(done(&format!("/units/{id}"), "uncovered").into_response())
}
