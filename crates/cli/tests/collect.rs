//! `tierlens collect` against peers that are not (working) brokers: it must end, say what
//! happened, and never print a credential. (The broker end to end is `collect_tansu.rs`.)
mod common;

use common::tierlens;
use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

/// A loopback listener that accepts connections and reads them; `answer` decides what then
/// happens: keep silent (`false`), or close at once (`true`).
fn peer(close: bool) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().flatten() {
            if close {
                drop(s);
            } else {
                held.push(s);
                let mut buf = [0u8; 1024];
                let _ = held.last_mut().unwrap().read(&mut buf);
            }
        }
    });
    addr
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("collect");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_peer_that_never_answers_times_out_instead_of_hanging() {
    let addr = peer(false);
    let run = tierlens(&["collect", "--bootstrap", &addr, "--timeout", "1s"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{addr}: no answer to ApiVersions within the timeout"
        )),
        "{}",
        run.stderr
    );
    assert!(run.elapsed < Duration::from_secs(8), "{:?}", run.elapsed);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_peer_that_closes_at_once_hints_at_the_listener_s_protocol() {
    let addr = peer(true);
    let run = tierlens(&["collect", "--bootstrap", &addr, "--timeout", "2s"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is this a TLS or SASL listener"),
        "{}",
        run.stderr
    );
}

#[test]
fn credentials_never_reach_errors_or_output() {
    let secret = "s3cr3t-Pa55word";
    let addr = peer(true);
    let config = scratch(
        "sasl.properties",
        &format!(
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n\
             sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
             username=\"alice\" password=\"{secret}\";\n"
        ),
    );
    let run = tierlens(&[
        "collect",
        "--bootstrap",
        &addr,
        "--timeout",
        "2s",
        "--command-config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(!run.stderr.contains(secret), "{}", run.stderr);
    assert!(!run.stdout.contains(secret));

    // A config tierlens cannot honour is refused before connecting, naming the key only.
    let kerberos = scratch(
        "gssapi.properties",
        &format!(
            "security.protocol=SASL_SSL\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required password=\"{secret}\";\n"
        ),
    );
    let run = tierlens(&[
        "collect",
        "--bootstrap",
        &addr,
        "--command-config",
        kerberos.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("GSSAPI"), "{}", run.stderr);
    assert!(!run.stderr.contains(secret), "{}", run.stderr);
}

#[test]
fn nothing_listening_is_a_quick_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = tierlens(&[
        "collect",
        "--bootstrap",
        &format!("127.0.0.1:{port}"),
        "--timeout",
        "3s",
    ]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot connect"), "{}", run.stderr);
    let run = tierlens(&["collect", "--bootstrap", "no-port"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("\"no-port\" is not HOST:PORT"),
        "{}",
        run.stderr
    );
}
