// Starts tierlens. Trunk's default loader is an inline <script type="module">, which a
// Content-Security-Policy of `script-src 'self' 'wasm-unsafe-eval'` refuses; this file is the
// same loader served from the bundle ('self'). Trunk.toml's `pattern_script` writes the
// <script> tag that loads it, with the hashed file names in data attributes. URLs resolve
// against the page, so the bundle works from any path.
const tag = document.getElementById('tierlens-start');
const at = (name) => new URL(tag.dataset[name], document.baseURI).href;
const bindings = await import(at('js'));
const wasm = await bindings.default({ module_or_path: at('wasm') });
// What trunk's loader does too (the browser benchmark reads wasm memory through it).
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
