//! Members (会员) and the personal data kept about them.

use std::fmt;
use std::str::FromStr;

use crate::coded_enum;
use crate::error::Invalid;
use crate::text::to_half_width;

coded_enum! {
    pub enum Sex {
        Male = ("male", "男"),
        Female = ("female", "女"),
    }
}

coded_enum! {
    /// State of one membership record (会籍).
    pub enum MemberStatus {
        Active = ("active", "在籍"),
        /// 离退休、下岗: membership kept, without dues or voting rights.
        Retained = ("retained", "保留会籍"),
        TransferredOut = ("transferred_out", "转出"),
        Left = ("left", "退会"),
    }
}

impl MemberStatus {
    /// Whether this record is the person's one current membership: a person may hold at most
    /// one active or retained membership at a time, anywhere in the tree.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Active | Self::Retained)
    }
}

coded_enum! {
    pub enum JoinMethod {
        Individual = ("individual", "个人申请"),
        Collective = ("collective", "集体入会"),
        DoorToDoor = ("door_to_door", "上门登记入会"),
        Online = ("online", "网上入会"),
    }
}

coded_enum! {
    /// 八大群体: new-employment groups the seeds target with 集中入会 drives.
    pub enum NewEmploymentGroup {
        TruckDriver = ("truck_driver", "货车司机"),
        Courier = ("courier", "快递员"),
        DeliveryRider = ("delivery_rider", "外卖配送员"),
        RideHailingDriver = ("ride_hailing_driver", "网约车司机"),
        Caregiver = ("caregiver", "护工护理员"),
        Housekeeper = ("housekeeper", "家政服务员"),
        MallStaff = ("mall_staff", "商场信息员"),
        Security = ("security", "保安员"),
    }
}

coded_enum! {
    pub enum Education {
        Primary = ("primary", "小学及以下"),
        Junior = ("junior", "初中"),
        Senior = ("senior", "高中/中专"),
        College = ("college", "大专"),
        Bachelor = ("bachelor", "本科"),
        Postgraduate = ("postgraduate", "研究生"),
    }
}

/// A mainland mobile number (`13812341234`) or landline with area code (`0716-8123456`).
///
/// Personal information: `Display` and `Debug` show the masked form and there is no
/// `Serialize`; use [`Phone::as_str`] where the full number is needed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Accepts spaces, hyphens, full-width digits and a `+86`/`0086` prefix. Landlines are
    /// stored as `区号-号码` so they read the same however they were typed.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let typed = to_half_width(input);
        let mut digits: String = typed
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '(' | ')')))
            .collect();
        if digits.is_empty() {
            return Err(Invalid::new(
                "请填写联系电话（手机号11位，或带区号的固定电话）",
            ));
        }
        let international = ["+86", "0086"].iter().find_map(|p| digits.strip_prefix(p));
        if let Some(rest) = international {
            // After the country code a landline drops its leading 0 (+86 716 8123456).
            digits = if rest.starts_with(['0', '1']) {
                rest.to_owned()
            } else {
                format!("0{rest}")
            };
        } else if digits.len() == 13 && digits.starts_with("861") {
            digits.drain(..2);
        }
        if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(Invalid(format!("联系电话中的“{c}”不是数字，请只填写号码")));
        }
        if digits.starts_with('1') {
            if digits.len() != 11 {
                return Err(Invalid(format!(
                    "手机号码应为11位，现在是{}位，请核对",
                    digits.len()
                )));
            }
            if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
                return Err(Invalid(format!("手机号码 {digits} 的第2位应为3–9，请核对")));
            }
            return Ok(Self(digits));
        }
        if digits.starts_with('0') {
            // 010 and 020–029 are three-digit area codes; all others have four digits.
            let area_len = if matches!(digits.as_bytes().get(1), Some(b'1' | b'2')) {
                3
            } else {
                4
            };
            let local = digits.get(area_len..).unwrap_or("");
            if !(7..=8).contains(&local.len()) || local.starts_with(['0', '1']) {
                return Err(Invalid(format!(
                    "固定电话 {digits} 格式不对：应为区号加7–8位号码，如 0716-8123456"
                )));
            }
            return Ok(Self(format!("{}-{local}", &digits[..area_len])));
        }
        Err(Invalid::new(
            "联系电话格式不对：手机号为11位（如 13812341234），固定电话请带区号（如 0716-8123456）",
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        self.0.starts_with('1')
    }

    /// `138****1234` for a mobile; a landline keeps its area code and last two digits
    /// (`0716-*****56`).
    pub fn masked(&self) -> String {
        if self.is_mobile() {
            format!("{}****{}", &self.0[..3], &self.0[7..])
        } else {
            let (area, local) = self.0.split_once('-').expect("landline has area code");
            format!(
                "{area}-{}{}",
                "*".repeat(local.len() - 2),
                &local[local.len() - 2..]
            )
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl FromStr for Phone {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

/// Two-character surnames common enough to matter: masking them after one character
/// would show part of the surname and hide nothing useful.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "司空", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "万俟", "闻人", "赫连",
    "澹台", "公羊", "钟离", "宗政", "濮阳", "申屠", "太史", "拓跋",
];

/// Masks a name for lists and public notices (公示): the surname stays, each other character
/// becomes `*` (张* / 张** / 欧阳**).
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let keep = match COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
        Some(_) if name.chars().count() > 2 => 2,
        _ => 1,
    };
    name.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { c } else { '*' })
        .collect()
}

/// Checks a person's name as typed and returns it trimmed: 2–30 characters (ethnic names
/// with `·` run long), no digits.
pub fn check_person_name(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(Invalid::new("请填写姓名"));
    }
    if name
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        return Err(Invalid(format!("姓名“{name}”中不能有数字，请核对")));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::new("姓名中有不可见的控制字符，请重新输入"));
    }
    if len < 2 {
        return Err(Invalid(format!("姓名“{name}”只有1个字，请填写完整的姓名")));
    }
    if len > 30 {
        return Err(Invalid(format!("姓名太长（{len}个字），最多30个字")));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_activity() {
        let active: Vec<_> = MemberStatus::ALL.iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [&MemberStatus::Active, &MemberStatus::Retained]);
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let codes: Vec<&str> = NewEmploymentGroup::ALL.iter().map(|g| g.code()).collect();
        assert_eq!(codes.len(), 8);
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        assert_eq!(Education::from_label("高中/中专"), Some(Education::Senior));
        assert_eq!(
            JoinMethod::from_code("door_to_door"),
            Some(JoinMethod::DoorToDoor)
        );
    }

    #[test]
    fn mobiles() {
        for s in [
            "13812341234",
            "138 1234 1234",
            "+86 138-1234-1234",
            "8613812341234",
            "１３８１２３４１２３４",
            "0086 13812341234",
        ] {
            let p = Phone::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(p.as_str(), "13812341234");
            assert_eq!(p.masked(), "138****1234");
            assert_eq!(p.to_string(), "138****1234");
            assert_eq!(format!("{p:?}"), "Phone(138****1234)");
        }
        assert!(Phone::parse("12812341234").unwrap_err().0.contains("第2位"));
        assert!(Phone::parse("1381234123").unwrap_err().0.contains("10位"));
    }

    #[test]
    fn landlines() {
        for s in [
            "0716-8123456",
            "07168123456",
            "(0716) 812 3456",
            "+86 716 8123456",
        ] {
            let p = Phone::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(p.as_str(), "0716-8123456");
            assert_eq!(p.masked(), "0716-*****56");
        }
        assert!(
            Phone::parse("010-12345678")
                .unwrap_err()
                .0
                .contains("格式不对")
        );
        assert_eq!(
            Phone::parse("01062345678").unwrap().as_str(),
            "010-62345678"
        );
        assert_eq!(
            Phone::parse("02787654321").unwrap().masked(),
            "027-******21"
        );
        assert!(Phone::parse("0716-812").is_err());
        assert!(Phone::parse("8123456").unwrap_err().0.contains("区号"));
        assert!(Phone::parse("138abc").unwrap_err().0.contains("“a”"));
        assert!(Phone::parse("  ").unwrap_err().0.contains("请填写"));
    }

    #[test]
    fn name_masking() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_name("欧阳"), "欧*");
        assert_eq!(mask_name(" 买买提·艾力 "), "买*****");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn person_names() {
        assert_eq!(check_person_name(" 张三 ").unwrap(), "张三");
        assert_eq!(check_person_name("买买提·艾力").unwrap(), "买买提·艾力");
        assert!(check_person_name("张").unwrap_err().0.contains("1个字"));
        assert!(check_person_name("张3").unwrap_err().0.contains("数字"));
        assert!(check_person_name("张３").unwrap_err().0.contains("数字"));
        assert!(check_person_name("  ").unwrap_err().0.contains("请填写"));
        assert!(
            check_person_name(&"张".repeat(31))
                .unwrap_err()
                .0
                .contains("最多30个字")
        );
    }
}
