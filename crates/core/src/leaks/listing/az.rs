//! `az storage blob list --output json`: an array of blobs, each
//! `{"name", "container", "properties": {"contentLength", "lastModified", ...}, ...}` with
//! times like `2023-03-01T12:34:56+00:00`.

use super::json::EntryText;
use super::s3api::time_of;
use super::{Builder, ListingProblemKind, ObjectEntry, ObjectKind};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
pub(crate) struct AzBlob<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    container: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    properties: Option<AzProperties<'a>>,
    /// Soft-deleted blobs (listed with `--include d`) still hold data until purged.
    #[serde(default)]
    deleted: Option<bool>,
}

#[derive(Deserialize)]
struct AzProperties<'a> {
    #[serde(rename = "contentLength", default)]
    content_length: Option<i64>,
    #[serde(rename = "lastModified", borrow, default)]
    last_modified: Option<Cow<'a, str>>,
}

pub(crate) fn push_blob(b: &mut Builder, o: AzBlob<'_>, at: &EntryText<'_>) {
    let Some(key) = o.name.as_deref().filter(|k| !k.is_empty()) else {
        b.problem(
            at.line(),
            ListingProblemKind::MissingField { field: "name" },
            at.text,
        );
        return;
    };
    let Some(props) = o.properties else {
        b.problem(
            at.line(),
            ListingProblemKind::MissingField {
                field: "properties",
            },
            at.text,
        );
        return;
    };
    let size = match props.content_length {
        Some(s) if s >= 0 => s,
        Some(s) => {
            let value = s.to_string();
            b.problem(at.line(), ListingProblemKind::BadSize { value }, at.text);
            return;
        }
        None => {
            let field = "properties.contentLength";
            b.problem(
                at.line(),
                ListingProblemKind::MissingField { field },
                at.text,
            );
            return;
        }
    };
    if let Some(container) = o.container.as_deref() {
        b.bucket(container);
    }
    if o.deleted == Some(true) {
        b.note("soft-deleted blobs are listed (--include d); they are counted as objects, since they are stored until purged");
    }
    let last_modified_ms = time_of(b, props.last_modified.as_deref(), at);
    b.push(ObjectEntry {
        key,
        size_bytes: size,
        size_approx: false,
        last_modified_ms,
        kind: ObjectKind::Object,
        upload_id: None,
    });
}
