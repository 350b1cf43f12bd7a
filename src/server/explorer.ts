import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * GraphiQL, served from our own node_modules so the explorer works with no internet access
 * (Apollo's landing page loads from a CDN). GraphiQL 3 is the last release with a browser build.
 */
function packageFile(name: string, file: string): string {
  // Their `exports` maps hide the browser builds, so resolve the entry and walk up to the package root.
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, file);
}

const ASSETS: Record<string, string> = {
  'react.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.js': packageFile('graphiql', 'graphiql.min.js'),
  'graphiql.css': packageFile('graphiql', 'graphiql.min.css'),
};

const DEFAULT_QUERY = `# Welcome to deskgraph.
# 1. Log in (the README lists the demo accounts). The explorer keeps the token for this tab and
#    sends it with every request, unless you set an Authorization header yourself.
mutation Login {
  login(input: { email: "admin@deskgraph.local", password: "deskgraph-demo" }) {
    token
    user { id name role }
    userErrors { field message code }
  }
}

# 2. Ask who you are.
query Viewer {
  viewer { id name email role groups { name } }
}
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>deskgraph explorer</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/explorer/graphiql.css">
  <style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script>
    const TOKEN_KEY = 'deskgraph-token';
    // Plain JSON responses (no incremental delivery), so the login token can be read from them.
    const send = GraphiQL.createFetcher({ url: window.location.pathname, enableIncrementalDelivery: false });
    async function fetcher(params, options) {
      const headers = Object.assign({}, options && options.headers);
      const token = sessionStorage.getItem(TOKEN_KEY);
      if (token && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
        headers.Authorization = 'Bearer ' + token;
      }
      const result = await send(params, Object.assign({}, options, { headers }));
      const fresh = result && result.data && result.data.login && result.data.login.token;
      if (fresh) sessionStorage.setItem(TOKEN_KEY, fresh);
      return result;
    }
    ReactDOM.createRoot(document.getElementById('explorer')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
        shouldPersistHeaders: true,
        defaultEditorToolsVisibility: 'headers',
      }),
    );
  </script>
</body>
</html>
`;

/** Serves the explorer page on `GET /graphql` for browsers, and its scripts under /explorer. */
export function explorerRouter(): Router {
  const router = express.Router();
  router.get('/explorer/:asset', (req, res, next) => {
    const file = ASSETS[req.params.asset];
    if (!file) return next();
    res.sendFile(file, { maxAge: '1d' });
  });
  router.get('/graphql', (req, res, next) => {
    // Browsers navigating here get the page; GraphQL GET requests (with ?query=) go on to Apollo.
    if (req.query.query !== undefined || req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    res.type('html').send(PAGE);
  });
  return router;
}
