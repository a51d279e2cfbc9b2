/// Converts full-width ASCII variants (ＡＢ１２，（）) and the ideographic space to their
/// half-width forms; other characters pass through unchanged.
///
/// Codes are often typed with a Chinese input method still in full-width mode, or pasted
/// from Word documents, so every parser runs its input through this first.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Half-width, with every kind of whitespace removed (codes never contain spaces, but
/// people type "9144 0300 ..." to keep their place).
pub(crate) fn compact(s: &str) -> String {
    to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Splits one line of the vendored data files: comma-separated, fields optionally in double
/// quotes. Those files have no quotes or commas inside names and no multi-line fields (a test
/// in `region.rs` checks every row), so borrowing slices is enough; this is not a general
/// CSV reader.
pub(crate) fn csv_fields(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut rest = line.trim_end_matches('\r');
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            fields.push(&quoted[..end]);
            rest = quoted.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        match rest.strip_prefix(',') {
            Some(next) => rest = next,
            None => break,
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width() {
        assert_eq!(to_half_width("ＡＢ１２（x）　ｚ"), "AB12(x) z");
        assert_eq!(to_half_width("石首市总工会"), "石首市总工会");
    }

    #[test]
    fn compact_removes_all_spaces() {
        assert_eq!(compact(" 9144　0300 \t19 "), "9144030019");
    }

    #[test]
    fn csv() {
        assert_eq!(
            csv_fields(r#"110101,"东城区",1101,11"#),
            ["110101", "东城区", "1101", "11"]
        );
        assert_eq!(csv_fields("a,,b\r"), ["a", "", "b"]);
        assert_eq!(csv_fields(r#""x""#), ["x"]);
    }
}
