//! 标准 as data: the built-in standards are listed everywhere and read-only, staff create and
//! copy their own, an edit of a standard a campaign uses makes a new version (the campaign
//! keeps the items it started with), grading follows the stored items with 一票否决, and
//! invalid specs are refused naming the item. Every test runs on every engine.

mod common;

use common::*;
use gonghui_domain::{
    EvidenceKind, Grade, Grading, ItemSpec, KindSet, Scored, StandardSpec, outcome,
};
use gonghui_store::{BUILTIN_READ_ONLY, Store};

const MY_TABLES: [&str; 3] = ["standards", "standard_versions", "standard_items"];

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

fn kinds(codes: &[&str]) -> KindSet {
    KindSet::parse(codes.iter().copied()).unwrap()
}

fn item(n: usize, title: &str, points: i64, veto: bool) -> ItemSpec {
    ItemSpec::new(
        n,
        "组织建设",
        title,
        "",
        points,
        EvidenceKind::Photo,
        1,
        veto,
        KindSet::default(),
    )
    .unwrap()
}

/// 模范职工小家: three items, the last one a veto item.
fn spec(name: &str) -> StandardSpec {
    StandardSpec::new(
        name,
        "市总工会模范职工小家评选标准",
        Grading::bands(90, 75, 60).unwrap(),
        kinds(&["grassroots"]),
        vec![
            item(1, "有职工小家活动场所", 20, false),
            item(2, "职工代表大会制度落实", 70, false),
            item(3, "无重大安全生产责任事故", 10, true),
        ],
    )
    .unwrap()
}

/// A campaign row pointing at a version (the campaigns module writes them in the app).
async fn campaign_on(store: &Store, org: i64, version_id: i64) {
    store
        .execute_raw(&format!(
            "INSERT INTO campaigns (name, org_id, version_id, kinds, start_on, end_on, \
             self_review_due, reward_fen, reviewer, created_at) VALUES ('2026年模范职工小家创建', \
             {org}, {version_id}, '', '2026-01-01', '2026-12-31', '2026-06-30', 0, 'parent', \
             '2026-01-01T00:00:00Z')"
        ))
        .await
        .expect("insert campaign");
}

#[tokio::test]
async fn builtin_standards_are_everywhere_and_read_only() {
    let (engines, fixtures) = fixtures("standards_builtin").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let grassroots = store.org(f.enterprise).await.unwrap();
        let list = store.standards_for(&grassroots, false).await.unwrap();
        let codes: Vec<&str> = list.iter().map(|s| s.code.as_str()).collect();
        for code in [
            "qiyou",
            "liuyou",
            "sector_seven",
            "four_in_place",
            "liuhao_township",
            "dual_display",
        ] {
            assert!(
                codes.contains(&code),
                "{eng}: {code} missing from {codes:?}"
            );
        }
        let qiyou = list.iter().find(|s| s.code == "qiyou").unwrap();
        assert!(qiyou.builtin, "{eng}");
        assert_eq!(qiyou.item_count, 7, "{eng}");
        assert_eq!(qiyou.version, 1, "{eng}");
        assert_eq!(qiyou.origin_label(), "内置", "{eng}");

        let before = counts(store).await;
        expect_invalid(
            eng,
            store
                .update_standard(&sys(), qiyou.id, &spec("改过的七有"), "试图修改")
                .await,
            None,
            BUILTIN_READ_ONLY,
        );
        expect_invalid(
            eng,
            store.archive_standard(&sys(), qiyou.id).await,
            None,
            "内置标准",
        );
        assert_nothing_written(eng, store, &before, "a change to a built-in standard").await;
        let again = store.standard(qiyou.id).await.unwrap();
        assert_eq!(again.name, qiyou.name, "{eng}");
        assert!(!again.archived, "{eng}");
    }
}

#[tokio::test]
async fn staff_create_and_copy_standards_for_their_subtree() {
    let (engines, fixtures) = fixtures("standards_own").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let before = audit_count(store).await;
        let own = store
            .create_standard(&sys(), f.shishou, &spec("石首市模范职工小家标准"))
            .await
            .unwrap();
        assert_eq!(audit_count(store).await, before + 1, "{eng}: one entry");
        let s = store.standard(own).await.unwrap();
        assert_eq!(s.code, format!("custom-{own}"), "{eng}");
        assert_eq!(s.owner_org_id, Some(f.shishou), "{eng}");
        assert_eq!(s.total_points, 100, "{eng}");
        assert_eq!(s.origin_label(), "本单位", "{eng}");

        // The county and the unions below it use it; the city and a sibling county do not.
        let listed = |org: i64| async move {
            let o = store.org(org).await.unwrap();
            store
                .standards_for(&o, false)
                .await
                .unwrap()
                .iter()
                .any(|s| s.id == own)
        };
        assert!(listed(f.shishou).await, "{eng}");
        assert!(listed(f.township).await, "{eng}");
        assert!(listed(f.enterprise).await, "{eng}");
        assert!(!listed(f.root).await, "{eng}");
        assert!(!listed(f.jiangling).await, "{eng}");

        // Copying a built-in: owned by the county, "（副本）", version 1 noting its source.
        let shishou = store.org(f.shishou).await.unwrap();
        let liuyou = store
            .standards_for(&shishou, false)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.code == "liuyou")
            .unwrap();
        let copy = store
            .copy_standard(&sys(), liuyou.id, f.shishou)
            .await
            .unwrap();
        let d = store.standard_detail(copy).await.unwrap();
        assert_eq!(d.summary.name, format!("{}（副本）", liuyou.name), "{eng}");
        assert!(!d.summary.builtin, "{eng}");
        assert_eq!(d.summary.owner_org_id, Some(f.shishou), "{eng}");
        assert_eq!(d.summary.copied_from, Some(liuyou.id), "{eng}");
        assert_eq!(
            d.copied_from.as_ref().map(|c| c.0),
            Some(liuyou.id),
            "{eng}"
        );
        assert_eq!(d.versions.len(), 1, "{eng}");
        assert_eq!(d.versions[0].version, 1, "{eng}");
        assert!(
            d.versions[0].note.starts_with("复制自") && d.versions[0].note.contains(&liuyou.name),
            "{eng}: {}",
            d.versions[0].note
        );
        assert_eq!(d.current.items.len(), 6, "{eng}");
        assert_eq!(d.current.total_points(), liuyou.total_points, "{eng}");

        // The copy is editable (not in use: replaced in place), and its weights are its own.
        let mut heavier = spec("六有工会（石首）");
        heavier.items[1].points = 60;
        let edit = store
            .update_standard(&sys(), copy, &heavier, "加重履职项目分值")
            .await
            .unwrap();
        assert!(!edit.new_version, "{eng}");
        assert_eq!(edit.version, 1, "{eng}");
        let d = store.standard_detail(copy).await.unwrap();
        assert_eq!(d.summary.name, "六有工会（石首）", "{eng}");
        assert_eq!(d.current.total_points(), 90, "{eng}");
        let original = store.standard(liuyou.id).await.unwrap();
        assert_eq!(
            original.total_points, liuyou.total_points,
            "{eng}: source untouched"
        );

        // Archived: hidden from the list unless asked, and no longer edited.
        store.archive_standard(&sys(), own).await.unwrap();
        let visible = store.standards_for(&shishou, false).await.unwrap();
        assert!(!visible.iter().any(|s| s.id == own), "{eng}");
        let all = store.standards_for(&shishou, true).await.unwrap();
        assert!(all.iter().any(|s| s.id == own && s.archived), "{eng}");
        let before = counts(store).await;
        expect_invalid(
            eng,
            store.update_standard(&sys(), own, &spec("再改"), "").await,
            None,
            "已归档",
        );
        expect_invalid(
            eng,
            store.archive_standard(&sys(), own).await,
            None,
            "已经归档",
        );
        assert_nothing_written(eng, store, &before, "a change to an archived standard").await;
    }
}

#[tokio::test]
async fn editing_a_standard_in_use_makes_a_new_version() {
    let (engines, fixtures) = fixtures("standards_versions").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let id = store
            .create_standard(&sys(), f.root, &spec("模范职工小家标准"))
            .await
            .unwrap();
        let v1 = store.standard(id).await.unwrap();
        let v1_items = store.standard_version(v1.version_id).await.unwrap().items;
        campaign_on(store, f.root, v1.version_id).await;

        // Seed 000: weight the rights-protection item up, the sign on the wall down.
        let mut edited = spec("模范职工小家标准");
        edited.items[0].points = 5;
        edited.items[1].points = 85;
        edited.items.push(item(4, "开展集体协商", 10, false));
        let edit = store
            .update_standard(&sys(), id, &edited, "加重职代会分值，增加集体协商")
            .await
            .unwrap();
        assert!(edit.new_version, "{eng}");
        assert_eq!(edit.version, 2, "{eng}");
        assert_ne!(edit.version_id, v1.version_id, "{eng}");

        // The campaign's version keeps its items, untouched.
        let kept = store.standard_version(v1.version_id).await.unwrap();
        assert_eq!(kept.version, 1, "{eng}");
        let titles = |items: &[gonghui_store::StandardItem]| -> Vec<(String, i64)> {
            items.iter().map(|i| (i.title.clone(), i.points)).collect()
        };
        assert_eq!(titles(&kept.items), titles(&v1_items), "{eng}");
        assert_eq!(
            kept.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            v1_items.iter().map(|i| i.id).collect::<Vec<_>>(),
            "{eng}: same item rows"
        );

        let d = store.standard_detail(id).await.unwrap();
        assert_eq!(
            d.summary.version, 2,
            "{eng}: the highest version is current"
        );
        assert_eq!(d.current.items.len(), 4, "{eng}");
        assert_eq!(d.current.total_points(), 110, "{eng}");
        let versions: Vec<i64> = d.versions.iter().map(|v| v.version).collect();
        assert_eq!(versions, vec![2, 1], "{eng}");
        assert_eq!(d.versions[0].note, "加重职代会分值，增加集体协商", "{eng}");
        assert!(d.versions[0].campaigns.is_empty(), "{eng}");
        assert_eq!(d.versions[1].campaigns.len(), 1, "{eng}");
        assert_eq!(
            d.versions[1].campaigns[0].name, "2026年模范职工小家创建",
            "{eng}"
        );
        assert_eq!(d.versions[1].item_count, 3, "{eng}");
        assert_eq!(d.versions[1].total_points, 100, "{eng}");
        let by_number = store.standard_version_of(id, 1).await.unwrap();
        assert_eq!(by_number.id, v1.version_id, "{eng}");
        assert!(store.standard_version_of(id, 3).await.is_err(), "{eng}");

        // Version 2 is not used yet: the next edit replaces it in place.
        let again = store
            .update_standard(&sys(), id, &spec("模范职工小家标准"), "")
            .await
            .unwrap();
        assert!(!again.new_version, "{eng}");
        assert_eq!(again.version, 2, "{eng}");
        assert_eq!(again.version_id, edit.version_id, "{eng}");
        let d = store.standard_detail(id).await.unwrap();
        assert_eq!(d.versions.len(), 2, "{eng}");
        assert_eq!(d.current.items.len(), 3, "{eng}");
        assert_eq!(
            d.versions[0].note, "加重职代会分值，增加集体协商",
            "{eng}: an empty note keeps the version's note"
        );
    }
}

#[tokio::test]
async fn grading_with_veto_follows_the_stored_items() {
    let (engines, fixtures) = fixtures("standards_grading").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let id = store
            .create_standard(&sys(), f.root, &spec("模范职工小家标准"))
            .await
            .unwrap();
        let s = store.standard(id).await.unwrap();
        let v = store.standard_version(s.version_id).await.unwrap();
        assert!(v.items[2].veto, "{eng}: the veto flag is stored");
        assert_eq!(v.items[0].evidence_text(), "上传照片至少1张", "{eng}");
        let scored = |scores: &[i64]| -> Vec<Scored> {
            v.items
                .iter()
                .zip(scores)
                .map(|(i, s)| Scored {
                    points: i.points,
                    veto: i.veto,
                    score: *s,
                })
                .collect()
        };
        let full = outcome(v.grading, &scored(&[20, 70, 10]));
        assert_eq!(
            (full.total, full.max, full.grade),
            (100, 100, Grade::First),
            "{eng}"
        );
        let second = outcome(v.grading, &scored(&[10, 70, 0]));
        assert_eq!(second.total, 80, "{eng}");
        assert!(second.veto_failed, "{eng}");
        assert_eq!(
            second.grade,
            Grade::BelowThird,
            "{eng}: 80 points, yet the veto item failed"
        );
        assert!(!second.passed(), "{eng}");
        let ok = outcome(v.grading, &scored(&[5, 60, 10]));
        assert_eq!(ok.grade, Grade::Second, "{eng}: 75% is 二类");
        assert!(ok.passed(), "{eng}");
        // Items for some kinds only: a joint union is assessed on fewer points.
        let mut narrowed = spec("模范职工小家标准");
        narrowed.items[1].applies_to = kinds(&["enterprise"]);
        store
            .update_standard(&sys(), id, &narrowed, "")
            .await
            .unwrap();
        let v = store.standard_version(s.version_id).await.unwrap();
        let joint = v.items_for(
            gonghui_domain::OrgKind::Grassroots,
            Some(gonghui_domain::GrassrootsKind::Joint.code()),
        );
        assert_eq!(joint.len(), 2, "{eng}");
        let ent = v.items_for(
            gonghui_domain::OrgKind::Grassroots,
            Some(gonghui_domain::GrassrootsKind::Enterprise.code()),
        );
        assert_eq!(ent.len(), 3, "{eng}");
    }
}

#[test]
fn invalid_specs_are_refused_naming_the_item() {
    let e = ItemSpec::new(
        2,
        "",
        "有制度",
        "",
        0,
        EvidenceKind::None,
        0,
        false,
        KindSet::default(),
    )
    .unwrap_err();
    assert!(e.0.starts_with("第2项"), "{e}");
    assert!(e.0.contains("分值"), "{e}");
    let e = ItemSpec::new(
        4,
        "",
        "有场所",
        "",
        10,
        EvidenceKind::Photo,
        0,
        false,
        KindSet::default(),
    )
    .unwrap_err();
    assert!(e.0.starts_with("第4项"), "{e}");
    let township_item = ItemSpec::new(
        1,
        "",
        "有乡镇工会办公室",
        "",
        10,
        EvidenceKind::None,
        0,
        false,
        kinds(&["township"]),
    )
    .unwrap();
    let e = StandardSpec::new(
        "模范职工小家标准",
        "",
        Grading::pass_fail(100).unwrap(),
        kinds(&["grassroots"]),
        vec![item(1, "有场所", 10, false), township_item],
    )
    .unwrap_err();
    assert!(e.0.starts_with("第2项"), "{e}");
    assert!(e.0.contains("适用的工会类型"), "{e}");
    let e = StandardSpec::new(
        "模范职工小家标准",
        "",
        Grading::pass_fail(100).unwrap(),
        kinds(&["grassroots"]),
        vec![],
    )
    .unwrap_err();
    assert!(e.0.contains("至少要有一个项目"), "{e}");
}
