//! Writes a [`Plan`] with multi-row INSERTs: a few hundred rows per statement, ids given
//! explicitly where other rows refer to them, all inside the caller's transaction. Going
//! through the per-record services would cost one transaction per row (hours at city scale).

use chrono::{DateTime, Utc};
use gonghui_domain::{Sex, UnitStatus, search_keys};
use sea_query::{Expr, InsertStatement, IntoIden, IntoTableRef, Query};

use super::plan::Plan;
use crate::db::Tx;
use crate::orgs::{ACTIVE, CLOSED};
use crate::schema::{
    Committees, Members, Memberships, Officers, OrgAffiliations, OrgGuidance, Orgs,
    SectorMemberships, UnitCoverages, Units,
};
use crate::{Engine, Result};

/// SQLite allows 32,766 bound parameters per statement (PostgreSQL 65,535); stay well below.
const MAX_PARAMS: usize = 30_000;
/// Beyond a few hundred rows per statement the gain is nil and the SQL text just grows.
const MAX_ROWS: usize = 500;

/// Insert `rows` into `table`, `MAX_ROWS` (or fewer, for wide tables) per statement.
async fn insert_all<T, C>(
    tx: &mut Tx,
    table: T,
    cols: &[C],
    rows: impl IntoIterator<Item = Vec<Expr>>,
) -> Result<u64>
where
    T: IntoTableRef + Clone,
    C: IntoIden + Clone,
{
    let per = (MAX_PARAMS / cols.len()).clamp(1, MAX_ROWS);
    let fresh = || {
        Query::insert()
            .into_table(table.clone())
            .columns(cols.iter().cloned())
            .to_owned()
    };
    let mut stmt: InsertStatement = fresh();
    let (mut pending, mut written) = (0usize, 0u64);
    for row in rows {
        debug_assert_eq!(row.len(), cols.len());
        stmt.values_panic(row);
        pending += 1;
        if pending == per {
            written += tx.execute(&stmt).await?;
            stmt = fresh();
            pending = 0;
        }
    }
    if pending > 0 {
        written += tx.execute(&stmt).await?;
    }
    Ok(written)
}

pub async fn write(tx: &mut Tx, plan: &Plan) -> Result<()> {
    let now: DateTime<Utc> = Utc::now();

    insert_all(
        tx,
        Orgs::Table,
        &[
            Orgs::Id,
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
            Orgs::ClosedOn,
            Orgs::CreatedAt,
            Orgs::UpdatedAt,
        ],
        plan.orgs.iter().map(|o| {
            let keys = search_keys(&o.name);
            vec![
                o.id.into(),
                o.kind.code().into(),
                o.sub_kind.map(str::to_owned).into(),
                o.name.clone().into(),
                o.short_name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                o.region_code.map(str::to_owned).into(),
                o.industry_code.map(str::to_owned).into(),
                Some(o.founded_on).into(),
                o.uscc.clone().into(),
                o.legal_person_cert.clone().into(),
                o.independent_account.into(),
                o.address.clone().into(),
                o.contact_person.clone().into(),
                o.contact_phone.clone().into(),
                o.parent_id.into(),
                o.path.clone().into(),
                o.depth.into(),
                if o.closed_on.is_some() {
                    CLOSED
                } else {
                    ACTIVE
                }
                .into(),
                o.closed_on.into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        OrgAffiliations::Table,
        &[
            OrgAffiliations::OrgId,
            OrgAffiliations::ParentId,
            OrgAffiliations::ValidFrom,
            OrgAffiliations::ValidTo,
            OrgAffiliations::Reason,
        ],
        plan.affiliations.iter().map(|a| {
            vec![
                a.org_id.into(),
                a.parent_id.into(),
                a.valid_from.into(),
                a.valid_to.into(),
                a.reason.clone().into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        OrgGuidance::Table,
        &[
            OrgGuidance::GuideId,
            OrgGuidance::OrgId,
            OrgGuidance::ValidFrom,
        ],
        plan.guidance
            .iter()
            .map(|l| vec![l.upper.into(), l.lower.into(), l.valid_from.into()]),
    )
    .await?;

    insert_all(
        tx,
        SectorMemberships::Table,
        &[
            SectorMemberships::SectorId,
            SectorMemberships::MemberId,
            SectorMemberships::ValidFrom,
        ],
        plan.sector_members
            .iter()
            .map(|l| vec![l.upper.into(), l.lower.into(), l.valid_from.into()]),
    )
    .await?;

    insert_all(
        tx,
        Committees::Table,
        &[
            Committees::OrgId,
            Committees::Kind,
            Committees::EstablishedOn,
        ],
        plan.committees.iter().map(|c| {
            vec![
                c.org_id.into(),
                c.kind.code().into(),
                Some(c.established_on).into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        Officers::Table,
        &[
            Officers::OrgId,
            Officers::Committee,
            Officers::Role,
            Officers::Name,
            Officers::FullTime,
            Officers::TermStart,
            Officers::TermEnd,
            Officers::Phone,
            Officers::LeftOn,
        ],
        plan.officers.iter().map(|o| {
            vec![
                o.org_id.into(),
                o.committee.code().into(),
                o.role.code().into(),
                o.name.clone().into(),
                o.full_time.into(),
                Some(o.term_start).into(),
                Some(o.term_end).into(),
                o.phone.clone().into(),
                o.left_on.into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        Units::Table,
        &[
            Units::Id,
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
            Units::CoveringOrgId,
            Units::CreatedAt,
            Units::UpdatedAt,
        ],
        plan.units.iter().map(|u| {
            let keys = search_keys(&u.name);
            let status = if u.closed {
                UnitStatus::Closed
            } else {
                UnitStatus::Active
            };
            let covering = if u.closed { None } else { u.covering_org_id };
            vec![
                u.id.into(),
                u.uscc.clone().into(),
                u.name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                u.region_code.into(),
                u.industry_code.map(str::to_owned).into(),
                u.ownership.code().into(),
                u.employees.into(),
                u.women_employees.into(),
                u.above_scale.into(),
                u.dispatch_agency.into(),
                u.park.clone().into(),
                status.code().into(),
                covering.into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        UnitCoverages::Table,
        &[
            UnitCoverages::UnitId,
            UnitCoverages::OrgId,
            UnitCoverages::ValidFrom,
            UnitCoverages::ValidTo,
        ],
        plan.coverages.iter().map(|c| {
            vec![
                c.unit_id.into(),
                c.org_id.into(),
                c.valid_from.into(),
                c.valid_to.into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        Members::Table,
        &[
            Members::Id,
            Members::IdNumber,
            Members::Name,
            Members::NamePinyin,
            Members::NameInitials,
            Members::Sex,
            Members::BirthDate,
            Members::Phone,
            Members::Ethnicity,
            Members::Education,
            Members::MigrantWorker,
            Members::DispatchedWorker,
            Members::NewEmploymentGroup,
            Members::JoinDate,
            Members::JoinMethod,
            Members::Status,
            Members::OrgId,
            Members::CreatedAt,
            Members::UpdatedAt,
        ],
        plan.members.iter().map(|m| {
            let keys = search_keys(&m.name);
            let sex = if m.female { Sex::Female } else { Sex::Male };
            vec![
                m.id.into(),
                m.id_number.clone().into(),
                m.name.clone().into(),
                keys.full.into(),
                keys.initials.into(),
                sex.code().into(),
                m.birth_date.into(),
                m.phone.clone().into(),
                m.ethnicity.into(),
                m.education.map(|e| e.code().to_owned()).into(),
                m.migrant_worker.into(),
                m.dispatched_worker.into(),
                m.new_employment_group.map(|g| g.code().to_owned()).into(),
                m.join_date.into(),
                m.join_method.code().into(),
                m.status.code().into(),
                Some(m.org_id).into(),
                now.into(),
                now.into(),
            ]
        }),
    )
    .await?;

    insert_all(
        tx,
        Memberships::Table,
        &[
            Memberships::MemberId,
            Memberships::OrgId,
            Memberships::ValidFrom,
            Memberships::ValidTo,
            Memberships::EndReason,
        ],
        plan.memberships.iter().map(|m| {
            vec![
                m.member_id.into(),
                m.org_id.into(),
                m.valid_from.into(),
                m.valid_to.into(),
                m.end_reason.clone().into(),
            ]
        }),
    )
    .await?;

    if tx.engine() == Engine::Postgres {
        // Rows were given explicit ids; move the identity sequences past them so the next
        // row added through the application does not collide.
        for table in ["orgs", "units", "members"] {
            let sql = format!(
                "setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            );
            tx.execute(&Query::select().expr(Expr::cust(sql)).to_owned())
                .await?;
        }
    }
    Ok(())
}
