// Placeholder until the settings screens land.
import { closeOverlay } from "../app/overlays";

export default function UserSettings() {
  return (
    <div class="settings" role="dialog" aria-label="UserSettings">
      <button class="btn" onClick={closeOverlay}>Close</button>
    </div>
  );
}
