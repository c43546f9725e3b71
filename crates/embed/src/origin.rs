//! Which host origins may drive an embedded tierlens.
//!
//! Origins come from the `allowOrigin` URL parameter (repeatable, each value may be a
//! comma-separated list) and from a list fixed at build time. They are compared with a
//! `MessageEvent`'s `origin` exactly, after normalising what was written the way browsers
//! serialise origins (lower-case scheme and host, no default port, no path). There are no
//! wildcards: `*` and `null` are refused.

use std::fmt;

/// Why a configured origin was not added to the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    #[error("`{0}` is not an origin (scheme://host[:port], e.g. https://portal.example.com)")]
    Malformed(String),
    #[error("`{0}` is not allowed as an origin: list each host origin exactly")]
    Wildcard(String),
}

/// The normalised form of `s`, the way a browser writes `event.origin`:
/// `HTTPS://Portal.Example.com:443/` becomes `https://portal.example.com`.
pub fn normalize_origin(s: &str) -> Result<String, OriginError> {
    let t = s.trim();
    let malformed = || OriginError::Malformed(t.to_string());
    if t == "*" || t.eq_ignore_ascii_case("null") || t.contains('*') {
        return Err(OriginError::Wildcard(t.to_string()));
    }
    let (scheme, rest) = t.split_once("://").ok_or_else(malformed)?;
    let scheme = scheme.to_ascii_lowercase();
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(malformed());
    }
    // An origin has no path, query, fragment or credentials; a single trailing slash is
    // tolerated (people paste `https://host/`).
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty()
        || authority.chars().any(|c| {
            matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
        })
    {
        return Err(malformed());
    }
    let authority = authority.to_ascii_lowercase();
    // Split a port off, minding IPv6 literals (`[::1]:8080`).
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority.as_str(), None),
    };
    if host.is_empty() || (host.starts_with('[') != host.ends_with(']')) {
        return Err(malformed());
    }
    let port = match port {
        None => None,
        Some(p) => {
            let n: u16 = p.parse().map_err(|_| malformed())?;
            let default = matches!((scheme.as_str(), n), ("http", 80) | ("https", 443));
            (!default).then_some(n)
        }
    };
    Ok(match port {
        Some(n) => format!("{scheme}://{host}:{n}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The origins allowed to send messages, in the order first given, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    origins: Vec<String>,
}

impl AllowList {
    /// Builds the list from configured values: each may hold several origins separated by
    /// commas. Values that are not origins are reported and left out.
    pub fn from_values<'a>(
        values: impl IntoIterator<Item = &'a str>,
    ) -> (AllowList, Vec<OriginError>) {
        let mut list = AllowList::default();
        let mut errors = Vec::new();
        for value in values {
            for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match normalize_origin(item) {
                    Ok(o) => {
                        if !list.origins.contains(&o) {
                            list.origins.push(o);
                        }
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        (list, errors)
    }

    /// Whether a message whose `event.origin` is `origin` may be handled. Compared exactly:
    /// browsers already serialise origins in normal form.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }
}

impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origins.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_like_browsers_do() {
        let n = |s| normalize_origin(s);
        assert_eq!(
            n("https://Portal.Example.com").unwrap(),
            "https://portal.example.com"
        );
        assert_eq!(n(" https://a.example:443/ ").unwrap(), "https://a.example");
        assert_eq!(n("http://a.example:80").unwrap(), "http://a.example");
        assert_eq!(n("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(
            n("https://a.example:8443").unwrap(),
            "https://a.example:8443"
        );
        assert_eq!(n("http://[::1]:3000").unwrap(), "http://[::1]:3000");
        assert_eq!(n("http://[::1]").unwrap(), "http://[::1]");
    }

    #[test]
    fn non_origins_are_refused() {
        for bad in [
            "",
            "portal.example.com",
            "https://",
            "https://a.example/path",
            "https://a.example?x=1",
            "https://user@a.example",
            "https://a.example:99999",
            "https://a.example:port",
            "1http://a.example",
            "https://a b",
            "http://[::1",
        ] {
            assert!(
                matches!(normalize_origin(bad), Err(OriginError::Malformed(_))),
                "{bad:?} should be malformed"
            );
        }
        for wild in ["*", "null", "NULL", "https://*.example.com"] {
            assert!(
                matches!(normalize_origin(wild), Err(OriginError::Wildcard(_))),
                "{wild:?} should be refused as a wildcard"
            );
        }
    }

    #[test]
    fn allow_list_takes_repeated_and_comma_separated_values() {
        let (list, errors) = AllowList::from_values([
            "https://a.example, https://B.example:443",
            "http://127.0.0.1:9000",
            "https://a.example",
            "*",
            "nonsense",
        ]);
        assert_eq!(
            list.origins(),
            [
                "https://a.example",
                "https://b.example",
                "http://127.0.0.1:9000"
            ]
        );
        assert_eq!(errors.len(), 2);
        assert!(list.allows("https://b.example"));
        assert!(list.allows("http://127.0.0.1:9000"));
        // Exact comparison: another port, scheme or a sub-domain is another origin.
        assert!(!list.allows("http://127.0.0.1:9001"));
        assert!(!list.allows("http://a.example"));
        assert!(!list.allows("https://x.a.example"));
        assert!(!list.allows("null"));
        assert!(!AllowList::default().allows("https://a.example"));
    }
}
