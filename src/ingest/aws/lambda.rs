//! Lambda inventory: `ListFunctions` (paginated, 50 per page) and, per function,
//! `ListProvisionedConcurrencyConfigs` (provisioned concurrency is configured per alias or version).

use crate::ingest::aws::{call, logs, map_error, AwsSource, Task};
use crate::ingest::{Batch, Cancel, IngestError, Pulled, SyncStage};
use crate::model::records::FunctionRecord;
use aws_sdk_lambda::types::FunctionConfiguration;

/// Functions per `ListFunctions` page (the API's maximum).
const PAGE: i32 = 50;

impl AwsSource {
    /// List a region's functions with their provisioned concurrency.
    pub(super) fn inventory(&mut self, p: usize, r: usize, cancel: &Cancel) -> Result<Pulled, IngestError> {
        let region = self.profiles[p].regions[r].clone();
        let client = self.lambda(p, &region);
        let label = self.profiles[p].label.clone();
        let account = self.account(p)?;
        let mut functions = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            cancel.check()?;
            let req = client.list_functions().max_items(PAGE).set_marker(marker.take());
            let out = call(
                &self.runtime,
                &mut self.requests,
                &label,
                "lambda:ListFunctions",
                req.send(),
            )?;
            for f in out.functions() {
                if let (Some(rec), Some(target)) = (record(f), logs::log_target(f)) {
                    self.log_targets.insert((p, r, rec.name.clone()), target);
                    functions.push(rec);
                }
            }
            match out.next_marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        // One request per function: run a few at once so large inventories do not crawl.
        for chunk in functions.chunks_mut(IN_FLIGHT) {
            cancel.check()?;
            let names: Vec<String> = chunk.iter().map(|f| f.name.clone()).collect();
            for (f, total) in chunk.iter_mut().zip(self.provisioned(&client, &label, names)?) {
                f.provisioned_concurrency = total;
            }
        }
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        self.inventory.insert((p, r), functions.clone());
        // Logs are planned once the region's metrics are read (their Invocations size the estimate).
        if self.opts.logs {
            self.tasks.push_front(Task::PlanLogs {
                profile: p,
                region: r,
            });
        }
        self.tasks.push_front(Task::PlanMetrics {
            profile: p,
            region: r,
        });
        let n = functions.len();
        let step = self.step(
            SyncStage::Inventory,
            1,
            1,
            format!("{n} functions in {account}/{region}"),
        );
        Ok(Pulled {
            batch: Some(Batch::Functions {
                account,
                region,
                functions,
                seen_at: self.opts.now,
            }),
            step,
            note: None,
        })
    }

    /// Σ of allocated provisioned concurrency of each named function (in order), fetched
    /// concurrently.
    fn provisioned(
        &mut self,
        client: &aws_sdk_lambda::Client,
        label: &str,
        names: Vec<String>,
    ) -> Result<Vec<u32>, IngestError> {
        const ACTION: &str = "lambda:ListProvisionedConcurrencyConfigs";
        let results = self.runtime.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (i, name) in names.into_iter().enumerate() {
                let client = client.clone();
                set.spawn(async move { (i, provisioned_total(&client, &name).await) });
            }
            let mut out = Vec::new();
            while let Some(joined) = set.join_next().await {
                out.push(joined);
            }
            out
        });
        let mut totals = vec![0u32; results.len()];
        let mut failure = None;
        for joined in results {
            let (i, (requests, result)) = joined.map_err(|e| IngestError::Unexpected {
                action: ACTION.into(),
                detail: e.to_string(),
            })?;
            *self.requests.entry(ACTION.to_string()).or_insert(0) += requests;
            match result {
                Ok(total) => totals[i] = total,
                Err(e) => failure = Some(map_error(label, ACTION, e)),
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(totals),
        }
    }
}

/// Requests at once for per-function inventory calls (well under Lambda's control-plane quota).
const IN_FLIGHT: usize = 8;

type ConfigsError = aws_sdk_lambda::error::SdkError<
    aws_sdk_lambda::operation::list_provisioned_concurrency_configs::ListProvisionedConcurrencyConfigsError,
    aws_sdk_lambda::config::http::HttpResponse,
>;

/// All pages of one function's provisioned concurrency configs: (requests made, Σ allocated).
async fn provisioned_total(client: &aws_sdk_lambda::Client, name: &str) -> (u64, Result<u32, ConfigsError>) {
    let mut total = 0u32;
    let mut requests = 0;
    let mut marker: Option<String> = None;
    loop {
        requests += 1;
        let req = client
            .list_provisioned_concurrency_configs()
            .function_name(name)
            .set_marker(marker.take());
        let out = match req.send().await {
            Ok(out) => out,
            Err(e) => return (requests, Err(e)),
        };
        for c in out.provisioned_concurrency_configs() {
            let n = c
                .allocated_provisioned_concurrent_executions()
                .or(c.requested_provisioned_concurrent_executions())
                .unwrap_or(0);
            total = total.saturating_add(n.max(0) as u32);
        }
        match out.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return (requests, Ok(total)),
        }
    }
}

/// The stored form of a listed function (`None` when the listing lacks a name or ARN).
pub fn record(f: &FunctionConfiguration) -> Option<FunctionRecord> {
    let arch = f
        .architectures()
        .first()
        .map(|a| a.as_str().to_string())
        // Lambda's default when the field is absent.
        .unwrap_or_else(|| "x86_64".into());
    Some(FunctionRecord {
        name: f.function_name()?.to_string(),
        arn: f.function_arn()?.to_string(),
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        memory_mb: f.memory_size().unwrap_or(128).max(0) as u32,
        architecture: arch,
        timeout_s: f.timeout().unwrap_or(3).max(0) as u32,
        ephemeral_storage_mb: f.ephemeral_storage().map(|e| e.size()).unwrap_or(512).max(0) as u32,
        package_type: f
            .package_type()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "Zip".into()),
        provisioned_concurrency: 0,
        last_modified: f.last_modified().map(str::to_string),
    })
}
