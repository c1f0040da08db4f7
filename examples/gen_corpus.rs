//! `cargo run --release --example gen_corpus -- DIR [MB] [SEED]`: writes a synthetic corpus of
//! interview transcripts (invented vocabulary and grammar, five formats) of about MB megabytes
//! (default 100) to DIR, the same bytes for the same seed. The benchmarks use the same generator.

#[path = "../benches/common/corpus.rs"]
#[allow(dead_code)] // `ensure` serves the benchmarks only.
mod corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    const USAGE: &str = "usage: gen_corpus DIR [MB] [SEED]: about MB megabytes (default 100) of \
                         invented transcripts in five formats into DIR, the same bytes for the \
                         same SEED (default 42)";
    let dir = match args.next() {
        Some(a) if a == "-h" || a == "--help" => {
            println!("{USAGE}");
            return;
        }
        Some(a) if a.starts_with('-') => {
            eprintln!("unknown option {a}\n{USAGE}");
            std::process::exit(2);
        }
        Some(dir) => dir,
        None => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    let number = |what: &str, arg: Option<String>, default: u64| -> u64 {
        match arg {
            None => default,
            Some(s) => s.parse().unwrap_or_else(|_| {
                eprintln!("{what} must be a whole number, not {s:?}\n{USAGE}");
                std::process::exit(2);
            }),
        }
    };
    let mb = number("MB", args.next(), 100);
    let seed = number("SEED", args.next(), 42);
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
