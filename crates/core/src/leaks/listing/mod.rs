//! A bucket listing: what the object store holds, as the store's own command-line tools print
//! it. The leak finder compares it with Kafka's remote log metadata.
//!
//! Formats, sniffed from the content (or forced with [`ListingLoader::with_format`]):
//!
//! | [`ListingFormat`] | printed by |
//! | --- | --- |
//! | `AwsS3Api` | `aws s3api list-objects-v2` (also several pages concatenated, `list-object-versions`, `list-multipart-uploads`) |
//! | `AwsS3Ls` | `aws s3 ls --recursive` (with `--human-readable`, `--summarize`) |
//! | `GcloudLs` | `gcloud storage ls -l` / `gsutil ls -l` (with `-h` / `--readable-sizes`) |
//! | `AzBlobList` | `az storage blob list --output json` |
//! | `McLsJson` | `mc ls --recursive --json` |
//!
//! Input streams through [`ListingLoader`] in chunks of any size (gzip is inflated on the way);
//! nothing holds the whole text, and the result is the same however the input was cut. Objects
//! go into the compact columnar [`Objects`] store. A line or entry that cannot be read becomes a
//! [`ListingProblem`] and the rest is still read; only input that is no listing at all, or JSON
//! that is not valid JSON, is a [`ListingError`].

mod az;
mod json;
mod objects;
mod s3api;
mod text;
mod values;

pub use objects::{parse_segment_file_name, ObjectEntry, ObjectKind, ObjectRef, Objects};

use std::io::Write;

/// The tool whose output a listing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ListingFormat {
    /// `aws s3api list-objects-v2` / `list-object-versions` / `list-multipart-uploads` JSON.
    AwsS3Api,
    /// `aws s3 ls --recursive` text.
    AwsS3Ls,
    /// `gcloud storage ls -l` / `gsutil ls -l` text.
    GcloudLs,
    /// `az storage blob list --output json`.
    AzBlobList,
    /// `mc ls --recursive --json` lines.
    McLsJson,
}

impl ListingFormat {
    pub const ALL: [ListingFormat; 5] = [
        ListingFormat::AwsS3Api,
        ListingFormat::AwsS3Ls,
        ListingFormat::GcloudLs,
        ListingFormat::AzBlobList,
        ListingFormat::McLsJson,
    ];

    /// The command that prints it, for the UI.
    pub fn label(self) -> &'static str {
        match self {
            ListingFormat::AwsS3Api => "aws s3api list-objects-v2 (JSON)",
            ListingFormat::AwsS3Ls => "aws s3 ls --recursive",
            ListingFormat::GcloudLs => "gcloud storage ls -l / gsutil ls -l",
            ListingFormat::AzBlobList => "az storage blob list (JSON)",
            ListingFormat::McLsJson => "mc ls --recursive --json",
        }
    }

    fn is_json_document(self) -> bool {
        matches!(self, ListingFormat::AwsS3Api | ListingFormat::AzBlobList)
    }
}

/// Everything read from one listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub objects: Objects,
    pub format: ListingFormat,
    /// The bucket (or container) named by the listing, when it names one.
    pub bucket: Option<String>,
    /// The first [`MAX_KEPT_PROBLEMS`] problems.
    pub problems: Vec<ListingProblem>,
    /// All problems, kept or not.
    pub problem_count: u64,
    /// Objects whose size was printed rounded.
    pub approximate_sizes: u64,
    /// What the reader should know about how the listing was read (assumed time zones, skipped
    /// entries, an incomplete pagination).
    pub notes: Vec<String>,
}

impl Listing {
    /// Adds `other`'s objects, problems and notes to this listing (several listing files read
    /// as one bucket: objects and in-flight uploads, or pages saved apart). The format stays
    /// this listing's; the bucket is the first one named.
    pub fn merge(&mut self, other: Listing) {
        self.objects.extend(&other.objects);
        self.problems.extend(other.problems);
        self.problem_count += other.problem_count;
        self.approximate_sizes += other.approximate_sizes;
        self.notes.extend(other.notes);
        if self.bucket.is_none() {
            self.bucket = other.bucket;
        }
    }
}

/// Problems kept in [`Listing::problems`]; further ones are only counted.
pub const MAX_KEPT_PROBLEMS: usize = 1000;

/// The default of what a load may hold in memory ([`ListingLoader::with_limit`] sets another):
/// the objects read so far, the problems kept and the text of an unfinished line or entry.
pub const DEFAULT_MAX_HELD_BYTES: u64 = 1024 * 1024 * 1024;

/// Memory one kept problem costs (its excerpt and message), for the limit.
const PROBLEM_HELD_BYTES: u64 = 256;

/// One line or entry that could not be read (or was read only in part).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListingProblem {
    /// 1-based line of the input (of the entry's start, in a JSON document).
    pub line: u64,
    #[serde(flatten)]
    pub kind: ListingProblemKind,
    /// The start of the offending line or entry.
    pub excerpt: String,
}

impl std::fmt::Display for ListingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.kind, self.excerpt)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum ListingProblemKind {
    #[error("not a line of {format}; skipped")]
    Unrecognized { format: &'static str },
    #[error("the line is not UTF-8 text; skipped")]
    NotUtf8,
    #[error("size {value:?} is not a number of bytes; object skipped")]
    BadSize { value: String },
    #[error(
        "time {value:?} is not a valid date and time; object kept without a last-modified time"
    )]
    BadTimestamp { value: String },
    #[error("no {field}; entry skipped")]
    MissingField { field: &'static str },
    #[error("entry skipped: {message}")]
    BadEntry { message: String },
    #[error("the tool reported an error: {message}")]
    ToolError { message: String },
}

/// Input that yields no listing at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("the input is empty")]
    Empty,
    #[error("the input holds no data: {bytes} bytes of whitespace and nothing else")]
    OnlyWhitespace { bytes: u64 },
    #[error("holding this listing would take more than the limit of {} of memory (stopped after reading {}); raise the limit or list a prefix at a time", crate::units::format_bytes(i64::try_from(*max).unwrap_or(i64::MAX)), crate::units::format_bytes(i64::try_from(*read).unwrap_or(i64::MAX)))]
    TooLarge { read: u64, max: u64 },
    #[error("the input looks gzip-compressed but could not be decompressed: {0}")]
    Gzip(String),
    #[error("the input is not UTF-8 text (byte {offset})")]
    NotUtf8 { offset: u64 },
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: u64,
        column: u64,
        message: String,
    },
    #[error("this is not {}: seen {seen}", match expected { Some(f) => format!("{} output", f.label()), None => "a bucket listing this tool reads (aws s3api JSON, aws s3 ls, gcloud storage ls -l, az storage blob list JSON, mc ls --json)".to_string() })]
    NotAListing {
        /// The forced format, if one was.
        expected: Option<ListingFormat>,
        seen: String,
    },
    #[error("no object could be read as {}: {problem_count} problems, the first: {}", format.label(), first.as_ref().map(|p| p.to_string()).unwrap_or_default())]
    NoObjects {
        format: ListingFormat,
        problem_count: u64,
        first: Option<ListingProblem>,
    },
}

/// How far a streaming load has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListingProgress {
    /// Bytes of (decompressed) text read so far.
    pub bytes_read: u64,
    /// Objects read so far.
    pub objects: u64,
}

/// At most this many characters of a line go into a problem's excerpt.
const EXCERPT_CHARS: usize = 120;

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// What the format readers add to, and what becomes the [`Listing`].
#[derive(Debug, Default)]
pub(crate) struct Builder {
    objects: Objects,
    format: Option<ListingFormat>,
    bucket: Option<String>,
    other_buckets: Vec<String>,
    problems: Vec<ListingProblem>,
    problem_count: u64,
    approximate_sizes: u64,
    /// Lines or entries recognised but holding no object (headers, totals, folders).
    skipped: u64,
    notes: Vec<String>,
    /// More objects than [`Objects::MAX_LEN`] were listed.
    overflow: bool,
}

impl Builder {
    pub(crate) fn push(&mut self, e: ObjectEntry<'_>) {
        if self.objects.len() >= Objects::MAX_LEN {
            self.overflow = true;
            return;
        }
        if e.size_approx {
            self.approximate_sizes += 1;
        }
        self.objects.push(e);
    }

    pub(crate) fn problem(&mut self, line: u64, kind: ListingProblemKind, text: &str) {
        self.problem_count += 1;
        if self.problems.len() < MAX_KEPT_PROBLEMS {
            self.problems.push(ListingProblem {
                line,
                kind,
                excerpt: excerpt(text),
            });
        }
    }

    pub(crate) fn skipped(&mut self) {
        self.skipped += 1;
    }

    pub(crate) fn bucket(&mut self, name: &str) {
        match &self.bucket {
            None => self.bucket = Some(name.to_string()),
            Some(b) if b == name => {}
            Some(_) => {
                if !self.other_buckets.iter().any(|o| o == name) && self.other_buckets.len() < 10 {
                    self.other_buckets.push(name.to_string());
                }
            }
        }
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn held(&self) -> u64 {
        self.objects.held_bytes() + self.problems.len() as u64 * PROBLEM_HELD_BYTES
    }

    fn finish(mut self, format: ListingFormat, read: u64) -> Result<Listing, ListingError> {
        if self.overflow {
            return Err(ListingError::TooLarge {
                read,
                max: self.objects.held_bytes(),
            });
        }
        if self.objects.is_empty() && self.problem_count > 0 && self.skipped == 0 {
            return Err(ListingError::NoObjects {
                format,
                problem_count: self.problem_count,
                first: self.problems.into_iter().next(),
            });
        }
        if !self.other_buckets.is_empty() {
            let others = self.other_buckets.join(", ");
            self.note(format!(
                "the listing covers more than one bucket ({others} besides {}); keys are kept without their bucket",
                self.bucket.as_deref().unwrap_or_default()
            ));
        }
        if self.approximate_sizes > 0 {
            self.note(format!(
                "{} sizes were printed rounded (a human-readable listing) and are approximate; list without --human-readable / -h for exact bytes",
                self.approximate_sizes
            ));
        }
        self.objects.shrink_to_fit();
        Ok(Listing {
            objects: self.objects,
            format,
            bucket: self.bucket,
            problems: self.problems,
            problem_count: self.problem_count,
            approximate_sizes: self.approximate_sizes,
            notes: self.notes,
        })
    }
}

/// Reads a listing held whole (the format sniffed, gzip inflated).
pub fn load_listing(bytes: &[u8]) -> Result<Listing, ListingError> {
    let mut loader = ListingLoader::new();
    loader.feed(bytes)?;
    loader.finish()
}

/// Push-based reader of a listing: [`ListingLoader::feed`] chunks, then
/// [`ListingLoader::finish`].
pub struct ListingLoader {
    raw: Raw,
    max_held: u64,
    forced: Option<ListingFormat>,
}

enum Raw {
    /// Fewer than two bytes seen: gzip or not is still open.
    Sniffing(Vec<u8>),
    Gzip(Box<flate2::write::MultiGzDecoder<Sink>>),
    Plain(Box<Sink>),
}

impl Default for ListingLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl ListingLoader {
    /// A loader with the default limit, [`DEFAULT_MAX_HELD_BYTES`].
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_HELD_BYTES)
    }

    /// A loader that refuses input ([`ListingError::TooLarge`]) once holding it would take more
    /// than `max_held` bytes; `u64::MAX` means no limit.
    pub fn with_limit(max_held: u64) -> Self {
        ListingLoader {
            raw: Raw::Sniffing(Vec::new()),
            max_held,
            forced: None,
        }
    }

    /// Reads the input as `format` instead of sniffing it (`None`: sniff). Call before feeding.
    pub fn with_format(mut self, format: Option<ListingFormat>) -> Self {
        self.forced = format;
        self
    }

    pub fn limit(&self) -> u64 {
        self.max_held
    }

    pub fn progress(&self) -> ListingProgress {
        match &self.raw {
            Raw::Sniffing(_) => ListingProgress::default(),
            Raw::Gzip(d) => d.get_ref().progress(),
            Raw::Plain(s) => s.progress(),
        }
    }

    fn sink(&self) -> Option<&Sink> {
        match &self.raw {
            Raw::Sniffing(_) => None,
            Raw::Gzip(d) => Some(d.get_ref()),
            Raw::Plain(s) => Some(s),
        }
    }

    /// Reads the next chunk of the input.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ListingError> {
        match &mut self.raw {
            Raw::Sniffing(head) => {
                head.extend_from_slice(chunk);
                if head.len() < 2 {
                    return Ok(());
                }
                let head = std::mem::take(head);
                let sink = Sink::new(self.forced);
                self.raw = if head.starts_with(&[0x1f, 0x8b]) {
                    Raw::Gzip(Box::new(flate2::write::MultiGzDecoder::new(sink)))
                } else {
                    Raw::Plain(Box::new(sink))
                };
                self.feed(&head)
            }
            Raw::Gzip(d) => {
                let written = d.write_all(chunk);
                if written.is_err() && d.get_ref().error.is_none() {
                    // What was inflated before the compressed stream broke reaches the text
                    // first, as it does when the input arrives in smaller chunks.
                    let _ = d.flush();
                }
                if let Some(e) = d.get_mut().error.take() {
                    return Err(e);
                }
                written.map_err(|e| ListingError::Gzip(e.to_string()))?;
                self.check_held()
            }
            Raw::Plain(s) => {
                s.push(chunk)?;
                self.check_held()
            }
        }
    }

    fn check_held(&self) -> Result<(), ListingError> {
        let held = self.sink().map_or(0, Sink::held);
        if held > self.max_held {
            return Err(ListingError::TooLarge {
                read: self.progress().bytes_read,
                max: self.max_held,
            });
        }
        Ok(())
    }

    /// The input has ended.
    pub fn finish(self) -> Result<Listing, ListingError> {
        let sink = match self.raw {
            Raw::Sniffing(head) => {
                if head.is_empty() {
                    return Err(ListingError::Empty);
                }
                let mut s = Sink::new(self.forced);
                s.push(&head)?;
                s
            }
            Raw::Gzip(d) => {
                let mut d = *d;
                let flushed = d.try_finish();
                if let Some(e) = d.get_mut().error.take() {
                    return Err(e);
                }
                flushed.map_err(|e| ListingError::Gzip(e.to_string()))?;
                d.finish().map_err(|e| ListingError::Gzip(e.to_string()))?
            }
            Raw::Plain(s) => *s,
        };
        sink.finish()
    }
}

/// Decompressed text: sniffed, then routed to a JSON walker or a line reader.
struct Sink {
    state: SinkState,
    builder: Builder,
    forced: Option<ListingFormat>,
    /// Bytes before the current reader's first byte (blank lines, a byte-order mark).
    lead: u64,
    /// An error met while the gzip decoder was writing into us, which `io::Write` cannot carry.
    error: Option<ListingError>,
}

enum SinkState {
    /// Nothing but blanks yet. `head` holds a possible byte-order mark, then the blanks of the
    /// current line (they belong to it: `aws s3 ls` and `gsutil` lines start with spaces).
    Start {
        head: Vec<u8>,
        lines: u64,
        bom: bool,
    },
    /// A JSON object has started; its first key says `mc` lines or an s3api document.
    JsonHead {
        buf: Vec<u8>,
        lines: u64,
    },
    Json(Box<json::JsonWalker>),
    Lines(Box<text::LineReader>),
}

const BOM: &[u8] = b"\xef\xbb\xbf";

impl Sink {
    fn new(forced: Option<ListingFormat>) -> Self {
        Sink {
            state: SinkState::Start {
                head: Vec::new(),
                lines: 0,
                bom: false,
            },
            builder: Builder::default(),
            forced,
            lead: 0,
            error: None,
        }
    }

    fn progress(&self) -> ListingProgress {
        let pending = match &self.state {
            SinkState::Start { head, .. } => head.len() as u64,
            SinkState::JsonHead { buf, .. } => buf.len() as u64,
            SinkState::Json(w) => w.bytes_read(),
            SinkState::Lines(r) => r.bytes_read(),
        };
        ListingProgress {
            bytes_read: self.lead + pending,
            objects: self.builder.objects.len() as u64,
        }
    }

    fn held(&self) -> u64 {
        let pending = match &self.state {
            SinkState::Start { head, .. } => head.capacity(),
            SinkState::JsonHead { buf, .. } => buf.capacity(),
            SinkState::Json(w) => w.buffered(),
            SinkState::Lines(r) => r.buffered(),
        };
        self.builder.held() + pending as u64
    }

    fn push(&mut self, chunk: &[u8]) -> Result<(), ListingError> {
        match &mut self.state {
            SinkState::Start { head, lines, bom } => {
                let mut rest = chunk;
                // A UTF-8 byte-order mark at the very start (possibly split) is no content.
                if !*bom {
                    while head.len() < 3 && rest.first() == Some(&BOM[head.len()]) {
                        head.push(rest[0]);
                        rest = &rest[1..];
                    }
                    if head.len() == 3 {
                        head.clear();
                        self.lead = 3;
                        *bom = true;
                    } else if rest.is_empty() {
                        return Ok(());
                    } else {
                        *bom = true;
                        if !head.is_empty() {
                            // Not a byte-order mark after all: those bytes are the text.
                            let mut text = std::mem::take(head);
                            text.extend_from_slice(rest);
                            let (first, lines) = (text[0], *lines);
                            return self.decide(first, text, lines);
                        }
                    }
                }
                let mut at = 0;
                while at < rest.len() && rest[at].is_ascii_whitespace() {
                    if rest[at] == b'\n' {
                        *lines += 1;
                        // The finished blank line is dropped; `lead` counts its bytes.
                        self.lead += (head.len() + at + 1) as u64;
                        head.clear();
                        rest = &rest[at + 1..];
                        at = 0;
                    } else {
                        at += 1;
                    }
                }
                if at == rest.len() {
                    head.extend_from_slice(rest);
                    return Ok(());
                }
                let first = rest[at];
                let mut text = std::mem::take(head);
                text.extend_from_slice(rest);
                let lines = *lines;
                self.decide(first, text, lines)
            }
            SinkState::JsonHead { buf, lines } => {
                buf.extend_from_slice(chunk);
                let (buf, lines) = (std::mem::take(buf), *lines);
                self.json_head(buf, lines)
            }
            SinkState::Json(w) => w.feed(chunk, &mut self.builder),
            SinkState::Lines(r) => r.feed(chunk, &mut self.builder),
        }
    }

    /// The first non-blank character is `first`; `text` starts at its line.
    fn decide(&mut self, first: u8, text: Vec<u8>, lines: u64) -> Result<(), ListingError> {
        match self.forced {
            Some(f) if f.is_json_document() => self.start_json(f, text, lines),
            Some(f) => self.start_lines(Some(f), text, lines),
            None if first == b'{' => self.json_head(text, lines),
            None if first == b'[' => self.start_json_sniffed(text, lines),
            None => self.start_lines(None, text, lines),
        }
    }

    /// `[`: a JSON array (az, or s3api entries printed with `--query`) unless it is `mc ls`
    /// text without `--json` (`[2023-03-01 12:34:56 UTC] 1.2KiB key`), which is no listing here.
    fn start_json_sniffed(&mut self, text: Vec<u8>, lines: u64) -> Result<(), ListingError> {
        let body = text.iter().skip_while(|c| c.is_ascii_whitespace()).skip(1);
        let after: Vec<u8> = body.take(5).copied().collect();
        if after.len() < 5 {
            self.state = SinkState::JsonHead { buf: text, lines };
            return Ok(());
        }
        if has_datetime_prefix(&after) {
            let line = String::from_utf8_lossy(&text);
            let first = line.lines().next().unwrap_or_default().trim();
            return Err(ListingError::NotAListing {
                expected: None,
                seen: format!(
                    "{:?}, which looks like mc ls without --json",
                    excerpt(first)
                ),
            });
        }
        self.start_json(ListingFormat::AwsS3Api, text, lines)
    }

    /// A JSON value starting with `{` or `[` is buffered in `buf` (from its line's start)
    /// until its first key (or first characters) tell the format.
    fn json_head(&mut self, buf: Vec<u8>, lines: u64) -> Result<(), ListingError> {
        let start = buf
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .unwrap_or(0);
        if buf.get(start) == Some(&b'[') {
            return self.start_json_sniffed(buf, lines);
        }
        let mut at = start + 1;
        while at < buf.len() && buf[at].is_ascii_whitespace() {
            at += 1;
        }
        let decided = match buf.get(at) {
            None if buf.len() < 4096 => None,
            Some(b'"') => match memchr::memchr2(b'"', b'\\', &buf[at + 1..]) {
                Some(q) if buf[at + 1 + q] == b'"' => {
                    let key = &buf[at + 1..at + 1 + q];
                    Some(if text::is_mc_key(key) {
                        ListingFormat::McLsJson
                    } else {
                        ListingFormat::AwsS3Api
                    })
                }
                None if buf.len() < 4096 => None,
                _ => Some(ListingFormat::AwsS3Api),
            },
            _ => Some(ListingFormat::AwsS3Api),
        };
        match decided {
            None => {
                self.state = SinkState::JsonHead { buf, lines };
                Ok(())
            }
            Some(ListingFormat::McLsJson) => {
                self.start_lines(Some(ListingFormat::McLsJson), buf, lines)
            }
            Some(f) => self.start_json(f, buf, lines),
        }
    }

    fn start_json(
        &mut self,
        format: ListingFormat,
        text: Vec<u8>,
        lines: u64,
    ) -> Result<(), ListingError> {
        let forced = self.forced.is_some();
        let mut w = json::JsonWalker::new(format, forced, self.lead, lines + 1);
        self.lead = 0;
        w.feed(&text, &mut self.builder)?;
        self.state = SinkState::Json(Box::new(w));
        Ok(())
    }

    fn start_lines(
        &mut self,
        format: Option<ListingFormat>,
        text: Vec<u8>,
        lines: u64,
    ) -> Result<(), ListingError> {
        let mut r = text::LineReader::new(format, self.forced.is_some(), self.lead, lines);
        self.lead = 0;
        r.feed(&text, &mut self.builder)?;
        self.state = SinkState::Lines(Box::new(r));
        Ok(())
    }

    fn finish(mut self) -> Result<Listing, ListingError> {
        let state = std::mem::replace(
            &mut self.state,
            SinkState::Start {
                head: Vec::new(),
                lines: 0,
                bom: true,
            },
        );
        let format = match state {
            SinkState::Start { head, lines, .. }
                if head.iter().any(|c| !c.is_ascii_whitespace()) =>
            {
                // A byte-order mark cut short: its bytes are text.
                let first = head[0];
                self.decide(first, head, lines)?;
                return self.finish();
            }
            SinkState::Start { head, .. } => {
                let bytes = self.lead + head.len() as u64;
                return Err(if bytes == 0 {
                    ListingError::Empty
                } else {
                    ListingError::OnlyWhitespace { bytes }
                });
            }
            SinkState::JsonHead { buf, lines } => {
                // Too short to tell: read it as a JSON document (which reports what is wrong).
                let mut w = json::JsonWalker::new(
                    self.forced.unwrap_or(ListingFormat::AwsS3Api),
                    self.forced.is_some(),
                    self.lead,
                    lines + 1,
                );
                w.feed(&buf, &mut self.builder)?;
                w.finish(&mut self.builder)?
            }
            SinkState::Json(w) => w.finish(&mut self.builder)?,
            SinkState::Lines(r) => r.finish(&mut self.builder)?,
        };
        self.builder.format = Some(format);
        let read = self.progress().bytes_read;
        self.builder.finish(format, read)
    }
}

/// `2023-` at the start: a date.
fn has_datetime_prefix(b: &[u8]) -> bool {
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// The gzip decoder writes decompressed text here.
impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.error.is_some() {
            return Err(std::io::Error::other("the decompressed text was refused"));
        }
        match self.push(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                self.error = Some(e);
                Err(std::io::Error::other("the decompressed text was refused"))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
