//! Writing events as JSON straight into a byte buffer, without a value tree.

/// Writes the members of one JSON object. `finish` closes it.
#[derive(Debug)]
pub struct JsonObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> JsonObjectWriter<'a> {
    /// Writes `{`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        JsonObjectWriter { out, first: true }
    }

    /// Writes `"name":value`.
    pub fn field<T: WriteJson + ?Sized>(&mut self, name: &str, value: &T) {
        todo!("runtime {name} {} {}", value.is_none_hint(), self.first)
    }

    /// Writes the member when the value is present; absent values are omitted.
    pub fn optional<T: WriteJson>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(name, value);
        }
    }

    /// Writes `}`.
    pub fn finish(self) {
        self.out.push(b'}');
    }
}

/// A value that writes itself as JSON: strings, integers, floats, booleans, timestamps (as
/// `"YYYY-MM-DD HH:MM:SS.fffffffff"`), `serde_json::Value`, `Vec<T>`, generated structs.
pub trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
    #[doc(hidden)]
    fn is_none_hint(&self) -> bool {
        false
    }
}

impl<T: super::Object> WriteJson for T {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = JsonObjectWriter::new(out);
        self.write_fields(&mut object);
        object.finish();
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        todo!("{out:?}")
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        todo!("{out:?} {}", self.len())
    }
}

impl WriteJson for i64 {
    fn write_json(&self, out: &mut Vec<u8>) {
        todo!("{out:?}")
    }
}

impl WriteJson for super::Timestamp {
    fn write_json(&self, out: &mut Vec<u8>) {
        todo!("{out:?}")
    }
}
