//! Break-even curves: each platform's monthly cost as traffic scales (log–log: pay-per-use lines
//! rise, fleets stay flat), with the crossings marked and labelled. With commitments, each
//! platform's cost with them is drawn dashed in its colour, and their crossings as hollow squares.

use super::mesh;
use super::{
    chart_err, count_tick, fit, platform_colour, render, usd_f64, usd_tick, ChartError, Theme, WIDTH,
};
use breakeven_simulator::sweep::SweepResult;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const CHART: &str = "break-even";
/// Size in a report page, px.
pub const FULL: (u32, u32) = (WIDTH, 520);
/// Size in the desktop's what-if results column, px: drawn near the size it is shown at, so its
/// labels are not scaled down by half.
pub const PANEL: (u32, u32) = (640, 460);

/// The chart as SVG, [`FULL`] size. Costs of $0 (inside a free tier) sit on the bottom edge: a
/// log axis has no 0.
pub fn curves(sweep: &SweepResult, labels: &[String], theme: Theme) -> Result<String, ChartError> {
    curves_sized(FULL, sweep, labels, theme)
}

/// [`curves`] at `size` (px).
pub fn curves_sized(
    size: (u32, u32),
    sweep: &SweepResult,
    labels: &[String],
    theme: Theme,
) -> Result<String, ChartError> {
    let p = theme.palette();
    let xs: Vec<f64> = sweep
        .points
        .iter()
        .map(|pt| pt.requests_per_month.max(1.0))
        .collect();
    let costs = || {
        sweep.points.iter().flat_map(|pt| {
            pt.platforms.iter().flat_map(|c| {
                std::iter::once(usd_f64(&c.monthly_usd)).chain(c.committed_monthly_usd.as_ref().map(usd_f64))
            })
        })
    };
    let committed = sweep.committed_crossings.is_some();
    let positive_min = costs().filter(|c| *c > 0.0).fold(f64::INFINITY, f64::min);
    let y_max = costs().fold(0.0, f64::max).max(0.02) * 2.0;
    let y_min = if positive_min.is_finite() {
        (positive_min / 2.0).min(y_max / 20.0)
    } else {
        0.01
    };
    let x_min = xs.iter().copied().fold(f64::INFINITY, f64::min).max(1.0);
    let x_max = xs.iter().copied().fold(0.0, f64::max).max(x_min * 10.0);
    render(CHART, size, |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        let items: Vec<(String, RGBColor)> = sweep
            .labels
            .iter()
            .map(|l| (fit(l, 30), platform_colour(labels, l)))
            .collect();
        // A panel is narrower than the full title; its card names the chart already.
        let title = match (size.0 < WIDTH, committed) {
            (true, false) => "Monthly cost as traffic scales (rings: crossings)",
            (true, true) => "Monthly cost as traffic scales (dashed: with commitments)",
            (false, false) => {
                "Break-even: monthly cost as traffic scales (numbered rings: crossings, see the table)"
            }
            (false, true) => {
                "Break-even: monthly cost as traffic scales (dashed: with commitments; rings and squares: crossings)"
            }
        };
        super::legend::row(root, &p, title, &items).map_err(&e)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(if items.len() > 4 { 90 } else { 70 })
            .margin_right(28)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(76)
            .build_cartesian_2d((x_min..x_max).log_scale(), (y_min..y_max).log_scale())
            .map_err(&e)?;
        mesh(&mut chart, &p)
            .x_label_formatter(&|v| count_tick(*v))
            .y_label_formatter(&|v| usd_tick(*v))
            .x_desc("Requests per month (log scale)")
            .y_desc("USD per month (log scale)")
            .draw()
            .map_err(&e)?;
        for (i, label) in sweep.labels.iter().enumerate() {
            let colour = platform_colour(labels, label);
            let line: Vec<(f64, f64)> = sweep
                .points
                .iter()
                .zip(&xs)
                .filter_map(|(pt, x)| {
                    pt.platforms
                        .get(i)
                        .map(|c| (*x, usd_f64(&c.monthly_usd).max(y_min)))
                })
                .collect();
            chart
                .draw_series(LineSeries::new(line.clone(), colour.stroke_width(3)))
                .map_err(&e)?;
            chart
                .draw_series(line.iter().map(|pt| Circle::new(*pt, 3, colour.filled())))
                .map_err(&e)?;
            let with: Vec<(f64, f64)> = sweep
                .points
                .iter()
                .zip(&xs)
                .filter_map(|(pt, x)| {
                    let c = pt.platforms.get(i)?;
                    let w = c.committed_monthly_usd.as_ref()?;
                    (w != &c.monthly_usd).then(|| (*x, usd_f64(w).max(y_min)))
                })
                .collect();
            if with.len() > 1 {
                chart
                    .draw_series(DashedLineSeries::new(with, 8, 6, colour.stroke_width(2)))
                    .map_err(&e)?;
            }
        }
        for c in sweep.committed_crossings.iter().flatten() {
            let at = sweep
                .points
                .windows(2)
                .find(|w| w[0].traffic_factor <= c.traffic_factor && c.traffic_factor <= w[1].traffic_factor);
            let Some(cost) =
                at.and_then(|w| committed_cost(w, &sweep.labels, &c.cheaper_below, c.traffic_factor))
            else {
                continue;
            };
            let pt = (c.requests_per_month.max(x_min), cost.max(y_min));
            let (px, py) = chart.backend_coord(&pt);
            root.draw(&Rectangle::new(
                [(px - 6, py - 6), (px + 6, py + 6)],
                p.text.stroke_width(2),
            ))
            .map_err(&e)?;
        }
        // The scenario as written (traffic × 1).
        let base = sweep.base_rate_per_s * 730.0 * 3600.0;
        if base >= x_min && base <= x_max {
            chart
                .draw_series(LineSeries::new(
                    vec![(base, y_min), (base, y_max)],
                    p.muted.stroke_width(1),
                ))
                .map_err(&e)?;
            let (bx, by) = chart.backend_coord(&(base, y_max));
            root.draw(&Text::new(
                "this scenario",
                (bx + 4, by + 4),
                ("sans-serif", 12)
                    .into_font()
                    .color(&p.muted)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(&e)?;
        }
        for (k, c) in sweep.crossings.iter().enumerate() {
            let at = sweep
                .points
                .windows(2)
                .find(|w| w[0].traffic_factor <= c.traffic_factor && c.traffic_factor <= w[1].traffic_factor);
            let cost = at.and_then(|w| crossing_cost(w, &sweep.labels, &c.cheaper_below, c.traffic_factor));
            let Some(cost) = cost else {
                continue;
            };
            let pt = (c.requests_per_month.max(x_min), cost.max(y_min));
            chart
                .draw_series(std::iter::once(Circle::new(pt, 7, p.text.stroke_width(2))))
                .map_err(&e)?;
            let (px, py) = chart.backend_coord(&pt);
            // Crossings cluster where cost lines meet, so each is marked with its number in the
            // crossings table rather than a sentence; alternating sides keeps neighbours apart.
            let dy = if k % 2 == 0 { -12 } else { 12 };
            let text = (k + 1).to_string();
            let style = ("sans-serif", 13)
                .into_font()
                .style(FontStyle::Bold)
                .color(&p.text)
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(text, (px + 6, py + dy), style))
                .map_err(&e)?;
        }
        Ok(())
    })
}

/// Cost of platform `label` at traffic factor `f` between two sweep points: linear in cost over
/// log traffic, as the simulator interpolates crossings.
fn crossing_cost(
    w: &[breakeven_simulator::sweep::SweepPoint],
    labels: &[String],
    label: &str,
    f: f64,
) -> Option<f64> {
    let i = labels.iter().position(|l| l == label)?;
    let c0 = usd_f64(&w[0].platforms.get(i)?.monthly_usd);
    let c1 = usd_f64(&w[1].platforms.get(i)?.monthly_usd);
    let (x0, x1) = (w[0].traffic_factor.ln(), w[1].traffic_factor.ln());
    let t = if x1 > x0 { (f.ln() - x0) / (x1 - x0) } else { 0.0 };
    Some(c0 + t * (c1 - c0))
}

/// [`crossing_cost`] with the commitments (the list price where a cell has none).
fn committed_cost(
    w: &[breakeven_simulator::sweep::SweepPoint],
    labels: &[String],
    label: &str,
    f: f64,
) -> Option<f64> {
    let i = labels.iter().position(|l| l == label)?;
    let cost = |pt: &breakeven_simulator::sweep::SweepPoint| {
        pt.platforms
            .get(i)
            .map(|c| usd_f64(c.committed_monthly_usd.as_ref().unwrap_or(&c.monthly_usd)))
    };
    let (c0, c1) = (cost(&w[0])?, cost(&w[1])?);
    let (x0, x1) = (w[0].traffic_factor.ln(), w[1].traffic_factor.ln());
    let t = if x1 > x0 { (f.ln() - x0) / (x1 - x0) } else { 0.0 };
    Some(c0 + t * (c1 - c0))
}
