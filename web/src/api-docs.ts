// The API reference page (`api-docs.html`, served at /api/docs): Redoc's standalone bundle
// renders the OpenAPI document the server generates from the proto. The bundle is emitted as
// its own file (never part of the app's scripts) and loaded from this origin, so the page
// needs no CDN and no inline script.
import redocUrl from "redoc/bundles/redoc.standalone.js?url";

interface RedocGlobal {
  init(
    spec: string,
    options: Record<string, unknown>,
    element: HTMLElement | null,
    callback?: (error?: unknown) => void,
  ): void;
}

const OPENAPI_URL = "/api/v1/openapi.json";

const script = document.createElement("script");
script.src = redocUrl;
script.addEventListener("load", () => {
  const redoc = (window as unknown as { Redoc?: RedocGlobal }).Redoc;
  redoc?.init(
    OPENAPI_URL,
    // The page is for reading; tokens are never entered here.
    { expandResponses: "200", hideHostname: true, jsonSampleExpandLevel: 2 },
    document.getElementById("redoc"),
  );
});
document.head.append(script);
