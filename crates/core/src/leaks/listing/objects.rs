//! A compact, columnar store of listed objects. A browser tab may hold millions of them, so no
//! object owns a `String`: the directory part of each key is interned, and a Kafka segment file
//! name (`<20-digit offset>-<22-char Uuid>.<suffix>`) is kept as its numbers (26 bytes instead of
//! 50 or more of text). Any other name goes to one shared text arena.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::borrow::Cow;
use std::collections::HashMap;

/// What a listed entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ObjectKind {
    /// A stored object (or object version).
    Object,
    /// An upload started with CreateMultipartUpload and neither completed nor aborted: its parts
    /// are billed but it is not an object yet. Its size is 0 here, since the listing of uploads
    /// does not report the bytes of their parts.
    MultipartUpload,
}

/// One entry to add to [`Objects`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectEntry<'a> {
    pub key: &'a str,
    pub size_bytes: i64,
    /// The size was printed rounded (a `--human-readable` listing).
    pub size_approx: bool,
    pub last_modified_ms: Option<i64>,
    pub kind: ObjectKind,
    /// The upload id of a [`ObjectKind::MultipartUpload`].
    pub upload_id: Option<&'a str>,
}

/// Marks a name reference as an index into the encoded-name columns.
const ENCODED: u32 = 1 << 31;
/// `modified` value for "no time known".
const NO_TIME: i64 = i64::MIN;
const FLAG_APPROX: u8 = 1;
const FLAG_UPLOAD: u8 = 2;

/// Objects of a listing, in listing order.
#[derive(Debug, Clone, Default)]
pub struct Objects {
    /// Interned directories (each key's text through its last `/`; `""` for none).
    dir_ids: HashMap<Box<str>, u32>,
    dirs: Vec<Box<str>>,
    /// Text bytes of the interned directories, for [`Objects::held_bytes`] in O(1).
    dir_text: usize,
    /// The directory last looked up: listings are sorted, so the next key is mostly in it.
    last_dir: Option<u32>,
    // ---- per object ----
    dir: Vec<u32>,
    /// [`ENCODED`] | index into `enc_*`, or an index into `arena_end`.
    name: Vec<u32>,
    size: Vec<i64>,
    modified: Vec<i64>,
    flags: Vec<u8>,
    // ---- encoded names ----
    enc_offset: Vec<i64>,
    enc_uuid: Vec<[u8; 16]>,
    enc_suffix: Vec<u8>,
    suffixes: Vec<Box<str>>,
    last_suffix: u8,
    // ---- other names ----
    arena: String,
    /// End of each arena name in `arena`; it starts where the previous one ends.
    arena_end: Vec<u64>,
    /// (object index, upload id), by object index.
    uploads: Vec<(u32, Box<str>)>,
    upload_text: usize,
}

/// Most distinct suffixes kept encoded; names with further suffixes go to the arena.
const MAX_SUFFIXES: usize = 256;

/// One listed object, read from [`Objects`].
#[derive(Debug, Clone, Copy)]
pub struct ObjectRef<'a> {
    objects: &'a Objects,
    index: usize,
}

impl PartialEq for ObjectRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
            && self.size_bytes() == other.size_bytes()
            && self.size_approx() == other.size_approx()
            && self.last_modified_ms() == other.last_modified_ms()
            && self.kind() == other.kind()
            && self.upload_id() == other.upload_id()
    }
}

/// Splits a Kafka segment file name `<20-digit offset>-<22-char base64url Uuid>.<suffix>` into
/// its parts, only when formatting them again gives back exactly `name` (so a name with a
/// non-canonical Uuid text or an offset past `i64` stays text).
pub fn parse_segment_file_name(name: &str) -> Option<(i64, [u8; 16], &str)> {
    let b = name.as_bytes();
    if b.len() < 44 || b[20] != b'-' || b[43] != b'.' || !b[..20].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let offset = b[..20].iter().try_fold(0i64, |acc, d| {
        acc.checked_mul(10)?.checked_add(i64::from(d - b'0'))
    })?;
    let uuid_text = &b[21..43];
    if !uuid_text
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    {
        return None;
    }
    // Room for the decoder's conservative size estimate.
    let mut out = [0u8; 18];
    let n = URL_SAFE_NO_PAD.decode_slice(uuid_text, &mut out).ok()?;
    if n != 16 {
        return None;
    }
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(&out[..16]);
    let mut again = [0u8; 24];
    let m = URL_SAFE_NO_PAD.encode_slice(uuid, &mut again).ok()?;
    if &again[..m] != uuid_text {
        return None;
    }
    // Zero-padded to 20 digits, the offset formats back to exactly its text.
    Some((offset, uuid, &name[44..]))
}

/// The text of an encoded name.
fn format_segment_file_name(offset: i64, uuid: &[u8; 16], suffix: &str) -> String {
    format!("{offset:020}-{}.{suffix}", URL_SAFE_NO_PAD.encode(uuid))
}

impl Objects {
    /// The most objects a store holds (name references keep one bit for their kind).
    pub const MAX_LEN: usize = ENCODED as usize;

    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.dir.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dir.is_empty()
    }

    /// The `i`-th object (panics past [`Objects::len`], like a slice).
    pub fn get(&self, i: usize) -> ObjectRef<'_> {
        assert!(i < self.len(), "object {i} of {}", self.len());
        ObjectRef {
            objects: self,
            index: i,
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = ObjectRef<'_>> + '_ {
        (0..self.len()).map(move |index| ObjectRef {
            objects: self,
            index,
        })
    }

    /// The interned directories, in order of first appearance.
    pub fn dirs(&self) -> &[Box<str>] {
        &self.dirs
    }

    fn intern_dir(&mut self, dir: &str) -> u32 {
        if let Some(last) = self.last_dir {
            if &*self.dirs[last as usize] == dir {
                return last;
            }
        }
        let id = match self.dir_ids.get(dir) {
            Some(&id) => id,
            None => {
                let id = self.dirs.len() as u32;
                self.dirs.push(dir.into());
                self.dir_ids.insert(dir.into(), id);
                self.dir_text += dir.len();
                id
            }
        };
        self.last_dir = Some(id);
        id
    }

    fn intern_suffix(&mut self, suffix: &str) -> Option<u8> {
        let last = self.last_suffix as usize;
        if self.suffixes.get(last).is_some_and(|s| &**s == suffix) {
            return Some(self.last_suffix);
        }
        let i = match self.suffixes.iter().position(|s| &**s == suffix) {
            Some(i) => i,
            None if self.suffixes.len() < MAX_SUFFIXES => {
                self.suffixes.push(suffix.into());
                self.suffixes.len() - 1
            }
            None => return None,
        };
        self.last_suffix = i as u8;
        Some(i as u8)
    }

    /// Adds one object. Panics past [`Objects::MAX_LEN`] objects (a loader stops before).
    pub fn push(&mut self, e: ObjectEntry<'_>) {
        let index = self.len();
        assert!(index < ENCODED as usize, "too many objects");
        let split = e.key.rfind('/').map_or(0, |i| i + 1);
        let (dir, name) = e.key.split_at(split);
        let dir = self.intern_dir(dir);
        self.dir.push(dir);
        let encoded = parse_segment_file_name(name)
            .and_then(|(o, u, s)| self.intern_suffix(s).map(|s| (o, u, s)));
        match encoded {
            Some((offset, uuid, suffix)) => {
                self.name.push(ENCODED | self.enc_offset.len() as u32);
                self.enc_offset.push(offset);
                self.enc_uuid.push(uuid);
                self.enc_suffix.push(suffix);
            }
            None => {
                self.name.push(self.arena_end.len() as u32);
                self.arena.push_str(name);
                self.arena_end.push(self.arena.len() as u64);
            }
        }
        self.size.push(e.size_bytes);
        self.modified.push(e.last_modified_ms.unwrap_or(NO_TIME));
        let mut flags = 0;
        if e.size_approx {
            flags |= FLAG_APPROX;
        }
        if e.kind == ObjectKind::MultipartUpload {
            flags |= FLAG_UPLOAD;
        }
        self.flags.push(flags);
        if let Some(id) = e.upload_id {
            self.upload_text += id.len();
            self.uploads.push((index as u32, id.into()));
        }
    }

    /// Appends every object of `other` (say, multipart uploads to the objects of one bucket).
    pub fn extend(&mut self, other: &Objects) {
        for o in other.iter() {
            let key = o.key();
            self.push(ObjectEntry {
                key: &key,
                size_bytes: o.size_bytes(),
                size_approx: o.size_approx(),
                last_modified_ms: o.last_modified_ms(),
                kind: o.kind(),
                upload_id: o.upload_id(),
            });
        }
    }

    /// Gives back spare capacity (the columns grow by doubling while a listing streams in).
    pub fn shrink_to_fit(&mut self) {
        self.dir.shrink_to_fit();
        self.name.shrink_to_fit();
        self.size.shrink_to_fit();
        self.modified.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.enc_offset.shrink_to_fit();
        self.enc_uuid.shrink_to_fit();
        self.enc_suffix.shrink_to_fit();
        self.arena.shrink_to_fit();
        self.arena_end.shrink_to_fit();
        self.uploads.shrink_to_fit();
        self.dirs.shrink_to_fit();
        self.dir_ids.shrink_to_fit();
    }

    /// Bytes of memory held (column capacities, text, tables), estimated in O(1).
    pub fn held_bytes(&self) -> u64 {
        use std::mem::size_of;
        // A boxed str costs its text plus a fat pointer; a hash map entry adds its value and a
        // control byte, at the map's capacity.
        let boxed = size_of::<Box<str>>();
        let dirs = self.dirs.capacity() * boxed
            + self.dir_ids.capacity() * (boxed + size_of::<u32>() + 1)
            + 2 * self.dir_text;
        let columns = self.dir.capacity() * size_of::<u32>()
            + self.name.capacity() * size_of::<u32>()
            + self.size.capacity() * size_of::<i64>()
            + self.modified.capacity() * size_of::<i64>()
            + self.flags.capacity()
            + self.enc_offset.capacity() * size_of::<i64>()
            + self.enc_uuid.capacity() * 16
            + self.enc_suffix.capacity()
            + self.arena.capacity()
            + self.arena_end.capacity() * size_of::<u64>();
        let uploads = self.uploads.capacity() * size_of::<(u32, Box<str>)>() + self.upload_text;
        let suffixes: usize = self.suffixes.iter().map(|s| s.len() + boxed).sum();
        (dirs + columns + uploads + suffixes + size_of::<Self>()) as u64
    }
}

impl<'a> ObjectRef<'a> {
    pub fn index(&self) -> usize {
        self.index
    }

    /// The index of [`ObjectRef::dir`] in [`Objects::dirs`].
    pub fn dir_index(&self) -> u32 {
        self.objects.dir[self.index]
    }

    /// The key's text through its last `/` (empty when it has none): `key == dir + name`.
    pub fn dir(&self) -> &'a str {
        &self.objects.dirs[self.objects.dir[self.index] as usize]
    }

    /// The key's text after its last `/`.
    pub fn name(&self) -> Cow<'a, str> {
        let o = self.objects;
        let r = o.name[self.index];
        if r & ENCODED != 0 {
            let e = (r & !ENCODED) as usize;
            let suffix = &o.suffixes[o.enc_suffix[e] as usize];
            Cow::Owned(format_segment_file_name(
                o.enc_offset[e],
                &o.enc_uuid[e],
                suffix,
            ))
        } else {
            let r = r as usize;
            let start = if r == 0 {
                0
            } else {
                o.arena_end[r - 1] as usize
            };
            Cow::Borrowed(&o.arena[start..o.arena_end[r] as usize])
        }
    }

    /// The whole key, rebuilt from its directory and name.
    pub fn key(&self) -> Cow<'a, str> {
        let dir = self.dir();
        match self.name() {
            Cow::Borrowed(n) if dir.is_empty() => Cow::Borrowed(n),
            n => Cow::Owned(format!("{dir}{n}")),
        }
    }

    /// The offset, Uuid bytes and suffix (without its dot) of a name of the form
    /// `<20-digit offset>-<22-char Uuid>.<suffix>`, as stored: no text is parsed again.
    pub fn offset_uuid_suffix(&self) -> Option<(i64, [u8; 16], &'a str)> {
        let o = self.objects;
        let r = o.name[self.index];
        (r & ENCODED != 0).then(|| {
            let e = (r & !ENCODED) as usize;
            (
                o.enc_offset[e],
                o.enc_uuid[e],
                &*o.suffixes[o.enc_suffix[e] as usize],
            )
        })
    }

    pub fn size_bytes(&self) -> i64 {
        self.objects.size[self.index]
    }

    /// The size was printed rounded (`--human-readable`).
    pub fn size_approx(&self) -> bool {
        self.objects.flags[self.index] & FLAG_APPROX != 0
    }

    /// Milliseconds since the Unix epoch, UTC.
    pub fn last_modified_ms(&self) -> Option<i64> {
        let t = self.objects.modified[self.index];
        (t != NO_TIME).then_some(t)
    }

    pub fn kind(&self) -> ObjectKind {
        if self.objects.flags[self.index] & FLAG_UPLOAD != 0 {
            ObjectKind::MultipartUpload
        } else {
            ObjectKind::Object
        }
    }

    pub fn upload_id(&self) -> Option<&'a str> {
        let u = &self.objects.uploads;
        u.binary_search_by_key(&(self.index as u32), |(i, _)| *i)
            .ok()
            .map(|i| &*u[i].1)
    }
}

impl PartialEq for Objects {
    /// Equal when they list the same objects in the same order (however they were stored).
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str) -> ObjectEntry<'_> {
        ObjectEntry {
            key,
            size_bytes: 7,
            size_approx: false,
            last_modified_ms: Some(1),
            kind: ObjectKind::Object,
            upload_id: None,
        }
    }

    #[test]
    fn segment_names_are_encoded_only_when_they_format_back() {
        let (o, u, s) =
            parse_segment_file_name("00000000000000000042-QuDm8HhLQc-4DqLd-1aAjQ.log").unwrap();
        assert_eq!((o, s), (42, "log"));
        assert_eq!(
            format_segment_file_name(o, &u, s),
            "00000000000000000042-QuDm8HhLQc-4DqLd-1aAjQ.log"
        );
        for odd in [
            "0000000000000000042-QuDm8HhLQc-4DqLd-1aAjQ.log", // 19 digits
            "00000000000000000042-QuDm8HhLQc-4DqLd-1aAj.log", // 21-char uuid
            "00000000000000000042-QuDm8HhLQc-4DqLd-1aAjR.log", // non-canonical last char
            "99999999999999999999-QuDm8HhLQc-4DqLd-1aAjQ.log", // past i64
            "00000000000000000042-QuDm8HhLQc+4DqLd-1aAjQ.log", // not base64url
            "00000000000000000042-QuDm8HhLQc-4DqLd-1aAjQ-segment",
        ] {
            assert_eq!(parse_segment_file_name(odd), None, "{odd}");
        }
    }

    #[test]
    fn keys_round_trip_whatever_their_shape() {
        let keys = [
            "tiered/orders-AbCdEfGhIjKlMnOpQrStUv/0/00000000000000000000-QuDm8HhLQc-4DqLd-1aAjQ.log",
            "a/b/",
            "/x",
            "x",
            "",
            "dir with space/ünï/file.txt",
            "00000000000000000000-QuDm8HhLQc-4DqLd-1aAjQ.",
        ];
        let mut objects = Objects::new();
        for k in keys {
            objects.push(entry(k));
        }
        for (i, k) in keys.iter().enumerate() {
            let o = objects.get(i);
            assert_eq!(o.key(), *k);
            assert_eq!(format!("{}{}", o.dir(), o.name()), *k);
        }
        assert!(objects.get(0).offset_uuid_suffix().is_some());
        assert_eq!(objects.get(6).offset_uuid_suffix().unwrap().2, "");
        assert_eq!(objects.get(1).dir(), "a/b/");
        assert_eq!(objects.get(2).dir(), "/");
        let mut both = objects.clone();
        both.extend(&objects);
        assert_eq!(both.len(), 2 * keys.len());
        assert_eq!(both.get(keys.len() + 2).key(), "/x");
    }

    #[test]
    fn upload_ids_follow_their_objects_through_extend() {
        let mut a = Objects::new();
        a.push(entry("k1"));
        let mut b = Objects::new();
        b.push(ObjectEntry {
            kind: ObjectKind::MultipartUpload,
            upload_id: Some("up-1"),
            last_modified_ms: None,
            ..entry("k2")
        });
        a.extend(&b);
        assert_eq!(a.get(0).upload_id(), None);
        assert_eq!(a.get(1).upload_id(), Some("up-1"));
        assert_eq!(a.get(1).kind(), ObjectKind::MultipartUpload);
        assert_eq!(a.get(1).last_modified_ms(), None);
    }
}
