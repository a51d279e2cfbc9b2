//! 换届选举 over HTTP: the union's own steps by its chair, the two approvals only by staff of
//! the affiliation parent (the chair is refused with a Chinese explanation and an audited
//! denial), form errors beside their fields, a whole election to the new term, and the
//! reminder page with its Excel export. Runs on every engine.

mod common;

use axum::http::StatusCode;
use common::*;
use gonghui_domain::{ElectionStep, TermStatus};
use gonghui_store::{Actor, TermInput};

fn step_fields<'a>(step: ElectionStep, on: &'a str, documents: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("step", step.code()),
        ("done_on", on),
        ("person", "刘建国"),
        ("documents", documents),
    ]
}

#[tokio::test]
async fn approvals_only_by_the_parent_and_a_whole_election() {
    let engines = engines("terms_http").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        store
            .record_term(
                &Actor::system(),
                w.u1,
                TermInput {
                    number: 4,
                    start_on: date(2021, 3, 15),
                    years: 5,
                    note: None,
                },
            )
            .await
            .unwrap();
        let chair = app.login("chair.u1", PASSWORD).await;
        let staff = app.login("staff.a", PASSWORD).await;
        let u1 = w.u1;
        let base = format!("/orgs/{u1}");

        // The chair starts the election and files the request.
        let r = app
            .post(
                Some(&chair),
                &format!("{base}/elections"),
                &[("kind", "regular"), ("started_on", "2025-09-01")],
            )
            .await;
        assert!(
            r.redirects_to(&format!("{base}/election")),
            "[{engine}] start: {} {}",
            r.status,
            r.excerpt()
        );
        let r = app
            .post(
                Some(&chair),
                &format!("{base}/election/step"),
                &step_fields(ElectionStep::Request, "2025-09-01", "关于换届的请示"),
            )
            .await;
        assert!(
            r.status.is_redirection(),
            "[{engine}] request: {}",
            r.excerpt()
        );

        // The next step is the parent's: the chair's page says so and offers no form.
        let page = app
            .get(Some(&chair), &format!("{base}/election"))
            .await
            .text();
        assert!(
            page.contains(&format!("等待上级工会（{T_NAME}）上级批复")),
            "[{engine}] the chair waits for the parent"
        );
        assert!(
            !page.contains("/election/approve\""),
            "[{engine}] no approval form"
        );
        let page = app
            .get(Some(&staff), &format!("{base}/election"))
            .await
            .text();
        assert!(
            page.contains("/election/approve\"")
                && page.contains(&format!("以{T_NAME}的名义登记批复")),
            "[{engine}] the parent's staff get the form"
        );

        // The chair may not approve their own union's election, by either form.
        let writes = app.audit_count().await;
        for uri in ["approve", "step"] {
            let r = app
                .post(
                    Some(&chair),
                    &format!("{base}/election/{uri}"),
                    &step_fields(ElectionStep::ParentApproval, "2025-09-10", "同意"),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "[{engine}] chair via {uri}"
            );
            let body = r.text();
            assert!(
                body.contains("没有权限")
                    && body.contains(&format!("须由隶属上级工会（{T_NAME}）的工作人员登记"))
                    && body.contains("本单位的工作人员和工会主席不能批复"),
                "[{engine}] chair via {uri}: {}",
                r.excerpt()
            );
            let denial = app.newest_denial("chair.u1").await.expect("a denial entry");
            assert_eq!(denial.action, "denied.approve", "[{engine}]");
            assert!(!denial.success, "[{engine}]");
        }
        assert_eq!(
            app.audit_count().await,
            writes + 2,
            "[{engine}] two denials, nothing else"
        );
        let v = store.election_view(u1, None).await.unwrap().unwrap();
        assert_eq!(v.steps.len(), 1, "[{engine}] no approval was recorded");
        // Staff of a sibling county may not even see 江陵's union.
        let r = app
            .post(
                Some(&staff),
                &format!("/orgs/{}/election/approve", w.u2),
                &step_fields(ElectionStep::ParentApproval, "2025-09-10", "同意"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}]");
        assert!(
            !r.text().contains(U2_NAME) && !r.text().contains(B_NAME),
            "[{engine}]"
        );
        assert_eq!(
            app.newest_denial("staff.a").await.map(|e| e.action),
            Some("denied.read".to_owned()),
            "[{engine}]"
        );

        // The parent's staff: a missing document is shown beside its field, typed values kept.
        let r = app
            .post(
                Some(&staff),
                &format!("{base}/election/approve"),
                &[
                    ("step", "parent_approval"),
                    ("done_on", "2025-09-10"),
                    ("person", "周立新"),
                    ("documents", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let html = r.text();
        assert!(
            field_error(&html, "documents")
                .is_some_and(|e| e.contains("请填写上级批复文件的文号或标题")),
            "[{engine}] documents error: {:?}",
            field_error(&html, "documents")
        );
        assert!(
            html.contains("value=\"周立新\""),
            "[{engine}] typed values kept"
        );
        // Out of order: the next step is named.
        let r = app
            .post(
                Some(&chair),
                &format!("{base}/election/step"),
                &step_fields(ElectionStep::Congress, "2025-09-10", ""),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            r.text().contains("下一步应为“上级批复”"),
            "[{engine}] {}",
            r.excerpt()
        );

        // The whole procedure: the chair's steps and staff's approvals.
        let plan: [(ElectionStep, &str, bool); 6] = [
            (ElectionStep::ParentApproval, "2025-09-10", true),
            (ElectionStep::ElectDelegates, "2025-09-20", false),
            (ElectionStep::Congress, "2025-10-08", false),
            (ElectionStep::ReportResults, "2025-10-09", false),
            (ElectionStep::ResultApproval, "2025-10-15", true),
            (ElectionStep::Filing, "2025-10-20", false),
        ];
        for (s, on, parent) in plan {
            let (who, uri) = if parent {
                (&staff, "approve")
            } else {
                (&chair, "step")
            };
            let mut fields = step_fields(s, on, "文件");
            if s == ElectionStep::Congress {
                fields.push(("new_years", "3"));
            }
            let r = app
                .post(Some(who), &format!("{base}/election/{uri}"), &fields)
                .await;
            assert!(
                r.status.is_redirection(),
                "[{engine}] {s}: {} {}",
                r.status,
                r.excerpt()
            );
            if s.is_last() {
                assert!(
                    r.location().is_some_and(|l| l.ends_with("done=elected")),
                    "[{engine}]"
                );
            }
        }
        let t = store.current_term(u1).await.unwrap().unwrap();
        assert_eq!(
            (t.number, t.start_on, t.years, t.end_on, t.status),
            (
                5,
                date(2025, 10, 8),
                3,
                date(2028, 10, 8),
                TermStatus::Current
            ),
            "[{engine}] the fifth term began at the congress"
        );
        let v = store.election_view(u1, None).await.unwrap().unwrap();
        for s in &v.steps {
            let by = if s.step.is_approval() {
                "staff.a"
            } else {
                "chair.u1"
            };
            assert_eq!(s.recorded_by, by, "[{engine}] {}", s.step);
            assert_eq!(
                s.approver_org_id,
                s.step.is_approval().then_some(w.t),
                "[{engine}] {}",
                s.step
            );
        }
        let old = store.officers(u1).await.unwrap();
        assert!(
            old.iter().all(|o| o.left_on == Some(date(2025, 10, 8))),
            "[{engine}] the old chair left on the congress date"
        );

        // The chair records the new chair and the three committees.
        let r = app
            .post(
                Some(&chair),
                &format!("{base}/election/officers"),
                &[
                    ("committee", "union_committee"),
                    ("role", "chair"),
                    ("name", "孙丽华"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "[{engine}] {}", r.excerpt());
        let r = app
            .post(
                Some(&chair),
                &format!("{base}/election/committees"),
                &[
                    ("union_committee", "on"),
                    ("funds_review_committee", "on"),
                    ("women_workers_committee", "on"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "[{engine}] {}", r.excerpt());
        let new = store.officers(u1).await.unwrap();
        let sun = new.iter().find(|o| o.name == "孙丽华").expect("new chair");
        assert_eq!(
            (sun.term_start, sun.term_end, sun.left_on),
            (Some(t.start_on), Some(t.end_on), None),
            "[{engine}] the new chair serves the new term"
        );
        let page = app
            .get(Some(&chair), &format!("{base}/election"))
            .await
            .text();
        assert!(
            page.contains("孙丽华") && page.contains("工会委员会 已组成"),
            "[{engine}]"
        );
        let page = app.get(Some(&chair), &format!("{base}/terms")).await.text();
        assert!(
            page.contains("第5届") && page.contains("第4届"),
            "[{engine}]"
        );
    }
}

#[tokio::test]
async fn late_elections_need_the_parents_reason() {
    let engines = engines("terms_http_late").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        store
            .record_term(
                &Actor::system(),
                w.u3,
                TermInput {
                    number: 1,
                    start_on: date(2020, 3, 1),
                    years: 5,
                    note: None,
                },
            )
            .await
            .unwrap();
        let staff = app.login("staff.a", PASSWORD).await;
        let base = format!("/orgs/{}", w.u3);
        // The term ended in 2025: a regular election is refused beside the kind.
        let r = app
            .post(
                Some(&staff),
                &format!("{base}/elections"),
                &[("kind", "regular"), ("started_on", "2025-06-01")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            field_error(&r.text(), "kind").is_some_and(|e| e.contains("延期换届")),
            "[{engine}] {}",
            r.excerpt()
        );
        let r = app
            .post(
                Some(&staff),
                &format!("{base}/elections"),
                &[("kind", "late"), ("started_on", "2025-06-01")],
            )
            .await;
        assert!(r.status.is_redirection(), "[{engine}] {}", r.excerpt());
        let r = app
            .post(
                Some(&staff),
                &format!("{base}/election/step"),
                &step_fields(ElectionStep::Request, "2025-06-01", ""),
            )
            .await;
        assert!(r.status.is_redirection(), "[{engine}]");
        let page = app
            .get(Some(&staff), &format!("{base}/election"))
            .await
            .text();
        assert!(
            page.contains("name=\"reason\""),
            "[{engine}] the reason is asked for"
        );
        let r = app
            .post(
                Some(&staff),
                &format!("{base}/election/approve"),
                &step_fields(ElectionStep::ParentApproval, "2025-06-05", "批复"),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            field_error(&r.text(), "reason").is_some_and(|e| e.contains("须经上级工会批准")),
            "[{engine}] {}",
            r.excerpt()
        );
        let mut fields = step_fields(ElectionStep::ParentApproval, "2025-06-05", "批复");
        fields.push(("reason", "企业搬迁，同意延期半年"));
        let r = app
            .post(Some(&staff), &format!("{base}/election/approve"), &fields)
            .await;
        assert!(r.status.is_redirection(), "[{engine}] {}", r.excerpt());
        let page = app
            .get(Some(&staff), &format!("{base}/election"))
            .await
            .text();
        assert!(page.contains("企业搬迁，同意延期半年"), "[{engine}]");
    }
}

#[tokio::test]
async fn reminders_page_and_export() {
    let engines = engines("terms_http_reminders").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let today = chrono::Local::now().date_naive();
        // U1's term ends in three months; nobody has the three committees.
        store
            .record_term(
                &Actor::system(),
                w.u1,
                TermInput {
                    number: 2,
                    start_on: gonghui_domain::add_months(today, 3)
                        .checked_sub_months(chrono::Months::new(60))
                        .unwrap(),
                    years: 5,
                    note: None,
                },
            )
            .await
            .unwrap();
        let s = app.login("staff.a", PASSWORD).await;
        let r = app.get(Some(&s), &format!("/orgs/{}/reminders", w.a)).await;
        assert_eq!(r.status, StatusCode::OK, "[{engine}]");
        let html = r.text();
        assert!(html.contains("组织建设提醒"), "[{engine}]");
        assert_eq!(
            stat(&html, "任期6个月内届满"),
            Some(1),
            "[{engine}] one term ending"
        );
        // 石首 (A), the township and its two unions: four orgs, none with three committees.
        assert_eq!(stat(&html, "三委会不健全"), Some(4), "[{engine}]");
        assert!(
            html.contains(&format!(
                "href=\"/orgs/{}/reminders/list?kind=ending\">1</a>",
                w.t
            )),
            "[{engine}] the township's count links to its list"
        );
        let list = app
            .get(
                Some(&s),
                &format!("/orgs/{}/reminders/list?kind=ending", w.t),
            )
            .await
            .text();
        assert!(
            list.contains(U1_NAME) && !list.contains(U3_NAME),
            "[{engine}]"
        );
        let before = app.audit_count().await;
        let x = app
            .get(
                Some(&s),
                &format!("/orgs/{}/reminders/export?kind=ending", w.t),
            )
            .await;
        assert_eq!(x.status, StatusCode::OK, "[{engine}]");
        assert!(
            x.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml"),
            "[{engine}]"
        );
        assert_eq!(&x.bytes[..2], b"PK", "[{engine}] an .xlsx (zip) file");
        assert_eq!(
            app.audit_count().await,
            before + 1,
            "[{engine}] export audited"
        );
        assert_eq!(
            app.newest_entry().await.action,
            "reminders.export",
            "[{engine}]"
        );
    }
}
