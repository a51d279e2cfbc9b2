//! A campaign's progress table as an Excel workbook: one row per child org, then 合计.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use gonghui_store::{Campaign, Org, Progress, ProgressCounts};
use rust_xlsxwriter::{Format, Workbook};

fn e(err: rust_xlsxwriter::XlsxError) -> String {
    err.to_string()
}

const HEADERS: [&str; 17] = [
    "组织",
    "类型",
    "应参加",
    "未开始",
    "自评中",
    "已退回",
    "已提交",
    "审核中",
    "验收通过（含公示、授予称号、奖励）",
    "未通过",
    "已授予称号",
    "一类",
    "二类",
    "三类",
    "三类以下",
    "达标",
    "不达标",
];

fn numbers(c: &ProgressCounts) -> [i64; 15] {
    [
        c.total,
        c.not_started,
        c.self_review,
        c.returned,
        c.submitted,
        c.in_review,
        c.accepted(),
        c.failed,
        c.titled_or_later(),
        c.first,
        c.second,
        c.third,
        c.below_third,
        c.pass,
        c.fail,
    ]
}

pub fn progress(c: &Campaign, org: &Org, p: &Progress, day: NaiveDate) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("进度").map_err(e)?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(
        0,
        0,
        format!("{}：{}各下级组织进度", c.name, org.name),
        &bold,
    )
    .map_err(e)?;
    let quota = match c.quota {
        Some(q) => format!(
            "选树名额{q}家，全活动已验收通过{}家{}",
            p.campaign_total.accepted(),
            if p.campaign_total.accepted() >= q {
                "（已达到名额）"
            } else {
                ""
            }
        ),
        None => "选树名额不限".to_owned(),
    };
    ws.write_string(
        1,
        0,
        format!(
            "截至{day}；标准：{}（第{}版）；自评截止{}；{quota}。每个工会只计入它所属的下级组织一次。",
            c.standard_name, c.version, c.self_review_due
        ),
    )
    .map_err(e)?;
    for (col, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(3, col as u16, *h, &bold)
            .map_err(e)?;
    }
    let mut r = 4;
    let mut write = |name: &str, kind: &str, counts: &ProgressCounts| -> Result<(), String> {
        ws.write_string(r, 0, name).map_err(e)?;
        ws.write_string(r, 1, kind).map_err(e)?;
        for (i, n) in numbers(counts).iter().enumerate() {
            ws.write_number(r, 2 + i as u16, *n as f64).map_err(e)?;
        }
        r += 1;
        Ok(())
    };
    if let Some(own) = &p.own {
        let mut c = ProgressCounts {
            total: 1,
            ..Default::default()
        };
        // The org's own assessment, shown as its own line.
        match own.state {
            s if s.accepted() => c.passed = 1,
            gonghui_domain::AssessmentState::Failed => c.failed = 1,
            gonghui_domain::AssessmentState::NotStarted => c.not_started = 1,
            gonghui_domain::AssessmentState::SelfReview => c.self_review = 1,
            gonghui_domain::AssessmentState::Returned => c.returned = 1,
            gonghui_domain::AssessmentState::Submitted => c.submitted = 1,
            _ => c.in_review = 1,
        }
        write(&format!("{}（本级）", org.name), org.kind_label(), &c)?;
    }
    for row in &p.children {
        write(&row.name, row.kind_label, &row.counts)?;
    }
    write("合计", "", &p.total)?;
    ws.set_column_width(0, 36).map_err(e)?;
    ws.set_column_width(1, 16).map_err(e)?;
    ws.set_freeze_panes(4, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}

/// An .xlsx download with an ASCII fallback name and the Chinese name for browsers.
pub fn response(bytes: Vec<u8>, ascii_name: &str, name: &str) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}
