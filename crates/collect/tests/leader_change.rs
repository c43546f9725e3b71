//! A leader that moves while the collector reads: the wire client refreshes the metadata and
//! goes on with the new leader, for Fetch and ListOffsets alike, against two in-process brokers
//! that speak just enough Kafka (ApiVersions, Metadata, ListOffsets, Fetch).
mod common;

use common::{api_versions, reply, request};
use kafka_protocol::messages::fetch_response::{FetchableTopicResponse, PartitionData};
use kafka_protocol::messages::list_offsets_response::{
    ListOffsetsPartitionResponse, ListOffsetsTopicResponse,
};
use kafka_protocol::messages::metadata_response::{
    MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
};
use kafka_protocol::messages::{
    ApiKey, BrokerId, FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,
    MetadataResponse, TopicName,
};
use kafka_protocol::protocol::{Decodable, StrBytes};
use kafka_protocol::records::Compression;
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tierlens_collect::cluster::{Cluster, OffsetSpec};
use tierlens_collect::collect::METADATA_TOPIC;
use tierlens_collect::kafka::{KafkaCluster, Settings};
use tierlens_collect::security::ClientSecurity;
use tierlens_collect::seed::record_batch;

/// Records per fetch response, so a read takes several fetches.
const PER_FETCH: usize = 10;
/// NOT_LEADER_OR_FOLLOWER.
const NOT_LEADER: i16 = 6;

struct Cluster2 {
    ports: [u16; 2],
    /// The node (1 or 2) leading the metadata topic's partition 0.
    leader: AtomicI32,
    /// Move the leadership to node 2 once node 1 has served this many fetches.
    move_after_fetches: usize,
    fetches: [AtomicUsize; 2],
    refused: AtomicUsize,
    values: Vec<Vec<u8>>,
}

fn serve(cluster: Arc<Cluster2>, node: i32, mut s: std::net::TcpStream) {
    let topic = || TopicName(StrBytes::from_static_str(METADATA_TOPIC));
    while let Some((key, version, id, mut body)) = request(&mut s) {
        let leads = cluster.leader.load(Ordering::SeqCst) == node;
        match key {
            ApiKey::ApiVersions => {
                let keys = [
                    (ApiKey::ApiVersions, 0, 3),
                    (ApiKey::Metadata, 0, 12),
                    (ApiKey::ListOffsets, 1, 8),
                    (ApiKey::Fetch, 4, 11),
                ];
                let r = api_versions(&keys);
                reply(&mut s, key, version, id, &r);
            }
            ApiKey::Metadata => {
                let brokers = (0..2)
                    .map(|i| {
                        MetadataResponseBroker::default()
                            .with_node_id(BrokerId(i + 1))
                            .with_host(StrBytes::from_static_str("127.0.0.1"))
                            .with_port(i32::from(cluster.ports[i as usize]))
                    })
                    .collect();
                let r = MetadataResponse::default()
                    .with_brokers(brokers)
                    .with_topics(vec![MetadataResponseTopic::default()
                        .with_name(Some(topic()))
                        .with_partitions(vec![MetadataResponsePartition::default()
                            .with_partition_index(0)
                            .with_leader_id(BrokerId(
                                cluster.leader.load(Ordering::SeqCst),
                            ))])]);
                reply(&mut s, key, version, id, &r);
            }
            ApiKey::ListOffsets => {
                let req = ListOffsetsRequest::decode(&mut body, version).unwrap();
                let timestamp = req.topics[0].partitions[0].timestamp;
                let mut p = ListOffsetsPartitionResponse::default().with_partition_index(0);
                if !leads {
                    cluster.refused.fetch_add(1, Ordering::SeqCst);
                    p = p.with_error_code(NOT_LEADER);
                } else {
                    p = p.with_offset(if timestamp == -1 {
                        cluster.values.len() as i64
                    } else {
                        0
                    });
                }
                let r = ListOffsetsResponse::default().with_topics(vec![
                    ListOffsetsTopicResponse::default()
                        .with_name(topic())
                        .with_partitions(vec![p]),
                ]);
                reply(&mut s, key, version, id, &r);
            }
            ApiKey::Fetch => {
                let req = FetchRequest::decode(&mut body, version).unwrap();
                let offset = req.topics[0].partitions[0].fetch_offset as usize;
                let mut p = PartitionData::default()
                    .with_partition_index(0)
                    .with_high_watermark(cluster.values.len() as i64);
                if !leads {
                    cluster.refused.fetch_add(1, Ordering::SeqCst);
                    p = p.with_error_code(NOT_LEADER);
                } else {
                    let end = (offset + PER_FETCH).min(cluster.values.len());
                    p = p.with_records(Some(
                        record_batch(
                            &cluster.values[offset..end],
                            offset as i64,
                            Compression::None,
                        )
                        .unwrap(),
                    ));
                    let served =
                        cluster.fetches[(node - 1) as usize].fetch_add(1, Ordering::SeqCst) + 1;
                    if node == 1 && served == cluster.move_after_fetches {
                        cluster.leader.store(2, Ordering::SeqCst);
                    }
                }
                let r =
                    FetchResponse::default()
                        .with_responses(vec![FetchableTopicResponse::default()
                            .with_topic(topic())
                            .with_partitions(vec![p])]);
                reply(&mut s, key, version, id, &r);
            }
            _ => return,
        }
    }
}

fn start(values: Vec<Vec<u8>>, move_after_fetches: usize) -> Arc<Cluster2> {
    let listeners = [
        TcpListener::bind("127.0.0.1:0").unwrap(),
        TcpListener::bind("127.0.0.1:0").unwrap(),
    ];
    let ports = [
        listeners[0].local_addr().unwrap().port(),
        listeners[1].local_addr().unwrap().port(),
    ];
    let cluster = Arc::new(Cluster2 {
        ports,
        leader: AtomicI32::new(1),
        move_after_fetches,
        fetches: [AtomicUsize::new(0), AtomicUsize::new(0)],
        refused: AtomicUsize::new(0),
        values,
    });
    for (i, l) in listeners.into_iter().enumerate() {
        let cluster = cluster.clone();
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let cluster = cluster.clone();
                std::thread::spawn(move || serve(cluster, i as i32 + 1, s));
            }
        });
    }
    cluster
}

fn connect(cluster: &Cluster2) -> KafkaCluster {
    KafkaCluster::connect(Settings {
        bootstrap: vec![format!("127.0.0.1:{}", cluster.ports[0])],
        security: ClientSecurity::from_properties("", Path::new(".")).unwrap(),
        timeout: Duration::from_secs(5),
        client_id: "leader-change-test".into(),
    })
    .unwrap()
}

fn values(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("value-{i}").into_bytes()).collect()
}

#[test]
fn a_fetch_refused_by_a_former_leader_goes_on_at_the_new_one() {
    let cluster = start(values(45), 2);
    let mut client = connect(&cluster);
    let info = client.metadata().unwrap();
    let topic = info.topic(METADATA_TOPIC).unwrap().clone();
    assert_eq!(topic.partitions[0].leader, 1);
    let end = client.list_offsets(&topic, OffsetSpec::Latest).unwrap()[&0].clone();
    assert_eq!(end, Ok(45));

    // The caller keeps its stale TopicInfo (leader 1), as the collector does.
    let mut offset = 0;
    let mut got = Vec::new();
    while offset < 45 {
        let f = client.fetch(&topic, 0, offset).unwrap();
        got.extend(f.records.into_iter().map(|r| r.value.unwrap()));
        offset = f.next_offset;
    }
    assert_eq!(got, cluster.values);
    assert_eq!(
        cluster.fetches[0].load(Ordering::SeqCst),
        2,
        "node 1 served 2 fetches"
    );
    assert_eq!(
        cluster.fetches[1].load(Ordering::SeqCst),
        3,
        "node 2 the rest"
    );
    assert_eq!(
        cluster.refused.load(Ordering::SeqCst),
        1,
        "one refusal, then the new leader"
    );

    // ListOffsets with the stale TopicInfo: the client asks the new leader.
    let start = client.list_offsets(&topic, OffsetSpec::Earliest).unwrap();
    assert_eq!(start[&0], Ok(0));
    let latest = client.list_offsets(&topic, OffsetSpec::Latest).unwrap();
    assert_eq!(latest[&0], Ok(45));
}

#[test]
fn list_offsets_refused_by_a_former_leader_is_asked_again_after_a_refresh() {
    let cluster = start(values(5), usize::MAX);
    let mut client = connect(&cluster);
    let topic = client
        .metadata()
        .unwrap()
        .topic(METADATA_TOPIC)
        .unwrap()
        .clone();
    // The leadership moves between the metadata and the request.
    cluster.leader.store(2, Ordering::SeqCst);
    let latest = client.list_offsets(&topic, OffsetSpec::Latest).unwrap();
    assert_eq!(latest[&0], Ok(5));
    assert_eq!(cluster.refused.load(Ordering::SeqCst), 1);
}
