//! 导入 pages: choose what to import and download its template (`/imports`), upload, see the
//! preview (`/imports/{id}`), confirm, and download the result with an error column.
//!
//! The uploaded bytes never travel in a form: they wait in `<data dir>/imports/<id>/`, where
//! `<id>` is a random token bound to the account that uploaded (another account gets 404).
//! The preview is computed once at upload and kept beside the file; the commit plans the file
//! again inside its transaction. Uploads older than a day are removed at the next upload.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use gonghui_store::{Error, ImportKind, ImportProgress, Preview, RowError};
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::nav::Nav;
use crate::{AppError, AppResult, AppState};

/// Largest file accepted (a city's whole member roster as .xlsx is about 20 MB).
pub const UPLOAD_LIMIT: usize = 50 * 1024 * 1024;
/// Errors listed on the preview page; all of them are in the result file.
const ERRORS_SHOWN: usize = 500;
/// Files with more rows to write than this show a progress bar while the commit runs.
const PROGRESS_FROM: usize = 20_000;
/// Uploads are kept this long.
const KEEP_HOURS: u64 = 24;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Commits running now, by upload id (for the progress bar).
static RUNNING: LazyLock<Mutex<HashMap<String, Arc<ImportProgress>>>> =
    LazyLock::new(Default::default);

/// What is kept beside an uploaded file.
#[derive(Serialize, Deserialize)]
struct Meta {
    account_id: i64,
    kind: ImportKind,
    filename: String,
    preview: Preview,
    report: Option<Preview>,
}

fn dir_of(st: &AppState, id: &str) -> Option<PathBuf> {
    // Ids are our own hex tokens; anything else names no upload.
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(st.data_dir.join("imports").join(id))
}

fn io(e: std::io::Error) -> AppError {
    AppError::from(Error::Io(e.to_string()))
}

/// The upload `id` of this account, or 404 (also for another account's upload).
async fn load(st: &AppState, auth: &Auth, id: &str) -> AppResult<(PathBuf, Meta)> {
    let dir = dir_of(st, id).ok_or(AppError::not_found("导入文件"))?;
    let Ok(text) = tokio::fs::read(dir.join("meta.json")).await else {
        return Err(AppError::not_found(
            "导入文件（上传超过一天的文件已删除，请重新上传）",
        ));
    };
    let meta: Meta = serde_json::from_slice(&text).map_err(|e| Error::Io(e.to_string()))?;
    if meta.account_id != auth.account.id {
        return Err(AppError::not_found("导入文件"));
    }
    Ok((dir, meta))
}

async fn save(dir: &std::path::Path, meta: &Meta) -> AppResult<()> {
    let text = serde_json::to_vec(meta).map_err(|e| Error::Io(e.to_string()))?;
    tokio::fs::write(dir.join("meta.json"), text)
        .await
        .map_err(io)
}

/// Remove uploads older than [`KEEP_HOURS`].
async fn sweep(st: &AppState) {
    let root = st.data_dir.join("imports");
    let Ok(mut entries) = tokio::fs::read_dir(&root).await else {
        return;
    };
    let limit = std::time::Duration::from_secs(KEEP_HOURS * 3600);
    while let Ok(Some(e)) = entries.next_entry().await {
        let old = e
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old {
            let _ = tokio::fs::remove_dir_all(e.path()).await;
        }
    }
}

struct KindOption {
    code: &'static str,
    label: &'static str,
    columns: String,
    required: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports.html")]
pub struct ImportsPage {
    nav: Nav,
    kinds: Vec<KindOption>,
    chosen: &'static str,
    error: Option<String>,
    limit_mb: usize,
}

fn kind_options() -> Vec<KindOption> {
    ImportKind::ALL
        .iter()
        .map(|k| {
            let headers = k.headers();
            KindOption {
                code: k.code(),
                label: k.label(),
                required: headers
                    .iter()
                    .filter(|h| h.ends_with('*'))
                    .map(|h| h.trim_end_matches('*'))
                    .collect::<Vec<_>>()
                    .join("、"),
                columns: headers
                    .iter()
                    .filter(|h| !h.ends_with('*'))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("、"),
            }
        })
        .collect()
}

fn page(auth: &Auth, chosen: &str, error: Option<String>) -> ImportsPage {
    ImportsPage {
        nav: Nav::of(auth),
        kinds: kind_options(),
        chosen: ImportKind::from_code(chosen)
            .unwrap_or(ImportKind::Members)
            .code(),
        error,
        limit_mb: UPLOAD_LIMIT / 1024 / 1024,
    }
}

/// 导入: choose the kind, download its template, upload a file.
pub async fn index(auth: Auth, Query(q): Query<HashMap<String, String>>) -> AppResult<ImportsPage> {
    auth.require_import().await?;
    Ok(page(
        &auth,
        q.get("kind").map(String::as_str).unwrap_or(""),
        None,
    ))
}

/// The template of an import, `units.xlsx`, `orgs.xlsx` or `members.xlsx`.
pub async fn template(auth: Auth, Path(file): Path<String>) -> AppResult<Response> {
    auth.require_import().await?;
    let kind = file
        .strip_suffix(".xlsx")
        .and_then(ImportKind::from_code)
        .ok_or(AppError::not_found("导入模板"))?;
    let bytes = gonghui_store::import::template(kind)?;
    Ok(download(&format!("{}导入模板.xlsx", kind.label()), bytes))
}

fn download(name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Receive a file, keep it, compute the preview, show it.
pub async fn upload(
    State(st): State<AppState>,
    auth: Auth,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    auth.require_import().await?;
    let refuse = |chosen: &str, msg: &str| -> AppResult<Response> {
        Ok(crate::pages::orgs::unprocessable(page(
            &auth,
            chosen,
            Some(msg.to_owned()),
        )))
    };
    let Ok(mut form) = form else {
        return refuse("", "请选择要导入的文件后再点“上传并预览”");
    };
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refuse(
                    "",
                    &format!(
                        "文件超过 {} MB，请按地区或工会拆分为几个文件分批导入",
                        UPLOAD_LIMIT / 1024 / 1024
                    ),
                );
            }
            Err(_) => return refuse("", "上传中断，请重新选择文件上传"),
        };
        match field.name() {
            Some("kind") => {
                kind = field
                    .text()
                    .await
                    .ok()
                    .and_then(|k| ImportKind::from_code(&k))
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(_) => {
                        return refuse(
                            "",
                            &format!(
                                "文件超过 {} MB 或上传中断，请拆分文件或重新上传",
                                UPLOAD_LIMIT / 1024 / 1024
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let Some(kind) = kind else {
        return refuse("", "请选择要导入的名册（单位名录、工会组织名册或会员名册）");
    };
    let Some((filename, bytes)) = file.filter(|(n, b)| !n.is_empty() || !b.is_empty()) else {
        return refuse(kind.code(), "请选择要导入的文件后再点“上传并预览”");
    };
    let filename = if filename.trim().is_empty() {
        "上传的文件".to_owned()
    } else {
        filename
    };
    let preview = match st
        .store
        .import_preview(kind, &bytes, &filename, &auth.import_scope())
        .await
    {
        Ok(p) => p,
        Err(Error::Invalid { message, .. }) => return refuse(kind.code(), &message),
        Err(e) => return Err(e.into()),
    };
    sweep(&st).await;
    let id = gonghui_store::accounts::random_token();
    let dir = dir_of(&st, &id).expect("a fresh token");
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    tokio::fs::write(dir.join("upload.bin"), &bytes)
        .await
        .map_err(io)?;
    save(
        &dir,
        &Meta {
            account_id: auth.account.id,
            kind,
            filename,
            preview,
            report: None,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

/// One error row as shown.
struct ErrorRow {
    line: usize,
    column: String,
    message: String,
}

fn error_rows(errors: &[RowError]) -> Vec<ErrorRow> {
    errors
        .iter()
        .take(ERRORS_SHOWN)
        .map(|e| ErrorRow {
            line: e.line,
            column: e.column.clone(),
            message: e.message.clone(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "import_preview.html")]
pub struct PreviewPage {
    nav: Nav,
    id: String,
    kind_label: &'static str,
    kind_code: &'static str,
    p: Preview,
    errors: Vec<ErrorRow>,
    more_errors: usize,
    to_write: usize,
    /// Show the progress bar while the commit runs.
    poll: bool,
}

/// 导入预览: counts, every problem by row and column, and the confirm button.
pub async fn preview(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    auth.require_import().await?;
    let (_, meta) = load(&st, &auth, &id).await?;
    if meta.report.is_some() {
        return Ok(Redirect::to(&format!("/imports/{id}/result")).into_response());
    }
    let p = meta.preview;
    Ok(PreviewPage {
        nav: Nav::of(&auth),
        kind_label: meta.kind.label(),
        kind_code: meta.kind.code(),
        errors: error_rows(&p.errors),
        more_errors: p.errors.len().saturating_sub(ERRORS_SHOWN),
        to_write: p.counts.to_write(),
        poll: p.counts.to_write() > PROGRESS_FROM,
        id,
        p,
    }
    .into_response())
}

/// 确认导入: write every valid row of the previewed file, in one transaction.
pub async fn commit(
    State(st): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    auth.require_import().await?;
    let (dir, mut meta) = load(&st, &auth, &id).await?;
    let to = format!("/imports/{id}/result");
    if meta.report.is_none() {
        let bytes = tokio::fs::read(dir.join("upload.bin")).await.map_err(io)?;
        let progress = ImportProgress::new();
        RUNNING
            .lock()
            .expect("progress lock")
            .insert(id.clone(), progress.clone());
        let r = st
            .store
            .import_commit(
                &auth.actor(),
                meta.kind,
                bytes,
                &meta.filename,
                &auth.import_scope(),
                Some(&progress),
            )
            .await;
        RUNNING.lock().expect("progress lock").remove(&id);
        let report = match r {
            Ok(r) => r,
            Err(Error::Invalid { message, .. }) => {
                return Err(AppError::from(Error::rule(message)));
            }
            Err(e) => return Err(e.into()),
        };
        meta.report = Some(report);
        save(&dir, &meta).await?;
    }
    // htmx follows with a full page load; a plain form post gets a redirect.
    if headers.contains_key("hx-request") {
        return Ok(([("HX-Redirect", to)], "").into_response());
    }
    Ok(Redirect::to(&to).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "import_progress.html")]
pub struct ProgressFragment {
    done: u64,
    total: u64,
    percent: u64,
    running: bool,
}

/// The progress bar of a running commit (polled by htmx).
pub async fn progress(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<ProgressFragment> {
    auth.require_import().await?;
    load(&st, &auth, &id).await?;
    let p = RUNNING.lock().expect("progress lock").get(&id).cloned();
    let (done, total) = p.as_ref().map(|p| p.get()).unwrap_or((0, 0));
    Ok(ProgressFragment {
        done,
        total,
        percent: (done * 100).checked_div(total).unwrap_or(0),
        running: p.is_some(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "import_result.html")]
pub struct ResultPage {
    nav: Nav,
    id: String,
    kind_label: &'static str,
    kind_code: &'static str,
    p: Preview,
    errors: Vec<ErrorRow>,
    more_errors: usize,
    home: Option<(i64, String)>,
}

/// 导入结果: what was written, and the result file.
pub async fn result(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    auth.require_import().await?;
    let (_, meta) = load(&st, &auth, &id).await?;
    let Some(p) = meta.report else {
        return Ok(Redirect::to(&format!("/imports/{id}")).into_response());
    };
    Ok(ResultPage {
        nav: Nav::of(&auth),
        kind_label: meta.kind.label(),
        kind_code: meta.kind.code(),
        errors: error_rows(&p.errors),
        more_errors: p.errors.len().saturating_sub(ERRORS_SHOWN),
        home: auth.home_org().map(|o| (o.id, o.name.clone())),
        id,
        p,
    }
    .into_response())
}

/// The file's rows with 导入结果 and 问题说明 columns (after the commit; before it, the
/// preview's verdicts).
pub async fn result_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    auth.require_import().await?;
    let (dir, meta) = load(&st, &auth, &id).await?;
    let bytes = tokio::fs::read(dir.join("upload.bin")).await.map_err(io)?;
    let report = meta.report.as_ref().unwrap_or(&meta.preview);
    let out = gonghui_store::import::result_xlsx(meta.kind, &bytes, &meta.filename, report)?;
    let stem = meta
        .filename
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(&meta.filename);
    Ok(download(&format!("{stem}-导入结果.xlsx"), out))
}
