//! The city's instruments (seed 000): 工会主席协议管理 (`chair_agreement`), 执业律师兼职县级
//! 工会副主席 (`Officer { source: Lawyer }` with its appointment), the 四个到位 of
//! 开发区/工业园区工会 and the subsidy they gate, and 双亮 (`dual_display`) with its coverage.
//!
//! Coverage is counted once along affiliation: an eligible enterprise belongs to the grassroots
//! union that covers it, and that union sits under exactly one child of the org asked about.
//! Thresholds ("*人以上") are deployment settings that the city's staff may change.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    AreaKind, AssessmentResult, ChairSelection, DualDisplay, FourItem, OfficerRole, OfficerSource,
    OrgKind, Ownership, Phone, check_agreement_term, check_appointment_term, check_assessment_year,
    check_document_no, check_lawyer_cert, check_min_employees, check_person_name,
    check_target_percent, four_missing, periods_overlap,
};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree, load, load_active};
use crate::schema::{
    ChairAgreements, ChairAssessments, DualDisplays, LawyerAppointments, Officers, Orgs,
    ParkFourItems, ParkSubsidies, Settings, Units,
};
use crate::{Error, Result, Store};

/// Children in the order federations list them (as on the org page).
const KIND_ORDER: &str = "CASE orgs.kind WHEN 'county_federation' THEN 1 WHEN 'industrial_union' THEN 2 WHEN 'sector_federation' THEN 3 WHEN 'area_federation' THEN 4 ELSE 5 END";

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn opt_text(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn not_in_future(date: NaiveDate, field: &'static str, label: &str) -> Result<()> {
    if date > today() {
        return Err(Error::invalid(
            field,
            format!("{label}（{date}）不能晚于今天，请核对"),
        ));
    }
    Ok(())
}

/// 检查人: who checked, as people sign a check sheet.
fn checker(name: &str) -> Result<String> {
    let t = name.trim();
    let n = t.chars().count();
    if !(2..=40).contains(&n) {
        return Err(Error::invalid(
            "checked_by",
            "请填写检查人（2至40个字），例如 江陵县总工会组织部 张明",
        ));
    }
    Ok(t.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/// The thresholds of the instruments, stored in `settings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrumentSetting {
    /// `chair_agreement.min_employees`: 工会主席协议管理 covers non-public enterprises with at
    /// least this many employees.
    ChairMinEmployees,
    /// `dual_display.min_employees`: 双亮 coverage is measured over enterprises this large.
    DualMinEmployees,
    /// `dual_display.target_percent`: the coverage 双亮 must reach.
    DualTargetPercent,
}

impl InstrumentSetting {
    pub fn key(self) -> &'static str {
        match self {
            Self::ChairMinEmployees => "chair_agreement.min_employees",
            Self::DualMinEmployees => "dual_display.min_employees",
            Self::DualTargetPercent => "dual_display.target_percent",
        }
    }

    pub fn default_value(self) -> i64 {
        match self {
            Self::ChairMinEmployees => gonghui_domain::CHAIR_AGREEMENT_MIN_EMPLOYEES,
            Self::DualMinEmployees => gonghui_domain::DUAL_DISPLAY_MIN_EMPLOYEES,
            Self::DualTargetPercent => gonghui_domain::DUAL_DISPLAY_TARGET_PERCENT,
        }
    }

    /// The form field that edits it (errors are shown beside it).
    pub fn field(self) -> &'static str {
        match self {
            Self::ChairMinEmployees | Self::DualMinEmployees => "min_employees",
            Self::DualTargetPercent => "target_percent",
        }
    }

    fn check(self, value: i64) -> Result<()> {
        match self {
            Self::ChairMinEmployees | Self::DualMinEmployees => check_min_employees(value),
            Self::DualTargetPercent => check_target_percent(value),
        }
        .map_err(Error::field(self.field()))
    }
}

/// The thresholds in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InstrumentSettings {
    pub chair_min_employees: i64,
    pub dual_min_employees: i64,
    pub dual_target_percent: i64,
}

async fn setting_in(tx: &mut Tx, s: InstrumentSetting) -> Result<i64> {
    let row: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Settings::Value)
                .from(Settings::Table)
                .and_where(Expr::col(Settings::Key).eq(s.key()))
                .to_owned(),
        )
        .await?;
    Ok(row
        .and_then(|r| r.0.trim().parse().ok())
        .unwrap_or(s.default_value()))
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

/// What a form supplies to sign a chair agreement.
#[derive(Debug, Clone, Serialize)]
pub struct ChairAgreementInput {
    pub chair_name: String,
    pub selection: ChairSelection,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// 月补贴, in 分.
    pub monthly_allowance_fen: i64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ChairAgreement {
    pub id: i64,
    pub org_id: i64,
    pub chair_name: String,
    #[sqlx(try_from = "String")]
    pub selection: ChairSelection,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub monthly_allowance_fen: i64,
    pub note: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

impl ChairAgreement {
    /// The last day the agreement was (or will be) in force.
    pub fn effective_end(&self) -> NaiveDate {
        self.ended_on.unwrap_or(self.end_on)
    }

    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.ended_on.is_none() && self.start_on <= date && date <= self.end_on
    }

    /// 履行中 / 未生效 / 已期满 / 已终止, as of `date`.
    pub fn status_label(&self, date: NaiveDate) -> &'static str {
        if self.ended_on.is_some() {
            "已终止"
        } else if date < self.start_on {
            "未生效"
        } else if date > self.end_on {
            "已期满"
        } else {
            "履行中"
        }
    }

    pub fn allowance_text(&self) -> String {
        gonghui_domain::format_yuan(self.monthly_allowance_fen)
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ChairAssessment {
    pub id: i64,
    pub agreement_id: i64,
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub result: AssessmentResult,
    pub note: Option<String>,
}

/// An agreement with its yearly assessments, newest year first.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementRecord {
    pub agreement: ChairAgreement,
    pub assessments: Vec<ChairAssessment>,
}

/// One row of a coverage table: an org (a child of the org asked about, or the org itself)
/// with its eligible enterprises and how many of them meet the instrument.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    pub org_id: i64,
    pub name: String,
    pub kind_label: &'static str,
    pub eligible: i64,
    pub done: i64,
}

impl CoverageRow {
    pub fn missing(&self) -> i64 {
        self.eligible - self.done
    }

    pub fn percent(&self) -> String {
        gonghui_domain::percent_text(self.done, self.eligible)
    }
}

/// Coverage of an org's subtree, per child and in total.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentCoverage {
    pub total: CoverageRow,
    pub children: Vec<CoverageRow>,
}

/// An enterprise counted by 工会主席协议管理, with the agreement in force on the date.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ChairEligibleUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub employees: i64,
    #[sqlx(try_from = "String")]
    pub ownership: Ownership,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub agreement_id: Option<i64>,
    pub chair_name: Option<String>,
    pub agreement_end: Option<NaiveDate>,
}

impl ChairEligibleUnit {
    pub fn done(&self) -> bool {
        self.agreement_id.is_some()
    }
}

/// An enterprise counted by 双亮, with its union's recorded 双亮.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DualEligibleUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub employees: i64,
    #[sqlx(try_from = "String")]
    pub ownership: Ownership,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub sign: Option<bool>,
    pub identity: Option<bool>,
    pub deeds: Option<bool>,
    pub checked_on: Option<NaiveDate>,
}

impl DualEligibleUnit {
    pub fn status(&self) -> Option<DualDisplay> {
        Some(DualDisplay {
            sign: self.sign?,
            identity: self.identity?,
            deeds: self.deeds?,
        })
    }

    pub fn done(&self) -> bool {
        self.status().is_some_and(DualDisplay::all)
    }
}

/// What a form supplies to appoint a lawyer vice-chair.
#[derive(Debug, Clone)]
pub struct LawyerInput {
    pub name: String,
    pub law_firm: String,
    /// 律师执业证号 as typed; checked by the store.
    pub cert_no: String,
    /// 聘任文号.
    pub document_no: String,
    pub appointed_on: NaiveDate,
    pub term_end: NaiveDate,
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LawyerAppointment {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub officer_id: i64,
    pub name: String,
    pub law_firm: String,
    pub cert_no: String,
    pub document_no: String,
    pub appointed_on: NaiveDate,
    pub term_end: NaiveDate,
    pub phone: Option<String>,
    /// Ended on this day: by ending the appointment, or by the officer leaving office.
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

impl LawyerAppointment {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.ended_on.is_none_or(|e| e > date) && self.appointed_on <= date && date <= self.term_end
    }

    /// 在任 / 任期已满 / 已离任 / 未到任.
    pub fn status_label(&self, date: NaiveDate) -> &'static str {
        if self.ended_on.is_some_and(|e| e <= date) {
            "已离任"
        } else if date < self.appointed_on {
            "未到任"
        } else if date > self.term_end {
            "任期已满"
        } else {
            "在任"
        }
    }
}

/// A county federation in scope and how many lawyer vice-chairs serve there.
#[derive(Debug, Clone, Serialize)]
pub struct CountyLawyers {
    pub org_id: i64,
    pub name: String,
    pub active: i64,
}

/// One item of 四个到位 as last checked.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FourItemStatus {
    #[sqlx(try_from = "String")]
    pub item: FourItem,
    pub in_place: bool,
    pub evidence: Option<String>,
    pub checked_on: NaiveDate,
    pub checked_by: String,
}

/// A check of the four items: those given are recorded, the others keep their last check.
#[derive(Debug, Clone, Serialize)]
pub struct FourInPlaceInput {
    /// (item, in place, evidence).
    pub items: Vec<(FourItem, bool, Option<String>)>,
    pub checked_on: NaiveDate,
    pub checked_by: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ParkSubsidy {
    pub id: i64,
    pub org_id: i64,
    pub year: i64,
    pub amount_fen: i64,
    pub decided_on: NaiveDate,
    pub document_no: Option<String>,
}

impl ParkSubsidy {
    pub fn amount_text(&self) -> String {
        gonghui_domain::format_yuan(self.amount_fen)
    }
}

/// A 开发区/工业园区工会 with its 四个到位 and subsidies.
#[derive(Debug, Clone, Serialize)]
pub struct ParkStatus {
    pub org_id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub items: Vec<FourItemStatus>,
    pub missing: Vec<FourItem>,
    pub subsidies: Vec<ParkSubsidy>,
}

impl ParkStatus {
    pub fn all_in_place(&self) -> bool {
        self.missing.is_empty()
    }

    pub fn missing_text(&self) -> String {
        self.missing
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("、")
    }

    pub fn item(&self, item: FourItem) -> Option<&FourItemStatus> {
        self.items.iter().find(|i| i.item == item)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DualDisplayInput {
    pub status: DualDisplay,
    pub checked_on: NaiveDate,
    pub checked_by: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DualDisplayRecord {
    pub org_id: i64,
    pub sign: bool,
    pub identity: bool,
    pub deeds: bool,
    pub checked_on: NaiveDate,
    pub checked_by: String,
    pub note: Option<String>,
}

impl DualDisplayRecord {
    pub fn status(&self) -> DualDisplay {
        DualDisplay {
            sign: self.sign,
            identity: self.identity,
            deeds: self.deeds,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Queries shared by the operations
// ---------------------------------------------------------------------------------------------

fn agreement_columns() -> SelectStatement {
    Query::select()
        .columns([
            (ChairAgreements::Table, ChairAgreements::Id),
            (ChairAgreements::Table, ChairAgreements::OrgId),
            (ChairAgreements::Table, ChairAgreements::ChairName),
            (ChairAgreements::Table, ChairAgreements::Selection),
            (ChairAgreements::Table, ChairAgreements::StartOn),
            (ChairAgreements::Table, ChairAgreements::EndOn),
            (ChairAgreements::Table, ChairAgreements::MonthlyAllowanceFen),
            (ChairAgreements::Table, ChairAgreements::Note),
            (ChairAgreements::Table, ChairAgreements::EndedOn),
            (ChairAgreements::Table, ChairAgreements::EndReason),
        ])
        .from(ChairAgreements::Table)
        .to_owned()
}

async fn load_agreement(tx: &mut Tx, id: i64) -> Result<ChairAgreement> {
    tx.optional(
        &agreement_columns()
            .and_where(Expr::col((ChairAgreements::Table, ChairAgreements::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("工会主席协议"))
}

async fn agreements_of(tx: &mut Tx, org_id: i64) -> Result<Vec<ChairAgreement>> {
    tx.all(
        &agreement_columns()
            .and_where(Expr::col((ChairAgreements::Table, ChairAgreements::OrgId)).eq(org_id))
            .order_by(
                (ChairAgreements::Table, ChairAgreements::StartOn),
                Order::Desc,
            )
            .order_by((ChairAgreements::Table, ChairAgreements::Id), Order::Desc)
            .to_owned(),
    )
    .await
}

fn lawyer_columns() -> SelectStatement {
    Query::select()
        .columns([
            (LawyerAppointments::Table, LawyerAppointments::Id),
            (LawyerAppointments::Table, LawyerAppointments::OrgId),
            (LawyerAppointments::Table, LawyerAppointments::OfficerId),
            (LawyerAppointments::Table, LawyerAppointments::Name),
            (LawyerAppointments::Table, LawyerAppointments::LawFirm),
            (LawyerAppointments::Table, LawyerAppointments::CertNo),
            (LawyerAppointments::Table, LawyerAppointments::DocumentNo),
            (LawyerAppointments::Table, LawyerAppointments::AppointedOn),
            (LawyerAppointments::Table, LawyerAppointments::TermEnd),
            (LawyerAppointments::Table, LawyerAppointments::Phone),
            (LawyerAppointments::Table, LawyerAppointments::EndReason),
        ])
        .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
        // An officer who left office through the org page ends the appointment too.
        .expr_as(
            Expr::cust("COALESCE(lawyer_appointments.ended_on, officers.left_on)"),
            "ended_on",
        )
        .from(LawyerAppointments::Table)
        .inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id))
                .equals((LawyerAppointments::Table, LawyerAppointments::OrgId)),
        )
        .inner_join(
            Officers::Table,
            Expr::col((Officers::Table, Officers::Id))
                .equals((LawyerAppointments::Table, LawyerAppointments::OfficerId)),
        )
        .to_owned()
}

async fn load_lawyer(tx: &mut Tx, id: i64) -> Result<LawyerAppointment> {
    tx.optional(
        &lawyer_columns()
            .and_where(Expr::col((LawyerAppointments::Table, LawyerAppointments::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("律师兼职副主席聘任记录"))
}

async fn four_items_in(tx: &mut Tx, org_id: i64) -> Result<Vec<FourItemStatus>> {
    let mut rows: Vec<FourItemStatus> = tx
        .all(
            &Query::select()
                .columns([
                    ParkFourItems::Item,
                    ParkFourItems::InPlace,
                    ParkFourItems::Evidence,
                    ParkFourItems::CheckedOn,
                    ParkFourItems::CheckedBy,
                ])
                .from(ParkFourItems::Table)
                .and_where(Expr::col(ParkFourItems::OrgId).eq(org_id))
                .to_owned(),
        )
        .await?;
    rows.sort_by_key(|r| FourItem::ALL.iter().position(|i| *i == r.item));
    Ok(rows)
}

async fn subsidies_in(tx: &mut Tx, org_id: i64) -> Result<Vec<ParkSubsidy>> {
    tx.all(
        &Query::select()
            .columns([
                ParkSubsidies::Id,
                ParkSubsidies::OrgId,
                ParkSubsidies::Year,
                ParkSubsidies::AmountFen,
                ParkSubsidies::DecidedOn,
                ParkSubsidies::DocumentNo,
            ])
            .from(ParkSubsidies::Table)
            .and_where(Expr::col(ParkSubsidies::OrgId).eq(org_id))
            .order_by(ParkSubsidies::Year, Order::Desc)
            .to_owned(),
    )
    .await
}

fn is_park(org: &Org) -> bool {
    org.kind == OrgKind::AreaFederation && org.area_kind() == Some(AreaKind::DevelopmentZone)
}

async fn load_park(tx: &mut Tx, id: i64) -> Result<Org> {
    let org = load_active(tx, id, "org_id").await?;
    if !is_park(&org) {
        return Err(Error::rule(format!(
            "四个到位和补助经费只适用于开发区/工业园区工会，{}不是开发区/工业园区工会",
            org.name
        )));
    }
    Ok(org)
}

async fn load_grassroots(tx: &mut Tx, id: i64, what: &str) -> Result<Org> {
    let org = load_active(tx, id, "org_id").await?;
    if org.kind != OrgKind::Grassroots {
        return Err(Error::rule(format!(
            "{what}只能登记在基层工会，{}是{}",
            org.name,
            org.kind_label()
        )));
    }
    Ok(org)
}

/// The direct active children of an org, as coverage rows with nothing counted yet.
async fn child_rows(tx: &mut Tx, org: &Org) -> Result<Vec<(CoverageRow, i64)>> {
    #[derive(sqlx::FromRow)]
    struct Child {
        id: i64,
        name: String,
        #[sqlx(try_from = "String")]
        kind: OrgKind,
        sub_kind: Option<String>,
    }
    let rows: Vec<Child> = tx
        .all(
            &Query::select()
                .columns([
                    (Orgs::Table, Orgs::Id),
                    (Orgs::Table, Orgs::Name),
                    (Orgs::Table, Orgs::Kind),
                    (Orgs::Table, Orgs::SubKind),
                ])
                .from(Orgs::Table)
                .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(org.id))
                .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
                .order_by_expr(Expr::cust(KIND_ORDER), Order::Asc)
                .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                .to_owned(),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let label = c
                .sub_kind
                .as_deref()
                .and_then(|s| {
                    gonghui_domain::GrassrootsKind::from_code(s)
                        .map(|g| g.label())
                        .or(AreaKind::from_code(s).map(|a| a.label()))
                })
                .unwrap_or(c.kind.label());
            (
                CoverageRow {
                    org_id: c.id,
                    name: c.name,
                    kind_label: label,
                    eligible: 0,
                    done: 0,
                },
                c.id,
            )
        })
        .collect())
}

/// Counts `units` (each with its covering union's path and whether it meets the instrument)
/// per child of `org` and in total, once each along affiliation.
async fn tally(
    tx: &mut Tx,
    org: &Org,
    units: impl Iterator<Item = (String, bool)>,
) -> Result<InstrumentCoverage> {
    let mut children = if org.kind == OrgKind::Grassroots {
        vec![]
    } else {
        child_rows(tx, org).await?
    };
    let mut total = CoverageRow {
        org_id: org.id,
        name: org.name.clone(),
        kind_label: org.kind_label(),
        eligible: 0,
        done: 0,
    };
    let level = org.depth as usize + 1;
    for (path, done) in units {
        total.eligible += 1;
        total.done += i64::from(done);
        let child = path
            .split('/')
            .filter(|s| !s.is_empty())
            .nth(level)
            .and_then(|s| s.parse::<i64>().ok());
        if let Some(row) = children.iter_mut().find(|(_, id)| Some(*id) == child) {
            row.0.eligible += 1;
            row.0.done += i64::from(done);
        }
    }
    Ok(InstrumentCoverage {
        total,
        children: children.into_iter().map(|(r, _)| r).collect(),
    })
}

/// Units covered by an active grassroots union in `path`'s subtree, with the columns both
/// instruments list.
fn covered_units(path: &str, min_employees: i64) -> SelectStatement {
    Query::select()
        .expr_as(Expr::col((Units::Table, Units::Id)), "unit_id")
        .expr_as(Expr::col((Units::Table, Units::Name)), "unit_name")
        .columns([
            (Units::Table, Units::Employees),
            (Units::Table, Units::Ownership),
        ])
        .expr_as(Expr::col((Orgs::Table, Orgs::Id)), "org_id")
        .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
        .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
        .from(Units::Table)
        .inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Units::Table, Units::CoveringOrgId)),
        )
        .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), path))
        .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
        .and_where(Expr::col((Units::Table, Units::Status)).eq("active"))
        .and_where(Expr::col((Units::Table, Units::Employees)).gte(min_employees))
        .order_by((Orgs::Table, Orgs::Path), Order::Asc)
        .order_by((Units::Table, Units::Employees), Order::Desc)
        .order_by((Units::Table, Units::Id), Order::Asc)
        .to_owned()
}

fn non_public_codes() -> Vec<&'static str> {
    Ownership::ALL
        .iter()
        .filter(|o| o.is_non_public())
        .map(|o| o.code())
        .collect()
}

/// Non-public enterprises with at least `min_employees` employees covered by a union in the
/// subtree of `path`, with the agreement in force on `as_of` (at most one: agreements of a
/// union never overlap).
pub(crate) async fn chair_units(
    tx: &mut Tx,
    path: &str,
    min_employees: i64,
    as_of: NaiveDate,
) -> Result<Vec<ChairEligibleUnit>> {
    let q = covered_units(path, min_employees)
        .expr_as(
            Expr::col((ChairAgreements::Table, ChairAgreements::Id)),
            "agreement_id",
        )
        .expr_as(
            Expr::col((ChairAgreements::Table, ChairAgreements::ChairName)),
            "chair_name",
        )
        .expr_as(
            Expr::col((ChairAgreements::Table, ChairAgreements::EndOn)),
            "agreement_end",
        )
        .join(
            JoinType::LeftJoin,
            ChairAgreements::Table,
            Expr::col((ChairAgreements::Table, ChairAgreements::OrgId))
                .equals((Orgs::Table, Orgs::Id))
                .and(Expr::col((ChairAgreements::Table, ChairAgreements::EndedOn)).is_null())
                .and(Expr::col((ChairAgreements::Table, ChairAgreements::StartOn)).lte(as_of))
                .and(Expr::col((ChairAgreements::Table, ChairAgreements::EndOn)).gte(as_of)),
        )
        .and_where(Expr::col((Units::Table, Units::Ownership)).is_in(non_public_codes()))
        .to_owned();
    tx.all(&q).await
}

/// Enterprises (统一社会信用代码 91…: 企业) with at least `min_employees` employees covered
/// by a union in the subtree of `path`, with the union's recorded 双亮.
pub(crate) async fn dual_units(
    tx: &mut Tx,
    path: &str,
    min_employees: i64,
) -> Result<Vec<DualEligibleUnit>> {
    let q = covered_units(path, min_employees)
        .columns([
            (DualDisplays::Table, DualDisplays::Sign),
            (DualDisplays::Table, DualDisplays::Identity),
            (DualDisplays::Table, DualDisplays::Deeds),
            (DualDisplays::Table, DualDisplays::CheckedOn),
        ])
        .join(
            JoinType::LeftJoin,
            DualDisplays::Table,
            Expr::col((DualDisplays::Table, DualDisplays::OrgId)).equals((Orgs::Table, Orgs::Id)),
        )
        .and_where(Expr::col((Units::Table, Units::Uscc)).like("91%"))
        .to_owned();
    tx.all(&q).await
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

impl Store {
    // ---- settings ----

    pub async fn instrument_settings(&self) -> Result<InstrumentSettings> {
        let mut tx = self.read().await?;
        Ok(InstrumentSettings {
            chair_min_employees: setting_in(&mut tx, InstrumentSetting::ChairMinEmployees).await?,
            dual_min_employees: setting_in(&mut tx, InstrumentSetting::DualMinEmployees).await?,
            dual_target_percent: setting_in(&mut tx, InstrumentSetting::DualTargetPercent).await?,
        })
    }

    /// Change a threshold (audited as `setting.set`); refuses values out of range.
    pub async fn set_instrument_setting(
        &self,
        actor: &Actor,
        setting: InstrumentSetting,
        value: i64,
    ) -> Result<()> {
        setting.check(value)?;
        self.set_setting(actor, setting.key(), &value.to_string())
            .await
    }

    // ---- 工会主席协议管理 ----

    /// Sign an agreement with the chair of a grassroots union of a non-public enterprise.
    pub async fn create_chair_agreement(
        &self,
        actor: &Actor,
        org_id: i64,
        input: ChairAgreementInput,
    ) -> Result<i64> {
        let chair_name =
            check_person_name(&input.chair_name).map_err(Error::field("chair_name"))?;
        check_agreement_term(input.start_on, input.end_on).map_err(Error::field("end_on"))?;
        if input.monthly_allowance_fen < 0 {
            return Err(Error::invalid("monthly_allowance", "月补贴不能是负数"));
        }
        let mut tx = self.begin().await?;
        let org = load_grassroots(&mut tx, org_id, "工会主席协议").await?;
        let non_public = tx
            .scalar(
                &Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from(Units::Table)
                    .and_where(Expr::col(Units::CoveringOrgId).eq(org_id))
                    .and_where(Expr::col(Units::Status).eq("active"))
                    .and_where(Expr::col(Units::Ownership).is_in(non_public_codes()))
                    .to_owned(),
            )
            .await?;
        if non_public == 0 {
            return Err(Error::rule(format!(
                "工会主席协议管理适用于非公有制企业的工会主席，{}覆盖的单位中没有私营、外商投资、港澳台投资或个体企业",
                org.name
            )));
        }
        for a in agreements_of(&mut tx, org_id).await? {
            if periods_overlap(
                (a.start_on, a.effective_end()),
                (input.start_on, input.end_on),
            ) {
                return Err(Error::invalid(
                    "start_on",
                    format!(
                        "本工会已有一份{}至{}的工会主席协议（{}），与所填期限重叠；请先终止原协议或调整起止日期",
                        a.start_on,
                        a.effective_end(),
                        a.chair_name
                    ),
                ));
            }
        }
        let note = opt_text(&input.note);
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(ChairAgreements::Table)
                    .columns([
                        ChairAgreements::OrgId,
                        ChairAgreements::ChairName,
                        ChairAgreements::Selection,
                        ChairAgreements::StartOn,
                        ChairAgreements::EndOn,
                        ChairAgreements::MonthlyAllowanceFen,
                        ChairAgreements::Note,
                        ChairAgreements::CreatedAt,
                    ])
                    .values_panic([
                        org_id.into(),
                        chair_name.clone().into(),
                        input.selection.code().into(),
                        input.start_on.into(),
                        input.end_on.into(),
                        input.monthly_allowance_fen.into(),
                        note.clone().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        let after = ChairAgreementInput {
            chair_name,
            note,
            ..input
        };
        audit::record::<(), _>(
            &mut tx,
            actor,
            "chair_agreement.create",
            Target::new("chair_agreement", Some(id), Some(org_id)),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// End an agreement early (主席离任、企业注销、协议解除…); it stays as history.
    pub async fn end_chair_agreement(
        &self,
        actor: &Actor,
        agreement_id: i64,
        date: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "end_reason",
                "请填写终止原因，例如：工会主席离任、企业注销、协议解除",
            ));
        }
        let mut tx = self.begin().await?;
        let a = load_agreement(&mut tx, agreement_id).await?;
        if let Some(e) = a.ended_on {
            return Err(Error::rule(format!("该协议已于{e}终止，不能再次终止")));
        }
        if date < a.start_on {
            return Err(Error::invalid(
                "ended_on",
                format!("终止日期不能早于协议起始日期（{}）", a.start_on),
            ));
        }
        if date > a.end_on {
            return Err(Error::invalid(
                "ended_on",
                format!("协议于{}期满自然终止，终止日期不能晚于期满日期", a.end_on),
            ));
        }
        tx.execute(
            &Query::update()
                .table(ChairAgreements::Table)
                .value(ChairAgreements::EndedOn, date)
                .value(ChairAgreements::EndReason, reason)
                .and_where(Expr::col(ChairAgreements::Id).eq(agreement_id))
                .to_owned(),
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "chair_agreement.end",
            Target::new("chair_agreement", Some(agreement_id), Some(a.org_id)),
            Some(&a),
            Some(&serde_json::json!({ "ended_on": date, "end_reason": reason })),
        )
        .await?;
        tx.commit().await
    }

    /// Record the 年度考核 of a chair under agreement: one result per year.
    pub async fn assess_chair(
        &self,
        actor: &Actor,
        agreement_id: i64,
        year: i32,
        result: AssessmentResult,
        note: Option<String>,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let a = load_agreement(&mut tx, agreement_id).await?;
        check_assessment_year(year, a.start_on, a.effective_end(), today())
            .map_err(Error::field("year"))?;
        let existing: Option<(String,)> = tx
            .optional(
                &Query::select()
                    .column(ChairAssessments::Result)
                    .from(ChairAssessments::Table)
                    .and_where(Expr::col(ChairAssessments::AgreementId).eq(agreement_id))
                    .and_where(Expr::col(ChairAssessments::Year).eq(i64::from(year)))
                    .to_owned(),
            )
            .await?;
        if let Some((r,)) = existing {
            let label = AssessmentResult::from_code(&r).map_or(r.as_str(), |r| r.label());
            return Err(Error::invalid(
                "year",
                format!("{year}年度的考核结果已登记为“{label}”，每年只登记一次"),
            ));
        }
        let note = opt_text(&note);
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(ChairAssessments::Table)
                    .columns([
                        ChairAssessments::AgreementId,
                        ChairAssessments::Year,
                        ChairAssessments::Result,
                        ChairAssessments::Note,
                        ChairAssessments::CreatedAt,
                    ])
                    .values_panic([
                        agreement_id.into(),
                        i64::from(year).into(),
                        result.code().into(),
                        note.clone().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "chair_agreement.assess",
            Target::new("chair_agreement", Some(agreement_id), Some(a.org_id)),
            None,
            Some(&serde_json::json!({ "year": year, "result": result, "note": note })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn chair_agreement(&self, id: i64) -> Result<ChairAgreement> {
        let mut tx = self.read().await?;
        load_agreement(&mut tx, id).await
    }

    /// A union's agreements, newest first, each with its assessments.
    pub async fn chair_agreements_of(&self, org_id: i64) -> Result<Vec<AgreementRecord>> {
        let mut tx = self.read().await?;
        let agreements = agreements_of(&mut tx, org_id).await?;
        let ids: Vec<i64> = agreements.iter().map(|a| a.id).collect();
        let assessments: Vec<ChairAssessment> = if ids.is_empty() {
            vec![]
        } else {
            tx.all(
                &Query::select()
                    .columns([
                        ChairAssessments::Id,
                        ChairAssessments::AgreementId,
                        ChairAssessments::Year,
                        ChairAssessments::Result,
                        ChairAssessments::Note,
                    ])
                    .from(ChairAssessments::Table)
                    .and_where(Expr::col(ChairAssessments::AgreementId).is_in(ids))
                    .order_by(ChairAssessments::Year, Order::Desc)
                    .to_owned(),
            )
            .await?
        };
        Ok(agreements
            .into_iter()
            .map(|agreement| AgreementRecord {
                assessments: assessments
                    .iter()
                    .filter(|s| s.agreement_id == agreement.id)
                    .cloned()
                    .collect(),
                agreement,
            })
            .collect())
    }

    /// 工会主席协议管理覆盖面 of an org's subtree as of a date, per child: eligible enterprises
    /// with a union, and those whose union has an agreement in force.
    pub async fn chair_agreement_coverage(
        &self,
        org: &Org,
        min_employees: i64,
        as_of: NaiveDate,
    ) -> Result<InstrumentCoverage> {
        let mut tx = self.read().await?;
        let units = chair_units(&mut tx, &org.path, min_employees, as_of).await?;
        tally(
            &mut tx,
            org,
            units.into_iter().map(|u| (u.org_path.clone(), u.done())),
        )
        .await
    }

    /// The enterprises behind a coverage number (in the subtree of `org`).
    pub async fn chair_agreement_units(
        &self,
        org: &Org,
        min_employees: i64,
        as_of: NaiveDate,
    ) -> Result<Vec<ChairEligibleUnit>> {
        let mut tx = self.read().await?;
        chair_units(&mut tx, &org.path, min_employees, as_of).await
    }

    // ---- 律师兼职副主席 ----

    /// Appoint a practising lawyer as part-time vice-chair of a county federation: the
    /// appointment and the officer row on the county, in one transaction.
    pub async fn appoint_lawyer(
        &self,
        actor: &Actor,
        county_id: i64,
        input: LawyerInput,
    ) -> Result<i64> {
        let name = check_person_name(&input.name).map_err(Error::field("name"))?;
        let firm = input.law_firm.trim().to_owned();
        let n = firm.chars().count();
        if !(4..=60).contains(&n) {
            return Err(Error::invalid(
                "law_firm",
                "请填写律师事务所全称（4至60个字），例如 湖北楚天律师事务所",
            ));
        }
        let cert = check_lawyer_cert(&input.cert_no).map_err(Error::field("cert_no"))?;
        let document = check_document_no(&input.document_no, "聘任文号")
            .map_err(Error::field("document_no"))?;
        check_appointment_term(input.appointed_on, input.term_end)
            .map_err(Error::field("term_end"))?;
        let mut tx = self.begin().await?;
        let county = load_active(&mut tx, county_id, "org_id").await?;
        if county.kind != OrgKind::CountyFederation {
            return Err(Error::rule(format!(
                "律师兼职副主席在县(市、区)总工会聘任，{}是{}；请到所在县级总工会的页面登记",
                county.name,
                county.kind_label()
            )));
        }
        let serving: Vec<LawyerAppointment> = tx
            .all(
                &lawyer_columns()
                    .and_where(
                        Expr::col((LawyerAppointments::Table, LawyerAppointments::CertNo))
                            .eq(cert.as_str()),
                    )
                    .to_owned(),
            )
            .await?;
        if let Some(s) = serving.iter().find(|s| s.ended_on.is_none()) {
            // The other county may be outside the person's scope, so it is named only when it
            // is this one.
            let where_ = if s.org_id == county_id {
                "本会".to_owned()
            } else {
                "其他县级总工会".to_owned()
            };
            return Err(Error::invalid(
                "cert_no",
                format!(
                    "执业证号为{cert}的律师已在{where_}担任兼职副主席（{}起），请先办理离任",
                    s.appointed_on
                ),
            ));
        }
        let phone = input.phone.as_ref().map(|p| p.as_str().to_owned());
        let officer_id = tx
            .insert_id(
                Query::insert()
                    .into_table(Officers::Table)
                    .columns([
                        Officers::OrgId,
                        Officers::Committee,
                        Officers::Role,
                        Officers::Name,
                        Officers::FullTime,
                        Officers::TermStart,
                        Officers::TermEnd,
                        Officers::Phone,
                        Officers::Source,
                        Officers::IsAssociationLeader,
                        Officers::IsEnterpriseHead,
                    ])
                    .values_panic([
                        county_id.into(),
                        gonghui_domain::CommitteeKind::UnionCommittee.code().into(),
                        OfficerRole::ViceChair.code().into(),
                        name.clone().into(),
                        false.into(),
                        input.appointed_on.into(),
                        input.term_end.into(),
                        phone.clone().into(),
                        OfficerSource::Lawyer.code().into(),
                        false.into(),
                        false.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(LawyerAppointments::Table)
                    .columns([
                        LawyerAppointments::OrgId,
                        LawyerAppointments::OfficerId,
                        LawyerAppointments::Name,
                        LawyerAppointments::LawFirm,
                        LawyerAppointments::CertNo,
                        LawyerAppointments::DocumentNo,
                        LawyerAppointments::AppointedOn,
                        LawyerAppointments::TermEnd,
                        LawyerAppointments::Phone,
                        LawyerAppointments::CreatedAt,
                    ])
                    .values_panic([
                        county_id.into(),
                        officer_id.into(),
                        name.clone().into(),
                        firm.clone().into(),
                        cert.clone().into(),
                        document.clone().into(),
                        input.appointed_on.into(),
                        input.term_end.into(),
                        phone.clone().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        let after = serde_json::json!({
            "officer_id": officer_id, "name": name, "law_firm": firm, "cert_no": cert,
            "document_no": document, "appointed_on": input.appointed_on, "term_end": input.term_end,
            "phone": input.phone.as_ref().map(|p| p.masked()),
        });
        audit::record::<(), _>(
            &mut tx,
            actor,
            "lawyer.appoint",
            Target::new("lawyer", Some(id), Some(county_id)),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// End a lawyer's appointment: the appointment and the officer both end on `date`.
    pub async fn end_lawyer(
        &self,
        actor: &Actor,
        appointment_id: i64,
        date: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "end_reason",
                "请填写离任原因，例如：任期届满、本人辞任、执业变动",
            ));
        }
        let mut tx = self.begin().await?;
        let a = load_lawyer(&mut tx, appointment_id).await?;
        if let Some(e) = a.ended_on {
            return Err(Error::rule(format!("{}已于{e}离任", a.name)));
        }
        if date < a.appointed_on {
            return Err(Error::invalid(
                "ended_on",
                format!("离任日期不能早于聘任日期（{}）", a.appointed_on),
            ));
        }
        tx.execute(
            &Query::update()
                .table(LawyerAppointments::Table)
                .value(LawyerAppointments::EndedOn, date)
                .value(LawyerAppointments::EndReason, reason)
                .and_where(Expr::col(LawyerAppointments::Id).eq(appointment_id))
                .to_owned(),
        )
        .await?;
        tx.execute(
            &Query::update()
                .table(Officers::Table)
                .value(Officers::LeftOn, date)
                .and_where(Expr::col(Officers::Id).eq(a.officer_id))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .to_owned(),
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "lawyer.end",
            Target::new("lawyer", Some(appointment_id), Some(a.org_id)),
            Some(&serde_json::json!({ "officer_id": a.officer_id, "name": a.name })),
            Some(&serde_json::json!({ "ended_on": date, "end_reason": reason })),
        )
        .await?;
        tx.commit().await
    }

    pub async fn lawyer_appointment(&self, id: i64) -> Result<LawyerAppointment> {
        let mut tx = self.read().await?;
        load_lawyer(&mut tx, id).await
    }

    /// Every appointment of the county federations in the subtree of `org` (current first).
    pub async fn lawyers_in(&self, org: &Org) -> Result<Vec<LawyerAppointment>> {
        let mut tx = self.read().await?;
        let mut rows: Vec<LawyerAppointment> = tx
            .all(
                &lawyer_columns()
                    .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                    .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                    .order_by(
                        (LawyerAppointments::Table, LawyerAppointments::AppointedOn),
                        Order::Desc,
                    )
                    .to_owned(),
            )
            .await?;
        rows.sort_by_key(|r| r.ended_on.is_some());
        Ok(rows)
    }

    /// The county federations in the subtree of `org` and how many lawyer vice-chairs serve in
    /// each on `as_of` (0: 尚未选聘).
    pub async fn counties_lawyers(
        &self,
        org: &Org,
        as_of: NaiveDate,
    ) -> Result<Vec<CountyLawyers>> {
        let mut tx = self.read().await?;
        let counties: Vec<(i64, String)> = tx
            .all(
                &Query::select()
                    .columns([Orgs::Id, Orgs::Name])
                    .from(Orgs::Table)
                    .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                    .and_where(Expr::col(Orgs::Kind).eq(OrgKind::CountyFederation.code()))
                    .and_where(Expr::col(Orgs::Status).eq(crate::orgs::ACTIVE))
                    .order_by(Orgs::NamePinyin, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let lawyers: Vec<LawyerAppointment> = tx
            .all(
                &lawyer_columns()
                    .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                    .to_owned(),
            )
            .await?;
        Ok(counties
            .into_iter()
            .map(|(id, name)| CountyLawyers {
                org_id: id,
                active: lawyers
                    .iter()
                    .filter(|l| l.org_id == id && l.active_on(as_of))
                    .count() as i64,
                name,
            })
            .collect())
    }

    // ---- 开发区/工业园区工会 四个到位 ----

    /// Record a check of some or all of the four items of a park union (one audit entry).
    pub async fn record_four_in_place(
        &self,
        actor: &Actor,
        park_id: i64,
        input: FourInPlaceInput,
    ) -> Result<()> {
        let checked_by = checker(&input.checked_by)?;
        not_in_future(input.checked_on, "checked_on", "检查日期")?;
        if input.items.is_empty() {
            return Err(Error::rule("请至少登记一项的检查结果"));
        }
        let mut items = Vec::new();
        for (item, in_place, evidence) in &input.items {
            if items
                .iter()
                .any(|(i, _, _): &(FourItem, bool, Option<String>)| i == item)
            {
                return Err(Error::rule(format!("“{}到位”登记了两次", item.label())));
            }
            let evidence = opt_text(evidence);
            if *in_place && evidence.is_none() {
                return Err(Error::invalid(
                    four_field(*item),
                    format!(
                        "标记“{}到位”时请写明依据，例如{}",
                        item.label(),
                        four_example(*item)
                    ),
                ));
            }
            if evidence.as_ref().is_some_and(|e| e.chars().count() > 500) {
                return Err(Error::invalid(
                    four_field(*item),
                    "依据说明最多500个字；文件和照片请作为附件上传",
                ));
            }
            items.push((*item, *in_place, evidence));
        }
        let mut tx = self.begin().await?;
        load_park(&mut tx, park_id).await?;
        let before = four_items_in(&mut tx, park_id).await?;
        let now = Utc::now();
        for (item, in_place, evidence) in &items {
            if before.iter().any(|b| b.item == *item) {
                tx.execute(
                    &Query::update()
                        .table(ParkFourItems::Table)
                        .value(ParkFourItems::InPlace, *in_place)
                        .value(ParkFourItems::Evidence, evidence.clone())
                        .value(ParkFourItems::CheckedOn, input.checked_on)
                        .value(ParkFourItems::CheckedBy, checked_by.clone())
                        .value(ParkFourItems::UpdatedAt, now)
                        .and_where(Expr::col(ParkFourItems::OrgId).eq(park_id))
                        .and_where(Expr::col(ParkFourItems::Item).eq(item.code()))
                        .to_owned(),
                )
                .await?;
            } else {
                tx.execute(
                    &Query::insert()
                        .into_table(ParkFourItems::Table)
                        .columns([
                            ParkFourItems::OrgId,
                            ParkFourItems::Item,
                            ParkFourItems::InPlace,
                            ParkFourItems::Evidence,
                            ParkFourItems::CheckedOn,
                            ParkFourItems::CheckedBy,
                            ParkFourItems::UpdatedAt,
                        ])
                        .values_panic([
                            park_id.into(),
                            item.code().into(),
                            (*in_place).into(),
                            evidence.clone().into(),
                            input.checked_on.into(),
                            checked_by.clone().into(),
                            now.into(),
                        ])
                        .to_owned(),
                )
                .await?;
            }
        }
        let after = serde_json::json!({
            "items": items.iter().map(|(i, ok, e)| serde_json::json!({ "item": i.code(), "in_place": ok, "evidence": e })).collect::<Vec<_>>(),
            "checked_on": input.checked_on, "checked_by": checked_by,
        });
        audit::record(
            &mut tx,
            actor,
            "four_in_place.check",
            Target::new("org", Some(park_id), Some(park_id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Decide the yearly 补助经费 of a park union: refused unless all four items are in place.
    pub async fn decide_park_subsidy(
        &self,
        actor: &Actor,
        park_id: i64,
        year: i32,
        amount_fen: i64,
        decided_on: NaiveDate,
        document_no: Option<String>,
    ) -> Result<i64> {
        if !(2000..=2100).contains(&year) {
            return Err(Error::invalid("year", "请填写补助年度，例如 2025"));
        }
        if amount_fen <= 0 {
            return Err(Error::invalid("amount", "补助经费应大于0元"));
        }
        not_in_future(decided_on, "decided_on", "划拨日期")?;
        let document_no = match opt_text(&document_no) {
            Some(d) => Some(check_document_no(&d, "文号").map_err(Error::field("document_no"))?),
            None => None,
        };
        let mut tx = self.begin().await?;
        let park = load_park(&mut tx, park_id).await?;
        // The gate is an eligibility rule (built in: 四个到位), so staff who switch the rule
        // off, or add their own, change what a payment needs without a new release.
        let refusals = crate::honors::eligibility_refusals(
            &mut tx,
            &park,
            gonghui_domain::RuleTarget::Subsidy,
            None,
            None,
        )
        .await?;
        if !refusals.is_empty() {
            return Err(Error::rule(refusals.join("；")));
        }
        let taken: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(ParkSubsidies::AmountFen)
                    .from(ParkSubsidies::Table)
                    .and_where(Expr::col(ParkSubsidies::OrgId).eq(park_id))
                    .and_where(Expr::col(ParkSubsidies::Year).eq(i64::from(year)))
                    .to_owned(),
            )
            .await?;
        if let Some((fen,)) = taken {
            return Err(Error::invalid(
                "year",
                format!(
                    "{}{year}年度的补助经费已登记（{}元），每年只划拨一次",
                    park.name,
                    gonghui_domain::format_yuan(fen)
                ),
            ));
        }
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(ParkSubsidies::Table)
                    .columns([
                        ParkSubsidies::OrgId,
                        ParkSubsidies::Year,
                        ParkSubsidies::AmountFen,
                        ParkSubsidies::DecidedOn,
                        ParkSubsidies::DocumentNo,
                        ParkSubsidies::CreatedAt,
                    ])
                    .values_panic([
                        park_id.into(),
                        i64::from(year).into(),
                        amount_fen.into(),
                        decided_on.into(),
                        document_no.clone().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "park_subsidy.decide",
            Target::new("org", Some(park_id), Some(park_id)),
            None,
            Some(&serde_json::json!({
                "year": year, "amount_fen": amount_fen, "decided_on": decided_on, "document_no": document_no,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One park union's 四个到位 and subsidies.
    pub async fn park_status(&self, park_id: i64) -> Result<ParkStatus> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, park_id).await?;
        park_status_in(&mut tx, org).await
    }

    /// The 开发区/工业园区工会 in the subtree of `org` (itself included), with their status.
    pub async fn parks_in(&self, org: &Org) -> Result<Vec<ParkStatus>> {
        let mut tx = self.read().await?;
        let parks: Vec<Org> = tx
            .all(
                &crate::orgs::select_orgs()
                    .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                    .and_where(
                        Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::AreaFederation.code()),
                    )
                    .and_where(
                        Expr::col((Orgs::Table, Orgs::SubKind))
                            .eq(AreaKind::DevelopmentZone.code()),
                    )
                    .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
                    .order_by((Orgs::Table, Orgs::Path), Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut out = Vec::with_capacity(parks.len());
        for p in parks {
            out.push(park_status_in(&mut tx, p).await?);
        }
        Ok(out)
    }

    // ---- 双亮 ----

    /// Record the 双亮 check of a grassroots union (replaces the previous check; the audit
    /// trail keeps it).
    pub async fn record_dual_display(
        &self,
        actor: &Actor,
        org_id: i64,
        input: DualDisplayInput,
    ) -> Result<()> {
        let checked_by = checker(&input.checked_by)?;
        not_in_future(input.checked_on, "checked_on", "检查日期")?;
        let note = opt_text(&input.note);
        let mut tx = self.begin().await?;
        load_grassroots(&mut tx, org_id, "双亮情况").await?;
        let before = dual_in(&mut tx, org_id).await?;
        let s = input.status;
        let now = Utc::now();
        if before.is_some() {
            tx.execute(
                &Query::update()
                    .table(DualDisplays::Table)
                    .value(DualDisplays::Sign, s.sign)
                    .value(DualDisplays::Identity, s.identity)
                    .value(DualDisplays::Deeds, s.deeds)
                    .value(DualDisplays::CheckedOn, input.checked_on)
                    .value(DualDisplays::CheckedBy, checked_by.clone())
                    .value(DualDisplays::Note, note.clone())
                    .value(DualDisplays::UpdatedAt, now)
                    .and_where(Expr::col(DualDisplays::OrgId).eq(org_id))
                    .to_owned(),
            )
            .await?;
        } else {
            tx.execute(
                &Query::insert()
                    .into_table(DualDisplays::Table)
                    .columns([
                        DualDisplays::OrgId,
                        DualDisplays::Sign,
                        DualDisplays::Identity,
                        DualDisplays::Deeds,
                        DualDisplays::CheckedOn,
                        DualDisplays::CheckedBy,
                        DualDisplays::Note,
                        DualDisplays::UpdatedAt,
                    ])
                    .values_panic([
                        org_id.into(),
                        s.sign.into(),
                        s.identity.into(),
                        s.deeds.into(),
                        input.checked_on.into(),
                        checked_by.clone().into(),
                        note.clone().into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        let after = DualDisplayRecord {
            org_id,
            sign: s.sign,
            identity: s.identity,
            deeds: s.deeds,
            checked_on: input.checked_on,
            checked_by,
            note,
        };
        audit::record(
            &mut tx,
            actor,
            "dual_display.check",
            Target::new("org", Some(org_id), Some(org_id)),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    pub async fn dual_display(&self, org_id: i64) -> Result<Option<DualDisplayRecord>> {
        let mut tx = self.read().await?;
        dual_in(&mut tx, org_id).await
    }

    /// Seed 000's rule for the honors: `Ok` when the union has shown all three, otherwise the
    /// refusal ("未开展双亮的单位不得参加市级以上模范职工之家…评选（尚未…）").
    pub async fn check_dual_display_eligible(&self, org_id: i64) -> Result<()> {
        let status = self.dual_display(org_id).await?.map(|r| r.status());
        gonghui_domain::dual_display_eligible(status).map_err(|e| Error::rule(e.0))
    }

    /// 双亮覆盖面 of an org's subtree, per child: enterprises with at least `min_employees`
    /// employees that have a union, and those whose union shows all three.
    pub async fn dual_display_coverage(
        &self,
        org: &Org,
        min_employees: i64,
    ) -> Result<InstrumentCoverage> {
        let mut tx = self.read().await?;
        let units = dual_units(&mut tx, &org.path, min_employees).await?;
        tally(
            &mut tx,
            org,
            units.into_iter().map(|u| (u.org_path.clone(), u.done())),
        )
        .await
    }

    pub async fn dual_display_units(
        &self,
        org: &Org,
        min_employees: i64,
    ) -> Result<Vec<DualEligibleUnit>> {
        let mut tx = self.read().await?;
        dual_units(&mut tx, &org.path, min_employees).await
    }
}

async fn dual_in(tx: &mut Tx, org_id: i64) -> Result<Option<DualDisplayRecord>> {
    tx.optional(
        &Query::select()
            .columns([
                DualDisplays::OrgId,
                DualDisplays::Sign,
                DualDisplays::Identity,
                DualDisplays::Deeds,
                DualDisplays::CheckedOn,
                DualDisplays::CheckedBy,
                DualDisplays::Note,
            ])
            .from(DualDisplays::Table)
            .and_where(Expr::col(DualDisplays::OrgId).eq(org_id))
            .to_owned(),
    )
    .await
}

async fn park_status_in(tx: &mut Tx, org: Org) -> Result<ParkStatus> {
    let items = four_items_in(tx, org.id).await?;
    let status: Vec<(FourItem, bool)> = items.iter().map(|i| (i.item, i.in_place)).collect();
    Ok(ParkStatus {
        missing: four_missing(&status),
        subsidies: subsidies_in(tx, org.id).await?,
        org_id: org.id,
        name: org.name,
        parent_id: org.parent_id,
        items,
    })
}

/// The form field of an item's evidence.
pub fn four_field(item: FourItem) -> &'static str {
    match item {
        FourItem::Organization => "evidence_organization",
        FourItem::Office => "evidence_office",
        FourItem::Cadres => "evidence_cadres",
        FourItem::Funds => "evidence_funds",
    }
}

fn four_example(item: FourItem) -> &'static str {
    match item {
        FourItem::Organization => "编办或党工委批复工会机构的文号",
        FourItem::Office => "办公场所地址和面积",
        FourItem::Cadres => "专职工会干部姓名和人数",
        FourItem::Funds => "年度预算安排的工会工作经费",
    }
}
