//! One SDK call run to completion, and its failure turned into an [`IngestError`] that names the
//! IAM action and says what to do.

use crate::ingest::IngestError;
use aws_sdk_sts::error::DisplayErrorContext;
use aws_sdk_sts::error::ProvideErrorMetadata;
use std::collections::BTreeMap;
use std::future::Future;

/// Run one SDK call to completion, counting it under `action` and mapping its error.
pub(crate) fn call<T, E, R>(
    rt: &tokio::runtime::Runtime,
    requests: &mut BTreeMap<String, u64>,
    profile: &str,
    action: &str,
    fut: impl Future<Output = Result<T, aws_sdk_sts::error::SdkError<E, R>>>,
) -> Result<T, IngestError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    *requests.entry(action.to_string()).or_insert(0) += 1;
    rt.block_on(fut).map_err(|e| map_error(profile, action, e))
}

/// Error codes AWS uses for credentials it does not accept.
const CREDENTIAL_CODES: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "IncompleteSignature",
    "ExpiredToken",
    "ExpiredTokenException",
    "AuthFailure",
    "MissingAuthenticationToken",
];
const ACCESS_DENIED_CODES: &[&str] = &["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"];
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "LimitExceededException",
];

fn timed_out(action: String) -> IngestError {
    IngestError::Network {
        action,
        detail: "no answer in time on any attempt (raise --timeout on a slow network; --max-attempts sets the attempts)"
            .into(),
    }
}

/// Turn an SDK error into an error that names the action and says what to do.
pub(crate) fn map_error<E, R>(
    profile: &str,
    action: &str,
    err: aws_sdk_sts::error::SdkError<E, R>,
) -> IngestError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_sts::error::SdkError;
    let code = err.code().unwrap_or("").to_string();
    let message = err.message().unwrap_or("").to_string();
    let action = action.to_string();
    let profile = profile.to_string();
    match &err {
        SdkError::ServiceError(_) if CREDENTIAL_CODES.contains(&code.as_str()) => IngestError::Credentials {
            profile,
            action,
            code,
        },
        SdkError::ServiceError(_) if ACCESS_DENIED_CODES.contains(&code.as_str()) => {
            IngestError::AccessDenied {
                profile,
                action,
                message,
            }
        }
        SdkError::ServiceError(_) if THROTTLING_CODES.contains(&code.as_str()) => {
            IngestError::Throttled { action }
        }
        SdkError::ServiceError(_) => IngestError::Service {
            action,
            code: if code.is_empty() { "unknown".into() } else { code },
            message: if message.is_empty() {
                DisplayErrorContext(&err).to_string()
            } else {
                message
            },
        },
        // An attempt, or the wait for a connection or the answer's bytes, ran out of time.
        SdkError::TimeoutError(_) => timed_out(action),
        SdkError::DispatchFailure(d) if d.is_timeout() => timed_out(action),
        SdkError::DispatchFailure(d) if d.is_io() => IngestError::Network {
            action,
            detail: DisplayErrorContext(&err).to_string(),
        },
        _ => {
            let detail = DisplayErrorContext(&err).to_string();
            // Identity resolution fails before any request is sent: say so plainly.
            if detail.contains("credentials") || detail.contains("identity") {
                IngestError::NoCredentials { profile, detail }
            } else {
                IngestError::Unexpected { action, detail }
            }
        }
    }
}
