//! A tiny command framework for bots: prefix commands (`!ping` -> handler), each answered
//! exactly once across disconnects and server restarts.
//!
//! Exactly once:
//! - the [`EventStream`] resumes after its last cursor, so a short disconnect replays what was
//!   missed;
//! - when the server cannot replay (it restarted), the stream yields `resync_required` and a
//!   fresh `ready`, and the bot reads each watched channel's history after the last message it
//!   handled;
//! - the newest handled message id is remembered per channel, so a message seen twice (replay
//!   plus history) is answered once, and the reply's nonce (`<command>-<message id>`) makes the
//!   server itself return the first reply if a send is repeated.
//!
//! ```no_run
//! # async fn demo() -> Result<(), decentra_sdk::Error> {
//! use decentra_sdk::{Client, bot::Commands};
//! let client = Client::bot("http://127.0.0.1:8765", "my-bot-token").await?;
//! Commands::new(client, "!")
//!     .await?
//!     .command("ping", |_message, _args| "pong".to_owned())
//!     .run()
//!     .await
//! # }
//! ```

use std::{collections::HashMap, sync::Arc};

use crate::{
    Client, Error,
    api::id_value,
    events::{Event, EventStream, ServerEvent},
    proto,
};

/// Messages read per history page while catching up.
const PAGE: u32 = 100;

/// A command handler: gets the message and the text after the command name, returns the reply.
pub type Handler = Arc<dyn Fn(&proto::Message, &str) -> String + Send + Sync>;

/// What [`Commands::handle`] did with one event.
#[derive(Debug, Default)]
pub struct Handled {
    /// Replies sent (or, for a repeated nonce, the reply the server already had).
    pub replies: Vec<proto::Message>,
    /// Messages left unanswered because the reply could not be sent; they are tried again
    /// after the next `ready` (unless a later message of their channel is handled first).
    pub failed: Vec<(String, Error)>,
}

/// Prefix commands answered exactly once. See the [module docs](self).
pub struct Commands {
    client: Client,
    me: proto::User,
    prefix: String,
    commands: HashMap<String, Handler>,
    /// Per watched channel: the newest message id already handled.
    handled: HashMap<String, u64>,
}

impl std::fmt::Debug for Commands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Commands")
            .field("me", &self.me.username)
            .field("prefix", &self.prefix)
            .field("commands", &self.commands.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Commands {
    /// Commands starting with `prefix` (e.g. `"!"`), answered as the signed-in account.
    pub async fn new(client: Client, prefix: &str) -> Result<Self, Error> {
        if prefix.is_empty() {
            return Err(Error::InvalidArgument(
                "prefix: must not be empty".to_owned(),
            ));
        }
        let me = client.me().await?;
        Ok(Self {
            client,
            me,
            prefix: prefix.to_owned(),
            commands: HashMap::new(),
            handled: HashMap::new(),
        })
    }

    /// Adds a command: a message `<prefix><name> [args]` is answered with `handler`'s reply.
    pub fn command(
        mut self,
        name: &str,
        handler: impl Fn(&proto::Message, &str) -> String + Send + Sync + 'static,
    ) -> Self {
        self.commands.insert(name.to_owned(), Arc::new(handler));
        self
    }

    /// The account the bot runs as.
    pub fn me(&self) -> &proto::User {
        &self.me
    }

    /// Answers commands from the client's event stream until the stream fails for good.
    pub async fn run(mut self) -> Result<(), Error> {
        let mut events = self.client.events();
        self.run_on(&mut events, |_, _| {}).await
    }

    /// Answers commands from `events`, calling `observe` with every event and what was done
    /// about it (for logs), until the stream fails for good.
    pub async fn run_on(
        &mut self,
        events: &mut EventStream,
        mut observe: impl FnMut(&Event, &Handled),
    ) -> Result<(), Error> {
        while let Some(event) = events.next().await {
            let event = event?;
            let handled = self.handle(&event).await;
            observe(&event, &handled);
        }
        Ok(())
    }

    /// Updates the bot's state from one event and answers the commands it brings.
    pub async fn handle(&mut self, event: &Event) -> Handled {
        let mut out = Handled::default();
        let Event::Server(event) = event else {
            return out;
        };
        match event {
            ServerEvent::Ready(ready) => {
                let channels: Vec<&proto::Channel> = ready
                    .servers
                    .iter()
                    .flat_map(|s| &s.channels)
                    .chain(&ready.private_channels)
                    .collect();
                // Channels watched before: answer what came while the bot was away.
                for channel in &channels {
                    if self.handled.contains_key(&channel.id) {
                        self.catch_up(&channel.id, &mut out).await;
                    }
                }
                self.watch(channels);
            }
            ServerEvent::ChannelCreated(c) => self.watch(c.channel.iter()),
            ServerEvent::ChannelUpdated(c) => self.watch(c.channel.iter()),
            ServerEvent::ChannelDeleted(c) => {
                self.handled.remove(&c.channel_id);
            }
            ServerEvent::ServerCreated(s) => {
                self.watch(s.snapshot.iter().flat_map(|s| &s.channels));
            }
            ServerEvent::MessageCreated(m) => {
                if let Some(message) = &m.message {
                    self.answer(message, &mut out).await;
                }
            }
            _ => {}
        }
        out
    }

    /// Starts watching new text channels from their newest message (older ones are history).
    fn watch<'a>(&mut self, channels: impl IntoIterator<Item = &'a proto::Channel>) {
        use proto::ChannelType;
        for channel in channels {
            let text = matches!(
                channel.r#type(),
                ChannelType::Text | ChannelType::Dm | ChannelType::GroupDm
            );
            if text {
                self.handled
                    .entry(channel.id.clone())
                    .or_insert_with(|| id_value(&channel.last_message_id));
            }
        }
    }

    async fn catch_up(&mut self, channel_id: &str, out: &mut Handled) {
        loop {
            let Some(&last) = self.handled.get(channel_id) else {
                return;
            };
            // Ids are positive, so `after=1` reads a channel from its first message.
            let after = last.max(1).to_string();
            let page = match self.client.messages_after(channel_id, &after, PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    // Unhandled messages stay unhandled; the next `ready` tries again.
                    out.failed.push((channel_id.to_owned(), e));
                    return;
                }
            };
            let full = page.len() as u32 >= PAGE;
            for message in &page {
                if !self.answer(message, out).await {
                    return;
                }
            }
            if !full {
                return;
            }
        }
    }

    /// Handles one message; `false` when its reply could not be sent.
    async fn answer(&mut self, message: &proto::Message, out: &mut Handled) -> bool {
        let id = id_value(&message.id);
        let Some(&last) = self.handled.get(&message.channel_id) else {
            return true; // not a watched channel
        };
        if id <= last {
            return true; // already handled (replayed, or read from history before)
        }
        let from_me = message.author.as_ref().is_some_and(|a| a.id == self.me.id);
        if let Some((name, args)) = self.parse(&message.content).filter(|_| !from_me)
            && let Some(handler) = self.commands.get(name).cloned()
        {
            let reply = proto::SendMessageRequest {
                channel_id: message.channel_id.clone(),
                content: handler(message, args),
                reply_to_id: message.id.clone(),
                nonce: format!("{name}-{}", message.id),
                ..Default::default()
            };
            match self.client.send(reply).await {
                Ok(sent) => out.replies.push(sent),
                Err(e) => {
                    out.failed.push((message.id.clone(), e));
                    return false;
                }
            }
        }
        self.handled.insert(message.channel_id.clone(), id);
        true
    }

    fn parse<'a>(&self, content: &'a str) -> Option<(&'a str, &'a str)> {
        let rest = content.trim().strip_prefix(self.prefix.as_str())?;
        let (name, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        Some((name, args.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn commands_are_parsed_after_the_prefix() {
        let channel = tonic::transport::Endpoint::from_static("http://127.0.0.1:9").connect_lazy();
        let bot = Commands {
            client: Client::from_channel(channel),
            me: proto::User::default(),
            prefix: "!".to_owned(),
            commands: HashMap::new(),
            handled: HashMap::new(),
        };
        assert_eq!(bot.parse("!ping"), Some(("ping", "")));
        assert_eq!(
            bot.parse("  !echo  hello world "),
            Some(("echo", "hello world"))
        );
        assert_eq!(bot.parse("ping"), None);
        assert_eq!(bot.parse("say !ping"), None);
    }
}
