//! 统计: live numbers for any org's subtree as of any date, checked against expectations
//! computed by hand on the fixture city (a joint union covering several units, a subtree moved
//! on a date, transfers and exits, filters, the rates, the “new” counts of a period); the lists
//! behind the numbers; the maintained counts against a recomputation from scratch after moves,
//! merges, transfers, exits and coverage changes; and the 五个清 surveys. Both engines.

mod common;

use chrono::NaiveDate;
use common::*;
use gonghui_domain::{
    GrassrootsKind, IndustryCode, MemberStatus, NoUnionReason, OrgKind, Ownership, Period,
    SurveyInput,
};
use gonghui_store::stats::check_maintained_counts;
use gonghui_store::{
    Error, OwnershipFilter, Stats, StatsFilter, StatsListKind, StatsQuery, Store, SurveyedFilter,
    Visibility,
};

/// (grassroots, covered units, units without a union, employees of covered units, members)
type Nums = (i64, i64, i64, i64, i64);

fn nums(s: &Stats) -> Nums {
    (
        s.grassroots,
        s.covered_units,
        s.uncovered_units,
        s.employees_in_covered_units,
        s.members,
    )
}

fn now() -> StatsQuery {
    StatsQuery::default()
}

fn at(d: NaiveDate) -> StatsQuery {
    StatsQuery {
        as_of: Some(d),
        ..StatsQuery::default()
    }
}

fn filtered(f: StatsFilter) -> StatsQuery {
    StatsQuery {
        filter: f,
        ..StatsQuery::default()
    }
}

fn computed(q: &StatsQuery) -> StatsQuery {
    StatsQuery {
        force_computed: true,
        ..q.clone()
    }
}

async fn stats(store: &Store, id: i64, q: &StatsQuery) -> Stats {
    store
        .stats(id, q, &Visibility::All)
        .await
        .unwrap_or_else(|e| panic!("stats of {id}: {e:?}"))
}

/// The maintained counts agree with a recomputation from scratch.
async fn assert_maintained(eng: &str, store: &Store, after: &str) {
    let diffs = check_maintained_counts(store).await.expect("check counts");
    assert!(
        diffs.is_empty(),
        "{eng}: after {after}, maintained counts differ from a recomputation:\n{}",
        diffs.join("\n")
    );
}

/// Every number of the live answer equals the one computed from the base tables.
async fn assert_live_equals_computed(eng: &str, store: &Store, id: i64, q: &StatsQuery) {
    let live = stats(store, id, q).await;
    let slow = stats(store, id, &computed(q)).await;
    assert!(live.live && !slow.live, "{eng}: answered both ways");
    let strip = |s: &Stats| {
        let mut s = s.clone();
        s.live = false;
        serde_json::to_value(s).unwrap()
    };
    assert_eq!(
        strip(&live),
        strip(&slow),
        "{eng}: org {id} live ≠ computed"
    );
}

/// The city of the fixture after a few dated changes (see `scenario_is_as_computed_by_hand`).
struct Scenario {
    newu: i64,
    unit_h: i64,
    unit_i: i64,
    zhouqiang: i64,
}

fn d1() -> NaiveDate {
    date(2024, 1, 1)
}

fn d2() -> NaiveDate {
    date(2024, 7, 1)
}

async fn scenario(store: &Store, f: &Fixture) -> Scenario {
    let a = sys();
    // Two more small units, covered by the joint union since 2022.
    let unit_h = store
        .create_unit(
            &a,
            unit_input(
                enterprise_uscc("421081", 108),
                "新厂镇顺达快递站",
                "421081",
                20,
                10,
            ),
            None,
        )
        .await
        .unwrap();
    let unit_i = store
        .create_unit(
            &a,
            unit_input(
                enterprise_uscc("421081", 109),
                "新厂镇惠民药店",
                "421081",
                12,
                6,
            ),
            None,
        )
        .await
        .unwrap();
    for u in [unit_h, unit_i] {
        store
            .cover_unit(&a, u, f.joint, Some(date(2022, 1, 1)))
            .await
            .unwrap();
    }
    // The joint union moves from the township to 江陵县 on 2024-06-01.
    store
        .move_org(&a, f.joint, f.jiangling, Some(date(2024, 6, 1)), None)
        .await
        .unwrap();
    // 张伟 transfers to 江陵's union; 刘洋 leaves.
    store
        .transfer_member(&a, f.ent_members[0], f.jl_union, Some(date(2024, 3, 1)))
        .await
        .unwrap();
    store
        .set_member_status(
            &a,
            f.joint_members[0],
            MemberStatus::Left,
            Some(date(2024, 8, 1)),
        )
        .await
        .unwrap();
    // A union founded in 2024 under the township, with one member.
    let mut input = grassroots(GrassrootsKind::Enterprise, "新厂镇物流企业工会", "421081");
    input.founded_on = Some(date(2024, 5, 10));
    let newu = store
        .create_org(&a, f.township, input, Some(date(2024, 5, 10)))
        .await
        .unwrap();
    let zhouqiang = store
        .create_member(
            &a,
            newu,
            member_input(
                "周强",
                id_number("421081", "19920302", 41),
                date(2024, 5, 20),
            ),
        )
        .await
        .unwrap();
    Scenario {
        newu,
        unit_h,
        unit_i,
        zhouqiang,
    }
}

#[tokio::test]
async fn fixture_numbers_as_computed_by_hand() {
    let (engines, fixtures) = fixtures("stats_fixture").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let root = stats(store, f.root, &now()).await;
        assert!(root.live && root.existed, "{eng}");
        // A,B,C,D,G covered (B and C by the joint union); E and F without a union.
        assert_eq!(nums(&root), (4, 5, 2, 483, 7), "{eng}: root");
        assert_eq!(root.directory_units, 7, "{eng}");
        assert_eq!(root.unionization_rate, Some(0.7143), "{eng}: 5/7");
        assert_eq!(root.membership_rate, Some(0.0145), "{eng}: 7/483");
        assert_eq!(root.employees_of_counted_unions, 483, "{eng}");
        assert_eq!(root.orgs, 10, "{eng}");
        assert_eq!(root.women_employees_in_covered_units, 136, "{eng}");
        assert_eq!(root.employees_in_uncovered_units, 80, "{eng}");
        // Sex comes from the ID number: 李娜, 陈静 and 赵敏.
        assert_eq!(root.women_members, 3, "{eng}");
        assert_eq!(root.non_public_grassroots, 4, "{eng}");
        let kinds: Vec<(String, i64)> = root
            .grassroots_by_kind
            .iter()
            .map(|k| (k.kind.clone(), k.count))
            .collect();
        assert_eq!(kinds[0], ("enterprise".into(), 3), "{eng}");
        assert_eq!(kinds[3], ("joint".into(), 1), "{eng}");
        assert_eq!(root.directory_region.as_deref(), Some("4210"), "{eng}");

        let shishou = stats(store, f.shishou, &now()).await;
        assert_eq!(nums(&shishou), (2, 3, 1, 143, 5), "{eng}: 石首");
        assert_eq!(shishou.unionization_rate, Some(0.75), "{eng}");
        // The township shares 石首's code: its directory is its covered units only.
        let township = stats(store, f.township, &now()).await;
        assert_eq!(nums(&township), (2, 3, 0, 143, 5), "{eng}: 新厂镇");
        assert_eq!(township.directory_region, None, "{eng}");
        assert_eq!(township.unionization_rate, Some(1.0), "{eng}");
        let jiangling = stats(store, f.jiangling, &now()).await;
        assert_eq!(nums(&jiangling), (1, 1, 1, 40, 1), "{eng}: 江陵");
        // An industrial union organizes by trade: no region of units without a union.
        let industrial = stats(store, f.industrial, &now()).await;
        assert_eq!(nums(&industrial), (1, 1, 0, 300, 1), "{eng}: 建设工会");
        // A sector federation's member union is counted in its own county, never again.
        let sector = stats(store, f.sector, &now()).await;
        assert_eq!(nums(&sector), (0, 0, 0, 0, 0), "{eng}: sector federation");
        // New in a period: every union was founded in 2020, every member joined in 2021.
        let y = |year| StatsQuery {
            period: Some(Period::year(year)),
            ..now()
        };
        let s = stats(store, f.root, &y(2020)).await;
        assert_eq!((s.new_grassroots, s.new_members), (4, 0), "{eng}");
        let s = stats(store, f.root, &y(2021)).await;
        assert_eq!((s.new_grassroots, s.new_members), (0, 7), "{eng}");
        for id in [f.root, f.shishou, f.township, f.jiangling, f.industrial] {
            assert_live_equals_computed(eng, store, id, &now()).await;
            assert_live_equals_computed(eng, store, id, &y(2021)).await;
        }
        assert_maintained(eng, store, "the fixture").await;
    }
}

#[tokio::test]
async fn scenario_is_as_computed_by_hand() {
    let (engines, fixtures) = fixtures("stats_scenario").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let sc = scenario(store, f).await;
        assert_maintained(eng, store, "the scenario").await;

        // Before the move (2024-01-01): the joint union and its units H, I count under 石首.
        // A–G were covered only from today, so on that date they had no union.
        let q = at(d1());
        assert_eq!(
            nums(&stats(store, f.shishou, &q).await),
            (2, 2, 4, 32, 5),
            "{eng}: 石首 before the move"
        );
        assert_eq!(
            nums(&stats(store, f.township, &q).await),
            (2, 2, 0, 32, 5),
            "{eng}: 新厂镇 before the move"
        );
        assert_eq!(
            nums(&stats(store, f.jiangling, &q).await),
            (1, 0, 2, 0, 1),
            "{eng}: 江陵 before the move"
        );
        let root = stats(store, f.root, &q).await;
        assert!(!root.live, "{eng}: a past date is computed");
        assert_eq!(nums(&root), (4, 2, 7, 32, 7), "{eng}: root before");
        assert_eq!(root.directory_units, 9, "{eng}");
        // The union founded in May 2024 did not exist yet.
        let newu = stats(store, sc.newu, &q).await;
        assert!(!newu.existed, "{eng}");
        assert_eq!(nums(&newu), (0, 0, 0, 0, 0), "{eng}");

        // After the move (2024-07-01): the joint union counts under 江陵; H and I are 石首's
        // region but held by a union of 江陵, so they leave 石首's directory altogether.
        let q = at(d2());
        assert_eq!(
            nums(&stats(store, f.shishou, &q).await),
            (2, 0, 4, 0, 3),
            "{eng}: 石首 after the move"
        );
        assert_eq!(
            nums(&stats(store, f.jiangling, &q).await),
            (2, 2, 2, 32, 4),
            "{eng}: 江陵 after the move"
        );
        assert_eq!(
            nums(&stats(store, f.root, &q).await),
            (5, 2, 7, 32, 8),
            "{eng}: root after"
        );
        let (me, kids) = store
            .children_stats(f.root, &q, &Visibility::All)
            .await
            .unwrap();
        assert_eq!(nums(&me), (5, 2, 7, 32, 8), "{eng}");
        let by_name: Vec<(String, i64, i64)> = kids
            .iter()
            .map(|k| (k.org_name.clone(), k.grassroots, k.members))
            .collect();
        assert_eq!(
            by_name,
            vec![
                ("江陵县总工会".into(), 2, 4),
                ("荆州市建设工会".into(), 1, 1),
                ("石首市总工会".into(), 2, 3),
            ],
            "{eng}: children on 2024-07-01"
        );
        let (_, kids) = store
            .children_stats(f.jiangling, &at(d1()), &Visibility::All)
            .await
            .unwrap();
        assert_eq!(kids.len(), 1, "{eng}: 江陵 had one child before the move");

        // Today.
        assert_eq!(
            nums(&stats(store, f.shishou, &now()).await),
            (2, 1, 1, 120, 3),
            "{eng}: 石首 today"
        );
        let jl = stats(store, f.jiangling, &now()).await;
        assert_eq!(nums(&jl), (2, 5, 1, 95, 3), "{eng}: 江陵 today");
        let root = stats(store, f.root, &now()).await;
        assert_eq!(nums(&root), (5, 7, 2, 515, 7), "{eng}: root today");
        assert_eq!(root.directory_units, 9, "{eng}");
        assert_eq!(root.women_members, 3, "{eng}");
        // New in 2024: the union founded in May and 周强 who joined it.
        let y2024 = StatsQuery {
            period: Some(Period::year(2024)),
            ..now()
        };
        let s24 = stats(store, f.root, &y2024).await;
        assert_eq!((s24.new_grassroots, s24.new_members), (1, 1), "{eng}");
        // 刘洋 joined in 2021 and left: six of 2021's members remain.
        let y2021 = StatsQuery {
            period: Some(Period::year(2021)),
            ..now()
        };
        assert_eq!(stats(store, f.root, &y2021).await.new_members, 6, "{eng}");
        // A period that is not whole years.
        let may = StatsQuery {
            period: Some(Period::new(date(2024, 5, 1), date(2024, 5, 31)).unwrap()),
            ..now()
        };
        let s = stats(store, f.shishou, &may).await;
        assert_eq!((s.new_grassroots, s.new_members), (1, 1), "{eng}");
        let june = StatsQuery {
            period: Some(Period::new(date(2024, 6, 1), date(2024, 12, 31)).unwrap()),
            ..now()
        };
        let s = stats(store, f.root, &june).await;
        assert_eq!((s.new_grassroots, s.new_members), (0, 0), "{eng}");
        // As of a date, with its period.
        let s = stats(
            store,
            f.root,
            &StatsQuery {
                as_of: Some(d2()),
                period: Some(Period::year(2024)),
                ..now()
            },
        )
        .await;
        assert_eq!((s.new_grassroots, s.new_members), (1, 1), "{eng}");

        // Members over time.
        let years = store
            .members_by_year(f.root, &now(), &Visibility::All)
            .await
            .unwrap();
        let years: Vec<(i64, i64, i64)> =
            years.iter().map(|y| (y.year, y.joined, y.total)).collect();
        assert_eq!(years, vec![(2021, 6, 6), (2024, 1, 7)], "{eng}");
        let past = store
            .members_by_year(f.root, &at(d1()), &Visibility::All)
            .await
            .unwrap();
        assert_eq!(past.len(), 1, "{eng}");
        assert_eq!((past[0].year, past[0].joined), (2021, 7), "{eng}");
        let forced = store
            .members_by_year(f.root, &computed(&now()), &Visibility::All)
            .await
            .unwrap();
        assert_eq!(
            forced
                .iter()
                .map(|y| (y.year, y.joined, y.total))
                .collect::<Vec<_>>(),
            years,
            "{eng}"
        );

        for id in [f.root, f.shishou, f.township, f.jiangling, f.joint, sc.newu] {
            assert_live_equals_computed(eng, store, id, &now()).await;
            assert_live_equals_computed(eng, store, id, &y2024).await;
            assert_live_equals_computed(eng, store, id, &may).await;
        }
        let _ = (sc.unit_h, sc.unit_i, sc.zhouqiang);
    }
}

#[tokio::test]
async fn filters_select_units_and_the_unions_holding_them() {
    let (engines, fixtures) = fixtures("stats_filters").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let _s = scenario(store, f).await;
        let a = sys();
        // 城建集团 is state-owned and 三上; 楚源纺织 is in 纺织业 (C17); the 餐馆 is in a park.
        let mut d = unit_input(
            enterprise_uscc("421002", 104),
            "荆州市城建集团有限公司",
            "421002",
            300,
            40,
        );
        d.ownership = Ownership::State;
        d.above_scale = true;
        store.update_unit(&a, f.unit_d, d).await.unwrap();
        let mut ua = unit_input(
            enterprise_uscc("421081", 101),
            "石首市楚源纺织有限公司",
            "421081",
            120,
            70,
        );
        ua.industry = Some(IndustryCode::parse("C17").unwrap());
        store.update_unit(&a, f.unit_a, ua).await.unwrap();
        let mut ub = unit_input(
            enterprise_uscc("421081", 102),
            "新厂镇汇丰餐馆",
            "421081",
            15,
            9,
        );
        ub.park = Some("新厂镇工业园".into());
        store.update_unit(&a, f.unit_b, ub).await.unwrap();
        assert_maintained(eng, store, "unit edits").await;

        let check = |what: &'static str, filter: StatsFilter, want: Nums, members_want| {
            let q = filtered(filter);
            async move {
                let s = stats(store, f.root, &q).await;
                assert!(!s.live, "{eng}: {what} is computed");
                assert_eq!(nums(&s), want, "{eng}: root, {what}");
                assert_eq!(s.members, members_want, "{eng}: {what}");
                s
            }
        };
        // 非公: every unit but 城建集团; the construction union no longer counts.
        let s = check(
            "非公",
            StatsFilter {
                ownership: Some(OwnershipFilter::NonPublic),
                ..Default::default()
            },
            (3, 6, 2, 215, 5),
            5,
        )
        .await;
        assert_eq!(s.non_public_grassroots, 3, "{eng}");
        assert_eq!(s.unionization_rate, Some(0.75), "{eng}: 6/8");
        check(
            "国有",
            StatsFilter {
                ownership: Some(OwnershipFilter::Is(Ownership::State)),
                ..Default::default()
            },
            (1, 1, 0, 300, 1),
            1,
        )
        .await;
        check(
            "职工100人以上",
            StatsFilter {
                min_employees: Some(100),
                ..Default::default()
            },
            (2, 2, 0, 420, 3),
            3,
        )
        .await;
        check(
            "三上",
            StatsFilter {
                above_scale: true,
                ..Default::default()
            },
            (1, 1, 0, 300, 1),
            1,
        )
        .await;
        // A joint union counts all its members when one of its units is selected; the rate's
        // denominator is then the employees of all its units (B, C, H, I), not of B alone.
        let s = check(
            "园区",
            StatsFilter {
                park: Some("新厂镇工业园".into()),
                ..Default::default()
            },
            (1, 1, 0, 15, 1),
            1,
        )
        .await;
        assert_eq!(s.employees_of_counted_unions, 55, "{eng}");
        assert_eq!(s.membership_rate, Some(0.0182), "{eng}: 1/55");
        check(
            "石首的单位",
            StatsFilter {
                region: Some("421081".into()),
                ..Default::default()
            },
            (2, 5, 1, 175, 3),
            3,
        )
        .await;
        check(
            "制造业",
            StatsFilter {
                industry: Some(IndustryCode::parse("C").unwrap()),
                ..Default::default()
            },
            (1, 1, 0, 120, 2),
            2,
        )
        .await;
        // The kind filter selects unions; units without a union stay in the directory.
        let s = check(
            "联合基层工会",
            StatsFilter {
                grassroots_kind: Some(GrassrootsKind::Joint),
                ..Default::default()
            },
            (1, 4, 2, 55, 1),
            1,
        )
        .await;
        assert_eq!(s.directory_units, 6, "{eng}");
        check(
            "江陵的企业工会",
            StatsFilter {
                grassroots_kind: Some(GrassrootsKind::Enterprise),
                region: Some("421024".into()),
                ..Default::default()
            },
            (1, 1, 1, 40, 2),
            2,
        )
        .await;
        // A filter on a past date: only H and I were covered in 石首's region then.
        let q = StatsQuery {
            as_of: Some(d2()),
            filter: StatsFilter {
                region: Some("421081".into()),
                ..Default::default()
            },
            ..now()
        };
        assert_eq!(
            nums(&stats(store, f.root, &q).await),
            (1, 2, 4, 32, 2),
            "{eng}: 石首's units on 2024-07-01"
        );
        // Children under a filter.
        let (_, kids) = store
            .children_stats(
                f.root,
                &filtered(StatsFilter {
                    min_employees: Some(100),
                    ..Default::default()
                }),
                &Visibility::All,
            )
            .await
            .unwrap();
        let got: Vec<(String, i64)> = kids
            .iter()
            .map(|k| (k.org_name.clone(), k.covered_units))
            .collect();
        assert_eq!(
            got,
            vec![
                ("江陵县总工会".into(), 0),
                ("荆州市建设工会".into(), 1),
                ("石首市总工会".into(), 1),
            ],
            "{eng}"
        );
    }
}

#[tokio::test]
async fn lists_hold_the_records_behind_each_number() {
    let (engines, fixtures) = fixtures("stats_lists").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let _s = scenario(store, f).await;
        let y2024 = StatsQuery {
            period: Some(Period::year(2024)),
            ..now()
        };
        let questions = [
            now(),
            y2024.clone(),
            at(d1()),
            at(d2()),
            filtered(StatsFilter {
                region: Some("421081".into()),
                ..Default::default()
            }),
            filtered(StatsFilter {
                grassroots_kind: Some(GrassrootsKind::Joint),
                ..Default::default()
            }),
        ];
        for q in &questions {
            for id in [f.root, f.shishou, f.jiangling, f.township] {
                let s = stats(store, id, q).await;
                for (kind, want) in [
                    (StatsListKind::Grassroots, s.grassroots),
                    (StatsListKind::NonPublicGrassroots, s.non_public_grassroots),
                    (StatsListKind::NewGrassroots, s.new_grassroots),
                    (StatsListKind::DirectoryUnits, s.directory_units),
                    (StatsListKind::CoveredUnits, s.covered_units),
                    (StatsListKind::UncoveredUnits, s.uncovered_units),
                    (StatsListKind::Members, s.members),
                    (StatsListKind::WomenMembers, s.women_members),
                    (StatsListKind::MigrantMembers, s.migrant_members),
                    (StatsListKind::DispatchedMembers, s.dispatched_members),
                    (
                        StatsListKind::NewEmploymentMembers,
                        s.new_employment_members,
                    ),
                    (StatsListKind::NewMembers, s.new_members),
                ] {
                    let list = store
                        .stats_list(id, kind, q, &Visibility::All, 0, 100)
                        .await
                        .unwrap_or_else(|e| panic!("{eng}: list {kind:?}: {e:?}"));
                    let rows = match &list.rows {
                        gonghui_store::StatsRows::Orgs(r) => r.len(),
                        gonghui_store::StatsRows::Units(r) => r.len(),
                        gonghui_store::StatsRows::Members(r) => r.len(),
                    };
                    assert_eq!(
                        (list.total, rows as i64),
                        (want, want),
                        "{eng}: {kind:?} of org {id} for {q:?}"
                    );
                }
            }
        }
        // Paging over the directory: covered units first, then those without a union.
        let all = store
            .stats_list(
                f.root,
                StatsListKind::DirectoryUnits,
                &now(),
                &Visibility::All,
                0,
                100,
            )
            .await
            .unwrap();
        let mut paged = vec![];
        for offset in (0..9).step_by(2) {
            let page = store
                .stats_list(
                    f.root,
                    StatsListKind::DirectoryUnits,
                    &now(),
                    &Visibility::All,
                    offset,
                    2,
                )
                .await
                .unwrap();
            if let gonghui_store::StatsRows::Units(r) = page.rows {
                paged.extend(r.into_iter().map(|u| u.id));
            }
        }
        let gonghui_store::StatsRows::Units(all) = all.rows else {
            panic!("units")
        };
        assert_eq!(paged, all.iter().map(|u| u.id).collect::<Vec<_>>(), "{eng}");
        assert!(all[7].covering_org_id.is_none() && all[6].covering_org_id.is_some());
        // Members are listed with masked ID numbers.
        let m = store
            .stats_list(
                f.root,
                StatsListKind::WomenMembers,
                &now(),
                &Visibility::All,
                0,
                10,
            )
            .await
            .unwrap();
        let gonghui_store::StatsRows::Members(m) = m.rows else {
            panic!("members")
        };
        assert!(m.iter().all(|m| m.id_number.contains('*')), "{eng}: masked");
    }
}

#[tokio::test]
async fn scope_and_refusals() {
    let (engines, fixtures) = fixtures("stats_scope").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let shishou = store.org(f.shishou).await.unwrap();
        let county = Visibility::Within {
            subtrees: vec![shishou.path.clone()],
            unit_regions: vec!["421081".into()],
        };
        assert!(
            matches!(
                store.stats(f.jiangling, &now(), &county).await,
                Err(Error::Forbidden)
            ),
            "{eng}: a sibling county is refused"
        );
        assert!(matches!(
            store.stats(f.root, &now(), &county).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            store
                .stats_list(f.jiangling, StatsListKind::Members, &now(), &county, 0, 10)
                .await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            store
                .worklist(
                    f.jiangling,
                    &StatsFilter::default(),
                    SurveyedFilter::Any,
                    &county,
                    0,
                    10
                )
                .await,
            Err(Error::Forbidden)
        ));
        let s = store.stats(f.shishou, &now(), &county).await.unwrap();
        assert_eq!(nums(&s), (2, 3, 1, 143, 5), "{eng}");
        // Without the directory of the region, only covered units count.
        let no_dir = Visibility::Within {
            subtrees: vec![shishou.path.clone()],
            unit_regions: vec![],
        };
        let s = store.stats(f.shishou, &now(), &no_dir).await.unwrap();
        assert_eq!((s.uncovered_units, s.directory_region), (0, None), "{eng}");
        // A chair sees their own union only.
        let ent = store.org(f.enterprise).await.unwrap();
        let chair = Visibility::Within {
            subtrees: vec![ent.path.clone()],
            unit_regions: vec![],
        };
        assert_eq!(
            nums(&store.stats(f.enterprise, &now(), &chair).await.unwrap()),
            (1, 1, 0, 120, 3),
            "{eng}"
        );
        assert!(matches!(
            store.stats(f.township, &now(), &chair).await,
            Err(Error::Forbidden)
        ));
        // A date in the future, a period that runs backwards.
        let tomorrow = chrono::Local::now().date_naive() + chrono::TimeDelta::days(1);
        expect_invalid(
            eng,
            store.stats(f.root, &at(tomorrow), &Visibility::All).await,
            Some("as_of"),
            "晚于今天",
        );
        assert!(Period::new(date(2025, 2, 1), date(2025, 1, 1)).is_err());
    }
}

#[tokio::test]
async fn worklist_and_five_clear_surveys() {
    let (engines, fixtures) = fixtures("stats_worklist").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let all = StatsFilter::default();
        let w = store
            .worklist(
                f.shishou,
                &all,
                SurveyedFilter::Any,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(
            (w.region.as_deref(), w.shared, w.total, w.surveyed),
            (Some("421081"), false, 1, 0),
            "{eng}"
        );
        assert_eq!(w.rows[0].id, f.unit_e, "{eng}");
        // The township shares the county's region: it sees the same list, marked as shared.
        let w = store
            .worklist(
                f.township,
                &all,
                SurveyedFilter::Any,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!((w.shared, w.total), (true, 1), "{eng}");
        let w = store
            .worklist(f.root, &all, SurveyedFilter::Any, &Visibility::All, 0, 50)
            .await
            .unwrap();
        assert_eq!(w.total, 2, "{eng}");
        assert_eq!(w.employees, 80, "{eng}");
        let big = StatsFilter {
            min_employees: Some(40),
            ..Default::default()
        };
        let w = store
            .worklist(f.root, &big, SurveyedFilter::Any, &Visibility::All, 0, 50)
            .await
            .unwrap();
        assert_eq!(w.total, 1, "{eng}: only E has 40 or more");
        // Industrial unions and grassroots unions have no region of their own.
        let w = store
            .worklist(
                f.industrial,
                &all,
                SurveyedFilter::Any,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!((w.region, w.total), (None, 0), "{eng}");

        let survey = SurveyInput {
            staff_distribution: "厂区在石首市经济开发区，另有门店1处".into(),
            operations: "正常生产，年产值约800万元".into(),
            workforce: "职工50人，其中农民工20人".into(),
            investor: "法定代表人李某，支持建会".into(),
            reason: NoUnionReason::Preparing,
            reason_text: None,
            surveyed_on: date(2026, 1, 5),
            surveyed_by: "王芳".into(),
        };
        // Refusals change nothing: a missing field, a covered unit.
        let before = snapshot(store).await;
        let audits = audit_count(store).await;
        let mut bad = survey.clone();
        bad.workforce = "".into();
        expect_invalid(
            eng,
            store.record_survey(&sys(), f.unit_e, bad).await,
            Some("workforce"),
            "职工队伍情况",
        );
        let mut bad = survey.clone();
        bad.reason = NoUnionReason::Other;
        expect_invalid(
            eng,
            store.record_survey(&sys(), f.unit_e, bad).await,
            Some("reason_text"),
            "其他原因",
        );
        expect_invalid(
            eng,
            store.record_survey(&sys(), f.unit_a, survey.clone()).await,
            None,
            "已经建会",
        );
        assert_unchanged(eng, store, &before, "refused surveys").await;
        assert_eq!(audit_count(store).await, audits, "{eng}");

        let id = store
            .record_survey(&sys(), f.unit_e, survey.clone())
            .await
            .unwrap();
        assert!(id > 0);
        assert_eq!(audit_count(store).await, audits + 1, "{eng}: audited");
        let mut again = survey.clone();
        again.surveyed_on = date(2026, 3, 1);
        again.reason = NoUnionReason::EmployerReluctant;
        store.record_survey(&sys(), f.unit_e, again).await.unwrap();
        let history = store.unit_surveys(f.unit_e).await.unwrap();
        assert_eq!(history.len(), 2, "{eng}: every survey is kept");
        assert_eq!(
            history[0].reason, "employer_reluctant",
            "{eng}: newest first"
        );
        let w = store
            .worklist(
                f.shishou,
                &all,
                SurveyedFilter::Any,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(w.surveyed, 1, "{eng}");
        assert_eq!(
            (w.rows[0].surveyed_on, w.rows[0].surveys),
            (Some(date(2026, 3, 1)), 2),
            "{eng}"
        );
        assert_eq!(w.rows[0].reason_label(), "出资人（负责人）不支持", "{eng}");
        let w = store
            .worklist(
                f.root,
                &all,
                SurveyedFilter::NotSurveyed,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(
            (w.total, w.rows[0].id),
            (1, f.unit_f),
            "{eng}: F is still to survey"
        );
        // Once covered, a unit leaves the worklist.
        store
            .cover_unit(&sys(), f.unit_e, f.joint, None)
            .await
            .unwrap();
        let w = store
            .worklist(
                f.shishou,
                &all,
                SurveyedFilter::Any,
                &Visibility::All,
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(w.total, 0, "{eng}");
    }
}

/// A small deterministic generator (the tests need no crate for it).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Scripted random writes through the services — joins, transfers, exits, retained
/// memberships, edits, coverage changes, new units, moves, merges, closes — after each of which
/// the maintained counts equal a recomputation from scratch, and the live answers equal the
/// computed ones.
#[tokio::test]
async fn maintained_counts_survive_any_sequence_of_writes() {
    let (engines, fixtures) = fixtures("stats_property").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let _s = scenario(store, f).await;
        let a = sys();
        let mut rng = Lcg(20_260_401);
        let mut seq = 100u32;
        let steps = 120;
        let mut done: Vec<&'static str> = vec![];
        for step in 0..steps {
            let orgs: Vec<(i64, String, String, String)> = {
                let mut tx = store.begin().await.unwrap();
                tx.all(
                    &sea_query::Query::select()
                        .columns(["id", "kind", "status", "path"])
                        .from(sea_query::Alias::new("orgs"))
                        .order_by("id", sea_query::Order::Asc)
                        .to_owned(),
                )
                .await
                .unwrap()
            };
            let active: Vec<&(i64, String, String, String)> =
                orgs.iter().filter(|o| o.2 == "active").collect();
            let unions: Vec<i64> = active
                .iter()
                .filter(|o| o.1 == "grassroots")
                .map(|o| o.0)
                .collect();
            let uppers: Vec<i64> = active
                .iter()
                .filter(|o| o.1 != "grassroots")
                .map(|o| o.0)
                .collect();
            let members: Vec<(i64, Option<i64>, String)> = {
                let mut tx = store.begin().await.unwrap();
                tx.all(
                    &sea_query::Query::select()
                        .columns(["id", "org_id", "status"])
                        .from(sea_query::Alias::new("members"))
                        .order_by("id", sea_query::Order::Asc)
                        .to_owned(),
                )
                .await
                .unwrap()
            };
            let units: Vec<(i64, Option<i64>)> = {
                let mut tx = store.begin().await.unwrap();
                tx.all(
                    &sea_query::Query::select()
                        .columns(["id", "covering_org_id"])
                        .from(sea_query::Alias::new("units"))
                        .order_by("id", sea_query::Order::Asc)
                        .to_owned(),
                )
                .await
                .unwrap()
            };
            let pick = |rng: &mut Lcg, v: &[i64]| v[rng.next(v.len())];
            let op = rng.next(12);
            let result: Result<(), Error> = match op {
                0 => {
                    seq += 1;
                    let org = pick(&mut rng, &unions);
                    let mut m = member_input(
                        "测试会员",
                        id_number("421081", "19900101", seq),
                        date(2020 + (seq % 6) as i32, 1 + seq % 12, 1),
                    );
                    m.migrant_worker = seq.is_multiple_of(2);
                    m.dispatched_worker = seq.is_multiple_of(3);
                    m.new_employment_group = seq
                        .is_multiple_of(4)
                        .then_some(gonghui_domain::NewEmploymentGroup::Courier);
                    store.create_member(&a, org, m).await.map(|_| ())
                }
                1 => {
                    let held: Vec<i64> = members
                        .iter()
                        .filter(|m| m.1.is_some())
                        .map(|m| m.0)
                        .collect();
                    if held.is_empty() {
                        Ok(())
                    } else {
                        let m = pick(&mut rng, &held);
                        let to = pick(&mut rng, &unions);
                        store.transfer_member(&a, m, to, None).await
                    }
                }
                2 => {
                    let held: Vec<i64> = members
                        .iter()
                        .filter(|m| m.1.is_some())
                        .map(|m| m.0)
                        .collect();
                    if held.is_empty() {
                        Ok(())
                    } else {
                        let m = pick(&mut rng, &held);
                        let status = [MemberStatus::Left, MemberStatus::Retained][rng.next(2)];
                        store.set_member_status(&a, m, status, None).await
                    }
                }
                3 => {
                    let uid = units[rng.next(units.len())].0;
                    let org = pick(&mut rng, &unions);
                    store.cover_unit(&a, uid, org, None).await
                }
                4 => {
                    let covered: Vec<i64> = units
                        .iter()
                        .filter(|u| u.1.is_some())
                        .map(|u| u.0)
                        .collect();
                    if covered.is_empty() {
                        Ok(())
                    } else {
                        store.uncover_unit(&a, pick(&mut rng, &covered), None).await
                    }
                }
                5 => {
                    seq += 1;
                    let region = ["421081", "421024", "421002"][rng.next(3)];
                    let mut u = unit_input(
                        enterprise_uscc(region, 1000 + seq),
                        &format!("测试单位{seq}号"),
                        region,
                        (seq as i64 * 7) % 200,
                        0,
                    );
                    u.ownership = Ownership::ALL[rng.next(Ownership::ALL.len())];
                    let cover = (rng.next(2) == 0).then(|| pick(&mut rng, &unions));
                    store.create_unit(&a, u, cover).await.map(|_| ())
                }
                6 => {
                    // Edit a unit: headcount, ownership, region.
                    let uid = units[rng.next(units.len())].0;
                    let cur = store.unit(uid).await.unwrap();
                    let region = ["421081", "421024", "421003"][rng.next(3)];
                    let mut u = unit_input(
                        gonghui_domain::Uscc::parse(&cur.uscc).unwrap(),
                        &cur.name,
                        region,
                        cur.employees + 5,
                        cur.women_employees,
                    );
                    u.ownership = Ownership::ALL[rng.next(Ownership::ALL.len())];
                    store.update_unit(&a, uid, u).await
                }
                7 => {
                    // Move an org under another upper org.
                    let movable: Vec<i64> = active
                        .iter()
                        .filter(|o| o.0 != f.root)
                        .map(|o| o.0)
                        .collect();
                    let org = pick(&mut rng, &movable);
                    let to = pick(&mut rng, &uppers);
                    store.move_org(&a, org, to, None, None).await
                }
                8 => {
                    // Merge a union into another.
                    if unions.len() < 3 {
                        Ok(())
                    } else {
                        let from = pick(&mut rng, &unions);
                        let into = pick(&mut rng, &unions);
                        store.merge_org(&a, from, into, None).await
                    }
                }
                9 => {
                    seq += 1;
                    let parent = pick(&mut rng, &uppers);
                    let kind = GrassrootsKind::ALL[rng.next(GrassrootsKind::ALL.len())];
                    let mut input = grassroots(kind, &format!("测试工会{seq}号"), "421081");
                    input.founded_on = Some(date(2018 + (seq % 8) as i32, 6, 1));
                    store.create_org(&a, parent, input, None).await.map(|_| ())
                }
                10 => {
                    // Close an org (refused unless it is empty).
                    let org = pick(&mut rng, &active.iter().map(|o| o.0).collect::<Vec<_>>());
                    store.close_org(&a, org, None).await
                }
                _ => {
                    // Edit a member's flags.
                    let held: Vec<i64> = members
                        .iter()
                        .filter(|m| m.1.is_some())
                        .map(|m| m.0)
                        .collect();
                    if held.is_empty() {
                        Ok(())
                    } else {
                        let id = pick(&mut rng, &held);
                        let m = store.member(id).await.unwrap();
                        let mut input = member_input(
                            &m.name,
                            gonghui_domain::IdNumber::parse(&m.id_number).unwrap(),
                            m.join_date,
                        );
                        input.migrant_worker = !m.migrant_worker;
                        input.new_employment_group = if m.new_employment_group.is_some() {
                            None
                        } else {
                            Some(gonghui_domain::NewEmploymentGroup::DeliveryRider)
                        };
                        store.update_member(&a, id, input).await
                    }
                }
            };
            let name = [
                "join",
                "transfer",
                "status",
                "cover",
                "uncover",
                "new unit",
                "edit unit",
                "move",
                "merge",
                "new union",
                "close",
                "edit member",
            ][op];
            if result.is_ok() {
                done.push(name);
            }
            if step % 10 == 9 || step == steps - 1 {
                assert_maintained(eng, store, &format!("step {step} ({name}, {result:?})")).await;
            }
        }
        // Every kind of write happened at least once.
        for name in [
            "join",
            "transfer",
            "status",
            "cover",
            "uncover",
            "new unit",
            "edit unit",
            "move",
            "merge",
            "new union",
            "edit member",
        ] {
            assert!(
                done.contains(&name),
                "{eng}: no successful {name} in {done:?}"
            );
        }
        let root = store.root().await.unwrap().unwrap();
        let mut ids = vec![root.id];
        for c in store.children(root.id, false, 0, 100).await.unwrap() {
            ids.push(c.id);
            for g in store.children(c.id, false, 0, 100).await.unwrap() {
                ids.push(g.id);
            }
        }
        let y = StatsQuery {
            period: Some(Period::year(2024)),
            ..now()
        };
        for id in ids {
            assert_live_equals_computed(eng, store, id, &now()).await;
            assert_live_equals_computed(eng, store, id, &y).await;
        }
        // The subtree totals of the org page agree with the statistics.
        let t = store.subtree_totals(&root).await.unwrap();
        let s = stats(store, root.id, &now()).await;
        assert_eq!(
            (t.orgs, t.grassroots, t.covered_units, t.members),
            (s.orgs, s.grassroots, s.covered_units, s.members),
            "{eng}"
        );
        let _ = OrgKind::Grassroots;
    }
}

/// `cargo test --release -p gonghui-store --test stats city_scale_timing -- --ignored --nocapture`
/// Times the statistics on the demo city (≈3,000 unions, 30,000 units, 300,000 members): the
/// maintained answer against the same numbers computed from the base tables, and a write.
#[tokio::test]
#[ignore = "generates the city: seconds in release, minutes in debug"]
async fn city_scale_timing() {
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    let t = Instant::now();
    gonghui_store::demo::generate(&store, gonghui_store::demo::Scale::City, 2026)
        .await
        .unwrap();
    println!("generated in {:?}", t.elapsed());
    let root = store.root().await.unwrap().unwrap();
    let county = store.children(root.id, false, 0, 5).await.unwrap()[0].id;
    let township = store
        .children(county, false, 0, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == OrgKind::AreaFederation)
        .max_by_key(|c| c.child_count)
        .unwrap()
        .id;
    let time = |label: &'static str, id: i64, q: StatsQuery| {
        let store = store.clone();
        async move {
            let mut best = std::time::Duration::MAX;
            let mut s = None;
            for _ in 0..5 {
                let t = Instant::now();
                s = Some(store.stats(id, &q, &Visibility::All).await.unwrap());
                best = best.min(t.elapsed());
            }
            let s = s.unwrap();
            println!(
                "{label:<28} org {id:>5}: {best:>10.3?}  members {} covered {} directory {}",
                s.members, s.covered_units, s.directory_units
            );
        }
    };
    for (name, id) in [
        ("root", root.id),
        ("county", county),
        ("township", township),
    ] {
        println!("-- {name}");
        time("live (maintained)", id, now()).await;
        time("computed, today", id, computed(&now())).await;
        time("as of 2024-09-30", id, at(date(2024, 9, 30))).await;
        time(
            "filtered: 非公, ≥25 employees",
            id,
            filtered(StatsFilter {
                ownership: Some(OwnershipFilter::NonPublic),
                min_employees: Some(25),
                ..Default::default()
            }),
        )
        .await;
        for q in [now(), computed(&now())] {
            let mut best = std::time::Duration::MAX;
            let mut rows = 0;
            for _ in 0..5 {
                let t = Instant::now();
                let (_, kids) = store
                    .children_stats(id, &q, &Visibility::All)
                    .await
                    .unwrap();
                best = best.min(t.elapsed());
                rows = kids.len();
            }
            println!(
                "children_stats (forced computation: {}), {rows} rows: {best:?}",
                q.force_computed
            );
        }
    }
    let unions: Vec<i64> = store
        .children(township, false, 0, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.is_grassroots())
        .map(|c| c.id)
        .collect();
    let t = Instant::now();
    for i in 0..50u32 {
        store
            .create_member(
                &sys(),
                unions[i as usize % unions.len()],
                member_input(
                    "计时会员",
                    id_number("421081", "19900101", 500 + i),
                    date(2025, 1, 1),
                ),
            )
            .await
            .unwrap();
    }
    println!("create_member with counts: {:?} each", t.elapsed() / 50);
    let t = Instant::now();
    let diffs = check_maintained_counts(&store).await.unwrap();
    println!(
        "full recount and compare: {:?}, {} differences",
        t.elapsed(),
        diffs.len()
    );
    assert!(diffs.is_empty(), "{diffs:?}");
}
