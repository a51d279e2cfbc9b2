//! 演示数据 for the city's instruments: agreements with the chairs of most non-public
//! enterprises of 100 or more employees (a few ended, yearly assessments), a lawyer vice-chair
//! in most county federations (two still lacking one), the 四个到位 of the 开发区 unions (the
//! city's 开发区 complete and subsidised, the others short of something), and 双亮 checks of
//! most large enterprises' unions. Deterministic: every choice follows from the generated ids
//! and `as_of`, so the same city gives the same rows.

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Utc};
use gonghui_domain::{
    AreaKind, AssessmentResult, ChairSelection, CommitteeKind, FourItem, OfficerRole,
    OfficerSource, OrgKind,
};
use sea_query::{Expr, ExprTrait, Order, Query};

use crate::Result;
use crate::db::Tx;
use crate::instruments::{chair_units, dual_units};
use crate::schema::{
    ChairAgreements, ChairAssessments, DualDisplays, LawyerAppointments, Officers, Orgs,
    ParkFourItems, ParkSubsidies,
};

const LAWYERS: &[(&str, &str)] = &[
    ("王立法", "湖北楚天律师事务所"),
    ("陈公正", "湖北荆楚律师事务所"),
    ("刘明德", "湖北江汉律师事务所"),
    ("张慧敏", "湖北三峡律师事务所"),
    ("赵维权", "湖北荆江律师事务所"),
    ("周法宁", "湖北沙市律师事务所"),
    ("孙雅琴", "湖北石首律师事务所"),
    ("李正义", "湖北洪湖律师事务所"),
    ("吴秉公", "湖北监利律师事务所"),
    ("郑和平", "湖北松滋律师事务所"),
];

fn months_back(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(m)).unwrap_or(d)
}

pub(crate) async fn fill(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let root: Option<(i64, String)> = tx
        .optional(
            &Query::select()
                .columns([Orgs::Id, Orgs::Path])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::ParentId).is_null())
                .to_owned(),
        )
        .await?;
    let Some((_, root_path)) = root else {
        return Ok(());
    };
    chair_agreements(tx, &root_path, as_of).await?;
    lawyers(tx, as_of).await?;
    parks(tx, as_of).await?;
    dual_displays(tx, &root_path, as_of).await?;
    Ok(())
}

/// Agreements for about four in five of the unions of eligible enterprises; one in twelve of
/// those ended early (the chair left) with no successor yet.
async fn chair_agreements(tx: &mut Tx, root_path: &str, as_of: NaiveDate) -> Result<()> {
    let units = chair_units(tx, root_path, 100, as_of).await?;
    let mut unions: Vec<(i64, i64)> = units.iter().map(|u| (u.org_id, u.employees)).collect();
    unions.sort();
    unions.dedup_by_key(|u| u.0);
    let chairs: Vec<(i64, String)> = tx
        .all(
            &Query::select()
                .columns([Officers::OrgId, Officers::Name])
                .from(Officers::Table)
                .and_where(Expr::col(Officers::Role).eq(OfficerRole::Chair.code()))
                .and_where(Expr::col(Officers::LeftOn).is_null())
                .and_where(
                    Expr::col(Officers::OrgId)
                        .is_in(unions.iter().map(|u| u.0).collect::<Vec<_>>()),
                )
                .order_by(Officers::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    for (org_id, employees) in unions {
        if org_id % 5 == 0 {
            continue;
        }
        let Some((_, chair)) = chairs.iter().find(|c| c.0 == org_id) else {
            continue;
        };
        // Signed 1 to 34 months ago, for three years.
        let start = months_back(as_of, 1 + (org_id % 34) as u32)
            .with_day(1)
            .unwrap_or(as_of);
        let end = start
            .checked_add_months(Months::new(36))
            .map(|d| d - TimeDelta::days(1))
            .unwrap_or(start);
        let selection = match org_id % 7 {
            0 | 1 => ChairSelection::Dispatched,
            2 => ChairSelection::Hired,
            3 => ChairSelection::Recommended,
            _ => ChairSelection::Elected,
        };
        let allowance: i64 = match employees {
            0..=199 => 50_000,
            200..=499 => 80_000,
            _ => 120_000,
        };
        let ended =
            (org_id % 12 == 1 && start < months_back(as_of, 3)).then(|| months_back(as_of, 2));
        let id = tx
            .insert_id(
                Query::insert()
                    .into_table(ChairAgreements::Table)
                    .columns([
                        ChairAgreements::OrgId,
                        ChairAgreements::ChairName,
                        ChairAgreements::Selection,
                        ChairAgreements::StartOn,
                        ChairAgreements::EndOn,
                        ChairAgreements::MonthlyAllowanceFen,
                        ChairAgreements::EndedOn,
                        ChairAgreements::EndReason,
                        ChairAgreements::CreatedAt,
                    ])
                    .values_panic([
                        org_id.into(),
                        chair.clone().into(),
                        selection.code().into(),
                        start.into(),
                        end.into(),
                        allowance.into(),
                        ended.into(),
                        ended.map(|_| "工会主席离任").into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        // Assessed for each full year served before this one.
        for year in start.year()..as_of.year() {
            if ended.is_some_and(|e| year > e.year()) {
                break;
            }
            let result = match (org_id + i64::from(year)) % 10 {
                0..=2 => AssessmentResult::Excellent,
                9 => AssessmentResult::BasicallyCompetent,
                _ => AssessmentResult::Competent,
            };
            tx.execute(
                &Query::insert()
                    .into_table(ChairAssessments::Table)
                    .columns([
                        ChairAssessments::AgreementId,
                        ChairAssessments::Year,
                        ChairAssessments::Result,
                        ChairAssessments::CreatedAt,
                    ])
                    .values_panic([
                        id.into(),
                        i64::from(year).into(),
                        result.code().into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
    }
    Ok(())
}

/// A lawyer vice-chair in every county federation but the last two (by name), which still
/// have to appoint one.
async fn lawyers(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let counties: Vec<(i64, Option<String>)> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::RegionCode])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Kind).eq(OrgKind::CountyFederation.code()))
                .and_where(Expr::col(Orgs::Status).eq("active"))
                .order_by(Orgs::NamePinyin, Order::Asc)
                .to_owned(),
        )
        .await?;
    let serving = counties.len().saturating_sub(2);
    for (i, (county, region)) in counties.into_iter().take(serving).enumerate() {
        let (name, firm) = LAWYERS[i % LAWYERS.len()];
        let appointed = months_back(as_of, 6 + (i as u32 * 5) % 20);
        let term_end = appointed
            .checked_add_months(Months::new(36))
            .unwrap_or(appointed);
        let region = region.unwrap_or_else(|| "421000".into());
        let cert = format!(
            "1{}{}{:08}",
            &region[..4],
            appointed.year() - 6,
            10_230 + i * 7
        );
        let document = format!("荆工发〔{}〕{}号", appointed.year(), 10 + i);
        let phone = format!("139{:08}", 7_161_200 + i * 37);
        let officer = tx
            .insert_id(
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
                    ])
                    .values_panic([
                        county.into(),
                        CommitteeKind::UnionCommittee.code().into(),
                        OfficerRole::ViceChair.code().into(),
                        name.into(),
                        false.into(),
                        appointed.into(),
                        term_end.into(),
                        phone.clone().into(),
                        OfficerSource::Lawyer.code().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        tx.execute(
            &Query::insert()
                .into_table(LawyerAppointments::Table)
                .columns([
                    LawyerAppointments::OrgId,
                    LawyerAppointments::OfficerId,
                    LawyerAppointments::Name,
                    LawyerAppointments::LawFirm,
                    LawyerAppointments::CertNo,
                    LawyerAppointments::DocumentNo,
                    LawyerAppointments::AppointedOn,
                    LawyerAppointments::TermEnd,
                    LawyerAppointments::Phone,
                    LawyerAppointments::CreatedAt,
                ])
                .values_panic([
                    county.into(),
                    officer.into(),
                    name.into(),
                    firm.into(),
                    cert.into(),
                    document.into(),
                    appointed.into(),
                    term_end.into(),
                    phone.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// The city's 开发区 union has all four and two years of subsidy; the township-level parks
/// lack 基本经费 (and every other one also 干部配备).
async fn parks(tx: &mut Tx, as_of: NaiveDate) -> Result<()> {
    let parks: Vec<(i64, i64)> = tx
        .all(
            &Query::select()
                .columns([Orgs::Id, Orgs::Depth])
                .from(Orgs::Table)
                .and_where(Expr::col(Orgs::Kind).eq(OrgKind::AreaFederation.code()))
                .and_where(Expr::col(Orgs::SubKind).eq(AreaKind::DevelopmentZone.code()))
                .and_where(Expr::col(Orgs::Status).eq("active"))
                .order_by(Orgs::Id, Order::Asc)
                .to_owned(),
        )
        .await?;
    let checked_on = months_back(as_of, 2);
    for (n, (park, depth)) in parks.into_iter().enumerate() {
        let main = depth == 1;
        for item in FourItem::ALL {
            let in_place = match item {
                _ if main => true,
                FourItem::Funds => false,
                FourItem::Cadres => n % 2 == 0,
                _ => true,
            };
            let evidence = match (item, in_place) {
                (FourItem::Organization, true) => {
                    "党工委批复设立工会工作机构（荆开工委〔2021〕8号）"
                }
                (FourItem::Office, true) => "管委会办公楼内独立办公室一间，职工活动室一处",
                (FourItem::Cadres, true) => "专职工会主席1名、专职干事2名",
                (FourItem::Funds, true) => "管委会年度预算安排工会工作经费",
                (FourItem::Cadres, false) => "仅有兼职干事1名，专职干部尚未配备",
                (_, false) => "年度预算尚未安排工会工作经费",
            };
            tx.execute(
                &Query::insert()
                    .into_table(ParkFourItems::Table)
                    .columns([
                        ParkFourItems::OrgId,
                        ParkFourItems::Item,
                        ParkFourItems::InPlace,
                        ParkFourItems::Evidence,
                        ParkFourItems::CheckedOn,
                        ParkFourItems::CheckedBy,
                        ParkFourItems::UpdatedAt,
                    ])
                    .values_panic([
                        park.into(),
                        item.code().into(),
                        in_place.into(),
                        evidence.into(),
                        checked_on.into(),
                        "荆州市总工会组织部".into(),
                        Utc::now().into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        if main {
            for back in [2, 1] {
                let year = as_of.year() - back;
                tx.execute(
                    &Query::insert()
                        .into_table(ParkSubsidies::Table)
                        .columns([
                            ParkSubsidies::OrgId,
                            ParkSubsidies::Year,
                            ParkSubsidies::AmountFen,
                            ParkSubsidies::DecidedOn,
                            ParkSubsidies::DocumentNo,
                            ParkSubsidies::CreatedAt,
                        ])
                        .values_panic([
                            park.into(),
                            i64::from(year).into(),
                            5_000_000i64.into(),
                            NaiveDate::from_ymd_opt(year, 6, 30).unwrap_or(as_of).into(),
                            format!("鄂工发〔{year}〕30号").into(),
                            Utc::now().into(),
                        ])
                        .to_owned(),
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// 双亮 checked in most unions of enterprises of 100 or more: about four in five of those show
/// all three, so some counties reach the 90% target and some do not.
async fn dual_displays(tx: &mut Tx, root_path: &str, as_of: NaiveDate) -> Result<()> {
    let units = dual_units(tx, root_path, 100).await?;
    let mut unions: Vec<i64> = units.iter().map(|u| u.org_id).collect();
    unions.sort();
    unions.dedup();
    for org_id in unions {
        if org_id % 17 == 0 {
            continue;
        }
        let (sign, identity, deeds) = match org_id % 6 {
            3 => (true, true, false),
            _ if org_id % 11 == 5 => (true, false, false),
            _ => (true, true, true),
        };
        let checked_on = months_back(as_of, 1 + (org_id % 9) as u32);
        tx.execute(
            &Query::insert()
                .into_table(DualDisplays::Table)
                .columns([
                    DualDisplays::OrgId,
                    DualDisplays::Sign,
                    DualDisplays::Identity,
                    DualDisplays::Deeds,
                    DualDisplays::CheckedOn,
                    DualDisplays::CheckedBy,
                    DualDisplays::UpdatedAt,
                ])
                .values_panic([
                    org_id.into(),
                    sign.into(),
                    identity.into(),
                    deeds.into(),
                    checked_on.into(),
                    "上级工会组织部".into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::demo::{Scale, generate_as_of};

    /// The demo pages have something to show, and the demo rows keep the instruments' rules.
    #[tokio::test]
    async fn demo_instruments_follow_the_rules() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
        store.migrate().await.unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        generate_as_of(&store, Scale::Small, 42, as_of)
            .await
            .unwrap();
        let root = store.root().await.unwrap().unwrap();

        let c = store
            .chair_agreement_coverage(&root, 100, as_of)
            .await
            .unwrap();
        assert!(c.total.eligible >= 3, "{:?}", c.total);
        assert!(
            c.total.done > 0 && c.total.done < c.total.eligible,
            "some signed, some not: {:?}",
            c.total
        );
        let d = store.dual_display_coverage(&root, 100).await.unwrap();
        assert!(
            d.total.done > 0 && d.total.done < d.total.eligible,
            "{:?}",
            d.total
        );

        let counties = store.counties_lawyers(&root, as_of).await.unwrap();
        assert_eq!(counties.iter().filter(|c| c.active == 0).count(), 2);
        for l in store.lawyers_in(&root).await.unwrap() {
            assert_eq!(
                gonghui_domain::check_lawyer_cert(&l.cert_no).unwrap(),
                l.cert_no
            );
            gonghui_domain::check_appointment_term(l.appointed_on, l.term_end).unwrap();
        }

        let parks = store.parks_in(&root).await.unwrap();
        assert!(!parks.is_empty());
        assert!(parks[0].all_in_place() && parks[0].subsidies.len() == 2);
        for p in parks.iter().filter(|p| !p.all_in_place()) {
            assert!(p.subsidies.is_empty(), "no subsidy without all four: {p:?}");
        }

        // No union has two agreements in force at once; every agreement keeps its term rule.
        let mut tx = store.read().await.unwrap();
        let rows: Vec<(i64, NaiveDate, NaiveDate, Option<NaiveDate>)> = tx
            .all(
                &Query::select()
                    .columns([
                        ChairAgreements::OrgId,
                        ChairAgreements::StartOn,
                        ChairAgreements::EndOn,
                        ChairAgreements::EndedOn,
                    ])
                    .from(ChairAgreements::Table)
                    .to_owned(),
            )
            .await
            .unwrap();
        for (i, a) in rows.iter().enumerate() {
            gonghui_domain::check_agreement_term(a.1, a.2).unwrap();
            for b in &rows[i + 1..] {
                assert!(
                    a.0 != b.0
                        || !gonghui_domain::periods_overlap(
                            (a.1, a.3.unwrap_or(a.2)),
                            (b.1, b.3.unwrap_or(b.2))
                        )
                );
            }
        }
    }
}
