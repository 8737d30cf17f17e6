//! The part of ECharts' option object Atrium draws with: time-series lines, stacked bands and
//! markers on a time axis, as plain serde types.
//!
//! Why not charming: its `Chart` holds every component and series kind ECharts has, so
//! serialising one compiled all of them into the browser's wasm (about 180 KB of code before
//! `wasm-opt`, in the charts and the alerting areas). These types hold only what our charts set,
//! and their field names are ECharts' own.

use serde::Serialize;

/// One chart: the `option` handed to `setOption`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartOption {
    pub animation: bool,
    /// Always transparent: the card behind the chart is the theme's surface, light or dark.
    pub background_color: &'static str,
    pub tooltip: Tooltip,
    pub legend: Legend,
    pub grid: Grid,
    pub x_axis: Axis,
    pub y_axis: Axis,
    pub series: Vec<Series>,
}

impl ChartOption {
    /// Series over a time axis, the value axis named `unit`: one tooltip for all series at the
    /// hovered time, the legend on top, room for the axis labels.
    pub fn over_time(unit: String, series: Vec<Series>) -> Self {
        Self {
            animation: false,
            background_color: "transparent",
            tooltip: Tooltip { trigger: Trigger::Axis },
            legend: Legend { top: 0 },
            grid: Grid {
                left: 56,
                right: 24,
                top: 40,
                bottom: 32,
            },
            x_axis: Axis::time(),
            y_axis: Axis::value(unit),
            series,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// One tooltip for every series at the hovered time.
    Axis,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tooltip {
    pub trigger: Trigger,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Legend {
    pub top: u32,
}

/// Space around the plot, in pixels, for the axis labels and the legend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grid {
    pub left: u32,
    pub right: u32,
    pub top: u32,
    pub bottom: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AxisKind {
    Time,
    Value,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Axis {
    #[serde(rename = "type")]
    pub kind: AxisKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Fit the range to the data instead of starting at zero.
    pub scale: bool,
}

impl Axis {
    pub fn time() -> Self {
        Self {
            kind: AxisKind::Time,
            name: None,
            scale: false,
        }
    }

    pub fn value(name: String) -> Self {
        Self {
            kind: AxisKind::Value,
            name: Some(name),
            scale: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeriesKind {
    Line,
    Scatter,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LineStyle {
    pub width: f64,
    #[serde(rename = "type")]
    pub dash: Dash,
    pub opacity: f64,
}

impl LineStyle {
    pub fn new(width: f64, dash: Dash) -> Self {
        Self {
            width,
            dash,
            opacity: 1.0,
        }
    }

    /// No line at all: the lower edge of a band.
    pub fn hidden() -> Self {
        Self {
            width: 0.0,
            dash: Dash::Solid,
            opacity: 0.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Colour {
    pub color: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaStyle {
    pub color: &'static str,
    pub opacity: f64,
}

/// A point: milliseconds since the epoch and a value, `None` where the series has a gap.
pub type Point = [Option<f64>; 2];

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    #[serde(rename = "type")]
    pub kind: SeriesKind,
    pub name: String,
    /// Series with the same stack are drawn on top of each other (a band: its lower bound, then
    /// its width).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<&'static str>,
    pub show_symbol: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_style: Option<Colour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_style: Option<LineStyle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_style: Option<AreaStyle>,
    pub data: Vec<Point>,
}

impl Series {
    /// A line in `colour` (ECharts' palette when `None`), with markers only when it has a
    /// single point, which would otherwise not show.
    pub fn line(name: String, colour: Option<&'static str>, style: LineStyle, data: Vec<Point>) -> Self {
        Self {
            kind: SeriesKind::Line,
            name,
            stack: None,
            show_symbol: data.len() < 2,
            symbol_size: None,
            item_style: colour.map(|color| Colour { color }),
            line_style: Some(style),
            area_style: None,
            data,
        }
    }

    /// One layer of a band: no line and no markers, stacked on the layers before it in `stack`
    /// (a band is its lower bound, then its width filled with `fill`).
    pub fn band_layer(name: String, stack: &'static str, fill: Option<AreaStyle>, data: Vec<Point>) -> Self {
        Self {
            stack: Some(stack),
            show_symbol: false,
            area_style: fill,
            ..Self::line(name, None, LineStyle::hidden(), data)
        }
    }

    /// Markers without a line.
    pub fn markers(name: String, colour: &'static str, size: u32, data: Vec<Point>) -> Self {
        Self {
            kind: SeriesKind::Scatter,
            name,
            stack: None,
            show_symbol: true,
            symbol_size: Some(size),
            item_style: Some(Colour { color: colour }),
            line_style: None,
            area_style: None,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_echarts_names_and_gaps_as_null() {
        let option = ChartOption::over_time(
            "ms".to_owned(),
            vec![Series::line(
                "p95 <b>".to_owned(),
                Some("#2563eb"),
                LineStyle::new(1.5, Dash::Dashed),
                vec![[Some(1.0), None], [Some(2.0), Some(3.5)]],
            )],
        );
        let json = serde_json::to_value(&option).expect("serialises");
        assert_eq!(json["xAxis"], serde_json::json!({"type": "time", "scale": false}));
        assert_eq!(
            json["yAxis"],
            serde_json::json!({"type": "value", "name": "ms", "scale": true})
        );
        assert_eq!(json["tooltip"]["trigger"], "axis");
        let series = &json["series"][0];
        assert_eq!(series["type"], "line");
        assert_eq!(series["name"], "p95 <b>");
        assert_eq!(series["showSymbol"], false);
        assert_eq!(series["itemStyle"]["color"], "#2563eb");
        assert_eq!(
            series["lineStyle"],
            serde_json::json!({"width": 1.5, "type": "dashed", "opacity": 1.0})
        );
        assert!(series.get("stack").is_none() && series.get("areaStyle").is_none());
        assert_eq!(series["data"], serde_json::json!([[1.0, null], [2.0, 3.5]]));
    }
}
