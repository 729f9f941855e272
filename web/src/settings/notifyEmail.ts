// Whether the "notification e-mails" switch can do anything, and what to tell the user if not.

export interface NotifyEmailFacts {
  /** The instance sends notification e-mails (GetInstanceInfo). */
  instanceEnabled: boolean;
  /** The account has an address. */
  hasEmail: boolean;
  /** That address is verified. */
  verified: boolean;
}

/** The hint under the switch: why mail will not arrive, or what it does when it will. */
export function notifyEmailHint(f: NotifyEmailFacts): { ready: boolean; text: string } {
  if (!f.instanceEnabled) {
    return { ready: false, text: "This instance does not send notification e-mails; an administrator can turn them on." };
  }
  if (!f.hasEmail) {
    return { ready: false, text: "Add an e-mail address above to get notification e-mails." };
  }
  if (!f.verified) {
    return { ready: false, text: "Verify your e-mail address to get notification e-mails." };
  }
  return {
    ready: true,
    text: "One e-mail when a direct message or a mention reaches you while you are offline; none again until you are back. Every e-mail has an unsubscribe link.",
  };
}
