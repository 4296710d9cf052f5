//! The `incidentmap` command line: a thin shell over the library.
//!
//! Exit codes: 0 done; 1 done, but some inputs failed (each was reported);
//! 2 error, nothing (more) written. A closed output pipe ends quietly.

mod cli;

/// mimalloc: the geoparser allocates many small, short-lived strings per
/// document; glibc's malloc spent a fifth of the time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
