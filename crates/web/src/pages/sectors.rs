//! 行业工会联合会 pages: the guided form that forms a federation by the rules of seeds 000 and
//! 002 (`/orgs/{id}/sector-federations/new`, started from a county or area union), the
//! federation's own view with its member unions and committee by member union
//! (`/orgs/{id}/sector`, with 委员替补, joining, leaving and the charter and legal-person
//! record), and the 一行一会 plan of an area (`/orgs/{id}/sector-plan`).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_domain::{
    CommitteeKind, FormationField, FormationPlan, OfficerRole, OfficerSource, OrgKind, Problem,
    RegionCode, Seat, Sector, Uscc, check_formation, place_of, term_years_allowed,
};
use gonghui_store::sectors::OPTIONAL_COMMITTEES;
use gonghui_store::{
    Committee, Error, Officer, Org, OrgRef, PlanArea, Refusal, SectorCandidate, SectorFederation,
    SectorFormation, SectorPlan, Substitution,
};

use super::orgs::{target_org, unprocessable};
use super::{done, notice};
use crate::auth::Auth;
use crate::forms::FormState;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

type Fields = HashMap<String, String>;

/// Most member unions the form lists (the trade's own first); start from a township union to
/// narrow the list in a large county.
const CANDIDATES: u64 = 200;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn sector_options() -> Vec<(&'static str, &'static str)> {
    Sector::options()
}

fn source_options() -> Vec<(&'static str, &'static str)> {
    // Short words so the select fits a table cell.
    vec![
        (OfficerSource::MemberChair.code(), "本会主席"),
        (
            OfficerSource::ElectedRep.code(),
            OfficerSource::ElectedRep.label(),
        ),
    ]
}

fn role_options() -> Vec<(&'static str, &'static str)> {
    vec![
        (OfficerRole::Member.code(), "委员"),
        (
            OfficerRole::ViceChair.code(),
            OfficerRole::ViceChair.label(),
        ),
        (
            OfficerRole::ExecutiveViceChair.code(),
            OfficerRole::ExecutiveViceChair.label(),
        ),
        (OfficerRole::Chair.code(), OfficerRole::Chair.label()),
    ]
}

fn parse_source(s: &str) -> Option<OfficerSource> {
    OfficerSource::from_label(s)
        .filter(|s| matches!(s, OfficerSource::MemberChair | OfficerSource::ElectedRep))
}

// ---------------------------------------------------------------------------------------------
// 组建行业工会联合会: the guided form
// ---------------------------------------------------------------------------------------------

/// One grassroots union on the form, with the names of its inputs.
struct CandidateRow {
    c: SectorCandidate,
    member_key: String,
    rep_key: String,
    src_key: String,
    role_key: String,
    assoc_key: String,
    head_key: String,
}

impl CandidateRow {
    fn new(c: SectorCandidate) -> CandidateRow {
        let id = c.id;
        CandidateRow {
            c,
            member_key: format!("m_{id}"),
            rep_key: format!("rep_{id}"),
            src_key: format!("src_{id}"),
            role_key: format!("role_{id}"),
            assoc_key: format!("assoc_{id}"),
            head_key: format!("head_{id}"),
        }
    }
}

/// A trade as the first step offers it, with what the area's plan says about it.
struct SectorChoice {
    code: &'static str,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sector_form.html")]
pub struct SectorFormPage {
    nav: Nav,
    start: Org,
    /// Chosen in the first step; the second step shows the whole form.
    sector: Option<Sector>,
    sector_choices: Vec<SectorChoice>,
    form: FormState,
    candidates: Vec<CandidateRow>,
    more_candidates: bool,
    parents: Vec<(String, String)>,
    guides: Vec<(String, String)>,
    /// Industrial unions that could guide it but are outside the account's scope.
    hidden_guides: bool,
    term_options: Vec<(String, String)>,
    source_options: Vec<(&'static str, &'static str)>,
    role_options: Vec<(&'static str, &'static str)>,
    optional_committees: Vec<(String, &'static str)>,
}

/// The starting org (a county, area or city union) the account may write under.
async fn writable_start(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    Ok(org)
}

async fn form_page(
    st: &AppState,
    auth: &Auth,
    start: Org,
    sector: Option<Sector>,
    mut form: FormState,
    fresh: bool,
) -> AppResult<SectorFormPage> {
    let s = &st.store;
    let mut page = SectorFormPage {
        nav: Nav::of(auth),
        sector,
        sector_choices: vec![],
        candidates: vec![],
        more_candidates: false,
        parents: vec![],
        guides: vec![],
        hidden_guides: false,
        term_options: term_years_allowed(OrgKind::SectorFederation)
            .iter()
            .map(|y| (y.to_string(), format!("{y}年")))
            .collect(),
        source_options: source_options(),
        role_options: role_options(),
        optional_committees: OPTIONAL_COMMITTEES
            .iter()
            .map(|k| (format!("opt_{}", k.code()), k.label()))
            .collect(),
        start,
        form: FormState::default(),
    };
    let Some(sector) = sector else {
        // Step one: which trade, with what the area's plan says about each.
        let plan = s.sector_plan(&page.start).await?;
        page.sector_choices = plan
            .area
            .rows
            .iter()
            .map(|r| {
                let state = if r.has_federation() {
                    "已有联合会".to_owned()
                } else if r.units > 0 {
                    format!("本地目录中{}家单位，尚无联合会", r.units)
                } else {
                    "尚无联合会".to_owned()
                };
                SectorChoice {
                    code: r.sector.code(),
                    label: format!("{}（{}）", r.sector.label(), state),
                }
            })
            .collect();
        if fresh && let Some(first) = plan.area.lacking().first() {
            form.set("sector", first.code());
        }
        page.form = form;
        return Ok(page);
    };
    let mut candidates = s
        .sector_candidates(&page.start, Some(sector), CANDIDATES + 1)
        .await?;
    page.more_candidates = candidates.len() as u64 > CANDIDATES;
    candidates.truncate(CANDIDATES as usize);
    // Everything below the starting org is in scope; the filter only guards the principle.
    candidates.retain(|c| auth.sees_path(&c.path));
    page.candidates = candidates.into_iter().map(CandidateRow::new).collect();
    let parents = s.sector_parent_options(&page.start).await?;
    page.parents = parents
        .iter()
        .filter(|p| auth.writes(p))
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    let guides = s.sector_guide_options(&page.start).await?;
    page.hidden_guides = guides.iter().any(|g| !auth.sees(g));
    let visible: Vec<&Org> = guides.iter().filter(|g| auth.sees(g)).collect();
    page.guides = visible
        .iter()
        .map(|g| (g.id.to_string(), g.name.clone()))
        .collect();
    if fresh {
        let name = sector.federation_name(place_of(&page.start.name));
        form.set("charter_title", format!("{name}章程"));
        form.set("name", name);
        form.set("sector", sector.code());
        form.set("founded_on", today().to_string());
        if let Some(y) = term_years_allowed(OrgKind::SectorFederation).last() {
            form.set("term_years", y.to_string());
        }
        if let Some((id, _)) = page.parents.first() {
            form.set("parent_id", id.clone());
        }
        form.set("funds_review", "on");
        form.set("women_workers", "on");
        // The upper industrial union of the trade's 门类, when the account may see one.
        let suggested = sector.guide_sections().iter().find_map(|letter| {
            visible.iter().find(|g| {
                g.industry_code
                    .as_deref()
                    .is_some_and(|c| c.starts_with(*letter))
            })
        });
        if let Some(g) = suggested {
            form.set("guide_id", g.id.to_string());
        }
        for row in &page.candidates {
            match &row.c.chair_name {
                Some(chair) => {
                    form.set(&row.rep_key, chair.clone());
                    form.set(&row.src_key, OfficerSource::MemberChair.code());
                }
                None => form.set(&row.src_key, OfficerSource::ElectedRep.code()),
            }
            form.set(&row.role_key, OfficerRole::Member.code());
        }
    }
    page.form = form;
    Ok(page)
}

fn chosen_sector(q: &Fields) -> Option<Sector> {
    q.get("sector").and_then(|s| Sector::from_label(s))
}

/// 组建行业工会联合会: step one picks the trade, step two is the whole form.
pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<SectorFormPage> {
    let start = writable_start(&st, &auth, id).await?;
    form_page(
        &st,
        &auth,
        start,
        chosen_sector(&q),
        FormState::default(),
        true,
    )
    .await
}

/// Where a formation problem is shown on the form.
fn problem_key(p: &Problem, seats: &[Seat]) -> String {
    match p.field {
        FormationField::Seat(i) => seats
            .get(i)
            .and_then(|s| s.represents)
            .map(|id| format!("rep_{id}"))
            .unwrap_or_else(|| "officers".into()),
        f => f.name().to_owned(),
    }
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let start = writable_start(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let Some(sector) = form.text("sector").and_then(|s| Sector::from_label(&s)) else {
        form.error("sector", "请选择行业");
        let page = form_page(&st, &auth, start, None, form, false).await?;
        return Ok(unprocessable(page));
    };
    // The lists are re-read so that only what the form offered can be chosen.
    let page = form_page(
        &st,
        &auth,
        start.clone(),
        Some(sector),
        FormState::default(),
        false,
    )
    .await?;

    let name = form.required("name", "联合会名称");
    let founded_on = form.date_req("founded_on", "成立（选举）日期");
    let term_years = form.parse_req("term_years", "每届任期", |s| {
        s.trim_end_matches('年')
            .parse::<u32>()
            .map_err(|_| "请选择每届任期")
    });
    let parent_id = match form.text("parent_id").and_then(|p| p.parse::<i64>().ok()) {
        Some(p) if page.parents.iter().any(|(id, _)| *id == p.to_string()) => Some(p),
        Some(_) => {
            form.error(
                "parent_id",
                "只能选择列表中的县（市、区）总工会或乡镇（街道）、开发区工会",
            );
            None
        }
        None => {
            form.error("parent_id", "请选择联合会隶属的上级工会（属地管理）");
            None
        }
    };
    let guide_id = match form.text("guide_id") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(g) if page.guides.iter().any(|(id, _)| *id == g.to_string()) => Some(g),
            _ => {
                form.error("guide_id", "只能选择列表中的产业工会");
                None
            }
        },
    };
    let mut members = Vec::new();
    let mut seats = Vec::new();
    for row in &page.candidates {
        let joined = form.checked(&row.member_key);
        if joined {
            members.push(row.c.id);
        }
        let Some(rep) = form.text(&row.rep_key) else {
            continue;
        };
        if !joined {
            // A chair's name is filled in for every union; it counts only for a member.
            continue;
        }
        let source = parse_source(form.v(&row.src_key));
        let role = OfficerRole::from_label(form.v(&row.role_key));
        match (source, role) {
            (Some(source), Some(role)) => seats.push(Seat {
                name: rep,
                role,
                source,
                represents: Some(row.c.id),
                is_association_leader: form.checked(&row.assoc_key),
                is_enterprise_head: form.checked(&row.head_key),
            }),
            _ => form.error(&row.rep_key, "请选择该委员的来源和职务"),
        }
    }
    let head = |form: &FormState, check: &str, field: &str| -> Option<String> {
        form.checked(check)
            .then(|| form.text(field).unwrap_or_default())
    };
    let funds_review_head = head(&form, "funds_review", "funds_review_head");
    let women_workers_head = head(&form, "women_workers", "women_workers_head");
    let optional_committees: Vec<CommitteeKind> = OPTIONAL_COMMITTEES
        .iter()
        .copied()
        .filter(|k| form.checked(&format!("opt_{}", k.code())))
        .collect();
    let uscc = form.parse_opt("uscc", Uscc::parse);
    let legal_registered_on = form.date_opt("legal_registered_on");
    let charter_adopted_on = form.date_opt("charter_adopted_on");
    let charter_title = form.text("charter_title").unwrap_or_default();

    // Every rule that needs no data, shown all at once beside its fields.
    if let (Some(name), Some(founded_on), Some(term_years)) = (&name, founded_on, term_years) {
        let plan = FormationPlan {
            name,
            members: &members,
            seats: &seats,
            funds_review_head: funds_review_head.as_deref(),
            women_workers_head: women_workers_head.as_deref(),
            term_years,
            founded_on,
            today: today(),
            charter_title: &charter_title,
        };
        for p in check_formation(&plan) {
            form.error(&problem_key(&p, &seats), p.message);
        }
    }
    if let (Some(name), Some(founded_on), Some(term_years), Some(parent_id), false) =
        (name, founded_on, term_years, parent_id, form.has_errors())
    {
        let input = SectorFormation {
            name,
            sector,
            parent_id,
            region: start
                .region_code
                .as_deref()
                .and_then(|r| RegionCode::parse(r).ok()),
            founded_on,
            term_years,
            members,
            seats: seats.clone(),
            funds_review_head,
            women_workers_head,
            optional_committees,
            guide_id,
            legal_person_cert: form.text("legal_person_cert"),
            uscc,
            legal_registered_on,
            charter_title,
            charter_adopted_on,
        };
        match st.store.form_sector_federation(&auth.actor(), input).await {
            Ok(id) => return Ok(done(&format!("/orgs/{id}/sector"), "formed").into_response()),
            Err(Refusal::Rule(p)) => form.error(&problem_key(&p, &seats), p.message),
            Err(Refusal::Store(e)) => form.absorb(e)?,
        }
    }
    let mut page = page;
    page.form = form;
    Ok(unprocessable(page))
}

// ---------------------------------------------------------------------------------------------
// 行业视图: the federation's own page
// ---------------------------------------------------------------------------------------------

/// A member union as the view shows it (name hidden when out of the account's scope).
struct MemberRow {
    id: i64,
    name: String,
    parent: (i64, String),
    units: Option<i64>,
    members: Option<i64>,
    employees: Option<i64>,
    chair: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    seats: Vec<SeatRow>,
}

/// A committee seat with its substitution form.
struct SeatRow {
    o: Officer,
    /// The member union's chair on record, when it is no longer the person in the seat.
    chair_changed: Option<String>,
    form: FormState,
    open: bool,
}

struct UnitRow {
    id: i64,
    name: String,
    member: String,
    industry: String,
    employees: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "sector.html")]
pub struct SectorPage {
    nav: Nav,
    org: Org,
    lineage: Vec<OrgRef>,
    notice: Option<String>,
    error: Option<String>,
    can_write: bool,
    is_sector: bool,
    info: Option<SectorFederation>,
    sector_label: String,
    divisions: String,
    /// The current term, from the chair's record (re-elections move it on).
    term_text: String,
    parent: Option<(i64, String)>,
    guided_by: Vec<(i64, String)>,
    legal_representative: String,
    members: Vec<MemberRow>,
    former: Vec<MemberRow>,
    units: Vec<UnitRow>,
    more_units: bool,
    unit_total: i64,
    member_total: i64,
    seat_count: usize,
    /// Seats representing no member union (set up before 代表制 was recorded).
    other_seats: Vec<Officer>,
    committee_heads: Vec<(&'static str, String)>,
    committees: Vec<Committee>,
    history: Vec<Officer>,
    /// For an org that is not a federation: the federations it belongs to.
    belongs_to: Vec<(i64, String, NaiveDate, Option<NaiveDate>)>,
    join_form: FormState,
    leave_for: i64,
    leave_form: FormState,
    profile_form: FormState,
    sector_options: Vec<(&'static str, &'static str)>,
    source_options: Vec<(&'static str, &'static str)>,
    join_role_options: Vec<(&'static str, &'static str)>,
    plan_org: Option<i64>,
}

/// Forms of the view re-shown with their errors after a failed post.
#[derive(Default)]
struct ViewForms {
    error: Option<String>,
    seat: Option<(i64, FormState)>,
    join: Option<FormState>,
    leave: Option<(i64, FormState)>,
    profile: Option<FormState>,
}

fn empty_sub_form(chair: Option<&String>) -> FormState {
    let mut f = FormState::default();
    match chair {
        Some(c) => {
            f.set("name", c.clone());
            f.set("source", OfficerSource::MemberChair.code());
        }
        None => f.set("source", OfficerSource::ElectedRep.code()),
    }
    f.set("date", today().to_string());
    f
}

async fn sector_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
    mut forms: ViewForms,
) -> AppResult<SectorPage> {
    let s = &st.store;
    let org = s.org(id).await?;
    auth.read_org(&org).await?;
    let lineage = auth.crumbs(&org, s.lineage(&org).await?);
    let can_write = auth.writes(&org) && org.is_active();
    let is_sector = org.kind == OrgKind::SectorFederation;
    let parent = match org.parent_id {
        Some(p) => {
            let p = s.org(p).await?;
            Some(auth.show_org(p.id, &p.name, &p.path))
        }
        None => None,
    };
    let plan_org = match org.kind {
        OrgKind::CityFederation | OrgKind::CountyFederation | OrgKind::AreaFederation => {
            Some(org.id)
        }
        _ => parent.as_ref().map(|p| p.0).filter(|p| *p > 0),
    };
    let mut page = SectorPage {
        nav: Nav::of(auth),
        lineage,
        notice,
        error: forms.error.take(),
        can_write,
        is_sector,
        info: None,
        sector_label: String::new(),
        divisions: String::new(),
        term_text: String::new(),
        parent,
        guided_by: vec![],
        legal_representative: String::new(),
        members: vec![],
        former: vec![],
        units: vec![],
        more_units: false,
        unit_total: 0,
        member_total: 0,
        seat_count: 0,
        other_seats: vec![],
        committee_heads: vec![],
        committees: vec![],
        history: vec![],
        belongs_to: vec![],
        join_form: forms.join.take().unwrap_or_else(|| {
            let mut f = FormState::default();
            f.set("rep_source", OfficerSource::MemberChair.code());
            f.set("rep_role", OfficerRole::Member.code());
            f.set("date", today().to_string());
            f
        }),
        leave_for: 0,
        leave_form: FormState::default(),
        profile_form: FormState::default(),
        sector_options: sector_options(),
        source_options: source_options(),
        join_role_options: vec![
            (OfficerRole::Member.code(), "委员"),
            (
                OfficerRole::ViceChair.code(),
                OfficerRole::ViceChair.label(),
            ),
        ],
        plan_org,
        org,
    };
    if let Some((m, f)) = forms.leave.take() {
        page.leave_for = m;
        page.leave_form = f;
    }
    if !is_sector {
        let (of, _) = s.sector_links(id).await?;
        page.belongs_to = of
            .into_iter()
            .map(|l| {
                let (oid, name) = auth.show_org(l.other_id, &l.other_name, &l.other_path);
                (oid, name, l.valid_from, l.valid_to)
            })
            .collect();
        return Ok(page);
    }

    let view = s.sector_view(&page.org).await?;
    page.guided_by = view
        .guided_by
        .iter()
        .filter(|l| l.valid_to.is_none())
        .map(|l| auth.show_org(l.other_id, &l.other_name, &l.other_path))
        .collect();
    let mut seat_form = forms.seat.take();
    let mut rows: Vec<MemberRow> = Vec::new();
    for m in &view.members {
        let visible = auth.sees_path(&m.path);
        let (mid, name) = auth.show_org(m.member_id, &m.name, &m.path);
        let parent = match (&m.parent_id, &m.parent_name, &m.parent_path) {
            (Some(pid), Some(pn), Some(pp)) => auth.show_org(*pid, pn, pp),
            _ => (0, String::new()),
        };
        let row_seats = view
            .officers
            .iter()
            .filter(|o| o.left_on.is_none() && o.represents_org_id == Some(m.member_id))
            .filter(|_| m.is_current())
            .map(|o| {
                let chair_changed = m
                    .chair_name
                    .as_ref()
                    .filter(|c| visible && c.trim() != o.name.trim())
                    .cloned();
                let (form, open) = match seat_form.take_if(|(oid, _)| *oid == o.id) {
                    Some((_, f)) => (f, true),
                    None => (
                        empty_sub_form(chair_changed.as_ref().or(m.chair_name.as_ref())),
                        false,
                    ),
                };
                SeatRow {
                    o: o.clone(),
                    chair_changed,
                    form,
                    open,
                }
            })
            .collect();
        let row = MemberRow {
            id: mid,
            name,
            parent,
            units: visible.then_some(m.unit_count),
            members: visible.then_some(m.member_count),
            employees: visible.then_some(m.employees),
            chair: m.chair_name.clone().filter(|_| visible),
            valid_from: m.valid_from,
            valid_to: m.valid_to,
            seats: row_seats,
        };
        if m.is_current() {
            if visible {
                page.unit_total += m.unit_count;
                page.member_total += m.member_count;
            }
            rows.push(row);
        } else {
            page.former.push(row);
        }
    }
    page.seat_count = rows.iter().map(|r| r.seats.len()).sum();
    page.members = rows;
    let names: HashMap<i64, String> = view
        .members
        .iter()
        .filter(|m| auth.sees_path(&m.path))
        .map(|m| (m.member_id, m.name.clone()))
        .collect();
    page.more_units = view.units.len() >= 500;
    page.units = view
        .units
        .iter()
        .filter_map(|u| {
            names.get(&u.member_id).map(|member| UnitRow {
                id: u.id,
                name: u.name.clone(),
                member: member.clone(),
                industry: super::industry_label(u.industry_code.as_deref()),
                employees: u.employees,
            })
        })
        .collect();
    let current: Vec<i64> = view
        .members
        .iter()
        .filter(|m| m.is_current())
        .map(|m| m.member_id)
        .collect();
    page.other_seats = view
        .officers
        .iter()
        .filter(|o| {
            o.left_on.is_none()
                && o.committee == CommitteeKind::UnionCommittee
                && o.represents_org_id.is_none_or(|r| !current.contains(&r))
        })
        .cloned()
        .collect();
    page.seat_count += page.other_seats.len();
    page.committee_heads = view
        .officers
        .iter()
        .filter(|o| o.left_on.is_none() && o.committee != CommitteeKind::UnionCommittee)
        .map(|o| (o.committee.label(), o.name.clone()))
        .collect();
    let chair = view.officers.iter().find(|o| {
        o.left_on.is_none()
            && o.committee == CommitteeKind::UnionCommittee
            && o.role == OfficerRole::Chair
    });
    page.legal_representative = chair
        .map(|o| o.name.clone())
        .unwrap_or_else(|| "（尚未选举主席）".into());
    if let Some((start, end)) = chair.and_then(|o| o.term_start.zip(o.term_end)) {
        page.term_text = format!("{start} 至 {end}");
    }
    page.history = view
        .officers
        .iter()
        .filter(|o| o.left_on.is_some())
        .cloned()
        .collect();
    page.committees = view.committees;
    let mut profile = FormState::default();
    match &view.info {
        Some(i) => {
            page.sector_label = i.sector.label().to_owned();
            page.divisions = i.sector.divisions_text();
            if page.term_text.is_empty() {
                page.term_text = format!("{} 至 {}", i.formed_on, i.term_ends_on());
            }
            profile.set("sector", i.sector.code());
            profile.set("formed_on", i.formed_on.to_string());
            profile.set("charter_title", i.charter_title.clone());
            if let Some(d) = i.charter_adopted_on {
                profile.set("charter_adopted_on", d.to_string());
            }
            if let Some(d) = i.legal_registered_on {
                profile.set("legal_registered_on", d.to_string());
            }
        }
        None => {
            if let Some(sector) = Sector::detect(&page.org.name) {
                profile.set("sector", sector.code());
            }
            if let Some(d) = page.org.founded_on {
                profile.set("formed_on", d.to_string());
            }
            profile.set("charter_title", format!("{}章程", page.org.name));
        }
    }
    if let Some(c) = &page.org.legal_person_cert {
        profile.set("legal_person_cert", c.clone());
    }
    if let Some(u) = &page.org.uscc {
        profile.set("uscc", u.clone());
    }
    page.profile_form = forms.profile.take().unwrap_or(profile);
    page.info = view.info;
    Ok(page)
}

/// 行业视图: a federation's member unions, their units and members, its committee by member
/// union. For any other org, the federations it belongs to.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<Fields>,
) -> AppResult<SectorPage> {
    sector_page(&st, &auth, id, notice_of(&q), ViewForms::default()).await
}

/// This page's own notices, then the shared ones.
fn notice_of(q: &Fields) -> Option<String> {
    let text = match q.get("done").map(String::as_str) {
        Some("formed") => {
            "行业工会联合会已组建：成员工会的隶属关系、经费上缴渠道和会籍管理都不变。"
        }
        Some("substituted") => "委员替补已办理，原委员的任职作为历史保留。",
        Some("joined") => "成员工会已加入。",
        Some("left") => "成员工会已退出，它的代表同时离任。",
        Some("profile") => "行业、章程和法人资格信息已保存。",
        _ => return notice(q),
    };
    Some(text.to_owned())
}

async fn writable_federation(st: &AppState, auth: &Auth, id: i64) -> AppResult<Org> {
    let org = st.store.org(id).await?;
    auth.write_org(&org).await?;
    Ok(org)
}

/// Put a store refusal on the form, or pass a real failure on.
fn absorb(form: &mut FormState, e: Error, fields: &[&str]) -> AppResult<()> {
    match e {
        Error::Invalid {
            field: Some(f),
            message,
        } if fields.contains(&f) => {
            form.error(f, message);
            Ok(())
        }
        e => form.absorb(e).map_err(AppError::from),
    }
}

/// 委员替补 of one committee member.
pub async fn substitute(
    State(st): State<AppState>,
    auth: Auth,
    Path(officer_id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let org_id = st.store.officer_org(officer_id).await?;
    writable_federation(&st, &auth, org_id).await?;
    let mut form = FormState::from_values(fields);
    let name = form.required("name", "接替的委员姓名");
    let source = form.parse_req("source", "来源", |s| {
        parse_source(s).ok_or("请选择“本会主席”或“推选代表”")
    });
    let date = form.date_opt("date").unwrap_or_else(today);
    if let (Some(name), Some(source), false) = (name, source, form.has_errors()) {
        let sub = Substitution {
            name,
            source,
            is_association_leader: form.checked("is_association_leader"),
            is_enterprise_head: form.checked("is_enterprise_head"),
            date,
        };
        match st
            .store
            .substitute_sector_officer(&auth.actor(), officer_id, sub)
            .await
        {
            Ok(_) => {
                return Ok(done(&format!("/orgs/{org_id}/sector"), "substituted").into_response());
            }
            Err(e) => absorb(&mut form, e, &["name", "source", "date"])?,
        }
    }
    let error = form.general.clone();
    let page = sector_page(
        &st,
        &auth,
        org_id,
        None,
        ViewForms {
            error,
            seat: Some((officer_id, form)),
            ..Default::default()
        },
    )
    .await?;
    Ok(unprocessable(page))
}

/// A grassroots union joins, with its representative on the committee if given.
pub async fn join(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    writable_federation(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let member = target_org(&st, &auth, &mut form, "member_id", "基层工会").await?;
    let date = form.date_opt("date").unwrap_or_else(today);
    let seat = match form.text("rep_name") {
        None => None,
        Some(name) => {
            let source = parse_source(form.v("rep_source"));
            let role = OfficerRole::from_label(form.v("rep_role"));
            match (source, role, member) {
                (Some(source), Some(role), Some(m)) => Some(Seat {
                    name,
                    role,
                    source,
                    represents: Some(m),
                    is_association_leader: form.checked("rep_assoc"),
                    is_enterprise_head: form.checked("rep_head"),
                }),
                (None, _, _) | (_, None, _) => {
                    form.error("rep_name", "请选择代表的来源和职务");
                    None
                }
                _ => None,
            }
        }
    };
    if let (Some(member), false) = (member, form.has_errors()) {
        match st
            .store
            .join_sector(&auth.actor(), id, member, seat, date)
            .await
        {
            Ok(_) => return Ok(done(&format!("/orgs/{id}/sector"), "joined").into_response()),
            Err(e) => absorb(&mut form, e, &["member_id", "rep_name", "rep_role", "date"])?,
        }
    }
    let error = form.general.clone();
    let page = sector_page(
        &st,
        &auth,
        id,
        None,
        ViewForms {
            error,
            join: Some(form),
            ..Default::default()
        },
    )
    .await?;
    Ok(unprocessable(page))
}

/// A member union leaves; its representatives' seats end with it.
pub async fn leave(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    writable_federation(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let member = form.parse_req("member_id", "退出的成员工会", |s| {
        s.parse::<i64>().map_err(|_| "请选择退出的成员工会")
    });
    let date = form.date_opt("date").unwrap_or_else(today);
    if let (Some(member), false) = (member, form.has_errors()) {
        match st.store.leave_sector(&auth.actor(), id, member, date).await {
            Ok(()) => return Ok(done(&format!("/orgs/{id}/sector"), "left").into_response()),
            Err(e) => absorb(&mut form, e, &["member_id", "date"])?,
        }
    }
    let error = form
        .general
        .clone()
        .or_else(|| form.errors.values().next().cloned());
    let page = sector_page(
        &st,
        &auth,
        id,
        None,
        ViewForms {
            error,
            leave: Some((member.unwrap_or(0), form)),
            ..Default::default()
        },
    )
    .await?;
    Ok(unprocessable(page))
}

/// 行业、章程与法人资格 of a federation.
pub async fn profile(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    writable_federation(&st, &auth, id).await?;
    let mut form = FormState::from_values(fields);
    let sector = form.parse_req("sector", "行业", |s| {
        Sector::from_label(s).ok_or("请从列表中选择行业")
    });
    let formed_on = form.date_req("formed_on", "成立日期");
    let charter_title = form.required("charter_title", "章程名称");
    let charter_adopted_on = form.date_opt("charter_adopted_on");
    let uscc = form.parse_opt("uscc", Uscc::parse);
    let registered = form.date_opt("legal_registered_on");
    if let (Some(sector), Some(formed_on), Some(charter), false) =
        (sector, formed_on, charter_title, form.has_errors())
    {
        match st
            .store
            .set_sector_profile(
                &auth.actor(),
                id,
                sector,
                formed_on,
                charter,
                charter_adopted_on,
                form.text("legal_person_cert"),
                uscc,
                registered,
            )
            .await
        {
            Ok(()) => return Ok(done(&format!("/orgs/{id}/sector"), "profile").into_response()),
            Err(e) => absorb(
                &mut form,
                e,
                &[
                    "sector",
                    "formed_on",
                    "charter_title",
                    "legal_person_cert",
                    "uscc",
                    "legal_registered_on",
                ],
            )?,
        }
    }
    let error = form.general.clone();
    let page = sector_page(
        &st,
        &auth,
        id,
        None,
        ViewForms {
            error,
            profile: Some(form),
            ..Default::default()
        },
    )
    .await?;
    Ok(unprocessable(page))
}

// ---------------------------------------------------------------------------------------------
// 一行一会 planning
// ---------------------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "sector_plan.html")]
pub struct SectorPlanPage {
    nav: Nav,
    org: Org,
    lineage: Vec<OrgRef>,
    plan: SectorPlan,
    region: String,
    can_form: bool,
    lacking: usize,
    with_federation: usize,
}

impl SectorPlanPage {
    fn lacking_text(&self, a: &PlanArea) -> String {
        let l: Vec<&str> = a.lacking().iter().map(|s| s.label()).collect();
        if l.is_empty() {
            "—".into()
        } else {
            l.join("、")
        }
    }
}

async fn plan_of(st: &AppState, auth: &Auth, id: i64) -> AppResult<(Org, SectorPlan)> {
    let org = st.store.org(id).await?;
    auth.read_org(&org).await?;
    let plan = st.store.sector_plan(&org).await?;
    Ok((org, plan))
}

/// 一行一会: for each trade, whether the area has a federation and how many of its units
/// (by 大类, in the area's directory) have a union; for a city, each county too.
pub async fn plan(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<SectorPlanPage> {
    let (org, plan) = plan_of(&st, &auth, id).await?;
    let lineage = auth.crumbs(&org, st.store.lineage(&org).await?);
    Ok(SectorPlanPage {
        nav: Nav::of(&auth),
        can_form: auth.writes(&org)
            && org.is_active()
            && matches!(
                org.kind,
                OrgKind::CountyFederation | OrgKind::AreaFederation
            ),
        region: super::region_label(org.region_code.as_deref()),
        lacking: plan.area.rows.iter().filter(|r| r.lacking()).count(),
        with_federation: plan.area.with_federation(),
        lineage,
        org,
        plan,
    })
}

/// The plan as an Excel sheet.
pub async fn plan_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (org, plan) = plan_of(&st, &auth, id).await?;
    let bytes = plan_workbook(&org, &plan).map_err(|e| AppError::from(Error::Io(e)))?;
    st.store
        .audit_event(
            &auth.actor(),
            "sector.plan_export",
            gonghui_store::Target::new("org", Some(org.id), Some(org.id)),
            true,
            None::<&()>,
        )
        .await?;
    let file = format!("attachment; filename=\"sector-plan-{}.xlsx\"", org.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, file),
        ],
        bytes,
    )
        .into_response())
}

fn plan_workbook(org: &Org, plan: &SectorPlan) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("一行一会").map_err(e)?;
    ws.write_string_with_format(0, 0, format!("{} 一行一会规划", org.name), &bold)
        .map_err(e)?;
    let headers = [
        "地区",
        "行业",
        "对应大类",
        "行业工会联合会",
        "目录中单位数",
        "已建会单位",
        "未建会单位",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)
            .map_err(e)?;
    }
    let mut r = 3u32;
    for area in std::iter::once(&plan.area).chain(plan.children.iter()) {
        for row in &area.rows {
            let feds: Vec<&str> = row.federations.iter().map(|f| f.1.as_str()).collect();
            ws.write_string(r, 0, &area.name).map_err(e)?;
            ws.write_string(r, 1, row.sector.label()).map_err(e)?;
            ws.write_string(r, 2, row.sector.divisions_text())
                .map_err(e)?;
            ws.write_string(
                r,
                3,
                if feds.is_empty() {
                    "尚未组建".to_owned()
                } else {
                    feds.join("、")
                },
            )
            .map_err(e)?;
            ws.write_number(r, 4, row.units as f64).map_err(e)?;
            ws.write_number(r, 5, row.covered as f64).map_err(e)?;
            ws.write_number(r, 6, row.uncovered() as f64).map_err(e)?;
            r += 1;
        }
    }
    ws.set_freeze_panes(3, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}
