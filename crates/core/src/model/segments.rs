//! A partition's remote segments, stored by column.
//!
//! A million segments is KIP-852's motivating case, and in a browser tab the memory a load
//! peaks at is never given back (wasm memory does not shrink). So segments are not structs with
//! a `String` id and a `Vec` of epochs (~180 bytes and three allocations each) but columns:
//! the id as its 16 UUID bytes, offsets / sizes / timestamps as `i64`, the leader-epoch entries
//! of all segments in one pool, state and flags in a byte (~80 bytes a segment, no allocation).
//!
//! Readers get [`SegmentRef`], a copy of one row with Kafka's field names, so code reads
//! `s.start_offset` as it would on a struct. [`Segment`] is the owned form for building.

use super::{Segment, SegmentState};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A segment id: Kafka's UUID (printed as 22 characters of unpadded base64url), or, for input
/// that is not one, the text as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SegmentId<'a> {
    Uuid([u8; 16]),
    Text(&'a str),
}

impl<'a> SegmentId<'a> {
    /// Reads an id: a canonical base64url UUID is kept as its bytes.
    pub fn parse(s: &'a str) -> SegmentId<'a> {
        let mut bytes = [0u8; 16];
        if s.len() == 22 && URL_SAFE_NO_PAD.decode_slice(s, &mut bytes) == Ok(16) {
            SegmentId::Uuid(bytes)
        } else {
            SegmentId::Text(s)
        }
    }
}

impl fmt::Display for SegmentId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentId::Uuid(b) => {
                let mut out = [0u8; 22];
                let n = URL_SAFE_NO_PAD
                    .encode_slice(b, &mut out)
                    .map_err(|_| fmt::Error)?;
                f.write_str(std::str::from_utf8(&out[..n]).map_err(|_| fmt::Error)?)
            }
            SegmentId::Text(s) => f.write_str(s),
        }
    }
}

impl PartialEq<str> for SegmentId<'_> {
    fn eq(&self, other: &str) -> bool {
        *self == SegmentId::parse(other)
    }
}

impl PartialEq<&str> for SegmentId<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == SegmentId::parse(other)
    }
}

impl PartialEq<String> for SegmentId<'_> {
    fn eq(&self, other: &String) -> bool {
        *self == SegmentId::parse(other)
    }
}

impl Serialize for SegmentId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One row of [`Segments`]: the segment's fields by value, its epochs borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRef<'a> {
    pub id: SegmentId<'a>,
    pub start_offset: i64,
    pub end_offset: i64,
    pub max_timestamp_ms: i64,
    pub event_timestamp_ms: Option<i64>,
    pub size_bytes: i64,
    pub segment_leader_epochs: &'a [(i32, i64)],
    pub state: SegmentState,
    pub broker_id: Option<i32>,
    pub copy_in_progress: Option<bool>,
}

impl SegmentRef<'_> {
    pub fn to_segment(&self) -> Segment {
        Segment {
            id: self.id.to_string(),
            start_offset: self.start_offset,
            end_offset: self.end_offset,
            max_timestamp_ms: self.max_timestamp_ms,
            event_timestamp_ms: self.event_timestamp_ms,
            size_bytes: self.size_bytes,
            segment_leader_epochs: self.segment_leader_epochs.to_vec(),
            state: self.state,
            broker_id: self.broker_id,
            copy_in_progress: self.copy_in_progress,
        }
    }
}

impl Segment {
    pub fn as_ref(&self) -> SegmentRef<'_> {
        SegmentRef {
            id: SegmentId::parse(&self.id),
            start_offset: self.start_offset,
            end_offset: self.end_offset,
            max_timestamp_ms: self.max_timestamp_ms,
            event_timestamp_ms: self.event_timestamp_ms,
            size_bytes: self.size_bytes,
            segment_leader_epochs: &self.segment_leader_epochs,
            state: self.state,
            broker_id: self.broker_id,
            copy_in_progress: self.copy_in_progress,
        }
    }
}

const NO_TIMESTAMP: i64 = i64::MIN;
const NO_BROKER: i32 = i32::MIN;
/// `flags`: bits 0–1 the state, bits 2–3 `copy_in_progress` (0 unknown, 1 false, 2 true),
/// bit 4 the id is text (in `text_ids`).
const COPY_SHIFT: u8 = 2;
const TEXT_ID: u8 = 1 << 4;

/// The columns of one row that the forecast reads ([`Segments::lite`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentLite<'a> {
    pub start_offset: i64,
    pub end_offset: i64,
    pub max_timestamp_ms: i64,
    pub size_bytes: i64,
    pub segment_leader_epochs: &'a [(i32, i64)],
    pub state: SegmentState,
    pub copy_in_progress: Option<bool>,
}

/// The segments of one partition, in Kafka's listing order, by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    id: Vec<[u8; 16]>,
    start_offset: Vec<i64>,
    end_offset: Vec<i64>,
    max_timestamp_ms: Vec<i64>,
    size_bytes: Vec<i64>,
    event_timestamp_ms: Vec<i64>,
    broker_id: Vec<i32>,
    flags: Vec<u8>,
    /// Segment `i`'s epochs are `epochs[epochs_end[i - 1]..epochs_end[i]]`.
    epochs_end: Vec<u32>,
    epochs: Vec<(i32, i64)>,
    /// Ids that are not UUIDs, by row (ascending); rare.
    text_ids: Vec<(u32, Box<str>)>,
}

impl Segments {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.start_offset.len()
    }

    pub fn is_empty(&self) -> bool {
        self.start_offset.is_empty()
    }

    /// Appends a segment (its epochs in ascending epoch order).
    pub fn push(&mut self, s: SegmentRef<'_>) {
        let row = self.len() as u32;
        let mut flags = s.state as u8;
        flags |= match s.copy_in_progress {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        } << COPY_SHIFT;
        match s.id {
            SegmentId::Uuid(b) => self.id.push(b),
            SegmentId::Text(t) => match SegmentId::parse(t) {
                SegmentId::Uuid(b) => self.id.push(b),
                SegmentId::Text(t) => {
                    self.id.push([0; 16]);
                    self.text_ids.push((row, t.into()));
                    flags |= TEXT_ID;
                }
            },
        }
        self.start_offset.push(s.start_offset);
        self.end_offset.push(s.end_offset);
        self.max_timestamp_ms.push(s.max_timestamp_ms);
        self.size_bytes.push(s.size_bytes);
        self.event_timestamp_ms
            .push(s.event_timestamp_ms.unwrap_or(NO_TIMESTAMP));
        self.broker_id.push(s.broker_id.unwrap_or(NO_BROKER));
        self.flags.push(flags);
        self.epochs.extend_from_slice(s.segment_leader_epochs);
        self.epochs_end.push(self.epochs.len() as u32);
    }

    /// A copy with no spare capacity (one exact allocation per column).
    pub fn compacted(&self) -> Segments {
        Segments {
            id: self.id.as_slice().into(),
            start_offset: self.start_offset.as_slice().into(),
            end_offset: self.end_offset.as_slice().into(),
            max_timestamp_ms: self.max_timestamp_ms.as_slice().into(),
            size_bytes: self.size_bytes.as_slice().into(),
            event_timestamp_ms: self.event_timestamp_ms.as_slice().into(),
            broker_id: self.broker_id.as_slice().into(),
            flags: self.flags.as_slice().into(),
            epochs_end: self.epochs_end.as_slice().into(),
            epochs: self.epochs.as_slice().into(),
            text_ids: self.text_ids.clone(),
        }
    }

    /// Empties it, keeping the capacity.
    pub fn clear(&mut self) {
        self.id.clear();
        self.start_offset.clear();
        self.end_offset.clear();
        self.max_timestamp_ms.clear();
        self.size_bytes.clear();
        self.event_timestamp_ms.clear();
        self.broker_id.clear();
        self.flags.clear();
        self.epochs_end.clear();
        self.epochs.clear();
        self.text_ids.clear();
    }

    /// Releases spare capacity (a partition is complete).
    pub fn shrink_to_fit(&mut self) {
        self.id.shrink_to_fit();
        self.start_offset.shrink_to_fit();
        self.end_offset.shrink_to_fit();
        self.max_timestamp_ms.shrink_to_fit();
        self.size_bytes.shrink_to_fit();
        self.event_timestamp_ms.shrink_to_fit();
        self.broker_id.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.epochs_end.shrink_to_fit();
        self.epochs.shrink_to_fit();
        self.text_ids.shrink_to_fit();
    }

    /// Row `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<SegmentRef<'_>> {
        (i < self.len()).then(|| self.at(i))
    }

    /// Row `i` without its id, event timestamp and broker (what the forecast reads); cheaper
    /// than [`Segments::at`].
    #[inline]
    pub(crate) fn lite(&self, i: usize) -> SegmentLite<'_> {
        let flags = self.flags[i];
        let lo = if i == 0 {
            0
        } else {
            self.epochs_end[i - 1] as usize
        };
        SegmentLite {
            start_offset: self.start_offset[i],
            end_offset: self.end_offset[i],
            max_timestamp_ms: self.max_timestamp_ms[i],
            size_bytes: self.size_bytes[i],
            segment_leader_epochs: &self.epochs[lo..self.epochs_end[i] as usize],
            state: SegmentState::ALL[(flags & 3) as usize],
            copy_in_progress: match (flags >> COPY_SHIFT) & 3 {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            },
        }
    }

    /// Row `i`. Panics when `i >= len()`, as slice indexing does.
    pub fn at(&self, i: usize) -> SegmentRef<'_> {
        let flags = self.flags[i];
        let lo = if i == 0 {
            0
        } else {
            self.epochs_end[i - 1] as usize
        };
        let id = if flags & TEXT_ID != 0 {
            let at = self
                .text_ids
                .binary_search_by_key(&(i as u32), |(r, _)| *r)
                .map_or("", |k| &*self.text_ids[k].1);
            SegmentId::Text(at)
        } else {
            SegmentId::Uuid(self.id[i])
        };
        SegmentRef {
            id,
            start_offset: self.start_offset[i],
            end_offset: self.end_offset[i],
            max_timestamp_ms: self.max_timestamp_ms[i],
            event_timestamp_ms: Some(self.event_timestamp_ms[i]).filter(|&t| t != NO_TIMESTAMP),
            size_bytes: self.size_bytes[i],
            segment_leader_epochs: &self.epochs[lo..self.epochs_end[i] as usize],
            state: SegmentState::ALL[(flags & 3) as usize],
            broker_id: Some(self.broker_id[i]).filter(|&b| b != NO_BROKER),
            copy_in_progress: match (flags >> COPY_SHIFT) & 3 {
                1 => Some(false),
                2 => Some(true),
                _ => None,
            },
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            segments: self,
            rows: 0..self.len(),
        }
    }

    /// The owned segments (for tests and edits; the app never needs this).
    pub fn to_vec(&self) -> Vec<Segment> {
        self.iter().map(|s| s.to_segment()).collect()
    }
}

/// The rows of [`Segments`] in listing order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    segments: &'a Segments,
    rows: std::ops::Range<usize>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = SegmentRef<'a>;
    fn next(&mut self) -> Option<SegmentRef<'a>> {
        self.rows.next().map(|i| self.segments.at(i))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
    fn nth(&mut self, n: usize) -> Option<SegmentRef<'a>> {
        self.rows.nth(n).map(|i| self.segments.at(i))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.rows.next_back().map(|i| self.segments.at(i))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Segments {
    type Item = SegmentRef<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl From<Vec<Segment>> for Segments {
    fn from(v: Vec<Segment>) -> Self {
        v.iter().collect()
    }
}

impl<'a> FromIterator<&'a Segment> for Segments {
    fn from_iter<I: IntoIterator<Item = &'a Segment>>(iter: I) -> Self {
        let mut out = Segments::new();
        for s in iter {
            out.push(s.as_ref());
        }
        out.shrink_to_fit();
        out
    }
}

impl FromIterator<Segment> for Segments {
    fn from_iter<I: IntoIterator<Item = Segment>>(iter: I) -> Self {
        let mut out = Segments::new();
        for s in iter {
            out.push(s.as_ref());
        }
        out.shrink_to_fit();
        out
    }
}

impl Serialize for Segments {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|r| r.to_segment()))
    }
}

impl<'de> Deserialize<'de> for Segments {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<Segment>::deserialize(d)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(id: &str, state: SegmentState, epochs: &[(i32, i64)]) -> Segment {
        Segment {
            id: id.into(),
            start_offset: 10,
            end_offset: 20,
            max_timestamp_ms: 5,
            event_timestamp_ms: None,
            size_bytes: 100,
            segment_leader_epochs: epochs.to_vec(),
            state,
            broker_id: Some(3),
            copy_in_progress: Some(true),
        }
    }

    #[test]
    fn rows_round_trip_with_uuid_and_text_ids() {
        let v = vec![
            seg(
                "iWtc1Z6xQu2_DJXTklzKxQ",
                SegmentState::CopySegmentFinished,
                &[(0, 10)],
            ),
            seg(
                "not-a-uuid",
                SegmentState::DeleteSegmentStarted,
                &[(1, 10), (2, 15)],
            ),
            Segment {
                broker_id: None,
                copy_in_progress: None,
                event_timestamp_ms: Some(-1),
                ..seg("a", SegmentState::CopySegmentStarted, &[(4, 10)])
            },
        ];
        let cols = Segments::from(v.clone());
        assert_eq!(cols.len(), 3);
        assert_eq!(cols.to_vec(), v);
        assert!(matches!(cols.at(0).id, SegmentId::Uuid(_)));
        assert_eq!(cols.at(0).id, "iWtc1Z6xQu2_DJXTklzKxQ");
        assert_eq!(cols.at(1).id.to_string(), "not-a-uuid");
        assert_eq!(cols.at(1).segment_leader_epochs, &[(1, 10), (2, 15)]);
    }

    #[test]
    fn a_non_canonical_base64_id_stays_text() {
        // The last character carries 2 bits: "R" sets bits a 16-byte value cannot have.
        assert!(matches!(
            SegmentId::parse("iWtc1Z6xQu2_DJXTklzKxR"),
            SegmentId::Text(_)
        ));
        let cols = Segments::from(vec![seg(
            "iWtc1Z6xQu2_DJXTklzKxR",
            SegmentState::CopySegmentFinished,
            &[(0, 0)],
        )]);
        assert_eq!(cols.at(0).id.to_string(), "iWtc1Z6xQu2_DJXTklzKxR");
    }
}
