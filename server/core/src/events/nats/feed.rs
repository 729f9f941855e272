//! The node's feed: the stored events of the audiences this node's users need, in stream
//! order.
//!
//! The stream republishes every message it stores, numbered (`Nats-Sequence`), on
//! `<prefix>.live.<token>` (see [`super::copies`]), in the order it stores them. The
//! feed holds one NATS subscription per token it carries: `ctl` (signals) and `m` (events
//! addressed to very many audiences) always, `s.<server>` / `u.<user>` for the audiences its
//! users need, each with a second one to the same audience's ephemeral events
//! (`<prefix>.eph.<token>`, a [`Tap`]), taken and dropped together. NATS hands one
//! connection's messages over in the order they were published,
//! and the client queues them to the subscriptions in that order, so the feed merges its
//! subscriptions by sequence: it hands a message on only once every subscription that had
//! anything earlier has shown it (see [`Feed::fill`]).
//!
//! - Growing: a hub asks the feed to carry a user's audiences ([`Cover`]) before it registers
//!   their stream; requests that arrive together are served with one round trip. The answer
//!   is the stream's last sequence once the subscriptions are in place: every later event of
//!   those audiences reaches the hub, earlier ones come from the snapshot or a replay.
//!   A signal that changes a server's members (`Invalidate`) makes the feed carry that
//!   server if a user here is now a member; what the server received between the signal and
//!   the new subscription is read back from the stream and merged in order.
//! - Gaps: after a reconnect, or when the client had to drop messages, the feed reads back
//!   from the stream what it may have missed, for every audience it carries.
//! - Shrinking: lazily, every [`SHRINK_EVERY`], an audience no user here needed at two looks
//!   in a row is unsubscribed (never per disconnect: a reconnect keeps the subscription).
//!
//! Reading back ends at a mark the feed publishes into the stream (`ctl`, payload `mark`):
//! once the mark arrives live, every earlier live message has arrived too.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Weak, atomic::Ordering},
    time::Duration,
};

use async_nats::{HeaderMap, Subscriber};
use bytes::Bytes;
use futures::{FutureExt, StreamExt};
use tokio::sync::{mpsc, oneshot};

use super::{
    ApplySignal, CTL, Link, MANY, NODE, NatsBus, PRESENCE, Read, audience_of, key_token,
    nats_error, parse_presence, parse_signal,
};
use crate::{
    error::Result,
    events::{AudienceKey, Hub, ReplaySource, Signal},
};

/// How often the feed looks for audiences nobody here needs; one unneeded at two looks in a
/// row is dropped (so an audience asked for stays at least this long, longer than a resume
/// reads back from the stream).
const SHRINK_EVERY: Duration = Duration::from_secs(60);
/// The payload of the feed's marks in `ctl`.
const MARK: &str = "mark";
/// The header a republished message carries its stream sequence in.
const SEQUENCE: &str = "Nats-Sequence";

/// A request to carry audiences, answered with the sequence after which they are carried.
pub(super) struct Cover {
    pub(super) keys: Vec<AudienceKey>,
    pub(super) done: oneshot::Sender<std::result::Result<u64, String>>,
}

/// What the feed listens to besides its subscriptions.
pub(super) struct Inputs {
    pub(super) covers: mpsc::UnboundedReceiver<Cover>,
    /// The connection reconnected or dropped messages.
    pub(super) gaps: mpsc::UnboundedReceiver<()>,
}

/// One subscription of the feed.
struct Source {
    /// `None` for `ctl` and `m`, which every node carries.
    key: Option<AudienceKey>,
    /// Live messages up to this sequence are ignored (they predate the subscription's
    /// promise, see [`Cover`]; a read-back holds them when needed).
    since: u64,
    /// Unneeded at the last look.
    idle: bool,
    sub: Subscriber,
    /// The next live message, with its sequence.
    head: Option<(u64, async_nats::Message)>,
    /// The audience's ephemeral events (none for `ctl`), held until the source is dropped.
    _tap: Option<Tap>,
}

/// Hands the ephemeral events of one audience (`<prefix>.eph.<token>`) to the hub, from a
/// task of its own; dropping it (with its [`Source`]) ends the task and the subscription.
struct Tap(tokio::task::AbortHandle);

impl Drop for Tap {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A stored message on its way to the hub.
struct Entry {
    seq: u64,
    /// The subject after `<prefix>.ev.` / `<prefix>.live.`.
    token: String,
    headers: Option<HeaderMap>,
    payload: Bytes,
}

/// What the feed waits for when nothing is ready.
enum Wake {
    Cover(Option<Cover>),
    Gap,
    Live(String, Option<async_nats::Message>),
    Shrink,
}

/// See the module docs.
pub(super) struct Feed {
    link: Arc<Link>,
    bus: NatsBus,
    hub: Weak<Hub>,
    apply: ApplySignal,
    sources: HashMap<String, Source>,
    /// Read back from the stream, waiting for their turn among the live messages.
    backfill: VecDeque<Entry>,
    /// A mark not seen yet: backfill may only pass once every live message before it
    /// arrived.
    barrier: Option<u64>,
    /// The last sequence handled.
    last: u64,
}

impl Feed {
    /// Subscribes to what every node carries and reads back what was stored since the hub
    /// started.
    pub(super) async fn open(link: Arc<Link>, hub: Weak<Hub>, apply: ApplySignal) -> Result<Self> {
        let mut feed = Self {
            bus: NatsBus(Arc::clone(&link)),
            last: link.start,
            link,
            hub,
            apply,
            sources: HashMap::new(),
            backfill: VecDeque::new(),
            barrier: None,
        };
        for token in [CTL, MANY] {
            let subscribe_error = nats_error("cannot subscribe to the event feed");
            let sub = match feed.subscribe(token).await {
                Ok(sub) => sub,
                Err(e) => return Err(subscribe_error(e.into())),
            };
            let tap = match token {
                CTL => None,
                _ => match feed.tap(token).await {
                    Ok(tap) => Some(tap),
                    Err(e) => return Err(subscribe_error(e.into())),
                },
            };
            feed.sources.insert(
                token.to_owned(),
                Source {
                    key: None,
                    since: feed.last,
                    idle: false,
                    sub,
                    head: None,
                    _tap: tap,
                },
            );
        }
        feed.refill().await;
        Ok(feed)
    }

    async fn subscribe(
        &self,
        token: &str,
    ) -> std::result::Result<Subscriber, async_nats::SubscribeError> {
        self.link
            .client
            .subscribe(format!("{}.live.{token}", self.link.prefix))
            .await
    }

    /// Subscribes to an audience's ephemeral events.
    async fn tap(&self, token: &str) -> std::result::Result<Tap, async_nats::SubscribeError> {
        let mut sub = self
            .link
            .client
            .subscribe(format!("{}.eph.{token}", self.link.prefix))
            .await?;
        let link = Arc::clone(&self.link);
        let hub = self.hub.clone();
        let task = tokio::spawn(async move {
            while let Some(m) = sub.next().await {
                let Some(hub) = hub.upgrade() else { return };
                link.received_ephemeral.fetch_add(1, Ordering::Relaxed);
                if let Some((user, status)) = m
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(PRESENCE))
                    .and_then(|p| parse_presence(p.as_str()))
                {
                    hub.note_presence(user, status);
                }
                match audience_of(m.headers.as_ref()) {
                    Some(audience) => hub.deliver_ephemeral(audience, &m.payload).await,
                    None => tracing::warn!(subject = %m.subject, "event without audience"),
                }
            }
        });
        Ok(Tap(task.abort_handle()))
    }

    /// Subscribes to an audience's stored (live) and ephemeral events.
    async fn subscribe_both(
        &self,
        token: &str,
    ) -> std::result::Result<(Subscriber, Tap), async_nats::SubscribeError> {
        Ok((self.subscribe(token).await?, self.tap(token).await?))
    }

    /// Runs until the hub is gone.
    pub(super) async fn run(mut self, mut inputs: Inputs) {
        let mut shrink =
            tokio::time::interval_at(tokio::time::Instant::now() + SHRINK_EVERY, SHRINK_EVERY);
        shrink.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let mut batch = Vec::new();
            while let Ok(c) = inputs.covers.try_recv() {
                batch.push(c);
            }
            if !batch.is_empty() {
                self.cover(batch).await;
            }
            if inputs.gaps.try_recv().is_ok() {
                while inputs.gaps.try_recv().is_ok() {}
                self.refill().await;
            }
            if let Some(entry) = self.next_ready() {
                if !self.handle(entry).await {
                    return;
                }
                continue;
            }
            let live = futures::future::select_all(self.sources.iter_mut().map(|(token, s)| {
                let token = token.clone();
                s.sub.next().map(move |m| (token, m))
            }));
            let wake = tokio::select! {
                c = inputs.covers.recv() => Wake::Cover(c),
                Some(()) = inputs.gaps.recv() => Wake::Gap,
                ((token, m), _, _) = live => Wake::Live(token, m),
                _ = shrink.tick() => Wake::Shrink,
            };
            match wake {
                Wake::Cover(Some(c)) => self.cover(vec![c]).await,
                Wake::Cover(None) => return,
                Wake::Gap => self.refill().await,
                Wake::Live(token, Some(m)) => self.place(&token, m),
                Wake::Live(_, None) => return,
                Wake::Shrink => self.shrink().await,
            }
            if self.hub.strong_count() == 0 {
                return;
            }
        }
    }

    /// Puts a live message at the head of its subscription, unless it is one to ignore.
    fn place(&mut self, token: &str, m: async_nats::Message) {
        let Some(seq) = m
            .headers
            .as_ref()
            .and_then(|h| h.get(SEQUENCE))
            .and_then(|s| s.as_str().parse::<u64>().ok())
        else {
            tracing::warn!(subject = %m.subject, "live event without its sequence");
            return;
        };
        let last = self.last;
        if let Some(source) = self.sources.get_mut(token)
            && seq > source.since
            && seq > last
        {
            source.head = Some((seq, m));
        }
    }

    /// Takes every live message already queued to a subscription without a head, until a
    /// whole pass finds none: then no subscription holds a message published before the
    /// latest one taken, and the smallest head is the next in stream order.
    fn fill(&mut self) {
        loop {
            let mut taken = Vec::new();
            for (token, s) in self.sources.iter_mut().filter(|(_, s)| s.head.is_none()) {
                if let Some(Some(m)) = s.sub.next().now_or_never() {
                    taken.push((token.clone(), m));
                }
            }
            if taken.is_empty() {
                return;
            }
            for (token, m) in taken {
                self.place(&token, m);
            }
        }
    }

    /// The next message in stream order, if it can be known now.
    fn next_ready(&mut self) -> Option<Entry> {
        if self.barrier.is_some_and(|b| self.last >= b) {
            self.barrier = None;
        }
        self.fill();
        let live = self
            .sources
            .iter()
            .filter_map(|(token, s)| s.head.as_ref().map(|(seq, _)| (*seq, token.clone())))
            .min();
        let back = self.backfill.front().map(|e| e.seq);
        let take_back = match (live.as_ref(), back) {
            (Some((l, _)), Some(b)) => b < *l,
            (None, Some(_)) => self.barrier.is_none(),
            (_, None) => false,
        };
        if take_back {
            return self.backfill.pop_front();
        }
        let (_, token) = live?;
        let (seq, m) = self.sources.get_mut(&token)?.head.take()?;
        Some(Entry {
            seq,
            token,
            headers: m.headers,
            payload: m.payload,
        })
    }

    /// Hands an entry to the hub or applies its signal; false once the hub is gone.
    async fn handle(&mut self, entry: Entry) -> bool {
        if entry.seq <= self.last {
            return true;
        }
        self.last = entry.seq;
        let Some(hub) = self.hub.upgrade() else {
            return false;
        };
        if entry.token != CTL {
            self.link.received.fetch_add(1, Ordering::Relaxed);
            match audience_of(entry.headers.as_ref()) {
                Some(audience) => hub.deliver(entry.seq, audience, &entry.payload).await,
                None => tracing::warn!(seq = entry.seq, "event without audience"),
            }
            return true;
        }
        if entry.payload.as_ref() == MARK.as_bytes() {
            return true;
        }
        let own = entry
            .headers
            .as_ref()
            .and_then(|h| h.get(NODE))
            .is_some_and(|n| n.as_str() == self.link.node);
        let Some(signal) = std::str::from_utf8(&entry.payload)
            .ok()
            .and_then(parse_signal)
        else {
            tracing::warn!(seq = entry.seq, "unreadable signal in the event stream");
            return true;
        };
        if !own {
            (self.apply)(signal);
        }
        // A server's members changed: one of this node's users may have just joined it.
        if let Signal::Invalidate(server) = signal {
            let key = AudienceKey::Server(server);
            if !self.sources.contains_key(&key_token(key)) && hub.serves(key).await {
                self.grow(key, entry.seq).await;
            }
        }
        true
    }

    /// Carries `key` from right after the signal at `after`: subscribes, then reads back what
    /// it received from there up to a mark published after the subscription.
    async fn grow(&mut self, key: AudienceKey, after: u64) {
        let token = key_token(key);
        let (sub, tap) = match self.subscribe_both(&token).await {
            Ok(both) => both,
            Err(e) => {
                tracing::error!(error = %e, ?key, "cannot subscribe to an audience");
                return;
            }
        };
        let Some(mark) = self.mark().await else {
            return;
        };
        self.sources.insert(
            token.clone(),
            Source {
                key: Some(key),
                since: mark,
                idle: false,
                sub,
                head: None,
                _tap: Some(tap),
            },
        );
        let subject = format!("{}.ev.{token}", self.link.prefix);
        match self.bus.read(after, mark - 1, |s| s == subject).await {
            Ok(read) => self.add_backfill(read, mark),
            Err(why) => tracing::error!(%why, ?key, "cannot read back an audience's events"),
        }
    }

    /// Reads back everything carried from the last sequence handled up to a new mark (after
    /// a reconnect the subscriptions may have missed messages).
    async fn refill(&mut self) {
        let Some(mark) = self.mark().await else {
            return;
        };
        let since: HashMap<String, u64> = self
            .sources
            .iter()
            .map(|(t, s)| (format!("{}.ev.{t}", self.link.prefix), s.since))
            .collect();
        let last = self.last;
        let read = self
            .bus
            .read(last, mark - 1, |s| since.contains_key(s))
            .await;
        match read {
            Ok(read) => {
                let read = read
                    .into_iter()
                    .filter(|r| since.get(&r.subject).is_some_and(|s| r.seq > *s))
                    .collect();
                self.add_backfill(read, mark);
            }
            Err(why) => tracing::error!(%why, "cannot read back the event feed; events are lost"),
        }
    }

    /// Publishes a mark into the stream and returns its sequence.
    async fn mark(&self) -> Option<u64> {
        let mut headers = HeaderMap::new();
        headers.insert(NODE, self.link.node.as_str());
        let subject = format!("{}.ev.{CTL}", self.link.prefix);
        let acked = async {
            self.link
                .js
                .publish_with_headers(subject, headers, Bytes::from_static(MARK.as_bytes()))
                .await?
                .await
                .map_err(async_nats::Error::from)
        };
        match acked.await {
            Ok(ack) => Some(ack.sequence),
            Err(e) => {
                tracing::error!(error = %e, "cannot publish a mark into the event stream");
                None
            }
        }
    }

    fn add_backfill(&mut self, read: Vec<Read>, mark: u64) {
        let prefix = format!("{}.ev.", self.link.prefix);
        let mut all: Vec<Entry> = self.backfill.drain(..).collect();
        all.extend(read.into_iter().filter_map(|r| {
            Some(Entry {
                seq: r.seq,
                token: r.subject.strip_prefix(prefix.as_str())?.to_owned(),
                headers: r.headers,
                payload: r.payload,
            })
        }));
        all.sort_by_key(|e| e.seq);
        all.dedup_by_key(|e| e.seq);
        self.backfill = all.into();
        self.barrier = Some(self.barrier.map_or(mark, |b| b.max(mark)));
    }

    /// Subscribes to the audiences asked for that are not carried yet (all in one round
    /// trip), then answers each request.
    async fn cover(&mut self, batch: Vec<Cover>) {
        let mut new: Vec<(String, AudienceKey)> = Vec::new();
        for c in &batch {
            for key in &c.keys {
                let token = key_token(*key);
                match self.sources.get_mut(&token) {
                    Some(s) => s.idle = false,
                    None if !new.iter().any(|(t, _)| *t == token) => new.push((token, *key)),
                    None => {}
                }
            }
        }
        let mut failed = None;
        if !new.is_empty() {
            let mut subs = Vec::new();
            for (token, key) in new {
                match self.subscribe_both(&token).await {
                    Ok((sub, tap)) => subs.push((token, key, sub, tap)),
                    Err(e) => failed = Some(format!("cannot subscribe to an audience: {e}")),
                }
            }
            // Once the server has the subscriptions, whatever the stream stores next is
            // republished to them.
            let since = match self.link.client.flush().await {
                Ok(()) => self.bus.last_seq().await,
                Err(e) => Err(format!("cannot reach NATS: {e}")),
            };
            match since {
                Ok(since) => {
                    for (token, key, sub, tap) in subs {
                        self.sources.insert(
                            token,
                            Source {
                                key: Some(key),
                                since,
                                idle: false,
                                sub,
                                head: None,
                                _tap: Some(tap),
                            },
                        );
                    }
                }
                Err(why) => failed = Some(why),
            }
        }
        for c in batch {
            let answer = match &failed {
                Some(why) => Err(why.clone()),
                None => Ok(c
                    .keys
                    .iter()
                    .filter_map(|k| self.sources.get(&key_token(*k)).map(|s| s.since))
                    .max()
                    .unwrap_or(self.last)),
            };
            let _ = c.done.send(answer);
        }
    }

    /// Drops the audiences no user here needed at this look and the one before.
    async fn shrink(&mut self) {
        let Some(hub) = self.hub.upgrade() else {
            return;
        };
        let keys: Vec<(String, AudienceKey)> = self
            .sources
            .iter()
            .filter_map(|(t, s)| s.key.map(|k| (t.clone(), k)))
            .collect();
        let mut dropped = 0usize;
        for (token, key) in keys {
            let needed = hub.serves(key).await;
            let Some(source) = self.sources.get_mut(&token) else {
                continue;
            };
            if needed {
                source.idle = false;
            } else if source.idle {
                self.sources.remove(&token);
                dropped += 1;
            } else {
                source.idle = true;
            }
        }
        if dropped > 0 {
            tracing::debug!(dropped, "the event feed dropped unneeded audiences");
        }
    }
}
