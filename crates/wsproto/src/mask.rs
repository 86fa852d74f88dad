//! Payload masking (RFC 6455 §5.3), word at a time in safe code.

/// XORs `buf` with `key`, as if `buf` started `offset` bytes into a masked
/// payload (so a payload that arrives in pieces is unmasked piece by piece).
/// Masking and unmasking are the same operation.
pub fn apply_mask(buf: &mut [u8], key: [u8; 4], offset: usize) {
    let shift = offset % 4;
    let key = [
        key[shift],
        key[(shift + 1) % 4],
        key[(shift + 2) % 4],
        key[(shift + 3) % 4],
    ];
    let word = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut chunks = buf.chunks_exact_mut(8);
    for chunk in &mut chunks {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let masked = u64::from_ne_bytes(bytes) ^ word;
        chunk.copy_from_slice(&masked.to_ne_bytes());
    }
    // The tail starts at a multiple of 8 from `buf`'s start, so the key phase is unchanged.
    for (b, k) in chunks.into_remainder().iter_mut().zip(key.iter().cycle()) {
        *b ^= k;
    }
}

/// The byte-wise reference `apply_mask` is tested against.
pub fn apply_mask_bytewise(buf: &mut [u8], key: [u8; 4], offset: usize) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b ^= key[(offset + i) % 4];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_bytewise_at_every_length_and_offset() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        for len in 0..=64usize {
            for offset in 0..4 {
                let original: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
                let mut fast = original.clone();
                let mut slow = original.clone();
                apply_mask(&mut fast, key, offset);
                apply_mask_bytewise(&mut slow, key, offset);
                assert_eq!(fast, slow, "len {len} offset {offset}");
                apply_mask(&mut fast, key, offset);
                assert_eq!(fast, original, "round trip len {len} offset {offset}");
            }
        }
    }

    #[test]
    fn rfc_example() {
        // RFC 6455 §5.7: masked "Hello".
        let mut payload = *b"\x7f\x9f\x4d\x51\x58";
        apply_mask(&mut payload, [0x37, 0xfa, 0x21, 0x3d], 0);
        assert_eq!(&payload, b"Hello");
    }

    #[test]
    fn split_payload_unmasks_piecewise() {
        let key = [1, 2, 3, 4];
        let data: Vec<u8> = (0..100u8).collect();
        let mut whole = data.clone();
        apply_mask(&mut whole, key, 0);
        for cut in 0..=100 {
            let mut pieces = data.clone();
            let (a, b) = pieces.split_at_mut(cut);
            apply_mask(a, key, 0);
            apply_mask(b, key, cut);
            assert_eq!(pieces, whole, "cut {cut}");
        }
    }
}
