//! 附件 (evidence uploads): photos are decoded completely, measured and thumbnailed; PDFs must
//! be whole; everything else — programs renamed as photos, archives, broken files, empty and
//! oversized files — is refused with a Chinese message naming the file, and writes nothing.
//! Every test runs on every engine.

mod common;

use std::io::Cursor;

use common::*;
use gonghui_domain::{AttachmentType, OrgKind};
use gonghui_store::{AuditFilter, Error, PreparedAttachment, Store, prepare_attachment};
use image::{ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};

/// A photo made here, with a gradient so the encoders have something to compress.
fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format)
        .expect("encode the test photo");
    out.into_inner()
}

/// The smallest whole PDF readers open: one empty page.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

async fn union(store: &Store) -> i64 {
    store
        .create_root(
            &sys(),
            org_input(
                OrgKind::CityFederation,
                None,
                "荆州市总工会",
                "421000",
                Some(union_uscc("421000", 1)),
            ),
        )
        .await
        .expect("root org")
}

async fn counts(store: &Store) -> (i64, i64) {
    (
        table_count(store, "attachments").await,
        audit_count(store).await,
    )
}

/// What a web handler does with an upload: prepare, then store.
async fn upload(
    store: &Store,
    org: i64,
    name: &str,
    bytes: Vec<u8>,
) -> gonghui_store::Result<gonghui_store::Attachment> {
    let prepared = prepare_attachment(name, bytes).map_err(Error::field("file"))?;
    store.save_attachment(&sys(), org, &prepared).await
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn photos_are_measured_and_get_a_thumbnail() {
    let engines = engines("attachments_photos").await;
    for (eng, store) in engines.iter() {
        let org = union(store).await;
        for (name, format, kind, (w, h), thumb) in [
            (
                "工会标牌.png",
                ImageFormat::Png,
                AttachmentType::Png,
                (640, 480),
                (320, 240),
            ),
            (
                "职工之家.jpg",
                ImageFormat::Jpeg,
                AttachmentType::Jpeg,
                (1200, 300),
                (320, 80),
            ),
            // Smaller than a thumbnail: kept at its size.
            (
                "小图.png",
                ImageFormat::Png,
                AttachmentType::Png,
                (100, 60),
                (100, 60),
            ),
        ] {
            let bytes = photo(w, h, format);
            let (n0, a0) = counts(store).await;
            let saved = upload(store, org, name, bytes.clone())
                .await
                .unwrap_or_else(|e| panic!("{eng}: {name} accepted: {e:?}"));
            assert_eq!(
                counts(store).await,
                (n0 + 1, a0 + 1),
                "{eng}: one row, one audit entry"
            );
            assert_eq!(saved.file_name, name);
            assert_eq!(saved.org_id, org);
            assert_eq!(saved.media_type, kind, "{eng}: {name}");
            assert_eq!(
                (saved.width, saved.height),
                (Some(w as i64), Some(h as i64))
            );
            assert_eq!(saved.byte_size, bytes.len() as i64);
            assert_eq!(saved.sha256, sha256(&bytes));
            assert!(saved.has_thumbnail && saved.is_image(), "{eng}: {name}");

            let again = store.attachment(saved.id).await.expect("metadata");
            assert_eq!(again.sha256, saved.sha256);
            assert_eq!(again.created_at, saved.created_at);
            let (meta, content) = store.attachment_content(saved.id).await.expect("content");
            assert_eq!(meta.id, saved.id);
            assert!(content == bytes, "{eng}: {name} comes back byte for byte");

            let t = store
                .attachment_thumbnail(saved.id)
                .await
                .expect("thumbnail")
                .expect("a photo has a thumbnail");
            let decoded = image::load_from_memory_with_format(&t, ImageFormat::Jpeg)
                .unwrap_or_else(|e| panic!("{eng}: thumbnail of {name} decodes: {e}"));
            assert_eq!((decoded.width(), decoded.height()), thumb, "{eng}: {name}");
        }
    }
}

#[tokio::test]
async fn a_pdf_is_kept_without_thumbnail_and_audited_without_content() {
    let engines = engines("attachments_pdf").await;
    for (eng, store) in engines.iter() {
        let org = union(store).await;
        let bytes = pdf();
        let saved = upload(store, org, "C:\\扫描\\换届批复.pdf", bytes.clone())
            .await
            .expect("a whole PDF is accepted");
        assert_eq!(
            saved.file_name, "换届批复.pdf",
            "{eng}: the path is dropped"
        );
        assert_eq!(saved.media_type, AttachmentType::Pdf);
        assert_eq!((saved.width, saved.height), (None, None));
        assert!(!saved.has_thumbnail && !saved.is_image());
        assert_eq!(saved.size_text(), format!("{} 字节", bytes.len()));
        assert_eq!(
            store
                .attachment_thumbnail(saved.id)
                .await
                .expect("no error"),
            None,
            "{eng}: a PDF has no thumbnail"
        );
        let (_, content) = store.attachment_content(saved.id).await.unwrap();
        assert_eq!(content, bytes);

        let entries = store
            .audit_entries(
                &AuditFilter {
                    action: Some("attachment.".into()),
                    ..Default::default()
                },
                0,
                10,
            )
            .await
            .unwrap();
        assert_eq!(entries.len(), 1, "{eng}");
        let e = &entries[0];
        assert_eq!(e.action, "attachment.upload");
        assert_eq!(
            (e.object_kind.as_str(), e.object_id, e.org_id),
            ("attachment", Some(saved.id), Some(org))
        );
        let after: serde_json::Value =
            serde_json::from_str(e.after.as_deref().expect("after")).unwrap();
        let mut keys: Vec<&str> = after
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            ["byte_size", "file_name", "media_type", "sha256"],
            "{eng}"
        );
        assert_eq!(after["sha256"], saved.sha256);
        assert_eq!(after["media_type"], "application/pdf");
        assert!(
            !e.after.as_deref().unwrap().contains("Catalog"),
            "{eng}: no content in the audit trail"
        );
        assert!(store.verify_audit().await.unwrap().broken.is_none());
    }
}

#[tokio::test]
async fn refused_files_name_themselves_and_write_nothing() {
    let engines = engines("attachments_refused").await;
    let png = photo(64, 64, ImageFormat::Png);
    // Signature and header chunk, then nothing: the first bytes of a photo, not a photo.
    let truncated = png[..33].to_vec();
    let mut big = photo(16, 16, ImageFormat::Jpeg);
    big.resize(11 * 1024 * 1024, 0);
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0\xB8\0".to_vec();
    exe.resize(4096, 0);
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        (
            "照片.jpg",
            exe,
            &["照片.jpg", "可执行程序", "JPG/PNG", "PDF"],
        ),
        (
            "证明材料.pdf",
            b"PK\x03\x04\x14\0\0\0\x08\0word/document.xml".to_vec(),
            &["证明材料.pdf", "Word、Excel 文件请先另存为 PDF 再上传"],
        ),
        (
            "标牌.png",
            truncated,
            &["标牌.png", "图片文件已损坏或不完整"],
        ),
        ("空白.jpg", Vec::new(), &["空白.jpg", "空文件", "JPG/PNG"]),
        (
            "大照片.jpg",
            big,
            &["大照片.jpg", "11.0 MB", "10 MB", "JPG/PNG"],
        ),
        (
            "会议记录.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n".to_vec(),
            &["会议记录.pdf", "PDF 文件不完整"],
        ),
        (
            "巨幅.png",
            photo(12_001, 1, ImageFormat::Png),
            &["巨幅.png", "尺寸过大", "12000"],
        ),
        (
            "页面.jpg",
            b"<html><script>alert(1)</script></html>".to_vec(),
            &["页面.jpg", "脚本"],
        ),
    ];
    for (eng, store) in engines.iter() {
        let org = union(store).await;
        let before = counts(store).await;
        for (name, bytes, needles) in &cases {
            let msg = expect_invalid(
                eng,
                upload(store, org, name, bytes.clone()).await,
                Some("file"),
                needles[0],
            );
            for n in needles.iter() {
                assert!(msg.contains(n), "{eng}: “{msg}” should mention “{n}”");
            }
            assert_eq!(counts(store).await, before, "{eng}: {name} wrote something");
        }
        // A file that passes, for a union that does not exist: refused, nothing written.
        let ok = prepare_attachment("a.png", photo(8, 8, ImageFormat::Png)).unwrap();
        let r = store.save_attachment(&sys(), 999_999, &ok).await;
        assert!(matches!(r, Err(Error::NotFound(_))), "{eng}: {r:?}");
        assert_eq!(
            counts(store).await,
            before,
            "{eng}: unknown org wrote something"
        );
    }
}

#[tokio::test]
async fn a_missing_attachment_is_not_found() {
    let engines = engines("attachments_missing").await;
    for (eng, store) in engines.iter() {
        assert!(
            matches!(store.attachment(42).await, Err(Error::NotFound("附件"))),
            "{eng}"
        );
        assert!(matches!(
            store.attachment_content(42).await,
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            store.attachment_thumbnail(42).await,
            Err(Error::NotFound(_))
        ));
        assert!(store.attachments(&[42]).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn several_attachments_come_back_in_the_order_asked() {
    let engines = engines("attachments_list").await;
    for (eng, store) in engines.iter() {
        let org = union(store).await;
        let a = upload(store, org, "一.png", photo(10, 10, ImageFormat::Png))
            .await
            .unwrap();
        let b = upload(store, org, "二.pdf", pdf()).await.unwrap();
        let got: Vec<i64> = store
            .attachments(&[b.id, 777_777, a.id])
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(got, [b.id, a.id], "{eng}");
    }
}

#[test]
fn a_prepared_file_keeps_its_content_out_of_debug_output() {
    let p: PreparedAttachment = prepare_attachment("a.pdf", pdf()).unwrap();
    let shown = format!("{p:?}");
    assert!(
        shown.contains("a.pdf") && !shown.contains("Catalog"),
        "{shown}"
    );
    assert_eq!(p.byte_size(), pdf().len());
    assert_eq!(p.thumbnail(), None);
    let q = prepare_attachment("b.gif", photo(30, 20, ImageFormat::Gif)).unwrap();
    assert_eq!(q.media_type(), AttachmentType::Gif);
    assert_eq!(q.dimensions(), Some((30, 20)));
    let r = prepare_attachment("c.webp", photo(30, 20, ImageFormat::WebP)).unwrap();
    assert_eq!(r.media_type(), AttachmentType::Webp);
    assert_eq!(r.dimensions(), Some((30, 20)));
}
