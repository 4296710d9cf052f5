//! Atomic file output: write to a temporary file in the target directory,
//! then rename it into place, so that a failed run never leaves a
//! half-written or clobbered file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::error::{Error, Result};

pub mod set;
pub use set::write_set;

/// Is `path` something other than a regular file or a directory: a device
/// (`/dev/null`, `/dev/stdout`), a pipe or a socket? Renaming a file over it
/// would replace it, which for `/dev/null` breaks the whole machine.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A new temporary file (`.<name>.XXXX.tmp`) in the directory of `path`, so
/// that renaming it over `path` is atomic. It is removed if dropped. Refused
/// when `path` is a device, pipe or socket ([`is_special`]).
pub fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile> {
    if is_special(path) {
        return Err(Error::bad_input(path, "is a device, pipe or socket, not a file; this output needs a file path"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    register_temp(tmp.path());
    Ok(tmp)
}

/// Temporary files created by this process, removed if it is interrupted
/// ([`remove_temps_on_signal`]). A path that was renamed into place or
/// already removed is simply not found then.
/// Directories are staging directories of [`set::write_set`].
static TEMPS: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

fn register_temp(p: &Path) {
    if let Ok(mut t) = TEMPS.lock() {
        // Forget the ones already gone, so a long run's list stays short.
        if t.len() >= 64 {
            t.retain(|q| q.exists());
        }
        t.push(p.to_path_buf());
    }
}

/// A staging directory, removed with everything in it on an interrupt.
fn register_temp_dir(p: &Path) {
    register_temp(p);
}

/// Removes every temporary file and staging directory this process has
/// created and not yet renamed into place. Called on Ctrl-C, SIGTERM and
/// SIGHUP, when no destructor will run; the caller exits next, so the lock
/// stays held and no exchange of a layer set can start meanwhile.
pub fn remove_temps() {
    if let Ok(t) = TEMPS.lock() {
        for p in t.iter() {
            if p.is_dir() {
                let _ = std::fs::remove_dir_all(p);
            } else {
                let _ = std::fs::remove_file(p);
            }
        }
        // Held until the process exits.
        std::mem::forget(t);
    }
}

/// Installs the handler that, on Ctrl-C, SIGTERM or SIGHUP, removes this
/// process's temporary files and exits with 130, leaving every existing
/// output as it was. Call once, from the binary.
pub fn remove_temps_on_signal() {
    // An error here (a handler already set) leaves the default behaviour.
    let _ = ctrlc::set_handler(|| {
        remove_temps();
        eprintln!("incidentmap: interrupted; nothing was replaced");
        std::process::exit(130);
    });
}

/// Writes `path` atomically: `fill` writes into a buffered temporary file in
/// the same directory; only when it returns `Ok` is the file synced and
/// renamed over `path`. On error the temporary file is removed and an
/// existing `path` is left untouched.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    stage(path, fill)?.commit()
}

/// A complete, synced file waiting beside its target under a temporary
/// name; [`Staged::commit`] renames it into place, and dropping it removes
/// it. Staging every file of a set before committing any keeps a failed
/// run from leaving a mix of new and old files.
#[derive(Debug)]
pub struct Staged {
    /// `None` for a device or pipe, which was written in place.
    tmp: Option<tempfile::TempPath>,
    path: std::path::PathBuf,
}

impl Staged {
    /// A file already complete under a temporary name.
    pub fn new(tmp: tempfile::TempPath, path: &Path) -> Staged {
        Staged { tmp: Some(tmp), path: path.to_path_buf() }
    }

    /// The target path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file into place (with the mode of the file it replaces).
    pub fn commit(self) -> Result<()> {
        let Some(tmp) = self.tmp else { return Ok(()) };
        if let Ok(f) = File::open(&tmp) {
            keep_or_default_mode(&f, &self.path);
        }
        tmp.persist(&self.path).map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

/// Commits staged files in order; the paths committed.
pub fn commit_all(staged: Vec<Staged>) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::with_capacity(staged.len());
    for s in staged {
        let p = s.path.clone();
        s.commit()?;
        out.push(p);
    }
    Ok(out)
}

/// Writes a complete, synced file beside `path` and returns it staged (see
/// [`Staged`]). A device or pipe is written in place, never replaced.
pub fn stage<F>(path: &Path, fill: F) -> Result<Staged>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    if is_special(path) {
        // `-o /dev/null`, a named pipe: written in place, never replaced.
        let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| Error::io(path, e))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io(path, e))?;
        return Ok(Staged { tmp: None, path: path.to_path_buf() });
    }
    let (file, tmp_path) = temp_beside(path)?.into_parts();
    let mut w = BufWriter::with_capacity(1 << 20, file);
    fill(&mut w)?;
    let file = w.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(Staged { tmp: Some(tmp_path), path: path.to_path_buf() })
}

/// [`stage`] for bytes held in memory.
pub fn stage_bytes(path: &Path, bytes: &[u8]) -> Result<Staged> {
    stage(path, |w| w.write_all(bytes).map_err(io_err(path)))
}

/// Removes temporary files that killed runs left beside `names` in `dir`
/// (`.<name>.XXXXXX.tmp`, the names [`temp_beside`] gives). Best effort.
pub fn remove_stale_temps(dir: &Path, names: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        if file.ends_with(".tmp") && names.iter().any(|n| file.starts_with(&format!(".{n}."))) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Temporary files are created private (0600); a layer is meant to be read
/// by others (a shared QGIS project), so give it the mode of the file it
/// replaces, or 0644.
pub fn keep_or_default_mode(file: &File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o644);
        // Best effort: a file we cannot chmod is still a correct file.
        let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
    }
}

/// Maps an I/O error while writing `path` into the library error.
pub fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Writes all of `bytes` to `path` atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes).map_err(io_err(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        assert!(is_special(null));
        write_atomic(null, |w| w.write_all(b"discarded").map_err(io_err(null))).unwrap();
        let m = std::fs::metadata(null).unwrap();
        assert!(m.file_type().is_char_device(), "/dev/null must stay a device");
        assert_eq!(m.len(), 0);
        assert!(temp_beside(null).is_err(), "a GeoPackage cannot be renamed over a device");
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_special(dir.path()) && !is_special(&dir.path().join("missing.geojson")));
    }

    #[test]
    fn failed_write_leaves_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.geojson");
        std::fs::write(&p, b"old").unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"partial").unwrap();
            Err(Error::bad_input("x", "boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_staged_set_is_committed_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.csv"));
        std::fs::write(&a, b"old a").unwrap();
        std::fs::write(&b, b"old b").unwrap();
        {
            let _sa = stage_bytes(&a, b"new a").unwrap();
            let _fails: Result<Staged> = stage(&b, |_| Err(Error::bad_input("b", "boom")));
            // Dropped before commit: nothing replaced, nothing left behind.
        }
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
        let staged = vec![stage_bytes(&a, b"new a").unwrap(), stage_bytes(&b, b"new b").unwrap()];
        assert_eq!(std::fs::read(&a).unwrap(), b"old a", "nothing moves before the commit");
        assert_eq!(commit_all(staged).unwrap(), [a.clone(), b.clone()]);
        assert_eq!((std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()), (b"new a".to_vec(), b"new b".to_vec()));
        // A stale temporary file from a killed run is cleaned up.
        std::fs::write(dir.path().join(".a.geojson.Xy12ab.tmp"), b"junk").unwrap();
        std::fs::write(dir.path().join(".other.tmp"), b"not ours").unwrap();
        remove_stale_temps(dir.path(), &["a.geojson"]);
        assert!(!dir.path().join(".a.geojson.Xy12ab.tmp").exists());
        assert!(dir.path().join(".other.tmp").exists());
    }

    #[test]
    fn successful_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        std::fs::write(&p, b"old").unwrap();
        write_bytes_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }
}
