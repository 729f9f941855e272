//! Messages: send, edit, delete, history, reactions, pins, read state, typing, attachments.

use std::sync::Arc;

use crate::context::Context;

/// The message service.
#[derive(Debug, Clone)]
#[allow(dead_code)] // filled in by the messages work in progress
pub struct MessageService {
    ctx: Arc<Context>,
}

impl MessageService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }
}
