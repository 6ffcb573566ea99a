"""Amazon Athena for the test adapter: queries run for real (athena_sql, DuckDB) over the Parquet
objects of the Glue tables held by moto, with Athena's awsJson1_1 request and answer shapes.

moto serves Athena's API but does not execute SQL, so server.py hands this module the Athena
actions in ACTIONS (X-Amz-Target `AmazonAthena.<Action>`); every other Athena action (work groups,
data catalogs, ...) still goes to moto. A query runs on one worker thread as soon as it is
started, but its state shows the way Athena's does to a poller: the first GetQueryExecution
answers QUEUED, the second RUNNING, later ones the final state (SUCCEEDED, FAILED or CANCELLED)
once the query has finished. StopQueryExecution cancels any query whose final state has not been
shown yet. Results of a SUCCEEDED query are also written, as Athena's CSV, to
`<OutputLocation>/<id>.csv` when that bucket exists in moto.

Test hooks (served under /__adapter/, see admin()):
  POST athena-fail {"match": "substring", "reason": "...", "count": N?}  queries containing the
       substring fail with that reason (the next N only, if count is given); {} clears it;
  GET  athena-log   [{id, query, state, scanned_bytes, reason?}] of every query started.
"""

import base64
import csv
import io
import json
import queue
import threading
import time
import uuid

from moto.athena.models import athena_backends
from moto.core import DEFAULT_ACCOUNT_ID

import athena_sql
import catalog

# Athena action -> method of Athena answering it.
ACTIONS = {"StartQueryExecution": "start_query_execution", "GetQueryExecution": "get_query_execution",
           "BatchGetQueryExecution": "batch_get_query_execution", "GetQueryResults": "get_query_results",
           "StopQueryExecution": "stop_query_execution", "ListQueryExecutions": "list_query_executions"}
FINAL = {"SUCCEEDED", "FAILED", "CANCELLED"}
NO_OUTPUT = ("No output location provided. An output location is required either through the Workgroup "
             "result configuration setting or as an API input.")


class AthenaError(Exception):
    """An error answer: (HTTP status, __type, message)."""

    def __init__(self, message, code="InvalidRequestException", status=400):
        super().__init__(message)
        self.code, self.status = code, status


class Query:
    def __init__(self, qid, sql, database, catalog_name, workgroup, output, region):
        self.id, self.sql, self.database, self.catalog = qid, sql, database, catalog_name
        self.workgroup, self.output, self.region = workgroup, output, region
        self.submitted = time.time()
        self.completed = None
        self.polls = 0
        self.state = "QUEUED"  # the query's own state
        self.shown = "QUEUED"  # the state its pollers have been shown
        self.reason = None
        self.result = None
        self.conn = None
        self.cancelled = False

    def poll(self):
        """Advance what pollers see: QUEUED, then RUNNING, then the final state once reached."""
        self.polls += 1
        if self.cancelled:
            self.shown = "CANCELLED"
        elif self.shown not in FINAL:
            if self.polls == 1:
                self.shown = "QUEUED"
            elif self.polls == 2 or self.state not in FINAL:
                self.shown = "RUNNING"
            else:
                self.shown = self.state
        return self.shown

    def execution(self):
        """The QueryExecution structure of GetQueryExecution, for the state shown."""
        status = {"State": self.shown, "SubmissionDateTime": round(self.submitted, 3)}
        final = self.shown in FINAL
        if final:
            status["CompletionDateTime"] = round(self.completed or time.time(), 3)
        if self.shown == "FAILED":
            status["StateChangeReason"] = self.reason
            status["AthenaError"] = {"ErrorCategory": 2, "Retryable": False, "ErrorMessage": self.reason}
        done = self.shown == "SUCCEEDED"
        engine = self.result.engine_ms if done else 0
        total = int(((self.completed or time.time()) - self.submitted) * 1000) if final else 0
        return {
            "QueryExecutionId": self.id,
            "Query": self.sql,
            "StatementType": "DML",
            "SubstatementType": "SELECT",
            "ResultConfiguration": {"OutputLocation": self.output},
            "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
            "QueryExecutionContext": {"Database": self.database, "Catalog": self.catalog},
            "Status": status,
            "Statistics": {
                "EngineExecutionTimeInMillis": engine,
                "DataScannedInBytes": self.result.scanned_bytes if done else 0,
                "TotalExecutionTimeInMillis": max(total, engine),
                "QueryQueueTimeInMillis": 0,
                "ServiceProcessingTimeInMillis": 0,
                "ResultReuseInformation": {"ReusedPreviousResult": False},
            },
            "WorkGroup": self.workgroup,
            "EngineVersion": {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"},
        }


def token(qid, offset):
    return base64.urlsafe_b64encode(f"{qid}:{offset}".encode()).decode()


class Athena:
    def __init__(self):
        self.lock = threading.Lock()
        self.queries = {}  # id -> Query, in start order
        self.fail = {}  # {"match", "reason", "count"?}
        self.cache = catalog.FileCache()
        self.work = queue.Queue()
        threading.Thread(target=self.worker, daemon=True).start()

    # ------------------------------------------------------------------ execution
    def worker(self):
        while True:
            q = self.work.get()
            with self.lock:
                if q.cancelled:
                    continue
                q.state = "RUNNING"
            try:
                result = athena_sql.execute(q.sql, q.database, q.region, self.cache, lambda c: self.attach(q, c),
                                            lambda: q.cancelled)
                state, reason = "SUCCEEDED", None
            except athena_sql.QueryFailed as e:
                result, state, reason = None, "FAILED", str(e)
            except athena_sql.Cancelled:
                result, state, reason = None, "CANCELLED", None
            except Exception as e:  # an engine fault
                result, state, reason = None, "FAILED", f"GENERIC_INTERNAL_ERROR: {e}"
            if result is not None:  # the file is there before anyone sees SUCCEEDED
                try:
                    self.write_csv(q.output, result)
                except Exception as e:
                    result, state, reason = None, "FAILED", f"GENERIC_INTERNAL_ERROR: cannot write {q.output}: {e}"
            with self.lock:
                q.conn = None
                if q.cancelled:
                    continue
                q.result, q.state, q.reason, q.completed = result, state, reason, time.time()

    def attach(self, q, conn):
        """Keep the query's connection for StopQueryExecution; a query stopped already stops now."""
        with self.lock:
            q.conn = conn
            if q.cancelled:
                raise athena_sql.Cancelled()

    @staticmethod
    def write_csv(output, result):
        """Athena's result file at output (when its bucket exists in moto): every value quoted,
        NULL as an empty unquoted field."""
        bucket, prefix = catalog.split_s3(output.rsplit("/", 1)[0])
        try:
            catalog.s3_backend().get_bucket(bucket)
        except Exception:
            return
        out = io.StringIO()
        w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow([c["Name"] for c in result.columns])
        for r in result.rows:
            out.write(",".join("" if v is None else '"' + v.replace('"', '""') + '"' for v in r) + "\n")
        catalog.s3_backend().put_object(bucket, prefix + output.rsplit("/", 1)[1], out.getvalue().encode())

    # ------------------------------------------------------------------ API
    def handle(self, action, region, req):
        """(status, answer dict) for an Athena action in ACTIONS."""
        try:
            return 200, getattr(self, ACTIONS[action])(region, req)
        except AthenaError as e:
            return e.status, {"__type": e.code, "Message": str(e), "message": str(e)}
        except (ValueError, TypeError, KeyError) as e:  # a malformed request
            return 400, {"__type": "InvalidRequestException", "Message": str(e), "message": str(e)}

    def query(self, qid):
        q = self.queries.get(qid or "")
        if q is None:
            raise AthenaError(f"QueryExecution {qid} was not found")
        return q

    def start_query_execution(self, region, req):
        sql = req.get("QueryString") or ""
        if not sql.strip():
            raise AthenaError("1 validation error detected: Value null at 'queryString' failed to satisfy constraint: "
                              "Member must not be null")
        ctx = req.get("QueryExecutionContext") or {}
        wg_name = req.get("WorkGroup") or "primary"
        wg = athena_backends[DEFAULT_ACCOUNT_ID][region].work_groups.get(wg_name)
        if wg is None:
            raise AthenaError(f"WorkGroup {wg_name} is not found.")
        wg_out = ((wg.configuration or {}).get("ResultConfiguration") or {}).get("OutputLocation")
        out = (req.get("ResultConfiguration") or {}).get("OutputLocation") or wg_out
        if not out:
            raise AthenaError(NO_OUTPUT)
        qid = str(uuid.uuid4())
        q = Query(qid, sql, ctx.get("Database") or "default", ctx.get("Catalog") or "AwsDataCatalog", wg_name,
                  out.rstrip("/") + f"/{qid}.csv", region)
        with self.lock:
            self.queries[qid] = q
            fail = self.fail
            if fail.get("match") is not None and fail["match"] in sql and fail.get("count", 1) > 0:
                q.state, q.reason, q.completed = "FAILED", fail.get("reason") or "INJECTED_FAILURE", time.time()
                if "count" in fail:
                    fail["count"] -= 1
        if q.state == "QUEUED":
            self.work.put(q)
        return {"QueryExecutionId": qid}

    def get_query_execution(self, region, req):
        with self.lock:
            q = self.query(req.get("QueryExecutionId"))
            q.poll()
            return {"QueryExecution": q.execution()}

    def batch_get_query_execution(self, region, req):
        found, missing = [], []
        with self.lock:
            for qid in req.get("QueryExecutionIds") or []:
                q = self.queries.get(qid)
                if q is None:
                    missing.append({"QueryExecutionId": qid, "ErrorCode": "INVALID_INPUT", "ErrorMessage": "not found"})
                else:
                    q.poll()
                    found.append(q.execution())
        return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}

    def list_query_executions(self, region, req):
        wg = req.get("WorkGroup") or "primary"
        with self.lock:
            ids = [q.id for q in reversed(list(self.queries.values())) if q.workgroup == wg]
        start = int(req.get("NextToken") or 0)
        size = min(int(req.get("MaxResults") or 50), 50)
        out = {"QueryExecutionIds": ids[start:start + size]}
        if start + size < len(ids):
            out["NextToken"] = str(start + size)
        return out

    def stop_query_execution(self, region, req):
        with self.lock:
            q = self.query(req.get("QueryExecutionId"))
            if q.shown not in FINAL and not q.cancelled:
                q.cancelled, q.state, q.completed = True, "CANCELLED", time.time()
                if q.conn is not None:
                    q.conn.interrupt()
        return {}

    def get_query_results(self, region, req):
        size = int(req.get("MaxResults") or 1000)
        if not 1 <= size <= 1000:
            raise AthenaError(f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy "
                              "constraint: Member must have value less than or equal to 1000")
        with self.lock:
            q = self.query(req.get("QueryExecutionId"))
            shown = q.shown
        if shown in ("QUEUED", "RUNNING"):
            raise AthenaError(f"Query has not yet finished. Current state: {shown}")
        if shown != "SUCCEEDED":
            raise AthenaError(f"Query did not finish successfully. Final query state: {shown}")
        start = 0
        if req.get("NextToken"):
            try:
                qid, start = base64.urlsafe_b64decode(req["NextToken"].encode()).decode().rsplit(":", 1)
                start = int(start)
                assert qid == q.id
            except Exception:
                raise AthenaError("Invalid NextToken")
        res = q.result
        total = len(res.rows) + 1  # the header row comes first
        rows = []
        for i in range(start, min(start + size, total)):
            if i == 0:
                rows.append({"Data": [{"VarCharValue": c["Name"]} for c in res.columns]})
            else:
                rows.append({"Data": [{} if v is None else {"VarCharValue": v} for v in res.rows[i - 1]]})
        out = {"UpdateCount": 0, "ResultSet": {"Rows": rows, "ResultSetMetadata": {"ColumnInfo": res.columns}}}
        if start + size < total:
            out["NextToken"] = token(q.id, start + size)
        return out

    # ------------------------------------------------------------------ test hooks
    def admin(self, method, path, raw):
        """(status, answer) for /__adapter/athena-* paths, None for any other path."""
        if path == "/__adapter/athena-fail" and method == "POST":
            body = json.loads(raw or b"{}")
            with self.lock:
                self.fail = body if body.get("match") is not None else {}
            return 201, {}
        if path == "/__adapter/athena-log" and method == "GET":
            with self.lock:
                log = []
                for q in self.queries.values():
                    entry = {"id": q.id, "query": q.sql, "state": q.state,
                             "scanned_bytes": q.result.scanned_bytes if q.result else 0}
                    if q.reason:
                        entry["reason"] = q.reason
                    log.append(entry)
            return 200, log
        return None
