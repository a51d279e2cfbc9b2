//! 标准、荣誉、评选条件 over HTTP: who may read and change standards, the editor (rows kept,
//! errors beside the row, "再加5行" without JavaScript, a new version when a campaign uses the
//! current one), honors refused by the eligibility rules with every reason shown and nothing
//! written, and the rules changed by the city's staff only. Every test runs on SQLite and,
//! when `GONGHUI_TEST_PG_URL` is set, on PostgreSQL.
//!
//! The rule of this area (see the standards block of auth.rs and docs/guide/standards.md):
//! every records role reads standards; staff create, copy into their own org and edit what
//! their org owns; built-in standards are copied, never edited; honors are recorded by staff
//! who write the recipient; eligibility rules are changed by staff of the deployment root.

mod common;

use axum::http::StatusCode;
use common::*;
use gonghui_store::{BUILTIN_READ_ONLY, Store};

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

/// Rows of this area's tables, counted through the store: honors anywhere, rules, and the
/// standards (with their items) every org can reach.
async fn count(store: &Store, what: &str) -> i64 {
    let root = store.root().await.unwrap().unwrap();
    match what {
        "honors" => store
            .honors_in(&root, &gonghui_store::HonorFilter::default())
            .await
            .unwrap()
            .len() as i64,
        "eligibility_rules" => store.eligibility_rules().await.unwrap().len() as i64,
        // Ids are small in a test database: every standard, whoever owns it.
        "standards" | "standard_items" => {
            let mut n = 0;
            for id in 1..=200 {
                if let Ok(s) = store.standard(id).await {
                    n += if what == "standards" { 1 } else { s.item_count };
                }
            }
            n
        }
        other => panic!("unknown table {other}"),
    }
}

/// The id of the built-in 七有 (seeded first on a fresh database).
async fn qiyou(store: &Store) -> i64 {
    let root = store.root().await.unwrap().unwrap();
    store
        .standards_for(&root, false)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.code == "qiyou")
        .unwrap()
        .id
}

/// The id in a redirect to `/standards/{id}…`.
fn standard_id(r: &Resp) -> i64 {
    let to = r.location().expect("a redirect");
    to.trim_start_matches("/standards/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no id in {to}"))
}

fn standard_form(rows: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = [
        ("name", "模范职工小家建设标准"),
        ("description", "石首市总工会2026年"),
        ("applies_to", "grassroots"),
        ("grading", "bands"),
        ("first", "90"),
        ("second", "75"),
        ("third", "60"),
        ("pass", "100"),
        ("note", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (i, (title, points, veto)) in rows.iter().enumerate() {
        let n = i + 1;
        for (k, val) in [
            ("section", "组织建设"),
            ("title", *title),
            ("description", ""),
            ("points", *points),
            ("evidence", "photo"),
            ("count", "1"),
        ] {
            v.push((format!("item-{n}-{k}"), val.to_owned()));
        }
        if !veto.is_empty() {
            v.push((format!("item-{n}-veto"), "on".into()));
        }
    }
    v
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn everyone_with_records_reads_standards_and_only_staff_write() {
    let engines = engines("web_standards_roles").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let qiyou = qiyou(store).await;
        for who in ["staff.a", "viewer.a", "chair.u1", "assessor.u1"] {
            let s = app.login(who, PASSWORD).await;
            let home = app.get(Some(&s), "/").await;
            let home = if home.status == StatusCode::SEE_OTHER {
                app.get(Some(&s), &home.location().unwrap()).await
            } else {
                home
            };
            assert!(
                home.text().contains("href=\"/standards\">标准</a>"),
                "[{engine}] {who}: 标准 in the navigation"
            );
            assert!(
                home.text().contains("/honors\">荣誉</a>"),
                "[{engine}] {who}"
            );
            let list = app.get(Some(&s), "/standards").await;
            assert_eq!(list.status, StatusCode::OK, "[{engine}] {who}");
            assert!(
                list.text().contains("基层工会“七有”标准"),
                "[{engine}] {who}"
            );
            let detail = app.get(Some(&s), &format!("/standards/{qiyou}")).await;
            assert_eq!(detail.status, StatusCode::OK, "[{engine}] {who}");
            let html = detail.text();
            assert!(html.contains("有工会印章"), "[{engine}] {who}");
            assert!(html.contains("每一项都做到为达标"), "[{engine}] {who}");
            assert_eq!(
                html.contains("复制为本单位标准"),
                who == "staff.a",
                "[{engine}] {who}: only staff copy"
            );
            let version = app
                .get(Some(&s), &format!("/standards/{qiyou}/versions/1"))
                .await;
            assert_eq!(version.status, StatusCode::OK, "[{engine}] {who}");
            let rules = app.get(Some(&s), "/eligibility-rules").await;
            assert_eq!(rules.status, StatusCode::OK, "[{engine}] {who}");
            assert!(
                rules
                    .text()
                    .contains("未开展双亮的单位不得参加市级以上评比"),
                "[{engine}] {who}"
            );
            assert!(!rules.text().contains("添加评选条件"), "[{engine}] {who}");

            if who == "staff.a" {
                continue;
            }
            let standards = count(store, "standards").await;
            for (method, uri) in [
                ("GET", "/standards/new".to_owned()),
                ("POST", "/standards/new".to_owned()),
                ("POST", format!("/standards/{qiyou}/copy")),
                ("GET", format!("/standards/{qiyou}/edit")),
                ("POST", format!("/standards/{qiyou}/edit")),
                ("POST", format!("/standards/{qiyou}/archive")),
            ] {
                let before = app.newest_denial(who).await.map(|e| e.id);
                let r = app.call(Call::new(method, &uri, Some(&s)).form(&[])).await;
                assert_denied(&app, who, &r, &format!("{who} {method} {uri}"), before).await;
            }
            assert_eq!(count(store, "standards").await, standards, "[{engine}]");
        }
        // The administrators see no records, standards included.
        let s = app.login("sys.root", PASSWORD).await;
        let before = app.newest_denial("sys.root").await.map(|e| e.id);
        let r = app.get(Some(&s), "/standards").await;
        assert_denied(&app, "sys.root", &r, "admin reads standards", before).await;
        let _ = w;
    }
}

#[tokio::test]
async fn staff_copy_edit_and_version_a_standard() {
    let engines = engines("web_standards_edit").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let qiyou = qiyou(store).await;
        let s = app.login("staff.a", PASSWORD).await;

        // A built-in standard is not edited: the page says so and offers the copy.
        let page = app.get(Some(&s), &format!("/standards/{qiyou}/edit")).await;
        assert_eq!(page.status, StatusCode::OK, "[{engine}]");
        assert!(page.text().contains(BUILTIN_READ_ONLY), "[{engine}]");
        let items = count(store, "standard_items").await;
        let r = app
            .post(
                Some(&s),
                &format!("/standards/{qiyou}/edit"),
                &refs(&standard_form(&[("有场所", "10", "")])),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains(BUILTIN_READ_ONLY), "[{engine}]");
        let r = app
            .post(Some(&s), &format!("/standards/{qiyou}/archive"), &[])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert_eq!(count(store, "standard_items").await, items, "[{engine}]");

        // Copy: owned by 石首市总工会, opened in the editor.
        let r = app
            .post(Some(&s), &format!("/standards/{qiyou}/copy"), &[])
            .await;
        assert!(r.redirects_to("/standards/"), "[{engine}] {}", r.excerpt());
        let copy = standard_id(&r);
        assert!(
            r.location().unwrap().contains("/edit?done=copied"),
            "[{engine}]"
        );
        let sum = store.standard(copy).await.unwrap();
        assert_eq!(sum.owner_org_id, Some(w.a), "[{engine}]");
        let editor = app.get(Some(&s), &format!("/standards/{copy}/edit")).await;
        assert_eq!(editor.status, StatusCode::OK, "[{engine}]");
        let html = editor.text();
        assert!(html.contains("基层工会“七有”标准（副本）"), "[{engine}]");
        assert!(html.contains("value=\"有工会印章\""), "[{engine}]");
        // 7 items and 2 spare rows.
        assert!(html.contains("name=\"item-9-title\""), "[{engine}]");
        assert!(!html.contains("name=\"item-10-title\""), "[{engine}]");

        // "再加5行" re-renders with everything typed kept and five more rows, writing nothing.
        let audit = app.audit_count().await;
        let mut form = standard_form(&[("有职工小家", "30", ""), ("职代会制度落实", "70", "")]);
        form.push(("more".into(), "1".into()));
        let r = app
            .post(Some(&s), &format!("/standards/{copy}/edit"), &refs(&form))
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}]");
        let html = r.text();
        assert!(html.contains("value=\"职代会制度落实\""), "[{engine}]");
        assert!(html.contains("name=\"item-7-title\""), "[{engine}]");
        assert!(html.contains("30%"), "[{engine}]: shares of the total");
        assert_eq!(app.audit_count().await, audit, "[{engine}]");

        // A row error lands beside its row and nothing is written.
        let bad = standard_form(&[("有职工小家", "30", ""), ("职代会制度落实", "0", "")]);
        let r = app
            .post(Some(&s), &format!("/standards/{copy}/edit"), &refs(&bad))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let html = r.text();
        let row = html.find("data-row=\"2\">").expect("an error beside row 2");
        assert!(
            html[row..].starts_with("data-row=\"2\">第2项"),
            "[{engine}]"
        );
        assert!(
            html.contains("value=\"有职工小家\""),
            "[{engine}]: typed input kept"
        );
        assert_eq!(app.audit_count().await, audit, "[{engine}]");
        let mut no_kind = standard_form(&[("有职工小家", "30", "")]);
        no_kind.retain(|(k, _)| k != "applies_to");
        let r = app
            .post(
                Some(&s),
                &format!("/standards/{copy}/edit"),
                &refs(&no_kind),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            r.text().contains("请选择这项标准适用的工会类型"),
            "[{engine}]"
        );
        assert_eq!(app.audit_count().await, audit, "[{engine}]");

        // Not in use: saved in place.
        let good = standard_form(&[
            ("有职工小家", "30", ""),
            ("职代会制度落实", "60", ""),
            ("无重大安全责任事故", "10", "veto"),
        ]);
        let r = app
            .post(Some(&s), &format!("/standards/{copy}/edit"), &refs(&good))
            .await;
        assert_eq!(
            r.location().as_deref(),
            Some(format!("/standards/{copy}?done=in_place").as_str()),
            "[{engine}] {}",
            r.excerpt()
        );
        let d = app
            .get(Some(&s), &format!("/standards/{copy}"))
            .await
            .text();
        assert!(d.contains("模范职工小家建设标准"), "[{engine}]");
        assert!(
            d.contains("data-testid=\"veto\""),
            "[{engine}]: 一票否决 marked"
        );
        assert!(d.contains("60%"), "[{engine}]");

        // A campaign uses version 1: the next save makes version 2.
        let v1 = store.standard(copy).await.unwrap().version_id;
        store
            .execute_raw(&format!(
                "INSERT INTO campaigns (name, org_id, version_id, kinds, start_on, end_on, \
                 self_review_due, reward_fen, reviewer, created_at) VALUES ('石首市模范职工小家创建', \
                 {}, {v1}, '', '2026-01-01', '2026-12-31', '2026-06-30', 0, 'parent', \
                 '2026-01-01T00:00:00Z')",
                w.a
            ))
            .await
            .unwrap();
        let editor = app.get(Some(&s), &format!("/standards/{copy}/edit")).await;
        assert!(editor.text().contains("保存后成为新版本"), "[{engine}]");
        let mut next = standard_form(&[
            ("有职工小家", "20", ""),
            ("职代会制度落实", "70", ""),
            ("无重大安全责任事故", "10", "veto"),
        ]);
        for p in next.iter_mut().filter(|(k, _)| k == "note") {
            p.1 = "降低场所分值".into();
        }
        let r = app
            .post(Some(&s), &format!("/standards/{copy}/edit"), &refs(&next))
            .await;
        assert_eq!(
            r.location().as_deref(),
            Some(format!("/standards/{copy}?done=new_version").as_str()),
            "[{engine}] {}",
            r.excerpt()
        );
        let d = app
            .get(Some(&s), &format!("/standards/{copy}"))
            .await
            .text();
        assert!(d.contains("第2版"), "[{engine}]");
        assert!(d.contains("降低场所分值"), "[{engine}]");
        assert!(d.contains("石首市模范职工小家创建"), "[{engine}]");
        let kept = store.standard_version(v1).await.unwrap();
        assert_eq!(
            kept.items[0].points, 30,
            "[{engine}]: version 1 keeps its points"
        );

        // Staff of the city read the county's standard but do not edit it.
        let root = app.login("staff.root", PASSWORD).await;
        let r = app.get(Some(&root), &format!("/standards/{copy}")).await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}]");
        assert!(!r.text().contains("修改项目和分值"), "[{engine}]");
        let before = app.newest_denial("staff.root").await.map(|e| e.id);
        let r = app
            .post(
                Some(&root),
                &format!("/standards/{copy}/edit"),
                &refs(&next),
            )
            .await;
        assert_denied(
            &app,
            "staff.root",
            &r,
            "city edits a county standard",
            before,
        )
        .await;
        // The city's list does not hold the county's standard; the county's does.
        let list = app.get(Some(&root), "/standards").await.text();
        assert!(!list.contains("模范职工小家建设标准"), "[{engine}]");
        let list = app.get(Some(&s), "/standards").await.text();
        assert!(list.contains("模范职工小家建设标准"), "[{engine}]");

        // A standard of the sibling county is neither read, copied nor edited by 石首.
        let spec = gonghui_domain::StandardSpec::new(
            "江陵县模范职工小家标准",
            "",
            gonghui_domain::Grading::pass_fail(100).unwrap(),
            gonghui_domain::KindSet::parse(["grassroots"]).unwrap(),
            vec![
                gonghui_domain::ItemSpec::new(
                    1,
                    "",
                    "有职工小家",
                    "",
                    10,
                    gonghui_domain::EvidenceKind::None,
                    0,
                    false,
                    gonghui_domain::KindSet::default(),
                )
                .unwrap(),
            ],
        )
        .unwrap();
        let sibling = store
            .create_standard(&gonghui_store::Actor::system(), w.b, &spec)
            .await
            .unwrap();
        for (method, uri) in [
            ("GET", format!("/standards/{sibling}")),
            ("GET", format!("/standards/{sibling}/versions/1")),
            ("POST", format!("/standards/{sibling}/copy")),
            ("POST", format!("/standards/{sibling}/edit")),
            ("POST", format!("/standards/{sibling}/archive")),
        ] {
            let before = app.newest_denial("staff.a").await.map(|e| e.id);
            let r = app.call(Call::new(method, &uri, Some(&s)).form(&[])).await;
            assert_denied(&app, "staff.a", &r, &format!("{method} {uri}"), before).await;
            assert!(!r.text().contains("江陵县模范职工小家标准"), "[{engine}]");
        }
        let list = app.get(Some(&s), "/standards").await.text();
        assert!(!list.contains("江陵县模范职工小家标准"), "[{engine}]");

        // A new standard through the form is owned by the county.
        let mut fresh = standard_form(&[("开展集体协商", "50", ""), ("有职工书屋", "50", "")]);
        for p in fresh.iter_mut().filter(|(k, _)| k == "name") {
            p.1 = "职工书屋建设标准".into();
        }
        let r = app.post(Some(&s), "/standards/new", &refs(&fresh)).await;
        assert!(r.redirects_to("/standards/"), "[{engine}] {}", r.excerpt());
        let id = standard_id(&r);
        let made = store.standard(id).await.unwrap();
        assert_eq!(made.owner_org_id, Some(w.a), "[{engine}]");
        assert_eq!(made.code, format!("custom-{id}"), "[{engine}]");

        // Archived: off the list, still readable.
        let r = app
            .post(Some(&s), &format!("/standards/{id}/archive"), &[])
            .await;
        assert!(r.redirects_to("/standards?done=archived"), "[{engine}]");
        let list = app.get(Some(&s), "/standards").await.text();
        assert!(!list.contains("职工书屋建设标准"), "[{engine}]");
        let list = app.get(Some(&s), "/standards?archived=1").await.text();
        assert!(list.contains("职工书屋建设标准"), "[{engine}]");
    }
}

#[tokio::test]
async fn honors_are_refused_by_the_rules_with_every_reason() {
    let engines = engines("web_honors").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.a", PASSWORD).await;
        let u1 = format!("{U1_NAME} #{}", w.u1);
        let form = |level: &'static str| {
            vec![
                ("title", "模范职工之家"),
                ("level", level),
                ("year", "2025"),
                ("recipient", "org"),
                ("person_name", ""),
                ("document_no", "石工发〔2025〕3号"),
            ]
        };
        let org_page = app.get(Some(&s), &format!("/orgs/{}", w.u1)).await;
        assert!(
            org_page
                .text()
                .contains(&format!("/orgs/{}/honors\">荣誉</a>", w.u1)),
            "[{engine}]: 荣誉 among the org's work links"
        );
        let page = app
            .get(Some(&s), &format!("/orgs/{}/honors/new", w.a))
            .await;
        assert_eq!(page.status, StatusCode::OK, "[{engine}]");
        assert!(
            page.text().contains("未开展双亮的单位不得参加"),
            "[{engine}]"
        );

        // No 双亮 recorded: a 市级 honor is refused with the rule and the specifics.
        let honors = count(store, "honors").await;
        let audit = app.audit_count().await;
        let mut f = form("city");
        f.push(("recipient_org", u1.as_str()));
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.a), &f)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let html = r.text();
        assert!(html.contains("data-testid=\"refusals\""), "[{engine}]");
        assert!(
            html.contains(
                "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选（尚未登记双亮情况）"
            ),
            "[{engine}] {}",
            r.excerpt()
        );
        assert!(
            html.contains("value=\"石工发〔2025〕3号\""),
            "[{engine}]: kept"
        );
        assert_eq!(count(store, "honors").await, honors, "[{engine}]");
        assert_eq!(app.audit_count().await, audit, "[{engine}]");

        // The same for 县级 is recorded.
        let mut f = form("county");
        f.push(("recipient_org", u1.as_str()));
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.a), &f)
            .await;
        assert_eq!(
            r.location().as_deref(),
            Some(format!("/orgs/{}/honors?done=honor", w.a).as_str()),
            "[{engine}] {}",
            r.excerpt()
        );
        let list = app.get(Some(&s), &format!("/orgs/{}/honors", w.a)).await;
        assert!(list.text().contains("模范职工之家"), "[{engine}]");
        assert!(list.text().contains(U1_NAME), "[{engine}]");
        let x = app
            .get(Some(&s), &format!("/orgs/{}/honors.xlsx?year=2025", w.a))
            .await;
        assert_eq!(x.status, StatusCode::OK, "[{engine}]");
        assert!(
            x.headers
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap().contains("spreadsheetml")),
            "[{engine}]"
        );
        assert!(x.bytes.starts_with(b"PK"), "[{engine}]: an xlsx (zip) file");

        // A person: only the name is kept.
        let mut p = form("county");
        p[0] = ("title", "优秀工会主席");
        p[3] = ("recipient", "person");
        p[4] = ("person_name", "刘建国");
        p.push(("recipient_org", u1.as_str()));
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.u1), &p)
            .await;
        assert!(
            r.redirects_to(&format!("/orgs/{}/honors?done=", w.u1)),
            "[{engine}]"
        );
        let list = app.get(Some(&s), &format!("/orgs/{}/honors", w.u1)).await;
        assert!(list.text().contains("刘建国（"), "[{engine}]");

        // Refused writers: the chair, a viewer, the assessor; and staff.a for a union of the
        // sibling county. Nothing is written, every refusal audited.
        let honors = count(store, "honors").await;
        for (who, org) in [
            ("chair.u1", w.u1),
            ("viewer.a", w.u1),
            ("assessor.u1", w.u1),
            ("staff.a", w.u2),
        ] {
            let sess = app.login(who, PASSWORD).await;
            for (method, uri) in [
                ("GET", format!("/orgs/{org}/honors/new")),
                ("POST", format!("/orgs/{org}/honors/new")),
            ] {
                let before = app.newest_denial(who).await.map(|e| e.id);
                let r = app
                    .call(Call::new(method, &uri, Some(&sess)).form(&form("county")))
                    .await;
                assert_denied(&app, who, &r, &format!("{who} {method} {uri}"), before).await;
                assert!(!r.text().contains(U2_NAME), "[{engine}] {who}: no leak");
            }
        }
        // Picking a union of the sibling county from one's own page is refused beside the field.
        let sneaky = format!("{U2_NAME} #{}", w.u2);
        let mut f = form("county");
        f.push(("recipient_org", sneaky.as_str()));
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.a), &f)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            field_error(&r.text(), "recipient_org").is_some_and(|e| e.contains("找不到")),
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(count(store, "honors").await, honors, "[{engine}]");

        // Revoking: refused to the chair, needs a reason, then marked.
        let id = store
            .honors_in(
                &store.org(w.u1).await.unwrap(),
                &gonghui_store::HonorFilter::default(),
            )
            .await
            .unwrap()[0]
            .id;
        let chair = app.login("chair.u1", PASSWORD).await;
        let before = app.newest_denial("chair.u1").await.map(|e| e.id);
        let r = app
            .post(
                Some(&chair),
                &format!("/honors/{id}/revoke"),
                &[("reason", "材料不实")],
            )
            .await;
        assert_denied(&app, "chair.u1", &r, "chair revokes", before).await;
        let r = app
            .post(
                Some(&s),
                &format!("/honors/{id}/revoke"),
                &[("reason", " ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("请填写撤销原因"), "[{engine}]");
        let r = app
            .post(
                Some(&s),
                &format!("/honors/{id}/revoke"),
                &[("reason", "复查发现材料不实"), ("back", &w.a.to_string())],
            )
            .await;
        assert_eq!(
            r.location().as_deref(),
            Some(format!("/orgs/{}/honors?done=revoked", w.a).as_str()),
            "[{engine}]"
        );
        assert!(store.honor(id).await.unwrap().revoked(), "[{engine}]");
        let r = app.post(Some(&s), "/honors/999999/revoke", &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{engine}]");
    }
}

#[tokio::test]
async fn only_the_citys_staff_change_the_rules() {
    let engines = engines("web_rules").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let dual_rule = store
            .eligibility_rules()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.code == "dual_display_city")
            .unwrap()
            .id;
        let rules = count(store, "eligibility_rules").await;
        for who in ["staff.a", "viewer.root", "chair.u1", "assessor.u1"] {
            let sess = app.login(who, PASSWORD).await;
            for (method, uri, fields) in [
                ("GET", "/eligibility-rules/new".to_owned(), vec![]),
                (
                    "POST",
                    "/eligibility-rules/new".to_owned(),
                    vec![
                        ("target", "honor"),
                        ("condition", "dual_display"),
                        ("message", "不行"),
                    ],
                ),
                (
                    "POST",
                    format!("/eligibility-rules/{dual_rule}/toggle"),
                    vec![("active", "0")],
                ),
            ] {
                let before = app.newest_denial(who).await.map(|e| e.id);
                let r = app
                    .call(Call::new(method, &uri, Some(&sess)).form(&fields))
                    .await;
                assert_denied(&app, who, &r, &format!("{who} {method} {uri}"), before).await;
            }
        }
        assert_eq!(count(store, "eligibility_rules").await, rules, "[{engine}]");

        let s = app.login("staff.root", PASSWORD).await;
        let page = app.get(Some(&s), "/eligibility-rules").await;
        assert!(page.text().contains("添加评选条件"), "[{engine}]");
        // A rate without the rate: refused beside the field.
        let audit = app.audit_count().await;
        let r = app
            .post(
                Some(&s),
                "/eligibility-rules/new",
                &[
                    ("target", "honor"),
                    ("condition", "membership_rate"),
                    ("rate", ""),
                    ("min_level", "county"),
                    ("honor_title", "模范职工之家"),
                    ("message", "职工入会率低于80%的单位不得评为模范职工之家"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            field_error(&r.text(), "rate").is_some_and(|e| e.contains("入会率要求")),
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(app.audit_count().await, audit, "[{engine}]");
        let r = app
            .post(
                Some(&s),
                "/eligibility-rules/new",
                &[
                    ("target", "honor"),
                    ("condition", "membership_rate"),
                    ("rate", "80"),
                    ("min_level", "county"),
                    ("honor_title", "模范职工之家"),
                    ("message", "职工入会率低于80%的单位不得评为模范职工之家"),
                ],
            )
            .await;
        assert!(
            r.redirects_to("/eligibility-rules?done=rule"),
            "[{engine}] {}",
            r.excerpt()
        );
        let page = app.get(Some(&s), "/eligibility-rules").await.text();
        assert!(page.contains("职工入会率不低于80%"), "[{engine}]");

        // U1: 3 members of 120 employees, no 双亮: a city 模范职工之家 is refused twice over.
        let u1 = format!("{U1_NAME} #{}", w.u1);
        let f = [
            ("title", "模范职工之家"),
            ("level", "city"),
            ("year", "2025"),
            ("recipient", "org"),
            ("recipient_org", u1.as_str()),
        ];
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.root), &f)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let html = r.text();
        assert!(html.contains("尚未登记双亮情况"), "[{engine}]");
        assert!(html.contains("未达到80%"), "[{engine}]");

        // The city switches both off: recorded.
        let custom = store
            .eligibility_rules()
            .await
            .unwrap()
            .into_iter()
            .find(|r| !r.builtin)
            .unwrap()
            .id;
        for id in [dual_rule, custom] {
            let r = app
                .post(
                    Some(&s),
                    &format!("/eligibility-rules/{id}/toggle"),
                    &[("active", "0")],
                )
                .await;
            assert!(
                r.redirects_to("/eligibility-rules?done=rule_off"),
                "[{engine}] {}",
                r.excerpt()
            );
        }
        let r = app
            .post(
                Some(&s),
                &format!("/eligibility-rules/{dual_rule}/toggle"),
                &[("active", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("已经停用"), "[{engine}]");
        let r = app
            .post(Some(&s), &format!("/orgs/{}/honors/new", w.root), &f)
            .await;
        assert!(
            r.redirects_to(&format!("/orgs/{}/honors?done=honor", w.root)),
            "[{engine}] {}",
            r.excerpt()
        );
    }
}
