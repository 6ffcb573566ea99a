"""Test-side AWS endpoint for Breakeven's sync tests: moto in server mode behind a small adapter.

The adapter listens on 127.0.0.1 and
  * answers CloudWatch's Smithy RPC v2 CBOR protocol (GetMetricData, ListMetrics, PutMetricData),
    which current AWS SDKs speak and moto 5.2 does not, straight from moto's in-process CloudWatch
    backends (one per account), computing every statistic (percentiles included) from the stored
    values, and Metrics Insights queries (insights.py; also in boto3's JSON protocol), across
    accounts for a caller declared a monitoring account of cross-account observability through
    POST /__adapter/monitoring; POST /__adapter/metric-data stores seeded series in bulk;
  * answers Lambda ListProvisionedConcurrencyConfigs, which moto does not implement, from configs
    seeded through POST /__adapter/provisioned-concurrency;
  * adds each function's LoggingConfig to ListFunctions answers (moto has none): Lambda's default
    (text format, /aws/lambda/NAME) unless one was posted to /__adapter/logging-config;
  * applies CloudWatch Logs FilterLogEvents patterns of `?"term" ?"term"` form (moto answers an
    OR pattern with every event), and with --max-log-events pages its answers small;
  * runs Athena queries for real (athena.py: StartQueryExecution, GetQueryExecution,
    GetQueryResults, StopQueryExecution, ...) with DuckDB over the Parquet objects of the Glue
    tables in moto's S3, and pages Glue's GetPartitions / GetTables / GetDatabases (catalog.py);
  * forwards everything else (Lambda, STS, Cost Explorer, S3, Glue, moto's own /moto-api) to moto;
  * can play a misbehaving AWS: reject unknown access keys (--access-key), deny IAM actions
    (--deny), or fail every Nth request with 503 / a throttling error (--fail-every).

It prints one JSON line {"port": N} on stdout once both servers are up, then serves until killed.
Only the test side uses this: the product talks to it exactly as it talks to AWS.
"""

import argparse
import gzip
import http.client
import json
import logging
import math
import os
import re
import signal
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse, unquote

import cbor2
from moto.cloudwatch.models import Dimension, MetricAggregatedDatum, MetricDatum, cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer

import catalog
import insights
from insights import InsightsError

try:
    import athena
except ImportError as e:  # no duckdb: the Athena actions answer an error, everything else still works
    athena, ATHENA_MISSING = None, f"the test adapter cannot run Athena queries: {e}"

# SigV4 service names -> IAM action prefixes.
IAM_PREFIX = {"monitoring": "cloudwatch", "lambda": "lambda", "ce": "ce", "sts": "sts", "logs": "logs", "athena": "athena",
              "glue": "glue"}
OR_TERM = re.compile(r'\?"([^"]*)"')
CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([A-Za-z]+)$")
PC_PATH = re.compile(r"^/2019-09-30/functions/([^/]+)/provisioned-concurrency$")
LAMBDA_ROUTES = [
    ("GET", re.compile(r"^/2015-03-31/functions/?$"), "ListFunctions"),
    ("GET", PC_PATH, "ListProvisionedConcurrencyConfigs"),
]


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count = 0
        self.faults = 0
        self.provisioned = {}  # function name -> list of config dicts
        self.logging = {}  # function name -> LoggingConfig dict
        self.monitoring = {}  # monitoring account -> set of its source accounts
        self.athena = athena.Athena() if athena else None

    def visible_accounts(self, caller):
        """The accounts whose metrics a caller's Metrics Insights queries read: its own, and its
        source accounts when it was declared a monitoring account."""
        with self.lock:
            return {caller} | self.monitoring.get(caller, set())

    def next_fault(self):
        """None, or the kind of failure to inject for this request."""
        with self.lock:
            self.count += 1
            if self.args.fail_every and self.count % self.args.fail_every == 0:
                self.faults += 1
                return "unavailable" if self.faults % 2 else "throttle"
        return None


def epoch(v):
    if isinstance(v, cbor2.CBORTag):
        v = v.value
    if isinstance(v, datetime):
        return v.timestamp() if v.tzinfo else v.replace(tzinfo=timezone.utc).timestamp()
    return float(v)


def dt(v):
    return datetime.fromtimestamp(epoch(v), tz=timezone.utc).replace(tzinfo=None)


def ts_tag(seconds):
    return cbor2.CBORTag(1, float(seconds))


def percentile(values, q):
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(q / 100.0 * len(values)))
    return values[min(rank, len(values)) - 1]


def statistic(stat, observations):
    """A statistic of a bucket's observations (value, sum, count, min, max): a Value datum is
    (v, v, 1, v, v); a StatisticValues datum brings its own sum, sample count, minimum and
    maximum, and stands for its mean in a percentile (its values are not known)."""
    if stat == "Sum":
        return sum(o[1] for o in observations)
    if stat == "Average":
        return sum(o[1] for o in observations) / sum(o[2] for o in observations)
    if stat == "Minimum":
        return min(o[3] for o in observations)
    if stat == "Maximum":
        return max(o[4] for o in observations)
    if stat == "SampleCount":
        return float(sum(o[2] for o in observations))
    m = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
    if m:
        return percentile(sorted(o[0] for o in observations), float(m.group(1)))
    raise ValueError(f"unsupported statistic {stat}")


def issued_key(key):
    """Whether moto's IAM issued this access key (CreateAccessKey in some account): such a key is
    accepted beside --access-key, and acts in its account."""
    from moto.iam.models import iam_backends

    return bool(key) and any(key in account["aws"].access_keys for _, account in list(iam_backends.items()))


def dims_key(dims):
    return frozenset((d["Name"], d["Value"]) for d in dims or [])


_INDEX = {}  # id(backend) -> (backend, size, points)


def raw_points(backend):
    """(namespace, name, dims) -> [(epoch seconds, observation)] from moto's stored datums (see
    statistic() for an observation), rebuilt only when datums were added (moto only appends)."""
    size = len(backend.get_all_metrics())
    cached = _INDEX.get(id(backend))
    if cached and cached[0] is backend and cached[1] == size:
        return cached[2]
    out = {}
    for md in backend.get_all_metrics():
        key = (md.namespace, md.name, frozenset((d.name, d.value) for d in md.dimensions))
        t = md.timestamp
        t = t.timestamp() if t.tzinfo else t.replace(tzinfo=timezone.utc).timestamp()
        value = getattr(md, "value", None)
        if value is None:  # StatisticValues datum
            n = float(md.sample_count)
            obs = (float(md.sum) / n, float(md.sum), n, float(md.min), float(md.max))
        else:
            v = float(value)
            obs = (v, v, 1.0, v, v)
        out.setdefault(key, []).append((t, obs))
    _INDEX[id(backend)] = (backend, size, out)
    return out


def insights_query(state, q, ctx, start, end):
    """The series [(Id, label, times, values, status)] and messages of a Metrics Insights query."""
    period = q.get("Period")
    if not period:
        raise InsightsError(f"Period must be set for the Metrics Insights query {q['Id']}.")
    period = int(period)
    if period <= 0 or period % 60:
        raise InsightsError(f"The Period of the Metrics Insights query {q['Id']} must be a multiple of 60.")
    query = insights.parse(q["Expression"], allow_like=state.args.insights_like)
    caller, region = ctx
    accounts = state.visible_accounts(caller)
    if q.get("AccountId"):
        if q["AccountId"] not in accounts:
            return [(q["Id"], q.get("Label") or q["Id"], [], [], "Forbidden")], []
        accounts = {q["AccountId"]}
    label = q.get("Label") or (None if query.group_by else q["Id"])
    series, messages = insights.evaluate(query, accounts, lambda a: cloudwatch_backends[a][region], caller,
                                         start, end, period, label)
    return [(q["Id"], lbl, times, values, None) for lbl, times, values in series], messages


def get_metric_data(state, backend, req, ctx):
    start, end = epoch(req["StartTime"]), epoch(req["EndTime"])
    queries = req.get("MetricDataQueries", [])
    expressions = [q for q in queries if q.get("Expression") is not None]
    for q in expressions:
        if not insights.is_insights(q["Expression"]):
            raise InsightsError(f"The expression of {q['Id']} is metric math, which the test adapter does not run: "
                                "only Metrics Insights queries (SELECT ...) are supported.")
    if len(expressions) > 1:
        raise InsightsError("A GetMetricData request can include only one Metrics Insights query.")
    results, messages, indexes = [], [], {}
    for q in queries:
        if q.get("Expression") is not None:
            series, msgs = insights_query(state, q, ctx, start, end)
            messages += msgs
            if q.get("ReturnData", True):
                results += series
            continue
        ms = q["MetricStat"]
        m = ms["Metric"]
        period = int(ms["Period"])
        source = backend
        if q.get("AccountId") and q["AccountId"] != ctx[0]:
            if q["AccountId"] not in state.visible_accounts(ctx[0]):
                results.append((q["Id"], q.get("Label") or q["Id"], [], [], "Forbidden"))
                continue
            source = cloudwatch_backends[q["AccountId"]][ctx[1]]
        index = indexes.get(id(source))
        if index is None:
            index = indexes[id(source)] = raw_points(source)
        key = (m.get("Namespace"), m.get("MetricName"), dims_key(m.get("Dimensions")))
        buckets = {}
        for t, v in index.get(key, []):
            if start <= t < end:
                buckets.setdefault(int(t // period * period), []).append(v)
        times = sorted(buckets)
        results.append((q["Id"], q.get("Label") or q["Id"], times, [statistic(ms["Stat"], buckets[t]) for t in times],
                        None))
    if req.get("ScanBy") == "TimestampDescending":
        for _, _, times, values, _ in results:
            times.reverse()
            values.reverse()
    # Page like CloudWatch: at most --max-datapoints per answer, the rest behind NextToken.
    offset = int(req.get("NextToken") or 0)
    first_page = offset == 0
    budget = state.args.max_datapoints
    out, skipped, remaining = [], 0, budget
    for qid, label, times, values, status in results:
        n = len(times)
        if status and n == 0:  # e.g. Forbidden: no data, said once
            if first_page:
                out.append({"Id": qid, "Label": label, "Timestamps": [], "Values": [], "StatusCode": status,
                            "Messages": [{"Code": status, "Value": f"{qid}: the account is not visible to the caller"}]})
            continue
        if skipped + n <= offset:
            skipped += n
            continue
        first = offset - skipped if offset > skipped else 0
        take = min(n - first, remaining)
        skipped += first
        out.append(
            {
                "Id": qid,
                "Label": label,
                "Timestamps": [ts_tag(t) for t in times[first : first + take]],
                "Values": values[first : first + take],
                "StatusCode": "Complete" if first + take == n else "PartialData",
            }
        )
        remaining -= take
        skipped += take
        offset = skipped
        if remaining == 0:
            break
    total = sum(len(r[2]) for r in results)
    body = {"MetricDataResults": out, "Messages": messages}
    if skipped < total:
        body["NextToken"] = str(skipped)
    return body


def list_metrics(backend, req):
    seen = {}
    for md in backend.get_all_metrics():
        if req.get("Namespace") and md.namespace != req["Namespace"]:
            continue
        if req.get("MetricName") and md.name != req["MetricName"]:
            continue
        want = dims_key(req.get("Dimensions"))
        have = frozenset((d.name, d.value) for d in md.dimensions)
        if not want <= have:
            continue
        seen[(md.namespace, md.name, have)] = None
    metrics = [
        {"Namespace": ns, "MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dims)]}
        for ns, name, dims in sorted(seen, key=lambda k: (k[0], k[1], sorted(k[2])))
    ]
    start = int(req.get("NextToken") or 0)
    page = metrics[start : start + 500]
    body = {"Metrics": page}
    if start + 500 < len(metrics):
        body["NextToken"] = str(start + 500)
    return body


def put_metric_data(backend, req):
    data = []
    for d in req.get("MetricData", []):
        item = dict(d)
        if "Timestamp" in item:
            item["Timestamp"] = dt(item["Timestamp"])
        data.append(item)
    backend.put_metric_data(req["Namespace"], data)
    return {}


def bulk_metric_data(body):
    """Append a seeder's columnar series to moto's CloudWatch backend of an account, as
    PutMetricData would store them (Value datums, or StatisticValues datums), without the cost of
    a request per 1,000 datums. Returns the number of datums stored."""
    backend = cloudwatch_backends[body.get("account") or DEFAULT_ACCOUNT_ID][body.get("region") or "us-east-1"]
    namespace = body["namespace"]
    stamps = {}
    out = []
    for s in body["series"]:
        dims = [Dimension(k, v) for k, v in s.get("dimensions", {}).items()]
        name, unit = s["name"], s.get("unit")
        times = s["timestamps"]
        if "values" in s:
            columns = zip(times, s["values"])
        else:
            columns = zip(times, s["sample_counts"], s["sums"], s["minimums"], s["maximums"])
        for row in columns:
            t = row[0]
            ts = stamps.get(t)
            if ts is None:
                ts = stamps[t] = datetime.fromtimestamp(t, tz=timezone.utc)
            if len(row) == 2:
                md = MetricDatum.__new__(MetricDatum)
                md.value = float(row[1])
            else:
                md = MetricAggregatedDatum.__new__(MetricAggregatedDatum)
                md.sample_count, md.sum, md.min, md.max = (float(x) for x in row[1:])
            md.namespace, md.name, md.timestamp, md.dimensions, md.unit = namespace, name, ts, dims, unit
            out.append(md)
    backend.metric_data.extend(out)
    return len(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None
    moto_port = None

    def log_message(self, fmt, *args):  # keep the test output clean
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            raw = gzip.decompress(raw)
        return raw

    def send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except ConnectionError:
            pass  # the client was killed mid-request (the interrupted-sync test does that)

    # ---------------------------------------------------------------- request identification
    def identify(self, raw):
        """(protocol, service, action, access key, region)."""
        auth = self.headers.get("Authorization", "")
        m = re.search(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/aws4_request", auth)
        key, region, service = (m.group(1), m.group(2), m.group(3)) if m else ("", "us-east-1", "")
        path = urlparse(self.path).path
        ctype = self.headers.get("Content-Type", "")
        cbor = CBOR_PATH.match(path)
        if cbor:
            return "cbor", service, cbor.group(1), key, region
        target = self.headers.get("X-Amz-Target")
        if target:
            return "json", service, target.split(".")[-1], key, region
        if "x-www-form-urlencoded" in ctype:
            action = parse_qs(raw.decode()).get("Action", [""])[0]
            return "query", service, action, key, region
        for method, pattern, action in LAMBDA_ROUTES:
            if self.command == method and pattern.match(path):
                return "rest", service, action, key, region
        return "rest", service, f"{self.command} {path}", key, region

    def error(self, protocol, status, code, message):
        if protocol == "cbor":
            body = cbor2.dumps({"__type": code, "message": message})
            headers = {
                "Content-Type": "application/cbor",
                "smithy-protocol": "rpc-v2-cbor",
                "x-amzn-query-error": f"{code};Sender",
            }
        elif protocol == "query":
            body = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
            ).encode()
            headers = {"Content-Type": "text/xml"}
        else:
            body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
            headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}
        self.send(status, body, headers)

    # ---------------------------------------------------------------- dispatch
    def handle_any(self):
        raw = self.body()
        path = urlparse(self.path).path
        if self.state.args.verbose:
            print(self.command, self.path, dict(self.headers), file=sys.stderr, flush=True)
        if path.startswith("/__adapter/"):
            return self.adapter_api(path, raw)
        if path.startswith("/moto-api"):
            return self.forward(raw)
        protocol, service, action, key, region = self.identify(raw)
        args = self.state.args
        iam_action = f"{IAM_PREFIX.get(service, service)}:{action}"
        if args.access_key and key != args.access_key and not issued_key(key):
            code = {"cbor": "InvalidClientTokenId", "query": "InvalidClientTokenId"}.get(protocol, "UnrecognizedClientException")
            return self.error(protocol, 403, code, "The security token included in the request is invalid.")
        if iam_action in args.deny:
            code = {"cbor": "AccessDenied", "query": "AccessDenied"}.get(protocol, "AccessDeniedException")
            return self.error(
                protocol,
                403 if protocol != "json" else 400,
                code,
                f"User: arn:aws:iam::{DEFAULT_ACCOUNT_ID}:user/breakeven-test is not authorized to perform: "
                f"{iam_action} because no identity-based policy allows the {iam_action} action",
            )
        fault = self.state.next_fault()
        if fault == "unavailable":
            return self.send(503, b"Service Unavailable", {"Content-Type": "text/plain"})
        if fault == "throttle":
            code = {"cbor": "Throttling", "query": "Throttling", "rest": "TooManyRequestsException"}.get(
                protocol, "ThrottlingException"
            )
            return self.error(protocol, 429 if protocol == "rest" else 400, code, "Rate exceeded")
        if protocol == "cbor":
            return self.cloudwatch(action, region, raw, key)
        if action == "ListProvisionedConcurrencyConfigs":
            name = unquote(PC_PATH.match(path).group(1))
            configs = self.state.provisioned.get(name, [])
            body = json.dumps({"ProvisionedConcurrencyConfigs": configs}).encode()
            return self.send(200, body, {"Content-Type": "application/json"})
        if action == "ListFunctions":
            return self.list_functions(raw)
        if protocol == "json" and action == "FilterLogEvents":
            return self.filter_log_events(raw)
        if protocol == "json" and self.headers.get("X-Amz-Target") == "GraniteServiceVersion20100801.GetMetricData":
            req = json.loads(raw or b"{}")
            if any(q.get("Expression") is not None for q in req.get("MetricDataQueries", [])):
                return self.get_metric_data_json(region, req, key)
        target = self.headers.get("X-Amz-Target", "")
        if protocol == "json" and target.startswith("AmazonAthena.") and athena is None:
            return self.error("json", 500, "InternalServerException", ATHENA_MISSING)
        if protocol == "json" and target.startswith("AmazonAthena.") and action in athena.ACTIONS:
            status, body = self.state.athena.handle(action, region, json.loads(raw or b"{}"))
            headers = {"Content-Type": "application/x-amz-json-1.1"}
            if status != 200:
                headers["x-amzn-ErrorType"] = body["__type"]
            return self.send(status, json.dumps(body).encode(), headers)
        if protocol == "json" and target.startswith("AWSGlue.") and action in catalog.GLUE_PAGED:
            return self.send(*catalog.glue_page(action, raw, self.forward_raw, self.state.args.glue_page_size))
        return self.forward(raw)

    def list_functions(self, raw):
        status, data, headers = self.forward_raw(raw)
        if status == 200:
            body = json.loads(data)
            for f in body.get("Functions", []):
                name = f.get("FunctionName", "")
                f["LoggingConfig"] = self.state.logging.get(
                    name, {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
                )
            data = json.dumps(body).encode()
        self.send(status, data, headers)

    def filter_log_events(self, raw):
        """moto filters single terms and phrases only; an OR of quoted terms is applied here, on
        the page moto answers without a pattern (a page may hold fewer events than asked for, as
        on AWS, and its token stays moto's)."""
        req = json.loads(raw or b"{}")
        pattern = req.get("filterPattern") or ""
        terms = OR_TERM.findall(pattern)
        if terms:
            req.pop("filterPattern")
        if self.state.args.max_log_events:
            req["limit"] = min(int(req.get("limit") or 10000), self.state.args.max_log_events)
        status, data, headers = self.forward_raw(json.dumps(req).encode())
        if status == 200 and terms:
            body = json.loads(data)
            body["events"] = [e for e in body.get("events", []) if any(t in e.get("message", "") for t in terms)]
            data = json.dumps(body).encode()
        self.send(status, data, headers)

    def caller_account(self, key):
        """The account a request acts in, found as moto finds it: MOTO_ACCOUNT_ID, else the
        x-moto-account-id header, else the account of the access key (the default account for a
        key moto does not know)."""
        if os.environ.get("MOTO_ACCOUNT_ID"):
            return os.environ["MOTO_ACCOUNT_ID"]
        if self.headers.get("x-moto-account-id"):
            return self.headers["x-moto-account-id"]
        from moto.iam.models import get_account_id_from

        return get_account_id_from(key) if key else DEFAULT_ACCOUNT_ID

    def cloudwatch(self, action, region, raw, key=""):
        account = self.caller_account(key)
        backend = cloudwatch_backends[account][region]
        req = cbor2.loads(raw) if raw else {}
        handlers = {
            "GetMetricData": lambda: get_metric_data(self.state, backend, req, (account, region)),
            "ListMetrics": lambda: list_metrics(backend, req),
            "PutMetricData": lambda: put_metric_data(backend, req),
        }
        if action not in handlers:
            return self.error("cbor", 400, "InvalidAction", f"{action} is not bridged by the test adapter")
        try:
            body = handlers[action]()
        except InsightsError as e:
            return self.error("cbor", 400, e.code, str(e))
        except Exception as e:  # surface moto validation errors the way CloudWatch would
            return self.error("cbor", 400, "InvalidParameterValue", str(e))
        self.send(200, cbor2.dumps(body), {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})

    def get_metric_data_json(self, region, req, key):
        """GetMetricData in awsJson1_0 (boto3's CloudWatch protocol) when it holds an Expression:
        moto's own answer ignores GROUP BY and Period, so the CBOR path's answer is given in JSON
        (timestamps as epoch seconds)."""
        account = self.caller_account(key)
        try:
            body = get_metric_data(self.state, cloudwatch_backends[account][region], req, (account, region))
        except Exception as e:  # a refused query, or moto-style validation of the rest
            code = e.code if isinstance(e, InsightsError) else "InvalidParameterValue"
            body = json.dumps({"__type": code, "message": str(e)}).encode()
            return self.send(400, body, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code,
                                         "x-amzn-query-error": f"{code};Sender"})
        for r in body["MetricDataResults"]:
            r["Timestamps"] = [t.value for t in r["Timestamps"]]
        self.send(200, json.dumps(body).encode(), {"Content-Type": "application/x-amz-json-1.0"})

    def adapter_api(self, path, raw):
        if path == "/__adapter/provisioned-concurrency" and self.command == "POST":
            for name, configs in json.loads(raw).items():
                self.state.provisioned[name] = configs
            return self.send(201, b"{}", {"Content-Type": "application/json"})
        if path == "/__adapter/metric-data" and self.command == "POST":
            n = bulk_metric_data(json.loads(raw))
            return self.send(201, json.dumps({"datums": n}).encode(), {"Content-Type": "application/json"})
        if path == "/__adapter/monitoring":
            if self.command == "POST":
                body = json.loads(raw or b"{}")
                with self.state.lock:
                    if body.get("monitoring"):
                        sources = {str(a) for a in body.get("sources", [])} - {body["monitoring"]}
                        self.state.monitoring[str(body["monitoring"])] = sources
                    else:
                        self.state.monitoring.clear()
            with self.state.lock:
                current = {m: sorted(s) for m, s in self.state.monitoring.items() if s}
            return self.send(200, json.dumps(current).encode(), {"Content-Type": "application/json"})
        if path == "/__adapter/logging-config" and self.command == "POST":
            self.state.logging.update(json.loads(raw))
            return self.send(201, b"{}", {"Content-Type": "application/json"})
        answer = self.state.athena.admin(self.command, path, raw) if athena else None
        if answer is not None:
            return self.send(answer[0], json.dumps(answer[1]).encode(), {"Content-Type": "application/json"})
        if path == "/__adapter/stats":
            body = json.dumps({"requests": self.state.count, "faults": self.state.faults}).encode()
            return self.send(200, body, {"Content-Type": "application/json"})
        return self.send(404, b"unknown adapter path")

    def forward_raw(self, raw):
        """(status, body, headers) of moto's answer to this request with body `raw`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        conn.request(self.command, self.path, body=raw, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        out = {k: v for k, v in resp.getheaders() if k.lower() not in ("content-length", "transfer-encoding", "connection")}
        conn.close()
        return resp.status, data, out

    def forward(self, raw):
        self.send(*self.forward_raw(raw))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=0, help="adapter port on 127.0.0.1 (0: any free port)")
    p.add_argument("--access-key", default="", help="the only access key id accepted (empty: any)")
    p.add_argument("--deny", action="append", default=[], help="IAM action to deny, e.g. ce:GetCostAndUsage")
    p.add_argument("--fail-every", type=int, default=0, help="fail every Nth AWS request (503 / throttling)")
    p.add_argument("--verbose", action="store_true", help="log each request to stderr")
    p.add_argument("--max-log-events", type=int, default=0, help="FilterLogEvents events per page (0: as asked)")
    p.add_argument("--max-datapoints", type=int, default=100800, help="GetMetricData datapoints per page")
    p.add_argument("--insights-like", action="store_true", help="accept LIKE in Metrics Insights WHERE clauses "
                   "(CloudWatch documents only =, != and AND)")
    p.add_argument("--glue-page-size", type=int, default=0, help="Glue Get{Partitions,Tables,Databases} page size "
                   "when the request sets no MaxResults (0: Glue's largest)")
    p.add_argument("--insights-max-series", type=int, default=insights.MAX_SERIES,
                   help="series a Metrics Insights query returns before it is cut short (CloudWatch: 500)")
    args = p.parse_args()
    insights.MAX_SERIES = args.insights_max_series

    # moto's web server logs every request; the tests only want failures.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    Handler.state = State(args)
    Handler.moto_port = moto.get_host_and_port()[1]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # exit normally: temp files are removed
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        moto.stop()


if __name__ == "__main__":
    sys.exit(main())
