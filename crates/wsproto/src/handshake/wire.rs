//! Writing header text onto the wire without letting it change the
//! message's structure.

/// Appends `text` as header bytes. Characters up to U+00FF are written as
/// their Latin-1 byte (what `socket.write(text, 'ascii')` does for them);
/// CR and LF are dropped so no value can end a line early; anything above
/// U+00FF becomes `?`.
///
/// `websocket` writes the low byte of every UTF-16 unit, so U+010D U+010A
/// reach the wire as CR LF after its `[\r\n]` filter has passed them: header
/// injection. Replacing them closes that hole.
pub(crate) fn push_text(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        match c {
            '\r' | '\n' => {}
            c if (c as u32) <= 0xFF => out.push(c as u32 as u8),
            _ => out.push(b'?'),
        }
    }
}

/// Appends `name: value\r\n`, sanitising both sides with [`push_text`].
pub(crate) fn push_header(out: &mut Vec<u8>, name: &str, value: &str) {
    push_text(out, name);
    out.extend_from_slice(b": ");
    push_text(out, value);
    out.extend_from_slice(b"\r\n");
}

/// Whether `name` is an RFC 7230 §3.2.6 `token` (a valid header name).
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_line_breaks_and_wide_characters() {
        let mut out = Vec::new();
        push_header(&mut out, "X-A", "a\r\nB: c\u{10d}\u{10a}é");
        assert_eq!(out, b"X-A: aB: c??\xE9\r\n");
    }

    #[test]
    fn tokens() {
        assert!(is_token("X-Extra"));
        assert!(!is_token("X Extra"));
        assert!(!is_token("X:"));
        assert!(!is_token(""));
    }
}
