//! Prepared statements run directly on the SQLite connection of a transaction, for the member
//! import's inserts (docs/benchmarks.md: the commit must keep up with `sqlite3 .import`).
//!
//! Why not `Tx::execute`: every statement sent through sqlx travels to the connection's worker
//! thread and back, and its values are copied twice on the way; for hundreds of thousands of
//! rows that costs more than SQLite's own work. Here the connection is taken from the worker
//! (`lock_handle`, inside the caller's transaction), one multi-row INSERT is prepared once and
//! re-run with new values, and text is bound without copying. The SQL itself is still built by
//! sea-query; values are bound exactly as sqlx binds them ([`Bound::of`]), so a row written
//! here reads back like a row written by the store's statements.
//!
//! All `unsafe` of the crate is in this file: calls of the SQLite C API on a handle that sqlx
//! guarantees is ours while the lock is held.

use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use libsqlite3_sys as ffi;
use sqlx::error::{DatabaseError, ErrorKind};

use crate::members::Field;
use crate::{Error, Result};

/// A date as sqlx writes it (`NaiveDate::format("%F")`), appended to `s`: `YYYY-MM-DD` for
/// years 1000–9999 without parsing a format string for every row.
fn push_date(s: &mut String, d: NaiveDate) {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(1000..=9999).contains(&y) {
        s.push_str(&d.format("%F").to_string());
        return;
    }
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let y = y as u32;
    s.extend([digit(y / 1000), digit(y / 100), digit(y / 10), digit(y)]);
    s.extend([
        '-',
        digit(m / 10),
        digit(m),
        '-',
        digit(day / 10),
        digit(day),
    ]);
}

/// A timestamp as sqlx writes it.
pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// A value borrowed for one run of a statement. Callers bind values as sqlx's SQLite encoder
/// does (so rows read back alike): booleans as 0/1, dates with [`push_date`], timestamps with
/// [`time_text`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

/// The member columns of one row (`members::member_fields`), encoded as sqlx encodes them and
/// packed into one buffer: one allocation per row where the fields would take a dozen.
pub(crate) struct Packed {
    text: String,
    slots: [Slot; MEMBER_FIELDS],
}

const MEMBER_FIELDS: usize = 15;

#[derive(Clone, Copy)]
enum Slot {
    Null,
    Int(i64),
    Text(u32, u32),
}

impl Packed {
    pub fn of<C>(fields: [(C, Field<'_>); MEMBER_FIELDS]) -> Packed {
        let len: usize = fields
            .iter()
            .map(|(_, f)| match f {
                Field::Text(Some(t)) => t.len(),
                Field::Date(_) => 10,
                _ => 0,
            })
            .sum();
        let mut text = String::with_capacity(len);
        let mut slots = [Slot::Null; MEMBER_FIELDS];
        for (slot, (_, f)) in slots.iter_mut().zip(fields) {
            let start = text.len() as u32;
            *slot = match f {
                Field::Text(None) => Slot::Null,
                Field::Text(Some(t)) => {
                    text.push_str(t);
                    Slot::Text(start, text.len() as u32)
                }
                Field::Bool(b) => Slot::Int(i64::from(b)),
                Field::Int(i) => Slot::Int(i),
                Field::Date(d) => {
                    push_date(&mut text, d);
                    Slot::Text(start, text.len() as u32)
                }
            };
        }
        Packed { text, slots }
    }

    pub fn arg(&self, i: usize) -> Arg<'_> {
        match self.slots[i] {
            Slot::Null => Arg::Null,
            Slot::Int(v) => Arg::Int(v),
            Slot::Text(a, b) => Arg::Text(&self.text[a as usize..b as usize]),
        }
    }

    pub fn args(&self) -> impl Iterator<Item = Arg<'_>> {
        (0..MEMBER_FIELDS).map(|i| self.arg(i))
    }
}

/// The raw connection while sqlx's worker is locked out of it.
#[derive(Clone, Copy)]
pub(crate) struct Conn(NonNull<ffi::sqlite3>);

impl Conn {
    /// # Safety
    /// `db` must be an open connection that nothing else uses while this value and the
    /// statements prepared from it exist (sqlx's `LockedSqliteHandle` held for that long).
    pub unsafe fn new(db: NonNull<ffi::sqlite3>) -> Conn {
        Conn(db)
    }

    pub fn prepare(&self, sql: &str) -> Result<Stmt> {
        let mut raw = std::ptr::null_mut();
        let len = c_int::try_from(sql.len()).map_err(|_| Error::Io("SQL 语句过长".into()))?;
        // SAFETY: the handle is open and ours (Conn::new); `sql` outlives the call.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                self.0.as_ptr(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut raw,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc));
        }
        let raw = NonNull::new(raw).ok_or_else(|| Error::Io("空的 SQL 语句".into()))?;
        // SAFETY: the statement was just prepared.
        let params = unsafe { ffi::sqlite3_bind_parameter_count(raw.as_ptr()) } as usize;
        Ok(Stmt {
            raw,
            conn: *self,
            params,
        })
    }

    /// Run a multi-row statement of integers over `values` (rows of `width` values), `per`
    /// rows at a time: `sql(n)` builds the statement for `n` rows, prepared once for the full
    /// chunks and once for the rest.
    pub fn run_ints(
        &self,
        width: usize,
        per: usize,
        values: &[i64],
        sql: impl Fn(usize) -> String,
    ) -> Result<()> {
        if width == 0 || !values.len().is_multiple_of(width) {
            return Err(Error::Io("参数个数不是每行个数的整数倍".into()));
        }
        let mut args: Vec<Arg<'_>> = Vec::with_capacity(width * per);
        let mut full: Option<Stmt> = None;
        for chunk in values.chunks(width * per) {
            args.clear();
            args.extend(chunk.iter().map(|v| Arg::Int(*v)));
            let rows = chunk.len() / width;
            if rows == per {
                let stmt = match &mut full {
                    Some(s) => s,
                    None => full.insert(self.prepare(&sql(per))?),
                };
                stmt.run(&args, |_| {})?;
            } else {
                self.prepare(&sql(rows))?.run(&args, |_| {})?;
            }
        }
        Ok(())
    }

    /// Stop enforcing foreign keys on this connection until the returned guard is dropped
    /// (statements prepared meanwhile skip the checks). For inserts whose references the
    /// caller has already established within the same transaction.
    pub fn without_foreign_keys(&self) -> Result<ForeignKeysOff> {
        let was = self.foreign_keys(-1)?;
        self.foreign_keys(0)?;
        Ok(ForeignKeysOff { conn: *self, was })
    }

    /// Set enforcement (1 on, 0 off, -1 leave as is); returns the setting after the call.
    fn foreign_keys(&self, on: c_int) -> Result<c_int> {
        let mut now: c_int = 0;
        // SAFETY: the handle is open and ours; SQLITE_DBCONFIG_ENABLE_FKEY takes an int and
        // an int* for the previous setting. Unlike `PRAGMA foreign_keys`, it takes effect
        // inside a transaction.
        let rc = unsafe {
            ffi::sqlite3_db_config(
                self.0.as_ptr(),
                ffi::SQLITE_DBCONFIG_ENABLE_FKEY,
                on,
                &mut now as *mut c_int,
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(self.error(rc));
        }
        Ok(now)
    }

    /// Use a page cache of `size` (as `PRAGMA cache_size` takes it) until the returned guard
    /// is dropped, which restores the connection's own setting.
    pub fn with_cache_size(&self, size: i64) -> Result<CacheSize> {
        let mut was = None;
        self.prepare("PRAGMA cache_size")?
            .run(&[], |v| was = Some(v))?;
        let was = was.ok_or_else(|| Error::Io("PRAGMA cache_size 没有返回值".into()))?;
        self.prepare(&format!("PRAGMA cache_size = {size}"))?
            .run(&[], |_| ())?;
        Ok(CacheSize { conn: *self, was })
    }

    /// Rows inserted by the statement that ran last.
    pub fn changes(&self) -> i64 {
        // SAFETY: the handle is open and ours.
        unsafe { ffi::sqlite3_changes64(self.0.as_ptr()) }
    }

    /// The connection's last error as sqlx would report it.
    fn error(&self, rc: c_int) -> Error {
        // SAFETY: the handle is open and ours; the message is copied before any other call.
        let (code, message) = unsafe {
            let code = ffi::sqlite3_extended_errcode(self.0.as_ptr());
            let msg = ffi::sqlite3_errmsg(self.0.as_ptr());
            let message = if msg.is_null() {
                Cow::Borrowed("")
            } else {
                CStr::from_ptr(msg).to_string_lossy()
            };
            (if code == 0 { rc } else { code }, message.into_owned())
        };
        Error::Db(sqlx::Error::Database(Box::new(SqliteFailure {
            code,
            message,
        })))
    }
}

/// Foreign keys are not enforced while this lives; dropping it restores the setting.
pub(crate) struct ForeignKeysOff {
    conn: Conn,
    was: c_int,
}

impl Drop for ForeignKeysOff {
    fn drop(&mut self) {
        if self.conn.foreign_keys(self.was).is_err() {
            tracing::error!("could not restore foreign key enforcement on a SQLite connection");
        }
    }
}

/// The connection's page cache is resized while this lives.
pub(crate) struct CacheSize {
    conn: Conn,
    was: i64,
}

impl Drop for CacheSize {
    fn drop(&mut self) {
        let restored = self
            .conn
            .prepare(&format!("PRAGMA cache_size = {}", self.was))
            .and_then(|mut s| s.run(&[], |_| ()));
        if restored.is_err() {
            tracing::error!("could not restore the page cache size of a SQLite connection");
        }
    }
}

/// A prepared statement, finalized when dropped.
pub(crate) struct Stmt {
    raw: NonNull<ffi::sqlite3_stmt>,
    conn: Conn,
    /// Every run binds all of them (see `run`).
    params: usize,
}

impl Stmt {
    fn bind(&mut self, args: &[Arg<'_>]) -> Result<()> {
        for (i, a) in args.iter().enumerate() {
            let i = c_int::try_from(i + 1).map_err(|_| Error::Io("参数过多".into()))?;
            // SAFETY: the statement is live. Text is bound SQLITE_STATIC: SQLite keeps the
            // pointer and reads the text in place, but only while `run` steps it, right after
            // this binding; every run binds every parameter anew, so a pointer left from an
            // earlier run (whose text may be gone) is never read.
            let rc = unsafe {
                match a {
                    Arg::Null => ffi::sqlite3_bind_null(self.raw.as_ptr(), i),
                    Arg::Int(v) => ffi::sqlite3_bind_int64(self.raw.as_ptr(), i, *v),
                    Arg::Text(t) => ffi::sqlite3_bind_text64(
                        self.raw.as_ptr(),
                        i,
                        t.as_ptr().cast(),
                        t.len() as u64,
                        ffi::SQLITE_STATIC(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(self.conn.error(rc));
            }
        }
        Ok(())
    }

    /// Run the statement once with `args`, calling `row` for each result row's first column
    /// (an integer); the statement is ready to run again afterwards.
    pub fn run(&mut self, args: &[Arg<'_>], mut row: impl FnMut(i64)) -> Result<()> {
        self.rows(args, |r| {
            row(r.int(0));
            Ok(())
        })
    }

    /// Run the statement once with `args`, calling `row` with each result row; an error from
    /// `row` stops it. The statement is ready to run again afterwards.
    pub fn rows(
        &mut self,
        args: &[Arg<'_>],
        mut row: impl FnMut(&Columns<'_>) -> Result<()>,
    ) -> Result<()> {
        if args.len() != self.params {
            return Err(Error::Io(format!(
                "语句需要 {} 个参数，给了 {} 个",
                self.params,
                args.len()
            )));
        }
        let bound = self.bind(args);
        let stepped = bound.and_then(|()| {
            loop {
                // SAFETY: the statement is live and bound.
                match unsafe { ffi::sqlite3_step(self.raw.as_ptr()) } {
                    ffi::SQLITE_ROW => row(&Columns {
                        raw: self.raw,
                        _row: std::marker::PhantomData,
                    })?,
                    ffi::SQLITE_DONE => break Ok(()),
                    rc => break Err(self.conn.error(rc)),
                }
            }
        });
        // SAFETY: the statement is live; reset readies it for the next run (and reads no
        // bound value).
        unsafe {
            ffi::sqlite3_reset(self.raw.as_ptr());
        }
        stepped
    }
}

/// The current result row of a statement, valid while the `rows` callback runs.
pub(crate) struct Columns<'r> {
    raw: NonNull<ffi::sqlite3_stmt>,
    _row: std::marker::PhantomData<&'r ()>,
}

impl Columns<'_> {
    pub fn is_null(&self, i: c_int) -> bool {
        // SAFETY: a row is current while `self` lives.
        unsafe { ffi::sqlite3_column_type(self.raw.as_ptr(), i) == ffi::SQLITE_NULL }
    }

    pub fn int(&self, i: c_int) -> i64 {
        // SAFETY: a row is current while `self` lives.
        unsafe { ffi::sqlite3_column_int64(self.raw.as_ptr(), i) }
    }

    /// A text column (`None` for NULL); the text is SQLite's, valid until the next step.
    pub fn text(&self, i: c_int) -> Result<Option<&str>> {
        if self.is_null(i) {
            return Ok(None);
        }
        // SAFETY: a row is current; SQLite returns a pointer to `bytes` bytes of UTF-8 that
        // stays valid until the row changes, which cannot happen while `self` is borrowed.
        let bytes = unsafe {
            let p = ffi::sqlite3_column_text(self.raw.as_ptr(), i);
            let n = ffi::sqlite3_column_bytes(self.raw.as_ptr(), i);
            if p.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(p, n as usize)
            }
        };
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|e| Error::Io(format!("数据库中的文字不是 UTF-8：{e}")))
    }
}

/// A bound value of a statement built by sea-query (its `Values`), owned.
pub(crate) enum Param {
    Null,
    Int(i64),
    Text(String),
}

impl Param {
    /// The values of a built statement, bound as sqlx binds them (only the kinds the import's
    /// own statements use).
    pub fn all(values: sea_query::Values) -> Result<Vec<Param>> {
        use sea_query::Value;
        values
            .into_iter()
            .map(|v| match v {
                Value::Bool(Some(b)) => Ok(Param::Int(i64::from(b))),
                Value::Int(Some(i)) => Ok(Param::Int(i.into())),
                Value::BigInt(Some(i)) => Ok(Param::Int(i)),
                Value::String(Some(s)) => Ok(Param::Text(s)),
                Value::Bool(None)
                | Value::Int(None)
                | Value::BigInt(None)
                | Value::String(None) => Ok(Param::Null),
                other => Err(Error::Io(format!("语句中有不支持的值 {other:?}"))),
            })
            .collect()
    }

    pub fn arg(&self) -> Arg<'_> {
        match self {
            Param::Null => Arg::Null,
            Param::Int(i) => Arg::Int(*i),
            Param::Text(t) => Arg::Text(t),
        }
    }
}

impl Drop for Stmt {
    fn drop(&mut self) {
        // SAFETY: the statement is live and used by nothing else.
        unsafe {
            ffi::sqlite3_finalize(self.raw.as_ptr());
        }
    }
}

/// SQLite's refusal of a statement, as `Error::Db` carries it.
#[derive(Debug)]
struct SqliteFailure {
    code: c_int,
    message: String,
}

impl std::fmt::Display for SqliteFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for SqliteFailure {}

impl DatabaseError for SqliteFailure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_sqlx_writes_them() {
        for (y, m, d) in [(1900, 1, 1), (1985, 3, 10), (2026, 12, 31), (999, 5, 6)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut s = String::new();
            push_date(&mut s, date);
            assert_eq!(s, date.format("%F").to_string());
        }
    }

    #[test]
    fn times_as_sqlx_writes_them() {
        let t = DateTime::parse_from_rfc3339("2026-11-22T03:15:42.985560530+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time_text(t), "2026-11-22T03:15:42.985560530+00:00");
    }
}
