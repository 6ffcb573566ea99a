"""Synthetic AWS Data Exports line items (CUR 2.0 and FOCUS 1.0 with AWS columns), and the sums a
reader of them must find, computed here with Python's decimal independently of any SQL engine.

One billing period is generated at a time from a seed, so the same options give the same rows.
Each month holds: Lambda duration and request usage of the functions (x86 and ARM), in accounts
with a Savings Plan partly as SavingsPlanCoveredUsage + SavingsPlanNegation pairs, with the plan's
hourly SavingsPlanRecurringFee; Fargate tasks, EC2 instances (some as reserved DiscountedUsage),
S3 and CloudWatch usage; a daily Credit, a Refund and a Tax line per account and product.

Costs are integers of 1e-10 USD while generated and are written as DOUBLE (as the real exports
hold them): `units / 1e10` is the double nearest to a value of at most 10 decimal places and
fewer than 16 digits, so CAST(value AS DECIMAL(38,10)) gives the units back exactly.
"""

import random
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from decimal import Decimal

Q = Decimal("1e-10")
UNIT = 10**10
# One generated line: cost fields in 1e-10 USD, times in epoch seconds.
Line = namedtuple("Line", "account start end line_type product usage_type operation resource amount "
                          "unblended od sp_eff ri_eff sp_total sp_used")
SERVICE = {  # product code -> (FOCUS ServiceName, ServiceCategory)
    "AWSLambda": ("AWS Lambda", "Compute"),
    "AmazonECS": ("Amazon Elastic Container Service", "Compute"),
    "AmazonEC2": ("Amazon Elastic Compute Cloud", "Compute"),
    "AmazonS3": ("Amazon Simple Storage Service", "Storage"),
    "AmazonCloudWatch": ("AmazonCloudWatch", "Management and Governance"),
    "ComputeSavingsPlans": ("Savings Plans for AWS Compute usage", "Compute"),
}
# Other services' usage: (product, usage type, operation, price in 1e-10 USD per unit, max micro-units, resource kind)
OTHER = [
    ("AmazonECS", "USE1-Fargate-vCPU-Hours:perCPU", "FargateTask", 404800000, 4000000, "task"),
    ("AmazonECS", "USE1-Fargate-GB-Hours", "FargateTask", 44450000, 16000000, "task"),
    ("AmazonEC2", "USE1-BoxUsage:m5.large", "RunInstances", 960000000, 1000000, "instance"),
    ("AmazonS3", "USE1-TimedStorage-ByteHrs", "StandardStorage", 230000000, 300000000, "bucket"),
    ("AmazonS3", "USE1-Requests-Tier1", "PutObject", 50000, 50000000000, "bucket"),
    ("AmazonCloudWatch", "USE1-CW:MetricMonitorUsage", "MetricStorage", 3000000000, 2000000, ""),
    ("AmazonCloudWatch", "USE1-DataProcessing-Bytes", "PutLogEvents", 5000000000, 3000000, ""),
]
WORDS = ["api", "worker", "ingest", "resize", "auth", "billing", "notify", "etl", "search", "export"]


def cost(micro, price):
    """Cost units of `micro` millionths of a unit at `price` units each, rounded half up."""
    return (micro * price + 500000) // 1000000


def month_bounds(month):
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
    end = (start + timedelta(days=32)).replace(day=1)
    return int(start.timestamp()), int(end.timestamp())


def estate(accounts, functions, seed, org=None):
    """(account ids, functions [(account, name, arn, arm, memory MB)], accounts with a Savings Plan).
    With `org` ({account: [function names]}), those accounts and functions."""
    rng = random.Random(f"{seed}-estate")
    if org:
        ids = list(org)
        fns = [(acct, name, f"arn:aws:lambda:us-east-1:{acct}:function:{name}", rng.random() < 0.3,
                rng.choice([128, 256, 512, 1024, 1769, 3008])) for acct in ids for name in org[acct]]
        return ids, fns, set(ids[::2])
    ids = []
    while len(ids) < accounts:
        a = str(rng.randrange(10**11, 10**12))
        if a not in ids:
            ids.append(a)
    fns = []
    for i in range(functions):
        acct = ids[i % accounts]
        name = f"{WORDS[i % len(WORDS)]}-{i:05d}"
        fns.append((acct, name, f"arn:aws:lambda:us-east-1:{acct}:function:{name}", rng.random() < 0.3,
                    rng.choice([128, 256, 512, 1024, 1769, 3008])))
    return ids, fns, set(ids[::2])


def month_lines(month, ids, fns, sp_accounts, budget, seed):
    """About `budget` Lines for one billing period 'YYYY-MM'."""
    rng = random.Random(f"{seed}-{month}")
    t0, t1 = month_bounds(month)
    hours = (t1 - t0) // 3600
    lines = []
    # Other services: distinct (account, hour, kind), 12% of the budget.
    n_other = min(budget * 12 // 100, len(ids) * hours * len(OTHER))
    for idx in sorted(rng.sample(range(len(ids) * hours * len(OTHER)), n_other)):
        a, rest = divmod(idx, hours * len(OTHER))
        h, k = divmod(rest, len(OTHER))
        product, usage_type, op, price, most, kind = OTHER[k]
        acct, start = ids[a], t0 + h * 3600
        micro = rng.randint(most // 100 or 1, most)
        od = cost(micro, price)
        resource = {"task": f"arn:aws:ecs:us-east-1:{acct}:task/cluster-{a}/{rng.getrandbits(128):032x}",
                    "instance": f"i-{rng.getrandbits(68):017x}", "bucket": f"bucket-{acct}-{k}", "": ""}[kind]
        if kind == "instance" and rng.random() < 0.4:
            lines.append(Line(acct, start, start + 3600, "DiscountedUsage", product, usage_type, op, resource,
                              micro / 1e6, 0, od, 0, od * 6 // 10, 0, 0))
        else:
            lines.append(Line(acct, start, start + 3600, "Usage", product, usage_type, op, resource, micro / 1e6,
                              od, od, 0, 0, 0, 0))
    # Lambda: distinct (function, hour) invocation hours filling the rest of the budget.
    days = hours // 24
    fixed = len(sp_accounts) * hours + len(ids) * (days + 2 + len(SERVICE))
    per_event = 2 + 0.6 * len([f for f in fns if f[0] in sp_accounts]) / max(1, len(fns))
    n_events = max(0, min(int((budget - len(lines) - fixed) / per_event), len(fns) * hours))
    sp_used = {}
    for idx in sorted(rng.sample(range(len(fns) * hours), n_events), key=lambda i: (i % hours, i)):
        f, h = divmod(idx, hours)
        acct, _name, arn, arm, memory = fns[f]
        start = t0 + h * 3600
        invocations = rng.randint(1, 5000)
        gbs_micro = memory * rng.randint(50, 3000) * invocations * 1000 // 1024
        od = cost(gbs_micro, 133334 if arm else 166667)
        usage_type = "USE1-Lambda-GB-Second-ARM" if arm else "USE1-Lambda-GB-Second"
        if acct in sp_accounts and rng.random() < 0.6:
            eff = (od * 83 + 50) // 100
            sp_used[(acct, h)] = sp_used.get((acct, h), 0) + eff
            lines.append(Line(acct, start, start + 3600, "SavingsPlanCoveredUsage", "AWSLambda", usage_type, "Invoke",
                              arn, gbs_micro / 1e6, od, od, eff, 0, 0, 0))
            lines.append(Line(acct, start, start + 3600, "SavingsPlanNegation", "AWSLambda", usage_type, "Invoke",
                              arn, 0.0, -od, 0, 0, 0, 0, 0))
        else:
            lines.append(Line(acct, start, start + 3600, "Usage", "AWSLambda", usage_type, "Invoke", arn,
                              gbs_micro / 1e6, od, od, 0, 0, 0, 0))
        req_type = "USE1-Request-ARM" if arm else "USE1-Request"
        od = cost(invocations * 1000000, 2000)
        lines.append(Line(acct, start, start + 3600, "Usage", "AWSLambda", req_type, "Invoke", arn,
                          float(invocations), od, od, 0, 0, 0, 0))
    # The Savings Plans' hourly fee: commitment, of which the covered usage used some.
    for acct in sorted(sp_accounts):
        commitment = rng.randint(1, 50) * 10**8 * 5
        sp_arn = f"arn:aws:savingsplans::{acct}:savingsplan/{rng.getrandbits(128):032x}"
        for h in range(hours):
            start = t0 + h * 3600
            used = min(commitment, sp_used.get((acct, h), 0))
            lines.append(Line(acct, start, start + 3600, "SavingsPlanRecurringFee", "ComputeSavingsPlans",
                              "ComputeSP:1yrNoUpfront", "", sp_arn, 1.0, commitment, 0, 0, 0, commitment, used))
    # Per account: a daily Lambda credit, one refund, and a tax line per product it used.
    billed = {}
    for ln in lines:
        billed[(ln.account, ln.product)] = billed.get((ln.account, ln.product), 0) + ln.unblended
    for acct in ids:
        for d in range(days):
            start = t0 + d * 86400
            amount = -rng.randint(10**8, 5 * 10**9)
            lines.append(Line(acct, start, start + 3600, "Credit", "AWSLambda", "USE1-Lambda-GB-Second", "",
                              "", 0.0, amount, 0, 0, 0, 0, 0))
        start = t0 + rng.randrange(days) * 86400
        lines.append(Line(acct, start, start + 3600, "Refund", "AmazonEC2", "USE1-BoxUsage:m5.large", "RunInstances",
                          "", 0.0, -rng.randint(10**9, 10**10), 0, 0, 0, 0, 0))
        for product in sorted(SERVICE):
            base = billed.get((acct, product), 0)
            if base > 0:
                tax = base * 8 // 100 // 10**8 * 10**8  # whole cents
                lines.append(Line(acct, t0, t1, "Tax", product, "", "", "", 0.0, tax, 0, 0, 0, 0, 0))
    return lines


def fx(units):
    """The DOUBLE written for a cost of `units` 1e-10 USD."""
    return units / UNIT


def focus_costs(ln):
    """(ChargeCategory, BilledCost, EffectiveCost, ListCost, ContractedCost) in units, or None for
    lines FOCUS does not have (a Savings Plan negation: the covered usage is billed 0 instead)."""
    t = ln.line_type
    if t == "SavingsPlanNegation":
        return None
    if t == "SavingsPlanCoveredUsage":
        return "Usage", 0, ln.sp_eff, ln.od, ln.od
    if t == "DiscountedUsage":
        return "Usage", 0, ln.ri_eff, ln.od, ln.od
    if t == "SavingsPlanRecurringFee":
        return "Purchase", ln.unblended, ln.sp_total - ln.sp_used, 0, ln.unblended
    category = {"Usage": "Usage", "Credit": "Credit", "Tax": "Tax", "Refund": "Adjustment"}[t]
    return category, ln.unblended, ln.unblended, ln.od, ln.od


def q(v):
    """A written DOUBLE rounded to 10 decimal places, as CAST(v AS DECIMAL(38,10)) should give it."""
    return Decimal(v).quantize(Q)


class Sums:
    """Σ billed, Σ effective, Σ list per (account, day, service) and per (Lambda ARN, day)."""

    def __init__(self):
        self.by_service, self.by_function = {}, {}

    def add(self, account, day, service, resource, billed, effective, listed):
        for table, key in ((self.by_service, (account, day, service)), (self.by_function, (resource, day))):
            if table is self.by_function and not resource.startswith("arn:aws:lambda:"):
                continue
            s = table.get(key)
            if s is None:
                table[key] = [billed, effective, listed]
            else:
                s[0] += billed
                s[1] += effective
                s[2] += listed

    def add_cur(self, row, col):
        """A CUR 2.0 row (tuple in column order, `col` name -> index), effective as EFFECTIVE_SQL."""
        t = row[col["line_item_line_item_type"]]
        unblended = q(row[col["line_item_unblended_cost"]])
        if t == "SavingsPlanCoveredUsage":
            effective = q(row[col["savings_plan_savings_plan_effective_cost"]])
        elif t == "SavingsPlanRecurringFee":
            effective = q(row[col["savings_plan_total_commitment_to_date"]]) - q(row[col["savings_plan_used_commitment"]])
        elif t == "SavingsPlanNegation":
            effective = Decimal(0)
        elif t == "DiscountedUsage":
            effective = q(row[col["reservation_effective_cost"]])
        else:
            effective = unblended
        self.add(row[col["line_item_usage_account_id"]], row[col["line_item_usage_start_date"]][:10],
                 row[col["line_item_product_code"]], row[col["line_item_resource_id"]], unblended, effective,
                 q(row[col["pricing_public_on_demand_cost"]]))

    def add_focus(self, row, col):
        self.add(row[col["SubAccountId"]], row[col["ChargePeriodStart"]][:10], row[col["x_ServiceCode"]],
                 row[col["ResourceId"]], q(row[col["BilledCost"]]), q(row[col["EffectiveCost"]]), q(row[col["ListCost"]]))

    def as_json(self):
        """Sorted lists of {keys..., billed, effective, list} with exact decimal strings."""
        def amounts(s):
            return {"billed": format(s[0], "f"), "effective": format(s[1], "f"), "list": format(s[2], "f")}
        return {
            "by_account_day_service": [{"account": a, "day": d, "service": s, **amounts(v)}
                                       for (a, d, s), v in sorted(self.by_service.items())],
            "by_function_day": [{"resource_id": r, "day": d, **amounts(v)} for (r, d), v in sorted(self.by_function.items())],
        }
