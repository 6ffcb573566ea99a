//! Stored metrics and costs over calendar time: one or two lines against dates, for a
//! function's detail (invocations, duration, concurrency, daily cost) and the dashboard's trend.

use super::{chart_err, label_style, legend, render, ChartError, Theme, WIDTH};
use plotters::prelude::*;

const CHART: &str = "metric";
/// Size of a full-width metric chart, px.
pub const FULL: (u32, u32) = (WIDTH, 300);
/// Size of a chart in a half-width panel (the desktop's two-column grid), px: drawn near the size
/// it is shown at, so its labels stay readable instead of being scaled down by half.
pub const PANEL: (u32, u32) = (600, 250);
const DAY_S: f64 = 86_400.0;

/// One line: its legend label, colour and points (Unix seconds, value).
pub struct Line<'a> {
    pub label: &'a str,
    pub colour: RGBColor,
    pub points: &'a [(i64, f64)],
}

/// Colours of the metric lines: the first is the metric itself, the second a comparison.
pub const PRIMARY: RGBColor = RGBColor(37, 99, 235);
pub const SECONDARY: RGBColor = RGBColor(245, 158, 11);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `28 Nov` for a Unix time (UTC).
pub fn date_tick(unix_s: f64) -> String {
    let (_, m, d) = crate::store::Day::from_unix(unix_s.floor() as i64).ymd();
    format!("{d} {}", MONTHS[(m as usize).saturating_sub(1) % 12])
}

/// Lines over `[from, to)` (Unix seconds) with a title and a legend; `y_fmt` labels the y axis.
/// Bars instead of lines when `bars` (one per point, a bucket of `bucket_s` wide). `size`:
/// [`FULL`] or [`PANEL`].
pub fn over_time(
    size: (u32, u32),
    title: &str,
    lines: &[Line<'_>],
    (from, to): (i64, i64),
    y_fmt: &dyn Fn(f64) -> String,
    bars: Option<i64>,
    theme: Theme,
) -> Result<String, ChartError> {
    let p = theme.palette();
    let y_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, y)| *y))
        .fold(0.0, f64::max)
        .max(1e-9)
        * 1.1;
    let (x0, x1) = (from as f64, (to as f64).max(from as f64 + 1.0));
    render(CHART, size, |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        // One line needs no legend: the title names it.
        let items: Vec<(String, RGBColor)> = if lines.len() > 1 {
            lines.iter().map(|l| (l.label.to_string(), l.colour)).collect()
        } else {
            Vec::new()
        };
        legend::row(root, &p, title, &items).map_err(&e)?;
        let body = root.margin(if items.is_empty() { 40 } else { 62 }, 0, 0, 0);
        let mut chart = ChartBuilder::on(&body)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, 0f64..y_max)
            .map_err(&e)?;
        let days = ((x1 - x0) / DAY_S).round().max(1.0) as usize;
        chart
            .configure_mesh()
            .x_labels(days.clamp(2, 8))
            .y_labels(5)
            .x_label_formatter(&|v| date_tick(*v))
            .y_label_formatter(&|v| y_fmt(*v))
            .label_style(label_style(&p))
            .axis_style(p.muted)
            .bold_line_style(p.grid)
            .light_line_style(p.background)
            .draw()
            .map_err(&e)?;
        // Lines drawn first are drawn wider, so a later line that coincides with one (usage-derived
        // cost on top of the bill where they agree) leaves both visible.
        for (i, l) in lines.iter().enumerate() {
            let width = 2 + 2 * (lines.len() - 1 - i) as u32;
            let pts = l.points.iter().map(|(t, y)| (*t as f64, *y));
            match bars {
                Some(w) => {
                    let w = w as f64 * 0.8;
                    chart
                        .draw_series(
                            pts.map(|(x, y)| Rectangle::new([(x, 0.0), (x + w, y)], l.colour.filled())),
                        )
                        .map_err(&e)?;
                }
                None => {
                    chart
                        .draw_series(LineSeries::new(pts, l.colour.stroke_width(width)))
                        .map_err(&e)?;
                }
            }
        }
        Ok(())
    })
}

/// Whether SVG is safe to insert into the webview as markup: the chart code writes only shapes
/// and text, so a script, an event-handler attribute, a link or an external reference means
/// something else got in.
pub fn is_inert(svg: &str) -> bool {
    let lower = svg.to_ascii_lowercase();
    let forbidden = [
        "<script",
        "javascript:",
        "href",
        "<foreignobject",
        "<iframe",
        "url(",
        "<!entity",
    ];
    if forbidden.iter().any(|bad| lower.contains(bad)) {
        return false;
    }
    // Event handlers: an attribute name starting with `on` (`onload=`, ` onclick =`).
    let bytes = lower.as_bytes();
    !lower.match_indices("on").any(|(i, _)| {
        let after_space = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let rest = &lower[i + 2..];
        let name_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        after_space && name_len > 0 && rest[name_len..].trim_start().starts_with('=')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_inert_svg_with_dates() {
        let pts: Vec<(i64, f64)> = (0..48)
            .map(|h| (1_795_824_000 + h * 3600, (h % 24) as f64 * 10.0))
            .collect();
        let line = Line {
            label: "Invocations",
            colour: PRIMARY,
            points: &pts,
        };
        let svg = over_time(
            PANEL,
            "Invocations per hour",
            &[line],
            (1_795_824_000, 1_795_824_000 + 2 * 86_400),
            &|v| super::super::count_tick(v),
            None,
            Theme::Light,
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("28 Nov"), "date ticks");
        assert!(svg.contains("Invocations per hour"));
        assert!(is_inert(&svg));
        assert!(!is_inert("<svg><script>alert(1)</script></svg>"));
        assert!(!is_inert("<svg><rect onload=\"x()\"/></svg>"));
        assert!(!is_inert("<svg><rect\n  onclick = \"x()\"/></svg>"));
        assert!(is_inert("<svg><text>Cost on Fargate</text></svg>"));
    }
}
