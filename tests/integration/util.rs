//! The one runner for the integration tests: temporary directories with
//! fixture files in them, the real `incidentmap` binary run with arguments,
//! standard input and environment, and what it printed and how it exited.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The `incidentmap` binary Cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_incidentmap");

/// The source tree's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<area>/<name>`.
pub fn fixture(area: &str, name: &str) -> PathBuf {
    root().join("tests/fixtures").join(area).join(name)
}

/// The shipped example reports, `examples/reports`.
pub fn examples() -> PathBuf {
    root().join("examples/reports")
}

/// A path as `&str` for an argument list (every test path is UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A temporary directory, removed when dropped.
pub struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("create a temporary directory") }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// `name` inside the directory (not created).
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.path().join(name)
    }

    /// Writes `contents` to `name` inside the directory; returns its path.
    pub fn create(&self, name: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.join(name);
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("writing {}: {e}", p.display()));
        p
    }

    /// The names of the directory's entries, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// `incidentmap` with arguments, environment, working directory and
/// standard input, run once by [`TestCommand::run`].
pub struct TestCommand {
    cmd: Command,
    stdin: Option<Vec<u8>>,
}

/// `incidentmap ARGS...`.
pub fn incidentmap<I, A>(args: I) -> TestCommand
where
    I: IntoIterator<Item = A>,
    A: AsRef<OsStr>,
{
    let mut c = TestCommand::new();
    c.args(args);
    c
}

impl TestCommand {
    pub fn new() -> TestCommand {
        TestCommand { cmd: Command::new(BIN), stdin: None }
    }

    pub fn arg(&mut self, a: impl AsRef<OsStr>) -> &mut TestCommand {
        self.cmd.arg(a);
        self
    }

    pub fn args<I, A>(&mut self, args: I) -> &mut TestCommand
    where
        I: IntoIterator<Item = A>,
        A: AsRef<OsStr>,
    {
        self.cmd.args(args);
        self
    }

    pub fn env(&mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> &mut TestCommand {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(&mut self, k: impl AsRef<OsStr>) -> &mut TestCommand {
        self.cmd.env_remove(k);
        self
    }

    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut TestCommand {
        self.cmd.current_dir(dir);
        self
    }

    /// Bytes for standard input (otherwise standard input is empty, as
    /// with `Command::output`).
    pub fn stdin(&mut self, bytes: impl Into<Vec<u8>>) -> &mut TestCommand {
        self.stdin = Some(bytes.into());
        self
    }

    /// Runs the command to the end and captures what it printed.
    pub fn run(&mut self) -> Run {
        let line = format!("{:?}", self.cmd);
        let output = match self.stdin.take() {
            None => self.cmd.output(),
            Some(input) => {
                self.cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
                let mut child = self.cmd.spawn().unwrap_or_else(|e| panic!("run {line}: {e}"));
                // Fed from a thread, so a child that prints before it has
                // read everything cannot deadlock; one that stops reading
                // early (a size cap) closes the pipe, which is no failure.
                let mut stdin = child.stdin.take().unwrap();
                let feeder = std::thread::spawn(move || match stdin.write_all(&input) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    r => r.unwrap(),
                });
                let out = child.wait_with_output();
                feeder.join().expect("stdin feeder");
                out
            }
        };
        Run { output: output.unwrap_or_else(|e| panic!("run {line}: {e}")), line }
    }
}

/// A finished run of `incidentmap`.
pub struct Run {
    pub output: Output,
    /// The command line, for failure messages.
    line: String,
}

impl Run {
    /// The exit code (`None` when killed by a signal).
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn stdout_bytes(&self) -> &[u8] {
        &self.output.stdout
    }

    /// Standard output, which must be UTF-8.
    pub fn stdout(&self) -> String {
        String::from_utf8(self.output.stdout.clone()).unwrap_or_else(|e| panic!("{}: stdout: {e}", self.line))
    }

    /// Standard error, which must be UTF-8.
    pub fn stderr(&self) -> String {
        String::from_utf8(self.output.stderr.clone()).unwrap_or_else(|e| panic!("{}: stderr: {e}", self.line))
    }

    /// Fails the test, with the command line and both outputs, unless the
    /// process exited with `code`.
    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Run {
        if self.code() != Some(code) {
            panic!(
                "{}\nexpected exit code {code}, got {:?}\n--- stderr ---\n{}\n--- stdout ---\n{}",
                self.line,
                self.code(),
                String::from_utf8_lossy(&self.output.stderr),
                String::from_utf8_lossy(&self.output.stdout),
            );
        }
        self
    }

    /// Standard output as one JSON value.
    pub fn stdout_json(&self) -> Value {
        serde_json::from_slice(&self.output.stdout).unwrap_or_else(|e| panic!("{}: stdout is not JSON: {e}", self.line))
    }

    /// Standard output as JSON lines, one value per line.
    pub fn stdout_json_lines(&self) -> Vec<Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: not a JSON line: {e}: {l}", self.line)))
            .collect()
    }

    /// The first line of standard output as JSON.
    pub fn stdout_first_json(&self) -> Value {
        let first = self.output.stdout.split(|&b| b == b'\n').next().unwrap();
        serde_json::from_slice(first).unwrap_or_else(|e| panic!("{}: first line is not JSON: {e}", self.line))
    }
}

/// A JSON file.
pub fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", p.display()))
}

/// The path of an external program a test needs (`ogrinfo`, `chromium`),
/// or `None` after printing `skipped: <test>: ...` when it is not on
/// `PATH`; under `CI=true` a missing program fails the test instead, since
/// CI installs every one (`.ci/run`).
pub fn external_program(test: &str, program: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file());
    match found {
        Some(p) => Some(p),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {program} is not on PATH, and CI=true: CI must run this test ({install})")
        }
        None => {
            eprintln!("skipped: {test}: {program} is not on PATH ({install})");
            None
        }
    }
}
