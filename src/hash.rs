//! Stable 64-bit FNV-1a hashing, for ids that appear in output and on disk
//! (event ids, cache file names, document ids) and must be the same across
//! versions, platforms and runs. In-memory hash maps use `foldhash`; std's
//! `DefaultHasher` promises no stability at all.

/// An FNV-1a 64 hasher fed piece by piece.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a 64 of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a64::default();
    h.write(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Pinned: saved file names and event ids depend on them.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        let mut h = Fnv1a64::default();
        h.write(b"fo");
        h.write(b"obar");
        assert_eq!(h.finish(), fnv1a64(b"foobar"));
    }
}
