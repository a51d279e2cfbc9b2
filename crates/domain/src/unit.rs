//! Units (单位): the employers whose coverage by a union is measured.

use crate::coded_enum;
use crate::error::Invalid;

coded_enum! {
    /// 经济类型 / ownership, simplified to what the seeds' targeting needs.
    pub enum Ownership {
        State = ("state", "国有"),
        Collective = ("collective", "集体"),
        Private = ("private", "私营"),
        Foreign = ("foreign", "外商投资"),
        HkMacaoTaiwan = ("hk_macao_taiwan", "港澳台投资"),
        Individual = ("individual", "个体"),
        Other = ("other", "其他"),
    }
}

impl Ownership {
    /// 非公有制: the seeds' priority for union building (非公企业建会).
    pub fn is_non_public(self) -> bool {
        matches!(
            self,
            Self::Private | Self::Foreign | Self::HkMacaoTaiwan | Self::Individual
        )
    }
}

coded_enum! {
    pub enum UnitStatus {
        Active = ("active", "存续"),
        Closed = ("closed", "注销"),
    }
}

/// Upper bound on a unit's headcount: larger than any single employer, small enough to
/// catch a mistyped number (an extra zero or two) before it skews the city's 入会率.
const MAX_EMPLOYEES: i64 = 1_000_000;

/// Checks a unit's 职工人数 and 女职工人数.
pub fn check_headcount(employees: i64, women: i64) -> Result<(), Invalid> {
    if employees < 0 {
        return Err(Invalid::new("职工人数不能是负数"));
    }
    if women < 0 {
        return Err(Invalid::new("女职工人数不能是负数"));
    }
    if employees > MAX_EMPLOYEES {
        return Err(Invalid(format!(
            "职工人数 {employees} 超过上限 {MAX_EMPLOYEES}，请核对是否多输了数字"
        )));
    }
    if women > employees {
        return Err(Invalid(format!(
            "女职工人数（{women}）不能多于职工人数（{employees}），请核对"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public() {
        let non_public: Vec<_> = Ownership::ALL
            .iter()
            .filter(|o| o.is_non_public())
            .collect();
        assert_eq!(non_public.len(), 4);
        assert!(!Ownership::State.is_non_public() && !Ownership::Other.is_non_public());
    }

    #[test]
    fn headcount() {
        assert!(check_headcount(0, 0).is_ok());
        assert!(check_headcount(120, 120).is_ok());
        assert!(check_headcount(1_000_000, 0).is_ok());
        assert!(check_headcount(-1, 0).unwrap_err().0.contains("负数"));
        assert!(check_headcount(5, -1).unwrap_err().0.contains("女职工"));
        assert!(check_headcount(10, 11).unwrap_err().0.contains("不能多于"));
        assert!(
            check_headcount(1_000_001, 0)
                .unwrap_err()
                .0
                .contains("上限")
        );
    }
}
