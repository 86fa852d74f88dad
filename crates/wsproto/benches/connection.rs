//! Connection throughput: parsing a batch of small masked text messages (the
//! pipelined-echo case) and encoding small messages.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use wsproto::{encode_frame, Connection, ConstRng, Event, FrameHeader, Limits, Role};

fn client_frames(count: usize, payload: &[u8]) -> Vec<u8> {
    let header = FrameHeader {
        fin: true,
        rsv1: false,
        rsv2: false,
        rsv3: false,
        opcode: 1,
        mask: Some([0x37, 0xfa, 0x21, 0x3d]),
        payload_len: 0,
    };
    let mut out = Vec::new();
    for _ in 0..count {
        encode_frame(&mut out, &header, &[payload]);
    }
    out
}

fn bench_connection(c: &mut Criterion) {
    let mut group = c.benchmark_group("connection");
    for (name, size) in [("16B", 16usize), ("1KiB", 1024)] {
        let count = 1000;
        let input = client_frames(count, &vec![b'a'; size]);
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(format!("receive_{count}x{name}_text"), |b| {
            let mut conn = Connection::new(
                Role::Server,
                Limits::server(),
                Box::new(ConstRng([1, 2, 3, 4])),
            );
            b.iter(|| {
                conn.receive(black_box(&input));
                let mut n = 0;
                while let Some(event) = conn.poll_event() {
                    if let Event::Message { data, .. } = event {
                        n += data.len();
                    }
                }
                black_box(n)
            })
        });
        let payload = vec![b'a'; size];
        group.bench_function(format!("send_{count}x{name}_text_client"), |b| {
            let mut conn = Connection::new(
                Role::Client,
                Limits::client(),
                Box::new(ConstRng([1, 2, 3, 4])),
            );
            let mut out = Vec::new();
            b.iter(|| {
                for _ in 0..count {
                    conn.send_message(false, black_box(&payload));
                }
                out.clear();
                conn.take_outgoing_into(&mut out);
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_connection);
criterion_main!(benches);
