//! The city's instruments over HTTP (主席协议、律师副主席、四个到位、双亮): who may see and
//! change them, the rule's message beside the field, the coverage tables and their exports.
//! Every test runs on SQLite and, when `GONGHUI_TEST_PG_URL` is set, on PostgreSQL.
//!
//! The rule of this area (see pages/instruments/mod.rs and docs/guide/instruments.md): reading
//! follows scope; agreements, 双亮 checks, 四个到位 checks and subsidies are written by whoever
//! may write the union's affiliation parent (so a chair reads their own record but cannot
//! certify themselves); lawyer vice-chairs by whoever may write the county; thresholds by the
//! city federation's staff only.

mod common;

use axum::http::StatusCode;
use common::*;
use gonghui_domain::{AreaKind, OrgKind};
use gonghui_store::Actor;

async fn agreements_of(app: &App, org: i64) -> usize {
    app.store.chair_agreements_of(org).await.unwrap().len()
}

fn agreement_form<'a>(start: &'a str, end: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("chair_name", "刘建国"),
        ("selection", "elected"),
        ("start_on", start),
        ("end_on", end),
        ("monthly_allowance", "800"),
        ("note", ""),
    ]
}

fn lawyer_form(cert: &str) -> Vec<(&str, &str)> {
    vec![
        ("name", "王立法"),
        ("law_firm", "湖北楚天律师事务所"),
        ("cert_no", cert),
        ("document_no", "荆工发〔2024〕12号"),
        ("appointed_on", "2024-03-01"),
        ("term_end", "2027-02-28"),
        ("phone", "13907161234"),
    ]
}

/// Asserts a 403 with 没有权限 and a new `denied.*` entry by `who`.
async fn assert_denied(app: &App, who: &str, r: &Resp, what: &str, before: Option<i64>) {
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "[{}] {what}: {}",
        app.engine,
        r.excerpt()
    );
    assert!(r.text().contains("没有权限"), "[{}] {what}", app.engine);
    let denial = app.newest_denial(who).await.map(|e| e.id);
    assert!(
        denial.is_some() && denial != before,
        "[{}] {what}: the refusal is audited",
        app.engine
    );
}

#[tokio::test]
async fn a_sibling_county_neither_sees_nor_edits() {
    let engines = engines("instr_sibling").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.a", PASSWORD).await;
        for uri in [
            format!("/orgs/{}/chair-agreements", w.b),
            format!("/orgs/{}/chair-agreements", w.u2),
            format!("/orgs/{}/chair-agreements?export=xlsx", w.b),
            format!("/orgs/{}/lawyers", w.b),
            format!("/orgs/{}/dual-display", w.u2),
            format!("/orgs/{}/dual-display?export=xlsx", w.root),
            format!("/orgs/{}/four-in-place", w.b),
            format!("/orgs/{}/parks", w.root),
        ] {
            let before = app.newest_denial("staff.a").await.map(|e| e.id);
            let r = app.get(Some(&s), &uri).await;
            assert_denied(&app, "staff.a", &r, &format!("GET {uri}"), before).await;
            assert!(!r.text().contains(U2_NAME), "[{engine}] {uri} leaks");
        }
        let audit = app.audit_count().await;
        let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                format!("/orgs/{}/chair-agreements", w.u2),
                agreement_form("2024-01-01", "2026-12-31"),
            ),
            (
                format!("/orgs/{}/lawyers", w.b),
                lawyer_form("14210201210234567"),
            ),
            (
                format!("/orgs/{}/dual-display", w.u2),
                vec![
                    ("sign", "on"),
                    ("checked_on", "2024-05-01"),
                    ("checked_by", "石首市总工会 张三"),
                ],
            ),
        ];
        for (uri, fields) in &writes {
            let r = app.post(Some(&s), uri, fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}] POST {uri}");
        }
        assert_eq!(
            app.audit_count().await,
            audit + writes.len() as i64,
            "[{engine}] only the denials were written"
        );
        assert_eq!(agreements_of(&app, w.u2).await, 0, "[{engine}]");
        assert!(
            store.dual_display(w.u2).await.unwrap().is_none(),
            "[{engine}]"
        );
        assert!(
            store
                .lawyers_in(&store.org(w.b).await.unwrap())
                .await
                .unwrap()
                .is_empty()
        );

        // In their own county the same forms work, and the pages name nothing of 江陵.
        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/chair-agreements", w.u1),
                &agreement_form("2024-01-01", "2026-12-31"),
            )
            .await;
        assert!(
            r.redirects_to(&format!("/orgs/{}/chair-agreements?done=", w.u1)),
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(agreements_of(&app, w.u1).await, 1, "[{engine}]");
        for uri in [
            format!("/orgs/{}/chair-agreements", w.a),
            format!("/orgs/{}/chair-agreements?list=all", w.a),
            format!("/orgs/{}/dual-display", w.a),
            format!("/orgs/{}/lawyers", w.a),
            format!("/orgs/{}/parks", w.a),
            format!("/orgs/{}/four-in-place", w.t),
        ] {
            let r = app.get(Some(&s), &uri).await;
            assert_eq!(r.status, StatusCode::OK, "[{engine}] {uri}");
            for n in [B_NAME, U2_NAME, SB_NAME] {
                assert!(!r.text().contains(n), "[{engine}] {uri} names {n}");
            }
        }
        // A drill-down into a sibling through `child=` is refused as well.
        let r = app
            .get(
                Some(&s),
                &format!("/orgs/{}/chair-agreements?child={}&list=all", w.a, w.b),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "[{engine}] child outside the page's org"
        );
        assert!(!r.text().contains(U2_NAME));
    }
}

#[tokio::test]
async fn a_chair_reads_their_own_record_and_cannot_certify_it() {
    let engines = engines("instr_chair").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let staff = app.login("staff.a", PASSWORD).await;
        let r = app
            .post(
                Some(&staff),
                &format!("/orgs/{}/chair-agreements", w.u1),
                &agreement_form("2024-01-01", "2026-12-31"),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let r = app
            .post(
                Some(&staff),
                &format!("/orgs/{}/dual-display", w.u1),
                &[
                    ("sign", "on"),
                    ("identity", "on"),
                    ("checked_on", "2024-05-01"),
                    ("checked_by", "石首市总工会组织部 张三"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );

        let chair = app.login("chair.u1", PASSWORD).await;
        let html = app
            .get(Some(&chair), &format!("/orgs/{}/chair-agreements", w.u1))
            .await;
        assert_eq!(html.status, StatusCode::OK, "[{engine}]");
        let html = html.text();
        assert!(
            html.contains("刘建国") && html.contains("履行中"),
            "[{engine}] the chair sees the agreement"
        );
        assert!(
            html.contains("只供查看"),
            "[{engine}] read-only, and says so"
        );
        assert!(
            !html.contains(&format!("action=\"/orgs/{}/chair-agreements\"", w.u1))
                && !html.contains("chair-agreements/end"),
            "[{engine}] no forms for the chair"
        );
        let html = app
            .get(Some(&chair), &format!("/orgs/{}/dual-display", w.u1))
            .await
            .text();
        assert!(
            html.contains("尚未亮作为"),
            "[{engine}] the honors rule, with what is missing"
        );
        assert!(!html.contains(&format!("action=\"/orgs/{}/dual-display\"", w.u1)));

        let agreement = store.chair_agreements_of(w.u1).await.unwrap()[0]
            .agreement
            .id
            .to_string();
        for (uri, fields) in [
            (
                format!("/orgs/{}/chair-agreements", w.u1),
                agreement_form("2027-01-01", "2028-12-31"),
            ),
            (
                format!("/orgs/{}/chair-agreements/assess", w.u1),
                vec![
                    ("agreement", agreement.as_str()),
                    ("year", "2024"),
                    ("result", "excellent"),
                ],
            ),
            (
                format!("/orgs/{}/chair-agreements/end", w.u1),
                vec![
                    ("agreement", agreement.as_str()),
                    ("ended_on", "2024-06-01"),
                    ("end_reason", "协议解除"),
                ],
            ),
            (
                format!("/orgs/{}/dual-display", w.u1),
                vec![
                    ("sign", "on"),
                    ("identity", "on"),
                    ("deeds", "on"),
                    ("checked_on", "2024-06-01"),
                    ("checked_by", "刘建国本人"),
                ],
            ),
        ] {
            let before = app.newest_denial("chair.u1").await.map(|e| e.id);
            let r = app.post(Some(&chair), &uri, &fields).await;
            assert_denied(&app, "chair.u1", &r, &format!("chair POST {uri}"), before).await;
        }
        let records = store.chair_agreements_of(w.u1).await.unwrap();
        assert_eq!(records.len(), 1, "[{engine}]");
        assert!(records[0].assessments.is_empty() && records[0].agreement.ended_on.is_none());
        assert!(
            !store.dual_display(w.u1).await.unwrap().unwrap().deeds,
            "[{engine}]"
        );

        // Nothing above or beside the union.
        for uri in [
            format!("/orgs/{}/chair-agreements", w.t),
            format!("/orgs/{}/dual-display", w.u3),
            format!("/orgs/{}/lawyers", w.a),
        ] {
            let before = app.newest_denial("chair.u1").await.map(|e| e.id);
            let r = app.get(Some(&chair), &uri).await;
            assert_denied(&app, "chair.u1", &r, &format!("chair GET {uri}"), before).await;
        }
    }
}

#[tokio::test]
async fn thresholds_are_set_by_the_city_and_seen_by_all() {
    let engines = engines("instr_settings").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let county = app.login("staff.a", PASSWORD).await;
        let html = app
            .get(Some(&county), &format!("/orgs/{}/chair-agreements", w.a))
            .await
            .text();
        assert!(
            html.contains("data-testid=\"chair-min\">100<"),
            "[{engine}] the threshold is shown"
        );
        assert!(html.contains("门槛由市总工会设定"), "[{engine}]");
        assert!(
            !html.contains("/chair-agreements/settings"),
            "[{engine}] no form for a county"
        );
        for uri in [
            format!("/orgs/{}/chair-agreements/settings", w.a),
            format!("/orgs/{}/dual-display/settings", w.a),
        ] {
            let before = app.newest_denial("staff.a").await.map(|e| e.id);
            let r = app
                .post(
                    Some(&county),
                    &uri,
                    &[("min_employees", "50"), ("target_percent", "50")],
                )
                .await;
            assert_denied(&app, "staff.a", &r, &format!("county POST {uri}"), before).await;
        }
        assert_eq!(
            store
                .instrument_settings()
                .await
                .unwrap()
                .chair_min_employees,
            100
        );

        let city = app.login("staff.root", PASSWORD).await;
        // 石首's 楚源纺织 (120, private) is eligible at 100.
        let html = app
            .get(Some(&city), &format!("/orgs/{}/chair-agreements", w.root))
            .await
            .text();
        assert_eq!(
            stat(&html, "已建会的100人以上非公企业"),
            Some(1),
            "[{engine}]"
        );
        let uri = format!("/orgs/{}/chair-agreements/settings", w.root);
        let audit = app.audit_count().await;
        for (value, needle) in [("abc", "正整数"), ("0", "1至100000")] {
            let r = app
                .post(Some(&city), &uri, &[("min_employees", value)])
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "[{engine}] {value}"
            );
            let err = field_error(&r.text(), "min_employees").unwrap_or_default();
            assert!(err.contains(needle), "[{engine}] {value}: “{err}”");
            assert!(
                r.text().contains(&format!("value=\"{value}\"")),
                "[{engine}] keeps what was typed"
            );
        }
        assert_eq!(app.audit_count().await, audit, "[{engine}] nothing written");
        let r = app
            .post(Some(&city), &uri, &[("min_employees", "150")])
            .await;
        assert!(
            r.redirects_to(&format!("/orgs/{}/chair-agreements?done=setting", w.root)),
            "[{engine}]"
        );
        let entry = app.newest_entry().await;
        assert_eq!(entry.action, "setting.set", "[{engine}]");
        assert_eq!(entry.actor, "staff.root", "[{engine}]");
        let html = app
            .get(Some(&county), &format!("/orgs/{}/chair-agreements", w.a))
            .await
            .text();
        assert!(
            html.contains("data-testid=\"chair-min\">150<"),
            "[{engine}] the county sees the new threshold"
        );
        assert_eq!(
            stat(&html, "已建会的150人以上非公企业"),
            Some(0),
            "[{engine}] 120 < 150"
        );

        // 双亮: both values are checked before either is written.
        let uri = format!("/orgs/{}/dual-display/settings", w.root);
        let audit = app.audit_count().await;
        let r = app
            .post(
                Some(&city),
                &uri,
                &[("min_employees", "80"), ("target_percent", "101")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(field_error(&r.text(), "target_percent").is_some_and(|e| e.contains("1至100")));
        assert_eq!(
            app.audit_count().await,
            audit,
            "[{engine}] neither was written"
        );
        let r = app
            .post(
                Some(&city),
                &uri,
                &[("min_employees", "80"), ("target_percent", "85")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{engine}]");
        assert_eq!(
            app.audit_count().await,
            audit + 2,
            "[{engine}] two settings, two entries"
        );
        let s = store.instrument_settings().await.unwrap();
        assert_eq!(
            (s.dual_min_employees, s.dual_target_percent),
            (80, 85),
            "[{engine}]"
        );
    }
}

#[tokio::test]
async fn refusals_are_shown_beside_the_field() {
    let engines = engines("instr_forms").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.a", PASSWORD).await;
        let audit = app.audit_count().await;

        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/chair-agreements", w.u1),
                &agreement_form("2024-01-01", "2023-12-31"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let err = field_error(&r.text(), "end_on").unwrap_or_default();
        assert!(err.contains("应晚于起始日期"), "[{engine}] “{err}”");
        assert!(
            r.text().contains("value=\"刘建国\""),
            "[{engine}] keeps what was typed"
        );

        let mut bad_money = agreement_form("2024-01-01", "2026-12-31");
        bad_money[4] = ("monthly_allowance", "-5");
        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/chair-agreements", w.u1),
                &bad_money,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(field_error(&r.text(), "monthly_allowance").is_some_and(|e| e.contains("负数")));

        // A township is not a grassroots union: the rule is shown at the top.
        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/chair-agreements", w.t),
                &agreement_form("2024-01-01", "2026-12-31"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("只能登记在基层工会"), "[{engine}]");

        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/lawyers", w.a),
                &lawyer_form("1421020121023456"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let err = field_error(&r.text(), "cert_no").unwrap_or_default();
        assert!(
            err.contains("应为17位数字，现在是16位"),
            "[{engine}] “{err}”"
        );
        assert_eq!(app.audit_count().await, audit, "[{engine}] nothing written");

        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/lawyers", w.a),
                &lawyer_form("14210201210234567"),
            )
            .await;
        assert!(
            r.redirects_to(&format!("/orgs/{}/lawyers?done=appointed", w.a)),
            "[{engine}] {}",
            r.excerpt()
        );
        let officers = store.officers(w.a).await.unwrap();
        assert!(
            officers
                .iter()
                .any(|o| o.name == "王立法" && o.left_on.is_none()),
            "[{engine}] the lawyer is on the county's officers"
        );
        let city = app.login("staff.root", PASSWORD).await;
        let html = app
            .get(Some(&city), &format!("/orgs/{}/lawyers", w.root))
            .await
            .text();
        let row = |name: &str| {
            let i = html.find(&format!(">{name}</a>")).expect("county row");
            html[i..i + 400].to_owned()
        };
        assert!(row(A_NAME).contains("已选聘到位"), "[{engine}]");
        assert!(row(B_NAME).contains("尚未选聘"), "[{engine}]");
        assert!(
            html.contains("139****1234"),
            "[{engine}] the phone is masked"
        );
        assert!(!html.contains("13907161234"), "[{engine}]");
    }
}

#[tokio::test]
async fn the_park_subsidy_waits_for_the_four_items() {
    let engines = engines("instr_park").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let park = store
            .create_org(
                &Actor::system(),
                w.a,
                org_input(
                    OrgKind::AreaFederation,
                    Some(AreaKind::DevelopmentZone.code()),
                    "石首经济开发区工会",
                    "421081",
                    None,
                ),
                None,
            )
            .await
            .unwrap();
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.a", PASSWORD).await;
        let page = format!("/orgs/{park}/four-in-place");
        let html = app.get(Some(&s), &page).await.text();
        assert!(
            html.contains("四个到位未全部到位的开发区工会不予划拨补助经费（机构设置、办公设施、干部配备、基本经费未到位）"),
            "[{engine}] the page says why no subsidy may be paid"
        );
        let audit = app.audit_count().await;
        let subsidy = [
            ("year", "2024"),
            ("amount", "50000"),
            ("decided_on", "2024-07-01"),
            ("document_no", ""),
        ];
        let r = app
            .post(Some(&s), &format!("{page}/subsidy"), &subsidy)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("不予划拨补助经费"), "[{engine}]");

        let mut check = vec![
            ("in_organization", "on"),
            ("evidence_organization", "荆开工委〔2023〕5号"),
            ("in_office", "on"),
            ("evidence_office", ""),
            ("in_cadres", "on"),
            ("evidence_cadres", "专职干部3人"),
            ("in_funds", "on"),
            ("evidence_funds", "年度预算20万元"),
            ("checked_on", "2024-04-10"),
            ("checked_by", "石首市总工会组织部 张明"),
        ];
        let r = app.post(Some(&s), &page, &check).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let err = field_error(&r.text(), "evidence_office").unwrap_or_default();
        assert!(err.contains("请写明依据"), "[{engine}] “{err}”");
        assert_eq!(app.audit_count().await, audit, "[{engine}] nothing written");

        check[3] = ("evidence_office", "管委会3楼60平方米");
        let r = app.post(Some(&s), &page, &check).await;
        assert!(
            r.redirects_to(&format!("{page}?done=checked")),
            "[{engine}] {}",
            r.excerpt()
        );
        let r = app
            .post(Some(&s), &format!("{page}/subsidy"), &subsidy)
            .await;
        assert!(
            r.redirects_to(&format!("{page}?done=subsidy")),
            "[{engine}] {}",
            r.excerpt()
        );
        let html = app
            .get(Some(&s), &format!("/orgs/{}/parks", w.a))
            .await
            .text();
        assert!(
            html.contains("石首经济开发区工会") && html.contains("2024年 50000元"),
            "[{engine}]"
        );

        // The park union's own page for the chair of a union elsewhere: out of scope.
        let chair = app.login("chair.u1", PASSWORD).await;
        let r = app.get(Some(&chair), &page).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}]");
    }
}

#[tokio::test]
async fn coverage_tables_count_and_export() {
    let engines = engines("instr_coverage").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.root", PASSWORD).await;
        let page = format!("/orgs/{}/chair-agreements", w.root);
        // Eligible at 100: only 楚源纺织 (120, private, U1 under 石首); 荆江农业 has 40.
        let html = app.get(Some(&s), &page).await.text();
        assert_eq!(
            stat(&html, "已建会的100人以上非公企业"),
            Some(1),
            "[{engine}]"
        );
        assert_eq!(stat(&html, "主席已签协议"), Some(0), "[{engine}]");
        let missing = app
            .get(Some(&s), &format!("{page}?child={}&list=missing", w.a))
            .await
            .text();
        assert!(
            missing.contains("石首市楚源纺织有限公司"),
            "[{engine}] the list behind the number"
        );
        assert!(missing.contains("未签协议"), "[{engine}]");

        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/chair-agreements", w.u1),
                &agreement_form("2024-01-01", "2028-12-31"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{engine}]");
        let html = app.get(Some(&s), &page).await.text();
        assert_eq!(stat(&html, "主席已签协议"), Some(1), "[{engine}]");
        assert!(html.contains("100.0%"), "[{engine}]");

        for (uri, action) in [
            (format!("{page}?export=xlsx"), "chair_agreement.export"),
            (
                format!("/orgs/{}/dual-display?export=xlsx", w.root),
                "dual_display.export",
            ),
        ] {
            let r = app.get(Some(&s), &uri).await;
            assert_eq!(r.status, StatusCode::OK, "[{engine}] {uri}");
            assert_eq!(
                r.headers.get("content-type").unwrap(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            );
            assert!(r.bytes.starts_with(b"PK"), "[{engine}] an .xlsx (zip) file");
            assert_eq!(
                app.newest_entry().await.action,
                action,
                "[{engine}] the export is audited"
            );
        }

        // 双亮: 楚源纺织 is an enterprise of 120; after the check it counts, against 90%.
        let r = app
            .post(
                Some(&s),
                &format!("/orgs/{}/dual-display", w.u1),
                &[
                    ("sign", "on"),
                    ("identity", "on"),
                    ("deeds", "on"),
                    ("checked_on", "2024-05-01"),
                    ("checked_by", "荆州市总工会组织部 王芳"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let html = app
            .get(Some(&s), &format!("/orgs/{}/dual-display", w.root))
            .await
            .text();
        assert_eq!(stat(&html, "三亮到位"), Some(1), "[{engine}]");
        assert!(html.contains("达标"), "[{engine}]");
        let html = app
            .get(Some(&s), &format!("/orgs/{}/dual-display", w.u1))
            .await
            .text();
        assert!(html.contains("可以参加市级以上"), "[{engine}]");
    }
}
