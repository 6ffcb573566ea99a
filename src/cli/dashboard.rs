//! `breakeven dashboard`: the desktop dashboard's figures for one account or every synced AWS
//! account together (`app::dashboard_all::dashboard_of`, the use case the app calls).

use crate::cli::table::{Align, Table};
use crate::cli::{print_json, Globals};
use breakeven::app::analyse::resolve_account;
use breakeven::app::dashboard::Dashboard;
use breakeven::app::dashboard_all::{dashboard_of, ALL_ACCOUNTS};
use breakeven_simulator::pricing::money::group_digits;
use clap::Args;

#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Account key (default: the only stored account).
    #[arg(long, conflicts_with = "all")]
    pub account: Option<String>,
    /// Every synced AWS account added up, over their common latest 30 days.
    #[arg(long)]
    pub all: bool,
    /// Functions listed (the JSON has them all).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    #[arg(long)]
    pub json: bool,
}

pub fn run(g: &Globals, a: DashboardArgs) -> anyhow::Result<()> {
    let catalog = g.load_catalog()?;
    let store = g.open_store()?;
    // The account as `analyse` resolves it: the only one, or the one named.
    let key = if a.all {
        ALL_ACCOUNTS.to_string()
    } else {
        resolve_account(&store, a.account.as_deref())?.1
    };
    let d = dashboard_of(&store, &catalog, &key)?;
    if a.json {
        return print_json(&d);
    }
    print!("{}", render(&d, a.top));
    Ok(())
}

fn render(d: &Dashboard, top: usize) -> String {
    let r = &d.reconciliation;
    let mut o = format!("{} · {} to {}\n\n", d.account_name, d.from, d.to);
    let mut t = Table::new(&[("Figure", Align::Left), ("Amount", Align::Right)]);
    t.row(vec![
        format!("Billed since {}", d.mtd_from),
        d.billed_mtd_usd.to_string(),
    ]);
    t.row(vec![
        "Billed, last 30 days, every service".into(),
        d.billed_usd.to_string(),
    ]);
    t.row(vec![
        "Lambda, usage-derived".into(),
        d.usage.split.total_usd.to_string(),
    ]);
    t.row(vec![
        "  with the free tier".into(),
        d.usage.total_with_free_tier_usd.to_string(),
    ]);
    t.row(vec![
        format!("Reconciliation: {}", r.status.as_str()),
        format!(
            "gap {} ({}%)",
            r.gap_usd,
            r.gap_pct.map(|p| p.to_string()).unwrap_or_else(|| "–".into())
        ),
    ]);
    t.row(vec![
        format!("Next 30 days ({})", d.forecast.basis),
        d.forecast.total_usd.to_string(),
    ]);
    o.push_str(&t.render());
    o.push_str("\nBy function, usage-derived\n");
    let mut f = Table::new(&[
        ("Function", Align::Left),
        ("Invocations", Align::Right),
        ("Cost", Align::Right),
        ("Share", Align::Right),
    ]);
    for x in d.functions.iter().take(top) {
        f.row(vec![
            x.name.clone(),
            group_digits(&x.invocations.to_string()),
            x.cost.total_usd.to_string(),
            format!("{}%", x.share_pct),
        ]);
    }
    o.push_str(&f.render());
    if d.functions.len() > top {
        o.push_str(&format!(
            "{} more (--top N, or --json for all).\n",
            d.functions.len() - top
        ));
    }
    o
}
