//! 任期与换届选举 (`term`, `election`) and 组织建设提醒 (reminders).
//!
//! Each org has terms of office (届): one current, the rest history. A 换届选举 is tracked
//! step by step in the order of seed 001 (`ElectionStep`); its last step ends the current term
//! on the congress date, opens the next one (届次 + 1, starting on the congress date), and ends
//! the old officers of the three committees on that date. The rules that need no data (term
//! lengths, step order, dates, the reason of an early or late election) are in
//! `gonghui_domain::term`; this module applies them with the data inside one transaction.
//!
//! Who may do a step is the web layer's business (the two approvals belong to the affiliation
//! parent's staff); the store records which org approved and checks it is the parent.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    CommitteeKind, ElectionKind, ElectionStatus, ElectionStep, OrgKind, ReminderKind, TermStatus,
    check_approval_reason, check_election_kind, check_step_date, check_step_order,
    check_term_number, check_term_years, reminders_for, term_end,
};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree, load_active};
use crate::schema::{ElectionSteps, Elections, Officers, OrgTerms, Orgs};
use crate::{Error, Result, Store};

/// Children listed the way federations list them (as on the org page).
const KIND_ORDER: &str = "CASE orgs.kind WHEN 'city_federation' THEN 0 WHEN 'county_federation' THEN 1 WHEN 'industrial_union' THEN 2 WHEN 'sector_federation' THEN 3 WHEN 'area_federation' THEN 4 ELSE 5 END";

/// One term of office (届) of an org.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Term {
    pub id: i64,
    pub org_id: i64,
    /// 届次
    pub number: i64,
    pub start_on: NaiveDate,
    pub years: i64,
    /// 届满日: start + years.
    pub end_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: TermStatus,
    /// When the next term began (the congress date of the election that ended this one).
    pub ended_on: Option<NaiveDate>,
    pub election_id: Option<i64>,
    pub note: Option<String>,
}

impl Term {
    pub fn is_current(&self) -> bool {
        self.status == TermStatus::Current
    }
}

/// A term recorded by hand: the first one known to the system, or one elected outside it.
#[derive(Debug, Clone, Serialize)]
pub struct TermInput {
    pub number: i64,
    pub start_on: NaiveDate,
    pub years: u32,
    pub note: Option<String>,
}

/// One 换届选举.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Election {
    pub id: i64,
    pub org_id: i64,
    pub term_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ElectionKind,
    #[sqlx(try_from = "String")]
    pub status: ElectionStatus,
    pub started_on: NaiveDate,
    pub reason: Option<String>,
    pub new_years: Option<i64>,
    pub completed_on: Option<NaiveDate>,
    pub new_term_id: Option<i64>,
    pub cancelled_on: Option<NaiveDate>,
    pub cancel_reason: Option<String>,
    pub note: Option<String>,
    pub created_by: String,
    /// 届次 of the term this election ends.
    pub term_number: i64,
    pub term_end: NaiveDate,
}

impl Election {
    pub fn in_progress(&self) -> bool {
        self.status == ElectionStatus::InProgress
    }
}

/// A step done.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct StepRecord {
    pub id: i64,
    pub election_id: i64,
    #[sqlx(try_from = "String")]
    pub step: ElectionStep,
    pub seq: i64,
    pub done_on: NaiveDate,
    pub person: String,
    pub documents: Option<String>,
    pub note: Option<String>,
    pub approver_org_id: Option<i64>,
    pub recorded_by: String,
}

/// An election with the steps done so far.
#[derive(Debug, Clone, Serialize)]
pub struct ElectionView {
    pub election: Election,
    pub steps: Vec<StepRecord>,
}

impl ElectionView {
    /// The step to do next (None once all are done or the election has ended).
    pub fn next_step(&self) -> Option<ElectionStep> {
        if self.election.in_progress() {
            ElectionStep::after(self.steps.len())
        } else {
            None
        }
    }

    pub fn step(&self, step: ElectionStep) -> Option<&StepRecord> {
        self.steps.iter().find(|s| s.step == step)
    }

    /// The congress date, once the congress has been held.
    pub fn congress_on(&self) -> Option<NaiveDate> {
        self.step(ElectionStep::Congress).map(|s| s.done_on)
    }
}

/// What a person records for one step.
#[derive(Debug, Clone, Serialize)]
pub struct StepInput {
    pub step: ElectionStep,
    pub done_on: NaiveDate,
    /// 负责人/经办人
    pub person: String,
    /// 文号、标题
    pub documents: Option<String>,
    pub note: Option<String>,
    /// 上级批复 of an early or late election: why the parent agreed.
    pub reason: Option<String>,
    /// 召开会员（代表）大会: the length of the next term (default: the same as this one).
    pub new_years: Option<u32>,
    /// 上级批复 and 批复: the org that approved (the web layer passes the affiliation parent
    /// whose staff is acting).
    pub approver_org_id: Option<i64>,
}

impl StepInput {
    pub fn new(step: ElectionStep, done_on: NaiveDate, person: impl Into<String>) -> StepInput {
        StepInput {
            step,
            done_on,
            person: person.into(),
            documents: None,
            note: None,
            reason: None,
            new_years: None,
            approver_org_id: None,
        }
    }
}

/// What a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    Recorded,
    /// The last step: the election is complete and this is the new term.
    Completed {
        new_term_id: i64,
    },
}

/// Everything the 任期与换届 page shows, read in one snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct TermOverview {
    pub current: Option<Term>,
    /// Past terms, newest first.
    pub history: Vec<Term>,
    pub in_progress: Option<ElectionView>,
    /// Every election, newest first (the one in progress included).
    pub elections: Vec<Election>,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn opt_trim(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn select_terms() -> SelectStatement {
    Query::select()
        .columns([
            OrgTerms::Id,
            OrgTerms::OrgId,
            OrgTerms::Number,
            OrgTerms::StartOn,
            OrgTerms::Years,
            OrgTerms::EndOn,
            OrgTerms::Status,
            OrgTerms::EndedOn,
            OrgTerms::ElectionId,
            OrgTerms::Note,
        ])
        .from(OrgTerms::Table)
        .to_owned()
}

fn select_elections() -> SelectStatement {
    Query::select()
        .columns([
            (Elections::Table, Elections::Id),
            (Elections::Table, Elections::OrgId),
            (Elections::Table, Elections::TermId),
            (Elections::Table, Elections::Kind),
            (Elections::Table, Elections::Status),
            (Elections::Table, Elections::StartedOn),
            (Elections::Table, Elections::Reason),
            (Elections::Table, Elections::NewYears),
            (Elections::Table, Elections::CompletedOn),
            (Elections::Table, Elections::NewTermId),
            (Elections::Table, Elections::CancelledOn),
            (Elections::Table, Elections::CancelReason),
            (Elections::Table, Elections::Note),
            (Elections::Table, Elections::CreatedBy),
        ])
        .expr_as(
            Expr::col((OrgTerms::Table, OrgTerms::Number)),
            "term_number",
        )
        .expr_as(Expr::col((OrgTerms::Table, OrgTerms::EndOn)), "term_end")
        .from(Elections::Table)
        .inner_join(
            OrgTerms::Table,
            Expr::col((OrgTerms::Table, OrgTerms::Id))
                .equals((Elections::Table, Elections::TermId)),
        )
        .to_owned()
}

pub(crate) async fn current_term_in(tx: &mut Tx, org_id: i64) -> Result<Option<Term>> {
    tx.optional(
        &select_terms()
            .and_where(Expr::col(OrgTerms::OrgId).eq(org_id))
            .and_where(Expr::col(OrgTerms::Status).eq(TermStatus::Current.code()))
            .to_owned(),
    )
    .await
}

async fn open_election_in(tx: &mut Tx, org_id: i64) -> Result<Option<Election>> {
    tx.optional(
        &select_elections()
            .and_where(Expr::col((Elections::Table, Elections::OrgId)).eq(org_id))
            .and_where(
                Expr::col((Elections::Table, Elections::Status))
                    .eq(ElectionStatus::InProgress.code()),
            )
            .to_owned(),
    )
    .await
}

async fn steps_in(tx: &mut Tx, election_id: i64) -> Result<Vec<StepRecord>> {
    tx.all(
        &Query::select()
            .columns([
                ElectionSteps::Id,
                ElectionSteps::ElectionId,
                ElectionSteps::Step,
                ElectionSteps::Seq,
                ElectionSteps::DoneOn,
                ElectionSteps::Person,
                ElectionSteps::Documents,
                ElectionSteps::Note,
                ElectionSteps::ApproverOrgId,
                ElectionSteps::RecordedBy,
            ])
            .from(ElectionSteps::Table)
            .and_where(Expr::col(ElectionSteps::ElectionId).eq(election_id))
            .order_by(ElectionSteps::Seq, Order::Asc)
            .to_owned(),
    )
    .await
}

pub(crate) async fn insert_term(
    tx: &mut Tx,
    org_id: i64,
    number: i64,
    start_on: NaiveDate,
    years: u32,
    election_id: Option<i64>,
    note: Option<String>,
) -> Result<i64> {
    tx.insert_id(
        Query::insert()
            .into_table(OrgTerms::Table)
            .columns([
                OrgTerms::OrgId,
                OrgTerms::Number,
                OrgTerms::StartOn,
                OrgTerms::Years,
                OrgTerms::EndOn,
                OrgTerms::Status,
                OrgTerms::ElectionId,
                OrgTerms::Note,
                OrgTerms::CreatedAt,
            ])
            .values_panic([
                org_id.into(),
                number.into(),
                start_on.into(),
                (years as i64).into(),
                term_end(start_on, years).into(),
                TermStatus::Current.code().into(),
                election_id.into(),
                note.into(),
                Utc::now().into(),
            ])
            .to_owned(),
    )
    .await
    .map_err(|e| {
        if e.is_unique_violation() {
            Error::invalid("number", format!("第{number}届已经登记过，请核对届次"))
        } else {
            e
        }
    })
}

async fn end_term(tx: &mut Tx, term_id: i64, on: NaiveDate) -> Result<()> {
    tx.execute(
        &Query::update()
            .table(OrgTerms::Table)
            .values([
                (OrgTerms::Status, TermStatus::Ended.code().into()),
                (OrgTerms::EndedOn, on.into()),
            ])
            .and_where(Expr::col(OrgTerms::Id).eq(term_id))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The officers of the three committees leave office on the congress date that elected their
/// successors. Practising lawyers (appointed, not elected) and officers whose term began on or
/// after that date (already recorded for the new term) stay.
async fn end_old_officers(tx: &mut Tx, org_id: i64, on: NaiveDate) -> Result<Vec<i64>> {
    let three: Vec<&str> = CommitteeKind::THREE.iter().map(|k| k.code()).collect();
    let ids: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(Officers::Id)
                .from(Officers::Table)
                .and_where(Expr::col(Officers::OrgId).eq(org_id))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .and_where(Expr::col(Officers::Committee).is_in(three))
                .and_where(
                    Expr::col(Officers::Source).ne(gonghui_domain::OfficerSource::Lawyer.code()),
                )
                .and_where(
                    Expr::col(Officers::TermStart)
                        .is_null()
                        .or(Expr::col(Officers::TermStart).lt(on)),
                )
                .order_by(Officers::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|r| r.0).collect();
    if !ids.is_empty() {
        tx.execute(
            &Query::update()
                .table(Officers::Table)
                .value(Officers::LeftOn, on)
                .and_where(Expr::col(Officers::Id).is_in(ids.clone()))
                .to_owned(),
        )
        .await?;
    }
    Ok(ids)
}

#[derive(Serialize)]
struct Completion<'a> {
    election: &'a Election,
    step: &'a StepInput,
    ended_term: &'a Term,
    new_term: Option<&'a Term>,
    officers_left: Vec<i64>,
}

impl Store {
    /// The current term of an org, if one is recorded.
    pub async fn current_term(&self, org_id: i64) -> Result<Option<Term>> {
        let mut tx = self.read().await?;
        current_term_in(&mut tx, org_id).await
    }

    /// Record a term by hand: the first term the system knows of, or one elected outside the
    /// tracked procedure. A current term is ended on the new term's start date.
    pub async fn record_term(&self, actor: &Actor, org_id: i64, input: TermInput) -> Result<i64> {
        check_term_number(input.number).map_err(Error::field("number"))?;
        if input.start_on > today() {
            return Err(Error::invalid(
                "start_on",
                format!(
                    "任期开始日期 {} 晚于今天：请在大会选举产生新一届委员会后再登记",
                    input.start_on
                ),
            ));
        }
        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        check_term_years(org.kind, input.years).map_err(Error::field("years"))?;
        if let Some(e) = open_election_in(&mut tx, org_id).await? {
            return Err(Error::rule(format!(
                "本组织有进行中的换届选举（{}发起），新一届任期将在选举办完最后一步时自动产生；如不再进行，请先撤销该换届选举",
                e.started_on
            )));
        }
        let current = current_term_in(&mut tx, org_id).await?;
        if let Some(c) = &current {
            if input.number <= c.number {
                return Err(Error::invalid(
                    "number",
                    format!("本届为第{}届，新登记的一届届次应大于{}", c.number, c.number),
                ));
            }
            if input.start_on <= c.start_on {
                return Err(Error::invalid(
                    "start_on",
                    format!(
                        "新一届的开始日期应晚于本届（第{}届）的开始日期 {}",
                        c.number, c.start_on
                    ),
                ));
            }
            end_term(&mut tx, c.id, input.start_on).await?;
        }
        let id = insert_term(
            &mut tx,
            org_id,
            input.number,
            input.start_on,
            input.years,
            None,
            opt_trim(&input.note),
        )
        .await?;
        let term = tx
            .one::<Term, _>(
                &select_terms()
                    .and_where(Expr::col(OrgTerms::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        audit::record(
            &mut tx,
            actor,
            "term.record",
            Target::new("term", Some(id), Some(org_id)),
            current.as_ref(),
            Some(&term),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Start a 换届选举 of the org's current term. One election at a time per org; once the
    /// term has ended only a late election (延期换届) may start.
    pub async fn start_election(
        &self,
        actor: &Actor,
        org_id: i64,
        kind: ElectionKind,
        started_on: Option<NaiveDate>,
        note: Option<String>,
    ) -> Result<i64> {
        let started_on = started_on.unwrap_or_else(today);
        if started_on > today() {
            return Err(Error::invalid(
                "started_on",
                format!("发起日期 {started_on} 晚于今天，请核对"),
            ));
        }
        let mut tx = self.begin().await?;
        load_active(&mut tx, org_id, "org_id").await?;
        let Some(term) = current_term_in(&mut tx, org_id).await? else {
            return Err(Error::rule(
                "换届选举是对本届委员会的换届：请先在“任期与换届”中登记本届任期（第几届、开始日期、任期年限）",
            ));
        };
        if let Some(e) = open_election_in(&mut tx, org_id).await? {
            return Err(Error::rule(format!(
                "本组织已有进行中的换届选举（{}，{}发起），请先办完或撤销它",
                e.kind.label(),
                e.started_on
            )));
        }
        if started_on < term.start_on {
            return Err(Error::invalid(
                "started_on",
                format!(
                    "发起日期不能早于本届（第{}届）任期的开始日期 {}",
                    term.number, term.start_on
                ),
            ));
        }
        check_election_kind(kind, term.end_on, started_on).map_err(Error::field("kind"))?;
        let now = Utc::now();
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Elections::Table)
                    .columns([
                        Elections::OrgId,
                        Elections::TermId,
                        Elections::Kind,
                        Elections::Status,
                        Elections::StartedOn,
                        Elections::Note,
                        Elections::CreatedBy,
                        Elections::CreatedAt,
                    ])
                    .values_panic([
                        org_id.into(),
                        term.id.into(),
                        kind.code().into(),
                        ElectionStatus::InProgress.code().into(),
                        started_on.into(),
                        opt_trim(&note).into(),
                        actor.name.clone().into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await
            .map_err(|e| {
                if e.is_unique_violation() {
                    Error::rule("本组织已有进行中的换届选举，请先办完或撤销它")
                } else {
                    e
                }
            })?;
        let election = open_election_in(&mut tx, org_id)
            .await?
            .ok_or(Error::NotFound("换届选举"))?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "election.start",
            Target::new("election", Some(id), Some(org_id)),
            None,
            Some(&election),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Do the next step of the org's election in progress. The last step completes it: the
    /// current term ends on the congress date, the next term (届次 + 1) starts then, and the
    /// old officers of the three committees leave office on that date.
    pub async fn complete_step(
        &self,
        actor: &Actor,
        org_id: i64,
        input: StepInput,
    ) -> Result<StepOutcome> {
        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        let Some(election) = open_election_in(&mut tx, org_id).await? else {
            return Err(Error::rule("本组织没有进行中的换届选举，请先发起换届选举"));
        };
        let steps = steps_in(&mut tx, election.id).await?;
        let view = ElectionView {
            election: election.clone(),
            steps,
        };
        check_step_order(view.next_step(), input.step).map_err(|e| Error::rule(e.0))?;
        let term = tx
            .one::<Term, _>(
                &select_terms()
                    .and_where(Expr::col(OrgTerms::Id).eq(election.term_id))
                    .to_owned(),
            )
            .await?;
        let previous = view.steps.last().map(|s| (s.step, s.done_on));
        if previous.is_none() && input.done_on < term.start_on {
            return Err(Error::invalid(
                "done_on",
                format!(
                    "日期不能早于本届（第{}届）任期的开始日期 {}，请核对",
                    term.number, term.start_on
                ),
            ));
        }
        check_step_date(previous, input.done_on, today()).map_err(Error::field("done_on"))?;
        let person = input.person.trim();
        if person.chars().count() < 2 {
            return Err(Error::invalid(
                "person",
                "请填写负责人（经办人）姓名，例如“王建华”",
            ));
        }
        let documents = opt_trim(&input.documents);
        let mut approver = None;
        if input.step.is_approval() {
            match (org.parent_id, input.approver_org_id) {
                (Some(p), Some(a)) if p == a => approver = Some(p),
                (None, _) => approver = None,
                _ => {
                    return Err(Error::rule(format!(
                        "“{}”应由隶属上级工会办理：请由上级工会的工作人员登记",
                        input.step.label()
                    )));
                }
            }
            if documents.is_none() {
                return Err(Error::invalid(
                    "documents",
                    format!(
                        "请填写{}文件的文号或标题，例如“关于同意召开第三次会员代表大会的批复（石工发〔2024〕12号）”",
                        input.step.label()
                    ),
                ));
            }
        }
        let mut reason = None;
        if input.step == ElectionStep::ParentApproval {
            check_approval_reason(election.kind, input.reason.as_deref())
                .map_err(Error::field("reason"))?;
            reason = opt_trim(&input.reason);
        }
        let mut new_years = None;
        if input.step == ElectionStep::Congress {
            let years = input.new_years.unwrap_or(term.years as u32);
            check_term_years(org.kind, years).map_err(Error::field("new_years"))?;
            new_years = Some(years as i64);
        }
        tx.execute(
            &Query::insert()
                .into_table(ElectionSteps::Table)
                .columns([
                    ElectionSteps::ElectionId,
                    ElectionSteps::Step,
                    ElectionSteps::Seq,
                    ElectionSteps::DoneOn,
                    ElectionSteps::Person,
                    ElectionSteps::Documents,
                    ElectionSteps::Note,
                    ElectionSteps::ApproverOrgId,
                    ElectionSteps::RecordedBy,
                    ElectionSteps::RecordedAt,
                ])
                .values_panic([
                    election.id.into(),
                    input.step.code().into(),
                    (input.step.index() as i64).into(),
                    input.done_on.into(),
                    person.into(),
                    documents.into(),
                    opt_trim(&input.note).into(),
                    approver.into(),
                    actor.name.clone().into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
        if reason.is_some() || new_years.is_some() {
            let mut q = Query::update();
            q.table(Elections::Table)
                .and_where(Expr::col(Elections::Id).eq(election.id));
            if let Some(r) = &reason {
                q.value(Elections::Reason, r.clone());
            }
            if let Some(y) = new_years {
                q.value(Elections::NewYears, y);
            }
            tx.execute(&q).await?;
        }
        let target = Target::new("election", Some(election.id), Some(org_id));
        if !input.step.is_last() {
            audit::record(
                &mut tx,
                actor,
                "election.step",
                target,
                Some(&election),
                Some(&input),
            )
            .await?;
            tx.commit().await?;
            return Ok(StepOutcome::Recorded);
        }

        // The last step: close the old term, open the next one.
        let congress = view
            .congress_on()
            .ok_or(Error::rule("还没有召开会员（代表）大会，不能完成换届"))?;
        let years = election.new_years.unwrap_or(term.years) as u32;
        end_term(&mut tx, term.id, congress).await?;
        let new_term_id = insert_term(
            &mut tx,
            org_id,
            term.number + 1,
            congress,
            years,
            Some(election.id),
            None,
        )
        .await?;
        tx.execute(
            &Query::update()
                .table(Elections::Table)
                .values([
                    (Elections::Status, ElectionStatus::Completed.code().into()),
                    (Elections::CompletedOn, input.done_on.into()),
                    (Elections::NewTermId, new_term_id.into()),
                ])
                .and_where(Expr::col(Elections::Id).eq(election.id))
                .to_owned(),
        )
        .await?;
        let officers_left = end_old_officers(&mut tx, org_id, congress).await?;
        let new_term = tx
            .one::<Term, _>(
                &select_terms()
                    .and_where(Expr::col(OrgTerms::Id).eq(new_term_id))
                    .to_owned(),
            )
            .await?;
        audit::record(
            &mut tx,
            actor,
            "election.complete",
            target,
            Some(&Completion {
                election: &election,
                step: &input,
                ended_term: &term,
                new_term: None,
                officers_left: vec![],
            }),
            Some(&Completion {
                election: &election,
                step: &input,
                ended_term: &term,
                new_term: Some(&new_term),
                officers_left,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(StepOutcome::Completed { new_term_id })
    }

    /// Abandon the org's election in progress (started by mistake, or replaced by another
    /// kind). Its steps stay as history; the term is unchanged.
    pub async fn cancel_election(
        &self,
        actor: &Actor,
        org_id: i64,
        reason: Option<String>,
    ) -> Result<()> {
        let Some(reason) = opt_trim(&reason).filter(|r| r.chars().count() >= 2) else {
            return Err(Error::invalid(
                "cancel_reason",
                "请填写撤销本次换届选举的原因，例如“误按按期换届发起，改为延期换届”",
            ));
        };
        let mut tx = self.begin().await?;
        let Some(election) = open_election_in(&mut tx, org_id).await? else {
            return Err(Error::rule("本组织没有进行中的换届选举"));
        };
        tx.execute(
            &Query::update()
                .table(Elections::Table)
                .values([
                    (Elections::Status, ElectionStatus::Cancelled.code().into()),
                    (Elections::CancelledOn, today().into()),
                    (Elections::CancelReason, reason.clone().into()),
                ])
                .and_where(Expr::col(Elections::Id).eq(election.id))
                .to_owned(),
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "election.cancel",
            Target::new("election", Some(election.id), Some(org_id)),
            Some(&election),
            Some(&reason),
        )
        .await?;
        tx.commit().await
    }

    /// The 任期与换届 page's data: current term, history, the election in progress with its
    /// steps, and every election.
    pub async fn term_overview(&self, org_id: i64) -> Result<TermOverview> {
        let mut tx = self.read().await?;
        let terms: Vec<Term> = tx
            .all(
                &select_terms()
                    .and_where(Expr::col(OrgTerms::OrgId).eq(org_id))
                    .order_by(OrgTerms::Number, Order::Desc)
                    .to_owned(),
            )
            .await?;
        let (current, history): (Vec<Term>, Vec<Term>) =
            terms.into_iter().partition(|t| t.is_current());
        let elections: Vec<Election> = tx
            .all(
                &select_elections()
                    .and_where(Expr::col((Elections::Table, Elections::OrgId)).eq(org_id))
                    .order_by((Elections::Table, Elections::StartedOn), Order::Desc)
                    .order_by((Elections::Table, Elections::Id), Order::Desc)
                    .to_owned(),
            )
            .await?;
        let in_progress = match elections.iter().find(|e| e.in_progress()) {
            Some(e) => Some(ElectionView {
                election: e.clone(),
                steps: steps_in(&mut tx, e.id).await?,
            }),
            None => None,
        };
        Ok(TermOverview {
            current: current.into_iter().next(),
            history,
            in_progress,
            elections,
        })
    }

    /// One election of an org with its steps: `election_id`, or else the one in progress, or
    /// else the latest. `None` when the org has had no election (or the id is another org's).
    pub async fn election_view(
        &self,
        org_id: i64,
        election_id: Option<i64>,
    ) -> Result<Option<ElectionView>> {
        let mut tx = self.read().await?;
        let mut q = select_elections()
            .and_where(Expr::col((Elections::Table, Elections::OrgId)).eq(org_id))
            .order_by_expr(
                Expr::cust("CASE elections.status WHEN 'in_progress' THEN 0 ELSE 1 END"),
                Order::Asc,
            )
            .order_by((Elections::Table, Elections::StartedOn), Order::Desc)
            .order_by((Elections::Table, Elections::Id), Order::Desc)
            .limit(1)
            .to_owned();
        if let Some(id) = election_id {
            q.and_where(Expr::col((Elections::Table, Elections::Id)).eq(id));
        }
        let Some(election) = tx.optional::<Election, _>(&q).await? else {
            return Ok(None);
        };
        let steps = steps_in(&mut tx, election.id).await?;
        Ok(Some(ElectionView { election, steps }))
    }
}

// ---------------------------------------------------------------------------------------------
// 组织建设提醒
// ---------------------------------------------------------------------------------------------

/// Counts of each reminder over some orgs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReminderCounts {
    /// Active orgs counted.
    pub orgs: i64,
    pub ending: i64,
    pub overdue: i64,
    pub no_chair: i64,
    pub missing_committees: i64,
    pub no_term: i64,
}

impl ReminderCounts {
    pub fn get(&self, kind: ReminderKind) -> i64 {
        match kind {
            ReminderKind::EndingSoon => self.ending,
            ReminderKind::Overdue => self.overdue,
            ReminderKind::NoChair => self.no_chair,
            ReminderKind::MissingCommittees => self.missing_committees,
            ReminderKind::NoTerm => self.no_term,
        }
    }

    fn add(&mut self, kinds: &[ReminderKind]) {
        self.orgs += 1;
        for k in kinds {
            match k {
                ReminderKind::EndingSoon => self.ending += 1,
                ReminderKind::Overdue => self.overdue += 1,
                ReminderKind::NoChair => self.no_chair += 1,
                ReminderKind::MissingCommittees => self.missing_committees += 1,
                ReminderKind::NoTerm => self.no_term += 1,
            }
        }
    }
}

/// One row of the reminder table: the org itself (本级) or one direct child with its whole
/// subtree, each org counted once along affiliation.
#[derive(Debug, Clone, Serialize)]
pub struct ReminderRow {
    pub org_id: i64,
    pub name: String,
    pub kind_label: &'static str,
    /// The org the table is about, counted alone.
    pub is_self: bool,
    pub counts: ReminderCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReminderTable {
    pub as_of: NaiveDate,
    pub rows: Vec<ReminderRow>,
    pub total: ReminderCounts,
}

/// One org in a reminder list.
#[derive(Debug, Clone, Serialize)]
pub struct ReminderItem {
    pub org_id: i64,
    pub name: String,
    pub path: String,
    pub kind_label: &'static str,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub parent_path: Option<String>,
    pub term_number: Option<i64>,
    pub term_end: Option<NaiveDate>,
    pub has_chair: bool,
    /// Which of the 三委会 are missing.
    pub missing_committees: Vec<CommitteeKind>,
    /// The election in progress: its kind and next step.
    pub election: Option<(ElectionKind, Option<ElectionStep>)>,
    pub reminders: Vec<ReminderKind>,
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    id: i64,
    name: String,
    path: String,
    depth: i64,
    #[sqlx(try_from = "String")]
    kind: OrgKind,
    sub_kind: Option<String>,
    parent_id: Option<i64>,
    parent_name: Option<String>,
    parent_path: Option<String>,
    term_number: Option<i64>,
    term_end: Option<NaiveDate>,
    chairs: i64,
    has_union_committee: i64,
    has_funds_review: i64,
    has_women_workers: i64,
    election_kind: Option<String>,
    election_steps: i64,
}

impl StatusRow {
    fn kind_label(&self) -> &'static str {
        let s = self.sub_kind.as_deref();
        s.and_then(gonghui_domain::GrassrootsKind::from_code)
            .map(|g| g.label())
            .or(s
                .and_then(gonghui_domain::AreaKind::from_code)
                .map(|a| a.label()))
            .unwrap_or(self.kind.label())
    }

    fn missing(&self) -> Vec<CommitteeKind> {
        let have = [
            self.has_union_committee,
            self.has_funds_review,
            self.has_women_workers,
        ];
        CommitteeKind::THREE
            .iter()
            .zip(have)
            .filter(|(_, n)| *n == 0)
            .map(|(k, _)| *k)
            .collect()
    }

    fn reminders(&self, as_of: NaiveDate) -> Vec<ReminderKind> {
        reminders_for(
            self.term_end,
            self.chairs > 0,
            3 - self.missing().len(),
            as_of,
        )
    }
}

/// Every active org of the subtree with what the reminders need, in the order children are
/// listed. The reminder rules themselves are `gonghui_domain::reminders_for`.
async fn status_rows(tx: &mut Tx, org: &Org, as_of: NaiveDate) -> Result<Vec<StatusRow>> {
    // Inlined rather than bound (custom SQL must not carry placeholders); an ISO date.
    let day = as_of.format("%Y-%m-%d");
    let committee = |kind: CommitteeKind| {
        Expr::cust(format!(
            "(SELECT COUNT(*) FROM committees c WHERE c.org_id = orgs.id AND c.kind = '{}')",
            kind.code()
        ))
    };
    let q = Query::select()
        .columns([
            (Orgs::Table, Orgs::Id),
            (Orgs::Table, Orgs::Name),
            (Orgs::Table, Orgs::Path),
            (Orgs::Table, Orgs::Depth),
            (Orgs::Table, Orgs::Kind),
            (Orgs::Table, Orgs::SubKind),
            (Orgs::Table, Orgs::ParentId),
        ])
        .expr_as(
            Expr::cust("(SELECT p.name FROM orgs p WHERE p.id = orgs.parent_id)"),
            "parent_name",
        )
        .expr_as(
            Expr::cust("(SELECT p.path FROM orgs p WHERE p.id = orgs.parent_id)"),
            "parent_path",
        )
        .expr_as(Expr::col((OrgTerms::Table, OrgTerms::Number)), "term_number")
        .expr_as(Expr::col((OrgTerms::Table, OrgTerms::EndOn)), "term_end")
        .expr_as(
            Expr::cust(format!(
                "(SELECT COUNT(*) FROM officers f WHERE f.org_id = orgs.id AND f.committee = 'union_committee' AND f.role = 'chair' AND (f.left_on IS NULL OR f.left_on > '{day}'))"
            )),
            "chairs",
        )
        .expr_as(committee(CommitteeKind::UnionCommittee), "has_union_committee")
        .expr_as(committee(CommitteeKind::FundsReviewCommittee), "has_funds_review")
        .expr_as(committee(CommitteeKind::WomenWorkersCommittee), "has_women_workers")
        .expr_as(Expr::col((Elections::Table, Elections::Kind)), "election_kind")
        .expr_as(
            Expr::cust(
                "(SELECT COUNT(*) FROM election_steps s WHERE s.election_id = elections.id)",
            ),
            "election_steps",
        )
        .from(Orgs::Table)
        .left_join(
            OrgTerms::Table,
            Expr::col((OrgTerms::Table, OrgTerms::OrgId))
                .equals((Orgs::Table, Orgs::Id))
                .and(Expr::col((OrgTerms::Table, OrgTerms::Status)).eq(TermStatus::Current.code())),
        )
        .left_join(
            Elections::Table,
            Expr::col((Elections::Table, Elections::OrgId))
                .equals((Orgs::Table, Orgs::Id))
                .and(
                    Expr::col((Elections::Table, Elections::Status))
                        .eq(ElectionStatus::InProgress.code()),
                ),
        )
        .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
        .and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(crate::orgs::ACTIVE))
        .order_by((Orgs::Table, Orgs::Depth), Order::Asc)
        .order_by_expr(Expr::cust(KIND_ORDER), Order::Asc)
        .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
        .order_by((Orgs::Table, Orgs::Id), Order::Asc)
        .to_owned();
    tx.all(&q).await
}

/// The direct child of `top` whose subtree holds `path` (None for `top` itself).
fn child_of(top: &str, path: &str) -> Option<i64> {
    path.strip_prefix(top)?
        .split('/')
        .next()
        .and_then(|s| s.parse().ok())
}

impl Store {
    /// 组织建设提醒 of an org's subtree as of a date: one row for the org itself and one per
    /// active direct child (with its whole subtree), each org counted once along affiliation.
    pub async fn reminders(&self, org: &Org, as_of: NaiveDate) -> Result<ReminderTable> {
        let mut tx = self.read().await?;
        let rows = status_rows(&mut tx, org, as_of).await?;
        let mut table = ReminderTable {
            as_of,
            rows: Vec::new(),
            total: ReminderCounts::default(),
        };
        // Rows come depth first, so the org itself and then its children open the table.
        for r in &rows {
            if r.id == org.id || r.depth == org.depth + 1 {
                table.rows.push(ReminderRow {
                    org_id: r.id,
                    name: r.name.clone(),
                    kind_label: r.kind_label(),
                    is_self: r.id == org.id,
                    counts: ReminderCounts::default(),
                });
            }
        }
        let index: std::collections::HashMap<i64, usize> = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.org_id, i))
            .collect();
        for r in &rows {
            let kinds = r.reminders(as_of);
            table.total.add(&kinds);
            let row = child_of(&org.path, &r.path).unwrap_or(org.id);
            if let Some(i) = index.get(&row) {
                table.rows[*i].counts.add(&kinds);
            }
        }
        Ok(table)
    }

    /// The orgs of a subtree that one reminder applies to, in tree order.
    pub async fn reminder_list(
        &self,
        org: &Org,
        kind: ReminderKind,
        as_of: NaiveDate,
    ) -> Result<Vec<ReminderItem>> {
        let mut tx = self.read().await?;
        let rows = status_rows(&mut tx, org, as_of).await?;
        let mut out: Vec<ReminderItem> = rows
            .into_iter()
            .filter_map(|r| {
                let reminders = r.reminders(as_of);
                if !reminders.contains(&kind) {
                    return None;
                }
                let election = r
                    .election_kind
                    .as_deref()
                    .and_then(ElectionKind::from_code)
                    .map(|k| (k, ElectionStep::after(r.election_steps as usize)));
                Some(ReminderItem {
                    org_id: r.id,
                    kind_label: r.kind_label(),
                    missing_committees: r.missing(),
                    has_chair: r.chairs > 0,
                    name: r.name,
                    path: r.path,
                    parent_id: r.parent_id,
                    parent_name: r.parent_name,
                    parent_path: r.parent_path,
                    term_number: r.term_number,
                    term_end: r.term_end,
                    election,
                    reminders,
                })
            })
            .collect();
        // Terms by their end date (most urgent first); the other lists in tree order.
        if matches!(kind, ReminderKind::EndingSoon | ReminderKind::Overdue) {
            out.sort_by_key(|i| i.term_end);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::child_of;

    #[test]
    fn children_by_path() {
        assert_eq!(child_of("/1/7/", "/1/7/"), None);
        assert_eq!(child_of("/1/7/", "/1/7/42/"), Some(42));
        assert_eq!(child_of("/1/7/", "/1/7/42/99/"), Some(42));
        assert_eq!(child_of("/1/7/", "/1/8/"), None);
    }
}
