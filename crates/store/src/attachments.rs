//! 附件: evidence files kept in the database (`attachments`), so a backup carries them and a
//! rolled-back transaction takes them away with the rows that point at them.
//!
//! An upload is checked in two steps. [`prepare_attachment`] does the CPU work before any
//! transaction opens: it decides the kind from the content (`gonghui_domain::sniff`), decodes
//! a photo completely under size limits (so a broken file, or another file given a photo's
//! first bytes, is refused), makes the thumbnail and the SHA-256. The caller then writes the
//! prepared file with [`insert_attachment`] inside its own operation's transaction (evidence
//! for an assessment item), or on its own with [`Store::save_attachment`].

use std::io::Cursor;

use chrono::{DateTime, Utc};
use gonghui_domain::{AttachmentType, Invalid, clean_file_name, sniff};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Target};
use crate::db::Tx;
use crate::schema::Attachments;
use crate::{Error, Result, Store};

/// Photos wider or taller than this are refused (a 200-megapixel phone photo is 16320×12240;
/// what people photograph as evidence is far smaller).
const MAX_SIDE: u32 = 12_000;
/// Memory a decoder may take for one photo: a 12000×12000 RGB image needs 432 MB.
const MAX_DECODE_BYTES: u64 = 448 * 1024 * 1024;
/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;
const THUMBNAIL_QUALITY: u8 = 80;
/// `%%EOF` must appear within this many bytes of the end (writers add a newline or a few
/// bytes of padding after it; a file cut short in transfer has none).
const PDF_TAIL: usize = 1024;

/// An upload that passed every check, ready to be written. Only [`prepare_attachment`] makes
/// one, so holding it means the content was sniffed, decoded and hashed.
#[derive(Clone)]
pub struct PreparedAttachment {
    file_name: String,
    media_type: AttachmentType,
    content: Vec<u8>,
    sha256: String,
    width: Option<u32>,
    height: Option<u32>,
    thumbnail: Option<Vec<u8>>,
}

impl PreparedAttachment {
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    pub fn media_type(&self) -> AttachmentType {
        self.media_type
    }

    pub fn byte_size(&self) -> usize {
        self.content.len()
    }

    /// Lower-case hex SHA-256 of the content.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Width and height of a photo as it is displayed (after the camera's rotation).
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        self.width.zip(self.height)
    }

    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// The JPEG thumbnail of a photo; `None` for a PDF.
    pub fn thumbnail(&self) -> Option<&[u8]> {
        self.thumbnail.as_deref()
    }
}

impl std::fmt::Debug for PreparedAttachment {
    // The content stays out of logs and panic messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedAttachment")
            .field("file_name", &self.file_name)
            .field("media_type", &self.media_type)
            .field("byte_size", &self.content.len())
            .field("sha256", &self.sha256)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

/// Checks an uploaded file and prepares it for storing. Pure CPU work (a large photo takes a
/// moment to decode): web handlers run it on a blocking thread, never inside a transaction.
pub fn prepare_attachment(file_name: &str, bytes: Vec<u8>) -> Result<PreparedAttachment, Invalid> {
    let file_name = clean_file_name(file_name);
    let media_type = sniff(&file_name, &bytes)?;
    let (width, height, thumbnail) = match media_type {
        AttachmentType::Pdf => {
            check_pdf(&file_name, &bytes)?;
            (None, None, None)
        }
        image => {
            let (w, h, thumb) = decode_photo(&file_name, &bytes, image)?;
            (Some(w), Some(h), Some(thumb))
        }
    };
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(PreparedAttachment {
        file_name,
        media_type,
        content: bytes,
        sha256,
        width,
        height,
        thumbnail,
    })
}

fn check_pdf(name: &str, bytes: &[u8]) -> Result<(), Invalid> {
    let tail = &bytes[bytes.len().saturating_sub(PDF_TAIL)..];
    if bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF") {
        Ok(())
    } else {
        Err(Invalid(format!(
            "PDF 文件不完整：“{name}”缺少文件结尾，可能没有下载或传输完整；请用电脑打开确认能正常显示后重新上传，或上传照片（JPG/PNG）"
        )))
    }
}

fn damaged(name: &str) -> Invalid {
    Invalid(format!(
        "图片文件已损坏或不完整：“{name}”无法打开；请用手机或电脑确认这张照片能正常显示后重新上传，或重新拍照后上传（JPG/PNG）"
    ))
}

/// Decodes the whole photo (every pixel, so a file cut short or corrupted is noticed) and
/// returns its displayed width, height and a JPEG thumbnail.
fn decode_photo(
    name: &str,
    bytes: &[u8],
    kind: AttachmentType,
) -> Result<(u32, u32, Vec<u8>), Invalid> {
    let format = match kind {
        AttachmentType::Jpeg => ImageFormat::Jpeg,
        AttachmentType::Png => ImageFormat::Png,
        AttachmentType::Gif => ImageFormat::Gif,
        AttachmentType::Webp => ImageFormat::WebP,
        AttachmentType::Pdf => unreachable!("PDFs are not decoded as photos"),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let too_large = |w: u32, h: u32| {
        Invalid(format!(
            "照片“{name}”的尺寸过大（{w}×{h} 像素），最大 {MAX_SIDE}×{MAX_SIDE}；请缩小照片后重新上传（JPG/PNG）"
        ))
    };
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => Invalid(format!(
            "照片“{name}”的尺寸过大，最大 {MAX_SIDE}×{MAX_SIDE} 像素；请缩小照片后重新上传（JPG/PNG）"
        )),
        _ => damaged(name),
    })?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(damaged(name));
    }
    if w > MAX_SIDE || h > MAX_SIDE || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(too_large(w, h));
    }
    // Phones store photos sideways with a note to rotate them; the thumbnail and the recorded
    // size follow the way the photo is shown.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| damaged(name))?;
    img.apply_orientation(orientation);
    let (w, h) = (img.width(), img.height());
    // `thumbnail` would enlarge a photo smaller than a thumbnail; that one is kept as it is.
    let small = if w <= THUMBNAIL_SIDE && h <= THUMBNAIL_SIDE {
        img
    } else {
        img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    };
    let thumb = on_white(&small);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, THUMBNAIL_QUALITY)
        .encode_image(&thumb)
        .map_err(|_| damaged(name))?;
    Ok((w, h, out))
}

/// JPEG has no transparency: transparent parts of a PNG or GIF are shown on white, as on
/// the page, rather than on black.
fn on_white(img: &DynamicImage) -> image::RgbImage {
    if !img.color().has_alpha() {
        return img.to_rgb8();
    }
    let rgba = img.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// A stored attachment without its content.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub org_id: i64,
    pub file_name: String,
    #[sqlx(try_from = "String")]
    pub media_type: AttachmentType,
    pub byte_size: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub has_thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    /// The size as people read it: "1.2 MB", "350 KB", "800 字节".
    pub fn size_text(&self) -> String {
        size_text(self.byte_size)
    }

    pub fn is_image(&self) -> bool {
        self.media_type.is_image()
    }
}

pub fn size_text(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{bytes} 字节")
    }
}

/// The columns of [`Attachment`], for callers that join attachments to their own rows.
pub(crate) fn attachment_columns() -> SelectStatement {
    Query::select()
        .columns([
            (Attachments::Table, Attachments::Id),
            (Attachments::Table, Attachments::OrgId),
            (Attachments::Table, Attachments::FileName),
            (Attachments::Table, Attachments::MediaType),
            (Attachments::Table, Attachments::ByteSize),
            (Attachments::Table, Attachments::Sha256),
            (Attachments::Table, Attachments::Width),
            (Attachments::Table, Attachments::Height),
            (Attachments::Table, Attachments::CreatedAt),
        ])
        .expr_as(
            Expr::col((Attachments::Table, Attachments::Thumbnail)).is_not_null(),
            "has_thumbnail",
        )
        .from(Attachments::Table)
        .to_owned()
}

/// One attachment's metadata inside a transaction.
pub(crate) async fn load_attachment(tx: &mut Tx, id: i64) -> Result<Attachment> {
    tx.optional(
        &attachment_columns()
            .and_where(Expr::col((Attachments::Table, Attachments::Id)).eq(id))
            .to_owned(),
    )
    .await?
    .ok_or(Error::NotFound("附件"))
}

/// What the audit trail keeps of an upload: never the content.
#[derive(Serialize)]
struct Audited<'a> {
    file_name: &'a str,
    media_type: &'a str,
    byte_size: usize,
    sha256: &'a str,
}

/// Writes a prepared attachment for `org_id` inside the caller's transaction and records
/// `attachment.upload`. The caller has checked that the org exists and may be written.
pub(crate) async fn insert_attachment(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    prepared: &PreparedAttachment,
) -> Result<Attachment> {
    let id = tx
        .insert_id(
            Query::insert()
                .into_table(Attachments::Table)
                .columns([
                    Attachments::OrgId,
                    Attachments::FileName,
                    Attachments::MediaType,
                    Attachments::ByteSize,
                    Attachments::Sha256,
                    Attachments::Content,
                    Attachments::Thumbnail,
                    Attachments::Width,
                    Attachments::Height,
                    Attachments::CreatedBy,
                    Attachments::CreatedAt,
                ])
                .values_panic([
                    org_id.into(),
                    prepared.file_name.clone().into(),
                    prepared.media_type.code().into(),
                    (prepared.content.len() as i64).into(),
                    prepared.sha256.clone().into(),
                    prepared.content.clone().into(),
                    prepared.thumbnail.clone().into(),
                    prepared.width.map(i64::from).into(),
                    prepared.height.map(i64::from).into(),
                    actor.account_id.into(),
                    Utc::now().into(),
                ])
                .to_owned(),
        )
        .await?;
    audit::record::<(), _>(
        tx,
        actor,
        "attachment.upload",
        Target::new("attachment", Some(id), Some(org_id)),
        None,
        Some(&Audited {
            file_name: &prepared.file_name,
            media_type: prepared.media_type.code(),
            byte_size: prepared.content.len(),
            sha256: &prepared.sha256,
        }),
    )
    .await?;
    load_attachment(tx, id).await
}

impl Store {
    /// Store an upload on its own (not as part of another operation) for `org_id`.
    pub async fn save_attachment(
        &self,
        actor: &Actor,
        org_id: i64,
        prepared: &PreparedAttachment,
    ) -> Result<Attachment> {
        let mut tx = self.begin().await?;
        crate::orgs::load(&mut tx, org_id).await?;
        let saved = insert_attachment(&mut tx, actor, org_id, prepared).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// An attachment's metadata (no content): to check the viewer's scope before serving it.
    pub async fn attachment(&self, id: i64) -> Result<Attachment> {
        let mut tx = self.read().await?;
        load_attachment(&mut tx, id).await
    }

    /// Several attachments' metadata, in the order of `ids`; unknown ids are skipped.
    pub async fn attachments(&self, ids: &[i64]) -> Result<Vec<Attachment>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let mut tx = self.read().await?;
        let mut rows: Vec<Attachment> = tx
            .all(
                &attachment_columns()
                    .and_where(
                        Expr::col((Attachments::Table, Attachments::Id)).is_in(ids.iter().copied()),
                    )
                    .order_by((Attachments::Table, Attachments::Id), Order::Asc)
                    .to_owned(),
            )
            .await?;
        rows.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
        Ok(rows)
    }

    /// An attachment with its content, to serve it.
    pub async fn attachment_content(&self, id: i64) -> Result<(Attachment, Vec<u8>)> {
        let mut tx = self.read().await?;
        let meta = load_attachment(&mut tx, id).await?;
        let (content,): (Vec<u8>,) = tx
            .one(
                &Query::select()
                    .column(Attachments::Content)
                    .from(Attachments::Table)
                    .and_where(Expr::col(Attachments::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        Ok((meta, content))
    }

    /// A photo's JPEG thumbnail; `None` for a PDF. NotFound when there is no such attachment.
    pub async fn attachment_thumbnail(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let mut tx = self.read().await?;
        let row: Option<(Option<Vec<u8>>,)> = tx
            .optional(
                &Query::select()
                    .column(Attachments::Thumbnail)
                    .from(Attachments::Table)
                    .and_where(Expr::col(Attachments::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        row.map(|r| r.0).ok_or(Error::NotFound("附件"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(800), "800 字节");
        assert_eq!(size_text(350 * 1024), "350 KB");
        assert_eq!(size_text(1_258_291), "1.2 MB");
        assert_eq!(size_text(10 * 1024 * 1024), "10.0 MB");
    }

    #[test]
    fn transparent_parts_of_a_thumbnail_are_white() {
        let img = image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 0, 0]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, ImageFormat::Png).unwrap();
        let p = prepare_attachment("透明.png", png.into_inner()).unwrap();
        let thumb = image::load_from_memory(p.thumbnail().unwrap())
            .unwrap()
            .to_rgb8();
        assert!(thumb.pixels().all(|px| px.0.iter().all(|c| *c > 245)));
    }

    #[test]
    fn a_pdf_needs_its_end_marker() {
        assert!(check_pdf("a.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\n").is_ok());
        let msg = check_pdf("批复.pdf", b"%PDF-1.4\n1 0 obj\n").unwrap_err().0;
        assert!(
            msg.contains("PDF 文件不完整") && msg.contains("批复.pdf"),
            "{msg}"
        );
        // The marker must be near the end, not anywhere (a cut-off file of concatenated PDFs).
        let mut cut = b"%PDF-1.4\n%%EOF\n".to_vec();
        cut.extend(std::iter::repeat_n(b'x', 4096));
        assert!(check_pdf("a.pdf", &cut).is_err());
    }
}
