//! The maintained counts behind the live headline numbers (DESIGN decision 4: no rebuild step).
//!
//! `org_counts` holds, per org, its OWN counts (a grassroots union's covered units and members;
//! 1 for being an active org, a grassroots union of a kind…) and the SUB_ sums of those over its
//! subtree along affiliation. `org_year_counts` does the same per calendar year (members by join
//! year, grassroots unions by founding year), and `region_unit_counts` holds the units without a
//! union per exact region code. Every store write that changes a count calls one of:
//!
//! * [`refresh_orgs`] — recompute the own counts of some orgs from the base tables and carry
//!   the difference up their lineage (member join/transfer/status/edit, unit cover/uncover/edit,
//!   org create/edit/close, and bulk inserts of members, units or new orgs);
//! * [`move_subtree`] — an org changed parent: its subtree sums leave the old ancestors and join
//!   the new ones;
//! * [`refresh_regions`] — recount the units without a union of some region codes;
//! * [`rebuild`] — recompute everything (the demo generator, benchmarks, upgrades).
//!
//! Because own counts are recomputed rather than incremented, a caller cannot get a delta
//! wrong: it only has to name the orgs and regions it touched. A test recomputes everything
//! from scratch after scripted writes and compares (tests/stats.rs).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::HashMap as FastMap;

use chrono::{Datelike, NaiveDate};
use gonghui_domain::{GrassrootsKind, OrgKind, Ownership};
use sea_query::{
    Alias, Expr, ExprTrait, InsertStatement, LockType, OnConflict, Query, SelectStatement,
};

use crate::db::Tx;
use crate::schema::{Members, OrgCounts, OrgYearCounts, Orgs, RegionUnitCounts, Settings, Units};
use crate::{Engine, Result};

/// Number of counted quantities.
pub(crate) const N: usize = 16;

/// Column names of the own counts; the subtree sums are the same with `sub_` in front.
pub(crate) const FIELDS: [&str; N] = [
    "orgs",
    "grassroots",
    "g_enterprise",
    "g_public_institution",
    "g_social_organization",
    "g_joint",
    "g_cooperative",
    "g_non_public",
    "covered_units",
    "employees",
    "women_employees",
    "members",
    "women_members",
    "migrant_members",
    "dispatched_members",
    "new_employment_members",
];

/// Index of each quantity in [`Counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum F {
    Orgs = 0,
    Grassroots,
    GEnterprise,
    GPublicInstitution,
    GSocialOrganization,
    GJoint,
    GCooperative,
    GNonPublic,
    CoveredUnits,
    Employees,
    WomenEmployees,
    Members,
    WomenMembers,
    MigrantMembers,
    DispatchedMembers,
    NewEmploymentMembers,
}

impl F {
    pub(crate) fn of_kind(kind: GrassrootsKind) -> F {
        match kind {
            GrassrootsKind::Enterprise => F::GEnterprise,
            GrassrootsKind::PublicInstitution => F::GPublicInstitution,
            GrassrootsKind::SocialOrganization => F::GSocialOrganization,
            GrassrootsKind::Joint => F::GJoint,
            GrassrootsKind::Cooperative => F::GCooperative,
        }
    }
}

/// One vector of the counted quantities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts(pub [i64; N]);

impl std::ops::Index<F> for Counts {
    type Output = i64;
    fn index(&self, f: F) -> &i64 {
        &self.0[f as usize]
    }
}

impl std::ops::IndexMut<F> for Counts {
    fn index_mut(&mut self, f: F) -> &mut i64 {
        &mut self.0[f as usize]
    }
}

impl Counts {
    pub(crate) fn add(&mut self, o: &Counts) {
        for i in 0..N {
            self.0[i] += o.0[i];
        }
    }

    pub(crate) fn sub(&mut self, o: &Counts) {
        for i in 0..N {
            self.0[i] -= o.0[i];
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// A row of `org_counts` read back: the org and one set of its counts (own or subtree).
#[derive(Debug)]
pub(crate) struct CountsRow {
    pub org_id: i64,
    pub c: Counts,
}

impl<'r, R> sqlx::FromRow<'r, R> for CountsRow
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> std::result::Result<Self, sqlx::Error> {
        let org_id: i64 = row.try_get(0usize)?;
        let mut c = [0i64; N];
        for (i, v) in c.iter_mut().enumerate() {
            *v = row.try_get(i + 1)?;
        }
        Ok(CountsRow {
            org_id,
            c: Counts(c),
        })
    }
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn sub_col(name: &str) -> Alias {
    Alias::new(format!("sub_{name}"))
}

/// Ownership codes of 非公 units, inlined into SQL (they are our own constants).
pub(crate) fn non_public_codes() -> String {
    Ownership::ALL
        .iter()
        .filter(|o| o.is_non_public())
        .map(|o| format!("'{}'", o.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CAST(expr AS BIGINT)`: PostgreSQL sums BIGINT into NUMERIC and CASE into INTEGER, and both
/// engines must hand back an i64.
pub(crate) fn big(expr: &str) -> Expr {
    Expr::cust(format!("CAST({expr} AS BIGINT)"))
}

/// Ids on a materialized path, root first.
pub(crate) fn path_ids(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

const CHUNK: usize = 500;

/// The own counts of some orgs (or of every org), computed from the base tables, with the own
/// yearly counts and the org's current path.
struct Own {
    counts: BTreeMap<i64, Counts>,
    /// (org, year) → (members who joined that year, grassroots unions founded that year).
    years: BTreeMap<(i64, i64), (i64, i64)>,
    paths: HashMap<i64, String>,
}

#[derive(sqlx::FromRow)]
struct OrgFacts {
    id: i64,
    kind: String,
    sub_kind: Option<String>,
    status: String,
    founded_on: Option<NaiveDate>,
    path: String,
}

async fn own_counts(tx: &mut Tx, ids: Option<&[i64]>) -> Result<Own> {
    let restrict = |q: &mut SelectStatement, c: Expr| {
        if let Some(ids) = ids {
            q.and_where(c.is_in(ids.iter().copied()));
        }
    };
    let mut own = Own {
        counts: BTreeMap::new(),
        years: BTreeMap::new(),
        paths: HashMap::new(),
    };

    let mut q = Query::select()
        .columns([
            Orgs::Id,
            Orgs::Kind,
            Orgs::SubKind,
            Orgs::Status,
            Orgs::FoundedOn,
            Orgs::Path,
        ])
        .from(Orgs::Table)
        .to_owned();
    restrict(&mut q, Expr::col(Orgs::Id));
    let facts: Vec<OrgFacts> = tx.all(&q).await?;
    for o in facts {
        let mut c = Counts::default();
        if o.status == crate::orgs::ACTIVE {
            c[F::Orgs] = 1;
            if o.kind == OrgKind::Grassroots.code() {
                c[F::Grassroots] = 1;
                if let Some(k) = o.sub_kind.as_deref().and_then(GrassrootsKind::from_code) {
                    c[F::of_kind(k)] = 1;
                }
                if let Some(f) = o.founded_on {
                    own.years.entry((o.id, f.year() as i64)).or_default().1 += 1;
                }
            }
        }
        own.counts.insert(o.id, c);
        own.paths.insert(o.id, o.path);
    }

    let mut q = Query::select()
        .column(Units::CoveringOrgId)
        .expr(big("COUNT(*)"))
        .expr(big("COALESCE(SUM(employees), 0)"))
        .expr(big("COALESCE(SUM(women_employees), 0)"))
        .expr(big(&format!(
            "SUM(CASE WHEN ownership IN ({}) THEN 1 ELSE 0 END)",
            non_public_codes()
        )))
        .from(Units::Table)
        .and_where(Expr::col(Units::CoveringOrgId).is_not_null())
        .group_by_col(Units::CoveringOrgId)
        .to_owned();
    restrict(&mut q, Expr::col(Units::CoveringOrgId));
    let rows: Vec<(i64, i64, i64, i64, i64)> = tx.all(&q).await?;
    for (org, n, employees, women, non_public) in rows {
        let Some(c) = own.counts.get_mut(&org) else {
            continue;
        };
        c[F::CoveredUnits] = n;
        c[F::Employees] = employees;
        c[F::WomenEmployees] = women;
        if non_public > 0 && c[F::Grassroots] == 1 {
            c[F::GNonPublic] = 1;
        }
    }

    let mut q = Query::select()
        .column(Members::OrgId)
        .expr(big("COUNT(*)"))
        .expr(big("SUM(CASE WHEN sex = 'female' THEN 1 ELSE 0 END)"))
        .expr(big("SUM(CASE WHEN migrant_worker THEN 1 ELSE 0 END)"))
        .expr(big("SUM(CASE WHEN dispatched_worker THEN 1 ELSE 0 END)"))
        .expr(big(
            "SUM(CASE WHEN new_employment_group IS NOT NULL THEN 1 ELSE 0 END)",
        ))
        .from(Members::Table)
        .and_where(Expr::col(Members::OrgId).is_not_null())
        .group_by_col(Members::OrgId)
        .to_owned();
    restrict(&mut q, Expr::col(Members::OrgId));
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = tx.all(&q).await?;
    for (org, n, women, migrant, dispatched, new_emp) in rows {
        let Some(c) = own.counts.get_mut(&org) else {
            continue;
        };
        c[F::Members] = n;
        c[F::WomenMembers] = women;
        c[F::MigrantMembers] = migrant;
        c[F::DispatchedMembers] = dispatched;
        c[F::NewEmploymentMembers] = new_emp;
    }

    let year = "CAST(substr(CAST(join_date AS TEXT), 1, 4) AS BIGINT)";
    let mut q = Query::select()
        .column(Members::OrgId)
        .expr(Expr::cust(year))
        .expr(big("COUNT(*)"))
        .from(Members::Table)
        .and_where(Expr::col(Members::OrgId).is_not_null())
        .add_group_by([Expr::col(Members::OrgId), Expr::cust(year)])
        .to_owned();
    restrict(&mut q, Expr::col(Members::OrgId));
    let rows: Vec<(i64, i64, i64)> = tx.all(&q).await?;
    for (org, y, n) in rows {
        if own.counts.contains_key(&org) {
            own.years.entry((org, y)).or_default().0 += n;
        }
    }
    Ok(own)
}

/// On PostgreSQL, take the root's counts row first: every transaction that changes counts then
/// queues in the same order, so two of them can never wait for each other's ancestor rows.
/// (SQLite transactions that write are serialized already.)
async fn lock_root(tx: &mut Tx) -> Result<()> {
    if tx.engine() != Engine::Postgres {
        return Ok(());
    }
    let _: Vec<(i64,)> = tx
        .all(
            &Query::select()
                .column(OrgCounts::OrgId)
                .from(OrgCounts::Table)
                .and_where(
                    Expr::col(OrgCounts::OrgId).in_subquery(
                        Query::select()
                            .column(Orgs::Id)
                            .from(Orgs::Table)
                            .and_where(Expr::col(Orgs::ParentId).is_null())
                            .to_owned(),
                    ),
                )
                .lock(LockType::Update)
                .to_owned(),
        )
        .await?;
    Ok(())
}

fn select_counts(sub: bool) -> SelectStatement {
    let mut q = Query::select();
    q.column(OrgCounts::OrgId).from(OrgCounts::Table);
    for f in FIELDS {
        if sub {
            q.column(sub_col(f));
        } else {
            q.column(col(f));
        }
    }
    q
}

/// Stored counts of some orgs (own or subtree); orgs without a row are absent.
pub(crate) async fn stored(tx: &mut Tx, ids: &[i64], sub: bool) -> Result<HashMap<i64, Counts>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<CountsRow> = tx
            .all(
                &select_counts(sub)
                    .and_where(Expr::col(OrgCounts::OrgId).is_in(chunk.iter().copied()))
                    .to_owned(),
            )
            .await?;
        out.extend(rows.into_iter().map(|r| (r.org_id, r.c)));
    }
    Ok(out)
}

async fn stored_years(
    tx: &mut Tx,
    ids: &[i64],
    sub: bool,
) -> Result<BTreeMap<(i64, i64), (i64, i64)>> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        let (a, b) = if sub {
            (OrgYearCounts::SubJoined, OrgYearCounts::SubFounded)
        } else {
            (OrgYearCounts::Joined, OrgYearCounts::Founded)
        };
        let rows: Vec<(i64, i64, i64, i64)> = tx
            .all(
                &Query::select()
                    .columns([OrgYearCounts::OrgId, OrgYearCounts::Year, a, b])
                    .from(OrgYearCounts::Table)
                    .and_where(Expr::col(OrgYearCounts::OrgId).is_in(chunk.iter().copied()))
                    .to_owned(),
            )
            .await?;
        for (o, y, j, f) in rows {
            if j != 0 || f != 0 {
                out.insert((o, y), (j, f));
            }
        }
    }
    Ok(out)
}

/// Set the own counts of these orgs (rows created as needed).
async fn write_own(tx: &mut Tx, rows: &BTreeMap<i64, Counts>) -> Result<()> {
    let entries: Vec<(&i64, &Counts)> = rows.iter().collect();
    for chunk in entries.chunks(CHUNK) {
        let mut cols = vec![col("org_id")];
        cols.extend(FIELDS.iter().map(|f| col(f)));
        let mut stmt = Query::insert()
            .into_table(OrgCounts::Table)
            .columns(cols)
            .to_owned();
        for (id, c) in chunk {
            let mut vals: Vec<Expr> = vec![(**id).into()];
            vals.extend(c.0.iter().map(|v| Expr::val(*v)));
            stmt.values_panic(vals);
        }
        stmt.on_conflict(
            OnConflict::column(OrgCounts::OrgId)
                .update_columns(FIELDS.iter().map(|f| col(f)))
                .to_owned(),
        );
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// Add to the subtree sums of these orgs.
async fn add_sub(tx: &mut Tx, deltas: &BTreeMap<i64, Counts>) -> Result<()> {
    let entries: Vec<(&i64, &Counts)> = deltas.iter().filter(|(_, c)| !c.is_zero()).collect();
    for chunk in entries.chunks(CHUNK) {
        let mut cols = vec![col("org_id")];
        cols.extend(FIELDS.iter().map(|f| sub_col(f)));
        let mut stmt = Query::insert()
            .into_table(OrgCounts::Table)
            .columns(cols)
            .to_owned();
        for (id, c) in chunk {
            let mut vals: Vec<Expr> = vec![(**id).into()];
            vals.extend(c.0.iter().map(|v| Expr::val(*v)));
            stmt.values_panic(vals);
        }
        let mut on = OnConflict::column(OrgCounts::OrgId);
        for f in FIELDS {
            adding(&mut on, "org_counts", &format!("sub_{f}"));
        }
        stmt.on_conflict(on);
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// Set own yearly counts (absolute) and add to subtree yearly counts (deltas).
async fn write_years(
    tx: &mut Tx,
    own: &BTreeMap<(i64, i64), (i64, i64)>,
    sub: &BTreeMap<(i64, i64), (i64, i64)>,
) -> Result<()> {
    let own: Vec<_> = own.iter().collect();
    for chunk in own.chunks(CHUNK) {
        let mut stmt = Query::insert()
            .into_table(OrgYearCounts::Table)
            .columns([
                OrgYearCounts::OrgId,
                OrgYearCounts::Year,
                OrgYearCounts::Joined,
                OrgYearCounts::Founded,
            ])
            .to_owned();
        for ((o, y), (j, f)) in chunk {
            stmt.values_panic([(*o).into(), (*y).into(), (*j).into(), (*f).into()]);
        }
        stmt.on_conflict(
            OnConflict::columns([OrgYearCounts::OrgId, OrgYearCounts::Year])
                .update_columns([OrgYearCounts::Joined, OrgYearCounts::Founded])
                .to_owned(),
        );
        tx.execute(&stmt).await?;
    }
    let sub: Vec<_> = sub.iter().filter(|(_, d)| **d != (0, 0)).collect();
    for chunk in sub.chunks(CHUNK) {
        let mut stmt = Query::insert()
            .into_table(OrgYearCounts::Table)
            .columns([
                OrgYearCounts::OrgId,
                OrgYearCounts::Year,
                OrgYearCounts::SubJoined,
                OrgYearCounts::SubFounded,
            ])
            .to_owned();
        for ((o, y), (j, f)) in chunk {
            stmt.values_panic([(*o).into(), (*y).into(), (*j).into(), (*f).into()]);
        }
        let mut on = OnConflict::columns([OrgYearCounts::OrgId, OrgYearCounts::Year]);
        adding(&mut on, "org_year_counts", "sub_joined");
        adding(&mut on, "org_year_counts", "sub_founded");
        stmt.on_conflict(on);
        tx.execute(&stmt).await?;
    }
    // Years that no longer count anything are dropped, so the table only holds what counts.
    let touched: BTreeSet<i64> = own
        .iter()
        .map(|((o, _), _)| *o)
        .chain(sub.iter().map(|((o, _), _)| *o))
        .collect();
    let touched: Vec<i64> = touched.into_iter().collect();
    for chunk in touched.chunks(CHUNK) {
        tx.execute(
            &Query::delete()
                .from_table(OrgYearCounts::Table)
                .and_where(Expr::col(OrgYearCounts::OrgId).is_in(chunk.iter().copied()))
                .and_where(Expr::col(OrgYearCounts::Joined).eq(0))
                .and_where(Expr::col(OrgYearCounts::Founded).eq(0))
                .and_where(Expr::col(OrgYearCounts::SubJoined).eq(0))
                .and_where(Expr::col(OrgYearCounts::SubFounded).eq(0))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// Recompute the own counts of `org_ids` from the base tables and carry every difference up
/// their lineage (the org itself included), in the caller's transaction. Call it after any
/// write that changes an org's status or kind, its covered units (or their headcounts and
/// ownership) or its members (or their sex, flags, group and join date) — including bulk
/// inserts. Orgs that did not change cost one comparison each.
pub(crate) async fn refresh_orgs(tx: &mut Tx, org_ids: &[i64]) -> Result<()> {
    let ids: Vec<i64> = org_ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    lock_root(tx).await?;
    let mut own_rows = BTreeMap::new();
    let mut sub_delta: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut own_years = BTreeMap::new();
    let mut sub_years: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        let fresh = own_counts(tx, Some(chunk)).await?;
        let old = stored(tx, chunk, false).await?;
        let old_years = stored_years(tx, chunk, false).await?;
        for (id, new) in &fresh.counts {
            let before = old.get(id).copied().unwrap_or_default();
            if *new != before || !old.contains_key(id) {
                own_rows.insert(*id, *new);
            }
            let mut d = *new;
            d.sub(&before);
            if d.is_zero() {
                continue;
            }
            for a in path_ids(&fresh.paths[id]) {
                sub_delta.entry(a).or_default().add(&d);
            }
        }
        // Yearly: every (org, year) that is new, changed or gone.
        let keys: BTreeSet<(i64, i64)> = fresh
            .years
            .keys()
            .chain(old_years.keys())
            .copied()
            .collect();
        for k in keys {
            let new = fresh.years.get(&k).copied().unwrap_or_default();
            let before = old_years.get(&k).copied().unwrap_or_default();
            if new == before {
                continue;
            }
            own_years.insert(k, new);
            let d = (new.0 - before.0, new.1 - before.1);
            if let Some(path) = fresh.paths.get(&k.0) {
                for a in path_ids(path) {
                    let e = sub_years.entry((a, k.1)).or_default();
                    e.0 += d.0;
                    e.1 += d.1;
                }
            }
        }
    }
    write_own(tx, &own_rows).await?;
    add_sub(tx, &sub_delta).await?;
    write_years(tx, &own_years, &sub_years).await
}

/// Add counts that the caller computed row by row (a bulk insert of members knows each new
/// member's union, sex, flags and join year): `own` to the own counts of each org, `joined`
/// (org, year) to its yearly counts, and both to the subtree sums of its lineage. They are the
/// sums [`refresh_orgs`] would reach by recounting those orgs, without reading their members
/// again; tests/stats.rs recounts everything after imports to hold the two in step. Additions
/// only (no count may go down here). `paths` may hold the orgs' materialized paths (the caller
/// often has them); the others are read.
pub(crate) async fn add_own(
    tx: &mut Tx,
    own: &BTreeMap<i64, Counts>,
    joined: &BTreeMap<(i64, i64), i64>,
    paths: &HashMap<i64, String>,
) -> Result<()> {
    let missing = Additions::missing_paths(own, joined, paths)?;
    if own.values().all(Counts::is_zero) && joined.values().all(|n| *n == 0) {
        return Ok(());
    }
    lock_root(tx).await?;
    let mut read: HashMap<i64, String> = HashMap::new();
    for chunk in missing.chunks(CHUNK) {
        let rows: Vec<(i64, String)> = tx
            .all(
                &Query::select()
                    .columns([Orgs::Id, Orgs::Path])
                    .from(Orgs::Table)
                    .and_where(Expr::col(Orgs::Id).is_in(chunk.iter().copied()))
                    .to_owned(),
            )
            .await?;
        read.extend(rows);
    }
    let add = Additions::of(own, joined, |o| paths.get(&o).or_else(|| read.get(&o)));
    let width = add.org_width();
    for chunk in add.orgs.chunks(width * rows_per_statement(width)) {
        let mut stmt = add.org_statement();
        for row in chunk.chunks(width) {
            stmt.values_panic(row.iter().map(|v| Expr::val(*v)));
        }
        tx.execute(&stmt).await?;
    }
    for chunk in add.years.chunks(4 * rows_per_statement(4)) {
        let mut stmt = Additions::year_statement();
        for row in chunk.chunks(4) {
            stmt.values_panic(row.iter().map(|v| Expr::val(*v)));
        }
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// [`add_own`] on the raw SQLite connection of the caller's transaction (the member import's),
/// with the rows computed beforehand ([`Additions::new`], on another thread): for a province's
/// import these are hundreds of thousands of rows, which sqlx would send one value at a time.
pub(crate) fn add_own_sqlite(
    conn: crate::import::sqlite_bulk::Conn,
    add: &Additions,
) -> Result<()> {
    use sea_query::SqliteQueryBuilder;
    // Rows per prepared statement: the statement is built once and re-run with new values.
    const ROWS: usize = 64;
    let with_rows = |mut stmt: InsertStatement, width: usize, n: usize| {
        for _ in 0..n {
            stmt.values_panic((0..width).map(|_| Expr::val(0i64)));
        }
        stmt.build(SqliteQueryBuilder).0
    };
    let width = add.org_width();
    conn.run_ints(width, ROWS, &add.orgs, |n| {
        with_rows(add.org_statement(), width, n)
    })?;
    conn.run_ints(4, ROWS, &add.years, |n| {
        with_rows(Additions::year_statement(), 4, n)
    })
}

/// The rows [`add_own`] upserts, sorted by key and flattened (they are bound value by value).
pub(crate) struct Additions {
    /// The quantities that change (a members import touches five of sixteen).
    used: Vec<usize>,
    /// Per org: its id, then its own additions and its subtree additions of the used
    /// quantities.
    orgs: Vec<i64>,
    /// Per (org, year): org, year, members joined (own), members joined (subtree).
    years: Vec<i64>,
}

impl Additions {
    /// The rows for these additions, every org's path given by `path` (refused if one is
    /// missing or an addition is negative).
    pub(crate) fn new<'p>(
        own: &BTreeMap<i64, Counts>,
        joined: &BTreeMap<(i64, i64), i64>,
        path: impl Fn(i64) -> Option<&'p String>,
    ) -> Result<Additions> {
        if own.values().any(|c| c.0.iter().any(|v| *v < 0)) || joined.values().any(|n| *n < 0) {
            return Err(crate::Error::Io("统计数只能在这里增加".into()));
        }
        let given = own
            .iter()
            .filter(|(_, c)| !c.is_zero())
            .map(|(o, _)| *o)
            .chain(
                joined
                    .iter()
                    .filter(|(_, n)| **n != 0)
                    .map(|((o, _), _)| *o),
            );
        for o in given {
            if path(o).is_none() {
                return Err(crate::Error::Io(format!("缺少组织 {o} 的路径")));
            }
        }
        Ok(Additions::of(own, joined, path))
    }

    /// Refuses a decrease; returns the orgs whose paths `paths` does not hold.
    fn missing_paths(
        own: &BTreeMap<i64, Counts>,
        joined: &BTreeMap<(i64, i64), i64>,
        paths: &HashMap<i64, String>,
    ) -> Result<Vec<i64>> {
        if own.values().any(|c| c.0.iter().any(|v| *v < 0)) || joined.values().any(|n| *n < 0) {
            return Err(crate::Error::Io("统计数只能在这里增加".into()));
        }
        // Both maps are in org order, so each org is looked up once per run of its rows.
        let mut missing: Vec<i64> = own
            .iter()
            .filter(|(_, c)| !c.is_zero())
            .map(|(o, _)| *o)
            .chain(
                joined
                    .iter()
                    .filter(|(_, n)| **n != 0)
                    .map(|((o, _), _)| *o),
            )
            .scan(None, |last, o| {
                Some((last.replace(o) != Some(o)).then_some(o))
            })
            .flatten()
            .filter(|o| !paths.contains_key(o))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        Ok(missing)
    }

    fn of<'p>(
        own: &BTreeMap<i64, Counts>,
        joined: &BTreeMap<(i64, i64), i64>,
        path: impl Fn(i64) -> Option<&'p String>,
    ) -> Additions {
        // Each org's additions go to itself and to every ancestor. Siblings share their
        // ancestors, so the additions are first summed per parent and each sum then travels up
        // once (a province has 200,000 unions under a few thousand parents).
        let mut parents: FastMap<i64, Vec<i64>> = FastMap::default();
        let mut parent_of = |org: i64| -> Option<i64> {
            let path = path(org)?;
            // The second id from the end; the lineage is parsed once per parent.
            let p: i64 = path
                .rsplit('/')
                .filter(|s| !s.is_empty())
                .nth(1)?
                .parse()
                .ok()?;
            parents.entry(p).or_insert_with(|| {
                let ids = path_ids(path);
                ids[..ids.len() - 1].to_vec()
            });
            Some(p)
        };
        let own_rows = || own.iter().filter(|(_, c)| !c.is_zero());
        let mut own_by_parent: FastMap<i64, Counts> = FastMap::default();
        // (org, parent) in org order, like `joined`, which is walked alongside.
        let mut org_parent: Vec<(i64, i64)> = Vec::with_capacity(own.len());
        let mut last: Option<(i64, Counts)> = None;
        for (org, c) in own_rows() {
            let Some(p) = parent_of(*org) else { continue };
            org_parent.push((*org, p));
            match &mut last {
                Some((lp, sum)) if *lp == p => sum.add(c),
                _ => {
                    if let Some((lp, sum)) = last.replace((p, *c)) {
                        own_by_parent.entry(lp).or_default().add(&sum);
                    }
                }
            }
        }
        if let Some((lp, sum)) = last {
            own_by_parent.entry(lp).or_default().add(&sum);
        }
        let mut joined_by_parent: FastMap<i64, Vec<(i64, i64)>> = FastMap::default();
        let mut at = 0;
        let mut run: Option<(i64, Option<i64>)> = None;
        for ((o, y), n) in joined.iter().filter(|(_, n)| **n != 0) {
            let p = match run {
                Some((ro, p)) if ro == *o => p,
                _ => {
                    while at < org_parent.len() && org_parent[at].0 < *o {
                        at += 1;
                    }
                    let p = match org_parent.get(at) {
                        Some((po, p)) if po == o => Some(*p),
                        _ => parent_of(*o),
                    };
                    run = Some((*o, p));
                    p
                }
            };
            let Some(p) = p else { continue };
            let years = joined_by_parent.entry(p).or_default();
            match years.iter_mut().find(|(yy, _)| yy == y) {
                Some((_, sum)) => *sum += n,
                None => years.push((*y, *n)),
            }
        }
        let lineage = |p: &i64| parents.get(p).map(Vec::as_slice).unwrap_or_default();

        // What the ancestors receive, in id order.
        let mut upper: FastMap<i64, Counts> = FastMap::default();
        for (p, c) in &own_by_parent {
            for a in lineage(p) {
                upper.entry(*a).or_default().add(c);
            }
        }
        let mut upper: Vec<(i64, Counts)> = upper.into_iter().collect();
        upper.sort_unstable_by_key(|(a, _)| *a);
        let mut upper_years: FastMap<(i64, i64), i64> = FastMap::default();
        for (p, years) in &joined_by_parent {
            for a in lineage(p) {
                for (y, n) in years {
                    *upper_years.entry((*a, *y)).or_default() += n;
                }
            }
        }
        let mut upper_years: Vec<((i64, i64), i64)> = upper_years.into_iter().collect();
        upper_years.sort_unstable_by_key(|(k, _)| *k);

        // Additions are never negative, so a quantity changes anywhere only if some org's own
        // addition has it.
        let used: Vec<usize> = (0..N)
            .filter(|i| own.values().any(|c| c.0[*i] != 0))
            .collect();
        let zero = Counts::default();
        let mut orgs = Vec::with_capacity((org_parent.len() + upper.len()) * (1 + 2 * used.len()));
        let mut push = |id: i64, c: &Counts, up: Option<&Counts>| {
            orgs.push(id);
            orgs.extend(used.iter().map(|i| c.0[*i]));
            orgs.extend(used.iter().map(|i| c.0[*i] + up.map_or(0, |u| u.0[*i])));
        };
        merge_by_key(
            own_rows().map(|(o, c)| (*o, c)),
            upper.iter().map(|(a, c)| (*a, c)),
            |id, c, up| push(id, c.unwrap_or(&zero), up),
        );
        let mut years = Vec::with_capacity((joined.len() + upper_years.len()) * 4);
        merge_by_key(
            joined
                .iter()
                .filter(|(_, n)| **n != 0)
                .map(|(k, n)| (*k, *n)),
            upper_years.iter().copied(),
            |(o, y), j, up| years.extend([o, y, j.unwrap_or(0), j.unwrap_or(0) + up.unwrap_or(0)]),
        );
        Additions { used, orgs, years }
    }

    /// Values per org row: its id, then the used own and subtree quantities.
    fn org_width(&self) -> usize {
        1 + 2 * self.used.len()
    }

    /// The org upsert without values: rows are added by the caller.
    fn org_statement(&self) -> InsertStatement {
        let mut cols = vec![col("org_id")];
        cols.extend(self.used.iter().map(|i| col(FIELDS[*i])));
        cols.extend(self.used.iter().map(|i| sub_col(FIELDS[*i])));
        let mut on = OnConflict::column(OrgCounts::OrgId);
        for f in self.used.iter().map(|i| FIELDS[*i]) {
            adding(&mut on, "org_counts", f);
            adding(&mut on, "org_counts", &format!("sub_{f}"));
        }
        Query::insert()
            .into_table(OrgCounts::Table)
            .columns(cols)
            .on_conflict(on)
            .to_owned()
    }

    /// The yearly upsert (org, year, joined, sub_joined) without values.
    fn year_statement() -> InsertStatement {
        Query::insert()
            .into_table(OrgYearCounts::Table)
            .columns([
                OrgYearCounts::OrgId,
                OrgYearCounts::Year,
                OrgYearCounts::Joined,
                OrgYearCounts::SubJoined,
            ])
            .on_conflict({
                let mut on = OnConflict::columns([OrgYearCounts::OrgId, OrgYearCounts::Year]);
                adding(&mut on, "org_year_counts", "joined");
                adding(&mut on, "org_year_counts", "sub_joined");
                on
            })
            .to_owned()
    }
}

/// On conflict, add the new row's `column` to the stored one (`table.column + excluded.column`).
fn adding(on: &mut OnConflict, table: &str, column: &str) {
    on.value(
        Alias::new(column),
        Expr::cust(format!("{table}.{column} + excluded.{column}")),
    );
}

/// Walk two key-sorted sequences together, calling `f` once per key with the value of each
/// side that has it.
fn merge_by_key<K: Ord + Copy, A, B>(
    left: impl Iterator<Item = (K, A)>,
    right: impl Iterator<Item = (K, B)>,
    mut f: impl FnMut(K, Option<A>, Option<B>),
) {
    let mut left = left.peekable();
    let mut right = right.peekable();
    loop {
        let order = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((l, _)), Some((r, _))) => l.cmp(r),
        };
        match order {
            std::cmp::Ordering::Less => {
                let (k, a) = left.next().expect("peeked");
                f(k, Some(a), None);
            }
            std::cmp::Ordering::Greater => {
                let (k, b) = right.next().expect("peeked");
                f(k, None, Some(b));
            }
            std::cmp::Ordering::Equal => {
                let (k, a) = left.next().expect("peeked");
                let (_, b) = right.next().expect("peeked");
                f(k, Some(a), Some(b));
            }
        }
    }
}

/// Rows per multi-row statement of `width` bound values each (both engines allow 30,000).
fn rows_per_statement(width: usize) -> usize {
    (30_000 / width.max(1)).max(1)
}

/// An org moved from `old_path` to `new_path` (its own path; the rest of its subtree moved with
/// it): its subtree sums leave the old ancestors and are added to the new ones.
pub(crate) async fn move_subtree(
    tx: &mut Tx,
    org_id: i64,
    old_path: &str,
    new_path: &str,
) -> Result<()> {
    lock_root(tx).await?;
    let s = stored(tx, &[org_id], true)
        .await?
        .remove(&org_id)
        .unwrap_or_default();
    let years = stored_years(tx, &[org_id], true).await?;
    let mut deltas: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut year_deltas: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    for (path, sign) in [(old_path, -1), (new_path, 1)] {
        for a in path_ids(path).into_iter().filter(|a| *a != org_id) {
            let e = deltas.entry(a).or_default();
            if sign < 0 {
                e.sub(&s);
            } else {
                e.add(&s);
            }
            for ((_, y), (j, f)) in &years {
                let e = year_deltas.entry((a, *y)).or_default();
                e.0 += sign * j;
                e.1 += sign * f;
            }
        }
    }
    add_sub(tx, &deltas).await?;
    write_years(tx, &BTreeMap::new(), &year_deltas).await
}

/// Recount the units without a union of these exact region codes.
pub(crate) async fn refresh_regions(tx: &mut Tx, codes: &[String]) -> Result<()> {
    let codes: Vec<String> = codes
        .iter()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if codes.is_empty() {
        return Ok(());
    }
    lock_root(tx).await?;
    for chunk in codes.chunks(CHUNK) {
        let rows: Vec<(String, i64, i64)> = tx
            .all(
                &Query::select()
                    .column(Units::RegionCode)
                    .expr(big("COUNT(*)"))
                    .expr(big("COALESCE(SUM(employees), 0)"))
                    .from(Units::Table)
                    .and_where(Expr::col(Units::RegionCode).is_in(chunk.iter().cloned()))
                    .and_where(Expr::col(Units::CoveringOrgId).is_null())
                    .and_where(Expr::col(Units::Status).eq("active"))
                    .group_by_col(Units::RegionCode)
                    .to_owned(),
            )
            .await?;
        let found: HashMap<String, (i64, i64)> =
            rows.into_iter().map(|(r, n, e)| (r, (n, e))).collect();
        let mut stmt = Query::insert()
            .into_table(RegionUnitCounts::Table)
            .columns([
                RegionUnitCounts::RegionCode,
                RegionUnitCounts::UncoveredUnits,
                RegionUnitCounts::UncoveredEmployees,
            ])
            .to_owned();
        for code in chunk {
            let (n, e) = found.get(code).copied().unwrap_or_default();
            stmt.values_panic([code.clone().into(), n.into(), e.into()]);
        }
        stmt.on_conflict(
            OnConflict::column(RegionUnitCounts::RegionCode)
                .update_columns([
                    RegionUnitCounts::UncoveredUnits,
                    RegionUnitCounts::UncoveredEmployees,
                ])
                .to_owned(),
        );
        tx.execute(&stmt).await?;
        tx.execute(
            &Query::delete()
                .from_table(RegionUnitCounts::Table)
                .and_where(Expr::col(RegionUnitCounts::RegionCode).is_in(chunk.iter().cloned()))
                .and_where(Expr::col(RegionUnitCounts::UncoveredUnits).eq(0))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}

/// Multi-row inserts, a few hundred rows per statement.
async fn insert_rows(
    tx: &mut Tx,
    base: InsertStatement,
    width: usize,
    rows: impl IntoIterator<Item = Vec<Expr>>,
) -> Result<()> {
    let per = (30_000 / width).clamp(1, 500);
    let mut stmt = base.clone();
    let mut pending = 0;
    for row in rows {
        stmt.values_panic(row);
        pending += 1;
        if pending == per {
            tx.execute(&stmt).await?;
            stmt = base.clone();
            pending = 0;
        }
    }
    if pending > 0 {
        tx.execute(&stmt).await?;
    }
    Ok(())
}

/// Compute every maintained count from scratch (after bulk loads, and to check the maintained
/// values in tests). Replaces whatever the tables held.
pub(crate) async fn rebuild(tx: &mut Tx) -> Result<()> {
    for t in ["org_year_counts", "org_counts", "region_unit_counts"] {
        tx.execute(&Query::delete().from_table(Alias::new(t)).to_owned())
            .await?;
    }
    let own = own_counts(tx, None).await?;
    let mut sub: BTreeMap<i64, Counts> = BTreeMap::new();
    let mut sub_years: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    for (id, c) in &own.counts {
        for a in path_ids(&own.paths[id]) {
            sub.entry(a).or_default().add(c);
        }
    }
    for ((o, y), (j, f)) in &own.years {
        for a in path_ids(&own.paths[o]) {
            let e = sub_years.entry((a, *y)).or_default();
            e.0 += j;
            e.1 += f;
        }
    }
    let mut cols = vec![col("org_id")];
    cols.extend(FIELDS.iter().map(|f| col(f)));
    cols.extend(FIELDS.iter().map(|f| sub_col(f)));
    let width = cols.len();
    let base = Query::insert()
        .into_table(OrgCounts::Table)
        .columns(cols)
        .to_owned();
    let rows = own.counts.iter().map(|(id, c)| {
        let s = sub.get(id).copied().unwrap_or_default();
        let mut v: Vec<Expr> = vec![(*id).into()];
        v.extend(c.0.iter().map(|x| Expr::val(*x)));
        v.extend(s.0.iter().map(|x| Expr::val(*x)));
        v
    });
    insert_rows(tx, base, width, rows).await?;

    let keys: BTreeSet<(i64, i64)> = own.years.keys().chain(sub_years.keys()).copied().collect();
    let base = Query::insert()
        .into_table(OrgYearCounts::Table)
        .columns([
            OrgYearCounts::OrgId,
            OrgYearCounts::Year,
            OrgYearCounts::Joined,
            OrgYearCounts::Founded,
            OrgYearCounts::SubJoined,
            OrgYearCounts::SubFounded,
        ])
        .to_owned();
    let rows = keys.into_iter().map(|k| {
        let (j, f) = own.years.get(&k).copied().unwrap_or_default();
        let (sj, sf) = sub_years.get(&k).copied().unwrap_or_default();
        vec![
            k.0.into(),
            k.1.into(),
            j.into(),
            f.into(),
            sj.into(),
            sf.into(),
        ]
    });
    insert_rows(tx, base, 6, rows).await?;

    let mut ins = Query::insert()
        .into_table(RegionUnitCounts::Table)
        .columns([
            RegionUnitCounts::RegionCode,
            RegionUnitCounts::UncoveredUnits,
            RegionUnitCounts::UncoveredEmployees,
        ])
        .to_owned();
    ins.select_from(
        Query::select()
            .column(Units::RegionCode)
            .expr(big("COUNT(*)"))
            .expr(big("COALESCE(SUM(employees), 0)"))
            .from(Units::Table)
            .and_where(Expr::col(Units::CoveringOrgId).is_null())
            .and_where(Expr::col(Units::Status).eq("active"))
            .group_by_col(Units::RegionCode)
            .to_owned(),
    )
    .map_err(|e| crate::Error::Io(e.to_string()))?;
    tx.execute(&ins).await?;
    Ok(())
}

/// Run [`rebuild`] once after the migration that created the tables asked for it (databases
/// that already held data when they were upgraded).
pub(crate) async fn rebuild_if_pending(store: &crate::Store) -> Result<()> {
    let mut tx = store.begin().await?;
    let pending: Option<(String,)> = tx
        .optional(
            &Query::select()
                .column(Settings::Value)
                .from(Settings::Table)
                .and_where(Expr::col(Settings::Key).eq("stats.rebuild"))
                .to_owned(),
        )
        .await?;
    if pending.is_none() {
        return Ok(());
    }
    rebuild(&mut tx).await?;
    tx.execute(
        &Query::delete()
            .from_table(Settings::Table)
            .and_where(Expr::col(Settings::Key).eq("stats.rebuild"))
            .to_owned(),
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows `Additions` flattens, recomputed the plain way: every org's additions added to
    /// itself and to each id on its path.
    #[test]
    fn additions_reach_every_ancestor_once() {
        // 1 ─ 2 ─ 3 ─ {4, 5}
        //       └ 6           and 7 under 1 directly; 8 has no path given (its own row only).
        let paths: HashMap<i64, String> = [
            (4, "/1/2/3/4/"),
            (5, "/1/2/3/5/"),
            (6, "/1/2/6/"),
            (7, "/1/7/"),
            (2, "/1/2/"),
        ]
        .into_iter()
        .map(|(o, p)| (o, p.to_owned()))
        .collect();
        let counts = |m: i64, w: i64| {
            let mut c = Counts::default();
            c[F::Members] = m;
            c[F::WomenMembers] = w;
            c
        };
        let own: BTreeMap<i64, Counts> = [
            (2, counts(1, 0)),
            (4, counts(3, 1)),
            (5, counts(2, 2)),
            (6, counts(5, 0)),
            (7, counts(1, 1)),
            (8, counts(4, 0)),
            (9, Counts::default()),
        ]
        .into_iter()
        .collect();
        let joined: BTreeMap<(i64, i64), i64> = [
            ((2, 2024), 1),
            ((4, 2020), 2),
            ((4, 2024), 1),
            ((5, 2024), 2),
            ((6, 2020), 5),
            ((7, 2021), 1),
            ((8, 2024), 4),
        ]
        .into_iter()
        .collect();

        let add = Additions::of(&own, &joined, |o| paths.get(&o));
        assert_eq!(
            add.used,
            vec![F::Members as usize, F::WomenMembers as usize]
        );

        let lineage = |o: i64| paths.get(&o).map(|p| path_ids(p)).unwrap_or(vec![o]);
        let mut want_orgs: BTreeMap<i64, [i64; 4]> = BTreeMap::new();
        for (o, c) in &own {
            for a in lineage(*o) {
                let r = want_orgs.entry(a).or_default();
                if a == *o {
                    r[0] += c[F::Members];
                    r[1] += c[F::WomenMembers];
                }
                r[2] += c[F::Members];
                r[3] += c[F::WomenMembers];
            }
        }
        want_orgs.retain(|_, r| *r != [0; 4]);
        let got_orgs: BTreeMap<i64, [i64; 4]> = add
            .orgs
            .chunks(add.org_width())
            .map(|r| (r[0], [r[1], r[2], r[3], r[4]]))
            .collect();
        assert_eq!(got_orgs, want_orgs);
        assert_eq!(
            add.orgs.len(),
            want_orgs.len() * add.org_width(),
            "one row per org"
        );

        let mut want_years: BTreeMap<(i64, i64), [i64; 2]> = BTreeMap::new();
        for ((o, y), n) in &joined {
            for a in lineage(*o) {
                let r = want_years.entry((a, *y)).or_default();
                if a == *o {
                    r[0] += n;
                }
                r[1] += n;
            }
        }
        let got_years: Vec<((i64, i64), [i64; 2])> = add
            .years
            .chunks(4)
            .map(|r| ((r[0], r[1]), [r[2], r[3]]))
            .collect();
        assert_eq!(got_years, want_years.into_iter().collect::<Vec<_>>());
        // Spot checks of the hand-computed figures: 1 holds everyone, 3 holds 4 and 5.
        assert_eq!(got_orgs[&1], [0, 0, 12, 4]);
        assert_eq!(got_orgs[&3], [0, 0, 5, 3]);
        assert_eq!(got_orgs[&8], [4, 0, 4, 0]);
    }

    #[test]
    fn a_decrease_is_refused() {
        let mut c = Counts::default();
        c[F::Members] = -1;
        let own: BTreeMap<i64, Counts> = [(4, c)].into_iter().collect();
        assert!(Additions::missing_paths(&own, &BTreeMap::new(), &HashMap::new()).is_err());
        let joined: BTreeMap<(i64, i64), i64> = [((4, 2024), -1)].into_iter().collect();
        assert!(Additions::missing_paths(&BTreeMap::new(), &joined, &HashMap::new()).is_err());
    }
}
