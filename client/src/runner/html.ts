/**
 * The runner panel's HTML (no vscode import, so tests load it in a real browser): strict CSP,
 * everything from the extension's dist/ and media/ via `asWebviewUri`, one nonce for scripts.
 */
export function runnerPanelHtml(o: { cspSource: string; nonce: string; uri: (...segments: string[]) => string }): string {
  const { cspSource, nonce, uri } = o;
  const csp = [`default-src 'none'`, `img-src ${cspSource} data:`, `font-src ${cspSource}`, `style-src ${cspSource} 'nonce-${nonce}'`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('dist', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${uri('media', 'runnerPanel.css')}" nonce="${nonce}">
<title>Airflow (local)</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${uri('dist', 'webview', 'runnerPanel.js')}"></script>
</body>
</html>`;
}
