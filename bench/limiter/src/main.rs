//! How long one rate-limit check takes, with the limiter Atrium builds (`atrium_app::limits`):
//! a keyed GCRA limiter from governor with dashmap state and the quanta clock, keyed by client
//! address. Three cases: one hot address (every check hits the same cell), 100,000 addresses in
//! turn (the map is large and cache-cold), and the same from 4 threads at once (contention on
//! the sharded map). Prints nanoseconds per check; run with
//! `cargo run --release -p atrium-bench-limiter`.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

/// The product's per-address default: 600 a minute, bursts of 120.
fn limiter() -> DefaultKeyedRateLimiter<IpAddr> {
    let quota = Quota::with_period(Duration::from_millis(100))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(120).unwrap_or(NonZeroU32::MIN));
    RateLimiter::keyed(quota)
}

fn address(n: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n))
}

/// Nanoseconds per check over `checks` checks of `keys` addresses in turn.
fn run(limiter: &DefaultKeyedRateLimiter<IpAddr>, keys: u32, checks: u32) -> f64 {
    let started = Instant::now();
    for i in 0..checks {
        // Refused or not, a check costs the same work: both outcomes count.
        let _ = black_box(limiter.check_key(&address(i % keys)));
    }
    started.elapsed().as_nanos() as f64 / f64::from(checks)
}

fn main() {
    const CHECKS: u32 = 2_000_000;
    let hot = limiter();
    run(&hot, 1, 100_000);
    println!("one hot address:            {:>7.1} ns/check", run(&hot, 1, CHECKS));
    let many = limiter();
    run(&many, 100_000, 100_000);
    println!(
        "100,000 addresses in turn:  {:>7.1} ns/check",
        run(&many, 100_000, CHECKS)
    );
    println!("  (state for {} addresses)", many.len());
    let shared = std::sync::Arc::new(limiter());
    let threads = 4;
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let shared = shared.clone();
            std::thread::spawn(move || {
                for i in 0..CHECKS / threads {
                    let _ = black_box(shared.check_key(&address((i * threads + t) % 100_000)));
                }
            })
        })
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    let per_check = started.elapsed().as_nanos() as f64 / f64::from(CHECKS);
    println!("4 threads, 100,000 addresses: {per_check:>5.1} ns/check (wall time / checks)");
    let started = Instant::now();
    shared.retain_recent();
    shared.shrink_to_fit();
    println!(
        "retain_recent + shrink_to_fit over {} addresses: {:.1} ms",
        100_000,
        started.elapsed().as_secs_f64() * 1000.0
    );
}
