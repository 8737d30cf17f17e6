//! The codes themselves: RFC 6238 time-based codes (SHA-1, 6 digits, 30 s steps, what every
//! authenticator app assumes when the URI names nothing else) and single-use backup codes.
//! Pure functions of their inputs, the clock included, so tests pin the time.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

/// Secret length: RFC 4226 recommends 160 bits.
pub const SECRET_BYTES: usize = 20;
/// Seconds per time step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Steps either side of the server's that a code may come from: a phone's clock a little off,
/// or a code typed as it turned over.
pub const SKEW_STEPS: u64 = 1;
/// Characters of a backup code (without the dash), from an alphabet without look-alikes
/// (no 0/o, 1/l/i): 31^10, about 2^49.5 codes.
pub const BACKUP_CODE_LEN: usize = 10;
const BACKUP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8]) -> TOTP {
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 0, STEP_SECS, secret.to_vec())
}

/// The time step a Unix time falls in.
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The code of the step `unix_secs` falls in.
pub fn code_at(secret: &[u8], unix_secs: u64) -> String {
    totp(secret).generate(unix_secs)
}

/// What someone typed into the code field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Six digits (spaces allowed, as apps show `123 456`).
    Totp(String),
    /// A backup code, lowercased, without its dash or spaces.
    Backup(String),
}

impl Submitted {
    /// `None` for anything that is neither shape: refused without touching the account.
    pub fn parse(raw: &str) -> Option<Self> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if compact.len() == DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            Some(Self::Totp(compact))
        } else if compact.len() == BACKUP_CODE_LEN && compact.bytes().all(|b| BACKUP_ALPHABET.contains(&b)) {
            Some(Self::Backup(compact))
        } else {
            None
        }
    }
}

/// The step of `code` among the steps within `SKEW_STEPS` of `unix_secs`, if it matches one that
/// is later than `after` (the last step accepted: an equal or earlier one would be a replay).
/// Every candidate is compared, in constant time, so the timing does not tell which one matched.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: u64, after: Option<u64>) -> Option<u64> {
    let now = step_of(unix_secs);
    let totp = totp(secret);
    let mut found = None;
    for step in now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS {
        let expected = totp.generate(step * STEP_SECS);
        let equal = atrium_types::api_keys::secret::constant_time_eq(expected.as_bytes(), code.as_bytes());
        if equal && after.is_none_or(|last| step > last) {
            found = Some(step);
        }
    }
    found
}

/// The secret in base32 (RFC 4648, no padding) in groups of four, for typing into an app.
pub fn secret_for_typing(secret: &[u8]) -> String {
    let encoded = totp(secret).get_secret_base32();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://totp/` URI authenticator apps read from the QR code (Google Authenticator's
/// key URI format), naming every parameter so no app guesses.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let issuer = utf8_percent_encode(issuer, NON_ALPHANUMERIC).to_string();
    let account = utf8_percent_encode(account, NON_ALPHANUMERIC).to_string();
    let secret = totp(secret).get_secret_base32();
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}"
    )
}

/// The QR code of `uri` as an SVG of dark modules on white, with the quiet zone scanners need.
pub fn qr_svg(uri: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(uri, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .quiet_zone(true)
            .build(),
    )
}

/// Fresh backup codes as shown to the person (`abcde-fghjk`).
pub fn new_backup_codes(count: usize) -> Vec<String> {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..count)
        .map(|_| {
            let chars: String = (0..BACKUP_CODE_LEN)
                .map(|_| BACKUP_ALPHABET[rng.gen_range(0..BACKUP_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &chars[..BACKUP_CODE_LEN / 2], &chars[BACKUP_CODE_LEN / 2..])
        })
        .collect()
}

/// What is stored of a backup code: SHA-256 of its compact form. The codes are random and long
/// enough that a slow hash adds nothing, and a fast one lets a sign-in check all ten at once.
pub fn hash_backup_code(code: &str) -> Vec<u8> {
    let compact: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    Sha256::digest(compact.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret and the times of its table. The RFC lists eight
    /// digits; six-digit codes are their last six (the truncation is modulo 10^digits).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_follow_rfc_6238_appendix_b() {
        let table = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, eight) in table {
            assert_eq!(code_at(RFC_SECRET, time), eight[2..], "T = {time}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_but_not_further() {
        let now = 1_111_111_111;
        let code = code_at(RFC_SECRET, now);
        assert_eq!(matching_step(RFC_SECRET, &code, now, None), Some(step_of(now)));
        assert_eq!(matching_step(RFC_SECRET, &code, now + 30, None), Some(step_of(now)));
        assert_eq!(matching_step(RFC_SECRET, &code, now - 30, None), Some(step_of(now)));
        assert_eq!(matching_step(RFC_SECRET, &code, now + 90, None), None);
        assert_eq!(matching_step(RFC_SECRET, "000000", now, None), None);
    }

    #[test]
    fn a_step_already_used_or_earlier_is_refused() {
        let now = 1_234_567_890;
        let code = code_at(RFC_SECRET, now);
        let step = step_of(now);
        assert_eq!(matching_step(RFC_SECRET, &code, now, Some(step - 1)), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code, now, Some(step)), None);
        assert_eq!(matching_step(RFC_SECRET, &code, now, Some(step + 1)), None);
    }

    #[test]
    fn typed_codes_are_told_apart() {
        assert_eq!(Submitted::parse(" 123 456 "), Some(Submitted::Totp("123456".into())));
        assert_eq!(
            Submitted::parse("ABCDE-FGHJK"),
            Some(Submitted::Backup("abcdefghjk".into()))
        );
        assert_eq!(Submitted::parse("12345"), None);
        assert_eq!(Submitted::parse("abcde-fghj0"), None, "0 is not in the alphabet");
        assert_eq!(Submitted::parse("<script>"), None);
    }

    #[test]
    fn backup_codes_are_distinct_and_hash_the_same_however_typed() {
        let codes = new_backup_codes(10);
        assert_eq!(codes.len(), 10);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), BACKUP_CODE_LEN + 1);
            let Some(Submitted::Backup(compact)) = Submitted::parse(&code.to_uppercase()) else {
                panic!("{code} does not parse back");
            };
            assert_eq!(hash_backup_code(&compact), hash_backup_code(code));
        }
    }

    #[test]
    fn the_uri_names_every_parameter_and_the_secret_reads_back() {
        let uri = otpauth_uri(RFC_SECRET, "Atrium", "ada@example.com (acme)");
        assert!(uri.starts_with("otpauth://totp/Atrium:ada%40example%2Ecom%20%28acme%29?secret="));
        assert!(uri.ends_with("&issuer=Atrium&algorithm=SHA1&digits=6&period=30"));
        assert_eq!(secret_for_typing(RFC_SECRET), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        let svg = qr_svg(&uri).expect("fits a QR code");
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(
            !svg.contains("ada@"),
            "the SVG draws modules, it does not carry the text"
        );
    }
}
