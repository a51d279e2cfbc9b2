//! Dates as people type them and as spreadsheets store them. Forms and imports share these
//! parsers, so a date that a form accepts is accepted in a file too, with the same message.

use chrono::{Days, NaiveDate};

use crate::error::Invalid;
use crate::text::to_half_width;

/// Dates as people type them: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301 (and
/// the same in full-width digits).
pub fn parse_date(s: &str) -> Result<NaiveDate, Invalid> {
    let t = to_half_width(s.trim())
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "");
    let t = t.trim().trim_end_matches('-');
    let parsed = if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        NaiveDate::parse_from_str(t, "%Y%m%d")
    } else {
        // A date-time written by a spreadsheet program ("2024-03-01 00:00:00"): its day.
        let day = t.split([' ', 'T']).next().unwrap_or(t);
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
    };
    parsed.map_err(|_| {
        Invalid(format!(
            "日期“{}”无法识别，请按 2024-03-01 的格式填写",
            s.trim()
        ))
    })
}

/// Excel's serial day numbers (1900 date system, as Chinese Excel and WPS write them): 1 is
/// 1900-01-01 and Excel counts the non-existent 1900-02-29, so serials from 61 on are one day
/// ahead of the calendar. Serials outside 1900–2199 are refused: they are numbers typed into a
/// date column, not dates.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=109_574.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as u64;
    // Day 0 is 1899-12-31; from serial 61 on, 1899-12-30 absorbs Excel's phantom leap day.
    let base = if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    }?;
    base.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_people_use() {
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "20240301",
            " ２０２４-03-01 ",
            "2024-03-01 00:00:00",
            "2024-03-01T00:00:00",
        ] {
            assert_eq!(parse_date(s), Ok(d(2024, 3, 1)), "{s}");
        }
        assert!(parse_date("2024-02-30").unwrap_err().0.contains("无法识别"));
        assert!(parse_date("三月一日").is_err());
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(45_352.0), Some(d(2024, 3, 1)));
        assert_eq!(excel_serial_date(45_352.75), Some(d(2024, 3, 1)));
        assert_eq!(excel_serial_date(0.0), None);
        assert_eq!(excel_serial_date(4.21081e17), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
    }
}
