//! Daily billed cost by service: one stacked bar per day, the largest services on their own and
//! the rest as "other services", so a month of a busy account stays readable.

use super::day_mesh;
use super::{chart_err, day_tick, render, usd_f64, usd_tick, ChartError, Theme, WIDTH};
use breakeven_simulator::pricing::Usd;
use plotters::prelude::*;
use std::collections::BTreeMap;

const CHART: &str = "daily billed cost";
const HEIGHT: u32 = 460;
/// Services drawn on their own; the rest are summed into one segment.
pub const MAX_SERVICES: usize = 7;
/// Name of the segment holding the smaller services.
pub const OTHER: &str = "other services";

/// Colours of services by rank (largest first); "other services" is grey. A different set from
/// the platform colours: services are not platforms.
const SERVICE_COLOURS: [RGBColor; MAX_SERVICES] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];
const OTHER_COLOUR: RGBColor = RGBColor(160, 160, 160);

/// One day's billed cost of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub service: String,
    pub usd: Usd,
}

/// Services in stacking order (largest total first, "other services" last) with their colours.
pub fn services(rows: &[ServiceDay]) -> Vec<(String, RGBColor)> {
    let mut totals: BTreeMap<&str, Usd> = BTreeMap::new();
    for r in rows {
        *totals.entry(r.service.as_str()).or_insert(Usd::ZERO) += r.usd;
    }
    let mut ranked: Vec<(&str, Usd)> = totals.into_iter().collect();
    // Largest first; ties by name, so the order is stable.
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut out: Vec<(String, RGBColor)> = ranked
        .iter()
        .take(MAX_SERVICES)
        .zip(SERVICE_COLOURS)
        .map(|((s, _), c)| (s.to_string(), c))
        .collect();
    if ranked.len() > MAX_SERVICES {
        out.push((OTHER.to_string(), OTHER_COLOUR));
    }
    out
}

/// The chart as SVG: x = day, y = USD billed that day.
pub fn daily_by_service(rows: &[ServiceDay], theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let legend = services(rows);
    let days: Vec<&str> = {
        let mut d: Vec<&str> = rows.iter().map(|r| r.day.as_str()).collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    // (day index, segment index) → USD.
    let segment_of = |service: &str| {
        legend
            .iter()
            .position(|(s, _)| s == service)
            .unwrap_or(legend.len().saturating_sub(1))
    };
    let mut stacks = vec![vec![0.0f64; legend.len()]; days.len()];
    for r in rows {
        if let Ok(d) = days.binary_search(&r.day.as_str()) {
            stacks[d][segment_of(&r.service)] += usd_f64(&r.usd);
        }
    }
    let y_max = stacks
        .iter()
        .map(|s| s.iter().filter(|v| **v > 0.0).sum::<f64>())
        .fold(0.0, f64::max)
        .max(0.01)
        * 1.1;
    let n = days.len().max(1);
    render(CHART, (WIDTH, HEIGHT), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        super::legend::row(root, &p, "Billed cost per day, by service", &legend).map_err(&e)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(if legend.len() > 4 { 90 } else { 70 })
            .margin_right(24)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(76)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..y_max)
            .map_err(&e)?;
        day_mesh(&mut chart, &p, n, &|v| day_tick(&days, *v))
            .y_label_formatter(&|v| usd_tick(*v))
            .x_desc("Day (UTC, month-day)")
            .y_desc("USD per day")
            .draw()
            .map_err(&e)?;
        for (d, stack) in stacks.iter().enumerate() {
            let x = d as f64;
            let mut y = 0.0;
            for (k, usd) in stack.iter().enumerate() {
                // Credits and refunds (negative days) are not stacked: the bar shows what was charged.
                if *usd <= 0.0 {
                    continue;
                }
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.38, y), (x + 0.38, y + usd)],
                        legend[k].1.filled(),
                    )))
                    .map_err(&e)?;
                y += usd;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn row(day: &str, service: &str, cents: i64) -> ServiceDay {
        ServiceDay {
            day: day.into(),
            service: service.into(),
            usd: Usd(Decimal::new(cents, 2)),
        }
    }

    #[test]
    fn services_rank_by_total_and_fold_the_tail_into_other() {
        let mut rows = vec![row("2026-11-01", "small", 1), row("2026-11-01", "big", 900)];
        assert_eq!(
            services(&rows)
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>(),
            ["big", "small"]
        );
        for k in 0..MAX_SERVICES {
            rows.push(row("2026-11-02", &format!("s{k}"), 100));
        }
        let s = services(&rows);
        assert_eq!(s.len(), MAX_SERVICES + 1);
        assert_eq!(s[0].0, "big");
        assert_eq!(s.last().map(|(n, _)| n.as_str()), Some(OTHER));
        let svg = daily_by_service(&rows, Theme::Light).expect("draws");
        assert!(svg.contains("USD per day") && svg.contains("11-02"), "{svg}");
    }
}
