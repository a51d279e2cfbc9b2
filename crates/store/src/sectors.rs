//! 行业工会联合会 (`SectorFederation`): forming one by the rules of seeds 000 and 002 in one
//! transaction, the federation's own view (member unions, their units and members, the
//! committee by member union), 委员替补, member unions joining and leaving, and the 一行一会
//! plan of an area.
//!
//! A federation's member unions are `sector_memberships`, never children: their affiliation,
//! dues channel and membership records stay where they are (四个不变), so the tree totals of
//! `Store::subtree_totals` never count them twice. The sector view here is a separate report.
//! The rules that need no data are `gonghui_domain::check_formation` and friends; this module
//! adds the ones that need the database (the parent is local, the members are active
//! grassroots unions of the same place, one federation per trade under one parent, a member
//! chair's name matches the member union's chair on record).

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    CommitteeKind, FormationField, FormationPlan, IndustryCode, OfficerRole, OfficerSource,
    OrgKind, Problem, RegionCode, Seat, Sector, Uscc, all_divisions, check_formation, check_guide,
    check_seat, check_sector_parent, term_end,
};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;

use crate::OfficerInput;
use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{ACTIVE, Committee, Link, Officer, Org, OrgInput, OrgRef, in_subtree};
use crate::schema::{
    Committees, Officers, OrgGuidance, Orgs, SectorFederations, SectorMemberships, Units,
};
use crate::{Error, Result, Store};

/// The optional committees of a federation (seed 000: 劳动争议调解委员会、劳动法律监督委员会、
/// 安全生产劳动保护监督检查委员会).
pub const OPTIONAL_COMMITTEES: [CommitteeKind; 3] = [
    CommitteeKind::DisputeMediation,
    CommitteeKind::LaborLawSupervision,
    CommitteeKind::SafetySupervision,
];

/// What a sector federation is beyond its org row.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SectorFederation {
    pub org_id: i64,
    #[sqlx(try_from = "String")]
    pub sector: Sector,
    pub formed_on: NaiveDate,
    pub term_years: i64,
    pub charter_title: String,
    pub charter_adopted_on: Option<NaiveDate>,
    pub legal_registered_on: Option<NaiveDate>,
}

impl SectorFederation {
    /// When the current term ends (换届).
    pub fn term_ends_on(&self) -> NaiveDate {
        term_end(self.formed_on, std::cmp::max(self.term_years, 1) as u32)
    }
}

/// Everything the guided form supplies, already parsed.
#[derive(Debug, Clone, Serialize)]
pub struct SectorFormation {
    pub name: String,
    pub sector: Sector,
    /// The county federation or area union that leads it (属地).
    pub parent_id: i64,
    pub region: Option<RegionCode>,
    pub founded_on: NaiveDate,
    pub term_years: u32,
    /// Grassroots unions joining (联合制: two or more).
    pub members: Vec<i64>,
    /// The union committee (代表制), chair and vice-chairs among them.
    pub seats: Vec<Seat>,
    /// 经费审查委员会主任 (`None`: the committee was not set up, which is refused).
    pub funds_review_head: Option<String>,
    /// 女职工委员会主任 (`None`: not set up, refused).
    pub women_workers_head: Option<String>,
    /// Any of [`OPTIONAL_COMMITTEES`]; other kinds are ignored.
    pub optional_committees: Vec<CommitteeKind>,
    /// The upper industrial union that guides it (业务指导), when there is one.
    pub guide_id: Option<i64>,
    pub legal_person_cert: Option<String>,
    pub uscc: Option<Uscc>,
    pub legal_registered_on: Option<NaiveDate>,
    pub charter_title: String,
    pub charter_adopted_on: Option<NaiveDate>,
}

/// A refused formation: a broken rule with the form field (or seat) it belongs to, or another
/// store error (a database failure, a taken USCC).
#[derive(Debug)]
pub enum Refusal {
    Rule(Problem),
    Store(Error),
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal::Store(e)
    }
}

impl From<Problem> for Refusal {
    fn from(p: Problem) -> Self {
        Refusal::Rule(p)
    }
}

/// For callers that only need a message and a field name (the API, tools).
impl From<Refusal> for Error {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Rule(p) => Error::Invalid {
                field: Some(p.field.name()),
                message: p.message,
            },
            Refusal::Store(e) => e,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Rule(p) => f.write_str(&p.message),
            Refusal::Store(e) => write!(f, "{e}"),
        }
    }
}

fn problem(field: FormationField, message: impl Into<String>) -> Refusal {
    Refusal::Rule(Problem::new(field, message))
}

/// A new person taking over a committee seat (委员替补).
#[derive(Debug, Clone, Serialize)]
pub struct Substitution {
    pub name: String,
    pub source: OfficerSource,
    pub is_association_leader: bool,
    pub is_enterprise_head: bool,
    pub date: NaiveDate,
}

/// A member union of a federation as its view lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SectorMember {
    pub link_id: i64,
    pub member_id: i64,
    pub name: String,
    pub path: String,
    pub sub_kind: Option<String>,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub parent_path: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub unit_count: i64,
    pub member_count: i64,
    pub employees: i64,
    /// The member union's own chair on record now.
    pub chair_name: Option<String>,
}

impl SectorMember {
    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }
}

/// A unit covered by a member union, for the view's unit list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SectorUnit {
    pub id: i64,
    pub name: String,
    pub industry_code: Option<String>,
    pub employees: i64,
    pub member_id: i64,
}

/// The federation's own view: never added into the tree totals.
#[derive(Debug, Clone, Serialize)]
pub struct SectorView {
    pub info: Option<SectorFederation>,
    /// Current members first, then those that left.
    pub members: Vec<SectorMember>,
    pub units: Vec<SectorUnit>,
    pub officers: Vec<Officer>,
    pub committees: Vec<Committee>,
    pub guided_by: Vec<Link>,
}

/// A grassroots union the form offers as a member.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SectorCandidate {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub sub_kind: Option<String>,
    pub unit_count: i64,
    pub member_count: i64,
    /// Covered units of the chosen trade.
    pub sector_units: i64,
    pub chair_name: Option<String>,
}

/// One trade in an area's 一行一会 plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub sector: Sector,
    /// Active federations of the trade in the area's subtree: (id, name, path).
    pub federations: Vec<(i64, String, String)>,
    /// Units of the trade in the area's directory (by region code) and how many have a union.
    pub units: i64,
    pub covered: i64,
}

impl PlanRow {
    pub fn has_federation(&self) -> bool {
        !self.federations.is_empty()
    }

    /// The trade has units here but no federation yet.
    pub fn lacking(&self) -> bool {
        self.units > 0 && self.federations.is_empty()
    }

    pub fn uncovered(&self) -> i64 {
        self.units - self.covered
    }
}

/// The plan of one area.
#[derive(Debug, Clone, Serialize)]
pub struct PlanArea {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub region_code: Option<String>,
    pub rows: Vec<PlanRow>,
}

impl PlanArea {
    pub fn with_federation(&self) -> usize {
        self.rows.iter().filter(|r| r.has_federation()).count()
    }

    pub fn lacking(&self) -> Vec<Sector> {
        self.rows
            .iter()
            .filter(|r| r.lacking())
            .map(|r| r.sector)
            .collect()
    }
}

/// An area's plan and, for a city, the plan of each county-level child.
#[derive(Debug, Clone, Serialize)]
pub struct SectorPlan {
    pub area: PlanArea,
    pub children: Vec<PlanArea>,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn opt_trim(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn count_of(table: impl sea_query::IntoTableRef) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(table)
        .to_owned()
}

fn officer_columns() -> [Officers; 14] {
    [
        Officers::Id,
        Officers::OrgId,
        Officers::Committee,
        Officers::Role,
        Officers::Name,
        Officers::FullTime,
        Officers::TermStart,
        Officers::TermEnd,
        Officers::Phone,
        Officers::LeftOn,
        Officers::Source,
        Officers::RepresentsOrgId,
        Officers::IsAssociationLeader,
        Officers::IsEnterpriseHead,
    ]
}

/// The chair of an org's union committee on record now (the newest if several).
async fn current_chair(tx: &mut Tx, org_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Officers::Name)
                .from(Officers::Table)
                .and_where(Expr::col(Officers::OrgId).eq(org_id))
                .and_where(Expr::col(Officers::Committee).eq(CommitteeKind::UnionCommittee.code()))
                .and_where(Expr::col(Officers::Role).eq(OfficerRole::Chair.code()))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .order_by(Officers::Id, Order::Desc)
                .limit(1)
                .to_owned(),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// SQL text of the same (for list queries), with `org` the outer column holding the org id.
fn chair_subquery(org: &str) -> String {
    format!(
        "(SELECT o.name FROM officers o WHERE o.org_id = {org} AND o.committee = 'union_committee' \
         AND o.role = 'chair' AND o.left_on IS NULL ORDER BY o.id DESC LIMIT 1)"
    )
}

/// The place a federation's members must come from: the county-level union above (or at)
/// `parent`, or `parent` itself when there is none.
async fn locality(tx: &mut Tx, parent: &Org) -> Result<Org> {
    if parent.kind == OrgKind::CountyFederation {
        return Ok(parent.clone());
    }
    for id in parent.lineage().into_iter().rev() {
        let o = crate::orgs::load(tx, id).await?;
        if o.kind == OrgKind::CountyFederation {
            return Ok(o);
        }
    }
    Ok(parent.clone())
}

async fn info_in(tx: &mut Tx, org_id: i64) -> Result<Option<SectorFederation>> {
    tx.optional(
        &Query::select()
            .columns([
                SectorFederations::OrgId,
                SectorFederations::Sector,
                SectorFederations::FormedOn,
                SectorFederations::TermYears,
                SectorFederations::CharterTitle,
                SectorFederations::CharterAdoptedOn,
                SectorFederations::LegalRegisteredOn,
            ])
            .from(SectorFederations::Table)
            .and_where(Expr::col(SectorFederations::OrgId).eq(org_id))
            .to_owned(),
    )
    .await
}

/// The trade of a federation: its registered one, or the one its name says.
async fn sector_of(tx: &mut Tx, org: &Org) -> Result<Option<Sector>> {
    Ok(match info_in(tx, org.id).await? {
        Some(i) => Some(i.sector),
        None => Sector::detect(&org.name),
    })
}

/// The active federation of `sector` that `member_id` belongs to now, other than `except`.
async fn same_trade_federation(
    tx: &mut Tx,
    member_id: i64,
    sector: Sector,
    except: Option<i64>,
) -> Result<Option<OrgRef>> {
    let links: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(SectorMemberships::SectorId)
                .from(SectorMemberships::Table)
                .and_where(Expr::col(SectorMemberships::MemberId).eq(member_id))
                .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                .to_owned(),
        )
        .await?;
    for (sid,) in links {
        if Some(sid) == except {
            continue;
        }
        let fed = crate::orgs::load(tx, sid).await?;
        if fed.is_active() && sector_of(tx, &fed).await? == Some(sector) {
            return Ok(Some(OrgRef {
                id: fed.id,
                name: fed.name,
            }));
        }
    }
    Ok(None)
}

/// A grassroots union that may join a federation of `sector` in `place`: active, grassroots,
/// of the same place, not yet in another federation of the trade. Returns it loaded.
async fn check_member(
    tx: &mut Tx,
    id: i64,
    place: &Org,
    sector: Option<Sector>,
    except: Option<i64>,
) -> std::result::Result<Org, String> {
    let org = match crate::orgs::load(tx, id).await {
        Ok(o) => o,
        Err(Error::NotFound(_)) => return Err("找不到所选的基层工会，请重新选择".into()),
        Err(e) => return Err(e.to_string()),
    };
    if !org.is_active() {
        return Err(format!("{}已撤销，不能加入联合会", org.name));
    }
    if org.kind != OrgKind::Grassroots {
        return Err(format!(
            "{}是{}：行业工会联合会的成员应为单位的基层工会（企业、事业单位、社会组织工会或联合基层工会）",
            org.name,
            org.kind_label()
        ));
    }
    if !org.path.starts_with(&place.path) {
        return Err(format!(
            "{}不在{}范围内：行业工会联合会由本地同一或相近行业的单位工会联合组成",
            org.name, place.name
        ));
    }
    if let Some(sector) = sector {
        match same_trade_federation(tx, id, sector, except).await {
            Ok(Some(fed)) => {
                return Err(format!(
                    "{}已是{}的成员工会（同属{}行业），同一行业只加入一个联合会；如需转入，请先在原联合会办理退出",
                    org.name,
                    fed.name,
                    sector.label()
                ));
            }
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(org)
}

/// A seat whose source is the member union's chair must carry that chair's name when the
/// member union has one on record.
async fn check_chair_name(tx: &mut Tx, seat: &Seat, member: &Org) -> Result<Option<String>> {
    if seat.source != OfficerSource::MemberChair {
        return Ok(None);
    }
    let Some(chair) = current_chair(tx, member.id).await? else {
        return Ok(None);
    };
    if chair.trim() == seat.name.trim() {
        return Ok(None);
    }
    Ok(Some(format!(
        "{}现任工会主席是{chair}，来源为“本会主席”时姓名应与之一致；如由该工会推选其他人担任，来源请选“推选代表”",
        member.name
    )))
}

/// The 门类 of a trade when all its 大类 share one (the federation's industry code).
fn section_of(sector: Sector) -> Option<IndustryCode> {
    let mut letters = sector
        .divisions()
        .iter()
        .filter_map(|code| all_divisions().iter().find(|d| d.0 == *code).map(|d| d.2));
    let first = letters.next()?;
    if letters.all(|l| l == first) {
        IndustryCode::parse(&first.to_string()).ok()
    } else {
        None
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_officer(
    tx: &mut Tx,
    org_id: i64,
    committee: CommitteeKind,
    role: OfficerRole,
    name: &str,
    source: OfficerSource,
    represents: Option<i64>,
    term: (NaiveDate, NaiveDate),
    full_time: bool,
) -> Result<i64> {
    let input = OfficerInput {
        full_time,
        term_start: Some(term.0),
        term_end: Some(term.1),
        source,
        represents_org_id: represents,
        // Eligibility was checked: nobody seated holds either office.
        ..OfficerInput::plain(committee, role, name.trim())
    };
    crate::orgs::insert_officer_row(tx, org_id, &input, name.trim()).await
}

async fn insert_membership(
    tx: &mut Tx,
    sector_id: i64,
    member_id: i64,
    from: NaiveDate,
) -> Result<i64> {
    tx.insert_id(
        Query::insert()
            .into_table(SectorMemberships::Table)
            .columns([
                SectorMemberships::SectorId,
                SectorMemberships::MemberId,
                SectorMemberships::ValidFrom,
            ])
            .values_panic([sector_id.into(), member_id.into(), from.into()])
            .to_owned(),
    )
    .await
}

async fn load_officer(tx: &mut Tx, id: i64) -> Result<Officer> {
    tx.optional(
        &Query::select()
            .columns(officer_columns())
            .from(Officers::Table)
            .and_where(Expr::col(Officers::Id).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("任职记录"))
}

async fn open_member_ids(tx: &mut Tx, sector_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(SectorMemberships::MemberId)
                .from(SectorMemberships::Table)
                .and_where(Expr::col(SectorMemberships::SectorId).eq(sector_id))
                .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn load_federation(tx: &mut Tx, id: i64) -> Result<Org> {
    let org = crate::orgs::load(tx, id).await?;
    if org.kind != OrgKind::SectorFederation {
        return Err(Error::rule(format!("{}不是行业工会联合会", org.name)));
    }
    if !org.is_active() {
        return Err(Error::rule(format!(
            "{}已撤销，不能再办理此项业务",
            org.name
        )));
    }
    Ok(org)
}

/// The inclusive-exclusive bounds of the region codes inside `code`: 421081 → [421081,
/// 421082), 421000 → [4210, 4211).
fn region_bounds(code: &str) -> (String, String) {
    let mut p = code;
    while p.len() > 2 && p.ends_with("00") {
        p = &p[..p.len() - 2];
    }
    let lo = p.to_owned();
    let mut hi = p.to_owned();
    let last = hi.pop().unwrap_or('0');
    hi.push((last as u8 + 1) as char);
    (lo, hi)
}

/// Units of each 大类 in the directory of a region: (大类, units, covered).
async fn units_by_division(tx: &mut Tx, region: &str) -> Result<BTreeMap<String, (i64, i64)>> {
    let (lo, hi) = region_bounds(region);
    let rows: Vec<(Option<String>, i64, i64)> = tx
        .all(
            &Query::select()
                .column(Units::IndustryCode)
                .expr(Expr::cust("COUNT(*)"))
                .expr(Expr::cust(
                    "CAST(SUM(CASE WHEN covering_org_id IS NULL THEN 0 ELSE 1 END) AS BIGINT)",
                ))
                .from(Units::Table)
                .and_where(Expr::col(Units::RegionCode).gte(lo))
                .and_where(Expr::col(Units::RegionCode).lt(hi))
                .and_where(Expr::col(Units::Status).eq(ACTIVE))
                .and_where(Expr::col(Units::IndustryCode).is_not_null())
                .group_by_col(Units::IndustryCode)
                .to_owned(),
        )
        .await?;
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (code, n, covered) in rows {
        let Some(code) = code else { continue };
        let digits: String = code.chars().filter(char::is_ascii_digit).take(2).collect();
        if digits.len() == 2 {
            let e = out.entry(digits).or_default();
            e.0 += n;
            e.1 += covered;
        }
    }
    Ok(out)
}

async fn plan_area(tx: &mut Tx, org: &Org) -> Result<PlanArea> {
    #[derive(sqlx::FromRow)]
    struct Fed {
        id: i64,
        name: String,
        path: String,
        sector: Option<String>,
    }
    let feds: Vec<Fed> = tx
        .all(
            &Query::select()
                .columns([
                    (Orgs::Table, Orgs::Id),
                    (Orgs::Table, Orgs::Name),
                    (Orgs::Table, Orgs::Path),
                ])
                .column((SectorFederations::Table, SectorFederations::Sector))
                .from(Orgs::Table)
                .left_join(
                    SectorFederations::Table,
                    Expr::col((SectorFederations::Table, SectorFederations::OrgId))
                        .equals((Orgs::Table, Orgs::Id)),
                )
                .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                .and_where(
                    Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::SectorFederation.code()),
                )
                .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
                .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                .to_owned(),
        )
        .await?;
    let units = match &org.region_code {
        Some(r) => units_by_division(tx, r).await?,
        None => BTreeMap::new(),
    };
    let rows = Sector::ALL
        .iter()
        .map(|s| {
            let federations = feds
                .iter()
                .filter(|f| {
                    f.sector
                        .as_deref()
                        .and_then(Sector::from_code)
                        .or_else(|| Sector::detect(&f.name))
                        == Some(*s)
                })
                .map(|f| (f.id, f.name.clone(), f.path.clone()))
                .collect();
            let (n, covered) = s
                .divisions()
                .iter()
                .filter_map(|d| units.get(*d))
                .fold((0, 0), |acc, (n, c)| (acc.0 + n, acc.1 + c));
            PlanRow {
                sector: *s,
                federations,
                units: n,
                covered,
            }
        })
        .collect();
    Ok(PlanArea {
        id: org.id,
        name: org.name.clone(),
        path: org.path.clone(),
        region_code: org.region_code.clone(),
        rows,
    })
}

impl Store {
    /// Form a sector federation in one transaction: the org under its local parent, its trade
    /// and charter, the member unions (as sector memberships, affiliation unchanged), the
    /// guidance edge, the three committees and the optional ones, and the committee members
    /// with chair and vice-chairs. Every rule of seeds 000/002 is checked first; a refusal
    /// writes nothing.
    pub async fn form_sector_federation(
        &self,
        actor: &Actor,
        input: SectorFormation,
    ) -> std::result::Result<i64, Refusal> {
        use FormationField as F;
        let plan = FormationPlan {
            name: &input.name,
            members: &input.members,
            seats: &input.seats,
            funds_review_head: input.funds_review_head.as_deref(),
            women_workers_head: input.women_workers_head.as_deref(),
            term_years: input.term_years,
            founded_on: input.founded_on,
            today: today(),
            charter_title: &input.charter_title,
        };
        if let Some(p) = check_formation(&plan).into_iter().next() {
            return Err(Refusal::Rule(p));
        }
        if let Some(u) = &input.uscc
            && !u.is_union()
        {
            return Err(problem(
                F::LegalPerson,
                format!(
                    "工会的统一社会信用代码应以 81 开头（登记管理部门为工会），{} 不是工会的代码",
                    u.as_str()
                ),
            ));
        }

        let mut tx = self.begin().await?;
        let parent = match crate::orgs::load(&mut tx, input.parent_id).await {
            Ok(p) if p.is_active() => p,
            Ok(p) => {
                return Err(problem(
                    F::Parent,
                    format!("{}已撤销，请选择其他上级工会", p.name),
                ));
            }
            Err(Error::NotFound(_)) => return Err(problem(F::Parent, "找不到所选的上级工会")),
            Err(e) => return Err(e.into()),
        };
        check_sector_parent(parent.kind).map_err(|e| problem(F::Parent, e.0))?;
        let place = locality(&mut tx, &parent).await?;

        // One federation per trade under one parent (一行一会).
        let same: Vec<OrgRef> = tx
            .all(
                &Query::select()
                    .columns([(Orgs::Table, Orgs::Id), (Orgs::Table, Orgs::Name)])
                    .from(Orgs::Table)
                    .inner_join(
                        SectorFederations::Table,
                        Expr::col((SectorFederations::Table, SectorFederations::OrgId))
                            .equals((Orgs::Table, Orgs::Id)),
                    )
                    .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(parent.id))
                    .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
                    .and_where(
                        Expr::col((SectorFederations::Table, SectorFederations::Sector))
                            .eq(input.sector.code()),
                    )
                    .to_owned(),
            )
            .await?;
        if let Some(f) = same.first() {
            return Err(problem(
                F::Sector,
                format!(
                    "{}下已有{}，按“一行一会”的原则同一行业不再重复组建；新的单位工会可以在该联合会页面办理加入",
                    parent.name, f.name
                ),
            ));
        }

        let mut members = Vec::new();
        for id in &input.members {
            match check_member(&mut tx, *id, &place, Some(input.sector), None).await {
                Ok(m) => members.push(m),
                Err(msg) => return Err(problem(F::Members, msg)),
            }
        }
        for (i, seat) in input.seats.iter().enumerate() {
            let Some(m) = members.iter().find(|m| Some(m.id) == seat.represents) else {
                continue;
            };
            if let Some(msg) = check_chair_name(&mut tx, seat, m).await? {
                return Err(problem(F::Seat(i), msg));
            }
        }
        if let Some(gid) = input.guide_id {
            let guide = match crate::orgs::load(&mut tx, gid).await {
                Ok(g) if g.is_active() => g,
                Ok(g) => {
                    return Err(problem(
                        F::Guide,
                        format!("{}已撤销，请选择其他指导单位", g.name),
                    ));
                }
                Err(Error::NotFound(_)) => return Err(problem(F::Guide, "找不到所选的指导单位")),
                Err(e) => return Err(e.into()),
            };
            check_guide(guide.kind).map_err(|e| problem(F::Guide, e.0))?;
        }

        let org_input = OrgInput {
            kind: OrgKind::SectorFederation,
            sub_kind: None,
            name: input.name.trim().to_owned(),
            short_name: None,
            region: input.region.clone().or_else(|| {
                parent
                    .region_code
                    .as_deref()
                    .and_then(|r| RegionCode::parse(r).ok())
            }),
            industry: section_of(input.sector),
            founded_on: Some(input.founded_on),
            uscc: input.uscc.clone(),
            legal_person_cert: opt_trim(&input.legal_person_cert),
            independent_account: false,
            address: None,
            contact_person: None,
            contact_phone: None,
        };
        let from = input.founded_on;
        let id = crate::orgs::create_org_in(&mut tx, parent.id, &org_input, from).await?;
        tx.execute(
            &Query::insert()
                .into_table(SectorFederations::Table)
                .columns([
                    SectorFederations::OrgId,
                    SectorFederations::Sector,
                    SectorFederations::FormedOn,
                    SectorFederations::TermYears,
                    SectorFederations::CharterTitle,
                    SectorFederations::CharterAdoptedOn,
                    SectorFederations::LegalRegisteredOn,
                    SectorFederations::CreatedAt,
                ])
                .values_panic([
                    id.into(),
                    input.sector.code().into(),
                    from.into(),
                    (input.term_years as i64).into(),
                    input.charter_title.trim().into(),
                    input.charter_adopted_on.unwrap_or(from).into(),
                    input.legal_registered_on.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
        for m in &members {
            insert_membership(&mut tx, id, m.id, from).await?;
        }
        if let Some(gid) = input.guide_id {
            tx.execute(
                &Query::insert()
                    .into_table(OrgGuidance::Table)
                    .columns([
                        OrgGuidance::GuideId,
                        OrgGuidance::OrgId,
                        OrgGuidance::ValidFrom,
                    ])
                    .values_panic([gid.into(), id.into(), from.into()])
                    .to_owned(),
            )
            .await?;
        }
        let mut committees = CommitteeKind::THREE.to_vec();
        for k in &input.optional_committees {
            if OPTIONAL_COMMITTEES.contains(k) && !committees.contains(k) {
                committees.push(*k);
            }
        }
        for k in &committees {
            tx.execute(
                &Query::insert()
                    .into_table(Committees::Table)
                    .columns([
                        Committees::OrgId,
                        Committees::Kind,
                        Committees::EstablishedOn,
                    ])
                    .values_panic([id.into(), k.code().into(), from.into()])
                    .to_owned(),
            )
            .await?;
        }
        let term = (from, term_end(from, input.term_years));
        for seat in &input.seats {
            insert_officer(
                &mut tx,
                id,
                CommitteeKind::UnionCommittee,
                seat.role,
                &seat.name,
                seat.source,
                seat.represents,
                term,
                false,
            )
            .await?;
        }
        for (committee, head) in [
            (
                CommitteeKind::FundsReviewCommittee,
                &input.funds_review_head,
            ),
            (
                CommitteeKind::WomenWorkersCommittee,
                &input.women_workers_head,
            ),
        ] {
            if let Some(h) = head {
                insert_officer(
                    &mut tx,
                    id,
                    committee,
                    OfficerRole::Chair,
                    h,
                    OfficerSource::Other,
                    None,
                    term,
                    false,
                )
                .await?;
            }
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "sector.form",
            Target::new("org", Some(id), Some(id)),
            None,
            Some(&input),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// 委员替补: the member union a committee member represents has a new chair (or elects a
    /// new representative). The old row is ended on `date` (kept as history) and the new
    /// person takes the same role for the same member union until the end of the term.
    pub async fn substitute_sector_officer(
        &self,
        actor: &Actor,
        officer_id: i64,
        sub: Substitution,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let old = load_officer(&mut tx, officer_id).await?;
        let fed = crate::orgs::load(&mut tx, old.org_id).await?;
        if fed.kind != OrgKind::SectorFederation {
            return Err(Error::rule(
                "委员替补制只适用于行业工会联合会的委员；其他工会的任职变动请办理离任后重新登记",
            ));
        }
        if !fed.is_active() {
            return Err(Error::rule(format!(
                "{}已撤销，不能再办理此项业务",
                fed.name
            )));
        }
        if let Some(d) = old.left_on {
            return Err(Error::rule(format!("{}已于{d}离任，不能再替补", old.name)));
        }
        let Some(member_id) = old.represents_org_id else {
            return Err(Error::rule(format!(
                "{}不代表成员工会，不适用委员替补制；如需变动请办理离任后重新登记",
                old.name
            )));
        };
        let open = open_member_ids(&mut tx, fed.id).await?;
        let member = crate::orgs::load(&mut tx, member_id).await?;
        if !open.contains(&member_id) {
            return Err(Error::rule(format!(
                "{}已退出联合会，它的代表不再替补",
                member.name
            )));
        }
        let seat = Seat {
            name: sub.name.clone(),
            role: old.role,
            source: sub.source,
            represents: Some(member_id),
            is_association_leader: sub.is_association_leader,
            is_enterprise_head: sub.is_enterprise_head,
        };
        let name = check_seat(&seat, &[member_id]).map_err(Error::field("name"))?;
        if name == old.name.trim() {
            return Err(Error::invalid(
                "name",
                format!("{name}就是现任委员，请填写接替的新委员姓名"),
            ));
        }
        if let Some(msg) = check_chair_name(&mut tx, &seat, &member).await? {
            return Err(Error::invalid("name", msg));
        }
        if sub.date > today() {
            return Err(Error::invalid("date", "替补日期不能晚于今天"));
        }
        if let Some(start) = old.term_start
            && sub.date < start
        {
            return Err(Error::invalid(
                "date",
                format!("替补日期不能早于{}的任职开始日期 {start}", old.name),
            ));
        }
        tx.execute(
            &Query::update()
                .table(Officers::Table)
                .value(Officers::LeftOn, sub.date)
                .and_where(Expr::col(Officers::Id).eq(officer_id))
                .to_owned(),
        )
        .await?;
        let end = old.term_end.unwrap_or(sub.date);
        let new_id = insert_officer(
            &mut tx,
            fed.id,
            old.committee,
            old.role,
            &name,
            sub.source,
            Some(member_id),
            (sub.date, end),
            old.full_time,
        )
        .await?;
        let new = load_officer(&mut tx, new_id).await?;
        audit::record(
            &mut tx,
            actor,
            "sector.substitute",
            Target::new("officer", Some(new_id), Some(fed.id)),
            Some(&old),
            Some(&new),
        )
        .await?;
        tx.commit().await?;
        Ok(new_id)
    }

    /// A grassroots union joins an existing federation, optionally with the person who will
    /// represent it on the committee (as 委员 or 副主席). Its affiliation does not change.
    pub async fn join_sector(
        &self,
        actor: &Actor,
        sector_id: i64,
        member_id: i64,
        seat: Option<Seat>,
        date: NaiveDate,
    ) -> Result<i64> {
        if let Some(s) = &seat {
            if s.role == OfficerRole::Chair {
                return Err(Error::invalid(
                    "rep_role",
                    "联合会已有主席；新加入成员工会的代表可担任委员或副主席，改选主席请按换届程序办理",
                ));
            }
            check_seat(s, &[member_id]).map_err(Error::field("rep_name"))?;
        }
        if date > today() {
            return Err(Error::invalid("date", "加入日期不能晚于今天"));
        }
        let mut tx = self.begin().await?;
        let fed = load_federation(&mut tx, sector_id).await?;
        let parent = match fed.parent_id {
            Some(p) => crate::orgs::load(&mut tx, p).await?,
            None => fed.clone(),
        };
        let place = locality(&mut tx, &parent).await?;
        if open_member_ids(&mut tx, fed.id).await?.contains(&member_id) {
            let m = crate::orgs::load(&mut tx, member_id).await?;
            return Err(Error::invalid(
                "member_id",
                format!("{}已是{}的成员工会", m.name, fed.name),
            ));
        }
        let sector = sector_of(&mut tx, &fed).await?;
        let member = check_member(&mut tx, member_id, &place, sector, Some(fed.id))
            .await
            .map_err(|m| Error::invalid("member_id", m))?;
        if let Some(s) = &seat
            && let Some(msg) = check_chair_name(&mut tx, s, &member).await?
        {
            return Err(Error::invalid("rep_name", msg));
        }
        let link = insert_membership(&mut tx, fed.id, member_id, date).await?;
        if let Some(s) = &seat {
            let info = info_in(&mut tx, fed.id).await?;
            let end = info
                .map(|i| i.term_ends_on())
                .unwrap_or_else(|| term_end(date, 5));
            insert_officer(
                &mut tx,
                fed.id,
                CommitteeKind::UnionCommittee,
                s.role,
                &s.name,
                s.source,
                Some(member_id),
                (date, end),
                false,
            )
            .await?;
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "sector.join",
            Target::new("org", Some(fed.id), Some(fed.id)),
            None,
            Some(&(fed.id, member_id, date, &seat)),
        )
        .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// A member union leaves: its membership ends on `date` (kept as history) and so do the
    /// seats of those who represent it. The federation must keep two members, and its chair
    /// must not be the one leaving.
    pub async fn leave_sector(
        &self,
        actor: &Actor,
        sector_id: i64,
        member_id: i64,
        date: NaiveDate,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let fed = load_federation(&mut tx, sector_id).await?;
        let open = open_member_ids(&mut tx, fed.id).await?;
        let member = crate::orgs::load(&mut tx, member_id)
            .await
            .map_err(|_| Error::invalid("member_id", "找不到所选的成员工会"))?;
        if !open.contains(&member_id) {
            return Err(Error::invalid(
                "member_id",
                format!("{}不是{}的在册成员工会", member.name, fed.name),
            ));
        }
        gonghui_domain::check_leaving(open.len()).map_err(Error::field("member_id"))?;
        let reps: Vec<Officer> = tx
            .all(
                &Query::select()
                    .columns(officer_columns())
                    .from(Officers::Table)
                    .and_where(Expr::col(Officers::OrgId).eq(fed.id))
                    .and_where(Expr::col(Officers::RepresentsOrgId).eq(member_id))
                    .and_where(Expr::col(Officers::LeftOn).is_null())
                    .to_owned(),
            )
            .await?;
        if let Some(chair) = reps.iter().find(|o| o.role == OfficerRole::Chair) {
            return Err(Error::invalid(
                "member_id",
                format!(
                    "{}的代表{}是联合会主席，请先改选主席，再办理该工会退出",
                    member.name, chair.name
                ),
            ));
        }
        let from: Option<(NaiveDate,)> = tx
            .optional(
                &Query::select()
                    .column(SectorMemberships::ValidFrom)
                    .from(SectorMemberships::Table)
                    .and_where(Expr::col(SectorMemberships::SectorId).eq(fed.id))
                    .and_where(Expr::col(SectorMemberships::MemberId).eq(member_id))
                    .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                    .to_owned(),
            )
            .await?;
        if let Some((from,)) = from
            && date < from
        {
            return Err(Error::invalid(
                "date",
                format!("退出日期不能早于加入日期 {from}"),
            ));
        }
        if date > today() {
            return Err(Error::invalid("date", "退出日期不能晚于今天"));
        }
        tx.execute(
            &Query::update()
                .table(SectorMemberships::Table)
                .value(SectorMemberships::ValidTo, date)
                .and_where(Expr::col(SectorMemberships::SectorId).eq(fed.id))
                .and_where(Expr::col(SectorMemberships::MemberId).eq(member_id))
                .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::update()
                .table(Officers::Table)
                .value(Officers::LeftOn, date)
                .and_where(Expr::col(Officers::OrgId).eq(fed.id))
                .and_where(Expr::col(Officers::RepresentsOrgId).eq(member_id))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .to_owned(),
        )
        .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "sector.leave",
            Target::new("org", Some(fed.id), Some(fed.id)),
            None,
            Some(&(fed.id, member_id, date, reps.len())),
        )
        .await?;
        tx.commit().await
    }

    /// Register (or correct) a federation's trade, charter and legal-person status. Also used
    /// for federations set up before this page existed.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_sector_profile(
        &self,
        actor: &Actor,
        org_id: i64,
        sector: Sector,
        formed_on: NaiveDate,
        charter_title: String,
        charter_adopted_on: Option<NaiveDate>,
        legal_person_cert: Option<String>,
        uscc: Option<Uscc>,
        legal_registered_on: Option<NaiveDate>,
    ) -> Result<()> {
        let charter = charter_title.trim().to_owned();
        if charter.is_empty() || charter.chars().count() > 80 {
            return Err(Error::invalid(
                "charter_title",
                "请填写联合会章程的名称（最多80个字）",
            ));
        }
        if formed_on > today() {
            return Err(Error::invalid("formed_on", "成立日期不能晚于今天"));
        }
        if let Some(u) = &uscc
            && !u.is_union()
        {
            return Err(Error::invalid(
                "uscc",
                format!(
                    "工会的统一社会信用代码应以 81 开头（登记管理部门为工会），{} 不是工会的代码",
                    u.as_str()
                ),
            ));
        }
        let cert = opt_trim(&legal_person_cert);
        if legal_registered_on.is_some() && cert.is_none() {
            return Err(Error::invalid(
                "legal_person_cert",
                "登记了法人资格取得日期，请同时填写工会法人资格证书编号",
            ));
        }
        let mut tx = self.begin().await?;
        let fed = load_federation(&mut tx, org_id).await?;
        let before = info_in(&mut tx, org_id).await?;
        let term_years = before.as_ref().map(|b| b.term_years).unwrap_or(5);
        if before.is_some() {
            tx.execute(
                &Query::update()
                    .table(SectorFederations::Table)
                    .values([
                        (SectorFederations::Sector, sector.code().into()),
                        (SectorFederations::FormedOn, formed_on.into()),
                        (SectorFederations::CharterTitle, charter.clone().into()),
                        (
                            SectorFederations::CharterAdoptedOn,
                            charter_adopted_on.into(),
                        ),
                        (
                            SectorFederations::LegalRegisteredOn,
                            legal_registered_on.into(),
                        ),
                    ])
                    .and_where(Expr::col(SectorFederations::OrgId).eq(org_id))
                    .to_owned(),
            )
            .await?;
        } else {
            tx.execute(
                &Query::insert()
                    .into_table(SectorFederations::Table)
                    .columns([
                        SectorFederations::OrgId,
                        SectorFederations::Sector,
                        SectorFederations::FormedOn,
                        SectorFederations::TermYears,
                        SectorFederations::CharterTitle,
                        SectorFederations::CharterAdoptedOn,
                        SectorFederations::LegalRegisteredOn,
                        SectorFederations::CreatedAt,
                    ])
                    .values_panic([
                        org_id.into(),
                        sector.code().into(),
                        formed_on.into(),
                        term_years.into(),
                        charter.clone().into(),
                        charter_adopted_on.into(),
                        legal_registered_on.into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        let mut update = Query::update();
        update
            .table(Orgs::Table)
            .values([
                (Orgs::LegalPersonCert, cert.clone().into()),
                (Orgs::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Orgs::Id).eq(org_id));
        if let Some(u) = &uscc {
            update.value(Orgs::Uscc, u.as_str());
        }
        tx.execute(&update).await.map_err(|e| {
            if e.is_unique_violation() {
                // The holder may be outside the person's scope, so it is not named.
                Error::invalid("uscc", "该统一社会信用代码已被另一个工会组织登记，请核对")
            } else {
                e
            }
        })?;
        let after = info_in(&mut tx, org_id).await?;
        audit::record(
            &mut tx,
            actor,
            "sector.profile",
            Target::new("org", Some(fed.id), Some(fed.id)),
            Some(&(before, &fed.legal_person_cert, &fed.uscc)),
            Some(&(after, &cert, uscc.as_ref().map(|u| u.as_str()))),
        )
        .await?;
        tx.commit().await
    }

    /// The registered trade, charter and legal-person status of a federation.
    pub async fn sector_federation(&self, org_id: i64) -> Result<Option<SectorFederation>> {
        let mut tx = self.read().await?;
        info_in(&mut tx, org_id).await
    }

    /// A federation's own view: member unions (with their units and members), the committee
    /// by member union, the committees and who guides it. Read in one snapshot.
    pub async fn sector_view(&self, org: &Org) -> Result<SectorView> {
        let mut tx = self.read().await?;
        let info = info_in(&mut tx, org.id).await?;
        let chair = chair_subquery("m.id");
        let members: Vec<SectorMember> = tx
            .all(
                &Query::select()
                    .expr_as(Expr::col(("l", "id")), "link_id")
                    .expr_as(Expr::col(("m", "id")), "member_id")
                    .expr_as(Expr::col(("m", "name")), "name")
                    .expr_as(Expr::col(("m", "path")), "path")
                    .expr_as(Expr::col(("m", "sub_kind")), "sub_kind")
                    .expr_as(Expr::col(("m", "parent_id")), "parent_id")
                    .expr_as(Expr::col(("p", "name")), "parent_name")
                    .expr_as(Expr::col(("p", "path")), "parent_path")
                    .expr_as(Expr::col(("l", "valid_from")), "valid_from")
                    .expr_as(Expr::col(("l", "valid_to")), "valid_to")
                    .expr_as(
                        Expr::cust("(SELECT COUNT(*) FROM units u WHERE u.covering_org_id = m.id)"),
                        "unit_count",
                    )
                    .expr_as(
                        Expr::cust("(SELECT COUNT(*) FROM members x WHERE x.org_id = m.id)"),
                        "member_count",
                    )
                    .expr_as(
                        Expr::cust("(SELECT CAST(COALESCE(SUM(u.employees), 0) AS BIGINT) FROM units u WHERE u.covering_org_id = m.id)"),
                        "employees",
                    )
                    .expr_as(Expr::cust(chair), "chair_name")
                    .from_as(SectorMemberships::Table, "l")
                    .join_as(
                        JoinType::InnerJoin,
                        Orgs::Table,
                        "m",
                        Expr::col(("m", "id")).equals(("l", "member_id")),
                    )
                    .join_as(
                        JoinType::LeftJoin,
                        Orgs::Table,
                        "p",
                        Expr::col(("p", "id")).equals(("m", "parent_id")),
                    )
                    .and_where(Expr::col(("l", "sector_id")).eq(org.id))
                    .order_by_expr(
                        Expr::cust("CASE WHEN l.valid_to IS NULL THEN 0 ELSE 1 END"),
                        Order::Asc,
                    )
                    .order_by(("m", "name_pinyin"), Order::Asc)
                    .to_owned(),
            )
            .await?;
        let current: Vec<i64> = members
            .iter()
            .filter(|m| m.is_current())
            .map(|m| m.member_id)
            .collect();
        let units: Vec<SectorUnit> = if current.is_empty() {
            vec![]
        } else {
            tx.all(
                &Query::select()
                    .columns([
                        Units::Id,
                        Units::Name,
                        Units::IndustryCode,
                        Units::Employees,
                    ])
                    .expr_as(Expr::col(Units::CoveringOrgId), "member_id")
                    .from(Units::Table)
                    .and_where(Expr::col(Units::CoveringOrgId).is_in(current))
                    .order_by(Units::CoveringOrgId, Order::Asc)
                    .order_by(Units::NamePinyin, Order::Asc)
                    .limit(500)
                    .to_owned(),
            )
            .await?
        };
        let officers: Vec<Officer> = tx
            .all(
                &Query::select()
                    .columns(officer_columns())
                    .from(Officers::Table)
                    .and_where(Expr::col(Officers::OrgId).eq(org.id))
                    .order_by_expr(
                        Expr::cust("CASE WHEN left_on IS NULL THEN 0 ELSE 1 END, CASE committee WHEN 'union_committee' THEN 0 WHEN 'funds_review_committee' THEN 1 WHEN 'women_workers_committee' THEN 2 ELSE 3 END, CASE role WHEN 'chair' THEN 0 WHEN 'executive_vice_chair' THEN 1 WHEN 'vice_chair' THEN 2 ELSE 3 END"),
                        Order::Asc,
                    )
                    .order_by(Officers::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let committees: Vec<Committee> = tx
            .all(
                &Query::select()
                    .columns([
                        Committees::Id,
                        Committees::OrgId,
                        Committees::Kind,
                        Committees::EstablishedOn,
                        Committees::Note,
                    ])
                    .from(Committees::Table)
                    .and_where(Expr::col(Committees::OrgId).eq(org.id))
                    .order_by(Committees::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let guided_by: Vec<Link> = tx
            .all(
                &Query::select()
                    .expr_as(Expr::col(("g", "id")), "id")
                    .expr_as(Expr::col(("o", "id")), "other_id")
                    .expr_as(Expr::col(("o", "name")), "other_name")
                    .expr_as(Expr::col(("o", "path")), "other_path")
                    .expr_as(Expr::col(("g", "valid_from")), "valid_from")
                    .expr_as(Expr::col(("g", "valid_to")), "valid_to")
                    .from_as(OrgGuidance::Table, "g")
                    .join_as(
                        JoinType::InnerJoin,
                        Orgs::Table,
                        "o",
                        Expr::col(("o", "id")).equals(("g", "guide_id")),
                    )
                    .and_where(Expr::col(("g", "org_id")).eq(org.id))
                    .order_by(("g", "valid_from"), Order::Desc)
                    .to_owned(),
            )
            .await?;
        Ok(SectorView {
            info,
            members,
            units,
            officers,
            committees,
            guided_by,
        })
    }

    /// Grassroots unions in `start`'s subtree the form offers as members: those covering units
    /// of `sector` first (with how many), then the others by name; at most `limit`.
    pub async fn sector_candidates(
        &self,
        start: &Org,
        sector: Option<Sector>,
        limit: u64,
    ) -> Result<Vec<SectorCandidate>> {
        let mut tx = self.read().await?;
        // The 大类 codes are the catalogue's own two digits, never user text.
        let matching = match sector {
            Some(s) => format!(
                "(SELECT COUNT(*) FROM units u WHERE u.covering_org_id = orgs.id AND u.industry_code IN ({}))",
                s.divisions()
                    .iter()
                    .map(|d| format!("'{d}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "0".to_owned(),
        };
        let q = Query::select()
            .columns([
                (Orgs::Table, Orgs::Id),
                (Orgs::Table, Orgs::Name),
                (Orgs::Table, Orgs::Path),
                (Orgs::Table, Orgs::SubKind),
            ])
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM units u WHERE u.covering_org_id = orgs.id)"),
                "unit_count",
            )
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM members x WHERE x.org_id = orgs.id)"),
                "member_count",
            )
            .expr_as(Expr::cust(matching.clone()), "sector_units")
            .expr_as(Expr::cust(chair_subquery("orgs.id")), "chair_name")
            .from(Orgs::Table)
            .and_where(in_subtree(
                Expr::col((Orgs::Table, Orgs::Path)),
                &start.path,
            ))
            .and_where(Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::Grassroots.code()))
            .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
            .order_by_expr(
                Expr::cust(format!("CASE WHEN {matching} > 0 THEN 0 ELSE 1 END")),
                Order::Asc,
            )
            .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
            .limit(limit)
            .to_owned();
        tx.all(&q).await
    }

    /// The local unions a federation formed from `start` may hang under: `start` itself and
    /// the county and area unions in its subtree.
    pub async fn sector_parent_options(&self, start: &Org) -> Result<Vec<Org>> {
        let mut tx = self.read().await?;
        tx.all(
            &crate::orgs::select_orgs()
                .and_where(in_subtree(
                    Expr::col((Orgs::Table, Orgs::Path)),
                    &start.path,
                ))
                .and_where(Expr::col((Orgs::Table, Orgs::Kind)).is_in([
                    OrgKind::CountyFederation.code(),
                    OrgKind::AreaFederation.code(),
                ]))
                .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
                .order_by((Orgs::Table, Orgs::Depth), Order::Asc)
                .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                .limit(500)
                .to_owned(),
        )
        .await
    }

    /// Industrial unions that could guide a federation formed under `start`: those hanging
    /// under `start` or any union above it, and those inside its subtree. Callers show only
    /// the ones the account may see.
    pub async fn sector_guide_options(&self, start: &Org) -> Result<Vec<Org>> {
        let mut tx = self.read().await?;
        tx.all(
            &crate::orgs::select_orgs()
                .and_where(Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::IndustrialUnion.code()))
                .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
                .and_where(
                    Expr::col((Orgs::Table, Orgs::ParentId))
                        .is_in(start.lineage())
                        .or(in_subtree(
                            Expr::col((Orgs::Table, Orgs::Path)),
                            &start.path,
                        )),
                )
                .order_by((Orgs::Table, Orgs::Depth), Order::Asc)
                .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                .to_owned(),
        )
        .await
    }

    /// The 一行一会 plan of an area: for each trade of the catalogue, its federations in the
    /// area's subtree and the units of the trade in the area's directory (by region code) with
    /// how many are covered. For a city, also each county-level child.
    pub async fn sector_plan(&self, org: &Org) -> Result<SectorPlan> {
        let mut tx = self.read().await?;
        let area = plan_area(&mut tx, org).await?;
        let mut children = Vec::new();
        if org.kind == OrgKind::CityFederation {
            let kids: Vec<Org> = tx
                .all(
                    &crate::orgs::select_orgs()
                        .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(org.id))
                        .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE))
                        .and_where(Expr::col((Orgs::Table, Orgs::Kind)).is_in([
                            OrgKind::CountyFederation.code(),
                            OrgKind::AreaFederation.code(),
                        ]))
                        .and_where(Expr::col((Orgs::Table, Orgs::RegionCode)).is_not_null())
                        .order_by((Orgs::Table, Orgs::RegionCode), Order::Asc)
                        .to_owned(),
                )
                .await?;
            for k in &kids {
                children.push(plan_area(&mut tx, k).await?);
            }
        }
        Ok(SectorPlan { area, children })
    }

    /// How many current member unions a federation has (0 for any other org).
    pub async fn sector_member_count(&self, org_id: i64) -> Result<i64> {
        let mut tx = self.read().await?;
        tx.scalar(
            &count_of(SectorMemberships::Table)
                .and_where(Expr::col(SectorMemberships::SectorId).eq(org_id))
                .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::region_bounds;

    #[test]
    fn region_ranges() {
        assert_eq!(region_bounds("421081"), ("421081".into(), "421082".into()));
        assert_eq!(region_bounds("421000"), ("4210".into(), "4211".into()));
        assert_eq!(region_bounds("420000"), ("42".into(), "43".into()));
        assert_eq!(region_bounds("421079"), ("421079".into(), "42107:".into()));
    }
}
