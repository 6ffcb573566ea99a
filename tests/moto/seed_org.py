"""Seed the test AWS endpoint (server.py) with an organisation's Lambda metrics, fast.

N accounts x M functions x D days of hourly AWS/Lambda points: Invocations, Errors,
ConcurrentExecutions (one value each) and Duration (StatisticValues: SampleCount = the hour's
invocations, Sum, Minimum, Maximum), stored in moto's CloudWatch backend of each account, then the
first account declared a monitoring account of the others (POST /__adapter/monitoring). About 10%
of function-hours have no invocation and no datapoint, as on Lambda. Every value is a whole number
or a multiple of 0.25 ms, so any sum of them is exact in binary floating point: the adapter's sums
must equal the seeder's to the last digit.

--via bulk (default) posts each account's series as columns to the adapter's
POST /__adapter/metric-data (5 x 400 x 7 days, 1.2 million datums: about 6 s); --via cbor sends
CloudWatch PutMetricData requests in Smithy RPC v2 CBOR as the Rust SDK would (1,000 datums a
request, SigV4-signed, the account named by moto's x-moto-account-id header; about 20,000
datums/s).

Function names: even-numbered functions share their name across accounts (fn-0000, fn-0002, ...),
odd-numbered ones are unique (fn-0001-a1); so GROUP BY FunctionName merges accounts and
GROUP BY AWS.AccountId, FunctionName does not. Extras a query may see: the first function of each
account also has Invocations with dimensions {FunctionName, Resource=NAME:live} (excluded by
SCHEMA("AWS/Lambda", FunctionName), included by FROM "AWS/Lambda"); each account has an
account-level ConcurrentExecutions series without dimensions (group `Other`); the first function of
the monitoring account has two hourly Invocations points --old-days ago (past Metrics Insights'
two weeks; CloudWatch itself would refuse them, moto keeps them).

The summary (returned by seed(); main() prints its counts, --summary-file gets all of it) holds
per account, function and metric the hourly and daily (UTC) figures as columns t / sum / count /
min / max, computed here from integers (Duration in quarter milliseconds), independently of the
adapter: figures[account][function][metric]["hourly" | "daily"].
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.request
from urllib.parse import urlparse

import cbor2
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HOUR, DAY = 3600, 86400
METRICS = ("Invocations", "Errors", "Duration", "ConcurrentExecutions")
CBOR_PREFIX = "/service/GraniteServiceVersion20100801/operation/"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True)
    p.add_argument("--access-key", default="AKIDBREAKEVENTEST")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--accounts", type=int, default=5, help="accounts, the first the monitoring account")
    p.add_argument("--functions", type=int, default=400, help="functions per account")
    p.add_argument("--days", type=int, default=7, help="days of hourly points, ending at the current hour")
    p.add_argument("--monitoring", default="123456789012", help="the monitoring account (moto's default account)")
    p.add_argument("--old-days", type=int, default=20, help="age of the two old points (0: none)")
    p.add_argument("--no-monitoring", action="store_true", help="do not declare the monitoring account")
    p.add_argument("--via", choices=("bulk", "cbor"), default="bulk",
                   help="bulk: the adapter's POST /__adapter/metric-data (fast); cbor: PutMetricData requests")
    p.add_argument("--threads", type=int, default=2, help="concurrent PutMetricData connections (--via cbor)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--now", type=int, default=0, help="epoch seconds taken as now (0: the clock)")
    p.add_argument("--summary-file", help="write the full summary here (stdout gets the counts)")
    p.add_argument("--inventory", metavar="CREDENTIALS_FILE",
                   help="also create each account's Lambda functions, and an IAM user with an access key per "
                        "account, written to this AWS shared-credentials file as profiles org-0, org-1, ... "
                        "(org-0 the monitoring account)")
    return p.parse_args(argv)


class CborCloudWatch:
    """CloudWatch over Smithy RPC v2 CBOR, as the Rust SDK sends it: POST
    /service/GraniteServiceVersion20100801/operation/ACTION, CBOR body, SigV4 (service
    `monitoring`). One keep-alive connection per instance."""

    def __init__(self, endpoint, access_key, region, secret="breakeven-test-secret"):
        u = urlparse(endpoint)
        self.endpoint, self.host, self.port = endpoint.rstrip("/"), u.hostname, u.port
        self.signer = SigV4Auth(Credentials(access_key, secret), "monitoring", region)
        self.conn = None

    def call(self, action, body, account=None):
        """(HTTP status, decoded CBOR answer, headers)."""
        data = cbor2.dumps(body)
        headers = {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
        if account:
            headers["x-moto-account-id"] = account
        req = AWSRequest("POST", self.endpoint + CBOR_PREFIX + action, data=data, headers=headers)
        self.signer.add_auth(req)
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                self.conn.request("POST", CBOR_PREFIX + action, body=data, headers=dict(req.headers.items()))
                resp = self.conn.getresponse()
                raw = resp.read()
                return resp.status, (cbor2.loads(raw) if raw else {}), dict(resp.getheaders())
            except (ConnectionError, http.client.HTTPException):
                self.conn = None
                if attempt:
                    raise

    def close(self):
        if self.conn:
            self.conn.close()


def post(endpoint, path, payload):
    req = urllib.request.Request(endpoint + path, data=json.dumps(payload).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def account_ids(args):
    return [args.monitoring] + [f"{200000000000 + i:012d}" for i in range(1, args.accounts)]


def function_name(j, account_index):
    return f"fn-{j:04d}" if j % 2 == 0 else f"fn-{j:04d}-a{account_index}"


class Series:
    """One metric's columns, as the bulk hook takes them."""

    def __init__(self, name, dims, unit, stats=False):
        self.name, self.dims, self.unit, self.stats = name, dims, unit, stats
        self.t, self.cols = [], ([], [], [], []) if stats else ([],)

    def add(self, t, *vals):
        self.t.append(t)
        for col, v in zip(self.cols, vals):
            col.append(v)

    def bulk(self):
        out = {"name": self.name, "dimensions": self.dims, "unit": self.unit, "timestamps": self.t}
        if self.stats:
            out.update(zip(("sample_counts", "sums", "minimums", "maximums"), self.cols))
        else:
            out["values"] = self.cols[0]
        return out

    def datums(self):
        dims = [{"Name": k, "Value": v} for k, v in self.dims.items()]
        for i, t in enumerate(self.t):
            d = {"MetricName": self.name, "Dimensions": dims, "Timestamp": cbor2.CBORTag(1, float(t)), "Unit": self.unit}
            if self.stats:
                c, s, lo, hi = (col[i] for col in self.cols)
                d["StatisticValues"] = {"SampleCount": float(c), "Sum": float(s), "Minimum": float(lo),
                                        "Maximum": float(hi)}
            else:
                d["Value"] = float(self.cols[0][i])
            yield d


def figures(times, sums, counts, mins, maxs, scale=1):
    """Hourly and daily [t], [sum], [count], [min], [max] columns of one function's metric; values
    in units of 1/scale (Duration: quarter milliseconds) turned into exact JSON numbers."""
    daily = {}
    for t, s, c, lo, hi in zip(times, sums, counts, mins, maxs):
        d = t - t % DAY
        acc = daily.get(d)
        if acc is None:
            daily[d] = [s, c, lo, hi]
        else:
            acc[0] += s
            acc[1] += c
            acc[2] = min(acc[2], lo)
            acc[3] = max(acc[3], hi)

    def num(xs):
        return [x / scale for x in xs] if scale != 1 else list(xs)

    days = sorted(daily)
    return {
        "hourly": {"t": list(times), "sum": num(sums), "count": list(counts), "min": num(mins), "max": num(maxs)},
        "daily": {"t": days, "sum": num(daily[d][0] for d in days), "count": [daily[d][1] for d in days],
                  "min": num(daily[d][2] for d in days), "max": num(daily[d][3] for d in days)},
    }


def generate(args, now):
    """(series per account, figures, extras, function names, start, end) for the accounts' hours."""
    rng = random.Random(args.seed)
    end = now - now % HOUR
    start = end - args.days * DAY
    hours = range(start, end, HOUR)
    accounts = account_ids(args)
    series = {a: [] for a in accounts}
    table = {a: {} for a in accounts}
    extras = {"alias": {}, "account_level": {}, "old_points": []}
    functions = {}
    for ai, account in enumerate(accounts):
        names = [function_name(j, ai) for j in range(args.functions)]
        functions[account] = names
        level = Series("ConcurrentExecutions", {}, "Count")
        level_by_hour = dict.fromkeys(hours, 0)
        for fi, name in enumerate(names):
            dims = {"FunctionName": name}
            inv_s, err_s = Series("Invocations", dims, "Count"), Series("Errors", dims, "Count")
            conc_s, dur_s = Series("ConcurrentExecutions", dims, "Count"), Series("Duration", dims, "Milliseconds", True)
            ts, invs, errs, concs, dsum, dmin, dmax = [], [], [], [], [], [], []
            rand, randint = rng.random, rng.randint
            for h in hours:
                if rand() < 0.1:
                    continue  # no invocation this hour: Lambda publishes nothing
                inv = randint(1, 400)
                err = randint(0, inv // 20)
                conc = randint(1, 40)
                lo = randint(4, 400)  # quarter milliseconds
                if inv == 1:
                    hi = sm = lo
                else:
                    hi = lo + randint(0, 8000)
                    sm = lo + hi + (inv - 2) * lo + randint(0, (inv - 2) * (hi - lo))
                ts.append(h)
                invs.append(inv)
                errs.append(err)
                concs.append(conc)
                dsum.append(sm)
                dmin.append(lo)
                dmax.append(hi)
                level_by_hour[h] += conc
            inv_s.t, inv_s.cols = ts, (invs,)
            err_s.t, err_s.cols = ts, (errs,)
            conc_s.t, conc_s.cols = ts, (concs,)
            dur_s.t, dur_s.cols = ts, (invs, [x / 4 for x in dsum], [x / 4 for x in dmin], [x / 4 for x in dmax])
            series[account] += [inv_s, err_s, conc_s, dur_s]
            ones = [1] * len(ts)
            table[account][name] = {
                "Invocations": figures(ts, invs, ones, invs, invs),
                "Errors": figures(ts, errs, ones, errs, errs),
                "ConcurrentExecutions": figures(ts, concs, ones, concs, concs),
                "Duration": figures(ts, dsum, invs, dmin, dmax, scale=4),
            }
            if fi == 0:
                alias = Series("Invocations", {"FunctionName": name, "Resource": f"{name}:live"}, "Count")
                alias.t, alias.cols = ts, (invs,)
                series[account].append(alias)
                extras["alias"][account] = {"function": name, "resource": f"{name}:live", "t": ts, "value": invs}
        level.t = [h for h in hours]
        level.cols = ([level_by_hour[h] for h in hours],)
        series[account].append(level)
        extras["account_level"][account] = {"t": level.t, "value": level.cols[0]}
        if ai == 0 and args.old_days:
            old_t = [end - args.old_days * DAY + k * HOUR for k in range(2)]
            old = Series("Invocations", {"FunctionName": names[0]}, "Count")
            old.t, old.cols = old_t, ([7, 7],)
            series[account].append(old)
            extras["old_points"] = [{"account": account, "function": names[0], "t": t, "value": 7} for t in old_t]
    return series, table, extras, functions, start, end


def account_client(args, service, account):
    """A boto3 client acting in `account` (moto reads the x-moto-account-id header)."""
    import boto3

    c = boto3.client(service, region_name=args.region, endpoint_url=args.endpoint,
                     aws_access_key_id=args.access_key, aws_secret_access_key="breakeven-test-secret")
    c.meta.events.register("before-sign.*.*", lambda request, **kw: request.headers.__setitem__(
        "x-moto-account-id", account))
    return c


def tiny_zip():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


MEMORY = (128, 256, 512, 1024, 1769, 3008)


def create_inventory(args, functions):
    """Each account's functions in moto's Lambda, and a profile per account whose access key moto
    maps to that account; returns {account: profile}."""
    code = tiny_zip()
    profiles, lines = {}, []
    for ai, (account, names) in enumerate(functions.items()):
        iam = account_client(args, "iam", account)
        role = iam.create_role(RoleName="breakeven-org-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        iam.create_user(UserName="breakeven-org")
        key = iam.create_access_key(UserName="breakeven-org")["AccessKey"]
        lam = account_client(args, "lambda", account)
        for j, name in enumerate(names):
            lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="index.handler",
                                Code={"ZipFile": code}, MemorySize=MEMORY[j % len(MEMORY)],
                                Architectures=["arm64" if j % 3 == 0 else "x86_64"], Timeout=30)
        profile = f"org-{ai}"
        profiles[account] = profile
        lines += [f"[{profile}]", f"aws_access_key_id = {key['AccessKeyId']}",
                  f"aws_secret_access_key = {key['SecretAccessKey']}", ""]
    with open(args.inventory, "w") as f:
        f.write("\n".join(lines))
    return profiles


def put_bulk(args, series):
    """The adapter's bulk hook, one request per account; (datums, requests)."""
    n = 0
    for account, ss in series.items():
        body = {"account": account, "region": args.region, "namespace": "AWS/Lambda", "series": [s.bulk() for s in ss]}
        n += post(args.endpoint, "/__adapter/metric-data", body)["datums"]
    return n, len(series)


def put_cbor(args, series):
    """PutMetricData in CBOR, 1,000 datums a request, over --threads connections; (datums, requests)."""
    work = []
    for account, ss in series.items():
        data = [d for s in ss for d in s.datums()]
        work += [(account, data[i : i + 1000]) for i in range(0, len(data), 1000)]
    lock = threading.Lock()
    errors = []

    def worker():
        cw = CborCloudWatch(args.endpoint, args.access_key, args.region)
        try:
            while True:
                with lock:
                    if not work or errors:
                        return
                    account, batch = work.pop()
                status, body, _ = cw.call("PutMetricData", {"Namespace": "AWS/Lambda", "MetricData": batch}, account)
                if status != 200:
                    with lock:
                        errors.append((status, body))
        finally:
            cw.close()

    n = sum(len(b) for _, b in work)
    requests = len(work)
    threads = [threading.Thread(target=worker) for _ in range(max(1, args.threads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"PutMetricData failed: {errors[0]}")
    return n, requests


def seed(args):
    t0 = time.monotonic()
    now = args.now or int(time.time())
    series, table, extras, functions, start, end = generate(args, now)
    t1 = time.monotonic()
    datums, requests = (put_cbor if args.via == "cbor" else put_bulk)(args, series)
    t2 = time.monotonic()
    accounts = account_ids(args)
    if not args.no_monitoring:
        post(args.endpoint, "/__adapter/monitoring", {"monitoring": accounts[0], "sources": accounts[1:]})
    profiles = create_inventory(args, functions) if args.inventory else {}
    t3 = time.monotonic()
    return {
        "profiles": profiles,
        "monitoring": accounts[0],
        "sources": accounts[1:],
        "accounts": accounts,
        "region": args.region,
        "functions": functions,
        "start": start,
        "end": end,
        "now": now,
        "hours": (end - start) // HOUR,
        "datums": datums,
        "requests": requests,
        "seconds": {"generate": round(t1 - t0, 2), "put": round(t2 - t1, 2), "inventory": round(t3 - t2, 2)},
        "via": args.via,
        "figures": table,
        "extras": extras,
    }


def main(argv=None):
    args = parse_args(argv)
    summary = seed(args)
    if args.summary_file:
        with open(args.summary_file, "w") as f:
            json.dump(summary, f)
    counts = {k: v for k, v in summary.items() if k not in ("figures", "extras", "functions")}
    counts["functions"] = {a: len(f) for a, f in summary["functions"].items()}
    print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
