//! TODO(front end)
