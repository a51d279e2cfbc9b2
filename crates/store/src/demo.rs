//! 演示数据: a deterministic synthetic city shaped like seed 000's 荆州 (DESIGN.md "Demo data").
//!
//! The root 荆州市总工会; one county federation per real county-level unit of 4210 with its real
//! townships and streets; the 开发区 with its streets; six 市直产业工会; sector federations from
//! seed 000's list with guidance edges and member unions; grassroots unions of the five kinds
//! covering units from a directory where most small private firms have no union yet; members
//! with valid ID numbers; officers, 三委会, and a little history (moved townships and unions, a
//! 撤销 union, membership transfers).
//!
//! Names are synthetic; every code passes the domain validators. The same scale, seed and date
//! give the same data. Rows are planned in memory ([`plan`]) and written with multi-row INSERTs
//! ([`write`]) in one transaction, so a failure leaves the database empty.

pub mod bulk;
mod campaigns;
mod honors;
mod instruments;
mod names;
mod plan;
mod sectors;
mod stats;
mod terms;
mod write;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gonghui_domain::OrgKind;
use sea_query::{Expr, Query};
use serde::Serialize;

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::{Error, Result, Store};

/// How big a city to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// ≈ 120 grassroots unions, 1,500 units, 8,000 members: browser tests and demos.
    Small,
    /// ≈ 3,000 grassroots unions, 30,000 units, 300,000 members: a real city.
    City,
    /// Explicit sizes (benchmarks): `units` is the whole directory, covered or not.
    Custom {
        grassroots: usize,
        units: usize,
        members: usize,
    },
}

impl Scale {
    /// `small` or `city` (as the command line spells them).
    pub fn parse(s: &str) -> Option<Scale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Some(Scale::Small),
            "city" => Some(Scale::City),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::City => "city",
            Scale::Custom { .. } => "custom",
        }
    }

    /// Target sizes, checked: the directory must hold at least one unit per grassroots union
    /// and two per joint union.
    fn sizes(self) -> Result<plan::Sizes> {
        let sizes = match self {
            Scale::Small => plan::Sizes {
                grassroots: 120,
                units: 1_500,
                members: 8_000,
            },
            Scale::City => plan::Sizes {
                grassroots: 3_000,
                units: 30_000,
                members: 300_000,
            },
            Scale::Custom {
                grassroots,
                units,
                members,
            } => plan::Sizes {
                grassroots,
                units,
                members,
            },
        };
        if sizes.grassroots < 20 {
            return Err(Error::rule("演示数据至少需要20个基层工会"));
        }
        let joint = (sizes.grassroots as f64 * 0.10).round() as usize;
        let least = sizes.grassroots + 1 + joint;
        if sizes.units < least {
            return Err(Error::rule(format!(
                "{}个基层工会至少需要{}个单位（每个工会覆盖一个单位，联合基层工会至少两个）",
                sizes.grassroots, least
            )));
        }
        Ok(sizes)
    }
}

/// What was generated. Counts follow `Store::subtree_totals` at the root: active orgs and
/// grassroots unions (the one 撤销 union is not counted), covered units, members.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub orgs: usize,
    pub grassroots: usize,
    /// Units in the directory, covered or not (including the closed one).
    pub units: usize,
    pub covered_units: usize,
    pub members: usize,
    pub elapsed: Duration,
}

/// Fill an EMPTY (migrated) database with the demo city as of today. Refuses with
/// [`Error::rule`] if it already holds orgs, units or members.
pub async fn generate(store: &Store, scale: Scale, seed: u64) -> Result<DemoSummary> {
    generate_as_of(store, scale, seed, chrono::Local::now().date_naive()).await
}

/// [`generate`] as of a given date: terms, join dates and history are placed relative to it,
/// so the same (scale, seed, date) always gives the same rows.
pub async fn generate_as_of(
    store: &Store,
    scale: Scale,
    seed: u64,
    as_of: NaiveDate,
) -> Result<DemoSummary> {
    let started = Instant::now();
    let sizes = scale.sizes()?;
    {
        let mut tx = store.begin().await?;
        ensure_empty(&mut tx).await?;
    }
    // Planning is pure CPU work (about a second at city scale): keep it off the async workers.
    let plan = match tokio::task::spawn_blocking(move || plan::plan(sizes, seed, as_of)).await {
        Ok(plan) => plan,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => return Err(Error::rule("演示数据生成被中断")),
    };
    let planned = started.elapsed();

    let mut tx = store.begin().await?;
    ensure_empty(&mut tx).await?;
    write::write(&mut tx, &plan).await?;
    sectors::fill(&mut tx, as_of).await?;
    terms::fill(&mut tx, as_of).await?;
    instruments::fill(&mut tx, as_of).await?;
    honors::fill(&mut tx, as_of).await?;
    stats::fill(&mut tx, as_of).await?;
    campaigns::fill(&mut tx, as_of).await?;
    let mut summary = summarize(&plan);
    #[derive(Serialize)]
    struct Entry<'a> {
        scale: &'static str,
        seed: u64,
        as_of: NaiveDate,
        summary: &'a DemoSummary,
    }
    summary.elapsed = started.elapsed();
    let entry = Entry {
        scale: scale.name(),
        seed,
        as_of,
        summary: &summary,
    };
    audit::record::<(), _>(
        &mut tx,
        &Actor::system(),
        "demo.generate",
        Target::new("demo", None, None),
        None,
        Some(&entry),
    )
    .await?;
    tx.commit().await?;
    summary.elapsed = started.elapsed();
    tracing::info!(
        scale = scale.name(),
        seed,
        orgs = summary.orgs,
        grassroots = summary.grassroots,
        units = summary.units,
        covered_units = summary.covered_units,
        members = summary.members,
        planned_ms = planned.as_millis() as u64,
        elapsed_ms = summary.elapsed.as_millis() as u64,
        "demo data generated"
    );
    Ok(summary)
}

async fn ensure_empty(tx: &mut Tx) -> Result<()> {
    let q = Query::select()
        .expr(Expr::cust("(SELECT COUNT(*) FROM orgs) + (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM members)"))
        .to_owned();
    if tx.scalar(&q).await? > 0 {
        return Err(Error::rule(
            "数据库中已有工会组织、单位或会员，演示数据只能生成到一个新建的空数据库中",
        ));
    }
    Ok(())
}

fn summarize(plan: &plan::Plan) -> DemoSummary {
    let active = plan.orgs.iter().filter(|o| o.closed_on.is_none());
    DemoSummary {
        orgs: active.clone().count(),
        grassroots: active.filter(|o| o.kind == OrgKind::Grassroots).count(),
        units: plan.units.len(),
        covered_units: plan
            .units
            .iter()
            .filter(|u| u.covering_org_id.is_some() && !u.closed)
            .count(),
        members: plan.members.len(),
        elapsed: Duration::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gonghui_domain::{IdNumber, Uscc};
    use tempfile::TempDir;

    async fn fresh() -> (TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_sqlite_dir(dir.path()).await.expect("open");
        store.migrate().await.expect("migrate");
        (dir, store)
    }

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    async fn strings(store: &Store, sql: &str) -> Vec<String> {
        let mut tx = store.begin().await.unwrap();
        let rows: Vec<(String,)> = tx
            .all(&Query::select().expr(Expr::cust(sql.to_owned())).to_owned())
            .await
            .unwrap();
        rows.into_iter().map(|r| r.0).collect()
    }

    async fn number(store: &Store, sql: &str) -> i64 {
        let mut tx = store.begin().await.unwrap();
        tx.scalar(&Query::select().expr(Expr::cust(sql.to_owned())).to_owned())
            .await
            .unwrap()
    }

    /// Checks that hold for any generated database, on either engine.
    async fn check_invariants(store: &Store, summary: &DemoSummary) {
        let root = store.root().await.unwrap().expect("root");
        assert_eq!(root.name, "荆州市总工会");
        let totals = store.subtree_totals(&root).await.unwrap();
        assert_eq!(totals.orgs as usize, summary.orgs);
        assert_eq!(totals.grassroots as usize, summary.grassroots);
        assert_eq!(totals.covered_units as usize, summary.covered_units);
        assert_eq!(totals.members as usize, summary.members);
        assert_eq!(
            number(store, "(SELECT COUNT(*) FROM units)").await as usize,
            summary.units
        );

        for id in strings(store, "id_number FROM members").await {
            IdNumber::parse(&id).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        for code in strings(store, "uscc FROM units").await {
            let u = Uscc::parse(&code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(!u.is_union(), "{code}");
        }
        for code in strings(store, "uscc FROM orgs WHERE uscc IS NOT NULL").await {
            assert!(Uscc::parse(&code).unwrap().is_union(), "{code}");
        }
        let over = number(
            store,
            "COUNT(*) FROM (SELECT o.id FROM orgs o JOIN units u ON u.covering_org_id = o.id \
             WHERE o.sub_kind <> 'joint' GROUP BY o.id HAVING COUNT(*) > 1) t",
        )
        .await;
        assert_eq!(over, 0, "non-joint unions covering several units");
        // Exactly one open affiliation per active non-root org, none for the root.
        let bad = number(
            store,
            "COUNT(*) FROM orgs o WHERE o.status = 'active' AND o.parent_id IS NOT NULL AND \
             (SELECT COUNT(*) FROM org_affiliations a WHERE a.org_id = o.id AND a.valid_to IS NULL \
              AND a.parent_id = o.parent_id) <> 1",
        )
        .await;
        assert_eq!(bad, 0, "orgs without their one open affiliation");
        let paths = number(
            store,
            "COUNT(*) FROM orgs c JOIN orgs p ON p.id = c.parent_id WHERE c.path <> p.path || CAST(c.id AS TEXT) || '/' \
             OR c.depth <> p.depth + 1",
        )
        .await;
        assert_eq!(paths, 0, "paths or depths not derived from the parent");
        let open = number(store, "COUNT(*) FROM members m WHERE (SELECT COUNT(*) FROM memberships s WHERE s.member_id = m.id AND s.valid_to IS NULL AND s.org_id = m.org_id) <> 1").await;
        assert_eq!(open, 0, "members without their one open membership");
        let coverage = number(store, "COUNT(*) FROM units u WHERE u.covering_org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM unit_coverages c WHERE c.unit_id = u.id AND c.valid_to IS NULL AND c.org_id = u.covering_org_id)").await;
        assert_eq!(coverage, 0, "covered units without an open coverage row");
        // History for the history pages.
        assert!(
            number(
                store,
                "COUNT(*) FROM org_affiliations WHERE valid_to IS NOT NULL AND reason IS NULL"
            )
            .await
                >= 3
        );
        assert_eq!(
            number(store, "COUNT(*) FROM orgs WHERE status = 'closed'").await,
            1
        );
        assert!(
            number(
                store,
                "COUNT(*) FROM memberships WHERE valid_to IS NOT NULL"
            )
            .await
                >= 20
        );
        assert!(number(store, "COUNT(*) FROM org_guidance").await >= 4);
        assert!(number(store, "COUNT(*) FROM sector_memberships").await >= 15);
        assert_eq!(
            number(
                store,
                "COUNT(*) FROM audit_log WHERE action = 'demo.generate'"
            )
            .await,
            1
        );

        // The application carries on from the generated ids (PostgreSQL sequences were moved).
        let actor = Actor::system();
        let input = crate::OrgInput {
            kind: OrgKind::Grassroots,
            sub_kind: Some("enterprise".into()),
            name: "演示后新建的企业工会".into(),
            short_name: None,
            region: None,
            industry: None,
            founded_on: None,
            uscc: None,
            legal_person_cert: None,
            independent_account: false,
            address: None,
            contact_person: None,
            contact_phone: None,
        };
        let id = store
            .create_org(&actor, root.id, input, None)
            .await
            .unwrap();
        assert_eq!(
            id as usize,
            number(store, "MAX(id) FROM orgs").await as usize
        );
    }

    #[tokio::test]
    async fn small_city_on_sqlite() {
        let (_dir, store) = fresh().await;
        let summary = generate_as_of(&store, Scale::Small, 42, as_of())
            .await
            .unwrap();
        println!("small scale: {summary:?}");
        assert_eq!(summary.grassroots, 120);
        assert_eq!(summary.units, 1_500);
        assert_eq!(summary.members, 8_000);
        assert!(summary.covered_units > 120 && summary.covered_units < summary.units);
        check_invariants(&store, &summary).await;

        let names = strings(&store, "name FROM orgs").await;
        for expected in [
            "石首市总工会",
            "江陵县总工会",
            "沙市区总工会",
            "荆州经济技术开发区工会",
            "荆州市建设工会",
            "笔架山街道工会",
            "石首市纺织印染行业工会联合会",
        ] {
            assert!(names.iter().any(|n| n == expected), "missing {expected}");
        }

        let again = generate_as_of(&store, Scale::Small, 42, as_of())
            .await
            .unwrap_err();
        assert!(
            matches!(again, Error::Invalid { field: None, .. }),
            "{again:?}"
        );
    }

    #[tokio::test]
    async fn same_seed_same_city() {
        let (_a_dir, a) = fresh().await;
        let (_b_dir, b) = fresh().await;
        let sa = generate_as_of(&a, Scale::Small, 7, as_of()).await.unwrap();
        let sb = generate_as_of(&b, Scale::Small, 7, as_of()).await.unwrap();
        assert_eq!(
            (sa.orgs, sa.grassroots, sa.covered_units),
            (sb.orgs, sb.grassroots, sb.covered_units)
        );
        for sql in [
            "name || '|' || path FROM orgs ORDER BY id",
            "uscc || name || employees || COALESCE(covering_org_id, 0) FROM units ORDER BY id",
            "id_number || name || org_id || join_date FROM members ORDER BY id",
            "name || role || term_end FROM officers ORDER BY id",
            "org_id || valid_from || COALESCE(valid_to, '') FROM memberships ORDER BY id",
        ] {
            assert_eq!(strings(&a, sql).await, strings(&b, sql).await, "{sql}");
        }
        let (_c_dir, c) = fresh().await;
        generate_as_of(&c, Scale::Small, 8, as_of()).await.unwrap();
        let sql = "id_number FROM members ORDER BY id";
        assert_ne!(strings(&a, sql).await, strings(&c, sql).await);
    }

    #[tokio::test]
    async fn refuses_a_database_in_use() {
        let (_dir, store) = fresh().await;
        store.execute_raw("INSERT INTO orgs (kind, name, name_pinyin, name_initials, path, depth, created_at, updated_at) VALUES ('city_federation', '荆州市总工会', 'x', 'x', '/1/', 0, '2026-01-01', '2026-01-01')").await.unwrap();
        let err = generate(&store, Scale::Small, 1).await.unwrap_err();
        assert!(err.to_string().contains("空数据库"), "{err}");
        assert!(
            Scale::Custom {
                grassroots: 100,
                units: 50,
                members: 10
            }
            .sizes()
            .is_err()
        );
        assert_eq!(Scale::parse(" City "), Some(Scale::City));
        assert_eq!(Scale::parse("huge"), None);
    }

    /// Runs when `GONGHUI_TEST_PG_URL` points at a PostgreSQL server (scripts/test sets it).
    #[tokio::test]
    async fn small_city_on_postgres() {
        let Ok(url) = std::env::var("GONGHUI_TEST_PG_URL") else {
            eprintln!("GONGHUI_TEST_PG_URL not set: demo generation not tried on PostgreSQL");
            return;
        };
        let schema = format!("t_demo_small_{}", std::process::id());
        let store = Store::open_postgres(&url, Some(&schema)).await.unwrap();
        store.migrate().await.unwrap();
        let summary = generate_as_of(&store, Scale::Small, 42, as_of())
            .await
            .unwrap();
        println!("small scale on PostgreSQL: {summary:?}");
        check_invariants(&store, &summary).await;
        store.close().await;
    }

    /// `cargo test --release -p gonghui-store --lib demo -- --ignored --nocapture`
    #[tokio::test]
    #[ignore = "city scale takes seconds in release and minutes in debug"]
    async fn city_scale_timing() {
        let (_dir, store) = fresh().await;
        let summary = generate(&store, Scale::City, 2026).await.unwrap();
        println!("city scale on SQLite: {summary:?}");
        let root = store.root().await.unwrap().unwrap();
        let totals = store.subtree_totals(&root).await.unwrap();
        assert_eq!(totals.members as usize, summary.members);
        if let Ok(url) = std::env::var("GONGHUI_TEST_PG_URL") {
            let schema = format!("t_demo_city_{}", std::process::id());
            let pg = Store::open_postgres(&url, Some(&schema)).await.unwrap();
            pg.migrate().await.unwrap();
            let summary = generate(&pg, Scale::City, 2026).await.unwrap();
            println!("city scale on PostgreSQL: {summary:?}");
        }
    }
}

/// The password of every demo account (printed by `gonghui demo` and listed in the README).
pub const DEMO_PASSWORD: &str = "Gonghui@2026";

/// One demo account, as the README lists it.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: &'static str,
    pub role: gonghui_domain::Role,
    pub scope: String,
}

/// Create one account per role at different levels of the demo city: the three administrators
/// and city staff at the 市总, staff of 石首市总工会, a viewer at one of its townships, the chair
/// of a grassroots union there, and an assessor assigned two unions in 江陵县. Demo accounts
/// skip the forced first-login password change; no other account can.
pub async fn create_demo_accounts(store: &Store) -> Result<Vec<DemoAccount>> {
    use gonghui_domain::Role;
    let root = store
        .root()
        .await?
        .ok_or_else(|| Error::rule("演示数据中没有市总工会"))?;
    let find = |name: &'static str| async move {
        let r = store
            .search(name, crate::SearchScope::ORGS, &crate::Visibility::All, 5)
            .await?;
        r.orgs
            .into_iter()
            .find(|o| o.name == name)
            .ok_or_else(|| Error::rule(format!("演示数据中没有{name}")))
    };
    let shishou = find("石首市总工会").await?;
    let jiangling = find("江陵县总工会").await?;
    // The first township of 石首 that has grassroots unions, and its union with most members.
    let mut township = None;
    for c in store.children(shishou.id, false, 0, 500).await? {
        if c.kind == OrgKind::AreaFederation && c.child_count > 0 {
            township = Some(store.org(c.id).await?);
            break;
        }
    }
    let township = township.ok_or_else(|| Error::rule("石首市没有带基层工会的乡镇"))?;
    let mut unions: Vec<_> = store
        .children(township.id, false, 0, 500)
        .await?
        .into_iter()
        .filter(|c| c.is_grassroots())
        .collect();
    unions.sort_by_key(|c| std::cmp::Reverse(c.member_count));
    let chair_org = store
        .org(
            unions
                .first()
                .ok_or_else(|| Error::rule("乡镇下没有基层工会"))?
                .id,
        )
        .await?;
    let mut assessed = vec![];
    let mut queue = vec![jiangling.id];
    while let Some(id) = queue.pop() {
        for c in store.children(id, false, 0, 500).await? {
            if c.is_grassroots() {
                assessed.push(c.id);
            } else {
                queue.push(c.id);
            }
        }
        if assessed.len() >= 2 {
            break;
        }
    }
    let plan: [(&'static str, &str, Role, &crate::Org); 8] = [
        ("admin", "系统管理员", Role::SystemAdmin, &root),
        ("security", "安全管理员", Role::SecurityAdmin, &root),
        ("auditor", "审计管理员", Role::AuditAdmin, &root),
        ("city", "市总组织部", Role::Staff, &root),
        ("shishou", "石首市总工会组织部", Role::Staff, &shishou),
        ("township", "乡镇工会干事", Role::Viewer, &township),
        ("chair", "基层工会主席", Role::Chair, &chair_org),
        ("assessor", "第三方考核人员", Role::Assessor, &root),
    ];
    let actor = Actor::system();
    let mut out = vec![];
    for (username, display, role, org) in plan {
        let id = store
            .create_account(
                &actor,
                crate::NewAccount {
                    username: username.into(),
                    display_name: display.into(),
                    role,
                    scope_org_id: org.id,
                    password: DEMO_PASSWORD.into(),
                    must_change_password: false,
                },
            )
            .await?;
        if role == Role::Assessor {
            for o in assessed.iter().take(2) {
                store.assign_to_assessor(&actor, id, *o).await?;
            }
        }
        out.push(DemoAccount {
            username,
            role,
            scope: org.name.clone(),
        });
    }
    Ok(out)
}
