//! `renamedFrom`: a field's earlier names, read as input keys after the aliases, and its mistakes.

use logschema_codegen::{compile, SchemaSource};

const FILE: &str = "schemas/x.yml";

fn compiled(text: &str) -> Result<logschema_codegen::ir::Schemas, Vec<String>> {
    compile(&[SchemaSource {
        path: FILE.into(),
        text: text.into(),
    }])
    .map_err(|diagnostics| diagnostics.iter().map(ToString::to_string).collect())
}

/// A schema whose second field (`ip`, line 5) gets `extra` lines.
fn schema(extra: &str) -> String {
    format!(
        "schema: Test.Thing\nfields:\n  - name: user\n    type: string\n  - name: ip\n    type: string\n    aliases: [addr]\n{extra}"
    )
}

#[test]
fn old_names_are_read_after_the_aliases() {
    for extra in [
        "    renamedFrom: clientIp\n",
        "    renamedFrom: [clientIp]\n",
    ] {
        let schemas = compiled(&schema(extra)).unwrap_or_else(|errors| panic!("{errors:#?}"));
        let field = &schemas.log_types[0].root().fields[1];
        assert_eq!(field.renamed_from, ["clientIp"]);
        assert_eq!(field.input_keys, ["ip", "addr", "clientIp"]);
    }
    let schemas =
        compiled(&schema("    renamedFrom: [a, b]\n")).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(
        schemas.log_types[0].root().fields[1].input_keys,
        ["ip", "addr", "a", "b"]
    );
}

#[test]
fn mistakes_are_located() {
    let cases = [
        (
            "    renamedFrom: user\n",
            "schemas/x.yml:8:18: error: `renamedFrom` 'user' is still a field of the same object (a renamed field's old name must be gone)",
        ),
        (
            "    renamedFrom: ip\n",
            "schemas/x.yml:8:18: error: `renamedFrom` names the field itself ('ip')",
        ),
        (
            "    renamedFrom: ['']\n",
            "schemas/x.yml:8:19: error: empty name in `renamedFrom`",
        ),
        (
            "    renamedFrom: [old, old]\n",
            "schemas/x.yml:8:24: error: `renamedFrom` lists 'old' twice",
        ),
        (
            "    renamedFrom: []\n",
            "schemas/x.yml:8:5: error: `renamedFrom` lists no names",
        ),
    ];
    for (extra, expected) in cases {
        assert_eq!(
            compiled(&schema(extra)).err(),
            Some(vec![expected.to_owned()]),
            "{extra}"
        );
    }
}

#[test]
fn an_old_name_read_by_a_sibling_is_a_key_clash() {
    let errors = compiled(&schema(
        "    renamedFrom: addr2\n  - name: other\n    type: string\n    aliases: [addr2]\n",
    ))
    .err()
    .unwrap_or_default();
    assert_eq!(
        errors,
        ["schemas/x.yml:9:5: error: field 'other' reads the key 'addr2', which field 'ip' (line 5) already reads"]
    );
}

#[test]
fn wrong_shape_is_a_structure_error() {
    let errors = compiled(&schema("    renamedFrom: {a: b}\n"))
        .err()
        .unwrap_or_default();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("a name or a list of names"),
        "{errors:#?}"
    );
}
