//! `cargo run --release --example gen_corpus -- DIR [MB] [SEED]`: writes a synthetic corpus of
//! interview transcripts (invented vocabulary and grammar, five formats) of about MB megabytes
//! (default 100) to DIR, the same bytes for the same seed. The benchmarks use the same generator.

#[path = "../benches/common/corpus.rs"]
#[allow(dead_code)] // `ensure` serves the benchmarks only.
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_corpus DIR [MB] [SEED]");
        std::process::exit(2);
    };
    let mb: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
    match corpus::generate(std::path::Path::new(&dir), mb * 1_000_000, seed) {
        Ok((files, bytes)) => eprintln!(
            "wrote {files} files, {:.1} MB, to {dir}",
            bytes as f64 / 1e6
        ),
        Err(e) => {
            eprintln!("error: {dir}: {e}");
            std::process::exit(2);
        }
    }
}
