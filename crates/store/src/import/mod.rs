//! 导入: the 单位名录 (units), 工会组织名册 (orgs) and 会员名册 (members) from .xlsx, .xls or
//! .csv files, in two steps the person sees: a preview that writes nothing, then a commit of
//! every valid row in one transaction with one audit entry.
//!
//! ```text
//! bytes ─▶ sheet::read (format, header row, merged headers, row limit)
//!       ─▶ <kind>::parse   pure, per row: cells → the same inputs the forms build
//!                          (UnitInput, OrgInput, MemberInput), with per-cell Chinese messages
//!       ─▶ <kind>::plan    reads the database: new / changed / unchanged / invalid, relational
//!                          rules (scope, parent unions, one membership per person)
//!       ─▶ <kind>::write   (commit only) batched multi-row writes inside the one transaction
//! ```
//!
//! A 会员名册 commit runs these steps at once instead of one after the other (a thread reads
//! and checks rows while the transaction writes them; see `members.rs`), because rosters are
//! the big files and the import must keep pace with the database (docs/benchmarks.md).
//!
//! Re-importing a file changes nothing: every row is compared with what is stored, and rows
//! that match are "unchanged". Cells left empty keep what is stored (an import never erases a
//! field). A refused file (not a spreadsheet, missing columns, merged headers, too many rows)
//! is an `Error::Invalid` on the field `file`; refused rows are listed and skipped.
//!
//! Public entry points for other programs (the web pages, the command line, the benchmarks):
//! [`Store::import_preview`], [`Store::import_commit`], [`template`], [`result_xlsx`].

mod columns;
mod members;
mod orgs;
mod sheet;
pub(crate) mod sqlite_bulk;
mod units;
mod xlsx;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::{Error, Result, Store};

pub use sheet::MAX_ROWS;
pub use xlsx::{result_xlsx, template};

use columns::{Col, Mapping};
use sheet::{CellRef, Row, Table};

gonghui_domain::coded_enum! {
    /// What a file holds.
    pub enum ImportKind {
        Units = ("units", "单位名录"),
        Orgs = ("orgs", "工会组织名册"),
        Members = ("members", "会员名册"),
    }
}

impl ImportKind {
    fn columns(self) -> &'static [Col] {
        match self {
            ImportKind::Units => columns::UNIT_COLS,
            ImportKind::Orgs => columns::ORG_COLS,
            ImportKind::Members => columns::MEMBER_COLS,
        }
    }

    /// The audit action of a commit.
    pub fn action(self) -> &'static str {
        match self {
            ImportKind::Units => "import.units",
            ImportKind::Orgs => "import.orgs",
            ImportKind::Members => "import.members",
        }
    }

    /// The column headers of this import, required ones marked with `*` (as the template).
    pub fn headers(self) -> Vec<String> {
        self.columns()
            .iter()
            .map(|c| {
                if c.required {
                    format!("{}*", c.label)
                } else {
                    c.label.to_owned()
                }
            })
            .collect()
    }
}

/// What the importing account may write. Built by the web layer from the signed-in account
/// (`Auth::import_scope`), or [`ImportScope::everything`] for the command line's system actor.
#[derive(Debug, Clone)]
pub struct ImportScope {
    /// The system actor: every record.
    pub all: bool,
    /// Materialized path of the org whose subtree the account writes.
    pub subtree: String,
    /// Region prefixes of the unit directory (uncovered units) the account writes.
    pub unit_regions: Vec<String>,
    /// The account's scope org, recorded as the audit entry's org.
    pub org_id: Option<i64>,
}

impl ImportScope {
    pub fn everything() -> ImportScope {
        ImportScope {
            all: true,
            subtree: "/".into(),
            unit_regions: vec![],
            org_id: None,
        }
    }

    pub fn within(subtree: &str, unit_regions: Vec<String>, org_id: i64) -> ImportScope {
        ImportScope {
            all: false,
            subtree: subtree.to_owned(),
            unit_regions,
            org_id: Some(org_id),
        }
    }

    pub(crate) fn writes_path(&self, path: &str) -> bool {
        self.all || path.starts_with(&self.subtree)
    }

    pub(crate) fn writes_region(&self, region: &str) -> bool {
        self.all
            || self
                .unit_regions
                .iter()
                .any(|p| region.starts_with(p.as_str()))
    }
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    New,
    Changed,
    Unchanged,
    Invalid,
}

impl RowStatus {
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::New => "新增",
            RowStatus::Changed => "修改",
            RowStatus::Unchanged => "无变化",
            RowStatus::Invalid => "有错误，未导入",
        }
    }
}

/// One problem in one cell (or one row, when `column` names the row's key).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RowError {
    /// Row number as Excel shows it (or the CSV line).
    pub line: usize,
    /// The column's name (as in the template).
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub invalid: usize,
}

impl Counts {
    /// Rows a commit writes.
    pub fn to_write(&self) -> usize {
        self.new + self.changed
    }
}

/// What a file would do (preview) or did (commit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Preview {
    pub kind: ImportKind,
    pub filename: String,
    /// The file's format as read: "Excel 工作簿（.xlsx）", "CSV（GB18030/GBK 编码）"…
    pub format: String,
    /// Data rows read (the template's example row and blank rows excluded).
    pub rows: usize,
    pub counts: Counts,
    /// Every problem, in row order.
    pub errors: Vec<RowError>,
    /// Headers of columns the import does not use (ignored).
    pub extra_columns: Vec<String>,
    /// Remarks about the whole file (skipped example row, columns left out…).
    pub notes: Vec<String>,
    /// The status of every data row, by line.
    pub statuses: Vec<(usize, RowStatus)>,
    /// True once written.
    pub committed: bool,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// A commit's result: the same shape as the preview, with `committed` set.
pub type ImportReport = Preview;

/// Rows processed so far by a running commit, for a progress bar. Share one with the commit
/// (`Arc`) and read it from elsewhere.
#[derive(Debug, Default)]
pub struct ImportProgress {
    done: AtomicU64,
    total: AtomicU64,
    finished: std::sync::atomic::AtomicBool,
}

impl ImportProgress {
    pub fn new() -> Arc<ImportProgress> {
        Arc::default()
    }

    /// (rows written, rows to write).
    pub fn get(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    pub(crate) fn start(&self, total: usize) {
        self.total.store(total as u64, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    pub(crate) fn add(&self, n: usize) {
        self.done.fetch_add(n as u64, Ordering::Relaxed);
    }

    fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }
}

pub(crate) fn tick(progress: Option<&ImportProgress>, n: usize) {
    if let Some(p) = progress {
        p.add(n);
    }
}

/// One data row after parsing: its value (when every cell was readable) and its problems.
#[derive(Debug)]
pub(crate) struct Line<T> {
    pub line: usize,
    pub value: Option<T>,
    pub errors: Vec<(&'static str, String)>,
    /// How later rows may refer to this one (orgs: its name and code), even when it failed.
    pub keys: Vec<String>,
}

impl<T> Line<T> {
    fn new(line: usize) -> Line<T> {
        Line {
            line,
            value: None,
            errors: vec![],
            keys: vec![],
        }
    }

    pub fn error(&mut self, column: &'static str, message: impl Into<String>) {
        self.errors.push((column, message.into()));
    }
}

/// A file read and mapped onto an import's columns.
pub(crate) struct Sheet {
    pub table: Table,
    pub map: Mapping,
    pub cols: &'static [Col],
    pub notes: Vec<String>,
}

impl Sheet {
    pub fn cell<'a>(&self, row: &'a Row, key: &str) -> CellRef<'a> {
        let i = self
            .cols
            .iter()
            .position(|c| c.key == key)
            .expect("a known column key");
        match self.map.at[i] {
            Some(c) => row.get(c).view(),
            None => CellRef::Empty,
        }
    }

    pub fn label(&self, key: &str) -> &'static str {
        self.cols
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.label)
            .expect("a known column key")
    }
}

/// True for the template's example row left in the file.
fn is_example(cols: &[Col], map: &Mapping, cells: &[CellRef<'_>]) -> bool {
    cols.iter().zip(&map.at).all(|(c, at)| {
        let v = at
            .and_then(|i| cells.get(i))
            .map(|cell| cell.text())
            .unwrap_or_default();
        v.trim() == c.example
    })
}

/// Whether a row of the file's top rows is this import's header row.
fn header_test(cols: &'static [Col]) -> impl Fn(&[String]) -> bool {
    move |cells: &[String]| {
        let m = Mapping::of(cols, cells);
        m.at.iter().filter(|a| a.is_some()).count() >= 2
            || cols
                .iter()
                .zip(&m.at)
                .any(|(c, a)| c.required && a.is_some())
    }
}

/// The refusal of a file whose header lacks required columns (`None` when all are there).
fn missing_columns(kind: ImportKind, header: &sheet::Header, map: &Mapping) -> Option<Error> {
    let cols = kind.columns();
    let missing = map.missing_required(cols);
    if missing.is_empty() {
        return None;
    }
    let found: Vec<&str> = header
        .headers
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    Some(Error::invalid(
        "file",
        format!(
            "文件缺少必填的列：{}。{}的必填列为 {}；文件第{}行的列标题是：{}。请使用下载的模板，或把列标题改为模板中的名称",
            missing.join("、"),
            kind.label(),
            cols.iter()
                .filter(|c| c.required)
                .map(|c| c.label)
                .collect::<Vec<_>>()
                .join("、"),
            header.line,
            if found.is_empty() {
                "（空）".to_owned()
            } else {
                found.join("、")
            }
        ),
    ))
}

const EXAMPLE_SKIPPED: &str = "已跳过模板中的示例行（与模板示例完全相同的行不会导入）。";

fn no_data_rows(header_line: usize) -> Error {
    Error::invalid(
        "file",
        format!("文件中除列标题（第{header_line}行）外没有数据行"),
    )
}

/// Read the file and map its columns. Pure CPU work: callers run it off the async workers.
fn read_sheet(kind: ImportKind, bytes: &[u8], filename: &str) -> Result<Sheet> {
    let cols = kind.columns();
    let mut table = sheet::read(bytes, filename, &header_test(cols))?;
    let map = Mapping::of(cols, &table.headers);
    let header = sheet::Header {
        format: table.format.clone(),
        line: table.header_line,
        headers: table.headers.clone(),
    };
    if let Some(e) = missing_columns(kind, &header, &map) {
        return Err(e);
    }
    let mut notes = vec![];
    let before = table.rows.len();
    table.rows.retain(|r| {
        let cells: Vec<CellRef<'_>> = r.cells.iter().map(sheet::Cell::view).collect();
        !is_example(cols, &map, &cells)
    });
    if table.rows.len() < before {
        notes.push(EXAMPLE_SKIPPED.into());
    }
    if table.rows.is_empty() {
        return Err(no_data_rows(table.header_line));
    }
    Ok(Sheet {
        table,
        map,
        cols,
        notes,
    })
}

/// Parsed rows of one kind.
enum Parsed {
    Units(Vec<Line<units::UnitRow>>),
    Orgs(Vec<Line<orgs::OrgRow>>),
    Members(Vec<Line<members::MemberRow>>),
}

fn parse(kind: ImportKind, sheet: &Sheet) -> Parsed {
    match kind {
        ImportKind::Units => Parsed::Units(units::parse(sheet)),
        ImportKind::Orgs => Parsed::Orgs(orgs::parse(sheet)),
        ImportKind::Members => Parsed::Members(members::parse(sheet)),
    }
}

/// The outcome of planning one row.
#[derive(Debug)]
pub(crate) struct Planned<A> {
    pub line: usize,
    pub status: RowStatus,
    pub errors: Vec<(&'static str, String)>,
    /// What to write (for new and changed rows).
    pub action: Option<A>,
}

impl<A> Planned<A> {
    pub fn invalid(line: usize, errors: Vec<(&'static str, String)>) -> Planned<A> {
        Planned {
            line,
            status: RowStatus::Invalid,
            errors,
            action: None,
        }
    }

    pub fn ok(line: usize, status: RowStatus, action: Option<A>) -> Planned<A> {
        Planned {
            line,
            status,
            errors: vec![],
            action,
        }
    }
}

enum Plan {
    Units(Vec<Planned<units::UnitAction>>),
    Orgs(Vec<Planned<orgs::OrgAction>>),
    Members(Vec<Planned<members::MemberAction>>),
}

fn summarize<A>(rows: &[Planned<A>], preview: &mut Preview) {
    for p in rows {
        match p.status {
            RowStatus::New => preview.counts.new += 1,
            RowStatus::Changed => preview.counts.changed += 1,
            RowStatus::Unchanged => preview.counts.unchanged += 1,
            RowStatus::Invalid => preview.counts.invalid += 1,
        }
        preview.statuses.push((p.line, p.status));
        for (column, message) in &p.errors {
            preview.errors.push(RowError {
                line: p.line,
                column: (*column).to_owned(),
                message: message.clone(),
            });
        }
    }
}

impl Plan {
    fn preview(&self, kind: ImportKind, filename: &str, sheet: &Sheet) -> Preview {
        let mut p = Preview {
            kind,
            filename: filename.to_owned(),
            format: sheet.table.format.clone(),
            rows: sheet.table.rows.len(),
            counts: Counts::default(),
            errors: vec![],
            extra_columns: sheet.map.extra.clone(),
            notes: sheet.notes.clone(),
            statuses: vec![],
            committed: false,
            elapsed: Duration::ZERO,
        };
        match self {
            Plan::Units(r) => summarize(r, &mut p),
            Plan::Orgs(r) => summarize(r, &mut p),
            Plan::Members(r) => summarize(r, &mut p),
        }
        p
    }
}

async fn read_and_parse(kind: ImportKind, bytes: &[u8], filename: &str) -> Result<(Sheet, Parsed)> {
    let bytes = bytes.to_vec();
    let filename = filename.to_owned();
    let job = tokio::task::spawn_blocking(move || -> Result<(Sheet, Parsed)> {
        let t = Instant::now();
        let sheet = read_sheet(kind, &bytes, &filename)?;
        tracing::debug!(elapsed = ?t.elapsed(), "import: read");
        let parsed = parse(kind, &sheet);
        tracing::debug!(elapsed = ?t.elapsed(), "import: parse");
        Ok((sheet, parsed))
    });
    match job.await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(Error::rule("导入被中断，请重新上传")),
    }
}

async fn plan(tx: &mut Tx, scope: &ImportScope, sheet: &Sheet, parsed: Parsed) -> Result<Plan> {
    Ok(match parsed {
        Parsed::Units(rows) => Plan::Units(units::plan(tx, scope, sheet, rows).await?),
        Parsed::Orgs(rows) => Plan::Orgs(orgs::plan(tx, scope, sheet, rows).await?),
        Parsed::Members(rows) => Plan::Members(members::plan(tx, scope, rows).await?),
    })
}

/// What a commit touched, for the maintained statistics.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Orgs whose own counts may have changed (members, covered units, new orgs).
    pub orgs: Vec<i64>,
    /// Region codes whose units without a union may have changed.
    pub regions: Vec<String>,
}

/// Keep the maintained statistics (the stats module's counts tables) in step with what the
/// commit wrote, in the same transaction.
async fn refresh_counts(tx: &mut Tx, touched: Touched) -> Result<()> {
    crate::stats::counts::refresh_orgs(tx, &touched.orgs).await?;
    crate::stats::counts::refresh_regions(tx, &touched.regions).await
}

/// What the audit entry of an import records.
#[derive(Serialize)]
struct AuditSummary<'a> {
    filename: &'a str,
    format: &'a str,
    rows: usize,
    counts: Counts,
    errors: usize,
}

impl Store {
    /// Read `bytes` (the uploaded file named `filename`) as an import of `kind` and say what a
    /// commit would do, row by row, within `scope`. Writes nothing.
    pub async fn import_preview(
        &self,
        kind: ImportKind,
        bytes: &[u8],
        filename: &str,
        scope: &ImportScope,
    ) -> Result<Preview> {
        let started = Instant::now();
        let (sheet, parsed) = read_and_parse(kind, bytes, filename).await?;
        let mut tx = self.read().await?;
        let plan = plan(&mut tx, scope, &sheet, parsed).await?;
        let mut p = plan.preview(kind, filename, &sheet);
        p.elapsed = started.elapsed();
        Ok(p)
    }

    /// Write every valid new or changed row of the file in ONE transaction, with one audit
    /// entry `import.<kind>` carrying the counts; rows with errors are skipped (and listed).
    /// The file is planned again inside the transaction, so what is written matches the data
    /// at that moment. Nothing is written when no row is new or changed.
    pub async fn import_commit(
        &self,
        actor: &Actor,
        kind: ImportKind,
        bytes: impl Into<Vec<u8>>,
        filename: &str,
        scope: &ImportScope,
        progress: Option<&ImportProgress>,
    ) -> Result<ImportReport> {
        let started = Instant::now();
        // Owned: a roster is read on a thread of its own, and a copy of a big file costs more
        // than the caller giving it up (pass the `Vec`; a borrowed slice is copied).
        let bytes: Vec<u8> = bytes.into();
        let (mut tx, mut report) = if kind == ImportKind::Members {
            // Rosters are the big files: read, checked and written at the same time.
            let mut tx = self.begin().await?;
            let report = members::commit(&mut tx, scope, bytes, filename, progress).await?;
            (tx, report)
        } else {
            let (sheet, parsed) = read_and_parse(kind, &bytes, filename).await?;
            tracing::debug!(elapsed = ?started.elapsed(), "import: parsed");
            let mut tx = self.begin().await?;
            let plan = plan(&mut tx, scope, &sheet, parsed).await?;
            tracing::debug!(elapsed = ?started.elapsed(), "import: planned");
            let report = plan.preview(kind, filename, &sheet);
            if let Some(p) = progress {
                p.start(report.counts.to_write());
            }
            if report.counts.to_write() > 0 {
                let touched = match plan {
                    Plan::Units(rows) => units::write(&mut tx, rows, progress).await?,
                    Plan::Orgs(rows) => orgs::write(&mut tx, rows, progress).await?,
                    Plan::Members(rows) => members::write(&mut tx, rows, progress).await?,
                };
                tracing::debug!(elapsed = ?started.elapsed(), "import: written");
                refresh_counts(&mut tx, touched).await?;
                tracing::debug!(elapsed = ?started.elapsed(), "import: counts refreshed");
            }
            (tx, report)
        };
        if report.counts.to_write() > 0 {
            audit::record::<(), _>(
                &mut tx,
                actor,
                kind.action(),
                Target::new("import", None, scope.org_id),
                None,
                Some(&AuditSummary {
                    filename,
                    format: &report.format,
                    rows: report.rows,
                    counts: report.counts,
                    errors: report.errors.len(),
                }),
            )
            .await?;
            tracing::debug!(elapsed = ?started.elapsed(), "import: audited");
            tx.commit().await?;
            tracing::debug!(elapsed = ?started.elapsed(), "import: committed");
            report.committed = true;
        }
        if let Some(p) = progress {
            p.finish();
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }
}

/// SQLite allows 32,766 bound parameters per statement (PostgreSQL 65,535); stay below both.
const MAX_PARAMS: usize = 30_000;
/// Beyond a few hundred rows per statement the gain is nil and the SQL text just grows.
const MAX_BATCH: usize = 500;

/// Rows per multi-row statement for a table of `cols` columns.
pub(crate) fn batch_size(cols: usize) -> usize {
    (MAX_PARAMS / cols.max(1)).clamp(1, MAX_BATCH)
}

/// Insert `rows` with multi-row INSERTs of [`batch_size`] rows.
pub(crate) async fn insert_rows<C>(
    tx: &mut Tx,
    table: impl sea_query::IntoTableRef + Clone,
    cols: &[C],
    rows: Vec<Vec<sea_query::Expr>>,
    progress: Option<&ImportProgress>,
) -> Result<()>
where
    C: sea_query::IntoIden + Clone,
{
    let per = batch_size(cols.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut stmt = sea_query::Query::insert()
            .into_table(table.clone())
            .columns(cols.iter().cloned())
            .to_owned();
        let mut n = 0;
        for row in rows.by_ref().take(per) {
            stmt.values_panic(row);
            n += 1;
        }
        tx.execute(&stmt).await?;
        tick(progress, n);
    }
    Ok(())
}

/// Values of `items` in chunks small enough for an `IN (...)` list.
pub(crate) fn chunks<T: Clone>(items: &[T]) -> impl Iterator<Item = Vec<T>> + '_ {
    items.chunks(MAX_BATCH * 2).map(|c| c.to_vec())
}
