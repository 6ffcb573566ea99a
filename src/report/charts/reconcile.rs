//! Reconciliation: Lambda cost derived from usage metrics against what the bill says, per day.
//! Two lines (usage-derived wide, billed narrow on top) and the daily gap as bars, so a day where
//! they part stands out.

use super::day_mesh;
use super::{chart_err, day_tick, render, usd_f64, usd_tick, ChartError, Theme, WIDTH};
use breakeven_simulator::pricing::Usd;
use plotters::prelude::*;

const CHART: &str = "reconciliation";
const HEIGHT: u32 = 460;
const USAGE_COLOUR: RGBColor = RGBColor(78, 121, 167);
const BILLED_COLOUR: RGBColor = RGBColor(242, 142, 43);
const GAP_COLOUR: RGBColor = RGBColor(225, 87, 89);

/// One day of the reconciliation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconcileDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Priced from the function metrics, USD.
    pub usage_derived_usd: Usd,
    /// From the bill, USD; `None` when the day has no bill yet.
    pub billed_usd: Option<Usd>,
}

/// The chart as SVG: x = day, y = USD per day.
pub fn usage_vs_billed(days: &[ReconcileDay], theme: Theme) -> Result<String, ChartError> {
    let p = theme.palette();
    let n = days.len().max(1);
    let usage: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .map(|(i, d)| (i as f64, usd_f64(&d.usage_derived_usd)))
        .collect();
    let billed: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.billed_usd.map(|b| (i as f64, usd_f64(&b))))
        .collect();
    let gaps: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.billed_usd
                .map(|b| (i as f64, usd_f64(&(b - d.usage_derived_usd))))
        })
        .collect();
    let all = || usage.iter().chain(&billed).chain(&gaps).map(|(_, y)| *y);
    let y_max = all().fold(0.0, f64::max).max(0.01) * 1.1;
    let y_min = all().fold(0.0, f64::min) * 1.1;
    let labels: Vec<&str> = days.iter().map(|d| d.day.as_str()).collect();
    let legend = vec![
        (
            "usage-derived (metrics × catalog prices)".to_string(),
            USAGE_COLOUR,
        ),
        ("billed".to_string(), BILLED_COLOUR),
        ("gap: billed − usage-derived".to_string(), GAP_COLOUR),
    ];
    render(CHART, (WIDTH, HEIGHT), |root| {
        let e = chart_err(CHART);
        root.fill(&p.background).map_err(&e)?;
        super::legend::row(
            root,
            &p,
            "Reconciliation: Lambda cost from usage vs the bill, per day",
            &legend,
        )
        .map_err(&e)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(70)
            .margin_right(24)
            .margin_bottom(8)
            .x_label_area_size(44)
            .y_label_area_size(76)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, y_min..y_max)
            .map_err(&e)?;
        day_mesh(&mut chart, &p, n, &|v| day_tick(&labels, *v))
            .y_label_formatter(&|v| usd_tick(*v))
            .x_desc("Day (UTC, month-day)")
            .y_desc("USD per day")
            .draw()
            .map_err(&e)?;
        chart
            .draw_series(
                gaps.iter().map(|(x, g)| {
                    Rectangle::new([(x - 0.3, 0.0), (x + 0.3, *g)], GAP_COLOUR.mix(0.6).filled())
                }),
            )
            .map_err(&e)?;
        // Wide beneath the billed line: where the two agree (the usual case) both stay visible.
        chart
            .draw_series(LineSeries::new(usage.clone(), USAGE_COLOUR.stroke_width(7)))
            .map_err(&e)?;
        chart
            .draw_series(
                billed
                    .iter()
                    .map(|pt| Circle::new(*pt, 4, BILLED_COLOUR.filled())),
            )
            .map_err(&e)?;
        chart
            .draw_series(LineSeries::new(billed.clone(), BILLED_COLOUR.stroke_width(2)))
            .map_err(&e)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn draws_days_without_a_bill_and_negative_gaps() {
        let usd = |c: i64| Usd(Decimal::new(c, 2));
        let days = vec![
            ReconcileDay {
                day: "2026-11-01".into(),
                usage_derived_usd: usd(500),
                billed_usd: Some(usd(520)),
            },
            ReconcileDay {
                day: "2026-11-02".into(),
                usage_derived_usd: usd(500),
                billed_usd: Some(usd(450)),
            },
            ReconcileDay {
                day: "2026-11-03".into(),
                usage_derived_usd: usd(510),
                billed_usd: None,
            },
        ];
        let svg = usage_vs_billed(&days, Theme::Dark).expect("draws");
        assert!(svg.contains("11-03") && svg.contains("billed"), "{svg}");
    }
}
