//! The front end's driver: load and check every file, then lower what passed into `ir::Schemas`,
//! numbering the structs of each log type and naming them.

use crate::check::{self, CheckedField, CheckedSchema, CheckedType, CheckedValue};
use crate::ir::{self, Location};
use crate::names::{self, StructNames};
use crate::positions::Positions;
use crate::{raw, Diagnostic, SchemaSource};

pub(crate) fn compile(sources: &[SchemaSource]) -> Result<ir::Schemas, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    // Sorted by path so that "first" and "second" in clash messages do not depend on the caller.
    let mut sources: Vec<&SchemaSource> = sources.iter().collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    for source in sources {
        match check_source(source) {
            Ok(schema) => checked.push(schema),
            Err(mut file_errors) => errors.append(&mut file_errors),
        }
    }
    errors.extend(check::check_unique_names(&checked));
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    let mut log_types: Vec<ir::LogType> = checked.into_iter().map(lower_schema).collect();
    log_types.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ir::Schemas { log_types })
}

/// One file: a structural error stops here; semantic errors are all collected.
fn check_source(source: &SchemaSource) -> Result<CheckedSchema, Vec<Diagnostic>> {
    let positions = Positions::index(&source.text);
    let schema = raw::load(&source.path, &source.text, &positions).map_err(|error| vec![error])?;
    check::check_schema(&source.path, &schema, &positions)
}

fn lower_schema(schema: CheckedSchema) -> ir::LogType {
    let module_name = names::module_name(&schema.name);
    let mut objects = Objects::default();
    objects.add(
        &names::log_type_struct(&schema.name),
        schema.description.clone(),
        schema.fields,
        schema.location.clone(),
    );
    ir::LogType {
        file_name: format!("{module_name}.rs"),
        module_name,
        name: schema.name,
        description: schema.description,
        reference_url: schema.reference_url,
        source_file: schema.source_file,
        location: schema.location,
        parser: schema.parser,
        envelope: schema.envelope,
        field_discovery: schema.field_discovery,
        objects: objects.list,
    }
}

/// The structs of one log type, in the order the IR wants: record first, then depth first.
#[derive(Default)]
struct Objects {
    list: Vec<ir::Object>,
    names: StructNames,
}

impl Objects {
    /// Adds an object and, after it, the objects nested in it; returns its index.
    fn add(
        &mut self,
        wanted_name: &str,
        description: Option<String>,
        fields: Vec<CheckedField>,
        location: Location,
    ) -> usize {
        let (rust_name, fields_static) = self.names.claim(wanted_name);
        let index = self.list.len();
        self.list.push(ir::Object {
            rust_name: rust_name.clone(),
            fields_static,
            description,
            fields: Vec::new(),
            location,
        });
        let fields: Vec<ir::Field> = fields
            .into_iter()
            .map(|field| self.lower_field(&rust_name, field))
            .collect();
        if let Some(object) = self.list.get_mut(index) {
            object.fields = fields;
        }
        index
    }

    fn lower_field(&mut self, parent_struct: &str, field: CheckedField) -> ir::Field {
        let CheckedField {
            name,
            rust_name,
            input_keys,
            renamed_from,
            description,
            required,
            is_event_time,
            value,
            transform,
            location,
        } = field;
        let holder = Holder {
            struct_name: names::nested_struct(parent_struct, &name),
            description: description.clone(),
            location: location.clone(),
        };
        ir::Field {
            value: self.lower_value(&holder, value),
            name,
            rust_name,
            input_keys,
            renamed_from,
            description,
            required,
            is_event_time,
            transform,
            location,
        }
    }

    fn lower_value(&mut self, holder: &Holder, value: CheckedValue) -> ir::Value {
        let ty = match value.ty {
            CheckedType::Scalar(ty) => ty,
            CheckedType::Array(element) => {
                ir::Type::Array(Box::new(self.lower_value(holder, *element)))
            }
            CheckedType::Object(fields) => ir::Type::Object(self.add(
                &holder.struct_name,
                holder.description.clone(),
                fields,
                holder.location.clone(),
            )),
        };
        ir::Value {
            ty,
            empty_values: value.empty_values,
            indicators: value.indicators,
            validate: value.validate,
            embedded_json: value.embedded_json,
        }
    }
}

/// What an object nested in a field (directly or as array elements) takes from that field.
struct Holder {
    struct_name: String,
    description: Option<String>,
    location: Location,
}
