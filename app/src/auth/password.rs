//! Password hashing with argon2id. Each hash takes ~19 MiB and tens to hundreds of milliseconds
//! of one core, so hashing runs on the blocking pool, at most `concurrency` at a time (a sign-in
//! burst otherwise ran fifty at once), in buffers that are reused instead of allocated per hash
//! (freed 19 MiB blocks stayed in glibc's per-thread arenas: RSS grew past 1 GB). Callers that
//! would wait longer than `max_wait`, or find `queue` others already waiting, get `RateLimited`.

use crate::error::AppError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How much hashing may run and wait at once (`ATRIUM_PASSWORD_HASH_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingLimits {
    /// Hashes running at once: each holds a core and a ~19 MiB buffer.
    pub concurrency: usize,
    /// Callers waiting for a turn beyond which the next is refused at once.
    pub queue: usize,
    /// The longest a caller waits for a turn before it is refused.
    pub max_wait: Duration,
}

impl Default for HashingLimits {
    /// One hash per core, 64 waiting, 10 seconds.
    fn default() -> Self {
        Self {
            concurrency: std::thread::available_parallelism().map_or(1, usize::from),
            queue: 64,
            max_wait: Duration::from_secs(10),
        }
    }
}

/// What a refused caller is told to wait before trying again.
const RETRY_AFTER_SECS: u64 = 1;

/// Runs argon2 work within `HashingLimits`, in reused memory.
pub struct Hasher {
    limits: HashingLimits,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    running: Arc<AtomicUsize>,
    /// Argon2 memory of finished hashes, at most one per permit, handed to the next hash.
    buffers: Arc<Mutex<Vec<Vec<Block>>>>,
}

/// Counts a caller as waiting until it has its turn or gives up (also when its request is
/// cancelled meanwhile).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    pub fn new(limits: HashingLimits) -> Self {
        let limits = HashingLimits {
            concurrency: limits.concurrency.max(1),
            ..limits
        };
        Self {
            limits,
            permits: Arc::new(Semaphore::new(limits.concurrency)),
            waiting: AtomicUsize::new(0),
            running: Arc::new(AtomicUsize::new(0)),
            buffers: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn limits(&self) -> HashingLimits {
        self.limits
    }

    /// Hashes running right now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Argon2 buffers kept for reuse (each ~19 MiB with the default parameters).
    pub fn kept_buffers(&self) -> usize {
        self.buffers.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Runs `work` on the blocking pool once a permit is free, with a reused argon2 buffer.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let refused = AppError::RateLimited {
            retry_after: RETRY_AFTER_SECS,
        };
        let permit = {
            if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.limits.queue {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                tracing::warn!(queue = self.limits.queue, "password hashing queue full");
                return Err(refused);
            }
            let _waiting = Waiting(&self.waiting);
            match tokio::time::timeout(self.limits.max_wait, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_closed)) => return Err(AppError::Internal),
                Err(_elapsed) => {
                    tracing::warn!(wait = ?self.limits.max_wait, "password hashing waited too long");
                    return Err(refused);
                }
            }
        };
        let running = self.running.clone();
        let buffers = self.buffers.clone();
        // The permit moves into the blocking task: it is held while the hash really runs, also
        // when the caller stops waiting for the result.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            running.fetch_add(1, Ordering::SeqCst);
            let mut buffer = buffers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop()
                .unwrap_or_default();
            let result = work(&mut buffer);
            // A buffer grown for unusual parameters is not kept.
            if buffer.len() <= default_block_count() {
                buffers.lock().unwrap_or_else(PoisonError::into_inner).push(buffer);
            }
            running.fetch_sub(1, Ordering::SeqCst);
            result
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "hashing task failed");
            AppError::Internal
        })
    }

    /// Hashes a password (argon2id, default parameters, random salt) as a PHC string.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |buffer| hash_with(buffer, &password))
            .await?
            .map_err(|error| {
                tracing::error!(%error, "hashing failed");
                AppError::Internal
            })
    }

    /// Verifies a password against a stored hash; `None` verifies against a dummy hash (the same
    /// work) and fails.
    pub async fn verify(&self, hash: Option<String>, password: String) -> Result<bool, AppError> {
        self.run(move |buffer| match hash {
            Some(hash) => verify_with(buffer, &hash, &password),
            None => {
                let _ = verify_with(buffer, &DUMMY_HASH, &password);
                false
            }
        })
        .await
    }
}

fn default_block_count() -> usize {
    Params::default().block_count()
}

/// A hash of a random password, verified against when no account matches (or the account is
/// locked), so such a sign-in takes as long as one for a known email.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_with(&mut Vec::new(), &generate_password()).unwrap_or_default());

/// argon2id with the default parameters into `buffer` (grown to size on first use), formatted as
/// `Argon2::hash_password` does, so stored hashes verify either way.
fn hash_with(buffer: &mut Vec<Block>, password: &str) -> Result<String, argon2::password_hash::Error> {
    let params = Params::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.as_salt().decode_b64(&mut salt_bytes)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    grow(buffer, params.block_count());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()).hash_password_into_with_memory(
        password.as_bytes(),
        salt_raw,
        &mut out,
        buffer.as_mut_slice(),
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the PHC string `hash` (any argon2 variant and parameters it
/// names), computed in `buffer` and compared in constant time.
fn verify_with(buffer: &mut Vec<Block>, hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let algorithm = Algorithm::try_from(parsed.algorithm);
    let version = parsed.version.map_or(Ok(Version::V0x13), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&parsed)) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    grow(buffer, params.block_count());
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt_raw,
        &mut out,
        buffer.as_mut_slice(),
    );
    // `Output`'s equality is constant-time.
    computed.is_ok() && Output::new(&out).is_ok_and(|out| out == expected)
}

fn grow(buffer: &mut Vec<Block>, blocks: usize) {
    if buffer.len() < blocks {
        buffer.resize(blocks, Block::default());
    }
}

static HASHER: OnceLock<Hasher> = OnceLock::new();

/// Sets the process-wide limits (server start-up, before the first hash). Returns false when
/// hashing had already started with other limits, which then stay.
pub fn configure(limits: HashingLimits) -> bool {
    HASHER.get_or_init(|| Hasher::new(limits)).limits()
        == HashingLimits {
            concurrency: limits.concurrency.max(1),
            ..limits
        }
}

/// The process-wide hasher (default limits unless `configure`d first).
pub fn hasher() -> &'static Hasher {
    HASHER.get_or_init(|| Hasher::new(HashingLimits::default()))
}

/// Hashes a password with the process-wide hasher.
pub async fn hash(password: String) -> Result<String, AppError> {
    hasher().hash(password).await
}

/// Verifies a password with the process-wide hasher; `None` does the same work and fails.
pub async fn verify(hash: Option<String>, password: String) -> Result<bool, AppError> {
    hasher().verify(hash, password).await
}

/// The 10,000 most common passwords (zxcvbn's frequency list, see the file's header), lowercase.
static COMMON: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect()
});

/// Whether a password is one of the most common (compared lowercased, as the list is): the
/// first guesses of any attack, refused whatever their length.
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

/// A password a person chose: the length rules of [`NewPassword`] and not a common one.
pub fn chosen(raw: &str) -> Result<crate::validation::NewPassword, String> {
    let password = crate::validation::NewPassword::parse(raw)?;
    if is_common(raw) {
        return Err(crate::i18n::t("valid-password-common"));
    }
    Ok(password)
}

/// A random password for "generate one for me": 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Hashing before the runtime serves requests makes the first failed sign-in as slow as the rest.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
    LazyLock::force(&COMMON);
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn common_passwords_are_refused_however_cased() {
        assert_eq!(COMMON.len(), 10_000);
        for common in ["qwertyuiop", "1234567890", "Password123", "MANCHESTER"] {
            assert!(is_common(common), "{common}");
        }
        assert!(chosen("Password123").is_err());
        assert!(chosen("short").is_err(), "the length rule still applies");
        assert!(chosen("correct horse battery staple").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_reject() {
        let hash = hash("correct horse battery".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert_eq!(
            verify(Some(hash.clone()), "correct horse battery".into()).await,
            Ok(true)
        );
        assert_eq!(verify(Some(hash), "wrong".into()).await, Ok(false));
        assert_eq!(verify(None, "anything".into()).await, Ok(false));
        assert_eq!(verify(Some("not a hash".into()), "anything".into()).await, Ok(false));
    }

    #[test]
    fn hashes_are_those_of_the_argon2_crate() {
        let mut buffer = Vec::new();
        // A hash stored by the previous code (argon2's own hasher) verifies in a reused buffer…
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"pw", &salt).expect("hash").to_string();
        assert!(verify_with(&mut buffer, &theirs, "pw"));
        assert!(!verify_with(&mut buffer, &theirs, "pw2"));
        // …and ours verifies with argon2's own verifier.
        let ours = hash_with(&mut buffer, "pw").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(Argon2::default().verify_password(b"pw", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"px", &parsed).is_err());
        assert_eq!(buffer.len(), default_block_count(), "one buffer, reused");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_concurrency_hashes_run_at_once_in_reused_buffers() {
        let hasher = Arc::new(Hasher::new(HashingLimits {
            concurrency: 2,
            queue: 64,
            max_wait: Duration::from_secs(60),
        }));
        let hash = hasher.hash("pw".into()).await.expect("hash");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let hasher = hasher.clone();
                let hash = hash.clone();
                tokio::spawn(async move { hasher.verify(Some(hash), "pw".into()).await })
            })
            .collect();
        let mut peak = 0;
        while !tasks.iter().all(tokio::task::JoinHandle::is_finished) {
            peak = peak.max(hasher.running());
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), Ok(true));
        }
        assert!(peak >= 1, "hashes were seen running");
        assert!(peak <= 2, "{peak} hashes ran at once");
        assert!(hasher.kept_buffers() <= 2, "{} buffers kept", hasher.kept_buffers());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_beyond_the_queue_or_the_wait_are_refused() {
        let hasher = Arc::new(Hasher::new(HashingLimits {
            concurrency: 1,
            queue: 2,
            max_wait: Duration::from_millis(1),
        }));
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify(None, "pw".into()).await })
            })
            .collect();
        let mut refused = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(false) => {}
                Err(AppError::RateLimited { retry_after }) => {
                    assert_eq!(retry_after, RETRY_AFTER_SECS);
                    refused += 1;
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(
            refused >= 4,
            "only {refused} of 6 refused with one permit and a 1 ms wait"
        );
        // Once the burst is over, hashing works again.
        assert_eq!(hasher.verify(None, "pw".into()).await, Ok(false));
    }

    #[test]
    fn generated_passwords_differ() {
        assert_ne!(generate_password(), generate_password());
        assert_eq!(generate_password().len(), 20);
    }
}
