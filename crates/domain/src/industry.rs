//! 国民经济行业分类 GB/T 4754-2017: the 20 门类 and 97 大类 vendored in
//! `data/industries/gbt4754-2017.csv` (transcribed by hand; see its README).

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::error::Invalid;
use crate::text::{compact, csv_fields};

const INDUSTRIES_CSV: &str = include_str!("../../../data/industries/gbt4754-2017.csv");

struct Industries {
    /// (letter, name) of each 门类, A–T.
    sections: Vec<(char, &'static str)>,
    /// (two-digit code, name, 门类 letter) of each 大类, 01–97.
    divisions: Vec<(&'static str, &'static str, char)>,
}

static INDUSTRIES: LazyLock<Industries> = LazyLock::new(|| {
    let mut lines = INDUSTRIES_CSV.lines();
    assert_eq!(
        lines.next().map(str::trim),
        Some("code,name,section"),
        "industries header"
    );
    let mut data = Industries {
        sections: Vec::new(),
        divisions: Vec::new(),
    };
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f = csv_fields(line);
        assert_eq!(f.len(), 3, "malformed row in data/industries: {line}");
        let section = f[2].chars().next().expect("section letter");
        if f[0].bytes().all(|b| b.is_ascii_digit()) {
            data.divisions.push((f[0], f[1], section));
        } else {
            data.sections.push((section, f[1]));
        }
    }
    data
});

fn division(code: &str) -> Option<&'static (&'static str, &'static str, char)> {
    INDUSTRIES.divisions.iter().find(|d| d.0 == code)
}

fn section_entry(letter: char) -> Option<&'static (char, &'static str)> {
    INDUSTRIES.sections.iter().find(|s| s.0 == letter)
}

/// Every 大类 as (two-digit code, name, 门类 letter), in code order.
pub fn all_divisions() -> &'static [(&'static str, &'static str, char)] {
    &INDUSTRIES.divisions
}

/// Every 门类 as (letter, name), A–T.
pub fn sections() -> &'static [(char, &'static str)] {
    &INDUSTRIES.sections
}

/// A GB/T 4754-2017 industry at 门类 level (`"C"`) or 大类 level (`"35"`).
///
/// Unit records keep the 大类 at most: it is what the union statistics and the 三上
/// thresholds group by, and the vendored table stops there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode(String);

impl IndustryCode {
    /// Accepts `C`, `c`, `35`, `C35`, `C3511`, `351` or `3511`. Longer codes are cut to their
    /// 大类 (their 中类/小类 digits are not checked, as the table has no such rows), after
    /// checking that a leading letter matches the 大类's 门类.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = compact(input).to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::new(
                "请填写行业代码（如 C 或 C35，见国民经济行业分类）",
            ));
        }
        let (letter, digits) = match code.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), &code[1..]),
            _ => (None, code.as_str()),
        };
        if digits.is_empty() {
            let letter = letter.expect("non-empty code");
            return match section_entry(letter) {
                Some(_) => Ok(Self(letter.to_string())),
                None => Err(Invalid(format!("行业门类“{letter}”不存在（门类为 A–T）"))),
            };
        }
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid(format!(
                "行业代码“{code}”格式不对，应为门类字母加2–4位数字，如 C、C35 或 C3511"
            )));
        }
        let Some(&(div, name, section)) = division(&digits[..2]) else {
            return Err(Invalid(format!(
                "行业大类“{}”不存在（大类为 01–97）",
                &digits[..2]
            )));
        };
        if let Some(letter) = letter
            && letter != section
        {
            return Err(Invalid(format!(
                "行业代码“{code}”的门类字母与大类不符：{div} {name}属于门类 {section}，不是 {letter}"
            )));
        }
        Ok(Self(div.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_section(&self) -> bool {
        self.0.len() == 1
    }

    /// The 门类 letter, e.g. `'C'` for `35`.
    pub fn section(&self) -> char {
        match division(&self.0) {
            Some(d) => d.2,
            None => self.0.chars().next().expect("non-empty code"),
        }
    }

    /// Name of the 门类 or 大类 itself, e.g. 专用设备制造业.
    pub fn name(&self) -> &'static str {
        match division(&self.0) {
            Some(d) => d.1,
            None => self.section_name(),
        }
    }

    /// Name of the 门类, e.g. 制造业.
    pub fn section_name(&self) -> &'static str {
        section_entry(self.section())
            .expect("IndustryCode is always in the table")
            .1
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for IndustryCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for IndustryCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

impl serde::Serialize for IndustryCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IndustryCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ic(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn table_is_complete_and_contiguous() {
        assert_eq!(sections().len(), 20);
        assert_eq!(all_divisions().len(), 97);
        let letters: String = sections().iter().map(|s| s.0).collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRST");
        for (i, d) in all_divisions().iter().enumerate() {
            assert_eq!(d.0, format!("{:02}", i + 1));
        }
        // Each 门类 covers one unbroken run of 大类, in letter order.
        let mut runs: Vec<char> = all_divisions().iter().map(|d| d.2).collect();
        runs.dedup();
        assert_eq!(runs.into_iter().collect::<String>(), letters);
        let first_of = |l| all_divisions().iter().find(|d| d.2 == l).unwrap().0;
        assert_eq!(
            [
                first_of('B'),
                first_of('C'),
                first_of('D'),
                first_of('E'),
                first_of('S'),
                first_of('T')
            ],
            ["06", "13", "44", "47", "91", "97"]
        );
    }

    #[test]
    fn accepted_forms() {
        for s in ["C", "c", " ｃ "] {
            let code = ic(s);
            assert_eq!(code.as_str(), "C");
            assert!(code.is_section());
            assert_eq!(code.name(), "制造业");
            assert_eq!(code.section(), 'C');
        }
        for s in ["35", "C35", "c35", "C3511", "3511", "351", "Ｃ３５１１"] {
            let code = ic(s);
            assert_eq!(code.as_str(), "35", "{s}");
            assert_eq!(code.name(), "专用设备制造业");
            assert_eq!(code.section(), 'C');
            assert_eq!(code.section_name(), "制造业");
        }
        assert_eq!(ic("01").name(), "农业");
        assert_eq!(ic("13").name(), "农副食品加工业");
        assert_eq!(ic("97").section_name(), "国际组织");
        assert_eq!(ic("A0511").as_str(), "05");
    }

    #[test]
    fn rejections() {
        let err = IndustryCode::parse("A3511").unwrap_err();
        assert!(err.0.contains("属于门类 C"), "{err}");
        assert!(
            IndustryCode::parse("U")
                .unwrap_err()
                .0
                .contains("门类为 A–T")
        );
        assert!(
            IndustryCode::parse("98")
                .unwrap_err()
                .0
                .contains("大类“98”不存在")
        );
        assert!(IndustryCode::parse("00").is_err());
        assert!(IndustryCode::parse("3").unwrap_err().0.contains("格式不对"));
        assert!(IndustryCode::parse("C35111").is_err());
        assert!(IndustryCode::parse("CC").is_err());
        assert!(IndustryCode::parse("").unwrap_err().0.contains("请填写"));
    }
}
