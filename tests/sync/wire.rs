//! Wire formats: recorded AWS answers (`fixtures/aws/`) replayed to the real SDK clients, then
//! read by the same code a sync uses.

use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use breakeven::ingest::aws::costexplorer::parse_result;
use breakeven::ingest::aws::lambda::record;
use rust_decimal::Decimal;
use std::str::FromStr;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/aws")
            .join(name),
    )
    .expect("fixture")
}

fn answer(status: u16, content_type: &str, body: Vec<u8>, cbor: bool) -> http::Response<SdkBody> {
    let mut b = http::Response::builder()
        .status(status)
        .header("content-type", content_type);
    if cbor {
        b = b.header("smithy-protocol", "rpc-v2-cbor");
    }
    b.body(SdkBody::from(body)).expect("response")
}

fn event(resp: http::Response<SdkBody>) -> ReplayEvent {
    // The expected request is not compared (the tests inspect the actual one instead).
    let req = http::Request::builder()
        .uri("https://example.invalid/")
        .body(SdkBody::empty())
        .expect("request");
    ReplayEvent::new(req, resp)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

macro_rules! client {
    ($krate:ident, $replay:expr, $attempts:expr) => {{
        use $krate::config::{BehaviorVersion, Credentials, Region};
        let conf = $krate::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                "AKIDREPLAY",
                "replay-secret",
                None,
                None,
                "test",
            ))
            .retry_config($krate::config::retry::RetryConfig::standard().with_max_attempts($attempts))
            .http_client($replay.clone())
            .build();
        $krate::Client::from_conf(conf)
    }};
}

#[test]
fn cloudwatch_get_metric_data_speaks_rpc_v2_cbor() {
    let replay = StaticReplayClient::new(vec![event(answer(
        200,
        "application/cbor",
        fixture("cloudwatch-get-metric-data.cbor"),
        true,
    ))]);
    let cw = client!(aws_sdk_cloudwatch, replay, 1);
    let out = rt()
        .block_on(
            cw.get_metric_data()
                .start_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(1_764_547_200))
                .end_time(aws_sdk_cloudwatch::primitives::DateTime::from_secs(1_764_547_320))
                .send(),
        )
        .expect("parsed");
    let r = out.metric_data_results();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].id(), Some("q0"));
    let secs: Vec<i64> = r[0].timestamps().iter().map(|t| t.secs()).collect();
    assert_eq!(secs, vec![1_764_547_200, 1_764_547_260]);
    assert_eq!(r[0].values(), &[1520.0, 1498.0]);
    assert_eq!(r[1].timestamps()[0].secs(), 1_764_547_200);
    assert_eq!(r[1].status_code().map(|s| s.as_str()), Some("PartialData"));
    assert_eq!(out.next_token(), Some("eyJvZmZzZXQiOjN9"));

    let req = replay.actual_requests().next().expect("one request");
    assert_eq!(req.uri(), "https://monitoring.us-east-1.amazonaws.com/service/GraniteServiceVersion20100801/operation/GetMetricData");
    assert_eq!(req.headers().get("smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(req.headers().get("content-type"), Some("application/cbor"));
}

#[test]
fn cloudwatch_throttling_is_retried() {
    let replay = StaticReplayClient::new(vec![
        event(answer(
            400,
            "application/cbor",
            fixture("cloudwatch-throttling.cbor"),
            true,
        )),
        event(answer(
            200,
            "application/cbor",
            fixture("cloudwatch-get-metric-data.cbor"),
            true,
        )),
    ]);
    let cw = client!(aws_sdk_cloudwatch, replay, 2);
    let out = rt().block_on(cw.list_metrics().send());
    // The second answer is a GetMetricData body: ListMetrics reads none of its fields, so
    // success here means the throttling answer was retried.
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(replay.actual_requests().count(), 2);

    let replay = StaticReplayClient::new(vec![event(answer(
        400,
        "application/cbor",
        fixture("cloudwatch-throttling.cbor"),
        true,
    ))]);
    let cw = client!(aws_sdk_cloudwatch, replay, 1);
    let err = rt().block_on(cw.list_metrics().send()).expect_err("throttled");
    use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("LimitExceededException"));
    assert_eq!(err.message(), Some("Rate exceeded"));
}

#[test]
fn cost_explorer_amounts_stay_exact() {
    let replay = StaticReplayClient::new(vec![event(answer(
        200,
        "application/x-amz-json-1.1",
        fixture("ce-get-cost-and-usage.json"),
        false,
    ))]);
    let ce = client!(aws_sdk_costexplorer, replay, 1);
    let out = rt().block_on(ce.get_cost_and_usage().send()).expect("parsed");
    let days: Vec<_> = out
        .results_by_time()
        .iter()
        .map(|r| parse_result(r).expect("a day"))
        .collect();
    assert_eq!(days.len(), 2);
    let (day, estimated, rows) = &days[0];
    assert_eq!(day.to_string(), "2026-11-01");
    assert!(!estimated);
    assert_eq!(rows[0].usage_type, "Lambda-GB-Second-ARM");
    assert_eq!(rows[0].unblended, Decimal::from_str("3.2448031968").unwrap());
    assert_eq!(rows[0].usage_quantity, Decimal::from_str("243360.24").unwrap());
    assert_eq!(rows[0].usage_unit, "Lambda-GB-Second");
    // Exponent form is read exactly.
    assert_eq!(rows[1].unblended, Decimal::from_str("0.0000012").unwrap());
    assert_eq!(rows[1].currency, "USD");
    assert!(days[1].1, "the second day is still estimated");
    assert_eq!(days[1].2[0].service, "Amazon CloudWatch");

    let req = replay.actual_requests().next().expect("one request");
    assert_eq!(
        req.headers().get("x-amz-target"),
        Some("AWSInsightsIndexService.GetCostAndUsage")
    );
    assert!(
        req.uri().starts_with("https://ce.us-east-1.amazonaws.com"),
        "{}",
        req.uri()
    );
}

#[test]
fn lambda_list_functions_reads_zip_and_image_functions() {
    let replay = StaticReplayClient::new(vec![event(answer(
        200,
        "application/json",
        fixture("lambda-list-functions.json"),
        false,
    ))]);
    let lambda = client!(aws_sdk_lambda, replay, 1);
    let out = rt()
        .block_on(lambda.list_functions().max_items(50).send())
        .expect("parsed");
    assert_eq!(out.next_marker(), Some("bWFya2VyLTI="));
    let fs: Vec<_> = out.functions().iter().filter_map(record).collect();
    assert_eq!(fs.len(), 2);
    assert_eq!(
        (
            fs[0].name.as_str(),
            fs[0].memory_mb,
            fs[0].architecture.as_str(),
            fs[0].ephemeral_storage_mb,
            fs[0].timeout_s
        ),
        ("api-orders", 1024, "arm64", 2048, 15)
    );
    assert_eq!(fs[0].runtime.as_deref(), Some("nodejs22.x"));
    assert_eq!(
        (
            fs[1].runtime.as_deref(),
            fs[1].package_type.as_str(),
            fs[1].memory_mb
        ),
        (None, "Image", 3008)
    );

    let req = replay.actual_requests().next().expect("one request");
    assert_eq!(
        req.uri(),
        "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions?MaxItems=50"
    );
}
