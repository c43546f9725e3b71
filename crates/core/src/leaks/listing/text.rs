//! Line formats: `aws s3 ls`, `gcloud storage ls -l` / `gsutil ls -l` and `mc ls --json`.
//!
//! Lines are split as bytes arrive (a line cut by a chunk boundary waits for its end), a
//! trailing CR is dropped, and each line is read on its own: one that cannot be read becomes a
//! problem and the next is read as usual. Until a line says which tool printed the listing,
//! lines that say nothing (a header someone kept, say) are held, then read in that format.

use super::values::{datetime_ms, has_datetime_shape, parse_size, rfc3339_ms};
use super::{
    excerpt, Builder, ListingError, ListingFormat, ListingProblemKind, ObjectEntry, ObjectKind,
};
use serde::Deserialize;
use std::borrow::Cow;

/// Lines held while the format is still unknown; past them the input is no listing.
const MAX_UNDECIDED_LINES: usize = 16;

/// Keys that `mc ls --json` prints (the first one tells its lines from an s3api document).
pub(crate) fn is_mc_key(key: &[u8]) -> bool {
    matches!(
        key,
        b"status"
            | b"type"
            | b"lastModified"
            | b"size"
            | b"key"
            | b"etag"
            | b"url"
            | b"versionId"
            | b"versionOrdinal"
            | b"versionIndex"
            | b"isDeleteMarker"
            | b"storageClass"
            | b"metadata"
            | b"tags"
            | b"error"
    )
}

pub(crate) struct LineReader {
    /// `None` while sniffing.
    format: Option<ListingFormat>,
    forced: bool,
    /// The start of a line whose end has not arrived.
    pending: Vec<u8>,
    /// Input offset of the first byte not yet consumed (where `pending` starts).
    base: u64,
    /// Lines read so far.
    line: u64,
    /// Lines read while sniffing, with their numbers.
    held: Vec<(u64, Vec<u8>)>,
    delete_markers: u64,
    folders: u64,
}

impl LineReader {
    /// `base`: input offset of the first byte; `lines`: lines before it.
    pub(crate) fn new(format: Option<ListingFormat>, forced: bool, base: u64, lines: u64) -> Self {
        LineReader {
            format,
            forced,
            pending: Vec::new(),
            base,
            line: lines,
            held: Vec::new(),
            delete_markers: 0,
            folders: 0,
        }
    }

    pub(crate) fn bytes_read(&self) -> u64 {
        self.base + self.pending.len() as u64
    }

    pub(crate) fn buffered(&self) -> usize {
        self.pending.capacity()
            + self
                .held
                .iter()
                .map(|(_, l)| l.capacity() + 32)
                .sum::<usize>()
    }

    pub(crate) fn feed(&mut self, chunk: &[u8], b: &mut Builder) -> Result<(), ListingError> {
        let mut rest = chunk;
        if !self.pending.is_empty() {
            let Some(i) = memchr::memchr(b'\n', rest) else {
                self.pending.extend_from_slice(rest);
                return Ok(());
            };
            self.pending.extend_from_slice(&rest[..i]);
            let line = std::mem::take(&mut self.pending);
            self.base += line.len() as u64 + 1;
            self.line_done(&line, b)?;
            self.pending = line;
            self.pending.clear();
            if self.pending.capacity() > 1 << 16 {
                self.pending.shrink_to(1 << 16);
            }
            rest = &rest[i + 1..];
        }
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', rest) {
            self.base += (nl + 1 - start) as u64;
            self.line_done(&rest[start..nl], b)?;
            start = nl + 1;
        }
        self.pending.extend_from_slice(&rest[start..]);
        Ok(())
    }

    pub(crate) fn finish(mut self, b: &mut Builder) -> Result<ListingFormat, ListingError> {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.base += line.len() as u64;
            self.line_done(&line, b)?;
        }
        let Some(format) = self.format else {
            let seen = self
                .held
                .first()
                .map(|(_, l)| format!("{:?}", excerpt(String::from_utf8_lossy(l).trim())))
                .unwrap_or_else(|| "nothing but blank lines".into());
            return Err(ListingError::NotAListing {
                expected: None,
                seen,
            });
        };
        match format {
            ListingFormat::AwsS3Ls if !b.objects.is_empty() => b.note(
                "aws s3 ls prints times in the time zone of the machine that ran it, without saying which; they were read as UTC and may be off by that machine's UTC offset",
            ),
            ListingFormat::McLsJson if self.delete_markers > 0 => b.note(format!(
                "{} delete markers skipped (they hold no data)",
                self.delete_markers
            )),
            _ => {}
        }
        let _ = self.folders;
        Ok(format)
    }

    /// One whole line, without its `\n`.
    fn line_done(&mut self, raw: &[u8], b: &mut Builder) -> Result<(), ListingError> {
        self.line += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Some(format) = self.format else {
            return self.sniff(raw, b);
        };
        self.read(format, self.line, raw, b);
        Ok(())
    }

    fn sniff(&mut self, raw: &[u8], b: &mut Builder) -> Result<(), ListingError> {
        let text = String::from_utf8_lossy(raw);
        if text.trim().is_empty() {
            return Ok(());
        }
        let Some(format) = sniff_line(&text) else {
            if self.held.len() == MAX_UNDECIDED_LINES {
                let first = String::from_utf8_lossy(&self.held[0].1).into_owned();
                return Err(ListingError::NotAListing {
                    expected: None,
                    seen: format!("{:?}", excerpt(first.trim())),
                });
            }
            self.held.push((self.line, raw.to_vec()));
            return Ok(());
        };
        self.format = Some(format);
        for (line, held) in std::mem::take(&mut self.held) {
            self.read(format, line, &held, b);
        }
        self.read(format, self.line, raw, b);
        Ok(())
    }

    fn read(&mut self, format: ListingFormat, line: u64, raw: &[u8], b: &mut Builder) {
        let Ok(text) = std::str::from_utf8(raw) else {
            b.problem(
                line,
                ListingProblemKind::NotUtf8,
                &String::from_utf8_lossy(raw),
            );
            return;
        };
        match format {
            ListingFormat::AwsS3Ls => s3_ls_line(b, line, text),
            ListingFormat::GcloudLs => gcloud_line(b, line, text),
            ListingFormat::McLsJson => self.mc_line(b, line, text),
            // JSON documents never reach the line reader.
            ListingFormat::AwsS3Api | ListingFormat::AzBlobList => {
                debug_assert!(self.forced, "a JSON document read as lines");
            }
        }
    }

    fn mc_line(&mut self, b: &mut Builder, line: u64, text: &str) {
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        let unrecognized = ListingProblemKind::Unrecognized {
            format: ListingFormat::McLsJson.label(),
        };
        if !t.starts_with('{') {
            b.problem(line, unrecognized, t);
            return;
        }
        let entry: McLine<'_> = match serde_json::from_str(t) {
            Ok(e) => e,
            Err(e) => {
                b.problem(
                    line,
                    ListingProblemKind::BadEntry {
                        message: e.to_string(),
                    },
                    t,
                );
                return;
            }
        };
        if entry.status.as_deref() == Some("error") {
            let message = entry
                .error
                .as_ref()
                .map(mc_error_message)
                .unwrap_or_else(|| "no message".into());
            b.problem(line, ListingProblemKind::ToolError { message }, t);
            return;
        }
        if entry.kind.as_deref() == Some("folder") {
            self.folders += 1;
            b.skipped();
            return;
        }
        if entry.is_delete_marker {
            self.delete_markers += 1;
            b.skipped();
            return;
        }
        let Some(key) = entry.key.as_deref().filter(|k| !k.is_empty()) else {
            b.problem(line, ListingProblemKind::MissingField { field: "key" }, t);
            return;
        };
        let size = match entry.size {
            Some(s) if s >= 0 => s,
            Some(s) => {
                let value = s.to_string();
                b.problem(line, ListingProblemKind::BadSize { value }, t);
                return;
            }
            None => {
                b.problem(line, ListingProblemKind::MissingField { field: "size" }, t);
                return;
            }
        };
        let last_modified_ms = entry.last_modified.as_deref().and_then(|s| {
            let ms = rfc3339_ms(s);
            if ms.is_none() {
                let value = s.to_string();
                b.problem(line, ListingProblemKind::BadTimestamp { value }, t);
            }
            ms
        });
        b.push(ObjectEntry {
            key,
            size_bytes: size,
            size_approx: false,
            last_modified_ms,
            kind: ObjectKind::Object,
            upload_id: None,
        });
    }
}

/// One line of `mc ls --json`. `mc` prints the key relative to the listed path.
#[derive(Deserialize)]
struct McLine<'a> {
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "lastModified", borrow, default)]
    last_modified: Option<Cow<'a, str>>,
    #[serde(default)]
    size: Option<i64>,
    #[serde(borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(rename = "isDeleteMarker", default)]
    is_delete_marker: bool,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// `{"message": "Unable to list folder.", "cause": {"message": "Access Denied."}}` →
/// `Unable to list folder. (Access Denied.)`.
fn mc_error_message(e: &serde_json::Value) -> String {
    let message = e
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("no message");
    match e.pointer("/cause/message").and_then(|m| m.as_str()) {
        Some(cause) => format!("{message} ({cause})"),
        None => message.to_string(),
    }
}

/// Which tool printed this line, if the line alone says so.
fn sniff_line(text: &str) -> Option<ListingFormat> {
    let t = text.trim_start();
    let b = text.as_bytes();
    if has_datetime_shape(b, b' ')
        || (t.starts_with("PRE ") && text.starts_with(' '))
        || t.starts_with("Total Objects:")
    {
        return Some(ListingFormat::AwsS3Ls);
    }
    if t.starts_with("TOTAL:") || t.starts_with("gs://") || gcloud_fields(t).is_some() {
        return Some(ListingFormat::GcloudLs);
    }
    None
}

/// `aws s3 ls` prints `<local date> <local time> <size right-aligned in 10> <key>`, the key
/// exactly as stored (it may start with spaces); `--human-readable` sizes (`1.2 KiB`,
/// `3 Bytes`) fit the same 10 columns.
fn s3_ls_line(b: &mut Builder, line: u64, text: &str) {
    let t = text.trim_start();
    if t.is_empty() {
        return;
    }
    if t.starts_with("PRE ") || t.starts_with("Total Objects:") || t.starts_with("Total Size:") {
        b.skipped();
        return;
    }
    let bytes = text.as_bytes();
    if !has_datetime_shape(bytes, b' ') || bytes.get(19) != Some(&b' ') {
        let format = ListingFormat::AwsS3Ls.label();
        b.problem(line, ListingProblemKind::Unrecognized { format }, text);
        return;
    }
    let rest = &text[20..];
    let Some((size_text, key)) = s3_ls_size_and_key(rest) else {
        let format = ListingFormat::AwsS3Ls.label();
        b.problem(line, ListingProblemKind::Unrecognized { format }, text);
        return;
    };
    let Some((size, approx)) = parse_size(size_text) else {
        let value = size_text.trim().to_string();
        b.problem(line, ListingProblemKind::BadSize { value }, text);
        return;
    };
    if key.is_empty() {
        b.problem(
            line,
            ListingProblemKind::MissingField { field: "key" },
            text,
        );
        return;
    }
    let last_modified_ms = datetime_ms(bytes);
    if last_modified_ms.is_none() {
        let value = text[..19].to_string();
        b.problem(line, ListingProblemKind::BadTimestamp { value }, text);
    }
    b.push(ObjectEntry {
        key,
        size_bytes: size,
        size_approx: approx,
        last_modified_ms,
        kind: ObjectKind::Object,
        upload_id: None,
    });
}

fn is_size_unit(word: &str) -> bool {
    matches!(
        word,
        "Byte" | "Bytes" | "KiB" | "MiB" | "GiB" | "TiB" | "PiB" | "EiB"
    )
}

/// Splits what follows the time into the size text and the key.
fn s3_ls_size_and_key(rest: &str) -> Option<(&str, &str)> {
    // The fixed columns: the size ends at the 10th character, one space, then the key.
    if let (Some(field), Some(b' ')) = (rest.get(..10), rest.as_bytes().get(10)) {
        if !field.ends_with(' ') && parse_size(field).is_some() {
            return Some((field, &rest[11..]));
        }
    }
    // A wider size (10 GB and more in bytes) pushes the key right, still one space after it.
    let lead = rest.len() - rest.trim_start().len();
    let t = &rest[lead..];
    let end = t.find(' ')?;
    let after = &t[end + 1..];
    if let Some(unit_end) = after.find(' ') {
        if is_size_unit(&after[..unit_end]) {
            return Some((&t[..end + 1 + unit_end], &after[unit_end + 1..]));
        }
    }
    Some((&t[..end], after))
}

/// `gsutil ls -l` prints `%10s  %s  %s` (size, creation time, URL); `gcloud storage ls -l` the
/// same columns; `-h` / `--readable-sizes` print `1.21 KiB` or `1.27GiB` as the size. Returns
/// the size text, the time text and the URL.
fn gcloud_fields(t: &str) -> Option<(&str, &str, &str)> {
    let scheme_end = t.find("://")?;
    let url_start = t[..scheme_end]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = t[..url_start].trim_end();
    if head.len() == t[..url_start].len() {
        // The URL must follow blanks.
        return None;
    }
    let time_start = head.rfind(' ').map(|i| i + 1)?;
    let time = &head[time_start..];
    let size = head[..time_start].trim();
    (has_datetime_shape(time.as_bytes(), b'T') && !size.is_empty()).then_some((
        size,
        time,
        &t[url_start..],
    ))
}

fn gcloud_line(b: &mut Builder, line: u64, text: &str) {
    let t = text.trim_start();
    if t.trim_end().is_empty() {
        return;
    }
    if t.starts_with("TOTAL:") {
        b.skipped();
        return;
    }
    if t.starts_with("gs://") || t.starts_with("s3://") {
        // A bare URL: a directory heading (`gs://b/dir/:`), a prefix (`gs://b/dir/`), or an
        // object listed without -l, which has no size.
        if t.ends_with(':') || t.ends_with('/') {
            b.skipped();
        } else {
            let field = "size (list with -l)";
            b.problem(line, ListingProblemKind::MissingField { field }, text);
        }
        return;
    }
    let Some((size_text, time, url)) = gcloud_fields(t) else {
        let format = ListingFormat::GcloudLs.label();
        b.problem(line, ListingProblemKind::Unrecognized { format }, text);
        return;
    };
    let Some((size, approx)) = parse_size(size_text) else {
        let value = size_text.to_string();
        b.problem(line, ListingProblemKind::BadSize { value }, text);
        return;
    };
    let path = &url[url.find("://").map_or(0, |i| i + 3)..];
    let Some((bucket, key)) = path.split_once('/').filter(|(_, k)| !k.is_empty()) else {
        b.problem(
            line,
            ListingProblemKind::MissingField { field: "key" },
            text,
        );
        return;
    };
    let last_modified_ms = rfc3339_ms(time);
    if last_modified_ms.is_none() {
        let value = time.to_string();
        b.problem(line, ListingProblemKind::BadTimestamp { value }, text);
    }
    b.bucket(bucket);
    b.push(ObjectEntry {
        key,
        size_bytes: size,
        size_approx: approx,
        last_modified_ms,
        kind: ObjectKind::Object,
        upload_id: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_ls_columns() {
        assert_eq!(
            s3_ls_size_and_key("         3  leading space"),
            Some(("         3", " leading space"))
        );
        assert_eq!(
            s3_ls_size_and_key("   1.2 KiB dir/a b"),
            Some(("   1.2 KiB", "dir/a b"))
        );
        assert_eq!(
            s3_ls_size_and_key("12345678901 big.bin"),
            Some(("12345678901", "big.bin"))
        );
        assert_eq!(
            s3_ls_size_and_key("  146 Bytes tmp/metadata"),
            Some(("146 Bytes", "tmp/metadata"))
        );
    }

    #[test]
    fn gcloud_columns() {
        assert_eq!(
            gcloud_fields("1234  2023-03-01T12:34:56Z  gs://b/k with  spaces"),
            Some(("1234", "2023-03-01T12:34:56Z", "gs://b/k with  spaces"))
        );
        assert_eq!(
            gcloud_fields("1.21 KiB  2023-03-01T12:34:56Z  gs://b/k"),
            Some(("1.21 KiB", "2023-03-01T12:34:56Z", "gs://b/k"))
        );
        assert_eq!(gcloud_fields("gs://b/k"), None);
    }
}
