//! 统计驾驶舱、逐一摸底 over HTTP: the numbers of the account's own subtree (a sibling county's
//! dashboard, lists, worklist and API statistics are refused, audited), a chair sees only their
//! union, a write shows in the numbers at once, wrong filters are explained beside their field,
//! exports are audited, and the 五个清 survey form. Runs on every engine.

mod common;

use axum::http::StatusCode;
use common::*;
use gonghui_store::Actor;

fn stats_json(r: &Resp) -> serde_json::Value {
    assert_eq!(r.status, StatusCode::OK, "{}", r.excerpt());
    r.json()
}

#[tokio::test]
async fn a_sibling_county_is_refused_and_a_chair_sees_only_their_union() {
    let engines = engines("dashboard_scope").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let staff = app.login("staff.a", PASSWORD).await;
        for uri in [
            format!("/orgs/{}/dashboard", w.b),
            format!("/orgs/{}/dashboard.xlsx", w.b),
            format!("/orgs/{}/stats/list?kind=members", w.b),
            format!("/orgs/{}/worklist", w.b),
            format!("/orgs/{}/worklist.xlsx", w.b),
            format!("/orgs/{}/dashboard", w.root),
            format!("/units/{}/survey", w.unit_free_b),
        ] {
            let before = app.newest_denial("staff.a").await.map(|e| e.id);
            let r = app.get(Some(&staff), &uri).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}] {uri}");
            assert!(!r.text().contains(B_NAME), "[{engine}] {uri} names B");
            let after = app.newest_denial("staff.a").await.map(|e| e.id);
            assert_ne!(before, after, "[{engine}] {uri}: the refusal is audited");
        }
        let r = app
            .get(Some(&staff), &format!("/api/v1/orgs/{}/stats", w.b))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}]");
        assert_eq!(r.json()["error"], "forbidden", "[{engine}]");

        // Their own county: 2 unions, 2 covered units and 1 without a union, 4 members.
        let r = app
            .get(Some(&staff), &format!("/orgs/{}/dashboard", w.a))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}] {}", r.excerpt());
        let html = r.text();
        assert_eq!(stat(&html, "基层工会"), Some(2), "[{engine}]");
        assert_eq!(stat(&html, "已建会单位"), Some(2), "[{engine}]");
        assert_eq!(stat(&html, "未建会单位"), Some(1), "[{engine}]");
        assert_eq!(stat(&html, "会员"), Some(4), "[{engine}]");
        assert!(
            html.contains("66.7%"),
            "[{engine}]: 2 of 3 units have a union"
        );
        assert!(html.contains(T_NAME), "[{engine}]: the township is a row");
        assert!(html.contains("id=\"dashboard-data\""), "[{engine}]");
        assert!(
            !html.contains(B_NAME) && !html.contains(U2_NAME),
            "[{engine}]"
        );
        let j = stats_json(
            &app.get(Some(&staff), &format!("/api/v1/orgs/{}/stats", w.a))
                .await,
        );
        assert_eq!(
            (
                j["grassroots"].as_i64(),
                j["covered_units"].as_i64(),
                j["members"].as_i64()
            ),
            (Some(2), Some(2), Some(4)),
            "[{engine}] {j}"
        );

        // The chair of 楚源纺织 sees their own union and nothing above it.
        let chair = app.login("chair.u1", PASSWORD).await;
        let r = app
            .get(Some(&chair), &format!("/orgs/{}/dashboard", w.u1))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}] {}", r.excerpt());
        let html = r.text();
        assert_eq!(stat(&html, "会员"), Some(3), "[{engine}]");
        assert_eq!(stat(&html, "已建会单位"), Some(1), "[{engine}]");
        assert!(!html.contains(U3_NAME), "[{engine}]");
        for uri in [
            format!("/orgs/{}/dashboard", w.t),
            format!("/orgs/{}/worklist", w.t),
            format!("/api/v1/orgs/{}/stats", w.a),
        ] {
            let r = app.get(Some(&chair), &uri).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}] chair {uri}");
        }
        let j = stats_json(
            &app.get(Some(&chair), &format!("/api/v1/orgs/{}/stats", w.u1))
                .await,
        );
        assert_eq!(j["members"], 3, "[{engine}]");
        assert_eq!(
            j["uncovered_units"], 0,
            "[{engine}]: no directory of a region"
        );
        // A grassroots union has no worklist of its own.
        let r = app
            .get(Some(&chair), &format!("/orgs/{}/worklist", w.u1))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}]");
        assert!(r.text().contains("没有单独的辖区单位名录"), "[{engine}]");
    }
}

#[tokio::test]
async fn numbers_follow_writes_at_once_and_filters_are_checked() {
    let engines = engines("dashboard_live").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let staff = app.login("staff.root", PASSWORD).await;
        let dash = format!("/orgs/{}/dashboard", w.root);
        let html = app.get(Some(&staff), &dash).await.text();
        assert_eq!(stat(&html, "会员"), Some(5), "[{engine}]");
        assert_eq!(stat(&html, "已建会单位"), Some(3), "[{engine}]");
        assert_eq!(stat(&html, "未建会单位"), Some(2), "[{engine}]");

        // A member joins and a unit gets a union: the next page shows both.
        store
            .create_member(
                &Actor::system(),
                w.u3,
                member_input(
                    "钱多多",
                    id_number("421081", "19930101", 51),
                    date(2025, 5, 1),
                ),
            )
            .await
            .unwrap();
        store
            .cover_unit(&Actor::system(), w.unit_free_a, w.u3, None)
            .await
            .unwrap();
        let html = app.get(Some(&staff), &dash).await.text();
        assert_eq!(stat(&html, "会员"), Some(6), "[{engine}]");
        assert_eq!(stat(&html, "已建会单位"), Some(4), "[{engine}]");
        assert_eq!(stat(&html, "未建会单位"), Some(1), "[{engine}]");
        let j = stats_json(
            &app.get(
                Some(&staff),
                &format!("/api/v1/orgs/{}/stats/children", w.root),
            )
            .await,
        );
        let a = j["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["org_name"] == A_NAME)
            .expect("石首 is a child");
        assert_eq!(
            (a["members"].as_i64(), a["covered_units"].as_i64()),
            (Some(5), Some(3))
        );

        // As of a past date the fixture's coverage (recorded today) did not exist yet.
        let j = stats_json(
            &app.get(
                Some(&staff),
                &format!("/api/v1/orgs/{}/stats?as_of=2021-06-01", w.root),
            )
            .await,
        );
        assert_eq!(j["live"], false, "[{engine}]");
        assert_eq!(j["covered_units"], 0, "[{engine}]");
        assert_eq!(j["members"], 6, "[{engine}]: 郑洁 had not left yet");

        // Wrong filters: 422, the parameter named, the message beside the field on the page.
        for (param, value, needle) in [
            ("as_of", "2999-01-01", "晚于今天"),
            ("region", "42108", "格式不对"),
            ("ownership", "国营", "经济类型"),
            ("min_employees", "-5", "下限"),
            ("industry", "Z9", "行业"),
        ] {
            let r = app
                .get(
                    Some(&staff),
                    &format!("/api/v1/orgs/{}/stats?{param}={}", w.root, q(value)),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{engine}] {param}"
            );
            assert_eq!(r.json()["field"], param, "[{engine}] {param}");
            let msg = r.json()["message"].as_str().unwrap().to_owned();
            assert!(msg.contains(needle), "[{engine}] {param}: {msg}");
            let r = app
                .get(Some(&staff), &format!("{dash}?{param}={}", q(value)))
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{engine}] {param}"
            );
            let err = field_error(&r.text(), param).unwrap_or_default();
            assert!(err.contains(needle), "[{engine}] {param}: {err}");
        }

        // Sorting the children table by members, largest first.
        let html = app
            .get(Some(&staff), &format!("{dash}?sort=members&desc=1"))
            .await
            .text();
        let (ia, ib) = (html.find(A_NAME).unwrap(), html.rfind(B_NAME).unwrap());
        assert!(ia < ib, "[{engine}]: 石首 (5 members) before 江陵 (1)");

        // Lists and exports.
        let r = app
            .get(
                Some(&staff),
                &format!("/orgs/{}/stats/list?kind=uncovered_units", w.root),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}]");
        assert!(r.text().contains("江陵县郝穴食品厂"), "[{engine}]");
        let before = app.audit_count().await;
        for uri in [
            format!("/orgs/{}/dashboard.xlsx", w.root),
            format!("/orgs/{}/stats/list.xlsx?kind=members", w.root),
            format!("/orgs/{}/worklist.xlsx", w.root),
        ] {
            let r = app.get(Some(&staff), &uri).await;
            assert_eq!(r.status, StatusCode::OK, "[{engine}] {uri}");
            assert!(
                r.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("spreadsheetml"),
                "[{engine}] {uri}"
            );
            assert_eq!(&r.bytes[..2], b"PK", "[{engine}] {uri}: an xlsx (zip) file");
        }
        assert_eq!(
            app.audit_count().await,
            before + 3,
            "[{engine}]: exports are audited"
        );
        assert_eq!(
            app.newest_entry().await.action,
            "stats.export",
            "[{engine}]"
        );
    }
}

#[tokio::test]
async fn five_clear_survey_form() {
    let engines = engines("dashboard_survey").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let staff = app.login("staff.a", PASSWORD).await;
        let uri = format!("/units/{}/survey?from={}", w.unit_free_a, w.a);
        let r = app.get(Some(&staff), &uri).await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}] {}", r.excerpt());
        assert!(r.text().contains("登记走访情况"), "[{engine}]");
        let full = [
            ("staff_distribution", "厂区在石首市经济开发区"),
            ("operations", "正常生产"),
            ("workforce", "职工50人，农民工20人"),
            ("investor", "法定代表人李某，支持建会"),
            ("reason", "preparing"),
            ("reason_text", ""),
            ("surveyed_on", "2026-01-05"),
            ("surveyed_by", "王芳"),
        ];
        // A missing field: refused beside it, what was typed kept, nothing written.
        let before = app.audit_count().await;
        let mut partial = full.to_vec();
        partial[2] = ("workforce", "");
        let r = app.post(Some(&staff), &uri, &partial).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let html = r.text();
        assert!(
            field_error(&html, "workforce")
                .unwrap_or_default()
                .contains("职工队伍情况"),
            "[{engine}]"
        );
        assert!(
            html.contains("法定代表人李某"),
            "[{engine}]: typed values kept"
        );
        assert_eq!(app.audit_count().await, before, "[{engine}]");
        assert!(store.unit_surveys(w.unit_free_a).await.unwrap().is_empty());

        let r = app.post(Some(&staff), &uri, &full).await;
        assert!(
            r.redirects_to(&format!("/units/{}/survey?done=surveyed", w.unit_free_a)),
            "[{engine}] {} {:?}",
            r.status,
            r.location()
        );
        assert_eq!(app.newest_entry().await.action, "unit.survey", "[{engine}]");
        let page = app.get(Some(&staff), &r.location().unwrap()).await.text();
        assert!(page.contains("五个清摸底情况已登记"), "[{engine}]");
        assert!(page.contains("正在筹建"), "[{engine}]");
        let html = app
            .get(Some(&staff), &format!("/orgs/{}/worklist", w.a))
            .await
            .text();
        assert_eq!(stat(&html, "已摸底"), Some(1), "[{engine}]");

        // A covered unit needs no survey; a viewer may not record one.
        let r = app
            .post(Some(&staff), &format!("/units/{}/survey", w.unit_u1), &full)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("已经建会"), "[{engine}]");
        let viewer = app.login("viewer.a", PASSWORD).await;
        let r = app.post(Some(&viewer), &uri, &full).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}]");
        assert_eq!(store.unit_surveys(w.unit_free_a).await.unwrap().len(), 1);
    }
}
