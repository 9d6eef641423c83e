//! `logschema diff` end to end: directories, formats, exit statuses, and `--git` in a throwaway
//! repository.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/codegen/tests/diff_fixtures");

fn logschema(dir: &Path, args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_logschema"))
        .args(args)
        .current_dir(dir)
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("cannot run logschema: {error}"),
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn fixture(rule: &str, side: &str) -> String {
    let path = Path::new(FIXTURES).join(rule).join(side);
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|error| panic!("{error}"));
    }
    fs::write(path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// `old/` and `new/`: a changed type at the top, a removed indicator one level down (`.yaml`),
/// and a test file that is not a schema (it would not compile as one).
fn two_dirs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    for side in ["old", "new"] {
        let file = format!("{side}.yml");
        let root = dir.path().join(side);
        write(
            &root.join("types.yml"),
            &fixture("field_type_changed", &file),
        );
        let nested = fixture("indicator_removed", &file).replace("Test.Diff", "Test.Hosts");
        write(&root.join("nested/hosts.yaml"), &nested);
        write(&root.join("types_tests.yml"), "name: not a schema\n");
    }
    dir
}

#[test]
fn breaking_changes_exit_3_with_one_line_each() {
    let dir = two_dirs();
    let output = logschema(dir.path(), &["diff", "old", "new"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "\
new/nested/hosts.yaml:8: INDICATOR_REMOVED: warning: Test.Hosts field host: indicator domain removed: p_any_* lists and detections lose these values
new/types.yml:8: FIELD_TYPE_CHANGED: breaking: Test.Diff field status: type changed from int to string
new/types.yml:10: FIELD_TYPE_CHANGED: breaking: Test.Diff field tags[]: type changed from string to int
new/types.yml:14: FIELD_TYPE_CHANGED: breaking: Test.Diff field details: type changed from object to json
"
    );
    assert_eq!(
        stderr(&output),
        "logschema: diff: 3 breaking, 1 warning, 0 info\n"
    );
}

#[test]
fn identical_dirs_exit_0() {
    let dir = two_dirs();
    let output = logschema(dir.path(), &["diff", "old", "old"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "no changes\n");
}

#[test]
fn warnings_only_exit_0() {
    let dir = two_dirs();
    let old = dir.path().join("old/nested/hosts.yaml");
    let new = dir.path().join("new/nested/hosts.yaml");
    let output = logschema(
        dir.path(),
        &["diff", &old.to_string_lossy(), &new.to_string_lossy()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("INDICATOR_REMOVED"));
}

#[test]
fn errors_exit_1() {
    let dir = two_dirs();
    let missing = logschema(dir.path(), &["diff", "old", "missing"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).starts_with("logschema: diff: missing: "),
        "{}",
        stderr(&missing)
    );
    assert_eq!(stdout(&missing), "");

    write(
        &dir.path().join("new/broken.yml"),
        "schema: Test.Broken\nfields:\n  - name: x\n    type: strnig\n",
    );
    let broken = logschema(dir.path(), &["diff", "old", "new"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        stderr(&broken).contains(
            "the new schemas do not compile:\nnew/broken.yml:4:11: error: unknown type 'strnig'"
        ),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn markdown_format() {
    let dir = two_dirs();
    let output = logschema(dir.path(), &["diff", "--format", "markdown", "old", "new"]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    assert!(
        text.starts_with("**logschema diff: breaking changes** (3 breaking, 1 warning, 0 info)\n\n| Severity | Rule |"),
        "{text}"
    );
    assert!(text.contains("| breaking | `FIELD_TYPE_CHANGED` | Test.Diff | `tags[]` | `string` | `int` | new/types.yml:10 |\n"), "{text}");
}

#[test]
fn github_format() {
    let dir = two_dirs();
    let output = logschema(dir.path(), &["diff", "--format", "github", "old", "new"]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    assert!(text.starts_with("::warning file=new/nested/hosts.yaml,line=8,title=INDICATOR_REMOVED::warning: Test.Hosts field host: "), "{text}");
    assert!(text.contains("\n::error file=new/types.yml,line=8,title=FIELD_TYPE_CHANGED::breaking: Test.Diff field status: type changed from int to string\n"), "{text}");
}

#[test]
fn json_format() {
    let dir = two_dirs();
    let output = logschema(dir.path(), &["diff", "--format", "json", "old", "new"]);
    assert_eq!(output.status.code(), Some(3));
    let parsed: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(parsed.as_array().map(Vec::len), Some(4));
    assert_eq!(parsed[1]["rule"], "FIELD_TYPE_CHANGED");
    assert_eq!(parsed[1]["old"], "int");
    assert_eq!(parsed[1]["line"], 8);
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|error| panic!("git: {error}"));
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

/// A repository with `schemas/` committed, then changed in the working tree; the command runs in
/// a subdirectory and still names files from the repository root.
#[test]
fn git_revision_against_the_working_tree() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let repo = dir.path();
    git(repo, &["init", "--quiet"]);
    write(
        &repo.join("schemas/app/login.yml"),
        &fixture("field_became_required", "old.yml"),
    );
    write(&repo.join("schemas/app/login_tests.yml"), "name: ignored\n");
    write(
        &repo.join("schemas/gone.yml"),
        &fixture("log_type_removed", "old.yml").replace("Test.Diff", "Test.Gone"),
    );
    write(&repo.join("docs/readme.txt"), "a subdirectory to run in\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "schemas"]);

    let unchanged = logschema(&repo.join("docs"), &["diff", "--git", "HEAD"]);
    assert_eq!(unchanged.status.code(), Some(0), "{}", stderr(&unchanged));
    assert_eq!(stdout(&unchanged), "no changes\n");

    write(
        &repo.join("schemas/app/login.yml"),
        &fixture("field_became_required", "new.yml"),
    );
    fs::remove_file(repo.join("schemas/gone.yml")).unwrap_or_else(|error| panic!("{error}"));
    let changed = logschema(&repo.join("docs"), &["diff", "--git", "HEAD"]);
    assert_eq!(changed.status.code(), Some(3), "{}", stderr(&changed));
    assert_eq!(
        stdout(&changed),
        "\
schemas/app/login.yml:8: FIELD_BECAME_REQUIRED: breaking: Test.Diff field user: became required: records without it are now rejected
schemas/gone.yml:1: LOG_TYPE_REMOVED: breaking: Test.Gone: log type removed
"
    );

    let bad = logschema(repo, &["diff", "--git", "no-such-branch"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        stderr(&bad),
        "logschema: diff: unknown git revision 'no-such-branch'\n"
    );
}

/// A crate with its own `schemas/` in a subdirectory of a repository that has a `schemas/` too:
/// run inside the crate, `--git` compares the crate's.
#[test]
fn git_revision_compares_the_nearest_schemas_directory() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let repo = dir.path();
    git(repo, &["init", "--quiet"]);
    write(
        &repo.join("schemas/root.yml"),
        &fixture("log_type_removed", "old.yml").replace("Test.Diff", "Test.Root"),
    );
    write(
        &repo.join("crates/own/schemas/app/login.yml"),
        &fixture("field_became_required", "old.yml"),
    );
    write(&repo.join("crates/own/src/main.rs"), "fn main() {}\n");
    git(repo, &["add", "."]);
    git(repo, &["commit", "--quiet", "-m", "schemas"]);

    write(
        &repo.join("crates/own/schemas/app/login.yml"),
        &fixture("field_became_required", "new.yml"),
    );
    fs::remove_file(repo.join("schemas/root.yml")).unwrap_or_else(|error| panic!("{error}"));
    let own = logschema(&repo.join("crates/own/src"), &["diff", "--git", "HEAD"]);
    assert_eq!(own.status.code(), Some(3), "{}", stderr(&own));
    assert_eq!(
        stdout(&own),
        "crates/own/schemas/app/login.yml:8: FIELD_BECAME_REQUIRED: breaking: Test.Diff field \
         user: became required: records without it are now rejected\n"
    );
    // From the root, the root's.
    let root = logschema(repo, &["diff", "--git", "HEAD"]);
    assert_eq!(
        stdout(&root),
        "schemas/root.yml:1: LOG_TYPE_REMOVED: breaking: Test.Root: log type removed\n"
    );
}

#[test]
fn git_outside_a_repository_exits_1() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let output = logschema(dir.path(), &["diff", "--git", "HEAD"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("logschema: diff: "),
        "{}",
        stderr(&output)
    );
}
