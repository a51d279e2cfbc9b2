//! Shared helpers of the web crate's authorization and security tests: both engines, a
//! hand-built city with accounts of every role, an in-process HTTP client that logs in like a
//! browser (session cookie + CSRF token), and an *independent* model of who may see and change
//! what, written from the design (decisions 6–8) rather than from `auth.rs`, so the tests can
//! disagree with the code.
//!
//! Every test runs on SQLite (a fresh directory) and, when `GONGHUI_TEST_PG_URL` is set, on
//! PostgreSQL in a fresh schema. Under `CI=true` a missing PostgreSQL URL is a failure.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::NaiveDate;
use gonghui_domain::{
    AreaKind, CommitteeKind, GrassrootsKind, IdNumber, JoinMethod, MemberStatus, OfficerRole,
    OrgKind, Ownership, RegionCode, Role, Uscc, id_check_char, uscc_check_char,
};
use gonghui_store::{
    Actor, AuditEntry, AuditFilter, MemberInput, NewAccount, OfficerInput, OrgInput, Store,
    UnitInput,
};
use gonghui_web::SecurityConfig;
use http_body_util::BodyExt;
use tempfile::TempDir;
use tower::ServiceExt;

// ---------------------------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------------------------

/// The stores one test runs on. Holds the SQLite tempdir so the file outlives the test body.
pub struct Engines {
    pub dbs: Vec<(String, Store)>,
    _dirs: Vec<TempDir>,
}

static SCHEMA_SEQ: AtomicU32 = AtomicU32::new(0);

fn schema_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(36)
        .collect();
    let n = SCHEMA_SEQ.fetch_add(1, Ordering::Relaxed);
    format!("w_{clean}_{}_{n}", std::process::id())
}

/// Fresh, migrated stores: SQLite always, PostgreSQL when `GONGHUI_TEST_PG_URL` is set (and
/// `with_pg`). Under `CI=true` the URL is required.
pub async fn engines_with(test: &str, with_pg: bool) -> Engines {
    let mut dbs = Vec::new();
    let mut dirs = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir for SQLite");
    let sqlite = Store::open_sqlite_dir(dir.path())
        .await
        .expect("open SQLite");
    sqlite.migrate().await.expect("migrate SQLite");
    dbs.push(("sqlite".to_owned(), sqlite));
    dirs.push(dir);
    if with_pg {
        match std::env::var("GONGHUI_TEST_PG_URL") {
            Ok(url) if !url.trim().is_empty() => {
                let schema = schema_name(test);
                let pg = Store::open_postgres(&url, Some(&schema))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("open PostgreSQL at GONGHUI_TEST_PG_URL (schema {schema}): {e:?}")
                    });
                pg.migrate()
                    .await
                    .unwrap_or_else(|e| panic!("migrate PostgreSQL schema {schema}: {e:?}"));
                dbs.push(("postgres".to_owned(), pg));
            }
            _ => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "CI=true but GONGHUI_TEST_PG_URL is not set: the web authorization tests must run on \
                         PostgreSQL too in CI. Start one with `eval \"$(scripts/pg-start)\"`."
                    );
                }
            }
        }
    }
    Engines { dbs, _dirs: dirs }
}

pub async fn engines(test: &str) -> Engines {
    engines_with(test, true).await
}

// ---------------------------------------------------------------------------------------------
// Valid codes
// ---------------------------------------------------------------------------------------------

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn uscc_from(first17: String) -> Uscc {
    let check = uscc_check_char(&first17).expect("17 USCC characters");
    Uscc::parse(&format!("{first17}{check}")).expect("valid USCC")
}

/// A union's own code: 81 + region + a made-up organization code.
pub fn union_uscc(region: &str, n: u32) -> Uscc {
    uscc_from(format!("81{region}MC{n:07}"))
}

/// An enterprise's code: 91.
pub fn enterprise_uscc(region: &str, n: u32) -> Uscc {
    uscc_from(format!("91{region}MA{n:07}"))
}

pub fn id_number(region: &str, birth: &str, seq: u32) -> IdNumber {
    let first17 = format!("{region}{birth}{seq:03}");
    let check = id_check_char(&first17).expect("17 digits");
    IdNumber::parse(&format!("{first17}{check}")).expect("valid ID number")
}

pub fn org_input(
    kind: OrgKind,
    sub_kind: Option<&str>,
    name: &str,
    region: &str,
    uscc: Option<Uscc>,
) -> OrgInput {
    OrgInput {
        kind,
        sub_kind: sub_kind.map(str::to_owned),
        name: name.to_owned(),
        short_name: None,
        region: Some(RegionCode::parse(region).expect("region code")),
        industry: None,
        founded_on: Some(date(2020, 1, 1)),
        uscc,
        legal_person_cert: None,
        independent_account: false,
        address: None,
        contact_person: None,
        contact_phone: None,
    }
}

pub fn unit_input(uscc: Uscc, name: &str, region: &str, employees: i64, women: i64) -> UnitInput {
    UnitInput {
        uscc,
        name: name.to_owned(),
        region: RegionCode::parse(region).expect("region code"),
        industry: None,
        ownership: Ownership::Private,
        employees,
        women_employees: women,
        above_scale: false,
        dispatch_agency: false,
        park: None,
    }
}

pub fn member_input(name: &str, id: IdNumber, join: NaiveDate) -> MemberInput {
    MemberInput {
        name: name.to_owned(),
        id_number: id,
        phone: Some(gonghui_domain::Phone::parse("13871234567").expect("phone")),
        ethnicity: None,
        education: None,
        migrant_worker: false,
        dispatched_worker: false,
        new_employment_group: None,
        join_date: join,
        join_method: JoinMethod::Individual,
    }
}

// ---------------------------------------------------------------------------------------------
// The world: records, accounts, and the model of who sees what
// ---------------------------------------------------------------------------------------------

/// A small photo made here (a gradient), as a PNG.
pub fn tiny_png() -> Vec<u8> {
    photo(40, 30, image::ImageFormat::Png)
}

/// A photo of the given size in the given format.
pub fn photo(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 5 % 256) as u8, (y * 7 % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .expect("encode the test photo");
    out.into_inner()
}

/// The smallest whole PDF: one empty page.
pub fn tiny_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// Password of every fixture account (meets the policy, contains no username).
pub const PASSWORD: &str = "Gh@2026-jz";

#[derive(Debug, Clone)]
pub struct OrgRec {
    pub id: i64,
    pub name: String,
    pub parent: Option<i64>,
    pub region: String,
    pub grassroots: bool,
    pub uscc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnitRec {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region: String,
    pub covering: Option<i64>,
    pub employees: i64,
}

#[derive(Debug, Clone)]
pub struct MemberRec {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    /// The union holding the membership now (None after 退会).
    pub org: Option<i64>,
    /// The union that answers for the person: the current one, or the last one.
    pub answering_org: i64,
}

#[derive(Debug, Clone)]
pub struct OfficerRec {
    pub id: i64,
    pub org: i64,
    pub name: String,
}

/// An evidence file (附件) kept for an org.
#[derive(Debug, Clone)]
pub struct AttachmentRec {
    pub id: i64,
    pub org: i64,
    /// A photo (has a thumbnail) rather than a PDF.
    pub image: bool,
}

/// An assessment of the fixture's campaign (达标创建): the org it is of.
#[derive(Debug, Clone)]
pub struct AssessmentRec {
    pub id: i64,
    pub org: i64,
}

#[derive(Debug, Clone)]
pub struct AccountRec {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub scope: i64,
    pub assigned: Vec<i64>,
}

/// A small city built by hand through the store (actor `system`):
///
/// ```text
/// 荆州市总工会 root (421000)                                officer 王建华
/// ├─ 石首市总工会 A (421081)                                officer 周立新
/// │  └─ 石首市新厂镇工会 T (township)                       officer 马晓东
/// │     ├─ 楚源纺织公司工会委员会 U1   covers 石首市楚源纺织有限公司 (120)
/// │     │     members 张伟 李娜 吴磊 (U1→U2→U1), 郑洁 (退会)   officer 刘建国
/// │     └─ 新厂镇小微企业联合工会 U3   (founded under B, moved here 2022)
/// │           covers 新厂镇便民超市 (8); member 陈静            officer 罗丽萍
/// └─ 江陵县总工会 B (421024)                                officer 黄志强
///    ├─ 荆江农业公司工会委员会 U2       covers 江陵县荆江农业有限公司 (40); member 孙强   officer 何文斌
///    └─ 江陵县纺织行业工会联合会 SB (sector; U1 is its member: a link across subtrees)   officer 胡国庆
/// uncovered units: 石首市新兴电子有限公司 (421081), 江陵县郝穴食品厂 (421024)
/// attachments: a photo of U1, a photo of U2, a PDF of U3
/// ```
#[derive(Debug, Clone)]
pub struct World {
    pub root: i64,
    pub a: i64,
    pub b: i64,
    pub t: i64,
    pub u1: i64,
    pub u2: i64,
    pub u3: i64,
    pub sb: i64,
    pub orgs: Vec<OrgRec>,
    pub units: Vec<UnitRec>,
    pub members: Vec<MemberRec>,
    pub officers: Vec<OfficerRec>,
    /// A photo of U1, a photo of U2 and a PDF of U3.
    pub attachments: Vec<AttachmentRec>,
    /// 达标创建: a campaign of the city over every grassroots union (the built-in 六有, reviewed
    /// by the upper unions), and its assessments (U1, U2, U3), all 未开始.
    pub campaign: i64,
    pub assessments: Vec<AssessmentRec>,
    pub accounts: Vec<AccountRec>,
    /// Named records used by individual tests.
    pub unit_u1: i64,
    pub unit_u2: i64,
    pub unit_free_a: i64,
    pub unit_free_b: i64,
    pub zhangwei: i64,
    pub wulei: i64,
    pub zhengjie: i64,
    pub sunqiang: i64,
}

pub const ROOT_NAME: &str = "荆州市总工会";
pub const A_NAME: &str = "石首市总工会";
pub const B_NAME: &str = "江陵县总工会";
pub const T_NAME: &str = "石首市新厂镇工会";
pub const U1_NAME: &str = "楚源纺织公司工会委员会";
pub const U2_NAME: &str = "荆江农业公司工会委员会";
pub const U3_NAME: &str = "新厂镇小微企业联合工会";
pub const SB_NAME: &str = "江陵县纺织行业工会联合会";

/// The accounts of the fixture: (username, role, scope key, assigned keys). Scope keys:
/// root, a, b, u1. `dummy.*` accounts are only targets of the account-management routes.
pub const ACCOUNTS: &[(&str, Role, &str, &[&str])] = &[
    ("sys.root", Role::SystemAdmin, "root", &[]),
    ("sec.root", Role::SecurityAdmin, "root", &[]),
    ("audit.root", Role::AuditAdmin, "root", &[]),
    ("sys.a", Role::SystemAdmin, "a", &[]),
    ("staff.root", Role::Staff, "root", &[]),
    ("staff.a", Role::Staff, "a", &[]),
    ("viewer.root", Role::Viewer, "root", &[]),
    ("viewer.a", Role::Viewer, "a", &[]),
    ("chair.u1", Role::Chair, "u1", &[]),
    ("assessor.u1", Role::Assessor, "root", &["u1"]),
    ("dummy.a", Role::Viewer, "a", &[]),
    ("dummy.b", Role::Viewer, "b", &[]),
];

pub async fn build_world(store: &Store) -> World {
    let sys = Actor::system();
    let from = Some(date(2020, 1, 1));
    macro_rules! ok {
        ($e:expr) => {
            $e.await
                .unwrap_or_else(|e| panic!("fixture: {} failed: {e:?}", stringify!($e)))
        };
    }
    let mut orgs = Vec::new();
    let mut org = |id: i64,
                   name: &str,
                   parent: Option<i64>,
                   region: &str,
                   grassroots: bool,
                   uscc: Option<&Uscc>| {
        orgs.push(OrgRec {
            id,
            name: name.into(),
            parent,
            region: region.into(),
            grassroots,
            uscc: uscc.map(|u| u.as_str().to_owned()),
        });
        id
    };
    let u = union_uscc("421000", 1);
    let root = org(
        ok!(store.create_root(
            &sys,
            org_input(
                OrgKind::CityFederation,
                None,
                ROOT_NAME,
                "421000",
                Some(u.clone())
            )
        )),
        ROOT_NAME,
        None,
        "421000",
        false,
        Some(&u),
    );
    let u = union_uscc("421081", 2);
    let a = org(
        ok!(store.create_org(
            &sys,
            root,
            org_input(
                OrgKind::CountyFederation,
                None,
                A_NAME,
                "421081",
                Some(u.clone())
            ),
            from
        )),
        A_NAME,
        Some(root),
        "421081",
        false,
        Some(&u),
    );
    let u = union_uscc("421024", 3);
    let b = org(
        ok!(store.create_org(
            &sys,
            root,
            org_input(
                OrgKind::CountyFederation,
                None,
                B_NAME,
                "421024",
                Some(u.clone())
            ),
            from
        )),
        B_NAME,
        Some(root),
        "421024",
        false,
        Some(&u),
    );
    let t = org(
        ok!(store.create_org(
            &sys,
            a,
            org_input(
                OrgKind::AreaFederation,
                Some(AreaKind::Township.code()),
                T_NAME,
                "421081",
                None
            ),
            from
        )),
        T_NAME,
        Some(a),
        "421081",
        false,
        None,
    );
    let u = union_uscc("421081", 4);
    let u1 = org(
        ok!(store.create_org(
            &sys,
            t,
            org_input(
                OrgKind::Grassroots,
                Some(GrassrootsKind::Enterprise.code()),
                U1_NAME,
                "421081",
                Some(u.clone())
            ),
            from
        )),
        U1_NAME,
        Some(t),
        "421081",
        true,
        Some(&u),
    );
    let u = union_uscc("421024", 5);
    let u2 = org(
        ok!(store.create_org(
            &sys,
            b,
            org_input(
                OrgKind::Grassroots,
                Some(GrassrootsKind::Enterprise.code()),
                U2_NAME,
                "421024",
                Some(u.clone())
            ),
            from
        )),
        U2_NAME,
        Some(b),
        "421024",
        true,
        Some(&u),
    );
    // Founded under 江陵县 and moved to 新厂镇 in 2022: its history names a sibling county.
    let u3_id = ok!(store.create_org(
        &sys,
        b,
        org_input(
            OrgKind::Grassroots,
            Some(GrassrootsKind::Joint.code()),
            U3_NAME,
            "421081",
            None
        ),
        from
    ));
    ok!(store.move_org(&sys, u3_id, t, Some(date(2022, 3, 1)), None));
    let u3 = org(u3_id, U3_NAME, Some(t), "421081", true, None);
    let sb = org(
        ok!(store.create_org(
            &sys,
            b,
            org_input(OrgKind::SectorFederation, None, SB_NAME, "421024", None),
            from
        )),
        SB_NAME,
        Some(b),
        "421024",
        false,
        None,
    );
    ok!(store.add_sector_member(&sys, sb, u1, Some(date(2022, 1, 1))));

    let mut units = Vec::new();
    let unit = |store: &Store,
                n: u32,
                name: &'static str,
                region: &'static str,
                employees: i64,
                covering: Option<i64>| {
        let uscc = enterprise_uscc(region, n);
        let input = unit_input(uscc.clone(), name, region, employees, employees / 2);
        let store = store.clone();
        async move {
            let id = store
                .create_unit(&Actor::system(), input, covering)
                .await
                .unwrap_or_else(|e| panic!("fixture unit {name}: {e:?}"));
            UnitRec {
                id,
                name: name.into(),
                uscc: uscc.as_str().to_owned(),
                region: region.into(),
                covering,
                employees,
            }
        }
    };
    units.push(
        unit(
            store,
            101,
            "石首市楚源纺织有限公司",
            "421081",
            120,
            Some(u1),
        )
        .await,
    );
    units.push(unit(store, 102, "江陵县荆江农业有限公司", "421024", 40, Some(u2)).await);
    units.push(unit(store, 103, "新厂镇便民超市", "421081", 8, Some(u3)).await);
    units.push(unit(store, 104, "石首市新兴电子有限公司", "421081", 50, None).await);
    units.push(unit(store, 105, "江陵县郝穴食品厂", "421024", 30, None).await);
    let (unit_u1, unit_u2, unit_free_a, unit_free_b) =
        (units[0].id, units[1].id, units[3].id, units[4].id);

    let join = date(2021, 3, 1);
    let mut members = Vec::new();
    let mut add_member = |id: i64, name: &str, idn: &IdNumber, org: Option<i64>, answering: i64| {
        members.push(MemberRec {
            id,
            name: name.into(),
            id_number: idn.as_str().to_owned(),
            org,
            answering_org: answering,
        });
        id
    };
    let idn = id_number("421081", "19850310", 11);
    let zhangwei = add_member(
        ok!(store.create_member(&sys, u1, member_input("张伟", idn.clone(), join))),
        "张伟",
        &idn,
        Some(u1),
        u1,
    );
    let idn = id_number("421081", "19860411", 12);
    add_member(
        ok!(store.create_member(&sys, u1, member_input("李娜", idn.clone(), join))),
        "李娜",
        &idn,
        Some(u1),
        u1,
    );
    // 吴磊 went to 江陵 and came back: his history holds a period in a sibling county.
    let idn = id_number("421081", "19870512", 13);
    let wulei_id = ok!(store.create_member(&sys, u1, member_input("吴磊", idn.clone(), join)));
    ok!(store.transfer_member(&sys, wulei_id, u2, Some(date(2022, 1, 1))));
    ok!(store.transfer_member(&sys, wulei_id, u1, Some(date(2023, 1, 1))));
    let wulei = add_member(wulei_id, "吴磊", &idn, Some(u1), u1);
    // 郑洁 left: her last union still answers for her record.
    let idn = id_number("421081", "19880613", 14);
    let zj = ok!(store.create_member(&sys, u1, member_input("郑洁", idn.clone(), join)));
    ok!(store.set_member_status(&sys, zj, MemberStatus::Left, Some(date(2023, 6, 1))));
    let zhengjie = add_member(zj, "郑洁", &idn, None, u1);
    let idn = id_number("421081", "19900715", 21);
    add_member(
        ok!(store.create_member(&sys, u3, member_input("陈静", idn.clone(), join))),
        "陈静",
        &idn,
        Some(u3),
        u3,
    );
    let idn = id_number("421024", "19780515", 31);
    let sunqiang = add_member(
        ok!(store.create_member(&sys, u2, member_input("孙强", idn.clone(), join))),
        "孙强",
        &idn,
        Some(u2),
        u2,
    );

    let mut officers = Vec::new();
    for (org, name) in [
        (root, "王建华"),
        (a, "周立新"),
        (b, "黄志强"),
        (t, "马晓东"),
        (u1, "刘建国"),
        (u2, "何文斌"),
        (u3, "罗丽萍"),
        (sb, "胡国庆"),
    ] {
        let input = OfficerInput {
            committee: CommitteeKind::UnionCommittee,
            role: OfficerRole::Chair,
            name: name.into(),
            full_time: false,
            term_start: Some(date(2021, 1, 1)),
            term_end: Some(date(2026, 1, 1)),
            phone: None,
            ..OfficerInput::plain(CommitteeKind::UnionCommittee, OfficerRole::Chair, "")
        };
        let id = ok!(store.add_officer(&sys, org, input));
        officers.push(OfficerRec {
            id,
            org,
            name: name.into(),
        });
    }

    let mut attachments = Vec::new();
    for (org, name, bytes) in [
        (u1, "职工之家.png", tiny_png()),
        (u2, "工会标牌.png", tiny_png()),
        (u3, "换届批复.pdf", tiny_pdf()),
    ] {
        let prepared = gonghui_store::prepare_attachment(name, bytes).expect("fixture attachment");
        let saved = ok!(store.save_attachment(&sys, org, &prepared));
        attachments.push(AttachmentRec {
            id: saved.id,
            org,
            image: saved.is_image(),
        });
    }

    let root_org = ok!(store.org(root));
    let liuyou = ok!(store.campaign_standard_options(&root_org))
        .into_iter()
        .find(|o| o.builtin && o.name.contains("六有"))
        .expect("the built-in 六有");
    let today = chrono::Local::now().date_naive();
    let campaign = ok!(store.create_campaign(
        &sys,
        root,
        gonghui_store::CampaignInput {
            name: "规范化建设达标创建".into(),
            version_id: liuyou.version_id,
            kinds: vec!["grassroots".into()],
            start_on: today - chrono::TimeDelta::days(30),
            self_review_due: today + chrono::TimeDelta::days(30),
            end_on: today + chrono::TimeDelta::days(120),
            quota: Some(2),
            reward_fen: 100_000,
            honor_title: Some("示范工会".into()),
            honor_level: None,
            reviewer: gonghui_domain::ReviewerKind::Parent,
            document_no: None,
        }
    ));
    let mut assessments = Vec::new();
    for org in [u1, u2, u3] {
        let a =
            ok!(store.assessment_of(campaign, org)).expect("every grassroots union is assessed");
        assessments.push(AssessmentRec { id: a.id, org });
    }

    let mut world = World {
        root,
        a,
        b,
        t,
        u1,
        u2,
        u3,
        sb,
        orgs,
        units,
        members,
        officers,
        attachments,
        campaign,
        assessments,
        accounts: vec![],
        unit_u1,
        unit_u2,
        unit_free_a,
        unit_free_b,
        zhangwei,
        wulei,
        zhengjie,
        sunqiang,
    };
    for (username, role, scope, assigned) in ACCOUNTS {
        let scope = world.key(scope);
        let id = ok!(store.create_account(
            &sys,
            NewAccount {
                username: username.to_string(),
                display_name: format!("测试{}", role.label()),
                role: *role,
                scope_org_id: scope,
                password: PASSWORD.into(),
                must_change_password: false,
            }
        ));
        let assigned: Vec<i64> = assigned.iter().map(|k| world.key(k)).collect();
        for o in &assigned {
            ok!(store.assign_to_assessor(&sys, id, *o));
        }
        world.accounts.push(AccountRec {
            id,
            username: username.to_string(),
            role: *role,
            scope,
            assigned,
        });
    }
    world.check_names_are_distinct();
    world
}

/// Which way a record lies from the account's own org.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Vantage {
    Own,
    Descendant,
    Ancestor,
    Sibling,
}

impl World {
    pub fn key(&self, k: &str) -> i64 {
        match k {
            "root" => self.root,
            "a" => self.a,
            "b" => self.b,
            "t" => self.t,
            "u1" => self.u1,
            "u2" => self.u2,
            "u3" => self.u3,
            "sb" => self.sb,
            other => panic!("unknown org key {other}"),
        }
    }

    pub fn account(&self, username: &str) -> &AccountRec {
        self.accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("no account {username}"))
    }

    pub fn org(&self, id: i64) -> &OrgRec {
        self.orgs
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("no org {id}"))
    }

    pub fn unit(&self, id: i64) -> &UnitRec {
        self.units
            .iter()
            .find(|u| u.id == id)
            .unwrap_or_else(|| panic!("no unit {id}"))
    }

    pub fn member(&self, id: i64) -> &MemberRec {
        self.members
            .iter()
            .find(|m| m.id == id)
            .unwrap_or_else(|| panic!("no member {id}"))
    }

    pub fn attachment(&self, id: i64) -> &AttachmentRec {
        self.attachments
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("no attachment {id}"))
    }

    pub fn officer(&self, id: i64) -> &OfficerRec {
        self.officers
            .iter()
            .find(|o| o.id == id)
            .unwrap_or_else(|| panic!("no officer {id}"))
    }

    /// `org` and the orgs above it, nearest first.
    pub fn lineage(&self, org: i64) -> Vec<i64> {
        let mut out = vec![org];
        let mut cur = self.org(org).parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.org(p).parent;
        }
        out
    }

    /// Whether `org` lies in the subtree rooted at `top` (inclusive).
    pub fn within(&self, org: i64, top: i64) -> bool {
        self.lineage(org).contains(&top)
    }

    pub fn subtree(&self, top: i64) -> Vec<i64> {
        self.orgs
            .iter()
            .map(|o| o.id)
            .filter(|o| self.within(*o, top))
            .collect()
    }

    /// The subtrees whose records an account reads (empty for the 三权 administrators).
    pub fn read_tops(&self, acc: &AccountRec) -> Vec<i64> {
        match acc.role {
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => vec![],
            Role::Assessor => acc.assigned.clone(),
            _ => vec![acc.scope],
        }
    }

    pub fn reads_org(&self, acc: &AccountRec, org: i64) -> bool {
        self.read_tops(acc).iter().any(|t| self.within(org, *t))
    }

    // ---- 达标创建 (the design's rules, issue 5) ----

    pub fn assessment(&self, id: i64) -> &AssessmentRec {
        self.assessments
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("no assessment {id}"))
    }

    /// Staff whose subtree holds the campaign's org (the city) run it.
    pub fn runs_campaign(&self, acc: &AccountRec) -> bool {
        acc.role == Role::Staff && self.within(self.root, acc.scope)
    }

    /// Staff of an org start campaigns over its subtree.
    pub fn creates_campaign(&self, acc: &AccountRec, org: i64) -> bool {
        acc.role == Role::Staff && self.within(org, acc.scope)
    }

    /// The campaign's page: whoever sees the city, or stands inside the campaign (its org is
    /// the root, so every records account).
    pub fn reads_campaign(&self, acc: &AccountRec) -> bool {
        !self.read_tops(acc).is_empty()
    }

    /// The union's chair, or staff of the union or of its affiliation parent.
    pub fn self_reviews(&self, acc: &AccountRec, org: i64) -> bool {
        match acc.role {
            Role::Chair => acc.scope == org,
            Role::Staff => acc.scope == org || self.org(org).parent == Some(acc.scope),
            _ => false,
        }
    }

    /// Staff strictly above the union (the campaign is the city's, reviewed by the upper
    /// unions).
    pub fn reviews(&self, acc: &AccountRec, org: i64) -> bool {
        acc.role == Role::Staff && acc.scope != org && self.within(org, acc.scope)
    }

    pub fn reads_assessment(&self, acc: &AccountRec, org: i64) -> bool {
        self.reads_org(acc, org) || self.reviews(acc, org)
    }

    pub fn writes_org(&self, acc: &AccountRec, org: i64) -> bool {
        matches!(acc.role, Role::Staff | Role::Chair) && self.within(org, acc.scope)
    }

    /// Whether the account may use the import pages: the roles that write records.
    pub fn imports(&self, acc: &AccountRec) -> bool {
        matches!(acc.role, Role::Staff | Role::Chair)
    }

    /// The region prefix of the uncovered-unit directory an account works on: staff and
    /// viewers of an area-level union (not a grassroots one), by the scope org's region.
    pub fn directory_prefix(&self, acc: &AccountRec) -> Option<String> {
        if !matches!(acc.role, Role::Staff | Role::Viewer) {
            return None;
        }
        let scope = self.org(acc.scope);
        if scope.grassroots {
            return None;
        }
        let r = scope.region.as_str();
        Some(if r.ends_with("0000") {
            r[..2].to_owned()
        } else if r.ends_with("00") {
            r[..4].to_owned()
        } else {
            r.to_owned()
        })
    }

    pub fn reads_unit(&self, acc: &AccountRec, unit: i64) -> bool {
        let u = self.unit(unit);
        match u.covering {
            Some(o) => self.reads_org(acc, o),
            None => self
                .directory_prefix(acc)
                .is_some_and(|p| u.region.starts_with(&p)),
        }
    }

    pub fn writes_unit(&self, acc: &AccountRec, unit: i64) -> bool {
        let u = self.unit(unit);
        match u.covering {
            Some(o) => self.writes_org(acc, o),
            None => {
                acc.role == Role::Staff
                    && self
                        .directory_prefix(acc)
                        .is_some_and(|p| u.region.starts_with(&p))
            }
        }
    }

    pub fn reads_member(&self, acc: &AccountRec, member: i64) -> bool {
        self.reads_org(acc, self.member(member).answering_org)
    }

    pub fn writes_member(&self, acc: &AccountRec, member: i64) -> bool {
        self.writes_org(acc, self.member(member).answering_org)
    }

    /// Where the account stands: its scope org, or an assessor's (first) assigned org.
    pub fn anchor(&self, acc: &AccountRec) -> i64 {
        if acc.role == Role::Assessor {
            acc.assigned[0]
        } else {
            acc.scope
        }
    }

    pub fn vantage(&self, acc: &AccountRec, org: i64) -> Vantage {
        let me = self.anchor(acc);
        if org == me {
            Vantage::Own
        } else if self.within(org, me) {
            Vantage::Descendant
        } else if self.within(me, org) {
            Vantage::Ancestor
        } else {
            Vantage::Sibling
        }
    }

    /// Names an account may meet anywhere: the records it reads, and the orgs above where it
    /// stands (people know whom they report to). Administrators pick scopes by name inside
    /// their own subtree, so they may meet those org names, and nothing else.
    pub fn allowed_names(&self, acc: &AccountRec) -> HashSet<String> {
        let mut ok = HashSet::new();
        let mut above: Vec<i64> = self.lineage(acc.scope);
        for t in self.read_tops(acc) {
            above.extend(self.lineage(t));
        }
        for o in above {
            ok.insert(self.org(o).name.clone());
        }
        if acc.role.is_admin() {
            for o in self.subtree(acc.scope) {
                ok.insert(self.org(o).name.clone());
            }
            return ok;
        }
        for o in &self.orgs {
            if self.reads_org(acc, o.id) {
                ok.insert(o.name.clone());
            }
        }
        for u in &self.units {
            if self.reads_unit(acc, u.id) {
                ok.insert(u.name.clone());
            }
        }
        for m in &self.members {
            if self.reads_member(acc, m.id) {
                ok.insert(m.name.clone());
            }
        }
        for o in &self.officers {
            if self.reads_org(acc, o.org) {
                ok.insert(o.name.clone());
            }
        }
        ok
    }

    pub fn all_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.orgs.iter().map(|o| o.name.clone()).collect();
        v.extend(self.units.iter().map(|u| u.name.clone()));
        v.extend(self.members.iter().map(|m| m.name.clone()));
        v.extend(self.officers.iter().map(|o| o.name.clone()));
        v
    }

    /// Every fixture name the account must never see, in any response.
    pub fn forbidden_names(&self, acc: &AccountRec) -> Vec<String> {
        let ok = self.allowed_names(acc);
        self.all_names()
            .into_iter()
            .filter(|n| !ok.contains(n))
            .collect()
    }

    /// Codes of records out of the account's scope (exact-code search must not find them).
    pub fn forbidden_codes(&self, acc: &AccountRec) -> Vec<String> {
        let mut v = Vec::new();
        for o in &self.orgs {
            if !self.reads_org(acc, o.id) {
                v.extend(o.uscc.clone());
            }
        }
        for u in &self.units {
            if !self.reads_unit(acc, u.id) {
                v.push(u.uscc.clone());
            }
        }
        for m in &self.members {
            if !self.reads_member(acc, m.id) {
                v.push(m.id_number.clone());
            }
        }
        v
    }

    /// (orgs, grassroots, covered units, employees in covered units, members) of a subtree,
    /// counted from the fixture itself.
    pub fn totals(&self, top: i64) -> (i64, i64, i64, i64, i64) {
        let sub: BTreeSet<i64> = self.subtree(top).into_iter().collect();
        let orgs = sub.len() as i64;
        let grassroots = sub.iter().filter(|o| self.org(**o).grassroots).count() as i64;
        let covered: Vec<&UnitRec> = self
            .units
            .iter()
            .filter(|u| u.covering.is_some_and(|o| sub.contains(&o)))
            .collect();
        let employees = covered.iter().map(|u| u.employees).sum();
        let members = self
            .members
            .iter()
            .filter(|m| m.org.is_some_and(|o| sub.contains(&o)))
            .count() as i64;
        (orgs, grassroots, covered.len() as i64, employees, members)
    }

    /// Leak detection works by substring: no fixture name may contain another.
    fn check_names_are_distinct(&self) {
        let names = self.all_names();
        for a in &names {
            for b in &names {
                assert!(
                    a == b || !a.contains(b.as_str()),
                    "fixture names must not contain each other: {a} ⊇ {b}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

pub struct App {
    pub router: Router,
    pub store: Store,
    pub engine: String,
}

impl App {
    pub fn new(engine: &str, store: &Store, config: SecurityConfig) -> App {
        let router = gonghui_web::router(gonghui_web::AppState::new(store.clone(), config));
        App {
            router,
            store: store.clone(),
            engine: engine.to_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().expect("ascii location").to_owned())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).unwrap_or(serde_json::Value::Null)
    }

    /// A short view of the body for failure messages.
    pub fn excerpt(&self) -> String {
        let t = self.text();
        let t = match t.find("<main>") {
            Some(i) => &t[i..],
            None => &t[..],
        };
        t.chars().take(300).collect::<String>().replace('\n', " ")
    }

    pub fn redirects_to(&self, prefix: &str) -> bool {
        self.status.is_redirection() && self.location().is_some_and(|l| l.starts_with(prefix))
    }
}

/// A signed-in browser: the session cookie's token and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub username: String,
    pub token: String,
    pub csrf: String,
}

/// How an unsafe request carries (or fails to carry) the CSRF token.
#[derive(Debug, Clone, Copy)]
pub enum Csrf<'a> {
    Session,
    Missing,
    Wrong(&'a str),
}

pub struct Call<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    pub session: Option<&'a Session>,
    pub form: Option<Vec<(String, String)>>,
    pub json: Option<serde_json::Value>,
    pub csrf: Csrf<'a>,
    pub headers: Vec<(&'a str, String)>,
    pub ip: Option<SocketAddr>,
}

impl<'a> Call<'a> {
    pub fn new(method: &'a str, uri: &'a str, session: Option<&'a Session>) -> Call<'a> {
        Call {
            method,
            uri,
            session,
            form: None,
            json: None,
            csrf: Csrf::Session,
            headers: vec![],
            ip: None,
        }
    }

    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        self.form = Some(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        self
    }

    pub fn json(mut self, v: serde_json::Value) -> Self {
        self.json = Some(v);
        self
    }

    pub fn csrf(mut self, c: Csrf<'a>) -> Self {
        self.csrf = c;
        self
    }

    pub fn header(mut self, k: &'a str, v: impl Into<String>) -> Self {
        self.headers.push((k, v.into()));
        self
    }

    pub fn ip(mut self, ip: SocketAddr) -> Self {
        self.ip = Some(ip);
        self
    }
}

impl App {
    pub async fn call(&self, c: Call<'_>) -> Resp {
        let unsafe_method = !matches!(c.method, "GET" | "HEAD" | "OPTIONS");
        let token = match (c.csrf, c.session) {
            (Csrf::Session, Some(s)) => Some(s.csrf.clone()),
            (Csrf::Wrong(t), _) => Some(t.to_owned()),
            _ => None,
        };
        let mut b = Request::builder().method(c.method).uri(c.uri);
        if let Some(s) = c.session {
            b = b.header(header::COOKIE, format!("gh_session={}", s.token));
        }
        for (k, v) in &c.headers {
            b = b.header(*k, v.as_str());
        }
        let body = if let Some(json) = c.json {
            b = b.header(header::CONTENT_TYPE, "application/json");
            if unsafe_method && let Some(t) = &token {
                b = b.header("x-csrf-token", t.as_str());
            }
            Body::from(json.to_string())
        } else if let Some(mut fields) = c.form {
            if unsafe_method && let Some(t) = &token {
                fields.push(("_csrf".into(), t.clone()));
            }
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(&fields).expect("form encodes"))
        } else if unsafe_method {
            // A bare button post: the form carries only the token.
            let fields: Vec<(String, String)> = token
                .iter()
                .map(|t| ("_csrf".to_owned(), t.clone()))
                .collect();
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(&fields).expect("form encodes"))
        } else {
            Body::empty()
        };
        let mut req = b.body(body).expect("request builds");
        if let Some(ip) = c.ip {
            req.extensions_mut().insert(axum::extract::ConnectInfo(ip));
        }
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router is infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            bytes,
        }
    }

    pub async fn get(&self, session: Option<&Session>, uri: &str) -> Resp {
        self.call(Call::new("GET", uri, session)).await
    }

    pub async fn post(
        &self,
        session: Option<&Session>,
        uri: &str,
        fields: &[(&str, &str)],
    ) -> Resp {
        self.call(Call::new("POST", uri, session).form(fields))
            .await
    }

    pub async fn send_json(
        &self,
        session: Option<&Session>,
        method: &str,
        uri: &str,
        json: serde_json::Value,
    ) -> Resp {
        self.call(Call::new(method, uri, session).json(json)).await
    }

    pub async fn login_attempt(
        &self,
        username: &str,
        password: &str,
        next: &str,
        ip: Option<SocketAddr>,
    ) -> Resp {
        let mut c = Call::new("POST", "/login", None).form(&[
            ("username", username),
            ("password", password),
            ("next", next),
        ]);
        c.ip = ip;
        self.call(c).await
    }

    /// Log in through the form, then read the CSRF token from a rendered page (and check it
    /// is the one the session holds).
    pub async fn login(&self, username: &str, password: &str) -> Session {
        let r = self.login_attempt(username, password, "/", None).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{}] login of {username} should redirect: {}",
            self.engine,
            r.excerpt()
        );
        let token = session_token(&r).unwrap_or_else(|| {
            panic!(
                "[{}] login of {username} set no session cookie",
                self.engine
            )
        });
        let mut s = Session {
            username: username.to_owned(),
            token,
            csrf: String::new(),
        };
        let page = self.get(Some(&s), "/account/password").await;
        s.csrf = csrf_of(&page.text()).unwrap_or_else(|| {
            panic!(
                "[{}] no CSRF token on /account/password for {username}",
                self.engine
            )
        });
        let row = self
            .store
            .session(&s.token, chrono::Duration::minutes(30))
            .await
            .expect("session lookup")
            .expect("live session");
        assert_eq!(
            row.csrf_token, s.csrf,
            "the page carries the session's own CSRF token"
        );
        s
    }

    pub async fn newest_denial(&self, actor: &str) -> Option<AuditEntry> {
        let f = AuditFilter {
            actor: Some(actor.to_owned()),
            action: Some("denied.".into()),
            failures_only: true,
            ..Default::default()
        };
        self.store
            .audit_entries(&f, 0, 1)
            .await
            .expect("audit entries")
            .into_iter()
            .next()
    }

    pub async fn audit_count(&self) -> i64 {
        gonghui_store::audit::count(&self.store)
            .await
            .expect("audit count")
    }

    pub async fn newest_entry(&self) -> AuditEntry {
        self.store
            .audit_entries(&AuditFilter::default(), 0, 1)
            .await
            .expect("audit entries")
            .into_iter()
            .next()
            .expect("an entry")
    }
}

/// The token of `gh_session=...` in a response's Set-Cookie.
pub fn session_token(r: &Resp) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let first = v.split(';').next()?.trim();
            let (k, val) = first.split_once('=')?;
            (k == "gh_session" && !val.is_empty()).then(|| val.to_owned())
        })
}

/// The token of the first `<input type="hidden" name="_csrf" value="...">`, checked against
/// the `hx-headers` on `<body>` when both are present.
pub fn csrf_of(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let from_input = html.find(marker).map(|i| {
        let rest = &html[i + marker.len()..];
        rest[..rest.find('"').expect("closing quote")].to_owned()
    });
    let hx = "\"X-CSRF-Token\": \"";
    let from_body = html.find(hx).map(|i| {
        let rest = &html[i + hx.len()..];
        rest[..rest.find('"').expect("closing quote")].to_owned()
    });
    if let (Some(a), Some(b)) = (&from_input, &from_body) {
        assert_eq!(a, b, "form token and htmx header token differ");
    }
    from_input.or(from_body)
}

/// A number shown as `<b>N</b><span>label</span>` (the totals tiles).
pub fn stat(html: &str, label: &str) -> Option<i64> {
    let end = html.find(&format!("</b><span>{label}</span>"))?;
    let start = html[..end].rfind("<b>")? + 3;
    html[start..end].trim().parse().ok()
}

/// The error shown beside a form field: the `<div class="error">` inside the `.field` that
/// holds the input named `name`.
pub fn field_error(html: &str, name: &str) -> Option<String> {
    let input = html.find(&format!("name=\"{name}\""))?;
    let field_start = html[..input].rfind("<div class=\"field")?;
    let field_end = html[input..]
        .find("<div class=\"field")
        .map(|i| input + i)
        .or_else(|| html[input..].find("</form>").map(|i| input + i))?;
    let block = &html[field_start..field_end];
    let marker = "<div class=\"error\" role=\"alert\">";
    let i = block.find(marker)? + marker.len();
    let j = block[i..].find("</div>")? + i;
    Some(block[i..j].to_owned())
}

/// Percent-encode a query value.
pub fn q(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).expect("encodes")[2..].to_owned()
}
