//! The `cairn` binary: all the work is in the library; this maps it to an exit code.

fn main() {
    std::process::exit(cairn::cli::run(std::env::args_os()));
}
