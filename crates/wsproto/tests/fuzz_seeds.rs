//! Replays every committed fuzz seed (`tests/corpus/<target>/`) through the
//! very harness the fuzz target runs (`fuzz/harness/<target>.rs`), so a
//! finding saved as a seed stays a regression test of a normal `cargo test`,
//! without cargo-fuzz or libFuzzer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

#[path = "../fuzz/harness/addon.rs"]
mod addon;
#[path = "../fuzz/harness/connection_client.rs"]
mod connection_client;
#[path = "../fuzz/harness/connection_server.rs"]
mod connection_server;
#[path = "../fuzz/harness/frame_parser.rs"]
mod frame_parser;
#[path = "../fuzz/harness/handshake.rs"]
mod handshake;

/// A harness: runs one input, panics on a broken invariant.
type Harness = fn(&[u8]);

/// Every target with its harness; `scripts/fuzz.sh` runs the same list.
const TARGETS: &[(&str, Harness)] = &[
    ("addon", addon::run),
    ("connection_client", connection_client::run),
    ("connection_server", connection_server::run),
    ("frame_parser", frame_parser::run),
    ("handshake", handshake::run),
];

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

#[test]
fn every_target_has_seeds_and_they_pass_its_harness() {
    for (target, run) in TARGETS {
        let seeds = seeds(target);
        assert!(seeds.len() >= 20, "{target}: {} seeds", seeds.len());
        for (path, bytes) in seeds {
            let outcome = std::panic::catch_unwind(|| run(&bytes));
            assert!(outcome.is_ok(), "{target}: {} fails", path.display());
            // Every prefix too (a truncated input is a valid input).
            for end in (0..bytes.len()).step_by(bytes.len() / 16 + 1) {
                run(&bytes[..end]);
            }
        }
    }
}

#[test]
fn every_fuzz_target_is_replayed_here() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            p.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    let listed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, listed);
}
