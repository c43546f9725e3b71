//! `tierlens`: remote log sizes and retention plans from the command line, for scripts and CI.
//! The same core as the dashboard, so the numbers are the same.
mod args;
mod collect;
mod reconcile;

use args::{Args, Command};
use std::io::IsTerminal;
use std::process::ExitCode;
use tierlens_core::forecast::cost::{cluster_sentence, cost, format_usd, CostReport};
use tierlens_core::forecast::{
    estimate_rates, forecast, summary_sentence, Forecast, ForecastOptions, Prices, Which,
};
use tierlens_core::profile::KafkaVersion;
use tierlens_core::retention::{PlanIndex, Policy};
use tierlens_core::size::sizes;
use tierlens_core::units::{format_bytes, parse_config_value};
use tierlens_core::{ConfigKey, LoadError, Loaded, Problem, SnapshotSource, StreamLoader};

/// Exit status: the report was written but the loader dropped records of the input (a bad
/// segment, line or update), so totals may be short. `--accept-dropped` turns it into 0.
pub(crate) const EXIT_DROPPED: u8 = 3;
/// Exit status of every refusal ([`CliError`]) and of clap's usage errors.
pub(crate) const EXIT_REFUSED: u8 = 2;

/// Everything that ends the program with exit code 2, each with its message.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0}: {1}")]
    Load(String, LoadError),
    #[error("--kafka-version: {0}")]
    Version(String),
    #[error("a formatter dump carries no capture time: pass --now MS (epoch milliseconds)")]
    NowRequired,
    #[error("--set: the snapshot has no topic {0:?}")]
    UnknownTopic(String),
    #[error("--set: {0:?} is not a retention config (retention.ms, retention.bytes, local.retention.ms, local.retention.bytes)")]
    UnknownKey(String),
    #[error("--set {0}: {1}")]
    BadValue(String, String),
    #[error("{0}: {1}")]
    Listing(String, tierlens_core::leaks::listing::ListingError),
    #[error("{0}: {1}")]
    Metrics(String, tierlens_core::leaks::metrics::MetricsError),
    #[error("reconcile: {0}")]
    Reconcile(tierlens_core::leaks::reconcile::ReconcileError),
}

fn main() -> ExitCode {
    let args = match args::parse(std::env::args_os().skip(1)) {
        Ok(args::Invocation::Report(a)) => a,
        Ok(args::Invocation::Collect(c)) => return collect::run(&c),
        // `tierlens` alone prints the help, as `--help` does, and is no error.
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            print!("{}", e.render());
            return ExitCode::SUCCESS;
        }
        Err(e) => e.exit(),
    };
    match run(&args) {
        Ok(report) => {
            print!("{}", report.out);
            if report.dropped > 0 && !args.accept_dropped {
                eprintln!(
                    "tierlens: {} of the input dropped (see above); the report leaves them out. Exit status {EXIT_DROPPED}; pass --accept-dropped to exit 0.",
                    tierlens_core::units::counted(report.dropped as u64, "record")
                );
                return ExitCode::from(EXIT_DROPPED);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

fn fail(e: CliError) -> ExitCode {
    eprintln!("tierlens: {e}");
    if let CliError::Load(_, LoadError::TooLarge { .. }) = e {
        eprintln!("tierlens: raise the limit with --max-input-size, e.g. --max-input-size 8GiB (-1: none)");
    }
    ExitCode::from(EXIT_REFUSED)
}

/// Files at least this large show a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 << 20;

/// A progress bar on stderr of the bytes read of the file's size, with the segments parsed;
/// hidden when stderr is not a terminal (pipes, tests) or the file is small.
fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    let Some(len) = len.filter(|&l| l >= PROGRESS_FROM_BYTES) else {
        return indicatif::ProgressBar::hidden();
    };
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} reading [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A bar of work done out of `total` on stderr (a terminal only, and only when `show`).
fn work_bar(total: u64, show: bool) -> indicatif::ProgressBar {
    if !show || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {percent}% ({eta}) {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Streams `file` in 1 MiB reads to `feed` (the whole file is never held, as in the browser),
/// with a progress bar whose message `feed` returns; `Err` from either stops the read.
fn read_chunks(
    file: &std::path::Path,
    path: &str,
    mut feed: impl FnMut(&[u8]) -> Result<String, CliError>,
) -> Result<(), CliError> {
    use std::io::Read;
    let read_err = |e| CliError::Read(path.to_string(), e);
    let mut file = std::fs::File::open(file).map_err(read_err)?;
    let bar = progress_bar(file.metadata().ok().map(|m| m.len()));
    let mut buf = vec![0u8; 1 << 20];
    let result = loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(read_err(e)),
        };
        match feed(&buf[..n]) {
            Ok(msg) => {
                bar.inc(n as u64);
                if !bar.is_hidden() {
                    bar.set_message(msg);
                }
            }
            Err(e) => break Err(e),
        }
    };
    bar.finish_and_clear();
    result
}

fn read_snapshot(file: &std::path::Path, path: &str, max_held: u64) -> Result<Loaded, CliError> {
    let load_err = |e| CliError::Load(path.to_string(), e);
    let mut loader = StreamLoader::with_limit(max_held);
    read_chunks(file, path, |chunk| {
        loader.feed(chunk).map_err(load_err)?;
        Ok(format!("{} segments", loader.progress().segments))
    })?;
    loader.finish().map_err(load_err)
}

/// What `run` prints, and how many records of the input were dropped.
struct Report {
    out: String,
    dropped: usize,
}

/// One problem of the input in the JSON report: where (`topic`, `partition`, `id` of the
/// segment, `line` of a dump, byte `offset` of a snapshot segment), what (`kind` and its
/// fields, `message`) and whether data was left out (`dropped`).
#[derive(serde::Serialize)]
struct ProblemJson<'a> {
    #[serde(flatten)]
    problem: &'a Problem,
    message: String,
    dropped: bool,
}

/// Each problem of the input on stderr, as dropped or a warning; returns how many dropped data.
pub(crate) fn print_problems(problems: &[Problem]) -> usize {
    for p in problems {
        let what = if p.kind.drops_data() {
            "dropped"
        } else {
            "warning"
        };
        eprintln!("tierlens: {what}: {p}");
    }
    problems.iter().filter(|p| p.kind.drops_data()).count()
}

/// Loads the file, resolves the profile and policy, and renders the requested report.
fn run(args: &Args) -> Result<Report, CliError> {
    let path = args.file.display().to_string();
    let Loaded { snapshot, problems } = read_snapshot(&args.file, &path, args.max_input_size)?;
    let dropped = print_problems(&problems);
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
    let out = match &args.command {
        Command::Size => {
            let report = sizes(&snapshot, profile);
            if args.json {
                json(&report, &problems)
            } else {
                size_table(&report)
            }
        }
        Command::Plan => {
            let now = now_of(args, &snapshot)?;
            let policy = policy_of(args, &snapshot, profile)?;
            let plan = PlanIndex::build(&snapshot, profile).plan(&policy, now);
            if args.json {
                json(&plan, &problems)
            } else {
                plan_table(&plan)
            }
        }
        &Command::Forecast {
            horizon_ms,
            price_remote,
            price_local,
        } => {
            let now = now_of(args, &snapshot)?;
            let proposed = policy_of(args, &snapshot, profile)?;
            let current = Policy::new(profile);
            let mut prices = Prices::default();
            if let Some(p) = price_remote.filter(|p| p.is_finite() && *p >= 0.0) {
                prices.remote_per_gb_month = p;
            }
            if let Some(p) = price_local.filter(|p| p.is_finite() && *p >= 0.0) {
                prices.local_per_gb_month = p;
            }
            let report = forecast_report(&snapshot, &current, &proposed, now, horizon_ms, prices);
            if args.json {
                json(&report, &problems)
            } else {
                forecast_table(&report)
            }
        }
        Command::Reconcile(r) => {
            let now = now_of(args, &snapshot)?;
            reconcile::run(args, r, &snapshot, profile, now, &problems)?
        }
    };
    Ok(Report { out, dropped })
}

/// The time of the run (or the forecast's start): `--now`, else the snapshot's capture time;
/// a formatter dump has none.
fn now_of(args: &Args, snapshot: &tierlens_core::Snapshot) -> Result<i64, CliError> {
    match (args.now, snapshot.source) {
        (Some(n), _) => Ok(n),
        (None, SnapshotSource::FormatterDump) => Err(CliError::NowRequired),
        (None, SnapshotSource::SnapshotJson) => Ok(snapshot.captured_at_ms),
    }
}

/// The snapshot's configs with the `--set` overrides.
fn policy_of(
    args: &Args,
    snapshot: &tierlens_core::Snapshot,
    profile: KafkaVersion,
) -> Result<Policy, CliError> {
    let mut policy = Policy::new(profile);
    for s in &args.sets {
        if snapshot.topic(&s.topic).is_none() {
            return Err(CliError::UnknownTopic(s.topic.clone()));
        }
        let key: ConfigKey = s
            .key
            .parse()
            .map_err(|_| CliError::UnknownKey(s.key.clone()))?;
        let v = parse_config_value(key, &s.value)
            .map_err(|e| CliError::BadValue(format!("{}:{}", s.topic, s.key), e.to_string()))?;
        policy.set(&s.topic, key, v);
    }
    Ok(policy)
}

/// One summary sentence: the cluster's (`topic` null) or a topic's under one policy.
#[derive(serde::Serialize)]
struct Summary {
    topic: Option<String>,
    policy: Option<&'static str>,
    text: String,
}

/// `tierlens forecast`'s report: the forecast, its cost and the sentences the dashboard shows.
#[derive(serde::Serialize)]
struct ForecastReport {
    forecast: Forecast,
    cost: CostReport,
    summaries: Vec<Summary>,
}

fn forecast_report(
    snapshot: &tierlens_core::Snapshot,
    current: &Policy,
    proposed: &Policy,
    now: i64,
    horizon_ms: i64,
    prices: Prices,
) -> ForecastReport {
    let rates = estimate_rates(snapshot);
    let f = forecast(
        snapshot,
        current,
        proposed,
        &rates,
        &ForecastOptions::new(now, horizon_ms),
    );
    let end = f.now_ms + f.horizon_ms;
    let mut summaries = vec![Summary {
        topic: None,
        policy: None,
        text: cluster_sentence(&f, &prices, end),
    }];
    for t in &f.topics {
        for (which, name) in [(Which::Current, "current"), (Which::Proposed, "proposed")] {
            if let Some(text) = summary_sentence(&f, &prices, &t.topic, which, end) {
                summaries.push(Summary {
                    topic: Some(t.topic.clone()),
                    policy: Some(name),
                    text,
                });
            }
        }
    }
    ForecastReport {
        cost: cost(&f, &prices),
        forecast: f,
        summaries,
    }
}

fn forecast_table(r: &ForecastReport) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "{:<32} {:>12}  {:>26}  {:>21}\n{:<32} {:>12}  {:>12} {:>13}  {:>10} {:>10}\n",
        "",
        "",
        "REMOTE AT THE HORIZON",
        "$ A MONTH THEN",
        "TOPIC",
        "INGEST/S",
        "CURRENT",
        "PROPOSED",
        "CURRENT",
        "PROPOSED"
    );
    for (t, c) in r.forecast.topics.iter().zip(&r.cost.topics) {
        let last = |v: &[i64]| v.last().copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "{:<32} {:>12}  {:>12} {:>13}  {:>10} {:>10}",
            t.topic,
            format_bytes(t.rate.bytes_per_sec.round() as i64),
            format_bytes(last(&t.current.series.remote_bytes)),
            format_bytes(last(&t.proposed.series.remote_bytes)),
            format_usd(c.current.at_horizon.total_usd),
            format_usd(c.proposed.at_horizon.total_usd),
        );
    }
    out.push('\n');
    for s in &r.summaries {
        let _ = writeln!(out, "{}", s.text);
    }
    out.push_str("\nAssumptions:\n");
    for a in r.cost.assumptions.iter() {
        let _ = writeln!(out, "  {a}");
    }
    for a in &r.forecast.assumptions {
        let _ = writeln!(
            out,
            "  {}{}",
            a.topic
                .as_ref()
                .map(|t| format!("{t}: "))
                .unwrap_or_default(),
            a.text
        );
    }
    out
}

/// The report as one JSON object, with the input's `problems` (always present, often empty)
/// and `droppedRecords` (how many of them left data out).
fn json<T: serde::Serialize>(report: &T, problems: &[Problem]) -> String {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct WithProblems<'a, T> {
        #[serde(flatten)]
        report: &'a T,
        problems: Vec<ProblemJson<'a>>,
        dropped_records: usize,
    }
    let problems: Vec<ProblemJson<'_>> = problems
        .iter()
        .map(|p| ProblemJson {
            problem: p,
            message: p.kind.to_string(),
            dropped: p.kind.drops_data(),
        })
        .collect();
    let v = WithProblems {
        report,
        dropped_records: problems.iter().filter(|p| p.dropped).count(),
        problems,
    };
    // Serializing plain structs cannot fail.
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
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
