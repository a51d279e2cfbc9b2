//! Serving 附件: the file itself (`/attachments/{id}`) and a photo's thumbnail
//! (`/attachments/{id}/thumb`), to those who may read the attachment's org and to no one else.
//!
//! The Content-Type is the one sniffed at upload, never the name's or the uploader's browser's,
//! and `nosniff` (set for every response) keeps browsers from guessing another. A photo is shown
//! in the browser; a PDF is downloaded (`Content-Disposition: attachment`) and opened in the
//! reader on the office PC, because a PDF can carry scripts and forms, and Chromium refuses to
//! run its PDF viewer under the `sandbox` policy that would contain them. The `sandbox` policy
//! stays on the PDF response for a browser that displays it anyway.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use gonghui_domain::AttachmentType;
use gonghui_store::{Attachment, Target};

use crate::auth::Auth;
use crate::{AppError, AppResult, AppState};

/// The attachment's metadata, once the viewer is known to be allowed to read its org. Nothing
/// of the content is loaded before this check passes.
async fn readable(st: &AppState, auth: &Auth, id: i64) -> AppResult<Attachment> {
    let meta = st.store.attachment(id).await?;
    let org = st.store.org(meta.org_id).await?;
    if auth.sees(&org) {
        Ok(meta)
    } else {
        Err(auth
            .forbid(
                "read",
                Target::new("attachment", Some(meta.id), Some(meta.org_id)),
            )
            .await)
    }
}

/// RFC 8187 encoding of a file name for `filename*=UTF-8''…`.
fn encode_file_name(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const NO_STORE: HeaderValue = HeaderValue::from_static("private, no-store");

/// `GET /attachments/{id}`: the file; photos show in the browser, PDFs download.
pub async fn show(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    readable(&st, &auth, id).await?;
    let (meta, content) = st.store.attachment_content(id).await?;
    let mut resp = content.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(meta.media_type.code()),
    );
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if meta.media_type.is_image() {
            "inline"
        } else {
            "attachment"
        },
        encode_file_name(&meta.file_name)
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).expect("percent-encoded ASCII"),
    );
    h.insert(header::CACHE_CONTROL, NO_STORE);
    if meta.media_type == AttachmentType::Pdf {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
    }
    Ok(resp)
}

/// `GET /attachments/{id}/thumb`: a photo's JPEG thumbnail. PDFs have none (404); pages show
/// a PDF icon for them instead.
pub async fn thumb(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    readable(&st, &auth, id).await?;
    let Some(bytes) = st.store.attachment_thumbnail(id).await? else {
        return Err(AppError::not_found("缩略图"));
    };
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(header::CACHE_CONTROL, NO_STORE);
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(encode_file_name("a-b_c.pdf"), "a-b_c.pdf");
        assert_eq!(encode_file_name("标牌 1.jpg"), "%E6%A0%87%E7%89%8C%201.jpg");
        assert_eq!(encode_file_name("a\"b;c'.pdf"), "a%22b%3Bc%27.pdf");
    }
}
