//! `decentra.v1.MessageService` over [`decentra_core::messages::MessageService`].

use decentra_core::Services;
use decentra_proto::v1::message_service_server::MessageService;

#[allow(dead_code)] // filled in by the messages work in progress
pub struct MessageApi(pub Services);

#[tonic::async_trait]
impl MessageService for MessageApi {}
