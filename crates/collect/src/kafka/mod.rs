//! [`Cluster`] over Kafka's wire protocol.
//!
//! The messages come from the `kafka-protocol` crate (generated from Kafka's own JSON message
//! schemas, every version, with record-batch decoding and all compression codecs); what is ours
//! is small: connections with timeouts ([`conn`]), choosing versions both sides support, and
//! routing partition requests to their leaders. Blocking sockets, because the collector reads
//! one partition after another and a plain timeout is the simplest guarantee against a hang.
mod conn;

use crate::cluster::{
    Cluster, ClusterInfo, Fetched, FetchedRecord, OffsetAnswer, OffsetSpec, PartitionInfo,
    TopicConfigs, TopicInfo,
};
use crate::security::{ClientSecurity, SecurityError};
use bytes::Bytes;
pub use conn::Connection;
use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::{
    BrokerId, DescribeConfigsRequest, FetchRequest, ListOffsetsRequest, MetadataRequest, TopicName,
};
use kafka_protocol::protocol::{Request, StrBytes};
use kafka_protocol::records::RecordBatchDecoder;
use kafka_protocol::ResponseError;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// Why a call to the cluster failed. Messages name the broker and the request, never a
/// credential (the security settings are not part of any variant but through
/// [`SecurityError`], which is written not to carry secrets either).
#[derive(Debug, thiserror::Error)]
pub enum KafkaError {
    #[error("bootstrap server {0:?} is not HOST:PORT")]
    Bootstrap(String),
    #[error("{broker}: cannot resolve the host name: {source}")]
    Resolve {
        broker: String,
        source: std::io::Error,
    },
    #[error("{broker}: cannot connect: {source}")]
    Connect {
        broker: String,
        source: std::io::Error,
    },
    #[error("{broker}: no answer to {api} within the timeout (--timeout)")]
    Timeout { broker: String, api: &'static str },
    #[error("{broker}: {api}: {source}")]
    Io {
        broker: String,
        api: &'static str,
        source: std::io::Error,
    },
    #[error("{broker}: the broker closed the connection during {api}")]
    Closed { broker: String, api: &'static str },
    #[error("{broker}: the broker closed the connection at once: is this a TLS or SASL listener? (set security.protocol in --command-config)")]
    ClosedAtStart { broker: String },
    #[error("{broker}: the listener answered with TLS: set security.protocol=SSL (or SASL_SSL) in --command-config")]
    TlsListener { broker: String },
    #[error("{broker}: {source}")]
    Security {
        broker: String,
        source: SecurityError,
    },
    #[error("{broker}: SASL: {message}")]
    Sasl { broker: String, message: String },
    #[error("{broker}: {api} is not supported: {detail}")]
    Unsupported {
        broker: String,
        api: &'static str,
        detail: String,
    },
    #[error("{broker}: {api}: {message}")]
    Protocol {
        broker: String,
        api: &'static str,
        message: String,
    },
    #[error("{broker}: {api} failed: {}{}", code_name(*code), message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Broker {
        broker: String,
        api: &'static str,
        code: i16,
        message: Option<String>,
    },
    #[error("{topic}-{partition}: leader {leader} is not among the brokers the cluster listed")]
    UnknownLeader {
        topic: String,
        partition: i32,
        leader: i32,
    },
    #[error("no bootstrap server answered: {0}")]
    NoBootstrap(Box<KafkaError>),
}

impl KafkaError {
    fn io(broker: &str, api: &'static str, e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::WouldBlock | K::TimedOut => KafkaError::Timeout {
                broker: broker.to_string(),
                api,
            },
            K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                KafkaError::Closed {
                    broker: broker.to_string(),
                    api,
                }
            }
            _ => KafkaError::Io {
                broker: broker.to_string(),
                api,
                source: e,
            },
        }
    }

    fn broker_code(broker: &str, api: &'static str, code: i16, message: Option<String>) -> Self {
        KafkaError::Broker {
            broker: broker.to_string(),
            api,
            code,
            message,
        }
    }

    /// Worth a metadata refresh and another try: the leader moved (Kafka's retriable codes:
    /// NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, FENCED_LEADER_EPOCH, ...) or its connection
    /// broke (a broker restarting). A timeout is not: trying again would multiply the wait.
    fn is_retriable(&self) -> bool {
        match self {
            KafkaError::Broker { code, .. } => retriable_code(*code),
            // A leader being elected (none, or one not listed yet) is there a moment later.
            KafkaError::Closed { .. }
            | KafkaError::Io { .. }
            | KafkaError::Connect { .. }
            | KafkaError::UnknownLeader { .. } => true,
            _ => false,
        }
    }
}

fn retriable_code(code: i16) -> bool {
    ResponseError::try_from_code(code).is_some_and(|e| e.is_retriable())
}

/// Whether a round of ListOffsets should be tried again after a metadata refresh.
enum Retry {
    No,
    /// Some partitions answered a retriable error (their leader moved).
    PartitionsMoved,
    /// A request failed as a whole, retriably (a connection broke).
    Failed(KafkaError),
}

/// Tries after the first when a leader moved or a connection broke, each after a metadata
/// refresh (waiting 200, 400, 800 ms first).
const RETRIES: u32 = 3;

/// A Kafka error code by its name (`NOT_LEADER_OR_FOLLOWER (6)`-like, in the crate's spelling).
pub(crate) fn code_name(code: i16) -> String {
    match ResponseError::try_from_code(code) {
        Some(e) => format!("{e:?} (error code {code})"),
        None => format!("error code {code}"),
    }
}

/// How to reach the cluster.
#[derive(Debug)]
pub struct Settings {
    /// `HOST:PORT`, tried in order until one answers.
    pub bootstrap: Vec<String>,
    pub security: ClientSecurity,
    /// Each connect, read and write.
    pub timeout: Duration,
    pub client_id: String,
}

/// The newest version of each request this client fills in. Fetch stays at v11: v12 only adds
/// tagged fields this client does not need (diverging epoch, leader hints), and a broker that
/// writes a tag v12 does not define (tansu 0.6 does) would make the response unreadable; v13+
/// names topics by id only. ListOffsets v8 brought `-4` (earliest-local).
const METADATA_MAX: i16 = 12;
const FETCH_MAX: i16 = 11;
const LIST_OFFSETS_MAX: i16 = 8;
const DESCRIBE_CONFIGS_MAX: i16 = 4;
const LIST_OFFSETS_EARLIEST_LOCAL: i16 = 8;

const FETCH_PARTITION_MAX_BYTES: i32 = 8 << 20;
const FETCH_MAX_BYTES: i32 = 32 << 20;

pub struct KafkaCluster {
    settings: Settings,
    bootstrap: Connection,
    /// node id → `(host, port)`, from the last Metadata.
    brokers: HashMap<i32, (String, u16)>,
    /// node id → an open connection.
    conns: HashMap<i32, Connection>,
    /// `(topic, partition)` → leader, from the last Metadata (the `TopicInfo`s callers hold
    /// may be older).
    leaders: HashMap<(String, i32), i32>,
}

/// A connection to the first bootstrap server that answers (and authenticates).
fn open_any(settings: &Settings) -> Result<Connection, KafkaError> {
    let mut last = None;
    for server in &settings.bootstrap {
        let (host, port) = split_host_port(server)?;
        match Connection::open(
            &host,
            port,
            &settings.security,
            settings.timeout,
            &settings.client_id,
        ) {
            Ok(c) => return Ok(c),
            // Credentials and protocol mismatches are the same on every server.
            Err(e @ (KafkaError::Sasl { .. } | KafkaError::Security { .. })) => return Err(e),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if settings.bootstrap.len() == 1 => e,
        Some(e) => KafkaError::NoBootstrap(Box::new(e)),
        None => KafkaError::Bootstrap(String::new()),
    })
}

fn split_host_port(s: &str) -> Result<(String, u16), KafkaError> {
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| KafkaError::Bootstrap(s.to_string()))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port
        .parse()
        .map_err(|_| KafkaError::Bootstrap(s.to_string()))?;
    if host.is_empty() {
        return Err(KafkaError::Bootstrap(s.to_string()));
    }
    Ok((host.to_string(), port))
}

impl KafkaCluster {
    /// Connects to the first bootstrap server that answers (and authenticates).
    pub fn connect(settings: Settings) -> Result<Self, KafkaError> {
        let bootstrap = open_any(&settings)?;
        Ok(KafkaCluster {
            settings,
            bootstrap,
            brokers: HashMap::new(),
            conns: HashMap::new(),
            leaders: HashMap::new(),
        })
    }

    /// The partition's leader as the last Metadata said, else as `topic` says.
    fn leader_of(&self, topic: &TopicInfo, partition: i32) -> i32 {
        self.leaders
            .get(&(topic.name.clone(), partition))
            .copied()
            .unwrap_or_else(|| {
                topic
                    .partitions
                    .iter()
                    .find(|p| p.partition == partition)
                    .map_or(-1, |p| p.leader)
            })
    }

    /// A request any broker answers, on the bootstrap connection; once that connection broke
    /// (its broker restarting), on a new one to whichever bootstrap server answers.
    fn call_bootstrap<R: Request>(&mut self, req: &R, cap: i16) -> Result<R::Response, KafkaError> {
        let v = self.bootstrap.version::<R>(cap)?;
        match self.bootstrap.call(req, v) {
            Err(e) if e.is_retriable() => {
                std::thread::sleep(Duration::from_millis(200));
                self.bootstrap = open_any(&self.settings)?;
                let v = self.bootstrap.version::<R>(cap)?;
                self.bootstrap.call(req, v)
            }
            result => result,
        }
    }

    /// Before another try: wait a little, then learn the leaders anew.
    fn refresh(&mut self, attempt: u32) -> Result<(), KafkaError> {
        std::thread::sleep(Duration::from_millis(100 << attempt));
        self.metadata().map(|_| ())
    }

    /// The connection to broker `node` (opened on first use).
    fn leader(
        &mut self,
        node: i32,
        topic: &str,
        partition: i32,
    ) -> Result<&mut Connection, KafkaError> {
        if !self.conns.contains_key(&node) {
            let (host, port) =
                self.brokers
                    .get(&node)
                    .cloned()
                    .ok_or_else(|| KafkaError::UnknownLeader {
                        topic: topic.to_string(),
                        partition,
                        leader: node,
                    })?;
            let c = Connection::open(
                &host,
                port,
                &self.settings.security,
                self.settings.timeout,
                &self.settings.client_id,
            )?;
            self.conns.insert(node, c);
        }
        Ok(self.conns.get_mut(&node).expect("inserted above"))
    }

    /// The offsets of `partitions` from broker `node`, and whether one of them answered a
    /// retriable error (its leader moved).
    fn list_offsets_at(
        &mut self,
        node: i32,
        topic: &TopicInfo,
        partitions: &[i32],
        spec: OffsetSpec,
    ) -> Result<(Vec<(i32, OffsetAnswer)>, bool), KafkaError> {
        let first = partitions.first().copied().unwrap_or(0);
        let conn = self.leader(node, &topic.name, first)?;
        let cap = if spec == OffsetSpec::EarliestLocal {
            let offered = conn.max_version(ListOffsetsRequest::KEY).unwrap_or(-1);
            if offered < LIST_OFFSETS_EARLIEST_LOCAL {
                let reason = format!(
                    "{} offers ListOffsets up to v{offered}; earliest-local (timestamp -4) needs v{LIST_OFFSETS_EARLIEST_LOCAL} (Kafka 3.6+)",
                    conn.broker
                );
                return Ok((
                    partitions
                        .iter()
                        .map(|&p| (p, Err(reason.clone())))
                        .collect(),
                    false,
                ));
            }
            LIST_OFFSETS_MAX
        } else {
            LIST_OFFSETS_MAX
        };
        let v = conn.version::<ListOffsetsRequest>(cap)?;
        let req = ListOffsetsRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_isolation_level(0)
            .with_topics(vec![ListOffsetsTopic::default()
                .with_name(TopicName(StrBytes::from_string(topic.name.clone())))
                .with_partitions(
                    partitions
                        .iter()
                        .map(|&p| {
                            ListOffsetsPartition::default()
                                .with_partition_index(p)
                                .with_current_leader_epoch(-1)
                                .with_timestamp(spec.timestamp())
                        })
                        .collect(),
                )]);
        let resp = conn.call(&req, v)?;
        let mut out: BTreeMap<i32, OffsetAnswer> = partitions
            .iter()
            .map(|&p| (p, Err("the broker did not answer for it".to_string())))
            .collect();
        let mut moved = false;
        for t in resp
            .topics
            .iter()
            .filter(|t| t.name.0.as_str() == topic.name)
        {
            for p in &t.partitions {
                moved |= retriable_code(p.error_code);
                let answer = if p.error_code != 0 {
                    Err(format!("the broker answered {}", code_name(p.error_code)))
                } else if p.offset < 0 {
                    Err(format!("the broker answered offset {}", p.offset))
                } else {
                    Ok(p.offset)
                };
                out.insert(p.partition_index, answer);
            }
        }
        Ok((out.into_iter().collect(), moved))
    }

    /// One round of ListOffsets, grouped by leader; whether a leader seems to have moved.
    fn list_offsets_once(
        &mut self,
        topic: &TopicInfo,
        spec: OffsetSpec,
    ) -> Result<(BTreeMap<i32, OffsetAnswer>, Retry), KafkaError> {
        let mut by_leader: BTreeMap<i32, Vec<i32>> = BTreeMap::new();
        let mut out = BTreeMap::new();
        for p in &topic.partitions {
            match self.leader_of(topic, p.partition) {
                leader if leader < 0 => {
                    out.insert(p.partition, Err("the partition has no leader".to_string()));
                }
                leader => by_leader.entry(leader).or_default().push(p.partition),
            }
        }
        let mut retry = Retry::No;
        for (node, partitions) in by_leader {
            match self.list_offsets_at(node, topic, &partitions, spec) {
                Ok((answers, moved)) => {
                    out.extend(answers);
                    if moved && matches!(retry, Retry::No) {
                        retry = Retry::PartitionsMoved;
                    }
                }
                // A broker that claims v8 but fails on `-4` must not stop the collection: the
                // offset is unknown, and the connection (possibly closed) is opened anew.
                Err(e) if spec == OffsetSpec::EarliestLocal => {
                    self.conns.remove(&node);
                    let reason = e.to_string();
                    out.extend(partitions.iter().map(|&p| (p, Err(reason.clone()))));
                }
                Err(e) if e.is_retriable() => {
                    self.conns.remove(&node);
                    let reason = e.to_string();
                    out.extend(partitions.iter().map(|&p| (p, Err(reason.clone()))));
                    if !matches!(retry, Retry::Failed(_)) {
                        retry = Retry::Failed(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok((out, retry))
    }

    fn fetch_once(
        &mut self,
        leader: i32,
        topic: &TopicInfo,
        partition: i32,
        offset: i64,
    ) -> Result<Fetched, KafkaError> {
        // The collector only asks below the end it saw at the start, so there is always data:
        // no reason to let the broker wait for more. (A broker that holds every fetch for
        // max_wait_ms regardless, as tansu 0.6 does, made 100,000 segments take 13 s, not 3 s.)
        let max_wait_ms = 0;
        let conn = self.leader(leader, &topic.name, partition)?;
        let v = conn.version::<FetchRequest>(FETCH_MAX)?;
        let req = FetchRequest::default()
            .with_replica_id(BrokerId(-1))
            .with_max_wait_ms(max_wait_ms)
            .with_min_bytes(1)
            .with_max_bytes(FETCH_MAX_BYTES)
            .with_isolation_level(0)
            .with_session_id(0)
            .with_session_epoch(-1)
            .with_topics(vec![FetchTopic::default()
                .with_topic(TopicName(StrBytes::from_string(topic.name.clone())))
                .with_partitions(vec![FetchPartition::default()
                    .with_partition(partition)
                    .with_current_leader_epoch(-1)
                    .with_fetch_offset(offset)
                    .with_last_fetched_epoch(-1)
                    .with_log_start_offset(-1)
                    .with_partition_max_bytes(FETCH_PARTITION_MAX_BYTES)])]);
        let resp = conn.call(&req, v)?;
        let broker = conn.broker.clone();
        if resp.error_code != 0 {
            return Err(KafkaError::broker_code(
                &broker,
                "Fetch",
                resp.error_code,
                None,
            ));
        }
        let data = resp
            .responses
            .iter()
            .filter(|t| t.topic.0.as_str() == topic.name)
            .flat_map(|t| t.partitions.iter())
            .find(|p| p.partition_index == partition)
            .ok_or_else(|| KafkaError::Protocol {
                broker: broker.clone(),
                api: "Fetch",
                message: format!("no data for {}-{partition} in the response", topic.name),
            })?;
        if data.error_code != 0 {
            return Err(KafkaError::broker_code(
                &broker,
                "Fetch",
                data.error_code,
                Some(format!("{}-{partition} at offset {offset}", topic.name)),
            ));
        }
        let (records, next_offset) = read_batches(data.records.clone().unwrap_or_default(), offset)
            .map_err(|message| KafkaError::Protocol {
                broker,
                api: "Fetch",
                message: format!("{}-{partition} at offset {offset}: {message}", topic.name),
            })?;
        Ok(Fetched {
            records,
            next_offset,
            high_watermark: data.high_watermark,
        })
    }
}

impl Cluster for KafkaCluster {
    type Error = KafkaError;

    fn metadata(&mut self) -> Result<ClusterInfo, KafkaError> {
        let req = MetadataRequest::default()
            .with_topics(None)
            .with_allow_auto_topic_creation(false);
        let resp = self.call_bootstrap(&req, METADATA_MAX)?;
        self.brokers = resp
            .brokers
            .iter()
            .filter_map(|b| {
                let port = u16::try_from(b.port).ok()?;
                Some((b.node_id.0, (b.host.as_str().to_string(), port)))
            })
            .collect();
        let topics: Vec<TopicInfo> = resp
            .topics
            .iter()
            .filter(|t| t.error_code == 0)
            .filter_map(|t| {
                let name = t.name.as_ref()?.0.as_str().to_string();
                let id = *t.topic_id.as_bytes();
                let mut partitions: Vec<PartitionInfo> = t
                    .partitions
                    .iter()
                    .map(|p| PartitionInfo {
                        partition: p.partition_index,
                        leader: p.leader_id.0,
                    })
                    .collect();
                partitions.sort_by_key(|p| p.partition);
                Some(TopicInfo {
                    name,
                    topic_id: (id != [0; 16]).then_some(id),
                    partitions,
                })
            })
            .collect();
        self.leaders = topics
            .iter()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .map(|p| ((t.name.clone(), p.partition), p.leader))
            })
            .collect();
        Ok(ClusterInfo {
            cluster_id: resp.cluster_id.as_ref().map(|c| c.as_str().to_string()),
            topics,
            metadata_version_level: self.bootstrap.metadata_version_level,
        })
    }

    fn topic_configs(
        &mut self,
        topics: &[String],
        keys: &[&str],
    ) -> Result<BTreeMap<String, TopicConfigs>, KafkaError> {
        let mut out = BTreeMap::new();
        if topics.is_empty() {
            return Ok(out);
        }
        const TOPIC_RESOURCE: i8 = 2;
        let req = DescribeConfigsRequest::default().with_resources(
            topics
                .iter()
                .map(|t| {
                    DescribeConfigsResource::default()
                        .with_resource_type(TOPIC_RESOURCE)
                        .with_resource_name(StrBytes::from_string(t.clone()))
                        // Every key: naming a few is only an optimisation, which a broker
                        // may decode wrongly (tansu 0.6 drops the connection); `keys` is
                        // applied to the answer instead.
                        .with_configuration_keys(None)
                })
                .collect(),
        );
        let resp = self.call_bootstrap(&req, DESCRIBE_CONFIGS_MAX)?;
        for r in resp.results {
            let name = r.resource_name.as_str().to_string();
            let configs = if r.error_code != 0 {
                Err(format!(
                    "{}{}",
                    code_name(r.error_code),
                    r.error_message
                        .as_ref()
                        .map(|m| format!(": {}", m.as_str()))
                        .unwrap_or_default()
                ))
            } else {
                Ok(r.configs
                    .iter()
                    .filter(|c| keys.is_empty() || keys.contains(&c.name.as_str()))
                    .map(|c| {
                        (
                            c.name.as_str().to_string(),
                            c.value.as_ref().map(|v| v.as_str().to_string()),
                        )
                    })
                    .collect())
            };
            out.insert(name, configs);
        }
        Ok(out)
    }

    fn list_offsets(
        &mut self,
        topic: &TopicInfo,
        spec: OffsetSpec,
    ) -> Result<BTreeMap<i32, OffsetAnswer>, KafkaError> {
        let mut attempt = 0;
        loop {
            let (answers, retry) = self.list_offsets_once(topic, spec)?;
            match retry {
                Retry::No => return Ok(answers),
                _ if attempt < RETRIES => {
                    attempt += 1;
                    self.refresh(attempt)?;
                }
                // Out of tries: partitions that answered an error keep it as their reason; a
                // request that failed as a whole fails the call.
                Retry::PartitionsMoved => return Ok(answers),
                Retry::Failed(e) => return Err(e),
            }
        }
    }

    fn fetch(
        &mut self,
        topic: &TopicInfo,
        partition: i32,
        offset: i64,
    ) -> Result<Fetched, KafkaError> {
        let mut attempt = 0;
        loop {
            let leader = self.leader_of(topic, partition);
            match self.fetch_once(leader, topic, partition, offset) {
                Err(e) if attempt < RETRIES && e.is_retriable() => {
                    attempt += 1;
                    self.conns.remove(&leader);
                    self.refresh(attempt)?;
                }
                result => return result,
            }
        }
    }
}

/// Offsets of a batch header: base offset (8), length (4), leader epoch (4), magic (1), crc (4),
/// attributes (2), last offset delta (4).
const BATCH_LENGTH_AT: usize = 8;
const LAST_OFFSET_DELTA_AT: usize = 23;
const BATCH_HEADER: usize = 12;

/// The records of the complete batches in a fetch response (a response may end with a batch cut
/// short: the next fetch asks for it again), and the offset after the last batch read. Control
/// records (transaction markers) are skipped but advance the offset.
fn read_batches(mut bytes: Bytes, from: i64) -> Result<(Vec<FetchedRecord>, i64), String> {
    let mut records = Vec::new();
    let mut next = from;
    while bytes.len() >= BATCH_HEADER {
        let base = i64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
        let len = i32::from_be_bytes(
            bytes[BATCH_LENGTH_AT..BATCH_HEADER]
                .try_into()
                .expect("4 bytes"),
        );
        let Ok(len) = usize::try_from(len) else {
            return Err(format!("a batch at offset {base} has length {len}"));
        };
        if bytes.len() < BATCH_HEADER + len {
            break; // cut short by the size limit
        }
        let mut batch = bytes.split_to(BATCH_HEADER + len);
        if batch.len() >= LAST_OFFSET_DELTA_AT + 4 {
            let delta = i32::from_be_bytes(
                batch[LAST_OFFSET_DELTA_AT..LAST_OFFSET_DELTA_AT + 4]
                    .try_into()
                    .expect("4 bytes"),
            );
            next = next.max(base + i64::from(delta) + 1);
        }
        let set = RecordBatchDecoder::decode(&mut batch)
            .map_err(|e| format!("a batch at offset {base} does not decode: {e}"))?;
        for r in set.records {
            if r.control || r.offset < from {
                continue;
            }
            next = next.max(r.offset + 1);
            records.push(FetchedRecord {
                offset: r.offset,
                value: r.value.map(|v| v.to_vec()),
            });
        }
    }
    Ok((records, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::records::Compression;

    fn batch(values: &[&[u8]], base: i64, compression: Compression) -> Vec<u8> {
        let values: Vec<Vec<u8>> = values.iter().map(|v| v.to_vec()).collect();
        crate::seed::record_batch(&values, base, compression)
            .unwrap()
            .to_vec()
    }

    #[test]
    fn complete_batches_are_read_and_a_cut_one_is_left_for_the_next_fetch() {
        let mut bytes = batch(&[b"a", b"b"], 5, Compression::None);
        bytes.extend(batch(&[b"c"], 7, Compression::Gzip));
        let whole = bytes.len();
        let third = batch(&[b"d"], 8, Compression::None);
        bytes.extend(&third[..third.len() - 3]);
        let (records, next) = read_batches(Bytes::from(bytes.clone()), 6).unwrap();
        let got: Vec<(i64, &[u8])> = records
            .iter()
            .map(|r| (r.offset, r.value.as_deref().unwrap()))
            .collect();
        assert_eq!(got, vec![(6, &b"b"[..]), (7, &b"c"[..])]);
        assert_eq!(next, 8);
        // Only the cut batch: nothing read, the offset stays.
        let (records, next) = read_batches(Bytes::from(bytes[whole..].to_vec()), 8).unwrap();
        assert!(records.is_empty());
        assert_eq!(next, 8);
    }

    #[test]
    fn a_corrupt_batch_is_an_error_not_a_panic() {
        let mut bytes = batch(&[b"abc"], 0, Compression::None);
        let n = bytes.len();
        bytes[n - 2] ^= 0xff;
        bytes[20] ^= 0xff; // the crc
        assert!(read_batches(Bytes::from(bytes), 0).is_err());
        let mut bad_len = batch(&[b"abc"], 0, Compression::None);
        bad_len[8..12].copy_from_slice(&(-5i32).to_be_bytes());
        assert!(read_batches(Bytes::from(bad_len), 0).is_err());
    }

    #[test]
    fn bootstrap_servers_are_host_and_port() {
        assert_eq!(
            split_host_port("broker-1.example:9092").unwrap(),
            ("broker-1.example".to_string(), 9092)
        );
        assert_eq!(
            split_host_port("[::1]:9093").unwrap(),
            ("::1".to_string(), 9093)
        );
        for bad in ["broker", "broker:", ":9092", "broker:port", "broker:70000"] {
            assert!(split_host_port(bad).is_err(), "{bad}");
        }
    }
}
