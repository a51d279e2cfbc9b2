//! 演示数据 for 行业工会联合会: the demo city's sector federations get their trade, charter and
//! legal-person date, and their union committees are made of member unions' chairs or elected
//! representatives (代表制), one of them already substituted once (委员替补), so the sector
//! pages show what seeds 000 and 002 describe. Deterministic: everything follows from the rows
//! the generator wrote.

use chrono::{NaiveDate, TimeDelta, Utc};
use gonghui_domain::{CommitteeKind, OfficerSource, OrgKind, Sector};
use sea_query::{Expr, ExprTrait, Order, Query};

use crate::Result;
use crate::db::Tx;
use crate::schema::{Officers, Orgs, SectorFederations, SectorMemberships};

/// Who took over a seat in the one substitution of the demo.
const SUBSTITUTE: &str = "陈志远";

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let feds: Vec<(i64, String, Option<NaiveDate>, Option<String>)> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::Name, Orgs::FoundedOn, Orgs::LegalPersonCert])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Kind).eq(OrgKind::SectorFederation.code()))
                .and_where(Expr::col(Orgs::Status).eq("active"))
                .order_by(Orgs::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    let mut substituted = false;
    for (id, name, founded, cert) in feds {
        let Some(sector) = Sector::detect(&name) else {
            continue;
        };
        let formed = founded.unwrap_or(as_of);
        let registered = cert
            .as_ref()
            .map(|_| std::cmp::min(formed + TimeDelta::days(60), as_of));
        tx.execute(
            &Query::insert()
                .into_table(SectorFederations::Table)
                .columns([
                    SectorFederations::OrgId,
                    SectorFederations::Sector,
                    SectorFederations::FormedOn,
                    SectorFederations::TermYears,
                    SectorFederations::CharterTitle,
                    SectorFederations::CharterAdoptedOn,
                    SectorFederations::LegalRegisteredOn,
                    SectorFederations::CreatedAt,
                ])
                .values_panic([
                    id.into(),
                    sector.code().into(),
                    formed.into(),
                    5i64.into(),
                    format!("{name}章程").into(),
                    formed.into(),
                    registered.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;

        let members: Vec<(i64,)> = tx
            .all(
                &Query::select()
                    .column(SectorMemberships::MemberId)
                    .from(SectorMemberships::Table)
                    .and_where(Expr::col(SectorMemberships::SectorId).eq(id))
                    .and_where(Expr::col(SectorMemberships::ValidTo).is_null())
                    .order_by(SectorMemberships::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        if members.is_empty() {
            continue;
        }
        let seats: Vec<(i64, String, Option<NaiveDate>, Option<NaiveDate>)> = tx
            .all(
                &Query::select()
                    .columns([
                        Officers::Id,
                        Officers::Role,
                        Officers::TermStart,
                        Officers::TermEnd,
                    ])
                    .from(Officers::Table)
                    .and_where(Expr::col(Officers::OrgId).eq(id))
                    .and_where(
                        Expr::col(Officers::Committee).eq(CommitteeKind::UnionCommittee.code()),
                    )
                    .and_where(Expr::col(Officers::LeftOn).is_null())
                    .order_by_expr(
                        Expr::cust("CASE role WHEN 'chair' THEN 0 WHEN 'executive_vice_chair' THEN 1 WHEN 'vice_chair' THEN 2 ELSE 3 END"),
                        Order::Asc,
                    )
                    .order_by(Officers::Id, Order::Asc)
                    .to_owned(),
            )
            .await?;
        for (i, (officer, role, start, end)) in seats.iter().enumerate() {
            let member = members[i % members.len()].0;
            let chair: Option<(String,)> = if i < members.len() {
                tx.optional(
                    &Query::select()
                        .column(Officers::Name)
                        .from(Officers::Table)
                        .and_where(Expr::col(Officers::OrgId).eq(member))
                        .and_where(
                            Expr::col(Officers::Committee).eq(CommitteeKind::UnionCommittee.code()),
                        )
                        .and_where(Expr::col(Officers::Role).eq("chair"))
                        .and_where(Expr::col(Officers::LeftOn).is_null())
                        .order_by(Officers::Id, Order::Desc)
                        .limit(1)
                        .to_owned(),
                )
                .await?
            } else {
                None
            };
            let mut update = Query::update();
            update
                .table(Officers::Table)
                .value(Officers::RepresentsOrgId, member)
                .and_where(Expr::col(Officers::Id).eq(*officer));
            match chair {
                Some((chair,)) => {
                    update
                        .value(Officers::Source, OfficerSource::MemberChair.code())
                        .value(Officers::Name, chair);
                }
                None => {
                    update.value(Officers::Source, OfficerSource::ElectedRep.code());
                }
            }
            tx.execute(&update).await?;

            // One substitution, so the history of 委员替补 has something to show.
            let on = as_of - TimeDelta::days(90);
            if !substituted
                && i == 1
                && start.is_some_and(|s| s < on)
                && end.is_some_and(|e| e > as_of)
            {
                substituted = true;
                tx.execute(
                    &Query::update()
                        .table(Officers::Table)
                        .value(Officers::LeftOn, on)
                        .and_where(Expr::col(Officers::Id).eq(*officer))
                        .to_owned(),
                )
                .await?;
                tx.execute(
                    &Query::insert()
                        .into_table(Officers::Table)
                        .columns([
                            Officers::OrgId,
                            Officers::Committee,
                            Officers::Role,
                            Officers::Name,
                            Officers::FullTime,
                            Officers::TermStart,
                            Officers::TermEnd,
                            Officers::Source,
                            Officers::RepresentsOrgId,
                        ])
                        .values_panic([
                            id.into(),
                            CommitteeKind::UnionCommittee.code().into(),
                            role.clone().into(),
                            SUBSTITUTE.into(),
                            false.into(),
                            on.into(),
                            (*end).into(),
                            OfficerSource::ElectedRep.code().into(),
                            member.into(),
                        ])
                        .to_owned(),
                )
                .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::demo::{Scale, generate_as_of};

    #[tokio::test]
    async fn demo_federations_follow_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        generate_as_of(&store, Scale::Small, 42, as_of)
            .await
            .unwrap();
        let mut tx = store.read().await.unwrap();
        let number = |sql: &str| Query::select().expr(Expr::cust(sql.to_owned())).to_owned();
        let feds = tx
            .scalar(&number(
                "COUNT(*) FROM orgs WHERE kind = 'sector_federation' AND status = 'active'",
            ))
            .await
            .unwrap();
        assert!(feds >= 3, "{feds}");
        let profiles = tx
            .scalar(&number("COUNT(*) FROM sector_federations"))
            .await
            .unwrap();
        assert_eq!(profiles, feds, "every demo federation has its trade");
        // 代表制: every current committee member represents a current member union.
        let stray = tx
            .scalar(&number(
                "COUNT(*) FROM officers o JOIN orgs f ON f.id = o.org_id \
                 WHERE f.kind = 'sector_federation' AND o.committee = 'union_committee' \
                 AND o.left_on IS NULL AND NOT EXISTS (SELECT 1 FROM sector_memberships m \
                 WHERE m.sector_id = f.id AND m.member_id = o.represents_org_id AND m.valid_to IS NULL)",
            ))
            .await
            .unwrap();
        assert_eq!(stray, 0);
        let substituted = tx
            .scalar(&number(
                "COUNT(*) FROM officers o JOIN orgs f ON f.id = o.org_id \
                 WHERE f.kind = 'sector_federation' AND o.left_on IS NOT NULL",
            ))
            .await
            .unwrap();
        assert_eq!(substituted, 1, "one 委员替补 in the history");
    }
}
