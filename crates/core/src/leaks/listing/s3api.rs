//! `aws s3api list-objects-v2` / `list-object-versions` / `list-multipart-uploads` entries.
//!
//! The CLI prints the API response with the API's member names: `Contents[]` (or `Versions[]`)
//! of `{"Key", "LastModified", "ETag", "Size", "StorageClass", ...}` and `Uploads[]` of
//! `{"UploadId", "Key", "Initiated", ...}`. Times are ISO 8601 with an offset
//! (`2023-03-01T12:34:56+00:00` from CLI v2, `...56.000Z` from v1).

use super::json::{EntryText, ObjectSource};
use super::values::rfc3339_ms;
use super::{Builder, ListingProblemKind, ObjectEntry, ObjectKind};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
pub(crate) struct S3Object<'a> {
    #[serde(rename = "Key", borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(rename = "LastModified", borrow, default)]
    last_modified: Option<Cow<'a, str>>,
    #[serde(rename = "Size", default)]
    size: Option<i64>,
}

#[derive(Deserialize)]
pub(crate) struct S3Upload<'a> {
    #[serde(rename = "Key", borrow, default)]
    key: Option<Cow<'a, str>>,
    #[serde(rename = "UploadId", borrow, default)]
    upload_id: Option<Cow<'a, str>>,
    #[serde(rename = "Initiated", borrow, default)]
    initiated: Option<Cow<'a, str>>,
}

/// A time, or a problem saying it could not be read (the entry is kept without it).
pub(crate) fn time_of(b: &mut Builder, value: Option<&str>, at: &EntryText<'_>) -> Option<i64> {
    let value = value?;
    let ms = rfc3339_ms(value);
    if ms.is_none() {
        let value = value.to_string();
        b.problem(
            at.line(),
            ListingProblemKind::BadTimestamp { value },
            at.text,
        );
    }
    ms
}

pub(crate) fn push_object(b: &mut Builder, o: S3Object<'_>, at: &EntryText<'_>, _: ObjectSource) {
    let Some(key) = o.key.as_deref().filter(|k| !k.is_empty()) else {
        b.problem(
            at.line(),
            ListingProblemKind::MissingField { field: "Key" },
            at.text,
        );
        return;
    };
    let size = match o.size {
        Some(s) if s >= 0 => s,
        Some(s) => {
            let value = s.to_string();
            b.problem(at.line(), ListingProblemKind::BadSize { value }, at.text);
            return;
        }
        None => {
            b.problem(
                at.line(),
                ListingProblemKind::MissingField { field: "Size" },
                at.text,
            );
            return;
        }
    };
    let last_modified_ms = time_of(b, o.last_modified.as_deref(), at);
    b.push(ObjectEntry {
        key,
        size_bytes: size,
        size_approx: false,
        last_modified_ms,
        kind: ObjectKind::Object,
        upload_id: None,
    });
}

pub(crate) fn push_upload(b: &mut Builder, u: S3Upload<'_>, at: &EntryText<'_>) {
    let Some(key) = u.key.as_deref().filter(|k| !k.is_empty()) else {
        b.problem(
            at.line(),
            ListingProblemKind::MissingField { field: "Key" },
            at.text,
        );
        return;
    };
    let Some(upload_id) = u.upload_id.as_deref() else {
        b.problem(
            at.line(),
            ListingProblemKind::MissingField { field: "UploadId" },
            at.text,
        );
        return;
    };
    let last_modified_ms = time_of(b, u.initiated.as_deref(), at);
    b.push(ObjectEntry {
        key,
        size_bytes: 0,
        size_approx: false,
        last_modified_ms,
        kind: ObjectKind::MultipartUpload,
        upload_id: Some(upload_id),
    });
}
