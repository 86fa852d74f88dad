//! Parsers for the header values `websocket` interprets, reproducing its
//! JavaScript semantics exactly (`String.prototype.split` with its regular
//! expressions, `trim`, `parseInt`, `decodeURIComponent`), so a request is
//! seen the same way whichever library reads it.

/// JavaScript's `\s` (WhiteSpace and LineTerminator, ECMA-262 §12.2-12.3),
/// used by `trim()` and the `/,\s*/` splits.
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// `value.split(/<sep>\s*/)`: splits on `sep` and drops the whitespace that
/// follows each separator.
pub(crate) fn split_list(
    value: &str,
    sep: impl Fn(char) -> bool,
    skip: impl Fn(char) -> bool,
) -> Vec<&str> {
    let mut parts: Vec<&str> = Vec::new();
    for (i, part) in value.split(sep).enumerate() {
        parts.push(if i == 0 {
            part
        } else {
            part.trim_start_matches(&skip)
        });
    }
    parts
}

/// `value.split(/,\s*/)`: the split `websocket` uses for protocols,
/// extensions and `X-Forwarded-For`.
pub(crate) fn split_commas(value: &str) -> Vec<String> {
    split_list(value, |c| c == ',', is_js_space)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The result of JavaScript's `parseInt(text, 10)` when it is a number:
/// the sign and the decimal digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsInt {
    negative: bool,
    digits: String,
}

impl JsInt {
    /// `parseInt(text, 10)`; `None` where JavaScript gives `NaN`.
    pub(crate) fn parse(text: &str) -> Option<JsInt> {
        let rest = text.trim_start_matches(is_js_space);
        let (negative, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest.strip_prefix('+').unwrap_or(rest)),
        };
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let digits = rest.get(..end).unwrap_or("");
        if digits.is_empty() {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        Some(JsInt {
            negative,
            digits: if trimmed.is_empty() {
                "0".into()
            } else {
                trimmed.into()
            },
        })
    }

    /// Whether the number is 0 (falsy in JavaScript, like `NaN`).
    pub(crate) fn is_zero(&self) -> bool {
        self.digits == "0"
    }

    /// The value, if it fits in a `u64` and is not negative.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        if self.negative {
            return None;
        }
        self.digits.parse().ok()
    }

    /// The value as an `f64` (`Infinity`-free: digits only).
    pub(crate) fn as_f64(&self) -> f64 {
        let magnitude: f64 = self.digits.parse().unwrap_or(f64::MAX);
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }
}

impl std::fmt::Display for JsInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.negative && !self.is_zero() {
            f.write_str("-")?;
        }
        f.write_str(&self.digits)
    }
}

/// JavaScript's `decodeURIComponent`: `%XX` escapes become bytes that must
/// form valid UTF-8; anything else is a `URIError` (`None`).
pub(crate) fn decode_uri_component(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|h| (*h as char).to_digit(16))?;
            let lo = bytes.get(i + 2).and_then(|l| (*l as char).to_digit(16))?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_follows_javascript() {
        assert_eq!(JsInt::parse("13").and_then(|n| n.as_u64()), Some(13));
        assert_eq!(JsInt::parse("  013abc").and_then(|n| n.as_u64()), Some(13));
        assert_eq!(JsInt::parse("1.5").map(|n| n.to_string()), Some("1".into()));
        assert_eq!(JsInt::parse("-7").map(|n| n.to_string()), Some("-7".into()));
        assert!(JsInt::parse("-0").is_some_and(|n| n.is_zero()));
        assert_eq!(JsInt::parse("abc"), None);
        assert_eq!(JsInt::parse(""), None);
        assert_eq!(JsInt::parse("+"), None);
    }

    #[test]
    fn split_commas_eats_whitespace_after_commas_only() {
        assert_eq!(split_commas("a, b,c ,\td"), vec!["a", "b", "c ", "d"]);
        assert_eq!(split_commas(""), vec![""]);
    }

    #[test]
    fn decode_uri_component_rejects_what_javascript_rejects() {
        assert_eq!(decode_uri_component("a%20b").as_deref(), Some("a b"));
        assert_eq!(decode_uri_component("%C3%A9").as_deref(), Some("é"));
        assert_eq!(decode_uri_component("%"), None);
        assert_eq!(decode_uri_component("%zz"), None);
        assert_eq!(decode_uri_component("%C3"), None);
        assert_eq!(decode_uri_component("%ED%A0%80"), None);
    }
}
