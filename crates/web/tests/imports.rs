//! 导入 through HTTP, on both engines: upload (multipart, CSRF token in the form) → preview →
//! confirm → result; the account's scope; uploads bound to the account that made them.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use http_body_util::BodyExt;
use tower::ServiceExt;

const BOUNDARY: &str = "----gonghui-test-boundary";

/// POST /imports as a browser's file form sends it: `_csrf` first, then the kind and the file.
async fn upload(
    app: &App,
    s: &Session,
    csrf: Option<&str>,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> Resp {
    let mut body = Vec::new();
    let mut part = |head: String, data: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{head}\r\n\r\n").as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(t) = csrf {
        part(
            "Content-Disposition: form-data; name=\"_csrf\"".into(),
            t.as_bytes(),
        );
    }
    part(
        "Content-Disposition: form-data; name=\"kind\"".into(),
        kind.as_bytes(),
    );
    part(
        format!(
            "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
        ),
        bytes,
    );
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let req = Request::builder()
        .method("POST")
        .uri("/imports")
        .header(header::COOKIE, format!("gh_session={}", s.token))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
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

fn roster(w: &World) -> String {
    let id = |b: &str, n: u32| id_number("421081", b, n).as_str().to_owned();
    let _ = w;
    format!(
        "姓名,身份证号码,所在工会,入会日期,备注\n\
         钱进,{},{U1_NAME},2022-05-01,新入会\n\
         孙悦,{},{U1_NAME},2022-05-01,\n\
         冯源,{},{U2_NAME},2022-05-01,\n\
         褚明,12345,{U1_NAME},2022-05-01,\n",
        id("19900101", 601),
        id("19910202", 602),
        id("19920303", 603),
    )
}

#[tokio::test]
async fn upload_preview_confirm_and_scope() {
    let engines = engines("imports_http").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let dir = tempfile::tempdir().unwrap();
        let router = gonghui_web::router(
            gonghui_web::AppState::new(store.clone(), gonghui_web::SecurityConfig::default())
                .with_data_dir(dir.path()),
        );
        let app = App {
            router,
            store: store.clone(),
            engine: engine.clone(),
        };
        let s = app.login("staff.a", PASSWORD).await;
        let page = app.get(Some(&s), "/imports").await;
        assert_eq!(page.status, StatusCode::OK, "[{engine}]");
        assert!(page.text().contains("下载会员名册模板"), "[{engine}]");
        let t = app.get(Some(&s), "/imports/template/members.xlsx").await;
        assert_eq!(t.status, StatusCode::OK, "[{engine}]");
        assert!(t.bytes.starts_with(b"PK"), "[{engine}] an xlsx template");

        let members_before = stat(
            &app.get(Some(&s), &format!("/orgs/{}", w.u1)).await.text(),
            "会员",
        )
        .unwrap();
        let audit_before = app.audit_count().await;
        let file = roster(&w);
        let r = upload(
            &app,
            &s,
            Some(&s.csrf),
            "members",
            "会员.csv",
            file.as_bytes(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            r.excerpt()
        );
        let to = r.location().unwrap();
        assert!(to.starts_with("/imports/"), "[{engine}] {to}");
        assert_eq!(
            app.audit_count().await,
            audit_before,
            "[{engine}] the preview writes nothing"
        );

        let html = app.get(Some(&s), &to).await.text();
        assert_eq!(stat(&html, "新增"), Some(2), "[{engine}] {html}");
        assert_eq!(stat(&html, "有错误"), Some(2), "[{engine}]");
        assert!(
            html.contains("在您的管理范围内找不到"),
            "[{engine}] the sibling county's union is out of scope"
        );
        assert!(html.contains("身份证号码应为18位"), "[{engine}]");
        assert!(
            html.contains("导入时忽略：备注"),
            "[{engine}] extra columns are listed"
        );
        assert!(html.contains("确认导入"), "[{engine}]");

        // Another account cannot see or commit this upload.
        let other = app.login("staff.root", PASSWORD).await;
        let audit_before = app.audit_count().await;
        assert_eq!(
            app.get(Some(&other), &to).await.status,
            StatusCode::NOT_FOUND,
            "[{engine}]"
        );
        let c = app.post(Some(&other), &format!("{to}/commit"), &[]).await;
        assert_eq!(c.status, StatusCode::NOT_FOUND, "[{engine}]");
        assert_eq!(app.audit_count().await, audit_before, "[{engine}]");

        let c = app.post(Some(&s), &format!("{to}/commit"), &[]).await;
        assert_eq!(
            c.status,
            StatusCode::SEE_OTHER,
            "[{engine}] {}",
            c.excerpt()
        );
        let result = app.get(Some(&s), &c.location().unwrap()).await.text();
        assert!(
            result.contains("导入完成：新增 2 条"),
            "[{engine}] {result}"
        );
        assert_eq!(
            app.audit_count().await,
            audit_before + 1,
            "[{engine}] one audit entry"
        );
        let e = app.newest_entry().await;
        assert_eq!(
            (e.action.as_str(), e.actor.as_str()),
            ("import.members", "staff.a"),
            "[{engine}]"
        );
        let members_after = stat(
            &app.get(Some(&s), &format!("/orgs/{}", w.u1)).await.text(),
            "会员",
        )
        .unwrap();
        assert_eq!(
            members_after,
            members_before + 2,
            "[{engine}] the org page counts them"
        );
        let x = app.get(Some(&s), &format!("{to}/result.xlsx")).await;
        assert_eq!(x.status, StatusCode::OK, "[{engine}]");
        assert!(x.bytes.starts_with(b"PK"), "[{engine}]");
        // Committing twice (a double click) writes nothing more.
        app.post(Some(&s), &format!("{to}/commit"), &[]).await;
        assert_eq!(app.audit_count().await, audit_before + 1, "[{engine}]");

        // The same file again: nothing to write.
        let r = upload(
            &app,
            &s,
            Some(&s.csrf),
            "members",
            "会员.csv",
            file.as_bytes(),
        )
        .await;
        let html = app.get(Some(&s), &r.location().unwrap()).await.text();
        assert_eq!(stat(&html, "无变化"), Some(2), "[{engine}]");
        assert!(html.contains("没有需要写入的内容"), "[{engine}]");
    }
}

#[tokio::test]
async fn uploads_need_the_token_and_a_spreadsheet() {
    let engines = engines("imports_refusals").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let s = app.login("staff.a", PASSWORD).await;
        let file = roster(&w);
        let before = app.audit_count().await;
        let r = upload(&app, &s, None, "members", "会员.csv", file.as_bytes()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}] no CSRF token");
        let r = upload(
            &app,
            &s,
            Some("forged"),
            "members",
            "会员.csv",
            file.as_bytes(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}] a wrong token");
        assert_eq!(app.newest_entry().await.action, "denied.csrf", "[{engine}]");
        let after_denials = app.audit_count().await;
        assert_eq!(
            after_denials,
            before + 2,
            "[{engine}] only the two denials are recorded"
        );

        let r = upload(
            &app,
            &s,
            Some(&s.csrf),
            "members",
            "会员.xlsx",
            b"PK\x03\x04 not a zip",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            r.text().contains("不是有效的 Excel 文件"),
            "[{engine}] {}",
            r.excerpt()
        );
        let r = upload(
            &app,
            &s,
            Some(&s.csrf),
            "members",
            "缺列.csv",
            "姓名,电话\n张三,1\n".as_bytes(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{engine}]");
        assert!(
            r.text().contains("缺少必填的列：身份证号码、所在工会"),
            "[{engine}] {}",
            r.excerpt()
        );
        assert_eq!(app.audit_count().await, after_denials, "[{engine}]");

        // A viewer may not import at all (the refusal is audited).
        let v = app.login("viewer.a", PASSWORD).await;
        let r = upload(
            &app,
            &v,
            Some(&v.csrf),
            "members",
            "会员.csv",
            file.as_bytes(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{engine}]");
        assert_eq!(
            app.newest_denial("viewer.a").await.unwrap().action,
            "denied.import",
            "[{engine}]"
        );
    }
}
