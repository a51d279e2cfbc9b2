//! 五个清 surveys (逐一摸底): what a federation learns visiting a unit without a union —
//! 人员分布区域、经营运行情况、职工队伍情况、出资人（负责人）情况、未组建工会原因 (seed 001).
//! Every survey is kept; the latest one is what the worklist shows.

use chrono::{NaiveDate, Utc};
use gonghui_domain::{NoUnionReason, SurveyInput, check_survey};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::schema::{UnitSurveys, Units};
use crate::{Error, Result, Store};

/// One recorded survey.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UnitSurvey {
    pub id: i64,
    pub unit_id: i64,
    pub surveyed_on: NaiveDate,
    pub surveyed_by: String,
    pub staff_distribution: String,
    pub operations: String,
    pub workforce: String,
    pub investor: String,
    pub reason: String,
    pub reason_text: Option<String>,
    pub recorded_by: String,
}

impl UnitSurvey {
    pub fn reason_label(&self) -> &'static str {
        NoUnionReason::from_code(&self.reason)
            .map(|r| r.label())
            .unwrap_or("")
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn trimmed(s: &str) -> String {
    s.trim().to_owned()
}

impl Store {
    /// Record a 五个清 survey of a unit without a union. Refused (nothing written) when the
    /// input breaks a rule of `check_survey`, or when the unit has a union or is closed.
    pub async fn record_survey(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: SurveyInput,
    ) -> Result<i64> {
        check_survey(&input, today()).map_err(|(field, e)| Error::invalid(field, e.0))?;
        let mut tx = self.begin().await?;
        let unit: Option<(String, Option<i64>, String)> = tx
            .optional(
                &Query::select()
                    .columns([Units::Name, Units::CoveringOrgId, Units::Status])
                    .from(Units::Table)
                    .and_where(Expr::col(Units::Id).eq(unit_id))
                    .to_owned(),
            )
            .await?;
        let Some((name, covering, status)) = unit else {
            return Err(Error::NotFound("单位"));
        };
        if covering.is_some() {
            return Err(Error::rule(format!(
                "{name}已经建会（由基层工会覆盖），五个清摸底只针对未建会单位"
            )));
        }
        if status != "active" {
            return Err(Error::rule(format!(
                "{name}已注销，不在单位名录中，不需要摸底"
            )));
        }
        let reason_text = input
            .reason_text
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let id = tx
            .insert_id(
                Query::insert()
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
                        unit_id.into(),
                        input.surveyed_on.into(),
                        trimmed(&input.surveyed_by).into(),
                        trimmed(&input.staff_distribution).into(),
                        trimmed(&input.operations).into(),
                        trimmed(&input.workforce).into(),
                        trimmed(&input.investor).into(),
                        input.reason.code().into(),
                        reason_text.clone().into(),
                        actor.name.clone().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        #[derive(Serialize)]
        struct Entry<'a> {
            unit: &'a str,
            surveyed_on: NaiveDate,
            surveyed_by: &'a str,
            reason: &'static str,
            reason_text: Option<&'a str>,
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "unit.survey",
            Target::new("unit", Some(unit_id), None),
            None,
            Some(&Entry {
                unit: &name,
                surveyed_on: input.surveyed_on,
                surveyed_by: input.surveyed_by.trim(),
                reason: input.reason.code(),
                reason_text: reason_text.as_deref(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every survey of a unit, newest first.
    pub async fn unit_surveys(&self, unit_id: i64) -> Result<Vec<UnitSurvey>> {
        let mut tx = self.read().await?;
        tx.all(
            &Query::select()
                .columns([
                    UnitSurveys::Id,
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
                ])
                .from(UnitSurveys::Table)
                .and_where(Expr::col(UnitSurveys::UnitId).eq(unit_id))
                .order_by(UnitSurveys::SurveyedOn, Order::Desc)
                .order_by(UnitSurveys::Id, Order::Desc)
                .to_owned(),
        )
        .await
    }
}
