//! 工会组织 (`Org`): the affiliation tree with history, guidance edges, sector memberships,
//! officers and the 三委会. Domain rules (which kind may sit under which, no cycles) come from
//! `gonghui_domain`; this module applies them inside one transaction with the data they need.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    AreaKind, CommitteeKind, GrassrootsKind, IndustryCode, OfficerRole, OfficerSource, OrgKind,
    RegionCode, Uscc, check_no_cycle, search_keys,
};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::schema::{
    Committees, Members, Officers, OrgAffiliations, OrgGuidance, Orgs, SectorMemberships, Units,
};
use crate::{Error, Result, Store};

pub const ACTIVE: &str = "active";
pub const CLOSED: &str = "closed";

/// Children listed the way federations list them in reports: county federations, the
/// industrial unions, sector federations, area unions, then grassroots unions.
const KIND_ORDER: &str = "CASE orgs.kind WHEN 'county_federation' THEN 1 WHEN 'industrial_union' THEN 2 WHEN 'sector_federation' THEN 3 WHEN 'area_federation' THEN 4 ELSE 5 END";

/// Officers listed as people expect them: committee, then chair before vice-chairs before members.
const OFFICER_ORDER: &str = "CASE committee WHEN 'union_committee' THEN 0 WHEN 'funds_review_committee' THEN 1 WHEN 'women_workers_committee' THEN 2 ELSE 3 END, CASE role WHEN 'chair' THEN 0 WHEN 'executive_vice_chair' THEN 1 WHEN 'vice_chair' THEN 2 ELSE 3 END";

/// One union organization as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Org {
    pub id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: OrgKind,
    /// Code of the `AreaKind` (area federations) or `GrassrootsKind` (grassroots unions).
    pub sub_kind: Option<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub region_code: Option<String>,
    pub industry_code: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub uscc: Option<String>,
    pub legal_person_cert: Option<String>,
    pub independent_account: bool,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub parent_id: Option<i64>,
    pub path: String,
    pub depth: i64,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
}

impl Org {
    pub fn is_active(&self) -> bool {
        self.status == ACTIVE
    }

    pub fn grassroots_kind(&self) -> Option<GrassrootsKind> {
        self.sub_kind.as_deref().and_then(GrassrootsKind::from_code)
    }

    pub fn area_kind(&self) -> Option<AreaKind> {
        self.sub_kind.as_deref().and_then(AreaKind::from_code)
    }

    /// The kind as a person says it: 联合基层工会 rather than 基层工会 when the sub-kind is known.
    pub fn kind_label(&self) -> &'static str {
        if let Some(g) = self.grassroots_kind() {
            g.label()
        } else if let Some(a) = self.area_kind() {
            a.label()
        } else {
            self.kind.label()
        }
    }

    /// Ids from the root down to this org, from the materialized path.
    pub fn lineage(&self) -> Vec<i64> {
        self.path
            .split('/')
            .filter_map(|s| s.parse().ok())
            .collect()
    }
}

/// Insert one officer row (callers have checked the name and the term). Shared by
/// [`Store::add_officer`] and the sector federation's formation and substitution.
pub(crate) async fn insert_officer_row(
    tx: &mut Tx,
    org_id: i64,
    input: &OfficerInput,
    name: &str,
) -> Result<i64> {
    tx.insert_id(
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
                Officers::RepresentsOrgId,
                Officers::IsAssociationLeader,
                Officers::IsEnterpriseHead,
            ])
            .values_panic([
                org_id.into(),
                input.committee.code().into(),
                input.role.code().into(),
                name.into(),
                input.full_time.into(),
                input.term_start.into(),
                input.term_end.into(),
                opt_trim(&input.phone).into(),
                input.source.code().into(),
                input.represents_org_id.into(),
                input.is_association_leader.into(),
                input.is_enterprise_head.into(),
            ])
            .to_owned(),
    )
    .await
}

/// Bounds of the path range that holds an org and its whole subtree. `'/'` is the byte just
/// before `'0'`, so `[path, path-with-last-slash-as-'0')` is exactly the subtree.
pub fn subtree_range(path: &str) -> (String, String) {
    let mut end = path.to_owned();
    end.pop();
    end.push('0');
    (path.to_owned(), end)
}

pub(crate) fn in_subtree(col: Expr, path: &str) -> Expr {
    let (lo, hi) = subtree_range(path);
    col.clone().gte(lo).and(col.lt(hi))
}

/// What a form or the API supplies to create or edit an org, already parsed.
#[derive(Debug, Clone, Serialize)]
pub struct OrgInput {
    pub kind: OrgKind,
    pub sub_kind: Option<String>,
    pub name: String,
    pub short_name: Option<String>,
    pub region: Option<RegionCode>,
    pub industry: Option<IndustryCode>,
    pub founded_on: Option<NaiveDate>,
    pub uscc: Option<Uscc>,
    pub legal_person_cert: Option<String>,
    pub independent_account: bool,
    pub address: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
}

impl OrgInput {
    /// Rules that need no database: the name, the sub-kind matching the kind, the USCC of a
    /// union being a union's code.
    pub(crate) fn check(&self) -> Result<()> {
        let name = self.name.trim();
        if name.chars().count() < 2 || name.chars().count() > 60 {
            return Err(Error::invalid(
                "name",
                "工会名称应为2至60个字，例如“荆州市建设工会”",
            ));
        }
        match (self.kind, self.sub_kind.as_deref()) {
            (OrgKind::Grassroots, Some(s)) if GrassrootsKind::from_code(s).is_some() => {}
            (OrgKind::Grassroots, _) => {
                return Err(Error::invalid(
                    "sub_kind",
                    "请选择基层工会类型（企业工会、机关事业单位工会、社会组织工会、联合基层工会或农民专业合作社工会）",
                ));
            }
            (OrgKind::AreaFederation, Some(s)) if AreaKind::from_code(s).is_some() => {}
            (OrgKind::AreaFederation, _) => {
                return Err(Error::invalid(
                    "sub_kind",
                    "请选择区域工会类型（乡镇、街道、开发区/工业园区、社区或村）",
                ));
            }
            (_, None) => {}
            (_, Some(_)) => {
                return Err(Error::invalid(
                    "sub_kind",
                    "只有基层工会和区域工会需要选择细分类型",
                ));
            }
        }
        if let Some(u) = &self.uscc {
            if !u.is_union() {
                return Err(Error::invalid(
                    "uscc",
                    format!(
                        "工会的统一社会信用代码应以 81 开头（登记管理部门为工会），而 {} 属于“{}”；单位的代码请登记在单位名录中",
                        u.as_str(),
                        u.category_label().unwrap_or(u.registration_authority())
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgChild {
    pub id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: OrgKind,
    pub sub_kind: Option<String>,
    pub name: String,
    pub region_code: Option<String>,
    pub status: String,
    pub child_count: i64,
    pub member_count: i64,
    pub unit_count: i64,
}

impl OrgChild {
    pub fn is_grassroots(&self) -> bool {
        self.kind == OrgKind::Grassroots
    }

    pub fn kind_label(&self) -> &'static str {
        let g = self.sub_kind.as_deref().and_then(GrassrootsKind::from_code);
        let a = self.sub_kind.as_deref().and_then(AreaKind::from_code);
        g.map(|g| g.label())
            .or(a.map(|a| a.label()))
            .unwrap_or(self.kind.label())
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Affiliation {
    pub id: i64,
    pub parent_id: i64,
    pub parent_name: String,
    pub parent_path: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A guidance edge or a sector membership, seen from one side.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Link {
    pub id: i64,
    pub other_id: i64,
    pub other_name: String,
    pub other_path: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Officer {
    pub id: i64,
    pub org_id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub committee: CommitteeKind,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub role: OfficerRole,
    pub name: String,
    pub full_time: bool,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub phone: Option<String>,
    pub left_on: Option<NaiveDate>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub source: OfficerSource,
    pub represents_org_id: Option<i64>,
    pub is_association_leader: bool,
    pub is_enterprise_head: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfficerInput {
    pub committee: CommitteeKind,
    pub role: OfficerRole,
    pub name: String,
    pub full_time: bool,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub phone: Option<String>,
    pub source: OfficerSource,
    /// For a sector federation's officers: the member union they represent.
    pub represents_org_id: Option<i64>,
    /// 行业协会会长/副会长: may not hold office in a sector federation (seed 000).
    pub is_association_leader: bool,
    /// 企业行政负责人: may not hold office in a sector federation (seed 000).
    pub is_enterprise_head: bool,
}

impl OfficerInput {
    /// An ordinary officer of the org itself.
    pub fn plain(
        committee: CommitteeKind,
        role: OfficerRole,
        name: impl Into<String>,
    ) -> OfficerInput {
        OfficerInput {
            committee,
            role,
            name: name.into(),
            full_time: false,
            term_start: None,
            term_end: None,
            phone: None,
            source: OfficerSource::Other,
            represents_org_id: None,
            is_association_leader: false,
            is_enterprise_head: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Committee {
    pub id: i64,
    pub org_id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: CommitteeKind,
    pub established_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Totals over an org's whole subtree, counted once along affiliation.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct SubtreeTotals {
    pub orgs: i64,
    pub grassroots: i64,
    pub covered_units: i64,
    pub employees_in_covered_units: i64,
    pub members: i64,
}

fn org_columns(q: &mut SelectStatement) -> &mut SelectStatement {
    q.columns([
        (Orgs::Table, Orgs::Id),
        (Orgs::Table, Orgs::Kind),
        (Orgs::Table, Orgs::SubKind),
        (Orgs::Table, Orgs::Name),
        (Orgs::Table, Orgs::ShortName),
        (Orgs::Table, Orgs::RegionCode),
        (Orgs::Table, Orgs::IndustryCode),
        (Orgs::Table, Orgs::FoundedOn),
        (Orgs::Table, Orgs::Uscc),
        (Orgs::Table, Orgs::LegalPersonCert),
        (Orgs::Table, Orgs::IndependentAccount),
        (Orgs::Table, Orgs::Address),
        (Orgs::Table, Orgs::ContactPerson),
        (Orgs::Table, Orgs::ContactPhone),
        (Orgs::Table, Orgs::ParentId),
        (Orgs::Table, Orgs::Path),
        (Orgs::Table, Orgs::Depth),
        (Orgs::Table, Orgs::Status),
        (Orgs::Table, Orgs::ClosedOn),
    ])
}

pub(crate) fn select_orgs() -> SelectStatement {
    let mut q = Query::select();
    org_columns(&mut q).from(Orgs::Table);
    q
}

pub(crate) async fn load(tx: &mut Tx, id: i64) -> Result<Org> {
    let q = select_orgs()
        .and_where(Expr::col((Orgs::Table, Orgs::Id)).eq(id))
        .to_owned();
    tx.optional(&q).await?.ok_or(Error::NotFound("工会组织"))
}

pub(crate) async fn load_active(tx: &mut Tx, id: i64, field: &'static str) -> Result<Org> {
    let org = load(tx, id)
        .await
        .map_err(|_| Error::invalid(field, "找不到所选的工会组织"))?;
    if !org.is_active() {
        return Err(Error::invalid(
            field,
            format!("{}已撤销，不能再办理此项业务", org.name),
        ));
    }
    Ok(org)
}

async fn count(tx: &mut Tx, q: SelectStatement) -> Result<i64> {
    tx.scalar(&q).await
}

fn count_of(table: impl sea_query::IntoTableRef) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(table)
        .to_owned()
}

async fn ensure_unique_uscc(tx: &mut Tx, uscc: Option<&Uscc>, except: Option<i64>) -> Result<()> {
    let Some(u) = uscc else { return Ok(()) };
    let mut q = Query::select()
        .columns([Orgs::Id, Orgs::Name])
        .from(Orgs::Table)
        .and_where(Expr::col(Orgs::Uscc).eq(u.as_str()))
        .to_owned();
    if let Some(id) = except {
        q.and_where(Expr::col(Orgs::Id).ne(id));
    }
    if tx.optional::<OrgRef, _>(&q).await?.is_some() {
        return Err(Error::invalid(
            "uscc",
            // The holder may be outside the person's scope, so it is not named.
            format!(
                "统一社会信用代码 {} 已被另一个工会组织登记，请核对",
                u.as_str()
            ),
        ));
    }
    Ok(())
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn opt_trim(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

impl Store {
    /// Create the city federation, the root of a deployment. There is exactly one root.
    pub async fn create_root(&self, actor: &Actor, input: OrgInput) -> Result<i64> {
        input.check()?;
        if input.kind != OrgKind::CityFederation {
            return Err(Error::invalid("kind", "最上级的工会组织应为市总工会"));
        }
        let mut tx = self.begin().await?;
        if count(&mut tx, count_of(Orgs::Table)).await? > 0 {
            return Err(Error::rule("已经有市总工会，新的工会组织请在它下面建立"));
        }
        let id = insert_org(&mut tx, &input, None).await?;
        let org = load(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "org.create",
            Target::new("org", Some(id), Some(id)),
            None,
            Some(&org),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Create an org under `parent_id` as of `valid_from` (today when `None`).
    pub async fn create_org(
        &self,
        actor: &Actor,
        parent_id: i64,
        input: OrgInput,
        valid_from: Option<NaiveDate>,
    ) -> Result<i64> {
        input.check()?;
        let mut tx = self.begin().await?;
        let id =
            create_org_in(&mut tx, parent_id, &input, valid_from.unwrap_or_else(today)).await?;
        let org = load(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "org.create",
            Target::new("org", Some(id), Some(id)),
            None,
            Some(&org),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Edit an org's own record. Its place in the tree changes only through [`Store::move_org`].
    pub async fn update_org(&self, actor: &Actor, id: i64, input: OrgInput) -> Result<()> {
        input.check()?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        if input.kind != before.kind {
            if let Some(pid) = before.parent_id {
                let parent = load(&mut tx, pid).await?;
                if !input.kind.may_be_child_of(parent.kind) {
                    return Err(Error::invalid(
                        "kind",
                        input.kind.parent_rule_message(parent.kind).0,
                    ));
                }
            } else {
                return Err(Error::invalid("kind", "市总工会的类型不能修改"));
            }
            let kids: Vec<(String,)> = tx
                .all(
                    &Query::select()
                        .distinct()
                        .column(Orgs::Kind)
                        .from(Orgs::Table)
                        .and_where(Expr::col(Orgs::ParentId).eq(id))
                        .and_where(Expr::col(Orgs::Status).eq(ACTIVE))
                        .to_owned(),
                )
                .await?;
            for (k,) in kids {
                if let Some(kind) = OrgKind::from_code(&k) {
                    if !kind.may_be_child_of(input.kind) {
                        return Err(Error::invalid(
                            "kind",
                            format!(
                                "它下面还有{}，改为{}后不能再管理它们，请先调整下级组织",
                                kind.label(),
                                input.kind.label()
                            ),
                        ));
                    }
                }
            }
        }
        if before.kind == OrgKind::Grassroots && input.kind != OrgKind::Grassroots {
            let covered = count(
                &mut tx,
                count_of(Units::Table)
                    .and_where(Expr::col(Units::CoveringOrgId).eq(id))
                    .to_owned(),
            )
            .await?;
            if covered > 0 {
                return Err(Error::invalid(
                    "kind",
                    "它还覆盖着单位，只有基层工会可以覆盖单位，请先调整覆盖关系",
                ));
            }
        }
        ensure_unique_uscc(&mut tx, input.uscc.as_ref(), Some(id)).await?;
        let keys = search_keys(input.name.trim());
        let stmt = Query::update()
            .table(Orgs::Table)
            .values([
                (Orgs::Kind, input.kind.code().into()),
                (Orgs::SubKind, input.sub_kind.clone().into()),
                (Orgs::Name, input.name.trim().into()),
                (Orgs::ShortName, opt_trim(&input.short_name).into()),
                (Orgs::NamePinyin, keys.full.into()),
                (Orgs::NameInitials, keys.initials.into()),
                (
                    Orgs::RegionCode,
                    input.region.as_ref().map(|r| r.as_str().to_owned()).into(),
                ),
                (
                    Orgs::IndustryCode,
                    input
                        .industry
                        .as_ref()
                        .map(|r| r.as_str().to_owned())
                        .into(),
                ),
                (Orgs::FoundedOn, input.founded_on.into()),
                (
                    Orgs::Uscc,
                    input.uscc.as_ref().map(|u| u.as_str().to_owned()).into(),
                ),
                (
                    Orgs::LegalPersonCert,
                    opt_trim(&input.legal_person_cert).into(),
                ),
                (Orgs::IndependentAccount, input.independent_account.into()),
                (Orgs::Address, opt_trim(&input.address).into()),
                (Orgs::ContactPerson, opt_trim(&input.contact_person).into()),
                (Orgs::ContactPhone, opt_trim(&input.contact_phone).into()),
                (Orgs::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Orgs::Id).eq(id))
            .to_owned();
        tx.execute(&stmt).await.map_err(|e| uscc_taken(e, "uscc"))?;
        crate::stats::counts::refresh_orgs(&mut tx, &[id]).await?;
        let after = load(&mut tx, id).await?;
        audit::record(
            &mut tx,
            actor,
            "org.update",
            Target::new("org", Some(id), Some(id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Move an org (with its whole subtree) under a new parent from `date`. The old affiliation
    /// is closed, not deleted, so history and as-of statistics still see it where it was.
    pub async fn move_org(
        &self,
        actor: &Actor,
        id: i64,
        new_parent_id: i64,
        date: Option<NaiveDate>,
        reason: Option<String>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        move_in(&mut tx, &before, new_parent_id, date, reason.as_deref()).await?;
        let after = load(&mut tx, id).await?;
        audit::record(
            &mut tx,
            actor,
            "org.move",
            Target::new("org", Some(id), Some(id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Close (撤销) an org that no longer holds anything: no active child orgs, no covered
    /// units, no members. Use [`Store::merge_org`] to hand its contents to another org.
    pub async fn close_org(&self, actor: &Actor, id: i64, date: Option<NaiveDate>) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        if before.parent_id.is_none() {
            return Err(Error::rule("市总工会不能撤销"));
        }
        if !before.is_active() {
            return Err(Error::rule(format!("{}已经撤销", before.name)));
        }
        let kids = count(
            &mut tx,
            count_of(Orgs::Table)
                .and_where(Expr::col(Orgs::ParentId).eq(id))
                .and_where(Expr::col(Orgs::Status).eq(ACTIVE))
                .to_owned(),
        )
        .await?;
        let units = count(
            &mut tx,
            count_of(Units::Table)
                .and_where(Expr::col(Units::CoveringOrgId).eq(id))
                .to_owned(),
        )
        .await?;
        let members = count(
            &mut tx,
            count_of(Members::Table)
                .and_where(Expr::col(Members::OrgId).eq(id))
                .to_owned(),
        )
        .await?;
        if kids + units + members > 0 {
            return Err(Error::rule(format!(
                "{}下还有{}个下级工会、{}个覆盖单位、{}名会员，请先转移或使用“合并”",
                before.name, kids, units, members
            )));
        }
        close_in(&mut tx, id, date, "撤销").await?;
        let after = load(&mut tx, id).await?;
        audit::record(
            &mut tx,
            actor,
            "org.close",
            Target::new("org", Some(id), Some(id)),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Merge `from` into `into`: its child orgs move under `into`, its covered units and its
    /// members transfer to `into`, and `from` is closed. All history rows are kept.
    pub async fn merge_org(
        &self,
        actor: &Actor,
        from: i64,
        into: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        if from == into {
            return Err(Error::invalid("into", "不能合并到自身"));
        }
        let mut tx = self.begin().await?;
        let source = load(&mut tx, from).await?;
        let target = load_active(&mut tx, into, "into").await?;
        if source.parent_id.is_none() {
            return Err(Error::rule("市总工会不能被合并"));
        }
        if !source.is_active() {
            return Err(Error::rule(format!("{}已经撤销", source.name)));
        }
        if target.path.starts_with(&source.path) {
            return Err(Error::invalid("into", "不能合并到它自己的下级工会"));
        }
        let kids: Vec<Org> = tx
            .all(
                &select_orgs()
                    .and_where(Expr::col(Orgs::ParentId).eq(from))
                    .and_where(Expr::col(Orgs::Status).eq(ACTIVE))
                    .to_owned(),
            )
            .await?;
        for kid in &kids {
            move_in(&mut tx, kid, into, date, Some("上级工会合并")).await?;
        }
        let unit_ids: Vec<(i64,)> = tx
            .all(
                &Query::select()
                    .column(Units::Id)
                    .from(Units::Table)
                    .and_where(Expr::col(Units::CoveringOrgId).eq(from))
                    .to_owned(),
            )
            .await?;
        let members = count(
            &mut tx,
            count_of(Members::Table)
                .and_where(Expr::col(Members::OrgId).eq(from))
                .to_owned(),
        )
        .await?;
        if (!unit_ids.is_empty() || members > 0) && target.kind != OrgKind::Grassroots {
            return Err(Error::invalid(
                "into",
                "只有基层工会可以覆盖单位、登记会员，请选择一个基层工会合并",
            ));
        }
        for (unit_id,) in unit_ids {
            crate::units::cover_in(&mut tx, unit_id, &target, date, true).await?;
        }
        crate::members::transfer_all_in(&mut tx, from, into, date).await?;
        close_in(&mut tx, from, date, "合并").await?;
        let after = load(&mut tx, from).await?;
        audit::record(
            &mut tx,
            actor,
            "org.merge",
            Target::new("org", Some(from), Some(from)),
            Some(&source),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    pub async fn org(&self, id: i64) -> Result<Org> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// The root (city federation), if the deployment has one yet.
    pub async fn root(&self) -> Result<Option<Org>> {
        let mut tx = self.read().await?;
        tx.optional(
            &select_orgs()
                .and_where(Expr::col(Orgs::ParentId).is_null())
                .to_owned(),
        )
        .await
    }

    /// Orgs from the root down to `org` (inclusive), for breadcrumbs.
    pub async fn lineage(&self, org: &Org) -> Result<Vec<OrgRef>> {
        let ids = org.lineage();
        let mut tx = self.read().await?;
        let q = Query::select()
            .columns([Orgs::Id, Orgs::Name])
            .from(Orgs::Table)
            .and_where(Expr::col(Orgs::Id).is_in(ids.clone()))
            .to_owned();
        let mut refs: Vec<OrgRef> = tx.all(&q).await?;
        refs.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(refs)
    }

    /// Direct children of an org, a page at a time, with the counts a tree row shows.
    pub async fn children(
        &self,
        id: i64,
        include_closed: bool,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<OrgChild>> {
        let mut tx = self.read().await?;
        let mut q = Query::select()
            .columns([
                (Orgs::Table, Orgs::Id),
                (Orgs::Table, Orgs::Kind),
                (Orgs::Table, Orgs::SubKind),
                (Orgs::Table, Orgs::Name),
                (Orgs::Table, Orgs::RegionCode),
                (Orgs::Table, Orgs::Status),
            ])
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM orgs c WHERE c.parent_id = orgs.id AND c.status = 'active')"),
                "child_count",
            )
            .expr_as(Expr::cust("(SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id)"), "member_count")
            .expr_as(Expr::cust("(SELECT COUNT(*) FROM units u WHERE u.covering_org_id = orgs.id)"), "unit_count")
            .from(Orgs::Table)
            .and_where(Expr::col((Orgs::Table, Orgs::ParentId)).eq(id))
            .order_by_expr(Expr::cust(KIND_ORDER), Order::Asc)
            .order_by((Orgs::Table, Orgs::NamePinyin), Order::Asc)
            .limit(limit)
            .offset(offset)
            .to_owned();
        if !include_closed {
            q.and_where(Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE));
        }
        tx.all(&q).await
    }

    pub async fn child_count(&self, id: i64) -> Result<i64> {
        let mut tx = self.read().await?;
        count(
            &mut tx,
            count_of(Orgs::Table)
                .and_where(Expr::col(Orgs::ParentId).eq(id))
                .and_where(Expr::col(Orgs::Status).eq(ACTIVE))
                .to_owned(),
        )
        .await
    }

    /// Totals over the subtree of `org`, each counted once at the grassroots union that owns it.
    pub async fn subtree_totals(&self, org: &Org) -> Result<SubtreeTotals> {
        let mut tx = self.read().await?;
        let active = || Expr::col((Orgs::Table, Orgs::Status)).eq(ACTIVE);
        let within = || in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path);
        let orgs = count(
            &mut tx,
            count_of(Orgs::Table)
                .and_where(within())
                .and_where(active())
                .to_owned(),
        )
        .await?;
        let grassroots = count(
            &mut tx,
            count_of(Orgs::Table)
                .and_where(within())
                .and_where(active())
                .and_where(Expr::col((Orgs::Table, Orgs::Kind)).eq(OrgKind::Grassroots.code()))
                .to_owned(),
        )
        .await?;
        let units: (i64, Option<i64>) = tx
            .one(
                &Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .expr(Expr::cust("CAST(SUM(units.employees) AS BIGINT)"))
                    .from(Units::Table)
                    .inner_join(
                        Orgs::Table,
                        Expr::col((Orgs::Table, Orgs::Id))
                            .equals((Units::Table, Units::CoveringOrgId)),
                    )
                    .and_where(within())
                    .to_owned(),
            )
            .await?;
        let members = count(
            &mut tx,
            count_of(Members::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id)).equals((Members::Table, Members::OrgId)),
                )
                .and_where(within())
                .to_owned(),
        )
        .await?;
        Ok(SubtreeTotals {
            orgs,
            grassroots,
            covered_units: units.0,
            employees_in_covered_units: units.1.unwrap_or(0),
            members,
        })
    }

    /// The affiliation history of an org, newest first.
    pub async fn affiliations(&self, id: i64) -> Result<Vec<Affiliation>> {
        let mut tx = self.read().await?;
        let q = Query::select()
            .columns([
                (OrgAffiliations::Table, OrgAffiliations::Id),
                (OrgAffiliations::Table, OrgAffiliations::ParentId),
                (OrgAffiliations::Table, OrgAffiliations::ValidFrom),
                (OrgAffiliations::Table, OrgAffiliations::ValidTo),
                (OrgAffiliations::Table, OrgAffiliations::Reason),
            ])
            .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "parent_name")
            .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "parent_path")
            .from(OrgAffiliations::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id))
                    .equals((OrgAffiliations::Table, OrgAffiliations::ParentId)),
            )
            .and_where(Expr::col((OrgAffiliations::Table, OrgAffiliations::OrgId)).eq(id))
            .order_by(
                (OrgAffiliations::Table, OrgAffiliations::ValidFrom),
                Order::Desc,
            )
            .order_by((OrgAffiliations::Table, OrgAffiliations::Id), Order::Desc)
            .to_owned();
        tx.all(&q).await
    }

    /// The parent an org had on `date` (None for the root, or before the org existed).
    pub async fn parent_as_of(&self, id: i64, date: NaiveDate) -> Result<Option<i64>> {
        let mut tx = self.read().await?;
        let q = Query::select()
            .column(OrgAffiliations::ParentId)
            .from(OrgAffiliations::Table)
            .and_where(Expr::col(OrgAffiliations::OrgId).eq(id))
            .and_where(Expr::col(OrgAffiliations::ValidFrom).lte(date))
            .and_where(
                Expr::col(OrgAffiliations::ValidTo)
                    .is_null()
                    .or(Expr::col(OrgAffiliations::ValidTo).gt(date)),
            )
            .to_owned();
        Ok(tx.optional::<(i64,), _>(&q).await?.map(|r| r.0))
    }

    // ---- guidance (业务指导) and sector memberships (行业工会联合会成员) ----

    /// Record that `guide_id` (an industrial union or other upper union) guides `org_id`.
    pub async fn add_guidance(
        &self,
        actor: &Actor,
        guide_id: i64,
        org_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<i64> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let guide = load_active(&mut tx, guide_id, "guide_id").await?;
        let org = load_active(&mut tx, org_id, "org_id").await?;
        if guide.kind == OrgKind::Grassroots {
            return Err(Error::invalid("guide_id", "基层工会不能作为业务指导单位"));
        }
        if guide_id == org_id || org.parent_id == Some(guide_id) {
            return Err(Error::invalid(
                "guide_id",
                "业务指导单位不能是本组织或它的隶属上级（隶属关系已包含领导关系）",
            ));
        }
        let open = open_link_exists(&mut tx, LinkKind::Guidance, guide_id, org_id).await?;
        if open {
            return Err(Error::invalid(
                "guide_id",
                format!("{}已在指导{}", guide.name, org.name),
            ));
        }
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(OrgGuidance::Table)
                    .columns([
                        OrgGuidance::GuideId,
                        OrgGuidance::OrgId,
                        OrgGuidance::ValidFrom,
                    ])
                    .values_panic([guide_id.into(), org_id.into(), date.into()])
                    .to_owned(),
            )
            .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "guidance.add",
            Target::new("org", Some(org_id), Some(org_id)),
            None,
            Some(&(guide_id, org_id, date)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Add a grassroots union to a sector federation. Its affiliation, dues channel and
    /// membership records stay where they are (seed 002: 四个不变).
    pub async fn add_sector_member(
        &self,
        actor: &Actor,
        sector_id: i64,
        member_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<i64> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let sector = load_active(&mut tx, sector_id, "sector_id").await?;
        let member = load_active(&mut tx, member_id, "member_id").await?;
        if sector.kind != OrgKind::SectorFederation {
            return Err(Error::invalid(
                "sector_id",
                format!("{}不是行业工会联合会", sector.name),
            ));
        }
        if member.kind != OrgKind::Grassroots {
            return Err(Error::invalid(
                "member_id",
                "行业工会联合会的成员应为基层工会",
            ));
        }
        if open_link_exists(&mut tx, LinkKind::Sector, sector_id, member_id).await? {
            return Err(Error::invalid(
                "member_id",
                format!("{}已是{}的成员", member.name, sector.name),
            ));
        }
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(SectorMemberships::Table)
                    .columns([
                        SectorMemberships::SectorId,
                        SectorMemberships::MemberId,
                        SectorMemberships::ValidFrom,
                    ])
                    .values_panic([sector_id.into(), member_id.into(), date.into()])
                    .to_owned(),
            )
            .await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "sector.join",
            Target::new("org", Some(member_id), Some(member_id)),
            None,
            Some(&(sector_id, member_id, date)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// End a guidance edge or sector membership (kept as history).
    pub async fn end_link(
        &self,
        actor: &Actor,
        kind: LinkKind,
        link_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let mut tx = self.begin().await?;
        let (table, id_col, to_col) = match kind {
            LinkKind::Guidance => (
                OrgGuidance::Table.into_iden(),
                OrgGuidance::Id.into_iden(),
                OrgGuidance::ValidTo.into_iden(),
            ),
            LinkKind::Sector => (
                SectorMemberships::Table.into_iden(),
                SectorMemberships::Id.into_iden(),
                SectorMemberships::ValidTo.into_iden(),
            ),
        };
        let n = tx
            .execute(
                &Query::update()
                    .table(table)
                    .value(to_col.clone(), date)
                    .and_where(Expr::col(id_col).eq(link_id))
                    .and_where(Expr::col(to_col).is_null())
                    .to_owned(),
            )
            .await?;
        if n == 0 {
            return Err(Error::NotFound("关系"));
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            kind.end_action(),
            Target::new("link", Some(link_id), None),
            None,
            Some(&date),
        )
        .await?;
        tx.commit().await
    }

    /// Guidance edges touching an org: (guided by, guides).
    pub async fn guidance(&self, id: i64) -> Result<(Vec<Link>, Vec<Link>)> {
        let mut tx = self.read().await?;
        let by = links(&mut tx, LinkKind::Guidance, id, false).await?;
        let of = links(&mut tx, LinkKind::Guidance, id, true).await?;
        Ok((by, of))
    }

    /// Sector memberships touching an org: (sectors it belongs to, its member unions).
    pub async fn sector_links(&self, id: i64) -> Result<(Vec<Link>, Vec<Link>)> {
        let mut tx = self.read().await?;
        let of = links(&mut tx, LinkKind::Sector, id, false).await?;
        let members = links(&mut tx, LinkKind::Sector, id, true).await?;
        Ok((of, members))
    }

    // ---- officers and committees ----

    pub async fn add_officer(
        &self,
        actor: &Actor,
        org_id: i64,
        input: OfficerInput,
    ) -> Result<i64> {
        let name = gonghui_domain::check_person_name(&input.name).map_err(Error::field("name"))?;
        if let (Some(s), Some(e)) = (input.term_start, input.term_end) {
            gonghui_domain::check_term(s, e).map_err(Error::field("term_end"))?;
        }
        let mut tx = self.begin().await?;
        load_active(&mut tx, org_id, "org_id").await?;
        let id = insert_officer_row(&mut tx, org_id, &input, &name).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "officer.add",
            Target::new("org", Some(org_id), Some(org_id)),
            None,
            Some(&input),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An officer leaves office; the row stays as history.
    pub async fn end_officer(
        &self,
        actor: &Actor,
        officer_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let date = date.unwrap_or_else(today);
        let org_id = self.officer_org(officer_id).await?;
        let mut tx = self.begin().await?;
        let n = tx
            .execute(
                &Query::update()
                    .table(Officers::Table)
                    .value(Officers::LeftOn, date)
                    .and_where(Expr::col(Officers::Id).eq(officer_id))
                    .and_where(Expr::col(Officers::LeftOn).is_null())
                    .to_owned(),
            )
            .await?;
        if n == 0 {
            return Err(Error::NotFound("在任人员"));
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "officer.end",
            Target::new("officer", Some(officer_id), Some(org_id)),
            None,
            Some(&date),
        )
        .await?;
        tx.commit().await
    }

    /// The org an officer record belongs to.
    pub async fn officer_org(&self, officer_id: i64) -> Result<i64> {
        let mut tx = self.read().await?;
        let row: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Officers::OrgId)
                    .from(Officers::Table)
                    .and_where(Expr::col(Officers::Id).eq(officer_id))
                    .to_owned(),
            )
            .await?;
        row.map(|r| r.0).ok_or(Error::NotFound("任职记录"))
    }

    pub async fn officers(&self, org_id: i64) -> Result<Vec<Officer>> {
        let mut tx = self.read().await?;
        let q = Query::select()
            .columns([
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
            ])
            .from(Officers::Table)
            .and_where(Expr::col(Officers::OrgId).eq(org_id))
            .order_by_expr(Expr::cust(OFFICER_ORDER), Order::Asc)
            .order_by(Officers::Id, Order::Asc)
            .to_owned();
        tx.all(&q).await
    }

    /// Set up (or re-date) one of an org's committees.
    pub async fn set_committee(
        &self,
        actor: &Actor,
        org_id: i64,
        kind: CommitteeKind,
        established_on: Option<NaiveDate>,
        note: Option<String>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        load_active(&mut tx, org_id, "org_id").await?;
        let existing: Option<(i64,)> = tx
            .optional(
                &Query::select()
                    .column(Committees::Id)
                    .from(Committees::Table)
                    .and_where(Expr::col(Committees::OrgId).eq(org_id))
                    .and_where(Expr::col(Committees::Kind).eq(kind.code()))
                    .to_owned(),
            )
            .await?;
        match existing {
            Some((cid,)) => {
                tx.execute(
                    &Query::update()
                        .table(Committees::Table)
                        .values([
                            (Committees::EstablishedOn, established_on.into()),
                            (Committees::Note, opt_trim(&note).into()),
                        ])
                        .and_where(Expr::col(Committees::Id).eq(cid))
                        .to_owned(),
                )
                .await?;
            }
            None => {
                tx.execute(
                    &Query::insert()
                        .into_table(Committees::Table)
                        .columns([
                            Committees::OrgId,
                            Committees::Kind,
                            Committees::EstablishedOn,
                            Committees::Note,
                        ])
                        .values_panic([
                            org_id.into(),
                            kind.code().into(),
                            established_on.into(),
                            opt_trim(&note).into(),
                        ])
                        .to_owned(),
                )
                .await?;
            }
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "committee.set",
            Target::new("org", Some(org_id), Some(org_id)),
            None,
            Some(&(kind, established_on)),
        )
        .await?;
        tx.commit().await
    }

    pub async fn committees(&self, org_id: i64) -> Result<Vec<Committee>> {
        let mut tx = self.read().await?;
        let q = Query::select()
            .columns([
                Committees::Id,
                Committees::OrgId,
                Committees::Kind,
                Committees::EstablishedOn,
                Committees::Note,
            ])
            .from(Committees::Table)
            .and_where(Expr::col(Committees::OrgId).eq(org_id))
            .order_by(Committees::Id, Order::Asc)
            .to_owned();
        tx.all(&q).await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Guidance,
    Sector,
}

impl LinkKind {
    fn end_action(self) -> &'static str {
        match self {
            LinkKind::Guidance => "guidance.end",
            LinkKind::Sector => "sector.leave",
        }
    }
}

use sea_query::IntoIden;

async fn open_link_exists(tx: &mut Tx, kind: LinkKind, upper: i64, lower: i64) -> Result<bool> {
    let q = match kind {
        LinkKind::Guidance => count_of(OrgGuidance::Table)
            .and_where(Expr::col(OrgGuidance::GuideId).eq(upper))
            .and_where(Expr::col(OrgGuidance::OrgId).eq(lower))
            .and_where(Expr::col(OrgGuidance::ValidTo).is_null())
            .to_owned(),
        LinkKind::Sector => count_of(SectorMemberships::Table)
            .and_where(Expr::col(SectorMemberships::SectorId).eq(upper))
            .and_where(Expr::col(SectorMemberships::MemberId).eq(lower))
            .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
            .to_owned(),
    };
    Ok(tx.scalar(&q).await? > 0)
}

/// Links of one kind seen from `id`: with `downward`, the orgs `id` guides (or its sector
/// members); otherwise the orgs that guide `id` (or the sectors it belongs to).
async fn links(tx: &mut Tx, kind: LinkKind, id: i64, downward: bool) -> Result<Vec<Link>> {
    let (table, upper, lower, from, to, lid) = match kind {
        LinkKind::Guidance => (
            "org_guidance",
            "guide_id",
            "org_id",
            "valid_from",
            "valid_to",
            "id",
        ),
        LinkKind::Sector => (
            "sector_memberships",
            "sector_id",
            "member_id",
            "valid_from",
            "valid_to",
            "id",
        ),
    };
    let (me, other) = if downward {
        (upper, lower)
    } else {
        (lower, upper)
    };
    let q = Query::select()
        .expr_as(Expr::col(("l", lid)), "id")
        .expr_as(Expr::col(("o", "id")), "other_id")
        .expr_as(Expr::col(("o", "name")), "other_name")
        .expr_as(Expr::col(("o", "path")), "other_path")
        .expr_as(Expr::col(("l", from)), "valid_from")
        .expr_as(Expr::col(("l", to)), "valid_to")
        .from_as(table, "l")
        .inner_join(
            sea_query::TableRef::Table(
                sea_query::Alias::new("orgs").into_iden().into(),
                Some(sea_query::Alias::new("o").into_iden()),
            ),
            Expr::col(("o", "id")).equals(("l", other)),
        )
        .and_where(Expr::col(("l", me)).eq(id))
        .order_by(("l", to), Order::Desc)
        .order_by(("o", "name"), Order::Asc)
        .to_owned();
    tx.all(&q).await
}

fn uscc_taken(e: Error, field: &'static str) -> Error {
    if e.is_unique_violation() {
        Error::invalid(field, "该统一社会信用代码已被登记，请核对")
    } else {
        e
    }
}

async fn insert_org(tx: &mut Tx, input: &OrgInput, parent: Option<&Org>) -> Result<i64> {
    ensure_unique_uscc(tx, input.uscc.as_ref(), None).await?;
    let keys = search_keys(input.name.trim());
    let now = Utc::now();
    let id = tx
        .insert_id(
            Query::insert()
                .into_table(Orgs::Table)
                .columns([
                    Orgs::Kind,
                    Orgs::SubKind,
                    Orgs::Name,
                    Orgs::ShortName,
                    Orgs::NamePinyin,
                    Orgs::NameInitials,
                    Orgs::RegionCode,
                    Orgs::IndustryCode,
                    Orgs::FoundedOn,
                    Orgs::Uscc,
                    Orgs::LegalPersonCert,
                    Orgs::IndependentAccount,
                    Orgs::Address,
                    Orgs::ContactPerson,
                    Orgs::ContactPhone,
                    Orgs::ParentId,
                    Orgs::Path,
                    Orgs::Depth,
                    Orgs::Status,
                    Orgs::CreatedAt,
                    Orgs::UpdatedAt,
                ])
                .values_panic([
                    input.kind.code().into(),
                    input.sub_kind.clone().into(),
                    input.name.trim().into(),
                    opt_trim(&input.short_name).into(),
                    keys.full.into(),
                    keys.initials.into(),
                    input.region.as_ref().map(|r| r.as_str().to_owned()).into(),
                    input
                        .industry
                        .as_ref()
                        .map(|r| r.as_str().to_owned())
                        .into(),
                    input.founded_on.into(),
                    input.uscc.as_ref().map(|u| u.as_str().to_owned()).into(),
                    opt_trim(&input.legal_person_cert).into(),
                    input.independent_account.into(),
                    opt_trim(&input.address).into(),
                    opt_trim(&input.contact_person).into(),
                    opt_trim(&input.contact_phone).into(),
                    parent.map(|p| p.id).into(),
                    // The path needs the new id; written right below.
                    "".into(),
                    parent.map(|p| p.depth + 1).unwrap_or(0).into(),
                    ACTIVE.into(),
                    now.into(),
                    now.into(),
                ])
                .to_owned(),
        )
        .await
        .map_err(|e| uscc_taken(e, "uscc"))?;
    let path = format!("{}{}/", parent.map(|p| p.path.as_str()).unwrap_or("/"), id);
    tx.execute(
        &Query::update()
            .table(Orgs::Table)
            .value(Orgs::Path, path)
            .and_where(Expr::col(Orgs::Id).eq(id))
            .to_owned(),
    )
    .await?;
    crate::stats::counts::refresh_orgs(tx, &[id]).await?;
    Ok(id)
}

pub(crate) async fn create_org_in(
    tx: &mut Tx,
    parent_id: i64,
    input: &OrgInput,
    valid_from: NaiveDate,
) -> Result<i64> {
    let parent = load_active(tx, parent_id, "parent_id").await?;
    if !input.kind.may_be_child_of(parent.kind) {
        return Err(Error::invalid(
            "kind",
            input.kind.parent_rule_message(parent.kind).0,
        ));
    }
    let id = insert_org(tx, input, Some(&parent)).await?;
    tx.execute(
        &Query::insert()
            .into_table(OrgAffiliations::Table)
            .columns([
                OrgAffiliations::OrgId,
                OrgAffiliations::ParentId,
                OrgAffiliations::ValidFrom,
            ])
            .values_panic([id.into(), parent_id.into(), valid_from.into()])
            .to_owned(),
    )
    .await?;
    Ok(id)
}

async fn move_in(
    tx: &mut Tx,
    org: &Org,
    new_parent_id: i64,
    date: NaiveDate,
    reason: Option<&str>,
) -> Result<()> {
    let Some(old_parent) = org.parent_id else {
        return Err(Error::rule("市总工会是最上级组织，不能移动"));
    };
    if !org.is_active() {
        return Err(Error::rule(format!("{}已撤销，不能移动", org.name)));
    }
    if old_parent == new_parent_id {
        return Err(Error::invalid("parent_id", "新的上级与现在的上级相同"));
    }
    let parent = load_active(tx, new_parent_id, "parent_id").await?;
    check_no_cycle(org.id, &parent.lineage()).map_err(Error::field("parent_id"))?;
    if !org.kind.may_be_child_of(parent.kind) {
        return Err(Error::invalid(
            "parent_id",
            org.kind.parent_rule_message(parent.kind).0,
        ));
    }
    let open: Option<(i64, NaiveDate)> = tx
        .optional(
            &Query::select()
                .columns([OrgAffiliations::Id, OrgAffiliations::ValidFrom])
                .from(OrgAffiliations::Table)
                .and_where(Expr::col(OrgAffiliations::OrgId).eq(org.id))
                .and_where(Expr::col(OrgAffiliations::ValidTo).is_null())
                .to_owned(),
        )
        .await?;
    if let Some((aid, from)) = open {
        if date < from {
            return Err(Error::invalid(
                "date",
                format!("调整日期不能早于现隶属关系的开始日期 {from}"),
            ));
        }
        tx.execute(
            &Query::update()
                .table(OrgAffiliations::Table)
                .value(OrgAffiliations::ValidTo, date)
                .and_where(Expr::col(OrgAffiliations::Id).eq(aid))
                .to_owned(),
        )
        .await?;
    }
    tx.execute(
        &Query::insert()
            .into_table(OrgAffiliations::Table)
            .columns([
                OrgAffiliations::OrgId,
                OrgAffiliations::ParentId,
                OrgAffiliations::ValidFrom,
                OrgAffiliations::Reason,
            ])
            .values_panic([
                org.id.into(),
                new_parent_id.into(),
                date.into(),
                reason.map(str::to_owned).into(),
            ])
            .to_owned(),
    )
    .await?;
    let new_path = format!("{}{}/", parent.path, org.id);
    let depth_shift = parent.depth + 1 - org.depth;
    let (lo, hi) = subtree_range(&org.path);
    // Rewrite the prefix of every path in the subtree in one statement.
    let old_len = org.path.chars().count() as i64;
    tx.execute(
        &Query::update()
            .table(Orgs::Table)
            // Inlined rather than bound: bound placeholders in custom SQL differ between the
            // engines, and these values are ours (digits and '/'), never user text.
            .value(
                Orgs::Path,
                Expr::cust(format!("'{new_path}' || substr(path, {})", old_len + 1)),
            )
            .value(Orgs::Depth, Expr::cust(format!("depth + ({depth_shift})")))
            .and_where(Expr::col(Orgs::Path).gte(lo))
            .and_where(Expr::col(Orgs::Path).lt(hi))
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::update()
            .table(Orgs::Table)
            .values([
                (Orgs::ParentId, new_parent_id.into()),
                (Orgs::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Orgs::Id).eq(org.id))
            .to_owned(),
    )
    .await?;
    crate::stats::counts::move_subtree(tx, org.id, &org.path, &new_path).await?;
    Ok(())
}

async fn close_in(tx: &mut Tx, id: i64, date: NaiveDate, reason: &str) -> Result<()> {
    tx.execute(
        &Query::update()
            .table(Orgs::Table)
            .values([
                (Orgs::Status, CLOSED.into()),
                (Orgs::ClosedOn, date.into()),
                (Orgs::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Orgs::Id).eq(id))
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::update()
            .table(OrgAffiliations::Table)
            .values([
                (OrgAffiliations::ValidTo, date.into()),
                (OrgAffiliations::Reason, reason.into()),
            ])
            .and_where(Expr::col(OrgAffiliations::OrgId).eq(id))
            .and_where(Expr::col(OrgAffiliations::ValidTo).is_null())
            .to_owned(),
    )
    .await?;
    for (table, to, col) in [
        ("org_guidance", "valid_to", "org_id"),
        ("org_guidance", "valid_to", "guide_id"),
        ("sector_memberships", "valid_to", "member_id"),
        ("sector_memberships", "valid_to", "sector_id"),
    ] {
        tx.execute(
            &Query::update()
                .table(sea_query::Alias::new(table))
                .value(sea_query::Alias::new(to), date)
                .and_where(Expr::col(sea_query::Alias::new(col)).eq(id))
                .and_where(Expr::col(sea_query::Alias::new(to)).is_null())
                .to_owned(),
        )
        .await?;
    }
    crate::stats::counts::refresh_orgs(tx, &[id]).await?;
    Ok(())
}
