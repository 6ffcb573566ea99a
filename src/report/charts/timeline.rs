//! Instances and cost over time, from the per-bucket timeline: average instances alive (top) and
//! cost per hour (bottom), one line per platform. Long runs are averaged into at most
//! [`MAX_POINTS`] points so a month stays readable and the SVG small.

use super::mesh;
use super::{
    chart_err, count_tick, fit, platform_colour, render, usd_f64, usd_tick, ChartError, Theme, WIDTH,
};
use breakeven_simulator::results::TimelineReport;
use breakeven_simulator::SimulationResult;
use plotters::coord::Shift;
use plotters::prelude::*;

const CHART: &str = "timeline";
const HEIGHT: u32 = 600;
/// Points per line at most.
pub const MAX_POINTS: usize = 720;

/// One platform's timeline averaged into wider buckets.
pub struct Series {
    pub label: String,
    /// (start of the bucket, h; average instances alive).
    pub instances: Vec<(f64, f64)>,
    /// (start of the bucket, h; USD per hour).
    pub usd_per_hour: Vec<(f64, f64)>,
}

/// Average a platform's timeline into at most [`MAX_POINTS`] buckets.
pub fn series(label: &str, t: &TimelineReport) -> Series {
    let n = t.avg_instances.len();
    let per = n.div_ceil(MAX_POINTS).max(1);
    let width_h = t.bucket_s * per as f64 / 3600.0;
    let mut instances = Vec::with_capacity(n / per + 1);
    let mut usd_per_hour = Vec::with_capacity(n / per + 1);
    for (k, start) in (0..n).step_by(per).enumerate() {
        let end = (start + per).min(n);
        let len = (end - start) as f64;
        let x = k as f64 * width_h;
        instances.push((x, t.avg_instances[start..end].iter().sum::<f64>() / len));
        let usd: f64 = t
            .cost_usd
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .map(usd_f64)
            .sum();
        usd_per_hour.push((x, usd / (len * t.bucket_s / 3600.0)));
    }
    Series {
        label: label.to_string(),
        instances,
        usd_per_hour,
    }
}

/// The chart as SVG; `None` when the run kept no timeline.
pub fn instances_and_cost(
    sim: &SimulationResult,
    labels: &[String],
    theme: Theme,
) -> Result<Option<String>, ChartError> {
    let all: Vec<Series> = sim
        .platforms
        .iter()
        .filter_map(|p| p.timeline.as_ref().map(|t| series(&p.label, t)))
        .collect();
    if all.is_empty() {
        return Ok(None);
    }
    let hours = sim.horizon_s / 3600.0;
    let (unit, div) = if hours > 72.0 {
        ("days", 24.0)
    } else {
        ("hours", 1.0)
    };
    let p = theme.palette();
    render(CHART, (WIDTH, HEIGHT), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        let items: Vec<(String, RGBColor)> = all
            .iter()
            .map(|s| (fit(&s.label, 30), platform_colour(labels, &s.label)))
            .collect();
        super::legend::row(root, &p, "Instances and cost over time", &items).map_err(&e)?;
        let body = root.margin(if items.len() > 4 { 84 } else { 64 }, 0, 0, 0);
        let (top, bottom) = body.split_vertically((HEIGHT - 64) / 2);
        let x_max = (hours / div).max(1e-6);
        let pick_instances = |s: &Series| s.instances.iter().map(|(x, y)| (x / div, *y)).collect();
        let pick_cost = |s: &Series| s.usd_per_hour.iter().map(|(x, y)| (x / div, *y)).collect();
        let x_desc = format!("Time since start, {unit}");
        panel(
            &top,
            &all,
            labels,
            &p,
            x_max,
            "Instances alive (average)",
            &x_desc,
            &pick_instances,
            &count_tick,
        )
        .map_err(&e)?;
        panel(
            &bottom,
            &all,
            labels,
            &p,
            x_max,
            "USD per hour",
            &x_desc,
            &pick_cost,
            &usd_tick,
        )
        .map_err(&e)?;
        Ok(())
    })
    .map(Some)
}

#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    all: &[Series],
    labels: &[String],
    p: &super::Palette,
    x_max: f64,
    y_desc: &str,
    x_desc: &str,
    pick: &dyn Fn(&Series) -> Vec<(f64, f64)>,
    y_fmt: &dyn Fn(f64) -> String,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let lines: Vec<Vec<(f64, f64)>> = all.iter().map(pick).collect();
    let y_max = lines
        .iter()
        .flatten()
        .map(|(_, y)| *y)
        .fold(0.0, f64::max)
        .max(1e-6)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(76)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
    mesh(&mut chart, p)
        .x_labels(10)
        .y_labels(5)
        .x_label_formatter(&|v| count_tick(*v))
        .y_label_formatter(&|v| y_fmt(*v))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()?;
    for (s, line) in all.iter().zip(lines) {
        let colour = platform_colour(labels, &s.label);
        chart.draw_series(LineSeries::new(line, colour.stroke_width(2)))?;
    }
    Ok(())
}
