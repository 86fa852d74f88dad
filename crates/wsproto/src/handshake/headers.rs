//! Request headers as Node's `IncomingMessage.headers` sees them.
//!
//! `websocket` reads `httpRequest.headers[name]`, where Node has already
//! lower-cased the names and folded duplicate lines. [`Headers`] applies the
//! same folding to raw `(name, value)` pairs so that both the Node-mounted
//! path (which hands us Node's pairs) and a Rust-owned listener (which hands
//! us `httparse`'s) validate exactly the same thing.

use std::collections::HashMap;

/// Headers Node keeps only the first of when a request repeats them
/// (Node's `matchKnownFields`, "drop duplicates" group).
const FIRST_WINS: &[&str] = &[
    "age",
    "authorization",
    "content-length",
    "content-type",
    "etag",
    "expires",
    "from",
    "host",
    "if-modified-since",
    "if-unmodified-since",
    "last-modified",
    "location",
    "max-forwards",
    "proxy-authorization",
    "referer",
    "retry-after",
    "server",
    "user-agent",
];

/// Lower-cased header names with duplicate lines folded the way Node folds
/// them: `cookie` lines joined with `"; "`, the [`FIRST_WINS`] group keeping
/// the first line, every other repeated header joined with `", "`.
///
/// A hash map, so folding n lines costs O(n): a request with thousands of
/// distinct header names must not cost quadratic time (many-header requests
/// are a known attack, e.g. CVE-2024-37890 in `ws`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: HashMap<String, String>,
}

impl Headers {
    /// Folds raw `(name, value)` pairs, in arrival order.
    pub fn from_pairs<N: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let mut headers = Headers::default();
        for (name, value) in pairs {
            headers.append(name.as_ref(), value.as_ref());
        }
        headers
    }

    /// Adds one header line, folding it into an earlier one of the same name.
    pub fn append(&mut self, name: &str, value: &str) {
        let name = name.to_ascii_lowercase();
        match self.entries.get_mut(&name) {
            None => {
                self.entries.insert(name, value.to_owned());
            }
            Some(existing) => {
                if name == "cookie" {
                    existing.push_str("; ");
                    existing.push_str(value);
                } else if !FIRST_WINS.contains(&name.as_str()) {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
            }
        }
    }

    /// The folded value of a header, by lower-case name.
    pub fn get(&self, lower_case_name: &str) -> Option<&str> {
        self.entries.get(lower_case_name).map(String::as_str)
    }

    /// Like [`Headers::get`], but treats an empty value as absent, as
    /// `websocket`'s `if (!request.headers[name])` checks do.
    pub fn non_empty(&self, lower_case_name: &str) -> Option<&str> {
        self.get(lower_case_name).filter(|v| !v.is_empty())
    }

    /// Whether a comma-separated header contains `token`, case-insensitively
    /// (RFC 7230 §7 list syntax).
    pub fn has_token(&self, lower_case_name: &str, token: &str) -> bool {
        self.get(lower_case_name)
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_duplicates_like_node() {
        let h = Headers::from_pairs([
            ("Host", "a"),
            ("host", "b"),
            ("Cookie", "x=1"),
            ("cookie", "y=2"),
            ("X-Forwarded-For", "1.1.1.1"),
            ("x-forwarded-for", "2.2.2.2"),
        ]);
        assert_eq!(h.get("host"), Some("a"));
        assert_eq!(h.get("cookie"), Some("x=1; y=2"));
        assert_eq!(h.get("x-forwarded-for"), Some("1.1.1.1, 2.2.2.2"));
        assert_eq!(h.get("origin"), None);
    }

    #[test]
    fn empty_values_count_as_absent_for_non_empty() {
        let h = Headers::from_pairs([("Host", "")]);
        assert_eq!(h.get("host"), Some(""));
        assert_eq!(h.non_empty("host"), None);
    }

    #[test]
    fn token_lists() {
        let h = Headers::from_pairs([("Connection", "keep-alive, Upgrade")]);
        assert!(h.has_token("connection", "upgrade"));
        assert!(!h.has_token("connection", "close"));
    }
}
