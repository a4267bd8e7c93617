import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type WorkspaceEdit } from 'vscode-languageserver/node';
import { findRequirements, requirementAddition } from '../../../core/src/analysis/requirements';

/**
 * AF141 quick fix: "Add <distribution> to requirements.txt" — the nearest requirements file the linter read
 * (findRequirements), or a new requirements.txt at the workspace folder (else beside the DAG) when the client can
 * create files. Nothing is offered when the file already lists the distribution.
 */
export function addRequirementAction(diag: LspDiagnostic, dist: string, dagFile: string, root: string | undefined, canCreateFiles: boolean): CodeAction | undefined {
  const existing = findRequirements(path.dirname(dagFile), root);
  const file = existing ?? path.join(root ?? path.dirname(dagFile), 'requirements.txt');
  let text: string | undefined;
  if (existing) {
    try {
      text = readFileSync(existing, 'utf8');
    } catch {
      return undefined;
    }
  } else if (!canCreateFiles || existsSync(file)) return undefined;
  const add = requirementAddition(text, dist);
  if (!add) return undefined;
  const uri = pathToFileURL(file).toString();
  const insert = { range: { start: { line: add.line, character: add.character }, end: { line: add.line, character: add.character } }, newText: add.newText };
  const edit: WorkspaceEdit = existing
    ? { changes: { [uri]: [insert] } }
    : { documentChanges: [{ kind: 'create', uri, options: { ignoreIfExists: true } }, { textDocument: { uri, version: null }, edits: [insert] }] };
  const where = root ? path.relative(root, file) || 'requirements.txt' : file;
  return { title: `Add ${dist} to ${where}`, kind: CodeActionKind.QuickFix, diagnostics: [diag], edit };
}
