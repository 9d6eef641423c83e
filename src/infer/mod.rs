//! `logschema infer`: a schema drafted from sample records: JSON, or text lines (`text`).
//!
//! Every record is folded into one shape (`shape`): for each key, in first-seen order, how often
//! it was present and what its values were. The shape then becomes the schema's fields
//! (`yaml`), with the types, time formats and indicators every sample agrees on (`detect`).
//! Panther's rules where it has them (a number is `bigint` or `float`; object or array against
//! anything else is `json`; a key present in every sample is `required`), beyond them where they
//! are weak: Unix times, strftime layouts and more indicator kinds are recognised.

pub mod detect;
pub mod shape;
pub mod text;
pub mod yaml;

pub use shape::ObjectShape;
pub use yaml::to_schema_yaml;
