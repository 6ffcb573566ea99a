//! The report model: what every format shows, built once from a scenario's results.

use crate::report::format::horizon_text;
use crate::report::SCHEMA_VERSION;
use breakeven_simulator::pricing::catalog::CATALOG_VERSION;
use breakeven_simulator::pricing::money::group_digits;
use breakeven_simulator::pricing::{PriceCatalog, PriceEntry, Usd};
use breakeven_simulator::scenario::{Mode, Scenario};
use breakeven_simulator::sweep::commit::CommitRecommendation;
use breakeven_simulator::sweep::tune::TuneResult;
use breakeven_simulator::sweep::SweepResult;
use breakeven_simulator::{PlatformResult, SimulationResult};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The results a report is made of.
pub struct ReportInput<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a PriceCatalog,
    pub simulation: SimulationResult,
    pub sweep: Option<SweepResult>,
    pub tune: Option<TuneResult>,
    /// The best hourly commitment per plan (`commit recommend`), when computed.
    pub recommendation: Option<CommitRecommendation>,
}

/// A complete report. Serialised as is by the JSON exporter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// `breakeven <version>`.
    pub generator: String,
    pub catalog_version: String,
    pub scenario: ScenarioFacts,
    pub summary: Summary,
    pub assumptions: Assumptions,
    pub simulation: SimulationResult,
    pub sweep: Option<SweepResult>,
    pub tune: Option<TuneResult>,
    /// The best hourly commitment per plan and platform (`commit recommend`); computed for a
    /// scenario that holds commitments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_recommendation: Option<CommitRecommendation>,
    /// What the model leaves out, in plain words.
    pub limits: Vec<String>,
    /// Names and account ids replaced by pseudonyms.
    pub anonymised: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioFacts {
    pub name: String,
    pub seed: u64,
    pub mode: Mode,
    /// Simulated time, s.
    pub horizon_s: f64,
    /// Platform labels in scenario order (the order of colours in the charts).
    pub platforms: Vec<String>,
}

/// The recommendation, in one sentence and as figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub recommendation: String,
    pub cheapest: String,
    pub cheapest_monthly_usd: Usd,
    /// The platform the saving is measured against: the scenario's first platform (what runs
    /// today), or the runner-up when the first is already the cheapest.
    pub compared_with: Option<String>,
    pub compared_monthly_usd: Option<Usd>,
    pub monthly_saving_usd: Option<Usd>,
    /// Saving as a share of the compared platform's cost, %, one decimal.
    pub saving_percent: Option<Decimal>,
    pub caveats: Vec<String>,
}

/// A named assumption, e.g. `arrivals` = `process diurnal, mean_rate_per_s 4`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub name: String,
    pub value: String,
}

/// A catalog price the bills used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceUsed {
    /// Platform label in the scenario.
    pub platform: String,
    pub platform_id: String,
    pub region: String,
    pub dimension: String,
    pub unit: String,
    /// USD per unit: one exact figure, or the tiers (`0.2 to 1000000; 0.1 above`).
    pub usd_per_unit: String,
    /// Date the price's source shows, YYYY-MM-DD (`unknown` when the catalog has no entry).
    pub as_of: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    pub workload: Vec<Fact>,
    pub platforms: Vec<Fact>,
    pub prices: Vec<PriceUsed>,
    /// The scenario's Savings Plans and reservations, one per commitment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commitments: Vec<Fact>,
    /// Negotiated discounts off list, one per provider or platform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<Fact>,
    /// How each section was simulated: the run, the break-even sweep, the memory tuning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Fact>,
}

/// Build the report model from a scenario's results.
pub fn build(input: ReportInput<'_>) -> Report {
    let sim = input.simulation;
    let limits = limits(&sim, input.sweep.is_some(), input.tune.is_some());
    Report {
        schema_version: SCHEMA_VERSION,
        generator: format!("breakeven {}", env!("CARGO_PKG_VERSION")),
        catalog_version: CATALOG_VERSION.to_string(),
        scenario: ScenarioFacts {
            name: sim.scenario.clone(),
            seed: sim.seed,
            mode: sim.mode,
            horizon_s: sim.horizon_s,
            platforms: sim.platforms.iter().map(|p| p.label.clone()).collect(),
        },
        summary: summary(&sim),
        assumptions: Assumptions {
            workload: workload_facts(input.scenario),
            platforms: platform_facts(input.scenario),
            prices: prices_used(input.catalog, &sim.platforms),
            commitments: commitment_facts(input.scenario),
            discounts: discount_facts(input.scenario),
            methods: method_facts(&sim, input.sweep.as_ref(), input.tune.as_ref()),
        },
        simulation: sim,
        sweep: input.sweep,
        tune: input.tune,
        commit_recommendation: input.recommendation,
        limits,
        anonymised: false,
    }
}

fn percent(part: Usd, whole: Usd) -> Option<Decimal> {
    (!whole.is_zero()).then(|| {
        (part.0 / whole.0 * Decimal::from(100))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    })
}

/// Cheapest platform that served the workload (a platform that throttled requests did less work,
/// so its bill is not comparable), and its saving against what runs today.
pub fn summary(sim: &SimulationResult) -> Summary {
    let mut caveats = Vec::new();
    let serving: Vec<&PlatformResult> = sim.platforms.iter().filter(|p| p.throttled == 0).collect();
    for p in sim.platforms.iter().filter(|p| p.throttled > 0) {
        caveats.push(format!(
            "{} was left out of the recommendation: it throttled {:.2} % of requests.",
            p.label,
            p.throttle_probability * 100.0
        ));
    }
    let pool = if serving.is_empty() {
        sim.platforms.iter().collect()
    } else {
        serving
    };
    let Some(best) = pool.iter().copied().min_by_key(|p| p.cost.monthly_usd) else {
        return Summary {
            recommendation: "The scenario has no platforms to compare.".into(),
            cheapest: String::new(),
            cheapest_monthly_usd: Usd::ZERO,
            compared_with: None,
            compared_monthly_usd: None,
            monthly_saving_usd: None,
            saving_percent: None,
            caveats,
        };
    };
    let first = sim
        .platforms
        .first()
        .filter(|f| f.label != best.label && f.throttled == 0);
    let runner_up = pool
        .iter()
        .copied()
        .filter(|p| p.label != best.label)
        .min_by_key(|p| p.cost.monthly_usd);
    let other = first.or(runner_up);
    let cost = best.cost.monthly_usd;
    let (recommendation, saving, pct) = match other {
        None => (
            format!(
                "{} costs {cost} a month for {}; add platforms to the scenario to compare.",
                best.label, sim.scenario
            ),
            None,
            None,
        ),
        Some(o) => {
            let saving = o.cost.monthly_usd - cost;
            let pct = percent(saving, o.cost.monthly_usd);
            let pct_text = pct.map(|p| format!(" ({p} %)")).unwrap_or_default();
            let text = if first.is_some() {
                format!(
                    "Move {} from {} to {}: {cost} a month instead of {}, saving {saving} a month{pct_text}.",
                    sim.scenario, o.label, best.label, o.cost.monthly_usd
                )
            } else {
                format!(
                    "Keep {} on {}: at {cost} a month it costs {saving} a month{pct_text} less than the next \
                     cheapest, {}.",
                    sim.scenario, best.label, o.label
                )
            };
            if best.latency_ms.p99 > o.latency_ms.p99 * 1.5 {
                caveats.push(format!(
                    "{} is slower in the tail: p99 {:.0} ms against {:.0} ms on {}.",
                    best.label, best.latency_ms.p99, o.latency_ms.p99, o.label
                ));
            }
            (text, Some(saving), pct)
        }
    };
    Summary {
        recommendation,
        cheapest: best.label.clone(),
        cheapest_monthly_usd: cost,
        compared_with: other.map(|o| o.label.clone()),
        compared_monthly_usd: other.map(|o| o.cost.monthly_usd),
        monthly_saving_usd: saving,
        saving_percent: pct,
        caveats,
    }
}

fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<(&String, &Value)> = m.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// A JSON value as compact text: `process diurnal, mean_rate_per_s 4`.
fn describe(v: &Value) -> String {
    match v {
        // Sorted by key: the same text whether or not the JSON map keeps insertion order.
        Value::Object(m) => sorted(m)
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::Object(_) => format!("{k} ({})", describe(v)),
                _ => format!("{k} {}", describe(v)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) => format!("[{}]", a.iter().map(describe).collect::<Vec<_>>().join("; ")),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn workload_facts(s: &Scenario) -> Vec<Fact> {
    let mut facts = vec![Fact {
        name: "horizon".into(),
        value: format!("{} simulated", horizon_text(s.workload.horizon_ms / 1000.0)),
    }];
    if let Ok(Value::Object(m)) = serde_json::to_value(&s.workload) {
        for (k, v) in sorted(&m)
            .into_iter()
            .filter(|(k, v)| *k != "horizon_ms" && !v.is_null())
        {
            facts.push(Fact {
                name: k.clone(),
                value: describe(v),
            });
        }
    }
    facts.push(Fact {
        name: "seed".into(),
        value: s.seed.to_string(),
    });
    facts
}

fn platform_facts(s: &Scenario) -> Vec<Fact> {
    s.platforms
        .iter()
        .map(|p| Fact {
            name: p.label().to_string(),
            value: serde_json::to_value(p).map(|v| describe(&v)).unwrap_or_default(),
        })
        .collect()
}

/// How the run, the sweep and the tuning were simulated, in words.
fn method_facts(sim: &SimulationResult, sweep: Option<&SweepResult>, tune: Option<&TuneResult>) -> Vec<Fact> {
    let mut out = vec![Fact {
        name: "simulation".into(),
        value: match sim.mode {
            Mode::Exact => format!(
                "exact mode: every request simulated ({} requests over the platforms), seed {}",
                group(sim.simulated_requests),
                sim.seed
            ),
            Mode::Aggregate => format!(
                "aggregate mode: per-minute estimates (cost within about 2.5 % of exact mode), seed {}",
                sim.seed
            ),
        },
    }];
    if let Some(sw) = sweep {
        let exact = sw.points.iter().filter(|p| p.mode == Mode::Exact).count();
        let levels = sw.points.len();
        let mut v = format!(
            "{levels} traffic levels × {} platforms: {exact} in exact mode, {} in aggregate mode (per-minute estimates)",
            sw.labels.len(),
            levels - exact
        );
        if let Some(r) = &sw.refinement {
            v.push_str(&format!(
                "; {} of {} crossings between estimated levels refined by exact runs of their two platforms, nearest the scenario's traffic first ({} runs, {} requests), the others left as estimates",
                r.refined,
                r.refined + r.estimated,
                r.exact_runs,
                group(r.exact_requests)
            ));
        }
        out.push(Fact {
            name: "break-even".into(),
            value: v,
        });
    }
    if let Some(t) = tune.filter(|t| !t.method.is_empty()) {
        out.push(Fact {
            name: "memory tuning".into(),
            value: t.method.clone(),
        });
    }
    out
}

fn group(n: u64) -> String {
    group_digits(&n.to_string())
}

fn commitment_facts(s: &Scenario) -> Vec<Fact> {
    s.commitments
        .iter()
        .map(|c| Fact {
            name: c.plan(),
            value: c.to_string(),
        })
        .collect()
}

fn discount_facts(s: &Scenario) -> Vec<Fact> {
    s.discounts
        .iter()
        .map(|d| Fact {
            name: match &d.platform {
                Some(id) => format!("{} {id}", d.provider),
                None => d.provider.clone(),
            },
            value: format!("{} % off list", d.percent.normalize()),
        })
        .collect()
}

fn bands_text(e: &PriceEntry) -> String {
    let bands = e.bands();
    if bands.len() == 1 {
        return bands[0].1.normalize().to_string();
    }
    bands
        .iter()
        .map(|(to, usd)| match to {
            Some(to) => format!(
                "{} up to {}",
                usd.normalize(),
                group_digits(&to.normalize().to_string())
            ),
            None => format!("{} above", usd.normalize()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The catalog entries behind each bill line, one per (platform, dimension).
fn prices_used(catalog: &PriceCatalog, platforms: &[PlatformResult]) -> Vec<PriceUsed> {
    let mut out: Vec<PriceUsed> = Vec::new();
    for p in platforms {
        // A negotiated discount is an agreement, not a catalog price: it is listed with the
        // assumptions' discounts.
        for line in p
            .cost
            .lines
            .iter()
            .filter(|l| l.category != breakeven_simulator::pricing::CostCategory::Discount)
        {
            if out
                .iter()
                .any(|u| u.platform == p.label && u.dimension == line.dimension)
            {
                continue;
            }
            // Lines priced from another catalog platform (a Kubernetes control plane) are found by
            // region, dimension and unit price.
            let entry = catalog.price(&p.id, &p.region, &line.dimension).ok().or_else(|| {
                catalog.all_prices().map(|(e, _)| e).find(|e| {
                    e.region == p.region
                        && e.dimension == line.dimension
                        && e.bands().iter().any(|(_, usd)| *usd == line.unit_price)
                })
            });
            out.push(PriceUsed {
                platform: p.label.clone(),
                platform_id: entry.map(|e| e.platform.clone()).unwrap_or_else(|| p.id.clone()),
                region: p.region.clone(),
                dimension: line.dimension.clone(),
                unit: line.unit.clone(),
                usd_per_unit: entry
                    .map(bands_text)
                    .unwrap_or_else(|| line.unit_price.normalize().to_string()),
                as_of: entry.map(|e| e.as_of.clone()).unwrap_or_else(|| "unknown".into()),
                source: entry.map(|e| e.source.clone()).unwrap_or_default(),
            });
        }
    }
    out
}

/// Whether any bill holds a negotiated discount or commitments.
fn priced_as_paid(sim: &SimulationResult) -> bool {
    sim.platforms.iter().any(|p| {
        p.committed.is_some()
            || p.cost
                .lines
                .iter()
                .any(|l| l.category == breakeven_simulator::pricing::CostCategory::Discount)
    })
}

fn limits(sim: &SimulationResult, swept: bool, tuned: bool) -> Vec<String> {
    let mut out = vec![
        "This is a simulation of the workload the scenario describes, not a measurement: real traffic, \
         durations and cold starts will differ."
            .to_string(),
        "Monthly cost is the simulated traffic scaled to a 730-hour month and billed as one month; free \
         tiers apply once a month."
            .to_string(),
        if priced_as_paid(sim) {
            format!(
                "Prices are list prices in USD from catalog {CATALOG_VERSION}, with the negotiated discounts \
                 and commitments listed in the assumptions, before tax, support plans and credits. Data \
                 transfer, load balancers, logs, monitoring and storage are not included unless they appear \
                 among the prices."
            )
        } else {
            format!(
                "Prices are list prices in USD from catalog {CATALOG_VERSION}, before tax, support plans, credits \
                 and negotiated discounts. Data transfer, load balancers, logs, monitoring and storage are not \
                 included unless they appear among the prices."
            )
        },
        "Latency is time spent on the platform (init, queueing and execution); network time to the client \
         is not included."
            .to_string(),
    ];
    if swept {
        out.push(
            "Break-even points are interpolated between the simulated traffic levels, or located by exact \
             runs around them; levels past half a million requests per platform run in aggregate mode \
             (closed-form queueing per minute) rather than request by request (see how each section was \
             simulated, in the assumptions)."
                .into(),
        );
    }
    if tuned {
        out.push(
            "Memory tuning assumes the CPU-bound share of each request speeds up with the CPU that comes with \
             more memory, and the rest does not."
                .into(),
        );
    }
    for p in &sim.platforms {
        let committed = p.committed.iter().flat_map(|c| &c.notes);
        for note in p.notes.iter().chain(&p.cost.notes).chain(committed) {
            let text = format!("{}: {note}", p.label);
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}
