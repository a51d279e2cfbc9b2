//! 附件: the evidence files (photos of a union's sign, scans of a 会议记录, a 批复 as PDF) that
//! chairs upload for the items of a standard. What a file IS is decided from its first bytes
//! only: a browser's Content-Type and the file's name are whatever the sender says, and a
//! program renamed 照片.jpg must be refused as the program it is.

use crate::coded_enum;
use crate::error::Invalid;

coded_enum! {
    /// The kinds of file accepted as evidence. The code is the media type the file is served with.
    pub enum AttachmentType {
        Jpeg = ("image/jpeg", "JPG 图片"),
        Png = ("image/png", "PNG 图片"),
        Gif = ("image/gif", "GIF 图片"),
        Webp = ("image/webp", "WebP 图片"),
        Pdf = ("application/pdf", "PDF 文件"),
    }
}

impl AttachmentType {
    /// Photos (shown with a thumbnail) as opposed to documents.
    pub fn is_image(self) -> bool {
        self != AttachmentType::Pdf
    }

    /// The usual file extension, for naming a download.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentType::Jpeg => "jpg",
            AttachmentType::Png => "png",
            AttachmentType::Gif => "gif",
            AttachmentType::Webp => "webp",
            AttachmentType::Pdf => "pdf",
        }
    }
}

/// Largest file accepted: a phone photo is 2–8 MB, a scanned document as PDF rarely more.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept (in characters); longer names are shortened, keeping the extension.
const MAX_NAME_CHARS: usize = 100;

/// What every refusal ends with: what the person can upload instead.
const INSTEAD: &str = "请上传照片（JPG/PNG）或 PDF 文件";

/// Megabytes with one decimal, as people read file sizes.
fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Decides the kind of an uploaded file from its content alone, or says why it is refused.
/// `file_name` only names the file in the message.
pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<AttachmentType, Invalid> {
    let name = clean_file_name(file_name);
    let refuse = |why: String| Err(Invalid(why));
    if bytes.is_empty() {
        return refuse(format!(
            "文件“{name}”是空文件（0 字节），可能没有传完整；请重新选择文件，{INSTEAD}"
        ));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return refuse(format!(
            "文件“{name}”有 {}，超过了单个附件 {} MB 的上限；请把照片压缩（如用微信发送后保存）或把 PDF 拆分后再上传，{INSTEAD}",
            mb(bytes.len()),
            MAX_ATTACHMENT_BYTES / 1024 / 1024
        ));
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(AttachmentType::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(AttachmentType::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(AttachmentType::Gif);
    }
    if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(AttachmentType::Webp);
    }
    if starts(b"%PDF-") {
        return Ok(AttachmentType::Pdf);
    }
    let program = format!("文件“{name}”是可执行程序，不能作为附件上传；{INSTEAD}");
    // Windows (MZ), Linux (ELF) and macOS (Mach-O, 32/64-bit either byte order, universal).
    let executables: [&[u8]; 7] = [
        b"MZ",
        b"\x7fELF",
        &[0xFE, 0xED, 0xFA, 0xCE],
        &[0xFE, 0xED, 0xFA, 0xCF],
        &[0xCE, 0xFA, 0xED, 0xFE],
        &[0xCF, 0xFA, 0xED, 0xFE],
        &[0xCA, 0xFE, 0xBA, 0xBE],
    ];
    if executables.iter().any(|m| starts(m)) {
        return refuse(program);
    }
    if starts(b"#!") {
        return refuse(format!(
            "文件“{name}”是脚本程序，不能作为附件上传；{INSTEAD}"
        ));
    }
    // .docx/.xlsx/.pptx are zip archives; .doc/.xls are OLE2 compound files.
    if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        return refuse(format!(
            "文件“{name}”是压缩包或 Word、Excel 文档，不能直接上传；Word、Excel 文件请先另存为 PDF 再上传，照片请上传 JPG/PNG 格式"
        ));
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return refuse(format!(
            "文件“{name}”是 Word、Excel 等 Office 文档，不能直接上传；Word、Excel 文件请先另存为 PDF 再上传，照片请上传 JPG/PNG 格式"
        ));
    }
    if looks_like_markup(bytes) {
        return refuse(format!(
            "文件“{name}”是网页或 SVG 图形，其中可能含有脚本，不能作为附件上传；{INSTEAD}"
        ));
    }
    // iPhones save photos as HEIC unless set to 兼容性最佳; browsers cannot show them.
    if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && [
            &b"heic"[..],
            b"heix",
            b"hevc",
            b"mif1",
            b"msf1",
            b"heim",
            b"heis",
        ]
        .contains(&&bytes[8..12])
    {
        return refuse(format!(
            "文件“{name}”是苹果手机的 HEIC 照片，浏览器无法显示；请在手机“设置—相机—格式”中选“兼容性最佳”后重拍，或把照片转成 JPG 后再上传，也可上传 PDF 文件"
        ));
    }
    refuse(format!("文件“{name}”是无法识别的文件类型；{INSTEAD}"))
}

/// HTML, SVG and other XML: text that opens with a tag once a byte-order mark and blank space
/// are skipped. Browsers run scripts in all of them.
fn looks_like_markup(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let mut text: Vec<u8> = if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        // UTF-16: keep the ASCII bytes, which is all the opening tag needs.
        head[2..].iter().copied().filter(|b| *b != 0).collect()
    } else {
        head.strip_prefix(&[0xEF, 0xBB, 0xBF])
            .unwrap_or(head)
            .to_vec()
    };
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    text.drain(..start);
    text.first() == Some(&b'<')
}

/// Characters that reorder text on screen: "照片\u{202E}gpj.exe" shows as 照片exe.jpg.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The name a file is kept and shown under: the last part of whatever path the browser sent
/// (old browsers send C:\Users\…\照片.jpg), without control or direction-changing characters,
/// at most 100 characters (the extension is kept), and never empty ("附件").
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .collect();
    let kept = kept.trim();
    if kept.is_empty() || kept.chars().all(|c| c == '.') {
        return "附件".to_owned();
    }
    if kept.chars().count() <= MAX_NAME_CHARS {
        return kept.to_owned();
    }
    let (stem, ext) = match kept.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && (1..=10).contains(&ext.chars().count()) => {
            (stem, Some(ext))
        }
        _ => (kept, None),
    };
    match ext {
        Some(ext) => {
            let room = MAX_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = stem.chars().take(room).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        None => stem.chars().take(MAX_NAME_CHARS).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn refused(name: &str, bytes: &[u8]) -> String {
        sniff(name, bytes).expect_err("refused").0
    }

    #[test]
    fn media_types_are_the_codes() {
        assert_eq!(AttachmentType::Jpeg.code(), "image/jpeg");
        assert_eq!(AttachmentType::Pdf.code(), "application/pdf");
        assert_eq!(AttachmentType::Png.label(), "PNG 图片");
        assert_eq!(
            AttachmentType::from_code("image/webp"),
            Some(AttachmentType::Webp)
        );
        assert!(AttachmentType::Gif.is_image());
        assert!(!AttachmentType::Pdf.is_image());
        assert_eq!(AttachmentType::Jpeg.extension(), "jpg");
    }

    #[test]
    fn accepted_by_their_magic_bytes_whatever_the_name() {
        assert_eq!(
            sniff("x.pdf", b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Ok(AttachmentType::Jpeg)
        );
        assert_eq!(sniff("会议.jpg", PNG), Ok(AttachmentType::Png));
        assert_eq!(sniff("a", b"GIF89a\x01\0"), Ok(AttachmentType::Gif));
        assert_eq!(sniff("a", b"GIF87a\x01\0"), Ok(AttachmentType::Gif));
        assert_eq!(
            sniff("a", b"RIFF\x24\0\0\0WEBPVP8 "),
            Ok(AttachmentType::Webp)
        );
        assert_eq!(
            sniff("批复.png", b"%PDF-1.7\n%%EOF\n"),
            Ok(AttachmentType::Pdf)
        );
    }

    #[test]
    fn a_renamed_program_is_refused_as_a_program() {
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0";
        let msg = refused("照片.jpg", exe);
        assert!(msg.contains("照片.jpg"), "{msg}");
        assert!(msg.contains("可执行程序"), "{msg}");
        assert!(msg.contains("JPG/PNG") && msg.contains("PDF"), "{msg}");
        for magic in [
            &b"\x7fELF\x02\x01\x01"[..],
            &[0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1],
            &[0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2],
        ] {
            assert!(refused("证明.pdf", magic).contains("可执行程序"));
        }
        let msg = refused("照片.png", b"#!/bin/sh\nrm -rf /\n");
        assert!(msg.contains("脚本") && msg.contains("照片.png"), "{msg}");
    }

    #[test]
    fn office_documents_are_to_be_saved_as_pdf() {
        let msg = refused("制度汇编.docx", b"PK\x03\x04\x14\0\x06\0");
        assert!(
            msg.contains("Word、Excel 文件请先另存为 PDF 再上传"),
            "{msg}"
        );
        assert!(msg.contains("制度汇编.docx"), "{msg}");
        let msg = refused(
            "台账.xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
        );
        assert!(msg.contains("另存为 PDF"), "{msg}");
        // A zip renamed .pdf is still a zip.
        assert!(refused("证明.pdf", b"PK\x05\x06\0\0").contains("另存为 PDF"));
    }

    #[test]
    fn markup_is_refused_for_its_scripts() {
        for body in [
            &b"<!DOCTYPE html><html><script>alert(1)</script>"[..],
            b"  \n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?><svg/>",
            b"\xFF\xFE<\0h\0t\0m\0l\0>\0",
        ] {
            let msg = refused("标牌.jpg", body);
            assert!(msg.contains("脚本") && msg.contains("标牌.jpg"), "{msg}");
        }
    }

    #[test]
    fn empty_large_and_unknown_files_say_what_to_do() {
        let msg = refused("空.jpg", b"");
        assert!(msg.contains("空文件") && msg.contains("空.jpg"), "{msg}");
        let big = vec![0xFFu8; 11 * 1024 * 1024];
        let msg = refused("大照片.jpg", &big);
        assert!(msg.contains("11.0 MB") && msg.contains("10 MB"), "{msg}");
        assert!(msg.contains("大照片.jpg"), "{msg}");
        // Exactly at the limit is accepted.
        let mut limit = vec![0u8; MAX_ATTACHMENT_BYTES];
        limit[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        assert_eq!(sniff("a.jpg", &limit), Ok(AttachmentType::Jpeg));
        let msg = refused("记录.txt", "会议记录：……".as_bytes());
        assert!(msg.contains("无法识别的文件类型"), "{msg}");
        assert!(msg.contains("记录.txt") && msg.contains("JPG/PNG"), "{msg}");
        let msg = refused("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0");
        assert!(msg.contains("HEIC") && msg.contains("JPG"), "{msg}");
        // The name in a message is the cleaned one.
        let msg = refused("C:\\Users\\张\\a\u{202E}gpj.exe", b"MZ");
        assert!(msg.contains("“agpj.exe”"), "{msg}");
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_file_name("C:\\Users\\张三\\桌面\\照片.jpg"),
            "照片.jpg"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("会议\n记录\t.pdf"), "会议记录.pdf");
        assert_eq!(clean_file_name("照片\u{202E}gpj.exe"), "照片gpj.exe");
        assert_eq!(clean_file_name(""), "附件");
        assert_eq!(clean_file_name("   "), "附件");
        assert_eq!(clean_file_name("dir/"), "附件");
        assert_eq!(clean_file_name(".."), "附件");
        assert_eq!(clean_file_name(" 标牌.png "), "标牌.png");
        let long = format!("{}.pdf", "很".repeat(150));
        let short = clean_file_name(&long);
        assert_eq!(short.chars().count(), 100);
        assert!(short.ends_with("很.pdf"), "{short}");
        let no_ext = "长".repeat(150);
        assert_eq!(clean_file_name(&no_ext).chars().count(), 100);
        // Idempotent: the store cleans names the web layer already cleaned.
        assert_eq!(clean_file_name(&short), short);
    }
}
