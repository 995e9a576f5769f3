//! Downloads a list over HTTPS (ureq, rustls, the Mozilla roots): connect, read and
//! total timeouts, retries with doubling backoff on network errors and server errors,
//! conditional requests (`If-None-Match`, `If-Modified-Since`), a size limit on the
//! bytes received and on the bytes they unpack to, and redirects followed here, a few
//! at most, each checked as the first URL was: plain `http://` only to this machine
//! (loopback), unless the caller allows it.

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

/// Redirects followed for one download.
pub const MAX_REDIRECTS: usize = 5;

/// Why a URL is not fetched: `None` when it may be. HTTPS always; plain HTTP to a
/// loopback host (`localhost`, 127.0.0.0/8, `[::1]`), or anywhere when `allow_http`.
pub fn refused(url: &str, allow_http: bool) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return None;
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return Some(format!("'{url}' is not an https:// URL"));
    };
    if allow_http || is_loopback(rest) {
        return None;
    }
    Some(format!(
        "'{url}' is plain http:// (not encrypted, so not safe from tampering); use https://, or pass --allow-http"
    ))
}

/// Whether the authority at the start of `rest` (after `http://`) is this machine.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Fetches `url`, asking only for something newer than `known`. `note` hears about
/// each failed attempt that will be retried.
pub fn fetch(url: &str, http: &Http, known: &Validators, note: &mut dyn FnMut(&str)) -> Result<Fetched, FetchError> {
    if let Some(why) = refused(url, http.allow_http) {
        return Err(FetchError {
            message: why,
            attempts: 0,
        });
    }
    let roots = match &http.ca_file {
        None => ureq::tls::RootCerts::WebPki,
        Some(path) => trusted(path).map_err(|message| FetchError { message, attempts: 0 })?,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
        .timeout_connect(Some(http.connect_timeout))
        .timeout_per_read(Some(http.read_timeout))
        .timeout_global(Some(http.total_timeout))
        .http_status_as_error(false)
        // Redirects are followed by `attempt_once`, which checks each.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .user_agent(concat!("fleetwatch/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut wait = http.backoff;
    let mut attempt = 1;
    loop {
        match attempt_once(&agent, url, http, known) {
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

fn attempt_once(agent: &ureq::Agent, url: &str, http: &Http, known: &Validators) -> Result<Fetched, Failure> {
    let mut at = url.to_string();
    let mut redirects = 0;
    let mut response = loop {
        let mut request = agent.get(&at);
        if let Some(etag) = &known.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(date) = &known.last_modified {
            request = request.header("If-Modified-Since", date);
        }
        let response = request.call().map_err(|e| failure(&e, &at))?;
        let status = response.status().as_u16();
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            break response;
        }
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Failure {
                message: format!("HTTP {status} (a redirect) without a Location"),
                retry: false,
            })?;
        let next = resolve(&at, location);
        redirects += 1;
        if redirects > MAX_REDIRECTS {
            return Err(Failure {
                message: format!("more than {MAX_REDIRECTS} redirects (the last to {next})"),
                retry: false,
            });
        }
        if let Some(why) = refused(&next, http.allow_http) {
            return Err(Failure {
                message: format!("redirected from {at} to {next}, refused: {why}"),
                retry: false,
            });
        }
        at = next;
    };
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
    let max_bytes = http.max_bytes;
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
        .map_err(|e| failure(&e, &at))?;
    Ok(Fetched::Body { bytes, validators })
}

/// The certificates of a PEM file (`http.ca_file`), as the roots to trust.
fn trusted(path: &std::path::Path) -> Result<ureq::tls::RootCerts, String> {
    let shown = path.display();
    let pem = std::fs::read(path).map_err(|e| format!("cannot read http.ca_file {shown}: {e}"))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => return Err(format!("http.ca_file {shown} is not PEM: {e}")),
        }
    }
    if certs.is_empty() {
        return Err(format!("http.ca_file {shown} holds no certificate"));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

/// A redirect's `Location` made absolute against the URL that gave it.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    if location.starts_with('/') {
        return format!("{}{location}", &base[..path_start]);
    }
    let path = base[path_start..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{}{dir}{location}", &base[..path_start])
}

fn failure(e: &ureq::Error, url: &str) -> Failure {
    use ureq::Error as E;
    match e {
        E::BodyExceedsLimit(limit) => Failure {
            message: format!("the download is over the limit of {limit} bytes (http.max_mb)"),
            retry: false,
        },
        E::Rustls(tls) => Failure {
            message: format!("the TLS connection to {} failed: {tls}", host_of(url)),
            retry: !matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            ),
        },
        E::Decompress(_, io) => Failure {
            message: format!("the download does not unpack (Content-Encoding): {io}"),
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
        E::Io(io)
            if io
                .get_ref()
                .is_some_and(<dyn std::error::Error + Send + Sync>::is::<rustls::Error>) =>
        {
            Failure {
                message: format!("the TLS connection to {} failed: {io}", host_of(url)),
                retry: false,
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

/// The host of a URL, for messages.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_everywhere_and_plain_http_only_to_this_machine() {
        assert_eq!(refused("https://data.opensanctions.org/x.csv", false), None);
        assert_eq!(refused("HTTPS://EXAMPLE.ORG/", false), None);
        for local in [
            "http://127.0.0.1:8080/sdn.csv",
            "http://127.1.2.3/x",
            "http://localhost/x",
            "http://[::1]:99/x",
        ] {
            assert_eq!(refused(local, false), None, "{local}");
        }
        for far in [
            "http://example.org/x",
            "http://127.0.0.1.example.org/x",
            "http://localhost.evil/x",
            "http://user@example.org/",
        ] {
            assert!(refused(far, false).unwrap().contains("--allow-http"), "{far}");
            assert_eq!(refused(far, true), None, "{far}");
        }
        for other in ["ftp://x/y", "file:///etc/passwd", "x.csv", ""] {
            assert!(refused(other, true).unwrap().contains("not an https://"), "{other}");
        }
    }

    #[test]
    fn redirect_locations_resolve_against_the_url_that_gave_them() {
        let base = "https://a.org/lists/x.csv?v=1";
        assert_eq!(resolve(base, "https://b.org/y"), "https://b.org/y");
        assert_eq!(resolve(base, "//c.org/z"), "https://c.org/z");
        assert_eq!(resolve(base, "/top.csv"), "https://a.org/top.csv");
        assert_eq!(resolve(base, "next.csv"), "https://a.org/lists/next.csv");
        assert_eq!(resolve("https://a.org", "n.csv"), "https://a.org/n.csv");
        assert_eq!(host_of(base), "a.org");
    }
}
