//! JSON listings read as they arrive: `aws s3api` documents (one, or several concatenated as a
//! paginating script writes them) and `az storage blob list` arrays.
//!
//! Only the structure down to the entry arrays is walked here, token by token: the top-level
//! values, the keys of an s3api document, and the `Contents` / `Versions` / `Uploads` arrays (or
//! a top-level array). Each entry is then handed to serde, which parses it from the buffered
//! bytes; an entry cut by a chunk boundary is retried when more bytes arrive. An entry of the
//! wrong shape is a problem (the walk goes on after it); broken JSON syntax stops the load.

use super::{az, s3api, Builder, ListingError, ListingFormat, ListingProblemKind};
use serde::de::{Deserialize, IgnoredAny};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// An s3api document (a top-level object).
    Doc,
    /// An array of entries of this kind.
    Entries(Entries),
}

/// What the elements of an entry array are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entries {
    Contents,
    Versions,
    DeleteMarkers,
    Uploads,
    /// A top-level array: az blobs, or s3api entries printed with `--query 'Contents[]'`.
    TopLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    KeyOrEnd { first: bool },
    Value(Key),
    ElementOrEnd { first: bool },
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    level: Level,
    expect: Expect,
}

/// Keys of an s3api document the walker acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Entries(Entries),
    /// `Name` (list-objects) or `Bucket` (list-multipart-uploads).
    Bucket,
    /// A key saying more pages follow (`IsTruncated`, `NextContinuationToken`, ...).
    Truncation,
    Other,
}

fn key_of(k: &[u8]) -> Key {
    match k {
        b"Contents" => Key::Entries(Entries::Contents),
        b"Versions" => Key::Entries(Entries::Versions),
        b"DeleteMarkers" => Key::Entries(Entries::DeleteMarkers),
        b"Uploads" => Key::Entries(Entries::Uploads),
        b"Name" | b"Bucket" => Key::Bucket,
        b"IsTruncated"
        | b"NextContinuationToken"
        | b"NextKeyMarker"
        | b"NextMarker"
        | b"NextToken"
        | b"NextUploadIdMarker"
        | b"NextVersionIdMarker" => Key::Truncation,
        _ => Key::Other,
    }
}

/// Top-level keys of the s3api listing responses (and the CLI's pagination token): the first
/// key of the first document must be one of them, or the JSON is some other document.
fn is_s3api_key(k: &[u8]) -> bool {
    key_of(k) != Key::Other
        || matches!(
            k,
            b"CommonPrefixes"
                | b"KeyCount"
                | b"MaxKeys"
                | b"MaxUploads"
                | b"Prefix"
                | b"Delimiter"
                | b"EncodingType"
                | b"ContinuationToken"
                | b"StartAfter"
                | b"RequestCharged"
                | b"KeyMarker"
                | b"UploadIdMarker"
                | b"VersionIdMarker"
                | b"Marker"
                | b"ResponseMetadata"
                | b"Owner"
        )
}

/// The buffered bytes and the longest prefix of them that is whole UTF-8.
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

enum Step {
    Progressed,
    NeedMore,
}

/// Why a value could not be taken.
enum ValueError {
    /// Stops the load.
    Fatal(ListingError),
    /// Valid JSON of the wrong shape (serde's message): the entry is a problem.
    Data(String),
}

/// Which reader the entries of a top-level array get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayKind {
    Az,
    S3,
}

pub(crate) struct JsonWalker {
    format: ListingFormat,
    forced: bool,
    buf: Vec<u8>,
    base: u64,
    /// 1-based line and column of `buf[0]`.
    line: u64,
    column: u64,
    stack: Vec<Frame>,
    retry_at: usize,
    documents: u64,
    /// Whether the first key of the first document was checked.
    first_key_seen: bool,
    /// Decided by the first element of a top-level array.
    array_kind: Option<ArrayKind>,
    /// The latest document says more pages follow.
    truncated: bool,
    versions: u64,
    delete_markers: u64,
    uploads: u64,
}

impl JsonWalker {
    /// A walker whose first byte is at input offset `base`, at the start of 1-based `line`.
    pub(crate) fn new(format: ListingFormat, forced: bool, base: u64, line: u64) -> Self {
        JsonWalker {
            format,
            forced,
            buf: Vec::new(),
            base,
            line,
            column: 1,
            stack: Vec::new(),
            retry_at: 0,
            documents: 0,
            first_key_seen: false,
            array_kind: match (forced, format) {
                (true, ListingFormat::AzBlobList) => Some(ArrayKind::Az),
                (true, _) => Some(ArrayKind::S3),
                _ => None,
            },
            truncated: false,
            versions: 0,
            delete_markers: 0,
            uploads: 0,
        }
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    pub(crate) fn buffered(&self) -> usize {
        self.buf.capacity()
    }

    pub(crate) fn feed(&mut self, chunk: &[u8], b: &mut Builder) -> Result<(), ListingError> {
        if self.buf.is_empty() {
            let used = self.run(chunk, false, b)?;
            self.discard(chunk, used);
            self.buf.extend_from_slice(&chunk[used..]);
        } else {
            self.buf.extend_from_slice(chunk);
            if self.buf.len() < self.retry_at {
                return Ok(());
            }
            let buf = std::mem::take(&mut self.buf);
            let used = self.run(&buf, false, b)?;
            self.discard(&buf, used);
            self.buf = buf;
            self.buf.drain(..used);
            if self.buf.capacity() > 4 * self.buf.len().max(1 << 16) {
                self.buf.shrink_to(self.buf.len().max(1 << 16));
            }
        }
        Ok(())
    }

    pub(crate) fn finish(mut self, b: &mut Builder) -> Result<ListingFormat, ListingError> {
        let buf = std::mem::take(&mut self.buf);
        let used = self.run(&buf, true, b)?;
        if let Some(i) = buf[used..].iter().position(|c| !c.is_ascii_whitespace()) {
            return Err(self.syntax_error(&buf, used + i, "trailing characters"));
        }
        if !self.stack.is_empty() {
            let what = match self.stack.last().map(|f| f.level) {
                Some(Level::Doc) => "an object",
                _ => "a list",
            };
            return Err(self.syntax_error(&buf, buf.len(), &format!("EOF while parsing {what}")));
        }
        if self.array_kind == Some(ArrayKind::Az) {
            self.format = ListingFormat::AzBlobList;
        }
        if self.truncated {
            b.note("the last page says more keys follow (IsTruncated / NextContinuationToken): the listing is incomplete; list with the CLI's automatic pagination or concatenate every page");
        }
        if self.versions > 0 {
            b.note(format!(
                "{} object versions listed (list-object-versions): noncurrent versions are counted as objects, since they are stored and billed",
                self.versions
            ));
        }
        if self.delete_markers > 0 {
            b.note(format!(
                "{} delete markers skipped (they hold no data)",
                self.delete_markers
            ));
        }
        if self.uploads > 0 {
            b.note(format!(
                "{} incomplete multipart uploads listed; their parts are stored but list-multipart-uploads does not give their size (0 here)",
                self.uploads
            ));
        }
        Ok(self.format)
    }

    fn discard(&mut self, data: &[u8], used: usize) {
        self.base += used as u64;
        let gone = &data[..used];
        match memchr::memrchr(b'\n', gone) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', gone).count() as u64;
                self.column = (used - last) as u64;
            }
            None => self.column += used as u64,
        }
    }

    /// 1-based line and column of `data[at]`.
    fn location(&self, data: &[u8], at: usize) -> (u64, u64) {
        let before = &data[..at.min(data.len())];
        match memchr::memrchr(b'\n', before) {
            Some(last) => (
                self.line + memchr::memchr_iter(b'\n', before).count() as u64,
                (at - last) as u64,
            ),
            None => (self.line, self.column + at as u64),
        }
    }

    fn syntax_error(&self, data: &[u8], at: usize, message: &str) -> ListingError {
        let (line, column) = self.location(data, at);
        ListingError::Json {
            line,
            column,
            message: message.to_string(),
        }
    }

    fn json_error(&self, data: &[u8], start: usize, e: &serde_json::Error) -> ListingError {
        let (l0, c0) = self.location(data, start);
        let (line, column) = if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1) as u64)
        } else {
            (l0 + e.line() as u64 - 1, e.column() as u64)
        };
        ListingError::Json {
            line,
            column,
            message: serde_message(e),
        }
    }

    fn not_a_listing(&self, seen: String) -> ListingError {
        ListingError::NotAListing {
            expected: self.forced.then_some(self.format),
            seen,
        }
    }

    /// Parses one complete value at `data[at..]`; `None` if the bytes end inside it.
    fn value<'d, T: Deserialize<'d>>(
        &mut self,
        data: Input<'d>,
        at: usize,
        eof: bool,
    ) -> Result<Option<(T, usize)>, ValueError> {
        let Some(text) = data.text.get(at..).filter(|t| !t.is_empty()) else {
            self.retry_at = data.len() - at + 1;
            return Ok(None);
        };
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<T>();
        let next = values.next();
        match next.unwrap_or_else(|| Err(serde::de::Error::custom("EOF"))) {
            Ok(v) => {
                let end = at + values.byte_offset();
                // A number or literal is complete only once something follows it.
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
                self.retry_at = (data.len() - at) * 2;
                Ok(None)
            }
            // An error at the last byte that has arrived may read differently once more does.
            Err(e)
                if !eof
                    && text.len() == data.len() - at
                    && error_index(text, &e) + 1 >= text.len() =>
            {
                self.retry_at = (data.len() - at) * 2;
                Ok(None)
            }
            Err(e) if e.classify() == serde_json::error::Category::Data => {
                Err(ValueError::Data(serde_message(&e)))
            }
            Err(e) => Err(ValueError::Fatal(self.json_error(&data, at, &e))),
        }
    }

    /// Parses a value with serde for `f`, which gets the builder, the value and the 1-based
    /// line the value starts on (computed only when asked). A value of the wrong shape is a
    /// problem: it is skipped (found with `IgnoredAny`) and the walk goes on.
    fn take<'d, T: Deserialize<'d>>(
        &mut self,
        data: Input<'d>,
        at: &mut usize,
        eof: bool,
        b: &mut Builder,
        f: impl FnOnce(&mut Self, &mut Builder, T, &EntryText<'_>),
    ) -> Result<Step, ListingError> {
        let start = *at;
        match self.value::<T>(data, start, eof) {
            Ok(None) => Ok(Step::NeedMore),
            Ok(Some((v, end))) => {
                // The line is counted only when a problem needs it.
                let before = &data.bytes[..start];
                let l0 = self.line;
                let line = move || l0 + memchr::memchr_iter(b'\n', before).count() as u64;
                let entry = EntryText {
                    text: data.text.get(start..end).unwrap_or_default(),
                    line: &line,
                };
                f(self, b, v, &entry);
                self.set_expect(Expect::CommaOrEnd);
                *at = end;
                Ok(Step::Progressed)
            }
            Err(ValueError::Fatal(e)) => Err(e),
            Err(ValueError::Data(message)) => match self.value::<IgnoredAny>(data, start, eof) {
                Ok(None) => Ok(Step::NeedMore),
                Ok(Some((_, end))) => {
                    let (line, _) = self.location(&data, start);
                    let text = &data.text[start..end];
                    b.problem(line, ListingProblemKind::BadEntry { message }, text);
                    self.set_expect(Expect::CommaOrEnd);
                    *at = end;
                    Ok(Step::Progressed)
                }
                Err(ValueError::Fatal(e)) => Err(e),
                // IgnoredAny accepts any valid JSON.
                Err(ValueError::Data(m)) => Err(self.syntax_error(&data, start, &m)),
            },
        }
    }

    fn run(&mut self, all: &[u8], eof: bool, b: &mut Builder) -> Result<usize, ListingError> {
        let (bytes, text) = match std::str::from_utf8(all) {
            Ok(t) => (all, t),
            // A character cut by the chunk's end: wait for the rest.
            Err(e) if e.error_len().is_none() && !eof => {
                let valid = &all[..e.valid_up_to()];
                (valid, std::str::from_utf8(valid).unwrap_or_default())
            }
            Err(e) => {
                let valid = e.valid_up_to();
                // What comes before the bad byte is read first: an error there comes first.
                if valid > 0 {
                    let used = self.run(&all[..valid], false, b)?;
                    let _ = used;
                }
                return Err(ListingError::NotUtf8 {
                    offset: self.base + valid as u64,
                });
            }
        };
        let data = Input { bytes, text };
        let mut at = 0;
        loop {
            while at < data.len() && data[at].is_ascii_whitespace() {
                at += 1;
            }
            if at == data.len() {
                return Ok(at);
            }
            let mut next = at;
            match self.step(data, &mut next, eof, b)? {
                Step::Progressed => at = next,
                Step::NeedMore => return Ok(at),
            }
        }
    }

    fn set_expect(&mut self, e: Expect) {
        if let Some(f) = self.stack.last_mut() {
            f.expect = e;
        }
    }

    fn open(&mut self, at: &mut usize, level: Level) -> Step {
        self.set_expect(Expect::CommaOrEnd);
        self.stack.push(Frame {
            level,
            expect: match level {
                Level::Doc => Expect::KeyOrEnd { first: true },
                Level::Entries(_) => Expect::ElementOrEnd { first: true },
            },
        });
        *at += 1;
        Step::Progressed
    }

    fn step(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        b: &mut Builder,
    ) -> Result<Step, ListingError> {
        let c = data[*at];
        let Some(frame) = self.stack.last().copied() else {
            // A top-level value: a document, or an array of entries.
            return match c {
                b'{' if self.format != ListingFormat::AzBlobList || !self.forced => {
                    self.documents += 1;
                    self.truncated = false;
                    Ok(self.open(at, Level::Doc))
                }
                b'[' => Ok(self.open(at, Level::Entries(Entries::TopLevel))),
                _ => Err(self.not_a_listing(describe_value(c))),
            };
        };
        match frame.expect {
            Expect::KeyOrEnd { first } => {
                if c == b'}' && first {
                    *at += 1;
                    self.stack.pop();
                    return Ok(Step::Progressed);
                }
                if c != b'"' {
                    return Err(self.syntax_error(&data, *at, "key must be a string"));
                }
                let body = &data[*at + 1..];
                let (key, after) = match memchr::memchr2(b'"', b'\\', body) {
                    None => return Ok(Step::NeedMore),
                    Some(q) if body[q] == b'"' => (key_of(&body[..q]), *at + 1 + q + 1),
                    Some(_) => match self.value::<String>(data, *at, false) {
                        Ok(None) => return Ok(Step::NeedMore),
                        Ok(Some((k, end))) => (key_of(k.as_bytes()), end),
                        Err(ValueError::Fatal(e)) => return Err(e),
                        Err(ValueError::Data(m)) => return Err(self.syntax_error(&data, *at, &m)),
                    },
                };
                if !self.first_key_seen {
                    self.first_key_seen = true;
                    let raw = &data.text.get(*at + 1..after - 1).unwrap_or_default();
                    if !self.forced && !is_s3api_key(raw.as_bytes()) {
                        return Err(
                            self.not_a_listing(format!("a JSON object whose first key is {raw:?}"))
                        );
                    }
                }
                let mut colon = after;
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
            Expect::Value(key) => self.member(data, at, eof, b, key),
            Expect::ElementOrEnd { first } => {
                if c == b']' && first {
                    *at += 1;
                    self.stack.pop();
                    return Ok(Step::Progressed);
                }
                let Level::Entries(kind) = frame.level else {
                    unreachable!("elements only in entry arrays")
                };
                self.element(data, at, eof, b, kind)
            }
            Expect::CommaOrEnd => {
                let object = frame.level == Level::Doc;
                match c {
                    b',' => {
                        self.set_expect(if object {
                            Expect::KeyOrEnd { first: false }
                        } else {
                            Expect::ElementOrEnd { first: false }
                        });
                        *at += 1;
                        Ok(Step::Progressed)
                    }
                    b'}' if object => {
                        *at += 1;
                        self.stack.pop();
                        Ok(Step::Progressed)
                    }
                    b']' if !object => {
                        *at += 1;
                        self.stack.pop();
                        Ok(Step::Progressed)
                    }
                    _ => Err(self.syntax_error(
                        &data,
                        *at,
                        if object {
                            "expected `,` or `}`"
                        } else {
                            "expected `,` or `]`"
                        },
                    )),
                }
            }
        }
    }

    fn member(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        b: &mut Builder,
        key: Key,
    ) -> Result<Step, ListingError> {
        match key {
            Key::Entries(kind) if data[*at] == b'[' => Ok(self.open(at, Level::Entries(kind))),
            Key::Bucket => self.take(data, at, eof, b, |_, b, v: serde_json::Value, _| {
                if let Some(name) = v.as_str() {
                    b.bucket(name);
                }
            }),
            Key::Truncation => self.take(data, at, eof, b, |this, _, v: serde_json::Value, _| {
                if v.as_bool() == Some(true) || v.as_str().is_some_and(|s| !s.is_empty()) {
                    this.truncated = true;
                }
            }),
            // `"Contents": null` and the like: nothing listed.
            Key::Entries(_) | Key::Other => self.take(data, at, eof, b, |_, _, IgnoredAny, _| {}),
        }
    }

    fn element(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        b: &mut Builder,
        kind: Entries,
    ) -> Result<Step, ListingError> {
        match kind {
            Entries::Contents => {
                self.take(data, at, eof, b, |_, b, o: s3api::S3Object<'_>, line| {
                    s3api::push_object(b, o, line, ObjectSource::Contents)
                })
            }
            Entries::Versions => {
                self.take(data, at, eof, b, |this, b, o: s3api::S3Object<'_>, line| {
                    this.versions += 1;
                    s3api::push_object(b, o, line, ObjectSource::Versions)
                })
            }
            Entries::Uploads => {
                self.take(data, at, eof, b, |this, b, u: s3api::S3Upload<'_>, line| {
                    this.uploads += 1;
                    s3api::push_upload(b, u, line)
                })
            }
            Entries::DeleteMarkers => self.take(data, at, eof, b, |this, b, IgnoredAny, _| {
                this.delete_markers += 1;
                b.skipped();
            }),
            Entries::TopLevel => match self.array_kind {
                Some(ArrayKind::Az) => {
                    self.take(data, at, eof, b, |_, b, o: az::AzBlob<'_>, line| {
                        az::push_blob(b, o, line)
                    })
                }
                Some(ArrayKind::S3) => {
                    self.take(data, at, eof, b, |_, b, o: s3api::S3Object<'_>, line| {
                        s3api::push_object(b, o, line, ObjectSource::Contents)
                    })
                }
                None => self.first_array_element(data, at, eof, b),
            },
        }
    }

    /// The first element of a top-level array says whose array it is: `name` (az) or `Key`.
    fn first_array_element(
        &mut self,
        data: Input<'_>,
        at: &mut usize,
        eof: bool,
        b: &mut Builder,
    ) -> Result<Step, ListingError> {
        let start = *at;
        let probe = match self.value::<serde_json::Map<String, serde_json::Value>>(data, start, eof)
        {
            Ok(None) => return Ok(Step::NeedMore),
            Ok(Some((m, _))) => Some(m),
            Err(ValueError::Fatal(e)) => return Err(e),
            Err(ValueError::Data(_)) => None,
        };
        let kind = match &probe {
            Some(m) if m.contains_key("name") => ArrayKind::Az,
            Some(m) if m.contains_key("Key") => ArrayKind::S3,
            Some(m) => {
                let keys: Vec<&str> = m.keys().take(5).map(String::as_str).collect();
                return Err(self.not_a_listing(format!(
                    "a JSON array of objects with keys {keys:?} (neither az's \"name\" nor s3api's \"Key\")"
                )));
            }
            None => {
                let c = data[start];
                return Err(self.not_a_listing(format!("a JSON array of {}", plural_value(c))));
            }
        };
        self.array_kind = Some(kind);
        self.element(data, at, eof, b, Entries::TopLevel)
    }
}

/// The text of an entry and (computed on demand) the 1-based line it starts on.
pub(crate) struct EntryText<'a> {
    pub(crate) text: &'a str,
    line: &'a dyn Fn() -> u64,
}

impl EntryText<'_> {
    pub(crate) fn line(&self) -> u64 {
        (self.line)()
    }
}

/// Where an s3api object entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectSource {
    Contents,
    Versions,
}

/// serde's message without its " at line L column C" (the location is the whole input's).
fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    full.strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&full)
        .to_string()
}

/// Byte index in `text` of the character a serde error points at.
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

fn describe_value(c: u8) -> String {
    match c {
        b'"' => "a JSON string".into(),
        b'-' | b'0'..=b'9' => "a JSON number".into(),
        b't' | b'f' => "a JSON boolean".into(),
        b'n' => "JSON null".into(),
        b'{' => "a JSON object".into(),
        _ => format!("{:?}", char::from(c)),
    }
}

fn plural_value(c: u8) -> &'static str {
    match c {
        b'"' => "strings",
        b'-' | b'0'..=b'9' => "numbers",
        b't' | b'f' => "booleans",
        b'n' => "nulls",
        b'[' => "arrays",
        _ => "values",
    }
}
