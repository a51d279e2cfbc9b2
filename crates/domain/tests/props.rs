//! Property tests for the code validators (DOMAIN.md §4).

use chrono::{Datelike, Duration, NaiveDate};
use gonghui_domain::{IdNumber, Phone, Sex, Uscc, id_check_char, uscc_check_char};
use proptest::prelude::*;

const USCC_CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn uscc_char() -> impl Strategy<Value = char> {
    proptest::sample::select(USCC_CHARSET).prop_map(char::from)
}

/// Any 17 charset characters plus their check character.
fn valid_uscc() -> impl Strategy<Value = String> {
    proptest::collection::vec(uscc_char(), 17).prop_map(|chars| {
        let body: String = chars.into_iter().collect();
        let check = uscc_check_char(&body).expect("charset body");
        format!("{body}{check}")
    })
}

/// Ways people type a code: full width, lower case, spaces (ASCII or ideographic) anywhere.
fn mangle(code: &str, full_width: &[bool], lower: &[bool], spaces: &[u8]) -> String {
    let mut out = String::from(" ");
    for (i, c) in code.chars().enumerate() {
        let c = if lower[i] { c.to_ascii_lowercase() } else { c };
        let c = if full_width[i] {
            char::from_u32(c as u32 + 0xFEE0).unwrap()
        } else {
            c
        };
        out.push(c);
        match spaces[i] {
            1 => out.push(' '),
            2 => out.push('\u{3000}'),
            _ => {}
        }
    }
    out.push('\t');
    out
}

const TODAY: (i32, u32, u32) = (2025, 6, 1);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

/// Province-level prefixes a resident ID may carry.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82", "83",
];

/// A valid 18-digit ID: known province, any 4 more address digits, a real date from 1900-01-01
/// up to today, any sequence number, computed check character.
fn valid_id() -> impl Strategy<Value = (String, NaiveDate, u32)> {
    let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let days = (today() - start).num_days();
    (
        proptest::sample::select(PROVINCES),
        0u32..10_000,
        0..=days,
        0u32..1000,
    )
        .prop_map(move |(p, area, day, seq)| {
            let date = start + Duration::days(day);
            let body = format!("{p}{area:04}{}{seq:03}", date.format("%Y%m%d"));
            let check = id_check_char(&body).unwrap();
            (format!("{body}{check}"), date, seq)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn uscc_with_computed_check_char_parses(code in valid_uscc()) {
        let uscc = Uscc::parse(&code).unwrap();
        prop_assert_eq!(uscc.as_str(), code.as_str());
    }

    #[test]
    fn uscc_single_substitution_fails(
        code in valid_uscc(),
        pos in 0usize..18,
        replacement in uscc_char(),
    ) {
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[pos] != replacement);
        chars[pos] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&changed).is_err(), "{} should fail", changed);
    }

    #[test]
    fn uscc_typing_variants_parse_to_the_same_value(
        code in valid_uscc(),
        full_width in proptest::collection::vec(any::<bool>(), 18),
        lower in proptest::collection::vec(any::<bool>(), 18),
        spaces in proptest::collection::vec(0u8..3, 18),
    ) {
        let typed = mangle(&code, &full_width, &lower, &spaces);
        let uscc = Uscc::parse(&typed).unwrap();
        prop_assert_eq!(uscc, Uscc::parse(&code).unwrap());
    }

    #[test]
    fn id_with_computed_check_char_round_trips((id, date, seq) in valid_id()) {
        let parsed = IdNumber::parse_at(&id, today()).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.birth_date(), date);
        let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(parsed.sex(), sex);
        prop_assert_eq!(parsed.region_code(), &id[..6]);
    }

    #[test]
    fn id_single_digit_substitution_fails(
        (id, _, _) in valid_id(),
        pos in 0usize..18,
        digit in 0u8..10,
    ) {
        let mut bytes = id.clone().into_bytes();
        let replacement = b'0' + digit;
        prop_assume!(bytes[pos] != replacement);
        bytes[pos] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(IdNumber::parse_at(&changed, today()).is_err(), "{} should fail", changed);
    }

    #[test]
    fn id_15_digit_converts_to_18((id, date, _) in valid_id()) {
        prop_assume!(date.year() >= 1900 && date.year() <= 1999);
        let old = format!("{}{}", &id[..6], &id[8..17]);
        prop_assert_eq!(old.len(), 15);
        let converted = IdNumber::parse_at(&old, today()).unwrap();
        prop_assert_eq!(converted.as_str(), id.as_str());
        prop_assert_eq!(converted.birth_date(), date);
    }

    #[test]
    fn masked_id_hides_the_birth_date((id, _, _) in valid_id()) {
        let parsed = IdNumber::parse_at(&id, today()).unwrap();
        let masked = parsed.masked();
        prop_assert_eq!(masked.len(), 18);
        prop_assert_eq!(&masked[6..14], "********");
        prop_assert_eq!(&masked[..6], &id[..6]);
        prop_assert_eq!(&masked[14..], &id[14..]);
        prop_assert_eq!(parsed.to_string(), masked.clone());
        prop_assert_eq!(format!("{:?}", parsed), format!("IdNumber({})", masked));
    }

    #[test]
    fn mobile_masking_hides_the_middle_four(second in 3u8..10, rest in 0u64..1_000_000_000) {
        let number = format!("1{second}{rest:09}");
        let phone = Phone::parse(&number).unwrap();
        let masked = phone.masked();
        prop_assert_eq!(&masked[..3], &number[..3]);
        prop_assert_eq!(&masked[3..7], "****");
        prop_assert_eq!(&masked[7..], &number[7..]);
        prop_assert_eq!(phone.as_str(), number.as_str());
    }
}
