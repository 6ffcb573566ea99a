//! `breakeven sync` against a real AWS-protocol server: moto in server mode behind the test
//! adapter in `tests/moto/server.py`, seeded through boto3. Every request goes to 127.0.0.1.
//!
//! Python comes from `BREAKEVEN_PYTHON` (the test script's venv), else `python3`. Without a
//! Python that has moto, boto3 and cbor2 these tests print why and pass without running.

mod athena;
mod insights;
mod logs;
mod org;
mod secrets;
mod silent;
mod wire;

use crate::support::{bin, stderr, stdout};
use breakeven::store::status::{table_counts, TableCounts};
use breakeven::store::Store;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) const KEY: &str = "AKIDBREAKEVENTEST";

fn moto_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/moto")
}

/// A Python with moto, boto3 and cbor2, or `None` (with the reason printed).
pub(crate) fn python() -> Option<String> {
    let py = std::env::var("BREAKEVEN_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import moto, boto3, cbor2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!(
            "SKIPPED: no Python with moto, boto3 and cbor2 at `{py}`: set BREAKEVEN_PYTHON to a venv \
             made from tests/moto/requirements.txt"
        );
    }
    ok.then_some(py)
}

/// The adapter + moto, killed when dropped.
pub(crate) struct Aws {
    child: Child,
    url: String,
    py: String,
}

impl Aws {
    pub(crate) fn start(py: &str, extra: &[&str]) -> Aws {
        let mut child = Command::new(py)
            .arg(moto_dir().join("server.py"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the moto adapter");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("adapter stdout"))
            .read_line(&mut line)
            .expect("adapter port");
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("adapter said {line:?}: {e}"));
        let url = format!("http://127.0.0.1:{}", v["port"]);
        Aws {
            child,
            url,
            py: py.to_string(),
        }
    }

    /// Seed functions, metrics and costs; returns the seed's summary.
    pub(crate) fn seed(&self, extra: &[&str]) -> Value {
        let o = Command::new(&self.py)
            .arg(moto_dir().join("seed.py"))
            .args(["--endpoint", &self.url, "--access-key", KEY])
            .args(extra)
            .output()
            .expect("run seed.py");
        assert!(
            o.status.success(),
            "seed failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_str(&String::from_utf8_lossy(&o.stdout)).expect("seed summary")
    }

    /// `breakeven sync` against this server: see [`sync_command`].
    pub(crate) fn sync_command(&self, db: &Path, key: &str, extra: &[&str]) -> Command {
        sync_command(&self.url, db, key, extra)
    }

    fn sync(&self, db: &Path, extra: &[&str]) -> Output {
        self.sync_command(db, KEY, extra)
            .output()
            .expect("run breakeven sync")
    }
}

/// `breakeven sync` as a command, with `endpoint` as the AWS endpoint and `key` as the access
/// key, over 30 days unless `extra` says `--days`; no config file, profile or instance metadata
/// can leak in.
fn sync_command(endpoint: &str, db: &Path, key: &str, extra: &[&str]) -> Command {
    let home = db.parent().expect("db dir");
    let mut c = Command::new(bin());
    c.args(["--db", db.to_str().expect("utf-8 path"), "sync", "--json"])
        .args(extra);
    // A test that chooses its days passes them in `extra`.
    if !extra.contains(&"--days") {
        c.args(["--days", "30"]);
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", "breakeven-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_DEFAULT_REGION");
    c
}

impl Drop for Aws {
    fn drop(&mut self) {
        // The adapter is our own child: ending it by its handle stops moto with it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn report(o: &Output) -> Value {
    assert!(o.status.success(), "sync failed: {}", stderr(o));
    serde_json::from_str(&stdout(o)).expect("sync --json")
}

fn counts(db: &Path) -> TableCounts {
    table_counts(Store::open(db).unwrap().conn()).unwrap()
}

/// Σ of a JSON object of counts.
fn total(v: &Value) -> u64 {
    v.as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0)
}

/// Rows of Cost Explorer's record-type answer stored.
fn cost_records(db: &Path) -> u64 {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row("SELECT COUNT(*) FROM daily_cost_records", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap() as u64
}

fn ce_requests(r: &Value) -> u64 {
    r["requests"]["ce:GetCostAndUsage"].as_u64().unwrap_or(0)
}

fn stored(db: &Path, function: &str, metric: &str, stat: &str, ts: i64) -> f64 {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
             JOIN functions f ON f.id = s.function_id
             WHERE f.name = ?1 AND s.metric = ?2 AND s.stat = ?3 AND s.period_s = 60 AND p.ts = ?4",
            rusqlite::params![function, metric, stat, ts],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{function} {metric} {stat} at {ts}: {e}"))
}

#[test]
fn first_sync_stores_everything_and_a_second_adds_nothing() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY]);
    let seed = aws.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.sqlite");

    let first = report(&aws.sync(&db, &[]));
    assert_eq!(first["status"], "ok");
    let c = counts(&db);
    assert_eq!(c.accounts, 1);
    assert_eq!(c.functions, 6);
    assert_eq!(c.metric_points, seed["metric_points"].as_u64().unwrap(), "{c:?}");
    assert_eq!(c.daily_costs, seed["cost_rows"].as_u64().unwrap());
    assert_eq!(c.cost_days, 30);
    // By service and usage type, then by record type and usage type.
    assert_eq!(ce_requests(&first), 2);
    assert_eq!(cost_records(&db), seed["cost_record_rows"].as_u64().unwrap());
    assert_eq!(first["requests"]["sts:GetCallerIdentity"], 1);
    assert_eq!(first["requests"]["lambda:ListFunctions"], 1);
    assert_eq!(first["requests"]["lambda:ListProvisionedConcurrencyConfigs"], 6);
    // 6 functions × 9 queries (+2 per-alias) per window fit in one request each: 60 s and 300 s.
    assert_eq!(first["requests"]["cloudwatch:GetMetricData"], 2);
    // Nothing failed, so every call took exactly one HTTP attempt.
    assert_eq!(total(&first["http_attempts"]), total(&first["requests"]));
    assert_eq!(
        first["http_attempts"]["cloudwatch"], 4,
        "ListMetrics ×2 + GetMetricData ×2"
    );

    // The percentiles CloudWatch computes from raw values arrived intact through CBOR.
    let p = &seed["probe"];
    let f = p["function"].as_str().unwrap();
    let ts = p["ts"].as_i64().unwrap();
    for (stat, key) in [
        ("p50", "p50"),
        ("p90", "p90"),
        ("p99", "p99"),
        ("Average", "average"),
        ("Maximum", "maximum"),
    ] {
        let want = p[key].as_f64().unwrap();
        let got = stored(&db, f, "Duration", stat, ts);
        assert!((got - want).abs() < 1e-9, "{stat}: {got} != {want}");
    }
    assert_eq!(
        stored(&db, f, "Invocations", "Sum", ts),
        p["invocations"].as_f64().unwrap()
    );

    let store = Store::open(&db).unwrap();
    let pc: u32 = store
        .conn()
        .query_row(
            "SELECT provisioned_concurrency FROM functions WHERE name = ?1",
            [seed["provisioned_function"].as_str().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pc, 5);
    let per_alias: u32 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM metric_series WHERE resource = 'fn-000:live'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(per_alias, 4, "utilization and spillover at 60 s and 300 s");
    let arm: u32 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM functions WHERE architecture = 'arm64'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(arm, 3);

    let second = report(&aws.sync(&db, &[]));
    assert_eq!(second["rows_written"], 0, "{second}");
    assert_eq!(ce_requests(&second), 0);
    assert_eq!(counts(&db), c);
    assert_eq!(cost_records(&db), seed["cost_record_rows"].as_u64().unwrap());

    // The Savings Plan in the record types: $0.20 on-demand covered for $0.18 of a $0.24
    // commitment each day, and billed Lambda reconciled at its on-demand equivalent.
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "analyse", "--json"]);
    let an: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let cm = &an["commitments"];
    assert_eq!(cm["found"], true, "{cm}");
    let days = cm["days"].as_array().unwrap();
    // The default range (30 days to the last day with data) holds 29 or 30 of the cost days.
    let n = days.len() as i64;
    assert!((29..=30).contains(&n), "{n}");
    let times = |usd: i64, cents: u32| {
        (rust_decimal::Decimal::new(usd, cents) * rust_decimal::Decimal::from(n))
            .normalize()
            .to_string()
    };
    assert_eq!(days[0]["commitment_usd"], "0.24");
    assert_eq!(days[0]["used_usd"], "0.18");
    assert_eq!(days[0]["unused_usd"], "0.06");
    assert_eq!(days[0]["utilisation"], "0.75");
    assert_eq!(days[0]["covered_on_demand_usd"], "0.2");
    // Eligible: the covered Arm duration and its uncovered $0.0144533333 (kept to the
    // nano-dollar, as every money column of the analytics is); requests are not.
    assert_eq!(days[0]["eligible_on_demand_usd"], "0.214453333");
    assert_eq!(days[0]["coverage"], "0.9326");
    let total = &cm["totals"][0];
    assert_eq!(total["commitment_usd"], times(24, 2));
    assert_eq!(total["saving_usd"], times(2, 2));
    assert_eq!(total["net_saving_usd"], times(-4, 2));
    let lambda = cm["effective_rates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "AWS Lambda")
        .unwrap();
    assert_eq!(lambda["saving_usd"], times(2, 2));
    let reconciled_day = &an["reconciliation"]["days"].as_array().unwrap()[0];
    let billed: f64 = reconciled_day["billed_usd"].as_str().unwrap().parse().unwrap();
    assert!(billed >= 0.2144533333, "negation added back: {reconciled_day}");

    // db status shows the account, the ranges and the last sync.
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "db", "status", "--json"]);
    let s: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["accounts"][0]["key"], "123456789012");
    assert_eq!(s["accounts"][0]["cost_rows"], seed["cost_rows"]);
    assert_eq!(s["last_sync"][0]["source"], "aws");
    assert_eq!(s["last_sync"][0]["status"], "ok");
}

#[test]
fn a_killed_sync_resumes_to_exactly_the_rows_of_an_uninterrupted_one() {
    let Some(py) = python() else { return };
    // Small pages make many requests, so the kill lands mid-sync.
    let aws = Aws::start(&py, &["--access-key", KEY, "--max-datapoints", "1000"]);
    aws.seed(&["--functions", "8", "--hours", "4"]);
    let dir = tempfile::tempdir().unwrap();

    let whole = dir.path().join("whole.sqlite");
    report(&aws.sync(&whole, &[]));
    let want = counts(&whole);

    let killed = dir.path().join("killed.sqlite");
    let mut kills = 0;
    // Kill at the first stored points, then again once more are stored, then let it finish.
    for threshold in [1, want.metric_points / 2] {
        let mut child = aws
            .sync_command(&killed, KEY, &[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            let n = if killed.exists() {
                Store::open(&killed)
                    .map(|s| table_counts(s.conn()).map(|c| c.metric_points).unwrap_or(0))
                    .unwrap_or(0)
            } else {
                0
            };
            if n >= threshold {
                child.kill().unwrap();
                kills += 1;
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "sync never stored {threshold} points"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        child.wait().unwrap();
        let partial = counts(&killed);
        assert!(
            partial.metric_points < want.metric_points || kills == 0,
            "{partial:?}"
        );
    }
    assert!(kills >= 1, "the sync finished before it could be killed");
    let resumed = report(&aws.sync(&killed, &[]));
    assert_eq!(resumed["status"], "ok");
    assert_eq!(counts(&killed), want);
    // The killed runs stay visible as never finished.
    let running: u32 = Store::open(&killed)
        .unwrap()
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM sync_runs WHERE status = 'running'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(running, kills);
}

#[test]
fn throttling_and_5xx_answers_are_retried() {
    let Some(py) = python() else { return };
    // Every 4th request fails, alternately 503 and a throttling error in the service's protocol.
    let aws = Aws::start(&py, &["--access-key", KEY, "--fail-every", "4"]);
    let seed = aws.seed(&[]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite");
    let r = report(&aws.sync(&db, &["--max-attempts", "4"]));
    let c = counts(&db);
    assert_eq!(c.metric_points, seed["metric_points"].as_u64().unwrap());
    assert_eq!(c.daily_costs, seed["cost_rows"].as_u64().unwrap());
    assert_eq!(ce_requests(&r), 2);
    let stats: Value = {
        let o = Command::new(&py)
            .args(["-c", &format!("import urllib.request;print(urllib.request.urlopen('{}/__adapter/stats').read().decode())", aws.url)])
            .output()
            .unwrap();
        serde_json::from_str(&String::from_utf8_lossy(&o.stdout)).unwrap()
    };
    let faults = stats["faults"].as_u64().unwrap();
    assert!(faults >= 3, "{stats}");
    // The sync's own faults were retried, and its attempt count shows them.
    let retried = total(&r["http_attempts"]) - total(&r["requests"]);
    assert!(
        retried >= 1 && retried <= faults,
        "{retried} retries, {faults} faults: {r}"
    );
}

#[test]
fn bad_credentials_and_missing_permissions_fail_clearly() {
    let Some(py) = python() else { return };
    let aws = Aws::start(&py, &["--access-key", KEY, "--deny", "ce:GetCostAndUsage"]);
    aws.seed(&["--functions", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.sqlite");

    let o = aws.sync_command(&db, "AKIDWRONGKEY", &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("rejected the credentials") && err.contains("InvalidClientTokenId"),
        "{err}"
    );
    assert!(
        !err.contains("breakeven-test-secret"),
        "the secret must never be printed"
    );
    assert_eq!(counts(&db).functions, 0);

    let o = aws.sync(&db, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("missing IAM permission: ce:GetCostAndUsage"),
        "{err}"
    );
    // What was fetched before the denied call is kept, and the run is recorded as failed.
    assert_eq!(counts(&db).functions, 2);
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "db", "status", "--json"]);
    let s: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["last_sync"][0]["status"], "failed");
    assert!(s["last_sync"][0]["error"]
        .as_str()
        .unwrap()
        .contains("ce:GetCostAndUsage"));

    // --no-costs skips Cost Explorer, so the same identity syncs.
    let r = report(&aws.sync(&db, &["--no-costs"]));
    assert_eq!(ce_requests(&r), 0);
}

/// Run `c`, failing the test if it is still running after `secs` seconds.
fn output_within(mut c: Command, secs: u64) -> (Output, Duration) {
    let t0 = Instant::now();
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run breakeven sync");
    while child.try_wait().expect("wait").is_none() {
        if t0.elapsed() > Duration::from_secs(secs) {
            child.kill().expect("kill");
            child.wait().expect("reap");
            panic!("sync still ran after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (child.wait_with_output().expect("output"), t0.elapsed())
}

#[test]
fn sync_against_an_endpoint_that_never_answers_times_out_and_records_the_run_failed() {
    let silent = silent::Silent::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    let c = sync_command(
        &silent.url(),
        &db,
        KEY,
        &["--timeout", "1", "--max-attempts", "2", "--region", "us-east-1"],
    );
    let (o, took) = output_within(c, 60);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("could not reach AWS for sts:GetCallerIdentity") && err.contains("--timeout"),
        "{err}"
    );
    // Two attempts of 1 s and one backoff (at most 20 s, about 1 s at the first retry).
    assert!(took < Duration::from_secs(25), "took {took:?}");
    assert!(silent.accepted() >= 1, "the sync never reached the endpoint");
    let o = crate::support::run(&["--db", db.to_str().unwrap(), "db", "status", "--json"]);
    let s: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(s["last_sync"][0]["status"], "failed", "{s}");
    assert!(
        s["last_sync"][0]["error"]
            .as_str()
            .unwrap()
            .contains("sts:GetCallerIdentity"),
        "{s}"
    );
}

#[test]
fn sync_with_environment_credentials_and_a_region_never_asks_the_instance_metadata_service() {
    // Both endpoints are local listeners that never answer: nothing leaves the machine.
    let imds = silent::Silent::start();
    let api = silent::Silent::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite");
    let sync = |extra: &[&str]| {
        let mut c = sync_command(&api.url(), &db, KEY, extra);
        c.env_remove("AWS_REGION")
            .env_remove("AWS_EC2_METADATA_DISABLED")
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
        output_within(c, 60).0
    };
    let o = sync(&["--region", "us-east-1", "--timeout", "1", "--max-attempts", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(api.accepted() >= 1, "{}", stderr(&o));
    assert_eq!(imds.accepted(), 0, "the instance metadata service was asked");
    // Without a region anywhere, the SDK's region chain does ask it: the listener sees that.
    let o = sync(&["--timeout", "1", "--max-attempts", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("no region"), "{}", stderr(&o));
    assert!(imds.accepted() >= 1, "the control run never reached the listener");
}
