//! 统计 (coverage statistics), 驾驶舱 and 逐一摸底: live numbers for any org's subtree as of any
//! date, the lists of records behind each number, and the 五个清 surveys of units without a
//! union.
//!
//! Counted once, along affiliation only (DESIGN decision 3): members and covered units belong to
//! the grassroots union holding them and are summed up the affiliation tree; guidance and sector
//! memberships never add. Units "in the directory" of an org's subtree are the units covered by
//! its unions plus, for an area-level org that owns a region ([`directory_prefix`]), the units
//! of that region without a union.
//!
//! Three ways of answering, all with the same meaning:
//! * **live** — today, no filter: the maintained counts of [`counts`] (one row per org, kept in
//!   step by every write; periods of whole calendar years from the yearly counts);
//! * **filtered** — today with filters: indexed subtree queries over the base tables through
//!   the current materialized paths;
//! * **as of a past date** — the tree of that date rebuilt from `org_affiliations` (a recursive
//!   query down from the org), coverage from `unit_coverages` and membership from
//!   `memberships`, so a moved subtree counts under its old parent before the move date and
//!   under the new one after.
//!
//! Filters on units (ownership, headcount, 三上, park, region, industry) select units; a
//! grassroots union counts when it covers at least one selected unit, and its members count
//! with it (members belong to unions, not units: a joint union covering a selected and an
//! unselected unit counts all its members). The grassroots-kind filter selects unions and what
//! they hold; units without a union have no kind and are never removed by it.

pub(crate) mod counts;
mod survey;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use gonghui_domain::{
    GrassrootsKind, IndustryCode, NoUnionReason, OrgKind, Ownership, Period, check_as_of,
    directory_prefix, industry_codes_in,
};
use sea_query::{
    Alias, CommonTableExpression, Cond, Expr, ExprTrait, IntoIden, JoinType, LikeExpr, Order,
    Query, SelectStatement, UnionType, WithClause,
};
use serde::Serialize;

use crate::db::{Record, Tx};
use crate::orgs::{Org, in_subtree, load};
use crate::schema::{
    Members, Memberships, OrgAffiliations, OrgYearCounts, Orgs, RegionUnitCounts, UnitCoverages,
    UnitSurveys, Units,
};
use crate::search::Visibility;
use crate::{Error, Result, Store};

use counts::{Counts, F, big, non_public_codes};
pub use survey::UnitSurvey;

// ---------------------------------------------------------------------------------------------
// What is asked
// ---------------------------------------------------------------------------------------------

/// 经济类型 filter: one ownership, or all 非公 ownerships together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnershipFilter {
    Is(Ownership),
    NonPublic,
}

impl OwnershipFilter {
    /// `non_public` or an ownership code or label.
    pub fn parse(s: &str) -> Option<OwnershipFilter> {
        match s.trim() {
            "non_public" | "非公" | "非公有制" => Some(OwnershipFilter::NonPublic),
            t => Ownership::from_label(t).map(OwnershipFilter::Is),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            OwnershipFilter::Is(o) => o.code(),
            OwnershipFilter::NonPublic => "non_public",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OwnershipFilter::Is(o) => o.label(),
            OwnershipFilter::NonPublic => "非公有制（私营、外资、港澳台、个体）",
        }
    }

    fn codes(self) -> Vec<&'static str> {
        match self {
            OwnershipFilter::Is(o) => vec![o.code()],
            OwnershipFilter::NonPublic => Ownership::ALL
                .iter()
                .filter(|o| o.is_non_public())
                .map(|o| o.code())
                .collect(),
        }
    }
}

/// The filters of a statistics question (all optional).
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    pub ownership: Option<OwnershipFilter>,
    /// 职工人数不少于
    pub min_employees: Option<i64>,
    /// Only “三上” units.
    pub above_scale: bool,
    /// 所在园区 (exact name).
    pub park: Option<String>,
    /// Region prefix of the units (see `gonghui_domain::check_region_filter`).
    pub region: Option<String>,
    pub industry: Option<IndustryCode>,
    pub grassroots_kind: Option<GrassrootsKind>,
}

impl StatsFilter {
    /// Whether any filter on units is set.
    pub fn on_units(&self) -> bool {
        self.ownership.is_some()
            || self.min_employees.is_some()
            || self.above_scale
            || self.park.is_some()
            || self.region.is_some()
            || self.industry.is_some()
    }

    pub fn is_empty(&self) -> bool {
        !self.on_units() && self.grassroots_kind.is_none()
    }
}

/// A statistics question: as of which date (today when `None`), the period of the “new” counts
/// (the calendar year of the date when `None`), and the filters.
#[derive(Debug, Clone, Default)]
pub struct StatsQuery {
    pub as_of: Option<NaiveDate>,
    pub period: Option<Period>,
    pub filter: StatsFilter,
    /// Compute from the base tables even where the maintained counts could answer (to check
    /// the maintained counts, and to measure what they save).
    pub force_computed: bool,
}

// ---------------------------------------------------------------------------------------------
// What is answered
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    /// GrassrootsKind code: enterprise, public_institution, social_organization, joint,
    /// cooperative.
    pub kind: String,
    pub label: String,
    pub count: i64,
}

/// The numbers of one org's subtree, each counted once along affiliation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub org_id: i64,
    pub org_name: String,
    pub as_of: NaiveDate,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// Answered from the maintained counts (today, no filter).
    pub live: bool,
    /// False when the org was not (yet, or any longer) in the tree on `as_of`: all zero.
    pub existed: bool,
    /// Active union organizations in the subtree, the org itself included.
    pub orgs: i64,
    /// 基层工会
    pub grassroots: i64,
    pub grassroots_by_kind: Vec<KindCount>,
    /// Grassroots unions covering at least one 非公 unit (非公企业工会).
    pub non_public_grassroots: i64,
    /// Units in the directory: covered units plus units without a union in the org's region.
    pub directory_units: i64,
    /// 覆盖单位 (建会单位)
    pub covered_units: i64,
    /// 未建会单位 in the org's region.
    pub uncovered_units: i64,
    /// 企业建会率: covered units / units in the directory (None when there are none).
    pub unionization_rate: Option<f64>,
    pub employees_in_covered_units: i64,
    pub women_employees_in_covered_units: i64,
    pub employees_in_uncovered_units: i64,
    pub members: i64,
    /// Employees of every unit covered by the unions counted here, selected or not: the
    /// denominator of 职工入会率 (the same as `employees_in_covered_units` without a filter on
    /// units; with one, a joint union's members come from all its units).
    pub employees_of_counted_unions: i64,
    /// 职工入会率: members / `employees_of_counted_unions`.
    pub membership_rate: Option<f64>,
    pub women_members: i64,
    pub migrant_members: i64,
    pub dispatched_members: i64,
    /// 八大群体 (new-employment groups)
    pub new_employment_members: i64,
    /// Grassroots unions founded in the period.
    pub new_grassroots: i64,
    /// Members who joined in the period (and hold their membership in the subtree on `as_of`).
    pub new_members: i64,
    /// Region prefix whose units without a union count here (None: covered units only).
    pub directory_region: Option<String>,
}

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| ((num as f64 / den as f64) * 10_000.0).round() / 10_000.0)
}

/// Members by the year they joined, and the running total (members on the date asked who
/// joined in or before that year).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearCount {
    pub year: i64,
    pub joined: i64,
    pub total: i64,
}

/// The lists behind the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsListKind {
    Grassroots,
    NonPublicGrassroots,
    NewGrassroots,
    DirectoryUnits,
    CoveredUnits,
    UncoveredUnits,
    Members,
    WomenMembers,
    MigrantMembers,
    DispatchedMembers,
    NewEmploymentMembers,
    NewMembers,
}

impl StatsListKind {
    pub const ALL: [StatsListKind; 12] = [
        StatsListKind::Grassroots,
        StatsListKind::NonPublicGrassroots,
        StatsListKind::NewGrassroots,
        StatsListKind::DirectoryUnits,
        StatsListKind::CoveredUnits,
        StatsListKind::UncoveredUnits,
        StatsListKind::Members,
        StatsListKind::WomenMembers,
        StatsListKind::MigrantMembers,
        StatsListKind::DispatchedMembers,
        StatsListKind::NewEmploymentMembers,
        StatsListKind::NewMembers,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatsListKind::Grassroots => "grassroots",
            StatsListKind::NonPublicGrassroots => "non_public_grassroots",
            StatsListKind::NewGrassroots => "new_grassroots",
            StatsListKind::DirectoryUnits => "directory_units",
            StatsListKind::CoveredUnits => "covered_units",
            StatsListKind::UncoveredUnits => "uncovered_units",
            StatsListKind::Members => "members",
            StatsListKind::WomenMembers => "women_members",
            StatsListKind::MigrantMembers => "migrant_members",
            StatsListKind::DispatchedMembers => "dispatched_members",
            StatsListKind::NewEmploymentMembers => "new_employment_members",
            StatsListKind::NewMembers => "new_members",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatsListKind::Grassroots => "基层工会",
            StatsListKind::NonPublicGrassroots => "非公企业工会",
            StatsListKind::NewGrassroots => "新建基层工会",
            StatsListKind::DirectoryUnits => "名录内单位",
            StatsListKind::CoveredUnits => "已建会单位",
            StatsListKind::UncoveredUnits => "未建会单位",
            StatsListKind::Members => "会员",
            StatsListKind::WomenMembers => "女会员",
            StatsListKind::MigrantMembers => "农民工会员",
            StatsListKind::DispatchedMembers => "劳务派遣工会员",
            StatsListKind::NewEmploymentMembers => "八大群体会员",
            StatsListKind::NewMembers => "新入会会员",
        }
    }

    pub fn from_code(code: &str) -> Option<StatsListKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    fn is_orgs(self) -> bool {
        matches!(
            self,
            StatsListKind::Grassroots
                | StatsListKind::NonPublicGrassroots
                | StatsListKind::NewGrassroots
        )
    }

    fn is_units(self) -> bool {
        matches!(
            self,
            StatsListKind::DirectoryUnits
                | StatsListKind::CoveredUnits
                | StatsListKind::UncoveredUnits
        )
    }
}

/// A union in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgLine {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub sub_kind: Option<String>,
    pub region_code: Option<String>,
    pub founded_on: Option<NaiveDate>,
    /// Current materialized path (for the viewer's scope check).
    pub path: String,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub parent_path: Option<String>,
}

impl OrgLine {
    pub fn kind_label(&self) -> &'static str {
        self.sub_kind
            .as_deref()
            .and_then(GrassrootsKind::from_code)
            .map(|g| g.label())
            .or(OrgKind::from_code(&self.kind).map(|k| k.label()))
            .unwrap_or("")
    }
}

/// A unit in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UnitLine {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub ownership: String,
    pub employees: i64,
    pub women_employees: i64,
    pub above_scale: bool,
    pub park: Option<String>,
    pub covering_org_id: Option<i64>,
    pub covering_org_name: Option<String>,
    pub covering_org_path: Option<String>,
}

impl UnitLine {
    pub fn ownership_label(&self) -> &'static str {
        Ownership::from_code(&self.ownership)
            .map(|o| o.label())
            .unwrap_or("")
    }
}

/// A member in a list; the ID number is masked.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct MemberLine {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub sex: String,
    pub join_date: NaiveDate,
    pub migrant_worker: bool,
    pub dispatched_worker: bool,
    pub new_employment_group: Option<String>,
    pub org_id: i64,
    pub org_name: String,
    /// Current path of that union (for the viewer's scope check).
    pub org_path: String,
}

impl MemberLine {
    pub fn sex_label(&self) -> &'static str {
        gonghui_domain::Sex::from_code(&self.sex)
            .map(|s| s.label())
            .unwrap_or("")
    }

    pub fn group_label(&self) -> &'static str {
        self.new_employment_group
            .as_deref()
            .and_then(gonghui_domain::NewEmploymentGroup::from_code)
            .map(|g| g.label())
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", content = "rows", rename_all = "snake_case")]
pub enum StatsRows {
    Orgs(Vec<OrgLine>),
    Units(Vec<UnitLine>),
    Members(Vec<MemberLine>),
}

/// One page of the records behind a number.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatsList {
    pub kind: String,
    pub label: String,
    pub total: i64,
    pub offset: u64,
    pub rows: StatsRows,
}

/// A unit of the 逐一摸底 worklist, with its latest survey.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct WorklistRow {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_code: String,
    pub industry_code: Option<String>,
    pub ownership: String,
    pub employees: i64,
    pub women_employees: i64,
    pub above_scale: bool,
    pub dispatch_agency: bool,
    pub park: Option<String>,
    pub surveyed_on: Option<NaiveDate>,
    pub reason: Option<String>,
    pub surveys: i64,
}

impl WorklistRow {
    pub fn ownership_label(&self) -> &'static str {
        Ownership::from_code(&self.ownership)
            .map(|o| o.label())
            .unwrap_or("")
    }

    pub fn reason_label(&self) -> &'static str {
        self.reason
            .as_deref()
            .and_then(NoUnionReason::from_code)
            .map(|r| r.label())
            .unwrap_or("")
    }
}

/// The 逐一摸底 worklist of an org: units without a union in its region.
#[derive(Debug, Clone, Serialize)]
pub struct Worklist {
    /// The region prefix listed (None: the org has no region of its own).
    pub region: Option<String>,
    /// True when the org shares its region code with an area-level union above it, which
    /// counts these units in its statistics.
    pub shared: bool,
    pub total: i64,
    pub surveyed: i64,
    pub employees: i64,
    pub rows: Vec<WorklistRow>,
}

/// Whether a worklist shows surveyed units, units not yet surveyed, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SurveyedFilter {
    #[default]
    Any,
    Surveyed,
    NotSurveyed,
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// `alias.column`
fn c(alias: &str, column: impl IntoIden) -> Expr {
    Expr::col((a(alias), column))
}

/// The tree a question is asked about.
enum Tree {
    /// Today: the current materialized paths.
    Current { path: String },
    /// A past date: the tree of that date, rebuilt from the affiliation history.
    AsOf { org: i64, date: NaiveDate },
}

/// `alias` (a history row) was in force on `date`: from ≤ date < to.
fn valid_at(alias: &str, date: NaiveDate) -> Expr {
    c(alias, a("valid_from")).lte(date).and(
        c(alias, a("valid_to"))
            .is_null()
            .or(c(alias, a("valid_to")).gt(date)),
    )
}

/// `WITH RECURSIVE sub(id, top)`: the org and everything under it on `date`, each with the
/// child of the org it hangs under (`top`; the org itself for the org).
fn tree_cte(org: i64, date: NaiveDate) -> WithClause {
    let mut base = Query::select()
        .expr(Expr::cust(format!("CAST({org} AS BIGINT)")))
        .expr(Expr::cust(format!("CAST({org} AS BIGINT)")))
        .to_owned();
    let step = Query::select()
        .expr(c("aff", OrgAffiliations::OrgId))
        .expr(Expr::cust(format!(
            "CASE WHEN sub.id = {org} THEN aff.org_id ELSE sub.top END"
        )))
        .from_as(OrgAffiliations::Table, a("aff"))
        .inner_join(
            a("sub"),
            Expr::col((a("sub"), a("id"))).equals((a("aff"), OrgAffiliations::ParentId)),
        )
        .and_where(valid_at("aff", date))
        .to_owned();
    base.union(UnionType::All, step);
    let cte = CommonTableExpression::new()
        .table_name(a("sub"))
        .columns([a("id"), a("top")])
        .query(base)
        .to_owned();
    WithClause::new().recursive(true).cte(cte).to_owned()
}

/// Run a select in the context of a tree (wrapped in the recursive CTE for a past date).
async fn run<T: Record>(tx: &mut Tx, tree: &Tree, q: SelectStatement) -> Result<Vec<T>> {
    match tree {
        Tree::Current { .. } => tx.all(&q).await,
        Tree::AsOf { org, date } => tx.all(&tree_cte(*org, *date).query(q)).await,
    }
}

async fn run_one<T: Record>(tx: &mut Tx, tree: &Tree, q: SelectStatement) -> Result<T> {
    run::<T>(tx, tree, q)
        .await?
        .into_iter()
        .next()
        .ok_or(Error::NotFound("记录"))
}

/// Join the org held in `alias.column` to the tree: `o` is the org row; for a past date `s` is
/// its row in `sub`.
fn join_tree(q: &mut SelectStatement, tree: &Tree, alias: &str, column: impl IntoIden + Copy) {
    q.join_as(
        JoinType::InnerJoin,
        Orgs::Table,
        a("o"),
        c("o", Orgs::Id).equals((a(alias), column)),
    );
    match tree {
        Tree::Current { path } => {
            q.and_where(in_subtree(c("o", Orgs::Path), path));
        }
        Tree::AsOf { .. } => {
            // `IN (SELECT id FROM sub)` rather than a join: the planner then walks the small
            // tree and looks rows up by their org index instead of scanning the history table.
            q.and_where(
                Expr::col((a(alias), column))
                    .in_subquery(Query::select().column(a("id")).from(a("sub")).to_owned()),
            );
        }
    }
}

/// The unit filters on the units row `alias`.
fn unit_cond(f: &StatsFilter, alias: &str) -> Cond {
    let mut cond = Cond::all();
    if let Some(o) = f.ownership {
        cond = cond.add(c(alias, Units::Ownership).is_in(o.codes()));
    }
    if let Some(n) = f.min_employees {
        cond = cond.add(c(alias, Units::Employees).gte(n));
    }
    if f.above_scale {
        cond = cond.add(c(alias, Units::AboveScale).eq(true));
    }
    if let Some(p) = &f.park {
        cond = cond.add(c(alias, Units::Park).eq(p.as_str()));
    }
    if let Some(r) = &f.region {
        cond = cond.add(c(alias, Units::RegionCode).like(LikeExpr::new(format!("{r}%"))));
    }
    if let Some(i) = &f.industry {
        cond = cond.add(c(alias, Units::IndustryCode).is_in(industry_codes_in(i)));
    }
    cond
}

/// The org `o` (a grassroots union) holds at least one selected unit on the tree's date, and
/// is of the selected kind.
fn org_matches(q: &mut SelectStatement, tree: &Tree, f: &StatsFilter, extra: Option<Cond>) {
    if let Some(k) = f.grassroots_kind {
        q.and_where(c("o", Orgs::SubKind).eq(k.code()));
    }
    if !f.on_units() && extra.is_none() {
        return;
    }
    let mut cond = unit_cond(f, "u2");
    if let Some(e) = extra {
        cond = cond.add(e);
    }
    let sub = match tree {
        Tree::Current { .. } => Query::select()
            .expr(Expr::cust("1"))
            .from_as(Units::Table, a("u2"))
            .and_where(c("u2", Units::CoveringOrgId).equals((a("o"), Orgs::Id)))
            .cond_where(cond)
            .to_owned(),
        Tree::AsOf { date, .. } => Query::select()
            .expr(Expr::cust("1"))
            .from_as(UnitCoverages::Table, a("c2"))
            .join_as(
                JoinType::InnerJoin,
                Units::Table,
                a("u2"),
                c("u2", Units::Id).equals((a("c2"), UnitCoverages::UnitId)),
            )
            .and_where(c("c2", UnitCoverages::OrgId).equals((a("o"), Orgs::Id)))
            .and_where(valid_at("c2", *date))
            .cond_where(cond)
            .to_owned(),
    };
    q.and_where(Expr::exists(sub));
}

fn non_public_cond(alias: &str) -> Cond {
    Cond::all().add(Expr::cust(format!(
        "{alias}.ownership IN ({})",
        non_public_codes()
    )))
}

/// Units without a union on the tree's date, in the region `prefix`, selected by the filters
/// (the grassroots-kind filter does not apply to them).
fn uncovered_units(q: &mut SelectStatement, tree: &Tree, f: &StatsFilter, prefix: &str) {
    q.from_as(Units::Table, a("u"))
        .and_where(c("u", Units::Status).eq("active"))
        .and_where(c("u", Units::RegionCode).like(LikeExpr::new(format!("{prefix}%"))))
        .cond_where(unit_cond(f, "u"));
    match tree {
        Tree::Current { .. } => {
            q.and_where(c("u", Units::CoveringOrgId).is_null());
        }
        Tree::AsOf { date, .. } => {
            q.and_where(Expr::not_exists(
                Query::select()
                    .expr(Expr::cust("1"))
                    .from_as(UnitCoverages::Table, a("c3"))
                    .and_where(c("c3", UnitCoverages::UnitId).equals((a("u"), Units::Id)))
                    .and_where(valid_at("c3", *date))
                    .to_owned(),
            ));
        }
    }
}

/// The directory region of `org` (see [`directory_prefix`]), from its current ancestors.
async fn directory_of(tx: &mut Tx, org: &Org) -> Result<Option<String>> {
    if !gonghui_domain::is_area_level(org.kind) || org.region_code.is_none() {
        return Ok(None);
    }
    let above: Vec<i64> = org.lineage().into_iter().filter(|i| *i != org.id).collect();
    let rows: Vec<(String, Option<String>)> = tx
        .all(
            &Query::select()
                .columns([Orgs::Kind, Orgs::RegionCode])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Id).is_in(above))
                .to_owned(),
        )
        .await?;
    let above: Vec<(OrgKind, Option<&str>)> = rows
        .iter()
        .filter_map(|(k, r)| OrgKind::from_code(k).map(|k| (k, r.as_deref())))
        .collect();
    Ok(directory_prefix(
        org.kind,
        org.region_code.as_deref(),
        &above,
    ))
}

/// Whether the account may see the units without a union of region `prefix`.
fn sees_directory(vis: &Visibility, prefix: &str) -> bool {
    match vis {
        Visibility::All => true,
        Visibility::Within { unit_regions, .. } => {
            unit_regions.iter().any(|r| prefix.starts_with(r.as_str()))
        }
    }
}

fn check_visible(vis: &Visibility, org: &Org) -> Result<()> {
    match vis {
        Visibility::All => Ok(()),
        Visibility::Within { subtrees, .. } => {
            if subtrees.iter().any(|p| org.path.starts_with(p.as_str())) {
                Ok(())
            } else {
                Err(Error::Forbidden)
            }
        }
    }
}

/// The resolved question: date, period, and how it is answered.
struct Asked {
    as_of: NaiveDate,
    period: Period,
    /// A past date (history tables) rather than today.
    past: bool,
}

fn resolve(q: &StatsQuery) -> Result<Asked> {
    let today = today();
    let as_of = q.as_of.unwrap_or(today);
    check_as_of(as_of, today).map_err(Error::field("as_of"))?;
    let period = q
        .period
        .unwrap_or_else(|| Period::year(chrono::Datelike::year(&as_of)));
    Ok(Asked {
        as_of,
        period,
        past: as_of < today,
    })
}

/// Whether `org` was in the tree on `date` (the root always is; any other org has an
/// affiliation in force then).
async fn existed_on(tx: &mut Tx, org: &Org, date: NaiveDate) -> Result<bool> {
    let any: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(OrgAffiliations::Id)
                .from_as(OrgAffiliations::Table, a("aff"))
                .and_where(c("aff", OrgAffiliations::OrgId).eq(org.id))
                .to_owned(),
        )
        .await?;
    if any.is_empty() {
        return Ok(org.parent_id.is_none());
    }
    let now: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(OrgAffiliations::Id)
                .from_as(OrgAffiliations::Table, a("aff"))
                .and_where(c("aff", OrgAffiliations::OrgId).eq(org.id))
                .and_where(valid_at("aff", date))
                .to_owned(),
        )
        .await?;
    Ok(!now.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------

/// Counts of one part of a subtree (the org itself, or one child's subtree).
#[derive(Debug, Default, Clone)]
struct Part {
    c: Counts,
    /// Employees of all units of the counted unions (None: the same as the covered units').
    union_employees: Option<i64>,
    new_grassroots: i64,
    new_members: i64,
    uncovered: i64,
    uncovered_employees: i64,
}

#[derive(sqlx::FromRow)]
struct TreeOrg {
    id: i64,
    kind: String,
    sub_kind: Option<String>,
    status: String,
    founded_on: Option<NaiveDate>,
    path: String,
    top: i64,
}

/// A table of records held by an org (units covered, members) and its history table.
/// `id` is the record's own id in the first, and the record reference in the second.
struct Held<T, C, I> {
    table: T,
    alias: &'static str,
    org: C,
    id: I,
}

/// Rows of `base` grouped by the org holding them: today from the record's own column, or
/// as of a date from the history periods valid that day (joined back to the record, which
/// keeps the alias of `base` for the aggregate expressions).
fn grouped_by_holder<T1, C1, I1, T2, C2, I2>(
    tree: &Tree,
    base: Held<T1, C1, I1>,
    history: Held<T2, C2, I2>,
) -> SelectStatement
where
    T1: IntoIden + Copy,
    C1: IntoIden + Copy,
    I1: IntoIden + Copy,
    T2: IntoIden + Copy,
    C2: IntoIden + Copy,
    I2: IntoIden + Copy,
{
    let mut q = Query::select();
    match tree {
        Tree::Current { .. } => {
            q.expr(c(base.alias, base.org))
                .from_as(base.table, a(base.alias));
            join_tree(&mut q, tree, base.alias, base.org);
            q.add_group_by([c(base.alias, base.org)]);
        }
        Tree::AsOf { date, .. } => {
            q.expr(c(history.alias, history.org))
                .from_as(history.table, a(history.alias))
                .join_as(
                    JoinType::InnerJoin,
                    base.table,
                    a(base.alias),
                    c(base.alias, base.id).equals((a(history.alias), history.id)),
                )
                .and_where(valid_at(history.alias, *date));
            join_tree(&mut q, tree, history.alias, history.org);
            q.add_group_by([c(history.alias, history.org)]);
        }
    }
    q
}

/// Per covering union: (units, employees, women employees, 非公 units), of the units selected
/// by `f` (all units when `None`), on the tree's date.
async fn unit_totals(
    tx: &mut Tx,
    tree: &Tree,
    f: Option<&StatsFilter>,
) -> Result<HashMap<i64, (i64, i64, i64, i64)>> {
    let mut q = grouped_by_holder(
        tree,
        Held {
            table: Units::Table,
            alias: "u",
            org: Units::CoveringOrgId,
            id: Units::Id,
        },
        Held {
            table: UnitCoverages::Table,
            alias: "cv",
            org: UnitCoverages::OrgId,
            id: UnitCoverages::UnitId,
        },
    );
    q.expr(big("COUNT(*)"))
        .expr(big("COALESCE(SUM(u.employees), 0)"))
        .expr(big("COALESCE(SUM(u.women_employees), 0)"))
        .expr(big(&format!(
            "SUM(CASE WHEN u.ownership IN ({}) THEN 1 ELSE 0 END)",
            non_public_codes()
        )));
    if let Some(f) = f {
        q.cond_where(unit_cond(f, "u"));
    }
    let rows: Vec<(i64, i64, i64, i64, i64)> = run(tx, tree, q).await?;
    Ok(rows
        .into_iter()
        .map(|(o, n, e, w, np)| (o, (n, e, w, np)))
        .collect())
}

/// Counts of the subtree of `org` from the base tables, per child (and the org itself under
/// its own id), with the filters applied.
async fn computed(
    tx: &mut Tx,
    org: &Org,
    tree: &Tree,
    f: &StatsFilter,
    period: Period,
) -> Result<BTreeMap<i64, Part>> {
    // The orgs of the subtree and the child each hangs under.
    let mut q = Query::select()
        .columns([
            (a("o"), Orgs::Id),
            (a("o"), Orgs::Kind),
            (a("o"), Orgs::SubKind),
            (a("o"), Orgs::Status),
            (a("o"), Orgs::FoundedOn),
            (a("o"), Orgs::Path),
        ])
        .to_owned();
    match tree {
        Tree::Current { path } => {
            q.expr_as(Expr::cust("CAST(0 AS BIGINT)"), "top")
                .from_as(Orgs::Table, a("o"))
                .and_where(in_subtree(c("o", Orgs::Path), path));
        }
        Tree::AsOf { .. } => {
            q.expr_as(Expr::col((a("s"), a("top"))), "top")
                .from_as(a("sub"), a("s"))
                .join_as(
                    JoinType::InnerJoin,
                    Orgs::Table,
                    a("o"),
                    c("o", Orgs::Id).equals((a("s"), a("id"))),
                );
        }
    }
    let mut orgs: Vec<TreeOrg> = run(tx, tree, q).await?;
    let depth = org.path.len();
    for o in &mut orgs {
        if let Tree::Current { .. } = tree {
            o.top = o.path[depth..]
                .split('/')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(org.id);
        }
    }
    let top_of: HashMap<i64, i64> = orgs.iter().map(|o| (o.id, o.top)).collect();

    // Selected units per covering union (and, with a filter on units, all their units).
    let units = unit_totals(tx, tree, Some(f)).await?;
    let all_units = if f.on_units() {
        Some(unit_totals(tx, tree, None).await?)
    } else {
        None
    };

    // Members per union.
    let in_period = format!(
        "SUM(CASE WHEN m.join_date >= '{}' AND m.join_date <= '{}' THEN 1 ELSE 0 END)",
        period.from, period.to
    );
    let mut q = grouped_by_holder(
        tree,
        Held {
            table: Members::Table,
            alias: "m",
            org: Members::OrgId,
            id: Members::Id,
        },
        Held {
            table: Memberships::Table,
            alias: "ms",
            org: Memberships::OrgId,
            id: Memberships::MemberId,
        },
    );
    q.expr(big("COUNT(*)"))
        .expr(big("SUM(CASE WHEN m.sex = 'female' THEN 1 ELSE 0 END)"))
        .expr(big("SUM(CASE WHEN m.migrant_worker THEN 1 ELSE 0 END)"))
        .expr(big("SUM(CASE WHEN m.dispatched_worker THEN 1 ELSE 0 END)"))
        .expr(big(
            "SUM(CASE WHEN m.new_employment_group IS NOT NULL THEN 1 ELSE 0 END)",
        ))
        .expr(big(&in_period));
    type MemberAgg = (i64, i64, i64, i64, i64, i64, i64);
    let members: Vec<MemberAgg> = run(tx, tree, q).await?;

    let past = matches!(tree, Tree::AsOf { .. });
    let mut parts: BTreeMap<i64, Part> = BTreeMap::new();
    // Which unions count under the filters.
    let mut matching: HashMap<i64, bool> = HashMap::new();
    for o in &orgs {
        let kind_ok = match f.grassroots_kind {
            Some(k) => o.sub_kind.as_deref() == Some(k.code()),
            None => true,
        };
        let units_ok = !f.on_units() || units.get(&o.id).is_some_and(|u| u.0 > 0);
        matching.insert(o.id, kind_ok && units_ok);
        let part = parts.entry(o.top).or_default();
        let active = past || o.status == crate::orgs::ACTIVE;
        if active && f.is_empty() {
            part.c[F::Orgs] += 1;
        }
        if active && o.kind == OrgKind::Grassroots.code() && kind_ok && units_ok {
            part.c[F::Grassroots] += 1;
            if let Some(k) = o.sub_kind.as_deref().and_then(GrassrootsKind::from_code) {
                part.c[F::of_kind(k)] += 1;
            }
            if units.get(&o.id).is_some_and(|u| u.3 > 0) {
                part.c[F::GNonPublic] += 1;
            }
            if o.founded_on
                .is_some_and(|d| d >= period.from && d <= period.to)
            {
                part.new_grassroots += 1;
            }
        }
    }
    if !f.is_empty() {
        // With filters, “orgs” counts the unions that match (areas and federations have none).
        for p in parts.values_mut() {
            p.c[F::Orgs] = p.c[F::Grassroots];
        }
    }
    for (org_id, (n, e, w, _)) in &units {
        if !matching.get(org_id).copied().unwrap_or(false) {
            continue;
        }
        let Some(top) = top_of.get(org_id) else {
            continue;
        };
        let p = parts.entry(*top).or_default();
        p.c[F::CoveredUnits] += n;
        p.c[F::Employees] += e;
        p.c[F::WomenEmployees] += w;
        if let Some(all) = &all_units {
            *p.union_employees.get_or_insert(0) += all.get(org_id).map(|u| u.1).unwrap_or(0);
        }
    }
    for (org_id, n, women, migrant, dispatched, new_emp, new_members) in members {
        if !matching.get(&org_id).copied().unwrap_or(false) {
            continue;
        }
        let Some(top) = top_of.get(&org_id) else {
            continue;
        };
        let p = parts.entry(*top).or_default();
        p.c[F::Members] += n;
        p.c[F::WomenMembers] += women;
        p.c[F::MigrantMembers] += migrant;
        p.c[F::DispatchedMembers] += dispatched;
        p.c[F::NewEmploymentMembers] += new_emp;
        p.new_members += new_members;
    }
    Ok(parts)
}

/// Units without a union in `prefix` on the tree's date, selected by the filters.
async fn uncovered_computed(
    tx: &mut Tx,
    tree: &Tree,
    f: &StatsFilter,
    prefix: &str,
) -> Result<(i64, i64)> {
    let mut q = Query::select()
        .expr(big("COUNT(*)"))
        .expr(big("COALESCE(SUM(u.employees), 0)"))
        .to_owned();
    uncovered_units(&mut q, tree, f, prefix);
    // No org is joined: the tree's CTE is not needed.
    tx.one(&q).await
}

/// Units without a union in `prefix` today, from the maintained per-region counts.
async fn uncovered_live(tx: &mut Tx, prefix: &str) -> Result<(i64, i64)> {
    tx.one(
        &Query::select()
            .expr(big("COALESCE(SUM(uncovered_units), 0)"))
            .expr(big("COALESCE(SUM(uncovered_employees), 0)"))
            .from(RegionUnitCounts::Table)
            .and_where(
                Expr::col(RegionUnitCounts::RegionCode).like(LikeExpr::new(format!("{prefix}%"))),
            )
            .to_owned(),
    )
    .await
}

async fn uncovered_for(
    tx: &mut Tx,
    live: bool,
    tree: &Tree,
    f: &StatsFilter,
    prefix: &str,
) -> Result<(i64, i64)> {
    if live {
        uncovered_live(tx, prefix).await
    } else {
        uncovered_computed(tx, tree, f, prefix).await
    }
}

/// Sub (subtree) counts of some orgs, from the maintained table.
async fn live_counts(tx: &mut Tx, ids: &[i64]) -> Result<HashMap<i64, Counts>> {
    counts::stored(tx, ids, true).await
}

/// (joined, founded) in the years `first..=last` of some orgs' subtrees, maintained.
async fn live_years(
    tx: &mut Tx,
    ids: &[i64],
    first: i32,
    last: i32,
) -> Result<HashMap<i64, (i64, i64)>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64, i64)> = tx
            .all(
                &Query::select()
                    .column(OrgYearCounts::OrgId)
                    .expr(big("COALESCE(SUM(sub_joined), 0)"))
                    .expr(big("COALESCE(SUM(sub_founded), 0)"))
                    .from(OrgYearCounts::Table)
                    .and_where(Expr::col(OrgYearCounts::OrgId).is_in(chunk.iter().copied()))
                    .and_where(Expr::col(OrgYearCounts::Year).gte(first as i64))
                    .and_where(Expr::col(OrgYearCounts::Year).lte(last as i64))
                    .group_by_col(OrgYearCounts::OrgId)
                    .to_owned(),
            )
            .await?;
        out.extend(rows.into_iter().map(|(o, j, f)| (o, (j, f))));
    }
    Ok(out)
}

/// New grassroots unions and new members of a period that is not whole calendar years, today.
async fn new_in_period(tx: &mut Tx, org: &Org, period: Period) -> Result<(i64, i64)> {
    let unions = tx
        .scalar(
            &Query::select()
                .expr(big("COUNT(*)"))
                .from_as(Orgs::Table, a("o"))
                .and_where(in_subtree(c("o", Orgs::Path), &org.path))
                .and_where(c("o", Orgs::Status).eq(crate::orgs::ACTIVE))
                .and_where(c("o", Orgs::Kind).eq(OrgKind::Grassroots.code()))
                .and_where(c("o", Orgs::FoundedOn).gte(period.from))
                .and_where(c("o", Orgs::FoundedOn).lte(period.to))
                .to_owned(),
        )
        .await?;
    let mut q = Query::select()
        .expr(big("COUNT(*)"))
        .from_as(Members::Table, a("m"))
        .and_where(c("m", Members::JoinDate).gte(period.from))
        .and_where(c("m", Members::JoinDate).lte(period.to))
        .to_owned();
    join_tree(
        &mut q,
        &Tree::Current {
            path: org.path.clone(),
        },
        "m",
        Members::OrgId,
    );
    let members = tx.scalar(&q).await?;
    Ok((unions, members))
}

fn stats_of(
    org_id: i64,
    org_name: &str,
    asked: &Asked,
    live: bool,
    part: &Part,
    directory_region: Option<String>,
) -> Stats {
    let c = &part.c;
    let union_employees = part.union_employees.unwrap_or(c[F::Employees]);
    let covered = c[F::CoveredUnits];
    let directory = covered + part.uncovered;
    let kinds = GrassrootsKind::ALL
        .iter()
        .map(|k| KindCount {
            kind: k.code().into(),
            label: k.label().into(),
            count: c[F::of_kind(*k)],
        })
        .collect();
    Stats {
        org_id,
        org_name: org_name.to_owned(),
        as_of: asked.as_of,
        period_from: asked.period.from,
        period_to: asked.period.to,
        live,
        existed: true,
        orgs: c[F::Orgs],
        grassroots: c[F::Grassroots],
        grassroots_by_kind: kinds,
        non_public_grassroots: c[F::GNonPublic],
        directory_units: directory,
        covered_units: covered,
        uncovered_units: part.uncovered,
        unionization_rate: ratio(covered, directory),
        employees_in_covered_units: c[F::Employees],
        women_employees_in_covered_units: c[F::WomenEmployees],
        employees_in_uncovered_units: part.uncovered_employees,
        employees_of_counted_unions: union_employees,
        members: c[F::Members],
        membership_rate: ratio(c[F::Members], union_employees),
        women_members: c[F::WomenMembers],
        migrant_members: c[F::MigrantMembers],
        dispatched_members: c[F::DispatchedMembers],
        new_employment_members: c[F::NewEmploymentMembers],
        new_grassroots: part.new_grassroots,
        new_members: part.new_members,
        directory_region,
    }
}

/// An org's own stats and its children's, answered the fastest way the question allows.
async fn answer(
    tx: &mut Tx,
    org: &Org,
    q: &StatsQuery,
    vis: &Visibility,
    with_children: bool,
) -> Result<(Stats, Vec<Stats>)> {
    check_visible(vis, org)?;
    let asked = resolve(q)?;
    let prefix = directory_of(tx, org)
        .await?
        .filter(|p| sees_directory(vis, p));
    let f = &q.filter;

    if asked.past && !existed_on(tx, org, asked.as_of).await? {
        let mut s = stats_of(org.id, &org.name, &asked, false, &Part::default(), None);
        s.existed = false;
        return Ok((s, vec![]));
    }

    // The children, with their own directory regions (their ancestors: the org's lineage).
    let children: Vec<(i64, String, String, Option<String>)> = if with_children {
        let mut q = Query::select()
            .columns([
                (a("o"), Orgs::Id),
                (a("o"), Orgs::Name),
                (a("o"), Orgs::Kind),
                (a("o"), Orgs::RegionCode),
            ])
            .from_as(Orgs::Table, a("o"))
            .to_owned();
        if asked.past {
            q.join_as(
                JoinType::InnerJoin,
                OrgAffiliations::Table,
                a("aff"),
                c("aff", OrgAffiliations::OrgId).equals((a("o"), Orgs::Id)),
            )
            .and_where(c("aff", OrgAffiliations::ParentId).eq(org.id))
            .and_where(valid_at("aff", asked.as_of));
        } else {
            q.and_where(c("o", Orgs::ParentId).eq(org.id))
                .and_where(c("o", Orgs::Status).eq(crate::orgs::ACTIVE));
        }
        q.order_by((a("o"), Orgs::NamePinyin), Order::Asc);
        tx.all(&q).await?
    } else {
        vec![]
    };
    let mut above: Vec<(OrgKind, Option<String>)> = vec![];
    if !children.is_empty() {
        let rows: Vec<(String, Option<String>)> = tx
            .all(
                &Query::select()
                    .columns([Orgs::Kind, Orgs::RegionCode])
                    .from(Orgs::Table)
                    .and_where(Expr::col(Orgs::Id).is_in(org.lineage()))
                    .to_owned(),
            )
            .await?;
        above = rows
            .into_iter()
            .filter_map(|(k, r)| OrgKind::from_code(&k).map(|k| (k, r)))
            .collect();
    }
    let above_ref: Vec<(OrgKind, Option<&str>)> =
        above.iter().map(|(k, r)| (*k, r.as_deref())).collect();
    let child_prefix = |kind: &str, region: &Option<String>| -> Option<String> {
        let kind = OrgKind::from_code(kind)?;
        directory_prefix(kind, region.as_deref(), &above_ref).filter(|p| sees_directory(vis, p))
    };

    let live = !asked.past && f.is_empty() && !q.force_computed;
    let mut parts: BTreeMap<i64, Part> = BTreeMap::new();
    let mut total = Part::default();
    if live {
        let mut ids: Vec<i64> = children.iter().map(|c| c.0).collect();
        ids.push(org.id);
        let mut subs = live_counts(tx, &ids).await?;
        let news = match asked.period.whole_years() {
            Some((first, last)) => Some(live_years(tx, &ids, first, last).await?),
            None => None,
        };
        for id in &ids {
            let mut p = Part {
                c: subs.remove(id).unwrap_or_default(),
                ..Part::default()
            };
            if let Some(n) = &news {
                let (j, fo) = n.get(id).copied().unwrap_or_default();
                p.new_members = j;
                p.new_grassroots = fo;
            }
            if *id == org.id {
                total = p;
            } else {
                parts.insert(*id, p);
            }
        }
        if news.is_none() {
            let (u, m) = new_in_period(tx, org, asked.period).await?;
            total.new_grassroots = u;
            total.new_members = m;
            for (id, _, _, _) in &children {
                let child = load(tx, *id).await?;
                let (u, m) = new_in_period(tx, &child, asked.period).await?;
                let p = parts.entry(*id).or_default();
                p.new_grassroots = u;
                p.new_members = m;
            }
        }
    } else {
        let tree = if asked.past {
            Tree::AsOf {
                org: org.id,
                date: asked.as_of,
            }
        } else {
            Tree::Current {
                path: org.path.clone(),
            }
        };
        parts = computed(tx, org, &tree, f, asked.period).await?;
        for p in parts.values() {
            total.c.add(&p.c);
            total.new_grassroots += p.new_grassroots;
            total.new_members += p.new_members;
            if let Some(e) = p.union_employees {
                *total.union_employees.get_or_insert(0) += e;
            }
        }
        if f.on_units() && total.union_employees.is_none() {
            total.union_employees = Some(0);
        }
        if !f.is_empty() {
            total.c[F::Orgs] = total.c[F::Grassroots];
        }
    }

    // Units without a union: the org's own region, and each child's.
    let tree_for_units = if asked.past {
        Tree::AsOf {
            org: org.id,
            date: asked.as_of,
        }
    } else {
        Tree::Current {
            path: org.path.clone(),
        }
    };
    if let Some(p) = &prefix {
        let (n, e) = uncovered_for(tx, live, &tree_for_units, f, p).await?;
        total.uncovered = n;
        total.uncovered_employees = e;
    }
    let stats = stats_of(org.id, &org.name, &asked, live, &total, prefix.clone());
    let mut out = Vec::with_capacity(children.len());
    for (id, name, kind, region) in &children {
        let mut p = parts.remove(id).unwrap_or_default();
        let cp = child_prefix(kind, region);
        if let Some(pfx) = &cp {
            let (n, e) = uncovered_for(tx, live, &tree_for_units, f, pfx).await?;
            p.uncovered = n;
            p.uncovered_employees = e;
        }
        out.push(stats_of(*id, name, &asked, live, &p, cp));
    }
    Ok((stats, out))
}

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

fn org_line_select() -> SelectStatement {
    Query::select()
        .columns([
            (a("o"), Orgs::Id),
            (a("o"), Orgs::Name),
            (a("o"), Orgs::Kind),
            (a("o"), Orgs::SubKind),
            (a("o"), Orgs::RegionCode),
            (a("o"), Orgs::FoundedOn),
            (a("o"), Orgs::Path),
            (a("o"), Orgs::ParentId),
        ])
        .expr_as(c("po", Orgs::Name), "parent_name")
        .expr_as(c("po", Orgs::Path), "parent_path")
        .to_owned()
}

fn unit_line_select() -> SelectStatement {
    Query::select()
        .columns([
            (a("u"), Units::Id),
            (a("u"), Units::Name),
            (a("u"), Units::Uscc),
            (a("u"), Units::RegionCode),
            (a("u"), Units::IndustryCode),
            (a("u"), Units::Ownership),
            (a("u"), Units::Employees),
            (a("u"), Units::WomenEmployees),
            (a("u"), Units::AboveScale),
            (a("u"), Units::Park),
        ])
        .to_owned()
}

/// Add a page window to a list query, or turn it into a count.
enum Shape {
    Count,
    Page { offset: u64, limit: u64 },
}

async fn org_list(
    tx: &mut Tx,
    tree: &Tree,
    kind: StatsListKind,
    f: &StatsFilter,
    period: Period,
    shape: Shape,
) -> Result<(i64, Vec<OrgLine>)> {
    let mut q = match shape {
        Shape::Count => Query::select().expr(big("COUNT(*)")).to_owned(),
        Shape::Page { .. } => org_line_select(),
    };
    match tree {
        Tree::Current { path } => {
            q.from_as(Orgs::Table, a("o"))
                .and_where(in_subtree(c("o", Orgs::Path), path))
                .and_where(c("o", Orgs::Status).eq(crate::orgs::ACTIVE));
        }
        Tree::AsOf { .. } => {
            q.from_as(a("sub"), a("s")).join_as(
                JoinType::InnerJoin,
                Orgs::Table,
                a("o"),
                c("o", Orgs::Id).equals((a("s"), a("id"))),
            );
        }
    }
    q.and_where(c("o", Orgs::Kind).eq(OrgKind::Grassroots.code()));
    let extra = (kind == StatsListKind::NonPublicGrassroots).then(|| non_public_cond("u2"));
    org_matches(&mut q, tree, f, extra);
    if kind == StatsListKind::NewGrassroots {
        q.and_where(c("o", Orgs::FoundedOn).gte(period.from))
            .and_where(c("o", Orgs::FoundedOn).lte(period.to));
    }
    match shape {
        Shape::Count => Ok((run_one::<(i64,)>(tx, tree, q).await?.0, vec![])),
        Shape::Page { offset, limit } => {
            q.join_as(
                JoinType::LeftJoin,
                Orgs::Table,
                a("po"),
                c("po", Orgs::Id).equals((a("o"), Orgs::ParentId)),
            )
            .order_by((a("o"), Orgs::NamePinyin), Order::Asc)
            .order_by((a("o"), Orgs::Id), Order::Asc)
            .limit(limit)
            .offset(offset);
            Ok((0, run(tx, tree, q).await?))
        }
    }
}

async fn covered_list(
    tx: &mut Tx,
    tree: &Tree,
    f: &StatsFilter,
    shape: Shape,
) -> Result<(i64, Vec<UnitLine>)> {
    let mut q = match shape {
        Shape::Count => Query::select().expr(big("COUNT(*)")).to_owned(),
        Shape::Page { .. } => unit_line_select()
            .expr_as(c("o", Orgs::Id), "covering_org_id")
            .expr_as(c("o", Orgs::Name), "covering_org_name")
            .expr_as(c("o", Orgs::Path), "covering_org_path")
            .to_owned(),
    };
    match tree {
        Tree::Current { .. } => {
            q.from_as(Units::Table, a("u"));
            join_tree(&mut q, tree, "u", Units::CoveringOrgId);
        }
        Tree::AsOf { date, .. } => {
            q.from_as(UnitCoverages::Table, a("cv"))
                .join_as(
                    JoinType::InnerJoin,
                    Units::Table,
                    a("u"),
                    c("u", Units::Id).equals((a("cv"), UnitCoverages::UnitId)),
                )
                .and_where(valid_at("cv", *date));
            join_tree(&mut q, tree, "cv", UnitCoverages::OrgId);
        }
    }
    q.cond_where(unit_cond(f, "u"));
    if let Some(k) = f.grassroots_kind {
        q.and_where(c("o", Orgs::SubKind).eq(k.code()));
    }
    match shape {
        Shape::Count => Ok((run_one::<(i64,)>(tx, tree, q).await?.0, vec![])),
        Shape::Page { offset, limit } => {
            q.order_by((a("u"), Units::Employees), Order::Desc)
                .order_by((a("u"), Units::Id), Order::Asc)
                .limit(limit)
                .offset(offset);
            Ok((0, run(tx, tree, q).await?))
        }
    }
}

async fn uncovered_list(
    tx: &mut Tx,
    tree: &Tree,
    f: &StatsFilter,
    prefix: Option<&str>,
    shape: Shape,
) -> Result<(i64, Vec<UnitLine>)> {
    let Some(prefix) = prefix else {
        return Ok((0, vec![]));
    };
    let mut q = match shape {
        Shape::Count => Query::select().expr(big("COUNT(*)")).to_owned(),
        Shape::Page { .. } => unit_line_select()
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), "covering_org_id")
            .expr_as(Expr::cust("CAST(NULL AS TEXT)"), "covering_org_name")
            .expr_as(Expr::cust("CAST(NULL AS TEXT)"), "covering_org_path")
            .to_owned(),
    };
    uncovered_units(&mut q, tree, f, prefix);
    match shape {
        Shape::Count => Ok((tx.one::<(i64,), _>(&q).await?.0, vec![])),
        Shape::Page { offset, limit } => {
            q.order_by((a("u"), Units::Employees), Order::Desc)
                .order_by((a("u"), Units::Id), Order::Asc)
                .limit(limit)
                .offset(offset);
            Ok((0, tx.all(&q).await?))
        }
    }
}

async fn member_list(
    tx: &mut Tx,
    tree: &Tree,
    kind: StatsListKind,
    f: &StatsFilter,
    period: Period,
    shape: Shape,
) -> Result<(i64, Vec<MemberLine>)> {
    let mut q = match shape {
        Shape::Count => Query::select().expr(big("COUNT(*)")).to_owned(),
        Shape::Page { .. } => Query::select()
            .columns([
                (a("m"), Members::Id),
                (a("m"), Members::Name),
                (a("m"), Members::IdNumber),
                (a("m"), Members::Sex),
                (a("m"), Members::JoinDate),
                (a("m"), Members::MigrantWorker),
                (a("m"), Members::DispatchedWorker),
                (a("m"), Members::NewEmploymentGroup),
            ])
            .expr_as(c("o", Orgs::Id), "org_id")
            .expr_as(c("o", Orgs::Name), "org_name")
            .expr_as(c("o", Orgs::Path), "org_path")
            .to_owned(),
    };
    match tree {
        Tree::Current { .. } => {
            q.from_as(Members::Table, a("m"));
            join_tree(&mut q, tree, "m", Members::OrgId);
        }
        Tree::AsOf { date, .. } => {
            q.from_as(Memberships::Table, a("ms"))
                .join_as(
                    JoinType::InnerJoin,
                    Members::Table,
                    a("m"),
                    c("m", Members::Id).equals((a("ms"), Memberships::MemberId)),
                )
                .and_where(valid_at("ms", *date));
            join_tree(&mut q, tree, "ms", Memberships::OrgId);
        }
    }
    org_matches(&mut q, tree, f, None);
    match kind {
        StatsListKind::WomenMembers => {
            q.and_where(c("m", Members::Sex).eq("female"));
        }
        StatsListKind::MigrantMembers => {
            q.and_where(c("m", Members::MigrantWorker).eq(true));
        }
        StatsListKind::DispatchedMembers => {
            q.and_where(c("m", Members::DispatchedWorker).eq(true));
        }
        StatsListKind::NewEmploymentMembers => {
            q.and_where(c("m", Members::NewEmploymentGroup).is_not_null());
        }
        StatsListKind::NewMembers => {
            q.and_where(c("m", Members::JoinDate).gte(period.from))
                .and_where(c("m", Members::JoinDate).lte(period.to));
        }
        _ => {}
    }
    match shape {
        Shape::Count => Ok((run_one::<(i64,)>(tx, tree, q).await?.0, vec![])),
        Shape::Page { offset, limit } => {
            q.order_by((a("o"), Orgs::NamePinyin), Order::Asc)
                .order_by((a("m"), Members::NamePinyin), Order::Asc)
                .order_by((a("m"), Members::Id), Order::Asc)
                .limit(limit)
                .offset(offset);
            let mut rows: Vec<MemberLine> = run(tx, tree, q).await?;
            for r in &mut rows {
                r.id_number = gonghui_domain::IdNumber::parse(&r.id_number)
                    .map(|i| i.masked())
                    .unwrap_or_else(|_| "******".into());
            }
            Ok((0, rows))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

impl Store {
    /// The numbers of `org_id`'s subtree (see the module documentation for their meaning).
    /// Refused with [`Error::Forbidden`] when the org is outside `vis`.
    pub async fn stats(&self, org_id: i64, q: &StatsQuery, vis: &Visibility) -> Result<Stats> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        Ok(answer(&mut tx, &org, q, vis, false).await?.0)
    }

    /// The org's numbers and one row per child (the affiliation children on the date asked).
    pub async fn children_stats(
        &self,
        org_id: i64,
        q: &StatsQuery,
        vis: &Visibility,
    ) -> Result<(Stats, Vec<Stats>)> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        answer(&mut tx, &org, q, vis, true).await
    }

    /// Members of the subtree by the year they joined (for the “members over time” chart).
    pub async fn members_by_year(
        &self,
        org_id: i64,
        q: &StatsQuery,
        vis: &Visibility,
    ) -> Result<Vec<YearCount>> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        check_visible(vis, &org)?;
        let asked = resolve(q)?;
        let rows: Vec<(i64, i64)> = if !asked.past && q.filter.is_empty() && !q.force_computed {
            tx.all(
                &Query::select()
                    .columns([OrgYearCounts::Year, OrgYearCounts::SubJoined])
                    .from(OrgYearCounts::Table)
                    .and_where(Expr::col(OrgYearCounts::OrgId).eq(org.id))
                    .and_where(Expr::col(OrgYearCounts::SubJoined).ne(0))
                    .order_by(OrgYearCounts::Year, Order::Asc)
                    .to_owned(),
            )
            .await?
        } else {
            if asked.past && !existed_on(&mut tx, &org, asked.as_of).await? {
                return Ok(vec![]);
            }
            let tree = if asked.past {
                Tree::AsOf {
                    org: org.id,
                    date: asked.as_of,
                }
            } else {
                Tree::Current {
                    path: org.path.clone(),
                }
            };
            let year = "CAST(substr(CAST(m.join_date AS TEXT), 1, 4) AS BIGINT)";
            let mut sel = Query::select()
                .expr(Expr::cust(year))
                .expr(big("COUNT(*)"))
                .to_owned();
            match &tree {
                Tree::Current { .. } => {
                    sel.from_as(Members::Table, a("m"));
                    join_tree(&mut sel, &tree, "m", Members::OrgId);
                }
                Tree::AsOf { date, .. } => {
                    sel.from_as(Memberships::Table, a("ms"))
                        .join_as(
                            JoinType::InnerJoin,
                            Members::Table,
                            a("m"),
                            c("m", Members::Id).equals((a("ms"), Memberships::MemberId)),
                        )
                        .and_where(valid_at("ms", *date));
                    join_tree(&mut sel, &tree, "ms", Memberships::OrgId);
                }
            }
            org_matches(&mut sel, &tree, &q.filter, None);
            sel.add_group_by([Expr::cust(year)])
                .order_by_expr(Expr::cust(year), Order::Asc);
            run(&mut tx, &tree, sel).await?
        };
        let mut total = 0;
        Ok(rows
            .into_iter()
            .map(|(year, joined)| {
                total += joined;
                YearCount {
                    year,
                    joined,
                    total,
                }
            })
            .collect())
    }

    /// One page of the records behind a number of [`Store::stats`] (same question, same
    /// meaning): unions, units or members (ID numbers masked).
    pub async fn stats_list(
        &self,
        org_id: i64,
        kind: StatsListKind,
        q: &StatsQuery,
        vis: &Visibility,
        offset: u64,
        limit: u64,
    ) -> Result<StatsList> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        check_visible(vis, &org)?;
        let asked = resolve(q)?;
        let empty = |rows: StatsRows| StatsList {
            kind: kind.code().into(),
            label: kind.label().into(),
            total: 0,
            offset,
            rows,
        };
        let nothing = if kind.is_orgs() {
            StatsRows::Orgs(vec![])
        } else if kind.is_units() {
            StatsRows::Units(vec![])
        } else {
            StatsRows::Members(vec![])
        };
        if asked.past && !existed_on(&mut tx, &org, asked.as_of).await? {
            return Ok(empty(nothing));
        }
        let tree = if asked.past {
            Tree::AsOf {
                org: org.id,
                date: asked.as_of,
            }
        } else {
            Tree::Current {
                path: org.path.clone(),
            }
        };
        let f = &q.filter;
        let page = || Shape::Page { offset, limit };
        let (total, rows) = match kind {
            k if k.is_orgs() => {
                let (n, _) = org_list(&mut tx, &tree, k, f, asked.period, Shape::Count).await?;
                let (_, rows) = org_list(&mut tx, &tree, k, f, asked.period, page()).await?;
                (n, StatsRows::Orgs(rows))
            }
            StatsListKind::CoveredUnits => {
                let (n, _) = covered_list(&mut tx, &tree, f, Shape::Count).await?;
                let (_, rows) = covered_list(&mut tx, &tree, f, page()).await?;
                (n, StatsRows::Units(rows))
            }
            StatsListKind::UncoveredUnits | StatsListKind::DirectoryUnits => {
                let prefix = directory_of(&mut tx, &org)
                    .await?
                    .filter(|p| sees_directory(vis, p));
                let (free, _) =
                    uncovered_list(&mut tx, &tree, f, prefix.as_deref(), Shape::Count).await?;
                if kind == StatsListKind::UncoveredUnits {
                    let (_, rows) =
                        uncovered_list(&mut tx, &tree, f, prefix.as_deref(), page()).await?;
                    (free, StatsRows::Units(rows))
                } else {
                    // Covered units first, then those without a union, one window over both.
                    let (covered, _) = covered_list(&mut tx, &tree, f, Shape::Count).await?;
                    let mut rows = vec![];
                    if (offset as i64) < covered {
                        rows = covered_list(&mut tx, &tree, f, page()).await?.1;
                    }
                    let room = limit.saturating_sub(rows.len() as u64);
                    if room > 0 {
                        let skip = std::cmp::max(offset as i64 - covered, 0) as u64;
                        let more = uncovered_list(
                            &mut tx,
                            &tree,
                            f,
                            prefix.as_deref(),
                            Shape::Page {
                                offset: skip,
                                limit: room,
                            },
                        )
                        .await?
                        .1;
                        rows.extend(more);
                    }
                    (covered + free, StatsRows::Units(rows))
                }
            }
            k => {
                let (n, _) = member_list(&mut tx, &tree, k, f, asked.period, Shape::Count).await?;
                let (_, rows) = member_list(&mut tx, &tree, k, f, asked.period, page()).await?;
                (n, StatsRows::Members(rows))
            }
        };
        Ok(StatsList {
            kind: kind.code().into(),
            label: kind.label().into(),
            total,
            offset,
            rows,
        })
    }

    /// The 逐一摸底 worklist of an org: the units without a union in its region that the
    /// account may see, largest first, with their latest 五个清 survey.
    pub async fn worklist(
        &self,
        org_id: i64,
        filter: &StatsFilter,
        surveyed: SurveyedFilter,
        vis: &Visibility,
        offset: u64,
        limit: u64,
    ) -> Result<Worklist> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        check_visible(vis, &org)?;
        let owned = directory_of(&mut tx, &org).await?;
        let shared =
            owned.is_none() && gonghui_domain::is_area_level(org.kind) && org.region_code.is_some();
        let region = owned.or_else(|| {
            shared.then(|| gonghui_domain::region_prefix(org.region_code.as_deref().unwrap_or("")))
        });
        let Some(prefix) = region.clone().filter(|p| sees_directory(vis, p)) else {
            return Ok(Worklist {
                region: None,
                shared: false,
                total: 0,
                surveyed: 0,
                employees: 0,
                rows: vec![],
            });
        };
        let tree = Tree::Current {
            path: org.path.clone(),
        };
        let has_survey = || {
            Query::select()
                .expr(Expr::cust("1"))
                .from_as(UnitSurveys::Table, a("sv"))
                .and_where(c("sv", UnitSurveys::UnitId).equals((a("u"), Units::Id)))
                .to_owned()
        };
        let narrow = |q: &mut SelectStatement| {
            uncovered_units(q, &tree, filter, &prefix);
            match surveyed {
                SurveyedFilter::Any => {}
                SurveyedFilter::Surveyed => {
                    q.and_where(Expr::exists(has_survey()));
                }
                SurveyedFilter::NotSurveyed => {
                    q.and_where(Expr::not_exists(has_survey()));
                }
            }
        };
        let mut count = Query::select()
            .expr(big("COUNT(*)"))
            .expr(big("COALESCE(SUM(u.employees), 0)"))
            .expr(big(
                "SUM(CASE WHEN EXISTS (SELECT 1 FROM unit_surveys sv WHERE sv.unit_id = u.id) THEN 1 ELSE 0 END)",
            ))
            .to_owned();
        narrow(&mut count);
        let (total, employees, done): (i64, i64, Option<i64>) = tx.one(&count).await?;
        let mut q = Query::select()
            .columns([
                (a("u"), Units::Id),
                (a("u"), Units::Name),
                (a("u"), Units::Uscc),
                (a("u"), Units::RegionCode),
                (a("u"), Units::IndustryCode),
                (a("u"), Units::Ownership),
                (a("u"), Units::Employees),
                (a("u"), Units::WomenEmployees),
                (a("u"), Units::AboveScale),
                (a("u"), Units::DispatchAgency),
                (a("u"), Units::Park),
            ])
            .expr_as(
                Expr::cust("(SELECT MAX(sv.surveyed_on) FROM unit_surveys sv WHERE sv.unit_id = u.id)"),
                "surveyed_on",
            )
            .expr_as(
                Expr::cust("(SELECT sv.reason FROM unit_surveys sv WHERE sv.unit_id = u.id ORDER BY sv.surveyed_on DESC, sv.id DESC LIMIT 1)"),
                "reason",
            )
            .expr_as(
                big("(SELECT COUNT(*) FROM unit_surveys sv WHERE sv.unit_id = u.id)"),
                "surveys",
            )
            .to_owned();
        narrow(&mut q);
        q.order_by((a("u"), Units::Employees), Order::Desc)
            .order_by((a("u"), Units::Id), Order::Asc)
            .limit(limit)
            .offset(offset);
        let rows = tx.all(&q).await?;
        Ok(Worklist {
            region,
            shared,
            total,
            surveyed: done.unwrap_or(0),
            employees,
            rows,
        })
    }

    /// Recompute every maintained count from the base tables (after a bulk load outside the
    /// services; an operator's repair). Audited.
    pub async fn rebuild_statistics(&self, actor: &crate::Actor) -> Result<()> {
        let mut tx = self.begin().await?;
        counts::rebuild(&mut tx).await?;
        crate::audit::record::<(), _>(
            &mut tx,
            actor,
            "stats.rebuild",
            crate::Target::new("stats", None, None),
            None,
            None::<&()>,
        )
        .await?;
        tx.commit().await
    }
}

/// For tests: the maintained subtree counts of every org next to the same numbers recomputed
/// from scratch in a rolled-back transaction; any difference is listed.
#[doc(hidden)]
pub async fn check_maintained_counts(store: &Store) -> Result<Vec<String>> {
    let mut tx = store.begin().await?;
    let ids: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(Orgs::Id)
                .from(Orgs::Table)
                .to_owned(),
        )
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|r| r.0).collect();
    let own_before = counts::stored(&mut tx, &ids, false).await?;
    let sub_before = counts::stored(&mut tx, &ids, true).await?;
    let years = |rows: Vec<(i64, i64, i64, i64, i64, i64)>| {
        rows.into_iter()
            .filter(|r| (r.2, r.3, r.4, r.5) != (0, 0, 0, 0))
            .collect::<Vec<_>>()
    };
    let year_q = Query::select()
        .columns([
            OrgYearCounts::OrgId,
            OrgYearCounts::Year,
            OrgYearCounts::Joined,
            OrgYearCounts::Founded,
            OrgYearCounts::SubJoined,
            OrgYearCounts::SubFounded,
        ])
        .from(OrgYearCounts::Table)
        .order_by(OrgYearCounts::OrgId, Order::Asc)
        .order_by(OrgYearCounts::Year, Order::Asc)
        .to_owned();
    let region_q = Query::select()
        .columns([
            RegionUnitCounts::RegionCode,
            RegionUnitCounts::UncoveredUnits,
            RegionUnitCounts::UncoveredEmployees,
        ])
        .from(RegionUnitCounts::Table)
        .and_where(Expr::col(RegionUnitCounts::UncoveredUnits).ne(0))
        .order_by(RegionUnitCounts::RegionCode, Order::Asc)
        .to_owned();
    let years_before = years(tx.all(&year_q).await?);
    let regions_before: Vec<(String, i64, i64)> = tx.all(&region_q).await?;
    counts::rebuild(&mut tx).await?;
    let own_after = counts::stored(&mut tx, &ids, false).await?;
    let sub_after = counts::stored(&mut tx, &ids, true).await?;
    let years_after = years(tx.all(&year_q).await?);
    let regions_after: Vec<(String, i64, i64)> = tx.all(&region_q).await?;
    drop(tx);
    let mut diffs = vec![];
    for id in &ids {
        for (what, before, after) in [
            ("own", &own_before, &own_after),
            ("subtree", &sub_before, &sub_after),
        ] {
            let b = before.get(id).copied().unwrap_or_default();
            let a = after.get(id).copied().unwrap_or_default();
            if a != b {
                let fields: Vec<String> = (0..counts::N)
                    .filter(|i| a.0[*i] != b.0[*i])
                    .map(|i| {
                        format!(
                            "{}: maintained {} ≠ recomputed {}",
                            counts::FIELDS[i],
                            b.0[i],
                            a.0[i]
                        )
                    })
                    .collect();
                diffs.push(format!("org {id} {what}: {}", fields.join(", ")));
            }
        }
    }
    if years_before != years_after {
        diffs.push(format!(
            "yearly counts: maintained {years_before:?} ≠ recomputed {years_after:?}"
        ));
    }
    if regions_before != regions_after {
        diffs.push(format!(
            "region counts: maintained {regions_before:?} ≠ recomputed {regions_after:?}"
        ));
    }
    Ok(diffs)
}
