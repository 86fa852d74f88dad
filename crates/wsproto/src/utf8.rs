//! Streaming UTF-8 validation across fragments (RFC 6455 §8.1, Autobahn 6.4.x):
//! fails as soon as an invalid byte arrives and carries an incomplete trailing
//! sequence (at most 3 bytes) into the next fragment.

use simdutf8::compat::from_utf8;

/// Raised when the bytes seen so far cannot be the start of valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Error;

/// Incremental validator: [`feed`](Utf8Validator::feed) each piece, then
/// [`finish`](Utf8Validator::finish) at the end of the message.
#[derive(Debug, Clone, Default)]
pub struct Utf8Validator {
    tail: [u8; 4],
    tail_len: usize,
}

/// Length of the sequence a valid lead byte starts.
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        _ => 2,
    }
}

/// `Ok(true)`: complete and valid; `Ok(false)`: a valid prefix; `Err`: invalid.
fn check(bytes: &[u8]) -> Result<bool, Utf8Error> {
    match from_utf8(bytes) {
        Ok(_) => Ok(true),
        Err(e) if e.error_len().is_none() => Ok(false),
        Err(_) => Err(Utf8Error),
    }
}

impl Utf8Validator {
    /// A validator at the start of a message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets any carried bytes (start of a new message).
    pub fn reset(&mut self) {
        self.tail_len = 0;
    }

    /// Validates the next piece of the message.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), Utf8Error> {
        if self.tail_len > 0 {
            let need = sequence_len(self.tail[0]) - self.tail_len;
            let take = need.min(chunk.len());
            let (head, rest) = chunk.split_at(take);
            self.tail[self.tail_len..self.tail_len + take].copy_from_slice(head);
            self.tail_len += take;
            if !check(&self.tail[..self.tail_len])? {
                return Ok(()); // still incomplete: chunk was shorter than `need`
            }
            self.tail_len = 0;
            chunk = rest;
        }
        match from_utf8(chunk) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_none() => {
                let partial = chunk.get(e.valid_up_to()..).unwrap_or(&[]);
                self.tail[..partial.len()].copy_from_slice(partial);
                self.tail_len = partial.len();
                Ok(())
            }
            Err(_) => Err(Utf8Error),
        }
    }

    /// Ends the message: an incomplete trailing sequence is an error.
    pub fn finish(&mut self) -> Result<(), Utf8Error> {
        let complete = self.tail_len == 0;
        self.tail_len = 0;
        if complete {
            Ok(())
        } else {
            Err(Utf8Error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(bytes: &[u8]) -> bool {
        let mut v = Utf8Validator::new();
        v.feed(bytes).is_ok() && v.finish().is_ok()
    }

    #[test]
    fn every_split_agrees_with_std() {
        let samples: Vec<Vec<u8>> = vec![
            "Hello-µ@ßöäüàá-UTF-8!!".as_bytes().to_vec(),
            "κόσμε 😀 €".as_bytes().to_vec(),
            vec![
                0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xf4, 0x90, 0x80,
                0x80,
            ],
            vec![0xed, 0xa0, 0x80], // surrogate
            vec![0xf0, 0x9f, 0x98], // truncated at end
            vec![0xc0, 0xaf],       // overlong
            vec![0x61, 0xff, 0x62],
        ];
        for s in &samples {
            let expected = std::str::from_utf8(s).is_ok();
            assert_eq!(whole(s), expected, "{s:x?}");
            for a in 0..=s.len() {
                for b in a..=s.len() {
                    let mut v = Utf8Validator::new();
                    let ok = v.feed(&s[..a]).is_ok()
                        && v.feed(&s[a..b]).is_ok()
                        && v.feed(&s[b..]).is_ok()
                        && v.finish().is_ok();
                    assert_eq!(ok, expected, "{s:x?} split {a} {b}");
                }
            }
        }
    }

    #[test]
    fn fails_fast_on_the_first_bad_byte() {
        // Autobahn 6.4.1: the invalid 4-byte sequence F4 90 is rejected before the rest arrives.
        let mut v = Utf8Validator::new();
        assert!(v.feed("κόσμε".as_bytes()).is_ok());
        assert!(v.feed(&[0xf4]).is_ok());
        assert_eq!(v.feed(&[0x90]), Err(Utf8Error));
        let mut v = Utf8Validator::new();
        assert_eq!(v.feed(&[0x61, 0x80]), Err(Utf8Error));
    }

    #[test]
    fn byte_at_a_time() {
        let s = "aé€😀z".as_bytes();
        let mut v = Utf8Validator::new();
        for b in s {
            assert!(v.feed(std::slice::from_ref(b)).is_ok());
        }
        assert!(v.finish().is_ok());
        let mut v = Utf8Validator::new();
        assert!(v.feed(&[0xe2, 0x82]).is_ok());
        assert_eq!(v.finish(), Err(Utf8Error));
        assert!(v.feed(b"ok").is_ok(), "finish resets the validator");
    }
}
