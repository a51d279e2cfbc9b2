//! 公民身份号码 (GB 11643-1999), see DOMAIN.md §4.2.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::error::Invalid;
use crate::member::Sex;
use crate::region::{RegionCode, is_known_province};
use crate::text::compact;

/// `2^(17-i) mod 11` for positions 1..=17 (ISO 7064 MOD 11-2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character (position 18) for the first 17 digits of an ID number, or `None` if
/// `first17` is not 17 ASCII digits. Generators of demo and test data use it.
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK_CHARS[(sum % 11) as usize] as char)
}

/// `YYYYMMDD` (eight ASCII digits) as a date, if it is one.
fn digits_date(s: &str) -> Option<NaiveDate> {
    let n = |r: std::ops::Range<usize>| {
        s.get(r)?.bytes().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    if s.len() != 8 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(4..6)?, n(6..8)?)
}

/// A valid 18-character resident ID number (the check character upper-case `X`).
///
/// Personal information: `Display` and `Debug` show only the masked form, and there is no
/// `Serialize`, so the full number cannot reach a page, log or JSON body by accident. Code
/// that is entitled to the full value asks for it with [`IdNumber::as_str`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses against today's local date (a birth date may not be in the future).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        Self::parse_at(input, chrono::Local::now().date_naive())
    }

    /// Parses as of `today`. Accepts 18 characters (a final `x` becomes `X`) or an old
    /// 15-digit number, which is converted to 18 by inserting "19" before the year.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, Invalid> {
        // Almost every number arrives clean (18 ASCII digits, perhaps a final X); those are
        // checked in place and copied once. Anything else goes through the normalizing path.
        let b = input.as_bytes();
        let clean = b.len() == 18
            && b[..17].iter().all(u8::is_ascii_digit)
            && (b[17].is_ascii_digit() || b[17] == b'X');
        let mut id = if clean {
            input.to_owned()
        } else {
            Self::normalize(input)?
        };
        // All characters are ASCII digits from here on (but for a final X).
        let province = &id[..2];
        if !is_known_province(province) {
            return Err(Invalid(format!(
                "身份证号码前两位“{province}”不是省级行政区划代码，请核对"
            )));
        }
        let Some(date) = digits_date(&id[6..14]) else {
            return Err(Invalid(format!(
                "身份证号码中的出生日期 {}（第7–14位）不是有效日期",
                &id[6..14]
            )));
        };
        if date > today {
            return Err(Invalid(format!(
                "身份证号码中的出生日期 {}（第7–14位）晚于今天，请核对",
                date.format("%Y-%m-%d")
            )));
        }
        let expected = id_check_char(&id[..17]).expect("17 digits");
        if id.len() == 17 {
            id.push(expected);
        } else if id.as_bytes()[17] as char != expected {
            return Err(Invalid(format!(
                "身份证号码校验码（第18位）应为 {expected}，现在是 {}，请核对身份证",
                &id[17..]
            )));
        }
        Ok(Self(id))
    }

    /// Full-width characters, spaces and a lower-case x made regular; an old 15-digit number
    /// becomes 17 digits (the check character is added by the caller). Errors name the
    /// position of the first wrong character.
    fn normalize(input: &str) -> Result<String, Invalid> {
        let raw = compact(input).to_ascii_uppercase();
        if raw.is_empty() {
            return Err(Invalid::new("请填写身份证号码（18位）"));
        }
        let len = raw.chars().count();
        match len {
            18 => {
                if let Some((i, c)) = raw
                    .chars()
                    .take(17)
                    .enumerate()
                    .find(|&(_, c)| !c.is_ascii_digit())
                {
                    return Err(Invalid(format!("身份证号码第{}位“{c}”应为数字", i + 1)));
                }
                let last = raw.chars().last().expect("18 chars");
                if !(last.is_ascii_digit() || last == 'X') {
                    return Err(Invalid(format!("身份证号码第18位“{last}”应为数字或 X")));
                }
                Ok(raw)
            }
            15 => {
                if let Some((i, c)) = raw.chars().enumerate().find(|&(_, c)| !c.is_ascii_digit()) {
                    return Err(Invalid(format!("15位身份证号码第{}位“{c}”应为数字", i + 1)));
                }
                // Old numbers were issued to people born 1900–1999 only.
                Ok(format!("{}19{}", &raw[..6], &raw[6..]))
            }
            _ => Err(Invalid(format!(
                "身份证号码应为18位（或旧版15位），现在是{len}位，请核对是否多输或漏输"
            ))),
        }
    }

    /// The full number. Show it only to users entitled to it (and audit the reveal).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        digits_date(&self.0[6..14]).expect("checked in parse")
    }

    /// Age in whole years on `on`.
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
        (on.year() - birth.year() - i32::from(!had_birthday)).max(0) as u32
    }

    /// From the 17th digit: odd is male, even is female.
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The six-digit address code: the county of registered residence when the number was
    /// issued.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    /// Whether the address code is in the current (NBS 2023) list. Codes are retired when
    /// divisions change, so older numbers legitimately carry unknown codes: they parse, and
    /// pages may show a gentle "地址码不在现行区划中" note instead of an error.
    pub fn region_known(&self) -> bool {
        RegionCode::parse(self.region_code()).is_ok()
    }

    /// `110105********002X`: address code and the last four, the birth date hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn id(s: &str) -> IdNumber {
        IdNumber::parse_at(s, today()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn standard_examples() {
        let a = id("11010519491231002X");
        assert_eq!(a.sex(), Sex::Female);
        assert_eq!(
            a.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(a.region_code(), "110105");
        assert!(a.region_known());
        let b = id("440524188001010014");
        assert_eq!(b.sex(), Sex::Male);
        assert_eq!(b.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1).unwrap());
    }

    #[test]
    fn weights_are_powers_of_two() {
        for (i, w) in WEIGHTS.iter().enumerate() {
            assert_eq!(*w, (1u32 << (17 - i)) % 11);
        }
    }

    #[test]
    fn wrong_check_digit_names_x() {
        let err = IdNumber::parse_at("110105194912310021", today()).unwrap_err();
        assert!(err.0.contains("应为 X"), "{err}");
    }

    #[test]
    fn fifteen_digits_are_converted() {
        assert_eq!(id("110105491231002").as_str(), "11010519491231002X");
    }

    #[test]
    fn lower_case_x_and_full_width() {
        assert_eq!(id("11010519491231002x").as_str(), "11010519491231002X");
        assert_eq!(
            id("１１０１０５ １９４９１２３１ ００２ｘ").as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn masked_everywhere_but_as_str() {
        let a = id("11010519491231002X");
        assert_eq!(a.masked(), "110105********002X");
        assert_eq!(a.to_string(), "110105********002X");
        assert_eq!(format!("{a:?}"), "IdNumber(110105********002X)");
    }

    #[test]
    fn clean_and_messy_forms_agree() {
        // The clean form is checked in place, the others normalized first: same results.
        let clean = "11010519491231002X";
        for messy in [
            " 11010519491231002x ",
            "１１０１０５１９４９１２３１００２Ｘ",
            "110105 19491231 002X",
        ] {
            assert_eq!(id(messy), id(clean), "{messy}");
        }
        for (bad, why) in [
            ("11010519490229001X", "19490229"), // not a leap year
            ("11010519490001001X", "19490001"),
            ("00010519491231002X", "“00”"),
            ("11010519491231002Y", "第18位“Y”"),
        ] {
            let err = IdNumber::parse_at(bad, today()).unwrap_err().0;
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert_eq!(
            id("110105200002290013").birth_date(),
            NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
        );
    }

    #[test]
    fn rejects_bad_dates_provinces_and_lengths() {
        let bad_date = format!(
            "11010519491331002{}",
            id_check_char("11010519491331002").unwrap()
        );
        assert!(
            IdNumber::parse_at(&bad_date, today())
                .unwrap_err()
                .0
                .contains("19491331")
        );
        let future = format!(
            "11010520300101002{}",
            id_check_char("11010520300101002").unwrap()
        );
        assert!(
            IdNumber::parse_at(&future, today())
                .unwrap_err()
                .0
                .contains("晚于今天")
        );
        let province = format!(
            "99010519491231002{}",
            id_check_char("99010519491231002").unwrap()
        );
        assert!(
            IdNumber::parse_at(&province, today())
                .unwrap_err()
                .0
                .contains("“99”")
        );
        assert!(
            IdNumber::parse_at("1101051949123100", today())
                .unwrap_err()
                .0
                .contains("16位")
        );
        let err = IdNumber::parse_at("1101051949123100AX", today()).unwrap_err();
        assert_eq!(err.0, "身份证号码第17位“A”应为数字");
        assert!(
            IdNumber::parse_at("", today())
                .unwrap_err()
                .0
                .contains("请填写")
        );
    }

    #[test]
    fn retired_address_codes_parse_but_are_flagged() {
        // 429001 was 随州市 before it became a prefecture (now 421300).
        let first17 = "42900119800101001";
        let old = id(&format!("{first17}{}", id_check_char(first17).unwrap()));
        assert!(!old.region_known());
    }

    #[test]
    fn age() {
        let a = id("11010519491231002X");
        assert_eq!(a.age_on(NaiveDate::from_ymd_opt(2025, 12, 30).unwrap()), 75);
        assert_eq!(a.age_on(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()), 76);
    }
}
