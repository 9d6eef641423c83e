//! Where each node of a schema file is written, so that semantic errors can point at the
//! offending key or value. Built from yaml-rust2's marked events over the same text serde_yaml
//! read; nodes are named by paths like `fields[2].element.fields[0].name`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// A line and a column, both counting from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

const FILE_START: Pos = Pos { line: 1, column: 1 };

/// Node path -> position of its key (mapping entries) and of its value (every node).
#[derive(Debug, Default)]
pub(crate) struct Positions {
    keys: HashMap<String, Pos>,
    values: HashMap<String, Pos>,
    /// Where a second YAML document starts (a schema file holds exactly one).
    second_document: Option<Pos>,
    /// The text was read to its end without a syntax error.
    complete: bool,
    /// Where yaml-rust2 gave up on flow collections nested too deeply.
    too_deep: Option<Pos>,
}

impl Positions {
    /// Indexes the first YAML document of `text`. A text yaml-rust2 cannot read yields an index
    /// as far as it got; lookups then fall back to the nearest known ancestor.
    pub fn index(text: &str) -> Positions {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        // Pulled one event at a time: `Parser::load` recurses per nesting level and overflows the
        // stack on deeply nested input. Errors are serde_yaml's to report; a partial index is
        // the best we can do then.
        loop {
            match parser.next_token() {
                Ok((Event::StreamEnd, _)) => {
                    builder.positions.complete = true;
                    break;
                }
                Ok((event, mark)) => builder.on_event(event, mark),
                Err(error) => {
                    if error.info() == "recursion limit exceeded" {
                        builder.positions.too_deep = Some(pos_of(*error.marker()));
                    }
                    break;
                }
            }
        }
        builder.positions
    }

    pub fn second_document(&self) -> Option<Pos> {
        self.second_document
    }

    /// Where the text nests deeper than any schema could (libyaml, behind serde_yaml, takes
    /// quadratic time on such input, so it is rejected before serde_yaml sees it).
    pub fn too_deep(&self) -> Option<Pos> {
        self.too_deep
    }

    /// Whether the text is valid YAML without a single node (empty, or only comments).
    pub fn is_blank(&self) -> bool {
        self.complete && self.values.is_empty()
    }

    /// Whether the mapping entry at `path` is written at all (`fields:` with no value counts).
    pub fn has_key(&self, path: &str) -> bool {
        self.keys.contains_key(path)
    }

    /// Where the key of the mapping entry at `path` is written (else its nearest ancestor).
    pub fn key(&self, path: &str) -> Pos {
        self.lookup(path, true)
    }

    /// Where the value at `path` is written (else its nearest ancestor).
    pub fn value(&self, path: &str) -> Pos {
        self.lookup(path, false)
    }

    fn lookup(&self, path: &str, prefer_key: bool) -> Pos {
        let mut current = path;
        loop {
            let found = if prefer_key {
                self.keys.get(current).or_else(|| self.values.get(current))
            } else {
                self.values.get(current).or_else(|| self.keys.get(current))
            };
            if let Some(pos) = found {
                return *pos;
            }
            if current.is_empty() {
                return FILE_START;
            }
            current = parent_path(current);
        }
    }
}

/// yaml-rust2 counts lines from 1 and columns from 0.
fn pos_of(mark: Marker) -> Pos {
    Pos {
        line: mark.line().max(1),
        column: mark.col() + 1,
    }
}

/// `fields[2].name` -> `fields[2]` -> `fields` -> `` (the document).
fn parent_path(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(cut) => &path[..cut],
        None => "",
    }
}

/// Appends a mapping key to a path.
pub(crate) fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Appends a sequence index to a path.
pub(crate) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

enum Frame {
    Mapping {
        path: String,
        /// The key whose value comes next; `None` while expecting a key.
        pending_key: Option<String>,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
    /// Deeper than any schema goes: not indexed.
    TooDeep,
}

/// Nesting below which nodes are indexed: far more than a schema needs, and a bound on the
/// length of paths (deeply nested input would otherwise cost quadratic time and memory).
const MAX_DEPTH: usize = 64;

/// Paths under a non-scalar mapping key: nothing in a schema lives there.
const UNADDRESSABLE: &str = "\u{0}";

#[derive(Default)]
struct Builder {
    positions: Positions,
    stack: Vec<Frame>,
    /// Collections just started (outermost first) with their event marks: their position is
    /// taken from their first scalar instead, as yaml-rust2 marks block collections after it.
    unplaced: Vec<(String, Pos)>,
    documents: usize,
}

impl Builder {
    /// Names the node that starts with the current event and records where it is.
    fn start_node(&mut self, event: &Event, pos: Pos) -> String {
        let is_collection = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        if !is_collection {
            self.place_unplaced(pos);
        }
        let path = match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::TooDeep) => return String::new(),
            Some(Frame::Sequence { path, next_index }) => {
                let node = item(path, *next_index);
                *next_index += 1;
                node
            }
            Some(Frame::Mapping { path, pending_key }) => match pending_key.take() {
                Some(key) => child(path, &key),
                None => {
                    // This node is a key: remember it; its value names the entry.
                    let key = match event {
                        Event::Scalar(text, ..) => text.clone(),
                        _ => UNADDRESSABLE.to_owned(),
                    };
                    let entry = child(path, &key);
                    self.positions.keys.entry(entry.clone()).or_insert(pos);
                    *pending_key = Some(key);
                    return format!("{entry}{UNADDRESSABLE}");
                }
            },
        };
        if is_collection {
            self.unplaced.push((path.clone(), pos));
        } else {
            self.positions.values.entry(path.clone()).or_insert(pos);
        }
        path
    }

    fn place_unplaced(&mut self, pos: Pos) {
        for (container, _) in self.unplaced.drain(..) {
            self.positions.values.entry(container).or_insert(pos);
        }
    }

    /// An empty collection (and the collections it opens) keeps its own mark.
    fn end_collection(&mut self) {
        if let Some(&(_, own_mark)) = self.unplaced.last() {
            self.place_unplaced(own_mark);
        }
        self.stack.pop();
    }
}

impl Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let too_deep = self.stack.len() >= MAX_DEPTH;
        let pos = pos_of(mark);
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents == 2 {
                    self.positions.second_document = Some(pos);
                }
            }
            _ if self.documents > 1 => {}
            Event::Scalar(..) | Event::Alias(..) if too_deep => {}
            Event::MappingStart(..) | Event::SequenceStart(..) if too_deep => {
                self.stack.push(Frame::TooDeep);
            }
            Event::Scalar(..) | Event::Alias(..) => {
                self.start_node(&event, pos);
            }
            Event::MappingStart(..) => {
                let path = self.start_node(&event, pos);
                self.stack.push(Frame::Mapping {
                    path,
                    pending_key: None,
                });
            }
            Event::SequenceStart(..) => {
                let path = self.start_node(&event, pos);
                self.stack.push(Frame::Sequence {
                    path,
                    next_index: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => self.end_collection(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
schema: Test.Thing
fields:
  - name: id
    type: string
  - name: answers
    type: array
    element:
      type: object
      fields:
        - {name: Rdata, type: string}
";

    #[test]
    fn finds_keys_and_values_by_path() {
        let positions = Positions::index(TEXT);
        assert_eq!(positions.value("schema"), Pos { line: 1, column: 9 });
        assert_eq!(positions.key("fields[0].name"), Pos { line: 3, column: 5 });
        assert_eq!(
            positions.value("fields[0].type"),
            Pos {
                line: 4,
                column: 11
            }
        );
        assert_eq!(positions.value("fields[1]"), Pos { line: 5, column: 5 });
        assert_eq!(positions.value("fields"), Pos { line: 3, column: 5 });
        assert_eq!(positions.value(""), Pos { line: 1, column: 1 });
        assert_eq!(
            positions.key("fields[1].element.fields[0].name"),
            Pos {
                line: 10,
                column: 12
            }
        );
        assert_eq!(
            positions.value("fields[1].element.fields[0].type"),
            Pos {
                line: 10,
                column: 31
            }
        );
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_ancestor() {
        let positions = Positions::index(TEXT);
        assert_eq!(
            positions.key("fields[1].element.validate"),
            Pos { line: 7, column: 5 }
        );
        assert_eq!(positions.value("nothing.here"), FILE_START);
        assert_eq!(Positions::index("").value("fields"), FILE_START);
        assert_eq!(Positions::index(": : [").value("fields[0]").line, 1);
    }
}
