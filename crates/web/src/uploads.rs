//! Receiving evidence files (附件) from a multipart form.
//!
//! Every route that takes an attachment:
//! * carries [`upload_body_limit`] as a layer on its route (axum refuses bodies over 2 MB by
//!   default, less than one phone photo), e.g.
//!   `.route("/x/upload", post(h).layer(crate::uploads::upload_body_limit()))`;
//! * reads the file with [`read_file_field`], which stops as soon as the file passes
//!   [`MAX_ATTACHMENT_BYTES`] instead of buffering whatever is sent, and answers a failed
//!   `next_field` with [`form_refusal`] (a body over the limit can surface there too);
//! * checks and decodes it with [`prepare`] before opening its transaction.
//!
//! One file per request: the body limit leaves room for one file and the form's other fields.

use std::sync::LazyLock;

use axum::extract::DefaultBodyLimit;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use gonghui_domain::{MAX_ATTACHMENT_BYTES, clean_file_name};
use gonghui_store::{Error, PreparedAttachment, prepare_attachment};
use tokio::sync::Semaphore;

use crate::AppError;

/// Largest request body of an upload route: one attachment at its limit plus 1 MB for the
/// multipart framing, the CSRF token and the form's text fields.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 1024 * 1024;

/// The body limit layer every attachment upload route must carry.
pub fn upload_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)
}

fn refuse(message: String) -> AppError {
    Error::Invalid {
        field: None,
        message,
    }
    .into()
}

fn too_large(name: &str) -> AppError {
    refuse(format!(
        "文件“{name}”超过了单个附件 {} MB 的上限；请把照片压缩（如用微信发送后保存）或把 PDF 拆分后再上传（照片 JPG/PNG 或 PDF）",
        MAX_ATTACHMENT_BYTES / 1024 / 1024
    ))
}

/// The refusal for a multipart form that could not be read: `Multipart::next_field` fails
/// when the route's body limit is passed while the parser reads ahead (it buffers what has
/// arrived), so the size message can come from here as well as from [`read_file_field`].
pub fn form_refusal(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large_any()
    } else {
        refuse("上传中断，提交的内容不完整；请检查网络后重新选择文件上传".to_owned())
    }
}

fn too_large_any() -> AppError {
    refuse(format!(
        "上传的文件超过了单个附件 {} MB 的上限；请把照片压缩（如用微信发送后保存）或把 PDF 拆分后再上传（照片 JPG/PNG 或 PDF），一次上传一个文件",
        MAX_ATTACHMENT_BYTES / 1024 / 1024
    ))
}

/// Reads one file field of a multipart form: its cleaned file name and its bytes. Chunks are
/// counted as they arrive, and reading stops with a message once the file passes
/// [`MAX_ATTACHMENT_BYTES`]. A field with no file chosen is refused; a form whose file is
/// optional checks `field.file_name()` before calling this.
pub async fn read_file_field(mut field: Field<'_>) -> Result<(String, Vec<u8>), AppError> {
    let raw = field.file_name().unwrap_or("").to_owned();
    let name = clean_file_name(&raw);
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                    return Err(too_large(&name));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            // The route's body limit was reached first (a file far over the limit).
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(&name)),
            Err(_) => {
                return Err(refuse(format!(
                    "文件“{name}”没有传完整，上传中断；请检查网络后重新选择文件上传"
                )));
            }
        }
    }
    if raw.trim().is_empty() && bytes.is_empty() {
        return Err(refuse(
            "请先选择要上传的文件（照片 JPG/PNG 或 PDF）".to_owned(),
        ));
    }
    Ok((name, bytes))
}

/// Photos decoded at once: decoding a large photo takes a core and a few hundred MB for a
/// moment; more uploads wait their turn rather than starve the other requests.
static DECODING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));

/// Checks and decodes an upload ([`prepare_attachment`]) on a blocking thread, so the
/// request's async worker stays free. Run it before the operation's transaction.
pub async fn prepare(file_name: String, bytes: Vec<u8>) -> Result<PreparedAttachment, AppError> {
    let _turn = DECODING
        .acquire()
        .await
        .expect("the decoding semaphore is never closed");
    let prepared = tokio::task::spawn_blocking(move || prepare_attachment(&file_name, bytes))
        .await
        .map_err(|e| AppError::from(Error::Io(format!("附件处理中断：{e}"))))?;
    prepared.map_err(|e| refuse(e.0))
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Multipart;
    use axum::http::Request;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    /// Answers 200 with "name:size" or 422 with the refusal, as an upload handler does.
    async fn echo(mut form: Multipart) -> (StatusCode, String) {
        let field = match form.next_field().await {
            Ok(f) => f.expect("one field"),
            Err(e) => {
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    form_refusal(&e).error.to_string(),
                );
            }
        };
        match read_file_field(field).await {
            Ok((name, bytes)) => (StatusCode::OK, format!("{name}:{}", bytes.len())),
            Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.error.to_string()),
        }
    }

    /// Posts one file of `size` bytes; `limit` is the route's layer (None: axum's 2 MB default).
    async fn send(
        file_name: &str,
        size: usize,
        limit: Option<DefaultBodyLimit>,
    ) -> (StatusCode, String) {
        let app = match limit {
            Some(limit) => Router::new().route("/", post(echo).layer(limit)),
            None => Router::new().route("/", post(echo)),
        };
        let mut body = format!(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(b'x', size));
        body.extend_from_slice(b"\r\n--B--\r\n");
        // Streamed in pieces without a Content-Length, as a browser's slow upload arrives: the
        // limits must act while the file is read, not on a declared size.
        let pieces: Vec<Result<axum::body::Bytes, std::io::Error>> = body
            .chunks(64 * 1024)
            .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)))
            .collect();
        let req = Request::post("/")
            .header("content-type", "multipart/form-data; boundary=B")
            .body(Body::from_stream(futures_util::stream::iter(pieces)))
            .unwrap();
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let text = resp.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&text).into_owned())
    }

    #[tokio::test]
    async fn a_file_at_the_limit_is_read() {
        let (status, text) = send(
            "C:\\相册\\标牌.jpg",
            MAX_ATTACHMENT_BYTES,
            Some(upload_body_limit()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert_eq!(text, format!("标牌.jpg:{MAX_ATTACHMENT_BYTES}"));
    }

    #[tokio::test]
    async fn a_file_over_the_limit_is_refused_in_chinese() {
        let (status, text) = send(
            "大照片.jpg",
            MAX_ATTACHMENT_BYTES + 1,
            Some(upload_body_limit()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            text.contains("大照片.jpg") && text.contains("10 MB"),
            "{text}"
        );
        // Far over: the body limit stops the stream, and the message is the same.
        let (status, text) = send(
            "大照片.jpg",
            2 * UPLOAD_BODY_LIMIT,
            Some(upload_body_limit()),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("10 MB"), "{text}");
    }

    #[tokio::test]
    async fn without_the_layer_a_photo_does_not_fit() {
        let (status, text) = send("照片.jpg", 3 * 1024 * 1024, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    }

    #[tokio::test]
    async fn no_file_chosen_is_refused() {
        let (status, text) = send("", 0, Some(upload_body_limit())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("请先选择要上传的文件"), "{text}");
    }

    #[tokio::test]
    async fn preparing_reports_the_domain_message() {
        let err = prepare("照片.jpg".into(), b"MZ\x90\0".to_vec())
            .await
            .unwrap_err();
        assert!(err.error.to_string().contains("可执行程序"));
        let ok = prepare("a.pdf".into(), b"%PDF-1.4\n%%EOF\n".to_vec())
            .await
            .unwrap();
        assert_eq!(ok.file_name(), "a.pdf");
    }
}
