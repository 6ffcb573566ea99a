//! Latency per platform: p50, p95 and p99 as three bars (log scale, so a fast median and a slow
//! cold-start tail both show), each labelled with its value; the cold-start rate and throttling
//! are written next to the p99, where they show up.

use super::mesh;
use super::{
    chart_err, fit, left_aligned, ms_tick, platform_colour, render, right_aligned, ChartError, Theme, WIDTH,
};
use breakeven_simulator::SimulationResult;
use plotters::prelude::*;

const CHART: &str = "latency";

/// The chart as SVG.
pub fn percentiles(sim: &SimulationResult, labels: &[String], theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let n = sim.platforms.len().max(1);
    let height = 110 + 66 * n as u32;
    let all = || {
        sim.platforms
            .iter()
            .flat_map(|r| [r.latency_ms.p50, r.latency_ms.p95, r.latency_ms.p99])
    };
    let lo = all().filter(|v| *v > 0.0).fold(f64::INFINITY, f64::min);
    let lo = if lo.is_finite() { lo / 2.0 } else { 1.0 };
    // Room right of the longest bar for its label.
    let hi = all().fold(lo * 10.0, f64::max) * 40.0;
    render(CHART, (WIDTH, height), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        super::legend::row(
            root,
            &p,
            "Latency per platform: p50, p95, p99 (end to end, cold starts included)",
            &[],
        )
        .map_err(&e)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(44)
            .margin_right(24)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(210)
            .build_cartesian_2d((lo..hi).log_scale(), -0.5f64..n as f64 - 0.5)
            .map_err(&e)?;
        mesh(&mut chart, &p)
            .disable_y_mesh()
            .y_labels(0)
            .x_label_formatter(&|v| ms_tick(*v))
            .x_desc("Latency, ms (log scale)")
            .draw()
            .map_err(&e)?;
        for (i, r) in sim.platforms.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let colour = platform_colour(labels, &r.label);
            let bars = [
                ("p50", r.latency_ms.p50, 1.0),
                ("p95", r.latency_ms.p95, 0.7),
                ("p99", r.latency_ms.p99, 0.45),
            ];
            for (k, (name, ms, alpha)) in bars.iter().enumerate() {
                let yc = y + 0.27 - 0.27 * k as f64;
                let end = ms.max(lo);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(lo, yc - 0.11), (end, yc + 0.11)],
                        colour.mix(*alpha).filled(),
                    )))
                    .map_err(&e)?;
                let mut text = format!("{name} {}", ms_tick(*ms));
                if *name == "p99" {
                    text.push_str(&format!(
                        " · cold starts {:.2} % of requests",
                        r.cold_start_probability * 100.0
                    ));
                    if r.throttled > 0 {
                        text.push_str(&format!(" · {:.2} % throttled", r.throttle_probability * 100.0));
                    }
                }
                let (vx, vy) = chart.backend_coord(&(end, yc));
                root.draw(&Text::new(text, (vx + 6, vy), left_aligned(&p)))
                    .map_err(&e)?;
            }
            let (lx, ly) = chart.backend_coord(&(lo, y));
            root.draw(&Text::new(fit(&r.label, 28), (lx - 10, ly), right_aligned(&p)))
                .map_err(&e)?;
        }
        Ok(())
    })
}
