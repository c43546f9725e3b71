//! `tierlens`: remote log sizes and retention plans from the command line, for scripts and CI.
//! The same core as the dashboard, so the numbers are the same.
mod args;

use args::{Args, ArgsError, Command};
use std::process::ExitCode;
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{PlanIndex, Policy};
use tierlens_core::size::sizes;
use tierlens_core::units::{format_bytes, parse_config_value};
use tierlens_core::{ConfigKey, Loaded, SnapshotSource, StreamLoader};

/// Everything that ends the program with exit code 2, each with its message.
#[derive(Debug)]
enum CliError {
    Usage(String),
    Read(String, std::io::Error),
    Load(String, tierlens_core::LoadError),
    Version(String),
    NowRequired,
    UnknownTopic(String),
    UnknownKey(String),
    BadValue(String, String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) => write!(f, "{m}\n\n{}", args::USAGE),
            CliError::Read(p, e) => write!(f, "cannot read {p}: {e}"),
            CliError::Load(p, e) => write!(f, "{p}: {e}"),
            CliError::Version(m) => write!(f, "--kafka-version: {m}"),
            CliError::NowRequired => write!(
                f,
                "a formatter dump carries no capture time: pass --now MS (epoch milliseconds)"
            ),
            CliError::UnknownTopic(t) => write!(f, "--set: the snapshot has no topic {t:?}"),
            CliError::UnknownKey(k) => write!(
                f,
                "--set: {k:?} is not a retention config (retention.ms, retention.bytes, local.retention.ms, local.retention.bytes)"
            ),
            CliError::BadValue(k, e) => write!(f, "--set {k}: {e}"),
        }
    }
}

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(ArgsError::Help) => {
            print!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(ArgsError::Usage(m)) => return fail(CliError::Usage(m)),
    };
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn fail(e: CliError) -> ExitCode {
    eprintln!("tierlens: {e}");
    ExitCode::from(2)
}

/// Streams the file through the loader in 1 MiB reads: the whole file is never held, as in the
/// browser.
fn read_snapshot(file: &std::path::Path, path: &str) -> Result<Loaded, CliError> {
    use std::io::Read;
    let read_err = |e| CliError::Read(path.to_string(), e);
    let load_err = |e| CliError::Load(path.to_string(), e);
    let mut file = std::fs::File::open(file).map_err(read_err)?;
    let mut loader = StreamLoader::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_err(e)),
        };
        loader.feed(&buf[..n]).map_err(load_err)?;
    }
    loader.finish().map_err(load_err)
}

/// Loads the file, resolves the profile and policy, and renders the requested report.
fn run(args: &Args) -> Result<String, CliError> {
    let path = args.file.display().to_string();
    let Loaded { snapshot, problems } = read_snapshot(&args.file, &path)?;
    for p in &problems {
        eprintln!("tierlens: warning: {p}");
    }
    let profile = match &args.kafka_version {
        Some(v) => {
            let (p, note) =
                KafkaVersion::parse_with_note(v).map_err(|e| CliError::Version(e.to_string()))?;
            if let Some(n) = note {
                eprintln!("tierlens: note: {n}");
            }
            p
        }
        None => KafkaVersion::for_snapshot(snapshot.kafka_version.as_deref()).0,
    };
    match args.command {
        Command::Size => {
            let report = sizes(&snapshot, profile);
            Ok(if args.json {
                json(&report)
            } else {
                size_table(&report)
            })
        }
        Command::Plan => {
            let now = match (args.now, snapshot.source) {
                (Some(n), _) => n,
                (None, SnapshotSource::FormatterDump) => return Err(CliError::NowRequired),
                (None, SnapshotSource::SnapshotJson) => snapshot.captured_at_ms,
            };
            let mut policy = Policy::new(profile);
            for s in &args.sets {
                if snapshot.topic(&s.topic).is_none() {
                    return Err(CliError::UnknownTopic(s.topic.clone()));
                }
                let key: ConfigKey = s
                    .key
                    .parse()
                    .map_err(|_| CliError::UnknownKey(s.key.clone()))?;
                let v = parse_config_value(key, &s.value).map_err(|e| {
                    CliError::BadValue(format!("{}:{}", s.topic, s.key), e.to_string())
                })?;
                policy.set(&s.topic, key, v);
            }
            let plan = PlanIndex::build(&snapshot, profile).plan(&policy, now);
            Ok(if args.json {
                json(&plan)
            } else {
                plan_table(&plan)
            })
        }
    }
}

fn json<T: serde::Serialize>(v: &T) -> String {
    // Serializing plain structs cannot fail.
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn plan_table(plan: &tierlens_core::retention::Plan) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "profile {} · expiration run at {} ms\n",
        plan.profile.label(),
        plan.now_ms
    );
    let _ = writeln!(
        out,
        "{:<40} {:>12} {:>12} {:>8} {:>12} {:>16}",
        "partition", "remote", "retention", "deletes", "frees", "log start after"
    );
    for p in &plan.partitions {
        let name = format!("{}-{}", p.topic, p.partition);
        let _ = writeln!(
            out,
            "{:<40} {:>12} {:>12} {:>8} {:>12} {:>16}{}",
            name,
            format_bytes(p.remote_log_size_bytes),
            format_bytes(p.retention_size_bytes),
            p.segments_deleted,
            format_bytes(p.bytes_freed),
            p.log_start_offset_after,
            p.error
                .as_ref()
                .map(|e| format!("  ! {}", e.message))
                .unwrap_or_default()
        );
    }
    let t = &plan.totals;
    let _ = writeln!(
        out,
        "\ntotal: {} partitions, remote {}, retention total {}, deletes {} segments, frees {}, remote after {}",
        t.partitions,
        format_bytes(t.remote_log_size_bytes),
        format_bytes(t.retention_size_bytes),
        t.segments_deleted,
        format_bytes(t.bytes_freed),
        format_bytes(t.remote_size_after)
    );
    out
}

fn size_table(r: &tierlens_core::size::SizeReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "profile {}\n", r.profile.label());
    let _ = writeln!(
        out,
        "{:<40} {:>10} {:>14} {:>14}",
        "topic", "segments", "RemoteLogSize", "retention"
    );
    for t in &r.topics {
        let _ = writeln!(
            out,
            "{:<40} {:>10} {:>14} {:>14}",
            t.topic,
            t.sizes.remote_log_metadata_count,
            format_bytes(t.sizes.remote_log_size_bytes),
            format_bytes(t.sizes.retention_size_bytes)
        );
    }
    let c = &r.cluster;
    let _ = writeln!(
        out,
        "\ntotal: {} segments, RemoteLogSizeBytes {} ({} bytes), retention total {}",
        c.remote_log_metadata_count,
        format_bytes(c.remote_log_size_bytes),
        c.remote_log_size_bytes,
        format_bytes(c.retention_size_bytes)
    );
    out
}
