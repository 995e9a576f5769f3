//! Downloads a list over HTTP(S) (ureq, rustls): connect, read and total timeouts,
//! retries with doubling backoff on network errors and server errors, conditional
//! requests (`If-None-Match`, `If-Modified-Since`), and a size limit.

use std::time::Duration;

use super::config::Http;

/// What the previous download of a source said about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    /// 304: the server has nothing newer.
    NotModified,
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// A download that failed on its last attempt.
#[derive(Debug, thiserror::Error)]
#[error("{message} (after {attempts} attempt{s})", s = if *.attempts == 1 { "" } else { "s" })]
pub struct FetchError {
    pub message: String,
    pub attempts: u32,
}

/// One attempt's failure, and whether another attempt may succeed.
struct Failure {
    message: String,
    retry: bool,
}

/// Fetches `url`, asking only for something newer than `known`. `note` hears about
/// each failed attempt that will be retried.
pub fn fetch(url: &str, http: &Http, known: &Validators, note: &mut dyn FnMut(&str)) -> Result<Fetched, FetchError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(http.connect_timeout))
        .timeout_per_read(Some(http.read_timeout))
        .timeout_global(Some(http.total_timeout))
        .http_status_as_error(false)
        .user_agent(concat!("fleetwatch/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut wait = http.backoff;
    let mut attempt = 1;
    loop {
        match attempt_once(&agent, url, http.max_bytes, known) {
            Ok(f) => return Ok(f),
            Err(f) if f.retry && attempt <= http.retries => {
                note(&format!(
                    "attempt {attempt} failed: {}; retrying in {:.1} s",
                    f.message,
                    wait.as_secs_f64()
                ));
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_mins(5));
                attempt += 1;
            }
            Err(f) => {
                return Err(FetchError {
                    message: f.message,
                    attempts: attempt,
                });
            }
        }
    }
}

fn attempt_once(agent: &ureq::Agent, url: &str, max_bytes: u64, known: &Validators) -> Result<Fetched, Failure> {
    let mut request = agent.get(url);
    if let Some(etag) = &known.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(date) = &known.last_modified {
        request = request.header("If-Modified-Since", date);
    }
    let mut response = request.call().map_err(|e| failure(&e))?;
    let status = response.status().as_u16();
    match status {
        304 => return Ok(Fetched::NotModified),
        200 => {}
        _ => {
            return Err(Failure {
                message: format!("HTTP {status}"),
                // Server trouble and rate limits pass; a 404 or 403 will not.
                retry: status >= 500 || status == 429 || status == 408,
            });
        }
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    if let Some(len) = header("content-length").and_then(|l| l.parse::<u64>().ok())
        && len > max_bytes
    {
        return Err(Failure {
            message: format!("the download is {len} bytes, over the limit of {max_bytes} (http.max_mb)"),
            retry: false,
        });
    }
    let bytes = response
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .read_to_vec()
        .map_err(|e| failure(&e))?;
    Ok(Fetched::Body { bytes, validators })
}

fn failure(e: &ureq::Error) -> Failure {
    use ureq::Error as E;
    match e {
        E::BodyExceedsLimit(limit) => Failure {
            message: format!("the download is over the limit of {limit} bytes (http.max_mb)"),
            retry: false,
        },
        E::BadUri(_) | E::TooManyRedirects | E::RedirectFailed => Failure {
            message: e.to_string(),
            retry: false,
        },
        E::Timeout(t) => Failure {
            message: format!("timed out ({t})"),
            retry: true,
        },
        E::HostNotFound => Failure {
            message: "host not found".to_string(),
            retry: true,
        },
        E::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof || io.to_string().contains("disconnected") => {
            Failure {
                message: "the download was cut short (the connection closed early)".to_string(),
                retry: true,
            }
        }
        E::Io(io) => Failure {
            message: io.to_string(),
            retry: true,
        },
        _ => Failure {
            message: e.to_string(),
            retry: true,
        },
    }
}
