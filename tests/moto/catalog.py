"""The Glue catalog and its S3 data as the test adapter's Athena sees them.

Athena reads a table's schema and partitions from Glue and its rows from the objects under the
table's (or each partition's) S3 location. moto keeps both in process, so this module reads them
straight from moto's backends (as server.py does for CloudWatch), copies the objects of the tables
a query names into a local cache laid out in hive style (`key=value/` folders, so DuckDB's
hive_partitioning sees the partition columns as VARCHAR), and works out which partitions a query
reads, for DataScannedInBytes.

It also pages Glue's GetPartitions / GetTables / GetDatabases answers, which moto 5.2 returns
whole whatever MaxResults says.
"""

import atexit
import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field

from moto.core import DEFAULT_ACCOUNT_ID
from moto.glue.models import glue_backends
from moto.s3.models import s3_backends

# Glue action -> (list member of the answer, largest page Glue allows).
GLUE_PAGED = {"GetPartitions": ("Partitions", 1000), "GetTables": ("TableList", 100), "GetDatabases": ("DatabaseList", 100)}
LITERAL = r"'((?:[^']|'')*)'"


class CatalogError(Exception):
    """A name the catalog does not hold; `code` is Athena's error name (TABLE_NOT_FOUND, ...)."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class Partition:
    """One partition (or, for an unpartitioned table, the whole table): its values and objects."""

    values: dict
    objects: list = field(default_factory=list)  # (bucket, key, size, etag)

    @property
    def size(self):
        return sum(o[2] for o in self.objects)


@dataclass
class Table:
    database: str
    name: str
    columns: list  # [(name, hive type)]
    partition_keys: list  # [name]
    partitions: list  # [Partition]


def split_s3(url):
    """('bucket', 'prefix/') of an s3:// URL (a prefix always ends with '/' unless empty)."""
    m = re.fullmatch(r"s3a?://([^/]+)/?(.*)", url or "")
    if not m:
        raise CatalogError("HIVE_INVALID_METADATA", f"Location '{url}' is not an s3:// URL")
    prefix = m.group(2)
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return m.group(1), prefix


def s3_backend():
    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


def list_objects(bucket, prefix):
    """[(bucket, key, size, etag)] of the data objects under s3://bucket/prefix, in key order.
    Like Athena, objects whose name starts with '_' or '.' and folder markers are skipped."""
    backend = s3_backend()
    try:
        b = backend.get_bucket(bucket)
    except Exception:
        return []
    keys, _, _, _ = backend.list_objects(b, prefix, None, marker=None, max_keys=None)
    out = []
    for k in keys:
        base = k.name.rsplit("/", 1)[-1]
        if not base or base[0] in "_.":
            continue
        out.append((bucket, k.name, k.size, k.etag))
    return sorted(out, key=lambda o: o[1])


def hive_values(key, prefix, names):
    """Partition values named by the `name=value/` folders of key below prefix."""
    values = {n: None for n in names}
    for part in key[len(prefix):].split("/")[:-1]:
        if "=" in part:
            k, v = part.split("=", 1)
            if k.lower() in values:
                values[k.lower()] = v
    return values


def load_table(region, database, name):
    """The Glue table database.name with its partitions and their S3 objects.

    Partitions registered in Glue are read from their own locations (as Athena does: objects of
    an unregistered partition are not part of the table). A partitioned table without registered
    partitions is read whole, its values taken from the hive folders (a leniency of the test
    server: Athena would answer no rows)."""
    glue = glue_backends[DEFAULT_ACCOUNT_ID][region]
    if database not in glue.databases:
        raise CatalogError("SCHEMA_NOT_FOUND", f"Schema '{database}' does not exist")
    if name not in glue.databases[database].tables:
        raise CatalogError("TABLE_NOT_FOUND", f"Table 'awsdatacatalog.{database}.{name}' does not exist")
    fake = glue.databases[database].tables[name]
    info = fake.as_dict()
    sd = info.get("StorageDescriptor") or {}
    columns = [(c["Name"], c.get("Type", "string")) for c in sd.get("Columns", [])]
    keys = [k["Name"].lower() for k in info.get("PartitionKeys") or []]
    bucket, prefix = split_s3(sd.get("Location"))
    parts = []
    if keys and fake.partitions:
        for p in fake.partitions.values():
            loc = (p.partition_input.get("StorageDescriptor") or {}).get("Location")
            pb, pp = split_s3(loc) if loc else (bucket, prefix + "/".join(f"{k}={v}" for k, v in zip(keys, p.values)) + "/")
            parts.append(Partition(dict(zip(keys, p.values)), list_objects(pb, pp)))
    elif keys:
        groups = {}
        for o in list_objects(bucket, prefix):
            values = hive_values(o[1], prefix, keys)
            groups.setdefault(tuple(values.items()), Partition(values)).objects.append(o)
        parts = list(groups.values())
    else:
        parts = [Partition({}, list_objects(bucket, prefix))]
    return Table(database, name, columns, keys, parts)


class FileCache:
    """Local copies of S3 objects, one file per (object, etag), under hive-style folders that
    carry the partition values Glue gives them. Files are written once and reused; the folder
    goes when the process exits normally (server.py exits so on SIGTERM too)."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="athena-cache-")
        self.lock = threading.Lock()
        atexit.register(shutil.rmtree, self.root, True)

    def files(self, table):
        """[local path] of every object of table, in partition order."""
        out = []
        backend = s3_backend()
        for part in table.partitions:
            folder = os.path.join(self.root, table.database, table.name,
                                  *(f"{k}={(v or '').replace('/', '_')}" for k, v in part.values.items()))
            for bucket, key, _size, etag in part.objects:
                digest = hashlib.sha1(f"{bucket}/{key}/{etag}".encode()).hexdigest()[:16]
                path = os.path.join(folder, f"{digest}.parquet")
                with self.lock:
                    if not os.path.exists(path):
                        os.makedirs(folder, exist_ok=True)
                        data = backend.get_object(bucket, key).value
                        with open(path + ".tmp", "wb") as f:
                            f.write(data)
                        os.replace(path + ".tmp", path)
                out.append(path)
        return out


def partition_filters(sql, key):
    """Tests on a partition value implied by the query's restrictions of column `key`:
    `key = 'X'`, `key IN ('X', ...)`, `key >= 'X'` (and >, <=, <), `key BETWEEN 'X' AND 'Y'`,
    case-insensitive, with an optional table qualifier and optional double quotes. Every
    restriction found must hold (they are taken as joined by AND)."""
    col = rf'(?<![\w."])(?:(?:\w+|"[^"]*")\s*\.\s*)?(?:{re.escape(key)}|"{re.escape(key)}")(?![\w"])'
    lit = lambda s: s.replace("''", "'")  # noqa: E731
    tests = []
    for m in re.finditer(rf"{col}\s*=\s*{LITERAL}", sql, re.I):
        tests.append(lambda v, x=lit(m.group(1)): v == x)
    for m in re.finditer(rf"{col}\s+IN\s*\(\s*({LITERAL}(?:\s*,\s*{LITERAL})*)\s*\)", sql, re.I):
        allowed = {lit(x) for x in re.findall(LITERAL, m.group(1))}
        tests.append(lambda v, a=allowed: v in a)
    ops = {">=": lambda v, x: v >= x, ">": lambda v, x: v > x, "<=": lambda v, x: v <= x, "<": lambda v, x: v < x}
    for m in re.finditer(rf"{col}\s*(>=|<=|>|<)\s*{LITERAL}", sql, re.I):
        tests.append(lambda v, op=ops[m.group(1)], x=lit(m.group(2)): op(v, x))
    for m in re.finditer(rf"{col}\s+BETWEEN\s+{LITERAL}\s+AND\s+{LITERAL}", sql, re.I):
        tests.append(lambda v, lo=lit(m.group(1)), hi=lit(m.group(2)): lo <= v <= hi)
    return tests


def scanned_partitions(sql, table):
    """The partitions of table a query reads: those whose values pass every restriction the
    query puts on the partition columns (all of them when it puts none)."""
    filters = {k: partition_filters(sql, k) for k in table.partition_keys}
    out = []
    for part in table.partitions:
        ok = True
        for k, tests in filters.items():
            v = part.values.get(k)
            if tests and (v is None or not all(t(v) for t in tests)):
                ok = False
        if ok:
            out.append(part)
    return out


def scanned_bytes(sql, tables):
    """DataScannedInBytes: the bytes of the objects of every partition the query reads."""
    return sum(p.size for t in tables for p in scanned_partitions(sql, t))


def glue_page(action, raw, forward, default_page=0):
    """Answer a Glue list call page by page: moto answers it whole (MaxResults, NextToken and
    Segment ignored), so ask moto without them and cut the page here. `forward(raw)` returns
    moto's (status, body, headers); the NextToken is an opaque offset."""
    member, largest = GLUE_PAGED[action]
    req = json.loads(raw or b"{}")
    token = req.pop("NextToken", None)
    size = int(req.pop("MaxResults", 0) or default_page or largest)
    req.pop("Segment", None)
    status, data, headers = forward(json.dumps(req).encode())
    if status != 200:
        return status, data, headers
    body = json.loads(data)
    items = body.get(member, [])
    try:
        start = int(base64.urlsafe_b64decode(token.encode()).decode().split(":")[1]) if token else 0
    except Exception:
        err = {"__type": "InvalidInputException", "Message": "Invalid NextToken"}
        return 400, json.dumps(err).encode(), {"Content-Type": "application/x-amz-json-1.1"}
    size = max(1, min(size, largest))
    body[member] = items[start:start + size]
    body.pop("NextToken", None)
    if start + size < len(items):
        body["NextToken"] = base64.urlsafe_b64encode(f"{action}:{start + size}".encode()).decode()
    return status, json.dumps(body).encode(), headers
