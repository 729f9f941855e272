// Placeholder until the settings screens land.
import { closeOverlay } from "../app/overlays";

export default function ChannelSettings() {
  return (
    <div class="settings" role="dialog" aria-label="ChannelSettings">
      <button class="btn" onClick={closeOverlay}>Close</button>
    </div>
  );
}
