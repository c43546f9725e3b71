//! Writes a snapshot into a broker as a cluster with tiered storage would hold it: the
//! `__remote_log_metadata` records of its segments (Kafka's serde encoding, through Produce)
//! and its topics with their retention configs. For the end-to-end tests and the collector's
//! benchmark against a test broker (tansu); never pointed at a real cluster by tierlens itself.
use crate::collect::METADATA_TOPIC;
use crate::kafka::{Connection, KafkaError};
use bytes::{Bytes, BytesMut};
use kafka_protocol::messages::create_topics_request::{CreatableTopic, CreatableTopicConfig};
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{CreateTopicsRequest, ProduceRequest, TopicName};
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use std::collections::BTreeMap;
use tierlens_core::ingest::metadata_serde::MetadataRecord;
use tierlens_core::leaks::layout::uuid_to_base64;
use tierlens_core::synth::metadata_records;
use tierlens_core::Snapshot;

/// Records produced to a partition per request.
const BATCH: usize = 500;

fn broker_error(conn: &Connection, api: &'static str, code: i16, what: String) -> KafkaError {
    KafkaError::Broker {
        broker: conn.broker.clone(),
        api,
        code,
        message: Some(what),
    }
}

/// Creates a topic; returns the id the broker gave it.
pub fn create_topic(
    conn: &mut Connection,
    name: &str,
    partitions: i32,
    configs: &[(&str, String)],
) -> Result<[u8; 16], KafkaError> {
    let v = conn.version::<CreateTopicsRequest>(7)?;
    let req = CreateTopicsRequest::default()
        .with_timeout_ms(10_000)
        .with_topics(vec![CreatableTopic::default()
            .with_name(TopicName(StrBytes::from_string(name.to_string())))
            .with_num_partitions(partitions)
            .with_replication_factor(1)
            .with_configs(
                configs
                    .iter()
                    .map(|(k, v)| {
                        CreatableTopicConfig::default()
                            .with_name(StrBytes::from_string(k.to_string()))
                            .with_value(Some(StrBytes::from_string(v.clone())))
                    })
                    .collect(),
            )]);
    let resp = conn.call(&req, v)?;
    match resp.topics.first() {
        Some(t) if t.error_code == 0 => Ok(*t.topic_id.as_bytes()),
        Some(t) => Err(broker_error(
            conn,
            "CreateTopics",
            t.error_code,
            name.into(),
        )),
        None => Err(broker_error(conn, "CreateTopics", -1, name.into())),
    }
}

/// One record batch (magic 2) of `values`, null keys, offsets from `base_offset`: what a
/// producer sends, and what a broker returns to a fetch.
pub fn record_batch(
    values: &[Vec<u8>],
    base_offset: i64,
    compression: Compression,
) -> Result<Bytes, String> {
    let records: Vec<Record> = values
        .iter()
        .enumerate()
        .map(|(i, v)| Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset: base_offset + i as i64,
            sequence: -1,
            timestamp: 1_700_000_000_000,
            key: None,
            value: Some(Bytes::from(v.clone())),
            headers: Default::default(),
        })
        .collect();
    let mut batch = BytesMut::new();
    RecordBatchEncoder::encode(
        &mut batch,
        &records,
        &RecordEncodeOptions {
            version: 2,
            compression,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(batch.freeze())
}

/// Produces `values` to one partition as one batch; returns the base offset the broker gave.
pub fn produce(
    conn: &mut Connection,
    topic: &str,
    partition: i32,
    values: &[Vec<u8>],
) -> Result<i64, KafkaError> {
    let batch = record_batch(values, 0, Compression::None).map_err(|e| KafkaError::Protocol {
        broker: conn.broker.clone(),
        api: "Produce",
        message: e,
    })?;
    // v12 is the last that names topics.
    let v = conn.version::<ProduceRequest>(9)?;
    let req = ProduceRequest::default()
        .with_acks(-1)
        .with_timeout_ms(10_000)
        .with_topic_data(vec![TopicProduceData::default()
            .with_name(TopicName(StrBytes::from_string(topic.to_string())))
            .with_partition_data(vec![PartitionProduceData::default()
                .with_index(partition)
                .with_records(Some(batch))])]);
    let resp = conn.call(&req, v)?;
    let p = resp
        .responses
        .first()
        .and_then(|t| t.partition_responses.first())
        .ok_or_else(|| broker_error(conn, "Produce", -1, format!("{topic}-{partition}")))?;
    if p.error_code != 0 {
        return Err(broker_error(
            conn,
            "Produce",
            p.error_code,
            format!("{topic}-{partition}"),
        ));
    }
    Ok(p.base_offset)
}

/// The metadata partition of a user partition: a stable hash of its topic id and number, so one
/// partition's records stay in one metadata partition, in order, as Kafka's
/// `RemoteLogMetadataTopicPartitioner` keeps them (its murmur2 placement is not reproduced:
/// readers depend only on the grouping).
fn metadata_partition(topic_id: &[u8; 16], partition: i32, partitions: i32) -> i32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in topic_id.iter().chain(&partition.to_be_bytes()) {
        h = (h ^ u32::from(*b)).wrapping_mul(0x0100_0193);
    }
    (h % partitions.max(1) as u32) as i32
}

/// Writes `snapshot` into the broker: the metadata topic with `metadata_partitions`
/// partitions, each topic with its retention configs (the ids the broker gives them replace
/// the snapshot's, as a real cluster's records carry its own ids) and `user_records` records in
/// its partition 0, then every segment's records. Records alternate Kafka's serde versions 0
/// and 1. Returns the text `kafka-console-consumer` with the formatter would print for the
/// metadata topic; `progress` is told the records written so far.
pub fn seed(
    conn: &mut Connection,
    snapshot: &mut Snapshot,
    metadata_partitions: i32,
    user_records: usize,
    mut progress: impl FnMut(usize),
) -> Result<String, KafkaError> {
    create_topic(
        conn,
        METADATA_TOPIC,
        metadata_partitions,
        &[("retention.ms", "-1".into())],
    )?;
    for t in &mut snapshot.topics {
        let partitions = t.partitions.iter().map(|p| p.partition).max().unwrap_or(0) + 1;
        let c = &t.config;
        let id = create_topic(
            conn,
            &t.name,
            partitions,
            &[
                ("remote.storage.enable", "true".into()),
                ("retention.ms", c.retention_ms.to_string()),
                ("retention.bytes", c.retention_bytes.to_string()),
                ("local.retention.ms", c.local_retention_ms.to_string()),
                ("segment.bytes", c.segment_bytes.to_string()),
            ],
        )?;
        t.topic_id = Some(uuid_to_base64(&id));
        if user_records > 0 {
            let values: Vec<Vec<u8>> = (0..user_records).map(|i| i.to_string().into()).collect();
            produce(conn, &t.name, 0, &values)?;
        }
    }
    let mut by_partition: BTreeMap<i32, Vec<MetadataRecord>> = BTreeMap::new();
    for r in metadata_records(snapshot) {
        let (MetadataRecord::Segment { partition, .. } | MetadataRecord::Update { partition, .. }) =
            &r
        else {
            continue; // metadata_records gives segments and updates only
        };
        let p = metadata_partition(
            &partition.topic_id,
            partition.partition,
            metadata_partitions,
        );
        by_partition.entry(p).or_default().push(r);
    }
    let mut text = String::new();
    let mut written = 0;
    for (p, records) in &by_partition {
        for chunk in records.chunks(BATCH) {
            let values: Vec<Vec<u8>> = chunk
                .iter()
                .enumerate()
                .map(|(i, r)| r.encode((i % 2) as u16))
                .collect();
            let base = produce(conn, METADATA_TOPIC, *p, &values)?;
            for (i, r) in chunk.iter().enumerate() {
                if let Some(line) = r.formatter_line(*p, base + i as i64) {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
            written += chunk.len();
            progress(written);
        }
    }
    Ok(text)
}
