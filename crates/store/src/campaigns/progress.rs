//! Reading campaigns: progress per child org (counted once along affiliation), the assessment
//! page with its items, files and history, and the candidates of an account's inbox.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{
    AreaKind, AssessmentState, Grade, GrassrootsKind, OrgKind, Outcome, REMIND_DAYS, ReviewerKind,
    Role, Scored, outcome,
};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use super::notices::Notice;
use super::review::{ItemScore, context, evidence_rows, item_scores, missing_for_submit};
use super::{
    Assessment, AssessmentAccess, Campaign, assessment_columns, assessors_of, campaign_columns,
    campaigns_where, load_campaign, submitters,
};
use crate::attachments::{Attachment, attachment_columns};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree};
use crate::schema::{AssessmentEvents, Assessments, Attachments, Campaigns, Notices, Orgs};
use crate::standards::StandardItem;
use crate::{Result, Store};

/// Children in the order federations list them (as on the org page).
const KIND_ORDER: &str = "CASE orgs.kind WHEN 'county_federation' THEN 1 WHEN 'industrial_union' THEN 2 WHEN 'sector_federation' THEN 3 WHEN 'area_federation' THEN 4 ELSE 5 END";

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

/// Assessments counted by state and by grade.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProgressCounts {
    pub total: i64,
    pub not_started: i64,
    pub self_review: i64,
    pub submitted: i64,
    pub in_review: i64,
    pub returned: i64,
    pub passed: i64,
    pub failed: i64,
    pub published: i64,
    pub titled: i64,
    pub rewarded: i64,
    pub first: i64,
    pub second: i64,
    pub third: i64,
    pub below_third: i64,
    pub pass: i64,
    pub fail: i64,
}

impl ProgressCounts {
    fn add(&mut self, state: AssessmentState, grade: Option<Grade>, n: i64) {
        use AssessmentState as S;
        self.total += n;
        *match state {
            S::NotStarted => &mut self.not_started,
            S::SelfReview => &mut self.self_review,
            S::Submitted => &mut self.submitted,
            S::InReview => &mut self.in_review,
            S::Returned => &mut self.returned,
            S::Passed => &mut self.passed,
            S::Failed => &mut self.failed,
            S::Published => &mut self.published,
            S::Titled => &mut self.titled,
            S::Rewarded => &mut self.rewarded,
        } += n;
        if state.decided()
            && let Some(g) = grade
        {
            *match g {
                Grade::First => &mut self.first,
                Grade::Second => &mut self.second,
                Grade::Third => &mut self.third,
                Grade::BelowThird => &mut self.below_third,
                Grade::Pass => &mut self.pass,
                Grade::Fail => &mut self.fail,
            } += n;
        }
    }

    /// 验收通过 and everything after it (公示, 称号, 奖励).
    pub fn accepted(&self) -> i64 {
        self.passed + self.published + self.titled + self.rewarded
    }

    /// 已提交 and 审核中: waiting for the reviewer.
    pub fn under_review(&self) -> i64 {
        self.submitted + self.in_review
    }

    /// Not submitted yet (未开始, 自评中, 已退回).
    pub fn unsubmitted(&self) -> i64 {
        self.not_started + self.self_review + self.returned
    }

    /// 已提交 at least once and not sent back: the share people ask about first.
    pub fn submitted_or_later(&self) -> i64 {
        self.total - self.unsubmitted()
    }

    pub fn decided(&self) -> i64 {
        self.accepted() + self.failed
    }

    /// Titles granted (称号, then possibly 奖励).
    pub fn titled_or_later(&self) -> i64 {
        self.titled + self.rewarded
    }

    /// Counts per state, in workflow order.
    pub fn by_state(&self) -> Vec<(AssessmentState, i64)> {
        use AssessmentState as S;
        vec![
            (S::NotStarted, self.not_started),
            (S::SelfReview, self.self_review),
            (S::Submitted, self.submitted),
            (S::InReview, self.in_review),
            (S::Returned, self.returned),
            (S::Passed, self.passed),
            (S::Failed, self.failed),
            (S::Published, self.published),
            (S::Titled, self.titled),
            (S::Rewarded, self.rewarded),
        ]
    }

    /// Counts per grade, for a grading by bands or by pass/fail (the other kind stays 0).
    pub fn by_grade(&self) -> Vec<(Grade, i64)> {
        vec![
            (Grade::First, self.first),
            (Grade::Second, self.second),
            (Grade::Third, self.third),
            (Grade::BelowThird, self.below_third),
            (Grade::Pass, self.pass),
            (Grade::Fail, self.fail),
        ]
    }

    /// "45%" of the assessments submitted (or past it).
    pub fn submitted_percent(&self) -> String {
        gonghui_domain::percent_text(self.submitted_or_later(), self.total)
    }
}

/// The assessment of one org, as a progress row shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OwnAssessment {
    pub id: i64,
    pub state: AssessmentState,
    pub grade: Option<Grade>,
}

/// One child org of the org asked about, with the assessments of its subtree.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressRow {
    pub org_id: i64,
    pub name: String,
    pub kind_label: &'static str,
    /// The child's own assessment, when the child itself is assessed (a grassroots union).
    pub own: Option<OwnAssessment>,
    pub counts: ProgressCounts,
}

/// A campaign's progress under one org: per child and in total, each assessment counted once
/// under the child whose subtree holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub org_id: i64,
    pub org_name: String,
    /// Everything under the org (the org's own assessment included).
    pub total: ProgressCounts,
    /// The org's own assessment, if it is assessed itself.
    pub own: Option<OwnAssessment>,
    pub children: Vec<ProgressRow>,
    /// The whole campaign, for the quota.
    pub campaign_total: ProgressCounts,
    pub quota: Option<i64>,
}

impl Progress {
    /// Whether the accepted unions of the whole campaign reach the quota (None: no quota).
    pub fn quota_reached(&self) -> Option<bool> {
        self.quota.map(|q| self.campaign_total.accepted() >= q)
    }
}

#[derive(sqlx::FromRow)]
struct CountRow {
    #[sqlx(try_from = "String")]
    state: AssessmentState,
    grade: Option<String>,
    n: i64,
}

async fn counts_under(tx: &mut Tx, campaign_id: i64, path: Option<&str>) -> Result<ProgressCounts> {
    let mut q = Query::select()
        .columns([
            (Assessments::Table, Assessments::State),
            (Assessments::Table, Assessments::Grade),
        ])
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .from(Assessments::Table)
        .and_where(Expr::col((Assessments::Table, Assessments::CampaignId)).eq(campaign_id))
        .group_by_col((Assessments::Table, Assessments::State))
        .group_by_col((Assessments::Table, Assessments::Grade))
        .to_owned();
    if let Some(path) = path {
        q.inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Assessments::Table, Assessments::OrgId)),
        )
        .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), path));
    }
    let rows: Vec<CountRow> = tx.all(&q).await?;
    let mut c = ProgressCounts::default();
    for r in rows {
        c.add(r.state, r.grade.as_deref().and_then(Grade::from_code), r.n);
    }
    Ok(c)
}

fn kind_label(kind: OrgKind, sub_kind: Option<&str>) -> &'static str {
    sub_kind
        .and_then(|s| {
            GrassrootsKind::from_code(s)
                .map(|g| g.label())
                .or(AreaKind::from_code(s).map(|a| a.label()))
        })
        .unwrap_or(kind.label())
}

/// A campaign as a list or the dashboard shows it: its counts under one org, and those of the
/// whole campaign for the quota.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub counts: ProgressCounts,
    pub campaign_total: ProgressCounts,
}

impl CampaignSummary {
    pub fn quota_reached(&self) -> Option<bool> {
        self.campaign
            .quota
            .map(|q| self.campaign_total.accepted() >= q)
    }

    /// Deadlines within [`REMIND_DAYS`] (or passed with work left), in words.
    pub fn reminders(&self, today: NaiveDate) -> Vec<String> {
        let c = &self.campaign;
        let mut out = Vec::new();
        let left = self.counts.unsubmitted();
        let due = c.self_review_due;
        if left > 0 {
            if today > due && today <= c.end_on {
                out.push(format!("自评已于{due}截止，还有{left}家没有提交，请督促"));
            } else if today <= due && due - today <= TimeDelta::days(REMIND_DAYS) {
                out.push(format!(
                    "自评{due}截止（还有{}天），还有{left}家没有提交",
                    (due - today).num_days()
                ));
            }
        }
        let waiting = self.counts.under_review();
        if today <= c.end_on && c.end_on - today <= TimeDelta::days(REMIND_DAYS) {
            out.push(format!(
                "活动{}结束（还有{}天）{}",
                c.end_on,
                (c.end_on - today).num_days(),
                if waiting > 0 {
                    format!("，还有{waiting}家等待审核验收")
                } else {
                    String::new()
                }
            ));
        }
        out
    }
}

impl Store {
    /// Progress of a campaign under `org` (any org of the campaign's subtree, or above it):
    /// per child, counted once along affiliation.
    pub async fn campaign_progress(&self, campaign: &Campaign, org: &Org) -> Result<Progress> {
        let mut tx = self.read().await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            #[sqlx(try_from = "String")]
            state: AssessmentState,
            grade: Option<String>,
            org_id: i64,
            path: String,
        }
        let rows: Vec<Row> = tx
            .all(
                &Query::select()
                    .columns([
                        (Assessments::Table, Assessments::Id),
                        (Assessments::Table, Assessments::State),
                        (Assessments::Table, Assessments::Grade),
                        (Assessments::Table, Assessments::OrgId),
                    ])
                    .column((Orgs::Table, Orgs::Path))
                    .from(Assessments::Table)
                    .inner_join(
                        Orgs::Table,
                        Expr::col((Orgs::Table, Orgs::Id))
                            .equals((Assessments::Table, Assessments::OrgId)),
                    )
                    .and_where(
                        Expr::col((Assessments::Table, Assessments::CampaignId)).eq(campaign.id),
                    )
                    .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                    .to_owned(),
            )
            .await?;
        #[derive(sqlx::FromRow)]
        struct Child {
            id: i64,
            name: String,
            #[sqlx(try_from = "String")]
            kind: OrgKind,
            sub_kind: Option<String>,
            status: String,
        }
        let kids: Vec<Child> = tx
            .all(
                &Query::select()
                    .columns([
                        (Orgs::Table, Orgs::Id),
                        (Orgs::Table, Orgs::Name),
                        (Orgs::Table, Orgs::Kind),
                        (Orgs::Table, Orgs::SubKind),
                        (Orgs::Table, Orgs::Status),
                    ])
                    .from(Orgs::Table)
                    .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(org.id))
                    .order_by_expr(Expr::cust(KIND_ORDER), Order::Asc)
                    .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut children: Vec<(Child, ProgressRow)> = kids
            .into_iter()
            .map(|k| {
                let row = ProgressRow {
                    org_id: k.id,
                    name: k.name.clone(),
                    kind_label: kind_label(k.kind, k.sub_kind.as_deref()),
                    own: None,
                    counts: ProgressCounts::default(),
                };
                (k, row)
            })
            .collect();
        let mut total = ProgressCounts::default();
        let mut own = None;
        let level = org.depth as usize + 1;
        for r in rows {
            let grade = r.grade.as_deref().and_then(Grade::from_code);
            total.add(r.state, grade, 1);
            if r.org_id == org.id {
                own = Some(OwnAssessment {
                    id: r.id,
                    state: r.state,
                    grade,
                });
                continue;
            }
            let child = r
                .path
                .split('/')
                .filter(|s| !s.is_empty())
                .nth(level)
                .and_then(|s| s.parse::<i64>().ok());
            if let Some((_, row)) = children.iter_mut().find(|(k, _)| Some(k.id) == child) {
                row.counts.add(r.state, grade, 1);
                if r.org_id == row.org_id {
                    row.own = Some(OwnAssessment {
                        id: r.id,
                        state: r.state,
                        grade,
                    });
                }
            }
        }
        // Closed children stay listed only when they hold assessments.
        children.retain(|(k, row)| k.status == crate::orgs::ACTIVE || row.counts.total > 0);
        let campaign_total = counts_under(&mut tx, campaign.id, None).await?;
        Ok(Progress {
            org_id: org.id,
            org_name: org.name.clone(),
            total,
            own,
            children: children.into_iter().map(|(_, r)| r).collect(),
            campaign_total,
            quota: campaign.quota,
        })
    }

    /// The campaigns of an org ([`Store::campaigns_for_org`]) with their counts under it.
    pub async fn campaign_summaries(&self, org: &Org) -> Result<Vec<CampaignSummary>> {
        let campaigns = self.campaigns_for_org(org).await?;
        let mut tx = self.read().await?;
        let mut out = Vec::new();
        for c in campaigns {
            let counts = counts_under(&mut tx, c.id, Some(&org.path)).await?;
            let mut campaign_total = counts_under(&mut tx, c.id, None).await?;
            // Counted the same way twice; equal when the org holds the whole campaign.
            if c.org_path == org.path {
                campaign_total = counts;
            }
            out.push(CampaignSummary {
                campaign: c,
                counts,
                campaign_total,
            });
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// The assessment page
// ---------------------------------------------------------------------------------------------

/// One uploaded file of an item.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    pub id: i64,
    pub attachment: Attachment,
}

/// One item of the standard with the union's and the reviewer's answers and its files.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub item: StandardItem,
    pub self_score: Option<i64>,
    pub self_note: Option<String>,
    pub score: Option<i64>,
    pub comment: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// What the item still lacks before the union can submit ("还需上传照片1张").
    pub missing: Option<String>,
}

/// One move of the assessment, with who made it and why.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub from: AssessmentState,
    pub to: AssessmentState,
    pub account_id: Option<i64>,
    pub account_name: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Everything the assessment page shows.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    pub assessment: Assessment,
    pub campaign: Campaign,
    pub org: Org,
    /// "一类≥90%、二类≥75%…".
    pub grading_text: String,
    pub items: Vec<ItemView>,
    pub events: Vec<EventView>,
    /// What keeps the union from submitting, one line per item.
    pub missing: Vec<String>,
    /// The grade the union's own scores would give, once every item has one.
    #[serde(skip)]
    pub self_outcome: Option<Outcome>,
    /// The grade the reviewer's scores give so far, once every item is scored.
    #[serde(skip)]
    pub preview: Option<Outcome>,
    /// Items the reviewer has scored.
    pub scored: usize,
    pub notice: Option<Notice>,
    pub access: AssessmentAccess,
}

impl AssessmentView {
    /// The reason of the latest 退回, while the union is fixing it.
    pub fn return_reason(&self) -> Option<&str> {
        if self.assessment.state != AssessmentState::Returned {
            return None;
        }
        self.events
            .iter()
            .rev()
            .find(|e| e.to == AssessmentState::Returned)
            .and_then(|e| e.reason.as_deref())
    }
}

fn preview_of(
    grading: gonghui_domain::Grading,
    items: &[ItemView],
    reviewer: bool,
) -> Option<Outcome> {
    let scored: Option<Vec<Scored>> = items
        .iter()
        .map(|i| {
            let score = if reviewer { i.score } else { i.self_score };
            score.map(|score| Scored {
                points: i.item.points,
                veto: i.item.veto,
                score,
            })
        })
        .collect();
    scored
        .filter(|s| !s.is_empty())
        .map(|s| outcome(grading, &s))
}

impl Store {
    /// The assessment page: items with answers and files, history, what is missing, and the
    /// grade the current scores give.
    pub async fn assessment_view(&self, id: i64) -> Result<AssessmentView> {
        let mut tx = self.read().await?;
        let ctx = context(&mut tx, id).await?;
        let access = super::access_of(&mut tx, &ctx.a, &ctx.campaign).await?;
        let scores: Vec<ItemScore> = item_scores(&mut tx, id).await?;
        let evidence = evidence_rows(&mut tx, id).await?;
        let ids: Vec<i64> = evidence.iter().map(|e| e.2).collect();
        let attachments: Vec<Attachment> = if ids.is_empty() {
            vec![]
        } else {
            tx.all(
                &attachment_columns()
                    .and_where(
                        Expr::col((Attachments::Table, Attachments::Id)).is_in(ids.iter().copied()),
                    )
                    .to_owned(),
            )
            .await?
        };
        let applicable = ctx.items();
        let missing_lines = missing_for_submit(&applicable, &scores, &evidence);
        let items: Vec<ItemView> = applicable
            .iter()
            .map(|item| {
                let s = scores.iter().find(|s| s.item_id == item.id);
                let files = evidence
                    .iter()
                    .filter(|e| e.1 == item.id)
                    .filter_map(|e| {
                        attachments
                            .iter()
                            .find(|a| a.id == e.2)
                            .map(|a| EvidenceView {
                                id: e.0,
                                attachment: a.clone(),
                            })
                    })
                    .collect();
                let prefix = format!("「{}」", item.title);
                ItemView {
                    item: (*item).clone(),
                    self_score: s.and_then(|s| s.self_score),
                    self_note: s.and_then(|s| s.self_note.clone()),
                    score: s.and_then(|s| s.score),
                    comment: s.and_then(|s| s.comment.clone()),
                    evidence: files,
                    missing: missing_lines
                        .iter()
                        .find(|m| m.starts_with(&prefix))
                        .map(|m| m[prefix.len()..].to_owned()),
                }
            })
            .collect();
        #[derive(sqlx::FromRow)]
        struct EventRow {
            from_state: String,
            to_state: String,
            account_id: Option<i64>,
            reason: Option<String>,
            at: DateTime<Utc>,
        }
        let rows: Vec<EventRow> = tx
            .all(
                &Query::select()
                    .columns([
                        AssessmentEvents::FromState,
                        AssessmentEvents::ToState,
                        AssessmentEvents::AccountId,
                        AssessmentEvents::Reason,
                        AssessmentEvents::At,
                    ])
                    .from(AssessmentEvents::Table)
                    .and_where(Expr::col(AssessmentEvents::AssessmentId).eq(id))
                    .order_by(AssessmentEvents::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut account_ids: Vec<i64> = rows.iter().filter_map(|r| r.account_id).collect();
        account_ids.sort_unstable();
        account_ids.dedup();
        let names = super::account_names(&mut tx, &account_ids).await?;
        let events = rows
            .into_iter()
            .filter_map(|r| {
                Some(EventView {
                    from: AssessmentState::from_code(&r.from_state)?,
                    to: AssessmentState::from_code(&r.to_state)?,
                    account_name: r
                        .account_id
                        .and_then(|a| names.iter().find(|n| n.0 == a).map(|n| n.1.clone())),
                    account_id: r.account_id,
                    reason: r.reason,
                    at: r.at,
                })
            })
            .collect();
        let notice = match ctx.a.notice_id {
            Some(n) => {
                tx.optional(
                    &Query::select()
                        .columns([
                            Notices::Id,
                            Notices::CampaignId,
                            Notices::Title,
                            Notices::StartOn,
                            Notices::EndOn,
                            Notices::Contact,
                            Notices::CreatedAt,
                        ])
                        .from(Notices::Table)
                        .and_where(Expr::col(Notices::Id).eq(n))
                        .to_owned(),
                )
                .await?
            }
            None => None,
        };
        let grading = ctx.version.grading;
        Ok(AssessmentView {
            self_outcome: preview_of(grading, &items, false),
            preview: preview_of(grading, &items, true),
            scored: items.iter().filter(|i| i.score.is_some()).count(),
            grading_text: grading.describe(),
            missing: missing_lines,
            items,
            events,
            notice,
            access,
            assessment: ctx.a,
            campaign: ctx.campaign,
            org: ctx.org,
        })
    }

    /// The assessments of a campaign whose org is in `org`'s subtree, with their org names.
    pub async fn campaign_assessments(
        &self,
        campaign_id: i64,
        org: &Org,
        states: &[AssessmentState],
    ) -> Result<Vec<(Assessment, String, String)>> {
        let mut tx = self.read().await?;
        #[derive(sqlx::FromRow)]
        struct Named {
            id: i64,
            name: String,
            path: String,
        }
        let mut q = assessment_columns()
            .and_where(Expr::col((Assessments::Table, Assessments::CampaignId)).eq(campaign_id))
            .and_where(Expr::cust(format!(
                "assessments.org_id IN (SELECT o.id FROM orgs o WHERE o.path >= '{}' AND o.path < '{}')",
                crate::orgs::subtree_range(&org.path).0,
                crate::orgs::subtree_range(&org.path).1
            )))
            .order_by((Assessments::Table, Assessments::Id), Order::Asc)
            .to_owned();
        if !states.is_empty() {
            q.and_where(
                Expr::col((Assessments::Table, Assessments::State))
                    .is_in(states.iter().map(|s| s.code())),
            );
        }
        let rows: Vec<Assessment> = tx.all(&q).await?;
        let ids: Vec<i64> = rows.iter().map(|a| a.org_id).collect();
        let mut names: HashMap<i64, (String, String)> = HashMap::new();
        for chunk in ids.chunks(500) {
            let found: Vec<Named> = tx
                .all(
                    &Query::select()
                        .columns([Orgs::Id, Orgs::Name, Orgs::Path])
                        .from(Orgs::Table)
                        .and_where(Expr::col(Orgs::Id).is_in(chunk.iter().copied()))
                        .to_owned(),
                )
                .await?;
            for n in found {
                names.insert(n.id, (n.name, n.path));
            }
        }
        let mut out: Vec<(Assessment, String, String)> = rows
            .into_iter()
            .map(|a| {
                let (n, p) = names.get(&a.org_id).cloned().unwrap_or_default();
                (a, n, p)
            })
            .collect();
        out.sort_by(|a, b| a.2.cmp(&b.2));
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Inbox
// ---------------------------------------------------------------------------------------------

/// Who asks for their inbox.
#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub account_id: i64,
    pub role: Role,
    pub scope_org_id: i64,
    pub scope_path: String,
    /// An assessor's assigned orgs' paths.
    pub assigned_paths: Vec<String>,
}

/// An assessment that may belong in an inbox; the web layer keeps those the account may act
/// on, by the same rules as its permission checks.
#[derive(Debug, Clone, Serialize)]
pub struct InboxCandidate {
    pub access: AssessmentAccess,
    pub campaign_name: String,
    pub org_name: String,
    pub self_review_due: NaiveDate,
    pub end_on: NaiveDate,
    pub honor_title: Option<String>,
    pub reward_fen: i64,
    /// The end of the 公示 the assessment is on.
    pub notice_id: Option<i64>,
    pub notice_end: Option<NaiveDate>,
    pub grade: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const EDITABLE: [AssessmentState; 3] = [
    AssessmentState::NotStarted,
    AssessmentState::SelfReview,
    AssessmentState::Returned,
];
const REVIEWABLE: [AssessmentState; 2] = [AssessmentState::Submitted, AssessmentState::InReview];
const AFTER_ACCEPTANCE: [AssessmentState; 3] = [
    AssessmentState::Passed,
    AssessmentState::Published,
    AssessmentState::Titled,
];

#[derive(sqlx::FromRow)]
struct CandRow {
    id: i64,
    campaign_id: i64,
    org_id: i64,
    #[sqlx(try_from = "String")]
    state: AssessmentState,
    grade: Option<String>,
    notice_id: Option<i64>,
    updated_at: DateTime<Utc>,
    org_name: String,
    org_path: String,
    parent_id: Option<i64>,
}

fn states_in(states: &[AssessmentState]) -> Expr {
    Expr::col((Assessments::Table, Assessments::State)).is_in(states.iter().map(|s| s.code()))
}

impl Store {
    /// Assessments that may need the account: its own union's self-assessment (chairs and the
    /// union's staff), submissions it may review, and campaigns its staff run (公示, 授予称号,
    /// 奖励). Newest deadline first is the web layer's business.
    pub async fn inbox_candidates(&self, q: &InboxQuery) -> Result<Vec<InboxCandidate>> {
        let mut tx = self.read().await?;
        let campaigns = campaigns_where(&mut tx, campaign_columns()).await?;
        if campaigns.is_empty() {
            return Ok(vec![]);
        }
        let base = || {
            Query::select()
                .columns([
                    (Assessments::Table, Assessments::Id),
                    (Assessments::Table, Assessments::CampaignId),
                    (Assessments::Table, Assessments::OrgId),
                    (Assessments::Table, Assessments::State),
                    (Assessments::Table, Assessments::Grade),
                    (Assessments::Table, Assessments::NoticeId),
                    (Assessments::Table, Assessments::UpdatedAt),
                ])
                .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
                .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
                .column((Orgs::Table, Orgs::ParentId))
                .from(Assessments::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id))
                        .equals((Assessments::Table, Assessments::OrgId)),
                )
                .to_owned()
        };
        let mut rows: Vec<CandRow> = Vec::new();
        match q.role {
            Role::Chair | Role::Staff => {
                rows.extend(
                    tx.all::<CandRow, _>(
                        &base()
                            .and_where(
                                Expr::col((Assessments::Table, Assessments::OrgId))
                                    .eq(q.scope_org_id),
                            )
                            .and_where(states_in(&EDITABLE))
                            .to_owned(),
                    )
                    .await?,
                );
            }
            _ => {}
        }
        if q.role == Role::Staff {
            let by_parent: Vec<i64> = campaigns
                .iter()
                .filter(|c| c.reviewer == ReviewerKind::Parent)
                .map(|c| c.id)
                .collect();
            if !by_parent.is_empty() {
                rows.extend(
                    tx.all::<CandRow, _>(
                        &base()
                            .and_where(
                                Expr::col((Assessments::Table, Assessments::CampaignId))
                                    .is_in(by_parent),
                            )
                            .and_where(states_in(&REVIEWABLE))
                            .and_where(in_subtree(
                                Expr::col((Orgs::Table, Orgs::Path)),
                                &q.scope_path,
                            ))
                            .and_where(
                                Expr::col((Assessments::Table, Assessments::OrgId))
                                    .ne(q.scope_org_id),
                            )
                            .to_owned(),
                    )
                    .await?,
                );
            }
            let run: Vec<i64> = campaigns
                .iter()
                .filter(|c| c.org_path.starts_with(&q.scope_path))
                .map(|c| c.id)
                .collect();
            if !run.is_empty() {
                rows.extend(
                    tx.all::<CandRow, _>(
                        &base()
                            .and_where(
                                Expr::col((Assessments::Table, Assessments::CampaignId)).is_in(run),
                            )
                            .and_where(states_in(&AFTER_ACCEPTANCE))
                            .to_owned(),
                    )
                    .await?,
                );
            }
        }
        if q.role == Role::Assessor && !q.assigned_paths.is_empty() {
            let mine: Vec<i64> = {
                let mut v = Vec::new();
                for c in campaigns
                    .iter()
                    .filter(|c| c.reviewer == ReviewerKind::Assessors)
                {
                    if assessors_of(&mut tx, c.id)
                        .await?
                        .iter()
                        .any(|a| a.account_id == q.account_id)
                    {
                        v.push(c.id);
                    }
                }
                v
            };
            if !mine.is_empty() {
                let mut cond = Expr::val(false);
                for p in &q.assigned_paths {
                    cond = cond.or(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), p));
                }
                rows.extend(
                    tx.all::<CandRow, _>(
                        &base()
                            .and_where(
                                Expr::col((Assessments::Table, Assessments::CampaignId))
                                    .is_in(mine),
                            )
                            .and_where(states_in(&REVIEWABLE))
                            .and_where(cond)
                            .to_owned(),
                    )
                    .await?,
                );
            }
        }
        rows.sort_by_key(|r| r.id);
        rows.dedup_by_key(|r| r.id);
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let subs = submitters(&mut tx, &ids).await?;
        let mut assessors: HashMap<i64, Vec<i64>> = HashMap::new();
        for c in &campaigns {
            if c.reviewer == ReviewerKind::Assessors {
                assessors.insert(
                    c.id,
                    assessors_of(&mut tx, c.id)
                        .await?
                        .into_iter()
                        .map(|a| a.account_id)
                        .collect(),
                );
            }
        }
        let notice_ids: Vec<i64> = {
            let mut v: Vec<i64> = rows.iter().filter_map(|r| r.notice_id).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let notice_ends: Vec<(i64, NaiveDate)> = if notice_ids.is_empty() {
            vec![]
        } else {
            tx.all(
                &Query::select()
                    .columns([Notices::Id, Notices::EndOn])
                    .from(Notices::Table)
                    .and_where(Expr::col(Notices::Id).is_in(notice_ids))
                    .to_owned(),
            )
            .await?
        };
        let mut out = Vec::new();
        for r in rows {
            let Some(c) = campaigns.iter().find(|c| c.id == r.campaign_id) else {
                continue;
            };
            out.push(InboxCandidate {
                access: AssessmentAccess {
                    assessment_id: r.id,
                    state: r.state,
                    org_id: r.org_id,
                    org_path: r.org_path,
                    org_parent_id: r.parent_id,
                    campaign_id: c.id,
                    campaign_org_id: c.org_id,
                    campaign_org_path: c.org_path.clone(),
                    reviewer: c.reviewer,
                    submitted_by: subs.iter().find(|s| s.0 == r.id).and_then(|s| s.1),
                    assessors: assessors.get(&c.id).cloned().unwrap_or_default(),
                },
                campaign_name: c.name.clone(),
                org_name: r.org_name,
                self_review_due: c.self_review_due,
                end_on: c.end_on,
                honor_title: c.honor_title.clone(),
                reward_fen: c.reward_fen,
                notice_id: r.notice_id,
                notice_end: r
                    .notice_id
                    .and_then(|n| notice_ends.iter().find(|e| e.0 == n).map(|e| e.1)),
                grade: r.grade,
                updated_at: r.updated_at,
            });
        }
        Ok(out)
    }

    /// The campaigns run from inside `path` (for a staff account's overview).
    pub async fn campaigns_run_within(&self, path: &str) -> Result<Vec<Campaign>> {
        let mut tx = self.read().await?;
        let q = campaign_columns()
            .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), path))
            .order_by((Campaigns::Table, Campaigns::Id), Order::Desc)
            .to_owned();
        campaigns_where(&mut tx, q).await
    }

    /// One campaign's assessment of `org_id`, if it has one.
    pub async fn assessment_of(&self, campaign_id: i64, org_id: i64) -> Result<Option<Assessment>> {
        let mut tx = self.read().await?;
        tx.optional(
            &assessment_columns()
                .and_where(Expr::col(Assessments::CampaignId).eq(campaign_id))
                .and_where(Expr::col(Assessments::OrgId).eq(org_id))
                .to_owned(),
        )
        .await
    }

    /// Loads a campaign inside a read (for callers holding only its id).
    pub async fn campaign_of_assessment(&self, assessment_id: i64) -> Result<Campaign> {
        let mut tx = self.read().await?;
        let a = super::load_assessment(&mut tx, assessment_id).await?;
        load_campaign(&mut tx, a.campaign_id).await
    }
}
