//! The shape of many sample records folded together: keys in first-seen order, how often each
//! was present, and what kinds of values it held.

use crate::runtime::{InputObject, InputValue};

use super::detect::{IndicatorGuess, TimeGuess};

/// The keys of an object across every sample of it.
#[derive(Debug, Default, Clone)]
pub struct ObjectShape {
    /// How many objects were folded in.
    pub seen: u64,
    /// In first-seen order.
    pub fields: Vec<FieldShape>,
}

#[derive(Debug, Clone)]
pub struct FieldShape {
    pub name: String,
    /// In how many of the objects the key held a value other than null.
    pub present: u64,
    pub value: ValueShape,
}

/// What the values of one key (or the elements of arrays) were.
#[derive(Debug, Default, Clone)]
pub struct ValueShape {
    pub nulls: u64,
    pub booleans: u64,
    /// Numbers without a fraction or exponent that fit in 64 bits.
    pub integers: u64,
    pub floats: u64,
    pub strings: u64,
    pub objects: Option<ObjectShape>,
    /// The elements of every array, folded together; `arrays` counts the arrays.
    pub elements: Option<Box<ValueShape>>,
    pub arrays: u64,
    /// The time formats every string (or number) read as, so far.
    pub times: TimeGuess,
    /// The indicator kinds every string matched, so far.
    pub indicators: IndicatorGuess,
}

impl ObjectShape {
    pub fn add(&mut self, object: &InputObject<'_>) {
        self.seen += 1;
        for (key, value) in object.iter() {
            let index = match self.fields.iter().position(|field| field.name == key) {
                Some(index) => index,
                None => {
                    self.fields.push(FieldShape {
                        name: key.to_owned(),
                        present: 0,
                        value: ValueShape::default(),
                    });
                    self.fields.len() - 1
                }
            };
            let field = &mut self.fields[index];
            if !value.is_null() {
                field.present += 1;
            }
            field.value.add(value, key);
        }
    }
}

impl ValueShape {
    /// Folds in one value of the key `name` (names hint at Unix times and some indicators).
    pub fn add(&mut self, value: &InputValue<'_>, name: &str) {
        match value {
            InputValue::Null => self.nulls += 1,
            InputValue::Bool(_) => self.booleans += 1,
            InputValue::Number(number) => {
                let text = number.text();
                let integer = !text.contains(['.', 'e', 'E']) && number.value.as_i64().is_some();
                if integer {
                    self.integers += 1;
                } else {
                    self.floats += 1;
                }
                self.times.add_number(number.value.as_f64(), name);
            }
            InputValue::String(text) => {
                self.strings += 1;
                self.times.add_text(text);
                self.indicators.add(text, name);
            }
            InputValue::Array(elements) => {
                self.arrays += 1;
                let shape = self.elements.get_or_insert_with(Default::default);
                for element in elements {
                    shape.add(element, name);
                }
            }
            InputValue::Object(object) => {
                self.objects
                    .get_or_insert_with(Default::default)
                    .add(object);
            }
        }
    }

    /// Values other than null seen.
    pub fn values(&self) -> u64 {
        self.booleans
            + self.integers
            + self.floats
            + self.strings
            + self.arrays
            + self.objects.as_ref().map_or(0, |object| object.seen)
    }
}
