//! The high-level API: the common calls with plain arguments, fresh credentials and one
//! retry after UNAUTHENTICATED. Everything else is on the generated clients.

use futures::Stream;

use crate::{Client, Error, proto};

/// Messages per page of [`Client::history`].
const HISTORY_PAGE: u32 = 100;
/// Members per page of [`Client::members`].
const MEMBERS_PAGE: u32 = 1000;

fn required<T>(field: Option<T>, what: &str) -> Result<T, Error> {
    field.ok_or_else(|| {
        Error::Status(tonic::Status::internal(format!(
            "the server's answer has no {what}"
        )))
    })
}

impl Client {
    /// The signed-in user (or bot).
    pub async fn me(&self) -> Result<proto::User, Error> {
        let r = self
            .call(|| {
                let mut c = self.users();
                let req = proto::GetCurrentUserRequest {};
                async move { c.get_current_user(req).await }
            })
            .await?;
        required(r.user, "user")
    }

    /// Posts `content` in a channel.
    ///
    /// ```no_run
    /// # async fn demo(client: decentra_sdk::Client) -> Result<(), decentra_sdk::Error> {
    /// let m = client.send_message("1234", "hello").await?;
    /// client.edit_message(&m.channel_id, &m.id, "hello, world").await?;
    /// client.delete_message(&m.channel_id, &m.id).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_message(
        &self,
        channel_id: &str,
        content: &str,
    ) -> Result<proto::Message, Error> {
        self.send(proto::SendMessageRequest {
            channel_id: channel_id.to_owned(),
            content: content.to_owned(),
            ..Default::default()
        })
        .await
    }

    /// Posts a message with every option (reply, nonce, attachments). A `nonce` makes a
    /// repeated send return the first message instead of posting twice.
    pub async fn send(&self, req: proto::SendMessageRequest) -> Result<proto::Message, Error> {
        let r = self
            .call(|| {
                let mut c = self.messages();
                let req = req.clone();
                async move { c.send_message(req).await }
            })
            .await?;
        required(r.message, "message")
    }

    /// Replaces a message's content.
    pub async fn edit_message(
        &self,
        channel_id: &str,
        message_id: &str,
        content: &str,
    ) -> Result<proto::Message, Error> {
        let req = proto::EditMessageRequest {
            channel_id: channel_id.to_owned(),
            message_id: message_id.to_owned(),
            content: content.to_owned(),
        };
        let r = self
            .call(|| {
                let mut c = self.messages();
                let req = req.clone();
                async move { c.edit_message(req).await }
            })
            .await?;
        required(r.message, "message")
    }

    /// Deletes a message.
    pub async fn delete_message(&self, channel_id: &str, message_id: &str) -> Result<(), Error> {
        let req = proto::DeleteMessageRequest {
            channel_id: channel_id.to_owned(),
            message_id: message_id.to_owned(),
        };
        self.call(|| {
            let mut c = self.messages();
            let req = req.clone();
            async move { c.delete_message(req).await }
        })
        .await?;
        Ok(())
    }

    /// Up to `limit` (1–100) messages of a channel newer than `after`, oldest first.
    pub async fn messages_after(
        &self,
        channel_id: &str,
        after: &str,
        limit: u32,
    ) -> Result<Vec<proto::Message>, Error> {
        let req = proto::ListMessagesRequest {
            channel_id: channel_id.to_owned(),
            after: after.to_owned(),
            limit,
            ..Default::default()
        };
        let mut page = self
            .call(|| {
                let mut c = self.messages();
                let req = req.clone();
                async move { c.list_messages(req).await }
            })
            .await?
            .messages;
        page.sort_by_key(|m| id_value(&m.id));
        Ok(page)
    }

    /// A channel's history as pages of up to 100 messages, newest first, read lazily from the
    /// newest message back to the first.
    ///
    /// ```no_run
    /// # async fn demo(client: decentra_sdk::Client) -> Result<(), decentra_sdk::Error> {
    /// use futures::TryStreamExt;
    /// let mut pages = std::pin::pin!(client.history("1234"));
    /// while let Some(page) = pages.try_next().await? {
    ///     for m in page {
    ///         println!("{}", m.content);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn history(
        &self,
        channel_id: &str,
    ) -> impl Stream<Item = Result<Vec<proto::Message>, Error>> + use<> {
        let client = self.clone();
        let channel_id = channel_id.to_owned();
        // State: the id to read before ("" = from the newest), or None when done.
        futures::stream::try_unfold(Some(String::new()), move |before| {
            let client = client.clone();
            let channel_id = channel_id.clone();
            async move {
                let Some(before) = before else {
                    return Ok(None);
                };
                let req = proto::ListMessagesRequest {
                    channel_id,
                    before,
                    limit: HISTORY_PAGE,
                    ..Default::default()
                };
                let mut page = client
                    .call(|| {
                        let mut c = client.messages();
                        let req = req.clone();
                        async move { c.list_messages(req).await }
                    })
                    .await?
                    .messages;
                if page.is_empty() {
                    return Ok(None);
                }
                page.sort_by_key(|m| std::cmp::Reverse(id_value(&m.id)));
                let next = (page.len() as u32 >= HISTORY_PAGE)
                    .then(|| page.last().map(|m| m.id.clone()))
                    .flatten();
                Ok(Some((page, next)))
            }
        })
    }

    /// The servers the caller is in.
    pub async fn servers_list(&self) -> Result<Vec<proto::Server>, Error> {
        Ok(self
            .call(|| {
                let mut c = self.servers();
                let req = proto::ListServersRequest {};
                async move { c.list_servers(req).await }
            })
            .await?
            .servers)
    }

    /// A server's channels the caller can see.
    pub async fn channels_of(&self, server_id: &str) -> Result<Vec<proto::Channel>, Error> {
        let req = proto::ListChannelsRequest {
            server_id: server_id.to_owned(),
        };
        Ok(self
            .call(|| {
                let mut c = self.channels();
                let req = req.clone();
                async move { c.list_channels(req).await }
            })
            .await?
            .channels)
    }

    /// Every member of a server (all pages).
    pub async fn members(&self, server_id: &str) -> Result<Vec<proto::Member>, Error> {
        let mut members = Vec::new();
        let mut page_token = String::new();
        loop {
            let req = proto::ListMembersRequest {
                server_id: server_id.to_owned(),
                page_size: MEMBERS_PAGE,
                page_token: page_token.clone(),
                ..Default::default()
            };
            let r = self
                .call(|| {
                    let mut c = self.servers();
                    let req = req.clone();
                    async move { c.list_members(req).await }
                })
                .await?;
            members.extend(r.members);
            if r.next_page_token.is_empty() {
                return Ok(members);
            }
            page_token = r.next_page_token;
        }
    }

    /// A server's roles.
    pub async fn roles_of(&self, server_id: &str) -> Result<Vec<proto::Role>, Error> {
        let req = proto::ListRolesRequest {
            server_id: server_id.to_owned(),
        };
        Ok(self
            .call(|| {
                let mut c = self.roles();
                let req = req.clone();
                async move { c.list_roles(req).await }
            })
            .await?
            .roles)
    }

    /// The caller's friends (mutual).
    pub async fn friends(&self) -> Result<Vec<proto::User>, Error> {
        let all = self
            .call(|| {
                let mut c = self.relationships();
                let req = proto::ListRelationshipsRequest {};
                async move { c.list_relationships(req).await }
            })
            .await?
            .relationships;
        Ok(all
            .into_iter()
            .filter(|r| r.r#type() == proto::RelationshipType::Friend)
            .filter_map(|r| r.user)
            .collect())
    }

    /// Sends a friend request to `username`.
    pub async fn add_friend(&self, username: &str) -> Result<(), Error> {
        let req = proto::SendFriendRequestRequest {
            username: username.to_owned(),
            ..Default::default()
        };
        self.call(|| {
            let mut c = self.relationships();
            let req = req.clone();
            async move { c.send_friend_request(req).await }
        })
        .await?;
        Ok(())
    }

    /// The DM channel with a user (opened if needed).
    pub async fn open_dm(&self, user_id: &str) -> Result<proto::Channel, Error> {
        let req = proto::OpenDirectMessageRequest {
            user_id: user_id.to_owned(),
        };
        let r = self
            .call(|| {
                let mut c = self.channels();
                let req = req.clone();
                async move { c.open_direct_message(req).await }
            })
            .await?;
        required(r.channel, "channel")
    }

    /// Sets the caller's presence.
    pub async fn set_presence(&self, status: proto::PresenceStatus) -> Result<(), Error> {
        let req = proto::UpdatePresenceRequest {
            status: status.into(),
        };
        self.call(|| {
            let mut c = self.users();
            async move { c.update_presence(req).await }
        })
        .await?;
        Ok(())
    }

    /// Uploads a file for a channel; send its id in [`proto::SendMessageRequest::attachment_ids`].
    /// An empty `content_type` lets the server sniff it.
    pub async fn upload_file(
        &self,
        channel_id: &str,
        filename: &str,
        content_type: &str,
        data: Vec<u8>,
    ) -> Result<proto::Attachment, Error> {
        if filename.is_empty() {
            return Err(Error::InvalidArgument(
                "filename: must not be empty".to_owned(),
            ));
        }
        let req = proto::UploadAttachmentRequest {
            channel_id: channel_id.to_owned(),
            filename: filename.to_owned(),
            content_type: content_type.to_owned(),
            data,
        };
        let r = self
            .call(|| {
                let mut c = self.messages();
                let req = req.clone();
                async move { c.upload_attachment(req).await }
            })
            .await?;
        required(r.attachment, "attachment")
    }
}

/// A decimal id as a number for ordering (ids are time-ordered 64-bit integers).
pub(crate) fn id_value(id: &str) -> u64 {
    id.parse().unwrap_or(0)
}
