//! A set of files replaced as a whole or not at all (issue 19): the layers
//! of a `map` run are written into a staging directory beside the output
//! directory, and the two directories are exchanged in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux). A run that fails, fills the
//! disk or is killed before the exchange leaves the previous set as it
//! was; one killed after it leaves the new set. Either way the next run
//! removes what the killed one left behind.
//!
//! Files in the output directory that are not part of the set (a QGIS
//! project, the analyst's notes) are carried over as hard links, so they
//! survive the exchange unchanged. Where the exchange cannot be done (not
//! Linux, a file system without it, an output directory holding
//! sub-directories, or the current directory), each file is still written
//! completely before any is renamed, and they are renamed in one burst.

use std::path::{Path, PathBuf};

use super::{Staged, commit_all, remove_stale_temps};
use crate::error::{Error, Result};

/// The marker in the names of staging directories.
const STAGE_MARK: &str = ".incidentmap-set-";

/// Writes the files `names` into `dir` (created if needed) as one set.
///
/// `fill` is called with the directory to write into and returns the files
/// it staged there (see [`super::stage`]); every name it writes must be in
/// `names`. Only when `fill` succeeds does the set replace the old one.
/// Returns the final paths, in the order of `names`.
pub fn write_set<F>(dir: &Path, names: &[&str], fill: F) -> Result<Vec<PathBuf>>
where
    F: FnOnce(&Path) -> Result<Vec<Staged>>,
{
    if let Ok(m) = std::fs::metadata(dir)
        && !m.is_dir()
    {
        return Err(Error::bad_input(dir, "exists and is not a directory; -o needs a directory for a layer set"));
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let plan = Plan::for_dir(dir, names);
    if let Some(plan) = &plan {
        plan.remove_stale();
    }
    if dir.is_dir() {
        remove_stale_temps(dir, names);
    }
    let final_paths: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    match plan.and_then(|p| p.prepare(dir, names)) {
        Some(stage) => {
            let staged = fill(&stage.path)?;
            commit_all(staged)?;
            stage.swap_in()?;
        }
        None => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            commit_all(fill(dir)?)?;
        }
    }
    Ok(final_paths)
}

/// Where the staging directory goes: beside the (canonical) output directory.
struct Plan {
    /// The output directory, canonical (symbolic links resolved), which may
    /// not exist yet.
    target: PathBuf,
    parent: PathBuf,
    /// `.<name>.incidentmap-set-`: every staging directory of this target
    /// starts with it.
    prefix: String,
}

impl Plan {
    /// `None` where the exchange cannot be used at all.
    fn for_dir(dir: &Path, _names: &[&str]) -> Option<Plan> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let target = match std::fs::canonicalize(dir) {
            Ok(t) => t,
            Err(_) => {
                // Not there yet: its parent is (created above).
                let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                std::fs::canonicalize(parent).ok()?.join(dir.file_name()?)
            }
        };
        // Exchanging the current directory (or one holding it) would leave
        // the analyst's shell in the old, deleted one.
        if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize)
            && cwd.starts_with(&target)
        {
            return None;
        }
        let parent = target.parent()?.to_path_buf();
        let name = target.file_name()?.to_string_lossy().into_owned();
        Some(Plan { target, parent, prefix: format!(".{name}{STAGE_MARK}") })
    }

    /// Removes staging directories left by killed runs: those whose process
    /// is gone. Best effort.
    fn remove_stale(&self) {
        let Ok(entries) = std::fs::read_dir(&self.parent) else { return };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(self.prefix.as_str())) else { continue };
            let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
            let alive = pid.is_some_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
            if !alive && e.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }

    /// Creates the staging directory with the files to carry over; `None`
    /// (and nothing left behind) when the exchange cannot be used.
    fn prepare(self, dir: &Path, names: &[&str]) -> Option<Stage> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = self.parent.join(format!("{}{}-{n}", self.prefix, std::process::id()));
        std::fs::create_dir(&path).ok()?;
        super::register_temp_dir(&path);
        let stage = Stage { path, target: self.target, existed: dir.is_dir() };
        if stage.existed && stage.carry_over(names).is_none() {
            stage.abandon();
            return None;
        }
        Some(stage)
    }
}

/// A staging directory being filled. Dropping it removes it: before the
/// exchange it holds an unfinished set, after it the old one.
struct Stage {
    path: PathBuf,
    target: PathBuf,
    /// Whether the target existed when the stage was prepared.
    existed: bool,
}

impl Stage {
    /// Gives the staging directory the target's permissions and hard links
    /// to the target's files that are not in the set. `None` when that is
    /// not possible (a sub-directory, a file that cannot be linked).
    fn carry_over(&self, names: &[&str]) -> Option<()> {
        if let Ok(m) = std::fs::metadata(&self.target) {
            std::fs::set_permissions(&self.path, m.permissions()).ok()?;
        }
        for e in std::fs::read_dir(&self.target).ok()? {
            let e = e.ok()?;
            let name = e.file_name();
            let ours = name.to_str().is_some_and(|n| {
                names.contains(&n) || (n.ends_with(".tmp") && names.iter().any(|m| n.starts_with(&format!(".{m}."))))
            });
            if ours {
                continue;
            }
            let t = e.file_type().ok()?;
            if t.is_dir() {
                return None;
            }
            std::fs::hard_link(e.path(), self.path.join(&name)).ok()?;
        }
        Some(())
    }

    fn abandon(self) {
        drop(self);
    }

    /// Exchanges the filled staging directory with the target (or renames
    /// it into place when there was none), then removes the old set.
    fn swap_in(self) -> Result<()> {
        sync_dir(&self.path);
        let done = {
            // Under the temporary-file lock: an interrupt handler that has
            // started removing temporary files never races an exchange.
            let _guard = super::TEMPS.lock();
            if self.existed { exchange(&self.path, &self.target) } else { rename_new(&self.path, &self.target) }
        };
        match done {
            Ok(()) => {
                sync_dir(self.target.parent().unwrap_or(Path::new("/")));
                Ok(())
            }
            Err(e) if !self.existed => Err(Error::io(&self.target, e)),
            // A file system without the exchange: move the files over one by
            // one, each rename atomic.
            Err(_) => move_files(&self.path, &self.target),
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Moves every file of the set from `from` into `to` (hard links to
/// carried-over files are simply dropped).
fn move_files(from: &Path, to: &Path) -> Result<()> {
    for e in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let e = e.map_err(|e| Error::io(from, e))?;
        let dest = to.join(e.file_name());
        let same = match (std::fs::symlink_metadata(e.path()), std::fs::symlink_metadata(&dest)) {
            (Ok(a), Ok(b)) => same_file(&a, &b),
            _ => false,
        };
        if !same {
            std::fs::rename(e.path(), &dest).map_err(|err| Error::io(&dest, err))?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Renames a new directory into place; fails if `to` appeared meanwhile
/// with something in it.
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

/// Swaps two directories atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths that live across the call;
    // renameat2 only reads them.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Flushes a directory's entries to disk. Best effort.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic::stage_bytes;

    fn fill_with<'a>(names: &'a [&'a str], body: &'a str) -> impl FnOnce(&Path) -> Result<Vec<Staged>> + 'a {
        move |d: &Path| names.iter().map(|n| stage_bytes(&d.join(n), format!("{body} {n}").as_bytes())).collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_set_replaces_the_old_one_and_keeps_foreign_files() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let names = ["a.geojson", "b.csv"];
        let paths = write_set(&out, &names, fill_with(&names, "v1")).unwrap();
        assert_eq!(paths, [out.join("a.geojson"), out.join("b.csv")]);
        assert_eq!(std::fs::read_to_string(out.join("b.csv")).unwrap(), "v1 b.csv");
        std::fs::write(out.join("project.qgz"), b"analyst's").unwrap();
        write_set(&out, &names, fill_with(&names, "v2")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.geojson")).unwrap(), "v2 a.geojson");
        assert_eq!(std::fs::read(out.join("project.qgz")).unwrap(), b"analyst's");
        assert_eq!(listing(&out), ["a.geojson", "b.csv", "project.qgz"]);
        assert_eq!(listing(root.path()), ["out"], "no staging directory is left behind");
    }

    #[test]
    fn a_failed_fill_leaves_the_old_set_and_nothing_else() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let names = ["a.geojson", "b.csv"];
        write_set(&out, &names, fill_with(&names, "v1")).unwrap();
        let r = write_set(&out, &names, |d: &Path| {
            let _a = stage_bytes(&d.join("a.geojson"), b"v2")?;
            Err::<Vec<Staged>, _>(Error::bad_input(d, "disk full"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.geojson")).unwrap(), "v1 a.geojson");
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn stale_staging_of_a_dead_process_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let names = ["a.geojson"];
        write_set(&out, &names, fill_with(&names, "v1")).unwrap();
        // pid 0 never names a live process in /proc.
        let stale = root.path().join(".out.incidentmap-set-0-3");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("a.geojson"), b"half").unwrap();
        let unrelated = root.path().join(".other.incidentmap-set-0-1");
        std::fs::create_dir(&unrelated).unwrap();
        write_set(&out, &names, fill_with(&names, "v2")).unwrap();
        assert!(!stale.exists() || !cfg!(target_os = "linux"));
        assert!(unrelated.exists(), "another target's staging is not ours to remove");
    }

    #[test]
    fn a_directory_with_sub_directories_is_still_replaced_file_by_file() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir_all(out.join("keep/me")).unwrap();
        let names = ["a.geojson"];
        write_set(&out, &names, fill_with(&names, "v1")).unwrap();
        write_set(&out, &names, fill_with(&names, "v2")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.geojson")).unwrap(), "v2 a.geojson");
        assert!(out.join("keep/me").is_dir());
        assert_eq!(listing(root.path()), ["out"]);
    }

    #[test]
    fn a_file_where_the_directory_should_be_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::write(&out, b"x").unwrap();
        let e = write_set(&out, &["a"], fill_with(&["a"], "v")).unwrap_err();
        assert!(e.to_string().contains("not a directory"), "{e}");
        assert_eq!(std::fs::read(&out).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_output_directory_stays_a_symlink() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("real");
        std::fs::create_dir(&real).unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let names = ["a.geojson"];
        write_set(&link, &names, fill_with(&names, "v1")).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(real.join("a.geojson")).unwrap(), "v1 a.geojson");
    }
}
