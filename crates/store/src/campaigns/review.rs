//! The union's side (自评, 佐证材料, 提交) and the reviewer's side (评分, 实地检查, 退回, 完成验收)
//! of one assessment, and the reward recorded at the end.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use gonghui_domain::{
    AssessmentAction, AssessmentState, AttachmentType, EvidenceKind, Invalid, Outcome, Scored,
    check_document_no, check_score, check_text, outcome,
};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use super::{Assessment, Campaign, load_assessment, load_campaign, record_event, today};
use crate::attachments::insert_attachment;
use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, load};
use crate::schema::{AssessmentEvidence, AssessmentItems, Assessments};
use crate::standards::{StandardItem, StandardVersion, load_version};
use crate::{Error, PreparedAttachment, Result, Store};

/// Longest note or comment on one item.
const MAX_NOTE: usize = 500;
/// Most files kept for one item (a chair who uploads more is better off choosing).
const MAX_FILES_PER_ITEM: i64 = 20;

/// The union's answer to one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfAnswer {
    pub item_id: i64,
    pub score: Option<i64>,
    pub note: Option<String>,
}

/// The reviewer's score of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewScore {
    pub item_id: i64,
    pub score: Option<i64>,
    pub comment: Option<String>,
}

/// What the review form sends: the scores, and the on-site check if there was one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReviewInput {
    pub scores: Vec<ReviewScore>,
    pub site_visit_on: Option<NaiveDate>,
    pub site_visit_note: Option<String>,
}

/// 奖励发放: what was paid, when, under which document.
#[derive(Debug, Clone, Serialize)]
pub struct RewardInput {
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub document_no: Option<String>,
}

/// Stored scores of one item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub(crate) struct ItemScore {
    pub item_id: i64,
    pub self_score: Option<i64>,
    pub self_note: Option<String>,
    pub score: Option<i64>,
    pub comment: Option<String>,
}

/// An assessment with everything its rules read.
pub(crate) struct Ctx {
    pub a: Assessment,
    pub campaign: Campaign,
    pub org: Org,
    pub version: StandardVersion,
}

impl Ctx {
    /// The items this org is assessed on.
    pub fn items(&self) -> Vec<&StandardItem> {
        self.version
            .items_for(self.org.kind, self.org.sub_kind.as_deref())
    }

    fn item(&self, item_id: i64) -> Result<&StandardItem> {
        self.items()
            .into_iter()
            .find(|i| i.id == item_id)
            .ok_or_else(|| Error::rule("所填的项目不属于本次验收的标准，请刷新页面后重新填写"))
    }

    fn target(&self) -> Target<'static> {
        Target::new("assessment", Some(self.a.id), Some(self.a.org_id))
    }
}

pub(crate) async fn context(tx: &mut Tx, id: i64) -> Result<Ctx> {
    let a = load_assessment(tx, id).await?;
    let campaign = load_campaign(tx, a.campaign_id).await?;
    let org = load(tx, a.org_id).await?;
    let version = load_version(tx, campaign.version_id).await?;
    Ok(Ctx {
        a,
        campaign,
        org,
        version,
    })
}

pub(crate) async fn item_scores(tx: &mut Tx, assessment_id: i64) -> Result<Vec<ItemScore>> {
    tx.all(
        &Query::select()
            .columns([
                AssessmentItems::ItemId,
                AssessmentItems::SelfScore,
                AssessmentItems::SelfNote,
                AssessmentItems::Score,
                AssessmentItems::Comment,
            ])
            .from(AssessmentItems::Table)
            .and_where(Expr::col(AssessmentItems::AssessmentId).eq(assessment_id))
            .order_by(AssessmentItems::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// (evidence id, item id, attachment id, media type) of the files not removed.
pub(crate) async fn evidence_rows(
    tx: &mut Tx,
    assessment_id: i64,
) -> Result<Vec<(i64, i64, i64, String)>> {
    tx.all(
        &Query::select()
            .columns([
                (AssessmentEvidence::Table, AssessmentEvidence::Id),
                (AssessmentEvidence::Table, AssessmentEvidence::ItemId),
                (AssessmentEvidence::Table, AssessmentEvidence::AttachmentId),
            ])
            .column((
                crate::schema::Attachments::Table,
                crate::schema::Attachments::MediaType,
            ))
            .from(AssessmentEvidence::Table)
            .inner_join(
                crate::schema::Attachments::Table,
                Expr::col((
                    crate::schema::Attachments::Table,
                    crate::schema::Attachments::Id,
                ))
                .equals((AssessmentEvidence::Table, AssessmentEvidence::AttachmentId)),
            )
            .and_where(
                Expr::col((AssessmentEvidence::Table, AssessmentEvidence::AssessmentId))
                    .eq(assessment_id),
            )
            .and_where(
                Expr::col((AssessmentEvidence::Table, AssessmentEvidence::RemovedAt)).is_null(),
            )
            .order_by(
                (AssessmentEvidence::Table, AssessmentEvidence::Id),
                Order::Asc,
            )
            .to_owned(),
    )
    .await
}

/// Files of an item that count for its rule: photos for a photo item, photos or PDFs for a
/// document item.
fn counts_for(item: &StandardItem, media_type: &str) -> bool {
    match item.evidence {
        EvidenceKind::None => false,
        EvidenceKind::Photo => AttachmentType::from_code(media_type).is_some_and(|t| t.is_image()),
        EvidenceKind::Document => true,
    }
}

/// What still keeps the union from submitting, one line per item, in the standard's order:
/// "「有工会印章」还需上传照片1张".
pub(crate) fn missing_for_submit(
    items: &[&StandardItem],
    scores: &[ItemScore],
    evidence: &[(i64, i64, i64, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    for item in items {
        let mut lacks = Vec::new();
        let answered = scores
            .iter()
            .any(|s| s.item_id == item.id && s.self_score.is_some());
        if !answered {
            lacks.push("还没有填写自评分".to_owned());
        }
        let have = evidence
            .iter()
            .filter(|e| e.1 == item.id && counts_for(item, &e.3))
            .count() as i64;
        if have < item.evidence_count {
            let n = item.evidence_count - have;
            lacks.push(match item.evidence {
                EvidenceKind::Photo => format!("还需上传照片{n}张"),
                _ => format!("还需上传文件资料{n}份"),
            });
        }
        if !lacks.is_empty() {
            out.push(format!("「{}」{}", item.title, lacks.join("，")));
        }
    }
    out
}

fn refused(e: Invalid) -> Error {
    Error::rule(e.0)
}

fn note_text(note: &Option<String>, title: &str, what: &str) -> Result<Option<String>> {
    let n = note
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    if let Some(t) = &n
        && t.chars().count() > MAX_NOTE
    {
        return Err(Error::rule(format!(
            "“{title}”的{what}不能超过{MAX_NOTE}个字"
        )));
    }
    Ok(n)
}

async fn upsert_item(tx: &mut Tx, assessment_id: i64, s: &ItemScore, exists: bool) -> Result<()> {
    if exists {
        tx.execute(
            &Query::update()
                .table(AssessmentItems::Table)
                .values([
                    (AssessmentItems::SelfScore, s.self_score.into()),
                    (AssessmentItems::SelfNote, s.self_note.clone().into()),
                    (AssessmentItems::Score, s.score.into()),
                    (AssessmentItems::Comment, s.comment.clone().into()),
                ])
                .and_where(Expr::col(AssessmentItems::AssessmentId).eq(assessment_id))
                .and_where(Expr::col(AssessmentItems::ItemId).eq(s.item_id))
                .to_owned(),
        )
        .await?;
    } else {
        tx.execute(
            &Query::insert()
                .into_table(AssessmentItems::Table)
                .columns([
                    AssessmentItems::AssessmentId,
                    AssessmentItems::ItemId,
                    AssessmentItems::SelfScore,
                    AssessmentItems::SelfNote,
                    AssessmentItems::Score,
                    AssessmentItems::Comment,
                ])
                .values_panic([
                    assessment_id.into(),
                    s.item_id.into(),
                    s.self_score.into(),
                    s.self_note.clone().into(),
                    s.score.into(),
                    s.comment.clone().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

async fn set_state(tx: &mut Tx, id: i64, state: AssessmentState) -> Result<()> {
    tx.execute(
        &Query::update()
            .table(Assessments::Table)
            .values([
                (Assessments::State, state.code().into()),
                (Assessments::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Assessments::Id).eq(id))
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Before and after of the items an operation changed, for the audit trail.
#[derive(Serialize, Default)]
struct Changes {
    state: Option<&'static str>,
    items: Vec<ItemScore>,
}

/// Applies the union's answers; returns the changes (empty when nothing differs).
async fn apply_self(
    tx: &mut Tx,
    ctx: &mut Ctx,
    answers: &[SelfAnswer],
    actor: &Actor,
) -> Result<(Changes, Changes)> {
    let next = ctx
        .a
        .state
        .after(AssessmentAction::SaveSelfReview)
        .map_err(refused)?;
    let stored = item_scores(tx, ctx.a.id).await?;
    let mut before = Changes::default();
    let mut after = Changes::default();
    let mut merged: HashMap<i64, ItemScore> =
        stored.iter().map(|s| (s.item_id, s.clone())).collect();
    for ans in answers {
        let item = ctx.item(ans.item_id)?;
        if let Some(score) = ans.score {
            check_score(&item.title, item.points, item.veto, score).map_err(refused)?;
        }
        let note = note_text(&ans.note, &item.title, "自评说明")?;
        let old = stored.iter().find(|s| s.item_id == item.id);
        let new = ItemScore {
            item_id: item.id,
            self_score: ans.score,
            self_note: note,
            ..old.cloned().unwrap_or_default()
        };
        if old != Some(&new)
            && !(old.is_none() && new.self_score.is_none() && new.self_note.is_none())
        {
            before.items.push(old.cloned().unwrap_or(ItemScore {
                item_id: item.id,
                ..Default::default()
            }));
            after.items.push(new.clone());
            upsert_item(tx, ctx.a.id, &new, old.is_some()).await?;
            merged.insert(item.id, new);
        }
    }
    if next == ctx.a.state && after.items.is_empty() {
        return Ok((before, after));
    }
    let self_total: Option<i64> = {
        let scored: Vec<i64> = ctx
            .items()
            .iter()
            .filter_map(|i| merged.get(&i.id).and_then(|s| s.self_score))
            .collect();
        (!scored.is_empty()).then(|| scored.iter().sum())
    };
    tx.execute(
        &Query::update()
            .table(Assessments::Table)
            .values([
                (Assessments::State, next.code().into()),
                (Assessments::SelfTotal, self_total.into()),
                (Assessments::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Assessments::Id).eq(ctx.a.id))
            .to_owned(),
    )
    .await?;
    if next != ctx.a.state {
        record_event(tx, ctx.a.id, ctx.a.state, next, actor, None).await?;
        before.state = Some(ctx.a.state.code());
        after.state = Some(next.code());
        ctx.a.state = next;
    }
    ctx.a.self_total = self_total;
    Ok((before, after))
}

/// Applies the reviewer's scores and the on-site check; moves 已提交 to 审核中.
async fn apply_review(
    tx: &mut Tx,
    ctx: &mut Ctx,
    input: &ReviewInput,
    actor: &Actor,
) -> Result<(Changes, Changes)> {
    let next = ctx
        .a
        .state
        .after(AssessmentAction::StartReview)
        .map_err(refused)?;
    if let Some(d) = input.site_visit_on {
        if d > today() {
            return Err(Error::invalid(
                "site_visit_on",
                format!("实地检查日期（{d}）不能晚于今天"),
            ));
        }
        if d < ctx.campaign.start_on {
            return Err(Error::invalid(
                "site_visit_on",
                format!(
                    "实地检查日期（{d}）早于活动开始日期（{}），请核对",
                    ctx.campaign.start_on
                ),
            ));
        }
    }
    let visit_note = match input
        .site_visit_note
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(n) if n.chars().count() > MAX_NOTE => {
            return Err(Error::invalid(
                "site_visit_note",
                format!("实地检查情况不能超过{MAX_NOTE}个字"),
            ));
        }
        Some(n) => Some(n.to_owned()),
        None => None,
    };
    let stored = item_scores(tx, ctx.a.id).await?;
    let mut before = Changes::default();
    let mut after = Changes::default();
    for s in &input.scores {
        let item = ctx.item(s.item_id)?;
        if let Some(score) = s.score {
            check_score(&item.title, item.points, item.veto, score).map_err(refused)?;
        }
        let comment = note_text(&s.comment, &item.title, "评分意见")?;
        let old = stored.iter().find(|x| x.item_id == item.id);
        let new = ItemScore {
            item_id: item.id,
            score: s.score,
            comment,
            ..old.cloned().unwrap_or_default()
        };
        if old != Some(&new) && !(old.is_none() && new.score.is_none() && new.comment.is_none()) {
            before.items.push(old.cloned().unwrap_or(ItemScore {
                item_id: item.id,
                ..Default::default()
            }));
            after.items.push(new.clone());
            upsert_item(tx, ctx.a.id, &new, old.is_some()).await?;
        }
    }
    let visit_changed =
        input.site_visit_on != ctx.a.site_visit_on || visit_note != ctx.a.site_visit_note;
    if next == ctx.a.state && after.items.is_empty() && !visit_changed {
        return Ok((before, after));
    }
    tx.execute(
        &Query::update()
            .table(Assessments::Table)
            .values([
                (Assessments::State, next.code().into()),
                (Assessments::ReviewedBy, actor.account_id.into()),
                (Assessments::SiteVisitOn, input.site_visit_on.into()),
                (Assessments::SiteVisitNote, visit_note.clone().into()),
                (Assessments::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Assessments::Id).eq(ctx.a.id))
            .to_owned(),
    )
    .await?;
    if next != ctx.a.state {
        record_event(tx, ctx.a.id, ctx.a.state, next, actor, None).await?;
        before.state = Some(ctx.a.state.code());
        after.state = Some(next.code());
        ctx.a.state = next;
    }
    ctx.a.site_visit_on = input.site_visit_on;
    ctx.a.site_visit_note = visit_note;
    // An audit entry shows a change of the on-site check even when no score moved.
    if after.items.is_empty() && after.state.is_none() {
        after.state = Some(ctx.a.state.code());
    }
    Ok((before, after))
}

#[derive(Serialize)]
struct EvidenceAudit<'a> {
    item_id: i64,
    item: &'a str,
    attachment_id: i64,
    file_name: &'a str,
}

#[derive(Serialize)]
struct DecideAudit {
    state: &'static str,
    total: i64,
    max: i64,
    grade: &'static str,
    veto_failed: bool,
    scores: Vec<ItemScore>,
}

/// Saves the union's answers inside another operation's transaction, with their own audit
/// entry when anything changed.
async fn record_answers(
    tx: &mut Tx,
    ctx: &mut Ctx,
    answers: &[SelfAnswer],
    actor: &Actor,
) -> Result<()> {
    if answers.is_empty() {
        return Ok(());
    }
    let (before, after) = apply_self(tx, ctx, answers, actor).await?;
    if !(after.items.is_empty() && after.state.is_none()) {
        audit::record(
            tx,
            actor,
            "assessment.self_review",
            ctx.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
    }
    Ok(())
}

impl Store {
    /// 保存自评: the union's score and note per item. Saving what is already stored writes
    /// nothing (no audit entry); returns whether anything changed.
    pub async fn save_self_review(
        &self,
        actor: &Actor,
        id: i64,
        answers: &[SelfAnswer],
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let mut ctx = context(&mut tx, id).await?;
        let (before, after) = apply_self(&mut tx, &mut ctx, answers, actor).await?;
        if after.items.is_empty() && after.state.is_none() {
            return Ok(false);
        }
        audit::record(
            &mut tx,
            actor,
            "assessment.self_review",
            ctx.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// 上传佐证材料 for one item: the file is stored for the assessed org. Only while the union
    /// may still change its self-assessment. `answers` typed on the same page are saved with
    /// it, in the same transaction (a refused file saves nothing). Returns the evidence id.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        id: i64,
        item_id: i64,
        prepared: &PreparedAttachment,
        answers: &[SelfAnswer],
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        let mut ctx = context(&mut tx, id).await?;
        record_answers(&mut tx, &mut ctx, answers, actor).await?;
        let next = ctx
            .a
            .state
            .after(AssessmentAction::SaveSelfReview)
            .map_err(refused)?;
        let item = ctx.item(item_id)?.clone();
        match item.evidence {
            EvidenceKind::None => {
                return Err(Error::rule(format!(
                    "“{}”不需要上传资料，填写自评分即可",
                    item.title
                )));
            }
            EvidenceKind::Photo if !prepared.media_type().is_image() => {
                return Err(Error::rule(format!(
                    "“{}”要求上传照片，“{}”是{}；请上传照片（JPG/PNG）",
                    item.title,
                    prepared.file_name(),
                    prepared.media_type().label()
                )));
            }
            _ => {}
        }
        let have = evidence_rows(&mut tx, id)
            .await?
            .iter()
            .filter(|e| e.1 == item_id)
            .count() as i64;
        if have >= MAX_FILES_PER_ITEM {
            return Err(Error::rule(format!(
                "“{}”已上传{have}个文件，每项最多{MAX_FILES_PER_ITEM}个；请先删除不需要的文件",
                item.title
            )));
        }
        let saved = insert_attachment(&mut tx, actor, ctx.a.org_id, prepared).await?;
        let evidence_id = tx
            .insert_id(
                Query::insert()
                    .into_table(AssessmentEvidence::Table)
                    .columns([
                        AssessmentEvidence::AssessmentId,
                        AssessmentEvidence::ItemId,
                        AssessmentEvidence::AttachmentId,
                        AssessmentEvidence::CreatedAt,
                    ])
                    .values_panic([
                        id.into(),
                        item_id.into(),
                        saved.id.into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        if next != ctx.a.state {
            set_state(&mut tx, id, next).await?;
            record_event(&mut tx, id, ctx.a.state, next, actor, None).await?;
            ctx.a.state = next;
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "assessment.evidence_add",
            ctx.target(),
            None,
            Some(&EvidenceAudit {
                item_id,
                item: &item.title,
                attachment_id: saved.id,
                file_name: &saved.file_name,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(evidence_id)
    }

    /// 删除佐证材料: the file stays in the database (the history refers to it) but no longer
    /// counts for the item. `answers` typed on the same page are saved with it.
    pub async fn remove_evidence(
        &self,
        actor: &Actor,
        id: i64,
        evidence_id: i64,
        answers: &[SelfAnswer],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let mut ctx = context(&mut tx, id).await?;
        if !ctx.a.state.union_may_edit() {
            return Err(refused(
                ctx.a
                    .state
                    .after(AssessmentAction::SaveSelfReview)
                    .unwrap_err(),
            ));
        }
        let row = evidence_rows(&mut tx, id)
            .await?
            .into_iter()
            .find(|e| e.0 == evidence_id)
            .ok_or(Error::NotFound("佐证材料"))?;
        record_answers(&mut tx, &mut ctx, answers, actor).await?;
        tx.execute(
            &Query::update()
                .table(AssessmentEvidence::Table)
                .value(AssessmentEvidence::RemovedAt, Utc::now())
                .and_where(Expr::col(AssessmentEvidence::Id).eq(evidence_id))
                .to_owned(),
        )
        .await?;
        audit::record::<_, ()>(
            &mut tx,
            actor,
            "assessment.evidence_remove",
            ctx.target(),
            Some(&serde_json::json!({ "item_id": row.1, "attachment_id": row.2 })),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// 提交审核: every item answered and every evidence rule met; the refusal lists each item
    /// still missing something.
    pub async fn submit_assessment(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let ctx = context(&mut tx, id).await?;
        let next = ctx
            .a
            .state
            .after(AssessmentAction::Submit)
            .map_err(refused)?;
        let scores = item_scores(&mut tx, id).await?;
        let evidence = evidence_rows(&mut tx, id).await?;
        let missing = missing_for_submit(&ctx.items(), &scores, &evidence);
        if !missing.is_empty() {
            return Err(Error::rule(format!(
                "还不能提交审核，请先补齐：{}",
                missing.join("；")
            )));
        }
        let now: DateTime<Utc> = Utc::now();
        tx.execute(
            &Query::update()
                .table(Assessments::Table)
                .values([
                    (Assessments::State, next.code().into()),
                    (Assessments::SubmittedAt, now.into()),
                    (Assessments::UpdatedAt, now.into()),
                ])
                .and_where(Expr::col(Assessments::Id).eq(id))
                .to_owned(),
        )
        .await?;
        record_event(&mut tx, id, ctx.a.state, next, actor, None).await?;
        audit::record(
            &mut tx,
            actor,
            "assessment.submit",
            ctx.target(),
            Some(&ctx.a.state.code()),
            Some(&serde_json::json!({ "state": next.code(), "self_total": ctx.a.self_total })),
        )
        .await?;
        tx.commit().await
    }

    /// 保存评分: the reviewer's scores and comments, and the on-site check. Returns whether
    /// anything changed.
    pub async fn save_review(&self, actor: &Actor, id: i64, input: &ReviewInput) -> Result<bool> {
        let mut tx = self.begin().await?;
        let mut ctx = context(&mut tx, id).await?;
        let (before, after) = apply_review(&mut tx, &mut ctx, input, actor).await?;
        if after.items.is_empty() && after.state.is_none() {
            return Ok(false);
        }
        audit::record(
            &mut tx,
            actor,
            "assessment.review",
            ctx.target(),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// 退回修改 with a reason; the chair can change the self-assessment and submit again.
    pub async fn return_assessment(&self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let reason = check_text(reason, "退回原因", MAX_NOTE).map_err(Error::field("reason"))?;
        let mut tx = self.begin().await?;
        let ctx = context(&mut tx, id).await?;
        let next = ctx
            .a
            .state
            .after(AssessmentAction::Return)
            .map_err(refused)?;
        set_state(&mut tx, id, next).await?;
        record_event(&mut tx, id, ctx.a.state, next, actor, Some(&reason)).await?;
        audit::record(
            &mut tx,
            actor,
            "assessment.return",
            ctx.target(),
            Some(&ctx.a.state.code()),
            Some(&serde_json::json!({ "state": next.code(), "reason": reason })),
        )
        .await?;
        tx.commit().await
    }

    /// 完成验收: with every item scored, the grade is computed (a failed veto item fails the
    /// assessment whatever the total) and the assessment is 验收通过 or 未通过. Scores sent
    /// with it are saved in the same transaction.
    pub async fn decide_assessment(
        &self,
        actor: &Actor,
        id: i64,
        review: Option<&ReviewInput>,
    ) -> Result<Outcome> {
        let mut tx = self.begin().await?;
        let mut ctx = context(&mut tx, id).await?;
        if let Some(input) = review {
            apply_review(&mut tx, &mut ctx, input, actor).await?;
        }
        ctx.a
            .state
            .after(AssessmentAction::Decide)
            .map_err(refused)?;
        let scores = item_scores(&mut tx, id).await?;
        let items = ctx.items();
        let mut scored = Vec::new();
        let mut unscored = Vec::new();
        for item in &items {
            match scores
                .iter()
                .find(|s| s.item_id == item.id)
                .and_then(|s| s.score)
            {
                Some(score) => scored.push(Scored {
                    points: item.points,
                    veto: item.veto,
                    score,
                }),
                None => unscored.push(format!("「{}」", item.title)),
            }
        }
        if !unscored.is_empty() {
            return Err(Error::rule(format!(
                "还有{}项没有评分：{}。请逐项评分后再完成验收",
                unscored.len(),
                unscored.join("、")
            )));
        }
        let result = outcome(ctx.version.grading, &scored);
        let next = ctx.a.state.decide(result).map_err(refused)?;
        let now = Utc::now();
        tx.execute(
            &Query::update()
                .table(Assessments::Table)
                .values([
                    (Assessments::State, next.code().into()),
                    (Assessments::Total, result.total.into()),
                    (Assessments::MaxPoints, result.max.into()),
                    (Assessments::Grade, result.grade.code().into()),
                    (Assessments::VetoFailed, result.veto_failed.into()),
                    (Assessments::DecidedAt, now.into()),
                    (Assessments::ReviewedBy, actor.account_id.into()),
                    (Assessments::UpdatedAt, now.into()),
                ])
                .and_where(Expr::col(Assessments::Id).eq(id))
                .to_owned(),
        )
        .await?;
        record_event(&mut tx, id, ctx.a.state, next, actor, None).await?;
        audit::record(
            &mut tx,
            actor,
            "assessment.decide",
            ctx.target(),
            Some(&ctx.a.state.code()),
            Some(&DecideAudit {
                state: next.code(),
                total: result.total,
                max: result.max,
                grade: result.grade.code(),
                veto_failed: result.veto_failed,
                scores,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// 奖励发放: the amount paid to an accepted union, when and under which document.
    pub async fn record_reward(&self, actor: &Actor, id: i64, input: RewardInput) -> Result<()> {
        if input.amount_fen <= 0 {
            return Err(Error::invalid("amount", "请填写发放金额（元），应大于0"));
        }
        if input.paid_on > today() {
            return Err(Error::invalid(
                "paid_on",
                format!("发放日期（{}）不能晚于今天", input.paid_on),
            ));
        }
        let document_no = match input
            .document_no
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => Some(check_document_no(d, "发放文号").map_err(Error::field("document_no"))?),
            None => None,
        };
        let mut tx = self.begin().await?;
        let ctx = context(&mut tx, id).await?;
        let next = ctx
            .a
            .state
            .after(AssessmentAction::Reward)
            .map_err(refused)?;
        if input.paid_on < ctx.campaign.start_on {
            return Err(Error::invalid(
                "paid_on",
                format!(
                    "发放日期（{}）早于活动开始日期（{}），请核对",
                    input.paid_on, ctx.campaign.start_on
                ),
            ));
        }
        tx.execute(
            &Query::update()
                .table(Assessments::Table)
                .values([
                    (Assessments::State, next.code().into()),
                    (Assessments::RewardFen, input.amount_fen.into()),
                    (Assessments::RewardOn, input.paid_on.into()),
                    (Assessments::RewardDocumentNo, document_no.clone().into()),
                    (Assessments::UpdatedAt, Utc::now().into()),
                ])
                .and_where(Expr::col(Assessments::Id).eq(id))
                .to_owned(),
        )
        .await?;
        record_event(&mut tx, id, ctx.a.state, next, actor, None).await?;
        audit::record(
            &mut tx,
            actor,
            "assessment.reward",
            ctx.target(),
            Some(&ctx.a.state.code()),
            Some(&serde_json::json!({
                "state": next.code(),
                "amount_fen": input.amount_fen,
                "paid_on": input.paid_on,
                "document_no": document_no,
            })),
        )
        .await?;
        tx.commit().await
    }
}
