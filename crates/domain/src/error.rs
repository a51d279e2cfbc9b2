/// A value a user typed (or imported) was rejected.
///
/// The message is Chinese and user-facing: it says what is wrong and, where it can, how to
/// fix it ("校验码（第18位）应为 6，请核对营业执照"). Pages show it beside the field as is,
/// so it must never contain internal details.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    pub fn message(&self) -> &str {
        &self.0
    }
}
