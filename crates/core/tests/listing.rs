//! Bucket listings and `RemoteLogSizeBytes` metrics, as the tools print them.
//!
//! Where the fixture lines come from (`tests/data/listings/`, `tests/data/metrics/`):
//! - `aws-s3-ls.txt`: the plain lines `2013-09-02 21:37:53         10 a.txt` and `... foo.zip`,
//!   `foo/bar/.baz/a` are the examples of the AWS CLI reference for `aws s3 ls`
//!   (docs.aws.amazon.com/cli/latest/reference/s3/ls.html); `sub/foo.csv` is from aws-cli
//!   issue #6582 (`aws s3 ls --recursive mybucket` output); the column layout (size
//!   right-aligned in 10 characters, then one space and the key) is aws-cli's own. The Kafka,
//!   unicode, spaced and odd keys are ours.
//! - `aws-s3-ls-human-summarize.txt`: the `aws s3 ls s3://tmp --recursive --summarize
//!   --human-readable` output quoted in minio/mc pull request #3517, plus a `1 Byte` line (the
//!   CLI's singular).
//! - `aws-s3api-list-objects-v2.json`: the `doc1.rtf` / `doc2.rtf` entries follow the example
//!   of the AWS CLI reference for `aws s3api list-objects-v2`; the page fields (`IsTruncated`,
//!   `NextContinuationToken`, `KeyCount`, `Name`) are ListObjectsV2Output's members (AWS SDK
//!   reference); two pages are concatenated as a paginating script writes them.
//! - `aws-s3api-list-multipart-uploads.json`: the `multipart/01` upload follows the example of
//!   the AWS CLI reference for `aws s3api list-multipart-uploads`.
//! - `gcloud-storage-ls-l.txt`: the `text_dest/a.txt` lines, the `gs://.../:` heading and the
//!   `TOTAL: N objects, N bytes (N B)` trailer are `gsutil ls -l` output quoted in a public
//!   docstring; `cdid5.png` / `cicd6.jpg` are `gsutil ls -l` output from a public tutorial; the
//!   `%10s  %s  %s` layout is gsutil's `ls.py`.
//! - `gcloud-storage-ls-lh.txt`: the `parcels...pmtiles` line and the `(1.27GiB)` unit style are
//!   `gcloud storage ls -l` output quoted in a public design document; `1.21 KiB` is gsutil's
//!   `-h` style (`MakeHumanReadable`).
//! - `az-storage-blob-list.json`: the field set of `az storage blob list --output json` (Azure
//!   CLI), values ours.
//! - `mc-ls-recursive-json.txt`: the fields `status`, `type`, `lastModified`, `size`, `key`,
//!   `etag`, `url`, `versionOrdinal`, `storageClass` of mc's `contentMessage` (minio/mc
//!   `cmd/ls.go`, ETag added in mc pull request #2285) and mc's `{"status":"error",...}` shape.
//! - Metrics: `jmxtool-*.txt` follow `kafka.tools.JmxTool` (apache/kafka
//!   `tools/.../JmxTool.java`: the `original` CSV header of quoted `"<object name>:<attribute>"`
//!   columns after `"time"`, `properties` `key=value`, `csv` `key,"value"`); the object name is
//!   the one in `kafka-reference.md` §3. `prometheus-jmx-exporter.txt` follows the JMX
//!   exporter's exposition (lowercased names, a trailing comma in the labels).

use proptest::prelude::*;
use std::io::Write;
use tierlens_core::leaks::listing::{
    load_listing, Listing, ListingError, ListingFormat, ListingLoader, ListingProblemKind,
    ObjectKind, Objects,
};
use tierlens_core::leaks::metrics::{
    parse_remote_log_size_metrics, MetricsError, MetricsFormat, MetricsProblemKind,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/listings/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn metrics_fixture(name: &str) -> String {
    let path = format!("{}/tests/data/metrics/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const FIXTURES: [&str; 9] = [
    "aws-s3api-list-objects-v2.json",
    "aws-s3api-list-multipart-uploads.json",
    "aws-s3api-list-object-versions.json",
    "aws-s3-ls.txt",
    "aws-s3-ls-human-summarize.txt",
    "gcloud-storage-ls-l.txt",
    "gcloud-storage-ls-lh.txt",
    "az-storage-blob-list.json",
    "mc-ls-recursive-json.txt",
];

/// Feeds `bytes` in chunks whose sizes cycle through `cuts` (each ≥ 1).
fn chunked(
    bytes: &[u8],
    cuts: &[usize],
    format: Option<ListingFormat>,
) -> Result<Listing, ListingError> {
    let mut loader = ListingLoader::new().with_format(format);
    let mut at = 0;
    let mut i = 0;
    while at < bytes.len() {
        let n = cuts[i % cuts.len()].max(1).min(bytes.len() - at);
        loader.feed(&bytes[at..at + n])?;
        at += n;
        i += 1;
    }
    loader.finish()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn keys(l: &Listing) -> Vec<String> {
    l.objects.iter().map(|o| o.key().into_owned()).collect()
}

const AIVEN_KEY: &str =
    "tiered/orders-AbCdEfGhIjKlMnOpQrStUv/0/00000000000000000000-QuDm8HhLQc-4DqLd-1aAjQ.log";

#[test]
fn s3api_pages_concatenated() {
    let l = load_listing(&fixture("aws-s3api-list-objects-v2.json")).unwrap();
    assert_eq!(l.format, ListingFormat::AwsS3Api);
    assert_eq!(l.bucket.as_deref(), Some("kafka-tiered-prod"));
    assert_eq!(l.objects.len(), 7, "{:?}", keys(&l));
    assert_eq!(l.problem_count, 0, "{:?}", l.problems);
    let doc1 = l.objects.get(0);
    assert_eq!(doc1.key(), "doc1.rtf");
    assert_eq!(doc1.size_bytes(), 391);
    assert_eq!(doc1.last_modified_ms(), Some(1_572_995_510_000));
    let seg = l.objects.get(2);
    assert_eq!(seg.key(), AIVEN_KEY);
    assert_eq!(seg.dir(), "tiered/orders-AbCdEfGhIjKlMnOpQrStUv/0/");
    let (offset, uuid, suffix) = seg.offset_uuid_suffix().expect("encoded");
    assert_eq!((offset, suffix), (0, "log"));
    assert_eq!(uuid.len(), 16);
    assert_eq!(
        l.objects.get(3).offset_uuid_suffix().map(|x| x.2),
        Some("indexes")
    );
    assert_eq!(
        l.objects.get(4).offset_uuid_suffix().map(|x| x.2),
        Some("rsm-manifest")
    );
    // key.prefix "kafka-tiered/", a later offset, a ms time.
    let p = l.objects.get(5);
    assert_eq!(p.offset_uuid_suffix().map(|x| x.0), Some(123_456));
    assert_eq!(p.last_modified_ms(), Some(1_714_649_400_123));
    assert_eq!(l.objects.get(6).key(), "räume/ファイル with space.txt");
    assert!(l.objects.iter().all(|o| o.kind() == ObjectKind::Object));
    // The last page is complete: no note about missing pages.
    assert!(
        !l.notes.iter().any(|n| n.contains("incomplete")),
        "{:?}",
        l.notes
    );
    // Only the first page: more keys follow.
    let text = String::from_utf8(fixture("aws-s3api-list-objects-v2.json")).unwrap();
    let first = &text[..text.find("}\n{").unwrap() + 2];
    let l = load_listing(first.as_bytes()).unwrap();
    assert_eq!(l.objects.len(), 4);
    assert!(
        l.notes.iter().any(|n| n.contains("incomplete")),
        "{:?}",
        l.notes
    );
}

#[test]
fn multipart_uploads_are_their_own_kind_and_merge_with_objects() {
    let up = load_listing(&fixture("aws-s3api-list-multipart-uploads.json")).unwrap();
    assert_eq!(up.objects.len(), 2);
    let u = up.objects.get(0);
    assert_eq!(u.kind(), ObjectKind::MultipartUpload);
    assert_eq!(u.key(), "multipart/01");
    assert!(u
        .upload_id()
        .unwrap()
        .starts_with("dfRtDYU0WWCCcH43C3WFbkRONycyCpTJJvxu2i5GY"));
    assert_eq!(u.last_modified_ms(), Some(1_433_268_090_000));
    assert_eq!(u.size_bytes(), 0);
    assert!(up.objects.get(1).offset_uuid_suffix().is_some());
    assert_eq!(up.bucket.as_deref(), Some("kafka-tiered-prod"));
    assert!(up.notes.iter().any(|n| n.contains("multipart")));

    let objects = load_listing(&fixture("aws-s3api-list-objects-v2.json")).unwrap();
    let mut all: Objects = objects.objects.clone();
    all.extend(&up.objects);
    assert_eq!(all.len(), 9);
    assert_eq!(all.get(7).upload_id(), up.objects.get(0).upload_id());
    assert_eq!(all.get(0).upload_id(), None);
    assert_eq!(all.get(8).key(), up.objects.get(1).key());
}

#[test]
fn object_versions_count_and_delete_markers_are_skipped() {
    let l = load_listing(&fixture("aws-s3api-list-object-versions.json")).unwrap();
    assert_eq!(l.objects.len(), 1);
    assert_eq!(l.objects.get(0).key(), AIVEN_KEY);
    assert!(
        l.notes.iter().any(|n| n.contains("1 delete markers")),
        "{:?}",
        l.notes
    );
    assert!(
        l.notes.iter().any(|n| n.contains("versions")),
        "{:?}",
        l.notes
    );
}

#[test]
fn aws_s3_ls_lines() {
    let l = load_listing(&fixture("aws-s3-ls.txt")).unwrap();
    assert_eq!(l.format, ListingFormat::AwsS3Ls);
    assert_eq!(l.problem_count, 0, "{:?}", l.problems);
    assert_eq!(l.objects.len(), 14);
    let k = keys(&l);
    assert_eq!(k[0], "a.txt");
    assert_eq!(l.objects.get(0).size_bytes(), 10);
    assert_eq!(l.objects.get(0).last_modified_ms(), Some(1_378_157_873_000));
    assert_eq!(k[2], "foo/bar/.baz/a");
    assert_eq!(k[4], AIVEN_KEY);
    assert_eq!(l.objects.get(5).size_bytes(), 12_884_901_888);
    assert!(k[5].starts_with("kafka-tiered/big-"));
    assert_eq!(k[7], "dir with spaces/file name.txt");
    assert_eq!(k[8], " leading space.txt");
    assert_eq!(k[9], "räume/ファイル.txt");
    // Not of the encoded form (LocalTieredStorage-like "-segment", 19 digits, a 21-character
    // uuid, a uuid text that does not format back): kept as text, exactly.
    for (i, want) in [
        (10, "local/orders-0-AbCdEfGhIjKlMnOpQrStUv/00000000000000000000-QuDm8HhLQc-4DqLd-1aAjQ-segment"),
        (11, "odd/0000000000000000042-QuDm8HhLQc-4DqLd-1aAjQ.log"),
        (12, "odd/00000000000000000042-QuDm8HhLQc-4DqLd-1aAj.log"),
        (13, "odd/00000000000000000042-QuDm8HhLQc-4DqLd-1aAjR.log"),
    ] {
        assert_eq!(k[i], want);
        assert_eq!(l.objects.get(i).offset_uuid_suffix(), None, "{want}");
    }
    assert!(l.objects.get(4).offset_uuid_suffix().is_some());
    assert!(
        l.notes.iter().any(|n| n.contains("read as UTC")),
        "{:?}",
        l.notes
    );
    assert_eq!(l.approximate_sizes, 0);
}

#[test]
fn human_readable_sizes_are_flagged_and_totals_skipped() {
    let text = fixture("aws-s3-ls-human-summarize.txt");
    let l = load_listing(&text).unwrap();
    assert_eq!(l.objects.len(), 8, "{:?}", l.problems);
    assert_eq!(l.problem_count, 0, "{:?}", l.problems);
    let o = |i: usize| l.objects.get(i);
    assert_eq!(
        (
            o(0).key().into_owned(),
            o(0).size_bytes(),
            o(0).size_approx()
        ),
        ("tmp/metadata".into(), 146, false)
    );
    assert_eq!((o(3).size_bytes(), o(3).size_approx()), (11_639_194, true));
    assert_eq!(
        (o(7).key().into_owned(), o(7).size_bytes()),
        ("tmp/one".into(), 1)
    );
    assert_eq!(l.approximate_sizes, 2);
    assert!(l.notes.iter().any(|n| n.contains("approximate")));
    // CRLF line ends and a byte-order mark read the same.
    let crlf: Vec<u8> = [
        b"\xef\xbb\xbf".as_slice(),
        &String::from_utf8(text)
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes(),
    ]
    .concat();
    let again = load_listing(&crlf).unwrap();
    assert_eq!(again.objects, l.objects);
    assert_eq!(again.problems, l.problems);
}

#[test]
fn gcloud_and_gsutil_long_listings() {
    let l = load_listing(&fixture("gcloud-storage-ls-l.txt")).unwrap();
    assert_eq!(l.format, ListingFormat::GcloudLs);
    assert_eq!(l.bucket.as_deref(), Some("mybucket"));
    assert_eq!(l.problem_count, 0, "{:?}", l.problems);
    let k = keys(&l);
    assert_eq!(k.len(), 6);
    assert_eq!(k[0], "text_dest/a.txt");
    assert_eq!(k[4], AIVEN_KEY);
    assert_eq!(k[5], "dir with  spaces/ünï.txt");
    assert_eq!(l.objects.get(2).size_bytes(), 70894);
    assert_eq!(l.objects.get(2).last_modified_ms(), Some(1_617_255_401_000));

    let h = load_listing(&fixture("gcloud-storage-ls-lh.txt")).unwrap();
    assert_eq!(h.objects.len(), 3);
    assert_eq!(h.bucket.as_deref(), Some("hauska-map-tiles"));
    assert!(!h.objects.get(0).size_approx());
    assert_eq!(
        (
            h.objects.get(1).size_bytes(),
            h.objects.get(1).size_approx()
        ),
        (1239, true)
    );
    assert_eq!(h.objects.get(2).size_bytes(), 1_363_652_116);
    assert_eq!(h.approximate_sizes, 2);
}

#[test]
fn az_blob_list() {
    let l = load_listing(&fixture("az-storage-blob-list.json")).unwrap();
    assert_eq!(l.format, ListingFormat::AzBlobList);
    assert_eq!(l.bucket.as_deref(), Some("kafka-tiered"));
    assert_eq!(keys(&l), [AIVEN_KEY, "notes/read me.txt"]);
    assert_eq!(l.objects.get(0).size_bytes(), 1_073_741_824);
    assert_eq!(l.objects.get(1).last_modified_ms(), Some(1_714_634_100_000));
}

#[test]
fn mc_ls_json_lines() {
    let l = load_listing(&fixture("mc-ls-recursive-json.txt")).unwrap();
    assert_eq!(l.format, ListingFormat::McLsJson);
    assert_eq!(
        keys(&l)[..2],
        [AIVEN_KEY.to_string(), AIVEN_KEY.replace(".log", ".indexes")]
    );
    assert_eq!(l.objects.len(), 3);
    assert_eq!(l.objects.get(0).last_modified_ms(), Some(1_714_557_600_789));
    assert_eq!(l.objects.get(1).last_modified_ms(), Some(1_714_557_601_000));
    assert_eq!(l.problem_count, 1);
    assert_eq!(l.problems[0].line, 4);
    assert_eq!(
        l.problems[0].kind,
        ListingProblemKind::ToolError {
            message: "Unable to list folder. (Access Denied.)".into()
        }
    );
}

fn kinds(l: &Listing) -> Vec<(u64, ListingProblemKind)> {
    l.problems
        .iter()
        .map(|p| (p.line, p.kind.clone()))
        .collect()
}

#[test]
fn every_malformed_line_is_the_right_problem() {
    let mut text = b"2024-05-01 10:00:00        100 ok.txt\n\
2024-05-01 10:00:00 notanumber key\n\
2024-13-45 10:00:00        100 bad-date\n\
garbage line\n\
2024-05-01 10:00:00        100 \n"
        .to_vec();
    text.extend_from_slice(b"2024-05-01 10:00:00        100 caf\xe9\n");
    text.extend_from_slice(b"2024-05-01 10:00:00        100 last-without-newline");
    let l = load_listing(&text).unwrap();
    let fmt = ListingFormat::AwsS3Ls.label();
    assert_eq!(
        kinds(&l),
        vec![
            (
                2,
                ListingProblemKind::BadSize {
                    value: "notanumber".into()
                }
            ),
            (
                3,
                ListingProblemKind::BadTimestamp {
                    value: "2024-13-45 10:00:00".into()
                }
            ),
            (4, ListingProblemKind::Unrecognized { format: fmt }),
            (5, ListingProblemKind::MissingField { field: "key" }),
            (6, ListingProblemKind::NotUtf8),
        ]
    );
    assert_eq!(keys(&l), ["ok.txt", "bad-date", "last-without-newline"]);
    assert_eq!(l.objects.get(1).last_modified_ms(), None);
    assert_eq!(l.problems[2].excerpt, "garbage line");

    let g = load_listing(
        b"       12  2024-05-01T10:00:00Z  gs://b/ok\n\
        huge  2024-05-01T10:00:00Z  gs://b/x\n\
       12  2024-99-01T10:00:00Z  gs://b/late\n\
gs://b/short-listing\n\
what is this\n",
    )
    .unwrap();
    assert_eq!(
        kinds(&g),
        vec![
            (
                2,
                ListingProblemKind::BadSize {
                    value: "huge".into()
                }
            ),
            (
                3,
                ListingProblemKind::BadTimestamp {
                    value: "2024-99-01T10:00:00Z".into()
                }
            ),
            (
                4,
                ListingProblemKind::MissingField {
                    field: "size (list with -l)"
                }
            ),
            (
                5,
                ListingProblemKind::Unrecognized {
                    format: ListingFormat::GcloudLs.label()
                }
            ),
        ]
    );
    assert_eq!(keys(&g), ["ok", "late"]);

    let m = load_listing(
        br#"{"status":"success","type":"file","lastModified":"2024-05-01T10:00:00Z","size":1,"key":"a"}
{"status":"success","type":"file","size":1}
{"status":"success","type":"file","lastModified":"2024-05-01T10:00:00Z","size":-1,"key":"b"}
{"status":"success","type":"file","lastModified":"soon","size":2,"key":"c"}
{"status":"success","type":"file","size":"big","key":"d"}
mc: <ERROR> Unable to list folder.
{"status":"success",
"#,
    )
    .unwrap();
    let k = kinds(&m);
    assert_eq!(k[0], (2, ListingProblemKind::MissingField { field: "key" }));
    assert_eq!(
        k[1],
        (3, ListingProblemKind::BadSize { value: "-1".into() })
    );
    assert_eq!(
        k[2],
        (
            4,
            ListingProblemKind::BadTimestamp {
                value: "soon".into()
            }
        )
    );
    assert!(
        matches!(&k[3], (5, ListingProblemKind::BadEntry { message }) if message.contains("invalid type")),
        "{k:?}"
    );
    assert_eq!(
        k[4],
        (
            6,
            ListingProblemKind::Unrecognized {
                format: ListingFormat::McLsJson.label()
            }
        )
    );
    assert!(
        matches!(&k[5], (7, ListingProblemKind::BadEntry { .. })),
        "{k:?}"
    );
    assert_eq!(keys(&m), ["a", "c"]);

    let j = load_listing(
        br#"{"Contents": [
  {"Key": "a", "Size": 1, "LastModified": "2024-05-01T10:00:00Z"},
  {"Key": "b", "Size": "1"},
  {"Size": 3},
  {"Key": "c", "Size": 4, "LastModified": "not a time"},
  {"Key": "d"},
  7
]}"#,
    )
    .unwrap();
    let k = kinds(&j);
    assert!(
        matches!(&k[0], (3, ListingProblemKind::BadEntry { message }) if message.contains("invalid type")),
        "{k:?}"
    );
    assert_eq!(k[1], (4, ListingProblemKind::MissingField { field: "Key" }));
    assert_eq!(
        k[2],
        (
            5,
            ListingProblemKind::BadTimestamp {
                value: "not a time".into()
            }
        )
    );
    assert_eq!(
        k[3],
        (6, ListingProblemKind::MissingField { field: "Size" })
    );
    assert!(
        matches!(&k[4], (7, ListingProblemKind::BadEntry { .. })),
        "{k:?}"
    );
    assert_eq!(keys(&j), ["a", "c"]);
    assert_eq!(j.problems[1].excerpt, r#"{"Size": 3}"#);
}

#[test]
fn what_is_no_listing_says_what_was_seen() {
    assert_eq!(load_listing(b""), Err(ListingError::Empty));
    assert_eq!(
        load_listing(b"  \n\t\n"),
        Err(ListingError::OnlyWhitespace { bytes: 5 })
    );
    let snapshot = br#"{"format": "tierlens-snapshot", "version": 1, "topics": []}"#;
    let e = load_listing(snapshot).unwrap_err();
    assert!(
        matches!(&e, ListingError::NotAListing { expected: None, seen } if seen.contains("\"format\"")),
        "{e}"
    );
    let e = load_listing(b"hello\nworld\n").unwrap_err();
    assert!(
        matches!(&e, ListingError::NotAListing { seen, .. } if seen.contains("hello")),
        "{e}"
    );
    assert!(e.to_string().contains("aws s3 ls"), "{e}");
    let e = load_listing(b"[2020-11-02 15:48:28 CST]   146B tmp/metadata\n").unwrap_err();
    assert!(e.to_string().contains("without --json"), "{e}");
    let e = load_listing(b"\"just a string\"").unwrap_err();
    assert!(
        matches!(&e, ListingError::NotAListing { seen, .. } if seen.contains("just a string")),
        "{e}"
    );
    let e = load_listing(b"[1, 2]").unwrap_err();
    assert!(e.to_string().contains("array of numbers"), "{e}");
    // Broken JSON is located.
    let e =
        load_listing(b"{\"Contents\": [\n  {\"Key\": \"a\", \"Size\": 1}\n  {\"Key\": \"b\"}]}")
            .unwrap_err();
    assert_eq!(
        e,
        ListingError::Json {
            line: 3,
            column: 3,
            message: "expected `,` or `]`".into()
        }
    );
    let e = load_listing(b"{\"Contents\": [{\"Key\": \"a\", \"Size\": 1}").unwrap_err();
    assert!(matches!(e, ListingError::Json { line: 1, .. }), "{e}");
    // Forced to another format: nothing reads, which is said.
    let e = chunked(
        &fixture("aws-s3-ls.txt"),
        &[4096],
        Some(ListingFormat::GcloudLs),
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            ListingError::NoObjects {
                format: ListingFormat::GcloudLs,
                problem_count: 15,
                ..
            }
        ),
        "{e}"
    );
    let e = chunked(b"[]", &[1], Some(ListingFormat::McLsJson));
    assert!(e.is_err());
    let ok = chunked(
        &fixture("aws-s3-ls.txt"),
        &[7],
        Some(ListingFormat::AwsS3Ls),
    )
    .unwrap();
    assert_eq!(ok, load_listing(&fixture("aws-s3-ls.txt")).unwrap());
}

#[test]
fn gzip_and_blank_lines_read_the_same() {
    let text = fixture("gcloud-storage-ls-l.txt");
    let plain = load_listing(&text).unwrap();
    assert_eq!(load_listing(&gzip(&text)).unwrap(), plain);
    assert_eq!(chunked(&gzip(&text), &[1], None).unwrap(), plain);
    let mut padded = b"\n\r\n   \n".to_vec();
    padded.extend_from_slice(&text);
    padded.extend_from_slice(b"\n\n");
    let p = load_listing(&padded).unwrap();
    assert_eq!(p.objects, plain.objects);
    // The same problems, three lines further down.
    let bad = load_listing(b"\n\n\n         1  2024-05-01T10:00:00Z  gs://b/k\nnope\n").unwrap();
    assert_eq!(bad.problems[0].line, 5);
    assert!(matches!(
        load_listing(&[0x1f, 0x8b, 1, 2, 3]),
        Err(ListingError::Gzip(_))
    ));
}

#[test]
fn the_memory_limit_applies() {
    let text = fixture("aws-s3-ls.txt");
    let mut loader = ListingLoader::with_limit(256);
    assert_eq!(loader.limit(), 256);
    let e = loader.feed(&text).unwrap_err();
    assert!(matches!(e, ListingError::TooLarge { max: 256, .. }), "{e}");
    assert!(e.to_string().contains("raise the limit"));
    let mut loader = ListingLoader::new();
    loader.feed(&text[..100]).unwrap();
    let p = loader.progress();
    // The `PRE` line and one object are whole; the third line is cut.
    assert_eq!(p.objects, 1);
    assert_eq!(p.bytes_read, 100);
}

/// `aws s3 ls --recursive` of a tiered-storage bucket: `n` segment files over 50 topics × 12
/// partitions, each with its index file.
fn generated_s3_ls(n: usize) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(n * 130);
    for i in 0..n {
        let topic = i % 50;
        let partition = (i / 50) % 12;
        let offset = (i / 600) as u64 * 1_000_000 + 17;
        let suffix = if i % 2 == 0 { "log" } else { "indexes" };
        let mut uuid = [0u8; 16];
        uuid[..8].copy_from_slice(&(i as u64).to_le_bytes());
        uuid[8..].copy_from_slice(&(i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
        let u = base64_url(&uuid);
        let _ = writeln!(
            s,
            "2024-05-{:02} {:02}:{:02}:{:02} {:>10} tiered/topic-{topic:03}-AbCdEfGhIjKlMnOpQrStUv/{partition}/{offset:020}-{u}.{suffix}",
            1 + i % 28,
            i % 24,
            i % 60,
            (i / 60) % 60,
            1_073_741_824 - (i % 1000) as i64,
        );
    }
    s.into_bytes()
}

fn base64_url(bytes: &[u8; 16]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    let mut bits = 0u32;
    let mut n = 0;
    for &b in bytes {
        bits = (bits << 8) | u32::from(b);
        n += 8;
        while n >= 6 {
            n -= 6;
            out.push(A[((bits >> n) & 63) as usize] as char);
        }
    }
    if n > 0 {
        out.push(A[((bits << (6 - n)) & 63) as usize] as char);
    }
    out
}

#[test]
fn a_large_listing_streams_in_64_bytes_per_object() {
    let n = 300_000;
    let text = generated_s3_ls(n);
    let mut loader = ListingLoader::new();
    for chunk in text.chunks(1 << 20) {
        loader.feed(chunk).unwrap();
    }
    let l = loader.finish().unwrap();
    assert_eq!(l.objects.len(), n);
    assert_eq!(l.problem_count, 0, "{:?}", l.problems.first());
    assert!(l.objects.iter().all(|o| o.offset_uuid_suffix().is_some()));
    let per_object = l.objects.held_bytes() as f64 / n as f64;
    assert!(per_object <= 64.0, "{per_object:.1} bytes per object");
    // Round trip of a sample.
    let line = String::from_utf8_lossy(&text[..text.iter().position(|&c| c == b'\n').unwrap()])
        .into_owned();
    assert!(line.ends_with(&*l.objects.get(0).key()), "{line}");
}

fn chunks_strategy() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![Just(1usize), 1usize..8, 8usize..300], 1..20)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_chunking_gives_the_same_result(cuts in chunks_strategy()) {
        let mut inputs: Vec<Vec<u8>> = FIXTURES.iter().map(|f| fixture(f)).collect();
        inputs.push(gzip(&fixture("aws-s3api-list-objects-v2.json")));
        inputs.push(b"{\"Contents\": [{\"Key\": \"a\", \"Size\": 1}, {\"Key\": 5}, {\"Key\": \"b\", \"Size\": 2}\n  {\"Key\": \"c\"}]}".to_vec());
        inputs.push(b"2024-05-01 10:00:00        100 caf\xe9\r\nbad\n\xef\xbb".to_vec());
        inputs.push(b"\xef\xbb\xbf\n\n  {\"status\":\"error\",\"error\":{\"message\":\"x\"}}\n".to_vec());
        inputs.push(b"[{\"name\": \"x\", \"properties\": {\"contentLength\": 1}}, {\"name\": 1}]".to_vec());
        let mut bad = fixture("az-storage-blob-list.json");
        let at = bad.len() / 2;
        bad[at] = 0xff;
        inputs.push(bad);
        for input in &inputs {
            let whole = load_listing(input);
            prop_assert_eq!(&chunked(input, &cuts, None), &whole);
            prop_assert_eq!(&chunked(input, &[1], None), &whole);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// Pieces of real listings, glued in any order with stray bytes: never a panic, and the
    /// same result however the bytes arrive.
    #[test]
    fn any_bytes_read_without_panic(
        parts in prop::collection::vec((0usize..FIXTURES.len(), 0usize..400, 0usize..400), 1..6),
        noise in prop::collection::vec(any::<u8>(), 0..40),
        cut in 1usize..50,
    ) {
        let mut input = Vec::new();
        for (f, a, b) in parts {
            let text = fixture(FIXTURES[f]);
            let (a, b) = (a.min(text.len()), b.min(text.len()));
            input.extend_from_slice(&text[a.min(b)..a.max(b)]);
            input.extend_from_slice(&noise[..noise.len().min(a % 7)]);
        }
        let whole = load_listing(&input);
        prop_assert_eq!(&chunked(&input, &[cut, 1, 3], None), &whole);
        for f in ListingFormat::ALL {
            let _ = chunked(&input, &[cut], Some(f));
        }
        let text = String::from_utf8_lossy(&input);
        let _ = parse_remote_log_size_metrics(&text);
    }
}

// ---- metrics ----

#[test]
fn prometheus_samples_from_several_brokers() {
    let m = parse_remote_log_size_metrics(&metrics_fixture("prometheus-jmx-exporter.txt")).unwrap();
    assert_eq!(m.format, Some(MetricsFormat::Prometheus));
    let orders: Vec<_> = m.samples.iter().filter(|s| s.topic == "orders").collect();
    assert_eq!(orders.len(), 3);
    assert_eq!(orders[0].broker.as_deref(), Some("broker-1:7071"));
    assert_eq!(orders[0].bytes, Some(1_073_741_824));
    assert_eq!(orders[2].partition, Some(0));
    let payments = m.samples.iter().find(|s| s.topic == "payments").unwrap();
    assert_eq!(payments.bytes, None, "NaN");
    assert!(m
        .samples
        .iter()
        .any(|s| s.topic == "pay\"ments\\x" && s.bytes == Some(42)));
    assert_eq!(m.broker_totals.len(), 1);
    assert_eq!(m.broker_totals[0].bytes, Some(1_073_741_824));
    let clicks = m.samples.iter().find(|s| s.topic == "clicks").unwrap();
    assert_eq!(
        (clicks.bytes, clicks.broker.as_deref()),
        (Some(100), Some("3"))
    );
    let problems: Vec<_> = m
        .problems
        .iter()
        .map(|p| (p.line, p.kind.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (13, MetricsProblemKind::BadPartition { value: "x".into() }),
            (
                14,
                MetricsProblemKind::BadValue {
                    value: "lots".into()
                }
            ),
            (
                15,
                MetricsProblemKind::Unreadable {
                    expected: "a Prometheus sample"
                }
            ),
        ]
    );
    let by = m.by_topic();
    let orders = by.iter().find(|t| t.topic == "orders").unwrap();
    // Two leaders' topic-level values; broker-3's partition sample is already in its own.
    assert_eq!(orders.bytes, 1_073_741_824 + 536_870_912);
    assert_eq!(
        (orders.samples, orders.brokers, orders.nan_samples),
        (2, 2, 0)
    );
    let payments = by.iter().find(|t| t.topic == "payments").unwrap();
    assert_eq!((payments.bytes, payments.nan_samples), (0, 1));
}

#[test]
fn jmxtool_and_jmxterm_dumps() {
    let m = parse_remote_log_size_metrics(&metrics_fixture("jmxtool-original.txt")).unwrap();
    assert_eq!(m.format, Some(MetricsFormat::JmxDump));
    // The later poll replaces the earlier one; the short row is a problem.
    let s: Vec<_> = m
        .samples
        .iter()
        .map(|s| (s.topic.as_str(), s.bytes, s.line))
        .collect();
    assert_eq!(s, [("orders", Some(1100), 3), ("payments", None, 3)]);
    assert_eq!(m.problems.len(), 1);
    assert_eq!(
        m.problems[0].kind,
        MetricsProblemKind::ColumnCount {
            found: 2,
            expected: 4
        }
    );

    let m = parse_remote_log_size_metrics(&metrics_fixture("jmxtool-properties.txt")).unwrap();
    let s: Vec<_> = m
        .samples
        .iter()
        .map(|s| (s.topic.as_str(), s.bytes))
        .collect();
    assert_eq!(s, [("orders", Some(1000)), ("payments", Some(2000))]);
    assert_eq!(m.broker_totals[0].bytes, Some(3000));
    assert_eq!(
        m.problems[0].kind,
        MetricsProblemKind::BadValue { value: "-5".into() }
    );

    let m = parse_remote_log_size_metrics(&metrics_fixture("jmxterm.txt")).unwrap();
    let s: Vec<_> = m
        .samples
        .iter()
        .map(|s| (s.topic.as_str(), s.bytes))
        .collect();
    assert_eq!(s, [("orders", Some(123_456))]);
    assert!(m.problems.is_empty());

    assert_eq!(
        parse_remote_log_size_metrics(" \n"),
        Err(MetricsError::Empty)
    );
    assert_eq!(
        parse_remote_log_size_metrics("# only\njvm_memory_bytes_used 5\n"),
        Err(MetricsError::NoRemoteLogSize { lines: 2 })
    );
}
