//! The wide test schema: an event time and then fields of every scalar type in turn, every
//! quarter of them required. Its code for 1,000 fields is compiled by the root crate's tests
//! (build.rs writes it to `$OUT_DIR/test_wide_1000.rs`, src/lib.rs `golden::wide_1000`); a
//! 12-field one is the golden codegen/tests/golden/wide_12.rs.
//!
//! Included by path from build.rs and codegen/tests/unusual_schemas.rs.

/// `count` fields: `time` (the event time), then `f001` ... (`count - 1` of them).
pub fn wide_schema(count: usize) -> String {
    let types = ["string", "int", "smallint", "bigint", "float", "boolean"];
    let mut text = format!("schema: Test.Wide\ndescription: {count} fields.\nfields:\n");
    text.push_str(
        "  - name: time\n    type: timestamp\n    timeFormat: unix\n    isEventTime: true\n",
    );
    let quarter = (count / 4).max(1);
    for index in 1..count {
        let ty = types[index % types.len()];
        text.push_str(&format!("  - name: f{index:03}\n    type: {ty}\n"));
        if index % quarter == 0 {
            text.push_str("    required: true\n");
        }
    }
    text
}
