//! Object key layouts: how each RemoteStorageManager plugin names the objects of a segment, read
//! back into (prefix, topic, topic id, partition, start offset, segment id, file kind).
//!
//! Each layout is taken from the plugin's own code:
//!
//! - [`Layout::Aiven`] — Aiven's tiered-storage-for-apache-kafka, `ObjectKeyFactory`
//!   (`core/src/main/java/io/aiven/kafka/tieredstorage/ObjectKeyFactory.java`):
//!   `$(prefix)$(topic)-$(topic_uuid)/$(partition)/$(start_offset, 20 digits)-$(segment_uuid).$(suffix)`,
//!   e.g. `someprefix/topic-MWJ6FHTfRYy67jzwZdeqSQ/7/00000000000000001234-tqimKeZwStOEOwRzT3L5oQ.log`.
//!   Suffixes since the chunked format: `log`, `indexes`, `rsm-manifest`. Earlier releases wrote
//!   one object per index instead of `indexes`: `index`, `timeindex`, `snapshot`, `txnindex`,
//!   `leader-epoch-checkpoint` (its `Suffix` enum before the indexes were combined). UUIDs are
//!   Kafka's `Uuid.toString()`: 22 characters of unpadded base64url. The prefix is
//!   `key.prefix` verbatim, so it need not end in `/`.
//! - [`Layout::LocalTieredStorage`] — Kafka's own test plugin,
//!   `storage/src/test/java/org/apache/kafka/server/log/remote/storage/` `RemoteTopicPartitionDirectory`
//!   (`$(topic)-$(partition)-$(topic_uuid)`) and `RemoteLogSegmentFileset`
//!   (`$(start_offset, 20 digits)-$(segment_uuid)$(suffix)` with `.log`, `.index`, `.timeindex`,
//!   `.txnindex` (optional), `.leader_epoch_checkpoint`, `.snapshot`) under
//!   `remote.log.storage.local.dir`.
//! - [`Layout::LinkedInAzure`] — LinkedIn's Azure Blob plugin, `AzureBlobRemoteStorageManager`
//!   and `ContainerNameEncoder` (`com.linkedin.kafka.tiered.storage`): one container per topic,
//!   `$(prefix)-$(topic uuid as lower-case hex)` (or the bare hex without a prefix), holding
//!   `$(partition).$(segment uuid as hex).$(type)` with type `SEGMENT`, `OFFSET`, `TIMESTAMP`,
//!   `PRODUCER_SNAPSHOT`, `TRANSACTION` (optional), `LEADER_EPOCH`. A blob listing names blobs
//!   within one container; tierlens reads a key as `container/blob` when the container is put
//!   in front of it, and as the bare blob name otherwise (then the topic id is unknown and
//!   segments are matched by their id alone, which Kafka makes unique).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use std::fmt;

/// A RemoteStorageManager plugin's key layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    Aiven,
    LocalTieredStorage,
    LinkedInAzure,
}

impl Layout {
    pub const ALL: [Layout; 3] = [
        Layout::Aiven,
        Layout::LocalTieredStorage,
        Layout::LinkedInAzure,
    ];

    /// The name used on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Aiven => "aiven",
            Layout::LocalTieredStorage => "local-tiered-storage",
            Layout::LinkedInAzure => "linkedin-azure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Layout::Aiven => "Aiven tiered-storage-for-apache-kafka",
            Layout::LocalTieredStorage => "Kafka LocalTieredStorage",
            Layout::LinkedInAzure => "LinkedIn Azure Blob RSM",
        }
    }

    pub fn from_name(s: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == s)
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an object of a segment holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Log,
    /// Aiven's combined indexes.
    Indexes,
    /// Aiven's segment manifest.
    Manifest,
    OffsetIndex,
    TimeIndex,
    ProducerSnapshot,
    TxnIndex,
    LeaderEpochCheckpoint,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::Log,
        FileKind::Indexes,
        FileKind::Manifest,
        FileKind::OffsetIndex,
        FileKind::TimeIndex,
        FileKind::ProducerSnapshot,
        FileKind::TxnIndex,
        FileKind::LeaderEpochCheckpoint,
    ];

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// A set of [`FileKind`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct FileSet(pub u16);

impl FileSet {
    pub const EMPTY: FileSet = FileSet(0);

    pub fn of(kinds: &[FileKind]) -> FileSet {
        FileSet(kinds.iter().fold(0, |a, k| a | k.bit()))
    }

    pub fn with(self, k: FileKind) -> FileSet {
        FileSet(self.0 | k.bit())
    }

    pub fn contains(self, k: FileKind) -> bool {
        self.0 & k.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The kinds in `self` that are not in `other`.
    pub fn minus(self, other: FileSet) -> FileSet {
        FileSet(self.0 & !other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = FileKind> {
        FileKind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
}

/// What the directory part of a key says (everything before the last `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirInfo<'a> {
    /// The text before the topic's directory (Aiven: `key.prefix` plus, when the prefix does
    /// not end in `/`, nothing: then the prefix is glued to `topic`, see [`split_glued`]).
    pub prefix: &'a str,
    /// The topic name as the key spells it (may carry a glued prefix, see above).
    pub topic: Option<&'a str>,
    pub topic_id: Option<[u8; 16]>,
    pub partition: Option<i32>,
}

/// What the file name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameInfo {
    pub start_offset: Option<i64>,
    pub segment_id: [u8; 16],
    pub kind: FileKind,
    /// LinkedIn's names carry the partition.
    pub partition: Option<i32>,
}

/// A whole key read by a layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKey<'a> {
    pub dir: DirInfo<'a>,
    pub name: NameInfo,
}

impl ParsedKey<'_> {
    pub fn partition(&self) -> Option<i32> {
        self.name.partition.or(self.dir.partition)
    }
}

/// Kafka's `Uuid.toString()`: 22 characters of unpadded base64url.
pub fn uuid_from_base64(s: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    (s.len() == 22 && URL_SAFE_NO_PAD.decode_slice(s, &mut out) == Ok(16)).then_some(out)
}

pub fn uuid_to_base64(id: &[u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// `java.util.UUID.toString()`: `8-4-4-4-12` hex digits (either case accepted).
pub fn uuid_from_hex(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut digits = b.iter().filter(|&&c| c != b'-');
    for o in out.iter_mut() {
        let hi = (*digits.next()? as char).to_digit(16)?;
        let lo = (*digits.next()? as char).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

pub fn uuid_to_hex(id: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in id.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// `$(20 digits)-` as Kafka's `filenamePrefixFromOffset` writes it.
fn offset20(s: &str) -> Option<i64> {
    (s.len() == 20 && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn partition_number(s: &str) -> Option<i32> {
    // Java's Integer.toString: no sign, no leading zeros (but "0").
    let canonical =
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

/// Splits `$(topic)-$(22-char uuid)` (base64url has `-` in its alphabet: the id is the last
/// 22 characters, not what follows the last `-`).
fn topic_and_id(s: &str) -> Option<(&str, [u8; 16])> {
    let cut = s.len().checked_sub(23)?;
    let topic = s.get(..cut)?;
    let id = s.get(cut + 1..)?;
    (s.as_bytes()[cut] == b'-').then_some(())?;
    Some((topic, uuid_from_base64(id)?))
}

/// When the prefix does not end in `/` it is glued to the topic (`tiered-orders-…`): given the
/// topic's real name, the glued part is split off. `None` when `spelled` does not end with it.
pub fn split_glued<'a>(spelled: &'a str, topic: &str) -> Option<&'a str> {
    spelled.strip_suffix(topic)
}

impl Layout {
    /// Reads the directory part (`dir` = the key up to, not including, its last `/`; empty
    /// when the key has none).
    pub fn parse_dir<'a>(self, dir: &'a str) -> Option<DirInfo<'a>> {
        let (parent, last) = match dir.rsplit_once('/') {
            Some((p, l)) => (&dir[..p.len() + 1], l),
            None => ("", dir),
        };
        match self {
            Layout::Aiven => {
                // …/$(prefix-tail)$(topic)-$(id)/$(partition)
                let partition = partition_number(last)?;
                let head = parent.strip_suffix('/')?;
                let (grand, topic_dir) = match head.rsplit_once('/') {
                    Some((g, t)) => (&head[..g.len() + 1], t),
                    None => ("", head),
                };
                let (topic, id) = topic_and_id(topic_dir)?;
                Some(DirInfo {
                    prefix: grand,
                    topic: Some(topic),
                    topic_id: Some(id),
                    partition: Some(partition),
                })
            }
            Layout::LocalTieredStorage => {
                // $(storage dir)/$(topic)-$(partition)-$(id)
                let (rest, id) = topic_and_id(last)?;
                let (topic, partition) = rest.rsplit_once('-')?;
                Some(DirInfo {
                    prefix: parent,
                    topic: Some(topic),
                    topic_id: Some(id),
                    partition: Some(partition_number(partition)?),
                })
            }
            Layout::LinkedInAzure => {
                // The container, `$(prefix)-$(hex id)` or `$(hex id)`, when given.
                if dir.is_empty() {
                    return Some(DirInfo {
                        prefix: "",
                        topic: None,
                        topic_id: None,
                        partition: None,
                    });
                }
                if last.len() < 36 {
                    return None;
                }
                let (head, hex) = last.split_at(last.len() - 36);
                let id = uuid_from_hex(hex)?;
                // `$(prefix)-$(hex)`: the prefix as configured, without its `-`.
                let head = match head.strip_suffix('-') {
                    Some(h) if !h.is_empty() => h,
                    _ if head.is_empty() => head,
                    _ => return None,
                };
                Some(DirInfo {
                    prefix: &dir[..parent.len() + head.len()],
                    topic: None,
                    topic_id: Some(id),
                    partition: None,
                })
            }
        }
    }

    /// Reads a file name (the key after its last `/`).
    pub fn parse_name(self, name: &str) -> Option<NameInfo> {
        match self {
            Layout::Aiven | Layout::LocalTieredStorage => {
                let (stem, suffix) = name.split_once('.')?;
                let (offset, id) = stem.split_once('-')?;
                self.parse_encoded(offset20(offset)?, &uuid_from_base64(id)?, suffix)
            }
            Layout::LinkedInAzure => {
                let (partition, rest) = name.split_once('.')?;
                let (hex, kind) = rest.split_once('.')?;
                let kind = match kind {
                    "SEGMENT" => FileKind::Log,
                    "OFFSET" => FileKind::OffsetIndex,
                    "TIMESTAMP" => FileKind::TimeIndex,
                    "PRODUCER_SNAPSHOT" => FileKind::ProducerSnapshot,
                    "TRANSACTION" => FileKind::TxnIndex,
                    "LEADER_EPOCH" => FileKind::LeaderEpochCheckpoint,
                    _ => return None,
                };
                Some(NameInfo {
                    start_offset: None,
                    segment_id: uuid_from_hex(hex)?,
                    kind,
                    partition: Some(partition_number(partition)?),
                })
            }
        }
    }

    /// A name already decoded by the listing as `$(20-digit offset)-$(uuid).$(suffix)`.
    pub fn parse_encoded(self, start_offset: i64, id: &[u8; 16], suffix: &str) -> Option<NameInfo> {
        let kind = match (self, suffix) {
            (Layout::Aiven | Layout::LocalTieredStorage, "log") => FileKind::Log,
            (Layout::Aiven | Layout::LocalTieredStorage, "index") => FileKind::OffsetIndex,
            (Layout::Aiven | Layout::LocalTieredStorage, "timeindex") => FileKind::TimeIndex,
            (Layout::Aiven | Layout::LocalTieredStorage, "snapshot") => FileKind::ProducerSnapshot,
            (Layout::Aiven | Layout::LocalTieredStorage, "txnindex") => FileKind::TxnIndex,
            (Layout::Aiven, "indexes") => FileKind::Indexes,
            (Layout::Aiven, "rsm-manifest") => FileKind::Manifest,
            (Layout::Aiven, "leader-epoch-checkpoint") => FileKind::LeaderEpochCheckpoint,
            (Layout::LocalTieredStorage, "leader_epoch_checkpoint") => {
                FileKind::LeaderEpochCheckpoint
            }
            _ => return None,
        };
        Some(NameInfo {
            start_offset: Some(start_offset),
            segment_id: *id,
            kind,
            partition: None,
        })
    }

    /// Reads a whole key.
    pub fn parse_key(self, key: &str) -> Option<ParsedKey<'_>> {
        let (dir, name) = match key.rsplit_once('/') {
            Some((d, n)) => (d, n),
            None => ("", key),
        };
        let name = self.parse_name(name)?;
        let dir = self.parse_dir(dir)?;
        if let (Some(a), Some(b)) = (name.partition, dir.partition) {
            if a != b {
                return None;
            }
        }
        Some(ParsedKey { dir, name })
    }

    /// The objects a complete upload has, given the ones present (Aiven wrote separate
    /// indexes before it combined them: a segment with any separate index is held to the
    /// older set).
    pub fn required(self, present: FileSet) -> FileSet {
        use FileKind::*;
        match self {
            Layout::Aiven => {
                let legacy = [
                    OffsetIndex,
                    TimeIndex,
                    ProducerSnapshot,
                    LeaderEpochCheckpoint,
                ]
                .iter()
                .any(|k| present.contains(*k));
                if legacy && !present.contains(Indexes) {
                    FileSet::of(&[
                        Log,
                        OffsetIndex,
                        TimeIndex,
                        ProducerSnapshot,
                        LeaderEpochCheckpoint,
                        Manifest,
                    ])
                } else {
                    FileSet::of(&[Log, Indexes, Manifest])
                }
            }
            Layout::LocalTieredStorage | Layout::LinkedInAzure => FileSet::of(&[
                Log,
                OffsetIndex,
                TimeIndex,
                ProducerSnapshot,
                LeaderEpochCheckpoint,
            ]),
        }
    }

    /// The key this layout gives a segment's object (`prefix` as configured in the plugin:
    /// Aiven's `key.prefix`, the storage directory with its `/`, LinkedIn's container prefix).
    #[allow(clippy::too_many_arguments)]
    pub fn key_for(
        self,
        prefix: &str,
        topic: &str,
        topic_id: &[u8; 16],
        partition: i32,
        start_offset: i64,
        segment_id: &[u8; 16],
        kind: FileKind,
    ) -> Option<String> {
        use FileKind::*;
        match self {
            Layout::Aiven | Layout::LocalTieredStorage => {
                let suffix = match (self, kind) {
                    (_, Log) => "log",
                    (_, OffsetIndex) => "index",
                    (_, TimeIndex) => "timeindex",
                    (_, ProducerSnapshot) => "snapshot",
                    (_, TxnIndex) => "txnindex",
                    (Layout::Aiven, Indexes) => "indexes",
                    (Layout::Aiven, Manifest) => "rsm-manifest",
                    (Layout::Aiven, LeaderEpochCheckpoint) => "leader-epoch-checkpoint",
                    (_, LeaderEpochCheckpoint) => "leader_epoch_checkpoint",
                    _ => return None,
                };
                let name = format!("{start_offset:020}-{}.{suffix}", uuid_to_base64(segment_id));
                let tid = uuid_to_base64(topic_id);
                Some(if self == Layout::Aiven {
                    format!("{prefix}{topic}-{tid}/{partition}/{name}")
                } else {
                    format!("{prefix}{topic}-{partition}-{tid}/{name}")
                })
            }
            Layout::LinkedInAzure => {
                let t = match kind {
                    Log => "SEGMENT",
                    OffsetIndex => "OFFSET",
                    TimeIndex => "TIMESTAMP",
                    ProducerSnapshot => "PRODUCER_SNAPSHOT",
                    TxnIndex => "TRANSACTION",
                    LeaderEpochCheckpoint => "LEADER_EPOCH",
                    _ => return None,
                };
                let container = if prefix.is_empty() {
                    uuid_to_hex(topic_id)
                } else {
                    format!("{prefix}-{}", uuid_to_hex(topic_id))
                };
                Some(format!(
                    "{container}/{partition}.{}.{t}",
                    uuid_to_hex(segment_id)
                ))
            }
        }
    }

    /// The layout that reads the most of `keys` (ties: the first in [`Layout::ALL`]); `None`
    /// when none reads any.
    pub fn detect<'a>(keys: impl Iterator<Item = &'a str>) -> Option<(Layout, usize)> {
        let mut hits = [0usize; 3];
        for k in keys {
            for (i, l) in Layout::ALL.iter().enumerate() {
                hits[i] += usize::from(l.parse_key(k).is_some());
            }
        }
        let (i, &n) = hits
            .iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))?;
        (n > 0).then_some((Layout::ALL[i], n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEG: &str = "tqimKeZwStOEOwRzT3L5oQ";
    /// An id with `-` in it (base64url).
    const DASHED: &str = "QuDm8HhLQc-4DqLd-1aAjQ";
    const TOPIC_ID: &str = "MWJ6FHTfRYy67jzwZdeqSQ";

    #[test]
    fn aiven_example_from_its_javadoc() {
        let key = "someprefix/topic-MWJ6FHTfRYy67jzwZdeqSQ/7/00000000000000001234-tqimKeZwStOEOwRzT3L5oQ.log";
        let p = Layout::Aiven.parse_key(key).unwrap();
        assert_eq!(p.dir.prefix, "someprefix/");
        assert_eq!(p.dir.topic, Some("topic"));
        assert_eq!(p.dir.topic_id, uuid_from_base64(TOPIC_ID));
        assert_eq!(p.partition(), Some(7));
        assert_eq!(p.name.start_offset, Some(1234));
        assert_eq!(Some(p.name.segment_id), uuid_from_base64(SEG));
        assert_eq!(p.name.kind, FileKind::Log);
        let back = Layout::Aiven
            .key_for(
                "someprefix/",
                "topic",
                &p.dir.topic_id.unwrap(),
                7,
                1234,
                &p.name.segment_id,
                FileKind::Log,
            )
            .unwrap();
        assert_eq!(back, key);
    }

    #[test]
    fn aiven_suffixes_old_and_new_and_glued_prefix() {
        for (suffix, kind) in [
            ("indexes", FileKind::Indexes),
            ("rsm-manifest", FileKind::Manifest),
            ("index", FileKind::OffsetIndex),
            ("timeindex", FileKind::TimeIndex),
            ("snapshot", FileKind::ProducerSnapshot),
            ("txnindex", FileKind::TxnIndex),
            ("leader-epoch-checkpoint", FileKind::LeaderEpochCheckpoint),
        ] {
            let key = format!("tiered-my-topic-{TOPIC_ID}/0/00000000000000000000-{SEG}.{suffix}");
            let p = Layout::Aiven.parse_key(&key).unwrap();
            assert_eq!(p.name.kind, kind, "{suffix}");
            assert_eq!(p.dir.prefix, "");
            assert_eq!(p.dir.topic, Some("tiered-my-topic"));
            assert_eq!(
                split_glued(p.dir.topic.unwrap(), "my-topic"),
                Some("tiered-")
            );
        }
        // Kafka's own suffix for the checkpoint is not Aiven's.
        let key = format!("x/t-{TOPIC_ID}/0/00000000000000000000-{SEG}.leader_epoch_checkpoint");
        assert!(Layout::Aiven.parse_key(&key).is_none());
    }

    #[test]
    fn aiven_rejects_near_misses() {
        for key in [
            format!("p/t-{TOPIC_ID}/07/00000000000000000000-{SEG}.log"), // partition "07"
            format!("p/t-{TOPIC_ID}/7/0000000000000000000-{SEG}.log"),   // 19 digits
            format!("p/t-{TOPIC_ID}/7/00000000000000000000-{SEG}x.log"), // 23-char id
            format!("p/t-{TOPIC_ID}/7/00000000000000000000-{SEG}.bak"),  // unknown suffix
            format!("p/t-{TOPIC_ID}x/7/00000000000000000000-{SEG}.log"), // topic id
            format!("00000000000000000000-{SEG}.log"),                   // no directories
        ] {
            assert!(Layout::Aiven.parse_key(&key).is_none(), "{key}");
        }
    }

    #[test]
    fn local_tiered_storage_example_from_its_javadoc() {
        // RemoteLogSegmentFileset: `/ storage-directory / topic-partition-uuidBase64 /
        // 00000000000000000011-oAtiIQ95REujbuzNd_lkLQ.log`
        let key = format!("kafka-tiered-storage/my-topic-3-{TOPIC_ID}/00000000000000000011-oAtiIQ95REujbuzNd_lkLQ.leader_epoch_checkpoint");
        let p = Layout::LocalTieredStorage.parse_key(&key).unwrap();
        assert_eq!(p.dir.prefix, "kafka-tiered-storage/");
        assert_eq!(p.dir.topic, Some("my-topic"));
        assert_eq!(p.partition(), Some(3));
        assert_eq!(p.name.start_offset, Some(11));
        assert_eq!(p.name.kind, FileKind::LeaderEpochCheckpoint);
        let back = Layout::LocalTieredStorage
            .key_for(
                "kafka-tiered-storage/",
                "my-topic",
                &p.dir.topic_id.unwrap(),
                3,
                11,
                &p.name.segment_id,
                FileKind::LeaderEpochCheckpoint,
            )
            .unwrap();
        assert_eq!(back, key);
    }

    #[test]
    fn linkedin_azure_with_and_without_container() {
        let topic = "82da091b-84f5-4d72-9ceb-3532a1f3a4c1";
        let seg = "df2bbd78-3bfd-438c-a4ff-29a45a4d4e9d";
        let key = format!("kafka-{topic}/5.{seg}.PRODUCER_SNAPSHOT");
        let p = Layout::LinkedInAzure.parse_key(&key).unwrap();
        assert_eq!(p.dir.prefix, "kafka");
        assert_eq!(p.dir.topic_id, uuid_from_hex(topic));
        assert_eq!(p.partition(), Some(5));
        assert_eq!(p.name.kind, FileKind::ProducerSnapshot);
        assert_eq!(uuid_to_hex(&p.name.segment_id), seg);
        let back = Layout::LinkedInAzure
            .key_for(
                "kafka",
                "ignored",
                &p.dir.topic_id.unwrap(),
                5,
                0,
                &p.name.segment_id,
                FileKind::ProducerSnapshot,
            )
            .unwrap();
        assert_eq!(back, key);
        let bare_key = format!("5.{seg}.SEGMENT");
        let bare = Layout::LinkedInAzure.parse_key(&bare_key).unwrap();
        assert_eq!(bare.dir.topic_id, None);
        assert_eq!(bare.name.kind, FileKind::Log);
        assert!(Layout::LinkedInAzure
            .parse_key(&format!("5.{seg}.segment"))
            .is_none());
    }

    #[test]
    fn ids_with_dashes() {
        let key = format!("p/my-topic-{DASHED}/2/00000000000000000005-{DASHED}.log");
        let p = Layout::Aiven.parse_key(&key).unwrap();
        assert_eq!(p.dir.topic, Some("my-topic"));
        assert_eq!(p.dir.topic_id, uuid_from_base64(DASHED));
        assert_eq!(Some(p.name.segment_id), uuid_from_base64(DASHED));
        let key = format!("d/my-topic-2-{DASHED}/00000000000000000005-{DASHED}.log");
        let p = Layout::LocalTieredStorage.parse_key(&key).unwrap();
        assert_eq!((p.dir.topic, p.partition()), (Some("my-topic"), Some(2)));
    }

    #[test]
    fn uuids_round_trip_between_base64_and_hex() {
        let id = uuid_from_base64(SEG).unwrap();
        let hex = uuid_to_hex(&id);
        assert_eq!(uuid_from_hex(&hex), Some(id));
        assert_eq!(uuid_from_hex(&hex.to_uppercase()), Some(id));
        assert_eq!(uuid_to_base64(&id), SEG);
        assert_eq!(uuid_from_hex("82da091b84f54d729ceb3532a1f3a4c1"), None);
    }

    #[test]
    fn detection_picks_the_layout_that_reads_most() {
        let keys = [
            format!("p/t-{TOPIC_ID}/0/00000000000000000000-{SEG}.log"),
            format!("p/t-{TOPIC_ID}/0/00000000000000000000-{SEG}.indexes"),
            format!("d/t-0-{TOPIC_ID}/00000000000000000000-{SEG}.log"),
            "unrelated/file.txt".to_string(),
        ];
        let (l, n) = Layout::detect(keys.iter().map(|s| s.as_str())).unwrap();
        assert_eq!((l, n), (Layout::Aiven, 2));
        assert_eq!(Layout::detect(["a/b.txt"].into_iter()), None);
    }

    #[test]
    fn required_sets() {
        use FileKind::*;
        let new = Layout::Aiven.required(FileSet::of(&[Log]));
        assert_eq!(new, FileSet::of(&[Log, Indexes, Manifest]));
        let old = Layout::Aiven.required(FileSet::of(&[Log, OffsetIndex]));
        assert!(old.contains(TimeIndex) && !old.contains(TxnIndex) && !old.contains(Indexes));
        assert!(!Layout::LocalTieredStorage
            .required(FileSet::EMPTY)
            .contains(TxnIndex));
    }
}
