//! 达标创建 over HTTP: the whole path through the pages (a chair uploads photos and submits,
//! the county returns it with a reason, the chair fixes it, the county accepts, the city
//! publishes the 公示 and grants the title, the dashboard shows it), the permission
//! boundaries (a chair of another union, staff of a sibling county, an unassigned assessor and
//! a viewer are refused with an audited 403; nobody reviews their own submission), bad uploads
//! through the page, the inbox, the progress page, its Excel and the API. Every test runs on
//! every engine.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::TimeDelta;
use common::*;
use gonghui_domain::{AssessmentState, DualDisplay, Role};
use gonghui_store::{Actor, DualDisplayInput, NewAccount, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A multipart form as a browser sends the checklist: `_csrf` first, the text fields, then
/// the chosen file (if any).
async fn post_multipart(
    app: &App,
    s: &Session,
    uri: &str,
    fields: &[(String, String)],
    file: Option<(&str, &str, Vec<u8>)>,
) -> Resp {
    let boundary = "----gonghuiTestBoundary7MA4YWxk";
    let mut body: Vec<u8> = Vec::new();
    let text = |name: &str, value: &str, body: &mut Vec<u8>| {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text("_csrf", &s.csrf, &mut body);
    for (k, v) in fields {
        text(k, v, &mut body);
    }
    if let Some((field, name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, format!("gh_session={}", s.token))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        bytes,
    }
}

async fn account(store: &Store, username: &str, role: Role, scope: i64) -> i64 {
    store
        .create_account(
            &Actor::system(),
            NewAccount {
                username: username.into(),
                display_name: format!("{username}的账号"),
                role,
                scope_org_id: scope,
                password: PASSWORD.into(),
                must_change_password: false,
            },
        )
        .await
        .unwrap()
}

/// The items of an assessment: (id, evidence count).
async fn items(store: &Store, id: i64) -> Vec<(i64, i64)> {
    store
        .assessment_view(id)
        .await
        .unwrap()
        .items
        .iter()
        .map(|i| (i.item.id, i.item.evidence_count))
        .collect()
}

async fn state(store: &Store, id: i64) -> AssessmentState {
    store.assessment_view(id).await.unwrap().assessment.state
}

/// (attachments stored, files counted for the assessment): what an upload adds.
async fn stored(store: &Store, id: i64) -> (usize, usize) {
    let all: Vec<i64> = (1..=2000).collect();
    let files = store.attachments(&all).await.unwrap().len();
    let evidence = store
        .assessment_view(id)
        .await
        .unwrap()
        .items
        .iter()
        .map(|i| i.evidence.len())
        .sum();
    (files, evidence)
}

/// Scores of every item at `percent` of its points, as the checklist posts them.
fn score_fields(items: &[(i64, i64)], prefix: &str, points: &[i64]) -> Vec<(String, String)> {
    items
        .iter()
        .zip(points)
        .map(|((id, _), p)| (format!("{prefix}_{id}"), p.to_string()))
        .collect()
}

/// Points of the built-in 六有 items, in order.
const LIUYOU: [i64; 6] = [15, 15, 15, 15, 15, 25];

async fn assert_denied(app: &App, s: &Session, resp: &Resp, what: &str) {
    assert_eq!(
        resp.status,
        StatusCode::FORBIDDEN,
        "[{}] {} {what}: {}",
        app.engine,
        s.username,
        resp.excerpt()
    );
    assert!(
        resp.text().contains("没有权限"),
        "[{}] {what}: the page says why",
        app.engine
    );
    let d = app
        .newest_denial(&s.username)
        .await
        .expect("an audited denial");
    assert!(
        !d.success,
        "[{}] {what}: denial recorded as a failure",
        app.engine
    );
}

#[tokio::test]
async fn the_whole_path_and_its_permission_boundaries() {
    let engines = engines("campaign_path").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        // Accounts beyond the fixture's: the township clerk (staff of U1's parent), a chair of
        // another union, staff of the sibling county, an assessor assigned nothing.
        account(store, "staff.t", Role::Staff, w.t).await;
        account(store, "chair.u3", Role::Chair, w.u3).await;
        account(store, "staff.b", Role::Staff, w.b).await;
        account(store, "assessor.none", Role::Assessor, w.root).await;
        let chair = app.login("chair.u1", PASSWORD).await;
        let clerk = app.login("staff.t", PASSWORD).await;
        let county = app.login("staff.a", PASSWORD).await;
        let city = app.login("staff.root", PASSWORD).await;
        let others = [
            app.login("chair.u3", PASSWORD).await,
            app.login("staff.b", PASSWORD).await,
            app.login("assessor.none", PASSWORD).await,
            app.login("viewer.a", PASSWORD).await,
        ];
        let id = w
            .assessments
            .iter()
            .find(|a| a.org == w.u1)
            .expect("U1 is assessed")
            .id;
        let its = items(store, id).await;
        assert_eq!(its.len(), 6, "[{engine}] 六有 has six items");

        // The chair finds it in the inbox and on the page.
        let inbox = app.get(Some(&chair), "/inbox").await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(
            inbox.text().contains(&format!("/assessments/{id}")),
            "[{engine}] the chair's inbox links the self-assessment"
        );
        let page = app.get(Some(&chair), &format!("/assessments/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("提交审核") && page.text().contains("上传照片至少2张"));

        // Others may not fill it in (audited 403, nothing changes).
        let audit_before = app.audit_count().await;
        for s in &others {
            let r = app
                .post(
                    Some(s),
                    &format!("/assessments/{id}/self-review"),
                    &[(&format!("score_{}", its[0].0), "15")],
                )
                .await;
            assert_denied(&app, s, &r, "self-review of U1").await;
        }
        assert_eq!(state(store, id).await, AssessmentState::NotStarted);
        assert_eq!(
            app.audit_count().await,
            audit_before + others.len() as i64,
            "[{engine}] only the denials were recorded"
        );

        // The chair uploads a photo per required file (a real PNG made here) with the scores.
        let fields = score_fields(&its, "score", &LIUYOU);
        for (item, n) in &its {
            for k in 0..*n {
                let mut f = fields.clone();
                f.push(("upload".into(), item.to_string()));
                let r = post_multipart(
                    &app,
                    &chair,
                    &format!("/assessments/{id}/evidence"),
                    &f,
                    Some((&format!("file_{item}"), &format!("资料{k}.png"), tiny_png())),
                )
                .await;
                assert_eq!(
                    r.status,
                    StatusCode::SEE_OTHER,
                    "[{engine}] upload: {}",
                    r.excerpt()
                );
                assert!(r.location().unwrap().ends_with(&format!("#item-{item}")));
            }
        }
        // Saved with the uploads, the scores are there.
        let page = app
            .get(Some(&chair), &format!("/assessments/{id}"))
            .await
            .text();
        assert!(page.contains("每一项都已填写、资料已传齐"), "[{engine}]");
        assert!(page.contains("/thumb"), "[{engine}] thumbnails shown");

        // The township clerk (staff of U1's parent) submits it for the chair.
        let r = app
            .post(Some(&clerk), &format!("/assessments/{id}/submit"), &[])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(state(store, id).await, AssessmentState::Submitted);
        // …and, though above U1, may not review what it submitted.
        let r = app
            .post(
                Some(&clerk),
                &format!("/assessments/{id}/return"),
                &[("reason", "自己退回")],
            )
            .await;
        assert_denied(&app, &clerk, &r, "a review of its own submission").await;
        let page = app
            .get(Some(&clerk), &format!("/assessments/{id}"))
            .await
            .text();
        assert!(page.contains("须由其他审核人员审核验收"), "[{engine}]");
        // Others, and the chair, may not review either.
        for s in others.iter().chain([&chair]) {
            for (path, body) in [
                (
                    "review",
                    vec![(format!("rscore_{}", its[0].0), "15".to_owned())],
                ),
                ("decide", vec![]),
                ("return", vec![("reason".to_owned(), "材料不全".to_owned())]),
            ] {
                let f: Vec<(&str, &str)> =
                    body.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let r = app
                    .post(Some(s), &format!("/assessments/{id}/{path}"), &f)
                    .await;
                assert_denied(&app, s, &r, path).await;
            }
        }
        assert_eq!(state(store, id).await, AssessmentState::Submitted);

        // The county returns it with a reason; the reason is refused when empty.
        let r = app
            .post(
                Some(&county),
                &format!("/assessments/{id}/return"),
                &[("reason", " ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&r.text(), "reason").is_some(), "[{engine}]");
        let reason = "“有服务职工的活动载体”的照片看不清，请补拍职工书屋的照片";
        let r = app
            .post(
                Some(&county),
                &format!("/assessments/{id}/return"),
                &[("reason", reason)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let page = app
            .get(Some(&chair), &format!("/assessments/{id}"))
            .await
            .text();
        assert!(
            page.contains(reason),
            "[{engine}] the chair reads the reason"
        );
        assert!(page.contains("修改后") || page.contains("提交审核"));

        // The chair fixes it (one more photo) and submits again.
        let (item3, _) = its[2];
        let mut f = fields.clone();
        f.push(("upload".into(), item3.to_string()));
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/evidence"),
            &f,
            Some((&format!("file_{item3}"), "职工书屋.png", tiny_png())),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/submit"),
            &fields,
            None,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(state(store, id).await, AssessmentState::Submitted);

        // The county scores it: a score over the item's points is refused beside its field.
        let mut bad = score_fields(&its, "rscore", &LIUYOU);
        bad[0].1 = "99".into();
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = app
            .post(Some(&county), &format!("/assessments/{id}/decide"), &bad)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            field_error(&r.text(), &format!("rscore_{}", its[0].0))
                .is_some_and(|e| e.contains("0 到 15")),
            "[{engine}]"
        );
        let good = score_fields(&its, "rscore", &[15, 14, 13, 15, 12, 23]);
        let mut good: Vec<(&str, &str)> =
            good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let visit = (today() - TimeDelta::days(1)).to_string();
        good.push(("site_visit_on", &visit));
        good.push(("site_visit_note", "查看了职工书屋和制度上墙"));
        let r = app
            .post(Some(&county), &format!("/assessments/{id}/decide"), &good)
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let v = store.assessment_view(id).await.unwrap();
        assert_eq!(v.assessment.state, AssessmentState::Passed);
        assert_eq!(v.assessment.score_text(), "92/100分（92%）");
        assert_eq!(v.assessment.grade_text(), "一类");
        let page = app
            .get(Some(&chair), &format!("/assessments/{id}"))
            .await
            .text();
        assert!(
            page.contains("92/100分（92%），一类"),
            "[{engine}] the chair sees the result"
        );

        // The county staff do not run the city's campaign: no 公示 for them.
        let r = app
            .get(
                Some(&county),
                &format!("/campaigns/{}/notices/new", w.campaign),
            )
            .await;
        assert_denied(&app, &county, &r, "the city's 公示 form").await;
        // The city publishes a 公示 already posted last week…
        let start = (today() - TimeDelta::days(8)).to_string();
        let end = (today() - TimeDelta::days(1)).to_string();
        let id_s = id.to_string();
        let r = app
            .post(
                Some(&city),
                &format!("/campaigns/{}/notices/new", w.campaign),
                &[
                    ("title", "示范工会验收结果公示"),
                    ("start_on", &start),
                    ("end_on", &end),
                    ("contact", "市总工会组织部 0716-8467000"),
                    ("assessment", &id_s),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let notice = r.location().unwrap();
        let nid = notice
            .trim_start_matches("/notices/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let sheet = app
            .get(Some(&city), &format!("/notices/{nid}"))
            .await
            .text();
        assert!(
            sheet.contains(U1_NAME) && sheet.contains("一类"),
            "[{engine}]"
        );
        assert!(
            !sheet.contains("身份证"),
            "[{engine}] no personal data on the 公示"
        );
        for m in &w.members {
            assert!(
                !sheet.contains(&m.name),
                "[{engine}] no member named on the 公示"
            );
        }
        // …and grants the title; U1 lacks 双亮 first, so it is refused, naming why.
        let grant = format!("/notices/{nid}/grant");
        for s in others.iter().chain([&county, &chair]) {
            let r = app.post(Some(s), &grant, &[]).await;
            assert_denied(&app, s, &r, "granting titles").await;
        }
        let r = app
            .post(
                Some(&city),
                &grant,
                &[("document_no", "荆工发〔2026〕21号")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains(U1_NAME) && r.text().contains("双亮"),
            "[{engine}] {}",
            r.excerpt()
        );
        store
            .record_dual_display(
                &Actor::system(),
                w.u1,
                DualDisplayInput {
                    status: DualDisplay {
                        sign: true,
                        identity: true,
                        deeds: true,
                    },
                    checked_on: today() - TimeDelta::days(2),
                    checked_by: "石首市总工会组织部 李华".into(),
                    note: None,
                },
            )
            .await
            .unwrap();
        let r = app
            .post(
                Some(&city),
                &grant,
                &[("document_no", "荆工发〔2026〕21号")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(state(store, id).await, AssessmentState::Titled);
        let page = app
            .get(Some(&chair), &format!("/assessments/{id}"))
            .await
            .text();
        assert!(page.contains("已授予市级“示范工会”称号"), "[{engine}]");
        // The reward, in 元.
        let r = app
            .post(
                Some(&county),
                &format!("/assessments/{id}/reward"),
                &[("amount", "1000")],
            )
            .await;
        assert_denied(&app, &county, &r, "recording the reward").await;
        let paid = today().to_string();
        let r = app
            .post(
                Some(&city),
                &format!("/assessments/{id}/reward"),
                &[("amount", "1,000"), ("paid_on", &paid)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(
            store
                .assessment_view(id)
                .await
                .unwrap()
                .assessment
                .reward_fen,
            Some(100_000)
        );

        // The dashboard of the city and of 石首 shows the grade and the progress.
        for (s, org) in [(&city, w.root), (&county, w.a)] {
            let d = app.get(Some(s), &format!("/orgs/{org}/dashboard")).await;
            assert_eq!(d.status, StatusCode::OK);
            let html = d.text();
            assert!(html.contains("规范化建设达标创建"), "[{engine}]");
            assert!(
                html.contains("一类1家"),
                "[{engine}] grade on the dashboard"
            );
            assert!(
                html.contains("data-testid=\"dashboard-accepted\">1<"),
                "[{engine}] accepted count"
            );
        }
        let p = app
            .get(Some(&city), &format!("/campaigns/{}", w.campaign))
            .await
            .text();
        assert!(
            p.contains("data-testid=\"progress-accepted\">1<"),
            "[{engine}]"
        );
        assert!(p.contains("data-testid=\"grade-一类\">1<"), "[{engine}]");
    }
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_message_and_store_nothing() {
    let engines = engines("campaign_uploads").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let chair = app.login("chair.u1", PASSWORD).await;
        let id = w.assessments.iter().find(|a| a.org == w.u1).unwrap().id;
        let its = items(store, id).await;
        let (item, _) = its[2];
        let before = stored(store, id).await;
        let typed = vec![
            (format!("score_{}", its[0].0), "12".to_owned()),
            ("upload".to_owned(), item.to_string()),
        ];
        // A program renamed as a photo.
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        exe.extend(std::iter::repeat_n(0u8, 4096));
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/evidence"),
            &typed,
            Some((&format!("file_{item}"), "活动照片.jpg", exe)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        let err = field_error(&r.text(), &format!("file_{item}")).unwrap_or_default();
        assert!(err.contains("可执行程序"), "[{engine}] {err}");
        assert!(
            r.text().contains("value=\"12\""),
            "[{engine}] what was typed is kept"
        );
        // Too large.
        let big = vec![0xFFu8; gonghui_domain::MAX_ATTACHMENT_BYTES + 10];
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/evidence"),
            &typed,
            Some((&format!("file_{item}"), "大照片.jpg", big)),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("10 MB"), "[{engine}] {}", r.excerpt());
        // A PDF for a photo item.
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/evidence"),
            &typed,
            Some((&format!("file_{item}"), "照片.pdf", tiny_pdf())),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(r.text().contains("要求上传照片"), "[{engine}]");
        // No file chosen.
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/evidence"),
            &typed,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("选择文件"), "[{engine}]");
        assert_eq!(before, stored(store, id).await, "[{engine}] nothing stored");
        assert_eq!(
            state(store, id).await,
            AssessmentState::NotStarted,
            "[{engine}] a refused upload saves nothing else either"
        );
        // Submitting with nothing uploaded lists what is missing, item by item.
        let r = post_multipart(
            &app,
            &chair,
            &format!("/assessments/{id}/submit"),
            &[],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .contains("「有服务职工的活动载体」还没有填写自评分，还需上传照片2张"),
            "[{engine}] {}",
            r.excerpt()
        );
    }
}

#[tokio::test]
async fn the_inbox_progress_page_excel_and_api_keep_to_the_scope() {
    let engines = engines("campaign_pages").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        account(store, "staff.b", Role::Staff, w.b).await;
        let city = app.login("staff.root", PASSWORD).await;
        let county = app.login("staff.a", PASSWORD).await;
        let sibling = app.login("staff.b", PASSWORD).await;
        let chair = app.login("chair.u1", PASSWORD).await;
        let viewer = app.login("viewer.a", PASSWORD).await;

        // Progress at the city: one row per child, each union counted once.
        let p = app
            .get(Some(&city), &format!("/campaigns/{}", w.campaign))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        let html = p.text();
        assert!(html.contains(A_NAME) && html.contains(B_NAME), "[{engine}]");
        assert!(
            html.contains("data-testid=\"progress-total\">3<"),
            "[{engine}]"
        );
        // 石首's staff see 石首 by default (not the city's children) and may not ask for 江陵.
        let p = app
            .get(Some(&county), &format!("/campaigns/{}", w.campaign))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.text().contains(B_NAME), "[{engine}] no sibling county");
        assert!(
            p.text().contains("data-testid=\"progress-total\">2<"),
            "[{engine}]"
        );
        let r = app
            .get(
                Some(&county),
                &format!("/campaigns/{}?org={}", w.campaign, w.b),
            )
            .await;
        assert_denied(&app, &county, &r, "江陵's progress").await;
        // The chair sees the campaign through their own union only.
        let p = app
            .get(Some(&chair), &format!("/campaigns/{}", w.campaign))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(!p.text().contains(B_NAME) && !p.text().contains(U3_NAME));

        // The API answers the same counts.
        let j = app
            .get(
                Some(&city),
                &format!("/api/v1/campaigns/{}/progress", w.campaign),
            )
            .await
            .json();
        assert_eq!(j["total"]["total"], 3, "[{engine}] {j}");
        assert_eq!(j["quota"], 2);
        assert_eq!(j["quota_reached"], false);
        let a_row = j["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["org_id"] == w.a)
            .cloned()
            .unwrap();
        assert_eq!(a_row["counts"]["not_started"], 2, "[{engine}]");
        let r = app
            .get(
                Some(&county),
                &format!("/api/v1/campaigns/{}/progress?org={}", w.campaign, w.b),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.json()["error"], "forbidden");

        // Excel, audited.
        let x = app
            .get(
                Some(&city),
                &format!("/campaigns/{}/progress.xlsx", w.campaign),
            )
            .await;
        assert_eq!(x.status, StatusCode::OK);
        assert!(x.bytes.starts_with(b"PK"), "[{engine}] an xlsx (zip) file");
        assert_eq!(app.newest_entry().await.action, "campaign.export");

        // Inboxes: the chair's own union; nothing for the sibling county or the viewer.
        let u1a = w.assessments.iter().find(|a| a.org == w.u1).unwrap().id;
        let u3a = w.assessments.iter().find(|a| a.org == w.u3).unwrap().id;
        let t = app.get(Some(&chair), "/inbox").await.text();
        assert!(
            t.contains(&format!("/assessments/{u1a}"))
                && !t.contains(&format!("/assessments/{u3a}"))
        );
        assert!(
            app.get(Some(&viewer), "/inbox")
                .await
                .text()
                .contains("inbox-empty")
        );
        // The city's staff start campaigns at their orgs; the county's not at the city.
        let r = app
            .get(Some(&county), &format!("/orgs/{}/campaigns/new", w.root))
            .await;
        assert_denied(&app, &county, &r, "a campaign of the city").await;
        let r = app
            .post(
                Some(&county),
                &format!("/orgs/{}/campaigns/new", w.a),
                &[("name", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(field_error(&r.text(), "name").is_some());
        // A submitted union shows up in 石首's review inbox, not in 江陵's.
        let clerk_less = w.assessments.iter().find(|a| a.org == w.u3).unwrap().id;
        let its = items(store, clerk_less).await;
        let sys = Actor::system();
        store
            .save_self_review(
                &sys,
                clerk_less,
                &its.iter()
                    .zip(LIUYOU)
                    .map(|((i, _), p)| gonghui_store::SelfAnswer {
                        item_id: *i,
                        score: Some(p),
                        note: None,
                    })
                    .collect::<Vec<_>>(),
            )
            .await
            .unwrap();
        for (item, n) in &its {
            for _ in 0..*n {
                let p = gonghui_store::prepare_attachment("照片.png", tiny_png()).unwrap();
                store
                    .add_evidence(&sys, clerk_less, *item, &p, &[])
                    .await
                    .unwrap();
            }
        }
        store.submit_assessment(&sys, clerk_less).await.unwrap();
        let t = app.get(Some(&county), "/inbox").await.text();
        assert!(t.contains(U3_NAME) && t.contains("审核验收"), "[{engine}]");
        let t = app.get(Some(&sibling), "/inbox").await.text();
        assert!(
            !t.contains(U3_NAME),
            "[{engine}] 江陵 reviews nothing of 石首's"
        );
        let home = app.get(Some(&county), "/").await.text();
        assert!(
            home.contains("待办（1）"),
            "[{engine}] the home page counts it"
        );
    }
}
