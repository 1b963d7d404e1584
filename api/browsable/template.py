"""The browsable API's page (a Jinja template, autoescaped). Kept as a Python string so that it is
installed with the package; the script and style carry the response's CSP nonce."""

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ request_line }} · docsplane API</title>
<style nonce="{{ nonce }}">
  body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #222; }
  nav, form { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  h1 { font-size: 1.2rem; font-family: ui-monospace, monospace; word-break: break-all; }
  pre { background: #f6f8fa; border: 1px solid #ddd; padding: .75rem; overflow-x: auto; }
  .status-ok { color: #1a7f37; } .status-error { color: #cf222e; }
  .hint { background: #fff8c5; padding: .5rem; }
  a { color: #0969da; }
</style>
</head>
<body>
<nav>
  <strong>docsplane API v3</strong>
  <a href="/api/v3/">root</a>
  <a href="/api/v3/projects/">projects</a>
  <a href="/api/v3/docs/">documentation</a>
</nav>
<form id="token-form" autocomplete="off">
  <label for="token">API token</label>
  <input id="token" type="password" size="44" placeholder="paste a token (docsplane users create NAME prints one)">
  <button id="use-token" type="submit">Use token</button>
  <button id="forget-token" type="button">Forget token</button>
  <span id="token-state"></span>
</form>
<h1>{{ request_line }}</h1>
{% if status == 401 %}<p class="hint">This resource needs an API token: paste yours above.</p>{% endif %}
<pre id="response-headers"><span class="{{ 'status-error' if status >= 400 else 'status-ok' }}" id="status">{{ status_line }}</span>
{% for name, value in headers %}{{ name }}: {{ value }}
{% endfor %}</pre>
<pre id="response-body">{{ body }}</pre>
<script nonce="{{ nonce }}">
(function () {
  var name = {{ cookie | tojson }};
  var secure = location.protocol === "https:" ? "; Secure" : "";
  function store(value, maxAge) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; Path=/api/v3; SameSite=Strict; Max-Age=" + maxAge + secure;
  }
  var stored = document.cookie.split("; ").some(function (c) { return c.indexOf(name + "=") === 0; });
  document.getElementById("token-state").textContent = stored ? "A token is stored in this browser." : "No token stored.";
  document.getElementById("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var token = document.getElementById("token").value.trim().replace(/^Token\\s+/i, "");
    if (token) { store(token, 30 * 24 * 3600); location.reload(); }
  });
  document.getElementById("forget-token").addEventListener("click", function () { store("", 0); location.reload(); });
})();
</script>
</body>
</html>
"""
