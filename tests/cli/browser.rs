//! The HTML dossier in a real browser: headless Chromium opens it from a file, driven
//! over the `DevTools` protocol (a `WebSocket` on 127.0.0.1):
//! no console error, no network request, a marker for every event of the report, every
//! citation in the text, the track's colour on the screenshot where the track is, A4
//! pages when printed, and a vessel name holding `<script>` shown as text.
//!
//! Chromium is Debian's `chromium` (`.ci/run` installs it). Without one on PATH the
//! tests say so and pass, unless `FLEETWATCH_REQUIRE_TOOLS` is set (as CI sets it).

use std::io::{BufRead, Read};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::case_study::jaguar_store;
use crate::{Fw, every, fixture_path};

fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("FLEETWATCH_REQUIRE_TOOLS").is_none(),
            "FLEETWATCH_REQUIRE_TOOLS is set and no chromium is on PATH"
        );
        eprintln!("no chromium on PATH: the browser tests of the dossier did not run (apt-get install chromium)");
    }
    found
}

/// A headless Chromium driven over its `DevTools` `WebSocket`.
struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
    session: Option<String>,
    /// Events received while waiting for answers.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(binary: &str) -> Self {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1100,1400",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium says where its DevTools listen on stderr.
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut ws_url = None;
        for line in stderr.lines() {
            let line = line.unwrap();
            if let Some(at) = line.find("ws://") {
                ws_url = Some(line[at..].trim().to_string());
                break;
            }
        }
        let ws_url = ws_url.expect("chromium prints its DevTools address");
        let host = ws_url["ws://".len()..].split('/').next().unwrap().to_string();
        let stream = TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_mins(1)))
            .unwrap();
        let (socket, _) = tungstenite::client(ws_url.as_str(), stream).expect("DevTools handshake");
        Self {
            child,
            socket,
            next_id: 1,
            session: None,
            events: Vec::new(),
            _profile: profile,
        }
    }

    /// Sends a command (to the page's session once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: &Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session
            && !method.starts_with("Target.")
        {
            msg["sessionId"] = json!(s);
        }
        self.socket.send(tungstenite::Message::text(msg.to_string())).unwrap();
        loop {
            let m = self.read();
            if m["id"] == json!(id) {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    fn read(&mut self) -> Value {
        loop {
            match self.socket.read().expect("chromium answers") {
                tungstenite::Message::Text(t) => return serde_json::from_str(t.as_str()).unwrap(),
                tungstenite::Message::Close(_) => panic!("chromium closed its DevTools socket"),
                _ => {}
            }
        }
    }

    /// Opens a page, attaches to it and waits until it has loaded.
    fn open(&mut self, url: &str) {
        let target = self.call("Target.createTarget", &json!({"url": "about:blank"}));
        let attached = self.call(
            "Target.attachToTarget",
            &json!({"targetId": target["targetId"], "flatten": true}),
        );
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        for domain in ["Runtime.enable", "Log.enable", "Network.enable", "Page.enable"] {
            self.call(domain, &json!({}));
        }
        self.call("Page.navigate", &json!({"url": url}));
        while !self.events.iter().any(|e| e["method"] == "Page.loadEventFired") {
            let m = self.read();
            self.events.push(m);
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            &json!({"expression": expression, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// Console errors, exceptions and error log entries seen so far.
    fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                (e["method"] == "Runtime.consoleAPICalled" && e["params"]["type"] == "error")
                    || e["method"] == "Runtime.exceptionThrown"
                    || (e["method"] == "Log.entryAdded" && e["params"]["entry"]["level"] == "error")
            })
            .map(Value::to_string)
            .collect()
    }

    /// The URLs of requests other than the page itself and inline data.
    fn requests(&self, page: &str) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str())
            .filter(|u| *u != page && !u.starts_with("data:") && *u != "about:blank")
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The pixels (RGB) of an 8-bit RGB or RGBA PNG, with its width.
fn decode_png(bytes: &[u8]) -> (Vec<[u8; 3]>, usize) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let (mut at, mut idat, mut width, mut channels) = (8, Vec::new(), 0usize, 0usize);
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[..4].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "8-bit");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..]).read_to_end(&mut raw).unwrap();
    let stride = width * channels;
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::new();
    for line in raw.chunks(stride + 1) {
        let (filter, data) = (line[0], &line[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= channels { cur[i - channels] } else { 0 };
            let (b, c) = (prev[i], if i >= channels { prev[i - channels] } else { 0 });
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => u8::midpoint(a, b),
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            cur[i] = data[i].wrapping_add(predicted);
        }
        pixels.extend(cur.chunks(channels).map(|p| [p[0], p[1], p[2]]));
        prev = cur;
    }
    (pixels, width)
}

fn dossier(fw: &Fw, query: &str, name: &str) -> (std::path::PathBuf, Value) {
    let run = fw.run(&["report", "vessel", query, "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = fw.dir.path().join(name);
    std::fs::write(&path, &run.stdout).unwrap();
    let json = fw.run(&["report", "vessel", query, "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    (path, serde_json::from_str(&json.stdout).unwrap())
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn the_jaguar_dossier_opens_in_a_browser_whole() {
    let Some(binary) = chromium() else { return };
    let fw = jaguar_store();
    let (path, json) = dossier(&fw, "9293002", "argent.html");
    let page = url(&path);
    let mut browser = Browser::launch(binary);
    browser.open(&page);
    assert_eq!(browser.errors(), Vec::<String>::new(), "console errors");
    assert_eq!(browser.requests(&page), Vec::<String>::new(), "network requests");

    // A marker for every event: each port call, gap, encounter, loitering, anomaly.
    let v = &json[0];
    let count = |k: &str| v[k].as_array().map_or(0, Vec::len);
    let expected = json!({
        "call": count("port_calls"),
        "gap": count("gaps"),
        "encounter": count("encounters"),
        "loitering": count("loitering"),
        "anomaly": count("anomalies"),
    });
    let shown = browser.eval(
        "JSON.stringify(Object.fromEntries(['call','gap','encounter','loitering','anomaly'].map(k => [k, document.querySelectorAll('svg.map .marker[data-kind=\"' + k + '\"]').length])))",
    );
    assert_eq!(
        serde_json::from_str::<Value>(shown.as_str().unwrap()).unwrap(),
        expected
    );
    assert_eq!(expected["call"], 3, "Ust-Luga, Sikka, Primorsk");

    // Every citation, as the profile gives it, is in the text.
    let text = browser.eval("document.body.innerText");
    let text = text.as_str().unwrap();
    let citations: Vec<&str> = v["listings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["citation"].as_str().unwrap())
        .collect();
    assert_eq!(citations.len(), 2, "EU and UK");
    for c in citations {
        assert!(text.contains(c), "missing citation: {c}");
    }

    // The track's colour is on the screenshot where the track is drawn (halfway along
    // one of its drawn edges, away from the markers at its vertices).
    let at = browser.eval(
        "(() => { const l = [...document.querySelectorAll('svg.map polyline.track')].sort((a, b) => b.points.numberOfItems - a.points.numberOfItems)[0]; \
         l.scrollIntoView({block: 'center'}); const m = l.getScreenCTM(); const k = Math.floor(l.points.numberOfItems / 3), a = l.points.getItem(k), c = l.points.getItem(k + 1); \
         const p = {x: (a.x + c.x) / 2, y: (a.y + c.y) / 2}; \
         return JSON.stringify({x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f, colour: l.getAttribute('stroke'), w: innerWidth, h: innerHeight}); })()",
    );
    let at: Value = serde_json::from_str(at.as_str().unwrap()).unwrap();
    let shot = browser.call("Page.captureScreenshot", &json!({"format": "png"}));
    let png = base64_decode(shot["data"].as_str().unwrap());
    let (pixels, width) = decode_png(&png);
    if let Some(dir) = std::env::var_os("FLEETWATCH_KEEP_SCREENSHOT") {
        std::fs::write(Path::new(&dir).join("dossier.png"), &png).unwrap();
        eprintln!("{at} width {width} height {}", pixels.len() / width);
    }
    let hex = at["colour"].as_str().unwrap();
    let want: Vec<u8> = (0..3)
        .map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap())
        .collect();
    let near = |p: &[u8; 3]| (0..3).all(|i| p[i].abs_diff(want[i]) <= 40);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "pixel coordinates"
    )]
    let (x, y) = (
        at["x"].as_f64().unwrap().round() as usize,
        at["y"].as_f64().unwrap().round() as usize,
    );
    let around = (y.saturating_sub(3)..=y + 3)
        .flat_map(|yy| (x.saturating_sub(3)..=x + 3).map(move |xx| (xx, yy)))
        .filter_map(|(xx, yy)| pixels.get(yy * width + xx))
        .filter(|p| near(p))
        .count();
    assert!(around > 0, "no pixel of the track's colour {hex} around ({x}, {y})");
    let coloured = pixels.iter().filter(|p| near(p)).count();
    assert!(coloured > 50, "the track is {coloured} pixels");
    let distinct: std::collections::BTreeSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(distinct.len() > 20, "a blank screenshot ({} colours)", distinct.len());

    // It prints on A4 pages (595 x 842 points), as its style asks.
    let pdf = browser.call(
        "Page.printToPDF",
        &json!({"preferCSSPageSize": true, "printBackground": true}),
    );
    let pdf = base64_decode(pdf["data"].as_str().unwrap());
    let text = String::from_utf8_lossy(&pdf);
    if let Some(dir) = std::env::var_os("FLEETWATCH_KEEP_SCREENSHOT") {
        std::fs::write(Path::new(&dir).join("dossier.pdf"), &pdf).unwrap();
    }
    assert!(text.starts_with("%PDF-"));
    let boxes: Vec<(f64, f64)> = text
        .match_indices("/MediaBox [0 0 ")
        .filter_map(|(i, m)| {
            let mut n = text[i + m.len()..].split([' ', ']']).map(str::parse::<f64>);
            Some((n.next()?.ok()?, n.next()?.ok()?))
        })
        .collect();
    assert!((2..=12).contains(&boxes.len()), "{} pages", boxes.len());
    assert!(
        every(&boxes, |(w, h)| (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0),
        "{boxes:?}"
    );
}

#[test]
fn a_name_holding_a_script_is_shown_as_text() {
    let Some(binary) = chromium() else { return };
    let fw = Fw::new();
    let records = fixture_path("records/hostile_names_HANDWRITTEN.csv");
    let run = fw.run(&["--quiet", "ingest", records.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (path, _) = dossier(&fw, "9074729", "hostile.html");
    let page = url(&path);
    let mut b = Browser::launch(binary);
    b.open(&page);
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
    // Names are kept in their identity form (upper case); as markup, it would have run.
    let h1 = b.eval("document.querySelector('h1').textContent");
    assert_eq!(h1, json!("<SCRIPT>WINDOW.PWNED=1</SCRIPT>"));
    assert_eq!(
        b.eval("document.scripts.length"),
        json!(1),
        "the dossier's own script alone"
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s.bytes().filter(|c| *c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().fold(0u32, |n, d| (n << 6) | u32::from(*d)) << (6 * (4 - c.len()));
            let bytes = n.to_be_bytes();
            bytes[1..c.len()].to_vec()
        })
        .collect()
}
