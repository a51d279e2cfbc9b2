//! The one place that knows there are two engines. Everything above talks to [`Store`] and
//! [`Tx`]; statements are built once with sea-query and rendered for the engine in use.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sea_query::{InsertStatement, PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool};

use crate::Result;

/// A row type that both engines can decode. Derive `sqlx::FromRow` and use column types that
/// exist on both sides (i64, String, bool, NaiveDate, DateTime<Utc>, Option of those).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.engine())
    }
}

impl Store {
    /// Open (creating if needed) the embedded SQLite database in `dir`.
    pub async fn open_sqlite_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::Io(e.to_string()))?;
        Self::open_sqlite_file(&dir.join("gonghui.sqlite3")).await
    }

    pub async fn open_sqlite_file(file: &Path) -> Result<Store> {
        let opts = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across application crashes in WAL mode; only an OS crash can
            // lose the last transactions, which the backup guide covers.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Connect to PostgreSQL. `schema`, when given, is created if missing and put first on the
    /// search path of every connection (tests give each case its own schema).
    pub async fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store> {
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            let setup = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            let ddl = format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                schema.replace('"', "")
            );
            sqlx::query(AssertSqlSafe(ddl)).execute(&setup).await?;
            setup.close().await;
            opts = opts.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
        })
    }

    /// Open by URL: `postgres://…` or `sqlite://path`.
    pub async fn open_url(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url, None).await
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Self::open_sqlite_file(Path::new(path)).await
        } else {
            Err(crate::Error::invalid(
                "database_url",
                "数据库地址应以 postgres:// 或 sqlite:// 开头",
            ))
        }
    }

    pub fn engine(&self) -> Engine {
        match self.pool {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// Bring the schema up to date. Safe to run on every start.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        // Counts kept by the statistics are computed once for data that predates them.
        crate::stats::counts::rebuild_if_pending(self).await?;
        // Built-in standards and eligibility rules (七有、六有、双亮…) exist in every deployment.
        crate::standards::seed_builtins(self).await?;
        Ok(())
    }

    /// Begin a write transaction. Every service operation runs inside exactly one. On SQLite
    /// it takes the write lock at once (BEGIN IMMEDIATE): a deferred transaction that read first
    /// could not upgrade after another writer committed, and the audit chain needs every writer
    /// in line.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begin a read-only unit of work: one consistent snapshot for a page, no write lock.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Write a consistent copy of the SQLite database to `target` while the server keeps
    /// running (`VACUUM INTO`). PostgreSQL deployments back up with `pg_dump` instead.
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        let Pool::Sqlite(p) = &self.pool else {
            return Err(crate::Error::rule(
                "PostgreSQL 数据库请使用 pg_dump 备份（见运维指南）",
            ));
        };
        if target.exists() {
            return Err(crate::Error::rule(format!(
                "备份文件 {} 已存在，请换一个文件名",
                target.display()
            )));
        }
        let path = target
            .to_str()
            .ok_or_else(|| crate::Error::rule("备份文件路径含有无法识别的字符"))?;
        // VACUUM INTO takes no bound parameters; the path is quoted as an SQL string literal.
        let sql = format!("VACUUM INTO '{}'", path.replace('\'', "''"));
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(p).await?;
        Ok(())
    }

    /// Run a raw statement (used by tests and tooling only; application code builds statements).
    pub async fn execute_raw(&self, sql: &str) -> Result<u64> {
        let sql = sql.to_owned();
        Ok(match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(p)
                .await?
                .rows_affected(),
            Pool::Postgres(p) => sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(p)
                .await?
                .rows_affected(),
        })
    }
}

/// An open transaction on either engine. Dropping it without [`Tx::commit`] rolls back, which
/// is what makes "bad input changes nothing" hold for every early `?` return.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Execute an insert/update/delete; returns the rows affected.
    pub async fn execute<S: SqlxBinder>(&mut self, stmt: &S) -> Result<u64> {
        Ok(match self {
            Tx::Sqlite(t) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
            Tx::Postgres(t) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut **t)
                    .await?
                    .rows_affected()
            }
        })
    }

    pub async fn all<T: Record, S: SqlxBinder>(&mut self, stmt: &S) -> Result<Vec<T>> {
        Ok(match self {
            Tx::Sqlite(t) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_all(&mut **t)
                    .await?
            }
            Tx::Postgres(t) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_all(&mut **t)
                    .await?
            }
        })
    }

    pub async fn optional<T: Record, S: SqlxBinder>(&mut self, stmt: &S) -> Result<Option<T>> {
        Ok(match self {
            Tx::Sqlite(t) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(&mut **t)
                    .await?
            }
            Tx::Postgres(t) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(&mut **t)
                    .await?
            }
        })
    }

    pub async fn one<T: Record, S: SqlxBinder>(&mut self, stmt: &S) -> Result<T> {
        self.optional(stmt)
            .await?
            .ok_or(crate::Error::NotFound("记录"))
    }

    /// A single integer (a count, an id) from the first column of the first row.
    pub async fn scalar<S: SqlxBinder>(&mut self, stmt: &S) -> Result<i64> {
        let row: (i64,) = self.one(stmt).await?;
        Ok(row.0)
    }

    /// Insert one row and return its new id.
    pub async fn insert_id(&mut self, mut stmt: InsertStatement) -> Result<i64> {
        stmt.returning_col(sea_query::Alias::new("id"));
        self.scalar(&stmt).await
    }
}
