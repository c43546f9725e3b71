//! `tierlens collect`: a snapshot straight from a cluster, written atomically as snapshot-v1
//! JSON (gzip for `.gz`), with progress on stderr and what the operator should know as notes.
use crate::args::Collect;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tierlens_collect::collect::{collect, CollectError, Options, Progress};
use tierlens_collect::kafka::{KafkaCluster, KafkaError, Settings};
use tierlens_collect::security::{ClientSecurity, SecurityError};
use tierlens_core::ingest::snapshot_v1::to_json;
use tierlens_core::profile::KafkaVersion;

#[derive(Debug, thiserror::Error)]
enum CollectCliError {
    #[error("--command-config: {0}")]
    Security(SecurityError),
    #[error("--kafka-version: {0}")]
    Version(String),
    #[error(transparent)]
    Kafka(KafkaError),
    #[error(transparent)]
    Collect(CollectError<KafkaError>),
    #[error("cannot write {0}: {1}")]
    Write(String, std::io::Error),
}

/// The stages as bars: a spinner for the short requests, a bar of records for the long read.
struct Bars {
    bar: ProgressBar,
}

impl Bars {
    fn new() -> Self {
        let bar = if std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let bars = Bars { bar };
        bars.spinner();
        bars
    }

    fn spinner(&self) {
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            self.bar.set_style(style);
        }
    }
}

impl Progress for Bars {
    fn phase(&mut self, what: &str) {
        let message = match what {
            "metadata" => "reading the cluster's metadata",
            "reading" => "reading __remote_log_metadata",
            "configs" => "DescribeConfigs: retention configs",
            "offsets" => "ListOffsets: earliest, latest, earliest-local",
            other => other,
        };
        if what != "reading" {
            self.spinner();
        }
        self.bar.set_message(message.to_string());
    }

    fn records_total(&mut self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} records ({elapsed}, {eta} left)",
        ) {
            self.bar.set_style(style.progress_chars("=> "));
        }
    }

    fn records_read(&mut self, n: u64) {
        self.bar.inc(n);
    }
}

// Whatever ends the collection (an error too), the bar leaves no line behind.
impl Drop for Bars {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

pub fn run(c: &Collect) -> ExitCode {
    match collect_to_file(c) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tierlens: {e}");
            ExitCode::from(crate::EXIT_REFUSED)
        }
    }
}

fn collect_to_file(c: &Collect) -> Result<ExitCode, CollectCliError> {
    if let Some(v) = &c.kafka_version {
        KafkaVersion::parse_with_note(v).map_err(|e| CollectCliError::Version(e.to_string()))?;
    }
    let security = match &c.command_config {
        Some(path) => ClientSecurity::from_file(path).map_err(CollectCliError::Security)?,
        None => ClientSecurity::plaintext(),
    };
    if !security.ignored_keys().is_empty() {
        eprintln!(
            "tierlens: note: --command-config keys not used by collect: {}",
            security.ignored_keys().join(", ")
        );
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut bars = Bars::new();
    bars.phase("connecting to the bootstrap servers");
    let mut cluster = KafkaCluster::connect(Settings {
        bootstrap: c.bootstrap.clone(),
        security,
        timeout: c.timeout,
        client_id: c.client_id.clone(),
    })
    .map_err(CollectCliError::Kafka)?;
    let options = Options {
        topics: c.topics.clone(),
        cluster_name: c.cluster.clone(),
        kafka_version: c.kafka_version.clone(),
        now_ms,
    };
    let collected = collect(&mut cluster, &options, &mut bars).map_err(CollectCliError::Collect)?;
    drop(bars);

    let snapshot = &collected.loaded.snapshot;
    let json = to_json(snapshot, false);
    match &c.out {
        Some(path) => write_atomically(path, json.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| CollectCliError::Write("standard output".into(), e))?;
        }
    }

    let segments = snapshot.segment_count();
    let partitions: usize = snapshot.topics.iter().map(|t| t.partitions.len()).sum();
    eprintln!(
        "tierlens: collected {} topic(s), {partitions} partition(s), {segments} segment(s) from {} metadata record(s){}",
        snapshot.topics.len(),
        collected.records,
        c.out
            .as_ref()
            .map(|p| format!(" into {}", p.display()))
            .unwrap_or_default()
    );
    for n in &collected.notes {
        eprintln!("tierlens: note: {n}");
    }
    let dropped = crate::print_problems(&collected.loaded.problems);
    if dropped > 0 && !c.accept_dropped {
        eprintln!(
            "tierlens: {dropped} metadata record(s) dropped in the replay (see above); the snapshot was written without them. Exit status {}; pass --accept-dropped to exit 0.",
            crate::EXIT_DROPPED
        );
        return Ok(ExitCode::from(crate::EXIT_DROPPED));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` (gzipped for a `.gz` name) to a temporary file beside `path`, then renames
/// it over `path`: a dashboard polling the file never reads half a snapshot.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CollectCliError> {
    let shown = path.display().to_string();
    let err = |e| CollectCliError::Write(shown.clone(), e);
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp: PathBuf = path.with_file_name(tmp_name);
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(file);
        if path.extension().is_some_and(|e| e == "gz") {
            let mut gz = flate2::write::GzEncoder::new(&mut w, flate2::Compression::default());
            gz.write_all(bytes)?;
            gz.finish()?;
        } else {
            w.write_all(bytes)?;
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}
