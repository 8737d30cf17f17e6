//! The input model shared by every analysis: timestamped samples, any of which may be missing.

/// One bucket of a series: `(t, value)`, `t` in seconds since the Unix epoch, `None` for a gap.
///
/// A NaN or infinite `t` or value is treated exactly like a gap.
pub type Sample = (f64, Option<f64>);

/// The samples that carry a usable value, as `(index in the input, t, value)`, in input order.
pub(crate) fn observed(samples: &[Sample]) -> impl Iterator<Item = (usize, f64, f64)> + '_ {
    samples
        .iter()
        .enumerate()
        .filter_map(|(index, &(t, value))| match value {
            Some(value) if t.is_finite() && value.is_finite() => Some((index, t, value)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_nan_and_infinities_are_not_observed() {
        let samples = [
            (0.0, Some(1.0)),
            (1.0, None),
            (2.0, Some(f64::NAN)),
            (3.0, Some(f64::INFINITY)),
            (f64::NAN, Some(4.0)),
            (f64::NEG_INFINITY, Some(5.0)),
            (6.0, Some(6.0)),
        ];
        let seen: Vec<_> = observed(&samples).collect();
        assert_eq!(seen, vec![(0, 0.0, 1.0), (6, 6.0, 6.0)]);
    }
}
