//! Telling a stale binary: the schemas are compiled in, so after a schema edit without a rebuild
//! `parse`, `show` and `test` would silently use the old ones. build.rs records a fingerprint of
//! every schema file it compiled; run inside the checkout it was built from (or a copy of it),
//! the binary compares them with the files on disk.

use std::fs;
use std::path::{Path, PathBuf};

/// `(path relative to the checkout, fingerprint)` of every schema file this binary was built
/// from, sorted by path.
static BUILT_FROM: &[(&str, u64)] = include!(concat!(env!("OUT_DIR"), "/schema_fingerprints.rs"));

/// How a schema file on disk differs from the one compiled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    Edited(String),
    Added(String),
    Removed(String),
}

impl SchemaChange {
    fn describe(&self) -> String {
        match self {
            SchemaChange::Edited(path) => format!("{path} changed"),
            SchemaChange::Added(path) => format!("{path} is new"),
            SchemaChange::Removed(path) => format!("{path} was removed"),
        }
    }
}

/// The checkout around `dir`: the nearest ancestor holding `schemas/` and a `Cargo.toml` of this
/// package (another project's `schemas/` is none of this binary's business).
pub fn checkout_root(dir: &Path) -> Option<PathBuf> {
    let package_line = format!("name = \"{}\"", env!("CARGO_PKG_NAME"));
    dir.ancestors()
        .find(|candidate| {
            candidate.join("schemas").is_dir()
                && fs::read_to_string(candidate.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == package_line))
        })
        .map(Path::to_path_buf)
}

/// The schema files of the checkout at `root` that differ from those compiled in.
pub fn changes_since_build(root: &Path) -> Vec<SchemaChange> {
    let mut changes = Vec::new();
    for (path, fingerprint) in BUILT_FROM {
        match fs::read_to_string(root.join(path)) {
            Ok(text) if logschema_codegen::schema_fingerprint(&text) == *fingerprint => {}
            Ok(_) => changes.push(SchemaChange::Edited((*path).to_owned())),
            Err(_) => changes.push(SchemaChange::Removed((*path).to_owned())),
        }
    }
    for path in schema_files(root) {
        if !BUILT_FROM.iter().any(|(built, _)| *built == path) {
            changes.push(SchemaChange::Added(path));
        }
    }
    changes
}

/// The warning for `changes`, or `None` when there are none.
pub fn stale_warning(changes: &[SchemaChange]) -> Option<String> {
    let first = changes.first()?;
    let more = match changes.len() - 1 {
        0 => String::new(),
        more => format!(" (and {more} more)"),
    };
    Some(format!(
        "logschema: warning: {}{more} since this binary was built, which still uses the old \
         schemas: rebuild with `cargo build --release`",
        crate::escape::name(&first.describe())
    ))
}

/// The warning for the checkout around the current directory, if this binary is stale there.
pub fn check_current_dir() -> Option<String> {
    let root = checkout_root(&std::env::current_dir().ok()?)?;
    stale_warning(&changes_since_build(&root))
}

/// The schema file of the checkout around the current directory that declares log type `name`,
/// for "not built into this binary".
pub fn schema_file_declaring(name: &str) -> Option<String> {
    let root = checkout_root(&std::env::current_dir().ok()?)?;
    schema_files(&root).into_iter().find(|path| {
        fs::read_to_string(root.join(path)).is_ok_and(|text| {
            text.lines().any(|line| {
                line.strip_prefix("schema:")
                    .map(|value| value.trim().trim_matches(['"', '\'']))
                    == Some(name)
            })
        })
    })
}

/// Schema files below `root/schemas`, relative to `root` with `/` separators, as build.rs names
/// them.
fn schema_files(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root.join("schemas"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_file()
                && logschema_codegen::is_schema_file_name(&entry.file_name().to_string_lossy())
        })
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the schemas this binary was built from, in a checkout-like directory.
    fn checkout() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"logschema\"\n",
        )
        .expect("write");
        for (path, _) in BUILT_FROM {
            let target = dir.path().join(path);
            fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            fs::copy(repo.join(path), target).expect("copy");
        }
        dir
    }

    #[test]
    fn the_checkout_built_from_is_not_stale() {
        let dir = checkout();
        let nested = dir.path().join("schemas");
        assert_eq!(checkout_root(&nested).as_deref(), Some(dir.path()));
        assert_eq!(changes_since_build(dir.path()), vec![]);
        assert_eq!(stale_warning(&[]), None);
    }

    #[test]
    fn edits_additions_and_removals_are_noticed() {
        let dir = checkout();
        let (edited, _) = BUILT_FROM[0];
        let (removed, _) = BUILT_FROM[1];
        let path = dir.path().join(edited);
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, format!("{text}\n# one more line\n")).expect("write");
        fs::remove_file(dir.path().join(removed)).expect("remove");
        fs::write(dir.path().join("schemas/new_one.yml"), "schema: X.Y\n").expect("write");
        let changes = changes_since_build(dir.path());
        assert_eq!(
            changes,
            vec![
                SchemaChange::Edited(edited.to_owned()),
                SchemaChange::Removed(removed.to_owned()),
                SchemaChange::Added("schemas/new_one.yml".to_owned()),
            ]
        );
        let warning = stale_warning(&changes).expect("a warning");
        assert!(
            warning.contains(&format!("{edited} changed (and 2 more)")),
            "{warning}"
        );
        assert!(warning.contains("cargo build --release"), "{warning}");
    }

    #[test]
    fn another_projects_schemas_are_not_ours() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("schemas")).expect("mkdir");
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"other\"\n",
        )
        .expect("write");
        assert_eq!(checkout_root(dir.path()), None);
    }
}
