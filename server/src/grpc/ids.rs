//! Ids on the wire are decimal strings; these parse them for every adapter, naming the
//! offending field in the INVALID_ARGUMENT details.

use decentra_core::Id;
use tonic::Status;

use super::status;

/// A required id.
pub fn id(field: &'static str, v: &str) -> Result<Id, Status> {
    Id::parse(field, v).map_err(status)
}

/// An optional id: empty means unset.
pub fn opt_id(field: &'static str, v: &str) -> Result<Option<Id>, Status> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        id(field, v).map(Some)
    }
}
