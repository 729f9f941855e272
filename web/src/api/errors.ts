// Turns API errors into sentences a person can act on.
import { Code, ConnectError } from "@connectrpc/connect";

/** A short, human message for any error thrown by an API call. */
export function describeError(err: unknown): string {
  const e = ConnectError.from(err);
  switch (e.code) {
    case Code.Unavailable:
      return "Can't reach the server. Check your connection and try again.";
    case Code.ResourceExhausted: {
      const after = Number(e.metadata.get("retry-after"));
      return after > 0 ? `Slow down! Try again in ${after} second${after === 1 ? "" : "s"}.` : capitalise(e.rawMessage);
    }
    case Code.Internal:
    case Code.Unknown:
      return "Something went wrong on the server. Please try again.";
    default:
      return capitalise(e.rawMessage) || "Something went wrong.";
  }
}

/** The gRPC code of an error, for branching in views. */
export function errorCode(err: unknown): Code {
  return ConnectError.from(err).code;
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
