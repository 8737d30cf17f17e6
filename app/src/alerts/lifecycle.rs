//! The alert state machine, free of I/O so every transition is tested table-driven: given an
//! alert's state (or none) and what the evaluator observed, what happens next.

use super::types::{AlertState, NoDataPolicy};
use chrono::{DateTime, Duration, Utc};

/// What one evaluation of one label set found.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The condition holds (value, or the anomaly score's value).
    Breach(f64),
    /// The condition does not hold.
    Clear(Option<f64>),
    /// The window held no points.
    NoData,
    /// The rule could not be evaluated.
    Error(String),
}

impl Observation {
    /// Applies the rule's no-data policy: an empty window can mean breach or all clear.
    pub fn under(self, policy: NoDataPolicy) -> Self {
        match (self, policy) {
            (Self::NoData, NoDataPolicy::Alerting) => Self::Breach(f64::NAN),
            (Self::NoData, NoDataPolicy::Ok) => Self::Clear(None),
            (other, _) => other,
        }
    }
    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Breach(value) if value.is_finite() => Some(*value),
            Self::Clear(value) => *value,
            _ => None,
        }
    }
}

/// An open alert as the evaluator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Current {
    pub state: AlertState,
    /// When the alert entered its current condition (pending since, for the pending period).
    pub started_at: DateTime<Utc>,
}

/// What the evaluator must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Nothing to record (no alert, or the alert stays as it is; its value is refreshed).
    Stay,
    /// Open a new alert in this state.
    Open(AlertState),
    /// Move the open alert to this state.
    Move(AlertState),
}

/// Which notification a state change sends, if any.
pub fn event_type(from: Option<AlertState>, to: AlertState) -> Option<&'static str> {
    use AlertState::*;
    match (from, to) {
        (_, Firing) => Some("alert.firing"),
        (_, NoData) => Some("alert.no_data"),
        (_, Error) => Some("alert.error"),
        (_, Acknowledged) => Some("alert.acknowledged"),
        // A pending alert that clears was never announced, so its end is not either.
        (Some(Pending) | None, Resolved) => None,
        (Some(_), Resolved) => Some("alert.resolved"),
        (_, Pending) => None,
    }
}

/// The evaluator's transition: from the alert's current state (or none open), the observation,
/// the rule's pending period and the evaluation time.
pub fn next(current: Option<Current>, observation: &Observation, pending: Duration, now: DateTime<Utc>) -> Step {
    use AlertState::*;
    let breach_start = if pending <= Duration::zero() { Firing } else { Pending };
    match (current.map(|c| (c.state, c.started_at)), observation) {
        (None, Observation::Breach(_)) => Step::Open(breach_start),
        (None, Observation::Clear(_)) => Step::Stay,
        (None, Observation::NoData) => Step::Open(NoData),
        (None, Observation::Error(_)) => Step::Open(Error),

        (Some((Pending, since)), Observation::Breach(_)) if now - since >= pending => Step::Move(Firing),
        (Some((Pending, _)), Observation::Breach(_)) => Step::Stay,
        (Some((Firing | Acknowledged, _)), Observation::Breach(_)) => Step::Stay,
        // Back from no data or an error: the condition has to hold for the pending period again.
        (Some((NoData | Error, _)), Observation::Breach(_)) => Step::Move(breach_start),

        (Some((Resolved, _)), _) => Step::Stay,
        (Some(_), Observation::Clear(_)) => Step::Move(Resolved),

        // Someone acknowledged it: an empty window does not take it away from them.
        (Some((Acknowledged, _)), Observation::NoData) => Step::Stay,
        (Some((NoData, _)), Observation::NoData) => Step::Stay,
        (Some(_), Observation::NoData) => Step::Move(NoData),

        (Some((Error, _)), Observation::Error(_)) => Step::Stay,
        (Some(_), Observation::Error(_)) => Step::Move(Error),
    }
}

/// What a person may do to an alert in `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manual {
    Acknowledge,
    Resolve,
}

/// The state a manual action leads to, or `None` when it does not apply.
pub fn manual(state: AlertState, action: Manual) -> Option<AlertState> {
    use AlertState::*;
    match (state, action) {
        (Firing | NoData | Error, Manual::Acknowledge) => Some(Acknowledged),
        (Resolved, Manual::Resolve) => None,
        (_, Manual::Resolve) => Some(Resolved),
        (_, Manual::Acknowledge) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AlertState::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).expect("valid time")
    }

    #[test]
    fn transitions_table() {
        let breach = Observation::Breach(9.0);
        let clear = Observation::Clear(Some(1.0));
        let no_data = Observation::NoData;
        let error = Observation::Error("boom".into());
        let five = Duration::minutes(5);
        let zero = Duration::zero();
        let open = |state, since| {
            Some(Current {
                state,
                started_at: at(since),
            })
        };
        // (current, observation, pending period, now, expected)
        let table: Vec<(Option<Current>, &Observation, Duration, i64, Step)> = vec![
            (None, &breach, five, 0, Step::Open(Pending)),
            (None, &breach, zero, 0, Step::Open(Firing)),
            (None, &clear, five, 0, Step::Stay),
            (None, &no_data, five, 0, Step::Open(NoData)),
            (None, &error, five, 0, Step::Open(Error)),
            (open(Pending, 0), &breach, five, 4, Step::Stay),
            (open(Pending, 0), &breach, five, 5, Step::Move(Firing)),
            (open(Pending, 0), &clear, five, 3, Step::Move(Resolved)),
            (open(Pending, 0), &no_data, five, 3, Step::Move(NoData)),
            (open(Pending, 0), &error, five, 3, Step::Move(Error)),
            (open(Firing, 0), &breach, five, 30, Step::Stay),
            (open(Firing, 0), &clear, five, 30, Step::Move(Resolved)),
            (open(Firing, 0), &no_data, five, 30, Step::Move(NoData)),
            (open(Firing, 0), &error, five, 30, Step::Move(Error)),
            (open(Acknowledged, 0), &breach, five, 30, Step::Stay),
            (open(Acknowledged, 0), &clear, five, 30, Step::Move(Resolved)),
            (open(Acknowledged, 0), &no_data, five, 30, Step::Stay),
            (open(Acknowledged, 0), &error, five, 30, Step::Move(Error)),
            (open(NoData, 0), &breach, five, 30, Step::Move(Pending)),
            (open(NoData, 0), &breach, zero, 30, Step::Move(Firing)),
            (open(NoData, 0), &clear, five, 30, Step::Move(Resolved)),
            (open(NoData, 0), &no_data, five, 30, Step::Stay),
            (open(Error, 0), &breach, five, 30, Step::Move(Pending)),
            (open(Error, 0), &clear, five, 30, Step::Move(Resolved)),
            (open(Error, 0), &error, five, 30, Step::Stay),
            (open(Error, 0), &no_data, five, 30, Step::Move(NoData)),
            (open(Resolved, 0), &breach, five, 30, Step::Stay),
        ];
        for (index, (current, observation, pending, now, expected)) in table.into_iter().enumerate() {
            assert_eq!(
                next(current, observation, pending, at(now)),
                expected,
                "row {index}: {current:?} + {observation:?}"
            );
        }
    }

    #[test]
    fn no_data_policy_maps_empty_windows() {
        assert_eq!(Observation::NoData.under(NoDataPolicy::NoData), Observation::NoData);
        assert_eq!(Observation::NoData.under(NoDataPolicy::Ok), Observation::Clear(None));
        assert!(matches!(Observation::NoData.under(NoDataPolicy::Alerting), Observation::Breach(v) if v.is_nan()));
        assert_eq!(
            Observation::Breach(2.0).under(NoDataPolicy::Ok),
            Observation::Breach(2.0)
        );
    }

    #[test]
    fn manual_actions() {
        assert_eq!(manual(Firing, Manual::Acknowledge), Some(Acknowledged));
        assert_eq!(manual(NoData, Manual::Acknowledge), Some(Acknowledged));
        assert_eq!(manual(Pending, Manual::Acknowledge), None);
        assert_eq!(manual(Acknowledged, Manual::Acknowledge), None);
        assert_eq!(manual(Resolved, Manual::Acknowledge), None);
        for state in [Pending, Firing, Acknowledged, NoData, Error] {
            assert_eq!(manual(state, Manual::Resolve), Some(Resolved), "{state:?}");
        }
        assert_eq!(manual(Resolved, Manual::Resolve), None);
    }

    #[test]
    fn notifications_follow_announced_states() {
        assert_eq!(event_type(None, Pending), None);
        assert_eq!(event_type(Some(Pending), Firing), Some("alert.firing"));
        assert_eq!(event_type(Some(Pending), Resolved), None);
        assert_eq!(event_type(Some(Firing), Resolved), Some("alert.resolved"));
        assert_eq!(event_type(Some(Acknowledged), Resolved), Some("alert.resolved"));
        assert_eq!(event_type(Some(Firing), Acknowledged), Some("alert.acknowledged"));
        assert_eq!(event_type(None, NoData), Some("alert.no_data"));
    }
}
