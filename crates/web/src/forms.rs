//! Form plumbing shared by the pages: what was typed (so it is kept on error), the errors per
//! field (shown beside the field), and parsers that turn text into domain values with the
//! field name attached.

use std::collections::HashMap;

use chrono::NaiveDate;
use gonghui_store::Error;

/// Values and errors of one HTML form.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
    /// An error that belongs to no single field (shown at the top).
    pub general: Option<String>,
}

impl FormState {
    pub fn from_values(values: HashMap<String, String>) -> FormState {
        FormState {
            values,
            ..Default::default()
        }
    }

    /// The value typed for `name` ("" when none).
    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// True when `name` holds `code` (selects mark their chosen option with it).
    pub fn is(&self, name: &str, code: &str) -> bool {
        self.v(name) == code
    }

    /// True when the checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.v(name), "on" | "true" | "1" | "是")
    }

    /// The error for `name` ("" when none).
    pub fn e(&self, name: &str) -> &str {
        self.errors.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors
            .entry(name.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Put a store error where the person will see it: beside its field, or at the top.
    /// Database failures are not form errors and are passed back to become an error page.
    pub fn absorb(&mut self, err: Error) -> Result<(), Error> {
        match err {
            Error::Invalid {
                field: Some(f),
                message,
            } if self.values.contains_key(f) || KNOWN_FIELDS.contains(&f) => {
                self.error(f, message);
                Ok(())
            }
            Error::Invalid { message, .. } | Error::Conflict(message) => {
                self.general = Some(message);
                Ok(())
            }
            e @ Error::HeldElsewhere { .. } => {
                self.general = Some(e.to_string());
                Ok(())
            }
            e => Err(e),
        }
    }

    /// Trimmed text, or None when empty.
    pub fn text(&self, name: &str) -> Option<String> {
        let v = self.v(name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// Required text.
    pub fn required(&mut self, name: &str, label: &str) -> Option<String> {
        let v = self.text(name);
        if v.is_none() {
            self.error(name, format!("请填写{label}"));
        }
        v
    }

    /// Parse an optional field with a domain parser, recording its error.
    pub fn parse_opt<T, E: std::fmt::Display>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let raw = self.text(name)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(name, e.to_string());
                None
            }
        }
    }

    /// Parse a required field with a domain parser.
    pub fn parse_req<T, E: std::fmt::Display>(
        &mut self,
        name: &str,
        label: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        if self.text(name).is_none() {
            self.error(name, format!("请填写{label}"));
            return None;
        }
        self.parse_opt(name, parse)
    }

    pub fn date_opt(&mut self, name: &str) -> Option<NaiveDate> {
        self.parse_opt(name, parse_date)
    }

    pub fn date_req(&mut self, name: &str, label: &str) -> Option<NaiveDate> {
        self.parse_req(name, label, parse_date)
    }

    /// A non-negative whole number.
    pub fn count_req(&mut self, name: &str, label: &str) -> Option<i64> {
        self.parse_req(name, label, |s| {
            s.replace([',', '，'], "")
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("{label}应为0或正整数，例如 120"))
        })
    }
}

/// Fields that forms render, so an error on a field whose value was empty still lands there.
const KNOWN_FIELDS: &[&str] = &[
    "name",
    "kind",
    "sub_kind",
    "uscc",
    "region_code",
    "industry_code",
    "founded_on",
    "short_name",
    "parent_id",
    "date",
    "ownership",
    "employees",
    "women_employees",
    "covering_org_id",
    "id_number",
    "phone",
    "join_date",
    "join_method",
    "org_id",
    "to_org",
    "status",
    "term_end",
    "term_start",
    "into",
    "guide_id",
    "member_id",
    "sector_id",
    "education",
    "new_employment_group",
];

/// Dates as people type them: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301. The
/// rule lives in the domain so that imports read dates exactly as forms do.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    gonghui_domain::parse_date(s).map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_people_use() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "20240301",
            " ２０２４-03-01 ",
        ] {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        assert!(parse_date("2024-02-30").unwrap_err().contains("无法识别"));
        assert!(parse_date("三月一日").is_err());
    }

    #[test]
    fn counts_refuse_negative_and_text() {
        let mut f = FormState::default();
        f.set("n", "-3");
        assert_eq!(f.count_req("n", "职工人数"), None);
        assert!(f.e("n").contains("正整数"));
        let mut f = FormState::default();
        f.set("n", "1,200");
        assert_eq!(f.count_req("n", "职工人数"), Some(1200));
    }
}
