//! Serving 附件 over HTTP: the sniffed type, an inline UTF-8 file name, no caching, a sandbox
//! for PDFs; served to the union's chair and to staff above it, refused (403, audited, no
//! bytes) to the chair of another union, staff of a sibling county and an assessor who is not
//! assigned to the union. Every test runs on every engine.

mod common;

use axum::http::{StatusCode, header};
use common::*;
use gonghui_store::{Actor, Attachment, prepare_attachment};

async fn save(app: &App, org: i64, name: &str, bytes: &[u8]) -> Attachment {
    let prepared = prepare_attachment(name, bytes.to_vec()).expect("a valid file");
    app.store
        .save_attachment(&Actor::system(), org, &prepared)
        .await
        .expect("saved")
}

fn header_of(resp: &Resp, name: header::HeaderName) -> String {
    resp.headers
        .get(&name)
        .map(|v| v.to_str().expect("ASCII header").to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_chair_and_staff_above_get_the_photo_with_safe_headers() {
    let engines = engines("attachments_served").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let jpeg = photo(800, 600, image::ImageFormat::Jpeg);
        let saved = save(&app, w.u1, "职工之家 活动.jpg", &jpeg).await;
        for who in ["chair.u1", "staff.a", "staff.root", "assessor.u1"] {
            let s = app.login(who, PASSWORD).await;
            let before = app.newest_denial(who).await.map(|e| e.id);
            let resp = app
                .get(Some(&s), &format!("/attachments/{}", saved.id))
                .await;
            assert_eq!(resp.status, StatusCode::OK, "[{engine}] {who}");
            assert!(resp.bytes == jpeg, "[{engine}] {who}: the stored bytes");
            assert_eq!(header_of(&resp, header::CONTENT_TYPE), "image/jpeg");
            assert_eq!(
                header_of(&resp, header::CONTENT_DISPOSITION),
                "inline; filename*=UTF-8''%E8%81%8C%E5%B7%A5%E4%B9%8B%E5%AE%B6%20%E6%B4%BB%E5%8A%A8.jpg"
            );
            assert_eq!(header_of(&resp, header::CACHE_CONTROL), "private, no-store");
            assert_eq!(header_of(&resp, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
            // A photo keeps the site's policy; only PDFs are sandboxed.
            assert!(
                header_of(&resp, header::CONTENT_SECURITY_POLICY).contains("default-src 'self'")
            );

            let t = app
                .get(Some(&s), &format!("/attachments/{}/thumb", saved.id))
                .await;
            assert_eq!(t.status, StatusCode::OK, "[{engine}] {who} thumb");
            assert_eq!(header_of(&t, header::CONTENT_TYPE), "image/jpeg");
            assert_eq!(header_of(&t, header::CACHE_CONTROL), "private, no-store");
            let img = image::load_from_memory(&t.bytes).expect("the thumbnail decodes");
            assert_eq!((img.width(), img.height()), (320, 240), "[{engine}]");
            assert_eq!(
                app.newest_denial(who).await.map(|e| e.id),
                before,
                "[{engine}] {who}: an allowed read records no denial"
            );
        }
    }
}

#[tokio::test]
async fn a_pdf_is_sandboxed_and_has_no_thumbnail() {
    let engines = engines("attachments_pdf_served").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let pdf = w
            .attachments
            .iter()
            .find(|a| !a.image)
            .expect("the fixture's PDF");
        assert_eq!(pdf.org, w.u3);
        for who in ["staff.a", "viewer.a"] {
            let s = app.login(who, PASSWORD).await;
            let resp = app.get(Some(&s), &format!("/attachments/{}", pdf.id)).await;
            assert_eq!(resp.status, StatusCode::OK, "[{engine}] {who}");
            assert!(resp.bytes.starts_with(b"%PDF-"));
            assert_eq!(header_of(&resp, header::CONTENT_TYPE), "application/pdf");
            assert_eq!(header_of(&resp, header::CONTENT_SECURITY_POLICY), "sandbox");
            assert_eq!(
                header_of(&resp, header::CONTENT_DISPOSITION),
                "attachment; filename*=UTF-8''%E6%8D%A2%E5%B1%8A%E6%89%B9%E5%A4%8D.pdf"
            );
            assert_eq!(header_of(&resp, header::CACHE_CONTROL), "private, no-store");
            let t = app
                .get(Some(&s), &format!("/attachments/{}/thumb", pdf.id))
                .await;
            assert_eq!(t.status, StatusCode::NOT_FOUND, "[{engine}] {who}");
        }
    }
}

#[tokio::test]
async fn others_are_refused_audited_and_get_no_bytes() {
    let engines = engines("attachments_refused").await;
    for (engine, store) in &engines.dbs {
        let w = build_world(store).await;
        let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
        let of = |org: i64| {
            w.attachments
                .iter()
                .find(|a| a.org == org)
                .expect("an attachment of the org")
                .id
        };
        let (u1_photo, u2_photo, u3_pdf) = (of(w.u1), of(w.u2), of(w.u3));
        for (who, id, why) in [
            (
                "chair.u1",
                u2_photo,
                "the chair of another union (in another county)",
            ),
            ("chair.u1", u3_pdf, "the chair of a neighbouring union"),
            ("staff.a", u2_photo, "staff of a sibling county"),
            ("viewer.a", u2_photo, "a viewer of a sibling county"),
            ("assessor.u1", u3_pdf, "an assessor not assigned to U3"),
            ("assessor.u1", u2_photo, "an assessor not assigned to U2"),
            (
                "sys.root",
                u1_photo,
                "the system administrator (no records)",
            ),
        ] {
            let s = app.login(who, PASSWORD).await;
            for uri in [
                format!("/attachments/{id}"),
                format!("/attachments/{id}/thumb"),
            ] {
                let before = app.newest_denial(who).await.map(|e| e.id);
                let resp = app.get(Some(&s), &uri).await;
                assert_eq!(
                    resp.status,
                    StatusCode::FORBIDDEN,
                    "[{engine}] {who} ({why}) GET {uri}"
                );
                assert!(resp.text().contains("没有权限"), "[{engine}] {who} {uri}");
                assert!(
                    !resp
                        .bytes
                        .windows(4)
                        .any(|b| b == b"\x89PNG" || b == b"%PDF")
                        && !resp.bytes.windows(3).any(|b| b == [0xFF, 0xD8, 0xFF]),
                    "[{engine}] {who} {uri}: no file bytes in a refusal"
                );
                assert_ne!(
                    header_of(&resp, header::CONTENT_TYPE),
                    "application/pdf",
                    "[{engine}] {who} {uri}"
                );
                let denial = app
                    .newest_denial(who)
                    .await
                    .filter(|e| Some(e.id) != before)
                    .unwrap_or_else(|| panic!("[{engine}] {who} {uri}: the refusal is audited"));
                assert_eq!(denial.action, "denied.read");
                assert_eq!(
                    (denial.object_kind.as_str(), denial.object_id),
                    ("attachment", Some(id)),
                    "[{engine}] {who} {uri}"
                );
                assert!(!denial.success);
                assert_eq!(denial.account_id, Some(w.account(who).id));
            }
        }
    }
}

#[tokio::test]
async fn an_unknown_attachment_is_not_found() {
    let engines = engines_with("attachments_unknown", false).await;
    let (engine, store) = &engines.dbs[0];
    let _w = build_world(store).await;
    let app = App::new(engine, store, gonghui_web::SecurityConfig::default());
    let s = app.login("staff.root", PASSWORD).await;
    for uri in ["/attachments/999999", "/attachments/999999/thumb"] {
        let resp = app.get(Some(&s), uri).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(resp.text().contains("未找到"), "{uri}");
    }
    // Signed out: the login page, never the file.
    let w_first = app.get(None, "/attachments/1").await;
    assert!(w_first.redirects_to("/login?next="));
}
