//! USM's keys and its two cryptographic transforms: authentication (HMAC, truncated as RFC 3414
//! and RFC 7860 ask) and privacy (AES-128 in CFB mode, RFC 3826). Built on the RustCrypto crates
//! (`hmac`, `md-5`, `sha1`, `sha2`, `aes`, `cfb-mode`): audited, constant-time where it matters,
//! and free of C. DES (RFC 3414's privacy protocol) is not offered: it is broken, and the
//! configuration refuses it by name.

use aes::Aes128;
use cfb_mode::cipher::{AsyncStreamCipher, KeyIvInit};
use hmac::{Hmac, Mac};
use sha2::Digest;

/// The authentication protocols, named as net-snmp's `-a` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthProtocol {
    /// usmHMACMD5AuthProtocol (RFC 3414): HMAC-MD5-96.
    Md5,
    /// usmHMACSHAAuthProtocol (RFC 3414): HMAC-SHA-96.
    Sha1,
    /// usmHMAC128SHA224AuthProtocol (RFC 7860).
    Sha224,
    /// usmHMAC192SHA256AuthProtocol (RFC 7860).
    Sha256,
    /// usmHMAC256SHA384AuthProtocol (RFC 7860).
    Sha384,
    /// usmHMAC384SHA512AuthProtocol (RFC 7860).
    Sha512,
}

/// Runs `$body` with `$h` the hash type of protocol `$p`.
macro_rules! with_hash {
    ($p:expr, $h:ident => $body:expr) => {
        match $p {
            AuthProtocol::Md5 => {
                type $h = md5::Md5;
                $body
            }
            AuthProtocol::Sha1 => {
                type $h = sha1::Sha1;
                $body
            }
            AuthProtocol::Sha224 => {
                type $h = sha2::Sha224;
                $body
            }
            AuthProtocol::Sha256 => {
                type $h = sha2::Sha256;
                $body
            }
            AuthProtocol::Sha384 => {
                type $h = sha2::Sha384;
                $body
            }
            AuthProtocol::Sha512 => {
                type $h = sha2::Sha512;
                $body
            }
        }
    };
}

/// How many octets of password RFC 3414's password-to-key algorithm hashes (A.2).
const PASSWORD_STRETCH: usize = 1 << 20;

impl AuthProtocol {
    pub const ALL: [AuthProtocol; 6] = [
        AuthProtocol::Md5,
        AuthProtocol::Sha1,
        AuthProtocol::Sha224,
        AuthProtocol::Sha256,
        AuthProtocol::Sha384,
        AuthProtocol::Sha512,
    ];

    /// The protocol of a configuration's or a command line's name (`MD5`, `SHA`, `SHA-256`, ...;
    /// any case, `SHA1` and `SHA256` too).
    pub fn from_name(name: &str) -> Option<AuthProtocol> {
        let upper = name.to_ascii_uppercase().replace('-', "");
        Some(match upper.as_str() {
            "MD5" => AuthProtocol::Md5,
            "SHA" | "SHA1" => AuthProtocol::Sha1,
            "SHA224" => AuthProtocol::Sha224,
            "SHA256" => AuthProtocol::Sha256,
            "SHA384" => AuthProtocol::Sha384,
            "SHA512" => AuthProtocol::Sha512,
            _ => return None,
        })
    }

    /// The name net-snmp's tools take.
    pub fn name(self) -> &'static str {
        match self {
            AuthProtocol::Md5 => "MD5",
            AuthProtocol::Sha1 => "SHA",
            AuthProtocol::Sha224 => "SHA-224",
            AuthProtocol::Sha256 => "SHA-256",
            AuthProtocol::Sha384 => "SHA-384",
            AuthProtocol::Sha512 => "SHA-512",
        }
    }

    /// The protocol's registration (usmUserAuthProtocol): snmpAuthProtocols.N.
    pub fn oid(self) -> [u32; 10] {
        let n = match self {
            AuthProtocol::Md5 => 2,
            AuthProtocol::Sha1 => 3,
            AuthProtocol::Sha224 => 4,
            AuthProtocol::Sha256 => 5,
            AuthProtocol::Sha384 => 6,
            AuthProtocol::Sha512 => 7,
        };
        [1, 3, 6, 1, 6, 3, 10, 1, 1, n]
    }

    /// Octets of msgAuthenticationParameters: the HMAC truncated (RFC 3414: 12; RFC 7860: 16,
    /// 24, 32, 48).
    pub fn mac_len(self) -> usize {
        match self {
            AuthProtocol::Md5 | AuthProtocol::Sha1 => 12,
            AuthProtocol::Sha224 => 16,
            AuthProtocol::Sha256 => 24,
            AuthProtocol::Sha384 => 32,
            AuthProtocol::Sha512 => 48,
        }
    }

    /// The user's key from a password (RFC 3414 A.2): the hash of the password repeated to
    /// 1,048,576 octets. Slow on purpose; done once per user at start.
    pub fn password_to_key(self, password: &[u8]) -> Vec<u8> {
        if password.is_empty() {
            return Vec::new();
        }
        with_hash!(self, H => {
            let mut hasher = H::new();
            let mut chunk = [0u8; 64];
            let mut at = 0usize;
            for _ in 0..PASSWORD_STRETCH / chunk.len() {
                for octet in chunk.iter_mut() {
                    *octet = password[at % password.len()];
                    at += 1;
                }
                hasher.update(chunk);
            }
            hasher.finalize().to_vec()
        })
    }

    /// The key localized to an engine (RFC 3414 A.2): H(Ku | engineID | Ku).
    pub fn localize(self, key: &[u8], engine_id: &[u8]) -> Vec<u8> {
        with_hash!(self, H => {
            let mut hasher = H::new();
            hasher.update(key);
            hasher.update(engine_id);
            hasher.update(key);
            hasher.finalize().to_vec()
        })
    }

    /// msgAuthenticationParameters for `message` (its own authentication parameters zeroed):
    /// the HMAC under the localized key, truncated to [`AuthProtocol::mac_len`].
    pub fn mac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut full = with_hash!(self, H => {
            // HMAC takes a key of any length.
            let Ok(mut mac) = <Hmac<H> as Mac>::new_from_slice(key) else { return Vec::new() };
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        });
        full.truncate(self.mac_len());
        full
    }

    /// Whether `received` is the right authentication parameters for `message`, compared in
    /// constant time.
    pub fn verify(self, key: &[u8], message: &[u8], received: &[u8]) -> bool {
        let want = self.mac(key, message);
        want.len() == received.len() && want.iter().zip(received).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// The privacy protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrivProtocol {
    /// usmAesCfb128Protocol (RFC 3826).
    Aes128,
}

impl PrivProtocol {
    /// The protocol of a name (`AES`, `AES-128`, `AES128`); DES is refused by the caller.
    pub fn from_name(name: &str) -> Option<PrivProtocol> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "AES" | "AES128" => Some(PrivProtocol::Aes128),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        "AES"
    }

    /// usmUserPrivProtocol: usmAesCfb128Protocol.
    pub fn oid(self) -> [u32; 10] {
        [1, 3, 6, 1, 6, 3, 10, 1, 2, 4]
    }

    /// The cipher's 128-bit key: the first 16 octets of the localized privacy key (every
    /// authentication protocol's digest is at least that long).
    fn key(localized: &[u8]) -> Option<[u8; 16]> {
        localized.get(..16)?.try_into().ok()
    }

    /// RFC 3826 3.1.2.1: the IV is engineBoots, engineTime (four octets each, big-endian) and
    /// the 8-octet salt sent in msgPrivacyParameters.
    fn iv(boots: u32, time: u32, salt: &[u8; 8]) -> [u8; 16] {
        let mut iv = [0u8; 16];
        iv[..4].copy_from_slice(&boots.to_be_bytes());
        iv[4..8].copy_from_slice(&time.to_be_bytes());
        iv[8..].copy_from_slice(salt);
        iv
    }

    /// Encrypts a scopedPDU in place (CFB: no padding, the length is unchanged).
    pub fn encrypt(self, localized: &[u8], boots: u32, time: u32, salt: &[u8; 8], data: &mut [u8]) -> bool {
        let Some(key) = Self::key(localized) else { return false };
        let iv = Self::iv(boots, time, salt);
        cfb_mode::Encryptor::<Aes128>::new(&key.into(), &iv.into()).encrypt(data);
        true
    }

    /// Decrypts in place; false when the key or the salt cannot be used (decryptionError).
    pub fn decrypt(self, localized: &[u8], boots: u32, time: u32, salt: &[u8], data: &mut [u8]) -> bool {
        let (Some(key), Ok(salt)) = (Self::key(localized), <&[u8; 8]>::try_from(salt)) else { return false };
        let iv = Self::iv(boots, time, salt);
        cfb_mode::Decryptor::<Aes128>::new(&key.into(), &iv.into()).decrypt(data);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 3414 A.3.1 and A.3.2: "maplesyrup" for the engine 00..02.
    #[test]
    fn rfc3414_password_to_key_vectors() {
        let engine = hex("000000000000000000000002");
        let md5 = AuthProtocol::Md5.password_to_key(b"maplesyrup");
        assert_eq!(md5, hex("9f af 32 83 88 4e 92 83 4e bc 98 47 d8 ed d9 63"));
        assert_eq!(AuthProtocol::Md5.localize(&md5, &engine), hex("52 6f 5e ed 9f cc e2 6f 89 64 c2 93 07 87 d8 2b"));
        let sha = AuthProtocol::Sha1.password_to_key(b"maplesyrup");
        assert_eq!(sha, hex("9f b5 cc 03 81 49 7b 37 93 52 89 39 ff 78 8d 5d 79 14 52 11"));
        assert_eq!(
            AuthProtocol::Sha1.localize(&sha, &engine),
            hex("66 95 fe bc 92 88 e3 62 82 23 5f c7 15 1f 12 84 97 b3 8f 3f")
        );
    }

    #[test]
    fn mac_lengths_and_verification() {
        for p in AuthProtocol::ALL {
            let key = p.localize(&p.password_to_key(b"password1"), b"engine");
            let mac = p.mac(&key, b"message");
            assert_eq!(mac.len(), p.mac_len(), "{p:?}");
            assert!(p.verify(&key, b"message", &mac));
            assert!(!p.verify(&key, b"messagE", &mac));
            assert!(!p.verify(&key, b"message", &mac[1..]));
            assert_eq!(AuthProtocol::from_name(p.name()), Some(p));
        }
        assert_eq!(AuthProtocol::from_name("sha256"), Some(AuthProtocol::Sha256));
        assert_eq!(AuthProtocol::from_name("DES"), None);
    }

    #[test]
    fn aes_round_trip() {
        let key = AuthProtocol::Sha256.localize(&AuthProtocol::Sha256.password_to_key(b"privpass"), b"e");
        let mut data = b"a scoped PDU of odd length".to_vec();
        let plain = data.clone();
        assert!(PrivProtocol::Aes128.encrypt(&key, 3, 1000, &[1; 8], &mut data));
        assert_ne!(data, plain);
        assert_eq!(data.len(), plain.len(), "CFB does not pad");
        let mut wrong = data.clone();
        assert!(PrivProtocol::Aes128.decrypt(&key, 3, 1001, &[1; 8], &mut wrong));
        assert_ne!(wrong, plain, "the IV holds engineTime");
        assert!(PrivProtocol::Aes128.decrypt(&key, 3, 1000, &[1; 8], &mut data));
        assert_eq!(data, plain);
        assert!(!PrivProtocol::Aes128.decrypt(&key, 3, 1000, &[1; 7], &mut data), "the salt is 8 octets");
    }
}
