//! gonghui-bench: the benchmark programs of issue 4 (see docs/benchmarks.md; `bench/run` drives
//! them). Four subcommands:
//!
//! - `generate`: a city or province data set, streamed in chunks: a gonghui SQLite database
//!   (`gonghui.sqlite3`, everything; `base.sqlite3`, orgs and units only, the target of the
//!   import benchmark) and the same rows as CSV (`orgs.csv`, `units.csv`, `members.csv` with
//!   the member import's columns), plus `targets.json` (root, a county, a township).
//! - `import`: the member import with full validation of a roster CSV into a database.
//! - `stats`: subtree statistics at the targets, with the application's own queries.
//! - `pg-import`: the member import on PostgreSQL (orgs and units loaded first, not timed).
//!
//! Each prints one JSON object on its last line for the driver. No SQL here: the database is
//! only reached through gonghui-store (`pg-import` drops its own schema when done).

// The same allocator as the benchmarks measure (Cargo.toml says why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use gonghui_store::demo::bulk::{self, BulkData, BulkMember, BulkShape, RawMemberRow};
use gonghui_store::{Actor, ImportKind, ImportScope, StatsQuery, Store, Visibility};
use serde::Serialize;
use serde_json::json;

#[derive(Parser)]
#[command(name = "gonghui-bench", about = "gonghui benchmarks (issue 4)")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Generate a data set into DIR.
    Generate {
        /// city | province | custom (with --grassroots/--units/--members)
        #[arg(long, default_value = "city")]
        scale: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Region of the root for custom scales (4210 = 荆州, 42 = 湖北).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        grassroots: Option<usize>,
        #[arg(long)]
        units: Option<usize>,
        #[arg(long)]
        members: Option<usize>,
        /// Rows per transaction and per generated chunk.
        #[arg(long, default_value_t = 100_000)]
        chunk: usize,
        /// The date the data set is "as of" (fixed so runs are comparable).
        #[arg(long, default_value = "2026-11-22")]
        as_of: NaiveDate,
        /// Write only the CSV files (no database).
        #[arg(long)]
        csv_only: bool,
    },
    /// Import a member roster CSV into a database with full validation.
    Import {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        csv: PathBuf,
        /// Measure the benchmark stand-in (`demo::bulk::import_members_standin`) instead of the
        /// import engine (`Store::import_commit`).
        #[arg(long)]
        standin: bool,
    },
    /// The member import on PostgreSQL: a fresh schema gets the orgs and units of the scale's
    /// data set (the same rows as the SQLite `base.sqlite3`), then the roster CSV is imported.
    /// Not part of `bench/run` (the speed target is SQLite's); docs/benchmarks.md keeps its
    /// figures so a PostgreSQL regression shows.
    PgImport {
        /// postgres://… of a database the benchmark may create schemas in.
        #[arg(long)]
        url: String,
        #[arg(long)]
        csv: PathBuf,
        /// city | province: must be the scale the CSV was generated at.
        #[arg(long, default_value = "city")]
        scale: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, default_value = "2026-11-22")]
        as_of: NaiveDate,
    },
    /// Subtree statistics at the targets of targets.json.
    Stats {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        targets: PathBuf,
        /// Timed repetitions after the first call (the median is reported).
        #[arg(long, default_value_t = 5)]
        repeat: usize,
    },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    // RUST_LOG=gonghui_store::import=debug prints the import's phase timings.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().cmd {
        Cmd::Generate {
            scale,
            out,
            seed,
            region,
            grassroots,
            units,
            members,
            chunk,
            as_of,
            csv_only,
        } => {
            let mut shape = match scale.as_str() {
                "city" => BulkShape::city(seed, as_of),
                "province" => BulkShape::province(seed, as_of),
                "custom" => BulkShape::province(seed, as_of),
                other => bail!("unknown scale {other} (city, province, custom)"),
            };
            if let Some(r) = region {
                shape.region = r;
            }
            if let Some(g) = grassroots {
                shape.grassroots = g;
            }
            if let Some(u) = units {
                shape.units = u;
            }
            if let Some(m) = members {
                shape.members = m;
            }
            generate(shape, &out, chunk, csv_only).await
        }
        Cmd::Import { db, csv, standin } => {
            if standin {
                import_standin(&db, &csv).await
            } else {
                import(&db, &csv).await
            }
        }
        Cmd::PgImport {
            url,
            csv,
            scale,
            seed,
            as_of,
        } => {
            let shape = match scale.as_str() {
                "city" => BulkShape::city(seed, as_of),
                "province" => BulkShape::province(seed, as_of),
                other => bail!("unknown scale {other} (city, province)"),
            };
            pg_import(&url, shape, &csv).await
        }
        Cmd::Stats {
            db,
            targets,
            repeat,
        } => stats(&db, &targets, repeat).await,
    }
}

fn yes(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn member_record(m: &BulkMember, org_uscc: &str) -> [String; 9] {
    [
        m.name.clone(),
        m.id_number.clone(),
        org_uscc.to_owned(),
        m.join_date.to_string(),
        m.phone.clone().unwrap_or_default(),
        yes(m.migrant_worker).into(),
        yes(m.dispatched_worker).into(),
        m.new_employment_group
            .map(|g| g.label().to_owned())
            .unwrap_or_default(),
        m.join_method.label().into(),
    ]
}

const MEMBER_HEADER: [&str; 9] = [
    "姓名",
    "身份证号码",
    "所在工会",
    "入会日期",
    "手机号码",
    "是否农民工",
    "是否劳务派遣工",
    "新就业形态群体",
    "入会方式",
];

#[derive(Serialize)]
struct Target {
    level: &'static str,
    id: i64,
    name: String,
    path: String,
    members: u64,
}

async fn open(db: &Path) -> Result<Store> {
    let store = Store::open_sqlite_file(db).await?;
    store.migrate().await?;
    Ok(store)
}

async fn generate(shape: BulkShape, out: &Path, chunk: usize, csv_only: bool) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let started = Instant::now();
    let data = BulkData::new(shape.clone())?;
    eprintln!(
        "shape: {} orgs ({} grassroots), {} units ({} covered), {} members; tree built in {:.1}s",
        data.orgs.len(),
        data.grassroots_count(),
        shape.units,
        data.covered_units(),
        shape.members,
        started.elapsed().as_secs_f64()
    );

    // Targets: the root, the county with most members, its township with most members.
    let counties = data.county_orgs();
    let (county, county_members) = counties
        .iter()
        .max_by_key(|(_, m)| *m)
        .map(|(o, m)| ((*o).clone(), *m))
        .context("no county")?;
    let town = data
        .orgs
        .iter()
        .filter(|o| o.parent_id == Some(county.id))
        .map(|o| (o, data.town_members(o.id)))
        .max_by_key(|(_, m)| *m)
        .map(|(o, m)| (o.clone(), m))
        .context("no township")?;
    let targets = vec![
        Target {
            level: "root",
            id: data.orgs[0].id,
            name: data.orgs[0].name.clone(),
            path: data.orgs[0].path.clone(),
            members: shape.members as u64,
        },
        Target {
            level: "county",
            id: county.id,
            name: county.name.clone(),
            path: county.path.clone(),
            members: county_members,
        },
        Target {
            level: "township",
            id: town.0.id,
            name: town.0.name.clone(),
            path: town.0.path.clone(),
            members: town.1,
        },
    ];
    std::fs::write(
        out.join("targets.json"),
        serde_json::to_string_pretty(&targets)?,
    )?;

    let db_path = out.join("gonghui.sqlite3");
    let base_path = out.join("base.sqlite3");
    for p in [&db_path, &base_path] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }
    let store = if csv_only {
        None
    } else {
        Some(open(&db_path).await?)
    };

    // orgs.csv
    let t = Instant::now();
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(out.join("orgs.csv"))?));
    w.write_record(["id", "parent_id", "path", "kind", "uscc", "name"])?;
    for o in &data.orgs {
        w.write_record([
            o.id.to_string(),
            o.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            o.path.clone(),
            o.kind.code().to_owned(),
            o.uscc.clone(),
            o.name.clone(),
        ])?;
    }
    w.flush()?;
    if let Some(store) = &store {
        bulk::insert_orgs(store, &data).await?;
    }
    eprintln!("orgs written in {:.1}s", t.elapsed().as_secs_f64());

    // units.csv, streamed.
    let t = Instant::now();
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(out.join("units.csv"))?));
    w.write_record([
        "id",
        "uscc",
        "name",
        "region_code",
        "ownership",
        "employees",
        "covering_org_id",
    ])?;
    let mut start = 0;
    while start < shape.units {
        let end = (start + chunk).min(shape.units);
        let units = data.units(start..end);
        for u in &units {
            w.write_record([
                u.id.to_string(),
                u.uscc.clone(),
                u.name.clone(),
                u.region_code.to_owned(),
                u.ownership.code().to_owned(),
                u.employees.to_string(),
                u.covering_org_id.map(|o| o.to_string()).unwrap_or_default(),
            ])?;
        }
        if let Some(store) = &store {
            bulk::insert_units(store, &data, &units).await?;
        }
        start = end;
    }
    w.flush()?;
    eprintln!("units written in {:.1}s", t.elapsed().as_secs_f64());
    if let Some(store) = &store {
        // The import benchmark's target: orgs and units, no members yet.
        store.backup_sqlite(&base_path).await?;
    }

    // members.csv and the members, streamed: one thread generates rows and writes the CSV,
    // this task inserts them, so the two cores work in parallel; two chunks in flight at most.
    let t = Instant::now();
    let (tx, rx) = sync_channel::<Vec<BulkMember>>(1);
    let members_total = shape.members;
    let csv_path = out.join("members.csv");
    let producer = {
        let data = std::sync::Arc::new(data);
        let d = data.clone();
        let handle = std::thread::spawn(move || -> Result<()> {
            let mut w = csv::Writer::from_writer(BufWriter::with_capacity(
                1 << 20,
                File::create(&csv_path)?,
            ));
            w.write_record(MEMBER_HEADER)?;
            let mut start = 0;
            while start < members_total {
                let end = (start + chunk).min(members_total);
                let rows = d.members(start..end);
                for m in &rows {
                    let org = &d.orgs[(m.org_id - 1) as usize];
                    w.write_record(member_record(m, &org.uscc))?;
                }
                if tx.send(rows).is_err() {
                    break;
                }
                start = end;
            }
            w.flush()?;
            Ok(())
        });
        (handle, data)
    };
    let (handle, data) = producer;
    let mut written = 0usize;
    let mut last_report = Instant::now();
    while let Ok(rows) = {
        let rx = &rx;
        tokio::task::block_in_place(|| rx.recv())
    } {
        if let Some(store) = &store {
            bulk::insert_members(store, &rows).await?;
        }
        written += rows.len();
        if last_report.elapsed().as_secs() >= 10 {
            let s = t.elapsed().as_secs_f64();
            eprintln!(
                "  members: {written}/{members_total} ({:.0} rows/s, {:.0}s to go)",
                written as f64 / s,
                (members_total - written) as f64 / (written as f64 / s)
            );
            last_report = Instant::now();
        }
    }
    handle.join().expect("generator thread")?;
    eprintln!("members written in {:.1}s", t.elapsed().as_secs_f64());
    let summary = if let Some(store) = &store {
        let s = bulk::finish(store, &data, written).await?;
        // The maintained statistics are filled by the services; after a bulk load they are
        // computed once (part of generating, not of the measured queries).
        let t = Instant::now();
        store.rebuild_statistics(&Actor::system()).await?;
        eprintln!("statistics rebuilt in {:.1}s", t.elapsed().as_secs_f64());
        store.close().await;
        Some(s)
    } else {
        None
    };
    println!(
        "{}",
        json!({
            "generate": {
                "shape": shape,
                "summary": summary,
                "seconds": started.elapsed().as_secs_f64(),
            }
        })
    );
    Ok(())
}

async fn import(db: &Path, csv_path: &Path) -> Result<()> {
    let store = Store::open_sqlite_file(db).await?;
    store.migrate().await?;
    let started = Instant::now();
    // Reading the file is part of the import (the upload arrives as bytes).
    let bytes = std::fs::read(csv_path)?;
    let name = csv_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("members.csv");
    let report = store
        .import_commit(
            &Actor::system(),
            ImportKind::Members,
            bytes,
            name,
            &ImportScope::everything(),
            None,
        )
        .await?;
    // Closing is counted too: the reference's time includes closing its database.
    store.close().await;
    let seconds = started.elapsed().as_secs_f64();
    let written = report.counts.to_write();
    if !report.committed || written != report.rows {
        bail!(
            "import wrote {written} of {} rows (committed: {}); first errors: {:?}",
            report.rows,
            report.committed,
            report.errors.iter().take(5).collect::<Vec<_>>()
        );
    }
    println!(
        "{}",
        json!({
            "import": {
                "engine": "import_commit",
                "rows": report.rows,
                "written": written,
                "seconds": seconds,
                "rows_per_second": report.rows as f64 / seconds,
            }
        })
    );
    Ok(())
}

async fn pg_import(url: &str, shape: BulkShape, csv_path: &Path) -> Result<()> {
    let schema = format!("bench_import_{}", std::process::id());
    let store = Store::open_postgres(url, Some(&schema)).await?;
    store.migrate().await?;
    let data = BulkData::new(shape.clone())?;
    bulk::insert_orgs(&store, &data).await?;
    let mut start = 0;
    while start < shape.units {
        let end = (start + 100_000).min(shape.units);
        bulk::insert_units(&store, &data, &data.units(start..end)).await?;
        start = end;
    }
    bulk::finish(&store, &data, 0).await?;
    store.rebuild_statistics(&Actor::system()).await?;
    eprintln!("schema {schema}: orgs and units written");

    let started = Instant::now();
    let bytes = std::fs::read(csv_path)?;
    let report = store
        .import_commit(
            &Actor::system(),
            ImportKind::Members,
            bytes,
            "members.csv",
            &ImportScope::everything(),
            None,
        )
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let written = report.counts.to_write();
    store
        .execute_raw(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .await?;
    store.close().await;
    if !report.committed || written != report.rows {
        bail!(
            "import wrote {written} of {} rows; first errors: {:?}",
            report.rows,
            report.errors.iter().take(5).collect::<Vec<_>>()
        );
    }
    println!(
        "{}",
        json!({
            "pg_import": {
                "rows": report.rows,
                "seconds": seconds,
                "rows_per_second": report.rows as f64 / seconds,
            }
        })
    );
    Ok(())
}

async fn import_standin(db: &Path, csv_path: &Path) -> Result<()> {
    let store = Store::open_sqlite_file(db).await?;
    let started = Instant::now();
    // Reading and parsing the file is part of the import.
    let mut r = csv::Reader::from_path(csv_path)?;
    let headers = r.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let idx: Vec<Option<usize>> = MEMBER_HEADER.iter().map(|h| col(h)).collect();
    let mut rows = vec![];
    for rec in r.records() {
        let rec = rec?;
        let get = |i: usize| {
            idx[i]
                .and_then(|c| rec.get(c))
                .unwrap_or_default()
                .to_owned()
        };
        rows.push(RawMemberRow {
            name: get(0),
            id_number: get(1),
            org: get(2),
            join_date: get(3),
            phone: get(4),
            migrant_worker: get(5),
            dispatched_worker: get(6),
            new_employment_group: get(7),
            join_method: get(8),
        });
    }
    let parsed = started.elapsed().as_secs_f64();
    let report = bulk::import_members_standin(&store, &Actor::system(), &rows).await?;
    let seconds = started.elapsed().as_secs_f64();
    store.close().await;
    if report.invalid > 0 {
        bail!("import refused: {:?}", report.errors);
    }
    println!(
        "{}",
        json!({
            "import": {
                "engine": "standin",
                "rows": report.rows,
                "written": report.written,
                "read_seconds": parsed,
                "seconds": seconds,
                "rows_per_second": report.rows as f64 / seconds,
            }
        })
    );
    Ok(())
}

#[derive(serde::Deserialize)]
struct TargetIn {
    level: String,
    id: i64,
    name: String,
}

async fn stats(db: &Path, targets: &Path, repeat: usize) -> Result<()> {
    let targets: Vec<TargetIn> = serde_json::from_slice(&std::fs::read(targets)?)?;
    let store = Store::open_sqlite_file(db).await?;
    // A database generated before the statistics tables existed gets them here (and their
    // one-off rebuild); not part of any timing.
    store.migrate().await?;
    let mut out = vec![];
    for t in &targets {
        let org = store.org(t.id).await?;
        let mut apis = serde_json::Map::new();
        for api in ["stats", "subtree_totals"] {
            let mut times = vec![];
            let mut totals = serde_json::Value::Null;
            for _ in 0..=repeat {
                let s = Instant::now();
                totals = match api {
                    "stats" => {
                        let r = store
                            .stats(t.id, &StatsQuery::default(), &Visibility::All)
                            .await?;
                        json!({
                            "orgs": r.orgs,
                            "grassroots": r.grassroots,
                            "covered_units": r.covered_units,
                            "employees_in_covered_units": r.employees_in_covered_units,
                            "members": r.members,
                            "live": r.live,
                        })
                    }
                    _ => serde_json::to_value(store.subtree_totals(&org).await?)?,
                };
                times.push(s.elapsed().as_secs_f64());
            }
            let first = times[0];
            let mut warm = times[1..].to_vec();
            warm.sort_by(f64::total_cmp);
            let median = warm.get(warm.len() / 2).copied().unwrap_or(first);
            eprintln!(
                "{} {}: {api} first {first:.4}s, median {median:.4}s, {totals}",
                t.level, t.name
            );
            apis.insert(
                api.into(),
                json!({ "first_seconds": first, "median_seconds": median, "totals": totals }),
            );
        }
        out.push(json!({ "level": t.level, "name": t.name, "apis": apis }));
    }
    store.close().await;
    println!("{}", json!({ "stats": out }));
    Ok(())
}
