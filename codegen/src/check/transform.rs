//! The checks of Panther's field transformations: `rename`, `copy`, `concat`, `split`, `mask`.
//! They apply to JSON records (a text parser names its values in its pattern, and builds new
//! ones with `expandFields`). A field takes its value from one source (its own key, renamed or
//! not, or `copy`, `concat` or `split`), then `mask` applies; `concat`, `split` and `mask` make
//! text, so they need a `string` field.

use super::{CheckedType, CheckedValue, Checker};
use crate::ir;
use crate::positions::child;
use crate::raw;

impl Checker<'_> {
    pub(super) fn check_transform(
        &mut self,
        path: &str,
        field: &raw::Field,
        value: &CheckedValue,
    ) -> Option<ir::Transform> {
        let present: Vec<&str> = [
            ("rename", field.rename.is_some()),
            ("copy", field.copy.is_some()),
            ("concat", field.concat.is_some()),
            ("split", field.split.is_some()),
            ("mask", field.mask.is_some()),
        ]
        .iter()
        .filter(|(_, present)| *present)
        .map(|(key, _)| *key)
        .collect();
        let first = *present.first()?;
        if !self.json {
            self.error(
                self.key_location(&child(path, first)),
                format!(
                    "`{first}` transforms JSON records only: a text parser names its values in \
                     its pattern (use `expandFields` to build new values)"
                ),
            );
            return None;
        }
        let sources: Vec<&str> = present
            .iter()
            .copied()
            .filter(|key| *key != "mask")
            .collect();
        if let [first_source, second, ..] = sources[..] {
            self.error(
                self.key_location(&child(path, second)),
                format!(
                    "a field takes its value from one place: `{first_source}` and `{second}` \
                     both say where (`mask` can go with either)"
                ),
            );
            return None;
        }
        let is_string = matches!(value.ty, CheckedType::Scalar(ir::Type::String));
        let makes_text = present
            .iter()
            .find(|key| matches!(**key, "concat" | "split" | "mask"));
        if let (Some(key), false) = (makes_text, is_string) {
            self.error(
                self.key_location(&child(path, key)),
                format!("`{key}` makes text: the field must be `type: string`"),
            );
            return None;
        }
        let source = self.transform_source(path, field)?;
        let mask = match &field.mask {
            None => None,
            Some(mask) => Some(self.check_mask(path, mask)?),
        };
        match (&source, &mask) {
            // A plain (or renamed) field: nothing to do at run time.
            (ir::TransformSource::Own, None) => None,
            _ => Some(ir::Transform { source, mask }),
        }
    }

    fn transform_source(&mut self, path: &str, field: &raw::Field) -> Option<ir::TransformSource> {
        if let Some(rename) = &field.rename {
            if rename.from.is_empty() {
                self.error(
                    self.value_location(&child(&child(path, "rename"), "from")),
                    "`rename` needs the key to read (`from: OldName`)",
                );
                return None;
            }
            return Some(ir::TransformSource::Own);
        }
        if let Some(copy) = &field.copy {
            let from = self.transform_path(&child(&child(path, "copy"), "from"), &copy.from)?;
            return Some(ir::TransformSource::Copy(from));
        }
        if let Some(concat) = &field.concat {
            let at = child(path, "concat");
            if concat.paths.len() < 2 {
                self.error(
                    self.key_location(&child(&at, "paths")),
                    "`concat` joins two or more `paths`",
                );
                return None;
            }
            let mut paths = Vec::new();
            for (index, text) in concat.paths.iter().enumerate() {
                let at = crate::positions::item(&child(&at, "paths"), index);
                paths.push(self.transform_path(&at, text)?);
            }
            return Some(ir::TransformSource::Concat {
                paths,
                separator: concat.separator.clone().unwrap_or_default(),
            });
        }
        if let Some(split) = &field.split {
            let at = child(path, "split");
            let from = self.transform_path(&child(&at, "from"), &split.from)?;
            if split.separator.is_empty() {
                self.error(
                    self.value_location(&child(&at, "separator")),
                    "`split` needs a non-empty `separator`",
                );
                return None;
            }
            return Some(ir::TransformSource::Split {
                from,
                separator: split.separator.clone(),
                index: split.index.unwrap_or(0),
            });
        }
        Some(ir::TransformSource::Own)
    }

    /// `a.b.c`: keys from the object holding the field.
    fn transform_path(&mut self, at: &str, text: &str) -> Option<Vec<String>> {
        let keys: Vec<String> = text.split('.').map(str::to_owned).collect();
        if keys.iter().any(String::is_empty) {
            self.error(
                self.value_location(at),
                format!(
                    "a path names keys from the field's object, separated by dots (like \
                     `user.name`), found {text:?}"
                ),
            );
            return None;
        }
        Some(keys)
    }

    fn check_mask(&mut self, path: &str, mask: &raw::Mask) -> Option<ir::Mask> {
        let at = child(path, "mask");
        match (mask.kind.as_str(), &mask.to) {
            ("redact", to) => Some(ir::Mask::Redact(
                to.clone().unwrap_or_else(|| DEFAULT_REDACTION.to_owned()),
            )),
            ("hash", None) => Some(ir::Mask::Hash),
            ("hash", Some(_)) => {
                self.error(
                    self.key_location(&child(&at, "to")),
                    "`to` goes with `type: redact` (a hash has no replacement text)",
                );
                None
            }
            (other, _) => {
                self.error(
                    self.value_location(&child(&at, "type")),
                    format!("unknown mask type {other:?} (expected `redact` or `hash`)"),
                );
                None
            }
        }
    }
}

/// What `mask: {type: redact}` writes when `to` is not given.
const DEFAULT_REDACTION: &str = "*****";
