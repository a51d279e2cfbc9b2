//! Officers (主席、副主席、委员) and committees of a union.

use chrono::{Months, NaiveDate};

use crate::coded_enum;
use crate::error::Invalid;

coded_enum! {
    pub enum OfficerRole {
        Chair = ("chair", "主席"),
        ExecutiveViceChair = ("executive_vice_chair", "常务副主席"),
        ViceChair = ("vice_chair", "副主席"),
        Member = ("member", "委员"),
    }
}

coded_enum! {
    /// Where an officer comes from (seeds 000 and 002).
    pub enum OfficerSource {
        /// 成员单位工会主席 serving on a sector federation's committee (联合制).
        MemberChair = ("member_chair", "成员单位工会主席"),
        /// 推选的代表 of member unions (代表制).
        ElectedRep = ("elected_rep", "推选代表"),
        /// 执业律师兼职副主席 of a county federation.
        Lawyer = ("lawyer", "执业律师兼职"),
        Other = ("other", "其他"),
    }
}

coded_enum! {
    pub enum CommitteeKind {
        UnionCommittee = ("union_committee", "工会委员会"),
        FundsReviewCommittee = ("funds_review_committee", "经费审查委员会"),
        WomenWorkersCommittee = ("women_workers_committee", "女职工委员会"),
        DisputeMediation = ("dispute_mediation", "劳动争议调解委员会"),
        LaborLawSupervision = ("labor_law_supervision", "劳动法律监督委员会"),
        SafetySupervision = ("safety_supervision", "安全生产劳动保护监督检查委员会"),
    }
}

impl CommitteeKind {
    /// 三委会: the committees every union must have and re-elect together (换届).
    pub const THREE: [Self; 3] = [
        Self::UnionCommittee,
        Self::FundsReviewCommittee,
        Self::WomenWorkersCommittee,
    ];
}

/// Terms are 3 or 5 years; a 换届 may be postponed with the upper union's approval, which in
/// practice stays within half a year.
const MAX_TERM_MONTHS: u32 = 5 * 12 + 6;

/// Checks a term of office (任期): it must end after it starts and last at most five years
/// and six months.
pub fn check_term(start: NaiveDate, end: NaiveDate) -> Result<(), Invalid> {
    if end <= start {
        return Err(Invalid::new("任期结束日期应晚于开始日期，请核对"));
    }
    let limit = start.checked_add_months(Months::new(MAX_TERM_MONTHS));
    if limit.is_none_or(|limit| end > limit) {
        return Err(Invalid::new(
            "任期最长5年（经上级工会批准延期也不超过6个月），请核对任期结束日期",
        ));
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
    fn three_committees() {
        let labels: Vec<_> = CommitteeKind::THREE.iter().map(|c| c.label()).collect();
        assert_eq!(labels, ["工会委员会", "经费审查委员会", "女职工委员会"]);
    }

    #[test]
    fn terms() {
        assert!(check_term(d(2021, 3, 1), d(2026, 2, 28)).is_ok());
        assert!(check_term(d(2021, 3, 1), d(2024, 3, 1)).is_ok());
        assert!(check_term(d(2021, 3, 1), d(2026, 9, 1)).is_ok());
        assert!(
            check_term(d(2021, 3, 1), d(2026, 9, 2))
                .unwrap_err()
                .0
                .contains("最长5年")
        );
        assert!(
            check_term(d(2021, 3, 1), d(2021, 3, 1))
                .unwrap_err()
                .0
                .contains("晚于")
        );
        assert!(check_term(d(2021, 3, 1), d(2020, 3, 1)).is_err());
    }
}
