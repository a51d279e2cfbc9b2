//! The city's instruments (seed 000): 工会主席协议管理, 律师兼职副主席, 开发区工会四个到位 and
//! the subsidy they gate, 双亮. Each rule is refused with its Chinese message and writes
//! nothing; coverage is checked against numbers counted by hand on a small fixture, once along
//! affiliation. Every test runs on every engine.

mod common;

use chrono::NaiveDate;
use common::*;
use gonghui_domain::{
    AreaKind, AssessmentResult, ChairSelection, DualDisplay, FourItem, GrassrootsKind, OfficerRole,
    OfficerSource, OrgKind, Ownership, Phone, Uscc, uscc_check_char,
};
use gonghui_store::{
    ChairAgreementInput, DualDisplayInput, FourInPlaceInput, InstrumentSetting, LawyerInput, Store,
};

const MY_TABLES: [&str; 6] = [
    "chair_agreements",
    "chair_assessments",
    "lawyer_appointments",
    "park_four_items",
    "park_subsidies",
    "dual_displays",
];

/// Row counts of the audit trail, the officers and this area's tables: a refusal changes none.
async fn counts(store: &Store) -> Vec<(&'static str, i64)> {
    let mut v = vec![("audit_log", audit_count(store).await)];
    v.push(("officers", table_count(store, "officers").await));
    v.push(("settings", table_count(store, "settings").await));
    for t in MY_TABLES {
        v.push((t, table_count(store, t).await));
    }
    v
}

async fn assert_nothing_written(
    eng: &str,
    store: &Store,
    before: &[(&'static str, i64)],
    what: &str,
) {
    assert_eq!(
        before,
        counts(store).await.as_slice(),
        "{eng}: refused {what} wrote something"
    );
}

fn agreement(name: &str, start: NaiveDate, end: NaiveDate) -> ChairAgreementInput {
    ChairAgreementInput {
        chair_name: name.into(),
        selection: ChairSelection::Elected,
        start_on: start,
        end_on: end,
        monthly_allowance_fen: 80_000,
        note: None,
    }
}

fn code(prefix: &str, region: &str, n: u32) -> Uscc {
    let first17 = format!("{prefix}{region}MB{n:07}");
    let check = uscc_check_char(&first17).expect("17 characters");
    Uscc::parse(&format!("{first17}{check}")).expect("valid code")
}

/// A unit of the given ownership and size, covered by `org` (or not).
async fn add_unit(
    store: &Store,
    n: u32,
    name: &str,
    ownership: Ownership,
    employees: i64,
    org: Option<i64>,
) -> i64 {
    add_unit_coded(
        store,
        code("91", "421081", n),
        name,
        ownership,
        employees,
        org,
    )
    .await
}

async fn add_unit_coded(
    store: &Store,
    uscc: Uscc,
    name: &str,
    ownership: Ownership,
    employees: i64,
    org: Option<i64>,
) -> i64 {
    let mut input = unit_input(uscc, name, "421081", employees, 0);
    input.ownership = ownership;
    store
        .create_unit(&sys(), input, org)
        .await
        .unwrap_or_else(|e| panic!("unit {name}: {e:?}"))
}

// ---------------------------------------------------------------------------------------------
// 工会主席协议管理
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn chair_agreements_are_refused_by_their_rules() {
    let (engines, fixtures) = fixtures("chair_agreement_rules").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        // A union whose only unit is state-owned has no non-public chair to sign with.
        let state_union = store
            .create_org(
                &sys(),
                f.jiangling,
                grassroots(GrassrootsKind::Enterprise, "江陵县粮食储备库工会", "421024"),
                None,
            )
            .await
            .unwrap();
        add_unit(
            store,
            1,
            "江陵县粮食储备库",
            Ownership::State,
            180,
            Some(state_union),
        )
        .await;

        let before = counts(store).await;
        let (s, e) = (date(2023, 3, 1), date(2026, 2, 28));
        let refusals: Vec<(i64, ChairAgreementInput, Option<&str>, &str)> = vec![
            (
                f.enterprise,
                agreement("张", s, e),
                Some("chair_name"),
                "只有1个字",
            ),
            (
                f.enterprise,
                agreement("张建国", s, s),
                Some("end_on"),
                "应晚于起始日期",
            ),
            (
                f.enterprise,
                agreement("张建国", s, date(2028, 3, 2)),
                Some("end_on"),
                "最长5年",
            ),
            (
                f.enterprise,
                ChairAgreementInput {
                    monthly_allowance_fen: -1,
                    ..agreement("张建国", s, e)
                },
                Some("monthly_allowance"),
                "负数",
            ),
            (
                f.township,
                agreement("张建国", s, e),
                None,
                "只能登记在基层工会",
            ),
            (
                state_union,
                agreement("张建国", s, e),
                None,
                "适用于非公有制企业的工会主席",
            ),
        ];
        for (org, input, field, needle) in refusals {
            expect_invalid(
                eng,
                store.create_chair_agreement(&sys(), org, input).await,
                field,
                needle,
            );
            assert_nothing_written(eng, store, &before, needle).await;
        }

        let id = store
            .create_chair_agreement(&sys(), f.enterprise, agreement("张建国", s, e))
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            before[0].1 + 1,
            "{eng}: audited once"
        );
        let entry = store
            .audit_entries(&Default::default(), 0, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(entry.action, "chair_agreement.create", "{eng}");
        assert_eq!(entry.org_id, Some(f.enterprise), "{eng}");

        // A second agreement overlapping the first, by one day at either end.
        let signed = counts(store).await;
        for (s2, e2) in [
            (date(2026, 2, 28), date(2027, 12, 31)),
            (date(2021, 1, 1), date(2023, 3, 1)),
            (date(2024, 1, 1), date(2024, 12, 31)),
        ] {
            let msg = expect_invalid(
                eng,
                store
                    .create_chair_agreement(&sys(), f.enterprise, agreement("李明", s2, e2))
                    .await,
                Some("start_on"),
                "与所填期限重叠",
            );
            assert!(msg.contains("2023-03-01至2026-02-28"), "{eng}: {msg}");
            assert_nothing_written(eng, store, &signed, "an overlapping agreement").await;
        }

        // 年度考核: within the term, not in the future, once a year.
        store
            .assess_chair(&sys(), id, 2023, AssessmentResult::Excellent, None)
            .await
            .unwrap();
        let assessed = counts(store).await;
        expect_invalid(
            eng,
            store
                .assess_chair(&sys(), id, 2023, AssessmentResult::Competent, None)
                .await,
            Some("year"),
            "已登记为“优秀”",
        );
        expect_invalid(
            eng,
            store
                .assess_chair(&sys(), id, 2022, AssessmentResult::Competent, None)
                .await,
            Some("year"),
            "2023—2026",
        );
        expect_invalid(
            eng,
            store
                .assess_chair(&sys(), id, 2999, AssessmentResult::Competent, None)
                .await,
            Some("year"),
            "还没有到来",
        );
        assert_nothing_written(eng, store, &assessed, "assessments").await;

        // Ending: a reason, a date within the term, once.
        for (d, reason, field, needle) in [
            (date(2024, 5, 31), " ", Some("end_reason"), "请填写终止原因"),
            (
                date(2023, 2, 28),
                "主席离任",
                Some("ended_on"),
                "不能早于协议起始日期",
            ),
            (
                date(2026, 3, 1),
                "主席离任",
                Some("ended_on"),
                "期满自然终止",
            ),
        ] {
            expect_invalid(
                eng,
                store.end_chair_agreement(&sys(), id, d, reason).await,
                field,
                needle,
            );
            assert_nothing_written(eng, store, &assessed, needle).await;
        }
        store
            .end_chair_agreement(&sys(), id, date(2024, 5, 31), "主席离任")
            .await
            .unwrap();
        let ended = counts(store).await;
        expect_invalid(
            eng,
            store
                .end_chair_agreement(&sys(), id, date(2024, 6, 30), "协议解除")
                .await,
            None,
            "已于2024-05-31终止",
        );
        // An ended agreement is not assessed for the years after it ended.
        expect_invalid(
            eng,
            store
                .assess_chair(&sys(), id, 2025, AssessmentResult::Competent, None)
                .await,
            Some("year"),
            "2023—2024",
        );
        assert_nothing_written(eng, store, &ended, "after the end").await;

        // The successor's agreement starts the day after: no overlap.
        let next = store
            .create_chair_agreement(
                &sys(),
                f.enterprise,
                agreement("李明", date(2024, 6, 1), date(2027, 5, 31)),
            )
            .await
            .unwrap();
        let records = store.chair_agreements_of(f.enterprise).await.unwrap();
        let ids: Vec<i64> = records.iter().map(|r| r.agreement.id).collect();
        assert_eq!(ids, vec![next, id], "{eng}: newest first");
        assert_eq!(records[1].assessments.len(), 1, "{eng}");
        assert_eq!(
            records[1].agreement.status_label(date(2024, 7, 1)),
            "已终止",
            "{eng}"
        );
        assert_eq!(
            records[0].agreement.status_label(date(2024, 7, 1)),
            "履行中",
            "{eng}"
        );
        assert_eq!(records[0].agreement.allowance_text(), "800", "{eng}");
    }
}

/// The hand-counted fixture of the coverage tests (on top of `build_fixture`):
///
/// ```text
/// eligible for 主席协议 (non-public, ≥ N employees, covered by an active union):
///   A  120 private  石首 › 新厂镇 › 楚源纺织公司工会 (also a member of 石首餐饮行业工会联合会)
///   H  150 foreign  石首 › 新厂镇 › 小微企业联合工会 (a joint union)
///   J  100 private  江陵 › 江陵县工业园联合工会        (exactly at the threshold)
///   D  300 private  市建设工会 › 城建集团工会
/// not eligible: I (500, state-owned) and K (99), both also in 江陵's joint union; L (200, no
/// union); B C G E F (small)
/// ```
struct Extra {
    jl_joint: i64,
    unit_h: i64,
    unit_j: i64,
}

async fn extra_units(store: &Store, f: &Fixture) -> Extra {
    let jl_joint = store
        .create_org(
            &sys(),
            f.jiangling,
            grassroots(GrassrootsKind::Joint, "江陵县工业园联合工会", "421024"),
            None,
        )
        .await
        .unwrap();
    let unit_h = add_unit(
        store,
        11,
        "新厂镇港资电子厂",
        Ownership::Foreign,
        150,
        Some(f.joint),
    )
    .await;
    add_unit(
        store,
        12,
        "江陵县国营粮库",
        Ownership::State,
        500,
        Some(jl_joint),
    )
    .await;
    let unit_j = add_unit(
        store,
        13,
        "江陵县百人服装厂",
        Ownership::Private,
        100,
        Some(jl_joint),
    )
    .await;
    add_unit(
        store,
        14,
        "江陵县九十九人厂",
        Ownership::Private,
        99,
        Some(jl_joint),
    )
    .await;
    add_unit(
        store,
        15,
        "石首市未建会机械厂",
        Ownership::Private,
        200,
        None,
    )
    .await;
    Extra {
        jl_joint,
        unit_h,
        unit_j,
    }
}

fn row(c: &gonghui_store::InstrumentCoverage, id: i64) -> &gonghui_store::CoverageRow {
    c.children
        .iter()
        .find(|r| r.org_id == id)
        .unwrap_or_else(|| panic!("no row for org {id} in {c:?}"))
}

#[tokio::test]
async fn chair_agreement_coverage_counts_once_along_affiliation() {
    let (engines, fixtures) = fixtures("chair_agreement_coverage").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let x = extra_units(store, f).await;
        // In force on 2024-06-30: the textile union's and the construction union's. 江陵's was
        // ended before; the joint union's starts the next day.
        store
            .create_chair_agreement(
                &sys(),
                f.enterprise,
                agreement("张建国", date(2023, 1, 1), date(2025, 12, 31)),
            )
            .await
            .unwrap();
        store
            .create_chair_agreement(
                &sys(),
                f.construction,
                agreement("赵志刚", date(2024, 6, 30), date(2026, 6, 29)),
            )
            .await
            .unwrap();
        let jl = store
            .create_chair_agreement(
                &sys(),
                x.jl_joint,
                agreement("孙红梅", date(2022, 1, 1), date(2024, 12, 31)),
            )
            .await
            .unwrap();
        store
            .end_chair_agreement(&sys(), jl, date(2024, 3, 31), "主席离任")
            .await
            .unwrap();
        store
            .create_chair_agreement(
                &sys(),
                f.joint,
                agreement("刘洋", date(2024, 7, 1), date(2027, 6, 30)),
            )
            .await
            .unwrap();

        let day = date(2024, 6, 30);
        let root = store.org(f.root).await.unwrap();
        let c = store
            .chair_agreement_coverage(&root, 100, day)
            .await
            .unwrap();
        assert_eq!(
            (c.total.eligible, c.total.done),
            (4, 2),
            "{eng}: A H J D; A D"
        );
        let sh = row(&c, f.shishou);
        assert_eq!((sh.eligible, sh.done), (2, 1), "{eng}: 石首 A H");
        assert_eq!(sh.percent(), "50.0%", "{eng}");
        let jl_row = row(&c, f.jiangling);
        assert_eq!((jl_row.eligible, jl_row.done), (1, 0), "{eng}: 江陵 J only");
        let ind = row(&c, f.industrial);
        assert_eq!((ind.eligible, ind.done), (1, 1), "{eng}: 建设工会 D");
        assert_eq!(
            c.children.iter().map(|r| r.eligible).sum::<i64>(),
            c.total.eligible,
            "{eng}: the children add up to the total"
        );

        // Below 石首: the sector federation counts nothing (its member keeps its affiliation).
        let shishou = store.org(f.shishou).await.unwrap();
        let c = store
            .chair_agreement_coverage(&shishou, 100, day)
            .await
            .unwrap();
        assert_eq!((c.total.eligible, c.total.done), (2, 1), "{eng}");
        assert_eq!(
            (row(&c, f.township).eligible, row(&c, f.township).done),
            (2, 1)
        );
        assert_eq!((row(&c, f.sector).eligible, row(&c, f.sector).done), (0, 0));
        assert_eq!(row(&c, f.sector).percent(), "—");

        // The next day the joint union's agreement is in force; the construction one still is.
        let c = store
            .chair_agreement_coverage(&root, 100, date(2024, 7, 1))
            .await
            .unwrap();
        assert_eq!((c.total.eligible, c.total.done), (4, 3), "{eng}");

        // A higher threshold: A (120) and J (100) drop out.
        let c = store
            .chair_agreement_coverage(&root, 150, day)
            .await
            .unwrap();
        assert_eq!((c.total.eligible, c.total.done), (2, 1), "{eng}: H D; D");

        // The list behind the numbers.
        let units = store.chair_agreement_units(&root, 100, day).await.unwrap();
        let mut ids: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
        ids.sort();
        let mut want = vec![f.unit_a, x.unit_h, x.unit_j, f.unit_d];
        want.sort();
        assert_eq!(ids, want, "{eng}");
        let a = units.iter().find(|u| u.unit_id == f.unit_a).unwrap();
        assert_eq!(a.chair_name.as_deref(), Some("张建国"), "{eng}");
        assert!(
            units
                .iter()
                .find(|u| u.unit_id == x.unit_j)
                .is_some_and(|u| !u.done())
        );

        // A grassroots union's own numbers.
        let joint = store.org(f.joint).await.unwrap();
        let c = store
            .chair_agreement_coverage(&joint, 100, day)
            .await
            .unwrap();
        assert_eq!(
            (c.total.eligible, c.total.done),
            (1, 0),
            "{eng}: H, from 07-01"
        );
        assert!(c.children.is_empty());
    }
}

#[tokio::test]
async fn threshold_settings_are_checked_and_audited() {
    let engines = engines("instrument_settings").await;
    for (eng, store) in engines.iter() {
        let s = store.instrument_settings().await.unwrap();
        assert_eq!(
            (
                s.chair_min_employees,
                s.dual_min_employees,
                s.dual_target_percent
            ),
            (100, 100, 90),
            "{eng}: the defaults"
        );
        let before = counts(store).await;
        for (setting, value, field, needle) in [
            (
                InstrumentSetting::ChairMinEmployees,
                0,
                "min_employees",
                "1至100000",
            ),
            (
                InstrumentSetting::DualMinEmployees,
                100_001,
                "min_employees",
                "1至100000",
            ),
            (
                InstrumentSetting::DualTargetPercent,
                0,
                "target_percent",
                "1至100",
            ),
            (
                InstrumentSetting::DualTargetPercent,
                101,
                "target_percent",
                "1至100",
            ),
        ] {
            expect_invalid(
                eng,
                store.set_instrument_setting(&sys(), setting, value).await,
                Some(field),
                needle,
            );
            assert_nothing_written(eng, store, &before, "a setting out of range").await;
        }
        store
            .set_instrument_setting(&sys(), InstrumentSetting::ChairMinEmployees, 150)
            .await
            .unwrap();
        store
            .set_instrument_setting(&sys(), InstrumentSetting::DualTargetPercent, 85)
            .await
            .unwrap();
        store
            .set_instrument_setting(&sys(), InstrumentSetting::ChairMinEmployees, 120)
            .await
            .unwrap();
        let s = store.instrument_settings().await.unwrap();
        assert_eq!(
            (
                s.chair_min_employees,
                s.dual_min_employees,
                s.dual_target_percent
            ),
            (120, 100, 85),
            "{eng}"
        );
        assert_eq!(
            audit_count(store).await,
            before[0].1 + 3,
            "{eng}: three changes"
        );
        let entries = store
            .audit_entries(&Default::default(), 0, 3)
            .await
            .unwrap();
        assert!(entries.iter().all(|e| e.action == "setting.set"), "{eng}");
        let newest = &entries[0];
        assert!(
            newest
                .before
                .as_deref()
                .is_some_and(|b| b.contains("chair_agreement.min_employees") && b.contains("150")),
            "{eng}: the change keeps the old value: {newest:?}"
        );
        assert!(
            newest.after.as_deref().is_some_and(|a| a.contains("120")),
            "{eng}: {newest:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 律师兼职副主席
// ---------------------------------------------------------------------------------------------

fn lawyer(name: &str, cert: &str) -> LawyerInput {
    LawyerInput {
        name: name.into(),
        law_firm: "湖北楚天律师事务所".into(),
        cert_no: cert.into(),
        document_no: "荆工发〔2024〕12号".into(),
        appointed_on: date(2024, 3, 1),
        term_end: date(2027, 2, 28),
        phone: Some(Phone::parse("13907161234").unwrap()),
    }
}

const CERT: &str = "14210201210234567";

#[tokio::test]
async fn lawyer_vice_chairs_serve_county_federations() {
    let (engines, fixtures) = fixtures("lawyer_vice_chairs").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = counts(store).await;
        let refusals: Vec<(i64, LawyerInput, Option<&str>, &str)> = vec![
            (
                f.shishou,
                lawyer("王律", "1421020121023456"),
                Some("cert_no"),
                "应为17位数字，现在是16位",
            ),
            (
                f.shishou,
                lawyer("王律", "1421020121023456A"),
                Some("cert_no"),
                "第17位“A”不是数字",
            ),
            (f.shishou, lawyer("王", CERT), Some("name"), "只有1个字"),
            (
                f.shishou,
                LawyerInput {
                    law_firm: "楚天".into(),
                    ..lawyer("王律", CERT)
                },
                Some("law_firm"),
                "律师事务所全称",
            ),
            (
                f.shishou,
                LawyerInput {
                    document_no: " ".into(),
                    ..lawyer("王律", CERT)
                },
                Some("document_no"),
                "请填写聘任文号",
            ),
            (
                f.shishou,
                LawyerInput {
                    term_end: date(2024, 3, 1),
                    ..lawyer("王律", CERT)
                },
                Some("term_end"),
                "应晚于聘任日期",
            ),
            (
                f.township,
                lawyer("王律", CERT),
                None,
                "在县(市、区)总工会聘任",
            ),
            (f.root, lawyer("王律", CERT), None, "在县(市、区)总工会聘任"),
        ];
        for (org, input, field, needle) in refusals {
            expect_invalid(
                eng,
                store.appoint_lawyer(&sys(), org, input).await,
                field,
                needle,
            );
            assert_nothing_written(eng, store, &before, needle).await;
        }

        let root = store.org(f.root).await.unwrap();
        let day = date(2024, 6, 30);
        let status = store.counties_lawyers(&root, day).await.unwrap();
        assert!(status.iter().all(|c| c.active == 0), "{eng}: nobody yet");
        assert_eq!(status.len(), 2, "{eng}: 石首 and 江陵");

        let id = store
            .appoint_lawyer(
                &sys(),
                f.shishou,
                lawyer("王立法", " 14210 2012 1023 4567 "),
            )
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            before[0].1 + 1,
            "{eng}: one entry"
        );
        let a = store.lawyer_appointment(id).await.unwrap();
        assert_eq!(a.cert_no, CERT, "{eng}: stored without spaces");
        let officer = store
            .officers(f.shishou)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.id == a.officer_id)
            .expect("the officer row");
        assert_eq!(
            (
                officer.role,
                officer.source,
                officer.full_time,
                officer.name.as_str()
            ),
            (
                OfficerRole::ViceChair,
                OfficerSource::Lawyer,
                false,
                "王立法"
            ),
            "{eng}"
        );
        assert_eq!(officer.term_end, Some(date(2027, 2, 28)), "{eng}");

        let status = store.counties_lawyers(&root, day).await.unwrap();
        let active = |id: i64| status.iter().find(|c| c.org_id == id).unwrap().active;
        assert_eq!((active(f.shishou), active(f.jiangling)), (1, 0), "{eng}");
        // Before the appointment and after the term, nobody serves.
        let early = store
            .counties_lawyers(&root, date(2024, 2, 1))
            .await
            .unwrap();
        assert!(early.iter().all(|c| c.active == 0), "{eng}");

        // The same lawyer cannot serve twice at once, here or in another county.
        let serving = counts(store).await;
        for county in [f.shishou, f.jiangling] {
            let msg = expect_invalid(
                eng,
                store
                    .appoint_lawyer(&sys(), county, lawyer("王立法", CERT))
                    .await,
                Some("cert_no"),
                "已在",
            );
            assert!(
                !msg.contains("江陵") && !msg.contains("石首"),
                "{eng}: {msg}"
            );
        }
        assert_nothing_written(eng, store, &serving, "a second appointment").await;

        // Ending needs a reason and a date after the appointment; it ends the officer too.
        expect_invalid(
            eng,
            store.end_lawyer(&sys(), id, day, "").await,
            Some("end_reason"),
            "请填写离任原因",
        );
        expect_invalid(
            eng,
            store.end_lawyer(&sys(), id, date(2024, 2, 1), "辞任").await,
            Some("ended_on"),
            "不能早于聘任日期",
        );
        assert_nothing_written(eng, store, &serving, "ending refused").await;
        store
            .end_lawyer(&sys(), id, date(2024, 9, 30), "本人辞任")
            .await
            .unwrap();
        let officer = store
            .officers(f.shishou)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.id == a.officer_id)
            .unwrap();
        assert_eq!(officer.left_on, Some(date(2024, 9, 30)), "{eng}");
        let status = store
            .counties_lawyers(&root, date(2024, 10, 1))
            .await
            .unwrap();
        assert!(status.iter().all(|c| c.active == 0), "{eng}: ended");
        expect_invalid(
            eng,
            store
                .end_lawyer(&sys(), id, date(2024, 10, 1), "辞任")
                .await,
            None,
            "已于2024-09-30离任",
        );

        // A lawyer whose officer row is ended on the org page is no longer counted either.
        let id2 = store
            .appoint_lawyer(&sys(), f.jiangling, lawyer("陈公正", "24210201810234561"))
            .await
            .unwrap();
        let a2 = store.lawyer_appointment(id2).await.unwrap();
        store
            .end_officer(&sys(), a2.officer_id, Some(date(2025, 1, 15)))
            .await
            .unwrap();
        let a2 = store.lawyer_appointment(id2).await.unwrap();
        assert_eq!(a2.ended_on, Some(date(2025, 1, 15)), "{eng}");
        assert_eq!(a2.status_label(date(2025, 2, 1)), "已离任", "{eng}");
        let listed = store.lawyers_in(&root).await.unwrap();
        assert_eq!(listed.len(), 2, "{eng}: both appointments stay as history");
        let shishou = store.org(f.shishou).await.unwrap();
        let listed = store.lawyers_in(&shishou).await.unwrap();
        assert_eq!(listed.len(), 1, "{eng}: a county sees its own");
    }
}

// ---------------------------------------------------------------------------------------------
// 开发区/工业园区工会 四个到位
// ---------------------------------------------------------------------------------------------

fn check(items: &[(FourItem, bool, Option<&str>)]) -> FourInPlaceInput {
    FourInPlaceInput {
        items: items
            .iter()
            .map(|(i, ok, e)| (*i, *ok, e.map(str::to_owned)))
            .collect(),
        checked_on: date(2024, 4, 10),
        checked_by: "荆州市总工会组织部 张明".into(),
    }
}

#[tokio::test]
async fn the_subsidy_waits_for_all_four_items() {
    let (engines, fixtures) = fixtures("four_in_place").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let park = store
            .create_org(
                &sys(),
                f.root,
                org_input(
                    OrgKind::AreaFederation,
                    Some(AreaKind::DevelopmentZone.code()),
                    "荆州经济技术开发区工会",
                    "421000",
                    None,
                ),
                None,
            )
            .await
            .unwrap();
        let before = counts(store).await;
        let msg = expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2024, 5_000_000, date(2024, 5, 1), None)
                .await,
            None,
            "四个到位未全部到位的开发区工会不予划拨补助经费",
        );
        assert!(
            msg.ends_with("（机构设置、办公设施、干部配备、基本经费未到位）"),
            "{eng}: {msg}"
        );
        // Marking an item in place needs its evidence; a township is not a park.
        expect_invalid(
            eng,
            store
                .record_four_in_place(&sys(), park, check(&[(FourItem::Office, true, Some("  "))]))
                .await,
            Some("evidence_office"),
            "办公场所地址和面积",
        );
        expect_invalid(
            eng,
            store
                .record_four_in_place(
                    &sys(),
                    f.township,
                    check(&[(FourItem::Office, false, None)]),
                )
                .await,
            None,
            "只适用于开发区/工业园区工会",
        );
        let mut late = check(&[(FourItem::Office, false, None)]);
        late.checked_on = date(2999, 1, 1);
        expect_invalid(
            eng,
            store.record_four_in_place(&sys(), park, late).await,
            Some("checked_on"),
            "不能晚于今天",
        );
        let mut nobody = check(&[(FourItem::Office, false, None)]);
        nobody.checked_by = "张".into();
        expect_invalid(
            eng,
            store.record_four_in_place(&sys(), park, nobody).await,
            Some("checked_by"),
            "请填写检查人",
        );
        assert_nothing_written(eng, store, &before, "四个到位 refused").await;

        store
            .record_four_in_place(
                &sys(),
                park,
                check(&[
                    (
                        FourItem::Organization,
                        true,
                        Some("荆开工委〔2023〕5号批复设立工会办公室"),
                    ),
                    (FourItem::Office, true, Some("管委会3楼，办公室60平方米")),
                    (FourItem::Cadres, true, Some("专职干部3人")),
                    (FourItem::Funds, false, Some("2024年预算尚未安排")),
                ]),
            )
            .await
            .unwrap();
        let checked = counts(store).await;
        assert_eq!(checked[0].1, before[0].1 + 1, "{eng}: one check, one entry");
        expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2024, 5_000_000, date(2024, 5, 1), None)
                .await,
            None,
            "（基本经费未到位）",
        );
        assert_nothing_written(eng, store, &checked, "the subsidy with funds missing").await;

        // Later the funds come; only that item is re-checked, the others keep their check.
        let mut funds = check(&[(
            FourItem::Funds,
            true,
            Some("管委会年度预算安排工会经费20万元"),
        )]);
        funds.checked_on = date(2024, 6, 1);
        store
            .record_four_in_place(&sys(), park, funds)
            .await
            .unwrap();
        let status = store.park_status(park).await.unwrap();
        assert!(status.all_in_place(), "{eng}: {status:?}");
        assert_eq!(
            status.item(FourItem::Office).map(|i| i.checked_on),
            Some(date(2024, 4, 10)),
            "{eng}"
        );
        assert_eq!(
            status.item(FourItem::Funds).map(|i| i.checked_on),
            Some(date(2024, 6, 1)),
            "{eng}"
        );

        let ready = counts(store).await;
        expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2024, 0, date(2024, 7, 1), None)
                .await,
            Some("amount"),
            "应大于0元",
        );
        assert_nothing_written(eng, store, &ready, "a zero subsidy").await;
        store
            .decide_park_subsidy(
                &sys(),
                park,
                2024,
                5_000_000,
                date(2024, 7, 1),
                Some("鄂工发〔2024〕30号".into()),
            )
            .await
            .unwrap();
        let decided = counts(store).await;
        expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2024, 100, date(2024, 8, 1), None)
                .await,
            Some("year"),
            "已登记（50000元）",
        );
        assert_nothing_written(eng, store, &decided, "a second subsidy for 2024").await;

        let root = store.org(f.root).await.unwrap();
        let parks = store.parks_in(&root).await.unwrap();
        assert_eq!(parks.len(), 1, "{eng}: the one park union");
        assert_eq!(parks[0].subsidies.len(), 1, "{eng}");
        assert_eq!(parks[0].subsidies[0].amount_text(), "50000", "{eng}");
        let shishou = store.org(f.shishou).await.unwrap();
        assert!(store.parks_in(&shishou).await.unwrap().is_empty(), "{eng}");
    }
}

// ---------------------------------------------------------------------------------------------
// 双亮
// ---------------------------------------------------------------------------------------------

fn shown(sign: bool, identity: bool, deeds: bool, on: NaiveDate) -> DualDisplayInput {
    DualDisplayInput {
        status: DualDisplay {
            sign,
            identity,
            deeds,
        },
        checked_on: on,
        checked_by: "石首市总工会组织部 李华".into(),
        note: None,
    }
}

#[tokio::test]
async fn dual_display_coverage_and_the_honors_it_gates() {
    let (engines, fixtures) = fixtures("dual_display").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let x = extra_units(store, f).await;
        // A public institution of 200 (code 12…) is not an enterprise: 双亮 counts enterprises.
        add_unit_coded(
            store,
            code("12", "421081", 16),
            "石首市人民医院",
            Ownership::State,
            200,
            Some(f.joint),
        )
        .await;
        let before = counts(store).await;
        expect_invalid(
            eng,
            store
                .record_dual_display(
                    &sys(),
                    f.township,
                    shown(true, true, true, date(2024, 5, 1)),
                )
                .await,
            None,
            "只能登记在基层工会",
        );
        expect_invalid(
            eng,
            store
                .record_dual_display(
                    &sys(),
                    f.enterprise,
                    shown(true, true, true, date(2999, 5, 1)),
                )
                .await,
            Some("checked_on"),
            "不能晚于今天",
        );
        assert_nothing_written(eng, store, &before, "双亮 refused").await;
        expect_invalid(
            eng,
            store.check_dual_display_eligible(f.enterprise).await,
            None,
            "尚未登记双亮情况",
        );

        // 楚源 shows all three; 江陵's union lacks 亮作为; the joint union first lacks 亮身份,
        // then a second check finds all three; the construction union is never checked.
        store
            .record_dual_display(
                &sys(),
                f.enterprise,
                shown(true, true, true, date(2024, 5, 1)),
            )
            .await
            .unwrap();
        store
            .record_dual_display(
                &sys(),
                x.jl_joint,
                shown(true, true, false, date(2024, 5, 2)),
            )
            .await
            .unwrap();
        store
            .record_dual_display(&sys(), f.joint, shown(true, false, true, date(2024, 5, 3)))
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, before[0].1 + 3, "{eng}");
        let msg = expect_invalid(
            eng,
            store.check_dual_display_eligible(x.jl_joint).await,
            None,
            "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选",
        );
        assert!(msg.ends_with("（尚未亮作为）"), "{eng}: {msg}");
        store
            .check_dual_display_eligible(f.enterprise)
            .await
            .unwrap();

        // Enterprises ≥ 100: A(textile) H(joint) I(state, 江陵) J(江陵) D(construction);
        // not K(99), not the hospital (code 12), not L (no union).
        let root = store.org(f.root).await.unwrap();
        let c = store.dual_display_coverage(&root, 100).await.unwrap();
        assert_eq!((c.total.eligible, c.total.done), (5, 1), "{eng}: A done");
        assert_eq!(
            (row(&c, f.shishou).eligible, row(&c, f.shishou).done),
            (2, 1),
            "{eng}"
        );
        assert_eq!(
            (row(&c, f.jiangling).eligible, row(&c, f.jiangling).done),
            (2, 0),
            "{eng}"
        );
        assert_eq!(
            (row(&c, f.industrial).eligible, row(&c, f.industrial).done),
            (1, 0),
            "{eng}"
        );
        assert_eq!(c.total.percent(), "20.0%", "{eng}");

        store
            .record_dual_display(&sys(), f.joint, shown(true, true, true, date(2024, 9, 1)))
            .await
            .unwrap();
        assert_eq!(
            table_count(store, "dual_displays").await,
            3,
            "{eng}: the second check replaces the first"
        );
        let rec = store.dual_display(f.joint).await.unwrap().unwrap();
        assert_eq!(rec.checked_on, date(2024, 9, 1), "{eng}");
        let entry = store
            .audit_entries(&Default::default(), 0, 1)
            .await
            .unwrap()
            .remove(0);
        assert_eq!(entry.action, "dual_display.check", "{eng}");
        assert!(
            entry
                .before
                .as_deref()
                .is_some_and(|b| b.contains("2024-05-03")),
            "{eng}: the audit keeps the earlier check: {entry:?}"
        );

        let shishou = store.org(f.shishou).await.unwrap();
        let c = store.dual_display_coverage(&shishou, 100).await.unwrap();
        assert_eq!((c.total.eligible, c.total.done), (2, 2), "{eng}: A and H");
        assert_eq!(c.total.percent(), "100.0%", "{eng}");
        assert_eq!(
            (row(&c, f.sector).eligible, row(&c, f.sector).done),
            (0, 0),
            "{eng}"
        );
        let c = store.dual_display_coverage(&root, 150).await.unwrap();
        assert_eq!((c.total.eligible, c.total.done), (3, 1), "{eng}: H I D; H");

        let units = store.dual_display_units(&root, 100).await.unwrap();
        assert_eq!(units.len(), 5, "{eng}");
        let j = units.iter().find(|u| u.unit_id == x.unit_j).unwrap();
        assert_eq!(
            j.status(),
            Some(DualDisplay {
                sign: true,
                identity: true,
                deeds: false
            }),
            "{eng}"
        );
        let d = units.iter().find(|u| u.unit_id == f.unit_d).unwrap();
        assert_eq!(d.status(), None, "{eng}: never checked");
        assert!(units.iter().find(|u| u.unit_id == x.unit_h).unwrap().done());
    }
}
