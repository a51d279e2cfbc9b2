//! The coverage tables of 工会主席协议管理 and 双亮 as Excel workbooks: the table per child
//! (as on the page) and the list of enterprises behind it.

use chrono::NaiveDate;
use gonghui_store::{ChairEligibleUnit, CoverageRow, DualEligibleUnit, InstrumentCoverage, Org};
use rust_xlsxwriter::{Format, Workbook, Worksheet};

type R<T> = Result<T, String>;

fn e(err: rust_xlsxwriter::XlsxError) -> String {
    err.to_string()
}

fn header(ws: &mut Worksheet, row: u32, cells: &[&str], bold: &Format) -> R<()> {
    for (c, h) in cells.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, bold)
            .map_err(e)?;
    }
    Ok(())
}

/// Title line, then the table of rows (children, then 合计). Returns the next free row.
fn coverage_sheet(
    ws: &mut Worksheet,
    title: &str,
    headers: &[&str],
    c: &InstrumentCoverage,
    extra: impl Fn(&CoverageRow) -> Option<String>,
) -> R<()> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, title, &bold).map_err(e)?;
    header(ws, 2, headers, &bold)?;
    let mut r = 3;
    let mut write = |ws: &mut Worksheet, row: &CoverageRow, name: &str, kind: &str| -> R<()> {
        ws.write_string(r, 0, name).map_err(e)?;
        ws.write_string(r, 1, kind).map_err(e)?;
        ws.write_number(r, 2, row.eligible as f64).map_err(e)?;
        ws.write_number(r, 3, row.done as f64).map_err(e)?;
        ws.write_number(r, 4, row.missing() as f64).map_err(e)?;
        ws.write_string(r, 5, row.percent()).map_err(e)?;
        if let Some(x) = extra(row) {
            ws.write_string(r, 6, x).map_err(e)?;
        }
        r += 1;
        Ok(())
    };
    for row in &c.children {
        write(ws, row, &row.name, row.kind_label)?;
    }
    write(ws, &c.total, "合计", "")?;
    ws.set_column_width(0, 36).map_err(e)?;
    ws.set_column_width(1, 18).map_err(e)?;
    ws.set_freeze_panes(3, 0).map_err(e)?;
    Ok(())
}

pub fn chair_agreements(
    org: &Org,
    n: i64,
    day: NaiveDate,
    c: &InstrumentCoverage,
    units: &[ChairEligibleUnit],
) -> R<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("覆盖情况").map_err(e)?;
    coverage_sheet(
        ws,
        &format!(
            "{} 工会主席协议管理覆盖情况（{n}人以上已建会非公企业，截至{day}）",
            org.name
        ),
        &[
            "组织",
            "类型",
            "已建会企业",
            "已签协议",
            "尚未签协议",
            "覆盖率",
        ],
        c,
        |_| None,
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("企业名单").map_err(e)?;
    let bold = Format::new().set_bold();
    header(
        ws,
        0,
        &[
            "企业",
            "职工人数",
            "经济类型",
            "基层工会",
            "协议主席",
            "协议期满",
        ],
        &bold,
    )?;
    for (i, u) in units.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &u.unit_name).map_err(e)?;
        ws.write_number(r, 1, u.employees as f64).map_err(e)?;
        ws.write_string(r, 2, u.ownership.label()).map_err(e)?;
        ws.write_string(r, 3, &u.org_name).map_err(e)?;
        ws.write_string(r, 4, u.chair_name.as_deref().unwrap_or("未签协议"))
            .map_err(e)?;
        ws.write_string(
            r,
            5,
            u.agreement_end.map(|d| d.to_string()).unwrap_or_default(),
        )
        .map_err(e)?;
    }
    ws.set_column_width(0, 36).map_err(e)?;
    ws.set_column_width(3, 30).map_err(e)?;
    ws.set_freeze_panes(1, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}

pub fn dual_display(
    org: &Org,
    n: i64,
    target: i64,
    c: &InstrumentCoverage,
    units: &[DualEligibleUnit],
) -> R<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("覆盖情况").map_err(e)?;
    coverage_sheet(
        ws,
        &format!(
            "{} 双亮覆盖情况（{n}人以上已建会企业，目标{target}%）",
            org.name
        ),
        &[
            "组织",
            "类型",
            "已建会企业",
            "三亮到位",
            "尚未到位",
            "覆盖面",
            "是否达标",
        ],
        c,
        |row| {
            Some(
                match gonghui_domain::reaches_target(row.done, row.eligible, target) {
                    Some(true) => "达标",
                    Some(false) => "未达标",
                    None => "—",
                }
                .to_owned(),
            )
        },
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("企业名单").map_err(e)?;
    let bold = Format::new().set_bold();
    header(
        ws,
        0,
        &[
            "企业",
            "职工人数",
            "基层工会",
            "亮牌子",
            "亮身份",
            "亮作为",
            "检查日期",
        ],
        &bold,
    )?;
    let yes = |b: Option<bool>| match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "未检查",
    };
    for (i, u) in units.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, &u.unit_name).map_err(e)?;
        ws.write_number(r, 1, u.employees as f64).map_err(e)?;
        ws.write_string(r, 2, &u.org_name).map_err(e)?;
        ws.write_string(r, 3, yes(u.sign)).map_err(e)?;
        ws.write_string(r, 4, yes(u.identity)).map_err(e)?;
        ws.write_string(r, 5, yes(u.deeds)).map_err(e)?;
        ws.write_string(
            r,
            6,
            u.checked_on.map(|d| d.to_string()).unwrap_or_default(),
        )
        .map_err(e)?;
    }
    ws.set_column_width(0, 36).map_err(e)?;
    ws.set_column_width(2, 30).map_err(e)?;
    ws.set_freeze_panes(1, 0).map_err(e)?;
    wb.save_to_buffer().map_err(e)
}
