//! Memory tuning: monthly cost (left) and latency (right) of each function platform per memory
//! size, with the cheapest size ringed on the cost panel and the fastest size within 10 % of the
//! cheapest cost ringed on the latency panel.

use super::mesh;
use super::{chart_err, fit, ms_tick, platform_colour, render, usd_f64, usd_tick, ChartError, Theme, WIDTH};
use breakeven_simulator::sweep::tune::{TunePlatform, TuneResult};
use plotters::coord::Shift;
use plotters::prelude::*;

const CHART: &str = "memory tuning";
const HEIGHT: u32 = 440;

/// What a panel plots of a tuning row.
type Metric = fn(&breakeven_simulator::sweep::tune::TuneRow) -> f64;

/// The chart as SVG (one chart for all function platforms of the scenario).
pub fn curves(tune: &TuneResult, labels: &[String], theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let mem = |f: fn(u32, u32) -> u32, init: u32| {
        tune.platforms
            .iter()
            .flat_map(|t| t.rows.iter().map(|r| r.memory_mb))
            .fold(init, f)
    };
    let (m_lo, m_hi) = (mem(u32::min, u32::MAX), mem(u32::max, 0));
    let (m_lo, m_hi) = if m_lo > m_hi {
        (128.0, 3008.0)
    } else {
        (m_lo as f64, (m_hi as f64).max(m_lo as f64 + 1.0))
    };
    render(CHART, (WIDTH, HEIGHT), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        let items: Vec<(String, RGBColor)> = tune
            .platforms
            .iter()
            .map(|t| (fit(&t.label, 30), platform_colour(labels, &t.label)))
            .collect();
        super::legend::row(
            root,
            &p,
            "Memory tuning: monthly cost and p99 latency per memory size",
            &items,
        )
        .map_err(&e)?;
        let body = root.margin(if items.len() > 4 { 84 } else { 64 }, 0, 0, 0);
        let (left, right) = body.split_horizontally(WIDTH / 2);
        panel(&left, tune, labels, &p, (m_lo, m_hi), Panel::Cost).map_err(&e)?;
        panel(&right, tune, labels, &p, (m_lo, m_hi), Panel::Latency).map_err(&e)?;
        Ok(())
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    Cost,
    Latency,
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tune: &TuneResult,
    labels: &[String],
    p: &super::Palette,
    (m_lo, m_hi): (f64, f64),
    which: Panel,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let metric: Metric = match which {
        Panel::Cost => |r| usd_f64(&r.monthly_usd),
        Panel::Latency => |r| r.p99_ms,
    };
    let y_max = tune
        .platforms
        .iter()
        .flat_map(|t| t.rows.iter().map(metric))
        .fold(0.0, f64::max)
        .max(0.01)
        * 1.1;
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(m_lo..m_hi, 0f64..y_max)?;
    let (y_desc, fmt): (&str, &dyn Fn(&f64) -> String) = match which {
        Panel::Cost => ("USD per month", &|v| usd_tick(*v)),
        Panel::Latency => ("p99 latency", &|v| ms_tick(*v)),
    };
    mesh(&mut chart, p)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(fmt)
        .x_desc("Memory, MB")
        .y_desc(y_desc)
        .draw()?;
    for t in &tune.platforms {
        let colour = platform_colour(labels, &t.label);
        let pts: Vec<(f64, f64)> = t.rows.iter().map(|r| (r.memory_mb as f64, metric(r))).collect();
        chart.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))?;
        chart.draw_series(pts.iter().map(|pt| Circle::new(*pt, 3, colour.filled())))?;
        if let Some(pick) = picked(t, which).map(|r| (r.memory_mb as f64, metric(r))) {
            chart.draw_series(std::iter::once(Circle::new(pick, 8, p.text.stroke_width(2))))?;
        }
    }
    Ok(())
}

/// The row a panel rings: the cheapest size for cost, the fastest affordable one for latency.
fn picked(t: &TunePlatform, which: Panel) -> Option<&breakeven_simulator::sweep::tune::TuneRow> {
    let mb = match which {
        Panel::Cost => t.cheapest_mb,
        Panel::Latency => t.fastest_within_10pct_mb,
    };
    t.rows.iter().find(|r| r.memory_mb == mb)
}
