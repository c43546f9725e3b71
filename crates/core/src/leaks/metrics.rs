//! Kafka's own figure for what a topic holds in remote storage: the `RemoteLogSizeBytes` gauge
//! (KIP-963, Kafka 3.7+; see `kafka-reference.md` §3). It is a Yammer gauge registered as
//! `kafka.server:type=BrokerTopicMetrics,name=RemoteLogSizeBytes,topic=<t>` (and without `topic`
//! for the broker-wide total); its value is the sum, over the partitions this broker leads, of
//! `segmentSizeInBytes` of every listed remote segment.
//!
//! Read from:
//! - Prometheus text exposition, as the JMX exporter or a Kafka metrics reporter prints it:
//!   any metric whose name contains `remote_log_size_bytes` / `remotelogsizebytes`
//!   (case-insensitive), or whose `name` label is `RemoteLogSizeBytes` (the JMX exporter without
//!   rules), with labels `topic`, optionally `partition`, and a broker label (`broker`,
//!   `broker_id`, `instance` or `pod`) when the scrape kept one.
//! - A JMX dump: `kafka.tools.JmxTool` (`kafka-run-class.sh kafka.tools.JmxTool`, or
//!   `kafka-jmx.sh`) in each `--report-format`: `original` (a CSV header of quoted
//!   `"<object name>:<attribute>"` columns after `"time"`, then one row of values per poll),
//!   `properties` (`<object name>:Value=123`), `csv` (`<object name>:Value,"123"`) and `tsv`;
//!   and jmxterm's `get -b <object name> Value` (`#mbean = <object name>:` then `Value = 123;`).
//!
//! Unrelated lines are skipped silently (a scrape holds thousands); a `RemoteLogSizeBytes` line
//! that cannot be read is a [`MetricsProblem`].

use std::collections::BTreeMap;

/// One reading of the gauge for one topic (or partition) from one broker.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteLogSizeSample {
    pub topic: String,
    pub partition: Option<i32>,
    /// The broker label of the sample, when the scrape kept one.
    pub broker: Option<String>,
    /// Bytes; `None` when the gauge read NaN (no value recorded yet).
    pub bytes: Option<i64>,
    /// 1-based line of the input.
    pub line: u64,
}

/// The broker-wide gauge (no `topic` tag): the sum over the broker's topics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrokerRemoteLogSize {
    pub broker: Option<String>,
    pub bytes: Option<i64>,
    pub line: u64,
}

/// Which text the metrics came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum MetricsFormat {
    Prometheus,
    JmxDump,
}

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteLogSizeMetrics {
    /// Per-topic (or per-partition) samples in input order.
    pub samples: Vec<RemoteLogSizeSample>,
    pub broker_totals: Vec<BrokerRemoteLogSize>,
    pub problems: Vec<MetricsProblem>,
    pub format: Option<MetricsFormat>,
}

/// One topic's remote log size summed over the brokers that reported it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicRemoteLogSize {
    pub topic: String,
    pub bytes: i64,
    /// Samples summed (NaN ones not included).
    pub samples: usize,
    /// Distinct broker labels among them (samples without one count as one broker).
    pub brokers: usize,
    /// Samples that read NaN.
    pub nan_samples: usize,
}

impl RemoteLogSizeMetrics {
    /// Per topic, the sum of its samples across brokers. Each broker reports only the
    /// partitions it leads (the gauge is recorded by the leader's expiration task), so the
    /// topic's whole remote size is the sum over brokers, not any one broker's value. Where a
    /// topic has topic-level samples (the gauge as Kafka registers it) partition-level samples
    /// of it are not added again: the topic-level value already sums them.
    pub fn by_topic(&self) -> Vec<TopicRemoteLogSize> {
        let mut topics: BTreeMap<&str, Vec<&RemoteLogSizeSample>> = BTreeMap::new();
        for s in &self.samples {
            topics.entry(&s.topic).or_default().push(s);
        }
        topics
            .into_iter()
            .map(|(topic, samples)| {
                let topic_level = samples.iter().any(|s| s.partition.is_none());
                let used: Vec<_> = samples
                    .into_iter()
                    .filter(|s| s.partition.is_none() == topic_level)
                    .collect();
                let mut brokers: Vec<Option<&str>> =
                    used.iter().map(|s| s.broker.as_deref()).collect();
                brokers.sort_unstable();
                brokers.dedup();
                TopicRemoteLogSize {
                    topic: topic.to_string(),
                    bytes: used
                        .iter()
                        .filter_map(|s| s.bytes)
                        .fold(0i64, i64::saturating_add),
                    samples: used.iter().filter(|s| s.bytes.is_some()).count(),
                    brokers: brokers.len(),
                    nan_samples: used.iter().filter(|s| s.bytes.is_none()).count(),
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsProblem {
    pub line: u64,
    #[serde(flatten)]
    pub kind: MetricsProblemKind,
    pub excerpt: String,
}

impl std::fmt::Display for MetricsProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.kind, self.excerpt)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum MetricsProblemKind {
    #[error("value {value:?} is not a number of bytes; sample skipped")]
    BadValue { value: String },
    #[error("partition {value:?} is not a partition number; sample skipped")]
    BadPartition { value: String },
    #[error("the line cannot be read as {expected}; skipped")]
    Unreadable { expected: &'static str },
    #[error("a JmxTool row has {found} values for {expected} columns; row skipped")]
    ColumnCount { found: usize, expected: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    #[error("the input is empty")]
    Empty,
    #[error("no RemoteLogSizeBytes metric found in {lines} lines (it exists from Kafka 3.7 on, as kafka.server:type=BrokerTopicMetrics,name=RemoteLogSizeBytes,topic=...)")]
    NoRemoteLogSize { lines: u64 },
}

const METRIC: &str = "remotelogsizebytes";

fn mentions_metric(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains(METRIC) || lower.contains("remote_log_size_bytes")
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// A gauge value: `123`, `1.2345E9` (Prometheus prints floats), `NaN` (→ `None`).
fn parse_value(v: &str) -> Result<Option<i64>, ()> {
    let v = v.trim().trim_end_matches(';').trim_matches('"');
    if v.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    if let Ok(i) = v.parse::<i64>() {
        return if i >= 0 { Ok(Some(i)) } else { Err(()) };
    }
    match v.parse::<f64>() {
        Ok(f) if (0.0..9.2e18).contains(&f) => Ok(Some(f.round() as i64)),
        _ => Err(()),
    }
}

/// A JmxTool `original` column of this gauge: its index, topic and partition.
type Column = (usize, Option<String>, Option<i32>);

struct Reader {
    out: RemoteLogSizeMetrics,
    /// JmxTool `original` header columns: (index, topic, partition) of the relevant ones, and
    /// the column count; samples of a row replace those of the previous row (a later poll).
    header: Option<(Vec<Column>, usize)>,
    /// Samples of the current JmxTool `original` dump, by column, for replacing.
    row_samples: BTreeMap<usize, usize>,
    /// The bean named by jmxterm's last `#mbean = ...:` line.
    bean: Option<Bean>,
}

/// The parts of a `kafka.server:type=BrokerTopicMetrics,name=...,topic=...` object name.
#[derive(Debug, Clone)]
struct Bean {
    name: String,
    topic: Option<String>,
    partition: Option<String>,
}

impl Bean {
    fn is_remote_log_size(&self) -> bool {
        self.name.eq_ignore_ascii_case("RemoteLogSizeBytes")
    }
}

/// Reads the object name at the start of `s` (`domain:key=value,...`), stopping at the `:`
/// before an attribute, at a blank, or at the end. Returns the bean and what follows the name
/// (`:Value=123`, `:Value,"123"`, `:` ...). Topic names cannot hold `:` or `,` in Kafka.
fn parse_bean(s: &str) -> Option<(Bean, &str)> {
    let colon = s.find(':')?;
    let domain = &s[..colon];
    if domain.is_empty() || domain.contains(|c: char| c.is_whitespace() || c == '=') {
        return None;
    }
    let props_start = colon + 1;
    let props_end = s[props_start..]
        .find(|c: char| c == ':' || c == '"' || c.is_whitespace())
        .map_or(s.len(), |i| props_start + i);
    let mut bean = Bean {
        name: String::new(),
        topic: None,
        partition: None,
    };
    for kv in s[props_start..props_end].split(',') {
        let (k, v) = kv.split_once('=')?;
        match k {
            "name" => bean.name = v.to_string(),
            "topic" => bean.topic = Some(v.to_string()),
            "partition" => bean.partition = Some(v.to_string()),
            _ => {}
        }
    }
    Some((bean, &s[props_end..]))
}

impl Reader {
    fn problem(&mut self, line: u64, kind: MetricsProblemKind, text: &str) {
        self.out.problems.push(MetricsProblem {
            line,
            kind,
            excerpt: excerpt(text.trim()),
        });
    }

    /// Adds a sample; returns its index in `samples` (broker totals: `None`).
    fn sample(
        &mut self,
        line: u64,
        text: &str,
        topic: Option<String>,
        partition: Option<&str>,
        broker: Option<String>,
        value: &str,
    ) -> Option<usize> {
        let Ok(bytes) = parse_value(value) else {
            let value = value.trim().to_string();
            self.problem(line, MetricsProblemKind::BadValue { value }, text);
            return None;
        };
        let partition = match partition.map(|p| p.trim().parse::<i32>()) {
            None => None,
            Some(Ok(p)) if p >= 0 => Some(p),
            Some(_) => {
                let value = partition.unwrap_or_default().to_string();
                self.problem(line, MetricsProblemKind::BadPartition { value }, text);
                return None;
            }
        };
        match topic {
            Some(topic) => {
                self.out.samples.push(RemoteLogSizeSample {
                    topic,
                    partition,
                    broker,
                    bytes,
                    line,
                });
                Some(self.out.samples.len() - 1)
            }
            None => {
                self.out.broker_totals.push(BrokerRemoteLogSize {
                    broker,
                    bytes,
                    line,
                });
                None
            }
        }
    }

    fn line(&mut self, line: u64, raw: &str) {
        let text = raw.trim();
        if text.is_empty() {
            return;
        }
        if let Some(rest) = text.strip_prefix("#mbean") {
            // jmxterm: `#mbean = kafka.server:...:`
            let name = rest.trim_start().trim_start_matches('=').trim();
            self.bean = parse_bean(name).map(|(b, _)| b);
            return;
        }
        // Comments, and jmxterm's echo of the command (`$>get -b ...`).
        if text.starts_with('#') || text.starts_with("$>") {
            return;
        }
        if text.starts_with("\"time\"") {
            self.jmx_header(text);
            return;
        }
        if let Some((columns, count)) = &self.header {
            if text.as_bytes()[0].is_ascii_digit() && !text.contains('{') && !text.contains(':') {
                let (columns, count) = (columns.clone(), *count);
                self.jmx_row(line, text, &columns, count);
                return;
            }
        }
        if let Some(bean) = &self.bean {
            // jmxterm: `Value = 123;` under its `#mbean` line.
            if let Some(v) = text.strip_prefix("Value") {
                if let Some(v) = v.trim_start().strip_prefix('=') {
                    if bean.is_remote_log_size() {
                        let bean = bean.clone();
                        self.out.format = Some(MetricsFormat::JmxDump);
                        self.sample(line, text, bean.topic, bean.partition.as_deref(), None, v);
                    }
                    return;
                }
            }
        }
        if !mentions_metric(text) {
            return;
        }
        if let Some((bean, rest)) = parse_bean(text) {
            self.jmx_line(line, text, bean, rest);
            return;
        }
        self.prometheus_line(line, text);
    }

    /// `"time","kafka.server:type=...,topic=orders:Value",...`
    fn jmx_header(&mut self, text: &str) {
        let columns = split_quoted_csv(text);
        let relevant = columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (bean, rest) = parse_bean(c)?;
                let attribute = rest.trim_start_matches(':');
                (bean.is_remote_log_size() && (attribute.is_empty() || attribute == "Value")).then(
                    || {
                        let partition = bean.partition.as_deref().and_then(|p| p.parse().ok());
                        (i, bean.topic, partition)
                    },
                )
            })
            .collect();
        self.header = Some((relevant, columns.len()));
        self.row_samples.clear();
        self.out.format = Some(MetricsFormat::JmxDump);
    }

    fn jmx_row(&mut self, line: u64, text: &str, columns: &[Column], count: usize) {
        if columns.is_empty() {
            return;
        }
        let values: Vec<&str> = text.split(',').collect();
        if values.len() != count {
            let (found, expected) = (values.len(), count);
            self.problem(
                line,
                MetricsProblemKind::ColumnCount { found, expected },
                text,
            );
            return;
        }
        for (i, topic, partition) in columns {
            let partition = partition.map(|p| p.to_string());
            let Some(at) = self.sample(
                line,
                text,
                topic.clone(),
                partition.as_deref(),
                None,
                values[*i],
            ) else {
                continue;
            };
            // A later poll replaces the earlier reading of the same column.
            if let Some(old) = self.row_samples.insert(*i, at) {
                let new = self.out.samples.remove(at);
                self.out.samples[old] = new;
                self.row_samples.insert(*i, old);
            }
        }
    }

    /// `kafka.server:...:Value=123` (properties), `...:Value,"123"` (csv), `...:Value\t123`.
    fn jmx_line(&mut self, line: u64, text: &str, bean: Bean, rest: &str) {
        if !bean.is_remote_log_size() {
            return;
        }
        self.out.format = Some(MetricsFormat::JmxDump);
        let rest = rest.trim_start_matches(':');
        let (attribute, value) = match rest.find(['=', ',', '\t', ' ']) {
            Some(i) => (
                &rest[..i],
                rest[i + 1..].trim_start_matches(['=', ' ', '\t']),
            ),
            None => (rest, ""),
        };
        if !attribute.is_empty() && attribute != "Value" {
            return;
        }
        if value.is_empty() {
            let expected = "a JMX value line";
            self.problem(line, MetricsProblemKind::Unreadable { expected }, text);
            return;
        }
        self.sample(
            line,
            text,
            bean.topic,
            bean.partition.as_deref(),
            None,
            value,
        );
    }

    /// `name{label="value",...} value [timestamp]`
    fn prometheus_line(&mut self, line: u64, text: &str) {
        let unreadable = MetricsProblemKind::Unreadable {
            expected: "a Prometheus sample",
        };
        let name_end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(text.len());
        let name = &text[..name_end];
        let mut rest = &text[name_end..];
        let mut labels = Vec::new();
        if let Some(after) = rest.strip_prefix('{') {
            match parse_labels(after) {
                Some((l, r)) => {
                    labels = l;
                    rest = r;
                }
                None => {
                    self.problem(line, unreadable, text);
                    return;
                }
            }
        }
        let label = |k: &str| {
            labels
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let relevant = mentions_metric(name)
            || label("name").is_some_and(|n| n.eq_ignore_ascii_case("RemoteLogSizeBytes"));
        if name.is_empty() {
            self.problem(line, unreadable, text);
            return;
        }
        if !relevant {
            return;
        }
        self.out.format = Some(MetricsFormat::Prometheus);
        let mut fields = rest.split_whitespace();
        let Some(value) = fields.next() else {
            self.problem(line, unreadable, text);
            return;
        };
        let broker = ["broker", "broker_id", "brokerid", "instance", "pod"]
            .iter()
            .find_map(|k| label(k));
        let partition = label("partition");
        self.sample(
            line,
            text,
            label("topic"),
            partition.as_deref(),
            broker,
            value,
        );
    }
}

/// `a="x",b="y\"z",}` → labels and what follows the `}`.
fn parse_labels(s: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    let mut rest = s.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Some((labels, after));
        }
        let eq = rest.find('=')?;
        let name = rest[..eq].trim().to_string();
        let body = rest[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = body.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        };
        labels.push((name, value));
        rest = body[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
}

/// `"a","b,c"` → `["a", "b,c"]` (JmxTool quotes each header column, commas inside).
fn split_quoted_csv(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Reads `RemoteLogSizeBytes` samples from Prometheus text or a JMX dump (see the module doc).
pub fn parse_remote_log_size_metrics(text: &str) -> Result<RemoteLogSizeMetrics, MetricsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(MetricsError::Empty);
    }
    let mut r = Reader {
        out: RemoteLogSizeMetrics::default(),
        header: None,
        row_samples: BTreeMap::new(),
        bean: None,
    };
    let mut lines = 0;
    for (i, raw) in text.lines().enumerate() {
        lines = i as u64 + 1;
        r.line(lines, raw);
    }
    let out = r.out;
    if out.samples.is_empty() && out.broker_totals.is_empty() && out.problems.is_empty() {
        return Err(MetricsError::NoRemoteLogSize { lines });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_escapes_and_a_trailing_comma() {
        let (l, rest) = parse_labels(r#"topic="a\"b",x="c\\d\ne",} 5"#).unwrap();
        assert_eq!(
            l,
            vec![
                ("topic".to_string(), "a\"b".to_string()),
                ("x".to_string(), "c\\d\ne".to_string())
            ]
        );
        assert_eq!(rest, " 5");
        assert_eq!(parse_labels(r#"topic="open"#), None);
    }

    #[test]
    fn values() {
        assert_eq!(parse_value("123"), Ok(Some(123)));
        assert_eq!(parse_value("1.5E9"), Ok(Some(1_500_000_000)));
        assert_eq!(parse_value("NaN"), Ok(None));
        assert_eq!(parse_value("\"7\""), Ok(Some(7)));
        assert_eq!(parse_value("-1"), Err(()));
        assert_eq!(parse_value("+Inf"), Err(()));
    }
}
