//! Telling a stale binary: the schemas are compiled in, so after a schema edit without a rebuild
//! `parse`, `show` and `test` would silently use the old ones. build.rs records a fingerprint of
//! every schema file it compiled (in each [`LogTypeSet`]); run inside the checkout of the package
//! that compiled a set (or a copy of it), the binary compares them with the files on disk. A
//! crate with its own schemas is checked against its own checkout, and the built-in ones against
//! logschema's when it runs inside one.

use std::fs;
use std::path::{Path, PathBuf};

use crate::LogTypeSet;

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

/// The checkout of `set`'s package around `dir`: the nearest ancestor holding the set's schema
/// directory and a `Cargo.toml` of that package (another project's `schemas/` is none of this
/// binary's business).
pub fn checkout_root(dir: &Path, set: &LogTypeSet) -> Option<PathBuf> {
    let package_line = format!("name = \"{}\"", set.package);
    dir.ancestors()
        .find(|candidate| {
            candidate.join(set.schema_dir).is_dir()
                && fs::read_to_string(candidate.join("Cargo.toml"))
                    .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == package_line))
        })
        .map(Path::to_path_buf)
}

/// The schema files of `set` in the checkout at `root` that differ from those compiled in.
pub fn changes_since_build(root: &Path, set: &LogTypeSet) -> Vec<SchemaChange> {
    let mut changes = Vec::new();
    for (path, fingerprint) in set.built_from {
        match fs::read_to_string(root.join(path)) {
            Ok(text) if logschema_codegen::schema_fingerprint(&text) == *fingerprint => {}
            Ok(_) => changes.push(SchemaChange::Edited((*path).to_owned())),
            Err(_) => changes.push(SchemaChange::Removed((*path).to_owned())),
        }
    }
    for path in schema_files(root, set.schema_dir) {
        if !set.built_from.iter().any(|(built, _)| *built == path) {
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

/// The warning for the checkouts around the current directory, if this binary is stale there.
pub fn check_current_dir() -> Option<String> {
    let dir = std::env::current_dir().ok()?;
    let changes: Vec<SchemaChange> = crate::log_type_sets()
        .iter()
        .filter_map(|set| Some(changes_since_build(&checkout_root(&dir, set)?, set)))
        .flatten()
        .collect();
    stale_warning(&changes)
}

/// The schema file of a checkout around the current directory that declares log type `name`,
/// for "not built into this binary".
pub fn schema_file_declaring(name: &str) -> Option<String> {
    let dir = std::env::current_dir().ok()?;
    crate::log_type_sets().iter().find_map(|set| {
        let root = checkout_root(&dir, set)?;
        schema_files(&root, set.schema_dir)
            .into_iter()
            .find(|path| {
                fs::read_to_string(root.join(path)).is_ok_and(|text| {
                    text.lines().any(|line| {
                        line.strip_prefix("schema:")
                            .map(|value| value.trim().trim_matches(['"', '\'']))
                            == Some(name)
                    })
                })
            })
    })
}

/// Schema files below `root/schema_dir`, relative to `root` with `/` separators, as build.rs
/// names them.
fn schema_files(root: &Path, schema_dir: &str) -> Vec<String> {
    walkdir::WalkDir::new(root.join(schema_dir))
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

    /// The built-in set: `schemas/` of this package.
    fn built_in() -> &'static LogTypeSet {
        crate::log_type_sets()[0]
    }

    /// A copy of the schemas this binary was built from, in a checkout-like directory.
    fn checkout() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"logschema\"\n",
        )
        .expect("write");
        for (path, _) in built_in().built_from {
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
        assert_eq!(
            checkout_root(&nested, built_in()).as_deref(),
            Some(dir.path())
        );
        assert_eq!(changes_since_build(dir.path(), built_in()), vec![]);
        assert_eq!(stale_warning(&[]), None);
    }

    #[test]
    fn edits_additions_and_removals_are_noticed() {
        let dir = checkout();
        let (edited, _) = built_in().built_from[0];
        let (removed, _) = built_in().built_from[1];
        let path = dir.path().join(edited);
        let text = fs::read_to_string(&path).expect("read");
        fs::write(&path, format!("{text}\n# one more line\n")).expect("write");
        fs::remove_file(dir.path().join(removed)).expect("remove");
        fs::write(dir.path().join("schemas/new_one.yml"), "schema: X.Y\n").expect("write");
        let changes = changes_since_build(dir.path(), built_in());
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
        assert_eq!(checkout_root(dir.path(), built_in()), None);
    }
}
