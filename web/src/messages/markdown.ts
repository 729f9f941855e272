// Discord-flavoured markdown to safe HTML: `marked` parses (raw HTML is never passed through,
// it is shown as text), custom inline rules add mentions and spoilers, and DOMPurify keeps
// only the tags and attributes below — links to http(s)/mailto only.
import { Marked, type Tokens } from "marked";
import DOMPurify from "dompurify";

/** Looks up names for mention tokens. */
export interface MentionNames {
  user(id: string): string | undefined;
  role(id: string): { name: string; color: number } | undefined;
  /** The signed-in user, whose mentions are highlighted. */
  me?: string;
}

let names: MentionNames = { user: () => undefined, role: () => undefined };

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const anchor = (href: string, inner: string) => `<a href="${escape(href)}" target="_blank" rel="noopener noreferrer nofollow">${inner}</a>`;

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in a message is text, never markup.
    html: ({ text }) => escape(text),
    // Discord has no headings in chat by default, and "# " at a line start is rarely meant
    // as one: render the line as it was typed.
    heading: ({ raw }) => `<p>${escape(raw.trim())}</p>`,
    hr: ({ raw }) => `<p>${escape(raw.trim())}</p>`,
    image: ({ href, text }) => (safeUrl(href) ? anchor(href, escape(text || href)) : escape(text || href)),
    link({ href, tokens }) {
      const inner = this.parser.parseInline(tokens);
      return safeUrl(href) ? anchor(href, inner) : inner;
    },
    code: ({ text, lang }) => `<pre><code${lang ? ` data-lang="${escape(lang)}"` : ""}>${escape(text)}</code></pre>`,
  },
  extensions: [
    {
      name: "mention",
      level: "inline",
      start: (src: string) => src.match(/<@|@everyone|@here/)?.index,
      tokenizer(src: string) {
        const m = /^<@(!|&)?(\d{1,20})>/.exec(src) ?? /^@(everyone|here)\b/.exec(src);
        if (!m) return undefined;
        return { type: "mention", raw: m[0], kind: m[1] ?? "", id: m[2] ?? m[1] } as Tokens.Generic;
      },
      renderer(token: Tokens.Generic) {
        if (token.id === "everyone" || token.id === "here") return `<span class="mention">@${token.id}</span>`;
        if (token.kind === "&") {
          const role = names.role(token.id);
          return `<span class="mention role">@${escape(role?.name ?? "deleted-role")}</span>`;
        }
        const me = token.id === names.me ? " me" : "";
        return `<span class="mention${me}" data-user-id="${escape(token.id)}">@${escape(names.user(token.id) ?? "unknown-user")}</span>`;
      },
    },
    {
      name: "spoiler",
      level: "inline",
      start: (src: string) => src.indexOf("||") >= 0 ? src.indexOf("||") : undefined,
      tokenizer(src: string) {
        const m = /^\|\|([\s\S]+?)\|\|/.exec(src);
        if (!m) return undefined;
        return { type: "spoiler", raw: m[0], tokens: this.lexer.inlineTokens(m[1]) } as Tokens.Generic;
      },
      renderer(token: Tokens.Generic) {
        return `<span class="spoiler" tabindex="0" role="button" aria-label="Spoiler, press to reveal">${this.parser.parseInline(token.tokens ?? [])}</span>`;
      },
    },
  ],
});

const ALLOWED_TAGS = ["p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span", "table", "thead", "tbody", "tr", "th", "td"];
const ALLOWED_ATTR = ["href", "target", "rel", "class", "data-user-id", "data-lang", "tabindex", "role", "aria-label"];

export function safeUrl(href: string): boolean {
  // Absolute http(s)/mailto only: relative and protocol-relative ("//host") links are dropped.
  if (!/^(?:https?|mailto):/i.test(href)) return false;
  try {
    return ["http:", "https:", "mailto:"].includes(new URL(href).protocol);
  } catch {
    return false;
  }
}

/** Renders message text to sanitised HTML. */
export function renderMarkdown(text: string, mentionNames?: MentionNames): string {
  if (mentionNames) names = mentionNames;
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
    // DOMPurify checks every other attribute's value against ALLOWED_URI_REGEXP, which would
    // strip target="_blank", rel and tabindex; none of these can carry a URL.
    ADD_URI_SAFE_ATTR: ["target", "rel", "tabindex"],
    KEEP_CONTENT: true,
  });
}
