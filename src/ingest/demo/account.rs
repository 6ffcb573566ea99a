//! The demo account's functions: a small company's serverless estate, about 25 functions of the
//! shapes a real account has (see `fixtures/demo/README.md`).

/// How requests arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Traffic {
    /// Daily cycle peaking at 15:00 UTC, lower at weekends (`weekend` × weekday traffic), req/s.
    Diurnal {
        peak_rps: f64,
        trough_rps: f64,
        weekend: f64,
    },
    /// Roughly constant, req/s.
    Steady { rps: f64 },
    /// Scheduled batch runs starting at the given UTC hours: `per_run` invocations spread over
    /// `run_minutes` minutes (the spikes).
    Batch {
        hours: &'static [u32],
        per_run: f64,
        run_minutes: u32,
    },
    /// One invocation every `every_minutes` minutes.
    Cron { every_minutes: u32 },
    /// Rare events (webhooks), Poisson with this many a day, busier in business hours.
    Rare { per_day: f64 },
}

/// One function of the demo account.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoFunction {
    pub name: &'static str,
    pub runtime: &'static str,
    /// MB.
    pub memory_mb: u32,
    /// `x86_64` or `arm64`.
    pub arch: &'static str,
    /// Seconds.
    pub timeout_s: u32,
    /// MB.
    pub ephemeral_mb: u32,
    /// Provisioned concurrency on alias `live` (instances).
    pub provisioned: u32,
    /// Reserved concurrency: invocations beyond it are throttled.
    pub reserved: Option<u32>,
    pub traffic: Traffic,
    /// Median and 99th percentile duration, ms (lognormal between them).
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Fraction of invocations that fail.
    pub error_rate: f64,
    /// Median cold start (INIT) duration, ms: each cold start draws its own around it.
    pub init_ms: f64,
    /// Median of the most memory an invocation uses (REPORT's `Max Memory Used`), MB; each
    /// invocation's is drawn around it, never above `memory_mb`.
    pub memory_used_mb: u32,
    /// Whether its REPORT records can be read: a function without is shown as "no log data".
    pub logs: bool,
}

/// Typical median INIT of a runtime, ms: what REPORT records of small functions show (Java
/// starts a JVM; a compiled custom runtime has almost nothing to load).
fn runtime_init_ms(runtime: &str) -> f64 {
    if runtime.starts_with("java") {
        1_800.0
    } else if runtime.starts_with("python") {
        300.0
    } else if runtime.starts_with("nodejs") {
        220.0
    } else if runtime.starts_with("provided") {
        45.0
    } else {
        350.0
    }
}

/// Functions whose log groups the demo account cannot read (their logs are shipped elsewhere).
pub const WITHOUT_LOGS: [&str; 2] = ["webhook-slack", "legacy-sync"];

fn f(
    name: &'static str,
    runtime: &'static str,
    memory_mb: u32,
    memory_used_mb: u32,
    arch: &'static str,
    traffic: Traffic,
    p50_ms: f64,
    p99_ms: f64,
) -> DemoFunction {
    DemoFunction {
        name,
        runtime,
        memory_mb,
        arch,
        timeout_s: 30,
        ephemeral_mb: 512,
        provisioned: 0,
        reserved: None,
        traffic,
        p50_ms,
        p99_ms,
        error_rate: 0.002,
        init_ms: runtime_init_ms(runtime),
        memory_used_mb,
        logs: !WITHOUT_LOGS.contains(&name),
    }
}

use Traffic::*;

/// The account, in a fixed order (the generator forks one random stream per function name).
pub fn functions() -> Vec<DemoFunction> {
    vec![
        // Hot APIs behind API Gateway.
        f(
            "api-orders",
            "nodejs22.x",
            1024,
            180,
            "arm64",
            Diurnal {
                peak_rps: 45.0,
                trough_rps: 6.0,
                weekend: 0.7,
            },
            45.0,
            320.0,
        ),
        f(
            "api-catalog",
            "python3.12",
            512,
            140,
            "arm64",
            Diurnal {
                peak_rps: 30.0,
                trough_rps: 4.0,
                weekend: 0.8,
            },
            25.0,
            180.0,
        ),
        f(
            "api-auth",
            "nodejs22.x",
            256,
            95,
            "x86_64",
            Diurnal {
                peak_rps: 20.0,
                trough_rps: 3.0,
                weekend: 0.6,
            },
            18.0,
            90.0,
        ),
        DemoFunction {
            provisioned: 10,
            timeout_s: 15,
            init_ms: 2_400.0,
            ..f(
                "api-checkout",
                "java21",
                2048,
                1400,
                "x86_64",
                Diurnal {
                    peak_rps: 12.0,
                    trough_rps: 1.5,
                    weekend: 0.9,
                },
                120.0,
                900.0,
            )
        },
        f(
            "api-search",
            "python3.12",
            1536,
            420,
            "x86_64",
            Diurnal {
                peak_rps: 15.0,
                trough_rps: 2.0,
                weekend: 0.7,
            },
            80.0,
            600.0,
        ),
        f(
            "api-users",
            "nodejs22.x",
            512,
            120,
            "arm64",
            Diurnal {
                peak_rps: 8.0,
                trough_rps: 1.0,
                weekend: 0.5,
            },
            30.0,
            200.0,
        ),
        // Event processing.
        DemoFunction {
            timeout_s: 60,
            ephemeral_mb: 2048,
            ..f(
                "img-resize",
                "nodejs22.x",
                3008,
                2500,
                "x86_64",
                Diurnal {
                    peak_rps: 3.0,
                    trough_rps: 0.4,
                    weekend: 0.6,
                },
                900.0,
                4_000.0,
            )
        },
        f(
            "thumbnail-gen",
            "python3.12",
            2048,
            1650,
            "arm64",
            Diurnal {
                peak_rps: 2.0,
                trough_rps: 0.2,
                weekend: 0.6,
            },
            600.0,
            2_500.0,
        ),
        f(
            "events-consumer",
            "provided.al2023",
            128,
            38,
            "arm64",
            Steady { rps: 10.0 },
            8.0,
            40.0,
        ),
        f(
            "stream-processor",
            "java21",
            768,
            610,
            "x86_64",
            Steady { rps: 4.0 },
            60.0,
            400.0,
        ),
        f(
            "auth-token-refresh",
            "provided.al2023",
            128,
            30,
            "arm64",
            Steady { rps: 2.0 },
            12.0,
            60.0,
        ),
        // Batch jobs: quiet most of the day, then a spike.
        DemoFunction {
            timeout_s: 900,
            reserved: Some(100),
            error_rate: 0.01,
            ..f(
                "nightly-etl",
                "python3.12",
                3008,
                2550,
                "x86_64",
                Batch {
                    hours: &[2],
                    per_run: 40_000.0,
                    run_minutes: 20,
                },
                2_500.0,
                9_000.0,
            )
        },
        DemoFunction {
            timeout_s: 900,
            ..f(
                "report-builder",
                "python3.12",
                1769,
                900,
                "x86_64",
                Batch {
                    hours: &[6],
                    per_run: 500.0,
                    run_minutes: 10,
                },
                12_000.0,
                45_000.0,
            )
        },
        DemoFunction {
            timeout_s: 300,
            ..f(
                "invoice-batch",
                "nodejs22.x",
                1024,
                310,
                "arm64",
                Batch {
                    hours: &[0],
                    per_run: 8_000.0,
                    run_minutes: 15,
                },
                400.0,
                2_000.0,
            )
        },
        f(
            "email-digest",
            "nodejs22.x",
            256,
            150,
            "x86_64",
            Batch {
                hours: &[7, 19],
                per_run: 3_000.0,
                run_minutes: 5,
            },
            150.0,
            700.0,
        ),
        DemoFunction {
            timeout_s: 600,
            ..f(
                "search-reindex",
                "python3.12",
                2048,
                1100,
                "arm64",
                Batch {
                    hours: &[3],
                    per_run: 20_000.0,
                    run_minutes: 30,
                },
                700.0,
                3_000.0,
            )
        },
        // Scheduled housekeeping.
        f(
            "cleanup-cron",
            "python3.12",
            128,
            72,
            "x86_64",
            Cron { every_minutes: 15 },
            300.0,
            1_200.0,
        ),
        f(
            "metrics-rollup",
            "nodejs22.x",
            512,
            210,
            "arm64",
            Cron { every_minutes: 5 },
            1_500.0,
            4_000.0,
        ),
        f(
            "healthcheck",
            "nodejs22.x",
            128,
            70,
            "arm64",
            Cron { every_minutes: 1 },
            30.0,
            150.0,
        ),
        // Rarely called webhooks and tools.
        f(
            "webhook-stripe",
            "nodejs22.x",
            256,
            110,
            "x86_64",
            Rare { per_day: 150.0 },
            200.0,
            900.0,
        ),
        f(
            "webhook-github",
            "python3.12",
            128,
            78,
            "arm64",
            Rare { per_day: 40.0 },
            120.0,
            600.0,
        ),
        f(
            "webhook-slack",
            "nodejs22.x",
            128,
            85,
            "x86_64",
            Rare { per_day: 12.0 },
            90.0,
            400.0,
        ),
        f(
            "webhook-shopify",
            "nodejs22.x",
            512,
            160,
            "x86_64",
            Rare { per_day: 300.0 },
            250.0,
            1_100.0,
        ),
        DemoFunction {
            timeout_s: 900,
            ..f(
                "admin-export",
                "python3.12",
                3008,
                1900,
                "x86_64",
                Rare { per_day: 5.0 },
                20_000.0,
                60_000.0,
            )
        },
        DemoFunction {
            timeout_s: 120,
            ..f(
                "pdf-render",
                "nodejs22.x",
                1536,
                1150,
                "x86_64",
                Rare { per_day: 400.0 },
                3_000.0,
                9_000.0,
            )
        },
        f(
            "legacy-sync",
            "python3.9",
            128,
            118,
            "x86_64",
            Rare { per_day: 2.0 },
            800.0,
            3_000.0,
        ),
    ]
}
