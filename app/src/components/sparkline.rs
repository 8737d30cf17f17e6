//! A sparkline: a tiny server-rendered SVG line of recent values, readable without scripts.

use leptos::prelude::*;

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

/// The polyline's points for `values` scaled into the box (flat in the middle when all equal).
pub fn points(values: &[i64]) -> String {
    if values.is_empty() {
        return String::new();
    }
    let max = values.iter().copied().max().unwrap_or(0) as f64;
    let min = values.iter().copied().min().unwrap_or(0) as f64;
    let span = (max - min).max(1.0);
    let step = if values.len() > 1 {
        WIDTH / (values.len() - 1) as f64
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = if max == min {
                HEIGHT / 2.0
            } else {
                HEIGHT - 2.0 - (*v as f64 - min) / span * (HEIGHT - 4.0)
            };
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn Sparkline(values: Vec<i64>, label: String) -> impl IntoView {
    let line = points(&values);
    view! {
        <svg class="sparkline" role="img" aria-label=label viewBox=format!("0 0 {WIDTH} {HEIGHT}") width=WIDTH height=HEIGHT>
            <polyline points=line fill="none" stroke="currentColor" stroke-width="1.5" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scales_into_the_box() {
        assert_eq!(super::points(&[0, 10]), "0.0,26.0 120.0,2.0");
        assert_eq!(super::points(&[5, 5, 5]), "0.0,14.0 60.0,14.0 120.0,14.0");
        assert_eq!(super::points(&[]), "");
    }
}
