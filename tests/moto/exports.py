"""Seed the test AWS endpoint (server.py) with an AWS Data Export the way Athena finds one: Parquet
objects in S3 under hive-style `billing_period=YYYY-MM/` folders, and a Glue database and table
(Parquet SerDe, partition key billing_period, one Glue partition per period with its `sizeKey`).

`--format cur2` writes CUR 2.0 columns, `--format focus` FOCUS 1.0 with AWS columns; the rows come
from exports_data (deterministic for a seed). Everything goes through boto3 against the endpoint,
as a real export lands through S3 and a crawler registers it. The JSON summary printed on stdout
holds the sums a reader must match: per (account, day, service) and per (Lambda ARN, day),
Σ billed, Σ effective and Σ list as exact decimal strings computed from the rows with Python's
decimal (not through any SQL engine), and the bytes, rows and files of each partition.

    python tests/moto/exports.py --endpoint http://127.0.0.1:N --format cur2 --accounts 5 \\
        --functions 2000 --months 2026-10,2026-11 --line-items 300000 > summary.json

Importable: seed(options) returns the same summary (options from parse_args([...])).
"""

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone

import boto3
import duckdb

import exports_data as data

CUR2_COLUMNS = [
    ("bill_billing_period_start_date", "timestamp"), ("bill_payer_account_id", "string"),
    ("line_item_usage_account_id", "string"), ("line_item_line_item_type", "string"),
    ("line_item_product_code", "string"), ("line_item_usage_type", "string"), ("line_item_operation", "string"),
    ("line_item_resource_id", "string"), ("line_item_usage_start_date", "timestamp"),
    ("line_item_usage_end_date", "timestamp"), ("line_item_usage_amount", "double"),
    ("line_item_unblended_cost", "double"), ("line_item_currency_code", "string"),
    ("pricing_public_on_demand_cost", "double"), ("savings_plan_savings_plan_effective_cost", "double"),
    ("savings_plan_total_commitment_to_date", "double"), ("savings_plan_used_commitment", "double"),
    ("reservation_effective_cost", "double"), ("product_region_code", "string"),
]
FOCUS_COLUMNS = [
    ("BilledCost", "double"), ("EffectiveCost", "double"), ("ListCost", "double"), ("ContractedCost", "double"),
    ("BillingAccountId", "string"), ("BillingCurrency", "string"), ("BillingPeriodStart", "timestamp"),
    ("ChargeCategory", "string"), ("ChargePeriodStart", "timestamp"), ("ChargePeriodEnd", "timestamp"),
    ("ConsumedQuantity", "double"), ("ProviderName", "string"), ("RegionId", "string"), ("ResourceId", "string"),
    ("ServiceCategory", "string"), ("ServiceName", "string"), ("SubAccountId", "string"),
    ("SubAccountName", "string"), ("x_Operation", "string"), ("x_ServiceCode", "string"), ("x_UsageType", "string"),
]
DEC = "CAST({} AS DECIMAL(38,10))"
# What each summed figure is, in SQL over the table (the seeder sums the same per line).
SUM_SQL = {
    "cur2": {
        "billed": DEC.format("line_item_unblended_cost"),
        "effective": "CASE line_item_line_item_type"
                     f" WHEN 'SavingsPlanCoveredUsage' THEN {DEC.format('savings_plan_savings_plan_effective_cost')}"
                     f" WHEN 'SavingsPlanRecurringFee' THEN {DEC.format('savings_plan_total_commitment_to_date')}"
                     f" - {DEC.format('savings_plan_used_commitment')}"
                     " WHEN 'SavingsPlanNegation' THEN CAST(0 AS DECIMAL(38,10))"
                     f" WHEN 'DiscountedUsage' THEN {DEC.format('reservation_effective_cost')}"
                     f" ELSE {DEC.format('line_item_unblended_cost')} END",
        "list": DEC.format("pricing_public_on_demand_cost"),
        "account": "line_item_usage_account_id", "day": "CAST(line_item_usage_start_date AS DATE)",
        "service": "line_item_product_code", "resource_id": "line_item_resource_id",
    },
    "focus": {
        "billed": DEC.format("billedcost"), "effective": DEC.format("effectivecost"), "list": DEC.format("listcost"),
        "account": "subaccountid", "day": "CAST(chargeperiodstart AS DATE)", "service": "x_servicecode",
        "resource_id": "resourceid",
    },
}
DUCK = {"string": "VARCHAR", "double": "DOUBLE", "timestamp": "TIMESTAMP"}
PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                  "Parameters": {"serialization.format": "1"}},
    "Compressed": False, "StoredAsSubDirectories": False,
}


def ts(epoch, cache={}):  # noqa: B006 - a memo of formatted hours
    s = cache.get(epoch)
    if s is None:
        s = cache[epoch] = datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return s


def cur_row(ln, payer, period):
    f = data.fx
    return (period, payer, ln.account, ln.line_type, ln.product, ln.usage_type, ln.operation, ln.resource,
            ts(ln.start), ts(ln.end), ln.amount, f(ln.unblended), "USD", f(ln.od), f(ln.sp_eff), f(ln.sp_total),
            f(ln.sp_used), f(ln.ri_eff), "us-east-1")


def focus_row(ln, payer, period):
    c = data.focus_costs(ln)
    if c is None:
        return None
    category, billed, effective, listed, contracted = c
    name, service_category = data.SERVICE[ln.product]
    f = data.fx
    return (f(billed), f(effective), f(listed), f(contracted), payer, "USD", period, category, ts(ln.start),
            ts(ln.end), ln.amount, "AWS", "us-east-1", ln.resource, service_category, name, ln.account,
            f"account-{ln.account}", ln.operation, ln.product, ln.usage_type)


def write_parquet(con, rows, columns, path):
    """rows (tuples in column order) as a snappy Parquet file, timestamps in milliseconds as AWS
    exports them. The rows pass through a CSV file DuckDB reads with explicit types; floats are
    written in their shortest round-trip form, so the doubles arrive unchanged."""
    with open(path + ".csv", "w", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
    types = "{" + ", ".join(f"'{n}': '{DUCK[t]}'" for n, t in columns) + "}"
    select = ", ".join(f'CAST("{n}" AS TIMESTAMP_MS) AS "{n}"' if t == "timestamp" else f'"{n}"' for n, t in columns)
    con.execute(f"COPY (SELECT {select} FROM read_csv('{path}.csv', header = false, columns = {types}, quote = '\"', "
                f"escape = '\"', allow_quoted_nulls = false, auto_detect = false)) TO '{path}' "
                "(FORMAT parquet, COMPRESSION snappy)")
    os.remove(path + ".csv")


def client(opts, service):
    return boto3.client(service, region_name=opts.region, endpoint_url=opts.endpoint,
                        aws_access_key_id=opts.access_key, aws_secret_access_key="breakeven-test-secret")


def clear_prefix(s3, bucket, prefix):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})


def register(opts, glue, columns, location, partitions, total_bytes, total_rows):
    """The Glue database, table and one partition per billing period, as a crawler leaves them."""
    try:
        glue.create_database(DatabaseInput={"Name": opts.database})
    except glue.exceptions.AlreadyExistsException:
        pass
    cols = [{"Name": n.lower(), "Type": t} for n, t in columns]
    params = {"classification": "parquet", "compressionType": "none", "typeOfData": "file",
              "sizeKey": str(total_bytes), "recordCount": str(total_rows),
              "objectCount": str(sum(len(p["files"]) for p in partitions.values()))}
    table = {"Name": opts.table, "TableType": "EXTERNAL_TABLE", "Parameters": params,
             "StorageDescriptor": {"Columns": cols, "Location": location, **PARQUET},
             "PartitionKeys": [{"Name": "billing_period", "Type": "string"}]}
    try:
        glue.create_table(DatabaseName=opts.database, TableInput=table)
    except glue.exceptions.AlreadyExistsException:
        glue.update_table(DatabaseName=opts.database, TableInput=table)
    for period, p in partitions.items():
        part = {"Values": [period],
                "StorageDescriptor": {"Columns": cols, "Location": p["location"], **PARQUET},
                "Parameters": {"classification": "parquet", "compressionType": "none", "typeOfData": "file",
                               "sizeKey": str(p["bytes"]), "recordCount": str(p["rows"]),
                               "objectCount": str(len(p["files"]))}}
        try:
            glue.create_partition(DatabaseName=opts.database, TableName=opts.table, PartitionInput=part)
        except glue.exceptions.AlreadyExistsException:
            glue.update_partition(DatabaseName=opts.database, TableName=opts.table, PartitionValueList=[period],
                                  PartitionInput=part)


def seed(opts):
    """Generate, write and register the export; the summary (see the module doc)."""
    started = time.monotonic()
    fmt = opts.format
    columns = CUR2_COLUMNS if fmt == "cur2" else FOCUS_COLUMNS
    col = {n: i for i, (n, _) in enumerate(columns)}
    table = opts.table or fmt
    opts.table = table
    prefix = opts.prefix if opts.prefix is not None else f"exports/{table}/data/"
    prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
    s3, glue = client(opts, "s3"), client(opts, "glue")
    try:
        s3.create_bucket(Bucket=opts.bucket)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass
    ids, fns, sp_accounts = data.estate(opts.accounts, opts.functions, opts.seed, org=org_estate(opts.org))
    months = [m.strip() for m in opts.months.split(",") if m.strip()]
    sums, partitions = data.Sums(), {}
    timings = {"generate": 0.0, "parquet": 0.0, "upload": 0.0}
    con = duckdb.connect()
    with tempfile.TemporaryDirectory(prefix="exports-") as tmp:
        for month in months:
            t = time.monotonic()
            period = ts(data.month_bounds(month)[0])
            make = cur_row if fmt == "cur2" else focus_row
            rows = [r for r in (make(ln, ids[0], period)
                                for ln in data.month_lines(month, ids, fns, sp_accounts,
                                                           opts.line_items // len(months), opts.seed)) if r]
            add = sums.add_cur if fmt == "cur2" else sums.add_focus
            for r in rows:
                add(r, col)
            timings["generate"] += time.monotonic() - t
            part_prefix = f"{prefix}billing_period={month}/"
            clear_prefix(s3, opts.bucket, part_prefix)
            files, size = [], 0
            for i in range(0, len(rows), opts.rows_per_file):
                t = time.monotonic()
                path = os.path.join(tmp, f"{month}-{i}.parquet")
                write_parquet(con, rows[i:i + opts.rows_per_file], columns, path)
                with open(path, "rb") as f:
                    body = f.read()
                os.remove(path)
                timings["parquet"] += time.monotonic() - t
                t = time.monotonic()
                key = f"{part_prefix}{table}-{len(files) + 1:05d}.snappy.parquet"
                s3.put_object(Bucket=opts.bucket, Key=key, Body=body)
                timings["upload"] += time.monotonic() - t
                files.append({"key": key, "bytes": len(body)})
                size += len(body)
            partitions[month] = {"location": f"s3://{opts.bucket}/{part_prefix}", "rows": len(rows),
                                 "bytes": size, "files": files}
    location = f"s3://{opts.bucket}/{prefix}"
    total_bytes = sum(o["Size"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=opts.bucket, Prefix=prefix)
                      for o in page.get("Contents", []))
    register(opts, glue, columns, location, partitions, total_bytes, sum(p["rows"] for p in partitions.values()))
    timings["total"] = time.monotonic() - started
    return {
        "format": fmt, "database": opts.database, "table": table, "bucket": opts.bucket, "location": location,
        "accounts": ids, "payer": ids[0], "savings_plan_accounts": sorted(sp_accounts),
        "functions": len(fns), "rows": sum(p["rows"] for p in partitions.values()), "table_bytes": total_bytes,
        "partitions": partitions, "columns": [{"name": n, "type": t} for n, t in columns],
        "sum_sql": SUM_SQL[fmt], "seconds": {k: round(v, 3) for k, v in timings.items()},
        **sums.as_json(),
    }


def org_estate(path):
    """{account: [function names]} of a seed_org.py summary file, or None."""
    if not path:
        return None
    with open(path) as f:
        return json.load(f)["functions"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--endpoint", required=True, help="the adapter's URL, http://127.0.0.1:N")
    p.add_argument("--access-key", default="AKIDBREAKEVENTEST")
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--format", choices=["cur2", "focus"], default="cur2")
    p.add_argument("--accounts", type=int, default=3, help="usage accounts (12-digit ids; the first is the payer)")
    p.add_argument("--functions", type=int, default=50, help="Lambda functions, spread over the accounts")
    p.add_argument("--months", default="2026-10,2026-11", help="billing periods YYYY-MM,YYYY-MM")
    p.add_argument("--line-items", type=int, default=20000, help="about how many line items in all")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--bucket", default="breakeven-exports")
    p.add_argument("--prefix", default=None, help="key prefix of the data (default exports/TABLE/data/)")
    p.add_argument("--database", default="billing")
    p.add_argument("--table", default=None, help="Glue table (default: the format's name)")
    p.add_argument("--rows-per-file", type=int, default=100000)
    p.add_argument("--summary-file", help="write the summary there instead of stdout (which then gets the counts)")
    p.add_argument("--org", metavar="SUMMARY", help="bill the accounts and functions of this seed_org.py summary "
                                                     "file (--accounts and --functions are then ignored)")
    return p.parse_args(argv)


def main():
    opts = parse_args()
    summary = seed(opts)
    if opts.summary_file:
        with open(opts.summary_file, "w") as f:
            json.dump(summary, f)
        small = {k: v for k, v in summary.items() if not k.startswith("by_")}
        print(json.dumps(small, indent=1))
    else:
        json.dump(summary, sys.stdout)
        print()


if __name__ == "__main__":
    sys.exit(main())
