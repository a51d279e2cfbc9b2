//! Reading an uploaded file into rows of cells: .xlsx and .xls through calamine, .csv in
//! UTF-8 (with or without BOM) or GB18030 as Chinese Excel saves it. Everything refused here is
//! refused for the whole file, before any row is looked at: not a spreadsheet, an empty sheet,
//! merged header cells, more rows than one import may hold.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xls, Xlsx};
use chrono::NaiveDate;

use crate::{Error, Result};

/// Most data rows one file may hold. A province's whole member roster is larger, but one file
/// is one grassroots area's or one county's; a bigger file is refused before it is read in full.
pub const MAX_ROWS: usize = 1_000_000;

/// How many rows at the top may hold a title or notes before the header row.
const HEADER_SEARCH: usize = 10;

/// One cell as the file stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula whose result was never saved (the file was written by a program that does not
    /// calculate, or saved with calculation off).
    NoValue,
    /// An Excel error value (#N/A, #REF!…).
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it (for headers, names, the result file).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::NoValue => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.to_string(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.into(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number as Excel shows it in a General cell: whole numbers without ".0".
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    /// The row number a person sees in Excel (1-based), or the line of a CSV file.
    pub line: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn get(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// What the file was, for the preview: "Excel 工作簿 (.xlsx)", "CSV（GB18030 编码）"…
    pub format: String,
    pub header_line: usize,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

fn refuse(message: impl Into<String>) -> Error {
    Error::invalid("file", message)
}

fn not_a_spreadsheet(filename: &str) -> Error {
    refuse(format!(
        "“{filename}”不是有效的 Excel 文件（.xlsx 或 .xls），也不是 CSV 文本文件，无法读取。请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再上传"
    ))
}

fn too_many(rows: Option<usize>) -> Error {
    let n = rows.map(|n| format!("有 {n} 行数据，")).unwrap_or_default();
    refuse(format!(
        "文件{n}超过一次导入的上限 {} 行，请按地区或工会拆分为几个文件分批导入",
        "1,000,000"
    ))
}

/// Read a file of any accepted format. `header_of` tells whether a row is the header row (the
/// first of the top rows that names a known column).
pub fn read(bytes: &[u8], filename: &str, header_of: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    let lower = filename.to_lowercase();
    if bytes.is_empty() {
        return Err(refuse("上传的文件是空的，请重新选择文件"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, filename, header_of);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_xls(bytes, filename, header_of);
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") {
        return Err(not_a_spreadsheet(filename));
    }
    read_csv(bytes, filename, header_of)
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_cell(dt.as_f64()),
        Data::DateTimeIso(s) => gonghui_domain::parse_date(s)
            .map(Cell::Date)
            .unwrap_or_else(|_| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_cell(dt.as_f64()),
        DataRef::DateTimeIso(s) => gonghui_domain::parse_date(s)
            .map(Cell::Date)
            .unwrap_or_else(|_| Cell::Text(s.clone())),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn date_cell(serial: f64) -> Cell {
    match gonghui_domain::excel_serial_date(serial) {
        Some(d) => Cell::Date(d),
        None => Cell::Number(serial),
    }
}

/// Column letters as Excel shows them (0 → A, 27 → AB).
pub fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Turn a grid (0-based rows, with their sheet row numbers) into a table: find the header,
/// keep the rows under it that hold anything.
fn into_table(
    format: String,
    grid: Vec<(usize, Vec<Cell>)>,
    merges: &[((u32, u32), (u32, u32))],
    header_of: &dyn Fn(&[String]) -> bool,
) -> Result<Table> {
    let mut header_at = None;
    for (i, (_, cells)) in grid.iter().enumerate().take(HEADER_SEARCH) {
        let texts: Vec<String> = cells.iter().map(|c| c.text()).collect();
        if header_of(&texts) {
            header_at = Some(i);
            break;
        }
    }
    let Some(h) = header_at else {
        if grid.iter().all(|(_, c)| c.iter().all(Cell::is_empty)) {
            return Err(refuse("文件中没有数据：第一个工作表是空的"));
        }
        return Err(refuse(
            "在文件前10行中找不到表头（列标题），请使用下载的导入模板，第一行（或说明行下面的一行）为列标题",
        ));
    };
    let line0 = grid[h].0;
    let row0 = (line0 - 1) as u32;
    for ((r1, c1), (r2, c2)) in merges {
        if *r1 <= row0 && row0 <= *r2 && (r1 != r2 || c1 != c2) {
            let cols = if c1 == c2 {
                format!("{}列", column_letter(*c1 as usize))
            } else {
                format!(
                    "{}–{}列",
                    column_letter(*c1 as usize),
                    column_letter(*c2 as usize)
                )
            };
            return Err(refuse(format!(
                "表头（第{}行）{cols}有合并单元格，无法判断每列是什么。请取消合并，使每一列只有一个标题，再上传",
                line0
            )));
        }
    }
    let headers: Vec<String> = grid[h].1.iter().map(|c| c.text()).collect();
    let rows: Vec<Row> = grid
        .into_iter()
        .skip(h + 1)
        .filter(|(_, cells)| !cells.iter().all(Cell::is_empty))
        .map(|(line, cells)| Row { line, cells })
        .collect();
    // Blank rows in between count as rows of the sheet: the limit is on its extent.
    let extent = rows.last().map(|r| r.line - line0).unwrap_or(0);
    if rows.len() > MAX_ROWS || extent > MAX_ROWS {
        return Err(too_many(Some(rows.len().max(extent))));
    }
    Ok(Table {
        format,
        header_line: line0,
        headers,
        rows,
    })
}

fn read_xlsx(bytes: &[u8], filename: &str, header_of: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet(filename))?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(refuse("文件中没有工作表"));
    };
    let merges: Vec<((u32, u32), (u32, u32))> = match wb.worksheet_merge_cells(&sheet) {
        Some(Ok(dims)) => dims.iter().map(|d| (d.start, d.end)).collect(),
        _ => vec![],
    };
    let mut grid: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut blanks = Vec::new();
    {
        let mut reader = wb
            .worksheet_cells_reader(&sheet)
            .map_err(|_| not_a_spreadsheet(filename))?;
        // The sheet's own dimension record says how many rows it has: a file far over the
        // limit is refused before its cells are read.
        let declared = reader.dimensions().end.0 as usize + 1;
        if declared > MAX_ROWS + HEADER_SEARCH + 1 {
            return Err(too_many(Some(declared.saturating_sub(1))));
        }
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(_) => return Err(not_a_spreadsheet(filename)),
            };
            let (r, c) = cell.get_position();
            let (r, c) = (r as usize, c as usize);
            if grid.last().is_none_or(|(line, _)| *line != r + 1) {
                if grid.len() > MAX_ROWS + HEADER_SEARCH {
                    return Err(too_many(None));
                }
                grid.push((r + 1, Vec::new()));
            }
            if r > MAX_ROWS + HEADER_SEARCH {
                return Err(too_many(Some(r)));
            }
            let value = from_ref(cell.get_value());
            if value.is_empty() {
                blanks.push((r, c));
            }
            let cells = &mut grid.last_mut().expect("pushed").1;
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = value;
        }
    }
    // A cell element without a value is either a blank with a format or a formula whose
    // result was never saved; only the second is an error, so look the formulas up.
    if !blanks.is_empty() {
        let mut formulas = std::collections::HashSet::new();
        if let Ok(mut reader) = wb.worksheet_cells_reader(&sheet) {
            while let Ok(Some(f)) = reader.next_formula() {
                if !f.get_value().is_empty() {
                    let (r, c) = f.get_position();
                    formulas.insert((r as usize, c as usize));
                }
            }
        }
        if !formulas.is_empty() {
            let mut by_line: std::collections::HashMap<usize, usize> = Default::default();
            for (i, (line, _)) in grid.iter().enumerate() {
                by_line.insert(*line, i);
            }
            for (r, c) in blanks {
                if formulas.contains(&(r, c))
                    && let Some(i) = by_line.get(&(r + 1))
                {
                    grid[*i].1[c] = Cell::NoValue;
                }
            }
        }
    }
    into_table("Excel 工作簿（.xlsx）".into(), grid, &merges, header_of)
}

fn read_xls(bytes: &[u8], filename: &str, header_of: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet(filename))?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(refuse("文件中没有工作表"));
    };
    let merges: Vec<((u32, u32), (u32, u32))> = wb
        .worksheet_merge_cells(&sheet)
        .unwrap_or_default()
        .iter()
        .map(|d| (d.start, d.end))
        .collect();
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|_| not_a_spreadsheet(filename))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let grid: Vec<(usize, Vec<Cell>)> = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![Cell::Empty; c0 as usize];
            cells.extend(row.iter().map(from_data));
            (r0 as usize + i + 1, cells)
        })
        .collect();
    into_table(
        "Excel 97-2003 工作簿（.xls）".into(),
        grid,
        &merges,
        header_of,
    )
}

fn read_csv(bytes: &[u8], filename: &str, header_of: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    // A binary file that is neither a zip nor an OLE document: not a spreadsheet at all.
    let probe = &bytes[..bytes.len().min(4096)];
    if probe.contains(&0) {
        return Err(not_a_spreadsheet(filename));
    }
    let (text, format) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (
            String::from_utf8_lossy(rest).into_owned(),
            "CSV（UTF-8 编码）",
        )
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_owned(), "CSV（UTF-8 编码）"),
            Err(_) => {
                let (s, _, bad) = encoding_rs::GB18030.decode(bytes);
                if bad {
                    return Err(refuse(
                        "文件的文字编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）。请用 Excel 打开后另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8”再上传",
                    ));
                }
                (s.into_owned(), "CSV（GB18030/GBK 编码）")
            }
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            refuse(format!(
                "CSV 文件第{line}行格式有误（引号不配对或换行位置不对），请用 Excel 打开检查后另存为 .xlsx 再上传"
            ))
        })?;
        if grid.len() > MAX_ROWS + HEADER_SEARCH {
            return Err(too_many(None));
        }
        // The row number Excel shows when it opens the file (a quoted field may span lines).
        let line = grid.len() + 1;
        let cells = rec
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_owned())
                }
            })
            .collect();
        grid.push((line, cells));
    }
    into_table(format.into(), grid, &[], header_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn numbers_read_as_shown() {
        assert_eq!(number_text(120.0), "120");
        assert_eq!(number_text(13812341234.0), "13812341234");
        assert_eq!(number_text(1.5), "1.5");
    }
}
