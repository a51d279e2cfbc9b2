//! 单位 (`Unit`): the employer directory that coverage is measured against, and coverage
//! (建会/覆盖) of a unit by one grassroots union at a time, with history.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{
    IndustryCode, OrgKind, Ownership, RegionCode, Uscc, check_headcount, search_keys,
};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::orgs::{Org, in_subtree, load_active};
use crate::schema::{Orgs, UnitCoverages, Units};
use crate::{Error, Result, Store};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub region_code: String,
    pub industry_code: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub ownership: Ownership,
    pub employees: i64,
    pub women_employees: i64,
    pub above_scale: bool,
    pub dispatch_agency: bool,
    pub park: Option<String>,
    pub status: String,
    pub covering_org_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitInput {
    pub uscc: Uscc,
    pub name: String,
    pub region: RegionCode,
    pub industry: Option<IndustryCode>,
    pub ownership: Ownership,
    pub employees: i64,
    pub women_employees: i64,
    pub above_scale: bool,
    pub dispatch_agency: bool,
    pub park: Option<String>,
}

impl UnitInput {
    pub(crate) fn check(&self) -> Result<()> {
        let n = self.name.trim().chars().count();
        if !(2..=100).contains(&n) {
            return Err(Error::invalid(
                "name",
                "单位名称应为2至100个字，与营业执照一致",
            ));
        }
        if self.uscc.is_union() {
            return Err(Error::invalid(
                "uscc",
                "这是工会自己的统一社会信用代码（81开头），单位名录中应填写单位（企业、机关事业单位等）的代码",
            ));
        }
        // The employee count alone first, so its error is shown beside its own field.
        check_headcount(self.employees, 0).map_err(Error::field("employees"))?;
        check_headcount(self.employees, self.women_employees)
            .map_err(Error::field("women_employees"))
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Coverage {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

pub(crate) fn select_units() -> SelectStatement {
    Query::select()
        .columns([
            (Units::Table, Units::Id),
            (Units::Table, Units::Uscc),
            (Units::Table, Units::Name),
            (Units::Table, Units::RegionCode),
            (Units::Table, Units::IndustryCode),
            (Units::Table, Units::Ownership),
            (Units::Table, Units::Employees),
            (Units::Table, Units::WomenEmployees),
            (Units::Table, Units::AboveScale),
            (Units::Table, Units::DispatchAgency),
            (Units::Table, Units::Park),
            (Units::Table, Units::Status),
            (Units::Table, Units::CoveringOrgId),
        ])
        .from(Units::Table)
        .to_owned()
}

async fn load(tx: &mut Tx, id: i64) -> Result<Unit> {
    tx.optional(
        &select_units()
            .and_where(Expr::col((Units::Table, Units::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("单位"))
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

async fn ensure_unique(tx: &mut Tx, uscc: &Uscc, except: Option<i64>) -> Result<()> {
    let mut q = select_units()
        .and_where(Expr::col((Units::Table, Units::Uscc)).eq(uscc.as_str()))
        .to_owned();
    if let Some(id) = except {
        q.and_where(Expr::col((Units::Table, Units::Id)).ne(id));
    }
    if tx.optional::<Unit, _>(&q).await?.is_some() {
        return Err(Error::invalid(
            "uscc",
            // The unit may be outside the person's scope, so it is not named; a search by the
            // code finds it for those who may see it.
            format!(
                "统一社会信用代码 {} 已在单位名录中，请勿重复登记（可用此代码查询）",
                uscc.as_str()
            ),
        ));
    }
    Ok(())
}

impl Store {
    /// Add a unit to the directory; when `covering_org` is given the unit is covered by that
    /// grassroots union from today.
    pub async fn create_unit(
        &self,
        actor: &Actor,
        input: UnitInput,
        covering_org: Option<i64>,
    ) -> Result<i64> {
        input.check()?;
        let mut tx = self.begin().await?;
        ensure_unique(&mut tx, &input.uscc, None).await?;
        let keys = search_keys(input.name.trim());
        let now = Utc::now();
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(Units::Table)
                    .columns([
                        Units::Uscc,
                        Units::Name,
                        Units::NamePinyin,
                        Units::NameInitials,
                        Units::RegionCode,
                        Units::IndustryCode,
                        Units::Ownership,
                        Units::Employees,
                        Units::WomenEmployees,
                        Units::AboveScale,
                        Units::DispatchAgency,
                        Units::Park,
                        Units::Status,
                        Units::CreatedAt,
                        Units::UpdatedAt,
                    ])
                    .values_panic([
                        input.uscc.as_str().into(),
                        input.name.trim().into(),
                        keys.full.into(),
                        keys.initials.into(),
                        input.region.as_str().into(),
                        input
                            .industry
                            .as_ref()
                            .map(|i| i.as_str().to_owned())
                            .into(),
                        input.ownership.code().into(),
                        input.employees.into(),
                        input.women_employees.into(),
                        input.above_scale.into(),
                        input.dispatch_agency.into(),
                        input
                            .park
                            .as_ref()
                            .map(|p| p.trim().to_owned())
                            .filter(|p| !p.is_empty())
                            .into(),
                        "active".into(),
                        now.into(),
                        now.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        if let Some(org_id) = covering_org {
            let org = load_active(&mut tx, org_id, "covering_org_id").await?;
            cover_in(&mut tx, id, &org, today(), false).await?;
        }
        crate::stats::counts::refresh_regions(&mut tx, &[input.region.as_str().to_owned()]).await?;
        let unit = load(&mut tx, id).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "unit.create",
            Target::new("unit", Some(id), unit.covering_org_id),
            None,
            Some(&unit),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_unit(&self, actor: &Actor, id: i64, input: UnitInput) -> Result<()> {
        input.check()?;
        let mut tx = self.begin().await?;
        let before = load(&mut tx, id).await?;
        ensure_unique(&mut tx, &input.uscc, Some(id)).await?;
        let keys = search_keys(input.name.trim());
        tx.execute(
            &Query::update()
                .table(Units::Table)
                .values([
                    (Units::Uscc, input.uscc.as_str().into()),
                    (Units::Name, input.name.trim().into()),
                    (Units::NamePinyin, keys.full.into()),
                    (Units::NameInitials, keys.initials.into()),
                    (Units::RegionCode, input.region.as_str().into()),
                    (
                        Units::IndustryCode,
                        input
                            .industry
                            .as_ref()
                            .map(|i| i.as_str().to_owned())
                            .into(),
                    ),
                    (Units::Ownership, input.ownership.code().into()),
                    (Units::Employees, input.employees.into()),
                    (Units::WomenEmployees, input.women_employees.into()),
                    (Units::AboveScale, input.above_scale.into()),
                    (Units::DispatchAgency, input.dispatch_agency.into()),
                    (
                        Units::Park,
                        input
                            .park
                            .as_ref()
                            .map(|p| p.trim().to_owned())
                            .filter(|p| !p.is_empty())
                            .into(),
                    ),
                    (Units::UpdatedAt, Utc::now().into()),
                ])
                .and_where(Expr::col(Units::Id).eq(id))
                .to_owned(),
        )
        .await?;
        let after = load(&mut tx, id).await?;
        let orgs: Vec<i64> = before.covering_org_id.into_iter().collect();
        crate::stats::counts::refresh_orgs(&mut tx, &orgs).await?;
        crate::stats::counts::refresh_regions(
            &mut tx,
            &[before.region_code.clone(), after.region_code.clone()],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "unit.update",
            Target::new("unit", Some(id), after.covering_org_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Cover `unit_id` by grassroots union `org_id` from `date`, ending any earlier coverage.
    pub async fn cover_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        org_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load(&mut tx, unit_id).await?;
        let org = load_active(&mut tx, org_id, "covering_org_id").await?;
        cover_in(&mut tx, unit_id, &org, date.unwrap_or_else(today), true).await?;
        let after = load(&mut tx, unit_id).await?;
        audit::record(
            &mut tx,
            actor,
            "unit.cover",
            Target::new("unit", Some(unit_id), after.covering_org_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    /// End a unit's coverage (its union was dissolved, or it left a joint union).
    pub async fn uncover_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        date: Option<NaiveDate>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before = load(&mut tx, unit_id).await?;
        if before.covering_org_id.is_none() {
            return Err(Error::rule(format!("{}目前没有被工会覆盖", before.name)));
        }
        end_coverage(&mut tx, unit_id, date.unwrap_or_else(today)).await?;
        let after = load(&mut tx, unit_id).await?;
        audit::record(
            &mut tx,
            actor,
            "unit.uncover",
            Target::new("unit", Some(unit_id), before.covering_org_id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await
    }

    pub async fn unit(&self, id: i64) -> Result<Unit> {
        let mut tx = self.read().await?;
        load(&mut tx, id).await
    }

    /// Units covered by one grassroots union.
    pub async fn units_of(&self, org_id: i64, offset: u64, limit: u64) -> Result<Vec<Unit>> {
        let mut tx = self.read().await?;
        tx.all(
            &select_units()
                .and_where(Expr::col((Units::Table, Units::CoveringOrgId)).eq(org_id))
                .order_by((Units::Table, Units::NamePinyin), Order::Asc)
                .limit(limit)
                .offset(offset)
                .to_owned(),
        )
        .await
    }

    /// Units in the directory registered in the org's region without any union covering them.
    pub async fn uncovered_units_in(
        &self,
        org: &Org,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<Unit>> {
        let Some(region) = &org.region_code else {
            return Ok(vec![]);
        };
        let prefix = region.trim_end_matches("00").to_owned();
        let mut tx = self.read().await?;
        tx.all(
            &select_units()
                .and_where(Expr::col((Units::Table, Units::CoveringOrgId)).is_null())
                .and_where(Expr::col((Units::Table, Units::RegionCode)).like(format!("{prefix}%")))
                .order_by((Units::Table, Units::Employees), Order::Desc)
                .limit(limit)
                .offset(offset)
                .to_owned(),
        )
        .await
    }

    pub async fn unit_coverages(&self, unit_id: i64) -> Result<Vec<Coverage>> {
        let mut tx = self.read().await?;
        tx.all(
            &Query::select()
                .columns([
                    (UnitCoverages::Table, UnitCoverages::Id),
                    (UnitCoverages::Table, UnitCoverages::OrgId),
                    (UnitCoverages::Table, UnitCoverages::ValidFrom),
                    (UnitCoverages::Table, UnitCoverages::ValidTo),
                ])
                .expr_as(Expr::col((Orgs::Table, Orgs::Name)), "org_name")
                .expr_as(Expr::col((Orgs::Table, Orgs::Path)), "org_path")
                .from(UnitCoverages::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id))
                        .equals((UnitCoverages::Table, UnitCoverages::OrgId)),
                )
                .and_where(Expr::col((UnitCoverages::Table, UnitCoverages::UnitId)).eq(unit_id))
                .order_by(
                    (UnitCoverages::Table, UnitCoverages::ValidFrom),
                    Order::Desc,
                )
                .order_by((UnitCoverages::Table, UnitCoverages::Id), Order::Desc)
                .to_owned(),
        )
        .await
    }

    /// Count of units covered within an org's subtree (used by pages and tests).
    pub async fn covered_units_in(&self, org: &Org) -> Result<i64> {
        let mut tx = self.read().await?;
        tx.scalar(
            &Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(Units::Table)
                .inner_join(
                    Orgs::Table,
                    Expr::col((Orgs::Table, Orgs::Id)).equals((Units::Table, Units::CoveringOrgId)),
                )
                .and_where(in_subtree(Expr::col((Orgs::Table, Orgs::Path)), &org.path))
                .to_owned(),
        )
        .await
    }
}

async fn end_coverage(tx: &mut Tx, unit_id: i64, date: NaiveDate) -> Result<()> {
    // A back-dated change would leave a history row that ends before it begins.
    let open: Option<(NaiveDate,)> = tx
        .optional(
            &Query::select()
                .column(UnitCoverages::ValidFrom)
                .from(UnitCoverages::Table)
                .and_where(Expr::col(UnitCoverages::UnitId).eq(unit_id))
                .and_where(Expr::col(UnitCoverages::ValidTo).is_null())
                .to_owned(),
        )
        .await?;
    if let Some((from,)) = open
        && date < from
    {
        return Err(Error::invalid(
            "date",
            format!("日期不能早于现覆盖关系的开始日期 {from}"),
        ));
    }
    tx.execute(
        &Query::update()
            .table(UnitCoverages::Table)
            .value(UnitCoverages::ValidTo, date)
            .and_where(Expr::col(UnitCoverages::UnitId).eq(unit_id))
            .and_where(Expr::col(UnitCoverages::ValidTo).is_null())
            .to_owned(),
    )
    .await?;
    let was: Option<(Option<i64>, String)> = tx
        .optional(
            &Query::select()
                .columns([Units::CoveringOrgId, Units::RegionCode])
                .from(Units::Table)
                .and_where(Expr::col(Units::Id).eq(unit_id))
                .to_owned(),
        )
        .await?;
    tx.execute(
        &Query::update()
            .table(Units::Table)
            .values([
                (Units::CoveringOrgId, Option::<i64>::None.into()),
                (Units::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Units::Id).eq(unit_id))
            .to_owned(),
    )
    .await?;
    if let Some((org, region)) = was {
        let orgs: Vec<i64> = org.into_iter().collect();
        crate::stats::counts::refresh_orgs(tx, &orgs).await?;
        crate::stats::counts::refresh_regions(tx, &[region]).await?;
    }
    Ok(())
}

/// Make `org` the covering union of `unit_id` from `date`. With `replace`, an existing
/// coverage by another union is ended first; without it, an existing coverage is refused.
pub(crate) async fn cover_in(
    tx: &mut Tx,
    unit_id: i64,
    org: &Org,
    date: NaiveDate,
    replace: bool,
) -> Result<()> {
    if org.kind != OrgKind::Grassroots {
        return Err(Error::invalid(
            "covering_org_id",
            format!(
                "{}是{}，只有基层工会可以覆盖单位",
                org.name,
                org.kind.label()
            ),
        ));
    }
    let unit = load(tx, unit_id).await?;
    if unit.covering_org_id == Some(org.id) {
        return Err(Error::invalid(
            "covering_org_id",
            format!("{}已由{}覆盖", unit.name, org.name),
        ));
    }
    if let Some(max) = org.grassroots_kind().and_then(|g| g.max_units()) {
        let n = tx
            .scalar(
                &Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from(Units::Table)
                    .and_where(Expr::col(Units::CoveringOrgId).eq(org.id))
                    .to_owned(),
            )
            .await?;
        if n as usize >= max {
            return Err(Error::invalid(
                "covering_org_id",
                format!(
                    "{}是{}，只能覆盖{}个单位；多个小微单位共建请使用联合基层工会",
                    org.name,
                    org.kind_label(),
                    max
                ),
            ));
        }
    }
    if unit.covering_org_id.is_some() {
        if !replace {
            return Err(Error::invalid(
                "covering_org_id",
                format!("{}已被其他工会覆盖", unit.name),
            ));
        }
        end_coverage(tx, unit_id, date).await?;
    }
    tx.execute(
        &Query::insert()
            .into_table(UnitCoverages::Table)
            .columns([
                UnitCoverages::UnitId,
                UnitCoverages::OrgId,
                UnitCoverages::ValidFrom,
            ])
            .values_panic([unit_id.into(), org.id.into(), date.into()])
            .to_owned(),
    )
    .await?;
    tx.execute(
        &Query::update()
            .table(Units::Table)
            .values([
                (Units::CoveringOrgId, org.id.into()),
                (Units::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(Units::Id).eq(unit_id))
            .to_owned(),
    )
    .await?;
    crate::stats::counts::refresh_orgs(tx, &[org.id]).await?;
    crate::stats::counts::refresh_regions(tx, std::slice::from_ref(&unit.region_code)).await?;
    Ok(())
}
