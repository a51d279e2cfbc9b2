//! 荣誉 and 评选条件: honors are recorded only when every active eligibility rule that applies
//! is met, refusals name every failing rule with its specifics and write nothing, rules are
//! data (a deactivated rule no longer refuses; staff add their own), and the 开发区 subsidy
//! is gated by the same rules. Every test runs on every engine.

mod common;

use common::*;
use gonghui_domain::{
    AreaKind, Condition, DualDisplay, EvidenceKind, FourItem, Grading, HonorLevel, HonorSource,
    ItemSpec, KindSet, OrgKind, RecipientKind, RuleTarget, StandardSpec,
};
use gonghui_store::{
    DualDisplayInput, ELIGIBILITY_FIELD, Error, FourInPlaceInput, HonorFilter, HonorInput,
    RuleInput, Store,
};

const DUAL_RULE: &str =
    "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选";

const MY_TABLES: [&str; 3] = ["honors", "eligibility_rules", "park_subsidies"];

async fn counts(store: &Store) -> Vec<(&'static str, i64)> {
    let mut v = vec![("audit_log", audit_count(store).await)];
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

fn honor(title: &str, level: HonorLevel) -> HonorInput {
    HonorInput {
        title: title.into(),
        level,
        year: 2025,
        recipient: RecipientKind::Org,
        person_name: None,
        document_no: Some("荆工发〔2025〕8号".into()),
    }
}

/// The refusals of an eligibility error, one per line.
#[track_caller]
fn refusals<T: std::fmt::Debug>(eng: &str, r: gonghui_store::Result<T>) -> Vec<String> {
    match r {
        Err(Error::Invalid {
            field: Some(f),
            message,
        }) if f == ELIGIBILITY_FIELD => message.lines().map(str::to_owned).collect(),
        other => panic!("{eng}: expected an eligibility refusal, got {other:?}"),
    }
}

async fn rule_id(store: &Store, code: &str) -> i64 {
    store
        .eligibility_rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("rule {code}"))
        .id
}

async fn dual(store: &Store, org: i64, sign: bool, identity: bool, deeds: bool) {
    store
        .record_dual_display(
            &sys(),
            org,
            DualDisplayInput {
                status: DualDisplay {
                    sign,
                    identity,
                    deeds,
                },
                checked_on: date(2025, 3, 1),
                checked_by: "石首市总工会组织部 李明".into(),
                note: None,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn no_dual_display_no_city_honor() {
    let (engines, fixtures) = fixtures("honors_dual").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = counts(store).await;
        let r = refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.enterprise,
                    f.root,
                    honor("模范职工之家", HonorLevel::City),
                )
                .await,
        );
        assert_eq!(r, vec![format!("{DUAL_RULE}（尚未登记双亮情况）")], "{eng}");
        // A person of that union for 优秀工会主席 is held back by the same rule.
        let mut person = honor("优秀工会主席", HonorLevel::Provincial);
        person.recipient = RecipientKind::Person;
        person.person_name = Some("刘建国".into());
        let r = refusals(
            eng,
            store
                .record_honor(&sys(), f.enterprise, f.root, person.clone())
                .await,
        );
        assert_eq!(r.len(), 1, "{eng}");
        assert_nothing_written(eng, store, &before, "a city honor without 双亮").await;

        // Two of three shown: the refusal says what is still missing.
        dual(store, f.enterprise, true, true, false).await;
        let before = counts(store).await;
        let r = refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.enterprise,
                    f.root,
                    honor("模范职工之家", HonorLevel::City),
                )
                .await,
        );
        assert_eq!(r, vec![format!("{DUAL_RULE}（尚未亮作为）")], "{eng}");
        assert_nothing_written(eng, store, &before, "a city honor with 双亮 incomplete").await;
        assert_eq!(
            store
                .eligibility_check(
                    f.enterprise,
                    RuleTarget::Honor,
                    Some(HonorLevel::City),
                    Some("模范职工之家")
                )
                .await
                .unwrap(),
            r,
            "{eng}: the check the form shows is the refusal"
        );

        // A county honor is not 市级以上: allowed, one audit entry.
        let county = store
            .record_honor(
                &sys(),
                f.enterprise,
                f.shishou,
                honor("模范职工小家", HonorLevel::County),
            )
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, before[0].1 + 1, "{eng}");
        let h = store.honor(county).await.unwrap();
        assert_eq!(h.level, HonorLevel::County, "{eng}");
        assert_eq!(h.source, HonorSource::Nomination, "{eng}");
        assert_eq!(h.granted_by_org, f.shishou, "{eng}");
        assert_eq!(h.document_no.as_deref(), Some("荆工发〔2025〕8号"), "{eng}");

        // All three shown: the city honor and the person's are recorded.
        dual(store, f.enterprise, true, true, true).await;
        store
            .record_honor(
                &sys(),
                f.enterprise,
                f.root,
                honor("模范职工之家", HonorLevel::City),
            )
            .await
            .unwrap();
        let id = store
            .record_honor(&sys(), f.enterprise, f.root, person)
            .await
            .unwrap();
        let p = store.honor(id).await.unwrap();
        assert_eq!(
            p.recipient_text(),
            format!("刘建国（{ENTERPRISE_NAME}）"),
            "{eng}"
        );

        // Orgs without 双亮 of another kind (a county federation) are not held back by it.
        store
            .record_honor(
                &sys(),
                f.jiangling,
                f.root,
                honor("先进县级工会", HonorLevel::City),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_deactivated_rule_no_longer_refuses() {
    let (engines, fixtures) = fixtures("honors_deactivated").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let rule = rule_id(store, "dual_display_city").await;
        let before = counts(store).await;
        store.set_rule_active(&sys(), rule, false).await.unwrap();
        assert_eq!(audit_count(store).await, before[0].1 + 1, "{eng}");
        let rules = store.eligibility_rules().await.unwrap();
        let r = rules.iter().find(|r| r.id == rule).unwrap();
        assert!(!r.active && r.builtin, "{eng}");
        assert_eq!(r.level_text(), "市级以上", "{eng}");
        store
            .record_honor(
                &sys(),
                f.enterprise,
                f.root,
                honor("模范职工之家", HonorLevel::City),
            )
            .await
            .unwrap();
        // Switching it off twice is refused; back on, it refuses again.
        let before = counts(store).await;
        expect_invalid(
            eng,
            store.set_rule_active(&sys(), rule, false).await,
            None,
            "已经停用",
        );
        assert_nothing_written(eng, store, &before, "a second deactivation").await;
        store.set_rule_active(&sys(), rule, true).await.unwrap();
        refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.joint,
                    f.root,
                    honor("模范职工之家", HonorLevel::City),
                )
                .await,
        );
    }
}

#[tokio::test]
async fn staff_add_a_membership_rate_rule() {
    let (engines, fixtures) = fixtures("honors_membership").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        dual(store, f.enterprise, true, true, true).await;
        // Refusals of a rule write nothing.
        let before = counts(store).await;
        let bad = |parameter: Option<i64>, message: &str| RuleInput {
            target: RuleTarget::Honor,
            condition: Condition::MembershipRate,
            parameter,
            min_level: Some(HonorLevel::County),
            honor_title: Some("模范职工之家".into()),
            message: message.into(),
        };
        expect_invalid(
            eng,
            store.create_rule(&sys(), bad(None, "入会率不足")).await,
            Some("parameter"),
            "入会率要求",
        );
        expect_invalid(
            eng,
            store
                .create_rule(&sys(), bad(Some(120), "入会率不足"))
                .await,
            Some("parameter"),
            "1 到 100",
        );
        expect_invalid(
            eng,
            store.create_rule(&sys(), bad(Some(80), "  ")).await,
            Some("message"),
            "请填写",
        );
        expect_invalid(
            eng,
            store
                .create_rule(
                    &sys(),
                    RuleInput {
                        condition: Condition::PassedStandard,
                        ..bad(Some(999_999), "未通过验收")
                    },
                )
                .await,
            Some("parameter"),
            "不存在",
        );
        assert_nothing_written(eng, store, &before, "invalid rules").await;

        let id = store
            .create_rule(
                &sys(),
                bad(Some(80), "职工入会率低于80%的单位不得评为模范职工之家"),
            )
            .await
            .unwrap();
        let rule = store
            .eligibility_rules()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap();
        assert_eq!(rule.code, format!("custom-{id}"), "{eng}");
        assert!(rule.active && !rule.builtin, "{eng}");
        assert_eq!(
            rule.name, "县级以上“模范职工之家”评选须职工入会率不低于80%",
            "{eng}"
        );

        // 3 members of 120 employees: 2.5%.
        let before = counts(store).await;
        let r = refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.enterprise,
                    f.shishou,
                    honor("模范职工之家", HonorLevel::County),
                )
                .await,
        );
        assert_eq!(
            r,
            vec![
                "职工入会率低于80%的单位不得评为模范职工之家（职工入会率为2.5%（会员3人／职工120人），未达到80%）"
                    .to_owned()
            ],
            "{eng}"
        );
        // Both rules refuse a city honor of the joint union: both are named.
        let r = refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.joint,
                    f.root,
                    honor("模范职工之家", HonorLevel::City),
                )
                .await,
        );
        assert_eq!(r.len(), 2, "{eng}: {r:?}");
        assert!(r[0].starts_with(DUAL_RULE), "{eng}: {r:?}");
        assert!(r[1].contains("未达到80%"), "{eng}: {r:?}");
        assert_nothing_written(eng, store, &before, "honors refused by the rate").await;

        // Another title is not concerned; switched off, the rule lets it through.
        store
            .record_honor(
                &sys(),
                f.enterprise,
                f.shishou,
                honor("工人先锋号", HonorLevel::County),
            )
            .await
            .unwrap();
        store.set_rule_active(&sys(), id, false).await.unwrap();
        store
            .record_honor(
                &sys(),
                f.enterprise,
                f.shishou,
                honor("模范职工之家", HonorLevel::County),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn passing_a_standard_can_be_a_condition() {
    let (engines, fixtures) = fixtures("honors_passed").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let spec = StandardSpec::new(
            "模范职工小家标准",
            "",
            Grading::pass_fail(100).unwrap(),
            KindSet::parse(["grassroots"]).unwrap(),
            vec![
                ItemSpec::new(
                    1,
                    "",
                    "有职工小家",
                    "",
                    10,
                    EvidenceKind::Photo,
                    1,
                    false,
                    KindSet::default(),
                )
                .unwrap(),
            ],
        )
        .unwrap();
        let standard = store.create_standard(&sys(), f.root, &spec).await.unwrap();
        let version = store.standard(standard).await.unwrap().version_id;
        store
            .execute_raw(&format!(
                "INSERT INTO campaigns (name, org_id, version_id, kinds, start_on, end_on, \
                 self_review_due, reward_fen, reviewer, created_at) VALUES ('小家创建', {}, {version}, \
                 '', '2025-01-01', '2025-12-31', '2025-06-30', 0, 'parent', '2025-01-01T00:00:00Z')",
                f.root
            ))
            .await
            .unwrap();
        let campaign: i64 = {
            let mut tx = store.begin().await.unwrap();
            tx.scalar(
                &sea_query::Query::select()
                    .expr(sea_query::Expr::cust("MAX(id)"))
                    .from(sea_query::Alias::new("campaigns"))
                    .to_owned(),
            )
            .await
            .unwrap()
        };
        for (org, state) in [(f.enterprise, "published"), (f.joint, "failed")] {
            store
                .execute_raw(&format!(
                    "INSERT INTO assessments (campaign_id, org_id, state, updated_at) \
                     VALUES ({campaign}, {org}, '{state}', '2025-07-01T00:00:00Z')"
                ))
                .await
                .unwrap();
        }
        store
            .create_rule(
                &sys(),
                RuleInput {
                    target: RuleTarget::Honor,
                    condition: Condition::PassedStandard,
                    parameter: Some(standard),
                    min_level: None,
                    honor_title: Some("模范职工小家".into()),
                    message: "未通过模范职工小家建设验收的不得评为模范职工小家".into(),
                },
            )
            .await
            .unwrap();
        store
            .record_honor(
                &sys(),
                f.enterprise,
                f.shishou,
                honor("模范职工小家", HonorLevel::County),
            )
            .await
            .unwrap();
        let r = refusals(
            eng,
            store
                .record_honor(
                    &sys(),
                    f.joint,
                    f.shishou,
                    honor("模范职工小家", HonorLevel::County),
                )
                .await,
        );
        assert_eq!(
            r,
            vec!["未通过模范职工小家建设验收的不得评为模范职工小家（尚未通过“模范职工小家标准”的验收）".to_owned()],
            "{eng}"
        );
    }
}

#[tokio::test]
async fn the_subsidy_gate_is_an_eligibility_rule() {
    let (engines, fixtures) = fixtures("honors_subsidy").await;
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
        store
            .record_four_in_place(
                &sys(),
                park,
                FourInPlaceInput {
                    items: vec![
                        (
                            FourItem::Organization,
                            true,
                            Some("荆开工委〔2023〕5号".into()),
                        ),
                        (FourItem::Office, true, Some("管委会3楼60平方米".into())),
                        (FourItem::Cadres, false, None),
                        (FourItem::Funds, false, None),
                    ],
                    checked_on: date(2025, 3, 1),
                    checked_by: "荆州市总工会组织部 张明".into(),
                },
            )
            .await
            .unwrap();
        let before = counts(store).await;
        expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2025, 5_000_000, date(2025, 4, 1), None)
                .await,
            None,
            "四个到位未全部到位的开发区工会不予划拨补助经费（干部配备、基本经费未到位）",
        );
        assert_eq!(
            store
                .eligibility_check(park, RuleTarget::Subsidy, None, None)
                .await
                .unwrap()
                .len(),
            1,
            "{eng}"
        );
        assert_nothing_written(eng, store, &before, "a subsidy with two items missing").await;

        // The city drops the condition: the payment is no longer gated.
        let rule = rule_id(store, "four_in_place_subsidy").await;
        store.set_rule_active(&sys(), rule, false).await.unwrap();
        store
            .decide_park_subsidy(&sys(), park, 2025, 5_000_000, date(2025, 4, 1), None)
            .await
            .unwrap();
        assert_eq!(
            store.park_status(park).await.unwrap().subsidies.len(),
            1,
            "{eng}"
        );
        // Back on, next year's subsidy waits again.
        store.set_rule_active(&sys(), rule, true).await.unwrap();
        expect_invalid(
            eng,
            store
                .decide_park_subsidy(&sys(), park, 2024, 100, date(2025, 4, 1), None)
                .await,
            None,
            "不予划拨补助经费",
        );
    }
}

#[tokio::test]
async fn the_registry_lists_filters_and_revokes() {
    let (engines, fixtures) = fixtures("honors_registry").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let mut ids = vec![];
        for (org, by, title, level, year) in [
            (
                f.enterprise,
                f.shishou,
                "模范职工小家",
                HonorLevel::County,
                2024,
            ),
            (f.joint, f.shishou, "工人先锋号", HonorLevel::County, 2025),
            (
                f.jl_union,
                f.jiangling,
                "模范职工小家",
                HonorLevel::County,
                2025,
            ),
            (f.shishou, f.root, "先进县级工会", HonorLevel::City, 2025),
        ] {
            let mut h = honor(title, level);
            h.year = year;
            ids.push(store.record_honor(&sys(), org, by, h).await.unwrap());
        }
        let shishou = store.org(f.shishou).await.unwrap();
        let all = store
            .honors_in(&shishou, &HonorFilter::default())
            .await
            .unwrap();
        assert_eq!(all.len(), 3, "{eng}: the county's subtree only");
        assert!(all.iter().all(|h| h.org_id != f.jl_union), "{eng}");
        assert_eq!(all[0].year, 2025, "{eng}: newest first");
        let f2025 = HonorFilter {
            year: Some(2025),
            ..Default::default()
        };
        assert_eq!(
            store.honors_in(&shishou, &f2025).await.unwrap().len(),
            2,
            "{eng}"
        );
        let small = HonorFilter {
            title: Some("小家".into()),
            ..Default::default()
        };
        assert_eq!(
            store.honors_in(&shishou, &small).await.unwrap().len(),
            1,
            "{eng}"
        );
        let city = HonorFilter {
            level: Some(HonorLevel::City),
            source: Some(HonorSource::Nomination),
            ..Default::default()
        };
        assert_eq!(
            store.honors_in(&shishou, &city).await.unwrap().len(),
            1,
            "{eng}"
        );
        let campaign = HonorFilter {
            source: Some(HonorSource::Campaign),
            ..Default::default()
        };
        assert!(
            store
                .honors_in(&shishou, &campaign)
                .await
                .unwrap()
                .is_empty(),
            "{eng}"
        );

        // Refusals of the form write nothing.
        let before = counts(store).await;
        let mut bad = honor("  ", HonorLevel::County);
        expect_invalid(
            eng,
            store
                .record_honor(&sys(), f.enterprise, f.shishou, bad.clone())
                .await,
            Some("title"),
            "请填写荣誉称号",
        );
        bad.title = "模范职工小家".into();
        bad.year = 1900;
        expect_invalid(
            eng,
            store
                .record_honor(&sys(), f.enterprise, f.shishou, bad.clone())
                .await,
            Some("year"),
            "年度应在1949",
        );
        bad.year = 2025;
        bad.recipient = RecipientKind::Person;
        bad.person_name = Some("张3".into());
        expect_invalid(
            eng,
            store
                .record_honor(&sys(), f.enterprise, f.shishou, bad.clone())
                .await,
            Some("person_name"),
            "不能有数字",
        );
        bad.recipient = RecipientKind::Org;
        expect_invalid(
            eng,
            store.record_honor(&sys(), f.jl_union, f.shishou, bad).await,
            None,
            "不在石首市总工会的管理范围内",
        );
        expect_invalid(
            eng,
            store.revoke_honor(&sys(), ids[0], " ").await,
            Some("reason"),
            "请填写撤销原因",
        );
        assert_nothing_written(eng, store, &before, "invalid honors").await;

        store
            .revoke_honor(&sys(), ids[0], "复查发现材料不实")
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, before[0].1 + 1, "{eng}");
        let h = store.honor(ids[0]).await.unwrap();
        assert!(h.revoked(), "{eng}");
        assert_eq!(
            h.revoke_reason.as_deref(),
            Some("复查发现材料不实"),
            "{eng}"
        );
        let before = counts(store).await;
        expect_invalid(
            eng,
            store.revoke_honor(&sys(), ids[0], "再次撤销").await,
            None,
            "已于",
        );
        assert_nothing_written(eng, store, &before, "a second revocation").await;
        // A revoked honor stays in the registry, marked.
        let all = store
            .honors_in(&shishou, &HonorFilter::default())
            .await
            .unwrap();
        assert!(all.iter().any(|h| h.id == ids[0] && h.revoked()), "{eng}");
    }
}
