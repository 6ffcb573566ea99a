//! Monthly cost per platform: horizontal bars (long platform labels stay readable), stacked by
//! cost category.

use super::mesh;
use super::{
    chart_err, fit, left_aligned, render, right_aligned, usd_f64, usd_tick, ChartError, Theme, WIDTH,
};
use breakeven_simulator::pricing::{CostCategory, Usd};
use breakeven_simulator::SimulationResult;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const CHART: &str = "monthly cost";

/// Categories in stacking order, each with its colour (the same in every report).
pub const CATEGORIES: [(CostCategory, RGBColor); 8] = [
    (CostCategory::Instances, RGBColor(49, 130, 189)),
    (CostCategory::Compute, RGBColor(107, 174, 214)),
    (CostCategory::Requests, RGBColor(253, 141, 60)),
    (CostCategory::Init, RGBColor(253, 208, 162)),
    (CostCategory::Provisioned, RGBColor(158, 154, 200)),
    (CostCategory::Storage, RGBColor(116, 196, 118)),
    (CostCategory::ControlPlane, RGBColor(117, 107, 177)),
    (CostCategory::Subscription, RGBColor(150, 150, 150)),
];

/// One platform's monthly cost split by category, USD (display only).
pub struct CostBar {
    pub label: String,
    pub monthly_usd: Usd,
    pub monthly: f64,
    /// (category, USD a month) in stacking order; categories with nothing billed are left out.
    pub segments: Vec<(CostCategory, f64)>,
}

/// Each platform's monthly total split in proportion to its simulated period's bill by category
/// (the month re-bills the same usage, so the shares carry over; free-tier credits reduce the
/// category they offset).
pub fn bars(sim: &SimulationResult) -> Vec<CostBar> {
    sim.platforms
        .iter()
        .map(|p| {
            let monthly = usd_f64(&p.cost.monthly_usd);
            let net: Vec<(CostCategory, Decimal)> = CATEGORIES
                .iter()
                .map(|(c, _)| {
                    let sum: Decimal = p
                        .cost
                        .lines
                        .iter()
                        .filter(|l| l.category == *c)
                        .map(|l| l.amount.0)
                        .sum();
                    (*c, sum.max(Decimal::ZERO))
                })
                .filter(|(_, v)| !v.is_zero())
                .collect();
            let total: Decimal = net.iter().map(|(_, v)| *v).sum();
            let segments = if total.is_zero() {
                Vec::new()
            } else {
                net.iter()
                    .map(|(c, v)| (*c, monthly * (*v / total).to_f64().unwrap_or(0.0)))
                    .collect()
            };
            CostBar {
                label: p.label.clone(),
                monthly_usd: p.cost.monthly_usd,
                monthly,
                segments,
            }
        })
        .collect()
}

/// The chart as SVG.
pub fn monthly_cost(sim: &SimulationResult, theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let bars = bars(sim);
    let n = bars.len().max(1);
    let height = 130 + 46 * n as u32;
    let max = bars.iter().map(|b| b.monthly).fold(0.0, f64::max).max(0.01);
    render(CHART, (WIDTH, height), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        let used: Vec<(CostCategory, RGBColor)> = CATEGORIES
            .iter()
            .filter(|(c, _)| bars.iter().any(|b| b.segments.iter().any(|(s, _)| s == c)))
            .copied()
            .collect();
        let items: Vec<(String, RGBColor)> = used
            .iter()
            .map(|(c, col)| (c.label().to_string(), *col))
            .collect();
        super::legend::row(
            root,
            &p,
            "Monthly cost by platform (730 h month), by cost category",
            &items,
        )
        .map_err(&e)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(70)
            .margin_right(24)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(210)
            // Room right of the longest bar for its total.
            .build_cartesian_2d(0f64..max * 1.22, -0.5f64..n as f64 - 0.5)
            .map_err(&e)?;
        mesh(&mut chart, &p)
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| usd_tick(*v))
            .x_desc("USD per month")
            .draw()
            .map_err(&e)?;
        for (i, bar) in bars.iter().enumerate() {
            // First platform at the top.
            let y = (n - 1 - i) as f64;
            let mut x = 0.0;
            for (cat, usd) in &bar.segments {
                let colour = CATEGORIES
                    .iter()
                    .find(|(c, _)| c == cat)
                    .map(|(_, c)| *c)
                    .unwrap_or(p.muted);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y - 0.32), (x + usd, y + 0.32)],
                        colour.filled(),
                    )))
                    .map_err(&e)?;
                x += usd;
            }
            let (lx, ly) = chart.backend_coord(&(0.0, y));
            root.draw(&Text::new(fit(&bar.label, 28), (lx - 10, ly), right_aligned(&p)))
                .map_err(&e)?;
            let (vx, vy) = chart.backend_coord(&(bar.monthly, y));
            root.draw(&Text::new(
                format!("{}/mo", bar.monthly_usd),
                (vx + 6, vy),
                left_aligned(&p),
            ))
            .map_err(&e)?;
        }
        Ok(())
    })
}
