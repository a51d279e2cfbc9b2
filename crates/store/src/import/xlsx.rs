//! The Excel files of the imports: the templates people fill in, and the result of an import
//! (every row of the file with what became of it and why).

use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, Workbook, XlsxError};

use super::{ImportKind, Preview, RowStatus, read_sheet};
use crate::{Error, Result};

/// Rows of a template that carry the drop-down lists and the text format.
const TEMPLATE_ROWS: u32 = 20_000;

/// Columns kept as text in Excel, so codes keep every digit and leading zeros.
const TEXT_COLUMNS: &[&str] = &["uscc", "id_number", "region", "units", "phone", "industry"];

fn notes(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Units => {
            "填写说明：带 * 的列必须填写。第3行是示例，填写时直接覆盖或删除（与示例完全相同的行不会导入）。统一社会信用代码、行政区划代码列已设为文本格式，请勿改为数字。经济类型、是否三上企业、是否劳务派遣单位请从下拉列表中选择。已在名录中的单位（按统一社会信用代码）会按本表更新，空白单元格不会清除已有信息。"
        }
        ImportKind::Orgs => {
            "填写说明：带 * 的列必须填写。第3行是示例，填写时直接覆盖或删除。上级工会填写系统中已有工会的全称、统一社会信用代码或系统编号（如 #123），也可以是本表上方某一行的工会（先写上级、后写下级）。覆盖单位须已在单位名录中，多个代码用分号（；）隔开，联合基层工会可覆盖多个单位。日期写作 2024-03-01。"
        }
        ImportKind::Members => {
            "填写说明：带 * 的列必须填写。第3行是示例，填写时直接覆盖或删除。身份证号码列已设为文本格式：请勿改为数字，否则 Excel 会把后几位变成 0。所在工会填写基层工会的全称、统一社会信用代码或系统编号（如 #123）。入会日期未填时按导入当天登记；已是其他工会在籍会员的人员须办理会籍转接，不能导入。"
        }
    }
}

fn xerr(e: XlsxError) -> Error {
    Error::Io(format!("生成 Excel 文件失败：{e}"))
}

/// The template of an import: a note row, the header row (required columns marked `*`),
/// one example row, text format on code columns, drop-down lists on coded columns.
pub fn template(kind: ImportKind) -> Result<Vec<u8>> {
    let cols = kind.columns();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(kind.label()).map_err(xerr)?;
    let note = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_font_color(Color::RGB(0x7A4A00))
        .set_background_color(Color::RGB(0xFFF4D6));
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF7))
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let head_req = head.clone().set_font_color(Color::RGB(0xB00020));
    let text = Format::new().set_num_format("@");
    let last = (cols.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, notes(kind), &note)
        .map_err(xerr)?;
    ws.set_row_height(0, 75).map_err(xerr)?;
    for (i, c) in cols.iter().enumerate() {
        let col = i as u16;
        let width = (c.label.chars().count() as f64 * 2.2 + 4.0).max(12.0);
        let width = if matches!(
            c.key,
            "uscc" | "id_number" | "units" | "name" | "org" | "parent"
        ) {
            width.max(24.0)
        } else {
            width
        };
        ws.set_column_width(col, width).map_err(xerr)?;
        if TEXT_COLUMNS.contains(&c.key) {
            ws.set_column_format(col, &text).map_err(xerr)?;
        }
        let label = if c.required {
            format!("{}*", c.label)
        } else {
            c.label.to_owned()
        };
        ws.write_string_with_format(1, col, &label, if c.required { &head_req } else { &head })
            .map_err(xerr)?;
        if TEXT_COLUMNS.contains(&c.key) {
            ws.write_string_with_format(2, col, c.example, &text)
                .map_err(xerr)?;
        } else {
            ws.write_string(2, col, c.example).map_err(xerr)?;
        }
        if !c.choices.is_empty() {
            let dv = DataValidation::new()
                .allow_list_strings(c.choices)
                .map_err(xerr)?
                .set_error_message(format!("请从下拉列表中选择{}", c.label))
                .map_err(xerr)?;
            ws.add_data_validation(2, col, TEMPLATE_ROWS, col, &dv)
                .map_err(xerr)?;
        }
    }
    ws.set_freeze_panes(2, 0).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}

/// The uploaded file's rows with two more columns: 导入结果 and 问题说明.
pub fn result_xlsx(
    kind: ImportKind,
    bytes: &[u8],
    filename: &str,
    report: &Preview,
) -> Result<Vec<u8>> {
    let sheet = read_sheet(kind, bytes, filename)?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("导入结果").map_err(xerr)?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF7));
    let bad = Format::new()
        .set_font_color(Color::RGB(0xB00020))
        .set_text_wrap();
    let text = Format::new().set_num_format("@");
    let n = sheet.table.headers.len().max(
        sheet
            .table
            .rows
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0),
    );
    ws.write_string_with_format(0, 0, "行号", &head)
        .map_err(xerr)?;
    for i in 0..n {
        let h = sheet.table.headers.get(i).cloned().unwrap_or_default();
        ws.write_string_with_format(0, (i + 1) as u16, &h, &head)
            .map_err(xerr)?;
        ws.set_column_width((i + 1) as u16, 18).map_err(xerr)?;
    }
    let (sc, ec) = ((n + 1) as u16, (n + 2) as u16);
    ws.write_string_with_format(0, sc, "导入结果", &head)
        .map_err(xerr)?;
    ws.write_string_with_format(0, ec, "问题说明", &head)
        .map_err(xerr)?;
    ws.set_column_width(sc, 14).map_err(xerr)?;
    ws.set_column_width(ec, 70).map_err(xerr)?;
    let status: std::collections::HashMap<usize, RowStatus> =
        report.statuses.iter().copied().collect();
    let mut problems: std::collections::HashMap<usize, Vec<String>> = Default::default();
    for e in &report.errors {
        problems
            .entry(e.line)
            .or_default()
            .push(format!("{}：{}", e.column, e.message));
    }
    for (i, row) in sheet.table.rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_number(r, 0, row.line as f64).map_err(xerr)?;
        for (c, cell) in row.cells.iter().enumerate() {
            ws.write_string_with_format(r, (c + 1) as u16, cell.text(), &text)
                .map_err(xerr)?;
        }
        let st = status.get(&row.line).copied().unwrap_or(RowStatus::Invalid);
        let label = match (st, report.committed) {
            (RowStatus::New, true) => "已新增",
            (RowStatus::Changed, true) => "已修改",
            (s, _) => s.label(),
        };
        ws.write_string(r, sc, label).map_err(xerr)?;
        if let Some(p) = problems.get(&row.line) {
            ws.write_string_with_format(r, ec, p.join("；"), &bad)
                .map_err(xerr)?;
        }
    }
    ws.set_freeze_panes(1, 1).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}
