//! 统计与逐一摸底: the rules of the coverage statistics that need no data — which orgs own a
//! directory of units without a union (by region), the statistics period, the industry filter,
//! and the 五个清 survey of a unit without a union (seed 001).

use chrono::{Datelike, NaiveDate};

use crate::coded_enum;
use crate::error::Invalid;
use crate::industry::{IndustryCode, all_divisions};
use crate::org::OrgKind;

/// "421081" → "421081", "421000" → "4210", "420000" → "42": the prefix shared by every code
/// inside a region. Township codes (9 digits, as the NBS list gives them) are their own prefix:
/// "421081100" is a township, not the group 4210811.
pub fn region_prefix(code: &str) -> String {
    let code = code.trim();
    if code.len() > 6 {
        return code.to_owned();
    }
    let mut p = code;
    while p.len() > 2 && p.ends_with("00") {
        p = &p[..p.len() - 2];
    }
    p.to_owned()
}

/// Whether an org of this kind answers for the units of an area (县总、乡镇/街道、开发区, and the
/// city itself). Industrial unions and sector federations organize by trade, not by place.
pub fn is_area_level(kind: OrgKind) -> bool {
    matches!(
        kind,
        OrgKind::CityFederation | OrgKind::CountyFederation | OrgKind::AreaFederation
    )
}

/// The region prefix whose units without a union belong to an org's directory (逐一摸底名录),
/// or `None`. `above` are the org's ancestors (kind and region, any order).
///
/// An area-level org owns its region unless an area-level ancestor has the same prefix: a
/// township recorded with its county's six-digit code shares the county's directory, and
/// counting those units again under each township would make the townships add up to more
/// than the county.
pub fn directory_prefix(
    kind: OrgKind,
    region: Option<&str>,
    above: &[(OrgKind, Option<&str>)],
) -> Option<String> {
    if !is_area_level(kind) {
        return None;
    }
    let p = region_prefix(region.filter(|r| !r.trim().is_empty())?);
    let shared = above.iter().any(|(k, r)| {
        is_area_level(*k) && r.is_some_and(|r| !r.trim().is_empty() && region_prefix(r) == p)
    });
    (!shared).then_some(p)
}

/// A statistics period (新建工会、新入会会员), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The calendar year `year`.
    pub fn year(year: i32) -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January"),
            to: NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December"),
        }
    }

    /// The period from `from` to `to`, refused when it runs backwards.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, Invalid> {
        if from > to {
            return Err(Invalid(format!(
                "统计期间的起始日期（{from}）不能晚于截止日期（{to}）"
            )));
        }
        Ok(Period { from, to })
    }

    /// `Some((first, last))` when the period is whole calendar years (1 January of `first` to
    /// 31 December of `last`): such periods are answered from the maintained yearly counts.
    pub fn whole_years(&self) -> Option<(i32, i32)> {
        let starts = self.from.month() == 1 && self.from.day() == 1;
        let ends = self.to.month() == 12 && self.to.day() == 31;
        (starts && ends).then(|| (self.from.year(), self.to.year()))
    }

    /// How people read it: 2025年, 2023—2025年, or 2025-03-01 至 2025-06-30.
    pub fn label(&self) -> String {
        match self.whole_years() {
            Some((a, b)) if a == b => format!("{a}年"),
            Some((a, b)) => format!("{a}—{b}年"),
            None => format!("{} 至 {}", self.from, self.to),
        }
    }
}

/// The date statistics are asked for: not in the future (nothing is known about it yet).
pub fn check_as_of(as_of: NaiveDate, today: NaiveDate) -> Result<(), Invalid> {
    if as_of > today {
        return Err(Invalid(format!(
            "统计日期 {as_of} 晚于今天，请选择今天或以前的日期"
        )));
    }
    Ok(())
}

/// The industry codes a unit may carry to match a filter: a 门类 matches units recorded with
/// the letter itself or with any of its 大类; a 大类 matches itself.
pub fn industry_codes_in(filter: &IndustryCode) -> Vec<String> {
    if filter.is_section() {
        let letter = filter.section();
        let mut codes = vec![letter.to_string()];
        codes.extend(
            all_divisions()
                .iter()
                .filter(|d| d.2 == letter)
                .map(|d| d.0.to_owned()),
        );
        codes
    } else {
        vec![filter.as_str().to_owned()]
    }
}

/// Largest "职工人数不少于" a filter accepts (the largest headcount a unit may have).
pub const MAX_MIN_EMPLOYEES: i64 = 1_000_000;

/// The "职工人数不少于 N" filter.
pub fn check_min_employees_filter(n: i64) -> Result<(), Invalid> {
    if !(0..=MAX_MIN_EMPLOYEES).contains(&n) {
        return Err(Invalid(format!(
            "职工人数下限应为0至{MAX_MIN_EMPLOYEES}之间的整数，例如 25"
        )));
    }
    Ok(())
}

/// A region filter: the leading digits of a region code (省 2 位、市 4 位、县 6 位、乡镇 9 位).
pub fn check_region_filter(s: &str) -> Result<String, Invalid> {
    let t = crate::to_half_width(s).trim().to_owned();
    if !matches!(t.len(), 2 | 4 | 6 | 9) || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid(format!(
            "行政区划“{}”格式不对，应为2位（省）、4位（市）、6位（县）或9位（乡镇）数字，如 421081",
            s.trim()
        )));
    }
    Ok(region_prefix(&t))
}

coded_enum! {
    /// 未组建工会原因 (五个清之五): why a unit in the directory has no union yet.
    pub enum NoUnionReason {
        FewEmployees = ("few_employees", "职工人数少，不具备单独建会条件"),
        EmployerReluctant = ("employer_reluctant", "出资人（负责人）不支持"),
        WorkersUnwilling = ("workers_unwilling", "职工入会意愿不强"),
        NotOperating = ("not_operating", "停产、歇业或经营困难"),
        HighTurnover = ("high_turnover", "用工流动性大（季节性、临时用工）"),
        NoActivists = ("no_activists", "缺少工会工作骨干"),
        Preparing = ("preparing", "正在筹建（单建或纳入联合基层工会）"),
        ClosedOrMoved = ("closed_or_moved", "已注销、迁出或查无此单位"),
        Other = ("other", "其他原因"),
    }
}

/// What a 五个清 survey records, as typed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SurveyInput {
    /// 人员分布区域
    pub staff_distribution: String,
    /// 经营运行情况
    pub operations: String,
    /// 职工队伍情况
    pub workforce: String,
    /// 出资人（负责人）情况
    pub investor: String,
    /// 未组建工会原因
    pub reason: NoUnionReason,
    pub reason_text: Option<String>,
    /// 摸底日期
    pub surveyed_on: NaiveDate,
    /// 摸底人
    pub surveyed_by: String,
}

/// Longest text of one survey field: a paragraph, not a report.
pub const SURVEY_TEXT_MAX: usize = 500;

/// Checks a survey; the error names the form field it belongs to.
pub fn check_survey(s: &SurveyInput, today: NaiveDate) -> Result<(), (&'static str, Invalid)> {
    let texts: [(&'static str, &str, &str); 4] = [
        (
            "staff_distribution",
            &s.staff_distribution,
            "人员分布区域（如：厂区在新厂镇工业园，另有门店2处）",
        ),
        (
            "operations",
            &s.operations,
            "经营运行情况（如：正常生产，年产值约800万元）",
        ),
        (
            "workforce",
            &s.workforce,
            "职工队伍情况（如：职工35人，其中农民工20人、女职工12人）",
        ),
        (
            "investor",
            &s.investor,
            "出资人（负责人）情况（如：法定代表人张某，本地人，支持建会）",
        ),
    ];
    for (field, value, what) in texts {
        let n = value.trim().chars().count();
        if n == 0 {
            return Err((field, Invalid(format!("请填写{what}"))));
        }
        if n > SURVEY_TEXT_MAX {
            return Err((
                field,
                Invalid(format!(
                    "内容过长（{n}字），请精简到{SURVEY_TEXT_MAX}字以内"
                )),
            ));
        }
    }
    let reason_text = s.reason_text.as_deref().map(str::trim).unwrap_or("");
    if s.reason == NoUnionReason::Other && reason_text.is_empty() {
        return Err((
            "reason_text",
            Invalid::new("选择“其他原因”时，请写明未组建工会的具体原因"),
        ));
    }
    if reason_text.chars().count() > SURVEY_TEXT_MAX {
        return Err((
            "reason_text",
            Invalid(format!("原因说明请精简到{SURVEY_TEXT_MAX}字以内")),
        ));
    }
    if s.surveyed_on > today {
        return Err((
            "surveyed_on",
            Invalid(format!(
                "摸底日期 {} 晚于今天，请填写实际走访的日期",
                s.surveyed_on
            )),
        ));
    }
    if s.surveyed_on < NaiveDate::from_ymd_opt(2000, 1, 1).expect("date") {
        return Err((
            "surveyed_on",
            Invalid::new("摸底日期过早，请核对（应在2000年以后）"),
        ));
    }
    let by = s.surveyed_by.trim().chars().count();
    if !(2..=30).contains(&by) {
        return Err((
            "surveyed_by",
            Invalid::new("请填写摸底人姓名（2至30个字，可写多人，如“王芳、李强”）"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn prefixes() {
        assert_eq!(region_prefix("421081"), "421081");
        assert_eq!(region_prefix("421000"), "4210");
        assert_eq!(region_prefix("420000"), "42");
        assert_eq!(region_prefix("421081100"), "421081100");
        assert_eq!(region_prefix(" 421000 "), "4210");
    }

    #[test]
    fn who_owns_a_directory() {
        use OrgKind::*;
        let city = (CityFederation, Some("421000"));
        let county = (CountyFederation, Some("421081"));
        assert_eq!(
            directory_prefix(CityFederation, Some("421000"), &[]),
            Some("4210".into())
        );
        assert_eq!(
            directory_prefix(CountyFederation, Some("421081"), &[city]),
            Some("421081".into())
        );
        // A township with its county's code shares the county's directory.
        assert_eq!(
            directory_prefix(AreaFederation, Some("421081"), &[city, county]),
            None
        );
        // With its own nine-digit code it owns it.
        assert_eq!(
            directory_prefix(AreaFederation, Some("421081100"), &[city, county]),
            Some("421081100".into())
        );
        // The city's industrial unions and sector federations organize by trade.
        assert_eq!(
            directory_prefix(IndustrialUnion, Some("421000"), &[city]),
            None
        );
        assert_eq!(
            directory_prefix(SectorFederation, Some("421081"), &[city]),
            None
        );
        assert_eq!(directory_prefix(Grassroots, Some("421081"), &[]), None);
        assert_eq!(directory_prefix(CountyFederation, None, &[city]), None);
        // A development zone with its own NBS code under the city.
        assert_eq!(
            directory_prefix(AreaFederation, Some("421071"), &[city]),
            Some("421071".into())
        );
        // An industrial union above with the same code does not take it away.
        assert_eq!(
            directory_prefix(
                AreaFederation,
                Some("421000"),
                &[(IndustrialUnion, Some("421000"))]
            ),
            Some("4210".into())
        );
    }

    #[test]
    fn periods() {
        let y = Period::year(2025);
        assert_eq!(y.whole_years(), Some((2025, 2025)));
        assert_eq!(y.label(), "2025年");
        let p = Period::new(d(2023, 1, 1), d(2025, 12, 31)).unwrap();
        assert_eq!(p.whole_years(), Some((2023, 2025)));
        assert_eq!(p.label(), "2023—2025年");
        let p = Period::new(d(2025, 3, 1), d(2025, 6, 30)).unwrap();
        assert_eq!(p.whole_years(), None);
        assert_eq!(p.label(), "2025-03-01 至 2025-06-30");
        let err = Period::new(d(2025, 7, 1), d(2025, 6, 30)).unwrap_err();
        assert!(err.0.contains("不能晚于截止日期"), "{err}");
        assert!(Period::new(d(2025, 7, 1), d(2025, 7, 1)).is_ok());
    }

    #[test]
    fn as_of_not_in_the_future() {
        assert!(check_as_of(d(2025, 1, 1), d(2025, 1, 1)).is_ok());
        assert!(
            check_as_of(d(2025, 1, 2), d(2025, 1, 1))
                .unwrap_err()
                .0
                .contains("晚于今天")
        );
    }

    #[test]
    fn industry_filter() {
        let c = IndustryCode::parse("C").unwrap();
        let codes = industry_codes_in(&c);
        assert_eq!(codes[0], "C");
        assert!(codes.contains(&"13".to_owned()) && codes.contains(&"43".to_owned()));
        assert!(!codes.contains(&"44".to_owned()));
        let d35 = IndustryCode::parse("C35").unwrap();
        assert_eq!(industry_codes_in(&d35), vec!["35".to_owned()]);
    }

    #[test]
    fn filters() {
        assert!(check_min_employees_filter(0).is_ok());
        assert!(check_min_employees_filter(1_000_000).is_ok());
        assert!(
            check_min_employees_filter(-1)
                .unwrap_err()
                .0
                .contains("下限")
        );
        assert_eq!(check_region_filter("421081").unwrap(), "421081");
        assert_eq!(check_region_filter("４２１０").unwrap(), "4210");
        assert_eq!(check_region_filter("421000").unwrap(), "4210");
        assert!(
            check_region_filter("42108")
                .unwrap_err()
                .0
                .contains("格式不对")
        );
        assert!(check_region_filter("abcdef").is_err());
    }

    fn survey() -> SurveyInput {
        SurveyInput {
            staff_distribution: "厂区在新厂镇工业园".into(),
            operations: "正常生产".into(),
            workforce: "职工35人，农民工20人".into(),
            investor: "法定代表人张某，支持建会".into(),
            reason: NoUnionReason::Preparing,
            reason_text: None,
            surveyed_on: d(2025, 5, 1),
            surveyed_by: "王芳".into(),
        }
    }

    #[test]
    fn surveys() {
        let today = d(2025, 6, 1);
        assert!(check_survey(&survey(), today).is_ok());
        let mut s = survey();
        s.workforce = "  ".into();
        let (f, e) = check_survey(&s, today).unwrap_err();
        assert_eq!(f, "workforce");
        assert!(e.0.contains("职工队伍情况"), "{e}");
        let mut s = survey();
        s.reason = NoUnionReason::Other;
        let (f, e) = check_survey(&s, today).unwrap_err();
        assert_eq!((f, e.0.contains("其他原因")), ("reason_text", true));
        s.reason_text = Some("企业在外地注册".into());
        assert!(check_survey(&s, today).is_ok());
        let mut s = survey();
        s.surveyed_on = d(2025, 6, 2);
        assert_eq!(check_survey(&s, today).unwrap_err().0, "surveyed_on");
        let mut s = survey();
        s.surveyed_by = "王".into();
        assert_eq!(check_survey(&s, today).unwrap_err().0, "surveyed_by");
        let mut s = survey();
        s.investor = "字".repeat(SURVEY_TEXT_MAX + 1);
        let (f, e) = check_survey(&s, today).unwrap_err();
        assert_eq!(f, "investor");
        assert!(e.0.contains("过长"));
        assert_eq!(
            NoUnionReason::from_label("出资人（负责人）不支持"),
            Some(NoUnionReason::EmployerReluctant)
        );
    }

    proptest! {
        /// A prefix is a prefix of the code, and stripping never goes below the province.
        #[test]
        fn prefix_is_a_prefix(code in "[1-6][0-9]{5}") {
            let p = region_prefix(&code);
            prop_assert!(code.starts_with(&p));
            prop_assert!(p.len() >= 2);
            prop_assert!(p.len() == 6 || code[p.len()..].bytes().all(|b| b == b'0'));
        }

        /// A period of whole years reads back its years.
        #[test]
        fn whole_years_round_trip(a in 1990i32..2100, n in 0i32..5) {
            let p = Period::new(Period::year(a).from, Period::year(a + n).to).unwrap();
            prop_assert_eq!(p.whole_years(), Some((a, a + n)));
        }
    }
}
