//! Charts drawn once, in Rust, as SVG strings: the desktop webview and the exported reports show
//! the same pictures. The SVG backend writes plain `<text>` elements, so no font file is needed:
//! the viewer's sans-serif font renders the labels.
//!
//! Every chart takes the platform labels in scenario order, so a platform keeps its colour across
//! charts, and a [`Theme`] (light or dark).

pub mod billed;
pub mod breakeven;
pub mod cost;
pub mod latency;
pub mod legend;
pub mod metric;
pub mod metrics;
pub mod reconcile;
pub mod timeline;
pub mod tune;

use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use breakeven_simulator::pricing::Usd;

/// Chart size, px: wide enough for a desktop page, scaled down to A4 by the page's CSS.
pub const WIDTH: u32 = 960;

/// Light for paper and light desktops, dark for dark desktops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Theme {
    Light,
    Dark,
}

text_enum!(Theme {
    Light => "light",
    Dark => "dark",
});

/// Colours of the non-data parts of a chart.
pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
}

impl Theme {
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(33, 37, 41),
                muted: RGBColor(108, 117, 125),
                grid: RGBColor(222, 226, 230),
            },
            Theme::Dark => Palette {
                background: RGBColor(30, 33, 38),
                text: RGBColor(233, 236, 239),
                muted: RGBColor(173, 181, 189),
                grid: RGBColor(64, 70, 78),
            },
        }
    }
}

/// Platform colours (Tableau 10): distinguishable from each other and readable on white and on
/// near-black.
const PLATFORM_COLOURS: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// The colour of a platform: by its position in the scenario, so every chart agrees.
pub fn platform_colour(labels: &[String], label: &str) -> RGBColor {
    let i = labels.iter().position(|l| l == label).unwrap_or(labels.len());
    PLATFORM_COLOURS[i % PLATFORM_COLOURS.len()]
}

/// A chart that could not be drawn (the SVG backend writes to a string, so this is a bug in the
/// chart's geometry rather than an I/O failure).
#[derive(Debug, thiserror::Error)]
#[error("drawing the {chart} chart: {message}")]
pub struct ChartError {
    pub chart: &'static str,
    pub message: String,
}

/// Map any plotters error of chart `chart` into a [`ChartError`].
pub(crate) fn chart_err<E: std::fmt::Display>(chart: &'static str) -> impl Fn(E) -> ChartError {
    move |e| ChartError {
        chart,
        message: e.to_string(),
    }
}

/// Dollars for display on an axis or a label (floats are fine here: nothing is billed from them).
pub fn usd_f64(u: &Usd) -> f64 {
    u.0.to_f64().unwrap_or(0.0)
}

/// An axis tick in dollars: `$0`, `$0.05`, `$12`, `$1.5k`, `$2.3M`.
pub fn usd_tick(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a == 0.0 {
        "$0".to_string()
    } else if a >= 1e6 {
        format!("{sign}${}M", trim(a / 1e6, 1))
    } else if a >= 1e3 {
        format!("{sign}${}k", trim(a / 1e3, 1))
    } else if a >= 10.0 {
        format!("{sign}${}", trim(a, 0))
    } else if a >= 0.01 {
        format!("{sign}${}", trim(a, 2))
    } else {
        format!("{sign}${}", trim(a, 4))
    }
}

/// A count with an SI suffix: `950`, `12k`, `3.4M`, `1.2B`.
pub fn count_tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{}B", trim(v / 1e9, 1))
    } else if a >= 1e6 {
        format!("{}M", trim(v / 1e6, 1))
    } else if a >= 1e3 {
        format!("{}k", trim(v / 1e3, 1))
    } else if a >= 1.0 || a == 0.0 {
        trim(v, 0)
    } else {
        trim(v, 2)
    }
}

/// Milliseconds on an axis: `85 ms`, `1.2 s`.
pub fn ms_tick(v: f64) -> String {
    if v >= 1000.0 {
        format!("{} s", trim(v / 1000.0, 1))
    } else {
        format!("{} ms", trim(v, if v < 10.0 { 1 } else { 0 }))
    }
}

/// The label of tick `v` on an axis of `days` (`YYYY-MM-DD`, one slot each): `11-07` on a day,
/// blank between days, and only every k-th day when there are more than ten.
pub(crate) fn day_tick(days: &[&str], v: f64) -> String {
    let every = days.len().div_ceil(10).max(1);
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 || i as usize % every != 0 {
        return String::new();
    }
    days.get(i as usize)
        .map(|d| d.get(5..).unwrap_or(d).to_string())
        .unwrap_or_default()
}

/// `x` with at most `dp` decimals, trailing zeros dropped.
fn trim(x: f64, dp: usize) -> String {
    let s = format!("{x:.dp$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Text style of a chart's caption.
pub(crate) fn caption_style(p: &Palette) -> TextStyle<'static> {
    ("sans-serif", 18).into_font().color(&p.text)
}

/// Text style of tick labels and legends.
pub(crate) fn label_style(p: &Palette) -> TextStyle<'static> {
    ("sans-serif", 13).into_font().color(&p.text)
}

/// Text anchored at its right end, vertically centred (labels left of a bar).
pub(crate) fn right_aligned(p: &Palette) -> TextStyle<'static> {
    label_style(p).pos(Pos::new(HPos::Right, VPos::Center))
}

/// Text anchored at its left end, vertically centred (values right of a bar).
pub(crate) fn left_aligned(p: &Palette) -> TextStyle<'static> {
    ("sans-serif", 12)
        .into_font()
        .color(&p.muted)
        .pos(Pos::new(HPos::Left, VPos::Center))
}

/// A chart's mesh with the reports' axis styling (tick labels, axis descriptions, axis and grid
/// colours of the theme); the caller adds the ticks and descriptions and draws it.
pub(crate) fn mesh<'a, 'b, DB, X, Y, XT, YT>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    p: &Palette,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut m = chart.configure_mesh();
    m.label_style(label_style(p))
        .axis_desc_style(label_style(p))
        .axis_style(p.muted)
        .bold_line_style(p.grid)
        .light_line_style(p.background);
    m
}

/// [`mesh`] of a per-day chart: `days` slots on x labelled by `ticks` ([`day_tick`]), at most 40
/// tick positions, no vertical grid lines.
pub(crate) fn day_mesh<'a, 'b, DB, X, Y, YT>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    p: &Palette,
    days: usize,
    ticks: &'b dyn Fn(&f64) -> String,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut m = mesh(chart, p);
    m.disable_x_mesh().x_labels(days.min(40)).x_label_formatter(ticks);
    m
}

/// `s` cut to `max` characters with an ellipsis, so long labels do not run into the plot.
pub(crate) fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The draw-a-chart closure's outcome, turned into the SVG text.
pub(crate) fn render(
    chart: &'static str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present().map_err(chart_err(chart))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_read_like_money_counts_and_durations() {
        assert_eq!(usd_tick(0.0), "$0");
        assert_eq!(usd_tick(0.05), "$0.05");
        assert_eq!(usd_tick(0.0012), "$0.0012");
        assert_eq!(usd_tick(12.0), "$12");
        assert_eq!(usd_tick(1500.0), "$1.5k");
        assert_eq!(usd_tick(2_300_000.0), "$2.3M");
        assert_eq!(count_tick(950.0), "950");
        assert_eq!(count_tick(12_000.0), "12k");
        assert_eq!(count_tick(3_400_000.0), "3.4M");
        assert_eq!(ms_tick(85.0), "85 ms");
        assert_eq!(ms_tick(1200.0), "1.2 s");
    }

    #[test]
    fn colours_follow_the_scenario_order() {
        let labels = vec!["a".to_string(), "b".to_string()];
        assert_eq!(platform_colour(&labels, "b"), PLATFORM_COLOURS[1]);
        assert_ne!(platform_colour(&labels, "a"), platform_colour(&labels, "b"));
        assert_eq!(fit("abcdef", 4), "abc…");
    }
}
