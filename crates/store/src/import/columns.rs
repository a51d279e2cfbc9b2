//! The columns of each import: the header a template writes, the variants people's own
//! spreadsheets use, and how one cell becomes a value. Cell readers return the Chinese message
//! for that cell; the row readers collect them per column.

use std::borrow::Cow;

use chrono::NaiveDate;
use gonghui_domain::{Invalid, to_half_width};

use super::sheet::{CellRef, number_text};

/// One column of an import.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub key: &'static str,
    /// The header the template writes (without the `*`).
    pub label: &'static str,
    pub required: bool,
    /// Other headers accepted for this column.
    pub variants: &'static [&'static str],
    /// The template's example value.
    pub example: &'static str,
    /// Allowed values, offered as a drop-down list in the template.
    pub choices: &'static [&'static str],
}

const fn col(
    key: &'static str,
    label: &'static str,
    required: bool,
    variants: &'static [&'static str],
    example: &'static str,
) -> Col {
    Col {
        key,
        label,
        required,
        variants,
        example,
        choices: &[],
    }
}

const YES_NO: &[&str] = &["是", "否"];

pub const UNIT_COLS: &[Col] = &[
    col(
        "uscc",
        "统一社会信用代码",
        true,
        &[
            "社会信用代码",
            "信用代码",
            "统一代码",
            "单位统一社会信用代码",
            "企业统一社会信用代码",
        ],
        "91421081MA0000999Q",
    ),
    col(
        "name",
        "单位名称",
        true,
        &["企业名称", "单位全称", "企业全称", "名称", "单位"],
        "石首市楚源纺织有限公司",
    ),
    col(
        "region",
        "行政区划代码",
        true,
        &[
            "区划代码",
            "行政区划",
            "所在地行政区划代码",
            "所在地区划代码",
            "地区代码",
        ],
        "421081",
    ),
    col(
        "industry",
        "行业代码",
        false,
        &[
            "国民经济行业代码",
            "国民经济行业分类代码",
            "行业分类代码",
            "所属行业代码",
            "行业类别代码",
        ],
        "C17",
    ),
    Col {
        choices: &[
            "国有",
            "集体",
            "私营",
            "外商投资",
            "港澳台投资",
            "个体",
            "其他",
        ],
        ..col(
            "ownership",
            "经济类型",
            true,
            &[
                "登记注册类型",
                "经济性质",
                "所有制类型",
                "企业类型",
                "单位性质",
            ],
            "私营",
        )
    },
    col(
        "employees",
        "职工人数",
        true,
        &[
            "从业人员数",
            "从业人数",
            "从业人员",
            "职工总数",
            "在岗职工人数",
            "职工数",
        ],
        "120",
    ),
    col(
        "women",
        "女职工人数",
        false,
        &["其中女职工", "女职工", "其中：女职工", "女职工数"],
        "70",
    ),
    Col {
        choices: YES_NO,
        ..col(
            "above_scale",
            "是否三上企业",
            false,
            &[
                "三上企业",
                "是否“三上”企业",
                "是否规上企业",
                "是否规模以上企业",
                "三上",
            ],
            "是",
        )
    },
    Col {
        choices: YES_NO,
        ..col(
            "dispatch",
            "是否劳务派遣单位",
            false,
            &["劳务派遣单位", "是否劳务派遣企业", "劳务派遣企业"],
            "否",
        )
    },
    col(
        "park",
        "所在园区",
        false,
        &["园区", "所属园区", "所在开发区", "工业园区"],
        "石首经济开发区",
    ),
];

pub const ORG_COLS: &[Col] = &[
    col(
        "name",
        "工会名称",
        true,
        &["工会组织名称", "组织名称", "名称", "工会全称"],
        "石首市楚源纺织有限公司工会委员会",
    ),
    Col {
        choices: &[
            "县(市、区)总工会",
            "产业工会",
            "行业工会联合会",
            "乡镇(街道)工会",
            "开发区/工业园区工会",
            "社区工会联合会",
            "村工会联合会",
            "企业工会",
            "机关事业单位工会",
            "社会组织工会",
            "联合基层工会",
            "农民专业合作社工会",
        ],
        ..col(
            "kind",
            "工会类型",
            true,
            &["组织类型", "工会组织类型", "类型", "工会类别"],
            "企业工会",
        )
    },
    col(
        "parent",
        "上级工会",
        true,
        &[
            "上级工会名称",
            "隶属工会",
            "上级组织",
            "上级工会组织",
            "隶属上级工会",
            "主管工会",
        ],
        "石首市新厂镇工会",
    ),
    col(
        "uscc",
        "工会统一社会信用代码",
        false,
        &[
            "工会社会信用代码",
            "工会信用代码",
            "统一社会信用代码",
            "社会信用代码",
            "工会法人统一社会信用代码",
        ],
        "81421081MC0000999X",
    ),
    col(
        "region",
        "行政区划代码",
        false,
        &["区划代码", "行政区划", "所在地行政区划代码"],
        "421081",
    ),
    col(
        "founded",
        "成立日期",
        false,
        &["建会日期", "建会时间", "成立时间", "组建日期"],
        "2015-05-01",
    ),
    col(
        "units",
        "覆盖单位统一社会信用代码",
        false,
        &[
            "覆盖单位信用代码",
            "覆盖单位代码",
            "涵盖单位统一社会信用代码",
            "所在单位统一社会信用代码",
            "单位统一社会信用代码",
            "覆盖单位",
        ],
        "91421081MA0000999Q",
    ),
    col(
        "chair",
        "主席姓名",
        false,
        &["工会主席", "主席", "工会主席姓名"],
        "刘建国",
    ),
    col(
        "term_end",
        "本届任期届满日期",
        false,
        &[
            "任期届满日期",
            "届满日期",
            "任期届满时间",
            "本届任期届满时间",
            "换届时间",
        ],
        "2028-04-30",
    ),
    col("term_number", "届次", false, &["本届届次", "第几届"], "3"),
];

pub const MEMBER_COLS: &[Col] = &[
    col(
        "name",
        "姓名",
        true,
        &["会员姓名", "名字", "职工姓名"],
        "张伟",
    ),
    col(
        "id_number",
        "身份证号码",
        true,
        &[
            "身份证号",
            "公民身份号码",
            "身份证",
            "居民身份证号码",
            "证件号码",
            "身份证件号码",
        ],
        "421081198503109993",
    ),
    col(
        "org",
        "所在工会",
        true,
        &[
            "工会名称",
            "所属工会",
            "基层工会",
            "所在基层工会",
            "工会",
            "基层工会名称",
        ],
        "石首市楚源纺织有限公司工会委员会",
    ),
    col("join_date", "入会日期", false, &["入会时间"], "2021-03-01"),
    col(
        "phone",
        "手机号码",
        false,
        &["手机号", "联系电话", "手机", "电话", "联系方式"],
        "13871234567",
    ),
    Col {
        choices: YES_NO,
        ..col("migrant", "是否农民工", false, &["农民工"], "否")
    },
    Col {
        choices: YES_NO,
        ..col(
            "dispatched",
            "是否劳务派遣工",
            false,
            &["劳务派遣工", "是否派遣工", "是否劳务派遣"],
            "否",
        )
    },
    Col {
        choices: &[
            "货车司机",
            "快递员",
            "外卖配送员",
            "网约车司机",
            "护工护理员",
            "家政服务员",
            "商场信息员",
            "保安员",
        ],
        ..col(
            "group",
            "新就业形态群体",
            false,
            &["新就业形态", "八大群体", "新就业群体", "新就业形态劳动者"],
            "",
        )
    },
    Col {
        choices: &["个人申请", "集体入会", "上门登记入会", "网上入会"],
        ..col("join_method", "入会方式", false, &["入会途径"], "个人申请")
    },
    col("ethnicity", "民族", false, &[], "汉族"),
    Col {
        choices: &["小学及以下", "初中", "高中/中专", "大专", "本科", "研究生"],
        ..col(
            "education",
            "学历",
            false,
            &["文化程度", "最高学历"],
            "本科",
        )
    },
];

/// A header as compared: half-width, no spaces, no `*` marks or bracketed notes, no quotes.
pub fn norm_header(s: &str) -> String {
    let t = to_half_width(s);
    let mut out = String::new();
    let mut depth = 0;
    for c in t.chars() {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            '*' | '※' | '“' | '”' | '"' | '\'' | ':' | '：' => {}
            c if c.is_whitespace() => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// Which column a header names, if any.
pub fn match_header(cols: &[Col], header: &str) -> Option<usize> {
    let h = norm_header(header);
    if h.is_empty() {
        return None;
    }
    cols.iter()
        .position(|c| norm_header(c.label) == h)
        .or_else(|| {
            cols.iter()
                .position(|c| c.variants.iter().any(|v| norm_header(v) == h))
        })
}

/// How a file's columns map onto an import's columns.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// For each import column, the file column holding it.
    pub at: Vec<Option<usize>>,
    /// Headers of the file's columns no import column uses.
    pub extra: Vec<String>,
}

impl Mapping {
    pub fn of(cols: &[Col], headers: &[String]) -> Mapping {
        let mut at = vec![None; cols.len()];
        let mut extra = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            match match_header(cols, h) {
                Some(c) if at[c].is_none() => at[c] = Some(i),
                // A second column with the same meaning is ignored like any extra column.
                _ if !h.trim().is_empty() => extra.push(h.trim().to_owned()),
                _ => {}
            }
        }
        Mapping { at, extra }
    }

    pub fn missing_required(&self, cols: &[Col]) -> Vec<&'static str> {
        cols.iter()
            .zip(&self.at)
            .filter(|(c, at)| c.required && at.is_none())
            .map(|(c, _)| c.label)
            .collect()
    }
}

/// A cell's problem, or its value.
pub type CellResult<T> = Result<T, String>;

fn formula_problems(cell: CellRef<'_>) -> Option<String> {
    match cell {
        CellRef::NoValue => Some(
            "这是公式，但文件中没有保存计算结果。请在 Excel 中打开文件、保存后再上传，或把公式复制后“粘贴为数值”"
                .into(),
        ),
        CellRef::Error(e) => Some(format!(
            "单元格是 Excel 错误值 {e}，请改为正确的内容"
        )),
        _ => None,
    }
}

/// True when [`text`] (`half_width`) or [`name_text`] would return `s` unchanged: no spaces
/// at the ends or doubled, no other whitespace, and (for `text`) no full-width letters.
fn is_clean(s: &str, half_width: bool) -> bool {
    let mut prev_space = true;
    for c in s.chars() {
        if c == ' ' {
            if prev_space {
                return false;
            }
            prev_space = true;
            continue;
        }
        prev_space = false;
        if c.is_ascii() {
            if c.is_ascii_control() {
                return false;
            }
        } else if c.is_whitespace() || (half_width && ('\u{FF01}'..='\u{FF5E}').contains(&c)) {
            return false;
        }
    }
    !prev_space || s.is_empty()
}

/// Text with full-width letters and digits made half-width and stray spaces (including the
/// ideographic space and non-breaking space) trimmed and collapsed. `None` when empty.
pub fn text(cell: CellRef<'_>) -> CellResult<Option<String>> {
    Ok(text_cow(cell)?.map(Cow::into_owned))
}

/// [`text`], borrowing the cell's own text when it needs no cleaning.
pub fn text_cow<'a>(cell: CellRef<'a>) -> CellResult<Option<Cow<'a, str>>> {
    if let Some(p) = formula_problems(cell) {
        return Err(p);
    }
    let raw = cell.text();
    // Most cells need no cleaning: taken as they are.
    if is_clean(&raw, true) {
        return Ok((!raw.is_empty()).then_some(raw));
    }
    let raw = raw.replace('\u{a0}', " ");
    let t = to_half_width(&raw);
    let t: Vec<&str> = t.split_whitespace().collect();
    let t = t.join(" ");
    Ok((!t.is_empty()).then_some(Cow::Owned(t)))
}

/// A name (of a unit, union or person): as [`text`], but Chinese names keep their full-width
/// punctuation (（）、) as typed, only spaces are cleaned.
pub fn name_text(cell: CellRef<'_>) -> CellResult<Option<String>> {
    Ok(name_cow(cell)?.map(Cow::into_owned))
}

/// [`name_text`], borrowing the cell's own text when it needs no cleaning.
pub fn name_cow<'a>(cell: CellRef<'a>) -> CellResult<Option<Cow<'a, str>>> {
    if let Some(p) = formula_problems(cell) {
        return Err(p);
    }
    let raw = cell.text();
    if is_clean(&raw, false) {
        return Ok((!raw.is_empty()).then_some(raw));
    }
    let raw = raw.replace(['\u{a0}', '\u{3000}'], " ");
    let t: Vec<&str> = raw.split_whitespace().collect();
    let t = t.join(" ");
    Ok((!t.is_empty()).then_some(Cow::Owned(t)))
}

/// Text of a code column (USCC, ID number): a code stored as a number has lost its last
/// digits in Excel (which keeps 15 significant digits), so it is refused, never repaired.
pub fn code_text(cell: CellRef<'_>, what: &str) -> CellResult<Option<String>> {
    Ok(code_cow(cell, what)?.map(Cow::into_owned))
}

/// [`code_text`], borrowing the cell's own text when it needs no cleaning.
pub fn code_cow<'a>(cell: CellRef<'a>, what: &str) -> CellResult<Option<Cow<'a, str>>> {
    let shown = match cell {
        CellRef::Number(n) => Some(number_text(n)),
        _ => None,
    };
    if let Some(shown) = shown {
        let digits = shown.chars().filter(|c| c.is_ascii_digit()).count();
        if digits >= 15 || shown.contains(['e', 'E']) {
            return Err(format!(
                "{what}在文件中是数字格式（显示为 {}），Excel 只保留15位有效数字，后几位已经丢失，无法还原。请把这一列设置为“文本”格式，重新录入或粘贴{what}后再导入",
                scientific(match cell {
                    CellRef::Number(n) => n,
                    _ => unreachable!(),
                })
            ));
        }
        return Ok(Some(Cow::Owned(shown)));
    }
    let t = text_cow(cell)?;
    if let Some(t) = t.as_ref().filter(|t| t.contains(['e', 'E'])) {
        // "4.21081E+17" typed or exported as text: the same loss, already happened.
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let sci = compact.len() < 18
            && compact.contains(['e', 'E'])
            && compact
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            && compact.chars().next().is_some_and(|c| c.is_ascii_digit());
        if sci {
            return Err(format!(
                "{what}“{t}”是科学计数法，说明在 Excel 中被当成了数字，后几位已经丢失，无法还原。请把这一列设置为“文本”格式，重新录入{what}后再导入"
            ));
        }
    }
    Ok(t)
}

fn scientific(n: f64) -> String {
    let s = format!("{n:E}");
    // 4.21081198503100E17 → 4.21081E+17, as Excel shows it.
    match s.split_once('E') {
        Some((m, e)) => {
            let m: String = m.chars().take(7).collect();
            format!("{m}E+{e}")
        }
        None => s,
    }
}

/// A date: an Excel date cell, an Excel serial number, or text in any form the forms accept.
pub fn date(cell: CellRef<'_>) -> CellResult<Option<NaiveDate>> {
    if let Some(p) = formula_problems(cell) {
        return Err(p);
    }
    match cell {
        CellRef::Empty => Ok(None),
        CellRef::Date(d) => Ok(Some(d)),
        CellRef::Number(n) => gonghui_domain::excel_serial_date(n)
            .map(Some)
            .ok_or_else(|| format!("“{}”不是日期，请按 2024-03-01 的格式填写", number_text(n))),
        _ => {
            let Some(t) = text_cow(cell)? else {
                return Ok(None);
            };
            // A serial number that arrived as text (a CSV saved from a date column).
            if t.len() == 5
                && t.chars().all(|c| c.is_ascii_digit())
                && let Some(d) = t.parse().ok().and_then(gonghui_domain::excel_serial_date)
            {
                return Ok(Some(d));
            }
            if let Some(d) = iso_date(&t) {
                return Ok(Some(d));
            }
            gonghui_domain::parse_date(&t).map(Some).map_err(|e| e.0)
        }
    }
}

/// A date written exactly as 2024-03-01 (what `parse_date` would read it as, without its
/// rewriting of the other forms).
fn iso_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// A whole number ≥ 0 (headcounts).
pub fn count(cell: CellRef<'_>, label: &str) -> CellResult<Option<i64>> {
    if let Some(p) = formula_problems(cell) {
        return Err(p);
    }
    let bad = || format!("{label}应为0或正整数，例如 120");
    match cell {
        CellRef::Empty => Ok(None),
        CellRef::Number(n) if n.fract() == 0.0 && (0.0..1e12).contains(&n) => Ok(Some(n as i64)),
        CellRef::Number(_) => Err(bad()),
        _ => match text(cell)? {
            None => Ok(None),
            Some(t) => {
                let t = t.replace([',', '，', ' '], "");
                let t = t.strip_suffix('人').unwrap_or(&t);
                t.parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .map(Some)
                    .ok_or_else(bad)
            }
        },
    }
}

/// 是/否 and the ways spreadsheets write it. `None` when empty.
pub fn yes_no(cell: CellRef<'_>, label: &str) -> CellResult<Option<bool>> {
    if let Some(p) = formula_problems(cell) {
        return Err(p);
    }
    match cell {
        CellRef::Bool(b) => Ok(Some(b)),
        CellRef::Number(1.0) => Ok(Some(true)),
        CellRef::Number(0.0) => Ok(Some(false)),
        CellRef::Empty => Ok(None),
        CellRef::Text("是") => Ok(Some(true)),
        CellRef::Text("否") => Ok(Some(false)),
        _ => match text(cell)?.as_deref().map(str::to_uppercase).as_deref() {
            None => Ok(None),
            Some("是" | "Y" | "YES" | "TRUE" | "1" | "√" | "✓" | "有") => Ok(Some(true)),
            Some("否" | "N" | "NO" | "FALSE" | "0" | "×" | "无" | "不是") => Ok(Some(false)),
            Some(other) => Err(format!("{label}应填“是”或“否”，而不是“{other}”")),
        },
    }
}

/// A coded value by its Chinese label (or code), with extra accepted spellings.
pub fn coded<T: Copy>(
    cell: CellRef<'_>,
    label: &str,
    from_label: impl Fn(&str) -> Option<T>,
    aliases: &[(&str, T)],
    choices: &[&str],
) -> CellResult<Option<T>> {
    let Some(t) = text_cow(cell)? else {
        return Ok(None);
    };
    if let Some(v) = from_label(&t) {
        return Ok(Some(v));
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some((_, v)) = aliases.iter().find(|(a, _)| *a == compact) {
        return Ok(Some(*v));
    }
    Err(format!(
        "{label}“{t}”无法识别，请填写：{}",
        choices.join("、")
    ))
}

/// A vocabulary's labels as `from_label` compares them (made half-width), worked out once for
/// a file instead of for every cell.
pub struct Labels<T: 'static> {
    all: Vec<(String, &'static str, T)>,
}

impl<T: Copy> Labels<T> {
    pub fn new(
        all: &'static [T],
        label: impl Fn(T) -> &'static str,
        code: impl Fn(T) -> &'static str,
    ) -> Labels<T> {
        Labels {
            all: all
                .iter()
                .map(|v| (to_half_width(label(*v)), code(*v), *v))
                .collect(),
        }
    }

    /// What the generated `from_label` finds for text that [`text`] returned (half-width and
    /// trimmed already, so only the labels needed converting).
    pub fn find(&self, t: &str) -> Option<T> {
        self.all
            .iter()
            .find(|(label, code, _)| label == t || *code == t)
            .map(|(_, _, v)| *v)
    }
}

/// A domain parser's refusal as a cell message.
pub fn msg(e: Invalid) -> String {
    e.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants() {
        assert_eq!(match_header(UNIT_COLS, "统一社会信用代码*"), Some(0));
        assert_eq!(match_header(UNIT_COLS, " 信用代码 "), Some(0));
        assert_eq!(match_header(UNIT_COLS, "社会信用代码（必填）"), Some(0));
        assert_eq!(match_header(MEMBER_COLS, "公民身份号码"), Some(1));
        assert_eq!(match_header(MEMBER_COLS, "身份证号"), Some(1));
        assert_eq!(match_header(MEMBER_COLS, "工会名称"), Some(2));
        assert_eq!(match_header(MEMBER_COLS, "备注"), None);
        assert_eq!(match_header(UNIT_COLS, "是否“三上”企业"), Some(7));
    }

    #[test]
    fn codes_stored_as_numbers_are_refused() {
        let e = code_text(CellRef::Number(421081198503100000.0), "身份证号码").unwrap_err();
        assert!(e.contains("4.21081E+17") && e.contains("文本"), "{e}");
        let e = code_text(CellRef::Text("4.21081E+17"), "身份证号码").unwrap_err();
        assert!(e.contains("科学计数法"), "{e}");
        assert_eq!(
            code_text(CellRef::Text("４２１０８１"), "x").unwrap(),
            Some("421081".into())
        );
    }

    #[test]
    fn cells() {
        assert_eq!(count(CellRef::Text("1,200人"), "职工人数"), Ok(Some(1200)));
        assert!(count(CellRef::Number(1.5), "职工人数").is_err());
        assert_eq!(yes_no(CellRef::Text(" 是 "), "x"), Ok(Some(true)));
        assert!(yes_no(CellRef::Text("大概"), "x").is_err());
        assert_eq!(
            date(CellRef::Number(45352.0)),
            Ok(NaiveDate::from_ymd_opt(2024, 3, 1))
        );
        assert_eq!(
            date(CellRef::Text("2024年3月1日")),
            Ok(NaiveDate::from_ymd_opt(2024, 3, 1))
        );
        assert!(date(CellRef::NoValue).unwrap_err().contains("公式"));
        assert_eq!(
            text(CellRef::Text("  石首市\u{3000} 工会 ")),
            Ok(Some("石首市 工会".into()))
        );
    }

    /// The cleaning of `text` and `name_text` as first written, without their fast path.
    fn cleaned(s: &str, half_width: bool) -> Option<String> {
        let raw = if half_width {
            to_half_width(&s.replace('\u{a0}', " "))
        } else {
            s.replace(['\u{a0}', '\u{3000}'], " ")
        };
        let t = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        (!t.is_empty()).then_some(t)
    }

    #[test]
    fn clean_cells_are_taken_as_they_are_others_cleaned_as_before() {
        for s in [
            "",
            " ",
            "张伟",
            "张 伟",
            "张  伟",
            " 张伟",
            "张伟 ",
            "张\u{3000}伟",
            "张\u{a0}伟",
            "张\t伟",
            "ＡＢＣ科技（荆州）",
            "abc-123_x",
            "a\u{2003}b",
            "行\n两",
            "x\u{0}y",
            "４２１０８１",
            "石首市楚源纺织有限公司工会",
        ] {
            let cell = CellRef::Text(s);
            assert_eq!(text(cell).unwrap(), cleaned(s, true), "text of {s:?}");
            assert_eq!(name_text(cell).unwrap(), cleaned(s, false), "name of {s:?}");
        }
    }

    #[test]
    fn dates_written_plainly_read_as_parse_date_reads_them() {
        for t in [
            "2024-03-01",
            "1999-12-31",
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "2024-3-01",
            "2024-03-1x",
        ] {
            let fast = iso_date(t);
            if let Some(d) = fast {
                assert_eq!(gonghui_domain::parse_date(t).ok(), Some(d), "{t}");
            }
            assert_eq!(
                date(CellRef::Text(t)),
                gonghui_domain::parse_date(t).map(Some).map_err(|e| e.0),
                "{t}"
            );
        }
    }

    #[test]
    fn labels_find_what_from_label_finds() {
        use gonghui_domain::{Education, JoinMethod, NewEmploymentGroup};
        let methods = Labels::new(JoinMethod::ALL, |v| v.label(), |v| v.code());
        let groups = Labels::new(NewEmploymentGroup::ALL, |v| v.label(), |v| v.code());
        let educations = Labels::new(Education::ALL, |v| v.label(), |v| v.code());
        for v in JoinMethod::ALL {
            for t in [v.label(), v.code()] {
                assert_eq!(methods.find(t), JoinMethod::from_label(t), "{t}");
            }
        }
        for v in NewEmploymentGroup::ALL {
            for t in [v.label(), v.code()] {
                assert_eq!(groups.find(t), NewEmploymentGroup::from_label(t), "{t}");
            }
        }
        for v in Education::ALL {
            let half = to_half_width(v.label());
            for t in [half.as_str(), v.code()] {
                assert_eq!(educations.find(t), Education::from_label(t), "{t}");
            }
        }
        assert_eq!(methods.find("随便"), None);
    }
}
