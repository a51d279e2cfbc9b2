//! 开发区/工业园区工会 四个到位: a park union's four items with their evidence, the check form
//! and the subsidy decision gated on all four; and the list of park unions of a federation.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use gonghui_domain::{AreaKind, FourItem, OrgKind, RuleTarget, check_subsidy_allowed, parse_yuan};
use gonghui_store::{FourInPlaceInput, FourItemStatus, Org, OrgRef, ParkStatus, ParkSubsidy};

use super::{Fields, crumbs, notice, parse_year, readable, today, write_parent, writes_parent};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::pages::done;
use crate::pages::orgs::unprocessable;
use crate::{AppResult, AppState};

pub struct ItemRow {
    pub label: &'static str,
    pub status: Option<FourItemStatus>,
    /// Form field names.
    pub check_field: String,
    pub evidence_field: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "instr_four.html")]
pub struct FourPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    notice: Option<String>,
    is_park: bool,
    items: Vec<ItemRow>,
    all_in_place: bool,
    /// Why no subsidy may be paid yet (the rule's own message).
    gate: Option<String>,
    subsidies: Vec<ParkSubsidy>,
    can_write: bool,
    check_form: FormState,
    subsidy_form: FormState,
    parent: Option<OrgRef>,
}

#[derive(Default)]
struct Forms {
    check: Option<FormState>,
    subsidy: Option<FormState>,
}

fn is_park(org: &Org) -> bool {
    org.kind == OrgKind::AreaFederation && org.area_kind() == Some(AreaKind::DevelopmentZone)
}

fn check_field(item: FourItem) -> String {
    format!("in_{}", item.code())
}

async fn four_page(
    st: &AppState,
    auth: &Auth,
    org: Org,
    notice: Option<String>,
    forms: Forms,
) -> AppResult<FourPage> {
    let park = is_park(&org);
    let status: Option<ParkStatus> = if park {
        Some(st.store.park_status(org.id).await?)
    } else {
        None
    };
    let items: Vec<ItemRow> = FourItem::ALL
        .iter()
        .map(|i| ItemRow {
            label: i.label(),
            status: status.as_ref().and_then(|s| s.item(*i).cloned()),
            check_field: check_field(*i),
            evidence_field: gonghui_store::instruments::four_field(*i),
        })
        .collect();
    let in_place: Vec<(FourItem, bool)> = status
        .as_ref()
        .map(|s| s.items.iter().map(|i| (i.item, i.in_place)).collect())
        .unwrap_or_default();
    let all_in_place = check_subsidy_allowed(&in_place).is_ok();
    // The subsidy follows the eligibility rules (the built-in one is 四个到位), so a rule that
    // staff switched off no longer hides the form; the badge above keeps showing the items.
    let gate = if park {
        let refusals = st
            .store
            .eligibility_check(org.id, RuleTarget::Subsidy, None, None)
            .await?;
        (!refusals.is_empty()).then(|| refusals.join("；"))
    } else {
        None
    };
    let mut check_form = forms.check.unwrap_or_default();
    if check_form.values.is_empty() {
        for row in &items {
            if let Some(s) = &row.status {
                if s.in_place {
                    check_form.set(&row.check_field, "on");
                }
                check_form.set(row.evidence_field, s.evidence.clone().unwrap_or_default());
            }
        }
        check_form.set("checked_on", today().to_string());
        check_form.set("checked_by", auth.account.display_name.clone());
    }
    let mut subsidy_form = forms.subsidy.unwrap_or_default();
    if subsidy_form.values.is_empty() {
        subsidy_form.set("year", today().year().to_string());
        subsidy_form.set("decided_on", today().to_string());
    }
    let parent = match org.parent_id {
        Some(p) => {
            let p = st.store.org(p).await?;
            let (id, name) = auth.show_org(p.id, &p.name, &p.path);
            Some(OrgRef { id, name })
        }
        None => None,
    };
    Ok(FourPage {
        nav: Nav::of(auth),
        crumbs: crumbs(st, auth, &org).await?,
        notice,
        is_park: park,
        all_in_place,
        gate,
        subsidies: status.map(|s| s.subsidies).unwrap_or_default(),
        can_write: park && org.is_active() && writes_parent(st, auth, &org).await?,
        items,
        check_form,
        subsidy_form,
        parent,
        org,
    })
}

fn here(id: i64) -> String {
    format!("/orgs/{id}/four-in-place")
}

/// 四个到位 of a park union.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<FourPage> {
    let org = readable(&st, &auth, id).await?;
    four_page(&st, &auth, org, notice(&q), Forms::default()).await
}

/// 登记检查结果: the four items, each in place or not with its evidence (by the upper union).
pub async fn check(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let mut form = FormState::from_values(fields);
    let checked_on = form.date_req("checked_on", "检查日期");
    let checked_by = form.v("checked_by").to_owned();
    let items = FourItem::ALL
        .iter()
        .map(|i| {
            (
                *i,
                form.checked(&check_field(*i)),
                form.text(gonghui_store::instruments::four_field(*i)),
            )
        })
        .collect();
    if let (Some(checked_on), false) = (checked_on, form.has_errors()) {
        let input = FourInPlaceInput {
            items,
            checked_on,
            checked_by,
        };
        match st
            .store
            .record_four_in_place(&auth.actor(), id, input)
            .await
        {
            Ok(()) => return Ok(done(&here(id), "checked").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        check: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(
        four_page(&st, &auth, org, None, forms).await?,
    ))
}

/// 划拨补助经费: refused unless all four items are in place.
pub async fn subsidy(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    write_parent(&st, &auth, &org).await?;
    let mut form = FormState::from_values(fields);
    let year = form.parse_req("year", "补助年度", parse_year);
    let amount = form.parse_req("amount", "补助金额", |s| parse_yuan(s, "补助金额"));
    let decided_on = form.date_req("decided_on", "划拨日期");
    if let (Some(year), Some(amount), Some(decided_on), false) =
        (year, amount, decided_on, form.has_errors())
    {
        match st
            .store
            .decide_park_subsidy(
                &auth.actor(),
                id,
                year,
                amount,
                decided_on,
                form.text("document_no"),
            )
            .await
        {
            Ok(_) => return Ok(done(&here(id), "subsidy").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let forms = Forms {
        subsidy: Some(form),
        ..Default::default()
    };
    Ok(unprocessable(
        four_page(&st, &auth, org, None, forms).await?,
    ))
}

pub struct ParkLine {
    pub org_id: i64,
    pub name: String,
    pub marks: Vec<(&'static str, Option<bool>)>,
    pub all: bool,
    pub missing: String,
    pub last_subsidy: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "instr_parks.html")]
pub struct ParksPage {
    nav: Nav,
    org: Org,
    crumbs: Vec<OrgRef>,
    parks: Vec<ParkLine>,
    ready: usize,
    item_labels: Vec<&'static str>,
}

/// 开发区/工业园区工会 of a federation and how far each is with 四个到位.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<ParksPage> {
    let org = readable(&st, &auth, id).await?;
    let parks: Vec<ParkLine> = st
        .store
        .parks_in(&org)
        .await?
        .into_iter()
        .map(|p| ParkLine {
            org_id: p.org_id,
            marks: FourItem::ALL
                .iter()
                .map(|i| (i.label(), p.item(*i).map(|s| s.in_place)))
                .collect(),
            all: p.all_in_place(),
            missing: p.missing_text(),
            last_subsidy: p
                .subsidies
                .first()
                .map(|s| format!("{}年 {}元", s.year, s.amount_text()))
                .unwrap_or_default(),
            name: p.name,
        })
        .collect();
    Ok(ParksPage {
        nav: Nav::of(&auth),
        crumbs: crumbs(&st, &auth, &org).await?,
        ready: parks.iter().filter(|p| p.all).count(),
        parks,
        item_labels: FourItem::ALL.iter().map(|i| i.label()).collect(),
        org,
    })
}
