//! Inputs big enough that a kill lands while the command writes, not only while it starts: a FOCUS
//! export and an Azure Functions 2019 trace, generated from a seed in the fixtures' layouts.

use super::harness::{below, Rng};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The FOCUS 1.1 columns of `fixtures/focus/multi-cloud-1.1.csv`.
const FOCUS_HEADER: &str = "BilledCost,BillingAccountId,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,CapacityReservationId,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ContractedCost,EffectiveCost,ListCost,ProviderName,RegionId,ResourceId,ServiceCategory,ServiceName,ServiceSubcategory,SkuMeter,SubAccountId,Tags";

/// February 2025 in hours: one charge per function and hour.
const FEB_HOURS: u32 = 28 * 24;

fn hour_stamp(h: u32) -> String {
    if h == FEB_HOURS {
        return "2025-03-01T00:00:00Z".into();
    }
    format!("2025-02-{:02}T{:02}:00:00Z", 1 + h / 24, h % 24)
}

/// A FOCUS 1.1 CSV of `rows` hourly Lambda charges (a function per 672 rows) in `dir`.
pub fn focus_export(dir: &Path, rows: u32, rng: &mut Rng) -> PathBuf {
    let mut s = String::with_capacity(rows as usize * 400);
    s.push_str(FOCUS_HEADER);
    s.push('\n');
    for i in 0..rows {
        let (function, h) = (i / FEB_HOURS, i % FEB_HOURS);
        let cost = format!("{}.{:010}", below(rng, 3), below(rng, 10_000_000_000));
        let _ = writeln!(
            s,
            "{cost},111122223333,USD,2025-03-01T00:00:00Z,2025-02-01T00:00:00Z,NULL,Usage,{end},{start},{cost},{cost},{cost},AWS,eu-west-1,arn:aws:lambda:eu-west-1:111122223333:function:fn-{function},Compute,AWS Lambda,Functions,Lambda-GB-Second,111122223333,\"{{\"\"team\"\":\"\"t{team}\"\"}}\"",
            end = hour_stamp(h + 1),
            start = hour_stamp(h),
            team = function % 7,
        );
    }
    let path = dir.join("focus-export-2025-02.csv");
    std::fs::write(&path, s).expect("write the FOCUS export");
    path
}

/// An Azure Functions 2019 trace of `functions` functions over `days` days in `dir`, with a
/// durations file per day and a memory file per day; returns the invocations files.
pub fn azure_trace(dir: &Path, functions: u32, days: u32, rng: &mut Rng) -> Vec<PathBuf> {
    let owner = "0f0e0d0c0b0a09080706050403020100";
    let app = |f: u32| format!("{:032x}", 0xa000 + f / 10);
    let function = |f: u32| format!("{:08x}{:04x}{:020x}", 0xc0ffee00u32 + f, f, 0);
    let mut invocation_files = Vec::new();
    for day in 1..=days {
        let mut inv = String::from("HashOwner,HashApp,HashFunction,Trigger");
        for m in 1..=1440 {
            let _ = write!(inv, ",{m}");
        }
        inv.push('\n');
        let mut dur = String::from("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\n");
        for f in 0..functions {
            let trigger = ["http", "timer", "queue", "event"][(f % 4) as usize];
            let _ = write!(inv, "{owner},{},{},{trigger}", app(f), function(f));
            let rate = 1 + below(rng, 30);
            for _ in 0..1440 {
                let _ = write!(inv, ",{}", below(rng, rate));
            }
            inv.push('\n');
            let p50 = 5 + below(rng, 500);
            let _ = writeln!(
                dur,
                "{owner},{},{},{p50},{},1.0,{}.0,1,{},{},{p50},{},{},{}",
                app(f),
                function(f),
                1440 * rate / 2,
                p50 * 8,
                p50 / 4 + 1,
                p50 / 2 + 1,
                p50 * 2,
                p50 * 5,
                p50 * 8
            );
        }
        let mut mem = String::from("HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n");
        for a in 0..functions.div_ceil(10) {
            let avg = 100 + below(rng, 400);
            let _ = writeln!(
                mem,
                "{owner},{},1440,{avg},{},{},{},{avg},{},{},{},{}",
                app(a * 10),
                avg / 2,
                avg * 6 / 10,
                avg * 8 / 10,
                avg * 11 / 10,
                avg * 13 / 10,
                avg * 14 / 10,
                avg * 15 / 10
            );
        }
        let inv_path = dir.join(format!("invocations_per_function_md.anon.d{day:02}.csv"));
        std::fs::write(&inv_path, inv).expect("write the invocations file");
        std::fs::write(
            dir.join(format!("function_durations_percentiles.anon.d{day:02}.csv")),
            dur,
        )
        .expect("write the durations file");
        std::fs::write(
            dir.join(format!("app_memory_percentiles.anon.d{day:02}.csv")),
            mem,
        )
        .expect("write the memory file");
        invocation_files.push(inv_path);
    }
    invocation_files
}
