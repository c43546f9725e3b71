//! Command-line arguments: parsed and validated here, turned into domain values by `main`.
use std::path::PathBuf;

pub const USAGE: &str = "\
tierlens: Kafka tiered-storage remote log size and retention plans

USAGE:
    tierlens plan FILE [--now MS] [--kafka-version V] [--set TOPIC:KEY=VALUE]... [--json]
    tierlens size FILE [--kafka-version V] [--json]

FILE is a tierlens snapshot (JSON or .json.gz) or the text Kafka's RemoteLogMetadataFormatter
or kafka-dump-log.sh prints for __remote_log_metadata.

OPTIONS:
    --now MS              time of the expiration run, epoch ms (default: the snapshot's
                          capturedAtMs; required for a formatter dump)
    --kafka-version V     version profile: 3.6.1-3.7.0, 3.7.1, 3.8.0, 3.8.1-3.9.0, 4.0-4.2, 4.3+
                          or a release such as 3.9.0 (default: the snapshot's, else 4.3+)
    --set TOPIC:KEY=VALUE override a topic config: retention.ms, retention.bytes,
                          local.retention.ms, local.retention.bytes (units: 7d, 36h, 500GiB, -1)
    --json                print one JSON object instead of a table
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Plan,
    Size,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub topic: String,
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub command: Command,
    pub file: PathBuf,
    pub now: Option<i64>,
    pub kafka_version: Option<String>,
    pub sets: Vec<Set>,
    pub json: bool,
}

/// Why the arguments were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsError {
    Help,
    Usage(String),
}

fn value(it: &mut impl Iterator<Item = String>, flag: &str) -> Result<String, ArgsError> {
    it.next()
        .ok_or_else(|| ArgsError::Usage(format!("{flag} needs a value")))
}

/// `TOPIC:KEY=VALUE`; the topic is everything before the last `:` that precedes the key, so
/// topic names with `:` are impossible in Kafka anyway and `.`/`-` are fine.
fn parse_set(s: &str) -> Result<Set, ArgsError> {
    let bad = || {
        ArgsError::Usage(format!(
            "--set {s:?}: expected TOPIC:KEY=VALUE, e.g. orders:retention.ms=7d"
        ))
    };
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

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, ArgsError> {
    let mut it = args.into_iter();
    let command = match it.next().as_deref() {
        Some("plan") => Command::Plan,
        Some("size") => Command::Size,
        Some("-h" | "--help" | "help") | None => return Err(ArgsError::Help),
        Some(other) => {
            return Err(ArgsError::Usage(format!(
                "unknown command {other:?} (expected plan or size)"
            )))
        }
    };
    let mut file = None;
    let mut now = None;
    let mut kafka_version = None;
    let mut sets = Vec::new();
    let mut json = false;
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "-h" | "--help" => return Err(ArgsError::Help),
            "--now" => {
                let v = value(&mut it, "--now")?;
                now = Some(v.parse::<i64>().map_err(|_| {
                    ArgsError::Usage(format!("--now {v:?}: expected epoch milliseconds"))
                })?);
            }
            "--kafka-version" => kafka_version = Some(value(&mut it, "--kafka-version")?),
            "--set" => sets.push(parse_set(&value(&mut it, "--set")?)?),
            flag if flag.starts_with("--") => {
                return Err(ArgsError::Usage(format!("unknown option {flag}")))
            }
            _ if file.is_none() => file = Some(PathBuf::from(a)),
            _ => return Err(ArgsError::Usage(format!("unexpected argument {a:?}"))),
        }
    }
    if command == Command::Size && (now.is_some() || !sets.is_empty()) {
        return Err(ArgsError::Usage("size takes no --now or --set".into()));
    }
    Ok(Args {
        command,
        file: file.ok_or_else(|| ArgsError::Usage("missing FILE".into()))?,
        now,
        kafka_version,
        sets,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Args, ArgsError> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn full_plan_command() {
        let a =
            p("plan f.json --now 5 --kafka-version 3.9.0 --set my.topic-x:retention.ms=7d --json")
                .unwrap();
        assert_eq!(a.command, Command::Plan);
        assert_eq!(a.now, Some(5));
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
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(p("plan"), Err(ArgsError::Usage("missing FILE".into())));
        assert!(matches!(p("plan f --now soon"), Err(ArgsError::Usage(m)) if m.contains("epoch")));
        assert!(
            matches!(p("plan f --set orders"), Err(ArgsError::Usage(m)) if m.contains("TOPIC:KEY=VALUE"))
        );
        assert!(matches!(p("plan f --bogus"), Err(ArgsError::Usage(m)) if m.contains("--bogus")));
        assert!(matches!(p("delete f"), Err(ArgsError::Usage(_))));
        assert_eq!(p(""), Err(ArgsError::Help));
    }
}
