"""Seed the test AWS endpoint (server.py) with a small Lambda estate through boto3.

Creates N functions (mixed runtimes, memory sizes and architectures), provisioned concurrency on
the first one, per-minute CloudWatch data for the recent hours and for a few hours 20 days ago
(so a 30-day sync reads both 60 s and 300 s periods), Lambda's REPORT records in log groups (see
seed_logs), and queues a Cost Explorer result for the days a sync asks for. Prints a JSON summary
with the counts a complete sync must store.
"""

import argparse
import io
import json
import random
import time
import urllib.request
import zipfile
from datetime import datetime, timezone

import boto3

RUNTIMES = ["python3.12", "nodejs22.x", "java21", "provided.al2023"]
MEMORY = [128, 256, 512, 1024, 1769, 3008]
DAY = 86400
SHARED_GROUP = "/custom/app-logs"


def client(args, service):
    return boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=args.endpoint,
        aws_access_key_id=args.access_key,
        aws_secret_access_key="breakeven-test-secret",
    )


def post(args, path, payload):
    req = urllib.request.Request(
        args.endpoint + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def tiny_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def report_text(rid, d, billed, size, used, init):
    line = f"REPORT RequestId: {rid}\tDuration: {d / 100:.2f} ms\tBilled Duration: {billed} ms\tMemory Size: {size} MB\tMax Memory Used: {used} MB\t"
    if init is not None:
        line += f"Init Duration: {init / 100:.2f} ms\t"
    return line


def report_json(rid, t, d, billed, size, used, init):
    metrics = {"durationMs": d / 100, "billedDurationMs": billed, "memorySizeMB": size, "maxMemoryUsedMB": used}
    if init is not None:
        metrics["initDurationMs"] = init / 100
    iso = datetime.fromtimestamp(t / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps({"time": iso, "type": "platform.report", "record": {"requestId": rid, "metrics": metrics, "status": "success"}})


def seed_logs(args, rng, names, memory, hour_starts, now):
    """REPORT records for every function but the third (which has no log group): text format in
    /aws/lambda/NAME, except the second (JSON format) and the fourth (text), which share the custom
    group SHARED_GROUP their LoggingConfig names, in streams named after the function as Lambda
    names them there. Each seeded hour gets a few invocations, the first a cold start, with START
    and function output lines around them, and one unreadable REPORT line per function. Returns
    what a sync must store per function (sums in hundredths of a ms, exact value counts)."""
    logs = client(args, "logs")
    expected = {}
    for i, name in enumerate(names):
        if i == 2:
            continue
        json_format = i == 1
        shared = i in (1, 3)
        group = SHARED_GROUP if shared else f"/aws/lambda/{name}"
        prefix = f"2026/01/01/{name}" if shared else "2026/01/01/"
        if shared:
            fmt = "JSON" if json_format else "Text"
            post(args, "/__adapter/logging-config", {name: {"LogFormat": fmt, "LogGroup": group}})
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        for k in (0, 1):
            logs.create_log_stream(logGroupName=group, logStreamName=f"{prefix}[$LATEST]000{k}")
        streams = {0: [], 1: []}
        e = {"invocations": 0, "cold_starts": 0, "init_cms": 0, "duration_cms": 0, "billed_ms": 0,
             "init_ms": {}, "memory_used_mb": {}, "memory_size_mb": memory[i], "hours": 0, "malformed": 1}
        for h in hour_starts:
            e["hours"] += 1
            for k in range(rng.randint(1, 5)):
                t = (h + 60 + k * 300 + rng.randint(0, 200)) * 1000
                if k > 0 and t > (now - 300) * 1000:
                    break  # no record from the future of the sync that reads them
                rid = f"{name}-{h}-{k}"
                cold = k == 0 or rng.random() < 0.2
                init = rng.randint(5000, 90000) if cold else None
                d = rng.randint(100, 50000)
                billed = -(-d // 100) + (-(-init // 100) if init is not None else 0)
                used = rng.randint(40, memory[i])
                s = streams[k % 2]
                if json_format:
                    s.append((t - 1, json.dumps({"time": "x", "type": "platform.start", "record": {"requestId": rid}})))
                    s.append((t, report_json(rid, t, d, billed, memory[i], used, init)))
                else:
                    s.append((t - 1, f"START RequestId: {rid} Version: $LATEST"))
                    s.append((t, f"handled {rid}: not a REPORT RequestId: line"))
                    s.append((t, report_text(rid, d, billed, memory[i], used, init)))
                e["invocations"] += 1
                e["duration_cms"] += d
                e["billed_ms"] += billed
                u = str(used)
                e["memory_used_mb"][u] = e["memory_used_mb"].get(u, 0) + 1
                if init is not None:
                    e["cold_starts"] += 1
                    e["init_cms"] += init
                    c = str(-(-init // 100))
                    e["init_ms"][c] = e["init_ms"].get(c, 0) + 1
        broken = "REPORT RequestId: broken\tDuration: ms" if not json_format else '{"type":"platform.report","record":{"metrics":{}}}'
        streams[0].append((hour_starts[-1] * 1000 + 30_000, broken))
        for k, events in streams.items():
            events.sort()
            for j in range(0, len(events), 5000):
                logs.put_log_events(
                    logGroupName=group,
                    logStreamName=f"{prefix}[$LATEST]000{k}",
                    logEvents=[{"timestamp": t, "message": m} for t, m in events[j : j + 5000]],
                )
        expected[name] = e
    return expected


def nearest_rank(values, q):
    s = sorted(values)
    k = max(1, -(-q * len(s) // 100))
    return s[int(k) - 1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key", default="AKIDBREAKEVENTEST")
    p.add_argument("--functions", type=int, default=6)
    p.add_argument("--hours", type=int, default=3, help="recent hours of per-minute data")
    p.add_argument("--old-hours", type=int, default=2, help="hours of data 20 days ago")
    p.add_argument("--cost-days", type=int, default=30)
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--no-logs", action="store_true", help="create no log groups")
    args = p.parse_args()
    rng = random.Random(args.seed)

    iam = client(args, "iam")
    role = iam.create_role(RoleName="breakeven-test-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = client(args, "lambda")
    names = []
    memory = []
    code = tiny_zip()
    for i in range(args.functions):
        name = f"fn-{i:03d}"
        lam.create_function(
            FunctionName=name,
            Runtime=RUNTIMES[i % len(RUNTIMES)],
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": code},
            MemorySize=MEMORY[i % len(MEMORY)],
            Architectures=["arm64" if i % 2 else "x86_64"],
            Timeout=30,
            EphemeralStorage={"Size": 1024 if i % 3 == 0 else 512},
        )
        names.append(name)
        memory.append(MEMORY[i % len(MEMORY)])
    pc_function = names[0]
    arn = lam.get_function_configuration(FunctionName=pc_function)["FunctionArn"]
    post(
        args,
        "/__adapter/provisioned-concurrency",
        {
            pc_function: [
                {
                    "FunctionArn": f"{arn}:live",
                    "RequestedProvisionedConcurrentExecutions": 5,
                    "AvailableProvisionedConcurrentExecutions": 5,
                    "AllocatedProvisionedConcurrentExecutions": 5,
                    "Status": "READY",
                    "LastModified": "2026-01-01T00:00:00.000+0000",
                }
            ]
        },
    )

    now = int(time.time())
    recent_end = now - now % 60 - 15 * 60
    recent = range(recent_end - args.hours * 3600, recent_end, 60)
    midnight = now - now % DAY
    old_start = midnight - 20 * DAY + 6 * 3600
    old = range(old_start, old_start + args.old_hours * 3600, 60)

    cw = client(args, "cloudwatch")
    data = []
    live = {"60": 0, "300": set()}
    probe = None
    for name in names:
        dims = [{"Name": "FunctionName", "Value": name}]
        for t in list(recent) + list(old):
            n = rng.choice([0, 1, 2, 3, 5, 8, 13])
            if n == 0:
                continue
            ts = datetime.fromtimestamp(t, tz=timezone.utc)
            durations = [round(rng.lognormvariate(4.0, 0.6), 2) for _ in range(n)]
            if t in recent:
                live["60"] += 1
            else:
                live["300"].add((name, t - t % 300))
            if probe is None and t in recent and n >= 5:
                probe = {
                    "function": name,
                    "ts": t,
                    "invocations": n,
                    "average": sum(durations) / n,
                    "p50": nearest_rank(durations, 50),
                    "p90": nearest_rank(durations, 90),
                    "p99": nearest_rank(durations, 99),
                    "maximum": max(durations),
                }
            data += [
                {"MetricName": "Invocations", "Dimensions": dims, "Timestamp": ts, "Value": n, "Unit": "Count"},
                {"MetricName": "Errors", "Dimensions": dims, "Timestamp": ts, "Value": n // 5, "Unit": "Count"},
                {"MetricName": "Throttles", "Dimensions": dims, "Timestamp": ts, "Value": 0, "Unit": "Count"},
                {"MetricName": "Duration", "Dimensions": dims, "Timestamp": ts, "Values": durations, "Unit": "Milliseconds"},
                {"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": ts, "Value": min(n, 4), "Unit": "Count"},
            ]
            if name == pc_function:
                res = dims + [{"Name": "Resource", "Value": f"{name}:live"}]
                data += [
                    {"MetricName": "ProvisionedConcurrencyUtilization", "Dimensions": res, "Timestamp": ts, "Value": min(n, 5) / 5},
                    {"MetricName": "ProvisionedConcurrencySpilloverInvocations", "Dimensions": res, "Timestamp": ts, "Value": max(0, n - 5)},
                ]
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace="AWS/Lambda", MetricData=data[i : i + 500])

    # REPORT records: the recent hours, and two hours 10 days ago (CloudWatch Logs takes events up
    # to 14 days old), so a 30-day sync reads them in two week-long chunks.
    hour_starts = sorted({t - t % 3600 for t in recent} | {midnight - 10 * DAY + 6 * 3600, midnight - 10 * DAY + 7 * 3600})
    log_expected = {} if args.no_logs else seed_logs(args, rng, names, memory, hour_starts, now)

    # Cost Explorer answers per request body, in the order they are queued: the sync asks for
    # SERVICE x USAGE_TYPE, then RECORD_TYPE x USAGE_TYPE. A $0.01/hour Compute Savings Plan
    # covers $0.20 of on-demand Arm duration a day at $0.18 (10% off keeps the figures round):
    # $0.06 of its $0.24 a day goes unused.
    today = midnight // DAY
    by_service, by_record = [], []
    ut_arm = "Lambda-GB-Second-ARM"
    for d in range(today - args.cost_days, today):
        day = datetime.fromtimestamp(d * DAY, tz=timezone.utc).strftime("%Y-%m-%d")
        nxt = datetime.fromtimestamp((d + 1) * DAY, tz=timezone.utc).strftime("%Y-%m-%d")
        request = "0.0000002" if d % 2 else "0.0124"
        # (first key, usage type, unblended, amortized, quantity, unit)
        service_rows = [
            ("AWS Lambda", "Request", request, request, "62000", "Requests"),
            # On demand $0.2144533333, of which $0.20 covered (unblended net of the negation).
            ("AWS Lambda", ut_arm, "0.0144533333", "0.1944533333", "16084", "Lambda-GB-Second"),
            ("Amazon CloudWatch", "CW:GMD-Metrics", "0.01", "0.01", "1000", "Metrics"),
            ("Savings Plans for AWS Compute usage", "ComputeSP:1yrNoUpfront", "0.24", "0.06", "24", "Hrs"),
        ]
        record_rows = [
            ("Usage", "Request", request, request, "62000", "Requests"),
            ("Usage", ut_arm, "0.0144533333", "0.0144533333", "1084", "Lambda-GB-Second"),
            ("SavingsPlanCoveredUsage", ut_arm, "0.2", "0.18", "15000", "Lambda-GB-Second"),
            ("SavingsPlanNegation", ut_arm, "-0.2", "0", "0", "Lambda-GB-Second"),
            ("Usage", "CW:GMD-Metrics", "0.01", "0.01", "1000", "Metrics"),
            ("SavingsPlanRecurringFee", "ComputeSP:1yrNoUpfront", "0.24", "0.06", "24", "Hrs"),
        ]
        for rows, out in [(service_rows, by_service), (record_rows, by_record)]:
            groups = [
                {
                    "Keys": [first, usage_type],
                    "Metrics": {
                        "UnblendedCost": {"Amount": unblended, "Unit": "USD"},
                        "AmortizedCost": {"Amount": amortized, "Unit": "USD"},
                        "UsageQuantity": {"Amount": qty, "Unit": unit},
                    },
                }
                for first, usage_type, unblended, amortized, qty, unit in rows
            ]
            out.append(
                {"TimePeriod": {"Start": day, "End": nxt}, "Total": {}, "Groups": groups, "Estimated": d >= today - 2}
            )
    post(
        args,
        "/moto-api/static/ce/cost-and-usage-results",
        {
            "results": [
                {
                    "GroupDefinitions": [{"Type": "DIMENSION", "Key": first}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
                    "ResultsByTime": results,
                    "DimensionValueAttributes": [],
                }
                for first, results in [("SERVICE", by_service), ("RECORD_TYPE", by_record)]
            ]
        },
    )
    pc_points = sum(1 for d in data if d["MetricName"] == "ProvisionedConcurrencyUtilization" and d["Timestamp"].timestamp() in recent)
    pc_old = {d["Timestamp"].timestamp() // 300 for d in data if d["MetricName"] == "ProvisionedConcurrencyUtilization" and d["Timestamp"].timestamp() not in recent}
    # A complete 30-day sync stores, per live minute, 9 function series, and per live 5-minute
    # bucket 20 days ago the same 9; the provisioned function adds 2 per-alias series.
    points = 9 * (live["60"] + len(live["300"])) + 2 * (pc_points + len(pc_old))
    print(
        json.dumps(
            {
                "functions": names,
                "provisioned_function": pc_function,
                "metric_points": points,
                "cost_rows": 4 * args.cost_days,
                "cost_record_rows": 6 * args.cost_days,
                "probe": probe,
                "logs": log_expected,
                "log_hours": sum(e["hours"] for e in log_expected.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
