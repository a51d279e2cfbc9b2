//! 工会组织 pages: the org page, its forms, and the actions on it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{CommitteeKind, OfficerRole, OrgKind};
use gonghui_store::{Affiliation, Committee, Link, Member, Officer, OfficerInput, Org, OrgChild, OrgRef, SubtreeTotals, Unit};

use super::{Peer, actor, done, industry_label, notice, peer, region_label};
use crate::forms::FormState;
use crate::inputs::{org_input, org_ref, sub_kind_options};
use crate::{AppResult, AppState};

type Fields = HashMap<String, String>;

/// Rows of the roster shown on the org page itself; the full roster has its own page.
const ROSTER_PREVIEW: u64 = 20;
const ROSTER_PAGE: u64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
pub struct OrgPage {
    org: Org,
    lineage: Vec<OrgRef>,
    notice: Option<String>,
    is_grassroots: bool,
    is_sector: bool,
    is_industrial: bool,
    totals: SubtreeTotals,
    parent: Option<OrgRef>,
    region_name: String,
    industry_name: String,
    officers: Vec<Officer>,
    three_committees: Vec<(&'static str, Option<String>)>,
    officer_form: FormState,
    committee_form: FormState,
    link_form: FormState,
    committee_options: Vec<(&'static str, &'static str)>,
    role_options: Vec<(&'static str, &'static str)>,
    child_count: i64,
    children: Vec<OrgChild>,
    more_children: bool,
    units: Vec<Unit>,
    members: Vec<Member>,
    roster_offset: usize,
    guided_by: Vec<Link>,
    guides: Vec<Link>,
    sectors: Vec<Link>,
    sector_members: Vec<Link>,
    affiliations: Vec<Affiliation>,
}

/// Forms embedded in the org page, re-shown with their errors after a failed post.
#[derive(Default)]
struct Embedded {
    officer: FormState,
    committee: FormState,
    link: FormState,
}

async fn org_page(st: &AppState, id: i64, notice: Option<String>, forms: Embedded) -> AppResult<OrgPage> {
    let s = &st.store;
    let org = s.org(id).await?;
    let lineage = s.lineage(&org).await?;
    let parent = org.parent_id.and_then(|p| lineage.iter().find(|r| r.id == p).cloned());
    let totals = s.subtree_totals(&org).await?;
    let is_grassroots = org.kind == OrgKind::Grassroots;
    let officers = s.officers(id).await?;
    let committees: Vec<Committee> = s.committees(id).await?;
    let three_committees = CommitteeKind::THREE
        .iter()
        .map(|k| {
            let est = committees.iter().find(|c| c.kind == *k);
            (k.label(), est.map(|c| c.established_on.map(|d| format!("{d} 建立")).unwrap_or_else(|| "已建立".into())))
        })
        .collect();
    let (children, child_count) =
        if is_grassroots { (vec![], 0) } else { (s.children(id, false, 0, 50).await?, s.child_count(id).await?) };
    let (units, members) = if is_grassroots {
        (s.units_of(id, 0, 100).await?, s.members_of(id, 0, ROSTER_PREVIEW).await?)
    } else {
        (vec![], vec![])
    };
    let (guided_by, guides) = s.guidance(id).await?;
    let (sectors, sector_members) = s.sector_links(id).await?;
    let affiliations = s.affiliations(id).await?;
    let mut officer_form = forms.officer;
    if officer_form.values.is_empty() {
        officer_form.set("committee", CommitteeKind::UnionCommittee.code());
    }
    Ok(OrgPage {
        region_name: region_label(org.region_code.as_deref()),
        industry_name: industry_label(org.industry_code.as_deref()),
        is_sector: org.kind == OrgKind::SectorFederation,
        is_industrial: org.kind == OrgKind::IndustrialUnion,
        more_children: child_count > children.len() as i64,
        org,
        lineage,
        notice,
        is_grassroots,
        totals,
        parent,
        officers,
        three_committees,
        officer_form,
        committee_form: forms.committee,
        link_form: forms.link,
        committee_options: CommitteeKind::options(),
        role_options: OfficerRole::options(),
        child_count,
        children,
        units,
        members,
        roster_offset: 0,
        guided_by,
        guides,
        sectors,
        sector_members,
        affiliations,
    })
}

/// 工会组织页面: profile, totals, officers, children or units and roster, relations, history.
pub async fn show(State(st): State<AppState>, Path(id): Path<i64>, Query(q): Query<Fields>) -> AppResult<OrgPage> {
    org_page(&st, id, notice(&q), Embedded::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "org_form.html")]
pub struct OrgFormPage {
    heading: String,
    parent: Option<OrgRef>,
    form: FormState,
    kind_options: Vec<(&'static str, &'static str)>,
    sub_kind_options: Vec<(&'static str, &'static str)>,
    cancel_href: String,
}

fn org_form_page(heading: String, parent: Option<OrgRef>, form: FormState, cancel_href: String) -> OrgFormPage {
    OrgFormPage { heading, parent, form, kind_options: OrgKind::options(), sub_kind_options: sub_kind_options(), cancel_href }
}

/// A sensible kind for a new child, so the form starts filled in.
fn default_child_kind(parent: &Org) -> (OrgKind, Option<&'static str>) {
    match parent.kind {
        OrgKind::CityFederation => (OrgKind::CountyFederation, None),
        OrgKind::CountyFederation => (OrgKind::AreaFederation, Some("township")),
        _ => (OrgKind::Grassroots, Some("enterprise")),
    }
}

/// 新建工会组织 (under `?parent=`; without a parent only the city federation can be created).
pub async fn new_form(State(st): State<AppState>, Query(q): Query<Fields>) -> AppResult<OrgFormPage> {
    let mut form = FormState::default();
    let parent = match q.get("parent").and_then(|p| p.parse::<i64>().ok()) {
        Some(pid) => {
            let p = st.store.org(pid).await?;
            let (kind, sub) = default_child_kind(&p);
            form.set("kind", kind.code());
            if let Some(s) = sub {
                form.set("sub_kind", s);
            }
            if let Some(r) = &p.region_code {
                form.set("region_code", r.clone());
            }
            Some(OrgRef { id: p.id, name: p.name })
        }
        None => {
            form.set("kind", OrgKind::CityFederation.code());
            None
        }
    };
    let heading = match &parent {
        Some(p) => format!("在{}下新建工会组织", p.name),
        None => "建立市总工会".to_owned(),
    };
    let cancel = parent.as_ref().map(|p| format!("/orgs/{}", p.id)).unwrap_or_else(|| "/".into());
    Ok(org_form_page(heading, parent, form, cancel))
}

pub async fn create(
    State(st): State<AppState>,
    p: Peer,
    Query(q): Query<Fields>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let parent_id = q.get("parent").and_then(|p| p.parse::<i64>().ok());
    let parent = match parent_id {
        Some(pid) => {
            let o = st.store.org(pid).await?;
            Some(OrgRef { id: o.id, name: o.name })
        }
        None => None,
    };
    if let Some(input) = org_input(&mut form) {
        let who = actor(peer(&p));
        let result = match parent_id {
            Some(pid) => st.store.create_org(&who, pid, input, None).await,
            None => st.store.create_root(&who, input).await,
        };
        match result {
            Ok(id) => return Ok(done(&format!("/orgs/{id}"), "created").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let heading = match &parent {
        Some(p) => format!("在{}下新建工会组织", p.name),
        None => "建立市总工会".to_owned(),
    };
    let cancel = parent.as_ref().map(|p| format!("/orgs/{}", p.id)).unwrap_or_else(|| "/".into());
    Ok(unprocessable(org_form_page(heading, parent, form, cancel)))
}

/// A page re-shown because of input errors answers 422, so scripts and tests can tell.
pub(crate) fn unprocessable(page: impl IntoResponse) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn org_to_form(o: &Org) -> FormState {
    let mut f = FormState::default();
    f.set("name", o.name.clone());
    f.set("kind", o.kind.code());
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    f.set("sub_kind", opt(&o.sub_kind));
    f.set("short_name", opt(&o.short_name));
    f.set("region_code", opt(&o.region_code));
    f.set("industry_code", opt(&o.industry_code));
    f.set("founded_on", o.founded_on.map(|d| d.to_string()).unwrap_or_default());
    f.set("uscc", opt(&o.uscc));
    f.set("legal_person_cert", opt(&o.legal_person_cert));
    if o.independent_account {
        f.set("independent_account", "on");
    }
    f.set("address", opt(&o.address));
    f.set("contact_person", opt(&o.contact_person));
    f.set("contact_phone", opt(&o.contact_phone));
    f
}

pub async fn edit_form(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<OrgFormPage> {
    let org = st.store.org(id).await?;
    Ok(org_form_page(format!("修改 {}", org.name), Some(OrgRef { id, name: org.name.clone() }), org_to_form(&org), format!("/orgs/{id}")))
}

pub async fn update(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = org_input(&mut form) {
        match st.store.update_org(&actor(peer(&p)), id, input).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "updated").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_form_page(format!("修改 {}", org.name), Some(OrgRef { id, name: org.name }), form, format!("/orgs/{id}"))))
}

#[derive(Template, WebTemplate)]
#[template(path = "org_move.html")]
pub struct MovePage {
    org: Org,
    move_form: FormState,
    merge_form: FormState,
    close_form: FormState,
}

pub async fn move_form(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<MovePage> {
    let org = st.store.org(id).await?;
    Ok(MovePage { org, move_form: FormState::default(), merge_form: FormState::default(), close_form: FormState::default() })
}

/// Which of the three forms on the move page failed.
enum MoveForm {
    Move,
    Merge,
    Close,
}

async fn move_page_with(st: &AppState, id: i64, which: MoveForm, form: FormState) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    let mut page = MovePage { org, move_form: FormState::default(), merge_form: FormState::default(), close_form: FormState::default() };
    match which {
        MoveForm::Move => page.move_form = form,
        MoveForm::Merge => page.merge_form = form,
        MoveForm::Close => page.close_form = form,
    }
    Ok(unprocessable(page))
}

pub async fn move_org(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let parent = org_ref(&st.store, &mut form, "parent_id", "新的上级工会").await?;
    let date = form.date_opt("date");
    if let (Some(pid), false) = (parent, form.has_errors()) {
        match st.store.move_org(&actor(peer(&p)), id, pid, date, form.text("reason")).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "moved").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, id, MoveForm::Move, form).await
}

pub async fn merge(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let into = org_ref(&st.store, &mut form, "into", "并入的工会").await?;
    let date = form.date_opt("date");
    if let (Some(into), false) = (into, form.has_errors()) {
        match st.store.merge_org(&actor(peer(&p)), id, into, date).await {
            Ok(()) => return Ok(done(&format!("/orgs/{into}"), "merged").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, id, MoveForm::Merge, form).await
}

pub async fn close(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let date = form.date_opt("date");
    if !form.has_errors() {
        match st.store.close_org(&actor(peer(&p)), id, date).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "closed").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, id, MoveForm::Close, form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "roster.html")]
pub struct RosterPage {
    org: Org,
    members: Vec<Member>,
    total: i64,
    page: u64,
    pages: u64,
    roster_offset: usize,
}

/// 会员名册, a page at a time, printable.
pub async fn roster(State(st): State<AppState>, Path(id): Path<i64>, Query(q): Query<Fields>) -> AppResult<RosterPage> {
    let org = st.store.org(id).await?;
    let total = st.store.member_count_of(id).await?;
    let pages = (total as u64).div_ceil(ROSTER_PAGE).max(1);
    let page = q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).clamp(1, pages);
    let offset = (page - 1) * ROSTER_PAGE;
    let members = st.store.members_of(id, offset, ROSTER_PAGE).await?;
    Ok(RosterPage { org, members, total, page, pages, roster_offset: offset as usize })
}

pub async fn add_officer(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let committee = form.parse_req("committee", "委员会", |s| CommitteeKind::from_label(s).ok_or("请选择委员会"));
    let role = form.parse_req("role", "职务", |s| OfficerRole::from_label(s).ok_or("请选择职务"));
    let name = form.required("name", "姓名");
    let term_start = form.date_opt("term_start");
    let term_end = form.date_opt("term_end");
    if let (Some(committee), Some(role), Some(name), false) = (committee, role, name, form.has_errors()) {
        let input = OfficerInput {
            committee,
            role,
            name,
            full_time: form.checked("full_time"),
            term_start,
            term_end,
            phone: form.text("phone"),
        };
        match st.store.add_officer(&actor(peer(&p)), id, input).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}"), "officer").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_page(&st, id, None, Embedded { officer: form, ..Default::default() }).await?))
}

pub async fn end_officer(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Query(q): Query<Fields>) -> AppResult<Response> {
    st.store.end_officer(&actor(peer(&p)), id, None).await?;
    let back = q.get("org").and_then(|o| o.parse::<i64>().ok()).map(|o| format!("/orgs/{o}")).unwrap_or_else(|| "/orgs".into());
    Ok(done(&back, "officer").into_response())
}

pub async fn set_committee(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    let kind = form.parse_req("kind", "委员会", |s| CommitteeKind::from_label(s).ok_or("请选择委员会"));
    let date = form.date_opt("established_on");
    if let (Some(kind), false) = (kind, form.has_errors()) {
        match st.store.set_committee(&actor(peer(&p)), id, kind, date, form.text("note")).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "committee").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_page(&st, id, None, Embedded { committee: form, ..Default::default() }).await?))
}

pub async fn add_guidance(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    if let Some(guide) = org_ref(&st.store, &mut form, "guide_id", "指导单位").await? {
        match st.store.add_guidance(&actor(peer(&p)), guide, id, None).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}"), "linked").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_page(&st, id, None, Embedded { link: form, ..Default::default() }).await?))
}

pub async fn add_sector_member(State(st): State<AppState>, p: Peer, Path(id): Path<i64>, Form(fields): Form<Fields>) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    if let Some(member) = org_ref(&st.store, &mut form, "member_id", "基层工会").await? {
        match st.store.add_sector_member(&actor(peer(&p)), id, member, None).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}"), "linked").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_page(&st, id, None, Embedded { link: form, ..Default::default() }).await?))
}

