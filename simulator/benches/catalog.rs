//! `breakeven catalog check` on a large file: 200,000 price entries must check in a couple of
//! seconds (it once took 18 s for 16,000: each entry's line was found by counting every newline
//! before it, and duplicates by scanning).
//!
//! `cargo bench -p breakeven-simulator --bench catalog` (add `-- --quick` for a short run).

use breakeven_simulator::pricing::check::check_file;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::fmt::Write;
use std::time::Duration;

/// A valid catalog file of `n` prices spread over 100 platforms.
fn catalog(n: usize) -> String {
    let mut t = String::from("schema = 1\nprovider = \"acme\"\n");
    for p in 0..100 {
        write!(
            t,
            "\n[[platforms]]\nid = \"vm:acme/box-{p}\"\nname = \"Box {p}\"\nkind = \"vm\"\nbilling = \"vm\"\nregions = [\"r\"]\ninstance = {{ vcpu = \"2\", memory_gib = \"4\", arch = \"x86_64\" }}\n"
        )
        .unwrap();
    }
    for i in 0..n {
        write!(
            t,
            "\n[[prices]]\nplatform = \"vm:acme/box-{}\"\nregion = \"r\"\ndimension = \"instance-hour-{i}\"\nunit = \"hour\"\nusd = \"0.0{i}\"\nsource = \"contract\"\nas_of = \"2026-11-01\"\n",
            i % 100
        )
        .unwrap();
    }
    t
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("catalog_check");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [16_000, 200_000] {
        let text = catalog(n);
        assert_eq!(
            check_file("big.toml", &text),
            vec![],
            "the generated file is valid"
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("entries", n), &text, |b, text| {
            b.iter(|| check_file("big.toml", text))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
