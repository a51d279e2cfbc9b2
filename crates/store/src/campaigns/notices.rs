//! 公示 (the list of accepted unions published for a period) and 授予称号 after it.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{
    AssessmentAction, AssessmentState, Grade, HonorLevel, HonorSource, RecipientKind, RuleTarget,
    check_document_no, check_notice_period, check_text,
};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use super::{Campaign, load_assessment, load_campaign, record_event, today};
use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::honors::{NewHonor, eligibility_refusals, insert_honor};
use crate::orgs::load;
use crate::schema::{Assessments, Notices, Orgs};
use crate::{Error, Result, Store};

/// How far ahead a 公示 may be announced.
const MAX_DAYS_AHEAD: i64 = 30;

/// What the 公示 form sends.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeInput {
    pub title: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// Where objections go (phone or office).
    pub contact: String,
    /// The accepted assessments to publish.
    pub assessment_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub campaign_id: i64,
    pub title: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub contact: String,
    pub created_at: DateTime<Utc>,
}

impl Notice {
    /// Titles may be granted from the day after the 公示 ends.
    pub fn grant_from(&self) -> NaiveDate {
        self.end_on + TimeDelta::days(1)
    }

    pub fn ended(&self, today: NaiveDate) -> bool {
        today > self.end_on
    }
}

/// One union on a 公示: its name and result, nothing personal.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeLine {
    pub assessment_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    #[sqlx(try_from = "String")]
    pub state: AssessmentState,
    pub grade: Option<String>,
    pub total: Option<i64>,
    pub max_points: Option<i64>,
    pub honor_id: Option<i64>,
}

impl NoticeLine {
    pub fn grade_text(&self) -> &'static str {
        self.grade
            .as_deref()
            .and_then(Grade::from_code)
            .map(|g| g.label())
            .unwrap_or("")
    }

    pub fn score_text(&self) -> String {
        match (self.total, self.max_points) {
            (Some(t), Some(m)) => gonghui_domain::score_text(t, m),
            _ => String::new(),
        }
    }
}

/// A 公示 with its campaign and its unions.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub notice: Notice,
    pub campaign: Campaign,
    pub lines: Vec<NoticeLine>,
}

impl NoticeView {
    /// Lines still waiting for their title.
    pub fn awaiting_grant(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.state == AssessmentState::Published)
            .count()
    }
}

/// The order of a 公示: best grade first, then by name as people look names up.
const GRADE_ORDER: &str = "CASE assessments.grade WHEN 'first' THEN 1 WHEN 'second' THEN 2 WHEN 'third' THEN 3 WHEN 'pass' THEN 4 ELSE 5 END";

async fn load_notice(tx: &mut Tx, id: i64) -> Result<Notice> {
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
            .and_where(Expr::col(Notices::Id).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("公示"))
}

async fn notice_lines(tx: &mut Tx, notice_id: i64) -> Result<Vec<NoticeLine>> {
    tx.all(
        &Query::select()
            .expr_as(
                Expr::col((Assessments::Table, Assessments::Id)),
                "assessment_id",
            )
            .columns([
                (Assessments::Table, Assessments::OrgId),
                (Assessments::Table, Assessments::State),
                (Assessments::Table, Assessments::Grade),
                (Assessments::Table, Assessments::Total),
                (Assessments::Table, Assessments::MaxPoints),
                (Assessments::Table, Assessments::HonorId),
            ])
            .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
            .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
            .from(Assessments::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((Assessments::Table, Assessments::OrgId)),
            )
            .and_where(Expr::col((Assessments::Table, Assessments::NoticeId)).eq(notice_id))
            .order_by_expr(Expr::cust(GRADE_ORDER), Order::Asc)
            .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
            .to_owned(),
    )
    .await
}

#[derive(Serialize)]
struct PublishAudit<'a> {
    title: &'a str,
    start_on: NaiveDate,
    end_on: NaiveDate,
    contact: &'a str,
    assessments: &'a [i64],
}

#[derive(Serialize)]
struct GrantAudit<'a> {
    notice_id: i64,
    title: &'a str,
    level: &'static str,
    document_no: Option<&'a str>,
    orgs: Vec<i64>,
    honors: Vec<i64>,
}

impl Store {
    /// 发布公示 of accepted unions of a campaign. The 公示 may record one already posted (its
    /// start in the past), or one announced up to 30 days ahead.
    pub async fn publish_notice(
        &self,
        actor: &Actor,
        campaign_id: i64,
        input: NoticeInput,
    ) -> Result<i64> {
        let title = check_text(&input.title, "公示标题", 100).map_err(Error::field("title"))?;
        check_notice_period(input.start_on, input.end_on).map_err(Error::field("end_on"))?;
        if input.start_on > today() + TimeDelta::days(MAX_DAYS_AHEAD) {
            return Err(Error::invalid(
                "start_on",
                format!("公示开始日期最晚为{MAX_DAYS_AHEAD}天以后，请核对"),
            ));
        }
        let contact = input.contact.trim().to_owned();
        if contact.chars().count() > 100 {
            return Err(Error::invalid(
                "contact",
                "受理意见的联系方式不能超过100个字",
            ));
        }
        let mut ids = input.assessment_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Err(Error::invalid(
                "assessments",
                "请勾选要公示的工会（验收通过、尚未公示的）",
            ));
        }
        let mut tx = self.begin().await?;
        let campaign = load_campaign(&mut tx, campaign_id).await?;
        if input.start_on < campaign.start_on {
            return Err(Error::invalid(
                "start_on",
                format!(
                    "公示开始日期早于活动开始日期（{}），请核对",
                    campaign.start_on
                ),
            ));
        }
        let mut moves = Vec::new();
        let mut refusals = Vec::new();
        for id in &ids {
            let a = load_assessment(&mut tx, *id).await?;
            if a.campaign_id != campaign_id {
                return Err(Error::NotFound("验收记录"));
            }
            match a.state.after(AssessmentAction::Publish) {
                Ok(next) => moves.push((a, next)),
                Err(e) => {
                    let org = load(&mut tx, a.org_id).await?;
                    refusals.push(format!("{}：{}", org.name, e.0));
                }
            }
        }
        if !refusals.is_empty() {
            return Err(Error::rule(refusals.join("；")));
        }
        let notice_id = tx
            .insert_id(
                Query::insert()
                    .into_table(Notices::Table)
                    .columns([
                        Notices::CampaignId,
                        Notices::Title,
                        Notices::StartOn,
                        Notices::EndOn,
                        Notices::Contact,
                        Notices::CreatedBy,
                        Notices::CreatedAt,
                    ])
                    .values_panic([
                        campaign_id.into(),
                        title.clone().into(),
                        input.start_on.into(),
                        input.end_on.into(),
                        contact.clone().into(),
                        actor.account_id.into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        for (a, next) in &moves {
            tx.execute(
                &Query::update()
                    .table(Assessments::Table)
                    .values([
                        (Assessments::State, next.code().into()),
                        (Assessments::NoticeId, notice_id.into()),
                        (Assessments::UpdatedAt, Utc::now().into()),
                    ])
                    .and_where(Expr::col(Assessments::Id).eq(a.id))
                    .to_owned(),
            )
            .await?;
            record_event(&mut tx, a.id, a.state, *next, actor, None).await?;
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "notice.publish",
            Target::new("notice", Some(notice_id), Some(campaign.org_id)),
            None,
            Some(&PublishAudit {
                title: &title,
                start_on: input.start_on,
                end_on: input.end_on,
                contact: &contact,
                assessments: &ids,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(notice_id)
    }

    /// One 公示 with its unions.
    pub async fn notice(&self, id: i64) -> Result<NoticeView> {
        let mut tx = self.read().await?;
        let notice = load_notice(&mut tx, id).await?;
        let campaign = load_campaign(&mut tx, notice.campaign_id).await?;
        let lines = notice_lines(&mut tx, id).await?;
        Ok(NoticeView {
            notice,
            campaign,
            lines,
        })
    }

    /// The 公示 of a campaign, newest first.
    pub async fn notices_of(&self, campaign_id: i64) -> Result<Vec<Notice>> {
        let mut tx = self.read().await?;
        tx.all(
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
                .and_where(Expr::col(Notices::CampaignId).eq(campaign_id))
                .order_by(Notices::Id, Order::Desc)
                .to_owned(),
        )
        .await
    }

    /// 授予称号 to the unions of a 公示 that ended (all of them, or those of `only`). Refused as
    /// a whole when it would pass the quota or when any union fails an eligibility rule (each
    /// such union is named with its reasons).
    pub async fn grant_titles(
        &self,
        actor: &Actor,
        notice_id: i64,
        only: &[i64],
        document_no: Option<&str>,
    ) -> Result<usize> {
        let document_no = match document_no.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => Some(check_document_no(d, "表彰文号").map_err(Error::field("document_no"))?),
            None => None,
        };
        let today = today();
        let mut tx = self.begin().await?;
        let notice = load_notice(&mut tx, notice_id).await?;
        let campaign = load_campaign(&mut tx, notice.campaign_id).await?;
        let Some(title) = campaign.honor_title.clone() else {
            return Err(Error::rule(
                "本活动没有设荣誉称号，只评定等级；验收通过的工会可直接登记奖励发放",
            ));
        };
        if !notice.ended(today) {
            return Err(Error::rule(format!(
                "公示期到{}结束，{}起才能授予称号",
                notice.end_on,
                notice.grant_from()
            )));
        }
        let lines: Vec<NoticeLine> = notice_lines(&mut tx, notice_id)
            .await?
            .into_iter()
            .filter(|l| l.state == AssessmentState::Published)
            .filter(|l| only.is_empty() || only.contains(&l.assessment_id))
            .collect();
        if lines.is_empty() {
            return Err(Error::rule(
                "没有等待授予称号的工会：本次公示的工会都已授予称号，或没有勾选",
            ));
        }
        if let Some(quota) = campaign.quota {
            let titled = tx
                .scalar(
                    &Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from(Assessments::Table)
                        .and_where(Expr::col(Assessments::CampaignId).eq(campaign.id))
                        .and_where(Expr::col(Assessments::HonorId).is_not_null())
                        .to_owned(),
                )
                .await?;
            let n = lines.len() as i64;
            if titled + n > quota {
                return Err(Error::rule(format!(
                    "选树名额为{quota}家，已授予{titled}家，本次{n}家将超出名额{}家；请减少本次授予的工会",
                    titled + n - quota
                )));
            }
        }
        let level = campaign
            .honor_level
            .unwrap_or(HonorLevel::granted_by(campaign.org_kind));
        let mut refused = Vec::new();
        let mut orgs = Vec::new();
        for l in &lines {
            let org = load(&mut tx, l.org_id).await?;
            let reasons =
                eligibility_refusals(&mut tx, &org, RuleTarget::Honor, Some(level), Some(&title))
                    .await?;
            if !reasons.is_empty() {
                refused.push(format!("{}：{}", org.name, reasons.join("，")));
            }
            orgs.push(org);
        }
        if !refused.is_empty() {
            return Err(Error::rule(format!(
                "以下{}家工会不符合{}“{}”的评选条件，本次没有授予任何称号：{}",
                refused.len(),
                level.label(),
                title,
                refused.join("；")
            )));
        }
        let mut honors = Vec::new();
        for (l, org) in lines.iter().zip(&orgs) {
            let honor_id = insert_honor(
                &mut tx,
                actor,
                &NewHonor {
                    title: title.clone(),
                    level,
                    year: i64::from(today.year()),
                    recipient: RecipientKind::Org,
                    org_id: org.id,
                    person_name: None,
                    source: HonorSource::Campaign,
                    campaign_id: Some(campaign.id),
                    document_no: document_no.clone(),
                    granted_by_org: campaign.org_id,
                },
            )
            .await?;
            let next = l
                .state
                .after(AssessmentAction::Grant)
                .map_err(|e| Error::rule(e.0))?;
            tx.execute(
                &Query::update()
                    .table(Assessments::Table)
                    .values([
                        (Assessments::State, next.code().into()),
                        (Assessments::HonorId, honor_id.into()),
                        (Assessments::UpdatedAt, Utc::now().into()),
                    ])
                    .and_where(Expr::col(Assessments::Id).eq(l.assessment_id))
                    .to_owned(),
            )
            .await?;
            record_event(&mut tx, l.assessment_id, l.state, next, actor, None).await?;
            honors.push(honor_id);
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "notice.grant",
            Target::new("notice", Some(notice_id), Some(campaign.org_id)),
            None,
            Some(&GrantAudit {
                notice_id,
                title: &title,
                level: level.code(),
                document_no: document_no.as_deref(),
                orgs: orgs.iter().map(|o| o.id).collect(),
                honors: honors.clone(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(honors.len())
    }
}
