//! 任期与换届选举: the term of office of a union and the election procedure that ends it.
//!
//! Terms (工会法第十五条, seed 002): a grassroots union's committee serves three or five years,
//! as its members' (representatives') congress decides; local federations (地方总工会),
//! industrial unions (产业工会) and sector federations (行业工会联合会, "一般为五年") serve five.
//! Area unions (乡镇（街道）、开发区、社区、村) are grassroots-level federations and follow the
//! grassroots rule. A term ends on its start date plus its years (届满日); an election is
//! overdue from the day after.
//!
//! The election procedure (换届选举) of seed 001, with the two approvals by the upper union
//! that the 工会法 and seed 002 require, runs in a fixed order; a step cannot be skipped or done
//! before the previous one. An election held early or late (提前/延期换届) needs the upper
//! union's approval (seed 002: "在特殊情况下，经上一级工会批准，可以提前或者延期换届"), recorded
//! with its reason in the 上级批复 step.

use chrono::{Months, NaiveDate};

use crate::coded_enum;
use crate::error::Invalid;
use crate::org::OrgKind;

coded_enum! {
    /// Whether an election is held when the term ends, or earlier or later with approval.
    pub enum ElectionKind {
        Regular = ("regular", "按期换届"),
        Early = ("early", "提前换届"),
        Late = ("late", "延期换届"),
    }
}

impl ElectionKind {
    /// 提前或延期换届 needs the upper union's approval, with its reason.
    pub fn needs_reason(self) -> bool {
        self != Self::Regular
    }
}

coded_enum! {
    /// The steps of 换届选举, in the order they must be done.
    pub enum ElectionStep {
        Request = ("request", "提出请示"),
        ParentApproval = ("parent_approval", "上级批复"),
        ElectDelegates = ("elect_delegates", "选举会员代表"),
        Congress = ("congress", "召开会员（代表）大会"),
        ReportResults = ("report_results", "选举结果报批"),
        ResultApproval = ("result_approval", "批复"),
        Filing = ("filing", "备案/法人登记变更"),
    }
}

impl ElectionStep {
    /// Position in the procedure, from 0.
    pub fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every step is in ALL")
    }

    pub fn first() -> Self {
        Self::ALL[0]
    }

    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.index() + 1).copied()
    }

    pub fn previous(self) -> Option<Self> {
        self.index().checked_sub(1).map(|i| Self::ALL[i])
    }

    /// The step after the `done` steps (None when all are done).
    pub fn after(done: usize) -> Option<Self> {
        Self::ALL.get(done).copied()
    }

    pub fn is_last(self) -> bool {
        self.next().is_none()
    }

    /// 上级批复 and 批复 are done by the affiliation parent, never by the union itself.
    pub fn is_approval(self) -> bool {
        matches!(self, Self::ParentApproval | Self::ResultApproval)
    }

    /// What the person doing the step is asked for the documents field.
    pub fn documents_hint(self) -> &'static str {
        match self {
            Self::Request => {
                "例如：关于召开第三次会员代表大会进行换届选举的请示（新工〔2024〕3号）"
            }
            Self::ParentApproval => {
                "例如：关于同意召开第三次会员代表大会的批复（石工发〔2024〕12号）"
            }
            Self::ElectDelegates => "例如：会员代表选举结果名单",
            Self::Congress => "例如：大会选举办法、选举结果报告",
            Self::ReportResults => "例如：关于换届选举结果的请示（新工〔2024〕5号）",
            Self::ResultApproval => "例如：关于同意选举结果的批复（石工发〔2024〕20号）",
            Self::Filing => "例如：工会法人资格变更登记、备案回执",
        }
    }
}

coded_enum! {
    pub enum ElectionStatus {
        InProgress = ("in_progress", "进行中"),
        Completed = ("completed", "已完成"),
        Cancelled = ("cancelled", "已撤销"),
    }
}

coded_enum! {
    pub enum TermStatus {
        Current = ("current", "本届"),
        Ended = ("ended", "已换届"),
    }
}

coded_enum! {
    /// 组织建设提醒: what staff are reminded of in a subtree.
    pub enum ReminderKind {
        EndingSoon = ("ending", "任期6个月内届满"),
        Overdue = ("overdue", "任期届满未换届"),
        NoChair = ("no_chair", "没有工会主席"),
        MissingCommittees = ("missing_committees", "三委会不健全"),
        NoTerm = ("no_term", "未登记任期"),
    }
}

/// How far ahead a term's end is announced (组织建设提醒).
pub const REMINDER_MONTHS: u32 = 6;

/// Term lengths (years) the law allows an org of this kind.
pub fn term_years_allowed(kind: OrgKind) -> &'static [u32] {
    match kind {
        OrgKind::Grassroots | OrgKind::AreaFederation => &[3, 5],
        OrgKind::CityFederation
        | OrgKind::CountyFederation
        | OrgKind::IndustrialUnion
        | OrgKind::SectorFederation => &[5],
    }
}

/// Refuses a term length the law does not allow for `kind`, saying which lengths it does.
pub fn check_term_years(kind: OrgKind, years: u32) -> Result<(), Invalid> {
    let allowed = term_years_allowed(kind);
    if allowed.contains(&years) {
        return Ok(());
    }
    Err(Invalid(match allowed {
        [only] => format!(
            "{}每届任期为{}年（工会法第十五条），不能定为{}年，请选择{}年",
            kind.label(),
            only,
            years,
            only
        ),
        _ => format!(
            "{}每届任期为三年或五年（由会员（代表）大会决定），不能定为{}年，请选择3年或5年",
            kind.label(),
            years
        ),
    }))
}

/// 届次 as people write it: 1 to 99.
pub fn check_term_number(number: i64) -> Result<(), Invalid> {
    if (1..=99).contains(&number) {
        Ok(())
    } else {
        Err(Invalid::new("届次应为1至99之间的整数，例如第三届填 3"))
    }
}

/// The day a term of `years` starting on `start` ends (届满日): the same day `years` later;
/// a term starting on 29 February ends on 28 February when the end year is not a leap year.
pub fn term_end(start: NaiveDate, years: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(12 * years))
        .expect("term end within chrono's date range")
}

/// `date` plus `months`, at the end of the month when the day does not exist (31 Aug + 6
/// months = 28/29 Feb).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .expect("date within chrono's date range")
}

/// Whether a term ending on `end` ends within `months` of `today`: from today itself up to
/// and including the day exactly `months` later. A term that has already ended is overdue,
/// not "ending".
pub fn ends_within(end: NaiveDate, today: NaiveDate, months: u32) -> bool {
    end >= today && end <= add_months(today, months)
}

/// Whether the election of a term ending on `end` is overdue on `today`: the term ended and
/// no election has yet opened a new one. The end date itself is still within the term.
pub fn overdue(end: NaiveDate, today: NaiveDate) -> bool {
    today > end
}

/// The reminders that apply to one org.
pub fn reminders_for(
    term_end: Option<NaiveDate>,
    has_chair: bool,
    three_committees: usize,
    today: NaiveDate,
) -> Vec<ReminderKind> {
    let mut out = Vec::new();
    match term_end {
        Some(end) if ends_within(end, today, REMINDER_MONTHS) => out.push(ReminderKind::EndingSoon),
        Some(end) if overdue(end, today) => out.push(ReminderKind::Overdue),
        Some(_) => {}
        None => out.push(ReminderKind::NoTerm),
    }
    if !has_chair {
        out.push(ReminderKind::NoChair);
    }
    if three_committees < 3 {
        out.push(ReminderKind::MissingCommittees);
    }
    out
}

/// Which kind of election may start on `today` for a term ending on `end`: a regular or early
/// election before the term has ended; once it has ended, only a late one (延期换届), which the
/// upper union must approve.
pub fn check_election_kind(
    kind: ElectionKind,
    end: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if overdue(end, today) && kind != ElectionKind::Late {
        return Err(Invalid(format!(
            "本届任期已于{end}届满，现在换届属于延期换届，须经上级工会批准：请选择“延期换届”"
        )));
    }
    Ok(())
}

/// Refuses a step that is not the next one, naming the step that is.
pub fn check_step_order(
    next: Option<ElectionStep>,
    requested: ElectionStep,
) -> Result<(), Invalid> {
    match next {
        Some(n) if n == requested => Ok(()),
        Some(n) if requested.index() < n.index() => Err(Invalid(format!(
            "“{}”已经办理，不能重复办理；下一步应为“{}”",
            requested.label(),
            n.label()
        ))),
        Some(n) => Err(Invalid(format!(
            "换届选举的步骤不能跳过或颠倒：下一步应为“{}”，办完后才能办理“{}”",
            n.label(),
            requested.label()
        ))),
        None => Err(Invalid::new("换届选举的全部步骤都已办理完毕")),
    }
}

/// A step's date may not be before the previous step's, nor after today.
pub fn check_step_date(
    previous: Option<(ElectionStep, NaiveDate)>,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if let Some((step, prev)) = previous
        && date < prev
    {
        return Err(Invalid(format!(
            "日期不能早于上一步“{}”的日期 {prev}，请核对",
            step.label()
        )));
    }
    if date > today {
        return Err(Invalid(format!(
            "办理日期 {date} 晚于今天，请在办完后再登记"
        )));
    }
    Ok(())
}

/// 提前或延期换届: the parent's approval must say why.
pub fn check_approval_reason(kind: ElectionKind, reason: Option<&str>) -> Result<(), Invalid> {
    let given = reason
        .map(str::trim)
        .is_some_and(|r| r.chars().count() >= 2);
    if kind.needs_reason() && !given {
        return Err(Invalid(format!(
            "{}须经上级工会批准：请填写上级工会同意{}的理由（例如：企业改制重组，经批准延期六个月）",
            kind.label(),
            kind.label()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn lengths_per_kind() {
        use OrgKind::*;
        for kind in [Grassroots, AreaFederation] {
            assert!(check_term_years(kind, 3).is_ok());
            assert!(check_term_years(kind, 5).is_ok());
            let msg = check_term_years(kind, 4).unwrap_err().0;
            assert!(msg.contains("三年或五年") && msg.contains("4年"), "{msg}");
        }
        for kind in [
            CityFederation,
            CountyFederation,
            IndustrialUnion,
            SectorFederation,
        ] {
            assert!(check_term_years(kind, 5).is_ok());
            let msg = check_term_years(kind, 3).unwrap_err().0;
            assert!(
                msg.contains(kind.label()) && !msg.contains("三年或五年") && msg.contains("5年"),
                "{msg}"
            );
            assert!(msg.contains("不能定为3年"), "{msg}");
        }
        assert_eq!(
            check_term_years(SectorFederation, 3).unwrap_err().0,
            "行业工会联合会每届任期为5年（工会法第十五条），不能定为3年，请选择5年"
        );
    }

    #[test]
    fn numbers() {
        assert!(check_term_number(1).is_ok());
        assert!(check_term_number(99).is_ok());
        assert!(check_term_number(0).unwrap_err().0.contains("1至99"));
        assert!(check_term_number(100).is_err());
    }

    #[test]
    fn term_end_arithmetic() {
        assert_eq!(term_end(d(2021, 3, 1), 5), d(2026, 3, 1));
        assert_eq!(term_end(d(2021, 3, 1), 3), d(2024, 3, 1));
        // 29 February: to 28 February in a common year, kept in a leap year.
        assert_eq!(term_end(d(2020, 2, 29), 3), d(2023, 2, 28));
        assert_eq!(term_end(d(2020, 2, 29), 5), d(2025, 2, 28));
        assert_eq!(term_end(d(2024, 2, 29), 4), d(2028, 2, 29));
        assert_eq!(term_end(d(2019, 12, 31), 5), d(2024, 12, 31));
    }

    #[test]
    fn six_months_boundaries() {
        let end = d(2026, 3, 1);
        // Exactly six months before the end: included; the day before that: not yet.
        assert!(ends_within(end, d(2025, 9, 1), 6));
        assert!(!ends_within(end, d(2025, 8, 31), 6));
        // The end date itself is still "ending"; the day after it is overdue.
        assert!(ends_within(end, end, 6));
        assert!(!overdue(end, end));
        assert!(!ends_within(end, d(2026, 3, 2), 6));
        assert!(overdue(end, d(2026, 3, 2)));
        assert!(!overdue(end, d(2026, 2, 28)));
        // Month ends: 31 August + 6 months is the last day of February.
        assert!(ends_within(d(2026, 2, 28), d(2025, 8, 31), 6));
        assert!(!ends_within(d(2026, 3, 1), d(2025, 8, 31), 6));
        assert!(ends_within(d(2024, 2, 29), d(2023, 8, 31), 6));
        assert!(!ends_within(d(2024, 3, 1), d(2023, 8, 31), 6));
    }

    #[test]
    fn reminders() {
        let today = d(2025, 6, 30);
        assert_eq!(
            reminders_for(Some(d(2025, 12, 30)), true, 3, today),
            vec![ReminderKind::EndingSoon]
        );
        assert_eq!(reminders_for(Some(d(2025, 12, 31)), true, 3, today), vec![]);
        assert_eq!(
            reminders_for(Some(d(2025, 6, 29)), false, 2, today),
            vec![
                ReminderKind::Overdue,
                ReminderKind::NoChair,
                ReminderKind::MissingCommittees
            ]
        );
        assert_eq!(
            reminders_for(None, true, 3, today),
            vec![ReminderKind::NoTerm]
        );
    }

    #[test]
    fn step_order() {
        use ElectionStep::*;
        let labels: Vec<_> = ElectionStep::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(
            labels,
            [
                "提出请示",
                "上级批复",
                "选举会员代表",
                "召开会员（代表）大会",
                "选举结果报批",
                "批复",
                "备案/法人登记变更"
            ]
        );
        assert_eq!(ElectionStep::first(), Request);
        assert_eq!(Request.next(), Some(ParentApproval));
        assert_eq!(Filing.next(), None);
        assert_eq!(ParentApproval.previous(), Some(Request));
        assert_eq!(Request.previous(), None);
        assert_eq!(ElectionStep::after(0), Some(Request));
        assert_eq!(ElectionStep::after(7), None);
        assert!(Filing.is_last());
        let approvals: Vec<_> = ElectionStep::ALL
            .iter()
            .filter(|s| s.is_approval())
            .collect();
        assert_eq!(approvals, [&ParentApproval, &ResultApproval]);

        assert!(check_step_order(Some(Request), Request).is_ok());
        let skip = check_step_order(Some(Request), ElectDelegates)
            .unwrap_err()
            .0;
        assert_eq!(
            skip,
            "换届选举的步骤不能跳过或颠倒：下一步应为“提出请示”，办完后才能办理“选举会员代表”"
        );
        let again = check_step_order(Some(Congress), Request).unwrap_err().0;
        assert!(again.contains("已经办理") && again.contains("召开会员（代表）大会"));
        assert!(
            check_step_order(None, Filing)
                .unwrap_err()
                .0
                .contains("办理完毕")
        );
    }

    #[test]
    fn step_dates() {
        let today = d(2025, 6, 30);
        let prev = Some((ElectionStep::Request, d(2025, 5, 10)));
        assert!(check_step_date(prev, d(2025, 5, 10), today).is_ok());
        assert!(check_step_date(prev, today, today).is_ok());
        let early = check_step_date(prev, d(2025, 5, 9), today).unwrap_err().0;
        assert_eq!(
            early,
            "日期不能早于上一步“提出请示”的日期 2025-05-10，请核对"
        );
        assert!(
            check_step_date(None, d(2025, 7, 1), today)
                .unwrap_err()
                .0
                .contains("晚于今天")
        );
    }

    #[test]
    fn early_and_late_need_a_reason() {
        assert!(check_approval_reason(ElectionKind::Regular, None).is_ok());
        for kind in [ElectionKind::Early, ElectionKind::Late] {
            for r in [None, Some(""), Some("  "), Some("因")] {
                let msg = check_approval_reason(kind, r).unwrap_err().0;
                assert!(msg.contains("须经上级工会批准"), "{msg}");
                assert!(msg.contains(kind.label()), "{msg}");
            }
            assert!(check_approval_reason(kind, Some("企业改制重组")).is_ok());
        }
    }

    #[test]
    fn kinds_by_term_end() {
        let end = d(2025, 6, 30);
        for kind in ElectionKind::ALL {
            assert!(check_election_kind(*kind, end, end).is_ok());
        }
        let next = d(2025, 7, 1);
        assert!(check_election_kind(ElectionKind::Late, end, next).is_ok());
        for kind in [ElectionKind::Regular, ElectionKind::Early] {
            let msg = check_election_kind(kind, end, next).unwrap_err().0;
            assert!(
                msg.contains("2025-06-30届满") && msg.contains("延期换届"),
                "{msg}"
            );
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 1990-01-01 .. about 2060.
        (0i64..26_000)
            .prop_map(|n| NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::TimeDelta::days(n))
    }

    proptest! {
        #[test]
        fn term_end_is_the_same_day_years_later(start in any_date(), years in prop::sample::select(vec![3u32, 5])) {
            let end = term_end(start, years);
            prop_assert_eq!(end.year(), start.year() + years as i32);
            prop_assert_eq!(end.month(), start.month());
            if start.month() == 2 && start.day() == 29 {
                prop_assert!(end.day() == 29 || end.day() == 28);
                prop_assert_eq!(end.day() == 29, end.leap_year());
            } else {
                prop_assert_eq!(end.day(), start.day());
            }
            let days = (end - start).num_days();
            prop_assert!(days >= 365 * years as i64 && days <= 366 * years as i64, "{} days", days);
        }

        #[test]
        fn ending_and_overdue_never_both(end in any_date(), today in any_date()) {
            let ending = ends_within(end, today, REMINDER_MONTHS);
            let late = overdue(end, today);
            prop_assert!(!(ending && late));
            prop_assert_eq!(late, today > end);
            prop_assert_eq!(ending, today <= end && end <= add_months(today, REMINDER_MONTHS));
            // Walking towards the end date, a term once "ending" stays "ending" until it ends.
            if ending && today < end {
                prop_assert!(ends_within(end, today + chrono::TimeDelta::days(1), REMINDER_MONTHS));
            }
            // The day after the end, it is overdue.
            prop_assert!(overdue(end, end + chrono::TimeDelta::days(1)));
        }

        #[test]
        fn only_the_next_step_may_be_done(done in 0usize..=7, requested in prop::sample::select(ElectionStep::ALL.to_vec())) {
            let r = check_step_order(ElectionStep::after(done), requested);
            prop_assert_eq!(r.is_ok(), requested.index() == done);
            if let (Err(e), Some(next)) = (r, ElectionStep::after(done)) {
                prop_assert!(e.0.contains(next.label()), "{}", e.0);
            }
        }
    }
}
