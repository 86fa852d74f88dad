//! The `Sec-WebSocket-Extensions` grammar of RFC 6455 §9.1, strictly:
//!
//! ```text
//! extension-list  = 1#extension
//! extension       = extension-token *( ";" extension-param )
//! extension-param = token [ "=" (token | quoted-string) ]
//! ```
//!
//! A quoted value must be a token once unescaped (§9.1). Empty list elements
//! (`a, , b`) are skipped, as HTTP list rules allow (RFC 7230 §7). Names are
//! compared case-insensitively, so they are lower-cased here; values are kept
//! as sent.

/// One parameter of one extension element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The lower-cased parameter name.
    pub name: String,
    /// The value (unquoted), if the parameter had `=`.
    pub value: Option<String>,
}

/// One element of an extension list: a name and its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The lower-cased extension token.
    pub name: String,
    /// Its parameters, in order, duplicates kept.
    pub params: Vec<Param>,
}

/// The header does not follow the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn token(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        let token = self.bytes.get(start..self.pos).unwrap_or(&[]);
        if token.is_empty() {
            return Err(SyntaxError);
        }
        Ok(String::from_utf8_lossy(token).into_owned())
    }

    /// A quoted-string, unescaped; it must then be a token (RFC 6455 §9.1).
    fn quoted(&mut self) -> Result<String, SyntaxError> {
        let mut value = Vec::new();
        loop {
            match self.peek() {
                None => return Err(SyntaxError),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or(SyntaxError)?;
                    value.push(escaped);
                    self.pos += 1;
                }
                Some(b) => {
                    value.push(b);
                    self.pos += 1;
                }
            }
        }
        if value.is_empty() || !value.iter().copied().all(is_tchar) {
            return Err(SyntaxError);
        }
        Ok(String::from_utf8_lossy(&value).into_owned())
    }

    fn element(&mut self) -> Result<Element, SyntaxError> {
        let name = self.token()?.to_ascii_lowercase();
        let mut params = Vec::new();
        loop {
            self.skip_ows();
            if !self.eat(b';') {
                break;
            }
            self.skip_ows();
            let name = self.token()?.to_ascii_lowercase();
            self.skip_ows();
            let value = if self.eat(b'=') {
                self.skip_ows();
                Some(if self.eat(b'"') {
                    self.quoted()?
                } else {
                    self.token()?
                })
            } else {
                None
            };
            params.push(Param { name, value });
        }
        Ok(Element { name, params })
    }
}

/// Parses a whole `Sec-WebSocket-Extensions` value (several header lines
/// joined with `,`). Fails on the first deviation from the grammar.
pub fn parse(value: &str) -> Result<Vec<Element>, SyntaxError> {
    let mut cursor = Cursor {
        bytes: value.as_bytes(),
        pos: 0,
    };
    let mut elements = Vec::new();
    loop {
        cursor.skip_ows();
        match cursor.peek() {
            None => break,
            Some(b',') => {
                cursor.pos += 1;
                continue;
            }
            Some(_) => {}
        }
        elements.push(cursor.element()?);
        cursor.skip_ows();
        match cursor.peek() {
            None => break,
            Some(b',') => cursor.pos += 1,
            Some(_) => return Err(SyntaxError),
        }
    }
    Ok(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, value: Option<&str>) -> Param {
        Param {
            name: name.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn parses_alternatives_params_and_quoted_values() {
        let parsed = parse(
            "Permessage-Deflate; Client_Max_Window_Bits; server_max_window_bits=\"10\" ,, x-foo ;a = b, y",
        );
        assert_eq!(
            parsed,
            Ok(vec![
                Element {
                    name: "permessage-deflate".into(),
                    params: vec![
                        p("client_max_window_bits", None),
                        p("server_max_window_bits", Some("10"))
                    ],
                },
                Element {
                    name: "x-foo".into(),
                    params: vec![p("a", Some("b"))],
                },
                Element {
                    name: "y".into(),
                    params: vec![],
                },
            ])
        );
    }

    #[test]
    fn rejects_what_the_grammar_forbids() {
        for bad in [
            "permessage-deflate;",
            "permessage-deflate; a=",
            "permessage-deflate; a=\"1 0\"",
            "permessage-deflate; a=\"\"",
            "permessage-deflate; a=\"10",
            "permessage-deflate a",
            "per message",
            "permessage-deflate; a=b=c",
            "é",
            ";a",
        ] {
            assert_eq!(parse(bad), Err(SyntaxError), "{bad:?}");
        }
        assert_eq!(parse(""), Ok(vec![]));
        assert_eq!(
            parse("a; b=\"\\1\\0\"").map(|e| e[0].params[0].value.clone()),
            Ok(Some("10".into()))
        );
    }
}
