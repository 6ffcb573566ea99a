//! `breakeven billing`: what the billing export read through Athena says was paid — for one
//! account or the whole organisation — by account, service or resource (`app::billing`).

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::billing::{self, Billing, BillingBy, BillingRequest, BillingRow};
use breakeven::app::dates;
use breakeven_simulator::pricing::money::group_digits;
use clap::Args;

#[derive(Debug, Args)]
pub struct BillingArgs {
    /// The export, DATABASE.TABLE as synced (default: the only one stored).
    #[arg(long, value_name = "DATABASE.TABLE")]
    pub export: Option<String>,
    /// Account key (default: every account in the export).
    #[arg(long)]
    pub account: Option<String>,
    /// First day, YYYY-MM-DD (default: the first stored day).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: the last stored day).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Group by account, service or resource (Lambda functions, ECS tasks, EC2 instances).
    #[arg(long, value_name = "GROUP", default_value = "service")]
    pub by: String,
    /// Rows shown (the JSON has them all).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: BillingArgs) -> anyhow::Result<()> {
    let by: BillingBy = a.by.parse().map_err(|m: String| {
        breakeven::app::AppError::bad_input(breakeven::error_code::ErrorCode::BadInput, format!("--by: {m}"))
    })?;
    let req = BillingRequest {
        export: a.export,
        account: a.account,
        from: dates::parse_optional_day("--from", a.from.as_deref())?,
        to: dates::parse_optional_day("--to", a.to.as_deref())?,
        by,
    };
    dates::check_order(req.from, req.to)?;
    let store = g.open_store()?;
    let b = billing::billing(&store, &req)?;
    if a.json {
        return print_json(&b);
    }
    print!("{}", render(&b, a.top));
    Ok(())
}

fn render(b: &Billing, top: usize) -> String {
    let mut o = format!(
        "Billing export {} · {} · {} to {} · by {} · {}\n\n",
        b.export,
        b.account.as_deref().unwrap_or("every account"),
        b.from,
        b.to,
        b.by.as_str(),
        b.currency
    );
    let mut t = Table::new(&[
        (by_title(b.by), Align::Left),
        ("Billed", Align::Right),
        ("Effective", Align::Right),
        ("List", Align::Right),
        ("Line items", Align::Right),
    ]);
    // Amounts carry a dollar sign only in dollars; the header names the currency.
    let money = |u: &breakeven_simulator::pricing::Usd| {
        if b.currency == "USD" {
            u.to_string()
        } else {
            u.0.round_dp(2).to_string()
        }
    };
    let row = |r: &BillingRow, label: String| {
        vec![
            label,
            money(&r.billed_usd),
            money(&r.effective_usd),
            money(&r.list_usd),
            group_digits(&r.line_items.to_string()),
        ]
    };
    for r in b.rows.iter().take(top) {
        let label = match b.by {
            BillingBy::Resource if r.name != r.key => format!("{} ({})", r.name, r.key),
            _ => r.key.clone(),
        };
        t.row(row(r, label));
    }
    let total = match b.by {
        BillingBy::Resource => "Total, every line item",
        _ => "Total",
    };
    t.row(row(&b.total, total.into()));
    o.push_str(&t.render());
    if b.rows.len() > top {
        o.push_str(&format!(
            "{} more (--top N, or --json for all).\n",
            b.rows.len() - top
        ));
    }
    o.push_str("Billed: what the bill charges (CUR unblended). Effective: commitments spread over the usage they cover. List: public on-demand prices.\n");
    o
}

fn by_title(by: BillingBy) -> &'static str {
    match by {
        BillingBy::Account => "Account",
        BillingBy::Service => "Service",
        BillingBy::Resource => "Resource",
    }
}
