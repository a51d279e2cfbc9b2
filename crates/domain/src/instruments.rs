//! The city's own instruments of union building (seed 000): 工会主席协议管理 (agreements with
//! the chairs of non-public enterprises), 执业律师兼职县级工会副主席, the 四个到位 of
//! 开发区/工业园区工会 that gate the subsidy, and 双亮 (亮牌子、亮身份、亮作为) with its
//! coverage target and the honors it gates. Pure rules; the store applies them with the data.

use chrono::{Datelike, Months, NaiveDate};

use crate::coded_enum;
use crate::error::Invalid;
use crate::text::compact;

coded_enum! {
    /// 选配: how the chair under agreement came to the post.
    pub enum ChairSelection {
        /// 上级工会向企业选派的工会主席.
        Dispatched = ("dispatched", "上级工会选派"),
        /// 面向社会公开选聘（职业化工会主席）.
        Hired = ("hired", "社会化选聘"),
        /// 会员（代表）大会选举产生.
        Elected = ("elected", "会员（代表）大会选举"),
        /// 职工民主推选、企业推荐后经上级工会同意.
        Recommended = ("recommended", "民主推选"),
    }
}

coded_enum! {
    /// 年度考核结果 of a chair under agreement.
    pub enum AssessmentResult {
        Excellent = ("excellent", "优秀"),
        Competent = ("competent", "合格"),
        BasicallyCompetent = ("basically_competent", "基本合格"),
        Incompetent = ("incompetent", "不合格"),
    }
}

coded_enum! {
    /// 四个到位 of a 开发区/工业园区工会 (seed 000). Labels are the short names; pages add 到位.
    pub enum FourItem {
        Organization = ("organization", "机构设置"),
        Office = ("office", "办公设施"),
        Cadres = ("cadres", "干部配备"),
        Funds = ("funds", "基本经费"),
    }
}

/// Default of the setting `chair_agreement.min_employees` (seed 000: "有职工*人以上的非公有制企业").
pub const CHAIR_AGREEMENT_MIN_EMPLOYEES: i64 = 100;
/// Default of the setting `dual_display.min_employees` (seed 000: "*人以上的企业").
pub const DUAL_DISPLAY_MIN_EMPLOYEES: i64 = 100;
/// Default of the setting `dual_display.target_percent` (seed 000: "覆盖面达到*%以上").
pub const DUAL_DISPLAY_TARGET_PERCENT: i64 = 90;

/// A chair's agreement follows the chair's term of office, which is at most five years.
const MAX_AGREEMENT_MONTHS: u32 = 5 * 12;

/// Checks the term of a chair agreement: it ends after it starts and lasts at most five years.
pub fn check_agreement_term(start: NaiveDate, end: NaiveDate) -> Result<(), Invalid> {
    if end <= start {
        return Err(Invalid(format!(
            "协议终止日期（{end}）应晚于起始日期（{start}），请核对"
        )));
    }
    let limit = start.checked_add_months(Months::new(MAX_AGREEMENT_MONTHS));
    if limit.is_none_or(|limit| end > limit) {
        return Err(Invalid::new(
            "协议期限与工会主席任期一致，最长5年，请核对终止日期",
        ));
    }
    Ok(())
}

/// Whether two closed date ranges share a day.
pub fn periods_overlap(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// The year of a 年度考核 must fall within the agreement (as far as it ran) and may not be a
/// year still to come.
pub fn check_assessment_year(
    year: i32,
    start: NaiveDate,
    effective_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if year > today.year() {
        return Err(Invalid(format!("{year}年度还没有到来，不能登记考核结果")));
    }
    if year < start.year() || year > effective_end.year() {
        return Err(Invalid(format!(
            "考核年度应在协议期限内（{}—{}年），请核对",
            start.year(),
            effective_end.year()
        )));
    }
    Ok(())
}

/// Parses an amount of money in 元 as people type it ("800", "1,200", "800.50", "８００元")
/// into 分. Refuses negative amounts, more than two decimals and absurd sizes.
pub fn parse_yuan(input: &str, label: &str) -> Result<i64, Invalid> {
    let t = compact(input).replace([',', '，'], "");
    let t = t.trim_end_matches('元');
    let example = format!("{label}应为不小于0的金额（元），最多两位小数，例如 800 或 800.50");
    if t.starts_with('-') {
        return Err(Invalid(format!("{label}不能是负数")));
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) {
        return Err(Invalid(example));
    }
    if frac.len() > 2 {
        return Err(Invalid(format!("{label}最多两位小数（到分），请核对")));
    }
    if whole.len() > 10 {
        return Err(Invalid(format!("{label}超过100亿元，请核对是否多输了数字")));
    }
    let yuan: i64 = whole.parse().map_err(|_| Invalid(example.clone()))?;
    let fen: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Ok(yuan * 100 + fen)
}

/// 分 as 元 for people: "800", "800.50".
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.abs();
    if fen % 100 == 0 {
        format!("{sign}{}", fen / 100)
    } else {
        format!("{sign}{}.{:02}", fen / 100, fen % 100)
    }
}

/// 律师执业证号: 17 digits (as printed on the 律师执业证). Accepts full-width digits and spaces.
pub fn check_lawyer_cert(input: &str) -> Result<String, Invalid> {
    let t = compact(input);
    if t.is_empty() {
        return Err(Invalid::new("请填写律师执业证号（17位数字）"));
    }
    if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(Invalid(format!(
            "律师执业证号只能由数字组成，第{}位“{c}”不是数字，请对照律师执业证核对",
            i + 1
        )));
    }
    let n = t.chars().count();
    if n != 17 {
        return Err(Invalid(format!(
            "律师执业证号应为17位数字，现在是{n}位，请对照律师执业证核对"
        )));
    }
    Ok(t)
}

/// 文号 of an appointment or decision, e.g. 荆工发〔2024〕12号.
pub fn check_document_no(input: &str, label: &str) -> Result<String, Invalid> {
    let t = input.trim();
    let n = t.chars().count();
    if n == 0 {
        return Err(Invalid(format!("请填写{label}，例如 荆工发〔2024〕12号")));
    }
    if n > 60 {
        return Err(Invalid(format!("{label}太长（{n}个字），最多60个字")));
    }
    if t.chars().any(char::is_control) {
        return Err(Invalid(format!("{label}中有不可见的控制字符，请重新输入")));
    }
    Ok(t.to_owned())
}

/// 聘任日期 and 任期届满 of a lawyer vice-chair.
pub fn check_appointment_term(appointed_on: NaiveDate, term_end: NaiveDate) -> Result<(), Invalid> {
    if term_end <= appointed_on {
        return Err(Invalid(format!(
            "任期届满日期（{term_end}）应晚于聘任日期（{appointed_on}），请核对"
        )));
    }
    let limit = appointed_on.checked_add_months(Months::new(MAX_AGREEMENT_MONTHS));
    if limit.is_none_or(|limit| term_end > limit) {
        return Err(Invalid::new(
            "兼职副主席任期不超过县级工会委员会的一届（最长5年），请核对任期届满日期",
        ));
    }
    Ok(())
}

/// The four items of a park union, whichever are recorded; an item never checked is missing.
/// Returns the items that are not in place, in the seed's order.
pub fn four_missing(in_place: &[(FourItem, bool)]) -> Vec<FourItem> {
    FourItem::ALL
        .iter()
        .copied()
        .filter(|item| !in_place.iter().any(|(i, ok)| i == item && *ok))
        .collect()
}

/// Seed 000: "以上四个基本要求不到位的，补助经费一律不予划拨".
pub fn check_subsidy_allowed(in_place: &[(FourItem, bool)]) -> Result<(), Invalid> {
    let missing = four_missing(in_place);
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|m| m.label()).collect();
    Err(Invalid(format!(
        "四个到位未全部到位的开发区工会不予划拨补助经费（{}未到位）",
        names.join("、")
    )))
}

/// 双亮 of a grassroots union: 工会组织亮牌子、工会主席亮身份、工会工作亮作为 (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct DualDisplay {
    /// 亮牌子
    pub sign: bool,
    /// 亮身份
    pub identity: bool,
    /// 亮作为
    pub deeds: bool,
}

impl DualDisplay {
    pub fn all(self) -> bool {
        self.sign && self.identity && self.deeds
    }

    /// The names of what is not yet shown.
    pub fn missing(self) -> Vec<&'static str> {
        [
            (self.sign, "亮牌子"),
            (self.identity, "亮身份"),
            (self.deeds, "亮作为"),
        ]
        .iter()
        .filter(|(done, _)| !done)
        .map(|(_, n)| *n)
        .collect()
    }
}

/// Seed 000: "今后凡是没有开展双亮活动的单位，一律不得参与市级以上模范职工之家、优秀工会组织和
/// 优秀工会干部的等评比活动". `status` is the union's recorded 双亮 (None: never checked).
pub fn dual_display_eligible(status: Option<DualDisplay>) -> Result<(), Invalid> {
    const RULE: &str =
        "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选";
    match status {
        None => Err(Invalid(format!("{RULE}（尚未登记双亮情况）"))),
        Some(s) if s.all() => Ok(()),
        Some(s) => Err(Invalid(format!("{RULE}（尚未{}）", s.missing().join("、")))),
    }
}

/// The employee threshold of an instrument ("*人以上"): a whole number from 1 to 100000.
pub fn check_min_employees(n: i64) -> Result<(), Invalid> {
    if (1..=100_000).contains(&n) {
        Ok(())
    } else {
        Err(Invalid::new(
            "职工人数门槛应为1至100000之间的整数，例如 100",
        ))
    }
}

/// A coverage target in percent: 1 to 100.
pub fn check_target_percent(p: i64) -> Result<(), Invalid> {
    if (1..=100).contains(&p) {
        Ok(())
    } else {
        Err(Invalid::new(
            "目标覆盖面应为1至100之间的整数（百分比），例如 90",
        ))
    }
}

/// `num / den` as a percentage with one decimal ("87.5%"), or "—" when nothing is eligible.
pub fn percent_text(num: i64, den: i64) -> String {
    if den <= 0 {
        return "—".into();
    }
    // Rounded half up in tenths of a percent, in integers so 2/3 is 66.7% on every machine.
    let tenths = (num * 2000 + den) / (den * 2);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Whether `num / den` reaches `target` percent (None when nothing is eligible).
pub fn reaches_target(num: i64, den: i64, target: i64) -> Option<bool> {
    (den > 0).then(|| num * 100 >= target * den)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn agreement_terms() {
        assert!(check_agreement_term(d(2023, 1, 1), d(2025, 12, 31)).is_ok());
        assert!(check_agreement_term(d(2023, 1, 1), d(2028, 1, 1)).is_ok());
        let e = check_agreement_term(d(2023, 1, 1), d(2028, 1, 2)).unwrap_err();
        assert!(e.0.contains("最长5年"), "{e}");
        let e = check_agreement_term(d(2023, 1, 1), d(2023, 1, 1)).unwrap_err();
        assert!(e.0.contains("应晚于起始日期"), "{e}");
        assert!(check_agreement_term(d(2023, 1, 1), d(2022, 12, 31)).is_err());
    }

    #[test]
    fn overlaps_share_a_day() {
        let a = (d(2023, 1, 1), d(2023, 12, 31));
        assert!(periods_overlap(a, (d(2023, 12, 31), d(2024, 5, 1))));
        assert!(!periods_overlap(a, (d(2024, 1, 1), d(2024, 5, 1))));
        assert!(periods_overlap(a, (d(2022, 1, 1), d(2023, 1, 1))));
        assert!(!periods_overlap(a, (d(2022, 1, 1), d(2022, 12, 31))));
        assert!(periods_overlap(a, (d(2023, 3, 1), d(2023, 4, 1))));
    }

    #[test]
    fn assessment_years() {
        let today = d(2025, 6, 1);
        assert!(check_assessment_year(2023, d(2023, 3, 1), d(2026, 2, 28), today).is_ok());
        assert!(check_assessment_year(2025, d(2023, 3, 1), d(2026, 2, 28), today).is_ok());
        let e = check_assessment_year(2026, d(2023, 3, 1), d(2026, 2, 28), today).unwrap_err();
        assert!(e.0.contains("还没有到来"), "{e}");
        let e = check_assessment_year(2022, d(2023, 3, 1), d(2026, 2, 28), today).unwrap_err();
        assert!(e.0.contains("2023—2026"), "{e}");
        // An agreement ended in 2024 is not assessed for 2025.
        assert!(check_assessment_year(2025, d(2023, 3, 1), d(2024, 5, 1), today).is_err());
    }

    #[test]
    fn yuan() {
        assert_eq!(parse_yuan("800", "月补贴"), Ok(80_000));
        assert_eq!(parse_yuan("1,200", "月补贴"), Ok(120_000));
        assert_eq!(parse_yuan("800.5", "月补贴"), Ok(80_050));
        assert_eq!(parse_yuan("800.05", "月补贴"), Ok(80_005));
        assert_eq!(parse_yuan("８００元", "月补贴"), Ok(80_000));
        assert_eq!(parse_yuan("0", "月补贴"), Ok(0));
        assert!(parse_yuan("-1", "月补贴").unwrap_err().0.contains("负数"));
        assert!(
            parse_yuan("1.234", "月补贴")
                .unwrap_err()
                .0
                .contains("两位小数")
        );
        assert!(
            parse_yuan("八百", "月补贴")
                .unwrap_err()
                .0
                .contains("例如 800")
        );
        assert!(parse_yuan("", "月补贴").is_err());
        assert!(parse_yuan(".5", "月补贴").is_err());
        assert!(
            parse_yuan("12345678901", "补助经费")
                .unwrap_err()
                .0
                .contains("100亿")
        );
        assert_eq!(format_yuan(80_000), "800");
        assert_eq!(format_yuan(80_050), "800.50");
        assert_eq!(format_yuan(5), "0.05");
    }

    #[test]
    fn lawyer_certs() {
        assert_eq!(
            check_lawyer_cert(" 14210 2012 1023 4567 ").unwrap(),
            "14210201210234567"
        );
        assert_eq!(
            check_lawyer_cert("１４２１０２０１２１０２３４５６７").unwrap(),
            "14210201210234567"
        );
        let e = check_lawyer_cert("1421020121023456").unwrap_err();
        assert!(e.0.contains("应为17位数字，现在是16位"), "{e}");
        let e = check_lawyer_cert("142102012102345678").unwrap_err();
        assert!(e.0.contains("现在是18位"), "{e}");
        let e = check_lawyer_cert("1421020121023456X").unwrap_err();
        assert!(e.0.contains("第17位“X”不是数字"), "{e}");
        assert!(check_lawyer_cert("").unwrap_err().0.contains("请填写"));
    }

    #[test]
    fn documents_and_appointments() {
        assert_eq!(
            check_document_no(" 荆工发〔2024〕12号 ", "聘任文号").unwrap(),
            "荆工发〔2024〕12号"
        );
        assert!(
            check_document_no("", "聘任文号")
                .unwrap_err()
                .0
                .contains("请填写聘任文号")
        );
        assert!(check_appointment_term(d(2024, 1, 1), d(2026, 12, 31)).is_ok());
        assert!(
            check_appointment_term(d(2024, 1, 1), d(2024, 1, 1))
                .unwrap_err()
                .0
                .contains("应晚于聘任日期")
        );
        assert!(check_appointment_term(d(2024, 1, 1), d(2029, 1, 2)).is_err());
    }

    #[test]
    fn subsidy_is_gated_on_all_four() {
        use FourItem::*;
        let all = [
            (Organization, true),
            (Office, true),
            (Cadres, true),
            (Funds, true),
        ];
        assert!(check_subsidy_allowed(&all).is_ok());
        let e = check_subsidy_allowed(&[(Organization, false), (Office, true), (Cadres, true)])
            .unwrap_err();
        assert_eq!(
            e.0,
            "四个到位未全部到位的开发区工会不予划拨补助经费（机构设置、基本经费未到位）"
        );
        let e = check_subsidy_allowed(&[]).unwrap_err();
        assert!(
            e.0.contains("机构设置、办公设施、干部配备、基本经费未到位"),
            "{e}"
        );
    }

    #[test]
    fn dual_display_gates_honors() {
        let all = DualDisplay {
            sign: true,
            identity: true,
            deeds: true,
        };
        assert!(dual_display_eligible(Some(all)).is_ok());
        let e = dual_display_eligible(None).unwrap_err();
        assert!(
            e.0.starts_with(
                "未开展双亮的单位不得参加市级以上模范职工之家、优秀工会组织、优秀工会干部评选"
            ),
            "{e}"
        );
        assert!(e.0.contains("尚未登记双亮情况"));
        let e = dual_display_eligible(Some(DualDisplay {
            identity: false,
            ..all
        }))
        .unwrap_err();
        assert!(e.0.ends_with("（尚未亮身份）"), "{e}");
        let e = dual_display_eligible(Some(DualDisplay::default())).unwrap_err();
        assert!(e.0.ends_with("（尚未亮牌子、亮身份、亮作为）"), "{e}");
    }

    #[test]
    fn thresholds() {
        assert!(check_min_employees(100).is_ok());
        assert!(check_min_employees(1).is_ok());
        assert!(check_min_employees(0).is_err());
        assert!(check_min_employees(100_001).is_err());
        assert!(check_target_percent(90).is_ok());
        assert!(check_target_percent(100).is_ok());
        assert!(check_target_percent(0).unwrap_err().0.contains("1至100"));
        assert!(check_target_percent(101).is_err());
    }

    #[test]
    fn percentages() {
        assert_eq!(percent_text(0, 0), "—");
        assert_eq!(percent_text(2, 3), "66.7%");
        assert_eq!(percent_text(1, 3), "33.3%");
        assert_eq!(percent_text(9, 10), "90.0%");
        assert_eq!(percent_text(1, 8), "12.5%");
        assert_eq!(reaches_target(9, 10, 90), Some(true));
        assert_eq!(reaches_target(8, 9, 90), Some(false));
        assert_eq!(reaches_target(0, 0, 90), None);
    }

    proptest! {
        #[test]
        fn yuan_round_trips(fen in 0i64..10_000_000_000) {
            prop_assert_eq!(parse_yuan(&format_yuan(fen), "金额"), Ok(fen));
        }

        #[test]
        fn target_agrees_with_percent(num in 0i64..5000, extra in 0i64..5000, target in 1i64..=100) {
            let den = num + extra;
            prop_assume!(den > 0);
            let reached = reaches_target(num, den, target).unwrap();
            prop_assert_eq!(reached, num as f64 / den as f64 * 100.0 >= target as f64 - 1e-9);
        }

        #[test]
        fn seventeen_digits_always_pass(cert in "[0-9]{17}") {
            prop_assert_eq!(check_lawyer_cert(&cert), Ok(cert.clone()));
        }

        #[test]
        fn other_lengths_never_pass(cert in "[0-9]{1,16}|[0-9]{18,25}") {
            prop_assert!(check_lawyer_cert(&cert).is_err());
        }

        #[test]
        fn overlap_is_symmetric(a0 in 0i64..400, al in 0i64..400, b0 in 0i64..400, bl in 0i64..400) {
            let base = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
            let day = |n: i64| base + chrono::Duration::days(n);
            let a = (day(a0), day(a0 + al));
            let b = (day(b0), day(b0 + bl));
            prop_assert_eq!(periods_overlap(a, b), periods_overlap(b, a));
            let shared = (a0..=a0 + al).any(|x| (b0..=b0 + bl).contains(&x));
            prop_assert_eq!(periods_overlap(a, b), shared);
        }
    }
}
