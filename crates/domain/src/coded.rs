//! `coded_enum!`: one definition per closed list of values (org kinds, statuses, roles…).
//!
//! Each variant has a stable English snake_case `code`, the only form stored in the database
//! and sent over the JSON API, and a Chinese `label`, the only form shown to people. Keeping
//! both in one table means a renamed label never breaks stored data, and imports can accept
//! either form.

/// Defines a `Copy` enum with a code and a Chinese label per variant.
///
/// ```
/// gonghui_domain::coded_enum! {
///     /// 示例
///     pub enum Color {
///         Red = ("red", "红色"),
///         Green = ("green", "绿色"),
///     }
/// }
/// assert_eq!(Color::from_label("红色"), Some(Color::Red));
/// assert_eq!(Color::Green.to_string(), "绿色");
/// ```
///
/// Generated: `ALL`, `code()`, `label()`, `from_code()`, `from_label()` (which also accepts
/// the code), `Display` (the label), and serde as the code.
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in display order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant ),+ ];

            /// Stable English code, as stored in the database.
            pub const fn code(self) -> &'static str {
                match self { $( Self::$variant => $code ),+ }
            }

            /// Chinese label, as shown to people.
            pub const fn label(self) -> &'static str {
                match self { $( Self::$variant => $label ),+ }
            }

            /// (code, label) pairs for a select list.
            #[allow(dead_code)]
            pub fn options() -> ::std::vec::Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.code(), v.label())).collect()
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some(Self::$variant), )+ _ => None }
            }

            /// Accepts the Chinese label or the code (imports contain either), ignoring
            /// surrounding spaces and full-width forms.
            pub fn from_label(label: &str) -> Option<Self> {
                let label = $crate::to_half_width(label);
                let label = label.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| $crate::to_half_width(v.label()) == label || v.code() == label)
            }
        }

        /// Decoding a stored code (the store reads enum columns through this).
        impl ::core::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::Invalid;
            fn try_from(code: ::std::string::String) -> ::core::result::Result<Self, Self::Error> {
                Self::from_code(&code).ok_or_else(|| {
                    $crate::Invalid(::std::format!("无法识别的{}代码“{}”", ::core::stringify!($name), code))
                })
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                let code = <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_code(&code).ok_or_else(|| {
                    <D::Error as $crate::__private::serde::de::Error>::unknown_variant(
                        &code,
                        &[ $( $code ),+ ],
                    )
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    coded_enum! {
        /// Test enum.
        enum Sample {
            One = ("one", "一"),
            Two = ("two", "二(乙)"),
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(Sample::ALL, &[Sample::One, Sample::Two]);
        assert_eq!(Sample::Two.code(), "two");
        assert_eq!(Sample::Two.label(), "二(乙)");
        assert_eq!(Sample::from_code("one"), Some(Sample::One));
        assert_eq!(Sample::from_code("一"), None);
        assert_eq!(Sample::from_label(" 一 "), Some(Sample::One));
        assert_eq!(Sample::from_label("二（乙）"), Some(Sample::Two));
        assert_eq!(Sample::from_label("two"), Some(Sample::Two));
        assert_eq!(Sample::from_label("三"), None);
        assert_eq!(Sample::One.to_string(), "一");
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Sample::Two).unwrap(), r#""two""#);
        assert_eq!(
            serde_json::from_str::<Sample>(r#""one""#).unwrap(),
            Sample::One
        );
        let err = serde_json::from_str::<Sample>(r#""一""#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("one") && err.contains("two"), "{err}");
        let owned = serde_json::Value::String("two".into());
        assert_eq!(
            serde_json::from_value::<Sample>(owned).unwrap(),
            Sample::Two
        );
    }
}
