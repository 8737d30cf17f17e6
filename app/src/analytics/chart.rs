//! Builds a panel's chart option on both sides: the server renders its container and data table,
//! the browser hands the same option to ECharts.

use super::types::{ANALYSED_STAT, ForecastPoint, Panel, Stat};
use crate::components::chart_option::{AreaStyle, ChartOption, Dash, LineStyle, Point, Series};

/// One colour per statistic, in `Stat::ALL` order; readable on light and dark backgrounds.
const PALETTE: [&str; 8] = [
    "#2563eb", "#0891b2", "#7c3aed", "#16a34a", "#d97706", "#dc2626", "#475569", "#db2777",
];
const FORECAST: &str = "#64748b";
const ANOMALY: &str = "#e11d48";

fn colour(stat: Stat) -> &'static str {
    let index = Stat::ALL.iter().position(|s| *s == stat).unwrap_or(0);
    PALETTE[index % PALETTE.len()]
}

fn ms(t: chrono::DateTime<chrono::Utc>) -> f64 {
    t.timestamp_millis() as f64
}

/// The chart for `panel` with one line per chosen statistic, the trend and forecast (of
/// `ANALYSED_STAT`, when shown), and anomalies as red markers.
pub fn build(panel: &Panel, stats: &[Stat]) -> ChartOption {
    let mut series = Vec::new();
    for stat in stats {
        let data: Vec<Point> = panel
            .points
            .iter()
            .map(|p| [Some(ms(p.t)), stat.of(p, panel.bucket)])
            .collect();
        series.push(Series::line(
            stat.label(),
            Some(colour(*stat)),
            LineStyle::new(1.5, Dash::Solid),
            data,
        ));
    }
    if stats.contains(&ANALYSED_STAT) {
        analysis(panel, &mut series);
    }
    ChartOption::over_time(panel.metric.unit.clone(), series)
}

/// The trend line, the forecast with its band, and the anomalies.
fn analysis(panel: &Panel, series: &mut Vec<Series>) {
    if let Some(trend) = &panel.trend {
        let data = vec![
            [Some(ms(trend.start.0)), Some(trend.start.1)],
            [Some(ms(trend.end.0)), Some(trend.end.1)],
        ];
        series.push(Series::line(
            crate::i18n::t("analytics-trend"),
            Some(FORECAST),
            LineStyle::new(1.0, Dash::Dotted),
            data,
        ));
    }
    if !panel.forecast.is_empty() {
        let band = crate::i18n::t("analytics-forecast-band");
        let points = |f: fn(&ForecastPoint) -> f64| -> Vec<Point> {
            panel.forecast.iter().map(|p| [Some(ms(p.t)), Some(f(p))]).collect()
        };
        // The band is two stacked layers: an invisible lower bound, then the width filled.
        let lower = Series::band_layer(band.clone(), "forecast-band", None, points(|p| p.lower));
        let fill = AreaStyle {
            color: FORECAST,
            opacity: 0.18,
        };
        let width = Series::band_layer(band, "forecast-band", Some(fill), points(|p| p.upper - p.lower));
        let value = Series::line(
            crate::i18n::t("analytics-forecast"),
            Some(FORECAST),
            LineStyle::new(1.5, Dash::Dashed),
            points(|p| p.value),
        );
        series.extend([lower, width, value]);
    }
    if !panel.anomalies.is_empty() {
        let points: Vec<Point> = panel.anomalies.iter().map(|a| [Some(ms(a.t)), Some(a.value)]).collect();
        series.push(Series::markers(
            crate::i18n::t("analytics-anomalies"),
            ANOMALY,
            12,
            points,
        ));
    }
}
