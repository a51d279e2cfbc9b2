//! 统一社会信用代码 (GB 32100-2015), see DOMAIN.md §4.1.

use std::fmt;
use std::str::FromStr;

use crate::error::Invalid;
use crate::text::compact;

/// The 31 characters a USCC may use; a character's value is its index. I, O, S, V and Z are
/// left out because they are easily confused with 1, 0, 5, U and 2.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// `3^(i-1) mod 31` for positions 1..=17 (GB 32100-2015, ISO 7064 MOD 31-3).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character (position 18) for the first 17 characters of a USCC, or `None` if
/// `first17` is not 17 characters of the charset. Generators of demo and test data use it to
/// make valid codes.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * w;
    }
    // 31 - (sum mod 31), with 31 written as 0.
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

/// A valid 18-character unified social credit code, upper-case, without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Accepts what people type or paste: full-width characters, lower case and spaces are
    /// normalized away before checking.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = compact(input).to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::new(
                "请填写统一社会信用代码（18位，见营业执照或法人证书）",
            ));
        }
        let len = code.chars().count();
        if len != 18 {
            return Err(Invalid(format!(
                "统一社会信用代码应为18位，现在是{len}位，请核对是否多输或漏输"
            )));
        }
        if let Some((i, c)) = code
            .chars()
            .enumerate()
            .find(|&(_, c)| value_of(c).is_none())
        {
            let hint = if c.is_ascii_alphanumeric() {
                "统一社会信用代码不使用 I、O、S、V、Z"
            } else {
                "只能是数字和大写字母，且不使用 I、O、S、V、Z"
            };
            return Err(Invalid(format!("第{}位“{c}”不是合法字符（{hint}）", i + 1)));
        }
        // All 18 characters are ASCII now, so byte slicing is safe.
        let expected = uscc_check_char(&code[..17]).expect("17 charset characters");
        let actual = code.as_bytes()[17] as char;
        if actual != expected {
            return Err(Invalid(format!(
                "统一社会信用代码校验码（第18位）应为 {expected}，现在是 {actual}，请核对营业执照"
            )));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn department(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// 登记管理部门, from the first character (GB 32100-2015 表2).
    pub fn registration_authority(&self) -> &'static str {
        match self.department() {
            '1' => "机构编制",
            '2' => "外交",
            '3' => "司法行政",
            '4' => "文化",
            '5' => "民政",
            '6' => "旅游",
            '7' => "宗教",
            '8' => "工会",
            '9' => "工商/市场监管",
            'A' => "中央军委改革和编制办公室",
            'N' => "农业",
            'Y' => "其他",
            // The check character does not constrain the first character, so codes from
            // departments added after the standard (or mistyped ones) still parse.
            _ => "未知登记管理部门",
        }
    }

    /// 机构类别, from the first two characters (GB 32100-2015 表3), for the categories that
    /// matter to union work; `None` for the others.
    pub fn category_label(&self) -> Option<&'static str> {
        Some(match &self.0[..2] {
            "11" => "机关",
            "12" => "事业单位",
            "13" => "群众团体",
            "51" => "社会团体",
            "52" => "民办非企业单位",
            "53" => "基金会",
            "81" => "基层工会",
            "89" => "其他工会",
            "91" => "企业",
            "92" => "个体工商户",
            "93" => "农民专业合作社",
            _ => return None,
        })
    }

    /// A union's own code (registered by a 总工会: 81 基层工会, 89 其他), as opposed to the
    /// code of the unit the union belongs to.
    pub fn is_union(&self) -> bool {
        self.0.starts_with("81") || self.0.starts_with("89")
    }

    /// Characters 3–8: the region code of the registering authority (GB/T 2260). Not
    /// checked against the region list, because authorities above county level and retired
    /// codes both appear here legitimately.
    pub fn region_part(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Uscc {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

impl serde::Serialize for Uscc {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Uscc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: [&str; 5] = [
        "914403001922038216",
        "9144030071526726XG",
        "91330100799655058B",
        "91110108551385082Q",
        "91350100M000100Y43",
    ];

    #[test]
    fn known_valid_codes() {
        for code in VALID {
            let uscc = Uscc::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(uscc.as_str(), code);
            assert_eq!(uscc.registration_authority(), "工商/市场监管");
            assert_eq!(uscc.category_label(), Some("企业"));
            assert!(!uscc.is_union());
        }
    }

    #[test]
    fn weights_are_powers_of_three() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn wrong_check_char_names_the_expected_one() {
        let err = Uscc::parse("914403001922038217").unwrap_err();
        assert!(err.0.contains("应为 6"), "{err}");
        assert!(err.0.contains("第18位"), "{err}");
    }

    #[test]
    fn bad_character_names_position_and_char() {
        let err = Uscc::parse("9144O3001922038216").unwrap_err();
        assert_eq!(
            err.0,
            "第5位“O”不是合法字符（统一社会信用代码不使用 I、O、S、V、Z）"
        );
        let err = Uscc::parse("91-403001922038216").unwrap_err();
        assert!(err.0.starts_with("第3位“-”不是合法字符"), "{err}");
    }

    #[test]
    fn wrong_length() {
        assert!(
            Uscc::parse("91440300192203821")
                .unwrap_err()
                .0
                .contains("现在是17位")
        );
        assert!(Uscc::parse("").unwrap_err().0.contains("请填写"));
    }

    #[test]
    fn normalizes_typing_variants() {
        let uscc = Uscc::parse(" ９１４４０３００７１５２６７２６ｘｇ ").unwrap();
        assert_eq!(uscc.as_str(), "9144030071526726XG");
        assert_eq!(Uscc::parse("9144 0300 7152 6726 xg").unwrap(), uscc);
    }

    #[test]
    fn parts() {
        let uscc = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(uscc.region_part(), "350100");
        let first17 = "81421081MA0000001";
        let union =
            Uscc::parse(&format!("{first17}{}", uscc_check_char(first17).unwrap())).unwrap();
        assert!(union.is_union());
        assert_eq!(union.registration_authority(), "工会");
        assert_eq!(union.category_label(), Some("基层工会"));
    }

    #[test]
    fn serde_as_string_and_validated() {
        let uscc = Uscc::parse(VALID[0]).unwrap();
        assert_eq!(
            serde_json::to_string(&uscc).unwrap(),
            format!("\"{}\"", VALID[0])
        );
        assert_eq!(
            serde_json::from_str::<Uscc>(r#"" 914403001922038216 ""#).unwrap(),
            uscc
        );
        let err = serde_json::from_str::<Uscc>(r#""914403001922038217""#).unwrap_err();
        assert!(err.to_string().contains("应为 6"), "{err}");
    }

    #[test]
    fn check_char_rejects_bad_input() {
        assert_eq!(uscc_check_char("91440300192203821"), Some('6'));
        assert_eq!(uscc_check_char("9144030019220382"), None);
        assert_eq!(uscc_check_char("9144030019220382I"), None);
    }
}
