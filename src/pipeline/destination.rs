//! What `--output` and `--rejects` point at, checked before anything is read: a symbolic link is
//! written through to its target, a device or FIFO is written as it is, and a destination that is
//! also an input (or lies inside an input directory) is refused, so a run never reads its own
//! output nor replaces the file it reads.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::input::InputArg;

/// Symbolic links followed at most, as the kernel does (`ELOOP` past that).
const MAX_LINKS: usize = 40;

/// Where the JSON events of `--output PATH` go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFile {
    /// `--output -`.
    Stdout,
    /// A regular file, or a name to create: written under a hidden name beside it and renamed
    /// into place when complete. For a symbolic link this is its final target, so the link stays.
    Staged(PathBuf),
    /// A character device, FIFO or socket (`/dev/null`, a named pipe), or an open descriptor
    /// (`/dev/stdout`, `/dev/fd/N`, whatever it has open): written directly, at its end, since
    /// renaming a file over it would replace the device itself, or miss the descriptor's file.
    Direct(PathBuf),
}

impl OutputFile {
    /// Decides how `--output PATH` is written.
    pub fn resolve(path: &str) -> Result<OutputFile, String> {
        if path == "-" {
            return Ok(OutputFile::Stdout);
        }
        let followed = follow_links(Path::new(path))?;
        if followed.through_descriptor {
            // `/dev/stdout`, `/dev/fd/N`: the file the descriptor has open, whatever it is; its
            // link names no path a file could be staged beside.
            return match std::fs::metadata(path) {
                Ok(meta) if meta.is_dir() => Err(format!("{path}: is a directory")),
                Ok(_) => Ok(OutputFile::Direct(PathBuf::from(path))),
                Err(error) => Err(format!("{path}: {error}")),
            };
        }
        let target = followed.target;
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                Err(format!("{}: is a directory", crate::escape::path(&target)))
            }
            Ok(meta) if meta.is_file() => Ok(OutputFile::Staged(target)),
            Ok(_) => Ok(OutputFile::Direct(target)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(OutputFile::Staged(target)),
            Err(error) => Err(format!("{}: {error}", crate::escape::path(&target))),
        }
    }

    /// The file written, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            OutputFile::Stdout => None,
            OutputFile::Staged(path) | OutputFile::Direct(path) => Some(path),
        }
    }
}

/// Where a chain of symbolic links ends.
struct Followed {
    /// The path the chain ends at (the path itself when it is no link); it may not exist yet (a
    /// dangling link names the file to create).
    target: PathBuf,
    /// The chain passed an open descriptor's link (`/proc/self/fd/1`, `/dev/fd/1`), whose
    /// target is a description (`pipe:[1234]`), or a path the descriptor may no longer name.
    through_descriptor: bool,
}

fn follow_links(path: &Path) -> Result<Followed, String> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() && is_descriptor_link(&current) => {
                return Ok(Followed {
                    target: current,
                    through_descriptor: true,
                });
            }
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)
                    .map_err(|error| format!("{}: {error}", crate::escape::path(&current)))?;
                // A relative target is relative to the link's directory.
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => {
                return Ok(Followed {
                    target: current,
                    through_descriptor: false,
                })
            }
        }
    }
    Err(format!(
        "{}: too many levels of symbolic links",
        crate::escape::path(path)
    ))
}

/// `/proc/<pid or self>/fd/N` or `/dev/fd/N`.
fn is_descriptor_link(path: &Path) -> bool {
    let Some(directory) = path.parent() else {
        return false;
    };
    directory == Path::new("/dev/fd")
        || (directory.starts_with("/proc") && directory.file_name() == Some("fd".as_ref()))
}

/// One file the run writes: `--output`, `--rejects`, or the Parquet output directory.
pub struct Written<'a> {
    /// How messages name it: `output`, `rejects`.
    pub role: &'static str,
    pub path: &'a Path,
}

/// Refuses a run whose inputs include a file it writes (the same file: device and inode), or
/// whose written files lie inside an input directory (read back as input, by this run or the
/// next), or whose `--output` and `--rejects` are the same file. Only local paths are checked.
pub fn refuse_overlaps(inputs: &[InputArg], written: &[Written<'_>]) -> Result<(), String> {
    // A dangling link names the file it will create.
    let targets: Vec<PathBuf> = written
        .iter()
        .map(|file| match follow_links(file.path) {
            // The kernel follows a descriptor's link to the file it has open.
            Ok(followed) if !followed.through_descriptor => followed.target,
            _ => file.path.to_path_buf(),
        })
        .collect();
    let written: Vec<Written<'_>> = written
        .iter()
        .zip(&targets)
        .map(|(file, target)| Written {
            role: file.role,
            path: target,
        })
        .collect();
    let written = written.as_slice();
    for (index, first) in written.iter().enumerate() {
        for second in &written[index + 1..] {
            if same_destination(first.path, second.path) {
                return Err(format!(
                    "{}: the {} and the {} are the same file",
                    crate::escape::path(first.path),
                    first.role,
                    second.role
                ));
            }
        }
    }
    for input in inputs {
        let InputArg::Path(input) = input else {
            continue;
        };
        let Ok(input_meta) = std::fs::metadata(input) else {
            continue; // reported as unreadable when the inputs are read
        };
        for destination in written {
            if input_meta.is_dir() {
                if let (Ok(directory), Some(place)) =
                    (input.canonicalize(), absolute_destination(destination.path))
                {
                    if place.starts_with(&directory) {
                        return Err(format!(
                            "{}: the {} is inside the input directory {}; it would be read as input",
                            crate::escape::path(destination.path),
                            destination.role,
                            crate::escape::path(input)
                        ));
                    }
                }
            } else if input_meta.is_file() && same_regular_file(&input_meta, destination.path) {
                return Err(format!(
                    "{}: is both an input and the {}",
                    crate::escape::path(input),
                    destination.role
                ));
            }
        }
    }
    Ok(())
}

/// Whether `path` exists and is the same regular file as `meta`. Only regular files: a terminal
/// can be both `/dev/stdin` and `/dev/stdout`, which is fine.
fn same_regular_file(meta: &std::fs::Metadata, path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|other| {
        other.is_file() && other.dev() == meta.dev() && other.ino() == meta.ino()
    })
}

fn same_destination(first: &Path, second: &Path) -> bool {
    if let Ok(meta) = std::fs::metadata(first) {
        if meta.is_file() && same_regular_file(&meta, second) {
            return true;
        }
    }
    match (absolute_destination(first), absolute_destination(second)) {
        (Some(first), Some(second)) => first == second,
        _ => false,
    }
}

/// The absolute path, links resolved, of a file that may not exist yet: its directory must.
fn absolute_destination(path: &Path) -> Option<PathBuf> {
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    let name = path.file_name()?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(directory.canonicalize().ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_followed_to_its_target_even_a_dangling_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink("sub/events.jsonl", &link).expect("symlink");
        let target = dir.path().join("sub/events.jsonl");
        assert_eq!(
            OutputFile::resolve(link.to_str().expect("utf-8")),
            Ok(OutputFile::Staged(target))
        );
    }

    #[test]
    fn a_device_is_written_directly_and_dash_is_stdout() {
        assert_eq!(OutputFile::resolve("-"), Ok(OutputFile::Stdout));
        if Path::new("/dev/null").exists() {
            assert_eq!(
                OutputFile::resolve("/dev/null"),
                Ok(OutputFile::Direct(PathBuf::from("/dev/null")))
            );
        }
    }

    #[test]
    fn a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).expect("symlink");
        std::os::unix::fs::symlink(&a, &b).expect("symlink");
        let error = OutputFile::resolve(a.to_str().expect("utf-8")).expect_err("loop");
        assert!(error.contains("too many levels"), "{error}");
    }
}
