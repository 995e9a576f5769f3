//! A small HTTP/1.1 server on loopback for the refresh tests, plain or over TLS (the
//! test certificates of `tests/fixtures/tls`): each path serves what the test last set
//! for it, well or badly (an error status, a stall, a body cut short, a redirect, a
//! gzip bomb, a body without end), and every request is recorded.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a path answers.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// 200 with the body; a request whose `If-None-Match` names the `ETag` gets a 304.
    File { body: Vec<u8>, etag: String },
    /// This status, with a short text body.
    Status(u16),
    /// Headers announcing the body, then a few bytes, then silence for a minute.
    Stall,
    /// Headers announcing more bytes than are sent, then the connection closes.
    Truncated(Vec<u8>),
    /// 302 to this location.
    Redirect(String),
    /// 200 with `Content-Encoding: gzip` and these (compressed) bytes.
    Gzip(Vec<u8>),
    /// 200 without a length, then bytes until the client hangs up.
    Endless,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) path: String,
    pub(crate) headers: HashMap<String, String>,
}

#[derive(Clone)]
pub(crate) struct Server {
    pub(crate) base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Plain HTTP on 127.0.0.1.
    pub(crate) fn start() -> Self {
        Self::listen("127.0.0.1", None)
    }

    /// HTTPS on `ip` (a loopback address), with the test server certificate, which is
    /// for `localhost` and 127.0.0.1 and signed by the test CA (`tls/ca.pem`).
    pub(crate) fn start_tls(ip: &str) -> Self {
        Self::listen(ip, Some(tls_config()))
    }

    fn listen(ip: &str, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind((ip, 0)).expect("a local port");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base = format!("{scheme}://{}", listener.local_addr().unwrap());
        let server = Self {
            base,
            routes: Arc::default(),
            seen: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (s, tls) = (s.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => s.answer(stream),
                    Some(config) => {
                        let Ok(conn) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        s.answer(rustls::StreamOwned::new(conn, stream));
                    }
                });
            }
        });
        server
    }

    pub(crate) fn set(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The requests for `path` so far.
    pub(crate) fn requests(&self, path: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    fn answer(&self, mut stream: impl Read + Write) {
        // The request head, a byte at a time (the body of a GET is empty).
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let mut lines = head.lines();
        let path = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("/")
            .to_string();
        let mut headers = HashMap::new();
        for h in lines.take_while(|h| !h.trim().is_empty()) {
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let reply = self.routes.lock().unwrap().get(&path).cloned();
        self.seen.lock().unwrap().push(Seen {
            path,
            headers: headers.clone(),
        });
        let mut out = stream;
        let _ = match reply {
            None => respond(&mut out, 404, &[], b"no such file"),
            Some(Reply::File { body, etag }) => {
                if headers.get("if-none-match") == Some(&etag) {
                    respond(&mut out, 304, &[("ETag", &etag)], b"")
                } else {
                    respond(&mut out, 200, &[("ETag", &etag)], &body)
                }
            }
            Some(Reply::Status(code)) => respond(&mut out, code, &[], b"server trouble"),
            Some(Reply::Stall) => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\nID,Name");
                let _ = out.flush();
                std::thread::sleep(Duration::from_mins(1));
                Ok(())
            }
            Some(Reply::Truncated(body)) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len() + 5000
                );
                out.write_all(head.as_bytes()).and_then(|()| out.write_all(&body))
            }
            Some(Reply::Redirect(to)) => respond(&mut out, 302, &[("Location", &to)], b"moved"),
            Some(Reply::Gzip(body)) => respond(&mut out, 200, &[("Content-Encoding", "gzip")], &body),
            Some(Reply::Endless) => {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
                let line = b"ent_num,name,type,program\n".repeat(4096);
                while out.write_all(&line).is_ok() {}
                Ok(())
            }
        };
    }
}

/// The TLS server settings: the test server certificate and key.
fn tls_config() -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = super::fixture_path("tls");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    Arc::new(config)
}

fn respond(out: &mut impl Write, code: u16, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "Error",
    };
    let mut head = format!("HTTP/1.1 {code} {reason}\r\nConnection: close\r\n");
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    if code != 304 {
        let _ = write!(head, "Content-Length: {}\r\n", body.len());
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(body)?;
    out.flush()
}
