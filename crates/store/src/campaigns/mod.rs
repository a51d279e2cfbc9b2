//! 达标创建活动 (`Campaign`) and the acceptance of each org in it (`Assessment`): 自评 → 提交 →
//! 审核 → 退回 or 验收通过/未通过 → 公示 → 授予称号 → 奖励发放 (seeds 000, 001, 004).
//!
//! A campaign runs over the subtree of the org that creates it: one assessment per active org of
//! the chosen kinds, created with the campaign and scored against one [`StandardVersion`], so an
//! edited standard never changes what a union was assessed on. Every move of an assessment goes
//! through `AssessmentState::after` / `decide`, is kept in `assessment_events` (with the reason
//! of a 退回), and is audited in the same transaction.
//!
//! Who may do what is the web layer's business (`crates/web/src/auth.rs`); this module gives
//! it what it needs to decide ([`AssessmentAccess`], [`Campaign::org_path`]) and applies the
//! rules that need data: evidence counts, scores, deadlines of the 公示, the quota and the
//! eligibility rules of the honor.
//!
//! [`review`] holds the union's and the reviewer's operations, [`notices`] the 公示 and the
//! titles, [`progress`] the counts per child org, the assessment page and the inbox.

mod notices;
mod progress;
mod review;

use chrono::{DateTime, NaiveDate, Utc};
use gonghui_domain::{
    AreaKind, AssessmentState, GrassrootsKind, HonorLevel, KindSet, OrgKind, ReviewerKind, Role,
    check_campaign_dates, check_document_no, check_quota, check_text,
};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

pub use notices::{Notice, NoticeInput, NoticeLine, NoticeView};
pub use progress::{
    AssessmentView, CampaignSummary, EventView, EvidenceView, InboxCandidate, InboxQuery, ItemView,
    OwnAssessment, Progress, ProgressCounts, ProgressRow,
};
pub use review::{ReviewInput, ReviewScore, RewardInput, SelfAnswer};

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree, load_active};
use crate::schema::{
    Accounts, AssessmentEvents, Assessments, CampaignAssessors, Campaigns, Orgs, StandardVersions,
    Standards,
};
use crate::standards::{StandardVersion, load_version};
use crate::{Error, Result, Store};

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Multi-row inserts stay well below the engines' bound-parameter limits.
const ROWS_PER_INSERT: usize = 400;

// ---------------------------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------------------------

/// What a form supplies to create a campaign.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignInput {
    pub name: String,
    pub version_id: i64,
    /// Kind codes in scope (org, area or grassroots kinds); empty = the standard's own kinds.
    pub kinds: Vec<String>,
    pub start_on: NaiveDate,
    pub self_review_due: NaiveDate,
    pub end_on: NaiveDate,
    /// 选树 N 家; None = no quota.
    pub quota: Option<i64>,
    /// Reward per accepted union, in 分.
    pub reward_fen: i64,
    pub honor_title: Option<String>,
    /// Defaults to the level the campaign's org grants (市总 → 市级).
    pub honor_level: Option<HonorLevel>,
    pub reviewer: ReviewerKind,
    pub document_no: Option<String>,
}

/// One campaign with the names it is shown with.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    /// The org whose subtree is in scope; its staff publish the 公示 and grant the titles.
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub org_kind: OrgKind,
    pub version_id: i64,
    pub standard_id: i64,
    pub standard_name: String,
    pub version: i64,
    /// The kinds chosen (may be empty: then the standard's own kinds).
    #[serde(skip)]
    pub kinds: KindSet,
    /// The kinds the standard is for.
    #[serde(skip)]
    pub applies_to: KindSet,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub self_review_due: NaiveDate,
    pub quota: Option<i64>,
    pub reward_fen: i64,
    pub honor_title: Option<String>,
    pub honor_level: Option<HonorLevel>,
    pub reviewer: ReviewerKind,
    pub document_no: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the campaign was closed (no longer listed as running); none are closed yet.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Campaign {
    /// The kinds assessed: the chosen ones, or the standard's.
    pub fn scope_kinds(&self) -> &KindSet {
        if self.kinds.is_empty() {
            &self.applies_to
        } else {
            &self.kinds
        }
    }

    /// "企业工会、联合基层工会", or the standard's kinds.
    pub fn kinds_text(&self) -> String {
        self.scope_kinds().labels()
    }

    /// "2000元", or "" without a reward.
    pub fn reward_text(&self) -> String {
        if self.reward_fen > 0 {
            format!("{}元", gonghui_domain::format_yuan(self.reward_fen))
        } else {
            String::new()
        }
    }

    /// "市级“示范工会”", or "" when the campaign grades only.
    pub fn honor_text(&self) -> String {
        match (&self.honor_title, self.honor_level) {
            (Some(t), Some(l)) => format!("{}“{t}”", l.label()),
            (Some(t), None) => format!("“{t}”"),
            _ => String::new(),
        }
    }

    pub fn quota_text(&self) -> String {
        match self.quota {
            Some(q) => format!("{q}家"),
            None => "不限".into(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct CampaignRow {
    id: i64,
    name: String,
    org_id: i64,
    org_name: String,
    org_path: String,
    #[sqlx(try_from = "String")]
    org_kind: OrgKind,
    version_id: i64,
    standard_id: i64,
    standard_name: String,
    version: i64,
    applies_to: String,
    kinds: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
    self_review_due: NaiveDate,
    quota: Option<i64>,
    reward_fen: i64,
    honor_title: Option<String>,
    honor_level: Option<String>,
    #[sqlx(try_from = "String")]
    reviewer: ReviewerKind,
    document_no: Option<String>,
    created_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

impl CampaignRow {
    fn into_campaign(self) -> Result<Campaign> {
        let corrupt = || Error::rule("达标创建活动的数据已损坏（适用类型），请联系系统管理员");
        Ok(Campaign {
            kinds: KindSet::parse([self.kinds.as_str()]).map_err(|_| corrupt())?,
            applies_to: KindSet::parse([self.applies_to.as_str()]).map_err(|_| corrupt())?,
            honor_level: self.honor_level.as_deref().and_then(HonorLevel::from_code),
            id: self.id,
            name: self.name,
            org_id: self.org_id,
            org_name: self.org_name,
            org_path: self.org_path,
            org_kind: self.org_kind,
            version_id: self.version_id,
            standard_id: self.standard_id,
            standard_name: self.standard_name,
            version: self.version,
            start_on: self.start_on,
            end_on: self.end_on,
            self_review_due: self.self_review_due,
            quota: self.quota,
            reward_fen: self.reward_fen,
            honor_title: self.honor_title,
            reviewer: self.reviewer,
            document_no: self.document_no,
            created_at: self.created_at,
            closed_at: self.closed_at,
        })
    }
}

pub(crate) fn campaign_columns() -> SelectStatement {
    Query::select()
        .columns([
            (Campaigns::Table, Campaigns::Id),
            (Campaigns::Table, Campaigns::Name),
            (Campaigns::Table, Campaigns::OrgId),
            (Campaigns::Table, Campaigns::VersionId),
            (Campaigns::Table, Campaigns::Kinds),
            (Campaigns::Table, Campaigns::StartOn),
            (Campaigns::Table, Campaigns::EndOn),
            (Campaigns::Table, Campaigns::SelfReviewDue),
            (Campaigns::Table, Campaigns::Quota),
            (Campaigns::Table, Campaigns::RewardFen),
            (Campaigns::Table, Campaigns::HonorTitle),
            (Campaigns::Table, Campaigns::HonorLevel),
            (Campaigns::Table, Campaigns::Reviewer),
            (Campaigns::Table, Campaigns::DocumentNo),
            (Campaigns::Table, Campaigns::CreatedAt),
            (Campaigns::Table, Campaigns::ClosedAt),
        ])
        .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
        .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
        .expr_as(Expr::col((Orgs::Table, Orgs::Kind)), "org_kind")
        .expr_as(
            Expr::col((StandardVersions::Table, StandardVersions::StandardId)),
            "standard_id",
        )
        .expr_as(
            Expr::col((StandardVersions::Table, StandardVersions::Version)),
            "version",
        )
        .expr_as(
            Expr::col((StandardVersions::Table, StandardVersions::AppliesTo)),
            "applies_to",
        )
        .expr_as(
            Expr::col((Standards::Table, Standards::Name)),
            "standard_name",
        )
        .from(Campaigns::Table)
        .inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Campaigns::Table, Campaigns::OrgId)),
        )
        .inner_join(
            StandardVersions::Table,
            Expr::col((StandardVersions::Table, StandardVersions::Id))
                .equals((Campaigns::Table, Campaigns::VersionId)),
        )
        .inner_join(
            Standards::Table,
            Expr::col((Standards::Table, Standards::Id))
                .equals((StandardVersions::Table, StandardVersions::StandardId)),
        )
        .to_owned()
}

pub(crate) async fn load_campaign(tx: &mut Tx, id: i64) -> Result<Campaign> {
    let row: CampaignRow = tx
        .optional(
            &campaign_columns()
                .and_where(Expr::col((Campaigns::Table, Campaigns::Id)).eq(id))
                .to_owned(),
        )
        .await?
        .ok_or(Error::NotFound("达标创建活动"))?;
    row.into_campaign()
}

async fn campaigns_where(tx: &mut Tx, q: SelectStatement) -> Result<Vec<Campaign>> {
    let rows: Vec<CampaignRow> = tx.all(&q).await?;
    rows.into_iter().map(CampaignRow::into_campaign).collect()
}

/// Whether `code` names kinds inside `set` (a grassroots kind inside `grassroots`).
fn within(set: &KindSet, code: &str) -> bool {
    set.contains(code)
        || (GrassrootsKind::from_code(code).is_some() && set.contains(OrgKind::Grassroots.code()))
        || (AreaKind::from_code(code).is_some() && set.contains(OrgKind::AreaFederation.code()))
}

/// The date field a campaign date refusal belongs beside.
fn date_field(start: NaiveDate, due: NaiveDate, end: NaiveDate) -> &'static str {
    if end < start {
        "end_on"
    } else if due < start || due > end {
        "self_review_due"
    } else {
        "end_on"
    }
}

fn opt_text(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// An org as a campaign sees it: what decides whether it is assessed.
#[derive(sqlx::FromRow)]
struct ScopeOrg {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: OrgKind,
    sub_kind: Option<String>,
}

/// A standard version's owner and archive flag.
#[derive(sqlx::FromRow)]
struct StandardOwner {
    owner_org_id: Option<i64>,
    archived: bool,
}

/// What the audit trail keeps of a new campaign.
#[derive(Serialize)]
struct CampaignAudit<'a> {
    name: &'a str,
    org_id: i64,
    version_id: i64,
    kinds: String,
    start_on: NaiveDate,
    self_review_due: NaiveDate,
    end_on: NaiveDate,
    quota: Option<i64>,
    reward_fen: i64,
    honor_title: Option<&'a str>,
    honor_level: Option<&'static str>,
    reviewer: &'static str,
    document_no: Option<&'a str>,
    assessments: usize,
}

/// An account that may be listed as a campaign's third-party assessor.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CampaignAssessor {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
}

/// A standard version a campaign may use, for the form's choice.
#[derive(Debug, Clone, Serialize)]
pub struct StandardOption {
    pub version_id: i64,
    pub name: String,
    pub version: i64,
    pub builtin: bool,
    pub applies_text: String,
    /// Codes the standard applies to, and the narrower kinds that may be chosen under them.
    #[serde(skip)]
    pub applies_to: KindSet,
    pub total_points: i64,
    pub items: usize,
}

impl StandardOption {
    /// "“六有”工会标准（第1版，内置）".
    pub fn label(&self) -> String {
        format!(
            "{}（第{}版{}，适用：{}）",
            self.name,
            self.version,
            if self.builtin { "，内置" } else { "" },
            self.applies_text
        )
    }
}

impl Store {
    /// Create a campaign over the subtree of `org_id`: one assessment (未开始) per active org
    /// below it whose kind is in scope and to which at least one item of the standard applies.
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        org_id: i64,
        input: CampaignInput,
    ) -> Result<i64> {
        let name = check_text(&input.name, "活动名称", 60).map_err(Error::field("name"))?;
        check_campaign_dates(input.start_on, input.self_review_due, input.end_on).map_err(
            Error::field(date_field(
                input.start_on,
                input.self_review_due,
                input.end_on,
            )),
        )?;
        let quota = check_quota(input.quota).map_err(Error::field("quota"))?;
        if input.reward_fen < 0 {
            return Err(Error::invalid("reward", "奖励金额不能是负数"));
        }
        let honor_title = match opt_text(&input.honor_title) {
            Some(t) => Some(check_text(&t, "荣誉称号", 40).map_err(Error::field("honor_title"))?),
            None => None,
        };
        let document_no = match opt_text(&input.document_no) {
            Some(d) => {
                Some(check_document_no(&d, "活动文号").map_err(Error::field("document_no"))?)
            }
            None => None,
        };
        let kinds = KindSet::parse(input.kinds.iter().map(String::as_str))
            .map_err(Error::field("kinds"))?;

        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        if org.kind == OrgKind::Grassroots {
            return Err(Error::rule(
                "基层工会下面没有其他工会，不能发起达标创建活动；请由上级工会发起",
            ));
        }
        let version = load_version(&mut tx, input.version_id)
            .await
            .map_err(|_| Error::invalid("version_id", "请选择活动所用的标准"))?;
        let owner: StandardOwner = tx
            .one(
                &Query::select()
                    .columns([Standards::OwnerOrgId, Standards::Archived])
                    .from(Standards::Table)
                    .and_where(Expr::col(Standards::Id).eq(version.standard_id))
                    .to_owned(),
            )
            .await?;
        if owner.archived {
            return Err(Error::invalid(
                "version_id",
                format!("“{}”已停用，请选择在用的标准", version.name),
            ));
        }
        if let Some(owner_id) = owner.owner_org_id
            && !org.lineage().contains(&owner_id)
        {
            return Err(Error::invalid(
                "version_id",
                format!(
                    "“{}”是其他工会制定的标准，只能使用内置标准、本会或上级工会制定的标准",
                    version.name
                ),
            ));
        }
        for code in kinds.codes() {
            if !within(&version.applies_to, code) {
                return Err(Error::invalid(
                    "kinds",
                    format!(
                        "“{}”只适用于{}，所选的工会类型超出了标准的适用范围",
                        version.name,
                        version.applies_to.labels()
                    ),
                ));
            }
        }
        let honor_level = honor_title.as_ref().map(|_| {
            input
                .honor_level
                .unwrap_or(HonorLevel::granted_by(org.kind))
        });
        let scope = if kinds.is_empty() {
            version.applies_to.clone()
        } else {
            kinds.clone()
        };
        let orgs = assessed_orgs(&mut tx, &org, &scope, &version).await?;
        if orgs.is_empty() {
            return Err(Error::invalid(
                "kinds",
                format!(
                    "{}下面没有在册的{}，无法创建活动；请检查所选的工会类型",
                    org.name,
                    scope.labels()
                ),
            ));
        }
        let now = Utc::now();
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Campaigns::Table)
                    .columns([
                        Campaigns::Name,
                        Campaigns::OrgId,
                        Campaigns::VersionId,
                        Campaigns::Kinds,
                        Campaigns::StartOn,
                        Campaigns::EndOn,
                        Campaigns::SelfReviewDue,
                        Campaigns::Quota,
                        Campaigns::RewardFen,
                        Campaigns::HonorTitle,
                        Campaigns::HonorLevel,
                        Campaigns::Reviewer,
                        Campaigns::DocumentNo,
                        Campaigns::CreatedBy,
                        Campaigns::CreatedAt,
                    ])
                    .values_panic([
                        name.clone().into(),
                        org.id.into(),
                        version.id.into(),
                        kinds.to_stored().into(),
                        input.start_on.into(),
                        input.end_on.into(),
                        input.self_review_due.into(),
                        quota.into(),
                        input.reward_fen.into(),
                        honor_title.clone().into(),
                        honor_level.map(|l| l.code()).into(),
                        input.reviewer.code().into(),
                        document_no.clone().into(),
                        actor.account_id.into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        for chunk in orgs.chunks(ROWS_PER_INSERT) {
            let mut q = Query::insert()
                .into_table(Assessments::Table)
                .columns([
                    Assessments::CampaignId,
                    Assessments::OrgId,
                    Assessments::State,
                    Assessments::VetoFailed,
                    Assessments::UpdatedAt,
                ])
                .to_owned();
            for org_id in chunk {
                q.values_panic([
                    id.into(),
                    (*org_id).into(),
                    AssessmentState::NotStarted.code().into(),
                    false.into(),
                    now.into(),
                ]);
            }
            tx.execute(&q).await?;
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "campaign.create",
            Target::new("campaign", Some(id), Some(org.id)),
            None,
            Some(&CampaignAudit {
                name: &name,
                org_id: org.id,
                version_id: version.id,
                kinds: kinds.to_stored(),
                start_on: input.start_on,
                self_review_due: input.self_review_due,
                end_on: input.end_on,
                quota,
                reward_fen: input.reward_fen,
                honor_title: honor_title.as_deref(),
                honor_level: honor_level.map(|l| l.code()),
                reviewer: input.reviewer.code(),
                document_no: document_no.as_deref(),
                assessments: orgs.len(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One campaign.
    pub async fn campaign(&self, id: i64) -> Result<Campaign> {
        let mut tx = self.read().await?;
        load_campaign(&mut tx, id).await
    }

    /// The campaigns an org takes part in or runs: those run by it or inside its subtree, and
    /// those of its ancestors that assess it or an org below it. Newest first.
    pub async fn campaigns_for_org(&self, org: &Org) -> Result<Vec<Campaign>> {
        let mut tx = self.read().await?;
        let (lo, hi) = crate::orgs::subtree_range(&org.path);
        // Paths hold only digits and '/', so they are inlined rather than bound (custom SQL
        // takes no placeholders).
        let covering = format!(
            "campaigns.id IN (SELECT a.campaign_id FROM assessments a JOIN orgs ao ON ao.id = a.org_id WHERE ao.path >= '{lo}' AND ao.path < '{hi}')"
        );
        let q = campaign_columns()
            .cond_where(
                in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path)
                    .or(Expr::cust(covering)),
            )
            .order_by((Campaigns::Table, Campaigns::StartOn), Order::Desc)
            .order_by((Campaigns::Table, Campaigns::Id), Order::Desc)
            .to_owned();
        campaigns_where(&mut tx, q).await
    }

    /// The standard versions a campaign of `org` may use: the newest version of every standard
    /// in use that is built in or made by `org` or one of its ancestors.
    pub async fn campaign_standard_options(&self, org: &Org) -> Result<Vec<StandardOption>> {
        let mut tx = self.read().await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            id: i64,
            builtin: bool,
            owner_org_id: Option<i64>,
        }
        let standards: Vec<Row> = tx
            .all(
                &Query::select()
                    .columns([Standards::Id, Standards::Builtin, Standards::OwnerOrgId])
                    .from(Standards::Table)
                    .and_where(Expr::col(Standards::Archived).eq(false))
                    .order_by(Standards::Builtin, Order::Desc)
                    .order_by(Standards::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        let lineage = org.lineage();
        let mut out = Vec::new();
        for s in standards {
            if s.owner_org_id.is_some_and(|o| !lineage.contains(&o)) {
                continue;
            }
            let newest: Option<(i64,)> = tx
                .optional(
                    &Query::select()
                        .column(StandardVersions::Id)
                        .from(StandardVersions::Table)
                        .and_where(Expr::col(StandardVersions::StandardId).eq(s.id))
                        .order_by(StandardVersions::Version, Order::Desc)
                        .limit(1)
                        .to_owned(),
                )
                .await?;
            let Some((vid,)) = newest else { continue };
            let v = load_version(&mut tx, vid).await?;
            out.push(StandardOption {
                version_id: v.id,
                name: v.name.clone(),
                version: v.version,
                builtin: s.builtin,
                applies_text: v.applies_to.labels(),
                total_points: v.total_points(),
                items: v.items.len(),
                applies_to: v.applies_to,
            });
        }
        Ok(out)
    }

    /// The third-party assessors listed for a campaign.
    pub async fn campaign_assessors(&self, campaign_id: i64) -> Result<Vec<CampaignAssessor>> {
        let mut tx = self.read().await?;
        assessors_of(&mut tx, campaign_id).await
    }

    /// Assessor accounts that may be listed for a campaign: scoped inside its subtree, or
    /// assigned an org inside it.
    pub async fn campaign_assessor_candidates(
        &self,
        campaign: &Campaign,
    ) -> Result<Vec<CampaignAssessor>> {
        let mut tx = self.read().await?;
        let (lo, hi) = crate::orgs::subtree_range(&campaign.org_path);
        let q = Query::select()
            .expr_as(Expr::col((Accounts::Table, Accounts::Id)), "account_id")
            .columns([
                (Accounts::Table, Accounts::Username),
                (Accounts::Table, Accounts::DisplayName),
                (Accounts::Table, Accounts::Disabled),
            ])
            .from(Accounts::Table)
            .and_where(Expr::col((Accounts::Table, Accounts::Role)).eq(Role::Assessor.code()))
            .and_where(Expr::col((Accounts::Table, Accounts::Disabled)).eq(false))
            .and_where(Expr::cust(format!(
                "(accounts.scope_org_id IN (SELECT o.id FROM orgs o WHERE o.path >= '{lo}' AND o.path < '{hi}') \
                 OR accounts.id IN (SELECT aa.account_id FROM assessor_assignments aa JOIN orgs o ON o.id = aa.org_id WHERE o.path >= '{lo}' AND o.path < '{hi}'))"
            )))
            .order_by((Accounts::Table, Accounts::Username), Order::Asc)
            .to_owned();
        tx.all(&q).await
    }

    /// List a third-party assessor for a campaign reviewed by assessors.
    pub async fn add_campaign_assessor(
        &self,
        actor: &Actor,
        campaign_id: i64,
        account_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let c = load_campaign(&mut tx, campaign_id).await?;
        if c.reviewer != ReviewerKind::Assessors {
            return Err(Error::rule(
                "本活动由上级工会审核验收，不需要指定第三方考核人员",
            ));
        }
        let acc: Option<(String, String, bool)> = tx
            .optional(
                &Query::select()
                    .columns([Accounts::Role, Accounts::DisplayName, Accounts::Disabled])
                    .from(Accounts::Table)
                    .and_where(Expr::col(Accounts::Id).eq(account_id))
                    .to_owned(),
            )
            .await?;
        let Some((role, display_name, disabled)) = acc else {
            return Err(Error::invalid("account_id", "请选择考核人员"));
        };
        if role != Role::Assessor.code() {
            return Err(Error::invalid(
                "account_id",
                "只能指定角色为“第三方考核人员”的账号",
            ));
        }
        if disabled {
            return Err(Error::invalid(
                "account_id",
                format!("{display_name}的账号已停用"),
            ));
        }
        if assessors_of(&mut tx, campaign_id)
            .await?
            .iter()
            .any(|a| a.account_id == account_id)
        {
            return Err(Error::invalid(
                "account_id",
                format!("{display_name}已是本活动的考核人员"),
            ));
        }
        tx.execute(
            &Query::insert()
                .into_table(CampaignAssessors::Table)
                .columns([CampaignAssessors::CampaignId, CampaignAssessors::AccountId])
                .values_panic([campaign_id.into(), account_id.into()])
                .to_owned(),
        )
        .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "campaign.assessor_add",
            Target::new("campaign", Some(campaign_id), Some(c.org_id)),
            None,
            Some(&account_id),
        )
        .await?;
        tx.commit().await
    }

    /// Take an assessor off a campaign; what they scored stays.
    pub async fn remove_campaign_assessor(
        &self,
        actor: &Actor,
        campaign_id: i64,
        account_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let c = load_campaign(&mut tx, campaign_id).await?;
        let n = tx
            .execute(
                &Query::delete()
                    .from_table(CampaignAssessors::Table)
                    .and_where(Expr::col(CampaignAssessors::CampaignId).eq(campaign_id))
                    .and_where(Expr::col(CampaignAssessors::AccountId).eq(account_id))
                    .to_owned(),
            )
            .await?;
        if n == 0 {
            return Err(Error::invalid("account_id", "该账号不是本活动的考核人员"));
        }
        audit::record::<_, ()>(
            &mut tx,
            actor,
            "campaign.assessor_remove",
            Target::new("campaign", Some(campaign_id), Some(c.org_id)),
            Some(&account_id),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// What the web layer needs to decide who may act on an assessment.
    pub async fn assessment_access(&self, id: i64) -> Result<AssessmentAccess> {
        let mut tx = self.read().await?;
        let row = load_assessment(&mut tx, id).await?;
        let campaign = load_campaign(&mut tx, row.campaign_id).await?;
        access_of(&mut tx, &row, &campaign).await
    }
}

/// Active orgs below `org` of the kinds in scope that the standard has items for.
async fn assessed_orgs(
    tx: &mut Tx,
    org: &Org,
    scope: &KindSet,
    version: &StandardVersion,
) -> Result<Vec<i64>> {
    let rows: Vec<ScopeOrg> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::Kind, Orgs::SubKind])
                .from(Orgs::Table)
                .and_where(in_subtree(Expr::col(Orgs::Path), &org.path))
                .and_where(Expr::col(Orgs::Status).eq(crate::orgs::ACTIVE))
                .and_where(Expr::col(Orgs::Id).ne(org.id))
                .order_by(Orgs::Path, Order::Asc)
                .to_owned(),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter(|o| {
            let sub = o.sub_kind.as_deref();
            scope.matches(o.kind, sub)
                && version.applies_to.matches(o.kind, sub)
                && !version.items_for(o.kind, sub).is_empty()
        })
        .map(|o| o.id)
        .collect())
}

async fn assessors_of(tx: &mut Tx, campaign_id: i64) -> Result<Vec<CampaignAssessor>> {
    tx.all(
        &Query::select()
            .expr_as(Expr::col((Accounts::Table, Accounts::Id)), "account_id")
            .columns([
                (Accounts::Table, Accounts::Username),
                (Accounts::Table, Accounts::DisplayName),
                (Accounts::Table, Accounts::Disabled),
            ])
            .from(CampaignAssessors::Table)
            .inner_join(
                Accounts::Table,
                Expr::col((Accounts::Table, Accounts::Id))
                    .equals((CampaignAssessors::Table, CampaignAssessors::AccountId)),
            )
            .and_where(
                Expr::col((CampaignAssessors::Table, CampaignAssessors::CampaignId))
                    .eq(campaign_id),
            )
            .order_by(
                (CampaignAssessors::Table, CampaignAssessors::Id),
                Order::Asc,
            )
            .to_owned(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Assessments
// ---------------------------------------------------------------------------------------------

/// One assessment as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    pub campaign_id: i64,
    pub org_id: i64,
    #[sqlx(try_from = "String")]
    pub state: AssessmentState,
    pub self_total: Option<i64>,
    pub total: Option<i64>,
    pub max_points: Option<i64>,
    pub grade: Option<String>,
    pub veto_failed: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub site_visit_on: Option<NaiveDate>,
    pub site_visit_note: Option<String>,
    pub notice_id: Option<i64>,
    pub honor_id: Option<i64>,
    pub reward_fen: Option<i64>,
    pub reward_on: Option<NaiveDate>,
    pub reward_document_no: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl Assessment {
    pub fn grade(&self) -> Option<gonghui_domain::Grade> {
        self.grade
            .as_deref()
            .and_then(gonghui_domain::Grade::from_code)
    }

    /// "一类", "未通过（一票否决）", or "".
    pub fn grade_text(&self) -> String {
        match self.grade() {
            Some(g) if self.veto_failed => format!("{}（一票否决项未达到）", g.label()),
            Some(g) => g.label().to_owned(),
            None => String::new(),
        }
    }

    /// "86/100分（86%）" once decided.
    pub fn score_text(&self) -> String {
        match (self.total, self.max_points) {
            (Some(t), Some(m)) => gonghui_domain::score_text(t, m),
            _ => String::new(),
        }
    }

    pub fn reward_text(&self) -> String {
        self.reward_fen
            .map(|f| format!("{}元", gonghui_domain::format_yuan(f)))
            .unwrap_or_default()
    }
}

pub(crate) fn assessment_columns() -> SelectStatement {
    Query::select()
        .columns([
            Assessments::Id,
            Assessments::CampaignId,
            Assessments::OrgId,
            Assessments::State,
            Assessments::SelfTotal,
            Assessments::Total,
            Assessments::MaxPoints,
            Assessments::Grade,
            Assessments::VetoFailed,
            Assessments::SubmittedAt,
            Assessments::ReviewedBy,
            Assessments::DecidedAt,
            Assessments::SiteVisitOn,
            Assessments::SiteVisitNote,
            Assessments::NoticeId,
            Assessments::HonorId,
            Assessments::RewardFen,
            Assessments::RewardOn,
            Assessments::RewardDocumentNo,
            Assessments::UpdatedAt,
        ])
        .from(Assessments::Table)
        .to_owned()
}

pub(crate) async fn load_assessment(tx: &mut Tx, id: i64) -> Result<Assessment> {
    tx.optional(
        &assessment_columns()
            .and_where(Expr::col(Assessments::Id).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("验收记录"))
}

/// Who and what decides access to an assessment; `crates/web/src/auth.rs` applies the rules.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentAccess {
    pub assessment_id: i64,
    pub state: AssessmentState,
    pub org_id: i64,
    pub org_path: String,
    pub org_parent_id: Option<i64>,
    pub campaign_id: i64,
    pub campaign_org_id: i64,
    pub campaign_org_path: String,
    pub reviewer: ReviewerKind,
    /// The account that made the last 提交: it never reviews its own submission.
    pub submitted_by: Option<i64>,
    /// Accounts listed as the campaign's third-party assessors.
    pub assessors: Vec<i64>,
}

/// The account of the last submission of each assessment in `ids`.
pub(crate) async fn submitters(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, Option<i64>)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64, Option<i64>)> = tx
            .all(
                &Query::select()
                    .columns([
                        AssessmentEvents::AssessmentId,
                        AssessmentEvents::Id,
                        AssessmentEvents::AccountId,
                    ])
                    .from(AssessmentEvents::Table)
                    .and_where(
                        Expr::col(AssessmentEvents::AssessmentId).is_in(chunk.iter().copied()),
                    )
                    .and_where(
                        Expr::col(AssessmentEvents::ToState).eq(AssessmentState::Submitted.code()),
                    )
                    .order_by(AssessmentEvents::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        // Ascending ids: the last row of an assessment is its latest submission.
        for (aid, _, account) in rows {
            match out.iter_mut().find(|(a, _)| *a == aid) {
                Some(slot) => slot.1 = account,
                None => out.push((aid, account)),
            }
        }
    }
    Ok(out)
}

async fn access_of(tx: &mut Tx, a: &Assessment, campaign: &Campaign) -> Result<AssessmentAccess> {
    let (path, parent): (String, Option<i64>) = tx
        .one(
            &Query::select()
                .columns([Orgs::Path, Orgs::ParentId])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Id).eq(a.org_id))
                .to_owned(),
        )
        .await?;
    let submitted_by = submitters(tx, &[a.id])
        .await?
        .into_iter()
        .next()
        .and_then(|(_, acc)| acc);
    let assessors = assessors_of(tx, campaign.id)
        .await?
        .into_iter()
        .map(|x| x.account_id)
        .collect();
    Ok(AssessmentAccess {
        assessment_id: a.id,
        state: a.state,
        org_id: a.org_id,
        org_path: path,
        org_parent_id: parent,
        campaign_id: campaign.id,
        campaign_org_id: campaign.org_id,
        campaign_org_path: campaign.org_path.clone(),
        reviewer: campaign.reviewer,
        submitted_by,
        assessors,
    })
}

/// Records a move of an assessment in its history.
pub(crate) async fn record_event(
    tx: &mut Tx,
    assessment_id: i64,
    from: AssessmentState,
    to: AssessmentState,
    actor: &Actor,
    reason: Option<&str>,
) -> Result<()> {
    tx.execute(
        &Query::insert()
            .into_table(AssessmentEvents::Table)
            .columns([
                AssessmentEvents::AssessmentId,
                AssessmentEvents::FromState,
                AssessmentEvents::ToState,
                AssessmentEvents::AccountId,
                AssessmentEvents::Reason,
                AssessmentEvents::At,
            ])
            .values_panic([
                assessment_id.into(),
                from.code().into(),
                to.code().into(),
                actor.account_id.into(),
                reason.map(str::to_owned).into(),
                Utc::now().into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// The display name of accounts, for history rows.
pub(crate) async fn account_names(tx: &mut Tx, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    tx.all(
        &Query::select()
            .columns([Accounts::Id, Accounts::DisplayName])
            .from(Accounts::Table)
            .and_where(Expr::col(Accounts::Id).is_in(ids.iter().copied()))
            .to_owned(),
    )
    .await
}
