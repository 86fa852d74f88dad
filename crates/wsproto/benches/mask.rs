//! Masking throughput: word-at-a-time `apply_mask` against the byte-wise reference.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use wsproto::mask::{apply_mask, apply_mask_bytewise};

fn bench_mask(c: &mut Criterion) {
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let mut group = c.benchmark_group("mask");
    for (name, len) in [
        ("16B", 16usize),
        ("1KiB", 1024),
        ("64KiB", 64 * 1024),
        ("1MiB", 1024 * 1024),
    ] {
        let mut buf = vec![0x5au8; len];
        group.throughput(Throughput::Bytes(len as u64));
        group.bench_with_input(BenchmarkId::new("word", name), &len, |b, _| {
            b.iter(|| apply_mask(black_box(&mut buf), black_box(key), 0))
        });
        group.bench_with_input(BenchmarkId::new("bytewise", name), &len, |b, _| {
            b.iter(|| apply_mask_bytewise(black_box(&mut buf), black_box(key), 0))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_mask);
criterion_main!(benches);
