//! Rows of a list change report (`report changes`, `lists diff`, `refresh`).

use super::{Cell, Rows};
use crate::lists::diff::Change;

pub const COLUMNS: &[&str] = &[
    "list",
    "change",
    "imo",
    "name",
    "field",
    "old_value",
    "new_value",
    "version_from",
    "version_to",
];

/// One row per change, in the order given.
pub fn change_rows(changes: &[Change]) -> Rows {
    let mut rows = Rows::new(COLUMNS);
    for c in changes {
        rows.push(vec![
            Cell::from(c.list.as_str()),
            Cell::from(c.change.as_str()),
            Cell::opt(c.imo.clone()),
            Cell::from(c.name.as_str()),
            Cell::from(c.field),
            Cell::from(c.old_value.as_str()),
            Cell::from(c.new_value.as_str()),
            Cell::from(c.version_from.as_str()),
            Cell::from(c.version_to.as_str()),
        ]);
    }
    rows
}
