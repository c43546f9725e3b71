//! Snapshot JSON read as it arrives: bytes are pushed in chunks of any size (a network response
//! body, a file read piecewise, a gzip decoder's output) and each segment goes straight into the
//! model, so neither the whole text nor a tree of it is ever held.
//!
//! Only the six levels of the contract's structure (snapshot → topics → topic → partitions →
//! partition → segments) are walked here, token by token. Every value below them (a segment
//! object, a config map, an epoch list, a scalar) is handed to serde_json, which parses it from
//! the buffered bytes; a value cut by a chunk boundary is retried when more bytes arrive. So
//! value-level syntax and type errors are serde's own, re-located to the whole input.
//!
//! Differences from a whole-document parse, all on inputs that are invalid anyway: a duplicate
//! structural key (`"segments"` twice) appends instead of failing; `format` and `version` are
//! checked where they appear, so a broken segment before them is reported first.

use super::snapshot_v1::{
    Int, PartitionBuilder, PartitionJson, SegmentJson, SegmentWire, SnapshotBuilder, TopicBuilder,
    TopicJson,
};
use super::{LoadError, Loaded};
use serde::de::{Deserialize, DeserializeOwned, IgnoredAny};

/// Byte index in `text` of the character a serde error points at (its 1-based line and column).
fn error_index(text: &str, e: &serde_json::Error) -> usize {
    let bytes = text.as_bytes();
    let mut line_start = 0;
    for _ in 1..e.line() {
        match memchr::memchr(b'\n', &bytes[line_start..]) {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    line_start + e.column().saturating_sub(1)
}

/// How far a streaming load has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of (decompressed) text read so far.
    pub bytes: u64,
    /// Segments parsed so far (dropped ones included).
    pub segments: u64,
}

/// Where the walker is inside one level of the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Topics,
    Topic,
    Partitions,
    Partition,
    Segments,
}

impl Level {
    fn is_object(self) -> bool {
        matches!(self, Level::Root | Level::Topic | Level::Partition)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Object: a key or `}` (`first`: no comma seen yet, so `}` is allowed).
    KeyOrEnd { first: bool },
    /// Object: the value of this key (index into [`Key`]).
    Value(Key),
    /// Array: an element or `]`.
    ElementOrEnd { first: bool },
    /// After a member or element: `,` or the closing bracket.
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    level: Level,
    expect: Expect,
}

/// Keys the walker acts on; everything else is skipped (forward compatibility).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Other,
    // root
    Format,
    Version,
    Cluster,
    KafkaVersion,
    CapturedAtMs,
    Topics,
    // topic
    Name,
    TopicId,
    Config,
    Partitions,
    // partition
    Partition,
    LogStartOffset,
    LogEndOffset,
    LocalLogStartOffset,
    LocalSizeBytes,
    OnlyLocalSizeBytes,
    LeaderEpochs,
    Segments,
}

fn key_of(level: Level, k: &[u8]) -> Key {
    match (level, k) {
        (Level::Root, b"format") => Key::Format,
        (Level::Root, b"version") => Key::Version,
        (Level::Root, b"cluster") => Key::Cluster,
        (Level::Root, b"kafkaVersion") => Key::KafkaVersion,
        (Level::Root, b"capturedAtMs") => Key::CapturedAtMs,
        (Level::Root, b"topics") => Key::Topics,
        (Level::Topic, b"name") => Key::Name,
        (Level::Topic, b"topicId") => Key::TopicId,
        (Level::Topic, b"config") => Key::Config,
        (Level::Topic, b"partitions") => Key::Partitions,
        (Level::Partition, b"partition") => Key::Partition,
        (Level::Partition, b"logStartOffset") => Key::LogStartOffset,
        (Level::Partition, b"logEndOffset") => Key::LogEndOffset,
        (Level::Partition, b"localLogStartOffset") => Key::LocalLogStartOffset,
        (Level::Partition, b"localSizeBytes") => Key::LocalSizeBytes,
        (Level::Partition, b"onlyLocalSizeBytes") => Key::OnlyLocalSizeBytes,
        (Level::Partition, b"leaderEpochs") => Key::LeaderEpochs,
        (Level::Partition, b"segments") => Key::Segments,
        _ => Key::Other,
    }
}

/// The bytes buffered so far, and the longest prefix of them that is whole UTF-8 (checked once
/// per chunk, so serde reads strings without validating each one again).
#[derive(Clone, Copy)]
struct Input<'d> {
    bytes: &'d [u8],
    text: &'d str,
}

impl std::ops::Deref for Input<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

/// The outcome of trying to take one step on the bytes buffered so far.
enum Step {
    /// Advanced; try another.
    Progressed,
    /// The next token or value is not complete yet.
    NeedMore,
    /// The document is complete.
    Done,
}

/// A push parser of snapshot-v1 JSON. Feed it chunks, then [`SnapshotStream::finish`].
pub struct SnapshotStream {
    /// Unconsumed bytes: a token or value cut by a chunk boundary, and what followed.
    buf: Vec<u8>,
    /// Absolute input offset of `buf[0]`.
    base: u64,
    /// Lines before `base` (1-based line of `buf[0]`) and the column (1-based) of `buf[0]`.
    line: usize,
    column: usize,
    stack: Vec<Frame>,
    started: bool,
    done: bool,
    /// A value that failed to parse for lack of bytes is retried only once this many bytes are
    /// buffered (doubling), so a huge value costs linear, not quadratic, time.
    retry_at: usize,
    builder: SnapshotBuilder,
    /// Not an object at the top: kept whole, to tell invalid JSON from "not a snapshot".
    non_object: Option<Vec<u8>>,
    /// `line` and `column` are those of the non-object's first byte (no longer advanced).
    non_object_started: bool,
}

impl Default for SnapshotStream {
    fn default() -> Self {
        Self::new()
    }
}

impl SnapshotStream {
    pub fn new() -> Self {
        Self::starting_at(0, 1, 1)
    }

    /// A reader whose first byte is at input offset `base`, 1-based `line` and `column` (the
    /// blanks before it were read by whoever sniffed the format).
    pub fn starting_at(base: u64, line: usize, column: usize) -> Self {
        SnapshotStream {
            buf: Vec::new(),
            base,
            line,
            column,
            stack: Vec::new(),
            started: false,
            done: false,
            retry_at: 0,
            builder: SnapshotBuilder::default(),
            non_object: None,
            non_object_started: false,
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.base + self.buf.len() as u64,
            segments: self.builder.segments_seen,
        }
    }

    /// Bytes held for values not yet complete (the rest of the input is already in the model).
    pub fn buffered(&self) -> usize {
        self.buf.capacity() + self.non_object.as_ref().map_or(0, Vec::capacity)
    }

    /// Segments kept so far.
    pub fn segments_kept(&self) -> u64 {
        self.builder.segments_kept
    }

    /// Segments dropped so far (each held as a problem).
    pub fn segments_dropped(&self) -> u64 {
        self.builder.segments_dropped
    }

    /// Reads the next chunk. Without buffered leftovers the chunk is parsed in place.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        if let Some(whole) = &mut self.non_object {
            whole.extend_from_slice(chunk);
            self.base += chunk.len() as u64;
            return Ok(());
        }
        if self.buf.is_empty() {
            let used = self.run(chunk, false)?;
            self.discard(chunk, used);
            if used < chunk.len() {
                self.buf.extend_from_slice(&chunk[used..]);
            }
        } else {
            self.buf.extend_from_slice(chunk);
            if self.buf.len() < self.retry_at {
                return Ok(());
            }
            let buf = std::mem::take(&mut self.buf);
            let used = self.run(&buf, false)?;
            self.discard(&buf, used);
            self.buf = buf;
            self.buf.drain(..used);
            if self.buf.capacity() > 4 * self.buf.len().max(1 << 16) {
                self.buf.shrink_to(self.buf.len().max(1 << 16));
            }
        }
        Ok(())
    }

    /// The input has ended: the snapshot, or why there is none.
    pub fn finish(mut self) -> Result<Loaded, LoadError> {
        if let Some(whole) = self.non_object.take() {
            // Valid JSON that is not an object (a string, a number, an array) is no snapshot.
            return match serde_json::from_slice::<IgnoredAny>(&whole) {
                Ok(_) => Err(LoadError::NotASnapshot { found: None }),
                Err(e) => Err(self.json_error(&whole, 0, e)),
            };
        }
        let buf = std::mem::take(&mut self.buf);
        let used = self.run(&buf, true)?;
        if !self.done {
            let rest = &buf[used..];
            let at = used + rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            return Err(if !self.started && at == buf.len() {
                LoadError::Empty
            } else {
                self.eof_error(&buf, at)
            });
        }
        if let Some(i) = buf[used..].iter().position(|b| !b.is_ascii_whitespace()) {
            return Err(self.syntax_error(&buf, used + i, "trailing characters"));
        }
        self.builder.finish()
    }

    /// Advances the line/column of `buf[0]` past `data[..used]`.
    fn discard(&mut self, data: &[u8], used: usize) {
        self.base += used as u64;
        if self.non_object_started {
            return;
        }
        let gone = &data[..used];
        match memchr::memrchr(b'\n', gone) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', gone).count();
                self.column = used - last;
            }
            None => self.column += used,
        }
    }

    /// 1-based line and column of `data[at]`.
    fn location(&self, data: &[u8], at: usize) -> (usize, usize) {
        let before = &data[..at.min(data.len())];
        match memchr::memrchr(b'\n', before) {
            Some(last) => (
                self.line + memchr::memchr_iter(b'\n', before).count(),
                at - last,
            ),
            None => (self.line, self.column + at),
        }
    }

    fn syntax_error(&self, data: &[u8], at: usize, message: &str) -> LoadError {
        let (line, column) = self.location(data, at);
        LoadError::Json {
            line,
            column,
            message: message.to_string(),
        }
    }

    fn eof_error(&self, data: &[u8], at: usize) -> LoadError {
        let what = match self.stack.last() {
            Some(f) if f.level.is_object() => "an object",
            Some(_) => "a list",
            None => "a value",
        };
        // serde_json's wording, so a truncated file reads the same however it was cut.
        self.syntax_error(data, at, &format!("EOF while parsing {what}"))
    }

    /// A serde error inside the value that starts at `data[start]`, located in the whole input.
    fn json_error(&self, data: &[u8], start: usize, e: serde_json::Error) -> LoadError {
        let (l0, c0) = self.location(data, start);
        let (line, column) = if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1))
        } else {
            (l0 + e.line() - 1, e.column())
        };
        let full = e.to_string();
        let message = full
            .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
            .unwrap_or(&full)
            .to_string();
        match e.classify() {
            serde_json::error::Category::Data => LoadError::Schema {
                message,
                line,
                column,
            },
            _ => LoadError::Json {
                line,
                column,
                message,
            },
        }
    }

    /// Parses one complete value at `data[at..]` with serde; `None` if the bytes end inside it.
    fn value<'d, T: Deserialize<'d>>(
        &mut self,
        data: Input<'d>,
        at: usize,
        eof: bool,
    ) -> Result<Option<(T, usize)>, LoadError> {
        // Only a character cut by the chunk's end lies past the text (or the value starts with
        // it): wait for the rest.
        let Some(text) = data.text.get(at..).filter(|t| !t.is_empty()) else {
            self.retry_at = data.len() - at + 1;
            return Ok(None);
        };
        // A stream deserializer reports where the value ended (and refuses a number glued to
        // what follows it).
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
        let next = values.next();
        match next.unwrap_or_else(|| Err(serde::de::Error::custom("EOF"))) {
            Ok(v) => {
                let end = at + values.byte_offset();
                // A number or a literal (`true`, `false`, `null`) is complete only once
                // something follows it: serde refuses one glued to what follows ("trailing
                // characters"), which a chunk's end may hide.
                let delimited = matches!(data[at], b'"' | b'[' | b'{');
                if !delimited && end == at + text.len() && !eof {
                    self.retry_at = data.len() - at + 1;
                    return Ok(None);
                }
                self.retry_at = 0;
                Ok(Some((v, end)))
            }
            Err(e)
                if e.classify() == serde_json::error::Category::Eof
                    && (!eof || text.len() < data.len() - at) =>
            {
                // Retried once the buffer (which will start at this value) has doubled.
                self.retry_at = (data.len() - at) * 2;
                Ok(None)
            }
            // serde reports a number cut after `-`, `.` or `e` as invalid rather than cut short,
            // and locates some errors as far as it could read: an error at the last byte of
            // what has arrived may read differently once more arrives, so wait for it.
            Err(e)
                if !eof
                    && text.len() == data.len() - at
                    && error_index(text, &e) + 1 >= text.len() =>
            {
                self.retry_at = (data.len() - at) * 2;
                Ok(None)
            }
            Err(e) => Err(self.json_error(&data, at, e)),
        }
    }

    /// Walks as far as `data` allows; returns how many bytes were consumed.
    fn run(&mut self, all: &[u8], eof: bool) -> Result<usize, LoadError> {
        let (bytes, text) = match std::str::from_utf8(all) {
            Ok(t) => (all, t),
            // A character cut by the chunk's end: the rest arrives with the next chunk, and
            // nothing past the whole characters is looked at before then (it may turn out not to
            // be UTF-8, which is what the whole input would report there).
            Err(e) if e.error_len().is_none() && !eof => {
                let valid = &all[..e.valid_up_to()];
                (valid, std::str::from_utf8(valid).unwrap_or_default())
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // The text before the bad byte is read first: an error there comes first, and a
                // top-level non-object keeps everything (so chunks of any size agree).
                if valid > 0 {
                    self.run(&all[..valid], false)?;
                    if let Some(whole) = &mut self.non_object {
                        whole.extend_from_slice(&all[valid..]);
                        return Ok(all.len());
                    }
                }
                return Err(LoadError::NotUtf8 {
                    offset: (self.base + valid as u64) as usize,
                });
            }
        };
        let data = Input { bytes, text };
        let mut at = 0;
        loop {
            while at < data.len() && data[at].is_ascii_whitespace() {
                at += 1;
            }
            let mut next = at;
            match self.step(data, &mut next, eof)? {
                Step::Progressed => at = next,
                Step::NeedMore => return Ok(at),
                Step::Done => {
                    // A top-level non-object keeps everything, a cut character included.
                    if let Some(whole) = &mut self.non_object {
                        whole.extend_from_slice(&all[bytes.len()..]);
                        return Ok(all.len());
                    }
                    return Ok(next);
                }
            }
        }
    }

    /// One token or value at `data[*at]` (whitespace already skipped).
    fn step(&mut self, data: Input<'_>, at: &mut usize, eof: bool) -> Result<Step, LoadError> {
        let Some(&c) = data.get(*at) else {
            return Ok(if self.done {
                Step::Done
            } else {
                Step::NeedMore
            });
        };
        if self.done {
            return Ok(Step::Done);
        }
        let Some(frame) = self.stack.last().copied() else {
            if self.started {
                return Ok(Step::Done);
            }
            self.started = true;
            if c == b'{' {
                self.stack.push(Frame {
                    level: Level::Root,
                    expect: Expect::KeyOrEnd { first: true },
                });
                *at += 1;
                return Ok(Step::Progressed);
            }
            // Errors in it are located from its first byte.
            (self.line, self.column) = self.location(&data, *at);
            self.non_object = Some(data.bytes[*at..].to_vec());
            *at = data.len();
            self.non_object_started = true;
            return Ok(Step::Done);
        };
        match frame.expect {
            Expect::KeyOrEnd { first } => {
                if c == b'}' && first {
                    *at += 1;
                    return self.close(&data, *at - 1);
                }
                if c != b'"' {
                    return Err(self.syntax_error(&data, *at, "key must be a string"));
                }
                let Some((key, after_key)) = self.key(data, *at, frame.level)? else {
                    return Ok(Step::NeedMore);
                };
                let mut colon = after_key;
                while colon < data.len() && data[colon].is_ascii_whitespace() {
                    colon += 1;
                }
                match data.get(colon) {
                    None => Ok(Step::NeedMore),
                    Some(b':') => {
                        self.set_expect(Expect::Value(key));
                        *at = colon + 1;
                        Ok(Step::Progressed)
                    }
                    Some(_) => Err(self.syntax_error(&data, colon, "expected `:`")),
                }
            }
            Expect::Value(key) => self.member_value(data, at, eof, key),
            Expect::ElementOrEnd { first } => {
                if c == b']' && first {
                    *at += 1;
                    return self.close(&data, *at - 1);
                }
                self.element(data, at, eof, frame.level)
            }
            Expect::CommaOrEnd => {
                let level = frame.level;
                match c {
                    b',' => {
                        self.set_expect(if level.is_object() {
                            Expect::KeyOrEnd { first: false }
                        } else {
                            Expect::ElementOrEnd { first: false }
                        });
                        *at += 1;
                        Ok(Step::Progressed)
                    }
                    b'}' if level.is_object() => {
                        *at += 1;
                        self.close(&data, *at - 1)
                    }
                    b']' if !level.is_object() => {
                        *at += 1;
                        self.close(&data, *at - 1)
                    }
                    _ => Err(self.syntax_error(
                        &data,
                        *at,
                        if level.is_object() {
                            "expected `,` or `}`"
                        } else {
                            "expected `,` or `]`"
                        },
                    )),
                }
            }
        }
    }

    fn set_expect(&mut self, e: Expect) {
        if let Some(f) = self.stack.last_mut() {
            f.expect = e;
        }
    }

    /// Reads the key string at `data[at]`: which key, and where it ends.
    fn key(
        &mut self,
        data: Input<'_>,
        at: usize,
        level: Level,
    ) -> Result<Option<(Key, usize)>, LoadError> {
        // Keys are short and rarely escaped: find the closing quote; decode escapes with serde.
        let body = &data[at + 1..];
        let Some(q) = memchr::memchr2(b'"', b'\\', body) else {
            return Ok(None);
        };
        if body[q] == b'"' {
            return Ok(Some((key_of(level, &body[..q]), at + 1 + q + 1)));
        }
        Ok(self
            .value::<String>(data, at, false)?
            .map(|(k, end)| (key_of(level, k.as_bytes()), end)))
    }

    /// A value of the wrong shape where the structure needs an array or object: parsed as the
    /// contract's type so the error is serde's own ("invalid type: ..., expected ...").
    fn wrong_shape<T: DeserializeOwned>(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
    ) -> Result<Step, LoadError> {
        let start = *at;
        let step = self.take(data, at, eof, |_, _: T| Ok(()))?;
        match step {
            // Parsed as the contract's type after all (cannot happen for an array or object
            // type, whose values start with `[` or `{`): still the wrong shape here.
            Step::Progressed => {
                let (line, column) = self.location(&data, start);
                Err(LoadError::Schema {
                    message: "expected an array or object".into(),
                    line,
                    column,
                })
            }
            other => Ok(other),
        }
    }

    /// Parses a complete value with serde; on success hands it to `f` and expects `,`/end.
    fn take<'d, T: Deserialize<'d>>(
        &mut self,
        data: Input<'d>,
        at: &mut usize,
        eof: bool,
        f: impl FnOnce(&mut SnapshotBuilder, T) -> Result<(), LoadError>,
    ) -> Result<Step, LoadError> {
        match self.value::<T>(data, *at, eof)? {
            None => Ok(Step::NeedMore),
            Some((v, end)) => {
                f(&mut self.builder, v)?;
                self.set_expect(Expect::CommaOrEnd);
                *at = end;
                Ok(Step::Progressed)
            }
        }
    }

    fn open(&mut self, at: &mut usize, level: Level) -> Result<Step, LoadError> {
        self.set_expect(Expect::CommaOrEnd);
        self.stack.push(Frame {
            level,
            expect: if level.is_object() {
                Expect::KeyOrEnd { first: true }
            } else {
                Expect::ElementOrEnd { first: true }
            },
        });
        match level {
            Level::Topic => self.builder.topic = Some(TopicBuilder::default()),
            Level::Partition => self.builder.partition = Some(PartitionBuilder::default()),
            _ => {}
        }
        *at += 1;
        Ok(Step::Progressed)
    }

    /// The closing bracket at `data[at]` ends the innermost level.
    fn close(&mut self, data: &[u8], at: usize) -> Result<Step, LoadError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(Step::Done);
        };
        // Located only when something is missing: locating costs a scan back to a newline.
        let missing = |this: &Self, field: &str| {
            let (line, column) = this.location(data, at + 1);
            LoadError::Schema {
                message: format!("missing field `{field}`"),
                line,
                column,
            }
        };
        match frame.level {
            Level::Partition => self.builder.end_partition().map_err(|f| missing(self, f))?,
            Level::Topic => self.builder.end_topic().map_err(|f| missing(self, f))?,
            Level::Root => {
                if let Some(f) = self.builder.missing_in_root()? {
                    return Err(missing(self, f));
                }
                self.done = true;
                return Ok(Step::Done);
            }
            _ => {}
        }
        Ok(Step::Progressed)
    }

    fn member_value(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        key: Key,
    ) -> Result<Step, LoadError> {
        let c = data[*at];
        match key {
            Key::Topics if c == b'[' => {
                self.builder.topics_seen = true;
                self.open(at, Level::Topics)
            }
            Key::Topics => self.wrong_shape::<Vec<TopicJson>>(data, at, eof),
            Key::Partitions if c == b'[' => self.open(at, Level::Partitions),
            Key::Partitions => self.wrong_shape::<Vec<PartitionJson>>(data, at, eof),
            Key::Segments if c == b'[' => self.open(at, Level::Segments),
            Key::Segments => self.wrong_shape::<Vec<SegmentJson>>(data, at, eof),
            Key::Format => self.take(data, at, eof, |b, v| b.format(v)),
            Key::Version => {
                // Located once per document.
                let here = self.location(&data, *at);
                self.take(data, at, eof, |b, v| b.version(v, here))
            }
            Key::Cluster => self.take(data, at, eof, |b, v: Option<String>| {
                b.cluster = v;
                Ok(())
            }),
            Key::KafkaVersion => self.take(data, at, eof, |b, v: Option<String>| {
                b.kafka_version = v;
                Ok(())
            }),
            Key::CapturedAtMs => self.take(data, at, eof, |b, v: Int| {
                b.captured_at_ms = Some(v.0);
                Ok(())
            }),
            Key::Name => self.take(data, at, eof, |b, v: String| {
                b.topic_mut().name = Some(v);
                Ok(())
            }),
            Key::TopicId => self.take(data, at, eof, |b, v: Option<String>| {
                b.topic_mut().topic_id = v;
                Ok(())
            }),
            Key::Config => self.take(data, at, eof, |b, v| {
                b.topic_mut().config = v;
                Ok(())
            }),
            Key::Partition => self.take(data, at, eof, |b, v: i32| {
                b.partition_mut().partition = Some(v);
                Ok(())
            }),
            Key::LogStartOffset
            | Key::LogEndOffset
            | Key::LocalLogStartOffset
            | Key::LocalSizeBytes
            | Key::OnlyLocalSizeBytes => self.take(data, at, eof, |b, v: Option<Int>| {
                let p = b.partition_mut();
                let slot = match key {
                    Key::LogStartOffset => &mut p.log_start_offset,
                    Key::LogEndOffset => &mut p.log_end_offset,
                    Key::LocalLogStartOffset => &mut p.local_log_start_offset,
                    Key::LocalSizeBytes => &mut p.local_size_bytes,
                    _ => &mut p.only_local_size_bytes,
                };
                *slot = v.map(|i| i.0);
                Ok(())
            }),
            Key::LeaderEpochs => self.take(data, at, eof, |b, v: Option<Vec<(i32, Int)>>| {
                b.partition_mut().leader_epochs = v;
                Ok(())
            }),
            Key::Other => self.take(data, at, eof, |_, IgnoredAny| Ok(())),
        }
    }

    fn element(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        level: Level,
    ) -> Result<Step, LoadError> {
        let c = data[*at];
        match level {
            Level::Topics if c == b'{' => self.open(at, Level::Topic),
            Level::Topics => self.wrong_shape::<TopicJson>(data, at, eof),
            Level::Partitions if c == b'{' => self.open(at, Level::Partition),
            Level::Partitions => self.wrong_shape::<PartitionJson>(data, at, eof),
            _ => {
                let offset = self.base + *at as u64;
                self.take(data, at, eof, |b, s: SegmentWire<'_>| b.segment(s, offset))
            }
        }
    }
}
