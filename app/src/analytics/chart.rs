//! Builds a panel's chart with charming, on both sides: the server renders its container and
//! data table, the browser hands the same `Chart` to ECharts.

use super::types::{ANALYSED_STAT, Panel, Stat};
use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::element::{AreaStyle, AxisType, Color, ItemStyle, LineStyle, LineStyleType, Symbol, Tooltip, Trigger};
use charming::series::{Line, Scatter};

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
pub fn build(panel: &Panel, stats: &[Stat]) -> Chart {
    let mut chart = Chart::new()
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().top(0))
        .grid(Grid::new().left(56).right(24).top(40).bottom(32))
        .x_axis(Axis::new().type_(AxisType::Time))
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(panel.metric.unit.clone())
                .scale(true),
        );
    for stat in stats {
        let data: Vec<Vec<Option<f64>>> = panel
            .points
            .iter()
            .map(|p| vec![Some(ms(p.t)), stat.of(p, panel.bucket)])
            .collect();
        chart = chart.series(
            Line::new()
                .name(stat.label())
                .show_symbol(panel.points.len() < 2)
                .item_style(ItemStyle::new().color(Color::from(colour(*stat))))
                .line_style(LineStyle::new().width(1.5))
                .data(data),
        );
    }
    if !stats.contains(&ANALYSED_STAT) {
        return chart;
    }
    if let Some(trend) = &panel.trend {
        chart = chart.series(
            Line::new()
                .name(crate::i18n::t("analytics-trend"))
                .show_symbol(false)
                .item_style(ItemStyle::new().color(Color::from(FORECAST)))
                .line_style(LineStyle::new().type_(LineStyleType::Dotted).width(1.0))
                .data(vec![
                    vec![ms(trend.start.0), trend.start.1],
                    vec![ms(trend.end.0), trend.end.1],
                ]),
        );
    }
    if !panel.forecast.is_empty() {
        let forecast = crate::i18n::t("analytics-forecast");
        let band = crate::i18n::t("analytics-forecast-band");
        let lower: Vec<Vec<f64>> = panel.forecast.iter().map(|p| vec![ms(p.t), p.lower]).collect();
        let width: Vec<Vec<f64>> = panel
            .forecast
            .iter()
            .map(|p| vec![ms(p.t), p.upper - p.lower])
            .collect();
        let value: Vec<Vec<f64>> = panel.forecast.iter().map(|p| vec![ms(p.t), p.value]).collect();
        // The band is two stacked series: an invisible lower bound, then the width filled.
        chart = chart
            .series(
                Line::new()
                    .name(band.clone())
                    .stack("forecast-band")
                    .symbol(Symbol::None)
                    .line_style(LineStyle::new().opacity(0.0))
                    .data(lower),
            )
            .series(
                Line::new()
                    .name(band)
                    .stack("forecast-band")
                    .symbol(Symbol::None)
                    .line_style(LineStyle::new().opacity(0.0))
                    .area_style(AreaStyle::new().color(Color::from(FORECAST)).opacity(0.18))
                    .data(width),
            )
            .series(
                Line::new()
                    .name(forecast)
                    .show_symbol(false)
                    .item_style(ItemStyle::new().color(Color::from(FORECAST)))
                    .line_style(LineStyle::new().type_(LineStyleType::Dashed).width(1.5))
                    .data(value),
            );
    }
    if !panel.anomalies.is_empty() {
        let points: Vec<Vec<f64>> = panel.anomalies.iter().map(|a| vec![ms(a.t), a.value]).collect();
        chart = chart.series(
            Scatter::new()
                .name(crate::i18n::t("analytics-anomalies"))
                .symbol_size(12)
                .item_style(ItemStyle::new().color(Color::from(ANOMALY)))
                .data(points),
        );
    }
    chart
}
