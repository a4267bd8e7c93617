import * as vscode from 'vscode';
import type { EnvironmentsModel, TreeNode, Collapsible } from './model';

const COLLAPSE: Record<Collapsible, vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

/** Thin adapter: the model decides everything, this only builds vscode.TreeItems. */
export class EnvironmentsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: { dispose(): void };

  constructor(private readonly model: EnvironmentsModel) {
    this.sub = model.onDidChange((node) => this.emitter.fire(node));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const d = this.model.item(node);
    const item = new vscode.TreeItem(d.label, COLLAPSE[d.collapsible]);
    item.id = d.id;
    item.description = d.description;
    item.tooltip = d.tooltip;
    item.contextValue = d.contextValue;
    item.iconPath = new vscode.ThemeIcon(d.icon.id, d.icon.color ? new vscode.ThemeColor(d.icon.color) : undefined);
    if (d.command) item.command = d.command;
    return item;
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return this.model.getChildren(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.getParent(node);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
