//! 演示数据 for the statistics and 逐一摸底: the maintained counts computed once for the
//! generated city (it was written with bulk inserts, not through the services), and 五个清
//! surveys of the larger units without a union in each county, as a township union's staff
//! would record them. Deterministic: the units are taken in order of size and id.

use chrono::{NaiveDate, TimeDelta, Utc};
use gonghui_domain::{NoUnionReason, Ownership};
use sea_query::{Expr, ExprTrait, Order, Query};

use crate::Result;
use crate::db::Tx;
use crate::schema::{UnitSurveys, Units};

/// Surveys per county-level region (the largest units without a union there).
const PER_REGION: usize = 6;

const SURVEYORS: &[&str] = &["王芳、李强", "陈静", "刘洋、赵敏", "张伟", "周丽"];

#[derive(sqlx::FromRow)]
struct Free {
    id: i64,
    region_code: String,
    ownership: String,
    employees: i64,
    women_employees: i64,
    park: Option<String>,
}

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    crate::stats::counts::rebuild(tx).await?;
    let free: Vec<Free> = tx
        .all(
            &Query::select()
                .columns([
                    Units::Id,
                    Units::RegionCode,
                    Units::Ownership,
                    Units::Employees,
                    Units::WomenEmployees,
                    Units::Park,
                ])
                .from(Units::Table)
                .and_where(Expr::col(Units::CoveringOrgId).is_null())
                .and_where(Expr::col(Units::Status).eq("active"))
                .order_by(Units::RegionCode, Order::Asc)
                .order_by(Units::Employees, Order::Desc)
                .order_by(Units::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    let mut per_region: std::collections::HashMap<&str, usize> = Default::default();
    let reasons = NoUnionReason::ALL;
    let mut rows = vec![];
    for (i, u) in free.iter().enumerate() {
        let county = &u.region_code[..u.region_code.len().min(6)];
        let n = per_region.entry(county).or_default();
        if *n >= PER_REGION {
            continue;
        }
        *n += 1;
        let reason = if u.employees < 25 {
            NoUnionReason::FewEmployees
        } else {
            reasons[1 + (u.id as usize + i) % (reasons.len() - 2)]
        };
        let ownership = Ownership::from_code(&u.ownership)
            .map(|o| o.label())
            .unwrap_or("其他");
        let place = u
            .park
            .as_deref()
            .map(|p| format!("主要在{p}厂区，无外设网点"))
            .unwrap_or_else(|| "集中在单位注册地，另有门店或工地1至2处".to_owned());
        let migrant = u.employees * 2 / 5;
        let workforce = format!(
            "职工{}人，其中女职工{}人、农民工约{}人",
            u.employees, u.women_employees, migrant
        );
        let operations = if reason == NoUnionReason::NotOperating {
            "订单减少，部分停产，拖欠社保两个月".to_owned()
        } else {
            format!("{ownership}企业，生产经营正常")
        };
        let investor = match reason {
            NoUnionReason::EmployerReluctant => "负责人顾虑建会增加成本，暂不同意".to_owned(),
            NoUnionReason::Preparing => "负责人支持建会，已推荐工会主席人选".to_owned(),
            _ => "法定代表人为本地人，对建会持观望态度".to_owned(),
        };
        let surveyed_on = as_of - TimeDelta::days(7 + (u.id % 150));
        rows.push((
            u.id,
            surveyed_on,
            i,
            place,
            operations,
            workforce,
            investor,
            reason,
        ));
    }
    for (unit, on, i, place, ops, workforce, investor, reason) in rows {
        tx.execute(
            &Query::insert()
                .into_table(UnitSurveys::Table)
                .columns([
                    UnitSurveys::UnitId,
                    UnitSurveys::SurveyedOn,
                    UnitSurveys::SurveyedBy,
                    UnitSurveys::StaffDistribution,
                    UnitSurveys::Operations,
                    UnitSurveys::Workforce,
                    UnitSurveys::Investor,
                    UnitSurveys::Reason,
                    UnitSurveys::ReasonText,
                    UnitSurveys::RecordedBy,
                    UnitSurveys::CreatedAt,
                ])
                .values_panic([
                    unit.into(),
                    on.into(),
                    SURVEYORS[i % SURVEYORS.len()].into(),
                    place.into(),
                    ops.into(),
                    workforce.into(),
                    investor.into(),
                    reason.code().into(),
                    Option::<String>::None.into(),
                    "system".into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
