//! Excel files written for download.

use gonghui_store::AuditEntry;
use rust_xlsxwriter::{Format, Workbook};

/// The audit trail as an .xlsx sheet, one row per entry, with its chain hash.
pub fn audit_xlsx(entries: &[AuditEntry]) -> Result<Vec<u8>, String> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("审计日志").map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let headers = [
        "序号",
        "时间（UTC）",
        "账号",
        "来源地址",
        "操作",
        "对象类型",
        "对象",
        "工会组织",
        "结果",
        "修改前",
        "修改后",
        "哈希",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    for (i, e) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        let cells = [
            e.seq.map(|s| s.to_string()).unwrap_or_default(),
            e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            e.actor.clone(),
            e.ip.clone().unwrap_or_default(),
            crate::pages::admin::action_label(&e.action),
            crate::pages::admin::object_label(&e.object_kind).to_owned(),
            e.object_id.map(|v| v.to_string()).unwrap_or_default(),
            e.org_id.map(|v| v.to_string()).unwrap_or_default(),
            if e.success {
                "成功".into()
            } else {
                "失败/拒绝".into()
            },
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
            e.hash.clone().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16, v).map_err(|e| e.to_string())?;
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}
