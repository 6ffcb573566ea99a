"""Self-test of the adapter's Athena: real SQL over seeded AWS Data Exports, Athena's answer shapes.

    $HOME/.cache/breakeven/venv/bin/python tests/moto/test_athena.py

Starts server.py, seeds ~300,000 CUR 2.0 line items (5 accounts, 2,000 functions, 2 billing
periods) and a smaller FOCUS 1.0 export through exports.py, then with boto3 against the adapter
runs GROUP BY queries restricted to one billing period, polls GetQueryExecution, pages
GetQueryResults 1,000 rows at a time and checks every sum against the seeder's own decimal sums,
and DataScannedInBytes against the partition's bytes; then the failure paths (syntax error,
unknown table, injected failure, StopQueryExecution, GetQueryResults of a failed query) and Glue
paging. Prints timings and `N passed, N failed`; exits non-zero on a failure.
"""

import json
import os
import subprocess
import sys
import time
import traceback
import urllib.request
from decimal import Decimal

import boto3
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import exports  # noqa: E402

PERIOD, OTHER_PERIOD = "2026-11", "2026-10"
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


class Env:
    def __init__(self, endpoint):
        self.endpoint = endpoint
        kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="AKIDBREAKEVENTEST",
                  aws_secret_access_key="breakeven-test-secret")
        self.athena, self.glue = boto3.client("athena", **kw), boto3.client("glue", **kw)
        self.s3 = boto3.client("s3", **kw)

    def post(self, path, payload):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(payload).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def get(self, path):
        with urllib.request.urlopen(self.endpoint + path, timeout=30) as r:
            return json.loads(r.read())

    def start(self, sql, database="billing"):
        return self.athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": database}, WorkGroup="primary",
            ResultConfiguration={"OutputLocation": "s3://breakeven-exports/athena-results/"})["QueryExecutionId"]

    def wait(self, qid):
        """(states seen, final QueryExecution) polling GetQueryExecution."""
        states = []
        while True:
            ex = self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            states.append(ex["Status"]["State"])
            if states[-1] in FINAL:
                return states, ex
            time.sleep(0.01)

    def rows(self, qid):
        """(column infos, data rows as lists of str or None, pages) through MaxResults=1000 pages."""
        out, token, pages, columns = [], None, 0, None
        while True:
            kw = {"QueryExecutionId": qid, "MaxResults": 1000, **({"NextToken": token} if token else {})}
            page = self.athena.get_query_results(**kw)
            assert page["UpdateCount"] == 0
            columns = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
            rows = [[c.get("VarCharValue") for c in r["Data"]] for r in page["ResultSet"]["Rows"]]
            if pages == 0:
                assert rows[0] == [c["Name"] for c in columns], "the first row is the header"
                rows = rows[1:]
            assert len(page["ResultSet"]["Rows"]) <= 1000
            out += rows
            pages += 1
            token = page.get("NextToken")
            if not token:
                return columns, out, pages

    def run(self, sql, database="billing"):
        qid = self.start(sql, database)
        states, ex = self.wait(qid)
        return qid, states, ex


def ordered(states, final):
    """Athena's sequence as a poller sees it: QUEUED, RUNNING (once or more), then the final state."""
    return states[0] == "QUEUED" and states[-1] == final and set(states[1:-1]) == {"RUNNING"}


def by_service_sql(fmt, table, where):
    s = exports.SUM_SQL[fmt]
    usage_type = "line_item_usage_type" if fmt == "cur2" else "x_usagetype"
    return (f"SELECT {s['account']} AS account, {s['day']} AS day, {s['service']} AS service, {usage_type} AS usage_type, "
            f"SUM({s['billed']}) AS billed, SUM({s['effective']}) AS effective, SUM({s['list']}) AS list, COUNT(*) AS n "
            f'FROM "billing"."{table}" WHERE {where} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4')


def by_function_sql(fmt, table, where):
    s = exports.SUM_SQL[fmt]
    return (f"SELECT {s['resource_id']} AS resource_id, {s['day']} AS day, SUM({s['billed']}) AS billed, "
            f"SUM({s['effective']}) AS effective, SUM({s['list']}) AS list FROM billing.{table} t "
            f"WHERE {where} AND {s['resource_id']} LIKE 'arn:aws:lambda:%' GROUP BY 1, 2")


def expected(summary, member, keys, period):
    return {tuple(e[k] for k in keys): (e["billed"], e["effective"], e["list"])
            for e in summary[member] if e["day"].startswith(period)}


def check_sums(env, summary, timings):
    """The GROUP BY answers equal the seeder's decimal sums, exactly; bytes scanned = the partition's."""
    fmt, table = summary["format"], summary["table"]
    t = time.monotonic()
    qid, states, ex = env.run(by_service_sql(fmt, table, f"billing_period = '{PERIOD}'"))
    assert ordered(states, "SUCCEEDED"), states
    columns, rows, pages = env.rows(qid)
    timings[f"{fmt} by-service query + {pages} pages"] = time.monotonic() - t
    types = {c["Name"]: (c["Type"], c.get("Precision"), c.get("Scale")) for c in columns}
    assert types["billed"] == ("decimal", 38, 10) and types["day"][0] == "date" and types["n"][0] == "bigint", types
    got = {}
    for account, day, service, _usage_type, billed, effective, listed, _n in rows:
        s = got.setdefault((account, day, service), [Decimal(0)] * 3)
        for i, v in enumerate((billed, effective, listed)):
            s[i] += Decimal(v)
    got = {k: tuple(format(x, "f") for x in v) for k, v in got.items()}
    want = expected(summary, "by_account_day_service", ("account", "day", "service"), PERIOD)
    assert got == want, f"{len(set(got.items()) ^ set(want.items()))} (account, day, service) sums differ"
    stats = ex["Statistics"]
    assert stats["DataScannedInBytes"] == summary["partitions"][PERIOD]["bytes"], stats
    assert stats["EngineExecutionTimeInMillis"] > 0
    out = ex["ResultConfiguration"]["OutputLocation"]
    assert out == f"s3://breakeven-exports/athena-results/{qid}.csv", out
    text = env.s3.get_object(Bucket="breakeven-exports", Key=out.split("/", 3)[3])["Body"].read().decode()
    assert text.splitlines()[0] == '"account","day","service","usage_type","billed","effective","list","n"'
    assert len(text.splitlines()) == len(rows) + 1
    assert ex["Status"]["CompletionDateTime"] >= ex["Status"]["SubmissionDateTime"]

    t = time.monotonic()
    qid, states, ex = env.run(by_function_sql(fmt, table, f"t.billing_period IN ('{PERIOD}')"))
    columns, rows, pages = env.rows(qid)
    timings[f"{fmt} by-function query + {pages} pages"] = time.monotonic() - t
    got = {(r, d): (b, e, li) for r, d, b, e, li in rows}
    want = expected(summary, "by_function_day", ("resource_id", "day"), PERIOD)
    assert len(want) > 1000 and got == want, f"{len(got)} vs {len(want)} (function, day) sums"
    assert ex["Statistics"]["DataScannedInBytes"] == summary["partitions"][PERIOD]["bytes"]
    return f"{len(rows)} function-days and the per-service sums match"


def check_scanned(env, summary, timings):
    """Partition restrictions decide the bytes scanned: none, range, BETWEEN, absent period."""
    table, parts = summary["table"], summary["partitions"]
    cases = [
        (f"SELECT COUNT(*) FROM {table}", summary["table_bytes"], None),
        (f'SELECT COUNT(*) FROM billing.{table} x WHERE x."billing_period" >= \'{PERIOD}\'', parts[PERIOD]["bytes"], None),
        (f"SELECT COUNT(*) FROM {table} WHERE BILLING_PERIOD BETWEEN '{OTHER_PERIOD}' AND '{PERIOD}'",
         summary["table_bytes"], None),
        (f"SELECT COUNT(*) AS n FROM {table} WHERE billing_period IN ('1999-01')", 0, "0"),
    ]
    for sql, scanned, count in cases:
        qid, states, ex = env.run(sql)
        assert states[-1] == "SUCCEEDED", (sql, ex["Status"])
        assert ex["Statistics"]["DataScannedInBytes"] == scanned, (sql, ex["Statistics"], scanned)
        if count is not None:
            assert env.rows(qid)[1] == [[count]]
    return f"{len(cases)} restrictions"


def check_failures(env, summary, timings):
    """Syntax error, unknown table, injected failure, stop, results of a failed query."""
    table = summary["table"]
    _, states, ex = env.run(f"SELEC * FROM {table}")
    assert ordered(states, "FAILED"), states
    assert ex["Status"]["StateChangeReason"].startswith("SYNTAX_ERROR: "), ex["Status"]
    qid, _, ex = env.run("SELECT * FROM billing.no_such_table")
    assert ex["Status"]["StateChangeReason"].startswith("TABLE_NOT_FOUND: "), ex["Status"]
    try:
        env.athena.get_query_results(QueryExecutionId=qid)
        raise AssertionError("GetQueryResults of a FAILED query answered")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidRequestException", e.response
    reason = "HIVE_CANNOT_OPEN_SPLIT: injected by the test"
    env.post("/__adapter/athena-fail", {"match": "/* flaky */", "reason": reason})
    _, _, ex = env.run(f"SELECT COUNT(*) /* flaky */ FROM {table}")
    assert ex["Status"]["State"] == "FAILED" and ex["Status"]["StateChangeReason"] == reason, ex["Status"]
    env.post("/__adapter/athena-fail", {})
    _, _, ex = env.run(f"SELECT COUNT(*) /* flaky */ FROM {table}")
    assert ex["Status"]["State"] == "SUCCEEDED", ex["Status"]
    qid = env.start(f"SELECT * FROM {table}")
    env.athena.stop_query_execution(QueryExecutionId=qid)
    states, ex = env.wait(qid)
    assert states == ["CANCELLED"], states
    try:
        env.athena.get_query_execution(QueryExecutionId="00000000-0000-0000-0000-000000000000")
        raise AssertionError("an unknown id answered")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "InvalidRequestException"
    return "syntax, table, injected, cancelled, results of FAILED"


def check_glue_and_log(env, summary, timings):
    """GetTable / GetPartitions (paged by the adapter) carry sizeKey; the query log counts."""
    table = env.glue.get_table(DatabaseName="billing", Name=summary["table"])["Table"]
    assert table["Parameters"]["sizeKey"] == str(summary["table_bytes"])
    assert table["PartitionKeys"] == [{"Name": "billing_period", "Type": "string"}]
    seen, token = {}, None
    while True:
        kw = {"NextToken": token} if token else {}
        page = env.glue.get_partitions(DatabaseName="billing", TableName=summary["table"], MaxResults=1, **kw)
        assert len(page["Partitions"]) <= 1
        for p in page["Partitions"]:
            seen[p["Values"][0]] = int(p["Parameters"]["sizeKey"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == {k: v["bytes"] for k, v in summary["partitions"].items()}, seen
    log = env.get("/__adapter/athena-log")
    mine = [e for e in log if summary["table"] in e["query"]]
    assert mine and all(set(e) >= {"id", "query", "state", "scanned_bytes"} for e in log)
    return f"{len(seen)} partitions in pages of 1; {len(log)} queries logged"


def main():
    timings, passed, failed = {}, 0, 0
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py")], stdout=subprocess.PIPE, text=True)
    try:
        port = json.loads(server.stdout.readline())["port"]
        env = Env(f"http://127.0.0.1:{port}")
        summaries = []
        for fmt, items, functions in (("cur2", 300000, 2000), ("focus", 60000, 300)):
            t = time.monotonic()
            summaries.append(exports.seed(exports.parse_args([
                "--endpoint", env.endpoint, "--format", fmt, "--accounts", "5", "--functions", str(functions),
                "--months", f"{OTHER_PERIOD},{PERIOD}", "--line-items", str(items), "--rows-per-file", "60000"])))
            s = summaries[-1]
            timings[f"seed {fmt}: {s['rows']} rows, {s['table_bytes']} bytes"] = time.monotonic() - t
        for s in summaries:
            for check in (check_sums, check_scanned, check_failures, check_glue_and_log):
                name = f"{s['format']}: {check.__name__}"
                try:
                    print(f"ok   {name}: {check(env, s, timings)}", flush=True)
                    passed += 1
                except Exception:
                    failed += 1
                    print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for k, v in timings.items():
        print(f"{v:7.2f} s  {k}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
