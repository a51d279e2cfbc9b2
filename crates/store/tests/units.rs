//! 单位与覆盖: a unit has at most one covering union, only a 联合基层工会 covers several,
//! coverage keeps its history, and bad unit data is refused without changing anything.

mod common;

use common::*;
use gonghui_domain::GrassrootsKind;

#[tokio::test]
async fn a_non_joint_union_covers_one_unit() {
    let (engines, fixtures) = fixtures("a_non_joint_union_covers_one_unit").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let msg = expect_invalid(
            eng,
            store.cover_unit(&sys(), f.unit_e, f.enterprise, None).await,
            Some("covering_org_id"),
            "联合基层工会",
        );
        assert!(
            msg.contains(ENTERPRISE_NAME),
            "{eng}: names the union: {msg}"
        );
        // Nor when the unit is created already covered: the unit is not inserted either.
        let new_unit = unit_input(
            enterprise_uscc("421081", 501),
            "石首市楚源纺织二厂",
            "421081",
            60,
            30,
        );
        expect_invalid(
            eng,
            store
                .create_unit(&sys(), new_unit, Some(f.enterprise))
                .await,
            Some("covering_org_id"),
            "联合基层工会",
        );
        // Other non-joint kinds are limited the same way.
        let inst = store
            .create_org(
                &sys(),
                f.township,
                grassroots(
                    GrassrootsKind::PublicInstitution,
                    "新厂镇中心学校工会",
                    "421081",
                ),
                None,
            )
            .await
            .unwrap();
        store
            .cover_unit(&sys(), f.unit_e, inst, None)
            .await
            .unwrap();
        let one = snapshot(store).await;
        let second = unit_input(
            enterprise_uscc("421081", 502),
            "新厂镇中心幼儿园",
            "421081",
            20,
            18,
        );
        expect_invalid(
            eng,
            store.create_unit(&sys(), second, Some(inst)).await,
            Some("covering_org_id"),
            "联合基层工会",
        );
        assert_unchanged(
            eng,
            store,
            &one,
            "a second unit for a public-institution union",
        )
        .await;
        assert_eq!(
            before.counts.iter().find(|c| c.0 == "units").unwrap().1,
            table_count(store, "units").await,
            "{eng}: no unit added"
        );
        // Covering the same unit again by its own union is refused too.
        expect_invalid(
            eng,
            store.cover_unit(&sys(), f.unit_a, f.enterprise, None).await,
            Some("covering_org_id"),
            "已由",
        );
        assert_unchanged(
            eng,
            store,
            &one,
            "covering a unit by the union that covers it",
        )
        .await;
    }
}

#[tokio::test]
async fn a_joint_union_covers_several_units() {
    let (engines, fixtures) = fixtures("a_joint_union_covers_several_units").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let audits = audit_count(store).await;
        store
            .cover_unit(&sys(), f.unit_e, f.joint, None)
            .await
            .unwrap();
        let u = unit_input(
            enterprise_uscc("421081", 601),
            "新厂镇阳光理发店",
            "421081",
            3,
            2,
        );
        let new_unit = store.create_unit(&sys(), u, Some(f.joint)).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 2,
            "{eng}: one audit record per write"
        );
        let mut covered: Vec<i64> = store
            .units_of(f.joint, 0, 50)
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        covered.sort();
        assert_eq!(
            covered,
            vec![f.unit_b, f.unit_c, f.unit_e, new_unit],
            "{eng}"
        );
        let cov = store.unit_coverages(f.unit_e).await.unwrap();
        assert_eq!(cov.len(), 1, "{eng}");
        assert_eq!((cov[0].org_id, cov[0].valid_to), (f.joint, None), "{eng}");
        assert_eq!(cov[0].org_name, "新厂镇小微企业联合工会", "{eng}");
        assert_eq!(
            totals(store, f.joint).await,
            (1, 1, 4, 76, 2),
            "{eng}: 15 + 8 + 50 + 3 employees"
        );
        assert_eq!(totals(store, f.shishou).await, (5, 2, 5, 196, 5), "{eng}");
    }
}

#[tokio::test]
async fn covering_by_another_union_ends_the_previous_coverage() {
    let (engines, fixtures) = fixtures("covering_by_another_union").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        // 汇丰餐馆 leaves the joint union for its own union in 江陵 (it moved).
        let own = store
            .create_org(
                &sys(),
                f.jiangling,
                grassroots(
                    GrassrootsKind::Enterprise,
                    "江陵县汇丰餐饮有限公司工会",
                    "421024",
                ),
                None,
            )
            .await
            .unwrap();
        let audits = audit_count(store).await;
        let coverage_rows = table_count(store, "unit_coverages").await;
        store.cover_unit(&sys(), f.unit_b, own, None).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: one audit record"
        );
        assert_eq!(
            table_count(store, "unit_coverages").await,
            coverage_rows + 1,
            "{eng}: one new coverage row"
        );
        let today = chrono::Local::now().date_naive();

        assert_eq!(
            store.unit(f.unit_b).await.unwrap().covering_org_id,
            Some(own),
            "{eng}"
        );
        let cov = store.unit_coverages(f.unit_b).await.unwrap();
        assert_eq!(cov.len(), 2, "{eng}: old and new coverage");
        assert_eq!(
            (cov[0].org_id, cov[0].valid_from, cov[0].valid_to),
            (own, today, None),
            "{eng}: new coverage is open"
        );
        assert_eq!(
            (cov[1].org_id, cov[1].valid_to),
            (f.joint, Some(today)),
            "{eng}: old coverage is closed"
        );
        assert_eq!(
            store.units_of(f.joint, 0, 50).await.unwrap().len(),
            1,
            "{eng}"
        );
        assert_eq!(
            totals(store, f.shishou).await,
            (5, 2, 2, 128, 5),
            "{eng}: 石首 lost the unit"
        );
        assert_eq!(
            totals(store, f.jiangling).await,
            (3, 2, 2, 55, 1),
            "{eng}: 江陵 gained it"
        );
        assert_eq!(
            totals(store, f.root).await,
            (11, 5, 5, 483, 7),
            "{eng}: counted once in the city"
        );

        // A coverage cannot end before it began.
        let before = snapshot(store).await;
        expect_invalid(
            eng,
            store
                .cover_unit(&sys(), f.unit_b, f.joint, Some(date(2020, 1, 1)))
                .await,
            Some("date"),
            "不能早于",
        );
        expect_invalid(
            eng,
            store
                .uncover_unit(&sys(), f.unit_b, Some(date(2020, 1, 1)))
                .await,
            Some("date"),
            "不能早于",
        );
        assert_unchanged(eng, store, &before, "back-dated coverage changes").await;
    }
}

#[tokio::test]
async fn only_grassroots_unions_cover_units() {
    let (engines, fixtures) = fixtures("only_grassroots_unions_cover_units").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        for org in [f.township, f.sector, f.shishou, f.root, f.industrial] {
            expect_invalid(
                eng,
                store.cover_unit(&sys(), f.unit_e, org, None).await,
                Some("covering_org_id"),
                "只有基层工会可以覆盖单位",
            );
        }
        let u = unit_input(
            enterprise_uscc("421081", 701),
            "石首市天鹅洲旅游公司",
            "421081",
            12,
            6,
        );
        expect_invalid(
            eng,
            store.create_unit(&sys(), u, Some(f.township)).await,
            Some("covering_org_id"),
            "只有基层工会",
        );
        expect_invalid(
            eng,
            store.cover_unit(&sys(), f.unit_e, 999_999, None).await,
            Some("covering_org_id"),
            "找不到",
        );
        assert!(
            matches!(
                store.cover_unit(&sys(), 999_999, f.joint, None).await,
                Err(gonghui_store::Error::NotFound(_))
            ),
            "{eng}"
        );
        assert_unchanged(eng, store, &before, "coverage by a non-grassroots org").await;
    }
}

#[tokio::test]
async fn uncovered_units_are_listed_by_region() {
    let (engines, fixtures) = fixtures("uncovered_units_are_listed_by_region").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let uncovered = |org: i64| async move {
            let org = store.org(org).await.unwrap();
            store
                .uncovered_units_in(&org, 0, 50)
                .await
                .unwrap()
                .into_iter()
                .map(|u| u.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(uncovered(f.shishou).await, vec![f.unit_e], "{eng}: 石首");
        assert_eq!(uncovered(f.jiangling).await, vec![f.unit_f], "{eng}: 江陵");
        assert_eq!(
            uncovered(f.root).await,
            vec![f.unit_e, f.unit_f],
            "{eng}: the city, largest first"
        );

        store
            .cover_unit(&sys(), f.unit_e, f.joint, None)
            .await
            .unwrap();
        assert!(
            uncovered(f.shishou).await.is_empty(),
            "{eng}: 石首 fully covered"
        );

        // The enterprise union loses its unit: the unit is uncovered again, history kept.
        let audits = audit_count(store).await;
        store.uncover_unit(&sys(), f.unit_a, None).await.unwrap();
        assert_eq!(audit_count(store).await, audits + 1, "{eng}");
        assert_eq!(uncovered(f.shishou).await, vec![f.unit_a], "{eng}");
        let cov = store.unit_coverages(f.unit_a).await.unwrap();
        assert_eq!(cov.len(), 1, "{eng}");
        assert!(
            cov[0].valid_to.is_some(),
            "{eng}: coverage closed, not deleted"
        );
        assert_eq!(totals(store, f.enterprise).await, (1, 1, 0, 0, 3), "{eng}");

        let before = snapshot(store).await;
        expect_invalid(
            eng,
            store.uncover_unit(&sys(), f.unit_a, None).await,
            None,
            "没有被工会覆盖",
        );
        assert_unchanged(eng, store, &before, "uncovering an uncovered unit").await;
    }
}

#[tokio::test]
async fn bad_unit_data_is_refused() {
    let (engines, fixtures) = fixtures("bad_unit_data_is_refused").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let u = |n: u32, employees: i64, women: i64| {
            unit_input(
                enterprise_uscc("421081", n),
                "石首市长江船舶修造厂",
                "421081",
                employees,
                women,
            )
        };
        expect_invalid(
            eng,
            store.create_unit(&sys(), u(801, 10, 11), None).await,
            Some("women_employees"),
            "不能多于",
        );
        expect_invalid(
            eng,
            store.create_unit(&sys(), u(802, 10, -1), None).await,
            Some("women_employees"),
            "负数",
        );
        expect_invalid(
            eng,
            store.create_unit(&sys(), u(803, -5, 0), None).await,
            Some("employees"),
            "职工人数不能是负数",
        );
        expect_invalid(
            eng,
            store.create_unit(&sys(), u(804, 2_000_000, 0), None).await,
            Some("employees"),
            "上限",
        );
        let mut union_code = u(805, 10, 5);
        union_code.uscc = union_uscc("421081", 805);
        expect_invalid(
            eng,
            store.create_unit(&sys(), union_code, None).await,
            Some("uscc"),
            "81",
        );
        let mut dup = u(806, 10, 5);
        dup.uscc = enterprise_uscc("421081", 101);
        expect_invalid(
            eng,
            store.create_unit(&sys(), dup, None).await,
            Some("uscc"),
            "已在单位名录中",
        );
        let mut short_name = u(807, 10, 5);
        short_name.name = "厂".into();
        expect_invalid(
            eng,
            store.create_unit(&sys(), short_name, None).await,
            Some("name"),
            "单位名称",
        );

        // Editing follows the same rules.
        let mut edit = unit_input(
            enterprise_uscc("421081", 101),
            "石首市楚源纺织有限公司",
            "421081",
            120,
            121,
        );
        expect_invalid(
            eng,
            store.update_unit(&sys(), f.unit_a, edit.clone()).await,
            Some("women_employees"),
            "不能多于",
        );
        edit.women_employees = 70;
        edit.uscc = enterprise_uscc("421081", 102);
        expect_invalid(
            eng,
            store.update_unit(&sys(), f.unit_a, edit.clone()).await,
            Some("uscc"),
            "已在单位名录中",
        );
        assert_unchanged(eng, store, &before, "bad unit data").await;

        // A good edit is one audit record and shows in the totals at once.
        let audits = audit_count(store).await;
        edit.uscc = enterprise_uscc("421081", 101);
        edit.employees = 150;
        store.update_unit(&sys(), f.unit_a, edit).await.unwrap();
        assert_eq!(audit_count(store).await, audits + 1, "{eng}");
        let a = store.unit(f.unit_a).await.unwrap();
        assert_eq!(
            (a.employees, a.women_employees, a.covering_org_id),
            (150, 70, Some(f.enterprise)),
            "{eng}: coverage kept on edit"
        );
        assert_eq!(
            totals(store, f.township).await.3,
            173,
            "{eng}: live numbers"
        );
    }
}
