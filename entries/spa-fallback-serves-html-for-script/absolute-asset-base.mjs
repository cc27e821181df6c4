// vite.config.mjs
// WRONG: base: "./" (webpack: output.publicPath: "" or "./"; CRA: "homepage": ".")
//   index.html then says <script type="module" src="./assets/index-3f2a.js">, which on the
//   nested route /projects/7/settings resolves to /projects/7/assets/index-3f2a.js; the SPA
//   fallback answers that with index.html, and the browser reports
//   Failed to load module script: Expected a JavaScript module script but the server responded
//   with a MIME type of "text/html"  (classic scripts: Uncaught SyntaxError: Unexpected token '<')
// An absolute base resolves the same on every route. Under a sub-path, use that path: "/app/".
//   webpack.config.js: output: { publicPath: "/" }   Vue CLI: publicPath: "/"
//   Create React App: "homepage": "/" in package.json (or PUBLIC_URL=/)
export default {
  base: "/",
  build: { assetsDir: "assets" },
};
