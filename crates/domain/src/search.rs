//! Pinyin search keys, so 石首 is found by "shishou", "ssszgh" or "石首".

use pinyin::ToPinyin;

use crate::text::to_half_width;

/// Search columns stored beside a name: full pinyin and initials, lower case, no separators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SearchKeys {
    pub full: String,
    pub initials: String,
}

/// Builds the pinyin keys of a name: 石首市总工会 → `shishoushizonggonghui` / `ssszgh`.
/// Letters and digits that are not Chinese characters are kept (lower case) in both keys,
/// so "ABC科技" → `abckeji` / `abckj`; punctuation and spaces are dropped. Polyphonic
/// characters take their most common reading.
pub fn search_keys(name: &str) -> SearchKeys {
    let mut keys = SearchKeys {
        full: String::new(),
        initials: String::new(),
    };
    for c in to_half_width(name).chars() {
        if let Some(py) = c.to_pinyin() {
            keys.full.push_str(py.plain());
            keys.initials.push_str(py.first_letter());
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                keys.full.push(lower);
                keys.initials.push(lower);
            }
        }
    }
    keys
}

/// Normalizes a search box entry the way names and keys were normalized: trimmed,
/// half-width, lower case.
pub fn normalize_query(q: &str) -> String {
    to_half_width(q).trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_names() {
        let keys = search_keys("石首市总工会");
        assert_eq!(keys.full, "shishoushizonggonghui");
        assert_eq!(keys.initials, "ssszgh");
        let keys = search_keys("荆州经济技术开发区工会");
        assert_eq!(keys.initials, "jzjjjskfqgh");
    }

    #[test]
    fn mixed_text() {
        let keys = search_keys("ＡＢＣ科技（荆州）有限公司 2号");
        assert_eq!(keys.full, "abckejijingzhouyouxiangongsi2hao");
        assert_eq!(keys.initials, "abckjjzyxgs2h");
        assert_eq!(
            search_keys(""),
            SearchKeys {
                full: String::new(),
                initials: String::new()
            }
        );
    }

    #[test]
    fn queries() {
        assert_eq!(normalize_query("  ＳＳ石首 "), "ss石首");
    }
}
