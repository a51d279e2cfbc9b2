//! 标准 (`Standard`, `StandardItem`): checklists as data, versioned. A campaign points at one
//! [`StandardVersion`]; editing a standard in use makes a new version, so an assessment is
//! always scored against the items it started with.
//!
//! The built-in standards and eligibility rules of `gonghui_domain::BUILTIN_STANDARDS` and
//! `BUILTIN_RULES` are written once, when the database is migrated ([`seed_builtins`]).

use chrono::{DateTime, Utc};
use gonghui_domain::{EvidenceKind, Grading, GradingKind, KindSet, StandardSpec};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::schema::{
    Accounts, Campaigns, EligibilityRules, Orgs, StandardItems, StandardVersions, Standards,
};
use crate::{Error, Result, Store};

/// One version of a standard with its items, as campaigns and assessments use it.
#[derive(Debug, Clone, Serialize)]
pub struct StandardVersion {
    pub id: i64,
    pub standard_id: i64,
    pub code: String,
    pub name: String,
    pub version: i64,
    pub description: String,
    #[serde(skip)]
    pub grading: Grading,
    #[serde(skip)]
    pub applies_to: KindSet,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub items: Vec<StandardItem>,
}

impl StandardVersion {
    pub fn total_points(&self) -> i64 {
        self.items.iter().map(|i| i.points).sum()
    }

    /// The items an org of this kind is assessed on.
    pub fn items_for(
        &self,
        kind: gonghui_domain::OrgKind,
        sub_kind: Option<&str>,
    ) -> Vec<&StandardItem> {
        self.items
            .iter()
            .filter(|i| i.applies_to.matches(kind, sub_kind))
            .collect()
    }
}

/// One item of a standard version.
#[derive(Debug, Clone, Serialize)]
pub struct StandardItem {
    pub id: i64,
    pub position: i64,
    pub section: String,
    pub title: String,
    pub description: String,
    pub points: i64,
    #[serde(serialize_with = "code")]
    pub evidence: EvidenceKind,
    pub evidence_count: i64,
    pub veto: bool,
    #[serde(skip)]
    pub applies_to: KindSet,
}

impl StandardItem {
    /// "上传照片至少1张", or "" when no evidence is asked.
    pub fn evidence_text(&self) -> String {
        gonghui_domain::evidence_text(self.evidence, self.evidence_count)
    }
}

fn code<S: serde::Serializer>(e: &EvidenceKind, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(e.code())
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    standard_id: i64,
    code: String,
    name: String,
    version: i64,
    description: String,
    grading: String,
    first_percent: Option<i64>,
    second_percent: Option<i64>,
    third_percent: Option<i64>,
    pass_percent: Option<i64>,
    applies_to: String,
    note: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    position: i64,
    section: String,
    title: String,
    description: String,
    points: i64,
    evidence: String,
    evidence_count: i64,
    veto: bool,
    applies_to: String,
}

/// Stored rows were written through the domain checks; a row that no longer parses means the
/// database was edited by hand, which is reported rather than guessed around.
fn corrupt(what: &str) -> Error {
    Error::rule(format!("标准数据已损坏（{what}），请联系系统管理员"))
}

fn grading_of(r: &VersionRow) -> Result<Grading> {
    match GradingKind::from_code(&r.grading) {
        Some(GradingKind::Bands) => Grading::bands(
            r.first_percent.unwrap_or(0),
            r.second_percent.unwrap_or(0),
            r.third_percent.unwrap_or(0),
        )
        .map_err(|_| corrupt("等级分数线")),
        Some(GradingKind::PassFail) => {
            Grading::pass_fail(r.pass_percent.unwrap_or(0)).map_err(|_| corrupt("达标分数线"))
        }
        None => Err(corrupt("评定方式")),
    }
}

/// Loads one version with its items, in order.
pub(crate) async fn load_version(tx: &mut Tx, version_id: i64) -> Result<StandardVersion> {
    let row: VersionRow = tx
        .optional(
            &Query::select()
                .columns([
                    (StandardVersions::Table, StandardVersions::Id),
                    (StandardVersions::Table, StandardVersions::StandardId),
                    (StandardVersions::Table, StandardVersions::Version),
                    (StandardVersions::Table, StandardVersions::Description),
                    (StandardVersions::Table, StandardVersions::Grading),
                    (StandardVersions::Table, StandardVersions::FirstPercent),
                    (StandardVersions::Table, StandardVersions::SecondPercent),
                    (StandardVersions::Table, StandardVersions::ThirdPercent),
                    (StandardVersions::Table, StandardVersions::PassPercent),
                    (StandardVersions::Table, StandardVersions::AppliesTo),
                    (StandardVersions::Table, StandardVersions::Note),
                    (StandardVersions::Table, StandardVersions::CreatedAt),
                ])
                .columns([
                    (Standards::Table, Standards::Code),
                    (Standards::Table, Standards::Name),
                ])
                .from(StandardVersions::Table)
                .inner_join(
                    Standards::Table,
                    Expr::col((Standards::Table, Standards::Id))
                        .equals((StandardVersions::Table, StandardVersions::StandardId)),
                )
                .and_where(
                    Expr::col((StandardVersions::Table, StandardVersions::Id)).eq(version_id),
                )
                .to_owned(),
        )
        .await?
        .ok_or(Error::NotFound("标准"))?;
    let items: Vec<ItemRow> = tx
        .all(
            &Query::select()
                .columns([
                    StandardItems::Id,
                    StandardItems::Position,
                    StandardItems::Section,
                    StandardItems::Title,
                    StandardItems::Description,
                    StandardItems::Points,
                    StandardItems::Evidence,
                    StandardItems::EvidenceCount,
                    StandardItems::Veto,
                    StandardItems::AppliesTo,
                ])
                .from(StandardItems::Table)
                .and_where(Expr::col(StandardItems::VersionId).eq(version_id))
                .order_by(StandardItems::Position, Order::Asc)
                .to_owned(),
        )
        .await?;
    let items = items
        .into_iter()
        .map(|i| {
            Ok(StandardItem {
                evidence: EvidenceKind::from_code(&i.evidence)
                    .ok_or_else(|| corrupt("佐证要求"))?,
                applies_to: KindSet::parse([i.applies_to.as_str()])
                    .map_err(|_| corrupt("适用类型"))?,
                id: i.id,
                position: i.position,
                section: i.section,
                title: i.title,
                description: i.description,
                points: i.points,
                evidence_count: i.evidence_count,
                veto: i.veto,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(StandardVersion {
        grading: grading_of(&row)?,
        applies_to: KindSet::parse([row.applies_to.as_str()]).map_err(|_| corrupt("适用类型"))?,
        id: row.id,
        standard_id: row.standard_id,
        code: row.code,
        name: row.name,
        version: row.version,
        description: row.description,
        note: row.note,
        created_at: row.created_at,
        items,
    })
}

/// Writes version `version` of standard `standard_id` from a checked spec; returns its id.
pub(crate) async fn insert_version(
    tx: &mut Tx,
    standard_id: i64,
    version: i64,
    spec: &StandardSpec,
    note: &str,
    created_by: Option<i64>,
) -> Result<i64> {
    let (first, second, third, pass) = match spec.grading {
        Grading::Bands {
            first,
            second,
            third,
        } => (Some(first), Some(second), Some(third), None),
        Grading::PassFail { pass } => (None, None, None, Some(pass)),
    };
    let version_id = tx
        .insert_id(
            Query::insert()
                .into_table(StandardVersions::Table)
                .columns([
                    StandardVersions::StandardId,
                    StandardVersions::Version,
                    StandardVersions::Description,
                    StandardVersions::Grading,
                    StandardVersions::FirstPercent,
                    StandardVersions::SecondPercent,
                    StandardVersions::ThirdPercent,
                    StandardVersions::PassPercent,
                    StandardVersions::AppliesTo,
                    StandardVersions::Note,
                    StandardVersions::CreatedBy,
                    StandardVersions::CreatedAt,
                ])
                .values_panic([
                    standard_id.into(),
                    version.into(),
                    spec.description.clone().into(),
                    spec.grading.kind().code().into(),
                    first.into(),
                    second.into(),
                    third.into(),
                    pass.into(),
                    spec.applies_to.to_stored().into(),
                    note.to_owned().into(),
                    created_by.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    insert_items(tx, version_id, spec).await?;
    Ok(version_id)
}

/// Writes the items of `spec` under `version_id`, numbered from 1.
async fn insert_items(tx: &mut Tx, version_id: i64, spec: &StandardSpec) -> Result<()> {
    for (n, item) in spec.items.iter().enumerate() {
        tx.execute(
            &Query::insert()
                .into_table(StandardItems::Table)
                .columns([
                    StandardItems::VersionId,
                    StandardItems::Position,
                    StandardItems::Section,
                    StandardItems::Title,
                    StandardItems::Description,
                    StandardItems::Points,
                    StandardItems::Evidence,
                    StandardItems::EvidenceCount,
                    StandardItems::Veto,
                    StandardItems::AppliesTo,
                ])
                .values_panic([
                    version_id.into(),
                    (n as i64 + 1).into(),
                    item.section.clone().into(),
                    item.title.clone().into(),
                    item.description.clone().into(),
                    item.points.into(),
                    item.evidence.code().into(),
                    item.evidence_count.into(),
                    item.veto.into(),
                    item.applies_to.to_stored().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// Writes the built-in standards and eligibility rules that are not there yet. Runs after
/// every migration; a deployment that edited or archived them keeps its changes, because a
/// built-in row is only ever inserted, never updated here.
pub(crate) async fn seed_builtins(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    for b in gonghui_domain::BUILTIN_STANDARDS {
        let exists: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Standards::Id)
                    .from(Standards::Table)
                    .and_where(Expr::col(Standards::Code).eq(b.code))
                    .to_owned(),
            )
            .await?;
        if exists.is_some() {
            continue;
        }
        let spec = b.spec();
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Standards::Table)
                    .columns([
                        Standards::Code,
                        Standards::Name,
                        Standards::Builtin,
                        Standards::CreatedAt,
                    ])
                    .values_panic([
                        b.code.into(),
                        spec.name.clone().into(),
                        true.into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        insert_version(&mut tx, id, 1, &spec, "内置标准", None).await?;
    }
    for (code, name, target, min_level, condition, message) in gonghui_domain::BUILTIN_RULES {
        let exists: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(EligibilityRules::Id)
                    .from(EligibilityRules::Table)
                    .and_where(Expr::col(EligibilityRules::Code).eq(*code))
                    .to_owned(),
            )
            .await?;
        if exists.is_some() {
            continue;
        }
        tx.execute(
            &Query::insert()
                .into_table(EligibilityRules::Table)
                .columns([
                    EligibilityRules::Code,
                    EligibilityRules::Name,
                    EligibilityRules::AppliesTo,
                    EligibilityRules::MinLevel,
                    EligibilityRules::Condition,
                    EligibilityRules::Message,
                    EligibilityRules::Active,
                    EligibilityRules::Builtin,
                    EligibilityRules::CreatedAt,
                ])
                .values_panic([
                    (*code).into(),
                    (*name).into(),
                    target.code().into(),
                    min_level.map(|l| l.code()).into(),
                    condition.code().into(),
                    (*message).into(),
                    true.into(),
                    true.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    tx.commit().await
}

impl Store {
    /// One version of a standard with its items.
    pub async fn standard_version(&self, version_id: i64) -> Result<StandardVersion> {
        let mut tx = self.read().await?;
        load_version(&mut tx, version_id).await
    }
}

// ---------------------------------------------------------------------------------------------
// Standards as staff manage them: list, detail with versions, create, copy, edit, archive
// ---------------------------------------------------------------------------------------------

/// The message refusing any change to a built-in standard.
pub const BUILTIN_READ_ONLY: &str = "内置标准不能直接修改，请先复制为本单位标准";

/// The most characters of a standard's name (as the domain checks it).
const NAME_MAX: usize = 60;
const COPY_SUFFIX: &str = "（副本）";

/// A standard with its current (highest) version, as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StandardSummary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub owner_org_id: Option<i64>,
    pub owner_name: Option<String>,
    /// Path of the owning org (for scope checks in the web layer).
    #[serde(skip)]
    pub owner_path: Option<String>,
    pub copied_from: Option<i64>,
    pub builtin: bool,
    pub archived: bool,
    pub version_id: i64,
    pub version: i64,
    #[serde(skip)]
    pub grading: Grading,
    #[serde(skip)]
    pub applies_to: KindSet,
    pub item_count: i64,
    pub total_points: i64,
}

impl StandardSummary {
    /// "内置" or "本单位" (the owning org's name is shown beside it where useful).
    pub fn origin_label(&self) -> &'static str {
        if self.builtin { "内置" } else { "本单位" }
    }
}

/// A campaign that uses a version (shown so staff know why an edit makes a new version).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CampaignUse {
    pub id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
    #[serde(skip)]
    pub org_path: String,
    pub version_id: i64,
}

/// One entry of a standard's version history.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub id: i64,
    pub version: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub item_count: i64,
    pub total_points: i64,
    pub campaigns: Vec<CampaignUse>,
}

/// A standard with its current version's items and its history, newest version first.
#[derive(Debug, Clone, Serialize)]
pub struct StandardDetail {
    pub summary: StandardSummary,
    pub current: StandardVersion,
    pub versions: Vec<VersionInfo>,
    /// The standard it was copied from (id, name), if any.
    pub copied_from: Option<(i64, String)>,
}

impl StandardDetail {
    /// Campaigns using any version of the standard.
    pub fn campaigns(&self) -> impl Iterator<Item = &CampaignUse> {
        self.versions.iter().flat_map(|v| v.campaigns.iter())
    }
}

/// What an edit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StandardEdit {
    pub version_id: i64,
    pub version: i64,
    /// A campaign used the previous version, so a new one was made; otherwise the current
    /// version's items were replaced.
    pub new_version: bool,
}

#[derive(sqlx::FromRow)]
struct StandardRow {
    id: i64,
    code: String,
    name: String,
    owner_org_id: Option<i64>,
    owner_name: Option<String>,
    owner_path: Option<String>,
    copied_from: Option<i64>,
    builtin: bool,
    archived: bool,
}

/// Standards with the owning org's name and path.
fn standard_rows() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (Standards::Table, Standards::Id),
            (Standards::Table, Standards::Code),
            (Standards::Table, Standards::Name),
            (Standards::Table, Standards::OwnerOrgId),
            (Standards::Table, Standards::CopiedFrom),
            (Standards::Table, Standards::Builtin),
            (Standards::Table, Standards::Archived),
        ])
        .expr_as(
            Expr::col((Orgs::Table, Orgs::Name)),
            sea_query::Alias::new("owner_name"),
        )
        .expr_as(
            Expr::col((Orgs::Table, Orgs::Path)),
            sea_query::Alias::new("owner_path"),
        )
        .from(Standards::Table)
        .left_join(
            Orgs::Table,
            Expr::col((Orgs::Table, Orgs::Id)).equals((Standards::Table, Standards::OwnerOrgId)),
        )
        .to_owned()
}

/// The highest version of a standard.
async fn current_version_id(tx: &mut Tx, standard_id: i64) -> Result<i64> {
    let row: Option<(i64,)> = tx
        .optional(
            &Query::select()
                .column(StandardVersions::Id)
                .from(StandardVersions::Table)
                .and_where(Expr::col(StandardVersions::StandardId).eq(standard_id))
                .order_by(StandardVersions::Version, Order::Desc)
                .limit(1)
                .to_owned(),
        )
        .await?;
    row.map(|r| r.0).ok_or_else(|| corrupt("没有任何版本"))
}

async fn load_row(tx: &mut Tx, id: i64) -> Result<StandardRow> {
    tx.optional(
        &standard_rows()
            .and_where(Expr::col((Standards::Table, Standards::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("标准"))
}

async fn summary_of(tx: &mut Tx, row: StandardRow) -> Result<StandardSummary> {
    let version_id = current_version_id(tx, row.id).await?;
    let v = load_version(tx, version_id).await?;
    Ok(StandardSummary {
        id: row.id,
        code: row.code,
        name: row.name,
        owner_org_id: row.owner_org_id,
        owner_name: row.owner_name,
        owner_path: row.owner_path,
        copied_from: row.copied_from,
        builtin: row.builtin,
        archived: row.archived,
        version_id,
        version: v.version,
        grading: v.grading,
        applies_to: v.applies_to.clone(),
        item_count: v.items.len() as i64,
        total_points: v.total_points(),
    })
}

/// Campaigns using any of `version_ids`.
async fn campaigns_using(tx: &mut Tx, version_ids: Vec<i64>) -> Result<Vec<CampaignUse>> {
    if version_ids.is_empty() {
        return Ok(vec![]);
    }
    tx.all(
        &Query::select()
            .columns([
                (Campaigns::Table, Campaigns::Id),
                (Campaigns::Table, Campaigns::Name),
                (Campaigns::Table, Campaigns::OrgId),
                (Campaigns::Table, Campaigns::VersionId),
            ])
            .expr_as(
                Expr::col((Orgs::Table, Orgs::Name)),
                sea_query::Alias::new("org_name"),
            )
            .expr_as(
                Expr::col((Orgs::Table, Orgs::Path)),
                sea_query::Alias::new("org_path"),
            )
            .from(Campaigns::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((Campaigns::Table, Campaigns::OrgId)),
            )
            .and_where(Expr::col((Campaigns::Table, Campaigns::VersionId)).is_in(version_ids))
            .order_by((Campaigns::Table, Campaigns::Id), Order::Desc)
            .to_owned(),
    )
    .await
}

/// How many campaigns use a version.
async fn version_in_use(tx: &mut Tx, version_id: i64) -> Result<bool> {
    let n = tx
        .scalar(
            &Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(Campaigns::Table)
                .and_where(Expr::col(Campaigns::VersionId).eq(version_id))
                .to_owned(),
        )
        .await?;
    Ok(n > 0)
}

/// The spec of a stored version (to copy it): stored rows were checked when written.
fn spec_of(v: &StandardVersion, name: String) -> Result<StandardSpec> {
    let items = v
        .items
        .iter()
        .map(|i| gonghui_domain::ItemSpec {
            section: i.section.clone(),
            title: i.title.clone(),
            description: i.description.clone(),
            points: i.points,
            evidence: i.evidence,
            evidence_count: i.evidence_count,
            veto: i.veto,
            applies_to: i.applies_to.clone(),
        })
        .collect();
    StandardSpec::new(
        &name,
        &v.description,
        v.grading,
        v.applies_to.clone(),
        items,
    )
    .map_err(Error::field("name"))
}

/// "基层工会“七有”标准（副本）", shortened so the name stays within the limit.
fn copy_name(name: &str) -> String {
    let keep = NAME_MAX - COPY_SUFFIX.chars().count();
    let base: String = name.chars().take(keep).collect();
    format!("{base}{COPY_SUFFIX}")
}

/// What an audit entry records of a spec.
fn spec_json(spec: &StandardSpec) -> serde_json::Value {
    serde_json::json!({
        "name": spec.name,
        "description": spec.description,
        "grading": spec.grading.describe(),
        "applies_to": spec.applies_to.to_stored(),
        "items": spec.items.iter().map(|i| serde_json::json!({
            "section": i.section,
            "title": i.title,
            "points": i.points,
            "evidence": i.evidence.code(),
            "evidence_count": i.evidence_count,
            "veto": i.veto,
            "applies_to": i.applies_to.to_stored(),
        })).collect::<Vec<_>>(),
    })
}

/// Inserts a standard owned by `owner_org_id` with version 1; its code is `custom-<id>`.
async fn insert_standard(
    tx: &mut Tx,
    actor: &Actor,
    owner_org_id: i64,
    copied_from: Option<i64>,
    spec: &StandardSpec,
    note: &str,
) -> Result<i64> {
    // The code needs the id; a placeholder unique to this transaction holds the column until
    // the id is known.
    let pending = format!(
        "pending-{}-{}",
        actor.account_id.unwrap_or(0),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let id = tx
        .insert_id(
            Query::insert()
                .into_table(Standards::Table)
                .columns([
                    Standards::Code,
                    Standards::Name,
                    Standards::OwnerOrgId,
                    Standards::CopiedFrom,
                    Standards::Builtin,
                    Standards::Archived,
                    Standards::CreatedAt,
                ])
                .values_panic([
                    pending.into(),
                    spec.name.clone().into(),
                    owner_org_id.into(),
                    copied_from.into(),
                    false.into(),
                    false.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    tx.execute(
        &Query::update()
            .table(Standards::Table)
            .value(Standards::Code, format!("custom-{id}"))
            .and_where(Expr::col(Standards::Id).eq(id))
            .to_owned(),
    )
    .await?;
    insert_version(tx, id, 1, spec, note, actor.account_id).await?;
    Ok(id)
}

async fn load_owner(tx: &mut Tx, owner_org_id: i64) -> Result<crate::Org> {
    let org = crate::orgs::load(tx, owner_org_id).await?;
    if !org.is_active() {
        return Err(Error::rule(format!("{}已撤销，不能再建立标准", org.name)));
    }
    Ok(org)
}

impl Store {
    /// The standards staff of `org` use: the built-in ones and those owned by `org` or any
    /// org above it (a county uses the city's). Archived ones only when asked.
    pub async fn standards_for(
        &self,
        org: &crate::Org,
        include_archived: bool,
    ) -> Result<Vec<StandardSummary>> {
        let mut tx = self.read().await?;
        let mut q = standard_rows();
        q.cond_where(
            sea_query::Cond::any()
                .add(Expr::col((Standards::Table, Standards::Builtin)).eq(true))
                .add(Expr::col((Standards::Table, Standards::OwnerOrgId)).is_in(org.lineage())),
        );
        if !include_archived {
            q.and_where(Expr::col((Standards::Table, Standards::Archived)).eq(false));
        }
        q.order_by((Standards::Table, Standards::Builtin), Order::Desc)
            .order_by((Standards::Table, Standards::Id), Order::Asc);
        let rows: Vec<StandardRow> = tx.all(&q).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(summary_of(&mut tx, r).await?);
        }
        Ok(out)
    }

    /// One standard (with its current version).
    pub async fn standard(&self, id: i64) -> Result<StandardSummary> {
        let mut tx = self.read().await?;
        let row = load_row(&mut tx, id).await?;
        summary_of(&mut tx, row).await
    }

    /// One standard with the items of its current version, its version history and the
    /// campaigns using each version.
    pub async fn standard_detail(&self, id: i64) -> Result<StandardDetail> {
        let mut tx = self.read().await?;
        let row = load_row(&mut tx, id).await?;
        let copied_from = match row.copied_from {
            Some(src) => {
                let r: Option<(String,)> = tx
                    .optional(
                        &Query::select()
                            .column(Standards::Name)
                            .from(Standards::Table)
                            .and_where(Expr::col(Standards::Id).eq(src))
                            .to_owned(),
                    )
                    .await?;
                r.map(|(n,)| (src, n))
            }
            None => None,
        };
        let summary = summary_of(&mut tx, row).await?;
        let current = load_version(&mut tx, summary.version_id).await?;
        #[derive(sqlx::FromRow)]
        struct V {
            id: i64,
            version: i64,
            note: String,
            created_at: DateTime<Utc>,
            created_by: Option<String>,
            item_count: i64,
            total_points: i64,
        }
        let versions: Vec<V> = tx
            .all(
                &Query::select()
                    .columns([
                        (StandardVersions::Table, StandardVersions::Id),
                        (StandardVersions::Table, StandardVersions::Version),
                        (StandardVersions::Table, StandardVersions::Note),
                        (StandardVersions::Table, StandardVersions::CreatedAt),
                    ])
                    .expr_as(
                        Expr::col((Accounts::Table, Accounts::DisplayName)),
                        sea_query::Alias::new("created_by"),
                    )
                    .expr_as(
                        Expr::cust(
                            "(SELECT COUNT(*) FROM standard_items i WHERE i.version_id = standard_versions.id)",
                        ),
                        sea_query::Alias::new("item_count"),
                    )
                    .expr_as(
                        Expr::cust(
                            "CAST((SELECT COALESCE(SUM(i.points), 0) FROM standard_items i WHERE i.version_id = standard_versions.id) AS BIGINT)",
                        ),
                        sea_query::Alias::new("total_points"),
                    )
                    .from(StandardVersions::Table)
                    .left_join(
                        Accounts::Table,
                        Expr::col((Accounts::Table, Accounts::Id))
                            .equals((StandardVersions::Table, StandardVersions::CreatedBy)),
                    )
                    .and_where(
                        Expr::col((StandardVersions::Table, StandardVersions::StandardId))
                            .eq(summary.id),
                    )
                    .order_by(
                        (StandardVersions::Table, StandardVersions::Version),
                        Order::Desc,
                    )
                    .to_owned(),
            )
            .await?;
        let uses = campaigns_using(&mut tx, versions.iter().map(|v| v.id).collect()).await?;
        let versions = versions
            .into_iter()
            .map(|v| VersionInfo {
                campaigns: uses
                    .iter()
                    .filter(|c| c.version_id == v.id)
                    .cloned()
                    .collect(),
                id: v.id,
                version: v.version,
                note: v.note,
                created_at: v.created_at,
                created_by: v.created_by,
                item_count: v.item_count,
                total_points: v.total_points,
            })
            .collect();
        Ok(StandardDetail {
            summary,
            current,
            versions,
            copied_from,
        })
    }

    /// Version `version` of standard `standard_id`, with its items.
    pub async fn standard_version_of(
        &self,
        standard_id: i64,
        version: i64,
    ) -> Result<StandardVersion> {
        let mut tx = self.read().await?;
        let row: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(StandardVersions::Id)
                    .from(StandardVersions::Table)
                    .and_where(Expr::col(StandardVersions::StandardId).eq(standard_id))
                    .and_where(Expr::col(StandardVersions::Version).eq(version))
                    .to_owned(),
            )
            .await?;
        let (id,) = row.ok_or(Error::NotFound("标准版本"))?;
        load_version(&mut tx, id).await
    }

    /// A new standard owned by `owner_org_id` (its staff may edit it), version 1.
    pub async fn create_standard(
        &self,
        actor: &Actor,
        owner_org_id: i64,
        spec: &StandardSpec,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        load_owner(&mut tx, owner_org_id).await?;
        let id = insert_standard(&mut tx, actor, owner_org_id, None, spec, "新建").await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "standard.create",
            Target::new("standard", Some(id), Some(owner_org_id)),
            None,
            Some(&spec_json(spec)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Copy a standard (built-in or another org's) as one owned by `owner_org_id`: the current
    /// version's items become version 1 of "…（副本）".
    pub async fn copy_standard(
        &self,
        actor: &Actor,
        standard_id: i64,
        owner_org_id: i64,
    ) -> Result<i64> {
        let mut tx = self.begin().await?;
        load_owner(&mut tx, owner_org_id).await?;
        let source = load_row(&mut tx, standard_id).await?;
        let version_id = current_version_id(&mut tx, standard_id).await?;
        let v = load_version(&mut tx, version_id).await?;
        let spec = spec_of(&v, copy_name(&source.name))?;
        let note = format!("复制自“{}”第{}版", source.name, v.version);
        let id = insert_standard(
            &mut tx,
            actor,
            owner_org_id,
            Some(standard_id),
            &spec,
            &note,
        )
        .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "standard.copy",
            Target::new("standard", Some(id), Some(owner_org_id)),
            None,
            Some(&serde_json::json!({
                "copied_from": standard_id,
                "version": v.version,
                "name": spec.name,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edit a standard owned by an org. Built-in standards are refused (copy them first).
    /// When a campaign uses the current version, the edit becomes a new version (with `note`)
    /// so assessments keep the items they were scored against; otherwise the current
    /// version is replaced in place.
    pub async fn update_standard(
        &self,
        actor: &Actor,
        standard_id: i64,
        spec: &StandardSpec,
        note: &str,
    ) -> Result<StandardEdit> {
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(Error::invalid("note", "修改说明不能超过200个字"));
        }
        let mut tx = self.begin().await?;
        let row = load_row(&mut tx, standard_id).await?;
        if row.builtin {
            return Err(Error::rule(BUILTIN_READ_ONLY));
        }
        if row.archived {
            return Err(Error::rule("该标准已归档，不能再修改；如需使用请复制一份"));
        }
        let version_id = current_version_id(&mut tx, standard_id).await?;
        let before = load_version(&mut tx, version_id).await?;
        let before_spec = spec_of(&before, row.name.clone())?;
        let edit = if version_in_use(&mut tx, version_id).await? {
            let version = before.version + 1;
            let note = if note.is_empty() {
                format!("修改（第{}版已用于创建活动，保留不变）", before.version)
            } else {
                note.to_owned()
            };
            let id = insert_version(&mut tx, standard_id, version, spec, &note, actor.account_id)
                .await?;
            StandardEdit {
                version_id: id,
                version,
                new_version: true,
            }
        } else {
            let (first, second, third, pass) = match spec.grading {
                Grading::Bands {
                    first,
                    second,
                    third,
                } => (Some(first), Some(second), Some(third), None),
                Grading::PassFail { pass } => (None, None, None, Some(pass)),
            };
            let mut upd = Query::update();
            upd.table(StandardVersions::Table)
                .value(StandardVersions::Description, spec.description.clone())
                .value(StandardVersions::Grading, spec.grading.kind().code())
                .value(StandardVersions::FirstPercent, first)
                .value(StandardVersions::SecondPercent, second)
                .value(StandardVersions::ThirdPercent, third)
                .value(StandardVersions::PassPercent, pass)
                .value(StandardVersions::AppliesTo, spec.applies_to.to_stored())
                .and_where(Expr::col(StandardVersions::Id).eq(version_id));
            if !note.is_empty() {
                upd.value(StandardVersions::Note, note.to_owned());
            }
            tx.execute(&upd).await?;
            tx.execute(
                &Query::delete()
                    .from_table(StandardItems::Table)
                    .and_where(Expr::col(StandardItems::VersionId).eq(version_id))
                    .to_owned(),
            )
            .await?;
            insert_items(&mut tx, version_id, spec).await?;
            StandardEdit {
                version_id,
                version: before.version,
                new_version: false,
            }
        };
        tx.execute(
            &Query::update()
                .table(Standards::Table)
                .value(Standards::Name, spec.name.clone())
                .and_where(Expr::col(Standards::Id).eq(standard_id))
                .to_owned(),
        )
        .await?;
        let mut after = spec_json(spec);
        after["version"] = edit.version.into();
        after["new_version"] = edit.new_version.into();
        audit::record(
            &mut tx,
            actor,
            "standard.update",
            Target::new("standard", Some(standard_id), row.owner_org_id),
            Some(&spec_json(&before_spec)),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(edit)
    }

    /// Archive a standard: it leaves the lists (campaigns that use it keep it).
    pub async fn archive_standard(&self, actor: &Actor, standard_id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let row = load_row(&mut tx, standard_id).await?;
        if row.builtin {
            return Err(Error::rule(
                "内置标准供所有单位使用，不能归档；本单位不用的标准不选即可",
            ));
        }
        if row.archived {
            return Err(Error::rule("该标准已经归档"));
        }
        tx.execute(
            &Query::update()
                .table(Standards::Table)
                .value(Standards::Archived, true)
                .and_where(Expr::col(Standards::Id).eq(standard_id))
                .to_owned(),
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "standard.archive",
            Target::new("standard", Some(standard_id), row.owner_org_id),
            Some(&serde_json::json!({ "name": row.name, "archived": false })),
            Some(&serde_json::json!({ "name": row.name, "archived": true })),
        )
        .await?;
        tx.commit().await
    }
}
