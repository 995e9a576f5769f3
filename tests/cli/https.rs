//! `refresh` over real TLS on loopback (the test CA of `tests/fixtures/tls`): a trusted
//! download, certificate errors that say so and are not retried, plain `http://` only
//! to this machine or with `--allow-http`, redirects bounded and checked, and the size
//! limit holding against a gzip bomb and a body without end.

use std::io::Write as _;

use super::fixture_path;
use super::http::{Reply, Server};
use super::refresh::{bundled_ofac, file, ofac_2023, ofac_in_force, setup_on};

fn ca_file() -> String {
    format!("\"{}\"", fixture_path("tls/ca.pem").display())
}

#[test]
fn https_with_the_mirrors_ca_downloads_and_an_unknown_issuer_is_a_clear_error() {
    let (fw, server) = setup_on(Server::start_tls("127.0.0.1"), &[("ca_file", &ca_file())]);
    assert!(server.url("/sdn.csv").starts_with("https://127.0.0.1:"));
    server.set("/sdn.csv", file(ofac_2023(), "a"));
    let run = fw.run(&["refresh", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ne!(ofac_in_force(&fw), bundled_ofac());

    // The bundled Mozilla roots do not know the test CA.
    let (fw, server) = setup_on(Server::start_tls("127.0.0.1"), &[]);
    server.set("/sdn.csv", file(ofac_2023(), "a"));
    let run = fw.run(&["refresh", "--force"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let host = server.url("").trim_start_matches("https://").to_string();
    assert!(
        run.stderr.contains(&format!("the TLS connection to {host} failed")) && run.stderr.contains("UnknownIssuer"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("(after 1 attempt)"), "retried: {}", run.stderr);
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn a_certificate_for_another_name_is_refused() {
    // The test certificate is for localhost and 127.0.0.1; this server is on 127.0.0.2.
    let (fw, server) = setup_on(Server::start_tls("127.0.0.2"), &[("ca_file", &ca_file())]);
    server.set("/sdn.csv", file(ofac_2023(), "a"));
    let run = fw.run(&["refresh", "--force"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("certificate not valid for name \"127.0.0.2\""),
        "{}",
        run.stderr
    );
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn plain_http_is_only_for_this_machine_unless_allowed() {
    let (fw, _server) = setup_on(Server::start(), &[("retries", "0")]);
    for url in ["http://lists.example.org/sdn.csv", "ftp://lists.example.org/sdn.csv"] {
        let run = fw.run(&["refresh", "ofac", "--url", url]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(run.stderr.contains(url), "{}", run.stderr);
    }
    let run = fw.run(&["refresh", "ofac", "--url", "http://lists.example.org/sdn.csv"]);
    assert!(run.stderr.contains("--allow-http"), "{}", run.stderr);
    // Allowed, the download is tried (this machine has no route out: it fails there).
    let run = fw.run(&[
        "refresh",
        "ofac",
        "--allow-http",
        "--url",
        "http://lists.example.org/sdn.csv",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(!run.stderr.contains("--allow-http"), "{}", run.stderr);
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn redirects_are_followed_a_few_times_and_never_to_plain_http_elsewhere() {
    let (fw, server) = setup_on(Server::start_tls("127.0.0.1"), &[("ca_file", &ca_file())]);
    // Two hops, one relative and one absolute, reach the file.
    server.set("/sdn.csv", Reply::Redirect("/moved/once.csv".into()));
    server.set("/moved/once.csv", Reply::Redirect(server.url("/final.csv")));
    server.set("/final.csv", file(ofac_2023(), "f"));
    let run = fw.run(&["refresh", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.requests("/final.csv").len(), 1);

    // A loop: refused after five hops, without retrying.
    let (fw, server) = setup_on(Server::start_tls("127.0.0.1"), &[("ca_file", &ca_file())]);
    server.set("/sdn.csv", Reply::Redirect("/sdn.csv".into()));
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("more than 5 redirects"), "{}", run.stderr);
    assert_eq!(server.requests("/sdn.csv").len(), 6);

    // From HTTPS down to plain HTTP on another machine: refused before it is asked.
    server.set("/sdn.csv", Reply::Redirect("http://lists.example.org/sdn.csv".into()));
    let run = fw.run(&["refresh"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("redirected from") && run.stderr.contains("--allow-http"),
        "{}",
        run.stderr
    );
    assert_eq!(ofac_in_force(&fw), bundled_ofac());
}

#[test]
fn a_gzip_bomb_and_an_endless_body_stop_at_the_size_limit() {
    // 256 MiB of zeros in under 3 MB, served as Content-Encoding: gzip.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 4 << 20, "{}", bomb.len());
    for (name, reply) in [("gzip bomb", Reply::Gzip(bomb)), ("endless", Reply::Endless)] {
        let (fw, server) = setup_on(Server::start(), &[("max_mb", "5")]);
        server.set("/sdn.csv", reply);
        let run = fw.run(&["refresh"]);
        assert_eq!(run.code, 3, "{name}: {}", run.stderr);
        assert!(run.stderr.contains("over the limit"), "{name}: {}", run.stderr);
        assert_eq!(server.requests("/sdn.csv").len(), 1, "{name}: retried");
        assert_eq!(ofac_in_force(&fw), bundled_ofac(), "{name}");
    }
}
