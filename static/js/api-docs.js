// The API reference: Swagger UI (from the fastapi-offline package, served by Gapwise itself)
// drawn into [data-api-docs] from the schema URL it carries. Nothing is fetched elsewhere:
// the online validator is off.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-api-docs]");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    validatorUrl: null,
    deepLinking: false, // true puts a link inside each operation's button (axe: nested-interactive)
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    withCredentials: true,
  });
});
