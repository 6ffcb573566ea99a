"""Runs an Athena query for real, in an in-memory DuckDB, and renders its answer as Athena does.

Each query gets its own DuckDB connection with a catalog named `awsdatacatalog` holding one schema
per Glue database and one view per Glue table the query names, reading that table's Parquet objects
(copied from moto's S3 by catalog.FileCache) with `read_parquet(..., hive_partitioning = true)`,
partition columns as VARCHAR. Because the views sit where Athena's tables sit, `db.table`,
`"db"."table"`, `awsdatacatalog.db.table` and a bare `table` (through `USE` of the context
database) all resolve without rewriting the SQL.

DuckDB is close to Athena's (Trino's) SQL for what cost queries use; `/` on integers divides
integers as in Trino, and a few Trino functions are added as macros (TRINO_MACROS). Values are
rendered to strings the way Athena's GetQueryResults does: DECIMAL exact with its scale,
DOUBLE as Java prints it, DATE `YYYY-MM-DD`, TIMESTAMP `YYYY-MM-DD HH:MM:SS.fff`, NULL as None.
"""

import math
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

import catalog

QUERY_START = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(?:\(|select\b|with\b|values\b)", re.I | re.S)
NAME_PART = re.compile(r'\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*')
TRINO_MACROS = [
    "date_format(ts, fmt) AS strftime(ts, replace(replace(fmt, '%i', '%M'), '%s', '%S'))",
    "approx_distinct(x) AS approx_count_distinct(x)",
    "to_unixtime(ts) AS epoch(ts)",
]
HIVE_TO_DUCKDB = {"string": "VARCHAR", "varchar": "VARCHAR", "char": "VARCHAR", "bigint": "BIGINT", "int": "INTEGER",
                  "integer": "INTEGER", "smallint": "SMALLINT", "tinyint": "TINYINT", "double": "DOUBLE",
                  "float": "FLOAT", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}
# DuckDB type -> (Athena type name, Precision as Athena reports it).
ATHENA_TYPES = {"VARCHAR": ("varchar", 2147483647), "BIGINT": ("bigint", 19), "HUGEINT": ("bigint", 19),
                "UBIGINT": ("bigint", 19), "INTEGER": ("integer", 10), "UINTEGER": ("bigint", 19),
                "SMALLINT": ("smallint", 5), "TINYINT": ("tinyint", 3), "DOUBLE": ("double", 17),
                "FLOAT": ("real", 7), "BOOLEAN": ("boolean", 0), "DATE": ("date", 0), "TIMESTAMP": ("timestamp", 3),
                "TIMESTAMP_MS": ("timestamp", 3), "TIMESTAMP_NS": ("timestamp", 3), "TIMESTAMP_S": ("timestamp", 3),
                "TIMESTAMP WITH TIME ZONE": ("timestamp with time zone", 3), '"NULL"': ("unknown", 0)}


class Cancelled(Exception):
    """The query was stopped while it ran."""


class QueryFailed(Exception):
    """The query failed; str(e) is Athena's StateChangeReason (`ERROR_NAME: message`)."""


@dataclass
class Result:
    columns: list  # Athena ColumnInfo dicts
    rows: list  # [[str or None]]
    scanned_bytes: int
    engine_ms: int


def split_name(text):
    """Parts of a dotted, optionally double-quoted name ('"db"."t" AS x' -> ['db', 't'])."""
    parts, pos = [], 0
    while pos < len(text):
        m = NAME_PART.match(text, pos)
        if not m:
            break
        parts.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
        pos = m.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
        else:
            break
    return parts


def table_refs(conn, sql, database):
    """[(database, table)] that the query names (CTE names excluded), lower-cased as Glue keeps
    them; a bare name belongs to the context database. Parsing also looks functions up, so conn
    must hold the macros already."""
    try:
        if len(conn.extract_statements(sql)) != 1:
            raise QueryFailed("SYNTAX_ERROR: Only one sql statement is allowed")
        names = conn.get_table_names(sql, qualified=True)
    except duckdb.Error as e:
        raise QueryFailed(reason_of(e))
    refs = []
    for name in sorted(names):
        parts = [p.lower() for p in split_name(name)]
        if len(parts) == 3 and parts[0] != "awsdatacatalog":
            raise QueryFailed(f"CATALOG_NOT_FOUND: Catalog '{parts[0]}' does not exist")
        db, table = (parts[-2], parts[-1]) if len(parts) >= 2 else (database.lower(), parts[0])
        if (db, table) not in refs:
            refs.append((db, table))
    return refs


def first_line(e):
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return re.sub(r"^(Parser|Binder|Catalog|Conversion|Invalid Input|Out of Range) Error: ", "", msg)


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def view_sql(table, files):
    """SELECT reading the table's files, or an empty SELECT of its Glue columns when it has none."""
    if files:
        listed = ", ".join(sql_str(f) for f in files)
        hive = "true" if table.partition_keys else "false"
        return (f"SELECT * FROM read_parquet([{listed}], hive_partitioning = {hive}, "
                "hive_types_autocast = false, union_by_name = true)")
    cols = []
    for name, hive_type in table.columns:
        t = hive_type.lower()
        dtype = HIVE_TO_DUCKDB.get(t, t.upper() if t.startswith("decimal") else "VARCHAR")
        cols.append(f'CAST(NULL AS {dtype}) AS "{name}"')
    cols += [f'CAST(NULL AS VARCHAR) AS "{k}"' for k in table.partition_keys]
    return f"SELECT {', '.join(cols) or 'NULL AS empty'} WHERE false"


def java_double(x):
    """A double as Java's Double.toString prints it (Athena's rendering of DOUBLE values)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1, x) < 0 else "0.0"
    if 1e-3 <= abs(x) < 1e7:
        s = repr(x)
        return s if "." in s else s + ".0"
    sign, digits, exp = Decimal(repr(x)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    e = exp + len(digits) - 1
    return f"{'-' if sign else ''}{ds[0]}.{ds[1:] or '0'}E{e}"


def render(v):
    """A value as Athena's VarCharValue text (None for NULL)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return java_double(v)
    if isinstance(v, datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S.") + f"{v.microsecond // 1000:03d}"
        return s + " UTC" if v.tzinfo else s
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join("null" if x is None else render(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{render(k)}={'null' if x is None else render(x)}" for k, x in v.items()) + "}"
    return str(v)


def column_info(name, dtype):
    """Athena's ColumnInfo for a result column of DuckDB type dtype."""
    t = str(dtype)
    info = {"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": name.lower(), "Label": name.lower()}
    m = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", t)
    if m:
        athena, precision, scale = "decimal", int(m.group(1)), int(m.group(2))
    elif t.endswith("[]"):
        athena, precision, scale = "array", 0, 0
    elif t.startswith("MAP("):
        athena, precision, scale = "map", 0, 0
    else:
        athena, precision = ATHENA_TYPES.get(t, ("varchar", 2147483647))
        scale = 0
    info.update({"Type": athena, "Precision": precision, "Scale": scale, "Nullable": "UNKNOWN",
                 "CaseSensitive": athena == "varchar"})
    return info


def reason_of(e):
    """Athena's StateChangeReason for a DuckDB error."""
    msg = first_line(e)
    if isinstance(e, duckdb.ParserException):
        return f"SYNTAX_ERROR: {msg}"
    if isinstance(e, duckdb.CatalogException):
        code = "FUNCTION_NOT_FOUND" if "Function" in msg else "TABLE_NOT_FOUND"
        return f"{code}: {msg}"
    if isinstance(e, duckdb.BinderException):
        return f"{'COLUMN_NOT_FOUND' if 'column' in msg.lower() else 'SYNTAX_ERROR'}: {msg}"
    if isinstance(e, duckdb.ConversionException):
        return f"INVALID_CAST_ARGUMENT: {msg}"
    if isinstance(e, duckdb.OutOfRangeException):
        return f"NUMERIC_VALUE_OUT_OF_RANGE: {msg}"
    return f"GENERIC_INTERNAL_ERROR: {msg}"


def execute(sql, database, region, cache, on_connect=None, cancelled=lambda: False):
    """Run sql with `database` as the context database; a Result, or QueryFailed, or Cancelled.
    on_connect(conn) is called once the connection exists, so the caller can interrupt it, and
    cancelled() is asked between the steps that conn.interrupt() does not reach."""
    started = time.monotonic()
    conn = duckdb.connect(":memory:", config={"threads": 2})
    try:
        if on_connect:
            on_connect(conn)
        conn.execute("SET integer_division = true")
        conn.execute("ATTACH ':memory:' AS awsdatacatalog")
        for macro in TRINO_MACROS:
            conn.execute(f"CREATE TEMP MACRO {macro}")
        refs = table_refs(conn, sql, database)  # parses the query: SYNTAX_ERROR first, as Athena does
        if not QUERY_START.match(sql):
            raise QueryFailed("NOT_SUPPORTED: the test server runs SELECT queries only")
        try:
            tables = [catalog.load_table(region, db, name) for db, name in refs]
        except catalog.CatalogError as e:
            raise QueryFailed(str(e))
        schemas = {database.lower()} | {t.database for t in tables}
        for s in sorted(schemas):
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS awsdatacatalog."{s}"')
        for t in tables:
            if cancelled():
                raise Cancelled()
            conn.execute(f'CREATE VIEW awsdatacatalog."{t.database}"."{t.name}" AS {view_sql(t, cache.files(t))}')
        conn.execute(f'USE awsdatacatalog."{database.lower()}"')
        cur = conn.execute(sql)
        # Like Trino, an unnamed expression's column is _colN (DuckDB names it after its text).
        columns = [column_info(d[0] if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", d[0]) else f"_col{i}", d[1])
                   for i, d in enumerate(cur.description)]
        raw = cur.fetchall()
    except duckdb.InterruptException:
        raise Cancelled()
    except duckdb.Error as e:
        raise QueryFailed(reason_of(e))
    finally:
        conn.close()
    if cancelled():
        raise Cancelled()
    rows = [[render(v) for v in r] for r in raw]
    ms = max(1, int((time.monotonic() - started) * 1000))
    return Result(columns, rows, catalog.scanned_bytes(sql, tables), ms)
