//! What the collector's CLI tests share: running the binary.
// Each test binary compiles this module and uses a part of it.
#![allow(dead_code)]
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

/// Runs `tierlens` with `args` to its end.
pub fn tierlens(args: &[&str]) -> Run {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(args)
        .output()
        .unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: t.elapsed(),
    }
}
