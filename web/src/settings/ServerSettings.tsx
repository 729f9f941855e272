// Placeholder until the settings screens land.
import { closeOverlay } from "../app/overlays";

export default function ServerSettings() {
  return (
    <div class="settings" role="dialog" aria-label="ServerSettings">
      <button class="btn" onClick={closeOverlay}>Close</button>
    </div>
  );
}
