// Placeholder until the friends page lands.
export function FriendsPage() {
  return <div class="empty">Friends</div>;
}
