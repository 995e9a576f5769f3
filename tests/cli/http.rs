//! A small HTTP/1.1 server on 127.0.0.1 for the refresh tests: each path serves what
//! the test last set for it, well or badly (an error status, a stall, a body cut
//! short), and every request is recorded.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
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
    pub(crate) fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = Self {
            base,
            routes: Arc::default(),
            seen: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.answer(stream));
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

    fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                break;
            }
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
        };
    }
}

fn respond(out: &mut TcpStream, code: u16, headers: &[(&str, &str)], body: &[u8]) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
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
