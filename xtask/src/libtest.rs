//! Reading libtest's output as it streams: pass and fail counts, failed tests' names, and why
//! each failed, so a log cut to its last lines (as CI shows it) still says what broke.

/// What the harness said, line by line.
#[derive(Default)]
pub struct Report {
    pub passed: u64,
    pub failed: u64,
    /// Failed tests in the order libtest named them, each with the first lines of its panic.
    pub failures: Vec<Failure>,
    /// The test whose captured output is being read (`---- name stdout ----` until the next
    /// header or the `failures:` list).
    reading: Option<usize>,
}

pub struct Failure {
    pub name: String,
    /// The `panicked at` line and the message under it, without backtrace frames.
    pub why: Vec<String>,
}

/// How many lines of a panic message the summary keeps.
const WHY_LINES: usize = 12;

impl Report {
    pub fn line(&mut self, line: &str) {
        if let Some(name) = failed_test_name(line) {
            self.failures.push(Failure {
                name: name.to_owned(),
                why: Vec::new(),
            });
        }
        if let Some((passed, failed)) = parse_test_result(line) {
            self.passed += passed;
            self.failed += failed;
        }
        if let Some(name) = captured_output_header(line) {
            self.reading = self.failures.iter().rposition(|failure| failure.name == name);
            return;
        }
        if line == "failures:" {
            self.reading = None;
        }
        let Some(failure) = self.reading.and_then(|i| self.failures.get_mut(i)) else {
            return;
        };
        let began = !failure.why.is_empty();
        let wanted = began || line.contains(" panicked at ");
        if wanted && failure.why.len() < WHY_LINES && !line.trim().is_empty() && !is_backtrace(line) {
            failure.why.push(line.to_owned());
        }
    }
}

/// The test's name from a libtest progress line `test some::name ... FAILED`.
fn failed_test_name(line: &str) -> Option<&str> {
    line.strip_prefix("test ")?.strip_suffix(" ... FAILED")
}

/// The test's name from the header libtest prints above a failed test's captured output.
fn captured_output_header(line: &str) -> Option<&str> {
    line.strip_prefix("---- ")?.strip_suffix(" stdout ----")
}

/// A frame of a `RUST_BACKTRACE` dump, or the advice to set it.
fn is_backtrace(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("at ")
        || trimmed == "stack backtrace:"
        || trimmed.starts_with("note: ")
        || trimmed
            .split_once(": ")
            .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
}

/// `(passed, failed)` from a libtest summary line.
fn parse_test_result(line: &str) -> Option<(u64, u64)> {
    let (_, summary) = line.split_once("test result: ")?;
    let mut passed = None;
    let mut failed = None;
    for part in summary.split(';') {
        let words: Vec<&str> = part.split_whitespace().collect();
        if let [.., count, label] = words.as_slice() {
            match *label {
                "passed" => passed = count.parse().ok(),
                "failed" => failed = count.parse().ok(),
                _ => {}
            }
        }
    }
    Some((passed?, failed?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_failed_tests() {
        assert_eq!(failed_test_name("test edge::a_case ... FAILED"), Some("edge::a_case"));
        assert_eq!(failed_test_name("test edge::a_case ... ok"), None);
        assert_eq!(failed_test_name("thread 'x' panicked"), None);
    }

    #[test]
    fn parses_libtest_summaries() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.31s"
            ),
            Some((12, 0))
        );
        assert_eq!(
            parse_test_result("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out"),
            Some((3, 2))
        );
        assert_eq!(parse_test_result("running 3 tests"), None);
    }

    #[test]
    fn keeps_why_a_test_failed_without_its_backtrace() {
        let output = "\
running 2 tests
test a::fine ... ok
test a::broken ... FAILED

failures:

---- a::broken stdout ----
  Demo data seeded.
thread 'a::broken' (23070) panicked at server/tests/a.rs:12:5:
left: 1
right: 2
stack backtrace:
   0: std::panicking::begin_panic
             at /rustc/library/std/src/panicking.rs:1:1
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.

failures:
    a::broken

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s
";
        let mut report = Report::default();
        for line in output.lines() {
            report.line(line);
        }
        assert_eq!((report.passed, report.failed), (1, 1));
        let [failure] = report.failures.as_slice() else {
            panic!("one failure expected");
        };
        assert_eq!(failure.name, "a::broken");
        assert_eq!(
            failure.why,
            [
                "thread 'a::broken' (23070) panicked at server/tests/a.rs:12:5:",
                "left: 1",
                "right: 2",
            ]
        );
    }
}
