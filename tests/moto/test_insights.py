"""Self-test of the adapter's CloudWatch Metrics Insights: an organisation's hourly Lambda metrics,
queried over Smithy RPC v2 CBOR as the Rust SDK queries them.

    $HOME/.cache/breakeven/venv/bin/python tests/moto/test_insights.py

Starts server.py (--access-key, --max-datapoints 20000 so answers page), seeds 5 accounts x 400
functions x 7 days of hourly Invocations / Errors / Duration / ConcurrentExecutions through
seed_org.py (about 1.2 million datums), and with boto3 speaking CBOR (botocore's own Smithy RPC
v2 CBOR codec, the protocol forced in a copy of the service model) runs GetMetricData queries
whose Expression is a Metrics Insights query. Every hourly and daily value is compared with the
seeder's integer sums, exactly; then labels and order, ORDER BY ... LIMIT, the 500-series limit,
paging, malformed queries, the two-week limit, cross-account visibility (a monitoring account,
a source account, a query's AccountId) and, on a second adapter started with --insights-like and
seeded through CBOR PutMetricData, LIKE. Prints timings and `N passed, N failed`; exits non-zero
on a failure.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from fractions import Fraction

import boto3
import botocore.session
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seed_org  # noqa: E402

KEY = "AKIDBREAKEVENTEST"
PAGE = 20000
LAMBDA = 'SCHEMA("AWS/Lambda", FunctionName)'


def cbor_model_dir():
    """A data path holding CloudWatch's service model with Smithy RPC v2 CBOR as its only protocol,
    so that botocore serializes and parses GetMetricData the way current AWS SDKs do."""
    loader = botocore.session.get_session().get_component("data_loader")
    model = loader.load_service_model("cloudwatch", "service-2")
    model = json.loads(json.dumps(model))
    model["metadata"]["protocols"] = ["smithy-rpc-v2-cbor"]
    root = tempfile.mkdtemp(prefix="cw-cbor-model-")
    os.makedirs(os.path.join(root, "cloudwatch", model["metadata"]["apiVersion"]))
    with open(os.path.join(root, "cloudwatch", model["metadata"]["apiVersion"], "service-2.json"), "w") as f:
        json.dump(model, f)
    return root


class Answer:
    def __init__(self):
        self.series = {}  # label -> ([epoch seconds], [values]), in answer order
        self.ids = set()
        self.pages = 0
        self.messages = []
        self.statuses = {}  # label -> [StatusCode of each fragment]


class Env:
    def __init__(self, endpoint, model_dir, summary=None):
        self.endpoint, self.model_dir, self.summary = endpoint, model_dir, summary
        self.clients = {}

    def client(self, account=None):
        if account not in self.clients:
            session = botocore.session.get_session()
            session.get_component("data_loader").search_paths.insert(0, self.model_dir)
            c = boto3.Session(botocore_session=session).client(
                "cloudwatch", region_name="us-east-1", endpoint_url=self.endpoint, aws_access_key_id=KEY,
                aws_secret_access_key="breakeven-test-secret")
            assert c.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
            if account:
                c.meta.events.register("before-sign.cloudwatch.*",
                                       lambda request, **kw: request.headers.__setitem__("x-moto-account-id", account))
            self.clients[account] = c
        return self.clients[account]

    def post(self, path, payload):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(payload).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def query(self, expr, period=3600, start=None, end=None, account=None, extra=None, **fields):
        """Every page of a GetMetricData holding one Metrics Insights query (Id q), reassembled."""
        s = self.summary
        start = s["start"] if start is None else start
        end = s["end"] if end is None else end
        queries = [{"Id": "q", "Expression": expr, "Period": period, **fields}] + (extra or [])
        out, token = Answer(), None
        while True:
            kw = {"NextToken": token} if token else {}
            r = self.client(account).get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=queries,
                                                     ScanBy="TimestampAscending", **kw)
            out.pages += 1
            out.messages += [m for m in r["Messages"] if m not in out.messages]
            assert sum(len(x["Values"]) for x in r["MetricDataResults"]) <= PAGE
            for x in r["MetricDataResults"]:
                assert len(x["Timestamps"]) == len(x["Values"])
                out.ids.add(x["Id"])
                label = x["Label"] if x["Id"] == "q" else f"{x['Id']}:{x['Label']}"
                times, values = out.series.setdefault(label, ([], []))
                times += [int(t.timestamp()) for t in x["Timestamps"]]
                values += x["Values"]
                out.statuses.setdefault(label, []).append(x["StatusCode"])
            token = r.get("NextToken")
            if not token:
                return out

    def refused(self, expr, period=3600, **kw):
        """The error a query is answered with (it must not succeed)."""
        try:
            self.query(expr, period, **kw)
        except ClientError as e:
            return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]
        raise AssertionError(f"accepted: {expr}")


def fig(summary, account, fn, metric, grain="hourly"):
    return summary["figures"][account][fn][metric][grain]


def expect(summary, account, fn, metric, function, grain="hourly"):
    """(times, values) that FUNCTION(metric) must answer for one function."""
    f = fig(summary, account, fn, metric, grain)
    if function == "SUM":
        vals = f["sum"]
    elif function == "COUNT":
        vals = [float(c) for c in f["count"]]
    elif function == "MIN":
        vals = f["min"]
    elif function == "MAX":
        vals = f["max"]
    else:  # AVG: the exact sum over the exact count, rounded once
        vals = [float(Fraction(s) / c) for s, c in zip(f["sum"], f["count"])]
    return f["t"], [float(v) for v in vals]


def complete_once(ans):
    """A series cut by paging is PartialData on every page but its last."""
    for label, st in ans.statuses.items():
        assert st[-1] == "Complete" and all(x == "PartialData" for x in st[:-1]), (label, st)


# ------------------------------------------------------------------------------------ checks
def check_hourly(env, s, t):
    """SUM(Invocations) per function and hour, every account, paged answers reassembled."""
    pages = values = 0
    for account in s["accounts"]:
        ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE AWS.AccountId = '{account}' GROUP BY FunctionName")
        names = sorted(s["functions"][account])
        assert list(ans.series) == names, "one series per function, labelled with its name, alphabetical"
        for fn in names:
            assert ans.series[fn] == expect(s, account, fn, "Invocations", "SUM"), (account, fn)
            values += len(ans.series[fn][1])
        complete_once(ans)
        assert ans.pages > 1 and not ans.messages
        pages += ans.pages
    functions = sum(len(f) for f in s["functions"].values())
    return f"{values} hourly values of {functions} functions in {pages} pages"


def check_hourly_metrics(env, s, t):
    """Hourly Errors, Duration and ConcurrentExecutions of the monitoring account's functions."""
    n = 0
    cases = (("Errors", "SUM"), ("Duration", "SUM"), ("Duration", "AVG"), ("ConcurrentExecutions", "MAX"))
    for metric, function in cases:
        ans = env.query(f"SELECT {function}({metric}) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                        "GROUP BY FunctionName")
        for fn in s["functions"][s["monitoring"]]:
            assert ans.series[fn] == expect(s, s["monitoring"], fn, metric, function), (metric, function, fn)
            n += len(ans.series[fn][1])
    return f"{n} values"


def check_daily(env, s, t):
    """Period 86400: every statistic of every metric of every function, per UTC day."""
    cases = [("Invocations", "SUM"), ("Errors", "SUM"), ("ConcurrentExecutions", "MAX"), ("Duration", "SUM"),
             ("Duration", "COUNT"), ("Duration", "MIN"), ("Duration", "MAX"), ("Duration", "AVG")]
    n = 0
    for account in s["accounts"]:
        for metric, function in cases:
            ans = env.query(f"SELECT {function}({metric}) FROM {LAMBDA} WHERE AWS.AccountId = '{account}' "
                            "GROUP BY FunctionName", period=86400)
            assert len(ans.series) == len(s["functions"][account])
            for fn in s["functions"][account]:
                times, values = ans.series[fn]
                assert all(x % 86400 == 0 for x in times)
                want = expect(s, account, fn, metric, function, "daily")
                assert (times, values) == want, (account, metric, function, fn)
                n += len(values)
    return f"{n} daily values ({len(cases)} statistics x {len(s['accounts'])} accounts)"


def check_grouping(env, s, t):
    """Accounts merged or split, SCHEMA vs a bare namespace, group Other, !=, ungrouped labels."""
    mon, fn0 = s["monitoring"], s["functions"][s["monitoring"]][0]
    shared = s["functions"][mon][2]  # even-numbered names exist in every account
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE FunctionName = '{shared}' GROUP BY FunctionName")
    assert list(ans.series) == [shared]
    want = {}
    for a in s["accounts"]:
        for tt, v in zip(*expect(s, a, shared, "Invocations", "SUM")):
            want[tt] = want.get(tt, 0) + v
    assert ans.series[shared] == (sorted(want), [want[k] for k in sorted(want)])
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE FunctionName = '{shared}' "
                    "GROUP BY AWS.AccountId, FunctionName")
    assert list(ans.series) == [f"{a} {shared}" for a in sorted(s["accounts"])], list(ans.series)
    for a in s["accounts"]:
        assert ans.series[f"{a} {shared}"] == expect(s, a, shared, "Invocations", "SUM")

    # FROM "AWS/Lambda" also reads the {FunctionName, Resource} alias series; SCHEMA(...) does not.
    alias = s["extras"]["alias"][mon]
    bare = env.query(f"SELECT SUM(Invocations) FROM \"AWS/Lambda\" WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                     f"AND FunctionName = '{fn0}' GROUP BY FunctionName")
    times, own = expect(s, mon, fn0, "Invocations", "SUM")
    assert bare.series[fn0] == (times, [a + b for a, b in zip(own, alias["value"])])
    only = env.query(f"SELECT SUM(Invocations) FROM SCHEMA(\"AWS/Lambda\", FunctionName, \"Resource\") "
                     "WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() GROUP BY \"Resource\"")
    assert only.series == {alias["resource"]: (alias["t"], [float(v) for v in alias["value"]])}

    # A GROUP BY key a metric lacks puts it in group Other (the account-level series).
    ans = env.query("SELECT MAX(ConcurrentExecutions) FROM \"AWS/Lambda\" WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    "GROUP BY FunctionName")
    level = s["extras"]["account_level"][mon]
    assert list(ans.series)[0] == "Other" and len(ans.series) == len(s["functions"][mon]) + 1
    assert ans.series["Other"] == (level["t"], [float(v) for v in level["value"]])
    schema0 = env.query("SELECT SUM(ConcurrentExecutions) FROM SCHEMA(\"AWS/Lambda\") "
                        "WHERE AWS.AccountId = CURRENT_ACCOUNT_ID()")
    assert schema0.series == {"q": (level["t"], [float(v) for v in level["value"]])}, "ungrouped: labelled with the Id"

    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    f"AND FunctionName != '{fn0}' GROUP BY FunctionName")
    assert fn0 not in ans.series and len(ans.series) == len(s["functions"][mon]) - 1

    # Ungrouped over every visible account: one series, the Label given or the Id.
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA}", period=86400, Label="all invocations")
    want = {}
    for a in s["accounts"]:
        for fn in s["functions"][a]:
            for tt, v in zip(*expect(s, a, fn, "Invocations", "SUM", "daily")):
                want[tt] = want.get(tt, 0) + v
    assert ans.series == {"all invocations": (sorted(want), [want[k] for k in sorted(want)])}
    # A Label on a grouped query goes before each group's values; ${PROP('Dim.KEY')} is a group value.
    ans = env.query(f"SELECT SUM(Errors) FROM {LAMBDA} WHERE FunctionName = '{shared}' GROUP BY AWS.AccountId",
                    period=86400, Label="errors")
    assert list(ans.series) == [f"errors {a}" for a in sorted(s["accounts"])]
    ans = env.query(f"SELECT SUM(Errors) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() GROUP BY FunctionName "
                    "ORDER BY SUM() DESC LIMIT 2", period=86400, Label="${PROP('Dim.FunctionName')} errors")
    assert len(ans.series) == 2, list(ans.series)
    assert all(k.endswith(" errors") and k[: -len(" errors")] in s["functions"][mon] for k in ans.series)
    return "merge, split, SCHEMA, Other, !=, labels"


def totals(s, metric="Invocations", accounts=None):
    """{(account, function): weekly sum}."""
    return {(a, fn): sum(fig(s, a, fn, metric)["sum"]) for a in (accounts or s["accounts"]) for fn in s["functions"][a]}


def check_top_n(env, s, t):
    """ORDER BY SUM() DESC LIMIT n: the n largest weekly totals, over every account."""
    tot = totals(s)
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} GROUP BY AWS.AccountId, FunctionName "
                    "ORDER BY SUM() DESC LIMIT 10")
    want = sorted(tot, key=lambda k: (-tot[k], k))[:10]
    assert list(ans.series) == [f"{a} {fn}" for a, fn in want], (list(ans.series), want)
    for a, fn in want:
        assert ans.series[f"{a} {fn}"] == expect(s, a, fn, "Invocations", "SUM")
    assert not ans.messages
    mx = {k: max(fig(s, k[0], k[1], "ConcurrentExecutions")["max"]) for k in tot}
    ans = env.query(f"SELECT MAX(ConcurrentExecutions) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    "GROUP BY FunctionName ORDER BY MAX() ASC LIMIT 5")
    mine = {k: v for k, v in mx.items() if k[0] == s["monitoring"]}
    want = sorted(mine, key=lambda k: (mine[k], k[1]))[:5]
    assert list(ans.series) == [fn for _, fn in want], (list(ans.series), want)
    return f"top 10 of {len(tot)} by SUM(), bottom 5 by MAX()"


def check_series_limit(env, s, t):
    """A query that would answer more than 500 series answers the first 500 and says so."""
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} GROUP BY AWS.AccountId, FunctionName", period=86400)
    groups = sorted((a, fn) for a in s["accounts"] for fn in s["functions"][a])
    assert len(ans.series) == 500 and list(ans.series) == [f"{a} {fn}" for a, fn in groups[:500]]
    assert [m["Code"] for m in ans.messages] == ["MaxQueryResultsExceeded"], ans.messages
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} GROUP BY AWS.AccountId, FunctionName "
                    "ORDER BY SUM() DESC LIMIT 500", period=86400)
    assert len(ans.series) == 500 and not ans.messages
    status, err = env.refused(f"SELECT SUM(Invocations) FROM {LAMBDA} GROUP BY FunctionName LIMIT 501")
    assert status == 400 and err["Code"] == "ValidationError", err
    return f"500 of {len(groups)} series, MaxQueryResultsExceeded; LIMIT 501 refused"


def check_paging(env, s, t):
    """Pages hold at most --max-datapoints; a series cut between pages is reassembled; a
    MetricStat query in the same request pages along."""
    mon = s["monitoring"]
    fn = s["functions"][mon][1]
    stat = {"Id": "m", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                                                 "Dimensions": [{"Name": "FunctionName", "Value": fn}]},
                                      "Period": 3600, "Stat": "Sum"}}
    ans = env.query(f"SELECT SUM(Duration) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    "GROUP BY FunctionName", extra=[stat])
    n = sum(len(v) for _, v in ans.series.values())
    assert ans.pages == -(-n // PAGE), (ans.pages, n)
    assert any(len(st) > 1 for st in ans.statuses.values()), "a series cut at a page end"
    complete_once(ans)
    assert ans.series[f"m:m"] == expect(s, mon, fn, "Errors", "SUM")
    for f in s["functions"][mon]:
        assert ans.series[f] == expect(s, mon, f, "Duration", "SUM")
    return f"{n} datapoints in {ans.pages} pages of <= {PAGE}"


def check_malformed(env, s, t):
    """Malformed or unsupported queries answer HTTP 400 ValidationError."""
    bad = [
        ("SELECT SUM(Invocations) FORM \"AWS/Lambda\"", {}),
        ("SELECT SUM(Invocations) FROM AWS/Lambda", {}),  # a namespace with / must be double-quoted
        ("SELECT SUM(Invocations) FROM SCHEMA(\"AWS/Lambda\", FunctionName, Resource)", {}),  # reserved keyword
        ("SELECT PERCENTILE(Duration) FROM \"AWS/Lambda\"", {}),
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\" WHERE FunctionName = fn", {}),  # values in single quotes
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\" WHERE FunctionName LIKE 'fn-%'", {}),  # not documented
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\" WHERE FunctionName = 'a' OR FunctionName = 'b'", {}),
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\" ORDER BY SUM() DESC LIMIT 0", {}),
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\" GROUP BY", {}),
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\"", {"period": 90}),
        ("SUM(METRICS())", {}),  # metric math: not run by the adapter
        ("SELECT SUM(Invocations) FROM \"AWS/Lambda\"",
         {"extra": [{"Id": "r", "Expression": "SELECT SUM(Errors) FROM \"AWS/Lambda\"", "Period": 3600}]}),
    ]
    for expr, kw in bad:
        status, err = env.refused(expr, **kw)
        assert status == 400 and err["Code"] == "ValidationError" and err["Message"], (expr, status, err)
    return f"{len(bad)} refused with ValidationError"


def check_time_range(env, s, t):
    """A start older than two weeks reads two weeks only and says MaxQueryTimeRangeExceeded."""
    mon, fn0 = s["monitoring"], s["functions"][s["monitoring"]][0]
    old = s["extras"]["old_points"]
    start = min(p["t"] for p in old) - 86400
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE FunctionName = '{fn0}' "
                    "AND AWS.AccountId = CURRENT_ACCOUNT_ID()", period=86400, start=start, end=s["end"])
    assert [m["Code"] for m in ans.messages] == ["MaxQueryTimeRangeExceeded"], ans.messages
    assert ans.series["q"] == expect(s, mon, fn0, "Invocations", "SUM", "daily"), "the old points are not read"
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE FunctionName = '{fn0}'", period=86400)
    assert not ans.messages
    return f"points {(s['now'] - old[0]['t']) // 86400} days old left out"


def check_cross_account(env, s, t):
    """What a monitoring account, a source account and a query's AccountId see."""
    mon, src = s["monitoring"], s["sources"][1]
    q = f"SELECT SUM(Invocations) FROM {LAMBDA} GROUP BY AWS.AccountId"
    everyone = env.query(q, period=86400)
    assert list(everyone.series) == sorted(s["accounts"])
    inv = totals(s)
    for a in s["accounts"]:
        assert sum(everyone.series[a][1]) == sum(v for k, v in inv.items() if k[0] == a)
    own = env.query(q, period=86400, account=src)
    assert list(own.series) == [src] and own.series[src] == everyone.series[src], "a source account sees itself"
    assert env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE AWS.AccountId = '{mon}'", account=src).series == {}
    cur = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    "GROUP BY AWS.AccountId", period=86400, account=src)
    assert list(cur.series) == [src]
    # A query's AccountId picks one account of those visible; another is Forbidden.
    one = env.query(q, period=86400, AccountId=s["sources"][0])
    assert list(one.series) == [s["sources"][0]]
    denied = env.query(q, period=86400, account=src, AccountId=mon)
    assert denied.statuses == {"q": ["Forbidden"]} and denied.series["q"] == ([], []), denied.statuses
    fn = s["functions"][s["sources"][0]][1]
    stat = {"Id": "m", "AccountId": s["sources"][0], "MetricStat": {
        "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                   "Dimensions": [{"Name": "FunctionName", "Value": fn}]},
        "Period": 3600, "Stat": "Sum"}}
    both = env.query(f"SELECT SUM(Errors) FROM {LAMBDA} WHERE FunctionName = '{fn}'", extra=[stat])
    assert both.series["m:m"] == expect(s, s["sources"][0], fn, "Invocations", "SUM"), "MetricStat with AccountId"
    # Fewer sources, then none: the monitoring account sees what it is linked to.
    env.post("/__adapter/monitoring", {"monitoring": mon, "sources": s["sources"][:2]})
    assert list(env.query(q, period=86400).series) == sorted([mon] + s["sources"][:2])
    env.post("/__adapter/monitoring", {})
    assert list(env.query(q, period=86400).series) == [mon]
    env.post("/__adapter/monitoring", {"monitoring": mon, "sources": s["sources"]})
    return f"monitoring sees {len(s['accounts'])} accounts, a source 1; AccountId; Forbidden"


def check_like(env, s, t):
    """With --insights-like, on data put through CBOR PutMetricData: LIKE with % and _."""
    a = s["monitoring"]
    names = s["functions"][a]
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE FunctionName LIKE 'fn-000_' GROUP BY FunctionName")
    want = sorted(n for n in names if len(n) == 7 and n.startswith("fn-000"))
    assert list(ans.series) == want, list(ans.series)
    ans = env.query(f"SELECT SUM(Invocations) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() "
                    "AND FunctionName LIKE '%-a0' GROUP BY FunctionName")
    want = sorted(n for n in names if n.endswith("-a0"))
    assert list(ans.series) == want and want
    for fn in want:
        assert ans.series[fn] == expect(s, a, fn, "Invocations", "SUM"), fn
    return f"{len(want)} functions matched; CBOR PutMetricData sums equal"


def check_wire(env, s, t):
    """The raw CBOR exchange: what the adapter answers, as cbor2 decodes it."""
    cw = seed_org.CborCloudWatch(env.endpoint, KEY, "us-east-1")
    mon = s["monitoring"]
    fn = s["functions"][mon][0]
    status, body, headers = cw.call("GetMetricData", {
        "StartTime": seed_org.cbor2.CBORTag(1, float(s["start"])), "EndTime": seed_org.cbor2.CBORTag(1, float(s["end"])),
        "ScanBy": "TimestampAscending",
        "MetricDataQueries": [{"Id": "q", "Period": 86400, "Expression": f"SELECT SUM(Invocations) FROM {LAMBDA} "
                               f"WHERE FunctionName = '{fn}' GROUP BY AWS.AccountId"}]})
    cw.close()
    assert status == 200 and headers.get("smithy-protocol") == "rpc-v2-cbor", headers
    assert set(body) == {"MetricDataResults", "Messages"}, body.keys()
    r = body["MetricDataResults"][0]
    assert set(r) == {"Id", "Label", "Timestamps", "Values", "StatusCode"}
    assert r["Label"] == mon and r["StatusCode"] == "Complete"
    assert all(ts.tzinfo is not None and ts.timestamp() % 86400 == 0 for ts in r["Timestamps"])
    return f"{len(body['MetricDataResults'])} results, Timestamps as CBOR tag 1"


def check_json_protocol(env, s, t):
    """boto3's own protocol for CloudWatch (awsJson1_0) gets the same answers and errors."""
    c = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=env.endpoint, aws_access_key_id=KEY,
                     aws_secret_access_key="breakeven-test-secret")
    assert c.meta.service_model.resolved_protocol == "json"
    expr = f"SELECT SUM(Duration) FROM {LAMBDA} WHERE AWS.AccountId = CURRENT_ACCOUNT_ID() GROUP BY FunctionName"
    want = env.query(expr, period=86400)
    got, token = {}, None
    while True:
        kw = {"NextToken": token} if token else {}
        r = c.get_metric_data(StartTime=s["start"], EndTime=s["end"], ScanBy="TimestampAscending",
                              MetricDataQueries=[{"Id": "q", "Expression": expr, "Period": 86400}], **kw)
        for x in r["MetricDataResults"]:
            times, values = got.setdefault(x["Label"], ([], []))
            times += [int(ts.timestamp()) for ts in x["Timestamps"]]
            values += x["Values"]
        token = r.get("NextToken")
        if not token:
            break
    assert got == want.series
    try:
        c.get_metric_data(StartTime=s["start"], EndTime=s["end"],
                          MetricDataQueries=[{"Id": "q", "Expression": "SELECT SUM(x) FORM y", "Period": 60}])
        raise AssertionError("accepted")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "ValidationError", e.response
    return f"{len(got)} series equal to the CBOR answer; ValidationError"


def start_server(*extra):
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--access-key", KEY,
                               "--max-datapoints", str(PAGE), *extra], stdout=subprocess.PIPE, text=True)
    port = json.loads(server.stdout.readline())["port"]
    return server, f"http://127.0.0.1:{port}"


def main():
    timings, passed, failed = {}, 0, 0
    model_dir = cbor_model_dir()
    servers = []
    try:
        t = time.monotonic()
        server, endpoint = start_server()
        servers.append(server)
        env = Env(endpoint, model_dir)
        timings["start the adapter"] = time.monotonic() - t
        t = time.monotonic()
        s = env.summary = seed_org.seed(seed_org.parse_args(["--endpoint", endpoint, "--accounts", "5",
                                                             "--functions", "400", "--days", "7"]))
        what = f"seed {s['datums']} datums ({len(s['accounts'])} accounts x 400 functions x 7 days)"
        timings[what] = time.monotonic() - t
        checks = [check_wire, check_hourly, check_hourly_metrics, check_daily, check_grouping, check_top_n,
                  check_series_limit, check_paging, check_malformed, check_time_range, check_cross_account,
                  check_json_protocol]
        t = time.monotonic()
        server2, endpoint2 = start_server("--insights-like")
        servers.append(server2)
        env2 = Env(endpoint2, model_dir)
        env2.summary = seed_org.seed(seed_org.parse_args(["--endpoint", endpoint2, "--accounts", "2", "--functions", "30",
                                                          "--days", "1", "--via", "cbor"]))
        timings[f"second adapter, seed {env2.summary['datums']} datums by CBOR PutMetricData"] = time.monotonic() - t
        runs = [(env, c) for c in checks] + [(env2, check_like)]
        for e, check in runs:
            t = time.monotonic()
            try:
                print(f"ok   {check.__name__}: {check(e, e.summary, timings)}", flush=True)
                passed += 1
            except Exception:
                failed += 1
                print(f"FAIL {check.__name__}\n{traceback.format_exc()}", flush=True)
            timings[check.__name__] = time.monotonic() - t
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(model_dir, ignore_errors=True)
    for k, v in timings.items():
        print(f"{v:7.2f} s  {k}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
