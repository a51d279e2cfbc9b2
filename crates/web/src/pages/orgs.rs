//! 工会组织 pages: the org page, its forms, and the actions on it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use gonghui_domain::{CommitteeKind, OfficerRole, OrgKind};
use gonghui_store::{
    Affiliation, Committee, Link, Member, Officer, OfficerInput, Org, OrgChild, OrgRef,
    SubtreeTotals, Unit,
};

use super::{done, industry_label, notice, region_label};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::inputs::{org_input, org_ref, sub_kind_options};
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

/// Rows of the roster shown on the org page itself; the full roster has its own page.
const ROSTER_PREVIEW: u64 = 20;
const ROSTER_PAGE: u64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "org.html")]
pub struct OrgPage {
    nav: Nav,
    can_write: bool,
    org: Org,
    lineage: Vec<OrgRef>,
    notice: Option<String>,
    is_grassroots: bool,
    is_sector: bool,
    is_industrial: bool,
    /// 市总 or 县总: lawyer vice-chairs are appointed to these.
    is_federation: bool,
    /// 开发区/工业园区工会: the 四个到位 check applies.
    is_park: bool,
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

async fn org_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    forms: Embedded,
) -> AppResult<OrgPage> {
    let s = &st.store;
    let org = s.org(id).await?;
    auth.read_org(&org).await?;
    let full_lineage = s.lineage(&org).await?;
    let parent = match org.parent_id {
        Some(p) => {
            let parent = s.org(p).await?;
            let (id, name) = auth.show_org(parent.id, &parent.name, &parent.path);
            Some(OrgRef { id, name })
        }
        None => None,
    };
    let lineage = auth.crumbs(&org, full_lineage);
    let totals = s.subtree_totals(&org).await?;
    let is_grassroots = org.kind == OrgKind::Grassroots;
    let officers = s.officers(id).await?;
    let committees: Vec<Committee> = s.committees(id).await?;
    let three_committees = CommitteeKind::THREE
        .iter()
        .map(|k| {
            let est = committees.iter().find(|c| c.kind == *k);
            (
                k.label(),
                est.map(|c| {
                    c.established_on
                        .map(|d| format!("{d} 建立"))
                        .unwrap_or_else(|| "已建立".into())
                }),
            )
        })
        .collect();
    let (children, child_count) = if is_grassroots {
        (vec![], 0)
    } else {
        (
            s.children(id, false, 0, 50).await?,
            s.child_count(id).await?,
        )
    };
    // Everything below a visible org is visible, so children need no further filtering.
    let (units, members) = if is_grassroots {
        (
            s.units_of(id, 0, 100).await?,
            s.members_of(id, 0, ROSTER_PREVIEW).await?,
        )
    } else {
        (vec![], vec![])
    };
    let mask_links = |links: Vec<Link>| -> Vec<Link> {
        links
            .into_iter()
            .map(|mut l| {
                (l.other_id, l.other_name) =
                    auth.show_org(l.other_id, &l.other_name, &l.other_path);
                l
            })
            .collect()
    };
    let (guided_by, guides) = s.guidance(id).await?;
    let (sectors, sector_members) = s.sector_links(id).await?;
    let (guided_by, guides, sectors, sector_members) = (
        mask_links(guided_by),
        mask_links(guides),
        mask_links(sectors),
        mask_links(sector_members),
    );
    let mut affiliations = s.affiliations(id).await?;
    for a in &mut affiliations {
        (a.parent_id, a.parent_name) = auth.show_org(a.parent_id, &a.parent_name, &a.parent_path);
    }
    let mut officer_form = forms.officer;
    if officer_form.values.is_empty() {
        officer_form.set("committee", CommitteeKind::UnionCommittee.code());
    }
    Ok(OrgPage {
        nav: Nav::of(auth),
        can_write: auth.writes(&org),
        region_name: region_label(org.region_code.as_deref()),
        industry_name: industry_label(org.industry_code.as_deref()),
        is_sector: org.kind == OrgKind::SectorFederation,
        is_industrial: org.kind == OrgKind::IndustrialUnion,
        is_federation: matches!(
            org.kind,
            OrgKind::CityFederation | OrgKind::CountyFederation
        ),
        is_park: org.area_kind() == Some(gonghui_domain::AreaKind::DevelopmentZone),
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
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<OrgPage> {
    org_page(&st, &auth, id, notice(&q), Embedded::default()).await
}

#[derive(Template, WebTemplate)]
#[template(path = "org_form.html")]
pub struct OrgFormPage {
    nav: Nav,
    heading: String,
    parent: Option<OrgRef>,
    form: FormState,
    kind_options: Vec<(&'static str, &'static str)>,
    sub_kind_options: Vec<(&'static str, &'static str)>,
    cancel_href: String,
}

fn org_form_page(
    auth: &Auth,
    heading: String,
    parent: Option<OrgRef>,
    form: FormState,
    cancel_href: String,
) -> OrgFormPage {
    OrgFormPage {
        nav: Nav::of(auth),
        heading,
        parent,
        form,
        kind_options: OrgKind::options(),
        sub_kind_options: sub_kind_options(),
        cancel_href,
    }
}

/// A sensible kind for a new child, so the form starts filled in.
fn default_child_kind(parent: &Org) -> (OrgKind, Option<&'static str>) {
    match parent.kind {
        OrgKind::CityFederation => (OrgKind::CountyFederation, None),
        OrgKind::CountyFederation => (OrgKind::AreaFederation, Some("township")),
        _ => (OrgKind::Grassroots, Some("enterprise")),
    }
}

/// The parent named by `?parent=`, which the account must be allowed to write under.
async fn writable_parent(st: &AppState, auth: &Auth, q: &Fields) -> AppResult<Org> {
    let pid = q
        .get("parent")
        .and_then(|p| p.parse::<i64>().ok())
        .ok_or(AppError::not_found("上级工会"))?;
    let parent = st.store.org(pid).await?;
    auth.write_org(&parent).await?;
    Ok(parent)
}

/// 新建工会组织 under `?parent=` (the city federation itself is created by `gonghui init`).
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
) -> AppResult<OrgFormPage> {
    let p = writable_parent(&st, &auth, &q).await?;
    let mut form = FormState::default();
    let (kind, sub) = default_child_kind(&p);
    form.set("kind", kind.code());
    if let Some(s) = sub {
        form.set("sub_kind", s);
    }
    if let Some(r) = &p.region_code {
        form.set("region_code", r.clone());
    }
    let heading = format!("在{}下新建工会组织", p.name);
    let cancel = format!("/orgs/{}", p.id);
    Ok(org_form_page(
        &auth,
        heading,
        Some(OrgRef {
            id: p.id,
            name: p.name,
        }),
        form,
        cancel,
    ))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Query(q): Query<Fields>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let p = writable_parent(&st, &auth, &q).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = org_input(&mut form) {
        match st.store.create_org(&auth.actor(), p.id, input, None).await {
            Ok(id) => return Ok(done(&format!("/orgs/{id}"), "created").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    let heading = format!("在{}下新建工会组织", p.name);
    let cancel = format!("/orgs/{}", p.id);
    Ok(unprocessable(org_form_page(
        &auth,
        heading,
        Some(OrgRef {
            id: p.id,
            name: p.name,
        }),
        form,
        cancel,
    )))
}

/// A page re-shown because of input errors answers 422, so scripts and tests can tell.
/// Resolve a picker to an org the account may write to (moves, merges, links, coverage and
/// transfers may only reach orgs inside the account's own scope).
pub(crate) async fn target_org(
    st: &AppState,
    auth: &Auth,
    form: &mut FormState,
    field: &str,
    label: &str,
) -> AppResult<Option<i64>> {
    let Some(id) = org_ref(&st.store, form, field, label, &auth.visibility()).await? else {
        return Ok(None);
    };
    match st.store.org(id).await {
        Ok(org) if auth.writes(&org) => Ok(Some(id)),
        Ok(_) | Err(gonghui_store::Error::NotFound(_)) => {
            form.error(
                field,
                format!("找不到可选的{label}：只能选择您管理范围内的工会组织"),
            );
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

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
    f.set(
        "founded_on",
        o.founded_on.map(|d| d.to_string()).unwrap_or_default(),
    );
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

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<OrgFormPage> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    Ok(org_form_page(
        &auth,
        format!("修改 {}", org.name),
        Some(OrgRef {
            id,
            name: org.name.clone(),
        }),
        org_to_form(&org),
        format!("/orgs/{id}"),
    ))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    if let Some(input) = org_input(&mut form) {
        match st.store.update_org(&auth.actor(), id, input).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "updated").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    Ok(unprocessable(org_form_page(
        &auth,
        format!("修改 {}", org.name),
        Some(OrgRef { id, name: org.name }),
        form,
        format!("/orgs/{id}"),
    )))
}

#[derive(Template, WebTemplate)]
#[template(path = "org_move.html")]
pub struct MovePage {
    nav: Nav,
    org: Org,
    move_form: FormState,
    merge_form: FormState,
    close_form: FormState,
}

/// Moving, merging and closing need write access to the org and to its parent (the scope
/// root itself cannot be moved away by its own staff).
async fn movable(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let parent = match org.parent_id {
        Some(p) => st.store.org(p).await?,
        None => {
            return Err(AppError::from(gonghui_store::Error::rule(
                "市总工会不能调整隶属关系",
            )));
        }
    };
    auth.write_org(&parent).await?;
    Ok(org)
}

pub async fn move_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<MovePage> {
    let org = movable(&st, &auth, id).await?;
    Ok(MovePage {
        nav: Nav::of(&auth),
        org,
        move_form: FormState::default(),
        merge_form: FormState::default(),
        close_form: FormState::default(),
    })
}

/// Which of the three forms on the move page failed.
enum MoveForm {
    Move,
    Merge,
    Close,
}

async fn move_page_with(
    st: &AppState,
    auth: &Auth,
    id: i64,
    which: MoveForm,
    form: FormState,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    let mut page = MovePage {
        nav: Nav::of(auth),
        org,
        move_form: FormState::default(),
        merge_form: FormState::default(),
        close_form: FormState::default(),
    };
    match which {
        MoveForm::Move => page.move_form = form,
        MoveForm::Merge => page.merge_form = form,
        MoveForm::Close => page.close_form = form,
    }
    Ok(unprocessable(page))
}

pub async fn move_org(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    movable(&st, &auth, id).await?;
    let parent = target_org(&st, &auth, &mut form, "parent_id", "新的上级工会").await?;
    let date = form.date_opt("date");
    if let (Some(pid), false) = (parent, form.has_errors()) {
        match st
            .store
            .move_org(&auth.actor(), id, pid, date, form.text("reason"))
            .await
        {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "moved").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, &auth, id, MoveForm::Move, form).await
}

pub async fn merge(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut form = FormState::from_values(fields);
    movable(&st, &auth, id).await?;
    let into = target_org(&st, &auth, &mut form, "into", "并入的工会").await?;
    let date = form.date_opt("date");
    if let (Some(into), false) = (into, form.has_errors()) {
        match st.store.merge_org(&auth.actor(), id, into, date).await {
            Ok(()) => return Ok(done(&format!("/orgs/{into}"), "merged").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, &auth, id, MoveForm::Merge, form).await
}

pub async fn close(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    movable(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let date = form.date_opt("date");
    if !form.has_errors() {
        match st.store.close_org(&auth.actor(), id, date).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "closed").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    move_page_with(&st, &auth, id, MoveForm::Close, form).await
}

#[derive(Template, WebTemplate)]
#[template(path = "roster.html")]
pub struct RosterPage {
    nav: Nav,
    org: Org,
    members: Vec<Member>,
    total: i64,
    page: u64,
    pages: u64,
    roster_offset: usize,
}

/// 会员名册, a page at a time, printable.
pub async fn roster(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<RosterPage> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let total = st.store.member_count_of(id).await?;
    let pages = (total as u64).div_ceil(ROSTER_PAGE).max(1);
    let page = q
        .get("page")
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let offset = (page - 1) * ROSTER_PAGE;
    let members = st.store.members_of(id, offset, ROSTER_PAGE).await?;
    Ok(RosterPage {
        nav: Nav::of(&auth),
        org,
        members,
        total,
        page,
        pages,
        roster_offset: offset as usize,
    })
}

pub async fn add_officer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    let committee = form.parse_req("committee", "委员会", |s| {
        CommitteeKind::from_label(s).ok_or("请选择委员会")
    });
    let role = form.parse_req("role", "职务", |s| {
        OfficerRole::from_label(s).ok_or("请选择职务")
    });
    let name = form.required("name", "姓名");
    let term_start = form.date_opt("term_start");
    let term_end = form.date_opt("term_end");
    if let (Some(committee), Some(role), Some(name), false) =
        (committee, role, name, form.has_errors())
    {
        let input = OfficerInput {
            committee,
            role,
            name,
            full_time: form.checked("full_time"),
            term_start,
            term_end,
            phone: form.text("phone"),
            ..OfficerInput::plain(committee, role, "")
        };
        match st.store.add_officer(&auth.actor(), id, input).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}"), "officer").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    reshow(
        &st,
        &auth,
        id,
        Embedded {
            officer: form,
            ..Default::default()
        },
    )
    .await
}

pub async fn end_officer(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let org_id = st.store.officer_org(id).await?;
    let org = st.store.org(org_id).await?;
    auth.write_org(&org).await?;
    st.store.end_officer(&auth.actor(), id, None).await?;
    Ok(done(&format!("/orgs/{org_id}"), "officer").into_response())
}

pub async fn set_committee(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    let kind = form.parse_req("kind", "委员会", |s| {
        CommitteeKind::from_label(s).ok_or("请选择委员会")
    });
    let date = form.date_opt("established_on");
    if let (Some(kind), false) = (kind, form.has_errors()) {
        match st
            .store
            .set_committee(&auth.actor(), id, kind, date, form.text("note"))
            .await
        {
            Ok(()) => return Ok(done(&format!("/orgs/{id}"), "committee").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    reshow(
        &st,
        &auth,
        id,
        Embedded {
            committee: form,
            ..Default::default()
        },
    )
    .await
}

/// 业务指导: another org (usually the matching upper industry union) guides this one; the
/// guide is picked from the orgs the account may write. Sector members join through the
/// sector federation's own page, which checks the formation rules.
pub async fn add_guidance(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    let mut form = FormState::from_values(fields);
    if let Some(guide) = target_org(&st, &auth, &mut form, "guide_id", "指导单位").await? {
        match st.store.add_guidance(&auth.actor(), guide, id, None).await {
            Ok(_) => return Ok(done(&format!("/orgs/{id}"), "linked").into_response()),
            Err(e) => form.absorb(e)?,
        }
    }
    reshow(
        &st,
        &auth,
        id,
        Embedded {
            link: form,
            ..Default::default()
        },
    )
    .await
}

/// The org page again, with a failed embedded form and its errors (422).
async fn reshow(st: &AppState, auth: &Auth, id: i64, forms: Embedded) -> AppResult<Response> {
    Ok(unprocessable(org_page(st, auth, id, None, forms).await?))
}
