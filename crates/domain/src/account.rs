//! Accounts: roles (三权分立 and the working roles), the password policy and the TOTP second
//! factor. Pure rules; hashing and storage live in the store.

use crate::Invalid;
use crate::coded_enum;

coded_enum! {
    /// What an account may do, always within the subtree of its scope org.
    pub enum Role {
        /// 系统管理员: accounts and configuration; no business data, no audit trail.
        SystemAdmin = ("system_admin", "系统管理员"),
        /// 安全管理员: roles and security policies.
        SecurityAdmin = ("security_admin", "安全管理员"),
        /// 审计管理员: reads and exports the audit trail, nothing else.
        AuditAdmin = ("audit_admin", "审计管理员"),
        /// 工会工作人员: reads and writes records in the subtree.
        Staff = ("staff", "工会工作人员"),
        /// 查看人员: reads records in the subtree.
        Viewer = ("viewer", "查看人员"),
        /// 基层工会主席: reads and writes the records of their own union only.
        Chair = ("chair", "基层工会主席"),
        /// 第三方考核人员: reads the orgs explicitly assigned to them (scoring comes with campaigns).
        Assessor = ("assessor", "第三方考核人员"),
    }
}

impl Role {
    /// The three administrator roles of 三权分立; they never see business records.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }

    /// May read union, unit and member records (within scope).
    pub fn reads_records(self) -> bool {
        matches!(
            self,
            Role::Staff | Role::Viewer | Role::Chair | Role::Assessor
        )
    }

    /// May change union, unit and member records (within scope).
    pub fn writes_records(self) -> bool {
        matches!(self, Role::Staff | Role::Chair)
    }

    /// The roles an account holding `self` may hand to others (always within its own scope).
    /// The system administrator creates working accounts; only the security administrator
    /// assigns the administrator roles, so no one can make themselves an auditor of their own acts.
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::SecurityAdmin => true,
            Role::SystemAdmin => !other.is_admin(),
            _ => false,
        }
    }
}

/// Password policy (GB/T 22239-2019 level 3, 身份鉴别 a): at least 8 characters, at least three
/// of the four classes (upper, lower, digit, symbol), not the username.
pub fn check_password(username: &str, password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < 8 {
        return Err(Invalid(format!("密码至少需要8位，现在只有{n}位")));
    }
    if n > 128 {
        return Err(Invalid("密码不能超过128位".into()));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(Invalid(
            "密码须包含大写字母、小写字母、数字、符号中的至少三类，例如 Gh@2026jz".into(),
        ));
    }
    if password.to_lowercase().contains(&username.to_lowercase()) && !username.is_empty() {
        return Err(Invalid("密码不能包含用户名".into()));
    }
    Ok(())
}

/// Usernames: 3–32 letters, digits, `_`, `.` or `-` (they appear in the audit trail and logs).
pub fn check_username(username: &str) -> Result<String, Invalid> {
    let u = username.trim().to_lowercase();
    let ok = (3..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(u)
    } else {
        Err(Invalid(
            "用户名应为3至32位英文字母、数字或 _ . -，例如 shishou.zhang".into(),
        ))
    }
}

/// RFC 6238 time-based one-time password: 6 digits, 30-second steps, HMAC-SHA1 (what every
/// authenticator app uses).
pub fn totp(secret: &[u8], unix_time: u64) -> u32 {
    hotp(secret, unix_time / 30)
}

fn hotp(secret: &[u8], counter: u64) -> u32 {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret)
        .expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let code = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    code % 1_000_000
}

/// Accept the code of the current step or one step either side (clock drift of phones).
pub fn verify_totp(secret: &[u8], code: &str, unix_time: u64) -> bool {
    let code = code.trim();
    let Ok(n) = code.parse::<u32>() else {
        return false;
    };
    if code.len() != 6 {
        return false;
    }
    let step = unix_time / 30;
    [step.saturating_sub(1), step, step + 1]
        .iter()
        .any(|s| hotp(secret, *s) == n)
}

/// Base32 (RFC 4648, no padding) as authenticator apps expect the secret to be typed.
pub fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", last 6 digits.
        let secret = b"12345678901234567890";
        assert_eq!(totp(secret, 59), 287_082);
        assert_eq!(totp(secret, 1_111_111_109), 81_804);
        assert_eq!(totp(secret, 1_234_567_890), 5_924);
        assert_eq!(totp(secret, 2_000_000_000), 279_037);
    }

    #[test]
    fn totp_accepts_one_step_of_drift_only() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_109;
        assert!(verify_totp(secret, "081804", now));
        assert!(verify_totp(secret, "081804", now + 30));
        assert!(!verify_totp(secret, "081804", now + 90));
        assert!(!verify_totp(secret, "81804", now), "codes are six digits");
        assert!(!verify_totp(secret, "abcdef", now));
    }

    #[test]
    fn password_policy() {
        assert!(check_password("zhang", "Gh@2026jz").is_ok());
        assert!(
            check_password("zhang", "Abcdefg1").is_ok(),
            "three classes suffice"
        );
        assert!(
            check_password("zhang", "Ab1!")
                .unwrap_err()
                .0
                .contains("8位")
        );
        assert!(
            check_password("zhang", "abcdefgh1")
                .unwrap_err()
                .0
                .contains("三类")
        );
        assert!(
            check_password("zhang", "Zhang@2026")
                .unwrap_err()
                .0
                .contains("用户名")
        );
    }

    #[test]
    fn grants_follow_separation_of_duties() {
        assert!(Role::SystemAdmin.may_grant(Role::Staff));
        assert!(!Role::SystemAdmin.may_grant(Role::AuditAdmin));
        assert!(Role::SecurityAdmin.may_grant(Role::AuditAdmin));
        assert!(!Role::Staff.may_grant(Role::Viewer));
        assert!(!Role::AuditAdmin.may_grant(Role::Viewer));
        for r in Role::ALL {
            assert_eq!(
                r.is_admin(),
                !r.reads_records(),
                "{r}: admins see no records, others do"
            );
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(check_username(" Shishou.Zhang ").unwrap(), "shishou.zhang");
        assert!(check_username("张三").is_err());
        assert!(check_username("ab").is_err());
    }
}
