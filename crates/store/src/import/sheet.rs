//! Reading an uploaded file into rows of cells: .xlsx and .xls through calamine, .csv in
//! UTF-8 (with or without BOM) or GB18030 as Chinese Excel saves it. Everything refused here is
//! refused for the whole file, before any row is looked at: not a spreadsheet, an empty sheet,
//! merged header cells, more rows than one import may hold.
//!
//! [`Source::scan`] walks the rows one at a time with borrowed cells ([`CellRef`]), so a big
//! CSV roster can be checked and written while it is still being read (the member import's
//! commit); [`read`] collects the same rows into a [`Table`] for everything else.

use std::borrow::Cow;
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

    /// The cell, borrowed.
    pub fn view(&self) -> CellRef<'_> {
        match self {
            Cell::Empty => CellRef::Empty,
            Cell::Text(t) => CellRef::Text(t),
            Cell::Number(n) => CellRef::Number(*n),
            Cell::Date(d) => CellRef::Date(*d),
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::NoValue => CellRef::NoValue,
            Cell::Error(e) => CellRef::Error(e),
        }
    }
}

/// A cell borrowed from the file being read (a CSV field is never copied to be checked).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    NoValue,
    Error(&'a str),
}

impl<'a> CellRef<'a> {
    pub fn is_empty(&self) -> bool {
        match self {
            CellRef::Empty => true,
            CellRef::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// As [`Cell::text`], without copying text cells.
    pub fn text(&self) -> Cow<'a, str> {
        match *self {
            CellRef::Empty | CellRef::NoValue => Cow::Borrowed(""),
            CellRef::Text(t) | CellRef::Error(t) => Cow::Borrowed(t),
            CellRef::Number(n) => Cow::Owned(number_text(n)),
            CellRef::Date(d) => Cow::Owned(d.to_string()),
            CellRef::Bool(b) => Cow::Borrowed(if b { "是" } else { "否" }),
        }
    }

    pub fn into_cell(self) -> Cell {
        match self {
            CellRef::Empty => Cell::Empty,
            CellRef::Text(t) => Cell::Text(t.to_owned()),
            CellRef::Number(n) => Cell::Number(n),
            CellRef::Date(d) => Cell::Date(d),
            CellRef::Bool(b) => Cell::Bool(b),
            CellRef::NoValue => Cell::NoValue,
            CellRef::Error(e) => Cell::Error(e.to_owned()),
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

/// A merged cell range: (first row, first column), (last row, last column), 0-based.
type Merge = ((u32, u32), (u32, u32));

/// What a scan calls with each data row: the header, the line, the cells.
pub type OnRow<'f> = dyn FnMut(&Header, usize, &[CellRef<'_>]) -> Result<()> + 'f;

/// A file opened for reading: a spreadsheet's first sheet read into a grid, or a CSV file's
/// decoded text (its rows are split while they are scanned).
pub enum Source {
    Grid {
        format: String,
        /// (sheet row number, cells) of every row the sheet stores.
        grid: Vec<(usize, Vec<Cell>)>,
        merges: Vec<Merge>,
    },
    Csv {
        format: &'static str,
        text: String,
    },
}

/// The header row a scan found.
#[derive(Debug, Clone)]
pub struct Header {
    pub format: String,
    pub line: usize,
    pub headers: Vec<String>,
}

impl Source {
    /// Open a file of any accepted format (refusing what is not a spreadsheet).
    pub fn open(bytes: Vec<u8>, filename: &str) -> Result<Source> {
        let lower = filename.to_lowercase();
        if bytes.is_empty() {
            return Err(refuse("上传的文件是空的，请重新选择文件"));
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return open_xlsx(&bytes, filename);
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return open_xls(&bytes, filename);
        }
        if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".xlsm") {
            return Err(not_a_spreadsheet(filename));
        }
        open_csv(bytes, filename)
    }

    /// About how many rows the file holds (for a progress bar before the rows are read): a
    /// CSV file's size over the length of its first lines.
    pub fn rows_hint(&self) -> usize {
        match self {
            Source::Grid { grid, .. } => grid.len(),
            Source::Csv { text, .. } => {
                let head = &text.as_bytes()[..text.len().min(1 << 16)];
                let lines = head.iter().filter(|b| **b == b'\n').count().max(1);
                text.len() / head.len().div_ceil(lines).max(1) + 1
            }
        }
    }

    /// Walk the rows: find the header among the top rows (`header_of` tells whether a row is
    /// it), then call `on_row` with every row under it that holds anything (the header, the
    /// line as Excel shows it, the row's cells). Refusals of the whole file (no header, merged
    /// header cells, too many rows, a broken CSV) come back as the error, whatever `on_row`
    /// did before; an error from `on_row` stops the scan and is returned.
    pub fn scan(
        &self,
        header_of: &dyn Fn(&[String]) -> bool,
        on_row: &mut OnRow<'_>,
    ) -> Result<Header> {
        match self {
            Source::Grid {
                format,
                grid,
                merges,
            } => {
                let mut w = Walker::new(format.clone(), header_of, merges);
                let mut cells = Vec::new();
                for (line, row) in grid {
                    cells.clear();
                    cells.extend(row.iter().map(Cell::view));
                    w.feed(*line, &cells, on_row)?;
                }
                w.finish()
            }
            Source::Csv { format, text } => {
                let mut w = Walker::new((*format).to_owned(), header_of, &[]);
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes());
                let mut rec = csv::StringRecord::new();
                let mut records = 0usize;
                let mut spare: Vec<CellRef<'static>> = Vec::new();
                loop {
                    match reader.read_record(&mut rec) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => {
                            let line = e.position().map(|p| p.line()).unwrap_or(0);
                            return Err(refuse(format!(
                                "CSV 文件第{line}行格式有误（引号不配对或换行位置不对），请用 Excel 打开检查后另存为 .xlsx 再上传"
                            )));
                        }
                    }
                    if records > MAX_ROWS + HEADER_SEARCH {
                        return Err(too_many(None));
                    }
                    records += 1;
                    let mut cells = reuse(std::mem::take(&mut spare));
                    cells.extend(rec.iter().map(|f| {
                        if f.trim().is_empty() {
                            CellRef::Empty
                        } else {
                            CellRef::Text(f)
                        }
                    }));
                    // The row number Excel shows when it opens the file (a quoted field may
                    // span lines).
                    w.feed(records, &cells, on_row)?;
                    spare = reuse(cells);
                }
                w.finish()
            }
        }
    }
}

/// An emptied vector of cells, for cells of another lifetime: the allocation is kept (the
/// standard library collects an emptied vector's iterator into its own buffer when the element
/// types have the same layout), so a row's cells cost no allocation.
fn reuse<'b>(mut v: Vec<CellRef<'_>>) -> Vec<CellRef<'b>> {
    v.clear();
    v.into_iter().map(|_| CellRef::Empty).collect()
}

/// Finds the header and hands on the data rows under it, counting them against the limit.
struct Walker<'h> {
    format: String,
    header_of: &'h dyn Fn(&[String]) -> bool,
    merges: &'h [Merge],
    /// Rows seen before the header was found.
    seen: usize,
    any_content: bool,
    header: Option<Header>,
    rows: usize,
    last_line: usize,
    over: bool,
}

impl<'h> Walker<'h> {
    fn new(
        format: String,
        header_of: &'h dyn Fn(&[String]) -> bool,
        merges: &'h [Merge],
    ) -> Walker<'h> {
        Walker {
            format,
            header_of,
            merges,
            seen: 0,
            any_content: false,
            header: None,
            rows: 0,
            last_line: 0,
            over: false,
        }
    }

    fn feed(&mut self, line: usize, cells: &[CellRef<'_>], on_row: &mut OnRow<'_>) -> Result<()> {
        let Some(h) = &self.header else {
            self.any_content |= !cells.iter().all(CellRef::is_empty);
            if self.seen < HEADER_SEARCH {
                self.seen += 1;
                let texts: Vec<String> = cells.iter().map(|c| c.text().into_owned()).collect();
                if (self.header_of)(&texts) {
                    check_merges(line, self.merges)?;
                    self.header = Some(Header {
                        format: self.format.clone(),
                        line,
                        headers: texts,
                    });
                }
            }
            return Ok(());
        };
        if cells.iter().all(CellRef::is_empty) {
            return Ok(());
        }
        self.rows += 1;
        self.last_line = line;
        // Blank rows in between count as rows of the sheet: the limit is on its extent.
        if self.rows > MAX_ROWS || line - h.line > MAX_ROWS {
            self.over = true;
        }
        if self.over {
            return Ok(());
        }
        on_row(h, line, cells)
    }

    fn finish(self) -> Result<Header> {
        let Some(h) = self.header else {
            if !self.any_content {
                return Err(refuse("文件中没有数据：第一个工作表是空的"));
            }
            return Err(refuse(
                "在文件前10行中找不到表头（列标题），请使用下载的导入模板，第一行（或说明行下面的一行）为列标题",
            ));
        };
        if self.over {
            let extent = self.last_line - h.line;
            return Err(too_many(Some(self.rows.max(extent))));
        }
        Ok(h)
    }
}

fn check_merges(line0: usize, merges: &[Merge]) -> Result<()> {
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
    Ok(())
}

/// Read a file of any accepted format into a table. `header_of` tells whether a row is the
/// header row (the first of the top rows that names a known column).
pub fn read(bytes: &[u8], filename: &str, header_of: &dyn Fn(&[String]) -> bool) -> Result<Table> {
    let source = Source::open(bytes.to_vec(), filename)?;
    let mut rows = Vec::new();
    let h = source.scan(header_of, &mut |_, line, cells| {
        rows.push(Row {
            line,
            cells: cells.iter().map(|c| c.into_cell()).collect(),
        });
        Ok(())
    })?;
    Ok(Table {
        format: h.format,
        header_line: h.line,
        headers: h.headers,
        rows,
    })
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

fn open_xlsx(bytes: &[u8], filename: &str) -> Result<Source> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet(filename))?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(refuse("文件中没有工作表"));
    };
    let merges: Vec<Merge> = match wb.worksheet_merge_cells(&sheet) {
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
    Ok(Source::Grid {
        format: "Excel 工作簿（.xlsx）".into(),
        grid,
        merges,
    })
}

fn open_xls(bytes: &[u8], filename: &str) -> Result<Source> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|_| not_a_spreadsheet(filename))?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(refuse("文件中没有工作表"));
    };
    let merges: Vec<Merge> = wb
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
    Ok(Source::Grid {
        format: "Excel 97-2003 工作簿（.xls）".into(),
        grid,
        merges,
    })
}

fn open_csv(bytes: Vec<u8>, filename: &str) -> Result<Source> {
    // A binary file that is neither a zip nor an OLE document: not a spreadsheet at all.
    let probe = &bytes[..bytes.len().min(4096)];
    if probe.contains(&0) {
        return Err(not_a_spreadsheet(filename));
    }
    let format = "CSV（UTF-8 编码）";
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = String::from_utf8_lossy(rest).into_owned();
        return Ok(Source::Csv { format, text });
    }
    // The file's own buffer becomes the text when it is UTF-8 (no copy of a big roster).
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::Csv { format, text }),
        Err(e) => {
            let (s, _, bad) = encoding_rs::GB18030.decode(e.as_bytes());
            if bad {
                return Err(refuse(
                    "文件的文字编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）。请用 Excel 打开后另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8”再上传",
                ));
            }
            Ok(Source::Csv {
                format: "CSV（GB18030/GBK 编码）",
                text: s.into_owned(),
            })
        }
    }
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
