//! Indicator extraction: the 15 kinds, normalisation, and the per-event `p_any_*` lists.

use super::{IndicatorSpec, Timestamp};

/// Collects indicator values of one event; `write_json` writes the non-empty `p_any_*` lists,
/// sorted and de-duplicated.
#[derive(Debug, Default)]
pub struct IndicatorSink {
    _todo: (),
}

impl IndicatorSink {
    /// Applies one indicator spec (its kind and pattern; the `when` condition is checked by the
    /// caller with `condition_holds`) to every string in `values`.
    pub fn add<V: IndicatorValues + ?Sized>(&mut self, spec: &IndicatorSpec, values: &V) {
        todo!("runtime {spec:?} {}", values.is_empty_hint())
    }
}

/// Strings an indicator can read: `String`, `Option<T>`, `Vec<T>` of those.
pub trait IndicatorValues {
    fn for_each_str(&self, f: &mut dyn FnMut(&str));
    #[doc(hidden)]
    fn is_empty_hint(&self) -> bool {
        false
    }
}

/// True when `spec` has no `when`, or the sibling's text is one of its values.
pub fn condition_holds<S: AsText + ?Sized>(spec: &IndicatorSpec, sibling: &S) -> bool {
    todo!("runtime {spec:?} {:?}", sibling.as_text())
}

/// A string field's text, if present: `String`, `Option<String>`.
pub trait AsText {
    fn as_text(&self) -> Option<&str>;
}

/// Nested objects (and arrays or options of them) whose indicators an object collects.
pub trait NestedIndicators {
    fn collect_nested(&self, sink: &mut IndicatorSink);
}

/// The event time of a field that is, or contains, one: `Timestamp`, `Option<Timestamp>`, objects,
/// and `Option` of objects.
pub trait EventTimeSource {
    fn event_time(&self) -> Option<Timestamp>;
}

impl IndicatorValues for String {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        f(self)
    }
}
impl<T: IndicatorValues> IndicatorValues for Option<T> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            v.for_each_str(f)
        }
    }
}
impl<T: IndicatorValues> IndicatorValues for Vec<T> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        for v in self {
            v.for_each_str(f)
        }
    }
}
impl AsText for String {
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl AsText for Option<String> {
    fn as_text(&self) -> Option<&str> {
        self.as_deref()
    }
}
impl<T: super::Object> NestedIndicators for T {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        self.collect_indicators(sink)
    }
}
impl<T: NestedIndicators> NestedIndicators for Vec<T> {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        for v in self {
            v.collect_nested(sink)
        }
    }
}
impl<T: NestedIndicators> NestedIndicators for Option<T> {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        if let Some(v) = self {
            v.collect_nested(sink)
        }
    }
}
impl EventTimeSource for Timestamp {
    fn event_time(&self) -> Option<Timestamp> {
        Some(*self)
    }
}
impl<T: super::Object> EventTimeSource for T {
    fn event_time(&self) -> Option<Timestamp> {
        super::Object::event_time(self)
    }
}
impl<T: EventTimeSource> EventTimeSource for Option<T> {
    fn event_time(&self) -> Option<Timestamp> {
        self.as_ref().and_then(EventTimeSource::event_time)
    }
}
