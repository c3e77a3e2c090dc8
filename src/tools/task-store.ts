/** Where MCP tasks live: in memory, for the life of one server. */
import type { CreateTaskOptions } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import type { Request, RequestId, Task } from '@modelcontextprotocol/sdk/types.js';

/**
 * The SDK's in-memory store, plus two facts the SDK does not hand to a task's work: a tasks/cancel
 * (the SDK only records the status, so the work gets a signal here) and whether the task was made
 * for a plain tools/call, which the SDK answers by polling the task (the work then finishes before
 * it hands the task back, so that call does not wait a poll interval more).
 */
export class ToolTaskStore extends InMemoryTaskStore {
  private readonly work = new Map<string, AbortController>();
  private readonly plainCalls = new Set<string>();

  override async createTask(params: CreateTaskOptions, requestId: RequestId, request: Request, sessionId?: string): Promise<Task> {
    const task = await super.createTask(params, requestId, request, sessionId);
    // As McpServer tells them apart: a request for a task carries `params.task`.
    if (!(request.params as { task?: unknown } | undefined)?.task) this.plainCalls.add(task.taskId);
    return task;
  }

  override async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string, sessionId?: string): Promise<void> {
    await super.updateTaskStatus(taskId, status, statusMessage, sessionId);
    if (status === 'cancelled') this.work.get(taskId)?.abort();
  }

  /** True when the task stands for a tools/call that asked for no task. */
  isPlainCall(taskId: string): boolean {
    return this.plainCalls.has(taskId);
  }

  /** The signal of the task's work: aborted by tasks/cancel, when the server closes, or with `linked`. */
  startWork(taskId: string, linked?: AbortSignal): AbortSignal {
    const controller = new AbortController();
    this.work.set(taskId, controller);
    linked?.addEventListener('abort', () => controller.abort(), { once: true });
    return controller.signal;
  }

  endWork(taskId: string): void {
    this.work.delete(taskId);
    this.plainCalls.delete(taskId);
  }

  /** Stops every task's work and the store's clean-up timers. */
  close(): void {
    for (const controller of this.work.values()) controller.abort();
    this.work.clear();
    this.plainCalls.clear();
    this.cleanup();
  }
}
