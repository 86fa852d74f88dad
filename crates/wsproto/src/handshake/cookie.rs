//! `Set-Cookie` lines for the 101 response (`accept()`'s third argument),
//! validated with `websocket`'s rules (RFC 6265 §4.1) and texts.

use super::error::HandshakeError;
use super::fields::JsInt;

/// An optional cookie attribute as the caller supplied it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum CookieAttr<T> {
    /// Not given (or falsy in JavaScript).
    #[default]
    Unset,
    /// Given, with the expected type.
    Set(T),
    /// Given, with a type `websocket` refuses (e.g. a `domain` that is not a
    /// string, an `expires` that is not a `Date`).
    WrongType,
}

/// A `maxage` as the caller supplied it.
#[derive(Debug, Clone, PartialEq)]
pub enum MaxAge {
    /// A number (seconds).
    Number(f64),
    /// A string, read with `parseInt(text, 10)`.
    Text(String),
}

/// One cookie to set, as passed to `accept()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SetCookie {
    /// `name` (required; `None` or empty when missing).
    pub name: Option<String>,
    /// `value` (required; `None` or empty when missing).
    pub value: Option<String>,
    /// `path`, written as `Path=`.
    pub path: Option<String>,
    /// `domain`, written lower-cased as `Domain=`.
    pub domain: CookieAttr<String>,
    /// `expires`, already formatted as an HTTP date (`Date#toUTCString()`).
    pub expires: CookieAttr<String>,
    /// `maxage` in seconds, written as `Max-Age=` after rounding.
    pub max_age: CookieAttr<MaxAge>,
    /// `secure`: writes `Secure`.
    pub secure: CookieAttr<()>,
    /// `httponly`: writes `HttpOnly`.
    pub http_only: CookieAttr<()>,
}

/// `[\x00-\x20;]`: removed from names and values, refused in paths and
/// domains.
fn is_control_or_semicolon(c: char) -> bool {
    c <= '\u{20}' || c == ';'
}

/// Characters `websocket` refuses in a cookie name (RFC 2616 separators,
/// controls and DEL). Characters above U+007F pass, as in `websocket`.
fn is_illegal_in_name(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{20}' | '"' | '(' | ')' | ',' | '/' | ':'..='?' | '@' | '['..='^' | '{' | '}' | '\u{7f}')
}

/// RFC 6265 §4.1.1 `cookie-octet`.
fn is_cookie_octet(c: char) -> bool {
    matches!(c, '\u{21}' | '\u{23}'..='\u{2b}' | '\u{2d}'..='\u{3a}' | '\u{3c}'..='\u{5b}' | '\u{5d}'..='\u{7e}')
}

/// JavaScript's `Math.round(x).toString(10)` for a positive finite `x`.
fn round_to_string(x: f64) -> String {
    let rounded = (x + 0.5).floor();
    if rounded.is_infinite() {
        "Infinity".to_owned()
    } else {
        format!("{rounded:.0}")
    }
}

/// Validates `cookies` in order and returns one `Set-Cookie` value per
/// cookie (`name=value;Path=…;Domain=…;Expires=…;Max-Age=…;Secure;HttpOnly`).
/// The first invalid field fails the whole list with `websocket`'s error.
pub fn set_cookie_values(cookies: &[SetCookie]) -> Result<Vec<String>, HandshakeError> {
    let mut seen: Vec<String> = Vec::new();
    let mut lines = Vec::with_capacity(cookies.len());
    for cookie in cookies {
        let (Some(name), Some(value)) = (
            cookie.name.as_deref().filter(|n| !n.is_empty()),
            cookie.value.as_deref().filter(|v| !v.is_empty()),
        ) else {
            return Err(HandshakeError::CookieMissingNameOrValue);
        };
        let name: String = name
            .chars()
            .filter(|c| !is_control_or_semicolon(*c))
            .collect();
        let value: String = value
            .chars()
            .filter(|c| !is_control_or_semicolon(*c))
            .collect();
        if seen.contains(&name) {
            return Err(HandshakeError::DuplicateCookieName);
        }
        if let Some(c) = name.chars().find(|c| is_illegal_in_name(*c)) {
            return Err(HandshakeError::IllegalCookieNameCharacter(c));
        }
        // A value may be wrapped in one pair of double quotes.
        let bare = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(inner) if !inner.contains('"') => inner,
            _ => value.as_str(),
        };
        if let Some(c) = bare.chars().find(|c| !is_cookie_octet(*c)) {
            return Err(HandshakeError::IllegalCookieValueCharacter(c));
        }
        let mut line = format!("{name}={value}");
        if let Some(path) = cookie.path.as_deref().filter(|p| !p.is_empty()) {
            if let Some(c) = path.chars().find(|c| is_control_or_semicolon(*c)) {
                return Err(HandshakeError::IllegalCookiePathCharacter(c));
            }
            line.push_str(";Path=");
            line.push_str(path);
        }
        match &cookie.domain {
            CookieAttr::Unset => {}
            CookieAttr::WrongType => return Err(HandshakeError::CookieDomainNotString),
            CookieAttr::Set(domain) if domain.is_empty() => {}
            CookieAttr::Set(domain) => {
                if let Some(c) = domain.chars().find(|c| is_control_or_semicolon(*c)) {
                    return Err(HandshakeError::IllegalCookieDomainCharacter(c));
                }
                line.push_str(";Domain=");
                line.push_str(&domain.to_lowercase());
            }
        }
        match &cookie.expires {
            CookieAttr::Unset => {}
            CookieAttr::WrongType => return Err(HandshakeError::CookieExpiresNotDate),
            CookieAttr::Set(date) => {
                line.push_str(";Expires=");
                line.push_str(date);
            }
        }
        match &cookie.max_age {
            CookieAttr::Unset => {}
            CookieAttr::WrongType => return Err(HandshakeError::CookieMaxAgeNotPositive),
            CookieAttr::Set(max_age) => {
                let seconds = match max_age {
                    MaxAge::Number(n) => *n,
                    MaxAge::Text(t) => JsInt::parse(t).map_or(f64::NAN, |n| n.as_f64()),
                };
                // NaN fails this comparison too.
                if seconds.is_nan() || seconds <= 0.0 {
                    return Err(HandshakeError::CookieMaxAgeNotPositive);
                }
                line.push_str(";Max-Age=");
                line.push_str(&round_to_string(seconds));
            }
        }
        match cookie.secure {
            CookieAttr::Unset => {}
            CookieAttr::WrongType => return Err(HandshakeError::CookieSecureNotBoolean),
            CookieAttr::Set(()) => line.push_str(";Secure"),
        }
        match cookie.http_only {
            CookieAttr::Unset => {}
            CookieAttr::WrongType => return Err(HandshakeError::CookieHttpOnlyNotBoolean),
            CookieAttr::Set(()) => line.push_str(";HttpOnly"),
        }
        seen.push(name);
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(name: &str, value: &str) -> SetCookie {
        SetCookie {
            name: Some(name.into()),
            value: Some(value.into()),
            ..SetCookie::default()
        }
    }

    #[test]
    fn full_cookie_line() {
        let c = SetCookie {
            path: Some("/".into()),
            domain: CookieAttr::Set("Example.COM".into()),
            expires: CookieAttr::Set("Thu, 01 Jan 1970 00:00:00 GMT".into()),
            max_age: CookieAttr::Set(MaxAge::Text("10.6".into())),
            secure: CookieAttr::Set(()),
            http_only: CookieAttr::Set(()),
            ..cookie("sid", "\"abc\"")
        };
        assert_eq!(
            set_cookie_values(&[c]),
            Ok(vec![
                "sid=\"abc\";Path=/;Domain=example.com;Expires=Thu, 01 Jan 1970 00:00:00 GMT;Max-Age=10;Secure;HttpOnly"
                    .to_owned()
            ])
        );
        let rounded = SetCookie {
            max_age: CookieAttr::Set(MaxAge::Number(9.5)),
            ..cookie("a", "b")
        };
        assert_eq!(
            set_cookie_values(&[rounded]),
            Ok(vec!["a=b;Max-Age=10".to_owned()])
        );
    }

    #[test]
    fn control_characters_are_stripped_from_name_and_value() {
        assert_eq!(
            set_cookie_values(&[cookie("a\r\nb", "c d;e")]),
            Ok(vec!["ab=cde".to_owned()])
        );
    }

    #[test]
    fn invalid_cookies_fail_with_websockets_texts() {
        let err = |c: SetCookie| set_cookie_values(&[c]).err().map(|e| e.to_string());
        assert_eq!(
            err(cookie("", "x")).as_deref(),
            Some("Each cookie to set must at least provide a \"name\" and \"value\"")
        );
        assert_eq!(
            err(cookie("a=", "x")).as_deref(),
            Some("Illegal character = in cookie name")
        );
        assert_eq!(
            err(cookie("a", "x\\")).as_deref(),
            Some("Illegal character \\ in cookie value")
        );
        assert_eq!(
            err(cookie("a", "\"x\"y\"")).as_deref(),
            Some("Illegal character \" in cookie value")
        );
        assert_eq!(
            err(SetCookie {
                path: Some("/\r".into()),
                ..cookie("a", "b")
            })
            .as_deref(),
            Some("Illegal character \r in cookie path")
        );
        assert_eq!(
            err(SetCookie {
                domain: CookieAttr::WrongType,
                ..cookie("a", "b")
            })
            .as_deref(),
            Some("Domain must be specified and must be a string.")
        );
        assert_eq!(
            err(SetCookie {
                max_age: CookieAttr::Set(MaxAge::Number(0.0)),
                ..cookie("a", "b")
            })
            .as_deref(),
            Some("Value supplied for cookie \"maxage\" must be a non-zero number")
        );
        assert_eq!(
            err(SetCookie {
                max_age: CookieAttr::Set(MaxAge::Text("x".into())),
                ..cookie("a", "b")
            }),
            Some("Value supplied for cookie \"maxage\" must be a non-zero number".to_owned())
        );
        assert_eq!(
            err(SetCookie {
                secure: CookieAttr::WrongType,
                ..cookie("a", "b")
            })
            .as_deref(),
            Some("Value supplied for cookie \"secure\" must be of type boolean")
        );
        assert_eq!(
            set_cookie_values(&[cookie("a", "1"), cookie("a", "2")]),
            Err(HandshakeError::DuplicateCookieName)
        );
    }
}
