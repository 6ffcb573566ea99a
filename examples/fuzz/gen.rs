//! Structure-aware inputs: proptest strategies that build well-formed-looking files (the right
//! keys, tables, columns and headers) whose values come from the edges (limits, signed zero,
//! non-finite numbers, impossible dates), so the generated inputs get past the syntax and into
//! the validation rules. Also the per-target dictionaries.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::string::string_regex;

/// A scenario input may carry its replay file after this line.
pub const REPLAY_MARK: &str = "\n#@replay\n";

pub const SCENARIO_TOKENS: &[&str] = &[
    "version = 1\n",
    "[workload]\n",
    "[[platforms]]\n",
    "id = \"aws-lambda\"\n",
    "horizon = \"",
    "horizon_s = ",
    "counts_per_min = [",
    "process = \"replay\"",
    "file = \"counts.csv\"",
    "dist = \"empirical\"",
    "percentiles = [[0, 1], [100, 2]]",
    "spikes = [{ at_s = 1, duration_s = 1, factor = 1e20 }]",
    "instances = \"peak\"",
    "kubernetes = { control_plane = \"aws-eks\", pod_vcpu = 0.5, pod_memory_gb = 1 }",
    "= nan",
    "= inf",
    "= -0.0",
    "= 1e300",
    "= 9223372036854775807",
    "#@replay\n",
];

pub const CATALOG_TOKENS: &[&str] = &[
    "schema = 1\n",
    "[[platforms]]\n",
    "[[prices]]\n",
    "[platforms.rules]\n",
    "tiers = [{ to = \"1\", usd = \"1\" }, { usd = \"0\" }]",
    "usd = \"-1\"",
    "usd = \"1e20\"",
    "free = \"79228162514264337593543950335\"",
    "included = \"",
    "to = \"0\"",
    "exec_rounding_ms = 0",
    "min_exec_ms = 4294967295",
    "per_instance_concurrency = 0",
    "memory_per_vcpu_mb = 0",
    "as_of = \"2026-02-30\"",
];

pub const FOCUS_TOKENS: &[&str] = &[
    "BilledCost",
    "EffectiveCost",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "BillingPeriodStart",
    "Tags",
    "2024-09-01T00:00:00Z",
    "2024-09-01 00:00:00",
    "2024-09-01T00:00:00+25:00",
    "2024-09-01T00:00:00.999999999999Z",
    "{\"a\":",
    "{\"k\":\"v\"}",
    "Usage",
    "USD",
    "EUR",
    "\"\"\"",
];

pub const TRACE_TOKENS: &[&str] = &[
    "HashOwner,HashApp,HashFunction,Trigger",
    "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum",
    "HashOwner,HashApp,SampleCount,AverageAllocatedMb",
    "percentile_Average_",
    "AverageAllocatedMb_pct",
    ",http,",
    ",1440",
    ",0",
];

pub const ESTIMATE_TOKENS: &[&str] = &[
    "requests=",
    "duration-ms=",
    "memory-mb=",
    "cold-starts=",
    "init-ms=",
    "hours=",
    "instances=",
    "vcpu=",
    "memory-gb=",
    "concurrency=",
    "platform=aws-fargate\n",
    "platform=vm:aws/m7g.large\n",
    "platform=gcp-cloud-run\n",
    "platform=azure-functions-premium\n",
    "pricing=spot\n",
];

/// Each line of `s` as its own input.
pub fn lines(s: &str) -> Vec<Vec<u8>> {
    s.lines().map(|l| l.as_bytes().to_vec()).collect()
}

fn toml_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{f:?}")
    }
}

/// A number as TOML writes it, mostly from the edges.
fn number() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec![
            "0", "-0", "-0.0", "1", "0.5", "2", "60", "1e20", "-1", "nan", "inf", "-inf", "1e308",
            "5e-324", "9223372036854775807", "18446744073709551616", "1e-7", "3600", "86400",
            "4294967295", "4294967296", "1e9", "1e15",
        ])
        .prop_map(String::from),
        2 => (0u32..100_000).prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(toml_float),
        2 => (0.0f64..10_000.0).prop_map(toml_float),
    ]
    .boxed()
}

fn horizon() -> BoxedStrategy<String> {
    prop_oneof![
        string_regex("([0-9]{1,4}(\\.[0-9]{1,3})?[smhdw]){1,3}").unwrap(),
        string_regex("[0-9]{300,320}[smhdw]").unwrap(),
        select(vec!["30d", "1d12h", "0s", "1e3s", "-1d", "", "1", "99999999999w"]).prop_map(String::from),
    ]
    .boxed()
}

fn duration_model() -> BoxedStrategy<String> {
    let n = number;
    prop_oneof![
        n().prop_map(|v| format!("{{ dist = \"constant\", ms = {v} }}")),
        n().prop_map(|v| format!("{{ dist = \"exponential\", mean_ms = {v} }}")),
        (n(), n()).prop_map(|(a, b)| format!("{{ dist = \"lognormal\", p50_ms = {a}, p99_ms = {b} }}")),
        (n(), n()).prop_map(|(a, b)| format!("{{ dist = \"lognormal\", mean_ms = {a}, sigma = {b} }}")),
        prop::collection::vec((n(), n()), 0..6).prop_map(|ps| {
            let pts: Vec<String> = ps.iter().map(|(p, ms)| format!("[{p}, {ms}]")).collect();
            format!("{{ dist = \"empirical\", percentiles = [{}] }}", pts.join(", "))
        }),
    ]
    .boxed()
}

fn arrivals() -> BoxedStrategy<String> {
    let n = number;
    let counts = prop::collection::vec(
        prop_oneof![
            select(vec!["0", "9223372036854775807", "1000000000", "4294967296"]).prop_map(String::from),
            (0u64..100_000).prop_map(|c| c.to_string()),
        ],
        0..40,
    );
    prop_oneof![
        n().prop_map(|r| format!("{{ process = \"poisson\", rate_per_s = {r} }}")),
        n().prop_map(|r| format!("{{ process = \"constant\", rate_per_s = {r} }}")),
        (n(), n(), n(), n()).prop_map(|(m, r, h, p)| format!(
            "{{ process = \"diurnal\", mean_rate_per_s = {m}, peak_to_trough = {r}, peak_hour = {h}, period_h = {p} }}"
        )),
        (n(), n(), n(), n()).prop_map(|(a, b, c, d)| format!(
            "{{ process = \"bursty\", on_rate_per_s = {a}, off_rate_per_s = {b}, mean_on_s = {c}, mean_off_s = {d} }}"
        )),
        (n(), prop::collection::vec((n(), n(), n()), 0..4)).prop_map(|(b, s)| {
            let spikes: Vec<String> = s
                .iter()
                .map(|(a, d, f)| format!("{{ at_s = {a}, duration_s = {d}, factor = {f} }}"))
                .collect();
            format!("{{ process = \"spike\", base_rate_per_s = {b}, spikes = [{}] }}", spikes.join(", "))
        }),
        counts.prop_map(|c| format!("{{ process = \"replay\", counts_per_min = [{}] }}", c.join(", "))),
        Just("{ process = \"replay\", file = \"counts.csv\" }".to_string()),
    ]
    .boxed()
}

const PLATFORM_IDS: &[&str] = &[
    "aws-lambda",
    "aws-fargate",
    "gcp-cloud-run",
    "azure-functions-consumption",
    "azure-functions-flex",
    "azure-functions-premium",
    "cloudflare-workers",
    "vm:aws/m7g.large",
    "vm:gcp/e2-standard-2",
    "aws-eks",
    "no-such-platform",
];

const PLATFORM_KEYS: &[&str] = &[
    "memory_mb",
    "keep_alive_s",
    "concurrency_limit",
    "scale_instances",
    "scale_window_s",
    "concurrency",
    "min_instances",
    "provisioned_concurrency",
    "vcpu",
    "memory_gb",
    "instances",
    "max_instances",
    "target_utilisation",
    "evaluation_s",
    "cooldown_s",
    "boot_s",
    "max_queue",
    "ephemeral_storage_mb",
];

fn platform() -> BoxedStrategy<String> {
    (
        select(PLATFORM_IDS),
        prop::collection::vec((select(PLATFORM_KEYS), number()), 0..4),
        prop::option::of(select(vec!["on-demand", "1yr", "3yr", "spot", "5yr"])),
        prop::option::of(select(vec!["arm64", "x86_64", "sparc"])),
    )
        .prop_map(|(id, opts, pricing, arch)| {
            let mut s = format!("\n[[platforms]]\nid = \"{id}\"\n");
            for (k, v) in opts {
                s += &format!("{k} = {v}\n");
            }
            if let Some(p) = pricing {
                s += &format!("pricing = \"{p}\"\n");
            }
            if let Some(a) = arch {
                s += &format!("arch = \"{a}\"\n");
            }
            s
        })
        .boxed()
}

/// Replay counts as a file holds them (after [`REPLAY_MARK`]).
fn replay_text() -> BoxedStrategy<String> {
    prop::collection::vec(
        prop_oneof![
            select(vec![
                "0",
                "1e20",
                "-0",
                "nan",
                "18446744073709551615",
                "1e308",
                "4.5",
                "-1"
            ])
            .prop_map(String::from),
            (0u64..1_000_000).prop_map(|c| c.to_string()),
        ],
        0..50,
    )
    .prop_map(|c| c.join("\n"))
    .boxed()
}

pub fn scenario() -> BoxedStrategy<Vec<u8>> {
    let workload = (
        prop_oneof![
            horizon().prop_map(|h| format!("horizon = \"{h}\"\n")),
            number().prop_map(|h| format!("horizon_s = {h}\n")),
            Just(String::new()),
        ],
        prop::option::of(number()),
        arrivals(),
        duration_model(),
        prop::option::of(duration_model()),
        prop::option::of(duration_model()),
        prop::option::of((number(), number(), number())),
    )
        .prop_map(|(h, mem, arr, dur, init, cold, cpu)| {
            let mut s = format!("\n[workload]\n{h}arrivals = {arr}\nduration = {dur}\n");
            if let Some(m) = mem {
                s += &format!("memory_mb = {m}\n");
            }
            if let Some(i) = init {
                s += &format!("init = {i}\n");
            }
            if let Some(c) = cold {
                s += &format!("cold_duration = {c}\n");
            }
            if let Some((f, p, r)) = cpu {
                s += &format!("cpu_fraction = {f}\nparallelism = {p}\nreference_vcpu = {r}\n");
            }
            s
        });
    (
        prop_oneof![9 => Just("1".to_string()), 1 => number()],
        prop::option::of(number()),
        prop::option::of(select(vec!["exact", "aggregate", "turbo"])),
        prop::option::of(number()),
        workload,
        prop::collection::vec(platform(), 0..4),
        prop::option::of(replay_text()),
    )
        .prop_map(|(version, seed, mode, bucket, workload, platforms, replay)| {
            let mut s = format!("version = {version}\nname = \"fuzz\"\n");
            if let Some(x) = seed {
                s += &format!("seed = {x}\n");
            }
            if let Some(m) = mode {
                s += &format!("mode = \"{m}\"\n");
            }
            if let Some(b) = bucket {
                s += &format!("timeline_bucket_s = {b}\n");
            }
            s += &workload;
            s += &platforms.concat();
            if let Some(r) = replay {
                s += REPLAY_MARK;
                s += &r;
            }
            s.into_bytes()
        })
        .boxed()
}

pub fn replay_counts() -> BoxedStrategy<Vec<u8>> {
    (prop::option::of(Just("minute,invocations\n")), replay_text())
        .prop_map(|(h, r)| format!("{}{r}", h.unwrap_or("")).into_bytes())
        .boxed()
}

/// A decimal as the catalog writes it (a string).
fn money() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "0",
            "-1",
            "0.0000002",
            "1e20",
            "-0",
            "79228162514264337593543950335",
            "NaN",
            "",
            "1.5",
            "0.0000000000000000000000000001",
        ])
        .prop_map(String::from),
        (0u64..1_000_000_000).prop_map(|n| format!("0.{n:09}")),
    ]
    .boxed()
}

const DIMENSIONS: &[&str] = &[
    "requests",
    "duration-x86_64",
    "duration-arm64",
    "provisioned-x86_64",
    "ephemeral-storage",
    "cpu-time",
    "vcpu-hour",
    "memory-hour",
    "instance-hour",
    "instance-hour-spot",
    "execution-time",
    "cluster-hour",
];

pub fn catalog() -> BoxedStrategy<Vec<u8>> {
    let price = (
        select(PLATFORM_IDS),
        select(DIMENSIONS),
        prop_oneof![
            money().prop_map(|u| format!("usd = \"{u}\"\n")),
            prop::collection::vec((prop::option::of(money()), money()), 0..4).prop_map(|t| {
                let tiers: Vec<String> = t
                    .iter()
                    .map(|(to, usd)| match to {
                        Some(to) => format!("{{ to = \"{to}\", usd = \"{usd}\" }}"),
                        None => format!("{{ usd = \"{usd}\" }}"),
                    })
                    .collect();
                format!("tiers = [{}]\n", tiers.join(", "))
            }),
        ],
        prop::option::of(money()),
        prop::option::of(money()),
    )
        .prop_map(|(p, d, usd, free, included)| {
            let mut s = format!(
                "\n[[prices]]\nplatform = \"{p}\"\nregion = \"us-east-1\"\ndimension = \"{d}\"\nunit = \"unit\"\n{usd}source = \"fuzz\"\nas_of = \"2026-01-01\"\n"
            );
            if let Some(f) = free {
                s += &format!("free = \"{f}\"\n");
            }
            if let Some(i) = included {
                s += &format!("included = \"{i}\"\n");
            }
            s
        });
    (
        prop_oneof![9 => Just(1u32), 1 => any::<u32>()],
        prop::collection::vec(price, 1..4),
    )
        .prop_map(|(schema, prices)| {
            format!("schema = {schema}\nprovider = \"aws\"\n{}", prices.concat()).into_bytes()
        })
        .boxed()
}

fn focus_cell(column: &'static str) -> BoxedStrategy<String> {
    let money = || {
        prop_oneof![
            select(vec![
                "0",
                "-0",
                "1e20",
                "NULL",
                "",
                "0.00000080000",
                "79228162514264337593543950336",
                "1,5",
                "NaN",
                "-1.25",
                "1E-30",
                "12345678901234567890.123456789",
            ])
            .prop_map(String::from),
            any::<i64>().prop_map(|n| n.to_string()),
        ]
        .boxed()
    };
    let time = || {
        prop_oneof![
            select(vec![
                "2024-09-01T00:00:00Z",
                "2024-09-01 00:00:00",
                "2026-02-30T00:00:00Z",
                "2024-09-01T00:00:00+25:00",
                "2024-09-01T24:00:60Z",
                "NULL",
                "-999999-01-01T00:00:00Z",
                "99999999999-01-01T00:00:00Z",
                "2024-09-01T00:00:00.123456789Z",
                "2024-09-01",
            ])
            .prop_map(String::from),
            (1i64..10_000, 1u32..14, 0u32..33, 0u32..25, 0u32..61, -30i32..30).prop_map(
                |(y, m, d, h, mi, off)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00{off:+03}:00")
            ),
        ]
        .boxed()
    };
    match column {
        "BilledCost" | "EffectiveCost" | "ListCost" | "ContractedCost" => money(),
        "BillingPeriodStart" | "BillingPeriodEnd" | "ChargePeriodStart" | "ChargePeriodEnd" => time(),
        "BillingCurrency" => select(vec!["USD", "EUR", "usd", "", "US$"])
            .prop_map(String::from)
            .boxed(),
        "ChargeCategory" => select(vec!["Usage", "Purchase", "Tax", "Credit", "Refund"])
            .prop_map(String::from)
            .boxed(),
        "Tags" => select(vec![
            "\"{\"\"team\"\":\"\"a\"\"}\"",
            "\"{}\"",
            "NULL",
            "\"[1,2]\"",
            "\"{\"\"a\"\":\"",
            "\"{\"\"a\"\":1e999}\"",
        ])
        .prop_map(String::from)
        .boxed(),
        _ => string_regex("[A-Za-z0-9 \\-:/]{0,12}").unwrap().boxed(),
    }
}

/// FOCUS's required columns, `Tags`, then optional and 1.1 columns.
pub const FOCUS_COLUMNS: &[&str] = &[
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "BillingAccountId",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "Tags",
    "SubAccountId",
    "RegionId",
    "ServiceSubcategory",
];

pub fn focus_csv() -> BoxedStrategy<Vec<u8>> {
    (
        Just(FOCUS_COLUMNS.to_vec()).prop_shuffle(),
        0usize..3,
        1usize..6,
        any::<u64>(),
    )
        .prop_flat_map(|(mut cols, drop, rows, _)| {
            cols.truncate(FOCUS_COLUMNS.len() - drop);
            let row = cols.iter().map(|c| focus_cell(c)).collect::<Vec<_>>();
            (Just(cols), prop::collection::vec(row, rows))
        })
        .prop_map(|(cols, rows)| {
            let mut s = cols.join(",") + "\n";
            for r in rows {
                s += &(r.join(",") + "\n");
            }
            s.into_bytes()
        })
        .boxed()
}

fn trace_number() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "0",
            "18446744073709551615",
            "18446744073709551616",
            "1e20",
            "-0",
            "nan",
            "",
            " 7 ",
            "1.5"
        ])
        .prop_map(String::from),
        (0u64..1000).prop_map(|n| n.to_string()),
    ]
    .boxed()
}

pub fn trace() -> BoxedStrategy<Vec<u8>> {
    let hash = || string_regex("[a-f0-9]{1,16}").unwrap();
    let invocations = prop::collection::vec(
        (
            hash(),
            hash(),
            hash(),
            select(vec!["http", "timer", ""]),
            trace_number(),
            0usize..1440,
        ),
        1..4,
    )
    .prop_map(|rows| {
        let minutes: Vec<String> = (1..=1440).map(|m| m.to_string()).collect();
        let mut s = format!("HashOwner,HashApp,HashFunction,Trigger,{}\n", minutes.join(","));
        for (o, a, f, t, n, at) in rows {
            let mut cells = vec!["0".to_string(); 1440];
            cells[at] = n;
            s += &format!("{o},{a},{f},{t},{}\n", cells.join(","));
        }
        s
    });
    let durations = prop::collection::vec((hash(), hash(), hash(), prop::collection::vec(trace_number(), 11)), 1..4)
        .prop_map(|rows| {
            let mut s = "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_50,percentile_Average_100\n".to_string();
            for (o, a, f, n) in rows {
                s += &format!("{o},{a},{f},{}\n", n[..7].join(","));
            }
            s
        });
    let memory = prop::collection::vec((hash(), hash(), prop::collection::vec(trace_number(), 4)), 1..4).prop_map(|rows| {
        let mut s = "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct100\n".to_string();
        for (o, a, n) in rows {
            s += &format!("{o},{a},{}\n", n.join(","));
        }
        s
    });
    prop_oneof![invocations, durations, memory]
        .prop_map(String::into_bytes)
        .boxed()
}

pub fn cli_number() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        string_regex(" ?-?[0-9_,]{0,40}(\\.[0-9]{0,30})?([eE][+-]?[0-9]{1,4})?[kKmMbBgG]? ?").unwrap(),
        string_regex("[0-9]{25,35}[kKmMbBgG]").unwrap(),
    ]
    .prop_map(String::into_bytes)
    .boxed()
}

pub fn cli_duration() -> BoxedStrategy<Vec<u8>> {
    horizon().prop_map(String::into_bytes).boxed()
}

pub fn cli_date() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        (any::<i64>(), 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (-3000i64..12000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        string_regex("[+-]?[0-9]{1,25}-[+-]?[0-9]{1,12}-[+-]?[0-9]{1,12}").unwrap(),
    ]
    .prop_map(String::into_bytes)
    .boxed()
}

pub fn cli_range() -> BoxedStrategy<Vec<u8>> {
    (number(), number())
        .prop_map(|(a, b)| format!("{a}..{b}").into_bytes())
        .boxed()
}

pub fn cli_estimate() -> BoxedStrategy<Vec<u8>> {
    let flag = (
        select(vec![
            "requests",
            "cold-starts",
            "duration-ms",
            "init-ms",
            "cpu-ms",
            "hours",
            "vcpu",
            "memory-gb",
            "memory-mb",
            "instances",
            "concurrency",
            "provisioned-concurrency",
            "ephemeral-storage-mb",
        ]),
        prop_oneof![
            number(),
            select(vec![
                "79228162514264337593543950335",
                "18446744073709551615",
                "4294967295",
                "1e28",
                "1M",
                "3B"
            ])
            .prop_map(String::from),
        ],
    )
        .prop_map(|(k, v)| format!("{k}={v}\n"));
    (
        select(PLATFORM_IDS),
        prop::collection::vec(flag, 0..6),
        prop::option::of(select(vec!["1yr", "3yr", "spot"])),
    )
        .prop_map(|(p, flags, pricing)| {
            let mut s = format!("platform={p}\n{}", flags.concat());
            if let Some(x) = pricing {
                s += &format!("pricing={x}\n");
            }
            s.into_bytes()
        })
        .boxed()
}
