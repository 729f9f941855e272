// The shape of every button that calls the API: a busy flag while it runs and a sentence
// when it fails.
import { createSignal } from "solid-js";
import { describeError } from "../api/errors";

export function createAction() {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal("");
  /** Runs `fn`; true when it succeeded, otherwise `error()` says why. */
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError("");
    try {
      await fn();
      return true;
    } catch (err) {
      setError(describeError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
