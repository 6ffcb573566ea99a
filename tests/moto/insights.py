"""CloudWatch Metrics Insights for the test adapter: GetMetricData queries whose Expression is a
Metrics Insights query (`SELECT SUM(Invocations) FROM SCHEMA("AWS/Lambda", FunctionName) ...`),
computed from the datums stored in moto's in-process CloudWatch backends.

What is implemented (README.md, "CloudWatch Metrics Insights", has the sources):

    SELECT AVG|COUNT|MAX|MIN|SUM(metric)
    FROM namespace | SCHEMA(namespace[, labelKey ...])
    [WHERE labelKey = | != 'value' [AND ...]]          (LIKE only with --insights-like)
    [GROUP BY labelKey[, ...]]
    [ORDER BY AVG|COUNT|MAX|MIN|SUM() [ASC|DESC]]
    [LIMIT n]

labelKey is a dimension name or the pseudo-dimension AWS.AccountId (the owning account); a value
is a single-quoted string, or CURRENT_ACCOUNT_ID(). Keywords are case-insensitive, identifiers
are not; an identifier that is a reserved keyword, or holds anything but letters, digits and
underscores, must be double-quoted. A malformed query raises InsightsError (CloudWatch answers
ValidationError, HTTP 400).

Semantics: each stored datum is an observation set (a Value counts once, StatisticValues bring
their SampleCount / Sum / Minimum / Maximum). Per bucket of Period seconds counted from the epoch:
SUM = sum of sums, COUNT = sum of sample counts, AVG = SUM / COUNT, MIN / MAX of the observations.
One series per group (values of the GROUP BY keys; a metric without the key is in group
`Other`), labelled with the group's values joined by single spaces, ordered by those values
unless ORDER BY orders them by FUNC() of each series' datapoints; at most LIMIT (<= 500) and
never more than 500 series (Messages: MaxQueryResultsExceeded); at most 10,000 matching metrics
are read (MaxMatchingResultsExceeded); data older than two weeks is not read
(MaxQueryTimeRangeExceeded).
"""

import re
import threading
import time
from array import array
from datetime import timezone

FUNCTIONS = ("AVG", "COUNT", "MAX", "MIN", "SUM")
ACCOUNT_KEY = "AWS.AccountId"
MAX_SERIES = 500
MAX_METRICS = 10_000
MAX_AGE = 14 * 86400
MAX_EXPRESSION = 2048

# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-reserved-keywords.html
_RESERVED_TEXT = """
ABORT ABORTSESSION ABS ABSOLUTE ACCESS ACCESSIBLE ACCESS_LOCK ACCOUNT ACOS ACOSH ACTION ADD ADD_MONTHS ADMIN AFTER
AGGREGATE ALIAS ALL ALLOCATE ALLOW ALTER ALTERAND AMP ANALYSE ANALYZE AND ANSIDATE ANY ARE ARRAY ARRAY_AGG ARRAY_EXISTS
ARRAY_MAX_CARDINALITY AS ASC ASENSITIVE ASIN ASINH ASSERTION ASSOCIATE ASUTIME ASYMMETRIC AT ATAN ATAN2 ATANH ATOMIC
AUDIT AUTHORIZATION AUX AUXILIARY AVE AVERAGE AVG BACKUP BEFORE BEGIN BEGIN_FRAME BEGIN_PARTITION BETWEEN BIGINT BINARY
BIT BLOB BOOLEAN BOTH BREADTH BREAK BROWSE BT BUFFERPOOL BULK BUT BY BYTE BYTEINT BYTES CALL CALLED CAPTURE CARDINALITY
CASCADE CASCADED CASE CASESPECIFIC CASE_N CAST CATALOG CCSID CD CEIL CEILING CHANGE CHAR CHAR2HEXINT CHARACTER CHARACTERS
CHARACTER_LENGTH CHARS CHAR_LENGTH CHECK CHECKPOINT CLASS CLASSIFIER CLOB CLONE CLOSE CLUSTER CLUSTERED CM COALESCE
COLLATE COLLATION COLLECT COLLECTION COLLID COLUMN COLUMN_VALUE COMMENT COMMIT COMPLETION COMPRESS COMPUTE CONCAT
CONCURRENTLY CONDITION CONNECT CONNECTION CONSTRAINT CONSTRAINTS CONSTRUCTOR CONTAINS CONTAINSTABLE CONTENT CONTINUE
CONVERT CONVERT_TABLE_HEADER COPY CORR CORRESPONDING COS COSH COUNT COVAR_POP COVAR_SAMP CREATE CROSS CS CSUM CT CUBE
CUME_DIST CURRENT CURRENT_CATALOG CURRENT_DATE CURRENT_DEFAULT_TRANSFORM_GROUP CURRENT_LC_CTYPE CURRENT_PATH CURRENT_ROLE
CURRENT_ROW CURRENT_SCHEMA CURRENT_SERVER CURRENT_TIME CURRENT_TIMESTAMP CURRENT_TIMEZONE CURRENT_TRANSFORM_GROUP_FOR_TYPE
CURRENT_USER CURRVAL CURSOR CV CYCLE DATA DATABASE DATABASES DATABLOCKSIZE DATE DATEFORM DAY DAYS DAY_HOUR
DAY_MICROSECOND DAY_MINUTE DAY_SECOND DBCC DBINFO DEALLOCATE DEC DECFLOAT DECIMAL DECLARE DEFAULT DEFERRABLE DEFERRED
DEFINE DEGREES DEL DELAYED DELETE DENSE_RANK DENY DEPTH DEREF DESC DESCRIBE DESCRIPTOR DESTROY DESTRUCTOR DETERMINISTIC
DIAGNOSTIC DIAGNOSTICS DICTIONARY DISABLE DISABLED DISALLOW DISCONNECT DISK DISTINCT DISTINCTROW DISTRIBUTED DIV DO
DOCUMENT DOMAIN DOUBLE DROP DSSIZE DUAL DUMP DYNAMIC EACH ECHO EDITPROC ELEMENT ELSE ELSEIF EMPTY ENABLED ENCLOSED
ENCODING ENCRYPTION END END-EXEC ENDING END_FRAME END_PARTITION EQ EQUALS ERASE ERRLVL ERROR ERRORFILES ERRORTABLES
ESCAPE ESCAPED ET EVERY EXCEPT EXCEPTION EXCLUSIVE EXEC EXECUTE EXISTS EXIT EXP EXPLAIN EXTERNAL EXTRACT FALLBACK FALSE
FASTEXPORT FENCED FETCH FIELDPROC FILE FILLFACTOR FILTER FINAL FIRST FIRST_VALUE FLOAT FLOAT4 FLOAT8 FLOOR FOR FORCE
FOREIGN FORMAT FOUND FRAME_ROW FREE FREESPACE FREETEXT FREETEXTTABLE FREEZE FROM FULL FULLTEXT FUNCTION FUSION GE
GENERAL GENERATED GET GIVE GLOBAL GO GOTO GRANT GRAPHIC GROUP GROUPING GROUPS GT HANDLER HASH HASHAMP HASHBAKAMP
HASHBUCKET HASHROW HAVING HELP HIGH_PRIORITY HOLD HOLDLOCK HOUR HOURS HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND
IDENTIFIED IDENTITY IDENTITYCOL IDENTITY_INSERT IF IGNORE ILIKE IMMEDIATE IN INCLUSIVE INCONSISTENT INCREMENT INDEX
INDICATOR INFILE INHERIT INITIAL INITIALIZE INITIALLY INITIATE INNER INOUT INPUT INS INSENSITIVE INSERT INSTEAD INT INT1
INT2 INT3 INT4 INT8 INTEGER INTEGERDATE INTERSECT INTERSECTION INTERVAL INTO IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ISNULL
ISOBID ISOLATION ITERATE JAR JOIN JOURNAL JSON_ARRAY JSON_ARRAYAGG JSON_EXISTS JSON_OBJECT JSON_OBJECTAGG JSON_QUERY
JSON_TABLE JSON_TABLE_PRIMITIVE JSON_VALUE KEEP KEY KEYS KILL KURTOSIS LABEL LAG LANGUAGE LARGE LAST LAST_VALUE LATERAL
LC_CTYPE LE LEAD LEADING LEAVE LEFT LESS LEVEL LIKE LIKE_REGEX LIMIT LINEAR LINENO LINES LISTAGG LN LOAD LOADING LOCAL
LOCALE LOCALTIME LOCALTIMESTAMP LOCATOR LOCATORS LOCK LOCKING LOCKMAX LOCKSIZE LOG LOG10 LOGGING LOGON LONG LONGBLOB
LONGTEXT LOOP LOWER LOW_PRIORITY LT MACRO MAINTAINED MAP MASTER_BIND MASTER_SSL_VERIFY_SERVER_CERT MATCH MATCHES
MATCH_NUMBER MATCH_RECOGNIZE MATERIALIZED MAVG MAX MAXEXTENTS MAXIMUM MAXVALUE MCHARACTERS MDIFF MEDIUMBLOB MEDIUMINT
MEDIUMTEXT MEMBER MERGE METHOD MICROSECOND MICROSECONDS MIDDLEINT MIN MINDEX MINIMUM MINUS MINUTE MINUTES
MINUTE_MICROSECOND MINUTE_SECOND MLINREG MLOAD MLSLABEL MOD MODE MODIFIES MODIFY MODULE MONITOR MONRESOURCE MONSESSION
MONTH MONTHS MSUBSTR MSUM MULTISET NAMED NAMES NATIONAL NATURAL NCHAR NCLOB NE NESTED_TABLE_ID NEW NEW_TABLE NEXT
NEXTVAL NO NOAUDIT NOCHECK NOCOMPRESS NONCLUSTERED NONE NORMALIZE NOT NOTNULL NOWAIT NO_WRITE_TO_BINLOG NTH_VALUE NTILE
NULL NULLIF NULLIFZERO NULLS NUMBER NUMERIC NUMPARTS OBID OBJECT OBJECTS OCCURRENCES_REGEX OCTET_LENGTH OF OFF OFFLINE
OFFSET OFFSETS OLD OLD_TABLE OMIT ON ONE ONLINE ONLY OPEN OPENDATASOURCE OPENQUERY OPENROWSET OPENXML OPERATION
OPTIMIZATION OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER ORDINALITY ORGANIZATION OUT OUTER OUTFILE OUTPUT OVER
OVERLAPS OVERLAY OVERRIDE PACKAGE PAD PADDED PARAMETER PARAMETERS PART PARTIAL PARTITION PARTITIONED PARTITIONING
PASSWORD PATH PATTERN PCTFREE PER PERCENT PERCENTILE PERCENTILE_CONT PERCENTILE_DISC PERCENT_RANK PERIOD PERM PERMANENT
PIECESIZE PIVOT PLACING PLAN PORTION POSITION POSITION_REGEX POSTFIX POWER PRECEDES PRECISION PREFIX PREORDER PREPARE
PRESERVE PREVVAL PRIMARY PRINT PRIOR PRIQTY PRIVATE PRIVILEGES PROC PROCEDURE PROFILE PROGRAM PROPORTIONAL PROTECTION
PSID PTF PUBLIC PURGE QUALIFIED QUALIFY QUANTILE QUERY QUERYNO RADIANS RAISERROR RANDOM RANGE RANGE_N RANK RAW READ
READS READTEXT READ_WRITE REAL RECONFIGURE RECURSIVE REF REFERENCES REFERENCING REFRESH REGEXP REGR_AVGX REGR_AVGY
REGR_COUNT REGR_INTERCEPT REGR_R2 REGR_SLOPE REGR_SXX REGR_SXY REGR_SYY RELATIVE RELEASE RENAME REPEAT REPLACE
REPLICATION REPOVERRIDE REQUEST REQUIRE RESIGNAL RESOURCE RESTART RESTORE RESTRICT RESULT RESULT_SET_LOCATOR RESUME RET
RETRIEVE RETURN RETURNING RETURNS REVALIDATE REVERT REVOKE RIGHT RIGHTS RLIKE ROLE ROLLBACK ROLLFORWARD ROLLUP
ROUND_CEILING ROUND_DOWN ROUND_FLOOR ROUND_HALF_DOWN ROUND_HALF_EVEN ROUND_HALF_UP ROUND_UP ROUTINE ROW ROWCOUNT
ROWGUIDCOL ROWID ROWNUM ROWS ROWSET ROW_NUMBER RULE RUN RUNNING SAMPLE SAMPLEID SAVE SAVEPOINT SCHEMA SCHEMAS SCOPE
SCRATCHPAD SCROLL SEARCH SECOND SECONDS SECOND_MICROSECOND SECQTY SECTION SECURITY SECURITYAUDIT SEEK SEL SELECT
SEMANTICKEYPHRASETABLE SEMANTICSIMILARITYDETAILSTABLE SEMANTICSIMILARITYTABLE SENSITIVE SEPARATOR SEQUENCE SESSION
SESSION_USER SET SETRESRATE SETS SETSESSRATE SETUSER SHARE SHOW SHUTDOWN SIGNAL SIMILAR SIMPLE SIN SINH SIZE SKEW SKIP
SMALLINT SOME SOUNDEX SOURCE SPACE SPATIAL SPECIFIC SPECIFICTYPE SPOOL SQL SQLEXCEPTION SQLSTATE SQLTEXT SQLWARNING
SQL_BIG_RESULT SQL_CALC_FOUND_ROWS SQL_SMALL_RESULT SQRT SS SSL STANDARD START STARTING STARTUP STAT STATE STATEMENT
STATIC STATISTICS STAY STDDEV_POP STDDEV_SAMP STEPINFO STOGROUP STORED STORES STRAIGHT_JOIN STRING_CS STRUCTURE STYLE
SUBMULTISET SUBSCRIBER SUBSET SUBSTR SUBSTRING SUBSTRING_REGEX SUCCEEDS SUCCESSFUL SUM SUMMARY SUSPEND SYMMETRIC SYNONYM
SYSDATE SYSTEM SYSTEM_TIME SYSTEM_USER SYSTIMESTAMP TABLE TABLESAMPLE TABLESPACE TAN TANH TBL_CS TEMPORARY TERMINATE
TERMINATED TEXTSIZE THAN THEN THRESHOLD TIME TIMESTAMP TIMEZONE_HOUR TIMEZONE_MINUTE TINYBLOB TINYINT TINYTEXT TITLE TO
TOP TRACE TRAILING TRAN TRANSACTION TRANSLATE TRANSLATE_CHK TRANSLATE_REGEX TRANSLATION TREAT TRIGGER TRIM TRIM_ARRAY
TRUE TRUNCATE TRY_CONVERT TSEQUAL TYPE UC UESCAPE UID UNDEFINED UNDER UNDO UNION UNIQUE UNKNOWN UNLOCK UNNEST UNPIVOT
UNSIGNED UNTIL UPD UPDATE UPDATETEXT UPPER UPPERCASE USAGE USE USER USING UTC_DATE UTC_TIME UTC_TIMESTAMP VALIDATE
VALIDPROC VALUE VALUES VALUE_OF VARBINARY VARBYTE VARCHAR VARCHAR2 VARCHARACTER VARGRAPHIC VARIABLE VARIADIC VARIANT
VARYING VAR_POP VAR_SAMP VCAT VERBOSE VERSIONING VIEW VIRTUAL VOLATILE VOLUMES WAIT WAITFOR WHEN WHENEVER WHERE WHILE
WIDTH_BUCKET WINDOW WITH WITHIN WITHIN_GROUP WITHOUT WLM WORK WRITE WRITETEXT XMLCAST XMLEXISTS XMLNAMESPACES XOR YEAR
YEARS YEAR_MONTH ZEROFILL ZEROIFNULL ZONE
"""
RESERVED = frozenset(_RESERVED_TEXT.split())

MESSAGES = {  # top-level GetMetricData Messages (codes as CloudWatch clients such as Grafana read them)
    "MaxQueryResultsExceeded": "Only the first 500 time series can be returned by a query.",
    "MaxMatchingResultsExceeded": "The query matched more than 10,000 metrics, results might not be accurate.",
    "MaxQueryTimeRangeExceeded": "Metrics Insights queries can only query the most recent two weeks of data.",
}


class InsightsError(Exception):
    """A query CloudWatch would refuse: answered as ValidationError (HTTP 400)."""

    code = "ValidationError"


def is_insights(expression):
    return bool(re.match(r"\s*select\b", expression or "", re.I))


# ------------------------------------------------------------------------------------ parsing
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<dq>"(?:[^"\\]|\\.)*")
      | (?P<sq>'(?:[^'\\]|\\.)*')
      | (?P<num>\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op>!=|<>|=|\(|\)|,)""",
    re.X,
)


class Token:
    __slots__ = ("kind", "text", "value", "pos")

    def __init__(self, kind, text, value, pos):
        self.kind, self.text, self.value, self.pos = kind, text, value, pos

    def kw(self, *words):
        return self.kind == "word" and self.text.upper() in words


def _unescape(body):
    return re.sub(r"\\(.)", r"\1", body)


def tokenize(text):
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise InsightsError(f"Invalid syntax. Unexpected character {text[pos]!r} at position {pos + 1}.")
        kind = m.lastgroup
        raw = m.group()
        if kind == "dq":
            out.append(Token("ident", raw, _unescape(raw[1:-1]), pos))
        elif kind == "sq":
            out.append(Token("string", raw, _unescape(raw[1:-1]), pos))
        elif kind != "ws":
            out.append(Token(kind, raw, raw, pos))
        pos = m.end()
    out.append(Token("end", "", "", len(text)))
    return out


class Query:
    def __init__(self):
        self.function = None
        self.metric = None
        self.namespace = None
        self.schema = None  # None: any dimensions; else the exact set of dimension names
        self.where = []  # (key, op, value); value None = CURRENT_ACCOUNT_ID()
        self.group_by = []
        self.order = None  # (function, descending)
        self.limit = None

    def describe(self):
        return {"function": self.function, "metric": self.metric, "namespace": self.namespace,
                "schema": sorted(self.schema) if self.schema is not None else None, "where": self.where,
                "group_by": self.group_by, "order": self.order, "limit": self.limit}


class Parser:
    def __init__(self, text, allow_like):
        if len(text) > MAX_EXPRESSION:
            raise InsightsError(f"The expression is longer than {MAX_EXPRESSION} characters.")
        self.tokens = tokenize(text)
        self.i = 0
        self.allow_like = allow_like

    @property
    def tok(self):
        return self.tokens[self.i]

    def fail(self, what):
        t = self.tok
        found = "the end of the query" if t.kind == "end" else repr(t.text)
        raise InsightsError(f"Invalid syntax. Expected {what} but found {found} at position {t.pos + 1}.")

    def keyword(self, *words):
        if not self.tok.kw(*words):
            self.fail(" or ".join(words))
        self.i += 1

    def accept(self, *words):
        if self.tok.kw(*words):
            self.i += 1
            return True
        return False

    def punct(self, p):
        if not (self.tok.kind == "op" and self.tok.text == p):
            self.fail(repr(p))
        self.i += 1

    def identifier(self, what):
        t = self.tok
        if t.kind == "ident":
            self.i += 1
            return t.value
        if t.kind == "word" and "." not in t.text:
            if t.text.upper() in RESERVED:
                raise InsightsError(f"Invalid syntax. Reserved keyword '{t.text}' must be surrounded by double quotes.")
            self.i += 1
            return t.text
        self.fail(what)

    def label_key(self):
        t = self.tok
        if t.kind == "word" and t.text.upper() == ACCOUNT_KEY.upper():
            self.i += 1
            return ACCOUNT_KEY
        if t.kind == "word" and t.text.lower().startswith("tag."):
            raise InsightsError("Invalid syntax. Resource tags (tag.KEY) are not supported by the test adapter.")
        return self.identifier("a label key")

    def function(self):
        t = self.tok
        if t.kind == "word" and t.text.upper() in FUNCTIONS:
            self.i += 1
            return t.text.upper()
        self.fail("one of AVG, COUNT, MAX, MIN, SUM")

    def condition(self):
        key = self.label_key()
        t = self.tok
        if t.kind == "op" and t.text in ("=", "!="):
            op = t.text
        elif t.kind == "op" and t.text == "<>":
            op = "!="
        elif t.kw("LIKE"):
            if not self.allow_like:
                raise InsightsError("Invalid syntax. LIKE is not a Metrics Insights operator: the WHERE clause supports "
                                    "=, != and AND (start the test adapter with --insights-like to allow it).")
            op = "LIKE"
        else:
            self.fail("=, !=")
        self.i += 1
        t = self.tok
        if t.kind == "string":
            value = t.value
        elif t.kind == "num" and key == ACCOUNT_KEY and t.text.isdigit():
            value = t.text  # the documentation's own example: WHERE AWS.AccountId=444455556666
        elif t.kw("CURRENT_ACCOUNT_ID"):
            self.i += 1
            self.punct("(")
            if not (self.tok.kind == "op" and self.tok.text == ")"):
                self.fail("')'")
            value = None
        else:
            self.fail("a label value in single quotes")
        self.i += 1
        return (key, op, value)

    def parse(self):
        q = Query()
        self.keyword("SELECT")
        q.function = self.function()
        self.punct("(")
        q.metric = self.identifier("a metric name")
        self.punct(")")
        self.keyword("FROM")
        if self.tok.kw("SCHEMA") and self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].text == "(":
            self.i += 2
            q.namespace = self.identifier("a namespace")
            keys = []
            while self.tok.kind == "op" and self.tok.text == ",":
                self.i += 1
                keys.append(self.label_key())
            self.punct(")")
            q.schema = frozenset(keys)
        else:
            q.namespace = self.identifier("a namespace or SCHEMA(...)")
        if self.accept("WHERE"):
            q.where.append(self.condition())
            while True:
                if self.accept("AND"):
                    q.where.append(self.condition())
                elif self.tok.kw("OR"):
                    raise InsightsError("Invalid syntax. Conditions of a WHERE clause are joined with AND only.")
                else:
                    break
        if self.accept("GROUP"):
            self.keyword("BY")
            q.group_by.append(self.label_key())
            while self.tok.kind == "op" and self.tok.text == ",":
                self.i += 1
                q.group_by.append(self.label_key())
        if self.accept("ORDER"):
            self.keyword("BY")
            fn = self.function()
            self.punct("(")
            self.punct(")")
            desc = False
            if self.accept("DESC"):
                desc = True
            else:
                self.accept("ASC")
            q.order = (fn, desc)
        if self.accept("LIMIT"):
            t = self.tok
            if t.kind != "num" or not t.text.isdigit():
                self.fail("a whole number")
            n = int(t.text)
            if not 1 <= n <= MAX_SERIES:
                raise InsightsError(f"Invalid syntax. LIMIT must be between 1 and {MAX_SERIES}, not {n}.")
            q.limit = n
            self.i += 1
        if self.tok.kind != "end":
            self.fail("the end of the query")
        return q


def parse(text, allow_like=False):
    return Parser(text, allow_like).parse()


def _like(pattern):
    parts = ("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern)
    return re.compile("".join(parts) + r"\Z", re.S)


# ------------------------------------------------------------------------------------ storage
class Series:
    """The observations of one metric (account, namespace, name, dimensions), as parallel arrays."""

    __slots__ = ("dims", "t", "sum", "count", "min", "max")

    def __init__(self, dims):
        self.dims = dims
        self.t, self.sum, self.count = array("d"), array("d"), array("d")
        self.min, self.max = array("d"), array("d")

    def add(self, t, s, c, lo, hi):
        self.t.append(t)
        self.sum.append(s)
        self.count.append(c)
        self.min.append(lo)
        self.max.append(hi)


def _epoch(t):
    return t.timestamp() if t.tzinfo else t.replace(tzinfo=timezone.utc).timestamp()


def _observation(md):
    """(epoch seconds, sum, count, min, max) of a moto datum."""
    t = _epoch(md.timestamp)
    value = getattr(md, "value", None)
    if value is not None:
        v = float(value)
        return t, v, 1.0, v, v
    return t, float(md.sum), float(md.sample_count), float(md.min), float(md.max)


class Store:
    """Incremental index of moto's CloudWatch datums per backend (moto only ever appends them):
    (namespace, metric name) -> {dimensions: Series}."""

    def __init__(self):
        self.lock = threading.Lock()
        self.backends = {}  # id(backend) -> [backend, datums indexed, index]

    def index(self, backend):
        with self.lock:
            entry = self.backends.get(id(backend))
            if entry is None or entry[0] is not backend:
                entry = self.backends[id(backend)] = [backend, 0, {}]
            data = backend.metric_data
            n, index = entry[1], entry[2]
            # Datums put together share their dimension list and timestamp objects: remember
            # those met in this pass (they stay alive in moto's list meanwhile).
            by_list, stamps = {}, {}
            for md in data[n:]:
                key = (md.namespace, md.name, id(md.dimensions))
                series = by_list.get(key)
                if series is None:
                    dims = frozenset((d.name, d.value) for d in md.dimensions)
                    by_dims = index.setdefault((md.namespace, md.name), {})
                    series = by_dims.get(dims)
                    if series is None:
                        series = by_dims[dims] = Series(dims)
                    by_list[key] = series
                t = stamps.get(id(md.timestamp))
                if t is None:
                    t = stamps[id(md.timestamp)] = _epoch(md.timestamp)
                value = getattr(md, "value", None)
                if value is not None:
                    v = float(value)
                    series.add(t, v, 1.0, v, v)
                else:
                    series.add(t, float(md.sum), float(md.sample_count), float(md.min), float(md.max))
            entry[1] = len(data)
            extra = backend.aws_metric_data  # computed by moto on each call; usually empty
        if not extra:
            return index
        merged = {k: dict(v) for k, v in index.items()}
        for md in extra:
            dims = frozenset((d.name, d.value) for d in md.dimensions)
            s = Series(dims)
            s.add(*_observation(md))
            merged.setdefault((md.namespace, md.name), {})[dims] = s
        return merged


STORE = Store()


# ------------------------------------------------------------------------------------ evaluation
def _aggregate(fn, acc):
    s, c, lo, hi = acc
    if fn == "SUM":
        return s
    if fn == "COUNT":
        return c
    if fn == "AVG":
        return s / c if c else 0.0
    if fn == "MIN":
        return lo
    return hi


def _scalar(fn, values):
    if fn == "SUM":
        return sum(values)
    if fn == "COUNT":
        return float(len(values))
    if fn == "AVG":
        return sum(values) / len(values)
    if fn == "MIN":
        return min(values)
    return max(values)


def _matches(cond, labels, caller):
    key, op, value = cond
    if value is None:
        value = caller
    have = labels.get(key)
    if have is None:  # a metric without the label matches no condition on it
        return False
    if op == "=":
        return have == value
    if op == "!=":
        return have != value
    return _like(value).match(have) is not None


def evaluate(query, accounts, backend_of, caller, start, end, period, label=None, now=None):
    """Run a parsed query over the backends of `accounts` (the caller's visible accounts).

    Returns (series, messages): series as [(label, [bucket epoch seconds], [values])] in answer
    order, messages as [{"Code", "Value"}] for the GetMetricData answer."""
    now = time.time() if now is None else now
    messages = []
    oldest = now - MAX_AGE
    if start < oldest:
        start = oldest
        messages.append({"Code": "MaxQueryTimeRangeExceeded", "Value": MESSAGES["MaxQueryTimeRangeExceeded"]})
    account_conds = [c for c in query.where if c[0] == ACCOUNT_KEY]
    dim_conds = [c for c in query.where if c[0] != ACCOUNT_KEY]
    matched = []  # (account, sorted dims, Series)
    for account in sorted(accounts):
        if not all(_matches(c, {ACCOUNT_KEY: account}, caller) for c in account_conds):
            continue
        by_dims = STORE.index(backend_of(account)).get((query.namespace, query.metric), {})
        for dims, series in list(by_dims.items()):  # a copy: datums may be indexed meanwhile
            if query.schema is not None and frozenset(k for k, _ in dims) != query.schema:
                continue
            labels = dict(dims)
            if not all(_matches(c, labels, caller) for c in dim_conds):
                continue
            if not any(start <= t < end for t in series.t):
                continue
            matched.append((account, tuple(sorted(dims)), series))
    matched.sort(key=lambda m: (m[0], m[1]))
    if len(matched) > MAX_METRICS:
        matched = matched[:MAX_METRICS]
        messages.append({"Code": "MaxMatchingResultsExceeded", "Value": MESSAGES["MaxMatchingResultsExceeded"]})

    groups = {}  # group values -> {bucket: [sum, count, min, max]}
    for account, dims, series in matched:
        labels = dict(dims)
        labels[ACCOUNT_KEY] = account
        key = tuple(labels.get(k, "Other") for k in query.group_by)
        buckets = groups.setdefault(key, {})
        for t, s, c, lo, hi in zip(series.t, series.sum, series.count, series.min, series.max):
            if not start <= t < end:
                continue
            b = int(t // period * period)
            acc = buckets.get(b)
            if acc is None:
                buckets[b] = [s, c, lo, hi]
            else:
                acc[0] += s
                acc[1] += c
                if lo < acc[2]:
                    acc[2] = lo
                if hi > acc[3]:
                    acc[3] = hi

    out = []
    for key, buckets in groups.items():
        times = sorted(buckets)
        values = [_aggregate(query.function, buckets[b]) for b in times]
        out.append((key, times, values))
    out.sort(key=lambda g: g[0])  # alphabetical by the GROUP BY values, in their order
    if query.order:
        fn, desc = query.order
        out.sort(key=lambda g: _scalar(fn, g[2]), reverse=desc)  # stable: ties stay alphabetical
    if query.limit is not None:
        out = out[: query.limit]
    if len(out) > MAX_SERIES:
        out = out[:MAX_SERIES]
        messages.append({"Code": "MaxQueryResultsExceeded", "Value": MESSAGES["MaxQueryResultsExceeded"]})
    return [(series_label(label, key, query), times, values) for key, times, values in out], messages


def series_label(label, key, query):
    """A group's label: its GROUP BY values joined by spaces; a query Label stands alone for an
    ungrouped query and is put before the values of a grouped one; in a Label, ${LABEL} is the
    default label and ${PROP('Dim.KEY')} (or ${PROP('AccountId')}) a group value."""
    default = " ".join(key)
    if not label:
        return default
    if "${" in label:
        values = dict(zip(query.group_by, key))
        out = label.replace("${LABEL}", default)

        def prop(m):
            name = m.group(1)
            if name == "AccountId":
                return values.get(ACCOUNT_KEY, "")
            return values.get(name[4:], "") if name.startswith("Dim.") else m.group(0)

        return re.sub(r"\$\{PROP\('([^']*)'\)\}", prop, out)
    return f"{label} {default}" if key else label
