//! `logschema diff`: reads two sets of schemas (files, directories, or `schemas/` at a git
//! revision against the working tree), compares them with `logschema_codegen::diff` and prints
//! the findings. Exit status: 0 nothing breaking, 3 something breaking, 1 an error.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;
use logschema_codegen::diff::{self, report, Format};
use logschema_codegen::SchemaSource;

use super::schema_files::read_schemas;

/// Something is breaking (2 is taken by `parse`: some records were rejected).
pub const EXIT_BREAKING: u8 = 3;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("sides").required(true).args(["git", "old"]))]
pub struct DiffArgs {
    /// Compare `schemas/` at git revision REV (e.g. origin/main) with the working tree's: the
    /// nearest `schemas/` at or above the current directory (a crate's own in a repository
    /// holding several), else the repository root's.
    #[arg(long, value_name = "REV", conflicts_with_all = ["old", "new"])]
    pub git: Option<String>,

    /// Output: text (one finding a line), json, markdown (a pull-request comment) or github
    /// (workflow annotations).
    #[arg(long, default_value = "text", value_parser = Format::NAMES)]
    pub format: String,

    /// The old schemas: a schema file or a directory of them.
    #[arg(value_name = "OLD", requires = "new")]
    pub old: Option<PathBuf>,

    /// The new schemas: a schema file or a directory of them.
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
}

/// Runs the subcommand; returns the exit status.
pub fn run(args: &DiffArgs) -> u8 {
    let format = Format::from_name(&args.format).unwrap_or(Format::Text);
    let sides = match (&args.git, &args.old, &args.new) {
        (Some(revision), _, _) => git_sides(revision),
        (None, Some(old), Some(new)) => {
            read_schemas(old).and_then(|old| Ok((old, read_schemas(new)?)))
        }
        _ => Err("give OLD and NEW, or --git REV".to_owned()),
    };
    let findings = match sides {
        Ok((old, new)) => diff::diff(&old, &new).map_err(|error| error.to_string()),
        Err(message) => Err(message),
    };
    let findings = match findings {
        Ok(findings) => findings,
        Err(message) => {
            eprintln!("logschema: diff: {message}");
            return 1;
        }
    };
    if super::print_stdout(&report::render(&findings, format)) != std::process::ExitCode::SUCCESS {
        return 1;
    }
    if !findings.is_empty() {
        eprintln!("logschema: diff: {}", report::summary(&findings));
    }
    if diff::has_breaking(&findings) {
        EXIT_BREAKING
    } else {
        0
    }
}

/// `schemas/` at `revision` and in the working tree, both named from the repository root
/// (`schemas/...`, `examples/own-schemas/schemas/...`: the paths GitHub annotations want): the
/// nearest `schemas/` at or above the current directory, else the root's.
fn git_sides(revision: &str) -> Result<(Vec<SchemaSource>, Vec<SchemaSource>), String> {
    let root = git(Path::new("."), &["rev-parse", "--show-toplevel"])?;
    let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
    // `--show-prefix`: the current directory relative to the root, as git spells it (no
    // symbolic-link surprises from comparing absolute paths).
    let prefix = git(Path::new("."), &["rev-parse", "--show-prefix"])?;
    let schemas = schemas_dir_in(&root, prefix.trim_end_matches(['\n', '\r']));
    // `REV^{commit}` rejects a missing revision clearly, before ls-tree would print nothing.
    git(
        &root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown git revision '{revision}'"))?;
    let listing = git(
        &root,
        &["ls-tree", "-r", "--name-only", revision, "--", &schemas],
    )?;
    let mut old = Vec::new();
    for path in listing.lines() {
        let name = path.rsplit('/').next().unwrap_or(path);
        if logschema_codegen::is_schema_file_name(name) {
            let text = git(&root, &["show", &format!("{revision}:{path}")])?;
            old.push(SchemaSource {
                path: path.to_owned(),
                text,
            });
        }
    }
    let mut new = Vec::new();
    let schemas_dir = root.join(&schemas);
    if schemas_dir.is_dir() {
        for mut source in read_schemas(&schemas_dir)? {
            // `/repo/schemas/x.yml` -> `schemas/x.yml`
            let relative = Path::new(&source.path)
                .strip_prefix(&root)
                .map(|path| path.to_string_lossy().replace('\\', "/"));
            if let Ok(relative) = relative {
                source.path = relative;
            }
            new.push(source);
        }
    }
    Ok((old, new))
}

/// `prefix/schemas` for the longest `prefix` of the current directory's (relative to `root`,
/// `a/b/`) holding a `schemas/` directory; `schemas` when none does.
fn schemas_dir_in(root: &Path, prefix: &str) -> String {
    let mut candidate = prefix.trim_end_matches('/');
    while !candidate.is_empty() {
        let dir = format!("{candidate}/schemas");
        if root.join(&dir).is_dir() {
            return dir;
        }
        candidate = candidate.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
    "schemas".to_owned()
}

/// Runs git in `dir`; its standard output, or its error message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("git {} failed: {}", args.join(" "), stderr.trim()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| format!("git {}: output is not UTF-8", args.join(" ")))
}
