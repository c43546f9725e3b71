//! Java `.properties` syntax, as `java.util.Properties.load` reads it (which is how Kafka's tools
//! read `--command-config`), and a reader that remembers which keys were looked at.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{Origin, SecurityError};

/// One `key=value`; `line` is where its logical line starts (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// A syntax error: the line, the key (as far as it was read) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub key: String,
    pub problem: &'static str,
}

const fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Parses the whole text into entries in file order (duplicates kept; the last one wins).
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
    // Natural lines end at \n, \r or \r\n.
    let lines: Vec<&str> = text
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .collect();
    let mut entries = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i + 1;
        let mut current = lines[i].trim_start_matches(is_blank);
        i += 1;
        // A comment line never continues, even when it ends with a backslash.
        if current.is_empty() || current.starts_with(['#', '!']) {
            continue;
        }
        let mut logical = String::new();
        loop {
            let backslashes = current.bytes().rev().take_while(|&b| b == b'\\').count();
            if backslashes % 2 == 0 {
                logical.push_str(current);
                break;
            }
            logical.push_str(&current[..current.len() - 1]);
            match lines.get(i) {
                // The continuation's leading blanks are not part of the value.
                Some(next) => {
                    current = next.trim_start_matches(is_blank);
                    i += 1;
                }
                None => break,
            }
        }
        entries.push(split_entry(&logical, line_no)?);
    }
    Ok(entries)
}

/// Splits a logical line at the first unescaped `=`, `:` or blank, then unescapes both sides.
fn split_entry(line: &str, line_no: usize) -> Result<Entry, SyntaxError> {
    let mut key_end = line.len();
    let mut value_start = line.len();
    let mut has_separator = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if !escaped && (c == '=' || c == ':') {
            key_end = at;
            value_start = at + 1;
            has_separator = true;
            break;
        }
        if !escaped && is_blank(c) {
            key_end = at;
            value_start = at + 1;
            break;
        }
        escaped = c == '\\' && !escaped;
    }
    // Blanks, then at most one `=` or `:` if the key ended at a blank.
    let mut rest = &line[value_start..];
    loop {
        rest = rest.trim_start_matches(is_blank);
        match rest.chars().next() {
            Some('=' | ':') if !has_separator => {
                has_separator = true;
                rest = &rest[1..];
            }
            _ => break,
        }
    }
    let raw_key = &line[..key_end];
    let key = unescape(raw_key).map_err(|problem| SyntaxError {
        line: line_no,
        key: raw_key.to_owned(),
        problem,
    })?;
    let value = unescape(rest).map_err(|problem| SyntaxError {
        line: line_no,
        key: key.clone(),
        problem,
    })?;
    Ok(Entry {
        key,
        value,
        line: line_no,
    })
}

/// `\t \n \r \f`, `\uXXXX` (UTF-16, so surrogate pairs too); any other escaped char is itself.
fn unescape(s: &str) -> Result<String, &'static str> {
    const MALFORMED: &str = "malformed \\uXXXX escape";
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut units: Vec<u16> = Vec::new();
    let flush = |units: &mut Vec<u16>, out: &mut String| -> Result<(), &'static str> {
        if !units.is_empty() {
            let decoded = String::from_utf16(units)
                .map_err(|_| "unpaired UTF-16 surrogate in a \\uXXXX escape")?;
            out.push_str(&decoded);
            units.clear();
        }
        Ok(())
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut units, &mut out)?;
            out.push(c);
            continue;
        }
        let Some(escaped) = chars.next() else {
            break;
        };
        if escaped == 'u' {
            let hex: String = chars.by_ref().take(4).collect();
            if hex.len() != 4 {
                return Err(MALFORMED);
            }
            units.push(u16::from_str_radix(&hex, 16).map_err(|_| MALFORMED)?);
            continue;
        }
        flush(&mut units, &mut out)?;
        out.push(match escaped {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\x0c',
            other => other,
        });
    }
    flush(&mut units, &mut out)?;
    Ok(out)
}

/// A value looked up by [`Props::get`], trimmed as Kafka's `ConfigDef` trims it
/// ([`Props::at`] tells where it is).
#[derive(Debug, Clone)]
pub(crate) struct Value {
    pub text: String,
}

/// The parsed file: the last value of each key, and which keys were consulted.
pub(crate) struct Props {
    file: Option<PathBuf>,
    entries: Vec<Entry>,
    used: Vec<bool>,
    index: HashMap<String, usize>,
}

impl Props {
    pub fn parse(text: &str, file: Option<&Path>) -> Result<Self, SecurityError> {
        let parsed = parse(text).map_err(|e| SecurityError::Syntax {
            at: Box::new(Origin {
                file: file.map(Path::to_path_buf),
                line: Some(e.line),
                key: e.key,
            }),
            problem: e.problem,
        })?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut index = HashMap::new();
        for entry in parsed {
            match index.get(&entry.key) {
                // As in java.util.Properties the last value wins (its line too).
                Some(&at) => entries[at] = entry,
                None => {
                    index.insert(entry.key.clone(), entries.len());
                    entries.push(entry);
                }
            }
        }
        Ok(Props {
            file: file.map(Path::to_path_buf),
            used: vec![false; entries.len()],
            entries,
            index,
        })
    }

    /// The trimmed value of `key`, marking it as read.
    pub fn get(&mut self, key: &str) -> Option<Value> {
        let &at = self.index.get(key)?;
        self.used[at] = true;
        let entry = &self.entries[at];
        Some(Value {
            text: entry.value.trim_matches(|c: char| c <= ' ').to_owned(),
        })
    }

    /// Where `key` is (or would be) set.
    pub fn at(&self, key: &str) -> Box<Origin> {
        Box::new(Origin {
            file: self.file.clone(),
            line: self.index.get(key).map(|&at| self.entries[at].line),
            key: key.to_owned(),
        })
    }

    /// Keys never looked at, in file order.
    pub fn unused(&self) -> Vec<String> {
        self.entries
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(e, _)| e.key.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String, usize)> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value, e.line))
            .collect()
    }

    fn p(k: &str, v: &str, line: usize) -> (String, String, usize) {
        (k.to_owned(), v.to_owned(), line)
    }

    #[test]
    fn separators_and_surrounding_blanks() {
        let text = "a=1\n  b : 2\nc 3\nd\t=\t4\ne:=5\nf   \ng=\nh==x\n";
        assert_eq!(
            pairs(text),
            vec![
                p("a", "1", 1),
                p("b", "2", 2),
                p("c", "3", 3),
                p("d", "4", 4),
                p("e", "=5", 5),
                p("f", "", 6),
                p("g", "", 7),
                p("h", "=x", 8),
            ]
        );
        // Trailing blanks belong to the value in Java; `Props::get` trims as Kafka does.
        assert_eq!(pairs("k = v  ")[0].1, "v  ");
    }

    #[test]
    fn comments_and_blank_lines() {
        let text = "# comment\n! also a comment\n\n   # indented comment \\\nx=1\n  \t\ny = #not a comment\n";
        assert_eq!(
            pairs(text),
            vec![p("x", "1", 5), p("y", "#not a comment", 7)]
        );
    }

    #[test]
    fn continuations() {
        let text = "a = one \\\n    two \\\n\tthree\nb=x\\\\\nc=y\\\\\\\n  z\nd=end\\";
        assert_eq!(
            pairs(text),
            vec![
                p("a", "one two three", 1),
                p("b", "x\\", 4),
                p("c", "y\\z", 5),
                p("d", "end", 7),
            ]
        );
        // A continuation line starting with # is value, not comment.
        assert_eq!(pairs("a=1\\\n#2")[0].1, "1#2");
        // CR and CRLF line ends.
        assert_eq!(
            pairs("a=1\r\nb=2\rc=3"),
            vec![p("a", "1", 1), p("b", "2", 2), p("c", "3", 3)]
        );
    }

    #[test]
    fn escapes() {
        let text = r"k\ ey\=\:=a\tb\nc\\d\u0041\u00e9\uD83D\uDE00\q";
        assert_eq!(pairs(text), vec![p("k ey=:", "a\tb\nc\\dAé😀q", 1)]);
        let bad = parse("x=1\nsasl.jaas.config=abc\\u12G4\n").unwrap_err();
        assert_eq!((bad.line, bad.key.as_str()), (2, "sasl.jaas.config"));
        assert!(parse("x=\\u12").is_err());
        assert!(parse("x=\\uD83D").is_err(), "a lone surrogate is not text");
    }

    #[test]
    fn props_last_wins_trims_and_tracks_use() {
        let mut props =
            Props::parse("a=1\nb= 2 \nc=3\na=4\n", Some(Path::new("c.properties"))).unwrap();
        assert_eq!(props.get("a").unwrap().text, "4");
        assert_eq!(props.at("a").line, Some(4));
        assert_eq!(props.get("b").unwrap().text, "2");
        assert!(props.get("zzz").is_none());
        assert_eq!(props.unused(), vec!["c".to_owned()]);
        assert_eq!(props.at("a").to_string(), "c.properties:4: a");
        assert_eq!(props.at("nope").to_string(), "c.properties: nope (not set)");
    }
}
