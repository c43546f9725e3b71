//! Command-line arguments: declared with clap's derive, validated here (values parsed into
//! domain types, `TOPIC:KEY=VALUE` split), turned into a snapshot report by `main`.
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use tierlens_core::leaks::layout::Layout;
use tierlens_core::units::parse_bytes;

const AFTER_HELP: &str = "\
FILE is a tierlens snapshot (JSON or .json.gz) or the text Kafka's RemoteLogMetadataFormatter
or kafka-dump-log.sh prints for __remote_log_metadata. A LISTING (reconcile) is the output of
aws s3api list-objects-v2 / list-multipart-uploads, aws s3 ls --recursive, gcloud storage ls -l
(gsutil ls -l), az storage blob list, or mc ls --recursive --json (gzip accepted).

Exit status: 0 ok; 2 refused (bad arguments, unreadable or invalid input, input over
--max-input-size); 3 the report was written but records of the input were dropped (listed on
stderr, and under \"problems\" with --json), unless --accept-dropped.";

#[derive(Debug, Parser)]
#[command(
    name = "tierlens",
    version,
    about = "tierlens: Kafka tiered-storage remote log size and retention plans",
    after_help = AFTER_HELP,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// What the next remote-log expiration run deletes, per partition (with --set: under
    /// proposed configs).
    Plan {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        proposal: Proposal,
    },
    /// Remote log size (RemoteLogSizeBytes and the retention total) per topic and cluster.
    Size {
        #[command(flatten)]
        common: Common,
    },
    /// Remote and local size, deletions and cost forward in time, under the current configs
    /// and (with --set) proposed ones, from ingest rates estimated from the snapshot.
    Forecast {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        proposal: Proposal,
        /// How far to look ahead: 7d to 2y (units: d, h, w; 1y = 365d, 2y = 730d).
        #[arg(long, value_name = "DURATION", default_value = "90d", value_parser = parse_horizon)]
        horizon: i64,
        /// Remote storage price, USD per GB-month (default 0.023: an assumption).
        #[arg(long, value_name = "USD")]
        price_remote: Option<f64>,
        /// Local storage price, USD per GB-month per replica (default 0.08: an assumption).
        #[arg(long, value_name = "USD")]
        price_local: Option<f64>,
    },
    /// Reconcile the metadata with a bucket listing: orphan objects, missing objects (data
    /// loss), dangling uploads and deletions, foreign keys, segments outside the lineage;
    /// bytes and monthly cost of each; RemoteLogSizeBytes drift (--metrics). Never deletes.
    Reconcile {
        #[command(flatten)]
        common: Common,
        /// Bucket listings, read together (e.g. list-objects-v2 and list-multipart-uploads).
        #[arg(value_name = "LISTING", required = true)]
        listings: Vec<PathBuf>,
        /// The plugin's key layout: aiven, local-tiered-storage or linkedin-azure (default:
        /// detected from the keys).
        #[arg(long, value_name = "LAYOUT", value_parser = parse_layout)]
        layout: Option<Layout>,
        /// The plugin's key prefix (Aiven's key.prefix; default: the one most objects of known
        /// segments are under).
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
        /// Leave alone what is younger than this: uploads and deletions in flight, objects the
        /// snapshot predates (units: 30m, 1h, 2d).
        #[arg(
            long,
            value_name = "DURATION",
            default_value = "1h",
            value_parser = parse_grace,
            allow_hyphen_values = true
        )]
        grace: i64,
        /// The instant ages are measured from, epoch ms (default: the snapshot's capturedAtMs;
        /// required for a formatter dump).
        #[arg(long, value_name = "MS", value_parser = parse_now, allow_negative_numbers = true)]
        now: Option<i64>,
        /// RemoteLogSizeBytes as Prometheus text or a JMX dump, compared with the metadata.
        #[arg(long, value_name = "FILE")]
        metrics: Option<PathBuf>,
        /// Object storage price, USD per GB-month (default 0.023: an assumption).
        #[arg(long, value_name = "USD")]
        price_remote: Option<f64>,
        /// Write the orphan objects' keys (one per line, for review) to this file.
        #[arg(long, value_name = "FILE")]
        deletion_list: Option<PathBuf>,
        /// Keys shown per class in the table (the JSON lists all).
        #[arg(long, value_name = "N", default_value = "10")]
        show: usize,
    },
    /// Collect a snapshot straight from a cluster: consume __remote_log_metadata from its
    /// start, DescribeConfigs for retention.* and local.retention.*, ListOffsets earliest /
    /// latest / earliest-local. Writes snapshot-v1 JSON (gzip for .gz).
    Collect(Collect),
}

/// `collect`'s options (Kafka's own tools' names where they have one).
#[derive(Debug, Clone, clap::Args)]
pub struct Collect {
    /// Brokers to start from: HOST:PORT, comma-separated.
    #[arg(
        long,
        visible_alias = "bootstrap-server",
        value_name = "HOST:PORT",
        required = true,
        value_delimiter = ','
    )]
    pub bootstrap: Vec<String>,
    /// Only topics whose names match this regex (anywhere in the name; anchor with ^...$).
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    pub topics: Option<regex::Regex>,
    /// Where to write the snapshot (.gz: gzip); default: standard output. Written to a
    /// temporary file and renamed, so a reader never sees half a snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Client properties as Kafka's tools take them: security.protocol, sasl.mechanism
    /// (PLAIN, SCRAM-SHA-256/512), sasl.jaas.config, ssl.truststore.* / ssl.keystore.* (PEM).
    #[arg(long, value_name = "FILE")]
    pub command_config: Option<PathBuf>,
    /// Each connect, request and response must happen within this (units: 30s, 2m, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,
    /// The brokers' Kafka release, recorded as the snapshot's kafkaVersion (Kafka does not tell
    /// it over the protocol); picks the version profile.
    #[arg(long, value_name = "V")]
    pub kafka_version: Option<String>,
    /// The snapshot's cluster name (default: the cluster id).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// The client.id the brokers see (quotas, logs).
    #[arg(long, value_name = "ID", default_value = "tierlens-collect")]
    pub client_id: String,
    /// Exit 0 even when metadata records were dropped in the replay (they are still listed).
    #[arg(long)]
    pub accept_dropped: bool,
}

// `Regex` has no `PartialEq`; two patterns are equal when their texts are.
impl PartialEq for Collect {
    fn eq(&self, o: &Self) -> bool {
        self.bootstrap == o.bootstrap
            && self.topics.as_ref().map(|r| r.as_str()) == o.topics.as_ref().map(|r| r.as_str())
            && self.out == o.out
            && self.command_config == o.command_config
            && self.timeout == o.timeout
            && self.kafka_version == o.kafka_version
            && self.cluster == o.cluster
            && self.client_id == o.client_id
            && self.accept_dropped == o.accept_dropped
    }
}

fn parse_regex(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| format!("{s:?} is not a regex: {e}"))
}

fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    match tierlens_core::units::parse_duration_ms(s.trim()) {
        Ok(ms) if ms > 0 => Ok(std::time::Duration::from_millis(ms as u64)),
        Ok(_) => Err(format!("{s:?}: the timeout must be positive")),
        Err(e) => Err(e.to_string()),
    }
}

/// What the command line asks for: a report over a file, or a collection from a cluster.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    Report(Args),
    Collect(Collect),
}

/// When the plan (or the forecast) starts and the configs it proposes: `plan` and `forecast`.
#[derive(Debug, clap::Args)]
struct Proposal {
    /// Time of the expiration run (for `forecast`: its start), epoch ms (default: the
    /// snapshot's capturedAtMs; required for a formatter dump).
    #[arg(long, value_name = "MS", value_parser = parse_now, allow_negative_numbers = true)]
    now: Option<i64>,
    /// Override a topic config: retention.ms, retention.bytes, local.retention.ms,
    /// local.retention.bytes (units: 7d, 36h, 500GiB, -1). Repeatable.
    #[arg(long = "set", value_name = "TOPIC:KEY=VALUE", value_parser = parse_set)]
    sets: Vec<Set>,
}

#[derive(Debug, clap::Args)]
struct Common {
    /// Snapshot JSON (optionally gzip) or a formatter / kafka-dump-log text.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Version profile: 3.6.1-3.7.0, 3.7.1, 3.8.0, 3.8.1-3.9.0, 4.0-4.2, 4.3+ or a release
    /// such as 3.9.0 (default: the snapshot's, else 4.3+).
    #[arg(long, value_name = "V")]
    kafka_version: Option<String>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Exit 0 even when records of the input were dropped (they are still listed).
    #[arg(long)]
    accept_dropped: bool,
    /// Refuse an input once holding it would take more than this much memory (units: 512MiB,
    /// 4GiB, 1G; -1 or unlimited: no limit).
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "2GiB",
        value_parser = parse_max_input_size,
        allow_negative_numbers = true
    )]
    max_input_size: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Plan,
    Size,
    Forecast {
        horizon_ms: i64,
        price_remote: Option<f64>,
        price_local: Option<f64>,
    },
    Reconcile(Reconcile),
}

/// `reconcile`'s own options.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconcile {
    pub listings: Vec<PathBuf>,
    pub layout: Option<Layout>,
    pub prefix: Option<String>,
    pub grace_ms: i64,
    pub metrics: Option<PathBuf>,
    pub price_remote: Option<f64>,
    pub deletion_list: Option<PathBuf>,
    pub show: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub topic: String,
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub command: Command,
    pub file: PathBuf,
    pub now: Option<i64>,
    pub kafka_version: Option<String>,
    pub sets: Vec<Set>,
    pub json: bool,
    /// Dropped records do not change the exit status.
    pub accept_dropped: bool,
    /// `StreamLoader::with_limit`: bytes a load may hold.
    pub max_input_size: u64,
}

fn parse_now(s: &str) -> Result<i64, String> {
    s.parse::<i64>()
        .map_err(|_| format!("{s:?}: expected epoch milliseconds"))
}

/// `TOPIC:KEY=VALUE`; the topic is everything before the last `:` that precedes the key, so
/// topic names with `:` are impossible in Kafka anyway and `.`/`-` are fine.
fn parse_set(s: &str) -> Result<Set, String> {
    let bad = || format!("{s:?}: expected TOPIC:KEY=VALUE, e.g. orders:retention.ms=7d");
    let (lhs, value) = s.split_once('=').ok_or_else(bad)?;
    let (topic, key) = lhs.rsplit_once(':').ok_or_else(bad)?;
    if topic.is_empty() || key.is_empty() || value.is_empty() {
        return Err(bad());
    }
    Ok(Set {
        topic: topic.to_string(),
        key: key.to_string(),
        value: value.to_string(),
    })
}

const DAY_MS: i64 = 86_400_000;

/// A forecast horizon: a duration in the core's units (`1y` / `2y` are 365 / 730 days), 7 days
/// to 2 years.
fn parse_horizon(s: &str) -> Result<i64, String> {
    let ms = match s.trim() {
        "1y" => 365 * DAY_MS,
        "2y" => 730 * DAY_MS,
        t => tierlens_core::units::parse_duration_ms(t).map_err(|e| e.to_string())?,
    };
    if !(7 * DAY_MS..=730 * DAY_MS).contains(&ms) {
        return Err(format!("{s:?}: the horizon must be from 7d to 2y"));
    }
    Ok(ms)
}

fn parse_layout(s: &str) -> Result<Layout, String> {
    Layout::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
        format!("{s:?}: the layouts are {}", names.join(", "))
    })
}

fn parse_grace(s: &str) -> Result<i64, String> {
    if s.trim().starts_with('-') {
        return Err(format!("{s:?}: the grace window cannot be negative"));
    }
    match tierlens_core::units::parse_duration_ms(s.trim()) {
        Ok(ms) if ms >= 0 => Ok(ms),
        Ok(_) => Err(format!("{s:?}: the grace window cannot be negative")),
        Err(e) => Err(e.to_string()),
    }
}

/// A size in the core's units; `-1` / `unlimited` lifts the limit.
fn parse_max_input_size(s: &str) -> Result<u64, String> {
    if s.trim().eq_ignore_ascii_case("unlimited") {
        return Ok(u64::MAX);
    }
    match parse_bytes(s).map_err(|e| e.to_string())? {
        -1 => Ok(u64::MAX),
        n if n > 0 => Ok(n as u64),
        _ => Err(format!(
            "{s:?}: expected a positive size such as 4GiB (or -1 for no limit)"
        )),
    }
}

/// Parses the arguments (without the program name). `Err` is clap's: help, version, or a
/// usage error, each printed and exited with by `clap::Error::exit` (0 or 2).
pub fn parse<I, T>(args: I) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::try_parse_from(
        std::iter::once("tierlens".into()).chain(args.into_iter().map(Into::into)),
    )?;
    Ok(Invocation::Report(match cli.command {
        CliCommand::Collect(c) => return Ok(Invocation::Collect(c)),
        CliCommand::Plan { common, proposal } => Args::new(Command::Plan, common, proposal),
        CliCommand::Size { common } => Args::new(
            Command::Size,
            common,
            Proposal {
                now: None,
                sets: Vec::new(),
            },
        ),
        CliCommand::Forecast {
            common,
            proposal,
            horizon,
            price_remote,
            price_local,
        } => Args::new(
            Command::Forecast {
                horizon_ms: horizon,
                price_remote,
                price_local,
            },
            common,
            proposal,
        ),
        CliCommand::Reconcile {
            common,
            listings,
            layout,
            prefix,
            grace,
            now,
            metrics,
            price_remote,
            deletion_list,
            show,
        } => Args::new(
            Command::Reconcile(Reconcile {
                listings,
                layout,
                prefix,
                grace_ms: grace,
                metrics,
                price_remote,
                deletion_list,
                show,
            }),
            common,
            Proposal {
                now,
                sets: Vec::new(),
            },
        ),
    }))
}

impl Args {
    fn new(command: Command, c: Common, p: Proposal) -> Args {
        Args {
            command,
            file: c.file,
            now: p.now,
            kafka_version: c.kafka_version,
            sets: p.sets,
            json: c.json,
            accept_dropped: c.accept_dropped,
            max_input_size: c.max_input_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn p(s: &str) -> Result<Args, clap::Error> {
        parse(s.split_whitespace()).map(|i| match i {
            Invocation::Report(a) => a,
            Invocation::Collect(c) => panic!("{c:?}"),
        })
    }

    fn collect(s: &str) -> Result<Collect, clap::Error> {
        parse(s.split_whitespace()).map(|i| match i {
            Invocation::Collect(c) => c,
            Invocation::Report(a) => panic!("{a:?}"),
        })
    }

    #[test]
    fn collect_options() {
        let c = collect("collect --bootstrap-server a:9092,b:9093 --topics ^orders --out s.json.gz --command-config client.properties --timeout 5s --kafka-version 3.9.0 --cluster prod --accept-dropped").unwrap();
        assert_eq!(c.bootstrap, ["a:9092", "b:9093"]);
        assert!(c.topics.as_ref().unwrap().is_match("orders-eu"));
        assert!(!c.topics.as_ref().unwrap().is_match("payments"));
        assert_eq!(c.out, Some(PathBuf::from("s.json.gz")));
        assert_eq!(c.command_config, Some(PathBuf::from("client.properties")));
        assert_eq!(c.timeout, std::time::Duration::from_secs(5));
        assert_eq!(c.kafka_version.as_deref(), Some("3.9.0"));
        assert_eq!(c.cluster.as_deref(), Some("prod"));
        assert!(c.accept_dropped);
        let d = collect("collect --bootstrap localhost:9092").unwrap();
        assert_eq!(d.timeout, std::time::Duration::from_secs(30));
        assert_eq!(d.client_id, "tierlens-collect");
        assert!(d.topics.is_none() && d.out.is_none());
        let e = parse("collect".split_whitespace()).unwrap_err();
        assert!(e.to_string().contains("--bootstrap"), "{e}");
        let e = parse("collect --bootstrap a:1 --topics (".split_whitespace()).unwrap_err();
        assert!(e.to_string().contains("not a regex"), "{e}");
        let e = parse("collect --bootstrap a:1 --timeout 0s".split_whitespace()).unwrap_err();
        assert!(e.to_string().contains("positive"), "{e}");
    }

    fn usage_error(s: &str) -> String {
        let e = p(s).expect_err(s);
        assert_eq!(e.exit_code(), 2, "{s}: {e}");
        e.to_string()
    }

    #[test]
    fn the_clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn full_plan_command() {
        let a =
            p("plan f.json --now 5 --kafka-version 3.9.0 --set my.topic-x:retention.ms=7d --json")
                .unwrap();
        assert_eq!(a.command, Command::Plan);
        assert_eq!(a.now, Some(5));
        assert_eq!(p("plan f --now -5").unwrap().now, Some(-5));
        assert_eq!(a.kafka_version.as_deref(), Some("3.9.0"));
        assert_eq!(
            a.sets,
            vec![Set {
                topic: "my.topic-x".into(),
                key: "retention.ms".into(),
                value: "7d".into()
            }]
        );
        assert!(a.json);
        assert!(!a.accept_dropped);
        // The default of --max-input-size is the core's default limit.
        assert_eq!(a.max_input_size, tierlens_core::DEFAULT_MAX_HELD_BYTES);
    }

    #[test]
    fn set_repeats_and_size_takes_the_common_options() {
        let a = p("plan f --set a:retention.ms=1 --set b.c:retention.bytes=2GiB").unwrap();
        assert_eq!(a.sets.len(), 2);
        assert_eq!(a.sets[1].topic, "b.c");
        assert_eq!(a.sets[1].value, "2GiB");
        let a = p("size f --json --accept-dropped --max-input-size 512MiB").unwrap();
        assert_eq!(a.command, Command::Size);
        assert!(a.json && a.accept_dropped);
        assert_eq!(a.max_input_size, 512 << 20);
        assert_eq!(
            p("size f --max-input-size -1").unwrap().max_input_size,
            u64::MAX
        );
        assert_eq!(
            p("size f --max-input-size unlimited")
                .unwrap()
                .max_input_size,
            u64::MAX
        );
    }

    #[test]
    fn reconcile_options() {
        let a = p("reconcile snap.json a.json b.txt --layout aiven --prefix tiered/ --grace 2h --now 7 --metrics m.txt --deletion-list del.txt --show 3 --json").unwrap();
        let Command::Reconcile(r) = &a.command else {
            panic!("{a:?}")
        };
        assert_eq!(
            r.listings,
            [PathBuf::from("a.json"), PathBuf::from("b.txt")]
        );
        assert_eq!(r.layout, Some(Layout::Aiven));
        assert_eq!(r.prefix.as_deref(), Some("tiered/"));
        assert_eq!(r.grace_ms, 2 * 3_600_000);
        assert_eq!(r.show, 3);
        assert_eq!(a.now, Some(7));
        assert!(a.json);
        let d = p("reconcile s l").unwrap();
        let Command::Reconcile(r) = &d.command else {
            panic!()
        };
        assert_eq!((r.layout, r.grace_ms, r.show), (None, 3_600_000, 10));
        assert!(usage_error("reconcile s").contains("<LISTING>"));
        assert!(usage_error("reconcile s l --layout s3")
            .contains("aiven, local-tiered-storage, linkedin-azure"));
        assert!(usage_error("reconcile s l --grace -5m").contains("negative"));
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert!(usage_error("plan").contains("<FILE>"));
        assert!(usage_error("plan f --now soon").contains("epoch"));
        assert!(usage_error("plan f --set orders").contains("TOPIC:KEY=VALUE"));
        assert!(usage_error("plan f --bogus").contains("--bogus"));
        assert!(usage_error("delete f").contains("delete"));
        assert!(usage_error("size f --now 5").contains("--now"));
        assert!(usage_error("size f --max-input-size 0").contains("positive size"));
        assert!(usage_error("size f --max-input-size lots").contains("not a size"));
        // No arguments at all: the help.
        let e = p("").unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        assert_eq!(p("--help").unwrap_err().kind(), ErrorKind::DisplayHelp);
        assert_eq!(
            p("--version").unwrap_err().kind(),
            ErrorKind::DisplayVersion
        );
    }
}
