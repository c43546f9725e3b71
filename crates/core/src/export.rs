//! What a user takes away from a what-if: the `kafka-configs.sh` command that applies it and
//! the plan and the forecast as CSV.

use crate::forecast::{Forecast, PolicyProjection};
use crate::model::{ConfigKey, Snapshot};
use crate::retention::Plan;
use crate::units::format_timestamp_utc;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Single-quotes a shell word (topic names are untrusted text).
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The command that applies `changes` to `topic`, or `None` when there is nothing to change.
/// The broker is Kafka's documentation placeholder `localhost:9092` (a `<broker>` placeholder
/// would be a shell redirection if pasted as is).
pub fn kafka_configs_command(topic: &str, changes: &BTreeMap<ConfigKey, i64>) -> Option<String> {
    if changes.is_empty() {
        return None;
    }
    let configs: Vec<String> = changes
        .iter()
        .map(|(k, v)| format!("{}={v}", k.as_str()))
        .collect();
    Some(format!(
        "kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name {} --add-config {}",
        shell_quote(topic),
        configs.join(",")
    ))
}

/// One CSV field: quoted when needed; a leading `=`, `+`, `-`, `@` gets a `'` so spreadsheets
/// do not evaluate untrusted names as formulas.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The forecast's series as CSV, one row per time and policy: the cluster's (`topic` empty)
/// and each topic's, or only `topic`'s when given. Bytes are exact; deleted bytes are those
/// deleted since the previous row.
pub fn forecast_csv(forecast: &Forecast, topic: Option<&str>) -> String {
    let mut out = String::from(
        "topic,policy,time_utc,time_ms,remote_bytes,local_bytes,segments,deleted_bytes\n",
    );
    let mut rows = |name: &str, which: &str, p: &PolicyProjection| {
        let s = &p.series;
        for (i, &t) in forecast.times_ms.iter().enumerate() {
            let at = |v: &Vec<i64>| v.get(i).copied().unwrap_or(0);
            out.push_str(&format!(
                "{},{which},{},{t},{},{},{},{}\n",
                csv_field(name),
                format_timestamp_utc(t),
                at(&s.remote_bytes),
                at(&s.local_bytes),
                at(&s.segments),
                at(&s.deleted_bytes),
            ));
        }
    };
    if topic.is_none() {
        rows("", "current", &forecast.cluster_current);
        rows("", "proposed", &forecast.cluster_proposed);
    }
    for t in &forecast.topics {
        if topic.is_some_and(|name| name != t.topic) {
            continue;
        }
        rows(&t.topic, "current", &t.current);
        rows(&t.topic, "proposed", &t.proposed);
    }
    out
}

/// The deletions of `plan` (only `topic`'s when given), one row per deleted segment. Every row
/// names the version profile and the `now` the plan was computed with, so a CSV handed on
/// still says what it assumed.
pub fn plan_csv(snapshot: &Snapshot, plan: &Plan, topic: Option<&str>) -> String {
    let mut out = String::from(
        "topic,partition,segment_id,reason,start_offset,end_offset,size_bytes,max_timestamp_ms,state,kafka_profile,now_ms\n",
    );
    for pp in &plan.partitions {
        if topic.is_some_and(|t| t != pp.topic) {
            continue;
        }
        let Some(segments) = snapshot
            .topic(&pp.topic)
            .and_then(|t| t.partitions.iter().find(|p| p.partition == pp.partition))
            .map(|p| &p.segments)
        else {
            continue;
        };
        for d in &pp.deletions {
            let Some(s) = segments.get(d.segment_index) else {
                continue;
            };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&pp.topic),
                pp.partition,
                csv_field(&d.id),
                d.reason.as_str(),
                s.start_offset,
                s.end_offset,
                d.size_bytes,
                s.max_timestamp_ms,
                s.state,
                plan.profile.label(),
                plan.now_ms
            );
        }
    }
    out
}

/// The leak finder's objects `rows` (indices into `objects`, e.g. those not ok) as CSV: key,
/// class, reason, size, last modified, and the segment each belongs to.
pub fn leaks_csv<O: crate::leaks::reconcile::ObjectSource + ?Sized>(
    snapshot: &Snapshot,
    r: &crate::leaks::reconcile::Reconciliation,
    objects: &O,
    rows: impl IntoIterator<Item = usize>,
) -> String {
    // The JSON names (`no-metadata`, `in-grace`): the same words as `tierlens reconcile --json`.
    fn serde_name<T: serde::Serialize>(v: T) -> String {
        serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
    let mut out = String::from(
        "key,class,why,reason,size_bytes,last_modified_ms,last_modified_utc,topic,partition,segment_id,segment_state\n",
    );
    for i in rows {
        let o = objects.object(i);
        let why = r.object_why[i];
        let lm = o.last_modified_ms;
        let (topic, partition, id, state) = match r.object_segment(i) {
            Some(s) => {
                let t = &snapshot.topics[s.topic as usize];
                let p = &t.partitions[s.partition as usize];
                let seg = p.segments.at(s.row as usize);
                (
                    t.name.clone(),
                    p.partition.to_string(),
                    seg.id.to_string(),
                    seg.state.to_string(),
                )
            }
            None => Default::default(),
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&objects.key(i)),
            serde_name(why.class()),
            serde_name(why),
            csv_field(why.text()),
            o.size_bytes,
            lm.map(|v| v.to_string()).unwrap_or_default(),
            lm.map(format_timestamp_utc).unwrap_or_default(),
            csv_field(&topic),
            partition,
            csv_field(&id),
            state
        );
    }
    out
}

/// The orphan objects for review, one key per line (as a URL, `s3://bucket/key` or
/// `gs://bucket/key`, when the listing named its bucket), after a header saying what the list
/// is and that tierlens deletes nothing.
pub fn deletion_list<O: crate::leaks::reconcile::ObjectSource + ?Sized>(
    r: &crate::leaks::reconcile::Reconciliation,
    objects: &O,
    format: crate::leaks::listing::ListingFormat,
    bucket: Option<&str>,
) -> String {
    use crate::leaks::listing::ListingFormat;
    use crate::leaks::reconcile::Class;
    use crate::units::{format_bytes, format_duration_ms};
    let t = r.class_totals(Class::Orphan);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# tierlens: {} orphan objects ({}), no segment in the metadata (or only \
         DELETE_SEGMENT_FINISHED), older than the grace window of {}.\n\
         # Review before deleting anything: tierlens deletes nothing. Layout {}, prefix {:?}.",
        t.objects,
        format_bytes(t.object_bytes),
        format_duration_ms(r.grace_ms),
        r.layout,
        r.prefix
    );
    let scheme = match format {
        ListingFormat::GcloudLs => Some("gs://"),
        ListingFormat::AwsS3Api | ListingFormat::AwsS3Ls | ListingFormat::McLsJson => Some("s3://"),
        // A blob list names no account URL.
        ListingFormat::AzBlobList => None,
    };
    let url = scheme.zip(bucket);
    for i in (0..objects.object_count()).filter(|&i| r.object_class(i) == Class::Orphan) {
        let key = objects.key(i);
        let _ = match url {
            Some((s, b)) => writeln!(out, "{s}{b}/{key}"),
            None => writeln!(out, "{key}"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_snapshot;
    use crate::retention::{reference, Policy};

    #[test]
    fn command_lists_the_changed_configs() {
        let mut c = BTreeMap::new();
        c.insert(ConfigKey::RetentionMs, 86_400_000);
        c.insert(ConfigKey::RetentionBytes, -1);
        assert_eq!(
            kafka_configs_command("orders", &c).unwrap(),
            "kafka-configs.sh --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000,retention.bytes=-1"
        );
        assert_eq!(kafka_configs_command("orders", &BTreeMap::new()), None);
    }

    #[test]
    fn hostile_topic_names_are_quoted() {
        let mut c = BTreeMap::new();
        c.insert(ConfigKey::RetentionMs, 1);
        let cmd = kafka_configs_command("x'; rm -rf / #", &c).unwrap();
        assert!(
            cmd.contains(r"--entity-name 'x'\''; rm -rf / #' --add-config"),
            "{cmd}"
        );
    }

    #[test]
    fn csv_fields_are_escaped() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-1"), "-1");
    }

    #[test]
    fn csv_has_one_row_per_deletion() {
        let s = demo_snapshot();
        let plan = reference::plan(&s, &Policy::default(), s.captured_at_ms);
        let csv = plan_csv(&s, &plan, None);
        let rows = csv.lines().count() - 1;
        assert_eq!(rows as u64, plan.totals.segments_deleted);
        assert!(rows > 0);
        let orders = plan_csv(&s, &plan, Some("orders"));
        assert!(orders.lines().skip(1).all(|l| l.starts_with("orders,")));
        let tail = format!(",{},{}", plan.profile.label(), plan.now_ms);
        assert!(csv.lines().skip(1).all(|l| l.ends_with(&tail)), "{csv}");
        assert!(csv.lines().all(|l| l.split(',').count() == 11));
    }

    #[test]
    fn forecast_csv_has_a_row_per_time_and_policy() {
        use crate::forecast::{estimate_rates, forecast, ForecastOptions};
        use crate::retention::Policy;
        let snap = crate::demo::demo_snapshot();
        let policy = Policy::default();
        let now = snap.captured_at_ms;
        let f = forecast(
            &snap,
            &policy,
            &policy,
            &estimate_rates(&snap),
            &ForecastOptions::new(now, 7 * 86_400_000),
        );
        let topic = f.topics[0].topic.clone();
        let csv = forecast_csv(&f, Some(&topic));
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * f.times_ms.len());
        assert!(lines[1].starts_with(&format!("{topic},current,")));
        let last = lines.last().unwrap().split(',').collect::<Vec<_>>();
        assert_eq!(last[1], "proposed");
        assert_eq!(
            last[4],
            f.topics[0]
                .proposed
                .series
                .remote_bytes
                .last()
                .unwrap()
                .to_string()
        );
        let all = forecast_csv(&f, None);
        assert_eq!(
            all.lines().count(),
            1 + 2 * f.times_ms.len() * (1 + f.topics.len())
        );
    }
}
