//! 荣誉 (`Honor`) and 评选条件 (`EligibilityRule`): the registry of titles awarded to unions and
//! people, and the conditions attached to honors and subsidies (seed 000: no 双亮 → no
//! city-level honor; a 开发区 union without 四个到位 → no subsidy).
//!
//! Rules are rows staff edit, not code: [`eligibility_refusals`] evaluates every active rule
//! that applies to a nomination or a payment and returns the Chinese explanation of each one
//! that fails, so a refusal names everything that is missing at once.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    Condition, DualDisplay, FourItem, HonorLevel, HonorSource, OrgKind, RecipientKind, RuleTarget,
    check_document_no, check_honor_year, check_person_name, check_rule_parameter, check_text,
    four_missing,
};
use sea_query::{Alias, Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree, load, load_active};
use crate::schema::{
    Assessments, Campaigns, DualDisplays, EligibilityRules, Honors, OrgCounts, Orgs, ParkFourItems,
    StandardVersions, Standards,
};
use crate::{Error, Result, Store};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

// ---------------------------------------------------------------------------------------------
// Eligibility rules
// ---------------------------------------------------------------------------------------------

/// One eligibility rule as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EligibilityRule {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub applies_to: RuleTarget,
    pub min_level: Option<String>,
    pub honor_title: Option<String>,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub parameter: Option<i64>,
    pub message: String,
    pub active: bool,
    pub builtin: bool,
}

impl EligibilityRule {
    pub fn min_level(&self) -> Option<HonorLevel> {
        self.min_level.as_deref().and_then(HonorLevel::from_code)
    }

    /// "市级以上", "各级".
    pub fn level_text(&self) -> String {
        match self.min_level() {
            Some(HonorLevel::National) => "全国".into(),
            Some(l) => format!("{}以上", l.label()),
            None => "各级".into(),
        }
    }

    /// Whether the rule is about this nomination or payment.
    fn applies(&self, target: RuleTarget, level: Option<HonorLevel>, title: Option<&str>) -> bool {
        if self.applies_to != target {
            return false;
        }
        if let Some(min) = self.min_level() {
            // A rule for "市级以上" says nothing about an honor whose level is not known.
            if !level.is_some_and(|l| l.at_least(min)) {
                return false;
            }
        }
        match self.honor_title.as_deref() {
            Some(t) => title.is_some_and(|x| x.trim() == t),
            None => true,
        }
    }
}

fn rule_columns() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            EligibilityRules::Id,
            EligibilityRules::Code,
            EligibilityRules::Name,
            EligibilityRules::AppliesTo,
            EligibilityRules::MinLevel,
            EligibilityRules::HonorTitle,
            EligibilityRules::Condition,
            EligibilityRules::Parameter,
            EligibilityRules::Message,
            EligibilityRules::Active,
            EligibilityRules::Builtin,
        ])
        .from(EligibilityRules::Table)
        .order_by(EligibilityRules::Id, Order::Asc)
        .to_owned()
}

async fn load_rule(tx: &mut Tx, id: i64) -> Result<EligibilityRule> {
    tx.optional(
        &rule_columns()
            .and_where(Expr::col(EligibilityRules::Id).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("评选条件"))
}

/// What the union lacks for `condition`, or `None` when it meets it. Conditions about a kind
/// of union (双亮 for grassroots unions, 四个到位 for 开发区 unions) do not hold back orgs of
/// other kinds, which have nothing to show for them.
async fn shortfall(
    tx: &mut Tx,
    org: &Org,
    condition: Condition,
    parameter: Option<i64>,
) -> Result<Option<String>> {
    match condition {
        Condition::DualDisplay => {
            if org.kind != OrgKind::Grassroots {
                return Ok(None);
            }
            let row: Option<(bool, bool, bool)> = tx
                .optional(
                    &Query::select()
                        .columns([
                            DualDisplays::Sign,
                            DualDisplays::Identity,
                            DualDisplays::Deeds,
                        ])
                        .from(DualDisplays::Table)
                        .and_where(Expr::col(DualDisplays::OrgId).eq(org.id))
                        .to_owned(),
                )
                .await?;
            Ok(match row {
                None => Some("尚未登记双亮情况".into()),
                Some((sign, identity, deeds)) => {
                    let s = DualDisplay {
                        sign,
                        identity,
                        deeds,
                    };
                    (!s.all()).then(|| format!("尚未{}", s.missing().join("、")))
                }
            })
        }
        Condition::FourInPlace => {
            let park = org.kind == OrgKind::AreaFederation
                && org.area_kind() == Some(gonghui_domain::AreaKind::DevelopmentZone);
            if !park {
                return Ok(None);
            }
            #[derive(sqlx::FromRow)]
            struct Item {
                #[sqlx(try_from = "String")]
                item: FourItem,
                in_place: bool,
            }
            let items: Vec<Item> = tx
                .all(
                    &Query::select()
                        .columns([ParkFourItems::Item, ParkFourItems::InPlace])
                        .from(ParkFourItems::Table)
                        .and_where(Expr::col(ParkFourItems::OrgId).eq(org.id))
                        .to_owned(),
                )
                .await?;
            let status: Vec<(FourItem, bool)> =
                items.iter().map(|i| (i.item, i.in_place)).collect();
            let missing = four_missing(&status);
            Ok((!missing.is_empty()).then(|| {
                let names: Vec<&str> = missing.iter().map(|m| m.label()).collect();
                format!("{}未到位", names.join("、"))
            }))
        }
        Condition::MembershipRate => {
            let need = parameter.unwrap_or(100);
            // The maintained subtree counts are what the statistics show as 职工入会率.
            let row: Option<(i64, i64)> = tx
                .optional(
                    &Query::select()
                        .column(Alias::new("sub_members"))
                        .column(Alias::new("sub_employees"))
                        .from(OrgCounts::Table)
                        .and_where(Expr::col(OrgCounts::OrgId).eq(org.id))
                        .to_owned(),
                )
                .await?;
            let (members, employees) = row.unwrap_or((0, 0));
            if employees <= 0 {
                return Ok(Some(
                    "尚未登记覆盖单位的职工人数，无法计算职工入会率".into(),
                ));
            }
            // Integer comparison, so 79.9% does not round up to 80%.
            if members * 100 >= need * employees {
                return Ok(None);
            }
            let shown = (members as f64) * 100.0 / (employees as f64);
            Ok(Some(format!(
                "职工入会率为{shown:.1}%（会员{members}人／职工{employees}人），未达到{need}%"
            )))
        }
        Condition::PassedStandard => {
            let Some(standard_id) = parameter else {
                return Ok(Some("评选条件未指定标准".into()));
            };
            let accepted = [
                gonghui_domain::AssessmentState::Passed,
                gonghui_domain::AssessmentState::Published,
                gonghui_domain::AssessmentState::Titled,
                gonghui_domain::AssessmentState::Rewarded,
            ]
            .map(|s| s.code());
            let passed = tx
                .scalar(
                    &Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from(Assessments::Table)
                        .inner_join(
                            Campaigns::Table,
                            Expr::col((Campaigns::Table, Campaigns::Id))
                                .equals((Assessments::Table, Assessments::CampaignId)),
                        )
                        .inner_join(
                            StandardVersions::Table,
                            Expr::col((StandardVersions::Table, StandardVersions::Id))
                                .equals((Campaigns::Table, Campaigns::VersionId)),
                        )
                        .and_where(
                            Expr::col((StandardVersions::Table, StandardVersions::StandardId))
                                .eq(standard_id),
                        )
                        .and_where(Expr::col((Assessments::Table, Assessments::OrgId)).eq(org.id))
                        .and_where(
                            Expr::col((Assessments::Table, Assessments::State)).is_in(accepted),
                        )
                        .to_owned(),
                )
                .await?;
            if passed > 0 {
                return Ok(None);
            }
            let name: Option<(String,)> = tx
                .optional(
                    &Query::select()
                        .column(Standards::Name)
                        .from(Standards::Table)
                        .and_where(Expr::col(Standards::Id).eq(standard_id))
                        .to_owned(),
                )
                .await?;
            let name = name.map(|n| n.0).unwrap_or_else(|| "指定标准".into());
            Ok(Some(format!("尚未通过“{name}”的验收")))
        }
    }
}

/// Every active rule that applies to this nomination (`target` Honor, with the honor's level
/// and title) or payment (`target` Subsidy) and that `org` fails, as the rule's Chinese message
/// with the specifics appended, e.g. "未开展双亮的单位不得参加市级以上…评选（尚未亮作为）".
/// Empty means eligible.
pub(crate) async fn eligibility_refusals(
    tx: &mut Tx,
    org: &Org,
    target: RuleTarget,
    level: Option<HonorLevel>,
    title: Option<&str>,
) -> Result<Vec<String>> {
    let rules: Vec<EligibilityRule> = tx
        .all(
            &rule_columns()
                .and_where(Expr::col(EligibilityRules::Active).eq(true))
                .and_where(Expr::col(EligibilityRules::AppliesTo).eq(target.code()))
                .to_owned(),
        )
        .await?;
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.applies(target, level, title)) {
        if let Some(why) = shortfall(tx, org, rule.condition, rule.parameter).await? {
            out.push(format!("{}（{why}）", rule.message));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Honors
// ---------------------------------------------------------------------------------------------

/// An honor to write, already decided on (eligibility is the caller's business, so a batch
/// grant can name the union a rule refuses).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NewHonor {
    pub title: String,
    pub level: HonorLevel,
    pub year: i64,
    pub recipient: RecipientKind,
    pub org_id: i64,
    pub person_name: Option<String>,
    pub source: HonorSource,
    pub campaign_id: Option<i64>,
    pub document_no: Option<String>,
    pub granted_by_org: i64,
}

/// Checks the free-text parts of an honor; returns it with the text trimmed.
fn checked(honor: &NewHonor) -> Result<NewHonor> {
    let title = check_text(&honor.title, "荣誉称号", 40).map_err(Error::field("title"))?;
    check_honor_year(honor.year, today()).map_err(Error::field("year"))?;
    let person_name = match honor.recipient {
        RecipientKind::Person => Some(
            check_person_name(honor.person_name.as_deref().unwrap_or(""))
                .map_err(Error::field("person_name"))?,
        ),
        RecipientKind::Org => None,
    };
    let document_no = match honor
        .document_no
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(d) => Some(check_document_no(d, "文号").map_err(Error::field("document_no"))?),
        None => None,
    };
    Ok(NewHonor {
        title,
        person_name,
        document_no,
        ..honor.clone()
    })
}

/// Inserts an honor and its audit entry ("honor.grant") in `tx`; returns its id. Does not
/// evaluate the eligibility rules (see [`NewHonor`]).
pub(crate) async fn insert_honor(tx: &mut Tx, actor: &Actor, honor: &NewHonor) -> Result<i64> {
    let h = checked(honor)?;
    let id = tx
        .insert_id(
            Query::insert()
                .into_table(Honors::Table)
                .columns([
                    Honors::Title,
                    Honors::Level,
                    Honors::Year,
                    Honors::RecipientKind,
                    Honors::OrgId,
                    Honors::PersonName,
                    Honors::Source,
                    Honors::CampaignId,
                    Honors::DocumentNo,
                    Honors::GrantedByOrg,
                    Honors::CreatedBy,
                    Honors::CreatedAt,
                ])
                .values_panic([
                    h.title.clone().into(),
                    h.level.code().into(),
                    h.year.into(),
                    h.recipient.code().into(),
                    h.org_id.into(),
                    h.person_name.clone().into(),
                    h.source.code().into(),
                    h.campaign_id.into(),
                    h.document_no.clone().into(),
                    h.granted_by_org.into(),
                    actor.account_id.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    audit::record::<(), _>(
        tx,
        actor,
        "honor.grant",
        Target::new("honor", Some(id), Some(h.org_id)),
        None,
        Some(&h),
    )
    .await?;
    Ok(id)
}

/// The field an eligibility refusal is reported on; its message holds one refusal per line.
pub const ELIGIBILITY_FIELD: &str = "eligibility";

/// Refuse with every failing rule, one per line (rule messages hold no line breaks).
fn ineligible(refusals: Vec<String>) -> Error {
    Error::invalid(ELIGIBILITY_FIELD, refusals.join("\n"))
}

/// What a form supplies to record an honor nominated (推荐评选) for an org or a person in it.
#[derive(Debug, Clone)]
pub struct HonorInput {
    pub title: String,
    pub level: HonorLevel,
    pub year: i64,
    pub recipient: RecipientKind,
    /// The person's name only (personal data minimized): no ID number, no phone.
    pub person_name: Option<String>,
    pub document_no: Option<String>,
}

/// One honor as the registry lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Honor {
    pub id: i64,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub level: HonorLevel,
    pub year: i64,
    #[sqlx(try_from = "String")]
    pub recipient_kind: RecipientKind,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub person_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub source: HonorSource,
    pub campaign_id: Option<i64>,
    pub document_no: Option<String>,
    pub granted_by_org: i64,
    pub granted_by_name: String,
    #[serde(skip)]
    pub granted_by_path: String,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
}

impl Honor {
    /// The org's name, or "姓名（工会名）" for a person.
    pub fn recipient_text(&self) -> String {
        match (&self.recipient_kind, &self.person_name) {
            (RecipientKind::Person, Some(p)) => format!("{p}（{}）", self.org_name),
            _ => self.org_name.clone(),
        }
    }

    pub fn revoked(&self) -> bool {
        self.revoked_on.is_some()
    }
}

/// Filters of the registry; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct HonorFilter {
    pub year: Option<i64>,
    pub level: Option<HonorLevel>,
    /// Titles containing this text.
    pub title: Option<String>,
    pub source: Option<HonorSource>,
}

fn honor_columns() -> sea_query::SelectStatement {
    let g = Alias::new("g");
    Query::select()
        .columns([
            (Honors::Table, Honors::Id),
            (Honors::Table, Honors::Title),
            (Honors::Table, Honors::Level),
            (Honors::Table, Honors::Year),
            (Honors::Table, Honors::RecipientKind),
            (Honors::Table, Honors::OrgId),
            (Honors::Table, Honors::PersonName),
            (Honors::Table, Honors::Source),
            (Honors::Table, Honors::CampaignId),
            (Honors::Table, Honors::DocumentNo),
            (Honors::Table, Honors::GrantedByOrg),
            (Honors::Table, Honors::RevokedOn),
            (Honors::Table, Honors::RevokeReason),
        ])
        .expr_as(Expr::col((Orgs::Table, Orgs::Name)), Alias::new("org_name"))
        .expr_as(Expr::col((Orgs::Table, Orgs::Path)), Alias::new("org_path"))
        .expr_as(
            Expr::col((g.clone(), Orgs::Name)),
            Alias::new("granted_by_name"),
        )
        .expr_as(
            Expr::col((g.clone(), Orgs::Path)),
            Alias::new("granted_by_path"),
        )
        .from(Honors::Table)
        .inner_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Honors::Table, Honors::OrgId)),
        )
        .join_as(
            sea_query::JoinType::InnerJoin,
            Orgs::Table,
            g.clone(),
            Expr::col((g, Orgs::Id)).equals((Honors::Table, Honors::GrantedByOrg)),
        )
        .to_owned()
}

/// A rule as staff add it.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub target: RuleTarget,
    pub condition: Condition,
    pub parameter: Option<i64>,
    /// Honors at this level and above (None: every level); subsidies have no level.
    pub min_level: Option<HonorLevel>,
    /// Only honors with this title (None: every title).
    pub honor_title: Option<String>,
    /// The Chinese explanation shown when the rule refuses.
    pub message: String,
}

/// The rule's name as the list shows it, e.g. "市级以上荣誉评选：职工入会率不低于80%".
fn rule_name(input: &RuleInput, standard: Option<&str>) -> String {
    let what = match input.condition {
        Condition::MembershipRate => {
            format!("职工入会率不低于{}%", input.parameter.unwrap_or(0))
        }
        Condition::PassedStandard => {
            format!("通过“{}”的验收", standard.unwrap_or("指定标准"))
        }
        c => c.label().to_owned(),
    };
    let scope = match (input.target, input.min_level, input.honor_title.as_deref()) {
        (RuleTarget::Subsidy, ..) => "补助经费".to_owned(),
        (RuleTarget::Honor, level, title) => {
            let level = match level {
                Some(HonorLevel::National) => "全国".to_owned(),
                Some(l) => format!("{}以上", l.label()),
                None => "各级".to_owned(),
            };
            match title {
                Some(t) => format!("{level}“{t}”评选"),
                None => format!("{level}荣誉评选"),
            }
        }
    };
    format!("{scope}须{what}")
}

impl Store {
    /// Every eligibility rule, built-in first.
    pub async fn eligibility_rules(&self) -> Result<Vec<EligibilityRule>> {
        let mut tx = self.read().await?;
        tx.all(&rule_columns()).await
    }

    /// What would refuse this nomination (`Honor`) or payment (`Subsidy`) for `org_id` now;
    /// empty when eligible. Pages show it before the form is sent.
    pub async fn eligibility_check(
        &self,
        org_id: i64,
        target: RuleTarget,
        level: Option<HonorLevel>,
        title: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut tx = self.read().await?;
        let org = load(&mut tx, org_id).await?;
        eligibility_refusals(&mut tx, &org, target, level, title).await
    }

    /// Add a rule (code `custom-<id>`); it applies at once.
    pub async fn create_rule(&self, actor: &Actor, input: RuleInput) -> Result<i64> {
        let parameter = check_rule_parameter(input.condition, input.parameter)
            .map_err(Error::field("parameter"))?;
        let message =
            check_text(&input.message, "不符合时的说明", 200).map_err(Error::field("message"))?;
        if message.chars().any(char::is_control) {
            return Err(Error::invalid(
                "message",
                "说明中有换行或不可见的控制字符，请写成一段话",
            ));
        }
        let (min_level, honor_title) = match input.target {
            RuleTarget::Subsidy => (None, None),
            RuleTarget::Honor => (
                input.min_level,
                match input.honor_title.as_deref().map(str::trim) {
                    Some(t) if !t.is_empty() => {
                        Some(check_text(t, "荣誉称号", 40).map_err(Error::field("honor_title"))?)
                    }
                    _ => None,
                },
            ),
        };
        let input = RuleInput {
            parameter,
            message,
            min_level,
            honor_title,
            ..input
        };
        let mut tx = self.begin().await?;
        let standard = match (input.condition, input.parameter) {
            (Condition::PassedStandard, Some(id)) => {
                let row: Option<(String,)> = tx
                    .optional(
                        &Query::select()
                            .column(Standards::Name)
                            .from(Standards::Table)
                            .and_where(Expr::col(Standards::Id).eq(id))
                            .to_owned(),
                    )
                    .await?;
                Some(
                    row.ok_or_else(|| Error::invalid("parameter", "所选标准不存在"))?
                        .0,
                )
            }
            _ => None,
        };
        let name = rule_name(&input, standard.as_deref());
        let pending = format!(
            "pending-{}-{}",
            actor.account_id.unwrap_or(0),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(EligibilityRules::Table)
                    .columns([
                        EligibilityRules::Code,
                        EligibilityRules::Name,
                        EligibilityRules::AppliesTo,
                        EligibilityRules::MinLevel,
                        EligibilityRules::HonorTitle,
                        EligibilityRules::Condition,
                        EligibilityRules::Parameter,
                        EligibilityRules::Message,
                        EligibilityRules::Active,
                        EligibilityRules::Builtin,
                        EligibilityRules::CreatedAt,
                    ])
                    .values_panic([
                        pending.into(),
                        name.into(),
                        input.target.code().into(),
                        input.min_level.map(|l| l.code()).into(),
                        input.honor_title.clone().into(),
                        input.condition.code().into(),
                        input.parameter.into(),
                        input.message.clone().into(),
                        true.into(),
                        false.into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        tx.execute(
            &Query::update()
                .table(EligibilityRules::Table)
                .value(EligibilityRules::Code, format!("custom-{id}"))
                .and_where(Expr::col(EligibilityRules::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = load_rule(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "eligibility_rule.create",
            Target::new("eligibility_rule", Some(id), None),
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Switch a rule on or off (built-in ones too: a deployment may drop a condition).
    pub async fn set_rule_active(&self, actor: &Actor, id: i64, active: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load_rule(&mut tx, id).await?;
        if before.active == active {
            return Err(Error::rule(if active {
                "该条件已经是启用状态"
            } else {
                "该条件已经停用"
            }));
        }
        tx.execute(
            &Query::update()
                .table(EligibilityRules::Table)
                .value(EligibilityRules::Active, active)
                .and_where(Expr::col(EligibilityRules::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = EligibilityRule {
            active,
            ..before.clone()
        };
        audit::record(
            &mut tx,
            actor,
            if active {
                "eligibility_rule.activate"
            } else {
                "eligibility_rule.deactivate"
            },
            Target::new("eligibility_rule", Some(id), None),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Record an honor nominated for `org_id` (or a person in it), granted by
    /// `granted_by_org`. Refused, writing nothing, when an eligibility rule fails: the error
    /// is on [`ELIGIBILITY_FIELD`] with every failing rule's explanation, one per line.
    pub async fn record_honor(
        &self,
        actor: &Actor,
        org_id: i64,
        granted_by_org: i64,
        input: HonorInput,
    ) -> Result<i64> {
        let honor = checked(&NewHonor {
            title: input.title,
            level: input.level,
            year: input.year,
            recipient: input.recipient,
            org_id,
            person_name: input.person_name,
            source: HonorSource::Nomination,
            campaign_id: None,
            document_no: input.document_no,
            granted_by_org,
        })?;
        let mut tx = self.begin().await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        let granting = load(&mut tx, granted_by_org).await?;
        if !org.path.starts_with(&granting.path) {
            return Err(Error::rule(format!(
                "{}不在{}的管理范围内，不能由其登记荣誉",
                org.name, granting.name
            )));
        }
        let refusals = eligibility_refusals(
            &mut tx,
            &org,
            RuleTarget::Honor,
            Some(honor.level),
            Some(&honor.title),
        )
        .await?;
        if !refusals.is_empty() {
            return Err(ineligible(refusals));
        }
        let id = insert_honor(&mut tx, actor, &honor).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn honor(&self, id: i64) -> Result<Honor> {
        let mut tx = self.read().await?;
        tx.optional(
            &honor_columns()
                .and_where(Expr::col((Honors::Table, Honors::Id)).eq(id))
                .to_owned(),
        )
        .await?
        .ok_or(Error::NotFound("荣誉记录"))
    }

    /// Honors of the orgs in `org`'s subtree (and of people in them), newest year first;
    /// revoked ones are listed too, marked.
    pub async fn honors_in(&self, org: &Org, filter: &HonorFilter) -> Result<Vec<Honor>> {
        let mut tx = self.read().await?;
        let mut q = honor_columns()
            .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
            .to_owned();
        if let Some(y) = filter.year {
            q.and_where(Expr::col((Honors::Table, Honors::Year)).eq(y));
        }
        if let Some(l) = filter.level {
            q.and_where(Expr::col((Honors::Table, Honors::Level)).eq(l.code()));
        }
        if let Some(t) = filter
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            q.and_where(Expr::col((Honors::Table, Honors::Title)).like(format!("%{t}%")));
        }
        if let Some(s) = filter.source {
            q.and_where(Expr::col((Honors::Table, Honors::Source)).eq(s.code()));
        }
        q.order_by((Honors::Table, Honors::Year), Order::Desc)
            .order_by((Honors::Table, Honors::Id), Order::Desc);
        tx.all(&q).await
    }

    /// Revoke an honor (撤销), with the reason; the record stays, marked.
    pub async fn revoke_honor(&self, actor: &Actor, id: i64, reason: &str) -> Result<()> {
        let reason = check_text(reason, "撤销原因", 200).map_err(Error::field("reason"))?;
        let mut tx = self.begin().await?;
        let before: Honor = tx
            .optional(
                &honor_columns()
                    .and_where(Expr::col((Honors::Table, Honors::Id)).eq(id))
                    .to_owned(),
            )
            .await?
            .ok_or(Error::NotFound("荣誉记录"))?;
        if let Some(on) = before.revoked_on {
            return Err(Error::rule(format!("该荣誉已于{on}撤销")));
        }
        let on = today();
        tx.execute(
            &Query::update()
                .table(Honors::Table)
                .value(Honors::RevokedOn, on)
                .value(Honors::RevokeReason, reason.clone())
                .and_where(Expr::col(Honors::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = Honor {
            revoked_on: Some(on),
            revoke_reason: Some(reason),
            ..before.clone()
        };
        audit::record(
            &mut tx,
            actor,
            "honor.revoke",
            Target::new("honor", Some(id), Some(before.org_id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }
}
