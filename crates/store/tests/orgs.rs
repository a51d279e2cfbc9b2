//! 工会组织: the affiliation tree's rules, moves and merges with history, closing, union USCCs,
//! and subtree totals counted once along affiliation. Every test runs on every engine.

mod common;

use common::*;
use gonghui_domain::{AreaKind, GrassrootsKind, OrgKind};

#[tokio::test]
async fn only_one_root() {
    let engines = engines("only_one_root").await;
    for (eng, store) in engines.iter() {
        let empty = snapshot(store).await;
        let county_as_root = org_input(
            OrgKind::CountyFederation,
            None,
            SHISHOU_NAME,
            "421081",
            None,
        );
        expect_invalid(
            eng,
            store.create_root(&sys(), county_as_root).await,
            Some("kind"),
            "市总工会",
        );
        assert_unchanged(eng, store, &empty, "a county federation as root").await;
        assert!(store.root().await.unwrap().is_none(), "{eng}: no root yet");

        let root_input = org_input(
            OrgKind::CityFederation,
            None,
            ROOT_NAME,
            "421000",
            Some(union_uscc("421000", 1)),
        );
        let root = store.create_root(&sys(), root_input.clone()).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            1,
            "{eng}: creating the root is audited once"
        );
        let r = store.root().await.unwrap().expect("root");
        assert_eq!(
            (r.id, r.name.as_str(), r.parent_id, r.depth),
            (root, ROOT_NAME, None, 0),
            "{eng}"
        );
        assert_eq!(r.path, format!("/{root}/"), "{eng}: root path");
        assert!(
            store.affiliations(root).await.unwrap().is_empty(),
            "{eng}: the root has no affiliation"
        );

        let one_root = snapshot(store).await;
        let mut second = root_input.clone();
        second.name = "荆州市第二总工会".into();
        second.uscc = None;
        expect_invalid(
            eng,
            store.create_root(&sys(), second).await,
            None,
            "已经有市总工会",
        );
        assert_unchanged(eng, store, &one_root, "a second root").await;

        // Nor can a city federation hang under the root.
        let city = org_input(
            OrgKind::CityFederation,
            None,
            "宜昌市总工会",
            "420500",
            None,
        );
        expect_invalid(
            eng,
            store.create_org(&sys(), root, city, None).await,
            Some("kind"),
            "最上一级",
        );
        assert_unchanged(eng, store, &one_root, "a city federation under the root").await;
    }
}

#[tokio::test]
async fn kinds_follow_the_hierarchy() {
    let (engines, fixtures) = fixtures("kinds_follow_the_hierarchy").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let county = org_input(
            OrgKind::CountyFederation,
            None,
            "公安县总工会",
            "421022",
            None,
        );
        let msg = expect_invalid(
            eng,
            store
                .create_org(&sys(), f.enterprise, county.clone(), None)
                .await,
            Some("kind"),
            "县(市、区)总工会不能隶属于基层工会",
        );
        assert!(
            msg.contains("市总工会"),
            "{eng}: the message says where it may go: {msg}"
        );
        assert_unchanged(
            eng,
            store,
            &before,
            "a county federation under a grassroots union",
        )
        .await;

        let nested = grassroots(
            GrassrootsKind::Enterprise,
            "石首市楚源纺织二厂工会",
            "421081",
        );
        expect_invalid(
            eng,
            store.create_org(&sys(), f.enterprise, nested, None).await,
            Some("kind"),
            "不能隶属于基层工会",
        );
        let area = org_input(
            OrgKind::AreaFederation,
            Some(AreaKind::Street.code()),
            "荆州市建设街道工会",
            "421000",
            None,
        );
        expect_invalid(
            eng,
            store.create_org(&sys(), f.industrial, area, None).await,
            Some("kind"),
            "不能隶属于产业工会",
        );
        let no_sub_kind = org_input(
            OrgKind::Grassroots,
            None,
            "石首市某公司工会",
            "421081",
            None,
        );
        expect_invalid(
            eng,
            store
                .create_org(&sys(), f.township, no_sub_kind, None)
                .await,
            Some("sub_kind"),
            "基层工会类型",
        );
        expect_invalid(
            eng,
            store
                .create_org(&sys(), 999_999, county.clone(), None)
                .await,
            Some("parent_id"),
            "找不到",
        );
        assert_unchanged(eng, store, &before, "orgs under the wrong parent").await;

        // The same county under the root is fine, with one open affiliation and its path.
        let audits = audit_count(store).await;
        let id = store
            .create_org(&sys(), f.root, county, Some(date(2023, 1, 1)))
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: one audit record per created org"
        );
        let org = store.org(id).await.unwrap();
        assert_eq!(
            org.path,
            format!("/{}/{id}/", f.root),
            "{eng}: path of a new county"
        );
        assert_eq!((org.depth, org.parent_id), (1, Some(f.root)), "{eng}");
        let aff = store.affiliations(id).await.unwrap();
        assert_eq!(aff.len(), 1, "{eng}: one affiliation row");
        assert_eq!(
            (aff[0].parent_id, aff[0].valid_from, aff[0].valid_to),
            (f.root, date(2023, 1, 1), None),
            "{eng}"
        );
        assert_eq!(aff[0].parent_name, ROOT_NAME, "{eng}");
    }
}

#[tokio::test]
async fn moving_under_own_descendant_is_refused() {
    let (engines, fixtures) = fixtures("moving_under_own_descendant_is_refused").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let paths = |s: &Snapshot| {
            s.orgs
                .iter()
                .map(|o| (o.0, o.1.clone()))
                .collect::<Vec<_>>()
        };
        let cycle = "不能把工会移到它自己的下级工会之下";
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.shishou, f.township, None, None)
                .await,
            Some("parent_id"),
            cycle,
        );
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.shishou, f.shishou, None, None)
                .await,
            Some("parent_id"),
            cycle,
        );
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.township, f.joint, None, None)
                .await,
            Some("parent_id"),
            cycle,
        );
        let after = snapshot(store).await;
        assert_eq!(
            paths(&before),
            paths(&after),
            "{eng}: paths unchanged after refused cycles"
        );
        assert_eq!(
            store.affiliations(f.shishou).await.unwrap().len(),
            1,
            "{eng}: no new affiliation row"
        );
        assert_eq!(
            store.affiliations(f.township).await.unwrap().len(),
            1,
            "{eng}: no new affiliation row"
        );

        // The other refusals of a move.
        expect_invalid(
            eng,
            store.move_org(&sys(), f.root, f.shishou, None, None).await,
            None,
            "不能移动",
        );
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.township, f.shishou, None, None)
                .await,
            Some("parent_id"),
            "相同",
        );
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.enterprise, f.joint, None, None)
                .await,
            Some("parent_id"),
            "不能隶属于",
        );
        expect_invalid(
            eng,
            store
                .move_org(&sys(), f.shishou, f.industrial, None, None)
                .await,
            Some("parent_id"),
            "不能隶属于",
        );
        expect_invalid(
            eng,
            store
                .move_org(
                    &sys(),
                    f.township,
                    f.jiangling,
                    Some(date(2019, 12, 31)),
                    None,
                )
                .await,
            Some("date"),
            "不能早于",
        );
        assert_unchanged(eng, store, &before, "refused moves").await;
    }
}

#[tokio::test]
async fn move_keeps_history_and_rewrites_paths() {
    let (engines, fixtures) = fixtures("move_keeps_history_and_rewrites_paths").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        assert_eq!(
            totals(store, f.shishou).await,
            (5, 2, 3, 143, 5),
            "{eng}: 石首 before"
        );
        assert_eq!(
            totals(store, f.jiangling).await,
            (2, 1, 1, 40, 1),
            "{eng}: 江陵 before"
        );
        let root_before = totals(store, f.root).await;
        let audits = audit_count(store).await;
        let affiliation_rows = table_count(store, "org_affiliations").await;

        let on = date(2024, 6, 30);
        store
            .move_org(
                &sys(),
                f.township,
                f.jiangling,
                Some(on),
                Some("区划调整".into()),
            )
            .await
            .unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: a move is one audit record"
        );
        assert_eq!(
            table_count(store, "org_affiliations").await,
            affiliation_rows + 1,
            "{eng}: one new affiliation row"
        );

        let aff = store.affiliations(f.township).await.unwrap();
        assert_eq!(aff.len(), 2, "{eng}: old and new affiliation");
        assert_eq!(
            (aff[0].parent_id, aff[0].valid_from, aff[0].valid_to),
            (f.jiangling, on, None),
            "{eng}: open new row"
        );
        assert_eq!(aff[0].reason.as_deref(), Some("区划调整"), "{eng}");
        assert_eq!(aff[0].parent_name, "江陵县总工会", "{eng}");
        assert_eq!(
            (aff[1].parent_id, aff[1].valid_from, aff[1].valid_to),
            (f.shishou, founded(), Some(on)),
            "{eng}: closed old row"
        );

        assert_eq!(
            store
                .parent_as_of(f.township, date(2024, 6, 29))
                .await
                .unwrap(),
            Some(f.shishou),
            "{eng}: day before"
        );
        assert_eq!(
            store.parent_as_of(f.township, on).await.unwrap(),
            Some(f.jiangling),
            "{eng}: the day of the move"
        );
        assert_eq!(
            store
                .parent_as_of(f.township, date(2025, 1, 1))
                .await
                .unwrap(),
            Some(f.jiangling),
            "{eng}: after"
        );
        assert_eq!(
            store
                .parent_as_of(f.township, date(2019, 12, 31))
                .await
                .unwrap(),
            None,
            "{eng}: before it existed"
        );
        // Descendants keep their own affiliation rows; only their paths change.
        assert_eq!(
            store.affiliations(f.enterprise).await.unwrap().len(),
            1,
            "{eng}"
        );

        assert_eq!(
            totals(store, f.shishou).await,
            (2, 0, 0, 0, 0),
            "{eng}: 石首 after (itself and the sector federation)"
        );
        assert_eq!(
            totals(store, f.jiangling).await,
            (5, 3, 4, 183, 6),
            "{eng}: 江陵 after"
        );
        assert_eq!(
            totals(store, f.root).await,
            root_before,
            "{eng}: the city's totals do not change"
        );

        let jl = store.org(f.jiangling).await.unwrap();
        let township = store.org(f.township).await.unwrap();
        assert_eq!(township.parent_id, Some(f.jiangling), "{eng}");
        assert_eq!(
            township.path,
            format!("{}{}/", jl.path, f.township),
            "{eng}"
        );
        assert_eq!(township.depth, 2, "{eng}");
        for id in [f.enterprise, f.joint] {
            let o = store.org(id).await.unwrap();
            assert!(
                o.path.starts_with(&jl.path),
                "{eng}: {} path {} under {}",
                o.name,
                o.path,
                jl.path
            );
            assert!(
                o.path.starts_with(&township.path),
                "{eng}: {} keeps its own parent",
                o.name
            );
            assert_eq!(o.depth, 3, "{eng}: depth of {}", o.name);
            assert_eq!(
                o.lineage(),
                vec![f.root, f.jiangling, f.township, id],
                "{eng}"
            );
        }
        let names: Vec<_> = store
            .lineage(&store.org(f.joint).await.unwrap())
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(
            names,
            [
                ROOT_NAME,
                "江陵县总工会",
                "石首市新厂镇工会",
                "新厂镇小微企业联合工会"
            ],
            "{eng}: breadcrumbs"
        );
        let kids: Vec<i64> = store
            .children(f.shishou, false, 0, 50)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            kids,
            vec![f.sector],
            "{eng}: 石首 keeps only its sector federation"
        );

        // Moving back later is another history row, not an edit of the first.
        store
            .move_org(&sys(), f.township, f.shishou, Some(date(2025, 3, 1)), None)
            .await
            .unwrap();
        assert_eq!(
            store.affiliations(f.township).await.unwrap().len(),
            3,
            "{eng}"
        );
        assert_eq!(
            store
                .parent_as_of(f.township, date(2024, 12, 31))
                .await
                .unwrap(),
            Some(f.jiangling),
            "{eng}"
        );
        assert_eq!(
            totals(store, f.shishou).await,
            (5, 2, 3, 143, 5),
            "{eng}: 石首 restored"
        );
        assert_eq!(
            store.org(f.joint).await.unwrap().lineage(),
            vec![f.root, f.shishou, f.township, f.joint],
            "{eng}"
        );
    }
}

#[tokio::test]
async fn close_org_only_when_empty() {
    let (engines, fixtures) = fixtures("close_org_only_when_empty").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let msg = expect_invalid(
            eng,
            store.close_org(&sys(), f.township, None).await,
            None,
            "2个下级工会",
        );
        assert!(msg.contains("合并"), "{eng}: points to merging: {msg}");
        expect_invalid(
            eng,
            store.close_org(&sys(), f.enterprise, None).await,
            None,
            "1个覆盖单位、3名会员",
        );
        expect_invalid(
            eng,
            store.close_org(&sys(), f.root, None).await,
            None,
            "市总工会不能撤销",
        );
        expect_invalid(
            eng,
            store.close_org(&sys(), f.jiangling, None).await,
            None,
            "1个下级工会",
        );
        assert_unchanged(eng, store, &before, "closing orgs that are not empty").await;

        // A union with members only is not empty either.
        let small = store
            .create_org(
                &sys(),
                f.township,
                grassroots(
                    GrassrootsKind::Enterprise,
                    "新厂镇东方物流有限公司工会",
                    "421081",
                ),
                None,
            )
            .await
            .unwrap();
        let m = store
            .create_member(
                &sys(),
                small,
                member_input("周杰", id_number("421081", "19920101", 41), join_date()),
            )
            .await
            .unwrap();
        let with_member = snapshot(store).await;
        expect_invalid(
            eng,
            store.close_org(&sys(), small, None).await,
            None,
            "1名会员",
        );
        assert_unchanged(eng, store, &with_member, "closing a union with a member").await;

        // Once the member has left it is empty and can be closed.
        store
            .set_member_status(&sys(), m, gonghui_domain::MemberStatus::Left, None)
            .await
            .unwrap();
        assert_eq!(
            totals(store, f.township).await,
            (4, 3, 3, 143, 5),
            "{eng}: township with the empty union"
        );
        let audits = audit_count(store).await;
        let on = date(2026, 1, 15);
        store.close_org(&sys(), small, Some(on)).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: closing is one audit record"
        );
        let closed = store.org(small).await.unwrap();
        assert!(!closed.is_active(), "{eng}: closed");
        assert_eq!(closed.closed_on, Some(on), "{eng}");
        let aff = store.affiliations(small).await.unwrap();
        assert_eq!(aff.len(), 1, "{eng}: the affiliation row is kept");
        assert_eq!(
            (aff[0].valid_to, aff[0].reason.as_deref()),
            (Some(on), Some("撤销")),
            "{eng}"
        );
        assert_eq!(
            store.parent_as_of(small, date(2026, 2, 1)).await.unwrap(),
            None,
            "{eng}: no parent after closing"
        );
        assert_eq!(
            totals(store, f.township).await,
            (3, 2, 3, 143, 5),
            "{eng}: closed orgs are not counted"
        );
        assert_eq!(store.child_count(f.township).await.unwrap(), 2, "{eng}");
        assert_eq!(
            store.children(f.township, true, 0, 50).await.unwrap().len(),
            3,
            "{eng}: listed with include_closed"
        );

        // A closed org takes no more business.
        let closed_state = snapshot(store).await;
        expect_invalid(
            eng,
            store.close_org(&sys(), small, None).await,
            None,
            "已经撤销",
        );
        expect_invalid(
            eng,
            store.move_org(&sys(), small, f.joint, None, None).await,
            None,
            "已撤销",
        );
        let under = grassroots(GrassrootsKind::Enterprise, "东方物流二分公司工会", "421081");
        expect_invalid(
            eng,
            store.create_org(&sys(), small, under, None).await,
            Some("parent_id"),
            "已撤销",
        );
        let again = member_input("吴昊", id_number("421081", "19930202", 42), join_date());
        expect_invalid(
            eng,
            store.create_member(&sys(), small, again).await,
            Some("org_id"),
            "已撤销",
        );
        expect_invalid(
            eng,
            store.cover_unit(&sys(), f.unit_e, small, None).await,
            Some("covering_org_id"),
            "已撤销",
        );
        assert_unchanged(eng, store, &closed_state, "business with a closed union").await;
    }
}

#[tokio::test]
async fn merge_area_federation_moves_children_and_keeps_history() {
    let (engines, fixtures) = fixtures("merge_area_federation").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let t2 = store
            .create_org(
                &a,
                f.shishou,
                org_input(
                    OrgKind::AreaFederation,
                    Some("township"),
                    "石首市团山寺镇工会",
                    "421081",
                    None,
                ),
                Some(founded()),
            )
            .await
            .unwrap();
        let g2 = store
            .create_org(
                &a,
                t2,
                grassroots(GrassrootsKind::Joint, "团山寺镇小微企业联合工会", "421081"),
                Some(founded()),
            )
            .await
            .unwrap();
        let u2 = store
            .create_unit(
                &a,
                unit_input(
                    enterprise_uscc("421081", 201),
                    "团山寺镇农机合作社",
                    "421081",
                    25,
                    10,
                ),
                Some(g2),
            )
            .await
            .unwrap();
        let m2 = store
            .create_member(
                &a,
                g2,
                member_input("郑爽", id_number("421081", "19880808", 51), join_date()),
            )
            .await
            .unwrap();
        assert_eq!(
            totals(store, f.shishou).await,
            (7, 3, 4, 168, 6),
            "{eng}: 石首 with 团山寺镇"
        );
        assert_eq!(
            totals(store, f.township).await,
            (3, 2, 3, 143, 5),
            "{eng}: 新厂镇 before"
        );

        // Refusals first: each changes nothing.
        let before = snapshot(store).await;
        expect_invalid(
            eng,
            store.merge_org(&a, t2, t2, None).await,
            Some("into"),
            "自身",
        );
        expect_invalid(
            eng,
            store.merge_org(&a, f.shishou, f.township, None).await,
            Some("into"),
            "下级",
        );
        expect_invalid(
            eng,
            store.merge_org(&a, f.root, f.shishou, None).await,
            None,
            "市总工会不能被合并",
        );
        // Its child (an area-level joint union) cannot go under a grassroots union.
        expect_invalid(
            eng,
            store.merge_org(&a, t2, f.joint, None).await,
            Some("parent_id"),
            "不能隶属于基层工会",
        );
        assert_unchanged(eng, store, &before, "refused merges").await;

        let audits = audit_count(store).await;
        let on = date(2024, 9, 30);
        store.merge_org(&a, t2, f.township, Some(on)).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: a merge is one audit record"
        );

        let src = store.org(t2).await.unwrap();
        assert!(!src.is_active(), "{eng}: the merged org is closed");
        assert_eq!(src.closed_on, Some(on), "{eng}");
        let src_aff = store.affiliations(t2).await.unwrap();
        assert_eq!(src_aff.len(), 1, "{eng}");
        assert_eq!(src_aff[0].valid_to, Some(on), "{eng}");
        assert!(
            src_aff[0].reason.as_deref().unwrap_or("").contains("合并"),
            "{eng}: {:?}",
            src_aff[0].reason
        );

        let child = store.org(g2).await.unwrap();
        let township = store.org(f.township).await.unwrap();
        assert_eq!(child.parent_id, Some(f.township), "{eng}: child moved");
        assert!(
            child.path.starts_with(&township.path),
            "{eng}: child path {} under {}",
            child.path,
            township.path
        );
        let aff = store.affiliations(g2).await.unwrap();
        assert_eq!(aff.len(), 2, "{eng}: child keeps its history");
        assert_eq!(
            (aff[0].parent_id, aff[0].valid_from, aff[0].valid_to),
            (f.township, on, None),
            "{eng}"
        );
        assert!(
            aff[0].reason.as_deref() == Some("上级工会合并"),
            "{eng}: {:?}",
            aff[0].reason
        );
        assert_eq!((aff[1].parent_id, aff[1].valid_to), (t2, Some(on)), "{eng}");
        assert_eq!(
            store.parent_as_of(g2, date(2024, 9, 29)).await.unwrap(),
            Some(t2),
            "{eng}"
        );

        // The child's own units and members stay with it.
        assert_eq!(
            store.unit(u2).await.unwrap().covering_org_id,
            Some(g2),
            "{eng}"
        );
        assert_eq!(store.member(m2).await.unwrap().org_id, Some(g2), "{eng}");
        assert_eq!(
            totals(store, f.township).await,
            (4, 3, 4, 168, 6),
            "{eng}: 新厂镇 after"
        );
        assert_eq!(
            totals(store, f.shishou).await,
            (6, 3, 4, 168, 6),
            "{eng}: 石首 lost only the closed org"
        );
        assert_eq!(
            totals(store, t2).await,
            (0, 0, 0, 0, 0),
            "{eng}: nothing left in the merged org"
        );
    }
}

#[tokio::test]
async fn merge_grassroots_moves_units_and_members() {
    let (engines, fixtures) = fixtures("merge_grassroots").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let j2 = store
            .create_org(
                &a,
                f.township,
                grassroots(GrassrootsKind::Joint, "新厂镇商户联合工会", "421081"),
                Some(founded()),
            )
            .await
            .unwrap();
        let u3 = store
            .create_unit(
                &a,
                unit_input(
                    enterprise_uscc("421081", 301),
                    "新厂镇老街面馆",
                    "421081",
                    6,
                    4,
                ),
                Some(j2),
            )
            .await
            .unwrap();
        let u4 = store
            .create_unit(
                &a,
                unit_input(
                    enterprise_uscc("421081", 302),
                    "新厂镇平价药房",
                    "421081",
                    4,
                    3,
                ),
                Some(j2),
            )
            .await
            .unwrap();
        let m3 = store
            .create_member(
                &a,
                j2,
                member_input("钱多多", id_number("421081", "19950505", 61), join_date()),
            )
            .await
            .unwrap();
        let m4 = store
            .create_member(
                &a,
                j2,
                member_input("冯媛", id_number("421081", "19960606", 62), join_date()),
            )
            .await
            .unwrap();
        assert_eq!(
            totals(store, f.township).await,
            (4, 3, 5, 153, 7),
            "{eng}: township with the second joint union"
        );

        let before = snapshot(store).await;
        // An enterprise union already covering its unit cannot take two more.
        expect_invalid(
            eng,
            store.merge_org(&a, j2, f.jl_union, None).await,
            Some("covering_org_id"),
            "联合基层工会",
        );
        // A federation cannot hold units.
        expect_invalid(
            eng,
            store.merge_org(&a, j2, f.jiangling, None).await,
            Some("into"),
            "只有基层工会",
        );
        assert_unchanged(eng, store, &before, "refused grassroots merges").await;

        let audits = audit_count(store).await;
        store.merge_org(&a, j2, f.joint, None).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 1,
            "{eng}: one audit record"
        );
        let today = chrono::Local::now().date_naive();

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
            vec![f.unit_b, f.unit_c, u3, u4],
            "{eng}: the joint union covers all four"
        );
        for u in [u3, u4] {
            let cov = store.unit_coverages(u).await.unwrap();
            assert_eq!(cov.len(), 2, "{eng}: coverage history of unit {u}");
            assert_eq!((cov[0].org_id, cov[0].valid_to), (f.joint, None), "{eng}");
            assert_eq!((cov[1].org_id, cov[1].valid_to), (j2, Some(today)), "{eng}");
        }
        for m in [m3, m4] {
            let member = store.member(m).await.unwrap();
            assert_eq!(member.org_id, Some(f.joint), "{eng}");
            assert!(member.status.is_active(), "{eng}");
            let periods = store.memberships(m).await.unwrap();
            assert_eq!(periods.len(), 2, "{eng}: membership history");
            assert_eq!(
                (periods[0].org_id, periods[0].valid_to),
                (f.joint, None),
                "{eng}"
            );
            assert_eq!(
                (periods[1].org_id, periods[1].valid_to),
                (j2, Some(today)),
                "{eng}"
            );
            assert_eq!(periods[1].end_reason.as_deref(), Some("工会合并"), "{eng}");
        }
        assert_eq!(store.member_count_of(j2).await.unwrap(), 0, "{eng}");
        assert_eq!(store.member_count_of(f.joint).await.unwrap(), 4, "{eng}");
        assert!(
            !store.org(j2).await.unwrap().is_active(),
            "{eng}: source closed"
        );
        assert_eq!(
            totals(store, f.township).await,
            (3, 2, 5, 153, 7),
            "{eng}: same units and members, one union fewer"
        );
    }
}

/// Members, like units, may only be held by a grassroots union: merging a union that has
/// members into a federation must be refused rather than leave members in the federation.
#[tokio::test]
async fn merge_does_not_put_members_into_a_federation() {
    let (engines, fixtures) = fixtures("merge_members_into_federation").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let a = sys();
        let g3 = store
            .create_org(
                &a,
                f.township,
                grassroots(
                    GrassrootsKind::SocialOrganization,
                    "新厂镇志愿者协会工会",
                    "421081",
                ),
                Some(founded()),
            )
            .await
            .unwrap();
        store
            .create_member(
                &a,
                g3,
                member_input("何平", id_number("421081", "19870707", 71), join_date()),
            )
            .await
            .unwrap();
        let before = snapshot(store).await;
        expect_invalid(
            eng,
            store.merge_org(&a, g3, f.township, None).await,
            Some("into"),
            "只有基层工会",
        );
        assert_unchanged(
            eng,
            store,
            &before,
            "merging a union with members into a federation",
        )
        .await;
        assert_eq!(
            store.member_count_of(f.township).await.unwrap(),
            0,
            "{eng}: no member held by a federation"
        );
    }
}

#[tokio::test]
async fn union_uscc_rules() {
    let (engines, fixtures) = fixtures("union_uscc_rules").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = snapshot(store).await;
        let mut with_enterprise_code = grassroots(
            GrassrootsKind::Enterprise,
            "石首市华中电机有限公司工会",
            "421081",
        );
        let enterprise_code = enterprise_uscc("421081", 401);
        with_enterprise_code.uscc = Some(enterprise_code.clone());
        let msg = expect_invalid(
            eng,
            store
                .create_org(&sys(), f.township, with_enterprise_code, None)
                .await,
            Some("uscc"),
            "81",
        );
        assert!(
            msg.contains(enterprise_code.as_str()) && msg.contains("企业"),
            "{eng}: names the code and its kind: {msg}"
        );

        let mut duplicate = grassroots(
            GrassrootsKind::Enterprise,
            "石首市华中电机有限公司工会",
            "421081",
        );
        duplicate.uscc = Some(union_uscc("421000", 1));
        expect_invalid(
            eng,
            store.create_org(&sys(), f.township, duplicate, None).await,
            Some("uscc"),
            "已被另一个工会组织登记",
        );

        let mut jl = store.org(f.jl_union).await.unwrap();
        let mut edit = grassroots(GrassrootsKind::Enterprise, &jl.name, "421024");
        edit.uscc = Some(union_uscc("421081", 2));
        expect_invalid(
            eng,
            store.update_org(&sys(), f.jl_union, edit.clone()).await,
            Some("uscc"),
            "已被另一个工会组织登记",
        );
        assert_unchanged(eng, store, &before, "refused union codes").await;

        // A fresh union code is accepted, and an org may keep its own code on edit.
        let audits = audit_count(store).await;
        let own = union_uscc("421024", 402);
        edit.uscc = Some(own.clone());
        store
            .update_org(&sys(), f.jl_union, edit.clone())
            .await
            .unwrap();
        store.update_org(&sys(), f.jl_union, edit).await.unwrap();
        assert_eq!(
            audit_count(store).await,
            audits + 2,
            "{eng}: one audit record per edit"
        );
        jl = store.org(f.jl_union).await.unwrap();
        assert_eq!(jl.uscc.as_deref(), Some(own.as_str()), "{eng}");
    }
}

#[tokio::test]
async fn subtree_totals_count_once_along_affiliation() {
    let (engines, fixtures) = fixtures("subtree_totals").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        // (orgs, grassroots, covered units, employees in covered units, members), by hand.
        let expected = [
            (f.root, (10, 4, 5, 483, 7), "荆州市总工会"),
            (f.shishou, (5, 2, 3, 143, 5), "石首市总工会"),
            (f.jiangling, (2, 1, 1, 40, 1), "江陵县总工会"),
            (f.township, (3, 2, 3, 143, 5), "新厂镇工会"),
            (f.enterprise, (1, 1, 1, 120, 3), "楚源纺织工会"),
            (f.joint, (1, 1, 2, 23, 2), "联合工会"),
            (
                f.industrial,
                (2, 1, 1, 300, 1),
                "建设工会 (without the sector federation it guides)",
            ),
            (
                f.sector,
                (1, 0, 0, 0, 0),
                "餐饮行业工会联合会 (its member union is counted elsewhere)",
            ),
        ];
        for (id, want, what) in expected {
            assert_eq!(totals(store, id).await, want, "{eng}: totals of {what}");
        }
        let root = store.org(f.root).await.unwrap();
        assert_eq!(store.covered_units_in(&root).await.unwrap(), 5, "{eng}");
        let by_children: i64 = {
            let mut sum = 0;
            for c in [f.shishou, f.jiangling, f.industrial] {
                sum += totals(store, c).await.4;
            }
            sum
        };
        assert_eq!(
            by_children, 7,
            "{eng}: the root's members are the sum of its children's"
        );

        // The relations that must not be summed are there.
        let (sectors_of_ent, _) = store.sector_links(f.enterprise).await.unwrap();
        assert_eq!(
            sectors_of_ent
                .iter()
                .map(|l| l.other_id)
                .collect::<Vec<_>>(),
            vec![f.sector],
            "{eng}"
        );
        let (_, sector_members) = store.sector_links(f.sector).await.unwrap();
        assert_eq!(
            sector_members
                .iter()
                .map(|l| l.other_id)
                .collect::<Vec<_>>(),
            vec![f.enterprise],
            "{eng}"
        );
        let (guided_by, _) = store.guidance(f.sector).await.unwrap();
        assert_eq!(
            guided_by.iter().map(|l| l.other_id).collect::<Vec<_>>(),
            vec![f.industrial],
            "{eng}"
        );

        // A new member of the sector's member union is counted once, along affiliation only.
        store
            .create_member(
                &sys(),
                f.enterprise,
                member_input("林峰", id_number("421081", "19910909", 81), join_date()),
            )
            .await
            .unwrap();
        assert_eq!(totals(store, f.root).await.4, 8, "{eng}: root");
        assert_eq!(totals(store, f.shishou).await.4, 6, "{eng}: 石首");
        assert_eq!(totals(store, f.township).await.4, 6, "{eng}: township");
        assert_eq!(
            totals(store, f.sector).await.4,
            0,
            "{eng}: not under the sector federation"
        );
        assert_eq!(
            totals(store, f.industrial).await.4,
            1,
            "{eng}: not under the guiding industrial union"
        );

        // A grassroots union directly under the sector federation is counted there, once.
        let direct = store
            .create_org(
                &sys(),
                f.sector,
                grassroots(
                    GrassrootsKind::Enterprise,
                    "石首市好运来酒店有限公司工会",
                    "421081",
                ),
                None,
            )
            .await
            .unwrap();
        store
            .create_member(
                &sys(),
                direct,
                member_input("高洁", id_number("421081", "19930303", 82), join_date()),
            )
            .await
            .unwrap();
        assert_eq!(
            totals(store, f.sector).await,
            (2, 1, 0, 0, 1),
            "{eng}: sector with a direct union"
        );
        assert_eq!(
            totals(store, f.shishou).await,
            (6, 3, 3, 143, 7),
            "{eng}: 石首"
        );
        assert_eq!(
            totals(store, f.root).await,
            (11, 5, 5, 483, 9),
            "{eng}: root"
        );
    }
}
