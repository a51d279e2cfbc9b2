//! In-process HTTP tests of pages and API: status codes, Chinese messages beside the field,
//! nothing written on bad input, personal data masked, and the OpenAPI document.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use gonghui_domain::{
    IdNumber, JoinMethod, OrgKind, Ownership, RegionCode, Uscc, id_check_char, uscc_check_char,
};
use gonghui_store::{Actor, MemberInput, OrgInput, Store, UnitInput};
use http_body_util::BodyExt;
use tower::ServiceExt;

struct App {
    router: Router,
    store: Store,
    /// Cookie header and CSRF token of the signed-in staff account (empty until `sign_in`).
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
}

async fn bare_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite_dir(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    let router = gonghui_web::router(gonghui_web::AppState::new(
        store.clone(),
        gonghui_web::SecurityConfig::default(),
    ));
    App {
        router,
        store,
        cookie: String::new(),
        csrf: String::new(),
        _dir: dir,
    }
}

/// An app with the fixture and a staff account of the city federation signed in.
async fn app_with(f: impl AsyncFnOnce(&Store) -> Fixture) -> (App, Fixture) {
    let mut app = bare_app().await;
    let fx = f(&app.store).await;
    app.store
        .create_account(
            &Actor::system(),
            gonghui_store::NewAccount {
                username: "city".into(),
                display_name: "市总组织部".into(),
                role: gonghui_domain::Role::Staff,
                scope_org_id: fx.root,
                password: "Gonghui@2026".into(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    sign_in(&mut app, "city", "Gonghui@2026").await;
    (app, fx)
}

async fn sign_in(app: &mut App, user: &str, password: &str) {
    let body =
        serde_urlencoded::to_string([("username", user), ("password", password), ("next", "/")])
            .unwrap();
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "login of {user}");
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .expect("session cookie")
        .to_str()
        .unwrap();
    app.cookie = cookie.split(';').next().unwrap().to_owned();
    let (_, html) = get(app, "/").await;
    let marker = "\"X-CSRF-Token\": \"";
    let start = html.find(marker).expect("CSRF token in the page") + marker.len();
    app.csrf = html[start..start + 64].to_owned();
}

fn uscc(prefix: &str) -> Uscc {
    let c = uscc_check_char(prefix).unwrap();
    Uscc::parse(&format!("{prefix}{c}")).unwrap()
}

fn id_number(body17: &str) -> IdNumber {
    let c = id_check_char(body17).unwrap();
    IdNumber::parse(&format!("{body17}{c}")).unwrap()
}

fn org(kind: OrgKind, sub: Option<&str>, name: &str, region: &str) -> OrgInput {
    OrgInput {
        kind,
        sub_kind: sub.map(str::to_owned),
        name: name.into(),
        short_name: None,
        region: Some(RegionCode::parse(region).unwrap()),
        industry: None,
        founded_on: None,
        uscc: None,
        legal_person_cert: None,
        independent_account: false,
        address: None,
        contact_person: None,
        contact_phone: None,
    }
}

struct Fixture {
    root: i64,
    county: i64,
    grassroots: i64,
    unit: i64,
    member: i64,
    member_id_number: String,
}

async fn fixture(s: &Store) -> Fixture {
    let a = Actor::system();
    let root = s
        .create_root(
            &a,
            org(OrgKind::CityFederation, None, "荆州市总工会", "421000"),
        )
        .await
        .unwrap();
    let county = s
        .create_org(
            &a,
            root,
            org(OrgKind::CountyFederation, None, "石首市总工会", "421081"),
            None,
        )
        .await
        .unwrap();
    let grassroots = s
        .create_org(
            &a,
            county,
            org(
                OrgKind::Grassroots,
                Some("enterprise"),
                "石首市华达纺织有限公司工会委员会",
                "421081",
            ),
            None,
        )
        .await
        .unwrap();
    let unit = s
        .create_unit(
            &a,
            UnitInput {
                uscc: uscc("91421081MA4F00000"),
                name: "石首市华达纺织有限公司".into(),
                region: RegionCode::parse("421081").unwrap(),
                industry: None,
                ownership: Ownership::Private,
                employees: 120,
                women_employees: 70,
                above_scale: true,
                dispatch_agency: false,
                park: None,
            },
            Some(grassroots),
        )
        .await
        .unwrap();
    let idn = id_number("42108119850612301");
    let member = s
        .create_member(
            &a,
            grassroots,
            MemberInput {
                name: "张秀英".into(),
                id_number: idn.clone(),
                phone: Some(gonghui_domain::Phone::parse("13871234567").unwrap()),
                ethnicity: None,
                education: None,
                migrant_worker: true,
                dispatched_worker: false,
                new_employment_group: None,
                join_date: chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
                join_method: JoinMethod::Individual,
            },
        )
        .await
        .unwrap();
    Fixture {
        root,
        county,
        grassroots,
        unit,
        member,
        member_id_number: idn.as_str().to_owned(),
    }
}

async fn get(app: &App, uri: &str) -> (StatusCode, String) {
    let resp = app
        .router
        .clone()
        .oneshot(
            Request::get(uri)
                .header(header::COOKIE, &app.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn post_form(
    app: &App,
    uri: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let mut fields = fields.to_vec();
    fields.push(("_csrf", &app.csrf));
    let body = serde_urlencoded::to_string(&fields).unwrap();
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &app.cookie)
        .body(Body::from(body))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        String::from_utf8_lossy(&body).into_owned(),
        location,
    )
}

async fn send_json(
    app: &App,
    method: &str,
    uri: &str,
    json: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, &app.cookie)
        .header("x-csrf-token", &app.csrf)
        .body(Body::from(json.to_string()))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn without_a_session_pages_go_to_login_and_the_api_answers_401() {
    let app = bare_app().await;
    let (status, _) = get(&app, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let resp = app
        .router
        .clone()
        .oneshot(Request::get("/orgs/1?x=1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        resp.headers()[header::LOCATION],
        "/login?next=/orgs/1%3Fx%3D1"
    );
    let (status, json) = send_json(&app, "GET", "/api/v1/orgs/1", serde_json::Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "unauthenticated");
    let (status, html) = get(&app, "/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("登录"));
    // The public pieces stay public: health check, assets and the API description.
    for uri in ["/healthz", "/assets/app.css", "/api/openapi.json"] {
        assert_eq!(get(&app, uri).await.0, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn every_page_renders_with_its_content() {
    let (app, f) = app_with(fixture).await;
    let pages = [
        ("/".to_owned(), "石首市总工会"),
        ("/orgs".to_owned(), "荆州市总工会"),
        (format!("/orgs/{}/children", f.root), "石首市总工会"),
        (format!("/orgs/{}", f.county), "<h1>石首市总工会</h1>"),
        (format!("/orgs/{}", f.grassroots), "会员名册（1）"),
        (format!("/orgs/{}/members", f.grassroots), "张秀英"),
        (format!("/orgs/{}/edit", f.county), "石首市总工会"),
        (format!("/orgs/{}/move", f.county), "调整隶属关系"),
        (format!("/orgs/new?parent={}", f.county), "新建工会组织"),
        (format!("/units/{}", f.unit), "石首市华达纺织有限公司"),
        (format!("/units/{}/edit", f.unit), "石首市华达纺织有限公司"),
        (format!("/units/new?org={}", f.grassroots), "登记"),
        (format!("/members/{}", f.member), "张秀英"),
        (format!("/members/{}/edit", f.member), "张秀英"),
        (format!("/members/{}/transfer", f.member), "会籍转接"),
        (format!("/members/new?org={}", f.grassroots), "登记会员"),
        ("/search?q=sssz".to_owned(), "石首市总工会"),
        (
            "/search?q=%E7%9F%B3%E9%A6%96".to_owned(),
            "石首市华达纺织有限公司",
        ),
        (
            format!("/search/suggest?field=to_org&to_org=huada&kinds=grassroots"),
            "石首市华达纺织有限公司工会委员会",
        ),
        ("/healthz".to_owned(), "ok"),
    ];
    for (uri, needle) in pages {
        let (status, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.contains(needle), "{uri} should contain {needle}");
    }
    let (status, body) = get(&app, "/orgs/99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("没有找到"));
}

#[tokio::test]
async fn personal_data_is_masked_on_pages_and_in_the_api() {
    let (app, f) = app_with(fixture).await;
    let masked = format!(
        "{}********{}",
        &f.member_id_number[..6],
        &f.member_id_number[14..]
    );
    for uri in [
        format!("/members/{}", f.member),
        format!("/orgs/{}/members", f.grassroots),
        format!("/orgs/{}", f.grassroots),
        "/search?q=zxy".into(),
    ] {
        let (_, html) = get(&app, &uri).await;
        assert!(
            !html.contains(&f.member_id_number),
            "{uri} leaks the full ID number"
        );
        assert!(!html.contains("13871234567"), "{uri} leaks the full phone");
        assert!(
            html.contains(&masked) || uri.starts_with("/search"),
            "{uri} shows the masked ID"
        );
    }
    let (status, json) = send_json(
        &app,
        "GET",
        &format!("/api/v1/members/{}", f.member),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["id_number"], masked);
    assert_eq!(json["phone"], "138****4567");
    let (_, json) = send_json(
        &app,
        "GET",
        &format!("/api/v1/search?q={}", f.member_id_number),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(
        json["members"][0]["id_number"], masked,
        "an exact ID search finds the person but returns the masked number"
    );
}

#[tokio::test]
async fn a_bad_uscc_on_the_form_is_explained_beside_the_field_and_nothing_is_written() {
    let (app, f) = app_with(fixture).await;
    let audit_before = gonghui_store::audit::count(&app.store).await.unwrap();
    let (status, html, _) = post_form(
        &app,
        &format!("/units/new?org={}", f.grassroots),
        &[
            ("uscc", "914403001922038217"),
            ("name", "石首市新建五金厂"),
            ("region_code", "421081"),
            ("ownership", "private"),
            ("employees", "35"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("校验码"), "message names the check character");
    assert!(
        html.contains("应为 6") || html.contains("应为6"),
        "message gives the expected character"
    );
    assert!(
        html.contains("value=\"914403001922038217\""),
        "what was typed is kept"
    );
    assert!(
        html.contains("value=\"石首市新建五金厂\""),
        "other fields are kept"
    );
    assert_eq!(
        gonghui_store::audit::count(&app.store).await.unwrap(),
        audit_before,
        "nothing written"
    );
    let (_, html) = get(&app, "/search?q=%E4%BA%94%E9%87%91").await;
    assert!(
        !html.contains("石首市新建五金厂"),
        "the unit was not created"
    );

    // Several problems at once are all reported.
    let (status, html, _) = post_form(
        &app,
        &format!("/members/new?org={}", f.grassroots),
        &[
            ("name", ""),
            ("id_number", "110105194912310021"),
            ("join_date", "2020-13-01"),
            ("join_method", "individual"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写姓名"));
    assert!(
        html.contains("应为 X") || html.contains("应为X"),
        "ID check digit explained: {}",
        html.lines()
            .filter(|l| l.contains("error"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(html.contains("无法识别"), "bad date explained");
}

#[tokio::test]
async fn the_api_refuses_bad_codes_with_json_naming_the_field() {
    let (app, f) = app_with(fixture).await;
    let audit_before = gonghui_store::audit::count(&app.store).await.unwrap();
    let (status, json) = send_json(
        &app,
        "POST",
        "/api/v1/units",
        serde_json::json!({"uscc": "914403001922038217", "name": "某某公司", "region_code": "421081", "ownership": "private", "employees": 10}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["error"], "invalid");
    assert_eq!(json["field"], "uscc");
    assert!(json["message"].as_str().unwrap().contains('6'), "{json}");
    let (status, json) = send_json(
        &app,
        "POST",
        "/api/v1/orgs",
        serde_json::json!({"parent_id": f.county, "name": "某镇工会", "kind": "area_federation", "sub_kind": "township", "region_code": "999999"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["field"], "region_code");
    assert!(
        json["message"].as_str().unwrap().contains("不存在"),
        "{json}"
    );
    // A county federation cannot sit under a grassroots union.
    let (status, json) = send_json(
        &app,
        "POST",
        "/api/v1/orgs",
        serde_json::json!({"parent_id": f.grassroots, "name": "某县总工会", "kind": "county_federation", "region_code": "421081"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json["field"], "kind");
    // The same person cannot join a second union.
    let (status, json) = send_json(
        &app,
        "POST",
        "/api/v1/members",
        serde_json::json!({"org_id": f.grassroots, "name": "张秀英", "id_number": f.member_id_number, "join_date": "2021-01-01", "join_method": "individual"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(json["message"].as_str().unwrap().contains("会籍转接"));
    assert_eq!(
        gonghui_store::audit::count(&app.store).await.unwrap(),
        audit_before,
        "refused requests write nothing"
    );

    let (status, json) =
        send_json(&app, "GET", "/api/v1/orgs/424242", serde_json::Value::Null).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"], "not_found");

    let good = uscc("91421081MA4F00001").as_str().to_owned();
    let (status, json) = send_json(
        &app,
        "POST",
        "/api/v1/units",
        serde_json::json!({"uscc": good, "name": "石首市联合五金厂", "region_code": "421081", "ownership": "私营", "employees": 12}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert!(json["id"].as_i64().unwrap() > 0);
    assert_eq!(
        gonghui_store::audit::count(&app.store).await.unwrap(),
        audit_before + 1,
        "one write, one audit record"
    );
}

#[tokio::test]
async fn moving_an_org_through_the_page_keeps_history() {
    let (app, f) = app_with(fixture).await;
    let a = Actor::system();
    let other = app
        .store
        .create_org(
            &a,
            f.root,
            org(OrgKind::CountyFederation, None, "江陵县总工会", "421024"),
            None,
        )
        .await
        .unwrap();
    // A cycle is refused beside the field.
    let (status, html, _) = post_form(
        &app,
        &format!("/orgs/{}/move", f.county),
        &[("parent_id", &format!("石首 #{}", f.grassroots))],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("class=\"error\""),
        "error shown beside the picker"
    );
    let (status, _, loc) = post_form(
        &app,
        &format!("/orgs/{}/move", f.grassroots),
        &[
            ("parent_id", &format!("江陵县总工会 #{other}")),
            ("reason", "企业迁址"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &loc.unwrap()).await;
    assert!(
        html.contains("江陵县总工会") && html.contains("石首市总工会"),
        "both the new and the old parent are listed"
    );
    assert!(html.contains("企业迁址"));
}

#[tokio::test]
async fn openapi_document_lists_the_api_and_swagger_ui_is_served() {
    let app = bare_app().await;
    let (status, body) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    for path in [
        "/api/v1/orgs",
        "/api/v1/orgs/{id}",
        "/api/v1/orgs/{id}/children",
        "/api/v1/units",
        "/api/v1/members",
        "/api/v1/search",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    insta::assert_json_snapshot!("openapi", doc);
    let (status, body) = get(&app, "/api/docs/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("swagger"), "swagger UI page");
}
