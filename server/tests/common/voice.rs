//! Voice helpers shared by the single-node and cluster voice tests.

use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;

/// A voice channel with `user_limit` (0 = none) in `server_id`; returns its id.
pub async fn voice_channel(owner: &Client, server_id: &str, name: &str, user_limit: u32) -> String {
    voice_channel_with(owner, server_id, name, user_limit, Vec::new()).await
}

/// [`voice_channel`] with permission overwrites.
pub async fn voice_channel_with(
    owner: &Client,
    server_id: &str,
    name: &str,
    user_limit: u32,
    permission_overwrites: Vec<proto::PermissionOverwrite>,
) -> String {
    owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: server_id.to_owned(),
            name: name.to_owned(),
            r#type: proto::ChannelType::Voice.into(),
            user_limit,
            permission_overwrites,
            ..Default::default()
        })
        .await
        .expect("create voice channel")
        .into_inner()
        .channel
        .expect("channel")
        .id
}

pub async fn join_voice(
    c: &Client,
    channel_id: &str,
) -> Result<proto::JoinVoiceChannelResponse, tonic::Status> {
    c.voice()
        .join_voice_channel(proto::JoinVoiceChannelRequest {
            channel_id: channel_id.to_owned(),
            ..Default::default()
        })
        .await
        .map(|r| r.into_inner())
}

/// `user` joined (or changed state in) `channel`.
pub fn updated<'a>(user: &'a str, channel: &'a str) -> impl FnMut(&Event) -> bool + 'a {
    move |e| {
        matches!(e, Event::VoiceStateUpdated(u)
            if u.voice_state.as_ref().is_some_and(|v| v.user_id == user && v.channel_id == channel))
    }
}

/// `user` left `channel`.
pub fn removed<'a>(user: &'a str, channel: &'a str) -> impl FnMut(&Event) -> bool + 'a {
    move |e| matches!(e, Event::VoiceStateRemoved(r) if r.user_id == user && r.channel_id == channel)
}
