//! The one way bytes become a snapshot, in the browser and the CLI alike: chunks are pushed as
//! they arrive (a response body, a file read piecewise), gzip is inflated on the way, and the
//! format is sniffed from the first non-blank character. Nothing holds the whole input.

use super::formatter_dump::DumpStream;
use super::snapshot_stream::{Progress, SnapshotStream};
use super::{LoadError, Loaded};
use std::io::Write;

/// The default of what a load may hold in memory ([`StreamLoader::with_limit`] sets another):
/// the model built so far (estimated per segment), the problems met (estimated per problem)
/// plus the bytes buffered for a value or line that has not ended. Bytes read are not limited:
/// a 1.2 GB snapshot streams through in pieces.
pub const DEFAULT_MAX_HELD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// The former name of [`DEFAULT_MAX_HELD_BYTES`].
pub const MAX_HELD_BYTES: u64 = DEFAULT_MAX_HELD_BYTES;

/// Memory one kept segment costs in the model (the struct, its id and epoch map), for the limit.
const SEGMENT_HELD_BYTES: u64 = 200;

/// Memory one problem costs (the kind, its names and excerpt), for the limit.
const PROBLEM_HELD_BYTES: u64 = 200;

/// Push-based loader of any supported input. Feed chunks, then [`StreamLoader::finish`].
pub struct StreamLoader {
    raw: Raw,
    max_held: u64,
}

enum Raw {
    /// Fewer than two bytes seen: gzip or not is still open.
    Sniffing(Vec<u8>),
    Gzip(Box<flate2::write::MultiGzDecoder<Text>>),
    Plain(Box<Text>),
}

/// Decompressed text, routed by its first non-blank character.
enum Text {
    /// Only blanks (and a byte-order mark) so far: counted, not held.
    Sniffing {
        /// Up to three bytes that may still become a UTF-8 byte-order mark.
        bom: Vec<u8>,
        blanks: Blanks,
        error: Option<LoadError>,
    },
    Json {
        stream: Box<SnapshotStream>,
        error: Option<LoadError>,
    },
    Dump {
        stream: Box<DumpStream>,
        error: Option<LoadError>,
    },
}

impl Default for StreamLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamLoader {
    /// A loader with the default limit, [`DEFAULT_MAX_HELD_BYTES`].
    pub fn new() -> Self {
        Self::with_limit(DEFAULT_MAX_HELD_BYTES)
    }

    /// A loader that refuses input ([`LoadError::TooLarge`]) once holding it would take more
    /// than `max_held` bytes; `u64::MAX` means no limit.
    pub fn with_limit(max_held: u64) -> Self {
        StreamLoader {
            raw: Raw::Sniffing(Vec::new()),
            max_held,
        }
    }

    /// The limit this loader enforces on what it holds, in bytes.
    pub fn limit(&self) -> u64 {
        self.max_held
    }

    /// Bytes of text read (after decompression) and segments parsed so far.
    pub fn progress(&self) -> Progress {
        self.text().map(Text::progress).unwrap_or_default()
    }

    fn text(&self) -> Option<&Text> {
        match &self.raw {
            Raw::Sniffing(_) => None,
            Raw::Gzip(d) => Some(d.get_ref()),
            Raw::Plain(t) => Some(t),
        }
    }

    /// Reads the next chunk of the input.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        match &mut self.raw {
            Raw::Sniffing(head) => {
                head.extend_from_slice(chunk);
                if head.len() < 2 {
                    return Ok(());
                }
                let head = std::mem::take(head);
                self.raw = if head.starts_with(&[0x1f, 0x8b]) {
                    Raw::Gzip(Box::new(flate2::write::MultiGzDecoder::new(Text::new())))
                } else {
                    Raw::Plain(Box::new(Text::new()))
                };
                self.feed(&head)
            }
            Raw::Gzip(d) => {
                let written = d.write_all(chunk);
                if written.is_err() && !d.get_ref().has_error() {
                    // What was inflated before the compressed stream broke reaches the text
                    // first: an error there is earlier in the input, and is the one reported when
                    // the input arrives in smaller chunks.
                    let _ = d.flush();
                }
                let text = d.get_mut();
                if let Some(e) = text.take_error() {
                    return Err(e);
                }
                written.map_err(|e| LoadError::Gzip(e.to_string()))?;
                self.check_held()
            }
            Raw::Plain(t) => {
                t.push(chunk)?;
                self.check_held()
            }
        }
    }

    fn check_held(&self) -> Result<(), LoadError> {
        let held = self.text().map(Text::held).unwrap_or(0);
        if held > self.max_held {
            return Err(LoadError::TooLarge {
                read: self.progress().bytes,
                max: self.max_held,
            });
        }
        Ok(())
    }

    /// The input has ended.
    pub fn finish(self) -> Result<Loaded, LoadError> {
        let text = match self.raw {
            Raw::Sniffing(head) => {
                if head.is_empty() {
                    return Err(LoadError::Empty);
                }
                let mut t = Text::new();
                t.push(&head)?;
                t
            }
            Raw::Gzip(d) => {
                let mut d = *d;
                let flushed = d.try_finish();
                if let Some(e) = d.get_mut().take_error() {
                    return Err(e);
                }
                flushed.map_err(|e| LoadError::Gzip(e.to_string()))?;
                d.finish().map_err(|e| LoadError::Gzip(e.to_string()))?
            }
            Raw::Plain(t) => *t,
        };
        text.finish()
    }
}

impl Text {
    fn new() -> Self {
        Text::Sniffing {
            bom: Vec::new(),
            blanks: Blanks::default(),
            error: None,
        }
    }

    fn progress(&self) -> Progress {
        match self {
            Text::Sniffing { bom, blanks, .. } => Progress {
                bytes: blanks.bytes + bom.len() as u64,
                segments: 0,
            },
            Text::Json { stream, .. } => stream.progress(),
            Text::Dump { stream, .. } => Progress {
                bytes: stream.bytes(),
                segments: stream.records(),
            },
        }
    }

    fn held(&self) -> u64 {
        match self {
            Text::Sniffing { .. } => 0,
            Text::Json { stream, .. } => {
                stream.buffered() as u64
                    + stream.segments_kept() * SEGMENT_HELD_BYTES
                    + stream.segments_dropped() * PROBLEM_HELD_BYTES
            }
            Text::Dump { stream, .. } => {
                stream.pending() as u64
                    + stream.records() * SEGMENT_HELD_BYTES
                    + stream.problems() * PROBLEM_HELD_BYTES
            }
        }
    }

    fn has_error(&self) -> bool {
        match self {
            Text::Sniffing { error, .. } | Text::Json { error, .. } | Text::Dump { error, .. } => {
                error.is_some()
            }
        }
    }

    /// An error met while the gzip decoder was writing into us, which `io::Write` cannot carry.
    fn take_error(&mut self) -> Option<LoadError> {
        match self {
            Text::Sniffing { error, .. } | Text::Json { error, .. } | Text::Dump { error, .. } => {
                error.take()
            }
        }
    }

    fn push(&mut self, chunk: &[u8]) -> Result<(), LoadError> {
        match self {
            Text::Sniffing { bom, blanks, .. } => {
                const BOM: &[u8] = b"\xef\xbb\xbf";
                let mut rest = chunk;
                // A UTF-8 byte-order mark at the very start (possibly split) decides nothing.
                while blanks.bytes == 0 && bom.len() < 3 && rest.first() == Some(&BOM[bom.len()]) {
                    bom.push(rest[0]);
                    rest = &rest[1..];
                }
                if bom.len() == 3 {
                    blanks.bytes = 3;
                    bom.clear();
                } else if !bom.is_empty() && !rest.is_empty() {
                    // Not a byte-order mark after all: those bytes are the text itself.
                    let mut text = std::mem::take(bom);
                    text.extend_from_slice(rest);
                    let at = *blanks;
                    return self.decide(at, &text);
                }
                let ws = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
                blanks.skip(&rest[..ws]);
                if ws == rest.len() {
                    return Ok(());
                }
                let at = *blanks;
                self.decide(at, &rest[ws..])
            }
            Text::Json { stream, .. } => stream.feed(chunk),
            Text::Dump { stream, .. } => stream.feed(chunk),
        }
    }

    /// The first non-blank text decides the format; the blanks before it still count for
    /// error locations.
    fn decide(&mut self, at: Blanks, text: &[u8]) -> Result<(), LoadError> {
        *self = if text[0] == b'{' || text[0] == b'[' {
            let mut stream = SnapshotStream::starting_at(at.bytes, at.lines + 1, at.column);
            stream.feed(text)?;
            Text::Json {
                stream: Box::new(stream),
                error: None,
            }
        } else {
            let mut stream = DumpStream::starting_at(at.bytes, at.lines);
            stream.feed(text)?;
            Text::Dump {
                stream: Box::new(stream),
                error: None,
            }
        };
        Ok(())
    }

    fn finish(self) -> Result<Loaded, LoadError> {
        match self {
            Text::Sniffing { blanks, bom, .. } => Err(if blanks.bytes == 0 && bom.is_empty() {
                LoadError::Empty
            } else {
                LoadError::OnlyWhitespace {
                    bytes: blanks.bytes + bom.len() as u64,
                }
            }),
            Text::Json { stream, .. } => stream.finish(),
            Text::Dump { stream, .. } => stream.finish(),
        }
    }
}

/// Blanks read before the first character that says which format the text is in.
#[derive(Debug, Clone, Copy)]
struct Blanks {
    bytes: u64,
    /// Newlines among them.
    lines: usize,
    /// 1-based column of the next character.
    column: usize,
}

impl Default for Blanks {
    fn default() -> Self {
        Blanks {
            bytes: 0,
            lines: 0,
            column: 1,
        }
    }
}

impl Blanks {
    fn skip(&mut self, ws: &[u8]) {
        self.bytes += ws.len() as u64;
        match memchr::memrchr(b'\n', ws) {
            Some(last) => {
                self.lines += memchr::memchr_iter(b'\n', ws).count();
                self.column = ws.len() - last;
            }
            None => self.column += ws.len(),
        }
    }
}

/// The gzip decoder writes decompressed text here.
impl Write for Text {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The first error stands: nothing more is read after it.
        if self.has_error() {
            return Err(std::io::Error::other("the decompressed text was refused"));
        }
        match self.push(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                match self {
                    Text::Sniffing { error, .. }
                    | Text::Json { error, .. }
                    | Text::Dump { error, .. } => *error = Some(e),
                }
                Err(std::io::Error::other("the decompressed text was refused"))
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
