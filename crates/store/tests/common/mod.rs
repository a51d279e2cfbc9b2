//! Shared helpers of the storage integration tests: both engines, a hand-built fixture shaped
//! like the seeds' city (荆州), valid codes, and a snapshot of the data so a refused write can
//! be shown to have changed nothing.
//!
//! Every test runs on SQLite (a fresh file in a tempdir) and, when `GONGHUI_TEST_PG_URL` is
//! set, on PostgreSQL in a fresh schema. Under `CI=true` a missing PostgreSQL is a failure.
#![allow(dead_code)]

use std::fmt::Debug;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use gonghui_domain::{
    AreaKind, GrassrootsKind, IdNumber, JoinMethod, OrgKind, Ownership, RegionCode, Uscc,
    id_check_char, uscc_check_char,
};
use gonghui_store::{Actor, Error, MemberInput, OrgInput, Result, Store, UnitInput};
use sea_query::{Alias, Expr, Order, Query};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------------------------

/// The stores one test runs on. Holds the SQLite tempdir so the file outlives the test body.
pub struct Engines {
    dbs: Vec<(String, Store)>,
    _dirs: Vec<TempDir>,
}

impl Engines {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Store)> {
        self.dbs.iter().map(|(n, s)| (n.as_str(), s))
    }
}

static SCHEMA_SEQ: AtomicU32 = AtomicU32::new(0);

/// A PostgreSQL schema name unique to this test, process and call.
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
    format!("t_{clean}_{}_{n}", std::process::id())
}

/// Fresh, migrated stores for `test`: SQLite always, PostgreSQL when `GONGHUI_TEST_PG_URL` is
/// set. Under `CI=true` the PostgreSQL URL is required: a missing engine is a failure there,
/// never a silent skip.
pub async fn engines(test: &str) -> Engines {
    let mut dbs = Vec::new();
    let mut dirs = Vec::new();

    let dir = tempfile::tempdir().expect("tempdir for SQLite");
    let sqlite = Store::open_sqlite_dir(dir.path())
        .await
        .expect("open SQLite");
    sqlite.migrate().await.expect("migrate SQLite");
    dbs.push(("sqlite".to_owned(), sqlite));
    dirs.push(dir);

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
                    "CI=true but GONGHUI_TEST_PG_URL is not set: the storage tests must run on \
                     PostgreSQL too in CI. Start one with `eval \"$(scripts/pg-start)\"`."
                );
            }
        }
    }
    Engines { dbs, _dirs: dirs }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

pub fn sys() -> Actor {
    Actor::system()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The date the fixture's affiliations start.
pub fn founded() -> NaiveDate {
    date(2020, 1, 1)
}

fn uscc_from(first17: String) -> Uscc {
    let check = uscc_check_char(&first17).expect("17 USCC characters");
    Uscc::parse(&format!("{first17}{check}")).expect("valid USCC")
}

/// A union's own code: 81 (工会/基层工会) + region + a made-up organization code.
pub fn union_uscc(region: &str, n: u32) -> Uscc {
    uscc_from(format!("81{region}MC{n:07}"))
}

/// An enterprise's code: 91 (市场监管/企业).
pub fn enterprise_uscc(region: &str, n: u32) -> Uscc {
    uscc_from(format!("91{region}MA{n:07}"))
}

/// A valid ID number from region, birth date (YYYYMMDD) and a 3-digit sequence.
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
        founded_on: Some(founded()),
        uscc,
        legal_person_cert: None,
        independent_account: false,
        address: None,
        contact_person: None,
        contact_phone: None,
    }
}

pub fn grassroots(kind: GrassrootsKind, name: &str, region: &str) -> OrgInput {
    org_input(OrgKind::Grassroots, Some(kind.code()), name, region, None)
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

pub fn member_input(name: &str, id: IdNumber, join_date: NaiveDate) -> MemberInput {
    MemberInput {
        name: name.to_owned(),
        id_number: id,
        phone: None,
        ethnicity: None,
        education: None,
        migrant_worker: false,
        dispatched_worker: false,
        new_employment_group: None,
        join_date,
        join_method: JoinMethod::Individual,
    }
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

/// A small city built by hand:
///
/// ```text
/// 荆州市总工会 (421000, root)
/// ├─ 石首市总工会 (421081)
/// │  ├─ 石首市新厂镇工会 (township)
/// │  │  ├─ 石首市楚源纺织有限公司工会 (enterprise) covers A(120)      members 3
/// │  │  └─ 新厂镇小微企业联合工会 (joint)         covers B(15), C(8)  members 2
/// │  └─ 石首市餐饮行业工会联合会 (sector; member union: the enterprise union above)
/// ├─ 江陵县总工会 (421024)
/// │  └─ 江陵县荆江农业有限公司工会 (enterprise) covers G(40)          members 1
/// └─ 荆州市建设工会 (industrial; guides the sector federation)
///    └─ 荆州市城建集团有限公司工会 (enterprise) covers D(300)         members 1
/// uncovered units: E(50, 421081), F(30, 421024)
/// ```
#[derive(Debug, Clone)]
pub struct Fixture {
    pub root: i64,
    pub shishou: i64,
    pub jiangling: i64,
    pub township: i64,
    pub enterprise: i64,
    pub joint: i64,
    pub sector: i64,
    pub jl_union: i64,
    pub industrial: i64,
    pub construction: i64,
    pub unit_a: i64,
    pub unit_b: i64,
    pub unit_c: i64,
    pub unit_d: i64,
    pub unit_g: i64,
    pub unit_e: i64,
    pub unit_f: i64,
    pub ent_members: Vec<i64>,
    pub joint_members: Vec<i64>,
    pub construction_member: i64,
    pub jl_member: i64,
    /// Successful audited writes made by the builder.
    pub writes: i64,
}

pub const ROOT_NAME: &str = "荆州市总工会";
pub const SHISHOU_NAME: &str = "石首市总工会";
pub const ENTERPRISE_NAME: &str = "石首市楚源纺织有限公司工会";
/// The well-known example number of GB 11643 (born 1949-12-31); the construction member's.
pub const EXAMPLE_ID: &str = "11010519491231002X";

pub fn join_date() -> NaiveDate {
    date(2021, 3, 1)
}

pub async fn build_fixture(store: &Store) -> Fixture {
    let a = sys();
    let from = Some(founded());
    let mut writes = 0;
    macro_rules! ok {
        ($e:expr) => {{
            let v = $e
                .await
                .unwrap_or_else(|e| panic!("fixture: {} failed: {e:?}", stringify!($e)));
            writes += 1;
            v
        }};
    }

    let root = ok!(store.create_root(
        &a,
        org_input(
            OrgKind::CityFederation,
            None,
            ROOT_NAME,
            "421000",
            Some(union_uscc("421000", 1))
        )
    ));
    let shishou = ok!(store.create_org(
        &a,
        root,
        org_input(
            OrgKind::CountyFederation,
            None,
            SHISHOU_NAME,
            "421081",
            Some(union_uscc("421081", 2))
        ),
        from
    ));
    let jiangling = ok!(store.create_org(
        &a,
        root,
        org_input(
            OrgKind::CountyFederation,
            None,
            "江陵县总工会",
            "421024",
            Some(union_uscc("421024", 3))
        ),
        from
    ));
    let township = ok!(store.create_org(
        &a,
        shishou,
        org_input(
            OrgKind::AreaFederation,
            Some(AreaKind::Township.code()),
            "石首市新厂镇工会",
            "421081",
            None
        ),
        from
    ));
    let mut ent_input = grassroots(GrassrootsKind::Enterprise, ENTERPRISE_NAME, "421081");
    ent_input.uscc = Some(union_uscc("421081", 4));
    let enterprise = ok!(store.create_org(&a, township, ent_input, from));
    let joint = ok!(store.create_org(
        &a,
        township,
        grassroots(GrassrootsKind::Joint, "新厂镇小微企业联合工会", "421081"),
        from
    ));
    let sector = ok!(store.create_org(
        &a,
        shishou,
        org_input(
            OrgKind::SectorFederation,
            None,
            "石首市餐饮行业工会联合会",
            "421081",
            None
        ),
        from
    ));
    let jl_union = ok!(store.create_org(
        &a,
        jiangling,
        grassroots(
            GrassrootsKind::Enterprise,
            "江陵县荆江农业有限公司工会",
            "421024"
        ),
        from
    ));
    let industrial = ok!(store.create_org(
        &a,
        root,
        org_input(
            OrgKind::IndustrialUnion,
            None,
            "荆州市建设工会",
            "421000",
            None
        ),
        from
    ));
    let construction = ok!(store.create_org(
        &a,
        industrial,
        grassroots(
            GrassrootsKind::Enterprise,
            "荆州市城建集团有限公司工会",
            "421000"
        ),
        from
    ));

    let unit_a = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421081", 101),
            "石首市楚源纺织有限公司",
            "421081",
            120,
            70
        ),
        Some(enterprise)
    ));
    let unit_b = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421081", 102),
            "新厂镇汇丰餐馆",
            "421081",
            15,
            9
        ),
        Some(joint)
    ));
    let unit_c = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421081", 103),
            "新厂镇便民超市",
            "421081",
            8,
            5
        ),
        Some(joint)
    ));
    let unit_d = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421002", 104),
            "荆州市城建集团有限公司",
            "421002",
            300,
            40
        ),
        Some(construction)
    ));
    let unit_g = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421024", 105),
            "江陵县荆江农业有限公司",
            "421024",
            40,
            12
        ),
        Some(jl_union)
    ));
    let unit_e = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421081", 106),
            "石首市新兴电子有限公司",
            "421081",
            50,
            20
        ),
        None
    ));
    let unit_f = ok!(store.create_unit(
        &a,
        unit_input(
            enterprise_uscc("421024", 107),
            "江陵县郝穴食品厂",
            "421024",
            30,
            18
        ),
        None
    ));

    let mut ent_members = Vec::new();
    for (i, name) in ["张伟", "李娜", "王芳"].iter().enumerate() {
        let id = id_number("421081", &format!("1985031{i}"), 11 + i as u32);
        ent_members.push(ok!(store.create_member(
            &a,
            enterprise,
            member_input(name, id, join_date())
        )));
    }
    let mut joint_members = Vec::new();
    for (i, name) in ["刘洋", "陈静"].iter().enumerate() {
        let id = id_number("421081", &format!("1990061{i}"), 21 + i as u32);
        joint_members.push(ok!(store.create_member(
            &a,
            joint,
            member_input(name, id, join_date())
        )));
    }
    let construction_member = ok!(store.create_member(
        &a,
        construction,
        member_input("赵敏", IdNumber::parse(EXAMPLE_ID).unwrap(), join_date())
    ));
    let jl_member = ok!(store.create_member(
        &a,
        jl_union,
        member_input("孙强", id_number("421024", "19780515", 31), join_date())
    ));

    ok!(store.add_sector_member(&a, sector, enterprise, Some(date(2022, 1, 1))));
    ok!(store.add_guidance(&a, industrial, sector, Some(date(2022, 1, 1))));

    Fixture {
        root,
        shishou,
        jiangling,
        township,
        enterprise,
        joint,
        sector,
        jl_union,
        industrial,
        construction,
        unit_a,
        unit_b,
        unit_c,
        unit_d,
        unit_g,
        unit_e,
        unit_f,
        ent_members,
        joint_members,
        construction_member,
        jl_member,
        writes,
    }
}

/// Engines with the fixture built on each; checks the builder's audit count on the way.
pub async fn fixtures(test: &str) -> (Engines, Vec<Fixture>) {
    let engines = engines(test).await;
    let mut fixtures = Vec::new();
    for (eng, store) in engines.iter() {
        let f = build_fixture(store).await;
        assert_eq!(
            audit_count(store).await,
            f.writes,
            "{eng}: one audit record per fixture write"
        );
        fixtures.push(f);
    }
    (engines, fixtures)
}

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

pub async fn audit_count(store: &Store) -> i64 {
    gonghui_store::audit::count(store)
        .await
        .expect("audit count")
}

/// (orgs, grassroots, covered units, employees in covered units, members) of an org's subtree.
pub async fn totals(store: &Store, id: i64) -> (i64, i64, i64, i64, i64) {
    let org = store.org(id).await.expect("org");
    let t = store.subtree_totals(&org).await.expect("subtree totals");
    (
        t.orgs,
        t.grassroots,
        t.covered_units,
        t.employees_in_covered_units,
        t.members,
    )
}

pub async fn table_count(store: &Store, table: &str) -> i64 {
    let mut tx = store.begin().await.expect("begin");
    tx.scalar(
        &Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(table))
            .to_owned(),
    )
    .await
    .expect("count")
}

pub const TABLES: [&str; 11] = [
    "orgs",
    "org_affiliations",
    "org_guidance",
    "sector_memberships",
    "committees",
    "officers",
    "units",
    "unit_coverages",
    "members",
    "memberships",
    "audit_log",
];

type OrgRow = (i64, String, Option<i64>, i64, String, String);
type UnitRow = (i64, String, Option<i64>, i64, i64);
type MemberRow = (i64, String, Option<i64>, String, NaiveDate);
type PeriodRow = (i64, i64, NaiveDate, Option<NaiveDate>);

/// Everything a refused write could have touched: every table's row count, and the columns
/// of orgs, units, members and the history tables that the services write.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub counts: Vec<(&'static str, i64)>,
    pub orgs: Vec<OrgRow>,
    pub units: Vec<UnitRow>,
    pub members: Vec<MemberRow>,
    pub affiliations: Vec<PeriodRow>,
    pub coverages: Vec<PeriodRow>,
    pub memberships: Vec<PeriodRow>,
}

pub async fn snapshot(store: &Store) -> Snapshot {
    let mut counts = Vec::new();
    for t in TABLES {
        counts.push((t, table_count(store, t).await));
    }
    let mut tx = store.begin().await.expect("begin");
    let orgs: Vec<OrgRow> = tx
        .all(
            &Query::select()
                .columns(["id", "path", "parent_id", "depth", "status", "name"])
                .from(Alias::new("orgs"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("orgs");
    let units: Vec<UnitRow> = tx
        .all(
            &Query::select()
                .columns([
                    "id",
                    "name",
                    "covering_org_id",
                    "employees",
                    "women_employees",
                ])
                .from(Alias::new("units"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("units");
    let members: Vec<MemberRow> = tx
        .all(
            &Query::select()
                .columns(["id", "name", "org_id", "status", "join_date"])
                .from(Alias::new("members"))
                .order_by("id", Order::Asc)
                .to_owned(),
        )
        .await
        .expect("members");
    // History rows as (owner, other side, from, to) in insertion order.
    let periods = |table: &'static str, owner: &'static str, other: &'static str| {
        Query::select()
            .columns([owner, other, "valid_from", "valid_to"])
            .from(Alias::new(table))
            .order_by("id", Order::Asc)
            .to_owned()
    };
    let affiliations: Vec<PeriodRow> = tx
        .all(&periods("org_affiliations", "org_id", "parent_id"))
        .await
        .expect("affiliations");
    let coverages: Vec<PeriodRow> = tx
        .all(&periods("unit_coverages", "unit_id", "org_id"))
        .await
        .expect("coverages");
    let memberships: Vec<PeriodRow> = tx
        .all(&periods("memberships", "member_id", "org_id"))
        .await
        .expect("memberships");
    Snapshot {
        counts,
        orgs,
        units,
        members,
        affiliations,
        coverages,
        memberships,
    }
}

/// Asserts that `what` (a refused write) left every table exactly as `before`.
pub async fn assert_unchanged(eng: &str, store: &Store, before: &Snapshot, what: &str) {
    let after = snapshot(store).await;
    assert_eq!(
        before.counts, after.counts,
        "{eng}: {what} changed row counts (audit included)"
    );
    assert_eq!(
        before, &after,
        "{eng}: {what} changed data although it was refused"
    );
}

// ---------------------------------------------------------------------------------------------
// Expected errors
// ---------------------------------------------------------------------------------------------

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Asserts `r` is `Error::Invalid` on `field` with a Chinese message containing `needle`;
/// returns the message.
#[track_caller]
pub fn expect_invalid<T: Debug>(
    eng: &str,
    r: Result<T>,
    field: Option<&str>,
    needle: &str,
) -> String {
    match r {
        Err(Error::Invalid { field: f, message }) => {
            assert_eq!(f, field, "{eng}: wrong field for refusal “{message}”");
            assert!(
                message.contains(needle),
                "{eng}: message “{message}” should mention “{needle}”"
            );
            assert!(
                is_chinese(&message),
                "{eng}: message “{message}” should be Chinese"
            );
            message
        }
        other => panic!(
            "{eng}: expected Error::Invalid on {field:?} mentioning “{needle}”, got {other:?}"
        ),
    }
}

#[track_caller]
pub fn expect_conflict<T: Debug>(eng: &str, r: Result<T>, needle: &str) -> String {
    match r {
        Err(Error::Conflict(message)) => {
            assert!(
                message.contains(needle),
                "{eng}: conflict “{message}” should mention “{needle}”"
            );
            message
        }
        // The holding union is named by the web layer only to those who may see it.
        Err(e @ Error::HeldElsewhere { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains(needle),
                "{eng}: conflict “{message}” should mention “{needle}”"
            );
            message
        }
        other => panic!("{eng}: expected Error::Conflict mentioning “{needle}”, got {other:?}"),
    }
}
