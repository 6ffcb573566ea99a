//! A function's metrics over time: invocations, p99 duration and usage-derived cost per day,
//! three small panels sharing the day axis.

use super::day_mesh;
use super::{chart_err, count_tick, day_tick, ms_tick, render, usd_f64, usd_tick, ChartError, Theme, WIDTH};
use breakeven_simulator::pricing::Usd;
use plotters::coord::Shift;
use plotters::prelude::*;

const CHART: &str = "function metrics";
const HEIGHT: u32 = 640;
const COLOUR: RGBColor = RGBColor(78, 121, 167);

/// One function's figures of one day: a point of the chart.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FunctionDay {
    pub name: String,
    pub day: String,
    pub invocations: u64,
    pub duration_avg_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub error_rate: f64,
    pub peak_concurrency: Option<f64>,
    pub cost_usd: Usd,
}

/// The chart as SVG.
pub fn function_days(days: &[FunctionDay], theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let labels: Vec<&str> = days.iter().map(|d| d.day.as_str()).collect();
    let invocations: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (i as f64, d.invocations as f64))
        .collect();
    let p99: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.duration_p99_ms.map(|v| (i as f64, v)))
        .collect();
    let cost: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (i as f64, usd_f64(&d.cost_usd)))
        .collect();
    render(CHART, (WIDTH, HEIGHT), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        super::legend::row(
            root,
            &p,
            "Per day: invocations, p99 duration, usage-derived cost",
            &[],
        )
        .map_err(&e)?;
        let body = root.margin(44, 0, 0, 0);
        let panels = body.split_evenly((3, 1));
        let fmt_count = |v: f64| count_tick(v);
        let fmt_ms = |v: f64| ms_tick(v);
        let fmt_usd = |v: f64| usd_tick(v);
        let specs: [(&str, &[(f64, f64)], &dyn Fn(f64) -> String); 3] = [
            ("Invocations per day", &invocations, &fmt_count),
            ("p99 duration", &p99, &fmt_ms),
            ("USD per day", &cost, &fmt_usd),
        ];
        for (area, (desc, pts, fmt)) in panels.iter().zip(specs) {
            panel(area, &p, &labels, desc, pts, fmt).map_err(&e)?;
        }
        Ok(())
    })
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &super::Palette,
    labels: &[&str],
    y_desc: &str,
    pts: &[(f64, f64)],
    y_fmt: &dyn Fn(f64) -> String,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let n = labels.len().max(1);
    let y_max = pts.iter().map(|(_, y)| *y).fold(0.0, f64::max).max(1e-6) * 1.15;
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(76)
        .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..y_max)?;
    day_mesh(&mut chart, p, n, &|v| day_tick(&labels, *v))
        .y_labels(4)
        .y_label_formatter(&|v| y_fmt(*v))
        .y_desc(y_desc)
        .draw()?;
    chart.draw_series(LineSeries::new(pts.to_vec(), COLOUR.stroke_width(2)))?;
    chart.draw_series(pts.iter().map(|pt| Circle::new(*pt, 3, COLOUR.filled())))?;
    Ok(())
}
