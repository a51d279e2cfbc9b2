//! 搜索: by Chinese name, pinyin initials or full pinyin, and by exact USCC or ID number; LIKE
//! wildcards typed by a user are plain characters.

mod common;

use common::*;
use gonghui_domain::GrassrootsKind;
use gonghui_store::{SearchResults, SearchScope, Store};

async fn find(store: &Store, q: &str) -> SearchResults {
    store
        .search(q, SearchScope::ALL, &gonghui_store::Visibility::All, 20)
        .await
        .unwrap_or_else(|e| panic!("search {q:?}: {e:?}"))
}

fn org_names(r: &SearchResults) -> Vec<&str> {
    r.orgs.iter().map(|o| o.name.as_str()).collect()
}

#[tokio::test]
async fn pinyin_and_name_find_orgs() {
    let (engines, _fixtures) = fixtures("pinyin_and_name_find_orgs").await;
    for (eng, store) in engines.iter() {
        let r = find(store, "sssz").await;
        assert_eq!(
            org_names(&r).first(),
            Some(&SHISHOU_NAME),
            "{eng}: “sssz” finds 石首市总工会 first: {:?}",
            org_names(&r)
        );
        let r = find(store, "ss").await;
        assert!(
            org_names(&r).contains(&SHISHOU_NAME),
            "{eng}: “ss”: {:?}",
            org_names(&r)
        );
        assert!(
            !org_names(&r).contains(&"江陵县总工会"),
            "{eng}: “ss” is not everything: {:?}",
            org_names(&r)
        );
        let r = find(store, "SSSZ").await;
        assert_eq!(
            org_names(&r).first(),
            Some(&SHISHOU_NAME),
            "{eng}: upper-case initials"
        );
        let r = find(store, "ＳＳＳＺ").await;
        assert_eq!(
            org_names(&r).first(),
            Some(&SHISHOU_NAME),
            "{eng}: full-width initials"
        );
        let r = find(store, "shishou").await;
        assert!(
            org_names(&r).contains(&SHISHOU_NAME),
            "{eng}: full pinyin: {:?}",
            org_names(&r)
        );

        let r = find(store, "石首").await;
        let names = org_names(&r);
        assert!(names.contains(&SHISHOU_NAME), "{eng}: “石首”: {names:?}");
        assert!(
            names.iter().all(|n| n.contains("石首")),
            "{eng}: only names with 石首: {names:?}"
        );
        assert!(
            r.units.iter().any(|u| u.name == "石首市楚源纺织有限公司"),
            "{eng}: units by name too"
        );
        let r = find(store, " 石首市总工会 ").await;
        assert_eq!(
            org_names(&r).first(),
            Some(&SHISHOU_NAME),
            "{eng}: an exact name ranks first"
        );

        let r = find(store, "jl").await;
        assert!(
            org_names(&r).contains(&"江陵县总工会"),
            "{eng}: {:?}",
            org_names(&r)
        );
        assert!(!org_names(&r).contains(&SHISHOU_NAME), "{eng}");

        // Members are found by the start of their name.
        let r = find(store, "张").await;
        assert_eq!(
            r.members
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["张伟"],
            "{eng}"
        );
        let r = store
            .search(
                "石首",
                SearchScope::ORGS,
                &gonghui_store::Visibility::All,
                20,
            )
            .await
            .unwrap();
        assert!(
            !r.orgs.is_empty() && r.units.is_empty() && r.members.is_empty(),
            "{eng}: the org-only scope"
        );
        assert!(
            find(store, "   ").await.is_empty(),
            "{eng}: a blank query finds nothing"
        );
        assert!(find(store, "北京").await.is_empty(), "{eng}: no match");
    }
}

#[tokio::test]
async fn exact_codes_find_their_record() {
    let (engines, fixtures) = fixtures("exact_codes_find_their_record").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        let code = union_uscc("421081", 2);
        let r = find(store, code.as_str()).await;
        assert_eq!(
            r.orgs.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![f.shishou],
            "{eng}: org by USCC"
        );
        assert!(r.units.is_empty() && r.members.is_empty(), "{eng}");
        let r = find(store, &code.as_str().to_lowercase()).await;
        assert_eq!(
            r.orgs.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![f.shishou],
            "{eng}: lower-case USCC"
        );

        let unit_code = enterprise_uscc("421081", 101);
        let r = find(store, &format!(" {} ", unit_code.as_str())).await;
        assert_eq!(
            r.units.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![f.unit_a],
            "{eng}: unit by USCC"
        );
        assert!(r.orgs.is_empty(), "{eng}");

        let r = find(store, EXAMPLE_ID).await;
        assert_eq!(
            r.members.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![f.construction_member],
            "{eng}: member by ID"
        );
        let r = find(store, &EXAMPLE_ID.to_lowercase()).await;
        assert_eq!(
            r.members.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![f.construction_member],
            "{eng}: lower-case x"
        );
        let zhang = store.member(f.ent_members[0]).await.unwrap();
        let r = find(store, &zhang.id_number).await;
        assert_eq!(
            r.members.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![zhang.id],
            "{eng}"
        );
        // A valid number nobody holds finds nothing (and not everyone).
        assert!(
            find(store, id_number("421081", "19700101", 1).as_str())
                .await
                .is_empty(),
            "{eng}"
        );
        assert!(
            find(store, enterprise_uscc("421081", 999).as_str())
                .await
                .is_empty(),
            "{eng}"
        );
    }
}

#[tokio::test]
async fn like_wildcards_are_literal() {
    let (engines, fixtures) = fixtures("like_wildcards_are_literal").await;
    for ((eng, store), f) in engines.iter().zip(&fixtures) {
        assert!(
            find(store, "%").await.is_empty(),
            "{eng}: “%” must not match everything"
        );
        assert!(
            find(store, "_").await.is_empty(),
            "{eng}: “_” must not match everything"
        );
        assert!(find(store, "%%").await.is_empty(), "{eng}");
        assert!(
            find(store, "石_").await.is_empty(),
            "{eng}: “_” is not any character"
        );
        assert!(
            find(store, "石%").await.is_empty(),
            "{eng}: “%” is not any text"
        );
        assert!(
            find(store, "\\").await.is_empty(),
            "{eng}: a backslash is a plain character"
        );

        let pct = store
            .create_org(
                &sys(),
                f.township,
                grassroots(
                    GrassrootsKind::Enterprise,
                    "新厂镇100%诚信商行工会",
                    "421081",
                ),
                None,
            )
            .await
            .unwrap();
        let und = store
            .create_unit(
                &sys(),
                unit_input(
                    enterprise_uscc("421081", 901),
                    "新厂镇A_B贸易有限公司",
                    "421081",
                    9,
                    4,
                ),
                None,
            )
            .await
            .unwrap();
        let r = find(store, "%").await;
        assert_eq!(
            r.orgs.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![pct],
            "{eng}: “%” finds the one name with %"
        );
        assert!(r.units.is_empty() && r.members.is_empty(), "{eng}");
        let r = find(store, "_").await;
        assert_eq!(
            r.units.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![und],
            "{eng}: “_” finds the one name with _"
        );
        assert!(r.orgs.is_empty(), "{eng}");
        let r = find(store, "a_b").await;
        assert_eq!(
            r.units.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![und],
            "{eng}"
        );
        // The name keeps its capitals; the query is folded to lower case: both engines match.
        let r = find(store, "A_B贸易").await;
        assert_eq!(
            r.units.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![und],
            "{eng}: Latin letters in names, any case"
        );
        assert!(find(store, "a%b").await.is_empty(), "{eng}");
        assert!(
            find(store, "axb").await.is_empty(),
            "{eng}: “_” in a name does not match any letter"
        );
    }
}
