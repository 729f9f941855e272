//! `decentra.v1.MessageService` over [`decentra_core::messages::MessageService`].

use decentra_core::{
    Services,
    messages::{HistoryQuery, SendMessage},
};
use decentra_proto::v1::{self as pb, message_service_server::MessageService};
use tonic::{Request, Response, Status};

use super::{
    convert as c,
    ids::{id, opt_id},
    principal, status,
};

pub struct MessageApi(pub Services);

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl MessageService for MessageApi {
    async fn send_message(
        &self,
        req: Request<pb::SendMessageRequest>,
    ) -> Reply<pb::SendMessageResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let attachment_ids = r
            .attachment_ids
            .iter()
            .map(|a| id("attachment_ids", a))
            .collect::<Result<Vec<_>, _>>()?;
        let msg = SendMessage {
            content: r.content,
            nonce: r.nonce,
            reply_to_id: opt_id("reply_to_id", &r.reply_to_id)?,
            attachment_ids,
        };
        let m = self
            .0
            .messages
            .send(&who, id("channel_id", &r.channel_id)?, msg)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::SendMessageResponse {
            message: Some(c::message(&m)),
        }))
    }

    async fn edit_message(
        &self,
        req: Request<pb::EditMessageRequest>,
    ) -> Reply<pb::EditMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let m = self
            .0
            .messages
            .edit(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
                &r.content,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::EditMessageResponse {
            message: Some(c::message(&m)),
        }))
    }

    async fn delete_message(
        &self,
        req: Request<pb::DeleteMessageRequest>,
    ) -> Reply<pb::DeleteMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .messages
            .delete(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteMessageResponse {}))
    }

    async fn list_messages(
        &self,
        req: Request<pb::ListMessagesRequest>,
    ) -> Reply<pb::ListMessagesResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let query = HistoryQuery {
            before: opt_id("before", &r.before)?,
            after: opt_id("after", &r.after)?,
            around: opt_id("around", &r.around)?,
            limit: r.limit,
        };
        let messages = self
            .0
            .messages
            .list(&who, id("channel_id", &r.channel_id)?, query)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListMessagesResponse {
            messages: messages.iter().map(c::message).collect(),
        }))
    }

    async fn get_message(
        &self,
        req: Request<pb::GetMessageRequest>,
    ) -> Reply<pb::GetMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let m = self
            .0
            .messages
            .get(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetMessageResponse {
            message: Some(c::message(&m)),
        }))
    }

    async fn add_reaction(
        &self,
        req: Request<pb::AddReactionRequest>,
    ) -> Reply<pb::AddReactionResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .messages
            .add_reaction(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
                &r.emoji,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AddReactionResponse {}))
    }

    async fn remove_reaction(
        &self,
        req: Request<pb::RemoveReactionRequest>,
    ) -> Reply<pb::RemoveReactionResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .messages
            .remove_reaction(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
                &r.emoji,
                opt_id("user_id", &r.user_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RemoveReactionResponse {}))
    }

    async fn list_reactions(
        &self,
        req: Request<pb::ListReactionsRequest>,
    ) -> Reply<pb::ListReactionsResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let page = self
            .0
            .messages
            .list_reactions(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
                &r.emoji,
                opt_id("page_token", &r.page_token)?,
                r.page_size,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListReactionsResponse {
            users: page.users.into_iter().map(c::user).collect(),
            next_page_token: page.next.map(|n| n.to_string()).unwrap_or_default(),
        }))
    }

    async fn pin_message(
        &self,
        req: Request<pb::PinMessageRequest>,
    ) -> Reply<pb::PinMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .messages
            .pin(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::PinMessageResponse {}))
    }

    async fn unpin_message(
        &self,
        req: Request<pb::UnpinMessageRequest>,
    ) -> Reply<pb::UnpinMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        self.0
            .messages
            .unpin(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UnpinMessageResponse {}))
    }

    async fn list_pins(&self, req: Request<pb::ListPinsRequest>) -> Reply<pb::ListPinsResponse> {
        let who = principal(&req)?;
        let messages = self
            .0
            .messages
            .list_pins(&who, id("channel_id", &req.get_ref().channel_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListPinsResponse {
            messages: messages.iter().map(c::message).collect(),
        }))
    }

    async fn ack_message(
        &self,
        req: Request<pb::AckMessageRequest>,
    ) -> Reply<pb::AckMessageResponse> {
        let who = principal(&req)?;
        let r = req.get_ref();
        let state = self
            .0
            .messages
            .ack(
                &who,
                id("channel_id", &r.channel_id)?,
                id("message_id", &r.message_id)?,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::AckMessageResponse {
            read_state: Some(c::read_state(&state)),
        }))
    }

    async fn trigger_typing(
        &self,
        req: Request<pb::TriggerTypingRequest>,
    ) -> Reply<pb::TriggerTypingResponse> {
        let who = principal(&req)?;
        self.0
            .messages
            .typing(&who, id("channel_id", &req.get_ref().channel_id)?)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::TriggerTypingResponse {}))
    }

    async fn upload_attachment(
        &self,
        req: Request<pb::UploadAttachmentRequest>,
    ) -> Reply<pb::UploadAttachmentResponse> {
        let who = principal(&req)?;
        let r = req.into_inner();
        let a = self
            .0
            .messages
            .upload(
                &who,
                id("channel_id", &r.channel_id)?,
                &r.filename,
                &r.content_type,
                r.data,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UploadAttachmentResponse {
            attachment: Some(c::attachment(&a)),
        }))
    }
}
