//! The `cairn` binary: all the work is in the library; this maps it to an exit code.

// Parsing thousands of small files allocates and frees millions of small values on every
// thread; mimalloc's thread-local free lists make that markedly cheaper than the system
// allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cairn::cli::run(std::env::args_os()));
}
