//! Kafka version profiles: which release's retention and size rules a number is computed with.
//!
//! Several rules of the remote expiration run changed between Kafka releases
//! (kafka-semantics.md §5, kafka-reference.md §4.8). Each [`KafkaVersion`] profile bundles the
//! releases that behave alike, and [`KafkaVersion::rules`] turns it into plain data
//! ([`Rules`]). The engines (`size`, `retention`, `lineage`) read only [`Rules`], never the
//! version itself.

use crate::model::SegmentState;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A group of Kafka releases with the same tiered-storage retention and size rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum KafkaVersion {
    /// 3.6.1, 3.6.2 and 3.7.0 (3.6.0 is close; see [`KafkaVersion::parse_with_note`]).
    V3_6_1To3_7_0,
    /// 3.7.1 (and later 3.7.x).
    V3_7_1,
    /// 3.8.0.
    V3_8_0,
    /// 3.8.1 and 3.9.x.
    V3_8_1To3_9,
    /// 4.0.0 up to 4.2.x.
    V4_0To4_2,
    /// Trunk after KAFKA-20026 / KAFKA-20091 (presumably 4.3.0 and later). The default.
    #[default]
    V4_3Plus,
}

/// A set of [`SegmentState`]s (which states a sum counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StateSet(u8);

impl StateSet {
    pub const EMPTY: StateSet = StateSet(0);

    pub const fn of(states: &[SegmentState]) -> StateSet {
        let mut bits = 0u8;
        let mut i = 0;
        while i < states.len() {
            bits |= 1 << (states[i] as u8);
            i += 1;
        }
        StateSet(bits)
    }

    #[inline]
    pub fn contains(self, s: SegmentState) -> bool {
        self.0 & (1 << (s as u8)) != 0
    }

    pub fn states(self) -> Vec<SegmentState> {
        SegmentState::ALL
            .into_iter()
            .filter(|s| self.contains(*s))
            .collect()
    }
}

impl Serialize for StateSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.states().iter().map(|s| s.as_str()))
    }
}

/// Which form of `isRemoteSegmentWithinLeaderEpochs` a release uses (kafka-reference.md §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LineageCheck {
    /// 3.6.x–3.7.0: the segment's first epoch must be in the lineage, and its offset must not
    /// precede the lineage's, even for the lineage's first epoch.
    Old,
    /// 3.7.1+ (KAFKA-16511): epochs before the lineage start are ignored; the first lineage
    /// epoch has no lower offset bound.
    New,
}

/// How the new log start offset is taken from the segments deleted by time or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LogStartOffsetRule {
    /// ≤ 3.7.x: `endOffset + 1` of the last segment deleted by time or size.
    LastDeleted,
    /// 3.8.0+ (KAFKA-16890): the largest `endOffset + 1` among them.
    MaxEndOffset,
}

/// One value per rule of kafka-semantics.md §5 (and the local-tier rules of §4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rules {
    /// `true`: a segment breaches retention.ms when `maxTimestampMs < now - retention.ms`
    /// (KAFKA-20091, 4.3+); `false`: when `<=`.
    pub time_breach_strict: bool,
    /// States whose sizes count in the remote part of the total compared with retention.bytes
    /// (only segments within the leader-epoch lineage, each once).
    pub retention_size_states: StateSet,
    /// States whose sizes make up the `RemoteLogSizeBytes` metric.
    pub metric_states: StateSet,
    /// `false` where some releases of the profile do not emit `RemoteLogSizeBytes` /
    /// `RemoteLogMetadataCount` (3.6.x; the metrics came with 3.7.0, KIP-963).
    pub metric_in_all_releases: bool,
    /// `true` (4.0+, KAFKA-17428): a `DELETE_SEGMENT_STARTED` segment met in the walk is always
    /// deleted again, without using the size budget; `false`: it is evaluated like any other.
    pub delete_started_always_retried: bool,
    /// `true` (≤ 3.9): `retention.ms > now` makes `RetentionTimeData` throw, which aborts the
    /// whole run, size retention included; `false` (4.0+, KAFKA-17995): time retention is
    /// skipped.
    pub retention_ms_beyond_now_aborts: bool,
    pub lineage_check: LineageCheck,
    pub log_start_offset_rule: LogStartOffsetRule,
    /// `true` (3.6.0–3.8.0, KAFKA-17360): `local.retention.* = -2` is used raw, i.e. no local
    /// limit at all; `false`: `-2` means `retention.*`.
    pub local_default_means_unlimited: bool,
    /// `true` (3.9.0+, KAFKA-16853): the walk stops at the segment this broker is uploading.
    pub stop_at_segment_being_copied: bool,
    /// `true` (3.7.0+): a local segment below the log start offset may be deleted even if it
    /// was not uploaded.
    pub local_lso_makes_eligible: bool,
}

const ALL_LISTED: StateSet = StateSet::of(&[
    SegmentState::CopySegmentStarted,
    SegmentState::CopySegmentFinished,
    SegmentState::DeleteSegmentStarted,
]);
const FINISHED_AND_DELETE_STARTED: StateSet = StateSet::of(&[
    SegmentState::CopySegmentFinished,
    SegmentState::DeleteSegmentStarted,
]);
const FINISHED: StateSet = StateSet::of(&[SegmentState::CopySegmentFinished]);

/// Why a version string could not be mapped to a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("`{0}` is not a Kafka version (expected e.g. 3.9.0, 4.1.1 or a profile name: 3.6.1-3.7.0, 3.7.1, 3.8.0, 3.8.1-3.9.0, 4.0-4.2, 4.3+)")]
    Unrecognized(String),
    #[error("Kafka {0} has no tiered storage (KIP-405 shipped in 3.6.0)")]
    TooOld(String),
}

impl KafkaVersion {
    pub const ALL: [KafkaVersion; 6] = [
        KafkaVersion::V3_6_1To3_7_0,
        KafkaVersion::V3_7_1,
        KafkaVersion::V3_8_0,
        KafkaVersion::V3_8_1To3_9,
        KafkaVersion::V4_0To4_2,
        KafkaVersion::V4_3Plus,
    ];

    /// The profile name used in kafka-test-vectors.json and shown in the UI.
    pub fn label(self) -> &'static str {
        match self {
            KafkaVersion::V3_6_1To3_7_0 => "3.6.1-3.7.0",
            KafkaVersion::V3_7_1 => "3.7.1",
            KafkaVersion::V3_8_0 => "3.8.0",
            KafkaVersion::V3_8_1To3_9 => "3.8.1-3.9.0",
            KafkaVersion::V4_0To4_2 => "4.0-4.2",
            KafkaVersion::V4_3Plus => "4.3+",
        }
    }

    /// The rules of this profile.
    pub fn rules(self) -> Rules {
        use KafkaVersion::*;
        let at_least = |v: KafkaVersion| self >= v;
        Rules {
            time_breach_strict: at_least(V4_3Plus),
            retention_size_states: match self {
                V3_6_1To3_7_0 | V3_7_1 | V3_8_0 => ALL_LISTED,
                V3_8_1To3_9 => FINISHED_AND_DELETE_STARTED,
                V4_0To4_2 | V4_3Plus => FINISHED,
            },
            metric_states: if at_least(V4_3Plus) {
                FINISHED_AND_DELETE_STARTED
            } else {
                ALL_LISTED
            },
            metric_in_all_releases: self != V3_6_1To3_7_0,
            delete_started_always_retried: at_least(V4_0To4_2),
            retention_ms_beyond_now_aborts: !at_least(V4_0To4_2),
            lineage_check: if at_least(V3_7_1) {
                LineageCheck::New
            } else {
                LineageCheck::Old
            },
            log_start_offset_rule: if at_least(V3_8_0) {
                LogStartOffsetRule::MaxEndOffset
            } else {
                LogStartOffsetRule::LastDeleted
            },
            local_default_means_unlimited: !at_least(V3_8_1To3_9),
            stop_at_segment_being_copied: at_least(V3_8_1To3_9),
            local_lso_makes_eligible: at_least(V3_7_1),
        }
    }

    /// Maps a profile label or a release (`"3.9.0"`, `"4.1"`, `"v3.7.1"`, `"4.0.0-SNAPSHOT"`)
    /// to a profile, with a note when the profile only approximates that release.
    pub fn parse_with_note(s: &str) -> Result<(KafkaVersion, Option<String>), VersionError> {
        let t = s.trim();
        if let Some(v) = KafkaVersion::ALL.into_iter().find(|v| v.label() == t) {
            return Ok((v, None));
        }
        match t {
            "3.8.1-3.9" | "3.8.1-3.9.x" => return Ok((KafkaVersion::V3_8_1To3_9, None)),
            "4.3" | "latest" | "newest" => return Ok((KafkaVersion::V4_3Plus, None)),
            _ => {}
        }
        let bad = || VersionError::Unrecognized(s.to_string());
        let core = t.strip_prefix(['v', 'V']).unwrap_or(t);
        // Drop a qualifier such as "-SNAPSHOT", "-rc1" or "+build".
        let core = core.split(['-', '+', ' ']).next().unwrap_or("");
        let mut parts = core.split('.');
        let mut num = |required: bool| -> Result<u32, VersionError> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse::<u32>().map_err(|_| bad())
                }
                None if !required => Ok(0),
                _ => Err(bad()),
            }
        };
        let major = num(true)?;
        let minor = num(false)?;
        let patch = num(false)?;
        if parts
            .next()
            .is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let v = (major, minor, patch);
        use KafkaVersion::*;
        let out = if v < (3, 6, 0) {
            return Err(VersionError::TooOld(s.to_string()));
        } else if v < (3, 6, 1) {
            (
                V3_6_1To3_7_0,
                Some(
                    "Kafka 3.6.0 is computed with the 3.6.1-3.7.0 profile; 3.6.0 itself charged a \
                     multi-epoch segment to the size budget once per epoch (KAFKA-15479) and did \
                     not skip DELETE_SEGMENT_FINISHED segments (KAFKA-15802)"
                        .to_string(),
                ),
            )
        } else if v < (3, 7, 0) {
            (
                V3_6_1To3_7_0,
                Some(
                    "Kafka 3.6.x has no RemoteLogSizeBytes metric (it came with 3.7.0)".to_string(),
                ),
            )
        } else if v < (3, 7, 1) {
            (V3_6_1To3_7_0, None)
        } else if v < (3, 8, 0) {
            (V3_7_1, None)
        } else if v < (3, 8, 1) {
            (V3_8_0, None)
        } else if v < (3, 9, 0) {
            (
                V3_8_1To3_9,
                Some(
                    "Kafka 3.8.x runs copy and expiration in one task, so no upload is in flight \
                     during an expiration run; the profile's stop at a segment being copied is a \
                     3.9.0 rule"
                        .to_string(),
                ),
            )
        } else if v < (4, 0, 0) {
            (V3_8_1To3_9, None)
        } else if v < (4, 3, 0) {
            (V4_0To4_2, None)
        } else {
            (V4_3Plus, None)
        };
        Ok(out)
    }

    /// The profile a snapshot asks for (its `kafkaVersion`), the default when absent or not
    /// understood, plus a note to show the user when the version was not used as is.
    pub fn for_snapshot(kafka_version: Option<&str>) -> (KafkaVersion, Option<String>) {
        match kafka_version {
            None => (KafkaVersion::default(), None),
            Some(s) => match KafkaVersion::parse_with_note(s) {
                Ok(x) => x,
                Err(e) => (
                    KafkaVersion::default(),
                    Some(format!(
                        "{e}; using the {} profile",
                        KafkaVersion::default().label()
                    )),
                ),
            },
        }
    }
}

impl fmt::Display for KafkaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for KafkaVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KafkaVersion::parse_with_note(s).map(|(v, _)| v)
    }
}

impl Serialize for KafkaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for v in KafkaVersion::ALL {
            assert_eq!(v.label().parse::<KafkaVersion>(), Ok(v));
            assert_eq!(v.to_string(), v.label());
        }
        assert_eq!(KafkaVersion::default(), KafkaVersion::V4_3Plus);
    }

    #[test]
    fn release_strings_map_to_profiles() {
        use KafkaVersion::*;
        let cases = [
            ("3.6.1", V3_6_1To3_7_0),
            ("3.6.2", V3_6_1To3_7_0),
            ("3.7.0", V3_6_1To3_7_0),
            ("3.7.1", V3_7_1),
            ("3.7.2", V3_7_1),
            ("3.8.0", V3_8_0),
            ("3.8.1", V3_8_1To3_9),
            ("3.9.0", V3_8_1To3_9),
            ("3.9.1", V3_8_1To3_9),
            ("3.9", V3_8_1To3_9),
            ("4.0.0", V4_0To4_2),
            ("4.1.1", V4_0To4_2),
            ("4.2.0", V4_0To4_2),
            ("4.3.0", V4_3Plus),
            ("5.0", V4_3Plus),
            ("v3.9.0", V3_8_1To3_9),
            ("4.0.0-SNAPSHOT", V4_0To4_2),
        ];
        for (s, want) in cases {
            assert_eq!(s.parse::<KafkaVersion>(), Ok(want), "{s}");
        }
        let (v, note) = KafkaVersion::parse_with_note("3.6.0").unwrap();
        assert_eq!(v, V3_6_1To3_7_0);
        assert!(note.unwrap().contains("3.6.0"));
        assert!(matches!(
            "3.5.1".parse::<KafkaVersion>(),
            Err(VersionError::TooOld(_))
        ));
        for bad in ["", "abc", "3.x", "4.1.1.1x", "-3.9"] {
            assert!(bad.parse::<KafkaVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_follow_the_version_table() {
        use KafkaVersion::*;
        let r = |v: KafkaVersion| v.rules();
        assert!(r(V4_3Plus).time_breach_strict);
        assert!(!r(V4_0To4_2).time_breach_strict);
        assert!(r(V3_8_0)
            .retention_size_states
            .contains(SegmentState::CopySegmentStarted));
        assert!(!r(V3_8_1To3_9)
            .retention_size_states
            .contains(SegmentState::CopySegmentStarted));
        assert!(r(V3_8_1To3_9)
            .retention_size_states
            .contains(SegmentState::DeleteSegmentStarted));
        assert!(!r(V4_0To4_2)
            .retention_size_states
            .contains(SegmentState::DeleteSegmentStarted));
        assert!(r(V4_0To4_2)
            .metric_states
            .contains(SegmentState::CopySegmentStarted));
        assert!(!r(V4_3Plus)
            .metric_states
            .contains(SegmentState::CopySegmentStarted));
        assert!(r(V4_0To4_2).delete_started_always_retried);
        assert!(!r(V3_8_1To3_9).delete_started_always_retried);
        assert!(r(V3_8_1To3_9).retention_ms_beyond_now_aborts);
        assert!(!r(V4_0To4_2).retention_ms_beyond_now_aborts);
        assert_eq!(r(V3_6_1To3_7_0).lineage_check, LineageCheck::Old);
        assert_eq!(r(V3_7_1).lineage_check, LineageCheck::New);
        assert_eq!(
            r(V3_7_1).log_start_offset_rule,
            LogStartOffsetRule::LastDeleted
        );
        assert_eq!(
            r(V3_8_0).log_start_offset_rule,
            LogStartOffsetRule::MaxEndOffset
        );
        assert!(r(V3_8_0).local_default_means_unlimited);
        assert!(!r(V3_8_1To3_9).local_default_means_unlimited);
        assert!(!r(V3_8_0).stop_at_segment_being_copied);
        assert!(r(V3_8_1To3_9).stop_at_segment_being_copied);
        let json = serde_json::to_value(r(V4_3Plus)).unwrap();
        assert_eq!(
            json["metricStates"],
            serde_json::json!(["COPY_SEGMENT_FINISHED", "DELETE_SEGMENT_STARTED"])
        );
    }
}
