// Hearth API docs: Swagger UI (vendored) reading /api/v1/openapi.json. No inline script, for the CSP.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
